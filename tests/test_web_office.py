"""The offices' tools on the web: Excel download and status import (preview, apply)."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from ocop_docs.web import db  # noqa: E402
from ocop_docs.web.app import create_app  # noqa: E402
from task_graph import queries as q  # noqa: E402
from task_graph.ingest import ingest_paths  # noqa: E402
from task_graph.store import open_store  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "mật-khẩu-thử-1"
AS_OF = "2020-12-31"


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def login(app, name: str) -> TestClient:
    client = TestClient(app)
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": token,
                                    "next": "/"}, follow_redirects=False)
    assert r.status_code == 303
    return client


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("web-office")
    store = open_store(str(root / "db.sqlite3"))
    assert not ingest_paths(store, [REPO / "corpus" / "seeds"],
                            extraction_dir=REPO / "corpus" / "gold", progress=False).failures
    app = create_app(store=store, storage=root / "storage", secret="s" * 40)
    for name, role in (("xem", "viewer"), ("dieuphoi", "coordinator")):
        db.add_user(store.engine, name, role, PASSWORD)
    yield {"app": app, "store": store, "root": root}
    app.state.jobs.shutdown()


def test_dashboard_offers_the_download(site):
    viewer = login(site["app"], "xem")
    page = viewer.get(f"/?as_of={AS_OF}&status=overdue").text
    link = re.search(r'id="download-xlsx" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    r = viewer.get(link)
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    overdue = q.overdue(site["store"], AS_OF, limit=5000)
    assert ws.max_row - 1 == overdue["rows"]
    assert {c.value for c in ws[1]} >= {"Mã nhiệm vụ", "Hạn hoàn thành", "Tình trạng"}
    everything = viewer.get(f"/export/theo-doi.xlsx?as_of={AS_OF}&status=open")
    ws = load_workbook(io.BytesIO(everything.content)).worksheets[0]
    open_rows = q.owes(site["store"], None, as_of=AS_OF, limit=5000)["rows"]
    assert open_rows > 200 and ws.max_row - 1 == open_rows    # not the dashboard's first page
    assert "/import-status" not in page                  # a viewer may not change statuses
    assert viewer.get("/import-status").status_code == 403


def test_upload_preview_then_apply(site):
    coord = login(site["app"], "dieuphoi")
    r = coord.get(f"/export/theo-doi.xlsx?as_of={AS_OF}&status=overdue")
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb.worksheets[0]
    heads = [c.value for c in ws[1]]
    id_col, st_col, ev_col, per_col = (heads.index(h) for h in (
        "Mã nhiệm vụ", "Tình trạng", "Văn bản minh chứng", "Kỳ"))
    row = next(r for r in ws.iter_rows(min_row=2) if not r[per_col].value)
    task_id = row[id_col].value
    for r in ws.iter_rows(min_row=2):
        if r[id_col].value == task_id:
            r[st_col].value, r[ev_col].value = "Đã hoàn thành", "77/BC-SCT"
    buf = io.BytesIO()
    wb.save(buf)
    token = csrf_of(coord.get("/import-status").text)
    preview = coord.post("/import-status", data={"csrf_token": token},
                         files={"file": ("theo-doi.xlsx", buf.getvalue(), "application/x")})
    assert preview.status_code == 200
    assert f"#{task_id}" in preview.text and "77/BC-SCT" in preview.text
    assert q.task_detail(site["store"], task_id)["status"] == "open"    # nothing yet
    sheet = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
    done = coord.post("/import-status/apply", data={"csrf_token": token, "token": sheet})
    assert done.status_code == 200 and "Đã ghi 1 thay đổi" in done.text
    t = q.task_detail(site["store"], task_id)
    assert t["status"] == "done" and t["history"][-1]["evidence"] == "77/BC-SCT"
    again = coord.post("/import-status/apply", data={"csrf_token": token, "token": sheet})
    assert again.status_code == 404                       # a sheet is applied once
    bad = coord.post("/import-status", data={"csrf_token": token},
                     files={"file": ("x.xlsx", b"hello", "application/x")})
    assert bad.status_code == 400 and "không phải tệp Excel" in bad.text


def test_calendar_feed_with_a_secret_token(site):
    from icalendar import Calendar

    viewer = login(site["app"], "xem")
    token = csrf_of(viewer.get("/calendars").text)
    r = viewer.post("/calendars", data={"csrf_token": token, "agency": "Sở Công Thương tỉnh "
                                        "Hòa Bình", "role": "any"})
    assert r.status_code == 200
    url = re.search(r'<code id="feed-url">([^<]+)</code>', r.text).group(1)
    path = url.split("://", 1)[1].split("/", 1)[1]
    anonymous = TestClient(site["app"])                  # a calendar program: no session
    feed = anonymous.get("/" + path)
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert events and all(str(e["UID"]).startswith("task-") for e in events)
    assert anonymous.get("/calendar/" + "x" * 43 + ".ics").status_code == 404
    assert anonymous.get("/calendar.ics?agency=x", follow_redirects=False).status_code == 303
    bad = viewer.post("/calendars", data={"csrf_token": token, "agency": "Sở Không Có"})
    assert bad.status_code == 400
    feed_id = re.search(r'action="/calendars/(\d+)/revoke"', viewer.get("/calendars").text)
    r = viewer.post(f"/calendars/{feed_id.group(1)}/revoke", data={"csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303
    assert anonymous.get("/" + path).status_code == 404          # revoked


def test_edxml_upload_takes_the_header(site, tmp_path):
    import time

    from test_office_edxml import gold_meta, package_of, seed_docx

    coord = login(site["app"], "dieuphoi")
    meta = dict(gold_meta(), number="59/KH-UBND")          # the header says otherwise
    data = package_of(meta, seed_docx(tmp_path, "Bản gửi qua hệ thống liên thông văn bản."))
    token = csrf_of(coord.get("/upload").text)
    r = coord.post("/upload", files={"files": ("goi.edxml", data, "application/xml")},
                   headers={"X-CSRF-Token": token, "Accept": "application/json"})
    assert r.status_code == 200, r.text
    upload_id = r.json()["results"][0]["id"]
    for _ in range(400):
        s = coord.get(f"/api/uploads/{upload_id}").json()
        if s["status"] not in ("queued", "running"):
            break
        time.sleep(0.3)
    assert s["status"] == "done", s
    doc = coord.get(f"/api/documents/{s['documents'][0]['id']}").json()
    assert doc["number"] == "59/KH-UBND"
    import sqlalchemy as sa
    from task_graph.schema import files
    with site["store"].connect() as conn:
        stored = json.loads(conn.execute(sa.select(files.c.extraction_json).where(
            files.c.id == s["file_id"])).scalar())
    number = stored["documents"][0]["field_sources"]["number"]
    assert number["method"] == "edxml-header" and number["review"]
    assert number["text_value"] == "57/KH-UBND"          # the text's value kept for review
    assert stored["documents"][0]["package"]["issuer_organ_id"] == "000.00.31.H22"


@pytest.mark.libreoffice
@pytest.mark.skipif(__import__("shutil").which("soffice") is None, reason="soffice not on PATH")
def test_letter_as_edxml_package(site):
    from ocop_docs.office.edxml import parse_package, validate_package

    coord = login(site["app"], "dieuphoi")
    from ocop_docs.letters import ledger

    fields = {"as_of": AS_OF, "issuer": "Ủy ban nhân dân tỉnh Hòa Bình", "signer": "Nguyễn Văn A"}
    page = coord.get("/letters", params=fields).text
    assert 'formaction="/letters/edxml"' in page
    fields |= {"i": "0", "csrf_token": csrf_of(page)}
    before = len(ledger.recent_letters(site["store"].engine))
    missing = coord.post("/letters/edxml", data=fields)
    assert missing.status_code == 400 and "OrganId" in missing.text
    assert len(ledger.recent_letters(site["store"].engine)) == before   # nothing recorded
    r = coord.post("/letters/edxml", data=fields | {"organ_id": "000.00.00.H17",
                                                   "to_organ_id": "000.01.00.H17"})
    assert r.status_code == 200 and ".edxml" in r.headers["content-disposition"]
    assert validate_package(r.content) == []
    assert parse_package(r.content).header["issuer_organ_id"] == "000.00.00.H17"
    recorded = ledger.recent_letters(site["store"].engine)      # the package's letter is in the ledger
    assert len(recorded) == before + 1
    assert str(recorded[0]["letter_id"]) == r.headers["x-letter-id"]


def test_summary_report_download(site):
    from docx import Document

    viewer = login(site["app"], "xem")
    assert "/report?" in viewer.get("/").text
    assert "Chỉ tài khoản điều phối" in viewer.get("/report").text
    query = ("period_from=2019-01-01&period_to=2019-12-31&issuer=Ủy ban nhân dân tỉnh Hòa Bình"
             "&signer=Nguyễn Văn A&signer_title=KT. CHỦ TỊCH|PHÓ CHỦ TỊCH")
    assert viewer.get(f"/report.docx?{query}").status_code == 403
    coord = login(site["app"], "dieuphoi")
    assert 'action="/report.docx"' in coord.get("/report").text
    r = coord.get(f"/report.docx?{query}")
    assert r.status_code == 200 and "bao-cao" in r.headers["content-disposition"]
    doc = Document(io.BytesIO(r.content))
    assert any(p.text == "BÁO CÁO" for p in doc.paragraphs) and doc.inline_shapes
    assert coord.get("/report.docx?period_from=2019-12-31&period_to=2019-01-01&issuer=X"
                     ).status_code == 400


def test_my_units_calendar(site):
    viewer = login(site["app"], "xem")
    token = csrf_of(viewer.get("/calendars").text)
    assert 'id="unit-feed"' not in viewer.get("/calendars").text
    r = viewer.post("/calendars/unit", data={"csrf_token": token,
                                             "agency": "Sở Y tế tỉnh Hòa Bình"},
                    follow_redirects=False)
    assert r.status_code == 303
    page = viewer.get("/calendars").text
    assert 'id="unit-feed"' in page and "Sở Y tế tỉnh Hòa Bình" in page
    ics = viewer.get("/calendar.ics?agency=Sở Y tế tỉnh Hòa Bình")
    assert ics.status_code == 200 and b"BEGIN:VEVENT" in ics.content
    bad = viewer.post("/calendars/unit", data={"csrf_token": token, "agency": "Không Có"})
    assert bad.status_code == 400
