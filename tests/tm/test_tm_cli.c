/* SPDX-License-Identifier: MIT */
/* End-to-end: copydesk tm import|export|add|stats|lookup|concord|migrate, exit codes, JSON.
 * The TMs are at cdt_tm_location: temporary files, or PostgreSQL databases when the test runs
 * in a throwaway cluster (tm_test_tm_cli_on_pg). */
#include "cd_test.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int run(const char *const *argv, cd_buf *out, cd_buf *err) {
  int rc = cdt_run(argv, NULL, 0, out, err);
  assert_int_equal(cd_buf_append(out, "", 0), CD_OK);
  assert_int_equal(cd_buf_append(err, "", 0), CD_OK);
  return rc;
}

static void test_add_lookup_concord_json(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  char tm[4200];
  snprintf(tm, sizeof tm, "%s", cdt_tm_location("cli"));
  const char *add[] = {"copydesk",
                       "tm",
                       "add",
                       "6,000 troops crossed the border on Monday.",
                       "6 000 soldats ont franchi la frontière lundi.",
                       "--src-lang",
                       "EN",
                       "--tgt-lang",
                       "FR",
                       "--tm",
                       tm,
                       NULL};
  assert_int_equal(run(add, &out, &err), 0);
  assert_string_equal(out.data, "added\n");
  assert_int_equal(run(add, &out, &err), 0);
  assert_string_equal(out.data, "merged with an existing unit\n");

  const char *look[] = {"copydesk", "tm", "lookup",   "5,000 troops crossed the border on Monday.",
                        "--tm",     tm,   "--format", "json",
                        NULL};
  assert_int_equal(run(look, &out, &err), 0);
  json_object *j = json_tokener_parse(out.data);
  assert_non_null(j);
  json_object *results, *first, *v;
  assert_true(json_object_object_get_ex(j, "results", &results));
  assert_int_equal(json_object_array_length(results), 1);
  first = json_object_array_get_idx(results, 0);
  assert_true(json_object_object_get_ex(first, "score", &v));
  assert_int_equal(json_object_get_int(v), 100);
  assert_true(json_object_object_get_ex(first, "adapted", &v));
  assert_true(json_object_get_boolean(v));
  assert_true(json_object_object_get_ex(first, "target", &v));
  assert_string_equal(json_object_get_string(v), "5 000 soldats ont franchi la frontière lundi.");
  assert_true(json_object_object_get_ex(first, "src_lang", &v));
  assert_string_equal(json_object_get_string(v), "en");
  json_object_put(j);

  /* Text output; nothing found → exit 1. */
  const char *look_text[] = {"copydesk", "tm", "lookup", "troops crossed the border", "--min", "40",
                             "--tm",     tm,   NULL};
  assert_int_equal(run(look_text, &out, &err), 0);
  assert_non_null(strstr(out.data, "% "));
  const char *none[] = {"copydesk", "tm", "lookup", "The orchestra cancelled its tour.",
                        "--tm",     tm,   NULL};
  assert_int_equal(run(none, &out, &err), 1);
  assert_int_equal(out.len, 0);

  /* Concordance, not a terminal: [[ ]] markers. */
  const char *conc[] = {"copydesk", "tm", "concord", "Frontière", "--tm", tm, NULL};
  assert_int_equal(run(conc, &out, &err), 0);
  assert_non_null(strstr(out.data, "ont franchi la [[frontière]] lundi."));
  assert_null(strstr(out.data, "\033["));
  const char *conc_json[] = {"copydesk", "tm",       "concord", "troops", "--tm",
                             tm,         "--format", "json",    NULL};
  assert_int_equal(run(conc_json, &out, &err), 0);
  j = json_tokener_parse(out.data);
  assert_non_null(j);
  assert_true(json_object_object_get_ex(j, "results", &results));
  first = json_object_array_get_idx(results, 0);
  assert_true(json_object_object_get_ex(first, "source_spans", &v));
  json_object *span = json_object_array_get_idx(v, 0);
  assert_int_equal(json_object_get_int(json_object_array_get_idx(span, 0)), 6);
  assert_int_equal(json_object_get_int(json_object_array_get_idx(span, 1)), 12);
  json_object_put(j);
  const char *conc_none[] = {"copydesk", "tm", "concord", "submarine", "--tm", tm, NULL};
  assert_int_equal(run(conc_none, &out, &err), 1);

  const char *stats[] = {"copydesk", "tm", "stats", "--tm", tm, "--format", "json", NULL};
  assert_int_equal(run(stats, &out, &err), 0);
  assert_non_null(strstr(out.data, "\"units\":1"));
  assert_non_null(strstr(out.data, "\"src_lang\":\"en\",\"tgt_lang\":\"fr\""));
  cd_buf_free(&out);
  cd_buf_free(&err);
}

