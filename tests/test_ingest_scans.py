"""Real scans and signed PDFs, as synthetic cases of each class (issue 9) and on the real 001.pdf:
a red handwritten-style number and day, a rotated page, a blank reverse side, a low-resolution
scan, a signed-PDF-like page (an image with a small text-layer signature box), a multi-page TIFF.
"""
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from ocop_docs.ingest import read_document
from ocop_docs.ingest.fields import parse_date_line, parse_number_line, to_digits
from ocop_docs.ingest.signature import is_signature_box, parse_box

REPO = Path(__file__).resolve().parent.parent
REAL_001 = REPO / "corpus" / "real" / "scans" / "001.pdf"
FONTS = Path("/usr/share/fonts/truetype")


def _font_path(name: str) -> Path:
    """A font with the Vietnamese letters: Liberation 2 (fonts-liberation2; the older
    fonts-liberation lacks them), else DejaVu."""
    for path in (FONTS / "liberation2" / name, FONTS / "dejavu" / _DEJAVU.get(name, "")):
        if path.is_file():
            return path
    pytest.skip(f"font {name} not installed (fonts-liberation2 or fonts-dejavu)")


_DEJAVU = {"LiberationSerif-Regular.ttf": "DejaVuSerif.ttf", "LiberationSerif-Bold.ttf": "DejaVuSerif-Bold.ttf",
           "LiberationSans-BoldItalic.ttf": "DejaVuSans-BoldOblique.ttf"}


def _font(name: str, size: int):
    return ImageFont.truetype(str(_font_path(name)), size)


def render_letter(number="575", day="04", ink=(200, 20, 30), width=2480, height=1900):
    """The top of an official letter at 300 dpi: the two header columns, the number and the day
    written by hand in coloured ink (an italic font, larger, slightly raised), the subject, the
    addressee and a paragraph."""
    img = Image.new("RGB", (width, height), "white")
    d = ImageDraw.Draw(img)
    serif, bold = _font("LiberationSerif-Regular.ttf", 50), _font("LiberationSerif-Bold.ttf", 50)
    hand = _font("LiberationSans-BoldItalic.ttf", 72)
    d.text((260, 150), "ỦY BAN NHÂN DÂN", font=bold, fill="black")
    d.text((250, 215), "TỈNH QUẢNG NGÃI", font=bold, fill="black")
    d.text((1050, 150), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=bold, fill="black")
    d.text((1250, 215), "Độc lập - Tự do - Hạnh phúc", font=bold, fill="black")
    d.text((270, 380), "Số:", font=serif, fill="black")
    d.text((560, 380), "/UBND-KTTH", font=serif, fill="black")
    d.text((1150, 380), "Quảng Ngãi, ngày", font=serif, fill="black")
    d.text((1720, 380), "tháng 02 năm 2025", font=serif, fill="black")
    if number:
        d.text((370, 360), number, font=hand, fill=ink)
    if day:
        d.text((1570, 360), day, font=hand, fill=ink)
    d.text((200, 480), "V/v tham gia ý kiến các dự thảo", font=serif, fill="black")
    d.text((900, 640), "Kính gửi: Sở Tài chính", font=serif, fill="black")
    body = ("Sở Tài chính chủ trì, phối hợp với các cơ quan, đơn vị và địa phương tham gia góp ý "
            "dự thảo các Nghị định của Chính phủ theo đề nghị của Bộ Tài chính tại các Công văn "
            "nêu trên; trực tiếp gửi Bộ Tài chính và báo cáo Ủy ban nhân dân tỉnh theo đúng thời "
            "gian yêu cầu trước ngày 15 tháng 02 năm 2025.")
    words, line, y = body.split(), "", 780
    for w in words:
        if d.textlength(line + " " + w, font=serif) > width - 500:
            d.text((250, y), line, font=serif, fill="black")
            line, y = w, y + 75
        else:
            line = f"{line} {w}".strip()
    d.text((250, y), line, font=serif, fill="black")
    return img


def _has_second_reader() -> bool:
    from ocop_docs.ingest.fields import second_reader
    return second_reader() is not None


