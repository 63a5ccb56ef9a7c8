/* SPDX-License-Identifier: MIT */
/* Files and descriptors, as Unix tools do: valid standard descriptors,
 * output files that behave like the shell's '>' for what is not a regular file and are
 * replaced atomically when they are, temporaries removed on SIGINT/SIGTERM, an output that
 * is also an input refused by device and inode, and standard output checked to the end. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- standard descriptors ---------------------------------------------------------------- */

void cli_std_fds(void) {
  /* A closed 0, 1 or 2 would be handed to the next open(): a temporary output would become
   * "standard output" and take the change log or a diagnostic into an article.
   * /dev/null is opened the other way round (as gnulib's stdopen does): the descriptor is
   * taken, and a read from a closed 0 or a write to a closed 1 still fails (EBADF), so
   * output sent to a closed standard output is an error, not silently discarded. */
  for (int fd = 0; fd < 3; fd++)
    if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
      int n = open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
      if (n < 0)
        _exit(CLI_USAGE); /* nothing sane to write to, and no way to say so */
      if (n != fd) {
        dup2(n, fd);
        close(n);
      }
    }
}

/* ---- temporaries removed on a fatal signal ------------------------------------------------ */

#define CLI_MAX_TEMPS 16
static char *volatile temps[CLI_MAX_TEMPS];

static void on_fatal_signal(int sig) {
  for (int i = 0; i < CLI_MAX_TEMPS; i++)
    if (temps[i] && unlink(temps[i]) != 0)
      rmdir(temps[i]); /* a private temporary directory, emptied by the entries before it */
  signal(sig, SIG_DFL);
  raise(sig);
}

void cli_cleanup_on_signals(void) {
  static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
    struct sigaction old, sa;
    /* a signal the caller ignores (nohup, a background job's SIGINT) stays ignored */
    if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
      continue;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(sigs[i], &sa, NULL);
  }
}

static void block_signals(sigset_t *old) {
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, old);
}

/* Registers a temporary (the string must live until cli_temp_forget); false when full. */
bool cli_temp_remember(char *path) {
  sigset_t old;
  block_signals(&old);
  bool ok = false;
  for (int i = 0; i < CLI_MAX_TEMPS && !ok; i++)
    if (!temps[i]) {
      temps[i] = path;
      ok = true;
    }
  sigprocmask(SIG_SETMASK, &old, NULL);
  return ok;
}

void cli_temp_forget(const char *path) {
  sigset_t old;
  block_signals(&old);
  for (int i = 0; i < CLI_MAX_TEMPS; i++)
    if (temps[i] == path)
      temps[i] = NULL;
  sigprocmask(SIG_SETMASK, &old, NULL);
}

/* ---- output files ------------------------------------------------------------------------ */

static mode_t current_umask(void) {
  mode_t m = umask(0);
  umask(m);
  return m;
}

/* The temporary beside target: DIR/.BASE.XXXXXX (hidden, so a directory walk skips it). */
static char *temp_template(const char *target) {
  char *d = strdup(target), *b = strdup(target);
  char *t = NULL;
  if (d && b) {
    const char *dir = dirname(d), *base = basename(b);
    size_t n = strlen(dir) + strlen(base) + 16;
    if ((t = malloc(n)))
      snprintf(t, n, "%s/.%s.XXXXXX", dir, base);
  }
  free(d);
  free(b);
  return t;
}

/* Gives the temporary the target's owner, group and mode (never setuid/setgid), or, for a
 * new file, the mode the shell's '>' would: 0666 & ~umask. */
void cli_take_attributes(int fd, const struct stat *st, bool exists) {
  if (!exists) {
    fchmod(fd, 0666 & ~current_umask());
    return;
  }
  if (st->st_uid != geteuid() || st->st_gid != getegid()) {
    /* only root may give a file away; a member of the group may still keep the group */
    if (fchown(fd, st->st_uid, st->st_gid) != 0)
      (void)(fchown(fd, (uid_t)-1, st->st_gid) != 0);
  }
  fchmod(fd, st->st_mode & (0777 | S_ISVTX));
}

static int open_direct(cli_outfile *o, const char *sub) {
  int fd = open(o->path, O_WRONLY | O_TRUNC | O_NOCTTY | O_CLOEXEC);
  if (fd < 0 || !(o->fp = fdopen(fd, "wb"))) {
    cli_error(sub, "cannot write to '%s': %s", o->path, strerror(errno));
    if (fd >= 0)
      close(fd);
    return -1;
  }
  o->direct = true;
  return 0;
}

