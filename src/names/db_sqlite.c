/* SPDX-License-Identifier: MIT */
/* The SQLite names store (names_store.h): a compiled names.sqlite file, opened read-only,
 * or the house overlay compiled into memory. Its key filter is read lazily, in chunks,
 * straight from its blob (a single lookup touches a handful of chunks instead of reading
 * MBs at open), or mapped from its sidecar file. */
#include "names_internal.h"
#include "names_store.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct names_sq {
  sqlite3 *db;
  sqlite3_blob *blob; /* the filter, while it is read in chunks */
  sqlite3_stmt *by_key, *by_skel, *forms, *ctx, *by_id, *prefix, *given_chk, *ent;
} names_sq;

static void sq_close(void *impl) {
  names_sq *s = impl;
  if (!s)
    return;
  sqlite3_finalize(s->by_key);
  sqlite3_finalize(s->by_skel);
  sqlite3_finalize(s->forms);
  sqlite3_finalize(s->ctx);
  sqlite3_finalize(s->by_id);
  sqlite3_finalize(s->prefix);
  sqlite3_finalize(s->given_chk);
  sqlite3_finalize(s->ent);
  if (s->blob)
    sqlite3_blob_close(s->blob);
  if (s->db)
    sqlite3_close(s->db);
  free(s);
}

static cd_status sq_err(names_sq *s, cd_error *err) {
  return cd_error_set(err, CD_ERR_DB, "names database: %s", sqlite3_errmsg(s->db));
}

static cd_status sq_keys(void *impl, const char *key, size_t klen, int kind, bool skel,
                         names_key_row_fn fn, void *ud, cd_error *err) {
  names_sq *s = impl;
  sqlite3_stmt *q = skel ? s->by_skel : s->by_key;
  sqlite3_reset(q);
  sqlite3_bind_text(q, 1, key, (int)klen, SQLITE_TRANSIENT);
  sqlite3_bind_int(q, 2, kind);
  int rc = SQLITE_DONE;
  bool more = true;
  while (more && (rc = sqlite3_step(q)) == SQLITE_ROW)
    more = fn(ud, sqlite3_column_int64(q, 0), sqlite3_column_int(q, 1));
  cd_status st = more && rc != SQLITE_DONE ? sq_err(s, err) : CD_OK;
  sqlite3_reset(q);
  return st;
}

static cd_status sq_entity(void *impl, int64_t eid, names_entity_fn fn, void *ud, bool *found,
                           cd_error *err) {
  names_sq *s = impl;
  sqlite3_reset(s->ent);
  sqlite3_bind_int64(s->ent, 1, eid);
  int rc = sqlite3_step(s->ent);
  *found = rc == SQLITE_ROW;
  cd_status st = CD_OK;
  if (*found) {
    names_entity_row r = {
        (const char *)sqlite3_column_text(s->ent, 0), (const char *)sqlite3_column_text(s->ent, 1),
        (const char *)sqlite3_column_text(s->ent, 3), sqlite3_column_int(s->ent, 2) != 0};
    st = fn(ud, &r);
  } else if (rc != SQLITE_DONE)
    st = sq_err(s, err);
  sqlite3_reset(s->ent);
  return st;
}

static int64_t sq_eid_of(void *impl, const char *id) {
  names_sq *s = impl;
  sqlite3_reset(s->by_id);
  sqlite3_bind_text(s->by_id, 1, id, -1, SQLITE_TRANSIENT);
  int64_t eid = sqlite3_step(s->by_id) == SQLITE_ROW ? sqlite3_column_int64(s->by_id, 0) : 0;
  sqlite3_reset(s->by_id);
  return eid;
}

static bool sq_has_given(void *impl, const char *key, size_t klen, int kind, int64_t eid) {
  names_sq *s = impl;
  sqlite3_reset(s->given_chk);
  sqlite3_bind_text(s->given_chk, 1, key, (int)klen, SQLITE_STATIC);
  sqlite3_bind_int(s->given_chk, 2, kind);
  sqlite3_bind_int64(s->given_chk, 3, eid);
  bool ok = sqlite3_step(s->given_chk) == SQLITE_ROW;
  sqlite3_reset(s->given_chk);
  return ok;
}

/* Each row of st to fn; a step that fails (a busy or corrupt database) is an error naming
 * the database, never a shorter list. */
