/* Stage "names": rewrites known variants of people, places and organisations to the house
 * canonical form for the text's language (cd_names.h), keeping possessive suffixes.
 *
 * Per line: words are found with ICU character classes; a capitalized word starts a
 * candidate span of up to four capitalized words. A cheap test comes first (the database's
 * Bloom filter of word keys, behind a small direct-mapped cache), then indexed lookups,
 * longest span first. Fuzzy near-misses (consonant skeleton) are rewritten only with
 * context — a given name of the entity, a role word before it, or an earlier full mention in
 * the same document (backward only, a small ring of recent ids) — and never for a word the
 * language's hunspell dictionary knows unless context confirms it; otherwise they are
 * flagged below the threshold. A surname or place preceded or followed by another
 * capitalized name word that is not part of the match (Bohdan Khmelnytsky, Donbass Arena,
 * Andrei Kirilenko) is a different name: left alone. */
#include "cd_names.h"
#include "cd_stage.h"

#include <hunspell/hunspell.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#define MAX_SPAN 4
#define RING 32
#define RING_LINES 12 /* an earlier mention counts for this many lines */
#define CACHE 4096
#define MAX_HITS 8

typedef struct word {
  size_t b, e;  /* bytes */
  bool cap;     /* starts with an upper-case letter (or an ideograph) */
  bool cyr;     /* contains Cyrillic */
} word;

typedef struct cache_ent {
  uint64_t h;
  int8_t val; /* 0 unknown, 1 maybe a name word, -1 not */
} cache_ent;

typedef struct names_state {
  cd_names *db;
  char lang[16];
  double threshold;
  const char *data_dir;
  char ring[RING][96];
  uint64_t ring_line[RING];
  uint64_t line;
  size_t ring_n, ring_pos;
  cache_ent cache[CACHE];
  Hunhandle *hun;     /* the text language's dictionary, loaded on first need */
  bool hun_tried;
  Hunhandle *hun_uk, *hun_ru; /* Cyrillic stems */
  bool hun_cyr_tried;
  word *words;
  size_t cap_words;
  cd_buf key, repl, tmp;
  char **heads; /* compound heads: words that make a place name part of a larger name */
  size_t n_heads;
} names_state;

/* ---- hunspell (lazy) ---------------------------------------------------------------------- */

static Hunhandle *hun_open(const char *lang) {
  static const char *const map[][2] = {{"en", "en_US"}, {"fr", "fr"},     {"de", "de_DE"},
                                       {"uk", "uk_UA"}, {"ru", "ru_RU"}};
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strcmp(map[i][0], lang) == 0) {
      char aff[256], dic[256];
      snprintf(aff, sizeof aff, "/usr/share/hunspell/%s.aff", map[i][1]);
      snprintf(dic, sizeof dic, "/usr/share/hunspell/%s.dic", map[i][1]);
      FILE *f = fopen(dic, "rb");
      if (!f)
        return NULL;
      fclose(f);
      return Hunspell_create(aff, dic);
    }
  return NULL;
}

/* Whether the text language's dictionary knows the word in lower case (a common word). */
static bool known_common_word(names_state *s, const char *w, size_t n) {
  if (!s->hun_tried) {
    s->hun_tried = true;
    s->hun = hun_open(s->lang);
  }
  if (!s->hun)
    return false;
  cd_buf_clear(&s->tmp);
  /* lower-case the first letter only: "Waltz" -> "waltz" */
  size_t i = 0;
  int32_t c = cd_utf8_next(w, n, &i);
  if (c < 0 || cd_buf_append_cp(&s->tmp, (uint32_t)u_tolower(c)) ||
      cd_buf_append(&s->tmp, w + i, n - i))
    return false;
  return Hunspell_spell(s->hun, s->tmp.data) != 0;
}

/* ---- words ------------------------------------------------------------------------------ */

static bool is_word_cp(int32_t c) {
  int8_t t = (int8_t)u_charType(c);
  return u_isalnum(c) || t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK;
}

static bool is_joiner(int32_t c) {
  return c == '\'' || c == 0x2019 || c == 0x2BC || c == '-' || c == 0x2010 || c == 0x2011;
}

