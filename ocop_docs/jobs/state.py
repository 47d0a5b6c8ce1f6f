"""The `jobs` table, in the store's database next to the documents it fills, so the web and
the CLI show the same state whatever engine runs the jobs (in-process threads or Celery
workers on other machines).

A job is one file. Its life: queued -> running (claimed by a worker, which beats a heartbeat)
-> done | duplicate (its content was already stored) | failed (error kept). A job is claimed
at most `max_attempts` times: a file that kills its worker every time (out of memory, a crash
in a library) fails after that many tries with the reason kept, and a file whose reading fails
cleanly (IngestError: the file itself is bad) fails at once — retrying cannot help.

Enqueueing is idempotent by content hash: the same bytes enqueued twice give the same job.
"""
from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

metadata = sa.MetaData()

STATUSES = ("queued", "running", "done", "duplicate", "failed")
FINISHED = ("done", "duplicate", "failed")
KINDS = ("ingest", "upload")
DEFAULT_MAX_ATTEMPTS = 3
HEARTBEAT_SECONDS = 5.0
STALE_SECONDS = 60.0        # a running job whose heartbeat is older has lost its worker

jobs = sa.Table(
    "jobs", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(10), nullable=False),            # ingest | upload
    sa.Column("path", sa.String(1000), nullable=False),          # where workers read the file
    sa.Column("source", sa.String(1000), nullable=False),        # name shown and stored
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("size", sa.BigInteger),
    sa.Column("upload_id", sa.Integer),                          # web_uploads.id (kind upload)
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("max_attempts", sa.Integer, nullable=False, default=DEFAULT_MAX_ATTEMPTS),
    sa.Column("worker", sa.String(200)),
    sa.Column("error", sa.Text),
    sa.Column("file_id", sa.Integer),                            # files.id once stored
    sa.Column("pages", sa.Integer),
    sa.Column("seconds", sa.Float),                              # of the successful attempt
    sa.Column("cpu_seconds", sa.Float),                          # its CPU time (with tesseract)
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("started_at", sa.DateTime),
    sa.Column("heartbeat_at", sa.DateTime),
    sa.Column("finished_at", sa.DateTime),
    sa.Index("ix_jobs_sha", "kind", "sha256"),
    sa.Index("ix_jobs_status", "status", "id"),
    sa.Index("ix_jobs_upload", "upload_id"),
)


class Busy(Exception):
    """The job is running elsewhere (fresh heartbeat): come back later."""


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def ensure_tables(engine: sa.Engine) -> None:
    try:
        metadata.create_all(engine, checkfirst=True)
    except sa.exc.DatabaseError:
        # another process created it between the check and the creation
        if not sa.inspect(engine).has_table("jobs"):
            raise


def row(engine: sa.Engine, job_id: int) -> dict | None:
    with engine.connect() as conn:
        r = conn.execute(sa.select(jobs).where(jobs.c.id == job_id)).first()
    return dict(r._mapping) if r else None


