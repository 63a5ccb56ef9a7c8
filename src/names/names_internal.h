/* names_internal.h — shared between the files of src/names (not public). */
#ifndef CD_NAMES_INTERNAL_H
#define CD_NAMES_INTERNAL_H

#include <sqlite3.h>

#include "cd_names.h"

#define CD_NAMES_NLANG 5
extern const char *const cd_names_langs[CD_NAMES_NLANG]; /* en fr de uk ru */

/* One parsed TSV row. Strings point into the row's own copy of the line. */
typedef struct cd_names_row {
  char *line;                        /* owned copy, cut at tabs */
  const char *id, *type;
  const char *canon[CD_NAMES_NLANG]; /* NULL for "-" */
  char *variants;                    /* raw cell, "" when "-" */
  char *context;                     /* raw cell, "" when "-" */
  const char *file;
  unsigned long lineno;
} cd_names_row;

typedef cd_status (*cd_names_row_fn)(void *ud, cd_names_row *row, cd_error *err);

/* Reads one TSV source; calls fn per entity row. Errors name file:line. */
cd_status cd_names_tsv_read(const char *path, cd_names_row_fn fn, void *ud, cd_error *err);

/* Iterates "key=value;key=value" pairs of a context cell; value lists are ","-separated.
 * Calls fn(key, value) per single value. */
typedef cd_status (*cd_names_ctx_fn)(void *ud, const char *key, size_t klen, const char *val,
                                     size_t vlen);
cd_status cd_names_ctx_each(const char *ctx, cd_names_ctx_fn fn, void *ud);

/* Schema creation + row insertion (compile.c), also used for the in-memory house overlay. */
typedef struct cd_names_writer cd_names_writer;
cd_status cd_names_writer_new(sqlite3 *db, cd_names_keyer *k, bool overlay,
                              cd_names_writer **out, cd_error *err);
cd_status cd_names_writer_add(cd_names_writer *w, cd_names_row *row, cd_error *err);
/* Writes the Bloom filter and meta rows. */
cd_status cd_names_writer_finish(cd_names_writer *w, cd_error *err);
void cd_names_writer_free(cd_names_writer *w);

/* Bloom filter over word keys. */
uint64_t cd_names_hash(const char *s, size_t n);
#define CD_NAMES_BLOOM_K 6
/* The i-th bit (0 <= i < CD_NAMES_BLOOM_K) of hash h in a filter of nbits bits. */
uint64_t cd_names_bloom_bit(uint64_t h, int i, uint64_t nbits);
void cd_names_bloom_add(uint8_t *bits, uint64_t nbits, uint64_t h);

/* Inflection prefixes (the names stage's cheap test for case forms such as Костіна or
 * Мединского): for every Cyrillic word of a form the compiler adds to the Bloom filter
 * the fold key minus 0, 1 and 2 code points (at least CD_NAMES_INFL_MIN left), marked with
 * a leading 0x01 byte; the scanner tests its word minus 1..4 code points. */
#define CD_NAMES_INFL_MIN 3
uint64_t cd_names_infl_hash(const char *prefix, size_t len);
bool cd_names_infl_maybe(cd_names *db, const char *prefix, size_t len);

/* Candidate lemmas for an inflected word: entities whose single-word full form or surname
 * has a fold key starting with prefix (and at most max_key_bytes long). fn gets the hit and
 * the form as written (cased). At most 32 rows; an indexed range query. */
typedef void (*cd_names_lemma_fn)(void *ud, const cd_names_hit *hit, const char *lemma);
cd_status cd_names_prefix_lemmas(cd_names *db, const char *prefix, size_t plen,
                                 size_t max_key_bytes, cd_names_lemma_fn fn, void *ud,
                                 cd_error *err);

#endif
