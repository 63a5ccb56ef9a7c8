/* SPDX-License-Identifier: MIT */
/* TMX import on hostile files: comments and PIs are skipped (and capped), the attribute guard
 * reads the internal subset's comments, entities are refused in attributes and declarations,
 * errors raised by the store name the TMX file and line, blank segments are not units. */
#include "cd_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cd_tm_store.h"
#include "cd_tmx.h"

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define TMX_OPEN                                                                                   \
  "<tmx version=\"1.4\"><header creationtool=\"x\" creationtoolversion=\"1\" "                     \
  "segtype=\"sentence\" o-tmf=\"x\" adminlang=\"en\" srclang=\"en\" datatype=\"plaintext\"/>"      \
  "<body>\n"
#define TU(a, b)                                                                                   \
  "<tu><tuv xml:lang=\"en\"><seg>" a "</seg></tuv><tuv xml:lang=\"fr\"><seg>" b "</seg></tuv>"     \
  "</tu>\n"
#define TMX_CLOSE "</body></tmx>\n"

/* Writes text as NAME.tmx, imports it into a fresh TM; returns the status, err filled. */
static cd_status import_text(const char *name, const char *text, size_t len, cd_tmx_counts *c,
                             cd_error *err) {
  char file[128];
  snprintf(file, sizeof file, "%s.tmx", name);
  const char *p = cdt_tmpfile(file);
  cdt_write_file(p, text, len);
  snprintf(file, sizeof file, "%s.sqlite", name);
  cd_tm_store *s = cdt_tm_fresh(file);
  cd_error_clear(err);
  cd_status st = cd_tmx_import(s, p, NULL, c, err);
  cd_tm_store_free(s);
  return st;
}

static void expect_message(const cd_error *err, const char *a, const char *b) {
  if (!strstr(err->message, a) || (b && !strstr(err->message, b)))
    fail_msg("expected '%s' and '%s' in: %s", a, b ? b : "", err->message);
}

/* BUG-6: a run of comments is not kept; more than the cap is refused fast. */
static void test_comment_bomb_refused(void **state) {
  (void)state;
  cd_buf b = CD_BUF_INIT;
  assert_int_equal(cd_buf_append_str(&b, HEAD TMX_OPEN), CD_OK);
  char *big = malloc(100001);
  assert_non_null(big);
  memset(big, 'a', 100000);
  big[100000] = '\0';
  for (int i = 0; i < 50; i++) {
    assert_int_equal(cd_buf_append_str(&b, i % 2 ? "<!--" : "<?pi "), CD_OK);
    assert_int_equal(cd_buf_append_str(&b, big), CD_OK);
    assert_int_equal(cd_buf_append_str(&b, i % 2 ? "-->\n" : "?>\n"), CD_OK);
  }
  free(big);
  assert_int_equal(cd_buf_append_str(&b, TU("a", "b") TMX_CLOSE), CD_OK);
  cd_error err;
  assert_int_equal(import_text("cbomb", b.data, b.len, NULL, &err), CD_ERR_INPUT);
  expect_message(&err, "cbomb.tmx:", "comments and processing instructions");
  cd_buf_free(&b);
}

/* Comments and PIs anywhere are skipped; the XML declaration stays; lines stay the file's. */
static void test_comments_skipped_lines_kept(void **state) {
  (void)state;
  const char ok[] =
      "\xEF\xBB\xBF" HEAD "<!-- prolog\n-->\n<?pi a\n?>\n"
      "<!DOCTYPE tmx [ <!-- it's \"odd\n" /* quotes in a subset comment */
      "--> <?pi ' ?> ]>\n" TMX_OPEN
      "<!-- one\ntwo\n-->\n" TU("Ferry <!-- not text --> left.", "Le ferry est parti.") TMX_CLOSE;
  cd_tmx_counts c;
  cd_error err;
  assert_int_equal(import_text("cok", ok, sizeof ok - 1, &c, &err), CD_OK);
  assert_int_equal(c.added, 1);
  /* An error after multi-line comments names the line of the file. */
  const char bad[] =
      HEAD "<!-- a\nb\nc -->\n" TMX_OPEN "<!-- d\ne -->\n<tu></tuv></tu>\n" TMX_CLOSE;
  assert_int_equal(import_text("cline", bad, sizeof bad - 1, NULL, &err), CD_ERR_INPUT);
  expect_message(&err, "cline.tmx:8:", "mismatch");
}

