"""Two clerks editing one document (issue 11, defect 2): every document and task carries a
version; a save made on an older version is refused (the page answers 409 with what differs,
the API 409 with the changes), and a save that changes nothing records no correction
(defect 8). On the seed 000 ingested from its gold extraction."""
from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from ocop_docs.web import db  # noqa: E402
from ocop_docs.web.app import create_app  # noqa: E402
from task_graph import migrations, open_store  # noqa: E402
from task_graph.ingest import ingest_paths  # noqa: E402
from task_graph.schema import documents, schema_version, tasks  # noqa: E402
from task_graph.store import VersionConflict  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "seeds" / "000_d12cc8faf554fa00.txt"
GOLD = ROOT / "corpus" / "gold"
PLAN = "5077/KH-SNN"
PASSWORD = "mật-khẩu-thử-1"


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def login(app, name: str) -> TestClient:
    client = TestClient(app)
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303
    return client


def form_of(page: str) -> dict[str, str]:
    """The review form's fields as the browser would send them unchanged."""
    form = re.search(r'<form method="post" action="/documents/\d+" id="review-form">(.*?)</form>',
                     page, re.S).group(1)
    form = re.sub(r"<template.*?</template>", "", form, flags=re.S)
    data: dict[str, str] = {}
    for m in re.finditer(r"<input ([^>]*)>", form):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', m.group(1)))
        if attrs.get("type") == "checkbox" or "name" not in attrs:
            continue
        data[attrs["name"]] = _unescape(attrs.get("value", ""))
    for m in re.finditer(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[m.group(1)] = _unescape(m.group(2))
    for m in re.finditer(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option (?:value="([^"]*)" )?selected>([^<]*)', m.group(2))
        if chosen:
            data[m.group(1)] = _unescape(chosen.group(1) if chosen.group(1) is not None
                                         else chosen.group(2))
        else:
            data[m.group(1)] = ""
    return data


def _unescape(text: str) -> str:
    import html
    return html.unescape(text)


@pytest.fixture()
def site(db_url, tmp_path):
    """On SQLite and on PostgreSQL (tests/backends.py)."""
    store = open_store(db_url)
    report = ingest_paths(store, [SEED], extraction_dir=GOLD, progress=False)
    assert report.stored == 1
    app = create_app(db_url, storage=tmp_path / "storage", secret="c" * 40, workers=1,
                     store=store)
    for name, role in (("lan", "clerk"), ("hoa", "clerk")):
        db.add_user(store.engine, name, role, PASSWORD)
    with store.connect() as conn:
        doc_id = conn.execute(sa.select(documents.c.id)
                              .where(documents.c.number == PLAN)).scalar_one()
    yield {"app": app, "store": store, "doc_id": doc_id}
    app.state.jobs.shutdown()
    store.close()


# ----------------------------------------------------------------------------- store

def test_store_refuses_a_save_on_an_older_version(site):
    store, doc_id = site["store"], site["doc_id"]
    record = store_record(store, doc_id)
    result = store.update_document(doc_id, dict(record, subject="Bản của Lan"),
                                   expected_version=1)
    assert result["version"] == 2
    with pytest.raises(VersionConflict) as err:
        store.update_document(doc_id, dict(record, subject="Bản của Hoa"), expected_version=1)
    assert err.value.current == 2
    with store.connect() as conn:
        row = conn.execute(sa.select(documents.c.subject, documents.c.version)
                           .where(documents.c.id == doc_id)).one()
    assert row == ("Bản của Lan", 2)


def test_concurrent_saves_on_one_version_let_exactly_one_through(site):
    store, doc_id = site["store"], site["doc_id"]
    record = store_record(store, doc_id)
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def save(n: int) -> None:
        barrier.wait()
        try:
            store.update_document(doc_id, dict(record, subject=f"bản {n}"), expected_version=1)
            outcomes.append("saved")
        except VersionConflict:
            outcomes.append("conflict")
        except sa.exc.OperationalError:        # SQLite busy: also not saved
            outcomes.append("busy")

    threads = [threading.Thread(target=save, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("saved") == 1, outcomes
    with store.connect() as conn:
        assert conn.execute(sa.select(documents.c.version)
                            .where(documents.c.id == doc_id)).scalar() == 2


def test_task_versions_go_up_with_each_change(site):
    store, doc_id = site["store"], site["doc_id"]
    with store.connect() as conn:
        task_id = conn.execute(sa.select(tasks.c.id).where(tasks.c.document_id == doc_id)
                               .order_by(tasks.c.ordinal)).scalars().first()
        before = conn.execute(sa.select(tasks.c.version).where(tasks.c.id == task_id)).scalar()
    store.set_status(task_id, "done", by="lan")
    with store.connect() as conn:
        after = conn.execute(sa.select(tasks.c.version).where(tasks.c.id == task_id)).scalar()
    assert after == before + 1


def test_old_database_gets_the_version_columns(db_url, monkeypatch):
    url = db_url if "://" in db_url else f"sqlite:///{db_url}"
    engine = sa.create_engine(url)
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:2])
    migrations.migrate(engine)
    monkeypatch.undo()
    with engine.begin() as conn:        # as step 2 left it: no version columns
        conn.execute(sa.text("ALTER TABLE documents DROP COLUMN version"))
        conn.execute(sa.text("ALTER TABLE tasks DROP COLUMN version"))
    engine.dispose()
    store = open_store(url)
    cols = {c["name"] for c in sa.inspect(store.engine).get_columns("documents")}
    assert "version" in cols
    assert "version" in {c["name"] for c in sa.inspect(store.engine).get_columns("tasks")}
    with store.connect() as conn:
        assert max(conn.execute(sa.select(schema_version.c.version)).scalars()) \
            == migrations.LATEST
    report = ingest_paths(store, [SEED], extraction_dir=GOLD, progress=False)
    assert report.stored == 1
    with store.connect() as conn:
        assert set(conn.execute(sa.select(documents.c.version)).scalars()) == {1}
    store.close()


def store_record(store, doc_id: int) -> dict:
    import json

    with store.connect() as conn:
        return json.loads(conn.execute(sa.select(documents.c.extraction_json)
                                       .where(documents.c.id == doc_id)).scalar())


# ----------------------------------------------------------------------------- pages

def test_second_clerk_gets_a_conflict_and_sees_what_changed(site):
    app, doc_id = site["app"], site["doc_id"]
    lan, hoa = login(app, "lan"), login(app, "hoa")
    page_lan = lan.get(f"/documents/{doc_id}").text
    page_hoa = hoa.get(f"/documents/{doc_id}").text
    form_lan, form_hoa = form_of(page_lan), form_of(page_hoa)
    form_lan.update(csrf_token=csrf_of(page_lan), subject="Trích yếu do Lan sửa")
    r = lan.post(f"/documents/{doc_id}", data=form_lan, follow_redirects=False)
    assert r.status_code == 303 and "saved=" in r.headers["location"]

    form_hoa.update(csrf_token=csrf_of(page_hoa), signer="Người ký do Hoa sửa")
    r = hoa.post(f"/documents/{doc_id}", data=form_hoa)
    assert r.status_code == 409
    assert "Chưa lưu: văn bản này đã được lan sửa" in r.text
    conflict = re.search(r'<section class="conflict.*?</section>', r.text, re.S).group(0)
    assert "Trích yếu do Lan sửa" in conflict and "Người ký do Hoa sửa" in conflict
    doc = lan.get(f"/api/documents/{doc_id}").json()
    assert doc["subject"] == "Trích yếu do Lan sửa" and doc["signer"] != "Người ký do Hoa sửa"
    # the refused page carries the new version: saving again from it goes through
    again = form_of(r.text)
    again.update(csrf_token=csrf_of(r.text), signer="Người ký do Hoa sửa")
    r = hoa.post(f"/documents/{doc_id}", data=again, follow_redirects=False)
    assert r.status_code == 303
    doc = lan.get(f"/api/documents/{doc_id}").json()
    assert doc["subject"] == "Trích yếu do Lan sửa" and doc["signer"] == "Người ký do Hoa sửa"


def test_saving_an_unchanged_review_records_no_correction(site):
    app, doc_id = site["app"], site["doc_id"]
    lan = login(app, "lan")
    page = lan.get(f"/documents/{doc_id}").text
    form = form_of(page)
    form["csrf_token"] = csrf_of(page)
    r = lan.post(f"/documents/{doc_id}", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("saved=none")
    assert db.latest_correction(site["store"].engine, doc_id) is None
    assert lan.get(f"/api/documents/{doc_id}").json()["version"] == 1
    assert "Không có gì thay đổi" in lan.get(r.headers["location"]).text


# ----------------------------------------------------------------------------- API

def test_api_put_needs_the_version_and_refuses_a_stale_one(site):
    app, doc_id = site["app"], site["doc_id"]
    lan = login(app, "lan")
    token = csrf_of(lan.get("/").text)
    headers = {"X-CSRF-Token": token}
    got = lan.get(f"/api/documents/{doc_id}")
    body = got.json()
    assert body["version"] == 1 and got.headers["etag"] == '"1"'
    record = {k: body[k] for k in ("doc_type", "number", "issued_date", "place", "issuer",
                                   "parent_issuer", "subject", "recipients", "distribution",
                                   "signer")}
    record["tasks"] = [{k: t[k] for k in ("id", "action", "lead", "support", "due",
                                          "deadline_text", "recurrence", "section")}
                       for t in body["tasks"]]
    r = lan.put(f"/api/documents/{doc_id}", json=dict(record, subject="mới"), headers=headers)
    assert r.status_code == 428
    r = lan.put(f"/api/documents/{doc_id}", json=dict(record, subject="mới", version=1),
                headers=headers)
    assert r.status_code == 200 and r.json()["version"] == 2
    r = lan.put(f"/api/documents/{doc_id}", json=dict(record, subject="cũ hơn"),
                headers=dict(headers, **{"If-Match": '"1"'}))
    assert r.status_code == 409
    body = r.json()
    assert body["version"] == 2 and body["changed_by"] == "lan"
    assert {"what": "Trích yếu", "stored": "mới", "other": "cũ hơn"} in body["changes"]
    assert "chưa được lưu" in body["detail"]
    assert lan.get(f"/api/documents/{doc_id}").json()["subject"] == "mới"
    # the same record again, on the current version: nothing to record
    r = lan.put(f"/api/documents/{doc_id}", json=dict(record, subject="mới", version=2),
                headers=headers)
    assert r.status_code == 200 and r.json()["unchanged"] is True
