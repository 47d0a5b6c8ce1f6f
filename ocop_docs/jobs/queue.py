"""The distributed engine: Celery with a Redis broker (any Celery broker URL works).

A message carries only a job id; the job itself (file path, hash, attempts, result) is in the
store's jobs table, which every worker reaches through its own `--db`. Files are read from the
job's path, so workers on other machines need the same path (a shared folder).

Durability:
* `task_acks_late` — a message is acknowledged only when its job has finished, so a worker
  killed mid-job (SIGKILL, power cut) leaves it unacknowledged and the broker hands it to
  another worker once the visibility timeout has passed ($OCOP_DOCS_QUEUE_VISIBILITY seconds,
  default 3600; it must exceed the longest job);
* `task_reject_on_worker_lost` — a pool process that dies mid-job gives its message back at once;
* attempts are counted in the jobs table (`state.claim`): a file that kills its worker every
  time fails after `max_attempts` with the reason kept, and a bad file fails at once;
* a job running elsewhere with a fresh heartbeat is not done twice: the copy is retried later.

Workers run one single-threaded tesseract per pool process (OMP_THREAD_LIMIT=1, pages read in
order within a file) and as many pool processes as cores: files, not pages, are spread.
"""
from __future__ import annotations

import os
from functools import lru_cache

from ocop_docs.jobs import ENV_QUEUE

TASK_NAME = "ocop_docs.run_job"
ENV_VISIBILITY = "OCOP_DOCS_QUEUE_VISIBILITY"
ENV_DB = "OCOP_DOCS_DB"
QUEUE_NAME = "ocop-docs"
BUSY_RETRY_SECONDS = 30


class QueueError(Exception):
    """The queue cannot be reached or used; str() is a one-line Vietnamese message."""


def queue_url(url: str | None = None) -> str | None:
    return url or os.environ.get(ENV_QUEUE) or None


def visibility_timeout() -> int:
    try:
        return max(5, int(os.environ.get(ENV_VISIBILITY, "3600")))
    except ValueError:
        return 3600


@lru_cache(maxsize=None)
def app_for(url: str):
    try:
        from celery import Celery
    except ImportError:
        raise QueueError("hàng đợi cần gói celery và redis (pip install 'celery[redis]')") from None

    app = Celery("ocop_docs", broker=url)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_default_queue=QUEUE_NAME,
        task_serializer="json", accept_content=["json"],
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,         # a worker waits for the broker to return
        # unacknowledged messages older than the visibility timeout are given back, checked
        # every few seconds (kombu's default sweep is ~100 s apart)
        broker_transport_options={"visibility_timeout": visibility_timeout(),
                                  "unacked_restore_interval": min(10, visibility_timeout() / 2),
                                  "unacked_restore_throttle": 1},
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
    )

    @app.task(name=TASK_NAME, bind=True, max_retries=None)
    def run_job_task(self, job_id: int) -> str | None:
        from ocop_docs.jobs import state
        from ocop_docs.jobs.runner import run_job

        store = _worker_store()
        try:
            final = run_job(store, int(job_id), worker=_worker_name(self))
        except state.Busy as exc:
            raise self.retry(countdown=BUSY_RETRY_SECONDS, exc=exc)
        except Exception as exc:  # noqa: BLE001 - recorded in the jobs table; try again
            row = state.row(store.engine, int(job_id))
            if row is not None and row["status"] == "queued":
                raise self.retry(countdown=min(60, 2 ** row["attempts"]), exc=exc)
            raise
        return final["status"] if final else None

    return app


def _worker_name(task) -> str:
    hostname = getattr(task.request, "hostname", None) or "worker"
    return f"{hostname}:{os.getpid()}"


_STORE = None


def _worker_store():
    """The worker's store (its --db, passed as $OCOP_DOCS_DB), opened once per process."""
    global _STORE
    if _STORE is None:
        from task_graph import open_store

        _STORE = open_store(os.environ.get(ENV_DB))
    return _STORE


def send(url: str, job_id: int) -> None:
    """Put a job on the queue; retried while the broker is briefly away (about a minute)."""
    app = app_for(url)
    try:
        app.send_task(TASK_NAME, args=[int(job_id)], queue=QUEUE_NAME, retry=True,
                      retry_policy={"max_retries": 30, "interval_start": 0.5,
                                    "interval_step": 1.0, "interval_max": 3.0})
    except Exception as exc:  # noqa: BLE001 - kombu's connection errors vary by transport
        raise QueueError(f"không gửi được việc vào hàng đợi {redact(url)} "
                         f"({exc.__class__.__name__}: {exc})") from None


def redact(url: str) -> str:
    """The URL without its password."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _init_pool_process(**_kwargs) -> None:
    """In each pool process: die with the worker (Linux), OCR pages in order here with one
    single-threaded tesseract (the pool processes are the parallelism), a fresh store."""
    from ocop_docs.lifetime import die_with_parent

    die_with_parent()
    os.environ["OMP_THREAD_LIMIT"] = "1"
    os.environ["OCOP_DOCS_OCR_WORKERS"] = "1"
    global _STORE
    _STORE = None


def worker(url: str, *, concurrency: int | None = None, name: str | None = None,
           loglevel: str = "INFO") -> int:
    """Run a worker until stopped (SIGTERM: finish the running jobs, then exit)."""
    from celery.signals import worker_process_init

    os.environ["OMP_THREAD_LIMIT"] = "1"
    os.environ["OCOP_DOCS_OCR_WORKERS"] = "1"
    worker_process_init.connect(_init_pool_process, weak=False)
    app = app_for(url)
    argv = ["worker", f"--concurrency={concurrency or os.cpu_count() or 1}",
            f"--loglevel={loglevel}", "--pool=prefork", "--without-gossip", "--without-mingle",
            "--without-heartbeat", "-Q", QUEUE_NAME]
    if name:
        argv += ["-n", name]
    app.worker_main(argv)
    return 0
