#!/usr/bin/env python3
"""Queue throughput: pages per minute with 1 and with 2 `ocop-docs worker` processes (one pool
process each, one single-threaded tesseract) on the real scans (corpus/real/scans), through a
real Redis server started here (redis-server on a free port of 127.0.0.1, data in a temporary
folder) and a fresh SQLite store per run.

Each run: start the workers and wait until they are ready (not timed), then time
`ingest --queue URL --wait` of the scans: from enqueueing the first file to the last one
stored. Pages: the pages of the PDFs and the frames of the images. Reported: wall seconds,
pages/min, the speed-up of 2 workers over 1 (target >= 1.8), the jobs' own busy and CPU time
per worker (`ocop-docs jobs`), and the CPU seconds per page with 1 and with 2 workers: on a
shared machine the wall-clock speed-up is the machine's, while the CPU cost per page shows
whether two workers get in each other's way (a ratio of 1.0: they do not).

On a machine with fewer free cores than workers the speed-up cannot show: the figure is the
machine's, not the queue's. The load average at start and end is printed with the result.

Usage: bench/bench_queue.py [--workers 1 2] [--scans DIR] [--repeat N] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SUFFIXES = {".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(folder: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--dir",
                             str(folder), "--appendonly", "yes", "--save", ""],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.1)
    raise SystemExit("redis-server did not start")


def env() -> dict:
    return dict(os.environ, PYTHONPATH=str(REPO), HF_HUB_OFFLINE="1")


def start_worker(url: str, db: str, name: str, folder: Path) -> subprocess.Popen:
    log = folder / f"{name}.log"
    proc = subprocess.Popen([sys.executable, "-m", "ocop_docs", "worker", "--queue", url, "--db", db,
                             "--concurrency", "1", "--name", f"{name}@bench"],
                            cwd=folder, env=env(), stdout=open(log, "wb"), stderr=subprocess.STDOUT)
    for _ in range(1200):
        if b" ready." in log.read_bytes():
            return proc
        if proc.poll() is not None:
            raise SystemExit(log.read_text(errors="replace"))
        time.sleep(0.1)
    raise SystemExit(f"worker {name} did not start")


def pages_of(files: list[Path]) -> int:
    from ocop_docs.jobs.runner import count_pages

    return sum(count_pages(f) for f in files)


def one_run(scans: list[Path], n_workers: int, url: str, folder: Path) -> dict:
    import redis

    redis.Redis.from_url(url).flushdb()
    run_dir = folder / f"run-{n_workers}-{time.monotonic_ns()}"
    run_dir.mkdir()
    inputs = run_dir / "in"
    inputs.mkdir()
    for f in scans:
        shutil.copy(f, inputs / f.name)
    db = str(run_dir / "store.sqlite3")
    workers = [start_worker(url, db, f"w{k + 1}", run_dir) for k in range(n_workers)]
    try:
        began = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "ocop_docs", "ingest", str(inputs), "--db", db,
                               "--queue", url, "--wait", "--json"], cwd=run_dir, env=env(),
                              capture_output=True, text=True)
        wall = time.monotonic() - began
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            try:
                w.wait(timeout=120)
            except subprocess.TimeoutExpired:
                w.kill()
    report = json.loads(done.stdout)
    jobs = subprocess.run([sys.executable, "-m", "ocop_docs", "jobs", "--db", db, "--format", "json"],
                          cwd=run_dir, env=env(), capture_output=True, text=True)
    pages = pages_of(scans)
    per_worker = json.loads(jobs.stdout)["workers"]
    cpu = sum(w["cpu_seconds"] or 0 for w in per_worker)
    return {"workers": n_workers, "files": len(scans), "pages": pages, "stored": report["stored"],
            "cpu_seconds_per_page": round(cpu / pages, 2) if pages else None,
            "failures": len(report["failures"]), "wall_seconds": round(wall, 1),
            "pages_per_minute": round(pages / wall * 60, 2),
            "per_worker": per_worker}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--scans", type=Path, default=REPO / "corpus" / "real" / "scans")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if shutil.which("redis-server") is None:
        raise SystemExit("needs redis-server (Debian: redis-server)")
    scans = sorted(f for f in args.scans.iterdir() if f.suffix.lower() in SUFFIXES)
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-queue-") as tmp:
        folder = Path(tmp)
        (folder / "redis").mkdir()
        server, url = start_redis(folder / "redis")
        try:
            for _ in range(args.repeat):
                for n in args.workers:
                    load = os.getloadavg()[0]
                    r = one_run(scans, n, url, folder)
                    r["load_before"], r["load_after"] = round(load, 2), round(os.getloadavg()[0], 2)
                    results.append(r)
                    if not args.json:
                        print(f"{n} worker(s): {r['pages']} pages in {r['wall_seconds']} s = "
                              f"{r['pages_per_minute']} pages/min, "
                              f"{r['cpu_seconds_per_page']} CPU s/page (stored {r['stored']}, "
                              f"failed {r['failures']}; load {r['load_before']} -> "
                              f"{r['load_after']})", flush=True)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    best = {}
    for r in results:
        best[r["workers"]] = max(best.get(r["workers"], 0), r["pages_per_minute"])
    out = {"cpu_count": os.cpu_count(), "runs": results, "best_pages_per_minute": best}
    if 1 in best and 2 in best:
        out["speedup_2_over_1"] = round(best[2] / best[1], 2)
        # with two free cores, two workers reach 2x one worker's speed times the ratio of
        # their CPU cost per page (1.0 when running two at once costs nothing extra)
        cost = {r["workers"]: r["cpu_seconds_per_page"] for r in results}
        if cost.get(1) and cost.get(2):
            out["cpu_cost_ratio_1_over_2"] = round(cost[1] / cost[2], 3)
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    elif "speedup_2_over_1" in out:
        print(f"speed-up of 2 workers over 1: {out['speedup_2_over_1']}x (target 1.8x); CPU "
              f"cost per page 1 worker / 2 workers: {out.get('cpu_cost_ratio_1_over_2')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
