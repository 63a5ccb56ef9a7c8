/* SPDX-License-Identifier: MIT */
/* copydesk tm — the translation memory: import, export, add, stats, lookup, concord. */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <libxml/xmlerror.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cd_fuzzy.h"
#include "cd_lang.h"
#include "cd_names.h"
#include "cd_tm_store.h"
#include "cd_tmx.h"
#include "cli.h"
#include "cli_glue.h"

static const char help_head[] =
    "usage: copydesk tm SUBCOMMAND [options]\n"
    "\n"
    "A translation memory in one SQLite file (default $XDG_DATA_HOME/copydesk/tm.sqlite,\n"
    "i.e. ~/.local/share/copydesk/tm.sqlite; created with its directory when missing).\n"
    "\n"
    "Subcommands:\n"
    "  import FILE.tmx|FILE.tsv   add units from TMX (1.4b, 1.1) or TSV 'source<TAB>target'\n"
    "                             (languages from the name x.L1-L2.tsv or the options); one\n"
    "                             transaction: a bad file leaves the TM as it was\n"
    "  export -o FILE.tmx         write the TM (or one language pair) as TMX 1.4b\n"
    "  add SOURCE TARGET          add one unit (--src-lang and --tgt-lang required)\n"
    "  stats                      units, language pairs, schema version\n"
    "  lookup QUERY               fuzzy matches, best first, with a match percentage\n"
    "  concord TERM               units with TERM in the source or the target\n"
    "  migrate --from TM --to TM  copy every unit into another TM (a SQLite file or a\n"
    "                             PostgreSQL URL, created when missing) in one transaction;\n"
    "                             units it holds already are merged as import merges them\n"
    "\n";

static const char help_tail[] =
    "\n"
    "Match percentage: word-level edit distance over normalized words (ICU case folding,\n"
    "NFC, numbers as placeables); 100 = identical after normalization, 99 = same words but\n"
    "other punctuation. A hit that differs only in numbers is adapted: the target gets the\n"
    "query's numbers in its own format (5,000 -> 5 000 in French) and is marked 'adapted'.\n"
    "Known names (the names store, DATA/names.sqlite, when present) are placeables too: a\n"
    "hit naming another person, place or organisation than the query gets the query's\n"
    "entity in the target, in the target language's house form ('Scholz' -> 'Merz',\n"
    "'Шольц' -> 'Мерц'), and is marked 'adapted'. A name the target declines (Шольцом,\n"
    "Берліні) is not replaced: it counts as a differing word. --no-names: names are words.\n"
    "concord highlights the term in ANSI bold on a terminal, else between [[ and ]].\n"
    "\n"
    "Exit status: 0 ok; 1 lookup or concord found nothing; 2 usage, input or database error\n"
    "(malformed TMX, locked database, TM written by a newer copydesk).\n";

enum {
  OPT_TM = 256,
  OPT_SRC,
  OPT_TGT,
  OPT_MIN,
  OPT_FORMAT,
  OPT_BUSY,
  OPT_SEGTYPE,
  OPT_NO_NAMES,
  OPT_NAMES_DB,
  OPT_FROM,
  OPT_TO
};

