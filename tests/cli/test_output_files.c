/* SPDX-License-Identifier: MIT */
/* Output files, standard descriptors and outputs that are inputs, as Unix tools do
 * (regular files replaced atomically, anything else written into; issue 15, classes 1-3 and the
 * option messages):
 * each test names the bugs of the hostile-use report it guards against. */
#include "cd_test.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Runs copydesk with stdout and stderr sent to files (NULL: closed), stdin /dev/null. */
static int run_fds(const char *const *argv, const char *out_path, const char *err_path) {
  const char *bin = getenv("COPYDESK_BIN");
  assert_non_null(bin);
  pid_t pid = fork();
  if (pid == 0) {
    int fi = open("/dev/null", O_RDONLY);
    dup2(fi, 0);
    if (out_path) {
      int fo = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fo, 1);
      close(fo);
    } else {
      close(1);
    }
    if (err_path) {
      int fe = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fe, 2);
      close(fe);
    } else {
      close(2);
    }
    execv(bin, (char *const *)argv);
    _exit(127);
  }
  int status;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* A path in the test directory that stays valid (cdt_tmpfile reuses 4 slots). */
static const char *tmp(const char *name) {
  static char pool[64][4096];
  static int next;
  char *p = pool[next++ % 64];
  snprintf(p, 4096, "%s", cdt_tmpfile(name));
  return p;
}

static void write_str(const char *path, const char *s) { cdt_write_file(path, s, strlen(s)); }

static void assert_file_is(const char *path, const char *want) {
  cd_buf b = CD_BUF_INIT;
  cdt_read_file(path, &b);
  assert_string_equal(b.data, want);
  cd_buf_free(&b);
}

/* No hidden ".NAME.XXXXXX" temporary (nor the old "NAME.XXXXXX") left in the directory. */
static void assert_no_temporaries(const char *name) {
  DIR *d = opendir(cdt_tmpdir());
  assert_non_null(d);
  struct dirent *e;
  size_t n = strlen(name);
  while ((e = readdir(d))) {
    const char *p = e->d_name[0] == '.' ? e->d_name + 1 : e->d_name;
    if (strncmp(p, name, n) == 0 && p[n] == '.' && strlen(p + n + 1) == 6 &&
        strcmp(p + n + 1, "filter") != 0)
      fail_msg("temporary file left behind: %s", e->d_name);
  }
  closedir(d);
}

/* A TM with n units, through tm import. */
static const char *make_tm(const char *name, int n) {
  static char tm[4096];
  cd_buf tsv = CD_BUF_INIT;
  for (int i = 1; i <= n; i++)
    assert_int_equal(
        cd_buf_appendf(&tsv, "Sentence %d about the ferry.\tPhrase %d sur le ferry.\n", i, i),
        CD_OK);
  char tsv_name[256];
  snprintf(tsv_name, sizeof tsv_name, "%s.en-fr.tsv", name);
  const char *tsv_path = tmp(tsv_name);
  cdt_write_file(tsv_path, tsv.data, tsv.len);
  snprintf(tm, sizeof tm, "%s", tmp(name));
  const char *a[] = {"copydesk", "tm", "import", "--tm", tm, tsv_path, NULL};
  assert_int_equal(cdt_run(a, NULL, 0, NULL, NULL), 0);
  cd_buf_free(&tsv);
  return tm;
}

/* BUG-1: a FIFO is written into (a reader gets the text), never replaced. */
static void test_fifo_is_written_into(void **state) {
  (void)state;
  const char *fifo = tmp("out.fifo");
  unlink(fifo);
  assert_int_equal(mkfifo(fifo, 0600), 0);
  int rd = open(fifo, O_RDWR | O_NONBLOCK); /* a reader that is there all along */
  assert_true(rd >= 0);
  const char *a[] = {"copydesk", "normalize", "-l", "en", "-o", fifo, NULL};
  cd_buf err = CD_BUF_INIT;
  assert_int_equal(cdt_run(a, "x -- y\n", 7, NULL, &err), 0);
  char buf[64] = {0};
  assert_true(read(rd, buf, sizeof buf - 1) > 0);
  assert_string_equal(buf, "x \xE2\x80\x94 y\n");
  close(rd);
  struct stat st;
  assert_int_equal(lstat(fifo, &st), 0);
  assert_true(S_ISFIFO(st.st_mode));
  cd_buf_free(&err);
}

