"""Sessions and accounts of the web application (issue 11, defects 4 and 8): SameSite=Lax,
server-side logout, throttling of wrong passwords (form and HTTP Basic), login timing that does
not tell names apart, no silent replacement of an account, disable/delete, the user's own
password change, weak passwords, the API's row cap and the Host header check."""
from __future__ import annotations

import base64
import hashlib
import re

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("itsdangerous")
from fastapi.testclient import TestClient  # noqa: E402

from ocop_docs.web import auth, db, security  # noqa: E402
from ocop_docs.web.app import create_app  # noqa: E402

PASSWORD = "mật-khẩu-thử-1"


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


def post_login(client: TestClient, name: str, password: str):
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"name": name, "password": password,
                                       "csrf_token": token, "next": "/"},
                       follow_redirects=False)


def login(app, name: str, password: str = PASSWORD) -> TestClient:
    client = TestClient(app)
    r = post_login(client, name, password)
    assert r.status_code == 303, r.text
    return client


def basic(name: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{password}".encode()).decode()}


@pytest.fixture()
def app(tmp_path):
    app = create_app(str(tmp_path / "db.sqlite3"), storage=tmp_path / "storage",
                     secret="s" * 40, workers=1)
    for name, role in (("xem", "viewer"), ("vanthu", "clerk"), ("dieuphoi", "coordinator")):
        db.add_user(app.state.store.engine, name, role, PASSWORD)
    yield app
    app.state.jobs.shutdown()


# ----------------------------------------------------------------------------- sessions

def test_session_cookie_is_samesite_lax(app):
    client = TestClient(app)
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"name": "xem", "password": PASSWORD, "csrf_token": token},
                    follow_redirects=False)
    cookie = r.headers["set-cookie"].lower()
    assert "samesite=lax" in cookie and "httponly" in cookie
    # a top-level GET that arrives from another site (as a link in webmail) keeps the session
    page = client.get("/", headers={"Referer": "https://mail.example.vn/inbox",
                                    "Sec-Fetch-Site": "cross-site"}, follow_redirects=False)
    assert page.status_code == 200
    assert "Ai phải làm gì" in page.text


def test_logout_ends_the_session_on_the_server(app):
    client = login(app, "dieuphoi")
    copied = dict(client.cookies)
    assert client.get("/", follow_redirects=False).status_code == 200
    token = csrf_of(client.get("/").text)
    assert client.post("/logout", data={"csrf_token": token},
                       follow_redirects=False).status_code == 303
    thief = TestClient(app)
    thief.cookies.update(copied)
    r = thief.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert thief.get("/api/tasks").status_code == 401


def test_wrong_passwords_are_throttled_on_the_form(app):
    client = TestClient(app)
    for _ in range(auth.MAX_FAILURES_PER_NAME):
        assert post_login(client, "dieuphoi", "sai-mat-khau-9").status_code == 401
    r = post_login(client, "dieuphoi", PASSWORD)          # even the right one, for a while
    assert r.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in r.text
    assert int(r.headers["retry-after"]) > 0
    # another account from the same place is not locked by those failures
    assert post_login(client, "xem", PASSWORD).status_code == 303


def test_wrong_passwords_are_throttled_over_http_basic(app):
    client = TestClient(app)
    for _ in range(auth.MAX_FAILURES_PER_NAME):
        assert client.get("/api/tasks", headers=basic("xem", "sai-mat-khau-9")).status_code == 401
    r = client.get("/api/tasks", headers=basic("xem", PASSWORD))
    assert r.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in r.json()["detail"]


def test_many_names_from_one_client_are_throttled(app, monkeypatch):
    monkeypatch.setattr(auth, "MAX_FAILURES_PER_CLIENT", 4)
    client = TestClient(app)
    for i in range(4):
        assert post_login(client, f"ten-{i}", "sai-mat-khau-9").status_code == 401
    assert post_login(client, "dieuphoi", PASSWORD).status_code == 429


def test_a_successful_login_clears_the_count(app):
    client = TestClient(app)
    for _ in range(auth.MAX_FAILURES_PER_NAME - 1):
        post_login(client, "vanthu", "sai-mat-khau-9")
    assert post_login(client, "vanthu", PASSWORD).status_code == 303
    for _ in range(auth.MAX_FAILURES_PER_NAME - 1):
        post_login(client, "vanthu", "sai-mat-khau-9")
    assert post_login(client, "vanthu", PASSWORD).status_code == 303


