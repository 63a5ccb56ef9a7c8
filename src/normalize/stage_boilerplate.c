/* SPDX-License-Identifier: MIT */
/* Stage "boilerplate": deletes lines that are only site furniture (share counters and
 * buttons, copyright lines, newsletter and follow-us prompts, bare photo credits, section
 * labels), removes a section label glued to the headline after it, and normalises the
 * separator after a dateline to the house style. What counts as boilerplate is data in
 * dicts/boilerplate/ (see its README); this file holds the mechanism.
 *
 * Streaming and cost: the stage sees one line at a time and keeps only backward state (was
 * a line deleted since the last line of text? how many blank lines followed it?), so a run
 * of blank lines left by deletions collapses to one without look-ahead. Most lines are
 * prose and must cost almost nothing: only lines of at most BP_MAX_DELETE bytes can be
 * deleted, and of those only the patterns that can start with the line's first two
 * characters are run (see candidates()); labels and datelines look only at the start. */
#include "boilerplate_data.h"
#include "cd_stage.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>
#include <unicode/utf16.h>

/* Longest line (trimmed, bytes) that can be deleted: boilerplate is short; a related-link
 * line with a long Cyrillic headline stays under this. */
#define BP_MAX_DELETE 320
/* How much of a line a dateline pattern sees (bytes). */
#define BP_DATELINE_PREFIX 200

static const char RULE_LABEL[] = "boilerplate.section-label";
static const char RULE_BLANK[] = "boilerplate.blank-run";
#define CONF_LABEL_LINE 0.95
#define CONF_LABEL_GLUED 0.9
#define CONF_BLANK 1.0
/* Entries of the first-two-characters cache (a power of two). */
#define BP_CACHE 4096
#define BP_NO_CP 0xFFFFFFFFu

typedef struct bp_state {
  cd_bp_data *data; /* NULL when there is no data directory: the stage passes text through */
  UChar *u16;       /* BP_MAX_DELETE + 1 code units: a short line in UTF-16 */
  UText *ut;        /* a UTF-8 UText reused for datelines (byte offsets come back native) */
  /* candidates() cache: for a (first, second) code point pair, the delete patterns (bits in
   * data order) that can match a line starting with them */
  uint32_t *cache_key; /* 2 per entry; BP_NO_CP in both = empty */
  uint64_t *cache_mask;
  uint64_t *tmp_mask;
  uint8_t *c1_none; /* per BMP code point: 1 = no delete pattern can start with it */
  size_t mask_words;
  bool seen_text;  /* a non-blank line has been emitted */
  bool deleted;    /* a line was deleted since the last non-blank line emitted */
  unsigned blanks; /* blank lines emitted since the last non-blank line */
} bp_state;

static void boilerplate_close(void *state) {
  bp_state *s = state;
  if (!s)
    return;
  cd_bp_data_free(s->data);
  free(s->u16);
  free(s->cache_key);
  free(s->cache_mask);
  free(s->tmp_mask);
  free(s->c1_none);
  if (s->ut)
    utext_close(s->ut);
  free(s);
}

static cd_status boilerplate_open(const cd_stage_env *env, void **state, cd_error *err) {
  bp_state *s = calloc(1, sizeof *s);
  if (!s)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  *state = s;
  if (!env->data_dir)
    return CD_OK;
  cd_status st = cd_bp_data_load(env->data_dir, env->lang, &s->data, err);
  if (!st) {
    UErrorCode ec = U_ZERO_ERROR;
    s->u16 = malloc((BP_MAX_DELETE + 1) * sizeof *s->u16);
    s->ut = utext_openUTF8(NULL, "", 0, &ec);
    s->mask_words = (s->data->n_delete + 63) / 64;
    s->cache_key = malloc(2 * BP_CACHE * sizeof *s->cache_key);
    s->cache_mask = calloc(BP_CACHE * (s->mask_words ? s->mask_words : 1), sizeof *s->cache_mask);
    s->c1_none = calloc(0x10000, 1);
    s->tmp_mask = calloc(s->mask_words ? s->mask_words : 1, sizeof *s->tmp_mask);
    if (s->cache_key)
      memset(s->cache_key, 0xFF, 2 * BP_CACHE * sizeof *s->cache_key);
    if (!s->u16 || !s->cache_key || !s->cache_mask || !s->tmp_mask || !s->c1_none || U_FAILURE(ec))
      st = cd_error_set(err, CD_ERR_NOMEM, "boilerplate: cannot allocate the matcher");
  }
  if (st) {
    /* the pipeline closes only the stages that opened */
    boilerplate_close(s);
    *state = NULL;
  }
  return st;
}

