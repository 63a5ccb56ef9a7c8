/* SPDX-License-Identifier: MIT */
/* The glue between the libraries that several commands (and `copydesk serve`) share. */
#include "cli_glue.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* ---- names as placeables in TM lookup: the names store behind cd_fuzzy's callbacks ------ */

static cd_status glue_on_mention(void *ud, const cd_names_mention *m, cd_error *err) {
  (void)err;
  cli_tm_names *g = ud;
  if (!m->is_canonical && !m->rewrite)
    return CD_OK; /* a near-miss: not sure enough to rewrite anything */
  cd_fuzzy_entity e = {m->start, m->end, m->entity};
  return g->emit(g->emit_ctx, &e);
}

static cd_status glue_mentions(void *ud, const char *text, size_t len, const char *lang,
                               cd_fuzzy_entity_emit emit, void *ctx, cd_error *err) {
  cli_tm_names *g = ud;
  g->emit = emit;
  g->emit_ctx = ctx;
  cd_names_scanner_reset(g->sc); /* every segment is a document of its own */
  return cd_names_scan(g->sc, text, len, lang, glue_on_mention, g, err);
}

/* The hit for entity id among the entities the span names; false when none. */
static cd_status find_entity(cli_tm_names *g, const char *id, const char *span, size_t len,
                             const char *lang, cd_names_hit *out, size_t *core, bool *keep,
                             bool *found, cd_error *err) {
  cd_names_hit hits[8];
  size_t n = 0;
  cd_names_query q = {span, len, NULL, 0, lang, true, false};
  *found = false;
  cd_status st = cd_names_find_span(g->db, &q, hits, 8, &n, core, keep, err);
  for (size_t i = 0; i < n && !st; i++)
    if (!id || strcmp(hits[i].id, id) == 0) {
      *out = hits[i];
      *found = true;
      break;
    }
  return st;
}

static cd_status glue_form(void *ud, const char *id, const char *from, size_t from_len,
                           const char *from_lang, const char *to_lang, const char *like,
                           size_t like_len, cd_buf *out, cd_error *err) {
  cli_tm_names *g = ud;
  cd_names_hit qh, th;
  size_t core, tcore;
  bool keep, tkeep, found, tfound;
  cd_status st = find_entity(g, id, from, from_len, from_lang, &qh, &core, &keep, &found, err);
  if (!st && !found)
    return cd_error_set(err, CD_ERR_INPUT, "no entity %s in '%.*s'", id, (int)from_len, from);
  /* the span it replaces says full name or surname alone, and keeps its suffix (Scholz's) */
  if (!st)
    st = find_entity(g, NULL, like, like_len, to_lang, &th, &tcore, &tkeep, &tfound, err);
  if (st)
    return st;
  /* a case form (Шольцом, Берліні) would need the new name declined: left alone */
  if (!tfound || th.level != CD_MATCH_EXACT)
    return cd_error_set(err, CD_ERR_INPUT, "'%.*s' is not a listed form", (int)like_len, like);
  qh.part = th.part;
  cd_buf_clear(out);
  return cd_names_replacement(g->db, &qh, to_lang, like, tcore, like_len, tkeep, out, err);
}

bool cli_tm_names_open(cli_tm_names *g, const char *sub) {
  memset(g, 0, sizeof *g);
  const char *data = cli_data_dir();
  if (!data)
    return false;
  bool ok = false;
  cd_error err;
  cd_error_clear(&err);
  cd_names_scan_options so;
  cd_names_scan_options_init(&so);
  so.data_dir = data;
  if (cd_names_open_dir(data, cli_names_db(), NULL, &g->db, NULL, &err) ||
      (g->db && cd_names_scanner_new(g->db, &so, &g->sc, &err)))
    cli_error(sub, "names store left out: %s", err.message);
  else
    ok = g->db != NULL;
  if (!ok) {
    cd_names_scanner_free(g->sc);
    cd_names_free(g->db);
    memset(g, 0, sizeof *g);
  }
  g->owned = ok;
  return ok;
}

void cli_tm_names_borrow(cli_tm_names *g, cd_names *db, cd_names_scanner *sc) {
  memset(g, 0, sizeof *g);
  g->db = db;
  g->sc = sc;
}

void cli_tm_names_close(cli_tm_names *g) {
  if (g->owned) {
    cd_names_scanner_free(g->sc);
    cd_names_free(g->db);
  }
  memset(g, 0, sizeof *g);
}

void cli_tm_names_use(cli_tm_names *g, cd_fuzzy_options *o) {
  o->mentions = glue_mentions;
  o->entity_form = glue_form;
  o->entity_ud = g;
}

