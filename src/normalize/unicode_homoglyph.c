/* SPDX-License-Identifier: MIT */
/* Mixed-script look-alike repair with ICU's spoof checker, skeletons and exemplar sets. */
#include "unicode_homoglyph.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/uloc.h>
#include <unicode/ulocdata.h>
#include <unicode/uscript.h>
#include <unicode/uset.h>
#include <unicode/uspoof.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

/* A word longer than this many code points is not a name someone disguised: left alone,
 * which also bounds the work per word whatever the input. */
#define HG_MAX_WORD 128
/* The skeleton of one code point is a few UTF-16 units (ICU's longest is 18). */
#define HG_SKEL_CAP 24

enum { HG_LATIN, HG_CYRILLIC, HG_GREEK, HG_NSCRIPTS };
static const UScriptCode hg_script_code[HG_NSCRIPTS] = {USCRIPT_LATIN, USCRIPT_CYRILLIC,
                                                        USCRIPT_GREEK};

typedef struct hg_letter {
  UChar32 c;
  int32_t skel_len;
  UChar skel[HG_SKEL_CAP];
} hg_letter;

struct cd_homoglyph {
  USpoofChecker *sc;
  USpoofCheckResult *res;
  hg_letter *letters[HG_NSCRIPTS]; /* the letters a repair may produce, per script */
  size_t n_letters[HG_NSCRIPTS];
  UChar32 *cps;
  size_t cap_cps;
};

static int hg_script_index(UChar32 c) {
  UErrorCode ec = U_ZERO_ERROR;
  UScriptCode sc = uscript_getScript(c, &ec);
  for (int k = 0; k < HG_NSCRIPTS; k++)
    if (sc == hg_script_code[k])
      return k;
  return -1;
}

static int32_t skeleton_of(const USpoofChecker *sc, UChar32 c, UChar *out) {
  UChar in[2];
  int32_t n = 0;
  U16_APPEND_UNSAFE(in, n, c);
  UErrorCode ec = U_ZERO_ERROR;
  int32_t len = uspoof_getSkeleton(sc, 0, in, n, out, HG_SKEL_CAP, &ec);
  return U_FAILURE(ec) ? -1 : len;
}

/* The standard exemplar set of a language with case mappings added; empty when ICU has no
 * data for it (never NULL unless out of memory). */
static USet *exemplars(const char *lang) {
  char locale[ULOC_FULLNAME_CAPACITY];
  UErrorCode ec = U_ZERO_ERROR;
  uloc_forLanguageTag(lang, locale, (int32_t)sizeof locale, NULL, &ec);
  if (U_FAILURE(ec) || ec == U_STRING_NOT_TERMINATED_WARNING)
    return uset_openEmpty();
  ec = U_ZERO_ERROR;
  ULocaleData *ld = ulocdata_open(locale, &ec);
  if (U_FAILURE(ec))
    return uset_openEmpty();
  USet *s = ulocdata_getExemplarSet(ld, NULL, USET_ADD_CASE_MAPPINGS, ULOCDATA_ES_STANDARD, &ec);
  ulocdata_close(ld);
  /* A fallback to the default locale is not the language's data. */
  if (U_FAILURE(ec) || ec == U_USING_DEFAULT_WARNING || !s) {
    if (s)
      uset_close(s);
    return uset_openEmpty();
  }
  return s;
}

/* Adds the letters of `from` written in `script` to `to`; returns how many were added. */
static int32_t add_letters(USet *to, const USet *from, UScriptCode script) {
  int32_t added = 0, items = uset_getItemCount(from);
  for (int32_t k = 0; k < items; k++) {
    UChar32 lo, hi;
    UErrorCode ec = U_ZERO_ERROR;
    if (uset_getItem(from, k, &lo, &hi, NULL, 0, &ec) != 0 || U_FAILURE(ec))
      continue; /* a multi-letter string such as "ch": not a single look-alike */
    for (UChar32 c = lo; c <= hi; c++) {
      UErrorCode e2 = U_ZERO_ERROR;
      if (u_isalpha(c) && uscript_getScript(c, &e2) == script && !uset_contains(to, c)) {
        uset_add(to, c);
        added++;
      }
    }
  }
  return added;
}

