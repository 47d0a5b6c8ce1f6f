#!/usr/bin/env bash
# Set up everything the tests need, then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh test
export HF_HUB_OFFLINE=1
exec .venv/bin/python -m pytest "$@"
