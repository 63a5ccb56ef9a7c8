/* SPDX-License-Identifier: MIT */
/* src/wire: XML wire formats as documents of prose units, normalized and written back. */
#include "cd_test.h"

#include <json-c/json.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cd_wire.h"

static cd_wire_doc *parse_fixture(const char *name, bool ednotes, cd_buf *raw) {
  char path[512];
  snprintf(path, sizeof path, "wire/%s", name);
  cdt_read_file(cdt_fixture(path), raw);
  cd_wire_options o;
  cd_wire_options_init(&o);
  o.label = name;
  o.data_dir = cdt_data_dir();
  o.ednotes = ednotes;
  cd_wire_doc *d = NULL;
  cd_error err;
  cd_status st = cd_wire_parse(&o, cd_buf_at(raw, 0), raw->len, &d, &err);
  if (st)
    fail_msg("%s: %s", name, err.message);
  return d;
}

static cd_status parse_bytes(const char *s, size_t n, cd_wire_doc **d, cd_error *err) {
  cd_wire_options o;
  cd_wire_options_init(&o);
  o.label = "mem.xml";
  o.data_dir = cdt_data_dir();
  return cd_wire_parse(&o, s, n, d, err);
}

static const cd_wire_unit *unit_with(const cd_wire_doc *d, const char *needle) {
  for (size_t i = 0; i < cd_wire_unit_count(d); i++)
    if (strstr(cd_wire_unit_at(d, i)->text, needle))
      return cd_wire_unit_at(d, i);
  return NULL;
}

/* Normalizes d (language lang, or the document's) into out; changes as JSON Lines. */
static cd_status collect_change(void *ud, const cd_change *c, cd_error *err) {
  (void)err;
  return cd_change_to_json(c, ud);
}

static void normalize(cd_wire_doc *d, const char *lang, cd_buf *out, cd_buf *changes) {
  cd_normalize_options o;
  cd_normalize_options_init(&o);
  o.data_dir = cdt_data_dir();
  cd_normalizer *nz = NULL;
  cd_error err;
  assert_int_equal(cd_normalizer_new(&o, &nz, &err), CD_OK);
  cd_normalize_report rep;
  cd_status st =
      cd_wire_normalize(nz, d, lang, out, changes ? collect_change : NULL, changes, &rep, &err);
  if (st)
    fail_msg("normalize: %s", err.message);
  cd_normalizer_free(nz);
}

/* The document with every text and CDATA node emptied (and character entity references of
 * an external DTD removed), serialized: two documents that differ only in their text give
 * the same string. */
static void blanked(const char *s, size_t n, cd_buf *out, bool html) {
  xmlDoc *doc = html ? htmlReadMemory(s, (int)n, "x.html", NULL,
                                      HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING)
                     : xmlReadMemory(s, (int)n, "x.xml", NULL, XML_PARSE_NONET);
  assert_non_null(doc);
  xmlNode *stack[512];
  int sp = 0;
  stack[sp++] = xmlDocGetRootElement(doc);
  while (sp) {
    xmlNode *k = stack[--sp], *next;
    for (; k; k = next) {
      next = k->next;
      if (k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE)
        xmlNodeSetContent(k, (const xmlChar *)"");
      if (k->type == XML_ENTITY_REF_NODE) { /* &ndash; of an external DTD: text too */
        xmlUnlinkNode(k);
        xmlFreeNode(k);
        continue;
      }
      if (k->children && sp < 512)
        stack[sp++] = k->children;
    }
  }
  xmlChar *mem = NULL;
  int len = 0;
  xmlDocDumpMemoryEnc(doc, &mem, &len, "UTF-8");
  cd_buf_clear(out);
  assert_int_equal(cd_buf_append(out, mem, (size_t)len), CD_OK);
  xmlFree(mem);
  xmlFreeDoc(doc);
}

/* Well-formed, the same markup, and every byte outside the units' spans unchanged. */
static void assert_only_prose_changed(cd_wire_doc *d, const cd_buf *raw, const cd_buf *out) {
  cd_buf a = CD_BUF_INIT, b = CD_BUF_INIT;
  bool html = cd_wire_doc_format(d) == CD_WIRE_HTML;
  blanked(cd_buf_at(raw, 0), raw->len, &a, html);
  blanked(cd_buf_at(out, 0), out->len, &b, html);
  assert_int_equal(a.len, b.len);
  assert_memory_equal(a.data, b.data, a.len);
  uint64_t prev = 0;
  for (size_t i = 0; i <= cd_wire_unit_count(d); i++) {
    uint64_t end = i < cd_wire_unit_count(d) ? cd_wire_unit_at(d, i)->start : raw->len;
    uint64_t o0 = cd_wire_output_offset(d, prev), o1 = cd_wire_output_offset(d, end);
    assert_int_equal(o1 - o0, end - prev);
    assert_memory_equal(raw->data + prev, out->data + o0, end - prev);
    if (i < cd_wire_unit_count(d))
      prev = cd_wire_unit_at(d, i)->end;
  }
  cd_buf_free(&a);
  cd_buf_free(&b);
}

