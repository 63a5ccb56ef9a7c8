/* SPDX-License-Identifier: MIT */
/* ninjs (IPTC's JSON) with json-c: the prose fields (dicts/wire/ninjs.tsv) are documents of
 * their own — plain text, or HTML fragments read by the HTML reader — and the object is
 * written back by json-c with the edited strings; every other field is untouched.
 *
 * JSON strings have no byte spans that survive re-serialization: for ninjs the units'
 * spans and the change log's offsets are byte offsets inside the field's value. */
#include "cd_lines.h"
#include "wire_internal.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NINJS_MAX_DEPTH 256 /* as the XML readers (libxml2's limit) */

/* A prose field of dicts/wire/ninjs.tsv. */
typedef struct nj_spec {
  char key[64];
  char role[32];
  char kind; /* 't' text, 'h' html, 'a' an array of {value, contenttype} (ninjs 2.x) */
} nj_spec;

/* A string of the document that is prose: owner[key], read as a document of its own. */
typedef struct nj_field {
  json_object *owner;
  char key[64];
  char label[256]; /* "file#key" or "file#key[i]" */
  const char *role;
  bool html;
  size_t lit; /* the file offset of the string's first byte (inside the quotes); SIZE_MAX when
                 not found */
  cd_wire_doc *sub;
} nj_field;

struct wire_ninjs {
  json_object *root;
  nj_spec *spec;
  size_t nspec, cap_spec;
  nj_field *f;
  size_t nf, cap;
  size_t (*map)[2]; /* unit → (field, unit in the field's document) */
  bool final_newline;
};

void wire_ninjs_free(struct wire_ninjs *nj) {
  if (!nj)
    return;
  for (size_t i = 0; i < nj->nf; i++)
    cd_wire_doc_free(nj->f[i].sub);
  free(nj->f);
  free(nj->spec);
  free(nj->map);
  json_object_put(nj->root);
  free(nj);
}

/* A plain-text field: one unit, one piece over the whole string, no escaping (json-c
 * escapes what JSON needs when it writes the object). */
static cd_status text_doc(const char *label, const char *s, size_t n, const char *role,
                          cd_wire_doc **out) {
  cd_wire_doc *d = calloc(1, sizeof *d);
  if (!d || !(d->raw = malloc(n + 1))) {
    free(d);
    return CD_ERR_NOMEM;
  }
  memcpy(d->raw, s, n);
  d->raw_len = n;
  d->format = CD_WIRE_TEXT;
  snprintf(d->label, sizeof d->label, "%.255s", label);
  snprintf(d->charset, sizeof d->charset, "UTF-8");
  d->w = d->raw;
  d->w_len = n;
  d->w_is_raw = true;
  d->role_buf = strdup(role);
  cd_status st = d->role_buf ? wire_unit_begin(d, d->role_buf) : CD_ERR_NOMEM;
  if (!st)
    st = wire_piece_add(d, 0, n, s, n, NULL, 0, WIRE_ESC_NONE);
  if (!st)
    st = wire_unit_end(d);
  if (st) {
    cd_wire_doc_free(d);
    return st;
  }
  wire_units_finish(d);
  *out = d;
  return CD_OK;
}

typedef struct field_loader {
  struct wire_ninjs *nj;
  bool ednotes;
} field_loader;

static cd_status field_line(void *ud, char *line, size_t len, cd_error *why) {
  field_loader *fl = ud;
  struct wire_ninjs *nj = fl->nj;
  (void)len;
  char key[64], kind[16], role[32];
  if (sscanf(line, "%63[^\t]\t%15[^\t]\t%31[^\t]", key, kind, role) != 3 ||
      (strcmp(kind, "text") && strcmp(kind, "html") && strcmp(kind, "array")))
    return cd_error_set(why, CD_ERR_DATA, "expected field<TAB>text|html|array<TAB>role");
  if (strcmp(role, "ednote") == 0 && !fl->ednotes)
    return CD_OK;
  if (CD_GROW(nj->spec, nj->nspec, nj->cap_spec))
    return CD_ERR_NOMEM;
  nj_spec *f = &nj->spec[nj->nspec++];
  memset(f, 0, sizeof *f);
  snprintf(f->key, sizeof f->key, "%s", key);
  snprintf(f->role, sizeof f->role, "%s", role);
  f->kind = kind[0] == 't' ? 't' : kind[0] == 'h' ? 'h' : 'a';
  return CD_OK;
}

