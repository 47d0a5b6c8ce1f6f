"""Text normalisation applied to every ingested document, whatever its format.

`normalize_text(text)` gives one canonical form: Unicode NFC, the modern tone-mark placement used
in our gold data ("hòa", "thủy", "ủy"), no markdown emphasis left by converters, no OCR debris
lines, words broken at line ends re-joined, paragraphs broken across lines or pages re-joined,
and tidy whitespace. Line structure is kept otherwise: list markers stay at line starts and
tab-indented table cells are left alone. The function is idempotent.
"""
from __future__ import annotations

import re
import unicodedata

from ocop_docs.structure.cell_lines import rebuild_cell_tables
from ocop_docs.textutil import in_capitals

__all__ = ["normalize_text", "modern_tone_placement"]

_TONES = "\u0300\u0301\u0303\u0309\u0323"
_CONSONANTS = "bcdfghjklmnpqrstvwxzđ"
_WORD = re.compile(r"[^\W\d_]+")
# old style "hoà", "khoẻ", "thuỷ" (tone on the second vowel of oa/oe/uy, no final consonant)
_OLD_STYLE = re.compile(
    rf"^([{_CONSONANTS}]*)([oO])([aAeE])([{_TONES}])$|^([{_CONSONANTS}]*)([uU])([yY])([{_TONES}])$",
    re.IGNORECASE)

_EMPHASIS = re.compile(r"\*\*|~~")
# a single "*" of Markdown italics touching its text ("*Căn cứ ...*"), not a "* " bullet
_ITALIC = re.compile(r"(?<![\w*])\*(?=[^\s*])|(?<=[^\s*])\*(?![\w*])")
_SPACES = re.compile(r"[ \u00a0\u2000-\u200a\u202f\u205f\u3000]")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
# list markers that must stay at line starts and are never debris
_LIST_MARKER = re.compile(
    r"^(?:[-+•*–]|[a-zđ][.)]|\d+(?:\.\d+)*[.)]?|[IVXLC]+[.)]?|\(\d+\)|\([a-zđ]\))(?:\s|$)")
# scan marks before a bullet ("__ - Trình Chính phủ ..."): underscores or tildes OCR read from a
# stroke in the margin
_SCAN_MARKS = re.compile(r"^[_~`]{1,4}\s+(?=[-+•]\s)")
_END_PUNCT = tuple(".;:!?…)]”\"'»/")
_KEEP_SHORT = {"./.", "...", "…", "-", "+", "*", "•"}


def modern_tone_placement(word: str) -> str:
    """Move the tone mark of oa/oe/uy syllables without final consonant to the first vowel:
    hoà → hòa, khoẻ → khỏe, thuỷ → thủy, uỷ → ủy. "quý", "hoàn", "thuế" are unchanged."""
    decomposed = unicodedata.normalize("NFD", word)
    m = _OLD_STYLE.match(decomposed)
    if not m:
        return word
    if m.group(1) is not None:
        onset, first, second, tone = m.group(1, 2, 3, 4)
    else:
        onset, first, second, tone = m.group(5, 6, 7, 8)
        if onset.lower().endswith("q"):      # "quý": the u belongs to the onset
            return word
    return unicodedata.normalize("NFC", onset + first + tone + second)


# the old spelling of "quý" (a quarter: "Quí IV-2025") with i for y
_OLD_QUY = re.compile(r"\b([Qq])([uU])([íÍ])(?!\w)")


def _fix_tones(line: str) -> str:
    line = _OLD_QUY.sub(lambda m: m.group(1) + m.group(2) + ("Ý" if m.group(3) == "Í" else "ý"), line)
    return _WORD.sub(lambda m: modern_tone_placement(m.group()), line)


# page numbers and running page labels left between paragraphs: "- 2 -", "Trang 3/5", "2/7"
_PAGE_MARK = re.compile(r"^(?:[-–—]\s*\d{1,3}\s*[-–—]|(?:trang|page)\s+\d{1,3}(?:\s*/\s*\d{1,3})?"
                        r"|\d{1,3}\s*/\s*\d{1,3}"
                        r"|[-=*_<!\[\s]*(?:page\s*break|pagebreak|ngắt\s*trang)[-=*_>\]\s]*)$",
                        re.IGNORECASE)


