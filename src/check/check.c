/* SPDX-License-Identifier: MIT */
/* The checker: per-text checks (doubled words, unbalanced quotes and brackets, double
 * spaces), per-pair checks (numbers, untranslated, glossary, names) and batch checks
 * (inconsistent translations, entity variants across the batch). */
#include "cd_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucasemap.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unistd.h>

#include "cd_lang.h"
#include "cd_lines.h"
#include "cd_names.h"
#include "cd_stem.h"
#include "cd_strmap.h"

/* The checks, in the order reports and --list-checks show them; the registry below is
 * indexed by this enum, so the two cannot drift apart. */
typedef enum check_kind {
  K_NAMES_VARIANT,
  K_NAMES_UNKNOWN,
  K_NAMES_STYLE,
  K_NAMES_MISSING,
  K_NAMES_MISMATCH,
  K_TM_TARGET,
  K_TM_SOURCE,
  K_NUMBERS,
  K_UNTRANSLATED,
  K_GLOSSARY,
  K_DOUBLED,
  K_UNBALANCED,
  K_DOUBLE_SPACE,
  N_CHECKS
} check_kind;

static const cd_check_info registry[N_CHECKS] = {
    [K_NAMES_VARIANT] = {"names.variant", CD_SEV_WARNING,
                         "one entity written in different variants in the batch"},
    [K_NAMES_UNKNOWN] = {"names.unknown-variant", CD_SEV_WARNING,
                         "a name the dictionary lacks, spelled differently across the batch"},
    [K_NAMES_STYLE] = {"names.style", CD_SEV_WARNING,
                       "a name that is not the house canonical form"},
    [K_NAMES_MISSING] = {"names.missing", CD_SEV_ERROR,
                         "an entity in the source is absent from the target"},
    [K_NAMES_MISMATCH] = {"names.mismatch", CD_SEV_WARNING,
                          "an entity rendered non-canonically in the target"},
    [K_TM_TARGET] = {"tm.inconsistent-target", CD_SEV_WARNING,
                     "one source segment with different translations"},
    [K_TM_SOURCE] = {"tm.inconsistent-source", CD_SEV_WARNING,
                     "one translation for different source segments"},
    [K_NUMBERS] = {"numbers.mismatch", CD_SEV_ERROR, "a number differs between source and target"},
    [K_UNTRANSLATED] = {"untranslated", CD_SEV_WARNING,
                        "the target equals the source or is in the source language"},
    [K_GLOSSARY] = {"glossary.violation", CD_SEV_ERROR,
                    "a glossary term is not translated as the glossary says"},
    [K_DOUBLED] = {"text.doubled-word", CD_SEV_WARNING, "the same word twice in a row"},
    [K_UNBALANCED] = {"text.unbalanced", CD_SEV_WARNING, "an unbalanced quotation mark or bracket"},
    [K_DOUBLE_SPACE] = {"text.double-space", CD_SEV_INFO, "two or more spaces between words"},
};

const cd_check_info *cd_check_registry(size_t *n) {
  *n = N_CHECKS;
  return registry;
}

const char *cd_severity_name(cd_severity s) {
  switch (s) {
  case CD_SEV_OFF: return "off";
  case CD_SEV_INFO: return "info";
  case CD_SEV_WARNING: return "warning";
  case CD_SEV_ERROR: return "error";
  }
  return "?";
}

bool cd_severity_parse(const char *s, cd_severity *out) {
  static const cd_severity all[] = {CD_SEV_OFF, CD_SEV_INFO, CD_SEV_WARNING, CD_SEV_ERROR};
  for (size_t i = 0; i < 4; i++)
    if (strcmp(s, cd_severity_name(all[i])) == 0) {
      *out = all[i];
      return true;
    }
  return false;
}

void cd_check_options_init(cd_check_options *o) { memset(o, 0, sizeof *o); }

/* ---- state --------------------------------------------------------------------------- */

typedef struct occurrence {
  char *origin;
  uint64_t line;
  char *source, *target;
} occurrence;

typedef struct group {
  char *first_other; /* the first key seen on the other side */
  bool differs;      /* another, different key was seen */
  size_t *occ;       /* indexes into occurrences */
  size_t n, cap;
} group;

/* A text cut into words, for comparing terms word by word: per word, its folded form
 * followed by its folded stems, each NUL-terminated, in buf. Built on first use. */
typedef struct word_info {
  size_t off;    /* of the folded form in buf; the stems follow it */
  size_t nstems; /* how many */
} word_info;

typedef struct word_list {
  cd_buf buf;
  word_info *w;
  size_t n, cap;
  bool ready;
} word_list;

typedef struct glossary_entry {
  char *src, *tgt;         /* as written */
  char *src_key, *tgt_key; /* folded, apostrophes unified */
  char src_lang[16], tgt_lang[16];
  char *note;
  word_list src_words, tgt_words; /* the terms' words and stems */
} glossary_entry;

typedef struct name_use {
  char *form;
  size_t count;
  size_t first; /* index of the first finding-less location: stored in locs */
} name_use;

typedef struct name_loc {
  char *file;
  uint64_t line, col;
  char *form;
  char *context;
  size_t context_len;
  size_t cs, ce;
  bool canonical; /* the house form: counted, never reported */
  char key[96];   /* lang \t entity */
  /* a name the dictionary lacks (c->unknown numbers it): form is its surname */
  bool unknown;
  size_t unknown_index;
  uint64_t gcol; /* its given name's column and span in context */
  size_t gcs, gce;
} name_loc;

struct cd_checker {
  cd_check_options opts;
  cd_buf missing; /* optional data files that could not be read, ", "-separated */
  /* the last column computed, so that the findings of one line cost one pass over it */
  const char *col_ctx;
  size_t col_ctx_len, col_off;
  uint64_t col_val;
  /* positions of an article that is not its file's text (cd_check_set_position_map) */
  cd_check_pos_fn pos_fn;
  void *pos_ud;
  bool in_article;
  cd_severity level[N_CHECKS];
  cd_finding *f;
  size_t nf, capf;
  cd_strmap *doubled_ok;  /* "lang\tword" */
  cd_strmap *quote_pairs; /* lang → "open close open close ..." */
  cd_strmap *name_words;  /* lower-case words inside names: particles, "of" */
  cd_stemmer *stem;
  glossary_entry *gl;
  size_t ngl;
  occurrence *occ;
  size_t nocc, capocc;
  cd_strmap *by_source, *by_target; /* folded key → group* */
  name_loc *locs;
  size_t nlocs, caplocs;
  cd_strmap *name_forms;    /* "lang\tentity\tform" → count (as uintptr) */
  cd_strmap *name_entities; /* "lang\tentity" → distinct form count */
  cd_names_groups *unknown; /* names the dictionary lacks, for names.unknown-variant */
  char *unknown_file;       /* the document their last mention was in, and its number */
  size_t unknown_doc;
  UCaseMap *fold;
  char num_lang[2][16]; /* the languages of the last pair's sides, and their decimal marks */
  uint32_t num_mark[2];
  cd_langid *langid;
  uint64_t articles, pairs;
};

static char *dupn(const char *s, size_t n) {
  char *p = malloc(n + 1);
  if (p) {
    if (n)
      memcpy(p, s, n);
    p[n] = '\0';
  }
  return p;
}

/* Case-folded copy with whitespace runs collapsed and ends trimmed. */
static cd_status fold_key(cd_checker *c, const char *s, size_t n, cd_buf *out) {
  cd_buf_clear(out);
  cd_buf tmp = CD_BUF_INIT;
  bool space = true;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    int32_t cp = cd_utf8_next(s, n, &j);
    bool ws = cp >= 0 && u_isUWhiteSpace(cp);
    if (ws) {
      if (!space && cd_buf_append(&tmp, " ", 1))
        goto nomem;
      space = true;
    } else {
      if (cd_buf_append(&tmp, s + i, j - i))
        goto nomem;
      space = false;
    }
    i = j;
  }
  while (tmp.len && tmp.data[tmp.len - 1] == ' ')
    tmp.len--;
  UErrorCode ec = U_ZERO_ERROR;
  int32_t need = ucasemap_utf8FoldCase(c->fold, NULL, 0, cd_buf_at(&tmp, 0), (int32_t)tmp.len, &ec);
  ec = U_ZERO_ERROR;
  if (cd_buf_reserve(out, (size_t)need + 1))
    goto nomem;
  ucasemap_utf8FoldCase(c->fold, out->data, need + 1, cd_buf_at(&tmp, 0), (int32_t)tmp.len, &ec);
  out->len = (size_t)need;
  out->data[out->len] = '\0';
  cd_buf_free(&tmp);
  return U_FAILURE(ec) ? CD_ERR_INTERNAL : CD_OK;
nomem:
  cd_buf_free(&tmp);
  return CD_ERR_NOMEM;
}

/* Writes every apostrophe-like mark (’ ʼ ‘) as ', in place: glossaries and translators
 * use them interchangeably inside words (перемир'я, перемир’я, перемирʼя). */
static void unify_apostrophes(cd_buf *b) {
  size_t o = 0;
  for (size_t i = 0; i < b->len;) {
    const unsigned char *u = (const unsigned char *)b->data + i;
    size_t k = b->len - i;
    bool three = k >= 3 && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x98 || u[2] == 0x99);
    bool two = k >= 2 && u[0] == 0xCA && u[1] == 0xBC;
    if (three || two) {
      b->data[o++] = '\'';
      i += three ? 3 : 2;
    } else {
      b->data[o++] = b->data[i++];
    }
  }
  b->len = o;
  if (b->data)
    b->data[o] = '\0';
}

/* fold_key, then apostrophes unified: the key glossary terms are compared on. */
static cd_status term_key(cd_checker *c, const char *s, size_t n, cd_buf *out) {
  cd_status st = fold_key(c, s, n, out);
  if (!st)
    unify_apostrophes(out);
  return st;
}

/* ---- data files ---------------------------------------------------------------------- */

/* Reads a TSV file line by line; cb gets the fields of each non-comment line. */
typedef cd_status (*tsv_cb)(cd_checker *c, char **fields, size_t n, const char *path, size_t line,
                            cd_error *err);

static cd_status note_missing(cd_checker *c, const char *path);

