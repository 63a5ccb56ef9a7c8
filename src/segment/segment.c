/* SPDX-License-Identifier: MIT */
/* segment.c — sentence segmentation: ICU candidates filtered by abbreviation data. */
#include "cd_lines.h"
#include "cd_segment.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unistd.h>

enum abbrev_class { AB_TITLE, AB_NUMBER, AB_MONTH, AB_FINAL, AB_MONTHNAME };

typedef struct abbrev {
  char *tok;
  size_t len;
  enum abbrev_class cls;
} abbrev;

struct cd_segmenter {
  char lang[16];
  cd_segment_options opts;
  UBreakIterator *bi;
  abbrev *ab;
  size_t n_ab;
  bool has_monthnames;
  cd_buf scratch;
};

void cd_segment_options_init(cd_segment_options *opts) { memset(opts, 0, sizeof *opts); }

static int abbrev_cmp(const void *a, const void *b) {
  const abbrev *x = a, *y = b;
  if (x->len != y->len)
    return x->len < y->len ? -1 : 1;
  return memcmp(x->tok, y->tok, x->len);
}

static const abbrev *abbrev_find(const cd_segmenter *seg, const char *s, size_t len) {
  if (!seg->n_ab)
    return NULL;
  abbrev key = {(char *)s, len, AB_TITLE};
  return bsearch(&key, seg->ab, seg->n_ab, sizeof *seg->ab, abbrev_cmp);
}

static bool parse_class(const char *s, size_t n, enum abbrev_class *out) {
  static const struct {
    const char *name;
    enum abbrev_class cls;
  } names[] = {{"title", AB_TITLE},
               {"number", AB_NUMBER},
               {"month", AB_MONTH},
               {"final", AB_FINAL},
               {"monthname", AB_MONTHNAME}};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strlen(names[i].name) == n && memcmp(names[i].name, s, n) == 0) {
      *out = names[i].cls;
      return true;
    }
  return false;
}

static cd_status add_abbrev(cd_segmenter *seg, size_t *cap, const char *tok, size_t len,
                            enum abbrev_class cls) {
  if (CD_GROW(seg->ab, seg->n_ab, *cap))
    return CD_ERR_NOMEM;
  char *copy = malloc(len + 1);
  if (!copy)
    return CD_ERR_NOMEM;
  memcpy(copy, tok, len);
  copy[len] = '\0';
  seg->ab[seg->n_ab++] = (abbrev){copy, len, cls};
  if (cls == AB_MONTHNAME)
    seg->has_monthnames = true;
  return CD_OK;
}

/* Reads data_dir/abbrev/LANG.tsv; a missing file means "no list" for that language, but a
 * missing abbrev/ directory means the data directory is broken. */
