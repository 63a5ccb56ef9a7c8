/* SPDX-License-Identifier: MIT */
/* Match percentages, placeable adaptation, fuzzy lookup through the index, concordance. */
#include "cd_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cd_fuzzy.h"
#include "cd_tm_store.h"

#define NBSP "\xC2\xA0"
#define NNBSP "\xE2\x80\xAF"

static int score(const char *a, const char *b, const char *lang) {
  return cd_fuzzy_score(a, strlen(a), b, strlen(b), lang);
}

static void test_fold(void **state) {
  (void)state;
  cd_buf b = CD_BUF_INIT;
  cd_error err;
  assert_int_equal(cd_terms_fold("ÉLYSÉE Straße", strlen("ÉLYSÉE Straße"), &b, &err), CD_OK);
  assert_string_equal(b.data, "élysée strasse");
  /* Decomposed input comes out composed (NFC). */
  assert_int_equal(cd_terms_fold("Cafe\xCC\x81", 6, &b, &err), CD_OK);
  assert_string_equal(b.data, "caf\xC3\xA9");
  assert_int_equal(cd_terms_fold("ЗЕЛЕНСЬКИЙ", strlen("ЗЕЛЕНСЬКИЙ"), &b, &err), CD_OK);
  assert_string_equal(b.data, "зеленський");
  cd_buf_free(&b);
}

static void test_percentages(void **state) {
  (void)state;
  /* Identical after normalization: case and composition do not count. */
  assert_int_equal(score("The minister resigned.", "THE MINISTER RESIGNED.", "en"), 100);
  assert_int_equal(score("Le café a fermé.", "Le cafe\xCC\x81 a fermé.", "fr"), 100);
  /* Same words, other punctuation. */
  assert_int_equal(score("The minister resigned.", "The minister resigned!", "en"), 99);
  /* One word of ten replaced: 90. */
  assert_int_equal(score("Police arrested two men near the station on Friday evening",
                         "Police arrested two women near the station on Friday evening", "en"),
                   90);
  /* One word of five missing: 80. */
  assert_int_equal(score("The storm closed five schools", "The storm closed schools", "en"), 80);
  /* Two of four words differ: 50. */
  assert_int_equal(score("Fuel prices rose sharply", "Fuel taxes rose slowly", "en"), 50);
  /* Numbers are placeables: they do not lower the score. */
  assert_int_equal(
      score("6,000 troops crossed the border", "5,000 troops crossed the border", "en"), 100);
  /* Unrelated sentences score low. */
  assert_true(score("The museum reopens in June", "Farmers protest against new rules", "en") < 20);
  assert_int_equal(score("", "", "en"), 100);
  assert_int_equal(score("Hello", "", "en"), 0);
}

static void test_replace_number_in_target_style(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT;
  cd_error err;
  const char *fr = "6" NNBSP "000 soldats ont franchi la frontière.";
  assert_int_equal(cd_fuzzy_replace_number(fr, strlen(fr), "fr", "6000", "5000", &out, &err),
                   CD_OK);
  assert_string_equal(out.data, "5" NNBSP "000 soldats ont franchi la frontière.");
  const char *fr2 = "6" NBSP "000 soldats";
  assert_int_equal(cd_fuzzy_replace_number(fr2, strlen(fr2), "fr", "6000", "12500", &out, &err),
                   CD_OK);
  assert_string_equal(out.data, "12" NBSP "500 soldats");
  const char *de = "6.000 Soldaten und 2,5 Prozent";
  assert_int_equal(cd_fuzzy_replace_number(de, strlen(de), "de", "6000", "5000", &out, &err),
                   CD_OK);
  assert_string_equal(out.data, "5.000 Soldaten und 2,5 Prozent");
  assert_int_equal(cd_fuzzy_replace_number(de, strlen(de), "de", "2.5", "3.75", &out, &err), CD_OK);
  assert_string_equal(out.data, "6.000 Soldaten und 3,75 Prozent");
  const char *en = "6,000 troops";
  assert_int_equal(cd_fuzzy_replace_number(en, strlen(en), "en", "6000", "5000", &out, &err),
                   CD_OK);
  assert_string_equal(out.data, "5,000 troops");
  const char *uk = "6 000 військових";
  assert_int_equal(cd_fuzzy_replace_number(uk, strlen(uk), "uk", "6000", "5000", &out, &err),
                   CD_OK);
  assert_string_equal(out.data, "5 000 військових");
  const char *big = "1" NBSP "250" NBSP "000 habitants et 3 500 emplois";
  assert_int_equal(
      cd_fuzzy_replace_number(big, strlen(big), "fr", "1250000", "1300000", &out, &err), CD_OK);
  assert_string_equal(out.data, "1" NBSP "300" NBSP "000 habitants et 3 500 emplois");
  assert_int_equal(cd_fuzzy_replace_number(big, strlen(big), "fr", "3500", "4000", &out, &err),
                   CD_OK);
  assert_string_equal(out.data, "1" NBSP "250" NBSP "000 habitants et 4 000 emplois");
  /* In English a space does not group digits: "in 2023 500 people" holds two numbers. */
  const char *two = "in 2023 500 people";
  assert_int_equal(cd_fuzzy_replace_number(two, strlen(two), "en", "500", "600", &out, &err),
                   CD_OK);
  assert_string_equal(out.data, "in 2023 600 people");
  /* A short number in the unit takes the locale's grouping for a long value. */
  const char *ru = "300 человек";
  assert_int_equal(cd_fuzzy_replace_number(ru, strlen(ru), "ru", "300", "25000", &out, &err),
                   CD_OK);
  assert_string_equal(out.data, "25" NBSP "000 человек");
  assert_int_equal(cd_fuzzy_replace_number(ru, strlen(ru), "ru", "400", "1", &out, &err),
                   CD_ERR_INPUT);
  cd_buf_free(&out);
}

