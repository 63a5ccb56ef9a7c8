/* Shared pieces of the copydesk program. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

void cli_error(const char *sub, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "copydesk: %s%s", sub ? sub : "", sub ? ": " : "");
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

static bool is_dir(const char *p) {
  struct stat st;
  return p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *cli_data_dir(void) {
  static char exe_rel[4200];
  const char *env = getenv("COPYDESK_DATA");
  if (env && *env)
    return env;
  if (is_dir(CD_BUILD_DATA_DIR))
    return CD_BUILD_DATA_DIR;
  if (is_dir(CD_INSTALL_DATA_DIR))
    return CD_INSTALL_DATA_DIR;
  /* A relocated install: BIN/../share/copydesk. */
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash) {
      *slash = '\0';
      snprintf(exe_rel, sizeof exe_rel, "%s/../share/copydesk", exe);
      if (is_dir(exe_rel))
        return exe_rel;
    }
  }
  return NULL;
}

void cli_print_help(const cli_command *cmd) { fputs(cmd->help, stdout); }

const char *cli_house_file(const char *given) {
  static char path[4200];
  if (given)
    return given;
  const char *x = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
  if (x && *x)
    snprintf(path, sizeof path, "%s/copydesk/house.tsv", x);
  else if (home && *home)
    snprintf(path, sizeof path, "%s/.config/copydesk/house.tsv", home);
  else
    return NULL;
  return access(path, R_OK) == 0 ? path : NULL;
}

int cli_read_file(const char *sub, const char *path, cd_buf *out) {
  bool is_stdin = strcmp(path, "-") == 0;
  FILE *fp = is_stdin ? stdin : fopen(path, "rb");
  if (!fp) {
    cli_error(sub, "cannot open '%s': %s", path, strerror(errno));
    return CLI_USAGE;
  }
  cd_buf_clear(out);
  char chunk[65536];
  size_t got;
  int rc = CLI_OK;
  while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0)
    if (cd_buf_append(out, chunk, got)) {
      cli_error(sub, "out of memory reading '%s'", path);
      rc = CLI_USAGE;
      break;
    }
  if (rc == CLI_OK && ferror(fp)) {
    cli_error(sub, "error reading '%s': %s", path, strerror(errno));
    rc = CLI_USAGE;
  }
  if (!is_stdin)
    fclose(fp);
  return rc;
}

/* True when a is a cluster of short options (-xvf) holding the letter c. */
static bool in_cluster(const char *a, int c) {
  return a && a[0] == '-' && a[1] != '-' && strchr(a + 1, c);
}

void cli_option_error(const char *sub, int c, char **argv) {
  /* In a cluster (-xv) or after a value (-l en -Zv), argv[optind - 1] is a neighbour: the
   * culprit is optopt, a letter, unless a long option was meant (optopt 0 or >= 256). */
  const char *arg = argv[optind - 1];
  bool letter =
      optopt > 0 && optopt < 256 && (in_cluster(argv[optind], optopt) || in_cluster(arg, optopt));
  const char *help = sub && strncmp(sub, "tm ", 3) == 0 ? "tm" : sub;
  if (c == ':') {
    if (letter)
      cli_error(sub, "option '-%c' needs a value", optopt);
    else
      cli_error(sub, "option '%s' needs a value", arg);
    return;
  }
  if (letter)
    cli_error(sub,
              "unknown option '-%c' (see 'copydesk help %s'; a file name that starts with '-' "
              "goes after '--')",
              optopt, help);
  else if (optopt && arg && strncmp(arg, "--", 2) == 0 && strchr(arg, '='))
    cli_error(sub, "option '%.*s' takes no value", (int)(strchr(arg, '=') - arg), arg);
  else {
    const char *eq = arg ? strchr(arg, '=') : NULL;
    cli_error(sub, "unknown option '%.*s' (see 'copydesk help %s')",
              eq ? (int)(eq - arg) : (int)strlen(arg ? arg : ""), arg ? arg : "", help);
  }
}

int cli_parse_double(const char *s, double lo, double hi, double *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  /* !(v >= lo): NaN compares false with everything, so it fails here */
  if (errno || end == s || *end || !(v >= lo && v <= hi))
    return -1;
  *out = v;
  return 0;
}

int cli_parse_long(const char *s, long lo, long hi, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < lo || v > hi)
    return -1;
  *out = v;
  return 0;
}

int cli_parse_size(const char *s, size_t lo, size_t hi, size_t *out) {
  /* strtoull takes "-1" and wraps it to the largest value: digits only */
  if (*s < '0' || *s > '9')
    return -1;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end || v < lo || v > hi)
    return -1;
  *out = (size_t)v;
  return 0;
}

int cli_tm_must_exist(const char *sub, const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) {
    cli_error(sub, "no TM at '%s': %s (create one with 'copydesk tm import' or 'tm add')", path,
              strerror(errno));
    return CLI_USAGE;
  }
  if (S_ISDIR(st.st_mode)) {
    cli_error(sub, "'%s' is a directory, not a TM", path);
    return CLI_USAGE;
  }
  if (S_ISREG(st.st_mode) && st.st_size == 0) {
    cli_error(sub, "'%s' is not a TM (empty file)", path);
    return CLI_USAGE;
  }
  return CLI_OK;
}

const char *cli_fsize_hint(const char *message) {
  static char hint[160];
  struct rlimit rl;
  /* SQLite says "disk I/O error" when a file-size limit stops it growing the TM's -shm or
   * -wal file: the limit is the cause, not the TM */
  if (!message || !strstr(message, "I/O error") || getrlimit(RLIMIT_FSIZE, &rl) != 0 ||
      rl.rlim_cur == RLIM_INFINITY)
    return "";
  snprintf(hint, sizeof hint,
           " (a file-size limit is set: ulimit -f allows %llu bytes per file, and the TM's "
           "-shm and -wal files need room)",
           (unsigned long long)rl.rlim_cur);
  return hint;
}

const char *cli_fsize_reached(FILE *fp) {
  struct rlimit rl;
  struct stat st;
  if (!fp || getrlimit(RLIMIT_FSIZE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
    return NULL;
  fflush(fp);
  if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode) || (rlim_t)st.st_size < rl.rlim_cur)
    return NULL;
  return strerror(EFBIG);
}
