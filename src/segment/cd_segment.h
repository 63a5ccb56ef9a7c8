/* SPDX-License-Identifier: MIT */
/* cd_segment.h — sentence segmentation per language.
 *
 * ICU's sentence break iterator (locale "LANG@ss=standard") proposes candidate boundaries;
 * a candidate is dropped when the token before it is an abbreviation listed for the
 * language in data_dir/abbrev/LANG.tsv (titles, "No. 55", "Jan. 5"), a one-letter initial
 * ("J. R. R. Tolkien"), a letter-dot sequence ("U.S.", "z.B.") or, in German, an ordinal
 * number before a month name ("3. Oktober"). Every line break ends a sentence (headings and
 * list items without a full stop are sentences of their own), unless join_lines is set, in
 * which case only blank lines do and a single line break counts as a space. */
#ifndef CD_SEGMENT_H
#define CD_SEGMENT_H

#include "cd_text.h"

typedef struct cd_segmenter cd_segmenter;

typedef struct cd_segment_options {
  bool join_lines; /* a single line break inside a paragraph is a space (hard-wrapped text) */
} cd_segment_options;

void cd_segment_options_init(cd_segment_options *opts);

/* One sentence: bytes [start, end) of the text, surrounding white space excluded.
 * paragraph counts blank-line-separated blocks from 0. */
typedef struct cd_sentence_span {
  size_t start, end;
  size_t paragraph;
} cd_sentence_span;

/* lang: BCP-47 tag (its primary subtag picks the abbreviation file). data_dir may be NULL
 * (no abbreviation lists). opts may be NULL (defaults). A language without a list is
 * segmented with ICU and the built-in rules only. */
cd_status cd_segmenter_new(const char *lang, const char *data_dir, const cd_segment_options *opts,
                           cd_segmenter **out, cd_error *err);
void cd_segmenter_free(cd_segmenter *seg);

/* Splits UTF-8 text into sentences. *spans is allocated (free() it), *n set. Ill-formed
 * UTF-8 is an error (CD_ERR_INPUT) whose message gives the byte offset. The segmenter may
 * be reused for many texts; it is not safe to share between threads. */
cd_status cd_segmenter_split(cd_segmenter *seg, const char *text, size_t len,
                             cd_sentence_span **spans, size_t *n, cd_error *err);

/* Number of abbreviations loaded (for diagnostics and tests). */
size_t cd_segmenter_abbrev_count(const cd_segmenter *seg);

#endif
