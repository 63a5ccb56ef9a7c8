/* SPDX-License-Identifier: MIT */
/* copydesk serve end to end: the built binary on 127.0.0.1, a free port, a temporary TM and
 * the build's names store, talked to with libcurl (and raw sockets for the clients that
 * misbehave on purpose). */
#include "cd_test.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TOKEN "s3cret-token"

typedef struct server {
  pid_t pid;
  int port;
  char tm[4096], log[4200];
} server;

static server srv; /* the one most tests share */

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Starts copydesk serve on port 0 and reads the port it printed. */
static void server_start(server *s, const char *name) {
  const char *bin = getenv("COPYDESK_BIN");
  if (!bin)
    fail_msg("COPYDESK_BIN is not set (run the tests through ctest)");
  char tok[4200];
  /* the log and the token are files; the TM is one too, or a database under pg_cluster.sh */
  snprintf(s->log, sizeof s->log, "%s.log", cdt_tmpfile(name));
  snprintf(tok, sizeof tok, "%s.token", cdt_tmpfile(name));
  snprintf(s->tm, sizeof s->tm, "%s", cdt_tm_location(name));
  cdt_write_file(tok, TOKEN "\n", strlen(TOKEN) + 1);
  cdt_write_file(s->log, "", 0);
  s->pid = fork();
  assert_true(s->pid >= 0);
  if (s->pid == 0) {
    int fd = open(s->log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 2);
    execl(bin, "copydesk", "serve", "--listen", "127.0.0.1:0", "--tm", s->tm, "--token-file", tok,
          "--timeout", "2", "--max-body", "65536", "--threads", "4", (char *)NULL);
    _exit(127);
  }
  double t0 = now();
  s->port = 0;
  while (!s->port && now() - t0 < 30) {
    cd_buf log = CD_BUF_INIT;
    cdt_read_file(s->log, &log);
    const char *p = strstr(cd_buf_at(&log, 0), "listening on http://127.0.0.1:");
    if (p)
      s->port = (int)strtol(p + strlen("listening on http://127.0.0.1:"), NULL, 10);
    cd_buf_free(&log);
    if (!s->port)
      usleep(20000);
  }
  if (!s->port)
    fail_msg("copydesk serve did not start (see %s)", s->log);
}

/* SIGTERM, then the exit status (-1 when it did not exit within 15 s). */
static int server_stop(server *s) {
  kill(s->pid, SIGTERM);
  double t0 = now();
  int status;
  while (now() - t0 < 15) {
    pid_t r = waitpid(s->pid, &status, WNOHANG);
    if (r == s->pid)
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    usleep(20000);
  }
  kill(s->pid, SIGKILL);
  waitpid(s->pid, &status, 0);
  return -1;
}

static int group_setup(void **state) {
  (void)state;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  server_start(&srv, "serve.sqlite");
  return 0;
}

static int group_teardown(void **state) {
  (void)state;
  int rc = server_stop(&srv);
  curl_global_cleanup();
  if (rc != 0)
    fail_msg("copydesk serve exited with %d after SIGTERM", rc);
  return 0;
}

static size_t collect(char *p, size_t size, size_t n, void *ud) {
  return cd_buf_append(ud, p, size * n) ? 0 : size * n;
}

/* One request; returns the status (0 when the transfer failed), the body in out. */
static long http(const server *s, const char *method, const char *path, const char *ctype,
                 const char *body, size_t len, const char *token, cd_buf *out) {
  CURL *c = curl_easy_init();
  char url[512], auth[256], ct[256];
  struct curl_slist *h = NULL;
  snprintf(url, sizeof url, "http://127.0.0.1:%d%s", s->port, path);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 15L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (ctype) {
    snprintf(ct, sizeof ct, "Content-Type: %s", ctype);
    h = curl_slist_append(h, ct);
  }
  if (token) {
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    h = curl_slist_append(h, auth);
  }
  h = curl_slist_append(h, "Expect:");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  if (body) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
  }
  cd_buf_clear(out);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
  long code = 0;
  if (curl_easy_perform(c) == CURLE_OK)
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
  assert_int_equal(cd_buf_append(out, "", 0), CD_OK);
  return code;
}

