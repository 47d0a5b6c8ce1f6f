"""Tables exported one cell per line, put back into rows.

Some conversions (a web page copied as text, a PDF table flattened by a converter) keep the
column titles as one row but write every cell of the body on its own line:

    | TT | Nội dung hoạt động | Cơ quan chủ trì | Cơ quan phối hợp |
    | --- | --- | --- | --- |
    Thời gian thực hiện                     <- a title printed out of its row
    1
    Tổ chức tuyên truyền ...                <- a group row: its number and its title
    a)
    Tổ chức Hội nghị phổ biến ...
    Cục Lâm nghiệp
    Vụ Pháp chế; các cơ quan, đơn vị có liên quan
    Quý III, IV/2026

The titles may also stand one per line ("STT" / "Nội dung" / "Cơ quan chủ trì" / ...). A row
starts at a line holding only a row number ("1", "a)", "II"); the lines up to the next row number
are its cells, in column order. Cells beyond the last column are the rest of a row broken by a
page (the tail of its task, then of its lead, ...) and go back to those cells. The table ends
where a finished row is not followed by another row number within a row's length.

`rebuild_cell_tables(lines)` returns the lines with each such table written as `| a | b |` rows,
the form every other reader gives, so the outline reads it as any table. Column titles are
recognised by the column cues of models/assignment_cues.yaml (a task and a lead column at least).
"""
from __future__ import annotations

import re
from functools import lru_cache

from ocop_docs.resources import load_yaml
from ocop_docs.textutil import CueSet

ROW_NUMBER = re.compile(r"(?:\d{1,3}(?:\.\d{1,2})*|[IVXL]{1,5}|[a-zđ])[.)]?")


@lru_cache(maxsize=1)
def _cues() -> tuple[dict[str, CueSet], CueSet]:
    data = load_yaml("assignment_cues.yaml")
    columns = {kind: CueSet(phrases) for kind, phrases in data["columns"].items()}
    return columns, CueSet(data["row_number_titles"])


def _title_kind(text: str) -> str | None:
    """The kind of column a title names ("action", "lead", "support", "deadline"), "number"
    for "TT"/"STT", or None."""
    columns, numbers = _cues()
    if len(text.split()) > 8:
        return None
    if numbers.fullmatch(text.strip()):
        return "number"
    for kind, cue in columns.items():
        if cue.search(text):
            return kind
    return None


def _bar_cells(line: str) -> list[str] | None:
    stripped = line.strip()
    if stripped.count("|") < 2:
        return None
    cells = [c.strip() for c in stripped.strip("|").split("|")]
    if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
        return []          # a Markdown separator row
    return cells


def _is_row_number(line: str) -> bool:
    return bool(ROW_NUMBER.fullmatch(line.strip()))


def _header_at(lines: list[str], i: int) -> tuple[list[str], int] | None:
    """The column titles starting at lines[i] and the index after them, or None."""
    cells = _bar_cells(lines[i])
    if cells:
        titles, j = cells, i + 1
        while j < len(lines) and _bar_cells(lines[j]) == []:
            j += 1             # the separator row
    else:
        titles, j = [], i
        while j < len(lines) and lines[j].strip() and _title_kind(lines[j]) is not None:
            titles.append(lines[j].strip())
            j += 1
        if len(titles) < 3:
            return None
    # titles printed out of their row, one per line ("Thời gian thực hiện")
    while j < len(lines) and lines[j].strip() and not _is_row_number(lines[j]) \
            and _bar_cells(lines[j]) is None and _title_kind(lines[j]) not in (None, "number"):
        titles.append(lines[j].strip())
        j += 1
    numbered = _assignment_titles(titles)
    if numbered is None:
        return None
    if j >= len(lines) or not _is_row_number(lines[j]):
        return None            # the body is not one cell per line
    return numbered, j


def _assignment_titles(titles: list[str]) -> list[str] | None:
    """The column titles of an assignment table (a task and a lead column at least), with a
    "TT" column put first where the row numbers have no title; None for another table."""
    kinds = [_title_kind(t) for t in titles]
    if "action" not in kinds or "lead" not in kinds:
        return None
    return titles if kinds[0] == "number" else ["TT"] + titles


