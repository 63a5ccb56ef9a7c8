/* SPDX-License-Identifier: MIT */
/* XML wire formats: NewsML-G2, NewsML 1.x, NITF 3.x, XHTML (see cd_wire.h).
 *
 * libxml2 parses (well-formedness, namespaces, entities and character references, the
 * declared encoding, its limits): it alone decides what the document is. It does not say
 * where in the file a text node was, so a locator then walks the bytes in step with the
 * tree, in document order: each tree node is matched with the markup the file has for it
 * (a start tag with the element's name, a text run, a CDATA section, a comment), and each
 * text run, decoded, must equal the node's content. A mismatch is an error, never a guess:
 * the spans the edits are spliced into are the ones libxml2 read. */
#include "cd_decode.h"
#include "cd_lang.h"
#include "cd_xml.h"
#include "wire_internal.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef enum { T_EOF, T_TEXT, T_START, T_EMPTY, T_END, T_COMMENT, T_PI, T_CDATA, T_DECL } tok_type;

typedef struct tok {
  tok_type t;
  size_t a, b;   /* the whole token */
  size_t ca, cb; /* text: the run; CDATA: its content; tags: the name */
} tok;

typedef struct xml_ctx {
  cd_wire_doc *d;
  const cd_wire_options *o;
  wire_rules *rules;
  cd_error *err;
  size_t pos; /* the locator, in the working buffer */
  bool html;  /* libxml2's HTML parser: text nodes are matched, tags are not (omitted end tags,
                 implied elements) */
  /* HTML: where libxml2 read each piece of text (see html_parse) */
  struct html_piece *hp;
  size_t nhp, cap_hp;
  size_t hp_last; /* the end of the text libxml2 read last */
  bool hp_nomem;
  void (*sax_chars)(void *, const xmlChar *, int);
  void (*sax_blanks)(void *, const xmlChar *, int);
  cd_buf dec; /* a text run, decoded */
  wire_anchor *anch;
  size_t nanch, cap_anch;
  char lang_meta[16], lang_xml[16];
  /* the document names an external DTD (NITF's): the HTML 4 character entities it declares
     (&ndash;, &nbsp;) are characters, read from libxml2's table, the DTD never fetched */
  bool dtd_names;
  /* first error libxml2 reported */
  bool failed;
  int line;
  char msg[512];
  char generic[256];
} xml_ctx;

typedef struct wstate {
  const char *nons; /* vocabulary of elements without a namespace */
  /* inside a content element of vocabulary `from` (G2 inlineXML): elements in that
   * vocabulary are `to` (a <nitf> without its own xmlns inherits the G2 default namespace) */
  const char *from, *to;
  const char *ctx_role; /* role given by a context element */
  const char *unit_role;
  bool skip, in_unit;
} wstate;

/* ---- the locator's lexer: where each piece of markup is (libxml2 has checked it) ---- */

static size_t find(const char *w, size_t n, size_t from, const char *s) {
  size_t sl = strlen(s);
  const char *p = from <= n ? memmem(w + from, n - from, s, sl) : NULL;
  return p ? (size_t)(p - w) + sl : n;
}

/* The end of a tag: the first '>' outside an attribute value. A quote opens a value only
 * after '=' (blanks between): as libxml2's HTML parser reads a broken tag (`<m """>` ends at
 * its '>'), and as every well-formed XML tag is. */
static size_t tag_end(const char *w, size_t n, size_t i) {
  char q = 0;
  bool after_eq = false;
  for (; i < n; i++) {
    if (q) {
      if (w[i] == q)
        q = 0;
    } else if ((w[i] == '"' || w[i] == '\'') && after_eq) {
      q = w[i];
    } else if (w[i] == '>') {
      return i + 1;
    }
    if (w[i] != ' ' && w[i] != '\t' && w[i] != '\n' && w[i] != '\r' && w[i] != '\f')
      after_eq = !q && w[i] == '=';
  }
  return n;
}

static size_t decl_end(const char *w, size_t n, size_t i) {
  int depth = 0;
  char q = 0;
  for (; i < n; i++) {
    if (q) {
      if (w[i] == q)
        q = 0;
    } else if (w[i] == '"' || w[i] == '\'') {
      q = w[i];
    } else if (w[i] == '<' && i + 3 < n && memcmp(w + i, "<!--", 4) == 0) {
      i = find(w, n, i + 4, "-->") - 1;
    } else if (w[i] == '[') {
      depth++;
    } else if (w[i] == ']') {
      depth--;
    } else if (w[i] == '>' && depth <= 0) {
      return i + 1;
    }
  }
  return n;
}

static size_t name_end(const char *w, size_t n, size_t i) {
  while (i < n && w[i] != ' ' && w[i] != '\t' && w[i] != '\r' && w[i] != '\n' && w[i] != '/' &&
         w[i] != '>')
    i++;
  return i;
}

static bool starts(const char *w, size_t n, size_t i, const char *s) {
  size_t sl = strlen(s);
  return i + sl <= n && memcmp(w + i, s, sl) == 0;
}

