"""Every header field records how it was read (issue 9): the page's method and confidence, or the
second reading the ingestion recorded, with `review` where the confidence is low."""
from pathlib import Path

from ocop_docs.extract.pipeline import extract_ingested
from ocop_docs.ingest.types import FieldReading, IngestedText, Page

LETTER = ("ỦY BAN NHÂN DÂN TỈNH BÌNH ĐỊNH\n"
          "Số: 318/UBND-KT\n"
          "Bình Định, ngày 09 tháng 5 năm 2025\n"
          "V/v rà soát hồ sơ giao đất\n"
          "Kính gửi: Sở Nông nghiệp và Môi trường\n"
          "Giao Sở Nông nghiệp và Môi trường rà soát hồ sơ giao đất, báo cáo trước ngày "
          "30/5/2025.\n"
          "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nTrần Văn Bình\n")


def ingested(method: str, confidence: float | None, readings: dict | None = None) -> IngestedText:
    page = Page(number=1, text=LETTER, method=method, confidence=confidence,
                field_readings=readings or {})
    return IngestedText(path=Path("cong-van.pdf"), text=LETTER, format="pdf", pages=[page],
                        field_readings=readings or {})


def test_text_layer_fields_are_sure():
    doc = extract_ingested(ingested("pdf-text", None)).documents[0]
    assert doc.field_sources["number"] == {"method": "text-layer", "confidence": 1.0, "page": 1}
    assert not any(s.get("review") for s in doc.field_sources.values())
    assert "field_sources" in doc.to_json()


def test_a_weak_second_reading_is_marked_for_review():
    reading = FieldReading(value="318/UBND-KT", method="second-pass", confidence=0.55, page=1)
    doc = extract_ingested(ingested("ocr", 91.0, {"number": reading})).documents[0]
    assert doc.field_sources["number"] == {"method": "second-pass", "confidence": 0.55,
                                           "page": 1, "review": True}
    assert doc.field_sources["issuer"]["method"] == "ocr"
    assert doc.field_sources["issuer"]["confidence"] == 0.91
    assert "review" not in doc.field_sources["issuer"]


def test_a_poorly_read_page_marks_its_fields():
    doc = extract_ingested(ingested("ocr", 42.0)).documents[0]
    assert doc.field_sources["signer"]["review"] is True


def test_every_page_has_a_confidence_in_the_json():
    """OCR pages carry tesseract's mean (0-100) and a 0-1 confidence; a blank reverse side
    gets 0 with its note; a weak second reading on the page is marked for review."""
    reading = FieldReading(value="318/UBND-KT", method="second-pass", confidence=0.55, page=1)
    pages = [Page(number=1, text=LETTER, method="ocr", confidence=91.4, field_readings={"number": reading}),
             Page(number=2, text="", method="ocr", confidence=None, notes=["blank"])]
    data = extract_ingested(IngestedText(path=Path("scan.pdf"), text=LETTER, format="pdf", pages=pages,
                                         field_readings={"number": reading})).to_json()
    first, blank = data["pages"]
    assert (first["confidence"], first["ocr_confidence"], first["method"]) == (0.91, 91.4, "ocr")
    assert first["field_readings"]["number"]["review"] is True
    assert blank["confidence"] == 0.0 and blank["notes"] == ["blank"]
