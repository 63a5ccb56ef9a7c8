/* SPDX-License-Identifier: MIT */
/* Mentions of known entities in running text: the one implementation behind normalize
 * stage 6 (which rewrites or flags what it reports) and `copydesk check` (names.*).
 *
 * Per call: words are found with ICU character classes (a French or Italian elision
 * "d'Zelensky", "l'Ukraine" starts a word after the apostrophe); a capitalized word starts
 * a candidate span of up to four capitalized words. A cheap test comes first (the
 * database's key filter of word keys and of inflection prefixes, behind a small
 * direct-mapped cache), then indexed lookups, longest span first. Fuzzy near-misses
 * (consonant skeleton) are confident only with context — a given name of the entity, a
 * role word before it, or an earlier full mention in the same document (a small ring of
 * recent ids) — and never for a word the language's hunspell dictionary knows unless
 * context confirms it. A surname or place next to another capitalized name word that is
 * not part of the match (Bohdan Khmelnytsky, Donbass Arena) is a different name: skipped.
 *
 * Inflected Cyrillic forms (Зеленського, Кривого Рогу, Мединского) are stemmed with the
 * Ukrainian or Russian hunspell dictionary; names missing from it are first added with
 * the declension model word of their entity (context decl_uk= / decl_ru=), found through
 * an indexed prefix query on the fold keys, so that they inflect like their model. */
#include "cd_protect.h"
#include "cd_strmap.h"
#include "names_internal.h"

#include <hunspell/hunspell.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#define MAX_SPAN 6
#define MAX_NAME_WORD 128 /* bytes */
#define RING 32
#define RING_LINES 12 /* an earlier mention counts for this many lines */
#define CACHE 32768
#define MAX_HITS 8
#define MAX_STEMS 6   /* lemma candidates per word */
#define MAX_COMBOS 24 /* lemma combinations per span */

enum { HUN_EN, HUN_FR, HUN_DE, HUN_UK, HUN_RU, HUN_N };
static const char *const hun_files[HUN_N] = {"en_US", "fr", "de_DE", "uk_UA", "ru_RU"};
static const char *const hun_langs[HUN_N] = {"en", "fr", "de", "uk", "ru"};

typedef struct word {
  size_t b, e; /* bytes */
  bool cap;    /* starts with an upper-case letter (or an ideograph) */
  bool cyr;    /* contains Cyrillic */
} word;

typedef struct cache_ent {
  uint64_t h;
  uint64_t lang; /* the scanner's lang_tag then */
  uint8_t set;   /* 0 empty */
  uint8_t val;   /* bit 1: maybe a name word; bit 2: maybe an inflected name word */
} cache_ent;

#define SPAN_CACHE 65536

/* The best hit of a cached span: a cd_names_hit without its explanation, the id on the heap
 * (the cache stays a few MB however many spans it holds) */
typedef struct span_hit {
  int64_t entity;
  char *id;
  char type[8];
  double score;
  cd_match_level level;
  cd_match_part part;
  bool house, context, historical;
} span_hit;

typedef struct span_ent {
  uint64_t h;
  char *key; /* span text, NUL, lang, NUL; NULL = empty slot */
  size_t key_len;
  size_t n;     /* hits found */
  span_hit hit; /* the best one, when n > 0 */
  bool tie;     /* another entity scored as high: ambiguous */
  size_t core;
  bool keep, inflected, ambiguous;
  char *lemma; /* inflected: the folded lemma text */
  char *roles; /* folded role values of hits[0], each NUL-terminated, "" at the end;
                  NULL = not fetched yet */
  size_t roles_len;
  char *repl; /* the replacement text (non-inflected path), NULL = not computed yet */
  size_t repl_len;
} span_ent;

struct cd_names_scanner {
  span_ent *spans;
  cd_names *db;
  cd_names_scan_options o;
  char lang[16];
  uint64_t lang_tag; /* the first 8 bytes of lang, for the word cache */
  bool lang_cyr;     /* lang is written in Cyrillic (uk, ru, be, bg, sr) */
  char ring[RING][96];
  uint64_t ring_line[RING];
  uint64_t line;
  size_t ring_n, ring_pos;
  cache_ent *cache;
  Hunhandle *hun[HUN_N];
  bool hun_tried[HUN_N];
  cd_buf added; /* "lang\tlemma\0" already added with a model */
  word *words;
  size_t cap_words;
  cd_buf key, repl, tmp, tmp2, stems, swap, cuekey;
  cd_buf spans_used;      /* uint32_t indexes of span slots ever filled: freed at the end
                             without touching (and faulting in) the untouched rest */
  char **heads;           /* compound heads: words that make a place name part of a larger name */
  cd_strmap *head_map;    /* the same, folded, for a lookup per word */
  cd_strmap *fixed_words; /* every word of the fixed expressions, as written */
  size_t n_heads;
  char **fem; /* "uk\tська": endings of feminine surname forms */
  size_t n_fem;
  char **case_end; /* "uk\tого": case endings of surnames (names/case-endings.txt) */
  size_t n_case_end;
  char **particles;                 /* von, der, bin, al: lower-case words inside a name */
  size_t n_particles, particle_max; /* how many, the longest (bytes) */
  char **cues; /* "kind\tfolded word" (names/cues.txt): what the words around a match say */
  size_t n_cues;
  cd_strmap *cue_map; /* the same entries, for a lookup per word */
  char **fixed;       /* "lang\texpression" (names/fixed.txt): fixed expressions kept as written */
  size_t n_fixed;
  char **quals; /* folded regions that make "Place, Region" another place (Athens, Georgia) */
  size_t n_quals;
  char *foreign; /* letters of other Latin alphabets (names/foreign-letters.txt), one string */
  char veto[RING][96]; /* persons ruled out for this document: the text names another
                          person of that surname in full (Elena Silina, not Evika Siliņa) */
  size_t veto_n, veto_pos;
  size_t line_b, line_e; /* the line being scanned, bytes of the text */
  cd_buf mask;           /* its protected spans (cd_protect_spans), when computed */
  bool line_code;        /* it has a backtick: `code` spans reach across spaces */
  bool mask_ready;
};

void cd_names_scan_options_init(cd_names_scan_options *o) {
  memset(o, 0, sizeof *o);
  o->threshold = 0.9;
  o->hunspell_dir = "/usr/share/hunspell";
}

/* ---- hunspell (lazy) ---------------------------------------------------------------------- */

static int hun_index(const char *lang) {
  for (int i = 0; i < HUN_N; i++)
    if (strcmp(hun_langs[i], lang) == 0)
      return i;
  return -1;
}

static Hunhandle *hun_get(cd_names_scanner *s, int i) {
  if (i < 0)
    return NULL;
  if (!s->hun_tried[i]) {
    s->hun_tried[i] = true;
    char aff[4096], dic[4096];
    snprintf(aff, sizeof aff, "%s/%s.aff", s->o.hunspell_dir, hun_files[i]);
    snprintf(dic, sizeof dic, "%s/%s.dic", s->o.hunspell_dir, hun_files[i]);
    FILE *f = fopen(dic, "rb");
    if (!f)
      return NULL;
    fclose(f);
    Hunhandle *h = Hunspell_create(aff, dic);
    /* every Debian dictionary we use is UTF-8; anything else is not usable here */
    const char *enc = h ? Hunspell_get_dic_encoding(h) : NULL;
    if (h && (!enc || strcmp(enc, "UTF-8") != 0)) {
      Hunspell_destroy(h);
      h = NULL;
    }
    s->hun[i] = h;
  }
  return s->hun[i];
}

static int cyr_dicts(const char *w, size_t n, int out[2]);

/* Whether a dictionary knows the word in lower case (a common word): the text language's,
 * or for a Cyrillic word the Ukrainian and Russian ones. */
static bool known_in(cd_names_scanner *s, Hunhandle *h, const char *w, size_t n);
static bool known_noun_de(cd_names_scanner *s, const char *w, size_t n);
static bool known_common_word(cd_names_scanner *s, const char *w, size_t n) {
  bool cyr = false;
  for (size_t i = 0; i < n && !cyr;) {
    int32_t c = cd_utf8_next(w, n, &i);
    UErrorCode uc = U_ZERO_ERROR;
    cyr = c >= 0x400 && uscript_getScript(c, &uc) == USCRIPT_CYRILLIC;
  }
  if (!cyr)
    return known_in(s, hun_get(s, hun_index(s->lang)), w, n) ||
           (strcmp(s->lang, "de") == 0 && known_noun_de(s, w, n)); /* die Marine */
  int d[2];
  int nd = cyr_dicts(w, n, d);
  for (int i = 0; i < nd; i++)
    if (known_in(s, hun_get(s, d[i]), w, n))
      return true;
  return false;
}

static bool known_in(cd_names_scanner *s, Hunhandle *h, const char *w, size_t n) {
  if (!h)
    return false;
  cd_buf_clear(&s->tmp);
  /* lower-case the first letter only: "Waltz" -> "waltz" */
  size_t i = 0;
  int32_t c = cd_utf8_next(w, n, &i);
  if (c < 0 || cd_buf_append_cp(&s->tmp, (uint32_t)u_tolower(c)) ||
      cd_buf_append(&s->tmp, w + i, n - i))
    return false;
  return Hunspell_spell(h, s->tmp.data) != 0;
}

static bool has_cyrillic(const char *w, size_t n) {
  for (size_t i = 0; i < n;) {
    int32_t c = cd_utf8_next(w, n, &i);
    UErrorCode uc = U_ZERO_ERROR;
    if (c >= 0x400 && uscript_getScript(c, &uc) == USCRIPT_CYRILLIC)
      return true;
  }
  return false;
}

/* Whether the text language's dictionary has the word as written, capital and all: a day,
 * a month, a people or its language (Sunday, Ukrainian, Slovak). Such a word is no
 * misspelling of a name, so it is not reported as a near miss of one; it does not keep an
 * exact or transliteration match from being a name (dictionaries list names too: Leonid,
 * Vinnitsa). Latin-script texts only. */
static bool known_as_written(cd_names_scanner *s, const char *w, size_t n) {
  if (has_cyrillic(w, n))
    return false;
  Hunhandle *h = hun_get(s, hun_index(s->lang));
  if (!h)
    return false;
  cd_buf_clear(&s->tmp);
  return cd_buf_append(&s->tmp, w, n) == CD_OK && Hunspell_spell(h, s->tmp.data) != 0;
}

/* Whether the language's dictionary lists the capitalized word itself as an entry (a
 * proper noun: "Maria" besides "maria", "Kevin"), not only as a capitalized common word
 * ("Заява"): one of its stems is capitalized. */
static bool proper_noun(cd_names_scanner *s, const char *w, size_t n) {
  int d[2] = {hun_index(s->lang), -1};
  int nd = 1;
  if (has_cyrillic(w, n))
    nd = cyr_dicts(w, n, d);
  cd_buf_clear(&s->tmp);
  if (cd_buf_append(&s->tmp, w, n))
    return false;
  for (int k = 0; k < nd; k++) {
    Hunhandle *h = hun_get(s, d[k]);
    char **list = NULL;
    int ns = h ? Hunspell_stem(h, &list, s->tmp.data) : 0;
    bool cap = false;
    for (int j = 0; j < ns && !cap; j++) {
      size_t i = 0;
      int32_t c = cd_utf8_next(list[j], strlen(list[j]), &i);
      cap = c >= 0 && u_isupper(c);
    }
    if (h && list)
      Hunspell_free_list(h, &list, ns);
    if (cap)
      return true;
  }
  return false;
}

/* A word in a script written without spaces: two characters are a whole name (王毅). */
static bool ideographic(const char *w, size_t n) {
  size_t i = 0;
  int32_t c = cd_utf8_next(w, n, &i);
  return c >= 0 && u_hasBinaryProperty(c, UCHAR_IDEOGRAPHIC);
}

/* Whether the German dictionary knows the word as written (nouns are capitalized there). */
static bool known_noun_de(cd_names_scanner *s, const char *w, size_t n) {
  Hunhandle *h = hun_get(s, HUN_DE);
  if (!h)
    return false;
  cd_buf_clear(&s->tmp);
  if (cd_buf_append(&s->tmp, w, n))
    return false;
  return Hunspell_spell(h, s->tmp.data) != 0;
}

/* Whether t[b, e) is a listed name particle (exact, lower case: "von", "al"). */
static bool is_particle(const cd_names_scanner *s, const char *t, size_t b, size_t e) {
  if (e - b > s->particle_max || e == b)
    return false;
  for (size_t i = 0; i < s->n_particles; i++)
    if (s->particles[i][0] == t[b] && strlen(s->particles[i]) == e - b &&
        memcmp(s->particles[i], t + b, e - b) == 0)
      return true;
  return false;
}

/* ---- words ------------------------------------------------------------------------------ */

static bool is_word_cp(int32_t c) {
  if (c < 0x80)
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  int8_t t = (int8_t)u_charType(c);
  return u_isalnum(c) || t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK;
}

static bool is_apos(int32_t c) { return c == '\'' || c == 0x2019 || c == 0x2BC; }

static bool is_joiner(int32_t c) { return is_apos(c) || c == '-' || c == 0x2010 || c == 0x2011; }

static bool is_cap(int32_t c) {
  if (c < 0x80)
    return c >= 'A' && c <= 'Z';
  return u_isupper(c) || u_istitle(c) ||
         (u_charType(c) == U_OTHER_LETTER && u_hasBinaryProperty(c, UCHAR_IDEOGRAPHIC));
}

/* An elision: 1–6 lower-case letters, an apostrophe, then a capital (d'Zelensky,
 * l'Ukraine, qu'Emmanuel, dell'Ucraina). Returns the byte offset of the capital or 0. */
