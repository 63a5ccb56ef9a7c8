/* SPDX-License-Identifier: MIT */
/* copydesk align — sentence-align an article and its translation. */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cd_align.h"
#include "cd_lang.h"
#include "cd_names.h"
#include "cd_segment.h"
#include "cd_tm_store.h"
#include "cd_tmx.h"
#include "cli.h"

static const char help_head[] =
    "usage: copydesk align SRC TGT [options]\n"
    "\n"
    "Aligns an article (SRC) with its translation (TGT): paragraphs first (blocks separated\n"
    "by blank lines; without blank lines every line is a paragraph), then the sentences\n"
    "inside aligned paragraphs. Beads join 0-3 sentences on each side (1-1, 1-0, 0-1, 2-1,\n"
    "1-2, 2-2, 1-3, 3-1) and carry a score from 0 to 1: the Gale-Church length model plus\n"
    "anchors that cross languages and scripts (numbers by value, quotes, question marks,\n"
    "names and cognates through a Latin transliteration key), refined once with a lexicon\n"
    "learnt from confident pairs, and entities of the names store (DATA/names.sqlite, when\n"
    "present): a person, place or organisation named on both sides (Selenskyj and\n"
    "Зеленський, Kiew and Київ) anchors the pair like a number. Beads scoring below --weak\n"
    "are marked weak.\n"
    "\n";

static const char help_tail[] =
    "\n"
    "TSV columns: src_indexes, tgt_indexes (0-based, comma-separated, empty for an empty\n"
    "side), score, weak (1 or 0), source text, target text. JSON: an array of objects\n"
    "{\"src\", \"tgt\", \"score\", \"weak\", \"src_text\", \"tgt_text\"}.\n"
    "TMX and --tm keep beads with text on both sides, not weak, scoring at least\n"
    "--min-score; each unit records the source file as its origin and the bead's score.\n"
    "\n"
    "Exit status: 0 ok, 2 usage or input error (missing file, text that is not UTF-8).\n";

enum {
  OPT_SRC_LANG = 256,
  OPT_TGT_LANG,
  OPT_PRESEG,
  OPT_JOIN,
  OPT_FORMAT,
  OPT_MIN_SCORE,
  OPT_WEAK,
  OPT_BAND,
  OPT_NO_REFINE,
  OPT_TM,
  OPT_NO_NAMES,
  OPT_NAMES_DB
};

static const cli_opt options[] = {
    {"src-lang", 0, "LANG", OPT_SRC_LANG,
     "language of SRC; default: from its name (x-en.txt, x.en.txt),\n"
     "else detected with confidence, else COPYDESK_LANG or\n"
     "'lang = xx' in ~/.config/copydesk/config (-v says which)",
     "en|fr|de|uk|ru"},
    {"tgt-lang", 0, "LANG", OPT_TGT_LANG, "language of TGT; likewise", "en|fr|de|uk|ru"},
    {"presegmented", 0, NULL, OPT_PRESEG,
     "SRC and TGT hold one sentence per line (no paragraph level);\n"
     "indexes are line numbers from 0",
     NULL},
    {"join-lines", 0, NULL, OPT_JOIN, "hard-wrapped text: a single line break is a space", NULL},
    {"format", 0, "FMT", OPT_FORMAT, "tsv (default), json or tmx (TMX 1.4b of the beads kept)",
     "tsv|json|tmx"},
    {"tm", 0, "DB", OPT_TM,
     "also add the beads to the translation memory DB (one\n"
     "transaction; weak beads and beads with an empty side are left out)",
     "@file"},
    {"min-score", 0, "S", OPT_MIN_SCORE, "leave beads scoring below S (0-1) out of the output",
     NULL},
    {"weak", 0, "S", OPT_WEAK, "mark beads scoring below S as weak (default 0.3)", NULL},
    {"band", 0, "N", OPT_BAND, "half-width of the alignment band in sentences (default: auto)",
     NULL},
    {"no-refine", 0, NULL, OPT_NO_REFINE, "skip the lexicon refinement pass", NULL},
    {"no-names", 0, NULL, OPT_NO_NAMES, "do not use the names store for entity anchors", NULL},
    CLI_OPT_NAMES_DB(OPT_NAMES_DB),
    {"verbose", 'v', NULL, 'v',
     "report each text's language and where it came from, sentence\n"
     "counts, band and lexicon size on stderr",
     NULL},
    CLI_OPT_HELP,
    CLI_OPT_VERSION_ENTRY,
    CLI_OPT_END};

