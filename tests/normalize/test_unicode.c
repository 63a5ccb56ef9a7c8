/* SPDX-License-Identifier: MIT */
/* Stage 3, Unicode clean-up: NFC, controls, invisible characters, mixed-script look-alikes
 * and the stream-safe format. Every case also replays its change log over the input. */
#include "cd_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "cd_normalize.h"
#include "cd_stage.h"

typedef struct result {
  cd_buf out, log;
} result;

static void result_free(result *r) {
  cd_buf_free(&r->out);
  cd_buf_free(&r->log);
}

static void check_replay(const char *in, size_t len, const result *r) {
  cd_buf replayed = CD_BUF_INIT;
  cd_error err;
  cd_status st =
      cd_change_log_replay(in, len, r->log.data ? r->log.data : "", r->log.len, &replayed, &err);
  if (st)
    fail_msg("replay failed: %s", err.message);
  assert_int_equal(replayed.len, r->out.len);
  assert_memory_equal(replayed.data ? replayed.data : "", r->out.data ? r->out.data : "",
                      r->out.len);
  cd_buf_free(&replayed);
}

/* Runs the Unicode stage alone over in (window 0 = the default). */
static result run_window(const char *lang, const char *in, size_t len, size_t window) {
  cd_normalize_options o;
  cd_normalize_options_init(&o);
  if (window)
    o.window = window;
  o.file_label = "wire.txt";
  cd_stage_env env = {lang, cdt_data_dir(), &o, NULL};
  result r = {CD_BUF_INIT, CD_BUF_INIT};
  cd_error err;
  cd_status st = cd_stage_run_buffer(&cd_stage_unicode, &env, in, len, &r.out, &r.log, &err);
  if (st)
    fail_msg("unicode stage failed: %s", err.message);
  check_replay(in, len, &r);
  return r;
}

static result run(const char *lang, const char *in, size_t len) {
  return run_window(lang, in, len, 0);
}

static size_t count_str(const cd_buf *b, const char *needle) {
  size_t n = 0, k = strlen(needle);
  for (const char *p = b->data; p && (p = strstr(p, needle)); p += k)
    n++;
  return n;
}

static size_t count_rule(const cd_buf *log, const char *rule) {
  char key[96];
  snprintf(key, sizeof key, "\"rule\":\"%s\"", rule);
  return count_str(log, key);
}

/* in must come back byte for byte, with an empty log. */
static void expect_untouched(const char *lang, const char *in) {
  result r = run(lang, in, strlen(in));
  if (r.out.len != strlen(in) || (r.out.len && memcmp(r.out.data, in, r.out.len) != 0))
    fail_msg("changed: [%s] -> [%s]", in, r.out.data);
  if (r.log.len)
    fail_msg("logged edits for clean text [%s]: %s", in, r.log.data);
  result_free(&r);
}

/* in becomes want, with `edits` records of `rule` and `total` records in all. */
static void expect_fix(const char *lang, const char *in, size_t in_len, const char *want,
                       const char *rule, size_t edits, size_t total) {
  result r = run(lang, in, in_len);
  if (r.out.len != strlen(want) || (r.out.len && memcmp(r.out.data, want, r.out.len) != 0))
    fail_msg("got [%s], want [%s]", r.out.data ? r.out.data : "", want);
  if (count_rule(&r.log, rule) != edits || cdt_count_lines(r.log.data, r.log.len) != total)
    fail_msg("want %zu %s of %zu records, log:\n%s", edits, rule, total,
             r.log.data ? r.log.data : "");
  result_free(&r);
}

#define FIX(lang, in, want, rule, edits, total)                                                    \
  expect_fix(lang, in, sizeof in - 1, want, rule, edits, total)

/* ---- clean text comes back byte-identical -------------------------------------------- */