static size_t elision(const char *t, size_t b, size_t e) {
  size_t i = b;
  int letters = 0;
  while (i < e) {
    size_t j = i;
    int32_t c = cd_utf8_next(t, e, &j);
    if (c >= 0 && u_isULowercase(c) && letters < 6) {
      letters++;
      i = j;
      continue;
    }
    if (c >= 0 && is_apos(c) && letters > 0 && j < e) {
      size_t k = j;
      int32_t d = cd_utf8_next(t, e, &k);
      return d >= 0 && is_cap(d) ? j : 0;
    }
    return 0;
  }
  return 0;
}

/* The next code point (ASCII inline: most of any text is ASCII). */
static inline int32_t next_cp(const char *t, size_t n, size_t *i) {
  unsigned char b = (unsigned char)t[*i];
  if (b < 0x80) {
    (*i)++;
    return b;
  }
  return cd_utf8_next(t, n, i);
}

static inline bool is_ascii_word(int32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static cd_status split_words(cd_names_scanner *s, const char *t, size_t n, size_t *nw) {
  *nw = 0;
  size_t i = 0;
  while (i < n) {
    size_t b = i;
    int32_t c = next_cp(t, n, &i);
    if (c < 0x80 ? !is_ascii_word(c) : !is_word_cp(c))
      continue;
    word w = {b, i, false, false};
    w.cap = is_cap(c);
    bool ascii = c < 0x80, apos = false;
    for (;;) {
      /* the ASCII letters and digits of a word in one go */
      while (i < n && is_ascii_word((unsigned char)t[i]))
        i++;
      if (i >= n)
        break;
      size_t j = i;
      int32_t d = next_cp(t, n, &j);
      if (d >= 0x80 && is_word_cp(d)) {
        ascii = false;
        i = j;
        continue;
      }
      if (d >= 0 && is_joiner(d)) { /* an apostrophe or hyphen between letters */
        size_t k = j;
        int32_t e = k < n ? next_cp(t, n, &k) : -1;
        if (e >= 0 && (e < 0x80 ? is_ascii_word(e) : is_word_cp(e))) {
          ascii = ascii && d < 0x80 && e < 0x80;
          apos = apos || is_apos(d);
          i = k;
          continue;
        }
      }
      break;
    }
    w.e = i;
    if (!w.cap && s->n_particles) {
      /* "el-Sisi", "al-Assad": a particle, a hyphen, a capital */
      const char *hy = memchr(t + w.b, '-', w.e - w.b);
      if (hy && is_particle(s, t, w.b, (size_t)(hy - t)) && hy + 1 < t + w.e) {
        size_t k = (size_t)(hy - t) + 1;
        int32_t d = cd_utf8_next(t, w.e, &k);
        w.cap = d >= 0 && is_cap(d);
      }
    }
    if (!w.cap && apos) {
      size_t el = elision(t, w.b, w.e);
      if (el) {
        w.b = el;
        w.cap = true;
      }
    }
    for (size_t k = w.b; !ascii && k < w.e;) {
      int32_t d = cd_utf8_next(t, w.e, &k);
      UErrorCode uc = U_ZERO_ERROR;
      if (d >= 0x400 && uscript_getScript(d, &uc) == USCRIPT_CYRILLIC) {
        w.cyr = true;
        break;
      }
    }
    if (CD_GROW(s->words, *nw, s->cap_words))
      return CD_ERR_NOMEM;
    s->words[(*nw)++] = w;
  }
  return CD_OK;
}

/* Only spaces (or ". " after an initial) between two words. */
static bool adjacent(const char *t, const word *a, const word *b) {
  size_t gap = b->b - a->e;
  if (gap == 0 || gap > 3)
    return false;
  for (size_t i = a->e; i < b->b; i++) {
    char c = t[i];
    if (c == ' ')
      continue;
    if (c == '.' && a->e - a->b <= 2)
      continue;
    return false;
  }
  return true;
}

/* Inflection prefixes of a Cyrillic word: its fold minus 1..4 code points (at least 3
 * left), each tested against the inflection markers of the key filter (names_internal.h). */
static bool infl_maybe(cd_names_scanner *s, const char *w, size_t n) {
  cd_names_keyer *k = cd_names_get_keyer(s->db);
  if (cd_names_key_fold(k, w, n, &s->tmp2, NULL))
    return false;
  size_t cps = cd_utf8_count(s->tmp2.data, s->tmp2.len);
  size_t end = s->tmp2.len;
  for (size_t cut = 1; cut <= 4 && cps - cut >= CD_NAMES_INFL_MIN; cut++) {
    cd_utf8_prev(s->tmp2.data, &end);
    if (cd_names_infl_maybe(s->db, s->tmp2.data, end))
      return true;
  }
  return false;
}

/* out = s[0, n) with the code points at k and k+1 swapped (k counts code points); false
 * when there is no code point k+1. */
static bool swap_at(const char *p, size_t n, size_t k, cd_buf *out) {
  size_t i = 0, a = 0, b = 0, c = 0;
  for (size_t cp = 0; cp <= k + 1; cp++) {
    if (i >= n)
      return false;
    if (cp == k)
      a = i;
    if (cp == k + 1)
      b = i;
    if (cd_utf8_next(p, n, &i) < 0)
      return false;
    c = i;
  }
  cd_buf_clear(out);
  return !cd_buf_append(out, p, a) && !cd_buf_append(out, p + b, c - b) &&
         !cd_buf_append(out, p + a, b - a) && !cd_buf_append(out, p + c, n - c);
}

/* Whether swapping two adjacent letters (the commonest typing error: "Zelesnkyy") makes
 * the word's folded key a name word. Words of five letters or more only. */
static bool transposed_maybe(cd_names_scanner *s, const char *w, size_t n) {
  size_t cps = cd_utf8_count(w, n);
  if (cps < 5 || cps > 40 || cd_names_key_fold(cd_names_get_keyer(s->db), w, n, &s->key, NULL))
    return false;
  cd_buf f = CD_BUF_INIT;
  bool hit = false;
  if (!cd_buf_append(&f, s->key.data, s->key.len))
    for (size_t k = 1; k + 1 < cps && !hit; k++) /* the first letter is rarely the typo */
      hit = swap_at(f.data, f.len, k, &s->swap) && memcmp(s->swap.data, f.data, f.len) != 0 &&
            cd_names_word_maybe(s->db, s->swap.data, s->swap.len);
  cd_buf_free(&f);
  return hit;
}

/* The cheap test: might this word be part of a known name (bit 1), an inflected form of
 * one (bit 2), or one with two adjacent letters swapped (bit 4)? */
static unsigned word_maybe(cd_names_scanner *s, const word *wd, const char *w, size_t n) {
  /* no word of a name is that long; a 750 KB "word" would cost its folds and keys many
   * times over (linear time on any input) */
  if (n > MAX_NAME_WORD)
    return 0;
  uint64_t h = cd_hash(w, n) ^ n;
  cache_ent *ce = &s->cache[h % CACHE];
  if (ce->set && ce->h == h && ce->lang == s->lang_tag)
    return ce->val;
  cd_names_keyer *k = cd_names_get_keyer(s->db);
  unsigned maybe = 0;
  size_t core = n, sl;
  bool keep;
  cd_names_split_suffix(w, n, s->lang, &core, &sl, &keep);
  for (int pass = 0; pass < 2 && !maybe; pass++) {
    size_t len = pass == 0 ? n : core;
    if (pass == 1 && core == n)
      break;
    if (!cd_names_key_fold(k, w, len, &s->key, NULL) &&
        cd_names_word_maybe(s->db, s->key.data, s->key.len))
      maybe = 1;
    size_t count = 0;
    if (!maybe && !cd_names_key_ascii(k, w, len, &s->key, &count, NULL)) {
      for (size_t i = 0, off = 0; i < count && !maybe; i++) {
        size_t l = strlen(s->key.data + off);
        maybe = cd_names_word_maybe(s->db, s->key.data + off, l) ||
                (!wd->cyr && (unsigned char)w[0] >= 0x80 &&
                 cd_names_key_maybe(s->db, s->key.data + off, l, CD_KEY_ASCII));
        off += l + 1;
      }
    }
    if (!maybe && len >= 4 && !cd_names_key_skel(k, w, len, &s->key, NULL))
      maybe = cd_names_word_maybe(s->db, s->key.data, s->key.len);
  }
  if (wd->cyr && infl_maybe(s, w, n))
    maybe |= 2;
  if (!maybe && transposed_maybe(s, w, n))
    maybe |= 4;
  ce->h = h;
  ce->set = 1;
  ce->val = (uint8_t)maybe;
  ce->lang = s->lang_tag;
  return maybe;
}

/* ---- context ------------------------------------------------------------------------------ */

static bool ring_has(cd_names_scanner *s, const char *id) {
  for (size_t i = 0; i < s->ring_n; i++)
    if (strcmp(s->ring[i], id) == 0 && s->line - s->ring_line[i] <= RING_LINES)
      return true;
  return false;
}

static void ring_add(cd_names_scanner *s, const char *id) {
  for (size_t i = 0; i < s->ring_n; i++)
    if (strcmp(s->ring[i], id) == 0) {
      s->ring_line[i] = s->line;
      return;
    }
  s->ring_line[s->ring_pos] = s->line;
  size_t l = strnlen(id, sizeof s->ring[0] - 1); /* ids are shorter than cd_names_hit.id */
  memcpy(s->ring[s->ring_pos], id, l);
  s->ring[s->ring_pos][l] = '\0';
  s->ring_pos = (s->ring_pos + 1) % RING;
  if (s->ring_n < RING)
    s->ring_n++;
}

static bool veto_has(cd_names_scanner *s, const char *id) {
  for (size_t i = 0; i < s->veto_n; i++)
    if (strcmp(s->veto[i], id) == 0)
      return true;
  return false;
}

static void veto_add(cd_names_scanner *s, const char *id) {
  if (veto_has(s, id))
    return;
  size_t l = strnlen(id, sizeof s->veto[0] - 1);
  memcpy(s->veto[s->veto_pos], id, l);
  s->veto[s->veto_pos][l] = '\0';
  s->veto_pos = (s->veto_pos + 1) % RING;
  if (s->veto_n < RING)
    s->veto_n++;
}

/* heads are folded when loaded */
static bool is_head(cd_names_scanner *s, const char *w, size_t n) {
  if (!s->head_map || cd_names_key_fold(cd_names_get_keyer(s->db), w, n, &s->tmp, NULL))
    return false;
  return cd_strmap_contains(s->head_map, s->tmp.data, s->tmp.len);
}

/* The feminine-endings list (dicts/names/feminine-endings.txt): 'f' when w (or the folded
 * lemma) ends with an ending of a feminine form, 'a' when with one that is also a
 * masculine case form, 0 otherwise. The longest listed ending wins. */
static char feminine_kind(cd_names_scanner *s, const char *w, size_t n) {
  cd_names_keyer *k = cd_names_get_keyer(s->db);
  if (cd_names_key_fold(k, w, n, &s->tmp, NULL))
    return 0;
  char kind = 0;
  size_t best = 0;
  for (size_t i = 0; i < s->n_fem; i++) {
    /* folded entry: "fem\tuk\tська" */
    const char *e = strrchr(s->fem[i], '\t');
    if (!e)
      continue;
    e++;
    size_t el = strlen(e);
    if (el > best && el < s->tmp.len && memcmp(s->tmp.data + s->tmp.len - el, e, el) == 0) {
      best = el;
      kind = s->fem[i][0] == 'f' ? 'f' : 'a';
    }
  }
  return kind;
}

/* ---- inflected forms (hunspell) ------------------------------------------------------------- */

/* Which Cyrillic dictionaries may hold this word: letters only Ukrainian has (і ї є ґ) or
 * only Russian has (ы э ъ ё) decide; otherwise both, Ukrainian first. */
static int cyr_dicts(const char *w, size_t n, int out[2]) {
  bool uk = false, ru = false;
  for (size_t i = 0; i < n;) {
    int32_t c = cd_utf8_next(w, n, &i);
    c = u_tolower(c);
    if (c == 0x456 || c == 0x457 || c == 0x454 || c == 0x491)
      uk = true;
    else if (c == 0x44B || c == 0x44D || c == 0x44A || c == 0x451)
      ru = true;
  }
  int k = 0;
  if (!ru)
    out[k++] = HUN_UK;
  if (!uk)
    out[k++] = HUN_RU;
  return k;
}

typedef struct lemma_ctx {
  cd_names_scanner *s;
  Hunhandle *h;
  int dict;
  const char *word; /* NUL-terminated */
  cd_error *err;
} lemma_ctx;

typedef struct model_ctx {
  char model[128];
} model_ctx;

static cd_status model_fn(void *ud, const char *lang, const char *kind, const char *val,
                          cd_error *err) {
  (void)lang;
  (void)kind;
  (void)err;
  model_ctx *m = ud;
  if (!m->model[0] && val)
    snprintf(m->model, sizeof m->model, "%s", val);
  return CD_OK;
}

/* A candidate lemma from the prefix query: add it to the dictionary with its entity's
 * declension model (once), so that the stemmer can recognise the inflected word. */
static cd_status lemma_fn(void *ud, const cd_names_hit *hit, const char *lemma, cd_error *err) {
  lemma_ctx *c = ud;
  cd_names_scanner *s = c->s;
  /* already added? (folded lemmas, per dictionary) */
  cd_buf_clear(&s->tmp);
  cd_status st = cd_buf_append_str(&s->tmp, hun_langs[c->dict]);
  CD_CHAIN(st, cd_buf_append(&s->tmp, "\t", 1));
  CD_CHAIN(st, cd_names_key_fold(cd_names_get_keyer(s->db), lemma, strlen(lemma), &s->tmp2, err));
  CD_CHAIN(st, cd_buf_append(&s->tmp, s->tmp2.data, s->tmp2.len));
  if (st)
    return st == CD_ERR_NOMEM ? cd_error_set(err, st, "out of memory") : st;
  for (size_t off = 0; off < s->added.len;) {
    size_t l = strlen(s->added.data + off);
    if (l == s->tmp.len && memcmp(s->added.data + off, s->tmp.data, l) == 0)
      return CD_OK;
    off += l + 1;
  }
  /* a word the dictionary knows already inflects: not ours to add */
  if (Hunspell_spell(c->h, lemma))
    return CD_OK;
  if (cd_buf_append(&s->added, s->tmp.data, s->tmp.len + 1))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  char key[16];
  snprintf(key, sizeof key, "decl_%s", hun_langs[c->dict]);
  model_ctx m = {{0}};
  /* a store that cannot be read here leaves the word uninflected: the lookups that need
   * the store report the error themselves */
  if (cd_names_context(s->db, hit, key, model_fn, &m, NULL) || !m.model[0])
    return CD_OK;
  /* a model without affix flags adds nothing useful (returns 1) */
  Hunspell_add_with_affix(c->h, lemma, m.model);
  return CD_OK;
}

/* Lemma candidates of one Cyrillic word, folded, NUL-separated into out; the word itself
 * first. */
/* Appends lemma (folded, NUL-terminated) to the list unless it is there; false when full. */
static bool lemma_push(cd_buf *out, size_t *count, const char *lemma, size_t len) {
  if (*count >= MAX_STEMS)
    return false;
  for (size_t j = 0, off = 0; j < *count; j++) {
    size_t l = strlen(out->data + off);
    if (l == len && memcmp(out->data + off, lemma, l) == 0)
      return true;
    off += l + 1;
  }
  if (cd_buf_append(out, lemma, len) || cd_buf_append(out, "", 1))
    return false;
  (*count)++;
  return true;
}

/* The feminine nominative of a masculine surname lemma (folded): hunspell stems a woman's
 * case form (Зеленської, Захаровой) to the man's lemma; her name is the feminine one
 * (Зеленська, Захарова). Adjectival endings first, then possessive -ов/-ев/-ин. */
static void feminine_lemmas(const char *lemma, cd_buf *out, size_t *count) {
  static const char *const rules[][2] = {
      {"ський", "ська"}, {"цький", "цька"}, {"ский", "ская"}, {"цкий", "цкая"}, {"ой", "ая"},
      {"ый", "ая"},      {"ов", "ова"},     {"ев", "ева"},    {"єв", "єва"},    {"ёв", "ёва"},
      {"ин", "ина"},     {"ін", "іна"},     {"ын", "ына"},    {"їн", "їна"}};
  size_t n = strlen(lemma);
  for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
    size_t el = strlen(rules[i][0]);
    if (n <= el + 2 || memcmp(lemma + n - el, rules[i][0], el) != 0)
      continue;
    char buf[256];
    int len = snprintf(buf, sizeof buf, "%.*s%s", (int)(n - el), lemma, rules[i][1]);
    if (len < 0 || (size_t)len >= sizeof buf)
      return;
    lemma_push(out, count, buf, (size_t)len);
    return; /* the longest matching ending decides */
  }
}

