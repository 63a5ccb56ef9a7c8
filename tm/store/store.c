/* SPDX-License-Identifier: MIT */
/* The TM store over SQLite (see cd_tm_store.h). */
#include "cd_tm_store.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unicode/uchar.h>
#include <unistd.h>

#include "cd_strmap.h"
#include "cd_tm_terms.h"
#include "store_internal.h"

/* 'CDTM': marks a file as a copydesk TM, so a stray SQLite file is not taken for one. */
#define CD_TM_APPLICATION_ID 0x4344544D
#define CD_TM_DEFAULT_BUSY_MS 5000

/* Migrations: migrations[v] takes a file from version v to v + 1. Add a step at the end and
 * the schema version follows. Each step runs inside the same transaction as the version
 * bump, so a failed migration leaves the file at its old version. */
static const char *const migrations[] = {
    /* 0 → 1: the first schema. */
    "CREATE TABLE units("
    "  id INTEGER PRIMARY KEY,"
    "  src_lang TEXT NOT NULL, tgt_lang TEXT NOT NULL,"
    "  source TEXT NOT NULL, target TEXT NOT NULL,"
    "  source_markup TEXT, target_markup TEXT," /* TMX <seg> content, NULL = no tags */
    "  ident INTEGER NOT NULL,"                 /* hash of langs + texts, to merge duplicates */
    "  origin_doc TEXT, origin_date INTEGER,"
    "  score REAL," /* alignment score, NULL = unknown */
    "  created INTEGER NOT NULL, changed INTEGER NOT NULL,"
    "  usage INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX units_ident ON units(ident);"
    /* The normalized forms for matching: ICU-folded source and target, indexed. Contentless:
     * the text is in units, the index keeps only what matching needs. */
    "CREATE VIRTUAL TABLE unit_fts USING fts5(src, tgt, content='', detail=column,"
    "  columnsize=0,"
    "  tokenize=\"unicode61 remove_diacritics 0 categories 'L* N* Co M*'\");"
    /* How many times each index term occurs in sources: lets candidate search query the
     * rare terms first instead of walking the posting list of "the". */
    "CREATE TABLE term_df(term TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;",
};
#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

int cd_tm_schema_version(void) { return N_MIGRATIONS; }

static const char *const stmt_sql[ST_COUNT] = {
    [ST_FIND_IDENT] = "SELECT id, src_lang, tgt_lang, coalesce(source_markup, source),"
                      " coalesce(target_markup, target) FROM units WHERE ident = ?1",
    [ST_INSERT] = "INSERT INTO units(src_lang, tgt_lang, source, target, source_markup,"
                  " target_markup, ident, origin_doc, origin_date, score, created, changed,"
                  " usage) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)",
    [ST_INSERT_FTS] = "INSERT INTO unit_fts(rowid, src, tgt) VALUES(?1, ?2, ?3)",
    [ST_MERGE] = "UPDATE units SET changed = max(changed, ?2), created = min(created, ?3),"
                 " usage = usage + ?4, score = coalesce(?5, score),"
                 " origin_doc = coalesce(origin_doc, ?6),"
                 " origin_date = coalesce(origin_date, ?7) WHERE id = ?1",
    [ST_DF_FLUSH] = "INSERT INTO term_df(term, n) VALUES(?1, ?2)"
                    " ON CONFLICT(term) DO UPDATE SET n = n + excluded.n",
    [ST_DF_GET] = "SELECT n FROM term_df WHERE term = ?1",
    [ST_USE] = "UPDATE units SET usage = usage + 1 WHERE id = ?1",
    [ST_POSTINGS] = "SELECT rowid FROM unit_fts WHERE unit_fts MATCH ?1",
    [ST_GET_UNIT] = "SELECT u.id, u.src_lang, u.tgt_lang, u.source, u.target,"
                    " u.source_markup, u.target_markup, u.origin_doc, u.origin_date, u.score,"
                    " u.created, u.changed, u.usage FROM units u WHERE u.id = ?1",
};

#define UNIT_COLUMNS                                                                               \
  "u.id, u.src_lang, u.tgt_lang, u.source, u.target, u.source_markup, u.target_markup,"            \
  " u.origin_doc, u.origin_date, u.score, u.created, u.changed, u.usage"

void cd_tm_store_options_init(cd_tm_store_options *o) {
  memset(o, 0, sizeof *o);
  o->busy_timeout_ms = CD_TM_DEFAULT_BUSY_MS;
  o->create_dirs = true;
}

void cd_tm_unit_init(cd_tm_unit *u) {
  memset(u, 0, sizeof *u);
  u->score = -1;
}

const char *cd_tm_store_path(const cd_tm_store *s) { return s->path; }
bool cd_tm_store_in_transaction(const cd_tm_store *s) { return s->in_tx; }

/* ---- errors ------------------------------------------------------------------------------ */

static cd_status db_error(cd_tm_store *s, int rc, const char *what, cd_error *err) {
  int code = rc & 0xff;
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
    return cd_error_set(err, CD_ERR_DB,
                        "%s: database is locked: another process holds the TM's write lock "
                        "(waited %d ms)",
                        s->path, s->opt.busy_timeout_ms);
  if (code == SQLITE_READONLY)
    return cd_error_set(err, CD_ERR_DB, "%s: %s: the TM is read-only", s->path, what);
  return cd_error_set(err, CD_ERR_DB, "%s: %s: %s", s->path, what,
                      s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
}

/* Runs SQL text statement by statement through prepared statements (no sqlite3_exec). */
static int exec_all(sqlite3 *db, const char *sql) {
  const char *tail = sql;
  while (tail && *tail) {
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, tail, -1, &st, &tail);
    if (rc != SQLITE_OK)
      return rc;
    if (!st)
      break; /* only whitespace or comments left */
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
      ;
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
      return rc;
  }
  return SQLITE_OK;
}

static cd_status run_sql(cd_tm_store *s, const char *sql, const char *what, cd_error *err) {
  int rc = exec_all(s->db, sql);
  return rc == SQLITE_OK ? CD_OK : db_error(s, rc, what, err);
}

static cd_status query_int(cd_tm_store *s, const char *sql, int64_t *out, cd_error *err) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
  if (rc != SQLITE_OK)
    return db_error(s, rc, "cannot read the TM", err);
  rc = sqlite3_step(st);
  *out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return db_error(s, rc, "cannot read the TM", err);
  return CD_OK;
}

static cd_status prepared(cd_tm_store *s, int which, sqlite3_stmt **out, cd_error *err) {
  *out = NULL;
  if (!s->stmt[which]) {
    int rc = sqlite3_prepare_v3(s->db, stmt_sql[which], -1, SQLITE_PREPARE_PERSISTENT,
                                &s->stmt[which], NULL);
    if (rc != SQLITE_OK)
      return db_error(s, rc, "cannot prepare a statement", err);
  }
  sqlite3_reset(s->stmt[which]);
  sqlite3_clear_bindings(s->stmt[which]);
  *out = s->stmt[which];
  return CD_OK;
}

/* ---- opening ----------------------------------------------------------------------------- */

