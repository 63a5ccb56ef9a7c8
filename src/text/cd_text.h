/* SPDX-License-Identifier: MIT */
/* cd_text.h — the shared vocabulary of copydesk: status codes, errors, growable byte
 * buffers and small UTF-8 helpers built on ICU's macros.
 *
 * Every library function that can fail returns a cd_status and, when the caller passes a
 * cd_error, fills it with a message that names the input and the position. Library code
 * never prints and never exits. */
#ifndef CD_TEXT_H
#define CD_TEXT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* cd_status, cd_error and cd_status_name() are public: the library's API returns them. */
#include "copydesk/cd_status.h"

/* Fills err (when not NULL) and returns st, so that `return cd_error_set(...)` reads well. */
cd_status cd_error_set(cd_error *err, cd_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cd_error_clear(cd_error *err);

/* A growable byte buffer. Zero-initialised (CD_BUF_INIT) is a valid empty buffer.
 * data is always NUL-terminated after a successful append, for convenience only: lengths
 * are explicit everywhere. */
typedef struct cd_buf {
  char *data;
  size_t len;
  size_t cap;
} cd_buf;

#define CD_BUF_INIT                                                                                \
  { NULL, 0, 0 }

/* Every call that can fail returns its status, and the compiler insists it is looked at: an
 * ignored out-of-memory would silently drop text (a cut article, a short TSV row). */
#define CD_MUST_CHECK __attribute__((warn_unused_result))
/* A sequence of calls that stops at the first failure and keeps its status in st:
 * CD_CHAIN(st, cd_buf_append_str(&row, "q")); CD_CHAIN(st, cd_buf_appendf(&row, ...)); */
#define CD_CHAIN(st, call) ((st) = (st) ? (st) : (call))

CD_MUST_CHECK cd_status cd_buf_reserve(cd_buf *b, size_t extra);
/* Room for one more element in the array *v of n elements of size bytes, *cap allocated: the
 * capacity doubles (from 16) when full; CD_ERR_NOMEM on allocation failure or overflow, *v
 * and *cap then unchanged. CD_GROW(a, n, cap) for an array a. */
CD_MUST_CHECK cd_status cd_grow(void **v, size_t n, size_t *cap, size_t size);
#define CD_GROW(a, n, cap) cd_grow((void **)&(a), (n), &(cap), sizeof *(a))
CD_MUST_CHECK cd_status cd_buf_append(cd_buf *b, const void *p, size_t n);
CD_MUST_CHECK cd_status cd_buf_append_str(cd_buf *b, const char *s);
CD_MUST_CHECK cd_status cd_buf_append_cp(cd_buf *b, uint32_t cp);
CD_MUST_CHECK cd_status cd_buf_appendf(cd_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cd_buf_clear(cd_buf *b);
void cd_buf_free(cd_buf *b);
/* Pointer to byte off of b; "" for an empty, never-allocated buffer (no NULL + offset). */
static inline const char *cd_buf_at(const cd_buf *b, size_t off) {
  return b->data ? b->data + off : "";
}
/* Removes the first n bytes, moving the rest to the front. */
void cd_buf_consume(cd_buf *b, size_t n);

/* UTF-8 helpers (ICU's U8_* macros underneath). */

/* Decodes the code point at s[*i] (*i < len) and advances *i; returns -1 for an ill-formed
 * sequence, in which case *i advances over the maximal ill-formed subpart (Unicode §3.9).
 * ASCII and two-byte sequences (Latin, Greek, Cyrillic) are read inline; the rest through
 * cd_utf8_next_any(). */
int32_t cd_utf8_next_any(const char *s, size_t len, size_t *i);
static inline int32_t cd_utf8_next(const char *s, size_t len, size_t *i) {
  const unsigned char *u = (const unsigned char *)s + *i;
  if (u[0] < 0x80) {
    ++*i;
    return u[0];
  }
  if (u[0] >= 0xC2 && u[0] < 0xE0 && *i + 1 < len && (u[1] & 0xC0) == 0x80) {
    *i += 2;
    return (int32_t)(((u[0] & 0x1Fu) << 6) | (u[1] & 0x3Fu));
  }
  return cd_utf8_next_any(s, len, i);
}
/* Decodes the code point ending before s[*i] and moves *i back; -1 if ill-formed. */
int32_t cd_utf8_prev(const char *s, size_t *i);
/* A zeroed table of n elements of size bytes in its own mapping (huge pages asked for), for
 * caches of megabytes; NULL when it cannot be had. Freed with the same n and size. */
void *cd_big_calloc(size_t n, size_t size);
void cd_big_free(void *p, size_t n, size_t size);

/* Whether location is a PostgreSQL URL ("postgresql://..." or "postgres://...") rather than
 * a file path (the TM and the names store take either). */
bool cd_pg_is_url(const char *location);
/* A copy of url for messages, without its password (user:PASSWORD@ and password=... left
 * out); malloc'd, NULL when out of memory. */
char *cd_pg_url_redact(const char *url);

/* Length of the longest prefix of s made of ASCII bytes (eight at a time). */
size_t cd_ascii_prefix(const char *s, size_t len);
/* Length of the longest valid UTF-8 prefix of s. */
size_t cd_utf8_valid_prefix(const char *s, size_t len);
bool cd_utf8_is_valid(const char *s, size_t len);
/* s (NUL-terminated) as valid UTF-8 for JSON, HTML or XML: s itself when it is, else a copy
 * in tmp with every ill-formed byte as U+FFFD (a file name from a Latin-1 system). NULL
 * only when out of memory. */
const char *cd_utf8_make_valid(const char *s, cd_buf *tmp);
/* Encodes cp into out (4 bytes at least); returns the number of bytes. */
size_t cd_utf8_encode(uint32_t cp, char *out);

/* ---- hashing ---- */

/* FNV-1a, the one hash of bytes here (in-memory maps and caches, the TM's duplicate keys, the
 * names filter): start from CD_HASH_INIT (or a stored seed) and feed each piece of a key in
 * order. The TM stores these values (units' ident): never change them. */
#define CD_HASH_INIT 0xcbf29ce484222325ULL
static inline uint64_t cd_hash_more(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = (const unsigned char *)p;
  for (size_t i = 0; i < n; i++)
    h = (h ^ b[i]) * 1099511628211ULL;
  return h;
}
static inline uint64_t cd_hash_byte(uint64_t h, unsigned char c) {
  return (h ^ c) * 1099511628211ULL;
}
static inline uint64_t cd_hash(const void *p, size_t n) { return cd_hash_more(CD_HASH_INIT, p, n); }

/* Number of code points in s (ill-formed subparts count one each). */
size_t cd_utf8_count(const char *s, size_t len);

#endif