/* BUG-1: -o through a symlink to /dev/null writes into the device; neither the link nor
 * /dev/null is replaced (the link keeps the test from touching /dev even if this breaks). */
static void test_device_is_written_into(void **state) {
  (void)state;
  const char *link = tmp("null.link");
  unlink(link);
  assert_int_equal(symlink("/dev/null", link), 0);
  const char *a[] = {"copydesk", "normalize", "-l", "en", "-o", link, NULL};
  assert_int_equal(cdt_run(a, "x -- y\n", 7, NULL, NULL), 0);
  struct stat st;
  assert_int_equal(lstat(link, &st), 0);
  assert_true(S_ISLNK(st.st_mode));
  assert_int_equal(stat("/dev/null", &st), 0);
  assert_true(S_ISCHR(st.st_mode));
  /* -o /dev/stdout is standard output itself */
  const char *b[] = {"copydesk", "normalize", "-l", "en", "-o", "/dev/stdout", NULL};
  cd_buf out = CD_BUF_INIT;
  assert_int_equal(cdt_run(b, "x -- y\n", 7, &out, NULL), 0);
  assert_string_equal(out.data, "x \xE2\x80\x94 y\n");
  cd_buf_free(&out);
}

/* BUG-13: --in-place through a symlink rewrites its target; the link stays a link. */
static void test_symlink_is_written_through(void **state) {
  (void)state;
  const char *target = tmp("target-en.txt"), *link = tmp("link-en.txt");
  write_str(target, "x -- y\n");
  unlink(link);
  assert_int_equal(symlink("target-en.txt", link), 0);
  const char *a[] = {"copydesk", "normalize", "--in-place", link, NULL};
  assert_int_equal(cdt_run(a, NULL, 0, NULL, NULL), 0);
  struct stat st;
  assert_int_equal(lstat(link, &st), 0);
  assert_true(S_ISLNK(st.st_mode));
  assert_file_is(target, "x \xE2\x80\x94 y\n");
  assert_no_temporaries("target-en.txt");
}

/* BUG-13: mode kept without setuid/setgid; a hard link broken is said; owner kept (root). */
static void test_mode_owner_and_hard_links(void **state) {
  (void)state;
  const char *f = tmp("mode-en.txt"), *hard = tmp("mode-hard-en.txt");
  write_str(f, "x -- y\n");
  unlink(hard);
  assert_int_equal(link(f, hard), 0);
  assert_int_equal(chmod(f, 06750), 0);
  bool root = geteuid() == 0;
  if (root)
    assert_int_equal(chown(f, 1234, 4321), 0);
  cd_buf err = CD_BUF_INIT;
  const char *a[] = {"copydesk", "normalize", "--in-place", f, NULL};
  assert_int_equal(cdt_run(a, NULL, 0, NULL, &err), 0);
  assert_non_null(strstr(err.data, "hard links"));
  struct stat st;
  assert_int_equal(stat(f, &st), 0);
  assert_int_equal(st.st_mode & 07777, 0750);
  if (root) {
    assert_int_equal(st.st_uid, 1234);
    assert_int_equal(st.st_gid, 4321);
  } else {
    print_message("not root: owner and group kept are not tested\n");
  }
  assert_file_is(f, "x \xE2\x80\x94 y\n");
  assert_file_is(hard, "x -- y\n");
  cd_buf_free(&err);
}

