/* SPDX-License-Identifier: MIT */
/* The shared line reader (cd_lines.h): BOM, CRLF, NUL and directory handling in one place. */
#include "cd_lines.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

cd_status cd_lines_open(cd_lines *r, const char *path, cd_error *err) {
  memset(r, 0, sizeof *r);
  r->path = path;
  r->f = fopen(path, "rb");
  if (!r->f)
    return cd_error_set(err, CD_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
  struct stat sb;
  /* fopen succeeds on a directory and getline then fails with EISDIR, or, on some
   * systems, reads nothing at all: say so before reading */
  if (fstat(fileno(r->f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
    fclose(r->f);
    r->f = NULL;
    return cd_error_set(err, CD_ERR_IO, "%s: cannot read: %s", path, strerror(EISDIR));
  }
  return CD_OK;
}

cd_status cd_lines_next(cd_lines *r, char **line, size_t *len, cd_error *err) {
  *line = NULL;
  *len = 0;
  if (!r->f)
    return CD_OK;
  errno = 0;
  ssize_t got = getline(&r->buf, &r->cap, r->f);
  if (got < 0) {
    if (ferror(r->f))
      return cd_error_set(err, errno == ENOMEM ? CD_ERR_NOMEM : CD_ERR_IO,
                          "%s: read error after line %llu: %s", r->path,
                          (unsigned long long)r->lineno, strerror(errno ? errno : EIO));
    return CD_OK;
  }
  r->lineno++;
  char *s = r->buf;
  size_t n = (size_t)got;
  if (r->lineno == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
    s += 3;
    n -= 3;
  }
  if (n && s[n - 1] == '\n')
    n--;
  if (n && s[n - 1] == '\r')
    n--;
  s[n] = '\0';
  const char *nul = memchr(s, '\0', n);
  if (nul)
    return cd_error_set(err, CD_ERR_INPUT, "%s:%llu: NUL byte at byte %zu of the line", r->path,
                        (unsigned long long)r->lineno, (size_t)(nul - s) + 1);
  if (r->max_len && n > r->max_len)
    return cd_error_set(err, CD_ERR_INPUT, "%s:%llu: line longer than %zu bytes", r->path,
                        (unsigned long long)r->lineno, r->max_len);
  *line = s;
  *len = n;
  return CD_OK;
}

cd_status cd_lines_each(const char *path, cd_line_fn fn, void *ud, cd_error *err) {
  cd_lines in = {0};
  if (cd_lines_open(&in, path, err))
    return cd_error_set(err, CD_ERR_DATA, "%s", err ? err->message : path);
  char *line;
  size_t len;
  cd_status st;
  while (!(st = cd_lines_next(&in, &line, &len, err)) && line) {
    const char *p = line + strspn(line, " \t");
    if (*p == '\0' || *p == '#')
      continue;
    cd_error why;
    why.message[0] = '\0';
    if ((st = fn(ud, line, len, &why))) {
      st = st == CD_ERR_NOMEM ? cd_error_set(err, st, "out of memory")
                              : cd_error_set(err, st, "%s:%llu: %s", path,
                                             (unsigned long long)in.lineno, why.message);
      break;
    }
  }
  cd_lines_close(&in);
  return st;
}

void cd_lines_close(cd_lines *r) {
  if (r->f)
    fclose(r->f);
  free(r->buf);
  r->f = NULL;
  r->buf = NULL;
  r->cap = 0;
}
