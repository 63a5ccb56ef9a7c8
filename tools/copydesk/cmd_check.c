/* SPDX-License-Identifier: MIT */
/* copydesk check — batch consistency before publication. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cd_check.h"
#include "cd_lang.h"
#include "cd_names.h"
#include "cd_normalize.h"
#include "cd_tm_store.h"
#include "cli.h"
#include "cli_glue.h"

static const char help_head[] =
    "usage: copydesk check [options] [FILE|DIR...]\n"
    "\n"
    "Checks a batch before publication: articles (FILE or directories, walked; any encoding,\n"
    "normalized internally, never modified), aligned pairs (--pairs: TSV source<TAB>target,\n"
    "or the TSV or JSON that 'copydesk align' writes; *.tsv and *.json files found in a\n"
    "directory are read as pairs too, or skipped with a warning when they are not pairs),\n"
    "a TM, a glossary. Reports each finding as\n"
    "  path:line:col: severity: check-id: message\n"
    "sorted by file and line (col in code points).\n"
    "\n";

static const char help_tail[] =
    "\n"
    "Exit status: 0 no error-level finding, 1 at least one error-level finding, 2 usage or\n"
    "input error.\n";

enum {
  OPT_PAIRS = 256,
  OPT_SRC,
  OPT_TGT,
  OPT_GLOSSARY,
  OPT_FORMAT,
  OPT_DISABLE,
  OPT_LEVEL,
  OPT_LIST,
  OPT_TM,
  OPT_HOUSE,
  OPT_NAMES_DB,
  OPT_NO_NAMES
};

static const cli_opt options[] = {
    {"lang", 'l', "LANG", 'l',
     "language of the articles (default: from the file name, else\n"
     "detected with confidence, else the batch's language when\n"
     "every article with a known language has it, else\n"
     "COPYDESK_LANG or 'lang = xx' in ~/.config/copydesk/config)",
     "en|fr|de|uk|ru"},
    {"pairs", 0, "FILE", OPT_PAIRS,
     "TSV source<TAB>target, one pair a line, or align's TSV/JSON\n"
     "(repeatable); languages from --src-lang/--tgt-lang, else the\n"
     "name x.L1-L2.tsv (.json), else detected over each column",
     "@file"},
    {"src-lang", 0, "L", OPT_SRC, "the source language of the pairs (and of --tm's units)",
     "en|fr|de|uk|ru"},
    {"tgt-lang", 0, "L", OPT_TGT, "the target language of the pairs (and of --tm's units)",
     "en|fr|de|uk|ru"},
    {"glossary", 0, "FILE", OPT_GLOSSARY, "TSV source-term<TAB>target-term<TAB>L1-L2[<TAB>note]",
     "@file"},
    {"tm", 0, "PATH", OPT_TM,
     "also check every unit of a translation memory as a pair\n"
     "(line = the unit's id; --src-lang/--tgt-lang filter)",
     "@file"},
    {"house", 0, "FILE", OPT_HOUSE,
     "house names overlay (default: $XDG_CONFIG_HOME/copydesk/\n"
     "house.tsv when it exists)",
     "@file"},
    CLI_OPT_NAMES_DB(OPT_NAMES_DB),
    {"no-names", 0, NULL, OPT_NO_NAMES, "skip the names.* checks (no names store needed)", NULL},
    {"format", 0, "FMT", OPT_FORMAT, "text (default), json or html (one self-contained page)",
     "text|json|html"},
    {"output", 'o', "FILE", 'o', "write the report to FILE (atomically)", "@file"},
    {"disable", 0, "IDS", OPT_DISABLE,
     "switch checks off: comma-separated ids or prefixes (names.*)", NULL},
    {"level", 0, "ID=SEVERITY", OPT_LEVEL,
     "re-level a check: off, info, warning, error (repeatable)", NULL},
    {"list-checks", 0, NULL, OPT_LIST, "print the checks with their default severity and exit",
     NULL},
    {"verbose", 'v', NULL, 'v', "say each article's language and where it came from", NULL},
    CLI_OPT_HELP,
    CLI_OPT_VERSION_ENTRY,
    CLI_OPT_END};

/* What checking one article needs: the checker, the batch's normalizer, the options, the
 * names scanner (NULL with --no-names), and the batch's languages. Articles whose language
 * is known (named or detected with confidence) vote for the batch's language; one without
 * a sure language waits for it (issue 16). */