static tok lex(const char *w, size_t n, size_t i) {
  tok t = {T_EOF, i, i, i, i};
  if (i >= n)
    return t;
  if (w[i] != '<') {
    const char *lt = memchr(w + i, '<', n - i);
    t.t = T_TEXT;
    t.b = t.cb = lt ? (size_t)(lt - w) : n;
  } else if (starts(w, n, i, "<!--")) {
    t.t = T_COMMENT;
    t.b = find(w, n, i + 4, "-->");
  } else if (starts(w, n, i, "<![CDATA[")) {
    t.t = T_CDATA;
    t.ca = i + 9;
    t.b = find(w, n, t.ca, "]]>");
    t.cb = t.b >= t.ca + 3 ? t.b - 3 : t.ca;
  } else if (starts(w, n, i, "<!")) {
    t.t = T_DECL;
    t.b = decl_end(w, n, i + 2);
  } else if (starts(w, n, i, "<?")) {
    t.t = T_PI;
    t.b = find(w, n, i + 2, "?>");
  } else {
    bool end = starts(w, n, i, "</");
    t.ca = i + (end ? 2 : 1);
    t.cb = name_end(w, n, t.ca);
    t.b = tag_end(w, n, t.cb);
    t.t = end ? T_END : (t.b >= 2 && w[t.b - 2] == '/') ? T_EMPTY : T_START;
  }
  return t;
}

/* ---- errors ---- */

static cd_status fail_at(xml_ctx *c, size_t w, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static cd_status fail_at(xml_ctx *c, size_t w, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  unsigned long line, col;
  wire_line_col(c->d, w, &line, &col);
  return cd_error_set(c->err, CD_ERR_INPUT, "%s:%lu: %s", c->d->label, line, msg);
}

static void on_error(void *ud, xmlErrorPtr e) {
  xmlParserCtxtPtr ctxt = ud;
  xml_ctx *c = ctxt ? ctxt->_private : NULL;
  if (!c || !e || e->level < XML_ERR_ERROR || c->failed)
    return;
  if ((e->code == XML_ERR_UNDECLARED_ENTITY || e->code == XML_WAR_UNDECLARED_ENTITY) &&
      ctxt->hasExternalSubset && e->str1 && htmlEntityLookup((const xmlChar *)e->str1))
    return; /* declared by the external DTD, which is not read: a character we know */
  c->failed = true;
  c->line = e->line;
  snprintf(c->msg, sizeof c->msg, "%s", e->message ? e->message : "XML error");
  size_t n = strlen(c->msg);
  while (n && (c->msg[n - 1] == '\n' || c->msg[n - 1] == ' '))
    c->msg[--n] = '\0';
  for (size_t i = 0; i < n; i++) /* one line: "…encoding !\nBytes: 0xE9…" */
    if (c->msg[i] == '\n')
      c->msg[i] = ' ';
}

static void on_generic(void *ud, const char *fmt, ...) {
  xml_ctx *c = ud;
  if (c->generic[0])
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->generic, sizeof c->generic, fmt, ap);
  va_end(ap);
  size_t n = strlen(c->generic);
  while (n && (c->generic[n - 1] == '\n' || c->generic[n - 1] == ' '))
    c->generic[--n] = '\0';
}

/* ---- text runs ---- */

static cd_status anchor(xml_ctx *c, size_t d, size_t w) {
  if (cd_grow((void **)&c->anch, c->nanch, &c->cap_anch, sizeof *c->anch))
    return CD_ERR_NOMEM;
  c->anch[c->nanch++] = (wire_anchor){d, w};
  return CD_OK;
}

/* The character a reference w[i, semi) ("&amp", "&#233") stands for; -1 when it is none of
 * the predefined ones or a character reference (an entity: refused). */
static int32_t ref_value(const char *w, size_t i, size_t semi) {
  static const struct {
    const char *name;
    int32_t cp;
  } pre[] = {{"&lt", '<'}, {"&gt", '>'}, {"&amp", '&'}, {"&quot", '"'}, {"&apos", '\''}};
  size_t n = semi - i;
  for (size_t k = 0; k < 5; k++)
    if (strlen(pre[k].name) == n && memcmp(w + i, pre[k].name, n) == 0)
      return pre[k].cp;
  if (n < 3 || w[i + 1] != '#')
    return -1;
  bool hex = w[i + 2] == 'x';
  int32_t v = 0;
  for (size_t k = i + (hex ? 3 : 2); k < semi; k++) {
    char ch = w[k];
    int dv = ch >= '0' && ch <= '9'          ? ch - '0'
             : hex && ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
             : hex && ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                             : -1;
    if (dv < 0 || v > 0x10FFFF)
      return -1;
    v = v * (hex ? 16 : 10) + dv;
  }
  return v;
}

/* HTML: "&name;" (a name libxml2 knows), "&#N;", "&#xH;" is a character; anything else
 * after '&' is text. Returns the character and sets *j past the reference, or -2. */
static int32_t html_ref(const char *w, size_t i, size_t b, size_t *j) {
  size_t k = i + 1;
  while (k < b && k - i < 32 &&
         ((w[k] >= 'a' && w[k] <= 'z') || (w[k] >= 'A' && w[k] <= 'Z') ||
          (w[k] >= '0' && w[k] <= '9') || w[k] == '#'))
    k++;
  if (k >= b || w[k] != ';' || k == i + 1)
    return -2;
  *j = k + 1;
  if (w[i + 1] == '#')
    return ref_value(w, i, k) < 0 ? -2 : ref_value(w, i, k);
  char name[40];
  memcpy(name, w + i + 1, k - i - 1);
  name[k - i - 1] = '\0';
  const htmlEntityDesc *e = htmlEntityLookup((const xmlChar *)name);
  return e ? (int32_t)e->value : -2;
}

/* "&ndash" (w[i, semi)): an HTML 4 character entity an external DTD declares, or -1. */
static int32_t dtd_name_value(const char *w, size_t i, size_t semi) {
  char name[40];
  if (semi - i < 2 || semi - i > sizeof name)
    return -1;
  memcpy(name, w + i + 1, semi - i - 1);
  name[semi - i - 1] = '\0';
  const htmlEntityDesc *e = htmlEntityLookup((const xmlChar *)name);
  return e ? (int32_t)e->value : -1;
}

