/* SPDX-License-Identifier: MIT */
/* Opening a names store (names.sqlite or a PostgreSQL database, plus the house overlay) and
 * looking names up by key. The lookup logic is here, once; the stores (names_store.h) only
 * answer its queries. Nothing is loaded in full from a file: a key filter (names_internal.h)
 * and indexed queries, each run only when the filter says a row may exist. */
#include "names_internal.h"
#include "names_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The key filter is read lazily, in chunks: a single lookup touches a handful of chunks
 * instead of reading MBs at open. A multiple of the block. */
#define FILTER_CHUNK 65536

/* The entity columns of a key row, cached by eid: the key query reads the index alone and
 * the same entities come back for many keys (a common consonant skeleton, a name that
 * recurs in the text). */
#define ENT_CACHE 16384
typedef struct ent_ent {
  int64_t eid; /* 0 = empty */
  bool historical;
  char id[96], type[8];
  char *canon; /* entities.canon (names_internal.h) */
} ent_ent;

/* One source: the store (ops NULL: no such source), its key filter, the entity cache. */
typedef struct names_src {
  const names_store_ops *ops;
  void *impl;
  names_filter f;
  ent_ent *ents;    /* ENT_CACHE entries, allocated on first use */
  cd_buf ents_used; /* uint32_t indexes of entries ever filled (freed without a full pass) */
} names_src;

struct cd_names {
  names_src main, house;
  char *main_label; /* the PostgreSQL URL without its password; NULL for a file */
  cd_names_keyer *k;
  cd_buf fold, ascii, tmp, tmp2;
};

void cd_names_options_init(cd_names_options *o) { memset(o, 0, sizeof *o); }

cd_names_keyer *cd_names_get_keyer(cd_names *db) { return db->k; }

static void src_close(names_src *s) {
  if (s->ops)
    s->ops->close(s->impl);
  for (size_t off = 0; s->ents && off + sizeof(uint32_t) <= s->ents_used.len;
       off += sizeof(uint32_t)) {
    uint32_t i;
    memcpy(&i, s->ents_used.data + off, sizeof i);
    free(s->ents[i].canon);
    s->ents[i].canon = NULL; /* an entry filled twice is listed twice */
  }
  cd_big_free(s->ents, ENT_CACHE, sizeof *s->ents);
  cd_buf_free(&s->ents_used);
  cd_names__filter_free(&s->f);
  memset(s, 0, sizeof *s);
}

void cd_names_free(cd_names *db) {
  if (!db)
    return;
  src_close(&db->main);
  src_close(&db->house);
  free(db->main_label);
  cd_names_keyer_free(db->k);
  cd_buf_free(&db->fold);
  cd_buf_free(&db->ascii);
  cd_buf_free(&db->tmp);
  cd_buf_free(&db->tmp2);
  free(db);
}

/* Zeroed memory for a filter of n bytes, in huge pages where the system gives them: tests
 * land at random in tens of MB, and with 4 KB pages nearly each one also misses the TLB.
 * Untouched pages cost nothing until a chunk is read. */
cd_status cd_names__filter_alloc(names_filter *f, size_t n, cd_error *err) {
  void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED || !(f->loaded = calloc((n + FILTER_CHUNK - 1) / FILTER_CHUNK, 1))) {
    if (p != MAP_FAILED)
      munmap(p, n);
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
#ifdef MADV_HUGEPAGE
  if (n >= (2u << 20))
    madvise(p, n, MADV_HUGEPAGE); /* advice only: without it the filter still works */
#endif
  f->bits = p;
  f->bits_len = n;
  f->nblocks = (uint64_t)n / CD_NAMES_FILTER_BLOCK;
  return CD_OK;
}

void cd_names__filter_free(names_filter *f) {
  if (f->bits)
    munmap(f->bits, f->bits_len);
  if (f->map)
    munmap(f->map, f->map_len);
  free(f->loaded);
  memset(f, 0, sizeof *f);
}

void cd_names__filter_all_loaded(names_filter *f) {
  memset(f->loaded, 1, (f->bits_len + FILTER_CHUNK - 1) / FILTER_CHUNK);
}