static cd_status word_lemmas(cd_names_scanner *s, const char *w, size_t n, cd_buf *out,
                             size_t *count, cd_error *err) {
  cd_names_keyer *k = cd_names_get_keyer(s->db);
  cd_buf_clear(out);
  *count = 0;
  cd_buf wz = CD_BUF_INIT, f = CD_BUF_INIT;
  cd_status st = CD_OK;
  if (cd_buf_append(&wz, w, n) || cd_buf_append(&wz, "", 1)) {
    st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    goto done;
  }
  if ((st = cd_names_key_fold(k, w, n, &f, err)))
    goto done;
  if (cd_buf_append(out, f.data, f.len + 1)) {
    st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    goto done;
  }
  (*count)++;
  int dicts[2];
  int nd = cyr_dicts(w, n, dicts);
  for (int d = 0; d < nd; d++) {
    Hunhandle *h = hun_get(s, dicts[d]);
    if (!h)
      continue;
    /* names the dictionary lacks: add the entities' lemmas that share a prefix */
    size_t cps = cd_utf8_count(f.data, f.len), end = f.len;
    for (size_t cut = 1; cut <= 4 && cps - cut >= CD_NAMES_INFL_MIN; cut++) {
      cd_utf8_prev(f.data, &end);
      if (!cd_names_infl_maybe(s->db, f.data, end))
        continue;
      lemma_ctx lc = {s, h, dicts[d], wz.data, err};
      st = cd_names_prefix_lemmas(s->db, f.data, end, f.len + 8, lemma_fn, &lc, err);
      if (st)
        goto done;
    }
    char **list = NULL;
    int ns = Hunspell_stem(h, &list, wz.data);
    for (int i = 0; i < ns && *count < MAX_STEMS; i++) {
      cd_buf g = CD_BUF_INIT;
      if (!cd_names_key_fold(k, list[i], strlen(list[i]), &g, NULL)) {
        bool dup = false;
        for (size_t j = 0, off = 0; j < *count; j++) {
          size_t l = strlen(out->data + off);
          if (l == g.len && memcmp(out->data + off, g.data, l) == 0)
            dup = true;
          off += l + 1;
        }
        if (!dup && cd_buf_append(out, g.data, g.len + 1) == CD_OK)
          (*count)++;
      }
      cd_buf_free(&g);
    }
    if (list)
      Hunspell_free_list(h, &list, ns);
  }
  /* a woman's case form: her feminine nominative next to the man's lemma */
  if (*count > 1 && feminine_kind(s, w, n)) {
    cd_buf copy = CD_BUF_INIT;
    size_t c0 = *count;
    if (cd_buf_append(&copy, out->data, out->len) == CD_OK) {
      const char *p = copy.data;
      for (size_t j = 0; j < c0; j++) {
        if (j > 0)
          feminine_lemmas(p, out, count);
        p += strlen(p) + 1;
      }
    }
    cd_buf_free(&copy);
  }
done:
  cd_buf_free(&wz);
  cd_buf_free(&f);
  return st;
}

/* Whether the word in lower case is a common word whose lemma is not `lemma` (folded). */
static bool common_other_lemma(cd_names_scanner *s, const char *w, size_t n, const char *lemma) {
  int d[2];
  int nd = cyr_dicts(w, n, d);
  bool other = false;
  for (int i = 0; i < nd && !other; i++) {
    Hunhandle *h = hun_get(s, d[i]);
    if (!known_in(s, h, w, n)) /* leaves the lower-cased word in s->tmp */
      continue;
    char **list = NULL;
    int ns = Hunspell_stem(h, &list, s->tmp.data);
    cd_buf g = CD_BUF_INIT;
    for (int j = 0; j < ns && !other; j++) {
      size_t k = 0;
      int32_t c = cd_utf8_next(list[j], strlen(list[j]), &k);
      if (c < 0 || !u_isULowercase(c))
        continue;
      if (!cd_names_key_fold(cd_names_get_keyer(s->db), list[j], strlen(list[j]), &g, NULL) &&
          strcmp(g.data, lemma) != 0)
        other = true;
    }
    cd_buf_free(&g);
    if (list)
      Hunspell_free_list(h, &list, ns);
  }
  return other;
}

typedef struct infl_result {
  cd_names_hit hit;
  char lemma[512]; /* folded lemma text of the span */
  bool ambiguous;
} infl_result;

/* Looks a span of words up through the lemmas of its Cyrillic words. */
static cd_status infl_find(cd_names_scanner *s, const char *t, size_t i, size_t len, infl_result *r,
                           bool *found, cd_error *err) {
  *found = false;
  memset(r, 0, sizeof *r);
  word *w = s->words;
  cd_buf lem[MAX_SPAN];
  size_t cnt[MAX_SPAN];
  for (size_t j = 0; j < len; j++)
    lem[j] = (cd_buf)CD_BUF_INIT;
  cd_status st = CD_OK;
  bool any = false;
  for (size_t j = 0; j < len && !st; j++) {
    if (w[i + j].cyr) {
      st = word_lemmas(s, t + w[i + j].b, w[i + j].e - w[i + j].b, &lem[j], &cnt[j], err);
      if (cnt[j] > 1)
        any = true;
    } else {
      st = cd_names_key_fold(cd_names_get_keyer(s->db), t + w[i + j].b, w[i + j].e - w[i + j].b,
                             &lem[j], err);
      if (!st && cd_buf_append(&lem[j], "", 1))
        st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
      cnt[j] = 1;
    }
  }
  char fem_word =
      len ? feminine_kind(s, t + w[i + len - 1].b, w[i + len - 1].e - w[i + len - 1].b) : 0;
  if (!st && any) {
    size_t idx[MAX_SPAN] = {0};
    cd_buf combo = CD_BUF_INIT;
    for (int iter = 0; iter < MAX_COMBOS && !st; iter++) {
      cd_buf_clear(&combo);
      bool changed = false;
      for (size_t j = 0; j < len; j++) {
        const char *p = lem[j].data;
        for (size_t m = 0; m < idx[j]; m++)
          p += strlen(p) + 1;
        if ((j && cd_buf_append(&combo, " ", 1)) || cd_buf_append_str(&combo, p))
          st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
        if (idx[j])
          changed = true;
      }
      if (changed && !st) { /* the unchanged words were looked up already */
        cd_names_query q = {combo.data, combo.len, NULL, 0, s->lang, false, true};
        cd_names_hit hits[MAX_HITS];
        size_t n = 0;
        st = cd_names_find(s->db, &q, hits, MAX_HITS, &n, err);
        /* a woman's case form (Зеленської) never stands for the man whose lemma the
         * dictionary gives (Зеленський) when her own (Зеленська) is there too */
        bool masc_lemma = false;
        if (fem_word == 'f') {
          const char *sp = strrchr(combo.data, ' ');
          sp = sp ? sp + 1 : combo.data;
          masc_lemma = feminine_kind(s, sp, strlen(sp)) != 'f';
        }
        for (size_t m = 0; m < n && !st; m++) {
          if (hits[m].level != CD_MATCH_EXACT)
            continue;
          if (masc_lemma && strcmp(hits[m].type, "person") == 0)
            continue;
          if (!*found || hits[m].score > r->hit.score) {
            r->hit = hits[m];
            r->ambiguous = false;
            snprintf(r->lemma, sizeof r->lemma, "%s", combo.data);
            *found = true;
          } else if (strcmp(hits[m].id, r->hit.id) != 0 && hits[m].score >= r->hit.score) {
            r->ambiguous = true;
          }
        }
      }
      /* next combination */
      size_t j = len;
      while (j > 0) {
        j--;
        if (++idx[j] < cnt[j])
          break;
        idx[j] = 0;
        if (j == 0)
          iter = MAX_COMBOS;
      }
      if (len == 0)
        break;
    }
    cd_buf_free(&combo);
  }
  for (size_t j = 0; j < len; j++)
    cd_buf_free(&lem[j]);
  return st;
}

/* ---- one span ------------------------------------------------------------------------------ */

static bool lang_is_cyrillic(const char *lang) {
  return strcmp(lang, "uk") == 0 || strcmp(lang, "ru") == 0 || strcmp(lang, "be") == 0 ||
         strcmp(lang, "bg") == 0 || strcmp(lang, "sr") == 0;
}

typedef struct emit_ctx {
  cd_names_mention_fn fn;
  void *ud;
} emit_ctx;

static cd_status emit(cd_names_scanner *s, emit_ctx *ec, const cd_names_hit *h, size_t sb,
                      size_t se, bool is_canon, bool rewrite, double conf, const char *rule,
                      const char *why, cd_error *err) {
  cd_names_mention m;
  memset(&m, 0, sizeof m);
  m.start = sb;
  m.end = se;
  m.entity = h->id;
  m.type = h->type;
  m.canonical = s->repl.data ? s->repl.data : "";
  m.canonical_len = s->repl.len;
  m.is_canonical = is_canon;
  m.rewrite = rewrite && !is_canon;
  m.confidence = conf;
  m.rule = rule;
  m.why = why;
  return ec->fn(ec->ud, &m, err);
}

/* A word with two adjacent letters swapped: the first swap that is a listed form or a
 * transliteration of one gives the entity, as a near miss (it needs context, like every
 * fuzzy match). */
static cd_status transposition_find(cd_names_scanner *s, const cd_names_query *q,
                                    cd_names_hit *hits, size_t *n, size_t *core, bool *keep,
                                    cd_error *err) {
  size_t cps = cd_utf8_count(q->text, q->len);
  cd_buf text = CD_BUF_INIT;
  cd_status st = CD_OK;
  for (size_t k = 1; k + 1 < cps && !st && *n == 0; k++) {
    if (!swap_at(q->text, q->len, k, &text) || memcmp(text.data, q->text, q->len) == 0 ||
        cd_names_guard_words(text.data, text.len) != cd_names_guard_words(q->text, q->len))
      continue;
    cd_names_query tq = *q;
    tq.text = text.data;
    tq.fuzzy = false;
    st = cd_names_find_span(s->db, &tq, hits, 2, n, core, keep, err);
    if (!st && *n && hits[0].level == CD_MATCH_FUZZY)
      *n = 0;
  }
  /* one swap in a name of several words: the other words are spelled exactly, which is
   * the context a near miss needs ("Volodymyr Zelesnkyy") */
  bool several = cd_names_guard_words(q->text, q->len) > 1;
  for (size_t j = 0; j < *n; j++) {
    hits[j].level = CD_MATCH_FUZZY;
    hits[j].context = hits[j].context || (several && hits[j].part == CD_PART_FULL);
    snprintf(hits[j].why, sizeof hits[j].why, "two letters swapped");
  }
  cd_buf_free(&text);
  return st;
}

