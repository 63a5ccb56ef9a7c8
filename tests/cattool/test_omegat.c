/* SPDX-License-Identifier: MIT */
/* TMX interchange with a real CAT tool: OmegaT 3.6 (Debian package `omegat`), headless.
 *
 * Export direction: a TM built with `copydesk tm import` (TSV + one TMX unit with inline
 * tags) is exported into an OmegaT project's tm/auto/; `omegat PROJECT
 * --mode=console-translate` must fill every 100% match into target/, rebuild the bold tag
 * of the HTML page, and leave sentences that are not in the TM (or only fuzzy) in English.
 * The exported TMX must validate against the TMX 1.4 DTD that ships inside OmegaT.jar.
 *
 * Import direction: the TMX files OmegaT writes next to the project (*-omegat.tmx and
 * *-level1.tmx in TMX 1.1 with lang="EN-US", *-level2.tmx in TMX 1.4 with xml:lang and
 * bpt/ept) are imported into fresh TMs; the units must be there with lower-case language
 * tags, findable by `tm lookup`, and level 2 tags must survive.
 *
 * OmegaT runs twice (~3 s each): once with sentence segmentation, once with paragraph
 * segmentation (segtype="paragraph" in its TMX). Without `omegat` every test is skipped.
 * See tests/cattool/README.md. */
#include "cd_test.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define OMEGAT_JAR_DEFAULT "/usr/share/omegat/OmegaT.jar"
#define TOOL_TIMEOUT_S 120
#define PATH_MAX_LEN 4096

typedef struct omegat_run {
  bool done;
  int rc;
  char dir[PATH_MAX_LEN]; /* the project directory */
} omegat_run;

static struct {
  bool probed;
  char omegat[PATH_MAX_LEN]; /* empty when not installed */
  char xmllint[PATH_MAX_LEN];
  char python3[PATH_MAX_LEN];
  const char *jar;
  bool tm_built;
  char tm[PATH_MAX_LEN];
  bool dtd_tried;
  char dtd[PATH_MAX_LEN]; /* empty when it could not be extracted */
  omegat_run sentence, paragraph;
} g;

/* ---- helpers -------------------------------------------------------------------------- */

static void join(char *out, const char *a, const char *b) {
  int n = snprintf(out, PATH_MAX_LEN, "%s/%s", a, b);
  assert_true(n > 0 && n < PATH_MAX_LEN);
}

/* Finds an executable on $PATH; `out` is left empty when there is none. */
static void find_in_path(const char *name, char *out) {
  out[0] = '\0';
  const char *path = getenv("PATH");
  if (!path)
    return;
  while (*path) {
    const char *colon = strchr(path, ':');
    size_t len = colon ? (size_t)(colon - path) : strlen(path);
    if (len > 0 && len + strlen(name) + 2 < PATH_MAX_LEN) {
      snprintf(out, PATH_MAX_LEN, "%.*s/%s", (int)len, path, name);
      struct stat st;
      if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
        return;
    }
    if (!colon)
      break;
    path = colon + 1;
  }
  out[0] = '\0';
}

static void probe(void) {
  if (g.probed)
    return;
  g.probed = true;
  find_in_path("omegat", g.omegat);
  find_in_path("xmllint", g.xmllint);
  find_in_path("python3", g.python3);
  g.jar = getenv("OMEGAT_JAR") ? getenv("OMEGAT_JAR") : OMEGAT_JAR_DEFAULT;
}

static void require_omegat(void) {
  probe();
  if (!g.omegat[0]) {
    print_message("[   INFO   ] omegat is not installed (Debian: apt-get install "
                  "--no-install-recommends omegat): OmegaT interop test skipped\n");
    skip();
  }
}

/* Runs argv[0] (looked up on $PATH) in `cwd` with stdout to `out_path` and stderr to
 * `err_path` (NULL: same file), HOME pointing into the test's temporary directory and no
 * DISPLAY, so OmegaT/Java leave the user's files alone. Kills it after TOOL_TIMEOUT_S.
 * Returns the exit status, 128+signal, or -1 on a timeout. */
