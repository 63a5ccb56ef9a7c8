/* SPDX-License-Identifier: MIT */
/* cd_lines.h — reading a text data file line by line, as users save them.
 *
 * One reader for every line-oriented input (pairs TSV, glossary, house overlay, names TSV,
 * data tables): it refuses a directory or a non-regular file with a reason, skips a UTF-8
 * BOM at the start of the file (Notepad and Excel write one), strips "\n" and "\r\n", and
 * refuses a NUL byte with file:line instead of letting C strings truncate the line. Whether
 * '#' starts a comment is the format's business, not the reader's. */
#ifndef CD_LINES_H
#define CD_LINES_H

#include <stdio.h>

#include "cd_text.h"

typedef struct cd_lines {
  FILE *f;
  const char *path; /* borrowed: the caller keeps it alive */
  char *buf;
  size_t cap;
  uint64_t lineno; /* 1-based number of the line last returned */
  size_t max_len;  /* 0: unlimited; else a longer line is an error naming file:line */
} cd_lines;

/* Opens path for reading. CD_ERR_IO with strerror when it cannot be opened or is a
 * directory; a FIFO or device is read as a stream (it was named explicitly). */
cd_status cd_lines_open(cd_lines *r, const char *path, cd_error *err);
/* The next line, without its "\n" or "\r\n" and NUL-terminated; *line is NULL at the end.
 * CD_ERR_INPUT for a NUL byte or an over-long line, CD_ERR_IO for a read error. */
cd_status cd_lines_next(cd_lines *r, char **line, size_t *len, cd_error *err);
/* Closes the file and frees the buffer; accepts a reader that was never opened. */
void cd_lines_close(cd_lines *r);

/* A data file's lines, for fn: each line that is neither blank nor a '#' comment (white
 * space before the '#' allowed), NUL-terminated and writable. fn returns CD_OK, or an error
 * with its reason in *why (no file or line: they are added). */
typedef cd_status (*cd_line_fn)(void *ud, char *line, size_t len, cd_error *why);
/* Reads path through fn. A file that cannot be opened is CD_ERR_DATA naming it; fn's error
 * becomes "path:line: reason" (CD_ERR_NOMEM stays "out of memory"); the first error stops
 * the reading. */
cd_status cd_lines_each(const char *path, cd_line_fn fn, void *ud, cd_error *err);

#endif
