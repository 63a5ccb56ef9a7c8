/* SPDX-License-Identifier: MIT */
/* copydesk segment — one sentence per line. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cd_lang.h"
#include "cd_segment.h"
#include "cli.h"

static const char help_head[] =
    "usage: copydesk segment [options] [FILE|-]\n"
    "\n"
    "Splits UTF-8 text into sentences, one per line. Abbreviations (Gen., U.S., No. 55,\n"
    "z. B., 3. Oktober), initials, decimals and quotes after a full stop are handled with\n"
    "the language's list in the data directory (abbrev/LANG.tsv). Every line break ends a\n"
    "sentence (headings and list items stand alone) unless --join-lines is given.\n"
    "Without FILE (or with -) reads standard input.\n"
    "\n";

static const char help_tail[] =
    "\n"
    "Exit status: 0 ok, 2 usage or input error (missing file, text that is not UTF-8).\n";

enum { OPT_JOIN = 256, OPT_PARAS };

static const cli_opt options[] = {
    {"lang", 'l', "LANG", 'l',
     "language of the text (en fr de uk ru ...); default: from the file\n"
     "name (x-fr.txt, x.fr.txt), else detected with confidence, else\n"
     "COPYDESK_LANG or 'lang = xx' in ~/.config/copydesk/config",
     "en|fr|de|uk|ru"},
    {"join-lines", 0, NULL, OPT_JOIN,
     "hard-wrapped text: only blank lines end a paragraph, a single\nline break is a space", NULL},
    {"paragraphs", 0, NULL, OPT_PARAS, "write a blank line between paragraphs", NULL},
    CLI_OPT_HELP,
    CLI_OPT_VERSION_ENTRY,
    CLI_OPT_END};

/* Writes s[0,n) on one line: line breaks and tabs inside a sentence become spaces. */
static int put_sentence(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '\n' || c == '\r' || c == '\t')
      c = ' ';
    if (putchar((unsigned char)c) == EOF)
      return -1;
  }
  return putchar('\n') == EOF ? -1 : 0;
}

static int run(int argc, char **argv) {
  cli_getopt g;
  cli_getopt_build(options, &g);
  const char *lang = NULL;
  bool paragraphs = false;
  cd_segment_options so;
  cd_segment_options_init(&so);
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, g.shortopts, g.longopts, NULL)) != -1) {
    switch (c) {
    case 'l':
      if (cli_lang_arg("segment", optarg, &lang))
        return CLI_USAGE;
      break;
    case OPT_JOIN: so.join_lines = true; break;
    case OPT_PARAS: paragraphs = true; break;
    case 'h': cli_print_help(&cli_segment, stdout); return CLI_OK;
    case CLI_OPT_VERSION: cli_print_version(); return CLI_OK;
    default: cli_option_error("segment", c, argv); return CLI_USAGE;
    }
  }
  if (argc - optind > 1) {
    cli_error("segment", "one FILE at most (got %d)", argc - optind);
    return CLI_USAGE;
  }
  const char *path = optind < argc ? argv[optind] : "-";
  const char *label = strcmp(path, "-") == 0 ? "<stdin>" : path;
  cd_buf text = CD_BUF_INIT;
  int rc = cli_read_article("segment", path, &text); /* a wire document: its prose */
  if (rc) {
    cd_buf_free(&text);
    return rc;
  }
  const char *data_dir = cli_data_dir();
  size_t off = 0;
  if (text.len >= 3 && memcmp(text.data, "\xEF\xBB\xBF", 3) == 0)
    off = 3; /* a UTF-8 BOM is not text */
  cd_error err;
  cd_error_clear(&err);
  /* -l, the file name, a confident detection, the desk's default (cli_lang_resolve) */
  cli_lang l;
  if (cli_lang_resolve("segment", lang, path, text.data ? text.data + off : "", text.len - off,
                       &l)) {
    cd_buf_free(&text);
    return CLI_USAGE;
  }
  if (strcmp(l.lang, "und") == 0) {
    cli_error("segment",
              "%s: cannot tell the language (%s): give -l LANG, or set COPYDESK_LANG "
              "or 'lang = xx' in ~/.config/copydesk/config",
              label, l.from);
    cd_buf_free(&text);
    return CLI_USAGE;
  }
  lang = l.lang;
  cd_segmenter *seg = NULL;
  if (cd_segmenter_new(lang, data_dir, &so, &seg, &err)) {
    cli_error("segment", "%s", err.message);
    cd_buf_free(&text);
    return CLI_USAGE;
  }
  cd_sentence_span *spans = NULL;
  size_t n = 0;
  if (cd_segmenter_split(seg, text.data ? text.data + off : "", text.len - off, &spans, &n, &err)) {
    cli_error("segment", "%s: %s", label, err.message);
    rc = CLI_USAGE;
  } else {
    for (size_t i = 0; i < n; i++) {
      if (paragraphs && i > 0 && spans[i].paragraph != spans[i - 1].paragraph)
        putchar('\n');
      if (put_sentence(text.data + off + spans[i].start, spans[i].end - spans[i].start))
        break;
    }
    if (cli_flush_stdout("segment") < 0)
      rc = CLI_USAGE;
  }
  free(spans);
  cd_segmenter_free(seg);
  cd_buf_free(&text);
  return rc;
}

const cli_command cli_segment = {"segment", run,     "split text into sentences, one per line",
                                 help_head, options, 22,
                                 help_tail, NULL};
