"""The web application (ocop_docs.web) through FastAPI's TestClient: access control, CSRF,
upload checks, the review/correction flow on a real seed, status, letters and the API."""
from __future__ import annotations

import base64
import io
import json
import re
import time
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("itsdangerous")
from fastapi.testclient import TestClient  # noqa: E402

from ocop_docs.web import db, security  # noqa: E402
from ocop_docs.web.app import create_app  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "corpus" / "seeds" / "001_a2896014b23254db.txt"
PASSWORD = "mật-khẩu-thử-1"


def login(app, name: str) -> TestClient:
    client = TestClient(app)
    page = client.get("/login")
    token = csrf_of(page.text)
    r = client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": token,
                                    "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


def wait_upload(client: TestClient, upload_id: int, timeout: float = 120) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        s = client.get(f"/api/uploads/{upload_id}").json()
        if s["status"] not in ("queued", "running"):
            return s
        time.sleep(0.3)
    raise AssertionError(f"upload {upload_id} still {s['status']}")


def upload(client: TestClient, name: str, data: bytes):
    token = csrf_of(client.get("/").text)
    return client.post("/upload", files={"files": (name, data, "application/octet-stream")},
                       headers={"X-CSRF-Token": token, "Accept": "application/json"})


@pytest.fixture(scope="module")
def site(tmp_path_factory, module_db_url):
    root = tmp_path_factory.mktemp("web")
    app = create_app(module_db_url, storage=root / "storage", secret="s" * 40)
    for name, role in (("xem", "viewer"), ("vanthu", "clerk"), ("dieuphoi", "coordinator")):
        db.add_user(app.state.store.engine, name, role, PASSWORD)
    clerk = login(app, "vanthu")
    r = upload(clerk, SEED.name, SEED.read_bytes())
    assert r.status_code == 200, r.text
    status = wait_upload(clerk, r.json()["results"][0]["id"])
    assert status["status"] == "done", status
    yield {"app": app, "root": root, "clerk": clerk, "doc_id": status["documents"][0]["id"],
           "file_id": status["file_id"]}
    app.state.jobs.shutdown()


# ----------------------------------------------------------------------------- access

@pytest.mark.parametrize("path", ["/", "/documents", "/upload", "/letters", "/users",
                                  "/documents/1", "/tasks/1", "/files/1/gold.json"])
