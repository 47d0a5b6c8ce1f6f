"""OCR of page images with tesseract (lang "vie") and the preprocessing scans of official letters
need: coloured ink (red seal, blue signature) suppressed, grayscale, upscaling of low-resolution
images, deskew, Otsu binarisation; blank pages (a scanned reverse side) skipped.

Per page, after tesseract:
* a page read badly (low confidence, few words) is checked for orientation (tesseract's OSD,
  Debian `tesseract-ocr-osd`) and read again turned upright when it is rotated 90/180/270°;
* the digital-signature box of a rasterised signed PDF ("TRUNG TÂM CÔNG BÁO ...", "Ký bởi: ...")
  is taken out of the text and kept as a `Signature` (ingest.signature);
* the number line and the date line are read a second way with the ink kept and checked
  (ingest.fields), so a handwritten or red "575" and "04" reach the header parser.

Pages are OCRed in parallel, one process per core, each tesseract single-threaded
(OMP_THREAD_LIMIT=1): on 2 cores that is ~4x faster than tesseract's own threading. tesseract
runs in process where tesserocr is installed (ingest.tesseract), else as a program.
"""
from __future__ import annotations

import atexit
import multiprocessing
import os
import re
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from ocop_docs.messages import msg

from . import tesseract
from .tables import opened
from .types import IngestError, Page

OCR_DPI = 300
MIN_SIDE = 100          # pixels: smaller images cannot hold readable text
INK_DIFFERENCE = 60     # a channel this much above both others is coloured ink, not black text


@dataclass(frozen=True)
class PageJob:
    """One page to OCR: a page of a PDF, or a frame of an image file."""
    kind: str        # "pdf" or "image"
    path: str
    index: int       # 0-based page / frame
    number: int      # 1-based page number in the document


# ----------------------------------------------------------------------------- preprocessing

def colour_ink_mask(rgb: np.ndarray, difference: int = INK_DIFFERENCE) -> np.ndarray:
    """255 where a pixel is red or blue ink (its red or blue exceeds both other channels by
    more than `difference`), else 0. OpenCV's saturating arithmetic on the uint8 channels: a
    few times faster on a page than the same test in numpy's int16."""
    r, g, b = cv2.split(np.ascontiguousarray(rgb))
    red = cv2.compare(cv2.subtract(r, cv2.max(g, b)), difference, cv2.CMP_GT)
    blue = cv2.compare(cv2.subtract(b, cv2.max(r, g)), difference, cv2.CMP_GT)
    return cv2.bitwise_or(red, blue)


def suppress_colour_ink(rgb: np.ndarray, gray: np.ndarray) -> np.ndarray:
    """The grey page (`gray`, from `rgb`) with red and blue ink (seals, signatures) turned
    white; black text, even under a seal, stays. (The same grey as whitening the ink in
    colour first: white is 255 in grey too.)"""
    return cv2.max(gray, colour_ink_mask(rgb))


def estimate_skew(gray: np.ndarray, max_angle: float = 5.0) -> float:
    """Skew angle in degrees (counter-clockwise positive) maximising the variance of the
    horizontal projection profile of the dark pixels, searched coarse to fine."""
    scale = 1000.0 / max(gray.shape)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    if cv2.countNonZero(ink) < 50:
        return 0.0
    h, w = ink.shape
    centre = (w / 2, h / 2)

    def profile_score(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rotated = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
        rows = rotated.sum(axis=1, dtype=np.float64)
        return float(np.var(rows))

    best = max(np.arange(-max_angle, max_angle + 1e-6, 0.5), key=profile_score)
    best = max(np.arange(best - 0.5, best + 0.5 + 1e-6, 0.1), key=profile_score)
    return float(round(best, 2))


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    if abs(angle) < 0.05:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)


TARGET_SIDE = 3300      # pixels: the long side of an A4 page at ~280-300 dpi
LOW_RES_SIDE = 2400     # a page image whose long side is shorter is upscaled towards TARGET_SIDE


