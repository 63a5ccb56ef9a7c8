/* SPDX-License-Identifier: MIT */
/* fuzz_tmpfile.h — helpers shared by the harnesses that hand their input to a function
 * reading a file: one temporary file per harness process, rewritten for each input and
 * removed at exit. Included by several harnesses into one translation unit in
 * tests/regress/test_fuzz_inputs.c, hence the guard and the cdf_ prefix. */
#ifndef CD_FUZZ_TMPFILE_H
#define CD_FUZZ_TMPFILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CDF_MAX_TMP 16
static char cdf_tmp_paths[CDF_MAX_TMP][4200];
static int cdf_tmp_count;

__attribute__((unused)) static void cdf_tmp_cleanup(void) {
  for (int i = 0; i < cdf_tmp_count; i++)
    unlink(cdf_tmp_paths[i]);
}

/* A fresh temporary path ending in suffix (the file exists, empty); abort on failure. */
__attribute__((unused)) static const char *cdf_tmp_path(const char *suffix) {
  if (cdf_tmp_count == CDF_MAX_TMP)
    abort();
  char *p = cdf_tmp_paths[cdf_tmp_count];
  const char *dir = getenv("TMPDIR");
  snprintf(p, sizeof cdf_tmp_paths[0], "%s/copydesk-fuzz-XXXXXX%s", dir && *dir ? dir : "/tmp",
           suffix);
  int fd = mkstemps(p, (int)strlen(suffix));
  if (fd < 0)
    abort();
  close(fd);
  if (cdf_tmp_count++ == 0)
    atexit(cdf_tmp_cleanup);
  return p;
}

/* Replaces the content of path with data; abort on failure. */
__attribute__((unused)) static void cdf_tmp_write(const char *path, const uint8_t *data,
                                                  size_t size) {
  FILE *fp = fopen(path, "wb");
  if (!fp || (size && fwrite(data, 1, size, fp) != size) || fclose(fp))
    abort();
}

__attribute__((unused)) static const char *cdf_data_dir(void) {
  const char *d = getenv("COPYDESK_DATA");
  return d && *d ? d : CD_FUZZ_DATA_DIR;
}

#endif
