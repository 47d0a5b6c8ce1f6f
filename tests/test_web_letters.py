"""Reminder letters drafted on the web are recorded like those of `ocop-docs remind` (issue 11,
defect 3): downloading one records it in the ledger, the next letter for the same tasks says
"lần 2" and cites the first by the register number entered on the web, and the CLI and the
web see each other's letters (one drafting path, ocop_docs.letters.from_store). On seed 000
(its plan's tasks for the Chi cục PTNT, overdue in 2020) from its gold extraction."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from ocop_docs.letters import ledger  # noqa: E402
from ocop_docs.web import db  # noqa: E402
from ocop_docs.web.app import create_app  # noqa: E402
from task_graph import open_store  # noqa: E402
from task_graph.ingest import ingest_paths  # noqa: E402
from task_graph.schema import reminder_letter_tasks  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "seeds" / "000_d12cc8faf554fa00.txt"
GOLD = ROOT / "corpus" / "gold"
PASSWORD = "mật-khẩu-thử-1"
AGENCY = "Chi cục Phát triển nông thôn và Quản lý chất lượng Nông lâm thủy sản tỉnh Đồng Nai"


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def login(app, name: str) -> TestClient:
    client = TestClient(app)
    token = csrf_of(client.get("/login").text)
    assert client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": token},
                       follow_redirects=False).status_code == 303
    return client


@pytest.fixture()
def site(tmp_path):
    url = str(tmp_path / "l.sqlite3")
    store = open_store(url)
    assert ingest_paths(store, [SEED], extraction_dir=GOLD, progress=False).stored == 1
    app = create_app(url, storage=tmp_path / "storage", secret="l" * 40, workers=1, store=store)
    db.add_user(store.engine, "dieuphoi", "coordinator", PASSWORD)
    db.add_user(store.engine, "xem", "viewer", PASSWORD)
    yield {"app": app, "store": store, "url": url, "tmp": tmp_path}
    app.state.jobs.shutdown()
    store.close()


def download(client: TestClient, as_of: str):
    page = client.get("/letters", params={"agency": AGENCY, "as_of": as_of}).text
    assert f"Gửi {AGENCY}" in page
    return client.post("/letters/download", data={"agency": AGENCY, "as_of": as_of, "i": "0",
                                                  "csrf_token": csrf_of(page)})


def test_a_letter_downloaded_on_the_web_is_recorded_and_the_next_says_lan_2(site):
    coord = login(site["app"], "dieuphoi")
    engine = site["store"].engine
    assert ledger.recent_letters(engine) == []
    r = download(coord, "2020-06-30")
    assert r.status_code == 200
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        assert AGENCY in zf.read("word/document.xml").decode("utf-8")
    letter_id = int(r.headers["x-letter-id"])
    [row] = ledger.recent_letters(engine)
    assert row["letter_id"] == letter_id and row["ordinal"] == 1 and row["tasks"] == 2
    assert row["created_by"] == "dieuphoi" and row["number"] is None
    # the register number, entered on the task page
    with engine.connect() as conn:
        task_ids = list(conn.execute(sa.select(reminder_letter_tasks.c.task_id).where(
            reminder_letter_tasks.c.letter_id == letter_id)).scalars())
    task_page = coord.get(f"/tasks/{task_ids[0]}").text
    assert "Lần 1: (chưa vào sổ)" in task_page
    assert f'action="/letters/{letter_id}/number"' in task_page
    r = coord.post(f"/letters/{letter_id}/number",
                   data={"csrf_token": csrf_of(task_page), "number": "215",
                         "next": f"/tasks/{task_ids[0]}"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith(f"/tasks/{task_ids[0]}")
    assert ledger.recent_letters(engine)[0]["number"].startswith("215/")
    # a month later: the second reminder says so and cites the first by its number
    page = coord.get("/letters", params={"agency": AGENCY, "as_of": "2020-07-31"}).text
    assert "đôn đốc lần 2" in page
    assert "215/" in page
    r = download(coord, "2020-07-31")
    assert r.status_code == 200
    rows = ledger.recent_letters(engine)
    assert [x["ordinal"] for x in rows] == [2, 1]


def test_the_cli_and_the_web_share_the_ledger(site, capsys):
    from ocop_docs.cli import main

    coord = login(site["app"], "dieuphoi")
    assert download(coord, "2020-06-30").status_code == 200
    out = site["tmp"] / "out"
    assert main(["remind", AGENCY, "--as-of", "2020-07-31", "--db", site["url"],
                 "--out", str(out), "--format", "txt"]) == 0
    printed = capsys.readouterr().out
    assert "(lần 2)" in printed
    cli_id = int(re.search(r"mã (\d+)", printed).group(1))
    ledger_page = coord.get("/letters").text
    assert f'id="cv-{cli_id}"' in ledger_page
    # the web's next letter counts the CLI's
    page = coord.get("/letters", params={"agency": AGENCY, "as_of": "2020-08-31"}).text
    assert "đôn đốc lần 3" in page
    # and a number entered from the ledger list reaches the CLI's letter
    r = coord.post(f"/letters/{cli_id}/number", data={"csrf_token": csrf_of(ledger_page),
                                                      "number": "301"})
    assert r.status_code == 200 and "Đã ghi số vào sổ" in r.text
    assert any(x["number"] and x["number"].startswith("301/")
               for x in ledger.recent_letters(site["store"].engine))


def test_only_coordinators_record_letters_and_numbers(site):
    viewer = login(site["app"], "xem")
    token = csrf_of(viewer.get("/letters").text)
    assert viewer.post("/letters/download", data={"agency": AGENCY, "as_of": "2020-06-30",
                                                  "csrf_token": token}).status_code == 403
    assert viewer.post("/letters/1/number", data={"number": "1",
                                                  "csrf_token": token}).status_code == 403
    assert ledger.recent_letters(site["store"].engine) == []


def test_api_records_letters_and_their_numbers(site):
    coord = login(site["app"], "dieuphoi")
    headers = {"X-CSRF-Token": csrf_of(coord.get("/").text)}
    r = coord.post("/api/letters", json={"agency": AGENCY, "as_of": "2020-06-30"},
                   headers=headers)
    assert r.status_code == 200
    body = r.json()
    assert body["ordinal"] == 1 and len(body["tasks"]) == 2
    r = coord.post(f"/api/letters/{body['letter_id']}/number", json={"number": "215/SNN-PTNT"},
                   headers=headers)
    assert r.status_code == 200 and r.json()["number"] == "215"
    assert coord.post("/api/letters/9999/number", json={"number": "1"},
                      headers=headers).status_code == 404
    again = coord.get("/api/letters", params={"agency": AGENCY, "as_of": "2020-07-31"}).json()
    assert again[0]["ordinal"] == 2 and "215/" in again[0]["text"]


def test_an_account_kept_to_a_unit_sees_only_its_letters_in_the_ledger(site):
    from ocop_docs.web import units

    store = site["store"]
    other_seed = ROOT / "corpus" / "seeds" / "002_884e5c9489c26ebd.txt"
    assert ingest_paths(store, [other_seed], extraction_dir=GOLD, progress=False).stored == 1
    coord = login(site["app"], "dieuphoi")
    assert download(coord, "2020-06-30").status_code == 200
    letter_id = ledger.recent_letters(store.engine)[0]["letter_id"]
    for name, unit in (("xem-ptnt", AGENCY),
                       ("xem-hb", "Sở Nông nghiệp và Phát triển nông thôn tỉnh Hòa Bình")):
        db.add_user(store.engine, name, "viewer", PASSWORD)
        units.set_unit(store, name, unit)
    assert f'id="cv-{letter_id}"' in login(site["app"], "xem-ptnt").get("/letters").text
    assert f'id="cv-{letter_id}"' not in login(site["app"], "xem-hb").get("/letters").text
