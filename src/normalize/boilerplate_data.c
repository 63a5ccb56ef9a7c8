/* SPDX-License-Identifier: MIT */
/* Reading dicts/boilerplate/: pattern files, section labels and dateline styles. The files
 * are small TSV reviewed by editors, so every check here reports FILE:LINE. */
#include "boilerplate_data.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ustring.h>

#define MAX_FIELDS 6

static char *dup_n(const char *s, size_t n) {
  char *p = malloc(n + 1);
  if (p) {
    memcpy(p, s, n);
    p[n] = '\0';
  }
  return p;
}

/* Splits line (no line end) at tabs into at most MAX_FIELDS fields; returns the count. */
static size_t split_tabs(char *line, char *fields[MAX_FIELDS]) {
  size_t n = 0;
  char *p = line;
  for (;;) {
    if (n == MAX_FIELDS)
      return n + 1; /* too many: the caller reports it */
    fields[n++] = p;
    char *tab = strchr(p, '\t');
    if (!tab)
      return n;
    *tab = '\0';
    p = tab + 1;
  }
}

/* Strips the line end and tells whether the line carries data (not blank, not a comment). */
static bool data_line(char *line) {
  size_t n = strlen(line);
  while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
    line[--n] = '\0';
  if (n == 0 || line[0] == '#')
    return false;
  for (size_t i = 0; i < n; i++)
    if (line[i] != ' ' && line[i] != '\t')
      return true;
  return false;
}

/* ---- patterns ------------------------------------------------------------------------ */

static cd_status parse_kind(const char *s, cd_bp_kind *k) {
  if (strcmp(s, "delete") == 0)
    *k = CD_BP_DELETE;
  else if (strcmp(s, "keep") == 0)
    *k = CD_BP_KEEP;
  else if (strcmp(s, "dateline") == 0)
    *k = CD_BP_DATELINE;
  else
    return CD_ERR_DATA;
  return CD_OK;
}

static cd_status parse_confidence(const char *s, double *out) {
  char *end = NULL;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || *end != '\0' || !(v >= 0.0 && v <= 1.0))
    return CD_ERR_DATA;
  *out = v;
  return CD_OK;
}

static cd_status push_pattern(cd_bp_data *d, const cd_bp_pattern *p) {
  if (CD_GROW(d->patterns, d->n_patterns, d->cap_patterns))
    return CD_ERR_NOMEM;
  d->patterns[d->n_patterns++] = *p;
  if (p->kind == CD_BP_DELETE)
    d->n_delete++;
  return CD_OK;
}

/* uregex_open copies the pattern, so the UTF-16 form is freed here. */
static cd_status compile_pattern(const char *pat, URegularExpression **re, const char *where,
                                 cd_error *err) {
  UErrorCode ec = U_ZERO_ERROR;
  UParseError pe;
  memset(&pe, 0, sizeof pe);
  *re = NULL;
  int32_t n = 0;
  u_strFromUTF8(NULL, 0, &n, pat, -1, &ec);
  if (ec != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(ec))
    return cd_error_set(err, CD_ERR_DATA, "%s: pattern is not valid UTF-8", where);
  ec = U_ZERO_ERROR;
  UChar *u = malloc(((size_t)n + 1) * sizeof *u);
  if (!u)
    return cd_error_set(err, CD_ERR_NOMEM, "%s: out of memory", where);
  u_strFromUTF8(u, n + 1, NULL, pat, -1, &ec);
  if (U_SUCCESS(ec))
    *re = uregex_open(u, n, 0, &pe, &ec);
  free(u);
  if (U_FAILURE(ec)) {
    *re = NULL;
    return cd_error_set(err, CD_ERR_DATA, "%s: bad pattern: %s at offset %d of \"%s\"", where,
                        u_errorName(ec), (int)pe.offset, pat);
  }
  return CD_OK;
}

/* Reads one TSV line of a pattern file: kind, rule, confidence, pattern[, note]. */
static cd_status load_pattern_line(cd_bp_data *d, char *line, const char *where, cd_error *err) {
  char *f[MAX_FIELDS];
  size_t n = split_tabs(line, f);
  if (n < 4 || n > 5)
    return cd_error_set(err, CD_ERR_DATA,
                        "%s: expected kind<TAB>rule<TAB>confidence<TAB>pattern[<TAB>note], "
                        "got %zu field(s)",
                        where, n);
  cd_bp_pattern p;
  memset(&p, 0, sizeof p);
  p.sep_group = -1;
  if (parse_kind(f[0], &p.kind))
    return cd_error_set(err, CD_ERR_DATA, "%s: unknown kind \"%s\" (delete, keep, dateline)", where,
                        f[0]);
  if (strncmp(f[1], "boilerplate.", 12) != 0 || f[1][12] == '\0')
    return cd_error_set(err, CD_ERR_DATA, "%s: rule \"%s\" must be boilerplate.NAME", where, f[1]);
  if (parse_confidence(f[2], &p.confidence))
    return cd_error_set(err, CD_ERR_DATA, "%s: confidence \"%s\" is not a number in 0..1", where,
                        f[2]);
  if (f[3][0] == '\0')
    return cd_error_set(err, CD_ERR_DATA, "%s: empty pattern", where);
  cd_status st = compile_pattern(f[3], &p.re, where, err);
  if (st)
    return st;
  if (p.kind == CD_BP_DATELINE) {
    UErrorCode ec = U_ZERO_ERROR;
    p.sep_group = uregex_groupNumberFromCName(p.re, "sep", -1, &ec);
    if (U_FAILURE(ec)) {
      uregex_close(p.re);
      return cd_error_set(err, CD_ERR_DATA,
                          "%s: a dateline pattern needs a named group (?<sep>...) for the "
                          "separator",
                          where);
    }
  }
  p.rule = dup_n(f[1], strlen(f[1]));
  p.where = dup_n(where, strlen(where));
  if (!p.rule || !p.where || push_pattern(d, &p)) {
    free(p.rule);
    free(p.where);
    uregex_close(p.re);
    return cd_error_set(err, CD_ERR_NOMEM, "%s: out of memory", where);
  }
  return CD_OK;
}

