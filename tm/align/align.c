/* SPDX-License-Identifier: MIT */
/* align.c — sentence alignment: features (numbers, punctuation, cross-script word keys),
 * a banded dynamic programme over beads, paragraph pre-alignment and lexicon refinement.
 * See cd_align.h for the model. */
#include "cd_align.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include "cd_number.h"
#include "cd_strmap.h"

/* ---- model constants (tuned on news-like text; see docs/align.md) --------------------- */

#define GC_VAR 6.8      /* Gale & Church's variance per character */
#define ANCHOR_GAIN 1.6 /* nats per unit of matched anchor weight */
#define NUM_MISS 1.5
#define W_WORD 1.0
#define W_NUMBER 1.3
#define W_NUMBER_1DIGIT 0.5
#define W_PUNCT 0.4
#define W_ENTITY 1.3            /* a names-store entity on both sides: as strong as a number */
#define FULL_DP_CELLS 4000000.0 /* below this, no band at all */
#define AUTO_BAND 60
#define RATIO_PRIOR_CHARS 500.0

enum kind { K_WORD = 'w', K_NUM = 'n', K_PUNCT = 'p', K_ENTITY = 'e' };

/* Bead types: source and target sentence counts. */
static const int MOVES[][2] = {{1, 1}, {1, 0}, {0, 1}, {2, 1}, {1, 2}, {2, 2}, {1, 3}, {3, 1}};
#define N_MOVES 8
/* -log prior of each bead type (Gale & Church's figures, 1-3/3-1 added below 2-2). */
static const double PRIOR[N_MOVES] = {0.12, 3.5, 3.5, 2.3, 2.3, 4.2, 5.0, 5.0};

void cd_align_options_init(cd_align_options *opts) {
  memset(opts, 0, sizeof *opts);
  opts->three_way = true;
  opts->refine_passes = 1;
  opts->weak_below = 0.3;
  opts->paragraphs = true;
}

struct cd_aligner {
  cd_align_options opts;
  UTransliterator *tr;
  cd_align_stats stats;
};

cd_status cd_aligner_new(const cd_align_options *opts, cd_aligner **out, cd_error *err) {
  *out = NULL;
  cd_aligner *a = calloc(1, sizeof *a);
  if (!a)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  if (opts)
    a->opts = *opts;
  else
    cd_align_options_init(&a->opts);
  UChar id[64];
  u_uastrcpy(id, "Any-Latin; Latin-ASCII; Any-Lower");
  UParseError pe;
  UErrorCode st = U_ZERO_ERROR;
  a->tr = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, &pe, &st);
  if (U_FAILURE(st)) {
    free(a);
    return cd_error_set(err, CD_ERR_INTERNAL, "aligner: ICU transliterator: %s", u_errorName(st));
  }
  *out = a;
  return CD_OK;
}

void cd_aligner_set_entities(cd_aligner *a, const cd_align_entities *src,
                             const cd_align_entities *tgt) {
  a->opts.src_entities = src;
  a->opts.tgt_entities = tgt;
}

void cd_aligner_free(cd_aligner *a) {
  if (!a)
    return;
  if (a->tr)
    utrans_close(a->tr);
  free(a);
}

void cd_aligner_stats(const cd_aligner *a, cd_align_stats *out) { *out = a->stats; }

/* ---- growable arrays ----------------------------------------------------------------- */

typedef struct u32vec {
  uint32_t *v;
  size_t n, cap;
} u32vec;

static cd_status u32_push(u32vec *a, uint32_t x) {
  if (CD_GROW(a->v, a->n, a->cap))
    return CD_ERR_NOMEM;
  a->v[a->n++] = x;
  return CD_OK;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* Sorts v[from, n) and removes duplicates; returns the new n. */
static size_t sort_unique(uint32_t *v, size_t from, size_t n) {
  if (n - from < 2)
    return n;
  qsort(v + from, n - from, sizeof *v, cmp_u32);
  size_t w = from + 1;
  for (size_t r = from + 1; r < n; r++)
    if (v[r] != v[w - 1])
      v[w++] = v[r];
  return w;
}

/* ---- tokens of one side ------------------------------------------------------------------ */

/* One document side: sentence lengths and the vocabulary ids of each sentence's tokens. */
typedef struct side {
  size_t n;
  double *chars;
  size_t *toff; /* n+1 offsets into tok */
  u32vec tok;
  cd_strmap *vocab; /* interned tokens: kind char + text */
} side;

/* The interned token id of a side, and its length (kind char included). */
static const char *vkey(const side *sd, size_t id) { return cd_strmap_key(sd->vocab, id, NULL); }

static size_t vlen(const side *sd, size_t id) {
  size_t n;
  cd_strmap_key(sd->vocab, id, &n);
  return n;
}

typedef struct extractor {
  UTransliterator *tr;
  cd_strmap *raw; /* raw word → index into keyoff, keylen */
  u32vec keyoff;  /* per raw word: offset into keybuf, and length */
  u32vec keylen;
  cd_buf keybuf;
  cd_buf scratch;
  UChar *u16;
  size_t u16cap;
} extractor;

/* The matching key of a word: ASCII lower case for ASCII words, else ICU's
 * Any-Latin; Latin-ASCII; Any-Lower; only a–z kept. */
static cd_status word_key(extractor *x, const char *w, size_t len, const char **key, size_t *klen) {
  size_t id;
  if (cd_strmap_intern(x->raw, w, len, &id))
    return CD_ERR_NOMEM;
  if (id < x->keyoff.n) {
    *key = x->keybuf.data ? x->keybuf.data + x->keyoff.v[id] : "";
    *klen = x->keylen.v[id];
    return CD_OK;
  }
  cd_buf_clear(&x->scratch);
  bool ascii = true;
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)w[i] >= 0x80)
      ascii = false;
  if (ascii) {
    if (cd_buf_append(&x->scratch, w, len))
      return CD_ERR_NOMEM;
  } else {
    size_t need = len * 4 + 16;
    if (need > x->u16cap) {
      UChar *nu = realloc(x->u16, need * sizeof *nu);
      if (!nu)
        return CD_ERR_NOMEM;
      x->u16 = nu;
      x->u16cap = need;
    }
    UErrorCode st = U_ZERO_ERROR;
    int32_t ulen = 0;
    u_strFromUTF8(x->u16, (int32_t)x->u16cap, &ulen, w, (int32_t)len, &st);
    int32_t limit = ulen;
    if (U_SUCCESS(st))
      utrans_transUChars(x->tr, x->u16, &ulen, (int32_t)x->u16cap, 0, &limit, &st);
    if (U_FAILURE(st)) {
      ulen = 0; /* an unconvertible word simply has no key */
    }
    for (int32_t i = 0; i < ulen; i++)
      if (x->u16[i] < 0x80 && cd_buf_append(&x->scratch, &(char){(char)x->u16[i]}, 1))
        return CD_ERR_NOMEM;
  }
  size_t off = x->keybuf.len, n = 0;
  for (size_t i = 0; i < x->scratch.len; i++) {
    char c = x->scratch.data[i];
    if (c >= 'A' && c <= 'Z')
      c = (char)(c - 'A' + 'a');
    if (c >= 'a' && c <= 'z') {
      if (cd_buf_append(&x->keybuf, &c, 1))
        return CD_ERR_NOMEM;
      n++;
    }
  }
  if (u32_push(&x->keyoff, (uint32_t)off) || u32_push(&x->keylen, (uint32_t)n))
    return CD_ERR_NOMEM;
  *key = x->keybuf.data ? x->keybuf.data + off : "";
  *klen = n;
  return CD_OK;
}