/* The lookup result of a span text in a language, cached: the same names recur in a
 * document and across documents, and the result depends on the span text only. */
static cd_status resolve(cd_names_scanner *s, const char *t, size_t i, size_t len, span_ent **out,
                         cd_error *err) {
  word *w = s->words;
  size_t sb = w[i].b, se = w[i + len - 1].e;
  uint64_t h = cd_hash_more(cd_hash(t + sb, se - sb), s->lang, strlen(s->lang));
  span_ent *r = &s->spans[h % SPAN_CACHE];
  size_t ll = strlen(s->lang);
  uint32_t slot = (uint32_t)(h % SPAN_CACHE);
  if (r->key && r->h == h && r->key_len == se - sb + 1 + ll &&
      memcmp(r->key, t + sb, se - sb) == 0 && memcmp(r->key + (se - sb) + 1, s->lang, ll) == 0) {
    *out = r;
    return CD_OK;
  }
  if (!r->key && cd_buf_append(&s->spans_used, &slot, sizeof slot))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  free(r->key);
  free(r->lemma);
  free(r->roles);
  free(r->repl);
  free(r->hit.id);
  memset(r, 0, sizeof *r);
  cd_names_query q = {t + sb, se - sb, t, sb, s->lang, true, true};
  /* the best hit and whether another entity ties with it are all a span needs: two hits
   * (a full set stops a key query early, and fewer entities are fetched) */
  cd_names_hit hits[2];
  size_t n = 0, core = q.len;
  bool keep = true;
  cd_status st = cd_names_find_span(s->db, &q, hits, 2, &n, &core, &keep, err);
  if (st)
    return st;
  bool swapped = false;
  for (size_t j = i; j < i + len && n == 0 && !swapped; j++)
    swapped = word_maybe(s, &w[j], t + w[j].b, w[j].e - w[j].b) & 4;
  if (swapped && (st = transposition_find(s, &q, hits, &n, &core, &keep, err)))
    return st;
  if (n == 0 || (hits[0].level == CD_MATCH_FUZZY && !hits[0].context)) {
    bool cyr = false;
    for (size_t j = 0; j < len; j++)
      cyr |= w[i + j].cyr;
    bool found = false;
    infl_result ir;
    if (cyr && (st = infl_find(s, t, i, len, &ir, &found, err)))
      return st;
    if (found) {
      r->ambiguous = ir.ambiguous;
      hits[0] = ir.hit;
      n = 1;
      r->inflected = true;
      core = se - sb;
      keep = false;
      if (!(r->lemma = strdup(ir.lemma)))
        return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    }
  }
  r->n = n;
  if (n) {
    span_hit *sh = &r->hit;
    sh->entity = hits[0].entity;
    snprintf(sh->type, sizeof sh->type, "%s", hits[0].type);
    sh->score = hits[0].score;
    sh->level = hits[0].level;
    sh->part = hits[0].part;
    sh->house = hits[0].house;
    sh->context = hits[0].context;
    sh->historical = hits[0].historical;
    r->tie = n > 1 && hits[1].score >= hits[0].score && strcmp(hits[0].id, hits[1].id) != 0;
    if (!(sh->id = strdup(hits[0].id))) {
      free(r->lemma);
      memset(r, 0, sizeof *r);
      return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    }
  }
  r->core = core;
  r->keep = keep;
  r->key_len = se - sb + 1 + ll;
  if (!(r->key = malloc(r->key_len + 1))) {
    free(r->lemma);
    free(r->hit.id);
    memset(r, 0, sizeof *r);
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  memcpy(r->key, t + sb, se - sb);
  r->key[se - sb] = '\0';
  memcpy(r->key + (se - sb) + 1, s->lang, ll + 1);
  r->h = h;
  *out = r;
  return CD_OK;
}

static cd_status role_collect(void *ud, const char *lang, const char *kind, const char *val,
                              cd_error *err) {
  (void)lang;
  (void)kind;
  cd_names_scanner *s = ud;
  if (!val || cd_names_key_fold(cd_names_get_keyer(s->db), val, strlen(val), &s->tmp, NULL))
    return CD_OK; /* a value that cannot be folded is no role to look for */
  if (cd_buf_append(&s->tmp2, s->tmp.data, s->tmp.len + 1))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  return CD_OK;
}

/* Whether the text before the span ends with a role of the entity (case-insensitive, at a
 * word boundary): "President Zelensky", "le président Macron". The folded roles are
 * fetched once per cached span. */
static cd_status role_before(cd_names_scanner *s, span_ent *r, const cd_names_hit *h, const char *t,
                             size_t sb, bool *found, cd_error *err) {
  *found = false;
  if (!r->roles) {
    cd_buf_clear(&s->tmp2);
    cd_status st = cd_names_context(s->db, h, "role", role_collect, s, err);
    if (st)
      return st;
    if (cd_buf_append(&s->tmp2, "", 1) || !(r->roles = malloc(s->tmp2.len)))
      return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    memcpy(r->roles, s->tmp2.data, s->tmp2.len);
    r->roles_len = s->tmp2.len;
  }
  if (!r->roles[0])
    return CD_OK;
  size_t e = sb;
  while (e > 0 && t[e - 1] == ' ')
    e--;
  if (e == 0)
    return CD_OK;
  /* the last 80 bytes before the span (at a character boundary), folded */
  size_t b = e > 80 ? e - 80 : 0;
  while (b > 0 && b < e && ((unsigned char)t[b] & 0xC0) == 0x80)
    b++;
  if (cd_names_key_fold(cd_names_get_keyer(s->db), t + b, e - b, &s->tmp, err))
    return CD_OK;
  const char *tail = s->tmp.data;
  size_t tl = s->tmp.len;
  for (const char *v = r->roles; *v; v += strlen(v) + 1) {
    size_t vl = strlen(v);
    if (vl > tl || memcmp(tail + tl - vl, v, vl) != 0)
      continue;
    if (vl < tl) { /* a word boundary before the role */
      size_t p = tl - vl;
      int32_t c = cd_utf8_prev(tail, &p);
      if (c >= 0 && is_word_cp(c))
        continue;
    } else if (b > 0) {
      size_t p = b;
      int32_t c = cd_utf8_prev(t, &p);
      if (c >= 0 && is_word_cp(c))
        continue;
    }
    *found = true;
    return CD_OK;
  }
  return CD_OK;
}

/* Whether a word of words[i .. i+len) (3 letters or more) is, folded, a word of the
 * entity's house form in the text's language or in English. */
static cd_status shares_word(cd_names_scanner *s, const cd_names_hit *h, const char *t, size_t i,
                             size_t len, bool *found, cd_error *err) {
  *found = false;
  cd_names_keyer *k = cd_names_get_keyer(s->db);
  const char *langs[2] = {s->lang, "en"};
  cd_buf c = CD_BUF_INIT, f = CD_BUF_INIT, form = CD_BUF_INIT;
  cd_status st = CD_OK;
  for (int l = 0; l < 2 && !*found && !st; l++) {
    if (l == 1 && strcmp(s->lang, "en") == 0)
      break;
    if ((st = cd_names_canonical(s->db, h, langs[l], CD_PART_FULL, &form, err)) ||
        (st = cd_names_key_fold(k, form.data, form.len, &c, err)))
      break;
    for (size_t j = i; j < i + len && !*found; j++) {
      const word *wd = &s->words[j];
      if (cd_utf8_count(t + wd->b, wd->e - wd->b) < 3 ||
          cd_names_key_fold(k, t + wd->b, wd->e - wd->b, &f, NULL))
        continue;
      /* f as a whole word of c */
      for (const char *p = c.data; p && (p = strstr(p, f.data)); p++) {
        bool left = p == c.data || p[-1] == ' ' || p[-1] == '-';
        char r = p[f.len];
        if (left && (r == '\0' || r == ' ' || r == '-')) {
          *found = true;
          break;
        }
      }
    }
  }
  cd_buf_free(&c);
  cd_buf_free(&f);
  cd_buf_free(&form);
  return st;
}

/* ---- the editor's guards: a match an editor would not rewrite ---------------------------- */

/* Whether the folded word w[0, n) is listed under kind in names/cues.txt. */
static bool cue_has(cd_names_scanner *s, const char *kind, const char *w, size_t n) {
  /* l'attaquant, dell'allenatore: the word after the elision */
  for (size_t k = 0; k + 1 < n && k < 8 && (k == 0 || (w[k - 1] >= 'a' && w[k - 1] <= 'z')); k++)
    if (k > 0 && (w[k] == '\'' || (k + 3 <= n && memcmp(w + k, "\xE2\x80\x99", 3) == 0))) {
      size_t skip = k + (w[k] == '\'' ? 1 : 3);
      w += skip;
      n -= skip;
      break;
    }
  if (!s->cue_map || !n || cd_names_key_fold(cd_names_get_keyer(s->db), w, n, &s->tmp, NULL))
    return false;
  size_t kl = strlen(kind);
  cd_buf_clear(&s->cuekey);
  if (cd_buf_append(&s->cuekey, kind, kl) || cd_buf_append(&s->cuekey, "\t", 1) ||
      cd_buf_append(&s->cuekey, s->tmp.data, s->tmp.len))
    return false;
  return cd_strmap_contains(s->cue_map, s->cuekey.data, s->cuekey.len);
}

/* Whether some word of t[b, e) is listed under kind. */
static bool cue_in(cd_names_scanner *s, const char *kind, const char *t, size_t b, size_t e) {
  size_t i = b;
  while (i < e) {
    while (i < e) {
      size_t j = i;
      int32_t c = cd_utf8_next(t, e, &j);
      if (c >= 0 && is_word_cp(c))
        break;
      i = j;
    }
    size_t wb = i;
    while (i < e) {
      size_t j = i;
      int32_t c = cd_utf8_next(t, e, &j);
      if (c < 0 || !(is_word_cp(c) || is_apos(c)))
        break;
      i = j;
    }
    if (i > wb && cue_has(s, kind, t + wb, i - wb))
      return true;
    if (i == wb)
      i++;
  }
  return false;
}

/* The word right before words[i], when only spaces (or an initial's dot) part them. */
static const word *word_before(cd_names_scanner *s, const char *t, size_t i) {
  return i > 0 && adjacent(t, &s->words[i - 1], &s->words[i]) ? &s->words[i - 1] : NULL;
}

/* Whether a listed fixed expression of the language (names/fixed.txt) covers a byte of
 * the span [sb, se) on the current line: "Athens, Georgia", "Chicken Kiev". */
static bool in_fixed(cd_names_scanner *s, const char *t, size_t sb, size_t se) {
  size_t fw0 = sb;
  while (fw0 < se && t[fw0] != ' ')
    fw0++;
  if (!s->fixed_words || !cd_strmap_contains(s->fixed_words, t + sb, fw0 - sb))
    return false;
  size_t ll = strlen(s->lang);
  for (size_t k = 0; k < s->n_fixed; k++) {
    const char *f = s->fixed[k], *tab = strchr(f, '\t');
    if (!tab || !((tab - f == 1 && f[0] == '*') ||
                  ((size_t)(tab - f) == ll && memcmp(f, s->lang, ll) == 0)))
      continue;
    const char *x = tab + 1;
    size_t xl = strlen(x);
    /* only an expression that holds the span's first word can cover it */
    size_t fw = sb;
    while (fw < se && t[fw] != ' ')
      fw++;
    if (!memmem(x, xl, t + sb, fw - sb))
      continue;
    for (size_t p = s->line_b; p + xl <= s->line_e; p++) {
      const char *hit = memmem(t + p, s->line_e - p, x, xl);
      if (!hit)
        break;
      p = (size_t)(hit - t);
      if (p < se && p + xl > sb)
        return true;
    }
  }
  return false;
}

/* "Athens, Georgia", "Paris, Texas": a place followed by a comma and a listed region. */
static bool qualified_place(cd_names_scanner *s, const char *t, size_t se) {
  if (se + 2 >= s->line_e || t[se] != ',' || t[se + 1] != ' ' || !s->n_quals)
    return false;
  for (size_t k = 0; k < s->n_quals; k++) {
    const char *q = s->quals[k];
    size_t ql = strlen(q);
    if (se + 2 + ql > s->line_e ||
        cd_names_key_fold(cd_names_get_keyer(s->db), t + se + 2, ql, &s->tmp, NULL) ||
        strcmp(s->tmp.data, q) != 0)
      continue;
    size_t after = se + 2 + ql, j = after;
    int32_t c = after < s->line_e ? cd_utf8_next(t, s->line_e, &j) : -1;
    if (c < 0 || !is_word_cp(c))
      return true;
  }
  return false;
}

/* Part of another name: a brand, a channel, a club, a title or a town elsewhere (class 7
 * of the editor's rules): "Kyiv 24", "CBS New York", "FC Dynamo", "Public Radio of
 * Armenia", "Athens, Georgia", listed fixed expressions. */
static bool inside_other_name(cd_names_scanner *s, const char *t, size_t nw, size_t i, size_t len,
                              const cd_names_hit *h) {
  const word *w = s->words;
  size_t sb = w[i].b, se = w[i + len - 1].e;
  if (in_fixed(s, t, sb, se))
    return true;
  const word *nx = i + len < nw ? &w[i + len] : NULL;
  if (nx && adjacent(t, &w[i + len - 1], nx) && t[nx->b] >= '0' && t[nx->b] <= '9')
    return true;
  const word *pv = word_before(s, t, i);
  if (pv && (cue_has(s, "lead", t + pv->b, pv->e - pv->b) ||
             (cd_names_guard_all_caps(t + pv->b, pv->e - pv->b) && !pv->cyr == !w[i].cyr)))
    return true;
  if (strcmp(h->type, "person") == 0)
    return false;
  if (qualified_place(s, t, se))
    return true;
  /* "<Name> of <place>": a capitalized word, not the first of the line, before "of" */
  if (pv && !pv->cap && cue_has(s, "of", t + pv->b, pv->e - pv->b) && i >= 2 &&
      adjacent(t, &w[i - 2], pv) && w[i - 2].cap && i - 2 > 0)
    return true;
  return false;
}

/* Whether the quotation [qb, qe) is in another language than the text: another
 * language's dictionary knows more of its words (as written) than the text's own ("We
 * stand with Germany" in German text, "Wir stehen zu Kiew" or "Vive Iouri Ignat" in
 * English, Russian inside Ukrainian), or it knows fewer than half of its lower-case words. */
static bool quote_foreign(cd_names_scanner *s, const char *t, size_t qb, size_t qe) {
  int own = hun_index(s->lang);
  if (own < 0 || !hun_get(s, own))
    return false;
  size_t known[HUN_N] = {0}, words = 0, own_lower = 0;
  /* two passes: the text's own dictionary first; the others (loaded on first need) only
   * when it leaves a lower-case word unexplained or the quotation has none */
  for (int pass = 0; pass < 2; pass++) {
    if (pass == 1 && words > 0 && own_lower == words)
      break;
    for (size_t i = qb; i < qe;) {
      size_t b = i;
      int32_t c = cd_utf8_next(t, qe, &i);
      if (c < 0 || !u_isalpha(c))
        continue;
      bool lower = u_islower(c);
      size_t e = i;
      for (;;) {
        size_t j = e;
        int32_t d = j < qe ? cd_utf8_next(t, qe, &j) : -1;
        if (d < 0 || !(u_isalpha(d) || is_apos(d) || d == '-'))
          break;
        e = j;
      }
      i = e;
      if (cd_utf8_count(t + b, e - b) < 2)
        continue;
      cd_buf_clear(&s->tmp);
      if (cd_buf_append(&s->tmp, t + b, e - b))
        return false;
      for (int k = 0; k < HUN_N; k++) {
        if ((pass == 0) != (k == own))
          continue;
        Hunhandle *hh = hun_get(s, k);
        bool ok = hh && Hunspell_spell(hh, s->tmp.data);
        known[k] += ok;
        if (pass == 0) {
          words += lower; /* capitalized words count as evidence, not as words to explain */
          own_lower += ok && lower;
        }
      }
    }
  }
  for (int k = 0; k < HUN_N; k++)
    if (k != own && known[k] > known[own])
      return true;
  return words >= 2 && own_lower * 2 < words;
}

enum { GUARD_PASS, GUARD_ACCEPT, GUARD_SKIP };

/* Identity and grammar: may the span be the entity at all, and may it be replaced in this
 * sentence? GUARD_ACCEPT: the text stands as written (an acronym, an original spelling in
 * another script, a quotation, a case form); GUARD_SKIP: not a mention of this entity. */
static int guard_accept(cd_names_scanner *s, const char *t, size_t i, size_t len, bool inflected,
                        const char **why) {
  const word *w = s->words;
  size_t sb = w[i].b, se = w[i + len - 1].e;
  const char *span = t + sb, *repl = s->repl.data;
  size_t sl = se - sb, rl = s->repl.len;
  bool span_cyr = has_cyrillic(span, sl), repl_cyr = has_cyrillic(repl, rl);
  if (cd_names_guard_has_acronym(span, sl) &&
      (cd_names_guard_words(repl, rl) > cd_names_guard_words(span, sl) ||
       (cd_utf8_count(span, sl) <= 3 && cd_utf8_count(repl, rl) != cd_utf8_count(span, sl)) ||
       (s->lang_cyr && !cd_names_guard_all_caps(repl, rl))))
    return *why = "an acronym or short form is an accepted form", GUARD_ACCEPT;
  if (s->lang_cyr && !span_cyr && repl_cyr)
    return *why = "a Latin-script original in Cyrillic text", GUARD_ACCEPT;
  size_t qb = 0, qe = 0;
  int enc = cd_names_guard_enclosed(t + s->line_b, s->line_e - s->line_b, sb - s->line_b, s->lang,
                                    &qb, &qe);
  if (enc && !s->lang_cyr && span_cyr && !repl_cyr)
    return *why = "an original spelling quoted or in parentheses", GUARD_ACCEPT;
  if (enc == 'q') {
    qb += s->line_b, qe += s->line_b;
    if (cd_names_guard_all_caps(t + qb, qe - qb) || quote_foreign(s, t, qb, qe))
      return *why = "inside a quotation in capitals or in another language", GUARD_ACCEPT;
    for (size_t k = sb; k < se;) {
      size_t b = k;
      int32_t c = cd_utf8_next(t, se, &k);
      if (c >= 0x80 && u_isalpha(c) && !memmem(repl, rl, t + b, k - b))
        return *why = "a quoted name with its own diacritics", GUARD_ACCEPT;
    }
  }
  /* (a case form found through its lemma is never rewritten in these languages: the
   * scanner decided that already) */
  if (s->lang_cyr && span_cyr && repl_cyr && !inflected &&
      cd_names_guard_endings_differ(span, sl, repl, rl))
    return *why = "a case form: the rewrite would change its grammar", GUARD_ACCEPT;
  return GUARD_PASS;
}

/* Whether the entity's roles (names context role=) include a word listed under kind. */
static bool roles_have(cd_names_scanner *s, span_ent *r, const char *kind) {
  if (!r->roles)
    return false;
  for (const char *v = r->roles; *v; v += strlen(v) + 1)
    if (cue_in(s, kind, v, 0, strlen(v)))
      return true;
  return false;
}

/* A common noun right before a bare surname describes its bearer ("pitcher Mélanchon",
 * "le curé Soeder", "барабанщик Лунин", German "Pfarrer Sejourne"): unless it is one of the
 * entity's roles (the caller has checked), the person is somebody else. Function words,
 * verbs of saying and meeting (cues "licence") and forms of address are no descriptors. */
static bool descriptor(cd_names_scanner *s, const char *t, const word *pv) {
  const char *p = t + pv->b;
  size_t n = pv->e - pv->b;
  if (cue_has(s, "function", p, n) || cue_has(s, "licence", p, n) || cue_has(s, "person", p, n) ||
      cue_has(s, "of", p, n))
    return false;
  if (!pv->cap)
    return known_common_word(s, p, n);
  return strcmp(s->lang, "de") == 0 && !pv->cyr && known_noun_de(s, p, n);
}

/* Licence and contrary signals (the editor's classes 3, 4 and 12): a bare surname, a
 * transliteration or a near miss is this entity only when nothing in the text speaks
 * against it. */
static int guard_skip(cd_names_scanner *s, span_ent *r, const char *t, size_t nw, size_t i,
                      size_t len, const cd_names_hit *h, bool role, bool context, bool inflected) {
  const word *w = s->words;
  size_t sb = w[i].b, se = w[i + len - 1].e;
  bool person = strcmp(h->type, "person") == 0;
  const word *pv = word_before(s, t, i);
  if (inside_other_name(s, t, nw, i, len, h))
    return GUARD_SKIP;
  /* a name ending in -s with a possessive apostrophe after it ("Marseilles’ mayor") is
   * that name, not the German genitive of another (Marseille) */
  if (!r->keep && r->core < se - sb && se < s->line_e &&
      (t[se] == '\'' || (se + 3 <= s->line_e && memcmp(t + se, "\xE2\x80\x99", 3) == 0)))
    return GUARD_SKIP;
  if (person && !role && veto_has(s, h->id))
    return GUARD_SKIP;
  bool bare = person && (h->part == CD_PART_SURNAME || len == 1);
  /* (a noun before a case form is a possessive construction, not a descriptor: "слова
   * Мединского", the words of Medinsky) */
  if (bare && pv && !role &&
      (cue_has(s, "title", t + pv->b, pv->e - pv->b) || (!inflected && descriptor(s, t, pv))))
    return GUARD_SKIP; /* Father Lavrov, coach Zelensky, pitcher Mélanchon */
  if (bare && !role && cue_in(s, "sport", t, s->line_b, s->line_e) && !roles_have(s, r, "sport"))
    return GUARD_SKIP;
  if (h->level == CD_MATCH_EXACT)
    return GUARD_PASS;
  if (cue_in(s, "function", t, sb, se))
    return GUARD_SKIP; /* "And I", "der Mann", "The Ukrainian" */
  if (s->foreign &&
      cd_names_guard_foreign_letter(t + sb, se - sb, s->repl.data, s->repl.len, s->foreign))
    return GUARD_SKIP; /* another language's spelling of its own name */
  if (pv && person && cue_has(s, "place", t + pv->b, pv->e - pv->b))
    return GUARD_SKIP; /* "near Silina": a place */
  if (pv && !person && cue_has(s, "person", t + pv->b, pv->e - pv->b))
    return GUARD_SKIP;          /* "Mr Lviv" */
  if (!context && !inflected) { /* case forms have their own test (common_other_lemma) */
    bool all_common = true;
    for (size_t j = i; j < i + len && all_common; j++)
      all_common = known_common_word(s, t + w[j].b, w[j].e - w[j].b);
    if (all_common)
      return GUARD_SKIP;
  }
  return GUARD_PASS;
}

static cd_status country_fn(void *ud, const char *lang, const char *kind, const char *val,
                            cd_error *err) {
  (void)lang;
  (void)kind;
  (void)err;
  bool *east = ud;
  if (val && (strcmp(val, "UA") == 0 || strcmp(val, "RU") == 0 || strcmp(val, "BY") == 0))
    *east = true;
  return CD_OK;
}

/* A person of Ukraine, Russia or Belarus: the Russian and Ukrainian spellings of the name
 * differ by rule (Зеленский / Зеленський), so the other language's spelling in a full name
 * is a mistake; for other people two Cyrillic spellings are both usage (Рейчел, Рэйчел). */
static bool east_slavic_person(cd_names_scanner *s, const cd_names_hit *h) {
  bool east = false;
  if (strcmp(h->type, "person") == 0)
    cd_names_context(s->db, h, "country", country_fn, &east, NULL);
  return east;
}

/* Whether the span has letters only the other Cyrillic language writes (ы э ъ ё in a
 * Ukrainian text, і ї є ґ in a Russian one): it is that language's spelling. */
static bool other_cyrillic_letters(cd_names_scanner *s, const char *p, size_t n) {
  int d[2];
  int nd = cyr_dicts(p, n, d);
  int own = hun_index(s->lang);
  return nd == 1 && own >= 0 && d[0] != own;
}

/* The first folded word of s[0, n) into out. */
static cd_status first_word_fold(cd_names_scanner *s, const char *p, size_t n, cd_buf *out,
                                 cd_error *err) {
  const char *sp = memchr(p, ' ', n);
  return cd_names_key_fold(cd_names_get_keyer(s->db), p, sp ? (size_t)(sp - p) : n, out, err);
}

/* A surname match of several words ("Marine LePen" found as the surname Le Pen) must not
 * drop the words before the surname: s->repl becomes the full form when the span starts
 * with the full form's first word or is a listed variant of the whole name ("William Lai"
 * for Lai Ching-te); *ok is false otherwise. */
static cd_status surname_keeps_words(cd_names_scanner *s, const cd_names_hit *h, const char *t,
                                     size_t i, size_t se, bool keep, size_t core, bool *ok,
                                     cd_error *err) {
  const word *w = s->words;
  size_t sb = w[i].b;
  cd_buf a = CD_BUF_INIT, b = CD_BUF_INIT, full = CD_BUF_INIT;
  cd_status st = first_word_fold(s, t + sb, w[i].e - sb, &a, err);
  if (!st)
    st = first_word_fold(s, s->repl.data, s->repl.len, &b, err);
  *ok = !st && a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
  if (!st && !*ok) {
    cd_names_hit fh = *h;
    fh.part = CD_PART_FULL;
    st = cd_names_replacement(s->db, &fh, s->lang, t + sb, core, se - sb, keep, &full, err);
    if (!st)
      st = first_word_fold(s, full.data, full.len, &b, err);
    /* a listed variant names the whole person ("William Lai" for Lai Ching-te) */
    if (!st &&
        (h->level == CD_MATCH_EXACT || (a.len == b.len && memcmp(a.data, b.data, a.len) == 0))) {
      *ok = true;
      cd_buf_clear(&s->repl);
      st = cd_buf_append(&s->repl, full.data, full.len);
    }
  }
  cd_buf_free(&a);
  cd_buf_free(&b);
  cd_buf_free(&full);
  return st;
}

static cd_status resolve(cd_names_scanner *s, const char *t, size_t i, size_t len, span_ent **out,
                         cd_error *err);

/* Whether the word before words[i] and words[i] together are a near miss of the entity
 * itself ("Volodymry Zelenskyy"): a misspelt given name is no other person. */
static bool same_person_nearly(cd_names_scanner *s, const char *t, size_t i,
                               const cd_names_hit *h) {
  span_ent *r = NULL;
  cd_error e;
  return resolve(s, t, i - 1, 2, &r, &e) == CD_OK && r->n > 0 && r->hit.id &&
         strcmp(r->hit.id, h->id) == 0;
}

/* What try_span makes of a candidate span. */
typedef enum span_verdict {
  SPAN_PASS,  /* no mention here: the caller tries a shorter span */
  SPAN_TAKEN, /* a mention (reported) or a deliberate skip: the scan moves past the span */
  SPAN_DEFER  /* an unsure match of several words, left until the shorter spans are tried */
} span_verdict;

/* One candidate span, words[i .. i+len) of the line, and what the phases of try_span learn
 * about it. The caller sets the first block; the rest is filled as the span is judged. */
typedef struct span_try {
  const char *t;     /* the text */
  size_t nw, i, len; /* the line's word count, the span's first word and length */
  bool may_defer;    /* an unsure match of several words may be left for later ... */
  size_t defer_len;  /* ... and this longer one already was (0: none) */

  span_ent *r;     /* the span's cache entry */
  cd_names_hit h;  /* its best hit (a copy: later lookups may reuse r's slot) */
  char lemma[512]; /* inflected: the folded lemma */
  size_t sb, se, core;
  bool keep, inflected;
  bool prev_cap, next_cap; /* a capitalized name word right before, right after */
  bool context, by_ring, role;
  bool is_canon, rewrite;
  double conf;
  const char *rule;
} span_try;

/* Resolves the span and copies its best hit; SPAN_PASS or SPAN_TAKEN when that already
 * decides (no hit; an ambiguous span or several entities at the top score are left). */
static cd_status span_resolve(cd_names_scanner *s, span_try *p, span_verdict *v, cd_error *err) {
  const word *w = s->words;
  p->sb = w[p->i].b;
  p->se = w[p->i + p->len - 1].e;
  cd_status st = resolve(s, p->t, p->i, p->len, &p->r, err);
  if (st)
    return st;
  span_ent *r = p->r;
  *v = r->ambiguous || (r->n > 0 && r->tie) ? SPAN_TAKEN : SPAN_PASS;
  if (r->ambiguous || r->n == 0 || r->tie)
    return CD_OK;
  p->core = r->core;
  p->keep = r->keep;
  p->inflected = r->inflected;
  if (p->inflected)
    snprintf(p->lemma, sizeof p->lemma, "%s", r->lemma);
  cd_names_hit *h = &p->h;
  memset(h, 0, sizeof *h);
  h->entity = r->hit.entity;
  size_t il = strnlen(r->hit.id, sizeof h->id - 1);
  memcpy(h->id, r->hit.id, il); /* memset above: NUL-terminated */
  memcpy(h->type, r->hit.type, sizeof h->type);
  h->score = r->hit.score;
  h->level = r->hit.level;
  h->part = r->hit.part;
  h->house = r->hit.house;
  h->context = r->hit.context;
  h->historical = r->hit.historical;
  return CD_OK;
}

/* Capitalized name words next to the span, and the context that makes it the entity: role
 * words right before, or an earlier full mention of the person. */
static cd_status span_context(cd_names_scanner *s, span_try *p, cd_error *err) {
  const word *w = s->words;
  const char *t = p->t;
  size_t i = p->i, len = p->len;
  const cd_names_hit *h = &p->h;
  p->prev_cap = i > 0 && w[i - 1].cap && adjacent(t, &w[i - 1], &w[i]);
  const word *nx = i + len < p->nw ? &w[i + len] : NULL;
  p->next_cap =
      nx && adjacent(t, &w[i + len - 1], nx) && (nx->cap || is_head(s, t + nx->b, nx->e - nx->b));
  /* German capitalizes every noun: "Netanjahus Plan", "Selenskyj Berater" are no larger
   * names (a listed compound head still is) */
  if (p->next_cap && strcmp(s->lang, "de") == 0 && !nx->cyr &&
      !is_head(s, t + nx->b, nx->e - nx->b) && known_noun_de(s, t + nx->b, nx->e - nx->b))
    p->next_cap = false;
  p->context = h->context;
  if (!p->context &&
      (h->part == CD_PART_SURNAME || h->level == CD_MATCH_FUZZY || p->inflected || len == 1)) {
    bool found = false;
    cd_status st = role_before(s, p->r, h, t, p->sb, &found, err);
    if (st)
      return st;
    if (found)
      p->context = p->role = true, p->prev_cap = false;
    else if (ring_has(s, h->id))
      p->context = p->by_ring = true;
  }
  /* an earlier mention makes "Faure" the person again, but not "For" or "Break": a Latin
   * word of the text's language that only sounds or romanizes like the name needs a role
   * (a Cyrillic case form after a full mention is the person: Кара-Мурзы) */
  if (p->by_ring && len == 1 && h->level != CD_MATCH_EXACT && !p->inflected && !w[i].cyr &&
      known_common_word(s, t + p->sb, p->se - p->sb))
    p->context = false;
  return CD_OK;
}

/* Whether the span is part of a larger name: a capitalized name word after it (or a
 * historical entity), or one before it that makes another person or place (Leonid Gaidai,
 * Bohdan Khmelnytsky). Sets *v and returns true when it is. */
static bool span_in_larger_name(cd_names_scanner *s, span_try *p, span_verdict *v) {
  const word *w = s->words;
  const cd_names_hit *h = &p->h;
  size_t i = p->i;
  if (p->next_cap || h->historical) {
    /* ... unless this match or the larger span is unsure ("The Leonid" ~ Thailand before
     * Slutskiy): then the scan moves on to the next word */
    bool unsure = h->level == CD_MATCH_FUZZY && !p->context;
    *v = h->historical || (!unsure && p->defer_len <= p->len) ? SPAN_TAKEN : SPAN_PASS;
    return true;
  }
  if (!p->prev_cap || (h->part == CD_PART_FULL && p->len != 1))
    return false;
  const char *pw = p->t + w[i - 1].b;
  size_t pl = w[i - 1].e - w[i - 1].b;
  bool sentence_start = i - 1 == 0 || (w[i - 1].b >= 2 && p->t[w[i - 1].b - 2] == '.');
  /* a sentence-initial common word is no given name, unless names have it ("Maria" is
   * also the plural of mare) */
  if (sentence_start && known_common_word(s, pw, pl) &&
      (cue_has(s, "function", pw, pl) || !proper_noun(s, pw, pl)))
    return false;
  *v = SPAN_TAKEN;
  /* another person of that surname, named in full: a bare surname later in this document
   * is not the entity either (Elena Silina ... Silina said) */
  if (strcmp(h->type, "person") == 0 && h->part == CD_PART_SURNAME && !w[i - 1].cyr == !w[i].cyr &&
      !same_person_nearly(s, p->t, i, h) && !cue_has(s, "person", pw, pl) &&
      !cue_has(s, "title", pw, pl) && !cd_names_guard_all_caps(pw, pl))
    veto_add(s, h->id);
  return true;
}

/* An inflected form (Зеленського): the lemma's gender must fit, the house form is put in the
 * text's case; in a Cyrillic-language text it is only reported. */
static cd_status span_inflected(cd_names_scanner *s, span_try *p, span_verdict *v, cd_error *err) {
  const word *w = s->words;
  const cd_names_hit *h = &p->h;
  const char *t = p->t;
  p->rule = "names.inflection";
  p->conf = 0.93;
  if (strcmp(h->type, "person") == 0) {
    /* the last word is the surname: a feminine form (Зеленської) never stands for a man
     * whose lemma is not feminine itself; a form that may be feminine (Рябкова) needs
     * context when the surname stands alone */
    const word *lw = &w[p->i + p->len - 1];
    char wk = feminine_kind(s, t + lw->b, lw->e - lw->b);
    const char *sp = strrchr(p->lemma, ' ');
    sp = sp ? sp + 1 : p->lemma;
    char lk = feminine_kind(s, sp, strlen(sp));
    if (wk == 'f' && lk != 'f') {
      *v = SPAN_TAKEN;
      return CD_OK;
    }
    if (wk == 'a' && lk == 0 && h->part == CD_PART_SURNAME && !p->context)
      p->conf = 0.6;
    /* a case form that is also a common word of another lemma (Маска: mask, or Musk's
     * genitive; not Зеленського, whose common reading has the same lemma) */
    if (p->len == 1 && !p->context && common_other_lemma(s, t + p->sb, p->se - p->sb, p->lemma))
      p->conf = 0.6;
  }
  cd_status st = cd_names_canonical(s->db, h, s->lang, h->part, &s->repl, err);
  if (st)
    return st;
  if (cd_names_match_case(t + p->sb, p->se - p->sb, &s->repl))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  if (s->lang_cyr) {
    /* the text is in a Cyrillic language: the case form is right when its lemma is the
     * house form; another spelling cannot be re-inflected here, only reported */
    if ((st = cd_names_key_fold(cd_names_get_keyer(s->db), s->repl.data, s->repl.len, &s->tmp2,
                                err)))
      return st;
    p->is_canon = strcmp(s->tmp2.data, p->lemma) == 0;
    if (p->is_canon) {
      cd_buf_clear(&s->repl);
      if (cd_buf_append(&s->repl, t + p->sb, p->se - p->sb))
        return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    }
    p->rewrite = false;
  }
  return CD_OK;
}

/* How sure a fuzzy or transliterated match is without inflection: its confidence and rule;
 * SPAN_TAKEN for a common word that only looks like the name, SPAN_DEFER for an unsure match
 * of several words. */
static cd_status span_level(cd_names_scanner *s, span_try *p, span_verdict *v, cd_error *err) {
  const word *w = s->words;
  const cd_names_hit *h = &p->h;
  const char *t = p->t;
  size_t sb = p->sb, se = p->se, len = p->len;
  if (h->level == CD_MATCH_FUZZY) {
    /* a place or organisation of several words with the same skeleton, one of them
     * spelled exactly as a word of its house form ("Kryvy Rih", "Chasov Yar"): the rest
     * is a spelling variant (people have their given names for this; "Alexandra" and
     * "Alexander" share a skeleton) */
    if (!p->context && len >= 2 && strcmp(h->type, "person") != 0) {
      bool exact_word = false;
      cd_status st = shares_word(s, h, t, p->i, len, &exact_word, err);
      if (st)
        return st;
      p->context = exact_word;
    }
    if (p->context) {
      p->conf = p->conf < 0.92 ? 0.92 : p->conf;
      p->rule = "names.fuzzy+context";
    } else if (len == 1 &&
               (known_common_word(s, t + sb, se - sb) || known_as_written(s, t + sb, se - sb))) {
      *v = SPAN_TAKEN;
    } else if (len > 1 && p->may_defer) {
      /* an unsure match of several words ("Le Wien" ~ Lebanon) must not hide a sure one
       * inside it (Wien): the shorter spans are tried first, this one only reported when
       * none of them is a mention */
      *v = SPAN_DEFER;
    } else {
      p->conf = 0.6;
    }
  } else if (h->level == CD_MATCH_TRANSLIT && len == 1 && !p->context &&
             ((cd_utf8_count(t + sb, se - sb) <= 2 && !ideographic(t + sb, se - sb)) ||
              known_common_word(s, t + sb, se - sb))) {
    /* a romanization of a Cyrillic form that is also a word of the text's language, or one
     * or two letters ("For" = Фор, "I" = І, "Damask" = Дамаск): a common word or a pronoun
     * far more often than the name, so only with context */
    *v = SPAN_TAKEN;
  } else if (h->level == CD_MATCH_TRANSLIT && w[p->i].cyr && s->lang_cyr && !p->context &&
             !(len >= 2 && h->part == CD_PART_FULL &&
               (east_slavic_person(s, h) || other_cyrillic_letters(s, t + sb, se - sb)))) {
    /* a Cyrillic spelling that only romanizes like a form (Ніколаєв, the Russian surname in
     * Ukrainian, is "Nikolayev", a spelling of Mykolaiv): reported, rewritten only with
     * context */
    p->conf = 0.6;
  }
  return CD_OK;
}

/* s->repl = the house form for the span (computed once per cache entry). */
static cd_status span_replacement(cd_names_scanner *s, span_try *p, cd_error *err) {
  span_ent *r = p->r;
  if (r->repl) {
    cd_buf_clear(&s->repl);
    if (cd_buf_append(&s->repl, r->repl, r->repl_len))
      return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    return CD_OK;
  }
  cd_status st = cd_names_replacement(s->db, &p->h, s->lang, p->t + p->sb, p->core, p->se - p->sb,
                                      p->keep, &s->repl, err);
  if (st)
    return st;
  if (!(r->repl = malloc(s->repl.len + 1)))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  memcpy(r->repl, s->repl.data, s->repl.len + 1);
  r->repl_len = s->repl.len;
  return CD_OK;
}

/* An organisation's acronym in capitals keeps the house form's own case (OTAN in German
 * text is "Nato", not "NATO"): capitals are copied onto names in a dateline or a headline,
 * never onto an acronym. */
static cd_status span_acronym(cd_names_scanner *s, span_try *p, cd_error *err) {
  const char *t = p->t;
  size_t sb = p->sb, se = p->se, core = p->core;
  if (strcmp(p->h.type, "org") != 0 || !cd_names_guard_all_caps(t + sb, core) ||
      cd_names_guard_words(t + sb, core) != 1)
    return CD_OK;
  cd_names_keyer *k = cd_names_get_keyer(s->db);
  cd_status st;
  if ((st = cd_names_canonical(s->db, &p->h, s->lang, p->h.part, &s->tmp2, err)) ||
      (st = cd_names_key_fold(k, s->tmp2.data, s->tmp2.len, &s->key, err)) ||
      (st = cd_names_key_fold(k, t + sb, core, &s->tmp, err)))
    return st;
  bool same = strcmp(s->key.data, s->tmp.data) == 0; /* NATO for Nato: the same acronym */
  cd_buf_clear(&s->repl);
  if (same)
    st = cd_buf_append(&s->repl, t + sb, se - sb);
  else
    st = cd_buf_append(&s->repl, s->tmp2.data, s->tmp2.len);
  if (!st && p->keep && core < se - sb && !same)
    st = cd_buf_append(&s->repl, t + sb + core, se - sb - core);
  return st ? cd_error_set(err, CD_ERR_NOMEM, "out of memory") : CD_OK;
}

/* One word that is another language's form or a variant, and also a word of the text's
 * language ("Chine" in English, "Indien" or "Un" in French, "Rom"): the common word is far
 * likelier, so only with context. The house form itself in another case or without its
 * accents (Turkey, Sejourne) is not affected, nor a word in another script than the text's
 * (Рівне in an English text is the city). *common when the word is left for that reason. */
static cd_status span_common_word(cd_names_scanner *s, span_try *p, bool *common, cd_error *err) {
  const char *t = p->t;
  size_t sb = p->sb, se = p->se, core = p->core;
  *common = false;
  if (p->is_canon || p->h.level != CD_MATCH_EXACT || p->len != 1 || p->context ||
      s->words[p->i].cyr != s->lang_cyr ||
      !(known_common_word(s, t + sb, core) ||
        (core < se - sb && known_common_word(s, t + sb, se - sb))))
    return CD_OK;
  cd_names_keyer *k = cd_names_get_keyer(s->db);
  cd_buf a = CD_BUF_INIT, b = CD_BUF_INIT;
  cd_status st = cd_names_canonical(s->db, &p->h, s->lang, p->h.part, &a, err);
  bool same = !st && !cd_names_key_fold(k, a.data, a.len, &b, NULL) &&
              !cd_names_key_fold(k, t + sb, core, &a, NULL) && a.len == b.len &&
              memcmp(a.data, b.data, a.len) == 0;
  cd_buf_free(&a);
  cd_buf_free(&b);
  *common = !st && !same;
  return st;
}

/* A match that is not an inflected form: its level, its house form, and the checks that
 * leave it as written. */
static cd_status span_variant(cd_names_scanner *s, span_try *p, span_verdict *v, cd_error *err) {
  cd_status st = span_level(s, p, v, err);
  if (st || *v != SPAN_PASS)
    return st;
  if ((st = span_replacement(s, p, err)) || (st = span_acronym(s, p, err)))
    return st;
  if (p->h.part == CD_PART_SURNAME && p->len >= 2) {
    bool keep_words = false;
    if ((st = surname_keeps_words(s, &p->h, p->t, p->i, p->se, p->keep, p->core, &keep_words, err)))
      return st;
    if (!keep_words) {
      *v = SPAN_TAKEN; /* it would drop a word the match did not cover */
      return CD_OK;
    }
  }
  p->is_canon =
      s->repl.len == p->se - p->sb && memcmp(s->repl.data, p->t + p->sb, s->repl.len) == 0;
  bool common = false;
  if ((st = span_common_word(s, p, &common, err)))
    return st;
  if (common)
    *v = SPAN_TAKEN;
  return CD_OK;
}

/* The span is a mention: the guards may still leave it or accept it as written; otherwise
 * it is reported (and rewritten when sure enough). */
static cd_status span_report(cd_names_scanner *s, span_try *p, emit_ctx *ec, cd_error *err) {
  const cd_names_hit *h = &p->h;
  /* a Cyrillic-language text and an entity without a form in its language (the Russian
   * agency in a Ukrainian text, a Russian namesake): the English fallback is no
   * improvement on the Cyrillic spelling */
  if (s->lang_cyr && s->words[p->i].cyr && !has_cyrillic(s->repl.data, s->repl.len))
    return CD_OK;
  if (p->conf < s->o.threshold)
    p->rewrite = false;
  const char *why = p->role      ? "a role of the person before the name"
                    : p->by_ring ? "the person was named in full earlier in the text"
                    : p->context ? "the given name or other words of the name agree"
                                 : NULL;
  if (!p->is_canon) {
    if (guard_skip(s, p->r, p->t, p->nw, p->i, p->len, h, p->role, p->context, p->inflected) ==
        GUARD_SKIP)
      return CD_OK;
    const char *accept = NULL;
    if (guard_accept(s, p->t, p->i, p->len, p->inflected, &accept) == GUARD_ACCEPT) {
      /* the text stands as written: a mention of the entity in an accepted form */
      cd_buf_clear(&s->repl);
      if (cd_buf_append(&s->repl, p->t + p->sb, p->se - p->sb))
        return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
      p->is_canon = true;
      p->rewrite = false;
    }
    /* a flag must help an editor: only with evidence that this is the entity (context, or
     * a listed form or transliteration of it); an unsure near miss is left alone */
    if (!p->is_canon && !p->rewrite && !p->context && h->level == CD_MATCH_FUZZY)
      return CD_OK;
    if (!why)
      why = h->level == CD_MATCH_EXACT      ? "a listed variant of the name"
            : h->level == CD_MATCH_TRANSLIT ? "another transliteration of the name"
                                            : "a near miss of the name";
  }
  if ((p->is_canon || p->rewrite) && h->part == CD_PART_FULL && strcmp(h->type, "person") == 0)
    ring_add(s, h->id);
  return emit(s, ec, h, p->sb, p->se, p->is_canon, p->rewrite, p->conf, p->rule, why, err);
}

/* Judges words[p->i .. p->i+p->len) as a candidate: resolved, set in its context, checked
 * against a larger name, then judged as an inflected form or a variant, and reported. */
static cd_status try_span(cd_names_scanner *s, span_try *p, span_verdict *v, emit_ctx *ec,
                          cd_error *err) {
  /* nothing judged of a longer span carries over */
  *p = (span_try){.t = p->t,
                  .nw = p->nw,
                  .i = p->i,
                  .len = p->len,
                  .may_defer = p->may_defer,
                  .defer_len = p->defer_len};
  *v = SPAN_PASS;
  cd_status st = span_resolve(s, p, v, err);
  if (st || p->r->ambiguous || p->r->n == 0 || p->r->tie)
    return st;
  if ((st = span_context(s, p, err)) || span_in_larger_name(s, p, v))
    return st;
  p->conf = p->h.score;
  p->rule = p->h.level == CD_MATCH_EXACT      ? "names.variant"
            : p->h.level == CD_MATCH_TRANSLIT ? "names.transliteration"
                                              : "names.fuzzy";
  p->is_canon = false;
  p->rewrite = true;
  st = p->inflected ? span_inflected(s, p, v, err) : span_variant(s, p, v, err);
  if (st || *v != SPAN_PASS)
    return st;
  *v = SPAN_TAKEN;
  return span_report(s, p, ec, err);
}

/* Whether a word lies in a URL, an address, a handle, a hashtag or a placeholder of the
 * current line (cd_protect.h): no name is matched there. The line's mask is computed when
 * a candidate first asks. */
static bool protected_word(cd_names_scanner *s, const char *text, const word *wd) {
  /* the whitespace-delimited token around the word: without one of these marks (or a dot
   * inside it) it is prose, and the line's mask is not needed */
  size_t tb = wd->b, te = wd->e;
  while (tb > s->line_b && text[tb - 1] != ' ' && text[tb - 1] != '\t')
    tb--;
  while (te < s->line_e && text[te] != ' ' && text[te] != '\t')
    te++;
  bool marks = s->line_code;
  for (size_t k = tb; k < te && !marks; k++) {
    char c = text[k];
    marks = strchr(":/@#{}[]<>%$\\", c) != NULL ||
            (c == '.' && k + 1 < te && (unsigned char)text[k + 1] > ' ' && text[k + 1] != '.');
  }
  if (!marks)
    return false;
  size_t n = s->line_e - s->line_b;
  if (!s->mask_ready) {
    cd_buf_clear(&s->mask);
    if (cd_buf_reserve(&s->mask, n + 1))
      return true; /* out of memory: leave the text alone */
    memset(s->mask.data, 0, n + 1);
    cd_protect_spans(text + s->line_b, n, (unsigned char *)s->mask.data);
    s->mask_ready = true;
  }
  for (size_t k = wd->b; k < wd->e; k++)
    if (s->mask.data[k - s->line_b] == CD_PROTECTED)
      return true;
  return false;
}

/* Whether a one-letter word is a letter of a listed dotted abbreviation (cues "dotted":
 * p.m., U.S.): "10 p.m. Moscow time" has no initial M. before Moscow. */
static bool in_dotted_abbrev(cd_names_scanner *s, const char *text, const word *wd) {
  if (wd->e - wd->b != 1 ||
      (!(wd->b > s->line_b && text[wd->b - 1] == '.') &&
       !(wd->e + 2 < s->line_e && text[wd->e] == '.' && text[wd->e + 2] == '.')))
    return false;
  size_t b = wd->b, e = wd->e;
  while (b >= s->line_b + 2 && text[b - 1] == '.' && text[b - 2] != ' ' && text[b - 2] != '.')
    b -= 2;
  while (e + 2 < s->line_e && text[e] == '.' && text[e + 1] != ' ' && text[e + 1] != '.')
    e += 2;
  if (e < s->line_e && text[e] == '.')
    e++;
  return cue_has(s, "dotted", text + b, e - b);
}

void cd_names_scanner_use_lang(cd_names_scanner *s, const char *lang) {
  snprintf(s->lang, sizeof s->lang, "%s", lang && *lang ? lang : "en");
  char *dash = strchr(s->lang, '-');
  if (dash)
    *dash = '\0';
  s->lang_cyr = lang_is_cyrillic(s->lang);
  s->lang_tag = 0;
  for (size_t i = 0; i < 8 && s->lang[i]; i++)
    s->lang_tag |= (uint64_t)(unsigned char)s->lang[i] << (8 * i);
  if (strlen(s->lang) > 8) /* no language code is that long; never share cache entries */
    s->lang_tag = ~(uint64_t)0;
}

bool cd_names_scanner_common(cd_names_scanner *s, const char *w, size_t n) {
  return known_common_word(s, w, n);
}

bool cd_names_scanner_particle(const cd_names_scanner *s, const char *w, size_t n) {
  return is_particle(s, w, 0, n);
}

cd_names *cd_names_scanner_db(cd_names_scanner *s) { return s->db; }

bool cd_names_scanner_proper(cd_names_scanner *s, const char *w, size_t n) {
  int d[2], nd = 0;
  if (has_cyrillic(w, n))
    nd = cyr_dicts(w, n, d);
  else
    d[nd++] = hun_index(s->lang);
  for (int i = 0; i < nd; i++) {
    Hunhandle *h = hun_get(s, d[i]);
    cd_buf_clear(&s->tmp);
    if (h && !cd_buf_append(&s->tmp, w, n) && Hunspell_spell(h, s->tmp.data))
      return true;
  }
  return false;
}

bool cd_names_scanner_cue(cd_names_scanner *s, const char *kind, const char *w, size_t n) {
  return cue_has(s, kind, w, n);
}

static bool lang_is_cyrillic_prefix(const char *tag) {
  return strncmp(tag, "uk", 2) == 0 || strncmp(tag, "ru", 2) == 0;
}

size_t cd_names_scanner_case_stem(const cd_names_scanner *s, const char *w, size_t n) {
  size_t best = 0, ll = strlen(s->lang);
  for (size_t i = 0; i < s->n_case_end; i++) {
    /* in Cyrillic text, either language's endings: a Russian form in Ukrainian copy */
    const char *e = s->case_end[i], *tab = strchr(e, '\t');
    if (!tab || !(s->lang_cyr ? (size_t)(tab - e) == 2 && lang_is_cyrillic_prefix(e)
                              : (size_t)(tab - e) == ll && strncmp(e, s->lang, ll) == 0))
      continue;
    e = tab + 1;
    size_t el = strlen(e);
    /* the ending in lower case as listed; the stem keeps three letters or more */
    if (el > best && el + 6 <= n && memcmp(w + n - el, e, el) == 0)
      best = el;
  }
  return n - best;
}

bool cd_names_scanner_has_dict(cd_names_scanner *s) {
  if (!s->lang_cyr)
    return hun_get(s, hun_index(s->lang)) != NULL;
  return hun_get(s, hun_index("uk")) != NULL || hun_get(s, hun_index("ru")) != NULL;
}

/* Whether word i may start a name (a capital, or particles before one: "von der Leyen
 * said"); the word_maybe bits of its first word (0: no name has it). */
static unsigned span_start(cd_names_scanner *s, const char *text, size_t nw, size_t i) {
  const word *w = s->words;
  bool lead = !w[i].cap && i + 1 < nw && w[i].e - w[i].b <= s->particle_max &&
              (w[i + 1].cap || (i + 2 < nw && w[i + 2].cap)) && adjacent(text, &w[i], &w[i + 1]) &&
              is_particle(s, text, w[i].b, w[i].e) &&
              (w[i + 1].cap || (is_particle(s, text, w[i + 1].b, w[i + 1].e) &&
                                adjacent(text, &w[i + 1], &w[i + 2])));
  unsigned m0 = w[i].cap || lead ? word_maybe(s, &w[i], text + w[i].b, w[i].e - w[i].b) : 0;
  if (!m0 || protected_word(s, text, &w[i]) || in_dotted_abbrev(s, text, &w[i]))
    return 0;
  return m0;
}

/* How far a span from word i may reach: over capitalized words that may be name words
 * themselves (a word no name has cannot be part of a match); Cyrillic words after an
 * inflected first word may be case forms (Кривого Рогу); particles inside a name ("Ursula
 * von der Leyen") when a capital follows; a compound head ends it ("Vinnitsa region" may be
 * a listed form of the region itself). */
static size_t span_reach(cd_names_scanner *s, const char *text, size_t nw, size_t i, unsigned m0) {
  const word *w = s->words;
  size_t maxlen = 1;
  while (maxlen < MAX_SPAN && i + maxlen < nw &&
         adjacent(text, &w[i + maxlen - 1], &w[i + maxlen])) {
    const word *nx = &w[i + maxlen];
    if (!nx->cap) {
      size_t q = maxlen;
      while (i + q < nw && q < MAX_SPAN && !w[i + q].cap &&
             adjacent(text, &w[i + q - 1], &w[i + q]) &&
             is_particle(s, text, w[i + q].b, w[i + q].e))
        q++;
      if (q == maxlen || q >= MAX_SPAN || i + q >= nw || !w[i + q].cap ||
          !adjacent(text, &w[i + q - 1], &w[i + q])) {
        if (q == maxlen && is_head(s, text + nx->b, nx->e - nx->b))
          maxlen++;
        break;
      }
      maxlen = q;
      continue;
    }
    if ((nx->e - nx->b > 2 && !((m0 & 2) && nx->cyr) &&
         !word_maybe(s, nx, text + nx->b, nx->e - nx->b)) ||
        protected_word(s, text, nx))
      break;
    maxlen++;
  }
  return maxlen;
}

/* Whether a later word of the deferred span sp is a sure name of its own ("Le Wien": Wien
 * is Vienna; the scan goes on there). */
static cd_status sure_name_inside(cd_names_scanner *s, const span_try *sp, size_t deferred,
                                  bool *inner, cd_error *err) {
  *inner = false;
  size_t i = sp->i;
  for (size_t j = i + 1; j < i + deferred && !*inner; j++)
    for (size_t jl = i + deferred - j; jl >= 1 && !*inner; jl--) {
      span_ent *r = NULL;
      cd_status st = resolve(s, sp->t, j, jl, &r, err);
      if (st)
        return st;
      *inner = r->n > 0 && (r->hit.level != CD_MATCH_FUZZY || r->hit.context);
    }
  return CD_OK;
}

/* The spans from word i, longest first, until one is taken; an unsure match of several
 * words is reported last, when no shorter span was a mention. *used: the words the scan
 * moves past. */
static cd_status scan_at(cd_names_scanner *s, const char *text, size_t nw, size_t i, size_t maxlen,
                         emit_ctx *ec, size_t *used, cd_error *err) {
  span_verdict v = SPAN_PASS;
  span_try sp = {.t = text, .nw = nw, .i = i, .may_defer = true};
  size_t l = maxlen, deferred = 0;
  cd_status st = CD_OK;
  for (; l >= 1; l--) {
    sp.len = l;
    if ((st = try_span(s, &sp, &v, ec, err)))
      return st;
    if (v == SPAN_TAKEN)
      break;
    if (v == SPAN_DEFER && !deferred)
      deferred = sp.defer_len = l;
  }
  if (v != SPAN_TAKEN && deferred) {
    bool inner = false;
    if ((st = sure_name_inside(s, &sp, deferred, &inner, err)))
      return st;
    if (!inner) {
      sp.may_defer = false;
      sp.len = l = deferred;
      if ((st = try_span(s, &sp, &v, ec, err)))
        return st;
    }
  }
  *used = v == SPAN_TAKEN ? l : 1;
  return CD_OK;
}

cd_status cd_names_scan(cd_names_scanner *s, const char *text, size_t len, const char *lang,
                        cd_names_mention_fn fn, void *ud, cd_error *err) {
  cd_names_scanner_use_lang(s, lang);
  emit_ctx ec = {fn, ud};
  /* line by line: a span never crosses a line end */
  size_t pos = 0;
  while (pos < len) {
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t body_end = nl ? (size_t)(nl - text) : len;
    size_t nw = 0;
    if (split_words(s, text + pos, body_end - pos, &nw))
      return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    word *w = s->words;
    for (size_t k = 0; k < nw; k++)
      w[k].b += pos, w[k].e += pos;
    s->line_b = pos;
    s->line_e = body_end;
    s->mask_ready = false;
    s->line_code = memchr(text + pos, '`', body_end - pos) != NULL;
    for (size_t i = 0; i < nw;) {
      unsigned m0 = span_start(s, text, nw, i);
      size_t used = 1;
      if (m0) {
        cd_status st = scan_at(s, text, nw, i, span_reach(s, text, nw, i, m0), &ec, &used, err);
        if (st)
          return st;
      }
      i += used;
    }
    if (!nl)
      break;
    pos = body_end + 1;
    s->line++;
  }
  return CD_OK;
}

void cd_names_scanner_set_line(cd_names_scanner *s, uint64_t line) { s->line = line; }

void cd_names_scanner_reset(cd_names_scanner *s) {
  s->ring_n = 0;
  s->ring_pos = 0;
  s->veto_n = 0;
  s->veto_pos = 0;
  s->line = 0;
}

/* ---- open / close ------------------------------------------------------------------------- */

static void free_list(char **l, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(l[i]);
  free(l);
}

void cd_names_scanner_free(cd_names_scanner *s) {
  if (!s)
    return;
  for (int i = 0; i < HUN_N; i++)
    if (s->hun[i])
      Hunspell_destroy(s->hun[i]);
  for (size_t i = 0; i < s->n_heads; i++)
    free(s->heads[i]);
  free(s->heads);
  for (size_t i = 0; i < s->n_fem; i++)
    free(s->fem[i]);
  free(s->fem);
  free_list(s->case_end, s->n_case_end);
  for (size_t i = 0; i < s->n_particles; i++)
    free(s->particles[i]);
  free(s->particles);
  free_list(s->cues, s->n_cues);
  cd_strmap_free(s->cue_map);
  cd_strmap_free(s->head_map);
  cd_strmap_free(s->fixed_words);
  free_list(s->fixed, s->n_fixed);
  free_list(s->quals, s->n_quals);
  free(s->foreign);
  cd_buf_free(&s->mask);
  free(s->words);
  cd_big_free(s->cache, CACHE, sizeof *s->cache);
  for (size_t off = 0; s->spans && off + sizeof(uint32_t) <= s->spans_used.len;
       off += sizeof(uint32_t)) {
    uint32_t i;
    memcpy(&i, s->spans_used.data + off, sizeof i);
    span_ent *r = &s->spans[i];
    free(r->key);
    free(r->lemma);
    free(r->roles);
    free(r->repl);
    free(r->hit.id);
    memset(r, 0, sizeof *r); /* a slot filled twice is listed twice */
  }
  cd_big_free(s->spans, SPAN_CACHE, sizeof *s->spans);
  cd_buf_free(&s->spans_used);
  cd_buf_free(&s->added);
  cd_buf_free(&s->key);
  cd_buf_free(&s->repl);
  cd_buf_free(&s->tmp);
  cd_buf_free(&s->tmp2);
  cd_buf_free(&s->stems);
  cd_buf_free(&s->swap);
  cd_buf_free(&s->cuekey);
  free(s);
}

/* One entry a line, '#' comments; a missing file is an empty list. */
static cd_status load_list(const char *dir, const char *file, char ***out, size_t *n,
                           cd_error *err) {
  char path[4096];
  snprintf(path, sizeof path, "%s/names/%s", dir, file);
  FILE *f = fopen(path, "rb");
  if (!f)
    return CD_OK;
  char *line = NULL;
  size_t cap = 0;
  ssize_t got;
  cd_status st = CD_OK;
  while (!st && (got = getline(&line, &cap, f)) >= 0) {
    while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r' || line[got - 1] == ' '))
      line[--got] = '\0';
    if (got == 0 || line[0] == '#')
      continue;
    char **p = realloc(*out, (*n + 1) * sizeof *p);
    if (!p) {
      st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
      break;
    }
    *out = p;
    if (!(p[*n] = strdup(line))) {
      st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
      break;
    }
    (*n)++;
  }
  free(line);
  fclose(f);
  return st;
}

/* Folds each entry of a list after its first tab (the whole entry when it has none):
 * "title\tFather" -> "title\tfather". */
static cd_status fold_after_tab(cd_names *db, char **l, size_t n, cd_error *err) {
  cd_names_keyer *k = cd_names_get_keyer(db);
  cd_buf f = CD_BUF_INIT;
  cd_status st = CD_OK;
  for (size_t i = 0; i < n && !st; i++) {
    char *tab = strchr(l[i], '\t');
    size_t pre = tab ? (size_t)(tab - l[i]) + 1 : 0;
    if ((st = cd_names_key_fold(k, l[i] + pre, strlen(l[i] + pre), &f, err)))
      break;
    char *p = malloc(pre + f.len + 1);
    if (!p) {
      st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
      break;
    }
    memcpy(p, l[i], pre);
    memcpy(p + pre, f.data ? f.data : "", f.len + 1);
    free(l[i]);
    l[i] = p;
  }
  cd_buf_free(&f);
  return st;
}

/* names/foreign-letters.txt: every letter on its lines, as one string ("" when absent). */
static cd_status load_letters(const char *dir, char **out, cd_error *err) {
  char **lines = NULL;
  size_t n = 0;
  cd_status st = load_list(dir, "foreign-letters.txt", &lines, &n, err);
  cd_buf all = CD_BUF_INIT;
  for (size_t i = 0; i < n && !st; i++)
    for (const char *p = lines[i]; *p && !st; p++)
      if (*p != ' ' && *p != '\t' && cd_buf_append(&all, p, 1))
        st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  free_list(lines, n);
  if (!st && cd_buf_append(&all, "", 1))
    st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  if (st) {
    cd_buf_free(&all);
    return st;
  }
  *out = all.data;
  return CD_OK;
}

/* The scanner's word lists of data_dir/names (none without a data directory). */
static cd_status load_word_lists(cd_names_scanner *s, cd_names *db, cd_error *err) {
  const char *dir = s->o.data_dir;
  if (!dir)
    return CD_OK;
  cd_status st = load_list(dir, "compound-heads.txt", &s->heads, &s->n_heads, err);
  if (!st)
    st = load_list(dir, "feminine-endings.txt", &s->fem, &s->n_fem, err);
  if (!st)
    st = load_list(dir, "case-endings.txt", &s->case_end, &s->n_case_end, err);
  if (!st)
    st = load_list(dir, "particles.txt", &s->particles, &s->n_particles, err);
  for (size_t i = 0; !st && i < s->n_particles; i++)
    if (strlen(s->particles[i]) > s->particle_max)
      s->particle_max = strlen(s->particles[i]);
  if (!st)
    st = load_list(dir, "cues.txt", &s->cues, &s->n_cues, err);
  if (!st)
    st = load_list(dir, "fixed.txt", &s->fixed, &s->n_fixed, err);
  if (!st)
    st = load_list(dir, "qualifiers.txt", &s->quals, &s->n_quals, err);
  if (!st)
    st = load_letters(dir, &s->foreign, err);
  if (!st)
    st = fold_after_tab(db, s->cues, s->n_cues, err);
  if (!st && s->n_cues && !(s->cue_map = cd_strmap_new()))
    st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  for (size_t i = 0; !st && i < s->n_cues; i++)
    if (!cd_strmap_slot(s->cue_map, s->cues[i], strlen(s->cues[i]), NULL))
      st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  if (!st)
    st = fold_after_tab(db, s->quals, s->n_quals, err);
  return st;
}

/* The compound heads folded, and the maps of the heads and of the words of the fixed
 * expressions, for a lookup per word. */
static cd_status word_maps(cd_names_scanner *s, cd_names *db, cd_error *err) {
  cd_status st = CD_OK;
  for (size_t i = 0; i < s->n_heads && !st; i++) {
    char *h = s->heads[i];
    if ((st = cd_names_key_fold(cd_names_get_keyer(db), h, strlen(h), &s->tmp, err)))
      break;
    char *p = strdup(s->tmp.data ? s->tmp.data : "");
    if (!p)
      return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    free(h);
    s->heads[i] = p;
  }
  if (!st && !((s->head_map = cd_strmap_new()) && (s->fixed_words = cd_strmap_new())))
    st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < s->n_heads && !st; i++)
    if (!cd_strmap_slot(s->head_map, s->heads[i], strlen(s->heads[i]), NULL))
      st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < s->n_fixed && !st; i++) {
    const char *x = strchr(s->fixed[i], '\t');
    for (x = x ? x + 1 : s->fixed[i]; *x && !st;) {
      size_t l = strcspn(x, " ");
      if (l && !cd_strmap_slot(s->fixed_words, x, l, NULL))
        st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
      x += l + (x[l] == ' ');
    }
  }
  return st;
}

