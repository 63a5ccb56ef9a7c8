/* SPDX-License-Identifier: MIT */
/* The mention scanner (cd_names_scan) and inflected forms (hunspell stems and declension
 * models), on the shipped starter dictionary. */
#include "cd_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cd_names.h"
#include "cd_normalize.h"

typedef cdt_names_fixture fixture;

/* One line per mention: "start-end entity canonical C|R|F rule". */
static cd_status collect(void *ud, const cd_names_mention *m, cd_error *err) {
  (void)err;
  cd_buf *b = ud;
  assert_int_equal(cd_buf_appendf(b, "%zu-%zu %s %.*s %c %s\n", m->start, m->end, m->entity,
                                  (int)m->canonical_len, m->canonical,
                                  m->is_canonical ? 'C'
                                  : m->rewrite    ? 'R'
                                                  : 'F',
                                  m->rule),
                   CD_OK);
  return CD_OK;
}

static void scan(fixture *f, const char *text, const char *lang, cd_buf *out) {
  cd_buf_clear(out);
  cd_names_scanner_reset(f->sc);
  cd_error err;
  assert_int_equal(cd_names_scan(f->sc, text, strlen(text), lang, collect, out, &err), CD_OK);
  if (!out->data)
    assert_int_equal(cd_buf_append(out, "", 0), CD_OK);
}

static void test_mentions(void **state) {
  fixture *f = *state;
  cd_buf out = CD_BUF_INIT;
  /* spans in bytes, canonical in the text's language, already-canonical reported too */
  scan(f, "Talks: Zelensky's aides met Volodymyr Zelenskyy in Kiev.", "en", &out);
  assert_string_equal(out.data, "7-17 zelenskyy Zelenskyy's R names.variant\n"
                                "28-47 zelenskyy Volodymyr Zelenskyy C names.variant\n"
                                "51-55 kyiv Kyiv R names.variant\n");
  scan(f, "Selenskyj traf Macron in Kiew.", "de", &out);
  assert_non_null(strstr(out.data, "0-9 zelenskyy Selenskyj C"));
  assert_non_null(strstr(out.data, "25-29 kyiv Kiew C"));
  /* a near-miss without evidence: neither rewritten nor flagged (a flag needs context) */
  scan(f, "On Monday, Lecorne spoke.", "en", &out);
  assert_string_equal(out.data, "");
  /* ... with a role of the person before it, it is the person */
  scan(f, "On Monday, Prime Minister Lecorne spoke.", "en", &out);
  assert_non_null(strstr(out.data, "lecornu Lecornu R names.fuzzy+context"));
  /* lines: a span never crosses a line end */
  scan(f, "Volodymyr\nZelensky", "en", &out);
  assert_string_equal(out.data, "10-18 zelenskyy Zelenskyy R names.variant\n");
  /* clean text: nothing */
  scan(f, "The minister said nothing on Monday.", "en", &out);
  assert_string_equal(out.data, "");
  /* French elision: the name after the apostrophe */
  scan(f, "La visite d\xE2\x80\x99Zelenski a Kiev.", "fr", &out);
  assert_non_null(strstr(out.data, "zelenskyy Zelensky R"));
  cd_buf_free(&out);
}

