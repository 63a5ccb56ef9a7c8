/* SPDX-License-Identifier: MIT */
/* The endpoints of copydesk serve as functions (serve_api.h): JSON in, status and JSON out,
 * no socket. */
#include "cd_test.h"

#include <json-c/json.h>
#include <string.h>
#include <unistd.h>

#include "serve_api.h"

static serve_config cfg;
static serve_ctx *ctx;

static int setup(void **state) {
  (void)state;
  const char *tm = cdt_tmpfile("api.sqlite");
  unlink(tm);
  cfg.data_dir = cdt_data_dir();
  cfg.tm_path = strdup(tm);
  cfg.busy_timeout_ms = -1;
  cd_error err;
  if (serve_ctx_new(&cfg, &ctx, &err))
    fail_msg("serve_ctx_new: %s", err.message);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  serve_ctx_free(ctx);
  free((char *)cfg.tm_path);
  return 0;
}

/* Calls a JSON endpoint; returns the parsed reply (the caller puts it) and its status. */
typedef void (*endpoint)(serve_ctx *, const char *, size_t, serve_reply *);
static json_object *call(endpoint fn, const char *body, int *status) {
  serve_reply r;
  serve_reply_init(&r);
  fn(ctx, body, strlen(body), &r);
  *status = r.status;
  json_object *o = json_tokener_parse(cd_buf_at(&r.body, 0));
  if (!o)
    fail_msg("reply is not JSON: %s", cd_buf_at(&r.body, 0));
  serve_reply_free(&r);
  return o;
}

static const char *str(json_object *o, const char *path) {
  /* "a.b.0.c": keys and array indexes */
  char buf[256];
  snprintf(buf, sizeof buf, "%s", path);
  for (char *save = NULL, *k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save))
    o = json_object_is_type(o, json_type_array)
            ? json_object_array_get_idx(o, (size_t)strtol(k, NULL, 10))
            : json_object_object_get(o, k);
  return o ? json_object_get_string(o) : NULL;
}

static void expect_status(endpoint fn, const char *body, int want) {
  int st;
  json_object *o = call(fn, body, &st);
  if (st != want)
    fail_msg("%s -> %d (%s), want %d", body, st, str(o, "message"), want);
  if (want >= 400) {
    assert_int_equal(json_object_get_int(json_object_object_get(o, "status")), want);
    assert_non_null(str(o, "message"));
  }
  json_object_put(o);
}

static void test_utf16_units(void **state) {
  (void)state;
  const char *s = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"; /* a é € 😀 */
  assert_int_equal(serve_utf16_units(s, strlen(s)), 5);
  assert_int_equal(serve_utf16_units("", 0), 0);
}

