/* SPDX-License-Identifier: MIT */
/* Fuzz harness: names lookup queries. names.sqlite of the build data and one scanner are
 * opened once for the whole run (as in a batch). The first byte picks the language and
 * whether fuzzy matching is on; the rest (valid UTF-8 only: the program decodes first) is
 * looked up as a span (cd_names_find_span) and scanned as running text (cd_names_scan, the
 * scanner reset per input). Invariants: hits are sorted best first with scores in [0,1]
 * and canonical forms are valid UTF-8; mentions come in order, inside the text, never across
 * a line end, with a non-empty valid UTF-8 canonical form and a confidence in [0,1]. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cd_names.h"
#include "fuzz_tmpfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct lookup_scan_state {
  const char *text;
  size_t len, last_start;
} lookup_scan_state;

static cd_status lookup_on_mention(void *ud, const cd_names_mention *m, cd_error *err) {
  (void)err;
  lookup_scan_state *s = ud;
  if (m->start >= m->end || m->end > s->len || m->start < s->last_start)
    abort();
  if (memchr(s->text + m->start, '\n', m->end - m->start))
    abort();
  if (!m->entity || !m->type || !m->rule || !m->canonical || !m->canonical_len ||
      !cd_utf8_is_valid(m->canonical, m->canonical_len))
    abort();
  if (!(m->confidence >= 0.0 && m->confidence <= 1.0))
    abort();
  s->last_start = m->start;
  return CD_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const langs[] = {"en", "fr", "de", "uk", "ru", "de-AT", "pl", "und"};
  static cd_names *db;
  static cd_names_scanner *sc;
  cd_error err;
  if (!db) {
    static char dbp[4096], tr[4096];
    snprintf(dbp, sizeof dbp, "%s/names.sqlite", cdf_data_dir());
    snprintf(tr, sizeof tr, "%s/translit", cdf_data_dir());
    cd_names_options o;
    cd_names_options_init(&o);
    o.db_path = dbp;
    o.translit_dir = tr;
    cd_names_scan_options so;
    cd_names_scan_options_init(&so);
    so.data_dir = cdf_data_dir();
    if (cd_names_open(&o, &db, &err) || cd_names_scanner_new(db, &so, &sc, &err)) {
      fprintf(stderr, "fuzz_names_lookup: %s\n", err.message);
      abort();
    }
  }
  if (size < 1)
    return 0;
  const char *lang = langs[data[0] & 7];
  const char *text = (const char *)data + 1;
  size_t len = size - 1;
  if (!cd_utf8_is_valid(text, len))
    return 0;
  cd_names_query q = {text, len, NULL, 0, lang, (data[0] & 0x80) != 0, (data[0] & 0x40) != 0};
  cd_names_hit hits[8];
  size_t n = 0, core = 0;
  bool keep = false;
  cd_buf out = CD_BUF_INIT;
  if (cd_names_find_span(db, &q, hits, 8, &n, &core, &keep, &err) == CD_OK) {
    if (n > 8 || core > len)
      abort();
    for (size_t i = 0; i < n; i++) {
      if (!(hits[i].score >= 0.0 && hits[i].score <= 1.0))
        abort();
      if (cd_names_canonical(db, &hits[i], lang, hits[i].part, &out, &err) == CD_OK &&
          !cd_utf8_is_valid(out.data ? out.data : "", out.len))
        abort();
    }
  }
  cd_buf_free(&out);
  cd_names_scanner_reset(sc);
  cd_names_scanner_set_line(sc, 1);
  lookup_scan_state st = {text, len, 0};
  if (cd_names_scan(sc, text, len, lang, lookup_on_mention, &st, &err) != CD_OK) {
    fprintf(stderr, "fuzz_names_lookup: scan failed on valid UTF-8: %s\n", err.message);
    abort();
  }
  return 0;
}