static void test_clean_text_untouched(void **state) {
  (void)state;
  expect_untouched("en", "The talks in Geneva ended late on Tuesday, officials said.\n");
  expect_untouched("en", "Columns\tseparated\tby tabs stay as they are.\r\n");
  expect_untouched("fr", "Le Premier ministre Sébastien Lecornu a reçu à l’Élysée « hier ».\n");
  expect_untouched("uk", "Президент Зеленський прибув до Києва у вівторок.\n");
  expect_untouched("ru", "Премьер-министр заявил, что всё решено ещё вчера.\n");
  expect_untouched("el", "Η κυβέρνηση στην Αθήνα ανακοίνωσε νέα μέτρα.\n");
  expect_untouched("vi", "Thủ tướng Việt Nam đã đến Hà Nội.\n");
  expect_untouched("he", "ראש הממשלה נפגש עם השר בירושלים.\n");
  expect_untouched("en", "Fans wrote \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD and \xE2\x9D\xA4\xEF\xB8\x8F "
                         "under the post; U+FFFD \xEF\xBF\xBD marks an unreadable byte.\n");
  /* no-break spaces, the non-breaking hyphen and the line/paragraph separators are text */
  expect_untouched(
      "fr",
      "Il a dit\xE2\x80\xAF: \xC2\xAB\xC2\xA0oui\xC2\xA0\xC2\xBB \xE2\x80\x94 Jean\xE2\x80\x91"
      "Luc\xE2\x80\xA8suite\xE2\x80\xA9"
      "fin\n");
  expect_untouched("en", "");
  expect_untouched("en", "\n\n\r\n");
}

/* ---- NFC ----------------------------------------------------------------------------- */

static void test_nfd_french(void **state) {
  (void)state;
  /* é as e + U+0301, à as a + U+0300, É as E + U+0301 */
  FIX("fr",
      "Le ministre a de\xCC\x81"
      "clare\xCC\x81 a\xCC\x80 l\xE2\x80\x99"
      "E\xCC\x81lyse\xCC\x81"
      "e.\n",
      "Le ministre a déclaré à l’Élysée.\n", "unicode.nfc", 5, 5);
}

static void test_nfd_vietnamese(void **state) {
  (void)state;
  /* ệ as e + U+0323 + U+0302; ộ with its marks in the wrong order (U+0302 before U+0323) */
  FIX("vi", "Vie\xCC\xA3\xCC\x82t Nam: Ha\xCC\x80 No\xCC\x82\xCC\xA3i va\xCC\x80 Hu\xE1\xBA\xBF.\n",
      "Việt Nam: Hà Nội và Huế.\n", "unicode.nfc", 4, 4);
}

static void test_adjacent_units_are_one_edit(void **state) {
  (void)state;
  /* "ée" fully decomposed: two units side by side make one edit */
  FIX("fr",
      "Cr"
      "e\xCC\x81"
      "e\xCC\x81"
      "es hier.\n",
      "Créées hier.\n", "unicode.nfc", 1, 1);
}

static void test_cyrillic_decomposed(void **state) {
  (void)state;
  FIX("uk",
      "Місто Ки\xD1\x96\xCC\x88в, мер Віталій Кличко і президент Зеленськи\xD0\xB8\xCC\x86.\n",
      "Місто Київ, мер Віталій Кличко і президент Зеленський.\n", "unicode.nfc", 2, 2);
  FIX("ru", "Ёлка и\xCC\x86 Е\xCC\x88лкин.\n", "Ёлка й Ёлкин.\n", "unicode.nfc", 2, 2);
}

/* ---- controls ------------------------------------------------------------------------ */

static void test_controls_removed(void **state) {
  (void)state;
  FIX("en", "Kyiv\x00 talks\x07 resume\x1B[0m today\x7F.\n", "Kyiv talks resume[0m today.\n",
      "unicode.control", 4, 4);
  /* C1 controls left over by the mojibake stage (undefined cp1252 bytes) */
  FIX("en", "Paris\xC2\x81 and Lyon\xC2\x9D.\n", "Paris and Lyon.\n", "unicode.control", 2, 2);
  /* a line of nothing but controls keeps its line end */
  FIX("en", "\x00\x01\x02\r\n", "\r\n", "unicode.control", 1, 1);
}

static void test_crlf_kept_lone_cr_is_control(void **state) {
  (void)state;
  /* the CR of CRLF is the line end; a CR inside the line separates words: one space */
  FIX("en", "first\rsecond\r\nthird \r fourth\r\n", "first second\r\nthird  fourth\r\n",
      "unicode.control", 2, 2);
  /* a CR at the very end of the input, without LF, is removed */
  FIX("en", "last line\r", "last line", "unicode.control", 1, 1);
  /* NEL (U+0085) is text to the pipeline: it becomes a space, never a line end */
  FIX("en", "one\xC2\x85two\n", "one two\n", "unicode.control", 1, 1);
  FIX("en", "vertical\x0Btab and form\x0C\n", "vertical tab and form\n", "unicode.control", 2, 2);
}

