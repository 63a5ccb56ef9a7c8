/* SPDX-License-Identifier: MIT */
/* End-to-end: the built copydesk binary, as scripts call it. */
#include "cd_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cd_normalize.h"

static void test_version_and_help(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *v[] = {"copydesk", "--version", NULL};
  assert_int_equal(cdt_run(v, NULL, 0, &out, &err), 0);
  assert_true(strncmp(out.data, "copydesk ", 9) == 0);
  const char *h[] = {"copydesk", "help", "normalize", NULL};
  assert_int_equal(cdt_run(h, NULL, 0, &out, &err), 0);
  assert_non_null(strstr(out.data, "--no-boilerplate"));
  const char *bad[] = {"copydesk", "frobnicate", NULL};
  assert_int_equal(cdt_run(bad, NULL, 0, &out, &err), 2);
  assert_non_null(strstr(err.data, "frobnicate"));
  cd_buf_free(&out);
  cd_buf_free(&err);
}

static void test_missing_file_names_it(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *a[] = {"copydesk", "normalize", "no-such-dispatch.txt", NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 2);
  assert_non_null(strstr(err.data, "no-such-dispatch.txt"));
  assert_non_null(strstr(err.data, "No such file"));
  cd_buf_free(&out);
  cd_buf_free(&err);
}

static void test_usage_errors(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *a[] = {"copydesk", "normalize", "--changes", "-", NULL};
  assert_int_equal(cdt_run(a, "x\n", 2, &out, &err), 2);
  assert_non_null(strstr(err.data, "--changes -"));
  const char *b[] = {"copydesk", "normalize", "--in-place", NULL};
  assert_int_equal(cdt_run(b, "x\n", 2, &out, &err), 2);
  const char *c[] = {"copydesk", "normalize", "-l", "not a tag", NULL};
  assert_int_equal(cdt_run(c, "x\n", 2, &out, &err), 2);
  const char *d[] = {"copydesk", "normalize", "--bogus", NULL};
  assert_int_equal(cdt_run(d, "x\n", 2, &out, &err), 2);
  assert_non_null(strstr(err.data, "--bogus"));
  cd_buf_free(&out);
  cd_buf_free(&err);
}

static void test_empty_file(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *path = cdt_tmpfile("empty.txt");
  cdt_write_file(path, "", 0);
  const char *a[] = {"copydesk", "normalize", path, NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 0);
  assert_int_equal(out.len, 0);
  cd_buf_free(&out);
  cd_buf_free(&err);
}

static void test_strict_invalid_input_exit_2(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *a[] = {"copydesk", "normalize", "--strict", "--from", "UTF-8", NULL};
  const char in[] = "Mykolaiv\nKher\xFFson\n";
  assert_int_equal(cdt_run(a, in, sizeof in - 1, &out, &err), 2);
  assert_non_null(strstr(err.data, "byte 13"));
  const char *b[] = {"copydesk", "normalize", "--from", "UTF-8", "-l", "en", NULL};
  assert_int_equal(cdt_run(b, in, sizeof in - 1, &out, &err), 0);
  assert_string_equal(out.data, "Mykolaiv\nKher\xEF\xBF\xBDson\n");
  cd_buf_free(&out);
  cd_buf_free(&err);
}

/* The line-filter contract: with layout stages off, N lines in give N lines out, in order,
 * line ends kept, and clean lines byte-identical. */
static void test_line_filter_contract(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char in[] = "First line\r\n\nThird \xE2\x80\xA8 has U+2028 and \xC2\x85 NEL\n"
                    "Ostatni wiersz: \xC5\x81\xC3\xB3\x64\xC5\xBA\n"
                    "no newline at end";
  const char *a[] = {
      "copydesk", "normalize", "--no-typography", "--no-boilerplate", "--no-names", "-l",
      "en",       NULL};
  assert_int_equal(cdt_run(a, in, sizeof in - 1, &out, &err), 0);
  assert_int_equal(cdt_count_lines(out.data, out.len), cdt_count_lines(in, sizeof in - 1));
  assert_non_null(strstr(out.data, "First line\r\n"));
  assert_non_null(strstr(out.data, "Ostatni wiersz: \xC5\x81\xC3\xB3\x64\xC5\xBA\n"));
  assert_true(out.len >= 17 && memcmp(out.data + out.len - 17, "no newline at end", 17) == 0);
  cd_buf_free(&out);
  cd_buf_free(&err);
}

