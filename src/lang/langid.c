/* SPDX-License-Identifier: MIT */
/* Language identification (see cd_lang.h). */
#include "cd_lang.h"
#include "cd_lines.h"
#include "cd_stem.h"
#include "cd_strmap.h"

#include <libexttextcat/textcat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/uloc.h>
#include <unicode/uscript.h>
#include <unistd.h>

#define CD_LANGID_SAMPLE (64 * 1024)
/* fewer letters than this: a headline, a caption, a CMS field; n-grams alone are unsure */
#define CD_LANGID_SHORT 200
#define CD_TEXTCAT_PREFIX "/usr/share/libexttextcat/"
#define MAX_LANGS 32  /* languages of fpdb.conf and function-words.txt together */
#define MAX_TOKENS 64 /* words looked at: enough for what n-grams find too short */

struct cd_langid {
  void *textcat;    /* NULL when the fingerprints are not installed: alphabets only */
  cd_stemmer *stem; /* hunspell, for the words each language's dictionary knows */
  cd_buf stems, low;
  cd_strmap *words;     /* lower-case function word -> bit set of the languages listing it */
  cd_strmap *particles; /* von, de, la: inside a name they say nothing of the text */
  char tags[MAX_LANGS][8];
  size_t ntags;
  uint32_t house;    /* languages of fpdb.conf: the ones copydesk has a house style for */
  uint32_t cyrillic; /* languages whose function words are written in Cyrillic */
  uint32_t nouns;    /* languages that capitalise their nouns (German) */
};

static int lang_index(cd_langid *id, const char *tag, size_t n) {
  for (size_t i = 0; i < id->ntags; i++)
    if (strlen(id->tags[i]) == n && memcmp(id->tags[i], tag, n) == 0)
      return (int)i;
  if (id->ntags == MAX_LANGS || n == 0 || n >= sizeof id->tags[0])
    return -1;
  memcpy(id->tags[id->ntags], tag, n);
  id->tags[id->ntags][n] = '\0';
  return (int)id->ntags++;
}

/* A data file's lines to fn (cd_lines_each). A missing file is no error: without it fewer
 * texts get a language, never a wrong one. */
static cd_status each_line(cd_langid *id, const char *path, cd_line_fn fn, cd_error *err) {
  return access(path, R_OK) != 0 ? CD_OK : cd_lines_each(path, fn, id, err);
}

/* fpdb.conf: "de.lm de--utf8" a line; the category's language has a house style. */
static cd_status house_line(void *ud, char *line, size_t len, cd_error *err) {
  cd_langid *id = ud;
  (void)len;
  const char *cat = strpbrk(line, " \t");
  cat = cat ? cat + strspn(cat, " \t") : NULL;
  int k = cat ? lang_index(id, cat, strcspn(cat, "-")) : -1;
  if (k < 0)
    return cd_error_set(err, CD_ERR_DATA, "expected 'FILE.lm LANG--utf8'");
  id->house |= 1u << k;
  return CD_OK;
}

static cd_status add_word(cd_strmap *m, const char *w, size_t n, uint32_t bit) {
  void **slot = cd_strmap_slot(m, w, n, NULL);
  if (!slot)
    return CD_ERR_NOMEM;
  *slot = (void *)((uintptr_t)*slot | bit);
  return CD_OK;
}

/* One "LANG: word word ..." line of function-words.txt, or "capitalised-nouns: LANG ...". */
static cd_status function_line(void *ud, char *line, size_t len, cd_error *err) {
  cd_langid *id = ud;
  (void)len;
  char *colon = strchr(line, ':');
  if (!colon)
    return cd_error_set(err, CD_ERR_DATA, "expected 'LANG: word word ...'");
  bool nouns = strncmp(line, "capitalised-nouns", (size_t)(colon - line)) == 0;
  int k = nouns ? 0 : lang_index(id, line, (size_t)(colon - line));
  if (k < 0)
    return cd_error_set(err, CD_ERR_DATA, "bad language '%.*s'", (int)(colon - line), line);
  for (char *save = NULL, *w = strtok_r(colon + 1, " \t", &save); w;
       w = strtok_r(NULL, " \t", &save)) {
    if (nouns) {
      int n = lang_index(id, w, strlen(w));
      if (n >= 0)
        id->nouns |= 1u << n;
      continue;
    }
    size_t i = 0;
    UErrorCode ec = U_ZERO_ERROR;
    if (uscript_getScript(cd_utf8_next(w, strlen(w), &i), &ec) == USCRIPT_CYRILLIC)
      id->cyrillic |= 1u << k;
    if (add_word(id->words, w, strlen(w), 1u << k))
      return CD_ERR_NOMEM;
  }
  return CD_OK;
}