static const cli_opt options[] = {
    {"tm", 0, "PATH|URL", OPT_TM,
     "the TM file, or a PostgreSQL database as a libpq URL (postgresql://USER@HOST/DB)", "@file"},
    {"src-lang", 0, "L", OPT_SRC, "source language (BCP-47: en fr de uk ru ...)", "en|fr|de|uk|ru"},
    {"tgt-lang", 0, "L", OPT_TGT, "target language", "en|fr|de|uk|ru"},
    {"output", 'o', "FILE", 'o', "export: the TMX file to write ('-' = stdout)", "@file"},
    {"max", 'n', "N", 'n', "lookup, concord: at most N results (default 5, concord 20)", NULL},
    {"min", 0, "PCT", OPT_MIN, "lookup: lowest match percentage shown (default 70)", NULL},
    {"format", 0, "text|json", OPT_FORMAT, "lookup, concord, stats: output format (default text)",
     "text|json"},
    {"busy-timeout", 0, "MS", OPT_BUSY, "wait up to MS for another writer (default 5000)", NULL},
    {"from", 0, "TM", OPT_FROM, "migrate: the TM to read (a file or a PostgreSQL URL)", "@file"},
    {"to", 0, "TM", OPT_TO, "migrate: the TM to write (created when missing)", "@file"},
    {"no-names", 0, NULL, OPT_NO_NAMES, "lookup: names are plain words (no names store)", NULL},
    CLI_OPT_NAMES_DB(OPT_NAMES_DB),
    {"segtype", 0, "T", OPT_SEGTYPE,
     "export: the header's segtype, sentence (default) or\n"
     "paragraph (units that hold whole paragraphs; OmegaT then\n"
     "splits them into sentences when it matches)",
     "sentence|paragraph"},
    CLI_OPT_HELP,
    CLI_OPT_VERSION_ENTRY,
    CLI_OPT_END};

typedef struct tm_args {
  const char *sub;
  const char *tm_path;
  const char *src_lang, *tgt_lang;
  const char *output;
  long max;
  long min;
  bool json;
  long busy_ms;
  const char *segtype;
  bool no_names;
  const char *from, *to; /* migrate */
  char **rest;
  int nrest;
} tm_args;

static int parse_args(int argc, char **argv, tm_args *a) {
  cli_getopt g;
  cli_getopt_build(options, &g);
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, g.shortopts, g.longopts, NULL)) != -1) {
    switch (c) {
    case OPT_TM: a->tm_path = optarg; break;
    case OPT_FROM: a->from = optarg; break;
    case OPT_TO: a->to = optarg; break;
    case OPT_SRC:
    case OPT_TGT:
      if (cli_lang_arg("tm", optarg, c == OPT_SRC ? &a->src_lang : &a->tgt_lang))
        return CLI_USAGE;
      break;
    case 'o': a->output = optarg; break;
    case OPT_NO_NAMES: a->no_names = true; break;
    case OPT_NAMES_DB: cli_set_names_db(optarg); break;
    case 'n':
      if (cli_parse_long(optarg, 1, 100000, &a->max)) {
        cli_error("tm", "-n wants a number from 1 to 100000, not '%s'", optarg);
        return CLI_USAGE;
      }
      break;
    case OPT_MIN:
      if (cli_parse_long(optarg, 0, 100, &a->min)) {
        cli_error("tm", "--min wants a percentage from 0 to 100, not '%s'", optarg);
        return CLI_USAGE;
      }
      break;
    case OPT_FORMAT: {
      static const char *const formats[] = {"text", "json", NULL};
      int f;
      if (cli_choice("tm", "--format", optarg, formats, &f))
        return CLI_USAGE;
      a->json = f == 1;
      break;
    }
    case OPT_SEGTYPE:
      if (strcmp(optarg, "sentence") != 0 && strcmp(optarg, "paragraph") != 0) {
        cli_error("tm", "--segtype wants sentence or paragraph, not '%s'", optarg);
        return CLI_USAGE;
      }
      a->segtype = optarg;
      break;
    case OPT_BUSY:
      if (cli_parse_long(optarg, 0, 3600000, &a->busy_ms)) {
        cli_error("tm", "--busy-timeout wants milliseconds, not '%s'", optarg);
        return CLI_USAGE;
      }
      break;
    case 'h': cli_print_help(&cli_tm, stdout); return -1;
    case CLI_OPT_VERSION: cli_print_version(); return -1;
    default: cli_option_error(a->sub, c, argv); return CLI_USAGE;
    }
  }
  a->rest = argv + optind;
  a->nrest = argc - optind;
  return CLI_OK;
}

