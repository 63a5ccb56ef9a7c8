/* SPDX-License-Identifier: MIT */
/* copydesk check: each check with true positives and hard negatives, the numbers
 * reader, the report formats, and the CLI on a shipped batch with planted problems. */
#include "cd_test.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cd_check.h"

static cd_checker *new_checker(const char *glossary) {
  cd_check_options o;
  cd_check_options_init(&o);
  o.data_dir = cdt_data_dir();
  o.glossary = glossary;
  cd_checker *c = NULL;
  cd_error err;
  assert_int_equal(cd_checker_new(&o, &c, &err), CD_OK);
  return c;
}

static void add_pair(cd_checker *c, const char *s, const char *t, const char *sl, const char *tl,
                     uint64_t line) {
  cd_check_pair p = {s, strlen(s), t, strlen(t), sl, tl, "pairs.tsv", line};
  cd_error err;
  assert_int_equal(cd_check_pair_add(c, &p, &err), CD_OK);
}

static size_t count_check(cd_checker *c, const char *id) {
  cd_error err;
  assert_int_equal(cd_check_finish(c, &err), CD_OK);
  size_t n = 0;
  for (size_t i = 0; i < cd_check_count(c); i++)
    n += strcmp(cd_check_get(c, i)->check, id) == 0;
  return n;
}

static bool same_number(const char *a, const char *la, const char *b, const char *lb) {
  cd_number *x, *y;
  size_t nx, ny;
  assert_int_equal(cd_numbers_find(a, strlen(a), cd_number_marks(la, NULL), &x, &nx), CD_OK);
  assert_int_equal(cd_numbers_find(b, strlen(b), cd_number_marks(lb, NULL), &y, &ny), CD_OK);
  assert_int_equal(nx, 1);
  assert_int_equal(ny, 1);
  bool eq = cd_numbers_equal(&x[0], &y[0]);
  free(x);
  free(y);
  return eq;
}

static void test_numbers_locale_aware(void **state) {
  (void)state;
  assert_true(same_number("6,000 troops", "en", "6 000 soldats", "fr"));
  assert_true(same_number("6,000 troops", "en", "6.000 Soldaten", "de"));
  assert_true(same_number("6,000", "en",
                          "6\xE2\x80\xAF"
                          "000",
                          "fr")); /* NNBSP */
  assert_true(same_number("2.5%", "en", "2,5 %", "fr"));
  assert_true(same_number("1,234.5", "en", "1.234,5", "de"));
  assert_false(same_number("15,000", "en", "1 500", "fr"));
  assert_true(same_number("the \xE2\x80\x99"
                          "90s",
                          "en",
                          "les ann\xC3\xA9"
                          "es 1990",
                          "fr"));
  assert_false(same_number("2.5", "en", "25", "de"));
  /* a year followed by a count is two numbers, not one */
  cd_number *v;
  size_t n;
  assert_int_equal(cd_numbers_find("In 2025 12 people", 17, cd_number_marks("en", NULL), &v, &n),
                   CD_OK);
  assert_int_equal(n, 2);
  assert_string_equal(v[0].values[0], "2025");
  assert_string_equal(v[1].values[0], "12");
  free(v);
}

static void test_numbers_mismatch(void **state) {
  (void)state;
  cd_checker *c = new_checker(NULL);
  add_pair(c, "The army received 15,000 shells.",
           "L\xE2\x80\x99"
           "arm\xC3\xA9"
           "e a re\xC3\xA7u 1 500 obus.",
           "en", "fr", 1);
  assert_int_equal(count_check(c, "numbers.mismatch"), 1);
  const cd_finding *f = cd_check_get(c, 0);
  assert_string_equal(f->severity == CD_SEV_ERROR ? "error" : "?", "error");
  assert_non_null(strstr(f->message, "15,000"));
  cd_checker_free(c);
  /* hard negatives: the same figures in the target's own format */
  c = new_checker(NULL);
  add_pair(c, "About 6,000 drones and 2.5% of GDP.", "Environ 6 000 drones et 2,5 % du PIB.", "en",
           "fr", 1);
  add_pair(c, "Rund 6.000 Drohnen.", "Some 6,000 drones.", "de", "en", 2);
  add_pair(c, "Three ministers met.", "Trois ministres se sont r\xC3\xA9unis.", "en", "fr", 3);
  /* a date is its groups, in whatever order the target's convention puts them */
  add_pair(c, "Kyiv (21.12.2017)", "Kyiv (12/21/2017)", "uk", "en", 4);
  assert_int_equal(count_check(c, "numbers.mismatch"), 0);
  cd_checker_free(c);
}

static void test_tm_consistency(void **state) {
  (void)state;
  cd_checker *c = new_checker(NULL);
  add_pair(c, "The talks will resume on Monday.", "Les pourparlers reprendront lundi.", "en", "fr",
           1);
  add_pair(c, "The talks will resume on Monday.", "Les n\xC3\xA9gociations reprendront lundi.",
           "en", "fr", 2);
  add_pair(c, "  the talks will resume on monday. ", "Les pourparlers reprendront lundi.", "en",
           "fr", 3);
  assert_int_equal(count_check(c, "tm.inconsistent-target"), 3);
  cd_checker_free(c);
  /* hard negative: one word translated differently in different sources is context */
  c = new_checker(NULL);
  add_pair(c, "The bank raised rates.", "La banque a relev\xC3\xA9 ses taux.", "en", "fr", 1);
  add_pair(c, "They camped on the river bank.", "Ils ont camp\xC3\xA9 sur la rive.", "en", "fr", 2);
  add_pair(c, "Yes.", "Oui.", "en", "fr", 3);
  add_pair(c, "Yeah.", "Oui.", "en", "fr", 4);
  assert_int_equal(count_check(c, "tm.inconsistent-target"), 0);
  assert_int_equal(count_check(c, "tm.inconsistent-source"), 0);
  cd_checker_free(c);
  c = new_checker(NULL);
  add_pair(c, "Kyiv said the strike hit a power plant.",
           "Kiew sagte, der Angriff habe ein Kraftwerk getroffen.", "en", "de", 1);
  add_pair(c, "Moscow said the strike hit a power plant.",
           "Kiew sagte, der Angriff habe ein Kraftwerk getroffen.", "en", "de", 2);
  assert_int_equal(count_check(c, "tm.inconsistent-source"), 2);
  cd_checker_free(c);
}

