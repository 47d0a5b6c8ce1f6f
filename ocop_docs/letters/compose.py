"""From tracked tasks to letters: pick the overdue (or soon-due) tasks of each agency and fill in
one `ReminderLetter` per agency."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import yaml

from ocop_docs.letters.model import (OVERDUE, UPCOMING, AssignedTask, OutstandingTask,
                                     PreviousReminder, ReminderLetter, SourceDocument)
from ocop_docs.letters.wording import place_of
from ocop_docs.resources import REPO_ROOT

ISSUERS_FILE = REPO_ROOT / "templates" / "reminder" / "issuers.yaml"
DEFAULT_REPLY_DAYS = 10


@dataclass
class LetterSettings:
    """What the coordinator says about the letters to draft (the CLI options)."""
    issuer: str | None = None             # None: each task's assigning body chases it
    parent_issuer: str | None = None
    place: str | None = None
    letter_date: date | None = None       # default: the as-of date
    reply_by: date | None = None          # default: letter date + DEFAULT_REPLY_DAYS
    signer_name: str | None = None
    signer_authority: str | None = None   # default from issuers.yaml ("KT. CHỦ TỊCH")
    signer_title: str | None = None       # default from issuers.yaml ("PHÓ CHỦ TỊCH")
    symbol: str | None = None             # default "<issuer abbreviation>-<drafting unit>"
    drafting_unit: str = "KT"
    report_to: str | None = None
    copies_to: list[str] = field(default_factory=list)


@lru_cache(maxsize=None)
def _issuer_kinds() -> tuple[dict[str, Any], ...]:
    with ISSUERS_FILE.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return tuple(data["kinds"])


@lru_cache(maxsize=None)
def _known_abbreviations() -> dict[str, str]:
    with ISSUERS_FILE.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return {_key(k): v for k, v in (data.get("abbreviations") or {}).items()}


def issuer_kind(issuer: str) -> dict[str, Any]:
    for kind in _issuer_kinds():
        if re.search(kind["match"], issuer.strip(), re.IGNORECASE):
            return kind
    return {}


def issuer_abbreviation(issuer: str) -> str:
    """'Ủy ban nhân dân tỉnh Hòa Bình' -> 'UBND'; 'Sở Công Thương' -> 'SCT'."""
    known = _known_abbreviations().get(_key(re.sub(r"\s+(tỉnh|thành phố)\s+.*$", "", issuer)))
    if known:
        return known
    kind = issuer_kind(issuer)
    if kind.get("abbreviation"):
        return kind["abbreviation"]
    words = [w for w in re.split(r"[\s,-]+", issuer) if w and w.lower() not in {"và", "tỉnh"}]
    return "".join(w[0] for w in words).upper()


def _key(name: str) -> str:
    return " ".join(name.replace("Uỷ", "Ủy").split()).casefold()


def _iso(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def tasks_from_extraction(data: dict[str, Any]) -> list[AssignedTask]:
    """The tasks of an extraction record (schema ocop-docs.extraction/1, e.g. a gold file)."""
    tasks: list[AssignedTask] = []
    for doc in data.get("documents", []):
        source = SourceDocument(doc_type=doc.get("doc_type"), number=doc.get("number"),
                                date=_iso(doc.get("issued_date")), issuer=doc.get("issuer"),
                                subject=doc.get("subject"))
        for i, task in enumerate(doc.get("tasks", [])):
            tasks.append(AssignedTask(
                action=task["action"], lead=list(task.get("lead") or []), source=source,
                due=_iso(task.get("due")), deadline_text=task.get("deadline_text"),
                section=task.get("section"),
                task_id=(data.get("source"), doc.get("number"), i)))
    return tasks


def outstanding_by_agency(tasks: Iterable[AssignedTask], as_of: date,
                          upcoming_days: int | None = None) -> dict[str, list[OutstandingTask]]:
    """Each lead agency's overdue tasks (due before `as_of`) or, with `upcoming_days`, the tasks
    due from `as_of` to `as_of + upcoming_days`. Agencies keep the spelling first seen."""
    names: dict[str, str] = {}
    groups: dict[str, list[OutstandingTask]] = {}
    for task in tasks:
        if task.due is None:
            continue
        days_overdue = (as_of - task.due).days
        if upcoming_days is None:
            if days_overdue <= 0:
                continue
        elif not -upcoming_days <= days_overdue <= 0:
            continue
        row = OutstandingTask(action=task.action, source=task.source, due=task.due,
                              days_overdue=days_overdue, deadline_text=task.deadline_text,
                              section=task.section, task_id=task.task_id)
        for lead in task.lead:
            key = _key(lead)
            names.setdefault(key, " ".join(lead.split()))
            rows = groups.setdefault(key, [])
            if not any(_same_task(r, row) for r in rows):
                rows.append(row)
    return {names[k]: sorted(rows, key=lambda r: (r.due, r.source.number or "", r.section or ""))
            for k, rows in sorted(groups.items(), key=lambda kv: names[kv[0]])}


def _same_task(a: OutstandingTask, b: OutstandingTask) -> bool:
    if a.task_id is not None and b.task_id is not None:
        return a.task_id == b.task_id
    return (a.action, a.source, a.section) == (b.action, b.source, b.section)


def select_agency(agencies: Iterable[str], wanted: str) -> list[str]:
    """The agencies meant by `wanted`: the exact name (any case), else those containing it."""
    agencies = list(agencies)
    exact = [a for a in agencies if _key(a) == _key(wanted)]
    return exact or [a for a in agencies if _key(wanted) in _key(a)]


def draft_letters(tasks: Iterable[AssignedTask], settings: LetterSettings, as_of: date,
                  agency: str | None = None, upcoming_days: int | None = None,
                  previous: Callable[[str, list[OutstandingTask]], list[PreviousReminder]]
                  | None = None, all_sources: bool = False) -> list[ReminderLetter]:
    """One letter per agency with overdue (or soon-due) tasks, in agency order.

    With `settings.issuer`, the letters chase the tasks that body assigned (all tasks with
    `all_sources`); without it, each body that assigned tasks chases its own, one letter per
    (body, agency). `previous(agency, tasks)` returns the reminders already sent for those
    tasks, so that a second letter says it is the second one."""
    tasks = list(tasks)
    if settings.issuer is None:
        letters: list[ReminderLetter] = []
        by_issuer: dict[str, list[AssignedTask]] = {}
        for task in tasks:
            if task.source.issuer:
                by_issuer.setdefault(" ".join(task.source.issuer.split()), []).append(task)
        for issuer in sorted(by_issuer):
            letters += draft_letters(by_issuer[issuer], replace(settings, issuer=issuer), as_of,
                                     agency, upcoming_days, previous)
        return letters
    if not all_sources:
        tasks = [t for t in tasks if t.source.issuer and _key(t.source.issuer) == _key(settings.issuer)]
    groups = outstanding_by_agency(tasks, as_of, upcoming_days)
    groups.pop(next((a for a in groups if _key(a) == _key(settings.issuer)), ""), None)
    chosen = select_agency(groups, agency) if agency else list(groups)
    kind = issuer_kind(settings.issuer)
    letter_date = settings.letter_date or as_of
    unit = settings.drafting_unit
    letters = []
    for name in chosen:
        rows = groups[name]
        letters.append(ReminderLetter(
            issuer=settings.issuer, parent_issuer=settings.parent_issuer,
            recipient_agency=name, letter_date=letter_date, as_of=as_of,
            reply_by=settings.reply_by or letter_date + timedelta(days=DEFAULT_REPLY_DAYS),
            tasks=rows,
            place=settings.place or place_of(settings.issuer, settings.parent_issuer) or "",
            symbol=settings.symbol or f"{issuer_abbreviation(settings.issuer)}-{unit}",
            drafting_unit=unit, signer_name=settings.signer_name,
            signer_authority=(settings.signer_authority if settings.signer_authority is not None
                              else kind.get("authority")),
            signer_title=settings.signer_title or kind.get("title"),
            report_to=settings.report_to, copies_to=list(settings.copies_to),
            kind=OVERDUE if upcoming_days is None else UPCOMING,
            previous_reminders=sorted(previous(name, rows), key=lambda p: p.date)
            if previous else []))
    return letters
