#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/support/pg_cluster.sh — a throwaway PostgreSQL cluster for the tests.
#
#   pg_cluster.sh start DIR   initdb + pg_ctl start in DIR (created), listening only on a unix
#                             socket in DIR; prints the libpq URL of its "postgres" database
#   pg_cluster.sh stop DIR    stops it and removes DIR
#   pg_cluster.sh run CMD...  start in a new temporary directory, run CMD with CDT_PG_URL set to
#                             the URL, stop and remove whatever CMD's status (exit 77 = skipped
#                             when PostgreSQL is not installed)
#
# PostgreSQL refuses to run as root: as root the cluster runs as the user "nobody" in a
# directory that user owns. Binaries: $PG_BIN, else the newest /usr/lib/postgresql/*/bin.
set -eu

pg_bin() {
  if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return; fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ]; then echo "$d"; return; fi
  done
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

start() {
  dir=$1
  bin=$(pg_bin)
  [ -n "$bin" ] || { echo "pg_cluster: PostgreSQL is not installed (no initdb)" >&2; return 77; }
  mkdir -p "$dir"
  chmod 0755 "$dir"
  [ "$(id -u)" = 0 ] && chown nobody "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -U copydesk --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
  as_owner "$bin/pg_ctl" -D "$dir/data" -w -l "$dir/server.log" \
    -o "-k $dir -p 5432 -c listen_addresses='' -c fsync=off" start >/dev/null 2>&1 ||
    { cat "$dir/server.log" >&2; return 1; }
  echo "postgresql://copydesk@/postgres?host=$dir&port=5432"
}

stop() {
  dir=$1
  bin=$(pg_bin)
  if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
start) start "$2" ;;
stop) stop "$2" ;;
run)
  shift
  dir=$(mktemp -d "${TMPDIR:-/tmp}/cdpg.XXXXXX")
  trap 'stop "$dir"' EXIT INT TERM
  set +e
  url=$(start "$dir")
  rc=$?
  if [ $rc -ne 0 ]; then
    [ $rc -eq 77 ] && echo "SKIPPED: PostgreSQL not installed (tools/setup installs it)" >&2
    exit $rc
  fi
  CDT_PG_URL=$url "$@"
  exit $?
  ;;
*) echo "usage: pg_cluster.sh start DIR | stop DIR | run CMD..." >&2; exit 2 ;;
esac
