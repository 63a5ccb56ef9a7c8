/* SPDX-License-Identifier: MIT */
/* Faults around the TM file (issue 7):
 *  - readers during a long import: several reader processes run `tm stats` and `tm lookup`
 *    again and again while another process imports 100,000 units in one transaction; every
 *    answer comes (exit 0, no "locked") and is consistent: the TM as it was before the
 *    import or as it is after, never in between;
 *  - a truncated or corrupt TM, and one of a newer schema: refused by every command with a
 *    message naming the file, and the file is left byte for byte as it was. */
#include "cd_test.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

enum { N_READERS = 3, N_IMPORT = 100000, N_BEFORE = 2 };

static void add(const char *tm, const char *src, const char *tgt) {
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *a[] = {"copydesk", "tm",         "add", "--tm", tm,  "--src-lang",
                     "en",       "--tgt-lang", "fr",  src,    tgt, NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 0);
  cd_buf_free(&out);
  cd_buf_free(&err);
}

/* "N units" from `tm stats` output, -1 when absent */
static long units_of(const char *s) {
  const char *p = s ? strstr(s, " units\n") : NULL;
  if (!p)
    return -1;
  while (p > s && p[-1] >= '0' && p[-1] <= '9')
    p--;
  return strtol(p, NULL, 10);
}

/* One reader process: until the import's end is signalled (the flag file exists) and once
 * more after, asks for stats and for a lookup; writes one line per answer to its report:
 * "stats EXIT UNITS" or "lookup EXIT FOUND". */
static void reader(const char *tm, const char *flag, const char *report) {
  FILE *r = fopen(report, "w");
  if (!r)
    _exit(3);
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *s[] = {"copydesk", "tm", "stats", "--tm", tm, NULL};
  const char *l[] = {
      "copydesk", "tm", "lookup", "--tm", tm, "--no-names", "The port reopened on Monday.", NULL};
  for (int round = 0; round < 20000; round++) { /* a bound, should the parent be gone */
    bool last = access(flag, F_OK) == 0;
    int rc = cdt_run(s, NULL, 0, &out, &err);
    fprintf(r, "stats %d %ld\n", rc, rc == 0 ? units_of(out.data) : -1);
    rc = cdt_run(l, NULL, 0, &out, &err);
    fprintf(r, "lookup %d %d\n", rc,
            rc == 0 && out.data && strstr(out.data, "Le port a rouvert lundi.") != NULL);
    if (last)
      break;
  }
  cd_buf_free(&out);
  cd_buf_free(&err);
  _exit(fclose(r) == 0 ? 0 : 3);
}