static int run_tool(const char *const *argv, const char *cwd, const char *out_path,
                    const char *err_path) {
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    int fo = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int fe = err_path ? open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644) : fo;
    int fi = open("/dev/null", O_RDONLY);
    if (fo < 0 || fe < 0 || fi < 0 || (cwd && chdir(cwd) != 0))
      _exit(127);
    dup2(fi, 0);
    dup2(fo, 1);
    dup2(fe, 2);
    setenv("HOME", cdt_tmpdir(), 1);
    unsetenv("DISPLAY");
    execvp(argv[0], (char *const *)argv);
    _exit(127);
  }
  struct timespec tick = {0, 50 * 1000 * 1000};
  for (long waited_ms = 0;; waited_ms += 50) {
    int status;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid)
      return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
    assert_true(r == 0 || errno == EINTR);
    if (waited_ms >= TOOL_TIMEOUT_S * 1000L) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    nanosleep(&tick, NULL);
  }
}

static void make_dir(const char *path) {
  if (mkdir(path, 0755) != 0 && errno != EEXIST)
    fail_msg("mkdir %s: %s", path, strerror(errno));
}

static void copy_file(const char *from, const char *to) {
  cd_buf b = CD_BUF_INIT;
  cdt_read_file(from, &b);
  cdt_write_file(to, b.data, b.len);
  cd_buf_free(&b);
}

/* Replaces the first `from` in a file with `to` (both must be found). */
static void edit_file(const char *path, const char *from, const char *to) {
  cd_buf b = CD_BUF_INIT, out = CD_BUF_INIT;
  cdt_read_file(path, &b);
  const char *at = strstr(b.data, from);
  assert_non_null(at);
  assert_int_equal(cd_buf_append(&out, b.data, (size_t)(at - b.data)), CD_OK);
  assert_int_equal(cd_buf_append_str(&out, to), CD_OK);
  assert_int_equal(cd_buf_append_str(&out, at + strlen(from)), CD_OK);
  cdt_write_file(path, out.data, out.len);
  cd_buf_free(&b);
  cd_buf_free(&out);
}

static size_t count_substr(const char *s, const char *needle) {
  size_t n = 0;
  for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
    n++;
  return n;
}

static void print_file_on_failure(const char *what, const char *path) {
  cd_buf b = CD_BUF_INIT;
  FILE *f = fopen(path, "rb");
  if (f) {
    fclose(f);
    cdt_read_file(path, &b);
    print_error("---- %s (%s) ----\n%s\n----\n", what, path, b.data);
  }
  cd_buf_free(&b);
}

/* Runs copydesk and fails with its stderr unless it exits with `want`. */
static void copydesk_ok(const char *const *argv, int want, cd_buf *out) {
  cd_buf err = CD_BUF_INIT;
  int rc = cdt_run(argv, NULL, 0, out, &err);
  if (rc != want)
    fail_msg("copydesk %s %s exited %d (want %d): %s", argv[1], argv[2], rc, want, err.data);
  cd_buf_free(&err);
}

/* ---- the TM, the DTD, the OmegaT runs (each done once, shared by the tests) ----------- */

static const char *build_tm(void) {
  if (g.tm_built)
    return g.tm;
  join(g.tm, cdt_tmpdir(), "omegat-export.sqlite");
  const char *tsv[] = {
      "copydesk", "tm", "import", "--tm", g.tm, cdt_fixture("cattool/news.en-fr.tsv"), NULL};
  copydesk_ok(tsv, 0, NULL);
  const char *tmx[] = {
      "copydesk", "tm", "import", "--tm", g.tm, cdt_fixture("cattool/tags.en-fr.tmx"), NULL};
  copydesk_ok(tmx, 0, NULL);
  g.tm_built = true;
  return g.tm;
}

static void export_tm(const char *tmx_path) {
  const char *a[] = {"copydesk", "tm", "export", "--tm", build_tm(), "-o", tmx_path, NULL};
  copydesk_ok(a, 0, NULL);
}