def _has_osd() -> bool:
    import pytesseract
    try:
        return "osd" in pytesseract.get_languages(config="")
    except Exception:
        return False


# ----------------------------------------------------------------------------- no OCR needed

def test_number_and_date_line_parsing():
    assert parse_number_line("Số: 507 /UBND-KGVX") == ("507", "UBND-KGVX")
    assert parse_number_line("S6: 660") == ("660", None)
    assert parse_number_line("So: 660 0/TB-UBND") == ("660", "TB-UBND")
    assert to_digits("3|") == ("31", True) and to_digits("†E") == (None, False)
    # handwritten 1s with their upstroke: one reads as "A", two side by side as "M"
    assert to_digits("A1") == ("11", True) and to_digits("M") == ("11", True)
    d = parse_date_line("Quang Ngai, ngay 04thang 02 nam 2025")
    assert (d["day"], d["month"], d["year"]) == ("04", "02", "2025")
    assert to_digits(parse_date_line("Quang Ngai, ngay1 7thang 6 nam 2022")["day"])[0] == "17"
    assert parse_date_line("Quảng Ngãi, ngày tháng 01 năm 2025")["day"] == ""


def test_signature_box_fields():
    text = "Ký bởi: Ủy ban nhân dân tỉnh Quảng Ngãi\nCơ quan: Tỉnh Quảng Ngãi\nThời gian ký: 17/01/2025 08:56:09"
    assert is_signature_box(text) and not is_signature_box("Kính gửi: Sở Tài chính")
    box = parse_box(text, 1, "ocr")
    assert box.signer == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert box.organisation == "Tỉnh Quảng Ngãi"
    assert box.signed_at == ["2025-01-17T08:56:09"]
    box = parse_box("TRUNG TÂM CÔNG BÁO\nVÀ TIN HỌC\nttcbth@quangngai.gov.vn\n24.01.2025 20:01:14 +07:00", 1, "ocr")
    assert box.email == "ttcbth@quangngai.gov.vn" and box.signed_at == ["2025-01-24T20:01:14+07:00"]


