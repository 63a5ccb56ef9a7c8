/* SPDX-License-Identifier: MIT */
/* copydesk serve — the HTTP JSON API over the TM, the names store, normalize and check. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cd_tm_store.h"
#include "cli.h"
#include "serve_api.h"
#include "serve_http.h"

static const char help_head[] =
    "usage: copydesk serve [--listen ADDR:PORT] [--tm URL|PATH] [--names-db URL|PATH]\n"
    "                      [--token-file FILE] [options]\n"
    "\n"
    "Serves copydesk over HTTP/1.1 with JSON, for a CMS and editors' tools:\n"
    "  GET  /v1/health                  status, version, the TM and names store in use\n"
    "  POST /v1/normalize               {\"text\",\"lang\"?}: the text and its change log\n"
    "  GET  /v1/names/lookup?q=Q&lang=L what 'names lookup --format json' prints\n"
    "  POST /v1/tm/lookup               "
    "{\"query\",\"src_lang\"?,\"tgt_lang\"?,\"max\"?,\"min\"?}:\n"
    "                                   what 'tm lookup --format json' prints\n"
    "  POST /v1/tm/units                {\"units\":[{\"source\",\"target\",\"src_lang\",\n"
    "                                   \"tgt_lang\"}]}: adds units, all in one transaction\n"
    "  POST /v1/check                   {\"text\",\"lang\"?}: what 'check --format json' prints\n"
    "  POST /v2/check                   LanguageTool's API (form fields text or data,\n"
    "                                   language): copydesk's findings as LanguageTool matches\n"
    "  GET  /v2/languages               LanguageTool's list: the languages with a house style\n"
    "Details and examples: docs/serve.md.\n"
    "\n";

static const char help_tail[] =
    "\n"
    "Errors are JSON {\"status\",\"error\",\"message\"}: 400 bad JSON or missing field, 401\n"
    "missing or wrong token, 404, 405, 413 body too large, 415 wrong Content-Type, 422\n"
    "invalid value (unknown language, out-of-range number), 503 store busy. One line per\n"
    "request on stderr. SIGTERM or SIGINT: stop accepting, finish the requests in flight,\n"
    "close the stores, exit 0.\n"
    "\n"
    "Exit status: 0 after a signal, 2 for usage errors or a store that cannot be opened.\n";

enum {
  OPT_LISTEN = 256,
  OPT_TM,
  OPT_NAMES_DB,
  OPT_HOUSE,
  OPT_TOKEN_FILE,
  OPT_MAX_BODY,
  OPT_TIMEOUT,
  OPT_MAX_CONN,
  OPT_THREADS,
  OPT_BUSY,
  OPT_GRACE
};

static const cli_opt options[] = {
    {"listen", 0, "ADDR:PORT", OPT_LISTEN,
     "address to listen on (default 127.0.0.1:8080; [::1]:8080 for\n"
     "IPv6; port 0 = a free port, printed at start)",
     NULL},
    {"tm", 0, "URL|PATH", OPT_TM,
     "the TM, a file or a postgresql:// URL (default\n"
     "$XDG_DATA_HOME/copydesk/tm.sqlite; created when missing)",
     "@file"},
    CLI_OPT_NAMES_DB(OPT_NAMES_DB),
    {"house", 0, "FILE", OPT_HOUSE,
     "house names overlay (default $XDG_CONFIG_HOME/copydesk/\n"
     "house.tsv when it exists)",
     "@file"},
    {"token-file", 0, "FILE", OPT_TOKEN_FILE,
     "writes (POST /v1/tm/units) need 'Authorization: Bearer T',\n"
     "T being the file's first line; without it writes are open",
     "@file"},
    {"max-body", 0, "BYTES", OPT_MAX_BODY, "largest request body (default 1048576); larger: 413",
     NULL},
    {"timeout", 0, "SECONDS", OPT_TIMEOUT,
     "an idle or slow connection is closed after it (default 30)", NULL},
    {"max-connections", 0, "N", OPT_MAX_CONN, "connections at once (default 256)", NULL},
    {"threads", 0, "N", OPT_THREADS, "worker threads, each with its own TM connection (default 4)",
     NULL},
    {"busy-timeout", 0, "MS", OPT_BUSY,
     "how long a TM write waits for another writer (default 5000)", NULL},
    {"grace", 0, "SECONDS", OPT_GRACE,
     "on SIGTERM, how long requests in flight may finish (default 10)", NULL},
    CLI_OPT_HELP,
    CLI_OPT_VERSION_ENTRY,
    CLI_OPT_END};

/* The token: the file's first line without surrounding white space. */
static int read_token(const char *path, cd_buf *out) {
  if (cli_read_file("serve", path, out))
    return -1;
  const char *s = cd_buf_at(out, 0);
  size_t a = 0, b = strcspn(s, "\r\n");
  while (a < b && (s[a] == ' ' || s[a] == '\t'))
    a++;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
    b--;
  if (b == a) {
    cli_error("serve", "--token-file '%s': the first line is empty", path);
    return -1;
  }
  memmove(out->data, s + a, b - a);
  out->data[b - a] = '\0';
  out->len = b - a;
  return 0;
}

