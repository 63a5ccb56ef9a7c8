/* SPDX-License-Identifier: MIT */
/* Fuzzy lookup, placeable adaptation and concordance (see cd_fuzzy.h). */
#include "fuzzy_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/unorm2.h>
#include <unicode/utf8.h>

void cd_fuzzy_options_init(cd_fuzzy_options *o) {
  memset(o, 0, sizeof *o);
  o->max_results = 5;
  o->min_score = 70;
  o->max_candidates = 200;
}

/* ---- the match percentage ---------------------------------------------------------------- */

static size_t words_of(const cd_tokenizer *tz, size_t *idx) {
  size_t n = 0;
  for (size_t i = 0; i < tz->ntoks; i++)
    if (tz->toks[i].kind != CD_TOK_PUNCT)
      idx[n++] = i;
  return n;
}

/* Token equality; loose: any two names are equal (placeables that will be adapted). */
static bool tok_eq(const cd_tokenizer *a, const cd_tok *x, const cd_tokenizer *b, const cd_tok *y,
                   bool loose) {
  if (loose && x->kind == CD_TOK_ENTITY && y->kind == CD_TOK_ENTITY)
    return true;
  return cd_tok_equal(a, x, b, y);
}

static bool all_tokens_equal(const cd_tokenizer *a, const cd_tokenizer *b, bool loose) {
  if (a->ntoks != b->ntoks)
    return false;
  for (size_t i = 0; i < a->ntoks; i++)
    if (!tok_eq(a, &a->toks[i], b, &b->toks[i], loose))
      return false;
  return true;
}

/* Distance cells one lookup candidate may cost: a 20,000-word query against a 100,000-word
 * unit would otherwise take 2·10^9 steps (BUG-37). */
#define SCORE_MAX_CELLS ((size_t)4000000)
#define SCORE_FAR (-2) /* the candidate cannot reach min (or is too costly to prove it can) */

/* Word-level Levenshtein distance of word lists ia (n) and ib (m), computed only in the band
 * |i - j| <= k (Ukkonen): returns the distance, or k + 1 when it exceeds k. */
static size_t banded_distance(const cd_tokenizer *a, const size_t *ia, size_t n,
                              const cd_tokenizer *b, const size_t *ib, size_t m, size_t k,
                              bool loose, size_t *row) {
  const size_t inf = SIZE_MAX / 2;
  if ((n > m ? n - m : m - n) > k)
    return k + 1;
  for (size_t j = 0; j <= m; j++)
    row[j] = j <= k ? j : inf;
  for (size_t i = 1; i <= n; i++) {
    size_t lo = i > k ? i - k : 1, hi = i + k < m ? i + k : m;
    size_t diag = row[lo - 1], low = inf;
    row[lo - 1] = lo == 1 ? i : inf;
    if (lo == 1)
      low = i;
    for (size_t j = lo; j <= hi; j++) {
      size_t up = row[j];
      size_t cost = tok_eq(a, &a->toks[ia[i - 1]], b, &b->toks[ib[j - 1]], loose) ? 0 : 1;
      size_t best = diag + cost;
      if (up + 1 < best)
        best = up + 1;
      if (row[j - 1] + 1 < best)
        best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
      if (best < low)
        low = best;
    }
    if (low > k) /* every path through this row already costs more than k */
      return k + 1;
  }
  return row[m] > k ? k + 1 : row[m];
}

/* Word-level Levenshtein distance turned into a percentage; -1 when out of memory. With
 * min > 0 only distances that can still give min are computed, and max_cells bounds the work:
 * SCORE_FAR when the score is below min or would cost more than that to find. */
static int score_tokens(const cd_tokenizer *a, const cd_tokenizer *b, bool loose, int min,
                        size_t max_cells) {
  size_t *ia = malloc((a->ntoks + 1) * sizeof *ia), *ib = malloc((b->ntoks + 1) * sizeof *ib);
  size_t *row = malloc((b->ntoks + 1) * sizeof *row);
  if (!ia || !ib || !row) {
    free(ia);
    free(ib);
    free(row);
    return -1;
  }
  size_t n = words_of(a, ia), m = words_of(b, ib);
  int score;
  if (n == 0 || m == 0) {
    score = (n == m && all_tokens_equal(a, b, loose)) ? 100 : 0;
  } else {
    size_t mx = n > m ? n : m;
    /* floor(100 (mx - d) / mx) >= min  <=>  d <= mx (100 - min) / 100 */
    size_t k = min <= 0 ? mx : min >= 100 ? 0 : mx * (size_t)(100 - min) / 100;
    size_t per_row = max_cells / n;
    if (per_row < 2 * k + 1)
      k = per_row > 0 ? (per_row - 1) / 2 : 0;
    size_t d = banded_distance(a, ia, n, b, ib, m, k, loose, row);
    if (d > k)
      score = SCORE_FAR;
    else if (d == 0)
      score = all_tokens_equal(a, b, loose) ? 100 : 99; /* same words, other punctuation */
    else {
      score = (int)floor(100.0 * (double)(mx - d) / (double)mx);
      if (score > 99)
        score = 99;
    }
  }
  free(ia);
  free(ib);
  free(row);
  return score;
}

