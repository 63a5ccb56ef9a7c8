/* SPDX-License-Identifier: MIT */
/* ANPA 1312 / IPTC 7901 (see cd_wire.h): the framing is parsed, the take is rendered as clean
 * plain text — the header lines kept as metadata lines, then the head lines and the tab-indented
 * paragraphs, one a line — and that rendering is the document the stages edit.
 *
 *   SYN SYN SOH header (selector codes, priority, category, keyword line) STX
 *   ^keyword line<            the slug: metadata, never touched
 *   ^Headline<                head lines end with '<' (or '=' for the byline)
 *   \t   Paragraph ...        body paragraphs, tab-indented
 *   ETX post-text (filing time) EOT
 *
 * The text conventions become what the stages know: `` and '' a straight double quote, ` a
 * straight single one, " _ " a " -- "; typography then gives the house's quotes and dash. Each
 * conversion is an anchor between the rendering and the file, so units and change-log offsets
 * are byte offsets in the original file. */
#include "cd_lines.h"
#include "wire_internal.h"

#include <iconv.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SOH = 0x01, STX = 0x02, ETX = 0x03, EOT = 0x04, SYN = 0x16 };

typedef struct anpa_rule {
  char end;
  char prefix[32];
  char role[16];
} anpa_rule;

typedef struct anpa_ctx {
  cd_wire_doc *d;
  const cd_wire_options *o;
  anpa_rule *rules;
  size_t nrules, cap;
  cd_buf p; /* the rendering */
  bool headline_seen;
  bool utf8;      /* the file is valid UTF-8 (else its bytes are cp1252) */
  iconv_t cp1252; /* cp1252 → UTF-8, when needed */
} anpa_ctx;

static cd_status rule_line(void *ud, char *line, size_t len, cd_error *why) {
  anpa_ctx *c = ud;
  (void)len;
  anpa_rule r;
  memset(&r, 0, sizeof r);
  if (sscanf(line, "%c\t%31[^\t]\t%15[^\t]", &r.end, r.prefix, r.role) != 3 ||
      (r.end != '<' && r.end != '='))
    return cd_error_set(why, CD_ERR_DATA, "expected <|=<TAB>prefix<TAB>role");
  if (CD_GROW(c->rules, c->nrules, c->cap))
    return CD_ERR_NOMEM;
  c->rules[c->nrules++] = r;
  return CD_OK;
}

static cd_status load_rules(anpa_ctx *c, cd_error *err) {
  char path[4096];
  snprintf(path, sizeof path, "%s/wire/anpa.tsv", c->o->data_dir ? c->o->data_dir : ".");
  return cd_lines_each(path, rule_line, c, err);
}

/* ---- rendering ---- */

/* Appends orig[a, b) to the rendering, converting the wire conventions when convert, and
 * cp1252 bytes of a file that is not UTF-8, dropping control characters but the tab;
 * anchors around every change of length. */
static cd_status render(anpa_ctx *c, size_t a, size_t b, bool convert) {
  const char *s = c->d->orig;
  for (size_t i = a; i < b;) {
    const char *lit = NULL, *rule = NULL;
    size_t used = 1;
    if (s[i] == 0x1F) /* a unit separator (between selector codes): a space */
      lit = " ";
    else if (convert && i + 1 < b &&
             ((s[i] == '`' && s[i + 1] == '`') || (s[i] == '\'' && s[i + 1] == '\'')))
      lit = "\"", used = 2, rule = "decode.anpa-quote";
    else if (convert && s[i] == '`')
      lit = "'", rule = "decode.anpa-quote";
    else if (convert && s[i] == '_' && i > a && i + 1 < b && s[i - 1] == ' ' && s[i + 1] == ' ')
      lit = "--", rule = "decode.anpa-dash";
    if (rule) { /* a wire convention: logged, so that the stages' records start from it */
      size_t at = c->p.len;
      if (cd_buf_append_str(&c->p, lit) ||
          wire_fix_add(c->d, i, i + used, at, c->p.len, rule, s + i, used, 1.0))
        return CD_ERR_NOMEM;
      i += used;
      continue;
    }
    char u8[8];
    if (!lit && !c->utf8 && (unsigned char)s[i] >= 0x80) {
      char *in = (char *)s + i, *out = u8;
      size_t il = 1, ol = sizeof u8 - 1;
      iconv(c->cp1252, NULL, NULL, NULL, NULL);
      if (iconv(c->cp1252, &in, &il, &out, &ol) == (size_t)-1)
        out = u8 + cd_utf8_encode(0xFFFD, u8);
      *out = '\0';
      lit = u8;
    }
    if (!lit && (unsigned char)s[i] < 0x20 && s[i] != '\t') {
      if (wire_amap_add(c->d, c->p.len, i + 1)) /* a stray control character: out */
        return CD_ERR_NOMEM;
      i++;
      continue;
    }
    if (!lit) {
      if (cd_buf_append(&c->p, s + i, 1))
        return CD_ERR_NOMEM;
      i++;
      continue;
    }
    if (wire_amap_add(c->d, c->p.len, i) || cd_buf_append_str(&c->p, lit) ||
        wire_amap_add(c->d, c->p.len, i + used))
      return CD_ERR_NOMEM;
    i += used;
  }
  return CD_OK;
}