/* The feminine endings folded once: "fem\tuk\tСЬКА" -> "fem\tuk\tська". */
static cd_status fold_endings(cd_names_scanner *s, cd_names *db, cd_error *err) {
  cd_names_keyer *k = cd_names_get_keyer(db);
  for (size_t i = 0; i < s->n_fem; i++) {
    char *tab = strrchr(s->fem[i], '\t');
    if (!tab)
      continue;
    cd_status st = cd_names_key_fold(k, tab + 1, strlen(tab + 1), &s->tmp, err);
    if (st)
      return st;
    size_t pre = (size_t)(tab - s->fem[i]) + 1;
    char *p = malloc(pre + s->tmp.len + 1);
    if (!p)
      return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    memcpy(p, s->fem[i], pre);
    memcpy(p + pre, s->tmp.data, s->tmp.len + 1);
    free(s->fem[i]);
    s->fem[i] = p;
  }
  return CD_OK;
}

cd_status cd_names_scanner_new(cd_names *db, const cd_names_scan_options *o, cd_names_scanner **out,
                               cd_error *err) {
  *out = NULL;
  cd_names_scanner *s = calloc(1, sizeof *s);
  if (!s || !(s->cache = cd_big_calloc(CACHE, sizeof *s->cache)) ||
      !(s->spans = cd_big_calloc(SPAN_CACHE, sizeof *s->spans))) {
    if (s)
      cd_big_free(s->cache, CACHE, sizeof *s->cache);
    free(s);
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  s->db = db;
  if (o)
    s->o = *o;
  else
    cd_names_scan_options_init(&s->o);
  if (!s->o.hunspell_dir)
    s->o.hunspell_dir = "/usr/share/hunspell";
  snprintf(s->lang, sizeof s->lang, "en");
  cd_status st = load_word_lists(s, db, err);
  if (!st)
    st = word_maps(s, db, err);
  if (!st)
    st = fold_endings(s, db, err);
  if (st) {
    cd_names_scanner_free(s);
    return st;
  }
  *out = s;
  return CD_OK;
}