typedef struct article_run {
  cd_checker *chk;
  cd_normalizer *nz;
  const char *lang_opt;
  cd_names_scanner *sc;
  bool verbose;
  char batch[16];    /* the one primary language every known article has, "" before any */
  bool mixed;        /* known articles disagree: no batch language */
  cli_strvec unsure; /* articles waiting for the batch's language */
} article_run;

static void batch_vote(article_run *r, const char *lang) {
  size_t n = strcspn(lang, "-_");
  if (!r->batch[0])
    snprintf(r->batch, sizeof r->batch, "%.*s", (int)n, lang);
  else if (strlen(r->batch) != n || strncmp(r->batch, lang, n) != 0)
    r->mixed = true;
}

/* Articles are decoded, repaired and cleaned with one normalizer for the whole batch (its
 * stages open once per language), keeping the lines so positions point into the file.
 * lang: the article's language when the batch decided it (NULL: option, name, detection;
 * an article none of them decides is deferred). */
static int check_article(article_run *r, const char *path, const char *lang, const char *from) {
  cd_buf raw = CD_BUF_INIT, text = CD_BUF_INIT;
  cd_wire_doc *wire = NULL; /* a wire document: its prose is checked, positions mapped back */
  char doc_lang[16];
  if (cli_read_file("check", path, &raw) ||
      cli_wire_article("check", path, &raw, &wire, doc_lang)) {
    cd_buf_free(&raw);
    return -1;
  }
  char named[16], tgt[16];
  const char *given = lang ? lang : r->lang_opt, *given_from = lang ? from : "option";
  if (!given && cd_lang_from_filename(path, named, tgt) && cd_lang_tag_valid(named))
    given = named, given_from = "file name";
  if (!given && doc_lang[0])
    given = doc_lang, given_from = "document";
  if (r->sc)
    cd_names_scanner_reset(r->sc); /* earlier mentions count within one article */
  cd_error err;
  cd_normalize_report rep;
  int rc = 0;
  if (cd_normalizer_buffer(r->nz, path, given, cd_buf_at(&raw, 0), raw.len, &text, NULL, &rep,
                           &err)) {
    cli_error("check", "%s", err.message);
    rc = -1;
  } else if (!lang && strcmp(rep.lang, "und") == 0 && strcmp(path, "-") != 0) {
    rc = cli_sv_push(&r->unsure, path); /* waits for the batch's language */
  } else {
    /* standard input cannot be read twice to wait for the batch: the default, else none */
    char def[16] = "";
    const char *def_from = NULL, *use = rep.lang;
    bool unsure = strcmp(rep.lang, "und") == 0;
    if (unsure && !lang && cli_default_lang("check", def, &def_from) == CLI_OK && def[0])
      use = def;
    if (!lang && !r->lang_opt && !unsure)
      batch_vote(r, rep.lang);
    cli_lang why;
    cli_lang_explain(&why, use, given ? given_from : NULL, rep.lang_detected, use == def, def_from,
                     rep.lang_why);
    if (r->verbose)
      fprintf(stderr, "copydesk: check: %s: language %s (%s)\n", path, why.lang, why.from);
    else if (strcmp(use, "und") == 0)
      cli_lang_none("check", path, "house-style findings skipped");
    cd_check_set_position_map(r->chk, wire ? cli_wire_pos : NULL, wire);
    if (cd_check_article(r->chk, path, use, cd_buf_at(&text, 0), text.len, &err)) {
      cli_error("check", "%s: %s", path, err.message);
      rc = -1;
    }
    cd_check_set_position_map(r->chk, NULL, NULL);
  }
  cd_wire_doc_free(wire);
  cd_buf_free(&raw);
  cd_buf_free(&text);
  return rc;
}

/* The deferred articles take the batch's language when every known article agrees, else
 * the desk's default, else none (house-style findings skipped, and said so). */
