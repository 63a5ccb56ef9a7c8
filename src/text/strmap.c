/* SPDX-License-Identifier: MIT */
/* The in-memory hash maps (cd_strmap.h). A string map keeps its entries in insertion order
 * (so an entry's index is its interned id) and a power-of-two table of entry indexes,
 * probed linearly. */
#include "cd_strmap.h"

#include <stdlib.h>
#include <string.h>

typedef struct entry {
  char *key;
  size_t len;
  uint64_t hash;
  void *value;
} entry;

struct cd_strmap {
  uint32_t *slots; /* entry index + 1; 0 = empty */
  size_t cap;      /* power of two */
  entry *e;        /* n entries in insertion order, ecap allocated */
  size_t n, ecap;
};

cd_strmap *cd_strmap_new(void) { return calloc(1, sizeof(cd_strmap)); }

void cd_strmap_free(cd_strmap *m) {
  if (!m)
    return;
  for (size_t i = 0; i < m->n; i++)
    free(m->e[i].key);
  free(m->e);
  free(m->slots);
  free(m);
}

/* The slot holding key, or the empty slot where it would go. */
static uint32_t *find(const cd_strmap *m, const char *key, size_t len, uint64_t h) {
  size_t i = (size_t)h & (m->cap - 1);
  for (;;) {
    uint32_t *s = &m->slots[i];
    if (!*s)
      return s;
    const entry *e = &m->e[*s - 1];
    if (e->hash == h && e->len == len && memcmp(e->key, key, len) == 0)
      return s;
    i = (i + 1) & (m->cap - 1);
  }
}

/* Room for one more entry: the table at most 3/4 full, the entry array grown. */
static cd_status make_room(cd_strmap *m) {
  if (m->n >= UINT32_MAX - 1 || CD_GROW(m->e, m->n, m->ecap))
    return CD_ERR_NOMEM;
  if ((m->n + 1) * 4 <= m->cap * 3)
    return CD_OK;
  size_t cap = m->cap ? m->cap * 2 : 64;
  uint32_t *slots = calloc(cap, sizeof *slots);
  if (!slots)
    return CD_ERR_NOMEM;
  free(m->slots);
  m->slots = slots;
  m->cap = cap;
  for (size_t k = 0; k < m->n; k++)
    *find(m, m->e[k].key, m->e[k].len, m->e[k].hash) = (uint32_t)k + 1;
  return CD_OK;
}

/* The entry of key, added when absent (*inserted); NULL when out of memory. */
static entry *lookup_add(cd_strmap *m, const char *key, size_t len, bool *inserted) {
  uint64_t h = cd_hash(key, len);
  uint32_t *s = m->cap ? find(m, key, len, h) : NULL;
  *inserted = !s || !*s;
  if (!*inserted)
    return &m->e[*s - 1];
  char *copy = malloc(len + 1);
  if (!copy || make_room(m)) {
    free(copy);
    return NULL;
  }
  if (len)
    memcpy(copy, key, len);
  copy[len] = '\0';
  entry *e = &m->e[m->n];
  *e = (entry){copy, len, h, NULL};
  *find(m, key, len, h) = (uint32_t)++m->n;
  return e;
}

void **cd_strmap_slot(cd_strmap *m, const char *key, size_t len, bool *inserted) {
  bool ins;
  entry *e = lookup_add(m, key, len, &ins);
  if (inserted)
    *inserted = ins;
  return e ? &e->value : NULL;
}

cd_status cd_strmap_intern(cd_strmap *m, const char *key, size_t len, size_t *id) {
  bool ins;
  entry *e = lookup_add(m, key, len, &ins);
  *id = e ? (size_t)(e - m->e) : CD_STRMAP_NONE;
  return e ? CD_OK : CD_ERR_NOMEM;
}

size_t cd_strmap_id(const cd_strmap *m, const char *key, size_t len) {
  if (!m->cap)
    return CD_STRMAP_NONE;
  uint32_t s = *find(m, key, len, cd_hash(key, len));
  return s ? (size_t)s - 1 : CD_STRMAP_NONE;
}

const char *cd_strmap_key(const cd_strmap *m, size_t id, size_t *len) {
  if (len)
    *len = m->e[id].len;
  return m->e[id].key;
}

void *cd_strmap_get(const cd_strmap *m, const char *key, size_t len) {
  size_t id = cd_strmap_id(m, key, len);
  return id == CD_STRMAP_NONE ? NULL : m->e[id].value;
}

bool cd_strmap_contains(const cd_strmap *m, const char *key, size_t len) {
  return cd_strmap_id(m, key, len) != CD_STRMAP_NONE;
}

size_t cd_strmap_count(const cd_strmap *m) { return m->n; }

bool cd_strmap_next(const cd_strmap *m, size_t *pos, const char **key, size_t *len, void **value) {
  if (*pos >= m->n)
    return false;
  const entry *e = &m->e[(*pos)++];
  *key = e->key;
  *len = e->len;
  *value = e->value;
  return true;
}

/* ---- counts by 64-bit key ---------------------------------------------------------------- */

static size_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  return (size_t)x;
}

/* The slot of key in keys[cap] (key + 1 there), or the empty one where it would go. */
static size_t u64_slot(const uint64_t *keys, size_t cap, uint64_t key) {
  size_t p = mix64(key) & (cap - 1);
  while (keys[p] && keys[p] != key + 1)
    p = (p + 1) & (cap - 1);
  return p;
}

static cd_status u64count_grow(cd_u64count *m) {
  size_t nc = m->cap ? m->cap * 2 : 1024;
  uint64_t *nk = calloc(nc, sizeof *nk);
  uint32_t *ncnt = calloc(nc, sizeof *ncnt);
  if (!nk || !ncnt || nc < m->cap) {
    free(nk);
    free(ncnt);
    return CD_ERR_NOMEM;
  }
  for (size_t i = 0; i < m->cap; i++)
    if (m->keys[i]) {
      size_t p = u64_slot(nk, nc, m->keys[i] - 1);
      nk[p] = m->keys[i];
      ncnt[p] = m->counts[i];
    }
  free(m->keys);
  free(m->counts);
  m->keys = nk;
  m->counts = ncnt;
  m->cap = nc;
  return CD_OK;
}

cd_status cd_u64count_add(cd_u64count *m, uint64_t key, uint32_t by) {
  if ((m->n + 1) * 2 > m->cap && u64count_grow(m))
    return CD_ERR_NOMEM;
  size_t p = u64_slot(m->keys, m->cap, key);
  if (!m->keys[p]) {
    m->keys[p] = key + 1;
    m->n++;
  }
  m->counts[p] += by;
  return CD_OK;
}

uint32_t cd_u64count_get(const cd_u64count *m, uint64_t key) {
  if (!m->cap)
    return 0;
  size_t p = u64_slot(m->keys, m->cap, key);
  return m->keys[p] ? m->counts[p] : 0;
}

void cd_u64count_free(cd_u64count *m) {
  free(m->keys);
  free(m->counts);
  memset(m, 0, sizeof *m);
}
