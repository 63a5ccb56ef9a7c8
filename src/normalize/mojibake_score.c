/* SPDX-License-Identifier: MIT */
/* How implausible a run of text is ("badness"), from ICU character properties.
 *
 * Mojibake leaves typical traces: C1 controls; a letter followed by symbols inside a word
 * ("ThiÃ©riot", "doesnâ€™t"); letters of two scripts glued together ("rГ©gion"); case
 * that flips inside a word ("РґРѕСЂРѕ", "ZURÃœCK"); letters no language writes ("ɒ",
 * "ſ"). A candidate repair is kept only when it removes enough of these. Every penalty is
 * about two neighbouring characters or one character, so the score of a window can be
 * compared before and after a repair. */
#include "mojibake_internal.h"

#include <stdlib.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

enum { K_SPACE, K_APUNCT, K_DIGIT, K_LETTER, K_MARK, K_ODD, K_C1, K_BAD, K_FFFD };

static int kind_of(uint32_t c) {
  if (c < 0x80) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
      return K_LETTER;
    if (c >= '0' && c <= '9')
      return K_DIGIT;
    if (c <= ' ' || c == 0x7F)
      return K_SPACE;
    return K_APUNCT;
  }
  if (c < 0xA0)
    return K_C1;
  if (c == 0xFFFD)
    return K_FFFD;
  switch (u_charType((UChar32)c)) {
  case U_UPPERCASE_LETTER:
  case U_LOWERCASE_LETTER:
  case U_TITLECASE_LETTER:
  case U_MODIFIER_LETTER:
  case U_OTHER_LETTER: return K_LETTER;
  case U_NON_SPACING_MARK:
  case U_COMBINING_SPACING_MARK:
  case U_ENCLOSING_MARK: return K_MARK;
  case U_DECIMAL_DIGIT_NUMBER: return K_DIGIT;
  case U_SPACE_SEPARATOR:
  case U_LINE_SEPARATOR:
  case U_PARAGRAPH_SEPARATOR: return K_SPACE;
  case U_UNASSIGNED:
  case U_PRIVATE_USE_CHAR:
  case U_SURROGATE:
  case U_CONTROL_CHAR: return K_BAD;
  default: return K_ODD; /* symbols, punctuation, other numbers, format characters */
  }
}

bool mj_forbidden(uint32_t c) {
  if (c == '\t')
    return false;
  if (c < 0x20 || (c >= 0x7F && c < 0xA0))
    return true;
  if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF) || (c >= 0xFDD0 && c <= 0xFDEF) ||
      (c & 0xFFFE) == 0xFFFE)
    return true;
  int8_t t = u_charType((UChar32)c);
  return t == U_UNASSIGNED || t == U_PRIVATE_USE_CHAR;
}

static bool common_symbol(uint32_t c) {
  return (c >= 0x2000 && c <= 0x215F) || (c >= 0x2190 && c <= 0x22FF) ||
         (c >= 0x2300 && c <= 0x23FF) || (c >= 0x2500 && c <= 0x27BF) ||
         (c >= 0x3000 && c <= 0x303F) || (c >= 0xFB00 && c <= 0xFB06) || c == 0xFEFF || c == 0xFFFD;
}

static UScriptCode script_of(uint32_t c);
static bool specific_script(UScriptCode s);

static bool glued_other_script(uint32_t side, UScriptCode s) {
  return side && u_isalpha((UChar32)side) && script_of(side) != s;
}

