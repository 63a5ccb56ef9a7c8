/* SPDX-License-Identifier: MIT */
/* Stage 2, mojibake: repairs of UTF-8 read in a legacy charset once or twice, partial
 * damage, C1 punctuation, clean text in many languages left byte-identical, the change log
 * replaying, and bad data files. The damaged inputs are made here from clean sentences with
 * iconv, exactly as a wrong decoder makes them. */
#include "cd_test.h"

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cd_normalize.h"
#include "cd_stage.h"

/* Reads the UTF-8 bytes of text as if they were in charset `cs`, `times` times over. */
static void damage(const char *text, const char *cs, int times, cd_buf *out) {
  cd_buf cur = CD_BUF_INIT;
  assert_int_equal(cd_buf_append_str(&cur, text), CD_OK);
  for (int t = 0; t < times; t++) {
    iconv_t ic = iconv_open("UTF-8", cs);
    assert_true(ic != (iconv_t)-1);
    cd_buf next = CD_BUF_INIT;
    assert_int_equal(cd_buf_reserve(&next, cur.len * 4 + 16), CD_OK);
    char *ip = cur.data, *op = next.data;
    size_t il = cur.len, ol = next.cap;
    size_t r = iconv(ic, &ip, &il, &op, &ol);
    assert_true(r != (size_t)-1); /* the sentence must avoid the charset's holes */
    next.len = (size_t)(op - next.data);
    next.data[next.len] = '\0';
    iconv_close(ic);
    cd_buf_free(&cur);
    cur = next;
  }
  cd_buf_clear(out);
  assert_int_equal(cd_buf_append(out, cur.data, cur.len), CD_OK);
  cd_buf_free(&cur);
}

/* Runs the mojibake stage alone over in; checks the change log replays to the output. */
static void run_stage(const char *in, size_t len, cd_buf *out, cd_buf *log) {
  cd_stage_env env = {"en", cdt_data_dir(), NULL, NULL};
  cd_error err;
  cd_buf_clear(out);
  cd_buf_clear(log);
  assert_int_equal(cd_stage_run_buffer(&cd_stage_mojibake, &env, in, len, out, log, &err), CD_OK);
  cd_buf replayed = CD_BUF_INIT;
  assert_int_equal(
      cd_change_log_replay(in, len, log->data ? log->data : "", log->len, &replayed, &err), CD_OK);
  assert_int_equal(replayed.len, out->len);
  assert_memory_equal(replayed.data ? replayed.data : "", out->data ? out->data : "", out->len);
  cd_buf_free(&replayed);
}

/* Damages `clean` and checks the stage gives it back, logging `rule`. */
static void check_repair(const char *clean, const char *cs, int times, const char *rule) {
  cd_buf bad = CD_BUF_INIT, in = CD_BUF_INIT, out = CD_BUF_INIT, log = CD_BUF_INIT;
  damage(clean, cs, times, &bad);
  assert_true(bad.len != strlen(clean) || memcmp(bad.data, clean, bad.len) != 0);
  assert_int_equal(cd_buf_append(&in, bad.data, bad.len), CD_OK);
  assert_int_equal(cd_buf_append_str(&in, "\n"), CD_OK);
  run_stage(in.data, in.len, &out, &log);
  cd_buf want = CD_BUF_INIT;
  assert_int_equal(cd_buf_appendf(&want, "%s\n", clean), CD_OK);
  if (out.len != want.len || memcmp(out.data, want.data, want.len) != 0)
    fail_msg("%s x%d: got \"%.*s\", want \"%s\"", cs, times, (int)out.len, out.data, clean);
  cd_buf quoted = CD_BUF_INIT;
  assert_int_equal(cd_buf_appendf(&quoted, "\"rule\":\"%s\"", rule), CD_OK);
  if (!strstr(log.data, quoted.data))
    fail_msg("%s x%d: no %s in log: %s", cs, times, rule, log.data);
  cd_buf_free(&quoted);
  cd_buf_free(&want);
  cd_buf_free(&bad);
  cd_buf_free(&in);
  cd_buf_free(&out);
  cd_buf_free(&log);
}

/* The text comes back byte-identical with an empty log. */
static void check_clean(const char *text) {
  cd_buf out = CD_BUF_INIT, log = CD_BUF_INIT;
  run_stage(text, strlen(text), &out, &log);
  if (out.len != strlen(text) || (out.len && memcmp(out.data, text, out.len) != 0))
    fail_msg("clean text changed: \"%s\" -> \"%.*s\"", text, (int)out.len,
             out.data ? out.data : "");
  assert_int_equal(log.len, 0);
  cd_buf_free(&out);
  cd_buf_free(&log);
}

/* ---- one layer --------------------------------------------------------------------------- */

static void test_cp1252_once(void **state) {
  (void)state;
  check_repair("Le ministre a évoqué la réforme des retraites à Genève.", "CP1252", 1,
               "mojibake.utf8-as-cp1252");
  check_repair("The minister’s ‘final offer’ was rejected on Tuesday.", "CP1252", 1,
               "mojibake.utf8-as-cp1252");
}

static void test_latin1_once(void **state) {
  (void)state;
  /* Curly quotes read as Latin-1 leave C1 controls: only Latin-1 explains them. */
  check_repair("Er sagte: “Wir bleiben in Brüssel.”", "ISO-8859-1", 1, "mojibake.utf8-as-latin-1");
}

