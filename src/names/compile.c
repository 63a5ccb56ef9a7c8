/* SPDX-License-Identifier: MIT */
/* Compiling TSV sources into names.sqlite: entities, forms, context and keys, one index per
 * lookup key, and a key filter (names_internal.h) so that the stage can reject most
 * capitalized words without a query. All writes in one transaction. */
#include "names_internal.h"

#include "cd_strmap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unicode/uscript.h>
#include <unistd.h>

/* The seed of the names filter's hashes (FNV-1a from this value rather than the usual basis):
 * compiled stores carry these values, so it stays as it was first written. */
#define NAMES_HASH_SEED 1469598103934665603ULL

static const char schema[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB);"
    "CREATE TABLE entities(eid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,"
    " historical INTEGER NOT NULL DEFAULT 0, src TEXT, canon TEXT);"
    "CREATE TABLE forms(fid INTEGER PRIMARY KEY, eid INTEGER NOT NULL, lang TEXT NOT NULL,"
    " kind TEXT NOT NULL, script TEXT NOT NULL, form TEXT NOT NULL, surname TEXT);"
    "CREATE INDEX forms_eid ON forms(eid, kind, lang);"
    "CREATE TABLE context(eid INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL);"
    "CREATE INDEX context_eid ON context(eid, key);"
    /* the lookup index is the table itself (no rowid, no second copy of every key) */
    "CREATE TABLE keys(key TEXT NOT NULL, kind INTEGER NOT NULL, part INTEGER NOT NULL,"
    " eid INTEGER NOT NULL, fid INTEGER NOT NULL,"
    " PRIMARY KEY(key, kind, part, eid, fid)) WITHOUT ROWID;";

struct cd_names_writer {
  sqlite3 *db;
  cd_names_keyer *k;
  bool overlay;
  sqlite3_stmt *find_id, *ins_ent, *ins_form, *ins_ctx, *ins_key;
  uint64_t *hashes;
  size_t n_hashes, cap_hashes;
  cd_buf fold, ascii, skel, tmp;
  /* keys already written for the current entity: a set for the dedup ("kind part key"),
   * and the given and surname keys ("key\0" each) for the pair marks, so that an entity
   * with thousands of variants costs linear time, not a scan of all its keys per key */
  cd_strmap *seen;
  cd_buf given, surnames, seen_key;
};

static uint64_t hash_mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

uint64_t cd_names_hash(const char *s, size_t n) {
  return hash_mix(cd_hash_more(NAMES_HASH_SEED, s, n)); /* FNV-1a, then a final mix */
}

uint64_t cd_names_mark_hash(int mark, int64_t eid, int kind, const char *s, size_t n) {
  uint64_t h = cd_hash_byte(NAMES_HASH_SEED, (uint8_t)mark);
  if (mark == CD_NAMES_MARK_GIVEN)
    for (int i = 0; i < 8; i++)
      h = cd_hash_byte(h, (uint8_t)((uint64_t)eid >> (8 * i)));
  if (mark != CD_NAMES_MARK_INFL)
    h = cd_hash_byte(h, (uint8_t)kind);
  return hash_mix(cd_hash_more(h, s, n));
}

uint64_t cd_names_pair_hash(const char *given, size_t gl, const char *surname, size_t sl) {
  uint64_t h = cd_hash_byte(NAMES_HASH_SEED, (uint8_t)CD_NAMES_MARK_PAIR);
  h = cd_hash_byte(cd_hash_more(h, given, gl), 0x1F);
  return hash_mix(cd_hash_more(h, surname, sl));
}

uint64_t cd_names_filter_block(uint64_t h, uint64_t nblocks) {
  return ((h >> 32) * nblocks) >> 32; /* nblocks < 2^32 */
}

/* CD_NAMES_FILTER_K positions of 9 bits each, from a second mix of h (the block came from
 * its high half) */
static uint64_t block_bits(uint64_t h) { return hash_mix(h * 0x9E3779B97F4A7C15ULL + 1); }

bool cd_names_filter_block_has(const uint8_t *block, uint64_t h) {
  uint64_t x = block_bits(h);
  for (int i = 0; i < CD_NAMES_FILTER_K; i++) {
    unsigned b = (unsigned)(x >> (9 * i)) & 511;
    if (!(block[b >> 3] & (1u << (b & 7))))
      return false;
  }
  return true;
}

void cd_names_filter_block_add(uint8_t *block, uint64_t h) {
  uint64_t x = block_bits(h);
  for (int i = 0; i < CD_NAMES_FILTER_K; i++) {
    unsigned b = (unsigned)(x >> (9 * i)) & 511;
    block[b >> 3] |= (uint8_t)(1u << (b & 7));
  }
}

