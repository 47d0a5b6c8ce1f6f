"""The two ways of running tesseract (ocop_docs.ingest.tesseract): in process through tesserocr,
and the tesseract program through pytesseract. Both read a rendered Vietnamese paragraph into
the same columns of word boxes; the library keeps its engine between pages and reads a page the
same whether or not another page came before; a machine without Vietnamese data is told which
package to install."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocop_docs.ingest import tesseract

REPO = Path(__file__).resolve().parent.parent
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
LINES = ["Giao Sở Công Thương chủ trì, phối hợp với Sở Y tế", "hoàn thành trong Quý II/2019."]

pytestmark = [pytest.mark.ocr, pytest.mark.usefixtures("require_ocr")]


def rendered(lines: list[str]) -> np.ndarray:
    if not FONT.is_file():
        pytest.skip("fonts-dejavu-core not installed")
    font = ImageFont.truetype(str(FONT), 48)
    img = Image.new("L", (1800, 120 + 90 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for k, line in enumerate(lines):
        draw.text((80, 60 + 90 * k), line, font=font, fill=0)
    return np.array(img)


def words(data: dict) -> list[str]:
    return [w for w in data["text"] if w.strip()]


def test_library_and_program_give_the_same_columns_and_words(monkeypatch):
    pytest.importorskip("tesserocr")
    page = rendered(LINES)
    assert tesseract.engine() == "library"
    from_library = tesseract.image_to_data(page, 6)
    monkeypatch.setenv(tesseract.ENGINE_VARIABLE, "program")
    tesseract.engine.cache_clear()
    try:
        assert tesseract.engine() == "program"
        from_program = tesseract.image_to_data(page, 6)
    finally:
        monkeypatch.delenv(tesseract.ENGINE_VARIABLE)
        tesseract.engine.cache_clear()
    assert list(from_library) == list(from_program) == tesseract.TSV_HEADER.split("\t")
    expected = " ".join(LINES).split()
    assert words(from_library) == expected
    assert words(from_program) == expected
    for data in (from_library, from_program):
        assert all(isinstance(v, int) for col in ("left", "top", "width", "height", "conf")
                   for v in data[col])
        # a word's box lies on the page, where the word was drawn
        lead = data["text"].index("Công")
        assert 80 < data["left"][lead] < 900 and 40 < data["top"][lead] < 140
        assert data["conf"][lead] > 80


def test_library_reads_a_page_the_same_after_another_page():
    pytest.importorskip("tesserocr")
    first, second = rendered(LINES[:1]), rendered(LINES[1:])
    alone = tesseract.image_to_data(second, 3)
    tesseract.image_to_data(first, 6)
    assert tesseract.image_to_data(second, 3) == alone
    assert words(alone) == LINES[1].split()


def test_without_tesserocr_the_program_reads():
    """A machine without the wheel (another platform) falls back to the program."""
    code = ("import sys; sys.modules['tesserocr'] = None\n"
            "from ocop_docs.ingest import tesseract\n"
            "print(tesseract.engine(), tesseract.missing())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)), check=True).stdout
    assert out.split() == ["program", "None"]


def test_missing_language_data_is_named(monkeypatch, tmp_path):
    """Language data without Vietnamese: OCR says which Debian package to install."""
    pytest.importorskip("tesserocr")
    (tmp_path / "eng.traineddata").write_bytes(b"")
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    for cached in (tesseract.engine, tesseract.tessdata_dir, tesseract._library_languages):
        cached.cache_clear()
    try:
        assert tesseract.tessdata_dir() == os.path.join(str(tmp_path), "")
        # no Vietnamese for the library: the program is asked, which reads the same folder
        assert tesseract.engine() == "program"
        assert "tesseract-ocr-vie" in tesseract.missing()
    finally:
        monkeypatch.delenv("TESSDATA_PREFIX")
        for cached in (tesseract.engine, tesseract.tessdata_dir, tesseract._library_languages):
            cached.cache_clear()
    assert tesseract.engine() == "library"


def test_a_black_and_white_page_reads_the_same_at_1_bit(monkeypatch):
    """A page of only black and white goes to the library at 1 bit a pixel; the words and
    boxes are those of the same page handed over at 8 bits (one grey pixel in a corner)."""
    pytest.importorskip("tesserocr")
    import cv2

    page = cv2.threshold(rendered(LINES), 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)[1]
    handed = []
    api = tesseract._api()
    original = type(api).SetImageBytes

    class Spy:
        def __getattr__(self, name):
            return getattr(api, name)

        def SetImageBytes(self, data, width, height, bytes_per_pixel, bytes_per_line):
            handed.append(bytes_per_pixel)
            return original(api, data, width, height, bytes_per_pixel, bytes_per_line)

    monkeypatch.setattr(tesseract, "_api", lambda: Spy())
    at_1_bit = tesseract.image_to_data(page, 6)
    grey = page.copy()
    grey[-1, -1] = 128
    at_8_bits = tesseract.image_to_data(grey, 6)
    assert handed == [0, 1]
    assert at_1_bit == at_8_bits
    assert words(at_1_bit) == " ".join(LINES).split()
