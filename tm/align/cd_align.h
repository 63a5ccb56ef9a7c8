/* SPDX-License-Identifier: MIT */
/* cd_align.h — sentence alignment of an article and its translation.
 *
 * Sentences in, beads out. A bead joins 0–3 consecutive source sentences with 0–3
 * consecutive target sentences (1-1, 1-0, 0-1, 2-1, 1-2, 2-2, 1-3, 3-1). The cost of a bead
 * is the Gale–Church length model (characters, with the document's own length ratio) plus a
 * prior per bead type, minus anchors that cross languages and scripts: numbers compared by
 * value (6,000 = 6 000 = 6.000), quotes and question marks, and identical or near-identical
 * words compared through the ICU key "Any-Latin; Latin-ASCII; Any-Lower" (Зеленський ↔
 * Zelenskyy), and entities from the names store: the caller may attach to each sentence
 * the ids of the entities it mentions (the CLI scans each sentence in its own language), and
 * an entity present on both sides of a bead is an anchor weighing like a number (Selenskyj
 * ↔ Зеленський, Kiew ↔ Київ, Deutschland ↔ Німеччина). After a first pass, a small lexicon learnt
 * from confident 1-1 beads adds anchors and the document is aligned again. Paragraphs are aligned
 * first when the sentences carry paragraph numbers. The dynamic programme runs in a band around the
 * length diagonal (memory linear in the document length), widened and rerun when the best
 * path touches the band's edge. */
#ifndef CD_ALIGN_H
#define CD_ALIGN_H

#include "cd_text.h"

/* The entities one sentence mentions: ids (NUL-terminated, any order, duplicates allowed),
 * e.g. names-store entity ids. The aligner only compares them for equality across sides. */
typedef struct cd_align_entities {
  const char *const *ids;
  size_t n;
} cd_align_entities;

typedef struct cd_align_options {
  size_t band;       /* half-width of the DP band in sentences; 0 = automatic */
  bool paragraphs;   /* align paragraphs first (sentences carry paragraph numbers) */
  bool three_way;    /* allow 1-3 and 3-1 beads (default true) */
  int refine_passes; /* realignments with a learnt lexicon (default 1, 0 = none) */
  double weak_below; /* beads scoring below this are marked weak (default 0.3) */
  /* Entity anchors (default NULL = none): one entry per source / target sentence of the
   * next cd_aligner_align call (ns and nt entries). Not owned; read during that call. */
  const cd_align_entities *src_entities, *tgt_entities;
} cd_align_options;

void cd_align_options_init(cd_align_options *opts);

/* One input sentence: UTF-8 text with explicit length, and its paragraph number (any
 * non-decreasing numbering; ignored unless opts.paragraphs). */
typedef struct cd_align_sentence {
  const char *text;
  size_t len;
  size_t paragraph;
} cd_align_sentence;

/* One bead: source sentences [src, src+n_src), target sentences [tgt, tgt+n_tgt).
 * score is in [0, 1] (1-0 and 0-1 beads score 0); weak is score < weak_below. */
typedef struct cd_bead {
  size_t src, n_src;
  size_t tgt, n_tgt;
  double score;
  bool weak;
} cd_bead;

typedef struct cd_aligner cd_aligner;

/* opts may be NULL (defaults); it is copied, entity lists included (set them with
 * cd_aligner_set_entities for each document when the aligner is reused). Opens the ICU
 * transliterator used for matching keys. */
cd_status cd_aligner_new(const cd_align_options *opts, cd_aligner **out, cd_error *err);
void cd_aligner_free(cd_aligner *a);
/* Replaces the entity lists (NULL = none) for the next cd_aligner_align call. */
void cd_aligner_set_entities(cd_aligner *a, const cd_align_entities *src,
                             const cd_align_entities *tgt);

/* Aligns src[0,ns) with tgt[0,nt). *beads is allocated (free() it); beads cover every
 * sentence of both sides exactly once, in document order. Either side may be empty. */
cd_status cd_aligner_align(cd_aligner *a, const cd_align_sentence *src, size_t ns,
                           const cd_align_sentence *tgt, size_t nt, cd_bead **beads,
                           size_t *n_beads, cd_error *err);

/* Diagnostics of the last cd_aligner_align call (for tests and verbose output). */
typedef struct cd_align_stats {
  size_t band_used;     /* final half-width of the band (0 = full matrix) */
  size_t dp_cells;      /* cells evaluated, all passes */
  size_t lexicon_pairs; /* word pairs learnt for the refinement pass */
  size_t anchor_pairs;  /* distinct cross-document anchor matches (words, numbers,
                           entities) */
  size_t entity_pairs;  /* of which entity ids found on both sides */
} cd_align_stats;

void cd_aligner_stats(const cd_aligner *a, cd_align_stats *out);

#endif
