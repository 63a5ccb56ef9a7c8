/* SPDX-License-Identifier: MIT */
/* copydesk tm migrate — copies a TM between SQLite files and PostgreSQL databases. Its options
 * (--from, --to, --busy-timeout) are in cmd_tm.c's table, parsed there. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cd_tm_store.h"
#include "cli.h"
#include "cli_glue.h"

#define SUB "tm migrate"

typedef struct progress {
  bool tty;
  time_t last;
} progress;

static void show_progress(void *ud, int64_t done, int64_t total) {
  progress *p = ud;
  time_t now = time(NULL);
  if (!p->tty || (now == p->last && done < total))
    return;
  p->last = now;
  fprintf(stderr, "\r%s: %lld of %lld units", SUB, (long long)done, (long long)total);
  if (done >= total)
    fputc('\n', stderr);
}

static int open_store(const char *where, bool read_only, long busy_ms, cd_tm_store **out) {
  if (read_only && cli_tm_must_exist(SUB, where))
    return CLI_USAGE;
  cd_tm_store_options o;
  cd_tm_store_options_init(&o);
  o.read_only = read_only;
  if (busy_ms >= 0)
    o.busy_timeout_ms = (int)busy_ms;
  cd_error err;
  cd_error_clear(&err);
  if (cd_tm_store_new(where, &o, out, &err)) {
    cli_error(SUB, "%s", err.message);
    return CLI_USAGE;
  }
  return CLI_OK;
}

int cli_tm_migrate(const char *from, const char *to, long busy_ms, int nrest) {
  if (!from || !to || nrest > 0) {
    cli_error(SUB, "give --from TM and --to TM, nothing else (see 'copydesk tm --help')");
    return CLI_USAGE;
  }
  if (strcmp(from, to) == 0) {
    cli_error(SUB, "--from and --to are the same TM");
    return CLI_USAGE;
  }
  cd_tm_store *src = NULL, *dst = NULL;
  int rc = open_store(from, true, busy_ms, &src);
  if (!rc)
    rc = open_store(to, false, busy_ms, &dst);
  if (!rc) {
    progress p = {isatty(2) == 1, 0};
    cd_tm_add_counts k;
    cd_error err;
    cd_error_clear(&err);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (cd_tm_store_copy(src, dst, show_progress, &p, &k, &err)) {
      if (p.tty && p.last)
        fputc('\n', stderr);
      cli_error(SUB, "%s (the target was left as it was)", err.message);
      rc = CLI_USAGE;
    } else {
      clock_gettime(CLOCK_MONOTONIC, &t1);
      double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
      fprintf(stderr,
              "copydesk: %s: %zu units added, %zu merged with existing ones, %zu skipped "
              "(%.2f s)\n",
              SUB, k.added, k.merged, k.skipped, secs);
    }
  }
  cd_tm_store_free(src);
  cd_tm_store_free(dst);
  return rc;
}