static cd_status each_rows(names_sq *s, sqlite3_stmt *st, cd_names_form_fn fn, void *ud, int ncols,
                           cd_error *err) {
  int rc;
  cd_status res = CD_OK;
  while (!res && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (ncols == 3)
      res =
          fn(ud, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
             (const char *)sqlite3_column_text(st, 2), err);
    else
      res = fn(ud, "", "", (const char *)sqlite3_column_text(st, 0), err);
  }
  if (!res && rc != SQLITE_DONE)
    res = sq_err(s, err);
  sqlite3_reset(st);
  return res;
}

static cd_status sq_forms(void *impl, int64_t eid, cd_names_form_fn fn, void *ud, cd_error *err) {
  names_sq *s = impl;
  sqlite3_reset(s->forms);
  sqlite3_bind_int64(s->forms, 1, eid);
  return each_rows(s, s->forms, fn, ud, 3, err);
}

static cd_status sq_context(void *impl, int64_t eid, const char *key, cd_names_form_fn fn, void *ud,
                            cd_error *err) {
  names_sq *s = impl;
  sqlite3_reset(s->ctx);
  sqlite3_bind_int64(s->ctx, 1, eid);
  sqlite3_bind_text(s->ctx, 2, key, -1, SQLITE_TRANSIENT);
  return each_rows(s, s->ctx, fn, ud, 1, err);
}

static cd_status sq_prefix(void *impl, const char *prefix, size_t plen, size_t max_key_bytes,
                           names_lemma_row_fn fn, void *ud, cd_error *err) {
  names_sq *s = impl;
  char *hi = malloc(plen + 1);
  if (!hi)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  memcpy(hi, prefix, plen);
  hi[plen] = '\xff';
  sqlite3_stmt *q = s->prefix;
  sqlite3_reset(q);
  sqlite3_bind_text(q, 1, prefix, (int)plen, SQLITE_TRANSIENT);
  sqlite3_bind_text(q, 2, hi, (int)plen + 1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(q, 3, (sqlite3_int64)max_key_bytes);
  free(hi);
  int rc;
  cd_status st = CD_OK;
  while (!st && (rc = sqlite3_step(q)) == SQLITE_ROW) {
    names_lemma_row r = {sqlite3_column_int64(q, 0),
                         sqlite3_column_int(q, 1),
                         (const char *)sqlite3_column_text(q, 2),
                         (const char *)sqlite3_column_text(q, 3),
                         (const char *)sqlite3_column_text(q, 6),
                         (const char *)sqlite3_column_text(q, 7),
                         (const char *)sqlite3_column_text(q, 8),
                         sqlite3_column_int(q, 4) != 0};
    st = fn(ud, &r, err);
  }
  if (!st && rc != SQLITE_DONE)
    st = sq_err(s, err);
  sqlite3_reset(q);
  return st;
}

static uint64_t sq_count(void *impl) {
  names_sq *s = impl;
  sqlite3_stmt *m = NULL;
  uint64_t n = 0;
  if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM entities", -1, &m, NULL) == SQLITE_OK &&
      sqlite3_step(m) == SQLITE_ROW)
    n = (uint64_t)sqlite3_column_int64(m, 0);
  sqlite3_finalize(m);
  return n;
}

static bool sq_filter_read(void *impl, uint8_t *dst, size_t len, size_t off) {
  names_sq *s = impl;
  return s->blob && sqlite3_blob_read(s->blob, dst, (int)len, (int)off) == SQLITE_OK;
}

static const names_store_ops sq_ops = {sq_keys,    sq_entity, sq_eid_of, sq_has_given,   sq_forms,
                                       sq_context, sq_prefix, sq_count,  sq_filter_read, sq_close};

sqlite3 *cd_names__sqlite_db(const names_store_ops *ops, void *impl) {
  return ops == &sq_ops && impl ? ((names_sq *)impl)->db : NULL;
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

static cd_status sq_prepare(names_sq *s, names_filter *f, const char *label, cd_error *err) {
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
    else
      st = cd_names__filter_alloc(f, (size_t)n, err);
  }
  sqlite3_finalize(m);
  m = NULL;
  if (!st && f->nblocks &&
      sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key='pair_marks'", -1, &m, NULL) ==
          SQLITE_OK &&
      sqlite3_step(m) == SQLITE_ROW)
    f->pairs = sqlite3_column_int(m, 0) == 1;
  sqlite3_finalize(m);
  return st;
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

static bool sidecar_agrees(names_sq *s, const names_filter *f, const uint8_t *bits) {
  uint64_t nblocks = f->nblocks, step = nblocks > SIDECAR_SAMPLES ? nblocks / SIDECAR_SAMPLES : 1;
  uint8_t blk[CD_NAMES_FILTER_BLOCK];
  for (uint64_t b = 0; b < nblocks; b += step) {
    size_t off = (size_t)(b * CD_NAMES_FILTER_BLOCK);
    if (sqlite3_blob_read(s->blob, blk, CD_NAMES_FILTER_BLOCK, (int)off) != SQLITE_OK ||
        memcmp(blk, bits + off, CD_NAMES_FILTER_BLOCK) != 0)
      return false;
  }
  return true;
}

/* The filter id of meta 'filter_id'; false when there is none. */
static bool filter_id(names_sq *s, uint64_t *id) {
  sqlite3_stmt *m = NULL;
  bool have = false;
  if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key='filter_id'", -1, &m, NULL) ==
          SQLITE_OK &&
      sqlite3_step(m) == SQLITE_ROW && sqlite3_column_type(m, 0) == SQLITE_INTEGER) {
    *id = (uint64_t)sqlite3_column_int64(m, 0);
    have = true;
  }
  sqlite3_finalize(m);
  return have;
}