/* The file a symlink chain ends at; for a dangling link, the missing file it names. */
char *cli_resolve_target(const char *path) {
  char *r = realpath(path, NULL);
  if (r || errno != ENOENT)
    return r;
  char buf[PATH_MAX];
  ssize_t n = readlink(path, buf, sizeof buf - 1);
  if (n < 0 && (errno == EINVAL || errno == ENOENT))
    return strdup(path); /* not a link: a new file (a missing directory is reported later) */
  if (n <= 0)
    return NULL;
  buf[n] = '\0';
  if (buf[0] == '/')
    return strdup(buf);
  char *d = strdup(path);
  char *out = NULL;
  if (d) {
    const char *dir = dirname(d);
    size_t len = strlen(dir) + (size_t)n + 2;
    if ((out = malloc(len)))
      snprintf(out, len, "%s/%s", dir, buf);
  }
  free(d);
  return out;
}

static int open_replacement(cli_outfile *o, const char *sub) {
  struct stat lst, st;
  bool exists = stat(o->path, &st) == 0;
  bool is_link = lstat(o->path, &lst) == 0 && S_ISLNK(lst.st_mode);
  o->target = is_link ? cli_resolve_target(o->path) : strdup(o->path);
  if (!o->target) {
    cli_error(sub, "cannot follow the link '%s': %s", o->path, strerror(errno));
    return -1;
  }
  o->nlink = exists ? st.st_nlink : 1;
  o->tmp_path = temp_template(o->target);
  if (!o->tmp_path) {
    cli_error(sub, "out of memory");
    return -1;
  }
  sigset_t old;
  block_signals(&old); /* the temporary exists only once it is registered */
  int fd = mkostemp(o->tmp_path, O_CLOEXEC);
  int saved = errno;
  bool remembered = fd >= 0 && cli_temp_remember(o->tmp_path);
  sigprocmask(SIG_SETMASK, &old, NULL);
  if (fd < 0) {
    char *d = strdup(o->target);
    cli_error(sub, "cannot create a temporary file in '%s' for '%s': %s", d ? dirname(d) : ".",
              o->path, strerror(saved));
    free(d);
    free(o->tmp_path);
    o->tmp_path = NULL;
    return -1;
  }
  (void)remembered; /* more than CLI_MAX_TEMPS at once: still removed on every other path */
  cli_take_attributes(fd, &st, exists);
  if (!(o->fp = fdopen(fd, "wb"))) {
    cli_error(sub, "out of memory");
    close(fd);
    return -1;
  }
  return 0;
}

int cli_outfile_open(cli_outfile *o, const char *path, const char *sub) {
  memset(o, 0, sizeof *o);
  if (!path || strcmp(path, "-") == 0) {
    o->fp = stdout;
    o->is_stdout = true;
    return 0;
  }
  if (!*path) {
    cli_error(sub, "an empty output file name");
    return -1;
  }
  struct stat st, out;
  bool exists = stat(path, &st) == 0;
  /* -o /dev/stdout (or any name of our own standard output): the stream itself */
  if (exists && fstat(STDOUT_FILENO, &out) == 0 && st.st_dev == out.st_dev &&
      st.st_ino == out.st_ino) {
    o->fp = stdout;
    o->is_stdout = true;
    return 0;
  }
  if (!(o->path = strdup(path))) {
    cli_error(sub, "out of memory");
    return -1;
  }
  int rc;
  if (exists && S_ISDIR(st.st_mode)) {
    cli_error(sub, "cannot write to '%s': %s", path, strerror(EISDIR));
    rc = -1;
  } else if (exists && !S_ISREG(st.st_mode)) {
    rc = open_direct(o, sub); /* a FIFO, a device: written into, as '>' does */
  } else {
    rc = open_replacement(o, sub);
  }
  if (rc)
    cli_outfile_abort(o);
  return rc;
}

static void outfile_release(cli_outfile *o) {
  if (o->tmp_path) {
    cli_temp_forget(o->tmp_path);
    free(o->tmp_path);
  }
  free(o->target);
  free(o->path);
  o->tmp_path = o->target = o->path = NULL;
}