bool cd_tm_is_url(const char *location) { return cd_pg_is_url(location); }

static int mkdirs_for(const char *path) {
  char *dir = strdup(path);
  if (!dir)
    return -1;
  char *slash = strrchr(dir, '/');
  if (!slash || slash == dir) {
    free(dir);
    return 0;
  }
  *slash = '\0';
  for (char *p = dir + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
      free(dir);
      return -1;
    }
    *p = '/';
  }
  int rc = mkdir(dir, 0755) != 0 && errno != EEXIST ? -1 : 0;
  free(dir);
  return rc;
}

/* The schema entries of db, one line each, in a stable order. */
static int schema_text(sqlite3 *db, cd_buf *out) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db,
                              "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema"
                              " ORDER BY type, name",
                              -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  cd_buf_clear(out);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    if (cd_buf_appendf(out, "%s|%s|%s|%s\n", sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
                       sqlite3_column_text(st, 2), sqlite3_column_text(st, 3))) {
      rc = SQLITE_NOMEM;
      break;
    }
  sqlite3_finalize(st);
  if (rc == SQLITE_DONE && cd_buf_append(out, "", 0))
    rc = SQLITE_NOMEM;
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* A TM may come from elsewhere: its schema must be exactly the one the migrations create
 * (no views, triggers, extra indexes or altered tables, which could hang a query or drop
 * the units written), compared with a fresh schema built in memory. */
static cd_status verify_schema(cd_tm_store *s, cd_error *err) {
  sqlite3 *fresh = NULL;
  cd_buf want = CD_BUF_INIT, have = CD_BUF_INIT;
  int rc = sqlite3_open_v2(":memory:", &fresh, SQLITE_OPEN_READWRITE, NULL);
  for (int v = 0; rc == SQLITE_OK && v < N_MIGRATIONS; v++)
    rc = exec_all(fresh, migrations[v]);
  if (rc == SQLITE_OK)
    rc = schema_text(fresh, &want);
  sqlite3_close(fresh);
  cd_status st = CD_OK;
  if (rc != SQLITE_OK)
    st = cd_error_set(err, CD_ERR_INTERNAL, "%s: cannot build the reference schema: %s", s->path,
                      sqlite3_errstr(rc));
  else if ((rc = schema_text(s->db, &have)) != SQLITE_OK)
    st = db_error(s, rc, "cannot read the TM's schema", err);
  else if (strcmp(want.data, have.data) != 0)
    st = cd_error_set(err, CD_ERR_DB,
                      "%s: the TM's schema was changed (views, triggers, indexes or tables that "
                      "copydesk does not create): refused",
                      s->path);
  cd_buf_free(&want);
  cd_buf_free(&have);
  return st;
}

static cd_status migrate(cd_tm_store *s, cd_error *err) {
  int64_t version = 0, app = 0, tables = 0;
  cd_status st;
  if ((st = query_int(s, "PRAGMA user_version", &version, err)) ||
      (st = query_int(s, "PRAGMA application_id", &app, err)) ||
      (st = query_int(s, "SELECT count(*) FROM sqlite_schema", &tables, err)))
    return st;
  if (version > N_MIGRATIONS)
    return cd_error_set(err, CD_ERR_DB,
                        "%s: the TM has schema version %lld, newer than this copydesk "
                        "understands (%d); use a newer copydesk or another TM file",
                        s->path, (long long)version, N_MIGRATIONS);
  if (app != CD_TM_APPLICATION_ID && (tables > 0 || version > 0))
    return cd_error_set(err, CD_ERR_DB, "%s: not a copydesk translation memory", s->path);
  if (version == N_MIGRATIONS)
    return verify_schema(s, err);
  if (s->opt.read_only)
    return cd_error_set(err, CD_ERR_DB,
                        "%s: the TM has schema version %lld and needs migrating to %d; open "
                        "it once for writing",
                        s->path, (long long)version, N_MIGRATIONS);
  if ((st = run_sql(s, "BEGIN IMMEDIATE", "cannot migrate the TM", err)))
    return st;
  /* Another process may have migrated it meanwhile. */
  if ((st = query_int(s, "PRAGMA user_version", &version, err)))
    goto fail;
  for (int v = (int)version; v < N_MIGRATIONS; v++)
    if ((st = run_sql(s, migrations[v], "cannot migrate the TM", err)))
      goto fail;
  char sql[128];
  snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d",
           CD_TM_APPLICATION_ID, N_MIGRATIONS);
  if ((st = run_sql(s, sql, "cannot migrate the TM", err)) ||
      (st = run_sql(s, "COMMIT", "cannot migrate the TM", err)))
    goto fail;
  return CD_OK;
fail:
  run_sql(s, "ROLLBACK", "rollback", NULL);
  return st;
}

/* A WAL reader creates the -wal and -shm files when they are missing, owned by whoever reads:
 * in a shared directory the TM's owner then cannot write them (BUG-9), and in a directory the
 * reader cannot write the open fails. So a reader who may not write the TM itself creates
 * nothing: when no writer left a -wal behind (all is in the main file) it reads the file as
 * immutable; otherwise it uses the files there (a writer is at work, or left them). */
static bool reader_must_not_create(const char *path) {
  if (strcmp(path, ":memory:") == 0 || strncmp(path, "file:", 5) == 0 || access(path, W_OK) == 0)
    return false;
  size_t n = strlen(path);
  char *side = malloc(n + 5);
  if (!side)
    return false;
  memcpy(side, path, n);
  memcpy(side + n, "-wal", 5);
  struct stat st;
  bool wal = stat(side, &st) == 0 && st.st_size > 0;
  free(side);
  return !wal;
}

/* "file:PATH?immutable=1", PATH %-escaped where a URI needs it. */
static cd_status immutable_uri(const char *path, cd_buf *out) {
  cd_status st = cd_buf_append_str(out, "file:");
  for (const char *p = path; *p && !st; p++) {
    unsigned char ch = (unsigned char)*p;
    if (ch == '%' || ch == '?' || ch == '#' || ch < 0x21 || ch >= 0x7F)
      st = cd_buf_appendf(out, "%%%02X", ch);
    else
      st = cd_buf_append(out, p, 1);
  }
  if (!st)
    st = cd_buf_append(out, "?immutable=1", 13); /* with the NUL */
  return st;
}

