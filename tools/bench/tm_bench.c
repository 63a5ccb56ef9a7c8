/* SPDX-License-Identifier: MIT */
/* tm_bench TMX|- TM.sqlite QUERIES.txt — the TM benchmark through the library API, in one
 * warm process: TMX import speed (units/s) into a fresh TM, then fuzzy lookup latency (p50,
 * p99, max) over the queries (one a line). With '-' instead of a TMX, only the lookups run
 * on the existing TM. Prints the figures; exit 2 on error. Built from bench.cmake. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cd_fuzzy.h"
#include "cd_tm_store.h"
#include "cd_tmx.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int by_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: tm_bench FILE.tmx TM.sqlite QUERIES.txt\n");
    return 2;
  }
  const char *tmx = argv[1], *tm = argv[2], *queries = argv[3];
  cd_error err;
  cd_error_clear(&err);
  cd_tm_store *s = NULL;
  bool import = strcmp(tmx, "-") != 0;
  if (import) {
    unlink(tm);
    char aux[4200];
    snprintf(aux, sizeof aux, "%s-wal", tm);
    unlink(aux);
    snprintf(aux, sizeof aux, "%s-shm", tm);
    unlink(aux);
  }
  if (cd_tm_store_new(tm, NULL, &s, &err)) {
    fprintf(stderr, "tm_bench: %s\n", err.message);
    return 2;
  }
  cd_tmx_counts c;
  double t0 = now();
  if (import && cd_tmx_import(s, tmx, NULL, &c, &err)) {
    fprintf(stderr, "tm_bench: %s\n", err.message);
    cd_tm_store_free(s);
    return 2;
  }
  double t1 = now();
  size_t units = c.added + c.merged;
  if (import)
    printf("import: %zu units (%zu added, %zu merged) in %.2f s = %.0f units/s\n", units, c.added,
           c.merged, t1 - t0, (double)units / (t1 - t0));

  FILE *q = fopen(queries, "r");
  if (!q) {
    perror(queries);
    cd_tm_store_free(s);
    return 2;
  }
  double *lat = NULL;
  size_t n = 0, cap = 0, hits = 0, adapted = 0;
  char *line = NULL;
  size_t lcap = 0;
  ssize_t len;
  cd_fuzzy_options o;
  cd_fuzzy_options_init(&o);
  o.src_lang = "en";
  o.tgt_lang = "fr";
  while ((len = getline(&line, &lcap, q)) > 0) {
    if (line[len - 1] == '\n')
      line[--len] = '\0';
    if (!len)
      continue;
    cd_fuzzy_results *r = NULL;
    double a = now();
    if (cd_fuzzy_lookup(s, line, (size_t)len, &o, &r, &err)) {
      fprintf(stderr, "tm_bench: lookup: %s\n", err.message);
      break;
    }
    double b = now();
    if (cd_fuzzy_results_count(r)) {
      hits++;
      adapted += cd_fuzzy_results_get(r, 0)->adapted;
    }
    cd_fuzzy_results_free(r);
    if (n == cap) {
      cap = cap ? cap * 2 : 1024;
      lat = realloc(lat, cap * sizeof *lat);
      if (!lat)
        return 2;
    }
    lat[n++] = (b - a) * 1000.0;
  }
  free(line);
  fclose(q);
  cd_tm_store_free(s);
  if (!n) {
    fprintf(stderr, "tm_bench: no queries\n");
    return 2;
  }
  qsort(lat, n, sizeof *lat, by_double);
  double sum = 0;
  for (size_t i = 0; i < n; i++)
    sum += lat[i];
  printf("lookup: %zu queries, %zu with a match >= 70%% (%zu adapted); mean %.2f ms, p50 %.2f "
         "ms, p99 %.2f ms, max %.2f ms\n",
         n, hits, adapted, sum / (double)n, lat[n / 2], lat[(size_t)((double)n * 0.99)],
         lat[n - 1]);
  free(lat);
  return 0;
}
