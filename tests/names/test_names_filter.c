/* The cheap tests in front of the names queries: the Bloom filter (read lazily from its
 * blob), the word-by-word test of multi-word fold keys, and the hit set that stops
 * fetching entities once it is full of better hits. Each must leave lookups unchanged. */
#include "cd_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cd_names.h"

/* Jean‑Noël (U+2011, a non-breaking hyphen) folds to two words although the compiler sees
 * one piece; "Tastak" and its look-alikes share the consonant skeleton t-s-t-k. */
static const char tsv[] =
    "id\ttype\ten\tfr\tde\tuk\tru\tvariants\tcontext\n"
    "testard\tperson\tJean\xe2\x80\x91No\xc3\xabl Testard\t-\t-\t-\t-\t-\t-\n"
    "kowal\tperson\tAnna Kowalczyk-Brz\xc4\x99k\t-\t-\t-\t-\tAnna Kowalczyk\tgiven=Anna\n"
    "tastak\tplace\tTastak\t-\t-\t-\t-\t-\t-\n"
    "tostak\tplace\tTostak\t-\t-\t-\t-\t-\t-\n"
    "tistak\tplace\tTistak\t-\t-\t-\t-\t-\t-\n"
    "testak\tplace\tTestak\t-\t-\t-\t-\t-\t-\n"
    "tustek\tplace\tTustek\t-\t-\t-\t-\t-\t-\n";

static cd_names *open_db(void) {
  char tr[4200], src[4200], db_path[4200];
  snprintf(tr, sizeof tr, "%s/translit", cdt_data_dir());
  snprintf(src, sizeof src, "%s", cdt_tmpfile("filter.tsv"));
  cdt_write_file(src, tsv, strlen(tsv));
  snprintf(db_path, sizeof db_path, "%s", cdt_tmpfile("filter.sqlite"));
  const char *paths[] = {src};
  cd_error err;
  cd_error_clear(&err);
  assert_int_equal(cd_names_compile(paths, 1, tr, db_path, &err), CD_OK);
  cd_names_options o;
  cd_names_options_init(&o);
  o.db_path = db_path;
  o.translit_dir = tr;
  cd_names *db = NULL;
  assert_int_equal(cd_names_open(&o, &db, &err), CD_OK);
  return db;
}

static size_t find(cd_names *db, const char *text, bool fuzzy, cd_names_hit *hits, size_t max) {
  cd_names_query q = {text, strlen(text), NULL, 0, "en", fuzzy};
  size_t n = 99;
  cd_error err;
  assert_int_equal(cd_names_find(db, &q, hits, max, &n, &err), CD_OK);
  return n;
}

static void test_multiword_keys(void **state) {
  (void)state;
  cd_names *db = open_db();
  cd_names_hit h[8];
  /* the key "jean noel testard" passes although "jean" and "noel" alone were never put
   * in the filter: "jean noel" was, as one piece */
  assert_int_equal(find(db, "Jean-Noël Testard", false, h, 8), 1);
  assert_string_equal(h[0].id, "testard");
  assert_int_equal(h[0].level, CD_MATCH_EXACT);
  assert_string_equal(h[0].type, "person");
  assert_int_equal(find(db, "JEAN NOËL TESTARD", false, h, 8), 1);
  assert_string_equal(h[0].id, "testard");
  /* a hyphenated surname, and a full-name variant */
  assert_int_equal(find(db, "Anna Kowalczyk-Brzęk", false, h, 8), 1);
  assert_string_equal(h[0].id, "kowal");
  assert_int_equal(find(db, "Anna Kowalczyk", false, h, 8), 1);
  assert_string_equal(h[0].id, "kowal");
  /* words no name has: nothing, and no error */
  assert_int_equal(find(db, "Jean Testard Quickly", false, h, 8), 0);
  assert_int_equal(find(db, "Morning Briefing", false, h, 8), 0);
  cd_names_free(db);
}

static void test_full_hit_set(void **state) {
  (void)state;
  cd_names *db = open_db();
  cd_names_hit h[8];
  /* five places share the skeleton: all of them when there is room, two when not */
  size_t all = find(db, "Tystak", true, h, 8);
  assert_int_equal(all, 5);
  for (size_t i = 0; i < all; i++) {
    assert_int_equal(h[i].level, CD_MATCH_FUZZY);
    assert_string_equal(h[i].type, "place");
  }
  assert_int_equal(find(db, "Tystak", true, h, 2), 2);
  assert_string_not_equal(h[0].id, h[1].id);
  /* an exact match comes first and alone: no skeleton query after it */
  assert_int_equal(find(db, "Tostak", true, h, 8), 1);
  assert_string_equal(h[0].id, "tostak");
  assert_int_equal(h[0].level, CD_MATCH_EXACT);
  /* the same entity again (through the entity cache) */
  assert_int_equal(find(db, "TOSTAK", true, h, 8), 1);
  assert_string_equal(h[0].id, "tostak");
  assert_string_equal(h[0].type, "place");
  cd_names_free(db);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_multiword_keys),
                                     cmocka_unit_test(test_full_hit_set)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