cd_status cd_tm_store_new(const char *path, const cd_tm_store_options *o, cd_tm_store **out,
                          cd_error *err) {
  *out = NULL;
  if (!path || !*path)
    return cd_error_set(err, CD_ERR_USAGE, "no TM path given");
  if (!sqlite3_compileoption_used("ENABLE_FTS5"))
    return cd_error_set(err, CD_ERR_INTERNAL, "this SQLite library has no FTS5");
  cd_tm_store *s = calloc(1, sizeof *s);
  if (!s || !(s->path = strdup(path))) {
    free(s);
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  if (o)
    s->opt = *o;
  else
    cd_tm_store_options_init(&s->opt);
  cd_status st;
  if (cd_tm_is_url(path)) {
    if ((st = cd_tm__pg_open(s, path, err)))
      goto fail;
    *out = s;
    return CD_OK;
  }
  if (!s->opt.read_only && s->opt.create_dirs && mkdirs_for(path) != 0) {
    st = cd_error_set(err, CD_ERR_IO, "%s: cannot create its directory: %s", path, strerror(errno));
    goto fail;
  }
  int flags = s->opt.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  cd_buf uri = CD_BUF_INIT;
  const char *name = path;
  if (s->opt.read_only && reader_must_not_create(path)) {
    if (immutable_uri(path, &uri)) {
      st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
      goto fail;
    }
    name = uri.data;
    flags |= SQLITE_OPEN_URI;
  }
  int rc = sqlite3_open_v2(name, &s->db, flags, NULL);
  cd_buf_free(&uri);
  if (rc != SQLITE_OK) {
    st = cd_error_set(err, CD_ERR_DB, "%s: cannot open the TM: %s", path,
                      s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
    goto fail;
  }
  sqlite3_extended_result_codes(s->db, 1);
  /* Functions and virtual tables named in the file's schema run with no more rights than
   * the file deserves; the schema itself is checked against ours in migrate. */
  sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
  sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
  sqlite3_busy_timeout(s->db, s->opt.busy_timeout_ms > 0 ? s->opt.busy_timeout_ms : 0);
  int64_t ignored;
  /* Reading the header first turns "file is not a database" into a clear error. */
  if ((st = query_int(s, "PRAGMA schema_version", &ignored, err)))
    goto fail;
  if (!s->opt.read_only) {
    /* WAL: readers keep reading while an import holds the write transaction. NORMAL sync
     * is durable against a crash of the program; a power cut may lose the last commit. */
    if ((st = run_sql(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL",
                      "cannot set the journal mode", err)))
      goto fail;
  }
  /* 32 MB of page cache: imports stay fast and a process stays well under 64 MB above its
   * libraries whatever the TMX size (tools/bench/memory). */
  if ((st = run_sql(s, "PRAGMA cache_size = -32768", "cannot configure the TM", err)) ||
      (st = migrate(s, err)))
    goto fail;
  *out = s;
  return CD_OK;
fail:
  cd_tm_store_free(s);
  return st;
}

static void df_clear(df_map *m) {
  for (size_t i = 0; i < m->cap; i++)
    free(m->slots[i].term);
  free(m->slots);
  memset(m, 0, sizeof *m);
}

void cd_tm_store_free(cd_tm_store *s) {
  if (!s)
    return;
  if (s->in_tx)
    cd_tm_store_rollback(s);
  for (int i = 0; i < ST_COUNT; i++)
    sqlite3_finalize(s->stmt[i]);
  sqlite3_close(s->db);
  cd_tm__pg_close(s);
  cd_buf_free(&s->scratch);
  cd_buf_free(&s->pg_folds);
  cd_buf_free(&s->pg_copy);
  cd_strmap_free(s->pg_idents);
  free(s->pg_fold_ends);
  df_clear(&s->df);
  cd_buf_free(&s->fold_src);
  cd_buf_free(&s->origin);
  cd_buf_free(&s->fold_tgt);
  free(s->path);
  free(s);
}

cd_status cd_tm_default_path(cd_buf *out, cd_error *err) {
  cd_buf_clear(out);
  const char *xdg = getenv("XDG_DATA_HOME");
  const char *home = getenv("HOME");
  cd_status st;
  if (xdg && xdg[0] == '/')
    st = cd_buf_appendf(out, "%s/copydesk/tm.sqlite", xdg);
  else if (home && *home)
    st = cd_buf_appendf(out, "%s/.local/share/copydesk/tm.sqlite", home);
  else
    return cd_error_set(err, CD_ERR_USAGE,
                        "no default TM location: neither XDG_DATA_HOME nor HOME is set; "
                        "use --tm PATH");
  return st ? cd_error_set(err, st, "out of memory") : CD_OK;
}

/* ---- term counts ------------------------------------------------------------------------- */

/* FNV-1a (cd_hash): identity of duplicates and the term map; collisions are resolved by
 * comparing. */

static int df_grow(df_map *m) {
  size_t cap = m->cap ? m->cap * 2 : 4096;
  df_entry *slots = calloc(cap, sizeof *slots);
  if (!slots)
    return -1;
  for (size_t i = 0; i < m->cap; i++) {
    if (!m->slots[i].term)
      continue;
    size_t len = strlen(m->slots[i].term);
    size_t j = cd_hash(m->slots[i].term, len) & (cap - 1);
    while (slots[j].term)
      j = (j + 1) & (cap - 1);
    slots[j] = m->slots[i];
  }
  free(m->slots);
  m->slots = slots;
  m->cap = cap;
  return 0;
}

static int df_add(df_map *m, const char *term, size_t len) {
  if ((m->used + 1) * 2 > m->cap && df_grow(m))
    return -1;
  size_t j = cd_hash(term, len) & (m->cap - 1);
  while (m->slots[j].term) {
    if (strncmp(m->slots[j].term, term, len) == 0 && m->slots[j].term[len] == '\0') {
      m->slots[j].n++;
      return 0;
    }
    j = (j + 1) & (m->cap - 1);
  }
  char *t = malloc(len + 1);
  if (!t)
    return -1;
  memcpy(t, term, len);
  t[len] = '\0';
  m->slots[j].term = t;
  m->slots[j].n = 1;
  m->used++;
  return 0;
}

typedef struct df_ctx {
  df_map *m;
  int failed;
} df_ctx;

static void count_term(void *ud, const char *term, size_t len) {
  df_ctx *c = ud;
  if (!cd_terms_is_number(term, len) && df_add(c->m, term, len))
    c->failed = 1;
}

cd_status cd_tm__count_terms(cd_tm_store *s, const char *folded, size_t len, cd_error *err) {
  df_ctx c = {&s->df, 0};
  cd_terms_each(folded, len, count_term, &c);
  return c.failed ? cd_error_set(err, CD_ERR_NOMEM, "out of memory") : CD_OK;
}

static cd_status df_flush(cd_tm_store *s, cd_error *err) {
  sqlite3_stmt *st;
  cd_status rc = prepared(s, ST_DF_FLUSH, &st, err);
  if (rc)
    return rc;
  for (size_t i = 0; i < s->df.cap; i++) {
    if (!s->df.slots[i].term)
      continue;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, s->df.slots[i].term, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, s->df.slots[i].n);
    int r = sqlite3_step(st);
    if (r != SQLITE_DONE)
      return db_error(s, r, "cannot update the term index", err);
  }
  sqlite3_reset(st);
  df_clear(&s->df);
  return CD_OK;
}

/* ---- transactions ------------------------------------------------------------------------ */

cd_status cd_tm_store_begin(cd_tm_store *s, cd_error *err) {
  if (s->in_tx)
    return cd_error_set(err, CD_ERR_USAGE, "%s: a transaction is already open", s->path);
  if (s->opt.read_only)
    return cd_error_set(err, CD_ERR_USAGE, "%s: the TM was opened read-only", s->path);
  cd_status st = s->pg ? cd_tm__pg_begin(s, err)
                       : run_sql(s, "BEGIN IMMEDIATE", "cannot start a write transaction", err);
  if (st)
    return st;
  s->in_tx = true;
  return CD_OK;
}

cd_status cd_tm_store_commit(cd_tm_store *s, cd_error *err) {
  if (!s->in_tx)
    return cd_error_set(err, CD_ERR_USAGE, "%s: no transaction to commit", s->path);
  cd_status st;
  if (s->pg) {
    if (!(st = cd_tm__pg_commit(s, err)))
      df_clear(&s->df); /* the PostgreSQL flush sorts the map in place */
  } else if (!(st = df_flush(s, err)))
    st = run_sql(s, "COMMIT", "cannot commit", err);
  if (st) {
    cd_tm_store_rollback(s);
    return st;
  }
  s->in_tx = false;
  return CD_OK;
}

void cd_tm_store_rollback(cd_tm_store *s) {
  s->bulk = false;
  if (s->pg) {
    cd_tm__pg_batch_end(s, NULL, NULL, NULL);
    cd_tm__pg_rollback(s);
    s->in_tx = false;
    df_clear(&s->df);
    return;
  }
  for (int i = 0; i < ST_COUNT; i++)
    if (s->stmt[i])
      sqlite3_reset(s->stmt[i]);
  if (!sqlite3_get_autocommit(s->db))
    run_sql(s, "ROLLBACK", "cannot roll back", NULL);
  s->in_tx = false;
  df_clear(&s->df);
}

/* ---- adding ------------------------------------------------------------------------------ */

static int64_t now_seconds(void) { return (int64_t)time(NULL); }

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s) {
  if (s)
    sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, i);
}

