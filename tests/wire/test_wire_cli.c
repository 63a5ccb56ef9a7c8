/* SPDX-License-Identifier: MIT */
/* End-to-end: copydesk normalize on wire documents. */
#include "cd_test.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *fx(const char *name) {
  static char p[4][512];
  static int slot;
  char rel[256];
  snprintf(rel, sizeof rel, "wire/%s", name);
  slot = (slot + 1) % 4;
  snprintf(p[slot], sizeof p[slot], "%s", cdt_fixture(rel));
  return p[slot];
}

static void test_normalize_g2(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *a[] = {"copydesk", "normalize", "-v", fx("g2-xhtml.xml"), NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 0);
  assert_non_null(strstr(out.data, "<headline>Ferry crews \xE2\x80\x9Cwalk out\xE2\x80\x9D as"));
  assert_non_null(strstr(out.data, "<keyword rank=\"1\">\"harbour\" - ferry</keyword>"));
  assert_non_null(strstr(out.data, "xmlns=\"http://iptc.org/std/nar/2006-10-01/\""));
  assert_non_null(strstr(err.data, "language en (document)"));
  /* forced to text, the file is prose as before (the declaration's quotes are curled) */
  const char *t[] = {"copydesk", "normalize", "--input-format",   "text",
                     "-l",       "en",        fx("g2-xhtml.xml"), NULL};
  assert_int_equal(cdt_run(t, NULL, 0, &out, &err), 0);
  assert_non_null(strstr(out.data, "version=\xE2\x80\x9C"
                                   "1.0\xE2\x80\x9D"));
  /* standard input is detected too */
  cd_buf in = CD_BUF_INIT;
  cdt_read_file(fx("nitf-crlf.xml"), &in);
  const char *s[] = {"copydesk", "normalize", "-l", "en", NULL};
  assert_int_equal(cdt_run(s, in.data, in.len, &out, &err), 0);
  assert_non_null(strstr(out.data, "<hl2>Boat ramps closed \xE2\x80\x94 marinas"));
  assert_non_null(strstr(out.data, "\r\n"));
  cd_buf_free(&in);
  cd_buf_free(&out);
  cd_buf_free(&err);
}

static void test_changes_and_files(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT, raw = CD_BUF_INIT, res = CD_BUF_INIT;
  const char *o = cdt_tmpfile("latin1-out.xml");
  const char *a[] = {"copydesk", "normalize", "-o", o, "--changes", "-", fx("newsml1-latin1.xml"),
                     NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 0);
  cdt_read_file(fx("newsml1-latin1.xml"), &raw);
  cdt_read_file(o, &res);
  assert_non_null(strstr(res.data, "encoding=\"iso-8859-1\""));
  assert_non_null(strstr(res.data, "l&#x2019;affirment"));
  /* the first record's offsets: the original file and the output */
  const char *ins = strstr(out.data, "\"in_start\":");
  assert_non_null(ins);
  unsigned long long is = strtoull(ins + 11, NULL, 10);
  unsigned long long ie = strtoull(strstr(ins, "\"in_end\":") + 9, NULL, 10);
  assert_true(ie <= raw.len && is < ie);
  assert_non_null(strstr(out.data, "\"stage\":\"typography\""));
  cd_buf_free(&raw);
  cd_buf_free(&res);
  cd_buf_free(&out);
  cd_buf_free(&err);
}

/* --from names the file's charset: the prose, converted once, is not decoded again (it came
 * out as "\x93b&#xFFFFFFFF;b&#xFFFD;") */
static void test_from_charset_once(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *a[] = {
      "copydesk", "normalize", "-l", "en", "--from", "windows-1252", fx("cp1252-page.html"), NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 0);
  assert_non_null(strstr(out.data, "<p>The captain said \x93we are ready\x94 \x97 and left.</p>"));
  assert_null(strstr(out.data, "&#x"));
  const char *t[] = {"copydesk", "normalize", "--text", "-l",
                     "en",       "--from",    "cp1252", fx("cp1252-page.html"),
                     NULL};
  assert_int_equal(cdt_run(t, NULL, 0, &out, &err), 0);
  assert_string_equal(out.data, "Ferry news\nThe captain said \xE2\x80\x9Cwe are ready\xE2\x80\x9D "
                                "\xE2\x80\x94 and left.\n");
  cd_buf_free(&out);
  cd_buf_free(&err);
}

