/* SPDX-License-Identifier: MIT */
/* Names as placeables in fuzzy lookup, through the recognizer callbacks of cd_fuzzy_options.
 * The recognizer here is a small table (the CLI uses the names store). */
#include "cd_test.h"

#include <stdlib.h>
#include <string.h>

#include "cd_fuzzy.h"
#include "cd_tm_store.h"

/* Surface forms the fake recognizer knows: lang "" = any language. */
static const struct {
  const char *surface, *lang, *id;
} MENTIONS[] = {
    {"Scholz", "", "olaf-scholz"},    {"Merz", "", "friedrich-merz"},
    {"Шольц", "uk", "olaf-scholz"},   {"Мерц", "uk", "friedrich-merz"},
    {"Zelenskyy", "en", "zelenskyy"}, {"Zelensky", "en", "zelenskyy"},
    {"Berlin", "", "berlin"},         {"Paris", "", "paris"},
    {"Orban", "", "viktor-orban"},    {"Orbán", "", "viktor-orban"},
    {"Шольцом", "uk", "olaf-scholz"}, /* a case form: recognised, but has no listed form */
};

/* House forms per language. */
static const struct {
  const char *id, *lang, *form;
} FORMS[] = {
    {"friedrich-merz", "de", "Merz"}, {"friedrich-merz", "fr", "Merz"},
    {"friedrich-merz", "uk", "Мерц"}, {"olaf-scholz", "de", "Scholz"},
    {"paris", "de", "Paris"},         {"paris", "fr", "Paris"},
    {"berlin", "de", "Berlin"},       {"viktor-orban", "fr", "Orbán"},
};

typedef struct fake {
  int mention_calls, form_calls;
  bool fail;
} fake;

static cd_status fake_mentions(void *ud, const char *text, size_t len, const char *lang,
                               cd_fuzzy_entity_emit emit, void *ctx, cd_error *err) {
  fake *f = ud;
  f->mention_calls++;
  if (f->fail)
    return cd_error_set(err, CD_ERR_DATA, "recognizer broken");
  /* longest surface starting at each byte, left to right */
  size_t i = 0;
  while (i < len) {
    size_t best = 0, bk = 0;
    for (size_t k = 0; k < sizeof MENTIONS / sizeof *MENTIONS; k++) {
      size_t n = strlen(MENTIONS[k].surface);
      if ((MENTIONS[k].lang[0] && strcmp(MENTIONS[k].lang, lang) != 0) || n > len - i ||
          memcmp(text + i, MENTIONS[k].surface, n) != 0 || n <= best)
        continue;
      /* whole words only */
      unsigned char next = i + n < len ? (unsigned char)text[i + n] : ' ';
      if ((next >= 'a' && next <= 'z') || next >= 0x80)
        continue;
      best = n;
      bk = k;
    }
    if (best) {
      cd_fuzzy_entity e = {i, i + best, MENTIONS[bk].id};
      cd_status st = emit(ctx, &e);
      if (st)
        return st;
      i += best;
    } else {
      i++;
    }
  }
  return CD_OK;
}

static cd_status fake_form(void *ud, const char *id, const char *from, size_t from_len,
                           const char *from_lang, const char *to_lang, const char *like,
                           size_t like_len, cd_buf *out, cd_error *err) {
  fake *f = ud;
  (void)from;
  (void)from_len;
  (void)from_lang;
  f->form_calls++;
  /* a declined target form cannot take the new name */
  if (like_len == strlen("Шольцом") && memcmp(like, "Шольцом", like_len) == 0)
    return cd_error_set(err, CD_ERR_INPUT, "declined");
  for (size_t k = 0; k < sizeof FORMS / sizeof *FORMS; k++)
    if (strcmp(FORMS[k].id, id) == 0 && strcmp(FORMS[k].lang, to_lang) == 0) {
      cd_buf_clear(out);
      return cd_buf_append_str(out, FORMS[k].form);
    }
  return cd_error_set(err, CD_ERR_INPUT, "no form of %s in %s", id, to_lang);
}

