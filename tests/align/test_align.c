/* SPDX-License-Identifier: MIT */
/* The aligner on small constructed documents: each bead type, anchors across scripts,
 * the banded DP on a long document, scores and weak beads. */
#include "cd_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cd_align.h"

static cd_align_sentence *sents(const char *const *v, size_t n) {
  cd_align_sentence *s = calloc(n ? n : 1, sizeof *s);
  assert_non_null(s);
  for (size_t i = 0; i < n; i++)
    s[i] = (cd_align_sentence){v[i], strlen(v[i]), 0};
  return s;
}

/* Aligns and renders the beads as "[0]:[0] [1,2]:[1] [3]:[] ..." (caller frees). */
static char *align_str(const cd_align_options *o, const char *const *src, size_t ns,
                       const char *const *tgt, size_t nt, cd_bead **keep, size_t *nkeep) {
  cd_aligner *al = NULL;
  cd_error err;
  assert_int_equal(cd_aligner_new(o, &al, &err), CD_OK);
  cd_align_sentence *a = sents(src, ns), *b = sents(tgt, nt);
  cd_bead *beads = NULL;
  size_t nb = 0;
  assert_int_equal(cd_aligner_align(al, a, ns, b, nt, &beads, &nb, &err), CD_OK);
  cd_buf out = CD_BUF_INIT;
  size_t next_s = 0, next_t = 0;
  for (size_t k = 0; k < nb; k++) {
    /* beads cover both sides exactly once, in order */
    assert_int_equal(beads[k].src, next_s);
    assert_int_equal(beads[k].tgt, next_t);
    next_s += beads[k].n_src;
    next_t += beads[k].n_tgt;
    assert_true(beads[k].score >= 0 && beads[k].score <= 1);
    assert_int_equal(cd_buf_append_str(&out, k ? " [" : "["), CD_OK);
    for (size_t i = 0; i < beads[k].n_src; i++)
      assert_int_equal(cd_buf_appendf(&out, "%s%zu", i ? "," : "", beads[k].src + i), CD_OK);
    assert_int_equal(cd_buf_append_str(&out, "]:["), CD_OK);
    for (size_t j = 0; j < beads[k].n_tgt; j++)
      assert_int_equal(cd_buf_appendf(&out, "%s%zu", j ? "," : "", beads[k].tgt + j), CD_OK);
    assert_int_equal(cd_buf_append_str(&out, "]"), CD_OK);
  }
  assert_int_equal(next_s, ns);
  assert_int_equal(next_t, nt);
  if (!out.data)
    assert_int_equal(cd_buf_append_str(&out, ""), CD_OK);
  if (keep) {
    *keep = beads;
    *nkeep = nb;
  } else {
    free(beads);
  }
  free(a);
  free(b);
  cd_aligner_free(al);
  return out.data;
}

/* 1-1, 2-1, 1-2, 1-0, 0-1 in one English–German council report. */
static void test_bead_types(void **state) {
  (void)state;
  const char *en[] = {
      "The council approved a budget of 6,000 euros for the new library on Monday.",
      "Mayor Anna Kowalski said the building would open in 2026.",
      "Construction starts in March.",
      "The architects come from Lyon.",
      "Critics argued that the money should go to schools instead, and a petition gathered "
      "1,200 signatures within a week.",
      "This sentence exists only in the English version and mentions 77 parking spaces near "
      "the railway station.",
      "The final vote was 31 to 12."};
  const char *de[] = {
      "Der Gemeinderat hat am Montag ein Budget von 6.000 Euro für die neue Bibliothek "
      "genehmigt.",
      "Bürgermeisterin Anna Kowalski sagte, das Gebäude werde 2026 eröffnet.",
      "Der Bau beginnt im März, die Architekten kommen aus Lyon.",
      "Kritiker meinten, das Geld solle stattdessen an die Schulen gehen.",
      "Eine Petition sammelte binnen einer Woche 1.200 Unterschriften.",
      "Die Abstimmung endete 31 zu 12.",
      "Nur die deutsche Fassung erwähnt die 45 Fahrräder vor dem Rathaus und die neuen "
      "Öffnungszeiten am Wochenende."};
  cd_bead *b = NULL;
  size_t nb = 0;
  char *got = align_str(NULL, en, 7, de, 7, &b, &nb);
  assert_string_equal(got, "[0]:[0] [1]:[1] [2,3]:[2] [4]:[3,4] [5]:[] [6]:[5] []:[6]");
  /* insertions and deletions are weak with score 0; the anchored 1-1 pairs are strong */
  assert_true(b[0].score > 0.6 && !b[0].weak);
  assert_true(b[4].weak && b[4].score == 0);
  assert_true(b[6].weak);
  free(b);
  free(got);
}