json_object *cli_tm_match_json(const cd_fuzzy_match *m) {
  json_object *r = json_object_new_object();
  json_object_object_add(r, "id", json_object_new_int64(m->id));
  json_object_object_add(r, "score", json_object_new_int(m->score));
  json_object_object_add(r, "adapted", json_object_new_boolean(m->adapted));
  json_object_object_add(r, "adapted_numbers", json_object_new_int64((int64_t)m->adapted_numbers));
  json_object_object_add(r, "adapted_names", json_object_new_int64((int64_t)m->adapted_names));
  json_object_object_add(r, "src_lang", json_object_new_string(m->src_lang));
  json_object_object_add(r, "tgt_lang", json_object_new_string(m->tgt_lang));
  json_object_object_add(r, "source", json_object_new_string(m->source));
  json_object_object_add(r, "target", json_object_new_string(m->target));
  json_object_object_add(r, "unit_target", json_object_new_string(m->unit_target));
  json_object_object_add(r, "origin", m->origin_doc ? json_object_new_string(m->origin_doc) : NULL);
  json_object_object_add(r, "usage", json_object_new_int64(m->usage));
  return r;
}

json_object *cli_tm_results_json(const char *query, const cd_fuzzy_results *res) {
  json_object *root = json_object_new_object(), *arr = json_object_new_array();
  json_object_object_add(root, "query", json_object_new_string(query));
  size_t n = cd_fuzzy_results_count(res);
  for (size_t i = 0; i < n; i++)
    json_object_array_add(arr, cli_tm_match_json(cd_fuzzy_results_get(res, i)));
  json_object_object_add(root, "results", arr);
  return root;
}

/* ---- names: mentions from the names store, for the names.* checks ---------------------- */

static cd_status remember_span(cli_check_names *x, size_t b, size_t e) {
  /* the array holds pairs: one element is two size_t */
  if (cd_grow((void **)&x->known, x->n_known, &x->cap_known, 2 * sizeof *x->known))
    return CD_ERR_NOMEM;
  x->known[2 * x->n_known] = b;
  x->known[2 * x->n_known++ + 1] = e;
  return CD_OK;
}

static cd_status on_names_mention(void *ud, const cd_names_mention *m, cd_error *err) {
  (void)err;
  cli_check_names *x = ud;
  if (remember_span(x, m->start, m->end))
    return CD_ERR_NOMEM;
  if (!m->is_canonical && !m->rewrite)
    return CD_OK; /* a near-miss the names stage only flags: not sure enough to report */
  cd_buf_clear(&x->canon);
  if (cd_buf_append(&x->canon, m->canonical, m->canonical_len))
    return CD_ERR_NOMEM;
  cd_mention cm = {.start = m->start,
                   .end = m->end,
                   .entity = m->entity,
                   .canonical = cd_buf_at(&x->canon, 0),
                   .is_canonical = m->is_canonical};
  return x->emit(x->emit_ctx, &cm);
}

static cd_status on_unknown_name(void *ud, const cd_names_unknown *u, cd_error *err) {
  (void)err;
  cli_check_names *x = ud;
  cd_mention cm = {.start = u->start,
                   .end = u->end,
                   .surname_key = u->surname_key,
                   .given_key = u->given_key,
                   .surname_start = u->surname_start,
                   .surname_end = u->surname_end,
                   .given_end = u->given_end,
                   .surname_stem_end = u->surname_stem_end,
                   .given_stem_end = u->given_stem_end};
  return x->emit(x->emit_ctx, &cm);
}

cd_status cli_check_names_mentions(void *ud, const char *text, size_t len, const char *lang,
                                   cd_mention_emit emit, void *ctx, cd_error *err) {
  cli_check_names *x = ud;
  x->emit = emit;
  x->emit_ctx = ctx;
  x->n_known = 0;
  cd_status st = cd_names_scan(x->sc, text, len, lang, on_names_mention, x, err);
  if (!st)
    st = cd_names_scan_unknown(x->sc, text, len, lang, x->known, x->n_known, on_unknown_name, x,
                               err);
  return st;
}

int cli_check_names_open(cli_check_names *x, const char *data_dir, const char *house) {
  memset(x, 0, sizeof *x);
  cd_names_scan_options so;
  cd_names_scan_options_init(&so);
  so.data_dir = data_dir;
  cd_error err;
  cd_error_clear(&err);
  x->owned = true;
  if (cd_names_open_dir(data_dir, cli_names_db(), house, &x->db, NULL, &err) ||
      (x->db && cd_names_scanner_new(x->db, &so, &x->sc, &err))) {
    cli_error("check", "%s", err.message);
    return -1;
  }
  if (!x->db) {
    cli_error("check", "no names store at %s/names.sqlite: the names.* checks are skipped",
              data_dir ? data_dir : ".");
    return 1;
  }
  return 0;
}

void cli_check_names_borrow(cli_check_names *x, cd_names *db, cd_names_scanner *sc) {
  memset(x, 0, sizeof *x);
  x->db = db;
  x->sc = sc;
}

void cli_check_names_close(cli_check_names *x) {
  if (x->owned) {
    cd_names_scanner_free(x->sc);
    cd_names_free(x->db);
  }
  cd_buf_free(&x->canon);
  free(x->known);
  memset(x, 0, sizeof *x);
}