static bool same_text(sqlite3_stmt *st, int col, const char *s) {
  const char *t = (const char *)sqlite3_column_text(st, col);
  return t && strcmp(t, s) == 0;
}

/* Lower-cases an ASCII language tag into out; BCP-47 tags are ASCII letters, digits and
 * hyphens (a byte loop over A–Z is exact here, not text classification). Anything else would
 * end up in an xml:lang attribute or a JSON string, so it is refused. */
static cd_status lang_key(const char *tag, char out[64], const char *path, cd_error *err) {
  size_t n = tag ? strlen(tag) : 0;
  if (n == 0)
    return cd_error_set(err, CD_ERR_INPUT, "%s: a unit needs a language tag", path);
  if (n >= 64)
    return cd_error_set(err, CD_ERR_INPUT,
                        "%s: language tag too long (%zu bytes, at most 63): '%.20s...'", path, n,
                        tag);
  for (size_t i = 0; i <= n; i++)
    out[i] = (tag[i] >= 'A' && tag[i] <= 'Z') ? (char)(tag[i] - 'A' + 'a') : tag[i];
  bool ok = out[0] != '_' && out[0] != '-';
  for (size_t i = 0; i < n && ok; i++) {
    char ch = out[i];
    ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
  }
  if (!ok)
    return cd_error_set(err, CD_ERR_INPUT,
                        "%s: bad language tag (letters, digits and '-' only): '%s'", path,
                        cd_utf8_is_valid(tag, n) ? tag : "(not UTF-8)");
  for (size_t i = 0; i < n; i++)
    if (out[i] == '_')
      out[i] = '-';
  return CD_OK;
}

bool cd_tm_text_is_blank(const char *t) {
  size_t n = t ? strlen(t) : 0;
  for (size_t i = 0; i < n;) {
    int32_t c = cd_utf8_next(t, n, &i);
    if (c < 0 ||
        !(u_isUWhiteSpace(c) || u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT)))
      return false;
  }
  return true;
}

cd_status cd_tm_clean_label(const char *in, cd_buf *out) {
  cd_buf_clear(out);
  size_t n = in ? strlen(in) : 0;
  cd_status st = CD_OK;
  for (size_t i = 0; i < n && !st;) {
    size_t at = i;
    int32_t c = cd_utf8_next(in, n, &i);
    if (i <= at) /* never stall */
      i = at + 1;
    bool bad = c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || c == 0xFFFE || c == 0xFFFF;
    if (!bad) {
      st = cd_buf_append(out, in + at, i - at);
      continue;
    }
    for (size_t k = at; k < i && !st; k++)
      st = cd_buf_appendf(out, "%%%02X", (unsigned)(unsigned char)in[k]);
  }
  if (!st)
    st = cd_buf_append(out, "", 0);
  return st;
}

/* The first character XML 1.0 cannot carry (C0 controls but TAB, LF, CR; U+FFFE, U+FFFF),
 * or -1. A TM unit must survive a TMX export, so such text is refused at the door. */
static int32_t xml_illegal(const char *t) {
  size_t n = strlen(t);
  for (size_t i = 0; i < n;) {
    unsigned char b = (unsigned char)t[i];
    if (b < 0x20) {
      if (b != '\t' && b != '\n' && b != '\r')
        return b;
      i++;
      continue;
    }
    if (b < 0x80) {
      i++;
      continue;
    }
    int32_t c = cd_utf8_next(t, n, &i);
    if (c == 0xFFFE || c == 0xFFFF)
      return c;
  }
  return -1;
}

/* The folded source and target of u into s->fold_src and s->fold_tgt. */
static cd_status fold_unit(cd_tm_store *s, const cd_tm_unit *u, cd_error *err) {
  cd_status st = cd_terms_fold(u->source, strlen(u->source), &s->fold_src, err);
  return st ? st : cd_terms_fold(u->target, strlen(u->target), &s->fold_tgt, err);
}

/* A unit the TM can hold: both languages (into sl and tl), a source and a target that are
 * not blank, valid UTF-8 and free of what XML 1.0 cannot carry. */
static cd_status unit_acceptable(const cd_tm_store *s, const cd_tm_unit *u, char sl[64],
                                 char tl[64], cd_error *err) {
  cd_status st;
  if ((st = lang_key(u->src_lang, sl, s->path, err)) ||
      (st = lang_key(u->tgt_lang, tl, s->path, err)))
    return st;
  if (!u->source || !u->target)
    return cd_error_set(err, CD_ERR_INPUT, "%s: a unit needs a source and a target", s->path);
  if (cd_tm_text_is_blank(u->source) || cd_tm_text_is_blank(u->target))
    return cd_error_set(err, CD_ERR_INPUT, "%s: a unit's %s is empty or only white space", s->path,
                        cd_tm_text_is_blank(u->source) ? "source" : "target");
  if (!cd_utf8_is_valid(u->source, strlen(u->source)) ||
      !cd_utf8_is_valid(u->target, strlen(u->target)))
    return cd_error_set(err, CD_ERR_INPUT, "%s: a unit's text is not valid UTF-8", s->path);
  int32_t bad = xml_illegal(u->source);
  if (bad < 0)
    bad = xml_illegal(u->target);
  if (bad >= 0)
    return cd_error_set(err, CD_ERR_INPUT,
                        "%s: a unit's text holds the control character U+%04X, which TMX "
                        "(XML 1.0) cannot carry; clean it with 'copydesk normalize' first",
                        s->path, (unsigned)bad);
  return CD_OK;
}