/* schemas/tmx14.dtd out of OmegaT.jar (a zip) with python3's zipfile; NULL if impossible. */
static const char *tmx14_dtd(void) {
  if (g.dtd_tried)
    return g.dtd[0] ? g.dtd : NULL;
  g.dtd_tried = true;
  probe();
  if (!g.python3[0] || access(g.jar, R_OK) != 0)
    return NULL;
  join(g.dtd, cdt_tmpdir(), "tmx14.dtd");
  char err[PATH_MAX_LEN];
  join(err, cdt_tmpdir(), "tmx14.dtd.err");
  const char *a[] = {g.python3,
                     "-c",
                     "import sys, zipfile\n"
                     "sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))",
                     g.jar,
                     "schemas/tmx14.dtd",
                     NULL};
  if (run_tool(a, NULL, g.dtd, err) != 0) {
    print_file_on_failure("DTD extraction", err);
    g.dtd[0] = '\0';
    return NULL;
  }
  return g.dtd;
}

/* xmllint --noout --dtdvalid; returns its exit status and keeps its messages in `msg`. */
static int dtd_validate(const char *tmx_path, cd_buf *msg) {
  char log[PATH_MAX_LEN];
  join(log, cdt_tmpdir(), "xmllint.log");
  const char *a[] = {g.xmllint, "--noout", "--nonet", "--dtdvalid", tmx14_dtd(), tmx_path, NULL};
  int rc = run_tool(a, NULL, log, NULL);
  cdt_read_file(log, msg);
  return rc;
}

static omegat_run *run_omegat(bool sentence_seg) {
  omegat_run *r = sentence_seg ? &g.sentence : &g.paragraph;
  if (r->done)
    return r;
  r->done = true;
  const char *name = sentence_seg ? "sentence" : "paragraph";
  join(r->dir, cdt_tmpdir(), name);
  char p[PATH_MAX_LEN], cfg[PATH_MAX_LEN], log[PATH_MAX_LEN];
  make_dir(r->dir);
  static const char *const subdirs[] = {"source",   "target",     "tm",    "tm/auto",
                                        "glossary", "dictionary", "omegat"};
  for (size_t i = 0; i < sizeof subdirs / sizeof subdirs[0]; i++) {
    join(p, r->dir, subdirs[i]);
    make_dir(p);
  }
  join(p, r->dir, "omegat.project");
  copy_file(cdt_fixture("cattool/project/omegat.project"), p);
  if (!sentence_seg)
    edit_file(p, "<sentence_seg>true</sentence_seg>", "<sentence_seg>false</sentence_seg>");
  join(p, r->dir, "source/article.txt");
  copy_file(cdt_fixture("cattool/project/source/article.txt"), p);
  join(p, r->dir, "source/page.html");
  copy_file(cdt_fixture("cattool/project/source/page.html"), p);

  join(cfg, cdt_tmpdir(), sentence_seg ? "omegat-config-sentence" : "omegat-config-paragraph");
  make_dir(cfg);
  join(p, cfg, "omegat.prefs");
  copy_file(cdt_fixture("cattool/project/omegat.prefs"), p);

  join(p, r->dir, "tm/auto/copydesk.tmx");
  export_tm(p);

  char cfg_opt[PATH_MAX_LEN + 16];
  snprintf(cfg_opt, sizeof cfg_opt, "--config-dir=%s", cfg);
  join(log, cdt_tmpdir(), sentence_seg ? "omegat-sentence.log" : "omegat-paragraph.log");
  const char *a[] = {g.omegat,  r->dir, "--mode=console-translate", cfg_opt, "--no-team",
                     "--quiet", NULL};
  r->rc = run_tool(a, NULL, log, NULL);
  if (r->rc != 0)
    print_file_on_failure("OmegaT output", log);
  return r;
}

