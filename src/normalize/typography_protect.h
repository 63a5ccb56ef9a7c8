/* typography_protect.h — spans of a line the typography stage must not touch (internal).
 *
 * URLs, e-mail addresses, file paths and `code` are not prose: a "..." in a URL, a "--" in a
 * command line option or a ':' in "http:" are exactly what they should be. */
#ifndef CD_TYPOGRAPHY_PROTECT_H
#define CD_TYPOGRAPHY_PROTECT_H

#include <stddef.h>

#define CD_TYPO_MASK_PROTECTED 1

/* Sets mask[i] = CD_TYPO_MASK_PROTECTED for every byte of s[0, n) inside a URL, an e-mail
 * address, a file path or a backtick code span. mask has n bytes. */
void cd_typo_protect(const char *s, size_t n, unsigned char *mask);

#endif
