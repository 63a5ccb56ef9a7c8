/* copydesk — the command-line program: subcommand dispatch, --help, --version. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const cli_command *const commands[] = {&cli_normalize, &cli_names, &cli_segment,
                                              &cli_align,     &cli_tm,    &cli_check};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *out) {
  fputs("usage: copydesk [--version] [--help] SUBCOMMAND [options] [FILE...]\n\n"
        "An offline copy desk for multilingual news text.\n\nSubcommands:\n",
        out);
  for (size_t i = 0; i < N_COMMANDS; i++)
    fprintf(out, "  %-11s %s\n", commands[i]->name, commands[i]->summary);
  fputs("\n'copydesk help SUBCOMMAND' (or 'copydesk SUBCOMMAND --help') explains one.\n"
        "Exit status: 0 ok, 1 findings (check), 2 usage or input error.\n",
        out);
}

static const cli_command *find(const char *name) {
  for (size_t i = 0; i < N_COMMANDS; i++)
    if (strcmp(commands[i]->name, name) == 0)
      return commands[i];
  return NULL;
}

int main(int argc, char **argv) {
  /* A closed pipe is an ordinary end for a filter: write() reports EPIPE, we stop quietly. */
  signal(SIGPIPE, SIG_IGN);
  /* Past a file-size limit, write() then fails with EFBIG and the temporary output is
   * removed, instead of the process dying with a half-written temporary left behind. */
  signal(SIGXFSZ, SIG_IGN);
  if (argc < 2) {
    usage(stderr);
    return CLI_USAGE;
  }
  const char *sub = argv[1];
  if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
    usage(stdout);
    return CLI_OK;
  }
  if (strcmp(sub, "--version") == 0) {
    printf("copydesk %s\n", CD_VERSION);
    return CLI_OK;
  }
  if (strcmp(sub, "help") == 0) {
    if (argc < 3) {
      usage(stdout);
      return CLI_OK;
    }
    const cli_command *c = find(argv[2]);
    if (!c) {
      cli_error(NULL, "no such subcommand '%s' (see 'copydesk --help')", argv[2]);
      return CLI_USAGE;
    }
    cli_print_help(c);
    return CLI_OK;
  }
  const cli_command *c = find(sub);
  if (!c) {
    cli_error(NULL, "no such subcommand '%s' (see 'copydesk --help')", sub);
    return CLI_USAGE;
  }
  return c->run(argc - 1, argv + 1);
}
