#!/usr/bin/env bash
# The main job on the bundled corpus: set up, ingest every document of corpus/seeds into the
# embedded SQLite database, print who owes what as of a date, and draft the reminder letters
# (công văn đôn đốc) for every agency with overdue tasks.
# Usage: scripts/run-demo.sh [AS_OF_DATE]     (default 2020-12-31)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh run
export HF_HUB_OFFLINE=1
as_of="${1:-2020-12-31}"
db="${OCOP_DOCS_DB:-var/ocop-docs.sqlite3}"
out="out/cong-van-don-doc"
mkdir -p "$(dirname "$db")" "$out"
ocop=".venv/bin/ocop-docs"

echo "== 1. Đọc và lưu văn bản (corpus/seeds) vào $db"
"$ocop" ingest --db "$db" corpus/seeds

echo
echo "== 2. Cơ quan nào phải làm gì, hạn khi nào (tính đến $as_of)"
"$ocop" owes --db "$db" --as-of "$as_of"

echo
echo "== 3. Nhiệm vụ quá hạn tính đến $as_of"
"$ocop" overdue --db "$db" --as-of "$as_of"

echo
echo "== 4. Công văn đôn đốc các cơ quan có nhiệm vụ quá hạn -> $out"
"$ocop" remind --db "$db" --as-of "$as_of" --format docx --out "$out"
ls -1 "$out"
