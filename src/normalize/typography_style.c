/* SPDX-License-Identifier: MIT */
/* House styles for the typography stage: parsing dicts/styles/<lang>.tsv.
 *
 * The format is deliberately small (key<TAB>value, # comments) so that a newsroom edits it
 * in any editor and reviews it in a diff. Every error names the file and the line, because
 * the person who broke the file is the one reading the message. */
#include "typography_style.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>

/* Used only when the caller has no data directory at all (library use without dicts/). The
 * shipped dicts/styles/en.tsv says the same thing and is what normally applies. */
static const char builtin_en[] = "quote_open\t\xE2\x80\x9C\n"
                                 "quote_close\t\xE2\x80\x9D\n"
                                 "inner_open\t\xE2\x80\x98\n"
                                 "inner_close\t\xE2\x80\x99\n"
                                 "apostrophe\t\xE2\x80\x99\n"
                                 "dash\t\xE2\x80\x94\n"
                                 "ellipsis\t\xE2\x80\xA6\n"
                                 "space_before_high_punct\tnone\n"
                                 "guillemet_space\tnone\n"
                                 "number_range\tkeep\n"
                                 "range_dash\t\xE2\x80\x93\n"
                                 "range_nouns\ttrain trains match matches game games flight "
                                 "flights route routes bus ferry highway motorway road railway "
                                 "line final derby fixture clash\n";

enum {
  K_QUOTE_OPEN,
  K_QUOTE_CLOSE,
  K_INNER_OPEN,
  K_INNER_CLOSE,
  K_APOSTROPHE,
  K_DASH,
  K_ELLIPSIS,
  K_HIGH,
  K_COLON,
  K_GUILLEMET,
  K_RANGE,
  K_ELISIONS,
  K_RANGE_DASH,
  K_RANGE_NOUNS,
  K_DPAIRS,
  K_SPAIRS,
  K_COUNT
};

static const char *const key_names[K_COUNT] = {"quote_open",
                                               "quote_close",
                                               "inner_open",
                                               "inner_close",
                                               "apostrophe",
                                               "dash",
                                               "ellipsis",
                                               "space_before_high_punct",
                                               "space_before_colon",
                                               "guillemet_space",
                                               "number_range",
                                               "leading_elisions",
                                               "range_dash",
                                               "range_nouns",
                                               "foreign_double_pairs",
                                               "foreign_single_pairs"};

/* Keys a style file must give: a style without its quotes is a mistake, not a default. */
static const bool key_required[K_COUNT] = {true, true, true, true, true, true, true};

void cd_typo_style_free(cd_typo_style *s) {
  if (!s)
    return;
  free(s->elisions.words);
  free(s->range_nouns.words);
  free(s->pairs);
  free(s->name);
  free(s);
}

/* Splits value into space-separated tokens; a value made only of U+XXXX tokens is decoded to
 * those code points, anything else is taken literally. */
static bool decode_value(const char *v, size_t n, cd_buf *out) {
  cd_buf_clear(out);
  size_t i = 0;
  bool any = false;
  while (i < n) {
    while (i < n && v[i] == ' ')
      i++;
    if (i == n)
      break;
    size_t j = i;
    while (j < n && v[j] != ' ')
      j++;
    if (j - i < 6 || j - i > 8 || (v[i] != 'U' && v[i] != 'u') || v[i + 1] != '+')
      goto literal;
    uint32_t cp = 0;
    for (size_t k = i + 2; k < j; k++) {
      char c = v[k];
      int d = (c >= '0' && c <= '9')   ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                       : -1;
      if (d < 0)
        goto literal;
      cp = cp * 16 + (uint32_t)d;
    }
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0)
      return false;
    if (cd_buf_append_cp(out, cp))
      return false;
    any = true;
    i = j;
  }
  if (any)
    return true;
literal:
  cd_buf_clear(out);
  return cd_buf_append(out, v, n) == CD_OK;
}

/* The single code point of s, or -1 when s is not exactly one code point. */
static int32_t single_cp(const char *s, size_t n) {
  size_t i = 0;
  int32_t c = cd_utf8_next(s, n, &i);
  return (c >= 0 && i == n) ? c : -1;
}

