/* SPDX-License-Identifier: MIT */
/* names_store.h — the storage under one source of a cd_names handle (not public).
 *
 * db.c holds the lookup logic (key filter tests, scoring, the entity cache, canonical
 * forms) once; a source answers only the storage queries below. Two stores implement them:
 * a names.sqlite file or the in-memory house overlay (db_sqlite.c) and a PostgreSQL database
 * (db_pg.c). Every query returns the rows in the same order on both, so lookups give the
 * same hits. */
#ifndef CD_NAMES_STORE_H
#define CD_NAMES_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "cd_names.h"

/* One key row (eid, part); false stops the query (nothing more of this key can matter). */
typedef bool (*names_key_row_fn)(void *ud, int64_t eid, int part);

/* One row of the prefix query: a key row of a full name or surname with its entity and form. */
typedef struct names_lemma_row {
  int64_t eid;
  int part;
  const char *id, *type, *form, *surname, *key;
  bool historical;
} names_lemma_row;
typedef cd_status (*names_lemma_row_fn)(void *ud, const names_lemma_row *r, cd_error *err);

/* An entity row: id, type, status and entities.canon (names_internal.h). */
typedef struct names_entity_row {
  const char *id, *type, *canon;
  bool historical;
} names_entity_row;
typedef cd_status (*names_entity_fn)(void *ud, const names_entity_row *r);

typedef struct names_store_ops {
  /* The rows of (key, kind) in (part, eid, fid) order: with skel every part, at most
   * CD_NAMES_SKEL_MAX + 1 rows; else parts 0 and 1, at most 512 rows. */
  cd_status (*keys)(void *impl, const char *key, size_t klen, int kind, bool skel,
                    names_key_row_fn fn, void *ud, cd_error *err);
  /* The entity row of eid to fn; *found false (fn not called) when there is none. */
  cd_status (*entity)(void *impl, int64_t eid, names_entity_fn fn, void *ud, bool *found,
                      cd_error *err);
  /* The eid of entity id; 0 when none (or on an error: the caller then finds nothing). */
  int64_t (*eid_of)(void *impl, const char *id);
  /* Whether entity eid has (key, kind) as a given name. */
  bool (*has_given)(void *impl, const char *key, size_t klen, int kind, int64_t eid);
  /* The forms of eid in fid order: fn(lang, kind, form). */
  cd_status (*forms)(void *impl, int64_t eid, cd_names_form_fn fn, void *ud, cd_error *err);
  /* The context values of (eid, key) in the order written: fn("", "", value). */
  cd_status (*context)(void *impl, int64_t eid, const char *key, cd_names_form_fn fn, void *ud,
                       cd_error *err);
  /* At most 32 fold key rows (kind 1, parts 0 and 1) whose key starts with prefix and is
   * at most max_key_bytes long, in (key, kind, part, eid, fid) order. */
  cd_status (*prefix)(void *impl, const char *prefix, size_t plen, size_t max_key_bytes,
                      names_lemma_row_fn fn, void *ud, cd_error *err);
  uint64_t (*count)(void *impl);
  /* Reads filter bytes [off, off + len) into dst (a store that loads the whole filter at
   * open leaves it NULL). */
  bool (*filter_read)(void *impl, uint8_t *dst, size_t len, size_t off);
  void (*close)(void *impl);
} names_store_ops;

/* The key filter of a source: read lazily in chunks (bits, loaded), mapped from a sidecar
 * (mapped), or loaded whole at open (every chunk marked loaded). nblocks 0: no filter,
 * every key may exist. */
typedef struct names_filter {
  uint8_t *bits; /* zero until a chunk is read (anonymous map: untouched pages cost nothing) */
  size_t bits_len;
  uint8_t *loaded;       /* per chunk: 0 not read, 1 read, 2 unreadable (every key may exist) */
  const uint8_t *mapped; /* the filter in a sidecar's map (then bits is NULL) */
  void *map;
  size_t map_len;
  uint64_t nblocks;
  bool pairs; /* the filter has CD_NAMES_MARK_PAIR marks */
} names_filter;

/* Zeroed filter memory for n bytes (a multiple of CD_NAMES_FILTER_BLOCK), every chunk
 * unread. */
cd_status cd_names__filter_alloc(names_filter *f, size_t n, cd_error *err);
/* Marks every chunk read (the caller filled f->bits). */
void cd_names__filter_all_loaded(names_filter *f);
void cd_names__filter_free(names_filter *f);

/* Checks a store's format version against CD_NAMES_FORMAT (label names the store). */
cd_status cd_names__check_format(int format, const char *label, cd_error *err);

/* ---- db_sqlite.c ------------------------------------------------------------------------ */

/* Opens a names.sqlite file read-only (its filter read lazily or mapped from its sidecar). */
cd_status cd_names__sqlite_open(const char *path, names_filter *f, const names_store_ops **ops,
                                void **impl, cd_error *err);
/* Compiles the house overlay TSV at path into memory. */
cd_status cd_names__sqlite_house(const char *path, cd_names_keyer *k, names_filter *f,
                                 const names_store_ops **ops, void **impl, cd_error *err);
/* The SQLite handle of a SQLite source; NULL for any other store (export reads it). */
sqlite3 *cd_names__sqlite_db(const names_store_ops *ops, void *impl);

/* The SQLite handles of a handle's sources (NULL: none, or not SQLite) and the redacted URL
 * of its PostgreSQL store (NULL: none), for export. */
sqlite3 *cd_names__main_db(cd_names *db);
sqlite3 *cd_names__house_db(cd_names *db);
const char *cd_names__main_url(cd_names *db);

/* ---- db_pg.c ---------------------------------------------------------------------------- */

/* "postgresql://" or "postgres://" */
bool cd_names_is_url(const char *location);
/* Opens the names store of a PostgreSQL database read-only: its current generation is
 * pinned for the session (see db_pg.c), its key filter loaded into f. *label gets the URL
 * without its password (malloc'd; the caller frees it). */
cd_status cd_names__pg_open(const char *url, names_filter *f, const names_store_ops **ops,
                            void **impl, char **label, cd_error *err);

#endif
