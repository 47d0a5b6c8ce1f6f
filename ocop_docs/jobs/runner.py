"""One job from claim to finish: the same code whether a thread of the CLI or web application
runs it or a queue worker on another machine does.

`run_job` claims the job (counting the attempt), beats a heartbeat while it works, does the
work of its kind and records the result; the store's own transaction per file makes the work
all-or-nothing, and the content hash makes a repeated attempt harmless (a file stored by an
attempt that died before recording it is found and linked, not stored twice).

Kinds: "ingest" (`ocop-docs ingest --queue`: exactly what `ingest` does in-process) and
"upload" (a web upload: the web's extraction with page images, its web_uploads row kept up
to date).
"""
from __future__ import annotations

import hashlib
import logging
import threading
import time
from pathlib import Path

from ocop_docs.jobs import state

log = logging.getLogger(__name__)


class Outcome(dict):
    """status (done | duplicate), file_id, pages."""


def count_pages(path: Path) -> int:
    """Pages of a PDF or frames of an image (what OCR reads); 1 for other files."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".pdf":
            import pypdfium2 as pdfium

            pdf = pdfium.PdfDocument(str(path))
            try:
                return len(pdf)
            finally:
                pdf.close()
        if suffix in (".tif", ".tiff", ".png", ".jpg", ".jpeg", ".bmp", ".webp"):
            from PIL import Image

            with Image.open(path) as im:
                return getattr(im, "n_frames", 1)
    except Exception:  # noqa: BLE001 - a count for throughput figures only
        return 1
    return 1


def _ingest(store, job: dict, path: Path) -> Outcome:
    from task_graph.ingest import default_extractor, ingest_file

    stored = ingest_file(store, path, extractor=default_extractor())
    file_id = stored.file_id or None
    if stored.already_present:
        found = store.file_by_hash(job["sha256"])
        file_id = found["id"] if found else None
    return Outcome(status="duplicate" if stored.already_present else "done", file_id=file_id,
                   pages=count_pages(path))


def _upload(store, job: dict, path: Path) -> Outcome:
    from ocop_docs.web.jobs import process_upload

    result = process_upload(store, path.parent, job["upload_id"])
    return Outcome(status=result["status"], file_id=result["file_id"], pages=count_pages(path))


WORK = {"ingest": _ingest, "upload": _upload}


def _cpu_time() -> float:
    """CPU seconds of this process and of the children it has waited for (tesseract runs)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _beat(engine, job_id: int, worker: str, stop: threading.Event) -> None:
    while not stop.wait(state.HEARTBEAT_SECONDS):
        try:
            state.heartbeat(engine, job_id, worker)
        except Exception:  # noqa: BLE001 - a missed beat is no failure
            log.warning("heartbeat of job %s failed", job_id)


def run_job(store, job_id: int, worker: str | None = None) -> dict | None:
    """Do job `job_id`; returns its final row, or None when there was nothing to do. Raises
    state.Busy when another worker holds it, and re-raises unexpected errors after recording
    the attempt (the queue engine then retries the message)."""
    from ocop_docs.ingest import IngestError

    engine = store.engine
    worker = worker or state.worker_name()
    job = state.claim(engine, job_id, worker)
    if job is None:
        return state.row(engine, job_id)
    _mark_upload(store, job, status="running")
    stop = threading.Event()
    beat = threading.Thread(target=_beat, args=(engine, job_id, worker, stop), daemon=True)
    beat.start()
    began, cpu_began = time.monotonic(), _cpu_time()
    try:
        path = Path(job["path"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise IngestError(job["source"], f"không đọc được tệp ({exc.strerror or exc})") from exc
        if hashlib.sha256(data).hexdigest() != job["sha256"]:
            raise IngestError(job["source"], "nội dung tệp đã đổi sau khi xếp hàng xử lý")
        del data
        outcome = WORK[job["kind"]](store, job, path)
    except IngestError as exc:            # the file itself is bad: no retry helps
        message = str(exc)
        state.fail(engine, job_id, worker, message, final=True)
        _mark_upload(store, job, status="failed", error=exc.problem)
        return state.row(engine, job_id)
    except Exception as exc:              # noqa: BLE001 - recorded, then retried by the engine
        message = f"{job['source']}: {exc.__class__.__name__}: {exc}"
        log.exception("job %s (%s) failed", job_id, job["source"])
        state.fail(engine, job_id, worker, message, final=False)
        final = state.row(engine, job_id)
        if final and final["status"] == "failed":
            _mark_upload(store, job, status="failed", error=message)
            return final
        _mark_upload(store, job, status="queued")
        raise
    finally:
        stop.set()
    state.finish(engine, job_id, worker, status=outcome["status"], file_id=outcome["file_id"],
                 pages=outcome["pages"], seconds=time.monotonic() - began,
                 cpu_seconds=_cpu_time() - cpu_began)
    return state.row(engine, job_id)


def _mark_upload(store, job: dict, **values) -> None:
    if job["kind"] != "upload" or job.get("upload_id") is None:
        return
    from ocop_docs.web import db

    if values.get("status") in ("failed",):
        values["finished_at"] = db.utcnow()
    db.set_upload(store.engine, job["upload_id"], **values)


def run_pending(store, job_ids: list[int], worker: str | None = None) -> list[dict]:
    """Run jobs one after another in this process (no queue): each retried here while its
    attempts last."""
    out = []
    for job_id in job_ids:
        final = None
        for tries in range(state.DEFAULT_MAX_ATTEMPTS + 3):
            try:
                final = run_job(store, job_id, worker)
            except state.Busy:
                final = state.row(store.engine, job_id)
            except Exception:  # noqa: BLE001 - recorded by run_job (or the store is away)
                time.sleep(min(30, 0.5 * 2 ** tries))
                continue
            if final is None or final["status"] != "queued":
                break
        out.append(final)
    return out
