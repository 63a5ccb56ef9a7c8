/* SPDX-License-Identifier: MIT */
/* Pairs files for the checker: TSV source<TAB>target, the TSV that `copydesk align` writes
 * (indexes, indexes, score, weak, source, target) and align's JSON beads. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cd_check.h"
#include "cd_lang.h"
#include "cd_lines.h"

static size_t split_tabs(const char *s, size_t n, const char **f, size_t *fl, size_t max) {
  size_t k = 0, start = 0;
  for (size_t i = 0; i <= n && k < max; i++)
    if (i == n || s[i] == '\t') {
      f[k] = s + start;
      fl[k++] = i - start;
      start = i + 1;
    }
  return k;
}

static bool all_of(const char *s, size_t n, const char *set) {
  for (size_t i = 0; i < n; i++)
    if (!s[i] || !strchr(set, s[i]))
      return false;
  return true;
}

/* A line of `copydesk align` TSV: "0,1<TAB>0<TAB>0.981<TAB>0<TAB>source<TAB>target". */
static bool is_align_bead(const char *const *f, const size_t *fl) {
  return all_of(f[0], fl[0], "0123456789,") && all_of(f[1], fl[1], "0123456789,") && fl[2] > 0 &&
         all_of(f[2], fl[2], "0123456789.") && fl[3] == 1 && (f[3][0] == '0' || f[3][0] == '1');
}

static bool has_suffix(const char *s, const char *suf) {
  size_t n = strlen(s), m = strlen(suf);
  return n >= m && strcmp(s + n - m, suf) == 0;
}

/* The whole file: align's JSON is one array. Refuses what cannot be a bead file (> 1 GiB). */
static cd_status read_all(const char *path, cd_buf *out, cd_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return cd_error_set(err, CD_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
  char chunk[65536];
  size_t got;
  cd_status st = CD_OK;
  while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
    if (out->len + got > ((size_t)1 << 30)) {
      st = cd_error_set(err, CD_ERR_INPUT, "%s: larger than 1 GiB: not a bead file", path);
      break;
    }
    if (cd_buf_append(out, chunk, got)) {
      st = cd_error_set(err, CD_ERR_NOMEM, "%s: out of memory", path);
      break;
    }
  }
  if (st == CD_OK && ferror(f))
    st = cd_error_set(err, CD_ERR_IO, "cannot read '%s': %s", path, strerror(errno));
  fclose(f);
  return st;
}

/* Beads from `copydesk align --format json`: [{"src":[…],"tgt":[…],"score",…,"src_text",
 * "tgt_text"}…]; the line of a finding is the bead's number (1-based). */
static cd_status pairs_json(const char *path, const char *src, const char *tgt, cd_check_pair_fn fn,
                            void *ud, cd_error *err) {
  cd_buf data = CD_BUF_INIT;
  cd_status st = read_all(path, &data, err);
  if (st) {
    cd_buf_free(&data);
    return st;
  }
  if (data.len > (size_t)0x7fffffff) {
    cd_buf_free(&data);
    return cd_error_set(err, CD_ERR_INPUT, "%s: too large for a JSON bead file", path);
  }
  json_tokener *tok = json_tokener_new();
  json_object *root = tok ? json_tokener_parse_ex(tok, cd_buf_at(&data, 0), (int)data.len) : NULL;
  if (!tok)
    st = cd_error_set(err, CD_ERR_NOMEM, "%s: out of memory", path);
  else if (!root || !json_object_is_type(root, json_type_array)) {
    enum json_tokener_error je = json_tokener_get_error(tok);
    st = cd_error_set(err, CD_ERR_INPUT, "%s: not a JSON array of beads (%s)", path,
                      root                          ? "the top level is not an array"
                      : je == json_tokener_continue ? "unexpected end of data"
                                                    : json_tokener_error_desc(je));
  } else {
    size_t used = json_tokener_get_parse_end(tok);
    while (used < data.len && memchr(" \t\r\n", cd_buf_at(&data, 0)[used], 4))
      used++;
    if (used < data.len)
      st = cd_error_set(err, CD_ERR_INPUT, "%s: byte %zu: data after the array of beads", path,
                        used);
  }
  size_t n = st ? 0 : json_object_array_length(root);
  for (size_t i = 0; i < n && st == CD_OK; i++) {
    json_object *b = json_object_array_get_idx(root, i), *s, *t;
    if (!json_object_is_type(b, json_type_object) ||
        !json_object_object_get_ex(b, "src_text", &s) ||
        !json_object_object_get_ex(b, "tgt_text", &t) ||
        !json_object_is_type(s, json_type_string) || !json_object_is_type(t, json_type_string)) {
      st = cd_error_set(err, CD_ERR_INPUT, "%s: bead %zu: no src_text/tgt_text strings", path,
                        i + 1);
      break;
    }
    const char *sv = json_object_get_string(s), *tv = json_object_get_string(t);
    size_t sl = (size_t)json_object_get_string_len(s), tl = (size_t)json_object_get_string_len(t);
    if (!sl || !tl)
      continue; /* a sentence left out on one side is not a translation pair */
    if (memchr(sv, '\0', sl) || memchr(tv, '\0', tl)) {
      st = cd_error_set(err, CD_ERR_INPUT, "%s: bead %zu: NUL in the text", path, i + 1);
      break;
    }
    if (!cd_utf8_is_valid(sv, sl) || !cd_utf8_is_valid(tv, tl)) {
      st = cd_error_set(err, CD_ERR_INPUT, "%s: bead %zu: invalid UTF-8", path, i + 1);
      break;
    }
    cd_check_pair p = {sv, sl, tv, tl, src, tgt, path, i + 1};
    cd_error e2;
    if ((st = fn(ud, &p, &e2)))
      cd_error_set(err, st, "%s: bead %zu: %s", path, i + 1, e2.message);
  }
  if (root)
    json_object_put(root);
  if (tok)
    json_tokener_free(tok);
  cd_buf_free(&data);
  return st;
}