typedef struct doc {
  const char *path;
  cd_buf text;
  size_t off; /* after a BOM */
  cd_align_sentence *sent;
  size_t n;
  char lang[16];
  cd_align_entities *ents; /* per sentence, when the names store is used */
  const char **ent_ptr;
  cd_buf ent_ids; /* the ids, NUL-terminated one after the other */
  size_t n_mentions;
} doc;

/* One sentence per line; every line counts (empty ones too) so indexes are line numbers. */
static int split_lines(doc *d) {
  const char *s = d->text.data ? d->text.data + d->off : "";
  size_t len = d->text.len - d->off;
  size_t valid = cd_utf8_valid_prefix(s, len);
  if (valid < len) {
    cli_error("align", "%s: ill-formed UTF-8 at byte %zu", d->path, valid + d->off);
    return CLI_USAGE;
  }
  size_t cap = 0;
  size_t pos = 0;
  while (pos < len) {
    const char *nl = memchr(s + pos, '\n', len - pos);
    size_t e = nl ? (size_t)(nl - s) : len;
    size_t te = e;
    if (te > pos && s[te - 1] == '\r')
      te--;
    if (CD_GROW(d->sent, d->n, cap)) {
      cli_error("align", "out of memory");
      return CLI_USAGE;
    }
    d->sent[d->n++] = (cd_align_sentence){s + pos, te - pos, 0};
    pos = nl ? e + 1 : len;
  }
  return CLI_OK;
}

static int segment_doc(doc *d, const cd_segment_options *so) {
  const char *s = d->text.data ? d->text.data + d->off : "";
  size_t len = d->text.len - d->off;
  cd_error err;
  cd_error_clear(&err);
  cd_segmenter *seg = NULL;
  if (cd_segmenter_new(d->lang, cli_data_dir(), so, &seg, &err)) {
    cli_error("align", "%s", err.message);
    return CLI_USAGE;
  }
  cd_sentence_span *spans = NULL;
  size_t n = 0;
  cd_status st = cd_segmenter_split(seg, s, len, &spans, &n, &err);
  cd_segmenter_free(seg);
  if (st) {
    cli_error("align", "%s: %s", d->path, err.message);
    return CLI_USAGE;
  }
  d->sent = malloc((n ? n : 1) * sizeof *d->sent);
  if (!d->sent) {
    free(spans);
    cli_error("align", "out of memory");
    return CLI_USAGE;
  }
  /* Without blank lines, every line is a paragraph (wire copy). */
  bool one_block = n == 0 || spans[n - 1].paragraph == 0;
  size_t line = 0, at = 0;
  for (size_t i = 0; i < n; i++) {
    size_t para = spans[i].paragraph;
    if (one_block) {
      while (at < spans[i].start) {
        const char *nl = memchr(s + at, '\n', spans[i].start - at);
        if (!nl)
          break;
        line++;
        at = (size_t)(nl - s) + 1;
      }
      para = line;
    }
    d->sent[i] = (cd_align_sentence){s + spans[i].start, spans[i].end - spans[i].start, para};
  }
  d->n = n;
  free(spans);
  return CLI_OK;
}

/* The desk's rules (cli_lang_resolve): --src-lang/--tgt-lang, the file name, a confident
 * detection, the default; pre-segmented input needs none. */
/* The document's language; needed: the sentence splitter wants it (else, presegmented,
 * an unknown language is "und" in the TM, not an error). */
