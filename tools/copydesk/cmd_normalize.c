/* SPDX-License-Identifier: MIT */
/* copydesk normalize — clean wire copy, every edit logged. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cd_lang.h"
#include "cd_normalize.h"
#include "cli.h"

static const char help_head[] =
    "usage: copydesk normalize [options] [FILE...|-]\n"
    "\n"
    "Reads text in any common encoding and writes clean UTF-8: decode, mojibake repair,\n"
    "Unicode clean-up, typography by house style, boilerplate removal and names.\n"
    "Without FILE (or with -) reads standard input. Several files are written one after\n"
    "the other, unless --in-place rewrites each one.\n"
    "\n";

static const char help_tail[] =
    "\n"
    "Wire formats: a NewsML, NITF, HTML or ninjs document comes back as the same document\n"
    "with only its prose (headlines, paragraphs, captions) changed, in its own charset;\n"
    "the change log's offsets are bytes of the original file. Malformed XML, an unknown\n"
    "root, truncated ANPA framing or invalid JSON is exit 2 with file, line and reason,\n"
    "and nothing is written. Example:\n"
    "  copydesk normalize -o clean.xml --changes edits.jsonl story.xml\n"
    "\n"
    "Exit status: 0 when output was produced (edits and flags included), 2 for usage or\n"
    "input errors (missing file, invalid input with --strict, unwritable output).\n";

enum {
  OPT_FROM = 256,
  OPT_IN_PLACE,
  OPT_CHANGES,
  OPT_DRY_RUN,
  OPT_STRICT,
  OPT_NO_DECODE,
  OPT_NO_MOJIBAKE,
  OPT_NO_UNICODE,
  OPT_NO_TYPOGRAPHY,
  OPT_NO_BOILERPLATE,
  OPT_NO_NAMES,
  OPT_NAMES_THRESHOLD,
  OPT_HOUSE,
  OPT_NAMES_DB,
  OPT_WINDOW,
  OPT_INPUT_FORMAT,
  OPT_EDNOTES,
  OPT_TEXT,
  OPT_OUTPUT_FORMAT
};

static const cli_opt options[] = {
    {"lang", 'l', "LANG", 'l',
     "language of the text (en fr de uk ru ...); default: from the\n"
     "file name (x-fr.txt, x.fr.txt), else detected when sure,\n"
     "else COPYDESK_LANG or 'lang = xx' in\n"
     "$XDG_CONFIG_HOME/copydesk/config; with none, typography\n"
     "and names leave the text as it is",
     "en|fr|de|uk|ru"},
    {"from", 0, "CHARSET", OPT_FROM, "input charset (any iconv name); default: detected", NULL},
    {"input-format", 0, "FMT", OPT_INPUT_FORMAT,
     "auto (default: from the content), text, newsml (NewsML-G2\n"
     "and NewsML 1), nitf, html (HTML or XHTML), ninjs: a wire\n"
     "document comes back in its format with only its prose\n"
     "changed; anpa (ANPA 1312/IPTC 7901): clean plain text,\n"
     "the header lines kept as metadata",
     "auto|text|newsml|nitf|html|ninjs|anpa"},
    {"ednotes", 0, NULL, OPT_EDNOTES, "wire documents: editor's notes are prose too", NULL},
    {"output-format", 0, "FMT", OPT_OUTPUT_FORMAT,
     "auto (default: the input's format; ANPA: plain text) or\n"
     "nitf (ANPA input written as NITF)",
     "auto|nitf"},
    {"text", 0, NULL, OPT_TEXT,
     "wire documents: write the prose, normalized, one paragraph\n"
     "(headline, caption...) a line, instead of the document",
     NULL},
    {"output", 'o', "FILE", 'o', "write the text to FILE (atomically) instead of stdout", "@file"},
    {"in-place", 0, NULL, OPT_IN_PLACE, "rewrite each FILE (atomically)", NULL},
    {"changes", 0, "FILE", OPT_CHANGES,
     "write the change log (JSON Lines) to FILE; '-' = stdout,\n"
     "only with -o or --in-place",
     "@file"},
    {"dry-run", 0, NULL, OPT_DRY_RUN, "write the change log to stdout instead of the text", NULL},
    {"strict", 0, NULL, OPT_STRICT, "invalid input bytes are an error (exit 2)", NULL},
    {"no-decode", 0, NULL, OPT_NO_DECODE,
     "take the input as UTF-8 (ill-formed bytes still replaced)", NULL},
    {"no-mojibake", 0, NULL, OPT_NO_MOJIBAKE, "skip the mojibake repair stage", NULL},
    {"no-unicode", 0, NULL, OPT_NO_UNICODE, "skip the Unicode clean-up stage", NULL},
    {"no-typography", 0, NULL, OPT_NO_TYPOGRAPHY, "skip the typography (house style) stage", NULL},
    {"no-boilerplate", 0, NULL, OPT_NO_BOILERPLATE, "skip the boilerplate removal stage", NULL},
    {"no-names", 0, NULL, OPT_NO_NAMES, "skip the names stage", NULL},
    {"names-threshold", 0, "X", OPT_NAMES_THRESHOLD,
     "names stage: rewrite only at confidence >= X (default 0.9)", NULL},
    {"house", 0, "FILE", OPT_HOUSE,
     "house names overlay (names stage); default:\n"
     "$XDG_CONFIG_HOME/copydesk/house.tsv when it exists",
     "@file"},
    CLI_OPT_NAMES_DB(OPT_NAMES_DB),
    {"window", 0, "BYTES", OPT_WINDOW, "longest piece of a line handled at once (default 1048576)",
     NULL},
    {"verbose", 'v', NULL, 'v', "report charset, language and edit count on stderr", NULL},
    CLI_OPT_HELP,
    CLI_OPT_VERSION_ENTRY,
    CLI_OPT_END};

typedef struct io_ctx {
  FILE *in;
  const char *in_name;
  FILE *out;
  const char *out_name;
  FILE *changes;
  const char *changes_name;
  cd_buf json;
  bool broken_pipe;
  const char *default_from; /* where the desk's default language came from */
  cd_buf head;              /* the input's first bytes, read to detect its format: read first */
  size_t head_pos;
  cd_wire_format format; /* --input-format */
  bool ednotes, text, nitf;
} io_ctx;

