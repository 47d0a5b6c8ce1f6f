"""Công văn đôn đốc: wording, composition from the gold corpus, and the .docx/HTML/text output
checked part by part (Nghị định 30/2020/NĐ-CP layout)."""
from __future__ import annotations

import re
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from ocop_docs.letters import (LetterSettings, LetterTemplateError, PreviousReminder,
                               draft_letters, render, render_text)
from ocop_docs.letters.corpus import GOLD_DIR, corpus_letters, load_tasks
from ocop_docs.letters.wording import cite, long_date, place_of, section_label, short_date
from ocop_docs.letters.model import SourceDocument

HOA_BINH = "Ủy ban nhân dân tỉnh Hòa Bình"
AS_OF = date(2019, 7, 1)


# ----------------------------------------------------------------------------- wording

@pytest.mark.parametrize("d, expected", [
    (date(2020, 3, 5), "ngày 05 tháng 3 năm 2020"),
    (date(2020, 1, 15), "ngày 15 tháng 01 năm 2020"),
    (date(2020, 2, 9), "ngày 09 tháng 02 năm 2020"),
    (date(2019, 12, 16), "ngày 16 tháng 12 năm 2019"),
    (date(2018, 9, 20), "ngày 20 tháng 9 năm 2018"),
])
def test_long_date_follows_nd30_leading_zeros(d, expected):
    assert long_date(d) == expected


def test_short_date_and_citation():
    src = SourceDocument("Kế hoạch", "125/KH-UBND", date(2018, 9, 20), HOA_BINH)
    assert short_date(date(2018, 9, 20)) == "20/9/2018"
    assert cite(src) == "Kế hoạch số 125/KH-UBND ngày 20/9/2018 của Ủy ban nhân dân tỉnh Hòa Bình"
    assert cite(src, False) == "Kế hoạch số 125/KH-UBND ngày 20/9/2018"
    unnumbered = SourceDocument("Thông báo", None, date(2018, 6, 15), "Ủy ban nhân dân tỉnh Quảng Nam")
    assert cite(unnumbered) == "Thông báo ngày 15/6/2018 của Ủy ban nhân dân tỉnh Quảng Nam"


@pytest.mark.parametrize("section, label", [
    ("III.4.2", "mục III.4.2"), ("PL.VII.1", "Phụ lục, mục VII.1"), ("1", "mục 1"),
    ("Mục đích", "phần Mục đích"), (None, ""),
])
def test_section_label(section, label):
    assert section_label(section) == label


@pytest.mark.parametrize("issuer, parent, place", [
    (HOA_BINH, None, "Hòa Bình"), ("Ủy ban nhân dân huyện Vĩnh Cửu", None, "Vĩnh Cửu"),
    ("Sở Nông nghiệp và Phát triển nông thôn tỉnh Đồng Nai", None, "Đồng Nai"),
    ("Sở Công Thương", "Ủy ban nhân dân tỉnh Quảng Nam", "Quảng Nam"),
])
def test_place_of_issuer(issuer, parent, place):
    assert place_of(issuer, parent) == place


# ----------------------------------------------------------------------------- composition

@pytest.fixture(scope="module")
def gold_tasks():
    return load_tasks([GOLD_DIR])


def _letter(gold_tasks, agency="Sở Công Thương", previous=None, **kw):
    settings = LetterSettings(issuer=HOA_BINH, signer_name="Nguyễn Văn Chương", **kw)
    letters = draft_letters(gold_tasks, settings, AS_OF, agency,
                            previous=(lambda a, rows: previous) if previous else None)
    assert len(letters) == 1
    return letters[0]


def test_overdue_tasks_grouped_by_lead_agency(gold_tasks):
    letters = draft_letters(gold_tasks, LetterSettings(issuer=HOA_BINH), AS_OF)
    by_agency = {lt.recipient_agency: lt for lt in letters}
    # 125/KH-UBND, Phụ lục: Sở Công Thương leads Đồ uống, Vải và may mặc (Quý I/2019) and
    # the rules for OCOP shops (Quý II/2019) — all past due on 1/7/2019.
    sct = by_agency["Sở Công Thương"]
    assert [t.section for t in sct.tasks] == ["PL.III.2", "PL.III.4", "PL.VII.1"]
    assert [t.days_overdue for t in sct.tasks] == [92, 92, 1]
    assert all(t.source.number == "125/KH-UBND" for t in sct.tasks)
    # Only tasks assigned by the issuer; the issuer never writes to itself.
    assert HOA_BINH not in by_agency
    assert all(t.source.issuer == HOA_BINH for lt in letters for t in lt.tasks)
    assert sct.symbol == "UBND-KT" and sct.place == "Hòa Bình"
    assert (sct.signer_authority, sct.signer_title) == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    assert sct.reply_by == date(2019, 7, 11)


