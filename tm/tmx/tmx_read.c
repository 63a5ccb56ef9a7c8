/* SPDX-License-Identifier: MIT */
/* TMX and TSV import (see cd_tmx.h). */
#include "cd_lines.h"
#include "cd_tmx.h"
#include "cd_xml.h"

#include <errno.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <zlib.h>

void cd_tmx_import_options_init(cd_tmx_import_options *o) { memset(o, 0, sizeof *o); }

typedef struct reader_ctx {
  const char *path;
  const cd_tmx_import_options *o;
  cd_tm_unit_fn fn;
  void *ud;
  cd_tmx_counts counts;
  char header_srclang[64];
  const char *origin;
  /* first error reported by libxml2 */
  bool xml_failed;
  int xml_line, xml_code;
  char xml_msg[512];
  char generic_msg[256]; /* the first message libxml2 sent to its generic handler */
  bool stopped;
  cd_buf src_markup, tgt_markup, src_plain, tgt_plain;
} reader_ctx;

static void on_xml_error(void *ud, xmlErrorPtr e) {
  reader_ctx *c = ud;
  if (!e || e->level < XML_ERR_ERROR || c->xml_failed)
    return;
  c->xml_failed = true;
  c->xml_line = e->line;
  c->xml_code = e->code;
  snprintf(c->xml_msg, sizeof c->xml_msg, "%s", e->message ? e->message : "XML error");
  /* libxml2 messages end with a newline */
  size_t n = strlen(c->xml_msg);
  while (n && (c->xml_msg[n - 1] == '\n' || c->xml_msg[n - 1] == '\r'))
    c->xml_msg[--n] = '\0';
}

/* Encoding and I/O errors bypass the reader's handler and go to libxml2's per-thread generic
 * handler, which prints to stderr. For the duration of a read that handler collects the
 * first message into the reader's context instead; the caller's handler is restored after. */
static void on_generic_error(void *ud, const char *fmt, ...) {
  reader_ctx *c = ud;
  if (c->xml_failed || c->generic_msg[0])
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->generic_msg, sizeof c->generic_msg, fmt, ap);
  va_end(ap);
  size_t n = strlen(c->generic_msg);
  while (n && (c->generic_msg[n - 1] == '\n' || c->generic_msg[n - 1] == '\r' ||
               c->generic_msg[n - 1] == ' '))
    c->generic_msg[--n] = '\0';
}

