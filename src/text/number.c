/* SPDX-License-Identifier: MIT */
/* The one reader of numbers in running text (cd_number.h). A number is read as digit groups
 * and separators first, then given its readings: a thousands grouping needs 1-3 leading
 * digits, then groups of three behind one kind of separator; a decimal is a point (, or .)
 * before the last group, after a valid grouping of another kind or alone; whatever else is a
 * sequence, which each caller reads its own way (check and the aligner group by group). */
#include "cd_number.h"

#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unum.h>
#include <unicode/utf16.h>

#include "cd_text.h"

uint32_t cd_number_marks(const char *lang, uint32_t *group) {
  uint32_t g = ',', d = '.';
  UErrorCode ec = U_ZERO_ERROR;
  UNumberFormat *nf = lang && *lang ? unum_open(UNUM_DECIMAL, NULL, 0, lang, NULL, &ec) : NULL;
  if (nf && U_SUCCESS(ec)) {
    UChar sym[8];
    UChar32 c;
    int32_t n = unum_getSymbol(nf, UNUM_GROUPING_SEPARATOR_SYMBOL, sym, 8, &ec);
    if (U_SUCCESS(ec) && n >= 1) {
      U16_GET(sym, 0, 0, n, c);
      g = (uint32_t)c;
    }
    ec = U_ZERO_ERROR;
    n = unum_getSymbol(nf, UNUM_DECIMAL_SEPARATOR_SYMBOL, sym, 8, &ec);
    if (U_SUCCESS(ec) && n >= 1) {
      U16_GET(sym, 0, 0, n, c);
      d = (uint32_t)c;
    }
  }
  if (nf)
    unum_close(nf);
  if (group)
    *group = g;
  return d;
}

/* The value of the digit at s[*i] (advancing *i past it), or -1 (and *i unchanged). */
static int digit_at(const char *s, size_t len, size_t *i) {
  unsigned char b = (unsigned char)s[*i];
  if (b < 0x80) {
    if (b < '0' || b > '9')
      return -1;
    (*i)++;
    return b - '0';
  }
  size_t j = *i;
  int32_t c = cd_utf8_next(s, len, &j);
  int d = c >= 0 ? u_charDigitValue(c) : -1;
  if (d >= 0)
    *i = j;
  return d;
}

bool cd_number_starts(const char *s, size_t len, size_t i) {
  return i < len && digit_at(s, len, &i) >= 0;
}

/* The separator at s[i] when a digit follows it (its code point, *n its length), else 0. */
static uint32_t sep_at(const char *s, size_t len, size_t i, size_t *n) {
  if (i >= len)
    return 0;
  size_t j = i;
  int32_t c = cd_utf8_next(s, len, &j);
  bool sep = c == ',' || c == '.' || c == '\'' || c == 0x2019 || c == ' ' || c == 0xA0 ||
             c == 0x202F || c == 0x2009 || c == 0x2007;
  if (!sep || !cd_number_starts(s, len, j))
    return 0;
  *n = j - i;
  return (uint32_t)c;
}

/* Separators of one kind: the spaces are one, the apostrophes another. */
static int sep_kind(uint32_t c) {
  switch (c) {
  case ',': return 1;
  case '.': return 2;
  case '\'':
  case 0x2019: return 3;
  default: return 4;
  }
}

static bool is_point(uint32_t c) { return c == ',' || c == '.'; }

/* The digits of the number as ASCII (digits[off[k] .. off[k+1]) is group k). */
typedef struct digits {
  char d[64];
  size_t off[CD_NUMBER_GROUPS + 1];
  bool overflow;
} digits;

static void read_digits(const char *s, size_t len, const cd_number_read *r, digits *dg) {
  size_t n = 0;
  dg->overflow = false;
  for (size_t k = 0; k < r->ngroups; k++) {
    dg->off[k] = n;
    for (size_t i = r->gstart[k]; i < r->gend[k];) {
      int v = digit_at(s, len, &i);
      if (n < sizeof dg->d)
        dg->d[n++] = (char)('0' + v);
      else
        dg->overflow = true;
    }
  }
  dg->off[r->ngroups] = n;
}

/* out = int_digits[.frac_digits], without leading zeros of the integer part nor trailing
 * zeros of the fraction; "" when it does not fit. */
