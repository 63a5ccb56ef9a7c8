/* SPDX-License-Identifier: MIT */
/* The TM store on PostgreSQL, in a throwaway cluster (tests/support/pg_cluster.sh run sets
 * CDT_PG_URL): merging, all-or-nothing imports, concurrent writers and a reader, migrating
 * SQLite -> PostgreSQL -> SQLite, bulk adding (COPY and merge) against SQLite's, the candidate
 * search on indexes, and the same lookups as SQLite on the same data. test_fuzzy runs again against
 * PostgreSQL as tm_test_fuzzy_on_pg. */
#include "cd_test.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cd_fuzzy.h"
#include "cd_tm_store.h"

static cd_tm_store *open_at(const char *where) {
  cd_tm_store *s = NULL;
  cd_error err;
  cd_error_clear(&err);
  if (cd_tm_store_new(where, NULL, &s, &err))
    fail_msg("open %s: %s", where, err.message);
  return s;
}

/* Runs sql on the database at url; the first cell of the result, joined lines for a plan. */
static void pg_text(const char *url, const char *sql, cd_buf *out) {
  PGconn *c = PQconnectdb(url);
  assert_int_equal(PQstatus(c), CONNECTION_OK);
  PGresult *r = PQexec(c, sql);
  ExecStatusType t = PQresultStatus(r);
  if (t != PGRES_TUPLES_OK && t != PGRES_COMMAND_OK)
    fail_msg("%s: %s", sql, PQerrorMessage(c));
  cd_buf_clear(out);
  for (int i = 0; i < PQntuples(r); i++)
    assert_int_equal(cd_buf_appendf(out, "%s\n", PQgetvalue(r, i, PQnfields(r) - 1)), CD_OK);
  assert_int_equal(cd_buf_append(out, "", 0), CD_OK);
  PQclear(r);
  PQfinish(c);
}

/* Deterministic words: w0..w(k-1) spread so that some are rare and some common. */
static void sentence(cd_buf *b, unsigned *seed, size_t words) {
  cd_buf_clear(b);
  for (size_t i = 0; i < words; i++) {
    *seed = *seed * 1103515245u + 12345u;
    unsigned r = (*seed >> 16) % 1000;
    unsigned w = r < 500 ? r % 20 : r < 900 ? r % 400 : r * 7 % 5000;
    assert_int_equal(cd_buf_appendf(b, "%sword%u", i ? " " : "", w), CD_OK);
  }
  assert_int_equal(cd_buf_append(b, ".", 2), CD_OK);
}

static void seed_units(cd_tm_store *s, size_t n, unsigned seed) {
  cd_tm_unit *u = calloc(n, sizeof *u);
  char **src = calloc(n, sizeof *src);
  assert_non_null(u);
  cd_buf b = CD_BUF_INIT;
  for (size_t i = 0; i < n; i++) {
    sentence(&b, &seed, 6 + i % 9);
    src[i] = strdup(b.data);
    u[i] = cdt_unit("en", i % 5 ? "fr" : "de", src[i], i % 2 ? "cible une" : "cible deux");
  }
  cd_tm_add_counts c;
  cd_error err;
  assert_int_equal(cd_tm_store_add_units(s, u, n, -1, &c, &err), CD_OK);
  for (size_t i = 0; i < n; i++)
    free(src[i]);
  free(src);
  free(u);
  cd_buf_free(&b);
}

