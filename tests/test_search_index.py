"""Full-text search through the word indexes: PostgreSQL's GIN index (migration 5), SQLite's
FTS5 tables kept by triggers (migration 7). Answers must be exactly the rows whose folded
text holds every word (whole words), newest first, and follow corrections and deletions."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from task_graph import migrations
from task_graph import queries as q
from task_graph.ingest import ingest_paths
from task_graph.schema import documents, schema_version, tasks
from task_graph.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
GOLD = ROOT / "corpus" / "gold"
QUERIES = ["ke hoach trien khai", "bao cao ket qua", "ocop", "so cong thuong", "2019",
           "xyzzy khong co", "chuong trinh moi xa mot san pham"]


@pytest.fixture
def store(seeded_store):
    return seeded_store


def expected(store, table: sa.Table, text: str, limit: int) -> list[int]:
    """Ids whose search_key holds every word of `text`, newest first: computed here."""
    from task_graph.text import search_key

    words = set(search_key(text).split())
    with store.connect() as conn:
        rows = conn.execute(sa.select(table.c.id, table.c.search_key)).all()
    return sorted((r.id for r in rows if words <= set((r.search_key or "").split())),
                  reverse=True)[:limit]


def found(store, text: str, limit: int = 50) -> tuple[list[int], list[int]]:
    result = q.search(store, text, limit=limit)
    return [d["id"] for d in result["documents"]], [t["task_id"] for t in result["tasks"]]


def uses_word_index(store) -> bool:
    with store.connect() as conn:
        if conn.dialect.name != "sqlite":
            return True
        return all(q._has_word_index(conn, name) for name in migrations.SEARCH_FTS)


def test_search_answers_exactly_the_rows_holding_every_word(store):
    assert uses_word_index(store)
    hits = 0
    for text in QUERIES:
        for limit in (3, 50):
            docs, task_ids = found(store, text, limit)
            assert docs == expected(store, documents, text, limit), text
            assert task_ids == expected(store, tasks, text, limit), text
            hits += len(docs) + len(task_ids)
    assert hits > 100


def test_the_word_index_follows_corrections_and_deletions(store):
    with store.connect() as conn:
        doc_id = conn.execute(sa.select(documents.c.id).where(
            documents.c.number == "5077/KH-SNN")).scalar_one()
        record = json.loads(conn.execute(sa.select(documents.c.extraction_json).where(
            documents.c.id == doc_id)).scalar_one())
    before = found(store, "ke hoach")
    assert doc_id in before[0]
    record = copy.deepcopy(record)
    record["subject"] = "Chương trình quỹ bảo hiểm zyxvut"
    record["tasks"] = [dict(record["tasks"][0], action="Xây dựng kho dữ liệu qwertyz"),
                       *record["tasks"][1:3]]
    store.update_document(doc_id, record)
    docs, task_ids = found(store, "zyxvut")
    assert docs == [doc_id]
    assert found(store, "kho du lieu qwertyz")[1] == expected(store, tasks, "qwertyz", 50) != []
    for text in QUERIES:                       # removed tasks and the old subject are gone
        assert found(store, text) == (expected(store, documents, text, 50),
                                      expected(store, tasks, text, 50)), text


def test_a_sqlite_store_from_before_step_7_gets_its_word_index(tmp_path):
    db = tmp_path / "old.sqlite3"
    s = open_store(str(db))
    assert not ingest_paths(s, [SEEDS], extraction_dir=GOLD, progress=False).failures
    answers = {text: found(s, text) for text in QUERIES}
    with s.engine.begin() as conn:                 # back to step 6: no FTS tables, no triggers
        for fts in migrations.SEARCH_FTS.values():
            for event in ("insert", "delete", "update"):
                conn.exec_driver_sql(f"DROP TRIGGER tr_{fts}_{event}")
            conn.exec_driver_sql(f"DROP TABLE {fts}")
        conn.execute(schema_version.delete().where(schema_version.c.version == 7))
    s.close()
    s = open_store(str(db))
    assert uses_word_index(s)
    assert {text: found(s, text) for text in QUERIES} == answers
    with s.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                                    "AND name LIKE 'tr_%_fts_%'")).scalar() == 6