/* The TM path: --tm, else the default. Reports and returns CLI_USAGE on failure. */
static int tm_path(const tm_args *a, cd_buf *def, const char **path) {
  *path = a->tm_path;
  if (*path)
    return CLI_OK;
  cd_error err;
  cd_error_clear(&err);
  if (cd_tm_default_path(def, &err)) {
    cli_error(a->sub, "%s", err.message);
    return CLI_USAGE;
  }
  *path = def->data;
  return CLI_OK;
}

/* Opens the TM; `create` for the commands that write. The reading commands open it
 * read-only and never create, migrate or turn an empty file into a TM. */
static int open_tm(const tm_args *a, bool create, cd_tm_store **out) {
  cd_buf def = CD_BUF_INIT;
  const char *path;
  int rc = tm_path(a, &def, &path);
  if (!rc && !create)
    rc = cli_tm_must_exist(a->sub, path);
  if (rc) {
    cd_buf_free(&def);
    return rc;
  }
  cd_tm_store_options o;
  cd_tm_store_options_init(&o);
  o.read_only = !create; /* reading commands never write, create or migrate a TM */
  if (a->busy_ms >= 0)
    o.busy_timeout_ms = (int)a->busy_ms;
  cd_error err;
  cd_error_clear(&err);
  cd_status s = cd_tm_store_new(path, &o, out, &err);
  cd_buf_free(&def);
  if (s) {
    cli_error(a->sub, "%s%s", err.message, cli_fsize_hint(err.message));
    return CLI_USAGE;
  }
  return CLI_OK;
}

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static int cmd_import(tm_args *a) {
  if (a->nrest != 1) {
    cli_error("tm import", "one FILE.tmx or FILE.tsv expected");
    return CLI_USAGE;
  }
  const char *file = a->rest[0];
  bool tsv = ends_with(file, ".tsv") || ends_with(file, ".tab");
  cd_tmx_import_options o;
  cd_tmx_import_options_init(&o);
  o.src_lang = a->src_lang;
  o.tgt_lang = a->tgt_lang;
  char src[16], tgt[16];
  if (tsv && (!o.src_lang || !o.tgt_lang) && cd_lang_from_filename(file, src, tgt)) {
    if (!o.src_lang)
      o.src_lang = src;
    if (!o.tgt_lang)
      o.tgt_lang = tgt;
  }
  if (tsv && (!o.src_lang || !o.tgt_lang)) {
    /* neither options nor name: each column's language, when detection is sure of both */
    char ds[16], dt[16];
    if (cli_pairs_langs("tm import", file, ds, dt))
      return CLI_USAGE;
    if (!o.src_lang)
      snprintf(src, sizeof src, "%s", ds), o.src_lang = src;
    if (!o.tgt_lang)
      snprintf(tgt, sizeof tgt, "%s", dt), o.tgt_lang = tgt;
    if (strcmp(o.src_lang, "und") == 0 || strcmp(o.tgt_lang, "und") == 0 ||
        strcmp(o.src_lang, o.tgt_lang) == 0) {
      cli_error("tm import",
                "%s: languages unknown (detected %s and %s): name the file x.L1-L2.tsv or "
                "give --src-lang and --tgt-lang",
                file, ds, dt);
      return CLI_USAGE;
    }
    fprintf(stderr, "copydesk: tm import: %s: languages %s-%s (detected over each column)\n", file,
            o.src_lang, o.tgt_lang);
  }
  cd_tm_store *s;
  int rc = open_tm(a, true, &s);
  if (rc)
    return rc;
  cd_error err;
  cd_error_clear(&err);
  cd_tmx_counts c;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  cd_status st =
      tsv ? cd_tm_import_tsv(s, file, &o, &c, &err) : cd_tmx_import(s, file, &o, &c, &err);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  cd_tm_store_free(s);
  if (st) {
    cli_error("tm import", "%s; nothing imported, the TM is unchanged", err.message);
    return CLI_USAGE;
  }
  double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf("%s: %zu units added, %zu merged with existing ones, %zu %s skipped (%.2f s)\n", file,
         c.added, c.merged, c.skipped, tsv ? "lines" : "tu", secs);
  return CLI_OK;
}

