"""Uploads and background extraction: a file is checked by content, saved under a safe name in
the storage folder, recorded (web_uploads) with a job in the store's jobs table
(ocop_docs.jobs), and extracted by a thread of this process or, with a queue, by the workers;
the page polls the upload's status. A failed upload keeps the reason (the IngestError message)
and can be retried."""
from __future__ import annotations

import hashlib
import logging
import os
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
    """The web's side of the job system (ocop_docs.jobs): an accepted upload becomes a job in
    the store's jobs table; with a queue URL it is sent to the workers (`ocop-docs worker`),
    otherwise a thread of this process runs it (its OCR in the fork-server pool, whose
    processes never hold the server's socket). After a restart, uploads whose work was cut off
    are taken up again (in-process) or left to the queue's redelivery; the clerk can retry a
    failed upload, or one whose worker stopped beating."""

    def __init__(self, store, storage: Path, workers: int = 2, queue_url: str | None = None):
        from ocop_docs.jobs import ENV_QUEUE, state

        self.store = store
        self.storage = Path(storage)
        self.storage.mkdir(parents=True, exist_ok=True)
        self.queue_url = queue_url or os.environ.get(ENV_QUEUE) or None
        self.pool = None if self.queue_url else ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="extract")
        self._lock = threading.Lock()
        state.ensure_tables(store.engine)
        self.resume()

    def shutdown(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)

    def resume(self) -> list[int]:
        """In-process: uploads left queued or running by a previous run of the server (killed,
        restarted) are queued again here; returns their ids."""
        if self.queue_url:
            return []
        from ocop_docs.jobs import state

        engine = self.store.engine
        with engine.connect() as conn:
            ids = [r.id for r in conn.execute(
                sa.select(db.web_uploads.c.id)
                .where(db.web_uploads.c.status.in_(("queued", "running")))
                .order_by(db.web_uploads.c.id))]
        for upload_id in ids:
            job = self.job_of(upload_id)
            if job is not None and job["status"] == "running":
                state.release(engine, job["id"], "máy chủ khởi động lại khi đang xử lý")
            self.submit(upload_id, again=False)
        return ids

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
        self.submit(upload_id, again=False)
        return upload_id

    def job_of(self, upload_id: int) -> dict | None:
        from ocop_docs.jobs import state

        with self.store.engine.connect() as conn:
            r = conn.execute(sa.select(state.jobs).where(state.jobs.c.upload_id == upload_id)
                             .order_by(state.jobs.c.id.desc())).first()
        return dict(r._mapping) if r else None

    def retryable(self, row: dict) -> bool:
        """A failed upload, or one whose job has lost its worker (no heartbeat for a minute)
        or never reached one."""
        from ocop_docs.jobs import state

        if row["status"] == "failed":
            return True
        if row["status"] not in ("queued", "running"):
            return False
        job = self.job_of(row["id"])
        if job is None or job["status"] in state.FINISHED:
            return True
        beat = job["heartbeat_at"] or job["created_at"]
        return (state.utcnow() - beat).total_seconds() > state.STALE_SECONDS

    def submit(self, upload_id: int, again: bool = True) -> None:
        """Queue the upload's job (`again`: the clerk's retry, attempts start afresh)."""
        from ocop_docs.jobs import state

        row = db.upload_row(self.store.engine, upload_id)
        if row is None:
            return
        db.set_upload(self.store.engine, upload_id, status="queued", error=None,
                      finished_at=None)
        job_id, fresh = state.enqueue(self.store.engine, kind="upload",
                                      path=str(self.path_of(row).resolve()),
                                      source=row["original_name"] or row["stored_name"],
                                      sha256=row["sha256"], size=row["size"],
                                      upload_id=upload_id)
        if again and not fresh:
            state.requeue(self.store.engine, job_id)
        if self.queue_url:
            from ocop_docs.jobs import queue

            queue.send(self.queue_url, job_id)
        else:
            from ocop_docs.jobs.runner import run_pending

            self.pool.submit(run_pending, self.store, [job_id])

    def path_of(self, row: dict) -> Path:
        return inside(self.storage, row["stored_name"])

    def preview_dir(self, upload_id: int) -> Path:
        return preview_dir(self.storage, upload_id)


def preview_dir(storage: Path, upload_id: int) -> Path:
    return Path(storage) / "pages" / f"{upload_id:06d}"


def process_upload(store, storage: Path, upload_id: int) -> dict:
    """Extract and store one upload (a job's work): {status: done | duplicate, file_id}.
    Raises IngestError for a bad file, anything else for a failure worth retrying. The upload
    row is updated when it succeeds; the job runner records failures."""
    engine = store.engine
    row = db.upload_row(engine, upload_id)
    if row is None:
        raise LookupError(f"upload {upload_id} is gone")
    path = inside(Path(storage), row["stored_name"])
    present = store.file_by_hash(row["sha256"])
    if present:
        # stored by an earlier attempt of this upload that was cut off before it could say
        # so (the server or worker killed): this upload's own document, linked to it
        with engine.connect() as conn:
            other = conn.execute(sa.select(db.web_uploads.c.id).where(
                db.web_uploads.c.file_id == present["id"], db.web_uploads.c.id != upload_id,
                db.web_uploads.c.status == "done")).first()
        status = "duplicate" if other else "done"
        pages = _previews(storage, upload_id, path, row["kind"]) if status == "done" else 0
        db.set_upload(engine, upload_id, status=status, file_id=present["id"], error=None,
                      pages=pages, finished_at=db.utcnow())
        return {"status": status, "file_id": present["id"]}
    extraction, text = extract(path, row["original_name"])
    stored = store.store_extraction(
        extraction, source_path=row["original_name"] or path.name,
        sha256=row["sha256"], text=text, size=row["size"], extractor="pipeline")
    pages = _previews(storage, upload_id, path, row["kind"])
    status = "duplicate" if stored.already_present else "done"
    db.set_upload(engine, upload_id, status=status, file_id=stored.file_id,
                  pages=pages, error=None, finished_at=db.utcnow())
    return {"status": status, "file_id": stored.file_id}


def _previews(storage: Path, upload_id: int, path: Path, kind: str) -> int:
    """Page images (PNG) of a scan or PDF, for the review page."""
    out = preview_dir(storage, upload_id)
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