static void test_untranslated_and_glossary(void **state) {
  (void)state;
  const char *g = cdt_tmpfile("glossary.tsv");
  const char gl[] = "# source\ttarget\tlangs\tnote\nceasefire\ttr\xC3\xAAve\ten-fr\thouse term\n";
  cdt_write_file(g, gl, sizeof gl - 1);
  cd_checker *c = new_checker(g);
  add_pair(c, "Good morning and welcome.", "Good morning and welcome.", "en", "fr", 1);
  add_pair(c, "The ceasefire must hold.", "Le cessez-le-feu doit tenir.", "en", "fr", 2);
  add_pair(c, "The ceasefire must hold.", "La tr\xC3\xAAve doit tenir.", "en", "fr", 3);
  add_pair(c, "The ceasefires held.", "Les tr\xC3\xAAves ont tenu.", "en", "fr", 4);
  add_pair(c, "NATO", "NATO", "en", "de", 5); /* too short to call untranslated */
  /* left in English with a small edit: identified as English, the source language */
  add_pair(c, "The ministers of defence met in Brussels on Thursday to discuss air defence.",
           "The defence ministers met in Brussels on Thursday to discuss the air defence.", "en",
           "fr", 6);
  assert_int_equal(count_check(c, "untranslated"), 2);
  assert_int_equal(count_check(c, "glossary.violation"), 1);
  cd_checker_free(c);
  /* a malformed glossary line is an input error naming file and line */
  const char bad[] = "ceasefire\ttr\xC3\xAAve\tenfr\n";
  cdt_write_file(g, bad, sizeof bad - 1);
  cd_check_options o;
  cd_check_options_init(&o);
  o.glossary = g;
  cd_checker *c2 = NULL;
  cd_error err;
  assert_int_equal(cd_checker_new(&o, &c2, &err), CD_ERR_INPUT);
  assert_non_null(strstr(err.message, "glossary.tsv:1"));
}

/* Finishes the batch and returns the lines (bit n for line n < 64) with findings of id. */
static uint64_t fired_lines(cd_checker *c, const char *id) {
  cd_error err;
  assert_int_equal(cd_check_finish(c, &err), CD_OK);
  uint64_t mask = 0;
  for (size_t i = 0; i < cd_check_count(c); i++) {
    const cd_finding *f = cd_check_get(c, i);
    if (strcmp(f->check, id) == 0 && f->line < 64)
      mask |= (uint64_t)1 << f->line;
  }
  return mask;
}

#define L(n) ((uint64_t)1 << (n))

static cd_checker *checker_with_glossary(const char *text) {
  const char *g = cdt_tmpfile("glossary-infl.tsv");
  cdt_write_file(g, text, strlen(text));
  return new_checker(g);
}

/* A term in the target in another case, or with another apostrophe, is no violation; a
 * missing term, a different word with a similar stem, or the words of a multi-word term
 * apart still are. */
static void test_glossary_inflection_uk(void **state) {
  (void)state;
  cd_checker *c = checker_with_glossary("ceasefire\tперемир’я\ten-uk\n"
                                        "Verkhovna Rada\tВерховна Рада\ten-uk\n"
                                        "council\tрада\ten-uk\n");
  add_pair(c, "Both sides broke the ceasefire at dawn.",
           "Обидві сторони порушили перемир'я на світанку.", "en", "uk", 1);
  add_pair(c, "Nobody trusts this ceasefire.", "Цьому перемирʼю ніхто не довіряє.", "en", "uk", 2);
  add_pair(c, "The front grew quiet with the ceasefire.", "З перемир’ям фронт затих.", "en", "uk",
           3);
  add_pair(c, "The Verkhovna Rada met on Tuesday.", "У вівторок зібралася Верховна Рада.", "en",
           "uk", 4);
  add_pair(c, "A bill went before the Verkhovna Rada.", "Законопроєкт внесли до Верховної Ради.",
           "en", "uk", 5);
  add_pair(c, "Deputies thanked the Verkhovna Rada staff.",
           "Депутати подякували працівникам Верховній Раді.", "en", "uk", 6);
  /* violations */
  add_pair(c, "The ceasefire did not last a day.", "Припинення вогню не протрималося й доби.", "en",
           "uk", 10);
  add_pair(c, "The Verkhovna Rada voted late.", "Парламент проголосував пізно.", "en", "uk", 11);
  /* both words are there, but not as one term */
  add_pair(c, "The Verkhovna Rada will appeal.", "Верховна суддя оскаржить рішення, каже рада.",
           "en", "uk", 12);
  /* радий (glad) is not a form of рада (council), though рада can be a form of радий */
  add_pair(c, "The council was pleased.", "Мер був радий результату.", "en", "uk", 13);
  assert_int_equal(fired_lines(c, "glossary.violation"), L(10) | L(11) | L(12) | L(13));
  cd_checker_free(c);
}

static void test_glossary_inflection_de_ru_fr(void **state) {
  (void)state;
  cd_checker *c = checker_with_glossary("ceasefire\tWaffenstillstand\ten-de\n"
                                        "treaty\tVertrag\ten-de\n"
                                        "ceasefire\tперемирие\ten-ru\n"
                                        "ceasefire\ttrêve\ten-fr\n");
  add_pair(c, "The terms of the ceasefire are secret.",
           "Die Bedingungen des Waffenstillstands sind geheim.", "en", "de", 1);
  /* inflected on both sides: treaties → treaty, Verträge → Vertrag */
  add_pair(c, "Both treaties were signed in Vienna.",
           "Beide Verträge wurden in Wien unterzeichnet.", "en", "de", 2);
  add_pair(c, "They spoke about the ceasefire.", "Они говорили о перемирии.", "en", "ru", 3);
  add_pair(c, "Several ceasefires failed.", "Plusieurs trêves ont échoué.", "en", "fr", 4);
  /* violations, the last one found only through the stem of the source's plural */
  add_pair(c, "The ceasefire ended.", "Die Waffenruhe endete.", "en", "de", 10);
  add_pair(c, "The treaties expired last year.", "Die Abkommen liefen letztes Jahr aus.", "en",
           "de", 11);
  add_pair(c, "The ceasefire held.", "Мир сохранился.", "en", "ru", 12);
  add_pair(c, "The ceasefire held.", "Le cessez-le-feu a tenu.", "en", "fr", 13);
  /* a language pair the glossary does not cover, and a language without a dictionary */
  add_pair(c, "The ceasefire held.", "Il cessate il fuoco ha retto.", "en", "it", 14);
  assert_int_equal(fired_lines(c, "glossary.violation"), L(10) | L(11) | L(12) | L(13));
  cd_checker_free(c);
}

/* Names, titles, numbers and datelines copied as they are, versus text left untranslated. */
static void test_untranslated_names_and_titles(void **state) {
  (void)state;
  cd_checker *c = new_checker(NULL);
  static const char *const kept[] = {
      "Volodymyr Zelenskyy",
      "BBC News",
      "Champions League",
      "Bakhmut, 12 May",
      "2:1",
      "Bank of England",
      "Ursula von der Leyen",
      "Abdel Fattah el-Sisi",
      "The New York Times",
      "(Reuters)",
      "F-16 Fighting Falcon",
  };
  uint64_t line = 1;
  for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
    add_pair(c, kept[i], kept[i], "en", "uk", line++);
  add_pair(c, "Die Zeit", "Die Zeit", "de", "fr", line++);
  add_pair(c, "Frankfurter Allgemeine Zeitung", "Frankfurter Allgemeine Zeitung", "de", "en",
           line++);
  /* must still fire: lower-case words, a long title-case headline, a particle-only run */
  add_pair(c, "Zelenskyy visits the front line", "Zelenskyy visits the front line", "en", "uk", 40);
  add_pair(c, "Russia Says Peace Talks Will Resume", "Russia Says Peace Talks Will Resume", "en",
           "fr", 41);
  add_pair(c, "BBC News reported heavy shelling", "BBC News reported heavy shelling", "en", "de",
           42);
  add_pair(c, "Good morning from Kyiv", "Good morning from Kyiv", "en", "fr", 43);
  add_pair(c, "of the de la", "of the de la", "en", "fr", 44);
  add_pair(c, "Die Regierung hat beschlossen", "Die Regierung hat beschlossen", "de", "en", 45);
  assert_int_equal(fired_lines(c, "untranslated"), L(40) | L(41) | L(42) | L(43) | L(44) | L(45));
  cd_checker_free(c);
}

