/* SPDX-License-Identifier: MIT */
/* The TM store and TMX export against hostile or careless input: tampered schemas are refused,
 * blank units never enter, odd file names and language tags cannot break TMX or JSON, the
 * export is namespace-well-formed and re-imports, dates keep four-digit years, and a
 * language-tag error in a TMX names the TMX file and line. */
#include "cd_test.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cd_tm_store.h"
#include "cd_tmx.h"

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define HEADER                                                                                     \
  "<header creationtool=\"x\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"x\" "         \
  "adminlang=\"en\" srclang=\"en\" datatype=\"plaintext\"/>"

static void unit(cd_tm_unit *u, const char *src, const char *tgt) {
  cd_tm_unit_init(u);
  u->src_lang = "en";
  u->tgt_lang = "fr";
  u->source = src;
  u->target = tgt;
}

static void sql(const char *path, const char *text) {
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  char *msg = NULL;
  if (sqlite3_exec(db, text, NULL, NULL, &msg) != SQLITE_OK)
    fail_msg("%s: %s", text, msg);
  sqlite3_close(db);
}

/* BUG-20: views, triggers and renamed tables are refused before any query runs on them. */
static void test_tampered_schema_refused(void **state) {
  (void)state;
  const char *tamper[] = {
      "ALTER TABLE units RENAME TO u2; CREATE VIEW units AS WITH RECURSIVE c(x) AS (SELECT 1 "
      "UNION ALL SELECT x+1 FROM c) SELECT u.* FROM u2 u, c;",
      "CREATE TRIGGER wipe AFTER INSERT ON units BEGIN DELETE FROM units WHERE id = new.id; END;",
      "CREATE INDEX extra ON units(source);",
      "CREATE TABLE spare(x);",
  };
  for (size_t i = 0; i < sizeof tamper / sizeof tamper[0]; i++) {
    cd_tm_store *s = cdt_tm_fresh("tamper.sqlite");
    cd_tm_unit u;
    cd_error err;
    unit(&u, "a", "b");
    assert_int_equal(cd_tm_store_add(s, &u, NULL, &err), CD_OK);
    cd_tm_store_free(s);
    const char *p = cdt_tmpfile("tamper.sqlite");
    sql(p, tamper[i]);
    s = NULL;
    cd_error_clear(&err);
    assert_int_not_equal(cd_tm_store_new(p, NULL, &s, &err), CD_OK);
    assert_null(s);
    if (!strstr(err.message, "schema was changed"))
      fail_msg("%s -> %s", tamper[i], err.message);
    cd_tm_store_options o;
    cd_tm_store_options_init(&o);
    o.read_only = true;
    assert_int_not_equal(cd_tm_store_new(p, &o, &s, &err), CD_OK);
  }
}

