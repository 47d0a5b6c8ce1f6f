#!/usr/bin/env python3
"""OCR throughput: our pipeline (preprocessing + tesseract, in process through tesserocr where it is
installed, else the program through pytesseract; one process per core, tesseract
single-threaded) against the bare `tesseract IMG - -l vie` command on the same
pages, also one process per core, run two ways: as shipped (tesseract's own OpenMP threads, what
the command does when nobody tunes it: the issue's baseline) and single-threaded
(OMP_THREAD_LIMIT=1, our tuning given to bare too: the stronger baseline).

Two page sets:
* default: the seeds rendered as scans (scripts/render_scans.py);
* `--real`: the real scans and signed PDFs of corpus/real/scans. Ours is what ingestion does with
  them: pages whose text layer carries the content are read from it, the others rendered at
  300 dpi and OCRed (blank pages skipped, the number and date lines read a second time); bare is
  `pdftoppm -r 300` of each PDF page followed by `tesseract PAGE - -l vie`, and tesseract on
  each image (the frames of a multi-page TIFF written to PNG beforehand, outside the timing).
  Reported: pages per minute and the ratio to each bare run.

Usage: bench/bench_ocr.py [--pages N] [--scans DIR] [--real [DIR] [--repeat N]]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))


def bare_tesseract(path: str, single_thread: bool = True) -> int:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    if not single_thread:
        env.pop("OMP_THREAD_LIMIT")
    out = subprocess.run(["tesseract", path, "-", "-l", "vie"], capture_output=True, env=env,
                         check=True).stdout
    return len(out)


def bare_pdf_page(job: tuple[str, int], single_thread: bool = True) -> int:
    """`pdftoppm -r 300` one page of a PDF, then bare tesseract on it."""
    path, number = job
    with tempfile.TemporaryDirectory(prefix="bench-bare-") as tmp:
        subprocess.run(["pdftoppm", "-r", "300", "-f", str(number), "-l", str(number), "-png",
                        path, f"{tmp}/p"], check=True, capture_output=True)
        png = next(Path(tmp).glob("p*.png"))
        return bare_tesseract(str(png), single_thread)


def bare_job(job: tuple[str, int], single_thread: bool = True) -> int:
    if job[0].lower().endswith(".pdf"):
        return bare_pdf_page(job, single_thread)
    return bare_tesseract(job[0], single_thread)


def bare_job_shipped(job: tuple[str, int]) -> int:
    """Bare as shipped: tesseract with its own threads."""
    return bare_job(job, single_thread=False)


def real_scans(folder: Path, repeat: int = 1) -> int:
    """Ours vs bare on the real scans (see the module docstring)."""
    import pdfplumber
    from PIL import Image

    from ocop_docs.ingest import tesseract

    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.endswith(".gt.txt")
                   and p.suffix.lower() in (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"))
    tmp = tempfile.TemporaryDirectory(prefix="bench-ocr-real-")
    bare_jobs: list[tuple[str, int]] = []
    for f in files:
        if f.suffix.lower() == ".pdf":
            with pdfplumber.open(f) as pdf:
                bare_jobs += [(str(f), k + 1) for k in range(len(pdf.pages))]
        else:
            with Image.open(f) as img:
                for k in range(getattr(img, "n_frames", 1)):
                    img.seek(k)
                    out = Path(tmp.name) / f"{f.stem}-{k + 1}.png"
                    img.convert("RGB").save(out)
                    bare_jobs.append((str(out), k + 1))
    n = len(bare_jobs)
    workers = min(os.cpu_count() or 1, n)

    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(bare_job_shipped, bare_jobs))
    shipped = time.perf_counter() - t0

    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(bare_job, bare_jobs))
    bare = time.perf_counter() - t0

    runs = []
    for _ in range(max(repeat, 1)):
        secs, pages, text_pages, jobs = _ours_real(files)
        runs.append(secs)
    ours = statistics.median(runs)
    blank = sum(1 for p in pages if "blank" in p.notes)
    conf = [p.confidence for p in pages if p.confidence is not None]
    print(f"{n} pages in {len(files)} files (corpus/real/scans), {workers} worker processes, "
          f"load {os.getloadavg()[0]:.1f}")
    print(f"ours: {text_pages} read from the text layer, {len(jobs)} OCRed ({blank} blank, skipped)")
    if len(runs) > 1:
        print(f"ours, {len(runs)} runs (a fresh pool each): "
              + ", ".join(f"{60 * n / r:.1f}" for r in runs) + " pages/min; the median below")
    print(f"{'runner':<58} {'seconds':>8} {'pages/min':>10} {'s/page':>8}")
    for name, secs in (("bare pdftoppm -r 300 + tesseract -l vie, as shipped", shipped),
                       ("bare pdftoppm -r 300 + tesseract -l vie, OMP_THREAD_LIMIT=1", bare),
                       (f"ocop-docs ingestion (tesseract {tesseract.engine()}, 1 thread)", ours)):
        print(f"{name:<58} {secs:8.1f} {60 * n / secs:10.1f} {secs / n:8.2f}")
    print(f"speed ratio (ours / bare, pages per minute): {shipped / ours:.2f} against bare as shipped, "
          f"{bare / ours:.2f} against bare single-threaded; "
          f"mean page confidence {sum(conf) / max(len(conf), 1):.1f}")
    tmp.cleanup()
    return 0


def _ours_real(files: list[Path]) -> tuple[float, list, int, list]:
    """One timed run of our ingestion's OCR over the files, from a cold pool (its workers
    started, their models loaded, inside the timing, as a command reading the files would)."""
    import pdfplumber
    from PIL import Image

    from ocop_docs.ingest import ocr
    from ocop_docs.ingest.ocr import PageJob, ocr_jobs
    from ocop_docs.ingest.pdf import needs_ocr, page_text

    ocr._close_pool()
    t0 = time.perf_counter()
    jobs, text_pages = [], 0
    for f in files:
        if f.suffix.lower() == ".pdf":
            with pdfplumber.open(f) as pdf:
                for k, page in enumerate(pdf.pages):
                    if needs_ocr(page, page_text(page)):
                        jobs.append(PageJob("pdf", str(f), k, k + 1))
                    else:
                        text_pages += 1
        else:
            with Image.open(f) as img:
                jobs += [PageJob("image", str(f), k, k + 1) for k in range(getattr(img, "n_frames", 1))]
    pages = ocr_jobs(jobs, "bench")
    secs = time.perf_counter() - t0
    ocr._close_pool()
    return secs, pages, text_pages, jobs


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=8)
    ap.add_argument("--scans", type=Path, help="folder of rendered PNG pages (made if absent)")
    ap.add_argument("--real", nargs="?", const=REPO / "corpus" / "real" / "scans", type=Path,
                    help="the real scans (default corpus/real/scans) instead of rendered seeds")
    ap.add_argument("--repeat", type=int, default=3,
                    help="with --real: timed runs of ours (a fresh pool each); the median is "
                         "reported (default 3: a shared machine's speed wanders by 10-15%%)")
    args = ap.parse_args()
    if args.real:
        return real_scans(args.real, args.repeat)

    import render_scans
    from ocop_docs.ingest import tesseract
    from ocop_docs.ingest.ocr import PageJob, ocr_jobs

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
    print(f"{'ocop-docs (preprocess + ' + tesseract.engine() + ')':<40} {ours:8.1f} {n / ours:8.2f} {ours / n:8.2f}")
    print(f"overhead ratio (ours / bare): {ours / bare:.2f}; mean page confidence {sum(conf) / len(conf):.1f}")
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