static cd_status add_token(side *sd, char kind, const char *s, size_t len, cd_buf *tmp) {
  cd_buf_clear(tmp);
  if (cd_buf_append(tmp, &kind, 1) || cd_buf_append(tmp, s, len))
    return CD_ERR_NOMEM;
  size_t id;
  if (cd_strmap_intern(sd->vocab, tmp->data, tmp->len, &id))
    return CD_ERR_NOMEM;
  return u32_push(&sd->tok, (uint32_t)id);
}

/* Numbers compared by value across locales (cd_number.h): 6,000 = 6 000 = 6.000 → "6000";
 * 2,5 = 2.5 → "2.5"; the groups of a sequence (a date, 03.10.2024) are numbers of their
 * own. The aligner knows no decimal mark: a grouping reads as thousands first. A number too
 * long to read gives no token. */
static cd_status add_number(side *sd, const char *s, size_t len, size_t *pos, cd_buf *tmp) {
  cd_number_read r;
  cd_number_read_at(s, len, *pos, 0, &r);
  *pos = r.end;
  char g[CD_NUMBER_VALUE];
  for (size_t k = 0; k < (r.kind == CD_NUMBER_SEQUENCE ? r.ngroups : 1); k++) {
    if (r.kind == CD_NUMBER_SEQUENCE)
      cd_number_group_value(s, &r, k, g);
    else
      memcpy(g, r.value, sizeof g);
    if (g[0] && add_token(sd, K_NUM, g, strlen(g), tmp))
      return CD_ERR_NOMEM;
  }
  return CD_OK;
}

static bool is_quote(int32_t c) {
  if (c == '"' || c == 0xAB || c == 0xBB)
    return true;
  int8_t t = u_charType(c);
  return (t == U_INITIAL_PUNCTUATION || t == U_FINAL_PUNCTUATION) && c != 0x2019 && c != 0x2018;
}

static cd_status extract_sentence(extractor *x, side *sd, const cd_align_sentence *sent,
                                  const cd_align_entities *ent, cd_buf *tmp) {
  const char *s = sent->text;
  size_t len = sent->len;
  size_t from = sd->tok.n;
  for (size_t e = 0; ent && e < ent->n; e++) {
    const char *id = ent->ids[e];
    if (id && *id && add_token(sd, K_ENTITY, id, strlen(id), tmp))
      return CD_ERR_NOMEM;
  }
  size_t i = 0, chars = 0;
  bool quote_seen = false;
  while (i < len) {
    size_t at = i;
    if (cd_number_starts(s, len, i)) {
      size_t p = i;
      if (add_number(sd, s, len, &p, tmp))
        return CD_ERR_NOMEM;
      chars += p - i;
      i = p;
      continue;
    }
    int32_t c = cd_utf8_next(s, len, &i);
    chars++;
    if (c < 0)
      continue;
    if (u_isalpha(c)) {
      size_t w0 = at, w1 = i;
      while (w1 < len) {
        size_t j = w1;
        int32_t d = cd_utf8_next(s, len, &j);
        if (d < 0 || !(u_isalpha(d) || u_charType(d) == U_NON_SPACING_MARK ||
                       u_charType(d) == U_COMBINING_SPACING_MARK))
          break;
        w1 = j;
        chars++;
      }
      i = w1;
      const char *key;
      size_t klen;
      if (word_key(x, s + w0, w1 - w0, &key, &klen))
        return CD_ERR_NOMEM;
      if (klen >= 3 && add_token(sd, K_WORD, key, klen, tmp))
        return CD_ERR_NOMEM;
      continue;
    }
    if (c == '?' || c == 0xBF || c == '!') {
      char p = c == '!' ? '!' : '?';
      if (add_token(sd, K_PUNCT, &p, 1, tmp))
        return CD_ERR_NOMEM;
    } else if (!quote_seen && is_quote(c)) {
      quote_seen = true;
      if (add_token(sd, K_PUNCT, "\"", 1, tmp))
        return CD_ERR_NOMEM;
    }
  }
  sd->tok.n = sort_unique(sd->tok.v, from, sd->tok.n);
  sd->chars[sd->n] = (double)chars;
  sd->toff[sd->n + 1] = sd->tok.n;
  sd->n++;
  return CD_OK;
}