/* libxml2 prints its I/O errors ("I/O error : Broken pipe") itself: during an export they
 * are kept, and the last one becomes the reason in our own message. */
static void keep_xml_error(void *ud, const char *fmt, ...) {
  (void)fmt;
  (void)ud;
}

static void keep_xml_structured(void *ud, xmlErrorPtr e) {
  char *last = ud;
  if (e && e->message) {
    snprintf(last, 128, "%s", e->message);
    size_t n = strlen(last);
    while (n && (last[n - 1] == '\n' || last[n - 1] == ' '))
      last[--n] = '\0';
  }
}

/* -o must not be the TM: the rename would replace it with its own export. */
static int export_refuses(const tm_args *a) {
  cd_buf def = CD_BUF_INIT;
  const char *path;
  int rc = tm_path(a, &def, &path);
  cli_files f = {0};
  if (!rc && cli_files_add(&f, path, "the TM"))
    rc = CLI_USAGE;
  if (!rc)
    rc = cli_files_refuse(&f, a->sub, "-o", a->output);
  cli_files_free(&f);
  cd_buf_free(&def);
  return rc;
}

static int cmd_export(tm_args *a) {
  if (!a->output || a->nrest != 0) {
    cli_error("tm export", "usage: copydesk tm export -o FILE.tmx [--src-lang L --tgt-lang L]");
    return CLI_USAGE;
  }
  if (export_refuses(a))
    return CLI_USAGE;
  cd_tm_store *s;
  int rc = open_tm(a, false, &s);
  if (rc)
    return rc;
  cli_outfile out;
  if (cli_outfile_open(&out, a->output, "tm export")) {
    cd_tm_store_free(s);
    return CLI_USAGE;
  }
  cd_tmx_export_options o;
  cd_tmx_export_options_init(&o);
  o.src_lang = a->src_lang;
  o.tgt_lang = a->tgt_lang;
  o.tool_version = CD_VERSION;
  o.segtype = a->segtype;
  cd_error err;
  cd_error_clear(&err);
  size_t n = 0;
  char xml_last[128] = "";
  xmlSetGenericErrorFunc(NULL, keep_xml_error);
  xmlSetStructuredErrorFunc(xml_last, keep_xml_structured);
  cd_status st = cd_tmx_export(s, out.fp, out.is_stdout ? "<stdout>" : a->output, &o, &n, &err);
  xmlSetStructuredErrorFunc(NULL, NULL);
  xmlSetGenericErrorFunc(NULL, NULL);
  cd_tm_store_free(s);
  if (st) {
    bool gone = (out.is_stdout || out.direct) && (ferror(out.fp) || xml_last[0]) &&
                (cli_is_broken_pipe() || strstr(xml_last, "Broken pipe"));
    const char *why = cli_fsize_reached(out.is_stdout ? NULL : out.fp);
    cli_outfile_abort(&out);
    if (gone) {
      clearerr(stdout);
      return CLI_OK; /* the reader went away (| head): quietly, as every command */
    }
    if (st == CD_ERR_IO && (why || xml_last[0]))
      cli_error("tm export", "%s (%s)", err.message, why ? why : xml_last);
    else
      cli_error("tm export", "%s%s", err.message, cli_fsize_hint(err.message));
    return CLI_USAGE;
  }
  if (cli_outfile_commit(&out, "tm export"))
    return CLI_USAGE;
  if (!out.is_stdout)
    fprintf(stderr, "copydesk: tm export: %zu units written to %s\n", n, a->output);
  return CLI_OK;
}

