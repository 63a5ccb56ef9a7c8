/* SPDX-License-Identifier: MIT */
/* cd_tm.h — the translation-memory library (align, store, tmx, fuzzy). Depends on src/.
 * Module headers: cd_tm_store.h (SQLite store), cd_tmx.h (TMX import/export), cd_fuzzy.h
 * (normalized keys, fuzzy lookup, concordance). */
#ifndef CD_TM_H
#define CD_TM_H

#include "cd_text.h"

/* The schema version this build of the TM library writes and reads. */
int cd_tm_schema_version(void);

#endif
