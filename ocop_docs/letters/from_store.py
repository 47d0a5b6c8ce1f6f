"""Glue to the task graph: the overdue / soon-due tasks of `task_graph.queries` as
`AssignedTask`s, and the reminders already recorded for them."""
from __future__ import annotations

from datetime import date
from typing import Any

from ocop_docs.letters import ledger
from ocop_docs.letters.compose import _iso
from ocop_docs.letters.model import AssignedTask, OutstandingTask, PreviousReminder, SourceDocument


def store_tasks(store, as_of: date, agency: str | None = None,
                upcoming_days: int | None = None, page: int = 500) -> list[AssignedTask]:
    """Every open task overdue at `as_of` (or due within `upcoming_days`), one per lead agency,
    with the name of the agency as the store knows it."""
    from task_graph import queries

    out: list[AssignedTask] = []
    offset = 0
    while True:
        if upcoming_days is None:
            result = queries.overdue(store, as_of=as_of, agency=agency, limit=page,
                                     offset=offset)
        else:
            result = queries.upcoming(store, upcoming_days, as_of=as_of, agency=agency,
                                      limit=page, offset=offset)
        for group in result["agencies"]:
            name = group["agency"]["name"]
            for row in group["tasks"]:
                out.append(_assigned(row, name))
        if not result.get("truncated"):
            return out
        offset += page


def _assigned(row: dict[str, Any], agency: str) -> AssignedTask:
    doc = row.get("document") or {}
    source = SourceDocument(doc_type=doc.get("doc_type"), number=doc.get("number"),
                            date=_iso(doc.get("issued_date")), issuer=doc.get("issuer"),
                            subject=doc.get("subject"))
    return AssignedTask(action=row["action"], lead=[agency], source=source,
                        due=_iso(row.get("due")), deadline_text=row.get("deadline_text"),
                        section=row.get("section"), task_id=row["task_id"])


def previous_lookup(store, letter_date: date):
    """The `previous` callback of `draft_letters`, reading the reminders recorded in `store`."""
    def previous(agency: str, rows: list[OutstandingTask]) -> list[PreviousReminder]:
        return ledger.previous_reminders(store.engine, agency, [r.task_id for r in rows],
                                         before=letter_date)
    return previous
