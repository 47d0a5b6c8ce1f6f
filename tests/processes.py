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


def wait_for_descendant(pid: int, name: str, timeout: float = 120,
                        min_depth: int = 1) -> list[tuple[int, str, str, int]]:
    """Wait until a process called `name` runs below `pid` (at least `min_depth` levels
    down); the tree at that moment."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        tree = descendants(pid)
        if any(n == name and d >= min_depth for _, _, n, d in tree):
            return tree
        time.sleep(0.2)
    raise AssertionError(f"no {name} process started below {pid} within {timeout} s")


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
