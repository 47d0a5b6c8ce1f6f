"""Ruled tables on a binarised page: found from their border lines, read cell by cell.

`find_tables(binary)` extracts long horizontal and vertical strokes with morphological opening,
groups them into grids, and turns the grid into cells; adjacent grid cells with no border between
them are one merged cell (a cell spanning rows or columns). `ocr_cells` reads the cells of a
page in a few tesseract calls (cell crops stacked into one image, `--psm 6`) and `table_lines`
writes each row as `| cell | cell | ... |`, the layout the outline parser reads.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import cv2
import numpy as np

MIN_LINE_FRACTION = 1 / 30      # a ruling is at least this fraction of the page side long
BORDER_COVERAGE = 0.6           # share of a cell side that must be inked to count as a border
CELL_MARGIN = 5                 # pixels cropped inside the borders
STACK_GAP = 60                  # white pixels between stacked cell crops
STACK_MAX_HEIGHT = 12000        # pixels per tesseract call


@dataclass
class Cell:
    row: int
    col: int
    rowspan: int
    colspan: int
    box: tuple[int, int, int, int]          # x0, y0, x1, y1 (inside the borders)
    text: str = ""


@dataclass
class Table:
    box: tuple[int, int, int, int]          # x0, y0, x1, y1 of the whole grid
    rows: int
    cols: int
    cells: list[Cell] = field(default_factory=list)


def opened(mask: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Morphological opening of `mask` by a `size` rectangle (what is left: the runs at least
    that long, whole), as OpenCV's MORPH_OPEN computes it: an erosion, then a dilation, which
    is skipped when the erosion left nothing (most pages have no ruling at all)."""
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, size)
    eroded = cv2.erode(mask, kernel)
    return cv2.dilate(eroded, kernel) if cv2.countNonZero(eroded) else eroded


def _line_masks(binary: np.ndarray, need_both: bool = False) -> tuple[np.ndarray, np.ndarray] | None:
    """The long horizontal and vertical strokes of the page, slightly thickened. With
    `need_both`, None when there is no vertical one (then there is no ruled table)."""
    ink = cv2.bitwise_not(binary)
    h, w = ink.shape
    hlen = max(int(w * MIN_LINE_FRACTION), 20)
    vlen = max(int(h * MIN_LINE_FRACTION), 20)
    vertical = opened(ink, (1, vlen))
    if need_both and not cv2.countNonZero(vertical):
        return None
    horizontal = opened(ink, (hlen, 1))
    # close small gaps left by noise or a residual skew
    horizontal = cv2.dilate(horizontal, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 3)))
    vertical = cv2.dilate(vertical, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 15)))
    return horizontal, vertical


def _positions(mask: np.ndarray, axis: int, min_len: int) -> list[int]:
    """Centres of the ruling segments in `mask` (axis 0: horizontal rulings → y positions)."""
    n, _, stats, centroids = cv2.connectedComponentsWithStats(mask, connectivity=8)
    found = []
    for k in range(1, n):
        length = stats[k, cv2.CC_STAT_WIDTH] if axis == 0 else stats[k, cv2.CC_STAT_HEIGHT]
        if length >= min_len:
            found.append(int(round(centroids[k][1] if axis == 0 else centroids[k][0])))
    found.sort()
    merged: list[list[int]] = []
    for p in found:
        if merged and p - merged[-1][-1] <= 12:
            merged[-1].append(p)
        else:
            merged.append([p])
    return [int(round(sum(g) / len(g))) for g in merged]


