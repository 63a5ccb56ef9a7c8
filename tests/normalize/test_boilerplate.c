/* SPDX-License-Identifier: MIT */
/* Stage 5, boilerplate: deleted lines in five languages, blank-run collapse, glued section
 * labels, datelines, hard negatives that must stay byte-identical, bad data files, and the
 * change log replaying to the output in every case. */
#include "cd_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cd_normalize.h"
#include "cd_stage.h"

/* Runs the boilerplate stage alone over in (with the given window, 0 = default), checks
 * that the change log replays to the output, and returns the status. */
static cd_status run_bp_window(const char *lang, const char *data_dir, const char *in,
                               size_t window, cd_buf *out, cd_buf *log, cd_error *err) {
  cd_normalize_options o;
  cd_normalize_options_init(&o);
  if (window)
    o.window = window;
  cd_stage_env env = {lang, data_dir, &o, NULL};
  cd_buf_clear(out);
  cd_buf_clear(log);
  size_t len = strlen(in);
  cd_status st = cd_stage_run_buffer(&cd_stage_boilerplate, &env, in, len, out, log, err);
  if (st == CD_OK) {
    cd_buf replayed = CD_BUF_INIT;
    cd_error rerr;
    assert_int_equal(
        cd_change_log_replay(in, len, log->data ? log->data : "", log->len, &replayed, &rerr),
        CD_OK);
    assert_int_equal(replayed.len, out->len);
    assert_memory_equal(replayed.data ? replayed.data : "", out->data ? out->data : "", out->len);
    cd_buf_free(&replayed);
  }
  return st;
}

/* The usual case: shipped data, default window; asserts the exact output. */
static void expect(const char *lang, const char *in, const char *want, cd_buf *log) {
  cd_buf out = CD_BUF_INIT;
  cd_error err;
  cd_status st = run_bp_window(lang, cdt_data_dir(), in, 0, &out, log, &err);
  if (st)
    fail_msg("boilerplate failed: %s", err.message);
  if (out.len != strlen(want) || memcmp(out.data ? out.data : "", want, out.len) != 0)
    fail_msg("input:\n%s\nwant:\n%s\ngot:\n%.*s", in, want, (int)out.len, out.data ? out.data : "");
  cd_buf_free(&out);
}

/* Counts the records of a rule in a change log. */
static size_t count_rule(const cd_buf *log, const char *rule) {
  char key[128];
  snprintf(key, sizeof key, "\"rule\":\"%s\"", rule);
  size_t n = 0;
  for (const char *p = log->data; p && (p = strstr(p, key)) != NULL; p += strlen(key))
    n++;
  return n;
}

static void test_share_lines_deleted_in_five_languages(void **state) {
  (void)state;
  cd_buf log = CD_BUF_INIT;
  expect("en", "Troops will stay far from the front.\n46\nShare:\nOfficials declined to comment.\n",
         "Troops will stay far from the front.\nOfficials declined to comment.\n", &log);
  assert_int_equal(count_rule(&log, "boilerplate.share-count"), 1);
  assert_int_equal(count_rule(&log, "boilerplate.share"), 1);
  assert_non_null(strstr(log.data, "\"before\":\"46\\n\",\"after\":\"\""));
  expect("en", "Share this article\nFacebook | Twitter | Email\nThe vote passed.\n",
         "The vote passed.\n", &log);
  assert_int_equal(count_rule(&log, "boilerplate.share"), 2);
  /* French typography puts a narrow no-break space before the colon */
  expect("fr",
         "Le vote a eu lieu mardi.\nPartager\xE2\x80\xAF:\n1\xE2\x80\xAF"
         "204\n",
         "Le vote a eu lieu mardi.\n", &log);
  assert_int_equal(count_rule(&log, "boilerplate.share-count"), 1);
  expect("de", "Die Abstimmung fand am Dienstag statt.\nArtikel teilen\nTeilen:\n",
         "Die Abstimmung fand am Dienstag statt.\n", &log);
  expect("uk", "Голосування відбулося у вівторок.\nПоділитися\n",
         "Голосування відбулося у вівторок.\n", &log);
  expect("ru", "Голосование прошло во вторник.\nПоделиться:\n", "Голосование прошло во вторник.\n",
         &log);
  assert_int_equal(count_rule(&log, "boilerplate.share"), 1);
  cd_buf_free(&log);
}

