"""Occurrences of recurring tasks: one per period from the document's date on.

Period labels: annual "2019", semiannual "2019-H1", quarterly "2019-Q2", monthly "2019-06",
weekly "2019-W05" (ISO week). Each occurrence is due on the last day of its period. A one-off
task has the single period "" due on its own `due`. "periodic" (no stated rhythm) is treated as
one-off.
"""
from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date, timedelta

from task_graph.text import data

ONE_OFF = ""


def months_per_period(recurrence: str | None) -> int | None:
    if not recurrence:
        return None
    return (data().get("recurrence_months") or {}).get(recurrence)


def is_recurring(recurrence: str | None) -> bool:
    return recurrence == "weekly" or months_per_period(recurrence) is not None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def period_of(day: date, recurrence: str) -> tuple[str, date, date]:
    """(label, first day, last day) of the period of `recurrence` that contains `day`."""
    if recurrence == "weekly":
        start = day - timedelta(days=day.weekday())
        iso = start.isocalendar()
        return f"{iso[0]}-W{iso[1]:02d}", start, start + timedelta(days=6)
    months = months_per_period(recurrence)
    if months is None:
        raise ValueError(f"not a recurrence with periods: {recurrence!r}")
    first_month = (day.month - 1) // months * months + 1
    last_month = first_month + months - 1
    start, end = date(day.year, first_month, 1), _month_end(day.year, last_month)
    if months == 12:
        label = f"{day.year}"
    elif months == 6:
        label = f"{day.year}-H{(first_month - 1) // 6 + 1}"
    elif months == 3:
        label = f"{day.year}-Q{(first_month - 1) // 3 + 1}"
    else:
        label = f"{day.year}-{first_month:02d}"
    return label, start, end


def periods(recurrence: str, start: date) -> Iterator[tuple[str, date, date]]:
    """Periods of `recurrence` from the one containing `start` on, without end."""
    label, first, last = period_of(start, recurrence)
    while True:
        yield label, first, last
        label, first, last = period_of(last + timedelta(days=1), recurrence)


def occurrences(recurrence: str | None, start: date | None, due: date | None,
                through: date) -> list[tuple[str, date | None]]:
    """(period, due) of every occurrence that has begun by `through`."""
    if not is_recurring(recurrence) or start is None:
        return [(ONE_OFF, due)]
    out = []
    for label, first, last in periods(recurrence, start):
        if first > through:
            break
        out.append((label, last))
    return out


def first_open_due(recurrence: str | None, start: date | None, due: date | None,
                   done_periods: set[str], status: str = "open") -> date | None:
    """Due date of the first occurrence that is not done (None when nothing is open)."""
    if not is_recurring(recurrence) or start is None:
        return due if status != "done" else None
    for label, _first, last in periods(recurrence, start):
        if label not in done_periods:
            return last
    return None  # pragma: no cover - periods() never ends


def valid_period(recurrence: str | None, label: str) -> bool:
    if not is_recurring(recurrence):
        return label == ONE_OFF
    try:
        if recurrence == "weekly":
            year, week = label.split("-W")
            date.fromisocalendar(int(year), int(week), 1)
            return True
        start = _parse_label_start(label)
        return period_of(start, recurrence)[0] == label
    except (ValueError, TypeError):
        return False


def _parse_label_start(label: str) -> date:
    if "-H" in label:
        y, h = label.split("-H")
        return date(int(y), (int(h) - 1) * 6 + 1, 1)
    if "-Q" in label:
        y, q = label.split("-Q")
        return date(int(y), (int(q) - 1) * 3 + 1, 1)
    if "-" in label:
        y, m = label.split("-")
        return date(int(y), int(m), 1)
    return date(int(label), 1, 1)