static void test_cp1250_once(void **state) {
  (void)state;
  check_repair("Předseda vlády řekl, že úřad zůstane otevřený.", "CP1250", 1,
               "mojibake.utf8-as-cp1250");
}

static void test_cp1251_once(void **state) {
  (void)state;
  check_repair("Президент заявил, что переговоры продолжатся в пятницу.", "CP1251", 1,
               "mojibake.utf8-as-cp1251");
}

static void test_koi8_once(void **state) {
  (void)state;
  check_repair("Министр обороны прибыл в Москву.", "KOI8-R", 1, "mojibake.utf8-as-koi8");
  check_repair("Міністр оборони прибув до Києва, є зустріч і ґанок.", "KOI8-U", 1,
               "mojibake.utf8-as-koi8");
}

/* ---- two layers -------------------------------------------------------------------------- */

static void test_cp1252_twice(void **state) {
  (void)state;
  check_repair("L’agence a confirmé l’accord « historique » conclu à Bruxelles.", "CP1252", 2,
               "mojibake.utf8-as-cp1252-twice");
}

/* The same decoder twice, where the inner pair alone removes no badness: "Å’" (Œ) at the
 * start of a line. */
static void test_same_charset_twice_without_badness(void **state) {
  (void)state;
  check_repair("Œil pour œil, dit-il.", "CP1252", 2, "mojibake.utf8-as-cp1252-twice");
  check_repair("Œuvre complète, à Noël.", "CP1252", 2, "mojibake.utf8-as-cp1252-twice");
}

/* "√π" is MacRoman for "ù": decoded from cp1252 mojibake next to other mojibake, it stays
 * "√π" (the mojibake around it is no evidence about it). */
static void test_inner_layer_needs_own_evidence(void **state) {
  (void)state;
  check_repair("Le côté √π est long, dit-il à Genève.", "CP1252", 1, "mojibake.utf8-as-cp1252");
}

static void test_latin1_twice(void **state) {
  (void)state;
  /* The outer layer needs Latin-1 (C1 controls); the inner bytes read the same in cp1252,
   * which is tried first. */
  check_repair("Er sagte: “Die Gespräche dauern.”", "ISO-8859-1", 2,
               "mojibake.utf8-as-cp1252-then-latin-1");
}

static void test_cp1251_twice(void **state) {
  (void)state;
  check_repair("Правительство утвердило новый бюджет на следующий год.", "CP1251", 2,
               "mojibake.utf8-as-cp1251-twice");
}

static void test_koi8_twice(void **state) {
  (void)state;
  check_repair("Министр обороны прибыл в Москву.", "KOI8-R", 2, "mojibake.utf8-as-koi8-twice");
}

/* ---- partial damage ---------------------------------------------------------------------- */

static void test_partial_line(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, log = CD_BUF_INIT;
  const char in[] = "Mayor Thi\xC3\x83\xC2\xA9riot told reporters: no.\n";
  run_stage(in, sizeof in - 1, &out, &log);
  assert_string_equal(out.data, "Mayor Thiériot told reporters: no.\n");
  assert_non_null(strstr(log.data, "\"before\":\"Ã©\",\"after\":\"é\""));
  /* Correct text around two damaged words: only the damage changes. */
  const char in2[] = "À Besançon, le maire Thi\xC3\x83\xC2\xA9riot a r\xC3\x83\xC2\xA9pondu.\n";
  run_stage(in2, sizeof in2 - 1, &out, &log);
  assert_string_equal(out.data, "À Besançon, le maire Thiériot a répondu.\n");
  /* Quotes only: “no” read as cp1252. */
  const char in3[] = "She said \xC3\xA2\xE2\x82\xAC\xC5\x93no\xC3\xA2\xE2\x82\xAC\xC2\x9D twice.\n";
  run_stage(in3, sizeof in3 - 1, &out, &log);
  assert_string_equal(out.data, "She said “no” twice.\n");
  cd_buf_free(&out);
  cd_buf_free(&log);
}

static void test_lines_repaired_on_their_own(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, log = CD_BUF_INIT;
  const char in[] = "Plain first line.\r\n"
                    "S\xC3\x83\xC2\xA3o Paulo e Bras\xC3\x83\xC2\xADlia\r\n"
                    "SÃO PAULO\n"
                    "last without end";
  run_stage(in, sizeof in - 1, &out, &log);
  assert_string_equal(out.data, "Plain first line.\r\nSão Paulo e Brasília\r\nSÃO PAULO\n"
                                "last without end");
  assert_int_equal(cdt_count_lines(out.data, out.len), 3);
  cd_buf_free(&out);
  cd_buf_free(&log);
}

/* ---- C1 controls ------------------------------------------------------------------------- */

static void test_c1_punctuation(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, log = CD_BUF_INIT;
  const char in[] = "He said \xC2\x93yes\xC2\x94 \xC2\x96 then left\xC2\x85 for \xC2\x80"
                    "5\n";
  run_stage(in, sizeof in - 1, &out, &log);
  assert_string_equal(out.data, "He said “yes” – then left… for €5\n");
  assert_non_null(strstr(log.data, "\"rule\":\"mojibake.c1-as-cp1252\""));
  /* cp1252's undefined bytes stay for the Unicode stage. */
  const char in2[] = "keep \xC2\x81 and \xC2\x9D here\n";
  run_stage(in2, sizeof in2 - 1, &out, &log);
  assert_string_equal(out.data, in2);
  assert_int_equal(log.len, 0);
  cd_buf_free(&out);
  cd_buf_free(&log);
}

