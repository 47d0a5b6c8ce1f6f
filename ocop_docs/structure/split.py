"""Split one file's text into the documents it holds.

A file may hold several documents: a cover letter and the plan it forwards, a Quyết định and the
plan issued "kèm theo" it. A new document starts at a new header block — the issuing body's lines,
"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: .../...", the place-and-date line, a type title such as
"KẾ HOẠCH" — found after the previous document has closed (its "Nơi nhận" list or signature
block). An appendix ("PHỤ LỤC ... Kèm theo Kế hoạch số ...") belongs to its document.

    split_documents(text) -> [DocumentSpan(start, end), ...]   # offsets in `text`
    layout_lines(text, start, end) -> [Line, ...]              # the lines as a reader sees them

The header and the signature block reach us in many forms: a two-column table converted to
"| A | B |" rows (a .docx cell read as one paragraph, HTML or Markdown), the two columns flattened
onto shared lines ("UBND TỈNH X CỘNG HÒA ... SỞ Y Độc lập ..."), the "Nơi nhận" list carrying the
signature column at its line ends once the space between them is gone, OCR text with its columns
interleaved. layout_lines reads a layout table column by column and cuts merged cells and lines
back into their lines (number, V/v, motto, date line, authority, title, name, list items), so the
header parser sees one form. Cue words live in models/document_parts.yaml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ocop_docs.extract.dates import fold, fold_pattern, fold_regex
from ocop_docs.resources import load_tsv, load_yaml

# emphasis marks left by converters (**bold**, ~~strike~~, __under__) and table bars
_MARKUP = re.compile(r"[*~_#|`]+")


@dataclass
class DocumentSpan:
    start: int
    end: int


@dataclass
class Line:
    start: int          # offsets in the file text
    end: int
    raw: str
    clean: str          # markup removed, whitespace squeezed
    folded: str         # fold(clean)
    block_start: int | None = None   # a cell of a layout table: where its table starts
    block_end: int | None = None     # ... and ends


def clean_line(raw: str) -> str:
    return rejoin_split_words(" ".join(_MARKUP.sub(" ", raw).split()))


def rejoin_split_words(text: str) -> str:
    """Words that a web page's crawl cut with stray spaces ("T hủ tướ ng", "t ỉ nh", "l ý") joined
    again: two neighbouring pieces become one word when together they spell a syllable and one
    of them alone does not, the second one in lower case."""
    from ocop_docs.ingest.language import is_syllable

    words = text.split(" ")
    if len(words) < 2 or not any(len(w) <= 4 and w.isalpha() and not is_syllable(w)
                                 for w in words):
        return text         # pieces are short and one of them is no syllable
    out = [words[0]]
    for w in words[1:]:
        prev = out[-1]
        core = w.rstrip(",.;:)")
        if prev.isalpha() and core.isalpha() and (core[:1].islower() or (prev + core).isupper()) \
                and (not is_syllable(prev) or not is_syllable(core)) and is_syllable(prev + core):
            out[-1] = prev + w
        else:
            out.append(w)
    return " ".join(out)


def _line(text: str, start: int, end: int, block: tuple[int, int] | None = None) -> Line:
    raw = text[start:end]
    clean = clean_line(raw)
    return Line(start, end, raw, clean, fold(clean), *(block or (None, None)))


def split_lines(text: str, start: int = 0, end: int | None = None) -> list[Line]:
    """Lines of text[start:end] with their offsets in `text`."""
    end = len(text) if end is None else end
    out = []
    pos = start
    for raw in text[start:end].split("\n"):
        clean = clean_line(raw)
        out.append(Line(pos, pos + len(raw), raw, clean, fold(clean)))
        pos += len(raw) + 1
    return out


# ---------------------------------------------------------------- cue data

@lru_cache(maxsize=None)
def parts() -> dict:
    return load_yaml("document_parts.yaml")


@lru_cache(maxsize=None)
def cue(name: str) -> re.Pattern:
    value = parts()[name]
    if isinstance(value, list):
        value = "|".join(f"(?:{v})" for v in value)
    return fold_pattern(value)


# ---------------------------------------------------------------- layout tables

_SEPARATOR_ROW = re.compile(r"^\s*\|?[\s|:\-–=+]*$")


def _cells(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each cell of a table row "| a | b |" (offsets in `text`)."""
    bars = [start + m.start() for m in re.finditer(r"\|", text[start:end])]
    if not bars:
        return [(start, end)]
    cells = []
    if text[start:bars[0]].strip():
        cells.append((start, bars[0]))
    for a, b in zip(bars, bars[1:]):
        cells.append((a + 1, b))
    if text[bars[-1] + 1:end].strip():
        cells.append((bars[-1] + 1, end))
    return cells