static cd_status read_tsv(cd_checker *c, const char *path, bool required, tsv_cb cb,
                          cd_error *err) {
  cd_lines r;
  cd_error oe;
  cd_status st = cd_lines_open(&r, path, &oe);
  if (st) {
    if (required)
      return cd_error_set(err, st, "%s", oe.message);
    return note_missing(c, path); /* an optional table: the run says it is degraded */
  }
  char *line;
  size_t n;
  while (!st && !(st = cd_lines_next(&r, &line, &n, err)) && line) {
    size_t lineno = (size_t)r.lineno;
    if (!cd_utf8_is_valid(line, n)) {
      st = cd_error_set(err, CD_ERR_DATA, "%s:%zu: invalid UTF-8", path, lineno);
      break;
    }
    if (n == 0 || line[0] == '#')
      continue;
    char *fields[8] = {0};
    size_t nf = 0;
    char *p = line;
    fields[nf++] = p;
    while ((p = strchr(p, '\t')) && nf < 8) {
      *p++ = '\0';
      fields[nf++] = p;
    }
    st = cb(c, fields, nf, path, lineno, err);
  }
  cd_lines_close(&r);
  return st;
}

static cd_status doubled_row(cd_checker *c, char **fields, size_t n, const char *path, size_t line,
                             cd_error *err) {
  if (n < 2)
    return cd_error_set(err, CD_ERR_DATA, "%s:%zu: expected LANG<TAB>WORD", path, line);
  cd_buf key = CD_BUF_INIT, folded = CD_BUF_INIT;
  cd_status st = fold_key(c, fields[1], strlen(fields[1]), &folded);
  if (!st)
    st = cd_buf_appendf(&key, "%s\t%s", fields[0], folded.data);
  if (!st && !cd_strmap_slot(c->doubled_ok, key.data, key.len, NULL))
    st = CD_ERR_NOMEM;
  cd_buf_free(&key);
  cd_buf_free(&folded);
  return st ? cd_error_set(err, st, "%s:%zu: cannot load", path, line) : CD_OK;
}

static cd_status quotes_row(cd_checker *c, char **fields, size_t n, const char *path, size_t line,
                            cd_error *err) {
  if (n < 3 || !*fields[1] || !*fields[2])
    return cd_error_set(err, CD_ERR_DATA, "%s:%zu: expected LANG<TAB>OPEN<TAB>CLOSE", path, line);
  bool ins;
  void **slot = cd_strmap_slot(c->quote_pairs, fields[0], strlen(fields[0]), &ins);
  if (!slot)
    return CD_ERR_NOMEM;
  cd_buf b = CD_BUF_INIT;
  cd_status st = CD_OK;
  if (*slot) {
    CD_CHAIN(st, cd_buf_append_str(&b, *slot));
    free(*slot);
  }
  CD_CHAIN(st, cd_buf_appendf(&b, "%s\t%s\t", fields[1], fields[2]));
  *slot = b.data;
  return st ? cd_error_set(err, st, "%s:%zu: out of memory", path, line) : CD_OK;
}

static cd_status name_word_row(cd_checker *c, char **fields, size_t n, const char *path,
                               size_t line, cd_error *err) {
  (void)n;
  if (!cd_strmap_slot(c->name_words, fields[0], strlen(fields[0]), NULL))
    return cd_error_set(err, CD_ERR_NOMEM, "%s:%zu: out of memory", path, line);
  return CD_OK;
}

static cd_status glossary_row(cd_checker *c, char **fields, size_t n, const char *path, size_t line,
                              cd_error *err) {
  if (n < 3 || !*fields[0] || !*fields[1])
    return cd_error_set(err, CD_ERR_INPUT,
                        "%s:%zu: expected SOURCE<TAB>TARGET<TAB>L1-L2[<TAB>NOTE]", path, line);
  const char *dash = strchr(fields[2], '-');
  if (!dash || dash == fields[2] || (size_t)(dash - fields[2]) > 15 || strlen(dash + 1) > 15 ||
      !dash[1])
    return cd_error_set(err, CD_ERR_INPUT, "%s:%zu: languages must look like en-fr, not '%s'", path,
                        line, fields[2]);
  glossary_entry *g = realloc(c->gl, (c->ngl + 1) * sizeof *g);
  if (!g)
    return CD_ERR_NOMEM;
  c->gl = g;
  glossary_entry *e = &c->gl[c->ngl];
  memset(e, 0, sizeof *e);
  snprintf(e->src_lang, sizeof e->src_lang, "%.*s", (int)(dash - fields[2]), fields[2]);
  snprintf(e->tgt_lang, sizeof e->tgt_lang, "%s", dash + 1);
  e->src = strdup(fields[0]);
  e->tgt = strdup(fields[1]);
  e->note = strdup(n > 3 ? fields[3] : "");
  cd_buf k = CD_BUF_INIT;
  term_key(c, fields[0], strlen(fields[0]), &k);
  e->src_key = dupn(cd_buf_at(&k, 0), k.len);
  term_key(c, fields[1], strlen(fields[1]), &k);
  e->tgt_key = dupn(cd_buf_at(&k, 0), k.len);
  cd_buf_free(&k);
  c->ngl++;
  if (!e->src || !e->tgt || !e->note || !e->src_key || !e->tgt_key)
    return CD_ERR_NOMEM;
  return CD_OK;
}

/* ---- construction -------------------------------------------------------------------- */

static cd_status note_missing(cd_checker *c, const char *path) {
  const char *dir = c->opts.data_dir;
  size_t dl = dir ? strlen(dir) : 0;
  if (dl && strncmp(path, dir, dl) == 0 && path[dl] == '/')
    path += dl + 1;
  cd_status st = CD_OK;
  if (c->missing.len)
    st = cd_buf_append_str(&c->missing, ", ");
  return st ? st : cd_buf_append_str(&c->missing, path);
}

const char *cd_check_missing_data(const cd_checker *c) {
  return c->missing.len ? c->missing.data : NULL;
}

/* libexttextcat prints its own message when its configuration is missing: look first */
static cd_status open_langid(cd_checker *c, cd_error *err) {
  const char *dir = c->opts.data_dir;
  if (dir) {
    char conf[4096];
    snprintf(conf, sizeof conf, "%s/langid/fpdb.conf", dir);
    if (access(conf, R_OK) != 0) {
      dir = NULL;
      if (note_missing(c, conf))
        return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    }
  }
  return cd_langid_new(dir, &c->langid, err);
}

/* The optional data files; the name particles are the names stage's own list. */
static cd_status load_data(cd_checker *c, const char *dir, cd_error *err) {
  static const struct {
    const char *file;
    tsv_cb cb;
  } files[] = {{"check/doubled-ok.tsv", doubled_row},
               {"check/quotes.tsv", quotes_row},
               {"names/particles.txt", name_word_row},
               {"check/name-words.txt", name_word_row}};
  cd_status st = CD_OK;
  for (size_t i = 0; dir && i < sizeof files / sizeof files[0] && !st; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, files[i].file);
    st = read_tsv(c, path, false, files[i].cb, err);
  }
  return st;
}

cd_status cd_checker_new(const cd_check_options *opts, cd_checker **out, cd_error *err) {
  cd_checker *c = calloc(1, sizeof *c);
  if (!c)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  c->opts = *opts;
  for (size_t i = 0; i < N_CHECKS; i++)
    c->level[i] = registry[i].severity;
  UErrorCode ec = U_ZERO_ERROR;
  c->fold = ucasemap_open("", U_FOLD_CASE_DEFAULT, &ec);
  c->doubled_ok = cd_strmap_new();
  c->quote_pairs = cd_strmap_new();
  c->name_words = cd_strmap_new();
  c->by_source = cd_strmap_new();
  c->by_target = cd_strmap_new();
  c->name_forms = cd_strmap_new();
  c->name_entities = cd_strmap_new();
  cd_status st = CD_OK;
  if (U_FAILURE(ec) || !c->doubled_ok || !c->quote_pairs || !c->name_words || !c->by_source ||
      !c->by_target || !c->name_forms || !c->name_entities)
    st = cd_error_set(err, CD_ERR_NOMEM, "cannot set up the checker");
  if (!st)
    st = load_data(c, opts->data_dir, err);
  if (!st) {
    cd_stem_options so;
    cd_stem_options_init(&so);
    if (opts->hunspell_dir)
      so.hunspell_dir = opts->hunspell_dir;
    st = cd_stemmer_new(&so, &c->stem, err);
  }
  if (!st && opts->glossary)
    st = read_tsv(c, opts->glossary, true, glossary_row, err);
  if (!st)
    st = open_langid(c, err);
  if (st) {
    cd_checker_free(c);
    return st;
  }
  *out = c;
  return CD_OK;
}

static void word_list_free(word_list *l) {
  cd_buf_free(&l->buf);
  free(l->w);
  memset(l, 0, sizeof *l);
}

static void free_group_map(cd_strmap *m) {
  if (!m)
    return;
  size_t pos = 0;
  const char *k;
  size_t kl;
  void *v;
  while (cd_strmap_next(m, &pos, &k, &kl, &v)) {
    group *g = v;
    if (g) {
      free(g->first_other);
      free(g->occ);
      free(g);
    }
  }
  cd_strmap_free(m);
}

static void free_values(cd_strmap *m) {
  if (!m)
    return;
  size_t pos = 0;
  const char *k;
  size_t kl;
  void *v;
  while (cd_strmap_next(m, &pos, &k, &kl, &v))
    free(v);
  cd_strmap_free(m);
}

void cd_checker_free(cd_checker *c) {
  if (!c)
    return;
  for (size_t i = 0; i < c->nf; i++) {
    cd_finding *f = &c->f[i];
    free(f->file);
    free(f->message);
    free(f->suggestion);
    free(f->context);
    free(f->source);
    free(f->target);
  }
  free(c->f);
  cd_buf_free(&c->missing);
  for (size_t i = 0; i < c->ngl; i++) {
    free(c->gl[i].src);
    free(c->gl[i].tgt);
    free(c->gl[i].src_key);
    free(c->gl[i].tgt_key);
    free(c->gl[i].note);
    word_list_free(&c->gl[i].src_words);
    word_list_free(&c->gl[i].tgt_words);
  }
  free(c->gl);
  for (size_t i = 0; i < c->nocc; i++) {
    free(c->occ[i].origin);
    free(c->occ[i].source);
    free(c->occ[i].target);
  }
  free(c->occ);
  for (size_t i = 0; i < c->nlocs; i++) {
    free(c->locs[i].file);
    free(c->locs[i].form);
    free(c->locs[i].context);
  }
  free(c->locs);
  cd_strmap_free(c->doubled_ok);
  cd_strmap_free(c->name_words);
  cd_stemmer_free(c->stem);
  free_values(c->quote_pairs);
  free_group_map(c->by_source);
  free_group_map(c->by_target);
  cd_strmap_free(c->name_forms);
  cd_strmap_free(c->name_entities);
  cd_names_groups_free(c->unknown);
  free(c->unknown_file);
  if (c->fold)
    ucasemap_close(c->fold);
  cd_langid_free(c->langid);
  free(c);
}

