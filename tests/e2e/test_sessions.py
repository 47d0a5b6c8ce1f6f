"""Sessions and concurrent editing in headless chromium (issue 11, defects 2 and 4): a link into
the application from another site keeps the user logged in; two users editing one document,
the second gets the conflict message with what changed; logging out ends the session even for
a copied cookie; wrong passwords are throttled.

Two users at once in the one browser profile: one uses http://127.0.0.1:PORT, the other
http://localhost:PORT (cookies are kept per host name; both names are allowed hosts)."""
from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PASSWORD = "mật-khẩu-e2e-1"     # as in conftest.py
REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "corpus" / "seeds" / "000_d12cc8faf554fa00.txt"
GOLD = REPO / "corpus" / "gold"
PLAN = "5077/KH-SNN"
OTHER_SITE = "http://e-office.example"


def _other_host(url: str) -> str:
    return url.replace("127.0.0.1", "localhost")


def _login(page, base: str, name: str, target: str = "/") -> None:
    page.goto(base + target)
    if "/login" not in page.url:
        page.click("text=Đăng xuất")
        page.goto(base + target)
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + target)


def _logout(page, base: str) -> None:
    page.goto(base + "/")
    if "/login" not in page.url:
        page.click("text=Đăng xuất")
        page.wait_for_url("**/login")


@pytest.fixture(scope="module")
def plan(server):
    """Seed 000 stored from its gold extraction, and two clerks."""
    import sqlalchemy as sa

    from ocop_docs.web import db
    from task_graph.ingest import ingest_paths
    from task_graph.schema import documents

    store = server["app"].state.store
    ingest_paths(store, [SEED], extraction_dir=GOLD, progress=False)
    for name in ("lan", "hoa", "thu"):
        if db.get_user(store.engine, name) is None:
            db.add_user(store.engine, name, "clerk", PASSWORD)
    with store.connect() as conn:
        return conn.execute(sa.select(documents.c.id)
                            .where(documents.c.number == PLAN)).scalars().first()


def test_a_link_from_another_site_keeps_the_session(server, browser, plan, shot):
    url = server["url"]
    page = browser.new_page()
    _login(page, url, "lan")
    # a page of another site (an e-office system, webmail) with a link into the application
    page.route(OTHER_SITE + "/**", lambda route: route.fulfill(
        status=200, content_type="text/html; charset=utf-8",
        body=f'<!doctype html><meta charset="utf-8"><title>Hộp thư</title>'
             f'<p>Văn bản cần xử lý: <a id="vao" href="{url}/documents/{plan}">mở văn bản</a>'))
    page.goto(OTHER_SITE + "/hop-thu")
    page.click("#vao")
    page.wait_for_url(f"{url}/documents/{plan}")
    assert "/login" not in page.url
    assert page.locator("#review-form").is_visible()
    assert "lan" in page.inner_text("form.who")
    shot(page, "20-lien-ket-tu-trang-khac")
    page.close()


def test_two_clerks_editing_one_document_get_a_conflict_message(server, browser, plan, shot):
    url, url2 = server["url"], _other_host(server["url"])
    first, second = browser.new_page(), browser.new_page()
    _login(first, url, "lan", f"/documents/{plan}")
    _login(second, url2, "hoa", f"/documents/{plan}")
    # both have the form open; Lan saves first
    first.fill("textarea[name=subject]", "Kế hoạch thực hiện Chương trình OCOP (Lan sửa)")
    first.click("text=Lưu bản hiệu đính")
    first.wait_for_selector("p.ok[role=status]")
    # Hoa, on the page opened before Lan's save, changes the signer and saves
    second.fill("input[name=signer]", "Người ký do Hoa sửa")
    second.click("text=Lưu bản hiệu đính")
    alert = second.locator("section.conflict")
    alert.wait_for()
    text = alert.inner_text()
    assert "Chưa lưu: văn bản này đã được lan sửa" in text
    assert "Kế hoạch thực hiện Chương trình OCOP (Lan sửa)" in text      # what Lan changed
    assert "Người ký do Hoa sửa" in text                                # what Hoa sent
    shot(second, "21-xung-dot-khi-luu")
    # the form now holds Lan's version; Hoa enters her change again and it is saved
    assert "(Lan sửa)" in second.input_value("textarea[name=subject]")
    second.fill("input[name=signer]", "Người ký do Hoa sửa")
    second.click("text=Lưu bản hiệu đính")
    second.wait_for_selector("p.ok[role=status]")
    api = first.request.get(f"{url}/api/documents/{plan}").json()
    assert api["subject"].endswith("(Lan sửa)") and api["signer"] == "Người ký do Hoa sửa"
    _logout(second, url2)
    first.close()
    second.close()


def test_logout_ends_the_session_even_for_a_copied_cookie(server, browser, plan):
    url, url2 = server["url"], _other_host(server["url"])
    page = browser.new_page()
    _login(page, url, "thu")
    cookie = next(c for c in browser.cookies(url) if c["name"] == "ocop_session")
    # the same cookie, copied to another "machine" (the other host name)
    browser.add_cookies([{"name": "ocop_session", "value": cookie["value"],
                          "url": url2}])
    thief = browser.new_page()
    thief.goto(url2 + "/documents")
    assert "/login" not in thief.url                   # the copy works while the session lives
    page.click("text=Đăng xuất")
    page.wait_for_url("**/login")
    thief.goto(url2 + "/documents")
    assert "/login" in thief.url                       # ended on the server
    page.close()
    thief.close()


def test_wrong_passwords_are_throttled(server, browser, plan, shot):
    from ocop_docs.web import auth, db

    store = server["app"].state.store
    if db.get_user(store.engine, "nhieu-lan-sai") is None:
        db.add_user(store.engine, "nhieu-lan-sai", "viewer", PASSWORD)
    url = server["url"]
    page = browser.new_page()
    _logout(page, url)
    for _ in range(auth.MAX_FAILURES_PER_NAME):
        page.fill("input[name=name]", "nhieu-lan-sai")
        page.fill("input[name=password]", "sai-mat-khau-9")
        page.click("button[type=submit]")
        assert page.get_by_text("Sai tên đăng nhập hoặc mật khẩu.").is_visible()
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    assert page.get_by_text("Đăng nhập sai quá nhiều lần").is_visible()
    assert "/login" in page.url
    shot(page, "22-dang-nhap-sai-qua-nhieu")
    page.close()