static cd_tm_store *tm_with(const char *name, const char *const (*units)[4], size_t n) {
  cd_tm_store *s = NULL;
  cd_error err;
  assert_int_equal(cd_tm_store_new(cdt_tmpfile(name), NULL, &s, &err), CD_OK);
  for (size_t i = 0; i < n; i++) {
    cd_tm_unit u;
    cd_tm_unit_init(&u);
    u.src_lang = units[i][0];
    u.tgt_lang = units[i][1];
    u.source = units[i][2];
    u.target = units[i][3];
    assert_int_equal(cd_tm_store_add(s, &u, NULL, &err), CD_OK);
  }
  return s;
}

static const char *const UNITS[][4] = {
    {"en", "de", "Macron met Scholz in Berlin on Monday.",
     "Macron traf Scholz am Montag in Berlin."},
    {"en", "fr", "Scholz sent 5,000 helmets to the army.",
     "Scholz a envoyé 5 000 casques à l'armée."},
    {"en", "uk", "Scholz spoke to farmers in the morning.", "Вранці Шольц говорив з фермерами."},
    {"en", "uk", "The mayor met Scholz at the station today.",
     "Мер зустрівся зі Шольцом на вокзалі сьогодні."},
    {"en", "de", "President Zelenskyy thanked the volunteers warmly.",
     "Präsident Selenskyj dankte den Freiwilligen herzlich."},
};

static cd_fuzzy_results *lookup(cd_tm_store *s, const char *q, const char *tgt, fake *f,
                                cd_status want) {
  cd_fuzzy_options o;
  cd_fuzzy_options_init(&o);
  o.src_lang = "en";
  o.tgt_lang = tgt;
  if (f) {
    o.mentions = fake_mentions;
    o.entity_form = fake_form;
    o.entity_ud = f;
  }
  cd_fuzzy_results *r = NULL;
  cd_error err;
  cd_error_clear(&err);
  assert_int_equal(cd_fuzzy_lookup(s, q, strlen(q), &o, &r, &err), want);
  return r;
}

static void test_differing_name_is_adapted(void **state) {
  (void)state;
  cd_tm_store *s = tm_with("names1.sqlite", UNITS, 5);
  fake f = {0};
  cd_fuzzy_results *r = lookup(s, "Macron met Merz in Berlin on Monday.", "de", &f, CD_OK);
  assert_int_equal(cd_fuzzy_results_count(r), 1);
  const cd_fuzzy_match *m = cd_fuzzy_results_get(r, 0);
  assert_int_equal(m->score, 100); /* the name is a placeable, like a number */
  assert_true(m->adapted);
  assert_int_equal(m->adapted_names, 1);
  assert_string_equal(m->target, "Macron traf Merz am Montag in Berlin.");
  assert_string_equal(m->unit_target, "Macron traf Scholz am Montag in Berlin.");
  cd_fuzzy_results_free(r);
  /* two names differ: both replaced */
  r = lookup(s, "Macron met Merz in Paris on Monday.", "de", &f, CD_OK);
  assert_int_equal(cd_fuzzy_results_count(r), 1);
  m = cd_fuzzy_results_get(r, 0);
  assert_int_equal(m->adapted_names, 2);
  assert_string_equal(m->target, "Macron traf Merz am Montag in Paris.");
  cd_fuzzy_results_free(r);
  /* into Ukrainian: the house form in the target language */
  r = lookup(s, "Merz spoke to farmers in the morning.", "uk", &f, CD_OK);
  assert_int_equal(cd_fuzzy_results_count(r), 1);
  assert_string_equal(cd_fuzzy_results_get(r, 0)->target, "Вранці Мерц говорив з фермерами.");
  cd_fuzzy_results_free(r);
  cd_tm_store_free(s);
}