bool mj_plausible(const uint32_t *v, size_t n, uint32_t left, uint32_t right) {
  for (size_t i = 0; i < n; i++) {
    uint32_t c = v[i];
    if (c < 0x800 || c >= 0x10000 || common_symbol(c))
      continue;
    UScriptCode s = script_of(c);
    int8_t gc = u_charType((UChar32)c);
    uint32_t l = i == 0 ? left : v[i - 1], r = i + 1 == n ? right : v[i + 1];
    if (gc == U_NON_SPACING_MARK || gc == U_COMBINING_SPACING_MARK || gc == U_ENCLOSING_MARK) {
      if (l && (script_of(l) == s || !specific_script(s)))
        continue;   /* a vowel sign of an Indic word */
      return false; /* a mark on nothing of its script */
    }
    if (u_ispunct((UChar32)c) && !specific_script(s))
      continue; /* a fullwidth comma; not Samaritan punctuation */
    if (!specific_script(s) && !u_isalpha((UChar32)c))
      return false; /* a circled letter, an Indic number form: not what text is made of */
    if (s == USCRIPT_BRAILLE && c != 0x2800)
      return false;
    if (!u_isalpha((UChar32)c) && specific_script(s) && s != USCRIPT_BRAILLE)
      return false; /* a sign of another script's own */
    if (s == USCRIPT_LATIN)
      continue;
    if (glued_other_script(l, s) || glued_other_script(r, s))
      return false; /* a circled letter or an ideograph inside a Cyrillic word */
    /* a lone letter standing as a word of its own between spaces (an ideograph from "ж"
     * + no-break space + dash in Ukrainian text); kaomoji arms "(ง'̀⌣'́)ง" lean on
     * punctuation, not spaces */
    if (u_isalpha((UChar32)c) && script_of(l) != s && script_of(r) != s &&
        (!l || u_isspace((UChar32)l)) && (!r || u_isspace((UChar32)r)))
      return false;
  }
  return true;
}

bool mj_is_letter(uint32_t c) { return kind_of(c) == K_LETTER; }

bool mj_same_script(uint32_t a, uint32_t b) { return script_of(a) == script_of(b); }

bool mj_is_latin(uint32_t c) { return script_of(c) == USCRIPT_LATIN; }

bool mj_is_mark(uint32_t c) { return kind_of(c) == K_MARK; }

bool mj_is_plain_letter(uint32_t c) {
  if (!mj_is_letter(c))
    return false;
  if (c < 0x800)
    return true;
  switch (script_of(c)) {
  case USCRIPT_LATIN:
  case USCRIPT_GREEK:
  case USCRIPT_CYRILLIC:
  case USCRIPT_HAN:
  case USCRIPT_HIRAGANA:
  case USCRIPT_KATAKANA:
  case USCRIPT_HANGUL:
  case USCRIPT_THAI:
  case USCRIPT_ARABIC:
  case USCRIPT_HEBREW:
  case USCRIPT_DEVANAGARI:
  case USCRIPT_BENGALI:
  case USCRIPT_TAMIL:
  case USCRIPT_GEORGIAN:
  case USCRIPT_ARMENIAN:
  case USCRIPT_ETHIOPIC: return true;
  default: return false;
  }
}
bool mj_is_lower(uint32_t c) { return u_isULowercase((UChar32)c); }

static bool is_upper(uint32_t c) { return u_isUUppercase((UChar32)c); }

static UScriptCode script_of(uint32_t c) {
  UErrorCode ec = U_ZERO_ERROR;
  UScriptCode s = uscript_getScript((UChar32)c, &ec);
  return U_FAILURE(ec) ? USCRIPT_COMMON : s;
}

static bool specific_script(UScriptCode s) {
  return s != USCRIPT_COMMON && s != USCRIPT_INHERITED && s != USCRIPT_UNKNOWN;
}

/* A letter that people do not write: modifier letters, or letters of the alphabetic
 * scripts that mojibake produces (Latin, Greek, Cyrillic, Armenian) that no language's
 * exemplar set has. */
static bool rare_letter(const mj_tables *t, uint32_t c) {
  if (c < 0x80)
    return false;
  if (u_charType((UChar32)c) == U_MODIFIER_LETTER)
    return true;
  if (c >= 0x800 && !mj_is_plain_letter(c))
    return true; /* Coptic, Lao, Syllabics...: no desk's text */
  UScriptCode s = script_of(c);
  if (s != USCRIPT_LATIN && s != USCRIPT_GREEK && s != USCRIPT_CYRILLIC && s != USCRIPT_ARMENIAN)
    return false;
  return !uset_contains(t->plausible, (UChar32)c);
}