/* Maps "<path>.filter" when it holds this database's filter (same id and length) and drops
 * the blob reader; any mismatch or failure leaves the blob in use, silently: the sidecar
 * only saves time. The file is replaced by rename, never rewritten in place, so a map stays
 * valid while another compile runs. */
static void map_sidecar(names_sq *s, names_filter *f, const char *path) {
  uint64_t id = 0;
  if (!f->bits || !filter_id(s, &id))
    return;
  size_t pl = strlen(path) + 8;
  char *fp = malloc(pl);
  if (!fp)
    return;
  snprintf(fp, pl, "%s.filter", path);
  int fd = open(fp, O_RDONLY | O_CLOEXEC);
  free(fp);
  if (fd < 0)
    return;
  struct stat sb;
  uint8_t head[24];
  size_t n = f->bits_len;
  if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
      (uint64_t)sb.st_size == CD_NAMES_SIDECAR_HEAD + (uint64_t)n &&
      pread(fd, head, sizeof head, 0) == (ssize_t)sizeof head &&
      memcmp(head, CD_NAMES_SIDECAR_MAGIC, 8) == 0 && get_le64(head + 8) == id &&
      get_le64(head + 16) == n) {
    void *p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_SHARED, fd, 0);
    if (p != MAP_FAILED && !sidecar_agrees(s, f, (const uint8_t *)p + CD_NAMES_SIDECAR_HEAD)) {
      munmap(p, (size_t)sb.st_size);
      p = MAP_FAILED; /* damaged or zeroed bits: the blob is the truth */
    }
    if (p != MAP_FAILED) {
      f->map = p;
      f->map_len = (size_t)sb.st_size;
      f->mapped = (const uint8_t *)p + CD_NAMES_SIDECAR_HEAD;
      munmap(f->bits, f->bits_len);
      f->bits = NULL;
      f->bits_len = 0;
      sqlite3_blob_close(s->blob);
      s->blob = NULL;
    }
  }
  close(fd);
}

static cd_status check_magic(names_sq *s, const char *path, cd_error *err) {
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
  else
    st = cd_names__check_format(sqlite3_column_int(m, 1), path, err);
  sqlite3_finalize(m);
  return st;
}

cd_status cd_names__sqlite_open(const char *path, names_filter *f, const names_store_ops **ops,
                                void **impl, cd_error *err) {
  names_sq *s = calloc(1, sizeof *s);
  if (!s)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  *ops = &sq_ops;
  *impl = s;
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
  cd_status st = check_magic(s, path, err);
  if (!st)
    st = sq_prepare(s, f, path, err);
  if (!st)
    map_sidecar(s, f, path);
  return st;
}

typedef struct house_ctx {
  cd_names_writer *w;
} house_ctx;

static cd_status house_row(void *ud, cd_names_row *row, cd_error *err) {
  house_ctx *h = ud;
  return cd_names_writer_add(h->w, row, err);
}

cd_status cd_names__sqlite_house(const char *path, cd_names_keyer *k, names_filter *f,
                                 const names_store_ops **ops, void **impl, cd_error *err) {
  names_sq *s = calloc(1, sizeof *s);
  if (!s)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  *ops = &sq_ops;
  *impl = s;
  if (sqlite3_open(":memory:", &s->db) != SQLITE_OK)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  cd_names_writer *w = NULL;
  sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL);
  cd_status st = cd_names_writer_new(s->db, k, true, &w, err);
  house_ctx h = {w};
  if (!st)
    st = cd_names_tsv_read(path, house_row, &h, err);
  if (!st)
    st = cd_names_writer_finish(w, NULL, err);
  cd_names_writer_free(w);
  sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
  if (!st)
    st = sq_prepare(s, f, path, err);
  return st;
}