static cd_status load_fields(const char *data_dir, struct wire_ninjs *nj, bool ednotes,
                             cd_error *err) {
  char path[4096];
  snprintf(path, sizeof path, "%s/wire/ninjs.tsv", data_dir ? data_dir : ".");
  field_loader fl = {nj, ednotes};
  return cd_lines_each(path, field_line, &fl, err);
}

static cd_status parse_json(cd_wire_doc *d, struct wire_ninjs *nj, cd_error *err) {
  json_tokener *tok = json_tokener_new_ex(NINJS_MAX_DEPTH);
  if (!tok)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
  nj->root = json_tokener_parse_ex(tok, d->raw, (int)d->raw_len);
  enum json_tokener_error je = json_tokener_get_error(tok);
  size_t at = tok->char_offset;
  json_tokener_free(tok);
  if (je == json_tokener_continue)
    je = json_tokener_error_parse_eof;
  if (!nj->root || je != json_tokener_success) {
    unsigned long line, col;
    wire_line_col(d, at < d->w_len ? at : d->w_len, &line, &col);
    return cd_error_set(err, CD_ERR_INPUT, "%s:%lu: invalid JSON: %s", d->label, line,
                        json_tokener_error_desc(je));
  }
  if (!json_object_is_type(nj->root, json_type_object))
    return cd_error_set(err, CD_ERR_INPUT, "%s:1: not a ninjs document (the top is not an object)",
                        d->label);
  return CD_OK;
}

/* ---- where a field's string is in the file: json-c keeps no positions, so the file (which
 * json-c has validated) is walked to the member, and an offset in the value is carried over
 * its escapes. Only positions come from here, never text. ---- */

static size_t js_ws(const char *s, size_t n, size_t i) {
  while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
    i++;
  return i;
}

/* s[i] is '"': the offset after the closing quote. */
static size_t js_string_end(const char *s, size_t n, size_t i) {
  for (i++; i < n && s[i] != '"'; i++)
    if (s[i] == '\\')
      i++;
  return i < n ? i + 1 : n;
}

static size_t js_value_end(const char *s, size_t n, size_t i) {
  if (i < n && s[i] == '"')
    return js_string_end(s, n, i);
  if (i < n && (s[i] == '{' || s[i] == '[')) {
    int depth = 0;
    for (; i < n; i++) {
      if (s[i] == '"')
        i = js_string_end(s, n, i) - 1;
      else if (s[i] == '{' || s[i] == '[')
        depth++;
      else if ((s[i] == '}' || s[i] == ']') && --depth == 0)
        return i + 1;
    }
    return n;
  }
  while (i < n && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\n' &&
         s[i] != '\t' && s[i] != '\r')
    i++;
  return i;
}

/* The value of the last member named key of the object at s[i] ('{'), or n. */
static size_t js_member(const char *s, size_t n, size_t i, const char *key) {
  size_t found = n, kl = strlen(key);
  if (i >= n || s[i] != '{')
    return n;
  for (i = js_ws(s, n, i + 1); i < n && s[i] == '"';) {
    size_t ke = js_string_end(s, n, i);
    size_t v = js_ws(s, n, js_ws(s, n, ke) + 1);
    if (ke - i == kl + 2 && memcmp(s + i + 1, key, kl) == 0)
      found = v;
    i = js_ws(s, n, js_value_end(s, n, v));
    if (i < n && s[i] == ',')
      i = js_ws(s, n, i + 1);
  }
  return found;
}

/* The idx-th element of the array at s[i] ('['), or n. */
static size_t js_element(const char *s, size_t n, size_t i, size_t idx) {
  if (i >= n || s[i] != '[')
    return n;
  for (i = js_ws(s, n, i + 1); i < n && s[i] != ']'; idx--) {
    if (idx == 0)
      return i;
    i = js_ws(s, n, js_value_end(s, n, i));
    if (i < n && s[i] == ',')
      i = js_ws(s, n, i + 1);
  }
  return n;
}

/* The first byte inside the string at v, or SIZE_MAX when v is no string. */
static size_t js_lit(const char *s, size_t n, size_t v) {
  return v < n && s[v] == '"' ? v + 1 : SIZE_MAX;
}

