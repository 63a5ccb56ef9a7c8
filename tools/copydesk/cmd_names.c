/* SPDX-License-Identifier: MIT */
/* copydesk names — look up, compile, import and export the names dictionary. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cd_lang.h"
#include "cd_names.h"
#include "cli.h"
#include "cli_glue.h"

static const char help_head[] =
    "usage: copydesk names lookup QUERY [-l LANG] [--all] [--format text|json] [--house FILE]\n"
    "       copydesk names compile -o OUT.sqlite FILE.tsv...\n"
    "       copydesk names import [--jrc] [--all-entities] [-o OUT.tsv] FILE\n"
    "       copydesk names export [--format tsv|dic|aff] [-l LANG] [-o FILE]\n"
    "       copydesk names discover [FILE|DIR...] [--tm PATH] [-l LANG] [--min-count N]\n"
    "                               [-o draft.tsv] [--format text|json]\n"
    "       copydesk names migrate [--from names.sqlite] --to postgresql://...\n"
    "\n"
    "lookup   finds the entities a spelling (any script, variant, transliteration, surname,\n"
    "         possessive, all caps) refers to, best first, with score and reason, and the\n"
    "         canonical form in LANG (default en). Exit 1 when nothing is found with\n"
    "         confidence (score >= 0.9).\n"
    "compile  compiles TSV sources (dicts/names/README.md) into a names database.\n"
    "import   converts a Wikidata entity JSON dump (one entity per line inside [ ], .gz\n"
    "         allowed; current and legacy shapes) or, with --jrc, a JRC-Names style TSV\n"
    "         into TSV rows in the dicts/names format.\n"
    "export   writes the database (and --house overlay) as TSV, or the canonical names in\n"
    "         LANG as a hunspell dictionary (--format dic) and its affix file (--format aff).\n"
    "discover lists the names a batch uses that the dictionary lacks (articles, pairs files,\n"
    "         with --tm a TM's units): each with its spellings and counts, its type from the\n"
    "         words before it, its forms in other languages across aligned pairs, and two\n"
    "         contexts; -o writes them as a draft TSV for the house overlay.\n"
    "migrate  puts a compiled names database (default DATA/names.sqlite) into PostgreSQL,\n"
    "         in one transaction, replacing the store there for the readers that open it\n"
    "         afterwards; commands then use it with --names-db URL (docs/postgresql.md).\n"
    "\n";

static const char help_tail[] =
    "\n"
    "The database is names.sqlite in the data directory ($COPYDESK_DATA), or what\n"
    "--names-db or $COPYDESK_NAMES_DB names: a names.sqlite file or a postgresql:// URL.\n"
    "Exit status: 0 ok, 1 nothing confident found (lookup), 2 usage or data error.\n";

enum {
  OPT_ALL = 256,
  OPT_FORMAT,
  OPT_HOUSE,
  OPT_JRC,
  OPT_ALL_ENT,
  OPT_TM,
  OPT_MIN,
  OPT_NAMES_DB,
  OPT_FROM,
  OPT_TO
};

static const cli_opt options[] = {
    {"lang", 'l', "LANG", 'l',
     "language of the canonical form (en fr de uk ru); discover: of\n"
     "the articles (default: file name, detection, COPYDESK_LANG)",
     "en|fr|de|uk|ru"},
    {"all", 0, NULL, OPT_ALL, "lookup: list every form of each entity", NULL},
    {"format", 0, "FMT", OPT_FORMAT,
     "lookup, discover: text (default) or json; export: tsv, dic, aff", "text|json|tsv|dic|aff"},
    {"tm", 0, "PATH", OPT_TM, "discover: also read the units of this TM", "@file"},
    {"min-count", 0, "N", OPT_MIN, "discover: only names mentioned N times or more (default 1)",
     NULL},
    {"house", 0, "FILE", OPT_HOUSE,
     "house overlay TSV (its rows win); default\n"
     "$XDG_CONFIG_HOME/copydesk/house.tsv when present",
     "@file"},
    {"output", 'o', "FILE", 'o', "output file (atomically); default stdout", "@file"},
    {"jrc", 0, NULL, OPT_JRC, "import: the input is JRC-Names style TSV", NULL},
    {"all-entities", 0, NULL, OPT_ALL_ENT, "import: keep entities that are not people or places",
     NULL},
    CLI_OPT_NAMES_DB(OPT_NAMES_DB),
    {"from", 0, "FILE", OPT_FROM, "migrate: the names.sqlite to copy (default DATA/names.sqlite)",
     "@file"},
    {"to", 0, "URL", OPT_TO, "migrate: the PostgreSQL database (postgresql://...)", NULL},
    CLI_OPT_HELP,
    CLI_OPT_VERSION_ENTRY,
    CLI_OPT_END};

static char house_default[4200];

/* --house, else $XDG_CONFIG_HOME/copydesk/house.tsv (or ~/.config/...) when it exists. */
static const char *house_path(const char *given) {
  if (given)
    return given;
  const char *x = getenv("XDG_CONFIG_HOME");
  const char *home = getenv("HOME");
  if (x && *x)
    snprintf(house_default, sizeof house_default, "%s/copydesk/house.tsv", x);
  else if (home && *home)
    snprintf(house_default, sizeof house_default, "%s/.config/copydesk/house.tsv", home);
  else
    return NULL;
  FILE *f = fopen(house_default, "rb");
  if (!f)
    return NULL;
  fclose(f);
  return house_default;
}

