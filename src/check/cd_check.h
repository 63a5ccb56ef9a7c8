/* SPDX-License-Identifier: MIT */
/* cd_check.h — batch consistency checks before publication.
 *
 * The checker consumes articles (text with a file name and language) and translation pairs
 * (source, target, languages, origin) — it never reads a TM or a names store itself: the
 * program feeds pairs from files or from tm/store, and supplies entity mentions through a
 * callback backed by the names store. Findings are collected, sorted by file, line and
 * column, and written as text, JSON or a self-contained HTML page. */
#ifndef CD_CHECK_H
#define CD_CHECK_H

#include "cd_lang.h"
#include "cd_number.h"
#include "cd_text.h"

typedef enum cd_severity { CD_SEV_OFF = 0, CD_SEV_INFO, CD_SEV_WARNING, CD_SEV_ERROR } cd_severity;

const char *cd_severity_name(cd_severity s);
/* Parses "off", "info", "warning", "error"; returns false for anything else. */
bool cd_severity_parse(const char *s, cd_severity *out);

/* The registry of checks: id, default severity, one-line explanation. */
typedef struct cd_check_info {
  const char *id;
  cd_severity severity;
  const char *explanation;
} cd_check_info;
const cd_check_info *cd_check_registry(size_t *n);

typedef struct cd_finding {
  char *file;
  uint64_t line; /* 1-based */
  uint64_t col;  /* 1-based, in code points */
  cd_severity severity;
  const char *check; /* registry id */
  char *message;
  char *suggestion; /* may be NULL */
  char *context;    /* the line (or segment) the finding is in */
  size_t context_len;
  size_t ctx_start, ctx_end; /* the flagged span inside context, bytes */
  char *source, *target;     /* for pair findings: both sides; else NULL */
} cd_finding;

/* An entity mention found by the names store in a text; or (entity NULL) a name the
 * dictionary lacks, for names.unknown-variant. */
typedef struct cd_mention {
  size_t start, end;     /* bytes in the text */
  const char *entity;    /* entity id; NULL for a name the dictionary lacks */
  const char *canonical; /* house form in the text's language */
  bool is_canonical;     /* the text already has the house form */
  /* a name the dictionary lacks: the keys that group its spellings (cd_names_unknown) */
  const char *surname_key, *given_key;
  size_t surname_start, surname_end, given_end; /* given_end 0: a surname alone */
  size_t surname_stem_end, given_stem_end;      /* without case endings (uk, ru) */
} cd_mention;

typedef cd_status (*cd_mention_emit)(void *ctx, const cd_mention *m);
/* Calls emit for each entity mention in text (in order). Supplied by the program. */
typedef cd_status (*cd_mention_fn)(void *ud, const char *text, size_t len, const char *lang,
                                   cd_mention_emit emit, void *ctx, cd_error *err);

typedef struct cd_check_options {
  const char *data_dir;   /* dicts (check/, names/particles.txt, langid/); may be NULL */
  cd_mention_fn mentions; /* NULL: the names.* checks are skipped */
  void *mentions_ud;
  struct cd_names_keyer *keyer; /* names.unknown-variant: romanizes a Cyrillic form by the
                                   house rules for the suggestion (NULL: the majority) */
  const char *glossary;         /* glossary TSV path, or NULL */
  const char *hunspell_dir;     /* stems for glossary terms; NULL: /usr/share/hunspell */
} cd_check_options;

void cd_check_options_init(cd_check_options *o);

typedef struct cd_checker cd_checker;

cd_status cd_checker_new(const cd_check_options *opts, cd_checker **out, cd_error *err);
void cd_checker_free(cd_checker *c);

/* Disables a check (id, or a prefix ending in '.' or '*': "names.", "text.*"), or sets
 * its severity. Returns CD_ERR_USAGE for an unknown id. */
cd_status cd_checker_set_level(cd_checker *c, const char *id, cd_severity sev, cd_error *err);

/* Where an article's text came from, when it is not the file itself (the prose of a wire
 * document, one unit a line): fn maps a line of the text and a byte offset in that line to
 * the file's line and column, for the findings of the articles checked until it is set
 * again (NULL: the text is the file). */
