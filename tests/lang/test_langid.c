/* SPDX-License-Identifier: MIT */
/* Language identification and languages from file names. */
#include "cd_test.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cd_lang.h"

/* One detector for the whole run: its hunspell dictionaries load once. */
static cd_langid *shared_id;

static int open_shared(void **state) {
  (void)state;
  cd_error err;
  return cd_langid_new(cdt_data_dir(), &shared_id, &err) == CD_OK ? 0 : -1;
}

static int free_shared(void **state) {
  (void)state;
  cd_langid_free(shared_id);
  return 0;
}

static void detect(const char *text, const char *want) {
  char lang[16];
  assert_int_equal(cd_langid_detect(shared_id, text, strlen(text), lang), CD_OK);
  if (strcmp(lang, want) != 0)
    fail_msg("'%s': detected %s, want %s", text, lang, want);
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
  char lang[16];
  assert_int_equal(cd_langid_detect(shared_id, text, strlen(text), lang), CD_OK);
  if (strcmp(lang, want) != 0 && strcmp(lang, "und") != 0)
    fail_msg("'%s': detected %s, want %s or und", text, lang, want);
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

/* Classes of short text that n-grams or a dictionary alone get wrong (issue 16). */
static void test_short_segment_classes(void **state) {
  (void)state;
  /* languages without a house style are not taken for one that has it: their function
   * words veto, whatever letters or words they share with French, English or Russian */
  detect("Ataque de Rusia en Kiev deja tres muertos", "und");
  detect("El gobierno aprobó la ley por la noche", "und");
  detect("Il governo ha approvato la legge della sera", "und");
  detect("O governo aprovou a nova lei", "und");
  detect("Het kabinet is het eens over de begroting", "und");
  detect("Министърът каза, че ще подаде оставка", "und"); /* Bulgarian: ъ is no Russian */
  detect("Прэзідэнт сказаў, што ўрад", "und");            /* Belarusian: і is no Ukrainian */
  /* particles inside names say nothing: von der Leyen, Le Pen, (La France insoumise) */
  detect_or_none("President von der Leyen visits Kyiv", "en");
  detect_or_none("Marine Le Pen (Rassemblement National) says no", "en");
  detect_or_none("Mathilde Panot (La France Insoumise) said", "en");
  /* Title Case headlines: capitals everywhere, the function words still count */
  detect("War In Ukraine Enters Its Third Winter", "en");
  /* function words decide where the dictionaries accept loans and names */
  detect("She said the parliament would vote", "en");
  detect("Attaque à Jérusalem-Est", "fr");
  detect("Was ich noch sagen wollte.", "de");
  /* German nouns are capitalised: a capitalised word only de_DE knows counts for German */
  detect_or_none("Russland will nachlegen", "de");
  detect("Die Expedition hat im Lager gewartet", "de");
  /* uk/ru without letters of one alphabet: function words, not hunspell's rare forms (ru_RU
   * knows "вони" as a form of "вонь") */
  detect("Думаю, вони не", "uk");
  detect_or_none("Причина в тому,", "uk");
  detect_or_none("31 хвилин (и) тому", "uk"); /* a one-letter word in brackets is no "и" */
  detect("Я точно не знаю, что", "ru");
}

/* -v's words for a detection: what decided it and how sure it was. */
static void test_guess_explains_itself(void **state) {
  (void)state;
  cd_langid *id = shared_id;
  cd_lang_guess g;
  char why[96];
  const char *uk = "Міністр заявив, що рішення ухвалять до кінця тижня.";
  assert_int_equal(cd_langid_guess(id, uk, strlen(uk), &g), CD_OK);
  assert_string_equal(g.lang, "uk");
  assert_string_equal(g.basis, "alphabet");
  cd_lang_guess_describe(&g, why, sizeof why);
  assert_string_equal(why, "alphabet: 4 letters of its own against 0"); /* і і і і */
  const char *en = "Zelenskyy met Macron.";
  assert_int_equal(cd_langid_guess(id, en, strlen(en), &g), CD_OK);
  assert_string_equal(g.lang, "und");
  assert_null(g.basis);
  cd_lang_guess_describe(&g, why, sizeof why);
  assert_non_null(strstr(why, "in 18 letters"));
}

/* The word lists are data: a malformed line is an error naming file and line; a missing
 * list leaves short texts without a language, never with a wrong one. */
static void test_word_list_data(void **state) {
  (void)state;
  char dir[4200], sub[4300], path[4400];
  snprintf(dir, sizeof dir, "%s/langid-data", cdt_tmpdir());
  snprintf(sub, sizeof sub, "%s/langid", dir);
  mkdir(dir, 0755);
  mkdir(sub, 0755);
  snprintf(path, sizeof path, "%s/function-words.txt", sub);
  const char *bad = "# words\nen: the of and\nthese words have no language\n";
  cdt_write_file(path, bad, strlen(bad));
  cd_langid *id = NULL;
  cd_error err;
  assert_int_equal(cd_langid_new(dir, &id, &err), CD_ERR_DATA);
  assert_non_null(strstr(err.message, "function-words.txt:3:"));
  unlink(path);
  assert_int_equal(cd_langid_new(dir, &id, &err), CD_OK);
  char lang[16];
  const char *en = "He said the talks would go on";
  assert_int_equal(cd_langid_detect(id, en, strlen(en), lang), CD_OK);
  assert_true(strcmp(lang, "en") == 0 || strcmp(lang, "und") == 0);
  cd_langid_free(id);
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
  /* words shaped like tags are not languages: an English reference text stays undecided */
  assert_false(cd_lang_from_filename("news-uk.en-ref.txt", s, t));
  assert_false(cd_lang_from_filename("story.src.txt", s, t));
  assert_false(cd_lang_from_filename("memo-old.txt", s, t));
  assert_false(cd_lang_from_filename("pairs.ref-src.tsv", s, t));
  assert_true(cd_lang_from_filename("bulletin-de.txt", s, t));
  assert_string_equal(s, "de");
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
      cmocka_unit_test(test_detect_news_sentences), cmocka_unit_test(test_short_segments),
      cmocka_unit_test(test_short_segment_classes), cmocka_unit_test(test_guess_explains_itself),
      cmocka_unit_test(test_word_list_data),        cmocka_unit_test(test_lang_from_filename),
      cmocka_unit_test(test_tag_validation),
  };
  return cmocka_run_group_tests(tests, open_shared, free_shared);
}
