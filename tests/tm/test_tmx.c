/* SPDX-License-Identifier: MIT */
/* TMX and TSV import, TMX 1.4b export: round trip, OmegaT files, bad and hostile files. */
#include "cd_test.h"

#include <libxml/parser.h>
#include <libxml/valid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cd_tm_store.h"
#include "cd_tmx.h"

/* All units as text lines, for comparing two TMs. */
static int dump_unit(void *ud, const cd_tm_unit *u) {
  cd_buf *b = ud;
  assert_int_equal(
      cd_buf_appendf(b, "%s|%s|%s|%s|%s|%s|%s|%lld|%.4f|%lld\n", u->src_lang, u->tgt_lang,
                     u->source, u->target, u->source_markup ? u->source_markup : "-",
                     u->target_markup ? u->target_markup : "-", u->origin_doc ? u->origin_doc : "-",
                     (long long)u->usage, u->score, (long long)u->created),
      CD_OK);
  return 0;
}

static void dump(cd_tm_store *s, cd_buf *out) {
  cd_error err;
  cd_buf_clear(out);
  assert_int_equal(cd_tm_store_foreach(s, NULL, NULL, dump_unit, out, &err), CD_OK);
  assert_int_equal(cd_buf_append(out, "", 0), CD_OK);
}

static void export_to(cd_tm_store *s, const char *path, size_t *n) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  cd_error err;
  cd_error_clear(&err);
  cd_status st = cd_tmx_export(s, f, path, NULL, n, &err);
  if (st)
    fail_msg("export: %s", err.message);
  assert_int_equal(fclose(f), 0);
}

static void test_round_trip_keeps_inline_tags(void **state) {
  (void)state;
  cd_tm_store *a = cdt_tm_fresh("rt-a.sqlite");
  cd_error err;
  cd_tmx_counts c;
  assert_int_equal(cd_tmx_import(a, cdt_fixture("tm/tags-14.tmx"), NULL, &c, &err), CD_OK);
  assert_int_equal(c.tus, 3);
  assert_int_equal(c.added, 3);
  cd_buf da = CD_BUF_INIT, db = CD_BUF_INIT, tmx = CD_BUF_INIT;
  dump(a, &da);
  /* Plain text leaves native codes out; markup keeps them. */
  assert_non_null(strstr(da.data, "|The council approved a £12m budget.|"));
  assert_non_null(
      strstr(da.data, "<bpt i=\"1\" x=\"1\">&lt;b&gt;</bpt>£12m<ept i=\"1\">&lt;/b&gt;</ept>"));
  assert_non_null(strstr(da.data, "|See the map and the full report.|"));
  assert_non_null(strstr(da.data, "<hi type=\"italic\">vollständigen Bericht</hi>"));
  assert_non_null(strstr(da.data, "<ut>{\\b}</ut>"));
  assert_non_null(strstr(da.data, "budget-2023.html|3|0.8750|"));
  assert_non_null(strstr(da.data, "en-gb|de-de|"));
  size_t n = 0;
  const char *out = cdt_tmpfile("rt.tmx");
  export_to(a, out, &n);
  assert_int_equal(n, 3);
  cdt_read_file(out, &tmx);
  assert_non_null(strstr(tmx.data, "<tmx version=\"1.4\">"));
  assert_non_null(strstr(tmx.data, "<ph x=\"2\">&lt;img src=\"map.png\"/&gt;</ph>"));
  cd_tm_store *b = cdt_tm_fresh("rt-b.sqlite");
  assert_int_equal(cd_tmx_import(b, out, NULL, &c, &err), CD_OK);
  assert_int_equal(c.added, 3);
  dump(b, &db);
  assert_string_equal(da.data, db.data);
  /* Importing the export again into the first TM only merges. */
  assert_int_equal(cd_tmx_import(a, out, NULL, &c, &err), CD_OK);
  assert_int_equal(c.added, 0);
  assert_int_equal(c.merged, 3);
  cd_buf_free(&da);
  cd_buf_free(&db);
  cd_buf_free(&tmx);
  cd_tm_store_free(a);
  cd_tm_store_free(b);
}

