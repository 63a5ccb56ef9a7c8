/* SPDX-License-Identifier: MIT */
/* Matching keys: folding, index terms, scoring tokens and numbers (see cd_fuzzy.h). */
#include "cd_number.h"
#include "fuzzy_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

/* ---- number formats ---------------------------------------------------------------------- */

static void number_style_for(const char *lang, cd_number_style *ns) {
  uint32_t group;
  ns->decimal = (UChar32)cd_number_marks(lang, &group);
  ns->group = (UChar32)group;
}

static bool is_space_sep(UChar32 c) {
  return c == 0x20 || c == 0xA0 || c == 0x202F || c == 0x2009 || c == 0x2007;
}

/* Reads the number token s[a..b) with the shared reader (cd_number.h) into its canonical
 * value ("5000", "2.5") and the separators it used. A token the reader does not take whole
 * (the word breaker also joins "1;2") has no value, like a number too long to be a
 * placeable. */
static void read_number(const char *s, size_t a, size_t b, const cd_number_style *loc, cd_tok *t) {
  cd_number_read r;
  cd_number_read_at(s, b, a, (uint32_t)loc->decimal, &r);
  t->num_group = (UChar32)r.group;
  t->num_decimal = (UChar32)r.decimal;
  t->num_int_digits = (int)r.int_digits;
  snprintf(t->value, sizeof t->value, "%s", r.end == b ? r.value : "");
}

/* ---- scoring tokens ---------------------------------------------------------------------- */

cd_status cd_tokenizer_init(cd_tokenizer *tz, const char *lang, cd_error *err) {
  memset(tz, 0, sizeof *tz);
  UErrorCode ec = U_ZERO_ERROR;
  tz->bi = ubrk_open(UBRK_WORD, lang && *lang ? lang : "root", NULL, 0, &ec);
  if (U_FAILURE(ec))
    return cd_error_set(err, CD_ERR_INTERNAL, "ICU word break iterator: %s", u_errorName(ec));
  number_style_for(lang, &tz->style);
  return CD_OK;
}

void cd_tokenizer_fini(cd_tokenizer *tz) {
  if (tz->bi)
    ubrk_close(tz->bi);
  free(tz->u16);
  free(tz->off8);
  free(tz->toks);
  cd_buf_free(&tz->fold);
  cd_buf_free(&tz->scratch);
  cd_buf_free(&tz->ent_ids);
  free(tz->ent_off);
  memset(tz, 0, sizeof *tz);
}

static cd_status push_tok(cd_tokenizer *tz, const cd_tok *t) {
  if (CD_GROW(tz->toks, tz->ntoks, tz->cap_toks))
    return CD_ERR_NOMEM;
  tz->toks[tz->ntoks++] = *t;
  return CD_OK;
}

/* Appends the folded form of s[a..b) to tz->fold; the token records where. */
static cd_status fold_into(cd_tokenizer *tz, const char *s, size_t a, size_t b, cd_tok *t) {
  cd_status st = cd_terms_fold(s + a, b - a, &tz->scratch, NULL);
  if (st)
    return st;
  t->fold_off = tz->fold.len;
  t->fold_len = tz->scratch.len;
  return cd_buf_append(&tz->fold, tz->scratch.data ? tz->scratch.data : "", tz->scratch.len);
}

static bool is_number_status(int32_t st) {
  return st >= UBRK_WORD_NUMBER && st < UBRK_WORD_NUMBER_LIMIT;
}

static int32_t digit_count(const UChar *u, int32_t a, int32_t b) {
  int32_t n = 0;
  while (a < b) {
    UChar32 c;
    U16_NEXT(u, a, b, c);
    if (!u_isdigit(c))
      return -1;
    n++;
  }
  return n;
}

/* tz->u16 = s in UTF-16, *n16 its length, and tz->off8 the byte offset in s of each UTF-16
 * index, so that tokens carry spans of the original text. An ill-formed byte sequence
 * becomes one U+FFFD: s is walked the same way. */