static cd_status load_abbrevs(cd_segmenter *seg, const char *data_dir, cd_error *err) {
  char primary[16];
  size_t k = 0;
  while (seg->lang[k] && seg->lang[k] != '-' && seg->lang[k] != '_' && k < sizeof primary - 1) {
    char c = seg->lang[k];
    primary[k] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    k++;
  }
  primary[k] = '\0';
  cd_buf path = CD_BUF_INIT;
  if (cd_buf_appendf(&path, "%s/abbrev", data_dir))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  struct stat dir_st;
  int e = stat(path.data, &dir_st) != 0 ? errno : S_ISDIR(dir_st.st_mode) ? 0 : ENOTDIR;
  if (e) {
    cd_status st = cd_error_set(err, CD_ERR_DATA, "%s: %s (abbreviation data missing)", path.data,
                                strerror(e));
    cd_buf_free(&path);
    return st;
  }
  cd_buf_clear(&path);
  if (cd_buf_appendf(&path, "%s/abbrev/%s.tsv", data_dir, primary)) {
    cd_buf_free(&path);
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  cd_lines in;
  if (access(path.data, F_OK) != 0) {
    cd_buf_free(&path);
    return CD_OK; /* no abbreviations for this language */
  }
  cd_status st = cd_lines_open(&in, path.data, err);
  size_t cap = 0;
  char *line;
  size_t n;
  while (!st && !(st = cd_lines_next(&in, &line, &n, err)) && line) {
    size_t lineno = (size_t)in.lineno;
    if (n == 0 || line[0] == '#')
      continue;
    char *tab = memchr(line, '\t', n);
    enum abbrev_class cls = AB_TITLE;
    size_t tok_len = tab ? (size_t)(tab - line) : n;
    if (tab && !parse_class(tab + 1, n - tok_len - 1, &cls)) {
      st = cd_error_set(err, CD_ERR_DATA, "%s:%zu: unknown class '%.*s'", path.data, lineno,
                        (int)(n - tok_len - 1), tab + 1);
      break;
    }
    if (tok_len == 0 || !cd_utf8_is_valid(line, tok_len)) {
      st = cd_error_set(err, CD_ERR_DATA, "%s:%zu: empty or ill-formed token", path.data, lineno);
      break;
    }
    if ((st = add_abbrev(seg, &cap, line, tok_len, cls))) {
      cd_error_set(err, st, "out of memory");
      break;
    }
  }
  cd_lines_close(&in);
  cd_buf_free(&path);
  if (!st && seg->n_ab)
    qsort(seg->ab, seg->n_ab, sizeof *seg->ab, abbrev_cmp);
  return st;
}

cd_status cd_segmenter_new(const char *lang, const char *data_dir, const cd_segment_options *opts,
                           cd_segmenter **out, cd_error *err) {
  *out = NULL;
  if (!lang || !*lang || strlen(lang) >= 16)
    return cd_error_set(err, CD_ERR_USAGE, "segmenter: invalid language '%s'", lang ? lang : "");
  cd_segmenter *seg = calloc(1, sizeof *seg);
  if (!seg)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  memcpy(seg->lang, lang, strlen(lang) + 1);
  if (opts)
    seg->opts = *opts;
  else
    cd_segment_options_init(&seg->opts);
  char locale[64];
  snprintf(locale, sizeof locale, "%s@ss=standard", lang);
  UErrorCode uerr = U_ZERO_ERROR;
  seg->bi = ubrk_open(UBRK_SENTENCE, locale, NULL, 0, &uerr);
  if (U_FAILURE(uerr)) {
    cd_segmenter_free(seg);
    return cd_error_set(err, CD_ERR_INTERNAL, "segmenter: ICU sentence iterator for '%s': %s",
                        locale, u_errorName(uerr));
  }
  if (data_dir) {
    cd_status st = load_abbrevs(seg, data_dir, err);
    if (st) {
      cd_segmenter_free(seg);
      return st;
    }
  }
  *out = seg;
  return CD_OK;
}

void cd_segmenter_free(cd_segmenter *seg) {
  if (!seg)
    return;
  if (seg->bi)
    ubrk_close(seg->bi);
  for (size_t i = 0; i < seg->n_ab; i++)
    free(seg->ab[i].tok);
  free(seg->ab);
  cd_buf_free(&seg->scratch);
  free(seg);
}

size_t cd_segmenter_abbrev_count(const cd_segmenter *seg) { return seg ? seg->n_ab : 0; }

/* ---- character helpers (ICU classes over UTF-8) ------------------------------------- */

static bool is_space_cp(int32_t c) { return c >= 0 && (u_isUWhiteSpace(c) || c == 0xFEFF); }

/* Quotes and brackets that may stand between a full stop and the boundary, or before a
 * word. */
static bool is_quote_or_bracket(int32_t c) {
  if (c < 0)
    return false;
  int8_t t = u_charType(c);
  return t == U_START_PUNCTUATION || t == U_END_PUNCTUATION || t == U_INITIAL_PUNCTUATION ||
         t == U_FINAL_PUNCTUATION || c == '"' || c == '\'';
}

static int32_t cp_before(const char *s, size_t i) {
  if (i == 0)
    return -1;
  size_t j = i;
  return cd_utf8_prev(s, &j);
}

/* Skips white space backwards from end; returns the new end. */
static size_t back_over_space(const char *s, size_t start, size_t end) {
  while (end > start) {
    size_t j = end;
    int32_t c = cd_utf8_prev(s, &j);
    if (!is_space_cp(c))
      break;
    end = j;
  }
  return end;
}

static size_t fwd_over_space(const char *s, size_t i, size_t end) {
  while (i < end) {
    size_t j = i;
    int32_t c = cd_utf8_next(s, end, &j);
    if (!is_space_cp(c))
      break;
    i = j;
  }
  return i;
}

/* True for a token made of single letters each followed by a full stop: "J.", "U.S.",
 * "z.B.", "i.e.". With single_upper, only one upper-case letter qualifies ("J."). */
static bool letter_dot_sequence(const char *s, size_t len, bool *single_upper) {
  size_t i = 0, groups = 0;
  bool upper = false;
  while (i < len) {
    int32_t c = cd_utf8_next(s, len, &i);
    if (c < 0 || !u_isalpha(c))
      return false;
    upper = u_isupper(c) || u_istitle(c);
    if (i >= len || s[i] != '.')
      return false;
    i++;
    groups++;
  }
  *single_upper = groups == 1 && upper;
  return groups > 0;
}

static bool all_digits(const char *s, size_t len) {
  if (!len)
    return false;
  for (size_t i = 0; i < len; i++)
    if (s[i] < '0' || s[i] > '9')
      return false;
  return true;
}

/* The first code point of the next word after position b (quotes and brackets skipped),
 * and the word's extent. */
static int32_t next_word(const char *s, size_t b, size_t end, size_t *w0, size_t *w1) {
  size_t i = fwd_over_space(s, b, end);
  while (i < end) {
    size_t j = i;
    int32_t c = cd_utf8_next(s, end, &j);
    if (!is_quote_or_bracket(c))
      break;
    i = j;
  }
  *w0 = i;
  size_t j = i;
  int32_t first = i < end ? cd_utf8_next(s, end, &j) : -1;
  size_t k = i;
  while (k < end) {
    size_t m = k;
    int32_t c = cd_utf8_next(s, end, &m);
    if (is_space_cp(c) || (k > i && !u_isalnum(c)))
      break;
    k = m;
  }
  *w1 = k;
  return first;
}

/* Decides whether ICU's candidate boundary b inside s[0, end) stays. */
static bool keep_boundary(const cd_segmenter *seg, const char *s, size_t end, size_t b) {
  size_t e = back_over_space(s, 0, b);
  if (e == 0 || s[e - 1] != '.')
    return true; /* ? ! closing quotes, ellipsis character: a real end */
  if (e >= 2 && s[e - 2] == '.')
    return true; /* "..." */
  size_t t0 = e;
  while (t0 > 0) {
    int32_t c = cp_before(s, t0);
    if (is_space_cp(c))
      break;
    size_t j = t0;
    cd_utf8_prev(s, &j);
    t0 = j;
  }
  /* Opening quotes and brackets before the token are not part of it. */
  while (t0 < e) {
    size_t j = t0;
    int32_t c = cd_utf8_next(s, e, &j);
    if (!is_quote_or_bracket(c))
      break;
    t0 = j;
  }
  const char *tok = s + t0;
  size_t tlen = e - t0;
  size_t w0, w1;
  int32_t next = next_word(s, b, end, &w0, &w1);
  bool next_digit = next >= 0 && u_isdigit(next);
  bool next_lower = next >= 0 && u_islower(next);

  const abbrev *a = abbrev_find(seg, tok, tlen);
  if (a) {
    switch (a->cls) {
    case AB_TITLE: return false;
    case AB_NUMBER:
      if (next_digit)
        return false;
      break;
    case AB_MONTH:
    case AB_FINAL:
      if (next_digit || next_lower)
        return false;
      break;
    case AB_MONTHNAME: break;
    }
  }
  bool single_upper = false;
  if (letter_dot_sequence(tok, tlen, &single_upper)) {
    if (single_upper || tlen > 2)
      return false; /* an initial, or U.S. / z.B. */
  }
  if (seg->has_monthnames && all_digits(tok, tlen - 1) && w1 > w0) {
    const abbrev *m = abbrev_find(seg, s + w0, w1 - w0);
    if (m && m->cls == AB_MONTHNAME)
      return false; /* "3. Oktober" */
  }
  return true;
}

/* ---- splitting -------------------------------------------------------------------- */

typedef struct span_list {
  cd_sentence_span *v;
  size_t n, cap;
} span_list;

static cd_status push_span(span_list *l, const char *text, size_t s, size_t e, size_t para) {
  /* trim white space on both ends */
  s = fwd_over_space(text, s, e);
  e = back_over_space(text, s, e);
  if (e <= s)
    return CD_OK;
  if (CD_GROW(l->v, l->n, l->cap))
    return CD_ERR_NOMEM;
  l->v[l->n++] = (cd_sentence_span){s, e, para};
  return CD_OK;
}

/* French sets a space before a closing guillemet (« oui. » Puis): ICU then breaks before
 * the », so a boundary followed by closing quotes or brackets moves after them. */
static size_t after_closers(const char *s, size_t end, size_t b) {
  size_t p = fwd_over_space(s, b, end), moved = b;
  while (p < end) {
    size_t j = p;
    int32_t c = cd_utf8_next(s, end, &j);
    int8_t t = c >= 0 ? u_charType(c) : 0;
    if (c < 0 || !(t == U_END_PUNCTUATION || t == U_FINAL_PUNCTUATION))
      break;
    p = j;
    moved = p;
  }
  return moved;
}

/* Segments one unit (a line, or a paragraph with line breaks blanked) at text[us, ue).
 * view points at the unit as ICU sees it (the original, or a copy of the same length). */
static cd_status split_unit(cd_segmenter *seg, const char *text, const char *view, size_t us,
                            size_t ue, size_t para, span_list *l, cd_error *err) {
  UErrorCode uerr = U_ZERO_ERROR;
  UText ut = UTEXT_INITIALIZER;
  utext_openUTF8(&ut, view, (int64_t)(ue - us), &uerr);
  ubrk_setUText(seg->bi, &ut, &uerr);
  if (U_FAILURE(uerr)) {
    utext_close(&ut);
    return cd_error_set(err, CD_ERR_INTERNAL, "segmenter: ICU at byte %zu: %s", us,
                        u_errorName(uerr));
  }
  size_t ulen = ue - us, s0 = 0;
  cd_status st = CD_OK;
  for (int32_t b = ubrk_next(seg->bi); b != UBRK_DONE; b = ubrk_next(seg->bi)) {
    size_t pos = (size_t)b;
    if (pos >= ulen)
      break;
    if (!keep_boundary(seg, view, ulen, pos))
      continue;
    pos = after_closers(view, ulen, pos);
    if (pos <= s0)
      continue;
    if ((st = push_span(l, text, us + s0, us + pos, para)))
      break;
    s0 = pos;
  }
  if (!st)
    st = push_span(l, text, us + s0, ue, para);
  utext_close(&ut);
  if (st == CD_ERR_NOMEM)
    cd_error_set(err, st, "out of memory");
  return st;
}

static bool line_is_blank(const char *s, size_t a, size_t b) {
  return fwd_over_space(s, a, b) == b;
}

/* join_lines: ICU ends a sentence at every line break, so it sees a copy of the paragraph
 * with line breaks turned into spaces (same length, same offsets). */
static cd_status split_paragraph(cd_segmenter *seg, const char *text, size_t ps, size_t pe,
                                 size_t para, span_list *l, cd_error *err) {
  cd_buf_clear(&seg->scratch);
  if (cd_buf_append(&seg->scratch, text + ps, pe - ps))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < pe - ps; i++)
    if (seg->scratch.data[i] == '\n' || seg->scratch.data[i] == '\r')
      seg->scratch.data[i] = ' ';
  return split_unit(seg, text, seg->scratch.data ? seg->scratch.data : text + ps, ps, pe, para, l,
                    err);
}

