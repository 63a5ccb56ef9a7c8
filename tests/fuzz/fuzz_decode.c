/* SPDX-License-Identifier: MIT */
/* Fuzz harness: raw bytes → decode stage only. Invariants: the output is well-formed UTF-8,
 * and the change log replays over the input to the output. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cd_normalize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cd_normalize_options o;
  cd_normalize_options_init(&o);
  o.stages = CD_STAGE_DECODE;
  o.lang = "en";
  o.window = 300; /* small windows exercise the long-line path */
  cd_buf out = CD_BUF_INIT, log = CD_BUF_INIT, replayed = CD_BUF_INIT;
  cd_error err;
  if (cd_normalize_buffer(&o, (const char *)data, size, &out, &log, NULL, &err) == CD_OK) {
    if (!cd_utf8_is_valid(out.data ? out.data : "", out.len))
      abort();
    if (cd_change_log_replay((const char *)data, size, log.data ? log.data : "", log.len, &replayed,
                             &err) != CD_OK)
      abort();
    if (replayed.len != out.len || (out.len && memcmp(replayed.data, out.data, out.len)))
      abort();
  }
  cd_buf_free(&out);
  cd_buf_free(&log);
  cd_buf_free(&replayed);
  return 0;
}
