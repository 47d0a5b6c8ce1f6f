"""Header fields read and checked at ingestion: the number line ("Số: 575/UBND-KTTH") and the
date line ("Quảng Ngãi, ngày 04 tháng 02 năm 2025").

Each field gets a `FieldReading` saying how it was read ("text-layer", "pdf-annotation", "ocr",
"second-pass") with a confidence in 0-1, so extraction can prefer it and mark weak ones for
review. Fields: "number" ("575/UBND-KTTH"), "issued_date" (ISO "2025-02-04") and "day".

On scans the number and the day are often handwritten, in red or blue ink, after printing: the
ink suppression meant for seals wipes them and tesseract reads the rest of the line. The
second pass crops the two lines (found by tesseract) from the page image with the ink kept and
reads them with a second engine (RapidOCR's PP-OCR models, shipped inside the
`rapidocr-onnxruntime` wheel, run on CPU; nothing is downloaded). A reading is accepted only
when it parses (a number of digits, a valid day) and agrees with the rest of the header as
tesseract read it (the number's suffix "/UBND-KTTH"; the date's month and year). The accepted
value is written into the line, so the header parser finds it.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import sys
import threading
from contextlib import contextmanager
from functools import lru_cache

import numpy as np

from ocop_docs.textutil import fold

from .types import FieldReading

# "Số: 575 /UBND-KTTH", "Số:⁄44 _ /CT-UBND", "S6: 660", "Sỏ: 157/QĐ-NĐ-UB" (folded text)
_NUMBER = re.compile(r"^\W{0,3}s[o0-9]?\s*(?:ky\s*hieu)?\s*[:;.,]\s*(?P<num>.*?)\s*"
                     r"(?:(?:/|(?<=\d)[il|])\s*(?P<suffix>[a-z][a-z0-9.&-]*(?:-[a-z0-9.&]+)*))?\s*$")
# "..., ngày 04 tháng 02 năm 2025" (folded text; OCR's "nuay", "ngàyy", glued day "ngày24")
_DATE = re.compile(r"(?:(?P<ngay>\bn[gu]?a?[yw]?)|^\W{0,3})(?P<day>[^\s]{0,4}?(?:\s+[^\s]{1,3}?)?|\s+[^\s]{1,5}?)\s*"
                   r"(?P<thang>th[a-z]{0,2}ng)\s*(?P<month>[^\s]{1,3}?)\s*(?P<nam>n[a-z]{1,2}m)\s*"
                   r"(?P<year>\d\s?\d\s?\d\s?\d)")


@lru_cache(maxsize=1)
def _config() -> dict:
    from ocop_docs.resources import load_yaml

    data = load_yaml("ocr_fields.yaml")
    table = {}
    for digit, chars in data["digit_confusions"].items():
        for c in str(chars):
            table[c] = str(digit)
    return {"table": table, "penalty": float(data["mapped_penalty"]),
            "second_factor": float(data.get("second_pass_factor", 1.0)),
            "review_below": float(data["review_below"]), "header_share": float(data["header_share"]),
            "mark_min_height": float(data.get("mark_min_height", 0.5))}


def header_limit(page_height: int) -> float:
    """How far down the page (pixels) the number and date lines are looked for."""
    return page_height * _config()["header_share"]


def review_threshold() -> float:
    return _config()["review_below"]


def to_digits(token: str, allow_map: bool = True) -> tuple[str | None, bool]:
    """A number token → (its digits, whether confusable characters had to be mapped), or
    (None, False) when it is no number."""
    import unicodedata

    token = unicodedata.normalize("NFKC", token or "")     # full-width digits "７" are digits
    token = re.sub(r"[\s_.,:;'\"`~^*-]", "", token)
    if not token:
        return None, False
    if token.isdigit() and token.isascii():
        return token, False
    if not allow_map:
        return None, False
    table = _config()["table"]
    out = "".join(c if c.isdigit() and c.isascii() else table.get(c, "?") for c in token)
    return (out, True) if out.isdigit() else (None, False)


def parse_number_line(text: str) -> tuple[str, str | None] | None:
    """("575", "UBND-KTTH") parts of a number line (raw number token, suffix or None)."""
    folded = fold(text)
    m = _NUMBER.match(folded)
    if not m:
        return None
    num = text[m.start("num"):m.end("num")]
    parts = num.split()
    if len(parts) > 1 and len(parts[-1]) == 1 and len("".join(parts[:-1])) >= 2:
        num = " ".join(parts[:-1])       # "660 0/TB-UBND": the slash's stroke read as a digit
    suffix = text[m.start("suffix"):m.end("suffix")] if m.group("suffix") else None
    return num, suffix


def parse_date_line(text: str) -> dict | None:
    """The parts of a date line: place (text before "ngày"), day, month, year tokens."""
    folded = fold(text)
    m = _DATE.search(folded)
    if not m:
        return None
    return {"place": text[:m.start()].strip(), "day": text[m.start("day"):m.end("day")].strip(),
            "month": text[m.start("month"):m.end("month")], "year": re.sub(r"\s", "", m.group("year")),
            "start": m.start(), "tail": text[m.end():].strip()}


def is_header_number_line(text: str) -> bool:
    """The number line of a header ("Số: 575/UBND-KTTH"), not a sentence starting with "Số"."""
    parts = parse_number_line(text)
    return bool(parts) and len(text) <= 45


def is_header_date_line(text: str) -> bool:
    """The date line of a header: a short place before "ngày" (or none) and nothing after the
    year, not a date inside a sentence ("Chỉ thị số 11 ngày 16 tháng 4 năm 2021 của ...")."""
    parts = parse_date_line(text)
    if not parts or len(parts["tail"]) > 2:
        return False
    place = parts["place"]
    return not place or (len(place.split()) <= 5 and place.rstrip().endswith((",", ".")))


def make_date(day: str | None, month: str | None, year: str | None) -> str | None:
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except (TypeError, ValueError):
        return None


def _suffix_key(suffix: str | None) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(suffix or "")).replace("0", "o")


# ----------------------------------------------------------------------------- text layers

def text_layer_readings(text: str, page: int, stamped: set[str] | frozenset = frozenset(),
                        method: str = "text-layer") -> dict[str, FieldReading]:
    """Number and date read from a text layer (first lines of the page). A value stamped by
    an annotation of a signed PDF is marked "pdf-annotation"."""
    out: dict[str, FieldReading] = {}
    for line in text.splitlines()[:40]:
        line = " ".join(line.split())
        if "number" not in out:
            parts = parse_number_line(line)
            if parts and parts[1]:
                digits, _ = to_digits(parts[0], allow_map=False)
                if digits:
                    how = "pdf-annotation" if digits in stamped else method
                    out["number"] = FieldReading(f"{digits}/{parts[1]}", how, 1.0, page, raw=line)
        if "issued_date" not in out:
            parts = parse_date_line(line)
            if parts:
                day, _ = to_digits(parts["day"], allow_map=False)
                iso = make_date(day, parts["month"], parts["year"])
                if iso:
                    how = "pdf-annotation" if day in stamped else method
                    out["issued_date"] = FieldReading(iso, how, 1.0, page, raw=line)
                    out["day"] = FieldReading(str(int(day)), how, 1.0, page, raw=line)
    return out


# ----------------------------------------------------------------------------- second reader

_ENGINE = None
_ENGINE_LOCK = threading.Lock()


@contextmanager
def _memory_arena():
    """RapidOCR builds its onnxruntime sessions with the CPU memory arena off, so each run
    allocates its buffers afresh; sessions built inside this block keep the arena (the same
    readings, about a tenth less CPU for the strips read here)."""
    try:
        from rapidocr_onnxruntime.utils import infer_engine

        session = infer_engine.OrtInferSession
        plain = session.__dict__["_init_sess_opts"]
    except (ImportError, AttributeError, KeyError):     # another layout of the package
        yield
        return

    def with_arena(config):
        options = plain.__func__(config)
        options.enable_cpu_mem_arena = True
        return options

    session._init_sess_opts = staticmethod(with_arena)
    try:
        yield
    finally:
        session._init_sess_opts = plain


def second_reader():
    """The RapidOCR engine (models inside the wheel), loaded once per process; None when the
    package is not installed or OCOP_DOCS_SECOND_READER=0."""
    global _ENGINE
    if os.environ.get("OCOP_DOCS_SECOND_READER", "1").strip().lower() in ("0", "no", "off", "false"):
        return None
    with _ENGINE_LOCK:
        if _ENGINE is None:
            try:
                import logging

                from rapidocr_onnxruntime import RapidOCR

                logging.getLogger("RapidOCR").setLevel(logging.ERROR)
                # one thread (pages are read one process per core already); the detector gets
                # the line crop at the size given (read_strip scales it), not upscaled to 736
                with _memory_arena():
                    _ENGINE = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1,
                                       det_limit_side_len=32, det_limit_type="min", use_cls=False)
            except Exception:            # not installed, or the models cannot load
                _ENGINE = False
        return _ENGINE or None


STRIP_HEIGHTS = (160, 256)   # a line crop is read at these heights (pixels) and the readings vote
# the number line: first at 160 pixels; when that disagrees with tesseract, at four more heights
NUMBER_HEIGHTS = (160, 96, 128, 192, 256)


def _engine_reading(engine, rgb: np.ndarray, height: int, memo: dict | None = None):
    """The crop scaled to `height` pixels and the engine's boxes on it. With `memo` (a dict
    kept for one crop), each height is read once: the number line is read whole at 160
    pixels, then cut at the same size to read the number alone."""
    if memo is not None and height in memo:
        return memo[height]
    import cv2

    f = height / rgb.shape[0]
    img = cv2.resize(rgb, None, fx=f, fy=f, interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC)
    result, _ = engine(img, use_cls=False)
    if memo is not None:
        memo[height] = (img, result)
    return img, result


def read_strip(rgb: np.ndarray, heights: tuple[int, ...] = STRIP_HEIGHTS,
               memo: dict | None = None) -> list[tuple[str, float]]:
    """Readings of a one-line crop, one per height in STRIP_HEIGHTS: the words on the crop's
    main line left to right, and their mean confidence. The engine's reading of handwriting
    changes with the scale ("575" / "515"), so the caller votes."""
    engine = second_reader()
    if engine is None or rgb.size == 0:
        return []
    out = []
    for height in heights:
        try:
            img, result = _engine_reading(engine, rgb, height, memo)
        except Exception:
            continue
        if not result:
            continue
        items = sorted(result, key=lambda r: min(p[0] for p in r[0]))
        # keep the boxes on the crop's main line (the line's centre band)
        h = img.shape[0]
        mid = [r for r in items
               if abs((min(p[1] for p in r[0]) + max(p[1] for p in r[0])) / 2 - h / 2) < h * 0.3]
        items = mid or items
        out.append((" ".join(str(r[1]) for r in items), float(np.mean([float(r[2]) for r in items]))))
    if os.environ.get("OCOP_DOCS_DEBUG_FIELDS"):
        print("second reader:", out, file=sys.stderr)
    return out


def _main_line(result: list, height: int) -> tuple[int, int, int, int] | None:
    """The box around the engine's boxes on the crop's main line (its centre band)."""
    def centre(r):
        return (min(p[1] for p in r[0]) + max(p[1] for p in r[0])) / 2
    mid = [r for r in result if abs(centre(r) - height / 2) < height * 0.3]
    if not mid:
        return None
    points = [p for r in mid for p in r[0]]
    return (int(min(p[0] for p in points)), int(min(p[1] for p in points)),
            int(max(p[0] for p in points)), int(max(p[1] for p in points)))


def _number_bounds(steps: list[str]) -> tuple[float, float] | None:
    """Where to cut a number line's number out, in recogniser steps: from just after the
    colon of "Số:" to the slash."""
    colon = next((t for t in range(len(steps)) if steps[t] in ":;："), None)
    slash = next((t for t in range(colon + 1, len(steps)) if steps[t] == "/"), None) \
        if colon is not None else None
    return (colon + 1, slash) if slash is not None and slash - colon >= 2 else None


def _day_bounds(steps: list[str]) -> tuple[float, float] | None:
    """Where to cut a date line's day out, in recogniser steps: between the "y" of "ngày" and
    the "t" of "tháng", halfway between them and the day's first and last characters (the
    steps mark characters' middles, and these letters are wide)."""
    chars = [(t, fold(c)) for t, c in enumerate(steps) if c not in ("blank", " ")]
    text = "".join(c for _, c in chars)
    m = re.search(r"ng[a-z]?y(.{1,4}?)th", text)
    if not m:
        return None
    y, t = chars[m.start(1) - 1][0], chars[m.end(1)][0]
    first, last = chars[m.start(1)][0], chars[m.end(1) - 1][0]
    return (y + first) / 2 + 0.5, (last + t) / 2


