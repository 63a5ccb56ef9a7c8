/* SPDX-License-Identifier: MIT */
/* cli.h — shared pieces of the copydesk program: subcommand table, data directory,
 * diagnostics and safe output files. */
#ifndef CD_CLI_H
#define CD_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "cd_text.h"
#include "cd_wire.h"
#include "cli_opts.h"

/* Exit statuses: 0 ok, 1 findings (check), 2 usage or input error. */
enum { CLI_OK = 0, CLI_FINDINGS = 1, CLI_USAGE = 2 };

/* A subcommand. Its --help is help_head, "Options:", the option table (help text from column
 * help_col) and help_tail; the table also makes the man page's OPTIONS and the completions. */
typedef struct cli_command {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
  const char *help_head;      /* usage lines and description, up to "Options:" */
  const cli_opt *options;     /* ends with CLI_OPT_END */
  int help_col;               /* the column where the options' help starts */
  const char *help_tail;      /* after the options (starts with a blank line) */
  const char *const *actions; /* names, tm: their own subcommands, NULL-terminated */
} cli_command;

extern const cli_command cli_normalize;
extern const cli_command cli_names;
extern const cli_command cli_segment;
extern const cli_command cli_align;
extern const cli_command cli_tm;
extern const cli_command cli_check;
extern const cli_command cli_serve;