static cd_status to_utf16(cd_tokenizer *tz, const char *s, size_t len, int32_t *n16,
                          cd_error *err) {
  if (len > INT32_MAX / 2)
    return cd_error_set(err, CD_ERR_INPUT, "segment too long (%zu bytes)", len);
  UErrorCode ec = U_ZERO_ERROR;
  u_strFromUTF8WithSub(NULL, 0, n16, s, (int32_t)len, 0xFFFD, NULL, &ec);
  ec = U_ZERO_ERROR;
  if ((size_t)*n16 + 1 > tz->cap16) {
    size_t cap = (size_t)*n16 + 64;
    UChar *u = realloc(tz->u16, cap * sizeof *u);
    size_t *o = u ? realloc(tz->off8, (cap + 1) * sizeof *o) : NULL;
    if (u)
      tz->u16 = u;
    if (!u || !o)
      return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    tz->off8 = o;
    tz->cap16 = cap;
  }
  u_strFromUTF8WithSub(tz->u16, (int32_t)tz->cap16, n16, s, (int32_t)len, 0xFFFD, NULL, &ec);
  if (U_FAILURE(ec))
    return cd_error_set(err, CD_ERR_INTERNAL, "ICU cannot read a segment: %s", u_errorName(ec));
  size_t b = 0;
  int32_t i = 0;
  while (i < *n16) {
    tz->off8[i] = b;
    UChar32 c;
    int32_t at = i;
    U16_NEXT(tz->u16, i, *n16, c);
    if (i - at == 2)
      tz->off8[at + 1] = b;
    cd_utf8_next(s, len, &b);
  }
  tz->off8[*n16] = len;
  return CD_OK;
}

/* The end of the number that starts at prev and that the word breaker ends at cur: thousands
 * grouped with spaces ("5 000", "5\u202F000") come out of it as several numbers, so a 1-3
 * digit leader is joined with the 3-digit groups after it. The iterator is moved past what
 * was joined. */
static int32_t number_end(cd_tokenizer *tz, int32_t n16, int32_t prev, int32_t cur) {
  const UChar *u = tz->u16;
  bool space_groups = is_space_sep(tz->style.group) || u_isUWhiteSpace(tz->style.group);
  int32_t end = cur;
  int32_t lead = digit_count(u, prev, cur);
  while (lead >= 1 && lead <= 3 && end < n16) {
    UChar32 sp;
    int32_t j = end;
    U16_NEXT(u, j, n16, sp);
    if (!(sp == 0xA0 || sp == 0x202F || sp == 0x2009 || (sp == 0x20 && space_groups)))
      break;
    int32_t k = j, digits = 0;
    while (k < n16 && u_isdigit(u[k]) && digits < 4) {
      k++;
      digits++;
    }
    if (digits != 3 || (k < n16 && (u_isalnum(u[k]))))
      break;
    end = k;
  }
  while (end > cur) { /* advance the iterator past what we joined */
    cur = ubrk_next(tz->bi);
    if (cur == UBRK_DONE || cur >= end)
      break;
  }
  if (cur == UBRK_DONE)
    cur = n16;
  return cur > end ? cur : end;
}

/* A word or a number token from prev to end (UTF-16 indexes). */
static cd_status word_token(cd_tokenizer *tz, const char *s, int32_t prev, int32_t end,
                            bool number) {
  cd_tok t;
  memset(&t, 0, sizeof t);
  t.kind = number ? CD_TOK_NUMBER : CD_TOK_WORD;
  t.start = tz->off8[prev];
  t.end = tz->off8[end];
  if (number)
    read_number(s, t.start, t.end, &tz->style, &t);
  return fold_into(tz, s, t.start, t.end, &t) ? CD_ERR_NOMEM : push_tok(tz, &t);
}