static void test_pg_add_merge_and_open(void **state) {
  (void)state;
  CDT_NEED_PG();
  const char *url = cdt_tm_location("merge");
  cd_error err;
  cd_error_clear(&err);
  cd_tm_store *ro = NULL;
  cd_tm_store_options o;
  cd_tm_store_options_init(&o);
  o.read_only = true;
  /* A reader finds no TM in an empty database and creates nothing. */
  assert_int_equal(cd_tm_store_new(url, &o, &ro, &err), CD_ERR_DB);
  assert_non_null(strstr(err.message, "no copydesk TM"));
  cd_tm_store *s = open_at(url);
  assert_true(cd_tm_is_url(url));
  cd_tm_unit u = cdt_unit("EN", "fr", "The minister resigned.", "Le ministre a démissionné.");
  u.usage = 2;
  bool merged = true;
  assert_int_equal(cd_tm_store_add(s, &u, &merged, &err), CD_OK);
  assert_false(merged);
  u.usage = 3;
  u.score = 0.75;
  assert_int_equal(cd_tm_store_add(s, &u, &merged, &err), CD_OK);
  assert_true(merged);
  assert_int_equal(cdt_tm_count(s), 1);
  cd_tm_stats st;
  assert_int_equal(cd_tm_store_stats(s, &st, NULL, NULL, &err), CD_OK);
  assert_int_equal(st.schema_version, 1);
  cd_tm_store_free(s);
  /* Reopened read-only: the unit, merged. Writes are refused. */
  assert_int_equal(cd_tm_store_new(url, &o, &ro, &err), CD_OK);
  cd_buf b = CD_BUF_INIT;
  pg_text(url, "SELECT src_lang || ' ' || usage || ' ' || score FROM units", &b);
  assert_string_equal(b.data, "en 5 0.75\n");
  assert_int_equal(cd_tm_store_add(ro, &u, NULL, &err), CD_ERR_USAGE);
  cd_tm_store_free(ro);
  /* Errors name the URL without its password. */
  const char *q = strstr(cdt_pg_url(), "?");
  char bad[4200];
  snprintf(bad, sizeof bad, "postgresql://copydesk:s3cret@/no_such_db%s", q);
  assert_int_equal(cd_tm_store_new(bad, NULL, &s, &err), CD_ERR_DB);
  assert_null(strstr(err.message, "s3cret"));
  assert_non_null(strstr(err.message, "postgresql://copydesk@/no_such_db"));
  assert_non_null(strstr(err.message, "no_such_db\" does not exist"));
  cd_buf_free(&b);
}

/* A walk whose callback walks the same store again (one connection, two cursors). */
static int count_one(void *ud, const cd_tm_unit *u) {
  (void)u;
  ++*(int *)ud;
  return 0;
}

typedef struct nested {
  cd_tm_store *s;
  int outer, inner;
} nested;

static int walk_again(void *ud, const cd_tm_unit *u) {
  (void)u;
  nested *n = ud;
  n->outer++;
  cd_error err;
  assert_int_equal(cd_tm_store_foreach(n->s, NULL, NULL, count_one, &n->inner, &err), CD_OK);
  return 0;
}

static void test_pg_import_all_or_nothing(void **state) {
  (void)state;
  CDT_NEED_PG();
  const char *url = cdt_tm_location("allornothing");
  cd_tm_store *s = open_at(url);
  cd_tm_unit u[3] = {cdt_unit("en", "fr", "One.", "Un."), cdt_unit("en", "fr", "Two.", "Deux."),
                     cdt_unit("en", "f r", "Three.", "Trois.")};
  cd_error err;
  assert_int_equal(cd_tm_store_add_units(s, u, 3, -1, NULL, &err), CD_ERR_INPUT);
  assert_int_equal(cdt_tm_count(s), 0);
  cd_buf b = CD_BUF_INIT;
  pg_text(url, "SELECT (SELECT count(*) FROM unit_terms) + (SELECT count(*) FROM term_df)", &b);
  assert_string_equal(b.data, "0\n");
  /* A bad unit after two batches merged (5,000 units each): nothing either, and the
   * connection is usable afterwards. */
  enum { MANY = 10200 };
  cd_tm_unit *many = calloc(MANY, sizeof *many);
  char(*texts)[32] = calloc(MANY, sizeof *texts);
  assert_true(many && texts);
  for (int i = 0; i < MANY; i++) {
    snprintf(texts[i], sizeof texts[i], "Unit %d.", i);
    many[i] = cdt_unit("en", i == 10100 ? "f r" : "fr", texts[i], texts[i]);
  }
  assert_int_equal(cd_tm_store_add_units(s, many, MANY, -1, NULL, &err), CD_ERR_INPUT);
  assert_int_equal(cdt_tm_count(s), 0);
  pg_text(url, "SELECT (SELECT count(*) FROM unit_terms) + (SELECT count(*) FROM term_df)", &b);
  assert_string_equal(b.data, "0\n");
  cd_tm_add_counts k;
  many[10100].tgt_lang = "fr";
  many[5] = many[4]; /* a duplicate inside the batch is merged */
  assert_int_equal(cd_tm_store_add_units(s, many, MANY, -1, &k, &err), CD_OK);
  assert_int_equal(k.added, MANY - 1);
  assert_int_equal(k.merged, 1);
  assert_int_equal(cdt_tm_count(s), MANY - 1);
  pg_text(url, "SELECT n FROM term_df WHERE term = 'unit'", &b);
  assert_int_equal(strtol(b.data, NULL, 10), MANY - 1);
  free(many);
  free(texts);
  pg_text(url, "TRUNCATE units, unit_terms, term_df", &b);
  /* A caller's transaction rolled back leaves nothing either. */
  assert_int_equal(cd_tm_store_begin(s, &err), CD_OK);
  assert_int_equal(cd_tm_store_add_units(s, u, 2, -1, NULL, &err), CD_OK);
  cd_tm_store_rollback(s);
  assert_int_equal(cdt_tm_count(s), 0);
  /* And a good one commits everything. */
  assert_int_equal(cd_tm_store_add_units(s, u, 2, -1, NULL, &err), CD_OK);
  assert_int_equal(cdt_tm_count(s), 2);
  pg_text(url, "SELECT string_agg(term || '=' || n, ' ' ORDER BY term) FROM term_df", &b);
  assert_string_equal(b.data, "one=1 two=1\n");
  nested nw = {s, 0, 0};
  assert_int_equal(cd_tm_store_foreach(s, NULL, NULL, walk_again, &nw, &err), CD_OK);
  assert_int_equal(nw.outer, 2);
  assert_int_equal(nw.inner, 4);
  cd_tm_store_free(s);
  cd_buf_free(&b);
}