static void test_copyright_lines_deleted(void **state) {
  (void)state;
  cd_buf log = CD_BUF_INIT;
  expect("en",
         "The talks resume on Monday.\nCopyright \xC2\xA9 2026 Example Wire. All rights reserved.",
         "The talks resume on Monday.\n", &log);
  assert_int_equal(count_rule(&log, "boilerplate.copyright"), 1);
  expect("en",
         "Text.\n\xC2\xA9 2026 Reuters\n(c) 2026 dpa\nCopyright 2026 The Associated Press\n"
         "All rights reserved.\n",
         "Text.\n", &log);
  assert_int_equal(count_rule(&log, "boilerplate.copyright"), 4);
  expect("fr",
         "Texte.\n\xC2\xA9 Le Quotidien 2026 \xE2\x80\x93 Tous droits r\xC3\xA9serv\xC3\xA9s\n",
         "Texte.\n", &log);
  expect("de", "Text.\nAlle Rechte vorbehalten.\n", "Text.\n", &log);
  expect("uk", "Текст.\nВсі права захищені\n\xC2\xA9 2026 Укрінформ\n", "Текст.\n", &log);
  expect("ru", "Текст.\nВСЕ ПРАВА ЗАЩИЩЕНЫ.\n", "Текст.\n", &log);
  assert_int_equal(count_rule(&log, "boilerplate.copyright"), 1);
  cd_buf_free(&log);
}

static void test_other_boilerplate_kinds_deleted(void **state) {
  (void)state;
  cd_buf log = CD_BUF_INIT;
  expect("en",
         "Para one.\nFollow us on X and Telegram\nRead more: Baltic states sign a radar deal\n"
         "ADVERTISEMENT\nSign up for our daily newsletter\nClick here to subscribe.\nPara two.\n",
         "Para one.\nPara two.\n", &log);
  assert_int_equal(count_rule(&log, "boilerplate.follow"), 1);
  assert_int_equal(count_rule(&log, "boilerplate.related"), 1);
  assert_int_equal(count_rule(&log, "boilerplate.ad"), 1);
  assert_int_equal(count_rule(&log, "boilerplate.newsletter"), 1);
  assert_int_equal(count_rule(&log, "boilerplate.click"), 1);
  expect("fr",
         "Premier paragraphe.\nSuivez-nous sur Instagram\nLire aussi\xC2\xA0: Le budget "
         "de la d\xC3\xA9"
         "fense en hausse\nPublicit\xC3\xA9\nInscrivez-vous \xC3\xA0 notre "
         "newsletter\nCliquez ici\n",
         "Premier paragraphe.\n", &log);
  expect("de",
         "Erster Absatz.\nFolgen Sie uns auf Instagram\nLesen Sie auch: Die Bundeswehr "
         "bestellt Radare\nAnzeige\nNewsletter abonnieren\n",
         "Erster Absatz.\n", &log);
  expect("uk",
         "Абзац.\nЧитайте нас у Telegram\nЧитайте також: Громади готуються до зими\n"
         "Реклама\n",
         "Абзац.\n", &log);
  expect("ru", "Абзац.\nПодписывайтесь на наш Telegram-канал\nЧитайте также: Новые санкции\n",
         "Абзац.\n", &log);
  cd_buf_free(&log);
}

static void test_photo_credits(void **state) {
  (void)state;
  cd_buf log = CD_BUF_INIT;
  /* decided: a bare credit line goes (agency after a slash, or an agency alone) ... */
  expect("en", "Text.\nPhoto: Jane Doe/AFP\n(Photo: Reuters)\nPhoto credit: John Smith / EPA\n",
         "Text.\n", &log);
  assert_int_equal(count_rule(&log, "boilerplate.photo-credit"), 3);
  expect("uk", "Текст.\nФото: Олег Петренко/УНІАН\n", "Текст.\n", &log);
  expect("de", "Text.\nFoto: dpa\n", "Text.\n", &log);
  /* ... a caption that describes the picture stays */
  const char *caption = "Photo: the minister at the summit in Kyiv\nPhoto: Ukraine's 24/7 "
                        "drone watch\n";
  expect("en", caption, caption, &log);
  assert_int_equal(log.len, 0);
  cd_buf_free(&log);
}

