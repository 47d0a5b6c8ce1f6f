"""Read the next files while the current one is extracted.

A command given many files (`extract`, `ingest`) would read them one by one: a one-page scan
keeps one OCR worker busy while the other cores wait, and text extraction waits for OCR. Here
up to `workers` files (one per core) are read at once on threads (OCR itself runs in the
shared process pool or, for a lone page, in libtesseract, which releases the GIL), and the
readings come back in the order given, each with the error that stopped it, so the caller
reports and stores them in that order as before.
"""
from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def read_ahead(items: Iterable[T], read: Callable[[T], R], workers: int | None = None
               ) -> Iterator[tuple[T, R | None, BaseException | None]]:
    """(item, read(item), None) or (item, None, the exception), in the order of `items`, with
    at most `workers` readings under way (default: the number of cores)."""
    workers = max(1, workers or os.cpu_count() or 1)
    items = iter(items)
    if workers == 1:
        for item in items:
            try:
                yield item, read(item), None
            except Exception as exc:  # noqa: BLE001 - the caller reports it with the file
                yield item, None, exc
        return
    pending: deque[tuple[T, Future]] = deque()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="read-ahead") as pool:
        try:
            for item in items:
                pending.append((item, pool.submit(read, item)))
                if len(pending) >= workers:
                    yield _result(*pending.popleft())
            while pending:
                yield _result(*pending.popleft())
        finally:                     # the caller stopped early: start nothing more
            for _, future in pending:
                future.cancel()


def _result(item, future: Future):
    try:
        return item, future.result(), None
    except Exception as exc:  # noqa: BLE001
        return item, None, exc