static void test_readers_during_import(void **state) {
  (void)state;
  char tm[4200], tsv[4200];
  snprintf(tm, sizeof tm, "%s", cdt_tmpfile("readers.sqlite")); /* cdt_tmpfile reuses 4 slots */
  add(tm, "The port reopened on Monday.", "Le port a rouvert lundi.");
  add(tm, "The airport stayed closed.",
      "L\xE2\x80\x99"
      "a\xC3\xA9roport est rest\xC3\xA9 ferm\xC3\xA9.");
  assert_int_equal(cdt_tm_units_checked(tm), N_BEFORE);
  snprintf(tsv, sizeof tsv, "%s", cdt_tmpfile("readers.en-fr.tsv"));
  FILE *f = fopen(tsv, "w");
  assert_non_null(f);
  for (int i = 0; i < N_IMPORT; i++)
    fprintf(f,
            "Ferry %d left pier %d at %d:%02d.\tLe ferry %d a quitt\xC3\xA9 le quai %d \xC3\xA0 %d "
            "h %02d.\n",
            i, i % 40, i % 24, i % 60, i, i % 40, i % 24, i % 60);
  assert_int_equal(fclose(f), 0);
  char flag[4200], reports[N_READERS][4200];
  snprintf(flag, sizeof flag, "%s", cdt_tmpfile("readers.done"));
  unlink(flag);
  pid_t readers[N_READERS];
  for (int i = 0; i < N_READERS; i++) {
    char name[64];
    snprintf(name, sizeof name, "reader-%d.txt", i);
    snprintf(reports[i], sizeof reports[i], "%s", cdt_tmpfile(name));
    readers[i] = fork();
    assert_true(readers[i] >= 0);
    if (readers[i] == 0)
      reader(tm, flag, reports[i]);
  }
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *imp[] = {"copydesk", "tm", "import", "--tm", tm, tsv, NULL};
  int rc = cdt_run(imp, NULL, 0, &out, &err);
  FILE *d = fopen(flag, "w");
  assert_non_null(d);
  fclose(d);
  for (int i = 0; i < N_READERS; i++) {
    int status = 0;
    assert_int_equal(waitpid(readers[i], &status, 0), readers[i]);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  assert_int_equal(rc, 0);
  assert_int_equal(cdt_tm_units_checked(tm), N_BEFORE + N_IMPORT);
  /* every answer came and was consistent; the readers saw the TM before the import (it
   * runs for a while) and, in their last round, after it */
  long before = 0, after = 0, lookups = 0;
  for (int i = 0; i < N_READERS; i++) {
    cdt_read_file(reports[i], &out);
    char *save = NULL;
    for (char *line = strtok_r(out.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
      char what[16];
      int code;
      long v;
      assert_int_equal(sscanf(line, "%15s %d %ld", what, &code, &v), 3);
      assert_int_equal(code, 0);
      if (strcmp(what, "stats") == 0) {
        assert_true(v == N_BEFORE || v == N_BEFORE + N_IMPORT);
        before += v == N_BEFORE;
        after += v == N_BEFORE + N_IMPORT;
      } else {
        assert_int_equal(v, 1); /* the unit that was there before is always found */
        lookups++;
      }
    }
  }
  assert_true(before >= 1);
  assert_true(after >= N_READERS);
  assert_true(lookups >= N_READERS);
  print_message("readers during the import: %ld answers before it, %ld after, %ld lookups\n",
                before, after, lookups);
  cd_buf_free(&out);
  cd_buf_free(&err);
}

static void copy_file(const char *from, const char *to, long keep) {
  cd_buf b = CD_BUF_INIT;
  cdt_read_file(from, &b);
  size_t n = keep >= 0 && (size_t)keep < b.len ? (size_t)keep : b.len;
  cdt_write_file(to, b.data, n);
  cd_buf_free(&b);
}

/* Every command that opens the TM refuses it, naming the file; the bytes stay. */
static void expect_refused_untouched(const char *tm, const char *why) {
  cd_buf before = CD_BUF_INIT, after = CD_BUF_INIT, out = CD_BUF_INIT, err = CD_BUF_INIT;
  cdt_read_file(tm, &before);
  char tsv[4200];
  snprintf(tsv, sizeof tsv, "%s", cdt_tmpfile("one.en-fr.tsv"));
  cdt_write_file(tsv, "The bridge reopened.\tLe pont a rouvert.\n", 40);
  const char *base = strrchr(tm, '/') + 1;
  char xout[4200];
  snprintf(xout, sizeof xout, "%s", cdt_tmpfile("refused-export.tmx"));
  unlink(xout);
  const char *cmds[][12] = {
      {"copydesk", "tm", "stats", "--tm", tm, NULL},
      {"copydesk", "tm", "import", "--tm", tm, tsv, NULL},
      {"copydesk", "tm", "add", "--tm", tm, "--src-lang", "en", "--tgt-lang", "fr", "A.", "B.",
       NULL},
      {"copydesk", "tm", "lookup", "--tm", tm, "--no-names", "The bridge reopened.", NULL},
      {"copydesk", "tm", "export", "--tm", tm, "-o", xout, NULL},
  };
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
    int rc = cdt_run(cmds[i], NULL, 0, &out, &err);
    if (rc != 2 || !err.data || !strstr(err.data, base))
      fail_msg("%s %s on a %s TM: exit %d, stderr: %s", cmds[i][1], cmds[i][2], why, rc,
               err.data ? err.data : "");
    cdt_read_file(tm, &after);
    assert_int_equal(after.len, before.len);
    assert_memory_equal(after.data, before.data, before.len);
  }
  assert_int_not_equal(access(xout, F_OK), 0); /* no export file left behind */
  cd_buf_free(&before);
  cd_buf_free(&after);
  cd_buf_free(&out);
  cd_buf_free(&err);
}

static void test_bad_tm_files_refused(void **state) {
  (void)state;
  char good[4200], path[4200];
  snprintf(good, sizeof good, "%s", cdt_tmpfile("good.sqlite"));
  add(good, "The port reopened on Monday.", "Le port a rouvert lundi.");
  for (int i = 0; i < 300; i++) {
    char s[64], t[64];
    snprintf(s, sizeof s, "Train %d left on time.", i);
    snprintf(t, sizeof t, "Le train %d est parti \xC3\xA0 l\xE2\x80\x99heure.", i);
    add(good, s, t);
  }
  /* the WAL folded back into the file: a copy is the whole TM */
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(good, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE);", NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_close(db);
  cd_buf b = CD_BUF_INIT;
  cdt_read_file(good, &b);
  assert_true(b.len > 8192);

  snprintf(path, sizeof path, "%s", cdt_tmpfile("truncated-tm.sqlite"));
  copy_file(good, path, (long)b.len / 2);
  expect_refused_untouched(path, "truncated");

  snprintf(path, sizeof path, "%s", cdt_tmpfile("junk-tm.sqlite"));
  char garbage[6000];
  for (size_t i = 0; i < sizeof garbage; i++)
    garbage[i] = (char)(i * 37 + 11);
  cdt_write_file(path, garbage, sizeof garbage);
  expect_refused_untouched(path, "junk");

  /* a TM whose pages were overwritten in the middle */
  snprintf(path, sizeof path, "%s", cdt_tmpfile("corrupt-tm.sqlite"));
  memset(b.data + 4096, 0x5a, b.len - 8192);
  cdt_write_file(path, b.data, b.len);
  expect_refused_untouched(path, "corrupt");

  snprintf(path, sizeof path, "%s", cdt_tmpfile("newer-tm.sqlite"));
  copy_file(good, path, -1);
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "PRAGMA user_version=99;", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  expect_refused_untouched(path, "newer");
  cd_buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_readers_during_import),
                                     cmocka_unit_test(test_bad_tm_files_refused)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
