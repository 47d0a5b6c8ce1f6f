"""The store: migrations, idempotent ingest, transactions, agency identity and merges.

Built from the bundled corpus through the same code path as `ocop-docs ingest`, with the gold
extractions standing in for the extractor so the tests are deterministic."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from task_graph import agencies as ag
from task_graph.ingest import ingest_paths
from task_graph.migrations import LATEST
from task_graph.schema import agencies, documents, schema_version, tasks
from task_graph.store import Store, default_db_url, open_store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
GOLD = ROOT / "corpus" / "gold"


@pytest.fixture
def store(db_url) -> Store:
    s = open_store(db_url)
    report = ingest_paths(s, [SEEDS], extraction_dir=GOLD, progress=False)
    assert not report.failures
    return s


def gold_counts() -> tuple[int, int]:
    docs = n_tasks = 0
    for f in GOLD.glob("*.gold.json"):
        data = json.loads(f.read_text(encoding="utf-8"))
        docs += len(data["documents"])
        n_tasks += sum(len(d["tasks"]) for d in data["documents"])
    return docs, n_tasks


def test_ingest_stores_every_document_and_task(store):
    docs, n_tasks = gold_counts()
    counts = store.counts()
    assert counts["files"] == 5
    assert counts["documents"] == docs
    assert counts["tasks"] == n_tasks


def test_migrations_are_versioned_and_applied_once(db_url):
    url = db_url
    open_store(url)
    s = open_store(url)                         # reopening applies nothing new
    with s.connect() as conn:
        versions = list(conn.execute(sa.select(schema_version.c.version)).scalars())
    assert versions == list(range(1, LATEST + 1))


def test_reingest_changes_nothing(store):
    before = store.counts()
    report = ingest_paths(store, [SEEDS], extraction_dir=GOLD, progress=False)
    assert report.stored == 0 and report.already_present == 5 and not report.failures
    assert store.counts() == before


def test_crash_in_the_middle_of_an_ingest_leaves_the_database_as_it_was(db_url, monkeypatch):
    s = open_store(db_url)
    ingest_paths(s, [SEEDS / "000_d12cc8faf554fa00.txt"], extraction_dir=GOLD, progress=False)
    before = s.counts()
    calls = {"n": 0}
    real = Store._insert_task

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 20:
            raise RuntimeError("disk on fire")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Store, "_insert_task", flaky)
    target = SEEDS / "002_884e5c9489c26ebd.txt"
    report = ingest_paths(s, [target], extraction_dir=GOLD, progress=False)
    assert calls["n"] > 20                                  # it did fail half-way
    assert [p for p, _ in report.failures] == [str(target)]
    assert "disk on fire" in report.failures[0][1]
    assert s.counts() == before                             # nothing of 002 is left

    # a hard interrupt (not an Exception) rolls back just the same
    monkeypatch.setattr(Store, "_insert_task",
                        lambda self, *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        ingest_paths(s, [target], extraction_dir=GOLD, progress=False)
    assert s.counts() == before

    monkeypatch.setattr(Store, "_insert_task", real)
    report = ingest_paths(s, [target], extraction_dir=GOLD, progress=False)
    assert report.stored == 1 and s.counts()["tasks"] > before["tasks"]


def test_default_db_url(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OCOP_DOCS_DB", raising=False)
    assert default_db_url() == f"sqlite:///{tmp_path / 'var' / 'ocop-docs.sqlite3'}"
    monkeypatch.setenv("OCOP_DOCS_DB", "postgresql+psycopg://u@h/db")
    assert default_db_url() == "postgresql+psycopg://u@h/db"
    assert default_db_url("x.db") == f"sqlite:///{tmp_path / 'x.db'}"


# ----------------------------------------------------------------------------- agencies

HOA_BINH = ag.parse_jurisdiction("Ủy ban nhân dân tỉnh Hòa Bình")


@pytest.mark.parametrize("name", ["Sở NN-PTNT", "Sở Nông nghiệp và PTNT",
                                  "Sở Nông nghiệp và Phát triển nông thôn",
                                  "SỞ NÔNG NGHIỆP VÀ PTNT", "Giám đốc Sở NN&PTNT"])
def test_spellings_of_one_department_are_one_agency(name):
    ref = ag.resolve(name, HOA_BINH)
    assert ref.key == "so nong nghiep phat trien nong thon|tinh:hoa binh"
    assert ref.kind == "agency" and ref.name.endswith("tỉnh Hòa Bình")


@pytest.mark.parametrize("issuer, name, expected", [
    ("Ủy ban nhân dân tỉnh Hòa Bình", "Sở Công Thương", "so cong thuong|tinh:hoa binh"),
    ("Ủy ban nhân dân tỉnh Quảng Nam", "Sở Công Thương", "so cong thuong|tinh:quang nam"),
    ("Ủy ban nhân dân huyện Vĩnh Cửu", "Phòng Nông nghiệp và Phát triển nông thôn huyện",
     "phong nong nghiep phat trien nong thon|huyen:vinh cuu"),
    ("Ủy ban nhân dân huyện Vĩnh Cửu", "Ủy ban nhân dân xã Vĩnh Tân",
     "uy ban nhan dan|xa:vinh tan/huyen:vinh cuu"),
    ("Ủy ban nhân dân tỉnh Hòa Bình", "Thủ tướng Chính phủ", "thu tuong chinh phu|"),
    ("Ủy ban nhân dân huyện Chư Pưh", "Phòng Nông nghiệp và PTNT huyện cấp huyện",
     "phong nong nghiep phat trien nong thon|huyen:chu puh"),
    ("Ủy ban nhân dân tỉnh Đồng Nai", "Hội đồng OCOP cấp tỉnh", "hoi dong ocop cap tinh|tinh:dong nai"),
    ("Ủy ban nhân dân tỉnh Đồng Nai", "Hội đồng OCOP cấp huyện",
     "hoi dong ocop cap huyen|tinh:dong nai"),
])
def test_jurisdiction_comes_from_the_issuer(issuer, name, expected):
    assert ag.resolve(name, ag.parse_jurisdiction(issuer)).key == expected


def test_group_phrases_stay_groups():
    ref = ag.resolve("UBND các huyện, thành phố", HOA_BINH)
    assert ref.kind == "group" and ref.scope_key == "tinh:hoa binh"
    assert ag.resolve("Các sở, ban, ngành", HOA_BINH).kind == "group"


def test_bare_type_word_stands_for_the_issuer():
    from task_graph.store import Store
    doc = {"issuer": "Sở Nông nghiệp và Phát triển nông thôn tỉnh Đồng Nai"}
    ctx = ag.parse_jurisdiction(doc["issuer"])
    assert Store._resolve_named("Sở", doc, ctx).key == \
        "so nong nghiep phat trien nong thon|tinh:dong nai"
    assert Store._resolve_named("Sở Y tế", doc, ctx).key == "so y te|tinh:dong nai"


def _agency(conn, key):
    return conn.execute(sa.select(agencies).where(agencies.c.key == key)).first()


def test_district_cover_letter_takes_the_province_of_the_plan_it_forwards(store):
    with store.connect() as conn:
        letter = conn.execute(sa.select(documents).where(
            documents.c.number == "7590/UBND-KT")).one()
        assert (letter.district, letter.province) == ("Vĩnh Cửu", "Đồng Nai")
        # "Sở" names in the district's documents belong to its province
        assert _agency(conn, "so nong nghiep phat trien nong thon|tinh:dong nai") is not None
        assert _agency(conn, "phong nong nghiep phat trien nong thon|huyen:vinh cuu")


def test_hoa_binh_departments_are_distinct_from_other_provinces(store):
    with store.connect() as conn:
        keys = set(conn.execute(sa.select(agencies.c.key).where(
            agencies.c.base_key == "so cong thuong")).scalars())
    assert {"so cong thuong|tinh:hoa binh", "so cong thuong|tinh:quang nam",
            "so cong thuong|tinh:dong nai"} <= keys


def test_merge_is_recorded_and_survives_reingest(store, tmp_path):
    with store.connect() as conn:
        a = _agency(conn, "trung tam xuc tien dau tu thuong mai du lich|tinh:hoa binh")
        b = _agency(conn, "trung tam xuc tien dau tu thuong mai|tinh:hoa binh")
    moved = store.merge_agencies(a.id, b.id, by="tester")
    assert moved["into"]["id"] == b.id
    # a new document naming the old spelling lands on the merged agency
    extraction = {"schema": "ocop-docs.extraction/1", "source": "x.txt", "documents": [{
        "doc_type": "Công văn", "number": "9/UBND-KT", "issued_date": "2019-01-02",
        "issuer": "Ủy ban nhân dân tỉnh Hòa Bình", "citations": [],
        "tasks": [{"action": "Báo cáo kết quả.", "lead": ["Trung tâm Xúc tiến đầu tư thương mại "
                                                          "và Du lịch"], "support": [],
                   "due": "2019-03-01"}]}]}
    store.store_extraction(extraction, source_path="x.txt", sha256="f" * 64, text="")
    with store.connect() as conn:
        task = conn.execute(sa.select(tasks.c.id).where(tasks.c.action == "Báo cáo kết quả.")
                            ).scalar()
        from task_graph.schema import task_agencies
        lead = conn.execute(sa.select(task_agencies.c.agency_id).where(
            task_agencies.c.task_id == task)).scalar()
        old = conn.execute(sa.select(agencies.c.merged_into).where(agencies.c.id == a.id)
                           ).scalar()
    assert lead == b.id and old == b.id
