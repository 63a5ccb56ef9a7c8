/* SPDX-License-Identifier: MIT */
/* The endpoints of `copydesk serve` as functions from request to reply (serve_api.h). */
#include "serve_api.h"

#include <json-c/json.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cd_fuzzy.h"
#include "cd_lang.h"
#include "cd_normalize.h"
#include "cd_tm_store.h"
#include "cli_glue.h"
#include "serve_internal.h"

/* ---- replies ------------------------------------------------------------------------------ */

void serve_reply_init(serve_reply *r) {
  r->status = 200;
  r->body = (cd_buf)CD_BUF_INIT;
}

void serve_reply_free(serve_reply *r) { cd_buf_free(&r->body); }

const char *serve_reason(int status) {
  switch (status) {
  case 200: return "OK";
  case 400: return "Bad Request";
  case 401: return "Unauthorized";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 413: return "Content Too Large";
  case 415: return "Unsupported Media Type";
  case 422: return "Unprocessable Content";
  case 500: return "Internal Server Error";
  case 503: return "Service Unavailable";
  default: return "Error";
  }
}

void serve_reply_error(serve_reply *r, int status, const char *fmt, ...) {
  char msg[1200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  cd_buf tmp = CD_BUF_INIT;
  json_object *o = json_object_new_object();
  json_object_object_add(o, "status", json_object_new_int(status));
  json_object_object_add(o, "error", json_object_new_string(serve_reason(status)));
  json_object_object_add(o, "message", json_object_new_string(cd_utf8_make_valid(msg, &tmp)));
  r->status = status;
  serve_reply_json(r, o);
  json_object_put(o);
  cd_buf_free(&tmp);
}

void serve_reply_json(serve_reply *r, json_object *o) {
  cd_buf_clear(&r->body);
  const char *s =
      json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
  if (!s || cd_buf_append_str(&r->body, s) || cd_buf_append_str(&r->body, "\n")) {
    r->status = 500;
    cd_buf_clear(&r->body);
  }
}

/* The status for a library error: the caller's input (422), a busy or failing store (503),
 * anything else (500). */
int serve_status_of(cd_status st) {
  switch (st) {
  case CD_ERR_INPUT:
  case CD_ERR_USAGE: return 422;
  case CD_ERR_DB: return 503;
  default: return 500;
  }
}

/* ---- contexts and their pool ------------------------------------------------------------ */

static cd_status open_names(serve_ctx *x, cd_error *err) {
  const serve_config *c = x->cfg;
  bool have_db = false;
  cd_status st = cd_names_open_dir(c->data_dir ? c->data_dir : ".", c->names_db, c->house,
                                   &x->names, &have_db, err);
  if (!st && x->names) {
    cd_names_scan_options so;
    cd_names_scan_options_init(&so);
    so.data_dir = c->data_dir;
    st = cd_names_scanner_new(x->names, &so, &x->scanner, err);
  }
  /* what /v1/health names: the store, a URL without its password */
  if (!st && have_db) {
    char *label = cd_pg_is_url(c->names_db) ? cd_pg_url_redact(c->names_db) : NULL;
    if (c->names_db)
      snprintf(x->names_path, sizeof x->names_path, "%s", label ? label : c->names_db);
    else
      snprintf(x->names_path, sizeof x->names_path, "%s/names.sqlite",
               c->data_dir ? c->data_dir : ".");
    free(label);
  }
  return st;
}

cd_status serve_ctx_new(const serve_config *cfg, serve_ctx **out, cd_error *err) {
  serve_ctx *x = calloc(1, sizeof *x);
  *out = NULL;
  if (!x)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  x->cfg = cfg;
  cd_tm_store_options o;
  cd_tm_store_options_init(&o);
  if (cfg->busy_timeout_ms >= 0)
    o.busy_timeout_ms = cfg->busy_timeout_ms;
  cd_status st = cd_tm_store_new(cfg->tm_path, &o, &x->tm, err);
  if (!st)
    st = open_names(x, err);
  if (st) {
    serve_ctx_free(x);
    return st;
  }
  *out = x;
  return CD_OK;
}

void serve_ctx_free(serve_ctx *x) {
  if (!x)
    return;
  cd_normalizer_free(x->nz);
  cd_normalizer_free(x->nz_check);
  cd_langid_free(x->langid);
  cd_names_scanner_free(x->scanner);
  cd_names_free(x->names);
  cd_tm_store_free(x->tm);
  free(x);
}

struct serve_pool {
  pthread_mutex_t mu;
  const serve_config *cfg;
  serve_ctx **idle;
  size_t n_idle, cap;
};

cd_status serve_pool_new(const serve_config *cfg, serve_pool **out, cd_error *err) {
  serve_pool *p = calloc(1, sizeof *p);
  *out = NULL;
  if (!p)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  pthread_mutex_init(&p->mu, NULL);
  p->cfg = cfg;
  serve_ctx *first = serve_pool_take(p, err);
  if (!first) {
    serve_pool_free(p);
    return err && err->status ? err->status : CD_ERR_INTERNAL;
  }
  serve_pool_give(p, first);
  *out = p;
  return CD_OK;
}

serve_ctx *serve_pool_take(serve_pool *p, cd_error *err) {
  serve_ctx *x = NULL;
  pthread_mutex_lock(&p->mu);
  if (p->n_idle)
    x = p->idle[--p->n_idle];
  pthread_mutex_unlock(&p->mu);
  if (!x && serve_ctx_new(p->cfg, &x, err))
    return NULL;
  return x;
}

void serve_pool_give(serve_pool *p, serve_ctx *x) {
  if (!x)
    return;
  pthread_mutex_lock(&p->mu);
  if (p->n_idle == p->cap) {
    size_t cap = p->cap ? 2 * p->cap : 8;
    serve_ctx **v = realloc(p->idle, cap * sizeof *v);
    if (!v) {
      pthread_mutex_unlock(&p->mu);
      serve_ctx_free(x); /* cannot keep it: closed, a new one opens on demand */
      return;
    }
    p->idle = v;
    p->cap = cap;
  }
  p->idle[p->n_idle++] = x;
  pthread_mutex_unlock(&p->mu);
}

void serve_pool_free(serve_pool *p) {
  if (!p)
    return;
  for (size_t i = 0; i < p->n_idle; i++)
    serve_ctx_free(p->idle[i]);
  free(p->idle);
  pthread_mutex_destroy(&p->mu);
  free(p);
}

/* ---- request bodies ------------------------------------------------------------------------- */

json_object *serve_parse_object(const char *body, size_t len, serve_reply *r) {
  json_tokener *tok = json_tokener_new();
  if (!tok) {
    serve_reply_error(r, 500, "out of memory");
    return NULL;
  }
  json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
  json_object *o = len ? json_tokener_parse_ex(tok, body, (int)len) : NULL;
  enum json_tokener_error e = json_tokener_get_error(tok);
  size_t end = json_tokener_get_parse_end(tok);
  json_tokener_free(tok);
  while (o && end < len && strchr(" \t\r\n", body[end]))
    end++;
  if (!o || e != json_tokener_success || end != len) {
    serve_reply_error(r, 400, "the body is not valid JSON%s%s", o || !len ? "" : ": ",
                      o || !len ? (len ? " (text after the value)" : " (empty body)")
                                : json_tokener_error_desc(e));
    json_object_put(o);
    return NULL;
  }
  if (!json_object_is_type(o, json_type_object)) {
    serve_reply_error(r, 400, "the body must be a JSON object");
    json_object_put(o);
    return NULL;
  }
  return o;
}

int serve_get_string(json_object *o, const char *key, bool required, const char **out,
                     serve_reply *r) {
  json_object *v;
  *out = NULL;
  if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null)) {
    if (required)
      serve_reply_error(r, 400, "missing field '%s'", key);
    return required ? -1 : 0;
  }
  if (!json_object_is_type(v, json_type_string)) {
    serve_reply_error(r, 400, "field '%s' must be a string", key);
    return -1;
  }
  const char *s = json_object_get_string(v);
  if (strlen(s) != (size_t)json_object_get_string_len(v)) {
    serve_reply_error(r, 400, "field '%s' holds a NUL character", key);
    return -1;
  }
  if (required && !*s) {
    serve_reply_error(r, 400, "field '%s' is empty", key);
    return -1;
  }
  *out = s;
  return 0;
}