/* BUG-35: empty or blank units are refused one by one and skipped in bulk. */
static void test_blank_units_refused(void **state) {
  (void)state;
  cd_tm_store *s = cdt_tm_fresh("blank.sqlite");
  cd_error err;
  cd_tm_unit u;
  const char *blanks[] = {"", "   ", "\t\n", "\xC2\xA0", "\xE2\x80\x8B", "\xE3\x80\x80 "};
  for (size_t i = 0; i < sizeof blanks / sizeof blanks[0]; i++) {
    unit(&u, blanks[i], "Le pont a rouvert.");
    assert_int_equal(cd_tm_store_add(s, &u, NULL, &err), CD_ERR_INPUT);
    assert_non_null(strstr(err.message, "source is empty or only white space"));
    unit(&u, "The bridge reopened.", blanks[i]);
    assert_int_equal(cd_tm_store_add(s, &u, NULL, &err), CD_ERR_INPUT);
    assert_non_null(strstr(err.message, "target is empty"));
  }
  cd_tm_unit us[3];
  unit(&us[0], "  ", "Le pont a rouvert.");
  unit(&us[1], "The bridge reopened.", "Le pont a rouvert.");
  unit(&us[2], "Ferry.", "\xE2\x80\x8B");
  cd_tm_add_counts c;
  assert_int_equal(cd_tm_store_add_units(s, us, 3, -1, &c, &err), CD_OK);
  assert_int_equal(c.added, 1);
  assert_int_equal(c.skipped, 2);
  cd_tm_store_free(s);
  /* TMX: a blank segment (often an untranslated one) is no unit. */
  const char x[] = HEAD "<tmx version=\"1.4\">" HEADER "<body>\n"
                        "<tu><tuv xml:lang=\"en\"><seg>a</seg></tuv><tuv xml:lang=\"fr\"><seg/>"
                        "</tuv></tu>\n<tu><tuv xml:lang=\"en\"><seg> &#x200B;</seg></tuv>"
                        "<tuv xml:lang=\"fr\"><seg>b</seg></tuv></tu>\n<tu><tuv xml:lang=\"en\">"
                        "<seg>ok</seg></tuv><tuv xml:lang=\"fr\"><seg>d'accord</seg></tuv></tu>\n"
                        "</body></tmx>\n";
  const char *p = cdt_tmpfile("blank.tmx");
  cdt_write_file(p, x, sizeof x - 1);
  s = cdt_tm_fresh("blank-tmx.sqlite");
  cd_tmx_counts tc;
  assert_int_equal(cd_tmx_import(s, p, NULL, &tc, &err), CD_OK);
  assert_int_equal(tc.added, 1);
  assert_int_equal(tc.skipped, 2);
  cd_tm_store_free(s);
}

/* BUG-28 and the class: a store error during a TMX import names the TMX and the line. */
static void test_language_tag_errors_name_the_tmx(void **state) {
  (void)state;
  char lang[80];
  memset(lang, 'x', 70);
  lang[70] = '\0';
  cd_buf b = CD_BUF_INIT;
  assert_int_equal(
      cd_buf_appendf(&b,
                     HEAD "<tmx version=\"1.4\">" HEADER
                          "<body>\n<tu><tuv xml:lang=\"en\"><seg>a</seg>"
                          "</tuv>\n<tuv xml:lang=\"%s\"><seg>b</seg></tuv></tu></body></tmx>\n",
                     lang),
      CD_OK);
  const char *p = cdt_tmpfile("longlang.tmx");
  cdt_write_file(p, b.data, b.len);
  cd_tm_store *s = cdt_tm_fresh("longlang.sqlite");
  cd_error err;
  assert_int_equal(cd_tmx_import(s, p, NULL, NULL, &err), CD_ERR_INPUT);
  if (!strstr(err.message, "longlang.tmx:4: language tag too long") ||
      strstr(err.message, "longlang.sqlite"))
    fail_msg("%s", err.message);
  cd_tm_unit u;
  unit(&u, "a", "b");
  const char *bad[] = {"f r", "fr\"", "fr\x01", "\xC3\xA9n", "-fr"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    u.tgt_lang = bad[i];
    assert_int_equal(cd_tm_store_add(s, &u, NULL, &err), CD_ERR_INPUT);
    assert_non_null(strstr(err.message, "bad language tag"));
  }
  u.tgt_lang = "FR_ca";
  assert_int_equal(cd_tm_store_add(s, &u, NULL, &err), CD_OK);
  cd_buf_free(&b);
  cd_tm_store_free(s);
}

static void export_to(cd_tm_store *s, const char *path) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  cd_error err;
  if (cd_tmx_export(s, f, path, NULL, NULL, &err))
    fail_msg("export: %s", err.message);
  assert_int_equal(fclose(f), 0);
}

static int dump_unit(void *ud, const cd_tm_unit *u) {
  assert_int_equal(cd_buf_appendf(ud, "%s|%s|%s|%s|%lld|%lld\n", u->source,
                                  u->source_markup ? u->source_markup : "-", u->target,
                                  u->origin_doc ? u->origin_doc : "-", (long long)u->created,
                                  (long long)u->changed),
                   CD_OK);
  return 0;
}