cd_status cd_checker_set_level(cd_checker *c, const char *id, cd_severity sev, cd_error *err) {
  size_t n = strlen(id);
  bool prefix = n && (id[n - 1] == '*' || id[n - 1] == '.');
  if (n && id[n - 1] == '*')
    n--;
  bool any = false;
  for (size_t i = 0; i < N_CHECKS; i++)
    if (prefix ? strncmp(registry[i].id, id, n) == 0 : strcmp(registry[i].id, id) == 0) {
      c->level[i] = sev;
      any = true;
    }
  return any ? CD_OK : cd_error_set(err, CD_ERR_USAGE, "unknown check '%s'", id);
}

/* ---- findings ------------------------------------------------------------------------ */

/* Columns of one text come in increasing order (a check scans left to right), so the count
 * goes on from the last one instead of restarting at the start of a long line. */
static uint64_t col_of(cd_checker *c, const char *ctx, size_t ctx_len, size_t off) {
  if (off > ctx_len)
    off = ctx_len;
  if (c->col_ctx != ctx || c->col_ctx_len != ctx_len || off < c->col_off) {
    c->col_ctx = ctx;
    c->col_ctx_len = ctx_len;
    c->col_off = 0;
    c->col_val = 1;
  }
  c->col_val += cd_utf8_count(ctx + c->col_off, off - c->col_off);
  c->col_off = off;
  return c->col_val;
}

/* A finding keeps a window of the line around its span, not the line: a long line with many
 * findings would otherwise cost (findings x line length) in memory and in the report. */
enum { CTX_AROUND = 120, CTX_SPAN_MAX = 360 };

static size_t back_to_char(const char *s, size_t i) {
  while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
    i--;
  return i;
}

typedef struct window {
  size_t from, to; /* bytes of the original text kept */
} window;

static window window_of(const char *s, size_t n, size_t span_s, size_t span_e) {
  if (span_s > n)
    span_s = n;
  if (span_e > n || span_e < span_s)
    span_e = span_e < span_s ? span_s : n;
  if (span_e - span_s > CTX_SPAN_MAX)
    span_e = span_s + CTX_SPAN_MAX;
  window w;
  w.from = back_to_char(s, span_s > CTX_AROUND ? span_s - CTX_AROUND : 0);
  w.to = span_e + CTX_AROUND >= n ? n : back_to_char(s, span_e + CTX_AROUND);
  return w;
}

/* The kept part of a text, with "…" where it was cut. */
static char *dup_window(const char *s, size_t n, window w, size_t *out_len, size_t *lead) {
  cd_buf b = CD_BUF_INIT;
  cd_status st = CD_OK;
  *lead = 0;
  *out_len = 0;
  if (w.from > 0) {
    st = cd_buf_append_str(&b, "\xE2\x80\xA6");
    *lead = b.len;
  }
  if (!st)
    st = cd_buf_append(&b, s + w.from, w.to - w.from);
  if (!st && w.to < n)
    st = cd_buf_append_str(&b, "\xE2\x80\xA6");
  if (st || !b.data) {
    cd_buf_free(&b);
    if (!st && (b.data = strdup("")))
      *out_len = 0;
    return st ? NULL : b.data;
  }
  *out_len = b.len;
  return b.data;
}

/* The side of a pair the finding is not about: its start, up to the same bound. */
static char *dup_capped(const char *s, size_t n) {
  size_t lead, len;
  window w = {0, n > 2 * CTX_AROUND + CTX_SPAN_MAX ? back_to_char(s, 2 * CTX_AROUND + CTX_SPAN_MAX)
                                                   : n};
  return dup_window(s, n, w, &len, &lead);
}

static cd_status add_finding(cd_checker *c, check_kind k, const char *file, uint64_t line,
                             const char *ctx, size_t ctx_len, size_t s, size_t e, const char *src,
                             size_t src_len, const char *tgt, size_t tgt_len,
                             const char *suggestion, const char *fmt, ...)
    __attribute__((format(printf, 14, 15)));

static cd_status add_finding(cd_checker *c, check_kind k, const char *file, uint64_t line,
                             const char *ctx, size_t ctx_len, size_t s, size_t e, const char *src,
                             size_t src_len, const char *tgt, size_t tgt_len,
                             const char *suggestion, const char *fmt, ...) {
  if (c->level[k] == CD_SEV_OFF)
    return CD_OK;
  if (CD_GROW(c->f, c->nf, c->capf))
    return CD_ERR_NOMEM;
  cd_finding *f = &c->f[c->nf];
  memset(f, 0, sizeof *f);
  va_list ap;
  va_start(ap, fmt);
  cd_buf msg = CD_BUF_INIT;
  va_list ap2;
  va_copy(ap2, ap);
  int len = vsnprintf(NULL, 0, fmt, ap);
  if (len >= 0 && !cd_buf_reserve(&msg, (size_t)len)) {
    vsnprintf(msg.data, (size_t)len + 1, fmt, ap2);
    msg.len = (size_t)len;
  }
  va_end(ap2);
  va_end(ap);
  f->message = msg.data ? msg.data : strdup("");
  f->file = strdup(file ? file : "-");
  f->line = line;
  f->col = col_of(c, ctx, ctx_len, s);
  if (c->pos_fn && c->in_article)
    c->pos_fn(c->pos_ud, line, s, &f->line, &f->col);
  f->severity = c->level[k];
  f->check = registry[k].id;
  f->suggestion = suggestion ? strdup(suggestion) : NULL;
  window win = window_of(ctx, ctx_len, s, e);
  size_t lead;
  f->context = dup_window(ctx, ctx_len, win, &f->context_len, &lead);
  f->ctx_start = (s < win.from ? win.from : s > win.to ? win.to : s) - win.from + lead;
  f->ctx_end = (e < s ? s : e > win.to ? win.to : e) - win.from + lead;
  if (f->ctx_end < f->ctx_start)
    f->ctx_end = f->ctx_start;
  /* the flagged side of a pair is the context itself; the other side is kept to the same
   * bound (HTML shows both, the span marked where the context is) */
  if (src)
    f->source =
        src == ctx && f->context ? dupn(f->context, f->context_len) : dup_capped(src, src_len);
  if (tgt)
    f->target =
        tgt == ctx && f->context ? dupn(f->context, f->context_len) : dup_capped(tgt, tgt_len);
  c->nf++;
  if (!f->message || !f->file || !f->context || (suggestion && !f->suggestion) ||
      (src && !f->source) || (tgt && !f->target))
    return CD_ERR_NOMEM;
  return CD_OK;
}

/* ---- text checks --------------------------------------------------------------------- */

typedef struct where {
  const char *file;
  uint64_t line;
  const char *src; /* pair context, or NULL */
  size_t src_len;
  const char *tgt;
  size_t tgt_len;
} where;

static bool is_word_cp(int32_t cp) {
  return cp >= 0 && (u_hasBinaryProperty(cp, UCHAR_ALPHABETIC) || u_getCombiningClass(cp) > 0 ||
                     u_charType(cp) == U_NON_SPACING_MARK);
}

static cd_status check_doubled(cd_checker *c, const where *w, const char *lang, const char *s,
                               size_t n) {
  if (c->level[K_DOUBLED] == CD_SEV_OFF)
    return CD_OK;
  size_t prev_s = 0, prev_e = 0;
  bool have_prev = false, gap_is_space = false;
  cd_buf a = CD_BUF_INIT, b = CD_BUF_INIT, key = CD_BUF_INIT;
  cd_status st = CD_OK;
  size_t i = 0;
  while (i < n && !st) {
    size_t j = i;
    int32_t cp = cd_utf8_next(s, n, &j);
    if (!is_word_cp(cp)) {
      if (cp != ' ')
        gap_is_space = false;
      i = j;
      continue;
    }
    size_t ws = i;
    while (j < n) {
      size_t k = j;
      int32_t q = cd_utf8_next(s, n, &k);
      if (!is_word_cp(q))
        break;
      j = k;
    }
    size_t we = j;
    if (have_prev && gap_is_space && we - ws == prev_e - prev_s) {
      st = fold_key(c, s + prev_s, prev_e - prev_s, &a);
      if (!st)
        st = fold_key(c, s + ws, we - ws, &b);
      if (!st && a.len == b.len && memcmp(a.data, b.data, a.len) == 0) {
        cd_buf_clear(&key);
        st = cd_buf_appendf(&key, "%s\t%s", lang ? lang : "", a.data);
        if (!st && !cd_strmap_contains(c->doubled_ok, key.data, key.len)) {
          st = add_finding(c, K_DOUBLED, w->file, w->line, s, n, prev_s, we, w->src, w->src_len,
                           w->tgt, w->tgt_len, NULL, "'%.*s' twice in a row", (int)(we - ws),
                           s + ws);
        }
      }
    }
    have_prev = true;
    gap_is_space = true;
    prev_s = ws;
    prev_e = we;
    i = we;
  }
  cd_buf_free(&a);
  cd_buf_free(&b);
  cd_buf_free(&key);
  return st;
}

static cd_status check_double_space(cd_checker *c, const where *w, const char *s, size_t n) {
  if (c->level[K_DOUBLE_SPACE] == CD_SEV_OFF)
    return CD_OK;
  size_t i = 0;
  while (i < n && (s[i] == ' ' || s[i] == '\t'))
    i++; /* indentation is not a double space */
  for (; i + 1 < n; i++) {
    if (s[i] == ' ' && s[i + 1] == ' ') {
      size_t j = i;
      while (j < n && s[j] == ' ')
        j++;
      if (j < n && s[j] != '\n' && s[j] != '\r') {
        cd_status st =
            add_finding(c, K_DOUBLE_SPACE, w->file, w->line, s, n, i, j, w->src, w->src_len, w->tgt,
                        w->tgt_len, " ", "%zu spaces in a row", j - i);
        if (st)
          return st;
      }
      i = j;
    }
  }
  return CD_OK;
}