static void test_normalize(void **state) {
  (void)state;
  int st;
  json_object *o = call(serve_normalize,
                        "{\"text\":\"President Zelensky said \\\"no\\\".\",\"lang\":\"en\"}", &st);
  assert_int_equal(st, 200);
  assert_string_equal(str(o, "text"), "President Zelenskyy said \xE2\x80\x9Cno\xE2\x80\x9D.");
  assert_string_equal(str(o, "lang"), "en");
  json_object *ch = json_object_object_get(o, "changes");
  assert_true(json_object_array_length(ch) >= 3);
  /* the change log's records, as normalize --changes writes them */
  static const char *const keys[] = {"file",      "stage",   "rule",   "in_start", "in_end",
                                     "out_start", "out_end", "before", "after",    "confidence"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    assert_non_null(json_object_object_get(json_object_array_get_idx(ch, 0), keys[i]));
  json_object_put(o);
}

static void test_bad_bodies(void **state) {
  (void)state;
  expect_status(serve_normalize, "", 400);
  expect_status(serve_normalize, "{\"text\":", 400);
  expect_status(serve_normalize, "[1]", 400);
  expect_status(serve_normalize, "{\"text\":\"a\"} x", 400);
  expect_status(serve_normalize, "{}", 400);
  expect_status(serve_normalize, "{\"text\":5}", 400);
  expect_status(serve_normalize, "{\"text\":\"a\\u0000b\"}", 400);
  expect_status(serve_normalize, "{\"text\":\"a\",\"lang\":\"1x\"}", 422);
  expect_status(serve_normalize, "{\"text\":\"a\",\"lang\":\"xx\"}", 422);
  expect_status(serve_check, "{\"text\":\"a\",\"lang\":\"zz-ZZ\"}", 422);
  expect_status(serve_tm_lookup, "{\"query\":\"a\",\"max\":0}", 422);
  expect_status(serve_tm_lookup, "{\"query\":\"a\",\"min\":\"x\"}", 400);
  expect_status(serve_tm_lookup, "{\"query\":\"a\",\"src_lang\":\"--\"}", 422);
}

static void test_names_lookup(void **state) {
  (void)state;
  serve_reply r;
  serve_reply_init(&r);
  serve_names_lookup(ctx, "Zelensky", "de", NULL, &r);
  assert_int_equal(r.status, 200);
  json_object *o = json_tokener_parse(cd_buf_at(&r.body, 0));
  assert_string_equal(str(o, "results.0.id"), "zelenskyy");
  assert_string_equal(str(o, "results.0.canonical.de"), "Wolodymyr Selenskyj");
  json_object_put(o);
  serve_reply_free(&r);
  serve_reply_init(&r);
  serve_names_lookup(ctx, NULL, NULL, NULL, &r);
  assert_int_equal(r.status, 400);
  serve_reply_free(&r);
  serve_reply_init(&r);
  serve_names_lookup(ctx, "Zelensky", "??", NULL, &r);
  assert_int_equal(r.status, 422);
  serve_reply_free(&r);
}

static void test_tm_units_and_lookup(void **state) {
  (void)state;
  const char *add = "{\"units\":[{\"source\":\"The talks ended on Monday.\",\"target\":\"Les "
                    "pourparlers ont pris fin lundi.\",\"src_lang\":\"en\",\"tgt_lang\":\"fr\"},"
                    "{\"source\":\"Prices rose by 5,000 euros.\",\"target\":\"Les prix ont "
                    "augmenté de 5 000 euros.\",\"src_lang\":\"en\",\"tgt_lang\":\"fr\"}]}";
  int st;
  json_object *o = call(serve_tm_units, add, &st);
  assert_int_equal(st, 200);
  assert_int_equal(json_object_get_int(json_object_object_get(o, "added")), 2);
  json_object_put(o);
  o = call(serve_tm_units, add, &st);
  assert_int_equal(json_object_get_int(json_object_object_get(o, "merged")), 2);
  json_object_put(o);
  /* one bad unit: nothing of the request is added */
  expect_status(serve_tm_units,
                "{\"units\":[{\"source\":\"New one.\",\"target\":\"Nouveau.\",\"src_lang\":\"en\","
                "\"tgt_lang\":\"fr\"},{\"source\":\"x\"}]}",
                400);
  expect_status(serve_tm_units, "{\"units\":[]}", 422);
  expect_status(serve_tm_units, "{\"units\":{}}", 400);
  expect_status(serve_tm_units,
                "{\"units\":[{\"source\":\"a\",\"target\":\"b\",\"src_lang\":\"en\",\"tgt_lang\":"
                "\"fr\",\"score\":2}]}",
                422);
  assert_int_equal(cdt_tm_units_checked(cfg.tm_path), 2);
  o = call(serve_tm_lookup, "{\"query\":\"Prices rose by 7,500 euros.\",\"src_lang\":\"en\"}", &st);
  assert_int_equal(st, 200);
  assert_string_equal(str(o, "results.0.score"), "100");
  assert_string_equal(str(o, "results.0.adapted"), "true");
  assert_string_equal(str(o, "results.0.target"), "Les prix ont augmenté de 7 500 euros.");
  json_object_put(o);
}

static void test_check(void **state) {
  (void)state;
  const char *req = "{\"text\":\"President Zelensky met Macron. The the talks went on.\","
                    "\"lang\":\"en\"}";
  int st;
  json_object *o = call(serve_check, req, &st);
  assert_int_equal(st, 200);
  assert_string_equal(str(o, "findings.0.check"), "names.style");
  assert_string_equal(str(o, "findings.0.suggestion"), "Zelenskyy");
  assert_string_equal(str(o, "findings.0.col"), "11");
  assert_string_equal(str(o, "findings.1.check"), "text.doubled-word");
  assert_string_equal(str(o, "summary.findings"), "2");
  json_object_put(o);
  o = call(serve_check,
           "{\"text\":\"President Zelensky met Macron. The the talks.\",\"lang\":\"en\","
           "\"disable\":[\"names.*\"]}",
           &st);
  assert_string_equal(str(o, "summary.findings"), "1");
  json_object_put(o);
  expect_status(serve_check, "{\"text\":\"a\",\"disable\":[\"no.such\"]}", 422);
}

static json_object *lt(const char *text, const char *data, const char *lang, int *status) {
  serve_lt_request q = {text, data, lang, NULL, text ? strlen(text) : 0, data ? strlen(data) : 0};
  serve_reply r;
  serve_reply_init(&r);
  serve_lt_check(ctx, &q, &r);
  *status = r.status;
  json_object *o = json_tokener_parse(cd_buf_at(&r.body, 0));
  serve_reply_free(&r);
  assert_non_null(o);
  return o;
}

/* Offsets count UTF-16 units, as Java strings do: the emoji before the name counts 2. */
static void test_languagetool_offsets(void **state) {
  (void)state;
  int st;
  json_object *o = lt("\xF0\x9F\x98\x80 \xC3\x89lys\xC3\xA9"
                      "e: Zelensky met Macron.",
                      NULL, "en-US", &st);
  assert_int_equal(st, 200);
  assert_string_equal(str(o, "language.code"), "en-US");
  assert_string_equal(str(o, "software.apiVersion"), "1");
  assert_string_equal(str(o, "matches.0.rule.id"), "names.style");
  assert_string_equal(str(o, "matches.0.offset"), "11"); /* 2 + 1 + 6 + 2 */
  assert_string_equal(str(o, "matches.0.length"), "8");
  assert_string_equal(str(o, "matches.0.replacements.0.value"), "Zelenskyy");
  assert_string_equal(str(o, "matches.0.context.length"), "8");
  assert_string_equal(str(o, "matches.0.rule.category.id"), "COPYDESK_NAMES");
  assert_string_equal(str(o, "matches.0.rule.issueType"), "style");
  assert_non_null(str(o, "matches.0.sentence"));
  json_object_put(o);
  /* the second line: offsets run over the whole text */
  o = lt("First line.\nThe the end.", NULL, "en", &st);
  assert_string_equal(str(o, "matches.0.offset"), "12");
  assert_string_equal(str(o, "matches.0.length"), "7");
  json_object_put(o);
}

/* data=: offsets in the original, markup included. */
static void test_languagetool_annotation(void **state) {
  (void)state;
  int st;
  json_object *o = lt(NULL,
                      "{\"annotation\":[{\"markup\":\"<p>\"},{\"text\":\"Zelensky met Macron.\"},"
                      "{\"markup\":\"</p>\",\"interpretAs\":\"\\n\\n\"}]}",
                      "en-GB", &st);
  assert_int_equal(st, 200);
  assert_string_equal(str(o, "matches.0.offset"), "3");
  assert_string_equal(str(o, "matches.0.length"), "8");
  json_object_put(o);
  o = lt(NULL, "{\"annotation\":[{\"markup\":\"<p>\",\"text\":\"x\"}]}", "en", &st);
  assert_int_equal(st, 400);
  json_object_put(o);
  o = lt("Zelensky", NULL, NULL, &st);
  assert_int_equal(st, 400);
  json_object_put(o);
  o = lt("Zelensky", NULL, "xx-YY", &st);
  assert_int_equal(st, 422);
  json_object_put(o);
  o = lt(NULL, NULL, "en", &st);
  assert_int_equal(st, 400);
  json_object_put(o);
  o = lt("Die Gespräche mit Selenskij gingen am Montag weiter, sagte der Sprecher in Berlin.", NULL,
         "auto", &st);
  assert_int_equal(st, 200);
  assert_string_equal(str(o, "language.code"), "de");
  json_object_put(o);
}

static void test_languagetool_languages(void **state) {
  (void)state;
  serve_reply r;
  serve_reply_init(&r);
  serve_lt_languages(ctx, &r);
  assert_int_equal(r.status, 200);
  json_object *o = json_tokener_parse(cd_buf_at(&r.body, 0));
  assert_true(json_object_is_type(o, json_type_array));
  bool en = false;
  for (size_t i = 0; i < json_object_array_length(o); i++)
    if (strcmp(str(json_object_array_get_idx(o, i), "code"), "en") == 0) {
      en = true;
      assert_string_equal(str(json_object_array_get_idx(o, i), "name"), "English");
      assert_non_null(str(json_object_array_get_idx(o, i), "longCode"));
    }
  assert_true(en);
  json_object_put(o);
  serve_reply_free(&r);
}

static void test_health(void **state) {
  (void)state;
  serve_reply r;
  serve_reply_init(&r);
  serve_health(ctx, &r);
  json_object *o = json_tokener_parse(cd_buf_at(&r.body, 0));
  assert_string_equal(str(o, "status"), "ok");
  assert_string_equal(str(o, "tm"), cfg.tm_path);
  json_object_put(o);
  serve_reply_free(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_utf16_units),
      cmocka_unit_test(test_normalize),
      cmocka_unit_test(test_bad_bodies),
      cmocka_unit_test(test_names_lookup),
      cmocka_unit_test(test_tm_units_and_lookup),
      cmocka_unit_test(test_check),
      cmocka_unit_test(test_languagetool_offsets),
      cmocka_unit_test(test_languagetool_annotation),
      cmocka_unit_test(test_languagetool_languages),
      cmocka_unit_test(test_health),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
