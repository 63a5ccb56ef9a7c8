/* SPDX-License-Identifier: MIT */
/* The disk fills during a TM import (a file-size limit on the process): a clear error, exit
 * non-zero, and the TM exactly as it was. */
#include "cd_test.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void test_disk_full_during_import(void **state) {
  (void)state;
  const char *tm = cdt_tmpfile("full.sqlite");
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *a[] = {"copydesk",           "tm", "add",        "--tm", tm,
                     "--src-lang",         "en", "--tgt-lang", "fr",   "The port reopened.",
                     "Le port a rouvert.", NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 0);
  const char *tsv = cdt_tmpfile("many.en-fr.tsv");
  FILE *f = fopen(tsv, "w");
  assert_non_null(f);
  for (int i = 0; i < 50000; i++)
    fprintf(f,
            "Shipment %d left the harbour at dawn.\tLe chargement %d a quitt\xC3\xA9 le port "
            "\xC3\xA0 l'aube.\n",
            i, i);
  assert_int_equal(fclose(f), 0);

  struct stat sb;
  assert_int_equal(stat(tm, &sb), 0);
  rlim_t limit = (rlim_t)sb.st_size + 256 * 1024; /* room for a little, not for the import */
  const char *bin = getenv("COPYDESK_BIN");
  const char *err_path = cdt_tmpfile("full.err");
  pid_t pid = fork();
  if (pid == 0) {
    struct rlimit rl = {limit, limit};
    signal(SIGXFSZ, SIG_DFL);
    setrlimit(RLIMIT_FSIZE, &rl);
    int fe = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fe, 2);
    int fo = open("/dev/null", O_WRONLY);
    dup2(fo, 1);
    execl(bin, bin, "tm", "import", "--tm", tm, tsv, (char *)NULL);
    _exit(127);
  }
  int status;
  waitpid(pid, &status, 0);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 2);
  cdt_read_file(err_path, &err);
  assert_non_null(strstr(err.data, "full.sqlite"));
  assert_non_null(strstr(err.data, "unchanged"));
  assert_int_equal(cdt_tm_units_checked(tm), 1);
  /* with room again, the same import completes */
  const char *r[] = {"copydesk", "tm", "import", "--tm", tm, tsv, NULL};
  assert_int_equal(cdt_run(r, NULL, 0, &out, &err), 0);
  assert_int_equal(cdt_tm_units_checked(tm), 50001);
  cd_buf_free(&out);
  cd_buf_free(&err);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_disk_full_during_import)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
