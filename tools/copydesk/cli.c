/* SPDX-License-Identifier: MIT */
/* Shared pieces of the copydesk program. */
#include "cli.h"
#include "cd_check.h"
#include "cd_lang.h"
#include "cd_lines.h"
#include "cd_tm_store.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
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

/* The directory of the running binary (resolved: no symlinks); false when unknown. */
static bool exe_dir(char *out, size_t cap) {
  ssize_t n = readlink("/proc/self/exe", out, cap - 1);
  if (n <= 0 || (size_t)n >= cap - 1)
    return false;
  out[n] = '\0';
  char *slash = strrchr(out, '/');
  if (!slash)
    return false;
  *slash = '\0';
  return true;
}

/* The data directory: $COPYDESK_DATA; the build tree's data only for the binary the build
 * tree made (a developer's run: an installed copy never reads the build tree); else the
 * installation's, PREFIX/share/copydesk beside the running PREFIX/bin/copydesk (a relocated
 * install, a DESTDIR staging) or the prefix it was configured with. */
const char *cli_data_dir(void) {
  static char exe_rel[4200];
  const char *env = getenv("COPYDESK_DATA");
  if (env && *env)
    return env;
  char exe[4096], build[PATH_MAX];
  bool have_exe = exe_dir(exe, sizeof exe);
  if (have_exe && realpath(CD_BUILD_BIN_DIR, build) && strcmp(exe, build) == 0 &&
      is_dir(CD_BUILD_DATA_DIR))
    return CD_BUILD_DATA_DIR;
  char *bin = have_exe ? strrchr(exe, '/') : NULL;
  if (bin) {
    *bin = '\0'; /* PREFIX of PREFIX/bin, so that messages name PREFIX/share/copydesk */
    snprintf(exe_rel, sizeof exe_rel, "%s/share/copydesk", exe);
    if (is_dir(exe_rel))
      return exe_rel;
  }
  if (is_dir(CD_INSTALL_DATA_DIR))
    return CD_INSTALL_DATA_DIR;
  return NULL;
}

void cli_print_help(const cli_command *cmd, FILE *out) {
  fputs(cmd->help_head, out);
  fputs("Options:\n", out);
  cli_opts_print(out, cmd->options, cmd->help_col);
  fputs(cmd->help_tail, out);
}

/* path = the file name in the user's copydesk configuration directory
 * ($XDG_CONFIG_HOME/copydesk, else ~/.config/copydesk); false when neither is set. */
static bool config_path(const char *name, char *path, size_t cap) {
  const char *x = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
  if (x && *x)
    snprintf(path, cap, "%s/copydesk/%s", x, name);
  else if (home && *home)
    snprintf(path, cap, "%s/.config/copydesk/%s", home, name);
  else
    return false;
  return true;
}

const char *cli_house_file(const char *given) {
  static char path[4200];
  if (given)
    return given;
  if (!config_path("house.tsv", path, sizeof path))
    return NULL;
  return access(path, R_OK) == 0 ? path : NULL;
}

static const char *names_db_given;

void cli_set_names_db(const char *location) { names_db_given = location; }

const char *cli_names_db(void) {
  const char *env = getenv("COPYDESK_NAMES_DB");
  return names_db_given ? names_db_given : env && *env ? env : NULL;
}

/* "key = value" of one line (spaces around both; '#' starts a comment line) */
static bool config_line(char *line, char **key, char **value) {
  while (*line == ' ' || *line == '\t')
    line++;
  char *eq = strchr(line, '=');
  if (!*line || *line == '#' || !eq)
    return false;
  char *k = line, *ke = eq, *v = eq + 1;
  while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t'))
    ke--;
  *ke = '\0';
  while (*v == ' ' || *v == '\t')
    v++;
  char *ve = v + strlen(v);
  while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
    ve--;
  *ve = '\0';
  *key = k;
  *value = v;
  return true;
}

