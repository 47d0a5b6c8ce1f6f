"""The reminders sent, kept in the task-graph database next to the tasks they chase.

The tables `reminder_letters` / `reminder_letter_tasks` belong to the store's schema
(`task_graph.schema`, migration step 2), so a fresh database has them and `ocop-docs task show`
lists the reminders of a task (`task_graph.queries.task_detail`). This module records letters,
finds the earlier reminders a new letter must cite and sets the register number of a letter
once the văn thư has issued it (`ocop-docs remind --set-number ID NUMBER`).
"""
from __future__ import annotations

import getpass
import weakref
from collections.abc import Iterable
from datetime import date, datetime, timezone
from typing import Any

import sqlalchemy as sa

from ocop_docs.letters.model import PreviousReminder, ReminderLetter
from task_graph.schema import reminder_letter_tasks, reminder_letters

__all__ = ["ensure_tables", "previous_reminders", "recent_letters", "record_letter",
           "reminder_letter_tasks", "reminder_letters", "reminders_for_task", "set_number"]

_migrated: "weakref.WeakSet[sa.Engine]" = weakref.WeakSet()


def _key(name: str) -> str:
    return " ".join(name.replace("Uỷ", "Ủy").split()).casefold()


def ensure_tables(engine: sa.Engine) -> None:
    """Bring `engine`'s database to the store's schema (a no-op for a store opened with
    `task_graph.open_store`, which migrates on opening); once per engine."""
    if engine in _migrated:
        return
    from task_graph.migrations import migrate
    migrate(engine)
    _migrated.add(engine)


def previous_reminders(engine: sa.Engine, recipient: str, task_ids: Iterable[Any],
                       before: date) -> list[PreviousReminder]:
    """Letters to `recipient` dated before `before` that chased any of `task_ids`."""
    ids = [t for t in task_ids if t is not None]
    if not ids:
        return []
    ensure_tables(engine)
    query = (sa.select(reminder_letters.c.number, reminder_letters.c.symbol,
                       reminder_letters.c.letter_date).distinct()
             .join(reminder_letter_tasks,
                   reminder_letter_tasks.c.letter_id == reminder_letters.c.id)
             .where(reminder_letters.c.recipient_key == _key(recipient),
                    reminder_letters.c.letter_date < before,
                    reminder_letter_tasks.c.task_id.in_(ids))
             .order_by(reminder_letters.c.letter_date))
    with engine.connect() as conn:
        return [PreviousReminder(number=f"{r.number}/{r.symbol}" if r.number else None,
                                 date=r.letter_date) for r in conn.execute(query)]


def record_letter(engine: sa.Engine, letter: ReminderLetter, file_path: str | None = None,
                  by: str | None = None) -> int:
    """Record a drafted letter and the tasks it chases; returns its id. Drafting again the
    same day for the same recipient and issuer replaces the earlier draft (not a new reminder)."""
    ensure_tables(engine)
    with engine.begin() as conn:
        old = conn.execute(sa.select(reminder_letters.c.id).where(
            reminder_letters.c.recipient_key == _key(letter.recipient_agency),
            reminder_letters.c.issuer == letter.issuer,
            reminder_letters.c.letter_date == letter.letter_date,
            reminder_letters.c.number.is_(None))).scalars().all()
        if old:
            conn.execute(reminder_letter_tasks.delete()
                         .where(reminder_letter_tasks.c.letter_id.in_(old)))
            conn.execute(reminder_letters.delete().where(reminder_letters.c.id.in_(old)))
        letter_id = conn.execute(reminder_letters.insert().values(
            issuer=letter.issuer, recipient=letter.recipient_agency,
            recipient_key=_key(letter.recipient_agency), kind=letter.kind,
            ordinal=letter.ordinal, number=None, symbol=letter.symbol,
            letter_date=letter.letter_date, as_of=letter.as_of, reply_by=letter.reply_by,
            file_path=file_path, created_at=datetime.now(timezone.utc).replace(tzinfo=None),
            created_by=by or getpass.getuser())).inserted_primary_key[0]
        seen = set()
        for task in letter.tasks:
            if task.task_id is None or task.task_id in seen:
                continue
            seen.add(task.task_id)
            conn.execute(reminder_letter_tasks.insert().values(
                letter_id=letter_id, task_id=task.task_id, days_overdue=task.days_overdue))
    return letter_id


def set_number(engine: sa.Engine, letter_id: int, number: str) -> None:
    """The register number the văn thư gave the letter when it was issued ("215"; a whole
    "215/UBND-KT" keeps its number part, the symbol is the letter's own)."""
    value = (number or "").split("/")[0].strip()
    if not value:
        raise ValueError("số công văn trống")
    ensure_tables(engine)
    with engine.begin() as conn:
        done = conn.execute(reminder_letters.update().where(reminder_letters.c.id == letter_id)
                            .values(number=value))
        if done.rowcount == 0:
            raise LookupError(f"không có công văn đôn đốc mã {letter_id}")


def reminders_for_task(engine: sa.Engine, task_id: int) -> list[dict[str, Any]]:
    """The reminders sent for one task, oldest first (`task_graph.queries.task_reminders`)."""
    from task_graph.queries import task_reminders

    ensure_tables(engine)
    with engine.connect() as conn:
        return task_reminders(conn, task_id)


def recent_letters(engine: sa.Engine, limit: int = 50) -> list[dict[str, Any]]:
    """The latest letters recorded (by the CLI or the web), newest first: id, ordinal
    (lần thứ mấy), number ("215/UBND-KT" once registered, else None), date, issuer,
    recipient, who drafted it, how many tasks it chases and their ids."""
    ensure_tables(engine)
    n_tasks = (sa.select(sa.func.count()).where(
        reminder_letter_tasks.c.letter_id == reminder_letters.c.id).scalar_subquery())
    query = (sa.select(reminder_letters, n_tasks.label("tasks"))
             .order_by(reminder_letters.c.letter_date.desc(), reminder_letters.c.id.desc())
             .limit(max(1, int(limit))))
    with engine.connect() as conn:
        out = [{"letter_id": r.id, "ordinal": r.ordinal,
                "number": f"{r.number}/{r.symbol}" if r.number else None,
                "symbol": r.symbol, "letter_date": r.letter_date.isoformat(),
                "issuer": r.issuer, "recipient": r.recipient, "kind": r.kind,
                "created_by": r.created_by, "tasks": r.tasks, "task_ids": []}
               for r in conn.execute(query)]
        by_id = {x["letter_id"]: x for x in out}
        if by_id:
            for link in conn.execute(sa.select(reminder_letter_tasks.c.letter_id,
                                               reminder_letter_tasks.c.task_id)
                                     .where(reminder_letter_tasks.c.letter_id.in_(by_id))):
                by_id[link.letter_id]["task_ids"].append(link.task_id)
    return out
