/* SPDX-License-Identifier: MIT */
/* Keys and transliteration of names (ICU, dicts/translit). */
#include "cd_test.h"

#include <stdio.h>
#include <string.h>

#include "cd_names.h"

static cd_names_keyer *keyer(void) {
  char dir[4200];
  snprintf(dir, sizeof dir, "%s/translit", cdt_data_dir());
  cd_names_keyer *k = NULL;
  cd_error err;
  assert_int_equal(cd_names_keyer_new(dir, &k, &err), CD_OK);
  return k;
}

static void expect_tr(cd_names_keyer *k, cd_translit sys, const char *in, const char *want) {
  cd_buf out = CD_BUF_INIT;
  cd_error err;
  assert_int_equal(cd_names_translit(k, sys, in, strlen(in), &out, &err), CD_OK);
  assert_string_equal(out.data, want);
  cd_buf_free(&out);
}

static void test_uk2010_official_examples(void **state) {
  (void)state;
  cd_names_keyer *k = keyer();
  expect_tr(k, CD_TRANSLIT_UK2010, "Згорани", "Zghorany");
  expect_tr(k, CD_TRANSLIT_UK2010, "Знам'янка", "Znamianka");
  expect_tr(k, CD_TRANSLIT_UK2010, "Знам\xE2\x80\x99янка", "Znamianka");
  expect_tr(k, CD_TRANSLIT_UK2010, "Знам\xCA\xBCянка", "Znamianka");
  expect_tr(k, CD_TRANSLIT_UK2010, "Київ", "Kyiv");
  expect_tr(k, CD_TRANSLIT_UK2010, "Єнакієве", "Yenakiieve");
  expect_tr(k, CD_TRANSLIT_UK2010, "Юрій", "Yurii");
  expect_tr(k, CD_TRANSLIT_UK2010, "Щербухи", "Shcherbukhy");
  expect_tr(k, CD_TRANSLIT_UK2010, "Марʼїне", "Marine");
  expect_tr(k, CD_TRANSLIT_UK2010, "ЖИТОМИР", "ZHYTOMYR");
  expect_tr(k, CD_TRANSLIT_UK2010, "Олександр Сирський", "Oleksandr Syrskyi");
  /* a closing quote after a word survives */
  expect_tr(k, CD_TRANSLIT_UK2010, "Київ’", "Kyiv’");
  cd_names_keyer_free(k);
}

static void test_bgn(void **state) {
  (void)state;
  cd_names_keyer *k = keyer();
  expect_tr(k, CD_TRANSLIT_RU_BGN, "Путин", "Putin");
  expect_tr(k, CD_TRANSLIT_RU_BGN, "Ёлкин", "Yëlkin");
  expect_tr(k, CD_TRANSLIT_UK_BGN, "Київ", "Kyyiv");
  cd_names_keyer_free(k);
}

static void test_keys(void **state) {
  (void)state;
  cd_names_keyer *k = keyer();
  cd_buf out = CD_BUF_INIT;
  cd_error err;
  size_t n = 0;
  /* fold keeps Cyrillic marks: Київ must not become Киів */
  assert_int_equal(cd_names_key_fold(k, "КИЇВ", strlen("КИЇВ"), &out, &err), CD_OK);
  assert_string_equal(out.data, "київ");
  assert_int_equal(cd_names_key_fold(k, "Kara\xE2\x80\x90Murza\xE2\x80\x99s", 18, &out, &err),
                   CD_OK);
  assert_string_equal(out.data, "kara murza's");
  assert_int_equal(
      cd_names_key_ascii(k, "Sébastien Lecornu", strlen("Sébastien Lecornu"), &out, &n, &err),
      CD_OK);
  assert_int_equal(n, 1);
  assert_string_equal(out.data, "sebastienlecornu");
  assert_int_equal(cd_names_key_ascii(k, "Radosław", strlen("Radosław"), &out, &n, &err), CD_OK);
  assert_string_equal(out.data, "radoslaw");
  /* Cyrillic: several transliterations, among them uk 2010 and Russian BGN */
  assert_int_equal(cd_names_key_ascii(k, "Михайло", strlen("Михайло"), &out, &n, &err), CD_OK);
  assert_true(n >= 2);
  bool has_2010 = false;
  for (size_t i = 0, off = 0; i < n; i++) {
    if (!strcmp(out.data + off, "mykhailo"))
      has_2010 = true;
    off += strlen(out.data + off) + 1;
  }
  assert_true(has_2010);
  /* skeleton: near-misses meet, different names do not */
  cd_buf a = CD_BUF_INIT;
  assert_int_equal(cd_names_key_skel(k, "Lecorne", 7, &out, &err), CD_OK);
  assert_int_equal(cd_names_key_skel(k, "Lecornu", 7, &a, &err), CD_OK);
  assert_string_equal(out.data, a.data);
  assert_int_equal(cd_names_key_skel(k, "Macron", 6, &a, &err), CD_OK);
  assert_string_not_equal(out.data, a.data);
  cd_buf_free(&a);
  cd_buf_free(&out);
  cd_names_keyer_free(k);
}