cd_status cd_names__check_format(int format, const char *label, cd_error *err) {
  if (format > CD_NAMES_FORMAT)
    return cd_error_set(err, CD_ERR_DATA,
                        "%s: names database format %d is newer than this copydesk (%d); "
                        "upgrade copydesk or recompile the database",
                        label, format, CD_NAMES_FORMAT);
  if (format < 1)
    return cd_error_set(err, CD_ERR_DATA, "%s: names database has no format version", label);
  if (format < CD_NAMES_FORMAT)
    return cd_error_set(err, CD_ERR_DATA,
                        "%s: names database format %d is older than this copydesk's (%d); "
                        "recompile it with 'copydesk names compile'",
                        label, format, CD_NAMES_FORMAT);
  return CD_OK;
}

/* The filter test of one source (reading the block's chunk first when needed); a source
 * without a filter lets everything through. */
static bool src_filter_has(names_src *s, uint64_t h) {
  names_filter *f = &s->f;
  if (f->mapped)
    return cd_names_filter_block_has(
        f->mapped + cd_names_filter_block(h, f->nblocks) * CD_NAMES_FILTER_BLOCK, h);
  if (!f->bits)
    return true;
  size_t byte = (size_t)(cd_names_filter_block(h, f->nblocks) * CD_NAMES_FILTER_BLOCK);
  size_t c = byte / FILTER_CHUNK;
  if (!f->loaded[c]) {
    size_t off = c * FILTER_CHUNK, len = (size_t)(f->nblocks * CD_NAMES_FILTER_BLOCK) - off;
    if (len > FILTER_CHUNK)
      len = FILTER_CHUNK;
    f->loaded[c] =
        s->ops->filter_read && s->ops->filter_read(s->impl, f->bits + off, len, off) ? 1 : 2;
  }
  return f->loaded[c] == 2 || cd_names_filter_block_has(f->bits + byte, h);
}

/* The main store: a PostgreSQL URL or a names.sqlite file. */
static cd_status open_main(cd_names *db, const char *location, cd_error *err) {
  names_src *s = &db->main;
  if (cd_names_is_url(location))
    return cd_names__pg_open(location, &s->f, &s->ops, &s->impl, &db->main_label, err);
  FILE *f = fopen(location, "rb");
  if (!f)
    return cd_error_set(err, CD_ERR_DATA, "%s: names database not found", location);
  fclose(f);
  return cd_names__sqlite_open(location, &s->f, &s->ops, &s->impl, err);
}

cd_status cd_names_open(const cd_names_options *o, cd_names **out, cd_error *err) {
  *out = NULL;
  cd_names *db = calloc(1, sizeof *db);
  if (!db)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  cd_status st = CD_OK;
  if (o->db_path)
    st = open_main(db, o->db_path, err);
  if (!st)
    st = cd_names_keyer_new(o->translit_dir, &db->k, err);
  if (!st && o->house_file)
    st = cd_names__sqlite_house(o->house_file, db->k, &db->house.f, &db->house.ops, &db->house.impl,
                                err);
  if (st) {
    cd_names_free(db);
    return st;
  }
  *out = db;
  return CD_OK;
}

cd_status cd_names_open_dir(const char *data_dir, const char *names_db, const char *house,
                            cd_names **out, bool *had_db, cd_error *err) {
  *out = NULL;
  char dbp[4096], tr[4096];
  int a = data_dir ? snprintf(dbp, sizeof dbp, "%s/names.sqlite", data_dir) : 0;
  int b = data_dir ? snprintf(tr, sizeof tr, "%s/translit", data_dir) : 0;
  if (a < 0 || b < 0 || (size_t)a >= sizeof dbp || (size_t)b >= sizeof tr)
    return cd_error_set(err, CD_ERR_USAGE, "%s: data directory path too long", data_dir);
  bool db = names_db || (data_dir && access(dbp, R_OK) == 0);
  if (had_db)
    *had_db = db;
  if (!db && !house)
    return CD_OK;
  if (!data_dir)
    return cd_error_set(err, CD_ERR_USAGE,
                        "%s: the names store needs a data directory (its translit rules)",
                        house ? house : names_db);
  cd_names_options o;
  cd_names_options_init(&o);
  o.db_path = names_db ? names_db : db ? dbp : NULL;
  o.house_file = house;
  o.translit_dir = tr;
  return cd_names_open(&o, out, err);
}