/* Runs the stage over in (one line, no line end) and checks the output is want. */
static void check_line(const char *in, const char *want) {
  cd_buf out = CD_BUF_INIT, log = CD_BUF_INIT;
  run_stage(in, strlen(in), &out, &log);
  if (out.len != strlen(want) || (out.len && memcmp(out.data, want, out.len) != 0))
    fail_msg("\"%s\": got \"%.*s\", want \"%s\"", in, (int)out.len, out.data ? out.data : "", want);
  cd_buf_free(&out);
  cd_buf_free(&log);
}

/* ---- class 1: a no-break space read as cp1252 -------------------------------------------- */

static void test_nbsp_after_word_dash_number(void **state) {
  (void)state;
  /* "Â" + U+00A0, and "Â" + space where the no-break space was flattened later */
  check_line("Inflation reached 12\xC3\x82\xC2\xA0% in May.",
             "Inflation reached 12\xC2\xA0% in May.");
  check_line("Inflation reached 12\xC3\x82 % in May.", "Inflation reached 12\xC2\xA0% in May.");
  check_line("Le ministre\xC3\x82\xC2\xA0: « non » à Genève.",
             "Le ministre\xC2\xA0: « non » à Genève.");
  check_line("Die Rede\xC3\x82 – kurz und klar – endete um 9\xC3\x82 Uhr in Köln.",
             "Die Rede\xC2\xA0– kurz und klar – endete um 9\xC2\xA0Uhr in Köln.");
  check_line("Były 3\xC3\x82 450 osób na placu w Łodzi.", "Były 3\xC2\xA0"
                                                          "450 osób na placu w Łodzi.");
  check_line("Στις 5\xC3\x82\xC2\xA0Μαΐου, στο κέντρο.", "Στις 5\xC2\xA0Μαΐου, στο κέντρο.");
  check_line("see p.\xC3\x82 14 and °C\xC3\x82 5", "see p.\xC2\xA0"
                                                   "14 and °C\xC2\xA0"
                                                   "5");
}

static void test_nbsp_caps_words_stay(void **state) {
  (void)state;
  /* All-capitals words that end in Â (Romanian verb forms, the French name of Ra) before a
   * space or a no-break space; a lone Â between spaces; Â at the end of a line. */
  check_clean("EI HOTĂRÂ ACUM, IAR EI PÂRÂ\xC2\xA0TOTUL.\n");
  check_clean("LE DIEU RÂ\xC2\xA0: SOLEIL ET LUMIÈRE\n");
  check_clean("la lettre Â\xC2\xA0majuscule et la lettre Â minuscule\n");
  check_clean("Wort am Ende: Â\n");
  check_clean("Prix\xC2\xA0: 12\xC2\xA0€, soit 10\xC2\xA0% de moins\xC2\xA0!\n");
}

/* ---- class 2: one damaged word in a line with correct non-ASCII letters ---------------- */

/* prefix + word damaged in charset cs + suffix must come back as prefix + word + suffix. */
static void check_word(const char *prefix, const char *word, const char *suffix, const char *cs) {
  cd_buf bad = CD_BUF_INIT, in = CD_BUF_INIT, want = CD_BUF_INIT;
  damage(word, cs, 1, &bad);
  assert_int_equal(cd_buf_appendf(&in, "%s%s%s", prefix, bad.data, suffix), CD_OK);
  assert_int_equal(cd_buf_appendf(&want, "%s%s%s", prefix, word, suffix), CD_OK);
  check_line(in.data, want.data);
  cd_buf_free(&bad);
  cd_buf_free(&in);
  cd_buf_free(&want);
}

static void test_one_word_among_correct_letters(void **state) {
  (void)state;
  check_word("A informação chegou ontem, mas a ", "decisão", " só saiu hoje.", "CP1252");
  check_word("Η κυβέρνηση ", "ανακοίνωσε", " νέα μέτρα για την οικονομία.", "CP1252");
  check_word("Rząd przyjął projekt ustawy o ", "współpracy", " z gminami.", "CP1250");
  check_word("Bakan açıklamayı İstanbul'da yaptı, ", "görüşmeler", " sürüyor.", "CP1252");
  check_word("Уряд ухвалив рішення про ", "підтримку", " громад.", "KOI8-U");
  check_word("Правительство утвердило всё необходимое для ", "реформы", ".", "CP1251");
  check_word("Der Bürgermeister von Köln sagte, die ", "Straße", " bleibt gesperrt.", "CP1252");
  /* ó is "Ăł" in cp1250: a capital inside a small word */
  check_word("Egy ", "kilóra", " való sajtot vettem Győrben.", "CP1250");
  /* two capitals of the upper half before small letters: ş is "ÅŸ", ż is cp1250 "ĹĽ" */
  check_word("Bugün ", "şahinler", " göğe uçtu.", "CP1252");
  check_word("Wczoraj ", "życie", " w mieście było spokojne.", "CP1250");
  /* a short word in capitals that no alphabet has together: "ню" is cp1251 "РЅСЋ" */
  check_word("Художник писал ", "ню", " и пейзажи.", "CP1251");
}

/* A Greek word one of whose bytes was lost (ρ is CF 81, and 0x81 has no cp1252 character):
 * the letter becomes U+FFFD, the rest of the word is repaired. */