static cd_status read_file(void *ud, char *buf, size_t cap, size_t *got, cd_error *err) {
  io_ctx *io = ud;
  if (io->head_pos < io->head.len) {
    *got = io->head.len - io->head_pos < cap ? io->head.len - io->head_pos : cap;
    memcpy(buf, io->head.data + io->head_pos, *got);
    io->head_pos += *got;
    return CD_OK;
  }
  *got = fread(buf, 1, cap, io->in);
  if (*got == 0 && ferror(io->in))
    return cd_error_set(err, CD_ERR_IO, "%s: read error: %s", io->in_name, strerror(errno));
  return CD_OK;
}

static cd_status write_out(io_ctx *io, FILE *fp, const char *name, const char *p, size_t n,
                           cd_error *err) {
  if (n && fwrite(p, 1, n, fp) != n) {
    if (errno == EPIPE) {
      io->broken_pipe = true;
      return cd_error_set(err, CD_ERR_IO, "broken pipe");
    }
    return cd_error_set(err, CD_ERR_IO, "%s: write error: %s", name, strerror(errno));
  }
  return CD_OK;
}

static cd_status write_text(void *ud, const char *p, size_t n, cd_error *err) {
  io_ctx *io = ud;
  return io->out ? write_out(io, io->out, io->out_name, p, n, err) : CD_OK;
}

static cd_status write_change(void *ud, const cd_change *c, cd_error *err) {
  io_ctx *io = ud;
  cd_buf_clear(&io->json);
  if (cd_change_to_json(c, &io->json))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  return write_out(io, io->changes, io->changes_name, io->json.data, io->json.len, err);
}

/* Normalizes one input with the normalizer of the whole run (its stages and dictionaries
 * open once per language); returns CLI_OK or CLI_USAGE (already reported). */
