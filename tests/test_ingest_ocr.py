"""OCR of rendered scans of the seeds: key strings come back, the red seal is suppressed."""
import pytest
from PIL import Image

from ocop_docs.ingest import IngestError, read_document
from ocop_docs.ingest.ocr import estimate_skew, ocr_binary, preprocess

pytestmark = [pytest.mark.ocr, pytest.mark.usefixtures("require_ocr")]


def test_scanned_header_page(scanned_seed_000):
    doc = read_document(scanned_seed_000[0])
    assert doc.format == "image" and doc.pages[0].method == "ocr"
    assert doc.pages[0].confidence is not None and doc.pages[0].confidence > 70
    for key in ("7590/UBND-KT", "HUYỆN VĨNH CỬU", "Kính gửi", "5077/KH-SNN", "Vĩnh Cửu"):
        assert key in doc.text, key


def test_multipage_tiff_in_parallel(tmp_path, scanned_seed_000):
    pages = [Image.open(p) for p in scanned_seed_000]
    tif = tmp_path / "scan.tif"
    pages[0].save(tif, save_all=True, append_images=pages[1:], compression="tiff_deflate")
    doc = read_document(tif)
    assert [p.number for p in doc.pages] == [1, 2]
    assert "7590/UBND-KT" in doc.pages[0].text
    assert "Phạm Minh Phước" in doc.pages[1].text and "SỞ NÔNG NGHIỆP VÀ PTNT" in doc.pages[1].text


def test_image_only_pdf_goes_to_ocr(tmp_path, scanned_seed_000):
    page = Image.open(scanned_seed_000[0])
    pdf = tmp_path / "scan.pdf"
    page.save(pdf, resolution=300)
    doc = read_document(pdf)
    assert doc.format == "pdf" and doc.pages[0].method == "ocr"
    assert "7590/UBND-KT" in doc.text


def test_red_seal_suppressed(scanned_seed_000):
    # page 2 carries the seal over "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
    import numpy as np
    page = Image.open(scanned_seed_000[1]).convert("RGB")
    rgb = np.asarray(page).astype(int)
    ys, xs = np.nonzero(rgb[..., 0] - np.maximum(rgb[..., 1], rgb[..., 2]) > 80)
    assert len(xs) > 1000                                    # the seal is there
    box = (max(xs.min() - 300, 0), max(ys.min() - 100, 0), xs.max() + 100, ys.max() + 100)
    image = page.crop(box)                                   # the seal and the lines it covers
    with_suppression = ocr_binary(preprocess(image, suppress_ink=True))
    without = ocr_binary(preprocess(image, suppress_ink=False))
    assert with_suppression[1] is not None
    assert with_suppression[1] >= (without[1] or 0)
    assert "KT. CHỦ" in with_suppression[0] and "KT. CHỦ" not in without[0]


def test_deskew_estimate(scanned_seed_000):
    import numpy as np
    gray = np.asarray(Image.open(scanned_seed_000[0]).convert("L"))
    straight = estimate_skew(gray)
    rotated = np.asarray(Image.fromarray(gray).rotate(2.0, fillcolor=255))
    assert abs(estimate_skew(rotated) - (straight - 2.0)) < 0.3


def test_blank_and_tiny_images(tmp_path):
    blank = tmp_path / "blank.png"
    Image.new("RGB", (2480, 3508), "white").save(blank)
    with pytest.raises(IngestError, match="không có chữ"):
        read_document(blank)
    tiny = tmp_path / "tiny.png"
    Image.new("RGB", (40, 30), "white").save(tiny)
    with pytest.raises(IngestError, match="ảnh quá nhỏ"):
        read_document(tiny)


def test_prepare_takes_arrays_grey_or_colour():
    import numpy as np

    from ocop_docs.ingest.ocr import prepare, rgb_array

    grey = np.full((400, 300), 255, np.uint8)
    for k in range(12):                             # a row of letter-sized blobs of ink
        grey[100:130, 20 + 22 * k:36 + 22 * k] = 0
    assert rgb_array(grey).shape == (400, 300, 3)
    for image in (grey, rgb_array(grey)):
        prep = prepare(image, deskew=False)
        assert not prep.blank
        assert prep.binary.shape[:2] == (round(400 * prep.scale), round(300 * prep.scale))