def enqueue(engine: sa.Engine, *, kind: str, path: str, source: str, sha256: str,
            size: int | None = None, upload_id: int | None = None,
            max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> tuple[int, bool]:
    """The job for these bytes: (id, True) when it is to be sent to the workers (new, or a
    failed one queued again), (id, False) when one is already queued, running or finished.
    Upload jobs are one per upload (the web keeps each upload's own status)."""
    ensure_tables(engine)
    with engine.begin() as conn:
        if kind == "upload":
            found = conn.execute(sa.select(jobs).where(jobs.c.upload_id == upload_id)
                                 .order_by(jobs.c.id.desc())).first()
        else:
            found = conn.execute(sa.select(jobs).where(jobs.c.kind == kind,
                                                       jobs.c.sha256 == sha256)
                                 .order_by(jobs.c.id.desc())).first()
        if found is not None and found.status != "failed":
            return found.id, False
        if found is not None:
            conn.execute(jobs.update().where(jobs.c.id == found.id).values(
                status="queued", attempts=0, error=None, worker=None, path=path,
                started_at=None, heartbeat_at=None, finished_at=None, seconds=None))
            return found.id, True
        job_id = conn.execute(jobs.insert().values(
            kind=kind, path=path, source=source[:1000], sha256=sha256, size=size,
            upload_id=upload_id, status="queued", attempts=0, max_attempts=max_attempts,
            created_at=utcnow())).inserted_primary_key[0]
        return job_id, True


def requeue(engine: sa.Engine, job_id: int) -> None:
    """Queue a job again (the clerk's retry): attempts start afresh."""
    with engine.begin() as conn:
        conn.execute(jobs.update().where(jobs.c.id == job_id).values(
            status="queued", attempts=0, error=None, worker=None, started_at=None,
            heartbeat_at=None, finished_at=None, seconds=None))


def release(engine: sa.Engine, job_id: int, note: str) -> None:
    """A running job whose process is known to be gone (the server restarted): queued again,
    the attempt kept in the count."""
    with engine.begin() as conn:
        conn.execute(jobs.update().where(jobs.c.id == job_id, jobs.c.status == "running")
                     .values(status="queued", error=note, heartbeat_at=None))


def claim(engine: sa.Engine, job_id: int, worker: str, *,
          stale_seconds: float = STALE_SECONDS) -> dict | None:
    """Take the job for `worker`: the row (attempts counted) or None when there is nothing to
    do (finished, unknown, or out of attempts: then it is failed with the reason). Raises Busy
    when another worker holds it with a fresh heartbeat."""
    now = utcnow()
    with engine.begin() as conn:
        q = sa.select(jobs).where(jobs.c.id == job_id)
        if conn.dialect.name == "postgresql":
            q = q.with_for_update()
        r = conn.execute(q).first()
        if r is None or r.status in FINISHED:
            return None
        if (r.status == "running" and r.worker != worker and r.heartbeat_at is not None
                and now - r.heartbeat_at < timedelta(seconds=stale_seconds)):
            raise Busy(f"job {job_id} is running on {r.worker}")
        if r.attempts >= r.max_attempts:
            error = (f"{r.source}: đã thử {r.attempts} lần, lần nào tiến trình xử lý cũng bị "
                     f"dừng giữa chừng ({r.error or 'không rõ lý do'})")
            conn.execute(jobs.update().where(jobs.c.id == job_id).values(
                status="failed", error=error, finished_at=now))
            return None
        # the previous holder's heartbeat gone stale: it died; say so if this one dies too
        note = r.error
        if r.status == "running":
            note = f"tiến trình {r.worker} dừng khi đang xử lý"
        where = [jobs.c.id == job_id, jobs.c.attempts == r.attempts]
        done = conn.execute(jobs.update().where(*where).values(
            status="running", attempts=r.attempts + 1, worker=worker, started_at=now,
            heartbeat_at=now, error=note))
        if done.rowcount != 1:          # another worker took it at the same moment
            raise Busy(f"job {job_id} was just claimed by another worker")
    out = dict(r._mapping)
    out.update(status="running", attempts=r.attempts + 1, worker=worker, started_at=now)
    return out


def heartbeat(engine: sa.Engine, job_id: int, worker: str) -> None:
    with engine.begin() as conn:
        conn.execute(jobs.update().where(jobs.c.id == job_id, jobs.c.worker == worker,
                                         jobs.c.status == "running")
                     .values(heartbeat_at=utcnow()))


def finish(engine: sa.Engine, job_id: int, worker: str, *, status: str, file_id: int | None,
           pages: int | None, seconds: float, cpu_seconds: float | None = None) -> None:
    with engine.begin() as conn:
        conn.execute(jobs.update().where(jobs.c.id == job_id).values(
            status=status, file_id=file_id, pages=pages, seconds=round(seconds, 3),
            cpu_seconds=None if cpu_seconds is None else round(cpu_seconds, 3),
            worker=worker, error=None, finished_at=utcnow()))


def fail(engine: sa.Engine, job_id: int, worker: str, error: str, *, final: bool) -> None:
    """Record a failed attempt: final (the file is bad, or no attempt is left) -> failed;
    otherwise back to queued for the next try."""
    with engine.begin() as conn:
        r = conn.execute(sa.select(jobs.c.attempts, jobs.c.max_attempts)
                         .where(jobs.c.id == job_id)).first()
        last = final or r is None or r.attempts >= r.max_attempts
        conn.execute(jobs.update().where(jobs.c.id == job_id).values(
            status="failed" if last else "queued", error=error, worker=worker,
            finished_at=utcnow() if last else None))


def stale(engine: sa.Engine, *, stale_seconds: float = STALE_SECONDS) -> list[dict]:
    """Jobs queued, or running with no heartbeat for `stale_seconds`."""
    ensure_tables(engine)
    limit = utcnow() - timedelta(seconds=stale_seconds)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(
            sa.select(jobs).where(sa.or_(
                jobs.c.status == "queued",
                sa.and_(jobs.c.status == "running",
                        sa.or_(jobs.c.heartbeat_at.is_(None), jobs.c.heartbeat_at < limit))))
            .order_by(jobs.c.id))]


def listing(engine: sa.Engine, *, status: str | None = None, limit: int = 50) -> list[dict]:
    ensure_tables(engine)
    q = sa.select(jobs).order_by(jobs.c.id.desc()).limit(limit)
    if status:
        q = q.where(jobs.c.status == status)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


def summary(engine: sa.Engine) -> dict:
    """Counts by status, and per worker: files done, pages, busy and CPU seconds (the CPU
    time is what the machine's load does not change), pages a minute (of busy time) and files an hour (over the time from its first start to its last end)."""
    ensure_tables(engine)
    with engine.connect() as conn:
        counts = {s: 0 for s in STATUSES}
        for status, n in conn.execute(sa.select(jobs.c.status, sa.func.count())
                                      .group_by(jobs.c.status)):
            counts[status] = n
        per = conn.execute(
            sa.select(jobs.c.worker, sa.func.count(), sa.func.sum(jobs.c.pages),
                      sa.func.sum(jobs.c.seconds), sa.func.sum(jobs.c.cpu_seconds),
                      sa.func.min(jobs.c.started_at),
                      sa.func.max(jobs.c.finished_at))
            .where(jobs.c.status.in_(("done", "duplicate")), jobs.c.worker.is_not(None))
            .group_by(jobs.c.worker).order_by(jobs.c.worker)).all()
    workers = []
    for name, files, pages, seconds, cpu, first, last in per:
        pages, seconds = int(pages or 0), float(seconds or 0)
        span = (last - first).total_seconds() if first and last else 0
        workers.append({"worker": name, "files": files, "pages": pages,
                        "busy_seconds": round(seconds, 1),
                        "cpu_seconds": round(float(cpu), 1) if cpu is not None else None,
                        "pages_per_minute": round(pages / seconds * 60, 1) if seconds else None,
                        "files_per_hour": round(files / span * 3600, 1) if span > 0 else None})
    return {"counts": counts, "workers": workers}