static int open_db(const char *house, cd_names **db) {
  const char *dir = cli_data_dir();
  cd_error err;
  cd_error_clear(&err);
  bool had_db = false;
  if (cd_names_open_dir(dir, cli_names_db(), house, db, &had_db, &err)) {
    cli_error("names", "%s", err.message);
    return CLI_USAGE;
  }
  if (!had_db) { /* lookups need the store, not only an overlay */
    cli_error("names", "%s/names.sqlite: names database not found", dir ? dir : ".");
    cd_names_free(*db);
    *db = NULL;
    return CLI_USAGE;
  }
  return CLI_OK;
}

static cd_status form_cb(void *ud, const char *lang, const char *kind, const char *form,
                         cd_error *err) {
  json_object *arr = ud;
  json_object *o = json_object_new_object();
  if (!o || json_object_object_add(o, "lang", json_object_new_string(lang ? lang : "")) ||
      json_object_object_add(o, "kind", json_object_new_string(kind ? kind : "")) ||
      json_object_object_add(o, "form", json_object_new_string(form ? form : "")) ||
      json_object_array_add(arr, o)) {
    json_object_put(o);
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  return CD_OK;
}

/* What the scanner found for a whole query that the key lookup did not: an inflected form
 * (Зеленського, Кривого Рогу) given as its house form, with the scanner's rule and score. */
typedef struct via_scan {
  const char *search; /* the house form to look up instead */
  const char *why;
  double score;
} via_scan;

static json_object *lookup_as(cd_names *db, const char *query, const via_scan *v, const char *lang,
                              bool all, double threshold, bool *confident_any, cd_error *err) {
  cd_names_hit hits[8];
  size_t n = 0, core = 0;
  bool keep = true;
  const char *search = v ? v->search : query;
  cd_names_query q = {search, strlen(search), NULL, 0, lang, true, false};
  *confident_any = false;
  if (cd_names_find_span(db, &q, hits, 8, &n, &core, &keep, err))
    return NULL;
  json_object *root = json_object_new_object(), *results = json_object_new_array();
  json_object_object_add(root, "query", json_object_new_string(query));
  cd_buf form = CD_BUF_INIT, canon = CD_BUF_INIT;
  for (size_t i = 0; i < n; i++) {
    cd_names_hit *h = &hits[i];
    if (cd_names_replacement(db, h, lang, search, core, q.len, keep, &form, err) ||
        cd_names_canonical(db, h, lang, CD_PART_FULL, &canon, err))
      continue;
    if (v) {
      h->score = v->score;
      snprintf(h->why, sizeof h->why, "%s", v->why);
    }
    bool confident = h->score >= threshold && !h->historical;
    /* a near tie between different entities is not confident */
    if (i == 0 && n > 1 && hits[1].score >= h->score)
      confident = false;
    if (i > 0)
      confident = false;
    *confident_any |= confident;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_string(h->id));
    json_object_object_add(o, "type", json_object_new_string(h->type));
    json_object_object_add(o, "form", json_object_new_string(form.data));
    json_object *c = json_object_new_object();
    json_object_object_add(c, lang, json_object_new_string(canon.data));
    json_object_object_add(o, "canonical", c);
    char sc[16];
    snprintf(sc, sizeof sc, "%.2f", h->score);
    json_object_object_add(o, "score", json_object_new_double_s(h->score, sc));
    json_object_object_add(o, "confident", json_object_new_boolean(confident));
    json_object_object_add(o, "why", json_object_new_string(h->why));
    json_object_array_add(results, o);
    if (all) {
      json_object *forms = json_object_new_array();
      json_object_object_add(o, "forms", forms);
      if (cd_names_forms(db, h, form_cb, forms, err)) { /* a shorter list would mislead */
        json_object_put(results);
        json_object_put(root);
        root = NULL;
        break;
      }
    }
  }
  if (root)
    json_object_object_add(root, "results", results);
  cd_buf_free(&form);
  cd_buf_free(&canon);
  return root;
}

