/* SPDX-License-Identifier: MIT */
/* cd_strmap.h — the in-memory hash maps: byte strings to caller-owned values, which also
 * intern strings as dense ids (0, 1, 2 ... in insertion order), and 64-bit keys to counts.
 * Open addressing over cd_hash; keys are copied. Persistent lookups go through SQLite in
 * the stores. */
#ifndef CD_STRMAP_H
#define CD_STRMAP_H

#include "cd_text.h"

#include <stdint.h>

typedef struct cd_strmap cd_strmap;

/* The id of a key that is not in the map. */
#define CD_STRMAP_NONE SIZE_MAX

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
/* Iterates in insertion order: returns false at the end. *pos starts at 0. */
bool cd_strmap_next(const cd_strmap *m, size_t *pos, const char **key, size_t *len, void **value);

/* Interning: *id = the key's id, adding the key when absent (CD_ERR_NOMEM when that fails). */
cd_status cd_strmap_intern(cd_strmap *m, const char *key, size_t len, size_t *id);
/* The key's id, or CD_STRMAP_NONE. */
size_t cd_strmap_id(const cd_strmap *m, const char *key, size_t len);
/* The key of id (< cd_strmap_count), NUL-terminated; *len (may be NULL) its length. */
const char *cd_strmap_key(const cd_strmap *m, size_t id, size_t *len);

/* Counts by 64-bit key. Zero-initialise ({0}) before use. */
typedef struct cd_u64count {
  uint64_t *keys; /* key + 1, 0 = empty */
  uint32_t *counts;
  size_t cap, n;
} cd_u64count;

cd_status cd_u64count_add(cd_u64count *m, uint64_t key, uint32_t by);
uint32_t cd_u64count_get(const cd_u64count *m, uint64_t key);
void cd_u64count_free(cd_u64count *m);

#endif
