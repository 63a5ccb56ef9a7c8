/* SPDX-License-Identifier: MIT */
/* copydesk/copydesk.h — the public API of libcopydesk: clean a piece of incoming copy with
 * copydesk's default stages (decode, mojibake, Unicode, typography, boilerplate, names) and
 * read what was changed.
 *
 *   cd_normalized *n;
 *   cd_error err;
 *   if (cd_normalize_text(text, len, "en", NULL, &n, &err) == CD_OK) {
 *     size_t out_len;
 *     const char *out = cd_normalized_text(n, &out_len);
 *     for (size_t i = 0; i < cd_normalized_change_count(n); i++)
 *       puts(cd_normalized_change(n, i)->rule);
 *     cd_normalized_free(n);
 *   }
 *
 * Link with `pkg-config --cflags --libs copydesk`. Text is UTF-8 with explicit lengths.
 * The library never prints, never exits and keeps no global state: calls on different
 * results may run in different threads. */
#ifndef COPYDESK_COPYDESK_H
#define COPYDESK_COPYDESK_H

#include <stddef.h>
#include <stdint.h>

#include "copydesk/cd_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The library's version, "MAJOR.MINOR.PATCH". */
CD_EXPORT const char *cd_version(void);

/* The data directory the library was installed with (PREFIX/share/copydesk): dictionaries,
 * styles, rules and the names database. */
CD_EXPORT const char *cd_data_dir_installed(void);

/* The result of one normalization: the clean text and its change log. Opaque. */
typedef struct cd_normalized cd_normalized;

/* One edit of the change log. Offsets are byte offsets: in_* in the text the stage received,
 * out_* in the text it emitted. Strings stay valid until cd_normalized_free(). */
typedef struct cd_logged_change {
  const char *stage;      /* "decode", "mojibake", "unicode", "typography", ... */
  const char *rule;       /* e.g. "typography.quotes", "names.variant" */
  const char *before;     /* the text replaced (raw bytes for the decode stage) */
  const char *after;      /* the replacement */
  const char *suggestion; /* a flag's candidate form, NULL when none */
  const char *why;        /* a flag's evidence, NULL when none */
  size_t before_len;
  size_t after_len;
  uint64_t in_start, in_end, out_start, out_end;
  double confidence; /* 0..1 */
  int before_is_raw; /* nonzero when before is undecoded input bytes */
} cd_logged_change;

/* Normalizes text (len bytes, any encoding: it is decoded first) with the default stages.
 * lang: a BCP-47 tag ("en", "fr", "de", "uk", "ru"), NULL to detect it. data_dir: the data
 * directory, NULL for cd_data_dir_installed(). On success *out holds the result, to be
 * freed with cd_normalized_free(); on failure *out is NULL and err (when not NULL) says
 * why. */
CD_EXPORT cd_status cd_normalize_text(const char *text, size_t len, const char *lang,
                                      const char *data_dir, cd_normalized **out, cd_error *err);

/* The clean text, NUL-terminated for convenience (*len, when not NULL, is its length). */
CD_EXPORT const char *cd_normalized_text(const cd_normalized *n, size_t *len);
/* The language the stages used ("und" when none was given and detection was unsure). */
CD_EXPORT const char *cd_normalized_lang(const cd_normalized *n);
/* The change log: its number of edits and edit i (0-based; NULL past the end). */
CD_EXPORT size_t cd_normalized_change_count(const cd_normalized *n);
CD_EXPORT const cd_logged_change *cd_normalized_change(const cd_normalized *n, size_t i);
/* The change log as JSON Lines, one record an edit (the format of
 * `copydesk normalize --changes`), NUL-terminated. */
CD_EXPORT const char *cd_normalized_change_log(const cd_normalized *n, size_t *len);
/* Frees a result; NULL is accepted. */
CD_EXPORT void cd_normalized_free(cd_normalized *n);

#ifdef __cplusplus
}
#endif

#endif