static cd_status side_build(extractor *x, side *sd, const cd_align_sentence *v,
                            const cd_align_entities *ent, size_t n) {
  if (!(sd->vocab = cd_strmap_new()))
    return CD_ERR_NOMEM;
  sd->chars = malloc((n + 1) * sizeof *sd->chars);
  sd->toff = malloc((n + 1) * sizeof *sd->toff);
  if (!sd->chars || !sd->toff)
    return CD_ERR_NOMEM;
  sd->toff[0] = 0;
  cd_buf tmp = CD_BUF_INIT;
  cd_status st = CD_OK;
  for (size_t i = 0; i < n && !st; i++)
    st = extract_sentence(x, sd, &v[i], ent ? &ent[i] : NULL, &tmp);
  cd_buf_free(&tmp);
  return st;
}

static void side_free(side *sd) {
  free(sd->chars);
  free(sd->toff);
  free(sd->tok.v);
  cd_strmap_free(sd->vocab);
}

/* ---- cross-document links and features ------------------------------------------------ */

typedef struct links {
  /* per source vocab id: list of target vocab ids (linked list in arrays) */
  uint32_t *head; /* entry index + 1, 0 = none */
  u32vec tgt, next;
  bool *tgt_linked;
  size_t n_pairs;
  size_t n_entity; /* entity ids linked (exact matches on both sides) */
} links;

static cd_status link_add(links *L, uint32_t s, uint32_t t) {
  for (uint32_t e = L->head[s]; e; e = L->next.v[e - 1])
    if (L->tgt.v[e - 1] == t)
      return CD_OK;
  if (u32_push(&L->tgt, t) || u32_push(&L->next, L->head[s]))
    return CD_ERR_NOMEM;
  L->head[s] = (uint32_t)L->tgt.n;
  L->tgt_linked[t] = true;
  L->n_pairs++;
  return CD_OK;
}

static size_t lcp(const char *a, size_t an, const char *b, size_t bn) {
  size_t k = 0;
  while (k < an && k < bn && a[k] == b[k])
    k++;
  return k;
}

/* Levenshtein distance, stopping early above max (returns max+1). */
static size_t edit_distance(const char *a, size_t an, const char *b, size_t bn, size_t max,
                            size_t *row) {
  if ((an > bn ? an - bn : bn - an) > max)
    return max + 1;
  for (size_t j = 0; j <= bn; j++)
    row[j] = j;
  for (size_t i = 1; i <= an; i++) {
    size_t diag = row[0], best = i;
    row[0] = i;
    for (size_t j = 1; j <= bn; j++) {
      size_t up = row[j];
      size_t v = diag + (a[i - 1] != b[j - 1]);
      if (up + 1 < v)
        v = up + 1;
      if (row[j - 1] + 1 < v)
        v = row[j - 1] + 1;
      row[j] = v;
      diag = up;
      if (v < best)
        best = v;
    }
    if (best > max)
      return max + 1;
  }
  return row[bn];
}

/* Near-identical word keys: a long common prefix (inflection: zelenskogo ~ zelenskyy) or
 * at most one edit in four characters (zelenskij ~ zelenskyy). */
static bool near_words(const char *a, size_t an, const char *b, size_t bn, size_t *row) {
  size_t mn = an < bn ? an : bn, mx = an > bn ? an : bn;
  if (mn < 5)
    return false;
  size_t p = lcp(a, an, b, bn);
  if (p >= 5 && p * 10 >= mn * 7)
    return true;
  return edit_distance(a, an, b, bn, mx / 4, row) <= mx / 4;
}

static cd_status links_build(links *L, const side *S, const side *T) {
  cd_status st = CD_OK;
  /* exact keys (numbers, punctuation, identical words) */
  for (uint32_t k = 0; k < cd_strmap_count(S->vocab) && !st; k++) {
    size_t kl, t;
    const char *key = cd_strmap_key(S->vocab, k, &kl);
    if ((t = cd_strmap_id(T->vocab, key, kl)) != CD_STRMAP_NONE) {
      st = link_add(L, k, (uint32_t)t);
      if (vkey(S, k)[0] == K_ENTITY)
        L->n_entity++;
    }
  }
  if (st)
    return st;
  /* near-identical words: target words bucketed by their first four letters */
  cd_strmap *buckets = cd_strmap_new();
  u32vec bhead = {0}, bnext = {0};
  size_t *row = NULL;
  size_t maxlen = 0;
  for (uint32_t t = 0; t < cd_strmap_count(T->vocab); t++)
    if (vlen(T, t) > maxlen)
      maxlen = vlen(T, t);
  row = malloc((maxlen + 2) * sizeof *row);
  if (!row || !buckets) {
    free(row);
    cd_strmap_free(buckets);
    return CD_ERR_NOMEM;
  }
  for (uint32_t t = 0; t < cd_strmap_count(T->vocab) && !st; t++) {
    if (vkey(T, t)[0] != K_WORD || vlen(T, t) < 6)
      continue;
    size_t b;
    if (cd_strmap_intern(buckets, vkey(T, t) + 1, 4, &b) || (b >= bhead.n && u32_push(&bhead, 0)))
      st = CD_ERR_NOMEM;
  }
  if (!st) {
    bnext.v = calloc(cd_strmap_count(T->vocab) + 1, sizeof *bnext.v);
    bnext.n = bnext.cap = cd_strmap_count(T->vocab) + 1;
    if (!bnext.v)
      st = CD_ERR_NOMEM;
  }
  for (uint32_t t = 0; t < cd_strmap_count(T->vocab) && !st; t++) {
    if (vkey(T, t)[0] != K_WORD || vlen(T, t) < 6)
      continue;
    size_t b = cd_strmap_id(buckets, vkey(T, t) + 1, 4);
    bnext.v[t] = bhead.v[b];
    bhead.v[b] = t + 1;
  }
  for (uint32_t k = 0; k < cd_strmap_count(S->vocab) && !st; k++) {
    const char *a = vkey(S, k);
    size_t an = vlen(S, k);
    if (a[0] != K_WORD || an < 6)
      continue;
    size_t b = cd_strmap_id(buckets, a + 1, 4);
    if (b == CD_STRMAP_NONE)
      continue;
    for (uint32_t e = bhead.v[b]; e && !st; e = bnext.v[e - 1]) {
      uint32_t t = e - 1;
      if (near_words(a + 1, an - 1, vkey(T, t) + 1, vlen(T, t) - 1, row))
        st = link_add(L, k, t);
    }
  }
  free(row);
  free(bhead.v);
  free(bnext.v);
  cd_strmap_free(buckets);
  return st;
}

