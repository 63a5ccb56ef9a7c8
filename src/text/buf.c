/* SPDX-License-Identifier: MIT */
/* Growable byte buffers and error reporting. */
#include "cd_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

cd_status cd_error_set(cd_error *err, cd_status st, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    err->status = st;
  }
  return st;
}

void cd_error_clear(cd_error *err) {
  if (err) {
    err->status = CD_OK;
    err->message[0] = '\0';
  }
}

const char *cd_status_name(cd_status st) {
  switch (st) {
  case CD_OK: return "ok";
  case CD_ERR_IO: return "i/o error";
  case CD_ERR_INPUT: return "invalid input";
  case CD_ERR_NOMEM: return "out of memory";
  case CD_ERR_USAGE: return "usage error";
  case CD_ERR_DATA: return "data error";
  case CD_ERR_DB: return "database error";
  case CD_ERR_INTERNAL: return "internal error";
  }
  return "unknown error";
}

cd_status cd_buf_reserve(cd_buf *b, size_t extra) {
  if (extra > SIZE_MAX - b->len - 1)
    return CD_ERR_NOMEM;
  size_t need = b->len + extra + 1;
  if (need <= b->cap)
    return CD_OK;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need)
    cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  char *p = realloc(b->data, cap);
  if (!p)
    return CD_ERR_NOMEM;
  b->data = p;
  b->cap = cap;
  return CD_OK;
}

cd_status cd_grow(void **v, size_t n, size_t *cap, size_t size) {
  if (n < *cap)
    return CD_OK;
  size_t nc = *cap ? *cap : 8;
  if (nc > SIZE_MAX / 2 / size)
    return CD_ERR_NOMEM;
  nc *= 2;
  void *p = realloc(*v, nc * size);
  if (!p)
    return CD_ERR_NOMEM;
  *v = p;
  *cap = nc;
  return CD_OK;
}

cd_status cd_buf_append(cd_buf *b, const void *p, size_t n) {
  cd_status st = cd_buf_reserve(b, n);
  if (st)
    return st;
  if (n)
    memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
  return CD_OK;
}

cd_status cd_buf_append_str(cd_buf *b, const char *s) { return cd_buf_append(b, s, strlen(s)); }

cd_status cd_buf_append_cp(cd_buf *b, uint32_t cp) {
  char tmp[4];
  size_t n = cd_utf8_encode(cp, tmp);
  return cd_buf_append(b, tmp, n);
}

cd_status cd_buf_appendf(cd_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) {
    va_end(ap2);
    return CD_ERR_INTERNAL;
  }
  cd_status st = cd_buf_reserve(b, (size_t)n);
  if (st) {
    va_end(ap2);
    return st;
  }
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
  va_end(ap2);
  b->len += (size_t)n;
  return CD_OK;
}

void cd_buf_clear(cd_buf *b) {
  b->len = 0;
  if (b->data)
    b->data[0] = '\0';
}

void cd_buf_free(cd_buf *b) {
  if (!b)
    return;
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

void cd_buf_consume(cd_buf *b, size_t n) {
  if (n >= b->len) {
    cd_buf_clear(b);
    return;
  }
  memmove(b->data, b->data + n, b->len - n);
  b->len -= n;
  b->data[b->len] = '\0';
}
