"""The jobs table's rules (ocop_docs.jobs.state, runner): idempotent enqueueing by content
hash, a job held by a live worker is not taken twice, a worker that died is taken over, and a
poison file fails after max_attempts with its error kept; a bad file fails at once."""
from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest

from ocop_docs.jobs import runner, state
from task_graph import open_store

SEED = Path(__file__).resolve().parent.parent / "corpus" / "seeds" / "000_d12cc8faf554fa00.txt"


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "store.sqlite3"))
    state.ensure_tables(s.engine)
    yield s
    s.close()


def _enqueue(store, path: Path):
    data = path.read_bytes()
    return state.enqueue(store.engine, kind="ingest", path=str(path), source=path.name,
                         sha256=hashlib.sha256(data).hexdigest(), size=len(data))


def test_same_bytes_same_job(store, tmp_path):
    copy = tmp_path / "copy.txt"
    copy.write_bytes(SEED.read_bytes())
    first, fresh = _enqueue(store, SEED)
    again, fresh_again = _enqueue(store, copy)
    assert fresh and not fresh_again and again == first


def test_live_worker_keeps_its_job_a_dead_one_loses_it(store):
    job_id, _ = _enqueue(store, SEED)
    assert state.claim(store.engine, job_id, "a:1")["attempts"] == 1
    with pytest.raises(state.Busy):
        state.claim(store.engine, job_id, "b:2")
    with store.engine.begin() as conn:               # a:1 stopped beating two minutes ago
        conn.execute(state.jobs.update().values(heartbeat_at=state.utcnow() - timedelta(minutes=2)))
    taken = state.claim(store.engine, job_id, "b:2")
    assert taken["attempts"] == 2 and taken["worker"] == "b:2"
    assert "a:1" in state.row(store.engine, job_id)["error"]


def test_poison_file_fails_after_max_attempts_with_error_kept(store, monkeypatch):
    job_id, _ = _enqueue(store, SEED)

    def crash(store, job, path):
        raise MemoryError("the reader ran out of memory")

    monkeypatch.setitem(runner.WORK, "ingest", crash)
    [final] = runner.run_pending(store, [job_id], worker="w:1")
    assert final["status"] == "failed" and final["attempts"] == state.DEFAULT_MAX_ATTEMPTS
    assert "MemoryError: the reader ran out of memory" in final["error"]
    assert SEED.name in final["error"]


def test_bad_file_fails_at_once_and_a_good_one_is_stored(store, tmp_path):
    bad = tmp_path / "hong.pdf"
    bad.write_bytes(b"%PDF-1.4 nothing else")
    bad_id, _ = _enqueue(store, bad)
    good_id, _ = _enqueue(store, SEED)
    failed, done = runner.run_pending(store, [bad_id, good_id], worker="w:1")
    assert failed["status"] == "failed" and failed["attempts"] == 1
    assert failed["error"].startswith(str(bad)) or "hong.pdf" in failed["error"]
    assert done["status"] == "done" and done["file_id"] and done["pages"] == 1
    assert done["cpu_seconds"] > 0                     # extraction costs CPU time
    summary = state.summary(store.engine)
    assert summary["counts"]["done"] == 1 and summary["counts"]["failed"] == 1
    assert summary["workers"][0]["worker"] == "w:1" and summary["workers"][0]["files"] == 1