static int run_one(cd_normalizer *nz, const cd_normalize_options *base, const char *path,
                   io_ctx *io, bool verbose) {
  char src[16], tgt[16];
  const char *lang = base->lang;
  bool is_stdin = strcmp(path, "-") == 0;
  const char *source = lang ? "option" : NULL;
  if (!lang && !is_stdin && cd_lang_from_filename(path, src, tgt) && cd_lang_tag_valid(src))
    lang = src, source = "file name";
  io->in_name = is_stdin ? "<stdin>" : path;
  io->in = is_stdin ? stdin : fopen(path, "rb");
  if (!io->in) {
    cli_error("normalize", "cannot open '%s': %s", path, strerror(errno));
    return CLI_USAGE;
  }
  cd_error err;
  cd_error_clear(&err);
  cd_normalize_report rep;
  cd_wire_format fmt;
  char doc_lang[16] = "";
  io->head_pos = 0;
  cd_status st = cli_wire_sniff(io->in, io->in_name, io->format, &io->head, &fmt, &err);
  cli_wire_input wi = {io->in, io->in_name, &io->head, fmt, io->ednotes, io->text, io->nitf};
  if (!st && fmt == CD_WIRE_TEXT && io->nitf)
    st = cd_error_set(&err, CD_ERR_USAGE, "%s: --output-format nitf is for ANPA input, not text",
                      io->in_name);
  else if (!st && fmt != CD_WIRE_TEXT)
    st = cli_wire_normalize(nz, base, path, lang, &wi, write_text, io,
                            io->changes ? write_change : NULL, io, &rep, doc_lang, &err);
  else if (!st)
    st = cd_normalizer_run(nz, path, lang, read_file, io, write_text, io,
                           io->changes ? write_change : NULL, io, &rep, &err);
  if (!is_stdin)
    fclose(io->in);
  if (st) {
    if (io->broken_pipe)
      return CLI_OK;
    cli_error("normalize", "%s", err.message[0] ? err.message : cd_status_name(st));
    return CLI_USAGE;
  }
  if (!source && doc_lang[0] && strcmp(doc_lang, rep.lang) == 0)
    source = "document";
  cli_lang why;
  cli_lang_explain(&why, rep.lang, source, rep.lang_detected, rep.lang_default, io->default_from,
                   rep.lang_why);
  if (strcmp(rep.lang, "und") == 0 && rep.bytes_in > 0)
    cli_lang_none("normalize", io->in_name, "typography and names left as they are");
  if (verbose)
    fprintf(stderr,
            "copydesk: normalize: %s: charset %s, language %s (%s), %llu lines, %llu edits, "
            "%llu invalid sequences\n",
            io->in_name, rep.charset, rep.lang, why.from, (unsigned long long)rep.lines_in,
            (unsigned long long)rep.edits, (unsigned long long)rep.invalid);
  return CLI_OK;
}

/* Whether two output paths name one file that does not exist yet: the same directory (by
 * device and inode) and the same name. */
