"""Ingestion: turn any input file a clerk has into Unicode text with its layout.

`read_document(path)` is the one entry point. It picks a reader by the file's content (magic
bytes; the extension is only a hint), returns an `IngestedText` whose text went through
`ocop_docs.normalize.normalize_text`, or raises `IngestError` naming the file and the problem.
Tables are rendered as one line per row: `| cell | cell | cell |`.

Readers are tried in order (`READERS`); each says whether it applies to a file. A new format is
one new `Reader` subclass in its own module.
"""
from __future__ import annotations

import re
from pathlib import Path

from ocop_docs.messages import msg

from .doc import DocReader
from .docx import DocxReader
from .edxml import EdxmlReader
from .fields import text_layer_readings
from .gate import open_source
from .html import HtmlReader
from .image import ImageReader
from .language import looks_vietnamese, score_text
from .layout import join_pages
from .pdf import PdfReader
from .text import TextReader
from .types import FieldReading, IngestedText, IngestError, Limits, Page, ReadResult, Reader, Source

__all__ = ["read_document", "check_file", "IngestedText", "IngestError", "Page", "Limits",
           "READERS", "Reader", "ReadResult", "Source", "FieldReading"]

# binary formats first: a text sniff must not claim them; HTML before plain text
READERS: list[Reader] = [PdfReader(), DocxReader(), DocReader(), ImageReader(), EdxmlReader(),
                         HtmlReader(), TextReader()]


def check_file(path: str | Path, limits: Limits | None = None) -> str:
    """The ingestion gate alone (no reading): the format name of the reader that will read
    `path`, or IngestError. The web checks uploads with it before queueing them."""
    return open_source(path, READERS, limits)[1].name


# control characters no document means (NUL: PostgreSQL refuses it; the others are not allowed
# in the XML of a drafted .docx); tab, line feed, carriage return and form feed are kept
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def strip_controls(text: str) -> str:
    """The text without NUL and the other C0 control characters; a vertical tab (Word's line
    break in some exports) becomes a line break."""
    return _CONTROLS.sub("", text.replace("\x0b", "\n"))


def read_document(path: str | Path, limits: Limits | None = None) -> IngestedText:
    """Read a document of any supported format into normalised Unicode text."""
    from ocop_docs.normalize import normalize_text

    path = Path(path)
    source, reader = open_source(path, READERS, limits)
    result = reader.read(source)
    for p in result.pages:
        p.text = strip_controls(p.text)

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
    text = normalize_text(join_pages([p.text for p in result.pages]))
    warnings = list(result.warnings)
    score = score_text(text)
    if not looks_vietnamese(score):
        what = msg("ingest.no_words") if score.words == 0 else msg(
            "ingest.vietnamese_share", marked=score.marked_share, syllables=score.syllable_share)
        raise IngestError(path, msg("ingest.no_vietnamese", what=what))
    if score.marked_share < 0.15:
        warnings.append(msg("ingest.little_vietnamese", share=score.marked_share))
    fmt = reader.name
    return IngestedText(path=path, text=text, format=fmt, pages=pages, warnings=warnings,
                        encoding=result.encoding, field_readings=readings,
                        signatures=[s for p in pages for s in p.signatures],
                        package=result.package)