static int check_unsure(article_run *r) {
  char def[16] = "";
  const char *def_from = NULL;
  if (r->unsure.n && cli_default_lang("check", def, &def_from))
    return -1;
  char from[300];
  const char *lang = "und";
  if (r->batch[0] && !r->mixed) {
    lang = r->batch;
    snprintf(from, sizeof from, "the batch's: every article with a known language is %s", r->batch);
  } else if (def[0]) {
    lang = def;
    snprintf(from, sizeof from, "default from %s; no batch language", def_from);
  } else
    snprintf(from, sizeof from, "none; detection unsure, no batch language");
  for (size_t i = 0; i < r->unsure.n; i++)
    if (check_article(r, r->unsure.v[i], lang, from))
      return -1;
  return 0;
}

/* The languages of a pairs file with no options and no x.L1-L2 name: each column's,
 * detected over the column; a column left unsure takes the batch's language when the other
 * column has another one. */
static int pairs_langs(const article_run *r, const char *path, char src[16], char tgt[16]) {
  if (cli_pairs_langs("check", path, src, tgt))
    return -1;
  const char *batch = r->batch[0] && !r->mixed ? r->batch : NULL;
  if (batch && strcmp(src, "und") == 0 && strcmp(tgt, batch) != 0)
    snprintf(src, 16, "%s", batch);
  if (batch && strcmp(tgt, "und") == 0 && strcmp(src, batch) != 0)
    snprintf(tgt, 16, "%s", batch);
  if (strcmp(src, "und") == 0 || strcmp(tgt, "und") == 0 || strcmp(src, tgt) == 0) {
    cli_error("check",
              "%s: languages unknown (detected %s and %s): name the file x.L1-L2.tsv "
              "or give --src-lang and --tgt-lang",
              path, src, tgt);
    return -1;
  }
  if (r->verbose)
    fprintf(stderr, "copydesk: check: %s: languages %s-%s (detected over each column)\n", path, src,
            tgt);
  return 0;
}

static int check_pairs_file(const article_run *r, const char *path, const char *src_opt,
                            const char *tgt_opt) {
  char src[16] = "", tgt[16] = "", s2[16], t2[16];
  bool named = cd_lang_from_filename(path, s2, t2) && strcmp(s2, t2) != 0;
  if (!named && !(src_opt && tgt_opt) && pairs_langs(r, path, s2, t2))
    return -1;
  snprintf(src, sizeof src, "%s", src_opt ? src_opt : s2);
  snprintf(tgt, sizeof tgt, "%s", tgt_opt ? tgt_opt : t2);
  cd_error err;
  if (cd_check_pairs_file(r->chk, path, src, tgt, &err)) {
    cli_error("check", "%s", err.message);
    return -1;
  }
  return 0;
}

static cd_status count_pair(void *ud, const cd_check_pair *p, cd_error *err) {
  (void)p;
  (void)err;
  ++*(size_t *)ud;
  return CD_OK;
}

/* A file found in a walked directory is read as pairs only when it can be (a CMS's metadata
 * JSON lies next to the articles): one that cannot is skipped with a warning naming it. A
 * file named on the command line (--pairs or an operand) is always read, its error fatal. */
static bool skip_found_pairs(const char *path, size_t k, size_t n_opt, char **operands, int n) {
  if (k < n_opt)
    return false;
  for (int i = 0; i < n; i++)
    if (strcmp(operands[i], path) == 0)
      return false;
  size_t count = 0;
  cd_error err;
  cd_status st = cd_check_pairs_each(path, "und", "und", count_pair, &count, &err);
  if (st != CD_ERR_INPUT && st != CD_ERR_IO)
    return false;
  cli_error("check", "warning: skipping %s (name the file to read it as pairs)", err.message);
  return true;
}

/* The units of a TM are pairs like any other: src/check never opens the TM itself. */
typedef struct tm_feed {
  cd_checker *chk;
  const char *path;
  cd_error err;
  cd_status st;
} tm_feed;