static void test_without_recognizer_a_name_is_a_word(void **state) {
  (void)state;
  cd_tm_store *s = tm_with("names2.sqlite", UNITS, 5);
  cd_fuzzy_results *r = lookup(s, "Macron met Merz in Berlin on Monday.", "de", NULL, CD_OK);
  assert_int_equal(cd_fuzzy_results_count(r), 1);
  const cd_fuzzy_match *m = cd_fuzzy_results_get(r, 0);
  assert_int_equal(m->score, 85); /* one word of seven */
  assert_false(m->adapted);
  assert_string_equal(m->target, "Macron traf Scholz am Montag in Berlin.");
  cd_fuzzy_results_free(r);
  cd_tm_store_free(s);
}

static void test_name_and_number_together(void **state) {
  (void)state;
  cd_tm_store *s = tm_with("names3.sqlite", UNITS, 5);
  fake f = {0};
  cd_fuzzy_results *r = lookup(s, "Merz sent 6,000 helmets to the army.", "fr", &f, CD_OK);
  assert_int_equal(cd_fuzzy_results_count(r), 1);
  const cd_fuzzy_match *m = cd_fuzzy_results_get(r, 0);
  assert_int_equal(m->score, 100);
  assert_true(m->adapted);
  assert_int_equal(m->adapted_names, 1);
  assert_int_equal(m->adapted_numbers, 1);
  assert_string_equal(m->target, "Merz a envoyé 6 000 casques à l'armée.");
  cd_fuzzy_results_free(r);
  cd_tm_store_free(s);
}

/* The target declines the name (Шольцом): it is not replaced, and costs a word. */
static void test_declined_target_name_is_not_adapted(void **state) {
  (void)state;
  cd_tm_store *s = tm_with("names4.sqlite", UNITS, 5);
  fake f = {0};
  cd_fuzzy_results *r = lookup(s, "The mayor met Merz at the station today.", "uk", &f, CD_OK);
  assert_int_equal(cd_fuzzy_results_count(r), 1);
  const cd_fuzzy_match *m = cd_fuzzy_results_get(r, 0);
  assert_int_equal(m->score, 87); /* one word of eight */
  assert_false(m->adapted);
  assert_int_equal(m->adapted_names, 0);
  assert_string_equal(m->target, "Мер зустрівся зі Шольцом на вокзалі сьогодні.");
  assert_true(f.form_calls >= 1);
  cd_fuzzy_results_free(r);
  cd_tm_store_free(s);
}

/* Same entity in another spelling: a full match, nothing rewritten. */
static void test_same_entity_other_spelling(void **state) {
  (void)state;
  cd_tm_store *s = tm_with("names5.sqlite", UNITS, 5);
  fake f = {0};
  cd_fuzzy_results *r =
      lookup(s, "President Zelensky thanked the volunteers warmly.", "de", &f, CD_OK);
  assert_int_equal(cd_fuzzy_results_count(r), 1);
  const cd_fuzzy_match *m = cd_fuzzy_results_get(r, 0);
  assert_int_equal(m->score, 100);
  assert_false(m->adapted);
  assert_string_equal(m->target, "Präsident Selenskyj dankte den Freiwilligen herzlich.");
  cd_fuzzy_results_free(r);
  assert_int_equal(f.form_calls, 0);
  cd_tm_store_free(s);
}

/* A name added to the query is no placeable difference; an identical query is untouched. */
static void test_added_name_and_clean_query(void **state) {
  (void)state;
  cd_tm_store *s = tm_with("names6.sqlite", UNITS, 5);
  fake f = {0};
  cd_fuzzy_results *r =
      lookup(s, "Macron met Scholz and Merz in Berlin on Monday.", "de", &f, CD_OK);
  assert_int_equal(cd_fuzzy_results_count(r), 1);
  const cd_fuzzy_match *m = cd_fuzzy_results_get(r, 0);
  assert_false(m->adapted);
  assert_true(m->score < 100);
  assert_string_equal(m->target, "Macron traf Scholz am Montag in Berlin.");
  cd_fuzzy_results_free(r);
  r = lookup(s, "Macron met Scholz in Berlin on Monday.", "de", &f, CD_OK);
  assert_int_equal(cd_fuzzy_results_count(r), 1);
  assert_int_equal(cd_fuzzy_results_get(r, 0)->score, 100);
  assert_false(cd_fuzzy_results_get(r, 0)->adapted);
  cd_fuzzy_results_free(r);
  cd_tm_store_free(s);
}