/* BUG-14: a new output file gets 0666 & ~umask, like the shell's '>'. */
static void test_new_file_follows_umask(void **state) {
  (void)state;
  const char *o = tmp("umask-out.txt"), *t = tmp("umask.tmx");
  unlink(o);
  unlink(t);
  mode_t old = umask(077);
  const char *a[] = {"copydesk", "normalize", "-l", "en", "-o", o, NULL};
  int rc = cdt_run(a, "embargoed -- text\n", 18, NULL, NULL);
  const char *tm = make_tm("umask.sqlite", 3);
  const char *e[] = {"copydesk", "tm", "export", "--tm", tm, "-o", t, NULL};
  int rc2 = cdt_run(e, NULL, 0, NULL, NULL);
  umask(002);
  unlink(o);
  const char *b[] = {"copydesk", "normalize", "-l", "en", "-o", o, NULL};
  int rc3 = cdt_run(b, "x\n", 2, NULL, NULL);
  umask(old);
  assert_int_equal(rc, 0);
  assert_int_equal(rc2, 0);
  assert_int_equal(rc3, 0);
  struct stat st;
  assert_int_equal(stat(t, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);
  assert_int_equal(stat(o, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0664);
}

/* BUG-31: SIGTERM and SIGINT during --in-place and -o leave no temporary; the original is
 * intact. */
static void test_signal_removes_temporary(void **state) {
  (void)state;
  const char *f = tmp("sig-en.txt");
  static const char line[] = "Zelensky said -- \"yes\" in Kiev.\n";
  size_t n = 600000;
  cd_buf big = CD_BUF_INIT;
  for (size_t i = 0; i < n; i++)
    assert_int_equal(cd_buf_append(&big, line, sizeof line - 1), CD_OK);
  cdt_write_file(f, big.data, big.len);
  const char *bin = getenv("COPYDESK_BIN");
  int sigs[2] = {SIGTERM, SIGINT};
  for (int k = 0; k < 2; k++) {
    pid_t pid = fork();
    if (pid == 0) {
      int dn = open("/dev/null", O_RDWR);
      dup2(dn, 1);
      dup2(dn, 2);
      if (k == 0)
        execl(bin, bin, "normalize", "--in-place", f, (char *)NULL);
      else
        execl(bin, bin, "normalize", "-o", tmp("sig-out.txt"), f, (char *)NULL);
      _exit(127);
    }
    /* wait for the temporary to appear, then interrupt */
    bool seen = false;
    for (int i = 0; i < 400 && !seen; i++) {
      DIR *d = opendir(cdt_tmpdir());
      struct dirent *e;
      while ((e = readdir(d)))
        if (strncmp(e->d_name, k == 0 ? ".sig-en.txt." : ".sig-out.txt.", 12) == 0)
          seen = true;
      closedir(d);
      if (!seen) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
      }
    }
    kill(pid, sigs[k]);
    int status;
    waitpid(pid, &status, 0);
    if (!seen || WIFEXITED(status)) {
      print_message("the run ended before the signal: nothing to test this round\n");
      continue;
    }
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), sigs[k]);
    assert_no_temporaries("sig-en.txt");
    assert_no_temporaries("sig-out.txt");
  }
  cd_buf kept = CD_BUF_INIT;
  cdt_read_file(f, &kept);
  assert_int_equal(kept.len, big.len);
  cd_buf_free(&kept);
  cd_buf_free(&big);
}

/* BUG-2: with stderr or stdout closed, no diagnostic or change log lands in the article. */
static void test_closed_standard_descriptors(void **state) {
  (void)state;
  const char *f = tmp("closed-en.txt");
  write_str(f, "x -- y\n");
  const char *a[] = {"copydesk", "normalize", "-v", "--in-place", f, NULL};
  assert_int_equal(run_fds(a, tmp("closed.out"), NULL), 0);
  assert_file_is(f, "x \xE2\x80\x94 y\n");
  write_str(f, "a -- \"q\"\n");
  const char *b[] = {"copydesk", "normalize", "--in-place", "--changes", "-", f, NULL};
  const char *errp = tmp("closed.err");
  assert_int_equal(run_fds(b, NULL, errp), 2);
  cd_buf b2 = CD_BUF_INIT;
  cdt_read_file(f, &b2);
  assert_null(strstr(b2.data, "\"stage\""));
  cdt_read_file(errp, &b2);
  assert_non_null(strstr(b2.data, "error writing standard output"));
  cd_buf_free(&b2);
}