/* Decodes w[a, b) into c->dec as libxml2 does (references when refs: 1 XML, 2 HTML; line
 * ends), with an anchor around each character that is not its own bytes. */
static cd_status decode_run(xml_ctx *c, size_t a, size_t b, int refs) {
  const char *w = c->d->w;
  cd_buf_clear(&c->dec);
  c->nanch = 0;
  for (size_t i = a; i < b;) {
    size_t j = i + 1;
    int32_t cp = -2;
    if (refs == 2 && (unsigned char)w[i] < 0x20 && w[i] != '\t' && w[i] != '\n' && w[i] != '\r' &&
        w[i] != '\f') {
      /* HTML: libxml2 drops a C0 control (NUL included) from the text */
      if (anchor(c, c->dec.len, i) || anchor(c, c->dec.len, i + 1))
        return CD_ERR_NOMEM;
      i++;
      continue;
    }
    if (w[i] == '&' && refs == 2) {
      cp = html_ref(w, i, b, &j);
      if (cp == -2)
        j = i + 1;
    } else if (w[i] == '&' && refs) {
      const char *semi = memchr(w + i, ';', b - i);
      j = semi ? (size_t)(semi - w) + 1 : b;
      cp = semi ? ref_value(w, i, j - 1) : -1;
      if (cp < 0 && semi && c->dtd_names)
        cp = dtd_name_value(w, i, j - 1);
      if (cp < 0)
        return fail_at(c, i, "entity reference '%.*s' refused (entities are never expanded)",
                       (int)(j - i > 40 ? 40 : j - i), w + i);
    } else if (w[i] == '\r') {
      j = i + 1 < b && w[i + 1] == '\n' ? i + 2 : i + 1;
      cp = '\n';
    }
    if (cp == -2) {
      if (cd_buf_append(&c->dec, w + i, 1))
        return CD_ERR_NOMEM;
      i++;
      continue;
    }
    if (anchor(c, c->dec.len - 0, i) || cd_buf_append_cp(&c->dec, (uint32_t)cp) ||
        anchor(c, c->dec.len, j))
      return CD_ERR_NOMEM;
    i = j;
  }
  return CD_OK;
}

static cd_status add_text(xml_ctx *c, xmlNode *n, const wstate *st, size_t a, size_t b, bool cdata);
static cd_status unit_begin_lang(xml_ctx *c, xmlNode *n, const char *role);

static tok next_tok(xml_ctx *c);

/* A node of a text run: text, or a reference to a character entity of the external DTD
 * (libxml2 keeps &ndash; as its own node between the text nodes around it). */
static bool text_like(const xml_ctx *c, const xmlNode *k) {
  return k->type == XML_TEXT_NODE ||
         (k->type == XML_ENTITY_REF_NODE && c->dtd_names && htmlEntityLookup(k->name));
}

/* The text of the file up to the next tag is one token, and may be several nodes in the tree
 * (text, &ndash;, text): they are located as one run; *k becomes the last of them. */
static cd_status text_run(xml_ctx *c, xmlNode **k, const wstate *st) {
  tok t = next_tok(c);
  if (t.t != T_TEXT)
    return fail_at(c, t.a, "cannot locate a text node (internal)");
  cd_buf want = CD_BUF_INIT;
  xmlNode *first = *k, *last = *k;
  cd_status s = CD_OK;
  for (xmlNode *n = first; n && text_like(c, n) && !s; n = n->next) {
    last = n;
    if (n->type == XML_TEXT_NODE)
      s = cd_buf_append_str(&want, n->content ? (const char *)n->content : "");
    else
      s = cd_buf_append_cp(&want, htmlEntityLookup(n->name)->value);
  }
  *k = last;
  if (!s)
    s = decode_run(c, t.a, t.b, 1);
  if (!s && (want.len != c->dec.len || (want.len && memcmp(want.data, c->dec.data, want.len))))
    s = fail_at(c, t.a, "cannot locate a text node in the file (internal)");
  cd_buf_free(&want);
  return s ? s : add_text(c, first, st, t.a, t.b, false);
}

/* Anchors in c->anch are relative to the run; wire_piece_add wants them relative to the
 * node's text, which is the run: nothing to shift. */
static cd_status text_node(xml_ctx *c, xmlNode *n, const wstate *st, tok t, bool cdata) {
  size_t a = cdata ? t.ca : t.a, b = cdata ? t.cb : t.b;
  cd_status s = decode_run(c, a, b, cdata ? 0 : c->html ? 2 : 1);
  if (s)
    return s;
  const char *content = n->content ? (const char *)n->content : "";
  if (strlen(content) != c->dec.len || memcmp(content, cd_buf_at(&c->dec, 0), c->dec.len) != 0)
    return fail_at(c, a, "cannot locate a text node in the file (internal)");
  return add_text(c, n, st, a, b, cdata);
}

/* The run w[a, b), decoded in c->dec, joins the open unit (or makes one of its own). */
static cd_status add_text(xml_ctx *c, xmlNode *n, const wstate *st, size_t a, size_t b,
                          bool cdata) {
  cd_status s;
  if (st->skip)
    return CD_OK;
  bool direct = !st->in_unit && st->ctx_role; /* text directly inside a context element */
  if (!st->in_unit && !direct)
    return CD_OK;
  if (direct && unit_begin_lang(c, n, st->ctx_role))
    return CD_ERR_NOMEM;
  s = wire_piece_add(c->d, a, b, cd_buf_at(&c->dec, 0), c->dec.len, c->anch, c->nanch,
                     cdata ? WIRE_ESC_CDATA : WIRE_ESC_XML);
  if (!s && direct)
    s = wire_unit_end(c->d);
  return s;
}