static void test_detect(void **state) {
  (void)state;
  cd_buf raw = CD_BUF_INIT;
  static const struct {
    const char *file;
    cd_wire_format f;
  } cases[] = {{"g2-xhtml.xml", CD_WIRE_NEWSML},
               {"g2-nitf.xml", CD_WIRE_NEWSML},
               {"newsml1-latin1.xml", CD_WIRE_NEWSML},
               {"nitf-crlf.xml", CD_WIRE_NITF}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char p[256];
    snprintf(p, sizeof p, "wire/%s", cases[i].file);
    cdt_read_file(cdt_fixture(p), &raw);
    assert_int_equal(cd_wire_detect(raw.data, raw.len), cases[i].f);
  }
  assert_int_equal(cd_wire_detect("Just a line of text.\n", 21), CD_WIRE_TEXT);
  assert_int_equal(cd_wire_detect("<b>bold</b> claims", 18), CD_WIRE_TEXT);
  assert_int_equal(cd_wire_detect("\xFF\xFE<\0?\0x\0", 8), CD_WIRE_NEWSML); /* UTF-16 XML */
  assert_int_equal(cd_wire_detect("\xFE\xFF\0 \0<\0n", 8), CD_WIRE_NEWSML);
  assert_int_equal(cd_wire_detect("\xFF\xFEH\0i\0\n\0", 8), CD_WIRE_TEXT); /* UTF-16 text */
  assert_int_equal(cd_wire_detect("<?xml version=\"1.0\"?><rss/>", 27), CD_WIRE_NEWSML);
  assert_int_equal(cd_wire_detect("\x16\x16\x01"
                                  "f l",
                                  6),
                   CD_WIRE_ANPA);
  const char *j = "{\"headline\": \"x\", \"body_html\": \"<p>y</p>\"}";
  assert_int_equal(cd_wire_detect(j, strlen(j)), CD_WIRE_NINJS);
  assert_int_equal(cd_wire_detect("{\"a\": 1}", 8), CD_WIRE_TEXT);
  const char *h = "<!DOCTYPE html>\n<html><body><p>x</p></body></html>";
  assert_int_equal(cd_wire_detect(h, strlen(h)), CD_WIRE_HTML);
  cd_wire_format f;
  assert_true(cd_wire_format_from_name("nitf", &f) && f == CD_WIRE_NITF);
  assert_false(cd_wire_format_from_name("docx", &f));
  cd_buf_free(&raw);
}

static void test_units_and_roles(void **state) {
  (void)state;
  cd_buf raw = CD_BUF_INIT;
  cd_wire_doc *d = parse_fixture("g2-xhtml.xml", false, &raw);
  assert_string_equal(cd_wire_doc_lang(d), "en");
  const cd_wire_unit *h = unit_with(d, "as harbour talks stall");
  assert_non_null(h);
  assert_string_equal(h->role, "headline");
  assert_int_equal(h->line, 17);
  assert_int_equal(h->col, 19);
  /* entities and character references are text */
  const cd_wire_unit *p = unit_with(d, "within days");
  assert_non_null(p);
  assert_string_equal(p->role, "body");
  assert_non_null(strstr(p->text, "resume \"within days\" & that"));
  assert_non_null(strstr(p->text, "cancelled \xE2\x80\x94 about"));
  /* inline markup is part of the paragraph */
  assert_non_null(unit_with(d, "\"We waited three months,\""));
  /* CDATA is text; a comment is not */
  assert_non_null(unit_with(d, "O'Leary: Tom & \"the others\" stay home until"));
  assert_non_null(unit_with(d, "10-15 pounds higher"));
  /* not prose: keywords, slugs, the editor's note (not asked), <pre> */
  assert_null(unit_with(d, "harbour\" - ferry"));
  assert_null(unit_with(d, "Harbour-Ferry"));
  assert_null(unit_with(d, "Corrects"));
  assert_null(unit_with(d, "stays"));
  cd_wire_doc_free(d);
  d = parse_fixture("g2-xhtml.xml", true, &raw);
  const cd_wire_unit *e = unit_with(d, "Corrects");
  assert_non_null(e);
  assert_string_equal(e->role, "ednote");
  cd_wire_doc_free(d);
  cd_buf_free(&raw);
}

/* XHTML lists: an item of the story is prose; a list of codes (class "slugline") is not;
 * notes for the editor (class "np-public") are prose only when asked; what is not for
 * publication (class "np-nonpublic") never is. The class decides, not the element alone. */
static void test_xhtml_lists_and_classes(void **state) {
  (void)state;
  const char *x =
      "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><header>"
      "<ul class=\"slugline\"><li class=\"geo\">International</li><li>Ferries</li></ul>"
      "<h1>Harbour strike - day two</h1></header><section class=\"main\">"
      "<p>Crews said \"no\".</p><ul><li>Ferries to the islands - cancelled</li></ul>"
      "</section><section class=\"np-public extra\"><ul><li>Photos - 2 pictures</li></ul>"
      "</section><section class=\"np-nonpublic\"><p>Desk: call 0123 - ask for Ann</p>"
      "</section></body></html>";
  cd_wire_doc *d = NULL;
  cd_error err;
  cd_wire_options o;
  cd_wire_options_init(&o);
  o.data_dir = cdt_data_dir();
  assert_int_equal(cd_wire_parse(&o, x, strlen(x), &d, &err), CD_OK);
  const cd_wire_unit *li = unit_with(d, "Ferries to the islands");
  assert_non_null(li);
  assert_string_equal(li->role, "body");
  assert_null(unit_with(d, "International"));
  assert_null(unit_with(d, "Photos"));
  assert_null(unit_with(d, "Desk:"));
  cd_buf out = CD_BUF_INIT;
  normalize(d, "en", &out, NULL);
  assert_non_null(strstr(out.data, "<li class=\"geo\">International</li>"));
  assert_non_null(strstr(out.data, "<li>Ferries to the islands \xE2\x80\x94 cancelled</li>"));
  assert_non_null(strstr(out.data, "<li>Photos - 2 pictures</li>"));
  cd_wire_doc_free(d);
  o.ednotes = true;
  assert_int_equal(cd_wire_parse(&o, x, strlen(x), &d, &err), CD_OK);
  const cd_wire_unit *note = unit_with(d, "Photos");
  assert_non_null(note);
  assert_string_equal(note->role, "ednote");
  assert_null(unit_with(d, "Desk:"));
  cd_wire_doc_free(d);
  cd_buf_free(&out);
}

