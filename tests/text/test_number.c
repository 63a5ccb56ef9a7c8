/* SPDX-License-Identifier: MIT */
/* The one number reader shared by check, the aligner and the fuzzy matcher: groupings and
 * decimals in the conventions of several languages, the ambiguous "6,000", sequences that
 * are no one quantity, digits of other scripts, and numbers too long to read. */
#include "cd_test.h"

#include <string.h>

#include "cd_number.h"

/* Reads the first number of s with the decimal mark of lang. */
static cd_number_read read1(const char *s, const char *lang) {
  cd_number_read r;
  size_t i = 0, len = strlen(s);
  while (i < len && !cd_number_starts(s, len, i))
    i++;
  cd_number_read_at(s, len, i, lang ? cd_number_marks(lang, NULL) : 0, &r);
  return r;
}

static void test_groupings(void **state) {
  (void)state;
  cd_number_read r = read1("6,000 troops", "en");
  assert_int_equal(r.kind, CD_NUMBER_GROUPED);
  assert_string_equal(r.value, "6000");
  assert_string_equal(r.other, "6"); /* or a decimal with three places */
  assert_int_equal(r.group, ',');
  assert_int_equal(r.end, 5);
  r = read1("6.000 Soldaten", "de"); /* the same figure in German */
  assert_string_equal(r.value, "6000");
  r = read1("6,000 Soldaten", "de"); /* the German decimal comma reads first */
  assert_string_equal(r.value, "6");
  assert_string_equal(r.other, "6000");
  assert_int_equal(r.decimal, ',');
  assert_int_equal(r.int_digits, 1);
  r = read1("1\xE2\x80\xAF"
            "250\xE2\x80\xAF"
            "000 habitants",
            "fr"); /* narrow no-break spaces */
  assert_int_equal(r.kind, CD_NUMBER_GROUPED);
  assert_string_equal(r.value, "1250000");
  assert_int_equal(r.group, 0x202F);
  assert_string_equal(r.other, "");
  r = read1("CHF 1\xE2\x80\x99"
            "500",
            "de-CH");
  assert_string_equal(r.value, "1500");
  r = read1("les 6,000 euros", NULL); /* no decimal mark known: thousands first */
  assert_string_equal(r.value, "6000");
}

static void test_decimals(void **state) {
  (void)state;
  cd_number_read r = read1("2,50 %", "fr");
  assert_int_equal(r.kind, CD_NUMBER_DECIMAL);
  assert_string_equal(r.value, "2.5");
  r = read1("1,234.5 km", "en");
  assert_int_equal(r.kind, CD_NUMBER_DECIMAL);
  assert_string_equal(r.value, "1234.5");
  assert_int_equal(r.group, ',');
  assert_int_equal(r.decimal, '.');
  assert_int_equal(r.int_digits, 4);
  r = read1("1 234,5 km", "fr");
  assert_string_equal(r.value, "1234.5");
  r = read1("007.10", "en");
  assert_string_equal(r.value, "7.1");
}

static void test_sequences_and_ends(void **state) {
  (void)state;
  cd_number_read r = read1("am 03.10.2024 in Bonn", "de");
  assert_int_equal(r.kind, CD_NUMBER_SEQUENCE);
  assert_int_equal(r.ngroups, 3);
  char g[CD_NUMBER_VALUE];
  cd_number_group_value("am 03.10.2024 in Bonn", &r, 0, g);
  assert_string_equal(g, "3");
  cd_number_group_value("am 03.10.2024 in Bonn", &r, 2, g);
  assert_string_equal(g, "2024");
  r = read1("in 2023 500 people", "en"); /* a year and a count */
  assert_int_equal(r.kind, CD_NUMBER_SEQUENCE);
  assert_int_equal(r.ngroups, 2);
  r = read1("in 2019, 2020 and 2021", "en"); /* a separator must have a digit after it */
  assert_int_equal(r.kind, CD_NUMBER_PLAIN);
  assert_string_equal(r.value, "2019");
  assert_int_equal(r.end, 7);
  r = read1("5.", "en");
  assert_int_equal(r.end, 1);
}

static void test_other_scripts_and_overflow(void **state) {
  (void)state;
  /* Arabic-Indic digits ١٢٣ */
  cd_number_read r = read1("\xD9\xA1\xD9\xA2\xD9\xA3", "ar");
  assert_string_equal(r.value, "123");
  assert_int_equal(r.end, 6);
  char big[200];
  memset(big, '7', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  r = read1(big, "en");
  assert_string_equal(r.value, ""); /* too long to be a value */
  assert_int_equal(r.end, sizeof big - 1);
  assert_false(cd_number_starts("x1", 2, 0));
  assert_true(cd_number_starts("x1", 2, 1));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_groupings),
      cmocka_unit_test(test_decimals),
      cmocka_unit_test(test_sequences_and_ends),
      cmocka_unit_test(test_other_scripts_and_overflow),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