/* ---- small helpers ------------------------------------------------------------------- */

/* Narrows [*a, *b) past white space (ICU's White_Space: also NBSP, NNBSP, thin space). */
static void trim(const char *t, size_t *a, size_t *b) {
  while (*a < *b) {
    size_t i = *a;
    int32_t c = cd_utf8_next(t, *b, &i);
    if (c < 0 || !u_isUWhiteSpace(c))
      break;
    *a = i;
  }
  while (*b > *a) {
    size_t i = *b;
    int32_t c = cd_utf8_prev(t, &i);
    if (c < 0 || !u_isUWhiteSpace(c) || i < *a)
      break;
    *b = i;
  }
}

static cd_status delete_segment(bp_state *s, const cd_window *seg, cd_rewriter *rw,
                                const char *rule, double conf) {
  s->deleted = true;
  return cd_rw_replace(rw, 0, seg->len, "", 0, rule, conf);
}

/* The longest section label that t[a..b) starts with, or NULL. */
static const cd_bp_label *label_at(const cd_bp_data *d, const char *t, size_t a, size_t b) {
  if (a >= b)
    return NULL;
  unsigned char first = (unsigned char)t[a];
  for (size_t k = d->label_first[first]; k < d->label_first[first + 1]; k++) {
    const cd_bp_label *l = &d->labels[k];
    if (l->len <= b - a && memcmp(t + a, l->text, l->len) == 0)
      return l;
  }
  return NULL;
}

static bool whole_match(const cd_bp_pattern *p, const UChar *u, int32_t n) {
  UErrorCode ec = U_ZERO_ERROR;
  uregex_setText(p->re, u, n, &ec);
  return uregex_matches(p->re, -1, &ec) && U_SUCCESS(ec);
}

/* Which delete patterns can match a line that starts with code points c1 c2 (c2 = BP_NO_CP:
 * with c1 alone)? Each pattern is run on just those characters: when it neither matches nor
 * wants more input (ICU's hitEnd), no longer line starting so can match it. Only patterns in
 * `within` (NULL = all) are tried. Lines share few distinct starts, so the answer is cached
 * and most prose lines run no regex at all. */
static const uint64_t *candidates(bp_state *s, uint32_t c1, uint32_t c2, const uint64_t *within) {
  size_t slot = ((c1 * 0x9E3779B1u) ^ (c2 * 0x85EBCA77u)) & (BP_CACHE - 1);
  uint64_t *mask = s->cache_mask + slot * s->mask_words;
  if (s->cache_key[2 * slot] == c1 && s->cache_key[2 * slot + 1] == c2)
    return mask;
  UChar u[4];
  int32_t n = 0;
  U16_APPEND_UNSAFE(u, n, c1);
  if (c2 != BP_NO_CP)
    U16_APPEND_UNSAFE(u, n, c2);
  memset(mask, 0, s->mask_words * sizeof *mask);
  const cd_bp_data *d = s->data;
  for (size_t i = 0, k = 0; i < d->n_patterns; i++) {
    const cd_bp_pattern *p = &d->patterns[i];
    if (p->kind != CD_BP_DELETE)
      continue;
    if (!within || (within[k / 64] >> (k % 64) & 1)) {
      UErrorCode ec = U_ZERO_ERROR;
      uregex_setText(p->re, u, n, &ec);
      bool hit = uregex_lookingAt(p->re, -1, &ec);
      if (U_FAILURE(ec) || hit || uregex_hitEnd(p->re, &ec))
        mask[k / 64] |= (uint64_t)1 << (k % 64);
    }
    k++;
  }
  s->cache_key[2 * slot] = c1;
  s->cache_key[2 * slot + 1] = c2;
  return mask;
}

