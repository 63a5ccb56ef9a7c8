/* SPDX-License-Identifier: MIT */
/* String-keyed hash map with open addressing and linear probing. */
#include "cd_strmap.h"

#include <stdlib.h>
#include <string.h>

typedef struct entry {
  char *key; /* NULL = empty */
  size_t len;
  uint64_t hash;
  void *value;
} entry;

struct cd_strmap {
  entry *slots;
  size_t cap, count;
};

cd_strmap *cd_strmap_new(void) {
  cd_strmap *m = calloc(1, sizeof *m);
  if (!m)
    return NULL;
  m->cap = 64;
  m->slots = calloc(m->cap, sizeof *m->slots);
  if (!m->slots) {
    free(m);
    return NULL;
  }
  return m;
}

void cd_strmap_free(cd_strmap *m) {
  if (!m)
    return;
  for (size_t i = 0; i < m->cap; i++)
    free(m->slots[i].key);
  free(m->slots);
  free(m);
}

static entry *find(entry *slots, size_t cap, const char *key, size_t len, uint64_t h) {
  size_t i = (size_t)h & (cap - 1);
  for (;;) {
    entry *e = &slots[i];
    if (!e->key || (e->hash == h && e->len == len && memcmp(e->key, key, len) == 0))
      return e;
    i = (i + 1) & (cap - 1);
  }
}

static bool grow(cd_strmap *m) {
  size_t cap = m->cap * 2;
  entry *slots = calloc(cap, sizeof *slots);
  if (!slots)
    return false;
  for (size_t i = 0; i < m->cap; i++)
    if (m->slots[i].key)
      *find(slots, cap, m->slots[i].key, m->slots[i].len, m->slots[i].hash) = m->slots[i];
  free(m->slots);
  m->slots = slots;
  m->cap = cap;
  return true;
}

void **cd_strmap_slot(cd_strmap *m, const char *key, size_t len, bool *inserted) {
  if ((m->count + 1) * 4 > m->cap * 3 && !grow(m))
    return NULL;
  uint64_t h = cd_hash(key, len);
  entry *e = find(m->slots, m->cap, key, len, h);
  if (inserted)
    *inserted = e->key == NULL;
  if (!e->key) {
    e->key = malloc(len + 1);
    if (!e->key)
      return NULL;
    if (len)
      memcpy(e->key, key, len);
    e->key[len] = '\0';
    e->len = len;
    e->hash = h;
    e->value = NULL;
    m->count++;
  }
  return &e->value;
}

void *cd_strmap_get(const cd_strmap *m, const char *key, size_t len) {
  entry *e = find(m->slots, m->cap, key, len, cd_hash(key, len));
  return e->key ? e->value : NULL;
}

bool cd_strmap_contains(const cd_strmap *m, const char *key, size_t len) {
  return find(m->slots, m->cap, key, len, cd_hash(key, len))->key != NULL;
}

size_t cd_strmap_count(const cd_strmap *m) { return m->count; }

bool cd_strmap_next(const cd_strmap *m, size_t *pos, const char **key, size_t *len, void **value) {
  while (*pos < m->cap) {
    entry *e = &m->slots[(*pos)++];
    if (e->key) {
      *key = e->key;
      *len = e->len;
      *value = e->value;
      return true;
    }
  }
  return false;
}
