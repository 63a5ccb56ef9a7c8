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

static size_t replay_dir(const char *name, int (*one)(const uint8_t *, size_t)) {
  char dir[4200];
  snprintf(dir, sizeof dir, "%s", cdt_fixture(""));
  size_t dl = strlen(dir);
  snprintf(dir + dl, sizeof dir - dl, "fuzz-regressions/%s", name);
  DIR *d = opendir(dir);
  if (!d)
    return 0;
  size_t n = 0;
  struct dirent *e;
  cd_buf data = CD_BUF_INIT;
  while ((e = readdir(d))) {
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

static void test_regressions(void **state) {
  (void)state;
  size_t n = replay_dir("decode", fuzz_decode_one) + replay_dir("normalize", fuzz_normalize_one) +
             replay_dir("check", fuzz_check_one);
  assert_true(n >= 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_regressions)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