/* Quotation pairs of a language from dicts/check/quotes.tsv, else a default set. */
static const char *quote_pairs(cd_checker *c, const char *lang) {
  char primary[16];
  size_t k = 0;
  while (lang && lang[k] && lang[k] != '-' && lang[k] != '_' && k < 15) {
    primary[k] = lang[k];
    k++;
  }
  primary[k] = '\0';
  const char *p = cd_strmap_get(c->quote_pairs, primary, k);
  if (!p)
    p = cd_strmap_get(c->quote_pairs, "*", 1);
  return p ? p : "\xE2\x80\x9C\t\xE2\x80\x9D\t\xC2\xAB\t\xC2\xBB\t";
}

typedef struct opener {
  size_t pos, len;
  uint32_t close; /* the code point that closes it; '"' for a straight quote */
} opener;

static bool cp_in_field(const char *pairs, int32_t cp, bool want_open, uint32_t *partner) {
  /* pairs: "open\tclose\topen\tclose\t..." */
  const char *p = pairs;
  while (*p) {
    const char *t1 = strchr(p, '\t');
    if (!t1)
      break;
    const char *t2 = strchr(t1 + 1, '\t');
    if (!t2)
      break;
    size_t i = 0, j = 0;
    int32_t o = cd_utf8_next(p, (size_t)(t1 - p), &i);
    int32_t cl = cd_utf8_next(t1 + 1, (size_t)(t2 - t1 - 1), &j);
    if (want_open && cp == o) {
      *partner = (uint32_t)cl;
      return true;
    }
    if (!want_open && cp == cl) {
      *partner = (uint32_t)o;
      return true;
    }
    p = t2 + 1;
  }
  return false;
}

/* Whether the ')' at s[at] ends a list marker at the start of the line: "1) ", "12) ",
 * "a) ". */
static bool list_marker(const char *s, size_t at) {
  size_t b = at;
  while (b > 0 && ((s[b - 1] >= '0' && s[b - 1] <= '9') || (s[b - 1] >= 'a' && s[b - 1] <= 'z')))
    b--;
  if (at - b == 0 || at - b > 2 || (at - b == 2 && !(s[b] >= '0' && s[b] <= '9')))
    return false;
  while (b > 0 && (s[b - 1] == ' ' || s[b - 1] == '\t'))
    b--;
  return b == 0;
}

/* Whether the code point cp occurs in s[from, n). */
static bool more_of(const char *s, size_t n, size_t from, int32_t cp) {
  for (size_t i = from; i < n;)
    if (cd_utf8_next(s, n, &i) == cp)
      return true;
  return false;
}

/* Whether the bracket at s[at] is the mouth of an emoticon: ":(", ":-)", ";)". */
static bool emoticon(const char *s, size_t n, size_t at) {
  if (s[at] != '(' && s[at] != ')')
    return false;
  size_t b = at;
  if (b > 0 && s[b - 1] == '-')
    b--;
  (void)n;
  return b > 0 && (s[b - 1] == ':' || s[b - 1] == ';' || s[b - 1] == '=');
}

/* Which way a straight double quote faces, from its neighbours: -1 opening (a space or
 * the line start before it, a letter after: `said "Yes`), 1 closing (a letter or mark
 * before it, a space, punctuation or the line end after: `hotel", said`), 2 no quote at
 * all (between two letters), 0 unclear. */
static int straight_direction(const char *s, size_t n, size_t at, size_t after) {
  size_t p = at;
  int32_t before = at > 0 ? cd_utf8_prev(s, &p) : -1;
  size_t q = after;
  int32_t next = after < n ? cd_utf8_next(s, n, &q) : -1;
  bool space_before = before < 0 || u_isspace(before) || before == '(' || before == '[';
  bool space_after = next < 0 || u_isspace(next);
  bool punct_after = next >= 0 && (u_ispunct(next) || next == '-');
  if (before >= 0 && next >= 0 && u_isalnum(before) && u_isalpha(next))
    return 2; /* between two letters: an apostrophe typed as a quote (Кардаш"ян, 1974"s) */
  if (space_before && !space_after && !punct_after)
    return -1;
  if (!space_before && (space_after || punct_after))
    return 1;
  return 0;
}

/* Returns the number of problems; reports each (when report is true). */
/* How a line sits in its paragraph run: a quotation may go on in the next paragraph (QUOTE_
 * GOES_ON), or close one the previous paragraph left open (QUOTE_CAME_IN). */
enum { QUOTE_GOES_ON = 1, QUOTE_CAME_IN = 2 };

static cd_status check_balance(cd_checker *c, const where *w, const char *lang, const char *s,
                               size_t n, unsigned para, bool report, size_t *problems) {
  *problems = 0;
  if (c->level[K_UNBALANCED] == CD_SEV_OFF && report)
    return CD_OK;
  const char *pairs = quote_pairs(c, lang);
  opener *stack = NULL;
  size_t depth = 0, cap = 0;
  cd_status st = CD_OK;
  size_t i = 0;
  while (i < n && !st) {
    size_t at = i;
    int32_t cp = cd_utf8_next(s, n, &i);
    uint32_t partner = 0;
    bool is_bracket_open = cp == '(' || cp == '[' || cp == '{';
    bool is_bracket_close = cp == ')' || cp == ']' || cp == '}';
    bool straight = cp == '"';
    bool qopen = !straight && cp_in_field(pairs, cp, true, &partner);
    uint32_t qpartner_close = partner;
    bool qclose = !straight && cp_in_field(pairs, cp, false, &partner);
    int dir = straight ? straight_direction(s, n, at, i) : 0;
    if (dir == 2)
      continue;
    if ((is_bracket_close && cp == ')' && list_marker(s, at)) || emoticon(s, n, at))
      continue; /* "1) Slight changes", "a) first", ":(" */
    if (straight && dir >= 0 && depth && stack[depth - 1].close == '"') {
      depth--;
      continue;
    }
    bool straight_open = false;
    for (size_t k = 0; straight && k < depth && !straight_open; k++)
      straight_open = stack[k].close == '"';
    if (straight && dir > 0 && !straight_open)
      continue; /* a closing mark of a quotation opened in an earlier paragraph */
    if ((is_bracket_close || qclose || straight) && depth && !straight &&
        stack[depth - 1].close == (uint32_t)cp) {
      depth--;
      /* French usage: the last closing guillemet of a line closes two levels opened with
       * the same mark (« … « … ») */
      if (qclose && depth && stack[depth - 1].close == (uint32_t)cp &&
          s[stack[depth - 1].pos] == s[stack[depth].pos] && !more_of(s, n, i, cp))
        depth--;
      continue;
    }
    if (is_bracket_open || qopen || straight) {
      if ((st = CD_GROW(stack, depth, cap)))
        break;
      uint32_t close = straight          ? '"'
                       : is_bracket_open ? (cp == '('   ? ')'
                                            : cp == '[' ? ']'
                                                        : '}')
                                         : qpartner_close;
      stack[depth++] = (opener){at, i - at, close};
      continue;
    }
    if ((qclose || is_bracket_close) && (para & QUOTE_CAME_IN))
      continue; /* the end of a quotation or aside from a previous line */
    if (is_bracket_close || qclose) {
      (*problems)++;
      if (report)
        st = add_finding(c, K_UNBALANCED, w->file, w->line, s, n, at, i, w->src, w->src_len, w->tgt,
                         w->tgt_len, NULL, "closing '%.*s' without an opening one", (int)(i - at),
                         s + at);
    }
  }
  for (size_t k = 0; k < depth && !st; k++) {
    if (para & QUOTE_GOES_ON)
      continue; /* a quotation or an aside that goes on in the next lines */
    (*problems)++;
    if (report)
      st = add_finding(c, K_UNBALANCED, w->file, w->line, s, n, stack[k].pos,
                       stack[k].pos + stack[k].len, w->src, w->src_len, w->tgt, w->tgt_len, NULL,
                       "'%.*s' is never closed", (int)stack[k].len, s + stack[k].pos);
  }
  free(stack);
  return st;
}

/* Does the line start (after spaces) with an opening quotation mark? */
static bool starts_with_open_quote(cd_checker *c, const char *lang, const char *s, size_t n) {
  size_t i = 0;
  while (i < n && (s[i] == ' ' || s[i] == '\t'))
    i++;
  if (i >= n)
    return false;
  int32_t cp = cd_utf8_next(s, n, &i);
  uint32_t partner;
  return cp == '"' || cp_in_field(quote_pairs(c, lang), cp, true, &partner);
}

/* ---- names ----------------------------------------------------------------------------- */

typedef struct mention_ctx {
  cd_checker *c;
  const where *w;
  const char *lang;
  const char *text;
  size_t len;
  /* pair mode: collect entities instead of reporting style */
  cd_strmap *collect;
  bool report_style;
  int style_check;
  cd_status st;
} mention_ctx;

/* A new location for the batch-level variant checks (NULL when out of memory). */
static name_loc *new_loc(cd_checker *c, const mention_ctx *x, size_t s, size_t e) {
  if (CD_GROW(c->locs, c->nlocs, c->caplocs))
    return NULL;
  name_loc *l = &c->locs[c->nlocs++];
  memset(l, 0, sizeof *l);
  l->file = strdup(x->w->file ? x->w->file : "-");
  l->line = x->w->line;
  l->col = col_of(c, x->text, x->len, s);
  if (c->pos_fn && c->in_article)
    c->pos_fn(c->pos_ud, l->line, s, &l->line, &l->col);
  l->form = dupn(x->text + s, e - s);
  window win = window_of(x->text, x->len, s, e);
  size_t lead;
  l->context = dup_window(x->text, x->len, win, &l->context_len, &lead);
  l->cs = s - win.from + lead;
  l->ce = (e > win.to ? win.to : e) - win.from + lead;
  return l->file && l->form && l->context ? l : NULL;
}