static void test_one_word_with_a_lost_byte(void **state) {
  (void)state;
  check_line(
      "Η νέα \xC3\x8F\xE2\x82\xAC\xC3\x8F?\xC3\x8F\xC5\x92\xC3\x8F\xE2\x80\x9E\xC3\x8E\xC2\xB1"
      "\xC3\x8F\xC6\x92\xC3\x8E\xC2\xB7 του υπουργού.",
      "Η νέα π\xEF\xBF\xBDόταση του υπουργού.");
  /* two bytes lost in a longer word */
  check_line(
      "Η κυβέρνηση \xC3\x8F\xE2\x82\xAC\xC3\x8F\x3F\xC3\x8E\xC2\xBF\xC3\x8F\xE2\x80\x9E\xC3\x8F\x3F"
      "\xC3\x8E\xC2\xAD\xC3\x8F\xE2\x82\xAC\xC3\x8E\xC2\xB5\xC3\x8E\xC2\xB9 σε διάλογο.",
      "Η κυβέρνηση π\xEF\xBF\xBDοτ\xEF\xBF\xBDέπει σε διάλογο.");
}

/* A whole Czech line in cp1252 whose encoder wrote '?' for the bytes cp1252 lacks (č is
 * C4 8D): inside a word the '?' is a lost byte, the letter becomes U+FFFD. */
static void test_question_mark_for_lost_byte(void **state) {
  (void)state;
  check_line("Zlo\xC3\x84?in byl objasn\xC3\x84\xE2\x80\xBAn, \xC3\x85\xE2\x84\xA2"
             "ekl mluv\xC3\x84?\xC3\x83\xC2\xAD policie.",
             "Zlo\xEF\xBF\xBDin byl objasněn, řekl mluv\xEF\xBF\xBDí policie.");
  /* at the end of a word, after a small letter, a capital + '?' is a lost byte too */
  check_line("P\xC3\x85"
             "\xE2\x84\xA2"
             "i\xC3\x85"
             "\xC2\xA1"
             "el v\xC3\x84"
             "?era, a\xC3\x84"
             "? nerad, a do\xC3\x84"
             "?etl knihu.",
             "Přišel v\xEF\xBF\xBD"
             "era, a\xEF\xBF\xBD"
             " nerad, a do\xEF\xBF\xBD"
             "etl knihu.");
  /* a sequence with a real continuation and a lost byte: Vietnamese "ồ" is E1 BB 93 */
  check_line("Ph\xC3\xA1\xC2\xBA\xC2\xAD"
             "t \xC3\xA1\xC2\xBA\xC2\xAD"
             "p, n\xC3\x83\xC2\xB9i \xC3\xA1"
             "\xC2\xBB?nh m\xC3\x83\xC2\xAA"
             "nh.",
             "Phật ập, nùi \xEF\xBF\xBD"
             "nh mênh.");
  /* a question mark after a word that ends in a clean letter stays */
  check_clean("Kdo to řekl, Lukáš? Snad Růžena?\n");
  check_clean("È vero, città? Sì.\n");
  check_clean("WO SIND DIE ÄRZTE? FRAGT MAN IN GÖTTINGEN, ÄH?\n");
  check_clean("Das ÄÖÜ-Schema und der ÅÄÖ-Index gelten in Göteborg.\n");
}

static void test_one_word_hard_negatives(void **state) {
  (void)state;
  /* Capitals ending in Ã before a no-break space, among other correct capitals. */
  check_clean("A IRMÃ\xC2\xA0"
              "E O PAI CHEGARAM À ESTAÇÃO ÀS 10H.\n");
  /* Correct punctuation alone elsewhere, and a pair whose second character is a currency
   * sign: the line went through one program that got the dash right. */
  check_clean("Roster – Kl\xC3\x83\xC2\xA5ve and Smith\n");
}

/* ---- classes 3 and 5: every span of the line in the charset that explains the line ------- */

static void test_central_european_whole_lines(void **state) {
  (void)state;
  /* ö ü é á are C3 B6, C3 BC, C3 A9, C3 A1: "Ăś Ăź ĂŠ ĂĄ" in ISO-8859-2, which cp1250 would
   * read as Ü ß Ê å; the charset that explains the whole line decides every span. */
  check_repair("Közel ezer ügyfél várt a bíróság előtt csütörtökön.", "ISO-8859-2", 1,
               "mojibake.utf8-as-iso-8859-2");
  check_repair("Ženich přišel včas, oslava začala v pátek večer.", "ISO-8859-2", 1,
               "mojibake.utf8-as-iso-8859-2");
  check_repair("Wczoraj w Gdańsku zakończył się świąteczny jarmark.", "CP1250", 1,
               "mojibake.utf8-as-cp1250");
  check_repair("Wczoraj w Gdańsku zakończył się świąteczny jarmark.", "ISO-8859-2", 1,
               "mojibake.utf8-as-iso-8859-2");
  /* Romanian ă is C4 83: ISO-8859-2 reads 0x83 as a C1 control, cp1250 leaves it
   * undefined; î (C3 AE) is "ĂŽ" in ISO-8859-2 and would be Î in cp1250 */
  check_repair("Rom văpsită, retehuită și îndumnezeită în sfârșit.", "ISO-8859-2", 1,
               "mojibake.utf8-as-iso-8859-2");
  /* a Greek letter among Hungarian ones: the alphabet that has most of the letters wins */
  check_repair("A λ hullámhossz és a kör sugara közötti összefüggés új.", "ISO-8859-2", 1,
               "mojibake.utf8-as-iso-8859-2");
}

