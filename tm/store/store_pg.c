/* SPDX-License-Identifier: MIT */
/* The TM store's PostgreSQL storage (see cd_tm_store.h and store_internal.h).
 *
 * Same ideas as the SQLite schema: units, term_df (how many sources hold each index term),
 * and instead of FTS5 an index table unit_terms(term, col, unit_id) whose primary key is a
 * btree on (term, col, unit_id): a term's posting list is an index-only range scan, ids
 * ascending, exactly what the shared candidate ranking in store.c reads from FTS5. The
 * ranking, the checks on units and the folding are store.c's, so both backends give the same
 * candidates and the same scores.
 *
 * Concurrency: duplicates are merged by INSERT ... ON CONFLICT on a unique index over the
 * languages and the texts, so two writers adding the same unit end with one row; term_df is
 * updated at commit in term order, so two committing writers lock its rows in the same order.
 * Data always travels as parameters (PQexecParams, PQexecPrepared), never inside SQL text. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cd_pg.h"
#include "cd_strmap.h"
#include "cd_tm_terms.h"
#include "store_internal.h"

/* pg_migrations[v] takes a database from version v to v + 1, as store.c's migrations do. */
static const char *const pg_migrations[] = {
    "CREATE TABLE units("
    "  id bigserial PRIMARY KEY,"
    "  src_lang text COLLATE \"C\" NOT NULL, tgt_lang text COLLATE \"C\" NOT NULL,"
    "  source text NOT NULL, target text NOT NULL,"
    "  source_markup text, target_markup text,"
    "  origin_doc text, origin_date bigint,"
    "  score double precision,"
    "  created bigint NOT NULL, changed bigint NOT NULL,"
    "  usage bigint NOT NULL DEFAULT 0);"
    /* The identity of a unit, to merge duplicates (SQLite keeps a hash column instead). */
    "CREATE UNIQUE INDEX units_identity ON units(src_lang, tgt_lang,"
    "  md5(coalesce(source_markup, source)), md5(coalesce(target_markup, target)));"
    /* col 0 = source, 1 = target; terms folded as cd_terms_each gives them. */
    "CREATE TABLE unit_terms(term text COLLATE \"C\" NOT NULL, col smallint NOT NULL,"
    "  unit_id bigint NOT NULL, PRIMARY KEY(term, col, unit_id));"
    "CREATE TABLE term_df(term text COLLATE \"C\" PRIMARY KEY, n bigint NOT NULL);",
};
#define PG_N_MIGRATIONS ((int)(sizeof pg_migrations / sizeof pg_migrations[0]))

/* 'CDTM', as the SQLite file's application_id: the lock serializing first-use migrations. */
#define PG_MIGRATION_LOCK "1128551501"

#define PG_UNIT_COLUMNS                                                                            \
  "u.id, u.src_lang, u.tgt_lang, u.source, u.target, u.source_markup, u.target_markup,"            \
  " u.origin_doc, u.origin_date, u.score, u.created, u.changed, u.usage"

static const char *const add_sql =
    "WITH u AS (INSERT INTO units(src_lang, tgt_lang, source, target, source_markup,"
    " target_markup, origin_doc, origin_date, score, created, changed, usage)"
    " VALUES($1, $2, $3, $4, $5, $6, $7, $8::bigint, $9::float8, $10::bigint, $11::bigint,"
    " $12::bigint)"
    " ON CONFLICT (src_lang, tgt_lang, md5(coalesce(source_markup, source)),"
    " md5(coalesce(target_markup, target))) DO UPDATE SET"
    " changed = greatest(units.changed, excluded.changed),"
    " created = least(units.created, excluded.created),"
    " usage = units.usage + excluded.usage, score = coalesce(excluded.score, units.score),"
    " origin_doc = coalesce(units.origin_doc, excluded.origin_doc),"
    " origin_date = coalesce(units.origin_date, excluded.origin_date)"
    " RETURNING id, (xmax = 0) AS inserted),"
    " t AS (INSERT INTO unit_terms(term, col, unit_id)"
    " SELECT DISTINCT x.term, x.col, u.id FROM u, unnest($13::text[], $14::int2[]) AS x(term, col)"
    " WHERE u.inserted)"
    " SELECT id, inserted FROM u";

/* ---- errors and queries ------------------------------------------------------------------ */

static cd_status pg_error(cd_tm_store *s, const PGresult *r, const char *what, cd_error *err) {
  return cd_pg_error(s->pg, s->path, s->opt.busy_timeout_ms, r, what, err);
}

