/* SPDX-License-Identifier: MIT */
/* serve_api.h — what `copydesk serve` answers, without HTTP: each endpoint is a function
 * from a request (a JSON body, query arguments or form fields) to a reply (an HTTP status
 * and a JSON body), so that the answers can be tested without a socket and the HTTP glue
 * (serve_http.c, libmicrohttpd) stays thin.
 *
 * The TM and the names store are reached only through their modules' functions
 * (cd_tm_store_*, cd_fuzzy_*, cd_names_*), never by SQL: a second backend behind those
 * functions serves the same endpoints. Library handles are not shared between threads: each
 * worker takes a context (its own TM connection, names store, scanner and normalizers) from
 * a pool for the length of one request. */
#ifndef CD_SERVE_API_H
#define CD_SERVE_API_H

#include <stdbool.h>
#include <stddef.h>

#include "cd_text.h"

typedef struct serve_config {
  const char *data_dir; /* dictionaries (styles, translit, langid, check lists) */
  const char *tm_path;  /* the TM (created when missing) */
  const char *names_db; /* the names store, a path or a PostgreSQL URL; NULL:
                           data_dir/names.sqlite when present */
  const char *house;    /* house names overlay, NULL = none */
  int busy_timeout_ms;  /* how long a TM write waits for another writer */
} serve_config;

/* One worker's handles. Opened eagerly (TM, names store) so that a bad path fails at once. */
typedef struct serve_ctx serve_ctx;
cd_status serve_ctx_new(const serve_config *cfg, serve_ctx **out, cd_error *err);
void serve_ctx_free(serve_ctx *x);

/* Contexts for up to `max` concurrent requests, created on demand and reused. new opens the
 * first one (errors in paths show at start-up). take returns NULL (err) when a context
 * cannot be opened. */
typedef struct serve_pool serve_pool;
cd_status serve_pool_new(const serve_config *cfg, serve_pool **out, cd_error *err);
serve_ctx *serve_pool_take(serve_pool *p, cd_error *err);
void serve_pool_give(serve_pool *p, serve_ctx *x);
void serve_pool_free(serve_pool *p);

typedef struct serve_reply {
  int status;  /* HTTP status */
  cd_buf body; /* JSON */
} serve_reply;

void serve_reply_init(serve_reply *r);
void serve_reply_free(serve_reply *r);
/* An error reply: {"status":N,"error":"Reason Phrase","message":"..."}. */
void serve_reply_error(serve_reply *r, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The reason phrase of a status code ("Bad Request"). */
const char *serve_reason(int status);

/* POST /v1/normalize: {"text", "lang"?, "file"?} → {"text", "lang", "lang_detected",
 * "charset", "edits", "changes":[change-log records as `normalize --changes` writes]}. */
void serve_normalize(serve_ctx *x, const char *body, size_t len, serve_reply *r);
/* GET /v1/names/lookup?q=&lang=&all= → what `names lookup --format json` prints. */
void serve_names_lookup(serve_ctx *x, const char *q, const char *lang, const char *all,
                        serve_reply *r);
/* POST /v1/tm/lookup: {"query", "src_lang"?, "tgt_lang"?, "max"?, "min"?, "names"?} →
 * what `tm lookup --format json` prints. */
void serve_tm_lookup(serve_ctx *x, const char *body, size_t len, serve_reply *r);
/* POST /v1/tm/units: {"units":[{"source","target","src_lang","tgt_lang","origin"?,
 * "score"?}]} → {"added","merged","skipped"}; all units in one transaction. */
void serve_tm_units(serve_ctx *x, const char *body, size_t len, serve_reply *r);
/* POST /v1/check: {"text", "lang"?, "file"?, "disable"?:[ids]} → what `check --format
 * json` prints for that text as an article. */
void serve_check(serve_ctx *x, const char *body, size_t len, serve_reply *r);

/* POST /v2/check, LanguageTool's API: form fields text or data (JSON annotation), language
 * ("auto" or a tag), disabledRules (comma-separated check ids). NULL = field absent. */
typedef struct serve_lt_request {
  const char *text, *data, *language, *disabled_rules;
  size_t text_len, data_len;
} serve_lt_request;
void serve_lt_check(serve_ctx *x, const serve_lt_request *q, serve_reply *r);

/* GET /v2/languages, LanguageTool's: [{"name","code","longCode"}] for the languages copydesk
 * has a house style for. */
void serve_lt_languages(serve_ctx *x, serve_reply *r);

/* GET /v1/health → {"status":"ok","version","tm","names"}. */
void serve_health(serve_ctx *x, serve_reply *r);

/* UTF-16 code units in UTF-8 text (as Java's String.length() counts): LanguageTool's
 * offsets and lengths. */
size_t serve_utf16_units(const char *s, size_t len);

#endif