static int cmd_add(tm_args *a) {
  if (a->nrest != 2 || !a->src_lang || !a->tgt_lang) {
    cli_error("tm add", "usage: copydesk tm add SOURCE TARGET --src-lang L --tgt-lang L");
    return CLI_USAGE;
  }
  for (int i = 0; i < 2; i++)
    if (!cd_utf8_is_valid(a->rest[i], strlen(a->rest[i])) || !a->rest[i][0]) {
      cli_error("tm add", "the %s is empty or not valid UTF-8", i ? "target" : "source");
      return CLI_USAGE;
    }
  cd_tm_store *s;
  int rc = open_tm(a, true, &s);
  if (rc)
    return rc;
  cd_tm_unit u;
  cd_tm_unit_init(&u);
  u.src_lang = a->src_lang;
  u.tgt_lang = a->tgt_lang;
  u.source = a->rest[0];
  u.target = a->rest[1];
  u.origin_doc = "copydesk tm add";
  cd_error err;
  cd_error_clear(&err);
  bool merged = false;
  cd_status st = cd_tm_store_add(s, &u, &merged, &err);
  cd_tm_store_free(s);
  if (st) {
    cli_error("tm add", "%s", err.message);
    return CLI_USAGE;
  }
  printf("%s\n", merged ? "merged with an existing unit" : "added");
  return CLI_OK;
}

static void print_pair(void *ud, const char *src, const char *tgt, int64_t n) {
  json_object *pairs = ud;
  if (pairs) {
    json_object *p = json_object_new_object();
    json_object_object_add(p, "src_lang", json_object_new_string(src));
    json_object_object_add(p, "tgt_lang", json_object_new_string(tgt));
    json_object_object_add(p, "units", json_object_new_int64(n));
    json_object_array_add(pairs, p);
  } else {
    printf("  %s -> %s: %lld\n", src, tgt, (long long)n);
  }
}

static void print_json(json_object *o) {
  fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
        stdout);
  fputc('\n', stdout);
}

static int cmd_stats(tm_args *a) {
  if (a->nrest != 0) {
    cli_error("tm stats", "no arguments expected");
    return CLI_USAGE;
  }
  cd_tm_store *s;
  int rc = open_tm(a, false, &s);
  if (rc)
    return rc;
  cd_tm_stats st;
  cd_error err;
  cd_error_clear(&err);
  json_object *root = a->json ? json_object_new_object() : NULL;
  json_object *pairs = a->json ? json_object_new_array() : NULL;
  if (!a->json) {
    cd_tm_stats tmp;
    if (cd_tm_store_stats(s, &tmp, NULL, NULL, &err) == CD_OK)
      printf("%s\nschema version %d\n%lld units\nlanguage pairs:\n", cd_tm_store_path(s),
             tmp.schema_version, (long long)tmp.units);
  }
  cd_status r = cd_tm_store_stats(s, &st, print_pair, pairs, &err);
  if (!r && a->json) {
    json_object_object_add(root, "tm", json_object_new_string(cd_tm_store_path(s)));
    json_object_object_add(root, "schema_version", json_object_new_int(st.schema_version));
    json_object_object_add(root, "units", json_object_new_int64(st.units));
    json_object_object_add(root, "pairs", pairs);
    pairs = NULL;
    print_json(root);
  }
  json_object_put(root);
  json_object_put(pairs);
  cd_tm_store_free(s);
  if (r) {
    cli_error("tm stats", "%s", err.message);
    return CLI_USAGE;
  }
  return CLI_OK;
}