static long post_json(const server *s, const char *path, const char *json, const char *token,
                      cd_buf *out) {
  return http(s, "POST", path, "application/json", json, strlen(json), token, out);
}

static json_object *parse(const cd_buf *b) {
  json_object *o = json_tokener_parse(cd_buf_at(b, 0));
  if (!o)
    fail_msg("not JSON: %s", cd_buf_at(b, 0));
  return o;
}

static const char *str(json_object *o, const char *path) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s", path);
  for (char *save = NULL, *k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save))
    o = json_object_is_type(o, json_type_array)
            ? json_object_array_get_idx(o, (size_t)strtol(k, NULL, 10))
            : json_object_object_get(o, k);
  return o ? json_object_get_string(o) : NULL;
}

static void test_every_endpoint(void **state) {
  (void)state;
  cd_buf b = CD_BUF_INIT;
  assert_int_equal(http(&srv, "GET", "/v1/health", NULL, NULL, 0, NULL, &b), 200);
  json_object *o = parse(&b);
  assert_string_equal(str(o, "status"), "ok");
  json_object_put(o);

  assert_int_equal(
      http(&srv, "GET", "/v1/names/lookup?q=Zelenski&lang=de", NULL, NULL, 0, NULL, &b), 200);
  o = parse(&b);
  assert_string_equal(str(o, "results.0.id"), "zelenskyy");
  json_object_put(o);
  /* the same answer as the command line */
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *argv[] = {"copydesk", "names",    "lookup", "Zelenski", "-l",
                        "de",       "--format", "json",   NULL};
  assert_int_equal(cdt_run(argv, NULL, 0, &out, &err), 0);
  assert_string_equal(cd_buf_at(&b, 0), cd_buf_at(&out, 0));

  assert_int_equal(post_json(&srv, "/v1/normalize",
                             "{\"text\":\"Melenchon said -- twice...\",\"lang\":\"fr\"}", NULL, &b),
                   200);
  o = parse(&b);
  assert_non_null(strstr(str(o, "text"), "M\xC3\xA9lenchon"));
  assert_true(json_object_array_length(json_object_object_get(o, "changes")) >= 2);
  json_object_put(o);

  const char *unit = "{\"units\":[{\"source\":\"The minister arrived in Kyiv on Monday.\","
                     "\"target\":\"Le ministre est arrivé à Kyiv lundi.\",\"src_lang\":\"en\","
                     "\"tgt_lang\":\"fr\"}]}";
  assert_int_equal(post_json(&srv, "/v1/tm/units", unit, TOKEN, &b), 200);
  assert_int_equal(post_json(&srv, "/v1/tm/lookup",
                             "{\"query\":\"The minister arrived in Kyiv on Tuesday.\"}", NULL, &b),
                   200);
  o = parse(&b);
  assert_string_equal(str(o, "results.0.source"), "The minister arrived in Kyiv on Monday.");
  /* the same score as tm lookup */
  const char *targv[] = {"copydesk", "tm",   "lookup",   "The minister arrived in Kyiv on Tuesday.",
                         "--tm",     srv.tm, "--format", "json",
                         NULL};
  assert_int_equal(cdt_run(targv, NULL, 0, &out, &err), 0);
  json_object *cli = parse(&out);
  assert_string_equal(str(o, "results.0.score"), str(cli, "results.0.score"));
  json_object_put(cli);
  json_object_put(o);

  assert_int_equal(post_json(&srv, "/v1/check",
                             "{\"text\":\"Zelensky spoke. The the end.\",\"lang\":\"en\"}", NULL,
                             &b),
                   200);
  o = parse(&b);
  assert_string_equal(str(o, "findings.0.check"), "names.style");
  assert_string_equal(str(o, "findings.1.check"), "text.doubled-word");
  json_object_put(o);
  cd_buf_free(&out);
  cd_buf_free(&err);
  cd_buf_free(&b);
}

