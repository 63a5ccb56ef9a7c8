/* SPDX-License-Identifier: MIT */
/* wire_internal.h — the document model behind cd_wire.h (private to src/wire). */
#ifndef CD_WIRE_INTERNAL_H
#define CD_WIRE_INTERNAL_H

#include "cd_wire.h"

/* Where a decoded offset of a unit's text sits in the working buffer: from an anchor on,
 * until the next, text and working bytes advance together (a literal run); an anchor sits
 * at each reference ("&amp;", "&#233;") and each "\r\n" the parser turned into "\n". */
typedef struct wire_anchor {
  size_t d, w;
} wire_anchor;

/* How an edited text node is written back. */
typedef enum { WIRE_ESC_XML, WIRE_ESC_CDATA, WIRE_ESC_NONE } wire_escape;

/* One text node of a unit: its span in the working buffer and in the unit's text. */
typedef struct wire_piece {
  size_t unit;
  size_t w_start, w_end; /* span in the working (UTF-8) buffer */
  size_t t_start, t_end; /* span in the unit's text */
  size_t anchor0, nanchors;
  wire_escape esc;
  bool lt_done; /* HTML: its literal '<' were escaped (see cd_wire_write) */
} wire_piece;

typedef struct wire_unit {
  cd_wire_unit pub;
  char lang[16];   /* its own xml:lang, "" when none */
  size_t text_off; /* offset of the text in doc->texts */
  size_t piece0, npieces;
} wire_unit;

/* A replacement of working-buffer bytes [w_start, w_end) (already escaped and encoded). */
typedef struct wire_splice {
  uint64_t start, end;       /* original file offsets */
  size_t repl_off, repl_len; /* in doc->repl */
  uint64_t out_start;        /* set by cd_wire_write */
  size_t piece;              /* the text node it edits */
} wire_splice;

/* A byte repair made while reading (a file that says UTF-8 and holds other bytes): logged
 * as the decode stage's records. */
typedef struct wire_fix {
  uint64_t in_s, in_e; /* in the file */
  size_t out_s, out_e; /* in the working text */
  size_t rule, before; /* offsets of NUL-terminated strings in fix_bytes (before: raw bytes) */
  double conf;
} wire_fix;

/* ANPA: a metadata line of the rendering (see wire_anpa.c put_line). */
typedef struct wire_meta {
  char kind;
  size_t p_s, p_e;
} wire_meta;

/* ANPA: a point of the rendering and the file byte it stands for. */
typedef struct wire_amap {
  size_t p;
  uint64_t o;
} wire_amap;

struct cd_wire_doc {
  cd_wire_format format;
  char label[256];
  char charset[32];
  char lang[16];
  char *raw; /* the original bytes */
  size_t raw_len;
  /* The working buffer: raw itself for UTF-8 (w_is_raw), else raw converted to UTF-8;
   * w2raw checkpoints map working offsets back (see wire_charset.c). */
  char *w;
  size_t w_len;
  bool w_is_raw;
  size_t bom; /* bytes of byte-order mark before the working text starts */
  struct wire_cs *cs;
  cd_buf texts; /* every unit's text, NUL-separated */
  wire_unit *units;
  size_t nunits, cap_units;
  bool unit_open;
  wire_piece *pieces;
  size_t npieces, cap_pieces;
  wire_anchor *anchors;
  size_t nanchors, cap_anchors;
  wire_splice *splices;
  size_t nsplices, cap_splices;
  cd_buf repl;
  struct wire_rules *rules; /* the roles of the units point into it */
  char *role_buf;           /* or into this (a text field of ninjs) */
  struct wire_ninjs *nj;    /* ninjs: the JSON and the fields' documents */
  /* ANPA: raw is the plain-text rendering, orig the file; a repaired file (UTF-8 declared,
   * other bytes inside): raw is the repaired text; amap maps one onto the other */
  char *orig;
  size_t orig_len;
  wire_amap *amap;
  size_t namap, cap_amap;
  wire_meta *meta;
  size_t nmeta, cap_meta;
  wire_fix *fixes;
  size_t nfixes, cap_fixes;
  cd_buf fix_bytes;
};

/* ---- charset (wire_charset.c) ---- */
/* Decodes raw into the working buffer: UTF-8 (with or without BOM) is used as is, any other
 * charset is converted, keeping checkpoints to map offsets back. */
cd_status wire_cs_open(cd_wire_doc *d, const char *charset, cd_error *err);
void wire_cs_free(struct wire_cs *cs);
/* The original-file offset of working offset w. */
uint64_t wire_cs_raw_offset(const cd_wire_doc *d, size_t w);
/* Appends UTF-8 text s, converted to the file's charset, to out; a character the charset
 * cannot hold is written as a character reference by ref (NULL: U+FFFD would be an error). */