def _read_rows(lines: list[str], j: int, width: int) -> tuple[list[list[str]], int]:
    rows: list[list[str]] = []
    while j < len(lines):
        if not _is_row_number(lines[j]):
            break
        row = [lines[j].strip()]
        k = j + 1
        while k < len(lines) and not _is_row_number(lines[k]):
            if not lines[k].strip():
                k += 1
                continue
            if len(row) >= width:
                # past the last column: the rest of a row broken by a page, if another row
                # number follows soon; otherwise the table has ended
                ahead = [x for x in lines[k:k + width] if x.strip()]
                if not any(_is_row_number(x) for x in ahead[:width - 1]):
                    break
            if _bar_cells(lines[k]) is not None:
                break
            row.append(lines[k].strip())
            k += 1
        if len(row) > width:
            extra = row[width:]
            row = row[:width]
            for n, tail in enumerate(extra):
                index = 1 + n
                if index < width:
                    row[index] = (row[index] + " " + tail).strip()
        rows.append(row)
        if len(row) >= width and k < len(lines) and not _is_row_number(lines[k]):
            j = k
            break
        j = k
    return rows, j


def _is_bar(line: str) -> bool:
    return line.strip() == "|"


_GROUP_CELL = re.compile(r"((?:[IVXL]{1,5}|\d{1,3})[.)]?)\s+(\S.*)")


def _bar_table_at(lines: list[str], i: int) -> tuple[list[list[str]], int] | None:
    """A table written with a line holding only "|" between cells (a web page copied as
    text): each cell's text on the lines between two bars; between rows, and for an empty
    cell, one bar more:

        |  STT  |  Tên nhiệm vụ  |  Cơ quan chủ trì  | ... |  |  1  |  Triển khai ...  | ...

    Its rows (the first holds the column titles, recognised as in `_header_at`) and the index
    after it; None when lines[i] starts no such assignment table. A bar line more is a row's
    end when the row is full or the next cell starts a row (a row number, a group's numbered
    title), otherwise an empty cell."""
    j = i
    segments: list[str | None] = []        # a cell's text, or None for an extra bar
    current: list[str] | None = None
    while j < len(lines) and lines[j].strip():
        if _is_bar(lines[j]):
            if current is not None:
                segments.append(" ".join(current) if current else None)
            current = []
        elif current is None:
            break
        else:
            current.append(lines[j].strip())
        j += 1
    if current:                       # text after the last bar is not the table's
        j -= len(current)
    # the column titles: the cells before the first extra bar
    first_break = segments.index(None) if None in segments else len(segments)
    titles = [c for c in segments[:first_break] if c]
    numbered = _assignment_titles(titles)
    if numbered is None:
        return None
    width = len(titles)
    rows: list[list[str]] = [numbered]
    row: list[str] = []
    for k in range(first_break, len(segments)):
        seg = segments[k]
        if seg is not None:
            row.append(seg)
            continue
        nxt = segments[k + 1] if k + 1 < len(segments) else None
        starts_row = nxt is None or _is_row_number(nxt) or bool(_GROUP_CELL.fullmatch(nxt))
        if row and (len(row) >= width or starts_row):
            rows.append(row)
            row = []
        elif row:
            row.append("")            # an empty cell
    if row:
        rows.append(row)
    if len(rows) < 2:
        return None
    for k, cells in enumerate(rows[1:], 1):
        if len(cells) == 1:
            m = _GROUP_CELL.fullmatch(cells[0])
            if m:                     # a group row: "I. NÂNG CAO NHẬN THỨC ..."
                rows[k] = [m.group(1).rstrip(".)"), m.group(2)]
    return rows, j


def rebuild_cell_tables(lines: list[str]) -> list[str]:
    """`lines` with every one-cell-per-line table rewritten as `| a | b |` rows."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        bar = _bar_table_at(lines, i) if _is_bar(line) else None
        if bar is not None:
            rows, i = bar
            out.extend("| " + " | ".join(cells) + " |" for cells in rows)
            continue
        head = _header_at(lines, i) if line.strip() and (
            "|" in line or _title_kind(line) is not None) else None
        if head is None:
            out.append(line)
            i += 1
            continue
        titles, j = head
        rows, end = _read_rows(lines, j, len(titles))
        if not rows:
            out.append(line)
            i += 1
            continue
        out.append("| " + " | ".join(titles) + " |")
        out.extend("| " + " | ".join(row) + " |" for row in rows)
        i = end
    return out
