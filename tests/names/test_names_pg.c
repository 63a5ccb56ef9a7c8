/* SPDX-License-Identifier: MIT */
/* The names store on PostgreSQL, in a throwaway cluster (tests/support/pg_cluster.sh run sets
 * CDT_PG_URL): the build's names.sqlite migrated there answers every lookup as the file does
 * (hits, canonical forms, forms, context, prefix lemmas); a re-migrate is all or nothing and
 * readers see the old store or the new one, never half; bad URLs say what is wrong without
 * the password; normalize --names-db URL writes what --names-db FILE writes. */
#include "cd_test.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cd_names.h"
#include "names_internal.h" /* cd_names_prefix_lemmas */

static char store_url[4096], full_db[4200], small_db[4200], translit[4200];

/* The database of the tests (created once), the two stores they migrate. */
static void prepare(void) {
  if (store_url[0])
    return;
  snprintf(store_url, sizeof store_url, "%s", cdt_tm_location("names_pg"));
  snprintf(full_db, sizeof full_db, "%s/names.sqlite", cdt_data_dir());
  snprintf(translit, sizeof translit, "%s/translit", cdt_data_dir());
  snprintf(small_db, sizeof small_db, "%s", cdt_tmpfile("small.sqlite"));
  const char *tsv[1] = {cdt_fixture("names/pg-small.tsv")};
  cd_error err;
  cd_error_clear(&err);
  if (cd_names_compile(tsv, 1, translit, small_db, &err))
    fail_msg("compile: %s", err.message);
}

static void migrate(const char *from) {
  cd_error err;
  cd_error_clear(&err);
  cd_names_migrate_stats k;
  if (cd_names_migrate(from, store_url, &k, &err))
    fail_msg("migrate %s: %s", from, err.message);
}

static cd_names *open_at(const char *where) {
  cd_names_options o;
  cd_names_options_init(&o);
  o.db_path = where;
  o.translit_dir = translit;
  cd_names *db = NULL;
  cd_error err;
  cd_error_clear(&err);
  if (cd_names_open(&o, &db, &err))
    fail_msg("open %s: %s", where, err.message);
  return db;
}

/* Runs sql on the database at url; the first cell of its answer as a number (0 without). */
static long pg_long_at(const char *url, const char *sql) {
  PGconn *c = PQconnectdb(url);
  if (PQstatus(c) != CONNECTION_OK)
    fail_msg("%s", PQerrorMessage(c));
  PGresult *r = PQexec(c, sql);
  ExecStatusType t = PQresultStatus(r);
  if (t != PGRES_TUPLES_OK && t != PGRES_COMMAND_OK)
    fail_msg("%s: %s", sql, PQerrorMessage(c));
  long v = t == PGRES_TUPLES_OK ? strtol(PQgetvalue(r, 0, 0), NULL, 10) : 0;
  PQclear(r);
  PQfinish(c);
  return v;
}

/* One number from the test database (a count). */
static long pg_long(const char *sql) { return pg_long_at(store_url, sql); }

/* ---- the same answers as SQLite ------------------------------------------------------------ */

static cd_status add_form(void *ud, const char *lang, const char *kind, const char *form,
                          cd_error *err) {
  (void)err;
  return cd_buf_appendf(ud, " [%s|%s|%s]", lang ? lang : "-", kind ? kind : "-", form ? form : "-");
}

/* Everything the lookups give for text, as one string. */
static void describe(cd_names *db, const char *text, bool fuzzy, bool best_only, cd_buf *out) {
  cd_names_query q = {text, strlen(text), NULL, 0, "en", fuzzy, best_only};
  cd_names_hit hits[8];
  size_t n = 0;
  cd_error err;
  cd_error_clear(&err);
  cd_buf_clear(out);
  cd_status st = cd_names_find(db, &q, hits, 8, &n, &err);
  assert_int_equal(cd_buf_appendf(out, "st=%d n=%zu", (int)st, n), CD_OK);
  cd_buf tmp = CD_BUF_INIT;
  for (size_t i = 0; i < n && !st; i++) {
    const cd_names_hit *h = &hits[i];
    assert_int_equal(
        cd_buf_appendf(out, "\n%s %s e=%lld house=%d level=%d part=%d ctx=%d hist=%d %.6f %s",
                       h->id, h->type, (long long)h->entity, h->house, h->level, h->part,
                       h->context, h->historical, h->score, h->why),
        CD_OK);
    static const char *const langs[] = {"en", "fr", "de", "uk", "ru", "pl"};
    for (size_t l = 0; l < sizeof langs / sizeof langs[0]; l++) {
      cd_buf_clear(&tmp);
      cd_status c = cd_names_canonical(db, h, langs[l], h->part, &tmp, &err);
      assert_int_equal(cd_buf_appendf(out, " %s=%s", langs[l], c ? "-" : cd_buf_at(&tmp, 0)),
                       CD_OK);
    }
    assert_int_equal(cd_names_forms(db, h, add_form, out, &err), CD_OK);
    assert_int_equal(cd_names_context(db, h, "given", add_form, out, &err), CD_OK);
    assert_int_equal(cd_names_context(db, h, "role", add_form, out, &err), CD_OK);
  }
  cd_buf_free(&tmp);
}