static void test_g2_xhtml_normalized(void **state) {
  (void)state;
  cd_buf raw = CD_BUF_INIT, out = CD_BUF_INIT, log = CD_BUF_INIT;
  cd_wire_doc *d = parse_fixture("g2-xhtml.xml", false, &raw);
  normalize(d, NULL, &out, &log);
  assert_only_prose_changed(d, &raw, &out);
  const char *o = out.data;
  /* quotes across inline markup: the paragraph is one text */
  assert_non_null(strstr(o, "<p><i>\xE2\x80\x9CWe waited</i> three months,\xE2\x80\x9D said"));
  /* &quot; is a quotation mark; &amp; stays &amp;, &#8212; stays as written */
  assert_non_null(strstr(o, "resume \xE2\x80\x9Cwithin days\xE2\x80\x9D &amp; that"));
  assert_non_null(strstr(o, "cancelled &#8212; about"));
  /* CDATA edited inside its section, no escaping there */
  assert_non_null(strstr(o, "<![CDATA[Tom & \xE2\x80\x9Cthe others\xE2\x80\x9D stay home]]>"));
  assert_non_null(strstr(o, "pounds<!-- check figure --> higher \xE2\x80\x9Cthis winter"));
  /* never touched */
  assert_non_null(strstr(o, "<keyword rank=\"1\">\"harbour\" - ferry</keyword>"));
  assert_non_null(strstr(o, "<slugline>Harbour-Ferry--Strike</slugline>"));
  assert_non_null(strstr(o, "Eds: \"Corrects\" the ferry's name -- moves"));
  assert_non_null(strstr(o, "<pre>code  \"stays\"  as -- is</pre>"));
  assert_non_null(strstr(o, "data-id=\"h-1\""));
  /* the dateline keeps the space before the text that follows it */
  assert_non_null(strstr(o, "(XYZ) \xE2\x80\x94 </dateline>"));
  /* change-log offsets are in the original file and the output */
  const char *rec = strstr(log.data, "\"before\":\"\\\"\",\"after\":\"“\"");
  assert_non_null(rec);
  const char *ins = strstr(log.data, "\"in_start\":");
  assert_non_null(ins);
  unsigned long long is = strtoull(ins + 11, NULL, 10);
  unsigned long long os = strtoull(strstr(ins, "\"out_start\":") + 12, NULL, 10);
  assert_true(is < raw.len && os < out.len);
  assert_int_equal(raw.data[is], '"');
  assert_memory_equal(out.data + os, "\xE2\x80\x9C", 3);
  cd_wire_doc_free(d);
  cd_buf_free(&raw);
  cd_buf_free(&out);
  cd_buf_free(&log);
}

static void test_g2_inline_nitf_french(void **state) {
  (void)state;
  cd_buf raw = CD_BUF_INIT, out = CD_BUF_INIT;
  cd_wire_doc *d = parse_fixture("g2-nitf.xml", false, &raw);
  assert_string_equal(cd_wire_doc_lang(d), "fr");
  /* <nitf> without its own xmlns inherits the G2 namespace: still NITF inside inlineXML */
  const cd_wire_unit *p = unit_with(d, "poursuivre");
  assert_non_null(p);
  assert_string_equal(p->role, "body");
  assert_null(unit_with(d, "Jeanne")); /* byline */
  normalize(d, NULL, &out, NULL);
  assert_only_prose_changed(d, &raw, &out);
  assert_non_null(strstr(out.data, "appel\xC3\xA9 \xC3\xA0 \xC2\xAB\xC2\xA0poursuivre") ||
                  strstr(out.data, "appel\xC3\xA9 \xC3\xA0 \xC2\xAB\xE2\x80\xAFpoursuivre"));
  assert_non_null(strstr(out.data, "<byline>Par Jeanne \"JD\" Durand</byline>"));
  cd_wire_doc_free(d);
  cd_buf_free(&raw);
  cd_buf_free(&out);
}

static void test_items_in_two_languages(void **state) {
  (void)state;
  cd_buf raw = CD_BUF_INIT, out = CD_BUF_INIT;
  cd_wire_doc *d = parse_fixture("g2-two-items.xml", false, &raw);
  assert_string_equal(unit_with(d, "Br\xC3\xBC"
                                   "cke")
                          ->lang,
                      "de");
  assert_string_equal(unit_with(d, "Le pont")->lang, "fr");
  normalize(d, NULL, &out, NULL); /* each item in its own language's style */
  assert_only_prose_changed(d, &raw, &out);
  assert_non_null(strstr(out.data, "bleibt \xE2\x80\x9Evorerst\xE2\x80\x9C gesperrt"));
  assert_non_null(strstr(out.data, "ferm\xC3\xA9 \xC2\xAB"));
  cd_wire_doc_free(d);
  cd_buf_free(&raw);
  cd_buf_free(&out);
}

static void test_latin1_declared_encoding(void **state) {
  (void)state;
  cd_buf raw = CD_BUF_INIT, out = CD_BUF_INIT;
  cd_wire_doc *d = parse_fixture("newsml1-latin1.xml", false, &raw);
  assert_string_equal(cd_wire_doc_charset(d), "iso-8859-1");
  assert_string_equal(cd_wire_doc_lang(d), "fr");
  const cd_wire_unit *h = unit_with(d, "du jamais vu");
  assert_non_null(h);
  assert_string_equal(h->role, "headline");
  assert_non_null(strstr(h->text, "comt\xC3\xA9")); /* decoded to UTF-8 */
  normalize(d, NULL, &out, NULL);
  assert_only_prose_changed(d, &raw, &out);
  /* written back in ISO-8859-1; what it cannot hold as character references */
  assert_non_null(strstr(out.data, "comt\xE9 s&#x2019;envole"));
  assert_non_null(strstr(out.data, "<NameLabel>fromage-prix-export</NameLabel>"));
  assert_null(strstr(out.data, "\xE2\x80"));
  cd_wire_doc_free(d);
  cd_buf_free(&raw);
  cd_buf_free(&out);
}

/* A NITF that names its external DTD may use the HTML 4 character entities the DTD declares
 * (&eacute;, &ndash;, &nbsp;): they are characters (libxml2's table; the DTD is never
 * fetched), kept as written where the text is not edited. */