static void test_import_export_cycle(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT, tmx = CD_BUF_INIT;
  char tm[4200];
  snprintf(tm, sizeof tm, "%s", cdt_tm_location("cycle"));
  const char *imp[] = {"copydesk", "tm", "import", cdt_fixture("tm/tags-14.tmx"), "--tm", tm, NULL};
  assert_int_equal(run(imp, &out, &err), 0);
  assert_non_null(strstr(out.data, "3 units added"));
  /* TSV: languages from the file name. */
  const char *tsv[] = {"copydesk", "tm", "import", cdt_fixture("tm/news.en-fr.tsv"),
                       "--tm",     tm,   NULL};
  assert_int_equal(run(tsv, &out, &err), 0);
  assert_non_null(strstr(out.data, "2 units added"));
  const char *path = cdt_tmpfile("cycle-out.tmx");
  const char *exp[] = {"copydesk", "tm",         "export", "-o",   path, "--src-lang",
                       "en",       "--tgt-lang", "fr",     "--tm", tm,   NULL};
  assert_int_equal(run(exp, &out, &err), 0);
  cdt_read_file(path, &tmx);
  assert_non_null(strstr(tmx.data, "Le ferry a quitté Douvres à midi."));
  assert_null(strstr(tmx.data, "de-de")); /* filtered to en → fr */
  /* Bad TMX: exit 2, file and line named, TM unchanged. */
  const char *bad[] = {"copydesk", "tm", "import", cdt_fixture("tm/truncated.tmx"),
                       "--tm",     tm,   NULL};
  assert_int_equal(run(bad, &out, &err), 2);
  assert_non_null(strstr(err.data, "truncated.tmx:11:"));
  assert_non_null(strstr(err.data, "unchanged"));
  const char *stats[] = {"copydesk", "tm", "stats", "--tm", tm, NULL};
  assert_int_equal(run(stats, &out, &err), 0);
  assert_non_null(strstr(out.data, "5 units"));
  cd_buf_free(&out);
  cd_buf_free(&err);
  cd_buf_free(&tmx);
}

