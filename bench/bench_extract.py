"""Extraction throughput on text input: pages/s and tasks/s over the bundled corpus.

Usage: .venv/bin/python bench/bench_extract.py [--repeat N] [FILE ...]
A "page" is 3,000 characters of text (about one A4 page of a Vietnamese directive), so that
figures are comparable with the OCR benchmark (bench/bench_ocr.py), which counts real pages.
Reading (decoding, normalisation) and extraction are timed separately.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ocop_docs.extract.pipeline import build_nlp, clear_caches, extract_text  # noqa: E402
from ocop_docs.ingest import read_document  # noqa: E402

CHARS_PER_PAGE = 3000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    files = args.files or sorted((ROOT / "corpus" / "seeds").glob("*.txt"))
    build_nlp()
    t0 = time.perf_counter()
    texts = [(f.name, read_document(f).text) for f in files]
    read_s = time.perf_counter() - t0
    extract_text(texts[0][1], texts[0][0])          # warm caches (data files, patterns)
    pages = sum(len(t) for _, t in texts) / CHARS_PER_PAGE
    runs, tasks = [], 0
    for _ in range(args.repeat):
        clear_caches()          # every run reads the texts as new documents
        start = time.perf_counter()
        tasks = sum(len(d.tasks) for name, text in texts
                    for d in extract_text(text, name).documents)
        runs.append(time.perf_counter() - start)
    median = statistics.median(runs)
    print(f"files {len(files)}  pages {pages:.1f}  tasks {tasks}  repeat {args.repeat}")
    print(f"read+normalise  {read_s:8.3f} s   {pages / read_s:8.1f} pages/s")
    print(f"extract median  {median:8.3f} s   {pages / median:8.1f} pages/s   "
          f"{tasks / median:8.1f} tasks/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