/* The TSV fixture as pairs: fills src[i], tgt[i] (pointers into `b`), returns the count. */
static size_t read_pairs(cd_buf *b, const char **src, const char **tgt, size_t max) {
  cdt_read_file(cdt_fixture("cattool/news.en-fr.tsv"), b);
  size_t n = 0;
  char *line = b->data;
  while (line && *line && n < max) {
    char *nl = strchr(line, '\n');
    if (nl)
      *nl = '\0';
    char *tab = strchr(line, '\t');
    assert_non_null(tab);
    *tab = '\0';
    src[n] = line;
    tgt[n] = tab + 1;
    n++;
    line = nl ? nl + 1 : NULL;
  }
  return n;
}

/* The two TSV sentences OmegaT sees as one paragraph in source/article.txt. */
static bool in_two_sentence_paragraph(const char *src) {
  return strncmp(src, "Heavy rain", 10) == 0 || strncmp(src, "The minister", 12) == 0;
}

static void assert_contains(const char *hay, const char *needle, const char *where) {
  if (!strstr(hay, needle))
    fail_msg("%s lacks \"%s\"; it holds:\n%s", where, needle, hay);
}

static void assert_lacks(const char *hay, const char *needle, const char *where) {
  if (strstr(hay, needle))
    fail_msg("%s should not hold \"%s\"; it holds:\n%s", where, needle, hay);
}

/* ---- tests ---------------------------------------------------------------------------- */

/* The exported TMX is valid TMX 1.4 by OmegaT's own DTD, and the validator does reject an
 * invalid file (a <tu> without <tuv>), so the check is not vacuous. */
static void test_export_validates_against_omegat_dtd(void **state) {
  (void)state;
  require_omegat();
  if (!g.xmllint[0] || !tmx14_dtd()) {
    print_message("[   INFO   ] xmllint (libxml2-utils) or python3, or %s, is missing: "
                  "DTD check skipped\n",
                  g.jar);
    skip();
  }
  cd_buf tmx = CD_BUF_INIT, msg = CD_BUF_INIT;
  const char *path = cdt_tmpfile("export.tmx");
  export_tm(path);
  cdt_read_file(path, &tmx);
  assert_contains(tmx.data, "<tmx version=\"1.4\">", path);
  assert_int_equal(count_substr(tmx.data, "<tu "), 10);
  assert_contains(tmx.data, "Morgan &amp; Hale", path);
  assert_contains(tmx.data, "<bpt i=\"1\"", path);
  int rc = dtd_validate(path, &msg);
  if (rc != 0)
    fail_msg("xmllint --dtdvalid tmx14.dtd %s exited %d:\n%s", path, rc, msg.data);

  const char *bad = cdt_tmpfile("no-tuv.tmx");
  static const char no_tuv[] =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">\n"
      " <header creationtool=\"t\" creationtoolversion=\"1\" segtype=\"sentence\" "
      "o-tmf=\"t\" adminlang=\"en\" srclang=\"en\" datatype=\"plaintext\"/>\n"
      " <body><tu></tu></body>\n</tmx>\n";
  cdt_write_file(bad, no_tuv, sizeof no_tuv - 1);
  assert_int_not_equal(dtd_validate(bad, &msg), 0);
  assert_contains(msg.data, "tu", "xmllint's complaint");
  cd_buf_free(&tmx);
  cd_buf_free(&msg);
}

/* Sentence segmentation: OmegaT splits the two-sentence paragraph and finds both sentences
 * in the TM; the near miss (Monday for Tuesday) and the new sentence stay in English
 * because tm/auto only fills exact matches; the bold tag comes back in the HTML target. */