static int resolve_lang(doc *d, const char *given, bool needed, bool verbose) {
  cli_lang l;
  if (cli_lang_resolve("align", given, d->path, d->text.data ? d->text.data + d->off : "",
                       d->text.len - d->off, &l))
    return CLI_USAGE;
  snprintf(d->lang, sizeof d->lang, "%s", l.lang);
  if (verbose)
    fprintf(stderr, "copydesk: align: %s: language %s (%s)\n", d->path, l.lang, l.from);
  if (strcmp(l.lang, "und") != 0 || !needed)
    return CLI_OK;
  cli_error("align",
            "%s: cannot tell the language (%s): give --src-lang/--tgt-lang, or set "
            "COPYDESK_LANG or 'lang = xx' in ~/.config/copydesk/config",
            d->path, l.from);
  return CLI_USAGE;
}

/* Appends sentences [from, from+n) joined by spaces, tabs and line breaks as spaces. */
static int append_text(cd_buf *b, const doc *d, size_t from, size_t n) {
  for (size_t i = from; i < from + n; i++) {
    if (i > from && cd_buf_append(b, " ", 1))
      return -1;
    const cd_align_sentence *s = &d->sent[i];
    for (size_t k = 0; k < s->len; k++) {
      char c = s->text[k];
      if (c == '\t' || c == '\n' || c == '\r')
        c = ' ';
      if (cd_buf_append(b, &c, 1))
        return -1;
    }
  }
  return 0;
}

static int append_indexes(cd_buf *b, size_t from, size_t n) {
  for (size_t i = from; i < from + n; i++)
    if (cd_buf_appendf(b, "%s%zu", i > from ? "," : "", i))
      return -1;
  return 0;
}

static int write_tsv(const cd_bead *v, size_t n, const doc *s, const doc *t, double min) {
  cd_buf line = CD_BUF_INIT;
  int rc = 0;
  for (size_t k = 0; k < n && !rc; k++) {
    const cd_bead *b = &v[k];
    if (b->score < min)
      continue;
    cd_buf_clear(&line);
    if (append_indexes(&line, b->src, b->n_src) || cd_buf_append(&line, "\t", 1) ||
        append_indexes(&line, b->tgt, b->n_tgt) ||
        cd_buf_appendf(&line, "\t%.3f\t%d\t", b->score, b->weak ? 1 : 0) ||
        append_text(&line, s, b->src, b->n_src) || cd_buf_append(&line, "\t", 1) ||
        append_text(&line, t, b->tgt, b->n_tgt) || cd_buf_append(&line, "\n", 1))
      rc = -1;
    else if (fwrite(line.data, 1, line.len, stdout) != line.len)
      rc = -1;
  }
  cd_buf_free(&line);
  return rc;
}

static json_object *index_array(size_t from, size_t n) {
  json_object *a = json_object_new_array();
  for (size_t i = from; a && i < from + n; i++)
    json_object_array_add(a, json_object_new_int64((int64_t)i));
  return a;
}

static int write_json(const cd_bead *v, size_t n, const doc *s, const doc *t, double min) {
  cd_buf text = CD_BUF_INIT;
  int rc = fputs("[", stdout) == EOF ? -1 : 0;
  bool first = true;
  for (size_t k = 0; k < n && !rc; k++) {
    const cd_bead *b = &v[k];
    if (b->score < min)
      continue;
    json_object *o = json_object_new_object();
    if (!o) {
      rc = -1;
      break;
    }
    json_object_object_add(o, "src", index_array(b->src, b->n_src));
    json_object_object_add(o, "tgt", index_array(b->tgt, b->n_tgt));
    char num[32];
    snprintf(num, sizeof num, "%.3f", b->score);
    json_object_object_add(o, "score", json_object_new_double_s(b->score, num));
    json_object_object_add(o, "weak", json_object_new_boolean(b->weak));
    cd_buf_clear(&text);
    if (append_text(&text, s, b->src, b->n_src))
      rc = -1;
    json_object_object_add(o, "src_text",
                           json_object_new_string_len(text.data ? text.data : "", (int)text.len));
    cd_buf_clear(&text);
    if (append_text(&text, t, b->tgt, b->n_tgt))
      rc = -1;
    json_object_object_add(o, "tgt_text",
                           json_object_new_string_len(text.data ? text.data : "", (int)text.len));
    const char *js =
        json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (!rc && fprintf(stdout, "%s\n%s", first ? "" : ",", js) < 0)
      rc = -1;
    first = false;
    json_object_put(o);
  }
  if (!rc && fputs("\n]\n", stdout) == EOF)
    rc = -1;
  cd_buf_free(&text);
  return rc;
}

