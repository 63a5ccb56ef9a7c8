/* SPDX-License-Identifier: MIT */
/* Test helpers (see cd_test.h). */
#include "cd_test.h"
#include "cd_names.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "cd_tm_store.h"

const char *cdt_fixture(const char *name) {
  static char path[4096];
  const char *dir = getenv("CD_FIXTURES");
  snprintf(path, sizeof path, "%s/%s", dir ? dir : "tests/fixtures", name);
  return path;
}

const char *cdt_data_dir(void) { return getenv("COPYDESK_DATA"); }

const char *cdt_tmpdir(void) {
  static char dir[4096];
  if (dir[0])
    return dir;
  const char *base = getenv("CD_TMPDIR");
  if (!base)
    base = "/tmp";
  mkdir(base, 0755);
  snprintf(dir, sizeof dir, "%s/cdt-XXXXXX", base);
  if (!mkdtemp(dir))
    fail_msg("mkdtemp %s: %s", dir, strerror(errno));
  return dir;
}

const char *cdt_tmpfile(const char *name) {
  static char paths[4][4096];
  static int slot;
  slot = (slot + 1) % 4;
  int n = snprintf(paths[slot], sizeof paths[slot], "%s/%s", cdt_tmpdir(), name);
  if (n < 0 || (size_t)n >= sizeof paths[slot])
    fail_msg("temporary path too long for %s", name);
  return paths[slot];
}

void cdt_read_file(const char *path, cd_buf *out) {
  FILE *f = fopen(path, "rb");
  if (!f)
    fail_msg("cannot open %s: %s", path, strerror(errno));
  cd_buf_clear(out);
  char tmp[65536];
  size_t n;
  while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
    assert_int_equal(cd_buf_append(out, tmp, n), CD_OK);
  fclose(f);
  if (!out->data)
    assert_int_equal(cd_buf_append(out, "", 0), CD_OK);
}

void cdt_write_file(const char *path, const void *data, size_t len) {
  FILE *f = fopen(path, "wb");
  if (!f)
    fail_msg("cannot create %s: %s", path, strerror(errno));
  assert_int_equal(fwrite(data, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

int cdt_run(const char *const *argv, const char *stdin_data, size_t stdin_len, cd_buf *out,
            cd_buf *err) {
  static int seq;
  const char *bin = getenv("COPYDESK_BIN");
  if (!bin)
    fail_msg("COPYDESK_BIN is not set (run the tests through ctest)");
  char in_path[4200], out_path[4200], err_path[4200];
  seq++;
  /* the pid too: forked test processes run commands side by side */
  int me = (int)getpid();
  snprintf(in_path, sizeof in_path, "%s/run%d-%d.in", cdt_tmpdir(), me, seq);
  snprintf(out_path, sizeof out_path, "%s/run%d-%d.out", cdt_tmpdir(), me, seq);
  snprintf(err_path, sizeof err_path, "%s/run%d-%d.err", cdt_tmpdir(), me, seq);
  cdt_write_file(in_path, stdin_data ? stdin_data : "", stdin_data ? stdin_len : 0);
  size_t argc = 0;
  while (argv[argc])
    argc++;
  char **args = calloc(argc + 1, sizeof *args);
  args[0] = (char *)bin;
  for (size_t i = 1; i < argc; i++)
    args[i] = (char *)argv[i];
  pid_t pid = fork();
  if (pid == 0) {
    int fi = open(in_path, O_RDONLY), fo = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644),
        fe = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fi < 0 || fo < 0 || fe < 0)
      _exit(127);
    dup2(fi, 0);
    dup2(fo, 1);
    dup2(fe, 2);
    execv(bin, args);
    _exit(127);
  }
  free(args);
  int status = 0;
  waitpid(pid, &status, 0);
  if (out)
    cdt_read_file(out_path, out);
  if (err)
    cdt_read_file(err_path, err);
  unlink(in_path);
  unlink(out_path);
  unlink(err_path);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

size_t cdt_count_lines(const char *s, size_t len) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++)
    n += s[i] == '\n';
  return n;
}