static int cmd_lookup(tm_args *a) {
  if (a->nrest != 1 || !a->rest[0][0]) {
    cli_error("tm lookup", "one QUERY expected");
    return CLI_USAGE;
  }
  const char *q = a->rest[0];
  if (!cd_utf8_is_valid(q, strlen(q))) {
    cli_error("tm lookup", "the query is not valid UTF-8");
    return CLI_USAGE;
  }
  cd_tm_store *s;
  int rc = open_tm(a, false, &s);
  if (rc)
    return rc;
  cd_fuzzy_options o;
  cd_fuzzy_options_init(&o);
  if (a->max > 0)
    o.max_results = (size_t)a->max;
  if (a->min >= 0)
    o.min_score = (int)a->min;
  o.src_lang = a->src_lang;
  o.tgt_lang = a->tgt_lang;
  cli_tm_names g;
  bool names = !a->no_names && cli_tm_names_open(&g, "tm lookup");
  if (names)
    cli_tm_names_use(&g, &o);
  cd_fuzzy_results *res = NULL;
  cd_error err;
  cd_error_clear(&err);
  cd_status st = cd_fuzzy_lookup(s, q, strlen(q), &o, &res, &err);
  cd_tm_store_free(s);
  if (names)
    cli_tm_names_close(&g);
  if (st) {
    cli_error("tm lookup", "%s", err.message);
    return CLI_USAGE;
  }
  size_t n = cd_fuzzy_results_count(res);
  if (a->json) {
    json_object *root = cli_tm_results_json(q, res);
    print_json(root);
    json_object_put(root);
  } else {
    for (size_t i = 0; i < n; i++) {
      const cd_fuzzy_match *m = cd_fuzzy_results_get(res, i);
      printf("%3d%%%s  #%lld  %s -> %s\n  %s\n  %s\n", m->score, m->adapted ? " adapted" : "",
             (long long)m->id, m->src_lang, m->tgt_lang, m->source, m->target);
    }
  }
  cd_fuzzy_results_free(res);
  if (cli_flush_stdout("tm lookup") < 0)
    return CLI_USAGE;
  return n ? CLI_OK : CLI_FINDINGS;
}

static void print_highlighted(const char *text, const size_t *spans, size_t n, bool tty) {
  const char *on = tty ? "\033[1m" : "[[", *off = tty ? "\033[0m" : "]]";
  size_t at = 0;
  for (size_t i = 0; i < n; i++) {
    fwrite(text + at, 1, spans[2 * i] - at, stdout);
    fputs(on, stdout);
    fwrite(text + spans[2 * i], 1, spans[2 * i + 1] - spans[2 * i], stdout);
    fputs(off, stdout);
    at = spans[2 * i + 1];
  }
  fputs(text + at, stdout);
}

static json_object *spans_json(const size_t *spans, size_t n) {
  json_object *a = json_object_new_array();
  for (size_t i = 0; i < n; i++) {
    json_object *p = json_object_new_array();
    json_object_array_add(p, json_object_new_int64((int64_t)spans[2 * i]));
    json_object_array_add(p, json_object_new_int64((int64_t)spans[2 * i + 1]));
    json_object_array_add(a, p);
  }
  return a;
}

