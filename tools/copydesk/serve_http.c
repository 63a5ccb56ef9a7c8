/* SPDX-License-Identifier: MIT */
/* The HTTP side of `copydesk serve`: libmicrohttpd parses HTTP (requests, chunked bodies,
 * form fields, query arguments); this file routes, enforces the limits and the bearer
 * token, logs one line per request and shuts down gracefully. The answers themselves come
 * from serve_api.h. */
#include "serve_http.h"

#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum body_kind { BODY_NONE, BODY_JSON, BODY_FORM };
enum route_id { R_HEALTH, R_NORMALIZE, R_NAMES, R_TM_LOOKUP, R_TM_UNITS, R_CHECK, R_LT, R_LANGS };

static const struct route {
  const char *path, *method;
  enum route_id id;
  enum body_kind body;
  bool write; /* needs the bearer token when one is configured */
} routes[] = {
    {"/v1/health", "GET", R_HEALTH, BODY_NONE, false},
    {"/v1/normalize", "POST", R_NORMALIZE, BODY_JSON, false},
    {"/v1/names/lookup", "GET", R_NAMES, BODY_NONE, false},
    {"/v1/tm/lookup", "POST", R_TM_LOOKUP, BODY_JSON, false},
    {"/v1/tm/units", "POST", R_TM_UNITS, BODY_JSON, true},
    {"/v1/check", "POST", R_CHECK, BODY_JSON, false},
    {"/v2/check", "POST", R_LT, BODY_FORM, false},
    {"/v2/languages", "GET", R_LANGS, BODY_NONE, false},
};

typedef struct server {
  const serve_options *o;
  serve_pool *pool;
  atomic_long in_flight;
} server;

/* One request, from its headers to the end of its response. */
typedef struct request {
  const struct route *route;
  struct timespec t0;
  char method[16], path[200], client[64];
  int status;
  size_t sent;
  bool responded, too_large, bad_form;
  size_t received;
  cd_buf body;
  struct MHD_PostProcessor *pp;
  cd_buf field[4]; /* LanguageTool form: text, data, language, disabledRules */
  bool has_field[4];
} request;

static const char *const lt_fields[4] = {"text", "data", "language", "disabledRules"};

static void log_line(const request *q, const char *note) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ms = (double)(t1.tv_sec - q->t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - q->t0.tv_nsec) / 1e6;
  char line[512];
  int n =
      snprintf(line, sizeof line, "copydesk: serve: %s \"%s %s\" %d %zu %.1fms%s%s\n", q->client,
               q->method, q->path, q->status, q->sent, ms, note ? " " : "", note ? note : "");
  if (n > 0) /* one write: lines from several threads never interleave */
    (void)!write(STDERR_FILENO, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

static enum MHD_Result send_reply(struct MHD_Connection *c, request *q, const serve_reply *r) {
  struct MHD_Response *resp = MHD_create_response_from_buffer(
      r->body.len, (void *)cd_buf_at(&r->body, 0), MHD_RESPMEM_MUST_COPY);
  if (!resp)
    return MHD_NO;
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json; charset=utf-8");
  if (r->status == 405 && q->route)
    MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, q->route->method);
  if (r->status == 401)
    MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"copydesk\"");
  enum MHD_Result ok = MHD_queue_response(c, (unsigned)r->status, resp);
  MHD_destroy_response(resp);
  q->status = r->status;
  q->sent = r->body.len;
  q->responded = true;
  return ok;
}

static enum MHD_Result send_error(struct MHD_Connection *c, request *q, int status, const char *fmt,
                                  ...) __attribute__((format(printf, 4, 5)));
static enum MHD_Result send_error(struct MHD_Connection *c, request *q, int status, const char *fmt,
                                  ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  serve_reply r;
  serve_reply_init(&r);
  serve_reply_error(&r, status, "%s", msg);
  enum MHD_Result ok = send_reply(c, q, &r);
  serve_reply_free(&r);
  return ok;
}

/* The media type of the request, without parameters, compared case-insensitively. */
static bool media_type_is(struct MHD_Connection *c, const char *want) {
  const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
  if (!ct)
    return false;
  size_t n = strcspn(ct, ";");
  while (n && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
    n--;
  return n == strlen(want) && strncasecmp(ct, want, n) == 0;
}

/* Compares in time independent of where the strings differ. */
static bool token_matches(const char *given, const char *token) {
  size_t a = strlen(given), b = strlen(token);
  unsigned char d = a != b;
  for (size_t i = 0; i < b; i++)
    d |= (unsigned char)(given[i < a ? i : 0] ^ token[i]);
  return d == 0;
}

static bool authorized(struct MHD_Connection *c, const char *token) {
  const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
  if (!h || strncasecmp(h, "Bearer ", 7) != 0)
    return false;
  h += 7;
  while (*h == ' ')
    h++;
  return token_matches(h, token);
}

static enum MHD_Result on_form_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *filename, const char *content_type,
                                     const char *transfer_encoding, const char *data, uint64_t off,
                                     size_t size) {
  (void)kind, (void)filename, (void)content_type, (void)transfer_encoding, (void)off;
  request *q = cls;
  for (int i = 0; i < 4; i++)
    if (strcmp(key, lt_fields[i]) == 0) {
      q->has_field[i] = true;
      if (size && cd_buf_append(&q->field[i], data, size))
        return MHD_NO;
    }
  return MHD_YES;
}