static void test_usage_errors(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  char tm[4200];
  snprintf(tm, sizeof tm, "%s", cdt_tm_location("usage"));
  const char *a[] = {"copydesk", "tm", "lookup", "anything", "--tm", tm, NULL};
  assert_int_equal(run(a, &out, &err), 2);
  assert_true(strstr(err.data, "no TM at") || strstr(err.data, "no copydesk TM in this database"));
  const char *b[] = {"copydesk", "tm", "add", "only source", "--src-lang", "en", "--tm", tm, NULL};
  assert_int_equal(run(b, &out, &err), 2);
  const char *c[] = {"copydesk", "tm", "frobnicate", NULL};
  assert_int_equal(run(c, &out, &err), 2);
  const char *d[] = {"copydesk", "tm", "lookup", "x", "--min", "120", "--tm", tm, NULL};
  assert_int_equal(run(d, &out, &err), 2);
  assert_non_null(strstr(err.data, "--min"));
  const char *e[] = {"copydesk", "tm", "import", "pairs.tsv", "--tm", tm, NULL};
  assert_int_equal(run(e, &out, &err), 2);
  assert_non_null(strstr(err.data, "pairs.tsv"));
  /* neither options nor name: detected over each column, when detection is sure of both */
  char tm_path[4200], one[4200], cols[4200];
  snprintf(tm_path, sizeof tm_path, "%s", tm); /* cdt_tmpfile's buffer is reused */
  snprintf(one, sizeof one, "%s", cdt_tmpfile("one.tsv"));
  snprintf(cols, sizeof cols, "%s", cdt_tmpfile("memo.tsv"));
  cdt_write_file(one, "Kyiv\tKyjiw\n", 11);
  const char *g[] = {"copydesk", "tm", "import", one, "--tm", tm_path, NULL};
  assert_int_equal(run(g, &out, &err), 2);
  if (!strstr(err.data, "languages unknown (detected und and und)"))
    fail_msg("stderr: %s", err.data);
  const char *memo = "The talks went on for a second day.\tLes pourparlers ont continué une "
                     "deuxième journée.\nOfficials said the plan was agreed.\tLes "
                     "responsables ont dit que le plan était convenu.\n";
  cdt_write_file(cols, memo, strlen(memo));
  const char *i[] = {"copydesk", "tm", "import", cols, "--tm", tm_path, NULL};
  assert_int_equal(run(i, &out, &err), 0);
  assert_non_null(strstr(err.data, "languages en-fr (detected over each column)"));
  const char *f[] = {"copydesk", "tm", "lookup", "x", "--format", "yaml", "--tm", tm_path, NULL};
  assert_int_equal(run(f, &out, &err), 2);
  const char *h[] = {"copydesk", "help", "tm", NULL};
  assert_int_equal(run(h, &out, &err), 0);
  assert_non_null(strstr(out.data, "concord TERM"));
  /* migrate's options are in the table: in --help, refused elsewhere, both needed */
  assert_non_null(strstr(out.data, "      --from TM "));
  assert_non_null(strstr(out.data, "      --to TM "));
  const char *m1[] = {"copydesk", "tm", "import", cols, "--from", tm_path, NULL};
  assert_int_equal(run(m1, &out, &err), 2);
  assert_non_null(strstr(err.data, "--from and --to are for 'tm migrate' only"));
  const char *m2[] = {"copydesk", "tm", "migrate", "--from", tm_path, NULL};
  assert_int_equal(run(m2, &out, &err), 2);
  assert_non_null(strstr(err.data, "give --from TM and --to TM"));
  const char *m3[] = {"copydesk", "tm", "migrate", "--from", tm_path, "--tm", one, NULL};
  assert_int_equal(run(m3, &out, &err), 2);
  assert_non_null(strstr(err.data, "not --tm"));
  const char *m4[] = {"copydesk", "tm", "migrate", "--help", NULL};
  assert_int_equal(run(m4, &out, &err), 0);
  assert_non_null(strstr(out.data, "migrate --from TM --to TM"));
  cd_buf_free(&out);
  cd_buf_free(&err);
}

static void test_default_tm_location(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  char xdg[4200];
  snprintf(xdg, sizeof xdg, "%s/xdg-data", cdt_tmpdir());
  setenv("XDG_DATA_HOME", xdg, 1); /* inherited by the child process */
  const char *add[] = {"copydesk",
                       "tm",
                       "add",
                       "Snow closed the pass.",
                       "La neige a fermé le col.",
                       "--src-lang",
                       "en",
                       "--tgt-lang",
                       "fr",
                       NULL};
  assert_int_equal(run(add, &out, &err), 0);
  char path[4300];
  snprintf(path, sizeof path, "%s/copydesk/tm.sqlite", xdg);
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  cd_buf_free(&out);
  cd_buf_free(&err);
}