def number_token(rgb: np.ndarray, height: int = STRIP_HEIGHTS[0], bounds=_number_bounds,
                 memo: dict | None = None) -> tuple[np.ndarray, int] | None:
    """The number of a number-line crop cut out alone, and how many separate marks it is
    written with: the printed "Số:" and "/" are found by the second reader (their columns from
    its CTC alignment), and the ink blobs between them as tall as the tallest one's
    `mark_min_height` are counted. Handwritten digits are mostly written apart, so where
    readings disagree ("11" read as "AM" and as "A1"), the one with as many digits as marks is
    the likely one. None when the label or the slash cannot be placed. With `bounds`
    `_day_bounds`, the day of a date line (between "ngày" and "tháng")."""
    engine = second_reader()
    if engine is None or rgb.size == 0:
        return None
    import cv2

    try:
        img, result = _engine_reading(engine, rgb, height, memo)
        box = _main_line(result or [], img.shape[0])
        if box is None:
            return None
        x0, y0, x1, y1 = box
        line = img[max(y0, 0):y1, max(x0, 0):x1]
        rec = engine.text_rec
        h, w = line.shape[:2]
        ratio = max(rec.rec_image_shape[2] / rec.rec_image_shape[1], w / h)
        preds = rec.session(rec.resize_norm_img(line, ratio)[np.newaxis].astype(np.float32))[0][0]
        chars = rec.postprocess_op.character
    except Exception:
        return None
    best = preds.argmax(axis=1)
    steps = [chars[k] for k in best]
    found = bounds(steps)
    if found is None:
        return None
    start, end = found
    step = rec.rec_image_shape[1] * ratio / len(steps) * h / rec.rec_image_shape[1]   # pixels per step
    token = line[:, int(start * step):int(end * step)]
    if token.size == 0:
        return None
    gray = cv2.cvtColor(token, cv2.COLOR_RGB2GRAY)
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    tall = [int(stats[k, cv2.CC_STAT_HEIGHT]) for k in range(1, n) if stats[k, cv2.CC_STAT_AREA] >= 20]
    if not tall:
        return None
    least = max(tall) * _config()["mark_min_height"]
    return token, sum(1 for t in tall if t >= least)


