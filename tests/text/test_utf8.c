/* SPDX-License-Identifier: MIT */
/* Buffers and UTF-8 helpers. */
#include "cd_test.h"

#include <string.h>

static void test_buf_append_and_consume(void **state) {
  (void)state;
  cd_buf b = CD_BUF_INIT;
  assert_int_equal(cd_buf_append_str(&b, "Kyiv, "), CD_OK);
  assert_int_equal(cd_buf_appendf(&b, "%d May", 9), CD_OK);
  assert_int_equal(cd_buf_append_cp(&b, 0x2014), CD_OK);
  assert_string_equal(b.data, "Kyiv, 9 May\xE2\x80\x94");
  cd_buf_consume(&b, 6);
  assert_string_equal(b.data, "9 May\xE2\x80\x94");
  assert_int_equal(b.len, 8);
  cd_buf_free(&b);
  cd_buf_free(&b); /* free twice is harmless */
}

static void test_utf8_validation(void **state) {
  (void)state;
  const char ok[] = "Zelens\xCA\xB9kyy \xD0\x97\xD0\xB5\xD0\xBB\xD0\xB5\xD0\xBD \xF0\x9F\x87\xBA";
  assert_true(cd_utf8_is_valid(ok, sizeof ok - 1));
  /* overlong slash, lone continuation, surrogate, truncated 3-byte sequence */
  assert_false(cd_utf8_is_valid("a\xC0\xAF", 3));
  assert_int_equal(cd_utf8_valid_prefix("ab\x80"
                                        "cd",
                                        5),
                   2);
  assert_false(cd_utf8_is_valid("\xED\xA0\x80", 3));
  assert_int_equal(cd_utf8_valid_prefix("xy\xE2\x80", 4), 2);
}

static void test_utf8_next_maximal_subpart(void **state) {
  (void)state;
  /* E2 80 followed by ASCII: the ill-formed subpart is the two bytes E2 80 */
  const char s[] = "\xE2\x80"
                   "A";
  size_t i = 0;
  assert_int_equal(cd_utf8_next(s, 3, &i), -1);
  assert_int_equal(i, 2);
  assert_int_equal(cd_utf8_next(s, 3, &i), 'A');
  char enc[4];
  assert_int_equal(cd_utf8_encode(0x0456, enc), 2);
  assert_memory_equal(enc, "\xD1\x96", 2);
  assert_int_equal(cd_utf8_encode(0xD800, enc), 3); /* surrogates become U+FFFD */
  assert_memory_equal(enc, "\xEF\xBF\xBD", 3);
  assert_int_equal(cd_utf8_count("K\xD1\x96"
                                 "ev",
                                 5),
                   4);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_buf_append_and_consume),
      cmocka_unit_test(test_utf8_validation),
      cmocka_unit_test(test_utf8_next_maximal_subpart),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
