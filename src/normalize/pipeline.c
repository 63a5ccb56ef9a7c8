/* SPDX-License-Identifier: MIT */
/* The normalize pipeline: read → decode → split into lines (windows for very long lines) →
 * stages in order → write, with every edit turned into a change record carrying stream
 * offsets. Memory is bounded by the read chunk, the language sample and the window. */
#include "cd_decode.h"
#include "cd_lang.h"
#include "cd_stage.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>

#define CD_CHUNK (64 * 1024)
#define CD_SAMPLE (64 * 1024)
#define CD_DEFAULT_WINDOW (1024 * 1024)
#define CD_MIN_WINDOW 256

void cd_normalize_options_init(cd_normalize_options *o) {
  memset(o, 0, sizeof *o);
  o->stages = CD_STAGE_ALL;
  o->window = CD_DEFAULT_WINDOW;
  o->names_threshold = 0.9;
}

/* The stage table: the order of normalize. */
static const cd_stage_def *const stage_table[] = {&cd_stage_mojibake, &cd_stage_unicode,
                                                  &cd_stage_typography, &cd_stage_boilerplate,
                                                  &cd_stage_names};
#define N_STAGES (sizeof stage_table / sizeof stage_table[0])

/* ---- change records as JSON Lines ------------------------------------------------------ */

/* Invisible characters (ZWSP, soft hyphen, bidi marks, no-break spaces, C1 controls…) are
 * what many edits are about, and json-c writes them raw: a reviewer would see an empty
 * "before". Escape them as \uXXXX, which is the same JSON string. */
static bool invisible(int32_t cp) {
  int8_t t = u_charType(cp);
  return t == U_CONTROL_CHAR || t == U_FORMAT_CHAR || t == U_LINE_SEPARATOR ||
         t == U_PARAGRAPH_SEPARATOR || t == U_SPACE_SEPARATOR || t == U_NON_SPACING_MARK ||
         t == U_ENCLOSING_MARK || u_hasBinaryProperty(cp, UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}

static cd_status append_visible_json(cd_buf *out, const char *s) {
  size_t n = strlen(s), run = 0, i = 0;
  cd_status st = CD_OK;
  while (i < n && !st) {
    if ((unsigned char)s[i] < 0x80) {
      i++;
      continue;
    }
    size_t at = i;
    int32_t cp = cd_utf8_next(s, n, &i);
    /* BMP only: json-c 0.16 reads some escaped surrogate pairs back as U+FFFD */
    if (cp < 0 || cp > 0xFFFF || !invisible(cp))
      continue;
    st = cd_buf_append(out, s + run, at - run);
    if (!st)
      st = cd_buf_appendf(out, "\\u%04x", (unsigned)cp);
    run = i;
  }
  return st ? st : cd_buf_append(out, s + run, n - run);
}

cd_status cd_change_to_json(const cd_change *c, cd_buf *out) {
  json_object *o = json_object_new_object();
  if (!o)
    return CD_ERR_NOMEM;
  cd_buf fname = CD_BUF_INIT;
  const char *file = cd_utf8_make_valid(c->file ? c->file : "-", &fname);
  json_object_object_add(o, "file", json_object_new_string(file ? file : "-"));
  cd_buf_free(&fname);
  json_object_object_add(o, "stage", json_object_new_string(c->stage));
  json_object_object_add(o, "rule", json_object_new_string(c->rule ? c->rule : ""));
  json_object_object_add(o, "in_start", json_object_new_int64((int64_t)c->in_start));
  json_object_object_add(o, "in_end", json_object_new_int64((int64_t)c->in_end));
  json_object_object_add(o, "out_start", json_object_new_int64((int64_t)c->out_start));
  json_object_object_add(o, "out_end", json_object_new_int64((int64_t)c->out_end));
  if (c->before_is_raw) {
    cd_buf hex = CD_BUF_INIT;
    cd_status st = cd_buf_reserve(&hex, c->before_len * 2);
    if (st) {
      json_object_put(o);
      return st;
    }
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < c->before_len; i++) {
      unsigned char b = (unsigned char)c->before[i];
      hex.data[hex.len++] = digits[b >> 4];
      hex.data[hex.len++] = digits[b & 15];
    }
    json_object_object_add(o, "before_hex",
                           json_object_new_string_len(hex.data ? hex.data : "", (int)hex.len));
    cd_buf_free(&hex);
  } else {
    json_object_object_add(o, "before", json_object_new_string_len(c->before, (int)c->before_len));
  }
  json_object_object_add(o, "after", json_object_new_string_len(c->after, (int)c->after_len));
  char conf[32];
  snprintf(conf, sizeof conf, "%.3g", c->confidence);
  json_object_object_add(o, "confidence", json_object_new_double_s(c->confidence, conf));
  if (c->suggestion)
    json_object_object_add(o, "suggestion", json_object_new_string(c->suggestion));
  if (c->why)
    json_object_object_add(o, "why", json_object_new_string(c->why));
  const char *s =
      json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
  cd_status st = append_visible_json(out, s);
  if (!st)
    st = cd_buf_append(out, "\n", 1);
  json_object_put(o);
  return st;
}

