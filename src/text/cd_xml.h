/* SPDX-License-Identifier: MIT */
/* cd_xml.h — the settings every libxml2 reader of copydesk shares (TMX import, wire formats):
 * one set of parse options, one set of limits, one pre-parse guard.
 *
 * Parse options: XML_PARSE_NONET only. Never XML_PARSE_NOENT (substitutes entities: XXE) nor
 * XML_PARSE_DTDLOAD (fetches DTDs), never XML_PARSE_HUGE: libxml2 then keeps its limits of
 * 10,000,000 bytes per text node and a depth of 256, and an entity loop fails the parse.
 * Entity references other than the five predefined ones and character references are refused
 * by the readers (an entity-reference node is an error naming the line).
 *
 * The guard is a small lexer over the raw bytes that knows start tags, quotes, comments, CDATA
 * sections, processing instructions and declarations (the DOCTYPE's internal subset with its own
 * comments and PIs) well enough to do three things before libxml2 parses for real:
 *  - stop the read at the first tag with more than CD_XML_MAX_ATTRS attributes (libxml2 2.9
 *    checks every attribute against every other one: one tag with 100,000 takes a minute);
 *  - stop it at the first <!ENTITY declaration: entities are never expanded, and libxml2
 *    expands them in attribute values while parsing (a quadratic blow-up) whatever we do after;
 *  - drop comments and processing instructions (but the XML declaration) when the reader gives
 *    them no meaning (TMX: libxml2's reader keeps a run of sibling comments in memory). Outside
 *    the text element (TMX's <seg>) their line ends are kept, so libxml2's line numbers stay
 *    those of the file; inside it they would become text, so a comment there is dropped whole.
 *    A reader that must give the document back byte for byte keeps them (keep_comments), and
 *    the guard only checks. Either way more than CD_XML_MAX_COMMENT_BYTES of them are refused.
 * It decides nothing about well-formedness: libxml2 does. */
#ifndef CD_XML_H
#define CD_XML_H

#include <stdbool.h>
#include <stddef.h>

#define CD_XML_PARSE_OPTIONS XML_PARSE_NONET
#define CD_XML_MAX_ATTRS 1000
#define CD_XML_MAX_COMMENT_BYTES (4 * 1024 * 1024)

/* Why the guard stopped the read. */
enum { CD_XML_GUARD_OK, CD_XML_GUARD_ATTRS, CD_XML_GUARD_ENTITY, CD_XML_GUARD_COMMENTS };

typedef struct cd_xml_guard {
  int state, ret, quote, run, depth;
  unsigned long attrs;
  unsigned long line;           /* 1-based line of the current byte */
  unsigned long failed;         /* line of the refused markup, 0 when none */
  int why;                      /* CD_XML_GUARD_* */
  unsigned long long dropped;   /* bytes of comments and PIs */
  const char *text_elem;        /* TMX: "seg"; NULL: none */
  bool keep_comments;           /* pass comments and PIs through (check only) */
  bool in_text;                 /* inside the text element */
  bool keep_pi;                 /* the PI being read is the XML declaration */
  bool naming, keyword;         /* collecting a tag name, or a declaration keyword */
  unsigned char prev;           /* the byte before the current one */
  unsigned long long offset;    /* raw bytes consumed */
  unsigned long long lt_offset; /* offset just after the last '<' in text */
  unsigned char first[3];
  char name[8];
  int nlen;
  /* '<', "<!", "<!-": held back until it is known whether a comment or PI starts */
  char held[4];
  int nheld;
  /* output: out == NULL checks only; what did not fit into out goes to pend, written first
   * on the next read */
  char pend[8];
  int npend;
  char *out;
  int out_len, out_cap;
} cd_xml_guard;

void cd_xml_guard_init(cd_xml_guard *g, const char *text_elem, bool keep_comments);
/* One input byte; false when the guard refuses the input (g->why, g->failed say why, where). */
bool cd_xml_guard_byte(cd_xml_guard *g, unsigned char ch);
/* Checks a whole buffer without output; false when refused. */
bool cd_xml_guard_check(cd_xml_guard *g, const char *p, size_t n);
/* Streaming use: output goes to buf (what did not fit last time first); at the end of the input,
 * cd_xml_guard_end writes what was held back (a '<' at the end: libxml2 says what is wrong). */
void cd_xml_guard_output(cd_xml_guard *g, char *buf, int cap);
void cd_xml_guard_end(cd_xml_guard *g);
/* "entity declaration refused ..." for a refused input, "" otherwise. */
const char *cd_xml_guard_reason(const cd_xml_guard *g);

#endif
