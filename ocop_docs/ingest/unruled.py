"""Tables without rules on a scanned page, read as rows and cells.

An appendix printed without borders reaches tesseract's page layout (`--psm 3`) as separate
blocks, one per column or per stretch of a row, so its text comes out column by column and
short cells ("1", "TT") are lost. Such a table shows in the word boxes of that reading as
consecutive visual rows whose words are split by wide gaps into three or more pieces.

`find_band` finds that band below the page's header; `read_band` reads the band again as one
uniform block (`--psm 6`, rows across the whole width), takes the columns as the union of the
pieces' horizontal extents (columns of a table do not overlap), and joins a visual row whose
first column is empty to the row above (a wrapped cell). The rows are written `| a | b | c |`,
as for ruled tables (ingest.tables), where the outline parser reads them.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass

import numpy as np

from .layout import COLUMN_GAP, OcrLine, Word, build_lines

TOP_SHARE = 0.2        # the header (issuer, motto, number, date) is above this share of the page
MIN_ROWS = 3           # visual rows in three or more pieces that make a table
MIN_COLUMNS = 3
ROW_SPACING = 4.0      # visual rows of one table are at most this many line heights apart
PAD = 12               # pixels around the band when it is read again


@dataclass
class Band:
    top: int
    bottom: int


def _centre(w: Word) -> float:
    return (w.top + w.bottom) / 2


def visual_rows(words: list[Word]) -> list[list[Word]]:
    """Words grouped into rows by their vertical centres, top to bottom, each left to right."""
    rows: list[list[Word]] = []
    for w in sorted(words, key=_centre):
        if rows:
            row = rows[-1]
            h = statistics.median(x.bottom - x.top for x in row)
            if abs(_centre(w) - statistics.median(_centre(x) for x in row)) < 0.6 * max(h, 1):
                row.append(w)
                continue
        rows.append([w])
    return [sorted(r, key=lambda w: w.left) for r in rows]


def pieces(row: list[Word], gap: float) -> list[list[Word]]:
    """A visual row cut at gaps wider than `gap` pixels."""
    out = [[row[0]]]
    for w in row[1:]:
        if w.left - out[-1][-1].right > gap:
            out.append([w])
        else:
            out[-1].append(w)
    return out


def _height(words: list[Word]) -> float:
    return max(statistics.median(w.bottom - w.top for w in words), 10)


def find_band(lines: list[OcrLine], page_height: int) -> Band | None:
    """The first run of close visual rows below the header of which at least MIN_ROWS are in
    MIN_COLUMNS or more pieces: rows in two or more pieces, and rows in one piece between
    them (a wrapped cell's next line). None when there is none."""
    words = [w for ln in lines for w in ln.words if w.top > page_height * TOP_SHARE]
    if len(words) < MIN_ROWS * MIN_COLUMNS:
        return None
    h = _height(words)
    run: list[tuple[list[Word], int]] = []

    def table(run) -> Band | None:
        while run and run[-1][1] < 2:             # a paragraph after the table is not in it
            run = run[:-1]
        if sum(1 for _, n in run if n >= MIN_COLUMNS) >= MIN_ROWS:
            return Band(min(w.top for r, _ in run for w in r), max(w.bottom for r, _ in run for w in r))
        return None

    for row in visual_rows(words):
        n = len(pieces(row, COLUMN_GAP * h))
        near = bool(run) and min(w.top for w in row) - max(w.bottom for w in run[-1][0]) < ROW_SPACING * h
        if near and (n >= 2 or any(k >= 2 for _, k in run)):
            run.append((row, n))
            continue
        found = table(run)
        if found:
            return found
        run = [(row, n)] if n >= 2 else []
    return table(run)


def columns(rows: list[list[list[Word]]]) -> list[tuple[int, int]]:
    """The union of the pieces' horizontal extents, left to right."""
    spans = sorted((p[0].left, p[-1].right) for row in rows for p in row)
    out: list[list[int]] = []
    for left, right in spans:
        if out and left <= out[-1][1]:
            out[-1][1] = max(out[-1][1], right)
        else:
            out.append([left, right])
    return [(a, b) for a, b in out]


def read_band(binary: np.ndarray, band: Band, ocr_data) -> list[str]:
    """The band read again as one block and written as `| a | b |` rows; [] when it does not
    come out as a table of MIN_COLUMNS columns and MIN_ROWS rows."""
    y0, y1 = max(band.top - PAD, 0), min(band.bottom + PAD, binary.shape[0])
    lines, _ = build_lines(ocr_data(binary[y0:y1], 6))
    words = [w for ln in lines for w in ln.words]
    if not words:
        return []
    gap = COLUMN_GAP * _height(words)
    rows = [pieces(r, gap) for r in visual_rows(words)]
    cols = columns(rows)
    if len(cols) < MIN_COLUMNS:
        return []
    table: list[list[str]] = []
    for row in rows:
        cells = [""] * len(cols)
        for piece in row:
            k = next(i for i, (a, b) in enumerate(cols) if a <= piece[0].left <= b)
            text = " ".join(w.text for w in piece)
            cells[k] = f"{cells[k]} {text}".strip()
        if table and not cells[0]:                    # a wrapped cell: the row above goes on
            table[-1] = [f"{a} {b}".strip() for a, b in zip(table[-1], cells)]
        else:
            table.append(cells)
    if sum(1 for r in table if sum(1 for c in r if c) >= 2) < MIN_ROWS:
        return []
    return ["| " + " | ".join(c.replace("|", "/") for c in r) + " |" for r in table]
