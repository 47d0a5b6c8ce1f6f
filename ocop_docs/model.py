"""The extraction record: what `ocop-docs extract --json` prints (schema ocop-docs.extraction/1).

Field names and meanings follow GUIDELINES.md section 1. Everything here is plain data; the
extractors fill it in and `to_json()` renders the contract.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA = "ocop-docs.extraction/1"

DOC_TYPES = (
    "Công văn", "Kế hoạch", "Thông báo", "Quyết định", "Báo cáo", "Tờ trình", "Chỉ thị",
    "Nghị quyết", "Nghị định", "Thông tư", "Hướng dẫn", "Chương trình", "Đề án", "Luật", "Khác",
)


@dataclass
class Citation:
    doc_type: str | None
    number: str | None
    date: str | None = None          # ISO date of the first mention
    issuer: str | None = None
    dates_seen: list[str] = field(default_factory=list)  # every distinct date given with it
    start: int | None = None         # character offset of the first mention in the document text

    def to_json(self) -> dict[str, Any]:
        out = {"doc_type": self.doc_type, "number": self.number, "date": self.date,
               "issuer": self.issuer}
        if len(self.dates_seen) > 1:
            out["dates_seen"] = list(self.dates_seen)
            out["conflicting_dates"] = True
        return out


@dataclass
class Deadline:
    due: str | None = None           # ISO date: last day of the stated period
    text: str | None = None          # the phrase as written
    recurrence: str | None = None    # annual, quarterly, monthly, weekly, semiannual, periodic
    relative: bool = False           # a time counted from an event ("05 ngày làm việc sau khi ...")


@dataclass
class Task:
    action: str
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    due: str | None = None
    deadline_text: str | None = None
    recurrence: str | None = None
    section: str | None = None
    implied_lead: bool = False       # lead taken from the issuer, not named in the text
    start: int | None = None         # character offsets of the action in the document text
    end: int | None = None

    def to_json(self) -> dict[str, Any]:
        out = {"action": self.action, "lead": list(self.lead), "support": list(self.support),
               "due": self.due, "deadline_text": self.deadline_text,
               "recurrence": self.recurrence, "section": self.section}
        if self.implied_lead:
            out["implied_lead"] = True
        return out


@dataclass
class DocumentMeta:
    """What a document's own parts say about it (header, title, Kính gửi, Nơi nhận, signature)."""
    doc_type: str | None = None
    number: str | None = None
    issued_date: str | None = None
    place: str | None = None
    issuer: str | None = None
    parent_issuer: str | None = None
    subject: str | None = None
    recipients: list[str] = field(default_factory=list)
    distribution: list[str] = field(default_factory=list)
    signer: str | None = None
    signer_title: str | None = None


@dataclass
class DocumentRecord(DocumentMeta):
    citations: list[Citation] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    start: int = 0                   # character span of this document in the file's text
    end: int = 0
    # how each header field was read: {"number": {"method": "second-pass", "confidence": 0.72,
    # "page": 1, "review": true}, ...}; methods as in ingest.types.FieldReading
    field_sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    # where the document came in a package (edXML): its header's facts (organ ids, due date)
    package: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "doc_type": self.doc_type, "number": self.number, "issued_date": self.issued_date,
            "place": self.place, "issuer": self.issuer, "parent_issuer": self.parent_issuer,
            "subject": self.subject, "recipients": list(self.recipients),
            "distribution": list(self.distribution), "signer": self.signer,
            "signer_title": self.signer_title,
            "citations": [c.to_json() for c in self.citations],
            "tasks": [t.to_json() for t in self.tasks],
            **({"field_sources": dict(self.field_sources)} if self.field_sources else {}),
            **({"package": dict(self.package)} if self.package else {}),
        }


@dataclass
class Extraction:
    source: str
    documents: list[DocumentRecord] = field(default_factory=list)
    pages: list[dict[str, Any]] = field(default_factory=list)  # per-page info (OCR confidence)
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"schema": SCHEMA, "source": self.source,
                               "documents": [d.to_json() for d in self.documents]}
        if self.pages:
            out["pages"] = self.pages
        if self.warnings:
            out["warnings"] = list(self.warnings)
        return out


def as_dict(obj) -> dict[str, Any]:
    return asdict(obj)