/* BUG-23: a write error on standard output is exit 2 with a message, for every command. */
static void test_stdout_write_errors(void **state) {
  (void)state;
  if (access("/dev/full", W_OK) != 0) {
    skip();
    return;
  }
  const char *tm = make_tm("full.sqlite", 2);
  const char *errp = tmp("full.err");
  const char *cmds[][12] = {{"copydesk", "tm", "stats", "--tm", tm, NULL},
                            {"copydesk", "tm", "stats", "--tm", tm, "--format", "json", NULL},
                            {"copydesk", "--version", NULL},
                            {"copydesk", "--help", NULL},
                            {"copydesk", "tm", "add", "--tm", tm, "--src-lang", "en", "--tgt-lang",
                             "fr", "One.", "Un.", NULL}};
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
    assert_int_equal(run_fds(cmds[i], "/dev/full", errp), 2);
    cd_buf e = CD_BUF_INIT;
    cdt_read_file(errp, &e);
    assert_non_null(strstr(e.data, "error writing standard output"));
    cd_buf_free(&e);
    assert_int_equal(run_fds(cmds[i], NULL, errp), 2); /* stdout closed */
  }
}

/* BUG-24: tm export and names export end quietly, status 0, when the reader goes away. */
static void test_closed_pipe_quiet_for_exports(void **state) {
  (void)state;
  const char *tm = make_tm("pipe.sqlite", 3000);
  const char *bin = getenv("COPYDESK_BIN");
  const char *errp = tmp("pipe-export.err");
  for (int k = 0; k < 2; k++) {
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
      close(fds[0]);
      dup2(fds[1], 1);
      int fe = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fe, 2);
      if (k == 0)
        execl(bin, bin, "tm", "export", "--tm", tm, "-o", "-", (char *)NULL);
      else
        execl(bin, bin, "names", "export", (char *)NULL);
      _exit(127);
    }
    close(fds[1]);
    char buf[16];
    assert_true(read(fds[0], buf, sizeof buf) > 0);
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    cd_buf e = CD_BUF_INIT;
    cdt_read_file(errp, &e);
    assert_int_equal(e.len, 0);
    cd_buf_free(&e);
  }
}

/* BUG-3: an output that is an input, the TM or the other output is refused, by device and
 * inode (a symlink to it too), before anything is written. */
static void test_output_that_is_an_input(void **state) {
  (void)state;
  cd_buf err = CD_BUF_INIT;
  const char *a = tmp("same-en.txt");
  write_str(a, "x -- y\n");
  const char *n1[] = {"copydesk", "normalize", "-o", a, "--changes", a, a, NULL};
  assert_int_equal(cdt_run(n1, NULL, 0, NULL, &err), 2);
  assert_non_null(strstr(err.data, "refusing"));
  const char *o = tmp("same-out.txt");
  write_str(o, "previous\n");
  const char *n2[] = {"copydesk", "normalize", "-o", o, "--changes", o, a, NULL};
  assert_int_equal(cdt_run(n2, NULL, 0, NULL, &err), 2);
  assert_file_is(o, "previous\n");
  /* the same new file twice (once through another spelling of its directory) */
  const char *fresh = tmp("same-new.txt");
  unlink(fresh);
  char other[4096];
  const char *slash = strrchr(fresh, '/');
  snprintf(other, sizeof other, "%.*s/./%s", (int)(slash - fresh), fresh, slash + 1);
  const char *n4[] = {"copydesk", "normalize", "-o", fresh, "--changes", other, a, NULL};
  assert_int_equal(cdt_run(n4, NULL, 0, NULL, &err), 2);
  assert_non_null(strstr(err.data, "refusing"));
  assert_int_equal(access(fresh, F_OK), -1);
  const char *b = tmp("same2-en.txt");
  write_str(b, "z -- w\n");
  const char *n3[] = {"copydesk", "normalize", "--in-place", "--changes", b, a, b, NULL};
  assert_int_equal(cdt_run(n3, NULL, 0, NULL, &err), 2);
  assert_file_is(a, "x -- y\n");
  assert_file_is(b, "z -- w\n");

  const char *tm = make_tm("same.sqlite", 2);
  const char *link = tmp("same-link.sqlite");
  unlink(link);
  assert_int_equal(symlink(tm, link), 0);
  const char *c1[] = {"copydesk", "check", "--no-names", "--tm", tm, "-o", tm, NULL};
  assert_int_equal(cdt_run(c1, NULL, 0, NULL, &err), 2);
  assert_non_null(strstr(err.data, "the TM"));
  const char *c2[] = {"copydesk", "check", "--no-names", "-o", a, a, NULL};
  assert_int_equal(cdt_run(c2, NULL, 0, NULL, &err), 2);
  const char *e1[] = {"copydesk", "tm", "export", "--tm", tm, "-o", link, NULL};
  assert_int_equal(cdt_run(e1, NULL, 0, NULL, &err), 2);
  assert_non_null(strstr(err.data, "the TM"));
  assert_int_equal(cdt_tm_units_checked(tm), 2);
  assert_file_is(a, "x -- y\n");
  struct stat st;
  assert_int_equal(lstat(link, &st), 0);
  assert_true(S_ISLNK(st.st_mode));
  cd_buf_free(&err);
}

