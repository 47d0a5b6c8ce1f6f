"""Paragraphs rebuilt from tesseract's layout.

Tesseract returns one line per visual line. A paragraph that wraps onto a line starting with an
upper-case word ("UBND các xã ...") would be read downstream as a new paragraph, so lines are
joined back with tesseract's own layout (block / paragraph / line numbers and word boxes):

* a new tesseract block or paragraph starts a new paragraph (a blank line before it);
* inside a paragraph a line is joined to the previous one, unless it starts with a list marker
  ("- ", "+ ", "a) ", "1. ", "1.1. ", "I. ", "(1) ", "Điều 3."), or the previous line is not full
  (the line's first word would have fitted at its end: the previous line ended a paragraph), or
  the previous line ends a sentence and this line is indented like a first line;
* header and signature lines (national motto, "Số:", the date line, "V/v", "Kính gửi:",
  "Nơi nhận:", "KT. CHỦ TỊCH"...), all-capital lines and centred lines stay lines of their own;
* words on one text line separated by a wide gap (the number and the date of the header, side by
  side) are separate lines.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from functools import lru_cache

COLUMN_GAP = 3.0        # a gap between words wider than this many line heights splits the line
_MARKER = (r"(?:[-+•–*]\s|[a-zđ]\)\s|\d{1,2}(?:\.\d{1,2})*[.)]\s|[IVXLC]{1,6}[.)]\s"
           r"|\(\d{1,2}\)\s|\([a-zđ]\)\s)")
_SENTENCE_END = tuple(".:;!?")


@lru_cache(maxsize=1)
def _cues() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    from ocop_docs.resources import load_yaml

    data = load_yaml("ocr_layout.yaml")
    own = re.compile("^(?:" + "|".join(f"(?:{p})" for p in data["own_line"]) + ")", re.IGNORECASE)
    marker = re.compile(f"^(?:{_MARKER}|{data['section_marker']})", re.IGNORECASE)
    opener = re.compile(f"^{data['paragraph_opener']}", re.IGNORECASE)
    return own, marker, opener


@dataclass
class Word:
    left: int
    top: int
    right: int
    bottom: int
    text: str
    conf: float = -1.0           # tesseract's word confidence, 0-100 (-1: not from tesseract)


@dataclass
class OcrLine:
    block: int
    par: int
    words: list[Word] = field(default_factory=list)
    split: bool = False          # a piece of a text line cut at a wide gap

    @property
    def left(self) -> int:
        return self.words[0].left

    @property
    def right(self) -> int:
        return self.words[-1].right

    @property
    def top(self) -> int:
        return min(w.top for w in self.words)

    @property
    def height(self) -> float:
        return statistics.median(w.bottom - w.top for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def build_lines(data: dict) -> tuple[list[OcrLine], list[float]]:
    """tesseract image_to_data output → text lines in tesseract's reading order, and the word
    confidences."""
    lines: list[OcrLine] = []
    confs: list[float] = []
    last = None
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        word = Word(data["left"][i], data["top"][i], data["left"][i] + data["width"][i],
                    data["top"][i] + data["height"][i], text, conf)
        confs.append(conf)
        if key != last or not lines:
            lines.append(OcrLine(key[0], key[1], [word]))
        else:
            line = lines[-1]
            if word.left - line.right > COLUMN_GAP * max(line.height, 10):
                line.split = True
                lines.append(OcrLine(key[0], key[1], [word], split=True))
            else:
                line.words.append(word)
        last = key
    return lines, confs


def _all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


@dataclass
class Paragraph:
    top: int
    lines: list[str]


def paragraphs(lines: list[OcrLine]) -> list[Paragraph]:
    """Group and join OCR lines into paragraphs (see the module docstring)."""
    own_re, marker_re, opener_re = _cues()
    margins: dict[int, tuple[int, int]] = {}
    for line in lines:
        lo, hi = margins.get(line.block, (line.left, line.right))
        margins[line.block] = (min(lo, line.left), max(hi, line.right))

    def own_line(line: OcrLine) -> bool:
        text = line.text
        body = re.sub(f"^{_MARKER}", "", text)
        if line.split or own_re.match(body) or _all_caps(text):
            return True
        lo, hi = margins[line.block]
        h = line.height
        return (line.left - lo > 2 * h and hi - line.right > 2 * h
                and abs((line.left + line.right) / 2 - (lo + hi) / 2) < 1.5 * h)

    def fills(right: float, prev: OcrLine, line: OcrLine, slack: float) -> bool:
        """`prev` reaches `right` so nearly that `line`'s first word would not have fitted
        after it."""
        return right - prev.right < (line.words[0].right - line.words[0].left) + slack

    def continues(prev: OcrLine, line: OcrLine) -> bool:
        """Is `line` the wrapped continuation of `prev`?"""
        if own_line(prev) or own_line(line):
            return False
        lo, hi = margins[line.block]
        h = max(prev.height, line.height)
        text, before = line.text, prev.text
        # the line's first word would not have fitted at the end of the previous line
        tolerance = 0.0 if before.endswith(_SENTENCE_END) else 0.3 * h
        full = fills(hi, prev, line, 0.3 * h + tolerance)
        if marker_re.match(text):
            # "giai đoạn 2019" / "- 2020": a dash between numbers wrapped onto the next line
            return (full and text[0] in "-–" and len(text) > 2 and (text[2].isdigit() or text[2].islower())
                    and not before.endswith(_SENTENCE_END + (",",)))
        if not full:
            return False
        if before.endswith(_SENTENCE_END) and (line.left - lo > 0.8 * h or opener_re.match(text)):
            return False
        return True

    wide = sorted(ln.right for ln in lines if ln.right - ln.left > 0.5 * max(
        (m[1] - m[0] for m in margins.values()), default=0))
    page_right = wide[int(0.9 * (len(wide) - 1))] if len(wide) >= 3 else None

    def runs_on(prev: OcrLine, line: OcrLine) -> bool:
        """tesseract started a new block inside a sentence: the line before fills the page's
        width with no sentence end, and this line follows at a line's spacing, no marker."""
        if page_right is None or own_line(prev) or own_line(line) or marker_re.match(line.text):
            return False
        h = max(prev.height, line.height)
        if prev.text.endswith(_SENTENCE_END) or not 0 < line.top - prev.top < 1.6 * h:
            return False
        return fills(page_right, prev, line, 0.3 * h)

    out: list[Paragraph] = []
    prev = None
    for line in lines:
        new_block = prev is None or (line.block, line.par) != (prev.block, prev.par)
        if new_block and not (prev is not None and runs_on(prev, line)):
            out.append(Paragraph(line.top, [line.text]))
        elif new_block or continues(prev, line):
            last = out[-1].lines[-1]
            if re.search(r"[^\W\d_]-$", last) and line.text[:1].islower():
                out[-1].lines[-1] = last[:-1] + line.text
            else:
                out[-1].lines[-1] = f"{last} {line.text}"
        else:
            out[-1].lines.append(line.text)
        prev = line
    return out


