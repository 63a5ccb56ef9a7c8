/* SPDX-License-Identifier: MIT */
/* Stage "names": rewrites known variants of people, places and organisations to the house
 * canonical form for the text's language, keeping possessive suffixes; near-misses without
 * context are flagged in the change log, not rewritten. The matching is the names scanner's
 * (cd_names_scan in src/names/scan.c, shared with `copydesk check`); this file only turns
 * its mentions into rewrites and flags. */
#include "cd_names.h"
#include "cd_stage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The database and the scanner (with its caches and hunspell dictionaries) serve every
 * language: a normalizer's stage sets share one (cd_stage_env.shared). */
typedef struct names_shared {
  cd_names *db;
  cd_names_scanner *sc;
} names_shared;

typedef struct names_state {
  names_shared *sh;
  bool own; /* sh belongs to this instance (the stage runs alone) */
  char lang[16];
  double threshold;
} names_state;

typedef struct seg_ctx {
  names_state *s;
  cd_rewriter *rw;
} seg_ctx;

static cd_status on_mention(void *ud, const cd_names_mention *m, cd_error *err) {
  (void)err;
  seg_ctx *c = ud;
  if (m->is_canonical)
    return CD_OK;
  cd_status st = cd_rw_keep(c->rw, m->start);
  if (st)
    return st;
  if (m->rewrite)
    return cd_rw_replace(c->rw, m->start, m->end, m->canonical, m->canonical_len, m->rule,
                         m->confidence);
  double conf = m->confidence < c->s->threshold ? m->confidence : c->s->threshold - 0.01;
  return cd_rw_flag_note(c->rw, m->start, m->end, m->rule, conf, m->canonical, m->canonical_len,
                         m->why);
}

static cd_status names_process(void *state, const cd_window *seg, cd_rewriter *rw, cd_error *err) {
  names_state *s = state;
  if (!s || !s->sh)
    return CD_OK;
  cd_names_scanner_set_line(s->sh->sc, seg->line);
  seg_ctx c = {s, rw};
  return cd_names_scan(s->sh->sc, seg->text, seg->len - seg->eol, s->lang, on_mention, &c, err);
}

static void names_shared_free(void *shared) {
  names_shared *sh = shared;
  if (!sh)
    return;
  cd_names_scanner_free(sh->sc);
  cd_names_free(sh->db);
  free(sh);
}

static void names_close(void *state) {
  names_state *s = state;
  if (!s)
    return;
  if (s->own)
    names_shared_free(s->sh);
  free(s);
}

static cd_status names_open(const cd_stage_env *env, void **state, cd_error *err) {
  *state = NULL;
  const char *house = env->opts ? env->opts->house_file : NULL;
  cd_names *db = NULL;
  cd_status st = env->shared && *env->shared
                     ? CD_OK
                     : cd_names_open_dir(env->data_dir, env->opts ? env->opts->names_db : NULL,
                                         house, &db, NULL, err);
  if (st)
    return st;
  /* No database and no overlay: the stage passes text through. */
  if (!db && !(env->shared && *env->shared))
    return CD_OK;
  names_state *s = calloc(1, sizeof *s);
  if (!s) {
    cd_names_free(db);
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  snprintf(s->lang, sizeof s->lang, "%s", env->lang ? env->lang : "en");
  s->threshold = env->opts ? env->opts->names_threshold : 0.9;
  if (env->shared && *env->shared) {
    s->sh = *env->shared;
    cd_names_scanner_reset(s->sh->sc); /* a new document begins */
    *state = s;
    return CD_OK;
  }
  if (!(s->sh = calloc(1, sizeof *s->sh))) {
    free(s);
    cd_names_free(db);
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  s->own = true;
  s->sh->db = db;
  cd_names_scan_options so;
  cd_names_scan_options_init(&so);
  so.threshold = s->threshold;
  so.data_dir = env->data_dir;
  st = cd_names_scanner_new(s->sh->db, &so, &s->sh->sc, err);
  if (st) {
    names_close(s);
    return st;
  }
  if (env->shared) { /* the normalizer keeps it for the other language sets */
    *env->shared = s->sh;
    s->own = false;
  }
  *state = s;
  return CD_OK;
}

static void names_reset(void *state) {
  names_state *s = state;
  if (s && s->sh)
    cd_names_scanner_reset(s->sh->sc);
}

const cd_stage_def cd_stage_names = {
    .name = "names",
    .flag = CD_STAGE_NAMES,
    .open = names_open,
    .process = names_process,
    .close = names_close,
    .reset = names_reset,
    .shared_free = names_shared_free,
};
