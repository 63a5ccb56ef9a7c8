/* SPDX-License-Identifier: MIT */
/* One normalizer over many documents (check, eval filters, fuzzing) gives each document what
 * a fresh one would: stages are reused per language and told when a new document begins. */
#include "cd_test.h"

#include <string.h>

#include "cd_normalize.h"

static void fresh(const char *in, const char *lang, cd_buf *out) {
  cd_normalize_options o;
  cd_normalize_options_init(&o);
  o.data_dir = cdt_data_dir();
  o.lang = lang;
  cd_error err;
  cd_buf_clear(out);
  assert_int_equal(cd_normalize_buffer(&o, in, strlen(in), out, NULL, NULL, &err), CD_OK);
}

static void test_reuse_matches_fresh(void **state) {
  (void)state;
  static const char *const docs[][2] = {
      {"The council met.\nShare:\n", "en"},             /* ends with a deletion */
      {"\n\nLater, the mayor spoke.\n", "en"},          /* blank lines the author wrote */
      {"```\nraw \"code\" -- here\n", "en"},            /* ends inside a fenced block */
      {"He said \"yes\" -- twice.\n", "en"},            /* prose again */
      {"Il a dit \"oui\" : c'est fait.\n", "fr"},       /* another language's stages */
      {"Sebastien Lecorne spoke in Kiev.\n", "en"},     /* a full mention... */
      {"Then Lecorne left.\n", "en"},                   /* ...does not carry over */
      {"\xCF\xF0\xE5\xE7\xE8\xE4\xE5\xED\xF2\n", NULL}, /* cp1251, detected */
  };
  cd_normalize_options o;
  cd_normalize_options_init(&o);
  o.data_dir = cdt_data_dir();
  cd_normalizer *nz = NULL;
  cd_error err;
  assert_int_equal(cd_normalizer_new(&o, &nz, &err), CD_OK);
  cd_buf a = CD_BUF_INIT, b = CD_BUF_INIT, ch = CD_BUF_INIT;
  for (int round = 0; round < 2; round++)
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
      const char *in = docs[i][0];
      cd_normalize_report rep;
      cd_buf_clear(&a);
      cd_buf_clear(&ch);
      assert_int_equal(
          cd_normalizer_buffer(nz, "doc.txt", docs[i][1], in, strlen(in), &a, &ch, &rep, &err),
          CD_OK);
      fresh(in, docs[i][1], &b);
      if (a.len != b.len || memcmp(cd_buf_at(&a, 0), cd_buf_at(&b, 0), a.len) != 0)
        fail_msg("document %zu: reused gave [%s], fresh gave [%s]", i, cd_buf_at(&a, 0),
                 cd_buf_at(&b, 0));
      /* stream offsets start again at 0 for every document: the log replays */
      cd_buf replay = CD_BUF_INIT;
      assert_int_equal(
          cd_change_log_replay(in, strlen(in), cd_buf_at(&ch, 0), ch.len, &replay, &err), CD_OK);
      assert_int_equal(replay.len, a.len);
      cd_buf_free(&replay);
    }
  cd_normalizer_free(nz);
  cd_normalizer_free(NULL);
  cd_buf_free(&a);
  cd_buf_free(&b);
  cd_buf_free(&ch);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_reuse_matches_fresh)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