/* A writer process: `n` units of its own and the 100 shared ones, in transactions of 50. */
static void writer(const char *url, int who, int n) {
  cd_tm_store *s = NULL;
  cd_error err;
  if (cd_tm_store_new(url, NULL, &s, &err))
    _exit(10);
  char src[64], tgt[64];
  for (int i = 0; i < n + 100; i += 50) {
    cd_tm_unit u[50];
    char texts[50][2][64];
    for (int k = 0; k < 50; k++) {
      int j = i + k;
      if (j < 100) {
        snprintf(src, sizeof src, "shared sentence number %d.", j);
        snprintf(tgt, sizeof tgt, "phrase commune %d.", j);
      } else {
        snprintf(src, sizeof src, "writer %d sentence number %d.", who, j);
        snprintf(tgt, sizeof tgt, "phrase %d de %d.", j, who);
      }
      memcpy(texts[k][0], src, sizeof src);
      memcpy(texts[k][1], tgt, sizeof tgt);
      u[k] = cdt_unit("en", "fr", texts[k][0], texts[k][1]);
    }
    if (cd_tm_store_add_units(s, u, 50, -1, NULL, &err)) {
      fprintf(stderr, "writer %d: %s\n", who, err.message);
      _exit(11);
    }
  }
  cd_tm_store_free(s);
  _exit(0);
}

/* A reader: counts never go down, lookups never fail. */
static void reader(const char *url, int rounds) {
  cd_tm_store *s = NULL;
  cd_error err;
  if (cd_tm_store_new(url, NULL, &s, &err))
    _exit(20);
  int64_t last = 0;
  cd_fuzzy_options o;
  cd_fuzzy_options_init(&o);
  for (int i = 0; i < rounds; i++) {
    cd_tm_stats st;
    if (cd_tm_store_stats(s, &st, NULL, NULL, &err) || st.units < last)
      _exit(21);
    last = st.units;
    cd_fuzzy_results *r = NULL;
    const char *q = "shared sentence number 7.";
    if (cd_fuzzy_lookup(s, q, strlen(q), &o, &r, &err))
      _exit(22);
    cd_fuzzy_results_free(r);
  }
  cd_tm_store_free(s);
  _exit(0);
}