/* Text that XML 1.0 cannot carry never enters the TM, so every TM exports to valid TMX;
 * the header's segtype can say the units are paragraphs (found with OmegaT). */
static void test_xml_safe_units_and_segtype(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  char tm[4200];
  snprintf(tm, sizeof tm, "%s", cdt_tm_location("xmlsafe"));
  const char *a[] = {"copydesk",
                     "tm",
                     "add",
                     "--tm",
                     tm,
                     "--src-lang",
                     "en",
                     "--tgt-lang",
                     "fr",
                     "Alarm\abell rang twice.",
                     "La sonnerie a retenti.",
                     NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 2);
  assert_non_null(strstr(err.data, "U+0007"));
  const char *tsv = cdt_tmpfile("ctl.en-fr.tsv");
  const char rows[] = "The port reopened.\tLe port a rouvert.\nA form\x0b"
                      "feed.\tUn saut.\n";
  cdt_write_file(tsv, rows, sizeof rows - 1);
  const char *b[] = {"copydesk", "tm", "import", "--tm", tm, tsv, NULL};
  assert_int_equal(cdt_run(b, NULL, 0, &out, &err), 2);
  assert_non_null(strstr(err.data, "ctl.en-fr.tsv:2:"));
  assert_non_null(strstr(err.data, "the TM is unchanged"));
  /* a NUL byte would cut the unit short in a C string: an error naming file and line
   * (hostile-use report, BUG-4); a BOM before the first unit is no part of it */
  const char nul[] =
      "\xEF\xBB\xBFThe port reopened.\tLe port a rouvert.\nA cut\0 unit.\tUne unit\xC3\xA9.\n";
  const char *tsv2 = cdt_tmpfile("nul.en-fr.tsv");
  cdt_write_file(tsv2, nul, sizeof nul - 1);
  const char *b2[] = {"copydesk", "tm", "import", "--tm", tm, tsv2, NULL};
  assert_int_equal(cdt_run(b2, NULL, 0, &out, &err), 2);
  assert_non_null(strstr(err.data, "nul.en-fr.tsv:2:"));
  assert_non_null(strstr(err.data, "NUL"));
  const char bom[] = "\xEF\xBB\xBFThe port reopened.\tLe port a rouvert.\n";
  cdt_write_file(tsv2, bom, sizeof bom - 1);
  assert_int_equal(cdt_run(b2, NULL, 0, &out, &err), 0);
  const char *q[] = {"copydesk",   "tm", "lookup",   "--tm", tm,
                     "--src-lang", "en", "--format", "json", "The port reopened.",
                     NULL};
  assert_int_equal(cdt_run(q, NULL, 0, &out, &err), 0);
  assert_non_null(strstr(out.data, "\"source\":\"The port reopened.\""));
  const char *c[] = {"copydesk",
                     "tm",
                     "add",
                     "--tm",
                     tm,
                     "--src-lang",
                     "en",
                     "--tgt-lang",
                     "fr",
                     "The port reopened on Monday.",
                     "Le port a rouvert lundi.",
                     NULL};
  assert_int_equal(cdt_run(c, NULL, 0, &out, &err), 0);
  const char *d[] = {"copydesk",  "tm",        "export", "--tm", tm,
                     "--segtype", "paragraph", "-o",     "-",    NULL};
  assert_int_equal(cdt_run(d, NULL, 0, &out, &err), 0);
  assert_non_null(strstr(out.data, "segtype=\"paragraph\""));
  const char *e[] = {"copydesk",  "tm",     "export", "--tm", tm,
                     "--segtype", "phrase", "-o",     "-",    NULL};
  assert_int_equal(cdt_run(e, NULL, 0, &out, &err), 2);
  cd_buf_free(&out);
  cd_buf_free(&err);
}

/* A TMX that libxml2 cannot convert (a declared UTF-7): the error names the file, and
 * nothing is printed but copydesk's own message (libxml2's generic handler is captured). */