static cd_status build_script(cd_homoglyph *h, int k, const char *lang, cd_error *err) {
  USet *allowed = uset_openEmpty(), *own = exemplars(lang);
  const char *fallback[2] = {NULL, NULL};
  if (k == HG_LATIN)
    fallback[0] = "en"; /* English letters are always fine in a Latin name */
  if (add_letters(allowed, own, hg_script_code[k]) == 0) {
    if (k == HG_CYRILLIC) {
      fallback[0] = "uk";
      fallback[1] = "ru";
    } else if (k == HG_GREEK) {
      fallback[0] = "el";
    }
  }
  uset_close(own);
  for (int f = 0; f < 2; f++) {
    if (!fallback[f])
      continue;
    USet *s = exemplars(fallback[f]);
    add_letters(allowed, s, hg_script_code[k]);
    uset_close(s);
  }
  int32_t n = uset_size(allowed);
  h->letters[k] = calloc(n > 0 ? (size_t)n : 1, sizeof(hg_letter));
  if (!h->letters[k]) {
    uset_close(allowed);
    return cd_error_set(err, CD_ERR_NOMEM, "unicode stage: out of memory");
  }
  for (int32_t i = 0; i < n; i++) {
    hg_letter *l = &h->letters[k][h->n_letters[k]];
    l->c = uset_charAt(allowed, i);
    l->skel_len = skeleton_of(h->sc, l->c, l->skel);
    if (l->skel_len > 0)
      h->n_letters[k]++;
  }
  uset_close(allowed);
  return CD_OK;
}

cd_status cd_homoglyph_new(const char *lang, cd_homoglyph **out, cd_error *err) {
  *out = NULL;
  cd_homoglyph *h = calloc(1, sizeof *h);
  if (!h)
    return cd_error_set(err, CD_ERR_NOMEM, "unicode stage: out of memory");
  UErrorCode ec = U_ZERO_ERROR;
  h->sc = uspoof_open(&ec);
  uspoof_setChecks(h->sc, USPOOF_RESTRICTION_LEVEL | USPOOF_CONFUSABLE | USPOOF_AUX_INFO, &ec);
  h->res = uspoof_openCheckResult(&ec);
  if (U_FAILURE(ec)) {
    cd_homoglyph_free(h);
    return cd_error_set(err, CD_ERR_INTERNAL, "unicode stage: ICU spoof checker: %s",
                        u_errorName(ec));
  }
  for (int k = 0; k < HG_NSCRIPTS; k++) {
    cd_status st = build_script(h, k, lang && *lang ? lang : "en", err);
    if (st) {
      cd_homoglyph_free(h);
      return st;
    }
  }
  *out = h;
  return CD_OK;
}

void cd_homoglyph_free(cd_homoglyph *h) {
  if (!h)
    return;
  for (int k = 0; k < HG_NSCRIPTS; k++)
    free(h->letters[k]);
  free(h->cps);
  uspoof_closeCheckResult(h->res);
  uspoof_close(h->sc);
  free(h);
}

static bool same_case(UChar32 a, UChar32 b) {
  return (bool)u_isUUppercase(a) == (bool)u_isUUppercase(b) &&
         (bool)u_isULowercase(a) == (bool)u_isULowercase(b);
}

static bool allowed_in(const cd_homoglyph *h, int k, UChar32 c) {
  for (size_t i = 0; i < h->n_letters[k]; i++)
    if (h->letters[k][i].c == c)
      return true;
  return false;
}

/* The single letter of script k that looks like c and has its case; -1 when there is none
 * or more than one. */
static UChar32 unique_lookalike(const cd_homoglyph *h, int k, UChar32 c) {
  UChar skel[HG_SKEL_CAP];
  int32_t n = skeleton_of(h->sc, c, skel);
  if (n <= 0)
    return -1;
  UChar32 found = -1;
  int count = 0;
  for (size_t i = 0; i < h->n_letters[k]; i++) {
    const hg_letter *l = &h->letters[k][i];
    if (l->skel_len == n && memcmp(l->skel, skel, (size_t)n * sizeof(UChar)) == 0 &&
        same_case(l->c, c)) {
      found = l->c;
      count++;
    }
  }
  return count == 1 ? found : -1;
}