static unsigned js_hex4(const char *s, size_t n, size_t i) {
  unsigned v = 0;
  for (size_t k = i; k < i + 4 && k < n; k++)
    v = v * 16 + (unsigned)(s[k] <= '9' ? s[k] - '0' : (s[k] | 0x20) - 'a' + 10);
  return v;
}

/* The file offset of byte off of the string whose text starts at s[lit]. */
static size_t js_offset(const char *s, size_t n, size_t lit, size_t off) {
  size_t i = lit, k = 0;
  while (i < n && s[i] != '"') {
    size_t raw = 1, dec = 1;
    if (s[i] == '\\' && i + 1 < n && s[i + 1] == 'u') {
      unsigned cp = js_hex4(s, n, i + 2);
      raw = 6;
      if (cp >= 0xD800 && cp < 0xDC00 && i + 7 < n && s[i + 6] == '\\' && s[i + 7] == 'u') {
        raw = 12;
        dec = 4;
      } else {
        char b[4];
        dec = cd_utf8_encode(cp, b);
      }
    } else if (s[i] == '\\') {
      raw = 2;
    }
    if (k + dec > off)
      break;
    k += dec;
    i += raw;
  }
  return i;
}

/* owner[key], a string, becomes a document; its units join d's. */
static cd_status add_field(cd_wire_doc *d, struct wire_ninjs *nj, const cd_wire_options *o,
                           json_object *owner, const char *key, const char *role, bool html,
                           const char *label, size_t lit, cd_error *err) {
  json_object *v;
  if (!json_object_object_get_ex(owner, key, &v) || !json_object_is_type(v, json_type_string))
    return CD_OK;
  if (cd_grow((void **)&nj->f, nj->nf, &nj->cap, sizeof *nj->f))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  nj_field *f = &nj->f[nj->nf];
  memset(f, 0, sizeof *f);
  f->owner = owner;
  snprintf(f->key, sizeof f->key, "%s", key);
  snprintf(f->label, sizeof f->label, "%s", label);
  f->role = role;
  f->html = html;
  f->lit = lit;
  const char *s = json_object_get_string(v);
  size_t n = (size_t)json_object_get_string_len(v);
  cd_status st;
  if (html) {
    cd_wire_options so = *o;
    so.format = CD_WIRE_HTML;
    so.label = f->label;
    st = cd_wire_parse(&so, s, n, &f->sub, err);
  } else if ((st = text_doc(f->label, s, n, role, &f->sub))) {
    st = cd_error_set(err, st, "out of memory");
  }
  if (st)
    return st;
  size_t idx = nj->nf++;
  for (size_t k = 0; k < cd_wire_unit_count(f->sub); k++) {
    if (cd_grow((void **)&d->units, d->nunits, &d->cap_units, sizeof *d->units) ||
        !(nj->map = realloc(nj->map, (d->nunits + 1) * sizeof *nj->map)))
      return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    wire_unit *u = &d->units[d->nunits];
    memset(u, 0, sizeof *u);
    u->pub = *cd_wire_unit_at(f->sub, k);
    if (html && strcmp(role, "body") != 0)
      u->pub.role = role;
    nj->map[d->nunits][0] = idx;
    nj->map[d->nunits][1] = k;
    d->nunits++;
  }
  return CD_OK;
}

/* ninjs 2.x: an array of {"value", "contenttype"}: HTML when the content type says so. */
static cd_status add_array(cd_wire_doc *d, struct wire_ninjs *nj, const cd_wire_options *o,
                           const nj_spec *sp, cd_error *err) {
  json_object *arr, *ct;
  if (!json_object_object_get_ex(nj->root, sp->key, &arr) ||
      !json_object_is_type(arr, json_type_array))
    return CD_OK;
  cd_status st = CD_OK;
  for (size_t i = 0; i < json_object_array_length(arr) && !st; i++) {
    json_object *el = json_object_array_get_idx(arr, i);
    if (!json_object_is_type(el, json_type_object))
      continue;
    bool html = json_object_object_get_ex(el, "contenttype", &ct) &&
                json_object_is_type(ct, json_type_string) &&
                strstr(json_object_get_string(ct), "html");
    char label[256];
    snprintf(label, sizeof label, "%.180s#%.40s[%zu]", d->label, sp->key, i);
    size_t v = js_element(d->raw, d->raw_len,
                          js_member(d->raw, d->raw_len, js_ws(d->raw, d->raw_len, 0), sp->key), i);
    v = js_lit(d->raw, d->raw_len, js_member(d->raw, d->raw_len, v, "value"));
    st = add_field(d, nj, o, el, "value", sp->role, html, label, v, err);
  }
  return st;
}

