"""Public data types of ingestion (re-exported by `ocop_docs.ingest`)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_PAGES = 200
DEFAULT_MAX_EXPANDED_BYTES = 100 * 1024 * 1024    # a .docx (zip) once unpacked
DEFAULT_MAX_ZIP_ENTRIES = 5000


class IngestError(Exception):
    """A file that cannot be read; str() is a one-line message naming the file."""

    def __init__(self, path: str | Path, problem: str):
        self.path = str(path)
        self.problem = " ".join(str(problem).split())
        super().__init__(f"{self.path}: {self.problem}")


@dataclass
class FieldReading:
    """How one header field was read: its value, the method and a confidence in 0-1.

    method: "text-layer" (a PDF's text, a Word or text file), "pdf-annotation" (text stamped
    into a signed PDF by the e-office system after signing, e.g. the number and the day),
    "ocr" (tesseract on the cleaned page), "second-pass" (the line read again with the ink
    kept, when the first reading did not parse or disagreed; see ingest.fields) or
    "signature-time" (the day of the issuer's digital signature, where the day could not be
    read; ingest.pdf.date_from_signature)."""
    value: str
    method: str
    confidence: float
    page: int
    raw: str | None = None                          # the text the value was taken from
    alternatives: list[dict] | None = None          # other readings, {"value", "method", "confidence"}

    def to_json(self) -> dict:
        out = {"value": self.value, "method": self.method, "confidence": round(self.confidence, 2),
               "page": self.page}
        if self.raw:
            out["raw"] = self.raw
        if self.alternatives:
            out["alternatives"] = self.alternatives
        return out


@dataclass
class Page:
    number: int                      # 1-based
    text: str
    method: str                      # "text", "pdf-text", "ocr", "docx", "doc"
    confidence: float | None = None  # mean OCR word confidence, 0-100, for OCR pages
    # header fields read on this page ("number", "day", "month", "year", "issued_date")
    field_readings: dict[str, FieldReading] = field(default_factory=dict)
    signatures: list = field(default_factory=list)    # ingest.signature.Signature boxes
    rotation: int = 0                # degrees the page image was turned before OCR
    notes: list[str] = field(default_factory=list)    # e.g. "blank", "upscaled x2"


@dataclass
class IngestedText:
    path: Path
    text: str                        # the whole document, normalised, pages joined by "\n\n"
    format: str                      # "txt", "pdf", "image", "docx", "doc"
    pages: list[Page] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    encoding: str | None = None      # for text files: the encoding the bytes were decoded from
    # the header fields as read (first page carrying each), see FieldReading
    field_readings: dict[str, FieldReading] = field(default_factory=dict)
    signatures: list = field(default_factory=list)    # digital-signature boxes, all pages
    # a package's own metadata (edXML header: {"fields": ..., "package": ...}), see ingest.edxml
    package: dict | None = None


@dataclass(frozen=True)
class Limits:
    """Resource limits: file size (env OCOP_DOCS_MAX_BYTES, the one upload limit of the CLI and
    the web), OCR pages (OCOP_DOCS_MAX_PAGES), and what a zip container (.docx) may unpack to
    (OCOP_DOCS_MAX_EXPANDED_BYTES, in at most DEFAULT_MAX_ZIP_ENTRIES members)."""
    max_bytes: int = DEFAULT_MAX_BYTES
    max_pages: int = DEFAULT_MAX_PAGES
    max_expanded_bytes: int = DEFAULT_MAX_EXPANDED_BYTES
    max_zip_entries: int = DEFAULT_MAX_ZIP_ENTRIES

    @classmethod
    def from_env(cls) -> "Limits":
        def env_int(name: str, default: int) -> int:
            value = os.environ.get(name, "").strip()
            try:
                return int(value) if value else default
            except ValueError:
                return default
        return cls(env_int("OCOP_DOCS_MAX_BYTES", DEFAULT_MAX_BYTES),
                   env_int("OCOP_DOCS_MAX_PAGES", DEFAULT_MAX_PAGES),
                   env_int("OCOP_DOCS_MAX_EXPANDED_BYTES", DEFAULT_MAX_EXPANDED_BYTES))


@dataclass
class Source:
    """What a reader gets: the path, its first bytes (for magic numbers) and the limits."""
    path: Path
    head: bytes
    size: int
    limits: Limits

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower()

    def read_bytes(self) -> bytes:
        return self.path.read_bytes()


class Reader:
    """One input format. `applies` looks at the content (magic bytes), the suffix is a hint."""
    name = "?"

    def applies(self, source: Source) -> bool:  # pragma: no cover - interface
        raise NotImplementedError

    def read(self, source: Source) -> "ReadResult":  # pragma: no cover - interface
        """Pages (raw text, not yet normalised); raise IngestError on failure."""
        raise NotImplementedError


@dataclass
class ReadResult:
    pages: list[Page]
    warnings: list[str] = field(default_factory=list)
    encoding: str | None = None
    package: dict | None = None      # a package's own metadata (ingest.edxml)
