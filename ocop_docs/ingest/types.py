"""Public data types of ingestion (re-exported by `ocop_docs.ingest`)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_PAGES = 200                           # pages to OCR
DEFAULT_MAX_EXPANDED_BYTES = 100 * 1024 * 1024    # a .docx (zip) once unpacked
DEFAULT_MAX_ZIP_ENTRIES = 5000
DEFAULT_MAX_ZIP_RATIO = 100        # unpacked / packed size of one zip member of 10 MB or more
DEFAULT_MAX_XML_BYTES = 32 * 1024 * 1024          # one XML part of a .docx, unpacked
DEFAULT_MAX_PDF_PAGES = 1000                      # pages of a PDF, text layer or not
DEFAULT_MAX_PIXELS = 50_000_000    # an image, or a PDF page rendered for OCR (A4 at 600 dpi: 35 M)


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
    """Resource limits, each checked before the work it bounds and each set by an environment
    variable (`ENV`): file size (OCOP_DOCS_MAX_BYTES, the one upload limit of the CLI and the
    web), pages to OCR (OCOP_DOCS_MAX_PAGES), pages of a PDF (OCOP_DOCS_MAX_PDF_PAGES), pixels
    of an image or of a page rendered for OCR (OCOP_DOCS_MAX_PIXELS), and what a zip container
    (.docx) may unpack to: in all (OCOP_DOCS_MAX_EXPANDED_BYTES), in one XML part
    (OCOP_DOCS_MAX_XML_BYTES), at what ratio for a large member (OCOP_DOCS_MAX_ZIP_RATIO), in
    how many members (OCOP_DOCS_MAX_ZIP_ENTRIES)."""
    max_bytes: int = DEFAULT_MAX_BYTES
    max_pages: int = DEFAULT_MAX_PAGES
    max_expanded_bytes: int = DEFAULT_MAX_EXPANDED_BYTES
    max_zip_entries: int = DEFAULT_MAX_ZIP_ENTRIES
    max_zip_ratio: int = DEFAULT_MAX_ZIP_RATIO
    max_xml_bytes: int = DEFAULT_MAX_XML_BYTES
    max_pdf_pages: int = DEFAULT_MAX_PDF_PAGES
    max_pixels: int = DEFAULT_MAX_PIXELS

    ENV = {"max_bytes": "OCOP_DOCS_MAX_BYTES", "max_pages": "OCOP_DOCS_MAX_PAGES",
           "max_expanded_bytes": "OCOP_DOCS_MAX_EXPANDED_BYTES",
           "max_zip_entries": "OCOP_DOCS_MAX_ZIP_ENTRIES", "max_zip_ratio": "OCOP_DOCS_MAX_ZIP_RATIO",
           "max_xml_bytes": "OCOP_DOCS_MAX_XML_BYTES", "max_pdf_pages": "OCOP_DOCS_MAX_PDF_PAGES",
           "max_pixels": "OCOP_DOCS_MAX_PIXELS"}

    @classmethod
    def from_env(cls) -> "Limits":
        """The limits, each from its variable when that holds a positive whole number."""
        values = {}
        for name, var in cls.ENV.items():
            value = os.environ.get(var, "").strip().replace("_", "")
            if value.isdigit() and int(value) > 0:
                values[name] = int(value)
        return cls(**values)


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

    def check(self, source: Source) -> None:
        """Cheap checks before reading, run by the gate (counts and sizes from headers and
        directories): raise IngestError for a file whose reading would exceed
        `source.limits`. Nothing by default."""

    def read(self, source: Source) -> "ReadResult":  # pragma: no cover - interface
        """Pages (raw text, not yet normalised); raise IngestError on failure."""
        raise NotImplementedError


@dataclass
class ReadResult:
    pages: list[Page]
    warnings: list[str] = field(default_factory=list)
    encoding: str | None = None
    package: dict | None = None      # a package's own metadata (ingest.edxml)