static cd_status fail(cd_error *err, const char *label, size_t line, const char *what,
                      const char *v, size_t n) {
  return cd_error_set(err, CD_ERR_DATA, "%s:%zu: %s: '%.*s'", label, line, what,
                      (int)(n > 64 ? 64 : n), v);
}

static cd_status set_char(char dst[16], uint32_t *cp, const cd_buf *v, const char *label,
                          size_t line, const char *key, cd_error *err) {
  int32_t c = single_cp(v->data ? v->data : "", v->len);
  if (c < 0 || u_isUWhiteSpace(c)) {
    char what[96];
    snprintf(what, sizeof what, "%s must be one visible character", key);
    return fail(err, label, line, what, v->data ? v->data : "", v->len);
  }
  memcpy(dst, v->data, v->len);
  dst[v->len] = '\0';
  if (cp)
    *cp = (uint32_t)c;
  return CD_OK;
}

static cd_status set_space(cd_typo_space *sp, const cd_buf *v, const char *label, size_t line,
                           const char *key, cd_error *err) {
  const char *s = v->data ? v->data : "";
  if (v->len == 4 && memcmp(s, "none", 4) == 0) {
    sp->mode = CD_TYPO_SPACE_NONE;
    return CD_OK;
  }
  if (v->len == 4 && memcmp(s, "keep", 4) == 0) {
    sp->mode = CD_TYPO_SPACE_KEEP;
    return CD_OK;
  }
  int32_t c = single_cp(s, v->len);
  if (c != 0x00A0 && c != 0x202F) {
    char what[96];
    snprintf(what, sizeof what, "%s must be none, keep, U+00A0 or U+202F", key);
    return fail(err, label, line, what, s, v->len);
  }
  sp->mode = CD_TYPO_SPACE_INSERT;
  memcpy(sp->text, s, v->len);
  sp->len = v->len;
  return CD_OK;
}