/* ---- the running pipeline -------------------------------------------------------------- */

typedef struct stage_rt {
  const cd_stage_def *def;
  void *state;
  uint64_t in_pos, out_pos;
  cd_buf out;
  cd_rewriter rw;
} stage_rt;

typedef struct pipeline {
  const cd_normalize_options *opts;
  const char *label;
  cd_read_fn read;
  void *read_ud;
  cd_write_fn write;
  void *write_ud;
  cd_change_fn change;
  void *change_ud;
  cd_error *err;

  cd_decoder *dec;
  cd_buf raw; /* raw bytes read, not yet fed */
  bool eof;
  cd_buf text; /* decoded text not yet segmented, from tpos on */
  size_t tpos;
  bool line_start; /* the next segment starts a line */
  uint64_t line_no;

  stage_rt *stages; /* the normalizer's stage set for the text's language */
  size_t n_stages;
  cd_normalize_report rep;
  const UNormalizer2 *nfc;
  struct cd_normalizer *nz;
} pipeline;

/* Opened stages for one language, reused across inputs (opening them costs milliseconds:
 * tables, spoof checker, regular expressions, dictionaries). */
typedef struct stage_set {
  char lang[16];
  stage_rt stages[N_STAGES];
  size_t n;
  bool used;
  uint64_t last_used;
} stage_set;

#define CD_MAX_SETS 6

struct cd_normalizer {
  cd_normalize_options opts;
  const cd_stage_def *defs[N_STAGES];
  size_t ndefs;
  stage_set sets[CD_MAX_SETS];
  void *shared[N_STAGES]; /* per stage (defs order): what its instances share */
  uint64_t tick;
  cd_langid *langid; /* opened on the first detection */
};

static cd_status read_more(pipeline *p) {
  if (p->eof)
    return CD_OK;
  cd_status st = cd_buf_reserve(&p->raw, CD_CHUNK);
  if (st)
    return cd_error_set(p->err, st, "out of memory");
  size_t got = 0;
  st = p->read(p->read_ud, p->raw.data + p->raw.len, CD_CHUNK, &got, p->err);
  if (st)
    return st;
  if (got == 0)
    p->eof = true;
  p->raw.len += got;
  p->rep.bytes_in += got;
  return CD_OK;
}

/* Decode records pass through here so that the report counts them with the others. */
static cd_status count_decode_change(void *ud, const cd_change *c, cd_error *err) {
  pipeline *p = ud;
  p->rep.edits++;
  return p->change ? p->change(p->change_ud, c, err) : CD_OK;
}

static cd_status decode_raw(pipeline *p) {
  if (p->tpos > 0 && p->tpos >= p->text.len / 2) {
    cd_buf_consume(&p->text, p->tpos);
    p->tpos = 0;
  }
  cd_status st = cd_decoder_feed(p->dec, cd_buf_at(&p->raw, 0), p->raw.len, p->eof, &p->text,
                                 count_decode_change, p, p->err);
  if (st)
    return st;
  cd_buf_clear(&p->raw);
  return CD_OK;
}

static size_t eol_len(const char *s, size_t len) {
  if (len && s[len - 1] == '\n')
    return (len >= 2 && s[len - 2] == '\r') ? 2 : 1;
  return 0;
}

/* The last cut in s(lo, window] before a normalization boundary: after a space (at_space),
 * else at any code point start; 0 when there is none. */