def number_marks(rgb: np.ndarray) -> int | None:
    found = number_token(rgb)
    return found[1] if found else None


TOKEN_HEIGHTS = (48, 64, 96)   # the number alone is read at these heights (pixels, padding included)


def read_token(token: np.ndarray, heights: tuple[int, ...] = TOKEN_HEIGHTS) -> list[tuple[str, float]]:
    """Readings of the number cut out alone (no "Số:" or suffix beside it, so the reader's
    sense of the line does not pull a handwritten digit towards the printed text), by the
    second reader's recogniser, one per height."""
    engine = second_reader()
    if engine is None or token.size == 0:
        return []
    import cv2

    padded = cv2.copyMakeBorder(token, 10, 10, 10, 10, cv2.BORDER_CONSTANT, value=(255, 255, 255))
    out = []
    for height in heights:
        f = height / padded.shape[0]
        img = cv2.resize(padded, None, fx=f, fy=f, interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC)
        try:
            (text, conf), = engine.text_rec([img])[0]
        except Exception:
            continue
        if text:
            out.append((text, float(conf)))
    if os.environ.get("OCOP_DOCS_DEBUG_FIELDS"):
        print("number alone:", out, file=sys.stderr)
    return out


def vote(readings: list[tuple[str, float, str]]) -> tuple[str, float, str] | None:
    """The value most readings agree on (ties: the more confident); its confidence is the best
    among the agreeing readings, lowered when the readings disagree."""
    if not readings:
        return None
    counts: dict[str, list[tuple[str, float, str]]] = {}
    for r in readings:
        counts.setdefault(r[0], []).append(r)
    value, group = max(counts.items(), key=lambda kv: (len(kv[1]), max(r[1] for r in kv[1])))
    best = max(group, key=lambda r: r[1])
    share = len(group) / len(readings)
    return value, best[1] * (1.0 if share == 1 else 0.75), best[2]


