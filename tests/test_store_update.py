"""`Store.update_document`: a corrected record replaces a document's metadata and tasks;
surviving tasks keep their ids, statuses and history; removed tasks leave nothing behind
(agencies, statuses, history, reminder-letter links); one transaction. And the reminder
tables are part of the store's versioned schema (migration step 2)."""
from __future__ import annotations

import copy
import json
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from task_graph import migrations, queries
from task_graph.ingest import ingest_paths
from task_graph.schema import (citations, documents, reminder_letter_tasks, reminder_letters,
                               schema_version, status_history, task_agencies, task_status, tasks)
from task_graph.store import Store, StoreError, open_store

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "seeds" / "000_d12cc8faf554fa00.txt"
GOLD = ROOT / "corpus" / "gold"
PLAN = "5077/KH-SNN"         # the plan in the seed; the cover letter 7590/UBND-KT implements it


@pytest.fixture
def store(db_url) -> Store:
    s = open_store(db_url)
    report = ingest_paths(s, [SEED], extraction_dir=GOLD, progress=False)
    assert not report.failures and report.stored == 1
    yield s
    s.close()


def plan_id(store: Store, number: str = PLAN) -> int:
    with store.connect() as conn:
        return conn.execute(sa.select(documents.c.id)
                            .where(documents.c.number == number)).scalar_one()


def plan_record(store: Store) -> dict:
    with store.connect() as conn:
        raw = conn.execute(sa.select(documents.c.extraction_json)
                           .where(documents.c.id == plan_id(store))).scalar_one()
    return json.loads(raw)


def stored_tasks(store: Store, doc_id: int) -> list:
    with store.connect() as conn:
        return conn.execute(sa.select(tasks).where(tasks.c.document_id == doc_id)
                            .order_by(tasks.c.ordinal)).all()


def add_letter(store: Store, task_ids: list[int]) -> int:
    with store.engine.begin() as conn:
        letter_id = conn.execute(reminder_letters.insert().values(
            issuer="Ủy ban nhân dân tỉnh Đồng Nai", recipient="Sở Nông nghiệp và Phát triển "
            "nông thôn", recipient_key="sở nông nghiệp và phát triển nông thôn",
            kind="overdue", ordinal=1, symbol="UBND-KT", letter_date=date(2020, 3, 1),
            as_of=date(2020, 3, 1), created_at=datetime(2020, 3, 1))).inserted_primary_key[0]
        conn.execute(reminder_letter_tasks.insert(),
                     [{"letter_id": letter_id, "task_id": t} for t in task_ids])
    return letter_id


def rows_referencing(store: Store, task_id: int) -> dict[str, int]:
    with store.connect() as conn:
        return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)
                                     .where(t.c.task_id == task_id)).scalar()
                for t in (task_agencies, task_status, status_history, reminder_letter_tasks)}


def test_ids_keep_tasks_removed_task_leaves_nothing_new_task_added(store):
    doc_id = plan_id(store)
    before = stored_tasks(store, doc_id)
    t0, t1, t2 = before[0].id, before[1].id, before[2].id
    store.set_status(t0, "done", by="lan", note="xong")
    store.set_status(t1, "done", by="lan")
    letter = add_letter(store, [t1, t2])
    assert rows_referencing(store, t1) == {"task_agencies": 1, "task_status": 1,
                                          "status_history": 1, "reminder_letter_tasks": 1}

    rec = plan_record(store)
    gold = rec["tasks"]
    first = {k: v for k, v in gold[0].items() if k != "optional"}   # as the review form sends
    rec["tasks"] = [dict(first, id=t0, due="2020-06-30", lead=["Sở Tài chính"]),
                    dict(gold[2], id=t2),
                    {"action": "Báo cáo kết quả thực hiện về UBND tỉnh", "lead":
                     ["Sở Nông nghiệp và Phát triển nông thôn"], "support": [],
                     "due": "2020-12-15"}]
    result = store.update_document(doc_id, rec)

    assert result["updated"] == 2 and result["added"] == 1
    assert result["removed"] == len(before) - 2
    after = stored_tasks(store, doc_id)
    assert [t.id for t in after][:2] == [t0, t2] == result["task_ids"][:2]
    assert [t.ordinal for t in after] == [0, 1, 2]
    new_id = result["task_ids"][2]
    assert new_id not in {t.id for t in before}
    # the survivor keeps its status and history; its new due date and lead are stored
    detail = queries.task_detail(store, t0)
    assert detail["due"] == "2020-06-30" and detail["status"] == "done"
    assert [h["note"] for h in detail["history"]] == ["xong"]
    assert [a["name"] for a in detail["lead"]] == ["Sở Tài chính tỉnh Đồng Nai"]
    # flags the record does not carry stay as they were
    assert detail["optional"] is before[0].optional is True
    # the removed task: no row anywhere still names it; the letter stays for the task it
    # still chases
    assert all(n == 0 for n in rows_referencing(store, t1).values())
    with pytest.raises(StoreError):
        queries.task_detail(store, t1)
    assert [r["letter_id"] for r in queries.task_detail(store, t2)["reminders"]] == [letter]
    assert queries.task_detail(store, new_id)["due"] == "2020-12-15"