static void test_pg_concurrent_writers_and_reader(void **state) {
  (void)state;
  CDT_NEED_PG();
  const char *loc = cdt_tm_location("concurrent");
  char url[4200];
  snprintf(url, sizeof url, "%s", loc);
  cd_tm_store *s = open_at(url); /* the schema first, as any first user would */
  cd_tm_store_free(s);
  pid_t kids[3];
  for (int i = 0; i < 3; i++) {
    kids[i] = fork();
    assert_true(kids[i] >= 0);
    if (kids[i] == 0) {
      if (i < 2)
        writer(url, i, 400);
      reader(url, 200);
    }
  }
  for (int i = 0; i < 3; i++) {
    int status = 0;
    assert_int_equal(waitpid(kids[i], &status, 0), kids[i]);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
  }
  s = open_at(url);
  assert_int_equal(cdt_tm_count(s), 100 + 2 * 400);
  cd_tm_store_free(s);
  /* Nothing lost or doubled in the index either: every unit holds "sentence" once. */
  cd_buf b = CD_BUF_INIT;
  pg_text(url,
          "SELECT (SELECT n FROM term_df WHERE term = 'sentence') || ' ' ||"
          " (SELECT count(*) FROM unit_terms WHERE term = 'sentence' AND col = 0) || ' ' ||"
          " (SELECT n FROM term_df WHERE term = 'shared') || ' ' ||"
          " (SELECT sum(usage) FROM units)",
          &b);
  assert_string_equal(b.data, "900 900 100 0\n");
  cd_buf_free(&b);
}

/* The TMX of a TM, the header's creationdate (the time of the export) blanked. */
static void export_tmx(const char *where, cd_buf *out) {
  const char *argv[] = {"copydesk", "tm", "export", "--tm", where, "-o", "-", NULL};
  cd_buf err = CD_BUF_INIT;
  if (cdt_run(argv, NULL, 0, out, &err) != 0)
    fail_msg("tm export %s: %s", where, err.data);
  char *h = strstr(out->data, "<header ");
  char *d = h ? strstr(h, " creationdate=\"") : NULL;
  char *nl = h ? strchr(h, '\n') : NULL;
  if (d && (!nl || d < nl))
    memset(d + 15, 'X', 16);
  cd_buf_free(&err);
}

/* Fails with the first differing line. */
static void same_text(const char *an, const cd_buf *a, const char *bn, const cd_buf *b) {
  size_t i = 0, line = 1, start = 0;
  while (i < a->len && i < b->len && a->data[i] == b->data[i])
    if (a->data[i++] == '\n') {
      line++;
      start = i;
    }
  if (i == a->len && i == b->len)
    return;
  fail_msg("line %zu differs:\n%s: %.80s\n%s: %.80s", line, an, a->data + start, bn,
           b->data + start);
}

static void test_pg_migrate_round_trip(void **state) {
  (void)state;
  CDT_NEED_PG();
  char a[4200], b[4200];
  snprintf(a, sizeof a, "%s", cdt_tmpfile("mig-a.sqlite"));
  unlink(a);
  snprintf(b, sizeof b, "%s", cdt_tmpfile("mig-b.sqlite"));
  unlink(b);
  const char *pg = cdt_tm_location("migrate");
  cd_tm_store *sa = open_at(a);
  seed_units(sa, 2500, 7);
  cd_tm_unit u = cdt_unit("en-GB", "de", "With <b>tags</b>.", "Mit <b>Tags</b>.");
  u.source_markup = "With <bpt i=\"1\">&lt;b&gt;</bpt>tags<ept i=\"1\">&lt;/b&gt;</ept>.";
  u.origin_doc = "desk/a\x01.txt";
  u.origin_date = 1700000000;
  u.score = 0.5;
  u.created = 1600000000;
  u.usage = 4;
  cd_error err;
  assert_int_equal(cd_tm_store_add(sa, &u, NULL, &err), CD_OK);
  cd_tm_store *sp = open_at(pg), *sb = open_at(b);
  cd_tm_add_counts c;
  assert_int_equal(cd_tm_store_copy(sa, sp, NULL, NULL, &c, &err), CD_OK);
  assert_int_equal(c.added, cdt_tm_count(sa));
  assert_int_equal(cd_tm_store_copy(sp, sb, NULL, NULL, &c, &err), CD_OK);
  assert_int_equal(c.added, cdt_tm_count(sa));
  cd_tm_store_free(sa);
  cd_tm_store_free(sp);
  cd_tm_store_free(sb);
  cd_buf ea = CD_BUF_INIT, ep = CD_BUF_INIT, eb = CD_BUF_INIT;
  export_tmx(a, &ea);
  export_tmx(pg, &ep);
  export_tmx(b, &eb);
  assert_true(ea.len > 100000);
  same_text("sqlite", &ea, "postgresql", &ep);
  same_text("sqlite", &ea, "sqlite again", &eb);
  /* Through the CLI into a new database. */
  const char *pg2 = cdt_tm_location("migrate2");
  const char *argv[] = {"copydesk", "tm", "migrate", "--from", b, "--to", pg2, NULL};
  cd_buf out = CD_BUF_INIT, errs = CD_BUF_INIT;
  if (cdt_run(argv, NULL, 0, &out, &errs) != 0)
    fail_msg("tm migrate: %s", errs.data);
  assert_non_null(strstr(errs.data, "2501 units added, 0 merged"));
  export_tmx(pg2, &ep);
  same_text("sqlite", &ea, "postgresql after tm migrate", &ep);
  cd_buf_free(&ea);
  cd_buf_free(&ep);
  cd_buf_free(&eb);
  cd_buf_free(&out);
  cd_buf_free(&errs);
}

