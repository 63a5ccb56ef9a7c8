/* SPDX-License-Identifier: MIT */
/* Resolving a span: inflection suffixes, the replacement text in the house style. */
#include "names_internal.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static bool ends_with(const char *s, size_t n, const char *suf, size_t *sl) {
  size_t l = strlen(suf);
  if (n <= l || memcmp(s + n - l, suf, l) != 0)
    return false;
  *sl = l;
  return true;
}

void cd_names_split_suffix(const char *s, size_t n, const char *lang, size_t *core_len,
                           size_t *suffix_len, bool *keep) {
  static const char *const poss[] = {"'s", "\xE2\x80\x99s", "\xCA\xBCs", "'S", "\xE2\x80\x99S",
                                     "s'", "s\xE2\x80\x99"};
  size_t sl = 0;
  for (size_t i = 0; i < sizeof poss / sizeof poss[0]; i++)
    if (ends_with(s, n, poss[i], &sl)) {
      if (poss[i][0] == 's') { /* plural possessive: the s belongs to the name */
        *core_len = n - sl + 1;
        *suffix_len = sl - 1;
      } else {
        *core_len = n - sl;
        *suffix_len = sl;
      }
      *keep = true;
      return;
    }
  /* German genitive -s (Selenskyjs, Netanjahus): tried only after the whole word failed */
  if (n > 4 && s[n - 1] == 's' && (unsigned char)s[n - 2] < 0x80 && s[n - 2] != 's' &&
      s[n - 2] != ' ') {
    *core_len = n - 1;
    *suffix_len = 1;
    *keep = lang && strcmp(lang, "de") == 0;
    return;
  }
  *core_len = n;
  *suffix_len = 0;
  *keep = true;
}

cd_status cd_names_replacement(cd_names *db, const cd_names_hit *hit, const char *lang,
                               const char *span, size_t core_len, size_t span_len, bool keep,
                               cd_buf *out, cd_error *err) {
  cd_status st = cd_names_canonical(db, hit, lang, hit->part, out, err);
  if (st)
    return st;
  if (cd_names_match_case(span, core_len, out))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  if (keep && span_len > core_len && cd_buf_append(out, span + core_len, span_len - core_len))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  return CD_OK;
}

cd_status cd_names_find_span(cd_names *db, const cd_names_query *q, cd_names_hit *hits, size_t max,
                             size_t *n, size_t *core_len, bool *suffix_keep, cd_error *err) {
  size_t cl, sl;
  bool keep;
  cd_names_split_suffix(q->text, q->len, q->lang, &cl, &sl, &keep);
  cd_names_query qq = *q;
  cd_status st;
  bool poss = sl && q->text[cl] != 's';
  if (poss) { /* possessive: the core first */
    qq.len = cl;
    st = cd_names_find(db, &qq, hits, max, n, err);
    if (st || *n) {
      *core_len = cl;
      *suffix_keep = true;
      return st;
    }
    qq.len = q->len;
  }
  st = cd_names_find(db, &qq, hits, max, n, err);
  *core_len = q->len;
  *suffix_keep = true;
  if (st || *n || !sl || poss)
    return st;
  /* "the Johnsons", "the Kennedys": an English plural of a family name, not a German
   * genitive */
  if (q->before && (!q->lang || strcmp(q->lang, "de") != 0)) {
    size_t b = q->before_len;
    while (b > 0 && q->before[b - 1] == ' ')
      b--;
    if (b >= 3 && strncasecmp(q->before + b - 3, "the", 3) == 0 &&
        (b == 3 || !isalnum((unsigned char)q->before[b - 4])))
      return st;
  }
  /* the German -s: accept only exact or transliteration matches of a surname or full name */
  qq.len = cl;
  qq.fuzzy = false;
  st = cd_names_find(db, &qq, hits, max, n, err);
  /* outside German only a spelling the dictionary has, not a romanization of one
   * ("Barros" is no genitive of Барро) */
  if (!st && *n && (!q->lang || strcmp(q->lang, "de") != 0) && hits[0].level != CD_MATCH_EXACT)
    *n = 0;
  if (!st && *n) {
    *core_len = cl;
    *suffix_keep = keep;
  }
  return st;
}