def test_upcoming_selects_tasks_due_soon_not_overdue(gold_tasks):
    settings = LetterSettings(issuer=HOA_BINH)
    letters = draft_letters(gold_tasks, settings, date(2019, 6, 1), upcoming_days=30)
    rows = [t for lt in letters for t in lt.tasks]
    assert rows and all(t.due == date(2019, 6, 30) and t.days_overdue == -29 for t in rows)
    assert all(lt.kind == "upcoming" for lt in letters)


def test_every_issuer_chases_its_own_tasks_without_issuer(gold_tasks):
    letters = corpus_letters(date(2026, 1, 15))
    pairs = {(lt.issuer, lt.recipient_agency) for lt in letters}
    assert ("Ủy ban nhân dân tỉnh Quảng Nam", "Sở Công Thương") in pairs
    assert (HOA_BINH, "Sở Công Thương") in pairs
    assert ("Ủy ban nhân dân tỉnh Đồng Nai", "Sở Nông nghiệp và Môi trường") in pairs
    for lt in letters:
        assert all(t.source.issuer == lt.issuer and t.days_overdue > 0 for t in lt.tasks)


def test_agency_filter_matches_case_insensitively(gold_tasks):
    letters = draft_letters(gold_tasks, LetterSettings(issuer=HOA_BINH), AS_OF, "sở y tế")
    assert [lt.recipient_agency for lt in letters] == ["Sở Y tế"]


# ----------------------------------------------------------------------------- .docx

@pytest.fixture(scope="module")
def docx_letter(gold_tasks):
    letter = _letter(gold_tasks)
    return letter, Document(BytesIO(render(letter, "docx")))


def _cell_lines(cell) -> list[str]:
    return [line for p in cell.paragraphs for line in p.text.split("\n") if line.strip()]


def _run_of(doc_part, text):
    for p in doc_part.paragraphs:
        for r in p.runs:
            if text in r.text:
                return p, r
    raise AssertionError(f"no run with {text!r}")


def test_docx_page_setup_a4_and_margins(docx_letter):
    _, doc = docx_letter
    s = doc.sections[0]
    assert round(s.page_width.mm, 1) == 210.0 and round(s.page_height.mm, 1) == 297.0
    assert 20 <= round(s.top_margin.mm, 1) <= 25 and 20 <= round(s.bottom_margin.mm, 1) <= 25
    assert 30 <= round(s.left_margin.mm, 1) <= 35 and 15 <= round(s.right_margin.mm, 1) <= 20
    assert s.different_first_page_header_footer          # no page number on page 1
    assert "PAGE" in s.header._element.xml


def test_docx_header_table(docx_letter):
    letter, doc = docx_letter
    header = doc.tables[0]
    left, right = header.rows[0].cells
    assert _cell_lines(left)[:4] == ["ỦY BAN NHÂN DÂN", "TỈNH HÒA BÌNH", "Số:       /UBND-KT",
                                     "V/v đôn đốc thực hiện các nhiệm vụ đã quá hạn theo Kế hoạch "
                                     "số 125/KH-UBND ngày 20/9/2018"]
    assert _cell_lines(right) == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                  "Độc lập - Tự do - Hạnh phúc",
                                  "Hòa Bình, ngày 01 tháng 7 năm 2019"]
    # No borders on the header table.
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}
    # Issuer bold capitals with a short rule; quốc hiệu bold; tiêu ngữ bold with a rule as
    # long as it; the date line italic 14 pt.
    p, r = _run_of(left, "TỈNH HÒA BÌNH")
    assert r.bold and r.font.size == Pt(13)
    rule = p._p.getnext()
    assert rule.find(".//" + qn("w:pBdr")) is not None
    _, r = _run_of(right, "CỘNG HÒA")
    assert r.bold and r.font.size == Pt(13)
    p, r = _run_of(right, "Độc lập")
    assert r.bold and r.font.size == Pt(14)
    assert p._p.getnext().find(".//" + qn("w:pBdr")) is not None
    _, r = _run_of(right, "Hòa Bình, ngày")
    assert r.italic and r.font.size == Pt(14)
    _, r = _run_of(left, "Số:")
    assert not r.bold


