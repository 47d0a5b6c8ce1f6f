"""Helper processes that end with the process they work for.

A pool worker started from a fork server is the fork server's child, not its user's: when the
user is killed (SIGKILL, or SIGTERM with no handler) nothing tells the worker, which would go on
(parent pid 1) holding its files until it is found and killed. `exit_with_parent` starts a
watchdog thread in the worker that ends it, and the programs it started (tesseract), as soon as
the process it works for is gone; `die_with_parent` asks the kernel to kill the calling process
when its own parent dies (Linux PR_SET_PDEATHSIG), for children started directly.
"""
from __future__ import annotations

import ctypes
import os
import signal
import threading
from pathlib import Path

PR_SET_PDEATHSIG = 1
POLL_SECONDS = 0.5


def start_time(pid: int) -> str:
    """The start time of a process (clock ticks since boot, /proc/PID/stat field 22): with its
    pid, an identity that a later process reusing the pid does not share. '' when gone or
    unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    # the command name (field 2) is in parentheses and may hold spaces
    return stat.rsplit(")", 1)[1].split()[19]


def process_identity(pid: int) -> tuple[int, str]:
    return pid, start_time(pid)


def alive(pid: int, started: str) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return not started or start_time(pid) in ("", started)


def children(pid: int) -> list[int]:
    """The direct children of a process (Linux /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            out.append(int(entry.name))
    return out


def end_now() -> None:
    """Kill this process's children (a running tesseract) and exit at once."""
    for child in children(os.getpid()):
        try:
            os.kill(child, signal.SIGKILL)
        except OSError:
            pass
    os._exit(1)


def exit_with_parent(pid: int, started: str = "") -> None:
    """In a helper process: a daemon thread that ends it when process `pid` is gone."""
    def watch() -> None:
        stop = threading.Event()
        while not stop.wait(POLL_SECONDS):
            if not alive(pid, started):
                end_now()

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def die_with_parent(sig: int = signal.SIGKILL) -> bool:
    """Ask Linux to send `sig` to this process when its parent exits; False elsewhere."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False