static size_t last_cut(const pipeline *p, const char *s, size_t lim, size_t lo, size_t window,
                       bool at_space) {
  for (size_t i = window; i > lo; i--) {
    if (at_space ? s[i - 1] != ' ' : ((unsigned char)s[i] & 0xC0) == 0x80)
      continue;
    size_t j = i;
    int32_t c = cd_utf8_next(s, lim, &j);
    if (c >= 0 && unorm2_hasBoundaryBefore(p->nfc, c))
      return i;
  }
  return 0;
}

/* Where to cut a line longer than the window: after a space whose next character starts a
 * normalization unit, in the last half of the window; else at any normalization boundary;
 * else at any code point boundary. Never inside a UTF-8 sequence. */
static size_t window_cut(const pipeline *p, const char *s, size_t avail, size_t window) {
  size_t lim = avail < window + 4 ? avail : window + 4, lo = window / 2;
  size_t i = last_cut(p, s, lim, lo, window, true);
  if (!i)
    i = last_cut(p, s, lim, lo, window, false);
  if (i)
    return i;
  i = window;
  while (i > 1 && ((unsigned char)s[i] & 0xC0) == 0x80)
    i--;
  return i;
}

static cd_status emit_edits(pipeline *p, stage_rt *rt, const char *in) {
  for (size_t k = 0; k < rt->rw.n_edits; k++) {
    const cd_edit *e = &rt->rw.edits[k];
    p->rep.edits++;
    if (!p->change)
      continue;
    cd_change c = {.file = p->label,
                   .stage = rt->def->name,
                   .rule = e->rule,
                   .in_start = rt->in_pos + e->in_start,
                   .in_end = rt->in_pos + e->in_end,
                   .out_start = rt->out_pos + e->out_start,
                   .out_end = rt->out_pos + e->out_end,
                   .before = in + e->in_start,
                   .before_len = e->in_end - e->in_start,
                   .after = cd_buf_at(&rt->out, e->out_start),
                   .after_len = e->out_end - e->out_start,
                   .confidence = e->confidence};
    if (e->note) {
      c.suggestion = cd_buf_at(&rt->rw.notes, e->note - 1);
      c.why = c.suggestion + strlen(c.suggestion) + 1;
      if (!*c.suggestion)
        c.suggestion = NULL;
      if (!*c.why)
        c.why = NULL;
    }
    cd_status st = p->change(p->change_ud, &c, p->err);
    if (st)
      return st;
  }
  return CD_OK;
}

static cd_status run_segment(pipeline *p, const char *s, size_t len, bool line_end) {
  const char *cur = s;
  size_t cur_len = len;
  if (p->line_start)
    p->line_no++;
  for (size_t k = 0; k < p->n_stages && cur_len > 0; k++) {
    stage_rt *rt = &p->stages[k];
    cd_window seg = {cur,           cur_len,  line_end ? eol_len(cur, cur_len) : 0,
                     p->line_start, line_end, p->line_no};
    cd_buf_clear(&rt->out);
    cd_rw_begin(&rt->rw, cur, cur_len, &rt->out);
    cd_error_clear(p->err);
    cd_status st = rt->def->process(rt->state, &seg, &rt->rw, p->err);
    if (!st)
      st = cd_rw_finish(&rt->rw);
    if (st) {
      if (p->err && p->err->message[0] == '\0')
        cd_error_set(p->err, st, "%s: line %llu: %s stage failed: %s", p->label,
                     (unsigned long long)p->line_no, rt->def->name, cd_status_name(st));
      return st;
    }
    /* Only a stage that deletes the whole segment may drop a line end. */
    if (seg.eol && rt->out.len && eol_len(rt->out.data, rt->out.len) != seg.eol)
      return cd_error_set(p->err, CD_ERR_INTERNAL, "%s: line %llu: %s stage changed a line end",
                          p->label, (unsigned long long)p->line_no, rt->def->name);
    st = emit_edits(p, rt, cur);
    if (st)
      return st;
    rt->in_pos += cur_len;
    rt->out_pos += rt->out.len;
    cur = rt->out.data ? rt->out.data : "";
    cur_len = rt->out.len;
  }
  p->line_start = line_end;
  if (line_end)
    p->rep.lines_in++;
  if (cur_len == 0)
    return CD_OK;
  if (line_end)
    p->rep.lines_out++;
  p->rep.bytes_out += cur_len;
  return p->write(p->write_ud, cur, cur_len, p->err);
}