static void test_inflections(void **state) {
  fixture *f = *state;
  cd_buf out = CD_BUF_INIT;
  /* a case form in an English text becomes the English lemma */
  scan(f, "Заява Зеленського.", "en", &out);
  assert_non_null(strstr(out.data, "zelenskyy Zelenskyy R names.inflection"));
  scan(f, "біля Кривого Рогу", "en", &out);
  assert_non_null(strstr(out.data, "kryvyi-rih Kryvyi Rih R names.inflection"));
  scan(f, "у Вінниці та Полтаві", "en", &out);
  assert_non_null(strstr(out.data, "vinnytsia Vinnytsia R"));
  assert_non_null(strstr(out.data, "poltava Poltava R"));
  /* not in ru_RU.dic: found through its declension model (decl_ru=украинский) */
  scan(f, "слова Мединского", "en", &out);
  assert_non_null(strstr(out.data, "medinsky Medinsky R names.inflection"));
  /* a given name in a case form confirms the person */
  scan(f, "заява Андрія Костіна", "en", &out);
  assert_non_null(strstr(out.data, "kostin-andriy Andriy Kostin R"));
  /* in a Ukrainian text the case form of the house form is right as it is */
  scan(f, "Заява Зеленського.", "uk", &out);
  assert_non_null(strstr(out.data, "zelenskyy Зеленського C names.inflection"));
  /* another spelling in a case form: reported only (it cannot be re-inflected) */
  scan(f, "Заява Зеленского.", "uk", &out);
  assert_non_null(strstr(out.data, "zelenskyy Зеленський F names.inflection"));
  cd_buf_free(&out);
}

static void test_inflection_negatives(void **state) {
  fixture *f = *state;
  cd_buf out = CD_BUF_INIT;
  /* a feminine form never stands for the man (hunspell stems it to the masculine) */
  scan(f, "Заява Зеленської.", "en", &out);
  assert_null(strstr(out.data, "zelenskyy"));
  /* ... it is the woman's: her feminine nominative is derived from the man's lemma */
  scan(f, "Він бачив Олену Зеленську.", "en", &out);
  assert_non_null(strstr(out.data, "zelenska Olena Zelenska R names.inflection"));
  scan(f, "Зеленської слова.", "en", &out);
  assert_non_null(strstr(out.data, "zelenska"));
  assert_null(strstr(out.data, "zelenskyy"));
  /* a form that is also a feminine nominative: without context only reported */
  scan(f, "Костіна сказала.", "en", &out);
  assert_string_equal(out.data, "0-14 kostin-andriy Kostin F names.inflection\n");
  /* ... and rewritten after a full mention */
  scan(f, "Андрій Костін прибув.\nКостіна чекали.", "en", &out);
  assert_non_null(strstr(out.data, "kostin-andriy Kostin R names.inflection"));
  /* common Cyrillic words in sentence-initial position */
  scan(f, "Кривий ріг. Зелений гай.", "en", &out);
  assert_string_equal(out.data, "");
  /* a case form of a person's surname that is also a common word: context needed */
  scan(f, "Маска впала.", "en", &out);
  assert_string_equal(out.data, "0-10 musk Musk F names.inflection\n");
  scan(f, "Ілон Маск приїхав.\nМаска чекали.", "en", &out);
  assert_non_null(strstr(out.data, "musk Musk R names.inflection"));
  cd_buf_free(&out);
}

/* Words of the text's language that a romanization, a foreign form or a stripped -s makes
 * look like a name: none is touched without context. */
