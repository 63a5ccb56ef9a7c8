/* SPDX-License-Identifier: MIT */
/* Every input a fuzzer ever crashed on, kept under tests/fixtures/fuzz-regressions/HARNESS/,
 * runs again through the harness itself (its invariants abort on failure), in the normal
 * and the sanitizer builds. */
#include "cd_test.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#define CD_FUZZ_DATA_DIR "."
#define LLVMFuzzerTestOneInput fuzz_decode_one
#include "../fuzz/fuzz_decode.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_normalize_one
#define count_lf count_lf_normalize
#include "../fuzz/fuzz_normalize.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_check_one
#include "../fuzz/fuzz_check.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_tmx_one
#include "../fuzz/fuzz_tmx.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_names_tsv_one
#include "../fuzz/fuzz_names_tsv.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_names_lookup_one
#include "../fuzz/fuzz_names_lookup.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_wikidata_one
#include "../fuzz/fuzz_wikidata.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_segment_one
#include "../fuzz/fuzz_segment.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_align_one
#include "../fuzz/fuzz_align.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_wire_one
#include "../fuzz/fuzz_wire.c"
#undef LLVMFuzzerTestOneInput

/* Replays the files of tests/fixtures/<sub>/<name> (at most max of them, in directory order). */
static size_t replay_files(const char *sub, const char *name, size_t max,
                           int (*one)(const uint8_t *, size_t)) {
  char dir[4200];
  snprintf(dir, sizeof dir, "%s", cdt_fixture(""));
  size_t dl = strlen(dir);
  snprintf(dir + dl, sizeof dir - dl, "%s/%s", sub, name);
  DIR *d = opendir(dir);
  if (!d)
    return 0;
  size_t n = 0;
  struct dirent *e;
  cd_buf data = CD_BUF_INIT;
  while (n < max && (e = readdir(d))) {
    if (e->d_name[0] == '.')
      continue;
    char path[4500];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    cdt_read_file(path, &data);
    assert_int_equal(one((const uint8_t *)cd_buf_at(&data, 0), data.len), 0);
    n++;
  }
  closedir(d);
  cd_buf_free(&data);
  return n;
}

static size_t replay_dir(const char *name, int (*one)(const uint8_t *, size_t)) {
  return replay_files("fuzz-regressions", name, SIZE_MAX, one);
}

/* The first few seeds of a committed corpus (tests/fuzz/corpus/<name>): the harness code
 * itself, with its invariants, runs in every build, not only under libFuzzer. */
static size_t replay_corpus(const char *name, int (*one)(const uint8_t *, size_t)) {
  char sub[64];
  snprintf(sub, sizeof sub, "../fuzz/corpus");
  return replay_files(sub, name, 25, one);
}

static void test_regressions(void **state) {
  (void)state;
  size_t n = replay_dir("decode", fuzz_decode_one) + replay_dir("normalize", fuzz_normalize_one) +
             replay_dir("check", fuzz_check_one) + replay_dir("tmx", fuzz_tmx_one) +
             replay_dir("names_tsv", fuzz_names_tsv_one) +
             replay_dir("names_lookup", fuzz_names_lookup_one) +
             replay_dir("wikidata", fuzz_wikidata_one) + replay_dir("segment", fuzz_segment_one) +
             replay_dir("align", fuzz_align_one) + replay_dir("wire", fuzz_wire_one);
  assert_true(n >= 1);
}

static void test_corpus_seeds(void **state) {
  (void)state;
  assert_true(replay_corpus("tmx", fuzz_tmx_one) >= 3);
  assert_true(replay_corpus("names_tsv", fuzz_names_tsv_one) >= 3);
  assert_true(replay_corpus("names_lookup", fuzz_names_lookup_one) >= 3);
  assert_true(replay_corpus("segment", fuzz_segment_one) >= 3);
  assert_true(replay_corpus("wikidata", fuzz_wikidata_one) >= 3);
  assert_true(replay_corpus("align", fuzz_align_one) >= 3);
  assert_true(replay_corpus("wire", fuzz_wire_one) >= 3);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_regressions),
                                     cmocka_unit_test(test_corpus_seeds)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