static bool same_new_file(const char *a, const char *b) {
  const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');
  const char *na = sa ? sa + 1 : a, *nb = sb ? sb + 1 : b;
  if (strcmp(na, nb) != 0)
    return false;
  char da[4096], db[4096];
  snprintf(da, sizeof da, "%.*s", sa ? (int)(sa - a) + 1 : 1, sa ? a : ".");
  snprintf(db, sizeof db, "%.*s", sb ? (int)(sb - b) + 1 : 1, sb ? b : ".");
  struct stat x, y;
  return stat(da, &x) == 0 && stat(db, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

/* -o and --changes must not name an input (or each other), by device and inode: the
 * rename would replace the article with its change log. */
static int refuse_clobbering(char **files, int nfiles, const char *output, const char *changes) {
  cli_files f = {0};
  int rc = CLI_OK;
  for (int i = 0; i < nfiles && !rc; i++)
    if (cli_files_add(&f, files[i], "an input file"))
      rc = CLI_USAGE;
  if (!rc)
    rc = cli_files_refuse(&f, "normalize", "-o", output);
  if (!rc && cli_files_add(&f, output, "the -o output"))
    rc = CLI_USAGE;
  if (!rc)
    rc = cli_files_refuse(&f, "normalize", "--changes", changes);
  if (!rc && output && changes && strcmp(output, "-") != 0 && same_new_file(output, changes)) {
    cli_error("normalize", "--changes '%s' is the -o output: refusing to write both there",
              changes);
    rc = CLI_USAGE;
  }
  cli_files_free(&f);
  return rc;
}

/* The options of one run, as parsed. */
typedef struct norm_args {
  cd_normalize_options o;
  const char *output, *changes;
  bool in_place, dry_run, verbose, ednotes, text, nitf;
  cd_wire_format input_format;
  char **files; /* the operands, or "-" */
  int nfiles;
  char default_lang[16]; /* o.default_lang points here */
  const char *default_from;
} norm_args;

/* The options with an argument to check; CLI_USAGE (reported) for a bad one. */
static int parse_value(int c, norm_args *a) {
  switch (c) {
  case 'l': return cli_lang_arg("normalize", optarg, &a->o.lang);
  case OPT_NAMES_THRESHOLD:
    if (cli_parse_double(optarg, 0, 1, &a->o.names_threshold)) {
      cli_error("normalize", "--names-threshold wants a number from 0 to 1, not '%s'", optarg);
      return CLI_USAGE;
    }
    break;
  case OPT_WINDOW:
    if (cli_parse_size(optarg, 1, (size_t)1 << 30, &a->o.window)) {
      cli_error("normalize", "--window wants a byte count from 1 to 1073741824, not '%s'", optarg);
      return CLI_USAGE;
    }
    break;
  case OPT_INPUT_FORMAT:
    if (cli_wire_format_option("normalize", optarg, &a->input_format))
      return CLI_USAGE;
    break;
  case OPT_OUTPUT_FORMAT:
    if (strcmp(optarg, "auto") != 0 && strcmp(optarg, "nitf") != 0) {
      cli_error("normalize", "--output-format wants auto or nitf, not '%s'", optarg);
      return CLI_USAGE;
    }
    a->nitf = strcmp(optarg, "nitf") == 0;
    break;
  }
  return CLI_OK;
}

/* Fills a from the command line: CLI_OK, CLI_USAGE (reported) or -1 after --help or
 * --version. */
static int parse_args(int argc, char **argv, norm_args *a) {
  memset(a, 0, sizeof *a);
  cd_normalize_options_init(&a->o);
  a->input_format = CD_WIRE_AUTO;
  cli_getopt g;
  cli_getopt_build(options, &g);
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, g.shortopts, g.longopts, NULL)) != -1) {
    switch (c) {
    case 'l':
    case OPT_NAMES_THRESHOLD:
    case OPT_WINDOW:
    case OPT_INPUT_FORMAT:
    case OPT_OUTPUT_FORMAT:
      if (parse_value(c, a))
        return CLI_USAGE;
      break;
    case OPT_FROM: a->o.from_charset = optarg; break;
    case 'o': a->output = optarg; break;
    case OPT_IN_PLACE: a->in_place = true; break;
    case OPT_CHANGES: a->changes = optarg; break;
    case OPT_DRY_RUN: a->dry_run = true; break;
    case OPT_STRICT: a->o.strict = true; break;
    case OPT_NO_DECODE: a->o.stages &= ~(unsigned)CD_STAGE_DECODE; break;
    case OPT_NO_MOJIBAKE: a->o.stages &= ~(unsigned)CD_STAGE_MOJIBAKE; break;
    case OPT_NO_UNICODE: a->o.stages &= ~(unsigned)CD_STAGE_UNICODE; break;
    case OPT_NO_TYPOGRAPHY: a->o.stages &= ~(unsigned)CD_STAGE_TYPOGRAPHY; break;
    case OPT_NO_BOILERPLATE: a->o.stages &= ~(unsigned)CD_STAGE_BOILERPLATE; break;
    case OPT_NO_NAMES: a->o.stages &= ~(unsigned)CD_STAGE_NAMES; break;
    case OPT_HOUSE: a->o.house_file = optarg; break;
    case OPT_NAMES_DB: cli_set_names_db(optarg); break;
    case OPT_EDNOTES: a->ednotes = true; break;
    case OPT_TEXT: a->text = true; break;
    case 'v': a->verbose = true; break;
    case 'h': cli_print_help(&cli_normalize, stdout); return -1;
    case CLI_OPT_VERSION: cli_print_version(); return -1;
    default: cli_option_error("normalize", c, argv); return CLI_USAGE;
    }
  }
  static char *stdin_only[] = {"-", NULL};
  a->files = argv + optind;
  a->nfiles = argc - optind;
  if (a->nfiles == 0) {
    a->files = stdin_only;
    a->nfiles = 1;
  }
  return CLI_OK;
}

/* The options that exclude each other: CLI_USAGE (reported) for a combination that makes
 * no sense. */
static int check_modes(const norm_args *a) {
  if (a->output && a->in_place) {
    cli_error("normalize", "-o and --in-place cannot be used together");
    return CLI_USAGE;
  }
  if (a->in_place)
    for (int i = 0; i < a->nfiles; i++)
      if (strcmp(a->files[i], "-") == 0) {
        cli_error("normalize", "--in-place needs files, not standard input");
        return CLI_USAGE;
      }
  if (a->dry_run && (a->output || a->in_place)) {
    cli_error("normalize", "--dry-run writes no text: drop -o/--in-place");
    return CLI_USAGE;
  }
  if (a->dry_run && a->changes && strcmp(a->changes, "-") != 0) {
    cli_error("normalize", "--dry-run writes the change log to stdout: drop --changes FILE");
    return CLI_USAGE;
  }
  if (!a->dry_run && a->changes && strcmp(a->changes, "-") == 0 && !a->output && !a->in_place) {
    cli_error("normalize", "--changes - needs the text to go elsewhere (-o or --in-place)");
    return CLI_USAGE;
  }
  return CLI_OK;
}

