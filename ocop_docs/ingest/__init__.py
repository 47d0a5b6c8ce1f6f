"""Ingestion: turn any input file a clerk has into Unicode text with its layout.

`read_document(path)` is the one entry point. It picks a reader by the file's content (and
name), returns an `IngestedText`, or raises `IngestError` naming the file and the problem.
Tables are rendered as one line per row: `| cell | cell | cell |`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class IngestError(Exception):
    """A file that cannot be read; str() is a one-line message naming the file."""

    def __init__(self, path: str | Path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


@dataclass
class Page:
    number: int                      # 1-based
    text: str
    method: str                      # "text", "pdf-text", "ocr", "docx", "doc"
    confidence: float | None = None  # mean OCR word confidence, 0-100, for OCR pages


@dataclass
class IngestedText:
    path: Path
    text: str                        # the whole document, normalised, pages joined by "\n\n"
    format: str                      # "txt", "pdf", "image", "docx", "doc"
    pages: list[Page] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_document(path: str | Path) -> IngestedText:
    """Read a .txt file (UTF-8). Other formats arrive with the full ingestion module."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IngestError(path, f"cannot be read ({exc.strerror or exc})") from exc
    if not raw.strip():
        raise IngestError(path, "the file is empty")
    text = raw.decode("utf-8", errors="replace")
    return IngestedText(path=path, text=text, format="txt",
                        pages=[Page(number=1, text=text, method="text")])