/* Units the DP aligns: sentences or paragraphs. Features are target vocab ids. */
typedef struct units {
  size_t n;
  double *len;
  size_t *foff;
  u32vec fid;
  double *fw;   /* total feature weight per unit */
  double *numw; /* number feature weight per unit (orphans included) */
  double *orph; /* weight of numbers found nowhere in the other document */
} units;

static void units_free(units *u) {
  free(u->len);
  free(u->foff);
  free(u->fid.v);
  free(u->fw);
  free(u->numw);
  free(u->orph);
  memset(u, 0, sizeof *u);
}

static cd_status units_alloc(units *u, size_t n) {
  u->n = n;
  u->len = calloc(n + 1, sizeof *u->len);
  u->foff = calloc(n + 1, sizeof *u->foff);
  u->fw = calloc(n + 1, sizeof *u->fw);
  u->numw = calloc(n + 1, sizeof *u->numw);
  u->orph = calloc(n + 1, sizeof *u->orph);
  return (u->len && u->foff && u->fw && u->numw && u->orph) ? CD_OK : CD_ERR_NOMEM;
}

typedef struct model {
  double *w;    /* weight per target vocab id */
  bool *isnum;  /* number-like feature (numbers, entities): missing it costs */
  double ratio; /* target chars per source char, whole document */
} model;

static void units_weigh(units *u, const model *m) {
  for (size_t i = 0; i < u->n; i++) {
    double fw = 0, nw = 0;
    for (size_t k = u->foff[i]; k < u->foff[i + 1]; k++) {
      uint32_t f = u->fid.v[k];
      fw += m->w[f];
      if (m->isnum[f])
        nw += m->w[f];
    }
    u->fw[i] = fw;
    u->numw[i] = nw + u->orph[i];
  }
}

/* Source units: each token's link targets; target units: linked tokens. */
static cd_status sentence_units(units *u, const side *sd, const links *L, bool is_src) {
  if (units_alloc(u, sd->n))
    return CD_ERR_NOMEM;
  for (size_t i = 0; i < sd->n; i++) {
    u->len[i] = sd->chars[i];
    size_t from = u->fid.n;
    for (size_t k = sd->toff[i]; k < sd->toff[i + 1]; k++) {
      uint32_t id = sd->tok.v[k];
      bool linked = is_src ? L->head[id] != 0 : L->tgt_linked[id];
      if (!linked && vkey(sd, id)[0] == K_NUM)
        u->orph[i] += vlen(sd, id) <= 2 ? W_NUMBER_1DIGIT : W_NUMBER;
      if (is_src) {
        for (uint32_t e = L->head[id]; e; e = L->next.v[e - 1])
          if (u32_push(&u->fid, L->tgt.v[e - 1]))
            return CD_ERR_NOMEM;
      } else if (L->tgt_linked[id] && u32_push(&u->fid, id)) {
        return CD_ERR_NOMEM;
      }
    }
    u->fid.n = sort_unique(u->fid.v, from, u->fid.n);
    u->foff[i + 1] = u->fid.n;
  }
  return CD_OK;
}

/* Paragraph units: the union of their sentences' features. */
static cd_status paragraph_units(units *p, const units *s, const size_t *pstart, size_t np) {
  if (units_alloc(p, np))
    return CD_ERR_NOMEM;
  for (size_t k = 0; k < np; k++) {
    size_t from = p->fid.n;
    for (size_t i = pstart[k]; i < pstart[k + 1]; i++) {
      p->len[k] += s->len[i];
      p->orph[k] += s->orph[i];
      for (size_t f = s->foff[i]; f < s->foff[i + 1]; f++)
        if (u32_push(&p->fid, s->fid.v[f]))
          return CD_ERR_NOMEM;
    }
    p->fid.n = sort_unique(p->fid.v, from, p->fid.n);
    p->foff[k + 1] = p->fid.n;
  }
  return CD_OK;
}

/* Weights: a base per kind, damped for features found in many sentences (a word in every
 * third sentence says little about where a sentence belongs). */
static cd_status model_weigh(model *m, const side *T, const units *us, const units *ut) {
  size_t nv = cd_strmap_count(T->vocab);
  uint32_t *dfs = calloc(nv + 1, sizeof *dfs), *dft = calloc(nv + 1, sizeof *dft);
  free(m->w);
  free(m->isnum);
  m->w = calloc(nv + 1, sizeof *m->w);
  m->isnum = calloc(nv + 1, sizeof *m->isnum);
  if (!dfs || !dft || !m->w || !m->isnum) {
    free(dfs);
    free(dft);
    return CD_ERR_NOMEM;
  }
  for (size_t k = 0; k < us->fid.n; k++)
    dfs[us->fid.v[k]]++;
  for (size_t k = 0; k < ut->fid.n; k++)
    dft[ut->fid.v[k]]++;
  size_t n = us->n > ut->n ? us->n : ut->n;
  double lim = n * 0.03 > 3 ? n * 0.03 : 3;
  for (size_t id = 0; id < nv; id++) {
    const char *key = vkey(T, id);
    double base;
    if (key[0] == K_NUM) {
      m->isnum[id] = true;
      base = vlen(T, id) <= 2 ? W_NUMBER_1DIGIT : W_NUMBER;
    } else if (key[0] == K_PUNCT) {
      base = W_PUNCT;
    } else if (key[0] == K_ENTITY) {
      /* like a number: matched it gains, found in the other document but outside the
       * bead it costs; an entity the other side never names (the scanner can miss a
       * form) costs nothing */
      m->isnum[id] = true;
      base = W_ENTITY;
    } else {
      base = W_WORD;
    }
    double df = dfs[id] > dft[id] ? dfs[id] : dft[id];
    if (key[0] == K_ENTITY && df > 1)
      m->w[id] = base / df; /* a name repeated in the headline and the lead must not pull
                               both into one 2-2 bead (pairs of a bead all count) */
    else
      m->w[id] = (key[0] != K_PUNCT && df > lim) ? base * lim / df : base;
  }
  free(dfs);
  free(dft);
  return CD_OK;
}

