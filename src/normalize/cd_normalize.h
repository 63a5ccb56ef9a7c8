/* SPDX-License-Identifier: MIT */
/* cd_normalize.h — clean incoming copy: decode, mojibake, Unicode, typography,
 * boilerplate and names, each stage logging its edits.
 *
 * The normalizer streams: bytes come from a read callback, clean UTF-8 goes to a write
 * callback and each edit to a change callback, with memory bounded by the window size
 * whatever the input size. Lines are the unit of work (long lines are cut into windows at
 * word and normalization boundaries); only the boilerplate stage may remove lines. */
#ifndef CD_NORMALIZE_H
#define CD_NORMALIZE_H

#include "cd_text.h"

/* Stage flags, in pipeline order. */
enum {
  CD_STAGE_DECODE = 1u << 0,
  CD_STAGE_MOJIBAKE = 1u << 1,
  CD_STAGE_UNICODE = 1u << 2,
  CD_STAGE_TYPOGRAPHY = 1u << 3,
  CD_STAGE_BOILERPLATE = 1u << 4,
  CD_STAGE_NAMES = 1u << 5,
  CD_STAGE_ALL = (1u << 6) - 1
};

typedef struct cd_normalize_options {
  const char *lang;         /* BCP-47 tag; NULL = detect from the first 64 KB */
  const char *default_lang; /* when detection is unsure (a short headline); NULL = none:
                               the text then has no language ("und"), and the stages that
                               depend on one (typography, names) leave it as it is */
  const char *from_charset; /* iconv name; NULL = detect */
  const char *file_label;   /* name used in messages and the change log ("-" = stdin) */
  const char *data_dir;     /* where dicts live (styles/, boilerplate/, langid/, ...) */
  const char *house_file;   /* house overlay for names; NULL = none */
  const char *names_db;     /* names store: a names.sqlite path or a PostgreSQL URL; NULL =
                               data_dir/names.sqlite when present */
  unsigned stages;          /* CD_STAGE_* bits; default CD_STAGE_ALL */
  bool strict;              /* invalid input is an error instead of U+FFFD */
  size_t window;            /* longest segment handed to a stage, bytes (default 1 MiB) */
  double names_threshold;   /* names stage: below this confidence flag, do not rewrite */
} cd_normalize_options;

void cd_normalize_options_init(cd_normalize_options *opts);

/* One edit. Offsets are byte offsets in the whole stream: in_* in the text the stage
 * received, out_* in the text it emitted. For the decode stage `before` is raw bytes
 * (before_is_raw) and is written as before_hex in JSON. Pointers are valid only during the
 * callback. */
typedef struct cd_change {
  const char *file;
  const char *stage;
  const char *rule;
  uint64_t in_start, in_end, out_start, out_end;
  const char *before;
  size_t before_len;
  bool before_is_raw;
  const char *after;
  size_t after_len;
  double confidence;
  const char *suggestion; /* a flag's candidate form, NULL when none */
  const char *why;        /* a flag's evidence, NULL when none */
} cd_change;

typedef cd_status (*cd_read_fn)(void *ud, char *buf, size_t cap, size_t *got, cd_error *err);
typedef cd_status (*cd_write_fn)(void *ud, const char *p, size_t n, cd_error *err);

/* Text in memory as a cd_read_fn (ud: a cd_mem_in), and a cd_buf as a cd_write_fn (ud: the
 * cd_buf), for callers that normalize a buffer. */
typedef struct cd_mem_in {
  const char *p;
  size_t len, pos;
} cd_mem_in;
cd_status cd_mem_read(void *ud, char *buf, size_t cap, size_t *got, cd_error *err);
cd_status cd_buf_write(void *ud, const char *p, size_t n, cd_error *err);
typedef cd_status (*cd_change_fn)(void *ud, const cd_change *c, cd_error *err);

/* Appends one JSON Lines record (with the trailing newline) for c to out. */
cd_status cd_change_to_json(const cd_change *c, cd_buf *out);

typedef struct cd_normalize_report {
  char charset[32];   /* the charset the input was decoded from */
  char lang[16];      /* the language the stages used */
  bool lang_detected; /* true when lang came from detection */
  bool lang_default;  /* true when detection was unsure and default_lang was used */
  char lang_why[96];  /* when detection ran: what decided it and how sure it was (for -v) */
  uint64_t bytes_in, bytes_out, lines_in, lines_out;
  uint64_t edits;   /* records emitted, all stages */
  uint64_t invalid; /* invalid byte sequences replaced */
} cd_normalize_report;

/* Runs the whole pipeline over one input. change may be NULL. report may be NULL. */
cd_status cd_normalize_stream(const cd_normalize_options *opts, cd_read_fn read, void *read_ud,
                              cd_write_fn write, void *write_ud, cd_change_fn change,
                              void *change_ud, cd_normalize_report *report, cd_error *err);

/* A normalizer reused across inputs: stages are opened once per language (they cost
 * milliseconds to open: tables, the spoof checker, regular expressions, dictionaries) and told
 * when a new document begins. For batches (check, eval filters, fuzzing). */
typedef struct cd_normalizer cd_normalizer;

cd_status cd_normalizer_new(const cd_normalize_options *opts, cd_normalizer **out, cd_error *err);
void cd_normalizer_free(cd_normalizer *nz);
/* One input; file_label and lang (may be NULL) override the options' for this input. */
cd_status cd_normalizer_run(cd_normalizer *nz, const char *file_label, const char *lang,
                            cd_read_fn read, void *read_ud, cd_write_fn write, void *write_ud,
                            cd_change_fn change, void *change_ud, cd_normalize_report *report,
                            cd_error *err);
/* The same over text the caller already decoded to UTF-8 (a wire document's prose): the
 * normalizer's input charset (options.from_charset), meant for the file, is not applied to it
 * again. */
cd_status cd_normalizer_run_utf8(cd_normalizer *nz, const char *file_label, const char *lang,
                                 cd_read_fn read, void *read_ud, cd_write_fn write, void *write_ud,
                                 cd_change_fn change, void *change_ud, cd_normalize_report *report,
                                 cd_error *err);
cd_status cd_normalizer_buffer(cd_normalizer *nz, const char *file_label, const char *lang,
                               const char *in, size_t len, cd_buf *out, cd_buf *changes,
                               cd_normalize_report *report, cd_error *err);

/* Convenience over a buffer: out receives the text, changes (if not NULL) the JSON Lines. */
cd_status cd_normalize_buffer(const cd_normalize_options *opts, const char *in, size_t len,
                              cd_buf *out, cd_buf *changes, cd_normalize_report *report,
                              cd_error *err);

/* The place of a stage (its change-log name) in the pipeline: 0 for "decode", 1 for
 * "mojibake", ...; -1 for a name that is no stage. */
int cd_change_stage_rank(const char *stage);

/* Replays a change log (JSON Lines, as written by cd_change_to_json) over the input: each
 * stage's records, in pipeline order, applied to the text that stage received. Checks every
 * offset and `before`; out receives the text the log says the pipeline produced. */
cd_status cd_change_log_replay(const char *in, size_t in_len, const char *log, size_t log_len,
                               cd_buf *out, cd_error *err);

#endif