def _crop(rgb: np.ndarray, box: tuple[int, int, int, int], height: float) -> np.ndarray:
    x0, y0, x1, y1 = box
    pad_y = int(0.9 * height)
    pad_x = int(1.5 * height)
    H, W = rgb.shape[:2]
    return rgb[max(y0 - pad_y, 0):min(y1 + pad_y, H), max(x0 - pad_x, 0):min(x1 + pad_x, W)]


def _ink_share(rgb: np.ndarray) -> float:
    """Share of coloured (red or blue) ink among the crop's dark pixels."""
    img = rgb.astype(np.int16)
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    coloured = ((r - np.maximum(g, b)) > 60) | ((b - np.maximum(r, g)) > 60)
    dark = img.min(axis=2) < 140
    total = int(np.count_nonzero(dark | coloured))
    return float(np.count_nonzero(coloured)) / total if total else 0.0


def _reading(value, method, conf, page, raw, alternatives=None) -> FieldReading:
    return FieldReading(value, method, round(float(conf), 3), page, raw=raw,
                        alternatives=alternatives or None)


_NUMBER_LABEL = re.compile(r"^\W{0,3}s\S?\s*(?:ky\s*hieu)?\s*[:;.,]\s*\S{0,6}$")
_DAY_LABEL = re.compile(r"\bn[gu]?a?[yw]\W{0,2}\s*\S{0,4}$")


