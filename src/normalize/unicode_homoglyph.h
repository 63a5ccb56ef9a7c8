/* SPDX-License-Identifier: MIT */
/* unicode_homoglyph.h — repairs a word that mixes Latin, Cyrillic and Greek look-alikes
 * (internal to the normalize module).
 *
 * The decision is ICU's: the spoof checker's restriction level says the word mixes
 * scripts, skeletons (comparison keys, never written out) say which letter of the minority
 * script looks like which letter of the majority script, and the target language's
 * exemplar set says which of those letters the language actually uses. */
#ifndef CD_UNICODE_HOMOGLYPH_H
#define CD_UNICODE_HOMOGLYPH_H

#include "cd_text.h"

typedef struct cd_homoglyph cd_homoglyph;

/* lang: BCP-47 tag of the text. Latin letters allowed as repairs are the language's own
 * plus English ones; Cyrillic ones the language's own, else Ukrainian + Russian; Greek ones
 * the language's own, else Greek. */
cd_status cd_homoglyph_new(const char *lang, cd_homoglyph **out, cd_error *err);
void cd_homoglyph_free(cd_homoglyph *h);

typedef enum cd_homoglyph_verdict {
  CD_HOMOGLYPH_CLEAN = 0,    /* not a mixed-script word: nothing to do */
  CD_HOMOGLYPH_REPAIRED = 1, /* out holds the word in its majority script */
  CD_HOMOGLYPH_SUSPECT = 2   /* mixed, but no majority or no look-alike: leave it, flag it */
} cd_homoglyph_verdict;

/* Examines one word (UTF-8, already NFC and without invisible characters). On
 * CD_HOMOGLYPH_REPAIRED out receives the repaired word, which has exactly as many code
 * points as the input (only look-alike letters differ), and *confidence is set. */
cd_homoglyph_verdict cd_homoglyph_check(cd_homoglyph *h, const char *word, size_t len, cd_buf *out,
                                        double *confidence);

#endif