/* A request as LanguageTool's clients send it: form fields, language=en-US, and the fields
 * copydesk does not use (motherTongue, enabledOnly, level). */
static void test_languagetool_client(void **state) {
  (void)state;
  cd_buf b = CD_BUF_INIT;
  const char *form = "text=President+Zelensky+met+Macron+in+Kyiv.+The+the+talks+went+on.%0A"
                     "&language=en-US&motherTongue=de-DE&enabledOnly=false&level=default";
  assert_int_equal(http(&srv, "POST", "/v2/check", "application/x-www-form-urlencoded", form,
                        strlen(form), NULL, &b),
                   200);
  json_object *o = parse(&b);
  assert_non_null(str(o, "software.name"));
  assert_string_equal(str(o, "software.apiVersion"), "1");
  assert_string_equal(str(o, "language.code"), "en-US");
  assert_non_null(str(o, "language.name"));
  assert_non_null(str(o, "language.detectedLanguage.code"));
  json_object *m = json_object_object_get(o, "matches");
  assert_int_equal(json_object_array_length(m), 2);
  assert_string_equal(str(o, "matches.0.offset"), "10");
  assert_string_equal(str(o, "matches.0.length"), "8");
  assert_string_equal(str(o, "matches.0.replacements.0.value"), "Zelenskyy");
  assert_string_equal(str(o, "matches.0.rule.id"), "names.style");
  assert_non_null(str(o, "matches.0.rule.description"));
  assert_non_null(str(o, "matches.0.rule.issueType"));
  assert_non_null(str(o, "matches.0.rule.category.id"));
  assert_non_null(str(o, "matches.0.rule.category.name"));
  assert_non_null(str(o, "matches.0.message"));
  assert_non_null(str(o, "matches.0.shortMessage"));
  assert_non_null(str(o, "matches.0.sentence"));
  assert_non_null(str(o, "matches.0.context.text"));
  assert_string_equal(str(o, "matches.1.offset"), "39");
  json_object_put(o);
  /* what the clients ask first: the languages */
  assert_int_equal(http(&srv, "GET", "/v2/languages", NULL, NULL, 0, NULL, &b), 200);
  o = parse(&b);
  assert_true(json_object_array_length(o) >= 5);
  assert_non_null(str(o, "0.longCode"));
  json_object_put(o);
  cd_buf_free(&b);
}

static int connect_local(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0)
    fail_msg("connect: %s", strerror(errno));
  return fd;
}

static void send_all(int fd, const char *s) {
  size_t n = strlen(s);
  while (n) {
    ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
    assert_true(w > 0);
    s += w, n -= (size_t)w;
  }
}

/* Reads until the peer closes or `secs` pass; returns what came. */
static void read_all(int fd, double secs, cd_buf *out) {
  double t0 = now();
  cd_buf_clear(out);
  while (now() - t0 < secs) {
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0)
      continue;
    char buf[4096];
    ssize_t r = recv(fd, buf, sizeof buf, 0);
    if (r <= 0)
      break;
    assert_int_equal(cd_buf_append(out, buf, (size_t)r), CD_OK);
  }
  assert_int_equal(cd_buf_append(out, "", 0), CD_OK);
}

static void expect(long got, long want, const cd_buf *b) {
  if (got != want)
    fail_msg("status %ld, want %ld: %s", got, want, cd_buf_at(b, 0));
  json_object *o = parse(b);
  assert_int_equal(json_object_get_int(json_object_object_get(o, "status")), want);
  assert_non_null(str(o, "message"));
  json_object_put(o);
}

