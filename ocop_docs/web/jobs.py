"""Uploads and background extraction: a file is checked by content, saved under a safe name in
the storage folder, recorded as a job (web_uploads) and extracted by a thread pool; the page
polls the job's status. A failed job keeps the reason (the IngestError message) and can be
retried."""
from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import sqlalchemy as sa

from ocop_docs.messages import msg
from ocop_docs.web import audit, db
from ocop_docs.web.security import IMAGE_KINDS, UploadRejected, inside, new_token, safe_name

log = logging.getLogger(__name__)
PREVIEW_WIDTH = 1000
MAX_PREVIEW_PAGES = 20


class Jobs:
    def __init__(self, store, storage: Path, workers: int = 2):
        self.store = store
        self.storage = Path(storage)
        self.storage.mkdir(parents=True, exist_ok=True)
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="extract")
        self._lock = threading.Lock()

    def shutdown(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------------ accept
    def accept(self, original_name: str, data: bytes, user: str) -> int:
        """Check, save and queue one uploaded file; returns the upload id. Raises
        UploadTooLarge over the size limit, UploadRejected when the ingestion gate refuses the
        content (nothing is kept then)."""
        from ocop_docs.web.security import UploadTooLarge, check_upload, max_upload_bytes

        limit = max_upload_bytes()
        if len(data) > limit:
            raise UploadTooLarge(msg("ingest.too_large", size_mb=len(data) / 1e6,
                                     limit_mb=limit / 1e6))
        if not data:
            raise UploadRejected(msg("upload.empty"))
        sha = hashlib.sha256(data).hexdigest()
        incoming = inside(self.storage, f".incoming-{new_token()[:16]}")
        try:
            incoming.write_bytes(data)
            kind = check_upload(incoming)
            name = safe_name(original_name, kind)
            with self._lock:
                with self.store.engine.begin() as conn:
                    upload_id = conn.execute(db.web_uploads.insert().values(
                        original_name=(original_name or "")[:300], stored_name="", kind=kind,
                        size=len(data), sha256=sha, status="queued", uploaded_by=user,
                        created_at=db.utcnow())).inserted_primary_key[0]
                stored = f"{upload_id:06d}-{name}"
                incoming.replace(inside(self.storage, stored))
                db.set_upload(self.store.engine, upload_id, stored_name=stored)
        finally:
            incoming.unlink(missing_ok=True)
        audit.record(self.store.engine, user, "upload", "upload", upload_id,
                     (original_name or "")[:300])
        self.submit(upload_id)
        return upload_id

    def submit(self, upload_id: int) -> None:
        db.set_upload(self.store.engine, upload_id, status="queued", error=None,
                      finished_at=None)
        self.pool.submit(self._run, upload_id)

    def path_of(self, row: dict) -> Path:
        return inside(self.storage, row["stored_name"])

    def preview_dir(self, upload_id: int) -> Path:
        return self.storage / "pages" / f"{upload_id:06d}"

    # ------------------------------------------------------------------ work
    def _run(self, upload_id: int) -> None:
        engine = self.store.engine
        row = db.upload_row(engine, upload_id)
        if row is None:
            return
        db.set_upload(engine, upload_id, status="running")
        try:
            present = self.store.file_by_hash(row["sha256"])
            if present:
                db.set_upload(engine, upload_id, status="duplicate", file_id=present["id"],
                              error=None, finished_at=db.utcnow())
                return
            path = self.path_of(row)
            extraction, text = extract(path, row["original_name"])
            stored = self.store.store_extraction(
                extraction, source_path=row["original_name"] or path.name,
                sha256=row["sha256"], text=text, size=row["size"], extractor="pipeline")
            pages = self._previews(upload_id, path, row["kind"])
            status = "duplicate" if stored.already_present else "done"
            db.set_upload(engine, upload_id, status=status, file_id=stored.file_id,
                          pages=pages, error=None, finished_at=db.utcnow())
        except Exception as exc:  # noqa: BLE001 - the clerk sees why and may retry
            from ocop_docs.ingest import IngestError

            if isinstance(exc, IngestError):
                message = exc.problem
            else:
                log.exception("extraction of upload %s failed", upload_id)
                message = f"{exc.__class__.__name__}: {exc}"
            db.set_upload(engine, upload_id, status="failed", error=message,
                          finished_at=db.utcnow())

    def _previews(self, upload_id: int, path: Path, kind: str) -> int:
        """Page images (PNG) of a scan or PDF, for the review page."""
        out = self.preview_dir(upload_id)
        try:
            if kind in IMAGE_KINDS:
                from PIL import Image, ImageSequence

                out.mkdir(parents=True, exist_ok=True)
                n = 0
                with Image.open(path) as im:
                    for n, frame in enumerate(ImageSequence.Iterator(im), 1):
                        if n > MAX_PREVIEW_PAGES:
                            break
                        page = frame.convert("RGB")
                        page.thumbnail((PREVIEW_WIDTH, PREVIEW_WIDTH * 2))
                        page.save(out / f"{n}.png")
                return min(n, MAX_PREVIEW_PAGES)
            if kind == "pdf" and shutil.which("pdftoppm"):
                out.mkdir(parents=True, exist_ok=True)
                subprocess.run(["pdftoppm", "-png", "-r", "80", "-l", str(MAX_PREVIEW_PAGES),
                                str(path), str(out / "p")], check=True, timeout=120,
                               capture_output=True)
                files = sorted(out.glob("p-*.png"))
                for n, f in enumerate(files, 1):
                    f.rename(out / f"{n}.png")
                return len(files)
        except Exception:  # noqa: BLE001 - a missing preview is no failure
            log.exception("page images of upload %s", upload_id)
        return 0


def extract(path: Path, source: str) -> tuple[dict, str]:
    """Read and extract one file: the extraction dict (with document and task offsets into
    the text, which the review page highlights) and the text."""
    from ocop_docs.extract.pipeline import extract_ingested
    from ocop_docs.ingest import read_document

    ingested = read_document(path)
    extraction = extract_ingested(ingested)
    extraction.source = source or path.name
    out = extraction.to_json()
    for rec, doc in zip(extraction.documents, out["documents"]):
        doc["start"], doc["end"] = rec.start, rec.end
        doc.setdefault("parent_issuer", rec.parent_issuer)
        for task, tj in zip(rec.tasks, doc["tasks"]):
            tj["start"], tj["end"] = task.start, task.end
    return out, ingested.text


def file_row(engine: sa.Engine, file_id: int) -> dict | None:
    from task_graph.schema import files

    with engine.connect() as conn:
        row = conn.execute(sa.select(files).where(files.c.id == file_id)).first()
    return dict(row._mapping) if row else None