static cd_status db_err(sqlite3 *db, cd_error *err, const char *what) {
  return cd_error_set(err, CD_ERR_DB, "names database: %s: %s", what, sqlite3_errmsg(db));
}

cd_status cd_names_writer_new(sqlite3 *db, cd_names_keyer *k, bool overlay, cd_names_writer **out,
                              cd_error *err) {
  *out = NULL;
  cd_names_writer *w = calloc(1, sizeof *w);
  if (!w)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  w->db = db;
  w->k = k;
  w->overlay = overlay;
  if (sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "SELECT src FROM entities WHERE id=?", -1, &w->find_id, NULL) ||
      sqlite3_prepare_v2(db, "INSERT INTO entities(id,type,historical,src,canon) VALUES(?,?,?,?,?)",
                         -1, &w->ins_ent, NULL) ||
      sqlite3_prepare_v2(db,
                         "INSERT INTO forms(eid,lang,kind,script,form,surname) "
                         "VALUES(?,?,?,?,?,?)",
                         -1, &w->ins_form, NULL) ||
      sqlite3_prepare_v2(db, "INSERT INTO context(eid,key,value) VALUES(?,?,?)", -1, &w->ins_ctx,
                         NULL) ||
      sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO keys(key,kind,part,eid,fid) VALUES(?,?,?,?,?)",
                         -1, &w->ins_key, NULL)) {
    cd_status st = db_err(db, err, "creating the schema");
    cd_names_writer_free(w);
    return st;
  }
  *out = w;
  return CD_OK;
}

void cd_names_writer_free(cd_names_writer *w) {
  if (!w)
    return;
  sqlite3_finalize(w->find_id);
  sqlite3_finalize(w->ins_ent);
  sqlite3_finalize(w->ins_form);
  sqlite3_finalize(w->ins_ctx);
  sqlite3_finalize(w->ins_key);
  free(w->hashes);
  cd_buf_free(&w->fold);
  cd_buf_free(&w->ascii);
  cd_buf_free(&w->skel);
  cd_buf_free(&w->tmp);
  cd_strmap_free(w->seen);
  cd_buf_free(&w->given);
  cd_buf_free(&w->surnames);
  cd_buf_free(&w->seen_key);
  free(w);
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* Sorts the filter's hashes and drops repeats (a common given name is in thousands of
 * entities): the filter is sized by distinct keys. */
static void hashes_unique(cd_names_writer *w) {
  if (w->n_hashes < 2)
    return;
  qsort(w->hashes, w->n_hashes, sizeof *w->hashes, cmp_u64);
  size_t k = 1;
  for (size_t i = 1; i < w->n_hashes; i++)
    if (w->hashes[i] != w->hashes[k - 1])
      w->hashes[k++] = w->hashes[i];
  w->n_hashes = k;
}

static cd_status push_hash(cd_names_writer *w, uint64_t h) {
  if (w->n_hashes == w->cap_hashes) {
    /* repeats out first; grow only when the distinct ones fill half of it */
    hashes_unique(w);
    if (w->n_hashes >= w->cap_hashes / 2) {
      size_t cap = w->cap_hashes ? w->cap_hashes * 2 : 4096;
      uint64_t *p = realloc(w->hashes, cap * sizeof *p);
      if (!p)
        return CD_ERR_NOMEM;
      w->hashes = p;
      w->cap_hashes = cap;
    }
  }
  w->hashes[w->n_hashes++] = h;
  return CD_OK;
}

static cd_status add_hash(cd_names_writer *w, const char *s, size_t n) {
  return n ? push_hash(w, cd_names_hash(s, n)) : CD_OK;
}

