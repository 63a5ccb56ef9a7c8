/* SPDX-License-Identifier: MIT */
/* Pathological inputs finish and stay correct (issue 7, "bounded resources"): no timing
 * assertion here, only that each input is processed completely and correctly; a quadratic
 * path would show as a test that never ends (CTest's timeout). The sizes are scaled down
 * in the sanitizer build, where everything runs several times slower.
 * (100,000 nested brackets for check are covered in tests/check.)
 *
 * The TMX case carries the 100,000 attributes of issue 7 on one <tu>. libxml2 2.9.14 (the
 * Debian 12 package) checks each attribute of a start tag against all earlier ones, so one
 * element with n attributes costs O(n^2) inside libxml2 itself (`xmllint --stream`: 25,000
 * in 0.75 s, 50,000 in 4.8 s, 100,000 in 47 s); the TMX reader's input guard refuses a tag
 * with more than CD_TMX_MAX_ATTRS before libxml2 sees it, in one pass over the bytes. */
#include "cd_test.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cd_normalize.h"
#include "cd_tmx.h"
#include "cd_wire.h"

#if defined(__SANITIZE_ADDRESS__)
#define PATH_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PATH_ASAN 1
#endif
#endif
#ifdef PATH_ASAN
enum { N_MARKS = 2000000, N_ATTRS = 100000 };
#else
enum { N_MARKS = 10000000, N_ATTRS = 100000 };
#endif