/* The id of the unit with the same languages and texts (markup when there is some), or 0. */
static cd_status sq_find_same(cd_tm_store *s, const tm_unit_in *in, int64_t ident, int64_t *found,
                              cd_error *err) {
  const char *sm = in->u->source_markup ? in->u->source_markup : in->u->source;
  const char *tm = in->u->target_markup ? in->u->target_markup : in->u->target;
  sqlite3_stmt *q;
  cd_status st = prepared(s, ST_FIND_IDENT, &q, err);
  if (st)
    return st;
  sqlite3_bind_int64(q, 1, ident);
  int rc;
  *found = 0;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    if (same_text(q, 1, in->sl) && same_text(q, 2, in->tl) && same_text(q, 3, sm) &&
        same_text(q, 4, tm)) {
      *found = sqlite3_column_int64(q, 0);
      break;
    }
  }
  sqlite3_reset(q);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return db_error(s, rc, "cannot look for duplicates", err);
  return CD_OK;
}

/* Merges a duplicate into unit id: the newer change date wins, usage counts add up. */
static cd_status sq_merge(cd_tm_store *s, const tm_unit_in *in, int64_t id, cd_error *err) {
  sqlite3_stmt *m;
  cd_status st = prepared(s, ST_MERGE, &m, err);
  if (st)
    return st;
  sqlite3_bind_int64(m, 1, id);
  sqlite3_bind_int64(m, 2, in->changed);
  sqlite3_bind_int64(m, 3, in->created);
  sqlite3_bind_int64(m, 4, in->u->usage);
  if (in->u->score >= 0)
    sqlite3_bind_double(m, 5, in->u->score);
  bind_text_or_null(m, 6, in->origin);
  if (in->u->origin_date)
    sqlite3_bind_int64(m, 7, in->u->origin_date);
  int rc = sqlite3_step(m);
  sqlite3_reset(m);
  return rc == SQLITE_DONE ? CD_OK : db_error(s, rc, "cannot merge a duplicate unit", err);
}

/* Inserts a new unit and indexes its folded texts (FTS5 and the term counts). */
static cd_status sq_insert(cd_tm_store *s, const tm_unit_in *in, int64_t ident, cd_error *err) {
  const cd_tm_unit *u = in->u;
  sqlite3_stmt *ins;
  cd_status st = prepared(s, ST_INSERT, &ins, err);
  if (st)
    return st;
  sqlite3_bind_text(ins, 1, in->sl, -1, SQLITE_STATIC);
  sqlite3_bind_text(ins, 2, in->tl, -1, SQLITE_STATIC);
  sqlite3_bind_text(ins, 3, u->source, -1, SQLITE_STATIC);
  sqlite3_bind_text(ins, 4, u->target, -1, SQLITE_STATIC);
  bind_text_or_null(ins, 5, u->source_markup);
  bind_text_or_null(ins, 6, u->target_markup);
  sqlite3_bind_int64(ins, 7, ident);
  bind_text_or_null(ins, 8, in->origin);
  if (u->origin_date)
    sqlite3_bind_int64(ins, 9, u->origin_date);
  if (u->score >= 0)
    sqlite3_bind_double(ins, 10, u->score);
  sqlite3_bind_int64(ins, 11, in->created);
  sqlite3_bind_int64(ins, 12, in->changed);
  sqlite3_bind_int64(ins, 13, u->usage);
  int rc = sqlite3_step(ins);
  sqlite3_reset(ins);
  if (rc != SQLITE_DONE)
    return db_error(s, rc, "cannot add a unit", err);
  int64_t id = sqlite3_last_insert_rowid(s->db);
  if ((st = fold_unit(s, u, err)))
    return st;
  sqlite3_stmt *f;
  if ((st = prepared(s, ST_INSERT_FTS, &f, err)))
    return st;
  sqlite3_bind_int64(f, 1, id);
  sqlite3_bind_text(f, 2, s->fold_src.data, (int)s->fold_src.len, SQLITE_STATIC);
  sqlite3_bind_text(f, 3, s->fold_tgt.data, (int)s->fold_tgt.len, SQLITE_STATIC);
  rc = sqlite3_step(f);
  sqlite3_reset(f);
  if (rc != SQLITE_DONE)
    return db_error(s, rc, "cannot index a unit", err);
  return cd_tm__count_terms(s, s->fold_src.data, s->fold_src.len, err);
}

static cd_status add_in_tx(cd_tm_store *s, const cd_tm_unit *u, bool *merged, cd_error *err) {
  char sl[64], tl[64];
  cd_status st = unit_acceptable(s, u, sl, tl, err);
  if (st)
    return st;
  /* The origin is usually a file name: bytes XML and JSON cannot carry are %-escaped. */
  const char *origin = NULL;
  if (u->origin_doc) {
    if (cd_tm_clean_label(u->origin_doc, &s->origin))
      return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    origin = s->origin.data;
  }
  const char *sm = u->source_markup ? u->source_markup : u->source;
  const char *tm = u->target_markup ? u->target_markup : u->target;
  uint64_t h = CD_HASH_INIT;
  h = cd_hash_more(h, sl, strlen(sl) + 1);
  h = cd_hash_more(h, tl, strlen(tl) + 1);
  h = cd_hash_more(h, sm, strlen(sm) + 1);
  h = cd_hash_more(h, tm, strlen(tm));
  int64_t now = now_seconds();
  /* A unit that only knows when it changed was created no later than that. */
  int64_t created = u->created ? u->created : u->changed ? u->changed : now;
  int64_t changed = u->changed ? u->changed : created;
  tm_unit_in in = {u, sl, tl, origin, created, changed, h};
  if (s->pg) {
    if ((st = fold_unit(s, u, err)))
      return st;
    return cd_tm__pg_add(s, &in, merged, err);
  }
  int64_t ident = (int64_t)(h >> 1); /* SQLite integers are signed */
  int64_t found = 0;
  if ((st = sq_find_same(s, &in, ident, &found, err)))
    return st;
  st = found ? sq_merge(s, &in, found, err) : sq_insert(s, &in, ident, err);
  if (!st && merged)
    *merged = found != 0;
  return st;
}

cd_status cd_tm_store_add(cd_tm_store *s, const cd_tm_unit *u, bool *merged, cd_error *err) {
  if (s->in_tx && s->bulk) {
    bool m = false;
    cd_status st = add_in_tx(s, u, s->pg ? NULL : &m, err);
    if (!st && !s->pg)
      *(m ? &s->bulk_counts.merged : &s->bulk_counts.added) += 1;
    if (merged)
      *merged = false;
    return st;
  }
  if (s->in_tx)
    return add_in_tx(s, u, merged, err);
  cd_status st = cd_tm_store_begin(s, err);
  if (st)
    return st;
  if ((st = add_in_tx(s, u, merged, err)) || (st = cd_tm_store_commit(s, err))) {
    cd_tm_store_rollback(s);
    return st;
  }
  return CD_OK;
}

