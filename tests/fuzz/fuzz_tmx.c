/* SPDX-License-Identifier: MIT */
/* Fuzz harness: the TMX reader. The input is written to a temporary .tmx file and imported
 * into an in-memory TM. Invariants: no crash; a failed import leaves the TM empty (one
 * transaction); when it imports, the TM exported as TMX imports into another in-memory TM
 * with the same number of units, and that export has one <tu> per unit. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cd_tmx.h"
#include "fuzz_tmpfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int64_t tmx_units(cd_tm_store *s) {
  cd_tm_stats st;
  cd_error e;
  if (cd_tm_store_stats(s, &st, NULL, NULL, &e))
    abort();
  return st.units;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *in_path, *out_path;
  if (!in_path) {
    in_path = cdf_tmp_path(".tmx");
    out_path = cdf_tmp_path("-export.tmx");
  }
  cdf_tmp_write(in_path, data, size);
  cd_tm_store_options so;
  cd_tm_store_options_init(&so);
  cd_tm_store *a = NULL, *b = NULL;
  cd_error err;
  /* :memory: stores are cheap to open; a fresh one per input keeps inputs independent */
  if (cd_tm_store_new(":memory:", &so, &a, &err) || cd_tm_store_new(":memory:", &so, &b, &err))
    abort();
  cd_tmx_import_options io;
  cd_tmx_import_options_init(&io);
  cd_tmx_counts c1 = {0};
  if (cd_tmx_import(a, in_path, &io, &c1, &err) != CD_OK) {
    if (tmx_units(a) != 0) /* the failed import was rolled back */
      abort();
  } else {
    int64_t n = tmx_units(a);
    if ((size_t)n != c1.added)
      abort();
    FILE *fp = fopen(out_path, "wb");
    if (!fp)
      abort();
    cd_tmx_export_options eo;
    cd_tmx_export_options_init(&eo);
    size_t written = 0;
    if (cd_tmx_export(a, fp, out_path, &eo, &written, &err))
      abort();
    if (fclose(fp) || written != (size_t)n)
      abort();
    cd_tmx_counts c2 = {0};
    if (cd_tmx_import(b, out_path, &io, &c2, &err))
      abort(); /* our own export must always import */
    if (tmx_units(b) != n)
      abort();
  }
  cd_tm_store_free(a);
  cd_tm_store_free(b);
  return 0;
}