/* Cuts as many segments as the decoded text allows. */
static cd_status drain(pipeline *p, bool final) {
  size_t window = p->opts->window < CD_MIN_WINDOW ? CD_MIN_WINDOW : p->opts->window;
  for (;;) {
    const char *s = cd_buf_at(&p->text, p->tpos);
    size_t avail = p->text.len - p->tpos;
    if (avail == 0)
      return CD_OK;
    size_t scan = avail < window ? avail : window;
    const char *nl = memchr(s, '\n', scan);
    size_t len;
    bool line_end;
    if (nl) {
      len = (size_t)(nl - s) + 1;
      line_end = true;
    } else if (avail > window) {
      len = window_cut(p, s, avail, window);
      line_end = false;
    } else if (final) {
      len = avail;
      line_end = true;
    } else {
      return CD_OK;
    }
    cd_status st = run_segment(p, s, len, line_end);
    if (st)
      return st;
    p->tpos += len;
  }
}

static void close_set(stage_set *set) {
  for (size_t k = 0; k < set->n; k++) {
    if (set->stages[k].def->close)
      set->stages[k].def->close(set->stages[k].state);
    cd_buf_free(&set->stages[k].out);
    cd_rw_free(&set->stages[k].rw);
  }
  memset(set, 0, sizeof *set);
}

/* The stage set for lang: reused when open, else opened (replacing the least recently used
 * one). Every stage is told a new document begins, and stream offsets start again at 0. */
static cd_status use_stages(pipeline *p, const char *lang) {
  cd_normalizer *nz = p->nz;
  stage_set *set = NULL, *lru = &nz->sets[0];
  for (size_t i = 0; i < CD_MAX_SETS && !set; i++) {
    if (nz->sets[i].used && strcmp(nz->sets[i].lang, lang) == 0)
      set = &nz->sets[i];
    else if (!nz->sets[i].used || (lru->used && nz->sets[i].last_used < lru->last_used))
      lru = &nz->sets[i];
  }
  if (!set) {
    set = lru;
    close_set(set);
    snprintf(set->lang, sizeof set->lang, "%s", lang);
    set->used = true;
    for (size_t k = 0; k < nz->ndefs; k++) {
      /* no language: nothing that follows a language's house style */
      if (strcmp(lang, "und") == 0 && (nz->defs[k]->flag & (CD_STAGE_TYPOGRAPHY | CD_STAGE_NAMES)))
        continue;
      cd_stage_env env = {set->lang, nz->opts.data_dir, &nz->opts, &nz->shared[k]};
      stage_rt *rt = &set->stages[set->n];
      memset(rt, 0, sizeof *rt);
      rt->def = nz->defs[k];
      cd_status st = rt->def->open ? rt->def->open(&env, &rt->state, p->err) : CD_OK;
      if (st) {
        close_set(set);
        return st;
      }
      set->n++;
    }
  } else {
    for (size_t k = 0; k < set->n; k++)
      if (set->stages[k].def->reset)
        set->stages[k].def->reset(set->stages[k].state);
  }
  for (size_t k = 0; k < set->n; k++)
    set->stages[k].in_pos = set->stages[k].out_pos = 0;
  set->last_used = ++nz->tick;
  p->stages = set->stages;
  p->n_stages = set->n;
  return CD_OK;
}

static void pipeline_free(pipeline *p) {
  cd_decoder_free(p->dec);
  cd_buf_free(&p->raw);
  cd_buf_free(&p->text);
}

static cd_status choose_lang(pipeline *p, char lang[16]) {
  if (p->opts->lang && *p->opts->lang) {
    snprintf(lang, 16, "%s", p->opts->lang);
    return CD_OK;
  }
  cd_normalizer *nz = p->nz;
  /* Decode up to 64 KB of text (or all of it) before the first segment, to detect. */
  while (!p->eof && p->text.len - p->tpos < CD_SAMPLE) {
    cd_status st = read_more(p);
    if (!st)
      st = decode_raw(p);
    if (st)
      return st;
  }
  if (!nz->langid) {
    cd_status st = cd_langid_new(p->opts->data_dir, &nz->langid, p->err);
    if (st)
      return st;
  }
  cd_lang_guess g;
  cd_langid_guess(nz->langid, cd_buf_at(&p->text, p->tpos), p->text.len - p->tpos, &g);
  snprintf(lang, 16, "%s", g.lang);
  cd_lang_guess_describe(&g, p->rep.lang_why, sizeof p->rep.lang_why);
  p->rep.lang_detected = strcmp(lang, "und") != 0;
  if (!p->rep.lang_detected && p->opts->default_lang && *p->opts->default_lang) {
    snprintf(lang, 16, "%s", p->opts->default_lang); /* the desk's default */
    p->rep.lang_default = true;
  }
  return CD_OK;
}

