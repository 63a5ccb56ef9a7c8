/* SPDX-License-Identifier: MIT */
/* End-to-end: copydesk segment. */
#include "cd_test.h"

#include <string.h>

static void test_segment_file(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *a[] = {"copydesk", "segment", cdt_fixture("segment/wire-en.txt"), NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 0);
  cd_buf want = CD_BUF_INIT;
  cdt_read_file(cdt_fixture("segment/wire-en.expected"), &want);
  assert_string_equal(out.data, want.data);
  cd_buf_free(&want);
  cd_buf_free(&out);
  cd_buf_free(&err);
}

static void test_segment_stdin_lang_and_paragraphs(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char in[] = "\xEF\xBB\xBFПроф. Іваненко прийшла. Всі встали.\n\nДалі.\n";
  const char *a[] = {"copydesk", "segment", "-l", "uk", "--paragraphs", NULL};
  assert_int_equal(cdt_run(a, in, sizeof in - 1, &out, &err), 0);
  assert_string_equal(out.data, "Проф. Іваненко прийшла.\nВсі встали.\n\nДалі.\n");
  cd_buf_free(&out);
  cd_buf_free(&err);
}

static void test_segment_errors(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *a[] = {"copydesk", "segment", "-l", "en", "no-such-article.txt", NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 2);
  assert_non_null(strstr(err.data, "no-such-article.txt"));
  const char bad[] = "Good line.\nBad \xFF byte.\n";
  const char *b[] = {"copydesk", "segment", "-l", "en", NULL};
  assert_int_equal(cdt_run(b, bad, sizeof bad - 1, &out, &err), 2);
  assert_non_null(strstr(err.data, "<stdin>"));
  assert_non_null(strstr(err.data, "byte 15"));
  const char *c[] = {"copydesk", "segment", "-l", "not a tag", NULL};
  assert_int_equal(cdt_run(c, "x", 1, &out, &err), 2);
  const char *d[] = {"copydesk", "segment", "--bogus", NULL};
  assert_int_equal(cdt_run(d, "x", 1, &out, &err), 2);
  const char *h[] = {"copydesk", "help", "segment", NULL};
  assert_int_equal(cdt_run(h, NULL, 0, &out, &err), 0);
  assert_non_null(strstr(out.data, "--join-lines"));
  cd_buf_free(&out);
  cd_buf_free(&err);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_segment_file),
                                     cmocka_unit_test(test_segment_stdin_lang_and_paragraphs),
                                     cmocka_unit_test(test_segment_errors)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
