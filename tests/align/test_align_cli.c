/* SPDX-License-Identifier: MIT */
/* End-to-end: copydesk align on fixture articles and presegmented files. */
#include "cd_test.h"

#include <stdlib.h>
#include <string.h>

static void test_align_articles_tsv(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  char *en = strdup(cdt_fixture("align/report-en.txt")); /* cdt_fixture's buffer is reused */
  const char *a[] = {"copydesk",   "align", "--src-lang", "en",
                     "--tgt-lang", "uk",    en,           cdt_fixture("align/report-uk.txt"),
                     NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 0);
  free(en);
  assert_int_equal(cdt_count_lines(out.data, out.len), 5);
  /* headline, then each sentence with its translation, indexes in the first columns */
  assert_true(strncmp(out.data, "0\t0\t", 4) == 0);
  assert_non_null(strstr(out.data, "1\t1\t"));
  assert_non_null(strstr(out.data, "Engineers restored electricity to 6,000 homes in Kharkiv on "
                                   "Tuesday.\tЕнергетики у вівторок повернули електрику в 6 000 "
                                   "домівок у Харкові.\n"));
  assert_non_null(strstr(out.data, "4\t4\t"));
  assert_non_null(strstr(out.data, "President Zelenskyy said the repairs took 14 hours.\t"
                                   "Президент Зеленський сказав, що ремонт тривав 14 годин."));
  cd_buf_free(&out);
  cd_buf_free(&err);
}

static void test_align_presegmented_json(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *src = cdt_tmpfile("story-en.txt");
  const char *tgt = cdt_tmpfile("story-fr.txt");
  const char s[] = "The bridge reopened on Friday.\nIt had been closed for 18 months.\n"
                   "Only the English text has this line about cycling lanes and parking.\n";
  const char t[] = "Le pont a rouvert vendredi.\nIl était fermé depuis 18 mois.\n";
  cdt_write_file(src, s, sizeof s - 1);
  cdt_write_file(tgt, t, sizeof t - 1);
  /* languages from the file names */
  const char *a[] = {"copydesk", "align", "--presegmented", "--format", "json", src, tgt, NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 0);
  assert_true(out.data[0] == '[');
  assert_non_null(strstr(out.data, "{\"src\":[1],\"tgt\":[1],\"score\":"));
  assert_non_null(strstr(out.data, "\"src_text\":\"It had been closed for 18 months.\","
                                   "\"tgt_text\":\"Il était fermé depuis 18 mois.\"}"));
  assert_non_null(strstr(out.data, "{\"src\":[2],\"tgt\":[],\"score\":0.000,\"weak\":true"));
  /* presegmented, the languages still come from the file names into the TMX (they were
   * "und") */
  const char *x[] = {"copydesk", "align", "--presegmented", "--format", "tmx", src, tgt, NULL};
  assert_int_equal(cdt_run(x, NULL, 0, &out, &err), 0);
  assert_non_null(strstr(out.data, "<tu srclang=\"en\""));
  assert_non_null(strstr(out.data, "<tuv xml:lang=\"fr\">"));
  assert_null(strstr(out.data, "und"));
  /* --min-score drops the weak deletion */
  const char *b[] = {"copydesk", "align", "--presegmented", "--min-score", "0.2", src, tgt, NULL};
  assert_int_equal(cdt_run(b, NULL, 0, &out, &err), 0);
  assert_int_equal(cdt_count_lines(out.data, out.len), 2);
  assert_null(strstr(out.data, "cycling"));
  cd_buf_free(&out);
  cd_buf_free(&err);
}

static void test_align_errors(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *fx = cdt_fixture("align/report-en.txt");
  const char *a[] = {"copydesk", "align", fx, "missing-translation-uk.txt", NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 2);
  assert_non_null(strstr(err.data, "missing-translation-uk.txt"));
  const char *b[] = {"copydesk", "align", fx, NULL};
  assert_int_equal(cdt_run(b, NULL, 0, &out, &err), 2);
  const char *c[] = {"copydesk", "align", "--format", "xml", fx, fx, NULL};
  assert_int_equal(cdt_run(c, NULL, 0, &out, &err), 2);
  const char *f[] = {"copydesk", "align", "--min-score", "1.5", fx, fx, NULL};
  assert_int_equal(cdt_run(f, NULL, 0, &out, &err), 2);
  const char *bad = cdt_tmpfile("bad-en.txt");
  cdt_write_file(bad, "Fine.\nBroken \xC0 here.\n", 20);
  const char *g[] = {"copydesk", "align", "--presegmented", bad, fx, NULL};
  assert_int_equal(cdt_run(g, NULL, 0, &out, &err), 2);
  assert_non_null(strstr(err.data, "byte 13"));
  const char *h[] = {"copydesk", "align", "--help", NULL};
  assert_int_equal(cdt_run(h, NULL, 0, &out, &err), 0);
  assert_non_null(strstr(out.data, "--presegmented"));
  cd_buf_free(&out);
  cd_buf_free(&err);
}

/* Beads into a TM (one transaction, merged on a re-run) and as TMX. */
static void test_align_into_tm_and_tmx(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  char en[4200], uk[4200];
  snprintf(en, sizeof en, "%s", cdt_fixture("align/report-en.txt"));
  snprintf(uk, sizeof uk, "%s", cdt_fixture("align/report-uk.txt"));
  const char *tm = cdt_tmpfile("aligned.sqlite");
  const char *a[] = {"copydesk", "align", "--src-lang", "en", "--tgt-lang", "uk",
                     "--tm",     tm,      "-v",         en,   uk,           NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 0);
  assert_non_null(strstr(err.data, "5 units added, 0 merged"));
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 0);
  assert_non_null(strstr(err.data, "0 units added, 5 merged"));
  const char *q[] = {
      "copydesk", "tm",
      "lookup",   "--tm",
      tm,         "--format",
      "json",     "Engineers restored electricity to 6,000 homes in Kharkiv on Tuesday.",
      NULL};
  assert_int_equal(cdt_run(q, NULL, 0, &out, &err), 0);
  assert_non_null(strstr(out.data, "6 000"));
  const char *x[] = {"copydesk", "align", "--src-lang", "en", "--tgt-lang", "uk",
                     "--format", "tmx",   en,           uk,   NULL};
  assert_int_equal(cdt_run(x, NULL, 0, &out, &err), 0);
  assert_non_null(strstr(out.data, "<tmx version=\"1.4\">"));
  size_t tus = 0;
  for (const char *p = strstr(out.data, "<tu "); p; p = strstr(p + 1, "<tu "))
    tus++;
  assert_int_equal(tus, 5);
  assert_non_null(
      strstr(out.data, "<seg>President Zelenskyy said the repairs took 14 hours.</seg>"));
  /* a TM path under a regular file cannot be created: clear error, exit 2 */
  const char *plain = cdt_tmpfile("plain-file");
  cdt_write_file(plain, "x", 1);
  char badtm[4300];
  snprintf(badtm, sizeof badtm, "%s/tm.sqlite", plain);
  const char *bad[] = {"copydesk", "align", "--src-lang", "en", "--tgt-lang", "uk",
                       "--tm",     badtm,   en,           uk,   NULL};
  assert_int_equal(cdt_run(bad, NULL, 0, &out, &err), 2);
  assert_non_null(strstr(err.data, "plain-file/tm.sqlite"));
  cd_buf_free(&out);
  cd_buf_free(&err);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_align_articles_tsv), cmocka_unit_test(test_align_presegmented_json),
      cmocka_unit_test(test_align_errors), cmocka_unit_test(test_align_into_tm_and_tmx)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
