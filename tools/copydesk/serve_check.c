/* SPDX-License-Identifier: MIT */
/* POST /v1/check and POST /v2/check (LanguageTool's API) for `copydesk serve`. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

#include "cd_check.h"
#include "cli_glue.h"
#include "serve_internal.h"

/* A checker over the context's names store (the names.* checks are skipped without one). */
static cd_checker *new_checker(serve_ctx *x, cli_check_names *names, serve_reply *r) {
  cd_check_options o;
  cd_check_options_init(&o);
  o.data_dir = x->cfg->data_dir;
  memset(names, 0, sizeof *names);
  if (x->names) {
    cli_check_names_borrow(names, x->names, x->scanner);
    cd_names_scanner_reset(x->scanner); /* earlier mentions count within one article */
    o.mentions = cli_check_names_mentions;
    o.mentions_ud = names;
    o.keyer = cd_names_get_keyer(x->names);
  }
  cd_checker *chk = NULL;
  cd_error err;
  cd_error_clear(&err);
  if (cd_checker_new(&o, &chk, &err)) {
    serve_reply_error(r, 500, "%s", err.message);
    return NULL;
  }
  return chk;
}

/* Checks text as one article; the checker is finished and ready to be written. */
static int check_text(cd_checker *chk, const char *file, const char *lang, const char *text,
                      size_t len, serve_reply *r) {
  cd_error err;
  cd_error_clear(&err);
  cd_status st = cd_check_article(chk, file, lang, text, len, &err);
  if (!st)
    st = cd_check_finish(chk, &err);
  if (st)
    serve_reply_error(r, serve_status_of(st), "%s", err.message);
  return st ? -1 : 0;
}

/* "disable": ["names.style", "text.*"] */
static int apply_disable(cd_checker *chk, json_object *req, serve_reply *r) {
  json_object *arr;
  if (!json_object_object_get_ex(req, "disable", &arr) || json_object_is_type(arr, json_type_null))
    return 0;
  if (!json_object_is_type(arr, json_type_array)) {
    serve_reply_error(r, 400, "field 'disable' must be an array of check ids");
    return -1;
  }
  for (size_t i = 0; i < json_object_array_length(arr); i++) {
    json_object *v = json_object_array_get_idx(arr, i);
    cd_error err;
    if (!json_object_is_type(v, json_type_string)) {
      serve_reply_error(r, 400, "field 'disable' must be an array of check ids");
      return -1;
    }
    if (cd_checker_set_level(chk, json_object_get_string(v), CD_SEV_OFF, &err)) {
      serve_reply_error(r, 422, "disable: %s", err.message);
      return -1;
    }
  }
  return 0;
}

void serve_check(serve_ctx *x, const char *body, size_t len, serve_reply *r) {
  const char *text, *lang, *file;
  json_object *req = serve_text_request(x, body, len, r, &text, &lang, &file);
  if (!req)
    return;
  if (!file)
    file = "request";
  cd_error err;
  cd_error_clear(&err);
  cd_buf clean = CD_BUF_INIT;
  cd_normalize_report rep;
  cli_check_names names;
  cd_checker *chk = NULL;
  cd_normalizer *nz = serve_normalizer(x, true, &err);
  cd_status st =
      nz ? cd_normalizer_buffer(nz, file, lang, text, strlen(text), &clean, NULL, &rep, &err)
         : CD_ERR_DATA;
  if (st)
    serve_reply_error(r, serve_status_of(st), "%s", err.message);
  else if ((chk = new_checker(x, &names, r)) && !apply_disable(chk, req, r) &&
           !check_text(chk, file, lang ? lang : rep.lang, cd_buf_at(&clean, 0), clean.len, r)) {
    cd_buf_clear(&r->body);
    if ((st = cd_check_write(chk, CD_CHECK_JSON, &r->body, &err)))
      serve_reply_error(r, 500, "%s", err.message);
    else
      r->status = 200;
  }
  cd_checker_free(chk);
  if (chk || !st)
    cli_check_names_close(&names);
  cd_buf_free(&clean);
  json_object_put(req);
}

/* ---- LanguageTool: the annotated text (data=) --------------------------------------------- */