/* A space-separated word list, lower-cased (ASCII letters only: the lists compare bytes). */
static cd_status set_words(cd_typo_words *w, const cd_buf *v) {
  const char *s = v->data ? v->data : "";
  /* the list is short, so one allocation of the value's size */
  char *p = malloc(v->len + 1);
  if (!p)
    return CD_ERR_NOMEM;
  size_t o = 0, n = 0;
  for (size_t i = 0; i < v->len;) {
    while (i < v->len && s[i] == ' ')
      i++;
    if (i == v->len)
      break;
    while (i < v->len && s[i] != ' ') {
      char c = s[i++];
      p[o++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    p[o++] = '\0';
    n++;
  }
  free(w->words);
  w->words = p;
  w->len = o;
  w->n = n;
  return CD_OK;
}

static cd_status add_pairs(cd_typo_style *st, const cd_buf *v, const char *label, size_t line,
                           const char *key, cd_error *err) {
  const char *s = v->data ? v->data : "";
  size_t i = 0;
  while (i < v->len) {
    while (i < v->len && s[i] == ' ')
      i++;
    if (i == v->len)
      break;
    size_t start = i;
    int32_t a = cd_utf8_next(s, v->len, &i);
    int32_t b = i < v->len ? cd_utf8_next(s, v->len, &i) : -1;
    if (a < 0 || b < 0 || a == ' ' || b == ' ' || (i < v->len && s[i] != ' ')) {
      char what[96];
      snprintf(what, sizeof what, "%s: each pair is two characters, pairs separated by spaces",
               key);
      return fail(err, label, line, what, s + start, v->len - start);
    }
    cd_typo_pair *p = realloc(st->pairs, (st->n_pairs + 1) * sizeof *p);
    if (!p)
      return CD_ERR_NOMEM;
    st->pairs = p;
    st->pairs[st->n_pairs].open = (uint32_t)a;
    st->pairs[st->n_pairs].close = (uint32_t)b;
    st->n_pairs++;
  }
  return CD_OK;
}

static cd_status apply_key(cd_typo_style *st, int k, const cd_buf *v, const char *label,
                           size_t line, cd_error *err) {
  const char *key = key_names[k];
  switch (k) {
  case K_QUOTE_OPEN: return set_char(st->quote_open, &st->cp_quote_open, v, label, line, key, err);
  case K_QUOTE_CLOSE:
    return set_char(st->quote_close, &st->cp_quote_close, v, label, line, key, err);
  case K_INNER_OPEN: return set_char(st->inner_open, &st->cp_inner_open, v, label, line, key, err);
  case K_INNER_CLOSE:
    return set_char(st->inner_close, &st->cp_inner_close, v, label, line, key, err);
  case K_APOSTROPHE: return set_char(st->apostrophe, NULL, v, label, line, key, err);
  case K_DASH: return set_char(st->dash, NULL, v, label, line, key, err);
  case K_ELLIPSIS:
    if (v->len == 0 || v->len > 15)
      return fail(err, label, line, "ellipsis must be 1 to 15 bytes", v->data ? v->data : "",
                  v->len);
    memcpy(st->ellipsis, v->data, v->len);
    st->ellipsis[v->len] = '\0';
    return CD_OK;
  case K_HIGH: return set_space(&st->high_punct, v, label, line, key, err);
  case K_COLON: return set_space(&st->colon, v, label, line, key, err);
  case K_GUILLEMET: return set_space(&st->guillemet, v, label, line, key, err);
  case K_RANGE:
    if (v->len == 4 && memcmp(v->data, "keep", 4) == 0) {
      st->number_range[0] = '\0';
      return CD_OK;
    }
    return set_char(st->number_range, NULL, v, label, line, key, err);
  case K_ELISIONS: return set_words(&st->elisions, v);
  case K_RANGE_DASH:
    if (v->len == 4 && memcmp(v->data, "keep", 4) == 0) {
      st->range_dash[0] = '\0';
      return CD_OK;
    }
    return set_char(st->range_dash, NULL, v, label, line, key, err);
  case K_RANGE_NOUNS: return set_words(&st->range_nouns, v);
  default: return add_pairs(st, v, label, line, key, err);
  }
}

cd_status cd_typo_style_parse(const char *text, size_t len, const char *label, cd_typo_style **out,
                              cd_error *err) {
  *out = NULL;
  cd_typo_style *st = calloc(1, sizeof *st);
  if (!st || !(st->name = strdup(label))) {
    free(st);
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  bool seen[K_COUNT] = {false};
  cd_buf val = CD_BUF_INIT;
  cd_status rc = CD_OK;
  size_t pos = 0, line = 0;
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
    pos = 3;
  if (!cd_utf8_is_valid(text, len)) {
    rc = cd_error_set(err, CD_ERR_DATA, "%s: not valid UTF-8", label);
    goto done;
  }
  while (pos < len && !rc) {
    line++;
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t end = nl ? (size_t)(nl - text) : len, next = nl ? end + 1 : len;
    if (end > pos && text[end - 1] == '\r')
      end--;
    const char *l = text + pos;
    size_t n = end - pos;
    pos = next;
    size_t i = 0;
    while (i < n && (l[i] == ' ' || l[i] == '\t'))
      i++;
    if (i == n || l[i] == '#')
      continue;
    const char *tab = memchr(l, '\t', n);
    if (!tab) {
      rc = fail(err, label, line, "expected key<TAB>value", l, n);
      break;
    }
    size_t klen = (size_t)(tab - l);
    int k = -1;
    for (int j = 0; j < K_COUNT; j++)
      if (strlen(key_names[j]) == klen && memcmp(key_names[j], l, klen) == 0)
        k = j;
    if (k < 0) {
      rc = fail(err, label, line, "unknown key", l, klen);
      break;
    }
    if (seen[k]) {
      rc = fail(err, label, line, "key given twice", l, klen);
      break;
    }
    seen[k] = true;
    const char *v = tab + 1;
    size_t vlen = n - klen - 1;
    while (vlen && v[vlen - 1] == ' ')
      vlen--;
    if (!decode_value(v, vlen, &val)) {
      rc = fail(err, label, line, "bad U+XXXX code point", v, vlen);
      break;
    }
    rc = apply_key(st, k, &val, label, line, err);
    if (rc == CD_ERR_NOMEM)
      cd_error_set(err, rc, "out of memory");
  }
  for (int j = 0; j < K_COUNT && !rc; j++)
    if (key_required[j] && !seen[j])
      rc = cd_error_set(err, CD_ERR_DATA, "%s: missing key '%s'", label, key_names[j]);
  if (!rc && !seen[K_COLON])
    st->colon = st->high_punct; /* one setting for all four marks unless split */
done:
  cd_buf_free(&val);
  if (rc) {
    cd_typo_style_free(st);
    return rc;
  }
  *out = st;
  return CD_OK;
}

static cd_status read_whole(const char *path, cd_buf *out, bool *missing, cd_error *err) {
  *missing = false;
  FILE *f = fopen(path, "rb");
  if (!f) {
    if (errno == ENOENT) {
      *missing = true;
      return CD_OK;
    }
    return cd_error_set(err, CD_ERR_DATA, "%s: cannot open: %s", path, strerror(errno));
  }
  cd_status st = CD_OK;
  for (;;) {
    if ((st = cd_buf_reserve(out, 4096)))
      break;
    size_t got = fread(out->data + out->len, 1, out->cap - out->len - 1, f);
    out->len += got;
    if (got == 0)
      break;
  }
  if (!st && ferror(f))
    st = cd_error_set(err, CD_ERR_DATA, "%s: read error", path);
  else if (st)
    cd_error_set(err, st, "out of memory");
  fclose(f);
  return st;
}

cd_status cd_typo_style_load(const char *data_dir, const char *lang, cd_typo_style **out,
                             cd_error *err) {
  *out = NULL;
  if (!data_dir)
    return cd_typo_style_parse(builtin_en, sizeof builtin_en - 1, "built-in en style", out, err);
  /* The primary subtag, lower case ASCII letters only: anything else is not a file name. */
  char primary[9] = "en";
  if (lang) {
    size_t n = 0;
    while (lang[n] && lang[n] != '-' && lang[n] != '_' && n < 8) {
      char c = lang[n];
      if (c >= 'A' && c <= 'Z')
        c = (char)(c + 32);
      if (c < 'a' || c > 'z')
        break;
      primary[n++] = c;
    }
    bool ok = n >= 2 && (lang[n] == '\0' || lang[n] == '-' || lang[n] == '_');
    if (ok)
      primary[n] = '\0';
    else
      snprintf(primary, sizeof primary, "en");
  }
  const char *tries[2] = {primary, "en"};
  cd_buf path = CD_BUF_INIT, text = CD_BUF_INIT;
  cd_status st = CD_OK;
  bool found = false;
  for (int t = 0; t < 2 && !found && !st; t++) {
    cd_buf_clear(&path);
    cd_buf_clear(&text);
    if ((st = cd_buf_appendf(&path, "%s/styles/%s.tsv", data_dir, tries[t]))) {
      cd_error_set(err, st, "out of memory");
      break;
    }
    bool missing;
    st = read_whole(path.data, &text, &missing, err);
    if (!st && !missing) {
      found = true;
      st = cd_typo_style_parse(text.data ? text.data : "", text.len, path.data, out, err);
    }
  }
  if (!st && !found)
    st = cd_error_set(err, CD_ERR_DATA, "%s/styles: no style for '%s' and no en.tsv", data_dir,
                      primary);
  cd_buf_free(&path);
  cd_buf_free(&text);
  return st;
}

static bool in_words(const cd_typo_words *list, const char *w, size_t n) {
  const char *p = list->words;
  for (size_t k = 0; k < list->n; k++) {
    size_t l = strlen(p);
    if (l == n) {
      size_t i = 0;
      while (i < n) {
        char c = w[i];
        if (c >= 'A' && c <= 'Z')
          c = (char)(c + 32);
        if (c != p[i])
          break;
        i++;
      }
      if (i == n)
        return true;
    }
    p += l + 1;
  }
  return false;
}

bool cd_typo_style_is_elision(const cd_typo_style *s, const char *w, size_t n) {
  return in_words(&s->elisions, w, n);
}

bool cd_typo_style_is_range_noun(const cd_typo_style *s, const char *w, size_t n) {
  return in_words(&s->range_nouns, w, n);
}

bool cd_typo_style_is_foreign_pair(const cd_typo_style *s, uint32_t open, uint32_t close) {
  for (size_t k = 0; k < s->n_pairs; k++)
    if (s->pairs[k].open == open && s->pairs[k].close == close)
      return true;
  return false;
}