/* ---- invisible characters ------------------------------------------------------------- */

static void test_zero_width_in_latin_name(void **state) {
  (void)state;
  FIX("en",
      "Volo\xE2\x80\x8B"
      "dymyr Zelen\xE2\x81\xA0skyy met Em\xE2\x80\x8B\xE2\x80\x8Bmanuel.\n",
      "Volodymyr Zelenskyy met Emmanuel.\n", "unicode.zero-width", 3, 3);
  FIX("en", "Stray\xEF\xBB\xBF byte order mark.\n", "Stray byte order mark.\n", "unicode.bom", 1,
      1);
}

static void test_soft_hyphen(void **state) {
  (void)state;
  FIX("de",
      "Die Stra\xC3\x9F"
      "en\xC2\xAD"
      "bahn f\xC3\xA4hrt wieder.\n",
      "Die Straßenbahn fährt wieder.\n", "unicode.soft-hyphen", 1, 1);
}

static void test_bidi_marks(void **state) {
  (void)state;
  /* RLM inside a Latin word: removed */
  FIX("en", "Micro\xE2\x80\x8Fsoft said.\n", "Microsoft said.\n", "unicode.bidi", 1, 1);
  /* a line without any right-to-left letter needs no bidi control at all */
  FIX("en",
      "Price: \xE2\x80\xAA"
      "5 USD\xE2\x80\xAC.\n",
      "Price: 5 USD.\n", "unicode.bidi", 2, 2);
  /* next to Hebrew or Arabic they are kept */
  expect_untouched("he", "השר אמר \xE2\x80\x8F"
                         "123 מיליון.\n");
  expect_untouched("ar", "قال مراسل \xE2\x80\x8E"
                         "BBC\xE2\x80\x8E اليوم.\n");
  /* but inside a Latin word of such a line they go */
  FIX("he", "השר ביקר ב-Micro\xE2\x80\x8Fsoft.\n", "השר ביקר ב-Microsoft.\n", "unicode.bidi", 1, 1);
}

static void test_joiners_in_emoji_and_scripts_kept(void **state) {
  (void)state;
  /* family: man ZWJ woman ZWJ girl; heart on fire: U+2764 VS16 ZWJ U+1F525 */
  expect_untouched("en", "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7 "
                         "and \xE2\x9D\xA4\xEF\xB8\x8F\xE2\x80\x8D\xF0\x9F\x94\xA5 trended.\n");
  /* flag of Scotland: U+1F3F4 and tag characters */
  expect_untouched("en",
                   "\xF0\x9F\x8F\xB4\xF3\xA0\x81\xA7\xF3\xA0\x81\xA2\xF3\xA0\x81\xB3\xF3\xA0\x81"
                   "\xA3\xF3\xA0\x81\xB4\xF3\xA0\x81\xBF fans\n");
  /* keycap one: 1 VS16 U+20E3 */
  expect_untouched("en", "Step 1\xEF\xB8\x8F\xE2\x83\xA3 first.\n");
  /* Persian: ZWNJ in می‌خواهم and نمی‌دانم */
  expect_untouched("fa", "من می\xE2\x80\x8Cخواهم بدانم ولی نمی\xE2\x80\x8Cدانم.\n");
  /* Hindi: क्‍ष with ZWJ (half form) and Malayalam chillu with ZWJ */
  expect_untouched("hi", "\xE0\xA4\x95\xE0\xA5\x8D\xE2\x80\x8D\xE0\xA4\xB7 \xE0\xB4\xA8\xE0\xB5\x8D"
                         "\xE2\x80\x8D\n");
}

static void test_joiners_in_latin_removed(void **state) {
  (void)state;
  FIX("en", "Kha\xE2\x80\x8Drkiv and Auf\xE2\x80\x8Clage.\n", "Kharkiv and Auflage.\n",
      "unicode.zero-width", 2, 2);
  /* a variation selector after a Latin letter has no meaning */
  FIX("en", "Odesa\xEF\xB8\x8F port.\n", "Odesa port.\n", "unicode.variation-selector", 1, 1);
}

/* ---- homoglyphs ---------------------------------------------------------------------- */