static void test_omegat_fills_exact_matches(void **state) {
  (void)state;
  require_omegat();
  omegat_run *r = run_omegat(true);
  assert_int_equal(r->rc, 0);
  cd_buf target = CD_BUF_INIT, html = CD_BUF_INIT, pairs = CD_BUF_INIT;
  char p[PATH_MAX_LEN];
  join(p, r->dir, "target/article.txt");
  cdt_read_file(p, &target);
  const char *src[16], *tgt[16];
  size_t n = read_pairs(&pairs, src, tgt, 16);
  assert_int_equal(n, 9);
  for (size_t i = 0; i < n; i++) {
    assert_contains(target.data, tgt[i], "target/article.txt");
    assert_lacks(target.data, src[i], "target/article.txt");
  }
  assert_contains(target.data,
                  "\nDe fortes pluies ont inondé plusieurs routes dans le nord de la région. "
                  "Le ministre a déclaré que les négociations reprendraient la semaine "
                  "prochaine.\n",
                  "target/article.txt");
  assert_contains(target.data, "\nThe city council approved the new budget on Monday evening.\n",
                  "target/article.txt");
  assert_contains(target.data, "\nForecasters expect more storms along the coast on Friday.\n",
                  "target/article.txt");

  join(p, r->dir, "target/page.html");
  cdt_read_file(p, &html);
  assert_contains(html.data, "<p>Le maire de <b>Lyon</b> a inauguré le nouveau pont.</p>",
                  "target/page.html");
  assert_contains(html.data, "<p>La police a fermé le pont après l'incendie d'un camion.</p>",
                  "target/page.html");
  cd_buf_free(&target);
  cd_buf_free(&html);
  cd_buf_free(&pairs);
}

/* Paragraph segmentation: the two-sentence paragraph is one segment with no 100% match in
 * a sentence TM, so it stays English; every one-sentence paragraph is filled. */
static void test_omegat_paragraph_mode(void **state) {
  (void)state;
  require_omegat();
  omegat_run *r = run_omegat(false);
  assert_int_equal(r->rc, 0);
  cd_buf target = CD_BUF_INIT, pairs = CD_BUF_INIT;
  char p[PATH_MAX_LEN];
  join(p, r->dir, "target/article.txt");
  cdt_read_file(p, &target);
  const char *src[16], *tgt[16];
  size_t n = read_pairs(&pairs, src, tgt, 16);
  for (size_t i = 0; i < n; i++) {
    if (in_two_sentence_paragraph(src[i])) {
      assert_contains(target.data, src[i], "target/article.txt");
      assert_lacks(target.data, tgt[i], "target/article.txt");
    } else {
      assert_contains(target.data, tgt[i], "target/article.txt");
      assert_lacks(target.data, src[i], "target/article.txt");
    }
  }
  cd_buf_free(&target);
  cd_buf_free(&pairs);
}

/* Imports one OmegaT TMX into a fresh TM and checks units, language tags and a lookup. */
static void check_import(const char *tmx_path, size_t want_units, bool level2) {
  cd_buf tmx = CD_BUF_INIT, out = CD_BUF_INIT, msg = CD_BUF_INIT;
  cdt_read_file(tmx_path, &tmx);
  size_t units = count_substr(tmx.data, "<tu>");
  assert_int_equal(units, want_units);

  char tm[PATH_MAX_LEN + 16];
  snprintf(tm, sizeof tm, "%s.sqlite", tmx_path);
  unlink(tm);
  const char *imp[] = {"copydesk", "tm", "import", "--tm", tm, tmx_path, NULL};
  copydesk_ok(imp, 0, NULL);

  const char *stats[] = {"copydesk", "tm", "stats", "--tm", tm, "--format", "json", NULL};
  copydesk_ok(stats, 0, &out);
  json_object *js = json_tokener_parse(out.data), *v, *pair;
  assert_non_null(js);
  assert_true(json_object_object_get_ex(js, "units", &v));
  assert_int_equal(json_object_get_int64(v), (int64_t)want_units);
  assert_true(json_object_object_get_ex(js, "pairs", &v));
  assert_int_equal(json_object_array_length(v), 1);
  pair = json_object_array_get_idx(v, 0);
  assert_true(json_object_object_get_ex(pair, "src_lang", &v));
  const char *src_lang = json_object_get_string(v);
  assert_true(json_object_object_get_ex(pair, "tgt_lang", &v));
  const char *tgt_lang = json_object_get_string(v);
  /* OmegaT wrote EN-US / FR-FR; the TM keeps BCP-47 tags with a lower-case language. */
  assert_true(strncmp(src_lang, "en", 2) == 0 && strcasecmp(src_lang, "en-us") == 0);
  assert_true(strncmp(tgt_lang, "fr", 2) == 0 && strcasecmp(tgt_lang, "fr-fr") == 0);
  json_object_put(js);

  const char *look[] = {"copydesk", "tm",         "lookup",
                        "--tm",     tm,           "--src-lang",
                        "en",       "--tgt-lang", "fr",
                        "--format", "json",       "Unemployment fell slightly in the last quarter.",
                        NULL};
  copydesk_ok(look, 0, &out);
  js = json_tokener_parse(out.data);
  assert_non_null(js);
  assert_true(json_object_object_get_ex(js, "results", &v));
  assert_true(json_object_array_length(v) >= 1);
  json_object *best = json_object_array_get_idx(v, 0), *f;
  assert_true(json_object_object_get_ex(best, "score", &f));
  assert_int_equal(json_object_get_int(f), 100);
  assert_true(json_object_object_get_ex(best, "target", &f));
  assert_string_equal(json_object_get_string(f),
                      "Le chômage a légèrement baissé au dernier trimestre.");
  json_object_put(js);

  if (level2) {
    /* bpt/ept survive the import and are written back; the result is still valid TMX. */
    char back[PATH_MAX_LEN + 16];
    snprintf(back, sizeof back, "%s.back.tmx", tmx_path);
    const char *exp[] = {"copydesk", "tm", "export", "--tm", tm, "-o", back, NULL};
    copydesk_ok(exp, 0, NULL);
    cdt_read_file(back, &out);
    assert_contains(out.data, "Le maire de <bpt i=\"0\"", back);
    assert_contains(out.data, "Lyon<ept i=\"0\">&lt;/b0&gt;</ept> a inauguré", back);
    if (g.xmllint[0] && tmx14_dtd()) {
      int rc = dtd_validate(back, &msg);
      if (rc != 0)
        fail_msg("xmllint --dtdvalid tmx14.dtd %s exited %d:\n%s", back, rc, msg.data);
    }
  }
  cd_buf_free(&tmx);
  cd_buf_free(&out);
  cd_buf_free(&msg);
}

