/* SPDX-License-Identifier: MIT */
/* Stage 1, decode: detection, conversion, invalid input, and the change log replay. */
#include "cd_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cd_decode.h"
#include "cd_normalize.h"

/* Runs only the decode stage over in; checks the log replays to the output. */
static cd_status decode_only(const char *in, size_t len, const char *from, bool strict, cd_buf *out,
                             cd_buf *log, cd_normalize_report *rep, cd_error *err) {
  cd_normalize_options o;
  cd_normalize_options_init(&o);
  o.stages = CD_STAGE_DECODE;
  o.lang = "en";
  o.from_charset = from;
  o.strict = strict;
  o.file_label = "wire.txt";
  cd_buf_clear(out);
  cd_buf_clear(log);
  cd_status st = cd_normalize_buffer(&o, in, len, out, log, rep, err);
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

static void test_utf8_passes_through_unlogged(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, log = CD_BUF_INIT;
  cd_error err;
  const char in[] = "Le Premier ministre S\xC3\xA9"
                    "bastien Lecornu a parl\xC3\xA9.\n";
  assert_int_equal(decode_only(in, sizeof in - 1, NULL, false, &out, &log, NULL, &err), CD_OK);
  assert_int_equal(out.len, sizeof in - 1);
  assert_memory_equal(out.data, in, out.len);
  assert_int_equal(log.len, 0);
  cd_buf_free(&out);
  cd_buf_free(&log);
}

static void test_bom_removed_and_logged(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, log = CD_BUF_INIT;
  cd_error err;
  const char in[] = "\xEF\xBB\xBFKyiv\n";
  assert_int_equal(decode_only(in, sizeof in - 1, NULL, false, &out, &log, NULL, &err), CD_OK);
  assert_string_equal(out.data, "Kyiv\n");
  assert_non_null(strstr(log.data, "\"rule\":\"decode.bom\""));
  assert_non_null(strstr(log.data, "\"before_hex\":\"efbbbf\""));
  cd_buf_free(&out);
  cd_buf_free(&log);
}

static void test_cp1252_detected(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, log = CD_BUF_INIT;
  cd_error err;
  cd_normalize_report rep;
  /* “Caf\xe9” with cp1252 curly quotes and an en dash, a typical Windows wire file */
  const char in[] = "\x93"
                    "Nous sommes pr\xEAts\x94, a d\xE9"
                    "clar\xE9 le ministre \x96 "
                    "\xE0 Paris, le 3 d\xE9"
                    "cembre.\n";
  assert_int_equal(decode_only(in, sizeof in - 1, NULL, false, &out, &log, &rep, &err), CD_OK);
  assert_string_equal(rep.charset, "WINDOWS-1252");
  assert_string_equal(out.data, "\xE2\x80\x9CNous sommes pr\xC3\xAAts\xE2\x80\x9D, a "
                                "d\xC3\xA9"
                                "clar\xC3\xA9 le ministre \xE2\x80\x93 \xC3\xA0 "
                                "Paris, le 3 d\xC3\xA9"
                                "cembre.\n");
  cd_buf_free(&out);
  cd_buf_free(&log);
}

static void test_cp1251_and_koi8u(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, log = CD_BUF_INIT;
  cd_error err;
  cd_normalize_report rep;
  /* "Президент України Володимир Зеленський заявив у Києві" in cp1251 */
  const char cp1251[] = "\xCF\xF0\xE5\xE7\xE8\xE4\xE5\xED\xF2 \xD3\xEA\xF0\xE0\xBF\xED\xE8 "
                        "\xC2\xEE\xEB\xEE\xE4\xE8\xEC\xE8\xF0 \xC7\xE5\xEB\xE5\xED\xF1\xFC"
                        "\xEA\xE8\xE9 \xE7\xE0\xFF\xE2\xE8\xE2 \xF3 \xCA\xE8\xBA\xE2\xB3.\n";
  assert_int_equal(decode_only(cp1251, sizeof cp1251 - 1, NULL, false, &out, &log, &rep, &err),
                   CD_OK);
  assert_string_equal(rep.charset, "WINDOWS-1251");
  assert_non_null(strstr(out.data, "\xD0\x97\xD0\xB5\xD0\xBB\xD0\xB5\xD0\xBD\xD1\x81\xD1\x8C"
                                   "\xD0\xBA\xD0\xB8\xD0\xB9")); /* Зеленський */
  /* KOI8-U: "Київ і Харків" must keep і ї, which KOI8-R would turn into box drawing */
  const char koi8u[] = "\xEB\xC9\xA7\xD7 \xA6 \xE8\xC1\xD2\xCB\xA6\xD7\n";
  assert_int_equal(decode_only(koi8u, sizeof koi8u - 1, "KOI8-U", false, &out, &log, &rep, &err),
                   CD_OK);
  assert_string_equal(out.data, "\xD0\x9A\xD0\xB8\xD1\x97\xD0\xB2 \xD1\x96 \xD0\xA5\xD0\xB0"
                                "\xD1\x80\xD0\xBA\xD1\x96\xD0\xB2\n");
  cd_buf_free(&out);
  cd_buf_free(&log);
}

static void test_utf16_with_bom_and_truncated(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, log = CD_BUF_INIT;
  cd_error err;
  cd_normalize_report rep;
  const char le[] = "\xFF\xFEK\0y\0i\0v\0\n\0\x14\x20\n\0";
  assert_int_equal(decode_only(le, sizeof le - 1, NULL, false, &out, &log, &rep, &err), CD_OK);
  assert_string_equal(rep.charset, "UTF-16LE");
  assert_string_equal(out.data, "Kyiv\n\xE2\x80\x94\n");
  /* a truncated final code unit becomes U+FFFD, logged, not dropped */
  const char cut[] = "\xFE\xFF\0A\0B\0";
  assert_int_equal(decode_only(cut, sizeof cut - 1, NULL, false, &out, &log, &rep, &err), CD_OK);
  assert_string_equal(out.data, "AB\xEF\xBF\xBD");
  assert_int_equal(rep.invalid, 1);
  assert_int_equal(decode_only(cut, sizeof cut - 1, NULL, true, &out, &log, &rep, &err),
                   CD_ERR_INPUT);
  assert_non_null(strstr(err.message, "wire.txt"));
  assert_non_null(strstr(err.message, "byte 6"));
  cd_buf_free(&out);
  cd_buf_free(&log);
}

static void test_invalid_utf8_replaced_or_strict(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, log = CD_BUF_INIT;
  cd_error err;
  cd_normalize_report rep;
  /* a mostly-UTF-8 file with one stray byte: stays UTF-8, the byte becomes U+FFFD */
  char in[400];
  size_t n = 0;
  for (int i = 0; i < 6; i++)
    n += (size_t)snprintf(in + n, sizeof in - n, "Odesa \xE2\x80\x94 port news, line %d.\n", i);
  in[20] = (char)0xFF;
  assert_int_equal(decode_only(in, n, "UTF-8", false, &out, &log, &rep, &err), CD_OK);
  assert_int_equal(rep.invalid, 1);
  assert_non_null(strstr(log.data, "\"rule\":\"decode.invalid\""));
  assert_non_null(strstr(log.data, "\"in_start\":20"));
  assert_int_equal(decode_only(in, n, "UTF-8", true, &out, &log, &rep, &err), CD_ERR_INPUT);
  assert_non_null(strstr(err.message, "byte 20"));
  cd_buf_free(&out);
  cd_buf_free(&log);
}

/* Wire files get concatenated: a UTF-8 file with one line pasted in cp1251 and one in
 * cp1252. Those lines are decoded in their own charset (logged per line); a line that mixes
 * UTF-8 with a stray byte is damage and gets U+FFFD; a declared --from UTF-8 is obeyed. */
static void test_legacy_lines_in_utf8_file(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, log = CD_BUF_INIT;
  cd_error err;
  cd_normalize_report rep;
  const char in[] = "Kyiv \xE2\x80\x94 the first line is UTF-8: Zelens\xCA\xB9kyy.\n"
                    "\xCF\xF0\xE5\xE7\xE8\xE4\xE5\xED\xF2 \xC7\xE5\xEB\xE5\xED\xF1\xFC"
                    "\xEA\xE8\xE9\n"
                    "Caf\xE9 cr\xE8me \x96 d\xE9j\xE0 vu.\n"
                    "Ende \xE2\x80\x94 kaputt \xFF hier.\n";
  assert_int_equal(decode_only(in, sizeof in - 1, NULL, false, &out, &log, &rep, &err), CD_OK);
  assert_string_equal(rep.charset, "UTF-8");
  assert_string_equal(out.data, "Kyiv \xE2\x80\x94 the first line is UTF-8: Zelens\xCA\xB9kyy.\n"
                                "\xD0\x9F\xD1\x80\xD0\xB5\xD0\xB7\xD0\xB8\xD0\xB4\xD0\xB5\xD0\xBD"
                                "\xD1\x82 \xD0\x97\xD0\xB5\xD0\xBB\xD0\xB5\xD0\xBD\xD1\x81\xD1\x8C"
                                "\xD0\xBA\xD0\xB8\xD0\xB9\n"
                                "Caf\xC3\xA9 cr\xC3\xA8me \xE2\x80\x93 d\xC3\xA9j\xC3\xA0 vu.\n"
                                "Ende \xE2\x80\x94 kaputt \xEF\xBF\xBD hier.\n");
  assert_non_null(strstr(log.data, "\"rule\":\"decode.line-windows-1251\""));
  assert_non_null(strstr(log.data, "\"rule\":\"decode.line-windows-1252\""));
  assert_int_equal(rep.invalid, 1);
  /* declared UTF-8: no rescue, every bad byte is U+FFFD */
  assert_int_equal(decode_only(in, sizeof in - 1, "UTF-8", false, &out, &log, &rep, &err), CD_OK);
  assert_int_equal(rep.invalid, 25);
  cd_buf_free(&out);
  cd_buf_free(&log);
}

static void test_nul_bytes_kept_for_unicode_stage(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, log = CD_BUF_INIT;
  cd_error err;
  const char in[] = "a\0b\n";
  assert_int_equal(decode_only(in, 4, NULL, false, &out, &log, NULL, &err), CD_OK);
  assert_int_equal(out.len, 4); /* NUL is valid UTF-8; removing it is the Unicode stage's job */
  cd_buf_free(&out);
  cd_buf_free(&log);
}

static void test_empty_input(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, log = CD_BUF_INIT;
  cd_error err;
  assert_int_equal(decode_only("", 0, NULL, false, &out, &log, NULL, &err), CD_OK);
  assert_int_equal(out.len, 0);
  assert_int_equal(log.len, 0);
  cd_buf_free(&out);
  cd_buf_free(&log);
}

static void test_unknown_charset_is_usage_error(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, log = CD_BUF_INIT;
  cd_error err;
  assert_int_equal(decode_only("x", 1, "NO-SUCH-CHARSET", false, &out, &log, NULL, &err),
                   CD_ERR_USAGE);
  assert_non_null(strstr(err.message, "NO-SUCH-CHARSET"));
  cd_buf_free(&out);
  cd_buf_free(&log);
}

static void test_detect_helper(void **state) {
  (void)state;
  assert_string_equal(cd_detect_charset("plain ascii\n", 12, true), "UTF-8");
  assert_string_equal(cd_detect_charset("K\0y\0i\0v\0 \0n\0e\0w\0s\0", 18, true), "UTF-16LE");
  /* a UTF-8 sequence cut at the end of a partial sample is still UTF-8 */
  assert_string_equal(cd_detect_charset("Caf\xC3", 4, false), "UTF-8");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_utf8_passes_through_unlogged),
      cmocka_unit_test(test_bom_removed_and_logged),
      cmocka_unit_test(test_cp1252_detected),
      cmocka_unit_test(test_cp1251_and_koi8u),
      cmocka_unit_test(test_utf16_with_bom_and_truncated),
      cmocka_unit_test(test_invalid_utf8_replaced_or_strict),
      cmocka_unit_test(test_legacy_lines_in_utf8_file),
      cmocka_unit_test(test_nul_bytes_kept_for_unicode_stage),
      cmocka_unit_test(test_empty_input),
      cmocka_unit_test(test_unknown_charset_is_usage_error),
      cmocka_unit_test(test_detect_helper),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
