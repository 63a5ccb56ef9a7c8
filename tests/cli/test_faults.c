/* SPDX-License-Identifier: MIT */
/* Faults that really happen: a full disk (RLIMIT_FSIZE) during `normalize -o` and
 * `--in-place`, and a reader that goes away (`| head -1`). Nothing may be lost or left
 * half-written, and a closed pipe ends quietly. */
#include "cd_test.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs copydesk with a file-size limit; stderr captured. Returns the exit status. */
static int run_limited(const char *const *argv, rlim_t fsize, cd_buf *err) {
  const char *bin = getenv("COPYDESK_BIN");
  assert_non_null(bin);
  const char *err_path = cdt_tmpfile("limited.err");
  pid_t pid = fork();
  if (pid == 0) {
    struct rlimit rl = {fsize, fsize};
    signal(SIGXFSZ, SIG_DFL); /* the program itself must turn the signal into EFBIG */
    setrlimit(RLIMIT_FSIZE, &rl);
    int fe = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fe, 2);
    execv(bin, (char *const *)argv);
    _exit(127);
  }
  int status;
  waitpid(pid, &status, 0);
  cdt_read_file(err_path, err);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static char *article(size_t bytes) {
  char *s = malloc(bytes + 1);
  static const char line[] =
      "Kharkiv \xE2\x80\x94 the regional governor said the power was back.\n";
  for (size_t i = 0; i < bytes; i++)
    s[i] = line[i % (sizeof line - 1)];
  s[bytes - 1] = '\n';
  s[bytes] = '\0';
  return s;
}

/* No "name.XXXXXX" or ".name.XXXXXX" temporary may be left next to the target. */
static void assert_no_temporaries(const char *dir, const char *prefix) {
  DIR *d = opendir(dir);
  assert_non_null(d);
  struct dirent *e;
  size_t pl = strlen(prefix);
  while ((e = readdir(d))) {
    const char *p = e->d_name[0] == '.' ? e->d_name + 1 : e->d_name; /* .name.XXXXXX too */
    if (strncmp(p, prefix, pl) == 0 && p[pl] == '.')
      fail_msg("temporary file left behind: %s", e->d_name);
  }
  closedir(d);
}

static void test_disk_full_output(void **state) {
  (void)state;
  size_t n = 4u << 20;
  char *text = article(n);
  const char *src = cdt_tmpfile("big-en.txt"), *dst = cdt_tmpfile("out-en.txt");
  /* the source is written before the limit applies; the limit hits the output */
  cdt_write_file(src, text, n);
  cdt_write_file(dst, "previous version\n", 17);
  cd_buf err = CD_BUF_INIT, kept = CD_BUF_INIT;
  const char *a[] = {"copydesk", "normalize", "-o", dst, src, NULL};
  assert_int_equal(run_limited(a, 1u << 20, &err), 2);
  assert_non_null(strstr(err.data, "out-en.txt"));
  cdt_read_file(dst, &kept);
  assert_string_equal(kept.data, "previous version\n"); /* the old file is intact */
  assert_no_temporaries(cdt_tmpdir(), "out-en.txt");
  free(text);
  cd_buf_free(&err);
  cd_buf_free(&kept);
}

static void test_disk_full_in_place(void **state) {
  (void)state;
  size_t n = 4u << 20;
  char *text = article(n);
  const char *src = cdt_tmpfile("inplace-en.txt");
  cdt_write_file(src, text, n);
  cd_buf err = CD_BUF_INIT, kept = CD_BUF_INIT;
  const char *a[] = {"copydesk", "normalize", "--in-place", src, NULL};
  /* the limit is below the file's own size: the rewrite cannot complete */
  assert_int_equal(run_limited(a, 1u << 20, &err), 2);
  cdt_read_file(src, &kept);
  assert_int_equal(kept.len, n);
  assert_memory_equal(kept.data, text, n);
  assert_no_temporaries(cdt_tmpdir(), "inplace-en.txt");
  free(text);
  cd_buf_free(&err);
  cd_buf_free(&kept);
}

static void test_closed_pipe_is_quiet(void **state) {
  (void)state;
  size_t n = 8u << 20;
  char *text = article(n);
  const char *src = cdt_tmpfile("pipe-en.txt");
  cdt_write_file(src, text, n);
  const char *bin = getenv("COPYDESK_BIN");
  const char *err_path = cdt_tmpfile("pipe.err");
  int fds[2];
  assert_int_equal(pipe(fds), 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], 1);
    int fe = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fe, 2);
    execl(bin, bin, "normalize", src, (char *)NULL);
    _exit(127);
  }
  close(fds[1]);
  char buf[256];
  assert_true(read(fds[0], buf, sizeof buf) > 0); /* like `head -1`: read a little, leave */
  close(fds[0]);
  int status;
  waitpid(pid, &status, 0);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
  cd_buf err = CD_BUF_INIT;
  cdt_read_file(err_path, &err);
  assert_int_equal(err.len, 0);
  free(text);
  cd_buf_free(&err);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_disk_full_output),
      cmocka_unit_test(test_disk_full_in_place),
      cmocka_unit_test(test_closed_pipe_is_quiet),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
