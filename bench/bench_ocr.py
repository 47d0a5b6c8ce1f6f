#!/usr/bin/env python3
"""OCR throughput: our pipeline (preprocessing + tesseract through pytesseract, one process per
core) against the bare `tesseract IMG - -l vie` command on the same rendered pages, also one
process per core; tesseract single-threaded (OMP_THREAD_LIMIT=1) in both.

Usage: bench/bench_ocr.py [--pages N] [--scans DIR]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))


def bare_tesseract(path: str) -> int:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    out = subprocess.run(["tesseract", path, "-", "-l", "vie"], capture_output=True, env=env,
                         check=True).stdout
    return len(out)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=8)
    ap.add_argument("--scans", type=Path, help="folder of rendered PNG pages (made if absent)")
    args = ap.parse_args()

    from ocop_docs.ingest.ocr import PageJob, ocr_jobs
    import render_scans

    tmp = None
    scans = args.scans
    if scans is None or not list(scans.glob("*.png")):
        tmp = tempfile.TemporaryDirectory(prefix="bench-ocr-")
        scans = scans or Path(tmp.name)
        per_seed = max(1, args.pages // 5 + 1)
        for seed in sorted((REPO / "corpus" / "seeds").glob("*.txt")):
            render_scans.render_file(seed, scans, ["png"], max_pages=per_seed)
    pages = sorted(str(p) for p in scans.glob("*.png"))[: args.pages]
    workers = min(os.cpu_count() or 1, len(pages))

    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(bare_tesseract, pages))
    bare = time.perf_counter() - t0

    jobs = [PageJob("image", p, 0, i + 1) for i, p in enumerate(pages)]
    t0 = time.perf_counter()
    result = ocr_jobs(jobs, "bench")
    ours = time.perf_counter() - t0
    conf = [p.confidence for p in result if p.confidence is not None]

    n = len(pages)
    print(f"{n} pages, 300 dpi A4, {workers} worker processes, OMP_THREAD_LIMIT=1")
    print(f"{'runner':<40} {'seconds':>8} {'pages/s':>8} {'s/page':>8}")
    print(f"{'bare tesseract IMG - -l vie':<40} {bare:8.1f} {n / bare:8.2f} {bare / n:8.2f}")
    print(f"{'ocop-docs (preprocess + pytesseract)':<40} {ours:8.1f} {n / ours:8.2f} {ours / n:8.2f}")
    print(f"overhead ratio (ours / bare): {ours / bare:.2f}; mean page confidence {sum(conf) / len(conf):.1f}")
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
