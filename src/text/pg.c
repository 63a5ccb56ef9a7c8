/* SPDX-License-Identifier: MIT */
/* What the TM store and the names store share about PostgreSQL: which strings are URLs,
 * the URL as messages may show it, running a query and saying why it failed. */
#include <stdlib.h>
#include <string.h>

#include "cd_pg.h"
#include "cd_text.h"

bool cd_pg_is_url(const char *location) {
  return location &&
         (strncmp(location, "postgresql://", 13) == 0 || strncmp(location, "postgres://", 11) == 0);
}

char *cd_pg_url_redact(const char *url) {
  size_t n = strlen(url);
  char *out = malloc(n + 4);
  if (!out)
    return NULL;
  const char *auth = strstr(url, "://");
  auth = auth ? auth + 3 : url;
  size_t auth_end = strcspn(auth, "/?#");
  const char *at = NULL;
  for (size_t i = 0; i < auth_end; i++)
    if (auth[i] == '@')
      at = auth + i;
  const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
  size_t o = 0;
  for (const char *p = url; *p;) {
    if (colon && p == colon) {
      p = at;
      continue;
    }
    if (strncmp(p, "password=", 9) == 0 && p > url && (p[-1] == '?' || p[-1] == '&')) {
      memcpy(out + o, "password=***", 12 <= n + 3 - o ? 12 : 0);
      o += 12 <= n + 3 - o ? 12 : 0;
      p += 9 + strcspn(p + 9, "&#");
      continue;
    }
    if (o < n + 3)
      out[o++] = *p;
    p++;
  }
  out[o] = '\0';
  return out;
}

void cd_pg_quiet_notices(void *ud, const char *message) {
  (void)ud;
  (void)message; /* library code never prints; notices carry nothing a caller needs */
}

cd_status cd_pg_error(PGconn *pg, const char *label, int lock_ms, const PGresult *r,
                      const char *what, cd_error *err) {
  const char *msg = r ? PQresultErrorMessage(r) : "";
  if (!msg || !*msg)
    msg = pg ? PQerrorMessage(pg) : "no connection";
  size_t n = strlen(msg);
  while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
    n--;
  const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
  if (state && strcmp(state, "55P03") == 0) /* lock_not_available: lock_timeout ran out */
    return cd_error_set(err, CD_ERR_DB,
                        "%s: database is locked: another session holds rows this write needs "
                        "(waited %d ms)",
                        label, lock_ms);
  return cd_error_set(err, CD_ERR_DB, "%s: %s: %.*s", label, what, (int)n, msg);
}

cd_status cd_pg_exec(PGconn *pg, const char *label, int lock_ms, const char *sql, int n,
                     const char *const *v, int binary, PGresult **out, const char *what,
                     cd_error *err) {
  PGresult *r = PQexecParams(pg, sql, n, NULL, v, NULL, NULL, binary);
  ExecStatusType t = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK) {
    cd_status st = cd_pg_error(pg, label, lock_ms, r, what, err);
    PQclear(r);
    return st;
  }
  if (out)
    *out = r;
  else
    PQclear(r);
  return CD_OK;
}
