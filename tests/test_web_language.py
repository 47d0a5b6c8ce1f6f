"""The web application speaks Vietnamese and keeps Vietnam's time: error pages (404, 405, 422)
are HTML pages in Vietnamese for browsers and Vietnamese JSON for the API; times are shown in
Asia/Ho_Chi_Minh with the zone named; the API docs work without Internet access; uploads go
through the ingestion gate the CLI uses (legacy encodings and HTML pages accepted, zip bombs
and SVG refused)."""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from html_page import seed_to_html  # noqa: E402
from ocop_docs import vntime  # noqa: E402
from ocop_docs.ingest.legacy import encode_legacy  # noqa: E402
from ocop_docs.web import db  # noqa: E402
from ocop_docs.web.app import create_app  # noqa: E402
from test_ingest_gate import make_docx_bomb  # noqa: E402
from test_web import PASSWORD, csrf_of, login, upload, wait_upload  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "corpus" / "seeds"
# English a page must not show (the words of FastAPI's and Starlette's default answers)
ENGLISH = re.compile(r"\b(Not Found|Method Not Allowed|Internal Server Error|Unprocessable|"
                     r"Field required|Input should|detail|value is not|page \d+: no text|"
                     r"corrupt|truncated)\b", re.I)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("weblang")
    application = create_app(str(root / "db.sqlite3"), storage=root / "storage",
                             secret="v" * 40)
    db.add_user(application.state.store.engine, "vanthu", "clerk", PASSWORD)
    yield application
    application.state.jobs.shutdown()


@pytest.fixture(scope="module")
def clerk(app):
    return login(app, "vanthu")


def _visible(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("path,status", [("/khong-co-trang-nay", 404), ("/documents/999999", 404),
                                         ("/tasks/abc", 422), ("/documents/abc", 422)])
def test_error_pages_are_vietnamese_html(clerk, path, status):
    r = clerk.get(path, headers={"Accept": "text/html"})
    assert r.status_code == status
    assert r.headers["content-type"].startswith("text/html")
    text = _visible(r.text)
    assert not ENGLISH.search(text), ENGLISH.search(text)
    assert ("Không tìm thấy" in text) if status == 404 else ("Dữ liệu gửi lên không hợp lệ" in text)


def test_method_not_allowed_is_vietnamese(clerk):
    r = clerk.put("/upload", headers={"Accept": "text/html"})
    assert r.status_code == 405 and "không nhận thao tác" in r.text
    assert not ENGLISH.search(_visible(r.text))


def test_api_errors_are_vietnamese_json(clerk):
    r = clerk.get("/api/khong-co")
    assert r.status_code == 404 and r.json()["detail"] == "Không tìm thấy trang hoặc mục này."
    r = clerk.get("/api/tasks", params={"status": "xyz"})
    assert r.status_code == 422
    body = r.json()
    assert body["detail"].startswith("Dữ liệu gửi lên không hợp lệ.")
    assert "status: phải là một trong" in body["detail"]
    assert not ENGLISH.search(body["detail"])


def test_api_docs_work_offline(app):
    client = TestClient(app)
    page = client.get("/api/docs")
    assert page.status_code == 200
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text) + \
        re.findall(r"""url: ['"]([^'"]+)['"]""", page.text)
    assert urls and all(u.startswith("/") for u in urls), urls
    assert "cdn" not in page.text.lower()
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_times_are_vietnam_time_with_the_zone_named():
    stored = datetime(2026, 12, 2, 17, 30)               # UTC, as the store keeps it
    assert vntime.format_datetime(stored) == "03/12/2026 00:30 (giờ Việt Nam, UTC+7)"
    assert vntime.format_datetime("2026-01-05T01:02:03") == "05/01/2026 08:02 (giờ Việt Nam, UTC+7)"
    assert vntime.parse_date("5/9/2025").isoformat() == "2025-09-05"
    assert vntime.parse_date("05-09-2025").isoformat() == "2025-09-05"
    assert vntime.parse_date("2025-09-05").isoformat() == "2025-09-05"
    assert vntime.parse_date("31/02/2025") is None and vntime.parse_date("09/2025") is None
    assert vntime.format_date("2025-09-05") == "05/09/2025"


def test_users_page_shows_vietnam_time(app):
    db.add_user(app.state.store.engine, "dieuphoi", "coordinator", PASSWORD)
    page = login(app, "dieuphoi").get("/users").text
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d \(giờ Việt Nam, UTC\+7\)", page)


def test_dashboard_filters_take_dd_mm_yyyy(clerk):
    page = clerk.get("/", params={"as_of": "05/09/2025", "due_from": "1/1/2020"}).text
    assert 'name="as_of" value="05/09/2025"' in page
    assert 'name="due_from" value="01/01/2020"' in page
    assert 'type="date"' not in page


# ----------------------------------------------------------------------------- uploads

@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "cp1258"])
def test_legacy_encoded_text_is_accepted_like_the_cli(clerk, encoding):
    text = (SEEDS / "003_89f910b8a6ac1ae0.txt").read_text(encoding="utf-8")
    data = encode_legacy(text + f"\nBản {encoding}.\n", encoding)
    r = upload(clerk, f"cong-van-{encoding}.txt", data)
    assert r.status_code == 200, r.text
    status = wait_upload(clerk, r.json()["results"][0]["id"])
    assert status["status"] == "done" and status["documents"], status


def test_html_page_is_read_as_a_document(clerk):
    page = seed_to_html((SEEDS / "002_884e5c9489c26ebd.txt").read_text(encoding="utf-8"))
    r = upload(clerk, "ke-hoach-125.html", page.encode("utf-8"))
    assert r.status_code == 200, r.text
    status = wait_upload(clerk, r.json()["results"][0]["id"])
    assert status["status"] == "done"
    doc_id = status["documents"][0]["id"]
    doc = clerk.get(f"/api/documents/{doc_id}").json()
    assert doc["number"] == "125/KH-UBND" and len(doc["tasks"]) > 20
    review = clerk.get(f"/documents/{doc_id}").text
    assert "&lt;p&gt;" not in review and "&lt;table" not in review


def test_zip_bomb_upload_is_refused_and_not_kept(app, clerk, tmp_path):
    bomb = make_docx_bomb(tmp_path / "bom.docx")
    storage = Path(app.state.jobs.storage)
    before = sorted(p.name for p in storage.iterdir())
    r = upload(clerk, "bom.docx", bomb.read_bytes())
    assert r.status_code == 415
    assert "giãn ra quá lớn" in r.json()["results"][0]["error"]
    assert sorted(p.name for p in storage.iterdir()) == before


def test_ingestion_warnings_on_the_review_page_are_vietnamese(clerk):
    text = (SEEDS / "003_89f910b8a6ac1ae0.txt").read_text(encoding="utf-8")
    r = upload(clerk, "ban-tcvn3.txt", encode_legacy(text + "\nBản riêng.\n", "tcvn3"))
    status = wait_upload(clerk, r.json()["results"][0]["id"])
    page = clerk.get(f"/documents/{status['documents'][0]['id']}").text
    assert "đã chuyển từ bảng mã cũ TCVN3 (ABC)" in page
    assert "legacy encoding" not in page
