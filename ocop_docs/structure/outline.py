"""The body outline of a document: numbered headings, items, bullets, paragraphs and tables.

Vietnamese directives number their parts "I." / "1." / "1.1." / "a)" / "(1)" / "-" / "+", but
offices use these in different orders, so the hierarchy is built from the order in which marker
kinds appear (a marker kind already open on the stack closes everything below it; a new kind
opens a level). Unmarked paragraphs attach to the nearest open numbered item, not to a bullet.

Tables come in two layouts: one row per line with `|` between cells (what our readers write for
PDF and .docx tables), and the converter layout of the seed corpus where each cell is a
tab-indented line and rows are separated by blank lines.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ocop_docs.textutil import in_capitals

# marker kinds; the value says how a line of that kind is recognised
_MARKERS: list[tuple[str, re.Pattern]] = [
    ("article", re.compile(r"(Điều\s+\d+)\s*[.:]\s*")),
    ("roman", re.compile(r"([IVXL]{1,5})\s*[.)/-]\s+(?=\S)")),
    ("part", re.compile(r"([A-HĐ])\s*\.\s+(?=\S)")),
    ("dotted", re.compile(r"(\d{1,2}(?:\.\d{1,2}){1,3})\.?\)?\s+(?=\S)")),
    ("number", re.compile(r"(\d{1,2})\s*[.)]\s*(?=[^\d\s/.,%])")),
    ("letter", re.compile(r"([a-zđ])\s*\)\s*(?=\S)")),
    ("paren", re.compile(r"\((\d{1,2}|[a-zđ])\)\s*(?=\S)")),
    ("dash", re.compile(r"([-–—•·])\s*(?=\S)")),
    ("plus", re.compile(r"(\+)\s*(?=\S)")),
    ("star", re.compile(r"(\*)\s*(?=\S)")),
]
# kinds that behave like numbered items (unmarked paragraphs attach to them)
NUMBERED_KINDS = {"article", "part", "roman", "dotted", "number", "letter", "paren"}
# kinds that open a part of the body ("A. MỤC ĐÍCH, YÊU CẦU", "II. NHIỆM VỤ")
PART_KINDS = {"part", "roman"}


@dataclass
class Block:
    kind: str                    # a marker kind, "paragraph", "lead-in", "table" or "row"
    marker: str | None           # "I", "1", "1.1", "a", "-", ...
    text: str                    # the line's text without its marker
    start: int                   # offsets of `text` in the full file text
    end: int
    children: list["Block"] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)          # for rows
    header: list[str] = field(default_factory=list)         # for tables: column titles
    parent: "Block | None" = field(default=None, repr=False, compare=False)

    @property
    def is_numbered(self) -> bool:
        return self.kind in NUMBERED_KINDS

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def full_text(self) -> str:
        """The block's text followed by its descendants' texts (an item with its sub-bullets)."""
        parts = [self.text]
        for child in self.children:
            if child.kind not in ("table", "row"):
                parts.append(child.full_text())
        return " ".join(p for p in parts if p)


@dataclass
class _Line:
    text: str
    start: int
    end: int
    raw: str


def _lines(text: str, start: int, end: int) -> list[_Line]:
    out = []
    pos = start
    for raw in text[start:end].split("\n"):
        line_start, line_end = pos, pos + len(raw)
        pos = line_end + 1
        stripped = raw.strip()
        if not stripped:
            out.append(_Line("", line_start, line_start, raw))
            continue
        lead = len(raw) - len(raw.lstrip())
        out.append(_Line(stripped, line_start + lead, line_start + lead + len(stripped), raw))
    return out


def classify_marker(line: str) -> tuple[str, str, int] | None:
    """(kind, marker, length of the marker prefix) for a line that starts with a list marker."""
    for kind, pattern in _MARKERS:
        m = pattern.match(line)
        if m:
            if kind == "roman" and not _plausible_roman(m.group(1)):
                continue
            if kind == "part" and not in_capitals(line[m.end():]):
                continue   # "A. MỤC ĐÍCH": a lettered part is a title in capitals
            return kind, m.group(1), m.end()
    return None


def _plausible_roman(token: str) -> bool:
    return re.fullmatch(r"X{0,3}(IX|IV|V?I{0,3})", token) is not None and token != ""


def _is_tab_cell(line: _Line) -> bool:
    return line.raw.startswith("\t")


def _pipe_cells(line: str) -> list[str] | None:
    if line.startswith("|") and line.endswith("|") and line.count("|") >= 3:
        cells = [c.strip() for c in line[1:-1].split("|")]
        if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
            return []          # markdown separator row
        return cells
    return None


def parse_outline(text: str, start: int = 0, end: int | None = None) -> list[Block]:
    """The outline of text[start:end] as a list of top-level blocks."""
    end = len(text) if end is None else end
    lines = _lines(text, start, end)
    roots: list[Block] = []
    stack: list[Block] = []          # open marked blocks, outermost first

    def attach(block: Block, to: Block | None) -> None:
        block.parent = to
        (to.children if to is not None else roots).append(block)

    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.text and not _is_tab_cell(line):
            i += 1
            continue
        # --- tables
        if _pipe_cells(line.text) is not None or _is_tab_cell(line) \
                or _loose_cells(line) is not None:
            table, after = _read_table(lines, i)
            if table is None and _loose_cells(line) is not None:
                table, after = _read_loose_table(lines, i)
            if table is not None:
                # a table belongs to the lead-in just above it ("... gồm 11 chuyên mục sau:")
                # or else to the innermost numbered item
                owner = stack[-1] if stack and stack[-1].kind == "lead-in" else next(
                    (b for b in reversed(stack) if b.is_numbered), None)
                attach(table, owner)
                i = after
                continue
        i += 1
        if not line.text:
            continue
        marker = classify_marker(line.text)
        if marker is None:
            # an unmarked paragraph closes open bullets and lead-ins
            while stack and not stack[-1].is_numbered:
                stack.pop()
            block = Block("paragraph", None, line.text, line.start, line.end)
            attach(block, stack[-1] if stack else None)
            if line.text.endswith(":"):
                # a lead-in ("Sở Tài chính:", "... thực hiện các nội dung sau:") holds the
                # bullets that follow it
                block.kind = "lead-in"
                stack.append(block)
            continue
        kind, mark, length = marker
        body = line.text[length:].strip()
        offset = line.start + line.text.index(body) if body else line.end
        block = Block(kind, mark, body, offset, line.end)
        # close levels: a kind already open is a sibling of that open block
        open_kinds = [b.kind for b in stack]
        if kind in open_kinds:
            del stack[open_kinds.index(kind):]
        elif kind in NUMBERED_KINDS and stack:
            # a numbered item never nests under a bullet or a lead-in: close them
            while stack and not stack[-1].is_numbered:
                stack.pop()
        attach(block, stack[-1] if stack else None)
        stack.append(block)
    return roots


def _loose_cells(line: _Line, inside: bool = False) -> list[str] | None:
    """Cells of a table line written without outer bars ("TT | Nội dung | Chủ trì") or with tabs
    between cells ("1\tRà soát ...\tSở Tư pháp"), as exports and conversions write them.
    `inside` such a table, a line with bars at both ends has empty first and last cells."""
    text = line.text
    if "|" in text and (inside or not (text.startswith("|") and text.endswith("|"))):
        # a bar at one end only is a cell boundary: " | Lập báo cáo | ..." has an empty first
        # cell (a merged cell of the row above), "1 | Lập quy hoạch |  | " empty last cells
        cells = [c.strip() for c in text.split("|")]
        return cells if len(cells) >= 2 and any(cells) else None
    if "\t" in text:
        cells = [c.strip() for c in text.split("\t")]   # an empty cell keeps its column
        return cells if sum(1 for c in cells if c) >= 2 else None
    return None


_ROW_NUMBER = re.compile(r"(\d{1,3}(?:\.\d{1,2})*|[IVXL]{1,5}|[a-zđ])[.)]?")


def _read_loose_table(lines: list[_Line], i: int) -> tuple[Block | None, int]:
    """A table whose rows may run over several lines (a cell broken by the converter): in a
    table with numbered rows a row starts at a line whose first cell is a row number, and the
    lines until the next such line continue its last cell; the lines before the first numbered
    row are the column titles. A line without bars belongs to the table only while the table
    goes on after it."""
    first = _loose_cells(lines[i])
    if first is None or len(first) < 3:
        return None, i
    # lines that belong to the table
    end = i
    while end < len(lines):
        line = lines[end]
        if _loose_cells(line, inside=True) is not None:
            end += 1
            continue
        nxt = end + 1
        while nxt < len(lines) and not lines[nxt].text:
            nxt += 1
        if not line.text or nxt >= len(lines) or _loose_cells(lines[nxt], inside=True) is None \
                or classify_marker(line.text) is not None or len(line.text.split()) > 12:
            break
        end += 1
    block_lines = [line for line in lines[i:end] if line.text]
    cells_of = [_loose_cells(line, inside=True) for line in block_lines]
    numbered = [k for k, cells in enumerate(cells_of)
                if cells and _ROW_NUMBER.fullmatch(cells[0])]
    first_row = numbered[0] if numbered else 1
    rows: list[tuple[list[str], int, int]] = []
    for k, (line, cells) in enumerate(zip(block_lines, cells_of)):
        if k == 0:
            rows.append((list(cells), line.start, line.end))
            continue
        row_cells, row_start, _ = rows[-1]
        if k < first_row and cells and cells[0] == "":
            # a second title row under merged titles (" |  | Đơn vị chủ trì | Đơn vị phối
            # hợp" under "... | Thực hiện"): each title goes to its own column
            merged = row_cells + [""] * (len(cells) - len(row_cells))
            for index, title in enumerate(cells):
                if title:
                    merged[index] = (merged[index] + " " + title).strip()
            rows[-1] = (merged, row_start, line.end)
            continue
        if k >= first_row and cells is not None and (
                not numbered or k in numbered or cells[0] == ""
                or len(row_cells) + len(cells) - 1 > len(rows[0][0])):
            # a row of its own: a numbered row, a row whose first cell is empty (merged with
            # the row above), or one with too many cells to be the rest of the row above
            rows.append((list(cells), line.start, line.end))
            continue
        # the rest of a cell broken over lines: it goes on in the row's last cell
        more = cells or [line.text]
        row_cells[-1] = (row_cells[-1] + " " + more[0]).strip()
        row_cells.extend(more[1:])
        rows[-1] = (row_cells, row_start, line.end)
    if len(rows) < 2:
        return None, i
    return _table_block(rows), end


def _read_table(lines: list[_Line], i: int) -> tuple[Block | None, int]:
    """Read a table starting at lines[i]; returns (table block or None, next index)."""
    rows: list[tuple[list[str], int, int]] = []
    if _pipe_cells(lines[i].text) is not None:
        while i < len(lines) and _pipe_cells(lines[i].text) is not None:
            cells = _pipe_cells(lines[i].text)
            if cells:
                rows.append((cells, lines[i].start, lines[i].end))
            i += 1
    else:
        while i < len(lines):
            if not _is_tab_cell(lines[i]):
                if lines[i].text:          # a non-cell line ends the table
                    break
                # blank line: the row ends; the table goes on if a cell line follows
                j = i
                while j < len(lines) and not lines[j].text and not _is_tab_cell(lines[j]):
                    j += 1
                if j < len(lines) and _is_tab_cell(lines[j]):
                    i = j
                    continue
                break
            cells, row_start, row_end = [], lines[i].start, lines[i].end
            while i < len(lines) and _is_tab_cell(lines[i]):
                cells.append(lines[i].text)
                row_end = max(row_end, lines[i].end)
                i += 1
            rows.append((cells, row_start, row_end))
    if len(rows) < 2:
        return None, i
    return _table_block(rows), i


def _table_block(rows: list[tuple[list[str], int, int]]) -> Block:
    """A table block from its rows (cells, start, end); the first row holds the column titles."""
    header = rows[0][0]
    table = Block("table", None, " | ".join(header), rows[0][1], rows[-1][2], header=header)
    for cells, row_start, row_end in rows[1:]:
        row = Block("row", cells[0] if cells else None, " | ".join(cells), row_start, row_end,
                    cells=cells, parent=table)
        table.children.append(row)
    return table