static bool is_strong(const mj_tables *t, uint32_t c) {
  for (size_t k = 0; k < t->n_strong; k++)
    if (t->strong[k] == c)
      return true;
  return false;
}

/* A single character between two letters that is ordinary inside words: apostrophes,
 * hyphens, the Catalan middle dot. */
static bool word_internal(uint32_t c) {
  return c == 0x2019 || c == 0x02BC || c == 0x00B7 || c == 0x2010 || c == 0x2011;
}

/* Everything badness asks about a code point, packed: kind, case, rarity, maths, script.
 * Precomputed for the BMP at stage open (mj_info_build), computed on the fly above. */
#define I_KIND(x) ((int)((x)&15u))
#define I_UPPER 0x10u
#define I_LOWER 0x20u
#define I_RARE 0x40u
#define I_MATH 0x80u
#define I_CLOSE 0x1000000u /* closing punctuation that normally ends a word: ” » ) … */
#define I_SCRIPT(x) ((UScriptCode)(((x) >> 8) & 0xFFFF))

static uint32_t compute_info(const mj_tables *t, uint32_t c) {
  uint32_t x = (uint32_t)kind_of(c);
  if (is_upper(c))
    x |= I_UPPER;
  if (mj_is_lower(c))
    x |= I_LOWER;
  if (I_KIND(x) == K_LETTER && rare_letter(t, c))
    x |= I_RARE;
  if (c >= 0x80 && u_charType((UChar32)c) == U_MATH_SYMBOL)
    x |= I_MATH;
  int8_t gc = u_charType((UChar32)c);
  if (c >= 0x80 && (gc == U_FINAL_PUNCTUATION || gc == U_END_PUNCTUATION || c == 0x2026))
    x |= I_CLOSE;
  UScriptCode sc = script_of(c);
  if (sc < 0 || sc > 0xFFFF)
    sc = USCRIPT_UNKNOWN;
  return x | ((uint32_t)sc << 8);
}

static inline uint32_t info(const mj_tables *t, uint32_t c) {
  return c < 0x10000 && t->info ? t->info[c] : compute_info(t, c);
}

cd_status mj_info_build(mj_tables *t) {
  uint32_t *tab = malloc(0x10000 * sizeof *tab);
  if (!tab)
    return CD_ERR_NOMEM;
  for (uint32_t c = 0; c < 0x10000; c++)
    tab[c] = compute_info(t, c);
  t->info = tab;
  return CD_OK;
}

static bool alphabets_apart(const mj_tables *t, uint32_t a, uint32_t b, UScriptCode sc) {
  if (a >= 0x10000 || b >= 0x10000 ||
      (sc != USCRIPT_LATIN && sc != USCRIPT_GREEK && sc != USCRIPT_CYRILLIC))
    return false;
  return (t->alpha[a] | t->alpha[b]) && !(t->alpha[a] & t->alpha[b]);
}

