/* cli.h — shared pieces of the copydesk program: subcommand table, data directory,
 * diagnostics and safe output files. */
#ifndef CD_CLI_H
#define CD_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "cd_text.h"

/* Exit statuses (CONVENTIONS.md). */
enum { CLI_OK = 0, CLI_FINDINGS = 1, CLI_USAGE = 2 };

typedef struct cli_command {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
  const char *help; /* full help text for `copydesk help NAME` */
} cli_command;

extern const cli_command cli_normalize;
extern const cli_command cli_names;
extern const cli_command cli_segment;
extern const cli_command cli_align;
extern const cli_command cli_tm;
extern const cli_command cli_check;

/* Prints "copydesk: SUB: message" on stderr. */
void cli_error(const char *sub, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The data directory: $COPYDESK_DATA, else the build tree, else the install prefix. */
const char *cli_data_dir(void);
/* The house names overlay: the given path, else $XDG_CONFIG_HOME/copydesk/house.tsv (or
 * ~/.config/copydesk/house.tsv) when that file exists, else NULL. */
const char *cli_house_file(const char *given);
/* Reads a whole file ("-" = stdin) into out (cleared first). On failure reports
 * "copydesk: SUB: cannot open 'x': …" itself and returns CLI_USAGE; else CLI_OK. */
int cli_read_file(const char *sub, const char *path, cd_buf *out);
/* Prints a command's help on stdout. */
void cli_print_help(const cli_command *cmd);

/* An output file written safely: to a temporary file in the same directory, renamed over
 * the target only on commit, so a failure never leaves a truncated file behind. */
typedef struct cli_outfile {
  FILE *fp;
  char *path;     /* final path, NULL for stdout */
  char *tmp_path; /* temporary path */
  bool is_stdout;
} cli_outfile;

int cli_outfile_open(cli_outfile *o, const char *path, const char *sub);
/* Returns 0 on success; on failure the target is untouched. */
int cli_outfile_commit(cli_outfile *o, const char *sub);
void cli_outfile_abort(cli_outfile *o);
/* True when errno says the reader went away (EPIPE): end quietly. */
bool cli_is_broken_pipe(void);

#endif