static void canon(const char *ip, size_t il, const char *fp, size_t fl, char out[CD_NUMBER_VALUE]) {
  while (il > 1 && *ip == '0')
    ip++, il--;
  while (fl > 0 && fp[fl - 1] == '0')
    fl--;
  if (il + (fl ? fl + 1 : 0) >= CD_NUMBER_VALUE) {
    out[0] = '\0';
    return;
  }
  memcpy(out, ip, il);
  size_t n = il;
  if (fl) {
    out[n++] = '.';
    memcpy(out + n, fp, fl);
    n += fl;
  }
  out[n] = '\0';
}

static size_t glen(const digits *dg, size_t k) { return dg->off[k + 1] - dg->off[k]; }

/* Groups 0 .. upto-1 are a thousands grouping behind separators of one kind. */
static bool grouping_valid(const cd_number_read *r, const digits *dg, size_t upto) {
  if (glen(dg, 0) > 3)
    return false;
  for (size_t k = 1; k < upto; k++)
    if (glen(dg, k) != 3 || sep_kind(r->sep[k]) != sep_kind(r->sep[1]))
      return false;
  return true;
}

/* Reads a grouping: thousands, or for two groups with a point, a decimal too. */
static void read_grouped(cd_number_read *r, const digits *dg, uint32_t decimal) {
  size_t g = r->ngroups, nd = dg->off[g];
  r->kind = CD_NUMBER_GROUPED;
  canon(dg->d, nd, "", 0, r->value);
  r->group = r->sep[1];
  r->int_digits = nd;
  if (g != 2 || !is_point(r->sep[1]))
    return;
  canon(dg->d, glen(dg, 0), dg->d + dg->off[1], glen(dg, 1), r->other);
  if (r->sep[1] != decimal)
    return;
  /* the language's decimal mark: the decimal is the likelier reading */
  char t[CD_NUMBER_VALUE];
  memcpy(t, r->value, sizeof t);
  memcpy(r->value, r->other, sizeof t);
  memcpy(r->other, t, sizeof t);
  r->decimal = r->sep[1];
  r->group = 0;
  r->int_digits = glen(dg, 0);
}

void cd_number_read_at(const char *s, size_t len, size_t i, uint32_t decimal, cd_number_read *r) {
  memset(r, 0, sizeof *r);
  r->start = i;
  for (;;) {
    size_t k = r->ngroups++;
    r->gstart[k] = i;
    while (i < len && digit_at(s, len, &i) >= 0)
      ;
    r->gend[k] = i;
    size_t n = 0;
    uint32_t c = r->ngroups < CD_NUMBER_GROUPS ? sep_at(s, len, i, &n) : 0;
    if (!c)
      break;
    r->sep[k + 1] = c;
    i += n;
  }
  r->end = i;
  digits dg;
  read_digits(s, len, r, &dg);
  size_t g = r->ngroups, nd = dg.off[g];
  uint32_t last = r->sep[g - 1];
  bool same = true;
  for (size_t k = 2; k < g; k++)
    same = same && sep_kind(r->sep[k]) == sep_kind(r->sep[1]);
  if (g == 1) {
    r->kind = CD_NUMBER_PLAIN;
    canon(dg.d, nd, "", 0, r->value);
    r->int_digits = nd;
  } else if (same && grouping_valid(r, &dg, g)) {
    read_grouped(r, &dg, decimal);
  } else if (is_point(last) &&
             (g == 2 || (grouping_valid(r, &dg, g - 1) && sep_kind(r->sep[1]) != sep_kind(last)))) {
    /* a decimal part: "2025.5", "1,234.5", "1.234,5", "1 234,5" */
    r->kind = CD_NUMBER_DECIMAL;
    canon(dg.d, dg.off[g - 1], dg.d + dg.off[g - 1], glen(&dg, g - 1), r->value);
    r->decimal = last;
    r->group = g > 2 ? r->sep[1] : 0;
    r->int_digits = dg.off[g - 1];
  } else {
    r->kind = CD_NUMBER_SEQUENCE;
    canon(dg.d, nd, "", 0, r->value);
    r->group = last;
    r->int_digits = nd;
  }
  if (dg.overflow)
    r->value[0] = r->other[0] = '\0';
}

void cd_number_group_value(const char *s, const cd_number_read *r, size_t k,
                           char out[CD_NUMBER_VALUE]) {
  cd_number_read one = *r;
  one.ngroups = 1;
  one.gstart[0] = r->gstart[k];
  one.gend[0] = r->gend[k];
  digits dg;
  read_digits(s, r->gend[k], &one, &dg);
  if (dg.overflow)
    out[0] = '\0';
  else
    canon(dg.d, dg.off[1], "", 0, out);
}