def test_docx_with_parent_issuer_not_bold(gold_tasks):
    letter = _letter(gold_tasks, parent_issuer="Ủy ban nhân dân tỉnh Hòa Bình")
    letter.issuer = "Sở Nông nghiệp và Phát triển nông thôn"
    doc = Document(BytesIO(render(letter, "docx")))
    left = doc.tables[0].rows[0].cells[0]
    _, parent = _run_of(left, "ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH")
    _, issuer = _run_of(left, "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN")
    assert not parent.bold and issuer.bold


def test_docx_body_kinh_gui_citation_and_closing(docx_letter):
    letter, doc = docx_letter
    texts = [p.text for p in doc.paragraphs if p.text.strip()]
    assert "Kính gửi: Sở Công Thương." in texts
    grounds = next(t for t in texts if t.startswith("Thực hiện"))
    assert grounds.startswith("Thực hiện Kế hoạch số 125/KH-UBND ngày 20/9/2018 của Ủy ban "
                              "nhân dân tỉnh Hòa Bình về triển khai thực hiện Chương trình")
    assert "đến ngày 1/7/2019" in grounds and "3 nhiệm vụ" in grounds
    closing = texts[-1]
    assert "trước ngày 11/7/2019" in closing and closing.endswith("theo dõi./.")
    body = next(p for p in doc.paragraphs if p.text.startswith("Thực hiện"))
    assert body.alignment == 3 and body.paragraph_format.first_line_indent > 0   # justified


def test_docx_task_table(docx_letter):
    letter, doc = docx_letter
    table = doc.tables[1]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["STT", "Nhiệm vụ", "Văn bản giao, mục", "Thời hạn", "Số ngày quá hạn"]
    assert len(rows) == 1 + len(letter.tasks) == 4
    assert rows[1] == ["1", "Nhóm sản phẩm Đồ uống",
                       "Kế hoạch số 125/KH-UBND ngày 20/9/2018, Phụ lục, mục III.2",
                       "31/3/2019 (Quý I/2019)", "92"]
    assert rows[3][2].endswith("Phụ lục, mục VII.1") and rows[3][4] == "1"
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None   # repeats on each page
    _, r = _run_of(table.rows[1].cells[1], "Đồ uống")
    assert r.font.size == Pt(12)


def test_docx_noi_nhan_and_signer(docx_letter):
    _, doc = docx_letter
    left, right = doc.tables[-1].rows[0].cells
    assert _cell_lines(left) == ["Nơi nhận:", "- Như trên;", "- Lưu: VT, KT."]
    _, title = _run_of(left, "Nơi nhận:")
    assert title.bold and title.italic and title.font.size == Pt(12)
    _, entry = _run_of(left, "- Như trên;")
    assert entry.font.size == Pt(11)
    assert _cell_lines(right) == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn Chương"]
    for text in ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn Chương"):
        assert _run_of(right, text)[1].bold


def test_docx_every_run_in_times_new_roman_all_scripts(docx_letter):
    _, doc = docx_letter
    runs = doc.element.body.findall(".//" + qn("w:r"))
    assert runs
    for r in runs:
        fonts = r.find(qn("w:rPr")).find(qn("w:rFonts"))
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            assert fonts.get(qn(attr)) == "Times New Roman"
    assert doc.styles["Normal"].font.name == "Times New Roman"


