/* SPDX-License-Identifier: MIT */
/* UTF-8 helpers over ICU's U8_* macros: one definition of "well-formed" for the project. */
#include "cd_text.h"

#include <string.h>

#include <unicode/utf8.h>

int32_t cd_utf8_next_any(const char *s, size_t len, size_t *i) {
  UChar32 c;
  /* ICU's macros index with int32_t; callers work in windows far below 2 GB, but guard. */
  int32_t n = len > INT32_MAX ? INT32_MAX : (int32_t)len;
  int32_t pos = (int32_t)*i;
  U8_NEXT((const uint8_t *)s, pos, n, c);
  *i = (size_t)pos;
  return c < 0 ? -1 : c;
}

int32_t cd_utf8_prev(const char *s, size_t *i) {
  UChar32 c;
  int32_t pos = (int32_t)*i;
  U8_PREV((const uint8_t *)s, 0, pos, c);
  *i = (size_t)pos;
  return c < 0 ? -1 : c;
}

size_t cd_ascii_prefix(const char *s, size_t len) {
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t w;
    memcpy(&w, s + i, 8);
    if (w & 0x8080808080808080ull)
      break;
  }
  while (i < len && (unsigned char)s[i] < 0x80)
    i++;
  return i;
}

size_t cd_utf8_valid_prefix(const char *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    unsigned char b = (unsigned char)s[i];
    if (b < 0x80) {
      /* a lone space between words of another script costs no call */
      i++;
      if (i < len && (unsigned char)s[i] < 0x80)
        i += cd_ascii_prefix(s + i, len - i);
      continue;
    }
    size_t start = i;
    if (cd_utf8_next(s, len, &i) < 0)
      return start;
  }
  return len;
}

bool cd_utf8_is_valid(const char *s, size_t len) { return cd_utf8_valid_prefix(s, len) == len; }

const char *cd_utf8_make_valid(const char *s, cd_buf *tmp) {
  size_t n = strlen(s);
  if (cd_utf8_is_valid(s, n))
    return s;
  cd_buf_clear(tmp);
  size_t i = 0, run = 0;
  cd_status st = CD_OK;
  while (i < n && !st) {
    size_t at = i;
    if ((unsigned char)s[i] < 0x80) {
      i++;
      continue;
    }
    if (cd_utf8_next(s, n, &i) >= 0)
      continue;
    st = cd_buf_append(tmp, s + run, at - run);
    if (!st)
      st = cd_buf_append(tmp, "\xEF\xBF\xBD", 3);
    run = i;
  }
  if (!st)
    st = cd_buf_append(tmp, s + run, n - run);
  if (!st)
    st = cd_buf_append(tmp, "", 1);
  if (!st)
    tmp->len--;
  return st ? NULL : tmp->data;
}

size_t cd_utf8_encode(uint32_t cp, char *out) {
  int32_t i = 0;
  UBool err = 0;
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    cp = 0xFFFD;
  U8_APPEND((uint8_t *)out, i, 4, (UChar32)cp, err);
  (void)err;
  return (size_t)i;
}

size_t cd_utf8_count(const char *s, size_t len) {
  size_t i = 0, n = 0;
  while (i < len) {
    if ((unsigned char)s[i] < 0x80)
      i++;
    else
      cd_utf8_next(s, len, &i);
    n++;
  }
  return n;
}