def test_pages_redirect_to_login_without_session(site, path):
    r = TestClient(site["app"]).get(path, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("path", ["/api/tasks", "/api/documents", "/api/agencies",
                                  "/api/letters", "/api/documents/1", "/api/uploads/1"])
def test_api_needs_credentials(site, path):
    r = TestClient(site["app"]).get(path)
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Basic")


def test_wrong_password_is_refused(site):
    client = TestClient(site["app"])
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"name": "dieuphoi", "password": "sai-mat-khau",
                                    "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu" in r.text
    assert client.get("/", follow_redirects=False).status_code == 303


def test_api_basic_auth_same_accounts(site):
    good = base64.b64encode(f"xem:{PASSWORD}".encode()).decode()
    bad = base64.b64encode(b"xem:wrong-password").decode()
    client = TestClient(site["app"])
    assert client.get("/api/tasks", headers={"Authorization": f"Basic {good}"}).status_code == 200
    assert client.get("/api/tasks", headers={"Authorization": f"Basic {bad}"}).status_code == 401


def test_viewer_reads_but_cannot_edit(site):
    viewer = login(site["app"], "xem")
    doc_id = site["doc_id"]
    page = viewer.get(f"/documents/{doc_id}")
    assert page.status_code == 200
    assert "Lưu bản hiệu đính" not in page.text          # no save button for a viewer
    token = csrf_of(viewer.get("/").text)
    r = viewer.post(f"/documents/{doc_id}", data={"csrf_token": token, "number": "1/XX"})
    assert r.status_code == 403
    assert upload(viewer, "a.txt", SEED.read_bytes()).status_code == 403
    r = viewer.post("/tasks/1/status", data={"csrf_token": token, "status": "done"})
    assert r.status_code == 403
    assert viewer.post("/letters/download", data={"csrf_token": csrf_of(viewer.get("/").text),
                                                  "agency": "x"}).status_code == 403
    basic = base64.b64encode(f"xem:{PASSWORD}".encode()).decode()
    r = TestClient(site["app"]).put(f"/api/documents/{doc_id}", json={"number": "1/XX"},
                                    headers={"Authorization": f"Basic {basic}",
                                             "X-Requested-With": "test"})
    assert r.status_code == 403
    assert viewer.get(f"/api/documents/{doc_id}").json()["number"] == "57/KH-UBND"


def test_clerk_cannot_mark_done_or_manage_users(site):
    clerk = site["clerk"]
    token = csrf_of(clerk.get("/").text)
    assert clerk.post("/tasks/1/status", data={"csrf_token": token,
                                               "status": "done"}).status_code == 403
    assert clerk.get("/users").status_code == 403


# ----------------------------------------------------------------------------- CSRF

def test_forged_posts_are_refused(site):
    clerk = site["clerk"]
    doc_id = site["doc_id"]
    before = clerk.get(f"/api/documents/{doc_id}").json()
    form = {"number": "999/KH-GIA", "doc_type": "Kế hoạch"}
    assert clerk.post(f"/documents/{doc_id}", data=form).status_code == 403
    assert clerk.post(f"/documents/{doc_id}",
                      data={**form, "csrf_token": "not-the-token"}).status_code == 403
    assert clerk.post(f"/documents/{doc_id}", data=form,
                      headers={"X-CSRF-Token": "forged"}).status_code == 403
    # the API with a session cookie needs the header as well
    assert clerk.put(f"/api/documents/{doc_id}", json={"number": "999/KH-GIA"}).status_code == 403
    # uploads and logout too
    r = clerk.post("/upload", files={"files": ("x.txt", SEED.read_bytes(), "text/plain")})
    assert r.status_code == 403
    assert clerk.post("/logout").status_code == 403
    assert clerk.get(f"/api/documents/{doc_id}").json() == before


def test_login_form_needs_csrf(site):
    client = TestClient(site["app"])
    r = client.post("/login", data={"name": "dieuphoi", "password": PASSWORD},
                    follow_redirects=False)
    assert r.status_code == 403


def test_token_of_another_session_is_refused(site):
    other = login(site["app"], "vanthu")
    other_token = csrf_of(other.get("/").text)
    clerk = site["clerk"]
    assert csrf_of(clerk.get("/").text) != other_token
    r = clerk.post(f"/documents/{site['doc_id']}", data={"csrf_token": other_token,
                                                         "number": "1/X"})
    assert r.status_code == 403


# ----------------------------------------------------------------------------- uploads

def _zip(names: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n, data in names.items():
            zf.writestr(n, data)
    return buf.getvalue()


@pytest.mark.parametrize("name,data,why", [
    ("setup.exe", b"MZ\x90\x00" + b"\x00" * 200, "chương trình"),
    ("ke-hoach.pdf", b"MZ\x90\x00" + b"\x00" * 200, "chương trình"),
    ("ke-hoach.pdf", None, "không phải văn bản Word"),        # a zip renamed .pdf
    ("bang.docx", b"xlsx", "bảng tính Excel"),                 # an Excel workbook
    ("anh.png", bytes(range(256)) * 4, "không nhận loại tệp này"),
    ("con-dau.svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><text>'
     b'\xe1\xbb\xa6y ban</text></svg>', "SVG, không phải văn bản"),
])
def test_non_documents_are_refused(site, name, data, why):
    if data is None:
        data = _zip({"readme.txt": b"hello"})
    elif data == b"xlsx":
        data = _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"})
    storage = site["root"] / "storage"
    before = sorted(p.name for p in storage.iterdir())
    r = upload(site["clerk"], name, data)
    assert r.status_code == 415
    assert why in r.json()["results"][0]["error"]
    assert sorted(p.name for p in storage.iterdir()) == before     # nothing kept


def test_too_large_upload_is_refused_with_413(site, monkeypatch):
    monkeypatch.setenv("OCOP_DOCS_MAX_BYTES", "1000")     # the one limit, as for the CLI
    r = upload(site["clerk"], "lon.txt", SEED.read_bytes())
    assert r.status_code == 413
    assert "quá lớn" in r.json()["results"][0]["error"]
    assert "tối đa 0.0 MB" in r.json()["results"][0]["error"]
    token = csrf_of(site["clerk"].get("/upload").text)
    api = site["clerk"].post("/api/uploads", files={"file": ("lon.txt", SEED.read_bytes())},
                             headers={"X-CSRF-Token": token})
    assert api.status_code == 413 and "quá lớn" in api.json()["detail"]


def test_upload_limit_is_stated_once(site, monkeypatch):
    monkeypatch.setenv("OCOP_DOCS_MAX_BYTES", str(7 * 1024 * 1024))
    assert "Mỗi tệp tối đa 7 MB." in site["clerk"].get("/upload").text


@pytest.mark.parametrize("evil", ["../../etc/passwd.txt", "..\\..\\windows\\win.ini",
                                  "/etc/passwd", "a/../../b.txt", "....//x.txt", "..", ""])
def test_safe_name_has_no_folder(evil, tmp_path):
    name = security.safe_name(evil, "text")
    assert "/" not in name and "\\" not in name and not name.startswith(".")
    assert security.inside(tmp_path, name).parent == tmp_path.resolve()
    with pytest.raises(security.UploadRejected):
        security.inside(tmp_path, "../" + name)


def test_path_in_file_name_stays_in_storage(site):
    storage = (site["root"] / "storage").resolve()
    text = SEED.read_bytes() + "\nBản sao để thử tên tệp.\n".encode()
    r = upload(site["clerk"], "../../etc/passwd.txt", text)
    assert r.status_code == 200
    upload_id = r.json()["results"][0]["id"]
    row = db.upload_row(site["app"].state.store.engine, upload_id)
    stored = site["app"].state.jobs.path_of(row)
    assert stored.parent == storage and stored.read_bytes() == text
    assert stored.name.endswith("passwd.txt") and "/" not in row["stored_name"]
    assert not (site["root"] / "etc").exists() and not (storage.parent / "etc").exists()
    assert wait_upload(site["clerk"], upload_id)["status"] == "done"


def test_failed_extraction_shows_reason_and_can_be_retried(site):
    clerk = site["clerk"]
    english = ("This is an English memo about the budget of the year. " * 30).encode()
    r = upload(clerk, "memo.txt", english)
    upload_id = r.json()["results"][0]["id"]
    status = wait_upload(clerk, upload_id)
    assert status["status"] == "failed"
    assert "không thấy chữ tiếng Việt" in status["error"]
    page = clerk.get("/upload").text
    assert "không thấy chữ tiếng Việt" in page and f"/uploads/{upload_id}/retry" in page
    token = csrf_of(page)
    r = clerk.post(f"/uploads/{upload_id}/retry", data={"csrf_token": token},
                   follow_redirects=False)
    assert r.status_code == 303
    assert wait_upload(clerk, upload_id)["status"] == "failed"
    # a finished upload is not retried
    done_id = next(u["id"] for u in db.recent_uploads(site["app"].state.store.engine)
                   if u["status"] == "done")
    assert clerk.post(f"/uploads/{done_id}/retry",
                      data={"csrf_token": token}).status_code == 409


def _cut_off(engine, upload_id: int, minutes_ago: float) -> None:
    """As if the process working on the upload had died: the upload and its job left
    'running', the job's last heartbeat `minutes_ago`, the upload not linked."""
    from datetime import timedelta

    import sqlalchemy as sa

    from ocop_docs.jobs import state

    db.set_upload(engine, upload_id, status="running", file_id=None, finished_at=None)
    with engine.begin() as conn:
        conn.execute(state.jobs.update().where(state.jobs.c.upload_id == upload_id).values(
            status="running", worker="other-host:1", finished_at=None,
            heartbeat_at=state.utcnow() - timedelta(minutes=minutes_ago)))


def test_stalled_upload_can_be_retried_and_is_linked(site):
    clerk, engine = site["clerk"], site["app"].state.store.engine
    text = SEED.read_bytes() + "\nBản sao để thử việc bị dừng.\n".encode()
    upload_id = upload(clerk, "dung.txt", text).json()["results"][0]["id"]
    first = wait_upload(clerk, upload_id)
    assert first["status"] == "done"
    token = csrf_of(clerk.get("/upload").text)
    _cut_off(engine, upload_id, minutes_ago=0)          # its worker still beats: not yet
    assert clerk.post(f"/uploads/{upload_id}/retry",
                      data={"csrf_token": token}).status_code == 409
    _cut_off(engine, upload_id, minutes_ago=10)         # its worker is gone
    r = clerk.post(f"/uploads/{upload_id}/retry", data={"csrf_token": token},
                   follow_redirects=False)
    assert r.status_code == 303
    again = wait_upload(clerk, upload_id)
    # the document stored before the cut is this upload's own, linked to it (no duplicate)
    assert again["status"] == "done" and again["file_id"] == first["file_id"]


def test_restarted_app_takes_up_cut_off_uploads(tmp_path):
    store_url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    app = create_app(store_url, storage=tmp_path / "storage", secret="s" * 40)
    db.add_user(app.state.store.engine, "vanthu", "clerk", PASSWORD)
    clerk = login(app, "vanthu")
    upload_id = upload(clerk, SEED.name, SEED.read_bytes()).json()["results"][0]["id"]
    first = wait_upload(clerk, upload_id)
    _cut_off(app.state.store.engine, upload_id, minutes_ago=0)
    app.state.jobs.shutdown()
    again = create_app(store_url, storage=tmp_path / "storage", secret="s" * 40)
    try:
        status = wait_upload(login(again, "vanthu"), upload_id)
        assert status["status"] == "done" and status["file_id"] == first["file_id"]
    finally:
        again.state.jobs.shutdown()


def test_same_file_twice_is_a_duplicate(site):
    r = upload(site["clerk"], "lan-hai.txt", SEED.read_bytes())
    status = wait_upload(site["clerk"], r.json()["results"][0]["id"])
    assert status["status"] == "duplicate" and status["file_id"] == site["file_id"]


# ----------------------------------------------------------------------------- review

def _form_of(doc: dict, token: str) -> dict:
    form = {"csrf_token": token}
    for k in ("doc_type", "number", "issued_date", "place", "issuer", "subject", "signer"):
        form[k] = doc.get(k) or ""
    for i, t in enumerate(doc["tasks"]):
        form.update({f"task-{i}-id": str(t["id"]), f"task-{i}-action": t["action"],
                     f"task-{i}-lead": "\n".join(t["lead"]),
                     f"task-{i}-support": "\n".join(t["support"]),
                     f"task-{i}-due": t["due"] or "", f"task-{i}-deadline_text":
                     t["deadline_text"] or "", f"task-{i}-recurrence": t["recurrence"] or "",
                     f"task-{i}-section": t["section"] or "",
                     f"task-{i}-start": "" if t["start"] is None else str(t["start"]),
                     f"task-{i}-end": "" if t["end"] is None else str(t["end"])})
    return form


def test_review_page_highlights_task_spans(site):
    page = site["clerk"].get(f"/documents/{site['doc_id']}").text
    doc = site["clerk"].get(f"/api/documents/{site['doc_id']}").json()
    text = SEED.read_text(encoding="utf-8")
    assert doc["tasks"] and all(t["start"] is not None for t in doc["tasks"][:5])
    first = doc["tasks"][0]
    marked = re.search(rf'<mark id="span-task-{first["id"]}"[^>]*>(.*?)</mark>', page, re.S)
    assert marked, "the first task's source span is highlighted"
    assert "Các phòng ban" in marked.group(1)
    assert 'id="span-field-number"' in page and "57/KH-UBND" in page
    assert "Chư Pưh" in text
    # how each header field was read (a text file: its text layer, nothing to re-check)
    assert "Cách đọc các trường" in page and "lớp chữ của tệp" in page
    assert "cần kiểm tra lại" not in page
    # every page's confidence (a text file: one page, read from its text)
    assert "Độ tin cậy từng trang" in page and "Trang 1: tệp văn bản, độ tin cậy 100%" in page


def test_review_page_highlights_a_file_ingested_from_the_command_line(tmp_path, db_url):
    """`ocop-docs ingest` keeps the tasks' offsets, so its files are highlighted too."""
    import sqlalchemy as sa
    from ocop_docs.cli import main
    from task_graph import open_store
    from task_graph.ingest import default_extractor
    from task_graph.schema import documents, files

    if default_extractor() is None:
        pytest.skip("ocop_docs.extract.pipeline is not available")
    url = db_url
    assert main(["ingest", str(SEED), "--db", url]) == 0
    store = open_store(url)
    with store.connect() as conn:
        doc_id = conn.execute(sa.select(documents.c.id).order_by(documents.c.id)).scalar()
        stored = json.loads(conn.execute(sa.select(files.c.extraction_json)).scalar())
    stored_tasks = stored["documents"][0]["tasks"]
    assert stored_tasks and all(isinstance(t["start"], int) and t["end"] > t["start"]
                                for t in stored_tasks)
    app = create_app(url, storage=tmp_path / "storage", secret="c" * 40, store=store)
    try:
        db.add_user(store.engine, "xem", "viewer", PASSWORD)
        client = login(app, "xem")
        doc = client.get(f"/api/documents/{doc_id}").json()
        page = client.get(f"/documents/{doc_id}").text
        marked = set(map(int, re.findall(r'<mark id="span-task-(\d+)"', page)))
        assert doc["tasks"] and len(marked) >= len(doc["tasks"]) - 2
        first = re.search(rf'<mark id="span-task-{doc["tasks"][0]["id"]}"[^>]*>(.*?)</mark>',
                          page, re.S)
        assert first and "Các phòng ban" in first.group(1)
    finally:
        app.state.jobs.shutdown()


def test_correction_is_stored_apart_and_reaches_dashboard_and_gold(site):
    clerk, doc_id = site["clerk"], site["doc_id"]
    engine = site["app"].state.store.engine
    doc = clerk.get(f"/api/documents/{doc_id}").json()
    machine_tasks = len(doc["tasks"])
    token = csrf_of(clerk.get(f"/documents/{doc_id}").text)
    form = _form_of(doc, token)
    target = doc["tasks"][2]
    form["task-2-lead"] = "Phòng Tài chính - Kế hoạch huyện"
    form["task-2-support"] = "Phòng Nông nghiệp và Phát triển nông thôn"
    form["task-2-due"] = "2020-09-30"
    form["task-2-deadline_text"] = "Quý III/2020"
    form["task-3-delete"] = "1"
    n = len(doc["tasks"])
    form.update({f"task-{n}-action": "Tổng hợp báo cáo kết quả thực hiện Kế hoạch gửi UBND "
                                      "huyện", f"task-{n}-lead": "Phòng Nông nghiệp và Phát "
                                      "triển nông thôn", f"task-{n}-due": "2020-12-15"})
    # a reminder letter chased the task the clerk removes: its link goes with the task
    from ocop_docs.letters import ledger
    import sqlalchemy as sa
    from datetime import date, datetime
    removed = doc["tasks"][3]["id"]
    with engine.begin() as conn:
        letter_id = conn.execute(ledger.reminder_letters.insert().values(
            issuer="Ủy ban nhân dân huyện Chư Pưh", recipient="Phòng Nông nghiệp",
            recipient_key="phòng nông nghiệp", kind="overdue", ordinal=1, symbol="UBND-KT",
            letter_date=date(2020, 7, 1), as_of=date(2020, 7, 1),
            created_at=datetime(2020, 7, 1))).inserted_primary_key[0]
        conn.execute(ledger.reminder_letter_tasks.insert(), [
            {"letter_id": letter_id, "task_id": removed},
            {"letter_id": letter_id, "task_id": target["id"]}])
    r = clerk.post(f"/documents/{doc_id}", data=form, follow_redirects=False)
    assert r.status_code == 303 and "saved=" in r.headers["location"]
    assert "Đã lưu bản hiệu đính" in clerk.get(r.headers["location"]).text
    assert ledger.reminders_for_task(engine, removed) == []
    assert [x["letter_id"] for x in ledger.reminders_for_task(engine, target["id"])] \
        == [letter_id]

    after = clerk.get(f"/api/documents/{doc_id}").json()
    assert after["corrected"] is True
    assert len(after["tasks"]) == machine_tasks         # one removed, one added
    changed = next(t for t in after["tasks"] if t["id"] == target["id"])
    assert changed["due"] == "2020-09-30"
    assert changed["lead"] == ["Phòng Tài chính - Kế hoạch huyện"]
    assert changed["start"] == target["start"]          # the span survives the correction
    assert doc["tasks"][3]["id"] not in {t["id"] for t in after["tasks"]}

    # kept apart: machine record unchanged, correction recorded with who
    with engine.connect() as conn:
        row = conn.execute(sa.select(db.web_corrections)
                           .where(db.web_corrections.c.document_id == doc_id)).first()
    assert row.corrected_by == "vanthu"
    machine = json.loads(row.machine_json)
    assert len(machine["tasks"]) == machine_tasks
    assert machine["tasks"][2]["due"] is None
    assert json.loads(row.corrected_json)["tasks"][2]["due"] == "2020-09-30"

    # the dashboard: overdue for the corrected agency
    dash = clerk.get("/", params={"agency": "Phòng Tài chính - Kế hoạch huyện",
                                  "status": "overdue", "as_of": "2021-01-01"}).text
    assert f'href="/tasks/{target["id"]}"' in dash and "Quá hạn" in dash
    api = clerk.get("/api/tasks", params={"status": "overdue", "as_of": "2021-01-01"}).json()
    ids = {t["task_id"] for g in api["agencies"] for t in g["tasks"]}
    assert target["id"] in ids

    # the gold download
    r = clerk.get(f"/files/{site['file_id']}/gold.json")
    assert r.status_code == 200
    assert f'{SEED.name}.gold.json' in r.headers["content-disposition"]
    gold = r.json()
    assert gold["schema"] == "ocop-docs.extraction/1" and gold["source"] == SEED.name
    gtasks = gold["documents"][0]["tasks"]
    assert any(t["due"] == "2020-09-30" and t["lead"] == ["Phòng Tài chính - Kế hoạch huyện"]
               and t["deadline_text"] == "Quý III/2020" for t in gtasks)
    assert any(t["action"].startswith("Tổng hợp báo cáo kết quả") for t in gtasks)
    assert all(set(t) >= {"action", "lead", "support", "due", "deadline_text", "recurrence"}
               and not {"id", "start", "end"} & set(t) for t in gtasks)
    site["corrected_task"] = target["id"]


def test_bad_date_in_review_is_explained(site):
    clerk, doc_id = site["clerk"], site["doc_id"]
    doc = clerk.get(f"/api/documents/{doc_id}").json()
    form = _form_of(doc, csrf_of(clerk.get(f"/documents/{doc_id}").text))
    form["issued_date"] = "31/02/2020"
    r = clerk.post(f"/documents/{doc_id}", data=form)
    assert r.status_code == 400 and "ngày ban hành không hợp lệ" in r.text


def test_review_dates_are_written_and_shown_as_dd_mm_yyyy(site):
    clerk, doc_id = site["clerk"], site["doc_id"]
    doc = clerk.get(f"/api/documents/{doc_id}").json()
    form = _form_of(doc, csrf_of(clerk.get(f"/documents/{doc_id}").text))
    form["issued_date"] = "12/05/2020"
    form["task-0-due"] = "5/9/2020"
    r = clerk.post(f"/documents/{doc_id}", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    saved = clerk.get(f"/api/documents/{doc_id}").json()
    assert saved["issued_date"] == "2020-05-12" and saved["tasks"][0]["due"] == "2020-09-05"
    page = clerk.get(f"/documents/{doc_id}").text
    assert 'name="issued_date" value="12/05/2020"' in page
    assert 'name="task-0-due" value="05/09/2020"' in page
    assert 'type="date"' not in page and 'placeholder="dd/mm/yyyy"' in page
    restore = _form_of(doc, csrf_of(page))             # as it was, for the tests below
    assert clerk.post(f"/documents/{doc_id}", data=restore,
                      follow_redirects=False).status_code == 303


# ----------------------------------------------------------------------------- status, letters

def test_mark_done_with_evidence(site):
    coord = login(site["app"], "dieuphoi")
    doc = coord.get(f"/api/documents/{site['doc_id']}").json()
    task = next(t for t in doc["tasks"] if t["action"].startswith("Tổng hợp báo cáo kết quả"))
    token = csrf_of(coord.get(f"/tasks/{task['id']}").text)
    r = coord.post(f"/tasks/{task['id']}/status", data={"csrf_token": token, "status": "done",
                                                        "evidence": "12/BC-NN",
                                                        "note": "đã báo cáo"},
                   follow_redirects=False)
    assert r.status_code == 303
    detail = coord.get(f"/api/tasks/{task['id']}").json()
    assert detail["status"] == "done"
    assert detail["history"][-1]["evidence"] == "12/BC-NN"
    assert detail["history"][-1]["by"] == "dieuphoi"
    assert "12/BC-NN" in coord.get(f"/tasks/{task['id']}").text


def test_letter_preview_and_docx(site):
    coord = login(site["app"], "dieuphoi")
    task_id = site.get("corrected_task")
    if task_id is None:
        pytest.skip("needs the correction test")
    params = {"task": str(task_id), "as_of": "2021-01-01"}
    page = coord.get("/letters", params=params).text
    assert "Gửi Phòng Tài chính - Kế hoạch huyện" in page
    assert "srcdoc=" in page and 'action="/letters/download"' in page
    r = coord.post("/letters/download", data={**params, "i": "0", "csrf_token": csrf_of(page)})
    assert r.status_code == 200
    assert r.headers["content-disposition"].startswith("attachment")
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    assert "Tài chính - Kế hoạch" in xml
    api = coord.get("/api/letters", params=params).json()
    assert api[0]["recipient"].startswith("Phòng Tài chính - Kế hoạch huyện")
    assert api[0]["tasks"][0]["task_id"] == task_id


def test_registry_search(site):
    clerk = site["clerk"]
    assert "57/KH-UBND" in clerk.get("/documents", params={"q": "Chư Pưh"}).text
    assert "57/KH-UBND" in clerk.get("/documents", params={"number": "57/KH"}).text
    assert "57/KH-UBND" not in clerk.get("/documents", params={"q": "không-có-từ-này"}).text
    assert "57/KH-UBND" not in clerk.get("/documents", params={"date_from": "2021-01-01"}).text
    assert clerk.get("/api/documents", params={"doc_type": "Kế hoạch"}).json()[0]["number"] \
        == "57/KH-UBND"


def test_graph_page_lists_bound_agencies(site):
    page = site["clerk"].get(f"/documents/{site['doc_id']}/graph").text
    assert "<svg" in page and "Phòng Tài chính - Kế hoạch huyện" in page
    assert "Sơ đồ: Kế hoạch 57/KH-UBND" in page


def test_openapi_describes_the_api(site):
    spec = TestClient(site["app"]).get("/openapi.json").json()
    for path in ("/api/documents", "/api/tasks", "/api/agencies", "/api/letters"):
        assert path in spec["paths"]


# ----------------------------------------------------------------------------- CLI

def test_users_add_command_and_serve_defaults(db_url, monkeypatch):
    from ocop_docs.cli import build_parser, main
    from task_graph import open_store

    url = db_url
    monkeypatch.setenv("OCOP_DOCS_PASSWORD", "mot-mat-khau-dai")
    assert main(["users", "add", "lan", "--role", "clerk", "--db", url]) == 0
    assert main(["serve", "--create-user", "hoa", "--role", "coordinator", "--db", url]) == 0
    store = open_store(url)
    assert db.check_user(store.engine, "lan", "mot-mat-khau-dai") == {"name": "lan",
                                                                     "role": "clerk"}
    assert db.check_user(store.engine, "hoa", "sai")is None
    monkeypatch.setenv("OCOP_DOCS_PASSWORD", "ngan")
    assert main(["users", "add", "x", "--role", "viewer", "--db", url]) == 1
    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1" and args.port == 8000
