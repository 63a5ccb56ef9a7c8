/* SPDX-License-Identifier: MIT */
/* names_internal.h — shared between the files of src/names (not public). */
#ifndef CD_NAMES_INTERNAL_H
#define CD_NAMES_INTERNAL_H

#include <sqlite3.h>
#include <stdint.h>

#include "cd_names.h"

#define CD_NAMES_NLANG 5
extern const char *const cd_names_langs[CD_NAMES_NLANG]; /* en fr de uk ru */

/* One parsed TSV row. Strings point into the row's own copy of the line. */
typedef struct cd_names_row {
  char *line; /* owned copy, cut at tabs */
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
cd_status cd_names_writer_new(sqlite3 *db, cd_names_keyer *k, bool overlay, cd_names_writer **out,
                              cd_error *err);
cd_status cd_names_writer_add(cd_names_writer *w, cd_names_row *row, cd_error *err);
/* Writes the key filter and meta rows; with sidecar (a path) the filter also goes to that
 * file (CD_NAMES_SIDECAR_* below). */
cd_status cd_names_writer_finish(cd_names_writer *w, const char *sidecar, cd_error *err);
void cd_names_writer_free(cd_names_writer *w);

/* The key filter: a blocked Bloom filter (every key sets CD_NAMES_FILTER_K bits inside one
 * 64-byte block, so a test reads one cache line) over distinct hashes of
 *  - word keys: the fold, ascii and skeleton keys of every space- or hyphen-separated word
 *    of every form (unmarked: cd_names_hash), the names stage's first test of a word;
 *  - inflection prefixes (CD_NAMES_MARK_INFL), see below;
 *  - whole lookup keys: (kind, key) of every row of a full name or surname
 *    (CD_NAMES_MARK_KEY) and of every surname row (CD_NAMES_MARK_SURNAME), so that a key
 *    query runs only when a row may exist;
 *  - given names: (entity, kind, key) of every given-name row (CD_NAMES_MARK_GIVEN), so that
 *    "a given name of this entity" is tested without a query for nearly every candidate;
 *  - given name and surname pairs: (given key, surname key) of every person, any kinds
 *    (CD_NAMES_MARK_PAIR, cd_names_pair_hash), so that "Given Surname" queries the surname
 *    only when some entity may have both (a common surname has hundreds of entities at
 *    1M, nearly none with the given name at hand). Meta 'pair_marks' says the filter has
 *    them (a database without it queries every surname).
 * About 16 bits per distinct key. Stored as meta 'filter' (format 2), with meta 'filter_id'
 * (cd_names_hash of the filter's bytes).
 *
 * The sidecar "<database>.filter" holds the same filter for a memory map: reading it out of
 * the blob costs a copy of every chunk a text touches (tens of MB at 1M entities), a map
 * costs a page fault. Header of CD_NAMES_SIDECAR_HEAD bytes: the magic (8 bytes), the filter
 * id and the filter's length (little-endian 64-bit), zeros; then the filter. A sidecar whose
 * id or length differs from the database's is ignored (the blob is read instead).
 *
 * entities.canon repeats the entity's canonical forms for the stage (format 2): per
 * language "lang US form US surname RS" (US = 0x1F, RS = 0x1E; surname empty when not a
 * person), so that one row read gives id, type, status and every replacement. */
/* ICU's rule-based transliterators replace inside one string, so their cost grows with the
 * square of its length: the transliterating keys (ASCII, skeleton) refuse a text longer than
 * this. The longest name in dicts/names is under 160 bytes; a 750 KB "word" took seconds. */
#define CD_NAMES_TRANSLIT_MAX 512
#define CD_NAMES_FILTER_BLOCK 64
#define CD_NAMES_FILTER_K 7
#define CD_NAMES_FILTER_BITS_PER_KEY 16
/* A consonant skeleton shared by more than this many key rows says nothing: the compiler
 * drops its rows and filter marks, and a query that still finds more ignores them all. */
#define CD_NAMES_SKEL_MAX 32
#define CD_NAMES_SIDECAR_MAGIC "CDNKF\0\0\1"
#define CD_NAMES_SIDECAR_HEAD 4096
enum {
  CD_NAMES_MARK_INFL = 1,
  CD_NAMES_MARK_KEY = 2,
  CD_NAMES_MARK_SURNAME = 3,
  CD_NAMES_MARK_GIVEN = 4,
  CD_NAMES_MARK_PAIR = 5
};
uint64_t cd_names_hash(const char *s, size_t n);
/* A marked hash: the mark, for CD_NAMES_MARK_GIVEN the entity number, the kind, the key. */
uint64_t cd_names_mark_hash(int mark, int64_t eid, int kind, const char *s, size_t n);
/* CD_NAMES_MARK_PAIR: a given-name key and a surname key of one person (kinds left out). */
uint64_t cd_names_pair_hash(const char *given, size_t gl, const char *surname, size_t sl);
/* The block of hash h in a filter of nblocks blocks, and the test/set inside a block. */
uint64_t cd_names_filter_block(uint64_t h, uint64_t nblocks);
bool cd_names_filter_block_has(const uint8_t *block, uint64_t h);
void cd_names_filter_block_add(uint8_t *block, uint64_t h);

/* Inflection prefixes (the names stage's cheap test for case forms such as Костіна or
 * Мединского): for every Cyrillic word of a form the compiler adds to the filter the fold
 * key minus 0, 1 and 2 code points (at least CD_NAMES_INFL_MIN left), marked
 * CD_NAMES_MARK_INFL; the scanner tests its word minus 1..4 code points. */
#define CD_NAMES_INFL_MIN 3
bool cd_names_infl_maybe(cd_names *db, const char *prefix, size_t len);
/* Whether a whole lookup key (a full name or surname, CD_KEY_* kind) may exist: a word of a
 * script written without spaces (习近平) romanizes to a whole name, not to a word key. */
bool cd_names_key_maybe(cd_names *db, const char *key, size_t len, int kind);

/* Candidate lemmas for an inflected word: entities whose single-word full form or surname
 * has a fold key starting with prefix (and at most max_key_bytes long). fn gets the hit and
 * the form as written (cased). At most 32 rows; an indexed range query. */
typedef cd_status (*cd_names_lemma_fn)(void *ud, const cd_names_hit *hit, const char *lemma,
                                       cd_error *err);
cd_status cd_names_prefix_lemmas(cd_names *db, const char *prefix, size_t plen,
                                 size_t max_key_bytes, cd_names_lemma_fn fn, void *ud,
                                 cd_error *err);

/* ---- the editor's guards (guard.c): text tests behind "may this match be rewritten" ---- */

/* Space-separated words of s[0, n). */
size_t cd_names_guard_words(const char *s, size_t n);
/* Two letters or more, all upper-case (CDU, NATO, ЄС, BERLIN). */
bool cd_names_guard_all_caps(const char *s, size_t n);
/* Some word of s is all caps (Zaporizhzhia NPP). */
bool cd_names_guard_has_acronym(const char *s, size_t n);
/* Replacing span by repl changes the number of words or a word's last letter (a case form
 * rewritten to another case: Байдена -> Байден). */
bool cd_names_guard_endings_differ(const char *span, size_t n, const char *repl, size_t repl_len);
/* Whether s[sb] is inside a quotation ('q', content s[*qb, *qe)) or parentheses ('p') of
 * the line s[0, n), 0 otherwise. lang picks the German pairing („ “). */
int cd_names_guard_enclosed(const char *s, size_t n, size_t sb, const char *lang, size_t *qb,
                            size_t *qe);
/* span has a letter of the list (UTF-8) that repl lacks. */
bool cd_names_guard_foreign_letter(const char *span, size_t n, const char *repl, size_t repl_len,
                                   const char *letters);

/* ---- the scanner's word knowledge, for the unknown-names finder (unknown.c) ---------- */

/* Sets the language the next calls judge words in (as cd_names_scan does). */
void cd_names_scanner_use_lang(cd_names_scanner *s, const char *lang);
/* Whether a dictionary knows the word in lower case (a common word, a German noun). */
bool cd_names_scanner_common(cd_names_scanner *s, const char *w, size_t n);
/* Whether w is a listed name particle (von, de, bin). */
bool cd_names_scanner_particle(const cd_names_scanner *s, const char *w, size_t n);
cd_names *cd_names_scanner_db(cd_names_scanner *s);
/* Whether the language's dictionary knows w as written, capital included (Monday,
 * London): a proper noun the language has, no new name. */
bool cd_names_scanner_proper(cd_names_scanner *s, const char *w, size_t n);
/* Whether w is a cue word of kind (names/cues.txt: "person", "place", "lead", ...). */
bool cd_names_scanner_cue(cd_names_scanner *s, const char *kind, const char *w, size_t n);
/* The length of w's stem without its longest case ending of the language
 * (names/case-endings.txt; uk, ru); n when none. */
size_t cd_names_scanner_case_stem(const cd_names_scanner *s, const char *w, size_t n);
/* Whether the language set by cd_names_scanner_use_lang has a hunspell dictionary. */
bool cd_names_scanner_has_dict(cd_names_scanner *s);

#endif