static void test_text_checks(void **state) {
  (void)state;
  cd_checker *c = new_checker(NULL);
  const char en[] =
      "The the minister left.\nShe had had enough, she said.\n"
      "Prices (in euros rose.\nHe said: \xE2\x80\x9CWe stay.\n"
      "\xE2\x80\x9CWe stay here,\xE2\x80\x9D he added.\nTwo  spaces.\n    Indented line.\n";
  cd_error err;
  assert_int_equal(cd_check_article(c, "a-en.txt", "en", en, sizeof en - 1, &err), CD_OK);
  assert_int_equal(count_check(c, "text.doubled-word"), 1); /* "had had" is fine */
  assert_int_equal(count_check(c, "text.unbalanced"), 1);   /* the quote continues below */
  assert_int_equal(count_check(c, "text.double-space"), 1); /* indentation is not */
  const cd_finding *f = cd_check_get(c, 0);
  assert_string_equal(f->file, "a-en.txt");
  assert_int_equal(f->line, 1);
  assert_int_equal(f->col, 1);
  cd_checker_free(c);
  /* German quotes open with „ and close with “ */
  c = new_checker(NULL);
  const char de[] = "Er sagte: \xE2\x80\x9E"
                    "Wir bleiben.\xE2\x80\x9C Die die Region kennen, nicken.\n";
  assert_int_equal(cd_check_article(c, "b-de.txt", "de", de, sizeof de - 1, &err), CD_OK);
  assert_int_equal(count_check(c, "text.unbalanced"), 0);
  assert_int_equal(count_check(c, "text.doubled-word"), 0);
  cd_checker_free(c);
}

/* Quotation marks and brackets as real copy uses them, one segment a line: a quotation of
 * several sentences opens on one line and closes lines later; a straight quote between
 * letters is an apostrophe; "1)" is a list marker; ":(" a face; one French closing
 * guillemet closes two levels. None is a finding; what is really unbalanced still is. */
static void test_unbalanced_on_real_copy_shapes(void **state) {
  (void)state;
  cd_checker *c = new_checker(NULL);
  const char en[] = "\xE2\x80\x9CWe held the line for a week.\n"
                    "Nobody came to help us.\n"
                    "We will stay,\xE2\x80\x9D the commander said.\n"
                    "\"They came at night and left,\n"
                    "then came back,\" he said.\n"
                    "The 1974\"s ruling stands.\n"
                    "1) First change.\n2) Second change.\n"
                    "Two bad lemons :( and a good one :-)\n"
                    "(The aside goes on\nand ends here.)\n";
  cd_error err;
  assert_int_equal(cd_check_article(c, "a-en.txt", "en", en, sizeof en - 1, &err), CD_OK);
  assert_int_equal(count_check(c, "text.unbalanced"), 0);
  cd_checker_free(c);
  c = new_checker(NULL);
  const char uk[] = "\xC2\xAB\xD0\xA6\xD0\xB5 \xD1\x87\xD1\x83\xD1\x82\xD0\xB8: "
                    "\xC2\xAB\xD0\xAF \xD0\xB9\xD0\xB4\xD1\x83\xC2\xBB, \xE2\x80\x93 "
                    "\xD1\x81\xD0\xBA\xD0\xB0\xD0\xB7\xD0\xB0\xD0\xB2.\n"
                    "\xD0\x9A\xD0\xB0\xD1\x80\xD0\xB4\xD0\xB0\xD1\x88\"\xD1\x8F\xD0\xBD "
                    "\xD1\x81\xD0\xBA\xD0\xB0\xD0\xB7\xD0\xB0\xD0\xBB\xD0\xB0.\n";
  assert_int_equal(cd_check_article(c, "b-uk.txt", "uk", uk, sizeof uk - 1, &err), CD_OK);
  assert_int_equal(count_check(c, "text.unbalanced"), 0);
  cd_checker_free(c);
  /* German guillemets point either way: »so« (German) and «so» (Swiss, dpa's wire) */
  c = new_checker(NULL);
  const char de[] = "Er sagte \xC2\xBBnein\xC2\xAB und ging.\n"
                    "Die \xC2\xAB"
                    "Blues\xC2\xBB verloren.\n";
  assert_int_equal(cd_check_article(c, "d-de.txt", "de", de, sizeof de - 1, &err), CD_OK);
  assert_int_equal(count_check(c, "text.unbalanced"), 0);
  cd_checker_free(c);
  /* really unbalanced: a quotation never closed before the document ends, a closing mark
   * nothing opened, an aside never closed */
  c = new_checker(NULL);
  const char bad[] = "He said: \xE2\x80\x9CWe stay.\n\n"
                     "They left\xE2\x80\x9D at once.\n\nPrices (in euros rose.\n";
  assert_int_equal(cd_check_article(c, "c-en.txt", "en", bad, sizeof bad - 1, &err), CD_OK);
  assert_int_equal(count_check(c, "text.unbalanced"), 3);
  cd_checker_free(c);
}

static void test_deep_nesting_is_linear(void **state) {
  (void)state;
  size_t n = 100000;
  char *s = malloc(2 * n + 1);
  memset(s, '(', n);
  memset(s + n, ')', n);
  s[2 * n] = '\0';
  cd_checker *c = new_checker(NULL);
  cd_error err;
  assert_int_equal(cd_check_article(c, "deep.txt", "en", s, 2 * n, &err), CD_OK);
  assert_int_equal(count_check(c, "text.unbalanced"), 0);
  cd_checker_free(c);
  s[2 * n - 1] = 'x';
  c = new_checker(NULL);
  assert_int_equal(cd_check_article(c, "deep.txt", "en", s, 2 * n, &err), CD_OK);
  assert_int_equal(count_check(c, "text.unbalanced"), 1);
  cd_checker_free(c);
  free(s);
}

static void test_levels(void **state) {
  (void)state;
  cd_checker *c = new_checker(NULL);
  cd_error err;
  assert_int_equal(cd_checker_set_level(c, "text.*", CD_SEV_OFF, &err), CD_OK);
  assert_int_equal(cd_checker_set_level(c, "numbers.mismatch", CD_SEV_WARNING, &err), CD_OK);
  assert_int_equal(cd_checker_set_level(c, "no.such", CD_SEV_OFF, &err), CD_ERR_USAGE);
  const char t[] = "the the  (x\n";
  assert_int_equal(cd_check_article(c, "x.txt", "en", t, sizeof t - 1, &err), CD_OK);
  add_pair(c, "15,000 shells", "1 500 obus", "en", "fr", 1);
  assert_int_equal(cd_check_finish(c, &err), CD_OK);
  assert_int_equal(cd_check_count(c), 1);
  assert_int_equal(cd_check_worst(c), CD_SEV_WARNING);
  cd_checker_free(c);
}