static cd_tm_store *seeded(const char *name) {
  const char *path = cdt_tm_location(name);
  cd_tm_store *s = NULL;
  cd_error err;
  assert_int_equal(cd_tm_store_new(path, NULL, &s, &err), CD_OK);
  static const char *const pairs[][4] = {
      {"en", "fr", "6,000 troops crossed the border on Monday.",
       "6" NNBSP "000 soldats ont franchi la frontière lundi."},
      {"en", "de", "6,000 troops crossed the border on Monday.",
       "6.000 Soldaten überquerten am Montag die Grenze."},
      {"en", "fr", "The minister resigned after the vote.",
       "Le ministre a démissionné après le vote."},
      {"en", "fr", "The mayor resigned after the vote on Sunday.",
       "Le maire a démissionné après le vote de dimanche."},
      {"en", "fr", "Heavy rain flooded the border villages.",
       "De fortes pluies ont inondé les villages frontaliers."},
      {"en", "fr", "Talks on the Border Treaty resume in Vienna.",
       "Les pourparlers sur le traité frontalier reprennent à Vienne."},
      {"fr", "en", "Le ministre a démissionné.", "The minister resigned."},
  };
  cd_tm_unit u[7];
  for (size_t i = 0; i < 7; i++) {
    cd_tm_unit_init(&u[i]);
    u[i].src_lang = pairs[i][0];
    u[i].tgt_lang = pairs[i][1];
    u[i].source = pairs[i][2];
    u[i].target = pairs[i][3];
  }
  assert_int_equal(cd_tm_store_add_units(s, u, 7, -1, NULL, &err), CD_OK);
  return s;
}

static void test_lookup_adapts_numbers(void **state) {
  (void)state;
  cd_tm_store *s = seeded("lookup.sqlite");
  cd_fuzzy_options o;
  cd_fuzzy_options_init(&o);
  o.src_lang = "en";
  o.tgt_lang = "fr";
  cd_fuzzy_results *r = NULL;
  cd_error err;
  const char *q = "5,000 troops crossed the border on Monday.";
  assert_int_equal(cd_fuzzy_lookup(s, q, strlen(q), &o, &r, &err), CD_OK);
  assert_int_equal(cd_fuzzy_results_count(r), 1);
  const cd_fuzzy_match *m = cd_fuzzy_results_get(r, 0);
  assert_int_equal(m->score, 100);
  assert_true(m->adapted);
  assert_string_equal(m->target, "5" NNBSP "000 soldats ont franchi la frontière lundi.");
  assert_string_equal(m->unit_target, "6" NNBSP "000 soldats ont franchi la frontière lundi.");
  cd_fuzzy_results_free(r);
  /* German target: German grouping. */
  o.tgt_lang = "de";
  assert_int_equal(cd_fuzzy_lookup(s, q, strlen(q), &o, &r, &err), CD_OK);
  assert_int_equal(cd_fuzzy_results_count(r), 1);
  assert_string_equal(cd_fuzzy_results_get(r, 0)->target,
                      "5.000 Soldaten überquerten am Montag die Grenze.");
  cd_fuzzy_results_free(r);
  /* The same figure: not adapted. */
  const char *same = "6,000 troops crossed the border on Monday.";
  assert_int_equal(cd_fuzzy_lookup(s, same, strlen(same), &o, &r, &err), CD_OK);
  assert_false(cd_fuzzy_results_get(r, 0)->adapted);
  cd_fuzzy_results_free(r);
  cd_tm_store_free(s);
}

