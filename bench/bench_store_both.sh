#!/usr/bin/env bash
# The 1,000,000-task store benchmark on both back ends, one command:
#
#   bash bench/bench_store_both.sh [--repeat 15] [--only TEXT]
#
# prints p50 / p95 of every query (owes, overdue, upcoming, search, chain; deep pages; the
# 63-province agency match) on SQLite and on PostgreSQL, then both side by side with the
# queries whose p50 is at or over 200 ms, and the load average before and after each run.
#   SQLite: build/bench/synthetic.sqlite3, built once (about 7-20 min) and kept.
#   PostgreSQL: $OCOP_DOCS_BENCH_PG_URL, an empty database on a server you keep (filled once,
#     kept between runs); without it a throw-away server under build/bench/services
#     (scripts/services.sh), filled on every run (about 9-20 min) and stopped at the end.
# Results: build/bench/bench_store_sqlite.json, build/bench/bench_store_postgresql.json.
# Python: $PYTHON, else .venv/bin/python of this checkout. For a quick try of the whole
# path: OCOP_DOCS_BENCH_DIR=build/bench-small OCOP_DOCS_BENCH_DOCUMENTS=2000 (a store of
# that many documents, 10 tasks each, in another folder).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
out="${OCOP_DOCS_BENCH_DIR:-build/bench}"
n_docs="${OCOP_DOCS_BENCH_DOCUMENTS:-100000}"
mkdir -p "$out"
sqlite_db="$out/synthetic.sqlite3"

pg_url="${OCOP_DOCS_BENCH_PG_URL:-}"
if [ -z "$pg_url" ]; then
  export OCOP_DOCS_SERVICES_DIR="$(cd "$out" && pwd)/services"
  trap 'bash scripts/services.sh stop' EXIT
  eval "$(bash scripts/services.sh start)"
  pg_url="$OCOP_DOCS_TEST_PG_URL"
fi

echo "== building the stores (kept when already full)"
"$PY" bench/make_synthetic_store.py --db "$sqlite_db" --if-empty --documents "$n_docs"
"$PY" bench/make_synthetic_store.py --db "$pg_url" --if-empty --documents "$n_docs"

echo "== SQLite"
"$PY" bench/bench_store.py --db "$sqlite_db" --out "$out/bench_store_sqlite.json" "$@"
echo "== PostgreSQL"
"$PY" bench/bench_store.py --db "$pg_url" --out "$out/bench_store_postgresql.json" "$@"
echo "== both"
"$PY" bench/bench_store.py --summary "$out/bench_store_sqlite.json" \
  "$out/bench_store_postgresql.json"