def merge_row_pieces(lines: list, limit: float) -> None:
    """Where the handwritten number or day was wiped, tesseract sees a wide gap and cuts the
    line in two: "Số:" | "/UBND-KTTH", "Quảng Ngãi, ngày" | "tháng 02 năm 2025". Join such
    pieces again (in place), so the line can be found, cropped whole and read again."""
    k = 0
    while k + 1 < len(lines):
        a, b = lines[k], lines[k + 1]
        if a.top > limit:
            break
        same_row = abs(a.top - b.top) < 0.8 * max(a.height, b.height) and b.left > a.right
        fa, fb = fold(a.text), fold(b.text)
        if same_row and ((_NUMBER_LABEL.match(fa) and fb.startswith("/"))
                         or (_DAY_LABEL.search(fa) and re.match(r"\W{0,2}\S{0,3}\s*th[a-z]{0,2}ng\b", fb))):
            a.words.extend(b.words)
            del lines[k + 1]
            continue
        k += 1


def check_header_lines(lines, rgb: np.ndarray | None, page: int, page_height: int,
                       second: bool = True) -> dict[str, FieldReading]:
    """Find the number and date lines among tesseract's lines (ingest.layout.OcrLine, words
    with boxes and confidences) in the top of the page, read them again from `rgb` (the page
    image with the ink kept, aligned with the boxes) and write the accepted values into the
    lines' words. Returns the field readings."""
    from .layout import Word

    cfg = _config()
    limit = header_limit(page_height)
    out: dict[str, FieldReading] = {}
    merge_row_pieces(lines, limit)
    number_line = date_line = None
    for line in lines:
        if line.top > limit:
            break
        text = line.text
        if number_line is None and is_header_number_line(text):
            number_line = line
        elif date_line is None and is_header_date_line(text):
            date_line = line
    use_second = second and rgb is not None and second_reader() is not None

    def box_of(line):
        return (min(w.left for w in line.words), min(w.top for w in line.words),
                max(w.right for w in line.words), max(w.bottom for w in line.words))

    if number_line is not None:
        num_tok, suffix = parse_number_line(number_line.text)
        t_digits, t_mapped = to_digits(num_tok)
        t_conf = min((w.conf for w in number_line.words[1:2] if w.conf >= 0), default=50.0) / 100
        tess = (t_digits, (t_conf * cfg["penalty"]) if t_mapped else t_conf)
        second_r = None
        t_misfit = False
        crop = _crop(rgb, box_of(number_line), number_line.height) if use_second else None
        memo: dict = {}                  # the second reader's boxes on this crop, by height
        ink = _ink_share(crop) if crop is not None else 0.0
        # a clean, confident, printed reading needs no second look
        if crop is not None and not (t_digits and not t_mapped and t_conf >= 0.9 and ink < 0.05):
            accepted = []
            for heights in (NUMBER_HEIGHTS[:1], NUMBER_HEIGHTS[1:]):
                if accepted and t_digits and accepted[0][0] == t_digits:
                    break                # the first reading parses and agrees: enough
                for text, conf in read_strip(crop, heights, memo):
                    parsed = parse_number_line(text) or parse_number_line("Số: " + text)
                    if parsed:
                        r_digits, r_mapped = to_digits(parsed[0])
                        agrees = parsed[1] is None or suffix is None or \
                            _suffix_key(parsed[1]) == _suffix_key(suffix)
                        if r_digits and agrees and len(r_digits) <= 6:
                            accepted.append((r_digits, conf * cfg["second_factor"] * (cfg["penalty"] if r_mapped else 1.0), text))
            t_misfit = False             # tesseract's reading has a digit too many or too few
            values = {a[0] for a in accepted} | ({t_digits} if t_digits else set())
            if len(values) > 1 or not t_digits:
                # the readings disagree, or tesseract saw no number: the number read alone
                # too, and the readings with as many digits as the handwritten marks kept
                found = number_token(crop, memo=memo)
                marks = found[1] if found else None
                for text, conf in read_token(found[0]) if found else []:
                    r_digits, r_mapped = to_digits(text)
                    if r_digits and len(r_digits) <= 6:
                        accepted.append((r_digits, conf * cfg["second_factor"] * (cfg["penalty"] if r_mapped else 1.0), text))
                fitting = [a for a in accepted if len(a[0]) == marks]
                if fitting:
                    accepted = fitting
                    t_misfit = bool(t_digits) and len(t_digits) != marks
            second_r = vote(accepted)
        choice = None
        if tess[0] and second_r and tess[0] == second_r[0]:
            choice = _reading(tess[0], "ocr", max(tess[1], second_r[1]), page, number_line.text,
                              [{"value": second_r[0], "method": "second-pass", "confidence": round(second_r[1], 3)}])
        elif second_r and (not tess[0] or t_mapped or t_misfit or ink > 0.2 or tess[1] < 0.9):
            alt = [{"value": tess[0], "method": "ocr", "confidence": round(tess[1], 3)}] if tess[0] else None
            choice = _reading(second_r[0], "second-pass", second_r[1], page, second_r[2], alt)
        elif tess[0]:
            alt = [{"value": second_r[0], "method": "second-pass", "confidence": round(second_r[1], 3)}] \
                if second_r else None
            choice = _reading(tess[0], "ocr", tess[1] * (0.8 if second_r else 1.0), page,
                              number_line.text, alt)
        if choice is not None and suffix:
            choice.value = f"{choice.value}/{suffix}"
            out["number"] = choice
            first = number_line.words[0]
            number_line.words = [Word(first.left, first.top, first.right, first.bottom, "Số:", first.conf),
                                 Word(first.right, first.top, number_line.words[-1].right,
                                      number_line.words[-1].bottom, choice.value, -1)]

    if date_line is not None:
        parts = parse_date_line(date_line.text)
        t_day, t_mapped = to_digits(parts["day"])
        month, year = to_digits(parts["month"], allow_map=False)[0], parts["year"]
        words = [w for w in date_line.words]
        t_conf = min((w.conf for w in words if w.conf >= 0), default=50.0) / 100
        tess_iso = make_date(t_day, month, year)
        tess = (t_day if tess_iso else None, (t_conf * cfg["penalty"]) if t_mapped else t_conf)
        second_r = None
        ink = 0.0
        alternatives = []
        crop = _crop(rgb, box_of(date_line), date_line.height) if use_second else None
        memo = {}
        ink = _ink_share(crop) if crop is not None else 0.0
        sure = tess[0] and not t_mapped and t_conf >= 0.9 and ink < 0.05
        if crop is not None and not sure:
            accepted = []
            t_key = str(int(tess[0])) if tess[0] else None
            for heights in (STRIP_HEIGHTS[:1], STRIP_HEIGHTS[1:]):
                if accepted and (not t_key or accepted[0][0] == t_key):
                    break                # the first reading parses and agrees: enough
                for text, conf in read_strip(crop, heights, memo):
                    rp = parse_date_line(text)
                    if rp:
                        r_day, r_mapped = to_digits(rp["day"])
                        r_month = to_digits(rp["month"], allow_map=False)[0]
                        r_iso = make_date(r_day, month or r_month, year)
                        consistent = (month is None or r_month is None or int(r_month) == int(month)) \
                            and rp["year"] == year
                        if r_iso and consistent:
                            accepted.append((str(int(r_day)), conf * cfg["second_factor"] * (cfg["penalty"] if r_mapped else 1.0), text))
                        elif r_day:
                            alternatives.append({"value": text, "method": "second-pass", "rejected":
                                                 "month/year disagree with the first reading"})
            values = {a[0] for a in accepted} | ({t_key} if t_key else set())
            if len(values) > 1 or not t_key:
                # the readings disagree, or tesseract read no day: the day read alone too, and
                # the readings with as many digits as the handwritten marks kept
                found = number_token(crop, bounds=_day_bounds, memo=memo)
                marks = found[1] if found else None
                for text, conf in read_token(found[0]) if found else []:
                    r_day, r_mapped = to_digits(text)
                    if r_day and make_date(r_day, month, year):
                        accepted.append((str(int(r_day)), conf * cfg["second_factor"] * (cfg["penalty"] if r_mapped else 1.0), text))
                fitting = [a for a in accepted if len(a[0]) == marks]
                if fitting:
                    accepted = fitting
                    if t_key and len(t_key) != marks:
                        t_mapped = True      # tesseract's day has a digit too many or too few
            second_r = vote(accepted)
        tday = str(int(tess[0])) if tess[0] else None
        choice = None
        if tday and second_r and tday == second_r[0]:
            choice = ("ocr", tday, max(tess[1], second_r[1]), date_line.text)
        elif second_r and (not tday or t_mapped or ink > 0.2 or tess[1] < 0.9):
            if tday:
                alternatives.append({"value": tday, "method": "ocr", "confidence": round(tess[1], 3)})
            choice = ("second-pass", second_r[0], second_r[1], second_r[2])
        elif tday:
            if second_r:
                alternatives.append({"value": second_r[0], "method": "second-pass",
                                     "confidence": round(second_r[1], 3)})
            choice = ("ocr", tday, tess[1] * (0.8 if second_r else 1.0), date_line.text)
        if choice is not None and month:
            method, day, conf, raw = choice
            iso = make_date(day, month, year)
            out["day"] = _reading(day, method, conf, page, raw, alternatives)
            out["issued_date"] = _reading(iso, method, conf, page, raw, alternatives)
            place = parts["place"]
            first, last = words[0], words[-1]
            rebuilt = (f"{place} " if place else "") + f"ngày {int(day):02d} tháng {int(month):02d} năm {year}"
            date_line.words = [Word(first.left, first.top, last.right, last.bottom, t, -1)
                               for t in rebuilt.split()]
    return out
