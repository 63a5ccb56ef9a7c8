/* SPDX-License-Identifier: MIT */
/* Entity anchors in the aligner: ids the caller attaches to sentences (in copydesk align,
 * names-store entity ids) decide where lengths mislead; repeated names do not glue
 * sentences together; no ids, empty ids and mismatching ids leave the length model alone. */
#include "cd_test.h"

#include <stdlib.h>
#include <string.h>

#include "cd_align.h"

/* A German report of four sentences and its Ukrainian version without the second one. The
 * lengths suggest the second German sentence is the first Ukrainian one about Kyiv, and the
 * words share no transliteration key (Kiew/Києві, Moskau/Москва, Deutschland/Німеччини). */
static const char *const DE[] = {
    "Die Bundesregierung in Deutschland kündigte am Dienstag ein neues Hilfspaket an.",
    "Kanzler Scholz sprach danach mit Journalisten über die Lieferungen.",
    "In Kiew blieb die Lage nach Angaben der Behörden die ganze Nacht ruhig.",
    "Aus Moskau kam keine Reaktion."};
static const char *const UK[] = {"Уряд Німеччини у вівторок оголосив про новий пакет допомоги.",
                                 "У Києві вночі було спокійно, розповіли місцеві чиновники.",
                                 "Москва до вечора ніяк не відреагувала на заяву уряду в Берліні."};

static const char *const E_DE0[] = {"place:germany"}, *const E_DE1[] = {"person:olaf-scholz"},
                         *const E_DE2[] = {"place:kyiv"}, *const E_DE3[] = {"place:moscow"};
static const char *const E_UK0[] = {"place:germany"}, *const E_UK1[] = {"place:kyiv"},
                         *const E_UK2[] = {"place:moscow", "place:berlin"};

static char *run_align(const char *const *src, size_t ns, const char *const *tgt, size_t nt,
                       const cd_align_entities *es, const cd_align_entities *et,
                       cd_align_stats *stats) {
  cd_align_options o;
  cd_align_options_init(&o);
  o.paragraphs = false;
  o.src_entities = es;
  o.tgt_entities = et;
  cd_aligner *al = NULL;
  cd_error err;
  assert_int_equal(cd_aligner_new(&o, &al, &err), CD_OK);
  cd_align_sentence *a = calloc(ns, sizeof *a), *b = calloc(nt, sizeof *b);
  assert_non_null(a);
  assert_non_null(b);
  for (size_t i = 0; i < ns; i++)
    a[i] = (cd_align_sentence){src[i], strlen(src[i]), 0};
  for (size_t j = 0; j < nt; j++)
    b[j] = (cd_align_sentence){tgt[j], strlen(tgt[j]), 0};
  cd_bead *v = NULL;
  size_t n = 0;
  assert_int_equal(cd_aligner_align(al, a, ns, b, nt, &v, &n, &err), CD_OK);
  cd_buf out = CD_BUF_INIT;
  assert_int_equal(cd_buf_append_str(&out, ""), CD_OK);
  for (size_t k = 0; k < n; k++) {
    assert_int_equal(cd_buf_append_str(&out, k ? " [" : "["), CD_OK);
    for (size_t i = 0; i < v[k].n_src; i++)
      assert_int_equal(cd_buf_appendf(&out, "%s%zu", i ? "," : "", v[k].src + i), CD_OK);
    assert_int_equal(cd_buf_append_str(&out, "]:["), CD_OK);
    for (size_t j = 0; j < v[k].n_tgt; j++)
      assert_int_equal(cd_buf_appendf(&out, "%s%zu", j ? "," : "", v[k].tgt + j), CD_OK);
    assert_int_equal(cd_buf_append_str(&out, "]"), CD_OK);
  }
  if (stats)
    cd_aligner_stats(al, stats);
  free(v);
  free(a);
  free(b);
  cd_aligner_free(al);
  return out.data;
}