/* An optional integer field within [lo, hi]: *out keeps its default when absent. */
static int get_int(json_object *o, const char *key, long lo, long hi, long *out, serve_reply *r) {
  json_object *v;
  if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
    return 0;
  if (!json_object_is_type(v, json_type_int)) {
    serve_reply_error(r, 400, "field '%s' must be an integer", key);
    return -1;
  }
  int64_t n = json_object_get_int64(v);
  if (n < lo || n > hi) {
    serve_reply_error(r, 422, "field '%s' must be from %ld to %ld, not %lld", key, lo, hi,
                      (long long)n);
    return -1;
  }
  *out = (long)n;
  return 0;
}

static int get_bool(json_object *o, const char *key, bool *out, serve_reply *r) {
  json_object *v;
  if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
    return 0;
  if (!json_object_is_type(v, json_type_boolean)) {
    serve_reply_error(r, 400, "field '%s' must be true or false", key);
    return -1;
  }
  *out = json_object_get_boolean(v);
  return 0;
}

/* A language tag copydesk accepts (422 otherwise); with `styled`, also one it has a house
 * style for (the languages its stages and checks know). */
int serve_check_lang(const serve_ctx *x, const char *field, const char *tag, bool styled,
                     serve_reply *r) {
  if (!cd_lang_tag_valid(tag)) {
    serve_reply_error(r, 422, "%s: invalid language tag '%s' (expected e.g. en, fr, de, uk, ru)",
                      field, tag);
    return -1;
  }
  if (!styled || !x->cfg->data_dir)
    return 0;
  char primary[16], path[4200];
  size_t n = strcspn(tag, "-_");
  for (size_t i = 0; i <= n && i < sizeof primary; i++) /* the tag is ASCII (cd_lang_tag_valid) */
    primary[i] = i == n ? '\0' : (tag[i] >= 'A' && tag[i] <= 'Z') ? (char)(tag[i] + 32) : tag[i];
  primary[sizeof primary - 1] = '\0';
  snprintf(path, sizeof path, "%s/styles/%s.tsv", x->cfg->data_dir, primary);
  if (access(path, R_OK) != 0) {
    serve_reply_error(r, 422, "%s: unknown language '%s' (no house style for it)", field, tag);
    return -1;
  }
  return 0;
}

