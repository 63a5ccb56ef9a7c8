/* SPDX-License-Identifier: MIT */
/* Writing check reports: text lines for terminals and scripts, JSON with a stable schema,
 * and one self-contained HTML page (no network resources) for editors. */
#include "cd_check.h"

#include <json-c/json.h>
#include <string.h>

/* Text for a terminal: C0 and C1 controls (ESC starts a cursor movement that could hide
 * earlier findings) and bytes that are not UTF-8 (a file name) are written as escapes. */
static cd_status append_safe_text(cd_buf *out, const char *s) {
  size_t n = strlen(s), i = 0, run = 0;
  cd_status st = CD_OK;
  while (i < n && !st) {
    size_t at = i;
    unsigned char b = (unsigned char)s[i];
    int32_t cp = b < 0x80 ? (i++, b) : cd_utf8_next(s, n, &i);
    bool c0 = cp >= 0 && (cp < 0x20 || cp == 0x7F), c1 = cp >= 0x80 && cp < 0xA0;
    if (cp >= 0 && !c0 && !c1)
      continue;
    st = cd_buf_append(out, s + run, at - run);
    if (!st && cp == '\t')
      st = cd_buf_append(out, "\\t", 2);
    else if (!st && cp >= 0)
      st = cd_buf_appendf(out, "\\u%04x", (unsigned)cp);
    for (size_t k = at; !st && cp < 0 && k < i; k++)
      st = cd_buf_appendf(out, "\\x%02x", (unsigned char)s[k]);
    run = i;
  }
  return st ? st : cd_buf_append(out, s + run, n - run);
}

static cd_status write_text(const cd_checker *c, cd_buf *out) {
  cd_status st = CD_OK;
  for (size_t i = 0; i < cd_check_count(c) && !st; i++) {
    const cd_finding *f = cd_check_get(c, i);
    st = append_safe_text(out, f->file);
    if (!st)
      st = cd_buf_appendf(out, ":%llu:%llu: %s: %s: ", (unsigned long long)f->line,
                          (unsigned long long)f->col, cd_severity_name(f->severity), f->check);
    if (!st)
      st = append_safe_text(out, f->message);
    if (!st && f->suggestion && strcmp(f->suggestion, " ") != 0) {
      st = cd_buf_append_str(out, " (suggestion: ");
      if (!st)
        st = append_safe_text(out, f->suggestion);
      if (!st)
        st = cd_buf_append(out, ")", 1);
    }
    if (!st)
      st = cd_buf_append(out, "\n", 1);
  }
  return st;
}

static json_object *jstr(const char *s, cd_buf *tmp) {
  const char *v = cd_utf8_make_valid(s, tmp);
  return v ? json_object_new_string(v) : NULL;
}

typedef struct tally {
  size_t by_sev[4];
  size_t n_checks;
  const cd_check_info *reg;
  size_t by_check[64];
} tally;

static void count(const cd_checker *c, tally *t) {
  memset(t, 0, sizeof *t);
  t->reg = cd_check_registry(&t->n_checks);
  for (size_t i = 0; i < cd_check_count(c); i++) {
    const cd_finding *f = cd_check_get(c, i);
    t->by_sev[f->severity]++;
    for (size_t k = 0; k < t->n_checks && k < 64; k++)
      if (strcmp(t->reg[k].id, f->check) == 0)
        t->by_check[k]++;
  }
}

static cd_status write_json(const cd_checker *c, cd_buf *out) {
  json_object *root = json_object_new_object(), *arr = json_object_new_array();
  cd_buf tmp = CD_BUF_INIT;
  if (!root || !arr)
    return CD_ERR_NOMEM;
  for (size_t i = 0; i < cd_check_count(c); i++) {
    const cd_finding *f = cd_check_get(c, i);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "file", jstr(f->file, &tmp));
    json_object_object_add(o, "line", json_object_new_int64((int64_t)f->line));
    json_object_object_add(o, "col", json_object_new_int64((int64_t)f->col));
    json_object_object_add(o, "severity", json_object_new_string(cd_severity_name(f->severity)));
    json_object_object_add(o, "check", json_object_new_string(f->check));
    json_object_object_add(o, "message", jstr(f->message, &tmp));
    json_object_object_add(o, "suggestion", f->suggestion ? jstr(f->suggestion, &tmp) : NULL);
    json_object_object_add(o, "context", jstr(f->context, &tmp));
    if (f->source)
      json_object_object_add(o, "source", jstr(f->source, &tmp));
    if (f->target)
      json_object_object_add(o, "target", jstr(f->target, &tmp));
    json_object_array_add(arr, o);
  }
  json_object_object_add(root, "findings", arr);
  tally t;
  count(c, &t);
  uint64_t articles, pairs;
  cd_check_inputs(c, &articles, &pairs);
  json_object *sum = json_object_new_object(), *sev = json_object_new_object(),
              *chk = json_object_new_object();
  json_object_object_add(sum, "articles", json_object_new_int64((int64_t)articles));
  json_object_object_add(sum, "pairs", json_object_new_int64((int64_t)pairs));
  json_object_object_add(sum, "findings", json_object_new_int64((int64_t)cd_check_count(c)));
  for (int s = CD_SEV_INFO; s <= CD_SEV_ERROR; s++)
    json_object_object_add(sev, cd_severity_name((cd_severity)s),
                           json_object_new_int64((int64_t)t.by_sev[s]));
  json_object_object_add(sum, "by_severity", sev);
  for (size_t k = 0; k < t.n_checks && k < 64; k++)
    if (t.by_check[k])
      json_object_object_add(chk, t.reg[k].id, json_object_new_int64((int64_t)t.by_check[k]));
  json_object_object_add(sum, "by_check", chk);
  json_object_object_add(root, "summary", sum);
  const char *s = json_object_to_json_string_ext(
      root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
  cd_status st = cd_buf_append_str(out, s);
  if (!st)
    st = cd_buf_append(out, "\n", 1);
  json_object_put(root);
  cd_buf_free(&tmp);
  return st;
}

