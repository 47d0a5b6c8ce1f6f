"""Glue to the task graph: the overdue / soon-due tasks of `task_graph.queries` as
`AssignedTask`s, the reminders already recorded for them, and `draft_from_store`, the one
path by which `ocop-docs remind` and the web application draft letters from a store (they
record what they issue with `ocop_docs.letters.ledger.record_letter`)."""
from __future__ import annotations

from datetime import date
from typing import Any

from ocop_docs.letters import ledger
from ocop_docs.letters.compose import _iso
from ocop_docs.letters.model import AssignedTask, OutstandingTask, PreviousReminder, SourceDocument


def store_tasks(store, as_of: date, agency: str | None = None,
                upcoming_days: int | None = None, page: int = 500) -> list[AssignedTask]:
    """Every open task overdue at `as_of` (or due within `upcoming_days`), one per lead agency,
    with the name of the agency as the store knows it. A named agency that matches none in
    the store is a StoreError (never another jurisdiction's agency)."""
    from task_graph import queries
    from task_graph.store import StoreError

    out: list[AssignedTask] = []
    offset = 0
    while True:
        if upcoming_days is None:
            result = queries.overdue(store, as_of=as_of, agency=agency, limit=page,
                                     offset=offset)
        else:
            result = queries.upcoming(store, upcoming_days, as_of=as_of, agency=agency,
                                      limit=page, offset=offset)
        if agency and not result.get("matched_agencies"):
            raise StoreError(f"không tìm thấy cơ quan nào khớp «{agency}» trong cơ sở dữ "
                             f"liệu; không soạn công văn nào")
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


def chosen_tasks(store, task_ids: list[int], as_of: date) -> list[AssignedTask]:
    """The given tasks (with a due date and a lead agency) as AssignedTasks, one per lead."""
    import sqlalchemy as sa

    from task_graph import queries
    from task_graph.schema import documents

    details = [queries.task_detail(store, t, as_of=as_of) for t in task_ids]
    sources: dict[int, SourceDocument] = {}
    with store.connect() as conn:
        ids = list({d["document"]["id"] for d in details})
        for r in conn.execute(sa.select(documents).where(documents.c.id.in_(ids))):
            sources[r.id] = SourceDocument(doc_type=r.doc_type, number=r.number,
                                           date=r.issued_date, issuer=r.issuer,
                                           subject=r.subject)
    out = []
    for d in details:
        due = _iso(d["next_due"] or d["due"])
        if due is None or not d["lead"]:
            continue
        out.append(AssignedTask(action=d["action"], lead=[a["name"] for a in d["lead"]],
                                source=sources[d["document"]["id"]], due=due,
                                deadline_text=d["deadline_text"], section=d["section"],
                                task_id=d["task_id"]))
    return out


def draft_from_store(store, settings, as_of: date, *, agency: str | None = None,
                     upcoming_days: int | None = None, task_ids: list[int] | None = None,
                     all_sources: bool = False) -> list:
    """Reminder letters (ReminderLetter) drafted from the store: for the chosen tasks
    (`task_ids`: overdue ones and those still to come alike), else for every overdue task of
    `agency` (every agency without it), or those due within `upcoming_days`. Each letter
    knows the reminders recorded before its date, so the second one says "lần 2" and cites
    the first by its register number."""
    from ocop_docs.letters.compose import draft_letters

    if task_ids:
        tasks = chosen_tasks(store, task_ids, as_of)
        if not tasks:
            return []
        if max((t.due - as_of).days for t in tasks) >= 0:
            # some are not yet due: remind of all chosen ones, from the earliest due on
            as_of = min(t.due for t in tasks)
            upcoming_days = (max(t.due for t in tasks) - as_of).days
        else:
            upcoming_days = None
        agency = None
    else:
        tasks = store_tasks(store, as_of, agency, upcoming_days)
    return draft_letters(tasks, settings, as_of, None, upcoming_days,
                         previous=previous_lookup(store, settings.letter_date or as_of),
                         all_sources=all_sources)