/* ---- POST /v1/normalize ------------------------------------------------------------------ */

cd_normalizer *serve_normalizer(serve_ctx *x, bool check, cd_error *err) {
  cd_normalizer **nz = check ? &x->nz_check : &x->nz;
  if (*nz)
    return *nz;
  cd_normalize_options o;
  cd_normalize_options_init(&o);
  o.data_dir = x->cfg->data_dir;
  o.house_file = x->cfg->house;
  o.names_db = x->cfg->names_db;
  if (check) /* as `copydesk check` reads an article: decoded and repaired, not restyled */
    o.stages = CD_STAGE_DECODE | CD_STAGE_MOJIBAKE | CD_STAGE_UNICODE;
  return cd_normalizer_new(&o, nz, err) ? NULL : *nz;
}

/* The change log, one JSON Lines record a change (cd_change_to_json), as an array. */
static json_object *changes_array(const cd_buf *log) {
  json_object *arr = json_object_new_array();
  const char *p = cd_buf_at(log, 0), *end = p + log->len;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    json_tokener *tok = json_tokener_new();
    json_object *rec = tok ? json_tokener_parse_ex(tok, p, (int)n) : NULL;
    json_tokener_free(tok);
    if (rec)
      json_object_array_add(arr, rec);
    p += n + 1;
  }
  return arr;
}

json_object *serve_text_request(serve_ctx *x, const char *body, size_t len, serve_reply *r,
                                const char **text, const char **lang, const char **file) {
  json_object *req = serve_parse_object(body, len, r);
  if (!req)
    return NULL;
  if (serve_get_string(req, "text", true, text, r) ||
      serve_get_string(req, "lang", false, lang, r) ||
      serve_get_string(req, "file", false, file, r) ||
      (*lang && strcmp(*lang, "auto") != 0 && serve_check_lang(x, "lang", *lang, true, r))) {
    json_object_put(req);
    return NULL;
  }
  if (*lang && strcmp(*lang, "auto") == 0)
    *lang = NULL;
  return req;
}

