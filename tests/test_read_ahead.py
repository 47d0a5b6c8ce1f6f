"""read_ahead: readings come back in the order given, errors with their item, at most
`workers` at once, and nothing more is started when the caller stops."""
import threading
import time

import pytest

from ocop_docs.ingest.ahead import read_ahead


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_order_errors_and_bound(workers):
    running, peak, lock = [0], [0], threading.Lock()

    def read(n):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.02 * (5 - n % 5))        # later items finish first
        with lock:
            running[0] -= 1
        if n == 3:
            raise ValueError("bad file 3")
        return n * n

    out = list(read_ahead(range(8), read, workers))
    assert [item for item, _, _ in out] == list(range(8))
    assert [r for _, r, e in out if e is None] == [n * n for n in range(8) if n != 3]
    assert [str(e) for _, _, e in out if e is not None] == ["bad file 3"]
    assert peak[0] <= workers and (workers == 1 or peak[0] > 1)


def test_stopping_early_starts_nothing_more():
    started = []

    def read(n):
        started.append(n)
        time.sleep(0.01)
        return n

    for item, _, _ in read_ahead(range(100), read, 2):
        if item == 1:
            break
    time.sleep(0.1)
    assert len(started) <= 4
