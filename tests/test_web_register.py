"""The incoming register (số đến, ngày đến, nơi gửi): entered on upload (the page's form and
POST /api/uploads), shown in the registry and on the review page, corrected there; a day that
is not dd/mm/yyyy is refused with a Vietnamese message and nothing is stored."""
from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("fastapi")

from ocop_docs.web import db  # noqa: E402
from ocop_docs.web.app import create_app  # noqa: E402
from test_web import PASSWORD, csrf_of, login, wait_upload  # noqa: E402

SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "seeds"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("register")
    app = create_app(str(root / "db.sqlite3"), storage=root / "storage", secret="r" * 40)
    for name, role in (("vanthu", "clerk"), ("xem", "viewer")):
        db.add_user(app.state.store.engine, name, role, PASSWORD)
    yield app
    app.state.jobs.shutdown()


def test_register_fields_on_upload_registry_and_review(site):
    clerk = login(site, "vanthu")
    page = clerk.get("/upload").text
    assert 'name="incoming_number"' in page and 'name="sender"' in page
    token = csrf_of(page)
    seed = SEEDS / "002_884e5c9489c26ebd.txt"
    r = clerk.post("/upload", files={"files": (seed.name, seed.read_bytes())},
                   data={"incoming_number": "1532", "received_on": "24/09/2018",
                         "sender": "UBND tỉnh Hòa Bình"},
                   headers={"X-CSRF-Token": token, "Accept": "application/json"})
    assert r.status_code == 200, r.text
    status = wait_upload(clerk, r.json()["results"][0]["id"])
    assert status["register"] == {"incoming_number": "1532", "received_on": "2018-09-24",
                                  "sender": "UBND tỉnh Hòa Bình"}
    doc_id = status["documents"][0]["id"]
    assert clerk.get(f"/api/documents/{doc_id}").json()["register"]["incoming_number"] == "1532"
    listed = next(d for d in clerk.get("/api/documents").json() if d["id"] == doc_id)
    assert listed["register"]["received_on"] == "2018-09-24"
    registry = clerk.get("/documents").text
    assert "<td class=\"nowrap\">1532</td><td class=\"nowrap\">24/09/2018</td><td>UBND tỉnh Hòa " \
           "Bình</td>" in registry
    review = clerk.get(f"/documents/{doc_id}").text
    assert 'name="incoming_number" maxlength="50" value="1532"' in review
    assert 'name="received_on" value="24/09/2018"' in review
    # corrected on the review page
    r = clerk.post(f"/documents/{doc_id}/register",
                   data={"csrf_token": csrf_of(review), "incoming_number": "1533",
                         "received_on": "25/09/2018", "sender": "Văn phòng UBND tỉnh Hòa Bình"},
                   follow_redirects=False)
    assert r.status_code == 303
    got = clerk.get(f"/api/documents/{doc_id}").json()["register"]
    assert got == {"incoming_number": "1533", "received_on": "2018-09-25",
                   "sender": "Văn phòng UBND tỉnh Hòa Bình"}
    # a viewer reads it but has no form
    viewer_page = login(site, "xem").get(f"/documents/{doc_id}").text
    assert "Số đến: 1533" in viewer_page and "/register" not in viewer_page


def test_register_through_the_api(site):
    clerk = login(site, "vanthu")
    token = csrf_of(clerk.get("/").text)
    seed = SEEDS / "003_89f910b8a6ac1ae0.txt"
    r = clerk.post("/api/uploads", files={"file": (seed.name, seed.read_bytes())},
                   data={"incoming_number": "77", "received_on": "2025-12-31", "sender": "Sở X"},
                   headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    assert r.json()["register"] == {"incoming_number": "77", "received_on": "2025-12-31",
                                    "sender": "Sở X"}


def test_bad_day_is_refused_and_nothing_is_stored(site):
    clerk = login(site, "vanthu")
    token = csrf_of(clerk.get("/").text)
    before = len(db.recent_uploads(site.state.store.engine))
    seed = SEEDS / "004_2b7b6d3415a4826e.txt"
    r = clerk.post("/upload", files={"files": (seed.name, seed.read_bytes())},
                   data={"received_on": "31/02/2025"},
                   headers={"X-CSRF-Token": token, "Accept": "application/json"})
    assert r.status_code == 400 and "ngày đến không hợp lệ" in r.json()["detail"]
    r = clerk.post("/api/uploads", files={"file": (seed.name, seed.read_bytes())},
                   data={"incoming_number": "x" * 60}, headers={"X-CSRF-Token": token})
    assert r.status_code == 400 and "số đến quá dài" in r.json()["detail"]
    assert len(db.recent_uploads(site.state.store.engine)) == before