static const char expected_batch[] =
    "briefing.en-fr.tsv:2:1: warning: tm.inconsistent-target: the same source is translated "
    "differently elsewhere: 'L\xE2\x80\x99"
    "arm\xC3\xA9"
    "e a obtenu 15 000 obus en mars.'\n"
    "briefing.en-fr.tsv:2:16: error: numbers.mismatch: '15,000' in the source, '1 500' in the "
    "target\n"
    "briefing.en-fr.tsv:3:1: warning: tm.inconsistent-target: the same source is translated "
    "differently elsewhere: 'L\xE2\x80\x99"
    "arm\xC3\xA9"
    "e a re\xC3\xA7u 1 500 obus en mars.'\n"
    "briefing.en-fr.tsv:4:1: warning: untranslated: the target is the source text, "
    "untranslated\n"
    "briefing.en-fr.tsv:5:1: error: glossary.violation: 'ceasefire' should be translated as "
    "'tr\xC3\xAAve': house term since 2024 (suggestion: tr\xC3\xAAve)\n"
    "briefing.en-fr.tsv:7:1: error: names.missing: 'Oleksandr Syrskyi' is in the source but not "
    "in the target\n"
    "drones-en.txt:3:62: warning: text.doubled-word: 'and' twice in a row\n"
    "drones-en.txt:4:22: warning: text.unbalanced: '\xE2\x80\x9C' is never closed\n"
    "drones-en.txt:6:30: info: text.double-space: 2 spaces in a row\n"
    "drones-fr.txt:5:36: warning: text.unbalanced: '(' is never closed\n"
    "front-en.txt:1:11: warning: names.style: 'Zelensky' is not the house form 'Zelenskyy' "
    "(suggestion: Zelenskyy)\n"
    "front-en.txt:1:11: warning: names.variant: 'Zelensky': the batch has 'Zelensky' 1\xC3\x97, "
    "'Zelenskyy' 1\xC3\x97\n";

/* The CLI on the shipped batch: exact findings, exit 1, and the same in JSON and HTML. */
static void test_cli_batch(void **state) {
  (void)state;
  char dir[4096], gl[4096];
  snprintf(dir, sizeof dir, "%s", cdt_fixture("check/batch"));
  snprintf(gl, sizeof gl, "%s", cdt_fixture("check/glossary-en-fr.tsv"));
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *a[] = {"copydesk", "check", "--glossary", gl, dir, NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 1);
  /* paths are printed as given: strip the directory for the comparison */
  cd_buf rel = CD_BUF_INIT;
  size_t dl = strlen(dir) + 1;
  for (size_t i = 0; i < out.len;) {
    const char *nl = memchr(out.data + i, '\n', out.len - i);
    size_t end = nl ? (size_t)(nl - out.data) + 1 : out.len;
    assert_true(end - i > dl && strncmp(out.data + i, dir, dl - 1) == 0);
    assert_int_equal(cd_buf_append(&rel, out.data + i + dl, end - i - dl), CD_OK);
    i = end;
  }
  assert_string_equal(rel.data, expected_batch);

  const char *j[] = {"copydesk", "check", "--format", "json", "--glossary", gl, dir, NULL};
  assert_int_equal(cdt_run(j, NULL, 0, &out, &err), 1);
  json_object *root = json_tokener_parse(out.data);
  assert_non_null(root);
  json_object *findings, *summary, *x;
  assert_true(json_object_object_get_ex(root, "findings", &findings));
  assert_int_equal(json_object_array_length(findings), 12);
  json_object *first = json_object_array_get_idx(findings, 0);
  const char *keys[] = {"file",  "line",    "col",        "severity",
                        "check", "message", "suggestion", "context"};
  for (size_t k = 0; k < 8; k++)
    assert_true(json_object_object_get_ex(first, keys[k], &x));
  assert_true(json_object_object_get_ex(root, "summary", &summary));
  assert_true(json_object_object_get_ex(summary, "pairs", &x));
  assert_int_equal(json_object_get_int(x), 7);
  json_object_put(root);

  const char *html_path = cdt_tmpfile("report.html");
  const char *h[] = {"copydesk", "check",      "--format", "html", "-o",
                     html_path,  "--glossary", gl,         dir,    NULL};
  assert_int_equal(cdt_run(h, NULL, 0, &out, &err), 1);
  cd_buf page = CD_BUF_INIT;
  cdt_read_file(html_path, &page);
  assert_non_null(strstr(page.data, "<!DOCTYPE html>"));
  assert_null(strstr(page.data, "http://"));
  assert_null(strstr(page.data, "https://"));
  assert_non_null(strstr(page.data, "data-check=\"numbers.mismatch\""));
  assert_non_null(strstr(page.data, "<mark>1 500</mark>"));
  assert_non_null(strstr(page.data, "12 findings"));
  cd_buf_free(&page);
  cd_buf_free(&rel);
  cd_buf_free(&out);
  cd_buf_free(&err);
}

/* Writes text to dir/name. */
static void put(const char *dir, const char *name, const char *text) {
  char path[4400];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  cdt_write_file(path, text, strlen(text));
}

static void fresh_dir(char *dir, size_t n, const char *name) {
  snprintf(dir, n, "%s/%s", cdt_tmpdir(), name);
  mkdir(dir, 0755);
}

/* A short article whose language is unsure takes the batch's language when every article
 * with a known language agrees; in a mixed batch it has none, its house-style findings are
 * skipped and stderr says so (issue 16). */