uint64_t cd_names_count(cd_names *db) {
  uint64_t n = 0;
  names_src *all[2] = {&db->main, &db->house};
  for (int i = 0; i < 2; i++)
    if (all[i]->ops)
      n += all[i]->ops->count(all[i]->impl);
  return n;
}

/* Whether hash h may be in the filter of either source. */
static bool any_filter_has(cd_names *db, uint64_t h) {
  names_src *all[2] = {&db->main, &db->house};
  for (int i = 0; i < 2; i++)
    if (all[i]->ops && src_filter_has(all[i], h))
      return true;
  return false;
}

bool cd_names_word_maybe(cd_names *db, const char *key, size_t len) {
  return any_filter_has(db, cd_names_hash(key, len));
}

bool cd_names_key_maybe(cd_names *db, const char *key, size_t len, int kind) {
  return any_filter_has(db, cd_names_mark_hash(CD_NAMES_MARK_KEY, 0, kind, key, len));
}

bool cd_names_infl_maybe(cd_names *db, const char *prefix, size_t len) {
  return any_filter_has(db, cd_names_mark_hash(CD_NAMES_MARK_INFL, 0, 0, prefix, len));
}

typedef struct lemma_ctx {
  bool house;
  cd_names_lemma_fn fn;
  void *ud;
} lemma_ctx;

static cd_status lemma_row(void *ud, const names_lemma_row *r, cd_error *err) {
  lemma_ctx *c = ud;
  const char *lemma = r->part == CD_PART_SURNAME ? r->surname : r->form;
  if (!r->key || !lemma || strchr(r->key, ' ') || strchr(lemma, ' '))
    return CD_OK;
  cd_names_hit h;
  memset(&h, 0, sizeof h);
  h.entity = r->eid;
  h.part = (cd_match_part)r->part;
  snprintf(h.id, sizeof h.id, "%s", r->id ? r->id : "");
  snprintf(h.type, sizeof h.type, "%s", r->type ? r->type : "");
  h.historical = r->historical;
  h.house = c->house;
  h.level = CD_MATCH_EXACT;
  h.score = 1.0;
  return c->fn(c->ud, &h, lemma, err);
}

cd_status cd_names_prefix_lemmas(cd_names *db, const char *prefix, size_t plen,
                                 size_t max_key_bytes, cd_names_lemma_fn fn, void *ud,
                                 cd_error *err) {
  names_src *all[2] = {&db->main, &db->house};
  for (int i = 0; i < 2; i++) {
    names_src *s = all[i];
    if (!s->ops)
      continue;
    lemma_ctx c = {i == 1, fn, ud};
    cd_status st = s->ops->prefix(s->impl, prefix, plen, max_key_bytes, lemma_row, &c, err);
    if (st)
      return st;
  }
  return CD_OK;
}

/* ---- find ---------------------------------------------------------------------------- */

typedef struct hitset {
  cd_names_hit *hits;
  size_t max, n;
} hitset;

static void hit_add(hitset *hs, const cd_names_hit *h) {
  for (size_t i = 0; i < hs->n; i++)
    if (strcmp(hs->hits[i].id, h->id) == 0) {
      if (h->score > hs->hits[i].score)
        hs->hits[i] = *h;
      return;
    }
  if (hs->n < hs->max) {
    hs->hits[hs->n++] = *h;
    return;
  }
  /* replace the weakest */
  size_t worst = 0;
  for (size_t i = 1; i < hs->n; i++)
    if (hs->hits[i].score < hs->hits[worst].score)
      worst = i;
  if (h->score > hs->hits[worst].score)
    hs->hits[worst] = *h;
}

/* Whether a hit with this score could change the set (hit_add): when the set is full, only
 * a score above its weakest can (an entity already in the set is updated only by a higher
 * score, which is then above the weakest too). */
static bool hit_can_enter(const hitset *hs, double score) {
  if (hs->n < hs->max)
    return true;
  for (size_t i = 0; i < hs->n; i++)
    if (score > hs->hits[i].score)
      return true;
  return false;
}

