/* SPDX-License-Identifier: MIT */
/* cd_tm_store.h — the translation-memory store: one SQLite file holding translation units.
 *
 * All SQL of the TM lives behind these functions, so that at a newsroom's scale another backend
 * (PostgreSQL + pg_trgm) can provide the same functions, notably cd_tm_store_candidates,
 * the one candidate search that fuzzy lookup uses.
 *
 * The file: versioned schema (PRAGMA user_version, migrated forward on open; a file written
 * by a newer copydesk is refused), WAL journal so readers work while a writer holds its
 * transaction, a busy timeout (default 5 s) after which a write fails with "database is
 * locked". Every write runs in a transaction: either one the caller opened with
 * cd_tm_store_begin, or one the function opens and commits itself.
 *
 * Text: languages are BCP-47 tags stored lower-case ("EN" → "en"). Text is UTF-8. A unit may
 * carry inline markup (the TMX <seg> content serialized as XML, tags included) besides its
 * plain text; markup NULL means the segment has no tags. */
#ifndef CD_TM_STORE_H
#define CD_TM_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "cd_text.h"
#include "cd_tm.h"

typedef struct cd_tm_store cd_tm_store;

typedef struct cd_tm_store_options {
  int busy_timeout_ms; /* how long a write waits for another writer (default 5000) */
  bool read_only;      /* open without creating or writing */
  bool create_dirs;    /* create the file's directory when missing (default true) */
} cd_tm_store_options;

void cd_tm_store_options_init(cd_tm_store_options *o);

/* One translation unit. Strings are borrowed (the caller's when adding; the store's, valid
 * during a callback, when reading). Dates are Unix seconds, 0 = unknown ("now" when adding). */
typedef struct cd_tm_unit {
  int64_t id; /* set by the store */
  const char *src_lang, *tgt_lang;
  const char *source, *target;               /* plain text */
  const char *source_markup, *target_markup; /* inline markup (XML), NULL = no tags */
  const char *origin_doc;                    /* document the unit came from, may be NULL */
  int64_t origin_date;
  double score; /* alignment score in [0,1], < 0 = unknown */
  int64_t created, changed;
  int64_t usage; /* usage count */
} cd_tm_unit;

void cd_tm_unit_init(cd_tm_unit *u);

/* True when t holds nothing but white space and invisible (default-ignorable) characters: such
 * a source or target is refused by cd_tm_store_add and skipped by cd_tm_store_add_units. */
bool cd_tm_text_is_blank(const char *t);

/* Copies a label (an origin document, usually a file name) into out, NUL-terminated, with
 * the bytes XML 1.0 and JSON cannot carry (ill-formed UTF-8, C0 and C1 controls, U+FFFE,
 * U+FFFF) written as %XX. The store keeps origins in this form. */
cd_status cd_tm_clean_label(const char *in, cd_buf *out);

/* True when location is a PostgreSQL URL ("postgresql://..." or "postgres://..."): the TM is
 * then kept in that database (tables units, unit_terms, term_df, copydesk_tm_schema), same
 * functions, same results. See docs/postgresql.md. */
bool cd_tm_is_url(const char *location);

/* Opens (creating and migrating when needed) the TM at path, a file or a PostgreSQL URL.
 * Errors name the file or the URL (without its password). */
cd_status cd_tm_store_new(const char *path, const cd_tm_store_options *o, cd_tm_store **out,
                          cd_error *err);
void cd_tm_store_free(cd_tm_store *s);
const char *cd_tm_store_path(const cd_tm_store *s);

/* The default TM path: $XDG_DATA_HOME/copydesk/tm.sqlite, else
 * $HOME/.local/share/copydesk/tm.sqlite. */
cd_status cd_tm_default_path(cd_buf *out, cd_error *err);

/* Transactions. begin takes the write lock at once (BEGIN IMMEDIATE), waiting up to the busy
 * timeout. rollback undoes everything since begin; safe to call without a transaction. */
cd_status cd_tm_store_begin(cd_tm_store *s, cd_error *err);
cd_status cd_tm_store_commit(cd_tm_store *s, cd_error *err);
void cd_tm_store_rollback(cd_tm_store *s);
bool cd_tm_store_in_transaction(const cd_tm_store *s);

/* Adds one unit. A unit with the same languages, source and target (markup included) as a
 * stored one is merged: its change date becomes the newer one, usage counts add up, a known
 * score replaces an unknown one. *merged (may be NULL) tells which happened. */