int cd_fuzzy_score(const char *a, size_t alen, const char *b, size_t blen, const char *lang) {
  cd_tokenizer ta, tb;
  int score = -1;
  if (cd_tokenizer_init(&ta, lang, NULL) == CD_OK && cd_tokenizer_init(&tb, lang, NULL) == CD_OK &&
      cd_tokenize(&ta, a, alen, NULL) == CD_OK && cd_tokenize(&tb, b, blen, NULL) == CD_OK)
    score = score_tokens(&ta, &tb, false, 0, SIZE_MAX);
  cd_tokenizer_fini(&ta);
  cd_tokenizer_fini(&tb);
  return score;
}

/* ---- placeables -------------------------------------------------------------------------- */

/* Writes a canonical value ("5000", "2.5") in the style of the number `like` (its group and
 * decimal separators), falling back on the locale's. */
static cd_status format_number(const char *value, const cd_tok *like, const cd_number_style *loc,
                               cd_buf *out) {
  const char *dot = strchr(value, '.');
  size_t int_len = dot ? (size_t)(dot - value) : strlen(value);
  UChar32 group = like->num_group;
  if (!group && like->num_int_digits <= 3 && int_len >= 5)
    group = loc->group; /* the unit's number was too short to show its grouping */
  UChar32 decimal = like->num_decimal ? like->num_decimal : loc->decimal;
  cd_status st = CD_OK;
  for (size_t i = 0; i < int_len && !st; i++) {
    if (group && i > 0 && (int_len - i) % 3 == 0)
      st = cd_buf_append_cp(out, (uint32_t)group);
    if (!st)
      st = cd_buf_append(out, value + i, 1);
  }
  if (dot && !st) {
    st = cd_buf_append_cp(out, (uint32_t)decimal);
    if (!st)
      st = cd_buf_append_str(out, dot + 1);
  }
  return st;
}

typedef struct replacement {
  size_t start, end;
  size_t text_off, text_len; /* in the replacement buffer */
} replacement;

static int by_start(const void *a, const void *b) {
  const replacement *x = a, *y = b;
  return x->start < y->start ? -1 : x->start > y->start;
}

typedef struct rep_list {
  replacement *v;
  size_t n, cap;
  cd_buf texts;
} rep_list;

static cd_status rep_add(rep_list *rl, size_t start, size_t end) {
  if (CD_GROW(rl->v, rl->n, rl->cap))
    return CD_ERR_NOMEM;
  rl->v[rl->n].start = start;
  rl->v[rl->n].end = end;
  rl->v[rl->n].text_off = rl->texts.len;
  rl->v[rl->n].text_len = 0;
  rl->n++;
  return CD_OK;
}

/* The replacement text of the last rep_add is what texts gained since. */
static void rep_close(rep_list *rl) {
  replacement *r = &rl->v[rl->n - 1];
  r->text_len = rl->texts.len - r->text_off;
}

static bool rep_overlaps(const rep_list *rl, size_t start, size_t end) {
  for (size_t r = 0; r < rl->n; r++)
    if (start < rl->v[r].end && rl->v[r].start < end)
      return true;
  return false;
}

/* Writes target with the replacements applied into out. */
static cd_status rep_apply(rep_list *rl, const char *target, size_t tlen, cd_buf *out) {
  cd_buf_clear(out);
  if (rl->n > 1)
    qsort(rl->v, rl->n, sizeof *rl->v, by_start);
  size_t at = 0;
  cd_status st = CD_OK;
  for (size_t r = 0; r < rl->n && !st; r++) {
    st = cd_buf_append(out, target + at, rl->v[r].start - at);
    if (!st && rl->v[r].text_len)
      st = cd_buf_append(out, rl->texts.data + rl->v[r].text_off, rl->v[r].text_len);
    at = rl->v[r].end;
  }
  if (!st)
    st = cd_buf_append(out, target + at, tlen - at);
  return st;
}

