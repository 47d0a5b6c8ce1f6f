"""The reminders sent, kept in the task-graph database next to the tasks they chase.

Kept apart from task_graph on purpose: two tables of our own on the store's engine (created on
first use, `checkfirst`), linked to `tasks.id`. Until the store takes them over as a migration
step, `reminders_for_task()` is what `ocop-docs task show` calls to list the reminders sent.
"""
from __future__ import annotations

import getpass
from collections.abc import Iterable
from datetime import date, datetime, timezone
from typing import Any

import sqlalchemy as sa

from ocop_docs.letters.model import PreviousReminder, ReminderLetter

metadata = sa.MetaData()

reminder_letters = sa.Table(
    "reminder_letters", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("issuer", sa.String(400), nullable=False),
    sa.Column("recipient", sa.String(400), nullable=False),     # "Kính gửi", as printed
    sa.Column("recipient_key", sa.String(400), nullable=False),  # casefolded, for look-ups
    sa.Column("kind", sa.String(10), nullable=False),            # overdue | upcoming
    sa.Column("ordinal", sa.Integer, nullable=False),            # 1st, 2nd ... reminder
    sa.Column("number", sa.String(100)),                         # filled in once registered
    sa.Column("symbol", sa.String(100), nullable=False),         # "UBND-KT"
    sa.Column("letter_date", sa.Date, nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("reply_by", sa.Date),
    sa.Column("file_path", sa.Text),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.String(100)),
    sa.Index("ix_reminder_letters_recipient", "recipient_key", "letter_date"),
)

reminder_letter_tasks = sa.Table(
    "reminder_letter_tasks", metadata,
    sa.Column("letter_id", sa.Integer, sa.ForeignKey("reminder_letters.id"), primary_key=True,
              autoincrement=False),
    sa.Column("task_id", sa.Integer, primary_key=True, autoincrement=False),   # tasks.id
    sa.Column("days_overdue", sa.Integer),
    sa.Index("ix_reminder_letter_tasks_task", "task_id"),
)


def _key(name: str) -> str:
    return " ".join(name.replace("Uỷ", "Ủy").split()).casefold()


def ensure_tables(engine: sa.Engine) -> None:
    metadata.create_all(engine, checkfirst=True)


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
    """The register number the văn thư gave the letter when it was issued ("215")."""
    ensure_tables(engine)
    with engine.begin() as conn:
        done = conn.execute(reminder_letters.update().where(reminder_letters.c.id == letter_id)
                            .values(number=number.split("/")[0].strip()))
        if done.rowcount == 0:
            raise LookupError(f"không có công văn đôn đốc số {letter_id}")


def reminders_for_task(engine: sa.Engine, task_id: int) -> list[dict[str, Any]]:
    """The reminders sent for one task, oldest first (for `ocop-docs task show`)."""
    ensure_tables(engine)
    query = (sa.select(reminder_letters, reminder_letter_tasks.c.days_overdue)
             .join(reminder_letter_tasks,
                   reminder_letter_tasks.c.letter_id == reminder_letters.c.id)
             .where(reminder_letter_tasks.c.task_id == task_id)
             .order_by(reminder_letters.c.letter_date, reminder_letters.c.id))
    with engine.connect() as conn:
        return [{"letter_id": r.id, "ordinal": r.ordinal,
                 "number": f"{r.number}/{r.symbol}" if r.number else None,
                 "letter_date": r.letter_date.isoformat(), "issuer": r.issuer,
                 "recipient": r.recipient, "kind": r.kind, "days_overdue": r.days_overdue,
                 "file": r.file_path} for r in conn.execute(query)]