def _is_debris(stripped: str) -> bool:
    """A page mark ("- 2 -", "Trang 3/5"), or a short line (1-4 characters) with no Vietnamese
    word and no list marker: OCR noise such as "1/2", "J", "GH", "TF", "3NF"."""
    from ocop_docs.ingest.language import is_syllable, strip_tone

    if _PAGE_MARK.match(stripped):
        return True
    if not stripped or len(stripped) > 4 or stripped in _KEEP_SHORT:
        return False
    if _LIST_MARKER.match(stripped) and not stripped.isdigit():
        return False
    words = _WORD.findall(stripped)
    return not any(len(w) >= 2 and is_syllable(w)
                   and any(c in "aăâeêioôơuưy" for c in strip_tone(w.lower())[0]) for w in words)


def _starts_lower(line: str) -> bool:
    """A line that continues a sentence: it starts with a lower-case word, or with a year
    ("2021 - 2030;", "2025 và các năm tiếp theo"), never with a list marker."""
    if not line or line[0] in "\t|":
        return False
    day = re.match(r"\d{1,2} +(\w)", line)
    if re.match(r"(?:19|20)\d\d(?![\d./)])", line) or (day and day.group(1).islower()):
        return True     # "2021 - 2030;", "6 hằng năm để ..." (a date broken at the line end)
    if _LIST_MARKER.match(line):
        return False
    return line[0].isalpha() and line[0].islower()


def _protected(line: str) -> bool:
    """Table cells (tab-indented seed tables, `| a | b |` rows) are never joined or dropped."""
    return line.startswith("\t") or line.startswith("|")


def _pipe_count(line: str) -> int:
    return line.count("|") if line.startswith("|") and line.endswith("|") else 0


def _join_table_pages(lines: list[str]) -> list[str]:
    """A `| a | b |` table broken by a page break (blank lines between its rows, as pages are
    joined) is one table again: blank lines between two rows of the same width are dropped."""
    out: list[str] = []
    for line in lines:
        if line and out and not out[-1] and _pipe_count(line) >= 3:
            j = len(out) - 1
            while j >= 0 and not out[j]:
                j -= 1
            if j >= 0 and _pipe_count(out[j]) == _pipe_count(line):
                del out[j + 1:]
        out.append(line)
    return out


_BARE_MARKER = re.compile(r"^(?:[a-zđ]\)|\d{1,2}(?:\.\d{1,2})*\.?|[IVXL]{1,5}\.|[-+•])$")


_HEADING_WORD = re.compile(r"^(?:Điều|ĐIỀU|Chương|CHƯƠNG|Mục|MỤC|Phần|PHẦN)$")
_HEADING_NUMBER = re.compile(r"^(?:\d{1,3}|[IVXL]{1,5})(?:[.:]|\s|$)")


def _join_split_headings(lines: list[str], indents: list[int]) -> tuple[list[str], list[int]]:
    """An article's word wrapped away from its number ("Điều" / "10. Cập nhật thông tin ...",
    a crawled page's fixed line width): one heading line again, not a paragraph "Điều" and an
    item "10."."""
    out: list[str] = []
    out_indents: list[int] = []
    k = 0
    while k < len(lines):
        line = lines[k]
        if _HEADING_WORD.match(line.strip()) and k + 1 < len(lines) \
                and _HEADING_NUMBER.match(lines[k + 1].strip()):
            out.append(f"{line.strip()} {lines[k + 1].strip()}")
            out_indents.append(indents[k])
            k += 2
            continue
        out.append(line)
        out_indents.append(indents[k])
        k += 1
    return out, out_indents


def _join_bare_markers(lines: list[str], indents: list[int]) -> tuple[list[str], list[int]]:
    """A list marker left alone on its line by a converter ("a)" / "Xác định ...", "1." /
    "Mục đích: ...") is put back at the start of the text that follows it."""
    out: list[str] = []
    out_indents: list[int] = []
    pending: tuple[str, int] | None = None
    for line, indent in zip(lines, indents):
        stripped = line.strip()
        if pending is not None:
            if not stripped:
                continue
            if _BARE_MARKER.match(stripped) or _protected(line) or \
                    (" " not in stripped and len(stripped) < 6):
                out.append(pending[0])     # a column of markers: each stays on its line
                out_indents.append(pending[1])
                pending = None
            else:
                out.append(pending[0] + " " + stripped)
                out_indents.append(pending[1])
                pending = None
                continue
        if _BARE_MARKER.match(stripped) and not _protected(line):
            pending = (stripped, indent)
            continue
        out.append(line)
        out_indents.append(indent)
    if pending is not None:
        out.append(pending[0])
        out_indents.append(pending[1])
    return out, out_indents