static void test_homoglyph_latin_word(void **state) {
  (void)state;
  /* Kyіv with Cyrillic і (U+0456); Zelеnskyy with Cyrillic е (U+0435) */
  FIX("en", "Talks in Ky\xD1\x96v with Zel\xD0\xB5nskyy.\n", "Talks in Kyiv with Zelenskyy.\n",
      "unicode.homoglyph", 2, 2);
  /* the edit is the one letter, never the skeleton of the word */
  result r = run("en", "Ky\xD1\x96v\n", 6);
  assert_non_null(strstr(r.log.data, "\"in_start\":2,\"in_end\":4"));
  assert_non_null(strstr(r.log.data, "\"before\":\"\xD1\x96\",\"after\":\"i\""));
  result_free(&r);
  /* Cyrillic І is I, not l, in a capitalised Latin word */
  FIX("en", "KY\xD0\x86V\n", "KYIV\n", "unicode.homoglyph", 1, 1);
  /* capitals: Cyrillic А and О in a Latin word */
  FIX("en", "\xD0\x90THENS and L\xD0\x9END\xD0\x9EN\n", "ATHENS and LONDON\n", "unicode.homoglyph",
      3, 3);
}

static void test_homoglyph_cyrillic_word(void **state) {
  (void)state;
  /* Пaриж with Latin a, in Ukrainian and Russian text */
  FIX("uk", "Делегація прибула до Пaрижа.\n", "Делегація прибула до Парижа.\n", "unicode.homoglyph",
      1, 1);
  FIX("ru", "Mосква и Caнкт-Пeтербург.\n", "Москва и Санкт-Петербург.\n", "unicode.homoglyph", 3,
      3);
  /* Ukrainian: Latin i and K look like і and К */
  FIX("uk", "Kиїв i Харкiв.\n", "Київ i Харків.\n", "unicode.homoglyph", 2, 2);
  /* a look-alike inside a decomposed letter: Latin i + U+0308 in a Cyrillic word is ї */
  FIX("uk", "Киi\xCC\x88в\n", "Київ\n", "unicode.homoglyph", 1, 1);
  /* with a zero-width space inside as well: two edits, each with its own rule */
  result r = run("en", "Ky\xD1\x96\xE2\x80\x8Bv\n", 9);
  assert_string_equal(r.out.data, "Kyiv\n");
  assert_int_equal(count_rule(&r.log, "unicode.homoglyph"), 1);
  assert_int_equal(count_rule(&r.log, "unicode.zero-width"), 1);
  result_free(&r);
}

static void test_homoglyph_respects_language(void **state) {
  (void)state;
  /* Russian has no і: Кiев with a Latin i cannot be repaired in Russian, only flagged */
  FIX("ru", "Кiев\n", "Кiев\n", "unicode.mixed-script", 1, 1);
  /* no majority: left alone, flagged */
  FIX("en", "N\xD1\x96 talks\n", "N\xD1\x96 talks\n", "unicode.mixed-script", 1, 1);
}

static void test_homoglyph_negatives(void **state) {
  (void)state;
  expect_untouched("uk", "Київ, Харків, Одеса і Дніпро.\n");
  expect_untouched("el", "Ο πρωθυπουργός επισκέφθηκε την Κύπρο.\n");
  expect_untouched("en", "AppIe and rn are not ours to fix; neither is 0ffice.\n");
  expect_untouched("en", "Kyiv (Київ) and Athens (Αθήνα) are capitals.\n");
  expect_untouched("uk", "Генсек NATO та посол USA прибули до ОБСЄ.\n");
  expect_untouched("ru", "Компания Apple выпустила iPhone в Москве.\n");
  /* Greek letters inside Latin words are meant (science, units): never rewritten */
  expect_untouched("en",
                   "Mice lacking IL2R\xCE\xB3 were given 5 \xCE\xBCg of the \xCE\xB2-blocker.\n");
}

/* ---- stream-safe --------------------------------------------------------------------- */

/* Longest run of non-starters in UTF-8 text. */
static size_t longest_nonstarter_run(const char *s, size_t len) {
  size_t run = 0, best = 0;
  for (size_t i = 0; i < len;) {
    int32_t c = cd_utf8_next(s, len, &i);
    if (c >= 0 && u_getCombiningClass(c) != 0) {
      if (++run > best)
        best = run;
    } else {
      run = 0;
    }
  }
  return best;
}

