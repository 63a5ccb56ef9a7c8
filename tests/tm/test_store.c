/* SPDX-License-Identifier: MIT */
/* The TM store: schema, migrations, merging duplicates, transactions, WAL readers, locks. */
#include "cd_test.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cd_tm_store.h"

static void test_schema_created(void **state) {
  (void)state;
  cd_tm_store *s = cdt_tm_fresh("schema.sqlite");
  cd_tm_stats st;
  cd_error err;
  assert_int_equal(cd_tm_store_stats(s, &st, NULL, NULL, &err), CD_OK);
  assert_int_equal(st.schema_version, cd_tm_schema_version());
  assert_int_equal(st.units, 0);
  cd_tm_store_free(s);
  /* The file records its version and is in WAL mode. */
  sqlite3 *db;
  assert_int_equal(sqlite3_open(cdt_tmpfile("schema.sqlite"), &db), SQLITE_OK);
  sqlite3_stmt *q;
  assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(q), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(q, 0), cd_tm_schema_version());
  sqlite3_finalize(q);
  assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(q), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(q, 0), "wal");
  sqlite3_finalize(q);
  sqlite3_close(db);
  /* Reopening an up-to-date file works and keeps it. */
  cd_tm_store *again = NULL;
  assert_int_equal(cd_tm_store_new(cdt_tmpfile("schema.sqlite"), NULL, &again, &err), CD_OK);
  cd_tm_store_free(again);
  cd_tm_store_free(NULL);
}

static void set_user_version(const char *path, int v) {
  sqlite3 *db;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  char sql[64];
  snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v);
  sqlite3_stmt *q;
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(q), SQLITE_DONE);
  sqlite3_finalize(q);
  sqlite3_close(db);
}

static void test_newer_schema_refused(void **state) {
  (void)state;
  cd_tm_store *s = cdt_tm_fresh("newer.sqlite");
  cd_tm_store_free(s);
  const char *path = cdt_tmpfile("newer.sqlite");
  set_user_version(path, cd_tm_schema_version() + 1);
  cd_error err;
  cd_error_clear(&err);
  cd_tm_store *t = NULL;
  assert_int_equal(cd_tm_store_new(path, NULL, &t, &err), CD_ERR_DB);
  assert_null(t);
  assert_non_null(strstr(err.message, "newer.sqlite"));
  assert_non_null(strstr(err.message, "newer than this copydesk"));
}

