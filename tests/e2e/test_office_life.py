"""Daily office life in headless chromium: a viewer of one unit cannot open another unit's
document by URL; every page and error page shows Vietnamese only (the rendered text is scanned
for English words); date fields take and show dd/mm/yyyy."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PASSWORD = "mật-khẩu-e2e-1"     # as in conftest.py
REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "corpus" / "seeds"
HOA_BINH_SO = "Sở Nông nghiệp và Phát triển nông thôn tỉnh Hòa Bình"
# English words a Vietnamese page must not show (FastAPI/Starlette defaults, ingestion
# warnings, common untranslated UI words)
ENGLISH = ["Not Found", "Method Not Allowed", "Internal Server Error", "Unprocessable",
           "Field required", "Input should", "detail", "Error", "error", "page", "no text",
           "found", "corrupt", "truncated", "warning", "Login", "Logout", "Password",
           "Username", "Upload", "Download", "Dashboard", "Submit", "Search", "Save", "Cancel",
           "Delete", "Edit", "Loading", "Settings", "Home", "Back", "Next", "Previous",
           "Status", "Date", "Task", "Document", "Users", "Forbidden", "Unauthorized",
           "legacy encoding", "decoded", "None", "null", "undefined", "True", "False"]
_ENGLISH = re.compile(r"\b(" + "|".join(re.escape(w) for w in ENGLISH) + r")\b")


def _stored(server, seed: str, user: str = "dieuphoi") -> dict:
    """Upload a seed through the application's own job queue and wait for its documents."""
    from ocop_docs.web import db, services

    app = server["app"]
    upload_id = app.state.jobs.accept(seed, (SEEDS / seed).read_bytes(), user)
    for _ in range(600):
        row = db.upload_row(app.state.store.engine, upload_id)
        if row["status"] not in ("queued", "running"):
            break
        time.sleep(0.2)
    assert row["status"] in ("done", "duplicate"), row
    docs = services.documents_of_file(app.state.store, row["file_id"])
    doc = services.document(app.state.store, docs[0]["id"])
    return {"id": doc["id"], "file_id": doc["file_id"], "upload_id": upload_id,
            "task_id": doc["tasks"][0]["id"], "number": doc["number"]}


@pytest.fixture(scope="module")
def office(server):
    from ocop_docs.web import db, units

    app = server["app"]
    province = _stored(server, "002_884e5c9489c26ebd.txt")
    other = _stored(server, "001_a2896014b23254db.txt")
    db.add_user(app.state.store.engine, "xem-so", "viewer", PASSWORD)
    units.set_unit(app.state.store, "xem-so", HOA_BINH_SO)
    return {"own": province, "other": other}