/* BUG-33: reading commands never create or convert a TM: missing or empty is an error. */
static void test_reading_commands_leave_tm_alone(void **state) {
  (void)state;
  const char *empty = tmp("empty.sqlite"), *missing = tmp("missing.sqlite");
  write_str(empty, "");
  unlink(missing);
  const char *t = tmp("ro.tmx");
  const char *paths[2] = {empty, missing};
  cd_buf err = CD_BUF_INIT;
  for (int k = 0; k < 2; k++) {
    const char *p = paths[k];
    const char *cmds[][9] = {{"copydesk", "tm", "stats", "--tm", p, NULL},
                             {"copydesk", "tm", "lookup", "--tm", p, "ferry", NULL},
                             {"copydesk", "tm", "concord", "--tm", p, "ferry", NULL},
                             {"copydesk", "tm", "export", "--tm", p, "-o", t, NULL},
                             {"copydesk", "check", "--no-names", "--tm", p, NULL}};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
      assert_int_equal(cdt_run(cmds[i], NULL, 0, NULL, &err), 2);
      assert_non_null(strstr(err.data, k ? "no TM" : "empty file"));
    }
  }
  struct stat st;
  assert_int_equal(stat(empty, &st), 0);
  assert_int_equal(st.st_size, 0);
  assert_int_not_equal(stat(missing, &st), 0);
  cd_buf_free(&err);
}

/* BUG-25: an option error names the option, not its neighbour. */
static void test_option_errors_name_the_option(void **state) {
  (void)state;
  cd_buf err = CD_BUF_INIT;
  const char *a[] = {"copydesk", "normalize", "-l", "en", "-xv", NULL};
  assert_int_equal(cdt_run(a, "a\n", 2, NULL, &err), 2);
  assert_non_null(strstr(err.data, "unknown option '-x'"));
  const char *b[] = {"copydesk", "check", "-Zv", "-", NULL};
  assert_int_equal(cdt_run(b, "a\n", 2, NULL, &err), 2);
  assert_non_null(strstr(err.data, "unknown option '-Z'"));
  const char *c[] = {"copydesk", "normalize", "-l", "en", "--in-place", "-v.txt", NULL};
  assert_int_equal(cdt_run(c, NULL, 0, NULL, &err), 2);
  assert_non_null(strstr(err.data, "unknown option '-.'"));
  assert_null(strstr(err.data, "'--in-place'"));
  const char *d[] = {"copydesk", "tm", "lookup", "--min", NULL};
  assert_int_equal(cdt_run(d, NULL, 0, NULL, &err), 2);
  assert_non_null(strstr(err.data, "'--min' needs a value"));
  const char *e[] = {"copydesk", "segment", "-vl", NULL};
  assert_int_equal(cdt_run(e, NULL, 0, NULL, &err), 2);
  assert_non_null(strstr(err.data, "'-v'"));
  cd_buf_free(&err);
}

/* BUG-30: nan, negative and out-of-range option values are refused. */
static void test_option_values_validated(void **state) {
  (void)state;
  cd_buf err = CD_BUF_INIT;
  const char *bad[][6] = {{"copydesk", "normalize", "--names-threshold", "nan", NULL},
                          {"copydesk", "normalize", "--names-threshold", "-0.5", NULL},
                          {"copydesk", "normalize", "--window", "-1", NULL},
                          {"copydesk", "normalize", "--window", "18446744073709551615", NULL},
                          {"copydesk", "normalize", "--window", " 5", NULL},
                          {"copydesk", "align", "--band", "-1", "a", NULL},
                          {"copydesk", "align", "--weak", "nan", "a", NULL}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(cdt_run(bad[i], "abc\n", 4, NULL, &err), 2);
    assert_non_null(strstr(err.data, bad[i][3]));
  }
  cd_buf_free(&err);
}