static void test_encoding_error_is_ours(void **state) {
  (void)state;
  const char *tmx = cdt_tmpfile("utf7.tmx");
  const char doc[] = "<?xml version=\"1.0\" encoding=\"UTF-7\"?>\n<tmx\x01\x00<?xml?>\n";
  cdt_write_file(tmx, doc, sizeof doc - 1);
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  char tm[4200];
  snprintf(tm, sizeof tm, "%s", cdt_tm_location("utf7"));
  const char *a[] = {"copydesk", "tm", "import", "--tm", tm, tmx, NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 2);
  assert_int_equal(cdt_count_lines(err.data, err.len), 1);
  assert_true(strncmp(err.data, "copydesk: tm import: ", 21) == 0);
  assert_non_null(strstr(err.data, "utf7.tmx"));
  assert_non_null(strstr(err.data, "the TM is unchanged"));
  cd_buf_free(&out);
  cd_buf_free(&err);
}

/* tm migrate: a file into the TM under test and back into another file; a second run merges
 * everything (usage counts add up); the TM under test and the file back export the same. */
static void test_migrate_there_and_back(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT, a = CD_BUF_INIT, b = CD_BUF_INIT;
  char file[4200], back[4200], tm[4200];
  snprintf(file, sizeof file, "%s", cdt_tmpfile("mig-from.sqlite"));
  unlink(file);
  snprintf(back, sizeof back, "%s", cdt_tmpfile("mig-back.sqlite"));
  unlink(back);
  snprintf(tm, sizeof tm, "%s", cdt_tm_location("migrated"));
  const char *imp[] = {"copydesk", "tm", "import", cdt_fixture("tm/tags-14.tmx"),
                       "--tm",     file, NULL};
  assert_int_equal(run(imp, &out, &err), 0);
  const char *there[] = {"copydesk", "tm", "migrate", "--from", file, "--to", tm, NULL};
  assert_int_equal(run(there, &out, &err), 0);
  if (!strstr(err.data, "tm migrate: 3 units added, 0 merged with existing ones, 0 skipped"))
    fail_msg("stderr: %s", err.data);
  assert_int_equal(run(there, &out, &err), 0);
  assert_non_null(strstr(err.data, "0 units added, 3 merged with existing ones"));
  const char *again[] = {"copydesk", "tm", "migrate", "--from", tm, "--to", back, NULL};
  assert_int_equal(run(again, &out, &err), 0);
  assert_non_null(strstr(err.data, "3 units added"));
  const char *same[] = {"copydesk", "tm", "migrate", "--from", tm, "--to", tm, NULL};
  assert_int_equal(run(same, &out, &err), 2);
  assert_non_null(strstr(err.data, "the same TM"));
  const char *ea[] = {"copydesk", "tm", "export", "--tm", tm, "-o", "-", NULL};
  const char *eb[] = {"copydesk", "tm", "export", "--tm", back, "-o", "-", NULL};
  assert_int_equal(run(ea, &a, &err), 0);
  assert_int_equal(run(eb, &b, &err), 0);
  const char *ta = strstr(a.data, "<body>"), *tb = strstr(b.data, "<body>");
  assert_true(ta && tb);
  assert_string_equal(ta, tb);
  assert_non_null(strstr(tb, "usagecount=\"6\"")); /* 3, migrated twice */
  cd_buf_free(&out);
  cd_buf_free(&err);
  cd_buf_free(&a);
  cd_buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_add_lookup_concord_json),
      cmocka_unit_test(test_import_export_cycle),
      cmocka_unit_test(test_usage_errors),
      cmocka_unit_test(test_default_tm_location),
      cmocka_unit_test(test_xml_safe_units_and_segtype),
      cmocka_unit_test(test_encoding_error_is_ours),
      cmocka_unit_test(test_migrate_there_and_back),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
