/* SPDX-License-Identifier: MIT */
/* typography_style.h — a house style for the typography stage (internal to normalize).
 *
 * A style is data: dicts/styles/<lang>.tsv, one `key<TAB>value` a line (format in
 * dicts/styles/README.md). This module only parses and holds it; the stage applies it. */
#ifndef CD_TYPOGRAPHY_STYLE_H
#define CD_TYPOGRAPHY_STYLE_H

#include "cd_text.h"

/* What to do with the space before : ; ! ? (and, for guillemet_space, inside « »). */
typedef enum cd_typo_space_mode {
  CD_TYPO_SPACE_KEEP,  /* leave whatever the text has */
  CD_TYPO_SPACE_NONE,  /* no space: remove one that was typed */
  CD_TYPO_SPACE_INSERT /* a no-break space (the `space` code point): insert or replace */
} cd_typo_space_mode;

typedef struct cd_typo_space {
  cd_typo_space_mode mode;
  char text[5]; /* UTF-8 of the no-break space when mode is INSERT */
  size_t len;
} cd_typo_space;

/* A quotation-mark pair the stage converts to the house pair when it is balanced in a line. */
typedef struct cd_typo_pair {
  uint32_t open, close;
} cd_typo_pair;

/* A word list: lower case (ASCII), each word NUL-terminated, back to back; n of them. */
typedef struct cd_typo_words {
  char *words;
  size_t len, n;
} cd_typo_words;

typedef struct cd_typo_style {
  char *name; /* the file it came from, whole (a long data path), for messages ("built-in en") */
  char quote_open[16], quote_close[16], inner_open[16], inner_close[16];
  uint32_t cp_quote_open, cp_quote_close, cp_inner_open, cp_inner_close; /* single cps */
  char apostrophe[16];
  char dash[16]; /* the dash of running text, written with a space either side */
  char ellipsis[16];
  char number_range[16];    /* "" = keep year ranges as typed, else the range dash */
  cd_typo_space high_punct; /* before ; ! ? */
  cd_typo_space colon;      /* before : */
  cd_typo_space guillemet;  /* inside « » */
  /* The dash joining the two ends of a route, a pairing or a range of numbers (Lviv - Kyiv
   * train, Dynamo - Shakhtar 1:0, 2 - 3 degrees); "" = keep: such a dash is left as typed. */
  char range_dash[16];
  cd_typo_words elisions;    /* words that take a leading apostrophe: rock 'n' roll, 'em */
  cd_typo_words range_nouns; /* nouns that make two names a route or pairing: train, match */
  cd_typo_pair *pairs;       /* foreign pairs, double and single */
  size_t n_pairs;
} cd_typo_style;

/* Loads the style for lang (its primary subtag) from data_dir/styles/<lang>.tsv, falling back
 * to en.tsv; data_dir NULL gives the built-in en style. A malformed file is CD_ERR_DATA with
 * err naming the file and line. The caller frees with cd_typo_style_free. */
cd_status cd_typo_style_load(const char *data_dir, const char *lang, cd_typo_style **out,
                             cd_error *err);
/* Parses a style from text; label names it in messages. */
cd_status cd_typo_style_parse(const char *text, size_t len, const char *label, cd_typo_style **out,
                              cd_error *err);
void cd_typo_style_free(cd_typo_style *s);

/* True when w (n bytes, any ASCII case) is one of the style's leading-apostrophe words. */
bool cd_typo_style_is_elision(const cd_typo_style *s, const char *w, size_t n);
/* True when w (n bytes, any ASCII case) is one of the style's route or pairing nouns. */
bool cd_typo_style_is_range_noun(const cd_typo_style *s, const char *w, size_t n);
/* True when (open, close) is a foreign pair of the style. */
bool cd_typo_style_is_foreign_pair(const cd_typo_style *s, uint32_t open, uint32_t close);

#endif
