/* SPDX-License-Identifier: MIT */
/* Names the dictionary lacks (see cd_names.h, cd_names_scan_unknown): capitalised word
 * sequences that are no entity, no common word and no acronym, with the keys that group
 * their spellings across a batch. The scanner's word knowledge (hunspell, particles) is
 * reused, not repeated. */
#include "cd_names.h"
#include "names_internal.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>

#define MAX_NAME_WORDS 4 /* longer capitalised runs are titles and organisations */

typedef struct uword {
  size_t b, e;
  unsigned letters;
  bool cap;    /* starts with a capital */
  bool caps;   /* all capitals: an acronym or a shouted headline */
  bool joined; /* one space (or no-break space) from the word before */
  bool digit;  /* a digit touches it (A4, F-16, 2nd): a code, not a name; or a hyphen ends
                  it (German "Kommunikations- und"): half a compound */
} uword;

typedef struct finder {
  cd_names_scanner *sc;
  cd_names_keyer *keyer;
  const char *text, *lang;
  const size_t *known;
  size_t n_known;
  uword *w;
  size_t n, cap;
  cd_buf surname, given;
} finder;

static bool inner_mark(int32_t c) { return c == '\'' || c == 0x2019 || c == '-' || c == 0x2BC; }

static bool one_space(const char *s, size_t b, size_t e) {
  return (e - b == 1 && s[b] == ' ') || (e - b == 2 && memcmp(s + b, "\xC2\xA0", 2) == 0);
}

static cd_status push_word(finder *f, const uword *u) {
  if (CD_GROW(f->w, f->n, f->cap))
    return CD_ERR_NOMEM;
  f->w[f->n++] = *u;
  return CD_OK;
}

/* The words of one line [b, e): letters with inner apostrophes and hyphens. */
static cd_status split_line(finder *f, size_t b, size_t e) {
  const char *s = f->text;
  f->n = 0;
  size_t i = b, prev_end = b;
  bool prev_digit = false;
  while (i < e) {
    size_t at = i;
    int32_t c = cd_utf8_next(s, e, &i);
    if (c < 0 || !u_isalpha(c)) {
      prev_digit = c >= 0 && u_isdigit(c);
      continue;
    }
    uword u = {.b = at, .letters = 1, .cap = u_isupper(c) || u_istitle(c)};
    u.caps = u.cap;
    u.joined = f->n > 0 && one_space(s, prev_end, at);
    u.digit = prev_digit;
    size_t j = i;
    bool after_apostrophe = false;
    while (j < e) {
      size_t k = j;
      int32_t d = cd_utf8_next(s, e, &k);
      if (d >= 0 && inner_mark(d) && k < e) {
        size_t m = k;
        int32_t n2 = cd_utf8_next(s, e, &m);
        if (n2 >= 0 && u_isalpha(n2)) {
          after_apostrophe = after_apostrophe || d != '-';
          j = k;
          continue;
        }
      }
      if (d < 0 || !u_isalpha(d)) {
        u.digit = u.digit || (d >= 0 && (u_isdigit(d) || d == '-' || d == 0x2010));
        break;
      }
      u.letters++;
      /* capitals before an apostrophe: WHO's is an acronym */
      u.caps = u.caps && (!u_islower(d) || after_apostrophe);
      j = k;
    }
    u.e = i = prev_end = j;
    prev_digit = false;
    if (push_word(f, &u))
      return CD_ERR_NOMEM;
  }
  return CD_OK;
}

static bool overlaps_known(const finder *f, size_t b, size_t e) {
  for (size_t k = 0; k < f->n_known; k++)
    if (b < f->known[2 * k + 1] && f->known[2 * k] < e)
      return true;
  return false;
}

/* A word that may be part of a name: capitalised, two letters or more, no acronym, no code,
 * not inside a known entity, and no common word of the language (the costly test last). */
static bool name_word(finder *f, const uword *u) {
  return u->cap && u->letters >= 2 && !u->caps && !u->digit && !overlaps_known(f, u->b, u->e) &&
         !cd_names_scanner_common(f->sc, f->text + u->b, u->e - u->b);
}

static bool particle(finder *f, const uword *u) {
  return !u->cap && cd_names_scanner_particle(f->sc, f->text + u->b, u->e - u->b);
}

/* The last word of the run starting at word i: name words, particles only between them. */
/* Whether the word ends in a possessive ('s, ’s): the name ends there ("Keir Starmer's
 * Labour party" names Keir Starmer). */