def _login(page, url: str, name: str) -> None:
    page.context.clear_cookies()
    page.goto(url + "/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(re.escape(url) + r"/(\?.*)?$"))


def test_unit_viewer_cannot_open_another_units_document(server, browser, office, shot):
    url = server["url"]
    page = browser.new_page()
    _login(page, url, "xem-so")
    page.goto(url + f"/documents/{office['own']['id']}")
    assert page.locator("#doc-text").is_visible()
    assert "125/KH-UBND" in page.inner_text("body")
    other = office["other"]
    for path in (f"/documents/{other['id']}", f"/documents/{other['id']}/graph",
                 f"/tasks/{other['task_id']}", f"/files/{other['file_id']}/gold.json"):
        response = page.goto(url + path)
        assert response.status == 404, path
        body = page.inner_text("body")
        assert "Không tìm thấy" in body and other["number"] not in body, path
    shot(page, "20-nguoi-xem-don-vi-khac")
    page.goto(url + "/documents")
    registry = page.inner_text("table.grid")
    assert "125/KH-UBND" in registry and other["number"] not in registry
    page.close()


def _english_in(page) -> list[str]:
    text = page.evaluate("() => document.body.innerText + ' ' + document.title")
    return sorted(set(_ENGLISH.findall(text)))


def test_every_page_and_error_page_is_vietnamese(server, browser, office, shot):
    url = server["url"]
    own = office["own"]
    page = browser.new_page()
    page.context.clear_cookies()
    for path in ("/login", "/login?next=/khong-co"):
        page.goto(url + path)
        assert _english_in(page) == [], (path, _english_in(page))
    _login(page, url, "dieuphoi")
    paths = ["/", "/?status=all&as_of=01/01/2030", "/?status=overdue&as_of=2030-01-01",
             "/upload", "/documents", "/documents?q=OCOP", f"/documents/{own['id']}",
             f"/documents/{own['id']}/graph", f"/tasks/{own['task_id']}", "/letters",
             f"/letters?task={own['task_id']}&as_of=01/01/2030", "/users", "/account",
             "/calendars", "/import-status", "/audit",
             # error pages
             "/khong-co-trang-nay", "/documents/999999", "/tasks/999999", "/documents/abc",
             "/tasks/abc", "/uploads/999999/pages/1.png"]
    seen = {}
    for path in paths:
        response = page.goto(url + path)
        seen[path] = response.status
        found = _english_in(page)
        assert found == [], (path, response.status, found)
        assert page.evaluate("() => document.documentElement.lang") == "vi", path
    assert seen["/khong-co-trang-nay"] == 404 and seen["/documents/abc"] == 422
    shot(page, "21-trang-loi-tieng-viet")
    # an upload the gate refuses: the message on the page is Vietnamese
    page.goto(url + "/upload")
    page.set_input_files("#file-input", files=[{"name": "con-dau.svg", "mimeType": "image/svg+xml",
                                                "buffer": b'<svg xmlns="http://www.w3.org/2000/svg">'
                                                          b'<text>x</text></svg>'}])
    page.wait_for_selector("#progress li[data-status=rejected]")
    assert "SVG" in page.inner_text("#progress") and _english_in(page) == []
    # a viewer's 403 page
    _login(page, url, "xem")
    response = page.goto(url + "/users")
    assert response.status == 403 and _english_in(page) == []
    page.close()


def test_date_fields_take_and_show_dd_mm_yyyy(server, browser, office, shot):
    url = server["url"]
    own = office["own"]
    page = browser.new_page()
    _login(page, url, "dieuphoi")
    page.goto(url + "/")
    field = page.locator("form.filters input[name=as_of]")
    assert field.get_attribute("type") == "text"
    assert re.fullmatch(r"\d\d/\d\d/\d{4}", field.input_value())
    field.fill("01/01/2030")
    page.locator("form.filters input[name=due_from]").fill("1/6/2018")
    page.locator("form.filters button").first.click()
    page.wait_for_url(re.compile(r"as_of=01%2F01%2F2030"))
    assert page.locator("form.filters input[name=as_of]").input_value() == "01/01/2030"
    assert page.locator("form.filters input[name=due_from]").input_value() == "01/06/2018"
    # the review page: the date of issue is written and read back as dd/mm/yyyy
    page.goto(url + f"/documents/{own['id']}")
    issued = page.locator("input[name=issued_date]")
    assert issued.get_attribute("type") == "text"
    assert re.fullmatch(r"\d\d/\d\d/\d{4}", issued.input_value()), issued.input_value()
    issued.fill("21/09/2018")
    page.click("text=Lưu bản hiệu đính")
    page.wait_for_selector("p.ok")
    assert page.locator("input[name=issued_date]").input_value() == "21/09/2018"
    from ocop_docs.web import services
    assert services.document(server["app"].state.store, own["id"])["issued_date"] == "2018-09-21"
    # a day that does not exist is refused by the browser's own check (pattern) or the server
    issued = page.locator("input[name=issued_date]")
    issued.fill("2018-09-21")
    assert not page.evaluate("(el) => el.checkValidity()", issued.element_handle())
    shot(page, "22-ngay-thang-nam")
    page.close()
