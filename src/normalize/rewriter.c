/* SPDX-License-Identifier: MIT */
/* The rewriter: stages copy what they keep and replace what they change; every
 * replacement becomes one edit with local offsets. */
#include "cd_stage.h"

#include <stdlib.h>
#include <string.h>

void cd_rw_begin(cd_rewriter *rw, const char *in, size_t in_len, cd_buf *out) {
  rw->in = in;
  rw->in_len = in_len;
  rw->pos = 0;
  rw->out = out;
  rw->n_edits = 0;
  cd_buf_clear(&rw->notes);
}

cd_status cd_rw_keep(cd_rewriter *rw, size_t upto) {
  if (upto > rw->in_len)
    upto = rw->in_len;
  if (upto <= rw->pos)
    return CD_OK;
  cd_status st = cd_buf_append(rw->out, rw->in + rw->pos, upto - rw->pos);
  if (st)
    return st;
  rw->pos = upto;
  return CD_OK;
}

static cd_status push_edit(cd_rewriter *rw, const cd_edit *e) {
  if (CD_GROW(rw->edits, rw->n_edits, rw->cap_edits))
    return CD_ERR_NOMEM;
  rw->edits[rw->n_edits++] = *e;
  return CD_OK;
}

cd_status cd_rw_replace(cd_rewriter *rw, size_t start, size_t end, const char *repl,
                        size_t repl_len, const char *rule, double confidence) {
  if (start < rw->pos || end < start || end > rw->in_len)
    return CD_ERR_INTERNAL; /* a stage asked for overlapping or backward edits */
  cd_status st = cd_rw_keep(rw, start);
  if (st)
    return st;
  cd_edit e = {start, end, rw->out->len, 0, rule, confidence, 0};
  st = cd_buf_append(rw->out, repl, repl_len);
  if (st)
    return st;
  e.out_end = rw->out->len;
  rw->pos = end;
  return push_edit(rw, &e);
}

cd_status cd_rw_flag(cd_rewriter *rw, size_t start, size_t end, const char *rule,
                     double confidence) {
  if (start < rw->pos || end < start || end > rw->in_len)
    return CD_ERR_INTERNAL;
  return cd_rw_replace(rw, start, end, rw->in + start, end - start, rule, confidence);
}

cd_status cd_rw_flag_note(cd_rewriter *rw, size_t start, size_t end, const char *rule,
                          double confidence, const char *suggestion, size_t suggestion_len,
                          const char *why) {
  size_t at = rw->notes.len;
  const char *w = why ? why : "";
  if (cd_buf_append(&rw->notes, suggestion ? suggestion : "", suggestion ? suggestion_len : 0) ||
      cd_buf_append(&rw->notes, "", 1) || cd_buf_append(&rw->notes, w, strlen(w) + 1))
    return CD_ERR_NOMEM;
  cd_status st = cd_rw_flag(rw, start, end, rule, confidence);
  if (!st)
    rw->edits[rw->n_edits - 1].note = at + 1;
  return st;
}

cd_status cd_rw_finish(cd_rewriter *rw) { return cd_rw_keep(rw, rw->in_len); }

void cd_rw_free(cd_rewriter *rw) {
  free(rw->edits);
  rw->edits = NULL;
  cd_buf_free(&rw->notes);
  rw->n_edits = rw->cap_edits = 0;
}