static void test_blank_runs_collapse(void **state) {
  (void)state;
  cd_buf log = CD_BUF_INIT;
  /* the deleted widgets sat between two blank lines: one blank line stays */
  expect("en", "Para one.\n\n46\nShare:\n\nPara two.\n", "Para one.\n\nPara two.\n", &log);
  assert_int_equal(count_rule(&log, "boilerplate.blank-run"), 1);
  /* blank lines after deletions, more than one */
  expect("en", "Para one.\nAdvertisement\n\n\n\nPara two.\n", "Para one.\n\nPara two.\n", &log);
  assert_int_equal(count_rule(&log, "boilerplate.blank-run"), 2);
  /* interleaved: blank, widget, blank, widget, blank */
  expect("en", "A.\n\n46\n\nShare:\n\nB.\n", "A.\n\nB.\n", &log);
  /* at the start of the text no blank line is left before the first text */
  expect("en", "World news\n\nHeadline here\n", "Headline here\n", &log);
  /* CRLF lines go with their CRLF */
  expect("en", "A.\r\n\r\nShare:\r\n\r\nB.\r\n", "A.\r\n\r\nB.\r\n", &log);
  /* blank runs the author wrote, with no deletion, are not ours to touch */
  const char *own = "\n\nA.\n\n\n\nB.\n";
  expect("en", own, own, &log);
  assert_int_equal(log.len, 0);
  cd_buf_free(&log);
}

static void test_glued_section_label(void **state) {
  (void)state;
  cd_buf log = CD_BUF_INIT;
  expect("en", "World newsFrance\xE2\x80\x99s decision marks a turning point\nText.\n",
         "France\xE2\x80\x99s decision marks a turning point\nText.\n", &log);
  assert_int_equal(count_rule(&log, "boilerplate.section-label"), 1);
  assert_non_null(strstr(log.data, "\"before\":\"World news\",\"after\":\"\""));
  expect("de", "Europe-NachrichtenDie Regierung billigt das Paket\n",
         "Die Regierung billigt das Paket\n", &log);
  expect("uk", "Світові новиниУряд схвалив програму\n", "Уряд схвалив програму\n", &log);
  /* a trailing label line, with or without a line end, and a label line in between */
  expect("en", "Last paragraph.\nWorld news", "Last paragraph.\n", &log);
  expect("en", "Last paragraph.\nWorld news\n", "Last paragraph.\n", &log);
  expect("ru", "Последний абзац.\nМировые новости\n", "Последний абзац.\n", &log);
  cd_buf_free(&log);
}

