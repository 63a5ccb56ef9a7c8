/* SPDX-License-Identifier: MIT */
/* cd-names-compile OUT.sqlite TRANSLIT_DIR FILE.tsv... — compiles the names sources (build
 * step; `copydesk names compile` does the same for users). */
#include <stdio.h>

#include "cd_names.h"

int main(int argc, char **argv) {
  if (argc < 4) {
    fputs("usage: cd-names-compile OUT.sqlite TRANSLIT_DIR FILE.tsv...\n", stderr);
    return 2;
  }
  cd_error err;
  cd_error_clear(&err);
  if (cd_names_compile((const char *const *)argv + 3, (size_t)(argc - 3), argv[2], argv[1], &err)) {
    fprintf(stderr, "cd-names-compile: %s\n", err.message);
    return 2;
  }
  return 0;
}