/* Replacements in the target (tokenized in tt) for the numbers in which query (tq) and unit
 * source (ts) differ. *missed counts differing numbers it could not place in the target. */
static cd_status adapt_numbers(const cd_tokenizer *tq, const cd_tokenizer *ts,
                               const cd_tokenizer *tt, rep_list *rl, int *missed) {
  *missed = 0;
  size_t nq = 0, ns = 0;
  for (size_t i = 0; i < tq->ntoks; i++)
    nq += tq->toks[i].kind == CD_TOK_NUMBER;
  for (size_t i = 0; i < ts->ntoks; i++)
    ns += ts->toks[i].kind == CD_TOK_NUMBER;
  if (nq == 0 || nq != ns)
    return CD_OK;
  bool *used = calloc(tt->ntoks + 1, sizeof *used);
  cd_status st = !used ? CD_ERR_NOMEM : CD_OK;
  size_t qi = 0, si = 0;
  while (!st && qi < tq->ntoks && si < ts->ntoks) {
    const cd_tok *q = &tq->toks[qi], *s = &ts->toks[si];
    if (q->kind != CD_TOK_NUMBER) {
      qi++;
      continue;
    }
    if (s->kind != CD_TOK_NUMBER) {
      si++;
      continue;
    }
    qi++;
    si++;
    if (strcmp(q->value, s->value) == 0)
      continue;
    if (!q->value[0] || !s->value[0]) {
      (*missed)++;
      continue;
    }
    size_t k;
    for (k = 0; k < tt->ntoks; k++)
      if (!used[k] && tt->toks[k].kind == CD_TOK_NUMBER && strcmp(tt->toks[k].value, s->value) == 0)
        break;
    if (k == tt->ntoks) {
      (*missed)++;
      continue;
    }
    used[k] = true;
    st = rep_add(rl, tt->toks[k].start, tt->toks[k].end);
    if (!st)
      st = format_number(q->value, &tt->toks[k], &tt->style, &rl->texts);
    if (!st)
      rep_close(rl);
  }
  free(used);
  return st;
}