static void test_datelines_normalised(void **state) {
  (void)state;
  cd_buf log = CD_BUF_INIT;
  expect("en", "KYIV, Ukraine (AP) -- The talks went on.\n",
         "KYIV, Ukraine (AP) \xE2\x80\x94 The talks went on.\n", &log);
  assert_int_equal(count_rule(&log, "boilerplate.dateline"), 1);
  assert_non_null(strstr(log.data, "\"before\":\" -- \""));
  expect("en", "PARIS (Reuters) - France said on Monday\n",
         "PARIS (Reuters) \xE2\x80\x94 France said on Monday\n", &log);
  expect("en", "(LONDON) -- Talks are ongoing\n", "(LONDON) \xE2\x80\x94 Talks are ongoing\n",
         &log);
  expect("en", "PARIS(Reuters)--France said\n", "PARIS(Reuters) \xE2\x80\x94 France said\n", &log);
  /* German house style: spaced en dash */
  expect("de", "BERLIN, 3. M\xC3\xA4rz (dpa) - Die Regierung hat\n",
         "BERLIN, 3. M\xC3\xA4rz (dpa) \xE2\x80\x93 Die Regierung hat\n", &log);
  expect("de", "Berlin (dpa) \xE2\x80\x94 Die Regierung\n",
         "Berlin (dpa) \xE2\x80\x93 Die Regierung\n", &log);
  expect("fr", "PARIS (AFP) - Le gouvernement a\n", "PARIS (AFP) \xE2\x80\x94 Le gouvernement a\n",
         &log);
  expect("uk", "КИЇВ (Укрінформ) – Уряд ухвалив\n", "КИЇВ (Укрінформ) — Уряд ухвалив\n", &log);
  /* a dateline alone on its line keeps no space after the dash */
  expect("en", "WASHINGTON (AP) -\n", "WASHINGTON (AP) \xE2\x80\x94\n", &log);
  /* a dateline after a glued label is normalised too */
  expect("en", "World newsKYIV (AP) -- Sirens sounded\n", "KYIV (AP) \xE2\x80\x94 Sirens sounded\n",
         &log);
  assert_int_equal(count_rule(&log, "boilerplate.section-label"), 1);
  assert_int_equal(count_rule(&log, "boilerplate.dateline"), 1);
  /* already in house style: nothing to do, nothing logged */
  const char *done = "KYIV, Ukraine (AP) \xE2\x80\x94 The talks went on.\n";
  expect("en", done, done, &log);
  assert_int_equal(log.len, 0);
  cd_buf_free(&log);
}

/* Real text that looks like boilerplate: every byte must come back, nothing logged. */
static void test_hard_negatives_untouched(void **state) {
  (void)state;
  cd_buf log = CD_BUF_INIT;
  const char *en = "Share prices fell 3% in Frankfurt.\n"
                   "The 46 soldiers arrived on Tuesday.\n"
                   "46 soldiers were wounded in the attack.\n"
                   "2024\n"
                   "Copyright law has not kept pace, the judge said.\n"
                   "\"Everything here says all rights reserved, but nobody checks,\" she said.\n"
                   "The court rejected the copyright claim in 2025.\n"
                   "Advertisement revenue fell by a third.\n"
                   "Read more books, the minister urged pupils.\n"
                   "Follow us on this road, the guide said, and you will reach the border.\n"
                   "Subscribe to our newsletter, he joked, was the last thing on his mind.\n"
                   "Click here, the sign said.\n"
                   "(c) 2026 budget targets were missed by every ministry.\n"
                   "NewsGuard rated the site as unreliable.\n"
                   "World news coverage has changed since the war began.\n"
                   "World newsrooms are cutting staff.\n"
                   "Kyiv (Ukraine)-based analysts disagree.\n"
                   "The talks - which began in May - stalled.\n";
  const char *negatives[] = {
      en,
      "Partager les responsabilit\xC3\xA9s est difficile, a-t-il dit.\n"
      "Publicit\xC3\xA9 mensong\xC3\xA8re : la plainte a \xC3\xA9t\xC3\xA9 rejet\xC3\xA9"
      "e.\n"
      "Lire aussi les conclusions du rapport, a conseill\xC3\xA9 le juge.\n",
      "Teilen ist nicht immer einfach, sagte sie.\nWerbung f\xC3\xBCr das Gesetz machte "
      "der Minister selbst.\nAusland und Inland sind sich einig.\n",
      "Поділитися досвідом громади зможуть на форумі.\nРеклама на білбордах заборонена.\n"
      "Світ змінився після 2022 року.\nКИЇВ, 12 березня. Уряд ухвалив рішення.\n",
      "Поделиться мнением смогут все желающие.\nВсе права защищены законом, сказал судья.\n",
  };
  const char *langs[] = {"en", "fr", "de", "uk", "ru"};
  for (size_t i = 0; i < sizeof negatives / sizeof *negatives; i++) {
    expect(langs[i], negatives[i], negatives[i], &log);
    if (log.len)
      fail_msg("%s negative logged edits:\n%s", langs[i], log.data);
  }
  cd_buf_free(&log);
}

/* A window of a line longer than the window is never deleted, even when it alone would
 * match: only whole lines are boilerplate. */