static void test_lookup_ranks_and_filters(void **state) {
  (void)state;
  cd_tm_store *s = seeded("rank.sqlite");
  cd_fuzzy_options o;
  cd_fuzzy_options_init(&o);
  o.src_lang = "en";
  cd_fuzzy_results *r = NULL;
  cd_error err;
  const char *q = "The minister resigned after the vote on Sunday.";
  assert_int_equal(cd_fuzzy_lookup(s, q, strlen(q), &o, &r, &err), CD_OK);
  assert_int_equal(cd_fuzzy_results_count(r), 2);
  /* mayor → minister: 1 of 8 words; the other misses "on Sunday": 2 of 8. */
  assert_int_equal(cd_fuzzy_results_get(r, 0)->score, 87);
  assert_string_equal(cd_fuzzy_results_get(r, 0)->source,
                      "The mayor resigned after the vote on Sunday.");
  assert_int_equal(cd_fuzzy_results_get(r, 1)->score, 75);
  cd_fuzzy_results_free(r);
  o.min_score = 80;
  assert_int_equal(cd_fuzzy_lookup(s, q, strlen(q), &o, &r, &err), CD_OK);
  assert_int_equal(cd_fuzzy_results_count(r), 1);
  cd_fuzzy_results_free(r);
  o.min_score = 50;
  o.max_results = 1;
  assert_int_equal(cd_fuzzy_lookup(s, q, strlen(q), &o, &r, &err), CD_OK);
  assert_int_equal(cd_fuzzy_results_count(r), 1);
  cd_fuzzy_results_free(r);
  /* Nothing close: no results, no error. */
  const char *far = "Astronomers spotted a comet over Chile.";
  o.min_score = 70;
  assert_int_equal(cd_fuzzy_lookup(s, far, strlen(far), &o, &r, &err), CD_OK);
  assert_int_equal(cd_fuzzy_results_count(r), 0);
  cd_fuzzy_results_free(r);
  /* Language filter: French sources only. */
  o.src_lang = "fr";
  const char *fq = "Le ministre a démissionné.";
  assert_int_equal(cd_fuzzy_lookup(s, fq, strlen(fq), &o, &r, &err), CD_OK);
  assert_int_equal(cd_fuzzy_results_count(r), 1);
  assert_string_equal(cd_fuzzy_results_get(r, 0)->tgt_lang, "en");
  cd_fuzzy_results_free(r);
  cd_tm_store_free(s);
}

static void test_concordance(void **state) {
  (void)state;
  cd_tm_store *s = seeded("concord.sqlite");
  cd_concord_results *r = NULL;
  cd_error err;
  assert_int_equal(cd_concord(s, "BORDER", 6, "en", "fr", 20, &r, &err), CD_OK);
  /* Three English sources say "border" (one as "Border"); newest first. */
  assert_int_equal(cd_concord_results_count(r), 3);
  const cd_concord_hit *h = cd_concord_results_get(r, 0);
  assert_string_equal(h->source, "Talks on the Border Treaty resume in Vienna.");
  assert_int_equal(h->n_src, 1);
  assert_int_equal(h->src_spans[0], 13);
  assert_int_equal(h->src_spans[1], 19);
  assert_int_equal(h->n_tgt, 0);
  cd_concord_results_free(r);
  /* Both sides are searched: a target-side word, multi-word phrase with accents. */
  assert_int_equal(
      cd_concord(s, "a démissionné", strlen("a démissionné"), NULL, NULL, 20, &r, &err), CD_OK);
  assert_int_equal(cd_concord_results_count(r), 3);
  for (size_t i = 0; i < 3; i++) {
    h = cd_concord_results_get(r, i);
    const size_t *sp = strcmp(h->src_lang, "fr") == 0 ? h->src_spans : h->tgt_spans;
    const char *text = strcmp(h->src_lang, "fr") == 0 ? h->source : h->target;
    assert_memory_equal(text + sp[0], "a démissionné", strlen("a démissionné"));
  }
  cd_concord_results_free(r);
  /* A word that is only part of another word is not a hit. */
  assert_int_equal(cd_concord(s, "bord", 4, NULL, NULL, 20, &r, &err), CD_OK);
  assert_int_equal(cd_concord_results_count(r), 0);
  cd_concord_results_free(r);
  cd_tm_store_free(s);
}