/* BUG-7: an apostrophe in a comment of the internal subset does not blind the guard. */
static void test_attribute_guard_after_doctype_comment(void **state) {
  (void)state;
  const char *doctypes[] = {"<!DOCTYPE tmx [ <!-- it's a comment --> ]>\n",
                            "<!DOCTYPE tmx [ <?pi it's a PI?> ]>\n",
                            "<!DOCTYPE tmx [ <!ELEMENT tmx ANY> <!-- \" --> ]>\n"};
  for (size_t k = 0; k < sizeof doctypes / sizeof doctypes[0]; k++) {
    cd_buf b = CD_BUF_INIT;
    assert_int_equal(cd_buf_append_str(&b, HEAD), CD_OK);
    assert_int_equal(cd_buf_append_str(&b, doctypes[k]), CD_OK);
    assert_int_equal(cd_buf_append_str(&b, TMX_OPEN "<tu"), CD_OK);
    for (int i = 0; i <= CD_TMX_MAX_ATTRS; i++)
      assert_int_equal(cd_buf_appendf(&b, " a%d=\"v\"", i), CD_OK);
    assert_int_equal(
        cd_buf_append_str(&b, "><tuv xml:lang=\"en\"><seg>a</seg></tuv><tuv xml:lang=\"fr\"><seg>b"
                              "</seg></tuv></tu>\n" TMX_CLOSE),
        CD_OK);
    cd_error err;
    assert_int_equal(import_text("guard", b.data, b.len, NULL, &err), CD_ERR_INPUT);
    expect_message(&err, "guard.tmx:4:", "attributes");
    cd_buf_free(&b);
  }
}

/* BUG-8: entity declarations are refused, and references in attribute values too. */
static void test_entities_in_attributes_refused(void **state) {
  (void)state;
  const char decl[] = HEAD "<!DOCTYPE tmx [<!ENTITY l \"fr\">]>\n" TMX_OPEN
                           "<tu><tuv xml:lang=\"en\"><seg>a</seg></tuv><tuv xml:lang=\"&l;\">"
                           "<seg>b</seg></tuv></tu>\n" TMX_CLOSE;
  cd_error err;
  assert_int_equal(import_text("edecl", decl, sizeof decl - 1, NULL, &err), CD_ERR_INPUT);
  expect_message(&err, "edecl.tmx:2:", "entity declaration refused");
  const char pe[] = HEAD "<!DOCTYPE tmx [\n<!ENTITY % p \"x\">]>\n" TMX_OPEN TU("a", "b") TMX_CLOSE;
  assert_int_equal(import_text("epe", pe, sizeof pe - 1, NULL, &err), CD_ERR_INPUT);
  expect_message(&err, "epe.tmx:3:", "entity declaration refused");
  /* Declared in an external DTD (never read): the reference stays a node, and is refused. */
  const char ext[] = HEAD "<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">\n" TMX_OPEN
                          "<tu usagecount=\"&q;\"><tuv xml:lang=\"en\"><seg>a</seg></tuv>"
                          "<tuv xml:lang=\"fr\"><seg>b</seg></tuv></tu>\n" TMX_CLOSE;
  assert_int_equal(import_text("eext", ext, sizeof ext - 1, NULL, &err), CD_ERR_INPUT);
  expect_message(&err, "eext.tmx:", "'&q;' refused");
  const char lang[] = HEAD "<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">\n" TMX_OPEN
                           "<tu><tuv xml:lang=\"en\"><seg>a</seg></tuv>\n<tuv xml:lang=\"&l;\">"
                           "<seg>b</seg></tuv></tu>\n" TMX_CLOSE;
  assert_int_equal(import_text("elang", lang, sizeof lang - 1, NULL, &err), CD_ERR_INPUT);
  expect_message(&err, "elang.tmx:5:", "ntity");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_comment_bomb_refused),
      cmocka_unit_test(test_comments_skipped_lines_kept),
      cmocka_unit_test(test_attribute_guard_after_doctype_comment),
      cmocka_unit_test(test_entities_in_attributes_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