int cli_default_lang(const char *sub, char out[16], const char **from) {
  out[0] = '\0';
  *from = NULL;
  const char *env = getenv("COPYDESK_LANG");
  if (env && *env) {
    if (!cd_lang_tag_valid(env) || strlen(env) >= 16) {
      cli_error(sub, "COPYDESK_LANG: invalid language tag '%s' (expected e.g. en, fr, de, uk, ru)",
                env);
      return CLI_USAGE;
    }
    snprintf(out, 16, "%s", env);
    *from = "COPYDESK_LANG";
    return CLI_OK;
  }
  static char path[4200];
  if (!config_path("config", path, sizeof path) || access(path, F_OK) != 0)
    return CLI_OK;
  cd_lines r = {0};
  cd_error err;
  cd_error_clear(&err);
  if (cd_lines_open(&r, path, &err)) {
    cli_error(sub, "%s", err.message);
    return CLI_USAGE;
  }
  char *line, *key, *value;
  size_t len;
  int rc = CLI_OK;
  cd_status st;
  while (!(st = cd_lines_next(&r, &line, &len, &err)) && line) {
    if (!config_line(line, &key, &value) || strcmp(key, "lang") != 0)
      continue;
    if (!cd_lang_tag_valid(value) || strlen(value) >= 16) {
      cli_error(sub, "%s:%llu: invalid language tag '%s' (expected e.g. lang = en)", path,
                (unsigned long long)r.lineno, value);
      rc = CLI_USAGE;
      break;
    }
    snprintf(out, 16, "%s", value);
    *from = path;
  }
  if (st && rc == CLI_OK) {
    cli_error(sub, "%s", err.message);
    rc = CLI_USAGE;
  }
  cd_lines_close(&r);
  return rc;
}

void cli_lang_explain(cli_lang *out, const char *lang, const char *given_from, bool detected,
                      bool by_default, const char *default_from, const char *why) {
  snprintf(out->lang, sizeof out->lang, "%s", lang);
  why = why && *why ? why : "nothing to detect";
  if (given_from)
    snprintf(out->from, sizeof out->from, "%s", given_from);
  else if (detected)
    snprintf(out->from, sizeof out->from, "detected, %s", why);
  else if (by_default)
    snprintf(out->from, sizeof out->from, "default from %s; detection unsure: %s", default_from,
             why);
  else
    snprintf(out->from, sizeof out->from, "none; detection unsure: %s", why);
}

int cli_lang_resolve(const char *sub, const char *given, const char *path, const char *text,
                     size_t len, cli_lang *out) {
  char src[16], tgt[16];
  if (given) {
    cli_lang_explain(out, given, "option", false, false, NULL, NULL);
    return CLI_OK;
  }
  if (path && strcmp(path, "-") != 0 && cd_lang_from_filename(path, src, tgt) &&
      cd_lang_tag_valid(src)) {
    cli_lang_explain(out, src, "file name", false, false, NULL, NULL);
    return CLI_OK;
  }
  cd_langid *id = NULL;
  cd_error err;
  if (cd_langid_new(cli_data_dir(), &id, &err)) {
    cli_error(sub, "%s", err.message);
    return CLI_USAGE;
  }
  cd_lang_guess g;
  cd_langid_guess(id, text ? text : "", text ? len : 0, &g);
  cd_langid_free(id);
  char why[96], def[16] = "";
  const char *def_from = NULL;
  cd_lang_guess_describe(&g, why, sizeof why);
  bool detected = strcmp(g.lang, "und") != 0;
  if (!detected && cli_default_lang(sub, def, &def_from))
    return CLI_USAGE;
  bool by_default = !detected && def[0];
  cli_lang_explain(out, by_default ? def : g.lang, NULL, detected, by_default, def_from, why);
  return CLI_OK;
}

int cli_pairs_langs(const char *sub, const char *path, char src[16], char tgt[16]) {
  cd_langid *id = NULL;
  cd_error err;
  int rc = CLI_OK;
  if (cd_langid_new(cli_data_dir(), &id, &err) || cd_check_pairs_langs(id, path, src, tgt, &err)) {
    cli_error(sub, "%s", err.message);
    rc = CLI_USAGE;
  }
  cd_langid_free(id);
  return rc;
}

void cli_lang_none(const char *sub, const char *name, const char *what) {
  fprintf(stderr,
          "copydesk: %s: %s: no language (none given, none in the file name, detection "
          "unsure): %s; set it with --lang, COPYDESK_LANG or 'lang = en' in "
          "~/.config/copydesk/config\n",
          sub, name, what);
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

int cli_lang_arg(const char *sub, const char *arg, const char **dst) {
  if (!cd_lang_tag_valid(arg)) {
    cli_error(sub, "invalid language tag '%s' (expected e.g. en, fr, de, uk, ru)", arg);
    return CLI_USAGE;
  }
  *dst = arg;
  return CLI_OK;
}

int cli_choice(const char *sub, const char *opt, const char *arg, const char *const *choices,
               int *idx) {
  size_t n = 0;
  for (; choices[n]; n++)
    if (strcmp(arg, choices[n]) == 0) {
      *idx = (int)n;
      return CLI_OK;
    }
  char list[256] = "";
  for (size_t i = 0; i < n; i++)
    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
             i == 0       ? ""
             : i + 1 == n ? " or "
                          : ", ",
             choices[i]);
  cli_error(sub, "%s wants %s, not '%s'", opt, list, arg);
  return CLI_USAGE;
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
  if (cd_tm_is_url(path))
    return CLI_OK; /* a database: opening it read-only says when it holds no TM */
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