static void test_export_valid_against_dtd(void **state) {
  (void)state;
  cd_tm_store *s = cdt_tm_fresh("dtd.sqlite");
  cd_error err;
  assert_int_equal(cd_tmx_import(s, cdt_fixture("tm/tags-14.tmx"), NULL, NULL, &err), CD_OK);
  assert_int_equal(cd_tmx_import(s, cdt_fixture("tm/omegat-11.tmx"), NULL, NULL, &err), CD_OK);
  cd_tm_unit u;
  cd_tm_unit_init(&u);
  u.src_lang = "en";
  u.tgt_lang = "ru";
  u.source = "Prices rose by 3.5% in <March> & April.";
  u.target = "Цены выросли на 3,5 % в <марте> и апреле.";
  u.score = 0.75;
  u.origin_doc = "prices.txt";
  assert_int_equal(cd_tm_store_add(s, &u, NULL, &err), CD_OK);
  const char *out = cdt_tmpfile("dtd.tmx");
  size_t n;
  export_to(s, out, &n);
  assert_int_equal(n, 6);
  xmlDocPtr doc = xmlReadFile(out, NULL, XML_PARSE_NONET);
  assert_non_null(doc);
  xmlDtdPtr dtd = xmlParseDTD(NULL, (const xmlChar *)cdt_fixture("tm/tmx14-subset.dtd"));
  assert_non_null(dtd);
  xmlValidCtxtPtr v = xmlNewValidCtxt();
  assert_int_equal(xmlValidateDtd(v, doc, dtd), 1);
  /* And the check can fail: a tuv without xml:lang is invalid. */
  xmlNodePtr root = xmlDocGetRootElement(doc);
  xmlNodePtr body = root->children;
  while (body && (body->type != XML_ELEMENT_NODE || strcmp((const char *)body->name, "body")))
    body = body->next;
  assert_non_null(body);
  xmlNodePtr tu = xmlNewChild(body, NULL, (const xmlChar *)"tu", NULL);
  xmlNodePtr tuv = xmlNewChild(tu, NULL, (const xmlChar *)"tuv", NULL);
  xmlNewChild(tuv, NULL, (const xmlChar *)"seg", (const xmlChar *)"x");
  xmlSetGenericErrorFunc(NULL, NULL);
  assert_int_equal(xmlValidateDtd(v, doc, dtd), 0);
  xmlFreeValidCtxt(v);
  xmlFreeDtd(dtd);
  xmlFreeDoc(doc);
  cd_tm_store_free(s);
}

static void test_omegat_tmx11_upper_case_langs(void **state) {
  (void)state;
  cd_tm_store *s = cdt_tm_fresh("omegat.sqlite");
  cd_error err;
  cd_tmx_counts c;
  assert_int_equal(cd_tmx_import(s, cdt_fixture("tm/omegat-11.tmx"), NULL, &c, &err), CD_OK);
  assert_int_equal(c.added, 2);
  cd_buf d = CD_BUF_INIT;
  dump(s, &d);
  assert_non_null(strstr(d.data, "en|fr|The harbour at Odesa reopened after the storm.|Le port "
                                 "d'Odessa a rouvert après la tempête.|-|-|omegat-11.tmx|"));
  assert_non_null(strstr(d.data, "three hours & more.|"));
  /* Only the tuv says when it changed (2024-03-12 09:15 UTC): created no later than that. */
  assert_non_null(strstr(d.data, "|1710234900\n"));
  assert_null(strstr(d.data, "EN|"));
  cd_buf_free(&d);
  cd_tm_store_free(s);
}

static void test_tsv_import(void **state) {
  (void)state;
  cd_tm_store *s = cdt_tm_fresh("tsv.sqlite");
  cd_error err;
  cd_tmx_import_options o;
  cd_tmx_import_options_init(&o);
  cd_tmx_counts c;
  /* Without languages: refused. */
  assert_int_equal(cd_tm_import_tsv(s, cdt_fixture("tm/news.en-fr.tsv"), &o, &c, &err),
                   CD_ERR_USAGE);
  o.src_lang = "en";
  o.tgt_lang = "fr";
  assert_int_equal(cd_tm_import_tsv(s, cdt_fixture("tm/news.en-fr.tsv"), &o, &c, &err), CD_OK);
  assert_int_equal(c.added, 2);
  assert_int_equal(c.skipped, 1);
  cd_buf d = CD_BUF_INIT;
  dump(s, &d);
  /* CRLF is a line end, not text. */
  assert_non_null(strstr(d.data, "|Le ferry a quitté Douvres à midi.|-|"));
  assert_non_null(strstr(d.data, "|La police a fermé l’autoroute.|"));
  /* A bad line fails the whole file, naming it and the line. */
  const char *bad = cdt_tmpfile("late-bad.en-fr.tsv");
  const char text[] = "The storm hit the coast.\tLa tempête a frappé la côte.\n"
                      "Two columns here\tDeux colonnes\tand a third\n";
  cdt_write_file(bad, text, sizeof text - 1);
  cd_error_clear(&err);
  assert_int_equal(cd_tm_import_tsv(s, bad, &o, &c, &err), CD_ERR_INPUT);
  assert_non_null(strstr(err.message, "late-bad.en-fr.tsv:2:"));
  cd_buf d2 = CD_BUF_INIT;
  dump(s, &d2);
  assert_string_equal(d.data, d2.data);
  cd_buf_free(&d);
  cd_buf_free(&d2);
  cd_tm_store_free(s);
}

/* Imports a bad file into a TM holding one unit: the error names the file and line and the
 * TM is unchanged. */