/* A line of the rendering from orig[a, b): a unit of role, or (role NULL) a metadata line of
 * kind ('h' header, 'k' keyword, 't' post-text, '<' a head line kept, '=' a byline), kept
 * as it is and remembered for NITF. */
static cd_status put_line(anpa_ctx *c, size_t a, size_t b, const char *role, const char *label,
                          char kind) {
  cd_status st = CD_OK;
  if (label)
    st = cd_buf_append_str(&c->p, label);
  if (!st && role)
    st = wire_unit_begin(c->d, role);
  size_t p0 = c->p.len;
  if (!st)
    st = wire_amap_add(c->d, p0, a);
  if (!st)
    st = render(c, a, b, role != NULL);
  if (!st && role) {
    st = wire_piece_add(c->d, p0, c->p.len, cd_buf_at(&c->p, p0), c->p.len - p0, NULL, 0,
                        WIRE_ESC_NONE);
    if (!st)
      st = wire_unit_end(c->d);
  }
  if (!st)
    st = wire_amap_add(c->d, c->p.len, b);
  if (!st && !role) {
    cd_wire_doc *d = c->d;
    if (cd_grow((void **)&d->meta, d->nmeta, &d->cap_meta, sizeof *d->meta))
      return CD_ERR_NOMEM;
    d->meta[d->nmeta++] = (wire_meta){kind, p0, c->p.len};
  }
  return st ? st : cd_buf_append(&c->p, "\n", 1);
}

static bool ctl(char ch) { return (unsigned char)ch < 0x20 && ch != '\t'; }

/* A header line orig[a, b): control characters (selector separators, DC1, DC3) out. */
static cd_status put_header(anpa_ctx *c, size_t a, size_t b) {
  const char *s = c->d->orig;
  while (a < b && (ctl(s[a]) || s[a] == ' '))
    a++;
  return a == b ? CD_OK : put_line(c, a, b, NULL, "ANPA-Header: ", 'h');
}

static const char *head_role(anpa_ctx *c, const char *s, size_t n, char end) {
  for (size_t k = 0; k < c->nrules; k++) {
    const anpa_rule *r = &c->rules[k];
    size_t pl = strlen(r->prefix);
    if (r->end != end || (strcmp(r->prefix, "*") != 0 && (n < pl || memcmp(s, r->prefix, pl))))
      continue;
    if (strcmp(r->role, "keep") == 0 || (strcmp(r->role, "ednote") == 0 && !c->o->ednotes))
      return NULL;
    if (strcmp(r->role, "headline") == 0 && c->headline_seen)
      return "subheadline";
    if (strcmp(r->role, "headline") == 0)
      c->headline_seen = true;
    return strcmp(r->role, "ednote") == 0 ? "ednote" : "headline";
  }
  return NULL;
}

/* One line of the text orig[a, b) (no line end). */
static cd_status text_line(anpa_ctx *c, size_t a, size_t b, bool *keyword_done) {
  const char *s = c->d->orig;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\r'))
    b--;
  if (a < b && s[a] == '^') {
    a++;
    char end = b > a && (s[b - 1] == '<' || s[b - 1] == '=') ? s[b - 1] : '<';
    if (b > a && (s[b - 1] == '<' || s[b - 1] == '='))
      b--;
    while (b > a && s[b - 1] == ' ')
      b--;
    if (!*keyword_done) { /* the slug: the last metadata line, then the take */
      *keyword_done = true;
      cd_status st = put_line(c, a, b, NULL, "Keyword: ", 'k');
      return st ? st : cd_buf_append(&c->p, "\n", 1);
    }
    return put_line(c, a, b, head_role(c, s + a, b - a, end), NULL, end);
  }
  size_t t = a;
  while (t < b && (s[t] == '\t' || s[t] == ' '))
    t++;
  if (t == b)
    return CD_OK; /* a blank line between paragraphs */
  /* a paragraph: a blank line before it in the rendering */
  if (cd_buf_append(&c->p, "\n", 1))
    return CD_ERR_NOMEM;
  return put_line(c, t, b, "body", NULL, 0);
}

static const char *find_byte(const char *s, size_t from, size_t to, char ch) {
  return from < to ? memchr(s + from, ch, to - from) : NULL;
}