cd_status wire_cs_encode(const cd_wire_doc *d, const char *s, size_t n, wire_escape esc,
                         cd_buf *out);

/* ---- rules (wire_rules.c): data_dir/wire/xml.tsv ---- */
typedef enum { RULE_NONE, RULE_UNIT, RULE_CONTEXT, RULE_SKIP, RULE_BREAK, RULE_CONTENT } rule_kind;
typedef struct wire_rules wire_rules;
cd_status wire_rules_load(const char *data_dir, wire_rules **out, cd_error *err);
void wire_rules_free(wire_rules *r);
/* The vocabulary of a namespace URI, or NULL. */
const char *wire_rules_vocab(const wire_rules *r, const char *ns_uri);
/* For a root element: its format and the vocabulary of no-namespace elements; false when the
 * root is none the rules know. */
bool wire_rules_root(const wire_rules *r, const char *vocab, const char *local, cd_wire_format *fmt,
                     const char **nons_vocab);
/* What element local of vocabulary vocab (with class attribute class, or NULL) is; *value =
 * its role or vocabulary. A rule for "local.CLASS" wins over one for "local". */
rule_kind wire_rules_element(const wire_rules *r, const char *vocab, const char *local,
                             const char *class, const char **value);
/* Language metadata: the attribute of element local (vocab) that names the language. */
const char *wire_rules_lang_attr(const wire_rules *r, const char *vocab, const char *local);

/* ---- the XML reader (wire_xml.c) ---- */
cd_status wire_xml_read(cd_wire_doc *d, const cd_wire_options *o, cd_error *err);
/* HTML through libxml2's HTML parser (a page or a fragment); no root is required. */
cd_status wire_html_read(cd_wire_doc *d, const cd_wire_options *o, cd_error *err);

/* ---- ninjs (wire_ninjs.c) ---- */
cd_status wire_ninjs_read(cd_wire_doc *d, const cd_wire_options *o, cd_error *err);
void wire_ninjs_free(struct wire_ninjs *nj);
cd_status wire_ninjs_replace(cd_wire_doc *d, size_t unit, size_t start, size_t end,
                             const char *repl, size_t n, cd_error *err);
uint64_t wire_ninjs_file_offset(const cd_wire_doc *d, size_t unit, size_t off);
cd_status wire_ninjs_write(cd_wire_doc *d, cd_buf *out, cd_error *err);
/* "file#field": what a ninjs unit's offsets are relative to. */
const char *wire_ninjs_label(const cd_wire_doc *d, size_t unit);

/* ---- ANPA 1312 / IPTC 7901 (wire_anpa.c) ---- */
cd_status wire_anpa_read(cd_wire_doc *d, const cd_wire_options *o, cd_error *err);

/* ---- a working text that is not the file (d->orig set: ANPA, a repaired file) ---- */
cd_status wire_amap_add(cd_wire_doc *d, size_t p, uint64_t o);
/* A repair made while reading: the file's bytes [in_s, in_e) (before) became the working
 * text [out_s, out_e); anchored, and logged as a decode record. */
cd_status wire_fix_add(cd_wire_doc *d, uint64_t in_s, uint64_t in_e, size_t out_s, size_t out_e,
                       const char *rule, const char *before, size_t before_len, double conf);
/* working offset → file offset, and back */
uint64_t wire_orig_to_file(const cd_wire_doc *d, size_t p);
size_t wire_orig_from_file(const cd_wire_doc *d, uint64_t o);

/* ---- model (wire_doc.c) ---- */
/* Units are built one at a time, in document order: begin, pieces, end. A unit whose text is
 * blank (whitespace only) is dropped at its end: it holds no prose. */
cd_status wire_unit_begin(cd_wire_doc *d, const char *role);
cd_status wire_unit_end(cd_wire_doc *d);
bool wire_unit_open(const cd_wire_doc *d);
/* Adds a text node to the open unit; anchors' d are offsets in the node's own text. */
cd_status wire_piece_add(cd_wire_doc *d, size_t w_start, size_t w_end, const char *text, size_t len,
                         const wire_anchor *anchors, size_t nanchors, wire_escape esc);
/* Fills each unit's public fields (text pointers, spans, line and column). */
void wire_units_finish(cd_wire_doc *d);
/* 1-based line and column (code points) of working offset w. */
void wire_line_col(const cd_wire_doc *d, size_t w, unsigned long *line, unsigned long *col);

#endif
