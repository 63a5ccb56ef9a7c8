/* SPDX-License-Identifier: MIT */
/* mojibake_internal.h — the pieces of the mojibake stage (internal to src/normalize).
 *
 * mojibake_tables.c builds, from dicts/mojibake/ and glibc iconv, the byte <-> code point
 * tables of each charset the stage tries and a per-code-point mask for the fast path.
 * mojibake_score.c says how implausible a run of text looks ("badness"), from ICU
 * character properties, scripts and the CLDR exemplar characters of all languages. */
#ifndef CD_MOJIBAKE_INTERNAL_H
#define CD_MOJIBAKE_INTERNAL_H

#include "cd_text.h"

#include <unicode/uset.h>

#define MJ_MAX_CHARSETS 16
#define MJ_NO_BYTE 0 /* from_cp[]: the code point has no byte in this charset */
#define MJ_UNDEFINED 0xFFFFFFFFu

typedef struct mj_charset {
  char name[32];       /* as used in rule names: cp1252, koi8-r, ... */
  char iconv_name[32]; /* as glibc iconv knows it */
  int min_gain;        /* badness that a repair in this charset must remove, at least */
  bool sloppy;         /* bytes iconv leaves undefined decode to U+0080..U+00FF */
  uint32_t to_cp[256]; /* byte -> code point, MJ_UNDEFINED when the byte has none */
  uint8_t *from_cp;    /* 0x10000 entries: code point -> byte (>= 0x80), or MJ_NO_BYTE */
} mj_charset;

typedef struct mj_tables {
  mj_charset cs[MJ_MAX_CHARSETS];
  size_t n;
  /* Per BMP code point: bit k = a UTF-8 lead byte (C2..F4) in charset k; bit 16+k = a
   * continuation byte (80..BF) in charset k. */
  uint32_t *mask;
  uint32_t cp1252[32]; /* bytes 0x80..0x9F of cp1252; MJ_UNDEFINED for its five holes */
  uint32_t strong[32]; /* lead characters that almost never precede a non-ASCII one */
  size_t n_strong;
  char **joins; /* words that join "à" (a-grave-joins.txt) */
  size_t n_joins;
  USet *plausible; /* letters of any language's exemplar set (CLDR via ICU) */
  uint32_t *alpha; /* per BMP code point: bit j = a letter of language j of alphabets.txt */
  size_t n_alpha;  /* languages in alphabets.txt (0: no file, no alphabet evidence) */
  uint32_t *info;  /* per BMP code point: what mj_badness asks (mojibake_score.c) */
  char **rules;    /* rule names, see mj_rule() */
} mj_tables;

/* Loads dicts/mojibake/ from data_dir (NULL: built-in charset list, no joins, no
 * alphabets) and builds the tables. */
cd_status mj_tables_new(const char *data_dir, mj_tables **out, cd_error *err);
void mj_tables_free(mj_tables *t);

/* Rule name for a repair of `layers` layers; outer is the charset undone first, inner the
 * one undone last (equal to outer for one layer). */
const char *mj_rule(const mj_tables *t, size_t layers, size_t outer, size_t inner);

/* Badness of w[0..n): how much the run looks like mojibake rather than text. latin_line
 * says the whole line is mostly Latin letters (a lone letter of another script is odd). */
int mj_badness(const mj_tables *t, const uint32_t *w, size_t n, bool latin_line);
/* True for code points that no repair may produce: unassigned, private use,
 * noncharacters, surrogates, C0/C1 controls other than TAB. */
bool mj_forbidden(uint32_t c);
/* Whether a repair's result v[0, n), between the characters left and right of the line
 * (0 at an end), is plausible text: a character of three UTF-8 bytes (U+0800-U+FFFF) that
 * is not Latin, punctuation or a common symbol must not be glued to a letter of another
 * script. A Lao letter, a CJK ideograph or a circled letter inside a Cyrillic word is what
 * clean cp1251 text ("в’їзд", "об’єкт", "знає»") reads as when taken for UTF-8, never a
 * repair; Braille never is. */
bool mj_plausible(const uint32_t *v, size_t n, uint32_t left, uint32_t right);
/* Precomputes the per-code-point properties of the BMP (after `plausible` is built). */
cd_status mj_info_build(mj_tables *t);
bool mj_is_letter(uint32_t c);
bool mj_same_script(uint32_t a, uint32_t b);
bool mj_is_latin(uint32_t c);
bool mj_is_mark(uint32_t c);
/* A letter a repair may give without further proof: any letter below U+0800, or one of a
 * script that whole texts are written in (Latin, CJK, Korean, Thai, Arabic, Hebrew,
 * Indic...). A lone Coptic, Lao or Syllabics letter is what chance makes of clean text. */
bool mj_is_plain_letter(uint32_t c);
bool mj_is_lower(uint32_t c);

#endif
