"""PDF with a text layer: reading order, two-column header, tables as `| ... |` rows; broken PDFs."""
import pytest

from ocop_docs.ingest import IngestError, read_document

reportlab = pytest.importorskip("reportlab")
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"

TABLE = [["TT", "Nội dung", "Cơ quan chủ trì", "Thời gian thực hiện/hoàn thành"],
         ["1", "Hoàn thiện, phê duyệt đề cương và dự toán Đề án Chương trình mỗi xã một sản phẩm",
          "Sở Nông nghiệp và Phát triển nông thôn", "Quý III/2018"],
         ["2", "Phê duyệt kế hoạch triển khai Chương trình", "Sở Nông nghiệp và Phát triển nông thôn",
          "Quý IV/2018"]]


def make_pdf(path):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, Table, TableStyle
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVuSerif", FONT))
    c = canvas.Canvas(str(path), pagesize=A4)
    w, h = A4
    c.setFont("DejaVuSerif", 11)
    left = ["ỦY BAN NHÂN DÂN", "TỈNH HÒA BÌNH", "Số: 125/KH-UBND"]
    right = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
             "Hòa Bình, ngày 20 tháng 9 năm 2018"]
    y = h - 60
    for a, b in zip(left, right):
        c.drawString(60, y, a)
        c.drawString(300, y, b)
        y -= 16
    y -= 20
    for line in ["KẾ HOẠCH", "Triển khai thực hiện Chương trình mỗi xã một sản phẩm (OCOP)",
                 "Các nhiệm vụ cụ thể như sau:"]:
        c.drawString(60, y, line)
        y -= 16
    style = ParagraphStyle("cell", fontName="DejaVuSerif", fontSize=9, leading=11)
    table = Table([[Paragraph(cell, style) for cell in row] for row in TABLE],
                  colWidths=[30, 200, 130, 110])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0))]))
    tw, th = table.wrapOn(c, w, h)
    table.drawOn(c, 60, y - th)
    y -= th + 24
    c.setFont("DejaVuSerif", 11)
    c.drawString(60, y, "Tổ chức thực hiện theo đúng tiến độ./.")
    c.showPage()
    c.setFont("DejaVuSerif", 11)
    c.drawString(60, h - 60, "Nơi nhận:")
    c.drawString(60, h - 76, "- Lưu: VT, NNTN.")
    c.save()


@pytest.fixture(scope="module")
def text_pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "plan.pdf"
    make_pdf(path)
    return path


def test_text_layer_pages_and_order(text_pdf):
    doc = read_document(text_pdf)
    assert doc.format == "pdf" and [p.method for p in doc.pages] == ["pdf-text", "pdf-text"]
    text = doc.text
    # two-column header: the left column is read before the right one
    assert text.index("ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH\nSố: 125/KH-UBND") < \
        text.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc")
    order = ["KẾ HOẠCH", "Các nhiệm vụ cụ thể", "| TT |", "| 2 |", "Tổ chức thực hiện", "Nơi nhận:"]
    positions = [text.index(s) for s in order]
    assert positions == sorted(positions)
    assert "Nơi nhận:" in doc.pages[1].text and "Nơi nhận:" not in doc.pages[0].text


def test_table_rows_not_duplicated(text_pdf):
    text = read_document(text_pdf).text
    rows = [line for line in text.split("\n") if line.startswith("|")]
    assert rows[0] == "| TT | Nội dung | Cơ quan chủ trì | Thời gian thực hiện/hoàn thành |"
    assert rows[1] == ("| 1 | Hoàn thiện, phê duyệt đề cương và dự toán Đề án Chương trình mỗi xã "
                       "một sản phẩm | Sở Nông nghiệp và Phát triển nông thôn | Quý III/2018 |")
    assert len(rows) == 3
    # cell text appears only inside the table rows
    assert text.count("Quý IV/2018") == 1 and text.count("Phê duyệt kế hoạch") == 1


def _error(path) -> str:
    with pytest.raises(IngestError) as info:
        read_document(path)
    assert str(path) in str(info.value)
    return str(info.value)


def test_truncated_pdf(tmp_path, text_pdf):
    path = tmp_path / "cut.pdf"
    path.write_bytes(text_pdf.read_bytes()[:600])
    assert "bị hỏng" in _error(path) or "không có chữ" in _error(path)


def test_garbage_after_pdf_magic(tmp_path):
    path = tmp_path / "bad.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b"\x00garbage\xff" * 100)
    assert "bị hỏng" in _error(path) or "PDF không có trang nào" in _error(path)


def test_encrypted_pdf(tmp_path):
    # a PDF protected by a user password (standard security handler, RC4 40-bit)
    o_value = "8E5D5C0A1E3B6F2D4C7A9B0E1F2A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C"
    u_value = "1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6E7F80"
    body = ("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
            f"4 0 obj<</Filter/Standard/V 1/R 2/O<{o_value}>/U<{u_value}>/P -44>>endobj\n")
    xref = len(body)
    trailer = ("xref\n0 5\n0000000000 65535 f \n" + "".join(
        f"{body.index(f'{i} 0 obj'):010d} 00000 n \n" for i in range(1, 5)) +
        f"trailer<</Size 5/Root 1 0 R/Encrypt 4 0 R/ID[<{'ab' * 16}><{'ab' * 16}>]>>\n"
        f"startxref\n{xref}\n%%EOF\n")
    path = tmp_path / "locked.pdf"
    path.write_bytes((body + trailer).encode("latin-1"))
    assert "PDF có mật khẩu" in _error(path)


def test_page_limit_for_ocr(tmp_path, monkeypatch):
    from PIL import Image
    pages = [Image.new("RGB", (300, 400), "white") for _ in range(3)]
    path = tmp_path / "scans.pdf"
    pages[0].save(path, save_all=True, append_images=pages[1:])
    monkeypatch.setenv("OCOP_DOCS_MAX_PAGES", "2")
    assert "quá giới hạn 2 trang" in _error(path)