def test_second_reminder_says_so(gold_tasks):
    previous = [PreviousReminder("215/UBND-KT", date(2019, 6, 3))]
    letter = _letter(gold_tasks, previous=previous)
    assert letter.is_repeat and letter.ordinal == 2
    doc = Document(BytesIO(render(letter, "docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert ("đã có Công văn số 215/UBND-KT ngày 3/6/2019 đôn đốc thực hiện các nhiệm vụ này. "
            "Đây là lần đôn đốc thứ 2") in text
    assert "(lần 2)" in "\n".join(_cell_lines(doc.tables[0].rows[0].cells[0]))
    assert "nghiêm túc, khẩn trương" in text
    first = _letter(gold_tasks)
    assert "lần đôn đốc" not in render_text(first, "txt")


# ----------------------------------------------------------------------------- HTML, text

def test_html_and_text_share_the_wording(gold_tasks):
    letter = _letter(gold_tasks, copies_to=["Chủ tịch, các PCT UBND tỉnh"])
    html = render_text(letter, "html")
    txt = render_text(letter, "txt")
    for out in (html, txt):
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in out
        assert "Hòa Bình, ngày 01 tháng 7 năm 2019" in out
        assert "Kính gửi: Sở Công Thương." in out
        assert "Nhóm sản phẩm Vải và may mặc" in out
        assert "- Chủ tịch, các PCT UBND tỉnh;" in out
        assert "KT. CHỦ TỊCH" in out and "Nguyễn Văn Chương" in out
    assert html.count("<tr>") == 1 + 1 + 3 + 1      # header, task header, 3 tasks, footer
    assert "Thực hiện Kế hoạch số 125/KH-UBND ngày 20/9/2018 của Ủy ban nhân dân tỉnh" in txt


def test_html_escapes_task_text(gold_tasks):
    letter = _letter(gold_tasks)
    letter.tasks[0].action = "Báo cáo <b>Sở</b> & ngành"
    html = render_text(letter, "html")
    assert "Báo cáo &lt;b&gt;Sở&lt;/b&gt; &amp; ngành" in html
    assert "Báo cáo <b>Sở</b> & ngành" in render_text(letter, "txt")
    doc = Document(BytesIO(render(letter, "docx")))
    assert doc.tables[1].rows[1].cells[1].text == "Báo cáo <b>Sở</b> & ngành"


# ----------------------------------------------------------------------------- templates

def test_office_template_directory_overrides_wording(gold_tasks, tmp_path):
    content = (Path(__file__).resolve().parent.parent / "templates" / "reminder" / "content.j2")
    office = tmp_path / "reminder"
    office.mkdir()
    (office / "content.j2").write_text(
        content.read_text(encoding="utf-8").replace("qua theo dõi, tổng hợp",
                                                    "qua kiểm tra của Văn phòng"),
        encoding="utf-8")
    letter = _letter(gold_tasks)
    doc = Document(BytesIO(render(letter, "docx", template=tmp_path)))
    assert any("qua kiểm tra của Văn phòng" in p.text for p in doc.paragraphs)
    assert "qua kiểm tra của Văn phòng" in render_text(letter, "txt", template=tmp_path)


def test_broken_template_names_file_and_line(gold_tasks, tmp_path):
    bad = tmp_path / "cong-van.txt.j2"
    bad.write_text("Kính gửi: {{ letter.recipient_agency }}\n\n{% for t in letter.tasks %}\n"
                   "{{ t.action }\n{% endfor %}\n", encoding="utf-8")
    with pytest.raises(LetterTemplateError) as err:
        render_text(_letter(gold_tasks), "txt", template=bad)
    assert str(bad) in str(err.value) and err.value.lineno == 4
    assert "dòng 4" in str(err.value)


def test_template_runtime_error_names_file_and_line(gold_tasks, tmp_path):
    bad = tmp_path / "mau.html.j2"
    bad.write_text("<p>\n{{ letter.no_such_field }}\n</p>\n", encoding="utf-8")
    with pytest.raises(LetterTemplateError) as err:
        render_text(_letter(gold_tasks), "html", template=bad)
    assert err.value.filename.endswith("mau.html.j2") and err.value.lineno == 2


def test_docx_template_producing_bad_xml_is_reported(gold_tasks, tmp_path):
    bad = tmp_path / "mau.xml.j2"
    bad.write_text("<letter><p>{{ letter.recipient_agency }}</letter>\n", encoding="utf-8")
    with pytest.raises(LetterTemplateError, match="mau.xml.j2"):
        render(_letter(gold_tasks), "docx", template=bad)
