"""Access by unit: an account of one agency sees that agency's obligations and documents, a
coordinator with a jurisdiction sees its district's or province's, and another unit's
document, task, file or upload answers 404 whatever id is tried. Two real seeds: the plan of
huyện Chư Pưh (001) and the plan of tỉnh Hòa Bình (002)."""
from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from ocop_docs.web import db, units  # noqa: E402
from ocop_docs.web.app import create_app  # noqa: E402
from test_web import PASSWORD, csrf_of, login, upload, wait_upload  # noqa: E402

SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "seeds"
HOA_BINH_SO = "Sở Nông nghiệp và Phát triển nông thôn tỉnh Hòa Bình"
CHU_PUH_UBND = "Ủy ban nhân dân huyện Chư Pưh"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("units")
    app = create_app(str(root / "db.sqlite3"), storage=root / "storage", secret="u" * 40)
    engine = app.state.store.engine
    for name, role in (("admin", "coordinator"), ("xem-so", "viewer"),
                       ("vanthu-so", "clerk"), ("dieuphoi-huyen", "coordinator")):
        db.add_user(engine, name, role, PASSWORD)
    admin = login(app, "admin")
    docs = {}
    for key, seed in (("huyen", "001_a2896014b23254db.txt"), ("tinh", "002_884e5c9489c26ebd.txt")):
        r = upload(admin, seed, (SEEDS / seed).read_bytes())
        status = wait_upload(admin, r.json()["results"][0]["id"])
        assert status["status"] == "done"
        doc = admin.get(f"/api/documents/{status['documents'][0]['id']}").json()
        docs[key] = {"id": doc["id"], "file_id": doc["file_id"], "upload_id": status["id"],
                     "task_ids": [t["id"] for t in doc["tasks"]]}
    # units given on the users page, as an administrator does
    token = csrf_of(admin.get("/users").text)
    for name, agency, scope in (("xem-so", HOA_BINH_SO, "unit"),
                                ("vanthu-so", HOA_BINH_SO, "unit"),
                                ("dieuphoi-huyen", CHU_PUH_UBND, "jurisdiction")):
        r = admin.post("/users/unit", data={"csrf_token": token, "name": name,
                                            "agency": agency, "scope": scope},
                       follow_redirects=False)
        assert r.status_code == 303, r.text
    yield {"app": app, "docs": docs, "admin": admin}
    app.state.jobs.shutdown()


def _urls(doc: dict) -> list[str]:
    task = doc["task_ids"][0]
    return [f"/documents/{doc['id']}", f"/documents/{doc['id']}/graph",
            f"/files/{doc['file_id']}/gold.json", f"/tasks/{task}",
            f"/uploads/{doc['upload_id']}/pages/1.png",
            f"/api/documents/{doc['id']}", f"/api/tasks/{task}",
            f"/api/files/{doc['file_id']}/gold", f"/api/uploads/{doc['upload_id']}"]


def test_unit_viewer_opens_its_own_document(site):
    viewer = login(site["app"], "xem-so")
    own = site["docs"]["tinh"]
    assert viewer.get(f"/documents/{own['id']}").status_code == 200
    assert viewer.get(f"/api/documents/{own['id']}").status_code == 200
    assert viewer.get(f"/tasks/{own['task_ids'][0]}").status_code == 200


def test_another_units_document_answers_404_by_any_url(site):
    viewer = login(site["app"], "xem-so")
    for url in _urls(site["docs"]["huyen"]):
        r = viewer.get(url, headers={"Accept": "text/html"})
        assert r.status_code == 404, url
        assert "57/KH-UBND" not in r.text and "Chư Pưh" not in r.text, url


def test_guessing_ids_tells_nothing(site):
    viewer = login(site["app"], "xem-so")
    other = viewer.get(f"/api/documents/{site['docs']['huyen']['id']}")
    missing = viewer.get("/api/documents/987654")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json() or other.json()["detail"]


def test_registry_and_dashboard_show_only_the_unit(site):
    viewer = login(site["app"], "xem-so")
    listed = viewer.get("/api/documents").json()
    assert [d["id"] for d in listed] == [site["docs"]["tinh"]["id"]]
    page = viewer.get("/documents").text
    assert "125/KH-UBND" in page and "57/KH-UBND" not in page
    tasks = viewer.get("/api/tasks", params={"status": "all", "as_of": "2030-01-01"}).json()
    names = {g["agency"]["name"] for g in tasks["agencies"]}
    assert HOA_BINH_SO in names and not any("Chư Pưh" in n for n in names)
    # asking for another unit by name gives nothing
    other = viewer.get("/api/tasks", params={"status": "all", "agency": CHU_PUH_UBND,
                                             "as_of": "2030-01-01"}).json()
    assert other["agencies"] == []
    admin_all = site["admin"].get("/api/tasks", params={"status": "all",
                                                         "as_of": "2030-01-01"}).json()
    assert len(admin_all["agencies"]) > len(tasks["agencies"])