static void test_bad_input_exit_2(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  static const struct {
    const char *file, *says;
  } cases[] = {{"bad-malformed.xml", "bad-malformed.xml:5: malformed XML"},
               {"bad-root.xml", "bad-root.xml:2: unknown root <rss>"},
               {"bad-entity.xml", "bad-entity.xml:3: entity declaration refused"},
               {"bad-extref.xml", "bad-extref.xml:5: malformed XML"}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *o = cdt_tmpfile("never-written.xml");
    unlink(o);
    const char *a[] = {"copydesk", "normalize", "-o", o, fx(cases[i].file), NULL};
    assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 2);
    if (!strstr(err.data, cases[i].says))
      fail_msg("%s: stderr '%s'", cases[i].file, err.data);
    struct stat st;
    assert_int_not_equal(stat(o, &st), 0); /* never half-written output */
  }
  const char *b[] = {"copydesk", "normalize", "--input-format", "docx", fx("g2-nitf.xml"), NULL};
  assert_int_equal(cdt_run(b, NULL, 0, &out, &err), 2);
  assert_non_null(strstr(err.data, "--input-format"));
  const char *n[] = {"copydesk", "normalize", "--output-format", "nitf", fx("g2-nitf.xml"), NULL};
  assert_int_equal(cdt_run(n, NULL, 0, &out, &err), 2);
  assert_non_null(strstr(err.data, "--output-format nitf is for ANPA input"));
  const char *na[] = {"copydesk", "normalize",         "--output-format",
                      "nitf",     fx("anpa-take.tst"), NULL};
  assert_int_equal(cdt_run(na, NULL, 0, &out, &err), 0);
  assert_non_null(strstr(out.data, "<nitf version="));
  /* ANPA's conventions are logged as read (`` at the file's bytes 102-104), and typography's
   * record starts from the straight quote they became */
  const char *nd[] = {"copydesk", "normalize", "-l", "en", "--dry-run", fx("anpa-take.tst"), NULL};
  assert_int_equal(cdt_run(nd, NULL, 0, &out, &err), 0);
  assert_non_null(
      strstr(out.data, "\"rule\":\"decode.anpa-quote\",\"in_start\":102,\"in_end\":104"));
  assert_non_null(strstr(out.data, "\"before\":\"``\",\"after\":\"\\\"\""));
  assert_non_null(strstr(out.data, "\"rule\":\"decode.anpa-dash\""));
  assert_non_null(strstr(out.data, "\"rule\":\"typography.quote\",\"in_start\":102"));
  /* --strict: bytes that are not the declared UTF-8 are an error, not repaired */
  const char *st[] = {"copydesk", "normalize", "--strict", fx("nitf-cp1252-in-utf8.xml"), NULL};
  assert_int_equal(cdt_run(st, NULL, 0, &out, &err), 2);
  assert_non_null(strstr(err.data, "nitf-cp1252-in-utf8.xml:"));
  const char *h[] = {"copydesk", "normalize", "--help", NULL};
  assert_int_equal(cdt_run(h, NULL, 0, &out, &err), 0);
  assert_non_null(strstr(out.data, "--input-format FMT"));
  cd_buf_free(&out);
  cd_buf_free(&err);
}

static void test_other_commands(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  /* check: findings point to the line and column in the original file */
  const char *c[] = {"copydesk", "check", "-l", "en", fx("check-nitf.xml"), NULL};
  assert_int_equal(cdt_run(c, NULL, 0, &out, &err), 0);
  assert_non_null(strstr(out.data, "check-nitf.xml:5:28: warning: text.doubled-word: 'vote'"));
  assert_non_null(strstr(out.data, "check-nitf.xml:8:27: warning: text.unbalanced"));
  const char *a[] = {"copydesk", "check", "-l", "en", fx("anpa-take.tst"), fx("ninjs-story.json"),
                     NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 0); /* ninjs .json: an article, not pairs */
  /* ninjs: the line of the field, the column through the string's escapes (\u00e9, \", \n) */
  const char *nj[] = {"copydesk", "check", fx("check-ninjs.json"), NULL};
  assert_int_equal(cdt_run(nj, NULL, 0, &out, &err), 0);
  assert_non_null(strstr(out.data, "check-ninjs.json:5:28: warning: text.doubled-word: 'vote'"));
  assert_non_null(strstr(out.data, "check-ninjs.json:7:106: warning: text.doubled-word: 'on'"));
  assert_non_null(strstr(out.data, "check-ninjs.json:11:30: warning: text.doubled-word: 'the'"));
  assert_int_equal(cdt_count_lines(out.data, out.len), 3); /* the keywords are not prose */
  const char *b[] = {"copydesk", "check", fx("bad-malformed.xml"), NULL};
  assert_int_equal(cdt_run(b, NULL, 0, &out, &err), 2);
  assert_non_null(strstr(err.data, "bad-malformed.xml:5: malformed XML"));
  /* segment and normalize --text: the prose, one paragraph a line */
  const char *s[] = {"copydesk", "segment", "-l", "fr", fx("g2-nitf.xml"), NULL};
  assert_int_equal(cdt_run(s, NULL, 0, &out, &err), 0);
  assert_non_null(strstr(out.data, "Les syndicats ont appel\xC3\xA9 \xC3\xA0 \"poursuivre"));
  assert_null(strstr(out.data, "<"));
  const char *t[] = {"copydesk", "normalize", "--text", fx("nitf-crlf.xml"), NULL};
  assert_int_equal(cdt_run(t, NULL, 0, &out, &err), 0);
  assert_non_null(
      strstr(out.data, "Lake levels \xE2\x80\x9Clowest in decades\xE2\x80\x9D after dry spring\n"));
  assert_non_null(strstr(out.data, "61. \xE2\x80\x9CWe\xE2\x80\x99re hauling"));
  assert_null(strstr(out.data, "<"));
  /* align: an article and its translation, each in any format */
  const char *al[] = {"copydesk",
                      "align",
                      "--format",
                      "tsv",
                      "--src-lang",
                      "en",
                      "--tgt-lang",
                      "fr",
                      fx("g2-xhtml.xml"),
                      fx("g2-nitf.xml"),
                      NULL};
  assert_int_equal(cdt_run(al, NULL, 0, &out, &err), 0);
  assert_non_null(strstr(out.data, "Les syndicats"));
  assert_null(strstr(out.data, "<p>"));
  cd_buf_free(&out);
  cd_buf_free(&err);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_normalize_g2),      cmocka_unit_test(test_changes_and_files),
      cmocka_unit_test(test_from_charset_once), cmocka_unit_test(test_bad_input_exit_2),
      cmocka_unit_test(test_other_commands),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