cd_status cd_tm_store_bulk_begin(cd_tm_store *s, cd_error *err) {
  if (!s->in_tx || s->bulk)
    return cd_error_set(err, CD_ERR_USAGE, "%s: bulk adding needs a transaction and no other bulk",
                        s->path);
  cd_status st = s->pg ? cd_tm__pg_batch_begin(s, err) : CD_OK;
  if (st)
    return st;
  s->bulk = true;
  memset(&s->bulk_counts, 0, sizeof s->bulk_counts);
  return CD_OK;
}

cd_status cd_tm_store_bulk_end(cd_tm_store *s, cd_tm_add_counts *counts, cd_error *err) {
  if (!s->bulk)
    return CD_OK;
  s->bulk = false;
  cd_tm_add_counts c = s->bulk_counts;
  cd_status st = s->pg ? cd_tm__pg_batch_end(s, &c.added, &c.merged, err) : CD_OK;
  if (!st && counts) {
    counts->added += c.added;
    counts->merged += c.merged;
  }
  return st;
}

cd_status cd_tm_store_add_units(cd_tm_store *s, const cd_tm_unit *units, size_t n, double min_score,
                                cd_tm_add_counts *counts, cd_error *err) {
  cd_tm_add_counts c = {0, 0, 0};
  bool own = !s->in_tx;
  cd_status st = own ? cd_tm_store_begin(s, err) : CD_OK;
  if (st)
    return st;
  if ((st = cd_tm_store_bulk_begin(s, err)))
    goto fail;
  for (size_t i = 0; i < n; i++) {
    /* A bead of blank lines is no unit (cd_tm_store_add refuses it). */
    if ((min_score >= 0 && units[i].score >= 0 && units[i].score < min_score) ||
        cd_tm_text_is_blank(units[i].source) || cd_tm_text_is_blank(units[i].target)) {
      c.skipped++;
      continue;
    }
    if ((st = cd_tm_store_add(s, &units[i], NULL, err)))
      goto fail;
  }
  if ((st = cd_tm_store_bulk_end(s, &c, err)))
    goto fail;
  if (own && (st = cd_tm_store_commit(s, err)))
    goto fail;
  if (counts)
    *counts = c;
  return CD_OK;
fail:
  if (own)
    cd_tm_store_rollback(s);
  else if (s->bulk) {
    s->bulk = false;
    if (s->pg)
      cd_tm__pg_batch_end(s, NULL, NULL, NULL);
  }
  return st;
}

/* ---- reading ----------------------------------------------------------------------------- */

static const char *col_text(sqlite3_stmt *st, int i) {
  return (const char *)sqlite3_column_text(st, i);
}

static void read_unit(sqlite3_stmt *st, cd_tm_unit *u) {
  cd_tm_unit_init(u);
  u->id = sqlite3_column_int64(st, 0);
  u->src_lang = col_text(st, 1);
  u->tgt_lang = col_text(st, 2);
  u->source = col_text(st, 3);
  u->target = col_text(st, 4);
  u->source_markup = col_text(st, 5);
  u->target_markup = col_text(st, 6);
  u->origin_doc = col_text(st, 7);
  u->origin_date = sqlite3_column_int64(st, 8);
  u->score = sqlite3_column_type(st, 9) == SQLITE_NULL ? -1 : sqlite3_column_double(st, 9);
  u->created = sqlite3_column_int64(st, 10);
  u->changed = sqlite3_column_int64(st, 11);
  u->usage = sqlite3_column_int64(st, 12);
}

bool cd_tm__lang_matches(const char *want, const char *have) {
  if (!want || !*want)
    return true;
  size_t n = strlen(want);
  if (strncasecmp(want, have, n) != 0)
    return false;
  return have[n] == '\0' || have[n] == '-';
}

static cd_status step_units(cd_tm_store *s, sqlite3_stmt *st, const char *src_lang,
                            const char *tgt_lang, size_t limit, cd_tm_unit_fn fn, void *ud,
                            cd_error *err) {
  int rc;
  size_t given = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    cd_tm_unit u;
    read_unit(st, &u);
    if (!u.source || !u.target || !cd_tm__lang_matches(src_lang, u.src_lang) ||
        !cd_tm__lang_matches(tgt_lang, u.tgt_lang))
      continue;
    if (fn(ud, &u))
      break;
    if (limit && ++given >= limit)
      break;
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return db_error(s, rc, "cannot read units", err);
  return CD_OK;
}

static cd_status run_unit_query(cd_tm_store *s, const char *sql, const char *match, int64_t limit,
                                const char *src_lang, const char *tgt_lang, size_t keep,
                                cd_tm_unit_fn fn, void *ud, cd_error *err) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
  if (rc != SQLITE_OK)
    return db_error(s, rc, "cannot query the TM", err);
  if (match)
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
  if (limit > 0)
    sqlite3_bind_int64(st, 2, limit);
  cd_status r = step_units(s, st, src_lang, tgt_lang, keep, fn, ud, err);
  sqlite3_finalize(st);
  return r;
}

cd_status cd_tm_store_foreach(cd_tm_store *s, const char *src_lang, const char *tgt_lang,
                              cd_tm_unit_fn fn, void *ud, cd_error *err) {
  if (s->pg)
    return cd_tm__pg_foreach(s, src_lang, tgt_lang, fn, ud, err);
  return run_unit_query(s, "SELECT " UNIT_COLUMNS " FROM units u ORDER BY u.id", NULL, 0, src_lang,
                        tgt_lang, 0, fn, ud, err);
}

/* FTS5 query syntax: a term as a quoted string, quotes doubled. */
static cd_status append_fts_string(cd_buf *q, const char *t) {
  cd_status st = cd_buf_append(q, "\"", 1);
  for (const char *p = t; !st && *p; p++)
    st = *p == '"' ? cd_buf_append(q, "\"\"", 2) : cd_buf_append(q, p, 1);
  return st ? st : cd_buf_append(q, "\"", 1);
}

typedef struct term_freq {
  const char *term;
  int64_t n;
} term_freq;

static int by_freq(const void *a, const void *b) {
  const term_freq *x = a, *y = b;
  return x->n < y->n ? -1 : x->n > y->n;
}

/* Postings the candidate search walks: at least the `need` rarest terms' lists up to the
 * hard budget, more terms while the total stays under the soft one. The cost of a lookup is
 * bounded by these, not by the size of the TM. */
#define CANDIDATE_SOFT_BUDGET 8000
#define CANDIDATE_HARD_BUDGET 60000

/* A row and the summed weights of the query terms it holds. */
typedef struct cand {
  int64_t id;
  double w;
} cand;

/* "a ranks below b": lighter, or as heavy and older. */
static bool cand_below(const cand *a, const cand *b) {
  return a->w < b->w || (a->w == b->w && a->id < b->id);
}

/* The best `cap` rows seen so far, as a min-heap on rank. */
typedef struct cand_heap {
  cand *h;
  size_t n, cap;
} cand_heap;