def test_login_costs_one_password_check_whether_or_not_the_name_exists(app, monkeypatch):
    engine = app.state.store.engine
    db.check_user(engine, "khong-co-ai", "x")          # makes the dummy hash once
    calls = []
    real = hashlib.scrypt

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(security.hashlib, "scrypt", counting)
    assert db.check_user(engine, "khong-co-ai", "sai-mat-khau-9") is None
    unknown = len(calls)
    calls.clear()
    assert db.check_user(engine, "dieuphoi", "sai-mat-khau-9") is None
    known = len(calls)
    assert unknown == known == 1


# ----------------------------------------------------------------------------- accounts

def test_adding_an_existing_name_is_refused(app):
    engine = app.state.store.engine
    with pytest.raises(db.AccountError, match="đã có"):
        db.add_user(engine, "xem", "coordinator", "mot-mat-khau-khac-9")
    assert db.check_user(engine, "xem", PASSWORD) == {"name": "xem", "role": "viewer"}
    admin = login(app, "dieuphoi")
    token = csrf_of(admin.get("/users").text)
    r = admin.post("/users", data={"csrf_token": token, "name": "xem", "role": "coordinator",
                                   "password": "mot-mat-khau-khac-9"})
    assert r.status_code == 400 and "đã có" in r.text
    assert db.get_user(engine, "xem")["role"] == "viewer"