int cli_outfile_commit(cli_outfile *o, const char *sub) {
  if (o->is_stdout)
    return cli_flush_stdout(sub) < 0 ? -1 : 0;
  errno = 0;
  int bad = ferror(o->fp) || fflush(o->fp) != 0 || (!o->direct && fsync(fileno(o->fp)) != 0);
  int saved = errno;
  if (fclose(o->fp) != 0 && !bad) {
    bad = 1;
    saved = errno;
  }
  o->fp = NULL;
  if (bad && o->direct && saved == EPIPE) {
    outfile_release(o); /* a FIFO whose reader left: as on standard output, quietly */
    return 0;
  }
  if (bad) {
    cli_error(sub, "error writing '%s': %s", o->path, saved ? strerror(saved) : "write error");
    cli_outfile_abort(o);
    return -1;
  }
  if (!o->direct && rename(o->tmp_path, o->target) != 0) {
    cli_error(sub, "cannot replace '%s': %s", o->path, strerror(errno));
    cli_outfile_abort(o);
    return -1;
  }
  if (!o->direct && o->nlink > 1)
    cli_error(sub,
              "note: '%s' had %lu hard links; it is now a new file, the other names keep "
              "the old text",
              o->path, (unsigned long)o->nlink);
  outfile_release(o);
  return 0;
}

void cli_outfile_abort(cli_outfile *o) {
  if (o->fp && !o->is_stdout)
    fclose(o->fp);
  o->fp = NULL;
  if (o->tmp_path)
    unlink(o->tmp_path);
  outfile_release(o);
}

/* ---- standard output --------------------------------------------------------------------- */

static bool stdout_reported;

/* True when standard output is a pipe or socket whose reader has gone. */
static bool stdout_reader_gone(void) {
  if (errno == EPIPE)
    return true;
  struct pollfd p = {STDOUT_FILENO, POLLOUT, 0};
  struct stat st;
  return fstat(STDOUT_FILENO, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) &&
         poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
}

bool cli_is_broken_pipe(void) { return stdout_reader_gone(); }

int cli_flush_stdout(const char *sub) {
  if (stdout_reported)
    return -1;
  errno = 0;
  bool bad = fflush(stdout) != 0;
  int saved = errno;
  if (!bad && !ferror(stdout))
    return 0;
  errno = saved;
  if (stdout_reader_gone())
    return 1;
  stdout_reported = true;
  if (saved)
    cli_error(sub, "error writing standard output: %s", strerror(saved));
  else
    cli_error(sub, "error writing standard output");
  return -1;
}

int cli_close_stdout(const char *sub, int rc) {
  int f = cli_flush_stdout(sub);
  if (f == 0) {
    errno = 0;
    if (fclose(stdout) != 0 && errno != EPIPE && errno != EBADF) {
      cli_error(sub, "error writing standard output: %s", strerror(errno));
      f = -1;
    }
  }
  return f < 0 ? CLI_USAGE : rc;
}

/* ---- an output that is also an input ------------------------------------------------------ */

int cli_files_add(cli_files *f, const char *path, const char *role) {
  struct stat st;
  /* standard input, a missing file (reported when read) or a device cannot be clobbered */
  if (!path || strcmp(path, "-") == 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
    return 0;
  if (CD_GROW(f->v, f->n, f->cap))
    return -1;
  f->v[f->n++] = (cli_file_id){st.st_dev, st.st_ino, path, role};
  return 0;
}

int cli_files_refuse(const cli_files *f, const char *sub, const char *opt, const char *out) {
  struct stat st;
  if (!out || strcmp(out, "-") == 0 || stat(out, &st) != 0 || !S_ISREG(st.st_mode))
    return 0;
  for (size_t i = 0; i < f->n; i++)
    if (f->v[i].dev == st.st_dev && f->v[i].ino == st.st_ino) {
      if (strcmp(out, f->v[i].path) == 0)
        cli_error(sub, "%s '%s' is %s: refusing to overwrite it", opt, out, f->v[i].role);
      else
        cli_error(sub, "%s '%s' is %s ('%s'): refusing to overwrite it", opt, out, f->v[i].role,
                  f->v[i].path);
      return CLI_USAGE;
    }
  return 0;
}

void cli_files_free(cli_files *f) {
  free(f->v);
  memset(f, 0, sizeof *f);
}