@lru_cache(maxsize=None)
def _cell_cut() -> re.Pattern:
    starts = parts()["cell_line_starts"]
    return fold_pattern(r"(?<![\w/])(?:" + "|".join(f"(?:{p})" for p in starts) + ")")


def cut_cell(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The lines a merged cell holds: "ỦY BAN NHÂN DÂN TỈNH X Số: 12/KH-UBND" → the body line and
    the number line; "CỘNG HÒA ... Hạnh phúc X, ngày ..." → motto lines and the date line;
    "KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Văn A" → the authority, the title and the name;
    "Nơi nhận: - A; - B;" → the label and one line per item."""
    piece = text[start:end]
    folded = fold(piece)
    cuts = {0, len(piece)}
    drop: list[tuple[int, int]] = []
    for m in fold_pattern(parts()["layout_rule"]).finditer(folded):
        drop.append((m.start(), m.end()))
        cuts |= {m.start(), m.end()}
    for m in cue("motto").finditer(folded):
        cuts |= {m.start(), m.end()}
    for m in _cell_cut().finditer(folded):
        if m.start() > 0 and piece[m.start()].isupper():
            cuts.add(m.start())
    for m in fold_pattern(parts()["cell_list_item"]).finditer(folded):
        cuts.add(m.end())
    out = []
    bounds = sorted(cuts)
    for a, b in zip(bounds, bounds[1:]):
        if any(a >= d0 and b <= d1 for d0, d1 in drop):
            continue
        seg = piece[a:b]
        if not seg.strip():
            continue
        a += len(seg) - len(seg.lstrip())
        b -= len(seg) - len(seg.rstrip())
        for x, y in _cut_name(piece, a, b):
            out.append((start + x, start + y))
    return out


@lru_cache(maxsize=None)
def _title_words() -> re.Pattern:
    titles = "|".join(f"(?:{t})" for t in parts()["signer_titles"])
    return fold_pattern(rf"(?<!\w)(?:{titles})(?!\w)")


def _cut_name(piece: str, a: int, b: int) -> list[tuple[int, int]]:
    """A signature line that ends with the signer's name ("PHÓ CHỦ TỊCH Nguyễn Văn A",
    "CHỦ TỊCH NGUYỄN VĂN A"): the title and the name apart."""
    seg = _MARKUP.sub(lambda m: " " * len(m.group()), piece[a:b])     # "**CHỦ TỊCH**"
    folded = fold(seg)
    titles = list(_title_words().finditer(folded))
    if not titles or not is_caps(seg[:titles[-1].end()]):
        return [(a, b)]
    rest_at = titles[-1].end()
    q = cue("title_qualifier").match(folded, rest_at + len(seg[rest_at:]) - len(seg[rest_at:].lstrip()))
    if q:
        rest_at = q.end()       # "PHÓ BÍ THƯ THƯỜNG TRỰC Lý Văn Hà"
    signed = cue("signed_marker").match(folded, rest_at + len(seg[rest_at:]) - len(seg[rest_at:].lstrip()))
    if signed:
        rest_at = signed.end()  # "PHÓ CHỦ TỊCH (Đã ký) Nguyễn Văn An"
    rest = seg[rest_at:]
    words = rest.split()
    if not 2 <= len(words) <= 5:
        return [(a, b)]
    if not all(w[:1].isupper() and w.strip(".").isalpha() for w in words):
        return [(a, b)]
    if cue("title_qualifier").match(fold(rest.strip())):
        return [(a, b)]         # "PHÓ BÍ THƯ THƯỜNG TRỰC"
    abbreviations = {fold(w) for w in parts()["keep_upper"]}
    if any(fold(w) in abbreviations for w in words):
        return [(a, b)]         # "CHỦ TỊCH UBND TỈNH"
    name_at = rest_at + len(rest) - len(rest.lstrip())
    name_end = len(seg.rstrip())
    return [(a, a + rest_at), (a + name_at, a + name_end)]


@lru_cache(maxsize=None)
def _closing_then_closure() -> re.Pattern:
    return fold_pattern(r"\./\.\s*(?=" + parts()["distribution_label"].lstrip("^\\s*")
                        + r"|(?:tm|kt|tl)\s*\.\s)")


def _split_closing_mark(text: str, line: Line) -> list[Line]:
    """A body's last sentence and the "Nơi nhận" or signature run together on one line
    ("... thực hiện./. Nơi nhận: KT. GIÁM ĐỐC"): two lines."""
    if "./." not in line.raw:
        return [line]
    m = _closing_then_closure().search(fold(line.raw))
    if not m or not line.raw[m.end():].strip():
        return [line]
    return [_line(text, line.start, line.start + m.end()), _line(text, line.start + m.end(), line.end)]


def _is_layout_cell(line: Line) -> bool:
    f = line.folded
    return bool(cue("motto").search(f) or cue("distribution_label").search(f)
                or cue("authority_prefix").search(f) or cue("recipients_label").search(f)
                or number_text(line) or date_line_place(line))


def layout_lines(text: str, start: int = 0, end: int | None = None) -> list[Line]:
    """Lines of text[start:end] as a reader sees the page: like split_lines, except that a layout
    table (the two-column header, the "Nơi nhận" and signature columns, given as "| a | b |" rows
    or as a line "left | right") is read column by column, each cell cut into its lines
    (cut_cell). Tables of content (assignment tables) stay one line per row."""
    end = len(text) if end is None else end
    physical = []
    for line in split_lines(text, start, end):
        physical.extend(_split_closing_mark(text, line))
    out: list[Line] = []
    i = 0
    while i < len(physical):
        line = physical[i]
        merged = _merged_closure(text, physical, i)
        if merged:
            out.extend(merged[1])
            i += merged[0]
            continue
        block = _gapped_closure(physical, i)
        if block:
            out.extend(_gapped_lines(text, physical[i:i + block]))
            i += block
            continue
        if line.raw.lstrip().startswith("|"):
            j = i
            while j < len(physical) and physical[j].raw.lstrip().startswith("|"):
                j += 1
            out.extend(_table_lines(text, physical[i:j]))
            i = j
            continue
        if "|" in line.raw:
            cells = [c for c in _cells(text, line.start, line.end)]
            pieces = [_line(text, a, b) for c in cells for a, b in cut_cell(text, *c)]
            if any(_is_layout_cell(p) for p in pieces):
                out.extend(pieces)
                i += 1
                continue
        if len(line.clean) <= 200 and cue("motto").search(line.folded):
            # both header columns flattened onto one line: "UBND TỈNH X CỘNG HÒA ... SỞ Y Độc lập"
            pieces = cut_cell(text, line.start, line.end)
            if len(pieces) > 1:
                out.extend(_line(text, a, b) for a, b in pieces)
                i += 1
                continue
        named = _cut_name(line.raw, 0, len(line.raw)) \
            if line.clean and len(line.clean) <= 90 and line.clean[:1].isupper() else []
        if len(named) > 1:       # "PHÓ CHỦ TỊCH Nguyễn Văn An" on one line
            out.extend(_line(text, line.start + a, line.start + b) for a, b in named)
        else:
            out.append(line)
        i += 1
    return out


def looks_like_name(text: str) -> bool:
    """A person's name: 2-5 capitalised words ("Nguyễn Thế Phước", "NGUYỄN VĂN AN"), none of them
    a word that never occurs in names."""
    words = text.split()
    if not 2 <= len(words) <= 5 or re.search(r"[\d/\\:@().,;]", text):
        return False
    banned = {fold(w) for w in parts()["not_name_words"]}
    return all(w[:1].isupper() and (w[1:].islower() or w.isupper() or len(w) == 1)
               and fold(w) not in banned for w in words)


_ITEM_END = re.compile(r"[;:.]\s+")


def _right_piece(line: Line) -> int | None:
    """Where the signature column starts in a line that merged it with the "Nơi nhận" column:
    "- Như Điều 3; KT. CHỦ TỊCH", "- Sở Y tế; PHÓ CHỦ TỊCH", "- Lãnh đạo VP; Nguyễn Văn An"."""
    raw = line.raw
    folded = fold(raw)
    m = next((m for m in _cell_cut().finditer(folded)
              if m.start() > 0 and raw[m.start()].isupper()
              and cue("authority_prefix").match(folded[m.start():])), None)
    if m:
        return m.start()
    for m in _ITEM_END.finditer(raw):
        rest = raw[m.end():].strip(" *_")
        if not rest:
            continue
        if is_caps(rest) and _title_words().search(fold(rest)) and len(rest.split()) <= 8:
            return m.end()
        if looks_like_name(rest):
            return m.end()
    return None


def _merged_closure(text: str, physical: list[Line], i: int):
    """A "Nơi nhận" list whose lines also carry the signature column, once the space between the
    columns is gone ("Nơi nhận: TM. ỦY BAN NHÂN DÂN" / "- Như Điều 3; KT. CHỦ TỊCH" / ... /
    "- Lãnh đạo VP; Nguyễn Văn An"): (number of lines, the list's lines then the signature's)."""
    line = physical[i]
    if "|" in line.raw or not cue("distribution_label").search(line.folded):
        return None
    j = i + 1
    while j < len(physical) and j - i < 40 and re.match(r"^\s*[-+•–]", physical[j].raw):
        j += 1
    rows = physical[i:j]
    cuts = [_right_piece(r) for r in rows]
    if not any(c is not None for c in cuts):
        return None
    left, right = [], []
    for row, cut in zip(rows, cuts):
        if cut is None:
            left.append(row)
        else:
            left.append(_line(text, row.start, row.start + cut))
            right.append(_line(text, row.start + cut, row.end))
    return j - i, left + right


_GAP = re.compile(r"(?<=\S)(?: {4,}|\t+)(?=\S)")


def _gapped_closure(physical: list[Line], i: int, limit: int = 30) -> int:
    """The number of lines of a "Nơi nhận" / signature block laid out in two columns with spaces
    ("Nơi nhận:            KT. CHỦ TỊCH") starting at physical[i]; 0 when there is none."""
    line = physical[i]
    if "|" in line.raw:
        return 0
    gap = _GAP.search(line.raw)
    if not gap:
        return 0
    left = fold(line.raw[:gap.start()].strip(" *_"))
    right = fold(line.raw[gap.end():].strip(" *_"))
    if not ((cue("distribution_label").search(left) or cue("authority_prefix").search(left)
             or _title_words().match(left))
            and (cue("authority_prefix").search(right) or _title_words().match(right)
                 or cue("distribution_label").search(right))):
        return 0
    n, blanks = 1, 0
    while i + n < len(physical) and n < limit:
        nxt = physical[i + n]
        if not nxt.clean:
            blanks += 1
            if blanks >= 3:
                break
        else:
            blanks = 0
            if len(nxt.clean) > 90 and not _GAP.search(nxt.raw):
                break
        n += 1
    return n


def _gapped_lines(text: str, rows: list[Line]) -> list[Line]:
    """Two space-aligned columns read one after the other: left column, then right column."""
    first_gap = _GAP.search(rows[0].raw)
    column = len(rows[0].raw) - len(rows[0].raw[first_gap.end():])
    block = (rows[0].start, rows[-1].end)
    left: list[Line] = []
    right: list[Line] = []
    for row in rows:
        raw = row.raw
        gap = next((g for g in _GAP.finditer(raw) if g.end() >= column * 0.6), None)
        indent = len(raw) - len(raw.lstrip())
        if gap:
            left.append(_line(text, row.start, row.start + gap.start(), block))
            right.append(_line(text, row.start + gap.end(), row.end, block))
        elif indent >= column * 0.6 and raw.strip():
            right.append(_line(text, row.start + indent, row.end, block))
        elif raw.strip():
            left.append(_line(text, row.start, row.end, block))
    return left + right


def _table_lines(text: str, rows: list[Line]) -> list[Line]:
    """The lines of consecutive table rows: split into tables (a row followed by a separator row
    starts a new table, as in Markdown), each read column by column when it is a layout table."""
    tables: list[list[Line]] = []
    for k, row in enumerate(rows):
        if _SEPARATOR_ROW.match(row.raw):
            continue
        heads_table = k + 1 < len(rows) and _SEPARATOR_ROW.match(rows[k + 1].raw) and \
            rows[k + 1].raw.count("-") >= 3
        if not tables or heads_table:
            tables.append([])
        tables[-1].append(row)
    out: list[Line] = []
    for table in tables:
        block = (table[0].start, table[-1].end)
        grid = [[c for c in _cells(text, r.start, r.end)] for r in table]
        pieces = [[[_line(text, a, b, block) for a, b in cut_cell(text, *c)] for c in row]
                  for row in grid]
        if not any(_is_layout_cell(p) for row in pieces for cell in row for p in cell):
            out.extend(table)
            continue
        width = max(len(r) for r in pieces)
        for col in range(width):
            for row in pieces:
                if col < len(row):
                    out.extend(row[col])
    return out


@lru_cache(maxsize=None)
def doc_type_titles() -> dict[str, str]:
    """Folded title ("ke hoach" style folding) → contract type."""
    return {fold(row["title"]): row["contract"] for row in load_tsv("doc_types.tsv")}


@lru_cache(maxsize=None)
def _bare_titles() -> dict[str, str]:
    """Titles without any diacritic ("chi thi"), for OCR that misreads the marks ("CHÍ THỊ")."""
    return {bare(row["title"]): row["contract"] for row in load_tsv("doc_types.tsv")}


def bare(text: str) -> str:
    from ocop_docs.textutil import fold as strip_marks
    return " ".join(strip_marks(text).split())


@lru_cache(maxsize=None)
def _number_line() -> re.Pattern:
    # "Số: 7590/UBND-KT", "Số 46-CT/TU", "Số:      /KH-UBND" (unnumbered draft)
    return re.compile(r"^\W*" + fold_regex(parts()["number_label"]) + r"(?P<rest>.*\S.*)$")


_NUMBER_SHAPE = re.compile(r"^[.…\s]*(?:[\dIlOoØ|]*\d[\w.\-–]*|[IlØ|]{1,3}(?=\s*/))?\s*(?:/\s*(?:19|20)\d\d\s*)?/\s*[^\W\d_][\w\-–&./]*")


def is_caps(text: str) -> bool:
    letters = [c for c in text[:300] if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.85 * len(letters)


@lru_cache(maxsize=None)
def _title_suffix() -> re.Pattern:
    return re.compile(r"\s+(?:" + "|".join(fold_regex(w) for w in parts()["title_suffixes"])
                      + r")$")


@lru_cache(maxsize=None)
def _subject_start() -> re.Pattern:
    return re.compile(r"^(?:" + fold_regex(parts()["subject_after_title"]) + r")\s")


def title_head(text: str) -> str | None:
    """"QUYẾT ĐỊNH về việc ..." (OCR ran the trích yếu into the title line): "QUYẾT ĐỊNH"."""
    words = text.split()
    k = 0
    while k < len(words) and words[k].isupper():
        k += 1
    if not 1 <= k <= 4 or k == len(words):
        return None
    head = " ".join(words[:k])
    nxt = words[k]
    if _subject_start().match(fold(" ".join(words[k:])) + " "):
        return head
    # "KẾ HOẠCH Tuyên truyền ..." (a .docx title and trích yếu in one paragraph)
    if nxt[:1].isupper() and nxt[1:].islower() and fold(head) in doc_type_titles():
        return head
    return None


def title_type(line: Line) -> str | None:
    """The contract type when the line is a type title ("KẾ HOẠCH", "QUYẾT ĐỊNH")."""
    if line.clean and line.clean.split(" ", 1)[0].isupper() and not is_caps(line.clean):
        # OCR ran the trích yếu into the title line: "QUYẾT ĐỊNH về việc công nhận ..."
        head = title_head(line.clean)
        if head:
            return title_type(Line(line.start, line.start + len(head), head, head, fold(head)))
    if line.clean and cue("receiving_stamp").match(line.folded):
        # a receiving stamp read on the title's line: "ĐẾN Số: 12 ... CHỈ THỊ"
        words = line.clean.split()
        for k in (3, 2, 1):
            tail = " ".join(words[-k:])
            head = words[:-k]
            if head and tail.isupper() and not any(
                    len(w) >= 2 and w.isalpha() and w.islower() for w in head):
                kind = title_type(Line(line.start, line.end, tail, tail, fold(tail)))
                if kind:
                    return kind
    if not line.clean or not is_caps(line.clean) or line.clean.endswith(":"):
        return None     # "QUYẾT ĐỊNH:" before Điều 1 is the enacting formula, not a title
    title = line.folded.strip(" .:")
    suffix = _title_suffix().search(title)
    if suffix:          # "CHƯƠNG TRÌNH HÀNH ĐỘNG", "KẾ HOẠCH LIÊN TỊCH"
        title = title[:suffix.start()].strip()
    return doc_type_titles().get(title) or _bare_titles().get(bare(title))


def number_text(line: Line) -> str | None:
    """The text after "Số:" when the line is a document-number line (not a receiving stamp)."""
    if cue("receiving_stamp").search(line.folded):
        return None
    m = _number_line().match(line.folded)
    if not m:
        return None
    rest = line.clean[m.start("rest"):].strip()
    return rest if _NUMBER_SHAPE.match(rest) else None


@lru_cache(maxsize=None)
def _date_line() -> re.Pattern:
    # "ngày" as OCR may leave it: "ngày0?", "ngàW†" (a digit or a stray sign glued to it)
    return re.compile(r"^(?P<place>[^\d,:;()]{2,60}?)\s*,\s*" + fold_regex("ngà")
                      + r"(?:y(?![^\W\d_])|\S{0,2}(?=\s.*" + fold_regex("tháng") + r"))")


@lru_cache(maxsize=None)
def _number_prefix() -> re.Pattern:
    # "Số: 7590/UBND-KT " or "Số:   /KH-UBND " written on the same line as the date
    return re.compile(r"^\W*" + fold_regex(parts()["number_label"])
                      + r"[\w.\-–]*\s*(?:/\s*[^\s/]+\s*)+")


def date_line_place(line: Line) -> str | None:
    """The place when the line is "<Place>, ngày ... tháng ... năm ..." (also after the number
    on a two-column line: "Số: 12/KH-UBND   Tam Nông, ngày ...")."""
    offset = 0
    m = _date_line().match(line.folded)
    if not m:
        pre = _number_prefix().match(line.folded)
        if not pre:
            return None
        offset = pre.end()
        m = _date_line().match(line.folded[offset:])
        if not m:
            return None
    place = line.clean[offset:offset + m.end("place")].strip()
    words = place.split()
    # a place name: a few capitalised words ("Vĩnh Cửu", "TP. Hồ Chí Minh"), not a clause; its
    # unit word may have been broken over the line above ("Thành" / "phố Hồ Chí Minh, ngày ...")
    if not 1 <= len(words) <= 6 or not all(w[:1].isupper() or w in _unit_tails() for w in words) \
            or words[-1] in _unit_tails():
        return None     # ("Thành phố Hồ Chí Minh, ngày ...": the unit's second word in lower case)
    return place


@lru_cache(maxsize=None)
def _unit_tails() -> frozenset[str]:
    """The second word of a two-word unit ("phố" of "thành phố", "xã" of "thị xã")."""
    return frozenset(u.split()[1] for u in parts()["admin_units"] if len(u.split()) == 2)


@lru_cache(maxsize=None)
def _body_line() -> re.Pattern:
    words = [fold_regex(w) for w in parts()["body_types"]] + ["ubnd", "hđnd", "hdnd"]
    words += [fold_regex(w) for w in parts()["admin_units"]]
    return re.compile(r"^(?:" + "|".join(sorted(words, key=len, reverse=True)) + r")(?!\w)")


@lru_cache(maxsize=None)
def _motto_words() -> list[str]:
    return [fold(m).split() for m in parts()["motto_text"]]


def is_motto_fragment(line: Line) -> bool:
    """A piece of the motto broken over lines ("CỘNG HÒA XÃ" / "HỘI CHỦ NGHĨA VIỆT NAM")."""
    words = re.sub(r"[^\w\s]", " ", line.folded).split()
    if len(words) < 2:
        return False
    for motto in _motto_words():
        for k in range(len(motto) - len(words) + 1):
            if motto[k:k + len(words)] == words:
                return True
    return False


@lru_cache(maxsize=None)
def _body_prefix() -> re.Pattern:
    """A multi-word body type cut at a line end ("THỦ TƯỚNG" of "THỦ TƯỚNG / CHÍNH PHỦ")."""
    prefixes = set()
    for body in parts()["body_types"]:
        words = body.split()
        for k in range(2, len(words)):
            prefixes.add(fold_regex(r"\s+".join(words[:k])))
    return re.compile(r"^(?:" + "|".join(sorted(prefixes, key=len, reverse=True)) + r")\s*$")


@lru_cache(maxsize=None)
def _bare_body_line() -> re.Pattern:
    """Body types and units without marks, for OCR that misread them ("TĨNH", "UY BAN")."""
    words = [re.escape(bare(w).lower()) for w in parts()["body_types"] + parts()["admin_units"]
             if len(w) >= 4]      # "SỐ", "SỔ" must not pass for "SỞ"
    return re.compile(r"^(?:" + "|".join(sorted(words, key=len, reverse=True)) + r")(?!\w)")


def is_body_line(line: Line, cut_type: bool = False) -> bool:
    """An issuing-body line of the header's left column ("ỦY BAN NHÂN DÂN", "SỞ NÔNG NGHIỆP ...",
    "HUYỆN VĨNH CỬU"); with `cut_type`, also the first line of a body type broken over two
    ("THỦ TƯỚNG" / "CHÍNH PHỦ"), which alone is a signing title."""
    folded = line.folded.lstrip(" \"'“”`.,")        # OCR specks before the line
    return bool(line.clean) and is_caps(line.clean) and len(line.clean) <= 80 and bool(
        _body_line().match(folded) or (cut_type and _body_prefix().match(folded))
        or (cut_type and _bare_body_line().match(bare(folded)))) \
        and not cue("motto").search(line.folded) and not is_motto_fragment(line)


def line_kinds(line: Line) -> set[str]:
    kinds = set()
    if not line.clean:
        return kinds
    if cue("motto").search(line.folded):
        kinds.add("motto")
        rest = cue("motto").sub(" ", line.folded)
        if _body_line().search(rest.strip()) and is_caps(line.clean):
            kinds.add("body")
    if number_text(line):
        kinds.add("number")
    if date_line_place(line):
        kinds.add("date")
    if title_type(line):
        kinds.add("title")
    if is_body_line(line):
        kinds.add("body")
    return kinds


def is_closure(line: Line) -> bool:
    """A line that closes a document: the distribution list or the signature authority."""
    return bool(cue("distribution_label").search(line.folded)
                or cue("authority_prefix").search(line.folded))


# ---------------------------------------------------------------- splitting

_WINDOW = 8   # non-empty lines within which header cues form one block


def _blocks(lines: list[Line]) -> list[tuple[int, int, set[str]]]:
    """(first index, last index, kinds) of each cluster of header cue lines."""
    blocks: list[list] = []
    last_cue = None          # count of non-empty lines at the last cue line
    count = 0
    for i, line in enumerate(lines):
        if not line.clean:
            continue
        count += 1
        if is_closure(line):
            last_cue = None      # a signature or "Nơi nhận" ends any header block around it
            continue
        kinds = line_kinds(line)
        if not kinds:
            continue
        if blocks and last_cue is not None and count - last_cue <= _WINDOW:
            blocks[-1][1] = i
            blocks[-1][2] |= kinds
        else:
            blocks.append([i, i, set(kinds)])
        last_cue = count
    return [tuple(b) for b in blocks]


def split_documents(text: str) -> list[DocumentSpan]:
    """The documents in one file's text, in order; at least one span covering the text."""
    lines = layout_lines(text)
    starts = [0]
    closed = False
    last_start_line = 0
    blocks = _blocks(lines)
    block_at = {b[0]: b for b in blocks}
    for i, line in enumerate(lines):
        if i in block_at and i > last_start_line:
            first, last, kinds = block_at[i]
            strong = len(kinds - {"body"}) >= 2 or ("title" in kinds and len(kinds) >= 2)
            if closed and (strong or kinds == {"title"}) and _after_body(lines, last_start_line, i):
                at = lines[first].block_start if lines[first].block_start is not None \
                    else lines[first].start
                if _repeats(text, starts[-1], at):
                    continue        # the same document printed twice (a web page's copy)
                starts.append(at)
                last_start_line = i
                closed = False
                continue
        if line.clean and is_closure(line) and i > last_start_line:
            closed = True
    spans = []
    for k, s in enumerate(starts):
        e = starts[k + 1] if k + 1 < len(starts) else len(text)
        spans.append(DocumentSpan(s, e))
    return spans


def _squeezed(text: str, n: int) -> str:
    return " ".join(text.split())[:n]


def _repeats(text: str, previous: int, start: int, n: int = 600) -> bool:
    """The text at `start` repeats, word for word, the document that starts at `previous`."""
    before = _squeezed(text[previous:start], n)
    after = _squeezed(text[start:start + 2 * n], n)
    k = min(len(before), len(after))
    return k >= 200 and before[:k] == after[:k]


def _after_body(lines: list[Line], start: int, i: int) -> bool:
    """The previous document has some body text (not just a header) before line i."""
    words = sum(len(l.clean.split()) for l in lines[start:i])
    return words >= 30
