/* Shared pieces of the copydesk program. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
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

int cli_outfile_open(cli_outfile *o, const char *path, const char *sub) {
  memset(o, 0, sizeof *o);
  if (!path || strcmp(path, "-") == 0) {
    o->fp = stdout;
    o->is_stdout = true;
    return 0;
  }
  o->path = strdup(path);
  size_t n = strlen(path) + 16;
  o->tmp_path = malloc(n);
  if (!o->path || !o->tmp_path) {
    cli_error(sub, "out of memory");
    cli_outfile_abort(o);
    return -1;
  }
  snprintf(o->tmp_path, n, "%s.XXXXXX", path);
  int fd = mkstemp(o->tmp_path);
  if (fd < 0) {
    cli_error(sub, "cannot create '%s': %s", o->tmp_path, strerror(errno));
    free(o->tmp_path);
    o->tmp_path = NULL;
    cli_outfile_abort(o);
    return -1;
  }
  /* Keep the permissions of a file we replace (--in-place). */
  struct stat st;
  if (stat(path, &st) == 0)
    fchmod(fd, st.st_mode & 07777);
  else
    fchmod(fd, 0644);
  o->fp = fdopen(fd, "wb");
  if (!o->fp) {
    close(fd);
    cli_outfile_abort(o);
    return -1;
  }
  return 0;
}

int cli_outfile_commit(cli_outfile *o, const char *sub) {
  if (o->is_stdout) {
    if (fflush(stdout) != 0 && !cli_is_broken_pipe()) {
      cli_error(sub, "error writing standard output: %s", strerror(errno));
      return -1;
    }
    return 0;
  }
  int bad = ferror(o->fp) || fflush(o->fp) != 0 || fsync(fileno(o->fp)) != 0;
  int saved = errno;
  if (fclose(o->fp) != 0 && !bad) {
    bad = 1;
    saved = errno;
  }
  o->fp = NULL;
  if (bad) {
    cli_error(sub, "error writing '%s': %s", o->path, strerror(saved));
    cli_outfile_abort(o);
    return -1;
  }
  if (rename(o->tmp_path, o->path) != 0) {
    cli_error(sub, "cannot replace '%s': %s", o->path, strerror(errno));
    cli_outfile_abort(o);
    return -1;
  }
  free(o->tmp_path);
  free(o->path);
  o->tmp_path = o->path = NULL;
  return 0;
}

void cli_outfile_abort(cli_outfile *o) {
  if (o->fp && !o->is_stdout)
    fclose(o->fp);
  o->fp = NULL;
  if (o->tmp_path)
    unlink(o->tmp_path);
  free(o->tmp_path);
  free(o->path);
  o->tmp_path = o->path = NULL;
}

bool cli_is_broken_pipe(void) { return errno == EPIPE; }

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