/* Where a piece of the checked text came from: LanguageTool's offsets count the original
 * (markup included), in UTF-16 units. */
typedef struct lt_piece {
  size_t plain, plain_len; /* in the checked text */
  size_t orig, orig_len;   /* in text and markup together */
} lt_piece;

typedef struct lt_text {
  cd_buf text;
  lt_piece *pieces;
  size_t n;
} lt_text;

static int lt_add_piece(lt_text *t, const char *plain, const char *orig, size_t *at_orig) {
  lt_piece *p = realloc(t->pieces, (t->n + 1) * sizeof *p);
  if (!p)
    return -1;
  t->pieces = p;
  size_t before = serve_utf16_units(cd_buf_at(&t->text, 0), t->text.len);
  if (cd_buf_append_str(&t->text, plain))
    return -1;
  lt_piece *q = &t->pieces[t->n++];
  q->plain = before;
  q->plain_len = serve_utf16_units(plain, strlen(plain));
  q->orig = *at_orig;
  q->orig_len = serve_utf16_units(orig, strlen(orig));
  *at_orig += q->orig_len;
  return 0;
}

/* {"annotation":[{"text":"..."},{"markup":"<b>","interpretAs":"\n"}]} */
static int lt_read_data(const char *data, size_t len, lt_text *t, serve_reply *r) {
  json_object *o = serve_parse_object(data, len, r), *arr;
  if (!o)
    return -1;
  int rc = -1;
  size_t at = 0;
  if (!json_object_object_get_ex(o, "annotation", &arr) ||
      !json_object_is_type(arr, json_type_array))
    serve_reply_error(r, 400, "data: missing 'annotation' array");
  else
    rc = 0;
  for (size_t i = 0; rc == 0 && i < json_object_array_length(arr); i++) {
    json_object *it = json_object_array_get_idx(arr, i);
    const char *text = NULL, *markup = NULL, *as = NULL;
    if (!json_object_is_type(it, json_type_object) ||
        serve_get_string(it, "text", false, &text, r) ||
        serve_get_string(it, "markup", false, &markup, r) ||
        serve_get_string(it, "interpretAs", false, &as, r) || !text == !markup) {
      if (r->status == 200)
        serve_reply_error(r, 400, "data: annotation[%zu] wants either 'text' or 'markup'", i);
      rc = -1;
    } else if (lt_add_piece(t, text ? text : as ? as : "", text ? text : markup, &at)) {
      serve_reply_error(r, 500, "out of memory");
      rc = -1;
    }
  }
  json_object_put(o);
  return rc;
}

/* A position of the checked text (UTF-16) in the original; an end position inside markup
 * goes to the markup's end, a start to its start. */
static size_t lt_map(const lt_text *t, size_t pos, bool end) {
  if (!t->n)
    return pos;
  for (size_t i = 0; i < t->n; i++) {
    const lt_piece *p = &t->pieces[i];
    bool in = end ? pos > p->plain && pos <= p->plain + p->plain_len
                  : pos >= p->plain && pos < p->plain + p->plain_len;
    if (!in)
      continue;
    if (p->plain_len != p->orig_len) /* markup read as something else */
      return end ? p->orig + p->orig_len : p->orig;
    return p->orig + (pos - p->plain);
  }
  const lt_piece *last = &t->pieces[t->n - 1];
  return end ? last->orig + last->orig_len : pos;
}

/* ---- LanguageTool: the response ------------------------------------------------------------- */

/* The issue type and short message LanguageTool clients show, per check. */
static const struct lt_rule {
  const char *check, *issue, *short_message;
} lt_rules[] = {
    {"names.style", "style", "House style"},
    {"names.variant", "inconsistent-entities", "Name variants"},
    {"names.unknown-variant", "inconsistent-entities", "Name variants"},
    {"names.missing", "omission", "Missing name"},
    {"names.mismatch", "inconsistent-entities", "Name form"},
    {"tm.inconsistent-target", "inconsistency", "Inconsistent translation"},
    {"tm.inconsistent-source", "inconsistency", "Inconsistent translation"},
    {"numbers.mismatch", "numbers", "Number mismatch"},
    {"untranslated", "untranslated", "Untranslated"},
    {"glossary.violation", "terminology", "Glossary"},
    {"text.doubled-word", "duplication", "Doubled word"},
    {"text.unbalanced", "typographical", "Unbalanced mark"},
    {"text.double-space", "whitespace", "Double space"},
};

