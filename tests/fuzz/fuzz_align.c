/* SPDX-License-Identifier: MIT */
/* Fuzz harness: the aligner's inputs. The input (after a first byte choosing the options)
 * is split at its first NUL into a source and a target document, each line one sentence; a
 * blank line starts a new paragraph. Two aligners (plain, paragraphs first) live for the
 * whole run. Invariants: the beads cover every sentence of both sides exactly once and in
 * order, each bead joins 0-3 with 0-3 sentences and at least one, scores are in [0,1] and
 * weak is score < weak_below. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cd_align.h"
#include "fuzz_tmpfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Lines of [p, p+n) as sentences (empty lines bump the paragraph number). */
static cd_align_sentence *align_lines(const char *p, size_t n, size_t *count) {
  size_t cap = 1;
  for (size_t i = 0; i < n; i++)
    cap += p[i] == '\n';
  cd_align_sentence *s = calloc(cap, sizeof *s);
  if (!s)
    abort();
  size_t k = 0, par = 0;
  for (size_t i = 0; i < n;) {
    const char *nl = memchr(p + i, '\n', n - i);
    size_t end = nl ? (size_t)(nl - p) : n;
    if (end == i) {
      par++;
    } else {
      s[k].text = p + i;
      s[k].len = end - i;
      s[k].paragraph = par;
      k++;
    }
    i = end + 1;
  }
  *count = k;
  return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static cd_aligner *aligners[2];
  static cd_align_options opts[2];
  if (size < 1)
    return 0;
  unsigned k = data[0] & 1;
  cd_error err;
  if (!aligners[k]) {
    cd_align_options_init(&opts[k]);
    opts[k].paragraphs = k;
    if (cd_aligner_new(&opts[k], &aligners[k], &err))
      abort();
  }
  const char *in = (const char *)data + 1;
  size_t len = size - 1;
  if (!cd_utf8_is_valid(in, len))
    return 0; /* sentences come from the segmenter, which takes valid UTF-8 only */
  const char *nul = memchr(in, '\0', len);
  size_t slen = nul ? (size_t)(nul - in) : len;
  size_t ns = 0, nt = 0;
  cd_align_sentence *src = align_lines(in, slen, &ns);
  cd_align_sentence *tgt =
      nul ? align_lines(nul + 1, len - slen - 1, &nt) : align_lines("", 0, &nt);
  cd_bead *b = NULL;
  size_t nb = 0;
  if (cd_aligner_align(aligners[k], src, ns, tgt, nt, &b, &nb, &err)) {
    fprintf(stderr, "fuzz_align: %s\n", err.message);
    abort();
  }
  size_t i_s = 0, i_t = 0;
  for (size_t i = 0; i < nb; i++) {
    if (b[i].src != i_s || b[i].tgt != i_t || b[i].n_src > 3 || b[i].n_tgt > 3 ||
        b[i].n_src + b[i].n_tgt == 0)
      abort();
    if (!(b[i].score >= 0.0 && b[i].score <= 1.0))
      abort();
    if (b[i].weak != (b[i].score < opts[k].weak_below))
      abort();
    i_s += b[i].n_src;
    i_t += b[i].n_tgt;
  }
  if (i_s != ns || i_t != nt)
    abort();
  free(b);
  free(src);
  free(tgt);
  return 0;
}
