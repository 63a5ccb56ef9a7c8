/* SPDX-License-Identifier: MIT */
/* cd_stage.h — the contract between the normalize pipeline and its stages (internal).
 *
 * A stage sees the text one window at a time: a whole line with its line end, or a part of
 * a very long line (cd_window; not to be confused with the sentences of src/segment). It writes its
 * output through a cd_rewriter, which copies untouched spans and records each replacement with
 * local offsets; the pipeline turns those into stream offsets and change records. Adding a stage =
 * one file + one row in the table in pipeline.c. */
#ifndef CD_STAGE_H
#define CD_STAGE_H

#include "cd_normalize.h"

typedef struct cd_window {
  const char *text; /* UTF-8, well-formed (the decode stage guarantees it) */
  size_t len;       /* bytes, including the line end if any */
  size_t eol;       /* bytes of the line end at the end of text: 0, 1 (LF) or 2 (CRLF) */
  bool line_start;  /* the window starts a line (false for a continuation window) */
  bool line_end;    /* the window ends a line (it has a line end, or the input ends) */
  uint64_t line;    /* 1-based input line number */
} cd_window;

typedef struct cd_edit {
  size_t in_start, in_end, out_start, out_end; /* local to the segment */
  const char *rule;                            /* must outlive the call (static or stage-owned) */
  double confidence;
  size_t note; /* a flag's note: 1 + offset of "suggestion\0why\0" in the rewriter's notes;
                  0 = none */
} cd_edit;

typedef struct cd_rewriter {
  const char *in;
  size_t in_len;
  size_t pos; /* input consumed so far */
  cd_buf *out;
  cd_edit *edits;
  size_t n_edits, cap_edits;
  cd_buf notes; /* the flags' suggestions and reasons of this segment */
} cd_rewriter;

void cd_rw_begin(cd_rewriter *rw, const char *in, size_t in_len, cd_buf *out);
/* Copies the input up to `upto` unchanged. */
cd_status cd_rw_keep(cd_rewriter *rw, size_t upto);
/* Replaces in[start, end) (start >= consumed input) with repl, recording one edit. */
cd_status cd_rw_replace(cd_rewriter *rw, size_t start, size_t end, const char *repl,
                        size_t repl_len, const char *rule, double confidence);
/* Records a flag (an edit whose text is unchanged): in[start, end) is copied as is. */
cd_status cd_rw_flag(cd_rewriter *rw, size_t start, size_t end, const char *rule,
                     double confidence);
/* A flag that tells the editor what to consider and why: suggestion (the candidate form)
 * and why (the evidence) go into the change-log record; either may be NULL. */
cd_status cd_rw_flag_note(cd_rewriter *rw, size_t start, size_t end, const char *rule,
                          double confidence, const char *suggestion, size_t suggestion_len,
                          const char *why);
/* Copies the rest of the input. */
cd_status cd_rw_finish(cd_rewriter *rw);
void cd_rw_free(cd_rewriter *rw);

/* What a stage gets when it is opened: the language is known by then. */
typedef struct cd_stage_env {
  const char *lang;     /* e.g. "en", "fr", "de", "uk", "ru" */
  const char *data_dir; /* may be NULL when no data is available */
  const cd_normalize_options *opts;
  /* A slot the normalizer keeps for this stage across its language sets (NULL when the
   * stage runs alone): a stage may put there one object that all its instances share (the
   * names stage: its database, scanner and hunspell dictionaries, which serve every
   * language), freed with the stage's shared_free when the normalizer is freed. */
  void **shared;
} cd_stage_env;

typedef struct cd_stage_def {
  const char *name; /* as written in the change log */
  unsigned flag;    /* CD_STAGE_* */
  cd_status (*open)(const cd_stage_env *env, void **state, cd_error *err);
  cd_status (*process)(void *state, const cd_window *seg, cd_rewriter *rw, cd_error *err);
  void (*close)(void *state);
  /* A new document begins (the stage is reused across inputs): forget what belongs to the
   * previous one. NULL for a stage that keeps no state between lines. */
  void (*reset)(void *state);
  /* Frees what open put into cd_stage_env.shared; NULL when the stage shares nothing. */
  void (*shared_free)(void *shared);
} cd_stage_def;

/* The stages after decode, defined in their own files. */
extern const cd_stage_def cd_stage_mojibake;
extern const cd_stage_def cd_stage_unicode;
extern const cd_stage_def cd_stage_typography;
extern const cd_stage_def cd_stage_boilerplate;
extern const cd_stage_def cd_stage_names;

/* Runs one stage over a buffer split into lines (test helper; also used by tools). The
 * result and edits are as the pipeline would produce them for that stage alone. */
cd_status cd_stage_run_buffer(const cd_stage_def *def, const cd_stage_env *env, const char *in,
                              size_t len, cd_buf *out, cd_buf *changes_json, cd_error *err);

#endif