static void test_cli_batch_language(void **state) {
  (void)state;
  const char *short_text = "Selenskyj in Kiew\n";
  const char *en1 = "The president said on Tuesday that the government would send more air "
                    "defence systems to the east of the country before the winter.\n";
  const char *en2 = "Ministers met as the talks went on for a second day and the delegations "
                    "agreed on a new schedule for the exchange of prisoners, officials said.\n";
  const char *de1 = "Der Minister sagte am Dienstag, dass die Regierung noch vor dem Winter "
                    "weitere Systeme zur Luftabwehr in den Osten des Landes schicken werde.\n";
  char en_dir[4200], de_dir[4200], mixed[4200];
  fresh_dir(en_dir, sizeof en_dir, "batch-lang-en");
  fresh_dir(de_dir, sizeof de_dir, "batch-lang-de");
  fresh_dir(mixed, sizeof mixed, "batch-lang-mixed");
  put(en_dir, "a.txt", en1), put(en_dir, "b.txt", en2), put(en_dir, "c.txt", short_text);
  put(de_dir, "a.txt", de1), put(de_dir, "c.txt", short_text);
  put(mixed, "a.txt", en1), put(mixed, "b.txt", de1), put(mixed, "c.txt", short_text);
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  unsetenv("COPYDESK_LANG");
  /* an English batch: the headline is English, 'Selenskyj' is not the house form */
  const char *a[] = {"copydesk", "check", "-v", en_dir, NULL};
  cdt_run(a, NULL, 0, &out, &err);
  assert_non_null(strstr(err.data, "c.txt: language en (the batch's"));
  assert_non_null(strstr(out.data, "c.txt:1:1: warning: names.style: 'Selenskyj'"));
  /* a German batch: the same headline is German, and right */
  const char *b[] = {"copydesk", "check", "-v", de_dir, NULL};
  cdt_run(b, NULL, 0, &out, &err);
  assert_non_null(strstr(err.data, "c.txt: language de (the batch's"));
  assert_null(strstr(out.data, "c.txt:1:1: warning: names.style"));
  /* a mixed batch: no language for the headline, and one line says so */
  const char *c[] = {"copydesk", "check", mixed, NULL};
  cdt_run(c, NULL, 0, &out, &err);
  assert_null(strstr(out.data, "c.txt:1:1: warning: names.style"));
  assert_non_null(strstr(err.data, "c.txt: no language"));
  assert_non_null(strstr(err.data, "house-style findings skipped"));
  /* standard input cannot wait for the batch: checked at once, nothing lost */
  const char *in = "Zelensky met  Macron Macron\n";
  const char *d[] = {"copydesk", "check", "-", NULL};
  cdt_run(d, in, strlen(in), &out, &err);
  assert_non_null(strstr(out.data, "-:1:13: info: text.double-space"));
  assert_non_null(strstr(out.data, "-:1:15: warning: text.doubled-word"));
  assert_non_null(strstr(err.data, "-: no language"));
  /* the desk's default comes after the batch */
  setenv("COPYDESK_LANG", "en", 1);
  cdt_run(c, NULL, 0, &out, &err);
  assert_non_null(strstr(out.data, "c.txt:1:1: warning: names.style: 'Selenskyj'"));
  unsetenv("COPYDESK_LANG");
  cd_buf_free(&out);
  cd_buf_free(&err);
}

/* A pairs file whose name says nothing: each column's language is detected over the whole
 * column (a pair is short, a column is not). */
static void test_cli_pairs_column_languages(void **state) {
  (void)state;
  char dir[4200], path[4400];
  fresh_dir(dir, sizeof dir, "pairs-cols");
  put(dir, "memo.tsv",
      "The talks went on for a second day in Kyiv.\tDie Gespräche gingen in Kyjiw einen "
      "zweiten Tag weiter.\n"
      "Officials said the schedule was agreed.\tBeamte sagten, der Zeitplan sei vereinbart.\n"
      "The ministers will meet again next week.\tDie Minister treffen sich nächste Woche "
      "wieder.\n");
  snprintf(path, sizeof path, "%s/memo.tsv", dir);
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *a[] = {"copydesk", "check", "-v", "--no-names", "--pairs", path, NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 0);
  assert_non_null(strstr(err.data, "languages en-de (detected over each column)"));
  /* one short pair is not enough to tell: the old message, with what was detected */
  put(dir, "one.tsv", "Kyiv\tKyjiw\n");
  snprintf(path, sizeof path, "%s/one.tsv", dir);
  const char *b[] = {"copydesk", "check", "--no-names", "--pairs", path, NULL};
  assert_int_equal(cdt_run(b, NULL, 0, &out, &err), 2);
  assert_non_null(strstr(err.data, "languages unknown (detected und and und)"));
  cd_buf_free(&out);
  cd_buf_free(&err);
}

/* names.unknown-variant: names the dictionary lacks, grouped across the batch by their
 * loose keys; hard negatives: two people whose surnames share a key (Meyer, Meier: two given
 * names, so a bare surname is nobody's), a father and son (Ivan and Petro Hnatyshyn: the
 * bare Hnatyshin is neither's), names one vowel apart, a Title Case headline (issue 19). */
