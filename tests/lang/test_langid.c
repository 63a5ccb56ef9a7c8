/* Language identification and languages from file names. */
#include "cd_test.h"

#include <string.h>

#include "cd_lang.h"

static void detect(const char *text, const char *want) {
  cd_langid *id = NULL;
  cd_error err;
  assert_int_equal(cd_langid_new(cdt_data_dir(), &id, &err), CD_OK);
  char lang[16];
  assert_int_equal(cd_langid_detect(id, text, strlen(text), lang), CD_OK);
  if (strcmp(lang, want) != 0)
    fail_msg("'%s': detected %s, want %s", text, lang, want);
  cd_langid_free(id);
}

static void test_detect_news_sentences(void **state) {
  (void)state;
  detect("The defence minister said on Tuesday that the new air defence systems would arrive "
         "before the winter.",
         "en");
  detect("Le ministre des Armées a annoncé mardi que les nouveaux systèmes de défense aérienne "
         "arriveraient avant l'hiver.",
         "fr");
  detect("Der Verteidigungsminister kündigte am Dienstag an, dass die neuen Luftabwehrsysteme "
         "noch vor dem Winter eintreffen würden.",
         "de");
  /* Ukrainian and Russian: alphabet evidence decides (і ї є ґ vs ы э ъ ё) */
  detect("Міністр оборони заявив у вівторок, що нові системи протиповітряної оборони прибудуть "
         "до зими.",
         "uk");
  detect("Министр обороны заявил во вторник, что новые системы противовоздушной обороны "
         "прибудут до зимы.",
         "ru");
  detect("12 345 — 67", "und");
  detect("", "und");
}

/* Short segments (headlines, captions): a wrong guess would apply another language's house
 * style, so the answer is the right language or none ("und"), never another one. */
static void detect_or_none(const char *text, const char *want) {
  cd_langid *id = NULL;
  cd_error err;
  assert_int_equal(cd_langid_new(cdt_data_dir(), &id, &err), CD_OK);
  char lang[16];
  assert_int_equal(cd_langid_detect(id, text, strlen(text), lang), CD_OK);
  if (strcmp(lang, want) != 0 && strcmp(lang, "und") != 0)
    fail_msg("'%s': detected %s, want %s or und", text, lang, want);
  cd_langid_free(id);
}

static void test_short_segments(void **state) {
  (void)state;
  /* English headlines that n-grams take for German or French */
  detect_or_none("Zelenskyy met Macron.", "en");
  detect_or_none("Attack in East Jerusalem", "en");
  detect_or_none("Strikes hit Odesa port again", "en");
  detect_or_none("Merz und Macron in Berlin", "de");
  detect("Die Regierung hat den Plan am Montag gebilligt", "de");
  detect("He said the talks would go on", "en");
  detect_or_none("Le président a rencontré les maires", "fr");
  /* Cyrillic without letters of one alphabet: the words decide */
  detect("Але для чого?", "uk");
  detect("Як ми його знайдемо", "uk");
  detect("Что он сказал вчера", "ru");
  detect_or_none("Дональд Трамп официально", "ru");
}

static void test_lang_from_filename(void **state) {
  (void)state;
  char s[16], t[16];
  assert_true(cd_lang_from_filename("/desk/in/story-fr.txt", s, t));
  assert_string_equal(s, "fr");
  assert_true(cd_lang_from_filename("story.uk.txt", s, t));
  assert_string_equal(s, "uk");
  assert_true(cd_lang_from_filename("pairs/brief.en-de.tsv", s, t));
  assert_string_equal(s, "en");
  assert_string_equal(t, "de");
  assert_false(cd_lang_from_filename("story.txt", s, t));
  assert_false(cd_lang_from_filename("notes-draft.txt", s, t)); /* "draft" is no tag */
  assert_false(cd_lang_from_filename("pairs.tsv", s, t));
  assert_false(cd_lang_from_filename("dir.fr/story", s, t));
}

static void test_tag_validation(void **state) {
  (void)state;
  assert_true(cd_lang_tag_valid("en"));
  assert_true(cd_lang_tag_valid("uk"));
  assert_true(cd_lang_tag_valid("pt-BR"));
  assert_true(cd_lang_tag_valid("sr-Latn"));
  assert_false(cd_lang_tag_valid(""));
  assert_false(cd_lang_tag_valid("english"));
  assert_false(cd_lang_tag_valid("en-"));
  assert_false(cd_lang_tag_valid("e"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_detect_news_sentences),
      cmocka_unit_test(test_short_segments),
      cmocka_unit_test(test_lang_from_filename),
      cmocka_unit_test(test_tag_validation),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