typedef struct whole_mention {
  size_t len;
  cd_buf canonical;
  char why[64];
  double score;
  bool found;
} whole_mention;

static cd_status on_whole(void *ud, const cd_names_mention *m, cd_error *err) {
  whole_mention *w = ud;
  if (m->start == 0 && m->end == w->len && !w->found && (m->rewrite || m->is_canonical)) {
    w->found = true;
    cd_buf_clear(&w->canonical);
    if (cd_buf_append(&w->canonical, m->canonical, m->canonical_len))
      return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    snprintf(w->why, sizeof w->why, "%s", m->rule ? m->rule : "scan");
    w->score = m->confidence;
  }
  return CD_OK;
}

json_object *cli_names_lookup_json(cd_names *db, cd_names_scanner *sc, const char *data_dir,
                                   const char *query, const char *lang, bool all, double threshold,
                                   bool *confident, cd_error *err) {
  cd_names_hit hits[1];
  size_t n = 0, core = 0;
  bool keep = true;
  cd_names_query q = {query, strlen(query), NULL, 0, lang, true, false};
  if (cd_names_find_span(db, &q, hits, 1, &n, &core, &keep, err) == CD_OK && n == 0) {
    /* nothing by key: an inflected form? the scanner knows (hunspell stems) */
    cd_names_scan_options so;
    cd_names_scan_options_init(&so);
    so.data_dir = data_dir;
    cd_names_scanner *own = NULL;
    whole_mention w = {strlen(query), CD_BUF_INIT, "", 0, false};
    if (sc)
      cd_names_scanner_reset(sc); /* the query is a document of its own */
    else if (cd_names_scanner_new(db, &so, &own, err) == CD_OK)
      sc = own;
    if (sc)
      cd_names_scan(sc, query, w.len, lang, on_whole, &w, err);
    cd_names_scanner_free(own);
    json_object *root = NULL;
    if (w.found) {
      via_scan v = {cd_buf_at(&w.canonical, 0), w.why, w.score};
      root = lookup_as(db, query, &v, lang, all, threshold, confident, err);
    }
    cd_buf_free(&w.canonical);
    if (root)
      return root;
  }
  return lookup_as(db, query, NULL, lang, all, threshold, confident, err);
}

/* Text output: one line a result (form, id, score, why, canonical form and type), with
 * --all each form under it. */