static void test_cli_unknown_names(void **state) {
  (void)state;
  char dir[4200];
  fresh_dir(dir, sizeof dir, "unknown-names");
  put(dir, "front-en.txt",
      "General Mykyta Dovhopolyi visited the eastern front on Monday.\n"
      "Dovhopolyi said the brigades held their positions.\n");
  put(dir, "brief-en.txt",
      "Commander Mykyta Dovhopolyy met officers near the river.\n"
      "Later Dovhopoly told reporters that supplies had arrived.\n");
  put(dir, "later-en.txt", "Mykyta Dovhopolyi toured a training ground with his deputy.\n");
  put(dir, "family-en.txt",
      "The judge Hanno Meyer spoke to the lawyer Elske Meier on Sunday.\n"
      "Yesterday Was A Long Day For Meier Supporters\n"
      "The singer Ilse Kuhnert met the painter Ilse Kahnert.\n"
      "The farmer Ivan Hnatyshyn and his son Petro Hnatyshyn sold the land.\n"
      "Hnatyshin said the price was fair.\n");
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *a[] = {"copydesk", "check", "--disable", "text.*", dir, NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 0);
  assert_int_equal(cd_buf_append(&out, "", 0), CD_OK);
  const char *want1 = "brief-en.txt:1:18: warning: names.unknown-variant: 'Dovhopolyy': a name "
                      "the dictionary lacks, spelled ";
  const char *want2 = "brief-en.txt:2:7: warning: names.unknown-variant: 'Dovhopoly': a name "
                      "the dictionary lacks, spelled ";
  if (!strstr(out.data, want1) || !strstr(out.data, want2))
    fail_msg("stdout:\n%s", out.data);
  assert_non_null(strstr(out.data, "'Dovhopolyi' 3\xC3\x97"));
  assert_non_null(strstr(out.data, "(suggestion: Dovhopolyi)"));
  /* exactly those two: nothing for the Brandtners, Kuhnert and Kahnert, the headline */
  assert_int_equal(cdt_count_lines(out.data, out.len), 2);
  /* Ukrainian case forms are one spelling (Ковальчишина, Ковальчишину); a soft sign left
   * out is another; the suggestion keeps the mention's case ending */
  char uk[4200];
  fresh_dir(uk, sizeof uk, "unknown-names-uk");
  put(uk, "a-uk.txt",
      "Генерал Мирослав Ковальчишин відвідав фронт.\n"
      "За словами Ковальчишина, бригади тримають позиції.\n");
  put(uk, "b-uk.txt",
      "Командир Мирослав Ковалчишина не застали.\n"
      "Пізніше Ковальчишину доповіли про постачання.\n");
  const char *u[] = {"copydesk", "check", "--disable", "text.*", uk, NULL};
  assert_int_equal(cdt_run(u, NULL, 0, &out, &err), 0);
  assert_int_equal(cd_buf_append(&out, "", 0), CD_OK);
  if (!strstr(out.data, "b-uk.txt:1:19: warning: names.unknown-variant: 'Ковалчишина'") ||
      !strstr(out.data, "'Ковальчишин' 3\xC3\x97") ||
      !strstr(out.data, "(suggestion: Ковальчишина)"))
    fail_msg("stdout:\n%s", out.data);
  assert_int_equal(cdt_count_lines(out.data, out.len), 1);
  /* a typo that swaps two letters joins the name it misspells (Dovhoployi); a person and a
   * town that share a name (Olha Synkivka, the village of Synkivka) are no variants; a
   * surname alone is the person only near a full mention in its document (d-en.txt's
   * Dovhoployi, a story of its own, is nobody's) */
  char sw[4200];
  fresh_dir(sw, sizeof sw, "unknown-names-swap");
  put(sw, "a-en.txt",
      "General Mykyta Dovhopolyi visited Synkivka on Monday.\n"
      "Dovhopolyi met the teacher Olha Synkivka there.\n");
  put(sw, "b-en.txt",
      "General Mykyta Dovhopolyi was in the east.\n"
      "Later Dovhoployi said the village of Synkivka had no power.\n");
  put(sw, "d-en.txt", "The bakery of Dovhoployi reopened on Main Street.\n");
  const char *t[] = {"copydesk", "check", "--disable", "text.*", sw, NULL};
  assert_int_equal(cdt_run(t, NULL, 0, &out, &err), 0);
  assert_int_equal(cd_buf_append(&out, "", 0), CD_OK);
  if (!strstr(out.data, "b-en.txt:2:7: warning: names.unknown-variant: 'Dovhoployi'") ||
      !strstr(out.data, "(suggestion: Dovhopolyi)"))
    fail_msg("stdout:\n%s", out.data);
  assert_int_equal(cdt_count_lines(out.data, out.len), 1);
  /* with the Cyrillic form in the batch, the spelling that follows its house romanization
   * (Russian BGN/PCGN: Звягинцев -> Zvyagintsev) is the suggestion, not the majority */
  char ru[4200];
  fresh_dir(ru, sizeof ru, "unknown-names-house");
  put(ru, "a-en.txt",
      "Governor Arkady Zviagintsev closed the schools.\n"
      "Zviagintsev said the measure was temporary.\n");
  put(ru, "b-en.txt", "Arkady Zvyagintsev met the mayors on Friday.\n");
  put(ru, "c-ru.txt", "Губернатор Аркадий Звягинцев закрыл школы.\n");
  const char *h[] = {"copydesk", "check", "--disable", "text.*", ru, NULL};
  assert_int_equal(cdt_run(h, NULL, 0, &out, &err), 0);
  assert_int_equal(cd_buf_append(&out, "", 0), CD_OK);
  if (!strstr(out.data, "a-en.txt:1:17: warning: names.unknown-variant: 'Zviagintsev'") ||
      !strstr(out.data, "a-en.txt:2:1: warning: names.unknown-variant: 'Zviagintsev'") ||
      !strstr(out.data, "(suggestion: Zvyagintsev)"))
    fail_msg("stdout:\n%s", out.data);
  assert_int_equal(cdt_count_lines(out.data, out.len), 2);
  /* across systems: the Ukrainian and the Russian romanization of one Cyrillic surname
   * (Гребенюк: Hrebeniuk, Grebenyuk) are one spelling question when the batch has the
   * Cyrillic form, the house (Ukrainian) one suggested; without it, two names */
  char xs[4200];
  fresh_dir(xs, sizeof xs, "unknown-names-systems");
  put(xs, "a-en.txt",
      "The new minister Mykola Grebenyuk visited Kharkiv.\n"
      "Grebenyuk said more air defence was coming.\n");
  put(xs, "b-en.txt", "Minister Mykola Hrebeniuk met soldiers in the east.\n");
  const char *x0[] = {"copydesk", "check", "--disable", "text.*", xs, NULL};
  assert_int_equal(cdt_run(x0, NULL, 0, &out, &err), 0);
  assert_null(strstr(out.data, "names.unknown-variant"));
  put(xs, "c-uk.txt", "Міністр Микола Гребенюк відвідав Харків.\n");
  assert_int_equal(cdt_run(x0, NULL, 0, &out, &err), 0);
  assert_int_equal(cd_buf_append(&out, "", 0), CD_OK);
  if (!strstr(out.data, "a-en.txt:1:25: warning: names.unknown-variant: 'Grebenyuk'") ||
      !strstr(out.data, "a-en.txt:2:1: warning: names.unknown-variant: 'Grebenyuk'") ||
      !strstr(out.data, "(suggestion: Hrebeniuk)"))
    fail_msg("stdout:\n%s", out.data);
  assert_int_equal(cdt_count_lines(out.data, out.len), 2);
  /* switched off like any other check */
  const char *b[] = {"copydesk", "check", "--disable", "text.*,names.unknown-variant", dir, NULL};
  assert_int_equal(cdt_run(b, NULL, 0, &out, &err), 0);
  assert_null(strstr(out.data, "names.unknown-variant"));
  cd_buf_free(&out);
  cd_buf_free(&err);
}

/* End to end on a batch written for the repository (tests/fixtures/check/unknown-names):
 * ten articles in en, uk and ru, seven names no dictionary has, six of them spelled two or
 * three ways (transliterations, a missing soft sign, ё for е, case forms that are no
 * variants), and distractors (two people of one surname key, names one vowel apart, a
 * Title Case headline). Every planted variant is found, nothing else. */
static void test_cli_unknown_names_batch(void **state) {
  (void)state;
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", cdt_fixture("check/unknown-names"));
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *a[] = {"copydesk",  "check",
                     "--disable", "text.*,names.style,names.variant,names.mismatch",
                     dir,         NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 0);
  assert_int_equal(cd_buf_append(&out, "", 0), CD_OK);
  static const char *const want[] = {
      "03-brief-en.txt:1:7: warning: names.unknown-variant: 'Dovbyschuk'",
      "03-brief-en.txt:1:76: warning: names.unknown-variant: 'Synkiwka'",
      "03-brief-en.txt:2:8: warning: names.unknown-variant: 'Hnatyuk'",
      "03-brief-en.txt:2:66: warning: names.unknown-variant: 'Prikarpatenerho'",
      "04-russia-en.txt:3:20: warning: names.unknown-variant: 'Arkadiy'",
      "04-russia-en.txt:3:28: warning: names.unknown-variant: 'Zviagintsev'",
      "07-energy-uk.txt:2:29: warning: names.unknown-variant: "
      "'\xD0\x9A\xD0\xBE\xD0\xB2\xD0\xB0\xD0\xBB\xD1\x87\xD0\xB8\xD1\x88\xD0\xB8\xD0\xBD'",
      "10-brief-ru.txt:1:9: warning: names.unknown-variant: "
      "'\xD0\x97\xD0\xB2\xD1\x8F\xD0\xB3\xD0\xB8\xD0\xBD\xD1\x86\xD1\x91\xD0\xB2'",
  };
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    if (!strstr(out.data, want[i]))
      fail_msg("missing: %s\nstdout:\n%s", want[i], out.data);
  assert_int_equal(cdt_count_lines(out.data, out.len), sizeof want / sizeof want[0]);
  cd_buf_free(&out);
  cd_buf_free(&err);
}

