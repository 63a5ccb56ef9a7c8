/* SPDX-License-Identifier: MIT */
/* cd_tm_terms.h — the index terms of TM segments, below both the store (which indexes them)
 * and the matcher (which queries with them): the text case-folded (ICU full case folding)
 * and NFC-normalized, split into runs of letters, digits and marks, as SQLite FTS5's
 * unicode61 tokenizer splits them. Candidate search and concordance query these terms. */
#ifndef CD_TM_TERMS_H
#define CD_TM_TERMS_H

#include <stdbool.h>
#include <stddef.h>

#include "cd_text.h"

/* Case fold + NFC of a UTF-8 string into out (replaced). Ill-formed bytes become U+FFFD. */
cd_status cd_terms_fold(const char *s, size_t len, cd_buf *out, cd_error *err);

/* Calls fn for each index term of already folded text (start, length in folded). */
typedef void (*cd_terms_fn)(void *ud, const char *term, size_t len);
void cd_terms_each(const char *folded, size_t len, cd_terms_fn fn, void *ud);
/* True when a term is made of digits only (a placeable, never used to find candidates). */
bool cd_terms_is_number(const char *term, size_t len);

#endif