def test_tasks_without_ids_match_by_action_text_then_position(store):
    doc_id = plan_id(store)
    before = stored_tasks(store, doc_id)
    store.set_status(before[3].id, "done", by="lan")
    rec = plan_record(store)
    gold = rec["tasks"]
    # reordered (matched by text, spacing and case aside), the first one's text fixed
    # (matched by position), the last one dropped
    moved = dict(gold[3], action="  " + gold[3]["action"].upper() + " ")
    fixed = dict(gold[0], action=gold[0]["action"] + " (sửa lỗi chính tả)")
    rec["tasks"] = [fixed, gold[2], moved] + gold[4:-1] + [gold[1]]
    result = store.update_document(doc_id, rec)

    ids = result["task_ids"]
    assert ids[0] == before[0].id                      # same position, text edited
    assert ids[1] == before[2].id and ids[2] == before[3].id and ids[-1] == before[1].id
    assert result["added"] == 0 and result["removed"] == 1
    assert before[-1].id not in {t.id for t in stored_tasks(store, doc_id)}
    assert queries.task_detail(store, before[3].id)["status"] == "done"


def test_with_ids_a_new_task_never_takes_a_removed_task_by_position(store):
    doc_id = plan_id(store)
    before = stored_tasks(store, doc_id)
    rec = plan_record(store)
    rec["tasks"] = [dict(t, id=before[i].id) for i, t in enumerate(rec["tasks"][:-1])]
    rec["tasks"].append({"action": "Một nhiệm vụ hoàn toàn mới", "lead": ["Sở Y tế"]})
    result = store.update_document(doc_id, rec)
    assert result["task_ids"][-1] != before[-1].id
    assert result["added"] == 1 and result["removed"] == 1


def test_metadata_and_stored_record_are_replaced(store):
    doc_id = plan_id(store)
    rec = plan_record(store)
    rec.update(subject="Về OCOP (đã hiệu đính)", issued_date="2019-12-14", signer="Trần B")
    store.update_document(doc_id, {k: v for k, v in rec.items() if k != "citations"})
    with store.connect() as conn:
        row = conn.execute(sa.select(documents).where(documents.c.id == doc_id)).first()
        n_cit = conn.execute(sa.select(sa.func.count()).select_from(citations)
                             .where(citations.c.document_id == doc_id)).scalar()
    assert row.subject == "Về OCOP (đã hiệu đính)" and row.signer == "Trần B"
    assert row.issued_date == date(2019, 12, 14)
    stored = json.loads(row.extraction_json)
    assert stored["subject"] == "Về OCOP (đã hiệu đính)"
    assert len(stored["citations"]) == n_cit == 5      # absent key: citations kept
    assert all("id" not in t for t in stored["tasks"])
    assert {t.doc_date for t in stored_tasks(store, doc_id)} == {date(2019, 12, 14)}


def test_number_change_moves_the_citations_that_point_at_the_document(store):
    doc_id = plan_id(store)
    cover = plan_id(store, "7590/UBND-KT")

    def target():
        with store.connect() as conn:
            return conn.execute(sa.select(citations.c.target_document_id).where(
                citations.c.document_id == cover)).scalar_one()

    assert target() == doc_id
    rec = plan_record(store)
    store.update_document(doc_id, dict(rec, number="5078/KH-SNN"))
    assert target() is None
    assert queries.chain(store, "7590/UBND-KT")["documents"][0]["up"][0].get("stored") \
        is not True
    store.update_document(doc_id, dict(rec, number=PLAN))
    assert target() == doc_id


def test_citations_in_the_record_replace_the_stored_ones(store):
    doc_id = plan_id(store)
    rec = plan_record(store)
    rec["citations"] = [{"doc_type": "Quyết định", "number": "1048/QĐ-TTg",
                         "date": "2018-08-21", "issuer": "Thủ tướng Chính phủ"}]
    store.update_document(doc_id, rec)
    with store.connect() as conn:
        numbers = list(conn.execute(sa.select(citations.c.number)
                                    .where(citations.c.document_id == doc_id)).scalars())
    assert numbers == ["1048/QĐ-TTg"]


