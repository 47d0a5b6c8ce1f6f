"""The audit log: an upload, a correction, a task marked done and a drafted letter, made on
the pages and through the API, each leave one line naming who did what to which record; the
log is viewable by coordinators only and exported as CSV (Vietnam's time)."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

pytest.importorskip("fastapi")

from ocop_docs.web import audit, db  # noqa: E402
from ocop_docs.web.app import create_app  # noqa: E402
from test_web import PASSWORD, csrf_of, login, upload, wait_upload  # noqa: E402

SEED = Path(__file__).resolve().parent.parent / "corpus" / "seeds" / "001_a2896014b23254db.txt"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("audit")
    app = create_app(str(root / "db.sqlite3"), storage=root / "storage", secret="a" * 40)
    for name, role in (("vanthu", "clerk"), ("dieuphoi", "coordinator"), ("xem", "viewer")):
        db.add_user(app.state.store.engine, name, role, PASSWORD)
    yield app
    app.state.jobs.shutdown()


def test_actions_are_logged_and_exported(site):
    clerk, coord = login(site, "vanthu"), login(site, "dieuphoi")
    r = upload(clerk, SEED.name, SEED.read_bytes())
    status = wait_upload(clerk, r.json()["results"][0]["id"])
    doc_id = status["documents"][0]["id"]
    doc = clerk.get(f"/api/documents/{doc_id}").json()
    # a correction through the API, a status change on the page, a letter downloaded
    record = {k: doc[k] for k in ("doc_type", "number", "issued_date", "place", "issuer",
                                  "subject", "signer", "recipients", "distribution")}
    record["tasks"] = [{k: t[k] for k in ("id", "action", "lead", "support", "due",
                                          "deadline_text", "recurrence", "section")}
                       for t in doc["tasks"]]
    task = record["tasks"][2]
    task["lead"], task["due"] = ["Phòng Tài chính - Kế hoạch huyện"], "2020-09-30"
    token = csrf_of(clerk.get("/").text)
    r = clerk.put(f"/api/documents/{doc_id}", json=dict(record, version=doc["version"]),
                  headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    ctoken = csrf_of(coord.get("/").text)
    r = coord.post(f"/tasks/{task['id']}/status", data={"csrf_token": ctoken, "status": "done",
                                                        "evidence": "45/BC-TCKH"},
                   follow_redirects=False)
    assert r.status_code == 303, r.text
    r = coord.post("/letters/download", data={"csrf_token": ctoken, "task": task["id"],
                                              "as_of": "01/01/2021", "i": "0"})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    letter_id = int(r.headers["X-Letter-Id"])

    rows = audit.entries(site.state.store.engine)
    got = [(r["user_name"], r["action"], r["target_kind"], r["target_id"]) for r in rows][::-1]
    assert got == [("vanthu", "upload", "upload", status["id"]),
                   ("vanthu", "correct", "document", doc_id),
                   ("dieuphoi", "status_done", "task", task["id"]),
                   ("dieuphoi", "draft_letter", "letter", letter_id)]
    assert "45/BC-TCKH" in rows[1]["detail"] and f"#{task['id']}" in rows[0]["detail"]
    assert re.fullmatch(r"\d+ nhiệm vụ sửa, 0 thêm, 0 xóa", rows[2]["detail"])

    page = _table(coord.get("/audit").text)
    assert "hiệu đính" in page and "đánh dấu hoàn thành" in page and "soạn công văn" in page
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d \(giờ Việt Nam, UTC\+7\)", page)
    only = _table(coord.get("/audit", params={"user": "vanthu"}).text)
    assert "đánh dấu hoàn thành" not in only and "hiệu đính" in only

    exported = coord.get("/audit.csv")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    table = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert table[0][:3] == ["Thời điểm (giờ Việt Nam)", "Người dùng", "Thao tác"]
    assert [r[2] for r in table[1:]] == ["soạn công văn đôn đốc", "đánh dấu hoàn thành",
                                         "hiệu đính", "tải lên"]
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", r[0]) for r in table[1:])
    # a day with nothing logged (Vietnam's calendar)
    empty = coord.get("/audit.csv", params={"date_to": "01/01/2020"}).content.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(empty)))) == 1


def _table(html: str) -> str:
    return html[html.index('<table class="grid" id="audit">'):]


def test_audit_log_is_for_coordinators(site):
    for name in ("vanthu", "xem"):
        client = login(site, name)
        assert client.get("/audit").status_code == 403
        assert client.get("/audit.csv").status_code == 403