/* Queries one key in both sources; calls back per row, until the callback returns false
 * (nothing more of this key can change the result). */
typedef bool (*row_fn)(void *ud, names_src *s, bool house, int64_t eid, int part);

/* The rows of one skeleton key, kept only when there are at most CD_NAMES_SKEL_MAX (a
 * skeleton shared by more says nothing: not a fuzzy signal; the compiler drops those, the
 * check stays for any it did not). */
typedef struct skel_rows {
  int64_t eids[CD_NAMES_SKEL_MAX + 1];
  int parts[CD_NAMES_SKEL_MAX + 1], n;
} skel_rows;

static bool skel_row(void *ud, int64_t eid, int part) {
  skel_rows *r = ud;
  if (r->n > CD_NAMES_SKEL_MAX)
    return false;
  r->eids[r->n] = eid;
  r->parts[r->n++] = part;
  return true;
}

typedef struct key_rows {
  row_fn fn;
  void *ud;
  names_src *s;
  bool house;
} key_rows;

static bool key_row(void *ud, int64_t eid, int part) {
  key_rows *k = ud;
  return k->fn(k->ud, k->s, k->house, eid, part);
}

/* Queries one key (rows of a full name or surname; only surnames when want_part is
 * CD_PART_SURNAME) in both sources, each only when its key filter has the key. */
static cd_status query_key(cd_names *db, const char *key, size_t klen, int kind, int want_part,
                           row_fn fn, void *ud, cd_error *err) {
  names_src *all[2] = {&db->main, &db->house};
  uint64_t h = cd_names_mark_hash(
      want_part == CD_PART_SURNAME ? CD_NAMES_MARK_SURNAME : CD_NAMES_MARK_KEY, 0, kind, key, klen);
  for (int i = 0; i < 2; i++) {
    names_src *s = all[i];
    if (!s->ops || !src_filter_has(s, h))
      continue;
    if (kind == CD_KEY_SKEL) {
      skel_rows r;
      r.n = 0;
      cd_status st = s->ops->keys(s->impl, key, klen, kind, true, skel_row, &r, err);
      if (st)
        return st;
      for (int j = 0; r.n <= CD_NAMES_SKEL_MAX && j < r.n; j++)
        if (r.parts[j] < 2 && !fn(ud, s, i == 1, r.eids[j], r.parts[j]))
          return CD_OK;
      continue;
    }
    key_rows k = {fn, ud, s, i == 1};
    cd_status st = s->ops->keys(s->impl, key, klen, kind, false, key_row, &k, err);
    if (st)
      return st;
  }
  return CD_OK;
}

typedef struct collect {
  hitset *hs;
  cd_match_level level;
  double score;
  const char *why;
  int want_part; /* -1 = full or surname */
  /* given-name confirmation: keys of the given part ("K" kind byte + key, NUL-terminated,
   * one after the other); a row counts only when its entity has one of them as a given
   * name (an indexed check per candidate: a common given name is shared by thousands) */
  const char *gkeys;
  size_t gkeys_len;
  bool best_only; /* cd_names_query.best_only */
} collect;

static bool given_ok(names_src *s, int64_t eid, const collect *c) {
  for (size_t off = 0; off < c->gkeys_len;) {
    const char *k = c->gkeys + off;
    size_t l = strlen(k);
    off += l + 1;
    if (l < 2 ||
        !src_filter_has(s, cd_names_mark_hash(CD_NAMES_MARK_GIVEN, eid, k[0] - '0', k + 1, l - 1)))
      continue;
    if (s->ops->has_given(s->impl, k + 1, l - 1, k[0] - '0', eid))
      return true;
  }
  return false;
}

/* The entity columns of eid through the cache; NULL when the row is missing (a key row
 * always has its entity: one transaction writes both) or memory ran out. */
static cd_status ent_fill(void *ud, const names_entity_row *r) {
  ent_ent *e = ud;
  snprintf(e->id, sizeof e->id, "%s", r->id ? r->id : "");
  snprintf(e->type, sizeof e->type, "%s", r->type ? r->type : "");
  e->historical = r->historical;
  e->canon = strdup(r->canon ? r->canon : "");
  return e->canon ? CD_OK : CD_ERR_NOMEM;
}