/* ---- the dynamic programme --------------------------------------------------------- */

static double neg_log_erfc(double x) {
  double p = erfc(x);
  if (p > 1e-300)
    return -log(p);
  return x * x + log(x * sqrt(M_PI)); /* asymptotic */
}

/* Gale–Church: the length difference normalised by its expected spread. */
static double gc_delta(double ls, double lt, double ratio) {
  double mean = (ls * ratio + lt) / 2;
  return (lt - ls * ratio) / sqrt((mean > 1 ? mean : 1) * GC_VAR);
}

static double gc_cost(double ls, double lt, double ratio) {
  double d = fabs(gc_delta(ls, lt, ratio));
  return neg_log_erfc(d / M_SQRT2);
}

/* Matched feature weight between one source and one target unit (and its number part). */
static void pair_match(const units *S, size_t i, const units *T, size_t j, const model *m,
                       float *all, float *nums) {
  if (!S->fid.v || !T->fid.v) {
    *all = *nums = 0;
    return;
  }
  const uint32_t *a = S->fid.v + S->foff[i], *ae = S->fid.v + S->foff[i + 1];
  const uint32_t *b = T->fid.v + T->foff[j], *be = T->fid.v + T->foff[j + 1];
  double w = 0, wn = 0;
  while (a < ae && b < be) {
    if (*a < *b)
      a++;
    else if (*b < *a)
      b++;
    else {
      w += m->w[*a];
      if (m->isnum[*a])
        wn += m->w[*a];
      a++;
      b++;
    }
  }
  *all = (float)w;
  *nums = (float)wn;
}

typedef struct bead_list {
  cd_bead *v;
  size_t n, cap;
} bead_list;

static cd_status bead_push(bead_list *l, cd_bead b) {
  if (CD_GROW(l->v, l->n, l->cap))
    return CD_ERR_NOMEM;
  l->v[l->n++] = b;
  return CD_OK;
}

typedef struct dp_job {
  const units *S, *T;
  size_t s0, ns, t0, nt; /* sub-ranges of S and T */
  const model *m;
  bool three_way;
} dp_job;

/* Cost of a bead of a source and b target units ending before (i, j), relative to the job. */
static double bead_cost(const dp_job *jb, int mv, size_t i, size_t j, const double *cs,
                        const double *ct, float (*pm)[2], size_t pmw) {
  int a = MOVES[mv][0], b = MOVES[mv][1];
  double ls = cs[i] - cs[i - a], lt = ct[j] - ct[j - b];
  /* An insertion or deletion costs its prior only: the length model says nothing about a
   * sentence that has no counterpart. */
  if (!a || !b)
    return PRIOR[mv];
  double cost = PRIOR[mv] + gc_cost(ls, lt, jb->m->ratio);
  {
    double match = 0, nmatch = 0, nsrc = 0, ntgt = 0;
    for (int x = 1; x <= a; x++) {
      size_t si = i - x;
      nsrc += jb->S->numw[jb->s0 + si];
      for (int y = 1; y <= b; y++) {
        const float *p = pm[(si % 4) * pmw + (j - y)];
        match += p[0];
        nmatch += p[1];
      }
    }
    for (int y = 1; y <= b; y++)
      ntgt += jb->T->numw[jb->t0 + j - y];
    double miss = nsrc + ntgt - 2 * nmatch;
    cost += -ANCHOR_GAIN * match + (miss > 0 ? NUM_MISS * miss : 0);
  }
  return cost;
}

/* The matrices of one dynamic-programming run: length prefix sums, the band, the back
 * pointers of every cell in it, and the rolling rows of costs and pair matches. */
typedef struct dp_mat {
  size_t ns, nt, pmw;
  double *cs, *ct; /* prefix sums of the unit lengths, ns + 1 and nt + 1 */
  size_t *lo, *hi; /* the band of row i: columns lo[i] .. hi[i] */
  size_t *rowoff;  /* where row i's back pointers start in bp */
  uint8_t *bp;     /* the move that reached each cell (255: none) */
  double *cost;    /* 4 rolling rows of nt + 1 costs */
  float (*pm)[2];  /* 4 rolling rows of pair matches (all, numbers) */
} dp_mat;

static void dp_mat_free(dp_mat *d) {
  free(d->cs);
  free(d->ct);
  free(d->lo);
  free(d->hi);
  free(d->rowoff);
  free(d->bp);
  free(d->cost);
  free(d->pm);
}

/* The band of half-width w around the diagonal of equal text shares; rows stay connected. */
static void dp_band(dp_mat *d, size_t w) {
  size_t ns = d->ns, nt = d->nt;
  const double *cs = d->cs, *ct = d->ct;
  size_t *lo = d->lo, *hi = d->hi;
  double r = cs[ns] > 0 ? ct[nt] / cs[ns] : 1;
  size_t j = 0;
  for (size_t i = 0; i <= ns; i++) {
    double want = cs[i] * r;
    while (j < nt && ct[j + 1] <= want)
      j++;
    if (j < nt && want - ct[j] > ct[j + 1] - want)
      j++;
    size_t c = (i == ns) ? nt : (i == 0 ? 0 : j);
    lo[i] = c > w ? c - w : 0;
    hi[i] = c + w < nt ? c + w : nt;
  }
  for (size_t i = 1; i <= ns; i++)
    if (lo[i] < lo[i - 1])
      lo[i] = lo[i - 1];
  for (size_t i = ns; i-- > 0;) {
    if (hi[i] > hi[i + 1])
      hi[i] = hi[i + 1];
    if (hi[i] < lo[i + 1])
      hi[i] = lo[i + 1]; /* rows stay connected */
  }
  lo[0] = 0;
  hi[ns] = nt;
  if (lo[ns] > nt)
    lo[ns] = nt;
}

