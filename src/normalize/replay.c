/* SPDX-License-Identifier: MIT */
/* Replaying a change log: applies the records of each stage, in pipeline order, to the
 * text that stage received, checking every offset and every `before` on the way. A log that
 * replays to the output is a log a reviewer can trust. */
#include "cd_normalize.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

static const char *const stage_order[] = {"decode",     "mojibake",    "unicode",
                                          "typography", "boilerplate", "names"};
#define N_ORDER (sizeof stage_order / sizeof stage_order[0])

int cd_change_stage_rank(const char *stage) {
  for (size_t k = 0; k < N_ORDER; k++)
    if (strcmp(stage, stage_order[k]) == 0)
      return (int)k;
  return -1;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static bool get_u64(json_object *o, const char *k, uint64_t *v) {
  json_object *x;
  if (!json_object_object_get_ex(o, k, &x) || !json_object_is_type(x, json_type_int))
    return false;
  int64_t i = json_object_get_int64(x);
  if (i < 0)
    return false;
  *v = (uint64_t)i;
  return true;
}

/* Applies the records of one stage to cur, result into next. */
static cd_status apply_stage(json_object **recs, size_t n, const char *cur, size_t cur_len,
                             cd_buf *next, cd_error *err) {
  uint64_t pos = 0;
  cd_buf_clear(next);
  cd_buf before = CD_BUF_INIT;
  cd_status st = CD_OK;
  for (size_t k = 0; k < n && !st; k++) {
    json_object *r = recs[k], *x;
    uint64_t is, ie, os, oe;
    if (!get_u64(r, "in_start", &is) || !get_u64(r, "in_end", &ie) ||
        !get_u64(r, "out_start", &os) || !get_u64(r, "out_end", &oe) || ie < is || oe < os ||
        is < pos || ie > cur_len) {
      st = cd_error_set(err, CD_ERR_INPUT, "change log: record %zu: bad offsets", k);
      break;
    }
    if (cd_buf_append(next, cur + pos, (size_t)(is - pos))) {
      st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
      break;
    }
    if (next->len != os) {
      st = cd_error_set(err, CD_ERR_INPUT,
                        "change log: record %zu: out_start %llu but replay is at %zu", k,
                        (unsigned long long)os, next->len);
      break;
    }
    cd_buf_clear(&before);
    cd_status bs = CD_OK;
    if (json_object_object_get_ex(r, "before_hex", &x)) {
      const char *h = json_object_get_string(x);
      size_t hl = strlen(h);
      for (size_t i = 0; i + 1 < hl; i += 2) {
        char b = (char)(hexval(h[i]) * 16 + hexval(h[i + 1]));
        CD_CHAIN(bs, cd_buf_append(&before, &b, 1));
      }
    } else if (json_object_object_get_ex(r, "before", &x)) {
      bs = cd_buf_append(&before, json_object_get_string(x), (size_t)json_object_get_string_len(x));
    }
    if (bs) {
      st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
      break;
    }
    if (before.len != ie - is || (before.len && memcmp(before.data, cur + is, before.len))) {
      st = cd_error_set(err, CD_ERR_INPUT,
                        "change log: record %zu: 'before' does not match the "
                        "text at %llu",
                        k, (unsigned long long)is);
      break;
    }
    if (!json_object_object_get_ex(r, "after", &x)) {
      st = cd_error_set(err, CD_ERR_INPUT, "change log: record %zu: no 'after'", k);
      break;
    }
    if (cd_buf_append(next, json_object_get_string(x), (size_t)json_object_get_string_len(x))) {
      st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
      break;
    }
    if (next->len != oe) {
      st = cd_error_set(err, CD_ERR_INPUT, "change log: record %zu: out_end mismatch", k);
      break;
    }
    pos = ie;
  }
  if (!st)
    st = cd_buf_append(next, cur + pos, cur_len - (size_t)pos);
  cd_buf_free(&before);
  return st;
}

cd_status cd_change_log_replay(const char *in, size_t in_len, const char *log, size_t log_len,
                               cd_buf *out, cd_error *err) {
  size_t cap = 64, n = 0;
  json_object **recs = malloc(cap * sizeof *recs);
  if (!recs)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  cd_status st = CD_OK;
  size_t line = 0;
  for (size_t i = 0; i < log_len && !st;) {
    const char *nl = memchr(log + i, '\n', log_len - i);
    size_t end = nl ? (size_t)(nl - log) : log_len;
    line++;
    if (end > i) {
      json_tokener *tok = json_tokener_new();
      json_object *o = tok ? json_tokener_parse_ex(tok, log + i, (int)(end - i)) : NULL;
      if (tok)
        json_tokener_free(tok);
      if (!o || !json_object_is_type(o, json_type_object)) {
        if (o)
          json_object_put(o);
        st = cd_error_set(err, CD_ERR_INPUT, "change log: line %zu: not a JSON object", line);
        break;
      }
      if (n == cap) {
        json_object **p = realloc(recs, 2 * cap * sizeof *p);
        if (!p) {
          json_object_put(o);
          st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
          break;
        }
        recs = p;
        cap *= 2;
      }
      recs[n++] = o;
    }
    i = end + 1;
  }
  cd_buf a = CD_BUF_INIT, b = CD_BUF_INIT;
  if (!st)
    st = cd_buf_append(&a, in, in_len);
  json_object **sel = st ? NULL : malloc((n ? n : 1) * sizeof *sel);
  if (!st && !sel)
    st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  for (size_t s = 0; s < N_ORDER && !st; s++) {
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
      json_object *x;
      if (json_object_object_get_ex(recs[k], "stage", &x) &&
          strcmp(json_object_get_string(x), stage_order[s]) == 0)
        sel[m++] = recs[k];
    }
    if (!m)
      continue;
    st = apply_stage(sel, m, a.data ? a.data : "", a.len, &b, err);
    cd_buf tmp = a;
    a = b;
    b = tmp;
  }
  if (!st) {
    cd_buf_clear(out);
    st = cd_buf_append(out, a.data ? a.data : "", a.len);
  }
  free(sel);
  cd_buf_free(&a);
  cd_buf_free(&b);
  for (size_t k = 0; k < n; k++)
    json_object_put(recs[k]);
  free(recs);
  return st;
}