/* The beads worth keeping in a TM, as units (texts in the bufs, which the caller frees). */
static size_t bead_units(const cd_bead *v, size_t n, const doc *s, const doc *t, double min,
                         cd_tm_unit *units, cd_buf *texts) {
  size_t m = 0;
  for (size_t k = 0; k < n; k++) {
    const cd_bead *b = &v[k];
    if (!b->n_src || !b->n_tgt || b->weak || b->score < min)
      continue;
    cd_tm_unit *u = &units[m];
    cd_tm_unit_init(u);
    if (append_text(&texts[2 * m], s, b->src, b->n_src) ||
        append_text(&texts[2 * m + 1], t, b->tgt, b->n_tgt))
      return (size_t)-1;
    u->src_lang = s->lang;
    u->tgt_lang = t->lang;
    u->source = cd_buf_at(&texts[2 * m], 0);
    u->target = cd_buf_at(&texts[2 * m + 1], 0);
    u->origin_doc = s->path;
    u->score = b->score;
    m++;
  }
  return m;
}

/* Adds the kept beads to a TM store (opened at path, ":memory:" included), all or nothing. */
static int store_beads(cd_tm_store *st, const cd_bead *v, size_t n, const doc *s, const doc *t,
                       double min, cd_tm_add_counts *counts, cd_error *err) {
  cd_tm_unit *units = calloc(n ? n : 1, sizeof *units);
  cd_buf *texts = calloc(2 * (n ? n : 1), sizeof *texts);
  int rc = 0;
  if (!units || !texts) {
    cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    rc = -1;
  } else {
    size_t m = bead_units(v, n, s, t, min, units, texts);
    if (m == (size_t)-1) {
      cd_error_set(err, CD_ERR_NOMEM, "out of memory");
      rc = -1;
    } else if (cd_tm_store_add_units(st, units, m, -1, counts, err)) {
      rc = -1;
    }
  }
  for (size_t k = 0; texts && k < 2 * n; k++)
    cd_buf_free(&texts[k]);
  free(texts);
  free(units);
  return rc;
}

static int add_to_tm(const char *path, const cd_bead *v, size_t n, const doc *s, const doc *t,
                     double min, bool verbose) {
  cd_tm_store_options o;
  cd_tm_store_options_init(&o);
  cd_tm_store *st = NULL;
  cd_error err;
  cd_error_clear(&err);
  cd_tm_add_counts counts = {0};
  int rc = 0;
  if (cd_tm_store_new(path, &o, &st, &err) || store_beads(st, v, n, s, t, min, &counts, &err)) {
    cli_error("align", "%s", err.message);
    rc = -1;
  } else if (verbose) {
    fprintf(stderr, "copydesk: align: %s: %zu units added, %zu merged with existing ones\n", path,
            counts.added, counts.merged);
  }
  cd_tm_store_free(st);
  return rc;
}