/* Some words of the line damaged, the others correct: every damaged one is repaired. */
static void test_partial_words_same_charset(void **state) {
  (void)state;
  cd_buf w1 = CD_BUF_INIT, w2 = CD_BUF_INIT, in = CD_BUF_INIT;
  damage("wyjaśnił", "CP1250", 1, &w1);
  damage("współpraca", "CP1250", 1, &w2);
  assert_int_equal(
      cd_buf_appendf(&in, "Przewodniczący %s, że %s będzie kontynuowana.", w1.data, w2.data),
      CD_OK);
  check_line(in.data, "Przewodniczący wyjaśnił, że współpraca będzie kontynuowana.");
  damage("zástupce", "ISO-8859-2", 1, &w1);
  damage("nemocnice", "ISO-8859-2", 1, &w2);
  cd_buf_clear(&in);
  assert_int_equal(cd_buf_appendf(&in, "Ředitel: %s %s přišel včas.", w1.data, w2.data), CD_OK);
  check_line(in.data, "Ředitel: zástupce nemocnice přišel včas.");
  cd_buf_free(&w1);
  cd_buf_free(&w2);
  cd_buf_free(&in);
}

/* ---- class 4: Ukrainian and Russian letters that are KOI8/cp1252 punctuation ------------- */

static void test_letters_never_merged(void **state) {
  (void)state;
  /* і ї є (D1 96, D1 97, D1 94) and ё: after one layer, "пі" must not be read again as
   * KOI8 "Ц" */
  check_repair("Підпишіть під петицією, бо вона пішла далі.", "CP1252", 1,
               "mojibake.utf8-as-cp1252");
  check_repair("Підписи під петицією зібрали за сім днів, і вона пішла далі.", "KOI8-U", 1,
               "mojibake.utf8-as-koi8");
  check_repair("Сёмга и всё остальное подешевели к сентябрю.", "KOI8-R", 1,
               "mojibake.utf8-as-koi8");
  /* "Сэр и лорд ушли." twice in cp1251 (as a sloppy decoder leaves it): short words of
   * letters only ("и" is "Рё" after one layer) */
  check_line("\xD0\xA0\xC2\xA0\xD0\xA0\xD0\x8B\xD0\xA0\xD0\x8E\xD0\xA0"
             "\xD0\x8A\xD0\xA0\xD0\x8E\xD0\xA0\xE2\x80\x9A\x20\xD0\xA0"
             "\xC2\xA0\xD0\xA1\xE2\x80\x98\x20\xD0\xA0\xC2\xA0\xD0\x92"
             "\xC2\xBB\xD0\xA0\xC2\xA0\xD0\xA1\xE2\x80\xA2\xD0\xA0\xD0"
             "\x8E\xD0\xA0\xE2\x80\x9A\xD0\xA0\xC2\xA0\xD0\xA2\xE2\x80"
             "\x98\x20\xD0\xA0\xD0\x8E\xD0\xA1\xE2\x80\x9C\xD0\xA0\xD0"
             "\x8E\xD0\xB2\xE2\x80\x9A\xC2\xAC\xD0\xA0\xC2\xA0\xD0\x92"
             "\xC2\xBB\xD0\xA0\xC2\xA0\xD0\xA1\xE2\x80\x98\x2E",
             "Сэр и лорд ушли.");
  check_repair("Вони їхали на південь і раділи.", "CP1251", 2, "mojibake.utf8-as-cp1251-twice");
  check_clean("Він пішов пішки під дощем, а сёмга лишилася.\n");
}

/* A clean word that ends in a KOI8 lead letter, a space, then a word damaged in KOI8: the
 * space is a real one ("н" + space is no U+03A0). */
static void test_clean_word_before_damaged_word(void **state) {
  (void)state;
  check_word("Новий закон ", "підтримали", " депутати у Києві.", "KOI8-U");
  check_word("Вчора ввечері ", "ухвалили", " рішення щодо мережі.", "KOI8-U");
  /* "ці" and "чё" are KOI8 pairs: the clean word must not run into the damaged one */
  check_word("Нова конвекція ", "підсилила", " вітер над морем.", "KOI8-U");
  check_word("Это нипочём ", "сёмге", ", сказал он.", "KOI8-R");
  /* a capitalized clean word ("рё" is a KOI8 pair) and a clean word ending in a lead
   * before a clean word ("ц" + space is no "à") */
  check_word("Изнурённость, сказал он, ", "нипочём", ".", "KOI8-R");
  check_word("Пришёл абиссинец ", "вчера", " вечером.", "KOI8-R");
}

/* ---- class 6: a pair whose second character is punctuation, inside a word ----------------- */

static void test_punctuation_pair_inside_word(void **state) {
  (void)state;
  check_word("Le film « ", "Noël", " » sort demain.", "CP1252");
  check_word("¡Vamos!, gritó el ", "capitán", " del barco.", "CP1252");
  check_word("„Das war knapp“, sagte der ", "Österreicher", ".", "CP1252");
}

/* ---- no-break spaces flattened inside whole damaged lines --------------------------------- */

