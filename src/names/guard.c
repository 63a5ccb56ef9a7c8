/* SPDX-License-Identifier: MIT */
/* The editor's guards: text tests that decide whether a match the names scanner found may
 * become a rewrite (scan.c applies them, in editor_guard). Each answers one question about
 * the text around a match, with no knowledge of the database: is this an acronym, does the
 * rewrite change a word's grammatical ending, is the span quoted or in parentheses, does it
 * carry letters of another language's alphabet. They are kept apart from the scanner so
 * that each is small and tested on its own (tests/names/test_guard.c). */
#include "names_internal.h"

#include <string.h>
#include <unicode/uchar.h>

/* Calls per word (space-separated run) of s[0, n): fn(ud, word, len); stops when fn
 * returns false. Returns the number of words visited. */
typedef bool (*word_fn)(void *ud, const char *w, size_t n);

static size_t each_word(const char *s, size_t n, word_fn fn, void *ud) {
  size_t i = 0, count = 0;
  while (i < n) {
    while (i < n && s[i] == ' ')
      i++;
    size_t b = i;
    while (i < n && s[i] != ' ')
      i++;
    if (i > b) {
      count++;
      if (fn && !fn(ud, s + b, i - b))
        break;
    }
  }
  return count;
}

size_t cd_names_guard_words(const char *s, size_t n) { return each_word(s, n, NULL, NULL); }

/* Letters of s: how many, and how many of them are upper-case. */
static void count_letters(const char *s, size_t n, size_t *letters, size_t *upper) {
  *letters = *upper = 0;
  for (size_t i = 0; i < n;) {
    int32_t c = cd_utf8_next(s, n, &i);
    if (c < 0 || !u_isalpha(c))
      continue;
    (*letters)++;
    if (u_isupper(c))
      (*upper)++;
  }
}

bool cd_names_guard_all_caps(const char *s, size_t n) {
  size_t letters, upper;
  count_letters(s, n, &letters, &upper);
  return letters >= 2 && upper == letters;
}

static bool word_is_acronym(void *ud, const char *w, size_t n) {
  bool *found = ud;
  *found = cd_names_guard_all_caps(w, n);
  return !*found;
}

bool cd_names_guard_has_acronym(const char *s, size_t n) {
  bool found = false;
  each_word(s, n, word_is_acronym, &found);
  return found;
}

/* The last letter of a word, lower-cased (-1 when none). */
static int32_t last_letter(const char *w, size_t n) {
  size_t i = n;
  while (i > 0) {
    int32_t c = cd_utf8_prev(w, &i);
    if (c >= 0 && u_isalpha(c))
      return u_tolower(c);
  }
  return -1;
}

typedef struct endings {
  const char *repl;
  size_t repl_len, pos; /* the next word of repl starts at pos */
  bool differ;
} endings;

static bool compare_ending(void *ud, const char *w, size_t n) {
  endings *e = ud;
  while (e->pos < e->repl_len && e->repl[e->pos] == ' ')
    e->pos++;
  size_t b = e->pos;
  while (e->pos < e->repl_len && e->repl[e->pos] != ' ')
    e->pos++;
  if (e->pos == b || last_letter(w, n) != last_letter(e->repl + b, e->pos - b)) {
    e->differ = true;
    return false;
  }
  return true;
}

/* Whether replacing span by repl would change a word's grammatical ending: the two differ
 * in their number of words, or a word's last letter differs (Байдена -> Байден, Запорізької
 * -> Запорізька; not Зеленский -> Зеленський or Нетаньяху -> Нетаньягу). A case form
 * rewritten to the nominative breaks the sentence's grammar. */
bool cd_names_guard_endings_differ(const char *span, size_t n, const char *repl, size_t repl_len) {
  if (cd_names_guard_words(span, n) != cd_names_guard_words(repl, repl_len))
    return true;
  endings e = {repl, repl_len, 0, false};
  each_word(span, n, compare_ending, &e);
  return e.differ;
}

static bool is_open_quote(int32_t c, bool de) {
  return c == 0xAB || c == 0x201E || (!de && c == 0x201C) || c == 0x201A || (de && c == 0xBB);
}

static bool is_close_quote(int32_t c, bool de) {
  return c == 0x201D || (de && c == 0x201C) || (!de && c == 0xBB) || (de && c == 0xAB);
}

/* Whether s[sb] lies inside a quotation or parentheses of the line s[0, n): 'q' for a
 * quotation (its content is s[*qb, *qe)), 'p' for parentheses, 0 for neither. Marks
 * are paired left to right: « » “ ” „ “ (German: „ “ and » «), straight double quotes
 * toggle; a quotation still open at the end of the line runs to it. */
int cd_names_guard_enclosed(const char *s, size_t n, size_t sb, const char *lang, size_t *qb,
                            size_t *qe) {
  bool de = lang && strncmp(lang, "de", 2) == 0;
  int quotes = 0, parens = 0;
  bool straight = false;
  size_t open_at = 0;
  for (size_t i = 0; i < sb;) {
    int32_t c = cd_utf8_next(s, n, &i);
    if (c == '(')
      parens++;
    else if (c == ')' && parens > 0)
      parens--;
    else if (c == '"') {
      straight = !straight;
      if (straight)
        open_at = i;
    } else if (is_open_quote(c, de)) {
      if (quotes++ == 0)
        open_at = i;
    } else if (is_close_quote(c, de) && quotes > 0)
      quotes--;
  }
  if (quotes > 0 || straight) {
    int depth = 1;
    size_t i = sb, end = n;
    while (i < n && depth > 0) {
      size_t at = i;
      int32_t c = cd_utf8_next(s, n, &i);
      if (straight ? c == '"' : is_close_quote(c, de))
        depth--;
      else if (!straight && is_open_quote(c, de))
        depth++;
      if (depth == 0)
        end = at;
    }
    *qb = open_at;
    *qe = end;
    return 'q';
  }
  return parens > 0 ? 'p' : 0;
}

/* Whether span has a letter of the list letters (UTF-8, upper and lower case listed) that
 * repl does not have. */
bool cd_names_guard_foreign_letter(const char *span, size_t n, const char *repl, size_t repl_len,
                                   const char *letters) {
  if (!letters || !*letters)
    return false;
  size_t ll = strlen(letters);
  for (size_t i = 0; i < n;) {
    size_t b = i;
    int32_t c = cd_utf8_next(span, n, &i);
    if (c < 0x80)
      continue;
    size_t cl = i - b;
    bool listed = false;
    for (size_t j = 0; j + cl <= ll && !listed; j++)
      listed = memcmp(letters + j, span + b, cl) == 0;
    if (!listed)
      continue;
    bool in_repl = false;
    for (size_t j = 0; j + cl <= repl_len && !in_repl; j++)
      in_repl = memcmp(repl + j, span + b, cl) == 0;
    if (!in_repl)
      return true;
  }
  return false;
}