/* TMX of the kept beads: through an in-memory TM, so there is one TMX writer. */
static int write_tmx(const cd_bead *v, size_t n, const doc *s, const doc *t, double min) {
  cd_tm_store_options o;
  cd_tm_store_options_init(&o);
  o.create_dirs = false;
  cd_tm_store *st = NULL;
  cd_error err;
  cd_error_clear(&err);
  cd_tmx_export_options xo;
  cd_tmx_export_options_init(&xo);
  xo.tool_version = CD_VERSION;
  int rc = 0;
  if (cd_tm_store_new(":memory:", &o, &st, &err) || store_beads(st, v, n, s, t, min, NULL, &err) ||
      cd_tmx_export(st, stdout, "<stdout>", &xo, NULL, &err)) {
    cli_error("align", "%s", err.message[0] ? err.message : "cannot write TMX");
    rc = -1;
  }
  cd_tm_store_free(st);
  return rc;
}

/* ---- entity anchors from the names store ------------------------------------------------- */

typedef struct ent_collect {
  cd_buf *ids;
  size_t *offs, n, cap;
} ent_collect;

static cd_status on_mention(void *ud, const cd_names_mention *m, cd_error *err) {
  (void)err;
  ent_collect *c = ud;
  if (!m->is_canonical && !m->rewrite)
    return CD_OK; /* a near-miss the names stage only flags: too unsure for an anchor */
  if (CD_GROW(c->offs, c->n, c->cap))
    return CD_ERR_NOMEM;
  c->offs[c->n++] = c->ids->len;
  return cd_buf_append(c->ids, m->entity, strlen(m->entity) + 1) ? CD_ERR_NOMEM : CD_OK;
}

/* Scans every sentence of d in its language and fills d->ents. */
static int doc_entities(doc *d, cd_names_scanner *sc) {
  ent_collect c = {&d->ent_ids, NULL, 0, 0};
  size_t *first = malloc((d->n + 1) * sizeof *first);
  d->ents = calloc(d->n ? d->n : 1, sizeof *d->ents);
  if (!first || !d->ents) {
    free(first);
    cli_error("align", "out of memory");
    return CLI_USAGE;
  }
  cd_names_scanner_reset(sc);
  cd_error err;
  cd_error_clear(&err);
  for (size_t i = 0; i < d->n; i++) {
    first[i] = c.n;
    cd_names_scanner_set_line(sc, i + 1);
    if (cd_names_scan(sc, d->sent[i].text, d->sent[i].len, d->lang, on_mention, &c, &err)) {
      cli_error("align", "%s: sentence %zu: %s", d->path, i, err.message);
      free(first);
      free(c.offs);
      return CLI_USAGE;
    }
  }
  first[d->n] = c.n;
  d->ent_ptr = malloc((c.n ? c.n : 1) * sizeof *d->ent_ptr);
  if (!d->ent_ptr) {
    free(first);
    free(c.offs);
    cli_error("align", "out of memory");
    return CLI_USAGE;
  }
  for (size_t k = 0; k < c.n; k++)
    d->ent_ptr[k] = d->ent_ids.data + c.offs[k];
  for (size_t i = 0; i < d->n; i++) {
    d->ents[i].ids = d->ent_ptr + first[i];
    d->ents[i].n = first[i + 1] - first[i];
  }
  d->n_mentions = c.n;
  free(first);
  free(c.offs);
  return CLI_OK;
}

/* Entity ids of both documents from the names store in the data directory; nothing (and
 * no message) when there is no store. */
static int names_entities(doc *d) {
  const char *data = cli_data_dir();
  cd_names_scan_options so;
  cd_names_scan_options_init(&so);
  so.data_dir = data;
  cd_names *db = NULL;
  cd_names_scanner *sc = NULL;
  cd_error err;
  cd_error_clear(&err);
  int rc = CLI_OK;
  if (cd_names_open_dir(data, cli_names_db(), NULL, &db, NULL, &err) ||
      (db && cd_names_scanner_new(db, &so, &sc, &err))) {
    cli_error("align", "%s", err.message);
    rc = CLI_USAGE;
  }
  for (int k = 0; k < 2 && rc == CLI_OK && db; k++)
    rc = doc_entities(&d[k], sc);
  cd_names_scanner_free(sc);
  cd_names_free(db);
  return rc;
}

