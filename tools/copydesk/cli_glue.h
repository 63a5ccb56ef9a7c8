/* SPDX-License-Identifier: MIT */
/* cli_glue.h — the program's glue between the libraries that more than one command uses:
 * the names store behind fuzzy lookup's and check's callbacks, and the JSON shapes of names
 * lookup and TM lookup results. `copydesk serve` answers with the same functions as the
 * command line, so both give the same results in the same shapes. */
#ifndef CD_CLI_GLUE_H
#define CD_CLI_GLUE_H

#include <json-c/json.h>
#include <stdbool.h>

#include "cd_check.h"
#include "cd_fuzzy.h"
#include "cd_names.h"

/* ---- names as placeables in TM lookup --------------------------------------------------- */

typedef struct cli_tm_names {
  cd_names *db;
  cd_names_scanner *sc;
  bool owned; /* db and sc were opened by cli_tm_names_open */
  cd_fuzzy_entity_emit emit;
  void *emit_ctx;
} cli_tm_names;

/* Opens the names store of the data directory; false (silently when there is none, with a
 * message naming sub when it cannot be opened) when names stay plain words. */
bool cli_tm_names_open(cli_tm_names *g, const char *sub);
/* Uses a store and scanner the caller keeps (not freed by cli_tm_names_close). */
void cli_tm_names_borrow(cli_tm_names *g, cd_names *db, cd_names_scanner *sc);
void cli_tm_names_close(cli_tm_names *g);
/* Sets o's entity callbacks to g. */
void cli_tm_names_use(cli_tm_names *g, cd_fuzzy_options *o);

/* One hit of `tm lookup --format json`. */
json_object *cli_tm_match_json(const cd_fuzzy_match *m);
/* `tm lookup --format json`: {"query", "results":[...]} */
json_object *cli_tm_results_json(const char *query, const cd_fuzzy_results *res);

/* ---- names mentions for the names.* checks ---------------------------------------------- */

typedef struct cli_check_names {
  cd_names *db;
  cd_names_scanner *sc;
  bool owned;
  cd_buf canon;
  cd_mention_emit emit;
  void *emit_ctx;
  size_t *known; /* the spans of the entities found: no unknown name inside them */
  size_t n_known, cap_known;
} cli_check_names;

/* Opens the names store (data_dir/names.sqlite, with the house overlay); 1 (said on stderr)
 * when there is none (the names.* checks are skipped), -1 on error (reported), 0 ok. */
int cli_check_names_open(cli_check_names *x, const char *data_dir, const char *house);
void cli_check_names_borrow(cli_check_names *x, cd_names *db, cd_names_scanner *sc);
void cli_check_names_close(cli_check_names *x);
/* The cd_mention_fn over x (mentions_ud = x). */
cd_status cli_check_names_mentions(void *ud, const char *text, size_t len, const char *lang,
                                   cd_mention_emit emit, void *ctx, cd_error *err);

/* ---- names lookup ------------------------------------------------------------------------ */

/* `names lookup --format json` for query with the canonical forms in lang: {"query",
 * "results":[{"id","type","form","canonical":{lang:form},"score","confident","why"
 * [,"forms"]}]}, best first; data_dir serves the scanner (inflected forms). *confident is
 * true when a result is confident (score >= threshold, no near tie). NULL on error (err). */
json_object *cli_names_lookup_json(cd_names *db, cd_names_scanner *sc, const char *data_dir,
                                   const char *query, const char *lang, bool all, double threshold,
                                   bool *confident, cd_error *err);

#endif