static void test_nitf_dtd_entities(void **state) {
  (void)state;
  cd_buf raw = CD_BUF_INIT, out = CD_BUF_INIT;
  cd_wire_doc *d = parse_fixture("nitf-dtd-entities.xml", false, &raw);
  const cd_wire_unit *p = unit_with(d, "fair rents");
  assert_non_null(p);
  assert_non_null(strstr(p->text, "caf\xC3\xA9 asked")); /* &eacute; is é */
  assert_non_null(strstr(p->text, "\xE2\x80\x93 and"));  /* &ndash; is – */
  normalize(d, "en", &out, NULL);
  assert_only_prose_changed(d, &raw, &out);
  /* the edited paragraph gets curly quotes; the untouched headline keeps its reference */
  assert_non_null(strstr(out.data, "<hl1>Caf&eacute; owners meet the mayor</hl1>"));
  assert_non_null(strstr(out.data, "\xE2\x80\x9C"
                                   "fair rents\xE2\x80\x9D"));
  assert_non_null(strstr(out.data, "<p>&nbsp;Fish &amp; chips stay on the menu.</p>"));
  cd_wire_doc_free(d);
  cd_buf_free(&raw);
  cd_buf_free(&out);
}

static void test_nitf_crlf_and_mojibake(void **state) {
  (void)state;
  cd_buf raw = CD_BUF_INIT, out = CD_BUF_INIT;
  cd_wire_doc *d = parse_fixture("nitf-crlf.xml", false, &raw);
  const cd_wire_unit *p = unit_with(d, "hauling");
  assert_non_null(p);
  assert_non_null(strstr(p->text, "61.\n      \"We're")); /* CRLF read as LF */
  assert_non_null(unit_with(d, "about 3 feet"));
  const cd_wire_unit *cap = unit_with(d, "dry mud");
  assert_non_null(cap);
  assert_string_equal(cap->role, "caption");
  assert_string_equal(unit_with(d, "about 3 feet")->role, "abstract");
  normalize(d, "en", &out, NULL);
  assert_only_prose_changed(d, &raw, &out);
  /* the CRLF inside the paragraph is kept as it was */
  assert_non_null(strstr(out.data, "61.\r\n      \xE2\x80\x9CWe\xE2\x80\x99re hauling"));
  assert_non_null(strstr(out.data, "<du-key key=\"Lake--Levels\" />"));
  assert_non_null(strstr(out.data, "<byline>By SAM \"SKIP\" PORTER</byline>"));
  cd_wire_doc_free(d);
  cd_buf_free(&out);
  d = parse_fixture("nitf-mojibake.xml", false, &raw);
  normalize(d, "en", &out, NULL);
  assert_only_prose_changed(d, &raw, &out);
  assert_non_null(strstr(out.data, "director \xC3\x89lise Thi\xC3\xA9riot said"));
  assert_non_null(strstr(out.data, "Tickets: \xE2\x82\xAC"
                                   "12."));
  cd_wire_doc_free(d);
  cd_buf_free(&raw);
  cd_buf_free(&out);
}