static bool mask_empty(const uint64_t *m, size_t words) {
  for (size_t w = 0; w < words; w++)
    if (m[w])
      return false;
  return true;
}

/* The delete pattern the whole of t[a..b) matches, unless a keep pattern matches it too. */
static const cd_bp_pattern *deletion_for(bp_state *s, const char *t, size_t a, size_t b) {
  const cd_bp_data *d = s->data;
  if (!d->n_delete)
    return NULL;
  size_t i = a;
  int32_t c1 = cd_utf8_next(t, b, &i);
  int32_t c2 = i < b ? cd_utf8_next(t, b, &i) : (int32_t)-2;
  if (c1 < 0 || c2 == -1)
    return NULL;
  /* first by the first character alone (a CJK or Thai start is rejected here), then by
   * the first two; the first answer is copied because both may share a cache slot */
  if (c1 < 0x10000 && s->c1_none[c1])
    return NULL;
  const uint64_t *mask = candidates(s, (uint32_t)c1, BP_NO_CP, NULL);
  if (mask_empty(mask, s->mask_words)) {
    if (c1 < 0x10000)
      s->c1_none[c1] = 1; /* remembered beyond the cache: scripts with many letters */
    return NULL;
  }
  if (c2 != -2) {
    memcpy(s->tmp_mask, mask, s->mask_words * sizeof *mask);
    mask = candidates(s, (uint32_t)c1, (uint32_t)c2, s->tmp_mask);
    if (mask_empty(mask, s->mask_words))
      return NULL;
  }
  UErrorCode ec = U_ZERO_ERROR;
  int32_t n = 0;
  u_strFromUTF8(s->u16, BP_MAX_DELETE + 1, &n, t + a, (int32_t)(b - a), &ec);
  if (U_FAILURE(ec))
    return NULL;
  const cd_bp_pattern *found = NULL;
  for (size_t k = 0, j = 0; j < d->n_patterns && !found; j++) {
    const cd_bp_pattern *p = &d->patterns[j];
    if (p->kind != CD_BP_DELETE)
      continue;
    if (mask[k / 64] >> (k % 64) & 1 && whole_match(p, s->u16, n))
      found = p;
    k++;
  }
  for (size_t j = 0; found && j < d->n_patterns; j++)
    if (d->patterns[j].kind == CD_BP_KEEP && whole_match(&d->patterns[j], s->u16, n))
      found = NULL;
  return found;
}

/* ---- datelines ----------------------------------------------------------------------- */

static bool has_dash(const char *t, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (t[i] == '-')
      return true;
    /* U+2013 EN DASH and U+2014 EM DASH are E2 80 93/94 */
    if ((unsigned char)t[i] == 0xE2 && i + 2 < n && (unsigned char)t[i + 1] == 0x80 &&
        ((unsigned char)t[i + 2] == 0x93 || (unsigned char)t[i + 2] == 0x94))
      return true;
  }
  return false;
}

/* A dateline starts with a capital letter or "(" and has a dash near the start: anything
 * else is not worth a regex run. */
static bool may_be_dateline(const char *t, size_t a, size_t lim) {
  size_t i = a;
  int32_t c = cd_utf8_next(t, lim, &i);
  if (c < 0 || !(c == '(' || u_isupper(c)))
    return false;
  return has_dash(t + a, lim - a);
}

