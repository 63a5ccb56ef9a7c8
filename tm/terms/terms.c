/* SPDX-License-Identifier: MIT */
/* Index terms of TM segments (cd_tm_terms.h): folding, splitting, numbers. */
#include "cd_tm_terms.h"

#include <stdlib.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

/* ---- folding ----------------------------------------------------------------------------- */

static bool is_ascii(const char *s, size_t len) {
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)s[i] >= 0x80)
      return false;
  return true;
}

cd_status cd_terms_fold(const char *s, size_t len, cd_buf *out, cd_error *err) {
  cd_buf_clear(out);
  if (is_ascii(s, len)) {
    /* Full case folding of ASCII is A–Z → a–z and ASCII is already NFC: the fast path for
     * most English text, exact, and the same result ICU gives. */
    if (cd_buf_append(out, s, len))
      return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < len; i++)
      if (out->data[i] >= 'A' && out->data[i] <= 'Z')
        out->data[i] = (char)(out->data[i] - 'A' + 'a');
    return CD_OK;
  }
  UErrorCode ec = U_ZERO_ERROR;
  int32_t n16 = 0;
  if (len > INT32_MAX / 4)
    return cd_error_set(err, CD_ERR_INPUT, "segment too long to fold (%zu bytes)", len);
  u_strFromUTF8WithSub(NULL, 0, &n16, s, (int32_t)len, 0xFFFD, NULL, &ec);
  if (ec != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(ec))
    return cd_error_set(err, CD_ERR_INTERNAL, "ICU cannot read a segment: %s", u_errorName(ec));
  /* Folding can lengthen text (ß → ss) up to three times; NFC never lengthens folded text
   * by more than that bound either. */
  int32_t cap = n16 * 3 + 16;
  UChar *a = malloc(sizeof(UChar) * (size_t)cap * 2);
  if (!a)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  UChar *b = a + cap;
  ec = U_ZERO_ERROR;
  u_strFromUTF8WithSub(a, cap, &n16, s, (int32_t)len, 0xFFFD, NULL, &ec);
  int32_t nf = U_SUCCESS(ec) ? u_strFoldCase(b, cap, a, n16, U_FOLD_CASE_DEFAULT, &ec) : 0;
  const UNormalizer2 *nfc = U_SUCCESS(ec) ? unorm2_getNFCInstance(&ec) : NULL;
  UChar *res = b;
  int32_t nres = nf;
  if (U_SUCCESS(ec) && unorm2_quickCheck(nfc, b, nf, &ec) != UNORM_YES && U_SUCCESS(ec)) {
    nres = unorm2_normalize(nfc, b, nf, a, cap, &ec);
    res = a;
  }
  int32_t n8 = 0;
  if (U_SUCCESS(ec)) {
    u_strToUTF8(NULL, 0, &n8, res, nres, &ec);
    if (ec == U_BUFFER_OVERFLOW_ERROR)
      ec = U_ZERO_ERROR;
  }
  if (U_SUCCESS(ec) && cd_buf_reserve(out, (size_t)n8 + 1) == CD_OK) {
    u_strToUTF8(out->data, n8 + 1, &n8, res, nres, &ec);
    out->len = (size_t)n8;
  } else if (U_SUCCESS(ec)) {
    free(a);
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  free(a);
  if (U_FAILURE(ec))
    return cd_error_set(err, CD_ERR_INTERNAL, "ICU cannot fold a segment: %s", u_errorName(ec));
  return CD_OK;
}

/* ---- index terms ------------------------------------------------------------------------- */

/* The characters FTS5's tokenizer keeps (categories 'L* N* Co M*' in the store's schema). */
static bool is_term_char(UChar32 c) {
  return (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_N_MASK | U_GC_CO_MASK | U_GC_M_MASK)) != 0;
}

void cd_terms_each(const char *s, size_t len, cd_terms_fn fn, void *ud) {
  size_t i = 0, start = 0;
  bool in = false;
  while (i < len) {
    size_t at = i;
    UChar32 c;
    if ((unsigned char)s[i] < 0x80)
      c = (unsigned char)s[i++];
    else
      c = cd_utf8_next(s, len, &i);
    bool t = c >= 0 && is_term_char(c);
    if (t && !in) {
      start = at;
      in = true;
    } else if (!t && in) {
      fn(ud, s + start, at - start);
      in = false;
    }
  }
  if (in)
    fn(ud, s + start, len - start);
}

bool cd_terms_is_number(const char *term, size_t len) {
  size_t i = 0;
  while (i < len) {
    UChar32 c = cd_utf8_next(term, len, &i);
    if (c < 0 || !u_isdigit(c))
      return false;
  }
  return len > 0;
}
