#!/usr/bin/env bash
# Install what ocop-docs needs on a fresh Debian machine: system packages (OCR, PDF tools,
# fonts, LibreOffice for letter checks) and a Python virtual environment in .venv.
# Usage: scripts/bootstrap.sh [run|test]   ("test" adds the packages the test suite needs)
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-run}"

packages=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for p in tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd libgl1 libglib2.0-0 poppler-utils antiword fonts-dejavu-core fonts-liberation python3-venv; do
  have_pkg "$p" || packages+=("$p")
done
if [ "$profile" = test ]; then
  for p in libreoffice-writer-nogui libreoffice-calc-nogui fonts-liberation2 chromium postgresql redis-server; do have_pkg "$p" || packages+=("$p"); done
fi
if [ "${#packages[@]}" -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    echo "bootstrap: installing system packages: ${packages[*]}" >&2
    $sudo_cmd apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  else
    echo "bootstrap: please install: ${packages[*]} (no apt-get here)" >&2
  fi
fi

python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
# Reinstall only when the project's dependency list changed since the last install; an
# install for the tests also serves the main job.
stamp=.venv/.ocop-docs-installed
hash="$(sha256sum pyproject.toml | cut -d' ' -f1)"
installed="$(cat "$stamp" 2>/dev/null || true)"
if [ "$installed" != "$hash-test" ] && [ "$installed" != "$hash-$profile" ]; then
  log=.venv/pip-install.log
  if [ "$profile" = test ]; then extra="[dev]"; else extra=""; fi
  echo "bootstrap: installing Python packages into .venv (log: $log)" >&2
  if ! { .venv/bin/python -m pip install -q --upgrade pip &&
         .venv/bin/python -m pip install -q -e ".$extra"; } > "$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "bootstrap: pip install failed (see $log)" >&2
    exit 1
  fi
  echo "$hash-$profile" > "$stamp"
fi