/* A name the dictionary lacks, in an article or either side of a pair. */
static cd_status on_unknown(cd_checker *c, const mention_ctx *x, const cd_mention *m) {
  if (c->level[K_NAMES_UNKNOWN] == CD_SEV_OFF)
    return CD_OK;
  cd_error err;
  if (!c->unknown) {
    if (cd_names_groups_new(&c->unknown, &err))
      return CD_ERR_NOMEM;
    cd_names_groups_set_keyer(c->unknown, c->opts.keyer);
  }
  name_loc *l = new_loc(c, x, m->surname_start, m->surname_end);
  if (!l)
    return CD_ERR_NOMEM;
  l->unknown = true;
  cd_names_unknown u = {m->start,
                        m->end,
                        m->surname_start,
                        m->surname_end,
                        m->surname_stem_end,
                        m->given_end,
                        m->given_stem_end,
                        m->surname_key,
                        m->given_key ? m->given_key : ""};
  const char *file = x->w->file ? x->w->file : "-";
  if (!c->unknown_file || strcmp(c->unknown_file, file) != 0) { /* a new document */
    free(c->unknown_file);
    if (!(c->unknown_file = strdup(file)))
      return CD_ERR_NOMEM;
    c->unknown_doc++;
  }
  cd_status st = cd_names_groups_add_at(c->unknown, x->lang, x->text, &u, c->unknown_doc,
                                        x->w->line, &l->unknown_index, &err);
  if (st || m->given_end <= m->start)
    return st;
  size_t back = m->surname_start - m->start; /* the given name is inside the window */
  l->gcol = col_of(c, x->text, x->len, m->start);
  l->gcs = l->cs > back ? l->cs - back : 0;
  l->gce = l->gcs + (m->given_end - m->start);
  return CD_OK;
}

static cd_status on_mention(void *ud, const cd_mention *m) {
  mention_ctx *x = ud;
  cd_checker *c = x->c;
  if (!m->entity)
    return on_unknown(c, x, m);
  if (x->collect) {
    bool ins;
    void **slot = cd_strmap_slot(x->collect, m->entity, strlen(m->entity), &ins);
    if (!slot)
      return CD_ERR_NOMEM;
    if (ins)
      *slot = strdup(m->canonical ? m->canonical : m->entity);
  }
  if (x->report_style && !m->is_canonical && m->canonical) {
    cd_status st = add_finding(c, x->style_check, x->w->file, x->w->line, x->text, x->len, m->start,
                               m->end, x->w->src, x->w->src_len, x->w->tgt, x->w->tgt_len,
                               m->canonical, "'%.*s' is not the house form '%s'",
                               (int)(m->end - m->start), x->text + m->start, m->canonical);
    if (st)
      return st;
  }
  if (!x->collect && c->level[K_NAMES_VARIANT] != CD_SEV_OFF) {
    /* remember the form for the batch-level variant check */
    name_loc *l = new_loc(c, x, m->start, m->end);
    if (!l)
      return CD_ERR_NOMEM;
    l->canonical = m->is_canonical;
    snprintf(l->key, sizeof l->key, "%s\t%s", x->lang ? x->lang : "", m->entity);
    cd_buf k = CD_BUF_INIT;
    bool ins;
    void **slot = cd_buf_appendf(&k, "%s\t%s", l->key, l->form)
                      ? NULL
                      : cd_strmap_slot(c->name_forms, k.data, k.len, &ins);
    if (slot)
      *slot = (void *)((uintptr_t)*slot + 1);
    if (slot && ins) {
      void **e = cd_strmap_slot(c->name_entities, l->key, strlen(l->key), NULL);
      if (e)
        *e = (void *)((uintptr_t)*e + 1);
    }
    cd_buf_free(&k);
    if (!slot)
      return CD_ERR_NOMEM;
  }
  return CD_OK;
}

static cd_status run_mentions(cd_checker *c, mention_ctx *x, cd_error *err) {
  /* a text without a known language has no house form to compare with */
  if (!c->opts.mentions || !x->lang || !*x->lang || strcmp(x->lang, "und") == 0)
    return CD_OK;
  return c->opts.mentions(c->opts.mentions_ud, x->text, x->len, x->lang, on_mention, x, err);
}

/* ---- articles ---------------------------------------------------------------------------- */

/* A line's quotation marks alone: *leaves when a quotation is still open at its end,
 * *closes when it closes one it did not open. */
static void quote_flow(cd_checker *c, const char *lang, const char *s, size_t n, bool *leaves,
                       bool *closes) {
  const char *pairs = quote_pairs(c, lang);
  size_t depth = 0, straight = 0, parens = 0, i = 0;
  *leaves = *closes = false;
  while (i < n) {
    size_t at = i;
    int32_t cp = cd_utf8_next(s, n, &i);
    uint32_t partner;
    size_t *d = cp == '"' ? &straight : cp == '(' || cp == ')' ? &parens : &depth;
    int dir = cp == '"' ? straight_direction(s, n, at, i) : 0;
    if (emoticon(s, n, at))
      continue;
    bool open = cp == '(' || (cp == '"' && (dir < 0 || (dir == 0 && !straight))) ||
                (cp != '"' && cp != ')' && cp_in_field(pairs, cp, true, &partner));
    bool close = (cp == ')' && !list_marker(s, at)) || (cp == '"' && dir >= 0 && dir != 2) ||
                 (cp != '"' && cp != '(' && !open && cp_in_field(pairs, cp, false, &partner));
    if (open)
      (*d)++;
    else if (close && *d)
      (*d)--;
    else if (close)
      *closes = true;
  }
  *leaves = depth > 0 || straight > 0 || parens > 0;
}

/* Whether a quotation left open before text[from] is closed further on in the same
 * document: by a line that closes a quotation it did not open, within 20 lines, before a
 * blank line (the end of a document) or a line that leaves a new one open. One segment a
 * line: a quotation of three sentences spans three lines. */
static bool quote_goes_on(cd_checker *c, const char *lang, const char *text, size_t len,
                          size_t from) {
  size_t k = from;
  for (int lines = 0; k < len && lines < 20; lines++) {
    const char *nl = memchr(text + k, '\n', len - k);
    size_t e = nl ? (size_t)(nl - text) : len;
    size_t m = e - k;
    while (m && (text[k + m - 1] == '\r' || text[k + m - 1] == ' '))
      m--;
    if (m == 0)
      return false;
    bool leaves, closes;
    quote_flow(c, lang, text + k, m, &leaves, &closes);
    if (closes)
      return true;
    if (leaves)
      return false;
    k = e + 1;
  }
  return false;
}

static cd_status check_text_line(cd_checker *c, const where *w, const char *lang, const char *s,
                                 size_t n, unsigned para) {
  size_t problems;
  cd_status st = check_doubled(c, w, lang, s, n);
  if (!st)
    st = check_double_space(c, w, s, n);
  if (!st)
    st = check_balance(c, w, lang, s, n, para, true, &problems);
  return st;
}

static cd_status check_article(cd_checker *c, const char *file, const char *lang, const char *text,
                               size_t len, cd_error *err);

void cd_check_set_position_map(cd_checker *c, cd_check_pos_fn fn, void *ud) {
  c->pos_fn = fn;
  c->pos_ud = ud;
}

cd_status cd_check_article(cd_checker *c, const char *file, const char *lang, const char *text,
                           size_t len, cd_error *err) {
  c->in_article = true;
  cd_status st = check_article(c, file, lang, text, len, err);
  c->in_article = false;
  return st;
}

static cd_status check_article(cd_checker *c, const char *file, const char *lang, const char *text,
                               size_t len, cd_error *err) {
  c->articles++;
  c->col_ctx = NULL; /* the caller may reuse its buffer for this article */
  uint64_t line = 0;
  bool came_in = false; /* the previous paragraph left a quotation open that goes on here */
  size_t i = 0;
  while (i < len) {
    const char *nl = memchr(text + i, '\n', len - i);
    size_t end = nl ? (size_t)(nl - text) : len;
    size_t n = end - i;
    if (n && text[i + n - 1] == '\r')
      n--;
    line++;
    /* The next non-blank line, to know whether an open quotation continues there. */
    size_t k = end + 1;
    const char *next = NULL;
    size_t next_len = 0;
    while (k < len) {
      const char *nl2 = memchr(text + k, '\n', len - k);
      size_t e2 = nl2 ? (size_t)(nl2 - text) : len;
      size_t m = e2 - k;
      bool blank = true;
      for (size_t q = 0; q < m && blank; q++)
        blank = text[k + q] == ' ' || text[k + q] == '\t' || text[k + q] == '\r';
      if (!blank) {
        next = text + k;
        next_len = m;
        break;
      }
      k = e2 + 1;
    }
    /* a quotation open at the end of this paragraph goes on when the next one starts
     * with an opening mark or closes a quotation it did not open ("… in equal numbers. /
     * … their own,” the statement said.") */
    bool leaves = false, closes = false;
    quote_flow(c, lang, text + i, n, &leaves, &closes);
    bool continues = next && (starts_with_open_quote(c, lang, next, next_len) ||
                              (leaves && quote_goes_on(c, lang, text, len, end + 1)));
    unsigned para = (continues ? QUOTE_GOES_ON : 0) | (came_in && closes ? QUOTE_CAME_IN : 0);
    came_in = (leaves && continues) || (came_in && !closes && !leaves);
    where w = {file, line, NULL, 0, NULL, 0};
    cd_status st = check_text_line(c, &w, lang, text + i, n, para);
    if (!st && n) {
      mention_ctx x = {c, &w, lang, text + i, n, NULL, true, K_NAMES_STYLE, CD_OK};
      st = run_mentions(c, &x, err);
    }
    if (st)
      return st == CD_ERR_NOMEM ? cd_error_set(err, st, "out of memory") : st;
    i = end + 1;
  }
  return CD_OK;
}

/* ---- pairs ----------------------------------------------------------------------------- */

/* The decimal mark of a side's language, asked of ICU once per change of language. */
static uint32_t decimal_mark(cd_checker *c, int side, const char *lang) {
  lang = lang ? lang : "";
  if (!c->num_mark[side] || strncmp(c->num_lang[side], lang, sizeof c->num_lang[side]) != 0) {
    snprintf(c->num_lang[side], sizeof c->num_lang[side], "%s", lang);
    c->num_mark[side] = cd_number_marks(lang, NULL);
  }
  return c->num_mark[side];
}

