/* SPDX-License-Identifier: MIT */
/* copydesk check on hostile or carelessly saved input: bounded findings on a long line,
 * BOMs, '#' in pairs, NUL bytes, glossary paths, a batch directory with loops and FIFOs,
 * control characters and ill-formed file names in reports, an empty data directory. */
#include "cd_test.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cd_check.h"

static cd_status new_checker(const char *data_dir, const char *glossary, cd_checker **c,
                             cd_error *err) {
  cd_check_options o;
  cd_check_options_init(&o);
  o.data_dir = data_dir;
  o.glossary = glossary;
  return cd_checker_new(&o, c, err);
}

static size_t count_check(cd_checker *c, const char *id) {
  size_t n = 0;
  for (size_t i = 0; i < cd_check_count(c); i++)
    n += strcmp(cd_check_get(c, i)->check, id) == 0;
  return n;
}

/* BUG-5: 20,000 double spaces on one line: each finding keeps a window, not the line. */
static void test_long_line_findings_are_bounded(void **state) {
  (void)state;
  cd_checker *c;
  cd_error err;
  assert_int_equal(new_checker(cdt_data_dir(), NULL, &c, &err), CD_OK);
  size_t reps = 20000, n = reps * 6;
  char *text = malloc(n + 1);
  for (size_t i = 0; i < reps; i++)
    memcpy(text + 6 * i, "word  ", 6);
  text[n] = '\n';
  clock_t t0 = clock();
  assert_int_equal(cd_check_article(c, "ds-en.txt", "en", text, n + 1, &err), CD_OK);
  assert_int_equal(cd_check_finish(c, &err), CD_OK);
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  assert_true(cd_check_count(c) >= reps - 1);
  size_t total = 0;
  for (size_t i = 0; i < cd_check_count(c); i++) {
    const cd_finding *f = cd_check_get(c, i);
    assert_true(f->context_len <= 1024);
    assert_true(f->ctx_start <= f->ctx_end && f->ctx_end <= f->context_len);
    total += f->context_len;
  }
  assert_true(total < (size_t)64 << 20);
  assert_true(secs < 10.0); /* quadratic took minutes; generous for the sanitizer build */
  /* the column still counts from the start of the line, and the span is in the window */
  const cd_finding *last = cd_check_get(c, cd_check_count(c) - 1);
  assert_int_equal(last->col, 6 * (reps - 2) + 5); /* trailing spaces are not a double space */
  assert_memory_equal(last->context + last->ctx_start, "  ", 2);
  cd_checker_free(c);
  free(text);
}

/* BUG-10, BUG-11: a glossary saved with a BOM still applies; '#1' in a pairs file is a pair. */
static void test_bom_glossary_and_hash_pairs(void **state) {
  (void)state;
  const char *g = cdt_tmpfile("glbom.tsv");
  const char gl[] = "\xEF\xBB\xBF"
                    "ceasefire\ttr\xC3\xAAve\ten-fr\n";
  cdt_write_file(g, gl, sizeof gl - 1);
  const char *p = cdt_tmpfile("h.en-fr.tsv");
  const char pr[] = "\xEF\xBB\xBF"
                    "The ceasefire held overnight.\tLe cessez-le-feu a tenu.\n"
                    "#1 priority: the army received 15,000 shells.\t#1 priorit\xC3\xA9 : "
                    "l'arm\xC3\xA9"
                    "e a re\xC3\xA7u 1 500 obus.\n";
  cdt_write_file(p, pr, sizeof pr - 1);
  cd_checker *c;
  cd_error err;
  assert_int_equal(new_checker(cdt_data_dir(), g, &c, &err), CD_OK);
  assert_int_equal(cd_check_pairs_file(c, p, "en", "fr", &err), CD_OK);
  assert_int_equal(cd_check_finish(c, &err), CD_OK);
  assert_int_equal(count_check(c, "glossary.violation"), 1);
  assert_int_equal(count_check(c, "numbers.mismatch"), 1);
  cd_checker_free(c);
}

/* BUG-4 (check's side): a NUL byte in a pairs file names file and line. */
static void test_nul_in_pairs(void **state) {
  (void)state;
  const char *p = cdt_tmpfile("nul.en-fr.tsv");
  const char pr[] = "a\tb\nThe ferry\0 left Dover.\tLe ferry a quitt\xC3\xA9 Douvres.\n";
  cdt_write_file(p, pr, sizeof pr - 1);
  cd_checker *c;
  cd_error err;
  assert_int_equal(new_checker(cdt_data_dir(), NULL, &c, &err), CD_OK);
  assert_int_equal(cd_check_pairs_file(c, p, "en", "fr", &err), CD_ERR_INPUT);
  assert_non_null(strstr(err.message, "nul.en-fr.tsv:2: NUL byte"));
  cd_checker_free(c);
}