/* Each prose field present becomes a document (or several: an array); units join d's. */
static cd_status read_fields(cd_wire_doc *d, struct wire_ninjs *nj, const cd_wire_options *o,
                             cd_error *err) {
  cd_status st = CD_OK;
  size_t root = js_ws(d->raw, d->raw_len, 0);
  for (size_t i = 0; i < nj->nspec && !st; i++) {
    const nj_spec *sp = &nj->spec[i];
    char label[256];
    snprintf(label, sizeof label, "%.180s#%.63s", d->label, sp->key);
    st = sp->kind == 'a'
             ? add_array(d, nj, o, sp, err)
             : add_field(d, nj, o, nj->root, sp->key, sp->role, sp->kind == 'h', label,
                         js_lit(d->raw, d->raw_len, js_member(d->raw, d->raw_len, root, sp->key)),
                         err);
  }
  return st;
}

cd_status wire_ninjs_read(cd_wire_doc *d, const cd_wire_options *o, cd_error *err) {
  struct wire_ninjs *nj = calloc(1, sizeof *nj);
  if (!nj)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  d->nj = nj;
  snprintf(d->charset, sizeof d->charset, "UTF-8");
  d->w = d->raw;
  d->w_len = d->raw_len;
  d->w_is_raw = true;
  nj->final_newline = d->raw_len && d->raw[d->raw_len - 1] == '\n';
  cd_status st = load_fields(o->data_dir, nj, o->ednotes, err);
  if (!st)
    st = parse_json(d, nj, err);
  json_object *lang;
  if (!st && json_object_object_get_ex(nj->root, "language", &lang) &&
      json_object_is_type(lang, json_type_string))
    snprintf(d->lang, sizeof d->lang, "%s", json_object_get_string(lang));
  if (!st)
    st = read_fields(d, nj, o, err);
  return st;
}

cd_status wire_ninjs_replace(cd_wire_doc *d, size_t unit, size_t start, size_t end,
                             const char *repl, size_t n, cd_error *err) {
  const size_t *m = d->nj->map[unit];
  return cd_wire_replace(d->nj->f[m[0]].sub, m[1], start, end, repl, n, err);
}

/* The file offset of a unit's text: through the field's document to its string, then
 * through the string's escapes to the file (the start of the document when the string was
 * not found). */
uint64_t wire_ninjs_file_offset(const cd_wire_doc *d, size_t unit, size_t off) {
  const size_t *m = d->nj->map[unit];
  const nj_field *f = &d->nj->f[m[0]];
  uint64_t in_value = cd_wire_file_offset(f->sub, m[1], off);
  return f->lit == SIZE_MAX ? 0 : js_offset(d->raw, d->raw_len, f->lit, (size_t)in_value);
}

cd_status wire_ninjs_write(cd_wire_doc *d, cd_buf *out, cd_error *err) {
  struct wire_ninjs *nj = d->nj;
  cd_buf s = CD_BUF_INIT;
  for (size_t i = 0; i < nj->nf; i++) {
    if (!nj->f[i].sub)
      continue;
    cd_buf_clear(&s);
    cd_status st = cd_wire_write(nj->f[i].sub, &s, err);
    if (!st && json_object_object_add(nj->f[i].owner, nj->f[i].key,
                                      json_object_new_string_len(cd_buf_at(&s, 0), (int)s.len)))
      st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    if (st) {
      cd_buf_free(&s);
      return st;
    }
  }
  cd_buf_free(&s);
  const char *js = json_object_to_json_string_ext(
      nj->root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
  if (!js || cd_buf_append_str(out, js) || (nj->final_newline && cd_buf_append(out, "\n", 1)))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  return CD_OK;
}

const char *wire_ninjs_label(const cd_wire_doc *d, size_t unit) {
  return unit < d->nunits ? d->nj->f[d->nj->map[unit][0]].sub->label : d->label;
}
