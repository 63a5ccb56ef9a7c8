/* SPDX-License-Identifier: MIT */
/* cd_lang.h — language identification: libexttextcat over a restricted fingerprint list,
 * plus alphabet evidence (і ї є ґ → uk, ы э ъ ё → ru) that n-grams alone get wrong on
 * short Cyrillic text (a few words of Ukrainian scored as Russian, and the reverse). */
#ifndef CD_LANG_H
#define CD_LANG_H

#include "cd_text.h"

typedef struct cd_langid cd_langid;

/* Reads data_dir/langid/fpdb.conf (the languages with a house style; fingerprints from
 * /usr/share/libexttextcat/), data_dir/langid/function-words.txt and
 * data_dir/names/particles.txt; a missing file leaves fewer texts with a language, a
 * malformed one is CD_ERR_DATA naming file and line. data_dir NULL: alphabets only. */
cd_status cd_langid_new(const char *data_dir, cd_langid **out, cd_error *err);
void cd_langid_free(cd_langid *id);

/* A detection and how sure it is: the language ("und" when unsure), what decided it
 * ("alphabet": letters only one alphabet has; "words": function words and words only one
 * language's dictionary knows; "n-grams": libexttextcat sure on long text; NULL: nothing
 * did), the evidence for it and the strongest evidence for another language, in the unit
 * of the basis (letters or words; a function word counts twice). */
typedef struct cd_lang_guess {
  char lang[16];
  const char *basis;
  unsigned letters, evidence, against;
} cd_lang_guess;

/* Detects the language of text[0, len) (at most the first 64 KB). Short text (a headline, a
 * caption) gets a language only when its words agree: a wrong language would apply another
 * language's house style, no language applies none. */
cd_status cd_langid_guess(cd_langid *id, const char *text, size_t len, cd_lang_guess *g);

/* One line for -v: "words: evidence 5 against 0", "n-grams sure in 812 letters", ... */
void cd_lang_guess_describe(const cd_lang_guess *g, char *out, size_t n);

/* Writes a BCP-47 tag ("en", "uk", ...) into lang; "und" when undecided (empty or too
 * little text). Looks at most at the first 64 KB. */
cd_status cd_langid_detect(cd_langid *id, const char *text, size_t len, char lang[16]);

/* The language encoded in a file name: "…-LANG.txt", "….LANG.txt", or "….L1-L2.tsv" and
 * "….L1-L2.json" (for those, src and tgt both). Returns false when the name says nothing. */
bool cd_lang_from_filename(const char *path, char src[16], char tgt[16]);

/* True for tags copydesk accepts: 2–3 letter primary subtag, optional subtags. */
bool cd_lang_tag_valid(const char *tag);

#endif