static ent_ent *ent_get(names_src *s, int64_t eid) {
  if (!s->ents && !(s->ents = cd_big_calloc(ENT_CACHE, sizeof *s->ents)))
    return NULL;
  uint32_t slot = (uint32_t)(((uint64_t)eid * 0x9E3779B97F4A7C15ULL >> 20) % ENT_CACHE);
  ent_ent *e = &s->ents[slot];
  if (e->eid == eid)
    return e;
  if (!e->eid && !e->canon && cd_buf_append(&s->ents_used, &slot, sizeof slot))
    return NULL;
  e->eid = 0;
  free(e->canon);
  e->canon = NULL;
  bool found = false;
  if (s->ops->entity(s->impl, eid, ent_fill, e, &found, NULL) || !found)
    return NULL;
  e->eid = eid;
  return e;
}

/* A hit from a key row (eid, part), the entity's columns through the cache; false when the
 * entity is missing (the row is skipped, as a join would). */
static bool fill_key_hit(names_src *s, cd_names_hit *h, bool house, int64_t eid, int part) {
  memset(h, 0, sizeof *h);
  h->entity = eid;
  h->part = (cd_match_part)part;
  h->house = house;
  ent_ent *e = ent_get(s, eid);
  if (!e)
    return false;
  snprintf(h->id, sizeof h->id, "%s", e->id);
  snprintf(h->type, sizeof h->type, "%s", e->type);
  h->historical = e->historical;
  return true;
}

/* All rows of one key query score alike: once the set is full of better or equal hits,
 * no later row of the key can enter it (false stops the query). */
static bool collect_row(void *ud, names_src *s, bool house, int64_t eid, int part) {
  collect *c = ud;
  if (!hit_can_enter(c->hs, c->score))
    return false;
  if (c->want_part >= 0 ? part != c->want_part : part == CD_PART_GIVEN)
    return true;
  if (c->gkeys && !given_ok(s, eid, c))
    return true;
  cd_names_hit h;
  if (!fill_key_hit(s, &h, house, eid, part))
    return true;
  h.level = c->level;
  h.score = c->score;
  h.context = c->gkeys != NULL;
  snprintf(h.why, sizeof h.why, "%s", c->why);
  hit_add(c->hs, &h);
  return true;
}

/* Whether a surname key may belong to an entity that also has one of the given-name keys
 * at hand (c->gkeys): the pair marks of the filter, in each source that has them. */
static bool pair_maybe(cd_names *db, const collect *c, const char *key, size_t klen) {
  names_src *all[2] = {&db->main, &db->house};
  for (int i = 0; i < 2; i++) {
    names_src *s = all[i];
    if (!s->ops)
      continue;
    if (!s->f.pairs)
      return true;
    for (size_t off = 0; off < c->gkeys_len;) {
      const char *k = c->gkeys + off;
      size_t l = strlen(k);
      off += l + 1;
      if (l >= 2 && src_filter_has(s, cd_names_pair_hash(k + 1, l - 1, key, klen)))
        return true;
    }
  }
  return false;
}

/* One key query of find_levels: a surname confirmed by a given name only when some entity
 * may have both. */
static cd_status query_level(cd_names *db, const char *key, size_t klen, int kind, collect *c,
                             cd_error *err) {
  if (c->gkeys && !pair_maybe(db, c, key, klen))
    return CD_OK;
  return query_key(db, key, klen, kind, c->want_part, collect_row, c, err);
}

