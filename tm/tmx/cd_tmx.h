/* SPDX-License-Identifier: MIT */
/* cd_tmx.h — TMX (and TSV) import into a TM store, TMX 1.4b export.
 *
 * Reading streams with libxml2's xmlTextReader, XML_PARSE_NONET only: no network, no
 * external DTD, no entity substitution. An entity reference (other than the five XML
 * predefined ones and character references) is refused, and an entity loop (billion
 * laughs) fails the parse. TMX 1.4b and 1.1 are read: xml:lang or lang on <tuv>, upper-case
 * language codes (OmegaT's "EN"), srclang on <header> or <tu>, any segtype. The inline
 * elements of <seg> (bpt ept ph it hi ut sub) are kept: the unit's markup is the <seg>
 * content as XML, its plain text the text outside native codes, and export writes the
 * markup back unchanged.
 *
 * An import is one transaction: a malformed or truncated file gives an error naming the
 * file and line, and the TM is left exactly as it was.
 *
 * A start tag with more than CD_TMX_MAX_ATTRS attributes is refused before libxml2 parses it
 * (a TMX element has at most some fifteen): libxml2 2.9 checks every attribute of a tag
 * against all earlier ones, so one element with 100,000 of them would take a minute. The
 * file is read through zlib (plain or gzip-compressed). */
#ifndef CD_TMX_H
#define CD_TMX_H

#include <stdio.h>

#include "cd_tm_store.h"
#include "cd_xml.h"

#define CD_TMX_MAX_ATTRS CD_XML_MAX_ATTRS
/* Comments and processing instructions are skipped, never kept; a file with more than this many
 * bytes of them (a real TMX has a few lines) is refused, so a compressed comment bomb costs
 * neither memory nor time. Entity declarations (<!ENTITY) are refused. */
#define CD_TMX_MAX_COMMENT_BYTES CD_XML_MAX_COMMENT_BYTES

typedef struct cd_tmx_import_options {
  /* TMX: which tuv is the source (default: the srclang of <tu> or <header>; needed when it
   * is "*all*") and which targets to take (default: every other tuv). TSV: the languages
   * of the two columns (required). */
  const char *src_lang, *tgt_lang;
  /* origin document recorded on units that carry none (default: the file name) */
  const char *origin;
} cd_tmx_import_options;

void cd_tmx_import_options_init(cd_tmx_import_options *o);

typedef struct cd_tmx_counts {
  size_t tus;     /* <tu> elements (TMX) or lines (TSV) read */
  size_t added;   /* new units */
  size_t merged;  /* duplicates merged into stored units */
  size_t skipped; /* tu with no usable source/target pair, empty lines */
} cd_tmx_counts;

/* Streams the TMX file at path, calling fn for each unit (strings valid during the call).
 * fn returns non-zero to stop. Errors name the file and line. */
cd_status cd_tmx_read(const char *path, const cd_tmx_import_options *o, cd_tm_unit_fn fn, void *ud,
                      cd_tmx_counts *counts, cd_error *err);

/* Imports a TMX file into the store in one transaction. */
cd_status cd_tmx_import(cd_tm_store *s, const char *path, const cd_tmx_import_options *o,
                        cd_tmx_counts *counts, cd_error *err);

/* Imports a TSV file of "source<TAB>target" lines (UTF-8, LF or CRLF, empty lines skipped)
 * in one transaction; o->src_lang and o->tgt_lang are required. */
cd_status cd_tm_import_tsv(cd_tm_store *s, const char *path, const cd_tmx_import_options *o,
                           cd_tmx_counts *counts, cd_error *err);

typedef struct cd_tmx_export_options {
  const char *src_lang, *tgt_lang; /* filter (NULL = all units) */
  const char *tool_version;        /* creationtoolversion (default "0") */
  const char *segtype;             /* header segtype: "sentence" (default) or "paragraph" */
} cd_tmx_export_options;

void cd_tmx_export_options_init(cd_tmx_export_options *o);

/* Writes the TM (filtered) as TMX 1.4b to fp; name is used in error messages. *count (may be
 * NULL) gets the number of <tu> written. The caller owns fp (flushes and closes it). */
cd_status cd_tmx_export(cd_tm_store *s, FILE *fp, const char *name, const cd_tmx_export_options *o,
                        size_t *count, cd_error *err);

#endif
