/* Language identification (see cd_lang.h). */
#include "cd_lang.h"
#include "cd_stem.h"

#include <libexttextcat/textcat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#define CD_LANGID_SAMPLE (64 * 1024)
/* fewer letters than this: a headline, a caption, a CMS field; n-grams alone are unsure */
#define CD_LANGID_SHORT 200
#define CD_TEXTCAT_PREFIX "/usr/share/libexttextcat/"

struct cd_langid {
  void *textcat; /* NULL when the fingerprints are not installed: alphabets only */
  cd_stemmer *stem; /* uk_UA and ru_RU words, for Cyrillic without letters of one alphabet */
  cd_buf stems;
};

cd_status cd_langid_new(const char *data_dir, cd_langid **out, cd_error *err) {
  cd_langid *id = calloc(1, sizeof *id);
  if (!id)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  if (data_dir) {
    char conf[4096];
    snprintf(conf, sizeof conf, "%s/langid/fpdb.conf", data_dir);
    id->textcat = special_textcat_Init(conf, CD_TEXTCAT_PREFIX);
    if (id->textcat)
      textcat_SetProperty(id->textcat, TCPROP_MINIMUM_DOCUMENT_SIZE, 8);
  }
  *out = id;
  return CD_OK;
}

void cd_langid_free(cd_langid *id) {
  if (!id)
    return;
  if (id->textcat)
    textcat_Done(id->textcat);
  cd_stemmer_free(id->stem);
  cd_buf_free(&id->stems);
  free(id);
}

typedef struct letter_counts {
  size_t latin, cyrillic, greek, other;
  size_t uk_only, ru_only;
} letter_counts;

static void count_letters(const char *s, size_t len, letter_counts *c) {
  size_t i = 0;
  while (i < len) {
    int32_t cp;
    if ((unsigned char)s[i] < 0x80)
      cp = (unsigned char)s[i++];
    else
      cp = cd_utf8_next(s, len, &i);
    if (cp < 0 || !u_isalpha(cp))
      continue;
    UErrorCode ec = U_ZERO_ERROR;
    UScriptCode sc = uscript_getScript(cp, &ec);
    if (sc == USCRIPT_LATIN)
      c->latin++;
    else if (sc == USCRIPT_CYRILLIC) {
      c->cyrillic++;
      UChar32 l = u_tolower(cp);
      /* letters of one alphabet only: і ї є ґ (uk), ы э ъ ё (ru) */
      if (l == 0x0456 || l == 0x0457 || l == 0x0454 || l == 0x0491)
        c->uk_only++;
      else if (l == 0x044B || l == 0x044D || l == 0x044A || l == 0x0451)
        c->ru_only++;
    } else if (sc == USCRIPT_GREEK)
      c->greek++;
    else
      c->other++;
  }
}

/* textcat answers "[uk--utf8][ru--utf8]"; take the first category's language part. */
static bool first_category(const char *answer, char lang[16]) {
  if (!answer || answer[0] != '[')
    return false;
  size_t n = 0;
  for (const char *p = answer + 1; *p && *p != '-' && *p != ']' && n < 15; p++)
    lang[n++] = *p;
  lang[n] = '\0';
  return n > 0;
}

/* How many words (two letters or more; lower-case ones only when lower_only) of
 * text[0, len) the language's hunspell dictionary knows. Only the first 64 words: enough
 * for what n-grams find too short. */
static size_t known_words(cd_langid *id, const char *lang, const char *text, size_t len,
                          bool lower_only) {
  if (!id->stem && cd_stemmer_new(NULL, &id->stem, NULL))
    return 0;
  size_t known = 0, words = 0, i = 0;
  while (i < len && words < 64) {
    size_t b = i;
    int32_t cp = cd_utf8_next(text, len, &i);
    if (cp < 0 || !u_isalpha(cp))
      continue;
    size_t e = i, letters = 1;
    for (;;) {
      size_t j = e;
      int32_t d = j < len ? cd_utf8_next(text, len, &j) : -1;
      if (d < 0 || !(u_isalpha(d) || d == 0x2019 || d == '\'' || d == 0x2BC || d == '-'))
        break;
      e = j;
      letters++;
    }
    i = e;
    /* common words only: the dictionaries list names unevenly (uk_UA has Трамп) */
    if (letters < 2 || (lower_only && !u_islower(cp)))
      continue;
    words++;
    size_t count = 0;
    cd_buf_clear(&id->stems);
    if (!cd_stem_word(id->stem, lang, text + b, e - b, &id->stems, &count, NULL) && count)
      known++;
  }
  return known;
}

/* A confident answer: libexttextcat lists every category whose distance is within a few
 * per cent of the best one ("[en--utf8][de--utf8]"); more than one means the text does
 * not tell them apart (a short headline), and a wrong guess would apply another language's
 * house style. */
static bool sure_category(const char *answer, char lang[16]) {
  if (!first_category(answer, lang))
    return false;
  const char *close = strchr(answer, ']');
  return close && close[1] != '[';
}

