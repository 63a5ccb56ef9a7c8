/* SPDX-License-Identifier: MIT */
/* The option tables of the subcommands: getopt_long's arrays and the options part of --help. */
#include "cli_opts.h"

#include <string.h>

void cli_getopt_build(const cli_opt *table, cli_getopt *g) {
  size_t n = 0, s = 0;
  g->shortopts[s++] = ':';
  for (const cli_opt *o = table; o->name && n < CLI_OPTS_MAX; o++, n++) {
    g->longopts[n] =
        (struct option){o->name, o->arg ? required_argument : no_argument, NULL, o->id};
    if (o->short_name) {
      g->shortopts[s++] = (char)o->short_name;
      if (o->arg)
        g->shortopts[s++] = ':';
    }
  }
  g->longopts[n] = (struct option){NULL, 0, NULL, 0};
  g->shortopts[s] = '\0';
}

/* "  -l, --lang LANG" or "      --from CHARSET"; returns the width written. */
static int print_label(FILE *out, const cli_opt *o) {
  int w;
  if (o->short_name)
    w = fprintf(out, "  -%c, --%s", o->short_name, o->name);
  else
    w = fprintf(out, "      --%s", o->name);
  if (o->arg)
    w += fprintf(out, " %s", o->arg);
  return w;
}

void cli_opts_print(FILE *out, const cli_opt *table, int col) {
  for (const cli_opt *o = table; o->name; o++) {
    int w = print_label(out, o);
    if (w >= col) { /* no room: the help starts on the next line */
      fputc('\n', out);
      w = 0;
    }
    const char *h = o->help;
    for (;;) {
      const char *nl = strchr(h, '\n');
      size_t len = nl ? (size_t)(nl - h) : strlen(h);
      fprintf(out, "%*s%.*s\n", col - w, "", (int)len, h);
      if (!nl)
        break;
      h = nl + 1;
      w = 0;
    }
  }
}

void cli_print_version(void) { printf("copydesk %s\n", CD_VERSION); }