/* BUG-15, BUG-16, BUG-32: what copydesk exports, copydesk re-imports, unchanged. */
static void test_export_reimports(void **state) {
  (void)state;
  const char x[] =
      HEAD "<tmx version=\"1.4\" xmlns:x=\"urn:x\" xmlns:y=\"urn:y\">" HEADER "<body>\n"
           "<tu changedate=\"09991231T000000Z\" creationdate=\"00010101T000000Z\">"
           "<tuv xml:lang=\"en\"><seg>Hello <ph x:id=\"1\">&lt;br/&gt;</ph> <bpt i=\"1\" y:k=\"a\">"
           "&lt;b&gt;</bpt>world<ept i=\"1\">&lt;/b&gt;</ept> <hi xml:lang=\"de\" x:t=\"2\">x"
           "<sub y:s=\"3\">y</sub></hi> <it pos=\"begin\">&lt;i&gt;</it><ut>{}</ut></seg></tuv>"
           "<tuv xml:lang=\"fr\"><seg>Bonjour <x:z/>monde</seg></tuv></tu>\n</body></tmx>\n";
  const char *p = cdt_tmpfile("ns.tmx");
  cdt_write_file(p, x, sizeof x - 1);
  cd_tm_store *a = cdt_tm_fresh("ns-a.sqlite");
  cd_error err;
  cd_tmx_import_options o;
  cd_tmx_import_options_init(&o);
  o.origin = "wire\001feed\xFF\xFE.tmx"; /* as a file name would come */
  if (cd_tmx_import(a, p, &o, NULL, &err))
    fail_msg("%s", err.message);
  /* a unit stored by an older copydesk: markup with an undeclared prefix */
  cd_tm_unit u;
  unit(&u, "Old unit.", "Vieille unité.");
  u.source_markup = "Old <ph x:id=\"1\">&lt;br/&gt;</ph>unit.";
  u.created = -62167219200 - 86400; /* before year 0: not writable in TMX */
  assert_int_equal(cd_tm_store_add(a, &u, NULL, &err), CD_OK);
  const char *out = cdt_tmpfile("ns-out.tmx");
  export_to(a, out);
  cd_tm_store *b = cdt_tm_fresh("ns-b.sqlite");
  if (cd_tmx_import(b, out, NULL, NULL, &err))
    fail_msg("re-import of the export: %s", err.message);
  cd_buf da = CD_BUF_INIT, db = CD_BUF_INIT;
  assert_int_equal(cd_tm_store_foreach(a, NULL, NULL, dump_unit, &da, &err), CD_OK);
  assert_int_equal(cd_tm_store_foreach(b, NULL, NULL, dump_unit, &db, &err), CD_OK);
  assert_int_equal(cd_buf_append(&da, "", 0), CD_OK);
  assert_int_equal(cd_buf_append(&db, "", 0), CD_OK);
  /* the first unit comes back unchanged, dates and origin included */
  const char *nl = strchr(da.data, '\n');
  assert_non_null(nl);
  assert_memory_equal(da.data, db.data, (size_t)(nl - da.data));
  assert_non_null(strstr(da.data, "wire%01feed%FF%FE.tmx"));
  assert_non_null(strstr(da.data, "|-62135596800|-30610310400\n")); /* 0001-01-01, 0999-12-31 */
  /* the old unit's markup could not stand alone: its plain text was written */
  assert_non_null(strstr(db.data, "Old unit.|-|"));
  cd_buf tmx = CD_BUF_INIT;
  cdt_read_file(out, &tmx);
  assert_non_null(strstr(tmx.data, "changedate=\"09991231T000000Z\""));
  cd_buf_free(&tmx);
  cd_buf_free(&da);
  cd_buf_free(&db);
  cd_tm_store_free(a);
  cd_tm_store_free(b);
}