static void test_two_two(void **state) {
  (void)state;
  const char *en[] = {"Heavy rain fell across the north of the country on Sunday.",
                      ("The storm hit the coast at night and cut power to 40,000 homes near "
                       "the harbour."),
                      "Repair crews arrived from three regions by morning.",
                      "Schools will reopen on Wednesday."};
  const char *fr[] = {"De fortes pluies sont tombées dimanche sur le nord du pays.",
                      "La tempête a frappé la côte pendant la nuit.",
                      ("Elle a privé 40 000 foyers d'électricité près du port, et des équipes "
                       "de réparation venues de trois régions sont arrivées au matin."),
                      "Les écoles rouvriront mercredi."};
  char *got = align_str(NULL, en, 4, fr, 4, NULL, NULL);
  assert_string_equal(got, "[0]:[0] [1,2]:[1,2] [3]:[3]");
  free(got);
}

/* Length alone cannot tell which English sentence the Ukrainian text dropped: names
 * (Зеленський ↔ Zelenskyy, Мелоні ↔ Meloni, Харків ↔ Kharkiv) and numbers (6,000 ↔ 6 000)
 * match across scripts, and a number found nowhere in the translation marks the dropped
 * sentence. */
static void test_anchors_across_scripts(void **state) {
  (void)state;
  const char *en[] = {"Zelenskyy met the prime minister in Paris on Monday.",
                      "Scholz spoke with Tusk for 45 minutes in Warsaw.",
                      "Meloni pledged 6,000 generators to the city of Kharkiv."};
  const char *uk[] = {"Зеленський зустрівся з прем'єр-міністром у Парижі в понеділок.",
                      "Мелоні пообіцяла 6 000 генераторів місту Харків."};
  char *got = align_str(NULL, en, 3, uk, 2, NULL, NULL);
  assert_string_equal(got, "[0]:[0] [1]:[] [2]:[1]");
  free(got);
  /* mirror image: the dropped sentence is the first one */
  const char *uk2[] = {"Шольц говорив із Туском 45 хвилин у Варшаві.",
                       "Мелоні пообіцяла 6 000 генераторів місту Харків."};
  got = align_str(NULL, en, 3, uk2, 2, NULL, NULL);
  assert_string_equal(got, "[0]:[] [1]:[0] [2]:[1]");
  free(got);
}

static void test_empty_sides(void **state) {
  (void)state;
  const char *en[] = {"Only one side has text.", "A second sentence."};
  char *got = align_str(NULL, en, 2, NULL, 0, NULL, NULL);
  assert_string_equal(got, "[0]:[] [1]:[]");
  free(got);
  got = align_str(NULL, NULL, 0, en, 2, NULL, NULL);
  assert_string_equal(got, "[]:[0] []:[1]");
  free(got);
  got = align_str(NULL, NULL, 0, NULL, 0, NULL, NULL);
  assert_string_equal(got, "");
  free(got);
}

/* A long document (3,000 sentences with gaps and merges) aligned in a narrow band gives
 * the same beads as the full matrix, and evaluates far fewer cells. */
