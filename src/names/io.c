/* SPDX-License-Identifier: MIT */
/* Importers (Wikidata entity JSON dumps, JRC-Names style TSV) and exporters (TSV, hunspell
 * .dic/.aff) of the names dictionary. Input is streamed through zlib (plain or gzip). */
#include "names_internal.h"
#include "names_store.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* An entity (one line, or the lines of one object) longer than this is refused: the
 * largest Wikidata entities are a few MB, and a longer line would be held in memory whole,
 * several times over (the line, the tokenizer's copy, the parsed strings). */
#define LINE_MAX_BYTES ((size_t)16 << 20)

/* Reads one line; returns false at the end. *too_long is set (and false returned) for a
 * line over LINE_MAX_BYTES, which is not read further. */
static bool gz_line(gzFile f, cd_buf *b, bool *too_long) {
  cd_buf_clear(b);
  *too_long = false;
  for (;;) {
    if (b->len >= LINE_MAX_BYTES) {
      *too_long = true;
      return false;
    }
    if (cd_buf_reserve(b, 65536))
      return false;
    if (!gzgets(f, b->data + b->len, 65536))
      return b->len > 0;
    size_t l = strlen(b->data + b->len);
    b->len += l;
    if (l && b->data[b->len - 1] == '\n')
      return true;
  }
}

/* A value fit for a TSV cell and a variants list. */
static bool clean_value(const char *s) {
  if (!s || !*s || strlen(s) > 80 || !cd_utf8_is_valid(s, strlen(s)))
    return false;
  for (const char *p = s; *p; p++)
    if (*p == '\t' || *p == '|' || *p == '\n' || *p == '\r' || *p == ';' || *p == '(' ||
        (*p >= '0' && *p <= '9'))
      return false;
  return true;
}

static const char *label_of(json_object *labels, const char *lang, bool legacy) {
  json_object *v;
  if (!labels || !json_object_object_get_ex(labels, lang, &v))
    return NULL;
  if (legacy || json_object_is_type(v, json_type_string))
    return json_object_get_string(v);
  json_object *val;
  return json_object_object_get_ex(v, "value", &val) ? json_object_get_string(val) : NULL;
}

static bool claim_has(json_object *ent, int prop, int target, bool *has_prop) {
  json_object *claims;
  *has_prop = false;
  if (!json_object_object_get_ex(ent, "claims", &claims))
    return false;
  if (json_object_is_type(
          claims, json_type_array)) { /* legacy: [{"m":["value",31,...,{"numeric-id":5}]}] */
    size_t n = json_object_array_length(claims);
    for (size_t i = 0; i < n; i++) {
      json_object *c = json_object_array_get_idx(claims, i), *m;
      if (!json_object_object_get_ex(c, "m", &m) || !json_object_is_type(m, json_type_array) ||
          json_object_array_length(m) < 4)
        continue;
      if (json_object_get_int(json_object_array_get_idx(m, 1)) != prop)
        continue;
      *has_prop = true;
      json_object *nid;
      if (json_object_object_get_ex(json_object_array_get_idx(m, 3), "numeric-id", &nid) &&
          json_object_get_int(nid) == target)
        return true;
    }
    return false;
  }
  char key[16];
  snprintf(key, sizeof key, "P%d", prop);
  json_object *arr;
  if (!json_object_object_get_ex(claims, key, &arr) || !json_object_is_type(arr, json_type_array))
    return false;
  *has_prop = true;
  size_t n = json_object_array_length(arr);
  for (size_t i = 0; i < n; i++) {
    json_object *c = json_object_array_get_idx(arr, i), *ms, *dv, *val, *nid;
    if (json_object_object_get_ex(c, "mainsnak", &ms) &&
        json_object_object_get_ex(ms, "datavalue", &dv) &&
        json_object_object_get_ex(dv, "value", &val) &&
        json_object_object_get_ex(val, "numeric-id", &nid) && json_object_get_int(nid) == target)
      return true;
  }
  return false;
}

static cd_status emit_entity(json_object *ent, bool keep_all, cd_names_write_fn w, void *ud,
                             cd_names_import_stats *stats, cd_error *err) {
  json_object *idv, *labels = NULL, *aliases = NULL;
  if (!json_object_object_get_ex(ent, "id", &idv))
    return CD_OK;
  stats->read++;
  bool legacy = false;
  if (!json_object_object_get_ex(ent, "labels", &labels)) {
    if (json_object_object_get_ex(ent, "label", &labels))
      legacy = true;
  }
  json_object_object_get_ex(ent, "aliases", &aliases);
  snprintf(stats->shape, sizeof stats->shape, "%s", legacy ? "wikidata-legacy" : "wikidata");
  bool has31, has625;
  const char *type = NULL;
  if (claim_has(ent, 31, 5, &has31))
    type = "person";
  else if (claim_has(ent, 625, -1, &has625) || has625)
    type = "place";
  else if (keep_all)
    type = "org";
  const char *id = json_object_get_string(idv);
  /* a Wikidata id is Q and digits: anything else (tabs, invalid UTF-8) would break the TSV */
  if (!type || !labels || !id || (id[0] != 'Q' && id[0] != 'q') || !id[1] ||
      strspn(id + 1, "0123456789") != strlen(id + 1)) {
    stats->skipped++;
    return CD_OK;
  }
  cd_buf row = CD_BUF_INIT;
  cd_status bs = CD_OK; /* the row's appends */
  CD_CHAIN(bs, cd_buf_append_str(&row, "q"));
  CD_CHAIN(bs, cd_buf_append_str(&row, id[0] == 'Q' || id[0] == 'q' ? id + 1 : id));
  CD_CHAIN(bs, cd_buf_appendf(&row, "\t%s", type));
  bool any = false;
  for (int i = 0; i < CD_NAMES_NLANG; i++) {
    const char *l = label_of(labels, cd_names_langs[i], legacy);
    bool ok = clean_value(l) && !strchr(l, ',');
    CD_CHAIN(bs, cd_buf_appendf(&row, "\t%s", ok ? l : "-"));
    any |= ok;
  }
  if (!any) {
    cd_buf_free(&row);
    stats->skipped++;
    return CD_OK;
  }
  CD_CHAIN(bs, cd_buf_append_str(&row, "\t"));
  size_t vstart = row.len;
  for (int i = 0; aliases && i < CD_NAMES_NLANG; i++) {
    json_object *arr;
    if (!json_object_object_get_ex(aliases, cd_names_langs[i], &arr) ||
        !json_object_is_type(arr, json_type_array))
      continue;
    size_t n = json_object_array_length(arr);
    for (size_t j = 0; j < n && j < 12; j++) {
      json_object *a = json_object_array_get_idx(arr, j), *val;
      const char *s = json_object_is_type(a, json_type_string)      ? json_object_get_string(a)
                      : json_object_object_get_ex(a, "value", &val) ? json_object_get_string(val)
                                                                    : NULL;
      /* aliases are noisy: skip inverted "Surname, Given", nicknames with digits, etc. */
      if (!clean_value(s) || strchr(s, ','))
        continue;
      CD_CHAIN(bs,
               cd_buf_appendf(&row, "%s%s:%s", row.len > vstart ? "|" : "", cd_names_langs[i], s));
    }
  }
  if (row.len == vstart)
    CD_CHAIN(bs, cd_buf_append_str(&row, "-"));
  CD_CHAIN(bs, cd_buf_appendf(&row, "\tsource=wikidata:%s\n", id));
  cd_status st = bs ? cd_error_set(err, bs, "out of memory") : w(ud, row.data, row.len, err);
  cd_buf_free(&row);
  if (!st)
    stats->written++;
  return st;
}

static const char tsv_header[] = "id\ttype\ten\tfr\tde\tuk\tru\tvariants\tcontext\n";

static cd_status handle_json(json_object *o, bool keep_all, cd_names_write_fn w, void *ud,
                             cd_names_import_stats *stats, cd_error *err) {
  json_object *ents;
  if (json_object_is_type(o, json_type_object) && json_object_object_get_ex(o, "entities", &ents)) {
    if (!json_object_is_type(ents, json_type_object)) { /* {"entities": "…"}: not a dump */
      stats->skipped++;
      return CD_OK;
    }
    json_object_object_foreach(ents, key, val) {
      (void)key;
      cd_status st = emit_entity(val, keep_all, w, ud, stats, err);
      if (st)
        return st;
    }
    return CD_OK;
  }
  if (json_object_is_type(o, json_type_array)) {
    size_t n = json_object_array_length(o);
    for (size_t i = 0; i < n; i++) {
      cd_status st = emit_entity(json_object_array_get_idx(o, i), keep_all, w, ud, stats, err);
      if (st)
        return st;
    }
    return CD_OK;
  }
  return emit_entity(o, keep_all, w, ud, stats, err);
}

cd_status cd_names_import_wikidata(const char *path, bool keep_all, cd_names_write_fn w, void *ud,
                                   cd_names_import_stats *stats, cd_error *err) {
  memset(stats, 0, sizeof *stats);
  snprintf(stats->shape, sizeof stats->shape, "wikidata");
  gzFile f = gzopen(path, "rb");
  if (!f)
    return cd_error_set(err, CD_ERR_IO, "%s: cannot open", path);
  gzbuffer(f, 1 << 17);
  cd_status st = w(ud, tsv_header, sizeof tsv_header - 1, err);
  json_tokener *tok = json_tokener_new();
  cd_buf line = CD_BUF_INIT;
  unsigned long lineno = 0, start_line = 0;
  bool in_obj = false, too_long = false;
  size_t obj_bytes = 0;
  while (!st && gz_line(f, &line, &too_long)) {
    lineno++;
    obj_bytes = (in_obj ? obj_bytes : 0) + line.len;
    if (obj_bytes >= LINE_MAX_BYTES) {
      too_long = true;
      lineno--; /* reported below as the line being read */
      break;
    }
    size_t b = 0, e = line.len;
    while (b < e && (line.data[b] == ' ' || line.data[b] == '\t'))
      b++;
    while (e > b &&
           (line.data[e - 1] == '\n' || line.data[e - 1] == '\r' || line.data[e - 1] == ' '))
      e--;
    if (!in_obj) {
      /* dump framing: "[" and "]" lines, entity lines end with "," */
      if (e - b == 1 && (line.data[b] == '[' || line.data[b] == ']'))
        continue;
      if (e > b && line.data[e - 1] == ',' && line.data[b] == '{')
        e--;
      if (e == b)
        continue;
      start_line = lineno;
    }
    json_object *o = json_tokener_parse_ex(tok, line.data + b, (int)(e - b));
    enum json_tokener_error je = json_tokener_get_error(tok);
    if (je == json_tokener_continue) {
      /* keep the newline so tokens never merge; it may complete a value (a bare number) */
      o = json_tokener_parse_ex(tok, "\n", 1);
      je = json_tokener_get_error(tok);
      if (je == json_tokener_continue) {
        in_obj = true;
        continue;
      }
    }
    in_obj = false;
    if (!o) {
      st = cd_error_set(err, CD_ERR_INPUT, "%s:%lu: malformed JSON: %s", path, start_line,
                        json_tokener_error_desc(je));
      break;
    }
    st = handle_json(o, keep_all, w, ud, stats, err);
    json_object_put(o);
    json_tokener_reset(tok);
  }
  if (!st && too_long)
    st = cd_error_set(err, CD_ERR_INPUT,
                      "%s:%lu: an entity of more than %zu MB: not a Wikidata entity (the "
                      "largest are a few MB)",
                      path, in_obj ? start_line : lineno + 1, LINE_MAX_BYTES >> 20);
  if (!st && in_obj)
    st = cd_error_set(err, CD_ERR_INPUT, "%s:%lu: truncated JSON entity", path, start_line);
  int zerr = 0;
  const char *zmsg = gzerror(f, &zerr);
  if (!st && zerr != Z_OK && zerr != Z_STREAM_END)
    st = cd_error_set(err, CD_ERR_INPUT, "%s: %s", path, zmsg);
  json_tokener_free(tok);
  cd_buf_free(&line);
  gzclose(f);
  return st;
}

/* ---- JRC-Names ----------------------------------------------------------------------------- */

typedef struct jrc_ent {
  char id[64];
  char type[8];
  cd_buf canon[CD_NAMES_NLANG];
  cd_buf variants;
  bool used;
} jrc_ent;

static cd_status jrc_flush(jrc_ent *e, cd_names_write_fn w, void *ud, cd_names_import_stats *stats,
                           cd_error *err) {
  if (!e->used)
    return CD_OK;
  cd_buf row = CD_BUF_INIT;
  cd_status bs = CD_OK;
  CD_CHAIN(bs, cd_buf_appendf(&row, "jrc-%s\t%s", e->id, e->type));
  for (int i = 0; i < CD_NAMES_NLANG; i++)
    CD_CHAIN(bs, cd_buf_appendf(&row, "\t%s", e->canon[i].len ? e->canon[i].data : "-"));
  CD_CHAIN(bs, cd_buf_appendf(&row, "\t%s\tsource=jrc:%s\n",
                              e->variants.len ? e->variants.data : "-", e->id));
  cd_status st = bs ? cd_error_set(err, bs, "out of memory") : w(ud, row.data, row.len, err);
  cd_buf_free(&row);
  for (int i = 0; i < CD_NAMES_NLANG; i++)
    cd_buf_clear(&e->canon[i]);
  cd_buf_clear(&e->variants);
  e->used = false;
  if (!st)
    stats->written++;
  return st;
}

cd_status cd_names_import_jrc(const char *path, cd_names_write_fn w, void *ud,
                              cd_names_import_stats *stats, cd_error *err) {
  memset(stats, 0, sizeof *stats);
  snprintf(stats->shape, sizeof stats->shape, "jrc");
  gzFile f = gzopen(path, "rb");
  if (!f)
    return cd_error_set(err, CD_ERR_IO, "%s: cannot open", path);
  cd_status st = w(ud, tsv_header, sizeof tsv_header - 1, err);
  jrc_ent e;
  memset(&e, 0, sizeof e);
  cd_buf line = CD_BUF_INIT;
  unsigned long lineno = 0;
  bool too_long = false;
  while (!st && gz_line(f, &line, &too_long)) {
    lineno++;
    while (line.len && (line.data[line.len - 1] == '\n' || line.data[line.len - 1] == '\r'))
      line.data[--line.len] = '\0';
    if (!line.len || line.data[0] == '#')
      continue;
    char *c[4];
    size_t n = 0;
    char *p = line.data;
    c[n++] = p;
    for (; *p && n < 4; p++)
      if (*p == '\t') {
        *p = '\0';
        c[n++] = p + 1;
      }
    if (n != 4 || strchr(c[3], '\t') || !*c[0] || (strcmp(c[1], "P") && strcmp(c[1], "O"))) {
      st = cd_error_set(err, CD_ERR_INPUT,
                        "%s:%lu: malformed JRC-Names line (ID<TAB>P|O<TAB>LANG<TAB>NAME)", path,
                        lineno);
      break;
    }
    for (char *q = c[0]; *q; q++)
      if (*q < '0' || *q > '9') {
        st = cd_error_set(err, CD_ERR_INPUT, "%s:%lu: JRC-Names ID must be numeric", path, lineno);
        break;
      }
    if (st)
      break;
    for (char *q = c[3]; *q; q++)
      if (*q == '+')
        *q = ' ';
    if (!clean_value(c[3]) || !cd_utf8_is_valid(c[3], strlen(c[3])))
      continue;
    if (strcmp(e.id, c[0]) != 0) {
      st = jrc_flush(&e, w, ud, stats, err);
      snprintf(e.id, sizeof e.id, "%s", c[0]);
      stats->read++;
    }
    snprintf(e.type, sizeof e.type, "%s", c[1][0] == 'P' ? "person" : "org");
    e.used = true;
    int li = -1;
    for (int i = 0; i < CD_NAMES_NLANG; i++)
      if (!strcmp(c[2], cd_names_langs[i]))
        li = i;
    if (li < 0 && !strcmp(c[2], "u") && !e.canon[0].len)
      li = 0; /* the first language-neutral spelling serves as the English form */
    if (li >= 0 && !e.canon[li].len) {
      CD_CHAIN(st, cd_buf_append_str(&e.canon[li], c[3]));
      continue;
    }
    if (e.variants.len)
      CD_CHAIN(st, cd_buf_append_str(&e.variants, "|"));
    size_t ll = strlen(c[2]);
    if (strcmp(c[2], "u") && ll >= 2 && ll <= 3 && strspn(c[2], "abcdefghijklmnopqrstuvwxyz") == ll)
      CD_CHAIN(st, cd_buf_appendf(&e.variants, "%s:", c[2]));
    CD_CHAIN(st, cd_buf_append_str(&e.variants, c[3]));
  }
  if (st == CD_ERR_NOMEM)
    cd_error_set(err, st, "%s:%lu: out of memory", path, lineno);
  if (!st && too_long)
    st = cd_error_set(err, CD_ERR_INPUT, "%s:%lu: a line of more than %zu MB", path, lineno + 1,
                      LINE_MAX_BYTES >> 20);
  if (!st)
    st = jrc_flush(&e, w, ud, stats, err);
  for (int i = 0; i < CD_NAMES_NLANG; i++)
    cd_buf_free(&e.canon[i]);
  cd_buf_free(&e.variants);
  cd_buf_free(&line);
  gzclose(f);
  return st;
}

/* ---- export ---------------------------------------------------------------------------------- */

static cd_status export_tsv_src(sqlite3 *db, sqlite3 *skip_ids, cd_names_write_fn w, void *ud,
                                cd_error *err) {
  sqlite3_stmt *ents = NULL, *forms = NULL, *ctx = NULL, *skip = NULL;
  cd_status st = CD_OK;
  if (sqlite3_prepare_v2(db, "SELECT eid, id, type FROM entities ORDER BY eid", -1, &ents, NULL) ||
      sqlite3_prepare_v2(db, "SELECT lang, kind, form FROM forms WHERE eid=? ORDER BY fid", -1,
                         &forms, NULL) ||
      sqlite3_prepare_v2(db,
                         "SELECT key, group_concat(value, ',') FROM context WHERE eid=? "
                         "GROUP BY key ORDER BY min(rowid)",
                         -1, &ctx, NULL) ||
      (skip_ids &&
       sqlite3_prepare_v2(skip_ids, "SELECT 1 FROM entities WHERE id=?", -1, &skip, NULL)))
    st = cd_error_set(err, CD_ERR_DB, "names export: %s", sqlite3_errmsg(db));
  cd_buf row = CD_BUF_INIT, var = CD_BUF_INIT;
  cd_status bs = CD_OK; /* the rows' appends */
  while (!st && sqlite3_step(ents) == SQLITE_ROW) {
    const char *id = (const char *)sqlite3_column_text(ents, 1);
    if (skip) {
      sqlite3_reset(skip);
      sqlite3_bind_text(skip, 1, id, -1, SQLITE_TRANSIENT);
      if (sqlite3_step(skip) == SQLITE_ROW)
        continue;
    }
    const char *canon[CD_NAMES_NLANG] = {0};
    char *owned[CD_NAMES_NLANG] = {0};
    cd_buf_clear(&row);
    cd_buf_clear(&var);
    sqlite3_reset(forms);
    sqlite3_bind_int64(forms, 1, sqlite3_column_int64(ents, 0));
    while (sqlite3_step(forms) == SQLITE_ROW) {
      const char *lang = (const char *)sqlite3_column_text(forms, 0);
      const char *kind = (const char *)sqlite3_column_text(forms, 1);
      const char *form = (const char *)sqlite3_column_text(forms, 2);
      if (!strcmp(kind, "canonical")) {
        for (int i = 0; i < CD_NAMES_NLANG; i++)
          if (!strcmp(lang, cd_names_langs[i]) && !canon[i])
            canon[i] = owned[i] = strdup(form);
      } else {
        CD_CHAIN(
            bs, cd_buf_appendf(&var, "%s%s%s%s", var.len ? "|" : "", lang, *lang ? ":" : "", form));
      }
    }
    CD_CHAIN(bs, cd_buf_appendf(&row, "%s\t%s", id, (const char *)sqlite3_column_text(ents, 2)));
    for (int i = 0; i < CD_NAMES_NLANG; i++)
      CD_CHAIN(bs, cd_buf_appendf(&row, "\t%s", canon[i] ? canon[i] : "-"));
    CD_CHAIN(bs, cd_buf_appendf(&row, "\t%s\t", var.len ? var.data : "-"));
    sqlite3_reset(ctx);
    sqlite3_bind_int64(ctx, 1, sqlite3_column_int64(ents, 0));
    size_t cstart = row.len;
    while (sqlite3_step(ctx) == SQLITE_ROW)
      CD_CHAIN(bs, cd_buf_appendf(&row, "%s%s=%s", row.len > cstart ? ";" : "",
                                  (const char *)sqlite3_column_text(ctx, 0),
                                  (const char *)sqlite3_column_text(ctx, 1)));
    if (row.len == cstart)
      CD_CHAIN(bs, cd_buf_append_str(&row, "-"));
    CD_CHAIN(bs, cd_buf_append_str(&row, "\n"));
    for (int i = 0; i < CD_NAMES_NLANG; i++)
      free(owned[i]);
    st = bs ? cd_error_set(err, bs, "out of memory") : w(ud, row.data, row.len, err);
  }
  cd_buf_free(&row);
  cd_buf_free(&var);
  sqlite3_finalize(ents);
  sqlite3_finalize(forms);
  sqlite3_finalize(ctx);
  sqlite3_finalize(skip);
  return st;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static cd_status export_dic(cd_names *names, const char *lang, cd_names_write_fn w, void *ud,
                            cd_error *err) {
  char **words = NULL;
  size_t n = 0, cap = 0;
  cd_status st = CD_OK;
  sqlite3 *dbs[2] = {cd_names__main_db(names), cd_names__house_db(names)};
  for (int d = 0; d < 2 && !st; d++) {
    if (!dbs[d])
      continue;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(dbs[d], "SELECT form FROM forms WHERE kind='canonical' AND lang=?", -1,
                           &q, NULL)) {
      st = cd_error_set(err, CD_ERR_DB, "names export: %s", sqlite3_errmsg(dbs[d]));
      break;
    }
    sqlite3_bind_text(q, 1, lang, -1, SQLITE_TRANSIENT);
    while (!st && sqlite3_step(q) == SQLITE_ROW) {
      const char *f = (const char *)sqlite3_column_text(q, 0);
      const char *p = f;
      while (*p) {
        while (*p == ' ')
          p++;
        const char *e = p;
        while (*e && *e != ' ')
          e++;
        if (e > p) {
          if (CD_GROW(words, n, cap)) {
            st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
            break;
          }
          words[n] = strndup(p, (size_t)(e - p));
          if (!words[n]) {
            st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
            break;
          }
          n++;
        }
        p = e;
      }
    }
    sqlite3_finalize(q);
  }
  if (!st) {
    qsort(words, n, sizeof *words, cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
      if (u == 0 || strcmp(words[u - 1], words[i]) != 0)
        words[u++] = words[i];
      else
        free(words[i]);
    n = u;
    char head[32];
    int hl = snprintf(head, sizeof head, "%zu\n", n);
    st = w(ud, head, (size_t)hl, err);
    for (size_t i = 0; i < n && !st; i++) {
      st = w(ud, words[i], strlen(words[i]), err);
      if (!st)
        st = w(ud, "\n", 1, err);
    }
  }
  for (size_t i = 0; i < n; i++)
    free(words[i]);
  free(words);
  return st;
}

cd_status cd_names_export(cd_names *db, cd_names_export_kind kind, const char *lang,
                          cd_names_write_fn w, void *ud, cd_error *err) {
  if (kind == CD_EXPORT_AFF) {
    static const char aff[] = "# hunspell affix file for the copydesk names dictionary\n"
                              "SET UTF-8\n"
                              "WORDCHARS -'’\n";
    return w(ud, aff, sizeof aff - 1, err);
  }
  if (cd_names__main_url(db))
    return cd_error_set(err, CD_ERR_USAGE,
                        "%s: names export reads a names.sqlite file; export the file that was "
                        "migrated to this database",
                        cd_names__main_url(db));
  if (kind == CD_EXPORT_DIC)
    return export_dic(db, lang ? lang : "en", w, ud, err);
  cd_status st = w(ud, tsv_header, sizeof tsv_header - 1, err);
  sqlite3 *m = cd_names__main_db(db), *h = cd_names__house_db(db);
  if (!st && m)
    st = export_tsv_src(m, h, w, ud, err);
  if (!st && h)
    st = export_tsv_src(h, NULL, w, ud, err);
  return st;
}
