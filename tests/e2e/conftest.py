"""Browser tests: the web application served on 127.0.0.1 (a free port) in a thread, driven
by Playwright with Debian's chromium. Skipped cleanly when playwright or chromium is absent."""
from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
PASSWORD = "mật-khẩu-e2e-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    uvicorn = pytest.importorskip("uvicorn")
    from ocop_docs.web import db
    from ocop_docs.web.app import create_app

    root = tmp_path_factory.mktemp("e2e")
    app = create_app(str(root / "db.sqlite3"), storage=root / "storage", secret="e" * 40)
    db.add_user(app.state.store.engine, "dieuphoi", "coordinator", PASSWORD)
    db.add_user(app.state.store.engine, "xem", "viewer", PASSWORD)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.1)
    yield {"url": f"http://127.0.0.1:{port}", "app": app, "root": root}
    srv.should_exit = True
    thread.join(timeout=10)
    app.state.jobs.shutdown()


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("needs Debian's chromium (apt-get install chromium)")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, args=ARGS, headless=True,
            viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="vi-VN")
        yield context
        context.close()


@pytest.fixture(scope="session")
def shot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, full: bool = True) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full)
        return path
    return take
