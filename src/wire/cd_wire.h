/* SPDX-License-Identifier: MIT */
/* cd_wire.h — wire formats in, the same format out: NewsML-G2 (with XHTML or NITF inline
 * content), NewsML 1.x and NITF 3.x read with libxml2, as a document of prose units.
 *
 * A document is the original bytes plus its prose units in document order. Each unit has a
 * role (headline, body, caption, ...), its decoded text (entities and character references
 * are text: "&quot;" is a quotation mark) and the byte span it covers in the original file.
 * A unit's text may come from several text nodes (inline markup inside a paragraph: <p>a
 * <b>b</b> "c"</p> is one unit "a b \"c\""): an edit of the unit's text is mapped back to the
 * text nodes it touches, and writing splices only the edited text, re-escaped for its node
 * (XML escapes in text, CDATA split around "]]>", characters the file's declared encoding
 * cannot hold as character references), into the original bytes. Everything else — tags,
 * attribute values, identifiers, codes, slugs, keywords, comments, whitespace — comes back
 * byte-identical.
 *
 * Which elements are prose, per vocabulary, and which roots are which format, are data:
 * data_dir/wire/xml.tsv. The libxml2 settings and limits are those of every reader
 * (cd_xml.h): no network, no entity expansion (a non-predefined entity reference or
 * declaration is an error), libxml2's limits on text-node size and depth, plus
 * CD_WIRE_MAX_BYTES on the whole file. */
#ifndef CD_WIRE_H
#define CD_WIRE_H

#include "cd_normalize.h"

#define CD_WIRE_MAX_BYTES ((size_t)64 * 1024 * 1024)

typedef enum cd_wire_format {
  CD_WIRE_AUTO = 0, /* detect from the content */
  CD_WIRE_TEXT,     /* plain text: no markup */
  CD_WIRE_NEWSML,   /* NewsML-G2 newsMessage/newsItem, or NewsML 1.x */
  CD_WIRE_NITF,     /* NITF 3.x */
  CD_WIRE_HTML,     /* HTML or XHTML */
  CD_WIRE_NINJS,    /* IPTC ninjs (JSON) */
  CD_WIRE_ANPA      /* ANPA 1312 / IPTC 7901 */
} cd_wire_format;

/* "auto", "text", "newsml", "nitf", "html", "ninjs", "anpa" → format; false when unknown. */
bool cd_wire_format_from_name(const char *name, cd_wire_format *out);
const char *cd_wire_format_name(cd_wire_format f);
/* The format of a document from its first bytes: the XML root element (and namespace), ANPA
 * framing (SYN/SOH), a JSON object with ninjs keys, HTML; else CD_WIRE_TEXT. Never AUTO. */
cd_wire_format cd_wire_detect(const char *data, size_t len);

typedef struct cd_wire_options {
  cd_wire_format format;    /* AUTO: detect */
  const char *label;        /* file name for messages and the change log */
  const char *data_dir;     /* where wire/xml.tsv lives */
  bool ednotes;             /* editor's notes are prose too (default: left as they are) */
  const char *from_charset; /* the file's charset, over its declaration and detection (XML,
                               HTML); NULL: declared, else detected */
  bool strict;              /* bytes that are not the file's charset are an error, not repaired */
} cd_wire_options;

void cd_wire_options_init(cd_wire_options *o);

typedef struct cd_wire_unit {
  const char *role;    /* "headline", "subheadline", "body", "caption", "abstract", ... */
  const char *lang;    /* the unit's own language (xml:lang), NULL when it has none */
  const char *text;    /* decoded UTF-8 text, NUL-terminated */
  size_t len;          /* bytes of text */
  uint64_t start, end; /* byte span in the original file, from the first text to the last */
  unsigned long line;  /* 1-based line of start in the original file */
  unsigned long col;   /* 1-based column of start, in code points */
} cd_wire_unit;

typedef struct cd_wire_doc cd_wire_doc;

/* Reads a document from memory (the bytes are copied). CD_ERR_INPUT with "label:line: reason"
 * for malformed XML, an unknown root, refused entities, a file over CD_WIRE_MAX_BYTES. */
