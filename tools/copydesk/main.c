/* SPDX-License-Identifier: MIT */
/* copydesk — the command-line program: subcommand dispatch, --help, --version. */
#include <malloc.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli.h"

#if defined(__SANITIZE_ADDRESS__)
#define CD_OWN_ALLOCATOR 1 /* ASan's allocator: glibc's malloc tunables do not apply */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CD_OWN_ALLOCATOR 1
#endif
#endif

/* Transparent huge pages for the heap. Dictionaries (hunspell), SQLite's page cache and the
 * lookup caches fill tens of MB of heap one 4 KB page fault at a time, and where a page fault
 * is dear (a virtual machine) that is a tenth of a names run. glibc's own switch
 * (GLIBC_TUNABLES=glibc.malloc.hugetlb=1) is read only at program start; this does the same
 * from inside: the heap grows by 64 MB of address space at a time (untouched pages cost
 * nothing), and the heap is marked MADV_HUGEPAGE. Advice only: a kernel with THP off, a
 * refusal or a missing /proc leave the ordinary heap. Not under AddressSanitizer, whose
 * allocator has no such heap, nor when GLIBC_TUNABLES says glibc.malloc.hugetlb=0. */
static void heap_huge_pages(void) {
#ifndef CD_OWN_ALLOCATOR
  const char *t = getenv("GLIBC_TUNABLES");
  if (t && strstr(t, "glibc.malloc.hugetlb=0"))
    return; /* the user's word: no huge pages for malloc */
  if (mallopt(M_TOP_PAD, 64 << 20) != 1)
    return;
  /* blocks under the mmap threshold until the heap grows (by the pad), then freed */
  void *blocks[64];
  int nb = 0;
  void *end = sbrk(0);
  while (nb < 64 && sbrk(0) == end && (blocks[nb] = malloc(96 << 10)))
    nb++;
  while (nb > 0)
    free(blocks[--nb]);
  FILE *f = fopen("/proc/self/maps", "r");
  if (!f)
    return;
  char line[512];
  uintptr_t lo = 0, hi = 0;
  while (fgets(line, sizeof line, f))
    if (strstr(line, "[heap]")) {
      unsigned long a, b;
      if (sscanf(line, "%lx-%lx", &a, &b) == 2)
        lo = a, hi = b;
      break;
    }
  fclose(f);
  const uintptr_t huge = (uintptr_t)2 << 20;
  lo = (lo + huge - 1) & ~(huge - 1);
  if (hi > lo)
    (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#endif
}

static const cli_command *const commands[] = {&cli_normalize, &cli_names, &cli_segment, &cli_align,
                                              &cli_tm,        &cli_check, &cli_serve};
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

/* Runs the command line; main closes standard output after it. */
static int dispatch(int argc, char **argv) {
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
    cli_print_version();
    return CLI_OK;
  }
  if (strcmp(sub, "--dump-options") == 0) /* hidden: the build's man pages and completions */
    return cli_dump_options(argc - 2, argv + 2, commands, N_COMMANDS);
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
    cli_print_help(c, stdout);
    return CLI_OK;
  }
  const cli_command *c = find(sub);
  if (!c) {
    cli_error(NULL, "no such subcommand '%s' (see 'copydesk --help')", sub);
    return CLI_USAGE;
  }
  return c->run(argc - 1, argv + 1);
}

int main(int argc, char **argv) {
  /* First of all: no file we open may become standard input, output or error. */
  cli_std_fds();
  heap_huge_pages();
  /* A closed pipe is an ordinary end for a filter: write() reports EPIPE, we stop quietly
   * with the status of what was done (docs/reliability.md). */
  signal(SIGPIPE, SIG_IGN);
  /* Past a file-size limit, write() then fails with EFBIG and the temporary output is
   * removed, instead of the process dying with a half-written temporary left behind. */
  signal(SIGXFSZ, SIG_IGN);
  cli_cleanup_on_signals();
  int rc = dispatch(argc, argv);
  /* Every command's standard output is checked here, once: a full disk or a closed
   * descriptor is exit 2 with a message; a reader that went away is quiet. */
  return cli_close_stdout(argc >= 2 && find(argv[1]) ? argv[1] : NULL, rc);
}