/* HTML text: markup characters as references, controls other than tab and newline as
 * visible \uXXXX, and ill-formed UTF-8 (from a file name) as U+FFFD: the page says utf-8. */
static cd_status esc(cd_buf *out, const char *s, size_t n) {
  cd_status st = CD_OK;
  size_t run = 0, i = 0;
  while (i < n && !st) {
    size_t at = i;
    const char *rep = NULL;
    unsigned char b = (unsigned char)s[i];
    int32_t cp = b < 0x80 ? (i++, b) : cd_utf8_next(s, n, &i);
    switch (cp) {
    case '&': rep = "&amp;"; break;
    case '<': rep = "&lt;"; break;
    case '>': rep = "&gt;"; break;
    case '"': rep = "&quot;"; break;
    case '\'': rep = "&#39;"; break;
    case -1: rep = "\xEF\xBF\xBD"; break;
    default: break;
    }
    bool control =
        cp >= 0 && ((cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7F && cp < 0xA0));
    if (!rep && !control)
      continue;
    st = cd_buf_append(out, s + run, at - run);
    if (!st)
      st = rep ? cd_buf_append_str(out, rep) : cd_buf_appendf(out, "\\u%04x", (unsigned)cp);
    run = i;
  }
  if (!st)
    st = cd_buf_append(out, s + run, n - run);
  return st;
}

static cd_status esc_str(cd_buf *out, const char *s) { return esc(out, s, strlen(s)); }

/* The context with the flagged span in <mark>. */
static cd_status context_html(cd_buf *out, const char *ctx, size_t n, size_t s, size_t e) {
  if (s > n)
    s = n;
  if (e > n)
    e = n;
  if (e < s)
    e = s;
  cd_status st = esc(out, ctx, s);
  if (!st && e > s) {
    st = cd_buf_append_str(out, "<mark>");
    if (!st)
      st = esc(out, ctx + s, e - s);
    if (!st)
      st = cd_buf_append_str(out, "</mark>");
  }
  if (!st)
    st = esc(out, ctx + e, n - e);
  return st;
}

static const char css[] =
    "body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;color:#222}"
    "h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ccc}"
    "table.summary{border-collapse:collapse}table.summary td,table.summary th{padding:.2em .8em;"
    "border-bottom:1px solid #eee;text-align:left}"
    ".finding{border-left:4px solid #999;padding:.4em .8em;margin:.8em 0;background:#fafafa}"
    ".finding.error{border-color:#c0392b}.finding.warning{border-color:#e08e0b}"
    ".finding.info{border-color:#2e86c1}.sev{font-weight:bold;text-transform:uppercase;"
    "font-size:.8em}.error .sev{color:#c0392b}.warning .sev{color:#b9770e}.info .sev{color:#2e86c1}"
    ".loc{font-family:monospace;color:#555}.check{font-family:monospace}"
    ".ctx{font-family:Georgia,serif;margin:.3em 0;white-space:pre-wrap}"
    "mark{background:#ffe066;padding:0 .1em}.pair{display:grid;grid-template-columns:1fr 1fr;"
    "gap:1em}.pair div{background:#fff;border:1px solid #e5e5e5;padding:.4em}"
    ".pair .lbl{font-size:.75em;color:#777;display:block}.sugg{color:#1e8449}";