static cd_status check_numbers(cd_checker *c, const cd_check_pair *p, const where *w) {
  if (c->level[K_NUMBERS] == CD_SEV_OFF)
    return CD_OK;
  cd_number *a = NULL, *b = NULL;
  size_t na = 0, nb = 0;
  cd_status st =
      cd_numbers_find(p->source, p->source_len, decimal_mark(c, 0, p->src_lang), &a, &na);
  if (!st)
    st = cd_numbers_find(p->target, p->target_len, decimal_mark(c, 1, p->tgt_lang), &b, &nb);
  bool *used = st ? NULL : calloc(nb + 1, 1);
  bool *matched = st ? NULL : calloc(na + 1, 1);
  if (!st && (!used || !matched))
    st = CD_ERR_NOMEM;
  for (size_t i = 0; i < na && !st; i++)
    for (size_t j = 0; j < nb; j++)
      if (!used[j] && cd_numbers_equal(&a[i], &b[j])) {
        used[j] = matched[i] = true;
        break;
      }
  /* Pair what is left in order: "15,000" in the source against "1,500" in the target. */
  size_t j = 0;
  for (size_t i = 0; i < na && !st; i++) {
    if (matched[i])
      continue;
    while (j < nb && used[j])
      j++;
    const char *sn = p->source + a[i].start;
    int sl = (int)(a[i].end - a[i].start);
    if (j < nb) {
      used[j] = true;
      st = add_finding(c, K_NUMBERS, w->file, w->line, p->target, p->target_len, b[j].start,
                       b[j].end, p->source, p->source_len, p->target, p->target_len, NULL,
                       "'%.*s' in the source, '%.*s' in the target", sl, sn,
                       (int)(b[j].end - b[j].start), p->target + b[j].start);
    } else if (sl > 1 || a[i].values[0][0] == '\0' || strlen(a[i].values[0]) > 1) {
      /* single digits are often spelled out in the target: not reported when missing */
      st = add_finding(c, K_NUMBERS, w->file, w->line, p->target, p->target_len, 0, 0, p->source,
                       p->source_len, p->target, p->target_len, NULL,
                       "'%.*s' in the source is missing from the target", sl, sn);
    }
  }
  for (j = 0; j < nb && !st; j++)
    if (!used[j] && b[j].end - b[j].start > 1)
      st = add_finding(c, K_NUMBERS, w->file, w->line, p->target, p->target_len, b[j].start,
                       b[j].end, p->source, p->source_len, p->target, p->target_len, NULL,
                       "'%.*s' in the target is not in the source", (int)(b[j].end - b[j].start),
                       p->target + b[j].start);
  free(a);
  free(b);
  free(used);
  free(matched);
  return st;
}

static size_t count_letters(const char *s, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n;) {
    int32_t cp = cd_utf8_next(s, n, &i);
    if (cp >= 0 && u_isalpha(cp))
      k++;
  }
  return k;
}

/* Share of the target's words (space-separated, folded) that also occur in the source. */
static double word_overlap(const char *skey, const char *tkey) {
  size_t words = 0, shared = 0, sl = strlen(skey);
  const char *p = tkey;
  while (*p) {
    while (*p == ' ')
      p++;
    const char *e = p;
    while (*e && *e != ' ')
      e++;
    if (e > p) {
      words++;
      size_t wl = (size_t)(e - p);
      for (const char *q = skey; (q = memmem(q, sl - (size_t)(q - skey), p, wl)); q++)
        if ((q == skey || q[-1] == ' ') && (q[wl] == '\0' || q[wl] == ' ')) {
          shared++;
          break;
        }
    }
    p = e;
  }
  return words ? (double)shared / (double)words : 0.0;
}

static bool same_primary(const char *a, const char *b) {
  size_t i = 0;
  while (a[i] && b[i] && a[i] != '-' && b[i] != '-' && a[i] == b[i])
    i++;
  return (a[i] == '\0' || a[i] == '-') && (b[i] == '\0' || b[i] == '-');
}

/* A name copied as is has few capitalized words: a person, a title, a team, a dateline.
 * Five or more all-capitalized words are more often an English headline left untranslated
 * ("Russia Says Peace Talks Will Resume"), which is worth an editor's look. */
#define NAME_MAX_CAPITALIZED 4

typedef enum { TOK_NONE, TOK_CAPITALIZED, TOK_PARTICLE, TOK_OTHER } token_kind;

/* Whether s[b, e) (lower case) is a listed word that stands inside names ("of", "von"). */
static bool is_name_word(const cd_checker *c, const char *s, size_t b, size_t e) {
  return e > b && cd_strmap_contains(c->name_words, s + b, e - b);
}

/* The kind of one space-separated token: no letters (a number, a dash), a capitalized word
 * (Bakhmut, BBC, Co-operation, el-Sisi after its particle), a name particle, or a word in
 * lower case or of a script without case. */
static token_kind token_kind_of(const cd_checker *c, const char *s, size_t b, size_t e) {
  size_t i = b, first = e;
  int32_t cp = -1;
  while (i < e && first == e) {
    size_t at = i;
    cp = cd_utf8_next(s, e, &i);
    if (cp >= 0 && u_isalpha(cp))
      first = at;
  }
  if (first == e)
    return TOK_NONE;
  if (u_isupper(cp) || u_istitle(cp))
    return TOK_CAPITALIZED;
  if (!u_islower(cp))
    return TOK_OTHER;
  size_t end = first;
  while (end < e) {
    size_t k = end;
    if (!is_word_cp(cd_utf8_next(s, e, &k)))
      break;
    end = k;
  }
  if (!is_name_word(c, s, first, end))
    return TOK_OTHER;
  /* a particle hyphened to the name it starts: "el-Sisi", "al-Assad" */
  if (end + 1 < e && s[end] == '-') {
    size_t k = end + 1;
    int32_t next = cd_utf8_next(s, e, &k);
    return next >= 0 && (u_isupper(next) || u_istitle(next)) ? TOK_CAPITALIZED : TOK_OTHER;
  }
  return TOK_PARTICLE;
}

/* Whether the segment is only names, numbers or a title, which are often left in their
 * language on purpose ("Volodymyr Zelenskyy", "Die Zeit", "Bakhmut, 12 May", "Bank of
 * England", "Ursula von der Leyen"): every word capitalized but for name particles, which
 * are no more than the capitalized words, and at most NAME_MAX_CAPITALIZED of those. */
static bool name_like_segment(const cd_checker *c, const char *s, size_t n) {
  size_t caps = 0, particles = 0;
  for (size_t i = 0; i < n;) {
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
      i++;
    size_t b = i;
    while (i < n && s[i] != ' ' && s[i] != '\t')
      i++;
    switch (b < i ? token_kind_of(c, s, b, i) : TOK_NONE) {
    case TOK_NONE: break;
    case TOK_CAPITALIZED: caps++; break;
    case TOK_PARTICLE: particles++; break;
    case TOK_OTHER: return false;
    }
  }
  return caps > 0 && caps >= particles && caps <= NAME_MAX_CAPITALIZED;
}

static cd_status check_untranslated(cd_checker *c, const cd_check_pair *p, const where *w,
                                    const char *skey, const char *tkey) {
  if (c->level[K_UNTRANSLATED] == CD_SEV_OFF || same_primary(p->src_lang, p->tgt_lang))
    return CD_OK;
  /* a name, an acronym or a one-word caption is often the same in both languages */
  size_t letters = count_letters(p->target, p->target_len);
  if (letters < 4 || !memchr(tkey, ' ', strlen(tkey)) ||
      name_like_segment(c, p->target, p->target_len))
    return CD_OK;
  if (strcmp(skey, tkey) == 0)
    return add_finding(c, K_UNTRANSLATED, w->file, w->line, p->target, p->target_len, 0,
                       p->target_len, p->source, p->source_len, p->target, p->target_len, NULL,
                       "the target is the source text, untranslated");
  /* A target in the source language nearly always shares most of its words with the
   * source; only then is the (costly) language identification asked to confirm. */
  if (letters >= 40 && word_overlap(skey, tkey) >= 0.5) {
    char lang[16];
    cd_langid_detect(c->langid, p->target, p->target_len, lang);
    if (same_primary(lang, p->src_lang))
      return add_finding(c, K_UNTRANSLATED, w->file, w->line, p->target, p->target_len, 0,
                         p->target_len, p->source, p->source_len, p->target, p->target_len, NULL,
                         "the target looks like %s, the source language, not %s", lang,
                         p->tgt_lang);
  }
  return CD_OK;
}

/* Is term (folded) in text (folded) at word boundaries? */
static bool contains_term(const char *text, const char *term) {
  size_t tl = strlen(term), len = strlen(text);
  if (!tl)
    return false;
  for (const char *p = strstr(text, term); p; p = strstr(p + 1, term)) {
    size_t i = (size_t)(p - text);
    bool left = true, right = true;
    if (i > 0) {
      size_t k = i;
      left = !is_word_cp(cd_utf8_prev(text, &k));
    }
    size_t e = i + tl;
    if (text[e]) {
      size_t k = e;
      right = !is_word_cp(cd_utf8_next(text, len, &k));
    }
    /* a target term may inflect: accept a word that starts with the term */
    if (left && (right || tl >= 4))
      return true;
  }
  return false;
}

/* ---- glossary terms, word by word on stems ------------------------------------------- */

static bool is_apostrophe(int32_t cp) {
  return cp == '\'' || cp == 0x2019 || cp == 0x02BC || cp == 0x2018;
}

static bool is_term_cp(int32_t cp) { return is_word_cp(cp) || (cp >= 0 && u_isdigit(cp)); }

/* The next word of s from *i: letters and digits, with an apostrophe inside a word kept in
 * it (перемир’я, aujourd'hui); a hyphen separates words. False when there is none. */
static bool next_word(const char *s, size_t n, size_t *i, size_t *ws, size_t *we) {
  while (*i < n) {
    size_t j = *i;
    if (is_term_cp(cd_utf8_next(s, n, &j)))
      break;
    *i = j;
  }
  if (*i >= n)
    return false;
  *ws = *i;
  size_t j = *i;
  while (j < n) {
    size_t k = j;
    int32_t cp = cd_utf8_next(s, n, &k);
    size_t k2 = k;
    if (is_apostrophe(cp) && k < n && is_term_cp(cd_utf8_next(s, n, &k2)))
      k = k2;
    else if (!is_term_cp(cp))
      break;
    j = k;
  }
  *i = *we = j;
  return true;
}

/* Appends the folded key of s[0, n) and its NUL to l->buf. */
static cd_status append_key(cd_checker *c, word_list *l, const char *s, size_t n, cd_buf *tmp) {
  cd_status st = term_key(c, s, n, tmp);
  return st ? st : cd_buf_append(&l->buf, cd_buf_at(tmp, 0), tmp->len + 1);
}