def test_clerk_of_a_unit_cannot_correct_another_units_document(site):
    clerk = login(site["app"], "vanthu-so")
    token = csrf_of(clerk.get("/").text)
    other = site["docs"]["huyen"]["id"]
    r = clerk.post(f"/documents/{other}", data={"csrf_token": token, "number": "1/XX"})
    assert r.status_code == 404
    r = clerk.put(f"/api/documents/{other}", json={"number": "1/XX"},
                  headers={"X-CSRF-Token": token})
    assert r.status_code == 404
    assert site["admin"].get(f"/api/documents/{other}").json()["number"] == "57/KH-UBND"


def test_clerk_sees_what_it_uploaded_itself(site):
    clerk = login(site["app"], "vanthu-so")
    text = (SEEDS / "003_89f910b8a6ac1ae0.txt").read_bytes()
    r = upload(clerk, "quang-nam.txt", text)
    status = wait_upload(clerk, r.json()["results"][0]["id"])
    assert status["status"] == "done"
    assert clerk.get(f"/documents/{status['documents'][0]['id']}").status_code == 200
    uploads = clerk.get("/upload").text
    assert "quang-nam.txt" in uploads and "001_a2896014b23254db.txt" not in uploads


def test_coordinator_sees_its_jurisdiction(site):
    coord = login(site["app"], "dieuphoi-huyen")
    assert coord.get(f"/documents/{site['docs']['huyen']['id']}").status_code == 200
    assert coord.get(f"/documents/{site['docs']['tinh']['id']}").status_code == 404
    tasks = coord.get("/api/tasks", params={"status": "all", "as_of": "2030-01-01"}).json()
    names = {g["agency"]["name"] for g in tasks["agencies"]}
    assert names and all("Chư Pưh" in n for n in names)
    assert "Phòng Nông nghiệp và Phát triển nông thôn huyện Chư Pưh" in names


def test_unit_must_be_a_known_agency(site):
    with pytest.raises(ValueError, match="không tìm thấy cơ quan"):
        units.set_unit(site["app"].state.store, "xem-so", "Sở Không Có Thật tỉnh Xyz")
    page = site["admin"].get("/users").text
    assert HOA_BINH_SO in page and "địa bàn" in page


def test_office_exports_and_calendars_stay_in_the_unit(site):
    import io

    from openpyxl import load_workbook

    viewer = login(site["app"], "xem-so")
    r = viewer.get("/export/theo-doi.xlsx", params={"status": "all", "as_of": "01/01/2030"})
    assert r.status_code == 200
    cells = " ".join(str(c.value or "") for row in load_workbook(io.BytesIO(r.content))
                     .worksheets[0].iter_rows() for c in row)
    assert "Hòa Bình" in cells and "Chư Pưh" not in cells
    assert viewer.get("/calendar.ics", params={"agency": CHU_PUH_UBND}).status_code == 404
    assert viewer.get("/calendar.ics", params={"agency": HOA_BINH_SO}).status_code == 200
    token = csrf_of(viewer.get("/calendars").text)
    r = viewer.post("/calendars", data={"csrf_token": token, "agency": CHU_PUH_UBND})
    assert r.status_code == 404


def test_a_deleted_account_takes_its_unit_with_it(site):
    store = site["app"].state.store
    db.add_user(store.engine, "tam-thoi", "viewer", PASSWORD)
    units.set_unit(store, "tam-thoi", HOA_BINH_SO)
    assert not units.scope_of(store, "tam-thoi").everything
    db.delete_user(store.engine, "tam-thoi")
    db.add_user(store.engine, "tam-thoi", "viewer", PASSWORD)
    assert units.scope_of(store, "tam-thoi").everything


def test_jurisdiction_pages_hold_its_own_tasks(site):
    """A jurisdiction's dashboard pages over its own agencies' tasks: a small page is full of
    them, not the first page of every agency's tasks with the others' filtered out."""
    from ocop_docs.web import services

    store = site["app"].state.store
    scope = units.scope_of(store, "dieuphoi-huyen")
    everything = services.dashboard(store, agency=None, status="all", due_from=None,
                                    due_to=None, as_of=__import__("datetime").date(2030, 1, 1),
                                    scope=scope)
    assert everything["task_count"] > 3
    page = services.dashboard(store, agency=None, status="all", due_from=None, due_to=None,
                              as_of=__import__("datetime").date(2030, 1, 1), scope=scope,
                              limit=3)
    names = {g["agency"]["name"] for g in page["agencies"]}
    assert page["task_count"] == 3 and all("Chư Pưh" in n for n in names)
