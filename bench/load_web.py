"""Load test of the web application: N simulated users for T seconds on 127.0.0.1 against the
seeds plus a synthetic store (bench/make_synthetic_store.py; 100,000 tasks by default), each
user in a loop opening the dashboard, a document's review page and /api/tasks, reading each
page 1-5 s (--think). Reports the p50/p95 latency of each and the errors (any answer other
than 200, or a failed connection).

    .venv/bin/python bench/load_web.py [--users 50] [--seconds 60] [--think 1 5]
        [--documents 10000] [--tasks-per-document 10] [--db PATH (an existing store)]
        [--out bench/results/load_web.json]

The server is `ocop-docs serve` in its own process (one uvicorn worker, as deployed) on a free
port; the driver is asyncio with httpx, one client (own session cookie) per simulated user.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
PASSWORD = "Kiểm-tra-sức-chịu-2026"
ENDPOINTS = ("dashboard", "review", "api_tasks")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(db: Path, documents: int, per_doc: int, users: int) -> dict:
    """The synthetic store (built once), the seeds with their gold extractions, accounts."""
    import sqlalchemy as sa

    from ocop_docs.web import db as webdb
    from task_graph import open_store
    from task_graph.ingest import ingest_paths
    from task_graph.schema import documents as documents_t, tasks as tasks_t

    built = None
    if not db.exists():
        t0 = time.perf_counter()
        subprocess.run([sys.executable, str(REPO / "bench" / "make_synthetic_store.py"),
                        "--db", str(db), "--documents", str(documents),
                        "--tasks-per-document", str(per_doc)], check=True)
        built = round(time.perf_counter() - t0, 1)
    store = open_store(str(db))
    report = ingest_paths(store, [REPO / "corpus" / "seeds"],
                          extraction_dir=REPO / "corpus" / "gold", progress=False)
    assert not report.failures, report.failures
    webdb.ensure_tables(store.engine)
    for i in range(users):
        if webdb.get_user(store.engine, f"nguoidung{i}") is None:
            webdb.add_user(store.engine, f"nguoidung{i}", "coordinator", PASSWORD)
    with store.connect() as conn:
        n_tasks = conn.execute(sa.select(sa.func.count()).select_from(tasks_t)).scalar()
        # review pages of documents whose file holds a few documents, as real files do (the
        # synthetic store puts all its documents in one file: a page listing 10,000 siblings)
        per_file = (sa.select(documents_t.c.file_id).group_by(documents_t.c.file_id)
                    .having(sa.func.count() <= 3))
        doc_ids = list(conn.execute(sa.select(documents_t.c.id).where(
            documents_t.c.file_id.in_(per_file))).scalars())
    store.close()
    return {"tasks": n_tasks, "review_documents": len(doc_ids), "doc_ids": doc_ids,
            "build_seconds": built}


def start_server(db: Path, port: int, storage: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO), OCOP_DOCS_SECRET="b" * 48)
    proc = subprocess.Popen([sys.executable, "-m", "ocop_docs", "serve", "--db", str(db),
                             "--port", str(port), "--storage", str(storage)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(proc.stderr.read().decode(errors="replace"))
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("the server did not start")


async def login(client, name: str) -> None:
    import re

    page = await client.get("/login")
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
    r = await client.post("/login", data={"name": name, "password": PASSWORD,
                                          "csrf_token": token, "next": "/"})
    if r.status_code != 303:
        raise RuntimeError(f"login of {name}: {r.status_code}")


async def user_loop(base: str, name: str, doc_ids: list[int], stop: float, seed: int,
                    samples: dict, errors: dict, think: tuple[float, float],
                    retries: dict) -> None:
    import httpx

    rnd = random.Random(seed)
    order = ENDPOINTS[seed % 3:] + ENDPOINTS[:seed % 3]     # users start on different pages
    async with httpx.AsyncClient(base_url=base, timeout=300, follow_redirects=False) as client:
        await login(client, name)
        while time.perf_counter() < stop:
            for kind in order:
                if think[1] > 0:                             # the user reads the page
                    await asyncio.sleep(rnd.uniform(*think))
                    if time.perf_counter() >= stop:
                        break
                if kind == "dashboard":
                    url = "/"
                elif kind == "review":
                    url = f"/documents/{rnd.choice(doc_ids)}"
                else:
                    url = "/api/tasks"
                t0 = time.perf_counter()
                try:
                    try:
                        r = await client.get(url)
                    except (httpx.ReadError, httpx.RemoteProtocolError):
                        # the server closed an idle keep-alive connection as the request went
                        # out on it; a browser sends a GET again on a new one, so do we
                        retries[kind] = retries.get(kind, 0) + 1
                        r = await client.get(url)
                    ok = r.status_code == 200
                    why = str(r.status_code)
                except Exception as exc:  # noqa: BLE001 - counted as an error
                    ok, why = False, type(exc).__name__
                elapsed = time.perf_counter() - t0
                if ok:
                    samples[kind].append(elapsed)
                else:
                    errors[kind][why] = errors[kind].get(why, 0) + 1
                if time.perf_counter() >= stop:
                    break


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def drive(base: str, users: int, seconds: float, doc_ids: list[int],
                think: tuple[float, float]) -> dict:
    samples = {k: [] for k in ENDPOINTS}
    errors = {k: {} for k in ENDPOINTS}
    retries: dict[str, int] = {}
    stop = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(*(user_loop(base, f"nguoidung{i}", doc_ids, stop, i, samples, errors,
                                     think, retries) for i in range(users)))
    wall = time.perf_counter() - started
    out = {}
    for k in ENDPOINTS:
        v = samples[k]
        out[k] = {"requests": len(v), "errors": errors[k], "retried": retries.get(k, 0),
                  "p50_ms": round(1000 * percentile(v, 0.50), 1) if v else None,
                  "p95_ms": round(1000 * percentile(v, 0.95), 1) if v else None,
                  "mean_ms": round(1000 * statistics.fmean(v), 1) if v else None}
    out["wall_seconds"] = round(wall, 1)
    out["requests_per_second"] = round(sum(len(v) for v in samples.values()) / wall, 1)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--documents", type=int, default=10_000)
    ap.add_argument("--tasks-per-document", type=int, default=10)
    ap.add_argument("--think", type=float, nargs=2, default=(1.0, 5.0), metavar=("MIN", "MAX"),
                    help="seconds a user reads a page before the next (uniform; 0 0: none)")
    ap.add_argument("--db", type=Path, default=REPO / "bench" / "results" / "load_web.sqlite3")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "load_web.json")
    args = ap.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    info = prepare(args.db, args.documents, args.tasks_per_document, args.users)
    port = free_port()
    storage = args.db.parent / "load_web_storage"
    server = start_server(args.db, port, storage)
    try:
        result = asyncio.run(drive(f"http://127.0.0.1:{port}", args.users, args.seconds,
                                   info.pop("doc_ids"), tuple(args.think)))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    report = {"users": args.users, "seconds": args.seconds, "think_seconds": args.think,
              "store": info, "cpus": os.cpu_count(), "load_average": os.getloadavg(),
              "results": result}
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1))
    print(json.dumps(report, ensure_ascii=False, indent=1))
    failed = sum(sum(r["errors"].values()) for k, r in result.items() if k in ENDPOINTS)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