_STRICT_MARKER = re.compile(
    r"^(?:[-+•*–]\s|[a-zđ][.)]\s|\d{1,2}(?:\.\d{1,2})*[.)]\s|[IVXL]{1,5}[.)]\s|\(\d{1,2}\)|\|"
    r"|Điều\s+\d)")


# header and closing lines of a letter keep their own lines (a PDF text layer's header:
# "ỦY BAN NHÂN DÂN ... VIỆT NAM" / "TỈNH QUẢNG NGÃI" / "Số: 507 /UBND-KGVX" / "V/v ...")
_OWN_HEADER = re.compile(r"(?i)(?:số\s*(?:ký\s*hiệu)?\s*:|v/v\b|kính\s*gửi|nơi\s*nhận|độc\s*lập\s*[-–]"
                         r"|[^,]{0,40},\s*ngày\s+\S*\s*tháng\s+\S+\s+năm\s+\d{4}\s*$)")


def _own_header_line(line: str) -> bool:
    return bool(_OWN_HEADER.match(line)) or in_capitals(line, min_letters=6, share=0.9)


def _join_soft_wraps(lines: list[str], indents: list[int]) -> tuple[list[str], list[int]]:
    """Text converted from HTML or Markdown keeps the source's line breaks inside paragraphs
    and separates paragraphs by blank lines. In such a document (many blank lines, most lines
    continuing without punctuation) the lines of a paragraph are joined; a line that starts
    with a list marker or a table bar starts a new one."""
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    if len(nonblank) < 20:
        return lines, indents
    blank = len(lines) - len(nonblank)
    soft = sum(1 for a, b in zip(lines, lines[1:]) if a.strip() and b.strip()
               and not a.rstrip().endswith(_END_PUNCT) and not _STRICT_MARKER.match(b.strip()))
    indented = sum(1 for i in nonblank if indents[i] >= 2)
    text_lines = sum(1 for i in nonblank if not _protected(lines[i]))
    # (without blank lines between paragraphs, most lines must run on: one paragraph a line
    # ends most lines with punctuation)
    if (blank < 0.15 * len(nonblank) and soft < 0.6 * text_lines) \
            or soft < 0.45 * len(nonblank) or indented > 0.2 * len(nonblank):
        return lines, indents   # (layout text indents its lines; converted text does not)
    out: list[str] = []
    out_indents: list[int] = []
    for line, indent in zip(lines, indents):
        stripped = line.strip()
        if out and out[-1].strip() and stripped and not _protected(line) \
                and not _protected(out[-1]) and not _STRICT_MARKER.match(stripped) \
                and not _own_header_line(out[-1].strip()) and not _own_header_line(stripped):
            out[-1] = out[-1].rstrip() + " " + stripped
            continue
        out.append(line)
        out_indents.append(indent)
    return out, out_indents


def _wrap_width(lines: list[str]) -> int | None:
    """The line width of hard-wrapped text (most text lines end near one width, 60-100
    characters), or None for text with a paragraph a line."""
    lengths = sorted(len(line) for line in lines if len(line) >= 20 and not _protected(line))
    if len(lengths) < 10:
        return None
    width = lengths[int(len(lengths) * 0.9)]
    near = sum(1 for n in lengths if n >= 0.75 * width)
    # lines that run on (no end punctuation): in hard-wrapped text most of them fill the width,
    # whatever the share of short header and closing lines in a short letter
    open_lengths = [len(line) for line in lines if len(line) >= 20 and not _protected(line)
                    and not line.endswith(_END_PUNCT)]
    open_near = sum(1 for n in open_lengths if n >= 0.75 * width)
    wrapped = near >= 0.4 * len(lengths) or (len(open_lengths) >= 10
                                             and open_near >= 0.5 * len(open_lengths))
    return width if 50 <= width <= 110 and wrapped else None


