/* SPDX-License-Identifier: MIT */
/* Fuzz harness: the sentence segmenter. One segmenter per language and join_lines setting
 * lives for the whole run (abbreviation lists load once). The first byte picks both.
 * Invariants: ill-formed UTF-8 is refused with CD_ERR_INPUT; on valid input the sentences
 * are non-empty, inside the text, in order and non-overlapping, do not start or end with
 * white space (space, tab, line end), and paragraph numbers never decrease. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cd_segment.h"
#include "fuzz_tmpfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool segment_is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const langs[] = {"en", "fr", "de", "uk", "ru", "es", "pl", "zh"};
  static cd_segmenter *segs[16];
  if (size < 1)
    return 0;
  unsigned k = data[0] & 15;
  cd_error err;
  if (!segs[k]) {
    cd_segment_options o;
    cd_segment_options_init(&o);
    o.join_lines = k & 8;
    if (cd_segmenter_new(langs[k & 7], cdf_data_dir(), &o, &segs[k], &err))
      abort();
  }
  const char *text = (const char *)data + 1;
  size_t len = size - 1;
  bool valid = cd_utf8_is_valid(text, len);
  cd_sentence_span *sp = NULL;
  size_t n = 0;
  cd_status st = cd_segmenter_split(segs[k], text, len, &sp, &n, &err);
  if (!valid) {
    if (st != CD_ERR_INPUT)
      abort();
    free(sp);
    return 0;
  }
  if (st != CD_OK)
    abort();
  size_t prev_end = 0, prev_par = 0;
  for (size_t i = 0; i < n; i++) {
    if (sp[i].start >= sp[i].end || sp[i].end > len || sp[i].start < prev_end)
      abort();
    if (sp[i].paragraph < prev_par)
      abort();
    if (segment_is_space(text[sp[i].start]) || segment_is_space(text[sp[i].end - 1]))
      abort();
    if (!cd_utf8_is_valid(text + sp[i].start, sp[i].end - sp[i].start))
      abort(); /* spans cut on character boundaries */
    prev_end = sp[i].end;
    prev_par = sp[i].paragraph;
  }
  free(sp);
  return 0;
}