static int feed_unit(void *ud, const cd_tm_unit *u) {
  tm_feed *f = ud;
  cd_check_pair p = {u->source,   strlen(u->source), u->target, strlen(u->target),
                     u->src_lang, u->tgt_lang,       f->path,   (uint64_t)u->id};
  f->st = cd_check_pair_add(f->chk, &p, &f->err);
  return f->st != CD_OK;
}

static int check_tm(cd_checker *chk, const char *path, const char *src, const char *tgt) {
  cd_tm_store_options o;
  cd_tm_store_options_init(&o);
  o.read_only = true;
  cd_tm_store *st = NULL;
  tm_feed f = {chk, path, {0}, CD_OK};
  cd_error err;
  cd_error_clear(&err);
  int rc = 0;
  if (cli_tm_must_exist("check", path))
    return -1;
  if (cd_tm_store_new(path, &o, &st, &err) ||
      cd_tm_store_foreach(st, src, tgt, feed_unit, &f, &err)) {
    cli_error("check", "%s", err.message);
    rc = -1;
  } else if (f.st) {
    cli_error("check", "%s: %s", path, f.err.message);
    rc = -1;
  }
  cd_tm_store_free(st);
  return rc;
}

static int apply_levels(cd_checker *c, cli_strvec *disable, cli_strvec *levels) {
  cd_error err;
  for (size_t i = 0; i < disable->n; i++) {
    char *save = NULL;
    for (char *tok = strtok_r(disable->v[i], ",", &save); tok; tok = strtok_r(NULL, ",", &save))
      if (cd_checker_set_level(c, tok, CD_SEV_OFF, &err)) {
        cli_error("check", "--disable: %s (see --list-checks)", err.message);
        return -1;
      }
  }
  for (size_t i = 0; i < levels->n; i++) {
    char *eq = strchr(levels->v[i], '=');
    cd_severity sev;
    if (!eq || !cd_severity_parse(eq + 1, &sev)) {
      cli_error("check", "--level wants ID=off|info|warning|error, not '%s'", levels->v[i]);
      return -1;
    }
    *eq = '\0';
    if (cd_checker_set_level(c, levels->v[i], sev, &err)) {
      cli_error("check", "--level: %s (see --list-checks)", err.message);
      return -1;
    }
  }
  return 0;
}

static void list_checks(void) {
  size_t n;
  const cd_check_info *r = cd_check_registry(&n);
  for (size_t i = 0; i < n; i++)
    printf("%-24s %-8s %s\n", r[i].id, cd_severity_name(r[i].severity), r[i].explanation);
}

/* -o must not name anything the check reads (an article, a pairs file, the glossary, the
 * TM), by device and inode: the rename would replace it with the report. */
static int refuse_clobbering(const cli_strvec *articles, const cli_strvec *pairs,
                             const char *glossary, const char *tm, const char *output) {
  cli_files f = {0};
  int bad = cli_files_add(&f, glossary, "the glossary") || cli_files_add(&f, tm, "the TM");
  for (size_t i = 0; i < articles->n && !bad; i++)
    bad = cli_files_add(&f, articles->v[i], "an input file");
  for (size_t i = 0; i < pairs->n && !bad; i++)
    bad = cli_files_add(&f, pairs->v[i], "an input file");
  int rc = bad ? CLI_USAGE : cli_files_refuse(&f, "check", "-o", output);
  cli_files_free(&f);
  return rc;
}

/* The options of one run, as parsed, and the inputs they name. */
typedef struct check_args {
  const char *lang, *src, *tgt, *glossary, *output, *tm, *house;
  bool no_names, verbose;
  cd_check_format fmt;
  cli_strvec pairs, articles, disable, levels;
  size_t n_opt_pairs; /* the first pairs files, given by --pairs */
  char **operands;
  int noperands;
} check_args;

static void check_args_free(check_args *a) {
  cli_sv_free(&a->pairs);
  cli_sv_free(&a->articles);
  cli_sv_free(&a->disable);
  cli_sv_free(&a->levels);
}

/* Fills a from the command line: CLI_OK, CLI_USAGE (reported) or -1 after --help,
 * --version or --list-checks. */
