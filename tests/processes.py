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


def runs_tesseract(pid: int, name: str) -> bool:
    """The process is tesseract: the program, or a process with the tesseract library loaded
    (an OCR worker reading in process, ocop_docs.ingest.tesseract)."""
    if name == "tesseract":
        return True
    try:
        return "libtesseract" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def wait_for_ocr(pid: int, timeout: float = 120) -> list[tuple[int, str, str, int]]:
    """Wait until a pool worker below `pid` reads a page: a tesseract program below a worker
    (command -> fork server -> worker -> tesseract) or a worker with the library loaded
    (command -> fork server -> worker); the tree at that moment."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        tree = descendants(pid)
        if any(d >= 2 and runs_tesseract(p, n) for p, _, n, d in tree):
            return tree
        time.sleep(0.2)
    raise AssertionError(f"no OCR worker started reading below {pid} within {timeout} s")


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
