/* cd_lang.h — language identification: libexttextcat over a restricted fingerprint list,
 * plus alphabet evidence (і ї є ґ → uk, ы э ъ ё → ru) that n-grams alone get wrong on
 * short Cyrillic text (LIBRARIES.md §2). */
#ifndef CD_LANG_H
#define CD_LANG_H

#include "cd_text.h"

typedef struct cd_langid cd_langid;

/* conf: a libexttextcat fpdb.conf (NULL = data_dir/langid/fpdb.conf); fingerprints are read
 * from /usr/share/libexttextcat/. */
cd_status cd_langid_new(const char *data_dir, cd_langid **out, cd_error *err);
void cd_langid_free(cd_langid *id);

/* Writes a BCP-47 tag ("en", "uk", ...) into lang; "und" when undecided (empty or too
 * little text). Looks at most at the first 64 KB. */
cd_status cd_langid_detect(cd_langid *id, const char *text, size_t len, char lang[16]);

/* The language encoded in a file name: "…-LANG.txt", "….LANG.txt", or "….L1-L2.tsv" and
 * "….L1-L2.json" (for those, src and tgt both). Returns false when the name says nothing. */
bool cd_lang_from_filename(const char *path, char src[16], char tgt[16]);

/* True for tags copydesk accepts: 2–3 letter primary subtag, optional subtags. */
bool cd_lang_tag_valid(const char *tag);

#endif
