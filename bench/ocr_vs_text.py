#!/usr/bin/env python3
"""Full-task F1 of the extraction on the seeds as text vs. as rendered scans through OCR.

Renders every seed (scripts/render_scans.py: 300 dpi, skew, noise, red seal) into an image-only
PDF (JPEG pages), reads it with `read_document` (OCR), extracts with `extract_text`, writes predictions under
the ORIGINAL source names, and scores both versions with ocop_docs/evaluation/score.py.

Usage: bench/ocr_vs_text.py [--keep DIR]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))


def score(pred_dir: Path) -> dict:
    out = subprocess.run([sys.executable, str(REPO / "ocop_docs" / "evaluation" / "score.py"),
                          str(REPO / "corpus" / "gold"), str(pred_dir), "--json"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", type=Path, help="keep scans and predictions in this folder")
    args = ap.parse_args()

    import render_scans
    from ocop_docs.extract.pipeline import extract_text
    from ocop_docs.ingest import read_document

    work = args.keep or Path(tempfile.mkdtemp(prefix="ocr-vs-text-"))
    text_dir, ocr_dir, scans = work / "pred-text", work / "pred-ocr", work / "scans"
    for d in (text_dir, ocr_dir, scans):
        d.mkdir(parents=True, exist_ok=True)
    pages = 0
    t0 = time.perf_counter()
    for seed in sorted((REPO / "corpus" / "seeds").glob("*.txt")):
        text_doc = read_document(seed)
        extraction = extract_text(text_doc.text, seed.name)
        (text_dir / f"{seed.name}.json").write_text(
            json.dumps(extraction.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
        tif = scans / f"{seed.name}.pdf"   # image-only PDF (JPEG pages), like a scanner makes
        if not tif.exists():
            render_scans.render_file(seed, scans, ["pdf"])
        scanned = read_document(tif)
        pages += len(scanned.pages)
        (scans / f"{seed.name}.ocr.txt").write_text(scanned.text, encoding="utf-8")
        extraction = extract_text(scanned.text, seed.name)
        extraction.pages = [{"page": p.number, "method": p.method, "confidence": p.confidence}
                            for p in scanned.pages]
        (ocr_dir / f"{seed.name}.json").write_text(
            json.dumps(extraction.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
        conf = [p.confidence for p in scanned.pages if p.confidence is not None]
        print(f"{seed.name}: {len(scanned.pages)} pages, mean OCR confidence "
              f"{sum(conf) / max(len(conf), 1):.1f}", file=sys.stderr)
    elapsed = time.perf_counter() - t0
    text_score, ocr_score = score(text_dir), score(ocr_dir)
    print(json.dumps({"text": text_score, "ocr": ocr_score}, ensure_ascii=False)[:4000])
    print(f"{pages} scanned pages in {elapsed:.0f} s; predictions in {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