/* Allocates the matrices of a job and sets its band. */
static cd_status dp_mat_init(dp_mat *d, const dp_job *jb, size_t w) {
  size_t ns = jb->ns, nt = jb->nt;
  *d = (dp_mat){.ns = ns, .nt = nt, .pmw = nt + 1};
  d->cs = malloc((ns + 1) * sizeof *d->cs);
  d->ct = malloc((nt + 1) * sizeof *d->ct);
  d->lo = malloc((ns + 1) * sizeof *d->lo);
  d->hi = malloc((ns + 1) * sizeof *d->hi);
  d->rowoff = malloc((ns + 2) * sizeof *d->rowoff);
  if (!d->cs || !d->ct || !d->lo || !d->hi || !d->rowoff)
    return CD_ERR_NOMEM;
  d->cs[0] = d->ct[0] = 0;
  for (size_t i = 0; i < ns; i++)
    d->cs[i + 1] = d->cs[i] + jb->S->len[jb->s0 + i];
  for (size_t j = 0; j < nt; j++)
    d->ct[j + 1] = d->ct[j] + jb->T->len[jb->t0 + j];
  dp_band(d, w);
  d->rowoff[0] = 0;
  for (size_t i = 0; i <= ns; i++)
    d->rowoff[i + 1] = d->rowoff[i] + (d->hi[i] - d->lo[i] + 1);
  d->bp = malloc(d->rowoff[ns + 1]);
  d->cost = malloc(4 * (nt + 1) * sizeof *d->cost);
  d->pm = malloc(4 * (nt + 1) * sizeof *d->pm);
  return d->bp && d->cost && d->pm ? CD_OK : CD_ERR_NOMEM;
}

/* The pair matches of source unit i-1 with the targets that rows i .. i+2 will read. */
static void dp_pair_row(dp_mat *d, const dp_job *jb, size_t i) {
  if (i == 0 || d->nt == 0)
    return;
  size_t from = d->lo[i] > 3 ? d->lo[i] - 3 : 0;
  size_t last = i + 2 <= d->ns ? i + 2 : d->ns;
  size_t to = d->hi[last] < d->nt ? d->hi[last] : d->nt; /* exclusive */
  size_t r = (i - 1) % 4;
  for (size_t j = from; j < to; j++)
    pair_match(jb->S, jb->s0 + i - 1, jb->T, jb->t0 + j, jb->m, &d->pm[r * d->pmw + j][0],
               &d->pm[r * d->pmw + j][1]);
}

/* The cheapest move into cell (i, j); *arg the move (255: none reaches it). */
static double dp_cell(const dp_mat *d, const dp_job *jb, size_t i, size_t j, uint8_t *arg) {
  double best = i == 0 && j == 0 ? 0 : DBL_MAX;
  *arg = 255;
  for (int mv = 0; mv < N_MOVES; mv++) {
    size_t a = (size_t)MOVES[mv][0], b = (size_t)MOVES[mv][1];
    if (!jb->three_way && (a == 3 || b == 3))
      continue;
    if (a > i || b > j)
      continue;
    size_t pi = i - a, pj = j - b;
    if (pj < d->lo[pi] || pj > d->hi[pi])
      continue;
    double prev = d->cost[(pi % 4) * (d->nt + 1) + pj];
    if (prev == DBL_MAX)
      continue;
    double c = prev + bead_cost(jb, mv, i, j, d->cs, d->ct, d->pm, d->pmw);
    if (c < best) {
      best = c;
      *arg = (uint8_t)mv;
    }
  }
  return best;
}

/* Follows the back pointers from the last cell and appends the beads in document order;
 * *edge when the path touches a band edge that cut something off. */
static cd_status dp_backtrack(const dp_mat *d, bead_list *out, bool *edge) {
  size_t first = out->n;
  size_t i = d->ns, j = d->nt;
  while (i > 0 || j > 0) {
    uint8_t mv = d->bp[d->rowoff[i] + (j - d->lo[i])];
    if (mv == 255)
      return CD_ERR_INTERNAL;
    if ((j == d->lo[i] && d->lo[i] > 0) || (j == d->hi[i] && d->hi[i] < d->nt))
      *edge = true;
    size_t a = (size_t)MOVES[mv][0], b = (size_t)MOVES[mv][1];
    cd_bead bd = {i - a, a, j - b, b, 0, false};
    cd_status st = bead_push(out, bd);
    if (st)
      return st;
    i -= a;
    j -= b;
  }
  for (size_t x = first, y = out->n; out->n > first && x < --y; x++) {
    cd_bead t = out->v[x];
    out->v[x] = out->v[y];
    out->v[y] = t;
  }
  return CD_OK;
}

/* Aligns one job within a band of half-width w (w >= nt means the full matrix). Appends
 * beads (indexes relative to the job) to out; *edge is set when the best path touches a
 * band edge that cut something off. */
static cd_status dp_run(const dp_job *jb, size_t w, bead_list *out, bool *edge, size_t *cells) {
  *edge = false;
  dp_mat d;
  cd_status st = dp_mat_init(&d, jb, w);
  for (size_t i = 0; !st && i <= d.ns; i++) {
    dp_pair_row(&d, jb, i);
    double *crow = d.cost + (i % 4) * (d.nt + 1);
    for (size_t j = d.lo[i]; j <= d.hi[i]; j++) {
      crow[j] = dp_cell(&d, jb, i, j, &d.bp[d.rowoff[i] + (j - d.lo[i])]);
      (*cells)++;
    }
  }
  if (!st)
    st = dp_backtrack(&d, out, edge);
  dp_mat_free(&d);
  return st;
}

/* Runs a job with the automatic (or requested) band, widening it while the path is cut. */
static cd_status dp_align(cd_aligner *al, const dp_job *jb, bead_list *out) {
  size_t w;
  double cells = (double)(jb->ns + 1) * (double)(jb->nt + 1);
  size_t full = jb->nt + 1;
  if (al->opts.band)
    w = al->opts.band;
  else
    w = cells <= FULL_DP_CELLS ? full : AUTO_BAND;
  if (w > full)
    w = full;
  for (;;) {
    size_t mark = out->n;
    bool edge = false;
    cd_status st = dp_run(jb, w, out, &edge, &al->stats.dp_cells);
    if (st)
      return st;
    if (w >= full || !edge) {
      size_t used = w >= full ? 0 : w;
      if (used > al->stats.band_used)
        al->stats.band_used = used;
      return CD_OK;
    }
    out->n = mark;
    w *= 2;
    if (w > full)
      w = full;
  }
}