/* names/particles.txt: one particle a line. */
static cd_status particle_line(void *ud, char *line, size_t len, cd_error *err) {
  cd_langid *id = ud;
  (void)len;
  (void)err;
  return add_word(id->particles, line, strcspn(line, " \t"), 1);
}

static cd_status load_data(cd_langid *id, const char *data_dir, cd_error *err) {
  char path[4096];
  snprintf(path, sizeof path, "%s/langid/fpdb.conf", data_dir);
  cd_status st = each_line(id, path, house_line, err);
  /* libexttextcat prints its own message for a missing configuration: only when there */
  id->textcat =
      !st && access(path, R_OK) == 0 ? special_textcat_Init(path, CD_TEXTCAT_PREFIX) : NULL;
  if (id->textcat)
    textcat_SetProperty(id->textcat, TCPROP_MINIMUM_DOCUMENT_SIZE, 8);
  snprintf(path, sizeof path, "%s/langid/function-words.txt", data_dir);
  if (!st)
    st = each_line(id, path, function_line, err);
  snprintf(path, sizeof path, "%s/names/particles.txt", data_dir);
  if (!st)
    st = each_line(id, path, particle_line, err);
  return st;
}

cd_status cd_langid_new(const char *data_dir, cd_langid **out, cd_error *err) {
  cd_langid *id = calloc(1, sizeof *id);
  if (!id || !(id->words = cd_strmap_new()) || !(id->particles = cd_strmap_new())) {
    cd_langid_free(id);
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  cd_status st = data_dir ? load_data(id, data_dir, err) : CD_OK;
  if (st) {
    cd_langid_free(id);
    return st;
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
  cd_buf_free(&id->low);
  cd_strmap_free(id->words);
  cd_strmap_free(id->particles);
  free(id);
}

typedef struct letter_counts {
  size_t latin, cyrillic, greek, other;
  size_t uk_only, ru_only;
  size_t other_only; /* ў (be), ђ ј љ њ ћ џ (sr), ѓ ќ ѕ (mk): neither uk nor ru */
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
      else if (l == 0x045E || l == 0x0452 || l == 0x0458 || l == 0x0459 || l == 0x045A ||
               l == 0x045B || l == 0x045F || l == 0x0453 || l == 0x045C || l == 0x0455)
        c->other_only++;
    } else if (sc == USCRIPT_GREEK)
      c->greek++;
    else
      c->other++;
  }
}

/* A word of the text: letters with inner apostrophes and hyphens ("l'armée", "Tanz-Gott"). */
typedef struct token {
  size_t b, e;
  unsigned letters;
  bool cap;   /* starts with a capital */
  bool start; /* first word of the text or of a sentence */
  bool alone; /* between spaces: a one-letter word, not "(и)" or "A." */
  bool cyr;   /* written in Cyrillic */
} token;

static bool word_inner(int32_t d) {
  return u_isalpha(d) || d == 0x2019 || d == '\'' || d == 0x2BC || d == '-';
}

/* Whether the word at b starts a sentence: nothing before it, or . ! ? : or an opening
 * quotation mark or dash (not an ellipsis). */
static bool starts_sentence(const char *s, size_t b) {
  size_t i = b;
  int32_t c = ' ';
  while (i > 0 && (c == ' ' || c == '\t' || c == '\n' || c == 0xA0))
    c = cd_utf8_prev(s, &i);
  if (c == ' ' || c == '\t' || c == '\n' || c == 0xA0)
    return true;
  if (c == '.')
    return !(i > 0 && s[i - 1] == '.');
  return c == '!' || c == '?' || c == ':' || c == '"' || c == 0xAB || c == 0x201C || c == 0x201E ||
         c == 0x2014 || c == 0x2013;
}

static size_t tokenize(const char *s, size_t len, token *t, size_t max) {
  size_t n = 0, i = 0;
  while (i < len && n < max) {
    size_t b = i;
    int32_t cp = cd_utf8_next(s, len, &i);
    if (cp < 0 || !u_isalpha(cp))
      continue;
    token *k = &t[n++];
    UErrorCode ec = U_ZERO_ERROR;
    *k = (token){.b = b,
                 .letters = 1,
                 .cap = u_isupper(cp) || u_istitle(cp),
                 .cyr = uscript_getScript(cp, &ec) == USCRIPT_CYRILLIC};
    for (size_t j = i; j < len;) {
      int32_t d = cd_utf8_next(s, len, &j);
      if (d < 0 || !word_inner(d))
        break;
      i = j;
      k->letters += u_isalpha(d) ? 1 : 0;
    }
    /* a trailing apostrophe or hyphen is not part of the word */
    while (i > b && (s[i - 1] == '\'' || s[i - 1] == '-'))
      i--;
    k->e = i;
    k->start = starts_sentence(s, b);
    k->alone = (b == 0 || s[b - 1] == ' ') && (i == len || strchr(" ,.;:!?", s[i]));
  }
  return n;
}

