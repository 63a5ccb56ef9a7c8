/* SPDX-License-Identifier: MIT */
/* An import killed with SIGKILL half-way: the TM afterwards passes PRAGMA integrity_check,
 * holds exactly the units it had before, and a re-run completes. Readers work during an
 * import (WAL). */
#include "cd_test.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void test_sigkill_during_import(void **state) {
  (void)state;
  const char *tm = cdt_tmpfile("killed.sqlite");
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *a[] = {"copydesk",           "tm", "add",        "--tm", tm,
                     "--src-lang",         "en", "--tgt-lang", "fr",   "The port reopened.",
                     "Le port a rouvert.", NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 0);
  assert_int_equal(cdt_tm_units_checked(tm), 1);

  /* a large TSV: 300,000 generated pairs */
  const char *tsv = cdt_tmpfile("big.en-fr.tsv");
  FILE *f = fopen(tsv, "w");
  assert_non_null(f);
  for (int i = 0; i < 300000; i++)
    fprintf(f,
            "Convoy %d reached the depot at %d:%02d.\tLe convoi %d est arriv\xC3\xA9 au "
            "d\xC3\xA9p\xC3\xB4t "
            "\xC3\xA0 %d h %02d.\n",
            i, i % 24, i % 60, i, i % 24, i % 60);
  assert_int_equal(fclose(f), 0);

  const char *bin = getenv("COPYDESK_BIN");
  pid_t pid = fork();
  if (pid == 0) {
    FILE *o = freopen("/dev/null", "w", stdout);
    FILE *e = freopen("/dev/null", "w", stderr);
    (void)o;
    (void)e;
    execl(bin, bin, "tm", "import", "--tm", tm, tsv, (char *)NULL);
    _exit(127);
  }
  /* let it get well into the transaction, while a reader keeps answering */
  struct timespec ts = {0, 300 * 1000 * 1000};
  nanosleep(&ts, NULL);
  const char *s[] = {"copydesk", "tm", "stats", "--tm", tm, NULL};
  assert_int_equal(cdt_run(s, NULL, 0, &out, &err), 0);
  assert_non_null(strstr(out.data, "1 units"));
  kill(pid, SIGKILL);
  int status;
  waitpid(pid, &status, 0);
  assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

  assert_int_equal(cdt_tm_units_checked(tm), 1); /* exactly what it had before */
  const char *r[] = {"copydesk", "tm", "import", "--tm", tm, tsv, NULL};
  assert_int_equal(cdt_run(r, NULL, 0, &out, &err), 0);
  assert_int_equal(cdt_tm_units_checked(tm), 300001);
  cd_buf_free(&out);
  cd_buf_free(&err);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_sigkill_during_import)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
