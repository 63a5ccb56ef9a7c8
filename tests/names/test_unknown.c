/* SPDX-License-Identifier: MIT */
/* Names the dictionary lacks (cd_names_scan_unknown) and the loose key that groups their
 * spellings (cd_names_key_loose), on the shipped data. Hard negatives: common words at the
 * start of a sentence or a headline, acronyms (also with a possessive), codes, half a German
 * compound, entities the dictionary has, languages without a dictionary. */
#include "cd_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cd_names.h"

typedef cdt_names_fixture fixture;

/* One line per name: "surname start-end surname_key given_key|-". */
static cd_status collect(void *ud, const cd_names_unknown *u, cd_error *err) {
  (void)err;
  cd_buf *b = ud;
  return cd_buf_appendf(b, "%zu-%zu %s %s\n", u->surname_start, u->surname_end, u->surname_key,
                        u->given_key[0] ? u->given_key : "-");
}

/* The names found, with the entities cd_names_scan finds skipped as check does. */
typedef struct spans {
  size_t v[64];
  size_t n;
} spans;

static cd_status known_span(void *ud, const cd_names_mention *m, cd_error *err) {
  (void)err;
  spans *s = ud;
  if (s->n < 32) {
    s->v[2 * s->n] = m->start;
    s->v[2 * s->n++ + 1] = m->end;
  }
  return CD_OK;
}

static void find(fixture *f, const char *text, const char *lang, cd_buf *out) {
  cd_buf_clear(out);
  cd_error err;
  spans k = {{0}, 0};
  cd_names_scanner_reset(f->sc);
  assert_int_equal(cd_names_scan(f->sc, text, strlen(text), lang, known_span, &k, &err), CD_OK);
  assert_int_equal(
      cd_names_scan_unknown(f->sc, text, strlen(text), lang, k.v, k.n, collect, out, &err), CD_OK);
  assert_int_equal(cd_buf_append(out, "", 0), CD_OK);
}

static void test_loose_key_groups_transcriptions(void **state) {
  fixture *f = *state;
  cd_names_keyer *k = cd_names_get_keyer(f->db);
  cd_buf out = CD_BUF_INIT;
  cd_error err;
  static const char *const same[][2] = {
      {"Dovhopolyi", "Dovhopoly"},   {"Dovhopolyi", "Dovhopolyy"}, {"Shevchenko", "Schewtschenko"},
      {"Shevchenko", "Chevtchenko"}, {"Oleksandr", "Olexandr"},    {"Gavrilita", "Gavrylita"},
      {"Kovalchuk", "Kowaltschuk"},  {"Довгополий", "Dovhopolyi"},
  };
  for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
    char a[64];
    assert_int_equal(cd_names_key_loose(k, same[i][0], strlen(same[i][0]), NULL, &out, &err),
                     CD_OK);
    snprintf(a, sizeof a, "%s", out.data);
    assert_int_equal(cd_names_key_loose(k, same[i][1], strlen(same[i][1]), NULL, &out, &err),
                     CD_OK);
    if (strcmp(a, out.data) != 0)
      fail_msg("%s -> %s but %s -> %s", same[i][0], a, same[i][1], out.data);
  }
  /* vowels stay: different names stay apart */
  static const char *const apart[][2] = {{"Kuhnert", "Kahnert"}, {"Tamberlane", "Tamberlain"}};
  for (size_t i = 0; i < sizeof apart / sizeof apart[0]; i++) {
    char a[64];
    cd_names_key_loose(k, apart[i][0], strlen(apart[i][0]), NULL, &out, &err);
    snprintf(a, sizeof a, "%s", out.data);
    cd_names_key_loose(k, apart[i][1], strlen(apart[i][1]), NULL, &out, &err);
    assert_string_not_equal(a, out.data);
  }
  cd_buf_free(&out);
}

static void test_finds_new_names(void **state) {
  fixture *f = *state;
  cd_buf out = CD_BUF_INIT;
  find(f, "General Mykyta Dovhopolyi visited the front.", "en", &out);
  /* "General" is a common word: the name is the two words after it */
  assert_string_equal(out.data, "15-25 dovhopoli mkt\n");
  find(f, "Dovhopolyi's brigades held the line.", "en", &out);
  assert_string_equal(out.data, "0-10 dovhopoli -\n"); /* the possessive is no spelling */
  find(f, "The mayor, Mareike van Bruggenkamp, said so.", "en", &out);
  assert_string_equal(out.data, "23-34 brugenkamp mrk\n"); /* particles inside */
  /* a possessive ends the name: "Labour" is no surname of Mareike's (en_US has no labour) */
  find(f, "in Mareike Bruggenkamp's Labour party", "en", &out);
  assert_string_equal(out.data, "11-22 brugenkamp mrk\n25-31 labur -\n");
  cd_buf_free(&out);
}

static void test_hard_negatives(void **state) {
  fixture *f = *state;
  cd_buf out = CD_BUF_INIT;
  /* common words in capitals: a sentence start, a Title Case headline */
  find(f, "Yesterday Was A Long Day For Everyone", "en", &out);
  assert_string_equal(out.data, "");
  /* acronyms, also with a possessive; codes with digits */
  find(f, "WHO's report and the NATO summit; an F-16 and the A4 road.", "en", &out);
  assert_string_equal(out.data, "");
  /* half a German compound, German nouns */
  find(f, "Die Kommunikations- und Arbeitsweisen der Verwaltung", "de", &out);
  assert_string_equal(out.data, "");
  /* an entity the dictionary has is not an unknown name */
  find(f, "Volodymyr Zelenskyy spoke in Kyiv.", "en", &out);
  assert_string_equal(out.data, "");
  /* a language without a dictionary: common words cannot be told apart, nothing reported */
  find(f, "Ieri Mykyta Dovhopolyi ha parlato.", "xx", &out);
  assert_string_equal(out.data, "");
  cd_buf_free(&out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_loose_key_groups_transcriptions),
      cmocka_unit_test(test_finds_new_names),
      cmocka_unit_test(test_hard_negatives),
  };
  return cmocka_run_group_tests(tests, cdt_names_setup, cdt_names_teardown);
}