@dataclass
class Prepared:
    """A page ready for tesseract, and how it was obtained from the page image (so a region
    found on it can be cut from the original colours: `aligned`)."""
    binary: np.ndarray
    scale: float = 1.0
    angle: float = 0.0
    blank: bool = False
    rotation: int = 0           # quarter turns applied before (degrees, counter-clockwise)
    warp: tuple | None = None   # a photo's page: (3x3 perspective matrix as nested tuples, (w, h))
    faint_rules: np.ndarray | None = None   # long faint strokes Otsu lost (table rules), as a mask

    def aligned(self, image: Image.Image | np.ndarray, rows: int | None = None) -> np.ndarray:
        """The page image in colour, ink kept, with the same rotation, scale and deskew; with
        `rows`, only its top `rows` rows (the header), the same pixels as the whole page's."""
        rgb = rgb_array(image)
        rgb = _quarter_turn(rgb, self.rotation)
        if self.warp is not None:
            m, size = self.warp
            rgb = cv2.warpPerspective(rgb, np.array(m, np.float64), size, flags=cv2.INTER_LINEAR,
                                      borderValue=(255, 255, 255))
        if self.scale != 1.0:
            rgb = cv2.resize(rgb, None, fx=self.scale, fy=self.scale, interpolation=cv2.INTER_CUBIC)
        h, w = rgb.shape[:2]
        rows = min(rows or h, h)
        if abs(self.angle) >= 0.05:
            m = cv2.getRotationMatrix2D((w / 2, h / 2), self.angle, 1.0)
            return cv2.warpAffine(rgb, m, (w, rows), flags=cv2.INTER_LINEAR,
                                  borderValue=(255, 255, 255))
        return rgb[:rows]


def rgb_array(image: Image.Image | np.ndarray) -> np.ndarray:
    """The image's pixels as an RGB array (a colour array is taken as RGB already, a grey one
    is made RGB; an RGB image is not copied before the array's own copy)."""
    if isinstance(image, np.ndarray):
        return cv2.cvtColor(image, cv2.COLOR_GRAY2RGB) if image.ndim == 2 else image
    return np.asarray(image if image.mode == "RGB" else image.convert("RGB"))


def _quarter_turn(img: np.ndarray, degrees: int) -> np.ndarray:
    """Turn an image counter-clockwise by 0/90/180/270 degrees."""
    k = (degrees // 90) % 4
    return np.ascontiguousarray(np.rot90(img, k)) if k else img


def looks_blank(gray: np.ndarray) -> bool:
    """A page with no ink: nothing darker than light grey except specks (a scanned blank
    reverse side, bleed-through from the other side)."""
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA) \
        if max(gray.shape) > 1200 else gray
    paper = float(np.median(small))
    dark = small < min(paper - 60, 200)
    if np.count_nonzero(dark) < small.size * 0.0005:
        return True
    # specks only: no connected dark component the size of a character
    n, _, stats, _ = cv2.connectedComponentsWithStats(dark.astype(np.uint8), connectivity=8)
    big = [k for k in range(1, n) if stats[k, cv2.CC_STAT_AREA] >= 12
           and max(stats[k, cv2.CC_STAT_WIDTH], stats[k, cv2.CC_STAT_HEIGHT]) >= 4]
    return len(big) < 5


def page_quad(rgb: np.ndarray) -> np.ndarray | None:
    """The four corners of a sheet of paper photographed on a darker background (a phone
    photo), or None for a scan (the page fills the image, or no clear quadrilateral)."""
    f = 600 / max(rgb.shape[:2])
    small = cv2.resize(rgb, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    gray = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY), (5, 5), 0)
    _, paper = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    paper = cv2.morphologyEx(paper, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    contours, _ = cv2.findContours(paper, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    c = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(c) / (small.shape[0] * small.shape[1])
    if not 0.25 <= area <= 0.92:         # no background around it: a scan, or no page found
        return None
    quad = cv2.approxPolyDP(cv2.convexHull(c), 0.02 * cv2.arcLength(c, True), True)
    if len(quad) != 4 or not cv2.isContourConvex(quad):
        return None
    pts = quad.reshape(4, 2).astype(np.float32) / f
    # order: top-left, top-right, bottom-right, bottom-left
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    return np.array([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]],
                    np.float32)


def _flatten_photo(rgb: np.ndarray) -> tuple[np.ndarray, tuple | None]:
    """A photographed page warped to a flat rectangle (perspective removed); scans unchanged."""
    quad = page_quad(rgb)
    if quad is None:
        return rgb, None
    tl, tr, br, bl = quad
    w = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    h = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    if w < MIN_SIDE or h < MIN_SIDE:
        return rgb, None
    target = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    m = cv2.getPerspectiveTransform(quad, target)
    out = cv2.warpPerspective(rgb, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))
    return out, (tuple(map(tuple, m.tolist())), (w, h))