/* Spaces and punctuation from prev to cur: each visible character is a punctuation token. */
static cd_status punct_tokens(cd_tokenizer *tz, const char *s, int32_t prev, int32_t cur) {
  const UChar *u = tz->u16;
  int32_t i = prev;
  while (i < cur) {
    int32_t at = i;
    UChar32 c;
    U16_NEXT(u, i, cur, c);
    if (u_isUWhiteSpace(c) || u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
      continue;
    cd_tok t;
    memset(&t, 0, sizeof t);
    t.kind = CD_TOK_PUNCT;
    t.start = tz->off8[at];
    t.end = tz->off8[i];
    if (fold_into(tz, s, t.start, t.end, &t) || push_tok(tz, &t))
      return CD_ERR_NOMEM;
  }
  return CD_OK;
}

cd_status cd_tokenize(cd_tokenizer *tz, const char *s, size_t len, cd_error *err) {
  tz->ntoks = 0;
  tz->n_ent = 0;
  cd_buf_clear(&tz->ent_ids);
  cd_buf_clear(&tz->fold);
  int32_t n16 = 0;
  cd_status st = to_utf16(tz, s, len, &n16, err);
  if (st)
    return st;
  UErrorCode ec = U_ZERO_ERROR;
  ubrk_setText(tz->bi, tz->u16, n16, &ec);
  if (U_FAILURE(ec))
    return cd_error_set(err, CD_ERR_INTERNAL, "ICU word break: %s", u_errorName(ec));
  int32_t prev = ubrk_first(tz->bi);
  for (int32_t cur = ubrk_next(tz->bi); cur != UBRK_DONE && !st;
       prev = cur, cur = ubrk_next(tz->bi)) {
    int32_t status = ubrk_getRuleStatus(tz->bi);
    if (status < UBRK_WORD_NONE_LIMIT) {
      st = punct_tokens(tz, s, prev, cur);
    } else if (is_number_status(status)) {
      int32_t end = number_end(tz, n16, prev, cur);
      st = word_token(tz, s, prev, end, true);
      cur = end; /* the iterator stands at end (or is done: end is the text's end) */
    } else {
      st = word_token(tz, s, prev, cur, false);
    }
  }
  return st ? cd_error_set(err, st, "out of memory") : CD_OK;
}

bool cd_tok_equal(const cd_tokenizer *a, const cd_tok *x, const cd_tokenizer *b, const cd_tok *y) {
  if (x->kind != y->kind)
    return false;
  if (x->kind == CD_TOK_NUMBER)
    return true; /* placeables: masked */
  if (x->kind == CD_TOK_ENTITY)
    return strcmp(cd_tok_entity_id(a, x), cd_tok_entity_id(b, y)) == 0;
  return x->fold_len == y->fold_len &&
         memcmp(a->fold.data + x->fold_off, b->fold.data + y->fold_off, x->fold_len) == 0;
}

/* ---- entity mentions ------------------------------------------------------------------- */

cd_status cd_mention_list_add(cd_mention_list *ml, size_t start, size_t end, const char *id) {
  if (ml->n == ml->cap) {
    size_t cap = ml->cap ? ml->cap * 2 : 8;
    size_t *sp = realloc(ml->span, 2 * cap * sizeof *sp);
    if (!sp)
      return CD_ERR_NOMEM;
    ml->span = sp;
    size_t *io = realloc(ml->id_off, cap * sizeof *io);
    if (!io)
      return CD_ERR_NOMEM;
    ml->id_off = io;
    ml->cap = cap;
  }
  ml->span[2 * ml->n] = start;
  ml->span[2 * ml->n + 1] = end;
  ml->id_off[ml->n] = ml->ids.len;
  if (cd_buf_append(&ml->ids, id, strlen(id) + 1))
    return CD_ERR_NOMEM;
  ml->n++;
  return CD_OK;
}

void cd_mention_list_clear(cd_mention_list *ml) {
  ml->n = 0;
  cd_buf_clear(&ml->ids);
}

void cd_mention_list_free(cd_mention_list *ml) {
  free(ml->span);
  free(ml->id_off);
  cd_buf_free(&ml->ids);
  memset(ml, 0, sizeof *ml);
}

const char *cd_tok_entity_id(const cd_tokenizer *tz, const cd_tok *t) {
  return t->entity < tz->n_ent ? tz->ent_ids.data + tz->ent_off[t->entity] : "";
}

cd_status cd_tokens_mark_entities(cd_tokenizer *tz, const cd_mention_list *ml) {
  size_t w = 0, k = 0;
  for (size_t r = 0; r < tz->ntoks; r++) {
    cd_tok t = tz->toks[r];
    while (k < ml->n && ml->span[2 * k + 1] <= t.start)
      k++;
    if (k < ml->n && t.start >= ml->span[2 * k] && t.start < ml->span[2 * k + 1]) {
      if (w > 0 && tz->toks[w - 1].kind == CD_TOK_ENTITY &&
          tz->toks[w - 1].entity + 1 == tz->n_ent && tz->toks[w - 1].start >= ml->span[2 * k]) {
        if (t.end > tz->toks[w - 1].end)
          tz->toks[w - 1].end = t.end; /* the mention's next token */
        continue;
      }
      if (CD_GROW(tz->ent_off, tz->n_ent, tz->cap_ent))
        return CD_ERR_NOMEM;
      const char *id = ml->ids.data + ml->id_off[k];
      tz->ent_off[tz->n_ent] = tz->ent_ids.len;
      if (cd_buf_append(&tz->ent_ids, id, strlen(id) + 1))
        return CD_ERR_NOMEM;
      t.kind = CD_TOK_ENTITY;
      t.entity = tz->n_ent++;
    }
    tz->toks[w++] = t;
  }
  tz->ntoks = w;
  return CD_OK;
}