static void heap_sift_down(cand_heap *hp, size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < hp->n && cand_below(&hp->h[l], &hp->h[m]))
      m = l;
    if (r < hp->n && cand_below(&hp->h[r], &hp->h[m]))
      m = r;
    if (m == i)
      return;
    cand t = hp->h[i];
    hp->h[i] = hp->h[m];
    hp->h[m] = t;
    i = m;
  }
}

static void heap_offer(cand_heap *hp, cand c) {
  if (hp->n < hp->cap) {
    size_t i = hp->n++;
    hp->h[i] = c;
    while (i > 0 && cand_below(&hp->h[i], &hp->h[(i - 1) / 2])) {
      cand t = hp->h[i];
      hp->h[i] = hp->h[(i - 1) / 2];
      hp->h[(i - 1) / 2] = t;
      i = (i - 1) / 2;
    }
  } else if (cand_below(&hp->h[0], &c)) {
    hp->h[0] = c;
    heap_sift_down(hp, 0);
  }
}

static int by_rank_desc(const void *a, const void *b) {
  const cand *x = a, *y = b;
  return cand_below(x, y) ? 1 : cand_below(y, x) ? -1 : 0;
}

/* One term's posting list in the source column: row ids, ascending (FTS5's order). */
typedef struct postings {
  int64_t *ids;
  size_t n, cap, at;
  double w;
} postings;

static int push_posting(void *ud, int64_t id) {
  postings *p = ud;
  if (CD_GROW(p->ids, p->n, p->cap))
    return -1;
  p->ids[p->n++] = id;
  return 0;
}

static cd_status read_postings(cd_tm_store *s, const char *term, postings *p, cd_error *err) {
  if (s->pg)
    return cd_tm__pg_postings(s, term, push_posting, p, err);
  cd_buf q = CD_BUF_INIT;
  cd_status st = cd_buf_append_str(&q, "src : ");
  if (!st)
    st = append_fts_string(&q, term);
  if (st) {
    cd_buf_free(&q);
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  sqlite3_stmt *ps;
  if ((st = prepared(s, ST_POSTINGS, &ps, err))) {
    cd_buf_free(&q);
    return st;
  }
  sqlite3_bind_text(ps, 1, q.data, (int)q.len, SQLITE_STATIC);
  int rc;
  while ((rc = sqlite3_step(ps)) == SQLITE_ROW)
    if (push_posting(p, sqlite3_column_int64(ps, 0))) {
      st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
      break;
    }
  sqlite3_reset(ps);
  cd_buf_free(&q);
  if (!st && rc != SQLITE_DONE && rc != SQLITE_ROW)
    st = db_error(s, rc, "cannot search the index", err);
  return st;
}

/* Merges the sorted posting lists, summing the weights per row, keeping the best rows. */
static void merge_postings(postings *p, size_t k, cand_heap *hp) {
  for (;;) {
    int64_t id = INT64_MAX;
    for (size_t i = 0; i < k; i++)
      if (p[i].at < p[i].n && p[i].ids[p[i].at] < id)
        id = p[i].ids[p[i].at];
    if (id == INT64_MAX)
      return;
    cand c = {id, 0};
    for (size_t i = 0; i < k; i++)
      if (p[i].at < p[i].n && p[i].ids[p[i].at] == id) {
        c.w += p[i].w;
        p[i].at++;
      }
    heap_offer(hp, c);
  }
}

/* How many sources hold term (term_df); *found false when none. */
static cd_status term_count(cd_tm_store *s, const char *term, int64_t *n, bool *found,
                            cd_error *err) {
  *found = false;
  if (s->pg)
    return cd_tm__pg_term_df(s, term, n, found, err);
  sqlite3_stmt *q;
  cd_status st = prepared(s, ST_DF_GET, &q, err);
  if (st)
    return st;
  sqlite3_bind_text(q, 1, term, -1, SQLITE_STATIC);
  int rc = sqlite3_step(q);
  if (rc == SQLITE_ROW) {
    *n = sqlite3_column_int64(q, 0);
    *found = true;
  }
  sqlite3_reset(q);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return db_error(s, rc, "cannot read the term index", err);
  return CD_OK;
}

/* PostgreSQL: the ranked rows fetched in one query rather than one round trip each. */
static cd_status give_pg_candidates(cd_tm_store *s, const cand_heap *hp, const char *src_lang,
                                    const char *tgt_lang, size_t limit, cd_tm_unit_fn fn, void *ud,
                                    cd_error *err) {
  if (hp->n == 0)
    return CD_OK;
  int64_t *ids = malloc(hp->n * sizeof *ids);
  if (!ids)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < hp->n; i++)
    ids[i] = hp->h[i].id;
  cd_status st = cd_tm__pg_units_by_id(s, ids, hp->n, src_lang, tgt_lang, limit, fn, ud, err);
  free(ids);
  return st;
}

cd_status cd_tm_store_candidates(cd_tm_store *s, const char *const *terms, size_t nterms,
                                 size_t need, const char *src_lang, const char *tgt_lang,
                                 size_t limit, cd_tm_unit_fn fn, void *ud, cd_error *err) {
  if (nterms == 0)
    return CD_OK;
  if (!limit)
    limit = 200;
  term_freq *tf = calloc(nterms, sizeof *tf);
  postings *pl = calloc(nterms, sizeof *pl);
  /* Rows of other language pairs are dropped after ranking: keep spares when filtering. */
  size_t keep = (src_lang || tgt_lang) ? limit * 2 : limit;
  cand_heap hp = {calloc(keep, sizeof(cand)), 0, keep};
  size_t k = 0;
  cd_status st = CD_OK;
  if (!tf || !pl || !hp.h) {
    st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    goto done;
  }
  size_t n = 0;
  for (size_t i = 0; i < nterms; i++) {
    bool dup = false, found = false;
    for (size_t j = 0; j < n && !dup; j++)
      dup = strcmp(tf[j].term, terms[i]) == 0;
    if (dup)
      continue;
    if ((st = term_count(s, terms[i], &tf[n].n, &found, err)))
      goto done;
    /* A term no source has cannot find a candidate: leave it out. */
    if (found)
      tf[n++].term = terms[i];
  }
  qsort(tf, n, sizeof *tf, by_freq);
  /* Term at a time: each row collects the weights of the query terms it holds (rare terms
   * weigh more); the heaviest rows are the candidates. */
  int64_t total = 0;
  for (size_t i = 0; i < n && !st; i++) {
    int64_t budget = i < need ? CANDIDATE_HARD_BUDGET : CANDIDATE_SOFT_BUDGET;
    if (i > 0 && total + tf[i].n > budget)
      break;
    total += tf[i].n;
    pl[k].w = 1.0 / log2(2.0 + (double)tf[i].n);
    st = read_postings(s, tf[i].term, &pl[k], err);
    k++;
  }
  if (st)
    goto done;
  merge_postings(pl, k, &hp);
  qsort(hp.h, hp.n, sizeof *hp.h, by_rank_desc);
  if (s->pg) {
    st = give_pg_candidates(s, &hp, src_lang, tgt_lang, limit, fn, ud, err);
    goto done;
  }
  sqlite3_stmt *g;
  if ((st = prepared(s, ST_GET_UNIT, &g, err)))
    goto done;
  size_t given = 0;
  for (size_t i = 0; i < hp.n; i++) {
    sqlite3_reset(g);
    sqlite3_bind_int64(g, 1, hp.h[i].id);
    int rc = sqlite3_step(g);
    if (rc == SQLITE_DONE)
      continue;
    if (rc != SQLITE_ROW) {
      st = db_error(s, rc, "cannot read a unit", err);
      break;
    }
    cd_tm_unit u;
    read_unit(g, &u);
    if (!cd_tm__lang_matches(src_lang, u.src_lang) || !cd_tm__lang_matches(tgt_lang, u.tgt_lang))
      continue;
    if (fn(ud, &u) || ++given >= limit)
      break;
  }
  sqlite3_reset(g);
done:
  if (pl)
    for (size_t i = 0; i < k; i++)
      free(pl[i].ids);
  free(pl);
  free(hp.h);
  free(tf);
  return st;
}