static bool ascii_blank(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r' && s[i] != '\f')
      return false;
  return true;
}

/* ---- HTML: libxml2 says where it read each piece of text ----
 *
 * HTML is parsed with libxml2's own recovery (implied elements, stray end tags, the raw text
 * of <script>): its SAX text callbacks are wrapped, and after each the parser's position in
 * the page (html_pos) ends the piece just read. The piece's bytes are then found
 * before that position and checked to decode to the text libxml2 delivered: the bytes
 * themselves, a character reference, or bytes with characters libxml2 drops (C0 controls).
 * A piece that cannot be matched is marked, and only an error when its text is prose. */

typedef struct html_piece {
  const xmlNode *node;
  size_t seq;  /* the order read */
  size_t a, b; /* the bytes in the page; a == SIZE_MAX: not found */
  size_t len;  /* the text's length */
} html_piece;

/* The bytes before end that decode to text[0, len), or SIZE_MAX. */
static size_t html_piece_start(xml_ctx *c, size_t end, const char *text, size_t len) {
  const char *w = c->d->w;
  if (end > c->d->w_len || end < c->hp_last)
    return SIZE_MAX;
  if (end - c->hp_last >= len && memcmp(w + end - len, text, len) == 0)
    return end - len;
  for (size_t a = end; a > c->hp_last && end - a < 48;) /* a character reference */
    if (w[--a] == '&') {
      size_t j = a;
      int32_t cp = html_ref(w, a, end, &j);
      char u[4];
      if (cp >= 0 && j == end && cd_utf8_encode((uint32_t)cp, u) == len && !memcmp(u, text, len))
        return a;
      break;
    }
  /* controls libxml2 dropped (and the CR of a CRLF): walk back over the text's bytes,
   * passing such bytes, then check the span once (linear, however many there are) */
  size_t a = end, k = len;
  while (k > 0 && a > c->hp_last) {
    unsigned char b = (unsigned char)w[--a];
    if (b == (unsigned char)text[k - 1])
      k--;
    else if (!(b < 0x20 && b != '\t' && b != '\n' && b != '\f'))
      return SIZE_MAX;
  }
  if (k || decode_run(c, a, end, 2) || c->dec.len != len ||
      memcmp(cd_buf_at(&c->dec, 0), text, len) != 0)
    return SIZE_MAX;
  return a;
}

/* The parser's position in the page it reads, UTF-8 declared as UTF-8: libxml2 converts it
 * UTF-8 to UTF-8, byte for byte, so the position is what it has taken from the page less
 * what it has not yet read. (xmlByteConsumed says the same but converts back at most 32000
 * bytes: 2.9.14 misplaces everything read before the last 32000 bytes of a page.) */
static size_t html_pos(xmlParserCtxtPtr ctxt) {
  xmlParserInputPtr in = ctxt->input;
  if (!in || !in->cur || !in->end || in->cur > in->end)
    return SIZE_MAX;
  size_t ahead = (size_t)(in->end - in->cur);
  if (in->buf && in->buf->encoder)
    return in->buf->rawconsumed >= ahead ? (size_t)in->buf->rawconsumed - ahead : SIZE_MAX;
  return (size_t)in->consumed + (size_t)(in->cur - in->base);
}

static void html_record(xml_ctx *c, xmlParserCtxtPtr ctxt, const xmlChar *ch, int len) {
  const xmlNode *t = ctxt->node ? ctxt->node->last : NULL;
  if (!t || t->type != XML_TEXT_NODE || len <= 0 || c->hp_nomem)
    return;
  size_t b = html_pos(ctxt);
  size_t a = html_piece_start(c, b, (const char *)ch, (size_t)len);
  if (a == SIZE_MAX && b < c->d->w_len) {
    /* a long run is handed over in parts, each before the parser steps past its last
     * character: the part ends after the character at the position */
    size_t k = b;
    cd_utf8_next(c->d->w, c->d->w_len, &k);
    if ((a = html_piece_start(c, k, (const char *)ch, (size_t)len)) != SIZE_MAX)
      b = k;
  }
  if (cd_grow((void **)&c->hp, c->nhp, &c->cap_hp, sizeof *c->hp)) {
    c->hp_nomem = true;
    return;
  }
  c->hp[c->nhp] = (html_piece){t, c->nhp, a, b, (size_t)len};
  c->nhp++;
  if (a != SIZE_MAX)
    c->hp_last = b;
}

static void html_sax_chars(void *ud, const xmlChar *ch, int len) {
  xmlParserCtxtPtr ctxt = ud;
  xml_ctx *c = ctxt->_private;
  c->sax_chars(ud, ch, len);
  html_record(c, ctxt, ch, len);
}

static void html_sax_blanks(void *ud, const xmlChar *ch, int len) {
  xmlParserCtxtPtr ctxt = ud;
  xml_ctx *c = ctxt->_private;
  c->sax_blanks(ud, ch, len);
  html_record(c, ctxt, ch, len);
}

static int piece_cmp(const void *x, const void *y) {
  const html_piece *p = x, *q = y;
  if (p->node != q->node)
    return (uintptr_t)p->node < (uintptr_t)q->node ? -1 : 1;
  return p->seq < q->seq ? -1 : p->seq > q->seq;
}

