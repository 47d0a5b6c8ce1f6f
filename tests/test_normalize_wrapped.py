"""Text normalisation for converters' output (issue 8, class 7): hard-wrapped text (a PDF text
layer wrapped at ~75 characters) is re-joined even when the next line starts with a capital
("... năm 2023 của" / "Thủ tướng Chính phủ ..."); a list marker alone on its line is put back
before its text; Markdown italics lose their stars while "* item" bullets stay.

Invented texts (other provinces and topics than the corpus).
"""
import datetime as dt
import textwrap

import pytest

from ocop_docs.extract.tasks import extract_tasks
from ocop_docs.normalize import normalize_text

PARAGRAPHS = [
    "Căn cứ Quyết định số 215/QĐ-TTg ngày 14 tháng 3 năm 2023 của Thủ tướng Chính phủ phê duyệt "
    "Chương trình phát triển lâm nghiệp bền vững;",
    "Ủy ban nhân dân tỉnh Tuyên Quang ban hành Kế hoạch triển khai Chương trình phát triển lâm "
    "nghiệp bền vững trên địa bàn tỉnh năm 2024 như sau:",
    "I. NHIỆM VỤ",
    "1. Sở Nông nghiệp và Phát triển nông thôn chủ trì, phối hợp với Sở Tài nguyên và Môi trường "
    "rà soát, cập nhật quy hoạch ba loại rừng, trình Ủy ban nhân dân tỉnh phê duyệt trong Quý "
    "III/2024.",
    "2. Sở Tài chính chủ trì, phối hợp với Sở Kế hoạch và Đầu tư tham mưu bố trí kinh phí sự "
    "nghiệp lâm nghiệp từ nguồn ngân sách tỉnh, hoàn thành trước ngày 30/9/2024.",
    "3. Ủy ban nhân dân các huyện, thành phố chỉ đạo Ủy ban nhân dân cấp xã giao đất, giao rừng "
    "cho hộ gia đình, cá nhân theo quy định của pháp luật về lâm nghiệp hiện hành.",
]


def wrap(paragraphs, width=75):
    return "\n".join(line for p in paragraphs for line in textwrap.wrap(p, width)) + "\n"


def test_the_wrapped_fixture_really_breaks_before_a_capital():
    raw = wrap(PARAGRAPHS)
    assert "năm 2023 của Thủ tướng\nChính phủ" in raw or "của\nThủ tướng" in raw
    assert max(len(line) for line in raw.splitlines()) <= 75


@pytest.mark.parametrize("width", [72, 75, 80])
def test_hard_wrapped_paragraphs_are_rejoined(width):
    out = normalize_text(wrap(PARAGRAPHS, width))
    assert out.splitlines() == PARAGRAPHS


def test_rejoined_text_gives_whole_tasks():
    text = normalize_text(wrap(PARAGRAPHS))
    tasks = extract_tasks(text, 0, len(text), dt.date(2024, 3, 1))
    got = [(t.lead, t.support, t.due) for t in tasks]
    assert got == [
        (["Sở Nông nghiệp và Phát triển nông thôn"], ["Sở Tài nguyên và Môi trường"], "2024-09-30"),
        (["Sở Tài chính"], ["Sở Kế hoạch và Đầu tư"], "2024-09-30"),
        (["Ủy ban nhân dân các huyện, thành phố"], [], None),
    ]
    assert tasks[1].action.endswith("hoàn thành trước ngày 30/9/2024.")


def test_wrapped_line_starting_with_a_year_is_rejoined():
    paragraphs = [
        "Căn cứ Quyết định số 809/QĐ-TTg ngày 12 tháng 7 năm 2022 của Thủ tướng Chính phủ phê duyệt "
        "Chương trình phát triển lâm nghiệp bền vững giai đoạn 2021 - 2030;",
    ] + PARAGRAPHS[1:]
    raw = wrap(paragraphs, 75)
    assert "\n2021 - 2030;" in raw
    assert normalize_text(raw).splitlines() == paragraphs