static void client_address(struct MHD_Connection *c, char *out, size_t cap) {
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  snprintf(out, cap, "-");
  if (ci && ci->client_addr) {
    socklen_t len = ci->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                           : sizeof(struct sockaddr_in);
    if (getnameinfo(ci->client_addr, len, out, (socklen_t)cap, NULL, 0, NI_NUMERICHOST) != 0)
      snprintf(out, cap, "-");
  }
}

/* The headers are in: route, method, media type, declared length and token are checked
 * before any of the body is read. */
static enum MHD_Result on_headers(server *s, struct MHD_Connection *c, request *q, const char *url,
                                  const char *method) {
  for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
    if (strcmp(url, routes[i].path) == 0)
      q->route = &routes[i];
  const struct route *rt = q->route;
  if (!rt)
    return send_error(c, q, 404, "no such endpoint: %s", url);
  if (strcmp(method, rt->method) != 0)
    return send_error(c, q, 405, "%s wants %s, not %s", rt->path, rt->method, method);
  if (rt->body == BODY_JSON && !media_type_is(c, "application/json"))
    return send_error(c, q, 415, "%s wants Content-Type: application/json", rt->path);
  if (rt->body == BODY_FORM && !media_type_is(c, "application/x-www-form-urlencoded") &&
      !media_type_is(c, "multipart/form-data"))
    return send_error(c, q, 415, "%s wants form fields (application/x-www-form-urlencoded)",
                      rt->path);
  const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
  if (cl) {
    char *end;
    errno = 0;
    unsigned long long n = strtoull(cl, &end, 10);
    if (errno || *end || n > s->o->max_body)
      return send_error(c, q, 413, "the body is larger than the limit of %zu bytes",
                        s->o->max_body);
  }
  if (rt->write && s->o->token && !authorized(c, s->o->token))
    return send_error(c, q, 401, "%s needs 'Authorization: Bearer TOKEN'", rt->path);
  if (rt->body == BODY_FORM && !(q->pp = MHD_create_post_processor(c, 16 * 1024, on_form_field, q)))
    return send_error(c, q, 415, "unreadable form encoding");
  return MHD_YES;
}

static void dispatch(server *s, struct MHD_Connection *c, request *q, serve_ctx *x,
                     serve_reply *r) {
  const char *body = cd_buf_at(&q->body, 0);
  size_t len = q->body.len;
  switch (q->route->id) {
  case R_HEALTH: serve_health(x, r); break;
  case R_LANGS: serve_lt_languages(x, r); break;
  case R_NORMALIZE: serve_normalize(x, body, len, r); break;
  case R_NAMES:
    serve_names_lookup(x, MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "q"),
                       MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang"),
                       MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "all"), r);
    break;
  case R_TM_LOOKUP: serve_tm_lookup(x, body, len, r); break;
  case R_TM_UNITS: serve_tm_units(x, body, len, r); break;
  case R_CHECK: serve_check(x, body, len, r); break;
  case R_LT: {
    const char *v[4];
    for (int i = 0; i < 4; i++)
      v[i] = q->has_field[i] ? cd_buf_at(&q->field[i], 0) : NULL;
    serve_lt_request lq = {v[0], v[1], v[2], v[3], q->field[0].len, q->field[1].len};
    serve_lt_check(x, &lq, r);
    break;
  }
  }
  (void)s;
}

/* The whole body is in: answer. */
static enum MHD_Result on_complete(server *s, struct MHD_Connection *c, request *q) {
  if (q->too_large)
    return send_error(c, q, 413, "the body is larger than the limit of %zu bytes", s->o->max_body);
  if (q->pp) {
    bool ok = MHD_destroy_post_processor(q->pp) == MHD_YES;
    q->pp = NULL;
    if (!ok || q->bad_form)
      return send_error(c, q, 400, "malformed form data");
  }
  serve_reply r;
  serve_reply_init(&r);
  cd_error err;
  cd_error_clear(&err);
  serve_ctx *x = serve_pool_take(s->pool, &err);
  if (!x)
    serve_reply_error(&r, 503, "%s", err.message);
  else
    dispatch(s, c, q, x, &r);
  serve_pool_give(s->pool, x);
  enum MHD_Result ok = send_reply(c, q, &r);
  serve_reply_free(&r);
  return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls) {
  (void)version;
  server *s = cls;
  request *q = *con_cls;
  if (!q) {
    if (!(q = calloc(1, sizeof *q)))
      return MHD_NO;
    *con_cls = q;
    atomic_fetch_add(&s->in_flight, 1);
    clock_gettime(CLOCK_MONOTONIC, &q->t0);
    snprintf(q->method, sizeof q->method, "%s", method);
    snprintf(q->path, sizeof q->path, "%s", url);
    client_address(c, q->client, sizeof q->client);
    return on_headers(s, c, q, url, method);
  }
  if (*upload_size) {
    size_t n = *upload_size;
    *upload_size = 0;
    if (q->responded || q->too_large)
      return MHD_YES; /* discarded */
    q->received += n;
    if (q->received > s->o->max_body) { /* a chunked body gets here: read on, keep nothing */
      q->too_large = true;
      cd_buf_free(&q->body);
    } else if (q->pp) {
      q->bad_form |= MHD_post_process(q->pp, upload, n) != MHD_YES;
    } else if (cd_buf_append(&q->body, upload, n)) {
      return MHD_NO;
    }
    return MHD_YES;
  }
  return q->responded ? MHD_YES : on_complete(s, c, q);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  (void)c;
  server *s = cls;
  request *q = *con_cls;
  if (!q)
    return;
  static const char *const why[] = {
      NULL, "(error)", "(timed out)", "(server shutdown)", "(read error)", "(client aborted)"};
  log_line(q, (unsigned)toe < sizeof why / sizeof why[0] ? why[toe] : "(ended)");
  if (q->pp)
    MHD_destroy_post_processor(q->pp);
  cd_buf_free(&q->body);
  for (int i = 0; i < 4; i++)
    cd_buf_free(&q->field[i]);
  free(q);
  *con_cls = NULL;
  atomic_fetch_sub(&s->in_flight, 1);
}

