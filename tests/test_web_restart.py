"""Issue 11 defect 1: a restart during OCR. `ocop-docs serve` is started on a free port, a scan
is uploaded, the server is killed (SIGTERM, and separately SIGKILL) while tesseract reads it,
started again on the same port, and the upload must finish (taken up again from the durable
job) with its document linked, and no process of the killed server may remain (before: the
OCR workers kept the socket, "address already in use", and the upload stayed 'running')."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from processes import survivors, wait_for_ocr

httpx = pytest.importorskip("httpx")

REPO = Path(__file__).resolve().parent.parent
SCAN = REPO / "corpus" / "real" / "scans" / "013.pdf"          # 4 pages
PASSWORD = "mật-khẩu-thử-1"

pytestmark = [pytest.mark.ocr, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class Server:
    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.db = str(tmp / "store.sqlite3")
        self.port = _free_port()
        self.env = dict(os.environ, PYTHONPATH=str(REPO), OCOP_DOCS_PASSWORD=PASSWORD,
                        OCOP_DOCS_SECRET="s" * 40, HF_HUB_OFFLINE="1")
        self.env.pop("OCOP_DOCS_QUEUE", None)
        subprocess.run([sys.executable, "-m", "ocop_docs", "users", "add", "vanthu", "--role",
                        "clerk", "--db", self.db], env=self.env, cwd=tmp, check=True,
                       capture_output=True)
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> subprocess.Popen:
        log = open(self.tmp / "serve.log", "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ocop_docs", "serve", "--port", str(self.port), "--db",
             self.db, "--storage", str(self.tmp / "storage")],
            cwd=self.tmp, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        end = time.monotonic() + 120
        while time.monotonic() < end:
            assert self.proc.poll() is None, (self.tmp / "serve.log").read_text(errors="replace")
            try:
                if httpx.get(self.base + "/login", timeout=2).status_code == 200:
                    return self.proc
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise AssertionError("serve did not start")

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, auth=("vanthu", PASSWORD),
                            headers={"X-Requested-With": "test"}, timeout=30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_restart_during_ocr_resumes_the_upload(require_ocr, tmp_path, sig):
    server = Server(tmp_path)
    proc = server.start()
    with server.client() as c:
        r = c.post("/api/uploads", files={"file": (SCAN.name, SCAN.read_bytes(),
                                                   "application/pdf")})
        assert r.status_code == 200, r.text
        upload_id = r.json()["id"]
    # server -> fork server -> OCR worker reading (tesseract in it, or below it)
    tree = wait_for_ocr(proc.pid)
    proc.send_signal(sig)
    proc.wait(timeout=120)
    left = survivors(tree, timeout=20)
    assert not left, f"the server killed by {sig.name} left {left}"
    assert _port_free(server.port), "the listening socket is still held"
    try:
        server.start()
        with server.client() as c:
            end = time.monotonic() + 600
            while time.monotonic() < end:
                status = c.get(f"/api/uploads/{upload_id}").json()
                if status["status"] not in ("queued", "running"):
                    break
                time.sleep(1)
        assert status["status"] == "done", status
        assert status["file_id"] and status["documents"], status
    finally:
        server.stop()