/* Seconds since the first call: printed for the record, never asserted. */
static double elapsed(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char ACUTE[] = "\xCC\x81"; /* U+0301 COMBINING ACUTE ACCENT, ccc 230 */
static const char CGJ[] = "\xCD\x8F";   /* U+034F COMBINING GRAPHEME JOINER */

/* Occurrences of a 2-byte sequence (a plain loop: ASan's memmem interceptor checks the
 * whole remaining haystack on every call, which would make the test itself quadratic). */
static size_t count_str(const char *s, size_t n, const char *pat) {
  size_t k = 0;
  for (size_t i = 0; i + 1 < n; i++)
    if (s[i] == pat[0] && s[i + 1] == pat[1])
      k++;
  return k;
}

/* "q" (no precomposed q-acute, so NFC composes nothing) followed by n acutes and LF. */
static char *marks_line(size_t n, size_t *len) {
  *len = 1 + 2 * n + 1;
  char *s = malloc(*len);
  assert_non_null(s);
  s[0] = 'q';
  for (size_t i = 0; i < n; i++)
    memcpy(s + 1 + 2 * i, ACUTE, 2);
  s[*len - 1] = '\n';
  return s;
}

static void run_marks(unsigned stages, size_t n) {
  size_t len;
  char *in = marks_line(n, &len);
  cd_normalize_options o;
  cd_normalize_options_init(&o);
  o.data_dir = cdt_data_dir();
  o.lang = "en";
  o.from_charset = "UTF-8";
  o.stages = stages;
  cd_buf out = CD_BUF_INIT;
  cd_normalize_report rep;
  cd_error err;
  double t0 = elapsed();
  cd_status st = cd_normalize_buffer(&o, in, len, &out, NULL, &rep, &err);
  if (st)
    fail_msg("%s", err.message);
  if (n > 1000)
    print_message("%zu combining marks, stages 0x%x: %.2f s\n", n, stages, elapsed() - t0);
  /* a CGJ before the 31st, 61st, ... mark: the only change */
  size_t cgj = (n - 1) / 30;
  assert_int_equal(out.len, len + 2 * cgj);
  assert_int_equal(count_str(out.data, out.len, CGJ), cgj);
  assert_int_equal(count_str(out.data, out.len, ACUTE), n);
  assert_int_equal(out.data[0], 'q');
  assert_int_equal(out.data[out.len - 1], '\n');
  /* every run between CGJs holds exactly 30 marks (the count carries across windows) */
  const char *p = out.data + 1;
  for (size_t k = 0; k < cgj; k++) {
    assert_memory_equal(p, ACUTE, 2);
    assert_memory_equal(p + 58, ACUTE, 2);
    assert_memory_equal(p + 60, CGJ, 2);
    p += 62;
  }
  assert_true(cd_utf8_is_valid(out.data, out.len));
  cd_buf_free(&out);
  free(in);
}

static void test_marks_unicode_stage(void **state) {
  (void)state;
  run_marks(CD_STAGE_DECODE | CD_STAGE_UNICODE, N_MARKS);
}

/* Every stage on (names off: a name lookup needs letters anyway). */
static void test_marks_all_stages(void **state) {
  (void)state;
  run_marks(CD_STAGE_ALL & ~(unsigned)CD_STAGE_NAMES, N_MARKS / 5);
}

/* One capitalized "word" of 2 MB, and 350,000 hyphen-joined "Ab" (one word too): the
 * names stage was quadratic in word length (hostile-use report, BUG-18); no name word is
 * longer than a few dozen letters, so such a word is no candidate. The text comes back
 * unchanged, and a name after it is still found. */
static void test_names_long_word(void **state) {
  (void)state;
  size_t n = 2000000;
  char *in = malloc(n + 64);
  assert_non_null(in);
  in[0] = 'Z';
  memset(in + 1, 'e', n - 1);
  memcpy(in + n, " Kiev\n", 7);
  cd_normalize_options o;
  cd_normalize_options_init(&o);
  o.lang = "en";
  o.data_dir = cdt_data_dir();
  o.stages = CD_STAGE_DECODE | CD_STAGE_NAMES;
  cd_buf out = CD_BUF_INIT;
  cd_error err;
  double t0 = elapsed();
  assert_int_equal(cd_normalize_buffer(&o, in, n + 6, &out, NULL, NULL, &err), CD_OK);
  assert_int_equal(out.len, n + 6);
  assert_memory_equal(out.data, in, n);
  assert_memory_equal(out.data + n, " Kyiv\n", 6);
  size_t reps = 350000;
  char *h = malloc(reps * 3 + 2);
  assert_non_null(h);
  for (size_t i = 0; i < reps; i++)
    memcpy(h + 3 * i, "Ab-", 3);
  memcpy(h + 3 * reps, "\n", 2);
  cd_buf_clear(&out);
  assert_int_equal(cd_normalize_buffer(&o, h, reps * 3 + 1, &out, NULL, NULL, &err), CD_OK);
  assert_int_equal(out.len, reps * 3 + 1);
  print_message("names stage, 2 MB word and 1 MB hyphenated word: %.2f s\n", elapsed() - t0);
  free(h);
  free(in);
  cd_buf_free(&out);
}

/* Runs of 29, 30 and 31 marks: the boundary of the rule, and a clean negative. */
static void test_marks_boundary(void **state) {
  (void)state;
  run_marks(CD_STAGE_DECODE | CD_STAGE_UNICODE, 30); /* no CGJ */
  run_marks(CD_STAGE_DECODE | CD_STAGE_UNICODE, 31); /* one */
  run_marks(CD_STAGE_DECODE | CD_STAGE_UNICODE, 61); /* two */
}

static int64_t tm_units(cd_tm_store *s) {
  cd_tm_stats st;
  cd_error e;
  assert_int_equal(cd_tm_store_stats(s, &st, NULL, NULL, &e), CD_OK);
  return st.units;
}

static void write_tmx_attrs(const char *path, int n, const char *where) {
  cd_buf x = CD_BUF_INIT;
  assert_int_equal(
      cd_buf_append_str(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">"
                            "<header srclang=\"en\" segtype=\"sentence\"/><body>\n"
                            "<!-- a comment with = signs: a=1 b=2 --><tu"),
      CD_OK);
  for (int i = 0; i < n; i++)
    assert_int_equal(cd_buf_appendf(&x, " x-a%d=\"v=%d\"", i, i), CD_OK);
  assert_int_equal(
      cd_buf_appendf(
          &x,
          "><tuv xml:lang=\"en\"><seg>The ferry left at noon%s.</seg></tuv>"
          "<tuv xml:lang=\"fr\"><seg>Le ferry est parti \xc3\xa0 midi%s.</seg></tuv></tu>\n"
          "</body></tmx>\n",
          where, where),
      CD_OK);
  cdt_write_file(path, x.data, x.len);
  cd_buf_free(&x);
}

/* One <tu> carrying 100,000 attributes: refused in one pass, naming the file and line, the
 * TM untouched; a tu with as many attributes as the limit allows still imports. */
static void test_tmx_many_attributes(void **state) {
  (void)state;
  cd_tm_store_options so;
  cd_tm_store_options_init(&so);
  cd_tm_store *s = NULL;
  cd_error err;
  assert_int_equal(cd_tm_store_new(":memory:", &so, &s, &err), CD_OK);
  cd_tmx_import_options io;
  cd_tmx_import_options_init(&io);
  cd_tmx_counts c = {0};
  const char *ok = cdt_tmpfile("attrs-ok.tmx");
  write_tmx_attrs(ok, CD_TMX_MAX_ATTRS - 1, ""); /* + xml:lang... on other tags */
  assert_int_equal(cd_tmx_import(s, ok, &io, &c, &err), CD_OK);
  assert_int_equal(c.added, 1);
  const char *path = cdt_tmpfile("attrs.tmx");
  write_tmx_attrs(path, N_ATTRS, " again");
  double t0 = elapsed();
  cd_status st = cd_tmx_import(s, path, &io, &c, &err);
  double t = elapsed() - t0;
  assert_int_not_equal(st, CD_OK);
  assert_non_null(strstr(err.message, "attrs.tmx:3: malformed TMX: a start tag with more than"));
  assert_int_equal(tm_units(s), 1);
  print_message("tmx with %d attributes: %s in %.3f s\n", N_ATTRS, err.message, t);
  cd_tm_store_free(s);
}

static cd_status count_record(void *ud, const cd_change *c, cd_error *err) {
  (void)c;
  (void)err;
  ++*(size_t *)ud;
  return CD_OK;
}

/* A wire document with many edits, and one paragraph with many inline elements and entities:
 * the change log's offsets and the edits' text nodes are found by binary search (a linear
 * search per record took 41 s for 100,000 records before). */
static void test_wire_many_edits(void **state) {
  (void)state;
  cd_buf x = CD_BUF_INIT, out = CD_BUF_INIT;
  assert_int_equal(cd_buf_append_str(&x, "<?xml version=\"1.0\"?>\n<nitf><body><body.content>\n"),
                   CD_OK);
  for (int i = 0; i < 20000; i++)
    assert_int_equal(cd_buf_appendf(&x, "<p>He said \"it is %d -- fine\" and that's it.</p>\n", i),
                     CD_OK);
  assert_int_equal(cd_buf_append_str(&x, "<p>"), CD_OK);
  for (int i = 0; i < 20000; i++)
    assert_int_equal(cd_buf_append_str(&x, "<b>\"x\"</b> &amp; -- "), CD_OK);
  assert_int_equal(cd_buf_append_str(&x, "</p></body.content></body></nitf>\n"), CD_OK);
  cd_wire_options wo;
  cd_wire_options_init(&wo);
  wo.data_dir = cdt_data_dir();
  cd_wire_doc *d = NULL;
  cd_error err;
  double t0 = elapsed();
  assert_int_equal(cd_wire_parse(&wo, x.data, x.len, &d, &err), CD_OK);
  cd_normalize_options o;
  cd_normalize_options_init(&o);
  o.data_dir = cdt_data_dir();
  o.stages &= ~(unsigned)CD_STAGE_NAMES;
  cd_normalizer *nz = NULL;
  assert_int_equal(cd_normalizer_new(&o, &nz, &err), CD_OK);
  size_t records = 0;
  assert_int_equal(cd_wire_normalize(nz, d, "en", &out, count_record, &records, NULL, &err), CD_OK);
  print_message("wire: %zu bytes, %zu records: %.2f s\n", x.len, records, elapsed() - t0);
  assert_true(records >= 100000);
  assert_non_null(strstr(out.data, "<b>\xE2\x80\x9Cx\xE2\x80\x9D</b> &amp; \xE2\x80\x94 <b>"));
  cd_normalizer_free(nz);
  cd_wire_doc_free(d);
  cd_buf_free(&x);
  cd_buf_free(&out);
}

/* An HTML paragraph of megabytes with a control character (which libxml2 drops) every
 * hundred bytes: each piece libxml2 delivers is found by one walk back (decoding from every
 * possible start took 17 s for 2 MB). */
static void test_wire_html_controls(void **state) {
  (void)state;
  cd_buf x = CD_BUF_INIT, out = CD_BUF_INIT;
  enum { N = N_MARKS / 250 }; /* 40,000 pieces (8,000 under ASan) */
  assert_int_equal(cd_buf_append_str(&x, "<html><body><p>"), CD_OK);
  for (int i = 0; i < N; i++)
    assert_int_equal(
        cd_buf_append_str(&x, "a \"word\" and more words for the line to be long enough\x01 "),
        CD_OK);
  assert_int_equal(cd_buf_append_str(&x, "</p></body></html>\n"), CD_OK);
  cd_wire_options wo;
  cd_wire_options_init(&wo);
  wo.data_dir = cdt_data_dir();
  wo.format = CD_WIRE_HTML;
  cd_wire_doc *d = NULL;
  cd_error err;
  double t0 = elapsed();
  assert_int_equal(cd_wire_parse(&wo, x.data, x.len, &d, &err), CD_OK);
  assert_int_equal(cd_wire_unit_count(d), 1);
  cd_normalize_options o;
  cd_normalize_options_init(&o);
  o.data_dir = cdt_data_dir();
  o.stages &= ~(unsigned)CD_STAGE_NAMES;
  cd_normalizer *nz = NULL;
  assert_int_equal(cd_normalizer_new(&o, &nz, &err), CD_OK);
  assert_int_equal(cd_wire_normalize(nz, d, "en", &out, NULL, NULL, NULL, &err), CD_OK);
  print_message("wire html: %zu bytes: %.2f s\n", x.len, elapsed() - t0);
  assert_non_null(strstr(out.data, "<p>a \xE2\x80\x9Cword\xE2\x80\x9D and more"));
  size_t curled = 0;
  for (const char *p = out.data; (p = strstr(p, "\xE2\x80\x9Cword")); p++)
    curled++;
  assert_int_equal(curled, N);
  cd_normalizer_free(nz);
  cd_wire_doc_free(d);
  cd_buf_free(&x);
  cd_buf_free(&out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_wire_html_controls),  cmocka_unit_test(test_marks_boundary),
      cmocka_unit_test(test_marks_unicode_stage), cmocka_unit_test(test_marks_all_stages),
      cmocka_unit_test(test_tmx_many_attributes), cmocka_unit_test(test_names_long_word),
      cmocka_unit_test(test_wire_many_edits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
