/* cd_tm.h — the translation-memory library (align, store, tmx, fuzzy). Depends on src/. */
#ifndef CD_TM_H
#define CD_TM_H

#include "cd_text.h"

/* The schema version this build of the TM library writes and reads. */
int cd_tm_schema_version(void);

#endif