/* The data directory, house overlay, names store and the desk's default language. */
static int resolve_defaults(norm_args *a) {
  a->o.data_dir = cli_data_dir();
  a->o.house_file = cli_house_file(a->o.house_file);
  a->o.names_db = cli_names_db();
  if (!a->o.lang) {
    if (cli_default_lang("normalize", a->default_lang, &a->default_from))
      return CLI_USAGE;
    if (a->default_lang[0])
      a->o.default_lang = a->default_lang;
  }
  return CLI_OK;
}

/* The run's outputs: the change log (--changes) and the text (-o or stdout). */
typedef struct norm_outputs {
  cli_outfile changes_file, text_file;
  bool have_changes, have_text;
} norm_outputs;

/* Opens the outputs into io; CLI_USAGE (reported) when one cannot be opened. */
static int open_outputs(const norm_args *a, io_ctx *io, norm_outputs *out) {
  memset(out, 0, sizeof *out);
  if (a->dry_run) {
    io->changes = stdout;
    io->changes_name = "<stdout>";
  } else if (a->changes) {
    if (cli_outfile_open(&out->changes_file, a->changes, "normalize"))
      return CLI_USAGE;
    out->have_changes = true;
    io->changes = out->changes_file.fp;
    io->changes_name = out->changes_file.is_stdout ? "<stdout>" : a->changes;
  }
  if (!a->dry_run && !a->in_place) {
    if (cli_outfile_open(&out->text_file, a->output, "normalize")) {
      if (out->have_changes)
        cli_outfile_abort(&out->changes_file);
      return CLI_USAGE;
    }
    out->have_text = true;
    io->out = out->text_file.fp;
    io->out_name = out->text_file.is_stdout ? "<stdout>" : a->output;
  }
  return CLI_OK;
}

/* Commits f when all went well so far, else removes it; returns the new status. */
static int settle(cli_outfile *f, int rc, const io_ctx *io) {
  if (rc == CLI_OK && !io->broken_pipe)
    return cli_outfile_commit(f, "normalize") ? CLI_USAGE : CLI_OK;
  cli_outfile_abort(f);
  return rc;
}

/* Normalizes every input with one normalizer, each into io's outputs or, with --in-place,
 * into its own file; stops at the first failure or when the reader went away. */
static int normalize_files(const norm_args *a, io_ctx *io) {
  int rc = CLI_OK;
  cd_normalizer *nz = NULL;
  cd_error nerr;
  if (cd_normalizer_new(&a->o, &nz, &nerr)) {
    cli_error("normalize", "%s", nerr.message);
    rc = CLI_USAGE;
  }
  for (int i = 0; i < a->nfiles && rc == CLI_OK && !io->broken_pipe; i++) {
    cli_outfile inplace = {0};
    if (a->in_place) {
      if (cli_outfile_open(&inplace, a->files[i], "normalize")) {
        rc = CLI_USAGE;
        break;
      }
      io->out = inplace.fp;
      io->out_name = a->files[i];
    }
    rc = run_one(nz, &a->o, a->files[i], io, a->verbose);
    if (a->in_place)
      rc = settle(&inplace, rc, io);
  }
  cd_normalizer_free(nz);
  return rc;
}

static int run(int argc, char **argv) {
  norm_args a;
  int rc = parse_args(argc, argv, &a);
  if (rc)
    return rc < 0 ? CLI_OK : rc; /* -1: --help, --version */
  if (check_modes(&a) || refuse_clobbering(a.files, a.nfiles, a.output, a.changes) ||
      resolve_defaults(&a))
    return CLI_USAGE;
  io_ctx io;
  memset(&io, 0, sizeof io);
  io.default_from = a.default_from;
  io.format = a.input_format;
  io.ednotes = a.ednotes;
  io.text = a.text;
  io.nitf = a.nitf;
  norm_outputs out;
  if (open_outputs(&a, &io, &out))
    return CLI_USAGE;
  rc = normalize_files(&a, &io);
  if (out.have_text)
    rc = settle(&out.text_file, rc, &io);
  if (out.have_changes)
    rc = settle(&out.changes_file, rc, &io);
  if (a.dry_run && cli_flush_stdout("normalize") < 0)
    rc = CLI_USAGE;
  cd_buf_free(&io.json);
  cd_buf_free(&io.head);
  return rc;
}

const cli_command cli_normalize = {
    "normalize",
    run,
    "clean wire copy: encoding, mojibake, Unicode, typography, boilerplate, names",
    help_head,
    options,
    26,
    help_tail,
    NULL};
