/* SPDX-License-Identifier: MIT */
/* Internal to tm/fuzzy: the scoring tokenizer shared by keys.c and fuzzy.c. */
#ifndef CD_FUZZY_INTERNAL_H
#define CD_FUZZY_INTERNAL_H

#include <unicode/ubrk.h>
#include <unicode/umachine.h>

#include "cd_fuzzy.h"

typedef enum { CD_TOK_WORD, CD_TOK_NUMBER, CD_TOK_PUNCT, CD_TOK_ENTITY } cd_tok_kind;

typedef struct cd_number_style {
  UChar32 group, decimal; /* the locale's separators (ICU) */
} cd_number_style;

typedef struct cd_tok {
  cd_tok_kind kind;
  size_t start, end;         /* bytes in the tokenized text */
  size_t fold_off, fold_len; /* folded form in the tokenizer's fold buffer */
  /* numbers only */
  char value[64];                 /* canonical value, "" when unusable */
  UChar32 num_group, num_decimal; /* separators seen, 0 = none */
  int num_int_digits;
  /* entities only (cd_tokens_mark_entities): index into the tokenizer's entity ids */
  size_t entity;
} cd_tok;

typedef struct cd_tokenizer {
  UBreakIterator *bi;
  cd_number_style style;
  UChar *u16;
  size_t *off8;
  size_t cap16;
  cd_tok *toks;
  size_t ntoks, cap_toks;
  cd_buf fold, scratch;
  cd_buf ent_ids;  /* entity ids, NUL-terminated one after the other */
  size_t *ent_off; /* per entity index: offset into ent_ids */
  size_t n_ent, cap_ent;
} cd_tokenizer;

cd_status cd_tokenizer_init(cd_tokenizer *tz, const char *lang, cd_error *err);
void cd_tokenizer_fini(cd_tokenizer *tz);
/* Tokenizes s (replacing the previous tokens). */
cd_status cd_tokenize(cd_tokenizer *tz, const char *s, size_t len, cd_error *err);
/* Entity mentions of one segment: spans and ids. */
typedef struct cd_mention_list {
  size_t *span;   /* start, end per mention */
  size_t *id_off; /* offset of each id in ids */
  cd_buf ids;     /* NUL-terminated ids */
  size_t n, cap;
} cd_mention_list;

cd_status cd_mention_list_add(cd_mention_list *ml, size_t start, size_t end, const char *id);
void cd_mention_list_clear(cd_mention_list *ml);
void cd_mention_list_free(cd_mention_list *ml);

/* Merges the tokens that start inside each mention span into one CD_TOK_ENTITY token
 * carrying the id (mentions in text order, not overlapping). */
cd_status cd_tokens_mark_entities(cd_tokenizer *tz, const cd_mention_list *ml);
const char *cd_tok_entity_id(const cd_tokenizer *tz, const cd_tok *t);
/* Numbers always equal (placeables); entities when they have the same id. */
bool cd_tok_equal(const cd_tokenizer *a, const cd_tok *x, const cd_tokenizer *b, const cd_tok *y);

#endif