static void test_flattened_nbsp_in_damaged_lines(void **state) {
  (void)state;
  /* "à" is C3 A0: before punctuation or at the end the flattened space is the no-break
   * space of "à" itself; with two spaces, the first one was, whatever word follows */
  check_line("Il est d\xC3\x83\xC2\xA9j\xC3\x83  l\xC3\x83 .", "Il est déjà là.");
  check_line("Visita della citt\xC3\x83  Roma e di Milano.",
             "Visita della città Roma e di Milano.");
  /* KOI8's no-break space is 0x9A: "К" (D0 9A) reads "п" + no-break space */
  check_line(
      "\xD0\xBF \xD0\xBF\xE2\x95\x9F\xD0\xBF\xE2\x95\xA4\xD0\xBF\xE2\x95\xA2\xD1\x8F\xE2\x96\x80"
      "\xD0\xBF\xE2\x95\xA7 \xD0\xBF\xE2\x95\xA8\xD0\xBF\xE2\x95\xAC\xD1\x8F\xE2\x94\x8C \xD0\xBF"
      "\xE2\x95\xA5\xD0\xBF\xE2\x95\xAB\xD0\xBF\xE2\x95\x9F\xD0\xBF\xE2\x95\xA3\xD1\x8F\xE2\x94\x8C"
      " "
      "\xD0\xBF \xD0\xBF\xE2\x95\xA6\xD0\xBF\xE2\x95\xA3\xD0\xBF\xE2\x95\xA1.",
      "Каждый кот знает Киев.");
  /* Vietnamese syllables go on after "à": the flattened space joins them */
  check_line("T\xC3\x83\xC2\xB4i v\xC3\x83 o th\xC3\x83 nh ph\xC3\xA1\xC2\xBB\xE2\x80\x98 mua "
             "m\xC3\x83 u.",
             "Tôi vào thành phố mua màu.");
  /* capitals before "Ã" + space + punctuation stay */
  check_clean("ELA É A IRMÃ . E O PAI ?\n");
}

/* ---- clean text ------------------------------------------------------------------------ */

static void test_clean_text_untouched(void **state) {
  (void)state;
  static const char *const clean[] = {
      "A CONCLUSÃO DO ACORDO FOI ADIADA PARA MARÇO.\n", /* Portuguese capitals */
      "JOÃO E MARIA CHEGARAM À ESTAÇÃO ÀS 9H.\n",
      "São Paulo e Brasília não votaram a favor da moção.\n",
      "Árvíztűrő tükörfúrógép: az őszi ülés elmaradt.\n",       /* Hungarian */
      "İstanbul'da Şişli ve Üsküdar'da hava ılık olacak.\n",    /* Turkish */
      "Thủ tướng phát biểu tại Hà Nội về kinh tế.\n",           /* Vietnamese */
      "Příliš žluťoučký kůň úpěl ďábelské ódy.\n",              /* Czech */
      "Zażółć gęślą jaźń w Łodzi, powiedział rzecznik.\n",      /* Polish */
      "Ο ¨πρωθυπουργός¨ μίλησε στη Βουλή για την οικονομία.\n", /* Greek, ¨ as quotes */
      "ЄС і Україна підписали угоду про співпрацю у Києві.\n",  /* Ukrainian */
      "Всё ещё идёт дождь, сообщает агентство «Интерфакс».\n",  /* Russian */
      "L'ÂGE D'OR du cinéma revient à l'écran.\n",              /* real Â */
      "Copyright © 2024 Agence, tous droits réservés.\n",       /* real © */
      "Une pièce de 3×4 mètres coûte 5×£35.\n",                 /* real × */
      "Il a lancé : (╯°□°)╯︵ ┻━┻ puis ¯\\_(ツ)_/¯\n",          /* kaomoji */
      "∀x ∈ ℝ, x² ≥ 0 et √π ≈ 1,77.\n",                         /* maths */
      "Die Straße in Köln ist „vorerst“ gesperrt – sagt die Polizei.\n",
      "« Voilà », a-t-il déclaré à l’AFP à Besançon.\n",
      "NESTLÉ® et SOCIÉTÉ GÉNÉRALE™ ont annoncé des résultats…\n",
      "Bremer/Mccoy – Drøbak, Ålesund og Tromsø.\n",
      "ПоздравЂаво and SENSЕ are odd but not mojibake.\n",
      /* Ukrainian letters that are KOI8-U continuation bytes: Біє, біґ, бії spell valid
       * three-byte UTF-8 sequences in KOI8-U */
      "Біґос\n",
      "Колумбієць відвідав бієнале.\n",
      "Бієнале у Києві відкрили.\n",
  };
  for (size_t i = 0; i < sizeof clean / sizeof clean[0]; i++)
    check_clean(clean[i]);
}

/* Clean Cyrillic text where a one-letter word, a space and a letter or punctuation mark
 * whose cp1251 byte is a UTF-8 continuation byte would read, with the space standing for a
 * lost 0xA0, as Braille, Samaritan, Mongolian or CJK ("в історії" as U+2833 "сторії"):
 * every such combination stays as written. */
static void test_one_letter_words_and_lost_nbsp(void **state) {
  (void)state;
  static const char *const words[] = {"в", "у", "і", "з", "а", "й", "о", "к", "с", "я", "и"};
  static const char *const next[] = {"історії", "Європи", "їхніх", "«Мрії»", "— так", "– так",
                                     "“слово”", "№ 5",    "Ґанок", "ѓ",      "ў"};
  /* a space, or the no-break space house style puts after a one-letter word */
  static const char *const gap[] = {" ", "\xC2\xA0"};
  char line[256];
  for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
    for (size_t g = 0; g < 2; g++)
      for (size_t x = 0; x < sizeof next / sizeof next[0]; x++) {
        snprintf(line, sizeof line, "Сказано %s%s%s цього року.\n", words[w], gap[g], next[x]);
        check_clean(line);
      }
}