/* The pieces of text node n (sorted by node, then order read), or NULL. */
static const html_piece *html_pieces(const xml_ctx *c, const xmlNode *n, size_t *np) {
  size_t lo = 0, hi = c->nhp;
  while (lo < hi) { /* the first piece of n */
    size_t mid = lo + (hi - lo) / 2;
    if ((uintptr_t)c->hp[mid].node < (uintptr_t)n)
      lo = mid + 1;
    else
      hi = mid;
  }
  size_t k = lo;
  while (k < c->nhp && c->hp[k].node == n)
    k++;
  *np = k - lo;
  return k > lo ? &c->hp[lo] : NULL;
}

/* A text node of the HTML tree that is prose joins the open unit (or makes one of its own),
 * a piece of the page for each piece libxml2 read; text that is not prose is not located. */
static cd_status html_text(xml_ctx *c, xmlNode *n, const wstate *st) {
  bool direct = !st->in_unit && st->ctx_role; /* text directly inside a context element */
  if (st->skip || (!st->in_unit && !direct))
    return CD_OK;
  const char *content = n->content ? (const char *)n->content : "";
  size_t clen = strlen(content), np = 0, sum = 0;
  const html_piece *p = html_pieces(c, n, &np);
  for (size_t k = 0; k < np; k++)
    sum = p[k].a == SIZE_MAX ? SIZE_MAX : sum + p[k].len;
  if (sum != clen && ascii_blank(content, clen))
    return CD_OK; /* white space the parser made up */
  size_t at = np ? p[0].b : c->hp_last;
  if (sum != clen)
    return fail_at(c, at < c->d->w_len ? at : c->d->w_len,
                   "cannot locate the text \"%.40s\" in the file (internal)", content);
  if (direct && unit_begin_lang(c, n, st->ctx_role))
    return CD_ERR_NOMEM;
  cd_status s = CD_OK;
  for (size_t k = 0, off = 0; k < np && !s; off += p[k++].len) {
    if (p[k].b - p[k].a == p[k].len && !memcmp(c->d->w + p[k].a, content + off, p[k].len)) {
      cd_buf_clear(&c->dec); /* the bytes as they are (a lone CR that libxml2 kept, say) */
      c->nanch = 0;
      if (cd_buf_append(&c->dec, content + off, p[k].len))
        return CD_ERR_NOMEM;
    } else if ((s = decode_run(c, p[k].a, p[k].b, 2))) {
      break;
    }
    if (c->dec.len != p[k].len || memcmp(cd_buf_at(&c->dec, 0), content + off, p[k].len))
      return fail_at(c, p[k].a, "cannot locate the text \"%.40s\" in the file (internal)", content);
    s = wire_piece_add(c->d, p[k].a, p[k].b, cd_buf_at(&c->dec, 0), c->dec.len, c->anch, c->nanch,
                       WIRE_ESC_XML);
  }
  if (!s && direct)
    s = wire_unit_end(c->d);
  return s;
}

/* ---- the walk ---- */

static cd_status walk(xml_ctx *c, xmlNode *n, const wstate *st);

static tok next_tok(xml_ctx *c) {
  tok t = lex(c->d->w, c->d->w_len, c->pos);
  c->pos = t.b;
  return t;
}

static bool name_matches(const cd_wire_doc *d, tok t, const xmlNode *n) {
  const char *local = (const char *)n->name;
  size_t ln = strlen(local), len = t.cb - t.ca;
  const char *s = d->w + t.ca;
  if (n->ns && n->ns->prefix) {
    size_t pl = strlen((const char *)n->ns->prefix);
    return len == pl + 1 + ln && memcmp(s, n->ns->prefix, pl) == 0 && s[pl] == ':' &&
           memcmp(s + pl + 1, local, ln) == 0;
  }
  return len == ln && memcmp(s, local, ln) == 0;
}

static void note_lang(xml_ctx *c, xmlNode *n, const char *vocab) {
  const char *attr = wire_rules_lang_attr(c->rules, vocab, (const char *)n->name);
  if (attr && !c->lang_meta[0]) {
    xmlChar *v = xmlGetProp(n, (const xmlChar *)attr);
    if (v && cd_lang_tag_valid((const char *)v))
      snprintf(c->lang_meta, sizeof c->lang_meta, "%s", (const char *)v);
    xmlFree(v);
  }
}

/* A unit begins at element n, in its own xml:lang when it has one (the first one met is the
 * document's, when its metadata name none). */
static cd_status unit_begin_lang(xml_ctx *c, xmlNode *n, const char *role) {
  if (wire_unit_begin(c->d, role))
    return CD_ERR_NOMEM;
  xmlChar *l = xmlNodeGetLang(n);
  if (l && cd_lang_tag_valid((const char *)l)) {
    wire_unit *u = &c->d->units[c->d->nunits - 1];
    snprintf(u->lang, sizeof u->lang, "%s", (const char *)l);
    if (!c->lang_xml[0])
      snprintf(c->lang_xml, sizeof c->lang_xml, "%s", (const char *)l);
  }
  xmlFree(l);
  return CD_OK;
}

