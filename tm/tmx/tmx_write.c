/* SPDX-License-Identifier: MIT */
/* TMX 1.4b export with libxml2's xmlTextWriter (see cd_tmx.h). */
#include "cd_tmx.h"

#include <libxml/parser.h>
#include <libxml/xmlwriter.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void cd_tmx_export_options_init(cd_tmx_export_options *o) { memset(o, 0, sizeof *o); }

typedef struct export_ctx {
  xmlTextWriterPtr w;
  size_t count;
  bool failed;
} export_ctx;

/* TMX dates are YYYYMMDDThhmmssZ with a four-digit year (strftime's %Y is not padded): a date
 * outside years 0–9999 cannot be written and is left out. */
static void tmx_date(int64_t t, char out[32]) {
  time_t tt = (time_t)t;
  struct tm tm;
  out[0] = '\0';
  if ((int64_t)tt != t || !gmtime_r(&tt, &tm))
    return;
  long year = (long)tm.tm_year + 1900;
  if (year < 0 || year > 9999)
    return;
  snprintf(out, 32, "%04ld%02d%02dT%02d%02d%02dZ", year, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
           tm.tm_min, tm.tm_sec);
}

/* Markup is the <seg> content as copydesk serialized it at import. It is written raw only when
 * it parses as a well-formed, namespace-well-formed <seg> content on its own (markup stored by
 * an older copydesk may use a prefix declared on an ancestor, BUG-15); else the plain text is
 * written, escaped: the export stays a TMX that copydesk and others can read. */
static bool markup_stands_alone(const char *markup) {
  size_t n = strlen(markup);
  if (n > (size_t)INT_MAX - 16)
    return false;
  char *doc = malloc(n + 12);
  if (!doc)
    return false;
  memcpy(doc, "<seg>", 5);
  memcpy(doc + 5, markup, n);
  memcpy(doc + 5 + n, "</seg>", 7);
  xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
  bool ok = false;
  if (ctxt) {
    xmlDocPtr d = xmlCtxtReadMemory(ctxt, doc, (int)(n + 11), NULL, "UTF-8",
                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    ok = d && ctxt->wellFormed && ctxt->nsWellFormed;
    xmlFreeDoc(d);
    xmlFreeParserCtxt(ctxt);
  }
  free(doc);
  return ok;
}

#define W(call)                                                                                    \
  do {                                                                                             \
    if ((call) < 0)                                                                                \
      return -1;                                                                                   \
  } while (0)

static int write_attr(xmlTextWriterPtr w, const char *name, const char *value) {
  return xmlTextWriterWriteAttribute(w, (const xmlChar *)name, (const xmlChar *)value);
}

static int write_tuv(xmlTextWriterPtr w, const char *lang, const char *plain, const char *markup) {
  W(xmlTextWriterStartElement(w, (const xmlChar *)"tuv"));
  W(xmlTextWriterWriteAttributeNS(w, (const xmlChar *)"xml", (const xmlChar *)"lang", NULL,
                                  (const xmlChar *)lang));
  W(xmlTextWriterStartElement(w, (const xmlChar *)"seg"));
  /* The markup was serialized by libxml2 from a parsed <seg>: well-formed, written back as
   * it came. Plain text is escaped by the writer. */
  if (markup && markup_stands_alone(markup))
    W(xmlTextWriterWriteRaw(w, (const xmlChar *)markup));
  else
    W(xmlTextWriterWriteString(w, (const xmlChar *)plain));
  W(xmlTextWriterEndElement(w));
  W(xmlTextWriterEndElement(w));
  return 0;
}

static int write_prop(xmlTextWriterPtr w, const char *type, const char *value) {
  W(xmlTextWriterStartElement(w, (const xmlChar *)"prop"));
  W(write_attr(w, "type", type));
  W(xmlTextWriterWriteString(w, (const xmlChar *)value));
  W(xmlTextWriterEndElement(w));
  return 0;
}

static int write_tu(xmlTextWriterPtr w, const cd_tm_unit *u) {
  char date[32], num[64];
  W(xmlTextWriterStartElement(w, (const xmlChar *)"tu"));
  W(write_attr(w, "srclang", u->src_lang));
  tmx_date(u->created, date);
  if (date[0])
    W(write_attr(w, "creationdate", date));
  tmx_date(u->changed, date);
  if (date[0])
    W(write_attr(w, "changedate", date));
  if (u->usage > 0) {
    snprintf(num, sizeof num, "%lld", (long long)u->usage);
    W(write_attr(w, "usagecount", num));
  }
  if (u->origin_doc) {
    /* stored clean since BUG-16; cleaned again for TMs written before */
    cd_buf label = CD_BUF_INIT;
    int rc = cd_tm_clean_label(u->origin_doc, &label)
                 ? -1
                 : write_prop(w, "x-copydesk-origin", label.data);
    cd_buf_free(&label);
    W(rc);
  }
  if (u->origin_date) {
    tmx_date(u->origin_date, date);
    W(write_prop(w, "x-copydesk-origin-date", date));
  }
  if (u->score >= 0) {
    snprintf(num, sizeof num, "%.4f", u->score);
    W(write_prop(w, "x-copydesk-score", num));
  }
  W(write_tuv(w, u->src_lang, u->source, u->source_markup));
  W(write_tuv(w, u->tgt_lang, u->target, u->target_markup));
  W(xmlTextWriterEndElement(w));
  return 0;
}

static int export_unit(void *ud, const cd_tm_unit *u) {
  export_ctx *c = ud;
  if (write_tu(c->w, u) < 0) {
    c->failed = true;
    return 1;
  }
  c->count++;
  return 0;
}

typedef struct src_langs {
  char first[64];
  bool several;
} src_langs;

static void note_pair(void *ud, const char *src, const char *tgt, int64_t n) {
  (void)tgt;
  (void)n;
  src_langs *l = ud;
  if (!l->first[0])
    snprintf(l->first, sizeof l->first, "%s", src);
  else if (strcmp(l->first, src) != 0)
    l->several = true;
}

static int write_header(xmlTextWriterPtr w, const char *srclang, const char *version,
                        const char *segtype) {
  char date[32];
  tmx_date((int64_t)time(NULL), date);
  W(xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL));
  W(xmlTextWriterWriteDTD(w, (const xmlChar *)"tmx", NULL, (const xmlChar *)"tmx14.dtd", NULL));
  W(xmlTextWriterStartElement(w, (const xmlChar *)"tmx"));
  W(write_attr(w, "version", "1.4"));
  W(xmlTextWriterStartElement(w, (const xmlChar *)"header"));
  W(write_attr(w, "creationtool", "copydesk"));
  W(write_attr(w, "creationtoolversion", version));
  W(write_attr(w, "segtype", segtype));
  W(write_attr(w, "o-tmf", "copydesk"));
  W(write_attr(w, "adminlang", "en"));
  W(write_attr(w, "srclang", srclang));
  W(write_attr(w, "datatype", "plaintext"));
  W(write_attr(w, "creationdate", date));
  W(xmlTextWriterEndElement(w));
  W(xmlTextWriterStartElement(w, (const xmlChar *)"body"));
  return 0;
}