def test_text_with_one_paragraph_a_line_is_not_joined():
    # short lines without end punctuation, each its own paragraph (no wrap width)
    text = ("Kính gửi:\n- Sở Tài chính\n- Sở Xây dựng\nỦy ban nhân dân tỉnh Tuyên Quang\n"
            "Thực hiện chỉ đạo của Thủ tướng Chính phủ\nCác đơn vị triển khai ngay\n")
    assert normalize_text(text) == text


def test_capital_titles_in_wrapped_text_keep_their_lines():
    body = wrap(PARAGRAPHS)
    text = body + "II. TỔ CHỨC THỰC HIỆN\nIII. KINH PHÍ THỰC HIỆN\n"
    lines = normalize_text(text).splitlines()
    assert lines[-2:] == ["II. TỔ CHỨC THỰC HIỆN", "III. KINH PHÍ THỰC HIỆN"]


# ------------------------------------------------------------------ markers alone on their line

@pytest.mark.parametrize("raw, expected", [
    ("a)\nXác định danh mục sản phẩm chủ lực của huyện.\nb)\nXây dựng kế hoạch phát triển.\n",
     "a) Xác định danh mục sản phẩm chủ lực của huyện.\nb) Xây dựng kế hoạch phát triển.\n"),
    ("1.\nMục đích: nâng cao năng lực quản lý.\n2.\nYêu cầu: bảo đảm tiến độ.\n",
     "1. Mục đích: nâng cao năng lực quản lý.\n2. Yêu cầu: bảo đảm tiến độ.\n"),
    ("II.\nTỔ CHỨC THỰC HIỆN\n-\nSở Y tế chủ trì triển khai.\n",
     "II. TỔ CHỨC THỰC HIỆN\n- Sở Y tế chủ trì triển khai.\n"),
    # a blank line between the marker and its text (converters)
    ("c)\n\nTổ chức tập huấn cho cán bộ xã.\n", "c) Tổ chức tập huấn cho cán bộ xã.\n"),
])
def test_bare_marker_is_put_back(raw, expected):
    assert normalize_text(raw) == expected


def test_bare_marker_lines_give_lettered_tasks():
    raw = ("2. Sở Y tế\na)\nKiểm tra an toàn thực phẩm tại bếp ăn tập thể.\nb)\n"
           "Tập huấn sơ cấp cứu cho giáo viên.\n")
    text = normalize_text(raw)
    tasks = extract_tasks(text, 0, len(text), dt.date(2025, 1, 1))
    assert [(t.action, t.lead, t.section) for t in tasks] == [
        ("Kiểm tra an toàn thực phẩm tại bếp ăn tập thể.", ["Sở Y tế"], "2.a"),
        ("Tập huấn sơ cấp cứu cho giáo viên.", ["Sở Y tế"], "2.b"),
    ]


# ------------------------------------------------------------------ Markdown italics and bullets

@pytest.mark.parametrize("raw, expected", [
    ("*Căn cứ Luật Tổ chức chính quyền địa phương năm 2025;*\n",
     "Căn cứ Luật Tổ chức chính quyền địa phương năm 2025;\n"),
    ("*Căn cứ Luật Ngân sách nhà nước;*\n\n*Theo đề nghị của Giám đốc Sở Nội vụ.*\n",
     "Căn cứ Luật Ngân sách nhà nước;\n\nTheo đề nghị của Giám đốc Sở Nội vụ.\n"),
    ("Ủy ban nhân dân tỉnh *yêu cầu* các sở thực hiện.\n",
     "Ủy ban nhân dân tỉnh yêu cầu các sở thực hiện.\n"),
    # "* item" bullets keep their star
    ("Nơi nhận:\n* Sở Tài chính;\n* Sở Xây dựng.\n", "Nơi nhận:\n* Sở Tài chính;\n* Sở Xây dựng.\n"),
    # both on neighbouring lines
    ("*Căn cứ Luật Đầu tư công;*\n* Sở Tài chính;\n",
     "Căn cứ Luật Đầu tư công;\n* Sở Tài chính;\n"),
])
def test_markdown_italics_lose_their_stars_bullets_stay(raw, expected):
    assert normalize_text(raw) == expected


@pytest.mark.parametrize("raw", [
    wrap(PARAGRAPHS),
    "a)\nXác định danh mục sản phẩm.\n*Căn cứ Luật Đầu tư công;*\n* Sở Tài chính;\n",
])
def test_idempotent(raw):
    once = normalize_text(raw)
    assert normalize_text(once) == once