cd_status cd_tm_store_add(cd_tm_store *s, const cd_tm_unit *u, bool *merged, cd_error *err);

/* Adds n units (e.g. the beads of an alignment) in one transaction: all or nothing. Units
 * with a known score below min_score (when min_score >= 0) are skipped. Counts (may be NULL)
 * report what happened. Inside a caller's transaction, joins it. */
typedef struct cd_tm_add_counts {
  size_t added, merged, skipped;
} cd_tm_add_counts;
cd_status cd_tm_store_add_units(cd_tm_store *s, const cd_tm_unit *units, size_t n, double min_score,
                                cd_tm_add_counts *counts, cd_error *err);

/* Bulk adding, in a transaction (imports, cd_tm_store_add_units): after bulk_begin,
 * cd_tm_store_add may only queue a unit (PostgreSQL merges them thousands at a time, by COPY)
 * and leaves *merged false; bulk_end adds the rest and adds the units added and merged since
 * bulk_begin to counts->added and counts->merged. A database error may so surface at a later
 * add or at bulk_end; the transaction is then to be rolled back (which ends the bulk). No other
 * call on the store may come before bulk_end. */
cd_status cd_tm_store_bulk_begin(cd_tm_store *s, cd_error *err);
cd_status cd_tm_store_bulk_end(cd_tm_store *s, cd_tm_add_counts *counts, cd_error *err);

/* Callback over units; return non-zero to stop (the function then returns CD_OK). */
typedef int (*cd_tm_unit_fn)(void *ud, const cd_tm_unit *u);

/* Every unit, in id order; src_lang/tgt_lang (NULL = any) filter by language (a tag also
 * matches its subtags: "en" matches "en-gb"). */
cd_status cd_tm_store_foreach(cd_tm_store *s, const char *src_lang, const char *tgt_lang,
                              cd_tm_unit_fn fn, void *ud, cd_error *err);

/* The candidate search behind fuzzy lookup: units whose source shares index terms with the
 * query (terms folded as cd_terms_each gives them), best first, at most limit,
 * filtered by language. Uses the index only, never a full scan: it queries the least
 * frequent terms, at least `need` of them (the caller's bound: a unit missing all of them
 * cannot reach its minimum score), more while they stay rare. */
cd_status cd_tm_store_candidates(cd_tm_store *s, const char *const *terms, size_t nterms,
                                 size_t need, const char *src_lang, const char *tgt_lang,
                                 size_t limit, cd_tm_unit_fn fn, void *ud, cd_error *err);

/* Units whose source or target holds all the terms (folded index terms), newest first, at
 * most limit rows examined (0 = no bound). Candidates for a phrase: the index does not keep
 * positions, so the caller checks that the terms stand together (cd_fuzzy_find_term) and
 * stops the walk from its callback when it has enough. */
cd_status cd_tm_store_concord(cd_tm_store *s, const char *const *terms, size_t nterms,
                              const char *src_lang, const char *tgt_lang, size_t limit,
                              cd_tm_unit_fn fn, void *ud, cd_error *err);

/* Bumps the usage count of a unit (a translator took the match). */
cd_status cd_tm_store_note_use(cd_tm_store *s, int64_t id, cd_error *err);

typedef struct cd_tm_stats {
  int64_t units;
  int schema_version;
  int64_t oldest, newest; /* creation dates, 0 when empty */
} cd_tm_stats;
typedef void (*cd_tm_pair_fn)(void *ud, const char *src, const char *tgt, int64_t n);
/* Overall figures, then pair_fn (may be NULL) once per language pair with its unit count. */
cd_status cd_tm_store_stats(cd_tm_store *s, cd_tm_stats *st, cd_tm_pair_fn pair_fn, void *ud,
                            cd_error *err);

/* Copies every unit of `from` into `to` (SQLite to PostgreSQL, back, or alike), in id order, in
 * one transaction on `to`: all or nothing. Duplicates of units already in `to` are merged as
 * cd_tm_store_add merges them. progress (may be NULL) is called after each batch of units with
 * the units copied so far and the total. */
typedef void (*cd_tm_progress_fn)(void *ud, int64_t done, int64_t total);
cd_status cd_tm_store_copy(cd_tm_store *from, cd_tm_store *to, cd_tm_progress_fn progress, void *ud,
                           cd_tm_add_counts *counts, cd_error *err);

#endif