/* The category of a check, by the part of its id before the dot. */
static const struct lt_category {
  const char *prefix, *id, *name;
} lt_categories[] = {
    {"names", "COPYDESK_NAMES", "Names and house style"},
    {"tm", "COPYDESK_TM", "Translation memory"},
    {"numbers", "COPYDESK_NUMBERS", "Numbers"},
    {"untranslated", "COPYDESK_UNTRANSLATED", "Translation"},
    {"glossary", "COPYDESK_GLOSSARY", "Terminology"},
    {"text", "COPYDESK_TEXT", "Text and typography"},
};

static json_object *lt_rule_json(const char *check) {
  const char *issue = "uncategorized", *desc = check, *cat_id = "COPYDESK", *cat_name = "copydesk";
  size_t n, k = strcspn(check, ".");
  const cd_check_info *reg = cd_check_registry(&n);
  for (size_t i = 0; i < n; i++)
    if (strcmp(reg[i].id, check) == 0)
      desc = reg[i].explanation;
  for (size_t i = 0; i < sizeof lt_rules / sizeof lt_rules[0]; i++)
    if (strcmp(lt_rules[i].check, check) == 0)
      issue = lt_rules[i].issue;
  for (size_t i = 0; i < sizeof lt_categories / sizeof lt_categories[0]; i++)
    if (strlen(lt_categories[i].prefix) == k && strncmp(lt_categories[i].prefix, check, k) == 0)
      cat_id = lt_categories[i].id, cat_name = lt_categories[i].name;
  json_object *rule = json_object_new_object(), *c = json_object_new_object();
  json_object_object_add(rule, "id", json_object_new_string(check));
  json_object_object_add(rule, "description", json_object_new_string(desc));
  json_object_object_add(rule, "issueType", json_object_new_string(issue));
  json_object_object_add(c, "id", json_object_new_string(cat_id));
  json_object_object_add(c, "name", json_object_new_string(cat_name));
  json_object_object_add(rule, "category", c);
  return rule;
}

static const char *lt_short_message(const char *check) {
  for (size_t i = 0; i < sizeof lt_rules / sizeof lt_rules[0]; i++)
    if (strcmp(lt_rules[i].check, check) == 0)
      return lt_rules[i].short_message;
  return "";
}

/* The byte where a finding starts in text: its line (1-based) and column (code points,
 * 1-based); *line_start and *line_end receive its line. */
static size_t finding_byte(const char *text, size_t len, const cd_finding *f, size_t *line_start,
                           size_t *line_end) {
  size_t at = 0;
  for (uint64_t l = 1; l < f->line && at < len; l++) {
    const char *nl = memchr(text + at, '\n', len - at);
    at = nl ? (size_t)(nl - text) + 1 : len;
  }
  *line_start = at;
  const char *nl = memchr(text + at, '\n', len - at);
  *line_end = nl ? (size_t)(nl - text) : len;
  size_t b = at;
  for (uint64_t c = 1; c < f->col && b < *line_end; c++)
    do
      b++;
    while (b < *line_end && ((unsigned char)text[b] & 0xC0) == 0x80);
  return b;
}