static cd_status pipeline_run(pipeline *p) {
  cd_status st;
  /* The charset is decided from up to 64 KB of raw input. */
  while (!p->eof && p->raw.len < CD_SAMPLE)
    if ((st = read_more(p)))
      return st;
  if (p->opts->stages & CD_STAGE_DECODE && !p->opts->from_charset &&
      (st = cd_decoder_detect(p->dec, p->raw.data ? p->raw.data : "", p->raw.len, p->eof, p->err)))
    return st;
  if ((st = decode_raw(p)))
    return st;
  char lang[16];
  if ((st = choose_lang(p, lang)))
    return st;
  snprintf(p->rep.lang, sizeof p->rep.lang, "%s", lang);
  if ((st = use_stages(p, lang)))
    return st;
  for (;;) {
    if ((st = drain(p, p->eof)))
      return st;
    if (p->eof)
      break;
    if ((st = read_more(p)) || (st = decode_raw(p)))
      return st;
  }
  snprintf(p->rep.charset, sizeof p->rep.charset, "%s", cd_decoder_charset(p->dec));
  p->rep.invalid = cd_decoder_invalid_count(p->dec);
  return CD_OK;
}

static cd_status normalizer_new(const cd_normalize_options *opts, const cd_stage_def *const *defs,
                                size_t n, cd_normalizer **out, cd_error *err) {
  cd_normalizer *nz = calloc(1, sizeof *nz);
  if (!nz)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  nz->opts = *opts;
  for (size_t k = 0; k < n && k < N_STAGES; k++)
    nz->defs[nz->ndefs++] = defs[k];
  *out = nz;
  return CD_OK;
}

cd_status cd_normalizer_new(const cd_normalize_options *opts, cd_normalizer **out, cd_error *err) {
  const cd_stage_def *defs[N_STAGES];
  size_t n = 0;
  for (size_t k = 0; k < N_STAGES; k++)
    if (opts->stages & stage_table[k]->flag)
      defs[n++] = stage_table[k];
  return normalizer_new(opts, defs, n, out, err);
}

void cd_normalizer_free(cd_normalizer *nz) {
  if (!nz)
    return;
  for (size_t i = 0; i < CD_MAX_SETS; i++)
    close_set(&nz->sets[i]);
  for (size_t k = 0; k < nz->ndefs; k++)
    if (nz->shared[k] && nz->defs[k]->shared_free)
      nz->defs[k]->shared_free(nz->shared[k]);
  cd_langid_free(nz->langid);
  free(nz);
}

static cd_status run_input(cd_normalizer *nz, const char *file_label, const char *lang, bool utf8,
                           cd_read_fn read, void *read_ud, cd_write_fn write, void *write_ud,
                           cd_change_fn change, void *change_ud, cd_normalize_report *report,
                           cd_error *err) {
  cd_normalize_options o = nz->opts;
  if (file_label)
    o.file_label = file_label;
  if (lang)
    o.lang = lang;
  if (utf8) /* decoded by the caller: validated, never converted again */
    o.from_charset = "UTF-8";
  pipeline p;
  memset(&p, 0, sizeof p);
  p.opts = &o;
  p.nz = nz;
  p.label = o.file_label ? o.file_label : "-";
  p.read = read;
  p.read_ud = read_ud;
  p.write = write;
  p.write_ud = write_ud;
  p.change = change;
  p.change_ud = change_ud;
  p.err = err;
  p.line_start = true;
  UErrorCode ec = U_ZERO_ERROR;
  p.nfc = unorm2_getNFCInstance(&ec);
  if (U_FAILURE(ec))
    return cd_error_set(err, CD_ERR_INTERNAL, "ICU: NFC data unavailable: %s", u_errorName(ec));
  cd_status st = cd_decoder_new(o.from_charset, (o.stages & CD_STAGE_DECODE) != 0, o.strict,
                                p.label, &p.dec, err);
  if (!st)
    st = pipeline_run(&p);
  if (report)
    *report = p.rep;
  pipeline_free(&p);
  return st;
}