static bool is_nfc(const char *s, size_t len) {
  UErrorCode ec = U_ZERO_ERROR;
  int32_t n = 0;
  u_strFromUTF8(NULL, 0, &n, s, (int32_t)len, &ec);
  UChar *u = malloc(((size_t)n + 1) * sizeof *u);
  ec = U_ZERO_ERROR;
  u_strFromUTF8(u, n + 1, &n, s, (int32_t)len, &ec);
  UBool ok = unorm2_isNormalized(unorm2_getNFCInstance(&ec), u, n, &ec);
  free(u);
  return ok && U_SUCCESS(ec);
}

static void test_stream_safe(void **state) {
  (void)state;
  cd_buf in = CD_BUF_INIT;
  assert_int_equal(cd_buf_append_str(&in, "Zalgo a"), CD_OK);
  for (int k = 0; k < 100; k++)
    assert_int_equal(cd_buf_append(&in, "\xCC\x81", 2), CD_OK); /* U+0301 */
  assert_int_equal(cd_buf_append_str(&in, " text\n"), CD_OK);
  result r = run("en", in.data, in.len);
  assert_int_equal(count_rule(&r.log, "unicode.stream-safe"), 3);
  assert_int_equal(count_str(&r.out, "\xCD\x8F"), 3); /* CGJ */
  assert_true(longest_nonstarter_run(r.out.data, r.out.len) <= 30);
  assert_true(is_nfc(r.out.data, r.out.len));
  /* a + U+0301 composes to á; the other 99 marks stay, cut by CGJ every 30 */
  assert_memory_equal(r.out.data, "Zalgo \xC3\xA1", 8);
  result_free(&r);
  cd_buf_free(&in);
}

static void test_stream_safe_across_windows(void **state) {
  (void)state;
  /* one line of 154 marks cut into windows of ~256 bytes: the count goes on across the
   * cut, so no run longer than 30 survives */
  cd_buf in = CD_BUF_INIT;
  assert_int_equal(cd_buf_append_str(&in, "x"), CD_OK);
  for (int k = 0; k < 154; k++)
    assert_int_equal(cd_buf_append(&in, "\xCC\x81", 2), CD_OK);
  assert_int_equal(cd_buf_append_str(&in, "\n"), CD_OK);
  result r = run_window("en", in.data, in.len, 256);
  assert_true(longest_nonstarter_run(r.out.data, r.out.len) <= 30);
  assert_int_equal(count_str(&r.out, "\xCD\x8F"), 5);
  result_free(&r);
  cd_buf_free(&in);
}

/* ---- the whole pipeline and odd input ------------------------------------------------- */

static void test_with_decode_stage(void **state) {
  (void)state;
  /* NUL bytes and a UTF-8 BOM through decode + unicode; the log replays over raw bytes */
  const char in[] = "\xEF\xBB\xBFKy\xD1\x96v\x00 and Lviv\r\nOdesa\xE2\x80\x8B\n";
  cd_normalize_options o;
  cd_normalize_options_init(&o);
  o.stages = CD_STAGE_DECODE | CD_STAGE_UNICODE;
  o.lang = "en";
  result r = {CD_BUF_INIT, CD_BUF_INIT};
  cd_error err;
  assert_int_equal(cd_normalize_buffer(&o, in, sizeof in - 1, &r.out, &r.log, NULL, &err), CD_OK);
  assert_string_equal(r.out.data, "Kyiv and Lviv\r\nOdesa\n");
  check_replay(in, sizeof in - 1, &r);
  result_free(&r);
}

static void test_any_language_tag(void **state) {
  (void)state;
  /* languages without special data fall back to the en/uk/ru letters */
  FIX("pt-BR", "Em Ky\xD1\x96v.\n", "Em Kyiv.\n", "unicode.homoglyph", 1, 1);
  FIX("xx", "Пaриж\n", "Париж\n", "unicode.homoglyph", 1, 1);
  FIX("", "Пaриж\n", "Париж\n", "unicode.homoglyph", 1, 1);
}

/* Random mixes of everything the stage handles: whatever comes in, the output is NFC, has
 * no run of more than 30 non-starters, keeps its lines, and the log replays. */
