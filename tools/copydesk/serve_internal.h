/* SPDX-License-Identifier: MIT */
/* serve_internal.h — what serve_api.c and serve_check.c share. */
#ifndef CD_SERVE_INTERNAL_H
#define CD_SERVE_INTERNAL_H

#include <json-c/json.h>

#include "cd_lang.h"
#include "cd_names.h"
#include "cd_normalize.h"
#include "cd_tm_store.h"
#include "serve_api.h"

struct serve_ctx {
  const serve_config *cfg;
  cd_tm_store *tm;
  cd_names *names;           /* NULL: no names store */
  cd_names_scanner *scanner; /* over names */
  char names_path[4200];
  cd_normalizer *nz;       /* normalize: every stage (opened on first use) */
  cd_normalizer *nz_check; /* check: decode, mojibake, Unicode, as `copydesk check` reads */
  cd_langid *langid;       /* LanguageTool's language=auto */
};

void serve_reply_json(serve_reply *r, json_object *o);
int serve_status_of(cd_status st);
/* The body as a JSON object; NULL with a 400 reply otherwise. */
json_object *serve_parse_object(const char *body, size_t len, serve_reply *r);
/* A string field: -1 with a 400 reply when missing (and required), empty (and required),
 * not a string or holding a NUL; *out NULL when absent. */
int serve_get_string(json_object *o, const char *key, bool required, const char **out,
                     serve_reply *r);
int serve_check_lang(const serve_ctx *x, const char *field, const char *tag, bool styled,
                     serve_reply *r);
cd_normalizer *serve_normalizer(serve_ctx *x, bool check, cd_error *err);
/* A request of text: {"text" (required), "lang" (a tag or "auto", then *lang NULL), "file"}.
 * The parsed object (the strings live in it; json_object_put when done), or NULL with a
 * 400 or 422 reply. */
json_object *serve_text_request(serve_ctx *x, const char *body, size_t len, serve_reply *r,
                                const char **text, const char **lang, const char **file);

#endif