static void test_cli_errors(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *a[] = {"copydesk", "check", "missing-dir", NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 2);
  assert_non_null(strstr(err.data, "missing-dir"));
  const char *p = cdt_tmpfile("bad.en-fr.tsv");
  cdt_write_file(p, "one\ttwo\nno tab here\n", 20);
  const char *b[] = {"copydesk", "check", "--pairs", p, NULL};
  assert_int_equal(cdt_run(b, NULL, 0, &out, &err), 2);
  assert_non_null(strstr(err.data, "bad.en-fr.tsv:2"));
  const char *q = cdt_tmpfile("nolang.tsv");
  cdt_write_file(q, "a\tb\n", 4);
  const char *c[] = {"copydesk", "check", q, NULL};
  assert_int_equal(cdt_run(c, NULL, 0, &out, &err), 2);
  assert_non_null(strstr(err.data, "--src-lang"));
  const char *clean = cdt_tmpfile("clean-en.txt");
  cdt_write_file(clean, "All quiet in Odesa today.\n", 26);
  const char *d[] = {"copydesk", "check", clean, NULL};
  assert_int_equal(cdt_run(d, NULL, 0, &out, &err), 0);
  assert_int_equal(out.len, 0);
  const char *e[] = {"copydesk", "check", "--level", "text.double-space", clean, NULL};
  assert_int_equal(cdt_run(e, NULL, 0, &out, &err), 2);
  cd_buf_free(&out);
  cd_buf_free(&err);
}

/* A TM's units are checked like pairs; the origin is the TM and the line the unit id. */
static void test_cli_tm(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *tm = cdt_tmpfile("check-tm.sqlite");
  const char *a[] = {"copydesk",
                     "tm",
                     "add",
                     "--tm",
                     tm,
                     "--src-lang",
                     "en",
                     "--tgt-lang",
                     "fr",
                     "Some 6,000 troops took part.",
                     "Quelque 6 000 soldats y ont pris part.",
                     NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 0);
  const char *b[] = {"copydesk",
                     "tm",
                     "add",
                     "--tm",
                     tm,
                     "--src-lang",
                     "en",
                     "--tgt-lang",
                     "fr",
                     "The army received 15,000 shells.",
                     "L\xE2\x80\x99"
                     "arm\xC3\xA9"
                     "e a re\xC3\xA7u 1 500 obus.",
                     NULL};
  assert_int_equal(cdt_run(b, NULL, 0, &out, &err), 0);
  const char *c[] = {"copydesk", "check", "--tm", tm, NULL};
  assert_int_equal(cdt_run(c, NULL, 0, &out, &err), 1);
  assert_int_equal(cdt_count_lines(out.data, out.len), 1);
  assert_non_null(strstr(out.data, "check-tm.sqlite:2:"));
  assert_non_null(strstr(out.data, "numbers.mismatch: '15,000' in the source, '1 500'"));
  const char *d[] = {"copydesk", "check", "--tm", cdt_tmpfile("no-such-tm.sqlite"), NULL};
  assert_int_equal(cdt_run(d, NULL, 0, &out, &err), 2);
  assert_non_null(strstr(err.data, "no-such-tm.sqlite"));
  cd_buf_free(&out);
  cd_buf_free(&err);
}

/* What copydesk align writes (TSV with indexes and scores, or JSON beads) is read as pairs. */
static void test_cli_align_output(void **state) {
  (void)state;
  const char *en = cdt_tmpfile("bridge-en.txt"), *fr = cdt_tmpfile("bridge-fr.txt");
  const char en_text[] = "The bridge reopened on Friday.\nIt had been closed for 18 months.\n";
  const char fr_text[] =
      "Le pont a rouvert vendredi.\nIl \xC3\xA9tait ferm\xC3\xA9 depuis 16 mois.\n";
  cdt_write_file(en, en_text, sizeof en_text - 1);
  cdt_write_file(fr, fr_text, sizeof fr_text - 1);
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *a[] = {"copydesk", "align", "--presegmented", en, fr, NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 0);
  const char *tsv = cdt_tmpfile("bridge.en-fr.tsv");
  cdt_write_file(tsv, out.data, out.len);
  const char *j[] = {"copydesk", "align", "--presegmented", "--format", "json", en, fr, NULL};
  assert_int_equal(cdt_run(j, NULL, 0, &out, &err), 0);
  const char *json = cdt_tmpfile("bridge.en-fr.json");
  cdt_write_file(json, out.data, out.len);
  char tsv_path[4200], json_path[4200];
  snprintf(tsv_path, sizeof tsv_path, "%s", tsv);
  snprintf(json_path, sizeof json_path, "%s", json);
  const char *c[] = {"copydesk", "check", "--no-names", tsv_path, json_path, NULL};
  assert_int_equal(cdt_run(c, NULL, 0, &out, &err), 1);
  assert_int_equal(cdt_count_lines(out.data, out.len), 2);
  assert_non_null(strstr(out.data, "bridge.en-fr.json:2:"));
  assert_non_null(strstr(out.data, "bridge.en-fr.tsv:2:"));
  assert_non_null(strstr(out.data, "'18' in the source, '16' in the target"));
  cd_buf_free(&out);
  cd_buf_free(&err);
}

/* The pairs file reader: plain TSV, align's TSV and JSON beads; bad files are refused with
 * the file and line (or bead) named, and what was added before stays. */
static void test_pairs_file(void **state) {
  (void)state;
  cd_checker *c = new_checker(NULL);
  cd_error err;
  const char *tsv = cdt_tmpfile("desk.en-de.tsv");
  const char t[] = "\nThe mayor counted 1,200 votes.\tDer B\xC3\xBCrgermeister z\xC3\xA4hlte 1.200 "
                   "Stimmen.\r\n0\t0,1\t0.912\t0\tIt cost 40 euros.\tEs kostete 45 Euro.\n"
                   "1\t\t0.000\t1\tA line left out.\t\n";
  cdt_write_file(tsv, t, sizeof t - 1);
  assert_int_equal(cd_check_pairs_file(c, tsv, "en", "de", &err), CD_OK);
  const char *json = cdt_tmpfile("desk.en-de.json");
  const char j[] = "[{\"src\":[0],\"tgt\":[0],\"src_text\":\"Turnout was 61 percent.\","
                   "\"tgt_text\":\"Die Beteiligung lag bei 16 Prozent.\"},"
                   "{\"src\":[1],\"tgt\":[],\"src_text\":\"Left out.\",\"tgt_text\":\"\"}]";
  cdt_write_file(json, j, sizeof j - 1);
  assert_int_equal(cd_check_pairs_file(c, json, "en", "de", &err), CD_OK);
  uint64_t na, np;
  cd_check_inputs(c, &na, &np);
  assert_int_equal(np, 3);
  assert_int_equal(cd_check_finish(c, &err), CD_OK);
  size_t mism = 0;
  for (size_t i = 0; i < cd_check_count(c); i++) {
    const cd_finding *f = cd_check_get(c, i);
    if (strcmp(f->check, "numbers.mismatch") != 0)
      continue;
    mism++;
    if (strstr(f->file, ".tsv"))
      assert_int_equal(f->line, 3);
    else
      assert_int_equal(f->line, 1);
  }
  assert_int_equal(mism, 2);
  cd_checker_free(c);

  c = new_checker(NULL);
  const char *bad = cdt_tmpfile("bad.en-de.tsv");
  cdt_write_file(bad, "a\tb\nc\t\xC3(\n", 9);
  assert_int_not_equal(cd_check_pairs_file(c, bad, "en", "de", &err), CD_OK);
  assert_non_null(strstr(err.message, "bad.en-de.tsv:2: invalid UTF-8"));
  cdt_write_file(bad, "a\tb\nc\n", 6);
  assert_int_not_equal(cd_check_pairs_file(c, bad, "en", "de", &err), CD_OK);
  assert_non_null(strstr(err.message, "bad.en-de.tsv:2: expected source<TAB>target"));
  const char *badj = cdt_tmpfile("bad.en-de.json");
  cdt_write_file(badj, "[{\"src_text\":\"a\"", 16);
  assert_int_not_equal(cd_check_pairs_file(c, badj, "en", "de", &err), CD_OK);
  assert_non_null(
      strstr(err.message, "bad.en-de.json: not a JSON array of beads (unexpected end of data)"));
  cdt_write_file(badj, "[] []", 5);
  assert_int_not_equal(cd_check_pairs_file(c, badj, "en", "de", &err), CD_OK);
  assert_non_null(strstr(err.message, "bad.en-de.json: byte 3: data after the array"));
  cdt_write_file(
      badj, "[{\"src_text\":\"a\",\"tgt_text\":\"b\"},{\"src_text\":1,\"tgt_text\":\"b\"}]", 63);
  assert_int_not_equal(cd_check_pairs_file(c, badj, "en", "de", &err), CD_OK);
  assert_non_null(strstr(err.message, "bad.en-de.json: bead 2:"));
  assert_int_not_equal(cd_check_pairs_file(c, cdt_tmpfile("absent.en-de.tsv"), "en", "de", &err),
                       CD_OK);
  assert_non_null(strstr(err.message, "absent.en-de.tsv"));
  cd_check_inputs(c, &na, &np);
  assert_int_equal(np, 3); /* the good lines and beads before each bad one */
  cd_checker_free(c);
}