static void test_random_mixes(void **state) {
  (void)state;
  static const char *const alphabet[] = {"a",
                                         "e",
                                         "i",
                                         "y",
                                         "K",
                                         "p",
                                         " ",
                                         ".",
                                         "\t",
                                         "\r",
                                         "\x01",
                                         "\x1B",
                                         "\xCC\x81",
                                         "\xCC\xA3",
                                         "\xCC\x88",
                                         "\xCC\x86",
                                         "\xD0\xB0",
                                         "\xD1\x96",
                                         "\xD0\xB5",
                                         "\xD0\xB8",
                                         "\xD0\x9A",
                                         "\xCE\xBF",
                                         "\xE2\x80\x8B",
                                         "\xE2\x80\x8D",
                                         "\xE2\x80\x8C",
                                         "\xE2\x80\x8F",
                                         "\xE2\x80\xAA",
                                         "\xE2\x80\xAC",
                                         "\xEF\xBB\xBF",
                                         "\xC2\xAD",
                                         "\xEF\xB8\x8F",
                                         "\xF0\x9F\x91\xA8",
                                         "\xD7\x90",
                                         "\xD9\x85",
                                         "\xE0\xA4\x95",
                                         "\xE0\xA5\x8D",
                                         "\xCD\x8F",
                                         "\xC2\x85",
                                         "\xE2\x84\xAB",
                                         "\xCD\x84",
                                         "\xE1\x84\x80",
                                         "\xE1\x85\xA1",
                                         "\xEF\xBF\xBD",
                                         "\n"};
  const size_t n_alpha = sizeof alphabet / sizeof alphabet[0];
  uint32_t seed = 12345;
  for (int round = 0; round < 300; round++) {
    cd_buf in = CD_BUF_INIT;
    int len = 1 + round % 120;
    for (int k = 0; k < len; k++) {
      seed = seed * 1103515245u + 12345u;
      uint32_t pick = (seed >> 16) % (uint32_t)(n_alpha + 6);
      /* bias towards combining marks so that long runs happen */
      const char *piece = pick < n_alpha ? alphabet[pick] : "\xCC\x81";
      assert_int_equal(cd_buf_append_str(&in, piece), CD_OK);
    }
    const char *lang = round % 3 == 0 ? "uk" : round % 3 == 1 ? "en" : "ru";
    result r = run_window(lang, in.data, in.len, round % 2 ? 256 : 0);
    assert_true(is_nfc(r.out.data ? r.out.data : "", r.out.len));
    assert_true(longest_nonstarter_run(r.out.data ? r.out.data : "", r.out.len) <= 30);
    assert_int_equal(cdt_count_lines(r.out.data, r.out.len), cdt_count_lines(in.data, in.len));
    result_free(&r);
    cd_buf_free(&in);
  }
}

static void test_fixture_file(void **state) {
  (void)state;
  cd_buf in = CD_BUF_INIT, want = CD_BUF_INIT;
  cdt_read_file(cdt_fixture("unicode/mixed-en.txt"), &in);
  cdt_read_file(cdt_fixture("unicode/mixed-en.expected.txt"), &want);
  result r = run("en", in.data, in.len);
  assert_int_equal(r.out.len, want.len);
  assert_memory_equal(r.out.data, want.data, want.len);
  assert_int_equal(cdt_count_lines(r.out.data, r.out.len), cdt_count_lines(in.data, in.len));
  result_free(&r);
  cd_buf_free(&in);
  cd_buf_free(&want);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_clean_text_untouched),
      cmocka_unit_test(test_nfd_french),
      cmocka_unit_test(test_nfd_vietnamese),
      cmocka_unit_test(test_adjacent_units_are_one_edit),
      cmocka_unit_test(test_cyrillic_decomposed),
      cmocka_unit_test(test_controls_removed),
      cmocka_unit_test(test_crlf_kept_lone_cr_is_control),
      cmocka_unit_test(test_zero_width_in_latin_name),
      cmocka_unit_test(test_soft_hyphen),
      cmocka_unit_test(test_bidi_marks),
      cmocka_unit_test(test_joiners_in_emoji_and_scripts_kept),
      cmocka_unit_test(test_joiners_in_latin_removed),
      cmocka_unit_test(test_homoglyph_latin_word),
      cmocka_unit_test(test_homoglyph_cyrillic_word),
      cmocka_unit_test(test_homoglyph_respects_language),
      cmocka_unit_test(test_homoglyph_negatives),
      cmocka_unit_test(test_stream_safe),
      cmocka_unit_test(test_stream_safe_across_windows),
      cmocka_unit_test(test_with_decode_stage),
      cmocka_unit_test(test_any_language_tag),
      cmocka_unit_test(test_random_mixes),
      cmocka_unit_test(test_fixture_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
