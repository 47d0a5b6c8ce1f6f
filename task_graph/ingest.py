"""Ingest files and folders into the store: read, extract, store; one transaction per file.

Idempotent by content hash: a file whose bytes are already stored is skipped. A file that
fails (`IngestError`, any extraction error, any store error) is reported with its name and
skipped; the others go on.
"""
from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from task_graph.errors import database_message
from task_graph.store import Store

DOCUMENT_SUFFIXES = {".txt", ".pdf", ".docx", ".doc", ".odt", ".rtf", ".edxml", ".png", ".jpg",
                     ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}


@dataclass
class IngestReport:
    files: int = 0
    stored: int = 0
    already_present: int = 0
    documents: int = 0
    tasks: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"files": self.files, "stored": self.stored,
                "already_present": self.already_present, "documents": self.documents,
                "tasks": self.tasks,
                "failures": [{"path": p, "error": e} for p, e in self.failures]}


def collect_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, plus document files found (recursively, sorted) in folders."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file()
                              and not any(part.startswith(".") for part in f.relative_to(p).parts)
                              and f.suffix.lower() in DOCUMENT_SUFFIXES))
        else:
            out.append(p)
    return out


def default_extractor() -> Callable[[str, str], dict] | None:
    """The real extractor (ocop_docs.extract.pipeline.extract_text) as text -> dict, or None
    when it is not installed yet. Documents and tasks carry their `start`/`end` offsets into
    the file's text (extra keys of the contract, as the web upload stores them)."""
    try:
        from ocop_docs.extract.pipeline import extract_text
    except ImportError:
        return None

    def run(text: str, source: str) -> dict:
        extraction = extract_text(text, source)
        out = extraction.to_json()
        for rec, doc in zip(extraction.documents, out["documents"]):
            doc["start"], doc["end"] = rec.start, rec.end      # spans for citation context
            doc.setdefault("parent_issuer", rec.parent_issuer)
            for task, tj in zip(rec.tasks, doc["tasks"]):       # spans the review page marks
                tj["start"], tj["end"] = task.start, task.end
        return out
    return run


def reviewed_extraction(extraction_dir: Path | None, path: Path) -> dict | None:
    """A reviewed extraction for `path` in `extraction_dir` (`<name>.gold.json` or
    `<name>.json`), used instead of running the extractor."""
    if extraction_dir is None:
        return None
    for name in (f"{path.name}.gold.json", f"{path.name}.json", f"{path.stem}.json"):
        candidate = extraction_dir / name
        if candidate.is_file():
            return json.loads(candidate.read_text(encoding="utf-8"))
    return None


@dataclass
class FileReading:
    """A file read for ingestion: its bytes' hash and size, and its text (None when the same
    bytes are stored already)."""
    sha256: str
    size: int
    ingested: object | None


def read_for_ingest(store: Store, path: Path) -> FileReading:
    """The first half of `ingest_file`: check the file, hash it and, unless the same bytes are
    stored, read it (OCR included). Reads the store only, so it may run on another thread."""
    from ocop_docs.ingest import IngestError, read_document
    from ocop_docs.ingest.gate import regular_file

    regular_file(path)          # a FIFO or a device is never opened, a huge file never read
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IngestError(path, f"không đọc được tệp ({exc.strerror or exc})") from exc
    sha = hashlib.sha256(raw).hexdigest()
    if store.file_by_hash(sha):
        return FileReading(sha, len(raw), None)
    return FileReading(sha, len(raw), read_document(path))


def store_reading(store: Store, path: Path, reading: FileReading, *,
                  extraction_dir: Path | None = None,
                  extractor: Callable[[str, str], dict] | None = None):
    """The second half of `ingest_file`: extract the text read and store it in one
    transaction; returns task_graph.store.StoredFile."""
    from task_graph.store import StoredFile

    ingested = reading.ingested
    if ingested is None or store.file_by_hash(reading.sha256) \
            or store.file_by_text(ingested.text):   # the same text in other bytes (CRLF, BOM, TCVN3)
        return StoredFile(0, 0, 0, already_present=True)
    extraction = reviewed_extraction(extraction_dir, path)
    used = "reviewed"
    if extraction is None:
        if extractor is None:
            raise RuntimeError("chưa có bộ trích xuất (ocop_docs.extract.pipeline) và không "
                               "có bản trích xuất đã duyệt (--extractions)")
        extraction = extractor(ingested.text, path.name)
        used = "pipeline"
        if ingested.package and extraction.get("documents"):   # an edXML header wins
            from ocop_docs.office.edxml import apply_header
            apply_header(extraction["documents"][0], ingested.package)
    if not isinstance(extraction, dict) or "documents" not in extraction:
        raise ValueError("bản trích xuất không đúng định dạng ocop-docs.extraction/1")
    return store.store_extraction(extraction, source_path=str(path), sha256=reading.sha256,
                                  text=ingested.text, size=reading.size, extractor=used)


def ingest_file(store: Store, path: Path, *, extraction_dir: Path | None = None,
                extractor: Callable[[str, str], dict] | None = None):
    """Store one file; returns task_graph.store.StoredFile. Raises on any failure."""
    return store_reading(store, path, read_for_ingest(store, path),
                         extraction_dir=extraction_dir, extractor=extractor)


def ingest_paths(store: Store, paths: Iterable[str | Path], *,
                 extraction_dir: str | Path | None = None, progress: bool | None = None,
                 extractor: Callable[[str, str], dict] | None = None,
                 on_failure: Callable[[str, str], None] | None = None) -> IngestReport:
    """Ingest every file under `paths`. `progress=None`: a bar on stderr when it is a TTY."""
    from tqdm import tqdm

    from ocop_docs.ingest.ahead import read_ahead

    files = collect_files(paths)
    extractor = extractor or default_extractor()
    ext_dir = Path(extraction_dir) if extraction_dir else None
    report = IngestReport(files=len(files))
    show = sys.stderr.isatty() if progress is None else progress
    # the next files are read (OCR) while this one is extracted and stored
    readings = read_ahead(files, lambda path: read_for_ingest(store, path))
    for path, reading, error in tqdm(readings, total=len(files), desc="ingest", unit="tệp",
                                     file=sys.stderr, disable=not show):
        try:
            if error is not None:
                raise error
            stored = store_reading(store, path, reading, extraction_dir=ext_dir, extractor=extractor)
        except Exception as exc:  # noqa: BLE001 - report the file, go on with the others
            message = database_message(exc) or str(exc) or exc.__class__.__name__
            if str(path) not in message:
                message = f"{path}: {message}"
            report.failures.append((str(path), message))
            if on_failure:
                on_failure(str(path), message)
            continue
        if stored.already_present:
            report.already_present += 1
        else:
            report.stored += 1
            report.documents += stored.documents
            report.tasks += stored.tasks
    return report
