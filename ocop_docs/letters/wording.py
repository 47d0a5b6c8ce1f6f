"""Vietnamese wording helpers used as jinja2 filters: dates, citations, sections, names.

Dates follow Nghị định 30/2020/NĐ-CP: the place-and-date line writes the date out ("ngày 05 tháng
3 năm 2020"), with a leading zero for days below 10 and for months 1 and 2; citations in the body
use the short form ("ngày 20/9/2018").
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date

from ocop_docs.letters.model import SourceDocument

_ADMIN_UNIT = re.compile(
    r"^(?:Ủy|Uỷ) ban nhân dân\s+(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)\s+(.+)$",
    re.IGNORECASE)
_TRAILING_PROVINCE = re.compile(r"\b(?:tỉnh|thành phố)\s+([A-ZĐÀ-Ỹ][^,;]*)$")


def long_date(d: date) -> str:
    """`ngày 05 tháng 3 năm 2020`: as in the place-and-date line."""
    day = f"{d.day:02d}"
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"ngày {day} tháng {month} năm {d.year}"


def short_date(d: date) -> str:
    """`20/9/2018`: as dates are cited inside the body."""
    return f"{d.day}/{d.month}/{d.year}"


def upper_vi(text: str) -> str:
    """Capitals, keeping Vietnamese diacritics (Python's upper() does; NFC for Word)."""
    return unicodedata.normalize("NFC", text.upper())


def issuer_lines(issuer: str) -> list[str]:
    """The issuing body in capitals, split as offices print it: 'ỦY BAN NHÂN DÂN' / 'TỈNH X'."""
    text = upper_vi(issuer.strip())
    for head in ("ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN"):
        if text.startswith(head + " "):
            return [head, text[len(head):].strip()]
    return [text]


def place_of(issuer: str | None, parent_issuer: str | None = None) -> str | None:
    """The place name of the date line: the province or district the issuer belongs to."""
    for name in (issuer, parent_issuer):
        if not name:
            continue
        m = _ADMIN_UNIT.match(name.strip())
        if m:
            return m.group(1).strip()
        m = _TRAILING_PROVINCE.search(name.strip())
        if m:
            return m.group(1).strip()
    return None


def cite(source: SourceDocument, with_issuer: bool = True) -> str:
    """`Kế hoạch số 125/KH-UBND ngày 20/9/2018 của Ủy ban nhân dân tỉnh Hòa Bình`."""
    parts = [source.doc_type or "Văn bản"]
    if source.number:
        parts.append(f"số {source.number}")
    if source.date:
        parts.append(f"ngày {short_date(source.date)}")
    if with_issuer and source.issuer:
        parts.append(f"của {source.issuer}")
    return " ".join(parts)


def about(source: SourceDocument) -> str:
    """` về triển khai thực hiện ...` (the cited document's trích yếu), or nothing."""
    subject = (source.subject or "").strip().rstrip(".;,")
    if not subject:
        return ""
    if not subject.startswith(("về ", "Về ", "V/v")):
        subject = subject[0].lower() + subject[1:] if not _is_acronym(subject) else subject
        return f" về {subject}"
    return " " + subject


def _is_acronym(text: str) -> bool:
    first = text.split()[0]
    return len(first) > 1 and first.isupper()


def section_label(section: str | None) -> str:
    """Where in the source the task is: 'mục III.4.2', 'Phụ lục, mục VII.1', 'phần Mục đích'."""
    if not section:
        return ""
    section = section.strip()
    if section.upper().startswith("PL."):
        rest = section[3:]
        return f"Phụ lục, mục {rest}" if rest else "Phụ lục"
    if section.upper() == "PL":
        return "Phụ lục"
    if re.match(r"^[0-9IVXLC]+(?:\.[0-9a-zA-Z]+)*\.?$", section):
        return f"mục {section.rstrip('.')}"
    return f"phần {section}"


def clean_action(action: str) -> str:
    """The task as quoted in the table: without the source's list markers or final './.'."""
    text = " ".join(action.split())
    text = re.sub(r"(\./\.|\.\/)$", "", text).rstrip(" ;,")
    return text


def slug(text: str) -> str:
    """ASCII file-name form of an agency name: 'Sở Công Thương' -> 'so-cong-thuong'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "co-quan"


FILTERS = {
    "long_date": long_date,
    "short_date": short_date,
    "upper_vi": upper_vi,
    "issuer_lines": issuer_lines,
    "cite": cite,
    "about": about,
    "section_label": section_label,
    "clean_action": clean_action,
}
