/* Stage "typography": not implemented yet; passes text through unchanged. */
#include "cd_stage.h"

static cd_status typography_process(void *state, const cd_segment *seg, cd_rewriter *rw,
                              cd_error *err) {
  (void)state;
  (void)seg;
  (void)rw;
  (void)err;
  return CD_OK;
}

const cd_stage_def cd_stage_typography = {"typography", CD_STAGE_TYPOGRAPHY, NULL, typography_process, NULL};
