/* TM schema version: bumped with every migration added to tm/store. */
#include "cd_tm.h"

int cd_tm_schema_version(void) { return 1; }