static void test_bad_requests(void **state) {
  (void)state;
  cd_buf b = CD_BUF_INIT;
  const char *unit = "{\"units\":[{\"source\":\"a b\",\"target\":\"c d\",\"src_lang\":\"en\","
                     "\"tgt_lang\":\"fr\"}]}";
  expect(http(&srv, "GET", "/v1/nowhere", NULL, NULL, 0, NULL, &b), 404, &b);
  expect(http(&srv, "GET", "/v1/tm/lookup", NULL, NULL, 0, NULL, &b), 405, &b);
  expect(http(&srv, "POST", "/v1/tm/lookup", "text/plain", "x", 1, NULL, &b), 415, &b);
  expect(post_json(&srv, "/v1/tm/lookup", "{\"query\":", NULL, &b), 400, &b);
  expect(post_json(&srv, "/v1/tm/lookup", "{\"max\":3}", NULL, &b), 400, &b);
  expect(post_json(&srv, "/v1/normalize", "{\"text\":\"x\",\"lang\":\"qq\"}", NULL, &b), 422, &b);
  expect(post_json(&srv, "/v1/tm/units", unit, NULL, &b), 401, &b);
  expect(post_json(&srv, "/v1/tm/units", unit, "wrong", &b), 401, &b);
  expect(http(&srv, "POST", "/v2/check", "application/x-www-form-urlencoded",
              "text=x&language=xx-XX", 21, NULL, &b),
         422, &b);
  /* over the 64 KiB limit, declared and chunked */
  size_t n = 70000;
  char *big = malloc(n + 1);
  memset(big, 'a', n);
  big[n] = '\0';
  memcpy(big, "{\"text\":\"", 9);
  expect(post_json(&srv, "/v1/check", big, NULL, &b), 413, &b);
  free(big);
  int fd = connect_local(srv.port);
  send_all(fd, "POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "Connection: close\r\nTransfer-Encoding: chunked\r\n\r\n");
  char chunk[8201]; /* "2000\r\n", 8192 bytes, "\r\n", NUL */
  memset(chunk, 'a', sizeof chunk);
  memcpy(chunk, "2000\r\n", 6);
  memcpy(chunk + 6 + 8192, "\r\n", 3);
  for (int i = 0; i < 9; i++) /* 9 x 8 KiB > 64 KiB */
    send_all(fd, chunk);
  send_all(fd, "0\r\n\r\n");
  read_all(fd, 5, &b);
  if (strncmp(cd_buf_at(&b, 0), "HTTP/1.1 413", 12) != 0)
    fail_msg("chunked body over the limit: %s", cd_buf_at(&b, 0));
  close(fd);
  /* the server still answers */
  assert_int_equal(http(&srv, "GET", "/v1/health", NULL, NULL, 0, NULL, &b), 200);
  cd_buf_free(&b);
}

/* Half a request, then silence: the others are served meanwhile, and the connection is
 * closed after the timeout (2 s here). */
static void test_slow_client(void **state) {
  (void)state;
  int half_headers = connect_local(srv.port);
  send_all(half_headers, "POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Ty");
  int half_body = connect_local(srv.port);
  send_all(half_body, "POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      "Content-Length: 100\r\n\r\n{\"te");
  cd_buf b = CD_BUF_INIT;
  double t0 = now();
  for (int i = 0; i < 5; i++)
    assert_int_equal(http(&srv, "GET", "/v1/names/lookup?q=Macron", NULL, NULL, 0, NULL, &b), 200);
  assert_true(now() - t0 < 1.5);
  read_all(half_body, 8, &b);
  assert_true(now() - t0 < 8);
  read_all(half_headers, 8, &b);
  assert_true(now() - t0 < 8);
  close(half_body);
  close(half_headers);
  cd_buf_free(&b);
}

/* 50 clients at once, each adding its own two units and one unit that every client adds,
 * then looking its own up: afterwards the TM holds each unit exactly once. */
typedef struct client {
  int i;
  int ok;
} client;

static void *client_run(void *ud) {
  client *c = ud;
  cd_buf b = CD_BUF_INIT;
  char json[1024];
  snprintf(json, sizeof json,
           "{\"units\":[{\"source\":\"Client %d wrote the first sentence.\",\"target\":\"Le client "
           "%d a écrit la première phrase.\",\"src_lang\":\"en\",\"tgt_lang\":\"fr\"},"
           "{\"source\":\"Client %d wrote another sentence.\",\"target\":\"Le client %d a écrit "
           "une autre phrase.\",\"src_lang\":\"en\",\"tgt_lang\":\"fr\"},"
           "{\"source\":\"Every client adds this one.\",\"target\":\"Chaque client ajoute "
           "celle-ci.\",\"src_lang\":\"en\",\"tgt_lang\":\"fr\"}]}",
           c->i, c->i, c->i, c->i);
  long st = post_json(&srv, "/v1/tm/units", json, TOKEN, &b);
  snprintf(json, sizeof json, "{\"query\":\"Client %d wrote the first sentence.\",\"max\":1}",
           c->i);
  long lk = post_json(&srv, "/v1/tm/lookup", json, NULL, &b);
  char want[128];
  snprintf(want, sizeof want, "\"score\":100");
  c->ok = st == 200 && lk == 200 && strstr(cd_buf_at(&b, 0), want) != NULL;
  cd_buf_free(&b);
  return NULL;
}

static void test_fifty_clients(void **state) {
  (void)state;
  long before = cdt_tm_units_checked(srv.tm);
  enum { N = 50 };
  pthread_t t[N];
  client c[N];
  for (int i = 0; i < N; i++) {
    c[i] = (client){i, 0};
    assert_int_equal(pthread_create(&t[i], NULL, client_run, &c[i]), 0);
  }
  for (int i = 0; i < N; i++)
    pthread_join(t[i], NULL);
  for (int i = 0; i < N; i++)
    if (!c[i].ok)
      fail_msg("client %d failed", i);
  long after = cdt_tm_units_checked(srv.tm);
  assert_int_equal(after - before, 2 * N + 1);
}

/* SIGTERM while requests are in flight: they are answered, then the server exits 0. */
static void test_sigterm(void **state) {
  (void)state;
  server s;
  server_start(&s, "sigterm.sqlite");
  const char *unit = "{\"units\":[{\"source\":\"Sent during shutdown.\",\"target\":\"Envoyé "
                     "pendant l'arrêt.\",\"src_lang\":\"en\",\"tgt_lang\":\"fr\"}]}";
  char head[512];
  snprintf(head, sizeof head,
           "POST /v1/tm/units HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           "Authorization: Bearer " TOKEN "\r\nContent-Length: %zu\r\n\r\n",
           strlen(unit));
  enum { N = 3 };
  int fd[N];
  size_t half = strlen(unit) / 2;
  char first[256];
  snprintf(first, sizeof first, "%.*s", (int)half, unit);
  for (int i = 0; i < N; i++) {
    fd[i] = connect_local(s.port);
    send_all(fd[i], head);
    send_all(fd[i], first);
  }
  usleep(300000);
  kill(s.pid, SIGTERM);
  usleep(300000);
  for (int i = 0; i < N; i++)
    send_all(fd[i], unit + half);
  cd_buf b = CD_BUF_INIT;
  for (int i = 0; i < N; i++) {
    read_all(fd[i], 5, &b);
    if (strncmp(cd_buf_at(&b, 0), "HTTP/1.1 200", 12) != 0)
      fail_msg("request %d in flight got: %s", i, cd_buf_at(&b, 0));
    close(fd[i]);
  }
  cd_buf_free(&b);
  int status;
  double t0 = now();
  pid_t r = 0;
  while (r != s.pid && now() - t0 < 10) {
    r = waitpid(s.pid, &status, WNOHANG);
    usleep(20000);
  }
  if (r != s.pid) {
    kill(s.pid, SIGKILL);
    fail_msg("copydesk serve did not exit after SIGTERM");
  }
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
  assert_int_equal(cdt_tm_units_checked(s.tm), 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_endpoint), cmocka_unit_test(test_languagetool_client),
      cmocka_unit_test(test_bad_requests),   cmocka_unit_test(test_slow_client),
      cmocka_unit_test(test_fifty_clients),  cmocka_unit_test(test_sigterm),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
