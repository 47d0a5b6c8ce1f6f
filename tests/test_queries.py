"""Queries on the bundled corpus: owes, overdue, upcoming, done/reopen, recurring tasks."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from task_graph import queries as q
from task_graph import recurrence as rec
from task_graph.ingest import ingest_paths
from task_graph.store import StoreError, open_store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
GOLD = ROOT / "corpus" / "gold"


@pytest.fixture(scope="module")
def loaded(module_db_url):
    s = open_store(module_db_url)
    assert not ingest_paths(s, [SEEDS], extraction_dir=GOLD, progress=False).failures
    return s


@pytest.fixture
def store(db_url):
    s = open_store(db_url)
    ingest_paths(s, [SEEDS], extraction_dir=GOLD, progress=False)
    return s


def rows(result):
    return [dict(t, agency=g["agency"]["name"]) for g in result["agencies"] for t in g["tasks"]]


def gold_tasks():
    for f in sorted(GOLD.glob("*.gold.json")):
        for doc in json.loads(f.read_text(encoding="utf-8"))["documents"]:
            for t in doc["tasks"]:
                yield doc, t


def test_hoa_binh_plan_tasks_of_so_cong_thuong_come_back(loaded):
    result = q.owes(loaded, "Sở Công Thương", as_of="2020-12-31", include_groups=False)
    hb = [g for g in result["agencies"] if g["agency"]["name"] == "Sở Công Thương tỉnh Hòa Bình"]
    assert hb, [g["agency"]["name"] for g in result["agencies"]]
    got = {(t["document"]["number"], t["section"], t["action"]) for t in hb[0]["tasks"]}
    expected = {("125/KH-UBND", t["section"], t["action"]) for doc, t in gold_tasks()
                if doc["number"] == "125/KH-UBND" and "Sở Công Thương" in t["lead"]}
    assert expected and got == expected
    vii1 = [t for t in hb[0]["tasks"] if t["section"] == "PL.VII.1"][0]
    assert vii1["due"] == "2019-06-30" and vii1["overdue"]
    assert vii1["document"]["issued_date"] == "2018-09-20"


@pytest.mark.parametrize("typed", ["so cong thuong", "SỞ CÔNG THƯƠNG", "Sở Công thương tỉnh Hòa Bình"])
def test_agency_matched_by_any_spelling(loaded, typed):
    names = {g["agency"]["name"] for g in q.owes(loaded, typed, as_of="2020-12-31")["agencies"]}
    assert "Sở Công Thương tỉnh Hòa Bình" in names


def test_abbreviated_agency_query(loaded):
    result = q.owes(loaded, "Sở NN-PTNT", as_of="2020-12-31", include_groups=False)
    names = {g["agency"]["name"] for g in result["agencies"]}
    assert "Sở Nông nghiệp và Phát triển nông thôn tỉnh Hòa Bình" in names


def test_group_tasks_reach_their_members(loaded):
    result = q.owes(loaded, "Sở Công Thương tỉnh Hòa Bình", as_of="2020-12-31")
    via = {t["via_group"] for t in rows(result) if t["via_group"]}
    assert any(v.startswith("Các Sở, ban, ngành") for v in via)
    plain = q.owes(loaded, "Sở Công Thương tỉnh Hòa Bình", as_of="2020-12-31",
                   include_groups=False)
    assert all(t["via_group"] is None for t in rows(plain))


MONTHS = {"annual": 12, "semiannual": 6, "quarterly": 3, "monthly": 1}


def expected_overdue(as_of: date) -> int:
    """Overdue occurrences computed straight from the gold, independently of the store."""
    n = 0
    for doc, t in gold_tasks():
        issued = date.fromisoformat(doc["issued_date"]) if doc["issued_date"] else None
        if not t["lead"] or (issued and issued > as_of):
            continue
        due = date.fromisoformat(t["due"]) if t["due"] else None
        months = MONTHS.get(t["recurrence"])
        if months and (issued or due):
            start = issued or due
            index = start.year * 12 + (start.month - 1) // months * months   # first period
            while True:
                end_index = index + months                # first month after the period
                period_end = date(end_index // 12, end_index % 12 + 1, 1).toordinal() - 1
                if period_end >= as_of.toordinal():
                    break
                n += 1
                index = end_index
        elif due and due < as_of:
            n += 1
    return n


@pytest.mark.parametrize("as_of", ["2019-06-30", "2019-12-31", "2020-12-31"])
def test_overdue_for_a_fixed_day(loaded, as_of):
    result = q.overdue(loaded, as_of)
    got = {(t["task_id"], t["period"]) for t in rows(result)}
    assert all(t["overdue"] and t["status"] == "open" for t in rows(result))
    assert all(t["due"] < as_of for t in rows(result))
    assert len(got) == expected_overdue(date.fromisoformat(as_of))


def test_overdue_lists_exact_items(loaded):
    hb = q.overdue(loaded, "2019-07-01", "Sở Công Thương tỉnh Hòa Bình")
    got = sorted((t["section"], t["period"], t["due"]) for t in rows(hb) if not t["via_group"])
    assert got == [("PL.III.2", None, "2019-03-31"), ("PL.III.4", None, "2019-03-31"),
                   ("PL.VII.1", None, "2019-06-30"), ("V.4", "2018", "2018-12-31")]
    # the due day itself is not overdue yet
    assert "PL.VII.1" not in {t["section"] for t in rows(q.overdue(loaded, "2019-06-30",
                                                                  "Sở Công Thương tỉnh Hòa Bình"))}


def test_documents_issued_after_as_of_are_not_owed_yet(loaded):
    def names(as_of):
        return {g["agency"]["name"] for g in q.owes(loaded, as_of=as_of, limit=5000)["agencies"]}
    assert "Sở Nông nghiệp và Môi trường tỉnh Đồng Nai" not in names("2020-12-31")   # 2025 plan
    assert "Sở Nông nghiệp và Môi trường tỉnh Đồng Nai" in names("2025-12-31")


def test_due_before(loaded):
    result = rows(q.owes(loaded, as_of="2020-12-31", due_before="2019-03-31"))
    assert result and all(t["due"] and t["due"] <= "2019-03-31" for t in result)


def test_upcoming(loaded):
    result = rows(q.upcoming(loaded, 31, as_of="2019-06-01"))
    assert {t["due"] for t in result} == {"2019-06-30"}
    assert {"PL.VII.1", "PL.VII.2", "PL.VII.3", "PL.VII.6"} <= {t["section"] for t in result}


def test_owes_for_all_agencies_pages_without_overlap(loaded):
    first = q.owes(loaded, as_of="2020-12-31", limit=40)
    second = q.owes(loaded, as_of="2020-12-31", limit=40, offset=40)
    assert first["truncated"] and second["truncated"]
    ids1 = {t["task_id"] for t in rows(first)}
    ids2 = {t["task_id"] for t in rows(second)}
    assert ids1 and ids2 and not ids1 & ids2
    everything = q.owes(loaded, as_of="2020-12-31", limit=100000)
    assert not everything["truncated"]


def test_done_and_reopen_keep_history(store):
    before = {(t["task_id"], t["period"]) for t in rows(q.overdue(store, "2019-12-31"))}
    task_id = [t for t in rows(q.overdue(store, "2019-12-31", "Sở Công Thương tỉnh Hòa Bình"))
               if t["section"] == "PL.VII.1"][0]["task_id"]
    store.set_status(task_id, "done", by="thu.ky", evidence="125/KH-UBND", note="đã ban hành")
    after = {(t["task_id"], t["period"]) for t in rows(q.overdue(store, "2019-12-31"))}
    assert before - after == {(task_id, None)}
    store.set_status(task_id, "open", by="dieu.phoi")
    assert {(t["task_id"], t["period"]) for t in rows(q.overdue(store, "2019-12-31"))} == before
    detail = q.task_detail(store, task_id)
    assert [(h["status"], h["by"]) for h in detail["history"]] == [("done", "thu.ky"),
                                                                   ("open", "dieu.phoi")]
    assert detail["history"][0]["evidence"] == "125/KH-UBND"


def test_recurring_task_has_one_occurrence_per_period(store):
    annual = [t for t in rows(q.owes(store, "Sở Công Thương tỉnh Hòa Bình", as_of="2020-12-31",
                                     include_groups=False)) if t["recurrence"] == "annual"]
    task_id = annual[0]["task_id"]
    periods = [t["period"] for t in annual if t["task_id"] == task_id]
    assert periods == ["2018", "2019", "2020"]
    store.set_status(task_id, "done", period="2019", by="x")
    left = [t["period"] for t in rows(q.owes(store, "Sở Công Thương tỉnh Hòa Bình",
                                             as_of="2020-12-31", include_groups=False))
            if t["task_id"] == task_id]
    assert left == ["2018", "2020"]
    detail = q.task_detail(store, task_id, as_of="2020-12-31")
    assert [(o["period"], o["status"]) for o in detail["occurrences"]] == [
        ("2018", "open"), ("2019", "done"), ("2020", "open")]
    with pytest.raises(StoreError):
        store.set_status(task_id, "done", period="2019-Q1")


@pytest.mark.parametrize("kwargs", [{}, {"overdue": True}, {"due_before": "2020-06-30"}])
def test_keyset_pages_walk_the_same_rows_as_offsets(loaded, kwargs):
    """`after` = the previous page's `next`: the pages of every agency's tasks are the
    same as with offsets, without one row twice or missing."""
    def walk(step):
        seen, offset, after = [], 0, None
        while True:
            page = q.owes(loaded, as_of="2020-12-31", limit=3, **kwargs, **step(offset, after))
            seen.extend((g["agency"]["id"], t["task_id"], t["period"])
                        for g in page["agencies"] for t in g["tasks"])
            if not page["truncated"]:
                return seen
            assert page.get("next")
            offset, after = offset + 3, page["next"]

    by_offset = walk(lambda offset, after: {"offset": offset})
    by_cursor = walk(lambda offset, after: {"after": after})
    assert len(by_offset) > 6 and by_cursor == by_offset


def test_a_bad_cursor_is_a_store_error(loaded):
    with pytest.raises(StoreError, match="con trỏ trang"):
        q.owes(loaded, as_of="2020-12-31", after="x:1")


def test_search_finds_words_without_accents(loaded):
    """Full-text search: accents and case aside, every word must be there (PostgreSQL: the
    GIN word index; SQLite: the FTS5 word index, tests/test_search_index.py)."""
    found = q.search(loaded, "ke hoach trien khai")
    assert found["documents"] and all(
        {"ke", "hoach", "trien", "khai"} <= set(fold_words(
            d["doc_type"], d["number"], d["subject"], d["issuer"]).split())
        for d in found["documents"])
    tasks = q.search(loaded, "BÁO CÁO kết quả")["tasks"]
    assert tasks and all({"bao", "cao", "ket", "qua"} <= set(fold_words(t["action"]).split())
                         for t in tasks)
    assert q.search(loaded, "từ không có trong kho xyzzy") == {
        "query": "từ không có trong kho xyzzy",
        "words": ["tu", "khong", "co", "trong", "kho", "xyzzy"],
        "documents": [], "tasks": [], "truncated": False}
    with pytest.raises(StoreError):
        q.search(loaded, " ,; ")


def fold_words(*parts):
    from task_graph.text import search_key
    return search_key(*parts)
