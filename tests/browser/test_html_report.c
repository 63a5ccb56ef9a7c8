/* SPDX-License-Identifier: MIT */
/* The HTML report in a real browser: headless Chromium renders the page of the shipped
 * batch; the rendered DOM must carry every finding, and a screenshot is saved to
 * build/test-artifacts/check-report.png for a person to look at. Runs in the normal build
 * only (CMake leaves tests/browser out of the sanitizer build). */
#include "cd_test.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *chromium_path(void) {
  static const char *const candidates[] = {"/usr/bin/chromium", "/usr/bin/chromium-browser",
                                           "/usr/bin/google-chrome", NULL};
  const char *env = getenv("CD_CHROMIUM");
  if (env && access(env, X_OK) == 0)
    return env;
  for (size_t i = 0; candidates[i]; i++)
    if (access(candidates[i], X_OK) == 0)
      return candidates[i];
  return NULL;
}

/* Runs chromium headless with extra arguments; stdout captured into out. */
static int run_chromium(const char *bin, const char *const *extra, cd_buf *out) {
  const char *profile = cdt_tmpfile("chromium-profile");
  mkdir(profile, 0700);
  char user_data[4200];
  snprintf(user_data, sizeof user_data, "--user-data-dir=%s", profile);
  const char *base[] = {bin,
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        user_data};
  size_t nb = sizeof base / sizeof base[0], ne = 0;
  while (extra[ne])
    ne++;
  char **argv = calloc(nb + ne + 1, sizeof *argv);
  for (size_t i = 0; i < nb; i++)
    argv[i] = (char *)base[i];
  for (size_t i = 0; i < ne; i++)
    argv[nb + i] = (char *)extra[i];
  const char *out_path = cdt_tmpfile("chromium.out");
  pid_t pid = fork();
  if (pid == 0) {
    FILE *o = freopen(out_path, "w", stdout);
    FILE *e = freopen("/dev/null", "w", stderr);
    (void)o;
    (void)e;
    execv(bin, argv);
    _exit(127);
  }
  free(argv);
  int status = 0;
  waitpid(pid, &status, 0);
  cdt_read_file(out_path, out);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void test_report_renders_in_chromium(void **state) {
  (void)state;
  const char *bin = chromium_path();
  if (!bin) {
    fprintf(stderr, "SKIP: Chromium is not installed (tools/setup --with-extras installs it); "
                    "the HTML report was not checked in a browser\n");
    skip();
  }
  char dir[4096], gl[4096];
  snprintf(dir, sizeof dir, "%s", cdt_fixture("check/batch"));
  snprintf(gl, sizeof gl, "%s", cdt_fixture("check/glossary-en-fr.tsv"));
  const char *html = cdt_tmpfile("report.html");
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *a[] = {"copydesk", "check",      "--format", "html", "-o",
                     html,       "--glossary", gl,         dir,    NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 1);

  char url[4200];
  snprintf(url, sizeof url, "file://%s", html);
  const char *dump[] = {"--dump-dom", url, NULL};
  assert_int_equal(run_chromium(bin, dump, &out), 0);
  /* the rendered DOM: the totals, one element per finding, the highlighted spans */
  assert_non_null(strstr(out.data, "12 findings"));
  size_t findings = 0;
  for (const char *p = strstr(out.data, "class=\"finding "); p;
       p = strstr(p + 1, "class=\"finding "))
    findings++;
  assert_int_equal(findings, 12);
  const char *checks[] = {
      "numbers.mismatch",  "tm.inconsistent-target", "untranslated",      "glossary.violation",
      "text.doubled-word", "text.unbalanced",        "text.double-space", "names.style",
      "names.variant",     "names.missing"};
  for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
    char needle[128];
    snprintf(needle, sizeof needle, "data-check=\"%s\"", checks[i]);
    assert_non_null(strstr(out.data, needle));
  }
  assert_non_null(strstr(out.data, "<mark>1 500</mark>"));
  assert_non_null(strstr(out.data, "<mark>and and</mark>"));

  mkdir("test-artifacts", 0755);
  char shot[4200], cwd[4000];
  assert_non_null(getcwd(cwd, sizeof cwd));
  snprintf(shot, sizeof shot, "--screenshot=%s/test-artifacts/check-report.png", cwd);
  const char *ss[] = {shot, "--window-size=1200,1400", "--hide-scrollbars", url, NULL};
  assert_int_equal(run_chromium(bin, ss, &out), 0);
  struct stat st;
  char png[4200];
  snprintf(png, sizeof png, "%s/test-artifacts/check-report.png", cwd);
  assert_int_equal(stat(png, &st), 0);
  assert_true(st.st_size > 10000); /* a real rendering, not an empty image */
  cd_buf_free(&out);
  cd_buf_free(&err);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_report_renders_in_chromium),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
