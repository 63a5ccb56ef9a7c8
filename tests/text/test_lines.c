/* SPDX-License-Identifier: MIT */
/* The shared line reader: a file as users save it (BOM, CRLF), a NUL byte named by file and
 * line instead of a silent truncation, a directory refused with its reason. */
#include "cd_test.h"

#include <string.h>
#include <sys/stat.h>

#include "cd_lines.h"

static void test_bom_crlf_and_nul(void **state) {
  (void)state;
  const char *p = cdt_tmpfile("lines.tsv");
  const char t[] = "\xEF\xBB\xBF"
                   "a\tb\r\n#c\n\nd\xEF\xBB\xBF\n";
  cdt_write_file(p, t, sizeof t - 1);
  cd_lines r;
  cd_error err;
  char *line;
  size_t n;
  assert_int_equal(cd_lines_open(&r, p, &err), CD_OK);
  assert_int_equal(cd_lines_next(&r, &line, &n, &err), CD_OK);
  assert_string_equal(line, "a\tb"); /* the BOM and the CR are not data */
  assert_int_equal(n, 3);
  assert_int_equal(cd_lines_next(&r, &line, &n, &err), CD_OK);
  assert_string_equal(line, "#c"); /* comments are the format's business */
  assert_int_equal(cd_lines_next(&r, &line, &n, &err), CD_OK);
  assert_int_equal(n, 0);
  assert_int_equal(cd_lines_next(&r, &line, &n, &err), CD_OK);
  assert_int_equal(n, 4); /* a BOM after the start is text */
  assert_int_equal(cd_lines_next(&r, &line, &n, &err), CD_OK);
  assert_null(line);
  cd_lines_close(&r);

  const char z[] = "ok\nThe ferry\0 left Dover.\tLe ferry.\n";
  cdt_write_file(p, z, sizeof z - 1);
  assert_int_equal(cd_lines_open(&r, p, &err), CD_OK);
  assert_int_equal(cd_lines_next(&r, &line, &n, &err), CD_OK);
  assert_int_equal(cd_lines_next(&r, &line, &n, &err), CD_ERR_INPUT);
  assert_non_null(strstr(err.message, "lines.tsv:2: NUL byte"));
  cd_lines_close(&r);
}

static void test_directory_and_missing(void **state) {
  (void)state;
  const char *d = cdt_tmpfile("lines.dir");
  mkdir(d, 0755);
  cd_lines r;
  cd_error err;
  assert_int_equal(cd_lines_open(&r, d, &err), CD_ERR_IO);
  assert_non_null(strstr(err.message, "directory"));
  cd_lines_close(&r);
  assert_int_equal(cd_lines_open(&r, cdt_tmpfile("no-such.tsv"), &err), CD_ERR_IO);
  assert_non_null(strstr(err.message, "No such file"));
  cd_lines_close(&r);
}

static void test_max_len(void **state) {
  (void)state;
  const char *p = cdt_tmpfile("long.txt");
  cdt_write_file(p, "short\nmuch too long\n", 20);
  cd_lines r;
  cd_error err;
  char *line;
  size_t n;
  assert_int_equal(cd_lines_open(&r, p, &err), CD_OK);
  r.max_len = 8;
  assert_int_equal(cd_lines_next(&r, &line, &n, &err), CD_OK);
  assert_int_equal(cd_lines_next(&r, &line, &n, &err), CD_ERR_INPUT);
  assert_non_null(strstr(err.message, "long.txt:2: line longer than 8 bytes"));
  cd_lines_close(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bom_crlf_and_nul),
      cmocka_unit_test(test_directory_and_missing),
      cmocka_unit_test(test_max_len),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
