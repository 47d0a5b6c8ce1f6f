"""Recurring tasks on the web (issue 11, defect 7): the clerk chooses the period to mark done
(2025 can be closed while 2019-2024 stay open), a recurring task without a chosen period is
refused instead of closing the oldest one, and the dashboard counts tasks, not periods, with
the periods listed under their task. On seed 000 (annual tasks from 2019) from its gold."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from ocop_docs.web import db  # noqa: E402
from ocop_docs.web.app import create_app  # noqa: E402
from task_graph import open_store, queries  # noqa: E402
from task_graph.ingest import ingest_paths  # noqa: E402
from task_graph.schema import status_history  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "seeds" / "000_d12cc8faf554fa00.txt"
GOLD = ROOT / "corpus" / "gold"
PASSWORD = "mật-khẩu-thử-1"
AS_OF = "2025-12-31"


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("recurring")
    store = open_store(str(root / "r.sqlite3"))
    assert ingest_paths(store, [SEED], extraction_dir=GOLD, progress=False).stored == 1
    app = create_app(str(root / "r.sqlite3"), storage=root / "storage", secret="r" * 40,
                     workers=1, store=store)
    db.add_user(store.engine, "dieuphoi", "coordinator", PASSWORD)
    client = TestClient(app)
    token = csrf_of(client.get("/login").text)
    assert client.post("/login", data={"name": "dieuphoi", "password": PASSWORD,
                                       "csrf_token": token},
                       follow_redirects=False).status_code == 303
    owed = queries.owes(store, as_of=date.fromisoformat(AS_OF))
    # the agency with the most periods per task, and one of its annual tasks
    group = max(owed["agencies"],
                key=lambda g: len(g["tasks"]) - len({r["task_id"] for r in g["tasks"]}))
    annual = next(r for r in group["tasks"] if r["recurrence"] == "annual")
    yield {"app": app, "store": store, "client": client, "group": group,
           "task_id": annual["task_id"]}
    app.state.jobs.shutdown()
    store.close()


def history(store, task_id: int) -> list[tuple]:
    with store.connect() as conn:
        return [tuple(r) for r in conn.execute(
            sa.select(status_history.c.period, status_history.c.status)
            .where(status_history.c.task_id == task_id).order_by(status_history.c.id))]


def test_dashboard_counts_tasks_not_periods(site):
    client, group = site["client"], site["group"]
    n_tasks = len({r["task_id"] for r in group["tasks"]})
    n_periods = len(group["tasks"])
    assert n_periods > n_tasks                      # the agency has recurring tasks
    page = client.get("/", params={"as_of": AS_OF}).text
    name = group["agency"]["name"]
    row = re.search(rf'<tr><td><a href="#ag-{group["agency"]["id"]}">{re.escape(name)}</a></td>'
                    r'<td class="n-tasks">(\d+)</td>', page)
    assert row and int(row.group(1)) == n_tasks
    section = re.search(rf'<section class="agency" id="ag-{group["agency"]["id"]}">(.*?)</section>',
                        page, re.S).group(1)
    assert f"({n_tasks} nhiệm vụ" in section
    assert len(re.findall(r'<tr class="task-row', section)) == n_tasks
    # the periods of an annual task are listed under it, each with its own link
    task_row = re.search(rf'<tr class="task-row[^"]*" data-task="{site["task_id"]}">(.*?)</tr>',
                         section, re.S).group(1)
    periods = re.findall(r'\?period=(\d{4})#tien-do">kỳ \1</a>', task_row)
    assert periods[0] == "2019" and periods[-1] == "2025"
    api = client.get("/api/tasks", params={"as_of": AS_OF}).json()
    g = next(g for g in api["agencies"] if g["agency"]["id"] == group["agency"]["id"])
    assert g["task_count"] == n_tasks and len(g["tasks"]) == n_periods


def test_the_clerk_chooses_the_period_to_mark_done(site):
    client, store, task_id = site["client"], site["store"], site["task_id"]
    page = client.get(f"/tasks/{task_id}", params={"period": "2025"}).text
    assert '<option value="2025" selected>' in page
    assert "Đánh dấu xong kỳ 2019" in page and "Đánh dấu xong kỳ 2025" in page
    r = client.post(f"/tasks/{task_id}/status",
                    data={"csrf_token": csrf_of(page), "status": "done", "period": "2025",
                          "evidence": "45/BC-SNN"}, follow_redirects=False)
    assert r.status_code == 303
    detail = queries.task_detail(store, task_id, as_of=AS_OF)
    states = {o["period"]: o["status"] for o in detail["occurrences"]}
    assert states["2025"] == "done"
    assert all(states[str(y)] == "open" for y in range(2019, 2025))
    assert history(store, task_id)[-1] == ("2025", "done")


def test_a_recurring_task_without_a_period_is_refused(site):
    client, store, task_id = site["client"], site["store"], site["task_id"]
    before = history(store, task_id)
    page = client.get(f"/tasks/{task_id}").text
    r = client.post(f"/tasks/{task_id}/status",
                    data={"csrf_token": csrf_of(page), "status": "done"})
    assert r.status_code == 400 and "hãy chọn kỳ" in r.text
    token = csrf_of(page)
    r = client.post(f"/api/tasks/{task_id}/status", json={"status": "done"},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 400 and "hãy chọn kỳ" in r.json()["detail"]
    assert history(store, task_id) == before
    r = client.post(f"/api/tasks/{task_id}/status", json={"status": "done", "period": "2021"},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["period"] == "2021"
