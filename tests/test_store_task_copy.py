"""task_agencies carries a copy of its task's status, next_due and doc_date (migration step 6),
kept by database triggers, so `owes` for a set of agencies reads one index. The copy must
follow every write (ingest, status changes, corrections, agency merges), and a store made
before step 6 must get it filled when opened."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from task_graph import migrations
from task_graph import queries as q
from task_graph.ingest import ingest_paths
from task_graph.schema import documents, schema_version, task_agencies, tasks
from task_graph.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
GOLD = ROOT / "corpus" / "gold"
AGENCY = "Sở Công Thương tỉnh Hòa Bình"


@pytest.fixture
def store(seeded_store):
    return seeded_store


def stale_links(store) -> list:
    """Links whose copy differs from their task's values (empty when the copy is right)."""
    ta, t = task_agencies.c, tasks.c
    differs = sa.or_(*[sa.and_(ta[c].is_distinct_from(t[c])) for c in
                       migrations.COPIED_TASK_COLUMNS])
    with store.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(task_agencies)).scalar()
        assert total > 100
        return conn.execute(sa.select(ta.task_id, ta.agency_id, ta.status, t.status)
                            .select_from(task_agencies.join(tasks, t.id == ta.task_id))
                            .where(differs)).all()


def owed(store, agency=AGENCY, **kwargs):
    result = q.owes(store, agency, as_of="2021-06-30", role="any", limit=1000, **kwargs)
    return [(t["task_id"], t["period"], t["due"], t["role"])
            for g in result["agencies"] for t in g["tasks"]]


def test_ingest_fills_the_copy(store):
    assert stale_links(store) == []
    with store.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(task_agencies)
                            .where(task_agencies.c.status.is_(None))).scalar() == 0


def test_status_changes_reach_the_copy(store):
    before = owed(store)
    one_off = [r for r in before if r[1] is None]
    task_id = one_off[0][0]
    store.set_status(task_id, "done", by="thu.ky")
    assert stale_links(store) == []
    with store.connect() as conn:
        assert set(conn.execute(sa.select(task_agencies.c.status)
                                .where(task_agencies.c.task_id == task_id)).scalars()) == {"done"}
    assert task_id not in {r[0] for r in owed(store)}
    assert task_id in {r[0] for r in owed(store, include_done=True)}
    store.set_status(task_id, "open", by="thu.ky")
    assert stale_links(store) == [] and owed(store) == before


def test_corrections_and_merges_keep_the_copy(store):
    with store.connect() as conn:
        doc_id, = conn.execute(sa.select(documents.c.id).where(
            documents.c.number == "5077/KH-SNN")).first()
        task_id = conn.execute(sa.select(tasks.c.id).where(tasks.c.document_id == doc_id,
                                                           tasks.c.recurrence.is_(None))
                               .order_by(tasks.c.ordinal)).scalars().first()
    # a task's date moved by hand (as a correction does) reaches its links
    with store.engine.begin() as conn:
        conn.execute(tasks.update().where(tasks.c.id == task_id)
                     .values(due=date(2020, 6, 30), next_due=date(2020, 6, 30)))
    assert stale_links(store) == []
    with store.connect() as conn:
        assert {str(d) for d in conn.execute(sa.select(task_agencies.c.next_due).where(
            task_agencies.c.task_id == task_id)).scalars()} == {"2020-06-30"}
    # links moved to another agency by a merge keep their task's values
    agencies = q.list_agencies(store)
    a, b = [x["id"] for x in agencies if x["kind"] == "agency"][:2]
    store.merge_agencies(a, b, by="test")
    assert stale_links(store) == []


def test_a_store_from_before_step_6_is_filled_when_opened(db_url):
    s = open_store(db_url)
    assert not ingest_paths(s, [SEEDS], extraction_dir=GOLD, progress=False).failures
    before = owed(s), owed(s, overdue=True), owed(s, "Sở Công Thương")
    # back to step 5: no triggers, no copy, versions 6 and later not recorded
    with s.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("DROP TRIGGER tr_task_agencies_copy_task ON task_agencies")
            conn.exec_driver_sql("DROP TRIGGER tr_tasks_copy_to_agencies ON tasks")
        else:
            for name in ("tr_task_agencies_copy_task", "tr_task_agencies_moved",
                         "tr_tasks_copy_to_agencies"):
                conn.exec_driver_sql(f"DROP TRIGGER {name}")
        conn.execute(task_agencies.update().values(status=None, next_due=None, doc_date=None))
        conn.execute(schema_version.delete().where(schema_version.c.version >= 6))
    s.close()
    assert stale_links(s) != []

    s = open_store(db_url)
    assert stale_links(s) == []
    assert (owed(s), owed(s, overdue=True), owed(s, "Sở Công Thương")) == before
    task_id = before[0][0][0]
    s.set_status(task_id, "done", by="thu.ky")           # the triggers are back
    assert stale_links(s) == []