/* Prints "copydesk: SUB: message" on stderr. */
void cli_error(const char *sub, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The data directory: $COPYDESK_DATA, else the build tree, else the install prefix. */
const char *cli_data_dir(void);
/* The house names overlay: the given path, else $XDG_CONFIG_HOME/copydesk/house.tsv (or
 * ~/.config/copydesk/house.tsv) when that file exists, else NULL. */
const char *cli_house_file(const char *given);
/* The names store the commands use: what --names-db gave (cli_set_names_db), else
 * $COPYDESK_NAMES_DB, else NULL (DATA/names.sqlite when present). A names.sqlite path or a
 * PostgreSQL URL. */
const char *cli_names_db(void);
void cli_set_names_db(const char *location);
/* The desk's default language, for text whose language is neither given, nor in its file
 * name, nor detected with confidence: COPYDESK_LANG, else "lang = xx" in
 * $XDG_CONFIG_HOME/copydesk/config (~/.config/copydesk/config). out is "" when neither
 * sets one; *from names the source. CLI_USAGE (reported) for an invalid tag or an
 * unreadable config file. */
int cli_default_lang(const char *sub, char out[16], const char **from);

/* A text's language and where it came from, in the words -v prints: "option", "file name",
 * "detected, words: evidence 4 against 0", "default from COPYDESK_LANG (detection unsure:
 * ...)", "none (detection unsure: ...)". lang is "und" for none. */
typedef struct cli_lang {
  char lang[16];
  char from[256];
} cli_lang;

/* The desk's rules for one text read from path ("-" or NULL: no name): given (an option)
 * beats the file name, the file name a confident detection, a detection the default, the
 * default nothing. CLI_USAGE (reported) for a bad default or unreadable data. */
int cli_lang_resolve(const char *sub, const char *given, const char *path, const char *text,
                     size_t len, cli_lang *out);
/* The same words for a language decided by the normalizer (which detects while it reads):
 * given_from is "option", "file name" or NULL; why is its report's lang_why. */
void cli_lang_explain(cli_lang *out, const char *lang, const char *given_from, bool detected,
                      bool by_default, const char *default_from, const char *why);
/* The languages of the two columns of a pairs file (TSV or align's JSON) whose name does
 * not say them, each detected over its column; "und" for an unsure column. CLI_USAGE
 * (reported) when the file cannot be read. */
int cli_pairs_langs(const char *sub, const char *path, char src[16], char tgt[16]);
/* The one stderr line for a text left without a language: what was not done and how to set
 * one. what: "typography and names left as they are", "house-style findings skipped". */
void cli_lang_none(const char *sub, const char *name, const char *what);
/* Reads a whole file ("-" = stdin) into out (cleared first). On failure reports
 * "copydesk: SUB: cannot open 'x': …" itself and returns CLI_USAGE; else CLI_OK. */
int cli_read_file(const char *sub, const char *path, cd_buf *out);
/* Prints a command's help (on stdout for --help, on stderr for a usage error). */
void cli_print_help(const cli_command *cmd, FILE *out);
/* copydesk --dump-options man|bash|zsh [SUBCOMMAND]: the man pages' OPTIONS section (roff)
 * and the completion scripts, made from the option tables at build time (cli_dump.c). */
int cli_dump_options(int argc, char **argv, const cli_command *const *commands, size_t n);

/* An output file, written as the shell's '>' would for what is not a regular file (a FIFO,
 * a device, /dev/stdout: opened and written into, never replaced); a regular file (or a new
 * one) is written to a temporary in the target's directory and renamed over it only on
 * commit, so a failure never leaves a truncated file behind. A symlink is written through
 * to its target; the target's mode, owner and group are kept when the process may (never
 * setuid/setgid); a new file gets 0666 & ~umask. Replacing a file with other hard links
 * says so on stderr. The temporary is removed on SIGINT/SIGTERM (cli_cleanup_on_signals). */
typedef struct cli_outfile {
  FILE *fp;
  char *path;     /* the path as given (messages), NULL for stdout */
  char *target;   /* the file the rename replaces (symlinks followed) */
  char *tmp_path; /* the temporary, NULL when written directly */
  unsigned long nlink;
  bool is_stdout;
  bool direct; /* a FIFO or device, written into */
} cli_outfile;

/* NULL or "-" = standard output. Reports its own errors ("copydesk: SUB: ..."). */
int cli_outfile_open(cli_outfile *o, const char *path, const char *sub);
/* Returns 0 on success; on failure (reported) the target is untouched. */
int cli_outfile_commit(cli_outfile *o, const char *sub);
void cli_outfile_abort(cli_outfile *o);

/* The pieces of an output file, for outputs a library writes itself (names compile): */
/* the file a path names, symlinks followed (a dangling link: the file it would create) */
char *cli_resolve_target(const char *path);
/* gives fd st's owner, group and mode (no setuid/setgid), or 0666 & ~umask when !exists */
struct stat;
void cli_take_attributes(int fd, const struct stat *st, bool exists);
/* registers a temporary (file, or an emptied directory after its files) for removal on a
 * fatal signal; path must live until cli_temp_forget */
bool cli_temp_remember(char *path);
void cli_temp_forget(const char *path);

/* Makes descriptors 0, 1 and 2 valid (/dev/null on a closed one): called first in main. */
void cli_std_fds(void);
/* Installs the handler that removes open temporaries on SIGINT, SIGTERM, SIGHUP, SIGQUIT
 * and then dies of the signal (a signal the caller ignores stays ignored). */
void cli_cleanup_on_signals(void);

/* True when standard output's reader went away (EPIPE): end quietly. */
bool cli_is_broken_pipe(void);
/* Flushes standard output: 0 ok, 1 the reader went away (quiet), -1 a write error, reported
 * once ("error writing standard output: ..."). */
int cli_flush_stdout(const char *sub);
/* At exit: flushes and closes standard output; returns rc, or CLI_USAGE on a write error. */
int cli_close_stdout(const char *sub, int rc);

/* Files an output must not overwrite (inputs, the TM, other outputs), by device and inode. */
typedef struct cli_file_id {
  dev_t dev;
  ino_t ino;
  const char *path, *role; /* borrowed */
} cli_file_id;
typedef struct cli_files {
  cli_file_id *v;
  size_t n, cap;
} cli_files;
/* Adds path (skipped when "-", missing or not a regular file); role reads "an input file",
 * "the TM"... Returns -1 when out of memory. */
int cli_files_add(cli_files *f, const char *path, const char *role);
/* CLI_USAGE (reported: "OPT 'out' is ROLE: refusing ...") when out is one of the files. */
int cli_files_refuse(const cli_files *f, const char *sub, const char *opt, const char *out);
void cli_files_free(cli_files *f);

/* Reports an option error from getopt_long (c is ':' or '?'), naming the option itself,
 * not its neighbour ("-x", "--lang"), with a pointer to 'copydesk help SUB'. */
void cli_option_error(const char *sub, int c, char **argv);
/* Number options: the whole string a finite number within [lo, hi]; -1 otherwise. */
int cli_parse_double(const char *s, double lo, double hi, double *out);
/* A language tag option (--lang, --src-lang, --tgt-lang): *dst = arg when arg is a valid tag,
 * else the error on stderr and CLI_USAGE. */
int cli_lang_arg(const char *sub, const char *arg, const char **dst);
/* An option that takes one word of a list (NULL-terminated): *idx its index, else the error
 * ("--format wants text, json or html, not 'x'") and CLI_USAGE. */
int cli_choice(const char *sub, const char *opt, const char *arg, const char *const *choices,
               int *idx);
int cli_parse_long(const char *s, long lo, long hi, long *out);
int cli_parse_size(const char *s, size_t lo, size_t hi, size_t *out);

/* A note for a "disk I/O error" while a file-size limit (ulimit -f) is set, naming the limit
 * as the likely cause; "" otherwise. */
const char *cli_fsize_hint(const char *message);
/* strerror(EFBIG) when the regular file behind fp has reached the file-size limit (the
 * reason a library's "write error" leaves out); NULL otherwise. */
const char *cli_fsize_reached(FILE *fp);
/* A TM that a reading command opens must exist and not be empty (an empty file would
 * otherwise read as an empty TM). Reports "copydesk: SUB: ..." and returns CLI_USAGE. */
int cli_tm_must_exist(const char *sub, const char *path);
/* copydesk tm migrate (cmd_tm_migrate.c): --from, --to, --busy-timeout (-1: the default) and
 * the number of operands left (none is allowed), as cmd_tm.c parsed them. */
int cli_tm_migrate(const char *from, const char *to, long busy_ms, int nrest);

/* A growable list of strings (copied). */
typedef struct cli_strvec {
  char **v;
  size_t n, cap;
} cli_strvec;
CD_MUST_CHECK int cli_sv_push(cli_strvec *s, const char *x);
void cli_sv_free(cli_strvec *s);

/* The operands of a batch command: "-" and files as given (*.tsv and align's *.json are
 * pairs files; a ninjs *.json story is an article), directories walked (sorted, hidden entries
 * skipped, each directory once, FIFOs and devices skipped with a warning). -1 (reported) for a
 * missing operand. */
int cli_inputs(const char *sub, char **operands, int n, cli_strvec *articles, cli_strvec *pairs);

/* copydesk names discover (cmd_names_discover.c), called by copydesk names. */
typedef struct cli_discover_options {
  const char *lang;   /* -l: the articles' language (else name, detection, default) */
  const char *tm;     /* --tm PATH: the units of a TM, read as pairs */
  size_t min_count;   /* --min-count: candidates mentioned fewer times are left out */
  const char *output; /* -o: the draft TSV */
  bool json;          /* --format json */
} cli_discover_options;
struct cd_names;
int cli_names_discover(struct cd_names *db, char **operands, int n, const cli_discover_options *o);

/* Wire formats (cli_wire.c, over src/wire). */
/* Parses --input-format; CLI_USAGE (reported) for an unknown name. */
int cli_wire_format_option(const char *sub, const char *arg, cd_wire_format *out);
/* Reads the first 64 KB of in into head (nothing when forced is TEXT) and sets *fmt: forced,
 * or detected from head when forced is AUTO. */
cd_status cli_wire_sniff(FILE *in, const char *name, cd_wire_format forced, cd_buf *head,
                         cd_wire_format *fmt, cd_error *err);
typedef struct cli_wire_input {
  FILE *in;
  const char *name;
  cd_buf *head; /* what cli_wire_sniff read; the rest of in is appended */
  cd_wire_format format;
  bool ednotes;
  bool text; /* --text: the normalized prose, one unit a line, instead of the document */
  bool nitf; /* --output-format nitf (ANPA input) */
} cli_wire_input;
/* Reads the rest of the document, normalizes its prose with nz (lang: the language given or
 * named by the file, NULL: the document's or detected) and writes the document in one write
 * (nothing on error). doc_lang receives the language the document declares ("" if none). */
cd_status cli_wire_normalize(cd_normalizer *nz, const cd_normalize_options *o, const char *label,
                             const char *lang, const cli_wire_input *w, cd_write_fn write,
                             void *write_ud, cd_change_fn change, void *change_ud,
                             cd_normalize_report *rep, char doc_lang[16], cd_error *err);
/* Commands that read articles (check, align, segment): when text holds a wire document
 * (detected), it is replaced by the document's prose, one unit a line; *doc (may be NULL)
 * receives the document, to map positions back (cli_wire_pos), NULL for plain text; lang
 * (may be NULL) the language the document declares, "" if none. CLI_USAGE (reported, file,
 * line and reason) for a bad document. */
int cli_wire_article(const char *sub, const char *path, cd_buf *text, cd_wire_doc **doc,
                     char lang[16]);
/* cli_read_file, then cli_wire_article. */
int cli_read_article(const char *sub, const char *path, cd_buf *out);
/* A cd_check_pos_fn over the document of cli_wire_article: prose line and byte → the file's
 * line and column. */
void cli_wire_pos(void *doc, uint64_t line, size_t byte, uint64_t *file_line, uint64_t *file_col);
/* A .json file that is a ninjs document (an article, not pairs). */
bool cli_wire_is_article(const char *path);

#endif