static cd_status split_words(names_state *s, const char *t, size_t n, size_t *nw) {
  *nw = 0;
  size_t i = 0;
  while (i < n) {
    size_t b = i;
    int32_t c = cd_utf8_next(t, n, &i);
    if (c < 0 || !is_word_cp(c))
      continue;
    word w = {b, i, false, false};
    w.cap = u_isupper(c) || u_istitle(c) ||
            (u_charType(c) == U_OTHER_LETTER && u_hasBinaryProperty(c, UCHAR_IDEOGRAPHIC));
    for (;;) {
      size_t j = i;
      int32_t d = j < n ? cd_utf8_next(t, n, &j) : -1;
      if (d >= 0 && is_word_cp(d)) {
        i = j;
        continue;
      }
      if (d >= 0 && is_joiner(d)) { /* an apostrophe or hyphen between letters */
        size_t k = j;
        int32_t e = k < n ? cd_utf8_next(t, n, &k) : -1;
        if (e >= 0 && is_word_cp(e)) {
          i = k;
          continue;
        }
      }
      break;
    }
    w.e = i;
    for (size_t k = w.b; k < w.e;) {
      int32_t d = cd_utf8_next(t, w.e, &k);
      UErrorCode uc = U_ZERO_ERROR;
      if (d >= 0 && uscript_getScript(d, &uc) == USCRIPT_CYRILLIC) {
        w.cyr = true;
        break;
      }
    }
    if (*nw == s->cap_words) {
      size_t cap = s->cap_words ? s->cap_words * 2 : 64;
      word *p = realloc(s->words, cap * sizeof *p);
      if (!p)
        return CD_ERR_NOMEM;
      s->words = p;
      s->cap_words = cap;
    }
    s->words[(*nw)++] = w;
  }
  return CD_OK;
}

/* Only spaces (or ". " after an initial) between two words. */
static bool adjacent(const char *t, const word *a, const word *b) {
  size_t gap = b->b - a->e;
  if (gap == 0 || gap > 3)
    return false;
  for (size_t i = a->e; i < b->b; i++) {
    char c = t[i];
    if (c == ' ')
      continue;
    if (c == '.' && a->e - a->b <= 2)
      continue;
    return false;
  }
  return true;
}

/* The cheap test: might this word be part of a known name? */
static bool word_maybe(names_state *s, const char *w, size_t n) {
  uint64_t h = 0;
  for (size_t i = 0; i < n; i++)
    h = (h ^ (unsigned char)w[i]) * 1099511628211ULL;
  h ^= n;
  cache_ent *ce = &s->cache[h % CACHE];
  if (ce->h == h && ce->val)
    return ce->val > 0;
  cd_names_keyer *k = cd_names_get_keyer(s->db);
  bool maybe = false;
  size_t core = n, sl;
  bool keep;
  cd_names_split_suffix(w, n, s->lang, &core, &sl, &keep);
  for (int pass = 0; pass < 2 && !maybe; pass++) {
    size_t len = pass == 0 ? n : core;
    if (pass == 1 && core == n)
      break;
    if (!cd_names_key_fold(k, w, len, &s->key, NULL) &&
        cd_names_word_maybe(s->db, s->key.data, s->key.len))
      maybe = true;
    size_t count = 0;
    if (!maybe && !cd_names_key_ascii(k, w, len, &s->key, &count, NULL)) {
      for (size_t i = 0, off = 0; i < count && !maybe; i++) {
        size_t l = strlen(s->key.data + off);
        maybe = cd_names_word_maybe(s->db, s->key.data + off, l);
        off += l + 1;
      }
    }
    if (!maybe && len >= 4 && !cd_names_key_skel(k, w, len, &s->key, NULL))
      maybe = cd_names_word_maybe(s->db, s->key.data, s->key.len);
  }
  ce->h = h;
  ce->val = maybe ? 1 : -1;
  return maybe;
}

/* ---- context ------------------------------------------------------------------------------ */

static bool fold_eq(names_state *s, const char *a, size_t an, const char *b, size_t bn) {
  cd_names_keyer *k = cd_names_get_keyer(s->db);
  if (cd_names_key_fold(k, a, an, &s->tmp, NULL))
    return false;
  cd_buf fb = CD_BUF_INIT;
  bool eq = !cd_names_key_fold(k, b, bn, &fb, NULL) && fb.len == s->tmp.len &&
            memcmp(fb.data, s->tmp.data, fb.len) == 0;
  cd_buf_free(&fb);
  return eq;
}

typedef struct role_check {
  names_state *s;
  const char *before;
  size_t before_len;
  bool found;
} role_check;

static void role_fn(void *ud, const char *lang, const char *kind, const char *val) {
  (void)lang;
  (void)kind;
  role_check *r = ud;
  if (r->found || !val)
    return;
  size_t vl = strlen(val);
  /* the text before the span ends with the role (case-insensitive), then spaces */
  size_t e = r->before_len;
  while (e > 0 && r->before[e - 1] == ' ')
    e--;
  if (e < vl)
    return;
  if (e > vl) {
    size_t p = e - vl;
    int32_t c = cd_utf8_prev(r->before, &p);
    if (c >= 0 && is_word_cp(c))
      return;
  }
  if (fold_eq(r->s, r->before + e - vl, vl, val, vl))
    r->found = true;
}

