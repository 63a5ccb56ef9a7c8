/* SPDX-License-Identifier: MIT */
/* The numbers of a text as check compares them, read by the shared reader (cd_number.h):
 * "6,000" (en) = "6 000" (fr) = "6.000" (de); "15,000" ≠ "1,500". A number keeps two
 * readings when its separators are ambiguous, and two numbers are equal when they share a
 * reading; the groups of a sequence (a date, 3,5,7) are numbers of their own. */
#include "cd_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cd_status push(cd_number **v, size_t *n, size_t *cap, size_t start, size_t end,
                      const char *v0, const char *v1) {
  if (CD_GROW(*v, *n, *cap))
    return CD_ERR_NOMEM;
  cd_number *num = &(*v)[(*n)++];
  num->start = start;
  num->end = end;
  snprintf(num->values[0], sizeof num->values[0], "%s", v0);
  snprintf(num->values[1], sizeof num->values[1], "%s", v1);
  return CD_OK;
}

/* A decade written short, '90s or ’90s, is also 1990. */
static void decade(const char *text, size_t len, const cd_number_read *r, cd_number *num) {
  size_t i = r->start;
  bool apos =
      (i >= 1 && text[i - 1] == '\'') || (i >= 3 && memcmp(text + i - 3, "\xE2\x80\x99", 3) == 0);
  if (r->kind == CD_NUMBER_PLAIN && r->end - i == 2 && apos && r->end < len && text[r->end] == 's')
    snprintf(num->values[1], sizeof num->values[1], "19%.2s", text + i);
}

cd_status cd_numbers_find(const char *text, size_t len, uint32_t decimal, cd_number **out,
                          size_t *count) {
  cd_number *v = NULL;
  size_t n = 0, cap = 0;
  cd_status st = CD_OK;
  for (size_t i = 0; i < len && !st;) {
    if (!cd_number_starts(text, len, i)) {
      i++;
      continue;
    }
    cd_number_read r;
    cd_number_read_at(text, len, i, decimal, &r);
    if (r.kind == CD_NUMBER_SEQUENCE) {
      char g[CD_NUMBER_VALUE];
      for (size_t k = 0; k < r.ngroups && !st; k++) {
        cd_number_group_value(text, &r, k, g);
        st = push(&v, &n, &cap, r.gstart[k], r.gend[k], g, "");
      }
    } else if (!(st = push(&v, &n, &cap, r.start, r.end, r.value, r.other))) {
      decade(text, len, &r, &v[n - 1]);
    }
    i = r.end;
  }
  if (st) {
    free(v);
    return st;
  }
  *out = v;
  *count = n;
  return CD_OK;
}

bool cd_numbers_equal(const cd_number *a, const cd_number *b) {
  for (int x = 0; x < 2; x++)
    for (int y = 0; y < 2; y++)
      if (a->values[x][0] && strcmp(a->values[x], b->values[y]) == 0)
        return true;
  return false;
}
