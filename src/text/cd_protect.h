/* SPDX-License-Identifier: MIT */
/* cd_protect.h — spans of a line that are not prose (internal to the core library).
 *
 * URLs, e-mail addresses, domain names, file paths, `code`, @handles, #hashtags and
 * template placeholders or markup (#PRS_ORG#, {{name}}, ${city}, [[link]], [PERSON5], <b>, %s) are
 * exactly what they should be: typography and names never touch them (only decode,
 * mojibake and Unicode clean-up do). One detector, shared by those stages. */
#ifndef CD_PROTECT_H
#define CD_PROTECT_H

#include <stdbool.h>
#include <stddef.h>

#define CD_PROTECTED 1

/* Sets mask[i] = CD_PROTECTED for every byte of s[0, n) inside a protected span; other
 * bytes are left as they are. mask has n bytes. */
void cd_protect_spans(const char *s, size_t n, unsigned char *mask);

/* Whether any byte of s[a, b) lies in a protected span of the line s[0, n). */
bool cd_protect_overlaps(const char *s, size_t n, size_t a, size_t b);

#endif