/* Looks text up at fold and ascii level (and skeleton when fuzzy). */
static cd_status find_levels(cd_names *db, const char *s, size_t n, collect *c, bool fuzzy,
                             double bonus, const char *why_suffix, cd_error *err) {
  char why[96];
  cd_status st = cd_names_key_fold(db->k, s, n, &db->fold, err);
  if (st)
    return st;
  c->level = CD_MATCH_EXACT;
  c->score = 1.0 - bonus;
  snprintf(why, sizeof why, "exact variant%s", why_suffix);
  c->why = why;
  st = query_level(db, db->fold.data, db->fold.len, CD_KEY_FOLD, c, err);
  if (st || (c->best_only && c->hs->n))
    return st;
  size_t count = 0;
  if (!st)
    st = cd_names_key_ascii(db->k, s, n, &db->ascii, &count, err);
  c->level = CD_MATCH_TRANSLIT;
  c->score = 0.95 - bonus;
  snprintf(why, sizeof why, "transliteration%s", why_suffix);
  for (size_t i = 0, off = 0; i < count && !st; i++) {
    size_t l = strlen(db->ascii.data + off);
    st = query_level(db, db->ascii.data + off, l, CD_KEY_ASCII, c, err);
    off += l + 1;
  }
  if (!st && fuzzy && !(c->best_only && c->hs->n)) {
    st = cd_names_key_skel(db->k, s, n, &db->tmp, err);
    if (!st && db->tmp.len >= 3) {
      c->level = CD_MATCH_FUZZY;
      c->score = c->gkeys ? 0.92 : 0.6;
      snprintf(why, sizeof why, "fuzzy%s", why_suffix);
      st = query_level(db, db->tmp.data, db->tmp.len, CD_KEY_SKEL, c, err);
    }
  }
  return st;
}

static int by_score(const void *a, const void *b) {
  const cd_names_hit *x = a, *y = b;
  return (x->score < y->score) - (x->score > y->score);
}

cd_status cd_names_find(cd_names *db, const cd_names_query *q, cd_names_hit *hits, size_t max,
                        size_t *n, cd_error *err) {
  *n = 0;
  hitset hs = {hits, max, 0};
  collect c;
  memset(&c, 0, sizeof c);
  c.hs = &hs;
  c.want_part = -1;
  c.best_only = q->best_only;
  cd_status st = find_levels(db, q->text, q->len, &c, false, 0.0, "", err);
  if (st)
    return st;
  /* "Given Surname": the surname as a surname, confirmed by a given name of the entity */
  size_t last = q->len;
  while (last > 0 && q->text[last - 1] != ' ')
    last--;
  if (hs.n == 0 && last > 1) {
    size_t gl = last - 1;
    bool gsingle = memchr(q->text, ' ', gl) == NULL;
    collect g;
    memset(&g, 0, sizeof g);
    g.hs = &hs;
    g.best_only = q->best_only;
    /* the keys of the given part (fold and ascii); with none among the filter's word keys
     * there is nothing to confirm */
    cd_buf gk = CD_BUF_INIT;
    bool any = !gsingle;
    st = cd_names_key_fold(db->k, q->text, gl, &db->tmp2, err);
    if (!st) {
      any |= cd_names_word_maybe(db, db->tmp2.data, db->tmp2.len);
      if (cd_buf_append(&gk, "1", 1) || cd_buf_append(&gk, db->tmp2.data, db->tmp2.len + 1))
        st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    }
    size_t count = 0;
    if (!st)
      st = cd_names_key_ascii(db->k, q->text, gl, &db->tmp2, &count, err);
    for (size_t i = 0, off = 0; i < count && !st; i++) {
      size_t l = strlen(db->tmp2.data + off);
      any |= cd_names_word_maybe(db, db->tmp2.data + off, l);
      if (cd_buf_append(&gk, "2", 1) || cd_buf_append(&gk, db->tmp2.data + off, l + 1))
        st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
      off += l + 1;
    }
    g.gkeys = gk.data;
    g.gkeys_len = gk.len;
    if (!st && any && gk.len) {
      g.want_part = CD_PART_SURNAME;
      st = find_levels(db, q->text + last, q->len - last, &g, true, 0.0, " + given name", err);
      for (size_t i = 0; i < hs.n; i++)
        hs.hits[i].part = CD_PART_FULL; /* the span is the full name */
    }
    cd_buf_free(&gk);
    if (st)
      return st;
  }
  if (hs.n == 0 && q->fuzzy) {
    st = cd_names_key_skel(db->k, q->text, q->len, &db->tmp, err);
    if (!st && db->tmp.len >= 3) {
      c.level = CD_MATCH_FUZZY;
      c.score = 0.6;
      c.why = "fuzzy (consonant skeleton)";
      st = query_key(db, db->tmp.data, db->tmp.len, CD_KEY_SKEL, c.want_part, collect_row, &c, err);
    }
    if (st)
      return st;
  }
  qsort(hits, hs.n, sizeof *hits, by_score);
  *n = hs.n;
  return CD_OK;
}