static int parse_args(int argc, char **argv, check_args *a) {
  cli_getopt g;
  cli_getopt_build(options, &g);
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, g.shortopts, g.longopts, NULL)) != -1) {
    switch (c) {
    case 'l':
      if (cli_lang_arg("check", optarg, &a->lang))
        return CLI_USAGE;
      break;
    case OPT_PAIRS:
      if (cli_sv_push(&a->pairs, optarg)) {
        cli_error("check", "out of memory");
        return CLI_USAGE;
      }
      break;
    case OPT_SRC: a->src = optarg; break;
    case OPT_TGT: a->tgt = optarg; break;
    case OPT_GLOSSARY: a->glossary = optarg; break;
    case OPT_TM: a->tm = optarg; break;
    case OPT_HOUSE: a->house = optarg; break;
    case OPT_NAMES_DB: cli_set_names_db(optarg); break;
    case OPT_NO_NAMES: a->no_names = true; break;
    case 'o': a->output = optarg; break;
    case 'v': a->verbose = true; break;
    case OPT_DISABLE:
      if (cli_sv_push(&a->disable, optarg)) {
        cli_error("check", "out of memory");
        return CLI_USAGE;
      }
      break;
    case OPT_LEVEL:
      if (cli_sv_push(&a->levels, optarg)) {
        cli_error("check", "out of memory");
        return CLI_USAGE;
      }
      break;
    case OPT_LIST: list_checks(); return -1;
    case OPT_FORMAT: {
      /* in the order of cd_check_format */
      static const char *const formats[] = {"text", "json", "html", NULL};
      int f;
      if (cli_choice("check", "--format", optarg, formats, &f))
        return CLI_USAGE;
      a->fmt = (cd_check_format)f;
      break;
    }
    case 'h': cli_print_help(&cli_check, stdout); return -1;
    case CLI_OPT_VERSION: cli_print_version(); return -1;
    default: cli_option_error("check", c, argv); return CLI_USAGE;
    }
  }
  a->operands = argv + optind;
  a->noperands = argc - optind;
  a->n_opt_pairs = a->pairs.n;
  if (cli_inputs("check", a->operands, a->noperands, &a->articles, &a->pairs))
    return CLI_USAGE;
  if (a->articles.n == 0 && a->pairs.n == 0 && !a->tm) {
    cli_error("check", "nothing to check: give articles, directories, --pairs FILE or --tm PATH");
    return CLI_USAGE;
  }
  return CLI_OK;
}

/* What a run checks with: the checker and its options, the names store (names_rc 0: open,
 * 1: --no-names) and the normalizer of the articles. */
typedef struct check_tools {
  cd_check_options o;
  cli_check_names names;
  int names_rc;
  cd_checker *chk;
  cd_normalizer *nz;
} check_tools;

static void close_tools(check_tools *t) {
  cd_normalizer_free(t->nz);
  cd_checker_free(t->chk);
  if (t->names_rc == 0)
    cli_check_names_close(&t->names);
}

/* Opens the names store, the checker (with --disable and --level) and the normalizer;
 * CLI_USAGE (reported) on failure, with t to close all the same. */
static int open_tools(check_args *a, check_tools *t) {
  memset(t, 0, sizeof *t);
  cd_check_options_init(&t->o);
  t->o.data_dir = cli_data_dir();
  t->o.glossary = a->glossary;
  t->names_rc =
      a->no_names ? 1 : cli_check_names_open(&t->names, t->o.data_dir, cli_house_file(a->house));
  if (t->names_rc < 0)
    return CLI_USAGE;
  if (t->names_rc == 0) {
    t->o.mentions = cli_check_names_mentions;
    t->o.mentions_ud = &t->names;
    t->o.keyer = cd_names_get_keyer(t->names.db);
  }
  cd_error err;
  if (cd_checker_new(&t->o, &t->chk, &err)) {
    cli_error("check", "%s", err.message);
    return CLI_USAGE;
  }
  if (apply_levels(t->chk, &a->disable, &a->levels))
    return CLI_USAGE;
  if (cd_check_missing_data(t->chk))
    cli_error("check",
              "warning: the data directory %s lacks %s: the checks that need them "
              "run without them (set COPYDESK_DATA to a complete data directory)",
              t->o.data_dir ? t->o.data_dir : "(none)", cd_check_missing_data(t->chk));
  cd_normalize_options no;
  cd_normalize_options_init(&no);
  no.stages = CD_STAGE_DECODE | CD_STAGE_MOJIBAKE | CD_STAGE_UNICODE;
  no.data_dir = t->o.data_dir;
  if (cd_normalizer_new(&no, &t->nz, &err)) {
    cli_error("check", "%s", err.message);
    return CLI_USAGE;
  }
  return CLI_OK;
}