static void print_lookup_text(json_object *root, const char *lang) {
  json_object *results = json_object_object_get(root, "results");
  size_t n = json_object_array_length(results);
  for (size_t i = 0; i < n; i++) {
    json_object *o = json_object_array_get_idx(results, i);
#define S(obj, k) json_object_get_string(json_object_object_get(obj, k))
    printf("%s\t%s\t%.2f\t%s\t%s (%s)%s\n", S(o, "form"), S(o, "id"),
           json_object_get_double(json_object_object_get(o, "score")), S(o, "why"),
           S(json_object_object_get(o, "canonical"), lang), S(o, "type"),
           json_object_get_boolean(json_object_object_get(o, "confident")) ? ""
                                                                           : "\t[not confident]");
    json_object *forms = json_object_object_get(o, "forms");
    for (size_t k = 0; forms && k < json_object_array_length(forms); k++) {
      json_object *f = json_object_array_get_idx(forms, k);
      const char *fl = S(f, "lang");
      printf("    %-3s %-9s %s\n", *fl ? fl : "*", S(f, "kind"), S(f, "form"));
    }
#undef S
  }
  if (n == 0)
    printf("no match for '%s'\n", json_object_get_string(json_object_object_get(root, "query")));
}

static int lookup(cd_names *db, const char *query, const char *lang, bool all, bool json,
                  double threshold) {
  cd_error err;
  cd_error_clear(&err);
  bool confident = false;
  json_object *root = cli_names_lookup_json(db, NULL, cli_data_dir(), query, lang, all, threshold,
                                            &confident, &err);
  if (!root) {
    cli_error("names", "%s", err.message);
    return CLI_USAGE;
  }
  if (json)
    printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
                                                            JSON_C_TO_STRING_NOSLASHESCAPE));
  else
    print_lookup_text(root, lang);
  json_object_put(root);
  return confident ? CLI_OK : CLI_FINDINGS;
}

static cd_status write_fp(void *ud, const char *p, size_t n, cd_error *err) {
  FILE *fp = ud;
  if (n && fwrite(p, 1, n, fp) != n)
    return cd_error_set(err, CD_ERR_IO, "write error: %s", strerror(errno));
  return CD_OK;
}

/* The compiled database and its sidecar, built in a private directory beside OUT (mkdtemp:
 * two compiles never share a temporary) and renamed over OUT.filter and OUT at the end. */
typedef struct compile_tmp {
  char *dir, *db, *files[4]; /* db.tmp, db.filter.tmp, db, db.filter */
  char *target;
} compile_tmp;

static char *joined(const char *a, const char *b) {
  size_t n = strlen(a) + strlen(b) + 1;
  char *p = malloc(n);
  if (p)
    snprintf(p, n, "%s%s", a, b);
  return p;
}

static void compile_tmp_remove(compile_tmp *t) {
  for (int i = 0; i < 4; i++)
    if (t->files[i]) {
      unlink(t->files[i]);
      cli_temp_forget(t->files[i]);
      free(t->files[i]);
    }
  if (t->dir) {
    rmdir(t->dir);
    cli_temp_forget(t->dir);
  }
  free(t->dir);
  free(t->db);
  free(t->target);
  memset(t, 0, sizeof *t);
}

static int compile_tmp_make(compile_tmp *t, const char *output) {
  memset(t, 0, sizeof *t);
  if (!(t->target = cli_resolve_target(output))) {
    cli_error("names", "cannot follow '%s': %s", output, strerror(errno));
    return -1;
  }
  char *d = strdup(t->target), *b = strdup(t->target);
  if (d && b) {
    size_t n = strlen(d) + strlen(b) + 16;
    if ((t->dir = malloc(n)))
      snprintf(t->dir, n, "%s/.%s.XXXXXX", dirname(d), basename(b));
  }
  free(d);
  free(b);
  if (!t->dir || !mkdtemp(t->dir)) {
    cli_error("names", "cannot create a temporary directory beside '%s': %s", output,
              t->dir ? strerror(errno) : "out of memory");
    free(t->dir);
    t->dir = NULL;
    compile_tmp_remove(t);
    return -1;
  }
  static const char *const suffix[4] = {".tmp", ".filter.tmp", "", ".filter"};
  t->db = joined(t->dir, "/names.sqlite");
  for (int i = 0; i < 4 && t->db; i++)
    if (!(t->files[i] = joined(t->db, suffix[i])) || !cli_temp_remember(t->files[i])) {
      cli_error("names", "out of memory");
      compile_tmp_remove(t);
      return -1;
    }
  if (!t->db || !cli_temp_remember(t->dir)) {
    cli_error("names", "out of memory");
    compile_tmp_remove(t);
    return -1;
  }
  return 0;
}