static void test_banded_long_document(void **state) {
  (void)state;
  enum { N = 3000 };
  static const char *words[] = {"harbour", "council", "budget",   "river",  "school",
                                "railway", "market",  "hospital", "bridge", "festival"};
  static const char *worte[] = {"Hafen", "Rat",   "Haushalt", "Fluss",  "Schule",
                                "Bahn",  "Markt", "Klinik",   "Brücke", "Fest"};
  char **src = calloc(N, sizeof *src), **tgt = calloc(N + N / 50, sizeof *tgt);
  size_t nt = 0, want_11 = 0;
  for (size_t i = 0; i < N; i++) {
    size_t len = 3 + (i * 7919) % 17;
    cd_buf s = CD_BUF_INIT, t = CD_BUF_INIT;
    assert_int_equal(cd_buf_appendf(&s, "Item %zu:", i * 13 + 100), CD_OK);
    assert_int_equal(cd_buf_appendf(&t, "Punkt %zu:", i * 13 + 100), CD_OK);
    for (size_t k = 0; k < len; k++) {
      assert_int_equal(cd_buf_appendf(&s, " %s", words[(i + k) % 10]), CD_OK);
      assert_int_equal(cd_buf_appendf(&t, " %s", worte[(i + k) % 10]), CD_OK);
    }
    src[i] = s.data;
    if (i % 97 == 50) {
      free(t.data); /* the translation drops this sentence */
      continue;
    }
    tgt[nt++] = t.data;
    want_11++;
    if (i % 113 == 7) {
      cd_buf x = CD_BUF_INIT; /* and adds one of its own */
      assert_int_equal(
          cd_buf_appendf(&x,
                         "Zusatz ohne Gegenstück mit sehr vielen Wörtern, die niemand braucht."),
          CD_OK);
      tgt[nt++] = x.data;
    }
  }
  cd_align_options full, band;
  cd_align_options_init(&full);
  full.band = N + 100;
  cd_align_options_init(&band);
  band.band = 8;
  cd_bead *bf = NULL, *bb = NULL;
  size_t nf = 0, nbb = 0;
  char *a = align_str(&full, (const char *const *)src, N, (const char *const *)tgt, nt, &bf, &nf);
  cd_aligner *al = NULL;
  cd_error err;
  assert_int_equal(cd_aligner_new(&band, &al, &err), CD_OK);
  cd_align_sentence *ss = sents((const char *const *)src, N),
                    *ts = sents((const char *const *)tgt, nt);
  assert_int_equal(cd_aligner_align(al, ss, N, ts, nt, &bb, &nbb, &err), CD_OK);
  cd_align_stats st;
  cd_aligner_stats(al, &st);
  assert_true(st.band_used >= 8 && st.band_used < 64);
  assert_true(st.dp_cells < (size_t)N * nt / 20); /* far from the full matrix */
  assert_int_equal(nbb, nf);
  for (size_t k = 0; k < nf; k++) {
    assert_int_equal(bb[k].src, bf[k].src);
    assert_int_equal(bb[k].n_src, bf[k].n_src);
    assert_int_equal(bb[k].tgt, bf[k].tgt);
    assert_int_equal(bb[k].n_tgt, bf[k].n_tgt);
  }
  /* and it is right: every kept sentence is in a 1-1 bead with its own number */
  size_t ok = 0;
  for (size_t k = 0; k < nf; k++)
    if (bf[k].n_src == 1 && bf[k].n_tgt == 1 &&
        strcmp(strchr(src[bf[k].src], ' '), strchr(tgt[bf[k].tgt], ' ')) != 0 &&
        strncmp(strchr(src[bf[k].src], ' '), strchr(tgt[bf[k].tgt], ' '), 5) == 0)
      ok++;
  assert_int_equal(ok, want_11);
  free(a);
  free(bf);
  free(bb);
  free(ss);
  free(ts);
  cd_aligner_free(al);
  for (size_t i = 0; i < N; i++)
    free(src[i]);
  for (size_t j = 0; j < nt; j++)
    free(tgt[j]);
  free(src);
  free(tgt);
}

/* Paragraph pre-alignment keeps sentences inside their aligned paragraphs. */
static void test_paragraphs(void **state) {
  (void)state;
  cd_align_sentence en[] = {{"Rescue teams reached the village at dawn.", 41, 0},
                            {"They found 12 people trapped.", 29, 0},
                            {"The road to Zhytomyr reopened on Tuesday.", 41, 1},
                            {"Traffic was light.", 18, 1}};
  cd_align_sentence uk[] = {{"Рятувальники дісталися села на світанку.", 0, 0},
                            {"Вони знайшли 12 людей під завалами.", 0, 0},
                            {"Дорогу на Житомир відкрили у вівторок.", 0, 1},
                            {"Машин було мало.", 0, 1}};
  for (size_t j = 0; j < 4; j++)
    uk[j].len = strlen(uk[j].text);
  cd_aligner *al = NULL;
  cd_error err;
  assert_int_equal(cd_aligner_new(NULL, &al, &err), CD_OK);
  cd_bead *b = NULL;
  size_t nb = 0;
  assert_int_equal(cd_aligner_align(al, en, 4, uk, 4, &b, &nb, &err), CD_OK);
  assert_int_equal(nb, 4);
  for (size_t k = 0; k < nb; k++) {
    assert_int_equal(b[k].src, k);
    assert_int_equal(b[k].tgt, k);
    assert_int_equal(b[k].n_src, 1);
    assert_int_equal(b[k].n_tgt, 1);
  }
  free(b);
  cd_aligner_free(al);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_bead_types),
                                     cmocka_unit_test(test_two_two),
                                     cmocka_unit_test(test_anchors_across_scripts),
                                     cmocka_unit_test(test_empty_sides),
                                     cmocka_unit_test(test_banded_long_document),
                                     cmocka_unit_test(test_paragraphs)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
