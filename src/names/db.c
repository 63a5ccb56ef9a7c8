/* SPDX-License-Identifier: MIT */
/* Opening names.sqlite (plus the house overlay) and looking names up by key. Nothing is
 * loaded in full: a key filter (names_internal.h: mapped from its sidecar file, or else read
 * from its blob in chunks as lookups touch them) and indexed queries, each run only when the
 * filter says a row may exist. */
#include "names_internal.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The key filter is read lazily, in chunks, straight from its blob: a single lookup
 * touches a handful of chunks instead of reading MBs at open. A multiple of the block. */
#define FILTER_CHUNK 65536

/* The entity columns of a key row, cached by eid: the key query reads the index alone and
 * the same entities come back for many keys (a common consonant skeleton, a name that
 * recurs in the text). */
#define ENT_CACHE 16384
typedef struct ent_ent {
  sqlite3_int64 eid; /* 0 = empty */
  bool historical;
  char id[96], type[8];
  char *canon; /* entities.canon (names_internal.h) */
} ent_ent;

typedef struct names_src {
  sqlite3 *db;
  uint8_t *filter; /* nblocks blocks, zero until a chunk is read (calloc: untouched pages
                      cost nothing) */
  size_t filter_len;
  uint8_t *loaded;       /* per chunk: 0 not read, 1 read, 2 unreadable (every key may exist) */
  const uint8_t *mapped; /* the filter in the sidecar's map (then filter is NULL) */
  void *map;
  size_t map_len;
  sqlite3_blob *blob;
  uint64_t nblocks;
  bool pairs; /* the filter has CD_NAMES_MARK_PAIR marks (meta 'pair_marks') */
  sqlite3_stmt *by_key, *by_skel, *forms, *ctx, *by_id, *prefix, *given_chk;
  sqlite3_stmt *ent;
  ent_ent *ents;    /* ENT_CACHE entries, allocated on first use */
  cd_buf ents_used; /* uint32_t indexes of entries ever filled (freed without a full pass) */
} names_src;

struct cd_names {
  names_src main, house; /* house.db NULL when no overlay */
  cd_names_keyer *k;
  cd_buf fold, ascii, tmp, tmp2;
};

void cd_names_options_init(cd_names_options *o) { memset(o, 0, sizeof *o); }

cd_names_keyer *cd_names_get_keyer(cd_names *db) { return db->k; }

static void src_close(names_src *s) {
  sqlite3_finalize(s->by_key);
  sqlite3_finalize(s->by_skel);
  sqlite3_finalize(s->forms);
  sqlite3_finalize(s->ctx);
  sqlite3_finalize(s->by_id);
  sqlite3_finalize(s->prefix);
  sqlite3_finalize(s->given_chk);
  sqlite3_finalize(s->ent);
  for (size_t off = 0; s->ents && off + sizeof(uint32_t) <= s->ents_used.len;
       off += sizeof(uint32_t)) {
    uint32_t i;
    memcpy(&i, s->ents_used.data + off, sizeof i);
    free(s->ents[i].canon);
    s->ents[i].canon = NULL; /* an entry filled twice is listed twice */
  }
  cd_big_free(s->ents, ENT_CACHE, sizeof *s->ents);
  cd_buf_free(&s->ents_used);
  if (s->blob)
    sqlite3_blob_close(s->blob);
  s->blob = NULL;
  if (s->db)
    sqlite3_close(s->db);
  if (s->filter)
    munmap(s->filter, s->filter_len);
  if (s->map)
    munmap(s->map, s->map_len);
  free(s->loaded);
  memset(s, 0, sizeof *s);
}