static void test_foreign_sqlite_refused(void **state) {
  (void)state;
  const char *path = cdt_tmpfile("other.sqlite");
  unlink(path);
  sqlite3 *db;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  sqlite3_stmt *q;
  assert_int_equal(sqlite3_prepare_v2(db, "CREATE TABLE recipes(x)", -1, &q, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(q), SQLITE_DONE);
  sqlite3_finalize(q);
  sqlite3_close(db);
  cd_error err;
  cd_tm_store *t = NULL;
  assert_int_equal(cd_tm_store_new(path, NULL, &t, &err), CD_ERR_DB);
  assert_non_null(strstr(err.message, "not a copydesk translation memory"));
  /* A text file is not a TM either. */
  const char *txt = cdt_tmpfile("notes.txt");
  cdt_write_file(txt, "shopping list: bread, milk, eggs and coffee for the week\n", 57);
  assert_int_equal(cd_tm_store_new(txt, NULL, &t, &err), CD_ERR_DB);
  assert_non_null(strstr(err.message, "notes.txt"));
}

static void test_creates_directories(void **state) {
  (void)state;
  char path[4200];
  snprintf(path, sizeof path, "%s/nested/deeper/tm.sqlite", cdt_tmpdir());
  cd_tm_store *s = NULL;
  cd_error err;
  assert_int_equal(cd_tm_store_new(path, NULL, &s, &err), CD_OK);
  cd_tm_store_free(s);
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
}

static void test_default_path(void **state) {
  (void)state;
  cd_buf b = CD_BUF_INIT;
  cd_error err;
  setenv("XDG_DATA_HOME", "/srv/desk/data", 1);
  assert_int_equal(cd_tm_default_path(&b, &err), CD_OK);
  assert_string_equal(b.data, "/srv/desk/data/copydesk/tm.sqlite");
  unsetenv("XDG_DATA_HOME");
  setenv("HOME", "/home/editor", 1);
  assert_int_equal(cd_tm_default_path(&b, &err), CD_OK);
  assert_string_equal(b.data, "/home/editor/.local/share/copydesk/tm.sqlite");
  cd_buf_free(&b);
}

typedef struct collected {
  int n;
  char src_lang[16], tgt_lang[16];
  int64_t usage, changed, created;
  double score;
  char origin[64];
} collected;

static int collect(void *ud, const cd_tm_unit *u) {
  collected *c = ud;
  c->n++;
  snprintf(c->src_lang, sizeof c->src_lang, "%s", u->src_lang);
  snprintf(c->tgt_lang, sizeof c->tgt_lang, "%s", u->tgt_lang);
  snprintf(c->origin, sizeof c->origin, "%s", u->origin_doc ? u->origin_doc : "");
  c->usage = u->usage;
  c->changed = u->changed;
  c->created = u->created;
  c->score = u->score;
  return 0;
}

static void test_add_and_merge_duplicates(void **state) {
  (void)state;
  cd_tm_store *s = cdt_tm_fresh("merge.sqlite");
  cd_error err;
  cd_tm_unit u =
      cdt_unit("EN", "FR", "The polls close at 8 p.m.", "Les bureaux de vote ferment à 20 h.");
  u.created = 1700000000;
  u.usage = 2;
  bool merged = true;
  assert_int_equal(cd_tm_store_add(s, &u, &merged, &err), CD_OK);
  assert_false(merged);
  /* The same unit again, later, with a score: merged, dates and usage updated. */
  cd_tm_unit again = cdt_unit("en", "fr", u.source, u.target);
  again.created = 1710000000;
  again.usage = 3;
  again.score = 0.9;
  again.origin_doc = "elections.txt";
  assert_int_equal(cd_tm_store_add(s, &again, &merged, &err), CD_OK);
  assert_true(merged);
  assert_int_equal(cdt_tm_count(s), 1);
  collected c;
  memset(&c, 0, sizeof c);
  assert_int_equal(cd_tm_store_foreach(s, NULL, NULL, collect, &c, &err), CD_OK);
  assert_int_equal(c.n, 1);
  assert_string_equal(c.src_lang, "en"); /* stored lower-case */
  assert_string_equal(c.tgt_lang, "fr");
  assert_int_equal(c.usage, 5);
  assert_int_equal(c.created, 1700000000);
  assert_int_equal(c.changed, 1710000000);
  assert_true(c.score > 0.89 && c.score < 0.91);
  assert_string_equal(c.origin, "elections.txt");
  /* Another target or another language pair is another unit. */
  cd_tm_unit other = cdt_unit("en", "fr", u.source, "Les bureaux de vote fermeront à 20 heures.");
  assert_int_equal(cd_tm_store_add(s, &other, &merged, &err), CD_OK);
  assert_false(merged);
  cd_tm_unit de = cdt_unit("en", "de", u.source, "Die Wahllokale schließen um 20 Uhr.");
  assert_int_equal(cd_tm_store_add(s, &de, &merged, &err), CD_OK);
  assert_false(merged);
  assert_int_equal(cdt_tm_count(s), 3);
  memset(&c, 0, sizeof c);
  assert_int_equal(cd_tm_store_foreach(s, "en", "de", collect, &c, &err), CD_OK);
  assert_int_equal(c.n, 1);
  /* Bad units are refused. */
  cd_tm_unit nolang = cdt_unit(NULL, "fr", "x", "y");
  assert_int_equal(cd_tm_store_add(s, &nolang, NULL, &err), CD_ERR_INPUT);
  cd_tm_unit badutf8 =
      cdt_unit("en", "fr", "Caf\xE9 owners protest", "Les patrons de caf\xC3\xA9s");
  assert_int_equal(cd_tm_store_add(s, &badutf8, NULL, &err), CD_ERR_INPUT);
  assert_non_null(strstr(err.message, "UTF-8"));
  cd_tm_store_free(s);
}

static void test_add_units_all_or_nothing(void **state) {
  (void)state;
  cd_tm_store *s = cdt_tm_fresh("batch.sqlite");
  cd_error err;
  cd_tm_unit beads[3] = {
      cdt_unit("en", "uk", "The talks resumed in Geneva.", "Переговори відновилися в Женеві."),
      cdt_unit("en", "uk", "No agreement was reached.", "Згоди не досягли."),
      cdt_unit("en", NULL, "A broken bead.", "Зламана пара.")};
  assert_int_equal(cd_tm_store_add_units(s, beads, 3, -1, NULL, &err), CD_ERR_INPUT);
  assert_int_equal(cdt_tm_count(s), 0);
  beads[2].tgt_lang = "uk";
  beads[1].score = 0.2;
  beads[0].score = 0.95;
  cd_tm_add_counts c;
  assert_int_equal(cd_tm_store_add_units(s, beads, 3, 0.5, &c, &err), CD_OK);
  assert_int_equal(c.added, 2);
  assert_int_equal(c.skipped, 1);
  assert_int_equal(cdt_tm_count(s), 2);
  /* Joining a caller's transaction, then rolling it back. */
  assert_int_equal(cd_tm_store_begin(s, &err), CD_OK);
  assert_int_equal(cd_tm_store_add_units(s, beads + 1, 1, -1, &c, &err), CD_OK);
  assert_true(cd_tm_store_in_transaction(s));
  cd_tm_store_rollback(s);
  assert_int_equal(cdt_tm_count(s), 2);
  cd_tm_store_free(s);
}

static void test_reader_during_write(void **state) {
  (void)state;
  cd_tm_store *w = cdt_tm_fresh("wal.sqlite");
  cd_error err;
  cd_tm_unit u = cdt_unit("de", "en", "Der Zug hatte zwei Stunden Verspätung.",
                          "The train was two hours late.");
  assert_int_equal(cd_tm_store_add(w, &u, NULL, &err), CD_OK);
  cd_tm_store_options o;
  cd_tm_store_options_init(&o);
  o.busy_timeout_ms = 100;
  cd_tm_store *r = NULL;
  assert_int_equal(cd_tm_store_new(cdt_tmpfile("wal.sqlite"), &o, &r, &err), CD_OK);
  /* The writer holds an open import... */
  assert_int_equal(cd_tm_store_begin(w, &err), CD_OK);
  cd_tm_unit v = cdt_unit("de", "en", "Die Brücke bleibt gesperrt.", "The bridge stays closed.");
  assert_int_equal(cd_tm_store_add(w, &v, NULL, &err), CD_OK);
  /* ...and the reader still reads the committed TM, at once. */
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  assert_int_equal(cdt_tm_count(r), 1);
  collected c;
  memset(&c, 0, sizeof c);
  assert_int_equal(cd_tm_store_foreach(r, "de", NULL, collect, &c, &err), CD_OK);
  assert_int_equal(c.n, 1);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  assert_true(t1.tv_sec - t0.tv_sec < 1);
  assert_int_equal(cd_tm_store_commit(w, &err), CD_OK);
  assert_int_equal(cdt_tm_count(r), 2);
  cd_tm_store_free(r);
  cd_tm_store_free(w);
}

static void test_locked_database(void **state) {
  (void)state;
  cd_tm_store *a = cdt_tm_fresh("locked.sqlite");
  cd_error err;
  cd_error_clear(&err);
  cd_tm_store_options o;
  cd_tm_store_options_init(&o);
  o.busy_timeout_ms = 300;
  cd_tm_store *b = NULL;
  assert_int_equal(cd_tm_store_new(cdt_tmpfile("locked.sqlite"), &o, &b, &err), CD_OK);
  assert_int_equal(cd_tm_store_begin(a, &err), CD_OK);
  cd_tm_unit u = cdt_unit("fr", "en", "La séance est levée.", "The session is closed.");
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  assert_int_equal(cd_tm_store_add(b, &u, NULL, &err), CD_ERR_DB);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double waited = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  assert_true(waited >= 0.25);
  assert_non_null(strstr(err.message, "database is locked"));
  assert_non_null(strstr(err.message, "locked.sqlite"));
  /* Once the lock is gone, the write goes through. */
  cd_tm_store_rollback(a);
  assert_int_equal(cd_tm_store_add(b, &u, NULL, &err), CD_OK);
  assert_int_equal(cdt_tm_count(a), 1);
  cd_tm_store_free(a);
  cd_tm_store_free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_schema_created),
      cmocka_unit_test(test_newer_schema_refused),
      cmocka_unit_test(test_foreign_sqlite_refused),
      cmocka_unit_test(test_creates_directories),
      cmocka_unit_test(test_default_path),
      cmocka_unit_test(test_add_and_merge_duplicates),
      cmocka_unit_test(test_add_units_all_or_nothing),
      cmocka_unit_test(test_reader_during_write),
      cmocka_unit_test(test_locked_database),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