static void mhd_log(void *cls, const char *fmt, va_list ap) {
  (void)cls;
  char line[512];
  int n = snprintf(line, sizeof line, "copydesk: serve: ");
  vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
  size_t len = strlen(line);
  if (len && line[len - 1] != '\n' && len < sizeof line - 1)
    line[len++] = '\n';
  (void)!write(STDERR_FILENO, line, len);
}

/* ADDR:PORT or [ADDR]:PORT into a socket address (*ai, freeaddrinfo). */
static int resolve_listen(const char *listen, struct addrinfo **ai) {
  char host[256];
  const char *colon = strrchr(listen, ':');
  if (!colon || !colon[1] || (size_t)(colon - listen) >= sizeof host) {
    fprintf(stderr, "copydesk: serve: --listen wants ADDR:PORT, not '%s'\n", listen);
    return -1;
  }
  snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
  char *h = host;
  size_t hl = strlen(h);
  if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']')
    h[hl - 1] = '\0', h++;
  struct addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  int e = getaddrinfo(*h ? h : NULL, colon + 1, &hints, ai);
  if (e) {
    fprintf(stderr, "copydesk: serve: --listen '%s': %s\n", listen, gai_strerror(e));
    return -1;
  }
  return 0;
}

static struct MHD_Daemon *start(server *s, const struct addrinfo *ai) {
  unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
  if (ai->ai_family == AF_INET6)
    flags |= MHD_USE_IPv6;
  return MHD_start_daemon(
      flags, 0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
      MHD_OPTION_SOCK_ADDR, ai->ai_addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)s->o->threads,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)s->o->timeout_s, MHD_OPTION_CONNECTION_LIMIT,
      (unsigned int)s->o->max_connections, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)128 * 1024,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_END);
}

/* On SIGTERM: no new connections; the requests whose headers are in finish (up to the grace
 * period); then the idle connections are closed. */
static void drain(server *s, struct MHD_Daemon *d, int sig) {
  long n = atomic_load(&s->in_flight);
  fprintf(stderr, "copydesk: serve: %s: stopping; %ld request%s in flight\n",
          sig == SIGINT ? "SIGINT" : "SIGTERM", n, n == 1 ? "" : "s");
  MHD_socket listen_fd = MHD_quiesce_daemon(d);
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (;;) {
    clock_gettime(CLOCK_MONOTONIC, &t);
    if (atomic_load(&s->in_flight) <= 0 || t.tv_sec - t0.tv_sec >= (time_t)s->o->grace_s)
      break;
    nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
  }
  MHD_stop_daemon(d);
  if (listen_fd != MHD_INVALID_SOCKET)
    close(listen_fd);
}

int serve_run(const serve_options *o, serve_pool *pool) {
  server s = {o, pool, 0};
  struct addrinfo *ai = NULL;
  if (resolve_listen(o->listen, &ai))
    return 2;
  /* blocked in every thread (the daemon's inherit the mask): only sigwait takes them */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  struct MHD_Daemon *d = start(&s, ai);
  if (!d) {
    fprintf(stderr, "copydesk: serve: cannot listen on %s: %s\n", o->listen, strerror(errno));
    freeaddrinfo(ai);
    return 2;
  }
  const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  char host[128] = "";
  getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof host, NULL, 0, NI_NUMERICHOST);
  fprintf(stderr, "copydesk: serve: listening on http://%s%s%s:%u/\n",
          ai->ai_family == AF_INET6 ? "[" : "", host, ai->ai_family == AF_INET6 ? "]" : "",
          di ? (unsigned)di->port : 0);
  freeaddrinfo(ai);
  int sig = 0;
  while (sigwait(&set, &sig) != 0)
    ;
  drain(&s, d, sig);
  fprintf(stderr, "copydesk: serve: stopped\n");
  return 0;
}