_LABEL_LINE = re.compile(r"(?i)(?:kính gửi|nơi nhận|v/v|số\s*:|căn cứ|điều\s+\d)")
_HEADER_LINE = re.compile(r"(?i)(?:kính gửi|v/v|số\s*:)")


def _wrapped(prev: str, line: str, width: int) -> bool:
    if _protected(prev) or prev.endswith(_END_PUNCT) or len(prev) < 0.75 * width:
        return False
    if _HEADER_LINE.match(prev) or _LABEL_LINE.match(line):
        return False    # "Kính gửi: ..." and "V/v ..." are header lines of their own
    if _LIST_MARKER.match(line) or re.match(r"(?i)điều\s+\d", line):
        return False
    return not in_capitals(prev + line, min_letters=0, share=0.6)  # titles keep their lines


def _clause_wrapped(prev: str, line: str, width: int) -> bool:
    """Layout text that indents the first line of each paragraph: a full line that ends a
    clause (";", ",") followed by a line further left goes on in that line ("- Báo cáo 6
    tháng: ... trước ngày 05/7;" + "Sở Tài chính tổng hợp ...")."""
    return prev.endswith((";", ",")) and len(prev) >= 0.75 * width and not _protected(prev) \
        and not _LIST_MARKER.match(line) and not re.match(r"(?i)điều\s+\d", line)


def normalize_text(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    text = _ZERO_WIDTH.sub("", text)
    text = _EMPHASIS.sub("", text)
    text = _ITALIC.sub("", text)
    lines: list[str] = []
    indents: list[int] = []          # leading spaces of each raw line (layout text indents
    for raw in text.split("\n"):     # the first line of a paragraph)
        line = _SPACES.sub(" ", raw)
        indents.append(len(line) - len(line.lstrip(" ")))
        if line.startswith("\t"):
            body = line.lstrip("\t")
            line = line[: len(line) - len(body)] + body.strip(" ")
        else:
            line = line.strip(" \t")
        line = re.sub(r"(?<=\S) {2,}(?=\S)", " ", line) if not _protected(line) else line
        line = _SCAN_MARKS.sub("", line)
        lines.append(_fix_tones(line))

    rebuilt = rebuild_cell_tables(lines)
    if rebuilt != lines:
        # a table exported one cell per line is back in rows (structure/cell_lines.py)
        indents = [0] * len(rebuilt)
        lines = rebuilt
    kept = [i for i, line in enumerate(lines) if _protected(line) or not _is_debris(line.strip())]
    lines, indents = [lines[i] for i in kept], [indents[i] for i in kept]

    lines, indents = _join_split_headings(lines, indents)
    lines, indents = _join_bare_markers(lines, indents)
    lines, indents = _join_soft_wraps(lines, indents)
    width = _wrap_width(lines)
    out: list[str] = []
    last_indent = 0
    for line, indent in zip(lines, indents):
        if out and line and not _protected(line) and width and out[-1] \
                and indent < last_indent + 4 and (_wrapped(out[-1], line, width) or (
                    indent + 4 <= last_indent and _clause_wrapped(out[-1], line, width))):
            # hard-wrapped text (PDF text layers, e-mail): a line that filled the width and did
            # not end its sentence goes on in the next line ("... năm 2023 của" + "Thủ tướng ...");
            # a line indented deeper than the one before starts a paragraph
            out[-1] = out[-1] + " " + line
            last_indent = indent
            continue
        if line:
            last_indent = indent
        if out and line and not _protected(line):
            # find the previous non-blank line
            j = len(out) - 1
            while j >= 0 and not out[j]:
                j -= 1
            prev = out[j] if j >= 0 else ""
            if prev and not _protected(prev):
                if re.search(r"[^\W\d_]-$", prev) and line[0].isalpha() and line[0].islower() \
                        and j == len(out) - 1:
                    # a word broken at the line end by OCR: "nghi-" + "ệp"
                    out[j] = prev[:-1] + line
                    continue
                if _starts_lower(line) and (not prev.endswith(_END_PUNCT)
                                            or (prev.endswith((";", ",")) and j == len(out) - 1
                                                and line[:1].isalpha())):
                    # a paragraph broken across lines or pages
                    del out[j + 1:]
                    out[j] = prev + " " + line
                    continue
        out.append(line)

    out = _join_table_pages(out)
    text = "\n".join(out)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n") + "\n" if text.strip() else ""