static void test_common_word_negatives(void **state) {
  fixture *f = *state;
  cd_buf out = CD_BUF_INIT;
  /* Russian BGN of the Ukrainian "Кім Чен Ин" is "In"; "Фор" (Faure) is "For"; "І" (Wang
   * Yi) is "I"; Дамаск is "Damask" */
  scan(f, "In the end I said: For once, Damask cloth.", "en", &out);
  assert_string_equal(out.data, "");
  /* Any-Latin of Абрамович is "Abramovic": Marina Abramović is someone else */
  scan(f, "Marina Abramovic opened the show.", "en", &out);
  assert_null(strstr(out.data, "Abramovich R"));
  /* an earlier full mention is no licence for a common word */
  scan(f, "Olivier Faure spoke. For a week nothing moved. Faure left.", "en", &out);
  assert_string_equal(out.data, "0-13 faure-olivier Olivier Faure C names.variant\n"
                                "47-52 faure-olivier Faure C names.variant\n");
  /* another language's form that is a word here: French "Un", "Indien", "Chine" in
   * English, German "Rom" */
  scan(f, "Un Indien est venu.", "fr", &out);
  assert_string_equal(out.data, "");
  scan(f, "Chine and Rom were words.", "en", &out);
  assert_string_equal(out.data, "");
  /* ... but the house form itself, and a foreign form that is no word here, still are */
  scan(f, "Turkey and Kiew.", "en", &out);
  assert_non_null(strstr(out.data, "turkey Turkey C"));
  assert_non_null(strstr(out.data, "kyiv Kyiv R"));
  /* an English plural of a family name is no German genitive */
  scan(f, "The Johnsons and the Trumps came.", "en", &out);
  assert_string_equal(out.data, "");
  scan(f, "Netanjahus Plan.", "de", &out);
  assert_non_null(strstr(out.data, "netanyahu"));
  /* a -s that is no German genitive of a romanization (Barros / Барро) */
  scan(f, "Barros said.", "en", &out);
  assert_null(strstr(out.data, " R "));
  /* a regnal number is not a surname, nor a key of its own in any script (Карл III) */
  scan(f, "La IIIe République et XIV.", "fr", &out);
  assert_null(strstr(out.data, " R "));
  assert_null(strstr(out.data, "charles-iii"));
  assert_null(strstr(out.data, "pope-leo-xiv"));
  scan(f, "Charles III spoke. Charles left. Then Iii.", "en", &out);
  assert_string_equal(out.data, "0-11 charles-iii Charles III C names.variant\n");
  /* a word the dictionary has with its capital (a people, a day, a language) is no near
   * miss of a name: Ukrainian ~ Ukraine, Sunday ~ Sandu, Slovak ~ Slovakia */
  scan(f, "Ukrainian troops left on Sunday, Slovak officials said.", "en", &out);
  assert_string_equal(out.data, "");
  /* ... while a spelling no dictionary has still is one, once its context says so */
  scan(f, "Officials said Lecorne would stay.", "en", &out);
  assert_string_equal(out.data, "");
  scan(f, "Sébastien Lecornu arrived. Officials said Lecorne would stay.", "en", &out);
  assert_non_null(strstr(out.data, "lecornu Lecornu R names.fuzzy+context"));
  cd_buf_free(&out);
}

/* An unsure match of several words hides no sure one inside it: "Le Wien" is near
 * Lebanon's skeleton, "The Leonid" near Thailand's; Wien and Leonid Slutskiy are names. */
static void test_unsure_span_hides_nothing(void **state) {
  fixture *f = *state;
  cd_buf out = CD_BUF_INIT;
  scan(f, "Le Wien a voté.", "fr", &out);
  assert_string_equal(out.data, "3-7 vienna Vienne R names.variant\n");
  scan(f, "The Leonid Slutskiy said.", "en", &out);
  assert_string_equal(out.data, "4-19 slutsky Leonid Slutsky R names.variant\n");
  /* a near-miss alone is no mention (no evidence) */
  scan(f, "On Monday, Lecorne spoke.", "en", &out);
  assert_string_equal(out.data, "");
  cd_buf_free(&out);
}

/* A place of several words: one word exact, the rest with the same skeleton ("Kriviy Rih"
 * is not listed; "Kryvyi Rih" is the house form). Not for people. */
static void test_place_spelling_variant(void **state) {
  fixture *f = *state;
  cd_buf out = CD_BUF_INIT;
  scan(f, "Shelling near Kriviy Rih.", "en", &out);
  assert_string_equal(out.data, "14-24 kryvyi-rih Kryvyi Rih R names.fuzzy+context\n");
  /* a person's given name must match by itself: no skeleton guess for it */
  scan(f, "Aleksandra Lukashenko spoke.", "en", &out);
  assert_null(strstr(out.data, " R "));
  cd_buf_free(&out);
}

/* Lower-case particles are part of a name (dicts/names/particles.txt); a variant with as
 * many words as a surname of several words is that surname; a capital the text has at the
 * start of the name stays. */