typedef cd_status (*line_fn)(cd_bp_data *d, char *line, const char *where, cd_error *err);

/* Calls fn on every data line of path. A missing file is an error when required. */
static cd_status for_each_line(cd_bp_data *d, const char *path, bool required, line_fn fn,
                               cd_error *err) {
  FILE *f = fopen(path, "r");
  if (!f) {
    if (!required && errno == ENOENT)
      return CD_OK;
    return cd_error_set(err, CD_ERR_DATA, "%s: cannot open: %s", path, strerror(errno));
  }
  char *line = NULL;
  size_t cap = 0;
  cd_status st = CD_OK;
  unsigned long line_no = 0;
  while (getline(&line, &cap, f) >= 0) {
    line_no++;
    if (!data_line(line))
      continue;
    char where[4200];
    snprintf(where, sizeof where, "%.4000s:%lu", path, line_no);
    if (!cd_utf8_is_valid(line, strlen(line))) {
      st = cd_error_set(err, CD_ERR_DATA, "%s: not valid UTF-8", where);
      break;
    }
    if ((st = fn(d, line, where, err)))
      break;
  }
  if (!st && ferror(f))
    st = cd_error_set(err, CD_ERR_DATA, "%s: read error", path);
  free(line);
  fclose(f);
  return st;
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The pattern files are every patterns-*.tsv in the directory, read in name order. All
 * languages are loaded: a site's template (and so its boilerplate) is often in another
 * language than the article, and whole-line anchoring keeps that safe. */
static cd_status load_pattern_files(cd_bp_data *d, const char *dir, cd_error *err) {
  DIR *dp = opendir(dir);
  if (!dp)
    return cd_error_set(err, CD_ERR_DATA, "%s: cannot open the boilerplate data: %s", dir,
                        strerror(errno));
  char **names = NULL;
  size_t n = 0, cap = 0;
  cd_status st = CD_OK;
  struct dirent *e;
  while ((e = readdir(dp)) != NULL) {
    size_t len = strlen(e->d_name);
    if (len <= 13 || strncmp(e->d_name, "patterns-", 9) != 0 ||
        strcmp(e->d_name + len - 4, ".tsv") != 0)
      continue;
    if (CD_GROW(names, n, cap)) {
      st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
      break;
    }
    if (!(names[n] = dup_n(e->d_name, len))) {
      st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
      break;
    }
    n++;
  }
  closedir(dp);
  if (!st && n == 0)
    st = cd_error_set(err, CD_ERR_DATA, "%s: no patterns-*.tsv file", dir);
  if (!st)
    qsort(names, n, sizeof *names, cmp_names);
  for (size_t i = 0; i < n && !st; i++) {
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    st = for_each_line(d, path, true, load_pattern_line, err);
  }
  for (size_t i = 0; i < n; i++)
    free(names[i]);
  free(names);
  return st;
}

/* ---- section labels ------------------------------------------------------------------ */

static cd_status load_label_line(cd_bp_data *d, char *line, const char *where, cd_error *err) {
  char *f[MAX_FIELDS];
  size_t n = split_tabs(line, f);
  if (n != 2 || f[0][0] == '\0' || f[1][0] == '\0')
    return cd_error_set(err, CD_ERR_DATA, "%s: expected lang<TAB>label", where);
  size_t len = strlen(f[1]);
  if (f[1][0] == ' ' || f[1][len - 1] == ' ')
    return cd_error_set(err, CD_ERR_DATA, "%s: label \"%s\" has a leading or trailing space", where,
                        f[1]);
  if (CD_GROW(d->labels, d->n_labels, d->cap_labels))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  cd_bp_label *l = &d->labels[d->n_labels];
  if (!(l->text = dup_n(f[1], len)))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  l->len = len;
  d->n_labels++;
  return CD_OK;
}

/* By first byte, then longest first, so that "World news" wins over "World". */
static int cmp_labels(const void *a, const void *b) {
  const cd_bp_label *x = a, *y = b;
  unsigned char cx = (unsigned char)x->text[0], cy = (unsigned char)y->text[0];
  if (cx != cy)
    return cx < cy ? -1 : 1;
  if (x->len != y->len)
    return x->len > y->len ? -1 : 1;
  return strcmp(x->text, y->text);
}

static void index_labels(cd_bp_data *d) {
  if (d->n_labels)
    qsort(d->labels, d->n_labels, sizeof *d->labels, cmp_labels);
  size_t k = 0;
  for (unsigned b = 0; b <= 256; b++) {
    while (k < d->n_labels && (unsigned char)d->labels[k].text[0] < b)
      k++;
    d->label_first[b] = k;
  }
}

/* ---- dateline style ------------------------------------------------------------------ */

typedef struct style_ctx {
  cd_bp_data *d;
  char lang[16];
  bool exact; /* the row found is the language's own, not the "*" default */
} style_ctx;

static cd_status load_style_row(style_ctx *ctx, char *line, const char *where, cd_error *err) {
  char *f[MAX_FIELDS];
  size_t n = split_tabs(line, f);
  if (n != 3 || f[0][0] == '\0' || f[1][0] == '\0')
    return cd_error_set(err, CD_ERR_DATA, "%s: expected lang<TAB>dash<TAB>spaced|closed", where);
  bool spaced;
  if (strcmp(f[2], "spaced") == 0)
    spaced = true;
  else if (strcmp(f[2], "closed") == 0)
    spaced = false;
  else
    return cd_error_set(err, CD_ERR_DATA, "%s: spacing \"%s\" must be spaced or closed", where,
                        f[2]);
  size_t dlen = strlen(f[1]);
  if (dlen > 8 || cd_utf8_count(f[1], dlen) != 1)
    return cd_error_set(err, CD_ERR_DATA, "%s: dash \"%s\" must be one character", where, f[1]);
  bool mine = strcmp(f[0], ctx->lang) == 0;
  if (!(mine || (strcmp(f[0], "*") == 0 && !ctx->exact)))
    return CD_OK;
  ctx->exact = mine;
  cd_bp_data *d = ctx->d;
  d->dateline_sep_len = 0;
  if (spaced)
    d->dateline_sep[d->dateline_sep_len++] = ' ';
  memcpy(d->dateline_sep + d->dateline_sep_len, f[1], dlen);
  d->dateline_sep_len += dlen;
  if (spaced)
    d->dateline_sep[d->dateline_sep_len++] = ' ';
  d->dateline_sep[d->dateline_sep_len] = '\0';
  return CD_OK;
}

static cd_status load_styles(cd_bp_data *d, const char *path, const char *lang, cd_error *err) {
  style_ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.d = d;
  size_t i = 0;
  while (lang && lang[i] && lang[i] != '-' && lang[i] != '_' && i + 1 < sizeof ctx.lang) {
    ctx.lang[i] = lang[i];
    i++;
  }
  FILE *f = fopen(path, "r");
  if (!f)
    return cd_error_set(err, CD_ERR_DATA, "%s: cannot open: %s", path, strerror(errno));
  char *line = NULL;
  size_t cap = 0;
  unsigned long line_no = 0;
  cd_status st = CD_OK;
  while (!st && getline(&line, &cap, f) >= 0) {
    line_no++;
    if (!data_line(line))
      continue;
    char where[4200];
    snprintf(where, sizeof where, "%.4000s:%lu", path, line_no);
    st = load_style_row(&ctx, line, where, err);
  }
  free(line);
  fclose(f);
  if (!st && d->dateline_sep_len == 0)
    st = cd_error_set(err, CD_ERR_DATA, "%s: no row for \"%s\" and no \"*\" row", path, ctx.lang);
  return st;
}

/* ---- open / free --------------------------------------------------------------------- */

cd_status cd_bp_data_load(const char *data_dir, const char *lang, cd_bp_data **out, cd_error *err) {
  *out = NULL;
  cd_bp_data *d = calloc(1, sizeof *d);
  if (!d)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  char dir[4096], path[4200];
  snprintf(dir, sizeof dir, "%s/boilerplate", data_dir);
  cd_status st = load_pattern_files(d, dir, err);
  if (!st) {
    snprintf(path, sizeof path, "%s/section-labels.tsv", dir);
    st = for_each_line(d, path, true, load_label_line, err);
  }
  if (!st) {
    index_labels(d);
    snprintf(path, sizeof path, "%s/dateline-style.tsv", dir);
    st = load_styles(d, path, lang, err);
  }
  if (st) {
    cd_bp_data_free(d);
    return st;
  }
  *out = d;
  return CD_OK;
}

void cd_bp_data_free(cd_bp_data *d) {
  if (!d)
    return;
  for (size_t i = 0; i < d->n_patterns; i++) {
    uregex_close(d->patterns[i].re);
    free(d->patterns[i].rule);
    free(d->patterns[i].where);
  }
  free(d->patterns);
  for (size_t i = 0; i < d->n_labels; i++)
    free(d->labels[i].text);
  free(d->labels);
  free(d);
}