/* The term counts of a SQLite TM, as pg_text gives PostgreSQL's. */
static void sqlite_term_df(const char *path, cd_buf *out) {
  sqlite3 *db;
  assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  sqlite3_stmt *st;
  assert_int_equal(
      sqlite3_prepare_v2(db, "SELECT term || '=' || n FROM term_df ORDER BY term", -1, &st, NULL),
      SQLITE_OK);
  cd_buf_clear(out);
  while (sqlite3_step(st) == SQLITE_ROW)
    assert_int_equal(cd_buf_appendf(out, "%s\n", (const char *)sqlite3_column_text(st, 0)), CD_OK);
  assert_int_equal(cd_buf_append(out, "", 0), CD_OK);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

/* Units for the bulk test: texts with the bytes COPY escapes (tab, newline, CR, backslash)
 * and array literals quote, markup, origins and dates; the last ones repeat earlier ones (in
 * another batch, later, used), and one repeats its neighbour (in the same batch). */
enum { BULK = 12000, BULK_REPEATS = 1500 };

static void bulk_units(cd_tm_unit *u, char (*src)[96], char (*tgt)[96], char (*mk)[128]) {
  static const char *const odd[] = {
      "tab\there",           "two\nlines",       "cr\r\nlf", "back\\slash",
      "\"quoted\" {braces}", "comma, and; more", "NULL",     "\\N"};
  for (int i = 0; i < BULK; i++) {
    int j = i >= BULK - BULK_REPEATS ? (i - (BULK - BULK_REPEATS)) * 7 : i;
    if (i == 7001)
      j = 7000;
    snprintf(src[i], sizeof src[i], "Bulk sentence %d, %s, item%d.", j, odd[j % 8], j % 50);
    snprintf(tgt[i], sizeof tgt[i], "Phrase %d : %s (élément%d).", j, odd[(j + 3) % 8], j % 30);
    u[i] = cdt_unit("en", j % 4 ? "fr" : "de", src[i], tgt[i]);
    if (j % 9 == 0) {
      snprintf(mk[i], sizeof mk[i], "<bpt i=\"1\">&lt;b&gt;</bpt>%s<ept i=\"1\">&lt;/b&gt;</ept>",
               src[i]);
      u[i].source_markup = mk[i];
    }
    u[i].origin_doc = j % 5 ? "desk\\in\tbox.txt" : NULL;
    u[i].created = 1600000000 + j;
    u[i].changed = 1600000000 + j + (i != j ? 1000 : 0);
    u[i].usage = i != j ? 2 : j % 3;
    u[i].score = i != j ? 0.25 : j % 6 ? -1 : 0.5;
    u[i].origin_date = j % 7 ? 0 : 1500000000 + j;
  }
}

/* Bulk adding merges, counts and indexes as SQLite does: same counts, same TMX, same term
 * counts, through cd_tm_store_add_units and a caller's bulk of cd_tm_store_add. */
static void test_pg_bulk_same_as_sqlite(void **state) {
  (void)state;
  CDT_NEED_PG();
  cd_tm_unit *u = calloc(BULK, sizeof *u);
  char(*src)[96] = calloc(BULK, sizeof *src), (*tgt)[96] = calloc(BULK, sizeof *tgt);
  char(*mk)[128] = calloc(BULK, sizeof *mk);
  assert_true(u && src && tgt && mk);
  bulk_units(u, src, tgt, mk);
  char path[4200];
  snprintf(path, sizeof path, "%s", cdt_tmpfile("bulk.sqlite"));
  unlink(path);
  const char *loc = cdt_tm_location("bulk");
  char url[4200];
  snprintf(url, sizeof url, "%s", loc);
  cd_tm_store *sq = open_at(path), *pg = open_at(url);
  cd_tm_add_counts a, b;
  cd_error err;
  assert_int_equal(cd_tm_store_add_units(sq, u, BULK, -1, &a, &err), CD_OK);
  assert_int_equal(cd_tm_store_add_units(pg, u, BULK, -1, &b, &err), CD_OK);
  assert_int_equal(a.added, BULK - BULK_REPEATS - 1);
  assert_int_equal(a.merged, BULK_REPEATS + 1);
  assert_int_equal(b.added, a.added);
  assert_int_equal(b.merged, a.merged);
  /* Again, unit by unit in the caller's transaction and bulk: everything merges. */
  cd_tm_add_counts k = {0, 0, 0};
  assert_int_equal(cd_tm_store_begin(pg, &err), CD_OK);
  assert_int_equal(cd_tm_store_bulk_begin(pg, &err), CD_OK);
  for (int i = 0; i < 6000; i++) {
    bool merged = true;
    assert_int_equal(cd_tm_store_add(pg, &u[i], &merged, &err), CD_OK);
    assert_false(merged); /* not known before bulk_end */
  }
  assert_int_equal(cd_tm_store_bulk_end(pg, &k, &err), CD_OK);
  assert_int_equal(cd_tm_store_commit(pg, &err), CD_OK);
  assert_int_equal(k.added, 0);
  assert_int_equal(k.merged, 6000);
  assert_int_equal(cd_tm_store_add_units(sq, u, 6000, -1, &a, &err), CD_OK);
  assert_int_equal(a.merged, 6000);
  cd_tm_store_free(sq);
  cd_tm_store_free(pg);
  cd_buf ea = CD_BUF_INIT, ep = CD_BUF_INIT;
  export_tmx(path, &ea);
  export_tmx(url, &ep);
  assert_non_null(strstr(ea.data, "tab\there"));
  same_text("sqlite", &ea, "postgresql", &ep);
  sqlite_term_df(path, &ea);
  pg_text(url, "SELECT term || '=' || n FROM term_df ORDER BY term", &ep);
  assert_true(ea.len > 100);
  same_text("sqlite term_df", &ea, "postgresql term_df", &ep);
  /* One index row per distinct term of each column of each unit. */
  pg_text(url,
          "SELECT count(*) FROM (SELECT unit_id, col, term FROM unit_terms GROUP BY 1, 2, 3"
          " HAVING count(*) > 1) d",
          &ep);
  assert_string_equal(ep.data, "0\n");
  pg_text(url, "SELECT count(DISTINCT unit_id) FROM unit_terms", &ep);
  assert_int_equal(strtol(ep.data, NULL, 10), BULK - BULK_REPEATS - 1);
  cd_buf_free(&ea);
  cd_buf_free(&ep);
  free(u);
  free(src);
  free(tgt);
  free(mk);
}

static void test_pg_candidates_use_indexes(void **state) {
  (void)state;
  CDT_NEED_PG();
  const char *loc = cdt_tm_location("explain");
  char url[4200];
  snprintf(url, sizeof url, "%s", loc);
  cd_tm_store *s = open_at(url);
  seed_units(s, 20000, 3);
  cd_tm_store_free(s);
  cd_buf b = CD_BUF_INIT;
  pg_text(url, "ANALYZE", &b);
  /* The three queries of a lookup: term counts, a term's postings, the ranked units. */
  static const char *const plans[] = {
      "EXPLAIN SELECT n FROM term_df WHERE term = 'word4321'",
      "EXPLAIN SELECT unit_id FROM unit_terms WHERE term = 'word4321' AND col = 0"
      " ORDER BY unit_id",
      "EXPLAIN SELECT u.id FROM unnest('{5,77,1234,19999}'::bigint[]) WITH ORDINALITY AS q(id, ord)"
      " JOIN units u ON u.id = q.id ORDER BY q.ord",
  };
  for (size_t i = 0; i < sizeof plans / sizeof plans[0]; i++) {
    pg_text(url, plans[i], &b);
    if (strstr(b.data, "Seq Scan") || !strstr(b.data, "Index"))
      fail_msg("%s\n%s", plans[i], b.data);
  }
  /* 20,000 units and some 200,000 index rows: a lookup stays well under a second. */
  s = open_at(url);
  cd_fuzzy_options o;
  cd_fuzzy_options_init(&o);
  o.min_score = 0;
  cd_buf q = CD_BUF_INIT;
  unsigned seed = 3;
  sentence(&q, &seed, 6);
  cd_fuzzy_results *r = NULL;
  cd_error err;
  assert_int_equal(cd_fuzzy_lookup(s, q.data, q.len - 1, &o, &r, &err), CD_OK);
  assert_true(cd_fuzzy_results_count(r) > 0);
  assert_int_equal(cd_fuzzy_results_get(r, 0)->score, 100);
  cd_fuzzy_results_free(r);
  cd_tm_store_free(s);
  cd_buf_free(&q);
  cd_buf_free(&b);
}

static void test_pg_lookup_same_as_sqlite(void **state) {
  (void)state;
  CDT_NEED_PG();
  char path[4200];
  snprintf(path, sizeof path, "%s", cdt_tmpfile("same.sqlite"));
  unlink(path);
  cd_tm_store *sq = open_at(path), *pg = open_at(cdt_tm_location("same"));
  seed_units(sq, 3000, 11);
  seed_units(pg, 3000, 11);
  cd_fuzzy_options o;
  cd_fuzzy_options_init(&o);
  o.min_score = 30;
  o.max_results = 10;
  cd_buf q = CD_BUF_INIT;
  unsigned seed = 99;
  size_t hits = 0;
  for (int k = 0; k < 40; k++) {
    sentence(&q, &seed, 5 + (size_t)k % 8);
    o.tgt_lang = k % 3 ? NULL : "de";
    cd_fuzzy_results *a = NULL, *b = NULL;
    cd_error err;
    assert_int_equal(cd_fuzzy_lookup(sq, q.data, q.len - 1, &o, &a, &err), CD_OK);
    assert_int_equal(cd_fuzzy_lookup(pg, q.data, q.len - 1, &o, &b, &err), CD_OK);
    assert_int_equal(cd_fuzzy_results_count(a), cd_fuzzy_results_count(b));
    for (size_t i = 0; i < cd_fuzzy_results_count(a); i++) {
      const cd_fuzzy_match *x = cd_fuzzy_results_get(a, i), *y = cd_fuzzy_results_get(b, i);
      assert_int_equal(x->id, y->id);
      assert_int_equal(x->score, y->score);
      assert_string_equal(x->source, y->source);
      assert_string_equal(x->target, y->target);
      hits++;
    }
    cd_fuzzy_results_free(a);
    cd_fuzzy_results_free(b);
  }
  assert_true(hits > 40);
  cd_tm_store_free(sq);
  cd_tm_store_free(pg);
  cd_buf_free(&q);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pg_add_merge_and_open),
      cmocka_unit_test(test_pg_import_all_or_nothing),
      cmocka_unit_test(test_pg_concurrent_writers_and_reader),
      cmocka_unit_test(test_pg_migrate_round_trip),
      cmocka_unit_test(test_pg_bulk_same_as_sqlite),
      cmocka_unit_test(test_pg_candidates_use_indexes),
      cmocka_unit_test(test_pg_lookup_same_as_sqlite),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