static bool is_apostrophe(int32_t c) { return c == '\'' || c == 0x2019 || c == 0x2BC; }

/* The token's letters from b to e in lower case, apostrophes as "'", in id->low. */
static const char *lower_span(cd_langid *id, const char *s, size_t b, size_t e) {
  cd_buf_clear(&id->low);
  for (size_t i = b; i < e;) {
    int32_t c = cd_utf8_next(s, e, &i);
    if (cd_buf_append_cp(&id->low, is_apostrophe(c) ? '\'' : (uint32_t)u_tolower(c)))
      return NULL;
  }
  return cd_buf_at(&id->low, 0);
}

static const char *lower(cd_langid *id, const char *s, const token *t) {
  return lower_span(id, s, t->b, t->e);
}

/* The languages listing the token as a function word: the whole word ("don't"), else its
 * elided article or pronoun ("l'armée" -> "l'", also "l' armée" as OCR leaves it). */
static uint32_t function_langs(cd_langid *id, const char *s, size_t len, const token *t) {
  const char *w = lower(id, s, t);
  uint32_t fw = w ? (uint32_t)(uintptr_t)cd_strmap_get(id->words, w, id->low.len) : 0;
  if (fw)
    return fw;
  size_t i = t->b;
  while (i < len) {
    size_t at = i;
    int32_t c = cd_utf8_next(s, len, &i);
    if (is_apostrophe(c)) {
      w = lower_span(id, s, t->b, i);
      return w ? (uint32_t)(uintptr_t)cd_strmap_get(id->words, w, id->low.len) : 0;
    }
    if (at >= t->e)
      break;
  }
  return 0;
}

static bool is_particle(cd_langid *id, const char *s, const token *t) {
  const char *w = lower(id, s, t);
  return w && cd_strmap_contains(id->particles, w, id->low.len);
}

/* "President von der", "Marine Le Pen", "(La France": a particle next to capitalised words
 * belongs to a name and says nothing of the text's language. */
static bool particle_in_name(cd_langid *id, const char *s, const token *t, size_t n, size_t k) {
  if (!is_particle(id, s, &t[k]))
    return false;
  /* "Der Erste Bürgermeister": in a language that capitalises its nouns, an article that
   * starts a sentence is followed by a capital anyway */
  uint32_t fw = (uint32_t)(uintptr_t)cd_strmap_get(id->words, cd_buf_at(&id->low, 0), id->low.len);
  if (t[k].start && (fw & id->nouns))
    return false;
  bool next_name = k + 1 < n && (t[k + 1].cap || is_particle(id, s, &t[k + 1]));
  if (t[k].cap && next_name)
    return true;
  return k > 0 && t[k - 1].cap && !t[k].start && (k + 1 == n || next_name);
}

/* How many words of each language: function words listed for that language only (fw), and
 * words only that language's dictionary knows (ex). */
typedef struct evidence {
  unsigned fw[MAX_LANGS], ex[MAX_LANGS];
  unsigned weak[MAX_LANGS]; /* function words one house language shares only with languages
                               without a house style (French "la" with Spanish, Italian) */
} evidence;

static bool one_bit(uint32_t m) { return m && !(m & (m - 1)); }
static int bit_index(uint32_t m) { return __builtin_ctz(m); }

/* The house languages of script whose dictionaries know the word. */
static uint32_t known_by(cd_langid *id, const char *s, const token *t, uint32_t langs) {
  if (!id->stem && cd_stemmer_new(NULL, &id->stem, NULL))
    return 0;
  uint32_t known = 0;
  for (size_t k = 0; k < id->ntags; k++) {
    size_t count = 0;
    cd_buf_clear(&id->stems);
    if ((langs >> k & 1) &&
        !cd_stem_word(id->stem, id->tags[k], s + t->b, t->e - t->b, &id->stems, &count, NULL) &&
        count)
      known |= 1u << k;
  }
  return known;
}