/* ---- scoring of the final beads ------------------------------------------------------- */

static void score_beads(const units *S, const units *T, const model *m, cd_bead *v, size_t n,
                        double weak_below) {
  for (size_t k = 0; k < n; k++) {
    cd_bead *b = &v[k];
    if (!b->n_src || !b->n_tgt) {
      b->score = 0;
      b->weak = true;
      continue;
    }
    double ls = 0, lt = 0, fs = 0, ft = 0, match = 0;
    for (size_t i = b->src; i < b->src + b->n_src; i++) {
      ls += S->len[i];
      fs += S->fw[i];
      for (size_t j = b->tgt; j < b->tgt + b->n_tgt; j++) {
        float all, nums;
        pair_match(S, i, T, j, m, &all, &nums);
        match += all;
      }
    }
    for (size_t j = b->tgt; j < b->tgt + b->n_tgt; j++) {
      lt += T->len[j];
      ft += T->fw[j];
    }
    double d = gc_delta(ls, lt, m->ratio);
    double len_score = exp(-d * d / 8);
    double score = len_score;
    double fmax = fs > ft ? fs : ft;
    if (fmax > 0) {
      double anchor = match / fmax;
      if (anchor > 1)
        anchor = 1;
      score = 0.5 * len_score + 0.5 * anchor;
      if (anchor >= 0.5 && score < len_score)
        score = len_score;
    }
    if (b->n_src + b->n_tgt > 3)
      score *= 0.9;
    b->score = score;
    b->weak = score < weak_below;
  }
}

/* ---- lexicon refinement ------------------------------------------------------------ */

/* Learns word pairs from confident 1-1 beads: a source and a target word that occur in
 * the same beads far more often than apart (Dice >= 0.6, at least three times) become a
 * link. */
static cd_status learn_lexicon(links *L, const side *S, const side *T, const cd_bead *v, size_t n,
                               size_t *learnt) {
  cd_u64count co = {0}, cs = {0}, ct = {0};
  cd_status st = CD_OK;
  size_t conf = 0;
  for (size_t k = 0; k < n; k++)
    if (v[k].n_src == 1 && v[k].n_tgt == 1 && v[k].score >= 0.6)
      conf++;
  if (conf < 20)
    return CD_OK; /* too little evidence: a tiny document learns only noise */
  size_t stride = conf > 5000 ? conf / 5000 : 1, seen = 0;
  for (size_t k = 0; k < n && !st; k++) {
    const cd_bead *b = &v[k];
    if (!(b->n_src == 1 && b->n_tgt == 1 && b->score >= 0.6))
      continue;
    if (seen++ % stride)
      continue;
    size_t i = b->src, j = b->tgt;
    for (size_t x = S->toff[i]; x < S->toff[i + 1] && !st; x++) {
      uint32_t s = S->tok.v[x];
      if (vkey(S, s)[0] != K_WORD)
        continue;
      st = cd_u64count_add(&cs, s, 1);
      for (size_t y = T->toff[j]; y < T->toff[j + 1] && !st; y++) {
        uint32_t t = T->tok.v[y];
        if (vkey(T, t)[0] == K_WORD)
          st = cd_u64count_add(&co, ((uint64_t)s << 32) | t, 1);
      }
    }
    for (size_t y = T->toff[j]; y < T->toff[j + 1] && !st; y++) {
      uint32_t t = T->tok.v[y];
      if (vkey(T, t)[0] == K_WORD)
        st = cd_u64count_add(&ct, t, 1);
    }
  }
  for (size_t p = 0; p < co.cap && !st; p++) {
    if (!co.keys[p] || co.counts[p] < 3)
      continue;
    uint64_t key = co.keys[p] - 1;
    uint32_t s = (uint32_t)(key >> 32), t = (uint32_t)key;
    double dice = 2.0 * co.counts[p] / (cd_u64count_get(&cs, s) + cd_u64count_get(&ct, t));
    if (dice >= 0.6) {
      size_t before = L->n_pairs;
      st = link_add(L, s, t);
      *learnt += L->n_pairs - before;
    }
  }
  cd_u64count_free(&co);
  cd_u64count_free(&cs);
  cd_u64count_free(&ct);
  return st;
}

/* ---- driver ---------------------------------------------------------------------- */

typedef struct work {
  extractor x;
  side S, T;
  links L;
  units us, ut, ps, pt;
  model m;
  size_t *pstart_s, *pstart_t;
  size_t nps, npt;
} work;

static void work_free(work *wk) {
  cd_strmap_free(wk->x.raw);
  free(wk->x.keyoff.v);
  free(wk->x.keylen.v);
  cd_buf_free(&wk->x.keybuf);
  cd_buf_free(&wk->x.scratch);
  free(wk->x.u16);
  side_free(&wk->S);
  side_free(&wk->T);
  free(wk->L.head);
  free(wk->L.tgt.v);
  free(wk->L.next.v);
  free(wk->L.tgt_linked);
  units_free(&wk->us);
  units_free(&wk->ut);
  units_free(&wk->ps);
  units_free(&wk->pt);
  free(wk->m.w);
  free(wk->m.isnum);
  free(wk->pstart_s);
  free(wk->pstart_t);
}

static cd_status paragraph_starts(const cd_align_sentence *v, size_t n, size_t **out, size_t *np) {
  size_t k = 0;
  size_t *p = malloc((n + 2) * sizeof *p);
  if (!p)
    return CD_ERR_NOMEM;
  for (size_t i = 0; i < n; i++)
    if (i == 0 || v[i].paragraph != v[i - 1].paragraph)
      p[k++] = i;
  p[k] = n;
  *out = p;
  *np = k;
  return CD_OK;
}