/* The options of one run, as parsed. */
typedef struct align_args {
  const char *src_lang, *tgt_lang;
  bool preseg, verbose, json, tmx, use_names;
  const char *tm_path;
  double min_score;
  cd_segment_options so;
  cd_align_options ao;
  const char *src, *tgt; /* the two files */
} align_args;

/* The options with a number to check; CLI_USAGE (reported) for a bad one. */
static int parse_number(int c, align_args *a) {
  if (c == OPT_BAND) {
    if (cli_parse_size(optarg, 1, (size_t)1 << 30, &a->ao.band)) {
      cli_error("align", "--band wants a number of sentences from 1 to 1073741824, not '%s'",
                optarg);
      return CLI_USAGE;
    }
    return CLI_OK;
  }
  if (cli_parse_double(optarg, 0, 1, c == OPT_WEAK ? &a->ao.weak_below : &a->min_score)) {
    cli_error("align", "%s wants a number from 0 to 1, not '%s'",
              c == OPT_WEAK ? "--weak" : "--min-score", optarg);
    return CLI_USAGE;
  }
  return CLI_OK;
}

/* Fills a from the command line: CLI_OK, CLI_USAGE (reported) or -1 after --help or
 * --version. */
static int parse_args(int argc, char **argv, align_args *a) {
  cli_getopt g;
  cli_getopt_build(options, &g);
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, g.shortopts, g.longopts, NULL)) != -1) {
    switch (c) {
    case OPT_SRC_LANG:
    case OPT_TGT_LANG:
      if (cli_lang_arg("align", optarg, c == OPT_SRC_LANG ? &a->src_lang : &a->tgt_lang))
        return CLI_USAGE;
      break;
    case OPT_PRESEG: a->preseg = true; break;
    case OPT_JOIN: a->so.join_lines = true; break;
    case OPT_FORMAT: {
      static const char *const formats[] = {"tsv", "json", "tmx", NULL};
      int f;
      if (cli_choice("align", "--format", optarg, formats, &f))
        return CLI_USAGE;
      if (f == 2)
        a->tmx = true;
      else
        a->json = f == 1;
      break;
    }
    case OPT_MIN_SCORE:
    case OPT_WEAK:
    case OPT_BAND:
      if (parse_number(c, a))
        return CLI_USAGE;
      break;
    case OPT_NO_REFINE: a->ao.refine_passes = 0; break;
    case OPT_TM: a->tm_path = optarg; break;
    case OPT_NO_NAMES: a->use_names = false; break;
    case OPT_NAMES_DB: cli_set_names_db(optarg); break;
    case 'v': a->verbose = true; break;
    case 'h': cli_print_help(&cli_align, stdout); return -1;
    case CLI_OPT_VERSION: cli_print_version(); return -1;
    default: cli_option_error("align", c, argv); return CLI_USAGE;
    }
  }
  if (argc - optind != 2) {
    cli_error("align", "needs two files, SRC and TGT (see 'copydesk help align')");
    return CLI_USAGE;
  }
  a->src = argv[optind];
  a->tgt = argv[optind + 1];
  a->ao.paragraphs = !a->preseg;
  return CLI_OK;
}

/* Reads both texts (a wire document: its prose), settles their languages and splits them
 * into sentences (or lines with --presegmented). */
static int load_docs(const align_args *a, doc d[2]) {
  int rc = CLI_OK;
  for (int k = 0; k < 2 && rc == CLI_OK; k++) {
    rc = cli_read_article("align", d[k].path, &d[k].text); /* a wire document: its prose */
    if (rc == CLI_OK && d[k].text.len >= 3 && memcmp(d[k].text.data, "\xEF\xBB\xBF", 3) == 0)
      d[k].off = 3;
    if (rc == CLI_OK)
      rc = resolve_lang(&d[k], k ? a->tgt_lang : a->src_lang, !a->preseg, a->verbose);
    if (rc == CLI_OK)
      rc = a->preseg ? split_lines(&d[k]) : segment_doc(&d[k], &a->so);
  }
  return rc;
}

