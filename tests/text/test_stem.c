/* SPDX-License-Identifier: MIT */
/* The hunspell stemmer: dictionaries found per language and loaded lazily, stems of
 * inflected words, apostrophe variants, and no stems (not an error) where there is no
 * dictionary. */
#include "cd_test.h"

#include <string.h>
#include <sys/stat.h>

#include "cd_stem.h"

/* Whether stemming w in lang gives stem among its stems. */
static bool has_stem(cd_stemmer *s, const char *lang, const char *w, const char *stem) {
  cd_buf out = CD_BUF_INIT;
  size_t n = 99;
  cd_error err;
  assert_int_equal(cd_stem_word(s, lang, w, strlen(w), &out, &n, &err), CD_OK);
  bool found = false;
  const char *p = cd_buf_at(&out, 0);
  for (size_t i = 0; i < n; i++, p += strlen(p) + 1)
    found = found || strcmp(p, stem) == 0;
  cd_buf_free(&out);
  return found;
}

static size_t stem_count(cd_stemmer *s, const char *lang, const char *w) {
  cd_buf out = CD_BUF_INIT;
  size_t n = 99;
  cd_error err;
  assert_int_equal(cd_stem_word(s, lang, w, strlen(w), &out, &n, &err), CD_OK);
  cd_buf_free(&out);
  return n;
}

static cd_stemmer *new_stemmer(const char *dir) {
  cd_stem_options o;
  cd_stem_options_init(&o);
  if (dir)
    o.hunspell_dir = dir;
  cd_stemmer *s = NULL;
  cd_error err;
  assert_int_equal(cd_stemmer_new(&o, &s, &err), CD_OK);
  return s;
}

static void test_stems_of_inflected_words(void **state) {
  (void)state;
  cd_stemmer *s = new_stemmer(NULL);
  if (!cd_stem_has_dict(s, "uk") || !cd_stem_has_dict(s, "de") || !cd_stem_has_dict(s, "ru")) {
    cd_stemmer_free(s);
    skip();
  }
  /* instrumental case, with each of the three apostrophes Ukrainian text uses */
  assert_true(has_stem(s, "uk",
                       "\xD0\xBF\xD0\xB5\xD1\x80\xD0\xB5\xD0\xBC\xD0\xB8\xD1\x80\xE2\x80"
                       "\x99\xD1\x8F\xD0\xBC", /* перемир’ям */
                       "\xD0\xBF\xD0\xB5\xD1\x80\xD0\xB5\xD0\xBC\xD0\xB8\xD1\x80'\xD1\x8F"));
  assert_true(has_stem(s, "uk-UA",
                       "\xD0\xBF\xD0\xB5\xD1\x80\xD0\xB5\xD0\xBC\xD0\xB8\xD1\x80'\xD1"
                       "\x8F\xD0\xBC", /* перемир'ям */
                       "\xD0\xBF\xD0\xB5\xD1\x80\xD0\xB5\xD0\xBC\xD0\xB8\xD1\x80'\xD1\x8F"));
  assert_true(has_stem(s, "uk", "\xD0\xA0\xD0\xB0\xD0\xB4\xD0\xB8", /* Ради */
                       "\xD1\x80\xD0\xB0\xD0\xB4\xD0\xB0"));        /* рада */
  assert_true(has_stem(s, "de", "Waffenstillstands", "Waffenstillstand"));
  assert_true(has_stem(s, "ru",
                       "\xD0\xBF\xD0\xB5\xD1\x80\xD0\xB5\xD0\xBC\xD0\xB8\xD1\x80\xD0\xB8"
                       "\xD0\xB8", /* перемирии */
                       "\xD0\xBF\xD0\xB5\xD1\x80\xD0\xB5\xD0\xBC\xD0\xB8\xD1\x80\xD0\xB8\xD0\xB5"));
  /* the second call comes from the cache and says the same */
  assert_true(has_stem(s, "de", "Waffenstillstands", "Waffenstillstand"));
  /* a word the dictionary does not know has no stems */
  assert_int_equal(stem_count(s, "de", "Xqzwvbrt"), 0);
  cd_stemmer_free(s);
}

static void test_no_dictionary_is_no_stems(void **state) {
  (void)state;
  cd_stemmer *s = new_stemmer(NULL);
  /* no such language; a tag that is not a language (never part of a file name) */
  assert_int_equal(stem_count(s, "xx", "word"), 0);
  assert_int_equal(stem_count(s, "../uk_UA", "word"), 0);
  assert_int_equal(stem_count(s, "", "word"), 0);
  assert_false(cd_stem_has_dict(s, "xx"));
  cd_stemmer_free(s);
  /* a directory without dictionaries */
  s = new_stemmer(cdt_tmpdir());
  assert_false(cd_stem_has_dict(s, "de"));
  assert_int_equal(stem_count(s, "de", "Waffenstillstands"), 0);
  cd_stemmer_free(s);
  cd_stemmer_free(NULL);
}

static void test_unusable_dictionary_is_an_error(void **state) {
  (void)state;
  /* a dictionary in another encoding would compare wrong: an error naming the file */
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/hun-latin1", cdt_tmpdir());
  char path[4200];
  mkdir(dir, 0777); /* may exist from an earlier run */
  snprintf(path, sizeof path, "%s/zz.aff", dir);
  cdt_write_file(path, "SET ISO8859-1\n", 14);
  snprintf(path, sizeof path, "%s/zz.dic", dir);
  cdt_write_file(path, "1\nword\n", 7);
  cd_stemmer *s = new_stemmer(dir);
  cd_buf out = CD_BUF_INIT;
  size_t n;
  cd_error err;
  assert_int_equal(cd_stem_word(s, "zz", "word", 4, &out, &n, &err), CD_ERR_DATA);
  assert_non_null(strstr(err.message, "zz.dic"));
  assert_int_equal(n, 0);
  cd_buf_free(&out);
  cd_stemmer_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_stems_of_inflected_words),
      cmocka_unit_test(test_no_dictionary_is_no_stems),
      cmocka_unit_test(test_unusable_dictionary_is_an_error),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