static void test_find_term_spans(void **state) {
  (void)state;
  size_t *sp = NULL, n = 0;
  cd_error err;
  const char *t = "Kyiv said KYIV would answer; Kyivan press disagreed.";
  assert_int_equal(cd_fuzzy_find_term(t, strlen(t), "kyiv", 4, &sp, &n, &err), CD_OK);
  assert_int_equal(n, 2);
  assert_int_equal(sp[0], 0);
  assert_int_equal(sp[2], 10);
  free(sp);
}

/* Appends n pseudo-random words of a small vocabulary (deterministic). */
static void random_words(cd_buf *b, size_t n, unsigned *seed) {
  static const char *const w[] = {"the",   "ferry", "left",   "dover",   "police", "closed",
                                  "talks", "would", "resume", "council", "budget", "army"};
  for (size_t i = 0; i < n; i++) {
    *seed = *seed * 1103515245u + 12345u;
    assert_int_equal(cd_buf_appendf(b, "%s%s", i ? " " : "", w[(*seed >> 16) % 12]), CD_OK);
  }
}

/* BUG-37: a huge query against a huge unit costs a bounded amount of work; scores that can
 * reach --min are still exact (the band only skips what cannot). */
static void test_lookup_long_texts_bounded(void **state) {
  (void)state;
  const char *p = cdt_tm_location("long.sqlite");
  cd_tm_store *s = NULL;
  cd_error err;
  assert_int_equal(cd_tm_store_new(p, NULL, &s, &err), CD_OK);
  cd_buf unit = CD_BUF_INIT, query = CD_BUF_INIT;
  unsigned seed = 9;
  random_words(&unit, 100000, &seed);
  random_words(&query, 20000, &seed);
  cd_tm_unit u;
  cd_tm_unit_init(&u);
  u.src_lang = "en";
  u.tgt_lang = "fr";
  u.source = unit.data;
  u.target = "fr";
  assert_int_equal(cd_tm_store_add(s, &u, NULL, &err), CD_OK);
  cd_fuzzy_options o;
  cd_fuzzy_options_init(&o);
  o.min_score = 0;
  cd_fuzzy_results *r = NULL;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  assert_int_equal(cd_fuzzy_lookup(s, query.data, query.len, &o, &r, &err), CD_OK);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  if (secs > 5) /* 12 s before; about 0.05 s now, with room for sanitizers */
    fail_msg("lookup took %.1f s", secs);
  cd_fuzzy_results_free(r);
  cd_tm_store_free(s);
  /* Banded against full: 40-word sentences with some words changed, at several --min. */
  for (int k = 0; k < 30; k++) {
    cd_buf a = CD_BUF_INIT, b = CD_BUF_INIT;
    unsigned sa = (unsigned)k + 1, sb = sa;
    random_words(&a, 40, &sa);
    random_words(&b, 40 - (size_t)(k % 7), &sb);
    if (k % 3 == 0)
      random_words(&b, (size_t)k, &sb);
    int full = cd_fuzzy_score(a.data, a.len, b.data, b.len, "en");
    assert_true(full >= 0);
    p = cdt_tm_location("band.sqlite");
    assert_int_equal(cd_tm_store_new(p, NULL, &s, &err), CD_OK);
    u.source = b.data;
    assert_int_equal(cd_tm_store_add(s, &u, NULL, &err), CD_OK);
    for (int min = 0; min <= 100; min += 10) {
      o.min_score = min;
      assert_int_equal(cd_fuzzy_lookup(s, a.data, a.len, &o, &r, &err), CD_OK);
      if (full >= min) {
        assert_int_equal(cd_fuzzy_results_count(r), 1);
        assert_int_equal(cd_fuzzy_results_get(r, 0)->score, full);
      } else {
        assert_int_equal(cd_fuzzy_results_count(r), 0);
      }
      cd_fuzzy_results_free(r);
    }
    cd_tm_store_free(s);
    cd_buf_free(&a);
    cd_buf_free(&b);
  }
  cd_buf_free(&unit);
  cd_buf_free(&query);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fold),
      cmocka_unit_test(test_percentages),
      cmocka_unit_test(test_replace_number_in_target_style),
      cmocka_unit_test(test_lookup_adapts_numbers),
      cmocka_unit_test(test_lookup_ranks_and_filters),
      cmocka_unit_test(test_concordance),
      cmocka_unit_test(test_find_term_spans),
      cmocka_unit_test(test_lookup_long_texts_bounded),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
