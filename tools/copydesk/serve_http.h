/* SPDX-License-Identifier: MIT */
/* serve_http.h — the HTTP side of `copydesk serve`, on libmicrohttpd: routing, limits,
 * authentication, logging and shutdown around the endpoints of serve_api.h. */
#ifndef CD_SERVE_HTTP_H
#define CD_SERVE_HTTP_H

#include <stddef.h>

#include "serve_api.h"

typedef struct serve_options {
  const char *listen;       /* ADDR:PORT ([ADDR]:PORT for IPv6); port 0 = any free port */
  size_t max_body;          /* bytes; a larger request body is refused with 413 */
  unsigned timeout_s;       /* an idle or slow connection is closed after this many seconds */
  unsigned max_connections; /* connections served at once; more wait to be accepted */
  unsigned threads;         /* worker threads */
  unsigned grace_s;         /* on SIGTERM: how long requests in flight may take to finish */
  const char *token;        /* bearer token required by writes; NULL = none */
} serve_options;

/* Serves until SIGTERM or SIGINT, then stops accepting, lets the requests in flight finish
 * and returns 0; 2 (reported on stderr) when the daemon cannot start. */
int serve_run(const serve_options *o, serve_pool *pool);

#endif