static cd_status add_lemma(void *ud, const cd_names_hit *h, const char *lemma, cd_error *err) {
  (void)err;
  return cd_buf_appendf(ud, " %s/%lld/%d/%s", h->id, (long long)h->entity, h->part, lemma);
}

/* Each query through both handles; the first difference fails the test. */
static size_t compare(cd_names *a, cd_names *b, const char *text) {
  cd_buf x = CD_BUF_INIT, y = CD_BUF_INIT;
  size_t hits = 0;
  for (int mode = 0; mode < 3; mode++) {
    describe(a, text, mode > 0, mode == 2, &x);
    describe(b, text, mode > 0, mode == 2, &y);
    if (strcmp(cd_buf_at(&x, 0), cd_buf_at(&y, 0)) != 0)
      fail_msg("'%s' (mode %d):\nSQLite:\n%s\nPostgreSQL:\n%s", text, mode, cd_buf_at(&x, 0),
               cd_buf_at(&y, 0));
    hits += strstr(cd_buf_at(&x, 0), "n=0") == NULL;
  }
  cd_buf_free(&x);
  cd_buf_free(&y);
  return hits;
}

/* Every fourth form of the store, its possessive and its first word cut short, through the
 * file and the database; the prefix lemmas of fold keys cut to 3 to 6 code points. */