static void test_html(void **state) {
  (void)state;
  cd_buf raw = CD_BUF_INIT, out = CD_BUF_INIT;
  cd_wire_doc *d = parse_fixture("cms-page.html", false, &raw);
  assert_int_equal(cd_wire_doc_format(d), CD_WIRE_HTML);
  assert_string_equal(cd_wire_doc_lang(d), "en");
  /* named entities are text; <br> ends a unit; unclosed <p> is the parser's business */
  assert_non_null(unit_with(d, "called it \"a fair deal\" \xE2\x80\x94 others didn't."));
  assert_non_null(unit_with(d, "Caf\xC3\xA9 owners said it's"));
  assert_string_equal(unit_with(d, "at last")->role, "headline");
  assert_null(unit_with(d, "touch")); /* script */
  assert_null(unit_with(d, "font-weight"));
  normalize(d, NULL, &out, NULL);
  assert_only_prose_changed(d, &raw, &out);
  const char *o = out.data;
  assert_non_null(strstr(o, "<script>var label = \"do not\" - \"touch\"; if (a < b)"));
  assert_non_null(strstr(o, "/* \"quotes\" */</style>"));
  assert_non_null(strstr(o, "<pre>keep  \"this\"  -- as is</pre>"));
  assert_non_null(strstr(o, "title=\"the &quot;plan&quot;\">the \xE2\x80\x9C"
                            "full plan\xE2\x80\x9D</a>"));
  assert_non_null(
      strstr(o, "it \xE2\x80\x9C"
                "a fair deal\xE2\x80\x9D &mdash; others didn\xE2\x80\x99t.<br>Caf&eacute;"));
  assert_non_null(strstr(o, "5%&nbsp;on \xE2\x80\x9CJuly 1.\xE2\x80\x9D"));
  assert_non_null(strstr(o, "<!-- \"editor\" comment -->"));
  cd_wire_doc_free(d);
  cd_buf_clear(&out);
  /* no declaration: detected (cp1252), written back in cp1252 */
  d = parse_fixture("cp1252-page.html", false, &raw);
  assert_string_equal(cd_wire_doc_charset(d), "WINDOWS-1252");
  assert_non_null(unit_with(d, "\xE2\x80\x9Cwe are ready\xE2\x80\x9D"));
  normalize(d, "en", &out, NULL);
  assert_non_null(strstr(out.data, "\x93we are ready\x94 \x97 and left."));
  cd_wire_doc_free(d);
  cd_buf_clear(&out);
  /* a C0 control in a page is dropped by libxml2: located all the same; a NUL byte is refused */
  const char *ctl = "<html><body><p>a\x01"
                    "b \"q\"</p></body></html>";
  cd_wire_options co;
  cd_wire_options_init(&co);
  co.format = CD_WIRE_HTML;
  co.data_dir = cdt_data_dir();
  cd_error cerr;
  assert_int_equal(cd_wire_parse(&co, ctl, strlen(ctl), &d, &cerr), CD_OK);
  assert_string_equal(cd_wire_unit_at(d, 0)->text, "ab \"q\"");
  cd_wire_doc_free(d);
  /* a control character libxml2 drops splits the text into two pieces of the page: no edit
   * touches the bytes between them, so "<\x01!" cannot become markup; a '<' an edit writes
   * is written &lt; */
  const char *lt = "<html><body><p>a \"q\" <\x01!b</p><p>c < d</p></body></html>";
  assert_int_equal(cd_wire_parse(&co, lt, strlen(lt), &d, &cerr), CD_OK);
  size_t lt_units = cd_wire_unit_count(d);
  assert_int_equal(cd_wire_replace(d, 0, 0, 1, "<", 1, &cerr), CD_OK);
  cd_buf_clear(&out);
  assert_int_equal(cd_wire_write(d, &out, &cerr), CD_OK);
  cd_wire_doc_free(d);
  assert_non_null(strstr(out.data, "<p>&lt; \"q\" <\x01!b</p><p>c < d</p>"));
  assert_int_equal(cd_wire_parse(&co, lt, strlen(lt), &d, &cerr), CD_OK);
  cd_buf_clear(&out);
  normalize(d, "en", &out, NULL);
  assert_non_null(strstr(out.data, "<p>c < d</p>")); /* not edited: as it was */
  assert_non_null(strstr(out.data, "\xE2\x80\x9D <\x01!b</p>"));
  cd_wire_doc_free(d);
  assert_int_equal(cd_wire_parse(&co, out.data, out.len, &d, &cerr), CD_OK);
  assert_int_equal(cd_wire_unit_count(d), lt_units);
  cd_wire_doc_free(d);
  cd_buf_clear(&out);
  /* broken tags are read as libxml2 reads them: quotes that follow no '=' open no value,
   * "<?" ends at the first '>'; the text between is prose, and the normalized page, its
   * quotes curled, reads again with the same units (found by fuzz_wire) */
  const char *bt = "<p>x<?a b=\"c>Bitte \"b\"</p><p>said <m \"\"\">\"so\" <l g=\">then \"no\"</p>";
  assert_int_equal(cd_wire_parse(&co, bt, strlen(bt), &d, &cerr), CD_OK);
  size_t units = cd_wire_unit_count(d);
  assert_non_null(unit_with(d, "Bitte \"b\""));
  normalize(d, "en", &out, NULL);
  cd_wire_doc_free(d);
  assert_non_null(strstr(out.data, "Bitte \xE2\x80\x9C"
                                   "b\xE2\x80\x9D"));
  assert_non_null(strstr(out.data, "said <m \"\"\">\xE2\x80\x9Cso\xE2\x80\x9D"));
  assert_int_equal(cd_wire_parse(&co, out.data, out.len, &d, &cerr), CD_OK);
  assert_int_equal(cd_wire_unit_count(d), units);
  cd_wire_doc_free(d);
  cd_buf_clear(&out);
  /* a literal '&' before letters stays text: an edit right after them (the C1 control of
   * "&\x90uot;" removed) writes the '&' as &amp;, or the page would read "&uot;" as a
   * reference (found by fuzz_wire) */
  cd_wire_options go = co;
  go.from_charset = "ISO-8859-7";
  const char *amp = "<p>a &quot;yes&\x90uot; b</p>";
  assert_int_equal(cd_wire_parse(&go, amp, strlen(amp), &d, &cerr), CD_OK);
  normalize(d, "en", &out, NULL);
  cd_wire_doc_free(d);
  assert_non_null(strstr(out.data, "<p>a &#x201C;yes&amp;uot; b</p>"));
  assert_int_equal(cd_wire_parse(&go, out.data, out.len, &d, &cerr), CD_OK);
  assert_string_equal(cd_wire_unit_at(d, 0)->text, "a \xE2\x80\x9Cyes&uot; b");
  cd_wire_doc_free(d);
  cd_buf_clear(&out);
  assert_int_equal(cd_wire_parse(&co, "<p>a\0b</p>", 11, &d, &cerr), CD_ERR_INPUT);
  assert_non_null(strstr(cerr.message, "a NUL byte"));
  /* --from wins over detection */
  cd_wire_options fo;
  cd_wire_options_init(&fo);
  fo.format = CD_WIRE_HTML;
  fo.data_dir = cdt_data_dir();
  fo.from_charset = "ISO-8859-15";
  cd_error ferr;
  assert_int_equal(cd_wire_parse(&fo, raw.data, raw.len, &d, &ferr), CD_OK);
  assert_string_equal(cd_wire_doc_charset(d), "ISO-8859-15");
  cd_wire_doc_free(d);
  /* <meta> charset */
  d = parse_fixture("latin1-page.html", false, &raw);
  assert_string_equal(cd_wire_doc_charset(d), "iso-8859-1");
  normalize(d, "fr", &out, NULL);
  assert_only_prose_changed(d, &raw, &out);
  assert_non_null(strstr(out.data, "Le caf\xE9 \xAB&#x202F;ouvre&#x202F;\xBB demain."));
  cd_wire_doc_free(d);
  cd_buf_free(&raw);
  cd_buf_free(&out);
}