/* dictionaries: also ask hunspell (loads the dictionaries: only where the words decide). */
static void gather(cd_langid *id, const char *s, size_t len, const token *t, size_t n, bool cyr,
                   bool dictionaries, evidence *ev) {
  uint32_t script = cyr ? id->cyrillic : ~id->cyrillic;
  size_t words = 0, caps = 0;
  for (size_t k = 0; k < n; k++)
    if (t[k].cyr == cyr)
      words++, caps += t[k].cap;
  bool title = caps * 2 > words; /* Title Case or capitals: capitals say nothing */
  for (size_t k = 0; k < n; k++) {
    bool elided = t[k].e < len && (s[t[k].e] == '\'' || (unsigned char)s[t[k].e] == 0xE2);
    if (t[k].cyr != cyr || (t[k].letters == 1 && !t[k].alone && !elided) ||
        particle_in_name(id, s, t, n, k))
      continue;
    uint32_t fw = function_langs(id, s, len, &t[k]);
    if ((fw & script) && (!t[k].cap || t[k].start || title)) {
      if (one_bit(fw & script))
        ev->fw[bit_index(fw & script)]++;
      else if (one_bit(fw & script & id->house))
        ev->weak[bit_index(fw & script & id->house)]++;
    }
    if (t[k].letters < 2 || !dictionaries)
      continue;
    uint32_t known = known_by(id, s, &t[k], id->house & script);
    /* a capitalised word is a name in most languages, a noun in German */
    if (one_bit(known) && (!t[k].cap || (known & id->nouns)))
      ev->ex[bit_index(known)]++;
  }
}

/* The evidence for languages without a house style: their function words, three times
 * over (their lists are short and hold only words no house language uses: one of them in a
 * headline says more than a French word that is also an Italian noun, "della sera"). */
static unsigned veto(const cd_langid *id, const evidence *ev) {
  unsigned v = 0;
  for (size_t k = 0; k < id->ntags; k++)
    if (!(id->house >> k & 1))
      v += ev->fw[k];
  return 3 * v;
}

/* The words' verdict among the house languages of the script: function words count twice
 * (once when shared with languages without a house style), dictionary words once;
 * the winner needs twice the evidence of any other language (those without a house style
 * included: Spanish words veto French) and, where n-grams are sure of another language,
 * more still. Returns the language's index or -1. */
static int words_decide(const cd_langid *id, const evidence *ev, uint32_t script, int ngram,
                        bool cyr, cd_lang_guess *g) {
  int best = -1;
  unsigned eb = 0, eo = 0;
  for (size_t k = 0; k < id->ntags; k++) {
    unsigned e = 2 * ev->fw[k] + ev->weak[k] + ev->ex[k];
    if ((id->house & script) >> k & 1 && e > eb) {
      if (best >= 0)
        eo = eo > eb ? eo : eb;
      best = (int)k, eb = e;
    } else if (e > eo)
      eo = e;
  }
  unsigned v = veto(id, ev);
  eo = eo > v ? eo : v;
  g->evidence = eb, g->against = eo;
  unsigned need = cyr ? 1 : (ngram < 0 || ngram == best) ? 2 : 4;
  if (best < 0 || eb < need || eb < 2 * eo + (eo > 0))
    return -1;
  /* one dictionary word alone is too little in the Latin alphabet (names, loans) */
  return cyr || ev->fw[best] > 0 || ev->ex[best] >= 2 ? best : -1;
}

/* The language libexttextcat is sure of: it lists every category within a few per cent of
 * the best one ("[en--utf8][de--utf8]"); more than one means the text does not tell them
 * apart. */
static int ngram_sure(cd_langid *id, const char *text, size_t len) {
  const char *a = id->textcat ? textcat_Classify(id->textcat, text, len) : NULL;
  if (!a || a[0] != '[')
    return -1;
  const char *close = strchr(a, ']');
  if (!close || close[1] == '[')
    return -1;
  size_t n = strcspn(a + 1, "-]");
  for (size_t k = 0; k < id->ntags; k++)
    if (strlen(id->tags[k]) == n && memcmp(id->tags[k], a + 1, n) == 0)
      return (int)k;
  return -1;
}

static void set_guess(cd_lang_guess *g, const char *lang, const char *basis) {
  snprintf(g->lang, sizeof g->lang, "%s", lang);
  g->basis = basis;
}