/* Adds one word with its folded stems in lang. */
static cd_status add_word(cd_checker *c, word_list *l, const char *lang, const char *w, size_t n,
                          cd_buf *stems, cd_buf *tmp, cd_error *err) {
  if (CD_GROW(l->w, l->n, l->cap))
    return CD_ERR_NOMEM;
  word_info *wi = &l->w[l->n++];
  wi->off = l->buf.len;
  wi->nstems = 0;
  cd_status st = append_key(c, l, w, n, tmp);
  cd_buf_clear(stems);
  if (!st)
    st = cd_stem_word(c->stem, lang, w, n, stems, &wi->nstems, err);
  const char *p = cd_buf_at(stems, 0);
  for (size_t k = 0; k < wi->nstems && !st; k++, p += strlen(p) + 1)
    st = append_key(c, l, p, strlen(p), tmp);
  return st;
}

/* Cuts s into words with their stems, once. */
static cd_status word_list_build(cd_checker *c, word_list *l, const char *lang, const char *s,
                                 size_t n, cd_error *err) {
  if (l->ready)
    return CD_OK;
  l->ready = true;
  cd_buf stems = CD_BUF_INIT, tmp = CD_BUF_INIT;
  cd_status st = CD_OK;
  size_t i = 0, ws, we;
  while (!st && next_word(s, n, &i, &ws, &we))
    st = add_word(c, l, lang, s + ws, we - ws, &stems, &tmp, err);
  cd_buf_free(&stems);
  cd_buf_free(&tmp);
  return st;
}

static const char *word_form(const word_list *l, size_t i) { return l->buf.data + l->w[i].off; }

static bool word_has_stem(const word_list *l, size_t i, const char *stem) {
  const char *p = word_form(l, i);
  for (size_t k = 0; k < l->w[i].nstems; k++) {
    p += strlen(p) + 1;
    if (strcmp(p, stem) == 0)
      return true;
  }
  return false;
}

/* Whether text word xi is a form of term word ti: the same word; a longer word that starts
 * with it (four letters at least, the rule for terms written as is); or, on hunspell's
 * stems, the term word's lemma when the term word is one (so "Рада" does not match
 * "радий", which "Рада" could also be a form of), else any stem the two share. */
static bool word_matches(const word_list *t, size_t ti, const word_list *x, size_t xi) {
  const char *tw = word_form(t, ti), *xw = word_form(x, xi);
  size_t tl = strlen(tw);
  if (strcmp(tw, xw) == 0 || (cd_utf8_count(tw, tl) >= 4 && strncmp(xw, tw, tl) == 0))
    return true;
  if (word_has_stem(t, ti, tw))
    return word_has_stem(x, xi, tw);
  const char *p = tw;
  for (size_t k = 0; k < t->w[ti].nstems; k++) {
    p += strlen(p) + 1;
    if (word_has_stem(x, xi, p))
      return true;
  }
  return false;
}

/* Whether the words of term t stand one after the other in text x. */
static bool words_contain(const word_list *x, const word_list *t) {
  for (size_t i = 0; t->n && i + t->n <= x->n; i++) {
    size_t k = 0;
    while (k < t->n && word_matches(t, k, x, i + k))
      k++;
    if (k == t->n)
      return true;
  }
  return false;
}

/* One side of a pair, as the glossary sees it. */
typedef struct term_side {
  const char *lang;
  const char *key; /* folded text, apostrophes unified */
  const char *text;
  size_t len;
  word_list words; /* built when a term is not found in key as written */
} term_side;

/* Whether a glossary term (as written, its key, its word list) is in the side's text:
 * first as written, then inflected, word by word on stems. */
static cd_status term_present(cd_checker *c, term_side *x, const char *term, const char *key,
                              word_list *tw, bool *found, cd_error *err) {
  *found = contains_term(x->key, key);
  if (*found)
    return CD_OK;
  cd_status st = word_list_build(c, tw, x->lang, term, strlen(term), err);
  if (!st)
    st = word_list_build(c, &x->words, x->lang, x->text, x->len, err);
  if (!st)
    *found = words_contain(&x->words, tw);
  return st;
}

static cd_status report_glossary(cd_checker *c, const cd_check_pair *p, const where *w,
                                 const glossary_entry *g) {
  return add_finding(c, K_GLOSSARY, w->file, w->line, p->target, p->target_len, 0, 0, p->source,
                     p->source_len, p->target, p->target_len, g->tgt,
                     "'%s' should be translated as '%s'%s%s", g->src, g->tgt, *g->note ? ": " : "",
                     g->note);
}

static cd_status glossary_scan(cd_checker *c, const cd_check_pair *p, const where *w,
                               term_side *src, term_side *tgt, cd_error *err) {
  cd_status st = CD_OK;
  for (size_t i = 0; i < c->ngl && !st; i++) {
    glossary_entry *g = &c->gl[i];
    if (!same_primary(g->src_lang, p->src_lang) || !same_primary(g->tgt_lang, p->tgt_lang))
      continue;
    bool in_src = false, in_tgt = false;
    st = term_present(c, src, g->src, g->src_key, &g->src_words, &in_src, err);
    if (!st && in_src)
      st = term_present(c, tgt, g->tgt, g->tgt_key, &g->tgt_words, &in_tgt, err);
    if (!st && in_src && !in_tgt)
      st = report_glossary(c, p, w, g);
  }
  return st;
}

static cd_status check_glossary(cd_checker *c, const cd_check_pair *p, const where *w,
                                const char *skey, const char *tkey, cd_error *err) {
  if (c->level[K_GLOSSARY] == CD_SEV_OFF || c->ngl == 0)
    return CD_OK;
  cd_buf sk = CD_BUF_INIT, tk = CD_BUF_INIT;
  cd_status st = cd_buf_append_str(&sk, skey);
  if (!st)
    st = cd_buf_append_str(&tk, tkey);
  unify_apostrophes(&sk);
  unify_apostrophes(&tk);
  term_side src = {
      .lang = p->src_lang, .key = cd_buf_at(&sk, 0), .text = p->source, .len = p->source_len};
  term_side tgt = {
      .lang = p->tgt_lang, .key = cd_buf_at(&tk, 0), .text = p->target, .len = p->target_len};
  if (!st)
    st = glossary_scan(c, p, w, &src, &tgt, err);
  word_list_free(&src.words);
  word_list_free(&tgt.words);
  cd_buf_free(&sk);
  cd_buf_free(&tk);
  return st;
}

static cd_status group_add(cd_strmap *m, const char *key, const char *other, size_t occ) {
  bool ins;
  void **slot = cd_strmap_slot(m, key, strlen(key), &ins);
  if (!slot)
    return CD_ERR_NOMEM;
  group *g = *slot;
  if (!g) {
    g = calloc(1, sizeof *g);
    if (!g)
      return CD_ERR_NOMEM;
    g->first_other = strdup(other);
    *slot = g;
    if (!g->first_other)
      return CD_ERR_NOMEM;
  } else if (strcmp(g->first_other, other) != 0) {
    g->differs = true;
  }
  if (CD_GROW(g->occ, g->n, g->cap))
    return CD_ERR_NOMEM;
  g->occ[g->n++] = occ;
  return CD_OK;
}

static cd_status check_pair_names(cd_checker *c, const cd_check_pair *p, const where *w,
                                  cd_error *err) {
  if (!c->opts.mentions)
    return CD_OK;
  cd_strmap *src_ents = cd_strmap_new(), *tgt_ents = cd_strmap_new();
  if (!src_ents || !tgt_ents) {
    cd_strmap_free(src_ents);
    cd_strmap_free(tgt_ents);
    return CD_ERR_NOMEM;
  }
  mention_ctx xs = {c, w, p->src_lang, p->source, p->source_len, src_ents, false, 0, CD_OK};
  mention_ctx xt = {c,        w,    p->tgt_lang,      p->target, p->target_len,
                    tgt_ents, true, K_NAMES_MISMATCH, CD_OK};
  cd_status st = run_mentions(c, &xs, err);
  if (!st)
    st = run_mentions(c, &xt, err);
  size_t pos = 0;
  const char *k;
  size_t kl;
  void *v;
  while (!st && cd_strmap_next(src_ents, &pos, &k, &kl, &v)) {
    if (cd_strmap_contains(tgt_ents, k, kl))
      continue;
    st = add_finding(c, K_NAMES_MISSING, w->file, w->line, p->target, p->target_len, 0, 0,
                     p->source, p->source_len, p->target, p->target_len, NULL,
                     "'%s' is in the source but not in the target", (const char *)v);
  }
  free_values(src_ents);
  free_values(tgt_ents);
  return st;
}

cd_status cd_check_pair_add(cd_checker *c, const cd_check_pair *p, cd_error *err) {
  c->pairs++;
  c->col_ctx = NULL; /* the caller may reuse its buffers for this pair */
  where w = {p->origin, p->line, p->source, p->source_len, p->target, p->target_len};
  cd_buf sk = CD_BUF_INIT, tk = CD_BUF_INIT;
  cd_status st = fold_key(c, p->source, p->source_len, &sk);
  if (!st)
    st = fold_key(c, p->target, p->target_len, &tk);
  const char *skey = cd_buf_at(&sk, 0), *tkey = cd_buf_at(&tk, 0);
  if (!st)
    st = check_numbers(c, p, &w);
  if (!st)
    st = check_untranslated(c, p, &w, skey, tkey);
  if (!st)
    st = check_glossary(c, p, &w, skey, tkey, err);
  if (!st)
    st = check_doubled(c, &w, p->tgt_lang, p->target, p->target_len);
  if (!st)
    st = check_double_space(c, &w, p->target, p->target_len);
  if (!st && c->level[K_UNBALANCED] != CD_SEV_OFF) {
    /* the target is unbalanced where the source is not: a quote or bracket got lost */
    size_t sp, tp;
    st = check_balance(c, &w, p->src_lang, p->source, p->source_len, 0, false, &sp);
    if (!st)
      st = check_balance(c, &w, p->tgt_lang, p->target, p->target_len, 0, false, &tp);
    if (!st && tp > sp)
      st = check_balance(c, &w, p->tgt_lang, p->target, p->target_len, 0, true, &tp);
  }
  if (!st)
    st = check_pair_names(c, p, &w, err);
  /* Remember the pair for the consistency checks. */
  if (!st && sk.len && tk.len &&
      (c->level[K_TM_TARGET] != CD_SEV_OFF || c->level[K_TM_SOURCE] != CD_SEV_OFF)) {
    st = CD_GROW(c->occ, c->nocc, c->capocc);
    if (!st) {
      occurrence *o = &c->occ[c->nocc];
      o->origin = strdup(p->origin ? p->origin : "-");
      o->line = p->line;
      o->source = dupn(p->source, p->source_len);
      o->target = dupn(p->target, p->target_len);
      c->nocc++;
      if (!o->origin || !o->source || !o->target)
        st = CD_ERR_NOMEM;
    }
    cd_buf lk = CD_BUF_INIT;
    if (!st)
      st = cd_buf_appendf(&lk, "%s>%s\t%s", p->src_lang, p->tgt_lang, skey);
    if (!st)
      st = group_add(c->by_source, lk.data, tkey, c->nocc - 1);
    cd_buf_clear(&lk);
    if (!st)
      st = cd_buf_appendf(&lk, "%s>%s\t%s", p->src_lang, p->tgt_lang, tkey);
    if (!st)
      st = group_add(c->by_target, lk.data, skey, c->nocc - 1);
    cd_buf_free(&lk);
  }
  cd_buf_free(&sk);
  cd_buf_free(&tk);
  if (st == CD_ERR_NOMEM)
    return cd_error_set(err, st, "out of memory");
  return st;
}