/* Whether key is one of the n NUL-separated keys in list. */
static bool has_key(const cd_buf *list, size_t n, const char *key) {
  for (size_t i = 0, off = 0; i < n; i++) {
    if (!strcmp(list->data + off, key))
      return true;
    off += strlen(list->data + off) + 1;
  }
  return false;
}

/* A Cyrillic form is romanized with its own language's systems only: national 2010, BGN,
 * German (Duden) and French transcriptions; never with the other language's, which drop
 * its letters (Russian BGN made "kharkov" of Харкові) */
static void test_keys_by_language(void **state) {
  (void)state;
  cd_names_keyer *k = keyer();
  cd_buf out = CD_BUF_INIT;
  cd_error err;
  size_t n = 0;
  const char *uk = "Зеленський";
  assert_int_equal(cd_names_key_ascii_in(k, uk, strlen(uk), "uk", &out, &n, &err), CD_OK);
  assert_true(has_key(&out, n, "zelenskyi"));  /* national 2010 */
  assert_true(has_key(&out, n, "zelenskyy"));  /* BGN/PCGN */
  assert_true(has_key(&out, n, "selenskyj"));  /* German */
  assert_false(has_key(&out, n, "zelenskiy")); /* Russian BGN would read и as i */
  const char *uk2 = "Шмигаль";
  assert_int_equal(cd_names_key_ascii_in(k, uk2, strlen(uk2), "uk", &out, &n, &err), CD_OK);
  assert_true(has_key(&out, n, "schmyhal"));
  assert_true(has_key(&out, n, "chmyhal")); /* French */
  const char *ru = "Сергей Лавров";
  assert_int_equal(cd_names_key_ascii_in(k, ru, strlen(ru), "ru", &out, &n, &err), CD_OK);
  assert_true(has_key(&out, n, "sergeylavrov"));
  assert_true(has_key(&out, n, "sergejlawrow"));
  /* no language given: the letters decide (і is Ukrainian only) */
  const char *loc = "Харкові";
  assert_int_equal(cd_names_key_ascii(k, loc, strlen(loc), &out, &n, &err), CD_OK);
  assert_false(has_key(&out, n, "kharkov"));
  assert_true(has_key(&out, n, "kharkovi"));
  /* Latin text in a Cyrillic form gets no Latin-only key: "Карл III" is never "iii" */
  const char *king = "Карл III";
  assert_int_equal(cd_names_key_ascii_in(k, king, strlen(king), "uk", &out, &n, &err), CD_OK);
  assert_false(has_key(&out, n, "iii"));
  assert_true(has_key(&out, n, "karliii"));
  cd_buf_free(&out);
  cd_names_keyer_free(k);
}

static void test_match_case(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT;
  assert_int_equal(cd_buf_append_str(&out, "Radosław Sikorski"), CD_OK);
  assert_int_equal(cd_names_match_case("RADOSLAW SIKORSKI", 17, &out), CD_OK);
  assert_string_equal(out.data, "RADOSŁAW SIKORSKI");
  cd_buf_clear(&out);
  assert_int_equal(cd_buf_append_str(&out, "Xi Jinping"), CD_OK);
  assert_int_equal(cd_names_match_case("习近平", strlen("习近平"), &out), CD_OK);
  assert_string_equal(out.data, "Xi Jinping");
  cd_buf_free(&out);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_uk2010_official_examples),
                                     cmocka_unit_test(test_bgn), cmocka_unit_test(test_keys),
                                     cmocka_unit_test(test_keys_by_language),
                                     cmocka_unit_test(test_match_case)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