/* Runs fn in a child, as uid (when running as root and uid >= 0); true when it exits 0. */
static bool as_user(int uid, bool (*fn)(const char *), const char *arg) {
  pid_t pid = fork();
  if (pid == 0) {
    if (uid >= 0 && geteuid() == 0 && (setgid((gid_t)uid) != 0 || setuid((uid_t)uid) != 0))
      _exit(3);
    _exit(fn(arg) ? 0 : 1);
  }
  int status = 0;
  assert_true(pid > 0 && waitpid(pid, &status, 0) == pid);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static bool read_one_unit(const char *path) {
  cd_tm_store_options o;
  cd_tm_store_options_init(&o);
  o.read_only = true;
  cd_tm_store *s = NULL;
  cd_error err;
  cd_tm_stats st;
  bool ok = cd_tm_store_new(path, &o, &s, &err) == CD_OK &&
            cd_tm_store_stats(s, &st, NULL, NULL, &err) == CD_OK && st.units == 1;
  if (!ok)
    fprintf(stderr, "read %s: %s\n", path, err.message);
  cd_tm_store_free(s);
  return ok;
}

static bool add_one_unit(const char *path) {
  cd_tm_store *s = NULL;
  cd_error err;
  cd_tm_unit u;
  unit(&u, "New.", "Nouveau.");
  bool ok =
      cd_tm_store_new(path, NULL, &s, &err) == CD_OK && cd_tm_store_add(s, &u, NULL, &err) == CD_OK;
  if (!ok)
    fprintf(stderr, "write %s: %s\n", path, err.message);
  cd_tm_store_free(s);
  return ok;
}

static bool exists(const char *dir, const char *name) {
  char p[512];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  return access(p, F_OK) == 0;
}

/* BUG-9: a TM the reader may not write is read without creating anything (a read-only TM in
 * a read-only directory can be read; in a shared directory its owner can still write). */
static void test_read_only_and_shared_tm(void **state) {
  (void)state;
  char dir[] = "/tmp/cdt-tmro-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char tm[600];
  snprintf(tm, sizeof tm, "%s/tm.sqlite", dir);
  cd_tm_store *s = NULL;
  cd_error err;
  cd_tm_unit u;
  unit(&u, "The ferry left.", "Le ferry est parti.");
  assert_int_equal(cd_tm_store_new(tm, NULL, &s, &err), CD_OK);
  assert_int_equal(cd_tm_store_add(s, &u, NULL, &err), CD_OK);
  cd_tm_store_free(s);
  /* read-only file in a read-only directory */
  assert_int_equal(chmod(tm, 0444), 0);
  assert_int_equal(chmod(dir, 0555), 0);
  bool read_ro = as_user(65534, read_one_unit, tm);
  bool left = exists(dir, "tm.sqlite-wal") || exists(dir, "tm.sqlite-shm");
  assert_int_equal(chmod(dir, 0700), 0);
  assert_true(read_ro);
  assert_false(left);
  if (geteuid() == 0) {
    /* shared directory: the TM belongs to uid 1001; nobody reads it; its owner writes */
    assert_int_equal(chmod(dir, 01777), 0);
    assert_int_equal(chmod(tm, 0644), 0);
    assert_int_equal(chown(tm, 1001, 1001), 0);
    assert_true(as_user(65534, read_one_unit, tm));
    assert_false(exists(dir, "tm.sqlite-wal") || exists(dir, "tm.sqlite-shm"));
    assert_true(as_user(1001, add_one_unit, tm));
  }
  unlink(tm);
  char side[620];
  snprintf(side, sizeof side, "%s-wal", tm);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", tm);
  unlink(side);
  assert_int_equal(rmdir(dir), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tampered_schema_refused),
      cmocka_unit_test(test_blank_units_refused),
      cmocka_unit_test(test_language_tag_errors_name_the_tmx),
      cmocka_unit_test(test_export_reimports),
      cmocka_unit_test(test_read_only_and_shared_tm),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