/* BUG-29: a glossary that is a directory, or missing, is an error with its reason. */
static void test_glossary_directory_or_missing(void **state) {
  (void)state;
  const char *d = cdt_tmpfile("gdir");
  mkdir(d, 0755);
  cd_checker *c = NULL;
  cd_error err;
  assert_int_equal(new_checker(cdt_data_dir(), d, &c, &err), CD_ERR_IO);
  assert_non_null(strstr(err.message, "Is a directory"));
  assert_int_equal(new_checker(cdt_data_dir(), cdt_tmpfile("missing.tsv"), &c, &err), CD_ERR_IO);
  assert_non_null(strstr(err.message, "No such file or directory"));
}

/* BUG-34: an empty data directory is reported once, by the program, naming what is missing. */
static void test_empty_data_dir(void **state) {
  (void)state;
  const char *d = cdt_tmpfile("emptydata");
  mkdir(d, 0755);
  cd_checker *c;
  cd_error err;
  assert_int_equal(new_checker(d, NULL, &c, &err), CD_OK);
  assert_non_null(cd_check_missing_data(c));
  assert_non_null(strstr(cd_check_missing_data(c), "langid/fpdb.conf"));
  cd_checker_free(c);
  assert_int_equal(new_checker(cdt_data_dir(), NULL, &c, &err), CD_OK);
  assert_null(cd_check_missing_data(c));
  cd_checker_free(c);
  char env[4200];
  snprintf(env, sizeof env, "COPYDESK_DATA=%s", d);
  putenv(env);
  const char *argv[] = {"copydesk", "check", "--no-names", "-l", "en", "-", NULL};
  cd_buf out = CD_BUF_INIT, er = CD_BUF_INIT;
  cdt_run(argv, "The the cat.\n", 13, &out, &er);
  assert_null(strstr(cd_buf_at(&er, 0), "Failed to open")); /* no library message */
  assert_non_null(strstr(cd_buf_at(&er, 0), "lacks"));
  assert_int_equal(cdt_count_lines(er.data, er.len), 1);
  cd_buf_free(&out);
  cd_buf_free(&er);
  static char back[4200];
  snprintf(back, sizeof back, "COPYDESK_DATA=%s", cdt_data_dir() ? cdt_data_dir() : "");
  putenv(back);
}

/* BUG-21, BUG-22: controls never reach a terminal; JSON and HTML are valid UTF-8. */
static void test_reports_escape_controls_and_bad_names(void **state) {
  (void)state;
  cd_checker *c;
  cd_error err;
  assert_int_equal(new_checker(cdt_data_dir(), NULL, &c, &err), CD_OK);
  const char art[] = "the the word \x1B[2A\x1B[2K.\n";
  assert_int_equal(
      cd_check_article(c, "bad\xFFname\x1B]0;x\x07-en.txt", "en", art, sizeof art - 1, &err),
      CD_OK);
  cd_check_pair p = {"The army got 15 shells.",
                     23,
                     "L'arm\xC3\xA9"
                     "e a eu 15 obus.\x1B[2A",
                     24,
                     "en",
                     "fr",
                     "p.en-fr.tsv",
                     1};
  p.target_len = strlen(p.target);
  assert_int_equal(cd_check_pair_add(c, &p, &err), CD_OK);
  cd_check_pair q = p;
  q.target = "L'arm\xC3\xA9"
             "e a re\xC3\xA7u 15 obus.";
  q.target_len = strlen(q.target);
  q.line = 2;
  assert_int_equal(cd_check_pair_add(c, &q, &err), CD_OK);
  assert_int_equal(cd_check_finish(c, &err), CD_OK);
  assert_true(cd_check_count(c) >= 2);
  cd_buf out = CD_BUF_INIT;
  assert_int_equal(cd_check_write(c, CD_CHECK_TEXT, &out, &err), CD_OK);
  assert_null(memchr(out.data, 0x1B, out.len));
  assert_null(memchr(out.data, 0x07, out.len));
  assert_non_null(strstr(out.data, "\\u001b[2A"));
  assert_non_null(strstr(out.data, "bad\\xffname"));
  cd_buf_clear(&out);
  assert_int_equal(cd_check_write(c, CD_CHECK_JSON, &out, &err), CD_OK);
  assert_true(cd_utf8_is_valid(out.data, out.len));
  json_object *j = json_tokener_parse(out.data);
  assert_non_null(j);
  json_object_put(j);
  cd_buf_clear(&out);
  assert_int_equal(cd_check_write(c, CD_CHECK_HTML, &out, &err), CD_OK);
  assert_true(cd_utf8_is_valid(out.data, out.len));
  assert_null(memchr(out.data, 0x1B, out.len));
  cd_buf_free(&out);
  cd_checker_free(c);
}

