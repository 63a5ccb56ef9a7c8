/* SPDX-License-Identifier: MIT */
/* cd_strmap.h — a string-keyed hash map (open addressing, FNV-1a) mapping byte strings to
 * caller-owned values. Keys are copied. Used where grouping is needed in memory (check's
 * consistency tables); persistent lookups go through SQLite in the stores. */
#ifndef CD_STRMAP_H
#define CD_STRMAP_H

#include "cd_text.h"

typedef struct cd_strmap cd_strmap;

cd_strmap *cd_strmap_new(void);
void cd_strmap_free(cd_strmap *m);
/* Returns a pointer to the value slot for key, inserting a zeroed slot when absent
 * (*inserted tells which); NULL when out of memory. The pointer is valid until the next
 * insertion. */
void **cd_strmap_slot(cd_strmap *m, const char *key, size_t len, bool *inserted);
/* True when key is in the map (whatever its value). */
bool cd_strmap_contains(const cd_strmap *m, const char *key, size_t len);
/* The value for key, or NULL (also NULL for a key whose value is NULL). */
void *cd_strmap_get(const cd_strmap *m, const char *key, size_t len);
size_t cd_strmap_count(const cd_strmap *m);
/* Iterates: returns false at the end. *pos starts at 0. */
bool cd_strmap_next(const cd_strmap *m, size_t *pos, const char **key, size_t *len, void **value);

#endif