static bool ring_has(names_state *s, const char *id) {
  for (size_t i = 0; i < s->ring_n; i++)
    if (strcmp(s->ring[i], id) == 0 && s->line - s->ring_line[i] <= RING_LINES)
      return true;
  return false;
}

static void ring_add(names_state *s, const char *id) {
  for (size_t i = 0; i < s->ring_n; i++)
    if (strcmp(s->ring[i], id) == 0) {
      s->ring_line[i] = s->line;
      return;
    }
  s->ring_line[s->ring_pos] = s->line;
  snprintf(s->ring[s->ring_pos], sizeof s->ring[0], "%s", id);
  s->ring_pos = (s->ring_pos + 1) % RING;
  if (s->ring_n < RING)
    s->ring_n++;
}

static bool is_head(names_state *s, const char *w, size_t n) {
  for (size_t i = 0; i < s->n_heads; i++)
    if (fold_eq(s, s->heads[i], strlen(s->heads[i]), w, n))
      return true;
  return false;
}

/* ---- one span ------------------------------------------------------------------------------ */

typedef enum { SPAN_NONE, SPAN_DONE } span_result;

/* Handles words[i .. i+len) as a candidate; returns true when it consumed the span (rewrite,
 * flag or a deliberate keep). */
static cd_status try_span(names_state *s, const cd_segment *seg, cd_rewriter *rw, size_t nw,
                          size_t i, size_t len, bool *consumed, cd_error *err) {
  *consumed = false;
  const char *t = seg->text;
  word *w = s->words;
  size_t sb = w[i].b, se = w[i + len - 1].e;
  cd_names_query q = {t + sb, se - sb, t, sb, s->lang, true};
  cd_names_hit hits[MAX_HITS];
  size_t n = 0, core = q.len;
  bool keep = true;
  cd_status st = cd_names_find_span(s->db, &q, hits, MAX_HITS, &n, &core, &keep, err);
  if (st || n == 0)
    return st;
  /* Several entities at the same top score: ambiguous, leave it. */
  if (n > 1 && hits[1].score >= hits[0].score && strcmp(hits[0].id, hits[1].id) != 0) {
    *consumed = true;
    return CD_OK;
  }
  cd_names_hit *h = &hits[0];
  bool prev_cap = i > 0 && w[i - 1].cap && adjacent(t, &w[i - 1], &w[i]);
  bool next_cap = i + len < nw && adjacent(t, &w[i + len - 1], &w[i + len]) &&
                  (w[i + len].cap || is_head(s, t + w[i + len].b, w[i + len].e - w[i + len].b));
  bool context = h->context;
  /* role word(s) right before, or an earlier full mention */
  if (!context && (h->part == CD_PART_SURNAME || h->level == CD_MATCH_FUZZY)) {
    role_check rc = {s, t, sb, false};
    cd_names_context(s->db, h, "role", role_fn, &rc, err);
    if (rc.found)
      context = true, prev_cap = false;
    else if (ring_has(s, h->id))
      context = true;
  }
  /* part of a larger name: another capitalized name word next to it */
  if (next_cap || h->historical) {
    *consumed = true;
    return CD_OK;
  }
  if (prev_cap && (h->part != CD_PART_FULL || len == 1)) {
    const char *pw = t + w[i - 1].b;
    size_t pl = w[i - 1].e - w[i - 1].b;
    bool sentence_start = i - 1 == 0 || (w[i - 1].b >= 2 && t[w[i - 1].b - 2] == '.');
    if (!(sentence_start && known_common_word(s, pw, pl))) {
      *consumed = true; /* Leonid Gaidai, Bohdan Khmelnytsky: a different name */
      return CD_OK;
    }
  }
  double conf = h->score;
  const char *rule = h->level == CD_MATCH_EXACT ? "names.variant"
                     : h->level == CD_MATCH_TRANSLIT ? "names.transliteration"
                                                     : "names.fuzzy";
  if (h->level == CD_MATCH_FUZZY) {
    if (context) {
      conf = conf < 0.92 ? 0.92 : conf;
      rule = "names.fuzzy+context";
    } else {
      if (len == 1 && known_common_word(s, t + sb, se - sb)) {
        *consumed = true;
        return CD_OK;
      }
      conf = 0.6;
    }
  }
  st = cd_names_replacement(s->db, h, s->lang, t + sb, core, se - sb, keep, &s->repl, err);
  if (st)
    return st;
  *consumed = true;
  if (s->repl.len == se - sb && memcmp(s->repl.data, t + sb, se - sb) == 0) {
    if (h->part == CD_PART_FULL && strcmp(h->type, "person") == 0)
      ring_add(s, h->id);
    return CD_OK;
  }
  if (conf < s->threshold) {
    if ((st = cd_rw_keep(rw, sb)))
      return st;
    return cd_rw_flag(rw, sb, se, rule, conf < s->threshold ? conf : s->threshold - 0.01);
  }
  if (h->part == CD_PART_FULL && strcmp(h->type, "person") == 0)
    ring_add(s, h->id);
  if ((st = cd_rw_keep(rw, sb)))
    return st;
  return cd_rw_replace(rw, sb, se, s->repl.data, s->repl.len, rule, conf);
}

