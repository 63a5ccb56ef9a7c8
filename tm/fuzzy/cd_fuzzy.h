/* SPDX-License-Identifier: MIT */
/* cd_fuzzy.h — matching keys, fuzzy lookup and concordance over a TM store.
 *
 * Two views of a segment:
 *  - index terms (cd_tm_terms.h): what the store indexes and what candidate search and
 *    concordance query.
 *  - scoring tokens: ICU word-break words, folded the same way, numbers masked as
 *    placeables. The match percentage is the word-level edit distance over these tokens:
 *    100 * (1 - distance / max(words in query, words in unit)); 100 means identical after
 *    normalization (punctuation included); a unit identical in words but not in punctuation
 *    gets 99.
 *
 * Placeables: numbers. A unit whose source differs from the query in a number is adapted:
 * the number is replaced in the target by the query's value written in the target's style
 * (its group and decimal separators, e.g. "5,000" → fr "5 000" with the NBSP or NNBSP the
 * unit had, de "5.000"), and the hit is marked adapted.
 *
 * Placeables: known names, when the caller gives an entity recognizer (the options'
 * mentions and entity_form callbacks; copydesk fills them from the names store). Each
 * mention counts as one scoring token; two mentions of the same entity match whatever their
 * spelling. A unit whose source names another entity than the query at the same place
 * (the n-th name of one against the n-th of the other) is adapted when the unit's target
 * names the source's entity: that span is replaced by the query entity's form in the target
 * language ("Macron met Scholz" -> query "Macron met Merz": the target's "Scholz" becomes
 * "Merz"). Such a name then costs nothing, like a number; a name that cannot be placed in
 * the target costs a word, as without a recognizer. */
#ifndef CD_FUZZY_H
#define CD_FUZZY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cd_text.h"
#include "cd_tm_store.h"
#include "cd_tm_terms.h"

/* The match percentage (0..100) between two segments, as lookup computes it. lang is the
 * language of both (for number formats), may be NULL. Returns -1 on error. */
int cd_fuzzy_score(const char *a, size_t alen, const char *b, size_t blen, const char *lang);

/* Writes into out the text with the number `from` (canonical value) replaced by `to`
 * (canonical value), written in the style of the number it replaces, else of lang. Returns
 * CD_ERR_INPUT when the text has no such number. */
cd_status cd_fuzzy_replace_number(const char *text, size_t len, const char *lang, const char *from,
                                  const char *to, cd_buf *out, cd_error *err);

/* An entity mention in a segment: a byte span and the entity's id. */
typedef struct cd_fuzzy_entity {
  size_t start, end;
  const char *id; /* valid during the emit call only */
} cd_fuzzy_entity;

typedef cd_status (*cd_fuzzy_entity_emit)(void *ctx, const cd_fuzzy_entity *e);
/* Reports the entity mentions of text (UTF-8, in lang; lang may be ""), in text order,
 * through emit(ctx, ...). A non-OK return stops the lookup with that status. */
typedef cd_status (*cd_fuzzy_mentions_fn)(void *ud, const char *text, size_t len, const char *lang,
                                          cd_fuzzy_entity_emit emit, void *ctx, cd_error *err);
/* Writes into out (cleared first) the form of entity `id` in to_lang that replaces the span
 * `like` of a target segment (e.g. the surname alone when like is a surname). from/from_lang
 * is how the query names the entity. CD_ERR_INPUT = no form: the name is not adapted. */
typedef cd_status (*cd_fuzzy_entity_form_fn)(void *ud, const char *id, const char *from,
                                             size_t from_len, const char *from_lang,
                                             const char *to_lang, const char *like, size_t like_len,
                                             cd_buf *out, cd_error *err);

typedef struct cd_fuzzy_options {
  size_t max_results;              /* hits returned at most (default 5) */
  int min_score;                   /* the lowest match percentage returned (default 70) */
  const char *src_lang, *tgt_lang; /* NULL = any */
  size_t max_candidates;           /* units scored at most (default 200) */
  /* names as placeables (default NULL = numbers only): both callbacks or none */
  cd_fuzzy_mentions_fn mentions;
  cd_fuzzy_entity_form_fn entity_form;
  void *entity_ud;
} cd_fuzzy_options;

void cd_fuzzy_options_init(cd_fuzzy_options *o);

typedef struct cd_fuzzy_match {
  int64_t id;
  int score;
  bool adapted;                          /* target rewritten for differing placeables */
  size_t adapted_numbers, adapted_names; /* placeables rewritten in the target */
  char *src_lang, *tgt_lang;
  char *source;      /* the unit's source */
  char *target;      /* the target to use (adapted when adapted) */
  char *unit_target; /* the unit's target as stored */
  char *origin_doc;  /* may be NULL */
  int64_t changed, usage;
} cd_fuzzy_match;

typedef struct cd_fuzzy_results cd_fuzzy_results;
size_t cd_fuzzy_results_count(const cd_fuzzy_results *r);
const cd_fuzzy_match *cd_fuzzy_results_get(const cd_fuzzy_results *r, size_t i);
void cd_fuzzy_results_free(cd_fuzzy_results *r);

/* Fuzzy lookup: the best units (score >= min_score, best first, at most max_results). The
 * caller frees *out. */
cd_status cd_fuzzy_lookup(cd_tm_store *s, const char *query, size_t len, const cd_fuzzy_options *o,
                          cd_fuzzy_results **out, cd_error *err);

/* Concordance: units with the term (a word or phrase, matched on index terms, case- and
 * normalization-insensitive) in their source or target. hl_* give the byte spans of each
 * occurrence in source and target, for highlighting. */
typedef struct cd_concord_hit {
  int64_t id;
  char *src_lang, *tgt_lang, *source, *target;
  size_t *src_spans; /* pairs start,end; n_src pairs */
  size_t n_src;
  size_t *tgt_spans;
  size_t n_tgt;
} cd_concord_hit;

typedef struct cd_concord_results cd_concord_results;
size_t cd_concord_results_count(const cd_concord_results *r);
const cd_concord_hit *cd_concord_results_get(const cd_concord_results *r, size_t i);
void cd_concord_results_free(cd_concord_results *r);

/* Spans of the term's occurrences in text (pairs start,end into *spans, malloc'd). */
cd_status cd_fuzzy_find_term(const char *text, size_t len, const char *term, size_t tlen,
                             size_t **spans, size_t *n, cd_error *err);

cd_status cd_concord(cd_tm_store *s, const char *term, size_t len, const char *src_lang,
                     const char *tgt_lang, size_t limit, cd_concord_results **out, cd_error *err);

#endif
