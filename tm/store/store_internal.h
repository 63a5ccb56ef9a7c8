/* SPDX-License-Identifier: MIT */
/* store_internal.h — what the TM store's backends share: the handle, the unit as checked for
 * writing, the term counts. store.c holds the SQLite backend and everything both backends do
 * (checking units, folding, ranking candidates); store_pg.c holds the PostgreSQL storage. */
#ifndef CD_STORE_INTERNAL_H
#define CD_STORE_INTERNAL_H

#include <sqlite3.h>

#include "cd_tm_store.h"

typedef struct pg_conn PGconn; /* libpq's type, as libpq-fe.h declares it */

/* Term counts gathered during a write transaction, written to term_df at commit. */
typedef struct df_entry {
  char *term;
  int64_t n;
} df_entry;

typedef struct df_map {
  df_entry *slots;
  size_t cap, used;
} df_map;

enum {
  ST_FIND_IDENT,
  ST_INSERT,
  ST_INSERT_FTS,
  ST_MERGE,
  ST_DF_FLUSH,
  ST_DF_GET,
  ST_USE,
  ST_POSTINGS,
  ST_GET_UNIT,
  ST_COUNT
};

struct cd_tm_store {
  sqlite3 *db; /* the SQLite backend, or NULL */
  PGconn *pg;  /* the PostgreSQL backend, or NULL */
  char *path;  /* the file, or the URL without its password (for messages) */
  cd_tm_store_options opt;
  sqlite3_stmt *stmt[ST_COUNT];
  bool in_tx;
  bool bulk;                    /* between cd_tm_store_bulk_begin and bulk_end */
  cd_tm_add_counts bulk_counts; /* SQLite: the units added and merged since bulk_begin */
  df_map df;
  cd_buf fold_src, fold_tgt;
  cd_buf origin;        /* the cleaned origin of the unit being added */
  cd_buf scratch;       /* PostgreSQL: array literals of the unit being added */
  unsigned pg_prepared; /* PostgreSQL: which of store_pg.c's statements are prepared */
  /* PostgreSQL, bulk adding: units staged as COPY rows, merged in batches. */
  bool pg_batching;
  size_t pg_pending;           /* units staged, not yet merged */
  cd_buf pg_copy;              /* their COPY rows */
  struct cd_strmap *pg_idents; /* their identities (a duplicate waits for the next batch) */
  cd_buf pg_folds;             /* their folded sources, back to back */
  size_t *pg_fold_ends;        /* where each ends in pg_folds */
  size_t pg_added, pg_merged;  /* answers so far */
  unsigned pg_cursors;         /* cursors open (a callback may read the store meanwhile) */
  bool pg_stage_ready;         /* the session's cd_stage exists (and is empty) */
};

/* A unit checked for writing: languages lower-cased, origin cleaned, dates filled, folded
 * texts in s->fold_src and s->fold_tgt. */
typedef struct tm_unit_in {
  const cd_tm_unit *u;
  const char *sl, *tl;
  const char *origin;
  int64_t created, changed;
  uint64_t ident; /* hash of the languages and texts (markup when there is some) */
} tm_unit_in;

/* A tag matches itself and its subtags ("en" matches "en-gb"), case-insensitively. */
bool cd_tm__lang_matches(const char *want, const char *have);
/* Counts the index terms of folded (a folded source) into s->df (written to term_df at
 * commit). */
cd_status cd_tm__count_terms(cd_tm_store *s, const char *folded, size_t len, cd_error *err);

/* ---- store_pg.c -------------------------------------------------------------------------- */

/* "postgresql://" or "postgres://" */
cd_status cd_tm__pg_open(cd_tm_store *s, const char *url, cd_error *err);
void cd_tm__pg_close(cd_tm_store *s);
cd_status cd_tm__pg_begin(cd_tm_store *s, cd_error *err);
cd_status cd_tm__pg_commit(cd_tm_store *s, cd_error *err); /* flushes s->df first */
void cd_tm__pg_rollback(cd_tm_store *s);
/* Adds a unit; while batching (between batch_begin and batch_end) only stages it, and *merged
 * is not set. */
cd_status cd_tm__pg_add(cd_tm_store *s, const tm_unit_in *in, bool *merged, cd_error *err);
cd_status cd_tm__pg_batch_begin(cd_tm_store *s, cd_error *err);
/* Merges the units staged and adds the counts of the batch; err NULL only drops them (after
 * another error). */
cd_status cd_tm__pg_batch_end(cd_tm_store *s, size_t *added, size_t *merged, cd_error *err);
/* The count of term in term_df; *found false when absent. */
cd_status cd_tm__pg_term_df(cd_tm_store *s, const char *term, int64_t *n, bool *found,
                            cd_error *err);
/* The ids of the units whose source holds term, ascending, appended by push. */
cd_status cd_tm__pg_postings(cd_tm_store *s, const char *term, int (*push)(void *, int64_t),
                             void *ud, cd_error *err);
/* The units of ids (in that order; missing ones skipped) given to fn until it returns non-zero
 * or `limit` units of the wanted languages were given. */
cd_status cd_tm__pg_units_by_id(cd_tm_store *s, const int64_t *ids, size_t n, const char *src_lang,
                                const char *tgt_lang, size_t limit, cd_tm_unit_fn fn, void *ud,
                                cd_error *err);
cd_status cd_tm__pg_foreach(cd_tm_store *s, const char *src_lang, const char *tgt_lang,
                            cd_tm_unit_fn fn, void *ud, cd_error *err);
cd_status cd_tm__pg_concord(cd_tm_store *s, const char *const *terms, size_t nterms,
                            const char *src_lang, const char *tgt_lang, size_t limit,
                            cd_tm_unit_fn fn, void *ud, cd_error *err);
cd_status cd_tm__pg_note_use(cd_tm_store *s, int64_t id, cd_error *err);
cd_status cd_tm__pg_stats(cd_tm_store *s, cd_tm_stats *out, cd_tm_pair_fn pair_fn, void *ud,
                          cd_error *err);

#endif