static cd_status names_process(void *state, const cd_segment *seg, cd_rewriter *rw,
                               cd_error *err) {
  names_state *s = state;
  if (!s || !s->db)
    return CD_OK;
  s->line = seg->line;
  size_t nw = 0;
  size_t body = seg->len - seg->eol;
  if (split_words(s, seg->text, body, &nw))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  word *w = s->words;
  for (size_t i = 0; i < nw;) {
    if (!w[i].cap || !word_maybe(s, seg->text + w[i].b, w[i].e - w[i].b)) {
      i++;
      continue;
    }
    size_t maxlen = 1;
    while (maxlen < MAX_SPAN && i + maxlen < nw && w[i + maxlen].cap &&
           adjacent(seg->text, &w[i + maxlen - 1], &w[i + maxlen]))
      maxlen++;
    bool consumed = false;
    size_t len = maxlen;
    for (; len >= 1 && !consumed; len--) {
      cd_status st = try_span(s, seg, rw, nw, i, len, &consumed, err);
      if (st)
        return st;
      if (consumed)
        break;
    }
    i += consumed ? (len ? len : 1) : 1;
  }
  return CD_OK;
}

/* ---- open / close ------------------------------------------------------------------------- */

static void names_close(void *state) {
  names_state *s = state;
  if (!s)
    return;
  cd_names_free(s->db);
  if (s->hun)
    Hunspell_destroy(s->hun);
  if (s->hun_uk)
    Hunspell_destroy(s->hun_uk);
  if (s->hun_ru)
    Hunspell_destroy(s->hun_ru);
  for (size_t i = 0; i < s->n_heads; i++)
    free(s->heads[i]);
  free(s->heads);
  free(s->words);
  cd_buf_free(&s->key);
  cd_buf_free(&s->repl);
  cd_buf_free(&s->tmp);
  free(s);
}

static cd_status load_heads(names_state *s, const char *dir) {
  char path[4096];
  snprintf(path, sizeof path, "%s/names/compound-heads.txt", dir);
  FILE *f = fopen(path, "rb");
  if (!f)
    return CD_OK;
  char *line = NULL;
  size_t cap = 0;
  ssize_t got;
  cd_status st = CD_OK;
  while (!st && (got = getline(&line, &cap, f)) >= 0) {
    while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r' || line[got - 1] == ' '))
      line[--got] = '\0';
    if (got == 0 || line[0] == '#')
      continue;
    char **p = realloc(s->heads, (s->n_heads + 1) * sizeof *p);
    if (!p || !(p[s->n_heads] = strdup(line))) {
      if (p)
        s->heads = p;
      st = CD_ERR_NOMEM;
      break;
    }
    s->heads = p;
    s->n_heads++;
  }
  free(line);
  fclose(f);
  return st;
}

static cd_status names_open(const cd_stage_env *env, void **state, cd_error *err) {
  *state = NULL;
  const char *house = env->opts ? env->opts->house_file : NULL;
  char dbp[4096], tr[4096];
  bool have_db = false;
  if (env->data_dir) {
    snprintf(dbp, sizeof dbp, "%s/names.sqlite", env->data_dir);
    FILE *f = fopen(dbp, "rb");
    if (f) {
      have_db = true;
      fclose(f);
    }
    snprintf(tr, sizeof tr, "%s/translit", env->data_dir);
  }
  /* No database and no overlay: the stage passes text through. */
  if (!have_db && !house)
    return CD_OK;
  names_state *s = calloc(1, sizeof *s);
  if (!s)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  snprintf(s->lang, sizeof s->lang, "%s", env->lang ? env->lang : "en");
  char *dash = strchr(s->lang, '-');
  if (dash)
    *dash = '\0';
  s->threshold = env->opts ? env->opts->names_threshold : 0.9;
  cd_names_options o;
  cd_names_options_init(&o);
  o.db_path = have_db ? dbp : NULL;
  o.house_file = house;
  o.translit_dir = env->data_dir ? tr : "dicts/translit";
  cd_status st = cd_names_open(&o, &s->db, err);
  if (!st && env->data_dir && load_heads(s, env->data_dir))
    st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  if (st) {
    names_close(s);
    return st;
  }
  *state = s;
  return CD_OK;
}

const cd_stage_def cd_stage_names = {"names", CD_STAGE_NAMES, names_open, names_process,
                                     names_close};
