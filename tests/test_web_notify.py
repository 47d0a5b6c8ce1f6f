"""Notifications: each user sees the tasks of their agency coming due (in the app) and gets
them by email through the configured SMTP server — here a local SMTP sink (aiosmtpd) on a free
port of 127.0.0.1."""
from __future__ import annotations

import socket
from email import message_from_bytes, policy
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")

from ocop_docs.cli import main  # noqa: E402
from ocop_docs.web import db, notify, units  # noqa: E402
from ocop_docs.web.app import create_app  # noqa: E402
from test_web import PASSWORD, csrf_of, login, upload, wait_upload  # noqa: E402

SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "seeds"
AGENCY = "Sở Nông nghiệp và Phát triển nông thôn tỉnh Hòa Bình"
OTHER = "Phòng Nông nghiệp và Phát triển nông thôn huyện Chư Pưh"


class Sink:
    """Keeps every message the SMTP server receives."""
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content,
                                                                    policy=policy.default)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def smtp():
    sink = Sink()
    controller = aiosmtpd_controller.Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, sink
    controller.stop()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("notify")
    db_path = root / "db.sqlite3"
    app = create_app(str(db_path), storage=root / "storage", secret="n" * 40)
    engine = app.state.store.engine
    for name, role in (("admin", "coordinator"), ("so-nn", "viewer"), ("phong-nn", "clerk"),
                       ("khong-don-vi", "viewer")):
        db.add_user(engine, name, role, PASSWORD)
    admin = login(app, "admin")
    for seed in ("001_a2896014b23254db.txt", "002_884e5c9489c26ebd.txt"):
        r = upload(admin, seed, (SEEDS / seed).read_bytes())
        assert wait_upload(admin, r.json()["results"][0]["id"])["status"] == "done"
    units.set_unit(app.state.store, "so-nn", AGENCY)
    units.set_unit(app.state.store, "phong-nn", OTHER)
    yield {"app": app, "db": str(db_path)}
    app.state.jobs.shutdown()


def test_each_user_sees_their_agencys_tasks_coming_due(site):
    client = login(site["app"], "so-nn")
    page = client.get("/notifications", params={"as_of": "25/09/2018"}).text
    assert AGENCY in page and "Quá hạn" not in page.split('id="due-tasks"')[0]
    rows = page.split('id="due-tasks"')[1]
    assert "30/09/2018" in rows and "Hoàn thiện, phê duyệt đề cương" in rows
    assert "Chư Pưh" not in rows
    later = client.get("/notifications", params={"as_of": "15/10/2018"}).text
    assert "Quá hạn 15 ngày" in later                   # Quý III/2018 ended on 30/09/2018
    # an account without a unit is told so
    none = login(site["app"], "khong-don-vi").get("/notifications").text
    assert "chưa gắn với đơn vị" in none


def test_the_user_sets_their_address(site):
    client = login(site["app"], "so-nn")
    token = csrf_of(client.get("/notifications").text)
    bad = client.post("/notifications/email", data={"csrf_token": token, "email": "khong-hop-le"})
    assert bad.status_code == 400 and "địa chỉ thư không hợp lệ" in bad.text
    ok = client.post("/notifications/email", data={"csrf_token": token,
                                                   "email": "so-nn@hoabinh.gov.vn"},
                     follow_redirects=False)
    assert ok.status_code == 303
    assert notify.email_of(site["app"].state.store.engine, "so-nn") == "so-nn@hoabinh.gov.vn"


def test_email_through_a_local_smtp_sink(site, smtp):
    controller, sink = smtp
    engine = site["app"].state.store.engine
    notify.set_email(engine, "so-nn", "so-nn@hoabinh.gov.vn")
    notify.set_email(engine, "phong-nn", "phong-nn@chupuh.gov.vn")
    notify.set_email(engine, "khong-don-vi", "ai-do@example.vn")      # no unit: no mail
    settings = notify.SmtpSettings(host="127.0.0.1", port=controller.port,
                                   sender="theo-doi@ubnd.gov.vn")
    from datetime import date
    sent = notify.send_due_mail(site["app"].state.store, settings, date(2018, 9, 25), 7)
    assert {s["user"] for s in sent} == {"so-nn"}       # Chư Pưh's tasks are of 2020
    assert len(sink.messages) == 1
    rcpt, message = sink.messages[0]
    assert rcpt == ["so-nn@hoabinh.gov.vn"]
    assert message["Subject"].startswith("[ocop-docs] ") and AGENCY in message["Subject"]
    body = message.get_content()
    assert "Kính gửi so-nn" in body and "tính đến 25/09/2018" in body
    assert "- Hạn 30/09/2018: Hoàn thiện, phê duyệt đề cương" in body
    assert "Chư Pưh" not in body


def test_notify_command_uses_the_configured_server(site, smtp, monkeypatch, capsys):
    controller, sink = smtp
    notify.set_email(site["app"].state.store.engine, "phong-nn", "phong-nn@chupuh.gov.vn")
    monkeypatch.setenv("OCOP_DOCS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("OCOP_DOCS_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("OCOP_DOCS_SMTP_FROM", "theo-doi@ubnd.gov.vn")
    assert main(["notify", "--db", site["db"], "--as-of", "25/12/2020", "--days", "10"]) == 0
    out = capsys.readouterr().out
    assert "phong-nn <phong-nn@chupuh.gov.vn>" in out and "đã gửi" in out
    rcpts = sorted(r for rcpt, _ in sink.messages for r in rcpt)
    assert "phong-nn@chupuh.gov.vn" in rcpts
    monkeypatch.delenv("OCOP_DOCS_SMTP_HOST")
    assert main(["notify", "--db", site["db"]]) == 1
    assert "chưa cấu hình máy chủ thư" in capsys.readouterr().err