cd_status cd_check_pairs_each(const char *path, const char *src_lang, const char *tgt_lang,
                              cd_check_pair_fn fn, void *ud, cd_error *err) {
  if (has_suffix(path, ".json"))
    return pairs_json(path, src_lang, tgt_lang, fn, ud, err);
  cd_lines r;
  cd_status st = cd_lines_open(&r, path, err);
  char *line;
  size_t n;
  /* no comment syntax: '#1 priority' is a sentence, and `tm import` takes it as one */
  while (!st && !(st = cd_lines_next(&r, &line, &n, err)) && line) {
    uint64_t lineno = r.lineno;
    if (n == 0)
      continue;
    size_t bad = cd_utf8_valid_prefix(line, n);
    if (bad < n) {
      st = cd_error_set(err, CD_ERR_INPUT, "%s:%llu: invalid UTF-8 at byte %zu of the line", path,
                        (unsigned long long)lineno, bad);
      break;
    }
    const char *field[8];
    size_t flen[8], nf = split_tabs(line, n, field, flen, 8);
    if (nf < 2) {
      st = cd_error_set(err, CD_ERR_INPUT, "%s:%llu: expected source<TAB>target", path,
                        (unsigned long long)lineno);
      break;
    }
    cd_check_pair p = {field[0], flen[0], field[1], flen[1], src_lang, tgt_lang, path, lineno};
    if (nf >= 6 && is_align_bead(field, flen)) {
      /* copydesk align's TSV: indexes, indexes, score, weak, source, target */
      if (!flen[4] || !flen[5])
        continue; /* a sentence left out on one side is not a translation pair */
      p.source = field[4];
      p.source_len = flen[4];
      p.target = field[5];
      p.target_len = flen[5];
    }
    cd_error e2;
    if ((st = fn(ud, &p, &e2)))
      cd_error_set(err, st, "%s:%llu: %s", path, (unsigned long long)lineno, e2.message);
  }
  cd_lines_close(&r);
  return st;
}

static cd_status add_pair(void *ud, const cd_check_pair *p, cd_error *err) {
  return cd_check_pair_add(ud, p, err);
}

cd_status cd_check_pairs_file(cd_checker *c, const char *path, const char *src_lang,
                              const char *tgt_lang, cd_error *err) {
  return cd_check_pairs_each(path, src_lang, tgt_lang, add_pair, c, err);
}

/* The first 64 KB of each column, one pair a line: a pair is short, its column is not. */
typedef struct columns {
  cd_buf src, tgt;
} columns;

#define CD_COLUMN_SAMPLE (64 * 1024)

static cd_status add_to_columns(void *ud, const cd_check_pair *p, cd_error *err) {
  columns *k = ud;
  cd_status st = CD_OK;
  if (k->src.len < CD_COLUMN_SAMPLE && !(st = cd_buf_append(&k->src, p->source, p->source_len)))
    st = cd_buf_append(&k->src, "\n", 1);
  if (!st && k->tgt.len < CD_COLUMN_SAMPLE &&
      !(st = cd_buf_append(&k->tgt, p->target, p->target_len)))
    st = cd_buf_append(&k->tgt, "\n", 1);
  return st ? cd_error_set(err, st, "out of memory") : CD_OK;
}

cd_status cd_check_pairs_langs(cd_langid *id, const char *path, char src[16], char tgt[16],
                               cd_error *err) {
  columns k = {CD_BUF_INIT, CD_BUF_INIT};
  cd_status st = cd_check_pairs_each(path, "und", "und", add_to_columns, &k, err);
  if (!st) {
    cd_langid_detect(id, cd_buf_at(&k.src, 0), k.src.len, src);
    cd_langid_detect(id, cd_buf_at(&k.tgt, 0), k.tgt.len, tgt);
  }
  cd_buf_free(&k.src);
  cd_buf_free(&k.tgt);
  return st;
}
