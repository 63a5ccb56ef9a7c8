/* SPDX-License-Identifier: MIT */
/* Fuzz harness: the dicts/names TSV source parser and compiler. The input is one source
 * file compiled into a temporary names.sqlite. Invariants: no crash; an error carries a
 * message; a compiled database opens. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cd_names.h"
#include "fuzz_tmpfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *src, *db;
  static char translit[4096];
  if (!src) {
    src = cdf_tmp_path(".tsv");
    db = cdf_tmp_path(".sqlite");
    snprintf(translit, sizeof translit, "%s/translit", cdf_data_dir());
  }
  cdf_tmp_write(src, data, size);
  cd_error err;
  err.message[0] = '\0';
  const char *paths[] = {src};
  if (cd_names_compile(paths, 1, translit, db, &err) != CD_OK) {
    if (!err.message[0])
      abort();
    return 0;
  }
  cd_names_options o;
  cd_names_options_init(&o);
  o.db_path = db;
  o.translit_dir = translit;
  cd_names *n = NULL;
  if (cd_names_open(&o, &n, &err))
    abort();
  cd_names_free(n);
  return 0;
}
