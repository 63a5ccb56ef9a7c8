/* SPDX-License-Identifier: MIT */
/* The public API of include/copydesk/copydesk.h, a thin layer over cd_normalize_stream():
 * the text and the change log are collected into one result object. */
#include "copydesk/copydesk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cd_normalize.h"
#include "cd_text.h"

/* The strings of an edit, as offsets into the result's string pool while it grows (NO_STR:
 * NULL); turned into pointers once the run is over. */
enum { STR_STAGE, STR_RULE, STR_BEFORE, STR_AFTER, STR_SUGGESTION, STR_WHY, STR_COUNT };
#define NO_STR ((size_t)-1)

struct cd_normalized {
  cd_buf text;
  cd_buf log;     /* JSON Lines */
  cd_buf strings; /* every edit's strings, each NUL-terminated */
  cd_logged_change *changes;
  size_t (*offs)[STR_COUNT];
  size_t n, cap;
  char lang[16];
};

const char *cd_version(void) { return CD_LIB_VERSION; }

const char *cd_data_dir_installed(void) { return CD_INSTALL_DATA_DIR; }

static cd_status write_text(void *ud, const char *p, size_t n, cd_error *err) {
  cd_normalized *r = ud;
  return cd_buf_append(&r->text, p, n) ? cd_error_set(err, CD_ERR_NOMEM, "out of memory") : CD_OK;
}

/* Appends s (n bytes, or strlen when n is NO_STR) and a NUL to the pool; *off its place. */
static cd_status pool_add(cd_normalized *r, const char *s, size_t n, size_t *off) {
  if (!s) {
    *off = NO_STR;
    return CD_OK;
  }
  *off = r->strings.len;
  if (cd_buf_append(&r->strings, s, n == NO_STR ? strlen(s) : n) ||
      cd_buf_append(&r->strings, "", 1))
    return CD_ERR_NOMEM;
  return CD_OK;
}

static cd_status grow_changes(cd_normalized *r) {
  if (r->n < r->cap)
    return CD_OK;
  size_t cap = r->cap ? r->cap * 2 : 16;
  cd_logged_change *c = realloc(r->changes, cap * sizeof *c);
  if (!c)
    return CD_ERR_NOMEM;
  r->changes = c;
  size_t(*o)[STR_COUNT] = realloc(r->offs, cap * sizeof *o);
  if (!o)
    return CD_ERR_NOMEM;
  r->offs = o;
  r->cap = cap;
  return CD_OK;
}

static cd_status collect_change(void *ud, const cd_change *c, cd_error *err) {
  cd_normalized *r = ud;
  if (cd_change_to_json(c, &r->log) || grow_changes(r))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  size_t *o = r->offs[r->n];
  if (pool_add(r, c->stage, NO_STR, &o[STR_STAGE]) || pool_add(r, c->rule, NO_STR, &o[STR_RULE]) ||
      pool_add(r, c->before ? c->before : "", c->before_len, &o[STR_BEFORE]) ||
      pool_add(r, c->after ? c->after : "", c->after_len, &o[STR_AFTER]) ||
      pool_add(r, c->suggestion, NO_STR, &o[STR_SUGGESTION]) ||
      pool_add(r, c->why, NO_STR, &o[STR_WHY]))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  cd_logged_change *e = &r->changes[r->n++];
  memset(e, 0, sizeof *e);
  e->in_start = c->in_start;
  e->in_end = c->in_end;
  e->out_start = c->out_start;
  e->out_end = c->out_end;
  e->before_len = c->before_len;
  e->before_is_raw = c->before_is_raw;
  e->after_len = c->after_len;
  e->confidence = c->confidence;
  return CD_OK;
}

static const char *pool_at(const cd_normalized *r, size_t off) {
  return off == NO_STR ? NULL : cd_buf_at(&r->strings, off);
}

/* The pool is complete: the edits' strings become pointers into it. */
static void resolve_strings(cd_normalized *r) {
  for (size_t i = 0; i < r->n; i++) {
    cd_logged_change *e = &r->changes[i];
    e->stage = pool_at(r, r->offs[i][STR_STAGE]);
    e->rule = pool_at(r, r->offs[i][STR_RULE]);
    e->before = pool_at(r, r->offs[i][STR_BEFORE]);
    e->after = pool_at(r, r->offs[i][STR_AFTER]);
    e->suggestion = pool_at(r, r->offs[i][STR_SUGGESTION]);
    e->why = pool_at(r, r->offs[i][STR_WHY]);
  }
}

cd_status cd_normalize_text(const char *text, size_t len, const char *lang, const char *data_dir,
                            cd_normalized **out, cd_error *err) {
  if (!out || (!text && len))
    return cd_error_set(err, CD_ERR_USAGE, "cd_normalize_text: no text or no result pointer");
  *out = NULL;
  cd_normalized *r = calloc(1, sizeof *r);
  if (!r)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  cd_normalize_options o;
  cd_normalize_options_init(&o);
  o.lang = lang;
  o.data_dir = data_dir ? data_dir : CD_INSTALL_DATA_DIR;
  cd_mem_in in = {text, len, 0};
  cd_normalize_report rep;
  cd_status st =
      cd_normalize_stream(&o, cd_mem_read, &in, write_text, r, collect_change, r, &rep, err);
  if (st) {
    cd_normalized_free(r);
    return st;
  }
  snprintf(r->lang, sizeof r->lang, "%s", rep.lang[0] ? rep.lang : "und");
  resolve_strings(r);
  *out = r;
  return CD_OK;
}

const char *cd_normalized_text(const cd_normalized *n, size_t *len) {
  if (len)
    *len = n->text.len;
  return cd_buf_at(&n->text, 0);
}

const char *cd_normalized_lang(const cd_normalized *n) { return n->lang; }

size_t cd_normalized_change_count(const cd_normalized *n) { return n->n; }

const cd_logged_change *cd_normalized_change(const cd_normalized *n, size_t i) {
  return i < n->n ? &n->changes[i] : NULL;
}

const char *cd_normalized_change_log(const cd_normalized *n, size_t *len) {
  if (len)
    *len = n->log.len;
  return cd_buf_at(&n->log, 0);
}

void cd_normalized_free(cd_normalized *n) {
  if (!n)
    return;
  cd_buf_free(&n->text);
  cd_buf_free(&n->log);
  cd_buf_free(&n->strings);
  free(n->changes);
  free(n->offs);
  free(n);
}