/* The state inside element n, from the rules; *unit set when n starts a unit. */
static cd_status enter(xml_ctx *c, xmlNode *n, const wstate *st, wstate *in, bool *unit) {
  *in = *st;
  *unit = false;
  const char *vocab =
      n->ns && n->ns->href ? wire_rules_vocab(c->rules, (const char *)n->ns->href) : st->nons;
  if (st->from && vocab && strcmp(vocab, st->from) == 0)
    vocab = st->to;
  note_lang(c, n, vocab);
  const char *value = NULL;
  xmlChar *class = xmlGetNoNsProp(n, (const xmlChar *)"class");
  rule_kind kind =
      wire_rules_element(c->rules, vocab, (const char *)n->name, (const char *)class, &value);
  xmlFree(class);
  switch (kind) {
  case RULE_CONTENT:
    in->nons = in->to = value;
    in->from = vocab;
    break;
  case RULE_SKIP: in->skip = true; break;
  case RULE_CONTEXT:
    if (strcmp(value, "ednote") == 0 && !c->o->ednotes)
      in->skip = true;
    else
      in->ctx_role = value;
    break;
  case RULE_UNIT:
    if (st->in_unit || st->skip)
      break;
    in->in_unit = true;
    in->unit_role = st->ctx_role ? st->ctx_role : value;
    *unit = true;
    return unit_begin_lang(c, n, in->unit_role);
  case RULE_BREAK:
    if (st->in_unit && !st->skip && (wire_unit_end(c->d) || unit_begin_lang(c, n, st->unit_role)))
      return CD_ERR_NOMEM;
    break;
  case RULE_NONE: break;
  }
  return CD_OK;
}

static cd_status html_element(xml_ctx *c, xmlNode *n, const wstate *st) {
  wstate in;
  bool unit;
  cd_status s = enter(c, n, st, &in, &unit);
  for (xmlNode *k = n->children; k && !s; k = k->next)
    s = walk(c, k, &in);
  if (!s && unit)
    s = wire_unit_end(c->d);
  return s;
}

static cd_status element(xml_ctx *c, xmlNode *n, const wstate *st) {
  if (c->html)
    return html_element(c, n, st);
  tok t = next_tok(c);
  if ((t.t != T_START && t.t != T_EMPTY) || !name_matches(c->d, t, n))
    return fail_at(c, t.a, "cannot locate element <%s> in the file (internal)", n->name);
  for (xmlAttr *a = n->properties; a; a = a->next)
    for (xmlNode *v = a->children; v; v = v->next)
      if (v->type == XML_ENTITY_REF_NODE)
        return fail_at(c, t.a, "entity reference '&%s;' refused (entities are never expanded)",
                       v->name);
  wstate in;
  bool unit;
  cd_status s = enter(c, n, st, &in, &unit);
  for (xmlNode *k = n->children; k && !s; k = k->next)
    s = text_like(c, k) ? text_run(c, &k, &in) : walk(c, k, &in);
  if (!s && unit)
    s = wire_unit_end(c->d);
  if (s || t.t == T_EMPTY)
    return s;
  t = next_tok(c);
  if (t.t != T_END || !name_matches(c->d, t, n))
    return fail_at(c, t.a, "cannot locate the end of <%s> in the file (internal)", n->name);
  return CD_OK;
}

static cd_status walk(xml_ctx *c, xmlNode *n, const wstate *st) {
  tok t;
  if (c->html && (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE))
    return html_text(c, n, st);
  if (c->html && n->type != XML_ELEMENT_NODE)
    return CD_OK; /* comments, PIs: the locator skips them with the markup */
  switch (n->type) {
  case XML_ELEMENT_NODE: return element(c, n, st);
  case XML_TEXT_NODE:
    t = next_tok(c);
    return t.t == T_TEXT ? text_node(c, n, st, t, false)
                         : fail_at(c, t.a, "cannot locate a text node (internal)");
  case XML_CDATA_SECTION_NODE:
    t = next_tok(c);
    return t.t == T_CDATA ? text_node(c, n, st, t, true)
                          : fail_at(c, t.a, "cannot locate a CDATA section (internal)");
  case XML_COMMENT_NODE:
  case XML_PI_NODE:
    t = next_tok(c);
    return t.t == (n->type == XML_COMMENT_NODE ? T_COMMENT : T_PI)
               ? CD_OK
               : fail_at(c, t.a, "cannot locate a comment or PI (internal)");
  case XML_ENTITY_REF_NODE:
    return fail_at(c, c->pos, "entity reference '&%s;' refused (entities are never expanded)",
                   n->name);
  default: return fail_at(c, c->pos, "unexpected XML node type %d", (int)n->type);
  }
}

/* Between the document's top-level nodes: white space, the XML declaration. */
static void skip_prolog(xml_ctx *c) {
  for (;;) {
    tok t = lex(c->d->w, c->d->w_len, c->pos);
    bool blank = t.t == T_TEXT;
    for (size_t i = t.a; blank && i < t.b; i++)
      blank = c->d->w[i] == ' ' || c->d->w[i] == '\t' || c->d->w[i] == '\r' || c->d->w[i] == '\n';
    bool decl = t.t == T_PI && t.a == 0 && starts(c->d->w, c->d->w_len, 0, "<?xml");
    if (!blank && !decl)
      return;
    c->pos = t.b;
  }
}

static cd_status walk_doc(xml_ctx *c, xmlDoc *doc, const char *nons) {
  wstate st = {nons, NULL, NULL, NULL, NULL, false, false};
  cd_status s = CD_OK;
  for (xmlNode *k = doc->children; k && !s; k = k->next) {
    if (c->html) {
      s = k->type == XML_DTD_NODE ? CD_OK : walk(c, k, &st);
      continue;
    }
    skip_prolog(c);
    if (k->type == XML_DTD_NODE) {
      tok t = next_tok(c);
      if (t.t != T_DECL)
        return fail_at(c, t.a, "cannot locate the DOCTYPE (internal)");
      continue;
    }
    s = walk(c, k, &st);
  }
  if (c->html)
    return s;
  skip_prolog(c);
  if (!s && c->pos < c->d->w_len)
    return fail_at(c, c->pos, "cannot locate the end of the document (internal)");
  return s;
}

/* ---- parsing ---- */