static cd_status framing_error(anpa_ctx *c, size_t at, const char *what, cd_error *err) {
  unsigned long line = 1;
  for (size_t i = 0; i < at && i < c->d->orig_len; i++)
    line += c->d->orig[i] == '\n';
  return cd_error_set(err, CD_ERR_INPUT, "%s:%lu: truncated ANPA framing: %s", c->d->label, line,
                      what);
}

static cd_status parse(anpa_ctx *c, cd_error *err) {
  const char *s = c->d->orig;
  size_t n = c->d->orig_len, i = 0;
  while (i < n && s[i] == SYN)
    i++;
  if (i >= n || s[i] != SOH)
    return framing_error(c, i, "no SOH (start of header)", err);
  const char *stx = find_byte(s, i, n, STX);
  if (!stx)
    return framing_error(c, n, "no STX (start of text)", err);
  size_t text = (size_t)(stx - s) + 1;
  const char *etx = find_byte(s, text, n, ETX);
  if (!etx)
    return framing_error(c, n, "no ETX (end of text)", err);
  size_t text_end = (size_t)(etx - s);
  cd_status st = CD_OK;
  for (size_t a = i + 1; a < text - 1 && !st;) { /* header lines */
    const char *nl = find_byte(s, a, text - 1, '\n');
    size_t b = nl ? (size_t)(nl - s) : text - 1;
    st = put_header(c, a, b);
    a = b + 1;
  }
  bool keyword_done = false;
  for (size_t a = text; a < text_end && !st;) {
    const char *nl = find_byte(s, a, text_end, '\n');
    size_t b = nl ? (size_t)(nl - s) : text_end;
    st = text_line(c, a, b, &keyword_done);
    a = b + 1;
  }
  /* the post-text (filing time, editor) up to EOT */
  const char *eot = find_byte(s, text_end + 1, n, EOT);
  size_t post_end = eot ? (size_t)(eot - s) : n;
  const char *nl = find_byte(s, text_end + 1, post_end, '\n');
  size_t b = nl ? (size_t)(nl - s) : post_end;
  while (b > text_end + 1 && (s[b - 1] == '<' || s[b - 1] == ' ' || s[b - 1] == '\r'))
    b--;
  if (!st && b > text_end + 1)
    st = cd_buf_append(&c->p, "\n", 1) ? CD_ERR_NOMEM
                                       : put_line(c, text_end + 1, b, NULL, "ANPA-Trailer: ", 't');
  if (st == CD_ERR_NOMEM)
    return cd_error_set(err, st, "out of memory");
  return st;
}

cd_status wire_anpa_read(cd_wire_doc *d, const cd_wire_options *o, cd_error *err) {
  anpa_ctx c;
  memset(&c, 0, sizeof c);
  c.d = d;
  c.o = o;
  c.cp1252 = (iconv_t)-1;
  /* the original bytes move to orig; raw becomes the rendering */
  d->orig = d->raw;
  d->orig_len = d->raw_len;
  d->raw = NULL;
  d->raw_len = 0;
  c.utf8 = cd_utf8_is_valid(d->orig, d->orig_len);
  if (!c.utf8 && (c.cp1252 = iconv_open("UTF-8", "WINDOWS-1252")) == (iconv_t)-1)
    return cd_error_set(err, CD_ERR_INTERNAL, "iconv: no WINDOWS-1252");
  cd_status st = load_rules(&c, err);
  if (!st)
    st = parse(&c, err);
  free(c.rules);
  if (c.cp1252 != (iconv_t)-1)
    iconv_close(c.cp1252);
  if (st) {
    cd_buf_free(&c.p);
    return st;
  }
  if (!c.p.data && cd_buf_append(&c.p, "", 0))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  d->raw = c.p.data ? c.p.data : calloc(1, 1);
  d->raw_len = c.p.len;
  d->w = d->raw;
  d->w_len = d->raw_len;
  d->w_is_raw = true;
  snprintf(d->charset, sizeof d->charset, "%s", c.utf8 ? "UTF-8" : "WINDOWS-1252");
  return CD_OK;
}

/* ---- NITF out ---- */

static xmlNodePtr child(xmlNodePtr parent, const char *name, const char *text, size_t n) {
  xmlNodePtr k = xmlNewChild(parent, NULL, (const xmlChar *)name, NULL);
  if (k && text) {
    xmlNodePtr t = xmlNewTextLen((const xmlChar *)text, (int)n);
    if (!t || !xmlAddChild(k, t)) {
      xmlFreeNode(t);
      return NULL;
    }
  }
  return k;
}