static cd_status build_features(work *wk) {
  units_free(&wk->us);
  units_free(&wk->ut);
  units_free(&wk->ps);
  units_free(&wk->pt);
  if (sentence_units(&wk->us, &wk->S, &wk->L, true) ||
      sentence_units(&wk->ut, &wk->T, &wk->L, false))
    return CD_ERR_NOMEM;
  if (model_weigh(&wk->m, &wk->T, &wk->us, &wk->ut))
    return CD_ERR_NOMEM;
  units_weigh(&wk->us, &wk->m);
  units_weigh(&wk->ut, &wk->m);
  if (wk->pstart_s) {
    if (paragraph_units(&wk->ps, &wk->us, wk->pstart_s, wk->nps) ||
        paragraph_units(&wk->pt, &wk->ut, wk->pstart_t, wk->npt))
      return CD_ERR_NOMEM;
    units_weigh(&wk->ps, &wk->m);
    units_weigh(&wk->pt, &wk->m);
  }
  return CD_OK;
}

/* One full alignment pass with the current features. */
static cd_status align_pass(cd_aligner *al, work *wk, bead_list *out) {
  out->n = 0;
  dp_job sj = {&wk->us, &wk->ut, 0, wk->S.n, 0, wk->T.n, &wk->m, al->opts.three_way};
  if (!wk->pstart_s)
    return dp_align(al, &sj, out);
  bead_list pb = {0};
  dp_job pj = {&wk->ps, &wk->pt, 0, wk->nps, 0, wk->npt, &wk->m, al->opts.three_way};
  cd_status st = dp_align(al, &pj, &pb);
  for (size_t k = 0; k < pb.n && !st; k++) {
    const cd_bead *p = &pb.v[k];
    size_t s0 = wk->pstart_s[p->src], s1 = wk->pstart_s[p->src + p->n_src];
    size_t t0 = wk->pstart_t[p->tgt], t1 = wk->pstart_t[p->tgt + p->n_tgt];
    if (s0 == s1 || t0 == t1) {
      for (size_t i = s0; i < s1 && !st; i++)
        st = bead_push(out, (cd_bead){i, 1, t0, 0, 0, false});
      for (size_t j = t0; j < t1 && !st; j++)
        st = bead_push(out, (cd_bead){s1, 0, j, 1, 0, false});
      continue;
    }
    sj.s0 = s0;
    sj.ns = s1 - s0;
    sj.t0 = t0;
    sj.nt = t1 - t0;
    size_t mark = out->n;
    st = dp_align(al, &sj, out);
    for (size_t b = mark; b < out->n; b++) {
      out->v[b].src += s0;
      out->v[b].tgt += t0;
    }
  }
  free(pb.v);
  return st;
}

cd_status cd_aligner_align(cd_aligner *al, const cd_align_sentence *src, size_t ns,
                           const cd_align_sentence *tgt, size_t nt, cd_bead **beads,
                           size_t *n_beads, cd_error *err) {
  *beads = NULL;
  *n_beads = 0;
  memset(&al->stats, 0, sizeof al->stats);
  work wk;
  memset(&wk, 0, sizeof wk);
  wk.x.tr = al->tr;
  bead_list out = {0};
  cd_status st = CD_OK;
  if (!(wk.x.raw = cd_strmap_new()) || side_build(&wk.x, &wk.S, src, al->opts.src_entities, ns) ||
      side_build(&wk.x, &wk.T, tgt, al->opts.tgt_entities, nt)) {
    st = CD_ERR_NOMEM;
    goto fail;
  }
  wk.L.head = calloc(cd_strmap_count(wk.S.vocab) + 1, sizeof *wk.L.head);
  wk.L.tgt_linked = calloc(cd_strmap_count(wk.T.vocab) + 1, sizeof *wk.L.tgt_linked);
  if (!wk.L.head || !wk.L.tgt_linked || links_build(&wk.L, &wk.S, &wk.T)) {
    st = CD_ERR_NOMEM;
    goto fail;
  }
  al->stats.anchor_pairs = wk.L.n_pairs;
  al->stats.entity_pairs = wk.L.n_entity;
  double tot_s = 0, tot_t = 0;
  for (size_t i = 0; i < ns; i++)
    tot_s += wk.S.chars[i];
  for (size_t j = 0; j < nt; j++)
    tot_t += wk.T.chars[j];
  /* The document's own length ratio, shrunk towards 1 so that a short text with a dropped
   * sentence does not skew it (news translations among en fr de uk ru stay near 1). */
  wk.m.ratio = (tot_t + RATIO_PRIOR_CHARS) / (tot_s + RATIO_PRIOR_CHARS);
  if (al->opts.paragraphs && ns && nt) {
    if (paragraph_starts(src, ns, &wk.pstart_s, &wk.nps) ||
        paragraph_starts(tgt, nt, &wk.pstart_t, &wk.npt)) {
      st = CD_ERR_NOMEM;
      goto fail;
    }
    if (wk.nps < 2 && wk.npt < 2) {
      free(wk.pstart_s);
      free(wk.pstart_t);
      wk.pstart_s = wk.pstart_t = NULL;
    }
  }
  if ((st = build_features(&wk)) || (st = align_pass(al, &wk, &out)))
    goto fail;
  score_beads(&wk.us, &wk.ut, &wk.m, out.v, out.n, al->opts.weak_below);
  for (int pass = 0; pass < al->opts.refine_passes; pass++) {
    size_t learnt = 0;
    if ((st = learn_lexicon(&wk.L, &wk.S, &wk.T, out.v, out.n, &learnt)))
      goto fail;
    al->stats.lexicon_pairs += learnt;
    if (!learnt)
      break;
    if ((st = build_features(&wk)) || (st = align_pass(al, &wk, &out)))
      goto fail;
    score_beads(&wk.us, &wk.ut, &wk.m, out.v, out.n, al->opts.weak_below);
  }
  work_free(&wk);
  *beads = out.v;
  *n_beads = out.n;
  return CD_OK;
fail:
  work_free(&wk);
  free(out.v);
  if (st == CD_ERR_NOMEM)
    return cd_error_set(err, st, "aligner: out of memory (%zu and %zu sentences)", ns, nt);
  return cd_error_set(err, st, "aligner: internal error (%zu and %zu sentences)", ns, nt);
}