/* Inserts one key row unless this entity already has it (kind, part, key). */
static cd_status put_key(cd_names_writer *w, const char *key, size_t klen, int kind, int part,
                         sqlite3_int64 eid, sqlite3_int64 fid, cd_error *err) {
  if (!klen)
    return CD_OK;
  cd_buf_clear(&w->seen_key);
  char tag[2] = {(char)('0' + kind), (char)('0' + part)};
  bool fresh = false;
  if (!w->seen && !(w->seen = cd_strmap_new()))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  if (cd_buf_append(&w->seen_key, tag, 2) || cd_buf_append(&w->seen_key, key, klen) ||
      !cd_strmap_slot(w->seen, w->seen_key.data, w->seen_key.len, &fresh))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  if (!fresh)
    return CD_OK;
  cd_buf *mine = part == CD_PART_GIVEN ? &w->given : part == CD_PART_SURNAME ? &w->surnames : NULL;
  if (mine && (cd_buf_append(mine, key, klen) || cd_buf_append(mine, "", 1)))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  sqlite3_reset(w->ins_key);
  sqlite3_bind_text(w->ins_key, 1, key, (int)klen, SQLITE_TRANSIENT);
  sqlite3_bind_int(w->ins_key, 2, kind);
  sqlite3_bind_int(w->ins_key, 3, part);
  sqlite3_bind_int64(w->ins_key, 4, eid);
  sqlite3_bind_int64(w->ins_key, 5, fid);
  if (sqlite3_step(w->ins_key) != SQLITE_DONE)
    return db_err(w->db, err, "inserting a key");
  cd_status st = CD_OK;
  if (part != CD_PART_GIVEN)
    st = push_hash(w, cd_names_mark_hash(CD_NAMES_MARK_KEY, 0, kind, key, klen));
  if (!st && part == CD_PART_SURNAME)
    st = push_hash(w, cd_names_mark_hash(CD_NAMES_MARK_SURNAME, 0, kind, key, klen));
  if (!st && part == CD_PART_GIVEN)
    st = push_hash(w, cd_names_mark_hash(CD_NAMES_MARK_GIVEN, eid, kind, key, klen));
  /* pair marks: this given key with every surname key of the entity so far, or this
   * surname key with every given key (seen holds this entity's keys) */
  const cd_buf *other = part == CD_PART_GIVEN     ? &w->surnames
                        : part == CD_PART_SURNAME ? &w->given
                                                  : NULL;
  for (size_t off = 0; other && !st && off < other->len;) {
    const char *e = other->data + off;
    size_t l = strlen(e);
    off += l + 1;
    st = part == CD_PART_GIVEN ? push_hash(w, cd_names_pair_hash(key, klen, e, l))
                               : push_hash(w, cd_names_pair_hash(e, l, key, klen));
  }
  return st ? cd_error_set(err, st, "out of memory") : CD_OK;
}

/* All keys of a text (a whole form, a surname or a given name). */
static cd_status put_keys(cd_names_writer *w, const char *s, size_t n, const char *lang, int part,
                          bool skel, sqlite3_int64 eid, sqlite3_int64 fid, cd_error *err) {
  cd_status st = cd_names_key_fold(w->k, s, n, &w->fold, err);
  if (!st)
    st = put_key(w, w->fold.data, w->fold.len, CD_KEY_FOLD, part, eid, fid, err);
  size_t count = 0;
  if (!st)
    st = cd_names_key_ascii_in(w->k, s, n, lang, &w->ascii, &count, err);
  size_t off = 0;
  for (size_t i = 0; i < count && !st; i++) {
    const char *a = w->ascii.data + off;
    size_t al = strlen(a);
    off += al + 1;
    st = put_key(w, a, al, CD_KEY_ASCII, part, eid, fid, err);
  }
  if (!st && skel) {
    st = cd_names_key_skel(w->k, s, n, &w->skel, err);
    if (!st && w->skel.len >= 3)
      st = put_key(w, w->skel.data, w->skel.len, CD_KEY_SKEL, part, eid, fid, err);
  }
  return st;
}

static bool is_sep(char c, bool hyphen) { return c == ' ' || (hyphen && c == '-'); }

/* The inflection prefixes of a folded Cyrillic word (names_internal.h). */
static cd_status add_infl_hashes(cd_names_writer *w, const char *f, size_t n) {
  bool cyr = false;
  for (size_t i = 0; i < n && !cyr;) {
    int32_t c = cd_utf8_next(f, n, &i);
    UErrorCode uc = U_ZERO_ERROR;
    cyr = c >= 0x400 && uscript_getScript(c, &uc) == USCRIPT_CYRILLIC;
  }
  if (!cyr)
    return CD_OK;
  size_t cps = cd_utf8_count(f, n), end = n;
  for (size_t cut = 0; cut <= 2 && cps - cut >= CD_NAMES_INFL_MIN; cut++) {
    if (cut)
      cd_utf8_prev(f, &end);
    cd_status st = push_hash(w, cd_names_mark_hash(CD_NAMES_MARK_INFL, 0, 0, f, end));
    if (st)
      return st;
  }
  return CD_OK;
}

/* Word keys of a text into the key filter: words split at spaces, and at hyphens too. */
static cd_status hash_words1(cd_names_writer *w, const char *s, size_t n, const char *lang,
                             bool hyphen, cd_error *err) {
  size_t i = 0;
  while (i < n) {
    while (i < n && is_sep(s[i], hyphen))
      i++;
    size_t b = i;
    while (i < n && !is_sep(s[i], hyphen))
      i++;
    if (i == b)
      break;
    cd_status st = cd_names_key_fold(w->k, s + b, i - b, &w->tmp, err);
    if (!st)
      st = add_hash(w, w->tmp.data, w->tmp.len);
    if (!st)
      st = add_infl_hashes(w, w->tmp.data, w->tmp.len);
    size_t count = 0;
    if (!st)
      st = cd_names_key_ascii_in(w->k, s + b, i - b, lang, &w->tmp, &count, err);
    for (size_t j = 0, off = 0; j < count && !st; j++) {
      size_t l = strlen(w->tmp.data + off);
      st = add_hash(w, w->tmp.data + off, l);
      off += l + 1;
    }
    if (!st)
      st = cd_names_key_skel(w->k, s + b, i - b, &w->tmp, err);
    if (!st)
      st = add_hash(w, w->tmp.data, w->tmp.len);
    if (st)
      return st == CD_ERR_NOMEM ? cd_error_set(err, st, "out of memory") : st;
  }
  return CD_OK;
}