/* Among full matches, the one with fewer rewritten placeables comes first. */
static void test_fewer_rewrites_rank_first(void **state) {
  (void)state;
  static const char *const units[][4] = {
      {"en", "de", "Tusk met Scholz in Berlin on Monday.", "Tusk traf Scholz am Montag in Berlin."},
      {"en", "de", "Tusk met Scholz in Paris on Monday.", "Tusk traf Scholz am Montag in Paris."},
  };
  cd_tm_store *s = tm_with("names8.sqlite", units, 2);
  fake f = {0};
  cd_fuzzy_results *r = lookup(s, "Tusk met Merz in Berlin on Monday.", "de", &f, CD_OK);
  assert_int_equal(cd_fuzzy_results_count(r), 2);
  const cd_fuzzy_match *a = cd_fuzzy_results_get(r, 0), *b = cd_fuzzy_results_get(r, 1);
  assert_int_equal(a->score, 100);
  assert_int_equal(b->score, 100);
  assert_int_equal(a->adapted_names, 1);
  assert_int_equal(b->adapted_names, 2);
  assert_string_equal(a->target, "Tusk traf Merz am Montag in Berlin.");
  assert_string_equal(b->target, "Tusk traf Merz am Montag in Berlin.");
  cd_fuzzy_results_free(r);
  cd_tm_store_free(s);
}

/* A failing recognizer fails the lookup with its status. */
static void test_recognizer_error(void **state) {
  (void)state;
  cd_tm_store *s = tm_with("names7.sqlite", UNITS, 5);
  fake f = {0};
  f.fail = true;
  cd_fuzzy_results *r = lookup(s, "Macron met Merz in Berlin on Monday.", "de", &f, CD_ERR_DATA);
  assert_null(r);
  cd_tm_store_free(s);
}

/* French elides "de" before a vowel: the article follows the new name. */
static void test_french_elision_follows_the_name(void **state) {
  (void)state;
  static const char *const fr_units[][4] = {
      {"en", "fr", "The plan of Scholz was approved on Monday.",
       "Le plan de Scholz a \xC3\xA9t\xC3\xA9 approuv\xC3\xA9 lundi."},
      {"en", "fr", "The visit of Orban was cancelled on Friday.",
       "La visite d\xE2\x80\x99Orb\xC3\xA1n a \xC3\xA9t\xC3\xA9 annul\xC3\xA9"
       "e vendredi."},
  };
  cd_tm_store *s = tm_with("elision.sqlite", fr_units, 2);
  fake f = {0};
  cd_fuzzy_results *r = lookup(s, "The plan of Orban was approved on Monday.", "fr", &f, CD_OK);
  assert_int_equal(cd_fuzzy_results_count(r), 1);
  assert_string_equal(
      cd_fuzzy_results_get(r, 0)->target,
      "Le plan d\xE2\x80\x99Orb\xC3\xA1n a \xC3\xA9t\xC3\xA9 approuv\xC3\xA9 lundi.");
  cd_fuzzy_results_free(r);
  r = lookup(s, "The visit of Merz was cancelled on Friday.", "fr", &f, CD_OK);
  assert_int_equal(cd_fuzzy_results_count(r), 1);
  assert_string_equal(cd_fuzzy_results_get(r, 0)->target,
                      "La visite de Merz a \xC3\xA9t\xC3\xA9 annul\xC3\xA9"
                      "e vendredi.");
  cd_fuzzy_results_free(r);
  cd_tm_store_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_differing_name_is_adapted),
      cmocka_unit_test(test_without_recognizer_a_name_is_a_word),
      cmocka_unit_test(test_name_and_number_together),
      cmocka_unit_test(test_declined_target_name_is_not_adapted),
      cmocka_unit_test(test_same_entity_other_spelling),
      cmocka_unit_test(test_added_name_and_clean_query),
      cmocka_unit_test(test_fewer_rewrites_rank_first),
      cmocka_unit_test(test_recognizer_error),
      cmocka_unit_test(test_french_elision_follows_the_name),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