/* Runs sql with text parameters; *out (may be NULL) gets the result, which the caller clears. */
static cd_status pg_query(cd_tm_store *s, const char *sql, int n, const char *const *v,
                          PGresult **out, const char *what, cd_error *err) {
  return cd_pg_exec(s->pg, s->path, s->opt.busy_timeout_ms, sql, n, v, 0, out, what, err);
}

/* The statements run once per unit or per term, prepared once per connection. */
enum { PS_ADD, PS_TERM_DF, PS_POSTINGS, PS_COUNT };
static const char *const ps_name[PS_COUNT] = {"cd_add", "cd_term_df", "cd_postings"};
static const char *const ps_sql[PS_COUNT] = {
    [PS_ADD] = NULL, /* add_sql, below */
    [PS_TERM_DF] = "SELECT n FROM term_df WHERE term = $1",
    [PS_POSTINGS] = "SELECT unit_id FROM unit_terms WHERE term = $1 AND col = 0 ORDER BY unit_id",
};

static cd_status pg_prepare(cd_tm_store *s, int which, const char *what, cd_error *err) {
  if (s->pg_prepared & (1u << which))
    return CD_OK;
  PGresult *r =
      PQprepare(s->pg, ps_name[which], which == PS_ADD ? add_sql : ps_sql[which], 0, NULL);
  cd_status st = PQresultStatus(r) == PGRES_COMMAND_OK ? CD_OK : pg_error(s, r, what, err);
  PQclear(r);
  if (!st)
    s->pg_prepared |= 1u << which;
  return st;
}

/* pg_query for a prepared statement; binary results for the postings (thousands of ids a
 * lookup: no text to print and parse). */
static cd_status pg_run(cd_tm_store *s, int which, int n, const char *const *v, PGresult **out,
                        const char *what, cd_error *err) {
  cd_status st = pg_prepare(s, which, what, err);
  if (st)
    return st;
  PGresult *r = PQexecPrepared(s->pg, ps_name[which], n, v, NULL, NULL, which == PS_POSTINGS);
  ExecStatusType t = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK) {
    st = pg_error(s, r, what, err);
    PQclear(r);
    return st;
  }
  *out = r;
  return CD_OK;
}

/* DDL without data: several statements in one string (PQexec's simple protocol). */
static cd_status pg_exec_ddl(cd_tm_store *s, const char *sql, const char *what, cd_error *err) {
  PGresult *r = PQexec(s->pg, sql);
  ExecStatusType t = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  cd_status st = t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK ? CD_OK : pg_error(s, r, what, err);
  PQclear(r);
  return st;
}

