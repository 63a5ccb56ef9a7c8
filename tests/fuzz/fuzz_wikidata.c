/* SPDX-License-Identifier: MIT */
/* Fuzz harness: the Wikidata entity JSON and JRC-Names importers. The input is written to
 * a temporary file and read by both (first byte bit 0: keep_all for Wikidata). Invariants:
 * no crash; output (TSV rows in the dicts/names format) is valid UTF-8 and made of whole
 * lines. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cd_names.h"
#include "fuzz_tmpfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static cd_status wikidata_sink(void *ud, const char *p, size_t n, cd_error *err) {
  return cd_buf_append(ud, p, n) ? cd_error_set(err, CD_ERR_NOMEM, "out of memory") : CD_OK;
}

static void wikidata_check(const cd_buf *out) {
  if (!cd_utf8_is_valid(out->data ? out->data : "", out->len))
    abort();
  if (out->len && out->data[out->len - 1] != '\n')
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *path;
  if (!path)
    path = cdf_tmp_path(".json");
  if (size < 1)
    return 0;
  cdf_tmp_write(path, data + 1, size - 1);
  cd_buf out = CD_BUF_INIT;
  cd_names_import_stats st;
  cd_error err;
  if (cd_names_import_wikidata(path, data[0] & 1, wikidata_sink, &out, &st, &err) == CD_OK)
    wikidata_check(&out);
  out.len = 0;
  if (cd_names_import_jrc(path, wikidata_sink, &out, &st, &err) == CD_OK)
    wikidata_check(&out);
  cd_buf_free(&out);
  return 0;
}