static bool name_is(const xmlNode *n, const char *name) {
  return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* "20240131T120000Z" (TMX's format) → Unix seconds; 0 when absent or not in that form. */
static int64_t parse_tmx_date(const xmlChar *v) {
  if (!v)
    return 0;
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  const char *s = (const char *)v;
  char *end = strptime(s, "%Y%m%dT%H%M%SZ", &tm);
  if (!end || *end)
    return 0;
  return (int64_t)timegm(&tm);
}

static int64_t attr_date(xmlNode *n, const char *name) {
  xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
  int64_t t = parse_tmx_date(v);
  xmlFree(v);
  return t;
}

/* Native-code elements: their content is the original format's markup, not text. */
static bool is_native_code(const xmlNode *n) {
  return name_is(n, "bpt") || name_is(n, "ept") || name_is(n, "ph") || name_is(n, "it") ||
         name_is(n, "ut");
}

static cd_status entity_refused(reader_ctx *c, long line, const xmlChar *name, cd_error *err) {
  return cd_error_set(err, CD_ERR_INPUT,
                      "%s:%ld: entity reference '&%s;' refused (TMX import expands no entities)",
                      c->path, line, name ? (const char *)name : "");
}

/* libxml2 keeps entity references in attribute values as nodes and expands them when the
 * value is read: they are refused like those in content. */
static cd_status check_attr_entities(reader_ctx *c, xmlNode *n, cd_error *err) {
  for (xmlAttr *a = n->properties; a; a = a->next)
    for (xmlNode *v = a->children; v; v = v->next)
      if (v->type == XML_ENTITY_REF_NODE)
        return entity_refused(c, xmlGetLineNo(n), v->name, err);
  return CD_OK;
}

static cd_status check_no_entities(reader_ctx *c, xmlNode *n, cd_error *err) {
  for (; n; n = n->next) {
    if (n->type == XML_ENTITY_REF_NODE || n->type == XML_ENTITY_NODE)
      return entity_refused(c, xmlGetLineNo(n), n->name, err);
    if (n->type != XML_ELEMENT_NODE)
      continue;
    cd_status st = check_attr_entities(c, n, err);
    if (!st && n->children)
      st = check_no_entities(c, n->children, err);
    if (st)
      return st;
  }
  return CD_OK;
}

static cd_status plain_text(xmlNode *n, cd_buf *out) {
  for (; n; n = n->next) {
    cd_status st = CD_OK;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
      st = cd_buf_append_str(out, (const char *)n->content);
    else if (n->type == XML_ELEMENT_NODE && !is_native_code(n))
      st = plain_text(n->children, out);
    if (st)
      return st;
  }
  return CD_OK;
}

/* The <seg> content: plain text, and the XML of its children when it holds any element. */
static cd_status read_seg(xmlNode *seg, cd_buf *plain, cd_buf *markup, bool *has_markup) {
  cd_buf_clear(plain);
  cd_buf_clear(markup);
  *has_markup = false;
  for (xmlNode *k = seg->children; k; k = k->next)
    if (k->type == XML_ELEMENT_NODE)
      *has_markup = true;
  cd_status st = plain_text(seg->children, plain);
  if (!st)
    st = cd_buf_append(plain, "", 0);
  if (st || !*has_markup)
    return st;
  xmlBufferPtr xb = xmlBufferCreate();
  if (!xb)
    return CD_ERR_NOMEM;
  /* Each child is dumped from a copy: copying declares on the copy the namespaces its
   * prefixes need (xmlns:x of an ancestor), so the markup stands alone (BUG-15). */
  for (xmlNode *k = seg->children; k; k = k->next) {
    xmlNode *copy = k->type == XML_ELEMENT_NODE ? xmlDocCopyNode(k, seg->doc, 1) : NULL;
    int rc = (k->type == XML_ELEMENT_NODE && !copy)
                 ? -1
                 : xmlNodeDump(xb, seg->doc, copy ? copy : k, 0, 0);
    xmlFreeNode(copy);
    if (rc < 0) {
      xmlBufferFree(xb);
      return CD_ERR_NOMEM;
    }
  }
  st = cd_buf_append(markup, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
  xmlBufferFree(xb);
  return st;
}

static xmlChar *tuv_lang(xmlNode *tuv) {
  xmlChar *l = xmlGetNsProp(tuv, (const xmlChar *)"lang", XML_XML_NAMESPACE);
  if (!l)
    l = xmlGetProp(tuv, (const xmlChar *)"lang"); /* TMX 1.1 */
  return l;
}

static bool lang_eq(const char *want, const char *have) {
  if (!want || !have)
    return false;
  size_t n = strlen(want);
  return strncasecmp(want, have, n) == 0 && (have[n] == '\0' || have[n] == '-' || have[n] == '_');
}

static xmlNode *tuv_seg(xmlNode *tuv) {
  for (xmlNode *k = tuv->children; k; k = k->next)
    if (name_is(k, "seg"))
      return k;
  return NULL;
}

/* The callback refused a unit (the import's store names the TM): the user needs the place in
 * the TMX. Only an input error the callback left in err is rewritten. */
static void locate_error(reader_ctx *c, long line, cd_error *err) {
  if (!err || err->status != CD_ERR_INPUT || !err->message[0])
    return;
  char msg[sizeof err->message];
  snprintf(msg, sizeof msg, "%s", err->message);
  const char *tail = strstr(msg, ": ");
  cd_error_set(err, CD_ERR_INPUT, "%s:%ld: %s", c->path, line, tail ? tail + 2 : msg);
}

/* The source tuv of a tu: --src-lang, else the tu's srclang, else the header's; *lang its
 * language (xmlFree it), NULL when the tu has none. */
static xmlNode *source_tuv(reader_ctx *c, xmlNode *tu, xmlChar **lang) {
  xmlChar *tu_src = xmlGetProp(tu, (const xmlChar *)"srclang");
  const char *want = c->o->src_lang;
  if (!want && tu_src && strcmp((const char *)tu_src, "*all*") != 0)
    want = (const char *)tu_src;
  if (!want && c->header_srclang[0] && strcmp(c->header_srclang, "*all*") != 0)
    want = c->header_srclang;
  xmlNode *src = NULL;
  *lang = NULL;
  for (xmlNode *k = tu->children; k && !src; k = k->next) {
    if (!name_is(k, "tuv") || !tuv_seg(k))
      continue;
    xmlChar *l = tuv_lang(k);
    if (l && (!want || lang_eq(want, (const char *)l))) {
      src = k;
      *lang = l;
    } else {
      xmlFree(l);
    }
  }
  xmlFree(tu_src);
  return src;
}

/* The props copydesk writes on a tu (origin, its date, the alignment score). */
typedef struct tu_props {
  xmlChar *origin, *origin_date, *score;
} tu_props;

static void tu_props_free(tu_props *p) {
  xmlFree(p->origin);
  xmlFree(p->origin_date);
  xmlFree(p->score);
}

/* The unit's dates, usage count and props from the tu's attributes and prop elements. */
static void read_tu_meta(reader_ctx *c, xmlNode *tu, cd_tm_unit *u, tu_props *p) {
  u->created = attr_date(tu, "creationdate");
  u->changed = attr_date(tu, "changedate");
  xmlChar *usage = xmlGetProp(tu, (const xmlChar *)"usagecount");
  if (usage) {
    char *end;
    long long v = strtoll((const char *)usage, &end, 10);
    if (end != (const char *)usage && *end == '\0' && v > 0)
      u->usage = v;
    xmlFree(usage);
  }
  for (xmlNode *k = tu->children; k; k = k->next) {
    if (!name_is(k, "prop"))
      continue;
    xmlChar *type = xmlGetProp(k, (const xmlChar *)"type");
    if (type) {
      xmlChar **slot = strcmp((const char *)type, "x-copydesk-origin") == 0        ? &p->origin
                       : strcmp((const char *)type, "x-copydesk-origin-date") == 0 ? &p->origin_date
                       : strcmp((const char *)type, "x-copydesk-score") == 0       ? &p->score
                                                                                   : NULL;
      if (slot && !*slot)
        *slot = xmlNodeGetContent(k);
      xmlFree(type);
    }
  }
  u->origin_doc = p->origin ? (const char *)p->origin : c->origin;
  u->origin_date = parse_tmx_date(p->origin_date);
  if (p->score) {
    char *end;
    double v = strtod((const char *)p->score, &end);
    if (end != (const char *)p->score && *end == '\0' && v >= 0 && v <= 1)
      u->score = v;
  }
}

/* Hands the callback one unit per target tuv of another language than the source (and of
 * --tgt-lang when given) with a segment that is not blank; *took when any. */
static cd_status emit_targets(reader_ctx *c, xmlNode *tu, xmlNode *src, cd_tm_unit *u, bool *took,
                              cd_error *err) {
  cd_status st = CD_OK;
  for (xmlNode *k = tu->children; k && !st && !c->stopped; k = k->next) {
    if (k == src || !name_is(k, "tuv") || !tuv_seg(k))
      continue;
    xmlChar *l = tuv_lang(k);
    if (!l || (c->o->tgt_lang && !lang_eq(c->o->tgt_lang, (const char *)l)) ||
        lang_eq(u->src_lang, (const char *)l)) {
      xmlFree(l);
      continue;
    }
    bool tgt_has_markup;
    st = read_seg(tuv_seg(k), &c->tgt_plain, &c->tgt_markup, &tgt_has_markup);
    if (!st && !cd_tm_text_is_blank(c->tgt_plain.data)) {
      u->tgt_lang = (const char *)l;
      u->target = c->tgt_plain.data;
      u->target_markup = tgt_has_markup ? c->tgt_markup.data : NULL;
      if (!u->changed)
        u->changed = attr_date(k, "changedate");
      *took = true;
      if (c->fn(c->ud, u)) {
        c->stopped = true;
        locate_error(c, xmlGetLineNo(k), err);
      }
    }
    xmlFree(l);
  }
  return st;
}

static cd_status read_tu(reader_ctx *c, xmlNode *tu, cd_error *err) {
  cd_status st = check_attr_entities(c, tu, err);
  if (!st)
    st = check_no_entities(c, tu->children, err);
  if (st)
    return st;
  c->counts.tus++;
  xmlChar *src_lang;
  xmlNode *src = source_tuv(c, tu, &src_lang);
  if (!src) {
    c->counts.skipped++;
    return CD_OK;
  }
  cd_tm_unit u;
  cd_tm_unit_init(&u);
  tu_props props = {NULL, NULL, NULL};
  read_tu_meta(c, tu, &u, &props);
  bool src_has_markup;
  st = read_seg(tuv_seg(src), &c->src_plain, &c->src_markup, &src_has_markup);
  u.src_lang = (const char *)src_lang;
  u.source = c->src_plain.data;
  u.source_markup = src_has_markup ? c->src_markup.data : NULL;
  if (!u.created)
    u.created = attr_date(src, "creationdate");
  bool took = false;
  /* An empty or blank segment (an untranslated one, often) is no unit. */
  if (!st && !cd_tm_text_is_blank(c->src_plain.data))
    st = emit_targets(c, tu, src, &u, &took, err);
  if (!took)
    c->counts.skipped++;
  xmlFree(src_lang);
  tu_props_free(&props);
  if (st == CD_ERR_NOMEM)
    return cd_error_set(err, st, "out of memory");
  return st;
}

/* ---- the input: zlib, through the shared guard (cd_xml.h) ------------------------------- */

#define GUARD_RAW 16384

typedef struct tmx_input {
  gzFile gz;
  cd_xml_guard g;
  bool io_error, eof;
  unsigned char raw[GUARD_RAW];
  size_t raw_pos, raw_len;
} tmx_input;

static int input_read(void *ud, char *buf, int len) {
  tmx_input *in = ud;
  cd_xml_guard *g = &in->g;
  if (g->failed || len <= 0)
    return g->failed ? -1 : 0;
  cd_xml_guard_output(g, buf, len);
  /* Dropped comments produce nothing: keep reading until there is output or the end. */
  while (g->out_len < g->out_cap && !g->npend) {
    if (in->raw_pos == in->raw_len) {
      if (in->eof || g->out_len > 0)
        break;
      int n = gzread(in->gz, in->raw, sizeof in->raw);
      if (n < 0) {
        in->io_error = true;
        return -1;
      }
      in->raw_pos = 0;
      in->raw_len = (size_t)n;
      if (n == 0) {
        in->eof = true;
        cd_xml_guard_end(g);
        break;
      }
    }
    if (!cd_xml_guard_byte(g, in->raw[in->raw_pos++]))
      return -1;
  }
  return g->out_len;
}

static int input_close(void *ud) {
  (void)ud; /* closed by cd_tmx_read, which still reads the guard's verdict */
  return 0;
}

static cd_status xml_failure(reader_ctx *c, xmlTextReaderPtr r, cd_error *err) {
  if (c->xml_code == XML_ERR_NO_MEMORY)
    return cd_error_set(err, CD_ERR_NOMEM, "%s: out of memory while reading the TMX", c->path);
  /* Errors inside an entity's replacement text are numbered from the entity's line 1: the
   * reader's position in the file says more. */
  int line = c->xml_line > 1 ? c->xml_line : xmlTextReaderGetParserLineNumber(r);
  const char *hint = "";
  if (c->xml_code == XML_ERR_DOCUMENT_END || strstr(c->xml_msg, "Premature end") ||
      strstr(c->xml_msg, "not finished") || strstr(c->xml_msg, "EndTag"))
    hint = " (truncated or unbalanced file?)";
  else if (strstr(c->xml_msg, "entity") || strstr(c->xml_msg, "Entity"))
    hint = " (entity declarations and references are refused)";
  return cd_error_set(err, CD_ERR_INPUT, "%s:%d: malformed TMX: %s%s", c->path, line,
                      c->xml_msg[0]       ? c->xml_msg
                      : c->generic_msg[0] ? c->generic_msg
                                          : "XML parse error",
                      hint);
}

/* Walks the document: the root must be <tmx>, the header gives the default source language,
 * each <tu> is expanded and read; an entity reference is refused. *ret is the reader's last
 * result (< 0: an XML error), *seen_root whether an element was read. */
static cd_status walk_tmx(reader_ctx *c, xmlTextReaderPtr r, bool *seen_root, int *ret,
                          cd_error *err) {
  *ret = xmlTextReaderRead(r);
  while (*ret == 1 && !c->stopped) {
    int type = xmlTextReaderNodeType(r);
    if (type == XML_READER_TYPE_ENTITY_REFERENCE)
      return cd_error_set(err, CD_ERR_INPUT,
                          "%s:%d: entity reference '&%s;' refused (TMX import expands no "
                          "entities)",
                          c->path, xmlTextReaderGetParserLineNumber(r),
                          (const char *)xmlTextReaderConstName(r));
    const char *name =
        type == XML_READER_TYPE_ELEMENT ? (const char *)xmlTextReaderConstLocalName(r) : NULL;
    if (name && !*seen_root) {
      *seen_root = true;
      if (strcmp(name, "tmx") != 0)
        return cd_error_set(err, CD_ERR_INPUT, "%s:%d: not a TMX file (root element <%s>)", c->path,
                            xmlTextReaderGetParserLineNumber(r), name);
    } else if (name && strcmp(name, "header") == 0) {
      xmlChar *sl = xmlTextReaderGetAttribute(r, (const xmlChar *)"srclang");
      if (sl)
        snprintf(c->header_srclang, sizeof c->header_srclang, "%s", (const char *)sl);
      xmlFree(sl);
    } else if (name && strcmp(name, "tu") == 0) {
      xmlNode *tu = xmlTextReaderExpand(r);
      if (!tu || c->xml_failed) {
        *ret = -1;
        return CD_OK;
      }
      cd_status st = read_tu(c, tu, err);
      if (st)
        return st;
      *ret = xmlTextReaderNext(r);
      continue;
    }
    *ret = xmlTextReaderRead(r);
  }
  return CD_OK;
}

/* What stopped a walk that reported no error itself: the input guard, a read error, an XML
 * error, or an empty file. */
static cd_status walk_end(reader_ctx *c, const tmx_input *in, xmlTextReaderPtr r, int ret,
                          bool seen_root, cd_error *err) {
  const char *path = c->path;
  if (in->g.failed && in->g.why == CD_XML_GUARD_ENTITY)
    return cd_error_set(err, CD_ERR_INPUT,
                        "%s:%lu: entity declaration refused (TMX import expands no entities)", path,
                        in->g.failed);
  if (in->g.failed && in->g.why == CD_XML_GUARD_COMMENTS)
    return cd_error_set(err, CD_ERR_INPUT,
                        "%s:%lu: malformed TMX: more than %d bytes of comments and processing "
                        "instructions (refused)",
                        path, in->g.failed, CD_TMX_MAX_COMMENT_BYTES);
  if (in->g.failed)
    return cd_error_set(err, CD_ERR_INPUT,
                        "%s:%lu: malformed TMX: a start tag with more than %d attributes "
                        "(refused unparsed)",
                        path, in->g.failed, CD_TMX_MAX_ATTRS);
  if (in->io_error)
    return cd_error_set(err, CD_ERR_IO, "%s: read error: %s", path, gzerror(in->gz, NULL));
  if (ret < 0 || c->xml_failed)
    return xml_failure(c, r, err);
  if (!seen_root && !c->stopped)
    return cd_error_set(err, CD_ERR_INPUT, "%s: empty file, not a TMX", path);
  return CD_OK;
}

cd_status cd_tmx_read(const char *path, const cd_tmx_import_options *o, cd_tm_unit_fn fn, void *ud,
                      cd_tmx_counts *counts, cd_error *err) {
  cd_tmx_import_options defaults;
  if (!o) {
    cd_tmx_import_options_init(&defaults);
    o = &defaults;
  }
  if (err)
    cd_error_clear(err); /* locate_error reads what the callback left */
  reader_ctx c;
  memset(&c, 0, sizeof c);
  c.path = path;
  c.o = o;
  c.fn = fn;
  c.ud = ud;
  const char *base = strrchr(path, '/');
  c.origin = o->origin ? o->origin : base ? base + 1 : path;
  tmx_input in;
  memset(&in, 0, sizeof in);
  cd_xml_guard_init(&in.g, "seg", false);
  errno = 0;
  if (!(in.gz = gzopen(path, "rb")))
    return cd_error_set(err, CD_ERR_IO, "%s: cannot open: %s", path,
                        errno ? strerror(errno) : "out of memory");
  /* NONET only: never NOENT (substitutes entities: XXE) nor DTDLOAD (fetches DTDs). */
  xmlTextReaderPtr r =
      xmlReaderForIO(input_read, input_close, &in, path, NULL, CD_XML_PARSE_OPTIONS);
  if (!r) {
    gzclose(in.gz);
    return cd_error_set(err, CD_ERR_IO, "%s: cannot read as XML", path);
  }
  xmlTextReaderSetStructuredErrorHandler(r, on_xml_error, &c);
  xmlGenericErrorFunc saved_generic = xmlGenericError;
  void *saved_generic_ctx = xmlGenericErrorContext;
  xmlSetGenericErrorFunc(&c, on_generic_error);
  bool seen_root = false;
  int ret = 0;
  cd_status st = walk_tmx(&c, r, &seen_root, &ret, err);
  if (!st)
    st = walk_end(&c, &in, r, ret, seen_root, err);
  xmlFreeTextReader(r);
  gzclose(in.gz);
  xmlSetGenericErrorFunc(saved_generic_ctx, saved_generic);
  cd_buf_free(&c.src_markup);
  cd_buf_free(&c.tgt_markup);
  cd_buf_free(&c.src_plain);
  cd_buf_free(&c.tgt_plain);
  if (counts)
    *counts = c.counts;
  return st;
}

/* ---- import into the store --------------------------------------------------------------- */

typedef struct import_ctx {
  cd_tm_store *s;
  cd_status st;
  cd_error *err;
} import_ctx;

static int add_unit(void *ud, const cd_tm_unit *u) {
  import_ctx *c = ud;
  c->st = cd_tm_store_add(c->s, u, NULL, c->err);
  return c->st != CD_OK;
}

cd_status cd_tmx_import(cd_tm_store *s, const char *path, const cd_tmx_import_options *o,
                        cd_tmx_counts *counts, cd_error *err) {
  cd_tmx_counts tmp;
  cd_tm_add_counts added = {0, 0, 0};
  cd_status st = cd_tm_store_begin(s, err);
  if (st)
    return st;
  import_ctx c = {s, CD_OK, err};
  if (!(st = cd_tm_store_bulk_begin(s, err)))
    st = cd_tmx_read(path, o, add_unit, &c, &tmp, err);
  if (!st && c.st)
    st = c.st;
  if (!st)
    st = cd_tm_store_bulk_end(s, &added, err);
  if (!st)
    st = cd_tm_store_commit(s, err);
  if (st) {
    cd_tm_store_rollback(s);
    return st;
  }
  if (counts) {
    *counts = tmp;
    counts->added = added.added;
    counts->merged = added.merged;
  }
  return CD_OK;
}

/* ---- TSV --------------------------------------------------------------------------------- */

static cd_status tsv_line(cd_tm_store *s, const char *path, size_t lineno, char *line, size_t len,
                          const cd_tmx_import_options *o, const char *origin, cd_tmx_counts *c,
                          cd_error *err) {
  if (len && line[len - 1] == '\r')
    line[--len] = '\0';
  c->tus++;
  if (len == 0) {
    c->skipped++;
    return CD_OK;
  }
  if (!cd_utf8_is_valid(line, len))
    return cd_error_set(err, CD_ERR_INPUT, "%s:%zu: not valid UTF-8", path, lineno);
  char *tab = memchr(line, '\t', len);
  if (!tab || memchr(tab + 1, '\t', len - (size_t)(tab + 1 - line)))
    return cd_error_set(err, CD_ERR_INPUT,
                        "%s:%zu: expected two columns 'source<TAB>target', found %s", path, lineno,
                        tab ? "more than two" : "one");
  *tab = '\0';
  if (tab == line || tab[1] == '\0')
    return cd_error_set(err, CD_ERR_INPUT, "%s:%zu: empty %s column", path, lineno,
                        tab == line ? "source" : "target");
  cd_tm_unit u;
  cd_tm_unit_init(&u);
  u.src_lang = o->src_lang;
  u.tgt_lang = o->tgt_lang;
  u.source = line;
  u.target = tab + 1;
  u.origin_doc = origin;
  cd_status st = cd_tm_store_add(s, &u, NULL, err);
  if (st && err && st == CD_ERR_INPUT) {
    /* the store names the TM; the user needs the line of the TSV */
    char msg[sizeof err->message];
    snprintf(msg, sizeof msg, "%s", err->message);
    const char *tail = strstr(msg, ": ");
    cd_error_set(err, st, "%s:%zu: %s", path, lineno, tail ? tail + 2 : msg);
  }
  return st;
}

cd_status cd_tm_import_tsv(cd_tm_store *s, const char *path, const cd_tmx_import_options *o,
                           cd_tmx_counts *counts, cd_error *err) {
  if (!o || !o->src_lang || !o->tgt_lang)
    return cd_error_set(err, CD_ERR_USAGE,
                        "%s: TSV import needs the languages (name the file x.L1-L2.tsv or "
                        "give --src-lang and --tgt-lang)",
                        path);
  /* the shared reader: a BOM is skipped, a NUL byte is an error naming file:line (a
   * C string would silently cut the unit there) */
  cd_lines r = {0};
  cd_status st = cd_lines_open(&r, path, err);
  if (st)
    return st;
  const char *base = strrchr(path, '/');
  const char *origin = o->origin ? o->origin : base ? base + 1 : path;
  cd_tmx_counts c = {0, 0, 0, 0};
  cd_tm_add_counts added = {0, 0, 0};
  st = cd_tm_store_begin(s, err);
  if (!st)
    st = cd_tm_store_bulk_begin(s, err);
  char *line;
  size_t len;
  while (!st && !(st = cd_lines_next(&r, &line, &len, err)) && line)
    st = tsv_line(s, path, r.lineno, line, len, o, origin, &c, err);
  cd_lines_close(&r);
  if (!st)
    st = cd_tm_store_bulk_end(s, &added, err);
  if (!st)
    st = cd_tm_store_commit(s, err);
  c.added = added.added;
  c.merged = added.merged;
  if (st) {
    cd_tm_store_rollback(s);
    return st;
  }
  if (counts)
    *counts = c;
  return CD_OK;
}