def _coverage(mask: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> float:
    """Share of the long side of the box that has ink in `mask` (a border segment test)."""
    region = mask[max(y0, 0):max(y1, 0), max(x0, 0):max(x1, 0)]
    if region.size == 0:
        return 0.0
    if x1 - x0 >= y1 - y0:
        return float(np.count_nonzero(region.any(axis=0))) / region.shape[1]
    return float(np.count_nonzero(region.any(axis=1))) / region.shape[0]


def find_tables(binary: np.ndarray) -> list[Table]:
    """Ruled tables (at least 2 rows and 2 columns of bordered cells) on a black-on-white page."""
    masks = _line_masks(binary, need_both=True)
    if masks is None:
        return []
    horizontal, vertical = masks
    grid = cv2.bitwise_or(horizontal, vertical)
    n, _, stats, _ = cv2.connectedComponentsWithStats(grid, connectivity=8)
    tables = []
    for k in range(1, n):
        x, y, w, h = stats[k, :4]
        if w < binary.shape[1] * 0.2 or h < 60:
            continue
        table = _read_grid(horizontal, vertical, (int(x), int(y), int(x + w), int(y + h)))
        if table is not None:
            tables.append(table)
    tables.sort(key=lambda t: t.box[1])
    return tables


def _read_grid(horizontal: np.ndarray, vertical: np.ndarray,
               box: tuple[int, int, int, int]) -> Table | None:
    x0, y0, x1, y1 = box
    hs = horizontal[y0:y1, x0:x1]
    vs = vertical[y0:y1, x0:x1]
    min_cell = 25
    ys = _positions(hs, 0, min_cell)
    xs = _positions(vs, 1, min_cell)
    if len(ys) < 3 or len(xs) < 3:
        return None
    rows, cols = len(ys) - 1, len(xs) - 1
    parent = list(range(rows * cols))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    band = 8
    for r in range(rows):
        for c in range(cols):
            top, bottom = ys[r] + band, ys[r + 1] - band
            left, right = xs[c] + band, xs[c + 1] - band
            if c + 1 < cols and _coverage(vs, xs[c + 1] - band, top, xs[c + 1] + band, bottom) < BORDER_COVERAGE:
                parent[find(r * cols + c + 1)] = find(r * cols + c)
            if r + 1 < rows and _coverage(hs, left, ys[r + 1] - band, right, ys[r + 1] + band) < BORDER_COVERAGE:
                parent[find((r + 1) * cols + c)] = find(r * cols + c)
    members: dict[int, list[tuple[int, int]]] = {}
    for r in range(rows):
        for c in range(cols):
            members.setdefault(find(r * cols + c), []).append((r, c))
    cells = []
    for group in members.values():
        r0, r1 = min(g[0] for g in group), max(g[0] for g in group)
        c0, c1 = min(g[1] for g in group), max(g[1] for g in group)
        cells.append(Cell(r0, c0, r1 - r0 + 1, c1 - c0 + 1,
                          (x0 + xs[c0], y0 + ys[r0], x0 + xs[c1 + 1], y0 + ys[r1 + 1])))
    cells.sort(key=lambda c: (c.row, c.col))
    if rows < 2 or cols < 2 or len(cells) < 4:
        return None
    return Table((x0 + xs[0], y0 + ys[0], x0 + xs[-1], y0 + ys[-1]), rows, cols, cells)


def remove_rulings(binary: np.ndarray) -> np.ndarray:
    """The page with the table border strokes whitened (so they do not reach tesseract)."""
    horizontal, vertical = _line_masks(binary)
    lines = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((3, 3), np.uint8))
    out = binary.copy()
    out[lines > 0] = 255
    return out


def _crop(clean: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray | None:
    """The ink of a cell, trimmed to its content; None for an empty cell."""
    x0, y0, x1, y1 = box
    crop = clean[y0 + CELL_MARGIN:y1 - CELL_MARGIN, x0 + CELL_MARGIN:x1 - CELL_MARGIN]
    if crop.size == 0:
        return None
    ink = cv2.bitwise_not(crop)
    ink = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))   # speckles
    points = cv2.findNonZero(ink)
    if points is None or len(points) < 30:
        return None
    x, y, w, h = cv2.boundingRect(points)
    if h < 12:
        return None
    return crop[max(y - 6, 0):y + h + 6, max(x - 6, 0):x + w + 6]