static int cmd_concord(tm_args *a) {
  if (a->nrest != 1 || !a->rest[0][0]) {
    cli_error("tm concord", "one TERM expected");
    return CLI_USAGE;
  }
  const char *term = a->rest[0];
  if (!cd_utf8_is_valid(term, strlen(term))) {
    cli_error("tm concord", "the term is not valid UTF-8");
    return CLI_USAGE;
  }
  cd_tm_store *s;
  int rc = open_tm(a, false, &s);
  if (rc)
    return rc;
  cd_concord_results *res = NULL;
  cd_error err;
  cd_error_clear(&err);
  cd_status st = cd_concord(s, term, strlen(term), a->src_lang, a->tgt_lang,
                            a->max > 0 ? (size_t)a->max : 20, &res, &err);
  cd_tm_store_free(s);
  if (st) {
    cli_error("tm concord", "%s", err.message);
    return CLI_USAGE;
  }
  size_t n = cd_concord_results_count(res);
  bool tty = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
  json_object *root = NULL, *arr = NULL;
  if (a->json) {
    root = json_object_new_object();
    arr = json_object_new_array();
    json_object_object_add(root, "term", json_object_new_string(term));
  }
  for (size_t i = 0; i < n; i++) {
    const cd_concord_hit *h = cd_concord_results_get(res, i);
    if (a->json) {
      json_object *r = json_object_new_object();
      json_object_object_add(r, "id", json_object_new_int64(h->id));
      json_object_object_add(r, "src_lang", json_object_new_string(h->src_lang));
      json_object_object_add(r, "tgt_lang", json_object_new_string(h->tgt_lang));
      json_object_object_add(r, "source", json_object_new_string(h->source));
      json_object_object_add(r, "target", json_object_new_string(h->target));
      json_object_object_add(r, "source_spans", spans_json(h->src_spans, h->n_src));
      json_object_object_add(r, "target_spans", spans_json(h->tgt_spans, h->n_tgt));
      json_object_array_add(arr, r);
      continue;
    }
    printf("#%lld  %s -> %s\n  ", (long long)h->id, h->src_lang, h->tgt_lang);
    print_highlighted(h->source, h->src_spans, h->n_src, tty);
    fputs("\n  ", stdout);
    print_highlighted(h->target, h->tgt_spans, h->n_tgt, tty);
    fputc('\n', stdout);
  }
  if (a->json) {
    json_object_object_add(root, "results", arr);
    print_json(root);
    json_object_put(root);
  }
  cd_concord_results_free(res);
  if (cli_flush_stdout("tm concord") < 0)
    return CLI_USAGE;
  return n ? CLI_OK : CLI_FINDINGS;
}

static int cmd_migrate(tm_args *a) {
  if (a->tm_path) {
    cli_error(a->sub, "give the TMs as --from and --to, not --tm");
    return CLI_USAGE;
  }
  return cli_tm_migrate(a->from, a->to, a->busy_ms, a->nrest);
}

static int run(int argc, char **argv) {
  if (argc < 2) {
    cli_print_help(&cli_tm, stderr);
    return CLI_USAGE;
  }
  const char *sub = argv[1];
  if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
    cli_print_help(&cli_tm, stdout);
    return CLI_OK;
  }
  if (strcmp(sub, "--version") == 0) {
    cli_print_version();
    return CLI_OK;
  }
  static const struct {
    const char *name, *label;
    int (*fn)(tm_args *);
  } subs[] = {{"import", "tm import", cmd_import},
              {"export", "tm export", cmd_export},
              {"add", "tm add", cmd_add},
              {"stats", "tm stats", cmd_stats},
              {"lookup", "tm lookup", cmd_lookup},
              {"concord", "tm concord", cmd_concord},
              {"migrate", "tm migrate", cmd_migrate}};
  for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
    if (strcmp(sub, subs[i].name) != 0)
      continue;
    tm_args a;
    memset(&a, 0, sizeof a);
    a.sub = subs[i].label;
    a.min = -1;
    a.busy_ms = -1;
    int rc = parse_args(argc - 1, argv + 1, &a);
    if (rc < 0)
      return CLI_OK; /* --help, --version */
    if (rc)
      return rc;
    if (a.output && strcmp(sub, "export") != 0) {
      cli_error(a.sub, "-o is for 'tm export' only");
      return CLI_USAGE;
    }
    if ((a.from || a.to) && strcmp(sub, "migrate") != 0) {
      cli_error(a.sub, "--from and --to are for 'tm migrate' only (the TM is --tm)");
      return CLI_USAGE;
    }
    return subs[i].fn(&a);
  }
  cli_error("tm", "no such subcommand '%s' (import, export, add, stats, lookup, concord, migrate)",
            sub);
  return CLI_USAGE;
}

static const char *const actions[] = {"import", "export",  "add",     "stats",
                                      "lookup", "concord", "migrate", NULL};

const cli_command cli_tm = {"tm",
                            run,
                            "translation memory: import/export TMX, add, fuzzy lookup, "
                            "concordance, stats",
                            help_head,
                            options,
                            27,
                            help_tail,
                            actions};
