/* SPDX-License-Identifier: MIT */
/* cd_number.h — the one reader of numbers as running text writes them, in any locale:
 * "6,000" = "6 000" = "6.000" (thousands), "2,5" = "2.5" (a decimal), "1 234,5" and
 * "1,234.5", and digit groups that make no one quantity (03.10.2024, 1.2.3). Check compares
 * the numbers of a translation with it, the aligner anchors on them, the fuzzy matcher treats
 * them as placeables: all three read a number the same way. */
#ifndef CD_NUMBER_H
#define CD_NUMBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum cd_number_kind {
  CD_NUMBER_PLAIN,   /* one digit group: 2024 */
  CD_NUMBER_GROUPED, /* thousands grouping: 6,000 6 000 1.234.567 (two groups with a point
                        may also be a decimal: the other reading) */
  CD_NUMBER_DECIMAL, /* a decimal part: 2.5, 2,50, 1,234.5, 1 234,5 */
  CD_NUMBER_SEQUENCE /* groups that make no one quantity: 03.10.2024, 3,5,7, 2024 15 */
} cd_number_kind;

#define CD_NUMBER_GROUPS 16
#define CD_NUMBER_VALUE 48

typedef struct cd_number_read {
  cd_number_kind kind;
  size_t start, end; /* bytes, the first digit to after the last */
  size_t ngroups;
  size_t gstart[CD_NUMBER_GROUPS], gend[CD_NUMBER_GROUPS]; /* each digit group (bytes) */
  uint32_t sep[CD_NUMBER_GROUPS]; /* sep[k]: the separator before group k, k >= 1 */
  /* the likelier reading: "6000", "2.5"; a sequence: all its digits; "" when too long */
  char value[CD_NUMBER_VALUE];
  char other[CD_NUMBER_VALUE]; /* two groups with a point ("6,000"): the other reading */
  uint32_t group, decimal;     /* the separators of the likelier reading (0: none) */
  size_t int_digits;           /* its digits before the decimal separator */
} cd_number_read;

/* The decimal mark of a language from ICU's number symbols ('.' for en, ',' for de fr uk
 * ru...); *group (may be NULL) its grouping separator. '.' and ',' when unknown. */
uint32_t cd_number_marks(const char *lang, uint32_t *group);

/* Whether a digit (any script) starts at s[i]. */
bool cd_number_starts(const char *s, size_t len, size_t i);

/* Reads the number whose first digit is at s[i]: digit groups joined by one separator
 * character (, . ' ’ or a space: U+0020 U+00A0 U+202F U+2009 U+2007) with a digit right
 * after it. decimal: the text's decimal mark, which decides "6,000" and "6.000" between
 * thousands and a decimal (0: thousands first). */
void cd_number_read_at(const char *s, size_t len, size_t i, uint32_t decimal, cd_number_read *r);

/* The canonical value of group k alone ("03" -> "3"), for a sequence read group by group. */
void cd_number_group_value(const char *s, const cd_number_read *r, size_t k,
                           char out[CD_NUMBER_VALUE]);

#endif
