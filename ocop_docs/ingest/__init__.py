"""Ingestion: turn any input file a clerk has into Unicode text with its layout.

`read_document(path)` is the one entry point. It picks a reader by the file's content (magic
bytes; the extension is only a hint), returns an `IngestedText` whose text went through
`ocop_docs.normalize.normalize_text`, or raises `IngestError` naming the file and the problem.
Tables are rendered as one line per row: `| cell | cell | cell |`.

Readers are tried in order (`READERS`); each says whether it applies to a file. A new format is
one new `Reader` subclass in its own module.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from .doc import DocReader
from .fields import text_layer_readings
from .docx import DocxReader
from .image import ImageReader
from .language import looks_vietnamese, score_text
from .pdf import PdfReader
from .text import TextReader
from .types import FieldReading, IngestedText, IngestError, Limits, Page, ReadResult, Reader, Source

__all__ = ["read_document", "IngestedText", "IngestError", "Page", "Limits", "READERS",
           "Reader", "ReadResult", "Source", "FieldReading"]

# binary formats first: a text sniff must not claim them
READERS: list[Reader] = [PdfReader(), DocxReader(), DocReader(), ImageReader(), TextReader()]
HEAD_BYTES = 8192
_KNOWN_BINARY = {b"PK\x03\x04": "a ZIP archive, not a Word document", b"Rar!": "a RAR archive",
                 b"\x1f\x8b": "a gzip archive", b"7z\xbc\xaf": "a 7-Zip archive",
                 b"\x7fELF": "a program, not a document", b"MZ": "a program, not a document"}


def _unsupported(source: Source) -> str:
    for magic, what in _KNOWN_BINARY.items():
        if source.head.startswith(magic):
            if magic == b"PK\x03\x04":
                try:
                    with zipfile.ZipFile(source.path) as zf:
                        names = zf.namelist()
                    if any(n.startswith("xl/") for n in names):
                        what = "an Excel workbook (.xlsx)"
                    elif any(n.startswith("ppt/") for n in names):
                        what = "a PowerPoint file (.pptx)"
                    elif "content.xml" in names:
                        what = "an OpenDocument file (.odt/.ods)"
                except zipfile.BadZipFile:
                    what = "a corrupt ZIP/Office file"
            return f"unsupported file type: {what}"
    if source.head.startswith(b"{\\rtf"):
        return "unsupported file type: RTF (needs LibreOffice; save it as .docx)"
    hint = f" ({source.suffix})" if source.suffix else ""
    return f"unsupported file type{hint}: binary content that is no PDF, Word file, image or text"


def read_document(path: str | Path, limits: Limits | None = None) -> IngestedText:
    """Read a document of any supported format into normalised Unicode text."""
    from ocop_docs.normalize import normalize_text

    path = Path(path)
    limits = limits or Limits.from_env()
    if not path.exists():
        raise IngestError(path, "no such file")
    if path.is_dir():
        raise IngestError(path, "is a folder, not a file")
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise IngestError(path, f"file too large ({size / 1e6:.1f} MB, limit "
                              f"{limits.max_bytes / 1e6:.1f} MB, set OCOP_DOCS_MAX_BYTES)")
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError as exc:
        raise IngestError(path, f"cannot be read ({exc.strerror or exc})") from None
    if size == 0 or not head.strip(b" \t\r\n\x00"):
        raise IngestError(path, "the file is empty")

    source = Source(path=path, head=head, size=size, limits=limits)
    reader = next((r for r in READERS if r.applies(source)), None)
    if reader is None:
        raise IngestError(path, _unsupported(source))
    result = reader.read(source)

    pages = [Page(p.number, normalize_text(p.text), p.method, p.confidence,
                  field_readings=dict(p.field_readings), signatures=list(p.signatures),
                  rotation=p.rotation, notes=list(p.notes)) for p in result.pages]
    for page in pages:
        if not page.field_readings and page.method != "ocr":
            page.field_readings = text_layer_readings(page.text, page.number)
    readings: dict = {}
    for page in pages:
        for name, reading in page.field_readings.items():
            readings.setdefault(name, reading)
    text = normalize_text("\n\n".join(p.text for p in result.pages))
    warnings = list(result.warnings)
    score = score_text(text)
    if not looks_vietnamese(score):
        what = "no words" if score.words == 0 else (
            f"{score.marked_share:.0%} of words with Vietnamese diacritics, "
            f"{score.syllable_share:.0%} Vietnamese syllables")
        raise IngestError(path, f"no Vietnamese text found ({what}); wrong language or garbage")
    if score.marked_share < 0.15:
        warnings.append(f"little Vietnamese text: {score.marked_share:.0%} of words carry "
                        "Vietnamese diacritics")
    fmt = {"pdf": "pdf", "docx": "docx", "doc": "doc", "image": "image", "txt": "txt"}[reader.name]
    return IngestedText(path=path, text=text, format=fmt, pages=pages, warnings=warnings,
                        encoding=result.encoding, field_readings=readings,
                        signatures=[s for p in pages for s in p.signatures])