/* Moves the compiled file src over dst, with dst's mode and owner (or a new file's). */
static int compile_place(const char *src, const char *dst) {
  struct stat st;
  bool exists = stat(dst, &st) == 0;
  int fd = open(src, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    cli_take_attributes(fd, &st, exists);
    close(fd);
  }
  if (rename(src, dst) != 0) {
    cli_error("names", "cannot replace '%s': %s", dst, strerror(errno));
    return -1;
  }
  return 0;
}

static int compile(char **inputs, int n, const char *output) {
  cli_files f = {0};
  int rc = CLI_OK;
  for (int i = 0; i < n && !rc; i++)
    if (cli_files_add(&f, inputs[i], "an input file"))
      rc = CLI_USAGE;
  if (!rc)
    rc = cli_files_refuse(&f, "names", "-o", output);
  cli_files_free(&f);
  compile_tmp t;
  if (rc || compile_tmp_make(&t, output))
    return CLI_USAGE;
  const char *dir = cli_data_dir();
  char tr[4200];
  snprintf(tr, sizeof tr, "%s/translit", dir ? dir : ".");
  cd_error err;
  cd_error_clear(&err);
  char *sidecar = joined(t.target, ".filter");
  if (!sidecar) {
    cli_error("names", "out of memory");
    rc = CLI_USAGE;
  } else if (cd_names_compile((const char *const *)inputs, (size_t)n, tr, t.db, &err)) {
    cli_error("names", "%s", err.message);
    rc = CLI_USAGE;
  } else if (compile_place(t.files[3], sidecar) || compile_place(t.files[2], t.target)) {
    rc = CLI_USAGE; /* the sidecar first: a database beside another build's sidecar ignores it */
  }
  free(sidecar);
  compile_tmp_remove(&t);
  return rc;
}