static void check_omegat_outputs(omegat_run *r, const char *name, const char *segtype,
                                 size_t want_units) {
  static const struct {
    const char *suffix, *version, *lang_attr;
    bool level2;
  } files[] = {{"omegat", "1.1", " lang=\"EN-US\"", false},
               {"level1", "1.1", " lang=\"EN-US\"", false},
               {"level2", "1.4", " xml:lang=\"EN-US\"", true}};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char leaf[256], path[PATH_MAX_LEN], want[128];
    snprintf(leaf, sizeof leaf, "%s-%s.tmx", name, files[i].suffix);
    join(path, r->dir, leaf);
    cd_buf tmx = CD_BUF_INIT;
    cdt_read_file(path, &tmx);
    snprintf(want, sizeof want, "<tmx version=\"%s\">", files[i].version);
    assert_contains(tmx.data, want, path);
    snprintf(want, sizeof want, "segtype=\"%s\"", segtype);
    assert_contains(tmx.data, want, path);
    assert_contains(tmx.data, files[i].lang_attr, path);
    assert_contains(tmx.data, "creationtool=\"OmegaT\"", path);
    cd_buf_free(&tmx);
    check_import(path, want_units, files[i].level2);
  }
}

/* OmegaT's own TMX files, from both runs, go into copydesk. The sentence run translated 10
 * segments (9 plain + the tagged one); the paragraph run 8 (the two-sentence paragraph
 * was left untranslated). project_save.tmx is not written in console mode. */
static void test_import_omegat_tmx(void **state) {
  (void)state;
  require_omegat();
  omegat_run *s = run_omegat(true), *p = run_omegat(false);
  assert_int_equal(s->rc, 0);
  assert_int_equal(p->rc, 0);
  check_omegat_outputs(s, "sentence", "sentence", 10);
  check_omegat_outputs(p, "paragraph", "paragraph", 8);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_export_validates_against_omegat_dtd),
      cmocka_unit_test(test_omegat_fills_exact_matches),
      cmocka_unit_test(test_omegat_paragraph_mode),
      cmocka_unit_test(test_import_omegat_tmx),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