static void expect_refused(const char *fixture, const char *line_tag, const char *what) {
  cd_tm_store *s = cdt_tm_fresh("bad.sqlite");
  cd_error err;
  cd_tm_unit u;
  cd_tm_unit_init(&u);
  u.src_lang = "en";
  u.tgt_lang = "fr";
  u.source = "Parliament adjourned until Monday.";
  u.target = "Le Parlement a ajourné ses travaux jusqu'à lundi.";
  assert_int_equal(cd_tm_store_add(s, &u, NULL, &err), CD_OK);
  cd_buf before = CD_BUF_INIT, after = CD_BUF_INIT;
  dump(s, &before);
  cd_error_clear(&err);
  assert_int_equal(cd_tmx_import(s, cdt_fixture(fixture), NULL, NULL, &err), CD_ERR_INPUT);
  const char *base = strrchr(fixture, '/') + 1;
  if (!strstr(err.message, base) || !strstr(err.message, line_tag) || !strstr(err.message, what))
    fail_msg("unexpected message for %s: %s", fixture, err.message);
  dump(s, &after);
  assert_string_equal(before.data, after.data);
  /* The TM is still writable: no transaction was left open. */
  assert_false(cd_tm_store_in_transaction(s));
  cd_tm_unit v = u;
  v.target = "Le Parlement s'est ajourné à lundi.";
  assert_int_equal(cd_tm_store_add(s, &v, NULL, &err), CD_OK);
  cd_buf_free(&before);
  cd_buf_free(&after);
  cd_tm_store_free(s);
}

static void test_malformed_tmx(void **state) {
  (void)state;
  expect_refused("tm/malformed.tmx", ":10:", "mismatch");
}

static void test_truncated_tmx(void **state) {
  (void)state;
  expect_refused("tm/truncated.tmx", ":11:", "truncated");
}

static void test_billion_laughs_refused(void **state) {
  (void)state;
  expect_refused("tm/billion-laughs.tmx", ":3:", "entity declaration refused");
}

static void test_external_entity_refused(void **state) {
  (void)state;
  expect_refused("tm/external-entity.tmx", ":3:", "entity declaration refused");
}

static void test_not_tmx(void **state) {
  (void)state;
  cd_tm_store *s = cdt_tm_fresh("nottmx.sqlite");
  cd_error err;
  const char *p = cdt_tmpfile("feed.xml");
  const char x[] = "<?xml version=\"1.0\"?>\n<rss><channel/></rss>\n";
  cdt_write_file(p, x, sizeof x - 1);
  assert_int_equal(cd_tmx_import(s, p, NULL, NULL, &err), CD_ERR_INPUT);
  assert_non_null(strstr(err.message, "not a TMX file"));
  assert_int_equal(cd_tmx_import(s, cdt_tmpfile("missing.tmx"), NULL, NULL, &err), CD_ERR_IO);
  assert_non_null(strstr(err.message, "missing.tmx"));
  cd_tm_store_free(s);
}

static void test_several_targets_and_all_srclang(void **state) {
  (void)state;
  const char *p = cdt_tmpfile("multi.tmx");
  const char x[] =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">\n"
      "<header creationtool=\"x\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"x\""
      " adminlang=\"en\" srclang=\"*all*\" datatype=\"plaintext\"/>\n<body>\n"
      "<tu><tuv xml:lang=\"DE\"><seg>Die Fähre fährt wieder.</seg></tuv>\n"
      "<tuv xml:lang=\"EN\"><seg>The ferry is running again.</seg></tuv>\n"
      "<tuv xml:lang=\"UK\"><seg>Пором знову курсує.</seg></tuv></tu>\n"
      "<tu><tuv xml:lang=\"EN\"><seg>Only one language here.</seg></tuv></tu>\n"
      "</body>\n</tmx>\n";
  cdt_write_file(p, x, sizeof x - 1);
  cd_tm_store *s = cdt_tm_fresh("multi.sqlite");
  cd_error err;
  cd_tmx_import_options o;
  cd_tmx_import_options_init(&o);
  o.src_lang = "en";
  cd_tmx_counts c;
  assert_int_equal(cd_tmx_import(s, p, &o, &c, &err), CD_OK);
  assert_int_equal(c.tus, 2);
  assert_int_equal(c.added, 2); /* en→de and en→uk */
  assert_int_equal(c.skipped, 1);
  cd_buf d = CD_BUF_INIT;
  dump(s, &d);
  assert_non_null(strstr(d.data, "en|de|The ferry is running again.|Die Fähre fährt wieder.|"));
  assert_non_null(strstr(d.data, "en|uk|The ferry is running again.|Пором знову курсує.|"));
  /* Only one target language asked for. */
  cd_tm_store *t = cdt_tm_fresh("multi-uk.sqlite");
  o.tgt_lang = "uk";
  assert_int_equal(cd_tmx_import(t, p, &o, &c, &err), CD_OK);
  assert_int_equal(c.added, 1);
  cd_buf_free(&d);
  cd_tm_store_free(s);
  cd_tm_store_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_trip_keeps_inline_tags),
      cmocka_unit_test(test_export_valid_against_dtd),
      cmocka_unit_test(test_omegat_tmx11_upper_case_langs),
      cmocka_unit_test(test_tsv_import),
      cmocka_unit_test(test_malformed_tmx),
      cmocka_unit_test(test_truncated_tmx),
      cmocka_unit_test(test_billion_laughs_refused),
      cmocka_unit_test(test_external_entity_refused),
      cmocka_unit_test(test_not_tmx),
      cmocka_unit_test(test_several_targets_and_all_srclang),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
