"""Real servers for the queue tests: the Redis server named by $OCOP_DOCS_TEST_REDIS (started
by scripts/services.sh in scripts/run-tests.sh), a Redis server of a test's own (to stop and
start it again), and `ocop-docs worker` processes."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ENV_TEST_REDIS = "OCOP_DOCS_TEST_REDIS"


def redis_url_or_skip() -> str:
    url = os.environ.get(ENV_TEST_REDIS)
    if not url:
        pytest.skip(f"no Redis server given (${ENV_TEST_REDIS}=redis://127.0.0.1:PORT/0; "
                    "scripts/run-tests.sh starts one)")
    pytest.importorskip("celery")
    return url


def with_db(url: str, number: int) -> str:
    """The same server, another database number (each test its own queue)."""
    base = url.rsplit("/", 1)[0] if url.count("/") >= 3 else url.rstrip("/")
    return f"{base}/{number}"


def flush(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OwnRedis:
    """A redis-server of the test's own, on a free port, data in `folder` (append-only file,
    so a stop and start keeps the queue)."""

    def __init__(self, folder: Path):
        if shutil.which("redis-server") is None:
            pytest.skip("redis-server not installed (Debian: redis-server)")
        self.folder = folder
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--dir",
             str(self.folder), "--appendonly", "yes", "--save", ""],
            stdout=open(self.folder / "redis.log", "ab"), stderr=subprocess.STDOUT)
        end = time.monotonic() + 20
        while time.monotonic() < end:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)      # saves the append-only file
            self.proc.wait(timeout=30)


class Workers:
    """`ocop-docs worker` processes (one pool process each) on a queue and a store."""

    def __init__(self, queue: str, db: str, tmp: Path, visibility: int = 3600):
        self.queue, self.db, self.tmp = queue, db, tmp
        self.env = dict(os.environ, PYTHONPATH=str(REPO), OCOP_DOCS_QUEUE_VISIBILITY=str(visibility),
                        HF_HUB_OFFLINE="1")
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "ocop_docs", "worker", "--queue", self.queue, "--db", self.db,
             "--concurrency", "1", "--name", f"{name}@test"],
            cwd=self.tmp, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.procs[name] = proc
        end = time.monotonic() + 120
        while time.monotonic() < end:
            if b" ready." in (self.tmp / f"{name}.log").read_bytes():
                return proc
            if proc.poll() is not None:
                raise AssertionError((self.tmp / f"{name}.log").read_text(errors="replace"))
            time.sleep(0.2)
        raise AssertionError(f"worker {name} did not start")

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def ocop(*args: str, cwd: Path, env: dict | None = None, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ocop_docs", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout,
                          env=dict(os.environ, PYTHONPATH=str(REPO), HF_HUB_OFFLINE="1",
                                   **(env or {})))


def store_content(db: str) -> list[tuple]:
    """What a store holds, without ids, paths or times: each file's hash with its documents'
    fields and their tasks (action, deadline, lead and support agencies by name)."""
    import sqlalchemy as sa

    from task_graph import open_store
    from task_graph.schema import agencies, documents, files, task_agencies, tasks

    store = open_store(db)
    out = []
    with store.connect() as conn:
        names = {r.id: r.name for r in conn.execute(sa.select(agencies.c.id, agencies.c.name))}
        roles: dict[int, list] = {}
        for r in conn.execute(sa.select(task_agencies)):
            roles.setdefault(r.task_id, []).append((r.role, names.get(r.agency_id)))
        by_doc: dict[int, list] = {}
        for t in conn.execute(sa.select(tasks)):
            by_doc.setdefault(t.document_id, []).append(
                (t.action, str(t.due), t.deadline_text, t.recurrence,
                 tuple(sorted(roles.get(t.id, [])))))
        for d in conn.execute(sa.select(documents, files.c.sha256)
                              .join(files, files.c.id == documents.c.file_id)):
            out.append((d.sha256, d.doc_type, d.number, str(d.issued_date), d.issuer,
                        d.subject, tuple(sorted(by_doc.get(d.id, []), key=repr))))
    store.close()
    return sorted(out, key=repr)