static int64_t cell_int(const PGresult *r, int row, int col) {
  return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

/* A bigint in binary format: 8 bytes, big-endian. */
static int64_t cell_int8_binary(const PGresult *r, int row, int col) {
  if (PQgetisnull(r, row, col) || PQgetlength(r, row, col) != 8)
    return 0;
  const unsigned char *b = (const unsigned char *)PQgetvalue(r, row, col);
  uint64_t v = 0;
  for (int i = 0; i < 8; i++)
    v = v << 8 | b[i];
  return (int64_t)v;
}

static const char *cell_text(const PGresult *r, int row, int col) {
  return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

static void pg_read_unit(const PGresult *r, int row, cd_tm_unit *u) {
  cd_tm_unit_init(u);
  u->id = cell_int(r, row, 0);
  u->src_lang = cell_text(r, row, 1);
  u->tgt_lang = cell_text(r, row, 2);
  u->source = cell_text(r, row, 3);
  u->target = cell_text(r, row, 4);
  u->source_markup = cell_text(r, row, 5);
  u->target_markup = cell_text(r, row, 6);
  u->origin_doc = cell_text(r, row, 7);
  u->origin_date = cell_int(r, row, 8);
  u->score = PQgetisnull(r, row, 9) ? -1 : strtod(PQgetvalue(r, row, 9), NULL);
  u->created = cell_int(r, row, 10);
  u->changed = cell_int(r, row, 11);
  u->usage = cell_int(r, row, 12);
}

/* Gives the rows of r to fn; *stop set when fn or the limit ended the walk. */
static void give_rows(const PGresult *r, const char *src_lang, const char *tgt_lang, size_t limit,
                      size_t *given, cd_tm_unit_fn fn, void *ud, bool *stop) {
  for (int i = 0; i < PQntuples(r) && !*stop; i++) {
    cd_tm_unit u;
    pg_read_unit(r, i, &u);
    if (!cd_tm__lang_matches(src_lang, u.src_lang) || !cd_tm__lang_matches(tgt_lang, u.tgt_lang))
      continue;
    if (fn(ud, &u) || (limit && ++*given >= limit))
      *stop = true;
  }
}

/* ---- opening ----------------------------------------------------------------------------- */

static cd_status pg_schema_version(cd_tm_store *s, int *version, bool *exists, cd_error *err) {
  PGresult *r = NULL;
  *version = 0;
  *exists = false;
  cd_status st = pg_query(s, "SELECT to_regclass('copydesk_tm_schema') IS NOT NULL", 0, NULL, &r,
                          "cannot read the TM's schema", err);
  if (st)
    return st;
  *exists = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
  PQclear(r);
  if (!*exists)
    return CD_OK;
  if ((st = pg_query(s, "SELECT max(version) FROM copydesk_tm_schema", 0, NULL, &r,
                     "cannot read the TM's schema", err)))
    return st;
  *version = PQntuples(r) == 1 ? (int)cell_int(r, 0, 0) : 0;
  PQclear(r);
  return CD_OK;
}

static cd_status pg_migrate(cd_tm_store *s, cd_error *err) {
  int version;
  bool exists;
  cd_status st = pg_schema_version(s, &version, &exists, err);
  if (st)
    return st;
  if (version > PG_N_MIGRATIONS)
    return cd_error_set(err, CD_ERR_DB,
                        "%s: the TM has schema version %d, newer than this copydesk "
                        "understands (%d); use a newer copydesk",
                        s->path, version, PG_N_MIGRATIONS);
  if (version == PG_N_MIGRATIONS)
    return CD_OK;
  if (s->opt.read_only)
    return cd_error_set(err, CD_ERR_DB,
                        exists ? "%s: the TM has an old schema and needs migrating; open it once "
                                 "for writing"
                               : "%s: no copydesk TM in this database (create one with "
                                 "'copydesk tm import' or 'tm add')",
                        s->path);
  /* Several processes may open a new database at once: the lock lets one create the schema. */
  if ((st = pg_exec_ddl(s,
                        "BEGIN; SELECT pg_advisory_xact_lock(" PG_MIGRATION_LOCK ");"
                        " CREATE TABLE IF NOT EXISTS copydesk_tm_schema(version integer NOT NULL)",
                        "cannot migrate the TM", err)) ||
      (st = pg_schema_version(s, &version, &exists, err)))
    goto fail;
  for (int v = version; v < PG_N_MIGRATIONS; v++)
    if ((st = pg_exec_ddl(s, pg_migrations[v], "cannot migrate the TM", err)))
      goto fail;
  if (version < PG_N_MIGRATIONS) {
    char vs[16];
    snprintf(vs, sizeof vs, "%d", PG_N_MIGRATIONS);
    const char *v[1] = {vs};
    if ((st = pg_query(s, "DELETE FROM copydesk_tm_schema", 0, NULL, NULL, "cannot migrate the TM",
                       err)) ||
        (st = pg_query(s, "INSERT INTO copydesk_tm_schema(version) VALUES($1::integer)", 1, v, NULL,
                       "cannot migrate the TM", err)))
      goto fail;
  }
  if ((st = pg_exec_ddl(s, "COMMIT", "cannot migrate the TM", err)))
    goto fail;
  return CD_OK;
fail:
  pg_exec_ddl(s, "ROLLBACK", "rollback", NULL);
  return st;
}

cd_status cd_tm__pg_open(cd_tm_store *s, const char *url, cd_error *err) {
  char *label = cd_pg_url_redact(url);
  if (!label)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  free(s->path);
  s->path = label;
  s->pg = PQconnectdb(url);
  if (!s->pg)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  if (PQstatus(s->pg) != CONNECTION_OK)
    return pg_error(s, NULL, "cannot connect to the TM", err);
  PQsetNoticeProcessor(s->pg, cd_pg_quiet_notices, NULL);
  char ms[32];
  snprintf(ms, sizeof ms, "%d", s->opt.busy_timeout_ms > 0 ? s->opt.busy_timeout_ms : 0);
  const char *v[2] = {ms, s->opt.read_only ? "on" : "off"};
  cd_status st = pg_query(s,
                          "SELECT set_config('lock_timeout', $1, false),"
                          " set_config('default_transaction_read_only', $2, false)",
                          2, v, NULL, "cannot configure the session", err);
  return st ? st : pg_migrate(s, err);
}

void cd_tm__pg_close(cd_tm_store *s) {
  if (s->pg)
    PQfinish(s->pg);
  s->pg = NULL;
}

/* ---- transactions ------------------------------------------------------------------------ */

cd_status cd_tm__pg_begin(cd_tm_store *s, cd_error *err) {
  return pg_exec_ddl(s, "BEGIN", "cannot start a write transaction", err);
}

static int by_term(const void *a, const void *b) {
  return strcmp(((const df_entry *)a)->term, ((const df_entry *)b)->term);
}

/* A PostgreSQL array literal element: "…" with \ and " escaped (the literal is a parameter). */
static cd_status append_array_elem(cd_buf *b, const char *t, size_t len) {
  cd_status st = cd_buf_append(b, b->len > 1 ? ",\"" : "\"", b->len > 1 ? 2 : 1);
  for (size_t i = 0; i < len && !st; i++)
    st = t[i] == '"' || t[i] == '\\' ? cd_buf_appendf(b, "\\%c", t[i]) : cd_buf_append(b, t + i, 1);
  return st ? st : cd_buf_append(b, "\"", 1);
}

/* term_df gets the counts of the transaction, in term order (see the top comment). */
static cd_status pg_df_flush(cd_tm_store *s, cd_error *err) {
  size_t n = 0;
  for (size_t i = 0; i < s->df.cap; i++)
    if (s->df.slots[i].term)
      s->df.slots[n++] = s->df.slots[i];
  if (n == 0)
    return CD_OK;
  for (size_t i = n; i < s->df.cap; i++)
    s->df.slots[i].term = NULL;
  qsort(s->df.slots, n, sizeof *s->df.slots, by_term);
  cd_buf terms = CD_BUF_INIT, counts = CD_BUF_INIT;
  cd_status st = cd_buf_append(&terms, "{", 1);
  if (!st)
    st = cd_buf_append(&counts, "{", 1);
  for (size_t i = 0; i < n && !st; i++) {
    st = append_array_elem(&terms, s->df.slots[i].term, strlen(s->df.slots[i].term));
    if (!st)
      st = cd_buf_appendf(&counts, "%s%lld", i ? "," : "", (long long)s->df.slots[i].n);
  }
  if (!st)
    st = cd_buf_append(&terms, "}", 2);
  if (!st)
    st = cd_buf_append(&counts, "}", 2);
  /* The map is no longer a hash table: it is emptied whatever happens. */
  if (st)
    st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  else {
    const char *v[2] = {terms.data, counts.data};
    st = pg_query(s,
                  "INSERT INTO term_df(term, n) SELECT t, c FROM unnest($1::text[], $2::bigint[])"
                  " AS x(t, c) ON CONFLICT (term) DO UPDATE SET n = term_df.n + excluded.n",
                  2, v, NULL, "cannot update the term index", err);
  }
  cd_buf_free(&terms);
  cd_buf_free(&counts);
  return st;
}

cd_status cd_tm__pg_commit(cd_tm_store *s, cd_error *err) {
  cd_status st = pg_df_flush(s, err);
  return st ? st : pg_exec_ddl(s, "COMMIT", "cannot commit", err);
}

void cd_tm__pg_rollback(cd_tm_store *s) {
  s->pg_stage_ready = false; /* created in this transaction, it is gone */
  if (PQtransactionStatus(s->pg) != PQTRANS_IDLE)
    pg_exec_ddl(s, "ROLLBACK", "cannot roll back", NULL);
}

/* ---- adding ------------------------------------------------------------------------------ */

typedef struct terms_ctx {
  cd_buf *terms, *cols;
  int col;
  cd_status st;
} terms_ctx;

static void add_term(void *ud, const char *term, size_t len) {
  terms_ctx *c = ud;
  if (c->st)
    return;
  c->st = append_array_elem(c->terms, term, len);
  if (!c->st)
    c->st = cd_buf_appendf(c->cols, "%s%d", c->cols->len > 1 ? "," : "", c->col);
}

static cd_status unit_terms_arrays(cd_tm_store *s, cd_buf *terms, cd_buf *cols) {
  cd_buf_clear(terms);
  cd_buf_clear(cols);
  terms_ctx c = {terms, cols, 0, cd_buf_append(terms, "{", 1)};
  if (!c.st)
    c.st = cd_buf_append(cols, "{", 1);
  cd_terms_each(s->fold_src.data, s->fold_src.len, add_term, &c);
  c.col = 1;
  cd_terms_each(s->fold_tgt.data, s->fold_tgt.len, add_term, &c);
  if (!c.st)
    c.st = cd_buf_append(terms, "}", 2);
  if (!c.st)
    c.st = cd_buf_append(cols, "}", 2);
  return c.st;
}

/* ---- staged inserts: cd_tm_store_bulk_begin ... bulk_end ------------------------------- */

/* Many units (an import, a migration) go by COPY into a temporary table, thousands at a time,
 * and are merged into units and unit_terms by one statement per batch: 8,000 units/s where
 * an INSERT per unit gave 3,000, and 500 of them pipelined 5,000 (docs/postgresql.md). The
 * merge is the same ON CONFLICT as add_sql's, so concurrent writers behave as with single
 * inserts. */

/* Units per merge. */
#define PG_BATCH 5000

static const char *const stage_ddl =
    "CREATE TEMP TABLE IF NOT EXISTS cd_stage(seq integer NOT NULL,"
    "  src_lang text COLLATE \"C\" NOT NULL, tgt_lang text COLLATE \"C\" NOT NULL,"
    "  source text NOT NULL, target text NOT NULL, source_markup text, target_markup text,"
    "  origin_doc text, origin_date bigint, score double precision,"
    "  created bigint NOT NULL, changed bigint NOT NULL, usage bigint NOT NULL,"
    "  terms text[] NOT NULL, cols smallint[] NOT NULL)";

/* Inserts or merges the staged units in input order (ids follow it), indexes the inserted
 * ones, and returns the seq of each inserted unit. */
static const char *const stage_merge_sql =
    "WITH u AS (INSERT INTO units(src_lang, tgt_lang, source, target, source_markup,"
    " target_markup, origin_doc, origin_date, score, created, changed, usage)"
    " SELECT src_lang, tgt_lang, source, target, source_markup, target_markup, origin_doc,"
    " origin_date, score, created, changed, usage FROM cd_stage ORDER BY seq"
    " ON CONFLICT (src_lang, tgt_lang, md5(coalesce(source_markup, source)),"
    " md5(coalesce(target_markup, target))) DO UPDATE SET"
    " changed = greatest(units.changed, excluded.changed),"
    " created = least(units.created, excluded.created),"
    " usage = units.usage + excluded.usage, score = coalesce(excluded.score, units.score),"
    " origin_doc = coalesce(units.origin_doc, excluded.origin_doc),"
    " origin_date = coalesce(units.origin_date, excluded.origin_date)"
    " RETURNING id, (xmax = 0) AS inserted, src_lang, tgt_lang,"
    " coalesce(source_markup, source) AS sk, coalesce(target_markup, target) AS tk),"
    " m AS (SELECT s.seq, u.id, s.terms, s.cols FROM u JOIN cd_stage s"
    " ON s.src_lang = u.src_lang AND s.tgt_lang = u.tgt_lang"
    " AND coalesce(s.source_markup, s.source) = u.sk"
    " AND coalesce(s.target_markup, s.target) = u.tk WHERE u.inserted),"
    " t AS (INSERT INTO unit_terms(term, col, unit_id)"
    " SELECT DISTINCT x.term, x.col, m.id FROM m, unnest(m.terms, m.cols) AS x(term, col)"
    " ORDER BY 1, 2, 3)"
    " SELECT seq FROM m ORDER BY seq";

cd_status cd_tm__pg_batch_begin(cd_tm_store *s, cd_error *err) {
  if (!s->pg_fold_ends && !(s->pg_fold_ends = malloc(PG_BATCH * sizeof *s->pg_fold_ends)))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  /* Created once a session; a rollback may have dropped it with the transaction. Every
   * merge empties it, and a failed one aborts the transaction, which empties it too. */
  if (!s->pg_stage_ready) {
    cd_status st = pg_exec_ddl(s, stage_ddl, "cannot stage units", err);
    if (st)
      return st;
    s->pg_stage_ready = true;
  }
  s->pg_batching = true;
  s->pg_pending = s->pg_added = s->pg_merged = 0;
  cd_buf_clear(&s->pg_folds);
  cd_buf_clear(&s->pg_copy);
  return CD_OK;
}

/* Appends a field of COPY's text format: the separator, then the text with \, tab, newline
 * and carriage return escaped, or \N for NULL. */
static cd_status copy_field(cd_buf *b, const char *t, size_t len, bool first) {
  cd_status st = first ? CD_OK : cd_buf_append(b, "\t", 1);
  if (!t)
    return st ? st : cd_buf_append(b, "\\N", 2);
  size_t from = 0;
  for (size_t i = 0; i < len && !st; i++) {
    const char *esc = t[i] == '\\'   ? "\\\\"
                      : t[i] == '\t' ? "\\t"
                      : t[i] == '\n' ? "\\n"
                      : t[i] == '\r' ? "\\r"
                                     : NULL;
    if (!esc)
      continue;
    st = cd_buf_append(b, t + from, i - from);
    if (!st)
      st = cd_buf_append(b, esc, 2);
    from = i + 1;
  }
  return st ? st : cd_buf_append(b, t + from, len - from);
}

static cd_status copy_str(cd_buf *b, const char *t) {
  return copy_field(b, t, t ? strlen(t) : 0, false);
}

/* Sends the staged rows with COPY, merges them, and counts the terms of the inserted units. */
static cd_status stage_flush(cd_tm_store *s, cd_error *err) {
  if (s->pg_pending == 0)
    return CD_OK;
  PGresult *r = PQexec(s->pg, "COPY cd_stage FROM STDIN");
  bool copying = r && PQresultStatus(r) == PGRES_COPY_IN;
  PQclear(r);
  if (!copying)
    return pg_error(s, NULL, "cannot stage units", err);
  int sent = PQputCopyData(s->pg, s->pg_copy.data, (int)s->pg_copy.len);
  int ended = PQputCopyEnd(s->pg, sent == 1 ? NULL : "client error");
  cd_status st = CD_OK;
  while ((r = PQgetResult(s->pg)) != NULL) {
    if (!st && (sent != 1 || ended != 1 || PQresultStatus(r) != PGRES_COMMAND_OK))
      st = pg_error(s, r, "cannot stage units", err);
    PQclear(r);
  }
  if (!st)
    st = pg_query(s, stage_merge_sql, 0, NULL, &r, "cannot add units", err);
  if (st)
    return st;
  size_t ninserted = (size_t)PQntuples(r);
  for (size_t i = 0; i < ninserted && !st; i++) {
    size_t seq = (size_t)strtoul(PQgetvalue(r, (int)i, 0), NULL, 10);
    size_t from = seq ? s->pg_fold_ends[seq - 1] : 0;
    if (seq < s->pg_pending)
      st = cd_tm__count_terms(s, s->pg_folds.data + from, s->pg_fold_ends[seq] - from, err);
  }
  PQclear(r);
  s->pg_added += ninserted;
  s->pg_merged += s->pg_pending - ninserted;
  s->pg_pending = 0;
  cd_buf_clear(&s->pg_folds);
  cd_buf_clear(&s->pg_copy);
  cd_strmap_free(s->pg_idents);
  s->pg_idents = NULL;
  return st ? st : pg_exec_ddl(s, "TRUNCATE cd_stage", "cannot stage units", err);
}

/* A COPY row of the unit (its index terms as array literals, as add_sql takes them). */
static cd_status stage_row(cd_tm_store *s, const char *const *v, const char *terms,
                           const char *cols) {
  cd_buf *b = &s->pg_copy;
  cd_status st = cd_buf_appendf(b, "%zu", s->pg_pending);
  for (int i = 0; i < 12 && !st; i++)
    st = copy_str(b, v[i]);
  if (!st)
    st = copy_str(b, terms);
  if (!st)
    st = copy_str(b, cols);
  if (!st)
    st = cd_buf_append(b, "\n", 1);
  if (!st)
    st = cd_buf_append(&s->pg_folds, s->fold_src.data, s->fold_src.len);
  return st;
}

static cd_status stage_add(cd_tm_store *s, const tm_unit_in *in, const char *const *v,
                           cd_error *err) {
  /* One statement cannot merge a unit twice: a duplicate within the batch waits for the next. */
  cd_status st = CD_OK;
  if (s->pg_idents && cd_strmap_contains(s->pg_idents, (const char *)&in->ident, sizeof in->ident))
    st = stage_flush(s, err);
  if (st)
    return st;
  bool inserted;
  if ((!s->pg_idents && !(s->pg_idents = cd_strmap_new())) ||
      !cd_strmap_slot(s->pg_idents, (const char *)&in->ident, sizeof in->ident, &inserted) ||
      stage_row(s, v, v[12], v[13]))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  s->pg_fold_ends[s->pg_pending++] = s->pg_folds.len;
  return s->pg_pending == PG_BATCH ? stage_flush(s, err) : CD_OK;
}

cd_status cd_tm__pg_batch_end(cd_tm_store *s, size_t *added, size_t *merged, cd_error *err) {
  if (!s->pg_batching)
    return CD_OK;
  s->pg_batching = false;
  cd_status st = err ? stage_flush(s, err) : CD_OK;
  s->pg_pending = 0;
  cd_buf_clear(&s->pg_folds);
  cd_buf_clear(&s->pg_copy);
  cd_strmap_free(s->pg_idents);
  s->pg_idents = NULL;
  if (st)
    return st;
  if (added)
    *added += s->pg_added;
  if (merged)
    *merged += s->pg_merged;
  return CD_OK;
}

cd_status cd_tm__pg_add(cd_tm_store *s, const tm_unit_in *in, bool *merged, cd_error *err) {
  const cd_tm_unit *u = in->u;
  cd_buf cols = CD_BUF_INIT;
  if (unit_terms_arrays(s, &s->scratch, &cols)) {
    cd_buf_free(&cols);
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  char od[24], sc[32], cr[24], ch[24], us[24];
  snprintf(od, sizeof od, "%lld", (long long)u->origin_date);
  snprintf(sc, sizeof sc, "%.17g", u->score);
  snprintf(cr, sizeof cr, "%lld", (long long)in->created);
  snprintf(ch, sizeof ch, "%lld", (long long)in->changed);
  snprintf(us, sizeof us, "%lld", (long long)u->usage);
  const char *v[14] = {in->sl,
                       in->tl,
                       u->source,
                       u->target,
                       u->source_markup,
                       u->target_markup,
                       in->origin,
                       u->origin_date ? od : NULL,
                       u->score >= 0 ? sc : NULL,
                       cr,
                       ch,
                       us,
                       s->scratch.data,
                       cols.data};
  if (s->pg_batching) {
    cd_status st = stage_add(s, in, v, err);
    cd_buf_free(&cols);
    return st;
  }
  PGresult *r = NULL;
  cd_status st = pg_run(s, PS_ADD, 14, v, &r, "cannot add a unit", err);
  cd_buf_free(&cols);
  if (st)
    return st;
  bool inserted = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 1), "t") == 0;
  PQclear(r);
  if (inserted && (st = cd_tm__count_terms(s, s->fold_src.data, s->fold_src.len, err)))
    return st;
  if (merged)
    *merged = !inserted;
  return CD_OK;
}

/* ---- reading ----------------------------------------------------------------------------- */

cd_status cd_tm__pg_term_df(cd_tm_store *s, const char *term, int64_t *n, bool *found,
                            cd_error *err) {
  PGresult *r = NULL;
  const char *v[1] = {term};
  cd_status st = pg_run(s, PS_TERM_DF, 1, v, &r, "cannot read the term index", err);
  if (st)
    return st;
  *found = PQntuples(r) == 1;
  *n = *found ? cell_int(r, 0, 0) : 0;
  PQclear(r);
  return CD_OK;
}

cd_status cd_tm__pg_postings(cd_tm_store *s, const char *term, int (*push)(void *, int64_t),
                             void *ud, cd_error *err) {
  PGresult *r = NULL;
  const char *v[1] = {term};
  cd_status st = pg_run(s, PS_POSTINGS, 1, v, &r, "cannot search the index", err);
  if (st)
    return st;
  for (int i = 0; i < PQntuples(r) && !st; i++)
    if (push(ud, cell_int8_binary(r, i, 0)))
      st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  PQclear(r);
  return st;
}

cd_status cd_tm__pg_units_by_id(cd_tm_store *s, const int64_t *ids, size_t n, const char *src_lang,
                                const char *tgt_lang, size_t limit, cd_tm_unit_fn fn, void *ud,
                                cd_error *err) {
  cd_buf a = CD_BUF_INIT;
  cd_status st = cd_buf_append(&a, "{", 1);
  for (size_t i = 0; i < n && !st; i++)
    st = cd_buf_appendf(&a, "%s%lld", i ? "," : "", (long long)ids[i]);
  if (!st)
    st = cd_buf_append(&a, "}", 2);
  if (st) {
    cd_buf_free(&a);
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  PGresult *r = NULL;
  const char *v[1] = {a.data};
  st = pg_query(s,
                "SELECT " PG_UNIT_COLUMNS " FROM unnest($1::bigint[]) WITH ORDINALITY AS q(id, ord)"
                " JOIN units u ON u.id = q.id ORDER BY q.ord",
                1, v, &r, "cannot read a unit", err);
  cd_buf_free(&a);
  if (st)
    return st;
  size_t given = 0;
  bool stop = false;
  give_rows(r, src_lang, tgt_lang, limit, &given, fn, ud, &stop);
  PQclear(r);
  return CD_OK;
}

/* Streams the rows of a unit query through a cursor, 1000 at a time: a TM of millions of
 * units is never held in memory, and fn may query the store meanwhile. */
static cd_status pg_stream(cd_tm_store *s, const char *select, int n, const char *const *v,
                           const char *src_lang, const char *tgt_lang, size_t limit,
                           cd_tm_unit_fn fn, void *ud, cd_error *err) {
  bool own = PQtransactionStatus(s->pg) == PQTRANS_IDLE;
  cd_status st = own ? pg_exec_ddl(s, "BEGIN", "cannot read units", err) : CD_OK;
  if (st)
    return st;
  /* Named by depth: fn may start another walk on the same connection. */
  unsigned depth = s->pg_cursors++;
  char fetch[64], close_sql[64];
  snprintf(fetch, sizeof fetch, "FETCH 1000 FROM cd_units%u", depth);
  snprintf(close_sql, sizeof close_sql, "CLOSE cd_units%u", depth);
  cd_buf decl = CD_BUF_INIT;
  if (cd_buf_appendf(&decl, "DECLARE cd_units%u NO SCROLL CURSOR FOR %s", depth, select)) {
    st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    goto done;
  }
  if ((st = pg_query(s, decl.data, n, v, NULL, "cannot read units", err)))
    goto done;
  size_t given = 0;
  bool stop = false;
  while (!stop && !st) {
    PGresult *r = NULL;
    if ((st = pg_query(s, fetch, 0, NULL, &r, "cannot read units", err)))
      break;
    int rows = PQntuples(r);
    give_rows(r, src_lang, tgt_lang, limit, &given, fn, ud, &stop);
    PQclear(r);
    if (rows < 1000)
      break;
  }
  if (!st)
    st = pg_exec_ddl(s, close_sql, "cannot read units", err);
done:
  s->pg_cursors--;
  cd_buf_free(&decl);
  if (own) {
    if (!st)
      st = pg_exec_ddl(s, "COMMIT", "cannot read units", err);
    else
      pg_exec_ddl(s, "ROLLBACK", "rollback", NULL);
  }
  return st;
}

cd_status cd_tm__pg_foreach(cd_tm_store *s, const char *src_lang, const char *tgt_lang,
                            cd_tm_unit_fn fn, void *ud, cd_error *err) {
  return pg_stream(s, "SELECT " PG_UNIT_COLUMNS " FROM units u ORDER BY u.id", 0, NULL, src_lang,
                   tgt_lang, 0, fn, ud, err);
}

cd_status cd_tm__pg_concord(cd_tm_store *s, const char *const *terms, size_t nterms,
                            const char *src_lang, const char *tgt_lang, size_t limit,
                            cd_tm_unit_fn fn, void *ud, cd_error *err) {
  cd_buf a = CD_BUF_INIT;
  cd_status st = cd_buf_append(&a, "{", 1);
  size_t distinct = 0;
  for (size_t i = 0; i < nterms && !st; i++) {
    bool dup = false;
    for (size_t j = 0; j < i && !dup; j++)
      dup = strcmp(terms[i], terms[j]) == 0;
    if (dup)
      continue;
    distinct++;
    st = append_array_elem(&a, terms[i], strlen(terms[i]));
  }
  if (!st)
    st = cd_buf_append(&a, "}", 2);
  if (st) {
    cd_buf_free(&a);
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  char ns[24];
  snprintf(ns, sizeof ns, "%zu", distinct);
  const char *v[2] = {a.data, ns};
  /* A unit holds the terms in its source or its target, as FTS5's AND over both columns. */
  st = pg_stream(s,
                 "SELECT " PG_UNIT_COLUMNS " FROM units u WHERE u.id IN (SELECT unit_id FROM"
                 " unit_terms WHERE term = ANY($1::text[]) GROUP BY unit_id"
                 " HAVING count(DISTINCT term) = $2::bigint) ORDER BY u.id DESC",
                 2, v, src_lang, tgt_lang, limit, fn, ud, err);
  cd_buf_free(&a);
  return st;
}

cd_status cd_tm__pg_note_use(cd_tm_store *s, int64_t id, cd_error *err) {
  char is[24];
  snprintf(is, sizeof is, "%lld", (long long)id);
  const char *v[1] = {is};
  return pg_query(s, "UPDATE units SET usage = usage + 1 WHERE id = $1::bigint", 1, v, NULL,
                  "cannot update a unit", err);
}

cd_status cd_tm__pg_stats(cd_tm_store *s, cd_tm_stats *out, cd_tm_pair_fn pair_fn, void *ud,
                          cd_error *err) {
  bool exists;
  cd_status st = pg_schema_version(s, &out->schema_version, &exists, err);
  PGresult *r = NULL;
  if (st || (st = pg_query(s, "SELECT count(*), min(created), max(created) FROM units", 0, NULL, &r,
                           "cannot read the TM", err)))
    return st;
  out->units = cell_int(r, 0, 0);
  out->oldest = cell_int(r, 0, 1);
  out->newest = cell_int(r, 0, 2);
  PQclear(r);
  if (!pair_fn)
    return CD_OK;
  if ((st = pg_query(s,
                     "SELECT src_lang, tgt_lang, count(*) FROM units GROUP BY 1, 2"
                     " ORDER BY 3 DESC, 1, 2",
                     0, NULL, &r, "cannot read the TM", err)))
    return st;
  for (int i = 0; i < PQntuples(r); i++)
    pair_fn(ud, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), cell_int(r, i, 2));
  PQclear(r);
  return CD_OK;
}
