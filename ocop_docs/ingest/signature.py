"""The digital-signature box of a signed PDF ("Ký bởi: ...", "Cơ quan: ...", "Thời gian ký: ...",
"TRUNG TÂM CÔNG BÁO VÀ TIN HỌC", e-mail, timestamp).

E-office systems stamp it on the page after signing: in a PDF as the appearance of a signature
widget annotation, in a raster copy of such a PDF as pixels. It is evidence of the signing (who
signed, when), not text of the document, so ingestion keeps it out of the text handed to
extraction and records it as a `Signature` on the page. The cue words are data
(`models/ocr_signature.yaml`), matched tone-insensitively so OCR readings match too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ocop_docs.textutil import fold


@dataclass
class Signature:
    page: int
    text: str                          # the box's text, lines joined by " / "
    source: str                        # "pdf-annotation", "pdf-text" (page content) or "ocr"
    signer: str | None = None          # "Ký bởi: ..."
    organisation: str | None = None    # "Cơ quan: ..." or the gazette centre's name
    email: str | None = None
    signed_at: list[str] | None = None  # ISO 8601 timestamps found in the box, in order
    pdf_time: str | None = None        # the signature dictionary's /M time (PDF only), ISO 8601

    def to_json(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, [], "")}


@lru_cache(maxsize=1)
def _rules() -> dict:
    from ocop_docs.resources import load_yaml

    data = load_yaml("ocr_signature.yaml")
    flags = re.IGNORECASE
    return {"cues": [re.compile(p, flags) for p in data["box_cues"]],
            "signer": re.compile(data["signer"], flags),
            "organisation": re.compile(data["organisation"], flags),
            "centre": re.compile(data["centre"], flags),
            "email": re.compile(data["email"], flags),
            "timestamp": re.compile(data["timestamp"], flags)}


def cue_count(text: str) -> int:
    """How many distinct signature-box cues the text carries."""
    folded = fold(text)
    return sum(1 for cue in _rules()["cues"] if cue.search(folded))


def is_signature_box(text: str) -> bool:
    return cue_count(text) >= 1


def iso_timestamp(m: re.Match) -> str | None:
    day, month, year, hour, minute, second, offset = m.groups()
    try:
        d, mo, y, h, mi = int(day), int(month), int(year), int(hour), int(minute)
        s = int(second or 0)
    except ValueError:
        return None
    if not (1 <= d <= 31 and 1 <= mo <= 12 and 1900 <= y <= 2200 and h < 24 and mi < 60 and s < 60):
        return None
    out = f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}"
    if offset:
        off = offset.replace(":", "")
        out += f"{off[:3]}:{off[3:]}"
    return out


def pdf_date(raw: str | bytes | None) -> str | None:
    """A PDF date "D:20250124150622+07'00'" → "2025-01-24T15:06:22+07:00"."""
    if not raw:
        return None
    if isinstance(raw, bytes):
        raw = raw.decode("latin-1", "replace")
    m = re.match(r"D?:?(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2})?([+-Z])?(\d{2})?'?(\d{2})?", raw)
    if not m:
        return None
    y, mo, d, h, mi, s, sign, oh, om = m.groups()
    out = f"{y}-{mo}-{d}T{h or '00'}:{mi or '00'}:{s or '00'}"
    if sign == "Z":
        out += "+00:00"
    elif sign in "+-" and sign and oh:
        out += f"{sign}{oh}:{om or '00'}"
    return out


def parse_box(text: str, page: int, source: str) -> Signature:
    """The fields of a signature box's text (one line per visual line)."""
    rules = _rules()
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    joined = " ".join(lines)
    folded = fold(joined)

    def field(name: str) -> str | None:
        m = rules[name].search(folded)
        if not m:
            return None
        value = joined[m.start(1):m.end(1)].strip(" :;,.")
        # the field ends where the next field's label begins
        cut = re.search(r"\s(?:co\s*quan|thoi\s*gian|ky\s*boi|trung\s*tam)\b", fold(value))
        return value[:cut.start()].strip(" :;,.") if cut else value

    stamps = [s for s in (iso_timestamp(m) for m in rules["timestamp"].finditer(folded)) if s]
    organisation = field("organisation")
    if organisation is None:
        m = rules["centre"].search(folded)
        if m:
            organisation = joined[m.start(1):m.end(1)]
    return Signature(page=page, text=" / ".join(lines), source=source, signer=field("signer"),
                     organisation=organisation, email=field("email"), signed_at=stamps or None)