static void test_ninjs(void **state) {
  (void)state;
  cd_buf raw = CD_BUF_INIT, out = CD_BUF_INIT, log = CD_BUF_INIT;
  cd_wire_doc *d = parse_fixture("ninjs-story.json", false, &raw);
  assert_int_equal(cd_wire_doc_format(d), CD_WIRE_NINJS);
  assert_string_equal(cd_wire_doc_lang(d), "en");
  assert_string_equal(unit_with(d, "lost year")->role, "headline");
  assert_string_equal(unit_with(d, "\"worst time.\"")->role, "abstract");
  assert_string_equal(unit_with(d, "lit fires")->role, "body");
  assert_null(unit_with(d, "Frosty"));  /* byline */
  assert_null(unit_with(d, "updates")); /* ednote, not asked */
  normalize(d, NULL, &out, &log);
  json_object *a = json_tokener_parse(raw.data), *b = json_tokener_parse(out.data);
  assert_non_null(b); /* valid JSON */
  json_object_object_foreach(a, key, va) {
    json_object *vb = NULL;
    assert_true(json_object_object_get_ex(b, key, &vb));
    bool prose = strcmp(key, "headline") == 0 || strstr(key, "description") || strstr(key, "body");
    if (!prose)
      assert_true(json_object_equal(va, vb)); /* every other field untouched */
  }
  json_object *h;
  assert_true(json_object_object_get_ex(b, "headline", &h));
  assert_string_equal(json_object_get_string(h),
                      "Late frost hits orchards \xE2\x80\x94 growers fear \xE2\x80\x9C"
                      "a lost year\xE2\x80\x9D");
  assert_true(json_object_object_get_ex(b, "body_html", &h));
  assert_non_null(strstr(json_object_get_string(h),
                         "<p class=\"note\">Prices: <b>\xE2\x80\x9Cup 20%\xE2\x80\x9D</b> by"));
  assert_non_null(strstr(log.data, "ninjs-story.json#body_html"));
  json_object_put(a);
  json_object_put(b);
  cd_wire_doc_free(d);
  /* ninjs 2.x: arrays of {value, contenttype} */
  d = parse_fixture("ninjs2-story.json", false, &raw);
  assert_string_equal(unit_with(d, "old quay")->role, "headline");
  assert_string_equal(unit_with(d, "high mark")->role, "abstract");
  assert_int_equal(cd_wire_unit_count(d), 4);
  cd_buf_clear(&out);
  cd_buf_clear(&log);
  normalize(d, NULL, &out, &log);
  b = json_tokener_parse(out.data);
  assert_non_null(b);
  json_object *bodies, *v;
  assert_true(json_object_object_get_ex(b, "bodies", &bodies));
  assert_true(json_object_object_get_ex(json_object_array_get_idx(bodies, 0), "value", &v));
  assert_string_equal(json_object_get_string(v), "<p>\xE2\x80\x9CIt\xE2\x80\x99s the third "
                                                 "time,\xE2\x80\x9D said a harbour master.</p>");
  assert_true(json_object_object_get_ex(b, "slugline", &v));
  assert_string_equal(json_object_get_string(v), "Tide--Flood");
  assert_non_null(strstr(log.data, "ninjs2-story.json#bodies[0]"));
  json_object_put(b);
  cd_wire_doc_free(d);
  /* bad JSON: exit 2 material, with file and line */
  cdt_read_file(cdt_fixture("wire/bad-ninjs.json"), &raw);
  cd_error err;
  assert_int_equal(parse_bytes(raw.data, raw.len, &d, &err), CD_ERR_INPUT);
  assert_non_null(strstr(err.message, "mem.xml:4: invalid JSON"));
  const char *arr = "[{\"headline\": \"x\"}]";
  cd_wire_options o;
  cd_wire_options_init(&o);
  o.format = CD_WIRE_NINJS;
  o.data_dir = cdt_data_dir();
  assert_int_equal(cd_wire_parse(&o, arr, strlen(arr), &d, &err), CD_ERR_INPUT);
  assert_non_null(strstr(err.message, "not a ninjs document"));
  cd_buf_free(&raw);
  cd_buf_free(&out);
  cd_buf_free(&log);
}

static void test_anpa(void **state) {
  (void)state;
  cd_buf raw = CD_BUF_INIT, out = CD_BUF_INIT, log = CD_BUF_INIT;
  cd_wire_doc *d = parse_fixture("anpa-take.tst", false, &raw);
  assert_int_equal(cd_wire_doc_format(d), CD_WIRE_ANPA);
  const cd_wire_unit *h = unit_with(d, "walk out");
  assert_non_null(h);
  assert_string_equal(h->role, "headline");
  assert_string_equal(h->text, "Ferry crews \"walk out\" as harbour talks stall");
  const cd_wire_unit *p = unit_with(d, "PORTSMOUTH");
  assert_string_equal(p->role, "body");
  assert_int_equal(p->line, 8); /* in the file, after the tab and the indent */
  assert_int_equal(p->col, 5);
  assert_memory_equal(raw.data + p->start, "PORTSMOUTH", 10);
  assert_null(unit_with(d, "BC-Ferry")); /* the slug */
  assert_null(unit_with(d, "SAM NORD")); /* the byline */
  assert_null(unit_with(d, "Updates"));  /* Eds:, not asked */
  normalize(d, "en", &out, &log);
  const char *o = out.data;
  assert_non_null(strstr(o, "ANPA-Header: Q1234 wire\n"));
  assert_non_null(strstr(o, "Keyword: BC-Ferry-Strike 2nd Ld,231\n\n"));
  assert_non_null(
      strstr(o, "\nFerry crews \xE2\x80\x9Cwalk out\xE2\x80\x9D as harbour talks stall\n"));
  assert_non_null(strstr(o, "\nPORTSMOUTH, England (XYZ) \xE2\x80\x94 Crews on"));
  assert_non_null(strstr(o, "offer was \xE2\x80\x98not serious\xE2\x80\x99 \xE2\x80\x94 and"));
  assert_non_null(strstr(o, "\nBy SAM NORD\n"));
  assert_non_null(strstr(o, "\nANPA-Trailer: XYZ-SN-03-02-26 0615GMT\n"));
  assert_null(memchr(o, 0x02, out.len)); /* no control framing left */
  assert_null(memchr(o, 0x16, out.len));
  /* the change log points into the original file: the `` of the headline */
  const char *ins = strstr(log.data, "\"in_start\":");
  assert_memory_equal(raw.data + strtoull(ins + 11, NULL, 10), "``", 2);
  /* --output-format nitf: the take as NITF, well-formed, read back by the NITF reader */
  cd_buf nitf = CD_BUF_INIT;
  cd_error nerr;
  assert_int_equal(cd_wire_anpa_nitf(d, out.data, out.len, &nitf, &nerr), CD_OK);
  assert_non_null(strstr(nitf.data, "<du-key key=\"BC-Ferry-Strike 2nd Ld,231\"/>"));
  assert_non_null(strstr(nitf.data, "<hl1>Ferry crews \xE2\x80\x9Cwalk out\xE2\x80\x9D as"));
  assert_non_null(
      strstr(nitf.data, "<byline>By SAM NORD<byttl>Example Press Writer</byttl></byline>"));
  assert_non_null(strstr(nitf.data, "<p>PORTSMOUTH, England (XYZ) \xE2\x80\x94 Crews"));
  cd_wire_doc *back = NULL;
  assert_int_equal(parse_bytes(nitf.data, nitf.len, &back, &nerr), CD_OK);
  assert_int_equal(cd_wire_doc_format(back), CD_WIRE_NITF);
  assert_string_equal(cd_wire_unit_at(back, 0)->role, "headline");
  assert_int_equal(cd_wire_unit_count(back), 4);
  cd_wire_doc_free(back);
  cd_buf_free(&nitf);
  cd_wire_doc_free(d);
  d = parse_fixture("anpa-take.tst", true, &raw);
  assert_string_equal(unit_with(d, "Updates")->role, "ednote");
  cd_wire_doc_free(d);
  cdt_read_file(cdt_fixture("wire/bad-anpa.tst"), &raw);
  cd_error err;
  assert_int_equal(parse_bytes(raw.data, raw.len, &d, &err), CD_ERR_INPUT);
  assert_non_null(strstr(err.message, "mem.xml:5: truncated ANPA framing: no ETX"));
  assert_int_equal(parse_bytes("\x16\x16\x01Q1\nno text", 13, &d, &err), CD_ERR_INPUT);
  assert_non_null(strstr(err.message, "no STX"));
  cd_buf_free(&raw);
  cd_buf_free(&out);
  cd_buf_free(&log);
}