/* Clean Ukrainian and Russian text in which a letter, an apostrophe, a guillemet or a dash
 * and another letter have cp1251 bytes that form a three-byte UTF-8 sequence (в’ї = E2 92
 * BF, знає» = E0 BA BB): read as UTF-8 they are a circled letter, a Lao letter or a CJK
 * ideograph glued to Cyrillic letters, never a repair. Every letter pair around every such
 * mark, inside a word, stays as written. */
static void test_cyrillic_letters_around_marks(void **state) {
  (void)state;
  /* cp1251 E0-F4: the lead bytes of three- and four-byte UTF-8 sequences */
  static const char *const first[] = {"а", "б", "в", "г", "д", "е", "ж", "з", "и", "й", "к",
                                      "л", "м", "н", "о", "п", "р", "с", "т", "у", "ф"};
  /* what follows a letter inside or at the end of a word, and what opens the next one */
  static const char *const after[] = {
      "\xE2\x80\x99", "\xC2\xBB",      "\xE2\x80\x9D", "\xE2\x80\x9C",  "",
      "\xC2\xBB ",    "\xE2\x80\x9C ", " \xC2\xAB",    " \xE2\x80\x9E", " \xE2\x80\x94 ",
      "\xE2\x80\x94"};
  static const char *const next[] = {"є", "ї", "і", "ґ"}; /* continuation bytes in cp1251 */
  char line[256];
  for (size_t a = 0; a < sizeof first / sizeof first[0]; a++)
    for (size_t m = 0; m < sizeof after / sizeof after[0]; m++)
      for (size_t x = 0; x < sizeof next / sizeof next[0]; x++) {
        snprintf(line, sizeof line, "Слово об%s%s%sкт і далі.\n", first[a], after[m], next[x]);
        check_clean(line);
      }
}

/* Clean Cyrillic text where a letter whose cp1251 byte leads a three-byte sequence (а-п),
 * a letter that is a continuation byte (ё є і ї ґ) and a no-break space before
 * punctuation spell valid UTF-8 (a CJK ideograph: "её" + U+00A0 is U+5E20): every such
 * combination stays as written. */
static void test_cyrillic_pairs_before_nbsp(void **state) {
  (void)state;
  static const char *const first[] = {"а", "б", "в", "г", "д", "е", "ж", "з",
                                      "и", "й", "к", "л", "м", "н", "о", "п"};
  static const char *const second[] = {"ё", "є", "і", "ї", "ґ"};
  static const char *const after[] = {":", ";", "?", "!", "»", "—"};
  char line[256];
  for (size_t a = 0; a < sizeof first / sizeof first[0]; a++)
    for (size_t b = 0; b < sizeof second / sizeof second[0]; b++)
      for (size_t m = 0; m < sizeof after / sizeof after[0]; m++) {
        snprintf(line, sizeof line, "Сказав %s%s\xC2\xA0%s далі.\n", first[a], second[b], after[m]);
        check_clean(line);
      }
}

/* Clean Cyrillic words with a symbol glued to their last letter, where that letter (a KOI8
 * lead) and the symbol (a KOI8 continuation byte) spell a letter in KOI8 ("я√" is "і"):
 * the middle of a clean word is no place for a span to start. */
static void test_cyrillic_symbol_glued_to_word(void **state) {
  (void)state;
  static const char *const last[] = {"а", "в", "е", "и", "к", "л", "н", "о", "р", "с", "т", "я"};
  static const char *const sym[] = {"√", "≈", "≤", "≥", "·", "°", "²", "■", "⌠", "⌡"};
  char line[256];
  for (size_t a = 0; a < sizeof last / sizeof last[0]; a++)
    for (size_t m = 0; m < sizeof sym / sizeof sym[0]; m++) {
      snprintf(line, sizeof line, "Значення сл%s%s2 відоме.\n", last[a], sym[m]);
      check_clean(line);
    }
}

static void test_ascii_and_empty(void **state) {
  (void)state;
  check_clean("Only ASCII here, 100% plain; nothing to do?\n");
  check_clean("");
  check_clean("\n\n\r\n");
}

/* ---- data files ------------------------------------------------------------------------ */

static void test_builtin_list_without_data_dir(void **state) {
  (void)state;
  cd_stage_env env = {"en", NULL, NULL, NULL};
  cd_buf out = CD_BUF_INIT, log = CD_BUF_INIT;
  cd_error err;
  const char in[] = "Thi\xC3\x83\xC2\xA9riot\n";
  assert_int_equal(
      cd_stage_run_buffer(&cd_stage_mojibake, &env, in, sizeof in - 1, &out, &log, &err), CD_OK);
  assert_string_equal(out.data, "Thiériot\n");
  cd_buf_free(&out);
  cd_buf_free(&log);
}

