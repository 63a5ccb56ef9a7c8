/* SPDX-License-Identifier: MIT */
/* cd_test.h — helpers shared by the cmocka tests: fixtures, temporary files, and running
 * the built copydesk binary. Include this instead of <cmocka.h>. */
#ifndef CD_TEST_H
#define CD_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h> /* after the headers it needs, which it does not include */

#include "cd_text.h"

/* Path of a fixture under tests/fixtures (static buffer, valid until the next call). */
const char *cdt_fixture(const char *name);
/* A fresh temporary directory for this test process (created once). */
const char *cdt_tmpdir(void);
/* Path of a file in the temporary directory (static buffer per call slot 0..3). */
const char *cdt_tmpfile(const char *name);
/* Reads a whole file; fails the test if it cannot. */
void cdt_read_file(const char *path, cd_buf *out);
void cdt_write_file(const char *path, const void *data, size_t len);
/* The data directory of the build (COPYDESK_DATA set by CTest). */
const char *cdt_data_dir(void);

/* Runs copydesk with argv (argv[0] is ignored; the binary is $COPYDESK_BIN), feeding
 * stdin_data (may be NULL) and capturing stdout and stderr. Returns the exit status, or
 * 128+signal. */
int cdt_run(const char *const *argv, const char *stdin_data, size_t stdin_len, cd_buf *out,
            cd_buf *err);

/* Opens a TM file read-only, fails the test unless PRAGMA integrity_check says ok, and
 * returns its number of units; for a PostgreSQL URL, the number of units the store holds. */
long cdt_tm_units_checked(const char *tm_path);

/* Where a new, empty TM called name goes: with CDT_PG_URL set (tests/support/pg_cluster.sh
 * run), a PostgreSQL URL of a database of that name emptied of copydesk's tables; else
 * cdt_tmpfile(name) removed. The same test cases so run against both backends. Static buffer,
 * valid for the next 3 calls. */
const char *cdt_tm_location(const char *name);
/* The maintenance URL of the throwaway cluster (CDT_PG_URL), or NULL without one. */
const char *cdt_pg_url(void);
/* Skips the test (saying why) when there is no throwaway cluster. */
#define CDT_NEED_PG()                                                                              \
  do {                                                                                             \
    if (!cdt_pg_url()) {                                                                           \
      print_message("SKIPPED: no PostgreSQL cluster: run through 'tests/support/pg_cluster.sh "    \
                    "run' (ctest does; tools/setup installs postgresql)\n");                       \
      skip();                                                                                      \
    }                                                                                              \
  } while (0)

/* A new, empty TM at cdt_tm_location(name); fails the test when it cannot be created. The
 * caller frees it with cd_tm_store_free. */
struct cd_tm_store;
struct cd_tm_store *cdt_tm_fresh(const char *name);
/* A unit of the two languages and texts, every other field as cd_tm_unit_init leaves it. */
struct cd_tm_unit cdt_unit(const char *sl, const char *tl, const char *src, const char *tgt);
/* The store's unit count (fails the test when the store cannot say). */
long long cdt_tm_count(struct cd_tm_store *s);

/* Counts '\n' in a buffer. */
size_t cdt_count_lines(const char *s, size_t len);

/* The shipped names database of the data directory and a scanner over it (the data
 * directory's lists), as a cmocka group fixture: *state is a cdt_names_fixture. With
 * CDT_PG_URL set the database is migrated there and read from PostgreSQL. */
struct cd_names;
struct cd_names_scanner;
typedef struct cdt_names_fixture {
  struct cd_names *db;
  struct cd_names_scanner *sc;
} cdt_names_fixture;
int cdt_names_setup(void **state);
int cdt_names_teardown(void **state);

#endif