static UChar32 lookalike(const cd_homoglyph *h, int k, UChar32 c) {
  UChar32 r = unique_lookalike(h, k, c);
  if (r >= 0)
    return r;
  /* Capitals often share a skeleton with another letter (I and l): decide on the small
   * letter, then go back to the capital. */
  UChar32 lc = u_tolower(c);
  if (lc == c)
    return -1;
  r = unique_lookalike(h, k, lc);
  if (r < 0)
    return -1;
  r = u_toupper(r);
  return allowed_in(h, k, r) && same_case(r, c) ? r : -1;
}

cd_homoglyph_verdict cd_homoglyph_check(cd_homoglyph *h, const char *word, size_t len, cd_buf *out,
                                        double *confidence) {
  if (len > (size_t)HG_MAX_WORD * 4)
    return CD_HOMOGLYPH_CLEAN;
  UErrorCode ec = U_ZERO_ERROR;
  uspoof_check2UTF8(h->sc, word, (int32_t)len, h->res, &ec);
  URestrictionLevel level = uspoof_getCheckResultRestrictionLevel(h->res, &ec);
  if (U_FAILURE(ec) || level < USPOOF_MINIMALLY_RESTRICTIVE)
    return CD_HOMOGLYPH_CLEAN;

  if (h->cap_cps < len) {
    UChar32 *p = realloc(h->cps, len * sizeof *p);
    if (!p)
      return CD_HOMOGLYPH_CLEAN;
    h->cps = p;
    h->cap_cps = len;
  }
  size_t n = 0, counts[HG_NSCRIPTS] = {0, 0, 0}, letters = 0;
  for (int32_t i = 0; i < (int32_t)len;) {
    UChar32 c;
    U8_NEXT((const uint8_t *)word, i, (int32_t)len, c);
    if (c < 0)
      return CD_HOMOGLYPH_CLEAN;
    h->cps[n++] = c;
    if (!u_isalpha(c))
      continue;
    int k = hg_script_index(c);
    if (k >= 0) {
      counts[k]++;
      letters++;
      continue;
    }
    UErrorCode e2 = U_ZERO_ERROR;
    UScriptCode sc = uscript_getScript(c, &e2);
    if (sc != USCRIPT_COMMON && sc != USCRIPT_INHERITED)
      return CD_HOMOGLYPH_CLEAN; /* another script altogether: not a look-alike problem */
  }
  if (n > HG_MAX_WORD)
    return CD_HOMOGLYPH_CLEAN;
  /* Only Latin and Cyrillic are repaired into each other (the look-alikes newsrooms meet:
   * "Kyіv", "Пaриж"). A Greek letter in a Latin word is usually meant (IL2Rγ, μm, β-blocker),
   * and Latin in a Greek word too: neither rewritten nor flagged. */
  if (counts[HG_GREEK] > 0)
    return CD_HOMOGLYPH_CLEAN;
  int target = -1;
  for (int k = 0; k < HG_NSCRIPTS; k++)
    if (counts[k] * 2 > letters)
      target = k;
  if (target < 0)
    return CD_HOMOGLYPH_SUSPECT;

  cd_buf_clear(out);
  for (size_t i = 0; i < n; i++) {
    UChar32 c = h->cps[i];
    int k = u_isalpha(c) ? hg_script_index(c) : -1;
    if (k >= 0 && k != target) {
      c = lookalike(h, target, c);
      if (c < 0)
        return CD_HOMOGLYPH_SUSPECT;
    }
    if (cd_buf_append_cp(out, (uint32_t)c))
      return CD_HOMOGLYPH_CLEAN;
  }
  /* The whole repaired word must be what ICU calls a mixed-script confusable of the
   * original: the per-letter choice did not wander off. */
  ec = U_ZERO_ERROR;
  int32_t conf =
      uspoof_areConfusableUTF8(h->sc, word, (int32_t)len, out->data, (int32_t)out->len, &ec);
  if (U_FAILURE(ec) || !(conf & USPOOF_MIXED_SCRIPT_CONFUSABLE))
    return CD_HOMOGLYPH_SUSPECT;
  size_t minority = letters - counts[target];
  *confidence = 0.6 + 0.35 * (1.0 - (double)minority / (double)letters);
  return CD_HOMOGLYPH_REPAIRED;
}