void serve_normalize(serve_ctx *x, const char *body, size_t len, serve_reply *r) {
  const char *text, *lang, *file;
  json_object *req = serve_text_request(x, body, len, r, &text, &lang, &file);
  if (!req)
    return;
  cd_error err;
  cd_error_clear(&err);
  cd_buf out = CD_BUF_INIT, log = CD_BUF_INIT;
  cd_normalize_report rep;
  cd_normalizer *nz = serve_normalizer(x, false, &err);
  cd_status st = nz ? cd_normalizer_buffer(nz, file ? file : "request", lang, text, strlen(text),
                                           &out, &log, &rep, &err)
                    : CD_ERR_DATA;
  if (st) {
    serve_reply_error(r, serve_status_of(st), "%s", err.message);
  } else {
    json_object *o = json_object_new_object();
    json_object_object_add(o, "text", json_object_new_string_len(cd_buf_at(&out, 0), (int)out.len));
    json_object_object_add(o, "lang", json_object_new_string(rep.lang));
    json_object_object_add(o, "lang_detected", json_object_new_boolean(rep.lang_detected));
    json_object_object_add(o, "charset", json_object_new_string(rep.charset));
    json_object_object_add(o, "edits", json_object_new_int64((int64_t)rep.edits));
    json_object_object_add(o, "changes", changes_array(&log));
    serve_reply_json(r, o);
    json_object_put(o);
  }
  cd_buf_free(&out);
  cd_buf_free(&log);
  json_object_put(req);
}

/* ---- GET /v1/names/lookup ------------------------------------------------------------------ */

void serve_names_lookup(serve_ctx *x, const char *q, const char *lang, const char *all,
                        serve_reply *r) {
  if (!q || !*q) {
    serve_reply_error(r, 400, "missing query argument 'q'");
    return;
  }
  if (!cd_utf8_is_valid(q, strlen(q))) {
    serve_reply_error(r, 400, "'q' is not valid UTF-8");
    return;
  }
  if (!lang || !*lang)
    lang = "en";
  if (serve_check_lang(x, "lang", lang, false, r))
    return;
  if (!x->names) {
    serve_reply_error(r, 503, "no names store (give --names-db)");
    return;
  }
  bool every = all && (strcmp(all, "1") == 0 || strcmp(all, "true") == 0);
  cd_error err;
  cd_error_clear(&err);
  bool confident = false;
  json_object *o = cli_names_lookup_json(x->names, x->scanner, x->cfg->data_dir, q, lang, every,
                                         0.9, &confident, &err);
  if (!o) {
    serve_reply_error(r, 500, "%s", err.message);
    return;
  }
  serve_reply_json(r, o);
  json_object_put(o);
}

/* ---- POST /v1/tm/lookup -------------------------------------------------------------------- */

void serve_tm_lookup(serve_ctx *x, const char *body, size_t len, serve_reply *r) {
  json_object *req = serve_parse_object(body, len, r);
  if (!req)
    return;
  const char *query, *src, *tgt;
  long max = -1, min = -1;
  bool names = true;
  if (serve_get_string(req, "query", true, &query, r) ||
      serve_get_string(req, "src_lang", false, &src, r) ||
      serve_get_string(req, "tgt_lang", false, &tgt, r) ||
      get_int(req, "max", 1, 100000, &max, r) || get_int(req, "min", 0, 100, &min, r) ||
      get_bool(req, "names", &names, r) ||
      (src && serve_check_lang(x, "src_lang", src, false, r)) ||
      (tgt && serve_check_lang(x, "tgt_lang", tgt, false, r))) {
    json_object_put(req);
    return;
  }
  cd_fuzzy_options o;
  cd_fuzzy_options_init(&o);
  if (max > 0)
    o.max_results = (size_t)max;
  if (min >= 0)
    o.min_score = (int)min;
  o.src_lang = src;
  o.tgt_lang = tgt;
  cli_tm_names g;
  if (names && x->names) {
    cli_tm_names_borrow(&g, x->names, x->scanner);
    cli_tm_names_use(&g, &o);
  }
  cd_fuzzy_results *res = NULL;
  cd_error err;
  cd_error_clear(&err);
  cd_status st = cd_fuzzy_lookup(x->tm, query, strlen(query), &o, &res, &err);
  if (st) {
    serve_reply_error(r, serve_status_of(st), "%s", err.message);
  } else {
    json_object *out = cli_tm_results_json(query, res);
    serve_reply_json(r, out);
    json_object_put(out);
  }
  cd_fuzzy_results_free(res);
  json_object_put(req);
}