cd_status cd_tm_store_concord(cd_tm_store *s, const char *const *terms, size_t nterms,
                              const char *src_lang, const char *tgt_lang, size_t limit,
                              cd_tm_unit_fn fn, void *ud, cd_error *err) {
  if (nterms == 0)
    return CD_OK;
  if (s->pg)
    return cd_tm__pg_concord(s, terms, nterms, src_lang, tgt_lang, limit, fn, ud, err);
  /* The index keeps which column holds a term, not where (detail=column, smaller and faster
   * to build): rows holding every term come back newest first and the caller checks the
   * phrase; it stops the walk (callback returns non-zero) when it has enough. */
  cd_buf match = CD_BUF_INIT;
  cd_status st = CD_OK;
  for (size_t i = 0; i < nterms && !st; i++) {
    if (i)
      st = cd_buf_append_str(&match, " AND ");
    if (!st)
      st = append_fts_string(&match, terms[i]);
  }
  if (st) {
    cd_buf_free(&match);
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  st = run_unit_query(s,
                      "SELECT " UNIT_COLUMNS " FROM units u WHERE u.id IN (SELECT rowid FROM"
                      " unit_fts WHERE unit_fts MATCH ?1) ORDER BY u.id DESC",
                      match.data, 0, src_lang, tgt_lang, limit, fn, ud, err);
  cd_buf_free(&match);
  return st;
}

cd_status cd_tm_store_note_use(cd_tm_store *s, int64_t id, cd_error *err) {
  if (s->pg)
    return cd_tm__pg_note_use(s, id, err);
  bool own = !s->in_tx;
  cd_status st = own ? cd_tm_store_begin(s, err) : CD_OK;
  if (st)
    return st;
  sqlite3_stmt *u;
  if ((st = prepared(s, ST_USE, &u, err)))
    goto fail;
  sqlite3_bind_int64(u, 1, id);
  int rc = sqlite3_step(u);
  sqlite3_reset(u);
  if (rc != SQLITE_DONE) {
    st = db_error(s, rc, "cannot update a unit", err);
    goto fail;
  }
  if (own && (st = cd_tm_store_commit(s, err)))
    goto fail;
  return CD_OK;
fail:
  if (own)
    cd_tm_store_rollback(s);
  return st;
}

cd_status cd_tm_store_stats(cd_tm_store *s, cd_tm_stats *out, cd_tm_pair_fn pair_fn, void *ud,
                            cd_error *err) {
  memset(out, 0, sizeof *out);
  if (s->pg)
    return cd_tm__pg_stats(s, out, pair_fn, ud, err);
  out->schema_version = N_MIGRATIONS;
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(s->db, "SELECT count(*), min(created), max(created) FROM units", -1,
                              &st, NULL);
  if (rc != SQLITE_OK)
    return db_error(s, rc, "cannot read the TM", err);
  if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    out->units = sqlite3_column_int64(st, 0);
    out->oldest = sqlite3_column_int64(st, 1);
    out->newest = sqlite3_column_int64(st, 2);
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW)
    return db_error(s, rc, "cannot read the TM", err);
  if (!pair_fn)
    return CD_OK;
  rc = sqlite3_prepare_v2(s->db,
                          "SELECT src_lang, tgt_lang, count(*) FROM units GROUP BY 1, 2"
                          " ORDER BY 3 DESC, 1, 2",
                          -1, &st, NULL);
  if (rc != SQLITE_OK)
    return db_error(s, rc, "cannot read the TM", err);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    pair_fn(ud, col_text(st, 0), col_text(st, 1), sqlite3_column_int64(st, 2));
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE)
    return db_error(s, rc, "cannot read the TM", err);
  return CD_OK;
}

/* ---- copying ----------------------------------------------------------------------------- */

/* Progress is reported every this many units. */
#define COPY_PROGRESS 1000

typedef struct copy_ctx {
  cd_tm_store *to;
  int64_t done, total;
  size_t skipped;
  cd_tm_progress_fn progress;
  void *ud;
  cd_status st;
  cd_error *err;
} copy_ctx;

/* Each unit goes straight into the target's bulk (PostgreSQL stages it as a COPY row). */
static int copy_unit(void *ud, const cd_tm_unit *u) {
  copy_ctx *c = ud;
  c->done++;
  /* blank texts are skipped, as cd_tm_store_add_units skips them */
  if (cd_tm_text_is_blank(u->source) || cd_tm_text_is_blank(u->target))
    c->skipped++;
  else if ((c->st = cd_tm_store_add(c->to, u, NULL, c->err)))
    return 1;
  if (c->progress && (c->done % COPY_PROGRESS == 0 || c->done == c->total))
    c->progress(c->ud, c->done, c->total);
  return 0;
}

cd_status cd_tm_store_copy(cd_tm_store *from, cd_tm_store *to, cd_tm_progress_fn progress, void *ud,
                           cd_tm_add_counts *counts, cd_error *err) {
  cd_tm_stats stats;
  cd_status st = cd_tm_store_stats(from, &stats, NULL, NULL, err);
  if (st)
    return st;
  copy_ctx c = {to, 0, stats.units, 0, progress, ud, CD_OK, err};
  cd_tm_add_counts k = {0, 0, 0};
  if ((st = cd_tm_store_begin(to, err)))
    return st;
  if (!(st = cd_tm_store_bulk_begin(to, err)))
    st = cd_tm_store_foreach(from, NULL, NULL, copy_unit, &c, err);
  if (!st)
    st = c.st;
  if (!st)
    st = cd_tm_store_bulk_end(to, &k, err);
  if (!st)
    st = cd_tm_store_commit(to, err);
  if (st) {
    cd_tm_store_rollback(to);
    return st;
  }
  if (c.progress && c.done % COPY_PROGRESS != 0 && c.done != c.total)
    c.progress(c.ud, c.done, c.done);
  k.skipped = c.skipped;
  if (counts)
    *counts = k;
  return CD_OK;
}