def test_real_signed_pdf_reads_stamped_number_and_day():
    """001.pdf: the e-office system stamped "507" and "24" after signing (signature widgets);
    the gazette centre's box must stay out of the text but be kept as evidence."""
    doc = read_document(REAL_001)
    assert doc.pages[0].method == "pdf-text"
    assert re.search(r"Số: 507 ?/UBND-KGVX", doc.text)
    # the header's lines stay lines (the page is layout text, not converted text to rejoin)
    assert re.search(r"(?m)^TỈNH QUẢNG NGÃI\nSố: 507 ?/UBND-KGVX\nV/v ", doc.text), doc.text[:300]
    assert re.search(r"(?m)^Quảng Ngãi, ngày 24 tháng 01 năm 2025$", doc.text)
    assert "ngày 24 tháng 01 năm 2025" in doc.text
    for junk in ("TRUNG TÂM CÔNG", "ttcbth@", "20:01:14", "Ký bởi"):
        assert junk not in doc.text, junk
    assert doc.field_readings["number"].value == "507/UBND-KGVX"
    assert doc.field_readings["number"].method == "pdf-annotation"
    assert doc.field_readings["issued_date"].value == "2025-01-24"
    box = doc.signatures[0]
    assert box.signed_at == ["2025-01-24T20:01:14+07:00"] and box.email == "ttcbth@quangngai.gov.vn"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_real_signed_pdf_matches_poppler():
    """Every word poppler reads from the page is in our text, except the signature box's."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(REAL_001), "-"], capture_output=True,
                         text=True, check=True).stdout
    ours = set(read_document(REAL_001).text.split())
    box = {"TRUNG", "TÂM", "CÔNG", "BÁO", "VÀ", "TIN", "HỌC", "ttcbth@quangngai.gov.vn",
           "24.01.2025", "20:01:14", "+07:00"}
    missing = [w for w in out.split() if w not in ours and w not in box]
    assert not missing, missing


# ----------------------------------------------------------------------------- OCR

@pytest.mark.ocr
@pytest.mark.usefixtures("require_ocr")
def test_red_handwritten_number_and_day(tmp_path):
    if not _has_second_reader():
        pytest.skip("needs rapidocr-onnxruntime (the second reader)")
    path = tmp_path / "letter.png"
    render_letter().save(path)
    doc = read_document(path)
    number, date = doc.field_readings["number"], doc.field_readings["issued_date"]
    assert number.value == "575/UBND-KTTH", number
    assert date.value == "2025-02-04", date
    assert "Số: 575/UBND-KTTH" in doc.text
    assert "ngày 04 tháng 02 năm 2025" in doc.text
    assert number.method in ("second-pass", "ocr") and 0 < number.confidence <= 1


@pytest.mark.parametrize("number", ["575", "11", "1203"])
def test_number_marks_count_the_written_digits(number):
    """The marks between "Số:" and "/" are counted from the number line's crop: where the
    readings of a handwritten number disagree, the count picks the reading with as many
    digits (a rendered line; the second reader places the label and the slash)."""
    if not _has_second_reader():
        pytest.skip("needs rapidocr-onnxruntime (the second reader)")
    import numpy as np

    from ocop_docs.ingest.fields import number_marks

    img = Image.new("RGB", (900, 150), "white")
    d = ImageDraw.Draw(img)
    serif, hand = _font("LiberationSerif-Regular.ttf", 50), _font("LiberationSans-BoldItalic.ttf", 64)
    d.text((40, 45), "Số:", font=serif, fill="black")
    x = 150
    for digit in number:                 # written apart, as by hand
        d.text((x, 35), digit, font=hand, fill=(20, 30, 160))
        x += 62
    d.text((x + 40, 45), "/UBND-KTTH", font=serif, fill="black")
    assert number_marks(np.asarray(img)) == len(number)


def test_the_day_alone_is_cut_from_the_date_line():
    """The day between "ngày" and "tháng" is cut out of a rendered date line, counted (two
    marks for "17") and read alone."""
    if not _has_second_reader():
        pytest.skip("needs rapidocr-onnxruntime (the second reader)")
    import numpy as np

    from ocop_docs.ingest.fields import _day_bounds, number_token, read_token, to_digits

    img = Image.new("RGB", (1300, 150), "white")
    d = ImageDraw.Draw(img)
    serif, hand = _font("LiberationSerif-Regular.ttf", 50), _font("LiberationSans-BoldItalic.ttf", 64)
    d.text((30, 45), "Quảng Ngãi, ngày", font=serif, fill="black")
    d.text((440, 35), "1", font=hand, fill=(20, 30, 160))
    d.text((505, 35), "7", font=hand, fill=(20, 30, 160))
    d.text((600, 45), "tháng 06 năm 2022", font=serif, fill="black")
    token, marks = number_token(np.asarray(img), bounds=_day_bounds)
    assert marks == 2
    assert any(to_digits(text)[0] == "17" for text, _ in read_token(token))


@pytest.mark.ocr
@pytest.mark.usefixtures("require_ocr")
@pytest.mark.parametrize("angle", [90, 180])
def test_rotated_page(tmp_path, angle):
    if not _has_osd():
        pytest.skip("needs tesseract's orientation data (tesseract-ocr-osd)")
    path = tmp_path / "rotated.png"
    render_letter(number="", day="").rotate(angle, expand=True).save(path)
    doc = read_document(path)
    assert doc.pages[0].rotation in (90, 180, 270)
    assert "Kính gửi: Sở Tài chính" in doc.text
    assert "phối hợp với các cơ quan" in doc.text


@pytest.mark.ocr
@pytest.mark.usefixtures("require_ocr")
def test_multipage_tiff_with_blank_reverse_and_low_resolution(tmp_path):
    import numpy as np

    letter = render_letter(number="", day="")
    rng = np.random.default_rng(1)
    reverse = np.full((1900, 2480), 235, np.uint8) + rng.integers(0, 12, (1900, 2480), dtype=np.uint8)
    reverse = Image.fromarray(reverse).convert("RGB")           # grey paper, speckle, no text
    small = letter.resize((827, 633))                            # the same page at 100 dpi
    tif = tmp_path / "scan.tif"
    letter.save(tif, save_all=True, append_images=[reverse, small], compression="tiff_deflate")
    doc = read_document(tif)
    assert [p.number for p in doc.pages] == [1, 2, 3]
    assert doc.pages[1].text == "" and "blank" in doc.pages[1].notes
    assert "Kính gửi: Sở Tài chính" in doc.pages[0].text
    assert any(n.startswith("upscaled") for n in doc.pages[2].notes)
    assert "Sở Tài chính chủ trì" in doc.pages[2].text


@pytest.mark.ocr
@pytest.mark.usefixtures("require_ocr")
def test_signed_pdf_like_page_is_ocred_and_box_kept_apart(tmp_path):
    """A scanned page (one big image) carrying a small text layer, the signature box: the page
    is OCRed, the box is recorded and kept out of the text."""
    pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("Serif", str(_font_path("LiberationSerif-Regular.ttf"))))
    scan = tmp_path / "page.png"
    page = Image.new("RGB", (2480, 3508), "white")
    page.paste(render_letter(number="", day=""), (0, 250))
    page.save(scan)
    pdf = tmp_path / "signed.pdf"
    c = canvas.Canvas(str(pdf), pagesize=A4)
    w, h = A4
    c.drawImage(str(scan), 0, 0, width=w, height=h)
    c.setFont("Serif", 7)
    for k, line in enumerate(["Ký bởi: Ủy ban nhân dân tỉnh Quảng Ngãi", "Cơ quan: Tỉnh Quảng Ngãi",
                              "Thời gian ký: 17/01/2025 08:56:09"]):
        c.drawString(w - 190, h - 20 - 9 * k, line)
    c.save()
    doc = read_document(pdf)
    assert doc.pages[0].method == "ocr"
    assert "Kính gửi: Sở Tài chính" in doc.text
    assert "Ký bởi" not in doc.text and "08:56:09" not in doc.text
    box = doc.signatures[0]
    assert box.signer == "Ủy ban nhân dân tỉnh Quảng Ngãi" and box.signed_at == ["2025-01-17T08:56:09"]
    assert box.source == "pdf-text"          # the box's own characters, not a reading of 7-pt type


def test_day_from_the_issuers_signature_time():
    """A handwritten "11" read as one digit ("ngày1") or mapped from "A": the issuer's digital
    signature of the same month gives the day, marked for review; a clean two-digit reading
    the signature does not extend stays."""
    from ocop_docs.ingest.pdf import date_from_signature
    from ocop_docs.ingest.signature import Signature
    from ocop_docs.ingest.types import FieldReading, Page

    def page(day_raw, day, conf):
        text = f"Số: 11/CT-UBND\nQuảng Ngãi, ngày {int(day):02d} tháng 05 năm 2021\nCHỈ THỊ"
        readings = {"issued_date": FieldReading(f"2021-05-{int(day):02d}", "second-pass", conf, 1, raw=day_raw),
                    "day": FieldReading(str(int(day)), "second-pass", conf, 1, raw=day_raw)}
        box = Signature(1, "Ký bởi: UBND tỉnh / Thời gian ký: 11/05/2021 11:26:39", "pdf-annotation",
                        signer="UBND tỉnh", signed_at=["2021-05-11T11:26:39"])
        return Page(1, text, "ocr", 93.0, field_readings=readings, signatures=[box])

    p = page("Quang Ngai, ngay1 thang 5 nam 2021", "1", 0.84)
    date_from_signature(p)
    assert p.field_readings["issued_date"].value == "2021-05-11"
    assert p.field_readings["issued_date"].method == "signature-time"
    assert "ngày 11 tháng 05 năm 2021" in p.text
    p = page("Quang Ngai, ngay 05 thang 5 nam 2021", "5", 0.84)
    date_from_signature(p)
    assert p.field_readings["issued_date"].value == "2021-05-05"


@pytest.mark.ocr
@pytest.mark.usefixtures("require_ocr")
def test_phone_photo_with_perspective(tmp_path):
    """A letter photographed at an angle on a dark desk: the sheet is found and flattened."""
    import cv2
    import numpy as np

    letter = np.asarray(render_letter(number="", day=""))
    h, w = letter.shape[:2]
    canvas = (3000, 3400)                                    # (width, height) of the photo
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[380, 420], [2650, 300], [2760, 2500], [250, 2620]])
    m = cv2.getPerspectiveTransform(src, dst)
    photo = cv2.warpPerspective(letter, m, canvas, borderValue=(70, 60, 50))
    path = tmp_path / "photo.jpg"
    Image.fromarray(photo).save(path, quality=92)
    doc = read_document(path)
    assert "photo: perspective corrected" in doc.pages[0].notes
    assert "Kính gửi: Sở Tài chính" in doc.text
    assert "phối hợp với các cơ quan" in doc.text


@pytest.mark.ocr
@pytest.mark.usefixtures("require_ocr")
def test_table_with_faint_rules(tmp_path):
    """An appendix table whose rules are light grey (lost by the page's threshold) is still
    read row by row and cell by cell."""
    img = Image.new("RGB", (2480, 1100), "white")
    d = ImageDraw.Draw(img)
    f = _font("LiberationSerif-Regular.ttf", 46)
    rows = [["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn"],
            ["1", "Rà soát quy hoạch", "Sở Xây dựng", "Quý II/2025"],
            ["2", "Báo cáo kết quả", "Sở Tài chính", "30/6/2025"],
            ["3", "Kiểm tra thực địa", "UBND các huyện", "Tháng 7/2025"]]
    xs, y0, rh, grey = [200, 360, 1100, 1700, 2280], 300, 110, (205, 205, 205)
    for r in range(len(rows) + 1):
        d.line([(xs[0], y0 + r * rh), (xs[-1], y0 + r * rh)], fill=grey, width=3)
    for x in xs:
        d.line([(x, y0), (x, y0 + len(rows) * rh)], fill=grey, width=3)
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            d.text((xs[c] + 20, y0 + r * rh + 28), cell, font=f, fill="black")
    d.text((200, 150), "Phụ lục: phân công nhiệm vụ", font=f, fill="black")
    path = tmp_path / "table.png"
    img.save(path)
    text = read_document(path).text
    assert "| 2 | Báo cáo kết quả | Sở Tài chính | 30/6/2025 |" in text
    assert "| TT | Nhiệm vụ | Cơ quan chủ trì | Thời hạn |" in text


@pytest.mark.ocr
@pytest.mark.usefixtures("require_ocr")
def test_table_without_rules(tmp_path):
    """An appendix printed without any rules: its rows come back as rows and cells (a wrapped
    cell joined to its row), and the paragraph below stays a paragraph."""
    img = Image.new("RGB", (2480, 1500), "white")
    d = ImageDraw.Draw(img)
    f = _font("LiberationSerif-Regular.ttf", 46)
    rows = [(0, ["TT", "Nhiệm vụ", "Đơn vị chủ trì", "Tiến độ"]),
            (1, ["1", "Cập nhật cơ sở dữ liệu", "Sở Nội vụ", "30/9/2026"]),
            (2, ["", "hồ sơ cán bộ", "", ""]),
            (3, ["2", "Tổng hợp số liệu", "Cục Thống kê", "Tháng 9/2026"]),
            (4, ["3", "Đánh giá kết quả", "Sở Tư pháp", "31/12/2026"])]
    xs, y0, rh = [220, 380, 1120, 1720], 420, 70
    d.text((220, 250), "Phụ lục: danh mục nhiệm vụ", font=f, fill="black")
    for r, row in rows:
        for c, cell in enumerate(row):
            d.text((xs[c], y0 + r * rh), cell, font=f, fill="black")
    d.text((220, 900), "Các đơn vị chủ động triển khai thực hiện theo đúng tiến độ.", font=f, fill="black")
    path = tmp_path / "unruled.png"
    img.save(path)
    text = read_document(path).text
    assert "| TT | Nhiệm vụ | Đơn vị chủ trì | Tiến độ |" in text
    assert "| 1 | Cập nhật cơ sở dữ liệu hồ sơ cán bộ | Sở Nội vụ | 30/9/2026 |" in text
    assert "| 3 | Đánh giá kết quả | Sở Tư pháp | 31/12/2026 |" in text
    assert "\nCác đơn vị chủ động triển khai thực hiện theo đúng tiến độ." in text
