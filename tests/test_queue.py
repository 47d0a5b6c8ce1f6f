"""The distributed job queue against real servers (issue 10, part 4): a Redis server and
`ocop-docs worker` processes. Skipped, with the reason, when no Redis URL is given
($OCOP_DOCS_TEST_REDIS; scripts/run-tests.sh starts a throw-away server and sets it)."""
from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from processes import descendants, survivors
from queue_servers import (REPO, OwnRedis, Workers, flush, ocop, redis_url_or_skip,
                           store_content, with_db)

SEEDS = REPO / "corpus" / "seeds"
REAL_TEXT = REPO / "corpus" / "real" / "text"

pytestmark = pytest.mark.slow


def _job_rows(db: str) -> list[dict]:
    from ocop_docs.jobs import state
    from task_graph import open_store

    store = open_store(db)
    try:
        return state.listing(store.engine, limit=1000)
    finally:
        store.close()


def test_queue_gives_the_same_store_as_in_process(tmp_path):
    url = with_db(redis_url_or_skip(), 1)
    flush(url)
    inputs = tmp_path / "in"
    shutil.copytree(SEEDS, inputs / "seeds")
    shutil.copytree(REAL_TEXT, inputs / "real")
    (inputs / "broken.pdf").write_bytes(b"%PDF-1.4\nnot a pdf at all\n")     # a bad file
    queued_db = str(tmp_path / "queued.sqlite3")
    local_db = str(tmp_path / "local.sqlite3")
    workers = Workers(url, queued_db, tmp_path)
    try:
        workers.start("w1")
        workers.start("w2")
        run = ocop("ingest", str(inputs), "--db", queued_db, "--queue", url, "--wait", "--json",
                   cwd=tmp_path)
        assert run.returncode == 1, run.stderr               # the bad file is reported
        report = json.loads(run.stdout)
        assert report["stored"] == 20 and len(report["failures"]) == 1
        assert "broken.pdf" in report["failures"][0]["error"]
        # enqueueing the same files again does nothing new (idempotent by content hash)
        again = ocop("ingest", str(inputs), "--db", queued_db, "--queue", url, "--wait",
                     "--json", cwd=tmp_path)
        assert json.loads(again.stdout)["stored"] == 0
    finally:
        workers.stop()
    rows = _job_rows(queued_db)
    assert {r["worker"].split(":")[0] for r in rows if r["status"] == "done"} == \
        {"w1@test", "w2@test"}                                   # both workers took files
    failed = [r for r in rows if r["status"] == "failed"]
    assert len(failed) == 1 and failed[0]["attempts"] == 1 and "broken.pdf" in failed[0]["error"]
    local = ocop("ingest", str(inputs), "--db", local_db, cwd=tmp_path)
    assert local.returncode == 1
    assert store_content(queued_db) == store_content(local_db)
    assert len(store_content(local_db)) >= 20
    listing = ocop("jobs", "--db", queued_db, cwd=tmp_path)
    assert "xong 20" in listing.stdout and "lỗi 1" in listing.stdout
    assert "w1@test" in listing.stdout and "trang/phút" in listing.stdout


@pytest.mark.ocr
def test_worker_killed_mid_job_the_other_finishes_it(tmp_path, require_ocr):
    url = with_db(redis_url_or_skip(), 2)
    flush(url)
    scan = tmp_path / "013.pdf"                     # 4 pages: a job of about half a minute
    shutil.copy(REPO / "corpus" / "real" / "scans" / "013.pdf", scan)
    db = str(tmp_path / "store.sqlite3")
    workers = Workers(url, db, tmp_path, visibility=8)
    try:
        procs = {"w1": workers.start("w1"), "w2": workers.start("w2")}
        sent = ocop("ingest", str(scan), "--db", db, "--queue", url, cwd=tmp_path)
        assert sent.returncode == 0, sent.stderr
        holder = None
        end = time.monotonic() + 120
        while holder is None and time.monotonic() < end:
            rows = _job_rows(db)
            if rows and rows[0]["status"] == "running":
                holder = rows[0]["worker"].split("@")[0]
            time.sleep(0.1)
        assert holder in procs
        victim = procs[holder]
        time.sleep(2)
        tree = descendants(victim.pid)
        assert _job_rows(db)[0]["status"] == "running"                     # mid-job
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
        assert not survivors(tree), "the killed worker left processes behind"
        end = time.monotonic() + 300
        while time.monotonic() < end:
            rows = _job_rows(db)
            if rows[0]["status"] not in ("queued", "running"):
                break
            time.sleep(1)
    finally:
        workers.stop()
    other = ({"w1", "w2"} - {holder}).pop()
    job = _job_rows(db)[0]
    assert job["status"] == "done", job
    assert job["worker"].startswith(f"{other}@test") and job["attempts"] == 2
    assert len(store_content(db)) == 1


def test_ingestion_resumes_after_redis_stops_briefly(tmp_path):
    redis_url_or_skip()
    (tmp_path / "redis").mkdir()
    server = OwnRedis(tmp_path / "redis")
    server.start()
    inputs = tmp_path / "in"
    shutil.copytree(SEEDS, inputs / "seeds")
    shutil.copytree(REAL_TEXT, inputs / "real")
    db = str(tmp_path / "store.sqlite3")
    workers = Workers(server.url, db, tmp_path, visibility=10)
    try:
        workers.start("w1")
        producer = subprocess.Popen(
            [sys.executable, "-m", "ocop_docs", "ingest", str(inputs), "--db", db, "--queue",
             server.url, "--wait", "--json"], cwd=tmp_path, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env=workers.env)
        # stop Redis once the worker has started on the files, start it again 4 s later
        end = time.monotonic() + 120
        while time.monotonic() < end and not any(r["status"] != "queued" for r in _job_rows(db)):
            time.sleep(0.2)
        server.stop()
        time.sleep(4)
        server.start()
        out, err = producer.communicate(timeout=600)
        assert producer.returncode == 0, err
        assert json.loads(out)["stored"] == 20
    finally:
        workers.stop()
        server.stop()
    assert all(r["status"] == "done" for r in _job_rows(db))
    assert len(store_content(db)) >= 20


def test_no_redis_url_means_in_process(tmp_path, monkeypatch):
    """Without a queue URL ingest works as before (no queue, no workers needed)."""
    monkeypatch.delenv("OCOP_DOCS_QUEUE", raising=False)
    run = ocop("ingest", str(SEEDS), "--db", str(tmp_path / "s.sqlite3"), "--json", cwd=tmp_path,
               env={"OCOP_DOCS_QUEUE": ""})
    assert run.returncode == 0 and json.loads(run.stdout)["stored"] == 5