/* A 20 MB line with no newline goes through in windows and comes back whole. */
static void test_huge_single_line(void **state) {
  (void)state;
  size_t n = 20u * 1024 * 1024;
  char *big = malloc(n);
  assert_non_null(big);
  static const char word[] = "Zaporizhzhia ";
  for (size_t i = 0; i < n; i++)
    big[i] = word[i % (sizeof word - 1)];
  const char *path = cdt_tmpfile("huge.txt");
  cdt_write_file(path, big, n);
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *a[] = {"copydesk", "normalize", "--no-typography", "--no-names", "-l",
                     "en",       "--window",  "65536",           path,         NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 0);
  assert_int_equal(out.len, n);
  assert_memory_equal(out.data, big, n);
  free(big);
  cd_buf_free(&out);
  cd_buf_free(&err);
}

/* The change log written with -o replays over the input to the output. */
static void test_change_log_replays(void **state) {
  (void)state;
  const char in[] = "\xEF\xBB\xBF\x93Quoted\x94 text from a cp1252 desk \x96 Odessa.\n"
                    "Second line, \xE9t\xE9.\n";
  const char *src = cdt_tmpfile("cp.txt"), *dst = cdt_tmpfile("cp.out"),
             *log = cdt_tmpfile("cp.jsonl");
  cdt_write_file(src, in, sizeof in - 1);
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT, text = CD_BUF_INIT, changes = CD_BUF_INIT,
         replayed = CD_BUF_INIT;
  const char *a[] = {"copydesk", "normalize", "-l", "en", "-o", dst, "--changes", log, src, NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 0);
  cdt_read_file(dst, &text);
  cdt_read_file(log, &changes);
  assert_true(changes.len > 0);
  cd_error e;
  assert_int_equal(
      cd_change_log_replay(in, sizeof in - 1, changes.data, changes.len, &replayed, &e), CD_OK);
  assert_int_equal(replayed.len, text.len);
  assert_memory_equal(replayed.data, text.data, text.len);
  cd_buf_free(&out);
  cd_buf_free(&err);
  cd_buf_free(&text);
  cd_buf_free(&changes);
  cd_buf_free(&replayed);
}

/* The house overlay in the user's config directory is used without --house. */
static void test_default_house_overlay(void **state) {
  (void)state;
  char cfg[4200];
  snprintf(cfg, sizeof cfg, "%s/xdg-config", cdt_tmpdir());
  char dir[4300];
  snprintf(dir, sizeof dir, "%s/copydesk", cfg);
  mkdir(cfg, 0755);
  mkdir(dir, 0755);
  char house[4400];
  snprintf(house, sizeof house, "%s/house.tsv", dir);
  static const char row[] = "id\ttype\ten\tfr\tde\tuk\tru\tvariants\tcontext\n"
                            "odesa\tplace\tOdessa\t-\t-\t-\t-\tOdesa\t-\n";
  cdt_write_file(house, row, sizeof row - 1);
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *a[] = {"copydesk", "normalize", "-l", "en", NULL};
  setenv("XDG_CONFIG_HOME", cfg, 1);
  assert_int_equal(cdt_run(a, "Ships left Odesa.\n", 18, &out, &err), 0);
  assert_string_equal(out.data, "Ships left Odessa.\n");
  unsetenv("XDG_CONFIG_HOME");
  setenv("HOME", cdt_tmpdir(), 1); /* no overlay there: the shipped style (AP: Odesa) */
  assert_int_equal(cdt_run(a, "Ships left Odessa.\n", 19, &out, &err), 0);
  assert_string_equal(out.data, "Ships left Odesa.\n");
  cd_buf_free(&out);
  cd_buf_free(&err);
}

/* A file name that is not UTF-8 (a Latin-1 system's) still gives valid JSON Lines: its
 * ill-formed bytes are U+FFFD in the "file" field (hostile-use report, BUG-22). */
static void test_change_log_file_name_not_utf8(void **state) {
  (void)state;
  char path[4200];
  snprintf(path, sizeof path, "%s/caf\xE9-en.txt", cdt_tmpdir());
  cdt_write_file(path, "Kiev\n", 5);
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *a[] = {"copydesk", "normalize", "--dry-run", path, NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 0);
  assert_true(cd_utf8_is_valid(out.data, out.len));
  assert_non_null(strstr(out.data, "caf\xEF\xBF\xBD-en.txt"));
  assert_non_null(strstr(out.data, "\"after\":\"Kyiv\""));
  cd_buf_free(&out);
  cd_buf_free(&err);
}

/* The language of a text: --lang beats the file name, the file name beats a sure
 * detection, which beats the desk's default (COPYDESK_LANG, else "lang = xx" in
 * $XDG_CONFIG_HOME/copydesk/config); with none, typography and names leave the text as it
 * is and one line says why (issue 16). */