/* names.* findings follow the names stage's editor rules: what normalize would leave as
 * written (an acronym, a brand, a case form, an original in another script, a URL), check
 * does not report as a style error; what it would rewrite, check reports. */
static void test_cli_names_follow_normalize(void **state) {
  (void)state;
  char dir[4200];
  snprintf(dir, sizeof dir, "%s", cdt_tmpfile("names-batch"));
  assert_int_equal(mkdir(dir, 0755), 0);
  char p1[4300], p2[4300];
  snprintf(p1, sizeof p1, "%s/wire-ru.txt", dir);
  snprintf(p2, sizeof p2, "%s/desk-en.txt", dir);
  const char *ru = "\xD0\x9E\xD0\xB1 \xD1\x8D\xD1\x82\xD0\xBE\xD0\xBC "
                   "\xD1\x81\xD0\xBE\xD0\xBE\xD0\xB1\xD1\x89\xD0\xB8\xD0\xBB CBS New York. "
                   "\xD0\x92\xD0\xB8\xD0\xB7\xD0\xB8\xD1\x82 \xD0\x94\xD0\xB6\xD0\xBE "
                   "\xD0\x91\xD0\xB0\xD0\xB9\xD0\xB4\xD0\xB5\xD0\xBD\xD0\xB0 "
                   "\xD0\xBE\xD1\x82\xD0\xBB\xD0\xBE\xD0\xB6\xD0\xB8\xD0\xBB\xD0\xB8.\n";
  const char *en = "The CDU leader met NATO envoys in the USA.\n"
                   "Watch Kiev 24 or read https://en.wikipedia.org/wiki/Kiev tonight.\n";
  cdt_write_file(p1, ru, strlen(ru));
  cdt_write_file(p2, en, strlen(en));
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *a[] = {"copydesk", "check", dir, NULL};
  cdt_run(a, NULL, 0, &out, &err);
  assert_true(out.len == 0 || !strstr(out.data, "names."));
  /* one spelling as a full name, a bare surname and a possessive: no variant */
  const char *same = "Recep Tayyip Erdogan spoke.\nLater Erdogan left.\nErdogan's aides stayed.\n";
  cdt_write_file(p2, same, strlen(same));
  cdt_run(a, NULL, 0, &out, &err);
  assert_true(out.len == 0 || !strstr(out.data, "names.variant"));
  /* ... two spellings of the surname are */
  const char *two = "Recep Tayyip Erdogan spoke.\nLater Erdogan left.\nErdoğan stayed.\n";
  cdt_write_file(p2, two, strlen(two));
  cdt_run(a, NULL, 0, &out, &err);
  assert_non_null(strstr(out.data, "names.variant: 'Erdogan'"));
  /* a short text whose language is neither named nor sure has no house style to check */
  char d2[4300], p3[4400], p4[4400];
  snprintf(d2, sizeof d2, "%s-short", dir);
  assert_int_equal(mkdir(d2, 0755), 0);
  snprintf(p3, sizeof p3, "%s/caption.txt", d2);
  snprintf(p4, sizeof p4, "%s/caption-en.txt", d2);
  cdt_write_file(p3, "Zelensky met Macron.\n", 21);
  const char *sc[] = {"copydesk", "check", p3, NULL};
  cdt_run(sc, NULL, 0, &out, &err);
  assert_true(out.len == 0 || !strstr(out.data, "names."));
  cdt_write_file(p4, "Zelensky met Macron.\n", 21);
  const char *sc2[] = {"copydesk", "check", p4, NULL};
  cdt_run(sc2, NULL, 0, &out, &err);
  assert_non_null(strstr(out.data, "names.style: 'Zelensky'"));
  /* the same desk file with a variant normalize rewrites: reported */
  const char *en2 = "The CDU leader met NATO envoys in Kiev.\n";
  cdt_write_file(p2, en2, strlen(en2));
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 0);
  assert_non_null(strstr(out.data, "names.style: 'Kiev' is not the house form 'Kyiv'"));
  cd_buf_free(&out);
  cd_buf_free(&err);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_numbers_locale_aware),
      cmocka_unit_test(test_numbers_mismatch),
      cmocka_unit_test(test_tm_consistency),
      cmocka_unit_test(test_untranslated_and_glossary),
      cmocka_unit_test(test_glossary_inflection_uk),
      cmocka_unit_test(test_glossary_inflection_de_ru_fr),
      cmocka_unit_test(test_untranslated_names_and_titles),
      cmocka_unit_test(test_text_checks),
      cmocka_unit_test(test_deep_nesting_is_linear),
      cmocka_unit_test(test_levels),
      cmocka_unit_test(test_cli_batch),
      cmocka_unit_test(test_cli_batch_language),
      cmocka_unit_test(test_cli_pairs_column_languages),
      cmocka_unit_test(test_cli_unknown_names),
      cmocka_unit_test(test_cli_unknown_names_batch),
      cmocka_unit_test(test_cli_errors),
      cmocka_unit_test(test_cli_tm),
      cmocka_unit_test(test_cli_align_output),
      cmocka_unit_test(test_pairs_file),
      cmocka_unit_test(test_unbalanced_on_real_copy_shapes),
      cmocka_unit_test(test_cli_names_follow_normalize),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