static void test_window_of_long_line_never_deleted(void **state) {
  (void)state;
  cd_buf line = CD_BUF_INIT, out = CD_BUF_INIT, log = CD_BUF_INIT;
  for (int i = 0; i < 500; i++)
    assert_int_equal(cd_buf_append_str(&line, "123 "), CD_OK);
  assert_int_equal(cd_buf_append_str(&line, "456\nShare:\n"), CD_OK);
  cd_error err;
  assert_int_equal(run_bp_window("en", cdt_data_dir(), line.data, 256, &out, &log, &err), CD_OK);
  assert_int_equal(out.len, line.len - strlen("Share:\n"));
  assert_memory_equal(out.data, line.data, out.len);
  assert_int_equal(cdt_count_lines(log.data, log.len), 1);
  /* the same number, short enough to be a line of its own, is a counter */
  expect("en", "Text.\n123 456\n", "Text.\n", &log);
  cd_buf_free(&line);
  cd_buf_free(&out);
  cd_buf_free(&log);
}

/* ---- data errors ----------------------------------------------------------------------- */

static const char *make_data_dir(const char *name, const char *patterns) {
  static char dir[4096];
  snprintf(dir, sizeof dir, "%s", cdt_tmpfile(name));
  mkdir(dir, 0755);
  char sub[4200], path[4300];
  snprintf(sub, sizeof sub, "%s/boilerplate", dir);
  mkdir(sub, 0755);
  snprintf(path, sizeof path, "%s/patterns-xx.tsv", sub);
  cdt_write_file(path, patterns, strlen(patterns));
  snprintf(path, sizeof path, "%s/section-labels.tsv", sub);
  cdt_write_file(path, "en\tWorld news\n", 14);
  snprintf(path, sizeof path, "%s/dateline-style.tsv", sub);
  cdt_write_file(path, "*\t\xE2\x80\x94\tspaced\n", 12);
  return dir;
}

static void expect_data_error(const char *name, const char *patterns, const char *where,
                              const char *what) {
  cd_buf out = CD_BUF_INIT, log = CD_BUF_INIT;
  cd_error err;
  const char *dir = make_data_dir(name, patterns);
  assert_int_equal(run_bp_window("en", dir, "Share:\n", 0, &out, &log, &err), CD_ERR_DATA);
  if (!strstr(err.message, where) || !strstr(err.message, what))
    fail_msg("message \"%s\" should name \"%s\" and say \"%s\"", err.message, where, what);
  cd_buf_free(&out);
  cd_buf_free(&log);
}

static void test_bad_data_is_an_error_naming_file_and_line(void **state) {
  (void)state;
  expect_data_error("bad-regex", "# a comment\n\ndelete\tboilerplate.x\t0.9\t(?i)share(\n",
                    "patterns-xx.tsv:3", "bad pattern");
  expect_data_error("bad-conf", "delete\tboilerplate.x\t1.5\tshare\n", "patterns-xx.tsv:1",
                    "confidence");
  expect_data_error("bad-kind", "remove\tboilerplate.x\t0.5\tshare\n", "patterns-xx.tsv:1",
                    "unknown kind");
  expect_data_error("bad-rule", "delete\tshare\t0.5\tshare\n", "patterns-xx.tsv:1",
                    "boilerplate.NAME");
  expect_data_error("bad-fields", "delete\tboilerplate.x\tshare\n", "patterns-xx.tsv:1", "field");
  expect_data_error("no-sep", "dateline\tboilerplate.d\t0.9\t[A-Z]+ - \n", "patterns-xx.tsv:1",
                    "sep");
  /* a good file in the same layout works, so the errors above are the lines' fault */
  cd_buf out = CD_BUF_INIT, log = CD_BUF_INIT;
  cd_error err;
  const char *dir = make_data_dir("good", "delete\tboilerplate.x\t0.5\t(?i)share:?\n");
  assert_int_equal(run_bp_window("en", dir, "A.\nSHARE\nB.\n", 0, &out, &log, &err), CD_OK);
  assert_string_equal(out.data, "A.\nB.\n");
  /* a missing boilerplate directory is a data error naming it */
  char missing[4200];
  snprintf(missing, sizeof missing, "%s/nowhere", cdt_tmpdir());
  assert_int_equal(run_bp_window("en", missing, "A.\n", 0, &out, &log, &err), CD_ERR_DATA);
  assert_non_null(strstr(err.message, "nowhere/boilerplate"));
  /* without a data directory the stage passes text through */
  assert_int_equal(run_bp_window("en", NULL, "Share:\n", 0, &out, &log, &err), CD_OK);
  assert_string_equal(out.data, "Share:\n");
  cd_buf_free(&out);
  cd_buf_free(&log);
}

