/* SPDX-License-Identifier: MIT */
/* Locale-aware numbers: "6,000" (en) = "6 000" (fr) = "6.000" (de); "15,000" ≠ "1,500".
 * Each number keeps up to two readings when its separators are ambiguous, and two numbers
 * are equal when they share a reading. */
#include "cd_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { SEP_NONE, SEP_COMMA, SEP_DOT, SEP_SPACE, SEP_APOS } sep_class;

/* The separator at s[i] and its length in bytes, or SEP_NONE. */
static sep_class sep_at(const char *s, size_t len, size_t i, size_t *n) {
  *n = 1;
  if (i >= len)
    return SEP_NONE;
  switch (s[i]) {
  case ',': return SEP_COMMA;
  case '.': return SEP_DOT;
  case ' ': return SEP_SPACE;
  case '\'': return SEP_APOS;
  default: break;
  }
  if (i + 1 < len && (unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] == 0xA0) {
    *n = 2; /* NO-BREAK SPACE */
    return SEP_SPACE;
  }
  if (i + 2 < len && (unsigned char)s[i] == 0xE2 && (unsigned char)s[i + 1] == 0x80) {
    unsigned char c = (unsigned char)s[i + 2];
    *n = 3;
    if (c == 0xAF || c == 0x89) /* NARROW NO-BREAK SPACE, THIN SPACE */
      return SEP_SPACE;
    if (c == 0x99) /* RIGHT SINGLE QUOTATION MARK as Swiss grouping */
      return SEP_APOS;
  }
  return SEP_NONE;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Writes the canonical form of int_digits[.frac_digits] into out. */
static void canon(const char *ip, size_t il, const char *fp, size_t fl, char out[48]) {
  while (il > 1 && *ip == '0') {
    ip++;
    il--;
  }
  while (fl > 0 && fp[fl - 1] == '0')
    fl--;
  if (il > 40)
    il = 40;
  if (il + fl > 46)
    fl = 46 - il;
  memcpy(out, ip, il);
  size_t n = il;
  if (fl) {
    out[n++] = '.';
    memcpy(out + n, fp, fl);
    n += fl;
  }
  out[n] = '\0';
}

#define MAX_GROUPS 16

typedef struct token {
  size_t start[MAX_GROUPS], glen[MAX_GROUPS];
  sep_class sep[MAX_GROUPS]; /* sep[k] precedes group k (k >= 1) */
  size_t ngroups;
} token;

static bool grouping_valid(const token *t, size_t upto) {
  if (t->glen[0] > 3)
    return false;
  for (size_t k = 1; k < upto; k++)
    if (t->glen[k] != 3 || t->sep[k] != t->sep[1])
      return false;
  return true;
}

static void concat(const char *s, const token *t, size_t upto, char *buf, size_t *n) {
  *n = 0;
  for (size_t k = 0; k < upto && *n + t->glen[k] < 200; k++) {
    memcpy(buf + *n, s + t->start[k], t->glen[k]);
    *n += t->glen[k];
  }
}

/* Fills the readings of a token; returns how many groups the number really uses (a
 * separator that makes no sense ends the number before it). */
static size_t readings(const char *s, token *t, bool en, char v0[48], char v1[48]) {
  char buf[200];
  size_t n;
  v0[0] = v1[0] = '\0';
  while (t->ngroups > 1) {
    size_t g = t->ngroups;
    sep_class last = t->sep[g - 1];
    bool same = true;
    for (size_t k = 2; k < g; k++)
      same = same && t->sep[k] == t->sep[1];
    bool point = last == SEP_COMMA || last == SEP_DOT;
    if (same && grouping_valid(t, g)) {
      concat(s, t, g, buf, &n);
      canon(buf, n, "", 0, v0);
      if (g == 2 && point) {
        /* "6,000" / "6.000": thousands or a decimal, by language; keep both readings */
        canon(s + t->start[0], t->glen[0], s + t->start[1], t->glen[1], v1);
        bool decimal_first = en ? last == SEP_DOT : last == SEP_COMMA;
        if (decimal_first) {
          char tmp[48];
          memcpy(tmp, v0, sizeof tmp);
          memcpy(v0, v1, sizeof tmp);
          memcpy(v1, tmp, sizeof tmp);
        }
      }
      return g;
    }
    /* a decimal part: "2025.5", "1,234.5", "1.234,5", "1 234,5" */
    if (point && (g == 2 || (grouping_valid(t, g - 1) && t->sep[1] != last))) {
      concat(s, t, g - 1, buf, &n);
      canon(buf, n, s + t->start[g - 1], t->glen[g - 1], v0);
      return g;
    }
    t->ngroups--; /* drop the last group and try again */
  }
  canon(s + t->start[0], t->glen[0], "", 0, v0);
  return 1;
}

cd_status cd_numbers_find(const char *text, size_t len, const char *lang, cd_number **out,
                          size_t *count) {
  bool en = !lang || strncmp(lang, "en", 2) == 0;
  size_t cap = 8, n = 0;
  cd_number *v = malloc(cap * sizeof *v);
  if (!v)
    return CD_ERR_NOMEM;
  size_t i = 0;
  while (i < len) {
    if (!is_digit(text[i])) {
      i++;
      continue;
    }
    token t;
    t.ngroups = 0;
    size_t j = i;
    for (;;) {
      size_t g0 = j;
      while (j < len && is_digit(text[j]))
        j++;
      t.start[t.ngroups] = g0;
      t.glen[t.ngroups] = j - g0;
      t.ngroups++;
      size_t sl;
      sep_class sc = sep_at(text, len, j, &sl);
      if (sc == SEP_NONE || t.ngroups == MAX_GROUPS || j + sl >= len || !is_digit(text[j + sl]))
        break;
      t.sep[t.ngroups] = sc;
      j += sl;
    }
    if (n == cap) {
      cd_number *p = realloc(v, 2 * cap * sizeof *p);
      if (!p) {
        free(v);
        return CD_ERR_NOMEM;
      }
      v = p;
      cap *= 2;
    }
    cd_number *num = &v[n++];
    size_t used = readings(text, &t, en, num->values[0], num->values[1]);
    num->start = i;
    num->end = t.start[used - 1] + t.glen[used - 1];
    /* a decade written short, '90s or ’90s, is also 1990 */
    bool apos =
        (i >= 1 && text[i - 1] == '\'') || (i >= 3 && memcmp(text + i - 3, "\xE2\x80\x99", 3) == 0);
    if (used == 1 && t.glen[0] == 2 && apos && num->end < len && text[num->end] == 's')
      snprintf(num->values[1], sizeof num->values[1], "19%.2s", text + i);
    i = num->end;
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
