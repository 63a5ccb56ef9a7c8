/* SPDX-License-Identifier: MIT */
/* cd_stem.h — word stems from the system's hunspell dictionaries, one per language, each
 * loaded the first time a word of that language is stemmed.
 *
 * A language (BCP-47; only the primary subtag counts) finds its dictionary in the
 * hunspell directory as LANG.dic, else LANG_LANG.dic (de_DE, ru_RU), else the first
 * LANG_*.dic in name order (uk_UA, en_US). A language without a dictionary gives no stems,
 * which is not an error: callers fall back to comparing words as written. */
#ifndef CD_STEM_H
#define CD_STEM_H

#include "cd_text.h"

typedef struct cd_stem_options {
  const char *hunspell_dir; /* default /usr/share/hunspell */
} cd_stem_options;

void cd_stem_options_init(cd_stem_options *o);

typedef struct cd_stemmer cd_stemmer;

/* Creates a stemmer; no dictionary is read yet. Free it with cd_stemmer_free. */
cd_status cd_stemmer_new(const cd_stem_options *o, cd_stemmer **out, cd_error *err);
void cd_stemmer_free(cd_stemmer *s);

/* Appends the stems hunspell gives for the word w[0, n) in lang to out, each followed by a
 * NUL, as the dictionary writes them (case not folded, duplicates possible), and sets
 * *count. Zero stems for an unknown word, a word longer than hunspell takes, or a language
 * without a dictionary. CD_ERR_DATA when the dictionary exists but cannot be loaded or is
 * not UTF-8 (the message names the file); CD_ERR_NOMEM. */
cd_status cd_stem_word(cd_stemmer *s, const char *lang, const char *w, size_t n, cd_buf *out,
                       size_t *count, cd_error *err);

/* Whether lang has a usable dictionary (loads it). */
bool cd_stem_has_dict(cd_stemmer *s, const char *lang);

#endif
