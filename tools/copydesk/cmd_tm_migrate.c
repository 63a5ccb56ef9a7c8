/* SPDX-License-Identifier: MIT */
/* copydesk tm migrate — copies a TM between SQLite files and PostgreSQL databases. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cd_tm_store.h"
#include "cli.h"
#include "cli_glue.h"

#define SUB "tm migrate"

static const char help[] =
    "usage: copydesk tm migrate --from TM --to TM [--busy-timeout MS]\n"
    "\n"
    "Copies every unit of one TM into another: a SQLite file into a PostgreSQL database\n"
    "(postgresql://USER@HOST/DB, any libpq URL), back, or file to file. The target is created\n"
    "when missing and written in one transaction: an error leaves it as it was. Units the\n"
    "target already holds are merged as 'tm import' merges them (usage counts add up).\n"
    "Progress on stderr when it is a terminal.\n"
    "\n"
    "Options:\n"
    "      --from TM            the TM to read (a file or a PostgreSQL URL)\n"
    "      --to TM              the TM to write\n"
    "      --busy-timeout MS    wait up to MS for another writer (default 5000)\n"
    "  -h, --help               this help\n"
    "\n"
    "Exit status: 0 ok; 2 usage, input or database error.\n";

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

int cli_tm_migrate(int argc, char **argv) {
  enum { OPT_FROM = 256, OPT_TO, OPT_BUSY };
  static const struct option longopts[] = {{"from", required_argument, NULL, OPT_FROM},
                                           {"to", required_argument, NULL, OPT_TO},
                                           {"busy-timeout", required_argument, NULL, OPT_BUSY},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
  const char *from = NULL, *to = NULL;
  long busy_ms = -1;
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
    switch (c) {
    case OPT_FROM: from = optarg; break;
    case OPT_TO: to = optarg; break;
    case OPT_BUSY:
      if (cli_parse_long(optarg, 0, 3600000, &busy_ms)) {
        cli_error(SUB, "--busy-timeout wants milliseconds, not '%s'", optarg);
        return CLI_USAGE;
      }
      break;
    case 'h': fputs(help, stdout); return CLI_OK;
    default: cli_option_error(SUB, c, argv); return CLI_USAGE;
    }
  }
  if (!from || !to || optind < argc) {
    cli_error(SUB, "give --from TM and --to TM, nothing else (see 'copydesk tm migrate --help')");
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