/* Cyrillic: the letters of one alphabet, then the words; n-grams only on long text. */
static void decide_cyrillic(cd_langid *id, const char *text, size_t len, const letter_counts *c,
                            const token *t, size_t n, cd_lang_guess *g) {
  evidence ev = {0};
  gather(id, text, len, t, n, true, false, &ev);
  /* Bulgarian, Serbian, Belarusian words: not a language with a house style, whatever
   * letters it shares with one (ъ, і) */
  if (veto(id, &ev) >= 3 || c->other_only * 4 >= c->uk_only + c->ru_only + 1)
    return;
  if (c->uk_only != c->ru_only) {
    g->evidence = (unsigned)(c->uk_only > c->ru_only ? c->uk_only : c->ru_only);
    g->against = (unsigned)(c->uk_only > c->ru_only ? c->ru_only : c->uk_only);
    set_guess(g, c->uk_only > c->ru_only ? "uk" : "ru", "alphabet");
    return;
  }
  memset(&ev, 0, sizeof ev);
  gather(id, text, len, t, n, true, true, &ev);
  int k = words_decide(id, &ev, id->cyrillic, -1, true, g);
  if (k >= 0) {
    set_guess(g, id->tags[k], "words");
    return;
  }
  int ng = g->letters > CD_LANGID_SHORT ? ngram_sure(id, text, len) : -1;
  if (ng >= 0 && (id->house & id->cyrillic) >> ng & 1)
    set_guess(g, id->tags[ng], "n-grams");
}

static void decide_latin(cd_langid *id, const char *text, size_t len, const token *t, size_t n,
                         cd_lang_guess *g) {
  int ng = ngram_sure(id, text, len);
  bool latin_house = ng >= 0 && (id->house & ~id->cyrillic) >> ng & 1;
  evidence ev = {0};
  bool long_text = g->letters > CD_LANGID_SHORT && latin_house;
  gather(id, text, len, t, n, false, !long_text, &ev);
  if (long_text) {
    /* long text: the n-grams, unless the words say another language without a house style */
    g->evidence = 2 * ev.fw[ng] + ev.weak[ng], g->against = veto(id, &ev);
    if (g->against <= g->evidence)
      set_guess(g, id->tags[ng], "n-grams");
    return;
  }
  int k = words_decide(id, &ev, ~id->cyrillic, latin_house ? ng : -1, false, g);
  if (k >= 0)
    set_guess(g, id->tags[k], "words");
}

cd_status cd_langid_guess(cd_langid *id, const char *text, size_t len, cd_lang_guess *g) {
  memset(g, 0, sizeof *g);
  set_guess(g, "und", NULL);
  if (len > CD_LANGID_SAMPLE)
    len = cd_utf8_valid_prefix(text, CD_LANGID_SAMPLE);
  letter_counts c = {0};
  count_letters(text, len, &c);
  size_t letters = c.latin + c.cyrillic + c.greek + c.other;
  g->letters = (unsigned)letters;
  token t[MAX_TOKENS];
  size_t n = tokenize(text, len, t, MAX_TOKENS);
  if (c.cyrillic * 2 > letters)
    decide_cyrillic(id, text, len, &c, t, n, g);
  else if (c.latin * 2 > letters)
    decide_latin(id, text, len, t, n, g);
  return CD_OK;
}

cd_status cd_langid_detect(cd_langid *id, const char *text, size_t len, char lang[16]) {
  cd_lang_guess g;
  cd_status st = cd_langid_guess(id, text, len, &g);
  snprintf(lang, 16, "%s", g.lang);
  return st;
}

void cd_lang_guess_describe(const cd_lang_guess *g, char *out, size_t n) {
  if (!g->basis)
    snprintf(out, n, "evidence %u against %u in %u letters", g->evidence, g->against, g->letters);
  else if (strcmp(g->basis, "alphabet") == 0)
    snprintf(out, n, "alphabet: %u letters of its own against %u", g->evidence, g->against);
  else if (strcmp(g->basis, "n-grams") == 0)
    snprintf(out, n, "n-grams sure in %u letters", g->letters);
  else
    snprintf(out, n, "words: evidence %u against %u", g->evidence, g->against);
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

/* Whether code is a language ICU knows (its ISO 639 list): file names hold words of two or
 * three letters that only look like tags ("ref", "src", "old", "new", "doc"). */
static bool known_language(const char *code) {
  for (const char *const *l = uloc_getISOLanguages(); l && *l; l++)
    if (strcmp(*l, code) == 0)
      return true;
  return false;
}

static bool copy_tag(const char *s, size_t n, char out[16]) {
  if (n < 2 || n > 3)
    return false;
  for (size_t i = 0; i < n; i++)
    if (!(s[i] >= 'a' && s[i] <= 'z'))
      return false;
  char code[4];
  memcpy(code, s, n);
  code[n] = '\0';
  if (!known_language(code))
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