cd_status cd_fuzzy_replace_number(const char *text, size_t len, const char *lang, const char *from,
                                  const char *to, cd_buf *out, cd_error *err) {
  cd_tokenizer tz;
  cd_status st = cd_tokenizer_init(&tz, lang, err);
  if (!st)
    st = cd_tokenize(&tz, text, len, err);
  size_t k = tz.ntoks;
  if (!st) {
    for (k = 0; k < tz.ntoks; k++)
      if (tz.toks[k].kind == CD_TOK_NUMBER && strcmp(tz.toks[k].value, from) == 0)
        break;
    if (k == tz.ntoks)
      st = cd_error_set(err, CD_ERR_INPUT, "no number %s in the text", from);
  }
  if (!st) {
    cd_buf_clear(out);
    if (cd_buf_append(out, text, tz.toks[k].start) ||
        format_number(to, &tz.toks[k], &tz.style, out) ||
        cd_buf_append(out, text + tz.toks[k].end, len - tz.toks[k].end))
      st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  cd_tokenizer_fini(&tz);
  return st;
}

/* ---- lookup ------------------------------------------------------------------------------ */

struct cd_fuzzy_results {
  cd_fuzzy_match *m;
  size_t n, cap;
};

size_t cd_fuzzy_results_count(const cd_fuzzy_results *r) { return r ? r->n : 0; }
const cd_fuzzy_match *cd_fuzzy_results_get(const cd_fuzzy_results *r, size_t i) {
  return r && i < r->n ? &r->m[i] : NULL;
}

static void match_free(cd_fuzzy_match *m) {
  free(m->src_lang);
  free(m->tgt_lang);
  free(m->source);
  free(m->target);
  free(m->unit_target);
  free(m->origin_doc);
}

void cd_fuzzy_results_free(cd_fuzzy_results *r) {
  if (!r)
    return;
  for (size_t i = 0; i < r->n; i++)
    match_free(&r->m[i]);
  free(r->m);
  free(r);
}

/* A tokenizer per language, made on first use. */
typedef struct tz_cache {
  char lang[64];
  bool ready;
  cd_tokenizer tz;
} tz_cache;

static cd_tokenizer *tz_for(tz_cache *c, const char *lang, cd_error *err) {
  if (c->ready && strcmp(c->lang, lang ? lang : "") == 0)
    return &c->tz;
  if (c->ready)
    cd_tokenizer_fini(&c->tz);
  c->ready = false;
  if (cd_tokenizer_init(&c->tz, lang, err))
    return NULL;
  snprintf(c->lang, sizeof c->lang, "%s", lang ? lang : "");
  c->ready = true;
  return &c->tz;
}

typedef struct lookup_ctx {
  const cd_fuzzy_options *o;
  const char *query;
  size_t qlen;
  cd_tokenizer *tq;
  char q_lang[64]; /* language the query's names were found in */
  bool q_marked;
  tz_cache src, tgt;
  cd_fuzzy_results *res;
  cd_buf adapted, form;
  cd_mention_list ml;
  rep_list reps;
  cd_status st;
  cd_error *err;
} lookup_ctx;

static cd_status on_entity(void *ctx, const cd_fuzzy_entity *e) {
  cd_mention_list *ml = ctx;
  if (!e->id || !*e->id || e->end <= e->start)
    return CD_OK;
  if (ml->n && e->start < ml->span[2 * ml->n - 1])
    return CD_OK; /* overlapping or out of order: keep the first */
  return cd_mention_list_add(ml, e->start, e->end, e->id);
}

/* The mentions of text into c->ml (replaced). */
static cd_status find_mentions(lookup_ctx *c, const char *text, size_t len, const char *lang) {
  cd_mention_list_clear(&c->ml);
  return c->o->mentions(c->o->entity_ud, text, len, lang ? lang : "", on_entity, &c->ml, c->err);
}

/* Does a name begin with a vowel sound for French elision? (Latin vowels, with or without
 * accents; an initial h counts as aspirated, as it usually is in foreign names.) */
static bool starts_with_vowel(const char *form) {
  size_t i = 0;
  int32_t cp = cd_utf8_next(form, strlen(form), &i);
  if (cp < 0)
    return false;
  UChar buf[4];
  int32_t n = 0;
  UErrorCode ec = U_ZERO_ERROR;
  const UNormalizer2 *nfd = unorm2_getNFDInstance(&ec);
  if (U_SUCCESS(ec))
    n = unorm2_getDecomposition(nfd, cp, buf, 4, &ec);
  if (U_SUCCESS(ec) && n > 0)
    cp = buf[0]; /* the base letter of a precomposed one (É -> E) */
  return cp < 128 && strchr("AEIOUYaeiouy", (int)cp) != NULL;
}

/* The start of a French name span, moved back over an elided or full "de" that no longer
 * fits the new name; *prefix gets what to write before it ("de " or "d’"). */
static size_t french_elision(const char *t, size_t ms, const char *form, const char **prefix) {
  bool vowel = starts_with_vowel(form);
  *prefix = "";
  size_t k = 0;
  if (ms >= 2 && t[ms - 1] == '\'' && (t[ms - 2] == 'd' || t[ms - 2] == 'D'))
    k = 2;
  else if (ms >= 4 && memcmp(t + ms - 3, "\xE2\x80\x99", 3) == 0 &&
           (t[ms - 4] == 'd' || t[ms - 4] == 'D'))
    k = 4;
  if (k && !vowel && (ms == k || t[ms - k - 1] == ' ' || t[ms - k - 1] == '(')) {
    *prefix = t[ms - k] == 'D' ? "De " : "de ";
    return ms - k;
  }
  if (vowel && ms >= 3 &&
      (memcmp(t + ms - 3, "de ", 3) == 0 || memcmp(t + ms - 3, "De ", 3) == 0) &&
      (ms == 3 || t[ms - 4] == ' ' || t[ms - 4] == '(')) {
    *prefix = t[ms - 3] == 'D' ? "D\xE2\x80\x99" : "d\xE2\x80\x99";
    return ms - 3;
  }
  return ms;
}

/* Replacements in the target for the names in which query and unit source differ (n-th
 * name against n-th name). *missed counts those that cannot be placed; *done those placed. */
static cd_status adapt_entities(lookup_ctx *c, const cd_tokenizer *ts, const cd_tm_unit *u,
                                int *missed, size_t *done) {
  const cd_tokenizer *tq = c->tq;
  *missed = 0;
  *done = 0;
  size_t nq = 0, ns = 0, ndiff = 0;
  for (size_t i = 0; i < tq->ntoks; i++)
    nq += tq->toks[i].kind == CD_TOK_ENTITY;
  for (size_t i = 0; i < ts->ntoks; i++)
    ns += ts->toks[i].kind == CD_TOK_ENTITY;
  size_t qi = 0, si = 0;
  const cd_tok **qd = NULL, **sd = NULL;
  if (nq != ns) {
    *missed = 1; /* names added or dropped: not a placeable difference */
    return CD_OK;
  }
  if (nq == 0)
    return CD_OK;
  qd = calloc(nq, sizeof *qd);
  sd = calloc(nq, sizeof *sd);
  cd_status st = (!qd || !sd) ? CD_ERR_NOMEM : CD_OK;
  while (!st && qi < tq->ntoks && si < ts->ntoks) {
    const cd_tok *q = &tq->toks[qi], *s = &ts->toks[si];
    if (q->kind != CD_TOK_ENTITY) {
      qi++;
      continue;
    }
    if (s->kind != CD_TOK_ENTITY) {
      si++;
      continue;
    }
    qi++;
    si++;
    if (strcmp(cd_tok_entity_id(tq, q), cd_tok_entity_id(ts, s)) != 0) {
      qd[ndiff] = q;
      sd[ndiff++] = s;
    }
  }
  if (!st && ndiff) {
    size_t tlen = strlen(u->target);
    st = find_mentions(c, u->target, tlen, u->tgt_lang);
    bool *used = st ? NULL : calloc(c->ml.n + 1, sizeof *used);
    if (!st && !used)
      st = CD_ERR_NOMEM;
    for (size_t d = 0; d < ndiff && !st; d++) {
      const char *sid = cd_tok_entity_id(ts, sd[d]), *qid = cd_tok_entity_id(tq, qd[d]);
      size_t k;
      for (k = 0; k < c->ml.n; k++)
        if (!used[k] && strcmp(c->ml.ids.data + c->ml.id_off[k], sid) == 0)
          break;
      if (k == c->ml.n || rep_overlaps(&c->reps, c->ml.span[2 * k], c->ml.span[2 * k + 1])) {
        (*missed)++;
        continue;
      }
      size_t ms = c->ml.span[2 * k], me = c->ml.span[2 * k + 1];
      cd_buf_clear(&c->form);
      st = c->o->entity_form(c->o->entity_ud, qid, c->query + qd[d]->start,
                             qd[d]->end - qd[d]->start, c->q_lang, u->tgt_lang, u->target + ms,
                             me - ms, &c->form, c->err);
      if (st == CD_ERR_INPUT) {
        st = CD_OK;
        (*missed)++;
        continue;
      }
      if (st)
        break;
      used[k] = true;
      /* French elides "de" before a vowel: "d’Olaf Scholz" but "de Friedrich Merz" */
      const char *prefix = "";
      if (u->tgt_lang && strncmp(u->tgt_lang, "fr", 2) == 0)
        ms = french_elision(u->target, ms, cd_buf_at(&c->form, 0), &prefix);
      st = rep_add(&c->reps, ms, me);
      if (!st)
        st = cd_buf_append_str(&c->reps.texts, prefix);
      if (!st)
        st = cd_buf_append(&c->reps.texts, c->form.data ? c->form.data : "", c->form.len);
      if (!st) {
        rep_close(&c->reps);
        (*done)++;
      }
    }
    free(used);
  }
  free(qd);
  free(sd);
  return st;
}

/* Finds the query's names for lang (once per language). */
static cd_status mark_query(lookup_ctx *c, const char *lang) {
  const char *l = lang ? lang : "";
  if (c->q_marked && strcmp(c->q_lang, l) == 0)
    return CD_OK;
  cd_status st = cd_tokenize(c->tq, c->query, c->qlen, c->err);
  if (!st)
    st = find_mentions(c, c->query, c->qlen, l);
  if (!st)
    st = cd_tokens_mark_entities(c->tq, &c->ml);
  snprintf(c->q_lang, sizeof c->q_lang, "%s", l);
  c->q_marked = !st;
  return st;
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

static int take_candidate(void *ud, const cd_tm_unit *u) {
  lookup_ctx *c = ud;
  bool names = c->o->mentions && c->o->entity_form;
  cd_tokenizer *ts = tz_for(&c->src, u->src_lang, c->err);
  if (!ts || cd_tokenize(ts, u->source, strlen(u->source), c->err)) {
    c->st = CD_ERR_INTERNAL;
    return 1;
  }
  if (names) {
    cd_status st = mark_query(c, c->o->src_lang ? c->o->src_lang : u->src_lang);
    if (!st)
      st = find_mentions(c, u->source, strlen(u->source), u->src_lang);
    if (!st)
      st = cd_tokens_mark_entities(ts, &c->ml);
    if (st) {
      c->st = st == CD_ERR_NOMEM ? cd_error_set(c->err, st, "out of memory") : st;
      return 1;
    }
  }
  /* names count as placeables first; a name that cannot be placed costs a word below */
  int score = score_tokens(c->tq, ts, names, c->o->min_score, SCORE_MAX_CELLS);
  if (score == SCORE_FAR)
    return 0;
  if (score < 0) {
    c->st = cd_error_set(c->err, CD_ERR_NOMEM, "out of memory");
    return 1;
  }
  if (score < c->o->min_score)
    return 0;
  cd_tokenizer *tt = tz_for(&c->tgt, u->tgt_lang, c->err);
  size_t tlen = strlen(u->target);
  if (!tt || cd_tokenize(tt, u->target, tlen, c->err)) {
    c->st = CD_ERR_INTERNAL;
    return 1;
  }
  int missed = 0, missed_names = 0;
  size_t named = 0;
  c->reps.n = 0;
  cd_buf_clear(&c->reps.texts);
  cd_status ast = adapt_numbers(c->tq, ts, tt, &c->reps, &missed);
  size_t n_numbers = c->reps.n;
  if (!ast && names) {
    ast = adapt_entities(c, ts, u, &missed_names, &named);
    if (!ast && missed_names) {
      /* not every differing name can be placed: names are words again, none rewritten */
      c->reps.n = n_numbers;
      named = 0;
      score = score_tokens(c->tq, ts, false, c->o->min_score, SCORE_MAX_CELLS);
      if (score == -1)
        ast = CD_ERR_NOMEM;
    }
  }
  if (!ast)
    ast = rep_apply(&c->reps, u->target, tlen, &c->adapted);
  if (ast) {
    c->st = ast == CD_ERR_NOMEM ? cd_error_set(c->err, ast, "out of memory") : ast;
    return 1;
  }
  bool adapted = c->reps.n > 0;
  /* A differing number that could not be placed in the target leaves a wrong figure there:
   * the hit loses a point per such number. */
  score -= missed;
  if (score < c->o->min_score)
    return 0;
  cd_fuzzy_results *r = c->res;
  if (CD_GROW(r->m, r->n, r->cap)) {
    c->st = cd_error_set(c->err, CD_ERR_NOMEM, "out of memory");
    return 1;
  }
  cd_fuzzy_match *m = &r->m[r->n];
  memset(m, 0, sizeof *m);
  m->id = u->id;
  m->score = score;
  m->adapted = adapted;
  m->adapted_names = named;
  m->adapted_numbers = c->reps.n - named;
  m->src_lang = strdup(u->src_lang);
  m->tgt_lang = strdup(u->tgt_lang);
  m->source = strdup(u->source);
  m->target = strdup(c->adapted.data ? c->adapted.data : "");
  m->unit_target = strdup(u->target);
  m->origin_doc = dup_or_null(u->origin_doc);
  m->changed = u->changed;
  m->usage = u->usage;
  r->n++;
  if (!m->src_lang || !m->tgt_lang || !m->source || !m->target || !m->unit_target ||
      (u->origin_doc && !m->origin_doc)) {
    c->st = cd_error_set(c->err, CD_ERR_NOMEM, "out of memory");
    return 1;
  }
  return 0;
}

static int by_rank(const void *a, const void *b) {
  const cd_fuzzy_match *x = a, *y = b;
  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  if (x->adapted != y->adapted)
    return x->adapted ? 1 : -1; /* an exact figure beats an adapted one */
  size_t px = x->adapted_numbers + x->adapted_names, py = y->adapted_numbers + y->adapted_names;
  if (px != py)
    return px < py ? -1 : 1; /* fewer rewritten placeables first */
  if (x->usage != y->usage)
    return x->usage > y->usage ? -1 : 1;
  if (x->changed != y->changed)
    return x->changed > y->changed ? -1 : 1;
  return x->id > y->id ? -1 : x->id < y->id;
}

typedef struct terms_ctx {
  char **v;
  size_t n, cap;
  bool numbers; /* keep digit-only terms */
  bool failed;
} terms_ctx;

static void collect_term(void *ud, const char *t, size_t len) {
  terms_ctx *c = ud;
  if (c->failed || (!c->numbers && cd_terms_is_number(t, len)))
    return;
  if (c->n == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 16;
    char **v = realloc(c->v, cap * sizeof *v);
    if (!v) {
      c->failed = true;
      return;
    }
    c->v = v;
    c->cap = cap;
  }
  char *s = malloc(len + 1);
  if (!s) {
    c->failed = true;
    return;
  }
  memcpy(s, t, len);
  s[len] = '\0';
  c->v[c->n++] = s;
}

static void terms_free(terms_ctx *c) {
  for (size_t i = 0; i < c->n; i++)
    free(c->v[i]);
  free(c->v);
}

static cd_status terms_of(const char *text, size_t len, bool numbers, terms_ctx *c, cd_error *err) {
  memset(c, 0, sizeof *c);
  c->numbers = numbers;
  cd_buf folded = CD_BUF_INIT;
  cd_status st = cd_terms_fold(text, len, &folded, err);
  if (!st)
    cd_terms_each(folded.data ? folded.data : "", folded.len, collect_term, c);
  cd_buf_free(&folded);
  if (!st && c->failed)
    st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  return st;
}

cd_status cd_fuzzy_lookup(cd_tm_store *s, const char *query, size_t len, const cd_fuzzy_options *o,
                          cd_fuzzy_results **out, cd_error *err) {
  cd_fuzzy_options defaults;
  if (!o) {
    cd_fuzzy_options_init(&defaults);
    o = &defaults;
  }
  *out = NULL;
  cd_fuzzy_results *res = calloc(1, sizeof *res);
  if (!res)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  terms_ctx terms;
  cd_tokenizer tq;
  memset(&tq, 0, sizeof tq);
  lookup_ctx c;
  memset(&c, 0, sizeof c);
  cd_status st = terms_of(query, len, false, &terms, err);
  if (!st)
    st = cd_tokenizer_init(&tq, o->src_lang, err);
  if (!st)
    st = cd_tokenize(&tq, query, len, err);
  if (st)
    goto done;
  /* A unit scoring >= min differs from the query in at most (100 - min)% of its words, so
   * it holds at least one of any (100 - min)% + 1 of the query's terms: query the rarest. */
  int min = o->min_score < 0 ? 0 : o->min_score > 100 ? 100 : o->min_score;
  size_t need = terms.n * (size_t)(100 - min) / 100 + 1;
  if (need > terms.n)
    need = terms.n;
  c.o = o;
  c.query = query;
  c.qlen = len;
  c.tq = &tq;
  c.res = res;
  c.err = err;
  st = cd_tm_store_candidates(s, (const char *const *)terms.v, terms.n, need, o->src_lang,
                              o->tgt_lang, o->max_candidates ? o->max_candidates : 200,
                              take_candidate, &c, err);
  if (!st && c.st)
    st = c.st;
  if (st)
    goto done;
  if (res->n > 1)
    qsort(res->m, res->n, sizeof *res->m, by_rank);
  size_t keep = o->max_results ? o->max_results : 5;
  while (res->n > keep)
    match_free(&res->m[--res->n]);
done:
  terms_free(&terms);
  cd_tokenizer_fini(&tq);
  if (c.src.ready)
    cd_tokenizer_fini(&c.src.tz);
  if (c.tgt.ready)
    cd_tokenizer_fini(&c.tgt.tz);
  cd_buf_free(&c.adapted);
  cd_buf_free(&c.form);
  cd_mention_list_free(&c.ml);
  free(c.reps.v);
  cd_buf_free(&c.reps.texts);
  if (st) {
    cd_fuzzy_results_free(res);
    return st;
  }
  *out = res;
  return CD_OK;
}

/* ---- concordance ------------------------------------------------------------------------- */

struct cd_concord_results {
  cd_concord_hit *h;
  size_t n, cap;
};

size_t cd_concord_results_count(const cd_concord_results *r) { return r ? r->n : 0; }
const cd_concord_hit *cd_concord_results_get(const cd_concord_results *r, size_t i) {
  return r && i < r->n ? &r->h[i] : NULL;
}

void cd_concord_results_free(cd_concord_results *r) {
  if (!r)
    return;
  for (size_t i = 0; i < r->n; i++) {
    cd_concord_hit *h = &r->h[i];
    free(h->src_lang);
    free(h->tgt_lang);
    free(h->source);
    free(h->target);
    free(h->src_spans);
    free(h->tgt_spans);
  }
  free(r->h);
  free(r);
}

typedef struct span_ctx {
  const char *base;
  size_t *runs; /* start,end pairs of the text's index terms */
  size_t n, cap;
  bool failed;
} span_ctx;

static void collect_span(void *ud, const char *t, size_t len) {
  span_ctx *c = ud;
  if (c->failed)
    return;
  /* the array holds pairs: one element is two size_t */
  if (cd_grow((void **)&c->runs, c->n, &c->cap, 2 * sizeof *c->runs)) {
    c->failed = true;
    return;
  }
  c->runs[2 * c->n] = (size_t)(t - c->base);
  c->runs[2 * c->n + 1] = (size_t)(t - c->base) + len;
  c->n++;
}

/* The term runs of the original text (letters, digits, marks: case folding keeps a letter a
 * letter), each folded and compared to the term's folded index terms. */
cd_status cd_fuzzy_find_term(const char *text, size_t len, const char *term, size_t tlen,
                             size_t **spans, size_t *n, cd_error *err) {
  *spans = NULL;
  *n = 0;
  terms_ctx t;
  cd_status st = terms_of(term, tlen, true, &t, err);
  span_ctx sc = {text, NULL, 0, 0, false};
  cd_buf f = CD_BUF_INIT;
  char **folded = NULL;
  if (st)
    goto done;
  cd_terms_each(text, len, collect_span, &sc);
  if (sc.failed || !(folded = calloc(sc.n + 1, sizeof *folded))) {
    st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    goto done;
  }
  for (size_t i = 0; i < sc.n && !st; i++) {
    st = cd_terms_fold(text + sc.runs[2 * i], sc.runs[2 * i + 1] - sc.runs[2 * i], &f, err);
    if (!st && !(folded[i] = strdup(f.data ? f.data : "")))
      st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  if (st || t.n == 0)
    goto done;
  size_t *out = NULL, nout = 0;
  for (size_t i = 0; i + t.n <= sc.n; i++) {
    size_t k = 0;
    while (k < t.n && strcmp(folded[i + k], t.v[k]) == 0)
      k++;
    if (k < t.n)
      continue;
    size_t *p = realloc(out, (nout + 1) * 2 * sizeof *p);
    if (!p) {
      free(out);
      st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
      goto done;
    }
    out = p;
    out[2 * nout] = sc.runs[2 * i];
    out[2 * nout + 1] = sc.runs[2 * (i + t.n - 1) + 1];
    nout++;
    i += t.n - 1;
  }
  *spans = out;
  *n = nout;
done:
  if (folded)
    for (size_t i = 0; i < sc.n; i++)
      free(folded[i]);
  free(folded);
  free(sc.runs);
  cd_buf_free(&f);
  terms_free(&t);
  return st;
}

typedef struct concord_ctx {
  const char *term;
  size_t tlen, limit;
  cd_concord_results *res;
  cd_status st;
  cd_error *err;
} concord_ctx;

static int take_concord(void *ud, const cd_tm_unit *u) {
  concord_ctx *c = ud;
  cd_concord_results *r = c->res;
  if (CD_GROW(r->h, r->n, r->cap)) {
    c->st = cd_error_set(c->err, CD_ERR_NOMEM, "out of memory");
    return 1;
  }
  cd_concord_hit *h = &r->h[r->n++];
  memset(h, 0, sizeof *h);
  h->id = u->id;
  h->src_lang = strdup(u->src_lang);
  h->tgt_lang = strdup(u->tgt_lang);
  h->source = strdup(u->source);
  h->target = strdup(u->target);
  if (!h->src_lang || !h->tgt_lang || !h->source || !h->target) {
    c->st = cd_error_set(c->err, CD_ERR_NOMEM, "out of memory");
    return 1;
  }
  if ((c->st = cd_fuzzy_find_term(u->source, strlen(u->source), c->term, c->tlen, &h->src_spans,
                                  &h->n_src, c->err)) ||
      (c->st = cd_fuzzy_find_term(u->target, strlen(u->target), c->term, c->tlen, &h->tgt_spans,
                                  &h->n_tgt, c->err)))
    return 1;
  if (h->n_src + h->n_tgt == 0) {
    /* The terms are there but not side by side: not a hit. */
    r->n--;
    free(h->src_lang);
    free(h->tgt_lang);
    free(h->source);
    free(h->target);
    free(h->src_spans);
    free(h->tgt_spans);
    return 0;
  }
  return r->n >= c->limit;
}

cd_status cd_concord(cd_tm_store *s, const char *term, size_t len, const char *src_lang,
                     const char *tgt_lang, size_t limit, cd_concord_results **out, cd_error *err) {
  *out = NULL;
  terms_ctx t;
  cd_status st = terms_of(term, len, true, &t, err);
  if (st)
    return st;
  cd_concord_results *res = calloc(1, sizeof *res);
  if (!res) {
    terms_free(&t);
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  if (!limit)
    limit = 20;
  concord_ctx c = {term, len, limit, res, CD_OK, err};
  /* Rows holding the terms apart are skipped: examine a bounded number more than we keep. */
  st = cd_tm_store_concord(s, (const char *const *)t.v, t.n, src_lang, tgt_lang, limit * 50,
                           take_concord, &c, err);
  if (!st)
    st = c.st;
  terms_free(&t);
  if (st) {
    cd_concord_results_free(res);
    return st;
  }
  *out = res;
  return CD_OK;
}