static cd_status write_html(const cd_checker *c, cd_buf *out) {
  tally t;
  count(c, &t);
  uint64_t articles, pairs;
  cd_check_inputs(c, &articles, &pairs);
  cd_status st = cd_buf_appendf(
      out,
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>copydesk check: %zu findings</title><style>%s</style></head><body>\n"
      "<h1>copydesk check</h1>\n<p id=\"totals\">%llu articles, %llu pairs: <b>%zu findings</b> "
      "(%zu errors, %zu warnings, %zu notes)</p>\n"
      "<table class=\"summary\"><tr><th>check</th><th>severity</th><th>findings</th>"
      "<th>what it means</th></tr>\n",
      cd_check_count(c), css, (unsigned long long)articles, (unsigned long long)pairs,
      cd_check_count(c), t.by_sev[CD_SEV_ERROR], t.by_sev[CD_SEV_WARNING], t.by_sev[CD_SEV_INFO]);
  for (size_t k = 0; k < t.n_checks && k < 64 && !st; k++) {
    if (!t.by_check[k])
      continue;
    st = cd_buf_appendf(out,
                        "<tr data-check=\"%s\"><td class=\"check\">%s</td><td>%s</td>"
                        "<td>%zu</td><td>",
                        t.reg[k].id, t.reg[k].id, cd_severity_name(t.reg[k].severity),
                        t.by_check[k]);
    if (!st)
      st = esc_str(out, t.reg[k].explanation);
    if (!st)
      st = cd_buf_append_str(out, "</td></tr>\n");
  }
  if (!st)
    st = cd_buf_append_str(out, "</table>\n");
  const char *file = NULL;
  for (size_t i = 0; i < cd_check_count(c) && !st; i++) {
    const cd_finding *f = cd_check_get(c, i);
    if (!file || strcmp(file, f->file) != 0) {
      file = f->file;
      st = cd_buf_append_str(out, "<h2>");
      if (!st)
        st = esc_str(out, file);
      if (!st)
        st = cd_buf_append_str(out, "</h2>\n");
    }
    if (!st)
      st = cd_buf_appendf(out,
                          "<div class=\"finding %s\" data-check=\"%s\" data-line=\"%llu\">"
                          "<span class=\"sev\">%s</span> <span class=\"loc\">line %llu, col "
                          "%llu</span> <span class=\"check\">%s</span><br>",
                          cd_severity_name(f->severity), f->check, (unsigned long long)f->line,
                          cd_severity_name(f->severity), (unsigned long long)f->line,
                          (unsigned long long)f->col, f->check);
    if (!st)
      st = cd_buf_append_str(out, "<span class=\"msg\">");
    if (!st)
      st = esc_str(out, f->message);
    if (!st)
      st = cd_buf_append_str(out, "</span>");
    if (!st && f->suggestion && strcmp(f->suggestion, " ") != 0) {
      st = cd_buf_append_str(out, " <span class=\"sugg\">→ ");
      if (!st)
        st = esc_str(out, f->suggestion);
      if (!st)
        st = cd_buf_append_str(out, "</span>");
    }
    if (!st && f->source && f->target) {
      bool on_target = strcmp(f->context, f->target) == 0;
      st = cd_buf_append_str(out, "<div class=\"pair\"><div><span class=\"lbl\">source</span>");
      if (!st)
        st = on_target ? esc_str(out, f->source)
                       : context_html(out, f->source, strlen(f->source), f->ctx_start, f->ctx_end);
      if (!st)
        st = cd_buf_append_str(out, "</div><div><span class=\"lbl\">target</span>");
      if (!st)
        st = on_target ? context_html(out, f->target, strlen(f->target), f->ctx_start, f->ctx_end)
                       : esc_str(out, f->target);
      if (!st)
        st = cd_buf_append_str(out, "</div></div>");
    } else if (!st) {
      st = cd_buf_append_str(out, "<div class=\"ctx\">");
      if (!st)
        st = context_html(out, f->context, f->context_len, f->ctx_start, f->ctx_end);
      if (!st)
        st = cd_buf_append_str(out, "</div>");
    }
    if (!st)
      st = cd_buf_append_str(out, "</div>\n");
  }
  if (!st && cd_check_count(c) == 0)
    st = cd_buf_append_str(out, "<p id=\"clean\">No findings: the batch is clean.</p>\n");
  if (!st)
    st = cd_buf_append_str(out, "</body></html>\n");
  return st;
}

cd_status cd_check_write(const cd_checker *c, cd_check_format fmt, cd_buf *out, cd_error *err) {
  cd_status st;
  switch (fmt) {
  case CD_CHECK_JSON: st = write_json(c, out); break;
  case CD_CHECK_HTML: st = write_html(c, out); break;
  default: st = write_text(c, out); break;
  }
  return st ? cd_error_set(err, st, "out of memory writing the report") : CD_OK;
}