static cd_status hash_words(cd_names_writer *w, const char *s, size_t n, const char *lang,
                            cd_error *err) {
  cd_status st = hash_words1(w, s, n, lang, false, err);
  if (!st && memchr(s, '-', n))
    st = hash_words1(w, s, n, lang, true, err);
  return st;
}

static const char *script_of(const char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    int32_t c = cd_utf8_next(s, n, &i);
    if (c < 0)
      continue;
    UErrorCode uc = U_ZERO_ERROR;
    UScriptCode sc = uscript_getScript(c, &uc);
    if (sc != USCRIPT_COMMON && sc != USCRIPT_INHERITED && U_SUCCESS(uc))
      return uscript_getShortName(sc);
  }
  return "Zyyy";
}

/* Context lookups while adding one row. */
typedef struct ctx_scan {
  cd_names_writer *w;
  sqlite3_int64 eid;
  const char *want_key; /* for find_value */
  const char *found;
  size_t found_len;
  bool historical;
  cd_error *err;
} ctx_scan;

static cd_status ctx_find(void *ud, const char *k, size_t kl, const char *v, size_t vl) {
  ctx_scan *c = ud;
  if (!c->found && strlen(c->want_key) == kl && memcmp(k, c->want_key, kl) == 0) {
    c->found = v;
    c->found_len = vl;
  }
  if (kl == 6 && memcmp(k, "status", 6) == 0 && vl == 10 && memcmp(v, "historical", 10) == 0)
    c->historical = true;
  return CD_OK;
}

static cd_status ctx_store(void *ud, const char *k, size_t kl, const char *v, size_t vl) {
  ctx_scan *c = ud;
  cd_names_writer *w = c->w;
  sqlite3_reset(w->ins_ctx);
  sqlite3_bind_int64(w->ins_ctx, 1, c->eid);
  sqlite3_bind_text(w->ins_ctx, 2, k, (int)kl, SQLITE_TRANSIENT);
  sqlite3_bind_text(w->ins_ctx, 3, v, (int)vl, SQLITE_TRANSIENT);
  if (sqlite3_step(w->ins_ctx) != SQLITE_DONE)
    return db_err(w->db, c->err, "inserting context");
  if (kl == 5 && memcmp(k, "given", 5) == 0) {
    cd_status st = put_keys(w, v, vl, NULL, CD_PART_GIVEN, false, c->eid, 0, c->err);
    if (!st)
      st = hash_words(w, v, vl, NULL, c->err);
    return st;
  }
  return CD_OK;
}

/* The surname of a person form: surname_LANG from context when the form contains it,
 * else the last word. */
static size_t count_words(const char *s, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && (i == 0 || s[i - 1] == ' '))
      k++;
  return k;
}

/* Whether the last word of a form is a regnal number (Charles III, Karl III.). */
static bool regnal_end(const char *form, size_t n) {
  size_t e = n;
  while (e > 0 && form[e - 1] == ' ')
    e--;
  if (e > 0 && form[e - 1] == '.')
    e--;
  size_t b = e;
  while (b > 0 && form[b - 1] != ' ')
    b--;
  bool roman = e > b && e - b <= 6;
  for (size_t i = b; i < e && roman; i++)
    roman = strchr("IVXLC", form[i]) != NULL;
  return roman;
}

static void surname_of(const cd_names_row *r, const char *lang, const char *form, size_t n,
                       const char **sur, size_t *sur_len) {
  char key[32];
  snprintf(key, sizeof key, "surname_%s", lang && *lang ? lang : "en");
  ctx_scan c = {0};
  c.want_key = key;
  cd_names_ctx_each(r->context, ctx_find, &c);
  if (c.found) {
    for (size_t i = 0; i + c.found_len <= n; i++)
      if (memcmp(form + i, c.found, c.found_len) == 0) {
        *sur = form + i;
        *sur_len = c.found_len;
        return;
      }
  }
  size_t e = n;
  while (e > 0 && form[e - 1] == ' ')
    e--;
  size_t b = e;
  while (b > 0 && form[b - 1] != ' ')
    b--;
  /* a regnal number is no surname: "Charles III" is never "III" alone */
  if (b > 0 && regnal_end(form, n)) {
    *sur = NULL;
    *sur_len = 0;
    return;
  }
  *sur = form + b;
  *sur_len = e - b;
}