cd_status cd_segmenter_split(cd_segmenter *seg, const char *text, size_t len,
                             cd_sentence_span **spans, size_t *n, cd_error *err) {
  *spans = NULL;
  *n = 0;
  size_t valid = cd_utf8_valid_prefix(text, len);
  if (valid < len)
    return cd_error_set(err, CD_ERR_INPUT, "ill-formed UTF-8 at byte %zu", valid);
  span_list l = {0};
  cd_status st = CD_OK;
  size_t para = 0, pos = 0;
  bool in_para = false;
  size_t para_start = 0, para_end = 0;
  while (pos < len && !st) {
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t le = nl ? (size_t)(nl - text) : len;
    size_t next = nl ? le + 1 : len;
    if (line_is_blank(text, pos, le)) {
      if (in_para) {
        if (seg->opts.join_lines)
          st = split_paragraph(seg, text, para_start, para_end, para, &l, err);
        para++;
        in_para = false;
      }
    } else {
      if (!in_para) {
        in_para = true;
        para_start = pos;
      }
      para_end = le;
      if (!seg->opts.join_lines)
        st = split_unit(seg, text, text + pos, pos, le, para, &l, err);
    }
    pos = next;
  }
  if (!st && in_para && seg->opts.join_lines)
    st = split_paragraph(seg, text, para_start, para_end, para, &l, err);
  if (st) {
    free(l.v);
    return st;
  }
  *spans = l.v;
  *n = l.n;
  return CD_OK;
}