void cd_names_free(cd_names *db) {
  if (!db)
    return;
  src_close(&db->main);
  src_close(&db->house);
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
static uint8_t *filter_alloc(size_t n, size_t *len) {
  void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return NULL;
  *len = n;
#ifdef MADV_HUGEPAGE
  if (n >= (2u << 20))
    madvise(p, n, MADV_HUGEPAGE); /* advice only: without it the filter still works */
#endif
  return p;
}

/* A statement that cannot be prepared: out of memory is said as such (the database is
 * fine, and rebuilding it would not help); anything else is a database that is not ours. */
static cd_status db_open_err(sqlite3 *db, const char *label, const char *what, cd_error *err) {
  int code = sqlite3_errcode(db);
  if (code == SQLITE_NOMEM)
    return cd_error_set(err, CD_ERR_NOMEM, "%s: out of memory opening the names database", label);
  if (code == SQLITE_IOERR || code == SQLITE_BUSY || code == SQLITE_LOCKED ||
      code == SQLITE_CANTOPEN || code == SQLITE_PERM)
    return cd_error_set(err, CD_ERR_DB, "%s: cannot read the names database: %s", label,
                        sqlite3_errmsg(db));
  return cd_error_set(err, CD_ERR_DATA, "%s: %s (%s)", label, what, sqlite3_errmsg(db));
}

static cd_status src_prepare(names_src *s, const char *label, cd_error *err) {
  if (sqlite3_prepare_v2(s->db,
                         "SELECT eid, part FROM keys WHERE key=? AND kind=? AND part<2 "
                         "LIMIT 512",
                         -1, &s->by_key, NULL) ||
      sqlite3_prepare_v2(s->db, "SELECT id, type, historical, canon FROM entities WHERE eid=?", -1,
                         &s->ent, NULL) ||
      /* a consonant skeleton shared by more than CD_NAMES_SKEL_MAX keys says nothing: not a
       * fuzzy signal (the compiler drops those; the check stays for any it did not); the
       * rows of the others (all parts, in key order) are read in the same pass */
      sqlite3_prepare_v2(s->db, "SELECT eid, part FROM keys WHERE key=? AND kind=? LIMIT 33", -1,
                         &s->by_skel, NULL) ||
      sqlite3_prepare_v2(s->db, "SELECT lang, kind, form FROM forms WHERE eid=? ORDER BY fid", -1,
                         &s->forms, NULL) ||
      sqlite3_prepare_v2(s->db, "SELECT value FROM context WHERE eid=? AND key=?", -1, &s->ctx,
                         NULL) ||
      sqlite3_prepare_v2(s->db, "SELECT eid FROM entities WHERE id=?", -1, &s->by_id, NULL) ||
      sqlite3_prepare_v2(s->db,
                         "SELECT 1 FROM keys WHERE key=? AND kind=? AND part=2 AND eid=? "
                         "LIMIT 1",
                         -1, &s->given_chk, NULL) ||
      sqlite3_prepare_v2(s->db,
                         "SELECT k.eid, k.part, e.id, e.type, e.historical, "
                         "coalesce(f.lang,''), f.form, f.surname, k.key FROM keys k "
                         "JOIN entities e ON e.eid=k.eid JOIN forms f ON f.fid=k.fid "
                         "WHERE k.key>=?1 AND k.key<?2 AND k.kind=1 AND k.part<2 "
                         "AND length(CAST(k.key AS BLOB))<=?3 LIMIT 32",
                         -1, &s->prefix, NULL))
    return db_open_err(s->db, label, "not a copydesk names database", err);
  sqlite3_stmt *m = NULL;
  cd_status st = CD_OK;
  if (sqlite3_prepare_v2(s->db, "SELECT rowid, length(value) FROM meta WHERE key='filter'", -1, &m,
                         NULL) == SQLITE_OK &&
      sqlite3_step(m) == SQLITE_ROW) {
    sqlite3_int64 rowid = sqlite3_column_int64(m, 0);
    sqlite3_int64 n = sqlite3_column_int64(m, 1);
    if (n < CD_NAMES_FILTER_BLOCK || n % CD_NAMES_FILTER_BLOCK)
      st = cd_error_set(err, CD_ERR_DATA,
                        "%s: corrupt key filter (%lld bytes); rebuild it "
                        "with 'copydesk names compile'",
                        label, (long long)n);
    else if (sqlite3_blob_open(s->db, "main", "meta", "value", rowid, 0, &s->blob) != SQLITE_OK)
      st = cd_error_set(err, CD_ERR_DATA, "%s: cannot read the key filter: %s", label,
                        sqlite3_errmsg(s->db));
    else if (!(s->filter = filter_alloc((size_t)n, &s->filter_len)) ||
             !(s->loaded = calloc(((size_t)n + FILTER_CHUNK - 1) / FILTER_CHUNK, 1)))
      st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    else
      s->nblocks = (uint64_t)n / CD_NAMES_FILTER_BLOCK;
  }
  sqlite3_finalize(m);
  m = NULL;
  if (!st && s->nblocks &&
      sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key='pair_marks'", -1, &m, NULL) ==
          SQLITE_OK &&
      sqlite3_step(m) == SQLITE_ROW)
    s->pairs = sqlite3_column_int(m, 0) == 1;
  sqlite3_finalize(m);
  return st;
}

/* The filter test of one source (reading the block's chunk first when needed); a source
 * without a filter lets everything through. */
static bool src_filter_has(names_src *s, uint64_t h) {
  if (s->mapped)
    return cd_names_filter_block_has(
        s->mapped + cd_names_filter_block(h, s->nblocks) * CD_NAMES_FILTER_BLOCK, h);
  if (!s->filter)
    return true;
  size_t byte = (size_t)(cd_names_filter_block(h, s->nblocks) * CD_NAMES_FILTER_BLOCK);
  size_t c = byte / FILTER_CHUNK;
  if (!s->loaded[c]) {
    size_t off = c * FILTER_CHUNK, len = (size_t)(s->nblocks * CD_NAMES_FILTER_BLOCK) - off;
    if (len > FILTER_CHUNK)
      len = FILTER_CHUNK;
    s->loaded[c] =
        sqlite3_blob_read(s->blob, s->filter + off, (int)len, (int)off) == SQLITE_OK ? 1 : 2;
  }
  return s->loaded[c] == 2 || cd_names_filter_block_has(s->filter + byte, h);
}

static uint64_t get_le64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--)
    v = v << 8 | p[i];
  return v;
}