typedef void (*cd_check_pos_fn)(void *ud, uint64_t line, size_t byte, uint64_t *file_line,
                                uint64_t *file_col);
void cd_check_set_position_map(cd_checker *c, cd_check_pos_fn fn, void *ud);

/* Checks one article (UTF-8; the caller decodes and normalizes). */
cd_status cd_check_article(cd_checker *c, const char *file, const char *lang, const char *text,
                           size_t len, cd_error *err);

typedef struct cd_check_pair {
  const char *source;
  size_t source_len;
  const char *target;
  size_t target_len;
  const char *src_lang, *tgt_lang;
  const char *origin; /* file name (pairs file, TM path) */
  uint64_t line;      /* line in origin, 1-based (0 when unknown) */
} cd_check_pair;

cd_status cd_check_pair_add(cd_checker *c, const cd_check_pair *p, cd_error *err);

/* Adds the pairs of a file: TSV source<TAB>target (one pair a line; blank lines skipped;
 * no comment syntax: a line starting with '#' is a pair, as `tm import` reads it; a UTF-8
 * BOM at the start is skipped), the TSV of `copydesk align` (its source and target columns), or,
 * for a
 * *.json path, align's JSON beads (line = bead number). Errors name the file and line. */
cd_status cd_check_pairs_file(cd_checker *c, const char *path, const char *src_lang,
                              const char *tgt_lang, cd_error *err);

/* Each pair of a pairs file (as cd_check_pairs_file reads it) to fn, in order; fn's error
 * is returned with the file and line. */
typedef cd_status (*cd_check_pair_fn)(void *ud, const cd_check_pair *p, cd_error *err);
cd_status cd_check_pairs_each(const char *path, const char *src_lang, const char *tgt_lang,
                              cd_check_pair_fn fn, void *ud, cd_error *err);

/* The languages of the two columns of a pairs file (TSV or align's JSON), each detected
 * over the column's first 64 KB (a pair is short, a column of them is not); "und" for a
 * column whose language is unsure. For files whose name does not say (x.L1-L2.tsv). */
cd_status cd_check_pairs_langs(cd_langid *id, const char *path, char src[16], char tgt[16],
                               cd_error *err);

/* Runs the batch-level checks (consistency across articles and pairs) and sorts. */
cd_status cd_check_finish(cd_checker *c, cd_error *err);

size_t cd_check_count(const cd_checker *c);
const cd_finding *cd_check_get(const cd_checker *c, size_t i);
/* Highest severity found (CD_SEV_OFF when none). */
cd_severity cd_check_worst(const cd_checker *c);
/* The optional data files (doubled-word exceptions, quotation marks, name words, language
 * fingerprints) that could not be read from data_dir, ", "-separated, or NULL when all were
 * there: the checks that need them ran without them. */
const char *cd_check_missing_data(const cd_checker *c);
/* Counts of inputs seen. */
void cd_check_inputs(const cd_checker *c, uint64_t *articles, uint64_t *pairs);

typedef enum cd_check_format { CD_CHECK_TEXT, CD_CHECK_JSON, CD_CHECK_HTML } cd_check_format;
cd_status cd_check_write(const cd_checker *c, cd_check_format fmt, cd_buf *out, cd_error *err);

/* Numbers in text, locale-aware: each number with its possible values ("6,000" → 6000 in
 * en; "6.000" → 6000 in de/fr/uk/ru or 6 in en; "6 000" → 6000). */
typedef struct cd_number {
  size_t start, end;  /* bytes */
  char values[2][48]; /* canonical decimal strings ("6000", "6.5"); values[1] may be "" */
} cd_number;
/* Finds the numbers in text whose decimal mark is decimal (cd_number_marks); *out is
 * malloc'ed (free it; NULL when none), *n their count. */
cd_status cd_numbers_find(const char *text, size_t len, uint32_t decimal, cd_number **out,
                          size_t *n);
bool cd_numbers_equal(const cd_number *a, const cd_number *b);

#endif