long cdt_tm_units_checked(const char *tm) {
  if (strncmp(tm, "postgres", 8) == 0) { /* PostgreSQL keeps its own integrity */
    cd_tm_store *s = NULL;
    cd_error err;
    if (cd_tm_store_new(tm, NULL, &s, &err))
      fail_msg("open %s: %s", tm, err.message);
    long n = (long)cdt_tm_count(s);
    cd_tm_store_free(s);
    return n;
  }
  sqlite3 *db;
  assert_int_equal(sqlite3_open_v2(tm, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
  sqlite3_finalize(st);
  assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM units", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  long n = (long)sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

const char *cdt_pg_url(void) {
  const char *url = getenv("CDT_PG_URL");
  return url && *url ? url : NULL;
}

static void pg_must(PGconn *c, const char *sql) {
  PGresult *r = PQexec(c, sql);
  ExecStatusType t = PQresultStatus(r);
  if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK)
    fail_msg("%s: %s", sql, PQerrorMessage(c));
  PQclear(r);
}

/* A database named after name (letters and digits kept, lower-cased), emptied of the TM. */
static const char *pg_location(const char *url, const char *name) {
  static char urls[4][4096];
  static int slot;
  slot = (slot + 1) % 4;
  char db[48] = "cdt_";
  size_t n = 4;
  for (const char *p = name; *p && n + 1 < sizeof db; p++)
    db[n++] = (*p >= 'A' && *p <= 'Z')                                 ? (char)(*p - 'A' + 'a')
              : ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) ? *p
                                                                       : '_';
  db[n] = '\0';
  const char *q = strstr(url, "/postgres?");
  if (!q)
    fail_msg("CDT_PG_URL must name the database postgres with a query: %s", url);
  snprintf(urls[slot], sizeof urls[slot], "%.*s/%s%s", (int)(q - url), url, db, q + 9);
  PGconn *c = PQconnectdb(url);
  if (PQstatus(c) != CONNECTION_OK)
    fail_msg("%s: %s", url, PQerrorMessage(c));
  const char *v[1] = {db};
  PGresult *r =
      PQexecParams(c, "SELECT 1 FROM pg_database WHERE datname = $1", 1, NULL, v, NULL, NULL, 0);
  bool exists = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
  PQclear(r);
  if (!exists) {
    char sql[128];
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", db); /* db: [a-z0-9_] only */
    pg_must(c, sql);
  }
  PQfinish(c);
  c = PQconnectdb(urls[slot]);
  if (PQstatus(c) != CONNECTION_OK)
    fail_msg("%s: %s", urls[slot], PQerrorMessage(c));
  PQsetNoticeProcessor(c, NULL, NULL);
  pg_must(c, "SET client_min_messages = warning;"
             " DROP TABLE IF EXISTS units, unit_terms, term_df, copydesk_tm_schema");
  PQfinish(c);
  return urls[slot];
}

const char *cdt_tm_location(const char *name) {
  const char *url = cdt_pg_url();
  if (url)
    return pg_location(url, name);
  const char *path = cdt_tmpfile(name);
  unlink(path);
  return path;
}

cd_tm_store *cdt_tm_fresh(const char *name) {
  const char *path = cdt_tm_location(name);
  cd_tm_store *s = NULL;
  cd_error err;
  cd_error_clear(&err);
  if (cd_tm_store_new(path, NULL, &s, &err))
    fail_msg("open %s: %s", path, err.message);
  return s;
}

cd_tm_unit cdt_unit(const char *sl, const char *tl, const char *src, const char *tgt) {
  cd_tm_unit u;
  cd_tm_unit_init(&u);
  u.src_lang = sl;
  u.tgt_lang = tl;
  u.source = src;
  u.target = tgt;
  return u;
}

long long cdt_tm_count(cd_tm_store *s) {
  cd_tm_stats st;
  cd_error err;
  if (cd_tm_store_stats(s, &st, NULL, NULL, &err))
    fail_msg("stats: %s", err.message);
  return (long long)st.units;
}

int cdt_names_setup(void **state) {
  cdt_names_fixture *f = calloc(1, sizeof *f);
  if (!f)
    return -1;
  char dbp[4200], tr[4200];
  snprintf(dbp, sizeof dbp, "%s/names.sqlite", cdt_data_dir());
  snprintf(tr, sizeof tr, "%s/translit", cdt_data_dir());
  cd_names_options o;
  cd_names_options_init(&o);
  o.db_path = dbp;
  o.translit_dir = tr;
  cd_error err;
  /* under tests/support/pg_cluster.sh the same store is read from PostgreSQL */
  const char *url = getenv("CDT_PG_URL");
  if (url && *url) {
    cd_names_migrate_stats ms;
    if (cd_names_migrate(dbp, url, &ms, &err)) {
      print_error("names migrate: %s\n", err.message);
      free(f);
      return -1;
    }
    o.db_path = url;
  }
  cd_names_scan_options so;
  cd_names_scan_options_init(&so);
  so.data_dir = cdt_data_dir();
  if (cd_names_open(&o, &f->db, &err) || cd_names_scanner_new(f->db, &so, &f->sc, &err)) {
    cd_names_free(f->db);
    free(f);
    return -1;
  }
  *state = f;
  return 0;
}

int cdt_names_teardown(void **state) {
  cdt_names_fixture *f = *state;
  cd_names_scanner_free(f->sc);
  cd_names_free(f->db);
  free(f);
  return 0;
}