/* The header can be right while the bits are not (a truncated copy padded with zeros, a
 * disk error): a filter of zeros would silently hide every name. Hashing the whole sidecar
 * would read all of it, which the map is there to avoid; instead some blocks spread over it
 * are compared with the database's blob (a few 64-byte reads). */
enum { SIDECAR_SAMPLES = 64 };

static bool sidecar_agrees(names_src *s, const uint8_t *bits) {
  uint64_t nblocks = s->nblocks, step = nblocks > SIDECAR_SAMPLES ? nblocks / SIDECAR_SAMPLES : 1;
  uint8_t blk[CD_NAMES_FILTER_BLOCK];
  for (uint64_t b = 0; b < nblocks; b += step) {
    size_t off = (size_t)(b * CD_NAMES_FILTER_BLOCK);
    if (sqlite3_blob_read(s->blob, blk, CD_NAMES_FILTER_BLOCK, (int)off) != SQLITE_OK ||
        memcmp(blk, bits + off, CD_NAMES_FILTER_BLOCK) != 0)
      return false;
  }
  return true;
}

/* Maps "<path>.filter" when it holds this database's filter (same id and length) and drops
 * the blob reader; any mismatch or failure leaves the blob in use, silently: the sidecar
 * only saves time. The file is replaced by rename, never rewritten in place, so a map stays
 * valid while another compile runs. */