static void test_cp1252_inside_utf8(void **state) {
  (void)state;
  cd_buf raw = CD_BUF_INIT, out = CD_BUF_INIT, log = CD_BUF_INIT;
  /* says UTF-8, holds cp1252 bytes: repaired as plain text is, written out as UTF-8 */
  cd_wire_doc *d = parse_fixture("nitf-cp1252-in-utf8.xml", false, &raw);
  assert_non_null(unit_with(d, "caf\xC3\xA9 rose \xE2\x80\x93 owners"));
  const cd_wire_unit *p = unit_with(d, "Prices");
  assert_int_equal(p->line, 5); /* positions in the file */
  assert_memory_equal(raw.data + p->start, "Prices", 6);
  normalize(d, "en", &out, &log);
  assert_true(cd_utf8_is_valid(out.data, out.len));
  assert_non_null(strstr(out.data, "key=\"caf\xC3\xA9-prices\""));
  assert_non_null(strstr(
      out.data, "caf\xC3\xA9 rose \xE2\x80\x94 owners said \xE2\x80\x9Cit\xE2\x80\x99s fair"));
  assert_non_null(strstr(out.data, "cr\xC3\xA8me br\xC3\xBBl\xC3\xA9"
                                   "e."));
  xmlDoc *x = xmlReadMemory(out.data, (int)out.len, "o.xml", NULL, XML_PARSE_NONET);
  assert_non_null(x); /* well-formed */
  xmlFreeDoc(x);
  assert_non_null(strstr(log.data, "\"stage\":\"decode\""));
  assert_non_null(strstr(log.data, "\"stage\":\"mojibake\""));
  cd_wire_doc_free(d);
  cd_buf_free(&raw);
  cd_buf_free(&out);
  cd_buf_free(&log);
}

static void test_utf16(void **state) {
  (void)state;
  /* "<?xml ...?><nitf><p>"caf\xC3\xA9"</p></nitf>" in UTF-16LE with its BOM */
  const char *u8 = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<nitf><body><p>He said "
                   "\"caf\xC3\xA9 -- ok\" &amp; left.</p></body></nitf>\n";
  cd_buf raw = CD_BUF_INIT, out = CD_BUF_INIT;
  assert_int_equal(cd_buf_append(&raw, "\xFF\xFE", 2), CD_OK);
  for (size_t i = 0; u8[i];) {
    int32_t c = cd_utf8_next(u8, strlen(u8), &i);
    char le[2] = {(char)(c & 0xFF), (char)(c >> 8)};
    assert_int_equal(cd_buf_append(&raw, le, 2), CD_OK);
  }
  cd_wire_doc *d = NULL;
  cd_error err;
  assert_int_equal(parse_bytes(raw.data, raw.len, &d, &err), CD_OK);
  assert_string_equal(cd_wire_doc_charset(d), "UTF-16LE");
  assert_string_equal(cd_wire_unit_at(d, 0)->text, "He said \"caf\xC3\xA9 -- ok\" & left.");
  normalize(d, "en", &out, NULL);
  assert_only_prose_changed(d, &raw, &out);
  /* written back in UTF-16LE: the curly quote U+201C is 1C 20 */
  assert_non_null(memmem(out.data, out.len, "s\0a\0i\0d\0 \0\x1C\x20", 12));
  cd_wire_doc_free(d);
  cd_buf_free(&raw);
  cd_buf_free(&out);
}

static void test_replace_escapes(void **state) {
  (void)state;
  const char *x = "<?xml version=\"1.0\"?>\n<nitf><body><p>a <b>b</b> c</p>"
                  "<p><![CDATA[x]]></p></body></nitf>\n";
  cd_wire_doc *d = NULL;
  cd_error err;
  assert_int_equal(parse_bytes(x, strlen(x), &d, &err), CD_OK);
  assert_int_equal(cd_wire_unit_count(d), 2);
  assert_string_equal(cd_wire_unit_at(d, 0)->text, "a b c");
  /* an edit across the inline element: the replacement goes to the first node, the rest of
   * the range is deleted in the others, the markup stays */
  assert_int_equal(cd_wire_replace(d, 0, 0, 3, "<&>", 3, &err), CD_OK);
  assert_int_equal(cd_wire_replace(d, 1, 1, 1, "]]>", 3, &err), CD_OK);
  cd_buf out = CD_BUF_INIT;
  assert_int_equal(cd_wire_write(d, &out, &err), CD_OK);
  assert_non_null(strstr(out.data, "<p>&lt;&amp;&gt;<b></b> c</p>"));
  assert_non_null(strstr(out.data, "<![CDATA[x]]]]><![CDATA[>]]>"));
  xmlDoc *doc = xmlReadMemory(out.data, (int)out.len, "o.xml", NULL, XML_PARSE_NONET);
  assert_non_null(doc);
  xmlFreeDoc(doc);
  cd_wire_doc_free(d);
  /* no edit: the same bytes */
  assert_int_equal(parse_bytes(x, strlen(x), &d, &err), CD_OK);
  cd_buf_clear(&out);
  assert_int_equal(cd_wire_write(d, &out, &err), CD_OK);
  assert_int_equal(out.len, strlen(x));
  assert_memory_equal(out.data, x, out.len);
  cd_wire_doc_free(d);
  cd_buf_free(&out);
}

