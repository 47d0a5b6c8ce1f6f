"""`ocop-docs db migrate-to URL`: the seeds store (with statuses, a merge,
a web account and a clerk's correction) copied from SQLite to the other back end and back,
counts and checksums verified, answers unchanged; an interrupted copy resumes."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from ocop_docs.cli import main
from task_graph import copy as store_copy
from task_graph import queries as q
from task_graph.ingest import ingest_paths
from task_graph.schema import agencies, documents, tasks
from task_graph.store import StoreError, open_store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
GOLD = ROOT / "corpus" / "gold"


@pytest.fixture
def source(tmp_path) -> str:
    """A SQLite store with every kind of row the tool must carry."""
    from ocop_docs.web import db as web_db

    path = str(tmp_path / "source.sqlite3")
    store = open_store(path)
    assert not ingest_paths(store, [SEEDS], extraction_dir=GOLD, progress=False).failures
    with store.connect() as conn:
        task_id = conn.execute(sa.select(tasks.c.id).order_by(tasks.c.id)).scalar()
        doc_id = conn.execute(sa.select(documents.c.id).order_by(documents.c.id)).scalar()
        a, b = conn.execute(sa.select(agencies.c.id).where(agencies.c.kind == "agency")
                            .order_by(agencies.c.id.desc()).limit(2)).scalars().all()
    store.set_status(task_id, "done", by="lan", evidence="99/BC-SCT", note="đã báo cáo")
    store.merge_agencies(b, a, by="lan")              # merged into a later id: a self link
    web_db.add_user(store.engine, "lan", "clerk", "mot-mat-khau-dai")
    with store.connect() as conn:
        record = json.loads(conn.execute(sa.select(documents.c.extraction_json)
                                         .where(documents.c.id == doc_id)).scalar())
    record["subject"] = (record.get("subject") or "") + " (đã sửa)"
    web_db.apply_correction(store, doc_id, record, by="lan")
    store.close()
    return path


def snapshot(url: str) -> dict:
    store = open_store(url)
    out = {"counts": store.counts(),
           "owes": q.owes(store, as_of="2020-12-31", limit=5000),
           "overdue": q.overdue(store, as_of="2020-06-30", limit=5000),
           "chain": q.chain(store, "5077/KH-SNN"),
           "agencies": q.list_agencies(store)}
    store.close()
    return out


def test_copy_there_and_back(source, db_url, tmp_path, capsys):
    before = snapshot(source)
    assert main(["db", "migrate-to", db_url, "--db", source, "--batch", "50"]) == 0
    out = capsys.readouterr().out
    assert "số dòng và tổng kiểm tra của mọi bảng khớp" in out
    assert snapshot(db_url) == before
    # the copy is a working store: ids continue after the copied ones
    copy = open_store(db_url)
    with copy.connect() as conn:
        users = conn.execute(sa.text("SELECT name FROM web_users")).scalars().all()
        corrections = conn.execute(sa.text("SELECT COUNT(*) FROM web_corrections")).scalar()
    assert users == ["lan"] and corrections == 1
    extraction = {"schema": "ocop-docs.extraction/1", "source": "n.txt", "documents": [{
        "doc_type": "Công văn", "number": "1/UBND", "issued_date": "2021-01-02",
        "issuer": "Ủy ban nhân dân tỉnh Hòa Bình", "citations": [], "tasks": []}]}
    stored = copy.store_extraction(extraction, source_path="n.txt", sha256="e" * 64, text="")
    assert stored.file_id == before["counts"]["files"] + 1
    copy.close()

    back = str(tmp_path / "back.sqlite3")
    report = store_copy.copy_store(db_url, back, batch=1000)
    assert report.ok and {t.name for t in report.tables} >= {
        "files", "documents", "tasks", "agencies", "status_history", "agency_merges",
        "web_users", "web_corrections", "reminder_letters"}
    assert snapshot(back)["counts"]["files"] == before["counts"]["files"] + 1


def test_interrupted_copy_resumes_without_duplicates(source, db_url):
    """A copy killed after two batches of `tasks` keeps what it committed; run again, it
    goes on from there and the result is whole."""
    before = snapshot(source)
    batches = {"n": 0}

    def kill_on_third_batch(conn, clause, multiparams, params, options):
        if isinstance(clause, sa.sql.dml.Insert) and clause.table.name == "tasks":
            batches["n"] += 1
            if batches["n"] > 2:
                raise KeyboardInterrupt

    sa.event.listen(sa.engine.Engine, "before_execute", kill_on_third_batch)
    try:
        with pytest.raises(KeyboardInterrupt):
            store_copy.copy_store(source, db_url, batch=40)
    finally:
        sa.event.remove(sa.engine.Engine, "before_execute", kill_on_third_batch)
    partial = open_store(db_url)
    assert partial.counts()["tasks"] == 80
    partial.close()
    report = store_copy.copy_store(source, db_url, batch=40)
    assert report.ok
    assert {t.name: t.copied_now for t in report.tables}["tasks"] == \
        before["counts"]["tasks"] - 80
    assert snapshot(db_url) == before


def test_a_target_with_data_is_refused(source, db_url):
    target = open_store(db_url)
    assert not ingest_paths(target, [SEEDS / "000_d12cc8faf554fa00.txt"], extraction_dir=GOLD,
                            progress=False).failures
    target.close()
    with pytest.raises(StoreError, match="đã có dữ liệu"):
        store_copy.copy_store(source, db_url)