cd_status cd_wire_parse(const cd_wire_options *o, const char *data, size_t len, cd_wire_doc **out,
                        cd_error *err);
void cd_wire_doc_free(cd_wire_doc *d);

cd_wire_format cd_wire_doc_format(const cd_wire_doc *d);
/* True when reading rewrote the bytes: an ANPA take (rendered as plain text), a file that
 * said UTF-8 and held other bytes (repaired). The output is then the rewritten text with the
 * prose edited, not the file with only its prose changed. */
bool cd_wire_doc_rewritten(const cd_wire_doc *d);
/* The charset the file was read in ("UTF-8", "ISO-8859-1", ...). */
const char *cd_wire_doc_charset(const cd_wire_doc *d);
/* The language the document declares (xml:lang of the item, its language metadata), or NULL. */
const char *cd_wire_doc_lang(const cd_wire_doc *d);
size_t cd_wire_unit_count(const cd_wire_doc *d);
const cd_wire_unit *cd_wire_unit_at(const cd_wire_doc *d, size_t i);

/* Replaces text[start, end) of unit i with repl (UTF-8). Edits of one document must not
 * overlap; they are kept until cd_wire_write. start and end are at code-point boundaries. */
cd_status cd_wire_replace(cd_wire_doc *d, size_t unit, size_t start, size_t end, const char *repl,
                          size_t repl_len, cd_error *err);
/* The byte offset in the original file of offset off in unit i's text. */
uint64_t cd_wire_file_offset(const cd_wire_doc *d, size_t unit, size_t off);
/* Appends the document with every edit spliced in to out. */
cd_status cd_wire_write(cd_wire_doc *d, cd_buf *out, cd_error *err);
/* After cd_wire_write: the offset in the output of offset off of the original file (an
 * offset inside an edited span maps to the start of its replacement). */
uint64_t cd_wire_output_offset(const cd_wire_doc *d, uint64_t off);

/* An ANPA take as NITF 3.6 (written by libxml2): the header lines and the post-text as
 * <meta>, the keyword as <du-key>, head lines as <hl1>/<hl2> (or <note>), the byline lines
 * as <byline> and <byttl>, the paragraphs as <p>, with the units' text as edited: out is
 * what cd_wire_write (or cd_wire_normalize) produced for d. */
cd_status cd_wire_anpa_nitf(const cd_wire_doc *d, const char *out, size_t out_len, cd_buf *nitf,
                            cd_error *err);

/* Normalizes the prose of d with nz: the units, in document order, are one text (one unit a
 * line), so stages that keep state across a document (names: first mention) see it whole,
 * and the language is detected over all of it when lang (and the document) name none. Units
 * in another language (their own xml:lang) are one text of their own, in that language;
 * lang (not NULL) is every unit's. Each
 * edit is mapped back into its unit; out receives the document; change (may be NULL) gets
 * one record per stage edit with in_* as byte offsets in the original file and out_* in the
 * output. */
cd_status cd_wire_normalize(cd_normalizer *nz, cd_wire_doc *d, const char *lang, cd_buf *out,
                            cd_change_fn change, void *change_ud, cd_normalize_report *report,
                            cd_error *err);

/* The prose of d, one unit a line, for sentence segmentation, checking, alignment and a text-only
 * normalize: white space at either end of a unit is left out (as the stages never see it), line
 * ends and tabs inside a unit become spaces (so byte offsets inside a line are offsets in the
 * unit's text after its leading white space: cd_wire_prose_lead). */
cd_status cd_wire_prose(const cd_wire_doc *d, cd_buf *out, cd_error *err);
/* Bytes of white space cd_wire_prose left out at the start of unit i. */
size_t cd_wire_prose_lead(const cd_wire_doc *d, size_t i);
/* The 1-based line and column (code points) of byte offset off of the original file; for
 * ninjs (offsets inside a field's value) line 1, column 1. */
void cd_wire_file_position(const cd_wire_doc *d, uint64_t off, unsigned long *line,
                           unsigned long *col);

#endif
