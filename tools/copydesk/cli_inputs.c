/* SPDX-License-Identifier: MIT */
/* Inputs of the batch commands (check, names discover): the operands and the directories
 * they name, walked, sorted into articles and pairs files. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

int cli_sv_push(cli_strvec *s, const char *x) {
  if (CD_GROW(s->v, s->n, s->cap))
    return -1;
  s->v[s->n] = strdup(x);
  return s->v[s->n++] ? 0 : -1;
}

void cli_sv_free(cli_strvec *s) {
  for (size_t i = 0; i < s->n; i++)
    free(s->v[i]);
  free(s->v);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_suffix(const char *s, const char *suf) {
  size_t n = strlen(s), m = strlen(suf);
  return n >= m && strcmp(s + n - m, suf) == 0;
}

/* A pairs file: TSV, or align's JSON beads (a ninjs story is an article). */
static bool pairs_file(const char *p) {
  return has_suffix(p, ".tsv") || (has_suffix(p, ".json") && !cli_wire_is_article(p));
}

/* The directories a walk has entered, by device and inode: a symlink back up the tree is
 * entered once, not until the path is too long. */
typedef struct dirset {
  dev_t *dev;
  ino_t *ino;
  size_t n, cap;
} dirset;

static int dirset_add(dirset *v, const struct stat *st, bool *seen) {
  *seen = false;
  for (size_t i = 0; i < v->n; i++)
    if (v->dev[i] == st->st_dev && v->ino[i] == st->st_ino)
      return *seen = true, 0;
  if (v->n == v->cap) {
    size_t cap = v->cap ? v->cap * 2 : 16;
    dev_t *d = realloc(v->dev, cap * sizeof *d);
    if (d)
      v->dev = d;
    ino_t *n = d ? realloc(v->ino, cap * sizeof *n) : NULL;
    if (!n)
      return -1;
    v->ino = n;
    v->cap = cap;
  }
  v->dev[v->n] = st->st_dev;
  v->ino[v->n++] = st->st_ino;
  return 0;
}

static int walk_dir(const char *sub, const char *dir, cli_strvec *articles, cli_strvec *pairs,
                    dirset *seen_dirs);

/* One entry of a walked directory: directories are walked (once each), regular files are
 * taken (through a symlink too), and anything else (a FIFO would block, /dev/zero never
 * ends) is skipped with a warning: name such a file explicitly to read it. */
static int walk_entry(const char *sub, const char *p, cli_strvec *articles, cli_strvec *pairs,
                      dirset *seen_dirs) {
  struct stat st;
  if (stat(p, &st) != 0) {
    cli_error(sub, "warning: skipping '%s': %s", p, strerror(errno));
    return 0;
  }
  if (S_ISDIR(st.st_mode)) {
    bool seen;
    if (dirset_add(seen_dirs, &st, &seen))
      return -1;
    if (seen) {
      cli_error(sub, "warning: skipping '%s': a directory already walked (a symlink loop?)", p);
      return 0;
    }
    return walk_dir(sub, p, articles, pairs, seen_dirs);
  }
  if (!S_ISREG(st.st_mode)) {
    cli_error(sub, "warning: skipping '%s': not a regular file", p);
    return 0;
  }
  if (pairs_file(p))
    return cli_sv_push(pairs, p);
  return cli_sv_push(articles, p);
}

/* Walks a directory (sorted, hidden entries skipped): *.tsv → pairs, other files → articles. */
static int walk_dir(const char *sub, const char *dir, cli_strvec *articles, cli_strvec *pairs,
                    dirset *seen_dirs) {
  DIR *d = opendir(dir);
  if (!d) {
    cli_error(sub, "cannot open directory '%s': %s", dir, strerror(errno));
    return -1;
  }
  cli_strvec names = {0};
  struct dirent *e;
  while ((e = readdir(d)))
    if (e->d_name[0] != '.' && cli_sv_push(&names, e->d_name)) {
      closedir(d);
      cli_sv_free(&names);
      return -1;
    }
  closedir(d);
  if (names.n)
    qsort(names.v, names.n, sizeof *names.v, cmp_str);
  int rc = 0;
  for (size_t i = 0; i < names.n && !rc; i++) {
    size_t len = strlen(dir) + strlen(names.v[i]) + 2;
    char *p = malloc(len);
    if (!p) {
      rc = -1;
      break;
    }
    size_t dl = strlen(dir); /* "samples/" names "samples/a.txt", not "samples//a.txt" */
    snprintf(p, len, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", names.v[i]);
    rc = walk_entry(sub, p, articles, pairs, seen_dirs);
    free(p);
  }
  cli_sv_free(&names);
  return rc;
}

static int walk(const char *sub, const char *dir, cli_strvec *articles, cli_strvec *pairs) {
  dirset seen = {0};
  struct stat st;
  bool dup;
  int rc = stat(dir, &st) == 0 && dirset_add(&seen, &st, &dup) == 0
               ? walk_dir(sub, dir, articles, pairs, &seen)
               : -1;
  free(seen.dev);
  free(seen.ino);
  return rc;
}

int cli_inputs(const char *sub, char **operands, int n, cli_strvec *articles, cli_strvec *pairs) {
  for (int i = 0; i < n; i++) {
    struct stat st;
    const char *a = operands[i];
    if (strcmp(a, "-") != 0 && stat(a, &st) != 0) {
      cli_error(sub, "cannot open '%s': %s", a, strerror(errno));
      return -1;
    }
    int rc;
    if (strcmp(a, "-") != 0 && S_ISDIR(st.st_mode))
      rc = walk(sub, a, articles, pairs);
    else
      rc = cli_sv_push(pairs_file(a) ? pairs : articles, a);
    if (rc)
      return -1;
  }
  return 0;
}