def test_explicit_update_changes_role_and_password(app):
    engine = app.state.store.engine
    viewer = login(app, "xem")
    db.update_user(engine, "xem", role="clerk", password="mot-mat-khau-khac-9")
    assert db.check_user(engine, "xem", "mot-mat-khau-khac-9") == {"name": "xem",
                                                                   "role": "clerk"}
    # a new password ends the account's sessions
    assert viewer.get("/", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("password", ["12345678", "1234567890", "password123", "matkhau2024",
                                      "qwertyuiop", "aaaaaaaaaaaa", "ngan"])
def test_weak_passwords_are_refused(app, password):
    with pytest.raises(db.AccountError):
        db.add_user(app.state.store.engine, "moi", "viewer", password)
    admin = login(app, "dieuphoi")
    token = csrf_of(admin.get("/users").text)
    r = admin.post("/users", data={"csrf_token": token, "name": "moi", "role": "viewer",
                                   "password": password})
    assert r.status_code == 400
    assert db.get_user(app.state.store.engine, "moi") is None


def test_disable_enable_and_delete_from_the_users_page(app):
    engine = app.state.store.engine
    clerk = login(app, "vanthu")
    admin = login(app, "dieuphoi")
    token = csrf_of(admin.get("/users").text)
    r = admin.post("/users/change", data={"csrf_token": token, "name": "vanthu",
                                          "action": "disable"}, follow_redirects=False)
    assert r.status_code == 303
    assert clerk.get("/", follow_redirects=False).status_code == 303     # session ended
    assert post_login(TestClient(app), "vanthu", PASSWORD).status_code == 401
    assert TestClient(app).get("/api/tasks", headers=basic("vanthu", PASSWORD)).status_code == 401
    assert "đã khóa" in admin.get("/users").text
    admin.post("/users/change", data={"csrf_token": token, "name": "vanthu",
                                      "action": "enable"})
    assert post_login(TestClient(app), "vanthu", PASSWORD).status_code == 303
    admin.post("/users/change", data={"csrf_token": token, "name": "vanthu",
                                      "action": "delete"})
    assert db.get_user(engine, "vanthu") is None
    assert post_login(TestClient(app), "vanthu", PASSWORD).status_code == 401
    # a coordinator cannot lock themself out
    r = admin.post("/users/change", data={"csrf_token": token, "name": "dieuphoi",
                                          "action": "delete"})
    assert r.status_code == 400 and db.get_user(engine, "dieuphoi")


def test_user_changes_own_password(app):
    other = login(app, "xem")
    me = login(app, "xem")
    token = csrf_of(me.get("/account").text)
    r = me.post("/account", data={"csrf_token": token, "password": "sai-mat-khau-9",
                                  "new_password": "mot-mat-khau-moi-7",
                                  "new_password2": "mot-mat-khau-moi-7"})
    assert r.status_code == 400 and "mật khẩu hiện tại không đúng" in r.text
    r = me.post("/account", data={"csrf_token": token, "password": PASSWORD,
                                  "new_password": "12345678", "new_password2": "12345678"})
    assert r.status_code == 400
    r = me.post("/account", data={"csrf_token": token, "password": PASSWORD,
                                  "new_password": "mot-mat-khau-moi-7",
                                  "new_password2": "mot-mat-khau-moi-7"},
                follow_redirects=False)
    assert r.status_code == 303
    assert me.get("/account").status_code == 200                 # this session goes on
    assert other.get("/", follow_redirects=False).status_code == 303   # the other one ended
    assert db.check_user(app.state.store.engine, "xem", "mot-mat-khau-moi-7")
    assert db.check_user(app.state.store.engine, "xem", PASSWORD) is None


def test_users_commands(tmp_path, monkeypatch, capsys):
    from ocop_docs.cli import main
    from task_graph import open_store

    url = str(tmp_path / "db.sqlite3")
    monkeypatch.setenv("OCOP_DOCS_PASSWORD", "mot-mat-khau-dai")
    assert main(["users", "add", "lan", "--role", "clerk", "--db", url]) == 0
    monkeypatch.setenv("OCOP_DOCS_PASSWORD", "mat-khau-thu-hai-2")
    assert main(["users", "add", "lan", "--role", "coordinator", "--db", url]) == 1
    assert "đã có" in capsys.readouterr().err
    store = open_store(url)
    assert db.check_user(store.engine, "lan", "mot-mat-khau-dai") == {"name": "lan",
                                                                     "role": "clerk"}
    assert main(["users", "set", "lan", "--role", "coordinator", "--password",
                 "--db", url]) == 0
    assert db.check_user(store.engine, "lan", "mat-khau-thu-hai-2") == {"name": "lan",
                                                                       "role": "coordinator"}
    assert main(["users", "disable", "lan", "--db", url]) == 0
    assert db.check_user(store.engine, "lan", "mat-khau-thu-hai-2") is None
    assert main(["users", "enable", "lan", "--db", url]) == 0
    assert main(["users", "delete", "lan", "--db", url]) == 0
    assert db.get_user(store.engine, "lan") is None
    monkeypatch.setenv("OCOP_DOCS_PASSWORD", "12345678")
    assert main(["users", "add", "x", "--role", "viewer", "--db", url]) == 1
    store.close()


# ----------------------------------------------------------------------------- API, Host

def test_api_row_cap_cannot_be_bypassed(app):
    client = TestClient(app)
    auth_ = basic("xem", PASSWORD)
    for bad in ("-1", "0", "1001"):
        r = client.get(f"/api/documents?limit={bad}", headers=auth_)
        assert r.status_code == 422, (bad, r.status_code)
    assert client.get("/api/documents?offset=-5", headers=auth_).status_code == 422
    assert client.get("/api/documents?limit=1000", headers=auth_).status_code == 200


def test_host_header_is_checked(app, tmp_path):
    client = TestClient(app)
    assert client.get("/login").status_code == 200
    r = client.get("/login", headers={"Host": "attacker.example"})
    assert r.status_code == 400
    assert "Host" in r.text
    assert client.get("/login", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    assert client.get("/login", headers={"Host": "[::1]:8000"}).status_code == 200
    office = create_app(str(tmp_path / "db2.sqlite3"), storage=tmp_path / "s2",
                        secret="t" * 40, workers=1, hosts=["vanban.hoabinh.gov.vn"])
    try:
        c2 = TestClient(office, base_url="http://vanban.hoabinh.gov.vn")
        assert c2.get("/login").status_code == 200
        assert c2.get("/login", headers={"Host": "localhost"}).status_code == 400
    finally:
        office.state.jobs.shutdown()


def test_allowed_hosts_from_the_environment(monkeypatch):
    from ocop_docs.web.app import allowed_hosts

    monkeypatch.setenv("OCOP_DOCS_ALLOWED_HOSTS", "vanban.example.vn, 10.0.0.5")
    assert allowed_hosts() == {"vanban.example.vn", "10.0.0.5"}
    monkeypatch.delenv("OCOP_DOCS_ALLOWED_HOSTS")
    assert "127.0.0.1" in allowed_hosts() and "vanban.example.vn" not in allowed_hosts()


def test_accounts_of_an_older_database_keep_working(tmp_path):
    """A web_users table made before accounts could be disabled gets the column on start."""
    import sqlalchemy as sa

    from task_graph import open_store

    store = open_store(str(tmp_path / "old.sqlite3"))
    with store.engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE web_users (id INTEGER PRIMARY KEY, name VARCHAR(100) "
                             "NOT NULL UNIQUE, role VARCHAR(20) NOT NULL, password_hash "
                             "VARCHAR(300) NOT NULL, created_at DATETIME NOT NULL)"))
        conn.execute(sa.text("INSERT INTO web_users (name, role, password_hash, created_at) "
                             "VALUES ('cu', 'viewer', :h, '2024-01-01 00:00:00')"),
                     {"h": security.hash_password(PASSWORD)})
    app = create_app(str(tmp_path / "old.sqlite3"), storage=tmp_path / "storage",
                     secret="o" * 40, workers=1, store=store)
    try:
        assert login(app, "cu").get("/", follow_redirects=False).status_code == 200
        db.set_disabled(store.engine, "cu")
        assert post_login(TestClient(app), "cu", PASSWORD).status_code == 401
    finally:
        app.state.jobs.shutdown()
        store.close()