int mj_badness(const mj_tables *t, const uint32_t *w, size_t n, bool latin_line) {
  int bad = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t c = w[i];
    uint32_t ic = info(t, c);
    int k = I_KIND(ic);
    uint32_t in = i + 1 < n ? info(t, w[i + 1]) : 0;
    int kn = i + 1 < n ? I_KIND(in) : K_SPACE;
    if (k == K_C1)
      bad += 3;
    else if (k == K_BAD)
      bad += 4;
    else if (k == K_FFFD && i > 0 && w[i - 1] >= 0x80 && I_KIND(info(t, w[i - 1])) == K_LETTER)
      bad += 1; /* a lead character whose continuation was lost */
    if (c < 0x80 && k != K_LETTER)
      continue;
    /* "Ã" or "Â" before another non-ASCII character, unless that is an apostrophe inside
     * a word ("Ã’s"). */
    if (i + 1 < n && c >= 0x80 && w[i + 1] >= 0x80 && is_strong(t, c) &&
        !(word_internal(w[i + 1]) && i + 2 < n && I_KIND(info(t, w[i + 2])) == K_LETTER))
      bad += 2;
    /* The middle of a run of three or more non-ASCII symbols: "×‘×”×•". */
    if (k == K_ODD && c >= 0x80 && i > 0 && i + 1 < n && w[i - 1] >= 0x80 && w[i + 1] >= 0x80 &&
        I_KIND(info(t, w[i - 1])) == K_ODD && kn == K_ODD)
      bad += 1;
    /* A character of another script alone in a Latin line: "HUHLL Ե", "est᠓". */
    if (latin_line && c >= 0x80 && k != K_SPACE) {
      UScriptCode sc = I_SCRIPT(ic);
      bool lone = specific_script(sc) && sc != USCRIPT_LATIN && sc != USCRIPT_GREEK;
      if (lone && i > 0 && I_SCRIPT(info(t, w[i - 1])) == sc)
        lone = false;
      if (lone && i + 1 < n && I_SCRIPT(in) == sc)
        lone = false;
      if (lone)
        bad += 2;
    }
    if (k != K_LETTER)
      continue;
    if (ic & I_RARE)
      bad += 2;
    bool prev_letter = i > 0 && I_KIND(info(t, w[i - 1])) == K_LETTER;
    if (i + 1 >= n)
      continue;
    if (kn == K_LETTER) {
      UScriptCode sc = I_SCRIPT(ic), sd = I_SCRIPT(in);
      /* Greek letters inside Latin words are normal in science ("IL2Rγc", "TNFα"). */
      bool greek_latin = (sc == USCRIPT_GREEK && sd == USCRIPT_LATIN) ||
                         (sc == USCRIPT_LATIN && sd == USCRIPT_GREEK);
      if (specific_script(sc) && specific_script(sd) && sc != sd && !greek_latin)
        bad += 2;
      /* two Latin, Greek or Cyrillic letters of the upper half that no alphabet of
       * alphabets.txt has together: "РЅСЋ" (cp1251 for "ню") */
      else if (c >= 0x80 && w[i + 1] >= 0x80 && sc == sd && t->n_alpha &&
               alphabets_apart(t, c, w[i + 1], sc))
        bad += 1;
      if ((ic & I_LOWER) && (in & I_UPPER))
        bad += 1;
      /* a capital of the upper half inside a lower-case word: "magyarĂłra", "cupalÄƒ" */
      if (c >= 0x80 && (ic & I_UPPER) && (in & I_LOWER) && prev_letter &&
          (info(t, w[i - 1]) & I_LOWER))
        bad += 1;
      /* two capitals of the upper half against a small letter: "ÅŸahin", "ĹĽycie", "daÄŸ" */
      if (c >= 0x80 && w[i + 1] >= 0x80 && (ic & I_UPPER) && (in & I_UPPER) &&
          ((prev_letter && (info(t, w[i - 1]) & I_LOWER)) ||
           (i + 2 < n && (info(t, w[i + 2]) & I_LOWER))))
        bad += 1;
      if (prev_letter && (info(t, w[i - 1]) & I_UPPER) && (ic & I_UPPER) && (in & I_LOWER))
        bad += 1;
    } else if (kn == K_ODD || kn == K_C1 || kn == K_FFFD) {
      size_t j = i + 1;
      bool math = false, closing = true;
      for (; j < n; j++) {
        uint32_t ij = info(t, w[j]);
        int kj = I_KIND(ij);
        if (kj != K_ODD && kj != K_C1 && kj != K_FFFD)
          break;
        math |= (ij & I_MATH) != 0;
        closing &= (ij & I_CLOSE) != 0;
      }
      bool sandwiched = j < n && I_KIND(info(t, w[j])) == K_LETTER;
      if (math)
        bad += 1; /* maths glued to the end of a word: "Zam√≤" */
      if (sandwiched && !(j == i + 2 && word_internal(w[i + 1])))
        bad += (j == i + 2 && c < 0x80 && w[j] < 0x80) ? 1 : 2; /* "Ningbo，China" */
      else if (!sandwiched && !closing && (c >= 0x80 || j >= i + 3))
        bad += 1; /* "Å³" at the end of a word, or two odd symbols after one; not "ові»" */
    }
  }
  return bad;
}
