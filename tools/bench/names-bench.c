/* SPDX-License-Identifier: MIT */
/* cd-names-bench DB.sqlite TRANSLIT_DIR QUERIES.txt — lookup latency of the names store in a
 * warm process: opens the database (the open time is printed: no full load), runs every
 * query (one a line) once to warm up, then again timing each cd_names_find_span call, and
 * prints open_ms, p50/p99/max in microseconds and the hit rate. Run by tools/bench/names. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cd_names.h"

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fputs("usage: cd-names-bench DB.sqlite TRANSLIT_DIR QUERIES.txt\n", stderr);
    return 2;
  }
  FILE *f = fopen(argv[3], "rb");
  if (!f) {
    perror(argv[3]);
    return 2;
  }
  char **q = NULL;
  size_t nq = 0, cap = 0;
  char *line = NULL;
  size_t lcap = 0;
  ssize_t got;
  while ((got = getline(&line, &lcap, f)) > 0) {
    while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
      line[--got] = '\0';
    if (!got)
      continue;
    if (nq == cap) {
      cap = cap ? cap * 2 : 1024;
      char **p = realloc(q, cap * sizeof *p);
      if (!p)
        return 2;
      q = p;
    }
    q[nq++] = strdup(line);
  }
  free(line);
  fclose(f);
  cd_names_options o;
  cd_names_options_init(&o);
  o.db_path = argv[1];
  o.translit_dir = argv[2];
  cd_names *db = NULL;
  cd_error err;
  double t0 = now_us();
  if (cd_names_open(&o, &db, &err)) {
    fprintf(stderr, "cd-names-bench: %s\n", err.message);
    return 2;
  }
  double open_ms = (now_us() - t0) / 1e3;
  double *lat = malloc((nq ? nq : 1) * sizeof *lat);
  size_t found = 0;
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < nq; i++) {
      cd_names_query cq = {q[i], strlen(q[i]), NULL, 0, "en", true, false};
      cd_names_hit hits[8];
      size_t n = 0, core = 0;
      bool keep = true;
      double a = now_us();
      if (cd_names_find_span(db, &cq, hits, 8, &n, &core, &keep, &err)) {
        fprintf(stderr, "cd-names-bench: %s: %s\n", q[i], err.message);
        return 2;
      }
      double b = now_us();
      if (pass == 1) {
        lat[i] = b - a;
        found += n > 0;
      }
    }
  }
  qsort(lat, nq, sizeof *lat, cmp_d);
  printf("entities=%llu queries=%zu found=%zu open_ms=%.1f lookup_p50_us=%.1f "
         "lookup_p99_us=%.1f lookup_max_us=%.1f\n",
         (unsigned long long)cd_names_count(db), nq, found, open_ms, nq ? lat[nq / 2] : 0.0,
         nq ? lat[(size_t)((double)nq * 0.99)] : 0.0, nq ? lat[nq - 1] : 0.0);
  for (size_t i = 0; i < nq; i++)
    free(q[i]);
  free(q);
  free(lat);
  cd_names_free(db);
  return 0;
}
