"""Issue 10 defect 1: the OCR pool's workers end with the command that started them. The
command is killed for real (SIGKILL, SIGTERM) while a worker reads a page, and no process of its
tree may remain (before the fix they stayed, parent pid 1, holding the database)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from processes import survivors, wait_for_ocr

REPO = Path(__file__).resolve().parent.parent
SCAN = REPO / "corpus" / "real" / "scans" / "007.pdf"      # 3 pages: the pool is used

pytestmark = [pytest.mark.ocr, pytest.mark.slow]


def _start(args: list[str], tmp_path: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, "-m", "ocop_docs", *args], cwd=tmp_path, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.parametrize("command,sig", [
    ("extract", signal.SIGKILL),
    ("ingest", signal.SIGTERM),
    ("ingest", signal.SIGKILL),
])
def test_killed_command_leaves_no_ocr_worker(require_ocr, tmp_path, command, sig):
    args = [command, str(SCAN)]
    if command == "ingest":
        args += ["--db", str(tmp_path / "store.sqlite3")]
    proc = _start(args, tmp_path)
    try:
        # a pool worker reading a page (fork server -> worker, tesseract in it or below it)
        tree = wait_for_ocr(proc.pid)
        proc.send_signal(sig)
        proc.wait(timeout=30)
        left = survivors(tree, timeout=20)
        assert not left, f"{command} killed by {sig.name} left {left}"
    finally:
        if proc.poll() is None:
            proc.kill()
