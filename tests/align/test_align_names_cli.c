/* SPDX-License-Identifier: MIT */
/* copydesk align with the names store of the data directory: Kiew/Києві, Moskau/Москва and
 * Deutschland/Німеччини are one entity each, which only the store knows; --no-names falls
 * back to the length model, which is misled here. */
#include "cd_test.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void run_aid(const char *extra, cd_buf *out, cd_buf *err) {
  char *de = strdup(cdt_fixture("align/aid-de.txt")); /* cdt_fixture's buffer is reused */
  char *uk = strdup(cdt_fixture("align/aid-uk.txt"));
  const char *a[] = {
      "copydesk", "align", "--presegmented", "--src-lang", "de", "--tgt-lang", "uk", de, uk, "-v",
      extra,      NULL};
  assert_int_equal(cdt_run(a, NULL, 0, out, err), 0);
  free(de);
  free(uk);
}

static void test_names_store_anchors(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  run_aid(NULL, &out, &err);
  assert_int_equal(cdt_count_lines(out.data, out.len), 4);
  assert_true(strncmp(out.data, "0\t0\t", 4) == 0);
  assert_non_null(strstr(out.data, "\n1\t\t0.000\t1\tKanzler Scholz"));
  assert_non_null(strstr(out.data, "\n2\t1\t"));
  assert_non_null(strstr(out.data, "\n3\t2\t"));
  assert_non_null(strstr(err.data, "(3 entities;"));
  cd_buf_free(&out);
  cd_buf_free(&err);
}

static void test_no_names_option(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  run_aid("--no-names", &out, &err);
  /* the length model alone: Scholz paired with the Kyiv sentence, Moskau left over */
  assert_non_null(strstr(out.data, "\n1\t1\t"));
  assert_non_null(strstr(out.data, "\n3\t\t"));
  assert_non_null(strstr(err.data, "(0 entities; 0 and 0 mentions)"));
  cd_buf_free(&out);
  cd_buf_free(&err);
}

/* Without a names store in the data directory align works as before and says nothing. */
static void test_absent_store_is_silent(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *src = cdt_tmpfile("nostore.de"), *tgt = cdt_tmpfile("nostore.fr");
  const char s[] = "Die Brücke ist wieder offen.\nSie war 18 Monate gesperrt.\n";
  const char t[] = "Le pont a rouvert.\nIl était fermé depuis 18 mois.\n";
  cdt_write_file(src, s, sizeof s - 1);
  cdt_write_file(tgt, t, sizeof t - 1);
  const char *empty = cdt_tmpfile("empty-data");
  assert_true(mkdir(empty, 0700) == 0 || errno == EEXIST);
  char *old = getenv("COPYDESK_DATA") ? strdup(getenv("COPYDESK_DATA")) : NULL;
  setenv("COPYDESK_DATA", empty, 1);
  const char *a[] = {"copydesk", "align", "--presegmented", src, tgt, NULL};
  int rc = cdt_run(a, NULL, 0, &out, &err);
  if (old) {
    setenv("COPYDESK_DATA", old, 1);
    free(old);
  }
  assert_int_equal(rc, 0);
  assert_int_equal(cdt_count_lines(out.data, out.len), 2);
  assert_non_null(strstr(out.data, "1\t1\t"));
  assert_true(err.len == 0 || strstr(err.data, "names") == NULL);
  cd_buf_free(&out);
  cd_buf_free(&err);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_names_store_anchors),
      cmocka_unit_test(test_no_names_option),
      cmocka_unit_test(test_absent_store_is_silent),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