/* ---- batch checks ------------------------------------------------------------------------ */

static size_t count_words(const char *s) {
  size_t n = 0;
  bool in = false;
  for (; *s; s++) {
    bool sp = *s == ' ';
    if (!sp && !in)
      n++;
    in = !sp;
  }
  return n;
}

static cd_status report_groups(cd_checker *c, cd_strmap *m, check_kind k, bool target_side) {
  if (c->level[k] == CD_SEV_OFF)
    return CD_OK;
  size_t pos = 0;
  const char *key;
  size_t kl;
  void *v;
  while (cd_strmap_next(m, &pos, &key, &kl, &v)) {
    group *g = v;
    if (!g->differs)
      continue;
    /* One translation for different sources is normal for short segments ("Yes.", a
     * one-word caption): only longer ones are reported. */
    const char *tab = strchr(key, '\t');
    if (!target_side && tab && count_words(tab + 1) < 4)
      continue;
    for (size_t i = 0; i < g->n; i++) {
      occurrence *o = &c->occ[g->occ[i]];
      /* name the other renderings */
      const char *other = NULL;
      for (size_t j = 0; j < g->n && !other; j++) {
        occurrence *q = &c->occ[g->occ[j]];
        const char *a = target_side ? q->target : q->source;
        const char *b = target_side ? o->target : o->source;
        if (strcmp(a, b) != 0)
          other = a;
      }
      if (!other)
        continue;
      const char *text = target_side ? o->target : o->source;
      cd_status st =
          add_finding(c, k, o->origin, o->line, text, strlen(text), 0, strlen(text), o->source,
                      strlen(o->source), o->target, strlen(o->target), NULL,
                      target_side ? "the same source is translated differently elsewhere: '%s'"
                                  : "the same translation is used for a different source: '%s'",
                      other);
      if (st)
        return st;
    }
  }
  return CD_OK;
}

/* The form without a possessive or genitive ending (Zelenskyy's, Selenskyjs). */
static size_t form_core(const char *f, size_t n, const char *lang) {
  size_t core, suffix;
  bool keep;
  cd_names_split_suffix(f, n, lang, &core, &suffix, &keep);
  return core;
}

/* Two forms of one entity agree when, their possessive endings aside, they are the same or
 * one is the last words of the other: "Erdogan" after "Recep Tayyip Erdogan" is the same
 * spelling, no variant. */
static bool forms_agree(const char *a, size_t an, const char *b, size_t bn, const char *lang) {
  an = form_core(a, an, lang);
  bn = form_core(b, bn, lang);
  if (an > bn) {
    const char *t = a;
    a = b, b = t;
    size_t tn = an;
    an = bn, bn = tn;
  }
  return memcmp(b + bn - an, a, an) == 0 && (an == bn || b[bn - an - 1] == ' ');
}

/* A form of an entity and its count, for a message: the most frequent first, then in
 * byte order (never the hash table's order). */
typedef struct form_count {
  const char *form;
  size_t len, n;
} form_count;

static int by_count(const void *x, const void *y) {
  const form_count *a = x, *b = y;
  if (a->n != b->n)
    return a->n > b->n ? -1 : 1;
  int r = memcmp(a->form, b->form, a->len < b->len ? a->len : b->len);
  return r ? r : (a->len > b->len) - (a->len < b->len);
}

static cd_status report_name_variants(cd_checker *c) {
  if (c->level[K_NAMES_VARIANT] == CD_SEV_OFF)
    return CD_OK;
  cd_buf k = CD_BUF_INIT, summary = CD_BUF_INIT, fk = CD_BUF_INIT;
  cd_status st = CD_OK;
  for (size_t i = 0; i < c->nlocs && !st; i++) {
    name_loc *l = &c->locs[i];
    if (l->unknown)
      continue;
    uintptr_t forms = (uintptr_t)cd_strmap_get(c->name_entities, l->key, strlen(l->key));
    if (forms < 2 || l->canonical)
      continue;
    /* the counts of every form of this entity, for the message; reported only when some
     * form disagrees with this one */
    cd_buf_clear(&summary);
    size_t pos = 0;
    const char *key;
    size_t kl, lk = strlen(l->key);
    void *v;
    bool differs = false;
    const char *lang = l->key; /* "lang\tentity" */
    char lg[16];
    snprintf(lg, sizeof lg, "%.*s", (int)(strchr(lang, '\t') - lang), lang);
    size_t nf = 0;
    while (cd_strmap_next(c->name_forms, &pos, &key, &kl, &v))
      if (kl > lk && memcmp(key, l->key, lk) == 0 && key[lk] == '\t') {
        form_count fc = {key + lk + 1, kl - lk - 1, (size_t)(uintptr_t)v};
        if (cd_buf_append(&fk, &fc, sizeof fc)) {
          st = CD_ERR_NOMEM;
          break;
        }
        nf++;
        differs |= !forms_agree(key + lk + 1, kl - lk - 1, l->form, strlen(l->form), lg);
      }
    form_count *fcs = (form_count *)(void *)fk.data;
    if (nf)
      qsort(fcs, nf, sizeof *fcs, by_count);
    for (size_t f = 0; f < nf && !st; f++)
      if (cd_buf_appendf(&summary, "%s'%.*s' %zu×", summary.len ? ", " : "", (int)fcs[f].len,
                         fcs[f].form, fcs[f].n))
        st = CD_ERR_NOMEM;
    cd_buf_clear(&fk);
    if (st || !differs)
      continue;
    st = add_finding(c, K_NAMES_VARIANT, l->file, l->line, l->context, l->context_len, l->cs, l->ce,
                     NULL, 0, NULL, 0, NULL, "'%s': the batch has %s", l->form, summary.data);
    if (!st)
      c->f[c->nf - 1].col = l->col;
  }
  cd_buf_free(&k);
  cd_buf_free(&summary);
  cd_buf_free(&fk);
  return st;
}

/* ---- names the dictionary lacks: one spelling per person across the batch ------------- */

static cd_status report_unknown_part(cd_checker *c, const name_loc *l, char part) {
  cd_names_variant v;
  if (!cd_names_groups_variant(c->unknown, l->unknown_index, part, &v))
    return CD_OK;
  /* the suggestion keeps this mention's case ending: the majority's stem, this ending */
  cd_buf sug = CD_BUF_INIT;
  if (cd_buf_append(&sug, v.best, v.best_stem) ||
      cd_buf_append_str(&sug, v.written + v.written_stem)) {
    cd_buf_free(&sug);
    return CD_ERR_NOMEM;
  }
  bool g = part == 'G';
  cd_status st = add_finding(
      c, K_NAMES_UNKNOWN, l->file, l->line, l->context, l->context_len, g ? l->gcs : l->cs,
      g ? l->gce : l->ce, NULL, 0, NULL, 0, cd_buf_at(&sug, 0),
      "'%s': a name the dictionary lacks, spelled %s in the batch", v.written, v.summary);
  cd_buf_free(&sug);
  if (!st)
    c->f[c->nf - 1].col = g ? l->gcol : l->col;
  return st;
}

static cd_status report_unknown_variants(cd_checker *c, cd_error *err) {
  if (!c->unknown)
    return CD_OK;
  cd_status st = cd_names_groups_resolve(c->unknown, err);
  for (size_t i = 0; i < c->nlocs && !st; i++) {
    if (!c->locs[i].unknown)
      continue;
    st = report_unknown_part(c, &c->locs[i], 'S');
    if (!st)
      st = report_unknown_part(c, &c->locs[i], 'G');
  }
  return st;
}

static int cmp_finding(const void *a, const void *b) {
  const cd_finding *x = a, *y = b;
  int r = strcmp(x->file, y->file);
  if (r)
    return r;
  if (x->line != y->line)
    return x->line < y->line ? -1 : 1;
  if (x->col != y->col)
    return x->col < y->col ? -1 : 1;
  r = strcmp(x->check, y->check);
  return r ? r : strcmp(x->message, y->message);
}

cd_status cd_check_finish(cd_checker *c, cd_error *err) {
  cd_status st = report_groups(c, c->by_source, K_TM_TARGET, true);
  if (!st)
    st = report_groups(c, c->by_target, K_TM_SOURCE, false);
  if (!st)
    st = report_name_variants(c);
  if (!st)
    st = report_unknown_variants(c, err);
  if (st)
    return cd_error_set(err, st, "out of memory");
  if (c->nf)
    qsort(c->f, c->nf, sizeof *c->f, cmp_finding);
  return CD_OK;
}

size_t cd_check_count(const cd_checker *c) { return c->nf; }
const cd_finding *cd_check_get(const cd_checker *c, size_t i) {
  return i < c->nf ? &c->f[i] : NULL;
}

cd_severity cd_check_worst(const cd_checker *c) {
  cd_severity w = CD_SEV_OFF;
  for (size_t i = 0; i < c->nf; i++)
    if (c->f[i].severity > w)
      w = c->f[i].severity;
  return w;
}

void cd_check_inputs(const cd_checker *c, uint64_t *articles, uint64_t *pairs) {
  *articles = c->articles;
  *pairs = c->pairs;
}
