"""Process-tree helpers for tests that kill a command for real: its descendants (from /proc),
waiting for one to appear, and checking that none outlives it."""
from __future__ import annotations

import time
from pathlib import Path

from ocop_docs.lifetime import alive, children, start_time


def descendants(pid: int) -> list[tuple[int, str, str, int]]:
    """(pid, start time, command name, depth: 1 for a child) of every process below `pid`."""
    out, todo = [], [(pid, 0)]
    while todo:
        parent, depth = todo.pop()
        for child in children(parent):
            try:
                name = Path(f"/proc/{child}/comm").read_text().strip()
            except OSError:
                continue
            out.append((child, start_time(child), name, depth + 1))
            todo.append((child, depth + 1))
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (0 when it is gone)."""
    import os

    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for_ocr(pid: int, timeout: float = 120, busy: float = 3.0) -> list[tuple[int, str, str, int]]:
    """Wait until an OCR pool worker below `pid` is reading a page: a process at least two
    levels down (fork server -> worker) that has used `busy` CPU seconds (started, models
    loaded, tesseract at work inside it), or a `tesseract` command below one. The tree then."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        tree = descendants(pid)
        if any(n == "tesseract" or cpu_seconds(p) >= busy for p, _, n, d in tree if d >= 2):
            return tree
        time.sleep(0.2)
    raise AssertionError(f"no OCR worker at work below {pid} within {timeout} s")


def survivors(tree: list[tuple], timeout: float = 20) -> list[tuple]:
    """The processes of `tree` still alive after `timeout` seconds (waiting less when all
    are gone earlier). A zombie (exited, not yet reaped by its parent) counts as gone."""
    end = time.monotonic() + timeout
    while True:
        left = [p for p in tree if alive(p[0], p[1]) and not _zombie(p[0])]
        if not left or time.monotonic() > end:
            return left
        time.sleep(0.2)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True
