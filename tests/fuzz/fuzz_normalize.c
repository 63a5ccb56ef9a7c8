/* SPDX-License-Identifier: MIT */
/* Fuzz harness: the whole normalize pipeline, every stage on (names with the shipped
 * dictionary). The first byte picks the language. Invariants: output is well-formed UTF-8; the
 * change log replays to the output; without the boilerplate stage the line count is kept (for
 * ASCII-compatible charsets). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cd_normalize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t count_lf(const char *s, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    k += s[i] == '\n';
  return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const langs[] = {"en", "fr", "de", "uk", "ru", NULL};
  if (size < 1)
    return 0;
  /* Two normalizers live for the whole run, as in a batch: stages open once per language
   * and are reset per document (which the fuzzer thereby checks too). */
  static cd_normalizer *all, *lines;
  bool keep_lines = data[0] & 0x80;
  cd_normalizer **nz = keep_lines ? &lines : &all;
  if (!*nz) {
    cd_normalize_options o;
    cd_normalize_options_init(&o);
    o.data_dir = getenv("COPYDESK_DATA") ? getenv("COPYDESK_DATA") : CD_FUZZ_DATA_DIR;
    o.window = 512;
    if (keep_lines)
      o.stages &= ~(unsigned)CD_STAGE_BOILERPLATE;
    cd_error e;
    if (cd_normalizer_new(&o, nz, &e))
      abort();
  }
  const char *in = (const char *)data + 1;
  size_t len = size - 1;
  cd_buf out = CD_BUF_INIT, log = CD_BUF_INIT, replayed = CD_BUF_INIT;
  cd_error err;
  cd_normalize_report rep;
  if (cd_normalizer_buffer(*nz, "fuzz", langs[data[0] % 6], in, len, &out, &log, &rep, &err) ==
      CD_OK) {
    if (!cd_utf8_is_valid(out.data ? out.data : "", out.len))
      abort();
    if (cd_change_log_replay(in, len, log.data ? log.data : "", log.len, &replayed, &err) != CD_OK)
      abort();
    if (replayed.len != out.len || (out.len && memcmp(replayed.data, out.data, out.len)))
      abort();
    /* Raw LF bytes are lines only in ASCII-compatible charsets (not UTF-16/32). */
    bool wide = strncmp(rep.charset, "UTF-16", 6) == 0 || strncmp(rep.charset, "UTF-32", 6) == 0;
    if (keep_lines && !wide && count_lf(out.data ? out.data : "", out.len) != count_lf(in, len))
      abort();
  }
  cd_buf_free(&out);
  cd_buf_free(&log);
  cd_buf_free(&replayed);
  return 0;
}