/* ---- POST /v1/tm/units ---------------------------------------------------------------------- */

/* Reads unit i of the request into u (strings borrowed from the request). */
static int read_unit(serve_ctx *x, json_object *v, size_t i, cd_tm_unit *u, serve_reply *r) {
  cd_tm_unit_init(u);
  if (!json_object_is_type(v, json_type_object)) {
    serve_reply_error(r, 400, "units[%zu] must be an object", i);
    return -1;
  }
  json_object *score;
  if (serve_get_string(v, "source", true, &u->source, r) ||
      serve_get_string(v, "target", true, &u->target, r) ||
      serve_get_string(v, "src_lang", true, &u->src_lang, r) ||
      serve_get_string(v, "tgt_lang", true, &u->tgt_lang, r) ||
      serve_get_string(v, "origin", false, &u->origin_doc, r) ||
      serve_check_lang(x, "src_lang", u->src_lang, false, r) ||
      serve_check_lang(x, "tgt_lang", u->tgt_lang, false, r))
    return -1;
  if (json_object_object_get_ex(v, "score", &score) &&
      !json_object_is_type(score, json_type_null)) {
    double d = json_object_get_double(score);
    if (!(json_object_is_type(score, json_type_double) ||
          json_object_is_type(score, json_type_int)) ||
        d < 0 || d > 1) {
      serve_reply_error(r, 422, "units[%zu].score must be a number from 0 to 1", i);
      return -1;
    }
    u->score = d;
  }
  if (!u->origin_doc)
    u->origin_doc = "copydesk serve";
  return 0;
}

void serve_tm_units(serve_ctx *x, const char *body, size_t len, serve_reply *r) {
  json_object *req = serve_parse_object(body, len, r), *arr;
  if (!req)
    return;
  if (!json_object_object_get_ex(req, "units", &arr) ||
      !json_object_is_type(arr, json_type_array)) {
    serve_reply_error(r, 400, "missing field 'units' (an array of units)");
    json_object_put(req);
    return;
  }
  size_t n = json_object_array_length(arr);
  cd_tm_unit *units = n ? calloc(n, sizeof *units) : NULL;
  if (n == 0)
    serve_reply_error(r, 422, "'units' is empty");
  else if (!units)
    serve_reply_error(r, 500, "out of memory");
  size_t i = 0;
  while (units && i < n && !read_unit(x, json_object_array_get_idx(arr, i), i, &units[i], r))
    i++;
  if (units && i == n) {
    cd_tm_add_counts c = {0, 0, 0};
    cd_error err;
    cd_error_clear(&err);
    cd_status st = cd_tm_store_add_units(x->tm, units, n, -1, &c, &err);
    if (st) {
      serve_reply_error(r, serve_status_of(st), "%s; nothing added", err.message);
    } else {
      json_object *o = json_object_new_object();
      json_object_object_add(o, "added", json_object_new_int64((int64_t)c.added));
      json_object_object_add(o, "merged", json_object_new_int64((int64_t)c.merged));
      json_object_object_add(o, "skipped", json_object_new_int64((int64_t)c.skipped));
      serve_reply_json(r, o);
      json_object_put(o);
    }
  }
  free(units);
  json_object_put(req);
}

/* ---- GET /v1/health -------------------------------------------------------------------------- */

void serve_health(serve_ctx *x, serve_reply *r) {
  json_object *o = json_object_new_object();
  json_object_object_add(o, "status", json_object_new_string("ok"));
  json_object_object_add(o, "version", json_object_new_string(CD_VERSION));
  json_object_object_add(o, "tm", json_object_new_string(cd_tm_store_path(x->tm)));
  json_object_object_add(o, "names",
                         x->names_path[0] ? json_object_new_string(x->names_path) : NULL);
  serve_reply_json(r, o);
  json_object_put(o);
}

size_t serve_utf16_units(const char *s, size_t len) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char b = (unsigned char)s[i];
    if ((b & 0xC0) != 0x80)
      n += b >= 0xF0 ? 2 : 1; /* a 4-byte sequence is a surrogate pair in UTF-16 */
  }
  return n;
}
