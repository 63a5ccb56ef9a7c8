/* SPDX-License-Identifier: MIT */
/* The editor's guards (src/names/guard.c) and the protected-span detector they share with
 * typography (src/text/protect.c): the text tests behind "may this match be rewritten". */
#include "cd_test.h"

#include <string.h>

#include "cd_protect.h"
#include "names_internal.h"

#define S(x) x, strlen(x)

static void test_words_and_caps(void **state) {
  (void)state;
  assert_int_equal(cd_names_guard_words(S("Zaporizhzhia nuclear power plant")), 4);
  assert_int_equal(cd_names_guard_words(S("  Kyiv  ")), 1);
  assert_true(cd_names_guard_all_caps(S("CDU")));
  assert_true(cd_names_guard_all_caps(S("ЄС")));
  assert_true(cd_names_guard_all_caps(S("BERLIN")));
  assert_false(cd_names_guard_all_caps(S("I"))); /* one letter is no acronym */
  assert_false(cd_names_guard_all_caps(S("Kyiv")));
  assert_true(cd_names_guard_has_acronym(S("Zaporizhzhia NPP")));
  assert_false(cd_names_guard_has_acronym(S("J. D. Vance")));
}

static void test_endings(void **state) {
  (void)state;
  /* a case form rewritten to the nominative */
  assert_true(cd_names_guard_endings_differ(S("Джо Байдена"), S("Джо Байден")));
  assert_true(cd_names_guard_endings_differ(S("Запорізької АЕС"), S("Запорізька АЕС")));
  assert_true(cd_names_guard_endings_differ(S("Зеленського"), S("Зеленський")));
  /* a word more or less changes the grammar too */
  assert_true(cd_names_guard_endings_differ(S("США"), S("Сполучені Штати")));
  /* a spelling fix in the same case */
  assert_false(cd_names_guard_endings_differ(S("Зеленский"), S("Зеленський")));
  assert_false(cd_names_guard_endings_differ(S("Біньямін Нетаньяху"), S("Біньямін Нетаньягу")));
}

static void test_enclosed(void **state) {
  (void)state;
  size_t qb = 0, qe = 0;
  const char *en = "He said \xE2\x80\x9CKiev will stand\xE2\x80\x9D today (Kyiv) now.";
  assert_int_equal(
      cd_names_guard_enclosed(S(en), (size_t)(strstr(en, "Kiev") - en), "en", &qb, &qe), 'q');
  assert_int_equal(qe - qb, strlen("Kiev will stand"));
  assert_int_equal(
      cd_names_guard_enclosed(S(en), (size_t)(strstr(en, "Kyiv") - en), "en", &qb, &qe), 'p');
  assert_int_equal(cd_names_guard_enclosed(S(en), (size_t)(strstr(en, "now") - en), "en", &qb, &qe),
                   0);
  /* German pairs „ “: the “ closes */
  const char *de = "Er sagte \xE2\x80\x9EKiew\xE2\x80\x9C und Kiew.";
  assert_int_equal(
      cd_names_guard_enclosed(S(de), (size_t)(strstr(de, "Kiew") - de), "de", &qb, &qe), 'q');
  assert_int_equal(cd_names_guard_enclosed(S(de), (size_t)(strstr(de, "und") - de), "de", &qb, &qe),
                   0);
  /* straight quotes toggle; an unclosed quotation runs to the end of the line */
  const char *st = "A \"B\" C \"D";
  assert_int_equal(cd_names_guard_enclosed(S(st), 3, "en", &qb, &qe), 'q');
  assert_int_equal(cd_names_guard_enclosed(S(st), 6, "en", &qb, &qe), 0);
  assert_int_equal(cd_names_guard_enclosed(S(st), 9, "en", &qb, &qe), 'q');
  assert_int_equal(qe, strlen(st));
}

static void test_foreign_letters(void **state) {
  (void)state;
  const char *letters = "ł ř ș ğ ņ";
  assert_true(cd_names_guard_foreign_letter(S("Wrocław"), S("Wroclaw"), letters));
  assert_false(cd_names_guard_foreign_letter(S("Siliņa"), S("Siliņa"), letters));
  assert_false(cd_names_guard_foreign_letter(S("Séjourné"), S("Sejourne"), letters));
  assert_false(cd_names_guard_foreign_letter(S("Wrocław"), S("Wroclaw"), ""));
}

static bool prot(const char *s, const char *part) {
  const char *p = strstr(s, part);
  assert_non_null(p);
  return cd_protect_overlaps(s, strlen(s), (size_t)(p - s), (size_t)(p - s) + strlen(part));
}

static void test_protect_shapes(void **state) {
  (void)state;
  const char *s = "Go to https://x.org/wiki/Kiev, site.tv or example.com.ua; mail a@b.ua.";
  assert_true(prot(s, "Kiev"));
  assert_true(prot(s, "site.tv"));
  assert_true(prot(s, "example.com.ua"));
  assert_true(prot(s, "a@b.ua"));
  assert_false(prot(s, "Go to"));
  const char *h = "Follow @Kiev_News, #Київ and #PRS_ORG# or {{name}}, [[Link]], [PERSON5], "
                  "<b>bold</b> and %1$s.";
  assert_true(prot(h, "@Kiev_News"));
  assert_true(prot(h, "#Київ"));
  assert_true(prot(h, "#PRS_ORG#"));
  assert_true(prot(h, "{{name}}"));
  assert_true(prot(h, "[[Link]]"));
  assert_true(prot(h, "[PERSON5]"));
  assert_true(prot(h, "<b>"));
  assert_false(prot(h, "bold"));
  assert_true(prot(h, "%1$s"));
  const char *m = "Use %(city_name)s, ${Genf}, {Kiev}, [Julia_Kloeckner] and @Frank-Walter_News.";
  assert_true(prot(m, "%(city_name)s"));
  assert_true(prot(m, "${Genf}"));
  assert_true(prot(m, "{Kiev}"));
  assert_true(prot(m, "[Julia_Kloeckner]"));
  assert_true(prot(m, "Walter_News"));
  /* prose that only looks like an address */
  const char *n = "The U.S. and e.g. 3.5 percent; end.The [Note] and 5 % rise, a < b > c.";
  assert_false(prot(n, "U.S."));
  assert_false(prot(n, "e.g."));
  assert_false(prot(n, "3.5"));
  assert_false(prot(n, "end.The"));
  assert_false(prot(n, "[Note]"));
  assert_false(prot(n, "5 %"));
  assert_false(prot(n, "< b >"));
  /* an editor's insertion in brackets and a percentage in parentheses are prose */
  const char *e = "He said [Spain] would (100%) agree, 5 % (of them) too.";
  assert_false(prot(e, "[Spain]"));
  assert_false(prot(e, "(of them)"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_words_and_caps), cmocka_unit_test(test_endings),
      cmocka_unit_test(test_enclosed),       cmocka_unit_test(test_foreign_letters),
      cmocka_unit_test(test_protect_shapes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