static cd_status parse_error(xml_ctx *c) {
  const char *m = c->msg[0] ? c->msg : c->generic[0] ? c->generic : "XML parse error";
  const char *hint = strstr(m, "ntity") ? " (entity declarations and references are refused)" : "";
  return cd_error_set(c->err, CD_ERR_INPUT, "%s:%d: malformed XML: %s%s", c->d->label,
                      c->line > 0 ? c->line : 1, m, hint);
}

static cd_status parse(xml_ctx *c, const char *buf, size_t len, bool converted, xmlDoc **out) {
  *out = NULL;
  xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
  if (!ctxt)
    return cd_error_set(c->err, CD_ERR_NOMEM, "out of memory");
  ctxt->_private = c;
  ctxt->sax->serror = on_error;
  c->failed = false;
  c->msg[0] = c->generic[0] = '\0';
  xmlGenericErrorFunc saved = xmlGenericError;
  void *saved_ctx = xmlGenericErrorContext;
  xmlSetGenericErrorFunc(c, on_generic);
  int opts = CD_XML_PARSE_OPTIONS | (converted ? XML_PARSE_IGNORE_ENC : 0);
  xmlDoc *doc =
      xmlCtxtReadMemory(ctxt, buf, (int)len, c->d->label, converted ? "UTF-8" : NULL, opts);
  bool ok = doc && ctxt->wellFormed && !c->failed;
  c->dtd_names = ctxt->hasExternalSubset != 0;
  xmlSetGenericErrorFunc(saved_ctx, saved);
  xmlFreeParserCtxt(ctxt);
  if (!ok) {
    xmlFreeDoc(doc);
    return parse_error(c);
  }
  *out = doc;
  return CD_OK;
}

/* ---- a file that says UTF-8 and holds other bytes ---- */

static cd_status on_fix(void *ud, const cd_change *ch, cd_error *err) {
  return wire_fix_add(ud, ch->in_start, ch->in_end, (size_t)ch->out_start, (size_t)ch->out_end,
                      ch->rule, ch->before, ch->before_len, ch->confidence)
             ? cd_error_set(err, CD_ERR_NOMEM, "out of memory")
             : CD_OK;
}

/* Decoded as plain text is, by the normalize decoder: a line in a legacy charset (cp1252 from
 * a CMS export) is read in it, another invalid byte becomes U+FFFD, each repair a decode
 * record. The repaired text is then the working text (and the output, edits spliced in),
 * so the document that comes out is well-formed UTF-8. */
