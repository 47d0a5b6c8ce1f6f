"""The in-process tesseract (libtesseract through its C API) reads the same words as the
tesseract command, on a real scan, at both page segmentation modes the pipeline uses; it stays
quiet on standard error; and the command takes over when the library is not wanted."""
import threading
from pathlib import Path

import pytest
from PIL import Image

from ocop_docs.ingest import tesseract
from ocop_docs.ingest.ocr import PageJob, load_page_image, prepare

pytestmark = [pytest.mark.ocr, pytest.mark.usefixtures("require_ocr")]

SCAN = Path(__file__).resolve().parent.parent / "corpus" / "real" / "scans" / "003.tif"


@pytest.fixture(scope="module")
def page():
    return prepare(load_page_image(PageJob("image", str(SCAN), 0, 1))).binary


def words(data: dict) -> list[tuple]:
    return [(data["text"][k], data["left"][k], data["top"][k], data["conf"][k])
            for k in range(len(data["text"])) if data["text"][k].strip()]


@pytest.mark.parametrize("psm", [3, 6])
def test_library_reads_what_the_command_reads(page, psm, monkeypatch):
    import pytesseract

    assert tesseract._api("vie") is not None, "libtesseract did not load"
    ours = tesseract.image_to_data(page, "vie", psm)
    command = pytesseract.image_to_data(Image.fromarray(page), lang="vie", config=f"--psm {psm}",
                                        output_type=pytesseract.Output.DICT)
    assert len(words(ours)) > 300
    assert words(ours) == words(command)
    assert ours["level"] == command["level"] and ours["block_num"] == command["block_num"]


def test_library_is_quiet(page, capfd):
    tesseract.image_to_data(page[:600], "vie", 3)
    assert capfd.readouterr().err == ""


def test_command_when_asked(page, monkeypatch):
    calls = []
    import pytesseract

    real = pytesseract.image_to_data
    monkeypatch.setattr(pytesseract, "image_to_data", lambda *a, **k: calls.append(1) or real(*a, **k))
    monkeypatch.setenv("OCOP_DOCS_TESSERACT", "command")
    data = tesseract.image_to_data(page[:600], "vie", 3)
    assert calls == [1]
    assert words(data) == words(real(Image.fromarray(page[:600]), lang="vie", config="--psm 3",
                                     output_type=pytesseract.Output.DICT))
    assert len(words(data)) > 5


def test_one_handle_per_thread(page):
    seen = []

    def run():
        seen.append(id(tesseract._api("vie")))
        tesseract.image_to_data(page[:400], "vie", 3)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(seen)) == 2 and id(tesseract._api("vie")) not in seen