static bool possessive(const finder *f, const uword *u) {
  const char *e = f->text + u->e;
  return (u->e - u->b > 2 && e[-1] == 's' && e[-2] == '\'') ||
         (u->e - u->b > 4 && e[-1] == 's' && memcmp(e - 4, "\xE2\x80\x99", 3) == 0);
}

static size_t run_end(finder *f, size_t i, unsigned *words) {
  size_t j = i;
  *words = 1;
  while (j + 1 < f->n && f->w[j + 1].joined && !possessive(f, &f->w[j])) {
    if (name_word(f, &f->w[j + 1]))
      j++;
    else if (j + 2 < f->n && particle(f, &f->w[j + 1]) && f->w[j + 2].joined &&
             name_word(f, &f->w[j + 2]))
      j += 2;
    else
      break;
    ++*words;
  }
  return j;
}

static void drop_vowels(cd_buf *b) {
  size_t k = 0;
  for (size_t i = 0; i < b->len; i++)
    if (!strchr("aeiou", b->data[i]))
      b->data[k++] = b->data[i];
  if (k) { /* a given name of vowels alone keeps them */
    b->len = k;
    b->data[k] = '\0';
  }
}

static cd_status emit_run(finder *f, size_t i, size_t j, cd_names_unknown_fn fn, void *ud,
                          cd_error *err) {
  const uword *first = &f->w[i], *last = &f->w[j];
  size_t core, suffix;
  bool keep;
  cd_names_split_suffix(f->text + last->b, last->e - last->b, f->lang, &core, &suffix, &keep);
  /* only a possessive ('s) or, in German, a genitive s is an ending here */
  if (suffix && f->text[last->b + core] == 's' && strcmp(f->lang, "de") != 0)
    core = last->e - last->b;
  /* Ukrainian and Russian case forms: the stem is the spelling (Довгополого) */
  size_t stem = cd_names_scanner_case_stem(f->sc, f->text + last->b, core);
  size_t gstem =
      i != j ? cd_names_scanner_case_stem(f->sc, f->text + first->b, first->e - first->b) : 0;
  cd_status st = cd_names_key_loose(f->keyer, f->text + last->b, stem, f->lang, &f->surname, err);
  if (!st && i != j)
    st = cd_names_key_loose(f->keyer, f->text + first->b, gstem, f->lang, &f->given, err);
  if (st)
    return st;
  if (i != j)
    drop_vowels(&f->given);
  if (f->surname.len < 3)
    return CD_OK; /* too short to tell spellings apart */
  cd_names_unknown u = {first->b,
                        last->e,
                        last->b,
                        last->b + core,
                        last->b + stem,
                        i != j ? first->e : 0,
                        i != j ? first->b + gstem : 0,
                        cd_buf_at(&f->surname, 0),
                        i != j ? cd_buf_at(&f->given, 0) : ""};
  return fn(ud, &u, err);
}

static cd_status scan_line(finder *f, size_t b, size_t e, cd_names_unknown_fn fn, void *ud,
                           cd_error *err) {
  if (split_line(f, b, e))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < f->n;) {
    if (!name_word(f, &f->w[i])) {
      i++;
      continue;
    }
    unsigned words;
    size_t j = run_end(f, i, &words);
    cd_status st = words <= MAX_NAME_WORDS ? emit_run(f, i, j, fn, ud, err) : CD_OK;
    if (st)
      return st;
    i = j + 1;
  }
  return CD_OK;
}

cd_status cd_names_scan_unknown(cd_names_scanner *sc, const char *text, size_t len,
                                const char *lang, const size_t *known, size_t n_known,
                                cd_names_unknown_fn fn, void *ud, cd_error *err) {
  cd_names_scanner_use_lang(sc, lang);
  /* without the language's dictionary a common word cannot be told from a name */
  if (!cd_names_scanner_has_dict(sc))
    return CD_OK;
  finder f = {sc,         cd_names_get_keyer(cd_names_scanner_db(sc)),
              text,       lang && *lang ? lang : "en",
              known,      n_known,
              NULL,       0,
              0,          CD_BUF_INIT,
              CD_BUF_INIT};
  cd_status st = CD_OK;
  for (size_t pos = 0; pos < len && !st;) {
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t end = nl ? (size_t)(nl - text) : len;
    st = scan_line(&f, pos, end, fn, ud, err);
    pos = end + 1;
  }
  free(f.w);
  cd_buf_free(&f.surname);
  cd_buf_free(&f.given);
  return st;
}