static void test_language_precedence(void **state) {
  (void)state;
  const char *head = "Zelenskyy met \"Macron\" in Kiev.\n";
  size_t hl = strlen(head);
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  char cfg[4300], cdir[4200];
  snprintf(cdir, sizeof cdir, "%s/xdg-lang", cdt_tmpdir());
  mkdir(cdir, 0755);
  snprintf(cfg, sizeof cfg, "%s/copydesk", cdir);
  mkdir(cfg, 0755);
  snprintf(cfg, sizeof cfg, "%s/copydesk/config", cdir);
  const char *old = getenv("XDG_CONFIG_HOME");
  char saved[4200] = "";
  if (old)
    snprintf(saved, sizeof saved, "%s", old);
  setenv("XDG_CONFIG_HOME", cdir, 1);
  unsetenv("COPYDESK_LANG");
  const char *v[] = {"copydesk", "normalize", "-v", NULL};
  /* no language at all: the text keeps its quotes and names */
  assert_int_equal(cdt_run(v, head, hl, &out, &err), 0);
  assert_string_equal(out.data, head);
  assert_non_null(strstr(err.data, "no language"));
  assert_non_null(strstr(err.data, "language und (none; detection unsure: evidence "));
  /* the desk's default from the config file */
  cdt_write_file(cfg, "# desk settings\nlang = en\n", 25);
  assert_int_equal(cdt_run(v, head, hl, &out, &err), 0);
  assert_string_equal(out.data, "Zelenskyy met \xE2\x80\x9CMacron\xE2\x80\x9D in Kyiv.\n");
  assert_non_null(strstr(err.data, "language en (default from "));
  assert_non_null(strstr(err.data, "copydesk/config; detection unsure"));
  /* COPYDESK_LANG beats the config file */
  setenv("COPYDESK_LANG", "de", 1);
  assert_int_equal(cdt_run(v, head, hl, &out, &err), 0);
  assert_non_null(strstr(err.data, "language de (default from COPYDESK_LANG;"));
  /* a sure detection beats the default */
  const char *en = "The defence minister said on Tuesday that the new systems would arrive.\n";
  assert_int_equal(cdt_run(v, en, strlen(en), &out, &err), 0);
  /* -v says how sure: the words that decided and the evidence against */
  assert_non_null(strstr(err.data, "language en (detected, words: evidence "));
  assert_non_null(strstr(err.data, " against 0)"));
  /* the file name beats detection, --lang beats the file name */
  char fr[4200];
  snprintf(fr, sizeof fr, "%s/head-fr.txt", cdt_tmpdir());
  cdt_write_file(fr, en, strlen(en));
  const char *f[] = {"copydesk", "normalize", "-v", fr, NULL};
  assert_int_equal(cdt_run(f, NULL, 0, &out, &err), 0);
  assert_non_null(strstr(err.data, "language fr (file name)"));
  const char *l[] = {"copydesk", "normalize", "-v", "-l", "uk", fr, NULL};
  assert_int_equal(cdt_run(l, NULL, 0, &out, &err), 0);
  assert_non_null(strstr(err.data, "language uk (option)"));
  /* a bad default is an error naming its source */
  setenv("COPYDESK_LANG", "not a tag", 1);
  assert_int_equal(cdt_run(v, head, hl, &out, &err), 2);
  assert_non_null(strstr(err.data, "COPYDESK_LANG"));
  unsetenv("COPYDESK_LANG");
  cdt_write_file(cfg, "lang = 12\n", 10);
  assert_int_equal(cdt_run(v, head, hl, &out, &err), 2);
  assert_non_null(strstr(err.data, "config:1:"));
  if (old)
    setenv("XDG_CONFIG_HOME", saved, 1);
  else
    unsetenv("XDG_CONFIG_HOME");
  cd_buf_free(&out);
  cd_buf_free(&err);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_version_and_help),
      cmocka_unit_test(test_missing_file_names_it),
      cmocka_unit_test(test_usage_errors),
      cmocka_unit_test(test_empty_file),
      cmocka_unit_test(test_strict_invalid_input_exit_2),
      cmocka_unit_test(test_line_filter_contract),
      cmocka_unit_test(test_huge_single_line),
      cmocka_unit_test(test_change_log_replays),
      cmocka_unit_test(test_default_house_overlay),
      cmocka_unit_test(test_change_log_file_name_not_utf8),
      cmocka_unit_test(test_language_precedence),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