static void map_sidecar(names_src *s, const char *path) {
  if (!s->filter)
    return;
  sqlite3_stmt *m = NULL;
  uint64_t id = 0;
  bool have_id = false;
  if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key='filter_id'", -1, &m, NULL) ==
          SQLITE_OK &&
      sqlite3_step(m) == SQLITE_ROW && sqlite3_column_type(m, 0) == SQLITE_INTEGER) {
    id = (uint64_t)sqlite3_column_int64(m, 0);
    have_id = true;
  }
  sqlite3_finalize(m);
  size_t pl = strlen(path) + 8;
  char *fp = have_id ? malloc(pl) : NULL;
  if (!fp)
    return;
  snprintf(fp, pl, "%s.filter", path);
  int fd = open(fp, O_RDONLY | O_CLOEXEC);
  free(fp);
  if (fd < 0)
    return;
  struct stat sb;
  uint8_t head[24];
  size_t n = s->filter_len;
  if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
      (uint64_t)sb.st_size == CD_NAMES_SIDECAR_HEAD + (uint64_t)n &&
      pread(fd, head, sizeof head, 0) == (ssize_t)sizeof head &&
      memcmp(head, CD_NAMES_SIDECAR_MAGIC, 8) == 0 && get_le64(head + 8) == id &&
      get_le64(head + 16) == n) {
    void *p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_SHARED, fd, 0);
    if (p != MAP_FAILED && !sidecar_agrees(s, (const uint8_t *)p + CD_NAMES_SIDECAR_HEAD)) {
      munmap(p, (size_t)sb.st_size);
      p = MAP_FAILED; /* damaged or zeroed bits: the blob is the truth */
    }
    if (p != MAP_FAILED) {
      s->map = p;
      s->map_len = (size_t)sb.st_size;
      s->mapped = (const uint8_t *)p + CD_NAMES_SIDECAR_HEAD;
      munmap(s->filter, s->filter_len);
      s->filter = NULL;
      s->filter_len = 0;
      sqlite3_blob_close(s->blob);
      s->blob = NULL;
    }
  }
  close(fd);
}

static cd_status open_main(names_src *s, const char *path, cd_error *err) {
  if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    return !s->db || sqlite3_errcode(s->db) == SQLITE_NOMEM
               ? cd_error_set(err, CD_ERR_NOMEM, "%s: out of memory opening the names database",
                              path)
               : cd_error_set(err, CD_ERR_DATA, "%s: cannot open the names database: %s", path,
                              sqlite3_errmsg(s->db));
  /* a read-only data file: keep the shared lock (no lock/unlock syscalls per query). Not
   * memory-mapped: a scan over a large dictionary touches pages all over the file, and a
   * map keeps every one of them in the process (1.2 GB resident at 1M entities) for no gain
   * over reads through a 4 MB page cache (measured with tools/bench/names). */
  sqlite3_exec(s->db, "PRAGMA locking_mode=EXCLUSIVE; PRAGMA cache_size=-4096;", NULL, NULL, NULL);
  sqlite3_stmt *m = NULL;
  int rc = sqlite3_prepare_v2(s->db,
                              "SELECT (SELECT value FROM meta WHERE key='magic'), "
                              "(SELECT value FROM meta WHERE key='format')",
                              -1, &m, NULL);
  if (rc != SQLITE_OK) {
    cd_status st = db_open_err(s->db, path,
                               "corrupt or not a copydesk names database; rebuild it with "
                               "'copydesk names compile'",
                               err);
    sqlite3_finalize(m);
    return st;
  }
  cd_status st = CD_OK;
  if (sqlite3_step(m) != SQLITE_ROW || !sqlite3_column_text(m, 0) ||
      strcmp((const char *)sqlite3_column_text(m, 0), "copydesk-names") != 0)
    st = cd_error_set(err, CD_ERR_DATA, "%s: corrupt or not a copydesk names database", path);
  else if (sqlite3_column_int(m, 1) > CD_NAMES_FORMAT)
    st = cd_error_set(err, CD_ERR_DATA,
                      "%s: names database format %d is newer than this copydesk (%d); "
                      "upgrade copydesk or recompile the database",
                      path, sqlite3_column_int(m, 1), CD_NAMES_FORMAT);
  else if (sqlite3_column_int(m, 1) < 1)
    st = cd_error_set(err, CD_ERR_DATA, "%s: names database has no format version", path);
  else if (sqlite3_column_int(m, 1) < CD_NAMES_FORMAT)
    st = cd_error_set(err, CD_ERR_DATA,
                      "%s: names database format %d is older than this copydesk's (%d); "
                      "recompile it with 'copydesk names compile'",
                      path, sqlite3_column_int(m, 1), CD_NAMES_FORMAT);
  sqlite3_finalize(m);
  if (!st)
    st = src_prepare(s, path, err);
  if (!st)
    map_sidecar(s, path);
  return st;
}