cd_status cd_tmx_export(cd_tm_store *s, FILE *fp, const char *name, const cd_tmx_export_options *o,
                        size_t *count, cd_error *err) {
  cd_tmx_export_options defaults;
  if (!o) {
    cd_tmx_export_options_init(&defaults);
    o = &defaults;
  }
  src_langs langs;
  memset(&langs, 0, sizeof langs);
  cd_tm_stats stats;
  cd_status st;
  if (o->src_lang)
    snprintf(langs.first, sizeof langs.first, "%s", o->src_lang);
  else if ((st = cd_tm_store_stats(s, &stats, note_pair, &langs, err)))
    return st;
  const char *srclang = langs.several || !langs.first[0] ? "*all*" : langs.first;

  xmlOutputBufferPtr ob = xmlOutputBufferCreateFile(fp, NULL);
  xmlTextWriterPtr w = ob ? xmlNewTextWriter(ob) : NULL;
  if (!w) {
    if (ob)
      xmlOutputBufferClose(ob);
    return cd_error_set(err, CD_ERR_NOMEM, "%s: cannot start the TMX writer", name);
  }
  xmlTextWriterSetIndent(w, 1);
  xmlTextWriterSetIndentString(w, (const xmlChar *)" ");
  export_ctx c = {w, 0, false};
  if (write_header(w, srclang, o->tool_version ? o->tool_version : "0",
                   o->segtype ? o->segtype : "sentence") < 0) {
    st = cd_error_set(err, CD_ERR_IO, "%s: cannot write the TMX header", name);
    goto done;
  }
  st = cd_tm_store_foreach(s, o->src_lang, o->tgt_lang, export_unit, &c, err);
  if (!st && c.failed)
    st = cd_error_set(err, CD_ERR_IO, "%s: write error after %zu units", name, c.count);
  if (!st && xmlTextWriterEndDocument(w) < 0)
    st = cd_error_set(err, CD_ERR_IO, "%s: write error at the end of the TMX", name);
  if (!st && xmlTextWriterFlush(w) < 0)
    st = cd_error_set(err, CD_ERR_IO, "%s: write error", name);
done:
  xmlFreeTextWriter(w); /* flushes and closes the output buffer, not fp */
  if (!st && fputc('\n', fp) == EOF)
    st = cd_error_set(err, CD_ERR_IO, "%s: write error", name);
  if (count)
    *count = c.count;
  return st;
}
