#!/usr/bin/env python3
"""Character and word error rates of our reading of the real scans against their text layers.

The ground truth is `corpus/real/scans/*.gt.txt`: the text layers of the born-digital originals
(`pdftotext -layout`), one file per page: `001.gt.txt` is page 1 of 001.pdf, `003.gt.txt` and
`003.p2.gt.txt` are pages 1 and 2 of 003.tif. Our reading is `read_document(file).pages[n]`,
the normalised text that extraction gets.

Normalisation (what is not counted as an error):
* both sides: Unicode NFC, every run of white space (spaces, line breaks, tabs) is one space, so
  a paragraph joined from several lines equals the same words broken over lines;
* the digital-signature box ("TRUNG TÂM CÔNG BÁO ...", e-mail, timestamp) is taken out of the
  ground truth: ingestion keeps it out of the text on purpose (it is recorded as a signature,
  ingest.signature); lines of the ground truth are dropped while they carry a box cue, up to
  the document header;
* reading order: `pdftotext -layout` writes the two header columns side by side on one line
  ("ỦY BAN NHÂN DÂN      CỘNG HÒA XÃ HỘI ...") and the closing block likewise, where we read one
  column, then the other. So the ground truth is cut into pieces: each line, cut again at runs
  of 6+ spaces (a column gap; justified text has runs of 2-3); and each piece is aligned with
  the best-matching stretch of our text (Levenshtein distance with free start and end in our
  text). The pieces' text is unchanged, so every misread, missing or extra character inside
  the stretch counts, and a piece we did not read at all costs its full length.

CER = the pieces' distances summed / characters of the ground truth; WER the same over words
(tokens split at spaces). "extra" is the converse: our text's lines aligned with the ground
truth, the share of our characters that match nothing (text we made up, or read from the
seal or signature). Reported per page and over all pages (distances and lengths summed).

Usage: bench/bench_ocr_accuracy.py [--scans DIR] [--show]
"""
from __future__ import annotations

import argparse
import re
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def levenshtein(a: list, b: list) -> int:
    """Edit distance (insertions, deletions, substitutions, each cost 1), row by row with numpy:
    the insertion chain of a row is a running minimum."""
    if not a:
        return len(b)
    if not b:
        return len(a)
    codes: dict = {}
    ea = np.array([codes.setdefault(x, len(codes)) for x in a], dtype=np.int64)
    eb = np.array([codes.setdefault(x, len(codes)) for x in b], dtype=np.int64)
    idx = np.arange(len(eb) + 1, dtype=np.int64)
    prev = idx.copy()
    for i, ch in enumerate(ea, 1):
        cur = np.empty_like(prev)
        cur[0] = i
        cur[1:] = np.minimum(prev[1:] + 1, prev[:-1] + (eb != ch))
        # insertions: cur[j] = min_k<=j (cur[k] + j - k)
        cur = np.minimum.accumulate(cur - idx) + idx
        prev = cur
    return int(prev[-1])


def substring_distance(piece: list, text: list) -> int:
    """Levenshtein distance between `piece` and the best-matching stretch of `text` (free
    start and end in `text`)."""
    if not piece:
        return 0
    if not text:
        return len(piece)
    codes: dict = {}
    ep = np.array([codes.setdefault(x, len(codes)) for x in piece], dtype=np.int64)
    et = np.array([codes.setdefault(x, len(codes)) for x in text], dtype=np.int64)
    idx = np.arange(len(et) + 1, dtype=np.int64)
    prev = np.zeros(len(et) + 1, dtype=np.int64)          # free start anywhere in text
    for i, ch in enumerate(ep, 1):
        cur = np.empty_like(prev)
        cur[0] = i
        cur[1:] = np.minimum(prev[1:] + 1, prev[:-1] + (et != ch))
        cur = np.minimum.accumulate(cur - idx) + idx
        prev = cur
    return int(prev.min())                                 # free end


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


_HEADER = re.compile(r"(?i)ỦY BAN|UBND|CỘNG HÒA|BỘ |ĐẢNG|BAN CHỈ ĐẠO")


def gt_pieces(gt: str) -> list[str]:
    """Ground-truth pieces: lines cut at runs of 6+ spaces; the signature box above the
    document's header dropped (the lines before the header line, when one carries a box cue)."""
    from ocop_docs.ingest.signature import is_signature_box

    lines = [ln for ln in unicodedata.normalize("NFC", gt).splitlines() if ln.strip()]
    head = next((k for k, ln in enumerate(lines[:15]) if _HEADER.search(ln)), 0)
    if head and any(is_signature_box(ln) for ln in lines[:head]):
        lines = lines[head:]
    out: list[str] = []
    for line in lines:
        out.extend(normalise(p) for p in re.split(r"\s{6,}", line) if p.strip())
    return out


def page_files(scans: Path) -> list[tuple[Path, int, Path]]:
    """(document, page number, ground truth) for every *.gt.txt."""
    out = []
    for gt in sorted(scans.glob("*.gt.txt")):
        m = re.fullmatch(r"(\d+)(?:\.p(\d+))?\.gt\.txt", gt.name)
        if not m:
            continue
        doc = next((p for p in sorted(scans.glob(m.group(1) + ".*")) if not p.name.endswith(".gt.txt")), None)
        if doc is not None:
            out.append((doc, int(m.group(2) or 1), gt))
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scans", type=Path, default=REPO / "corpus" / "real" / "scans")
    ap.add_argument("--show", action="store_true", help="print the aligned texts")
    args = ap.parse_args()

    from ocop_docs.ingest import read_document

    cache: dict[Path, object] = {}
    rows = []
    t0 = time.perf_counter()
    for doc, number, gt in page_files(args.scans):
        if doc not in cache:
            cache[doc] = read_document(doc)
        ingested = cache[doc]
        page = next((p for p in ingested.pages if p.number == number), None)
        raw = page.text if page else ""
        ours = normalise(raw)
        pieces = gt_pieces(gt.read_text(encoding="utf-8"))
        truth = " ".join(pieces)
        ce = sum(substring_distance(list(p), list(ours)) for p in pieces)
        n = sum(len(p) for p in pieces)
        words = ours.split()
        we = sum(substring_distance(p.split(), words) for p in pieces)
        nw = sum(len(p.split()) for p in pieces)
        own = [normalise(x) for x in raw.splitlines() if x.strip()]
        extra = sum(substring_distance(list(x), list(truth)) for x in own)
        rows.append((f"{doc.name} p{number}", page.method if page else "-", ce, n, we, nw,
                     extra, sum(len(x) for x in own)))
        if args.show:
            for p in pieces:
                d = substring_distance(list(p), list(ours))
                if d:
                    print(f"{doc.name} p{number}: {d:3d} {p}")
    elapsed = time.perf_counter() - t0
    print(f"{'page':<14} {'read by':<9} {'CER':>7} {'WER':>7} {'extra':>7} {'chars':>6} {'words':>6}")

    def line(name: str, how: str, rs: list) -> None:
        ce, n, we, nw = (sum(r[k] for r in rs) for k in (2, 3, 4, 5))
        ex, m = sum(r[6] for r in rs), sum(r[7] for r in rs)
        print(f"{name:<14} {how:<9} {ce / max(n, 1):7.2%} {we / max(nw, 1):7.2%} "
              f"{ex / max(m, 1):7.2%} {n:6d} {nw:6d}")

    for r in rows:
        line(r[0], r[1], [r])
    line("all", "", rows)
    ocr = [r for r in rows if r[1] == "ocr"]
    if ocr:
        line("OCR pages", "", ocr)
    print(f"({elapsed:.1f} s, reading included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