static void test_same_answers(void **state) {
  (void)state;
  CDT_NEED_PG();
  prepare();
  migrate(full_db);
  cd_names *a = open_at(full_db), *b = open_at(store_url);
  assert_int_equal(cd_names_count(a), cd_names_count(b));
  sqlite3 *src = NULL;
  assert_int_equal(sqlite3_open_v2(full_db, &src, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  sqlite3_stmt *q = NULL;
  assert_int_equal(sqlite3_prepare_v2(src, "SELECT form FROM forms WHERE fid % 4 = 0 ORDER BY fid",
                                      -1, &q, NULL),
                   SQLITE_OK);
  size_t queries = 0, found = 0;
  char buf[600];
  while (sqlite3_step(q) == SQLITE_ROW) {
    const char *f = (const char *)sqlite3_column_text(q, 0);
    found += compare(a, b, f);
    snprintf(buf, sizeof buf, "%s's", f);
    found += compare(a, b, buf);
    /* the first word without its last byte: a near miss (fuzzy) or an ill-formed end */
    size_t w = strcspn(f, " ");
    if (w > 3) {
      snprintf(buf, sizeof buf, "%.*s%s", (int)(w - 1), f, f + w);
      found += compare(a, b, buf);
    }
    queries += 3;
  }
  sqlite3_finalize(q);
  assert_int_equal(sqlite3_prepare_v2(src,
                                      "SELECT key FROM keys WHERE kind=1 AND part<2 "
                                      "AND abs(eid * 7 + fid) % 25 = 0",
                                      -1, &q, NULL),
                   SQLITE_OK);
  cd_buf x = CD_BUF_INIT, y = CD_BUF_INIT;
  size_t lemmas = 0;
  cd_error err;
  while (sqlite3_step(q) == SQLITE_ROW) {
    const char *k = (const char *)sqlite3_column_text(q, 0);
    size_t len = strlen(k), i = 0;
    for (int cps = 0; cps < 6 && i < len; cps++) {
      cd_utf8_next(k, len, &i);
      if (cps < 2)
        continue;
      cd_buf_clear(&x);
      cd_buf_clear(&y);
      assert_int_equal(cd_names_prefix_lemmas(a, k, i, i + 12, add_lemma, &x, &err), CD_OK);
      assert_int_equal(cd_names_prefix_lemmas(b, k, i, i + 12, add_lemma, &y, &err), CD_OK);
      if (strcmp(cd_buf_at(&x, 0), cd_buf_at(&y, 0)) != 0)
        fail_msg("prefix '%.*s':\nSQLite:%s\nPostgreSQL:%s", (int)i, k, cd_buf_at(&x, 0),
                 cd_buf_at(&y, 0));
      lemmas += x.len > 0;
      queries++;
    }
  }
  sqlite3_finalize(q);
  sqlite3_close(src);
  cd_buf_free(&x);
  cd_buf_free(&y);
  print_message("%zu queries (each 3 ways), %zu lookups with hits, %zu prefixes with lemmas: "
                "the same on both\n",
                queries, found, lemmas);
  assert_true(found > 1000);
  assert_true(lemmas > 100);
  cd_names_free(a);
  cd_names_free(b);
}

/* ---- re-migrating: old or new, never half ------------------------------------------------ */

static size_t hits_of(cd_names *db, const char *text) {
  cd_names_query q = {text, strlen(text), NULL, 0, "en", false, false};
  cd_names_hit hits[4];
  size_t n = 0;
  cd_error err;
  if (cd_names_find(db, &q, hits, 4, &n, &err))
    return (size_t)-1;
  return n;
}

/* A handle sees exactly one of the two stores: the big one (Scholz, 1,000 entities and more)
 * or the small one (Kovalchuk, 3 entities), with the canonical form of what it finds. */
static int which_store(cd_names *db) {
  size_t big = hits_of(db, "Olaf Scholz"), small = hits_of(db, "Bohdana Kovalchuk");
  uint64_t n = cd_names_count(db);
  if (big == 1 && small == 0 && n > 1000)
    return 1;
  if (big == 0 && small == 1 && n == 3)
    return 2;
  return 0;
}

static void test_readers_keep_their_generation(void **state) {
  (void)state;
  CDT_NEED_PG();
  prepare();
  migrate(full_db);
  cd_names *r1 = open_at(store_url);
  assert_int_equal(which_store(r1), 1);
  migrate(small_db);
  cd_names *r2 = open_at(store_url);
  assert_int_equal(which_store(r2), 2);
  assert_int_equal(which_store(r1), 1); /* opened before: still the big store, whole */
  cd_buf c = CD_BUF_INIT;
  cd_names_query q = {"Scholz", 6, NULL, 0, "de", false, false};
  cd_names_hit h;
  size_t n = 0;
  cd_error err;
  assert_int_equal(cd_names_find(r1, &q, &h, 1, &n, &err), CD_OK);
  assert_int_equal(n, 1);
  assert_int_equal(cd_names_canonical(r1, &h, "uk", CD_PART_FULL, &c, &err), CD_OK);
  assert_string_equal(cd_buf_at(&c, 0), "Олаф Шольц");
  cd_buf_free(&c);
  migrate(full_db);
  assert_int_equal(which_store(r1), 1);
  assert_int_equal(which_store(r2), 2);
  /* both readers' generations are pinned: kept, with the newest */
  assert_int_equal(pg_long("SELECT count(*) FROM copydesk_names_gens"), 3);
  cd_names_free(r1);
  cd_names_free(r2);
  migrate(small_db);
  /* nobody reads the old ones now: gone, their rows too */
  assert_int_equal(pg_long("SELECT count(*) FROM copydesk_names_gens"), 1);
  assert_int_equal(pg_long("SELECT count(DISTINCT gen) FROM copydesk_names_keys"), 1);
  assert_int_equal(pg_long("SELECT count(*) FROM copydesk_names_entities"), 3);
}

typedef struct watcher {
  volatile int stop;
  int bad, opened, saw[3];
  cd_names *pinned;
  int pinned_store;
} watcher;

/* Opens the store again and again while the main thread migrates: every handle sees one
 * store whole; a handle kept open never changes. */
static void *watch(void *ud) {
  watcher *w = ud;
  while (!w->stop) {
    cd_names_options o;
    cd_names_options_init(&o);
    o.db_path = store_url;
    o.translit_dir = translit;
    cd_names *db = NULL;
    cd_error err;
    if (cd_names_open(&o, &db, &err) == CD_OK) {
      int s = which_store(db);
      w->saw[s]++;
      w->bad += s == 0;
      w->opened++;
    } else
      w->bad++;
    cd_names_free(db);
    w->bad += which_store(w->pinned) != w->pinned_store;
  }
  return NULL;
}

static void test_reader_during_migrate(void **state) {
  (void)state;
  CDT_NEED_PG();
  prepare();
  migrate(small_db);
  watcher w;
  memset(&w, 0, sizeof w);
  w.pinned = open_at(store_url);
  w.pinned_store = which_store(w.pinned);
  assert_int_equal(w.pinned_store, 2);
  pthread_t t;
  assert_int_equal(pthread_create(&t, NULL, watch, &w), 0);
  for (int i = 0; i < 6; i++)
    migrate(i % 2 ? small_db : full_db);
  usleep(100000);
  w.stop = 1;
  pthread_join(t, NULL);
  print_message("%d opens during 6 migrations: %d saw the big store, %d the small one, %d half\n",
                w.opened, w.saw[1], w.saw[2], w.saw[0]);
  assert_int_equal(w.bad, 0);
  assert_true(w.opened > 0);
  cd_names_free(w.pinned);
}

/* A migration that fails in its last table leaves the store as it was. */
static void test_failed_migrate_changes_nothing(void **state) {
  (void)state;
  CDT_NEED_PG();
  prepare();
  migrate(small_db);
  long gens = pg_long("SELECT count(*) FROM copydesk_names_gens");
  long keys = pg_long("SELECT count(*) FROM copydesk_names_keys");
  /* a copy of the big store whose last key row holds a part that is not a number */
  const char *bad = cdt_tmpfile("bad.sqlite");
  cd_buf data = CD_BUF_INIT;
  cdt_read_file(full_db, &data);
  cdt_write_file(bad, data.data, data.len);
  cd_buf_free(&data);
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(bad, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db,
                                "UPDATE keys SET part='x' WHERE key=(SELECT max(key) FROM keys) "
                                "AND kind=1",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_close(db);
  cd_error err;
  cd_error_clear(&err);
  assert_int_not_equal(cd_names_migrate(bad, store_url, NULL, &err), CD_OK);
  assert_non_null(strstr(err.message, "cannot load the names store"));
  assert_int_equal(pg_long("SELECT count(*) FROM copydesk_names_gens"), gens);
  assert_int_equal(pg_long("SELECT count(*) FROM copydesk_names_keys"), keys);
  assert_int_equal(pg_long("SELECT count(*) FROM copydesk_names_entities"), 3);
  cd_names *r = open_at(store_url);
  assert_int_equal(which_store(r), 2);
  cd_names_free(r);
}

/* ---- errors ------------------------------------------------------------------------------- */

/* url with its database replaced by db and user:password@ put in. */
static void url_with(char *out, size_t cap, const char *db, const char *password) {
  const char *base = cdt_pg_url(); /* postgresql://copydesk@/postgres?host=... */
  const char *q = strstr(base, "/postgres?");
  assert_non_null(q);
  snprintf(out, cap, "postgresql://copydesk%s%s@%s%s", password ? ":" : "",
           password ? password : "", db, q + 9);
}

static void test_bad_urls(void **state) {
  (void)state;
  CDT_NEED_PG();
  prepare();
  char url[4200];
  cd_names_options o;
  cd_names_options_init(&o);
  o.translit_dir = translit;
  cd_names *db = NULL;
  cd_error err;
  /* no such database: a connection error naming the URL, without its password */
  url_with(url, sizeof url, "/cdt_no_such_db", "topsecret");
  o.db_path = url;
  cd_error_clear(&err);
  assert_int_equal(cd_names_open(&o, &db, &err), CD_ERR_DB);
  assert_null(db);
  assert_non_null(strstr(err.message, "cdt_no_such_db"));
  assert_non_null(strstr(err.message, "cannot connect to the names store"));
  assert_null(strstr(err.message, "topsecret"));
  /* a database without a store: says how to put one there */
  url_with(url, sizeof url, "/postgres", NULL);
  cd_error_clear(&err);
  assert_int_equal(cd_names_open(&o, &db, &err), CD_ERR_DATA);
  assert_non_null(strstr(err.message, "no copydesk names store in this database"));
  /* migrate: the target must be a URL, the source a names database */
  cd_error_clear(&err);
  assert_int_equal(cd_names_migrate(full_db, cdt_tmpfile("x.sqlite"), NULL, &err), CD_ERR_USAGE);
  cd_error_clear(&err);
  assert_int_equal(cd_names_migrate(cdt_fixture("names/corrupt.sqlite.txt"), store_url, NULL, &err),
                   CD_ERR_DATA);
  /* a database in another encoding than UTF8: refused, with the way out */
  url_with(url, sizeof url, "/postgres", NULL);
  if (pg_long_at(url, "SELECT count(*) FROM pg_database WHERE datname = 'cdt_latin1'") == 0)
    pg_long_at(url, "CREATE DATABASE cdt_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C'"
                    " TEMPLATE template0");
  url_with(url, sizeof url, "/cdt_latin1", NULL);
  cd_error_clear(&err);
  assert_int_equal(cd_names_migrate(full_db, url, NULL, &err), CD_ERR_DB);
  assert_non_null(strstr(err.message, "the names store needs UTF8"));
  /* a store of a newer format: refused as a newer names.sqlite is */
  migrate(small_db);
  pg_long("UPDATE copydesk_names_gens SET format = 99");
  o.db_path = store_url;
  cd_error_clear(&err);
  assert_int_equal(cd_names_open(&o, &db, &err), CD_ERR_DATA);
  assert_non_null(strstr(err.message, "names database format 99 is newer than this copydesk"));
  migrate(small_db);
  /* the CLI says the same, exit 2 */
  url_with(url, sizeof url, "/cdt_no_such_db", "topsecret");
  const char *argv[] = {"copydesk", "names", "lookup", "Scholz", "--names-db", url, NULL};
  cd_buf out = CD_BUF_INIT, errs = CD_BUF_INIT;
  assert_int_equal(cdt_run(argv, NULL, 0, &out, &errs), 2);
  assert_non_null(strstr(cd_buf_at(&errs, 0), "cannot connect to the names store"));
  assert_null(strstr(cd_buf_at(&errs, 0), "topsecret"));
  cd_buf_free(&out);
  cd_buf_free(&errs);
}

/* ---- the program ---------------------------------------------------------------------------- */

static void run_ok(const char *const *argv, cd_buf *out) {
  cd_buf errs = CD_BUF_INIT;
  int rc = cdt_run(argv, NULL, 0, out, &errs);
  if (rc != 0 && rc != 1)
    fail_msg("%s %s: exit %d: %s", argv[1], argv[2], rc, cd_buf_at(&errs, 0));
  cd_buf_free(&errs);
}

static void test_cli_same_output(void **state) {
  (void)state;
  CDT_NEED_PG();
  prepare();
  const char *mig[] = {"copydesk", "names", "migrate", "--from", full_db, "--to", store_url, NULL};
  cd_buf a = CD_BUF_INIT, b = CD_BUF_INIT;
  run_ok(mig, &a);
  static const char text[] =
      "President Zelenskiy flew to Kiev on Monday after talks with Olaf Scholtz.\n"
      "Macron's adviser said Scholz and Zelenskyy would meet the mayor of Lviv again.\n"
      "Зеленський прибув до Києва; Шольц і Макрон приїдуть пізніше.\n";
  const char *in = cdt_tmpfile("article-en.txt");
  cdt_write_file(in, text, sizeof text - 1);
  const char *stores[2] = {full_db, store_url};
  cd_buf *outs[2] = {&a, &b};
  const char *house = cdt_fixture("names/house.tsv");
  for (int mode = 0; mode < 4; mode++) {
    for (int i = 0; i < 2; i++) {
      /* mode 0: the text; 1: the change log; 2: names lookup; 3: the text with the house
       * overlay over either store */
      const char *argv[12] = {"copydesk", "normalize", "-l", "en", "--names-db", stores[i]};
      int n = 6;
      if (mode == 1)
        argv[n++] = "--dry-run";
      if (mode == 3) {
        argv[n++] = "--house";
        argv[n++] = house;
      }
      argv[n++] = in;
      if (mode == 2) {
        const char *look[] = {"names", "lookup", "Zelenskiy", "--all", "--format", "json"};
        n = 1;
        for (size_t k = 0; k < sizeof look / sizeof look[0]; k++)
          argv[n++] = look[k];
        argv[n++] = "--names-db";
        argv[n++] = stores[i];
      }
      argv[n] = NULL;
      run_ok(argv, outs[i]);
    }
    assert_true(a.len > 0);
    assert_string_equal(cd_buf_at(&a, 0), cd_buf_at(&b, 0));
    if (mode == 0)
      assert_non_null(strstr(cd_buf_at(&a, 0), "Zelenskyy flew to Kyiv"));
    if (mode == 3) /* the overlay's spelling wins */
      assert_non_null(strstr(cd_buf_at(&a, 0), "Zelensky flew to Kyiv"));
  }
  cd_buf_free(&a);
  cd_buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_same_answers),
      cmocka_unit_test(test_readers_keep_their_generation),
      cmocka_unit_test(test_reader_during_migrate),
      cmocka_unit_test(test_failed_migrate_changes_nothing),
      cmocka_unit_test(test_bad_urls),
      cmocka_unit_test(test_cli_same_output),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