static cd_status repair(xml_ctx *c, cd_error *err) {
  cd_wire_doc *d = c->d;
  cd_decoder *dec = NULL;
  cd_buf w = CD_BUF_INIT;
  cd_status st = cd_decoder_new(NULL, true, false, d->label, &dec, err);
  if (!st && wire_amap_add(d, 0, 0))
    st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  if (!st)
    st = cd_decoder_feed(dec, d->raw, d->raw_len, true, &w, on_fix, d, err);
  cd_decoder_free(dec);
  if (st || cd_buf_append(&w, "", 0)) {
    cd_buf_free(&w);
    return st ? st : cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  d->orig = d->raw;
  d->orig_len = d->raw_len;
  d->raw = w.data;
  d->raw_len = w.len;
  d->w = d->raw;
  d->w_len = d->raw_len;
  d->w_is_raw = true;
  snprintf(d->charset, sizeof d->charset, "UTF-8");
  return st;
}

static cd_status locate(xml_ctx *c, xmlDoc *doc) {
  xmlNode *root = xmlDocGetRootElement(doc);
  if (!root)
    return cd_error_set(c->err, CD_ERR_INPUT, "%s:1: no root element", c->d->label);
  const char *vocab =
      root->ns && root->ns->href ? wire_rules_vocab(c->rules, (const char *)root->ns->href) : NULL;
  const char *nons = NULL;
  if ((root->ns && !vocab) ||
      !wire_rules_root(c->rules, vocab, (const char *)root->name, &c->d->format, &nons))
    return cd_error_set(c->err, CD_ERR_INPUT,
                        "%s:%ld: unknown root <%s>%s%s: not NewsML-G2, NewsML 1, NITF or XHTML",
                        c->d->label, xmlGetLineNo(root), root->name,
                        root->ns && root->ns->href ? " in namespace " : "",
                        root->ns && root->ns->href ? (const char *)root->ns->href : "");
  if (vocab)
    nons = NULL; /* no-namespace elements inside a namespaced root are foreign */
  cd_status s = walk_doc(c, doc, nons);
  if (s == CD_ERR_NOMEM)
    return cd_error_set(c->err, s, "out of memory");
  return s;
}

static cd_status finish_read(xml_ctx *c, xmlDoc *doc, cd_status s) {
  cd_wire_doc *d = c->d;
  if (!s && d->unit_open)
    s = wire_unit_end(d);
  snprintf(d->lang, sizeof d->lang, "%s", c->lang_meta[0] ? c->lang_meta : c->lang_xml);
  xmlFreeDoc(doc);
  cd_buf_free(&c->dec);
  free(c->anch);
  return s;
}

cd_status wire_xml_read(cd_wire_doc *d, const cd_wire_options *o, cd_error *err) {
  xml_ctx c;
  memset(&c, 0, sizeof c);
  c.d = d;
  c.o = o;
  c.err = err;
  cd_xml_guard g;
  cd_xml_guard_init(&g, NULL, true);
  if (!cd_xml_guard_check(&g, d->raw, d->raw_len))
    return cd_error_set(err, CD_ERR_INPUT, "%s:%lu: %s", d->label, g.failed,
                        cd_xml_guard_reason(&g));
  cd_status s = wire_rules_load(o->data_dir, &d->rules, err);
  c.rules = d->rules;
  xmlDoc *doc = NULL;
  if (!s && o->from_charset) { /* --from: the charset is given, whatever the file says */
    s = wire_cs_open(d, o->from_charset, err);
    if (!s)
      s = parse(&c, d->w, d->w_len, true, &doc);
    if (!s)
      s = locate(&c, doc);
    return finish_read(&c, doc, s);
  }
  if (!s)
    s = parse(&c, d->raw, d->raw_len, false, &doc);
  bool bom16 = d->raw_len >= 2 && ((unsigned char)d->raw[0] >= 0xFE);
  if (s == CD_ERR_INPUT && !bom16 && !o->strict && !cd_utf8_is_valid(d->raw, d->raw_len)) {
    s = repair(&c, err); /* UTF-8 (said or taken) with other bytes inside */
    if (!s)
      s = parse(&c, d->w, d->w_len, true, &doc);
    if (!s)
      s = locate(&c, doc);
    return finish_read(&c, doc, s);
  }
  /* The declared charset: UTF-8 documents are read in place, others converted and read
   * again from the converted text (so that offsets can be mapped back). */
  const char *cs = doc && doc->encoding ? (const char *)doc->encoding : "UTF-8";
  if (!s)
    s = wire_cs_open(d, cs, err);
  if (!s && !d->w_is_raw) {
    xmlFreeDoc(doc);
    s = parse(&c, d->w, d->w_len, true, &doc);
  }
  if (!s)
    s = locate(&c, doc);
  return finish_read(&c, doc, s);
}

/* ---- HTML ---- */

/* Parses an HTML page; when record, the text callbacks say where each piece of text was. */
static xmlDoc *html_parse(xml_ctx *c, const char *buf, size_t len, bool converted, bool record) {
  xmlGenericErrorFunc saved = xmlGenericError;
  void *saved_ctx = xmlGenericErrorContext;
  xmlSetGenericErrorFunc(c, on_generic);
  int opts = HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
             (converted ? HTML_PARSE_IGNORE_ENC : 0);
  htmlDocPtr doc = NULL;
  htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
  if (ctxt && record && ctxt->sax) {
    ctxt->_private = c;
    c->sax_chars = ctxt->sax->characters;
    c->sax_blanks = ctxt->sax->ignorableWhitespace;
    if (c->sax_chars)
      ctxt->sax->characters = html_sax_chars;
    if (c->sax_blanks)
      ctxt->sax->ignorableWhitespace = html_sax_blanks;
  }
  if (ctxt)
    doc = htmlCtxtReadMemory(ctxt, buf, (int)len, c->d->label, converted ? "UTF-8" : NULL, opts);
  htmlFreeParserCtxt(ctxt);
  xmlSetGenericErrorFunc(saved_ctx, saved);
  if (record && c->nhp)
    qsort(c->hp, c->nhp, sizeof *c->hp, piece_cmp);
  return doc;
}

/* The charset: --from, else a byte-order mark, else the page's <meta>, else UTF-8 when it is valid,
 * else what detection says (an HTML page without a declaration is often cp1252). */
static const char *html_charset(const cd_wire_doc *d, const cd_wire_options *o, xmlDoc *first) {
  if (o->from_charset)
    return o->from_charset;
  if (first && first->encoding)
    return (const char *)first->encoding;
  if (cd_utf8_is_valid(d->raw, d->raw_len))
    return "UTF-8";
  return cd_detect_charset(d->raw, d->raw_len, true);
}

cd_status wire_html_read(cd_wire_doc *d, const cd_wire_options *o, cd_error *err) {
  xml_ctx c;
  memset(&c, 0, sizeof c);
  c.d = d;
  c.o = o;
  c.err = err;
  c.html = true;
  cd_xml_guard g;
  cd_xml_guard_init(&g, NULL, true);
  if (!cd_xml_guard_check(&g, d->raw, d->raw_len) && g.why != CD_XML_GUARD_ENTITY)
    return cd_error_set(err, CD_ERR_INPUT, "%s:%lu: %s", d->label, g.failed,
                        cd_xml_guard_reason(&g));
  cd_status s = wire_rules_load(o->data_dir, &d->rules, err);
  c.rules = d->rules;
  xmlDoc *first = s ? NULL : html_parse(&c, d->raw, d->raw_len, false, false);
  if (!s)
    s = wire_cs_open(d, html_charset(d, o, first), err);
  xmlFreeDoc(first);
  /* libxml2 takes a NUL byte for the end of an HTML page: what follows would be lost */
  const char *nul = s ? NULL : memchr(d->w, 0, d->w_len);
  if (nul)
    s = fail_at(&c, (size_t)(nul - d->w), "a NUL byte: not an HTML page");
  xmlDoc *doc = s ? NULL : html_parse(&c, d->w, d->w_len, true, true);
  if (!s && c.hp_nomem)
    s = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  if (!s && !doc)
    s = cd_error_set(err, CD_ERR_INPUT, "%s: not HTML: %s", d->label,
                     c.generic[0] ? c.generic : "libxml2 read no document");
  if (!s) {
    s = walk_doc(&c, doc, "xhtml");
    if (s == CD_ERR_NOMEM)
      s = cd_error_set(err, s, "out of memory");
  }
  if (!s && d->unit_open)
    s = wire_unit_end(d);
  snprintf(d->lang, sizeof d->lang, "%s", c.lang_meta[0] ? c.lang_meta : c.lang_xml);
  xmlFreeDoc(doc);
  cd_buf_free(&c.dec);
  free(c.anch);
  free(c.hp);
  return s;
}