/* BUG-12: a walked batch with symlink loops, a FIFO and a link to a device ends, skipping
 * them with a warning each. */
static void test_walk_skips_loops_and_fifos(void **state) {
  (void)state;
  const char *b = cdt_tmpfile("batch");
  char p[4200];
  mkdir(b, 0755);
  snprintf(p, sizeof p, "%s/a-en.txt", b);
  cdt_write_file(p, "One  two.\n", 10);
  snprintf(p, sizeof p, "%s/l1", b);
  assert_int_equal(symlink(".", p), 0);
  snprintf(p, sizeof p, "%s/l2", b);
  assert_int_equal(symlink(".", p), 0);
  snprintf(p, sizeof p, "%s/pipe", b);
  assert_int_equal(mkfifo(p, 0644), 0);
  snprintf(p, sizeof p, "%s/zero", b);
  assert_int_equal(symlink("/dev/zero", p), 0);
  const char *argv[] = {"copydesk", "check", "--no-names", b, NULL};
  cd_buf out = CD_BUF_INIT, er = CD_BUF_INIT;
  int rc = cdt_run(argv, NULL, 0, &out, &er);
  assert_int_equal(rc, 0);
  assert_int_equal(cdt_count_lines(out.data, out.len), 1); /* a-en.txt once */
  assert_non_null(strstr(er.data, "pipe': not a regular file"));
  assert_non_null(strstr(er.data, "zero': not a regular file"));
  assert_non_null(strstr(er.data, "l1': a directory already walked"));
  cd_buf_free(&out);
  cd_buf_free(&er);
}

/* A CMS's metadata JSON found in a walked batch is no pairs file: skipped with a warning
 * naming it, the articles still checked; named on the command line, it stays an error. */
static void test_walk_skips_json_that_is_not_pairs(void **state) {
  (void)state;
  const char *b = cdt_tmpfile("batch-meta");
  char p[4200], meta[4200];
  mkdir(b, 0755);
  snprintf(p, sizeof p, "%s/a-en.txt", b);
  cdt_write_file(p, "One  two.\n", 10);
  snprintf(meta, sizeof meta, "%s/story.meta.json", b);
  const char js[] = "{\"id\": \"story-1\", \"section\": \"world\", \"tags\": [\"x\"]}\n";
  cdt_write_file(meta, js, sizeof js - 1);
  const char *argv[] = {"copydesk", "check", "--no-names", b, NULL};
  cd_buf out = CD_BUF_INIT, er = CD_BUF_INIT;
  int rc = cdt_run(argv, NULL, 0, &out, &er);
  assert_int_equal(rc, 0);
  assert_int_equal(cdt_count_lines(out.data, out.len), 1); /* the double space of a-en.txt */
  assert_non_null(strstr(out.data, "a-en.txt"));
  assert_non_null(strstr(er.data, "warning: skipping"));
  assert_non_null(strstr(er.data, "story.meta.json"));
  /* a directory named with its trailing slash: its files are "DIR/a-en.txt", not "DIR//…" */
  char slash[4200];
  snprintf(slash, sizeof slash, "%s/", b);
  const char *sl[] = {"copydesk", "check", "--no-names", slash, NULL};
  assert_int_equal(cdt_run(sl, NULL, 0, &out, &er), 0);
  assert_non_null(strstr(out.data, "batch-meta/a-en.txt:1:"));
  assert_null(strstr(out.data, "//"));
  cd_buf_free(&out);
  cd_buf_free(&er);
  const char *named[] = {"copydesk", "check", "--no-names", meta, NULL};
  rc = cdt_run(named, NULL, 0, &out, &er);
  assert_int_equal(rc, 2);
  assert_non_null(strstr(er.data, "story.meta.json"));
  assert_null(strstr(er.data, "skipping"));
  cd_buf_free(&out);
  cd_buf_free(&er);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_long_line_findings_are_bounded),
      cmocka_unit_test(test_bom_glossary_and_hash_pairs),
      cmocka_unit_test(test_nul_in_pairs),
      cmocka_unit_test(test_glossary_directory_or_missing),
      cmocka_unit_test(test_empty_data_dir),
      cmocka_unit_test(test_reports_escape_controls_and_bad_names),
      cmocka_unit_test(test_walk_skips_loops_and_fifos),
      cmocka_unit_test(test_walk_skips_json_that_is_not_pairs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