static cd_status add_form(cd_names_writer *w, const cd_names_row *r, sqlite3_int64 eid,
                          const char *lang, const char *kind, const char *form, size_t n,
                          cd_error *err) {
  while (n && form[n - 1] == ' ')
    n--;
  while (n && form[0] == ' ')
    form++, n--;
  if (!n)
    return CD_OK;
  bool person = strcmp(r->type, "person") == 0;
  const char *sur = NULL;
  size_t sl = 0;
  /* scripts written without spaces (习近平) hold the full name in one word */
  const char *sc = script_of(form, n);
  bool multi = memchr(form, ' ', n) != NULL || strcmp(sc, "Hani") == 0 || strcmp(sc, "Hira") == 0 ||
               strcmp(sc, "Kana") == 0 || strcmp(sc, "Thai") == 0;
  if (person)
    surname_of(r, lang, form, n, &sur, &sl);
  /* a variant of a surname of several words ("von der Layen" for von der Leyen,
   * "Kara Murza"): as many words as the English surname, and it is that surname */
  bool sur_variant = false;
  if (person && multi && strcmp(kind, "variant") == 0) {
    ctx_scan c = {0};
    c.want_key = "surname_en";
    cd_names_ctx_each(r->context, ctx_find, &c);
    if (c.found && memchr(c.found, ' ', c.found_len) &&
        count_words(c.found, c.found_len) == count_words(form, n)) {
      sur_variant = true;
      sur = form;
      sl = n;
    }
  }
  sqlite3_reset(w->ins_form);
  sqlite3_bind_int64(w->ins_form, 1, eid);
  sqlite3_bind_text(w->ins_form, 2, lang, -1, SQLITE_STATIC);
  sqlite3_bind_text(w->ins_form, 3, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text(w->ins_form, 4, script_of(form, n), -1, SQLITE_STATIC);
  sqlite3_bind_text(w->ins_form, 5, form, (int)n, SQLITE_TRANSIENT);
  if (person)
    sqlite3_bind_text(w->ins_form, 6, sur, (int)sl, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(w->ins_form, 6);
  if (sqlite3_step(w->ins_form) != SQLITE_DONE)
    return db_err(w->db, err, "inserting a form");
  sqlite3_int64 fid = sqlite3_last_insert_rowid(w->db);
  cd_status st = hash_words(w, form, n, lang, err);
  if (st)
    return st;
  if (!person || (multi && !sur_variant)) {
    /* no skeleton for "Charles III": the numeral has no consonants, and the skeleton
     * would be the given name's alone */
    st = put_keys(w, form, n, lang, CD_PART_FULL, !regnal_end(form, n), eid, fid, err);
    if (st)
      return st;
  }
  /* A full-name variant says nothing about the surname alone: "Sebastien Lecorne" is a
   * spelling seen with the given name, and a bare "Lecorne" must stay a fuzzy match that
   * needs context. Bare surnames come from canonical forms and single-word variants. */
  bool variant_full = multi && strcmp(kind, "variant") == 0 && !sur_variant;
  if (person && sl && !variant_full) {
    st = put_keys(w, sur, sl, lang, CD_PART_SURNAME, true, eid, fid, err);
    if (st)
      return st;
    /* the given part: the form without the surname */
    if (multi) {
      cd_buf g = CD_BUF_INIT;
      size_t so = (size_t)(sur - form);
      if (cd_buf_append(&g, form, so) || cd_buf_append(&g, form + so + sl, n - so - sl)) {
        cd_buf_free(&g);
        return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
      }
      size_t gl = g.len;
      while (gl && g.data[gl - 1] == ' ')
        gl--;
      size_t gb = 0;
      while (gb < gl && g.data[gb] == ' ')
        gb++;
      if (gl > gb)
        st = put_keys(w, g.data + gb, gl - gb, lang, CD_PART_GIVEN, false, eid, 0, err);
      cd_buf_free(&g);
    }
  }
  return st;
}

cd_status cd_names_writer_add(cd_names_writer *w, cd_names_row *r, cd_error *err) {
  sqlite3_reset(w->find_id);
  sqlite3_bind_text(w->find_id, 1, r->id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step(w->find_id) == SQLITE_ROW)
    return cd_error_set(err, CD_ERR_INPUT, "%s:%lu: duplicate id '%s' (first defined at %s)",
                        r->file, r->lineno, r->id,
                        (const char *)sqlite3_column_text(w->find_id, 0));
  char src[4200];
  snprintf(src, sizeof src, "%s:%lu", r->file, r->lineno);
  ctx_scan c = {0};
  c.w = w;
  c.want_key = "";
  c.err = err;
  cd_names_ctx_each(r->context, ctx_find, &c);
  sqlite3_reset(w->ins_ent);
  sqlite3_bind_text(w->ins_ent, 1, r->id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(w->ins_ent, 2, r->type, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(w->ins_ent, 3, c.historical);
  sqlite3_bind_text(w->ins_ent, 4, src, -1, SQLITE_TRANSIENT);
  /* the canonical forms again, in the entity row (names_internal.h): one read gives the
   * stage everything it needs for a replacement */
  cd_buf_clear(&w->tmp);
  bool person = strcmp(r->type, "person") == 0;
  for (int i = 0; i < CD_NAMES_NLANG; i++) {
    const char *f = r->canon[i];
    if (!f)
      continue;
    size_t n = strlen(f);
    while (n && f[n - 1] == ' ')
      n--;
    while (n && f[0] == ' ')
      f++, n--;
    const char *sur = NULL;
    size_t sl = 0;
    if (person)
      surname_of(r, cd_names_langs[i], f, n, &sur, &sl);
    if (n && (cd_buf_append_str(&w->tmp, cd_names_langs[i]) || cd_buf_append(&w->tmp, "\x1f", 1) ||
              cd_buf_append(&w->tmp, f, n) || cd_buf_append(&w->tmp, "\x1f", 1) ||
              cd_buf_append(&w->tmp, sur ? sur : "", sl) || cd_buf_append(&w->tmp, "\x1e", 1)))
      return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  sqlite3_bind_text(w->ins_ent, 5, w->tmp.data ? w->tmp.data : "", (int)w->tmp.len,
                    SQLITE_TRANSIENT);
  if (sqlite3_step(w->ins_ent) != SQLITE_DONE)
    return db_err(w->db, err, "inserting an entity");
  sqlite3_int64 eid = sqlite3_last_insert_rowid(w->db);
  cd_strmap_free(w->seen);
  w->seen = NULL;
  cd_buf_clear(&w->given);
  cd_buf_clear(&w->surnames);
  cd_status st = CD_OK;
  for (int i = 0; i < CD_NAMES_NLANG && !st; i++)
    if (r->canon[i])
      st = add_form(w, r, eid, cd_names_langs[i], "canonical", r->canon[i], strlen(r->canon[i]),
                    err);
  const char *p = r->variants;
  while (!st && *p) {
    const char *e = strchr(p, '|');
    if (!e)
      e = p + strlen(p);
    const char *v = p;
    char lang[8] = "";
    const char *colon = memchr(v, ':', (size_t)(e - v));
    if (colon && colon - v >= 2 && colon - v <= 3) {
      bool ok = true;
      for (const char *q = v; q < colon; q++)
        if (*q < 'a' || *q > 'z')
          ok = false;
      if (ok) {
        memcpy(lang, v, (size_t)(colon - v));
        lang[colon - v] = '\0';
        v = colon + 1;
      }
    }
    char *lang_s = lang[0] ? lang : "";
    /* lang must outlive the bind: SQLITE_STATIC is fine as step runs inside add_form */
    st = add_form(w, r, eid, lang_s, "variant", v, (size_t)(e - v), err);
    p = *e ? e + 1 : e;
  }
  c.eid = eid;
  if (!st)
    st = cd_names_ctx_each(r->context, ctx_store, &c);
  return st;
}

static void put_le64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}

/* The sidecar: header and filter, written in full or an error (the caller renames it). */
static cd_status write_sidecar(const char *path, const uint8_t *bits, uint64_t nbytes, uint64_t id,
                               cd_error *err) {
  uint8_t head[CD_NAMES_SIDECAR_HEAD] = {0};
  memcpy(head, CD_NAMES_SIDECAR_MAGIC, 8);
  put_le64(head + 8, id);
  put_le64(head + 16, nbytes);
  FILE *f = fopen(path, "wb");
  if (!f)
    return cd_error_set(err, CD_ERR_IO, "%s: cannot create", path);
  bool ok = fwrite(head, 1, sizeof head, f) == sizeof head &&
            fwrite(bits, 1, (size_t)nbytes, f) == (size_t)nbytes;
  if (fclose(f) != 0)
    ok = false;
  if (!ok) {
    unlink(path);
    return cd_error_set(err, CD_ERR_IO, "%s: write failed", path);
  }
  return CD_OK;
}

static int cmp_u64(const void *a, const void *b);

/* A skeleton shared by more than CD_NAMES_SKEL_MAX key rows (all parts) is no fuzzy signal:
 * the lookup ignores it. Its rows go, and its marks leave the filter, so that the names
 * stage does not even query it (at 1M entities most short skeletons are such). The hashes
 * are sorted and unique on entry and stay so. */
static cd_status prune_skeletons(cd_names_writer *w, cd_error *err) {
  char sql[256];
  snprintf(sql, sizeof sql,
           "CREATE TEMP TABLE pruned AS SELECT key FROM keys WHERE kind=%d GROUP BY key "
           "HAVING count(*) > %d",
           CD_KEY_SKEL, CD_NAMES_SKEL_MAX);
  if (sqlite3_exec(w->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return db_err(w->db, err, "finding common skeletons");
  uint64_t *drop = NULL;
  size_t n = 0, cap = 0;
  sqlite3_stmt *st = NULL;
  cd_status rc = CD_OK;
  if (sqlite3_prepare_v2(w->db, "SELECT key FROM pruned", -1, &st, NULL) != SQLITE_OK)
    rc = db_err(w->db, err, "finding common skeletons");
  int r = SQLITE_DONE;
  while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW) {
    const char *k = (const char *)sqlite3_column_text(st, 0);
    size_t kl = (size_t)sqlite3_column_bytes(st, 0);
    if (n + 2 > cap) {
      size_t nc = cap ? cap * 2 : 256;
      uint64_t *p = realloc(drop, nc * sizeof *p);
      if (!p) {
        rc = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
        break;
      }
      drop = p;
      cap = nc;
    }
    drop[n++] = cd_names_mark_hash(CD_NAMES_MARK_KEY, 0, CD_KEY_SKEL, k, kl);
    drop[n++] = cd_names_mark_hash(CD_NAMES_MARK_SURNAME, 0, CD_KEY_SKEL, k, kl);
  }
  if (!rc && r != SQLITE_DONE)
    rc = db_err(w->db, err, "finding common skeletons");
  sqlite3_finalize(st);
  if (!rc) {
    snprintf(sql, sizeof sql,
             "DELETE FROM keys WHERE kind=%d AND key IN (SELECT key FROM pruned); "
             "DROP TABLE pruned;",
             CD_KEY_SKEL);
    if (sqlite3_exec(w->db, sql, NULL, NULL, NULL) != SQLITE_OK)
      rc = db_err(w->db, err, "dropping common skeletons");
  }
  if (!rc && n) {
    qsort(drop, n, sizeof *drop, cmp_u64);
    size_t k = 0, j = 0;
    for (size_t i = 0; i < w->n_hashes; i++) {
      while (j < n && drop[j] < w->hashes[i])
        j++;
      if (j < n && drop[j] == w->hashes[i])
        continue;
      w->hashes[k++] = w->hashes[i];
    }
    w->n_hashes = k;
  }
  free(drop);
  return rc;
}

cd_status cd_names_writer_finish(cd_names_writer *w, const char *sidecar, cd_error *err) {
  hashes_unique(w);
  cd_status pr = prune_skeletons(w, err);
  if (pr)
    return pr;
  uint64_t nblocks =
      ((uint64_t)w->n_hashes * CD_NAMES_FILTER_BITS_PER_KEY + CD_NAMES_FILTER_BLOCK * 8 - 1) /
          (CD_NAMES_FILTER_BLOCK * 8) +
      1;
  uint64_t nbytes = nblocks * CD_NAMES_FILTER_BLOCK;
  if (nbytes > 0x7fffffffULL)
    return cd_error_set(err, CD_ERR_DATA, "too many keys for the key filter (%zu)", w->n_hashes);
  uint8_t *bits = calloc(nbytes, 1);
  if (!bits)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < w->n_hashes; i++) {
    uint64_t h = w->hashes[i];
    cd_names_filter_block_add(bits + cd_names_filter_block(h, nblocks) * CD_NAMES_FILTER_BLOCK, h);
  }
  sqlite3_stmt *st = NULL;
  cd_status rc = CD_OK;
  if (sqlite3_prepare_v2(w->db, "INSERT OR REPLACE INTO meta(key,value) VALUES(?,?)", -1, &st,
                         NULL) != SQLITE_OK)
    rc = db_err(w->db, err, "writing meta");
  if (!rc) {
    sqlite3_bind_text(st, 1, "filter", -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, bits, (int)nbytes, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
      rc = db_err(w->db, err, "writing the key filter");
  }
  uint64_t id = cd_names_hash((const char *)bits, (size_t)nbytes);
  if (!rc) {
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, "filter_id", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)id);
    if (sqlite3_step(st) != SQLITE_DONE)
      rc = db_err(w->db, err, "writing meta");
  }
  if (!rc && sidecar)
    rc = write_sidecar(sidecar, bits, nbytes, id, err);
  if (!rc) {
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, "format", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, CD_NAMES_FORMAT);
    if (sqlite3_step(st) != SQLITE_DONE)
      rc = db_err(w->db, err, "writing meta");
  }
  if (!rc) {
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, "pair_marks", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, 1);
    if (sqlite3_step(st) != SQLITE_DONE)
      rc = db_err(w->db, err, "writing meta");
  }
  if (!rc) {
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, "magic", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, "copydesk-names", -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
      rc = db_err(w->db, err, "writing meta");
  }
  sqlite3_finalize(st);
  free(bits);
  return rc;
}

typedef struct compile_ctx {
  cd_names_writer *w;
} compile_ctx;

static cd_status compile_row(void *ud, cd_names_row *row, cd_error *err) {
  compile_ctx *c = ud;
  return cd_names_writer_add(c->w, row, err);
}

/* Creates "<base><tag>.<pid>.<n>.tmp" exclusively (mode 0666 less the umask, as any new
 * file): a temporary name no other compile, concurrent or earlier, shares. Returns the
 * descriptor (the name in out), or -1 with errno set. */
static int create_unique(const char *base, const char *tag, char *out, size_t cap) {
  for (unsigned n = 0; n < 1000; n++) {
    snprintf(out, cap, "%s%s.%ld.%u.tmp", base, tag, (long)getpid(), n);
    int fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0 || errno != EEXIST)
      return fd;
  }
  return -1;
}

