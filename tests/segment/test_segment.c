/* SPDX-License-Identifier: MIT */
/* Sentence segmentation per language: abbreviations, initials, numbers, quotes, headings. */
#include "cd_test.h"

#include <stdlib.h>
#include <string.h>

#include "cd_segment.h"

/* Segments text and returns the sentences joined by " | " (caller frees). */
static char *seg_join(const char *lang, const char *text, bool join_lines) {
  cd_segment_options o;
  cd_segment_options_init(&o);
  o.join_lines = join_lines;
  cd_segmenter *seg = NULL;
  cd_error err;
  assert_int_equal(cd_segmenter_new(lang, cdt_data_dir(), &o, &seg, &err), CD_OK);
  cd_sentence_span *sp = NULL;
  size_t n = 0;
  assert_int_equal(cd_segmenter_split(seg, text, strlen(text), &sp, &n, &err), CD_OK);
  cd_buf b = CD_BUF_INIT;
  for (size_t i = 0; i < n; i++) {
    if (i)
      assert_int_equal(cd_buf_append_str(&b, " | "), CD_OK);
    assert_int_equal(cd_buf_append(&b, text + sp[i].start, sp[i].end - sp[i].start), CD_OK);
  }
  if (!b.data)
    assert_int_equal(cd_buf_append_str(&b, ""), CD_OK);
  free(sp);
  cd_segmenter_free(seg);
  return b.data;
}

#define EXPECT_SEG(lang, text, want)                                                               \
  do {                                                                                             \
    char *got_ = seg_join(lang, text, false);                                                      \
    assert_string_equal(got_, want);                                                               \
    free(got_);                                                                                    \
  } while (0)

static void test_en_abbreviations(void **state) {
  (void)state;
  EXPECT_SEG("en", "Gen. Carla Ruiz met Mr. Okafor and Dr. Lee on Tuesday. They talked.",
             "Gen. Carla Ruiz met Mr. Okafor and Dr. Lee on Tuesday. | They talked.");
  EXPECT_SEG("en", "The U.S. Senate and the U.K. Parliament voted. Both passed it.",
             "The U.S. Senate and the U.K. Parliament voted. | Both passed it.");
  EXPECT_SEG("en", "The hearing is set for Jan. 14 in Denver. Lawyers agreed.",
             "The hearing is set for Jan. 14 in Denver. | Lawyers agreed.");
  EXPECT_SEG("en", "He wore No. 23 for the team. Fans cheered.",
             "He wore No. 23 for the team. | Fans cheered.");
  /* a number class entry is a boundary when no number follows */
  EXPECT_SEG("en", "She said no. Then she left.", "She said no. | Then she left.");
}

static void test_en_initials_numbers_quotes(void **state) {
  (void)state;
  EXPECT_SEG("en", "J. R. R. Tolkien taught at Oxford. He wrote novels.",
             "J. R. R. Tolkien taught at Oxford. | He wrote novels.");
  EXPECT_SEG("en", "Prices rose 2.5 percent to $6,000.50 in May. Sales fell.",
             "Prices rose 2.5 percent to $6,000.50 in May. | Sales fell.");
  EXPECT_SEG("en", "\"We will rebuild.\" The minister left. (It rained.) Then calm.",
             "\"We will rebuild.\" | The minister left. | (It rained.) | Then calm.");
  EXPECT_SEG("en", "They waited... and waited. Nobody came! Why? Unclear.",
             "They waited... and waited. | Nobody came! | Why? | Unclear.");
}

static void test_headings_and_lines(void **state) {
  (void)state;
  const char *t = "Flood warning for the river valley\n"
                  "Residents were told to leave by noon. Shelters opened.\n"
                  "\n"
                  "- Sandbags at the depot\n"
                  "- Buses from the square\n";
  EXPECT_SEG("en", t,
             "Flood warning for the river valley | Residents were told to leave by noon. | "
             "Shelters opened. | - Sandbags at the depot | - Buses from the square");
  /* join_lines: a hard-wrapped paragraph is one text */
  char *got =
      seg_join("en", "The river rose\nby two metres overnight. Roads closed.\n\nNext.", true);
  assert_string_equal(got, "The river rose\nby two metres overnight. | Roads closed. | Next.");
  free(got);
}

static void test_fr(void **state) {
  (void)state;
  EXPECT_SEG("fr", "M. Lecornu a reçu Mme Dupont. Ils ont parlé.",
             "M. Lecornu a reçu Mme Dupont. | Ils ont parlé.");
  EXPECT_SEG("fr", "Le Pr. Martin a répondu « non. » Puis il est sorti.",
             "Le Pr. Martin a répondu « non. » | Puis il est sorti.");
  EXPECT_SEG("fr", "Le stade compte 6 000 places et 2,5 hectares. Il ouvre en mai.",
             "Le stade compte 6 000 places et 2,5 hectares. | Il ouvre en mai.");
}