/* ---- canonical forms, all forms, context ------------------------------------------------ */

static int64_t eid_in(names_src *s, const char *id) {
  return s->ops ? s->ops->eid_of(s->impl, id) : 0;
}

/* The canonical form of entity eid in lang (its surname for CD_PART_SURNAME when it has
 * one), from the entity row's canon column. */
static bool canon_in(names_src *s, int64_t eid, const char *lang, cd_match_part part, cd_buf *out) {
  if (!s->ops || !eid)
    return false;
  ent_ent *e = ent_get(s, eid);
  if (!e)
    return false;
  size_t ll = strlen(lang);
  for (const char *p = e->canon; *p;) {
    const char *end = strchr(p, '\x1e');
    if (!end)
      break;
    const char *f = memchr(p, '\x1f', (size_t)(end - p));
    const char *g = f ? memchr(f + 1, '\x1f', (size_t)(end - f - 1)) : NULL;
    if (g && (size_t)(f - p) == ll && memcmp(p, lang, ll) == 0) {
      bool sur = part == CD_PART_SURNAME && g + 1 < end;
      const char *t = sur ? g + 1 : f + 1;
      size_t tl = sur ? (size_t)(end - g - 1) : (size_t)(g - f - 1);
      cd_buf_clear(out);
      return tl > 0 && cd_buf_append(out, t, tl) == CD_OK;
    }
    p = end + 1;
  }
  return false;
}

cd_status cd_names_canonical(cd_names *db, const cd_names_hit *hit, const char *lang,
                             cd_match_part part, cd_buf *out, cd_error *err) {
  int64_t he = hit->house ? hit->entity : eid_in(&db->house, hit->id);
  int64_t me = hit->house ? eid_in(&db->main, hit->id) : hit->entity;
  const char *langs[2] = {lang && *lang ? lang : "en", "en"};
  for (int i = 0; i < 2; i++) {
    if (canon_in(&db->house, he, langs[i], part, out))
      return CD_OK;
    if (canon_in(&db->main, me, langs[i], part, out))
      return CD_OK;
  }
  return cd_error_set(err, CD_ERR_INPUT, "%s: no canonical form", hit->id);
}

/* The forms of an entity (key NULL) or its context values of key, from the house overlay
 * first, then the main store. */
static cd_status entity_rows(cd_names *db, const cd_names_hit *hit, const char *key,
                             cd_names_form_fn fn, void *ud, cd_error *err) {
  int64_t he = hit->house ? hit->entity : eid_in(&db->house, hit->id);
  int64_t me = hit->house ? eid_in(&db->main, hit->id) : hit->entity;
  names_src *all[2] = {&db->house, &db->main};
  int64_t eids[2] = {he, me};
  for (int i = 0; i < 2; i++) {
    if (!all[i]->ops || !eids[i])
      continue;
    cd_status st = key ? all[i]->ops->context(all[i]->impl, eids[i], key, fn, ud, err)
                       : all[i]->ops->forms(all[i]->impl, eids[i], fn, ud, err);
    if (st)
      return st;
  }
  return CD_OK;
}

cd_status cd_names_forms(cd_names *db, const cd_names_hit *hit, cd_names_form_fn fn, void *ud,
                         cd_error *err) {
  return entity_rows(db, hit, NULL, fn, ud, err);
}

cd_status cd_names_context(cd_names *db, const cd_names_hit *hit, const char *key,
                           cd_names_form_fn fn, void *ud, cd_error *err) {
  return entity_rows(db, hit, key, fn, ud, err);
}

/* Export reads the SQLite sources directly. */
sqlite3 *cd_names__main_db(cd_names *db) {
  return cd_names__sqlite_db(db->main.ops, db->main.impl);
}
sqlite3 *cd_names__house_db(cd_names *db) {
  return cd_names__sqlite_db(db->house.ops, db->house.impl);
}
const char *cd_names__main_url(cd_names *db) { return db->main_label; }