/* Feeds the articles, then the pairs files, then the TM to the checker, with a progress
 * count on a terminal for a large batch. */
static int check_inputs(const check_args *a, article_run *r) {
  bool progress = isatty(2) && a->articles.n + a->pairs.n > 20;
  size_t total = a->articles.n + a->pairs.n, done_n = 0;
  for (size_t i = 0; i < a->articles.n; i++, done_n++) {
    if (progress && done_n % 10 == 0)
      fprintf(stderr, "\rcopydesk: check: %zu/%zu files", done_n, total);
    if (check_article(r, a->articles.v[i], NULL, NULL))
      return CLI_USAGE;
  }
  if (check_unsure(r))
    return CLI_USAGE;
  for (size_t i = 0; i < a->pairs.n; i++, done_n++) {
    if (progress)
      fprintf(stderr, "\rcopydesk: check: %zu/%zu files", done_n, total);
    if (skip_found_pairs(a->pairs.v[i], i, a->n_opt_pairs, a->operands, a->noperands))
      continue;
    if (check_pairs_file(r, a->pairs.v[i], a->src, a->tgt))
      return CLI_USAGE;
  }
  if (progress)
    fprintf(stderr, "\rcopydesk: check: %zu/%zu files\n", total, total);
  if (a->tm && check_tm(r->chk, a->tm, a->src, a->tgt))
    return CLI_USAGE;
  return CLI_OK;
}

/* Writes the report to -o or stdout: CLI_FINDINGS when an error-level finding is in it. */
static int write_report(const check_args *a, cd_checker *chk) {
  cd_error err;
  if (cd_check_finish(chk, &err)) {
    cli_error("check", "%s", err.message);
    return CLI_USAGE;
  }
  int rc = CLI_USAGE;
  cd_buf report = CD_BUF_INIT;
  if (cd_check_write(chk, a->fmt, &report, &err)) {
    cli_error("check", "%s", err.message);
    cd_buf_free(&report);
    return CLI_USAGE;
  }
  cli_outfile of;
  if (refuse_clobbering(&a->articles, &a->pairs, a->glossary, a->tm, a->output) == 0 &&
      cli_outfile_open(&of, a->output, "check") == 0) {
    /* a short write is reported by the commit (standard output: quiet for a closed pipe) */
    if (report.len)
      (void)(fwrite(report.data, 1, report.len, of.fp) != report.len);
    if (cli_outfile_commit(&of, "check") == 0)
      rc = cd_check_worst(chk) >= CD_SEV_ERROR ? CLI_FINDINGS : CLI_OK;
  }
  cd_buf_free(&report);
  return rc;
}

static int run(int argc, char **argv) {
  check_args a = {.fmt = CD_CHECK_TEXT};
  int rc = parse_args(argc, argv, &a);
  if (rc) {
    check_args_free(&a);
    return rc < 0 ? CLI_OK : rc; /* -1: --help, --version, --list-checks */
  }
  check_tools t;
  article_run r = {0};
  rc = open_tools(&a, &t);
  if (rc == CLI_OK) {
    r.chk = t.chk;
    r.nz = t.nz;
    r.lang_opt = a.lang;
    r.sc = t.names_rc == 0 ? t.names.sc : NULL;
    r.verbose = a.verbose;
    rc = check_inputs(&a, &r);
  }
  if (rc == CLI_OK)
    rc = write_report(&a, t.chk);
  close_tools(&t);
  cli_sv_free(&r.unsure);
  check_args_free(&a);
  return rc;
}

const cli_command cli_check = {
    "check", run, "batch consistency before publication", help_head, options, 27, help_tail, NULL};