/* Rewrites the separator after a dateline at t[a..) to the house style. */
static cd_status fix_dateline(bp_state *s, const char *t, size_t a, size_t end, cd_rewriter *rw) {
  const cd_bp_data *d = s->data;
  size_t lim = end - a < BP_DATELINE_PREFIX ? end : a + BP_DATELINE_PREFIX;
  while (lim > a && lim < end && ((unsigned char)t[lim] & 0xC0) == 0x80)
    lim--; /* never cut a UTF-8 sequence */
  if (!may_be_dateline(t, a, lim))
    return CD_OK;
  for (size_t i = 0; i < d->n_patterns; i++) {
    const cd_bp_pattern *p = &d->patterns[i];
    if (p->kind != CD_BP_DATELINE)
      continue;
    UErrorCode ec = U_ZERO_ERROR;
    s->ut = utext_openUTF8(s->ut, t + a, (int64_t)(lim - a), &ec);
    uregex_setUText(p->re, s->ut, &ec);
    if (U_FAILURE(ec) || !uregex_lookingAt(p->re, -1, &ec) || U_FAILURE(ec))
      continue;
    int64_t ss = uregex_start64(p->re, p->sep_group, &ec);
    int64_t se = uregex_end64(p->re, p->sep_group, &ec);
    if (U_FAILURE(ec) || ss < 0 || se <= ss)
      return CD_OK;
    size_t from = a + (size_t)ss, to = a + (size_t)se;
    const char *want = d->dateline_sep;
    size_t want_len = d->dateline_sep_len;
    if (to >= end && want_len && want[want_len - 1] == ' ')
      want_len--; /* the dateline ends the line: no space after the dash */
    if (to - from == want_len && memcmp(t + from, want, want_len) == 0)
      return CD_OK;
    return cd_rw_replace(rw, from, to, want, want_len, p->rule, p->confidence);
  }
  return CD_OK;
}

/* ---- the stage ----------------------------------------------------------------------- */

static cd_status boilerplate_process(void *state, const cd_window *seg, cd_rewriter *rw,
                                     cd_error *err) {
  (void)err;
  bp_state *s = state;
  if (!s->data)
    return CD_OK;
  const char *t = seg->text;
  size_t end = seg->len - seg->eol, a = 0, b = end;
  bool whole = seg->line_start && seg->line_end;
  trim(t, &a, &b);

  if (whole && a == b) {
    /* A blank line: keep one after text, drop the rest of a run that deletions left. */
    if (s->deleted && (s->blanks >= 1 || !s->seen_text))
      return delete_segment(s, seg, rw, RULE_BLANK, CONF_BLANK);
    s->blanks++;
    return CD_OK;
  }
  if (whole && b - a <= BP_MAX_DELETE) {
    const cd_bp_label *l = label_at(s->data, t, a, b);
    if (l && l->len == b - a)
      return delete_segment(s, seg, rw, RULE_LABEL, CONF_LABEL_LINE);
    const cd_bp_pattern *p = deletion_for(s, t, a, b);
    if (p)
      return delete_segment(s, seg, rw, p->rule, p->confidence);
  }

  /* The line stays: it is text from here on. */
  s->seen_text = true;
  s->deleted = false;
  s->blanks = 0;
  if (!seg->line_start)
    return CD_OK;
  size_t start = a;
  const cd_bp_label *l = label_at(s->data, t, a, b);
  if (l && a + l->len < b) {
    /* "World newsFrance's decision": a label glued to a capitalised word, no space. */
    size_t i = a + l->len;
    int32_t c = cd_utf8_next(t, b, &i);
    if (c >= 0 && u_isupper(c)) {
      cd_status st = cd_rw_replace(rw, a, a + l->len, "", 0, RULE_LABEL, CONF_LABEL_GLUED);
      if (st)
        return st;
      start = a + l->len;
    }
  }
  return fix_dateline(s, t, start, b, rw);
}

static void boilerplate_reset(void *state) {
  bp_state *s = state;
  if (!s)
    return;
  s->seen_text = false;
  s->deleted = false;
  s->blanks = 0;
}

const cd_stage_def cd_stage_boilerplate = {
    .name = "boilerplate",
    .flag = CD_STAGE_BOILERPLATE,
    .open = boilerplate_open,
    .process = boilerplate_process,
    .close = boilerplate_close,
    .reset = boilerplate_reset,
};