def ocr_cells(binary: np.ndarray, tables: list[Table], ocr_data) -> None:
    """Fill in the text of every cell. `ocr_data(image, psm)` runs tesseract's image_to_data.
    Cell crops are stacked one under another (left aligned, white gaps) and read in a few calls:
    one call per cell would cost a tesseract start-up for each of hundreds of cells."""
    clean = remove_rulings(binary)
    crops: list[tuple[Cell, np.ndarray]] = []
    for table in tables:
        for cell in table.cells:
            crop = _crop(clean, cell.box)
            if crop is not None:
                crops.append((cell, crop))
    batch: list[tuple[Cell, np.ndarray]] = []
    height = 0
    for cell, crop in crops:
        if batch and height + crop.shape[0] + STACK_GAP > STACK_MAX_HEIGHT:
            _read_stack(batch, ocr_data)
            batch, height = [], 0
        batch.append((cell, crop))
        height += crop.shape[0] + STACK_GAP
    if batch:
        _read_stack(batch, ocr_data)


def _read_stack(batch: list[tuple[Cell, np.ndarray]], ocr_data) -> None:
    width = max(c.shape[1] for _, c in batch) + 2 * STACK_GAP
    height = sum(c.shape[0] + STACK_GAP for _, c in batch) + STACK_GAP
    sheet = np.full((height, width), 255, np.uint8)
    spans = []
    y = STACK_GAP
    for cell, crop in batch:
        sheet[y:y + crop.shape[0], STACK_GAP:STACK_GAP + crop.shape[1]] = crop
        spans.append((y - STACK_GAP // 2, y + crop.shape[0] + STACK_GAP // 2, cell))
        y += crop.shape[0] + STACK_GAP
    data = ocr_data(sheet, 6)
    words: dict[int, list[tuple[int, int, int, str]]] = {}
    for i, word in enumerate(data["text"]):
        word = (word or "").strip()
        if not word or float(data["conf"][i]) < 0:
            continue
        cy = data["top"][i] + data["height"][i] / 2
        for k, (top, bottom, _) in enumerate(spans):
            if top <= cy < bottom:
                key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
                words.setdefault(k, []).append((data["top"][i], key, data["left"][i], word))
                break
    for k, (_, _, cell) in enumerate(spans):
        found = words.get(k, [])
        # tesseract's word order is line by line already; keep it
        text = ""
        for _, _, _, word in found:
            if text.endswith("-") and len(text) > 1 and text[-2].isalpha() and word[:1].islower():
                text = text[:-1] + word
            else:
                text = f"{text} {word}" if text else word
        cell.text = text


_ROMAN = re.compile(r"(?:X{0,3})(?:IX|IV|V?I{0,3})")


def _row_marker(cell: str) -> str:
    """The first column of an appendix numbers its rows (1, 2, ... and I, II, ...); tesseract
    reads a lone serif "I" as "]" or "|", "II" as "H", "Ị" for "I". Fixed only when the result
    is a Roman numeral."""
    if not cell or len(cell) > 5 or cell.isdigit() or _ROMAN.fullmatch(cell):
        return cell
    fixed = cell.replace("H", "II").replace("Ị", "I")
    fixed = re.sub(r"[\]\[|l!]", "I", fixed)
    if re.search(r"[IVX]", cell.replace("H", "I")) or len(fixed) <= 2:
        fixed = fixed.replace("1", "I")
    return fixed if fixed and _ROMAN.fullmatch(fixed) else cell


def table_lines(table: Table) -> list[str]:
    """One `| a | b |` line per grid row. A cell spanning rows is written in its first row and
    left empty in the rows below (the continuation rows of the text layout); a cell spanning
    columns is written in its first column."""
    grid = [["" for _ in range(table.cols)] for _ in range(table.rows)]
    for cell in table.cells:
        grid[cell.row][cell.col] = cell.text.replace("|", "/")
    for row in grid:
        row[0] = _row_marker(row[0])
    lines = []
    for row in grid:
        if any(row):
            lines.append("| " + " | ".join(row) + " |")
    return lines