static int parse_unsigned(const char *opt, const char *arg, long lo, long hi, unsigned *out) {
  long v;
  if (cli_parse_long(arg, lo, hi, &v)) {
    cli_error("serve", "%s wants a number from %ld to %ld, not '%s'", opt, lo, hi, arg);
    return -1;
  }
  *out = (unsigned)v;
  return 0;
}

static int run(int argc, char **argv) {
  cli_getopt g;
  cli_getopt_build(options, &g);
  serve_options so = {"127.0.0.1:8080", 1 << 20, 30, 256, 4, 10, NULL};
  serve_config cfg = {NULL, NULL, NULL, NULL, -1};
  const char *token_file = NULL, *house = NULL;
  unsigned busy = 0;
  bool busy_given = false;
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, g.shortopts, g.longopts, NULL)) != -1) {
    switch (c) {
    case OPT_LISTEN: so.listen = optarg; break;
    case OPT_TM: cfg.tm_path = optarg; break;
    case OPT_NAMES_DB: cli_set_names_db(optarg); break;
    case OPT_HOUSE: house = optarg; break;
    case OPT_TOKEN_FILE: token_file = optarg; break;
    case OPT_MAX_BODY:
      if (cli_parse_size(optarg, 1, (size_t)1 << 30, &so.max_body)) {
        cli_error("serve", "--max-body wants a byte count from 1 to 1073741824, not '%s'", optarg);
        return CLI_USAGE;
      }
      break;
    case OPT_TIMEOUT:
      if (parse_unsigned("--timeout", optarg, 1, 86400, &so.timeout_s))
        return CLI_USAGE;
      break;
    case OPT_MAX_CONN:
      if (parse_unsigned("--max-connections", optarg, 1, 100000, &so.max_connections))
        return CLI_USAGE;
      break;
    case OPT_THREADS:
      if (parse_unsigned("--threads", optarg, 1, 256, &so.threads))
        return CLI_USAGE;
      break;
    case OPT_BUSY:
      if (parse_unsigned("--busy-timeout", optarg, 0, 3600000, &busy))
        return CLI_USAGE;
      busy_given = true;
      break;
    case OPT_GRACE:
      if (parse_unsigned("--grace", optarg, 0, 3600, &so.grace_s))
        return CLI_USAGE;
      break;
    case 'h': cli_print_help(&cli_serve, stdout); return CLI_OK;
    case CLI_OPT_VERSION: cli_print_version(); return CLI_OK;
    default: cli_option_error("serve", c, argv); return CLI_USAGE;
    }
  }
  if (optind < argc) {
    cli_error("serve", "unexpected argument '%s' (see 'copydesk help serve')", argv[optind]);
    return CLI_USAGE;
  }
  cd_buf tm_default = CD_BUF_INIT, token = CD_BUF_INIT;
  cd_error err;
  cd_error_clear(&err);
  int rc = CLI_USAGE;
  serve_pool *pool = NULL;
  cfg.data_dir = cli_data_dir();
  cfg.house = cli_house_file(house);
  cfg.names_db = cli_names_db();
  cfg.busy_timeout_ms = busy_given ? (int)busy : -1;
  if (!cfg.tm_path && cd_tm_default_path(&tm_default, &err) == CD_OK)
    cfg.tm_path = tm_default.data;
  if (!cfg.tm_path)
    cli_error("serve", "%s", err.message);
  else if (token_file && read_token(token_file, &token))
    ;
  else if (serve_pool_new(&cfg, &pool, &err))
    cli_error("serve", "%s", err.message);
  else {
    so.token = token_file ? token.data : NULL;
    rc = serve_run(&so, pool);
  }
  serve_pool_free(pool);
  cd_buf_free(&tm_default);
  cd_buf_free(&token);
  return rc;
}

const cli_command cli_serve = {"serve",
                               run,
                               "HTTP JSON API (and LanguageTool's /v2/check) for a CMS and "
                               "editors' tools",
                               help_head,
                               options,
                               27,
                               help_tail,
                               NULL};