cd_status cd_langid_detect(cd_langid *id, const char *text, size_t len, char lang[16]) {
  if (len > CD_LANGID_SAMPLE)
    len = cd_utf8_valid_prefix(text, CD_LANGID_SAMPLE);
  letter_counts c = {0};
  count_letters(text, len, &c);
  size_t letters = c.latin + c.cyrillic + c.greek + c.other;
  snprintf(lang, 16, "und");
  if (letters == 0)
    return CD_OK;
  if (c.cyrillic * 2 > letters) {
    if (c.uk_only > c.ru_only)
      snprintf(lang, 16, "uk");
    else if (c.ru_only > c.uk_only)
      snprintf(lang, 16, "ru");
    else {
      /* no letter of one alphabet only: the words decide ("Але для чого?" is Ukrainian),
       * then the n-grams when they are sure */
      size_t ku = known_words(id, "uk", text, len, true),
             kr = known_words(id, "ru", text, len, true);
      if (ku == kr)
        ku = known_words(id, "uk", text, len, false), kr = known_words(id, "ru", text, len, false);
      if (ku != kr) {
        snprintf(lang, 16, "%s", ku > kr ? "uk" : "ru");
        return CD_OK;
      }
      char guess[16];
      const char *answer = id->textcat ? textcat_Classify(id->textcat, text, len) : NULL;
      if (sure_category(answer, guess) && (strcmp(guess, "uk") == 0 || strcmp(guess, "ru") == 0))
        snprintf(lang, 16, "%s", guess);
    }
    return CD_OK;
  }
  if (c.latin * 2 > letters) {
    char guess[16];
    const char *answer = id->textcat ? textcat_Classify(id->textcat, text, len) : NULL;
    bool sure =
        sure_category(answer, guess) && strcmp(guess, "uk") != 0 && strcmp(guess, "ru") != 0;
    if (letters > CD_LANGID_SHORT) {
      if (sure)
        snprintf(lang, 16, "%s", guess);
      return CD_OK;
    }
    /* a headline or a caption: n-grams take "Zelenskyy met Macron." for German; the
     * words a dictionary knows must agree, or the text has no language */
    static const char *const latin[] = {"en", "de", "fr"};
    size_t known[3], best = 0;
    for (int k = 0; k < 3; k++) {
      known[k] = known_words(id, latin[k], text, len, true);
      if (known[k] > known[best])
        best = (size_t)k;
    }
    bool unique = true;
    for (int k = 0; k < 3; k++)
      unique = unique && ((size_t)k == best || known[k] < known[best]);
    if (unique && known[best] > 0 &&
        ((sure && strcmp(latin[best], guess) == 0) || known[best] >= 2))
      snprintf(lang, 16, "%s", latin[best]);
  }
  return CD_OK;
}

bool cd_lang_tag_valid(const char *tag) {
  size_t n = 0;
  const char *p = tag;
  while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
    p++;
    n++;
  }
  if (n < 2 || n > 3)
    return false;
  while (*p == '-' || *p == '_') {
    p++;
    size_t m = 0;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')) {
      p++;
      m++;
    }
    if (m < 1 || m > 8)
      return false;
  }
  return *p == '\0';
}

static bool copy_tag(const char *s, size_t n, char out[16]) {
  if (n < 2 || n > 3)
    return false;
  for (size_t i = 0; i < n; i++)
    if (!(s[i] >= 'a' && s[i] <= 'z'))
      return false;
  memcpy(out, s, n);
  out[n] = '\0';
  return true;
}

bool cd_lang_from_filename(const char *path, char src[16], char tgt[16]) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *dot = strrchr(base, '.');
  if (!dot || dot == base)
    return false;
  size_t stem = (size_t)(dot - base);
  if (strcmp(dot, ".tsv") == 0 || strcmp(dot, ".json") == 0) {
    /* "….L1-L2.tsv" (pairs), "….L1-L2.json" (beads from align) */
    const char *d2 = NULL;
    for (const char *p = dot - 1; p > base; p--)
      if (*p == '.') {
        d2 = p;
        break;
      }
    if (!d2)
      return false;
    const char *pair = d2 + 1, *dash = memchr(pair, '-', (size_t)(dot - pair));
    if (!dash)
      return false;
    return copy_tag(pair, (size_t)(dash - pair), src) &&
           copy_tag(dash + 1, (size_t)(dot - dash - 1), tgt);
  }
  if (strcmp(dot, ".txt") != 0)
    return false;
  /* "…-LANG.txt" or "….LANG.txt": the tag is after the last '-' or '.' of the stem. */
  const char *p = base + stem;
  while (p > base && p[-1] != '-' && p[-1] != '.')
    p--;
  if (p == base)
    return false;
  if (!copy_tag(p, (size_t)(base + stem - p), src))
    return false;
  if (tgt)
    snprintf(tgt, 16, "%s", src);
  return true;
}