def test_layout_text_with_indented_first_lines_joins_a_clause_broken_after_a_semicolon():
    """pdftotext -layout indents the first line of each paragraph: a full line ending in ";"
    followed by a line further left goes on in that line; a line as far in as a paragraph's
    first line does not."""
    first = ("      - Báo cáo quý: Các phòng chuyên môn gửi Văn phòng Sở Giao thông trước ngày "
             "05 tháng cuối quý;")
    lines = [
        "      1. Văn phòng Sở chủ trì tổng hợp tình hình thực hiện kế hoạch cải cách hành",
        "chính của các phòng, đơn vị trực thuộc Sở Giao thông vận tải tỉnh Hà Giang và",
        "báo cáo Giám đốc Sở theo quy định về chế độ báo cáo định kỳ hiện hành như sau:",
        first,
        "Văn phòng Sở tổng hợp báo cáo Ủy ban nhân dân tỉnh trước ngày 10 tháng cuối quý.",
        "      - Báo cáo năm: Các phòng chuyên môn gửi Văn phòng Sở trước ngày 10/12 hằng năm;",
        "      Văn phòng Sở tổng hợp báo cáo Ủy ban nhân dân tỉnh trước ngày 15/12 hằng năm.",
    ] * 3
    out = normalize_text("\n".join(lines) + "\n").splitlines()
    assert first.strip() + " Văn phòng Sở tổng hợp báo cáo Ủy ban nhân dân tỉnh trước ngày 10 " \
        "tháng cuối quý." in out
    assert "Văn phòng Sở tổng hợp báo cáo Ủy ban nhân dân tỉnh trước ngày 15/12 hằng năm." in out


def test_report_schedule_line_label_gives_the_rhythm():
    """ "Báo cáo năm: A gửi ... trước ngày 15/12; B tổng hợp ...": the label is the rhythm of
    the line, its days recur (due null); the subject after the label leads, not the lead-in's
    agencies. The second clause, with its own named subject, is B's task with the same rhythm
    (GUIDELINES: two obligations for different agencies are two tasks); a ";" inside an opening
    list of agencies never splits (tests/test_tasks.py)."""
    text = normalize_text(
        "3. Các phòng chuyên môn định kỳ tổng hợp báo cáo kết quả thực hiện như sau:\n"
        "- Báo cáo năm: Các phòng chuyên môn gửi Văn phòng Sở trước ngày 15/12; Văn phòng Sở "
        "tổng hợp báo cáo Ủy ban nhân dân tỉnh trước ngày 20/12.\n")
    tasks = extract_tasks(text, 0, len(text), dt.date(2026, 5, 4))
    assert [(t.lead, t.due, t.recurrence) for t in tasks] == [
        (["Các phòng chuyên môn"], None, "annual"),
        (["Văn phòng Sở"], None, "annual"),
    ]


def test_converted_text_without_blank_lines_joins_lines_broken_before_a_capital():
    """A web page converted line by line (no blank lines, most lines running on): a paragraph
    broken before a capital ("... thành phố Đà" / "Lạt ...") is one line again; list items
    and table bars keep their lines."""
    body = [
        "Điều 1. Thành lập Ban Quản lý",
        "Khu công nghệ cao thành phố Đà",
        "Lạt trên cơ sở tổ chức lại Ban Quản lý các khu công nghiệp",
        "1. Ban Quản lý Khu công nghệ cao thành phố Đà",
        "Lạt là cơ quan hành chính thuộc Ủy ban nhân dân tỉnh Lâm",
        "Đồng, thực hiện chức năng quản lý nhà nước đối với khu công nghệ cao.",
        "|",
    ]
    out = normalize_text("\n".join(body * 4) + "\n").splitlines()
    assert "1. Ban Quản lý Khu công nghệ cao thành phố Đà Lạt là cơ quan hành chính thuộc Ủy ban " \
        "nhân dân tỉnh Lâm Đồng, thực hiện chức năng quản lý nhà nước đối với khu công nghệ " \
        "cao." in out
    assert out.count("|") == 4


