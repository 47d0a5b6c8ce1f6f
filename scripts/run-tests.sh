#!/usr/bin/env bash
# Set up everything the tests need, then run the whole test suite: on SQLite and, through a
# throw-away PostgreSQL server started by scripts/services.sh (stopped at the end, also when
# tests fail), on PostgreSQL as well, and the job queue tests on a throw-away Redis server.
# OCOP_DOCS_TEST_SERVICES=0 skips the servers (SQLite only; the queue tests are skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh test
export HF_HUB_OFFLINE=1
if [ "${OCOP_DOCS_TEST_SERVICES:-1}" != 0 ]; then
  trap 'bash scripts/services.sh stop' EXIT
  eval "$(bash scripts/services.sh start)"
fi
status=0
.venv/bin/python -m pytest "$@" || status=$?
exit "$status"