/* names migrate: the compiled store into PostgreSQL, one transaction. */
static int migrate(const char *from, const char *to) {
  char dbp[4200];
  if (!from) {
    const char *dir = cli_data_dir();
    snprintf(dbp, sizeof dbp, "%s/names.sqlite", dir ? dir : ".");
    from = dbp;
  }
  cd_error err;
  cd_error_clear(&err);
  cd_names_migrate_stats k;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  if (cd_names_migrate(from, to, &k, &err)) {
    cli_error("names migrate", "%s", err.message);
    return CLI_USAGE;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  fprintf(stderr,
          "copydesk: names migrate: %llu entities, %llu forms, %llu keys, %llu context values "
          "(generation %lld) (%.2f s)\n",
          (unsigned long long)k.entities, (unsigned long long)k.forms, (unsigned long long)k.keys,
          (unsigned long long)k.context, (long long)k.generation,
          (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
  return CLI_OK;
}

/* -o must not name the import's input, the names database or the house overlay. */
static int refuse_clobbering(const char *input, const char *house, const char *output) {
  const char *dir = cli_data_dir();
  char dbp[4200];
  snprintf(dbp, sizeof dbp, "%s/names.sqlite", dir ? dir : ".");
  cli_files f = {0};
  int rc = cli_files_add(&f, input, "the input file") ||
                   cli_files_add(&f, dbp, "the names database") ||
                   cli_files_add(&f, house, "the house overlay")
               ? CLI_USAGE
               : cli_files_refuse(&f, "names", "-o", output);
  cli_files_free(&f);
  return rc;
}

/* The options of one run, as parsed; action is argv[1]. */
typedef struct names_args {
  const char *action;
  const char *lang, *format, *house, *output, *tm, *from, *to;
  bool lang_given, all, jrc, all_ent;
  size_t min_count;
  char **rest;
  int nrest;
} names_args;

/* Fills a from the options after the action: CLI_OK, CLI_USAGE (reported) or -1 after
 * --help or --version. */
static int parse_args(int argc, char **argv, names_args *a) {
  cli_getopt g;
  cli_getopt_build(options, &g);
  int c;
  optind = 2;
  opterr = 0;
  while ((c = getopt_long(argc, argv, g.shortopts, g.longopts, NULL)) != -1) {
    switch (c) {
    case 'l':
      if (cli_lang_arg("names", optarg, &a->lang))
        return CLI_USAGE;
      a->lang_given = true;
      break;
    case OPT_ALL: a->all = true; break;
    case OPT_TM: a->tm = optarg; break;
    case OPT_MIN: {
      char *end;
      long v = strtol(optarg, &end, 10);
      if (*optarg == '\0' || *end || v < 1 || v > 1000000) {
        cli_error("names", "--min-count wants a number from 1, not '%s'", optarg);
        return CLI_USAGE;
      }
      a->min_count = (size_t)v;
      break;
    }
    case OPT_FORMAT: a->format = optarg; break;
    case OPT_HOUSE: a->house = optarg; break;
    case 'o': a->output = optarg; break;
    case OPT_JRC: a->jrc = true; break;
    case OPT_ALL_ENT: a->all_ent = true; break;
    case OPT_NAMES_DB: cli_set_names_db(optarg); break;
    case OPT_FROM: a->from = optarg; break;
    case OPT_TO: a->to = optarg; break;
    case 'h': cli_print_help(&cli_names, stdout); return -1;
    case CLI_OPT_VERSION: cli_print_version(); return -1;
    default: cli_option_error("names", c, argv); return CLI_USAGE;
    }
  }
  a->rest = argv + optind;
  a->nrest = argc - optind;
  return CLI_OK;
}

/* names lookup QUERY, names discover [FILE|DIR...]: both read the names store. */
static int act_find(const names_args *a) {
  bool is_lookup = !strcmp(a->action, "lookup");
  if (a->format && strcmp(a->format, "text") && strcmp(a->format, "json")) {
    cli_error("names", "--format wants text or json, not '%s'", a->format);
    return CLI_USAGE;
  }
  if (is_lookup && a->nrest != 1) {
    cli_error("names", "lookup wants one QUERY (quote names with spaces)");
    return CLI_USAGE;
  }
  bool json = a->format && !strcmp(a->format, "json");
  cd_names *db = NULL;
  int rc = open_db(house_path(a->house), &db);
  if (rc)
    return rc;
  cli_discover_options o = {a->lang_given ? a->lang : NULL, a->tm, a->min_count, a->output, json};
  rc = is_lookup ? lookup(db, a->rest[0], a->lang, a->all, json, 0.9)
                 : cli_names_discover(db, a->rest, a->nrest, &o);
  cd_names_free(db);
  return rc;
}

static int act_migrate(const names_args *a) {
  if (!a->to || a->nrest) {
    cli_error("names", "migrate wants --to URL (and --from FILE), nothing else");
    return CLI_USAGE;
  }
  return migrate(a->from, a->to);
}

static int act_compile(const names_args *a) {
  if (!a->output || a->nrest < 1) {
    cli_error("names", "compile wants -o OUT.sqlite and at least one TSV file");
    return CLI_USAGE;
  }
  return compile(a->rest, a->nrest, a->output);
}

/* export --format: tsv (default), dic or aff; CLI_USAGE (reported) for another. */
static int export_kind(const char *format, cd_names_export_kind *kind) {
  *kind = CD_EXPORT_TSV;
  if (!format)
    return CLI_OK;
  if (!strcmp(format, "dic"))
    *kind = CD_EXPORT_DIC;
  else if (!strcmp(format, "aff"))
    *kind = CD_EXPORT_AFF;
  else if (strcmp(format, "tsv")) {
    cli_error("names", "--format wants tsv, dic or aff, not '%s'", format);
    return CLI_USAGE;
  }
  return CLI_OK;
}

/* names import FILE (Wikidata or --jrc) and names export: rows written to -o or stdout. */
static int act_convert(const names_args *a) {
  bool imp = !strcmp(a->action, "import");
  if (imp && a->nrest != 1) {
    cli_error("names", "import wants one FILE");
    return CLI_USAGE;
  }
  cd_names_export_kind kind = CD_EXPORT_TSV;
  if (!imp && export_kind(a->format, &kind))
    return CLI_USAGE;
  if (refuse_clobbering(imp ? a->rest[0] : NULL, imp ? NULL : house_path(a->house), a->output))
    return CLI_USAGE;
  cd_names *db = NULL;
  if (!imp) {
    int rc = open_db(house_path(a->house), &db);
    if (rc)
      return rc;
  }
  cli_outfile out;
  if (cli_outfile_open(&out, a->output, "names")) {
    cd_names_free(db);
    return CLI_USAGE;
  }
  cd_error err;
  cd_error_clear(&err);
  cd_names_import_stats stats;
  memset(&stats, 0, sizeof stats);
  cd_status st = imp ? (a->jrc ? cd_names_import_jrc(a->rest[0], write_fp, out.fp, &stats, &err)
                               : cd_names_import_wikidata(a->rest[0], a->all_ent, write_fp, out.fp,
                                                          &stats, &err))
                     : cd_names_export(db, kind, a->lang, write_fp, out.fp, &err);
  cd_names_free(db);
  if (st) {
    bool gone = (out.is_stdout || out.direct) && ferror(out.fp) && cli_is_broken_pipe();
    cli_outfile_abort(&out);
    if (gone)
      return CLI_OK; /* the reader went away (| head): quietly */
    cli_error("names", "%s", err.message);
    return CLI_USAGE;
  }
  if (cli_outfile_commit(&out, "names"))
    return CLI_USAGE;
  if (imp)
    fprintf(stderr, "copydesk: names: %s: %s, %llu entities read, %llu written, %llu skipped\n",
            a->rest[0], stats.shape, (unsigned long long)stats.read,
            (unsigned long long)stats.written, (unsigned long long)stats.skipped);
  return CLI_OK;
}

static int run(int argc, char **argv) {
  if (argc < 2) {
    cli_print_help(&cli_names, stderr);
    return CLI_USAGE;
  }
  const char *action = argv[1];
  if (!strcmp(action, "-h") || !strcmp(action, "--help")) {
    cli_print_help(&cli_names, stdout);
    return CLI_OK;
  }
  if (!strcmp(action, "--version")) {
    cli_print_version();
    return CLI_OK;
  }
  names_args a = {.action = action, .lang = "en", .min_count = 1};
  int rc = parse_args(argc, argv, &a);
  if (rc)
    return rc < 0 ? CLI_OK : rc; /* -1: --help, --version */
  static const struct {
    const char *name;
    int (*fn)(const names_args *);
  } acts[] = {{"lookup", act_find},     {"discover", act_find},  {"migrate", act_migrate},
              {"compile", act_compile}, {"import", act_convert}, {"export", act_convert}};
  for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++)
    if (!strcmp(action, acts[i].name))
      return acts[i].fn(&a);
  cli_error("names", "unknown action '%s' (lookup, compile, import, export, discover, migrate)",
            action);
  return CLI_USAGE;
}

static const char *const actions[] = {"lookup",   "compile", "import", "export",
                                      "discover", "migrate", NULL};

const cli_command cli_names = {
    "names",   run,     "people, places, organisations: lookup, compile, import, export, discover",
    help_head, options, 23,
    help_tail, actions};