typedef struct house_ctx {
  cd_names_writer *w;
} house_ctx;

static cd_status house_row(void *ud, cd_names_row *row, cd_error *err) {
  house_ctx *h = ud;
  return cd_names_writer_add(h->w, row, err);
}

static cd_status open_house(cd_names *db, const char *path, cd_error *err) {
  names_src *s = &db->house;
  if (sqlite3_open(":memory:", &s->db) != SQLITE_OK)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  cd_names_writer *w = NULL;
  sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL);
  cd_status st = cd_names_writer_new(s->db, db->k, true, &w, err);
  house_ctx h = {w};
  if (!st)
    st = cd_names_tsv_read(path, house_row, &h, err);
  if (!st)
    st = cd_names_writer_finish(w, NULL, err);
  cd_names_writer_free(w);
  sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
  if (!st)
    st = src_prepare(s, path, err);
  return st;
}

cd_status cd_names_open(const cd_names_options *o, cd_names **out, cd_error *err) {
  *out = NULL;
  cd_names *db = calloc(1, sizeof *db);
  if (!db)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  cd_status st = CD_OK;
  if (o->db_path) {
    FILE *f = fopen(o->db_path, "rb");
    if (!f)
      st = cd_error_set(err, CD_ERR_DATA, "%s: names database not found", o->db_path);
    else
      fclose(f);
    if (!st)
      st = open_main(&db->main, o->db_path, err);
  }
  if (!st)
    st = cd_names_keyer_new(o->translit_dir, &db->k, err);
  if (!st && o->house_file)
    st = open_house(db, o->house_file, err);
  if (st) {
    cd_names_free(db);
    return st;
  }
  *out = db;
  return CD_OK;
}

cd_status cd_names_open_dir(const char *data_dir, const char *house, cd_names **out, bool *had_db,
                            cd_error *err) {
  *out = NULL;
  char dbp[4096], tr[4096];
  int a = data_dir ? snprintf(dbp, sizeof dbp, "%s/names.sqlite", data_dir) : 0;
  int b = data_dir ? snprintf(tr, sizeof tr, "%s/translit", data_dir) : 0;
  if (a < 0 || b < 0 || (size_t)a >= sizeof dbp || (size_t)b >= sizeof tr)
    return cd_error_set(err, CD_ERR_USAGE, "%s: data directory path too long", data_dir);
  bool db = data_dir && access(dbp, R_OK) == 0;
  if (had_db)
    *had_db = db;
  if (!db && !house)
    return CD_OK;
  if (!data_dir)
    return cd_error_set(err, CD_ERR_USAGE,
                        "%s: the house overlay needs a data directory (its translit rules)", house);
  cd_names_options o;
  cd_names_options_init(&o);
  o.db_path = db ? dbp : NULL;
  o.house_file = house;
  o.translit_dir = tr;
  return cd_names_open(&o, out, err);
}

static uint64_t count_src(names_src *s) {
  if (!s->db)
    return 0;
  sqlite3_stmt *m = NULL;
  uint64_t n = 0;
  if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM entities", -1, &m, NULL) == SQLITE_OK &&
      sqlite3_step(m) == SQLITE_ROW)
    n = (uint64_t)sqlite3_column_int64(m, 0);
  sqlite3_finalize(m);
  return n;
}

uint64_t cd_names_count(cd_names *db) { return count_src(&db->main) + count_src(&db->house); }

bool cd_names_word_maybe(cd_names *db, const char *key, size_t len) {
  uint64_t h = cd_names_hash(key, len);
  names_src *all[2] = {&db->main, &db->house};
  for (int i = 0; i < 2; i++) {
    if (!all[i]->db)
      continue;
    if (src_filter_has(all[i], h))
      return true;
  }
  return false;
}

bool cd_names_key_maybe(cd_names *db, const char *key, size_t len, int kind) {
  uint64_t h = cd_names_mark_hash(CD_NAMES_MARK_KEY, 0, kind, key, len);
  names_src *all[2] = {&db->main, &db->house};
  for (int i = 0; i < 2; i++)
    if (all[i]->db && src_filter_has(all[i], h))
      return true;
  return false;
}