static bool meta_el(xmlNodePtr head, const char *name, const char *s, size_t n) {
  xmlNodePtr m = xmlNewChild(head, NULL, (const xmlChar *)"meta", NULL);
  char *v = strndup(s, n);
  bool ok = m && v && xmlNewProp(m, (const xmlChar *)"name", (const xmlChar *)name) &&
            xmlNewProp(m, (const xmlChar *)"content", (const xmlChar *)v);
  free(v);
  return ok;
}

/* The head: the header lines and the post-text as <meta>, then the keyword as <du-key>
 * (NITF's order: meta before docdata). */
static bool nitf_head(const cd_wire_doc *d, xmlNodePtr root) {
  xmlNodePtr head = child(root, "head", NULL, 0);
  bool ok = head != NULL;
  for (size_t i = 0; i < d->nmeta && ok; i++) {
    const wire_meta *m = &d->meta[i];
    if (m->kind == 'h' || m->kind == 't')
      ok = meta_el(head, m->kind == 'h' ? "anpa-header" : "anpa-trailer", d->raw + m->p_s,
                   m->p_e - m->p_s);
  }
  xmlNodePtr dd = ok ? child(head, "docdata", NULL, 0) : NULL;
  ok = dd != NULL;
  for (size_t i = 0; i < d->nmeta && ok; i++) {
    const wire_meta *m = &d->meta[i];
    if (m->kind != 'k')
      continue;
    xmlNodePtr k = child(dd, "du-key", NULL, 0);
    char *v = strndup(d->raw + m->p_s, m->p_e - m->p_s);
    ok = k && v && xmlNewProp(k, (const xmlChar *)"key", (const xmlChar *)v);
    free(v);
  }
  return ok;
}

/* The body: head lines (headline, subheadlines, kept notes), the byline, the paragraphs;
 * the units' text as edited (out is what cd_wire_write produced). */
static bool nitf_body(const cd_wire_doc *d, const char *out, size_t out_len, xmlNodePtr root) {
  xmlNodePtr body = child(root, "body", NULL, 0),
             bh = body ? child(body, "body.head", NULL, 0) : NULL;
  xmlNodePtr hed = bh ? child(bh, "hedline", NULL, 0) : NULL, byline = NULL;
  xmlNodePtr bc = body ? child(body, "body.content", NULL, 0) : NULL;
  bool ok = hed && bc;
  for (size_t i = 0; i < d->nunits && ok; i++) {
    const cd_wire_unit *u = &d->units[i].pub;
    uint64_t a = cd_wire_output_offset(d, u->start), b = cd_wire_output_offset(d, u->end);
    if (b > out_len || a > b)
      return false;
    const char *role = u->role;
    const char *el = strcmp(role, "headline") == 0      ? "hl1"
                     : strcmp(role, "subheadline") == 0 ? "hl2"
                                                        : NULL;
    if (el)
      ok = child(hed, el, out + a, (size_t)(b - a)) != NULL;
    else if (strcmp(role, "ednote") == 0)
      ok = child(bh, "note", out + a, (size_t)(b - a)) != NULL;
    else
      ok = child(bc, "p", out + a, (size_t)(b - a)) != NULL;
  }
  for (size_t i = 0; i < d->nmeta && ok; i++) {
    const wire_meta *m = &d->meta[i];
    const char *s = d->raw + m->p_s;
    size_t n = m->p_e - m->p_s;
    if (m->kind == '=' && !byline)
      ok = (byline = child(bh, "byline", s, n)) != NULL;
    else if (m->kind == '=')
      ok = child(byline, "byttl", s, n) != NULL;
    else if (m->kind == '<')
      ok = child(bh, "note", s, n) != NULL;
  }
  return ok;
}

cd_status cd_wire_anpa_nitf(const cd_wire_doc *d, const char *out, size_t out_len, cd_buf *nitf,
                            cd_error *err) {
  if (d->format != CD_WIRE_ANPA)
    return cd_error_set(err, CD_ERR_USAGE, "%s: only an ANPA take is written as NITF", d->label);
  xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
  xmlNodePtr root = doc ? xmlNewNode(NULL, (const xmlChar *)"nitf") : NULL;
  bool ok = root != NULL;
  if (ok) {
    xmlDocSetRootElement(doc, root);
    ok = xmlNewProp(root, (const xmlChar *)"version",
                    (const xmlChar *)"-//IPTC//DTD NITF 3.6//EN") &&
         nitf_head(d, root) && nitf_body(d, out, out_len, root);
  }
  xmlChar *mem = NULL;
  int len = 0;
  if (ok)
    xmlDocDumpFormatMemoryEnc(doc, &mem, &len, "UTF-8", 1);
  ok = ok && mem && !cd_buf_append(nitf, mem, (size_t)len);
  xmlFree(mem);
  xmlFreeDoc(doc);
  return ok ? CD_OK : cd_error_set(err, CD_ERR_NOMEM, "%s: out of memory writing NITF", d->label);
}