static void free_docs(doc d[2]) {
  for (int k = 0; k < 2; k++) {
    free(d[k].sent);
    free(d[k].ents);
    free(d[k].ent_ptr);
    cd_buf_free(&d[k].ent_ids);
    cd_buf_free(&d[k].text);
  }
}

/* -v: the sentences, beads and what the aligner used. */
static void report_stats(const cd_aligner *al, const cd_bead *beads, size_t nb, const doc d[2]) {
  cd_align_stats stt;
  cd_aligner_stats(al, &stt);
  size_t weak = 0;
  for (size_t k = 0; k < nb; k++)
    weak += beads[k].weak;
  fprintf(stderr,
          "copydesk: align: %s (%s) %zu sentences, %s (%s) %zu sentences: %zu beads, %zu "
          "weak; band %zu%s, %zu cells, %zu anchor links (%zu entities; %zu and %zu mentions), "
          "%zu lexicon pairs\n",
          d[0].path, d[0].lang, d[0].n, d[1].path, d[1].lang, d[1].n, nb, weak, stt.band_used,
          stt.band_used ? "" : " (full)", stt.dp_cells, stt.anchor_pairs, stt.entity_pairs,
          d[0].n_mentions, d[1].n_mentions, stt.lexicon_pairs);
}

/* Adds the beads to --tm, then writes them to stdout in the chosen format. */
static int write_beads(const align_args *a, const cd_bead *beads, size_t nb, const doc d[2]) {
  int rc = CLI_OK;
  if (a->tm_path && add_to_tm(a->tm_path, beads, nb, &d[0], &d[1], a->min_score, a->verbose))
    rc = CLI_USAGE;
  int w = rc != CLI_OK ? 0
          : a->tmx     ? write_tmx(beads, nb, &d[0], &d[1], a->min_score)
          : a->json    ? write_json(beads, nb, &d[0], &d[1], a->min_score)
                       : write_tsv(beads, nb, &d[0], &d[1], a->min_score);
  /* a write error is reported by the flush; a reader that went away is quiet */
  int f = cli_flush_stdout("align");
  if (w && f == 0)
    cli_error("align", "cannot write the beads");
  if (f < 0 || (w && f == 0))
    rc = CLI_USAGE;
  return rc;
}

static int run(int argc, char **argv) {
  align_args a = {.use_names = true};
  cd_segment_options_init(&a.so);
  cd_align_options_init(&a.ao);
  int rc = parse_args(argc, argv, &a);
  if (rc)
    return rc < 0 ? CLI_OK : rc; /* -1: --help, --version */
  doc d[2];
  memset(d, 0, sizeof d);
  d[0].path = a.src;
  d[1].path = a.tgt;
  cd_bead *beads = NULL;
  size_t nb = 0;
  cd_aligner *al = NULL;
  rc = load_docs(&a, d);
  if (rc == CLI_OK && a.use_names && d[0].n && d[1].n)
    rc = names_entities(d);
  if (rc == CLI_OK) {
    cd_error err;
    cd_error_clear(&err);
    a.ao.src_entities = d[0].ents;
    a.ao.tgt_entities = d[1].ents;
    if (cd_aligner_new(&a.ao, &al, &err) ||
        cd_aligner_align(al, d[0].sent, d[0].n, d[1].sent, d[1].n, &beads, &nb, &err)) {
      cli_error("align", "%s", err.message);
      rc = CLI_USAGE;
    }
  }
  if (rc == CLI_OK) {
    if (a.verbose)
      report_stats(al, beads, nb, d);
    rc = write_beads(&a, beads, nb, d);
  }
  free(beads);
  cd_aligner_free(al);
  free_docs(d);
  return rc;
}

const cli_command cli_align = {
    "align",   run,     "sentence-align an article and its translation (scored beads)",
    help_head, options, 24,
    help_tail, NULL};