static void test_entities_decide_where_lengths_mislead(void **state) {
  (void)state;
  /* without entities the length model pairs the Scholz sentence with the Kyiv one */
  char *plain = run_align(DE, 4, UK, 3, NULL, NULL, NULL);
  assert_string_equal(plain, "[0]:[0] [1]:[1] [2]:[2] [3]:[]");
  free(plain);
  const cd_align_entities es[] = {{E_DE0, 1}, {E_DE1, 1}, {E_DE2, 1}, {E_DE3, 1}};
  const cd_align_entities et[] = {{E_UK0, 1}, {E_UK1, 1}, {E_UK2, 2}};
  cd_align_stats st;
  char *got = run_align(DE, 4, UK, 3, es, et, &st);
  assert_string_equal(got, "[0]:[0] [1]:[] [2]:[1] [3]:[2]");
  assert_int_equal(st.entity_pairs, 3); /* germany, kyiv, moscow; scholz and berlin are one-sided */
  free(got);
}

static void test_entities_set_on_a_reused_aligner(void **state) {
  (void)state;
  cd_aligner *al = NULL;
  cd_error err;
  assert_int_equal(cd_aligner_new(NULL, &al, &err), CD_OK);
  cd_align_sentence a[4], b[3];
  for (size_t i = 0; i < 4; i++)
    a[i] = (cd_align_sentence){DE[i], strlen(DE[i]), 0};
  for (size_t j = 0; j < 3; j++)
    b[j] = (cd_align_sentence){UK[j], strlen(UK[j]), 0};
  const cd_align_entities es[] = {{E_DE0, 1}, {E_DE1, 1}, {E_DE2, 1}, {E_DE3, 1}};
  const cd_align_entities et[] = {{E_UK0, 1}, {E_UK1, 1}, {E_UK2, 2}};
  cd_aligner_set_entities(al, es, et);
  cd_bead *v = NULL;
  size_t n = 0;
  assert_int_equal(cd_aligner_align(al, a, 4, b, 3, &v, &n, &err), CD_OK);
  assert_int_equal(n, 4);
  assert_int_equal(v[1].n_tgt, 0); /* the Scholz sentence has no translation */
  assert_int_equal(v[2].src, 2);
  assert_int_equal(v[2].tgt, 1);
  assert_true(v[2].score > 0.9);
  free(v);
  /* cleared again: the length model alone */
  cd_aligner_set_entities(al, NULL, NULL);
  assert_int_equal(cd_aligner_align(al, a, 4, b, 3, &v, &n, &err), CD_OK);
  assert_int_equal(v[1].n_tgt, 1);
  assert_int_equal(v[1].tgt, 1);
  free(v);
  cd_aligner_free(al);
}

/* A headline and a lead naming the same city on both sides stay two 1-1 beads. */
static void test_repeated_entity_keeps_one_to_one(void **state) {
  (void)state;
  const char *const en[] = {"Power back in Kharkiv after strike",
                            "Engineers restored electricity to homes in Kharkiv on Tuesday.",
                            "The grid operator thanked the crews."};
  const char *const uk[] = {"У Харкові відновили світло після удару",
                            "Енергетики у вівторок повернули електрику в домівки у Харкові.",
                            "Оператор мережі подякував бригадам."};
  static const char *const kh[] = {"place:kharkiv"};
  const cd_align_entities es[] = {{kh, 1}, {kh, 1}, {NULL, 0}};
  const cd_align_entities et[] = {{kh, 1}, {kh, 1}, {NULL, 0}};
  char *got = run_align(en, 3, uk, 3, es, et, NULL);
  assert_string_equal(got, "[0]:[0] [1]:[1] [2]:[2]");
  free(got);
}

/* Ids that never match across sides, and empty or NULL ids, change nothing. */
static void test_unmatched_and_empty_ids_are_neutral(void **state) {
  (void)state;
  static const char *const junk[] = {"", NULL, "x"}, *const other[] = {"y", ""};
  const cd_align_entities es[] = {{junk, 3}, {junk, 3}, {NULL, 0}, {junk, 1}};
  const cd_align_entities et[] = {{other, 2}, {NULL, 0}, {other, 1}};
  cd_align_stats st;
  char *got = run_align(DE, 4, UK, 3, es, et, &st);
  assert_string_equal(got, "[0]:[0] [1]:[1] [2]:[2] [3]:[]");
  assert_int_equal(st.entity_pairs, 0);
  free(got);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_entities_decide_where_lengths_mislead),
      cmocka_unit_test(test_entities_set_on_a_reused_aligner),
      cmocka_unit_test(test_repeated_entity_keeps_one_to_one),
      cmocka_unit_test(test_unmatched_and_empty_ids_are_neutral),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
