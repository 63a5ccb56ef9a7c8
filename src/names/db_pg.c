/* SPDX-License-Identifier: MIT */
/* The names store on PostgreSQL (names_store.h), and cd_names_migrate, which puts a compiled
 * names.sqlite there.
 *
 * The tables mirror names.sqlite's, each with a leading generation column: every migrate
 * loads the whole store as a new generation, in one transaction, and a reader opening the
 * store pins the newest committed generation for its session (a shared session-level
 * advisory lock on (NAMES_LOCK, generation)), then reads only its rows. So a reader never
 * sees half a store: the new generation becomes visible at commit, complete, and a reader
 * opened before keeps the rows of its own generation, whose entity numbers its cache holds.
 * A migrate deletes the old generations that no session has pinned (it takes their lock
 * without waiting; a pinned one is left for a later migrate). No long transaction is held
 * open by a reader: vacuum is not held back, and each query is autocommit and read-only.
 *
 * Keys are text COLLATE "C": byte order, as SQLite's BINARY, so range scans and ORDER BY
 * give SQLite's rows in SQLite's order. The key filter is loaded whole at open (one bytea).
 * Data always travels as parameters, never inside SQL text. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cd_pg.h"
#include "names_internal.h"
#include "names_store.h"

/* 'CDNM': the lock serializing migrations (one key) and the class of the generation locks
 * (two keys: NAMES_LOCK, generation). */