def prepare(image: Image.Image | np.ndarray, suppress_ink: bool = True, deskew: bool = True,
            rotation: int = 0) -> Prepared:
    """A page image → a deskewed black-on-white binary image ready for tesseract, with the
    transformation applied (a photo's perspective, upscaling, deskew angle, quarter turns)."""
    rgb = _quarter_turn(rgb_array(image), rotation)
    rgb, warp = _flatten_photo(rgb)
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    if suppress_ink:
        gray = suppress_colour_ink(rgb, gray)
    if looks_blank(gray):
        return Prepared(np.full((8, 8), 255, np.uint8), blank=True, rotation=rotation)
    scale = 1.0
    if max(gray.shape) < LOW_RES_SIDE:    # low-resolution image: upscale to help tesseract
        scale = round(min(3.0, TARGET_SIDE / max(gray.shape)), 2)
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    angle = estimate_skew(gray) if deskew else 0.0
    gray = rotate(gray, angle)
    gray = cv2.medianBlur(gray, 3)
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return Prepared(binary, scale, angle, is_blank(binary), rotation, warp, faint_strokes(gray, binary))


def faint_strokes(gray: np.ndarray, binary: np.ndarray) -> np.ndarray | None:
    """Long horizontal and vertical strokes darker than their surroundings that the global
    threshold turned white: the light grey rules of a table printed faintly or scanned light.
    None when there are none."""
    local = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 12)
    lost = cv2.bitwise_and(local, cv2.compare(binary, 128, cv2.CMP_GT))
    if cv2.countNonZero(lost) < 200:
        return None
    h, w = gray.shape
    hl = opened(lost, (max(w // 30, 20), 1))
    vl = opened(lost, (1, max(h // 30, 20)))
    strokes = cv2.bitwise_or(hl, vl)
    return strokes if cv2.countNonZero(strokes) >= max(w, h) // 4 else None


def preprocess(image: Image.Image | np.ndarray, suppress_ink: bool = True,
               deskew: bool = True) -> np.ndarray:
    """A page image → a deskewed black-on-white binary image ready for tesseract."""
    return prepare(image, suppress_ink, deskew).binary


def is_blank(binary: np.ndarray) -> bool:
    dark = binary.size - cv2.countNonZero(binary)
    return dark < binary.size * 0.0005


# ----------------------------------------------------------------------------- tesseract

def check_tesseract() -> None:
    """Raise RuntimeError with a clear message when tesseract or its Vietnamese data is missing."""
    problem = tesseract.missing()
    if problem:
        raise RuntimeError(problem)


# a document number or code: "490/QĐ-TTg", "01/QĐ-BCĐTW", "5077/KH-SNN"
_CODE = re.compile(r"\b\d+\s?/\s?[A-ZĐÐ][\wĐÐ.-]*")


# a number of a document code with a section sign among its digits ("8§/CP", "1§5/QĐ-UBND"):
# tesseract's reading of an "8" (the sign's two loops); Vietnamese texts number with "Điều"
_SECTION_IN_NUMBER = re.compile(r"(?<![\w§])(?=[\d§]*\d)[\d§]*§[\d§]*(?=\s?/\s?[A-ZĐÐ])")


def fix_confusions(text: str) -> str:
    """OCR confusions that no Vietnamese text has. A quarter "Quý 11/2019" is "Quý II/2019".
    The Icelandic eth "Ð" is tesseract's reading of "Đ", or, inside a document code, of the
    hyphen after a "Đ" ("490/QĐÐTTg" for "490/QĐ-TTg", "01/QĐÐ-BCĐTW" for "01/QĐ-BCĐTW"). A
    section sign among a code number's digits is an 8 ("8§/CP" for "88/CP")."""
    def code(m: re.Match) -> str:
        token = re.sub(r"(?<=Đ)Ð(?=-)", "", m.group())
        token = re.sub(r"(?<=Đ)Ð", "-", token)
        return token.replace(" ", "")

    text = _SECTION_IN_NUMBER.sub(lambda m: m.group().replace("§", "8"), text)
    text = _CODE.sub(code, text)
    text = _quarter_re().sub(lambda m: m.group(1) + re.sub(r"[1l|]", "I", m.group(2)), text)
    text = re.sub(r"/?\u2044", "/", text)        # tesseract's fraction slash in dates and codes
    text = text.replace("Ð", "Đ").replace("ð", "đ")
    return fix_list_markers(fix_letter_case(text))


# letters whose small and capital forms have the same shape (c/C, o/O, ơ/Ơ, s/S, v/V, ...):
# tesseract sometimes reads a word of them in capitals in the middle of a sentence
_SAME_SHAPE = set("cosuvwxz")
_WORD_RUN = re.compile(r"(?<=\s)(\w+)(?=[\s,;.:)])")


def _same_shape_capitals(word: str) -> bool:
    import unicodedata

    base = [unicodedata.normalize("NFD", c)[0] for c in word]
    # an "I" is tolerated ("VỚI"): tesseract writes the word in one case, as its other letters
    return len(word) >= 2 and word.isalpha() and word.isupper() \
        and all(b.lower() in _SAME_SHAPE or b == "I" for b in base) and base[0] != "I"


def fix_letter_case(text: str) -> str:
    """A word of same-shape letters read in capitals inside a sentence is small ("phối hợp,
    VỚI Các CƠ quan chức năng" → "phối hợp, với Các cơ quan chức năng"): the word before is a
    small-letter word (or a capitalised same-shape word after one, "Các"), the word after a
    small-letter word or another such capitals word. Acronyms among capitals stay."""
    def small(word: str) -> bool:
        word = word.rstrip(",;")
        return word[:1].isalpha() and word.islower()

    def open_title(words: list[str], k: int) -> bool:     # "Các" inside a sentence
        w = words[k].rstrip(",;")
        return k > 0 and len(w) > 1 and w[0].isupper() and w[1:].islower() \
            and w[0].lower() in "cćsvxz" \
            and (small(words[k - 1]) or _same_shape_capitals(words[k - 1].rstrip(",;")))

    out = []
    for line in text.split("\n"):
        words = line.split(" ")
        for k in range(1, len(words) - 1):
            word, nxt = words[k].rstrip(",;.:"), words[k + 1].rstrip(",;.:")
            if _same_shape_capitals(word) and (small(words[k - 1]) or open_title(words, k - 1)) \
                    and (small(nxt) or _same_shape_capitals(nxt)
                         or (open_title(words, k + 1) and nxt[0] in "CĆ")):    # "VỚI Các"
                words[k] = words[k].lower()
        out.append(" ".join(words))
    return "\n".join(out)


# the letters of lettered items, in order (the Vietnamese alphabet has no f, j, w, z)
_ITEM_LETTERS = "abcdđeghiklmnopqrstuvxy"


def fix_item_letters(text: str) -> str:
    """A lettered item whose letter is no item letter is the next one after the item before
    ("ø)" after "e)" is "g)"); the item before may be on the page before (ingest.layout.join_pages
    runs fix_list_markers on the whole document too)."""
    lines = text.split("\n")
    previous = None
    for k, line in enumerate(lines):
        m = re.match(r"(\S)\)\s", line)
        if not m:
            continue
        letter = m.group(1)
        if letter in _ITEM_LETTERS:
            previous = letter
        elif previous and previous != _ITEM_LETTERS[-1] and not letter.isdigit() and letter.isalpha():
            previous = _ITEM_LETTERS[_ITEM_LETTERS.index(previous) + 1]
            lines[k] = previous + line[1:]
    return "\n".join(lines)


def fix_list_markers(text: str) -> str:
    """List markers misread at paragraph starts: the first item "1." read as "I." (or "l.",
    "|.") where "2." follows and no "II." does, "5," for "5." right after an item "4.", and a
    lettered item whose letter is no item letter ("ø)" after "e)" is "g)")."""
    lines = text.split("\n")
    starts = [re.match(r"(\S{1,3}?)([.,])\s", ln) for ln in lines]
    markers = [m.group(1) if m else None for m in starts]
    if "2" in markers and "II" not in markers:
        for k, m in enumerate(markers):
            if m in ("I", "l", "|") and starts[k].group(2) == "." and "2" in markers[k + 1:]:
                lines[k] = "1" + lines[k][len(m):]
                break
    lines = fix_item_letters("\n".join(lines)).split("\n")
    last = None
    for k, m in enumerate(markers):
        if m and m.isdigit():
            if starts[k].group(2) == "," and last is not None and int(m) == last + 1 \
                    and lines[k][len(m) + 2:len(m) + 3].isupper():
                lines[k] = f"{m}." + lines[k][len(m) + 1:]
            if starts[k].group(2) == "." or lines[k].startswith(f"{m}."):
                last = int(m)
    return "\n".join(lines)


def _quarter_re() -> re.Pattern:
    from ocop_docs.resources import load_yaml

    word = load_yaml("ocr_layout.yaml")["quarter_word"]
    # "Quý 11/2019" → "Quý II/2019"; a lone "1" stays (an Arabic quarter number is valid)
    return re.compile(rf"(?i)\b({word}\s+)([1Il|]{{2,3}}|[1Il|]V)(?=\s*/|\s|[.,;)]|$)")


@dataclass
class PageReading:
    text: str
    confidence: float | None
    words: int = 0
    field_readings: dict = field(default_factory=dict)
    signatures: list = field(default_factory=list)


def ocr_binary(binary: np.ndarray) -> tuple[str, float | None]:
    """OCR a preprocessed page: text with paragraphs rebuilt, ruled tables as `| a | b |` rows in
    their place, and the mean word confidence (see `read_page`)."""
    r = read_page(Prepared(binary), None, 1)
    return r.text, r.confidence


_HEADER_TOP = re.compile(r"cong\s*hoa\s*xa|doc\s*lap\s*-?\s*tu\s*do|uy\s*ban\s*nhan|dang\s*cong\s*san|"
                         r"ubnd\s|bo\s+[a-z]|so\s*:")


def take_signature_boxes(lines: list, page: int, height: int) -> tuple[list, list]:
    """Remove a rasterised digital-signature box from the OCR lines of a page: the lines above
    the document's header (issuer, national motto) when one of them carries a box cue, or, on a
    page without that header, the tesseract blocks in the top 15% of the page that carry one."""
    from ocop_docs.textutil import fold

    from .signature import is_signature_box, parse_box

    top = [ln for ln in lines if ln.top < height * 0.25]
    header_at = next((k for k, ln in enumerate(top) if _HEADER_TOP.search(fold(ln.text))), None)
    drop: list = []
    if header_at:
        above = top[:header_at]
        if any(is_signature_box(ln.text) for ln in above):
            drop = above
    if not drop:
        blocks: dict[int, list] = {}
        for ln in lines:
            if ln.top < height * 0.15:
                blocks.setdefault(ln.block, []).append(ln)
        for block in blocks.values():
            if is_signature_box("\n".join(ln.text for ln in block)):
                drop.extend(block)
    if not drop:
        return lines, []
    ids = {id(ln) for ln in drop}
    box = parse_box("\n".join(ln.text for ln in drop), page, "ocr")
    return [ln for ln in lines if id(ln) not in ids], [box]


def read_page(prep: Prepared, image: Image.Image | np.ndarray | None, number: int,
              second: bool = True) -> PageReading:
    """OCR a prepared page: text with paragraphs rebuilt, ruled tables as `| a | b |` rows in
    their place, the mean word confidence, the header fields checked (with `image`, the page
    in colour, for the second reading) and the signature box taken out.

    Tables are found on the page first (tables.find_tables); the rest of the page is read with
    the table areas blanked, so nothing is read twice, and each table's rows are placed before
    the first paragraph below the table's top."""
    from .fields import (check_header_lines, header_limit, is_header_date_line, is_header_number_line,
                         merge_row_pieces)
    from .layout import Paragraph, build_lines, order_signature_block, page_text, paragraphs
    from .tables import find_tables, ocr_cells, table_lines
    from .unruled import find_band, read_band

    binary = prep.binary
    tables = find_tables(binary)
    if prep.faint_rules is not None:
        # a table whose rules are too light for the threshold: its rules drawn in, kept only
        # if that makes a table (a shadow or a scanner streak alone is no grid)
        ruled = binary.copy()
        ruled[prep.faint_rules > 0] = 0
        more = find_tables(ruled)
        if len(more) > len(tables):
            binary, tables = ruled, more
    body = binary
    if tables:
        body = binary.copy()
        for table in tables:
            x0, y0, x1, y1 = table.box
            body[max(y0 - 6, 0):y1 + 6, max(x0 - 6, 0):x1 + 6] = 255
    lines, confs = build_lines(tesseract.image_to_data(body, 3))
    height = binary.shape[0]
    lines, boxes = take_signature_boxes(lines, number, height)
    rgb = None
    limit = header_limit(height)
    merge_row_pieces(lines, limit)
    header = [ln for ln in lines if ln.top < limit
              and (is_header_number_line(ln.text) or is_header_date_line(ln.text))]
    if second and image is not None and header:
        # the colour page only down to the header lines' crops (a line and its margins below)
        rows = max(max(w.bottom for w in ln.words) + 2 * ln.height for ln in header)
        rgb = prep.aligned(image, rows=int(rows))
    readings = check_header_lines(lines, rgb, number, height, second=second)
    # a table printed without rules: read again as rows and cells, in place of its pieces
    unruled: list[str] = []
    band = find_band(lines, height)
    if band is not None:
        unruled = read_band(binary, band, tesseract.image_to_data)
        if unruled:
            lines = [ln for ln in lines if not band.top <= ln.top + ln.height / 2 <= band.bottom]
    lines = order_signature_block(lines, binary.shape[1])
    parts = paragraphs(lines)
    if unruled:
        at = next((k for k, p in enumerate(parts) if p.top > band.top), len(parts))
        parts.insert(at, Paragraph(band.top, unruled))
    if tables:
        ocr_cells(binary, tables, tesseract.image_to_data)
        for table in tables:
            rows = table_lines(table)
            if not rows:
                continue
            at = next((k for k, p in enumerate(parts) if p.top > table.box[1]), len(parts))
            parts.insert(at, Paragraph(table.box[1], rows))
    text = fix_confusions(page_text(parts))
    conf = round(sum(confs) / len(confs), 1) if confs else None
    return PageReading(text, conf, len(confs), readings, boxes)


def osd_rotation(binary: np.ndarray) -> int:
    """The quarter turn (degrees counter-clockwise) that makes the page upright, by tesseract's
    orientation detection (needs the `osd` data, Debian tesseract-ocr-osd); 0 when unsure."""
    import pytesseract

    try:
        if "osd" not in pytesseract.get_languages(config=""):
            return 0
        small = binary
        if max(binary.shape) > 2600:
            f = 2600 / max(binary.shape)
            small = cv2.resize(binary, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
        osd = pytesseract.image_to_osd(Image.fromarray(small), config="--psm 0 -c min_characters_to_try=10",
                                       output_type=pytesseract.Output.DICT)
    except Exception:            # too little text to decide
        return 0
    if float(osd.get("orientation_conf", 0)) < 1.0:
        return 0
    # "rotate" is the clockwise turn that makes the page upright
    return (360 - int(osd.get("rotate", 0))) % 360


def looks_sideways(binary: np.ndarray) -> bool:
    """Text lines running up or down the page (a page turned 90 or 270 degrees): the ink's
    column profile varies more than its row profile. Cheap (a small copy of the page)."""
    f = 800 / max(binary.shape)
    small = cv2.resize(binary, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else binary
    ink = (small < 128).astype(np.float64)
    if ink.sum() < 50:
        return False
    rows, cols = ink.sum(axis=1), ink.sum(axis=0)
    return float(np.var(cols)) > 1.5 * float(np.var(rows))


def needs_orientation(r: PageReading, binary: np.ndarray) -> bool:
    """A page read badly: few words for its ink, or a low mean confidence."""
    if r.confidence is None:
        return True
    ink = (binary.size - cv2.countNonZero(binary)) / binary.size
    return r.confidence < 70 or (r.words < 30 and ink > 0.01)


def load_page_image(job: PageJob) -> np.ndarray:
    """The page's pixels as an RGB array: a PDF page rendered at OCR_DPI (straight into the
    array, in RGB order), or an image file's frame."""
    if job.kind == "pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(job.path)
        try:
            page = pdf[job.index]
            bitmap = page.render(scale=OCR_DPI / 72, rev_byteorder=True)
            return np.ascontiguousarray(bitmap.to_numpy())    # a copy: the bitmap is freed
        finally:
            pdf.close()
    with Image.open(job.path) as img:
        img.seek(job.index)
        return rgb_array(img)


def ocr_page(job: PageJob, suppress_ink: bool = True, second: bool = True) -> Page:
    image = load_page_image(job)
    prep = prepare(image, suppress_ink=suppress_ink)
    if prep.blank:
        return Page(number=job.number, text="", method="ocr", confidence=None, notes=["blank"])
    if looks_sideways(prep.binary):
        turn = osd_rotation(prep.binary)
        if turn in (90, 270):
            prep = prepare(image, suppress_ink=suppress_ink, rotation=turn)
    r = read_page(prep, image, job.number, second)
    if needs_orientation(r, prep.binary):
        turn = osd_rotation(prep.binary)
        if turn:
            prep2 = prepare(image, suppress_ink=suppress_ink, rotation=turn)
            r2 = read_page(prep2, image, job.number, second)
            if (r2.confidence or 0) > (r.confidence or 0) and r2.words >= r.words * 0.5:
                r, prep = r2, prep2
    notes = [f"upscaled x{prep.scale:g}"] if prep.scale != 1.0 else []
    if prep.rotation:
        notes.append(f"turned {prep.rotation} degrees")
    if prep.warp is not None:
        notes.append("photo: perspective corrected")
    return Page(number=job.number, text=r.text, method="ocr", confidence=r.confidence,
                field_readings=r.field_readings, signatures=r.signatures, rotation=prep.rotation,
                notes=notes)


def _init_worker(parent: tuple[int, str] | None = None) -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    if parent is not None:
        from ocop_docs.lifetime import exit_with_parent

        exit_with_parent(*parent)


_POOL: ProcessPoolExecutor | None = None
_POOL_SIZE = 0
_POOL_LOCK = threading.Lock()


def _pool(workers: int) -> ProcessPoolExecutor:
    """A process pool kept for the life of the process: a command reading many files (or the
    web application's background extraction) starts its workers once, and each worker loads
    the second reader's models once, not once per file."""
    global _POOL, _POOL_SIZE
    with _POOL_LOCK:
        if _POOL is None or _POOL_SIZE != workers:
            if _POOL is not None:
                _POOL.shutdown(wait=False, cancel_futures=True)
            # workers come from a fork server, not from this process: they hold none of its
            # files, pipes or listening sockets (a browser driver's pipe, the web server's
            # socket), so a restart or the end of the process is never held up by them
            # and each worker ends (with its tesseract) as soon as this process is gone, even
            # when it was killed (SIGKILL) and could not close the pool
            from ocop_docs.lifetime import process_identity

            _POOL = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker,
                                        initargs=(process_identity(os.getpid()),),
                                        mp_context=multiprocessing.get_context("forkserver"))
            _POOL_SIZE = workers
            atexit.register(_close_pool)
        return _POOL


def _close_pool() -> None:
    global _POOL
    if _POOL is not None:
        _POOL.shutdown(wait=True, cancel_futures=True)
        _POOL = None


def ocr_jobs(jobs: list[PageJob], source: str | Path, workers: int | None = None) -> list[Page]:
    """OCR pages in parallel (one process per core, at most one per page); pages come back in
    job order."""
    if not jobs:
        return []
    try:
        check_tesseract()
    except RuntimeError as exc:
        raise IngestError(source, msg("ingest.ocr_unavailable", reason=exc)) from None
    # a queue worker's pool process reads its pages in order ($OCOP_DOCS_OCR_WORKERS=1): the
    # worker runs one such process per core
    wanted = os.environ.get("OCOP_DOCS_OCR_WORKERS", "")
    workers = workers or (int(wanted) if wanted.isdigit() and int(wanted) > 0 else 0) \
        or min(os.cpu_count() or 1, len(jobs))
    if workers <= 1 or len(jobs) == 1:
        _init_worker()
        return [ocr_page(job) for job in jobs]
    from concurrent.futures.process import BrokenProcessPool

    # longest first, so that no worker is left alone with a long page at the end: first pages
    # (the header's number and date lines are read a second time), then pages of body text,
    # then last pages (mostly the signature and the recipients, half a page)
    last = {}
    for job in jobs:
        last[job.path] = max(last.get(job.path, 0), job.number)
    order = sorted(range(len(jobs)), key=lambda k: (jobs[k].number != 1,
                                                    jobs[k].number == last[jobs[k].path]))
    ordered = [jobs[k] for k in order]
    try:
        pages = list(_pool(os.cpu_count() or 1).map(ocr_page, ordered))
    except BrokenProcessPool:            # a worker died (out of memory, killed): start afresh
        _close_pool()
        pages = list(_pool(os.cpu_count() or 1).map(ocr_page, ordered))
    out: list[Page] = [None] * len(jobs)          # type: ignore[list-item]
    for k, page in zip(order, pages):
        out[k] = page
    return out