static void test_bad_charset_file(void **state) {
  (void)state;
  char dir[512];
  snprintf(dir, sizeof dir, "%s/mjdata", cdt_tmpdir());
  char sub[600];
  snprintf(sub, sizeof sub, "%s/mojibake", dir);
  cd_buf cmd = CD_BUF_INIT;
  assert_int_equal(cd_buf_appendf(&cmd, "mkdir -p '%s'", sub), CD_OK);
  assert_int_equal(system(cmd.data), 0);
  cd_buf_free(&cmd);
  char path[700];
  snprintf(path, sizeof path, "%s/charsets.tsv", sub);
  const char bad[] = "# name\ticonv\tmin_gain\ncp1252\tNO-SUCH-CHARSET-XYZ\t2\n";
  cdt_write_file(path, bad, sizeof bad - 1);
  cd_stage_env env = {"en", dir, NULL, NULL};
  cd_buf out = CD_BUF_INIT, log = CD_BUF_INIT;
  cd_error err;
  assert_int_equal(cd_stage_run_buffer(&cd_stage_mojibake, &env, "x\n", 2, &out, &log, &err),
                   CD_ERR_DATA);
  assert_non_null(strstr(err.message, "charsets.tsv:2"));
  assert_non_null(strstr(err.message, "NO-SUCH-CHARSET-XYZ"));
  const char bad2[] = "cp1252\tCP1252\tmany\n";
  cdt_write_file(path, bad2, sizeof bad2 - 1);
  assert_int_equal(cd_stage_run_buffer(&cd_stage_mojibake, &env, "x\n", 2, &out, &log, &err),
                   CD_ERR_DATA);
  assert_non_null(strstr(err.message, "min_gain"));
  cd_buf_free(&out);
  cd_buf_free(&log);
}

/* ---- the whole pipeline ------------------------------------------------------------------ */

static void test_pipeline_replays(void **state) {
  (void)state;
  cd_normalize_options o;
  cd_normalize_options_init(&o);
  o.lang = "fr";
  o.data_dir = cdt_data_dir();
  o.stages = CD_STAGE_DECODE | CD_STAGE_MOJIBAKE;
  const char in[] = "Le pr\xC3\x83\xC2\xA9sident a parl\xC3\x83\xC2\xA9.\n"
                    "Texte propre, déjà correct.\n"
                    "\xC2\x84Zitat\xC2\x93 und S\xC3\x83\xC2\xBC\x64\x65n\n";
  cd_buf out = CD_BUF_INIT, log = CD_BUF_INIT, rep = CD_BUF_INIT;
  cd_error err;
  assert_int_equal(cd_normalize_buffer(&o, in, sizeof in - 1, &out, &log, NULL, &err), CD_OK);
  assert_string_equal(out.data, "Le président a parlé.\nTexte propre, déjà correct.\n"
                                "„Zitat“ und Süden\n");
  assert_int_equal(cd_change_log_replay(in, sizeof in - 1, log.data, log.len, &rep, &err), CD_OK);
  assert_int_equal(rep.len, out.len);
  assert_memory_equal(rep.data, out.data, out.len);
  cd_buf_free(&out);
  cd_buf_free(&log);
  cd_buf_free(&rep);
}

static void test_fixture_file(void **state) {
  (void)state;
  cd_buf in = CD_BUF_INIT, want = CD_BUF_INIT, out = CD_BUF_INIT, log = CD_BUF_INIT;
  cdt_read_file(cdt_fixture("mojibake/damaged.txt"), &in);
  cdt_read_file(cdt_fixture("mojibake/repaired.txt"), &want);
  run_stage(in.data, in.len, &out, &log);
  assert_int_equal(cdt_count_lines(out.data, out.len), cdt_count_lines(in.data, in.len));
  if (out.len != want.len || memcmp(out.data, want.data, want.len) != 0)
    fail_msg("fixture: got\n%.*s", (int)out.len, out.data);
  cd_buf_free(&in);
  cd_buf_free(&want);
  cd_buf_free(&out);
  cd_buf_free(&log);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_one_letter_words_and_lost_nbsp),
      cmocka_unit_test(test_cyrillic_letters_around_marks),
      cmocka_unit_test(test_cyrillic_pairs_before_nbsp),
      cmocka_unit_test(test_cyrillic_symbol_glued_to_word),
      cmocka_unit_test(test_cp1252_once),
      cmocka_unit_test(test_latin1_once),
      cmocka_unit_test(test_cp1250_once),
      cmocka_unit_test(test_cp1251_once),
      cmocka_unit_test(test_koi8_once),
      cmocka_unit_test(test_cp1252_twice),
      cmocka_unit_test(test_latin1_twice),
      cmocka_unit_test(test_same_charset_twice_without_badness),
      cmocka_unit_test(test_inner_layer_needs_own_evidence),
      cmocka_unit_test(test_cp1251_twice),
      cmocka_unit_test(test_koi8_twice),
      cmocka_unit_test(test_partial_line),
      cmocka_unit_test(test_lines_repaired_on_their_own),
      cmocka_unit_test(test_c1_punctuation),
      cmocka_unit_test(test_nbsp_after_word_dash_number),
      cmocka_unit_test(test_nbsp_caps_words_stay),
      cmocka_unit_test(test_one_word_among_correct_letters),
      cmocka_unit_test(test_one_word_with_a_lost_byte),
      cmocka_unit_test(test_one_word_hard_negatives),
      cmocka_unit_test(test_question_mark_for_lost_byte),
      cmocka_unit_test(test_central_european_whole_lines),
      cmocka_unit_test(test_partial_words_same_charset),
      cmocka_unit_test(test_letters_never_merged),
      cmocka_unit_test(test_clean_word_before_damaged_word),
      cmocka_unit_test(test_punctuation_pair_inside_word),
      cmocka_unit_test(test_flattened_nbsp_in_damaged_lines),
      cmocka_unit_test(test_clean_text_untouched),
      cmocka_unit_test(test_ascii_and_empty),
      cmocka_unit_test(test_builtin_list_without_data_dir),
      cmocka_unit_test(test_bad_charset_file),
      cmocka_unit_test(test_pipeline_replays),
      cmocka_unit_test(test_fixture_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
