"""Plain data for follow-up letters (công văn đôn đốc).

Nothing here knows about the store or the extraction pipeline: the letter layer is fed with these
records, built either from extraction JSON (`compose.tasks_from_extraction`) or from the store's
queries (`ocop_docs.cli.remind_cmd`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

OVERDUE = "overdue"      # the letter chases tasks past their deadline
UPCOMING = "upcoming"    # the letter reminds of tasks due soon


@dataclass(frozen=True)
class SourceDocument:
    """The document that assigned a task (cited in the letter's body)."""
    doc_type: str | None          # "Kế hoạch", "Thông báo", ...
    number: str | None            # "125/KH-UBND"
    date: date | None
    issuer: str | None            # "Ủy ban nhân dân tỉnh Hòa Bình"
    subject: str | None = None    # trích yếu, cited after "về ..."


@dataclass
class AssignedTask:
    """A task as tracked: who leads it, where it comes from, when it is due."""
    action: str
    lead: list[str]
    source: SourceDocument
    due: date | None = None
    deadline_text: str | None = None
    section: str | None = None
    task_id: Any = None           # the store's key, when the task comes from the store


@dataclass
class OutstandingTask:
    """One row of the letter's table: a task of the addressee that is overdue or due soon."""
    action: str
    source: SourceDocument
    due: date
    days_overdue: int             # negative: days left before the deadline
    deadline_text: str | None = None
    section: str | None = None
    task_id: Any = None


@dataclass(frozen=True)
class PreviousReminder:
    """A reminder already sent for (some of) the same tasks."""
    number: str | None            # "215/UBND-KT"; None while the register number is not known
    date: date


@dataclass
class ReminderLetter:
    issuer: str                           # "Ủy ban nhân dân tỉnh Hòa Bình"
    recipient_agency: str                 # "Sở Công Thương"
    letter_date: date
    as_of: date
    reply_by: date
    tasks: list[OutstandingTask]
    place: str                            # "Hòa Bình" in "Hòa Bình, ngày ..."
    parent_issuer: str | None = None      # the body above the issuer (not for a UBND)
    symbol: str = "UBND-KT"               # ký hiệu after "Số: .../"
    number_placeholder: str = "      "    # the register number, filled in when the letter is issued
    drafting_unit: str = "KT"             # unit after "Lưu: VT,"
    signer_name: str | None = None
    signer_authority: str | None = None   # "KT. CHỦ TỊCH"
    signer_title: str | None = None       # "PHÓ CHỦ TỊCH"
    report_to: str | None = None          # who receives the report, default the issuer
    copies_to: list[str] = field(default_factory=list)   # Nơi nhận besides "Như trên" and "Lưu"
    kind: str = OVERDUE
    previous_reminders: list[PreviousReminder] = field(default_factory=list)

    @property
    def is_repeat(self) -> bool:
        return bool(self.previous_reminders)

    @property
    def ordinal(self) -> int:
        """Which reminder this is for these tasks: 1 for the first, 2 for the second, ..."""
        return len(self.previous_reminders) + 1

    @property
    def sources(self) -> list[SourceDocument]:
        """The distinct source documents of the tasks, in order of first appearance."""
        seen: list[SourceDocument] = []
        for task in self.tasks:
            if task.source not in seen:
                seen.append(task.source)
        return seen

    @property
    def number_line(self) -> str:
        return f"Số: {self.number_placeholder}/{self.symbol}"