/* ---- end to end: the built binary on fixture articles ---------------------------------- */

static void check_fixture_article(const char *lang) {
  char in_name[64], want_name[64];
  snprintf(in_name, sizeof in_name, "boilerplate/article-%s.txt", lang);
  snprintf(want_name, sizeof want_name, "boilerplate/article-%s.expected.txt", lang);
  cd_buf in = CD_BUF_INIT, want = CD_BUF_INIT, out = CD_BUF_INIT, err = CD_BUF_INIT,
         log = CD_BUF_INIT, replayed = CD_BUF_INIT;
  char in_path[4096];
  snprintf(in_path, sizeof in_path, "%s", cdt_fixture(in_name));
  cdt_read_file(in_path, &in);
  cdt_read_file(cdt_fixture(want_name), &want);
  const char *log_path = cdt_tmpfile("article.changes.jsonl");
  /* the other text stages are off so the expected text is this stage's alone */
  const char *argv[] = {
      "copydesk",        "normalize",  "-l",        lang,     "--no-mojibake", "--no-unicode",
      "--no-typography", "--no-names", "--changes", log_path, in_path,         NULL};
  int rc = cdt_run(argv, NULL, 0, &out, &err);
  if (rc != 0)
    fail_msg("copydesk exited %d: %s", rc, err.data ? err.data : "");
  if (out.len != want.len || memcmp(out.data, want.data, want.len) != 0)
    fail_msg("%s: got\n%.*s", in_name, (int)out.len, out.data);
  cdt_read_file(log_path, &log);
  cd_error rerr;
  assert_int_equal(cd_change_log_replay(in.data, in.len, log.data, log.len, &replayed, &rerr),
                   CD_OK);
  assert_int_equal(replayed.len, out.len);
  assert_memory_equal(replayed.data, out.data, out.len);
  assert_non_null(strstr(log.data, "\"stage\":\"boilerplate\""));
  /* --no-boilerplate gives the article back byte for byte */
  const char *off[] = {"copydesk",
                       "normalize",
                       "-l",
                       lang,
                       "--no-mojibake",
                       "--no-unicode",
                       "--no-typography",
                       "--no-names",
                       "--no-boilerplate",
                       in_path,
                       NULL};
  assert_int_equal(cdt_run(off, NULL, 0, &out, &err), 0);
  assert_int_equal(out.len, in.len);
  assert_memory_equal(out.data, in.data, in.len);
  cd_buf_free(&in);
  cd_buf_free(&want);
  cd_buf_free(&out);
  cd_buf_free(&err);
  cd_buf_free(&log);
  cd_buf_free(&replayed);
}

static void test_fixture_articles_end_to_end(void **state) {
  (void)state;
  check_fixture_article("en");
  check_fixture_article("uk");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_share_lines_deleted_in_five_languages),
      cmocka_unit_test(test_copyright_lines_deleted),
      cmocka_unit_test(test_other_boilerplate_kinds_deleted),
      cmocka_unit_test(test_photo_credits),
      cmocka_unit_test(test_blank_runs_collapse),
      cmocka_unit_test(test_glued_section_label),
      cmocka_unit_test(test_datelines_normalised),
      cmocka_unit_test(test_hard_negatives_untouched),
      cmocka_unit_test(test_window_of_long_line_never_deleted),
      cmocka_unit_test(test_bad_data_is_an_error_naming_file_and_line),
      cmocka_unit_test(test_fixture_articles_end_to_end),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
