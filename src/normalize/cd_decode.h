/* SPDX-License-Identifier: MIT */
/* cd_decode.h — stage 1 of normalize: raw bytes to well-formed UTF-8 (internal).
 *
 * Detection looks at a prefix only (BOM, UTF-8 validity, UTF-16 zero-byte pattern, then
 * uchardet mapped onto an allow-list); decoding then streams with iconv. Every byte that
 * changes is logged with its raw offset; invalid sequences become U+FFFD (or an error in
 * strict mode), never vanish. */
#ifndef CD_DECODE_H
#define CD_DECODE_H

#include "cd_normalize.h"

typedef struct cd_decoder cd_decoder;

/* from: iconv charset name, or NULL to detect. convert=false takes the input as UTF-8 without
 * detection or BOM removal; ill-formed sequences are still replaced, since every later stage needs
 * well-formed UTF-8. */
cd_status cd_decoder_new(const char *from, bool convert, bool strict, const char *label,
                         cd_decoder **out, cd_error *err);
void cd_decoder_free(cd_decoder *d);

/* Chooses the charset from a prefix of the input (call once, before the first feed). */
cd_status cd_decoder_detect(cd_decoder *d, const char *prefix, size_t len, bool is_all,
                            cd_error *err);
/* The canonical name of the charset in use, e.g. "UTF-8", "WINDOWS-1252", "UTF-16LE". */
const char *cd_decoder_charset(const cd_decoder *d);

/* Converts raw bytes, appending UTF-8 to out and reporting each edit. Bytes of an
 * incomplete sequence at the end are kept for the next call; eof flushes them. */
cd_status cd_decoder_feed(cd_decoder *d, const char *raw, size_t len, bool eof, cd_buf *out,
                          cd_change_fn change, void *change_ud, cd_error *err);
uint64_t cd_decoder_invalid_count(const cd_decoder *d);

/* Pure detection helper (also used by tools): the charset of a sample. */
const char *cd_detect_charset(const char *sample, size_t len, bool is_all);

#endif