static void test_particles(void **state) {
  fixture *f = *state;
  cd_buf out = CD_BUF_INIT;
  scan(f, "Ursula von der Layen said.", "en", &out);
  assert_string_equal(out.data, "0-20 von-der-leyen Ursula von der Leyen R names.variant\n");
  scan(f, "He met von der Layen.", "en", &out);
  assert_string_equal(out.data, "7-20 von-der-leyen von der Leyen R names.variant\n");
  scan(f, "Von der Layen said.", "en", &out);
  assert_string_equal(out.data, "0-13 von-der-leyen Von der Leyen R names.variant\n");
  scan(f, "Abdel Fattah el-Sisi said.", "en", &out);
  assert_non_null(strstr(out.data, "sisi Abdel Fattah al-Sisi R"));
  /* a particle alone starts nothing */
  scan(f, "Le président de la République.", "fr", &out);
  assert_string_equal(out.data, "");
  cd_buf_free(&out);
}

/* A name in a script written without spaces is one word: its romanization is a whole
 * lookup key (王毅 = "wang yi"), found although no word key matches. */
static void test_ideographic_names(void **state) {
  fixture *f = *state;
  cd_buf out = CD_BUF_INIT;
  scan(f, "王毅 arrived.", "en", &out);
  assert_string_equal(out.data, "0-6 wang-yi Wang Yi R names.transliteration\n");
  cd_buf_free(&out);
}

/* In a Ukrainian text a locative (Бахмуті, Харкові, Лондоні) is no other spelling of the
 * nominative: Russian romanization drops і and made "Kharkov" of Харкові. */
static void test_cyrillic_case_forms_kept(void **state) {
  fixture *f = *state;
  cd_buf out = CD_BUF_INIT;
  scan(f, "У Бахмуті, Харкові та Львові, а також у Лондоні й Києві.", "uk", &out);
  assert_null(strstr(out.data, " R "));
  assert_null(strstr(out.data, "names.transliteration"));
  /* an entity with no Ukrainian form (a Russian namesake, a Russian agency) keeps its
   * Cyrillic spelling in a Ukrainian text: no Latin fallback */
  scan(f, "Андрей Костин заявил агентству РИА Новости.", "uk", &out);
  assert_string_equal(out.data, "");
  /* a Cyrillic word that only romanizes like a form: the Russian surname Ніколаєв is
   * "Nikolayev", a spelling of the city Mykolaiv */
  scan(f, "Ніколаєв заявив.", "uk", &out);
  assert_null(strstr(out.data, " R "));
  cd_buf_free(&out);
}

static void test_stage_uses_scanner(void **state) {
  (void)state;
  cd_normalize_options o;
  cd_normalize_options_init(&o);
  o.lang = "en";
  o.data_dir = cdt_data_dir();
  o.stages = CD_STAGE_DECODE | CD_STAGE_NAMES;
  const char *in = "Talks near Кривого Рогу; Зеленського aides met Zelensky's team.\n";
  cd_buf out = CD_BUF_INIT, ch = CD_BUF_INIT;
  cd_error err;
  assert_int_equal(cd_normalize_buffer(&o, in, strlen(in), &out, &ch, NULL, &err), CD_OK);
  assert_string_equal(out.data, "Talks near Kryvyi Rih; Zelenskyy aides met Zelenskyy's team.\n");
  assert_non_null(strstr(ch.data, "\"rule\":\"names.inflection\""));
  cd_buf_free(&out);
  cd_buf_free(&ch);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_mentions),
                                     cmocka_unit_test(test_inflections),
                                     cmocka_unit_test(test_inflection_negatives),
                                     cmocka_unit_test(test_common_word_negatives),
                                     cmocka_unit_test(test_cyrillic_case_forms_kept),
                                     cmocka_unit_test(test_ideographic_names),
                                     cmocka_unit_test(test_unsure_span_hides_nothing),
                                     cmocka_unit_test(test_particles),
                                     cmocka_unit_test(test_place_spelling_variant),
                                     cmocka_unit_test(test_stage_uses_scanner)};
  return cmocka_run_group_tests(tests, cdt_names_setup, cdt_names_teardown);
}
