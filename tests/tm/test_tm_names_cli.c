/* SPDX-License-Identifier: MIT */
/* copydesk tm lookup with the names store of the data directory: known names are
 * placeables; a declined Ukrainian form is left alone; --no-names turns it off. Also run
 * against PostgreSQL (tm_test_tm_names_cli_on_pg). */
#include "cd_test.h"

#include <stdlib.h>
#include <string.h>

static const char *tm_path(void) {
  static char path[4096];
  if (!path[0]) {
    snprintf(path, sizeof path, "%s", cdt_tm_location("names-cli"));
    const char *units[][4] = {
        {"en", "de", "Macron met Scholz in Berlin on Monday.",
         "Macron traf Scholz am Montag in Berlin."},
        {"en", "uk", "Macron met Scholz in Berlin on Monday.",
         "Макрон зустрівся з Шольцом у Берліні в понеділок."},
        {"de", "uk", "Scholz sprach am Abend mit Selenskyj.",
         "Шольц увечері говорив із Зеленським."},
    };
    for (size_t i = 0; i < 3; i++) {
      const char *a[] = {"copydesk",  "tm",         "add",       "--tm",
                         path,        "--src-lang", units[i][0], "--tgt-lang",
                         units[i][1], units[i][2],  units[i][3], NULL};
      cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
      assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 0);
      cd_buf_free(&out);
      cd_buf_free(&err);
    }
  }
  return path;
}

static void test_lookup_adapts_names(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *a[] = {
      "copydesk", "tm", "lookup", "--tm", tm_path(), "Macron met Merz in Berlin on Monday.", NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 0);
  /* German target: Scholz -> Merz, full score, marked adapted */
  assert_non_null(strstr(out.data, "100% adapted"));
  assert_non_null(strstr(out.data, "  Macron traf Merz am Montag in Berlin.\n"));
  /* Ukrainian target declines the name (Шольцом): not rewritten, one word off */
  assert_non_null(strstr(out.data, " 85%  #2  en -> uk"));
  assert_non_null(strstr(out.data, "  Макрон зустрівся з Шольцом у Берліні в понеділок.\n"));
  cd_buf_free(&out);
  cd_buf_free(&err);
}

static void test_lookup_into_ukrainian(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *a[] = {"copydesk",   "tm", "lookup",   "--tm", tm_path(),
                     "--src-lang", "de", "--format", "json", "Merz sprach am Abend mit Selenskyj.",
                     NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 0);
  assert_non_null(
      strstr(out.data, "\"score\":100,\"adapted\":true,\"adapted_numbers\":0,\"adapted_names\":1"));
  assert_non_null(strstr(out.data, "\"target\":\"Мерц увечері говорив із Зеленським.\""));
  cd_buf_free(&out);
  cd_buf_free(&err);
}

static void test_no_names(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *a[] = {"copydesk",
                     "tm",
                     "lookup",
                     "--tm",
                     tm_path(),
                     "--no-names",
                     "Macron met Merz in Berlin on Monday.",
                     NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 0);
  assert_null(strstr(out.data, "adapted"));
  assert_non_null(strstr(out.data, "  Macron traf Scholz am Montag in Berlin.\n"));
  cd_buf_free(&out);
  cd_buf_free(&err);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lookup_adapts_names),
      cmocka_unit_test(test_lookup_into_ukrainian),
      cmocka_unit_test(test_no_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
