#!/usr/bin/env bash
# Throw-away servers for the test suite, under build/services/ of this checkout, on free ports
# of 127.0.0.1. Nothing is installed or left running system-wide.
#
#   eval "$(bash scripts/services.sh start)"   # starts them, prints `export VAR=...` lines
#   bash scripts/services.sh stop              # stops them (safe to call twice)
#
# Started here: PostgreSQL (Debian's `postgresql` package: initdb into build/services/pg,
# unix socket in that folder too, trust authentication for the current user only on
# 127.0.0.1) -> OCOP_DOCS_TEST_PG_URL; Redis (Debian's `redis-server`: data and append-only
# file in build/services/redis) for the job queue tests -> OCOP_DOCS_TEST_REDIS.
# To add another server (Redis for the job queue, ...): write a start_NAME function that
# starts it under "$root/NAME" on a free port, records its pid for stop_NAME and echoes its
# `export ...` line, and call both from `start` / `stop` below.
# When run as root (Debian's initdb refuses root), PostgreSQL runs as the `postgres` system
# user that the package creates (override with OCOP_DOCS_PG_USER).
set -euo pipefail
cd "$(dirname "$0")/.."
root="${OCOP_DOCS_SERVICES_DIR:-$PWD/build/services}"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  done
  d="$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/x)")"
  [ -x "$d/initdb" ] && { echo "$d"; return; }
  return 1
}

as_pg_user() {          # run a PostgreSQL binary as a non-root user
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "${OCOP_DOCS_PG_USER:-postgres}" -- "$@"
  else
    "$@"
  fi
}

start_pg() {
  local bin dir port log
  bin="$(pg_bin)" || { echo "services: PostgreSQL not installed (apt-get install postgresql)" >&2; return 1; }
  dir="$root/pg"
  if [ -L "$dir" ]; then rm -rf "$(readlink "$dir")"; fi
  rm -rf "$dir"
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown "${OCOP_DOCS_PG_USER:-postgres}" "$dir"
    # the server's user must reach the folder (a checkout under /root is closed to it)
    if ! as_pg_user test -w "$dir"; then
      rmdir "$dir"
      dir="$(mktemp -d /tmp/ocop-docs-pg.XXXXXX)"
      chown "${OCOP_DOCS_PG_USER:-postgres}" "$dir"
      ln -s "$dir" "$root/pg"
    fi
  fi
  as_pg_user "$bin/initdb" -D "$dir/data" -U ocop --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
  port="$(free_port)"
  log="$dir/server.log"
  # fsync off: a throw-away cluster; a crash loses nothing anyone keeps
  as_pg_user "$bin/pg_ctl" -D "$dir/data" -l "$log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    >/dev/null || { cat "$log" >&2; return 1; }
  echo "$bin" > "$dir/bin"
  "$bin/createdb" -h 127.0.0.1 -p "$port" -U ocop ocop_test
  echo "export OCOP_DOCS_TEST_PG_URL=postgresql+psycopg://ocop@127.0.0.1:$port/ocop_test"
}

stop_pg() {
  local dir="$root/pg"
  [ -f "$dir/data/postmaster.pid" ] || return 0
  as_pg_user "$(cat "$dir/bin")/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  if [ -L "$dir" ]; then rm -rf "$(readlink "$dir")" "$dir"; fi
}

start_redis() {
  local dir="$root/redis" port i
  command -v redis-server >/dev/null || { echo "services: redis-server not installed (apt-get install redis-server)" >&2; return 1; }
  stop_redis
  rm -rf "$dir"; mkdir -p "$dir"
  port="$(free_port)"
  redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --appendonly yes --save "" \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
  for i in $(seq 100); do
    redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null || { cat "$dir/redis.log" >&2; return 1; }
  echo "export OCOP_DOCS_TEST_REDIS=redis://127.0.0.1:$port/0"
}

stop_redis() {
  local pidfile="$root/redis/redis.pid" pid i
  [ -f "$pidfile" ] || return 0
  pid="$(cat "$pidfile")"
  kill "$pid" 2>/dev/null || true
  for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$pidfile"
}

case "${1:-}" in
  start) mkdir -p "$root"; start_pg; start_redis ;;
  stop) stop_pg; stop_redis ;;
  *) echo "usage: scripts/services.sh start|stop" >&2; exit 2 ;;
esac