static json_object *lt_match_json(const lt_text *t, const cd_finding *f) {
  const char *text = cd_buf_at(&t->text, 0);
  size_t len = t->text.len, ls, le;
  size_t b = finding_byte(text, len, f, &ls, &le);
  size_t span = f->ctx_end - f->ctx_start;
  if (span > len - b)
    span = len - b;
  size_t off = serve_utf16_units(text, b), n16 = serve_utf16_units(text + b, span);
  size_t start = lt_map(t, off, false), end = lt_map(t, off + n16, true);
  json_object *m = json_object_new_object(), *reps = json_object_new_array();
  json_object_object_add(m, "message", json_object_new_string(f->message));
  json_object_object_add(m, "shortMessage", json_object_new_string(lt_short_message(f->check)));
  if (f->suggestion) {
    json_object *v = json_object_new_object();
    json_object_object_add(v, "value", json_object_new_string(f->suggestion));
    json_object_array_add(reps, v);
  }
  json_object_object_add(m, "replacements", reps);
  json_object_object_add(m, "offset", json_object_new_int64((int64_t)start));
  json_object_object_add(m, "length", json_object_new_int64((int64_t)(end - start)));
  json_object *ctx = json_object_new_object();
  json_object_object_add(ctx, "text", json_object_new_string_len(f->context, (int)f->context_len));
  json_object_object_add(
      ctx, "offset", json_object_new_int64((int64_t)serve_utf16_units(f->context, f->ctx_start)));
  json_object_object_add(ctx, "length",
                         json_object_new_int64((int64_t)serve_utf16_units(
                             f->context + f->ctx_start, f->ctx_end - f->ctx_start)));
  json_object_object_add(m, "context", ctx);
  while (le > ls && text[le - 1] == '\r')
    le--;
  json_object_object_add(m, "sentence", json_object_new_string_len(text + ls, (int)(le - ls)));
  json_object *type = json_object_new_object();
  json_object_object_add(type, "typeName", json_object_new_string("Other"));
  json_object_object_add(m, "type", type);
  json_object_object_add(m, "rule", lt_rule_json(f->check));
  json_object_object_add(m, "ignoreForIncompleteSentence", json_object_new_boolean(0));
  json_object_object_add(m, "contextForSureMatch", json_object_new_int(0));
  return m;
}

/* {"name": "English (United States)", "code": "en-US"} */
static json_object *lt_language_json(const char *code, json_object *extra) {
  char loc[64] = "", name[256] = "";
  UErrorCode e = U_ZERO_ERROR;
  UChar u[128];
  uloc_forLanguageTag(code, loc, sizeof loc, NULL, &e);
  int32_t n = U_SUCCESS(e) ? uloc_getDisplayName(loc, "en", u, 128, &e) : 0;
  if (U_SUCCESS(e) && n > 0)
    u_strToUTF8(name, sizeof name, NULL, u, n, &e);
  json_object *o = json_object_new_object();
  json_object_object_add(o, "name", json_object_new_string(U_SUCCESS(e) && name[0] ? name : code));
  json_object_object_add(o, "code", json_object_new_string(code));
  if (extra)
    json_object_object_add(o, "detectedLanguage", extra);
  return o;
}

static void lt_respond(const cd_checker *chk, const lt_text *t, const char *code,
                       const char *detected, serve_reply *r) {
  json_object *o = json_object_new_object(), *sw = json_object_new_object();
  json_object_object_add(sw, "name", json_object_new_string("copydesk"));
  json_object_object_add(sw, "version", json_object_new_string(CD_VERSION));
  json_object_object_add(sw, "buildDate", json_object_new_string(""));
  json_object_object_add(sw, "apiVersion", json_object_new_int(1));
  json_object_object_add(sw, "premium", json_object_new_boolean(0));
  json_object_object_add(sw, "status", json_object_new_string(""));
  json_object_object_add(o, "software", sw);
  json_object *w = json_object_new_object();
  json_object_object_add(w, "incompleteResults", json_object_new_boolean(0));
  json_object_object_add(o, "warnings", w);
  json_object *det = lt_language_json(detected, NULL);
  json_object_object_add(det, "confidence", json_object_new_double(1.0));
  json_object_object_add(o, "language", lt_language_json(code, det));
  json_object *arr = json_object_new_array();
  for (size_t i = 0; i < cd_check_count(chk); i++)
    json_object_array_add(arr, lt_match_json(t, cd_check_get(chk, i)));
  json_object_object_add(o, "matches", arr);
  r->status = 200;
  serve_reply_json(r, o);
  json_object_put(o);
}

/* disabledRules=names.style,text.doubled-word: ids copydesk does not know are ignored, as
 * LanguageTool ignores rules it does not have. */
