/* SPDX-License-Identifier: MIT */
/* strmap.h — internal hash tables of the aligner: strings → dense ids, and 64-bit keys →
 * counts. Not part of the public API. */
#ifndef CD_ALIGN_STRMAP_H
#define CD_ALIGN_STRMAP_H

#include <stddef.h>
#include <stdint.h>

#include "cd_text.h"

typedef struct strmap {
  uint32_t *slots; /* id + 1, 0 = empty */
  size_t cap;      /* power of two */
  char **keys;
  uint32_t *lens;
  uint64_t *hashes;
  size_t n, kcap;
} strmap;

/* Looks s up; when absent and create is set, adds it. *id receives the id, or UINT32_MAX
 * when absent (and not created). */
cd_status strmap_get(strmap *m, const char *s, size_t len, int create, uint32_t *id);
void strmap_free(strmap *m);

typedef struct u64count {
  uint64_t *keys; /* key + 1, 0 = empty */
  uint32_t *counts;
  size_t cap, n;
} u64count;

cd_status u64count_add(u64count *m, uint64_t key, uint32_t by);
uint32_t u64count_get(const u64count *m, uint64_t key);
void u64count_free(u64count *m);

#endif
