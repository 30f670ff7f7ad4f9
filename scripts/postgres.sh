#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests: `source scripts/postgres.sh` initialises a cluster in a
# temporary directory, starts it on a free loopback port and exports STEWARD_TEST_POSTGRES (the
# server's URL; the tests create a database per server under test). It is stopped and removed
# when the sourcing shell exits. As root, initdb and postgres run as the `postgres` user (they
# refuse to run as root).
set -euo pipefail

pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [[ -z "$pg_bin" || ! -x "$pg_bin/pg_ctl" ]]; then
  echo "PostgreSQL is not installed (Debian: apt-get install postgresql)" >&2
  return 1 2>/dev/null || exit 1
fi
as_pg=()
if [[ $(id -u) -eq 0 ]]; then as_pg=(runuser -u postgres --); fi

STEWARD_PG_DIR="$(mktemp -d /tmp/steward-pg.XXXXXX)"
if [[ $(id -u) -eq 0 ]]; then chown postgres: "$STEWARD_PG_DIR"; fi
STEWARD_PG_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"${as_pg[@]}" "$pg_bin/initdb" -D "$STEWARD_PG_DIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$STEWARD_PG_DIR/initdb.log"
# Enough connections for several server nodes and parallel tests (each node pools up to 16);
# STEWARD_PG_OPTIONS adds settings (say, "-c shared_preload_libraries=pg_stat_statements").
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$STEWARD_PG_DIR/data" -l "$STEWARD_PG_DIR/postgres.log" -w \
  -o "-p $STEWARD_PG_PORT -k $STEWARD_PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=400 -c shared_buffers=128MB ${STEWARD_PG_OPTIONS:-}" \
  start >/dev/null

stop_postgres() {
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$STEWARD_PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$STEWARD_PG_DIR"
}
trap stop_postgres EXIT

export STEWARD_TEST_POSTGRES="postgres://postgres@127.0.0.1:$STEWARD_PG_PORT"
echo "==> PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on port $STEWARD_PG_PORT (data in $STEWARD_PG_DIR)"
