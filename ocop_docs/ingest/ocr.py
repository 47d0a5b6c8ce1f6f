"""OCR of page images with tesseract (lang "vie") and the preprocessing scans of official letters
need: coloured ink (red seal, blue signature) suppressed, grayscale, deskew, Otsu binarisation.

Pages are OCRed in parallel, one process per core, each tesseract single-threaded
(OMP_THREAD_LIMIT=1): on 2 cores that is ~4x faster than tesseract's own threading.
"""
from __future__ import annotations

import os
import re
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from .types import IngestError, Page

OCR_LANG = "vie"
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

def suppress_colour_ink(rgb: np.ndarray) -> np.ndarray:
    """Turn red and blue ink (seals, signatures) white; black text, even under a seal, stays."""
    img = rgb.astype(np.int16)
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    red = (r - np.maximum(g, b)) > INK_DIFFERENCE
    blue = (b - np.maximum(r, g)) > INK_DIFFERENCE
    out = rgb.copy()
    out[red | blue] = 255
    return out


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


def preprocess(image: Image.Image, suppress_ink: bool = True, deskew: bool = True) -> np.ndarray:
    """A page image → a deskewed black-on-white binary image ready for tesseract."""
    rgb = np.asarray(image.convert("RGB"))
    if suppress_ink:
        rgb = suppress_colour_ink(rgb)
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    if max(gray.shape) < 1600:            # low-resolution image: upscale to help tesseract
        gray = cv2.resize(gray, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    if deskew:
        gray = rotate(gray, estimate_skew(gray))
    gray = cv2.medianBlur(gray, 3)
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return binary


def is_blank(binary: np.ndarray) -> bool:
    dark = binary.size - cv2.countNonZero(binary)
    return dark < binary.size * 0.0005


# ----------------------------------------------------------------------------- tesseract

def check_tesseract() -> None:
    """Raise RuntimeError with a clear message when tesseract or its Vietnamese data is missing."""
    import pytesseract

    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        raise RuntimeError("OCR needs the tesseract program (Debian: tesseract-ocr)")
    if OCR_LANG not in pytesseract.get_languages(config=""):
        raise RuntimeError("OCR needs tesseract's Vietnamese data (Debian: tesseract-ocr-vie)")


# a document number or code: "490/QĐ-TTg", "01/QĐ-BCĐTW", "5077/KH-SNN"
_CODE = re.compile(r"\b\d+\s?/\s?[A-ZĐÐ][\wĐÐ.-]*")


def fix_confusions(text: str) -> str:
    """OCR confusions that no Vietnamese text has. A quarter "Quý 11/2019" is "Quý II/2019". The Icelandic eth "Ð" is tesseract's reading
    of "Đ", or, inside a document code, of the hyphen after a "Đ" ("490/QĐÐTTg" for
    "490/QĐ-TTg", "01/QĐÐ-BCĐTW" for "01/QĐ-BCĐTW")."""
    def code(m: re.Match) -> str:
        token = re.sub(r"(?<=Đ)Ð(?=-)", "", m.group())
        token = re.sub(r"(?<=Đ)Ð", "-", token)
        return token.replace(" ", "")

    text = _CODE.sub(code, text)
    text = _quarter_re().sub(lambda m: m.group(1) + re.sub(r"[1l|]", "I", m.group(2)), text)
    return text.replace("Ð", "Đ").replace("ð", "đ")


def _quarter_re() -> re.Pattern:
    from ocop_docs.resources import load_yaml

    word = load_yaml("ocr_layout.yaml")["quarter_word"]
    # "Quý 11/2019" → "Quý II/2019"; a lone "1" stays (an Arabic quarter number is valid)
    return re.compile(rf"(?i)\b({word}\s+)([1Il|]{{2,3}}|[1Il|]V)(?=\s*/|\s|[.,;)]|$)")


def ocr_data(image: np.ndarray, psm: int = 3) -> dict:
    """tesseract's word boxes (image_to_data) for a black-on-white image, single-threaded."""
    import pytesseract

    os.environ["OMP_THREAD_LIMIT"] = "1"
    return pytesseract.image_to_data(Image.fromarray(image), lang=OCR_LANG, config=f"--psm {psm}",
                                     output_type=pytesseract.Output.DICT)


def ocr_binary(binary: np.ndarray) -> tuple[str, float | None]:
    """OCR a preprocessed page: text with paragraphs rebuilt, ruled tables as `| a | b |` rows in
    their place, and the mean word confidence.

    Tables are found on the page first (tables.find_tables); the rest of the page is read with
    the table areas blanked, so nothing is read twice, and each table's rows are placed before
    the first paragraph below the table's top."""
    from .layout import Paragraph, build_lines, page_text, paragraphs
    from .tables import find_tables, ocr_cells, table_lines

    tables = find_tables(binary)
    body = binary
    if tables:
        body = binary.copy()
        for table in tables:
            x0, y0, x1, y1 = table.box
            body[max(y0 - 6, 0):y1 + 6, max(x0 - 6, 0):x1 + 6] = 255
    lines, confs = build_lines(ocr_data(body, 3))
    parts = paragraphs(lines)
    if tables:
        ocr_cells(binary, tables, ocr_data)
        for table in tables:
            rows = table_lines(table)
            if not rows:
                continue
            at = next((k for k, p in enumerate(parts) if p.top > table.box[1]), len(parts))
            parts.insert(at, Paragraph(table.box[1], rows))
    text = fix_confusions(page_text(parts))
    return text, (round(sum(confs) / len(confs), 1) if confs else None)


def load_page_image(job: PageJob) -> Image.Image:
    if job.kind == "pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(job.path)
        try:
            page = pdf[job.index]
            return page.render(scale=OCR_DPI / 72).to_pil()
        finally:
            pdf.close()
    with Image.open(job.path) as img:
        img.seek(job.index)
        return img.convert("RGB")


def ocr_page(job: PageJob, suppress_ink: bool = True) -> Page:
    image = load_page_image(job)
    binary = preprocess(image, suppress_ink=suppress_ink)
    if is_blank(binary):
        return Page(number=job.number, text="", method="ocr", confidence=None)
    text, conf = ocr_binary(binary)
    return Page(number=job.number, text=text, method="ocr", confidence=conf)


def _init_worker() -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"


def ocr_jobs(jobs: list[PageJob], source: str | Path, workers: int | None = None) -> list[Page]:
    """OCR pages in parallel (min(cores, pages) processes); pages come back in job order."""
    if not jobs:
        return []
    try:
        check_tesseract()
    except RuntimeError as exc:
        raise IngestError(source, str(exc)) from None
    workers = workers or min(os.cpu_count() or 1, len(jobs))
    if workers <= 1 or len(jobs) == 1:
        _init_worker()
        return [ocr_page(job) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker) as pool:
        return list(pool.map(ocr_page, jobs))
