/* SPDX-License-Identifier: MIT */
/* cd_pg.h — libpq helpers shared by the TM store (tm/store/store_pg.c) and the names store
 * (src/names/db_pg.c); not public. cd_pg_is_url and cd_pg_url_redact are in cd_text.h. */
#ifndef CD_PG_H
#define CD_PG_H

#include <libpq-fe.h>

#include "cd_text.h"

/* A notice processor that drops notices (library code never prints). */
void cd_pg_quiet_notices(void *ud, const char *message);
/* CD_ERR_DB: "LABEL: WHAT: the server's message" (r may be NULL: the connection's message),
 * or, for an expired lock_timeout, "LABEL: database is locked: ... (waited LOCK_MS ms)".
 * label is the URL without its password. */
cd_status cd_pg_error(PGconn *pg, const char *label, int lock_ms, const PGresult *r,
                      const char *what, cd_error *err);
/* Runs sql with text parameters (binary results when binary); *out (may be NULL) gets the
 * result, which the caller clears. Errors as cd_pg_error. */
cd_status cd_pg_exec(PGconn *pg, const char *label, int lock_ms, const char *sql, int n,
                     const char *const *v, int binary, PGresult **out, const char *what,
                     cd_error *err);

#endif