def test_a_failure_inside_leaves_the_document_as_it_was(store, monkeypatch):
    doc_id = plan_id(store)
    store.set_status(stored_tasks(store, doc_id)[1].id, "done", by="lan")
    before = stored_tasks(store, doc_id)
    counts = store.counts()
    rec = plan_record(store)
    rec["subject"] = "không được lưu"
    rec["tasks"] = [dict(rec["tasks"][0], id=before[0].id),
                    {"action": "Nhiệm vụ mới làm hỏng giao dịch", "lead": ["Sở Y tế"]}]

    def broken(self, *args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Store, "_insert_task", broken)
    with pytest.raises(RuntimeError):
        store.update_document(doc_id, rec)
    assert store.counts() == counts
    assert [tuple(t) for t in stored_tasks(store, doc_id)] == [tuple(t) for t in before]
    assert plan_record(store)["subject"] != "không được lưu"


def test_inside_the_callers_transaction(store):
    doc_id = plan_id(store)
    rec = dict(plan_record(store), subject="trong giao dịch của người gọi")
    with pytest.raises(ZeroDivisionError):
        with store.engine.begin() as conn:
            store.update_document(doc_id, rec, conn=conn)
            1 / 0
    assert plan_record(store)["subject"] != rec["subject"]
    with store.engine.begin() as conn:
        store.update_document(doc_id, rec, conn=conn)
    assert plan_record(store)["subject"] == rec["subject"]


def test_unknown_document_is_a_store_error(store):
    with pytest.raises(StoreError, match="không có văn bản"):
        store.update_document(10_000, {"tasks": []})


# ----------------------------------------------------------------------------- migrations

def test_fresh_database_has_the_reminder_tables(db_url):
    s = open_store(db_url)
    names = set(sa.inspect(s.engine).get_table_names())
    assert {"reminder_letters", "reminder_letter_tasks"} <= names
    with s.connect() as conn:
        assert conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() >= 2
    s.close()


def test_database_where_the_ledger_made_the_tables_keeps_its_letters(db_url, monkeypatch):
    """A version-1 database whose reminder tables the letters package created on first use
    (its own column types) migrates to step 2 with its rows."""
    from task_graph.store import default_db_url
    url = default_db_url(db_url)
    engine = sa.create_engine(url)
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:1])
    migrations.migrate(engine)
    monkeypatch.undo()
    old = sa.MetaData()
    letters = sa.Table("reminder_letters", old,
                       sa.Column("id", sa.Integer, primary_key=True),
                       sa.Column("issuer", sa.String(400), nullable=False),
                       sa.Column("recipient", sa.String(400), nullable=False),
                       sa.Column("recipient_key", sa.String(400), nullable=False),
                       sa.Column("kind", sa.String(10), nullable=False),
                       sa.Column("ordinal", sa.Integer, nullable=False),
                       sa.Column("number", sa.String(100)),
                       sa.Column("symbol", sa.String(100), nullable=False),
                       sa.Column("letter_date", sa.Date, nullable=False),
                       sa.Column("as_of", sa.Date, nullable=False),
                       sa.Column("reply_by", sa.Date), sa.Column("file_path", sa.Text),
                       sa.Column("created_at", sa.DateTime, nullable=False),
                       sa.Column("created_by", sa.String(100)))
    links = sa.Table("reminder_letter_tasks", old,
                     sa.Column("letter_id", sa.Integer, sa.ForeignKey("reminder_letters.id"),
                               primary_key=True, autoincrement=False),
                     sa.Column("task_id", sa.Integer, primary_key=True, autoincrement=False),
                     sa.Column("days_overdue", sa.Integer))
    old.create_all(engine)
    with engine.begin() as conn:
        conn.execute(letters.insert().values(
            id=7, issuer="UBND tỉnh", recipient="Sở Y tế", recipient_key="sở y tế",
            kind="overdue", ordinal=1, number="215", symbol="UBND-KT",
            letter_date=date(2019, 7, 1), as_of=date(2019, 7, 1),
            created_at=datetime(2019, 7, 1)))
        conn.execute(links.insert().values(letter_id=7, task_id=42, days_overdue=3))
    engine.dispose()

    s = open_store(url)
    with s.connect() as conn:
        versions = list(conn.execute(sa.select(schema_version.c.version)).scalars())
        assert versions == list(range(1, migrations.LATEST + 1))
        assert queries.task_reminders(conn, 42) == [{
            "letter_id": 7, "ordinal": 1, "number": "215/UBND-KT", "letter_date": "2019-07-01",
            "issuer": "UBND tỉnh", "recipient": "Sở Y tế", "kind": "overdue",
            "days_overdue": 3, "file": None}]
    s.close()


def test_update_document_copes_with_a_record_copy(store):
    """The caller's record is not changed (ids are only read)."""
    doc_id = plan_id(store)
    rec = plan_record(store)
    rec["tasks"] = [dict(t, id=s.id) for t, s in zip(rec["tasks"], stored_tasks(store, doc_id))]
    snapshot = copy.deepcopy(rec)
    store.update_document(doc_id, rec)
    assert rec == snapshot