bool cd_names_infl_maybe(cd_names *db, const char *prefix, size_t len) {
  uint64_t h = cd_names_mark_hash(CD_NAMES_MARK_INFL, 0, 0, prefix, len);
  names_src *all[2] = {&db->main, &db->house};
  for (int i = 0; i < 2; i++) {
    if (!all[i]->db)
      continue;
    if (src_filter_has(all[i], h))
      return true;
  }
  return false;
}

static void fill_hit(cd_names_hit *h, bool house, sqlite3_stmt *row);

cd_status cd_names_prefix_lemmas(cd_names *db, const char *prefix, size_t plen,
                                 size_t max_key_bytes, cd_names_lemma_fn fn, void *ud,
                                 cd_error *err) {
  cd_buf_clear(&db->tmp2);
  if (cd_buf_append(&db->tmp2, prefix, plen) || cd_buf_append(&db->tmp2, "\xff", 1))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  names_src *all[2] = {&db->main, &db->house};
  for (int i = 0; i < 2; i++) {
    names_src *s = all[i];
    if (!s->db)
      continue;
    sqlite3_reset(s->prefix);
    sqlite3_bind_text(s->prefix, 1, prefix, (int)plen, SQLITE_TRANSIENT);
    sqlite3_bind_text(s->prefix, 2, db->tmp2.data, (int)db->tmp2.len, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s->prefix, 3, (sqlite3_int64)max_key_bytes);
    int rc;
    while ((rc = sqlite3_step(s->prefix)) == SQLITE_ROW) {
      const char *key = (const char *)sqlite3_column_text(s->prefix, 8);
      int part = sqlite3_column_int(s->prefix, 1);
      const char *lemma =
          (const char *)sqlite3_column_text(s->prefix, part == CD_PART_SURNAME ? 7 : 6);
      if (!key || !lemma || strchr(key, ' ') || strchr(lemma, ' '))
        continue;
      cd_names_hit h;
      fill_hit(&h, i == 1, s->prefix);
      h.level = CD_MATCH_EXACT;
      h.score = 1.0;
      fn(ud, &h, lemma);
    }
    sqlite3_reset(s->prefix);
    if (rc != SQLITE_DONE)
      return cd_error_set(err, CD_ERR_DB, "names database: %s", sqlite3_errmsg(s->db));
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
typedef bool (*row_fn)(void *ud, names_src *s, bool house, sqlite3_int64 eid, int part);

/* Queries one key (rows of a full name or surname; only surnames when want_part is
 * CD_PART_SURNAME) in both sources, each only when its key filter has the key. */
static cd_status query_key(cd_names *db, const char *key, size_t klen, int kind, int want_part,
                           row_fn fn, void *ud, cd_error *err) {
  names_src *all[2] = {&db->main, &db->house};
  uint64_t h = cd_names_mark_hash(
      want_part == CD_PART_SURNAME ? CD_NAMES_MARK_SURNAME : CD_NAMES_MARK_KEY, 0, kind, key, klen);
  for (int i = 0; i < 2; i++) {
    names_src *s = all[i];
    if (!s->db || !src_filter_has(s, h))
      continue;
    int rc = SQLITE_DONE;
    if (kind == CD_KEY_SKEL) {
      sqlite3_int64 eids[CD_NAMES_SKEL_MAX + 1];
      int parts[CD_NAMES_SKEL_MAX + 1], nr = 0;
      sqlite3_stmt *q = s->by_skel;
      sqlite3_reset(q);
      sqlite3_bind_text(q, 1, key, (int)klen, SQLITE_TRANSIENT);
      sqlite3_bind_int(q, 2, kind);
      while (nr <= CD_NAMES_SKEL_MAX && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        eids[nr] = sqlite3_column_int64(q, 0);
        parts[nr++] = sqlite3_column_int(q, 1);
      }
      if (nr <= CD_NAMES_SKEL_MAX && rc != SQLITE_DONE) {
        sqlite3_reset(q);
        return cd_error_set(err, CD_ERR_DB, "names database: %s", sqlite3_errmsg(s->db));
      }
      sqlite3_reset(q);
      for (int r = 0; nr <= CD_NAMES_SKEL_MAX && r < nr; r++)
        if (parts[r] < 2 && !fn(ud, s, i == 1, eids[r], parts[r]))
          return CD_OK;
      continue;
    }
    sqlite3_stmt *q = s->by_key;
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, key, (int)klen, SQLITE_TRANSIENT);
    sqlite3_bind_int(q, 2, kind);
    bool more = true;
    while (more && (rc = sqlite3_step(q)) == SQLITE_ROW)
      more = fn(ud, s, i == 1, sqlite3_column_int64(q, 0), sqlite3_column_int(q, 1));
    sqlite3_reset(q);
    if (!more)
      return CD_OK;
    if (rc != SQLITE_DONE)
      return cd_error_set(err, CD_ERR_DB, "names database: %s", sqlite3_errmsg(s->db));
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

static bool given_ok(names_src *s, sqlite3_int64 eid, const collect *c) {
  for (size_t off = 0; off < c->gkeys_len;) {
    const char *k = c->gkeys + off;
    size_t l = strlen(k);
    off += l + 1;
    if (l < 2 ||
        !src_filter_has(s, cd_names_mark_hash(CD_NAMES_MARK_GIVEN, eid, k[0] - '0', k + 1, l - 1)))
      continue;
    sqlite3_reset(s->given_chk);
    sqlite3_bind_text(s->given_chk, 1, k + 1, (int)(l - 1), SQLITE_STATIC);
    sqlite3_bind_int(s->given_chk, 2, k[0] - '0');
    sqlite3_bind_int64(s->given_chk, 3, eid);
    bool ok = sqlite3_step(s->given_chk) == SQLITE_ROW;
    sqlite3_reset(s->given_chk);
    if (ok)
      return true;
  }
  return false;
}

static void fill_hit(cd_names_hit *h, bool house, sqlite3_stmt *row) {
  memset(h, 0, sizeof *h);
  h->entity = sqlite3_column_int64(row, 0);
  h->part = (cd_match_part)sqlite3_column_int(row, 1);
  snprintf(h->id, sizeof h->id, "%s", (const char *)sqlite3_column_text(row, 2));
  snprintf(h->type, sizeof h->type, "%s", (const char *)sqlite3_column_text(row, 3));
  h->historical = sqlite3_column_int(row, 4) != 0;
  h->house = house;
}

/* The entity columns of eid through the cache; NULL when the row is missing (a key row
 * always has its entity: one transaction writes both) or memory ran out. */
static ent_ent *ent_get(names_src *s, sqlite3_int64 eid) {
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
  sqlite3_reset(s->ent);
  sqlite3_bind_int64(s->ent, 1, eid);
  if (sqlite3_step(s->ent) != SQLITE_ROW) {
    sqlite3_reset(s->ent);
    return NULL;
  }
  const char *id = (const char *)sqlite3_column_text(s->ent, 0);
  const char *type = (const char *)sqlite3_column_text(s->ent, 1);
  const char *canon = (const char *)sqlite3_column_text(s->ent, 3);
  snprintf(e->id, sizeof e->id, "%s", id ? id : "");
  snprintf(e->type, sizeof e->type, "%s", type ? type : "");
  e->historical = sqlite3_column_int(s->ent, 2) != 0;
  e->canon = strdup(canon ? canon : "");
  sqlite3_reset(s->ent);
  if (!e->canon)
    return NULL;
  e->eid = eid;
  return e;
}

/* A hit from a key row (eid, part), the entity's columns through the cache; false when the
 * entity is missing (the row is skipped, as a join would). */
static bool fill_key_hit(names_src *s, cd_names_hit *h, bool house, sqlite3_int64 eid, int part) {
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
static bool collect_row(void *ud, names_src *s, bool house, sqlite3_int64 eid, int part) {
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
    if (!s->db)
      continue;
    if (!s->pairs)
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

static sqlite3_int64 eid_in(names_src *s, const char *id) {
  if (!s->db)
    return 0;
  sqlite3_reset(s->by_id);
  sqlite3_bind_text(s->by_id, 1, id, -1, SQLITE_TRANSIENT);
  return sqlite3_step(s->by_id) == SQLITE_ROW ? sqlite3_column_int64(s->by_id, 0) : 0;
}

/* The canonical form of entity eid in lang (its surname for CD_PART_SURNAME when it has
 * one), from the entity row's canon column. */
static bool canon_in(names_src *s, sqlite3_int64 eid, const char *lang, cd_match_part part,
                     cd_buf *out) {
  if (!s->db || !eid)
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
  sqlite3_int64 he = hit->house ? hit->entity : eid_in(&db->house, hit->id);
  sqlite3_int64 me = hit->house ? eid_in(&db->main, hit->id) : hit->entity;
  const char *langs[2] = {lang && *lang ? lang : "en", "en"};
  for (int i = 0; i < 2; i++) {
    if (canon_in(&db->house, he, langs[i], part, out))
      return CD_OK;
    if (canon_in(&db->main, me, langs[i], part, out))
      return CD_OK;
  }
  return cd_error_set(err, CD_ERR_INPUT, "%s: no canonical form", hit->id);
}

/* Each row of st to fn; a step that fails (a busy or corrupt database) is an error naming
 * the database, never a shorter list. */
static cd_status each_rows(names_src *src, sqlite3_stmt *st, cd_names_form_fn fn, void *ud,
                           int ncols, cd_error *err) {
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (ncols == 3)
      fn(ud, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
         (const char *)sqlite3_column_text(st, 2));
    else
      fn(ud, "", "", (const char *)sqlite3_column_text(st, 0));
  }
  sqlite3_reset(st);
  return rc == SQLITE_DONE
             ? CD_OK
             : cd_error_set(err, CD_ERR_DB, "names database: %s", sqlite3_errmsg(src->db));
}

cd_status cd_names_forms(cd_names *db, const cd_names_hit *hit, cd_names_form_fn fn, void *ud,
                         cd_error *err) {
  sqlite3_int64 he = hit->house ? hit->entity : eid_in(&db->house, hit->id);
  sqlite3_int64 me = hit->house ? eid_in(&db->main, hit->id) : hit->entity;
  names_src *all[2] = {&db->house, &db->main};
  sqlite3_int64 eids[2] = {he, me};
  for (int i = 0; i < 2; i++) {
    if (!all[i]->db || !eids[i])
      continue;
    sqlite3_reset(all[i]->forms);
    sqlite3_bind_int64(all[i]->forms, 1, eids[i]);
    cd_status st = each_rows(all[i], all[i]->forms, fn, ud, 3, err);
    if (st)
      return st;
  }
  return CD_OK;
}

cd_status cd_names_context(cd_names *db, const cd_names_hit *hit, const char *key,
                           cd_names_form_fn fn, void *ud, cd_error *err) {
  sqlite3_int64 he = hit->house ? hit->entity : eid_in(&db->house, hit->id);
  sqlite3_int64 me = hit->house ? eid_in(&db->main, hit->id) : hit->entity;
  names_src *all[2] = {&db->house, &db->main};
  sqlite3_int64 eids[2] = {he, me};
  for (int i = 0; i < 2; i++) {
    if (!all[i]->db || !eids[i])
      continue;
    sqlite3_reset(all[i]->ctx);
    sqlite3_bind_int64(all[i]->ctx, 1, eids[i]);
    sqlite3_bind_text(all[i]->ctx, 2, key, -1, SQLITE_TRANSIENT);
    cd_status st = each_rows(all[i], all[i]->ctx, fn, ud, 1, err);
    if (st)
      return st;
  }
  return CD_OK;
}

/* Export needs raw access to the sources. */
sqlite3 *cd_names__main_db(cd_names *db);
sqlite3 *cd_names__house_db(cd_names *db);
sqlite3 *cd_names__main_db(cd_names *db) { return db->main.db; }
sqlite3 *cd_names__house_db(cd_names *db) { return db->house.db; }