static void test_de(void **state) {
  (void)state;
  EXPECT_SEG("de", "Die Wahl findet am 3. Oktober statt. Danach wird gezählt.",
             "Die Wahl findet am 3. Oktober statt. | Danach wird gezählt.");
  EXPECT_SEG("de", "Es gibt z. B. Äpfel und Birnen. Dr. Weber kauft sie.",
             "Es gibt z. B. Äpfel und Birnen. | Dr. Weber kauft sie.");
  EXPECT_SEG("de", "Nach Art. 5 Abs. 2 ist das erlaubt. Der Kläger verlor.",
             "Nach Art. 5 Abs. 2 ist das erlaubt. | Der Kläger verlor.");
  /* an ordinal before an ordinary noun is still a boundary when a sentence ends there */
  EXPECT_SEG("de", "Das Team wurde Dritter von 12. Trainer ist Weber.",
             "Das Team wurde Dritter von 12. | Trainer ist Weber.");
}

static void test_uk(void **state) {
  (void)state;
  /* Ukrainian has no ICU suppression data: the list and the initial rule do it all */
  EXPECT_SEG("uk", "В. Зеленський прибув до м. Одеса. Там його зустріли.",
             "В. Зеленський прибув до м. Одеса. | Там його зустріли.");
  EXPECT_SEG("uk", "Проф. Коваленко виступила на конференції. Вона говорила годину.",
             "Проф. Коваленко виступила на конференції. | Вона говорила годину.");
  EXPECT_SEG("uk", "Бюджет становить 6 000 грн. Чи вистачить? Так.",
             "Бюджет становить 6 000 грн. | Чи вистачить? | Так.");
}

static void test_ru(void **state) {
  (void)state;
  EXPECT_SEG("ru", "Проф. Смирнов и ген. Орлов приехали. Встреча началась.",
             "Проф. Смирнов и ген. Орлов приехали. | Встреча началась.");
  EXPECT_SEG("ru", "А. С. Пушкин родился в Москве. Это известно.",
             "А. С. Пушкин родился в Москве. | Это известно.");
  EXPECT_SEG("ru", "Они купили яблоки, груши и др. фрукты. Потом ушли.",
             "Они купили яблоки, груши и др. фрукты. | Потом ушли.");
}

static void test_language_without_list(void **state) {
  (void)state;
  /* Spanish has no file: ICU plus the built-in initial rule still work */
  EXPECT_SEG("es", "J. García llegó ayer. Hoy se fue.", "J. García llegó ayer. | Hoy se fue.");
}

static void test_bad_input(void **state) {
  (void)state;
  cd_segmenter *seg = NULL;
  cd_error err;
  assert_int_equal(cd_segmenter_new("en", cdt_data_dir(), NULL, &seg, &err), CD_OK);
  assert_true(cd_segmenter_abbrev_count(seg) > 50);
  const char bad[] = "Fine text. Then \xC3\x28 broken.";
  cd_sentence_span *sp = NULL;
  size_t n = 0;
  assert_int_equal(cd_segmenter_split(seg, bad, sizeof bad - 1, &sp, &n, &err), CD_ERR_INPUT);
  assert_non_null(strstr(err.message, "byte 16"));
  assert_null(sp);
  /* empty and blank input: no sentences */
  assert_int_equal(cd_segmenter_split(seg, " \n\n \n", 5, &sp, &n, &err), CD_OK);
  assert_int_equal(n, 0);
  free(sp);
  cd_segmenter_free(seg);
  cd_segmenter_free(NULL);
  /* a data directory without abbreviation data is an error naming the path */
  assert_int_equal(cd_segmenter_new("en", "/nonexistent-copydesk-data", NULL, &seg, &err),
                   CD_ERR_DATA);
  assert_non_null(strstr(err.message, "/nonexistent-copydesk-data/abbrev"));
  assert_null(seg);
}

static void test_paragraph_numbers(void **state) {
  (void)state;
  cd_segmenter *seg = NULL;
  cd_error err;
  assert_int_equal(cd_segmenter_new("en", cdt_data_dir(), NULL, &seg, &err), CD_OK);
  const char *t = "One. Two.\n\n\nThree.\nFour.\n";
  cd_sentence_span *sp = NULL;
  size_t n = 0;
  assert_int_equal(cd_segmenter_split(seg, t, strlen(t), &sp, &n, &err), CD_OK);
  assert_int_equal(n, 4);
  assert_int_equal(sp[0].paragraph, 0);
  assert_int_equal(sp[1].paragraph, 0);
  assert_int_equal(sp[2].paragraph, 1);
  assert_int_equal(sp[3].paragraph, 1);
  assert_int_equal(sp[2].start, 12);
  free(sp);
  cd_segmenter_free(seg);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_en_abbreviations),
                                     cmocka_unit_test(test_en_initials_numbers_quotes),
                                     cmocka_unit_test(test_headings_and_lines),
                                     cmocka_unit_test(test_fr),
                                     cmocka_unit_test(test_de),
                                     cmocka_unit_test(test_uk),
                                     cmocka_unit_test(test_ru),
                                     cmocka_unit_test(test_language_without_list),
                                     cmocka_unit_test(test_bad_input),
                                     cmocka_unit_test(test_paragraph_numbers)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