def test_short_wrapped_letter_with_many_header_lines_is_still_rejoined():
    """A one-page letter: its header and closing lines are short, but the lines that run on
    fill the width, so wrapped items are one line again ("... phối hợp với Sở" / "Tài chính
    ...")."""
    header = ["ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
              "Độc lập - Tự do - Hạnh phúc", "Số: 512/UBND-KT",
              "V/v triển khai Nghị định về quản lý rừng", "Kính gửi:",
              "- Các sở, ban, ngành tỉnh;", "- Ủy ban nhân dân các xã, phường.",
              "Điện Biên, ngày 12 tháng 6 năm 2026",
              "Nơi nhận:", "- Như trên;", "- Chủ tịch, các Phó Chủ tịch UBND tỉnh;",
              "- Lãnh đạo Văn phòng UBND tỉnh;", "- Cổng thông tin điện tử tỉnh;",
              "- Sở Tài chính tỉnh Điện Biên;", "- Báo Điện Biên Phủ, Đài PT-TH tỉnh;",
              "- Các Chi cục Kiểm lâm vùng;",
              "- Lưu: VT, KT.", "KT. CHỦ TỊCH ỦY BAN NHÂN DÂN", "PHÓ CHỦ TỊCH THƯỜNG TRỰC",
              "Lò Văn Mừng"]
    body = textwrap.wrap(
        "1. Sở Nông nghiệp và Môi trường chủ trì tổ chức phổ biến Nghị định đến các chủ rừng "
        "trên địa bàn tỉnh; hướng dẫn các chủ rừng lập phương án quản lý rừng bền vững, "
        "tham mưu Ủy ban nhân dân tỉnh các nội dung thuộc thẩm quyền của tỉnh.", 78)
    body += textwrap.wrap(
        "2. Các sở, ban, ngành cấp tỉnh theo chức năng nhiệm vụ, phối hợp với Sở Tài chính "
        "triển khai thực hiện các nội dung theo quy định tại Nghị định số 91/2026/NĐ-CP.", 78)
    body += textwrap.wrap(
        "3. Ủy ban nhân dân các xã, phường nghiên cứu, triển khai thực hiện các nội dung "
        "thuộc trách nhiệm của địa phương; tổ chức tuyên truyền Nghị định đến các hộ gia đình, "
        "cá nhân nhận khoán bảo vệ rừng, báo cáo kết quả trước ngày 30 tháng 11 năm 2026.", 78)
    out = normalize_text("\n".join(header[:9] + body + header[9:]) + "\n").splitlines()
    assert "2. Các sở, ban, ngành cấp tỉnh theo chức năng nhiệm vụ, phối hợp với Sở Tài chính " \
        "triển khai thực hiện các nội dung theo quy định tại Nghị định số 91/2026/NĐ-CP." in out


def test_an_article_word_wrapped_away_from_its_number_is_one_heading():
    # own corpus 208 (a crawled decision wrapped at a fixed width): "**Điều" / "10. Cập nhật ...**"
    # became a paragraph "Điều" and an item "10.", so the article's items hung under another
    text = ("**Điều 9. Xây dựng Cơ sở dữ liệu về giá**\n\n"
            "1. Sở Tài chính chủ trì xây dựng Cơ sở dữ liệu về giá của địa phương.\n\n"
            "**Điều\n10. Cập nhật thông tin dữ liệu vào Cơ sở dữ liệu về giá của địa phương**\n\n"
            "1. Sở Tài chính chịu trách nhiệm cập nhật các thông tin, dữ liệu về giá.\n\n"
            "**Chương\nIII. TỔ CHỨC THỰC HIỆN**\n")
    lines = normalize_text(text).splitlines()
    assert "Điều 10. Cập nhật thông tin dữ liệu vào Cơ sở dữ liệu về giá của địa phương" in lines
    assert "Chương III. TỔ CHỨC THỰC HIỆN" in lines
    assert "Điều" not in lines
    # a reference to an article inside a sentence is no heading
    wrapped = normalize_text("theo quy định tại khoản 2, khoản 3 Điều\n15 Nghị định số 85/2024/NĐ-CP.\n")
    assert not any(line.startswith("Điều 15") for line in wrapped.splitlines())