static void lt_disable(cd_checker *chk, const char *csv) {
  char id[128];
  while (csv && *csv) {
    size_t n = strcspn(csv, ",");
    size_t a = 0, b = n;
    while (a < b && csv[a] == ' ')
      a++;
    while (b > a && csv[b - 1] == ' ')
      b--;
    if (b > a && b - a < sizeof id) {
      cd_error err;
      snprintf(id, sizeof id, "%.*s", (int)(b - a), csv + a);
      (void)cd_checker_set_level(chk, id, CD_SEV_OFF, &err);
    }
    csv += n + (csv[n] == ',');
  }
}

/* language=auto: detected over the text; "und" stays und (house-style findings skipped). */
static int lt_language(serve_ctx *x, const serve_lt_request *q, const lt_text *t, char out[16],
                       serve_reply *r) {
  if (!q->language || !*q->language) {
    serve_reply_error(r, 400, "missing field 'language' (a tag such as en-US, or auto)");
    return -1;
  }
  if (strcmp(q->language, "auto") != 0) {
    if (serve_check_lang(x, "language", q->language, true, r))
      return -1;
    snprintf(out, 16, "%s", q->language);
    return 0;
  }
  cd_error err;
  cd_error_clear(&err);
  if ((!x->langid && cd_langid_new(x->cfg->data_dir, &x->langid, &err)) ||
      cd_langid_detect(x->langid, cd_buf_at(&t->text, 0), t->text.len, out)) {
    serve_reply_error(r, 500, "language detection: %s", err.message);
    return -1;
  }
  return 0;
}

void serve_lt_check(serve_ctx *x, const serve_lt_request *q, serve_reply *r) {
  lt_text t = {CD_BUF_INIT, NULL, 0};
  char lang[16];
  cli_check_names names;
  cd_checker *chk = NULL;
  if (!q->text && !q->data)
    serve_reply_error(r, 400, "missing field 'text' (or 'data')");
  else if (q->text && cd_buf_append(&t.text, q->text, q->text_len))
    serve_reply_error(r, 500, "out of memory");
  if (r->status != 200 || (!q->text && lt_read_data(q->data, q->data_len, &t, r)))
    goto done;
  if (!cd_utf8_is_valid(cd_buf_at(&t.text, 0), t.text.len) ||
      memchr(cd_buf_at(&t.text, 0), '\0', t.text.len)) {
    serve_reply_error(r, 400, "the text is not valid UTF-8");
    goto done;
  }
  if (lt_language(x, q, &t, lang, r) || !(chk = new_checker(x, &names, r)))
    goto done;
  lt_disable(chk, q->disabled_rules);
  /* the text as sent, not normalized: the offsets must index the client's own text */
  if (!check_text(chk, "text", lang, cd_buf_at(&t.text, 0), t.text.len, r))
    lt_respond(chk, &t, strcmp(q->language, "auto") ? q->language : lang, lang, r);
  cd_checker_free(chk);
  cli_check_names_close(&names);
done:
  cd_buf_free(&t.text);
  free(t.pieces);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* GET /v2/languages: the languages copydesk has a house style for (data_dir/styles/L.tsv),
 * which LanguageTool clients ask for before they offer a language. */
void serve_lt_languages(serve_ctx *x, serve_reply *r) {
  char dir[4200], *codes[64];
  size_t n = 0;
  snprintf(dir, sizeof dir, "%s/styles", x->cfg->data_dir ? x->cfg->data_dir : ".");
  DIR *d = opendir(dir);
  for (struct dirent *e; d && n < 64 && (e = readdir(d));) {
    size_t len = strlen(e->d_name);
    if (len > 4 && len < 12 && strcmp(e->d_name + len - 4, ".tsv") == 0 &&
        (codes[n] = strndup(e->d_name, len - 4)))
      n++;
  }
  if (d)
    closedir(d);
  qsort(codes, n, sizeof *codes, cmp_str);
  json_object *arr = json_object_new_array();
  for (size_t i = 0; i < n; i++) {
    json_object *l = lt_language_json(codes[i], NULL);
    json_object_object_add(l, "longCode", json_object_new_string(codes[i]));
    json_object_array_add(arr, l);
    free(codes[i]);
  }
  r->status = 200;
  serve_reply_json(r, arr);
  json_object_put(arr);
}