cd_status cd_normalizer_run(cd_normalizer *nz, const char *file_label, const char *lang,
                            cd_read_fn read, void *read_ud, cd_write_fn write, void *write_ud,
                            cd_change_fn change, void *change_ud, cd_normalize_report *report,
                            cd_error *err) {
  return run_input(nz, file_label, lang, false, read, read_ud, write, write_ud, change, change_ud,
                   report, err);
}

cd_status cd_normalizer_run_utf8(cd_normalizer *nz, const char *file_label, const char *lang,
                                 cd_read_fn read, void *read_ud, cd_write_fn write, void *write_ud,
                                 cd_change_fn change, void *change_ud, cd_normalize_report *report,
                                 cd_error *err) {
  return run_input(nz, file_label, lang, true, read, read_ud, write, write_ud, change, change_ud,
                   report, err);
}

cd_status cd_normalize_stream(const cd_normalize_options *opts, cd_read_fn read, void *read_ud,
                              cd_write_fn write, void *write_ud, cd_change_fn change,
                              void *change_ud, cd_normalize_report *report, cd_error *err) {
  cd_normalizer *nz = NULL;
  cd_status st = cd_normalizer_new(opts, &nz, err);
  if (!st)
    st = cd_normalizer_run(nz, NULL, NULL, read, read_ud, write, write_ud, change, change_ud,
                           report, err);
  cd_normalizer_free(nz);
  return st;
}

/* ---- in-memory convenience ------------------------------------------------------------ */

cd_status cd_mem_read(void *ud, char *buf, size_t cap, size_t *got, cd_error *err) {
  (void)err;
  cd_mem_in *r = ud;
  size_t n = r->len - r->pos < cap ? r->len - r->pos : cap;
  if (n)
    memcpy(buf, r->p + r->pos, n);
  r->pos += n;
  *got = n;
  return CD_OK;
}

cd_status cd_buf_write(void *ud, const char *p, size_t n, cd_error *err) {
  cd_status st = cd_buf_append(ud, p, n);
  return st ? cd_error_set(err, st, "out of memory") : CD_OK;
}

static cd_status json_change(void *ud, const cd_change *c, cd_error *err) {
  cd_status st = cd_change_to_json(c, ud);
  return st ? cd_error_set(err, st, "out of memory") : CD_OK;
}

cd_status cd_normalizer_buffer(cd_normalizer *nz, const char *file_label, const char *lang,
                               const char *in, size_t len, cd_buf *out, cd_buf *changes,
                               cd_normalize_report *report, cd_error *err) {
  cd_mem_in r = {in, len, 0};
  return cd_normalizer_run(nz, file_label, lang, cd_mem_read, &r, cd_buf_write, out,
                           changes ? json_change : NULL, changes, report, err);
}

cd_status cd_normalize_buffer(const cd_normalize_options *opts, const char *in, size_t len,
                              cd_buf *out, cd_buf *changes, cd_normalize_report *report,
                              cd_error *err) {
  cd_mem_in r = {in, len, 0};
  return cd_normalize_stream(opts, cd_mem_read, &r, cd_buf_write, out, changes ? json_change : NULL,
                             changes, report, err);
}

cd_status cd_stage_run_buffer(const cd_stage_def *def, const cd_stage_env *env, const char *in,
                              size_t len, cd_buf *out, cd_buf *changes_json, cd_error *err) {
  cd_normalize_options o;
  if (env->opts)
    o = *env->opts;
  else
    cd_normalize_options_init(&o);
  o.stages = 0; /* no decoding: the input is taken as UTF-8 */
  o.lang = env->lang ? env->lang : "en";
  o.data_dir = env->data_dir;
  const cd_stage_def *defs[1] = {def};
  cd_normalizer *nz = NULL;
  cd_status st = normalizer_new(&o, defs, 1, &nz, err);
  if (!st)
    st = cd_normalizer_buffer(nz, NULL, NULL, in, len, out, changes_json, NULL, err);
  cd_normalizer_free(nz);
  return st;
}
