/* SPDX-License-Identifier: MIT */
/* The one in-memory map: values by string key, interned ids in insertion order (the aligner's
 * vocabulary), keys with NUL bytes and empty keys, growth over many keys, and counts by
 * 64-bit key. */
#include "cd_test.h"

#include <stdio.h>
#include <string.h>

#include "cd_strmap.h"

static void test_values_and_order(void **state) {
  (void)state;
  cd_strmap *m = cd_strmap_new();
  assert_non_null(m);
  const char *words[] = {"Kyiv", "Kiev", "Київ", "Киев", ""};
  for (size_t i = 0; i < 5; i++) {
    bool ins = false;
    void **v = cd_strmap_slot(m, words[i], strlen(words[i]), &ins);
    assert_non_null(v);
    assert_true(ins);
    assert_null(*v); /* a new slot is zeroed */
    *v = (void *)words[i];
  }
  bool ins = true;
  void **again = cd_strmap_slot(m, "Kiev", 4, &ins);
  assert_false(ins);
  assert_ptr_equal(*again, words[1]);
  assert_int_equal(cd_strmap_count(m), 5);
  assert_true(cd_strmap_contains(m, "", 0));
  assert_false(cd_strmap_contains(m, "Kie", 3));
  assert_null(cd_strmap_get(m, "Kyiv ", 5));
  /* iteration follows insertion, whatever the hashes */
  size_t pos = 0, len, i = 0;
  const char *key;
  void *v;
  while (cd_strmap_next(m, &pos, &key, &len, &v)) {
    assert_string_equal(key, words[i]);
    assert_int_equal(len, strlen(words[i]));
    assert_ptr_equal(v, words[i]);
    i++;
  }
  assert_int_equal(i, 5);
  cd_strmap_free(m);
}

static void test_intern_ids(void **state) {
  (void)state;
  cd_strmap *m = cd_strmap_new();
  assert_non_null(m);
  assert_int_equal(cd_strmap_id(m, "x", 1), CD_STRMAP_NONE); /* empty map */
  char buf[32];
  for (size_t i = 0; i < 20000; i++) { /* many growths of the table */
    int n = snprintf(buf, sizeof buf, "w%zu", i * 7919);
    size_t id;
    assert_int_equal(cd_strmap_intern(m, buf, (size_t)n, &id), CD_OK);
    assert_int_equal(id, i);
  }
  size_t id;
  assert_int_equal(cd_strmap_intern(m, "w7919", 5, &id), CD_OK);
  assert_int_equal(id, 1); /* an interned key keeps its id */
  assert_int_equal(cd_strmap_count(m), 20000);
  size_t len;
  assert_string_equal(cd_strmap_key(m, 19999, &len), "w158372081");
  assert_int_equal(len, 10);
  assert_int_equal(cd_strmap_id(m, "w15837", 6), CD_STRMAP_NONE);
  /* keys are bytes: a NUL inside is part of the key */
  assert_int_equal(cd_strmap_intern(m, "a\0b", 3, &id), CD_OK);
  assert_int_equal(cd_strmap_id(m, "a\0b", 3), id);
  assert_int_equal(cd_strmap_id(m, "a", 1), CD_STRMAP_NONE);
  cd_strmap_free(m);
  cd_strmap_free(NULL);
}

static void test_u64count(void **state) {
  (void)state;
  cd_u64count c = {0};
  assert_int_equal(cd_u64count_get(&c, 42), 0);
  for (uint64_t k = 0; k < 5000; k++)
    assert_int_equal(cd_u64count_add(&c, (k << 32) | (k * 3), (uint32_t)(k % 5) + 1), CD_OK);
  assert_int_equal(cd_u64count_add(&c, 0, 10), CD_OK); /* key 0 is a key like any */
  assert_int_equal(cd_u64count_get(&c, 0), 11);
  assert_int_equal(cd_u64count_get(&c, (4999ull << 32) | 14997), 5);
  assert_int_equal(cd_u64count_get(&c, 4999ull << 32), 0);
  assert_int_equal(c.n, 5000);
  cd_u64count_free(&c);
  assert_int_equal(c.cap, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_values_and_order),
      cmocka_unit_test(test_intern_ids),
      cmocka_unit_test(test_u64count),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