cd_status cd_names_compile(const char *const *paths, size_t n_paths, const char *translit_dir,
                           const char *db_path, cd_error *err) {
  cd_names_keyer *k = NULL;
  cd_status st = cd_names_keyer_new(translit_dir, &k, err);
  if (st)
    return st;
  size_t tl = strlen(db_path) + 48;
  char *tmp = malloc(tl);
  if (!tmp) {
    cd_names_keyer_free(k);
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  size_t fl = strlen(db_path) + 48;
  char *ftmp = malloc(fl), *fpath = malloc(fl);
  if (!ftmp || !fpath) {
    free(tmp);
    free(ftmp);
    free(fpath);
    cd_names_keyer_free(k);
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  /* unique temporary names beside the target: concurrent compiles never share one */
  snprintf(fpath, fl, "%s.filter", db_path);
  int tfd = create_unique(db_path, "", tmp, tl),
      ffd = tfd >= 0 ? create_unique(db_path, ".filter", ftmp, fl) : -1;
  if (tfd < 0 || ffd < 0) {
    st = cd_error_set(err, CD_ERR_IO, "%s: cannot create a temporary file beside it: %s", db_path,
                      strerror(errno));
    if (tfd >= 0) {
      close(tfd);
      unlink(tmp);
    }
    free(tmp);
    free(ftmp);
    free(fpath);
    cd_names_keyer_free(k);
    return st;
  }
  close(tfd);
  close(ffd);
  sqlite3 *db = NULL;
  if (sqlite3_open(tmp, &db) != SQLITE_OK) {
    st = cd_error_set(err, CD_ERR_DB, "%s: cannot create: %s", tmp,
                      db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    unlink(tmp);
    unlink(ftmp);
    free(tmp);
    free(ftmp);
    free(fpath);
    cd_names_keyer_free(k);
    return st;
  }
  sqlite3_exec(db,
               "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;"
               "PRAGMA temp_store=MEMORY;",
               NULL, NULL, NULL);
  cd_names_writer *w = NULL;
  if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    st = db_err(db, err, "BEGIN");
  if (!st)
    st = cd_names_writer_new(db, k, false, &w, err);
  compile_ctx c = {w};
  for (size_t i = 0; i < n_paths && !st; i++)
    st = cd_names_tsv_read(paths[i], compile_row, &c, err);
  if (!st)
    st = cd_names_writer_finish(w, ftmp, err);
  cd_names_writer_free(w);
  if (!st && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    st = db_err(db, err, "COMMIT");
  if (!st)
    sqlite3_exec(db, "ANALYZE", NULL, NULL, NULL);
  if (sqlite3_close(db) != SQLITE_OK && !st)
    st = cd_error_set(err, CD_ERR_DB, "%s: close failed", tmp);
  /* the sidecar first: a database left beside a sidecar of another build ignores it */
  if (!st && rename(ftmp, fpath) != 0)
    st = cd_error_set(err, CD_ERR_IO, "cannot replace %s: %s", fpath, strerror(errno));
  if (!st && rename(tmp, db_path) != 0)
    st = cd_error_set(err, CD_ERR_IO, "cannot replace %s: %s", db_path, strerror(errno));

  if (st) {
    unlink(tmp);
    unlink(ftmp);
  }
  free(tmp);
  free(ftmp);
  free(fpath);
  cd_names_keyer_free(k);
  return st;
}