def page_text(parts: list[Paragraph]) -> str:
    return "\n\n".join("\n".join(p.lines) for p in parts if p.lines).strip()


_DISTRIBUTION = re.compile(r"^\W{0,2}n[o0]i\s*nh[a-z]n\b")       # "Nơi nhận", folded


def order_signature_block(lines: list[OcrLine], width: int, junk_conf: float = 45.0) -> list[OcrLine]:
    """The closing block of a letter holds two columns: the distribution list ("Nơi nhận:" and
    its items) on the left, the signature (authority line "TL. CHỦ TỊCH", titles, the signed
    name) on the right. Tesseract interleaves them line by line, so the name ends up after the
    whole list, far from its titles. From the "Nơi nhận" line on, the left column is put first,
    then the right column, as a text layer has them; right-column lines that are ink of the
    signature or the seal read as letters (mean word confidence below `junk_conf`) are dropped.
    """
    from ocop_docs.textutil import fold

    start = next((k for k, ln in enumerate(lines) if _DISTRIBUTION.match(fold(ln.text))), None)
    if start is None:
        return lines
    mid = width * 0.5
    block = lines[start:]
    left, right = [], []
    for ln in block:
        if ln.right <= mid + 0.05 * width or ln.left < mid - 0.25 * width:
            left.append(ln)
        else:
            right.append(ln)
    if not right:
        return lines

    def mean_conf(ln: OcrLine) -> float:
        confs = [w.conf for w in ln.words if w.conf >= 0]
        return sum(confs) / len(confs) if confs else 100.0

    right = [ln for ln in right if mean_conf(ln) >= junk_conf or len(ln.text) > 40]
    for ln in right:
        ln.split = True              # a line of its own: never joined to the list above
    return lines[:start] + left + right


def _continues(prev: str, line: str) -> bool:
    """Whether a page's last paragraph `prev` goes on in the next page's first line `line`: the
    sentence is open (no closing punctuation; its last word a lower-case word, not a name or a
    signature line) and the next page starts with no list marker, section heading, table row
    or capitals line ("Sở Nông nghiệp và" + "Phát triển nông thôn ..., Sở Giao thông ...")."""
    from ocop_docs.textutil import in_capitals

    own, marker, _ = _cues()
    prev, line = prev.strip(), line.strip()
    if not prev or not line or prev.startswith("|") or line.startswith("|"):
        return False
    last = prev.split()[-1]
    if prev.endswith(tuple(".:;!?)]”\"'»…/")) or not last[:1].isalpha() or not last[:1].islower():
        return False
    if own.match(prev) or own.match(line) or marker.match(line) or in_capitals(prev) or in_capitals(line):
        return False
    return line[:1].isalpha()


def join_pages(texts: list[str]) -> str:
    """The pages' texts as one text: pages apart by a blank line, except where a sentence runs
    over the page break, which is joined with a space (the page's last paragraph and the next
    page's first would otherwise be read as two paragraphs). A page number alone on the next
    page's first line does not stop the join and is dropped."""
    out = ""
    for text in texts:
        text = text.strip("\n")
        if not out:
            out = text
            continue
        if not text:
            continue
        head, _, rest = text.partition("\n")
        if re.fullmatch(r"\s*[-–]?\s*\d{1,3}\s*[-–]?\s*", head) and rest.strip():
            head, _, rest = rest.lstrip("\n").partition("\n")
            text = head + ("\n" + rest if rest else "")
        tail = out.rsplit("\n", 1)[-1]
        out = out + (" " if _continues(tail, head) else "\n\n") + text
    if len(texts) > 1:
        from .ocr import fix_list_markers

        # a list marker misread at the top of a page, the item before on the page before
        # ("5," after "4.", "ø)" after "e)")
        out = fix_list_markers(out)
    return out
