/* SPDX-License-Identifier: MIT */
/* The public API (include/copydesk/copydesk.h): normalizing a string with the default stages,
 * the change log read as records and as JSON Lines, errors, and results freed. */
#include "cd_test.h"

#include <stdlib.h>
#include <string.h>

#include "copydesk/copydesk.h"

static void test_version(void **state) {
  (void)state;
  const char *v = cd_version();
  assert_non_null(v);
  assert_true(strlen(v) >= 5);
  assert_non_null(strchr(v, '.'));
  assert_non_null(cd_data_dir_installed());
}

static void test_normalize_string(void **state) {
  (void)state;
  const char in[] = "He said \"wait\" -- then left.\n";
  cd_normalized *n = NULL;
  cd_error err;
  assert_int_equal(cd_normalize_text(in, sizeof in - 1, "en", cdt_data_dir(), &n, &err), CD_OK);
  size_t len;
  const char *out = cd_normalized_text(n, &len);
  assert_string_equal(out, "He said \xE2\x80\x9Cwait\xE2\x80\x9D \xE2\x80\x94 then left.\n");
  assert_int_equal(len, strlen(out));
  assert_string_equal(cd_normalized_lang(n), "en");
  size_t k = cd_normalized_change_count(n);
  assert_true(k >= 2);
  for (size_t i = 0; i < k; i++) {
    const cd_logged_change *c = cd_normalized_change(n, i);
    assert_string_equal(c->stage, "typography");
    assert_non_null(c->rule);
    assert_true(c->in_start <= c->in_end && c->in_end <= sizeof in - 1);
    assert_memory_equal(in + c->in_start, c->before, c->before_len);
  }
  assert_null(cd_normalized_change(n, k));
  size_t log_len;
  const char *log = cd_normalized_change_log(n, &log_len);
  assert_int_equal(cdt_count_lines(log, log_len), k);
  assert_non_null(strstr(log, "\"stage\":\"typography\""));
  cd_normalized_free(n);
}

static void test_no_edit_and_empty(void **state) {
  (void)state;
  cd_normalized *n = NULL;
  cd_error err;
  assert_int_equal(cd_normalize_text("", 0, "en", cdt_data_dir(), &n, &err), CD_OK);
  size_t len = 99;
  assert_string_equal(cd_normalized_text(n, &len), "");
  assert_int_equal(len, 0);
  assert_int_equal(cd_normalized_change_count(n), 0);
  assert_string_equal(cd_normalized_change_log(n, NULL), "");
  cd_normalized_free(n);
  cd_normalized_free(NULL);
}

static void test_errors(void **state) {
  (void)state;
  cd_normalized *n = (cd_normalized *)&n;
  cd_error err;
  const char in[] = "Text.\n";
  const char *missing = cdt_tmpfile("no-such-data");
  assert_int_not_equal(cd_normalize_text(in, sizeof in - 1, "en", missing, &n, &err), CD_OK);
  assert_null(n);
  assert_non_null(strstr(err.message, "no-such-data"));
  assert_int_equal(cd_normalize_text(NULL, 5, "en", cdt_data_dir(), &n, &err), CD_ERR_USAGE);
  assert_string_equal(cd_status_name(CD_ERR_USAGE), "usage error");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_version),
      cmocka_unit_test(test_normalize_string),
      cmocka_unit_test(test_no_edit_and_empty),
      cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
