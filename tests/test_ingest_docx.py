"""Word files: .docx body order (paragraphs, tables, text boxes), legacy fonts; .doc via antiword."""
import shutil
import subprocess

import pytest

from ocop_docs.ingest import read_document
from ocop_docs.ingest.legacy import encode_legacy

docx = pytest.importorskip("docx")

TEXTBOX = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"><mc:AlternateContent><mc:Choice Requires="wps">'
    '<w:drawing><wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>Số: 125/KH-UBND</w:t></w:r></w:p>'
    '</w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox>'
    '<w:txbxContent><w:p><w:r><w:t>Số: 125/KH-UBND</w:t></w:r></w:p></w:txbxContent></v:textbox>'
    '</w:pict></mc:Fallback></mc:AlternateContent></w:r>')


def make_docx(path, seed_texts):
    from docx.oxml import parse_xml

    d = docx.Document()
    d.add_paragraph("ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH")
    p = d.add_paragraph("KẾ HOẠCH")
    p._p.append(parse_xml(TEXTBOX))
    d.add_paragraph("Triển khai thực hiện Chương trình mỗi xã một sản phẩm")
    table = d.add_table(rows=2, cols=3)
    for r, row in enumerate([["TT", "Nội dung", "Cơ quan chủ trì"],
                             ["1", "Phê duyệt đề cương\nvà dự toán", "Sở Nông nghiệp và PTNT"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.add_paragraph("- Giao Sở Tài chính bố trí kinh phí;")
    legacy = d.add_paragraph().add_run(encode_legacy("Cộng hòa xã hội chủ nghĩa Việt Nam",
                                                     "tcvn3").decode("cp1252"))
    legacy.font.name = ".VnTime"
    d.save(path)


def test_docx_order_tables_textboxes(tmp_path, seed_texts):
    path = tmp_path / "plan.docx"
    make_docx(path, seed_texts)
    doc = read_document(path)
    assert doc.format == "docx"
    lines = [line for line in doc.text.split("\n") if line]
    assert lines == ["ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH", "KẾ HOẠCH", "Số: 125/KH-UBND",
                     "Triển khai thực hiện Chương trình mỗi xã một sản phẩm",
                     "| TT | Nội dung | Cơ quan chủ trì |",
                     "| 1 | Phê duyệt đề cương và dự toán | Sở Nông nghiệp và PTNT |",
                     "- Giao Sở Tài chính bố trí kinh phí;",
                     "Cộng hòa xã hội chủ nghĩa Việt Nam"]


def test_docx_with_wrong_extension(tmp_path, seed_texts):
    path = tmp_path / "plan.txt"            # content decides, not the name
    make_docx(path, seed_texts)
    assert read_document(path).format == "docx"


@pytest.mark.libreoffice
def test_doc_via_antiword(tmp_path, seed_texts):
    if shutil.which("soffice") is None or shutil.which("antiword") is None:
        pytest.skip("needs soffice (to make the .doc fixture) and antiword")
    src = tmp_path / "plan.docx"
    make_docx(src, seed_texts)
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                    "--convert-to", "doc", "--outdir", str(tmp_path), str(src)],
                   capture_output=True, timeout=180, check=True)
    doc = read_document(tmp_path / "plan.doc")
    assert doc.format == "doc"
    assert "KẾ HOẠCH" in doc.text and "Giao Sở Tài chính bố trí kinh phí" in doc.text
    assert "| 1 | Phê duyệt đề cương và dự toán | Sở Nông nghiệp và PTNT |" in doc.text
