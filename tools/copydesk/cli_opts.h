/* SPDX-License-Identifier: MIT */
/* cli_opts.h — one option table per subcommand: it drives getopt_long, the options part of
 * --help, the man pages' OPTIONS section and the shell completions (copydesk --dump-options). */
#ifndef CD_CLI_OPTS_H
#define CD_CLI_OPTS_H

#include <getopt.h>
#include <stdio.h>

/* The id every table gives --version (getopt_long returns it): print the version, exit 0. */
enum { CLI_OPT_VERSION = 0x7000 };

typedef struct cli_opt {
  const char *name; /* the long name, without "--" */
  int short_name;   /* 'l' for -l, 0 for none */
  const char *arg;  /* the argument's name in help ("LANG"), NULL for a switch */
  int id;           /* what getopt_long returns for it */
  const char *help; /* the description; '\n' starts a new help line */
  /* what completes the argument: "text|json" (the words), "@file", "@dir", NULL (nothing) */
  const char *values;
} cli_opt;

/* A command's table ends with an entry whose name is NULL. */
#define CLI_OPT_END                                                                                \
  { NULL, 0, NULL, 0, NULL, NULL }
#define CLI_OPT_HELP                                                                               \
  { "help", 'h', NULL, 'h', "this help", NULL }
#define CLI_OPT_VERSION_ENTRY                                                                      \
  { "version", 0, NULL, CLI_OPT_VERSION, "print copydesk's version and exit", NULL }

/* --names-db, the same in every command that uses the names store (cli_set_names_db). */
#define CLI_OPT_NAMES_DB(id)                                                                       \
  {                                                                                                \
    "names-db", 0, "URL|PATH", (id),                                                               \
        "the names store: a names.sqlite file or a postgresql:// URL\n"                            \
        "(default $COPYDESK_NAMES_DB, else DATA/names.sqlite)",                                    \
        "@file"                                                                                    \
  }

/* The getopt_long arrays built from a table (at most CLI_OPTS_MAX options). */
#define CLI_OPTS_MAX 48
typedef struct cli_getopt {
  struct option longopts[CLI_OPTS_MAX + 1];
  char shortopts[2 * CLI_OPTS_MAX + 2];
} cli_getopt;

/* Fills g from the table: a leading ':' (missing arguments are reported as ':'), then each
 * short option with ':' when it takes an argument. */
void cli_getopt_build(const cli_opt *table, cli_getopt *g);
/* Prints the table as the "Options:" lines of --help, the help text starting at column col. */
void cli_opts_print(FILE *out, const cli_opt *table, int col);
/* Prints "copydesk VERSION" on stdout (copydesk --version, copydesk SUB --version). */
void cli_print_version(void);

#endif