static void expect_input_error(const char *name, const char *needle) {
  cd_buf raw = CD_BUF_INIT;
  char p[256];
  snprintf(p, sizeof p, "wire/%s", name);
  cdt_read_file(cdt_fixture(p), &raw);
  cd_wire_doc *d = NULL;
  cd_error err;
  assert_int_equal(parse_bytes(raw.data, raw.len, &d, &err), CD_ERR_INPUT);
  assert_null(d);
  if (!strstr(err.message, needle))
    fail_msg("%s: '%s' does not say '%s'", name, err.message, needle);
  cd_buf_free(&raw);
}

/* A broken line in a wire data file is an error naming the file and line, never dropped
 * (the ANPA rules' reader used to read on and report success). */
static void test_bad_data_file(void **state) {
  (void)state;
  char dir[4200], sub[4300], path[4400];
  snprintf(dir, sizeof dir, "%s/wire-data", cdt_tmpdir());
  snprintf(sub, sizeof sub, "%s/wire", dir);
  mkdir(dir, 0755);
  mkdir(sub, 0755);
  snprintf(path, sizeof path, "%s/anpa.tsv", sub);
  const char *bad = "# rules\n<\tEds:\tednote\n?\tno end mark\n";
  cdt_write_file(path, bad, strlen(bad));
  cd_buf raw = CD_BUF_INIT;
  cdt_read_file(cdt_fixture("wire/anpa-take.tst"), &raw);
  cd_wire_options o;
  cd_wire_options_init(&o);
  o.data_dir = dir;
  cd_wire_doc *d = NULL;
  cd_error err;
  assert_int_equal(cd_wire_parse(&o, raw.data, raw.len, &d, &err), CD_ERR_DATA);
  assert_non_null(strstr(err.message, "wire/anpa.tsv:3: expected <|=<TAB>prefix<TAB>role"));
  assert_null(d);
  cd_buf_free(&raw);
}

static void test_bad_input(void **state) {
  (void)state;
  expect_input_error("bad-malformed.xml", "mem.xml:5: malformed XML");
  expect_input_error("bad-root.xml", "mem.xml:2: unknown root <rss>");
  expect_input_error("bad-entity.xml", "mem.xml:3: entity declaration refused");
  /* a name no DTD of HTML 4 declares stays refused */
  expect_input_error("bad-extref.xml",
                     "mem.xml:5: malformed XML: Entity 'notanentity' not defined");
  cd_wire_doc *d = NULL;
  cd_error err;
  /* the TMX reader's guard: a tag with too many attributes is refused unparsed */
  cd_buf big = CD_BUF_INIT;
  assert_int_equal(cd_buf_append_str(&big, "<?xml version=\"1.0\"?>\n<nitf><p"), CD_OK);
  for (int i = 0; i <= 1000; i++)
    assert_int_equal(cd_buf_appendf(&big, " a%d=\"1\"", i), CD_OK);
  assert_int_equal(cd_buf_append_str(&big, ">x</p></nitf>"), CD_OK);
  assert_int_equal(parse_bytes(big.data, big.len, &d, &err), CD_ERR_INPUT);
  assert_non_null(strstr(err.message, "more than 1000 attributes"));
  /* nesting deeper than libxml2's limit */
  cd_buf_clear(&big);
  assert_int_equal(cd_buf_append_str(&big, "<?xml version=\"1.0\"?>\n<nitf>"), CD_OK);
  for (int i = 0; i < 300; i++)
    assert_int_equal(cd_buf_append_str(&big, "<b>"), CD_OK);
  assert_int_equal(parse_bytes(big.data, big.len, &d, &err), CD_ERR_INPUT);
  assert_non_null(strstr(err.message, "malformed XML"));
  /* truncated, and bytes that are not the declared encoding */
  const char *t = "<?xml version=\"1.0\"?>\n<nitf><body><p>cut";
  assert_int_equal(parse_bytes(t, strlen(t), &d, &err), CD_ERR_INPUT);
  /* bytes that are not the declared UTF-8 are repaired, not refused (test_cp1252_inside_utf8);
   * a document malformed after the repair is still refused */
  const char *u = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<nitf><p>caf\xE9</nitf>";
  assert_int_equal(parse_bytes(u, strlen(u), &d, &err), CD_ERR_INPUT);
  assert_non_null(strstr(err.message, "mem.xml:2: malformed XML"));
  cd_buf_free(&big);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_detect),
      cmocka_unit_test(test_units_and_roles),
      cmocka_unit_test(test_xhtml_lists_and_classes),
      cmocka_unit_test(test_g2_xhtml_normalized),
      cmocka_unit_test(test_g2_inline_nitf_french),
      cmocka_unit_test(test_items_in_two_languages),
      cmocka_unit_test(test_latin1_declared_encoding),
      cmocka_unit_test(test_nitf_dtd_entities),
      cmocka_unit_test(test_nitf_crlf_and_mojibake),
      cmocka_unit_test(test_html),
      cmocka_unit_test(test_ninjs),
      cmocka_unit_test(test_anpa),
      cmocka_unit_test(test_cp1252_inside_utf8),
      cmocka_unit_test(test_utf16),
      cmocka_unit_test(test_replace_escapes),
      cmocka_unit_test(test_bad_data_file),
      cmocka_unit_test(test_bad_input),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