#define NAMES_LOCK "1128549965"

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS copydesk_names_gens(gen integer PRIMARY KEY,"
    " format integer NOT NULL, pair_marks boolean NOT NULL, filter bytea,"
    " entities bigint NOT NULL, source text, loaded timestamptz NOT NULL DEFAULT now());"
    "CREATE TABLE IF NOT EXISTS copydesk_names_entities(gen integer NOT NULL,"
    " eid bigint NOT NULL, id text COLLATE \"C\" NOT NULL, type text NOT NULL,"
    " historical smallint NOT NULL, canon text, PRIMARY KEY(gen, eid));"
    "CREATE UNIQUE INDEX IF NOT EXISTS copydesk_names_entities_id"
    " ON copydesk_names_entities(gen, id);"
    "CREATE TABLE IF NOT EXISTS copydesk_names_forms(gen integer NOT NULL, fid bigint NOT NULL,"
    " eid bigint NOT NULL, lang text NOT NULL, kind text NOT NULL, script text NOT NULL,"
    " form text NOT NULL, surname text, PRIMARY KEY(gen, fid));"
    "CREATE INDEX IF NOT EXISTS copydesk_names_forms_eid ON copydesk_names_forms(gen, eid, fid);"
    "CREATE TABLE IF NOT EXISTS copydesk_names_context(gen integer NOT NULL, eid bigint NOT NULL,"
    " key text COLLATE \"C\" NOT NULL, ord bigint NOT NULL, value text NOT NULL,"
    " PRIMARY KEY(gen, eid, key, ord));"
    "CREATE TABLE IF NOT EXISTS copydesk_names_keys(gen integer NOT NULL,"
    " key text COLLATE \"C\" NOT NULL, kind smallint NOT NULL, part smallint NOT NULL,"
    " eid bigint NOT NULL, fid bigint NOT NULL, PRIMARY KEY(gen, key, kind, part, eid, fid));";

/* The tables holding rows of a generation (copydesk_names_gens last: its row goes last). */
static const char *const gen_tables[] = {"copydesk_names_keys", "copydesk_names_context",
                                         "copydesk_names_forms", "copydesk_names_entities",
                                         "copydesk_names_gens"};

/* The statements of a reader, prepared once per connection; $1 is always the generation. */
enum { Q_KEYS, Q_SKEL, Q_ENT, Q_BY_ID, Q_GIVEN, Q_FORMS, Q_CTX, Q_PREFIX, Q_ENTITIES, Q_NQ };
static const char *const q_sql[Q_NQ] = {
    [Q_KEYS] = "SELECT eid, part FROM copydesk_names_keys WHERE gen=$1 AND key=$2 AND kind=$3"
               " AND part<2 ORDER BY part, eid, fid LIMIT 512",
    [Q_SKEL] = "SELECT eid, part FROM copydesk_names_keys WHERE gen=$1 AND key=$2 AND kind=$3"
               " ORDER BY part, eid, fid LIMIT 33",
    [Q_ENT] = "SELECT id, type, historical, canon FROM copydesk_names_entities"
              " WHERE gen=$1 AND eid=$2",
    [Q_BY_ID] = "SELECT eid FROM copydesk_names_entities WHERE gen=$1 AND id=$2",
    [Q_GIVEN] = "SELECT 1 FROM copydesk_names_keys WHERE gen=$1 AND key=$2 AND kind=$3"
                " AND part=2 AND eid=$4 LIMIT 1",
    [Q_FORMS] = "SELECT lang, kind, form FROM copydesk_names_forms WHERE gen=$1 AND eid=$2"
                " ORDER BY fid",
    [Q_CTX] = "SELECT value FROM copydesk_names_context WHERE gen=$1 AND eid=$2 AND key=$3"
              " ORDER BY ord",
    [Q_PREFIX] = "SELECT k.eid, k.part, e.id, e.type, e.historical, f.form, f.surname, k.key"
                 " FROM copydesk_names_keys k"
                 " JOIN copydesk_names_entities e ON e.gen=k.gen AND e.eid=k.eid"
                 " JOIN copydesk_names_forms f ON f.gen=k.gen AND f.fid=k.fid"
                 " WHERE k.gen=$1 AND k.key>=$2 AND k.key<$3 AND k.kind=1 AND k.part<2"
                 " AND octet_length(k.key)<=$4::integer"
                 " ORDER BY k.key, k.kind, k.part, k.eid, k.fid LIMIT 32",
    [Q_ENTITIES] = "SELECT entities FROM copydesk_names_gens WHERE gen=$1",
};
static const char *const q_name[Q_NQ] = {"cdn_keys",  "cdn_skel",   "cdn_ent",
                                         "cdn_by_id", "cdn_given",  "cdn_forms",
                                         "cdn_ctx",   "cdn_prefix", "cdn_count"};

/* The rows of recent key queries. The generation is pinned, so an answer never goes
 * stale: a name that recurs (in a text, across requests of a server) costs no round trip
 * after the first. Direct-mapped; answers of more than KEY_CACHE_ROWS rows are not kept. */
#define KEY_CACHE 4096
#define KEY_CACHE_ROWS 64
typedef struct key_row {
  int64_t eid;
  int part;
} key_row;
typedef struct key_slot {
  char *key; /* NULL: empty */
  size_t klen;
  int kind; /* negative for the skeleton query */
  int n;
  key_row *rows;
} key_slot;

typedef struct names_pg {
  PGconn *pg;
  char *label; /* the URL without its password */
  char gen[16];
  cd_buf a, b;     /* NUL-terminated copies of key parameters */
  key_slot *cache; /* KEY_CACHE slots, allocated on first use */
} names_pg;

bool cd_names_is_url(const char *location) { return cd_pg_is_url(location); }

static cd_status pg_err(PGconn *pg, const char *label, const PGresult *r, const char *what,
                        cd_error *err) {
  return cd_pg_error(pg, label, 0, r, what, err);
}

/* Runs sql with text parameters (binary results when binary); *out (may be NULL) gets the
 * result, which the caller clears. */
static cd_status pg_q(PGconn *pg, const char *label, const char *sql, int n, const char *const *v,
                      bool binary, PGresult **out, const char *what, cd_error *err) {
  return cd_pg_exec(pg, label, 0, sql, n, v, binary, out, what, err);
}

/* Connects with the session settings both readers and the migration need. */
static cd_status pg_connect(const char *url, const char *label, bool read_only, PGconn **out,
                            cd_error *err) {
  PGconn *pg = *out = PQconnectdb(url);
  if (!pg)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  if (PQstatus(pg) != CONNECTION_OK)
    return pg_err(pg, label, NULL, "cannot connect to the names store", err);
  PQsetNoticeProcessor(pg, cd_pg_quiet_notices, NULL);
  if (PQsetClientEncoding(pg, "UTF8") != 0)
    return pg_err(pg, label, NULL, "cannot set the client encoding", err);
  PGresult *r = NULL;
  const char *v[1] = {read_only ? "on" : "off"};
  cd_status st = pg_q(pg, label,
                      "SELECT current_setting('server_encoding'),"
                      " set_config('default_transaction_read_only', $1, false)",
                      1, v, false, &r, "cannot configure the session", err);
  if (st)
    return st;
  if (strcmp(PQgetvalue(r, 0, 0), "UTF8") != 0)
    st = cd_error_set(err, CD_ERR_DB,
                      "%s: the database's encoding is %s; the names store needs UTF8 "
                      "(createdb -E UTF8)",
                      label, PQgetvalue(r, 0, 0));
  PQclear(r);
  return st;
}

/* ---- the reader's queries ------------------------------------------------------------- */

static cd_status run(names_pg *p, int q, int n, const char *const *v, PGresult **out,
                     cd_error *err) {
  PGresult *r = PQexecPrepared(p->pg, q_name[q], n, v, NULL, NULL, 0);
  ExecStatusType t = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (t != PGRES_TUPLES_OK) {
    cd_status st = pg_err(p->pg, p->label, r, "names query failed", err);
    PQclear(r);
    return st;
  }
  *out = r;
  return CD_OK;
}

/* s[0, n) NUL-terminated in b (a parameter); NULL when out of memory. */
static const char *param(cd_buf *b, const char *s, size_t n) {
  cd_buf_clear(b);
  if (cd_buf_append(b, s, n) || cd_buf_append(b, "", 1))
    return NULL;
  return b->data;
}

static int64_t cell_i64(const PGresult *r, int row, int col) {
  return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static const char *cell(const PGresult *r, int row, int col) {
  return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

static void slot_clear(key_slot *k) {
  free(k->key);
  free(k->rows);
  memset(k, 0, sizeof *k);
}

/* The slot of (key, kind), NULL when the cache cannot be had. */
static key_slot *cache_slot(names_pg *p, const char *key, size_t klen, int kind) {
  if (!p->cache && !(p->cache = calloc(KEY_CACHE, sizeof *p->cache)))
    return NULL;
  uint64_t h = cd_names_hash(key, klen) ^ ((uint64_t)(kind + 8) * 0x9E3779B97F4A7C15ULL);
  return &p->cache[h % KEY_CACHE];
}

/* Keeps the answer r in slot k (silently not, when it is long or memory is short). */
static void cache_put(key_slot *k, const char *key, size_t klen, int kind, const PGresult *r) {
  int n = PQntuples(r);
  if (!k || n > KEY_CACHE_ROWS)
    return;
  slot_clear(k);
  if (!(k->key = malloc(klen + 1)) || (n && !(k->rows = malloc((size_t)n * sizeof *k->rows)))) {
    slot_clear(k);
    return;
  }
  memcpy(k->key, key, klen);
  k->key[klen] = '\0';
  k->klen = klen;
  k->kind = kind;
  k->n = n;
  for (int i = 0; i < n; i++)
    k->rows[i] = (key_row){cell_i64(r, i, 0), (int)cell_i64(r, i, 1)};
}

static cd_status pg_keys(void *impl, const char *key, size_t klen, int kind, bool skel,
                         names_key_row_fn fn, void *ud, cd_error *err) {
  names_pg *p = impl;
  key_slot *k = cache_slot(p, key, klen, skel ? -kind : kind);
  if (k && k->key && k->kind == (skel ? -kind : kind) && k->klen == klen &&
      memcmp(k->key, key, klen) == 0) {
    for (int i = 0; i < k->n; i++)
      if (!fn(ud, k->rows[i].eid, k->rows[i].part))
        break;
    return CD_OK;
  }
  char ks[8];
  snprintf(ks, sizeof ks, "%d", kind);
  const char *v[3] = {p->gen, param(&p->a, key, klen), ks};
  if (!v[1])
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  PGresult *r = NULL;
  cd_status st = run(p, skel ? Q_SKEL : Q_KEYS, 3, v, &r, err);
  if (st)
    return st;
  cache_put(k, key, klen, skel ? -kind : kind, r);
  for (int i = 0, n = PQntuples(r); i < n; i++)
    if (!fn(ud, cell_i64(r, i, 0), (int)cell_i64(r, i, 1)))
      break;
  PQclear(r);
  return CD_OK;
}

static cd_status pg_entity(void *impl, int64_t eid, names_entity_fn fn, void *ud, bool *found,
                           cd_error *err) {
  names_pg *p = impl;
  char es[24];
  snprintf(es, sizeof es, "%lld", (long long)eid);
  const char *v[2] = {p->gen, es};
  PGresult *r = NULL;
  cd_status st = run(p, Q_ENT, 2, v, &r, err);
  if (st)
    return st;
  *found = PQntuples(r) == 1;
  if (*found) {
    names_entity_row e = {cell(r, 0, 0), cell(r, 0, 1), cell(r, 0, 3), cell_i64(r, 0, 2) != 0};
    st = fn(ud, &e);
  }
  PQclear(r);
  return st;
}

static int64_t pg_eid_of(void *impl, const char *id) {
  names_pg *p = impl;
  const char *v[2] = {p->gen, id};
  PGresult *r = NULL;
  if (run(p, Q_BY_ID, 2, v, &r, NULL))
    return 0;
  int64_t eid = PQntuples(r) == 1 ? cell_i64(r, 0, 0) : 0;
  PQclear(r);
  return eid;
}

static bool pg_has_given(void *impl, const char *key, size_t klen, int kind, int64_t eid) {
  names_pg *p = impl;
  char ks[8], es[24];
  snprintf(ks, sizeof ks, "%d", kind);
  snprintf(es, sizeof es, "%lld", (long long)eid);
  const char *v[4] = {p->gen, param(&p->a, key, klen), ks, es};
  PGresult *r = NULL;
  if (!v[1] || run(p, Q_GIVEN, 4, v, &r, NULL))
    return false;
  bool ok = PQntuples(r) > 0;
  PQclear(r);
  return ok;
}

/* The forms of eid (key NULL: fn(lang, kind, form)) or its context values of key
 * (fn("", "", value)). */
static cd_status text_rows(names_pg *p, int64_t eid, const char *key, cd_names_form_fn fn, void *ud,
                           cd_error *err) {
  char es[24];
  snprintf(es, sizeof es, "%lld", (long long)eid);
  const char *v[3] = {p->gen, es, key};
  PGresult *r = NULL;
  cd_status st = run(p, key ? Q_CTX : Q_FORMS, key ? 3 : 2, v, &r, err);
  if (st)
    return st;
  for (int i = 0, n = PQntuples(r); i < n && !st; i++)
    st = key ? fn(ud, "", "", cell(r, i, 0), err)
             : fn(ud, cell(r, i, 0), cell(r, i, 1), cell(r, i, 2), err);
  PQclear(r);
  return st;
}

static cd_status pg_forms(void *impl, int64_t eid, cd_names_form_fn fn, void *ud, cd_error *err) {
  return text_rows(impl, eid, NULL, fn, ud, err);
}

static cd_status pg_context(void *impl, int64_t eid, const char *key, cd_names_form_fn fn, void *ud,
                            cd_error *err) {
  return text_rows(impl, eid, key, fn, ud, err);
}

static cd_status pg_prefix(void *impl, const char *prefix, size_t plen, size_t max_key_bytes,
                           names_lemma_row_fn fn, void *ud, cd_error *err) {
  names_pg *p = impl;
  char ms[24];
  snprintf(ms, sizeof ms, "%zu", max_key_bytes > 1000000 ? (size_t)1000000 : max_key_bytes);
  /* the upper bound: the prefix and U+10FFFF, above any key that continues the prefix */
  cd_buf_clear(&p->b);
  if (cd_buf_append(&p->b, prefix, plen) || cd_buf_append(&p->b, "\xf4\x8f\xbf\xbf", 5))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  const char *v[4] = {p->gen, param(&p->a, prefix, plen), p->b.data, ms};
  if (!v[1])
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  PGresult *r = NULL;
  cd_status st = run(p, Q_PREFIX, 4, v, &r, err);
  if (st)
    return st;
  for (int i = 0, n = PQntuples(r); i < n && !st; i++) {
    names_lemma_row row = {cell_i64(r, i, 0), (int)cell_i64(r, i, 1), cell(r, i, 2),
                           cell(r, i, 3),     cell(r, i, 5),          cell(r, i, 6),
                           cell(r, i, 7),     cell_i64(r, i, 4) != 0};
    st = fn(ud, &row, err);
  }
  PQclear(r);
  return st;
}

static uint64_t pg_count(void *impl) {
  names_pg *p = impl;
  const char *v[1] = {p->gen};
  PGresult *r = NULL;
  if (run(p, Q_ENTITIES, 1, v, &r, NULL))
    return 0;
  uint64_t n = PQntuples(r) == 1 ? (uint64_t)cell_i64(r, 0, 0) : 0;
  PQclear(r);
  return n;
}

static void pg_close(void *impl) {
  names_pg *p = impl;
  if (!p)
    return;
  if (p->pg)
    PQfinish(p->pg); /* ends the session: its generation lock goes with it */
  free(p->label);
  for (size_t i = 0; p->cache && i < KEY_CACHE; i++)
    slot_clear(&p->cache[i]);
  free(p->cache);
  cd_buf_free(&p->a);
  cd_buf_free(&p->b);
  free(p);
}

static const names_store_ops pg_ops = {pg_keys,    pg_entity, pg_eid_of, pg_has_given, pg_forms,
                                       pg_context, pg_prefix, pg_count,  NULL,         pg_close};

/* ---- opening ------------------------------------------------------------------------------ */

static uint32_t be32(const unsigned char *b) {
  return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* The generation's row (binary: format int4, pair_marks bool, filter bytea) into f. */
static cd_status load_gen(names_pg *p, const PGresult *r, names_filter *f, cd_error *err) {
  if (PQgetlength(r, 0, 0) != 4)
    return cd_error_set(err, CD_ERR_DATA, "%s: corrupt names store", p->label);
  cd_status st =
      cd_names__check_format((int)be32((const unsigned char *)PQgetvalue(r, 0, 0)), p->label, err);
  if (st || PQgetisnull(r, 0, 2))
    return st;
  size_t n = (size_t)PQgetlength(r, 0, 2);
  if (n < CD_NAMES_FILTER_BLOCK || n % CD_NAMES_FILTER_BLOCK)
    return cd_error_set(err, CD_ERR_DATA,
                        "%s: corrupt key filter (%zu bytes); migrate the store again", p->label, n);
  if ((st = cd_names__filter_alloc(f, n, err)))
    return st;
  memcpy(f->bits, PQgetvalue(r, 0, 2), n);
  cd_names__filter_all_loaded(f);
  f->pairs = PQgetlength(r, 0, 1) == 1 && PQgetvalue(r, 0, 1)[0] != 0;
  return CD_OK;
}

/* Pins the newest generation: its lock taken shared, then its row read again (a migrate
 * may have deleted it between the two). */
static cd_status pin_generation(names_pg *p, names_filter *f, cd_error *err) {
  for (int attempt = 0; attempt < 20; attempt++) {
    PGresult *r = NULL;
    cd_status st = pg_q(p->pg, p->label, "SELECT to_regclass('copydesk_names_gens') IS NOT NULL", 0,
                        NULL, false, &r, "cannot read the names store", err);
    bool have = !st && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    if (st)
      return st;
    if (have && (st = pg_q(p->pg, p->label, "SELECT max(gen) FROM copydesk_names_gens", 0, NULL,
                           false, &r, "cannot read the names store", err)))
      return st;
    if (have) {
      have = !PQgetisnull(r, 0, 0);
      snprintf(p->gen, sizeof p->gen, "%s", have ? PQgetvalue(r, 0, 0) : "");
      PQclear(r);
    }
    if (!have)
      return cd_error_set(err, CD_ERR_DATA,
                          "%s: no copydesk names store in this database (put one there with "
                          "'copydesk names migrate --to URL')",
                          p->label);
    const char *v[1] = {p->gen};
    if ((st = pg_q(p->pg, p->label, "SELECT pg_advisory_lock_shared(" NAMES_LOCK ", $1::integer)",
                   1, v, false, NULL, "cannot pin the names store", err)) ||
        (st = pg_q(p->pg, p->label,
                   "SELECT format, pair_marks, filter FROM copydesk_names_gens WHERE gen=$1", 1, v,
                   true, &r, "cannot read the names store", err)))
      return st;
    if (PQntuples(r) == 1) {
      st = load_gen(p, r, f, err);
      PQclear(r);
      return st;
    }
    PQclear(r);
    if ((st = pg_q(p->pg, p->label, "SELECT pg_advisory_unlock_shared(" NAMES_LOCK ", $1::integer)",
                   1, v, false, NULL, "cannot pin the names store", err)))
      return st;
  }
  return cd_error_set(err, CD_ERR_DB, "%s: the names store keeps changing; try again", p->label);
}

cd_status cd_names__pg_open(const char *url, names_filter *f, const names_store_ops **ops,
                            void **impl, char **label, cd_error *err) {
  names_pg *p = calloc(1, sizeof *p);
  if (!p || !(p->label = cd_pg_url_redact(url)) || !(*label = strdup(p->label))) {
    if (p)
      free(p->label);
    free(p);
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  *ops = &pg_ops;
  *impl = p;
  cd_status st = pg_connect(url, p->label, true, &p->pg, err);
  if (!st)
    st = pin_generation(p, f, err);
  for (int q = 0; q < Q_NQ && !st; q++) {
    PGresult *r = PQprepare(p->pg, q_name[q], q_sql[q], 0, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
      st = pg_err(p->pg, p->label, r, "cannot prepare the names queries", err);
    PQclear(r);
  }
  return st;
}

/* ---- cd_names_migrate ------------------------------------------------------------------- */

typedef struct copy_ctx {
  PGconn *pg;
  const char *label;
  cd_buf line;
} copy_ctx;

/* One field of a COPY text row: \N for NULL, else the text with \, tab, LF and CR escaped. */
static cd_status copy_field(cd_buf *b, const char *t, bool first) {
  cd_status st = first ? CD_OK : cd_buf_append(b, "\t", 1);
  if (st)
    return st;
  if (!t)
    return cd_buf_append(b, "\\N", 2);
  for (const char *p = t; *p && !st; p++) {
    const char *esc = *p == '\\'   ? "\\\\"
                      : *p == '\t' ? "\\t"
                      : *p == '\n' ? "\\n"
                      : *p == '\r' ? "\\r"
                                   : NULL;
    st = esc ? cd_buf_append(b, esc, 2) : cd_buf_append(b, p, 1);
  }
  return st;
}

/* Streams the rows of select (on the SQLite source) into table by COPY, gen first. */
static cd_status copy_table(copy_ctx *c, sqlite3 *src, const char *gen, const char *table,
                            const char *columns, const char *select, uint64_t *rows,
                            cd_error *err) {
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(src, select, -1, &q, NULL) != SQLITE_OK)
    return cd_error_set(err, CD_ERR_DATA, "names database: %s", sqlite3_errmsg(src));
  char sql[256];
  snprintf(sql, sizeof sql, "COPY %s(gen, %s) FROM STDIN", table, columns);
  PGresult *r = PQexec(c->pg, sql);
  cd_status st = PQresultStatus(r) == PGRES_COPY_IN
                     ? CD_OK
                     : pg_err(c->pg, c->label, r, "cannot load the names store", err);
  PQclear(r);
  if (st) {
    sqlite3_finalize(q);
    return st;
  }
  int rc, ncols = sqlite3_column_count(q);
  const char *fail = NULL;
  cd_buf_clear(&c->line);
  while (!fail && (rc = sqlite3_step(q)) == SQLITE_ROW) {
    cd_status b = copy_field(&c->line, gen, true);
    for (int i = 0; i < ncols && !b; i++)
      b = copy_field(&c->line, (const char *)sqlite3_column_text(q, i), false);
    if (!b)
      b = cd_buf_append(&c->line, "\n", 1);
    if (b)
      fail = "out of memory";
    (*rows)++;
    if (!fail && c->line.len >= 1 << 16) {
      if (PQputCopyData(c->pg, c->line.data, (int)c->line.len) != 1)
        fail = "the connection failed";
      cd_buf_clear(&c->line);
    }
  }
  if (!fail && rc != SQLITE_DONE)
    fail = sqlite3_errmsg(src);
  if (!fail && c->line.len && PQputCopyData(c->pg, c->line.data, (int)c->line.len) != 1)
    fail = "the connection failed";
  sqlite3_finalize(q);
  PQputCopyEnd(c->pg, fail);
  while ((r = PQgetResult(c->pg))) {
    if (!st && PQresultStatus(r) != PGRES_COMMAND_OK)
      st = pg_err(c->pg, c->label, r, "cannot load the names store", err);
    PQclear(r);
  }
  if (fail && !st)
    st = cd_error_set(err, CD_ERR_DB, "%s: cannot load the names store: %s", c->label, fail);
  return st;
}

/* The generation's row: format, pair marks and the key filter (a binary parameter). */
static cd_status insert_gen(copy_ctx *c, sqlite3 *src, const char *gen, const char *from,
                            uint64_t entities, cd_error *err) {
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(src,
                         "SELECT (SELECT value FROM meta WHERE key='format'),"
                         " (SELECT value FROM meta WHERE key='pair_marks'),"
                         " (SELECT value FROM meta WHERE key='filter')",
                         -1, &q, NULL) != SQLITE_OK ||
      sqlite3_step(q) != SQLITE_ROW) {
    cd_status st = cd_error_set(err, CD_ERR_DATA, "%s: %s", from, sqlite3_errmsg(src));
    sqlite3_finalize(q);
    return st;
  }
  char fs[16], es[24];
  snprintf(fs, sizeof fs, "%d", sqlite3_column_int(q, 0));
  snprintf(es, sizeof es, "%llu", (unsigned long long)entities);
  const char *filter = sqlite3_column_blob(q, 2);
  const char *v[6] = {gen, fs, sqlite3_column_int(q, 1) == 1 ? "t" : "f", filter, es, from};
  int len[6] = {0, 0, 0, sqlite3_column_bytes(q, 2), 0, 0};
  int fmt[6] = {0, 0, 0, 1, 0, 0};
  PGresult *r = PQexecParams(c->pg,
                             "INSERT INTO copydesk_names_gens(gen, format, pair_marks, filter,"
                             " entities, source) VALUES($1, $2, $3, $4, $5, $6)",
                             6, NULL, v, len, fmt, 0);
  cd_status st = PQresultStatus(r) == PGRES_COMMAND_OK
                     ? CD_OK
                     : pg_err(c->pg, c->label, r, "cannot load the names store", err);
  PQclear(r);
  sqlite3_finalize(q);
  return st;
}

/* Deletes the generations other than keep that no session has pinned. */
static cd_status drop_unpinned(copy_ctx *c, const char *keep, cd_error *err) {
  PGresult *r = NULL;
  const char *v[1] = {keep};
  cd_status st = pg_q(c->pg, c->label,
                      "SELECT gen FROM copydesk_names_gens WHERE gen<>$1::integer"
                      " AND pg_try_advisory_xact_lock(" NAMES_LOCK ", gen) ORDER BY gen",
                      1, v, false, &r, "cannot replace the names store", err);
  for (int i = 0; !st && i < PQntuples(r); i++) {
    const char *g[1] = {PQgetvalue(r, i, 0)};
    for (size_t t = 0; t < sizeof gen_tables / sizeof gen_tables[0] && !st; t++) {
      char sql[96];
      snprintf(sql, sizeof sql, "DELETE FROM %s WHERE gen=$1::integer", gen_tables[t]);
      st = pg_q(c->pg, c->label, sql, 1, g, false, NULL, "cannot replace the names store", err);
    }
  }
  PQclear(r);
  return st;
}

/* The migration inside its transaction (begun by the caller). */
static cd_status migrate_tx(copy_ctx *c, sqlite3 *src, const char *from,
                            cd_names_migrate_stats *stats, cd_error *err) {
  PGresult *r = NULL;
  cd_status st = pg_q(c->pg, c->label, "SELECT pg_advisory_xact_lock(" NAMES_LOCK ")", 0, NULL,
                      false, NULL, "cannot lock the names store", err);
  if (!st) {
    r = PQexec(c->pg, schema_sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
      st = pg_err(c->pg, c->label, r, "cannot create the names tables", err);
    PQclear(r);
  }
  if (!st)
    st = pg_q(c->pg, c->label, "SELECT coalesce(max(gen), 0) + 1 FROM copydesk_names_gens", 0, NULL,
              false, &r, "cannot read the names store", err);
  if (st)
    return st;
  char gen[16];
  snprintf(gen, sizeof gen, "%s", PQgetvalue(r, 0, 0));
  PQclear(r);
  stats->generation = strtoll(gen, NULL, 10);
  if ((st = copy_table(c, src, gen, "copydesk_names_entities", "eid, id, type, historical, canon",
                       "SELECT eid, id, type, historical, canon FROM entities", &stats->entities,
                       err)) ||
      (st = copy_table(
           c, src, gen, "copydesk_names_forms", "fid, eid, lang, kind, script, form, surname",
           "SELECT fid, eid, lang, kind, script, form, surname FROM forms", &stats->forms, err)) ||
      (st = copy_table(c, src, gen, "copydesk_names_context", "ord, eid, key, value",
                       "SELECT rowid, eid, key, value FROM context", &stats->context, err)) ||
      (st = copy_table(c, src, gen, "copydesk_names_keys", "key, kind, part, eid, fid",
                       "SELECT key, kind, part, eid, fid FROM keys", &stats->keys, err)) ||
      (st = insert_gen(c, src, gen, from, stats->entities, err)))
    return st;
  return drop_unpinned(c, gen, err);
}

cd_status cd_names_migrate(const char *from_path, const char *to_url, cd_names_migrate_stats *stats,
                           cd_error *err) {
  cd_names_migrate_stats dummy;
  if (!stats)
    stats = &dummy;
  memset(stats, 0, sizeof *stats);
  if (!cd_names_is_url(to_url))
    return cd_error_set(err, CD_ERR_USAGE,
                        "%s: not a PostgreSQL URL (postgresql://… or postgres://…)", to_url);
  /* the source is opened as a reader would (its magic and format checked) */
  names_filter f;
  memset(&f, 0, sizeof f);
  const names_store_ops *ops = NULL;
  void *impl = NULL;
  FILE *probe = fopen(from_path, "rb");
  cd_status st =
      probe ? CD_OK : cd_error_set(err, CD_ERR_DATA, "%s: names database not found", from_path);
  if (probe)
    fclose(probe);
  if (!st)
    st = cd_names__sqlite_open(from_path, &f, &ops, &impl, err);
  copy_ctx c = {NULL, NULL, CD_BUF_INIT};
  if (!st && !(c.label = cd_pg_url_redact(to_url)))
    st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  if (!st)
    st = pg_connect(to_url, c.label, false, &c.pg, err);
  if (!st)
    st = pg_q(c.pg, c.label, "BEGIN", 0, NULL, false, NULL, "cannot begin", err);
  if (!st) {
    st = migrate_tx(&c, cd_names__sqlite_db(ops, impl), from_path, stats, err);
    if (!st)
      st =
          pg_q(c.pg, c.label, "COMMIT", 0, NULL, false, NULL, "cannot commit the names store", err);
    else
      PQclear(PQexec(c.pg, "ROLLBACK"));
  }
  /* fresh statistics for the planner (outside the transaction; only a hint) */
  if (!st)
    PQclear(PQexec(c.pg, "ANALYZE copydesk_names_keys, copydesk_names_entities,"
                         " copydesk_names_forms, copydesk_names_context"));
  if (c.pg)
    PQfinish(c.pg);
  free((char *)c.label);
  cd_buf_free(&c.line);
  if (ops)
    ops->close(impl);
  cd_names__filter_free(&f);
  return st;
}