/* BUG-38: names compile uses no fixed temporary name: a file OUT.tmp is not touched, and
 * two compiles of the same OUT at once both succeed. */
static void test_names_compile_private_temporary(void **state) {
  (void)state;
  const char *tsv = tmp("cmp.tsv");
  write_str(tsv, "id\ttype\ten\tfr\tde\tuk\tru\tvariants\tcontext\n"
                 "p1\tperson\tFoo Bar\t-\t-\t-\t-\t-\t-\n");
  const char *db = tmp("cmp.sqlite"), *stray = tmp("cmp.sqlite.tmp");
  write_str(stray, "someone else's\n");
  const char *a[] = {"copydesk", "names", "compile", "-o", db, tsv, NULL};
  const char *bin = getenv("COPYDESK_BIN");
  pid_t pid = fork();
  if (pid == 0) {
    int dn = open("/dev/null", O_RDWR);
    dup2(dn, 1);
    dup2(dn, 2);
    execv(bin, (char *const *)a);
    _exit(127);
  }
  cd_buf err = CD_BUF_INIT;
  assert_int_equal(cdt_run(a, NULL, 0, NULL, &err), 0);
  int status;
  waitpid(pid, &status, 0);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
  assert_file_is(stray, "someone else's\n");
  struct stat st;
  assert_int_equal(stat(db, &st), 0);
  assert_true(st.st_size > 0);
  assert_no_temporaries("cmp.sqlite");
  const char *n[] = {"copydesk", "names", "compile", "-o", tsv, tsv, NULL};
  assert_int_equal(cdt_run(n, NULL, 0, NULL, &err), 2);
  assert_non_null(strstr(err.data, "refusing"));
  cd_buf_free(&err);
}

/* BUG-39: a file-size limit during tm export names the output file and the cause. */
static void test_export_file_size_limit(void **state) {
  (void)state;
  const char *tm = make_tm("fsize.sqlite", 3000);
  const char *t = tmp("fsize.tmx"), *errp = tmp("fsize.err");
  /* a read first, so that the TM's -shm exists before the limit applies */
  const char *s[] = {"copydesk", "tm", "stats", "--tm", tm, NULL};
  assert_int_equal(cdt_run(s, NULL, 0, NULL, NULL), 0);
  const char *bin = getenv("COPYDESK_BIN");
  pid_t pid = fork();
  if (pid == 0) {
    struct rlimit rl = {64 << 10, 64 << 10};
    signal(SIGXFSZ, SIG_DFL);
    setrlimit(RLIMIT_FSIZE, &rl);
    int fe = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fe, 2);
    execl(bin, bin, "tm", "export", "--tm", tm, "-o", t, (char *)NULL);
    _exit(127);
  }
  int status;
  waitpid(pid, &status, 0);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 2);
  cd_buf e = CD_BUF_INIT;
  cdt_read_file(errp, &e);
  assert_non_null(strstr(e.data, "fsize.tmx"));
  assert_non_null(strstr(e.data, "File too large"));
  assert_null(strstr(e.data, "I/O error :")); /* no raw libxml2 line */
  assert_no_temporaries("fsize.tmx");
  cd_buf_free(&e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fifo_is_written_into),
      cmocka_unit_test(test_device_is_written_into),
      cmocka_unit_test(test_symlink_is_written_through),
      cmocka_unit_test(test_mode_owner_and_hard_links),
      cmocka_unit_test(test_new_file_follows_umask),
      cmocka_unit_test(test_signal_removes_temporary),
      cmocka_unit_test(test_closed_standard_descriptors),
      cmocka_unit_test(test_stdout_write_errors),
      cmocka_unit_test(test_closed_pipe_quiet_for_exports),
      cmocka_unit_test(test_output_that_is_an_input),
      cmocka_unit_test(test_reading_commands_leave_tm_alone),
      cmocka_unit_test(test_option_errors_name_the_option),
      cmocka_unit_test(test_option_values_validated),
      cmocka_unit_test(test_names_compile_private_temporary),
      cmocka_unit_test(test_export_file_size_limit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
