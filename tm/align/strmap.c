/* SPDX-License-Identifier: MIT */
/* strmap.c — open-addressing hash tables used by the aligner. */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

static cd_status strmap_grow(strmap *m) {
  size_t nc = m->cap ? m->cap * 2 : 256;
  uint32_t *ns = calloc(nc, sizeof *ns);
  if (!ns)
    return CD_ERR_NOMEM;
  for (size_t k = 0; k < m->n; k++) {
    size_t p = (size_t)m->hashes[k] & (nc - 1);
    while (ns[p])
      p = (p + 1) & (nc - 1);
    ns[p] = (uint32_t)k + 1;
  }
  free(m->slots);
  m->slots = ns;
  m->cap = nc;
  return CD_OK;
}

cd_status strmap_get(strmap *m, const char *s, size_t len, int create, uint32_t *id) {
  *id = UINT32_MAX;
  uint64_t h = cd_hash(s, len);
  if (m->cap) {
    size_t p = (size_t)h & (m->cap - 1);
    while (m->slots[p]) {
      uint32_t k = m->slots[p] - 1;
      if (m->hashes[k] == h && m->lens[k] == len && memcmp(m->keys[k], s, len) == 0) {
        *id = k;
        return CD_OK;
      }
      p = (p + 1) & (m->cap - 1);
    }
  }
  if (!create)
    return CD_OK;
  if ((m->n + 1) * 2 > m->cap && strmap_grow(m))
    return CD_ERR_NOMEM;
  if (m->n == m->kcap) {
    size_t nk = m->kcap ? m->kcap * 2 : 256;
    char **keys = realloc(m->keys, nk * sizeof *keys);
    if (!keys)
      return CD_ERR_NOMEM;
    m->keys = keys;
    uint32_t *lens = realloc(m->lens, nk * sizeof *lens);
    if (!lens)
      return CD_ERR_NOMEM;
    m->lens = lens;
    uint64_t *hashes = realloc(m->hashes, nk * sizeof *hashes);
    if (!hashes)
      return CD_ERR_NOMEM;
    m->hashes = hashes;
    m->kcap = nk;
  }
  char *copy = malloc(len + 1);
  if (!copy)
    return CD_ERR_NOMEM;
  memcpy(copy, s, len);
  copy[len] = '\0';
  size_t k = m->n++;
  m->keys[k] = copy;
  m->lens[k] = (uint32_t)len;
  m->hashes[k] = h;
  size_t p = (size_t)h & (m->cap - 1);
  while (m->slots[p])
    p = (p + 1) & (m->cap - 1);
  m->slots[p] = (uint32_t)k + 1;
  *id = (uint32_t)k;
  return CD_OK;
}

void strmap_free(strmap *m) {
  for (size_t k = 0; k < m->n; k++)
    free(m->keys[k]);
  free(m->keys);
  free(m->lens);
  free(m->hashes);
  free(m->slots);
  memset(m, 0, sizeof *m);
}

static size_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  return (size_t)x;
}

cd_status u64count_add(u64count *m, uint64_t key, uint32_t by) {
  if ((m->n + 1) * 2 > m->cap) {
    size_t nc = m->cap ? m->cap * 2 : 1024;
    uint64_t *nk = calloc(nc, sizeof *nk);
    uint32_t *ncnt = calloc(nc, sizeof *ncnt);
    if (!nk || !ncnt) {
      free(nk);
      free(ncnt);
      return CD_ERR_NOMEM;
    }
    for (size_t i = 0; i < m->cap; i++)
      if (m->keys[i]) {
        size_t p = mix64(m->keys[i] - 1) & (nc - 1);
        while (nk[p])
          p = (p + 1) & (nc - 1);
        nk[p] = m->keys[i];
        ncnt[p] = m->counts[i];
      }
    free(m->keys);
    free(m->counts);
    m->keys = nk;
    m->counts = ncnt;
    m->cap = nc;
  }
  size_t p = mix64(key) & (m->cap - 1);
  while (m->keys[p] && m->keys[p] != key + 1)
    p = (p + 1) & (m->cap - 1);
  if (!m->keys[p]) {
    m->keys[p] = key + 1;
    m->n++;
  }
  m->counts[p] += by;
  return CD_OK;
}

uint32_t u64count_get(const u64count *m, uint64_t key) {
  if (!m->cap)
    return 0;
  size_t p = mix64(key) & (m->cap - 1);
  while (m->keys[p]) {
    if (m->keys[p] == key + 1)
      return m->counts[p];
    p = (p + 1) & (m->cap - 1);
  }
  return 0;
}

void u64count_free(u64count *m) {
  free(m->keys);
  free(m->counts);
  memset(m, 0, sizeof *m);
}
