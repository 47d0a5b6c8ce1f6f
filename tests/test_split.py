"""Document splitting: the seeds (cover letter + forwarded plan; plan + its appendix) and
constructed files (decision + attached plan, a title in the body, a receiving stamp)."""
from __future__ import annotations

import pytest

from ocop_docs.structure.split import DocumentSpan, split_documents

DECISION_AND_PLAN = """ỦY BAN NHÂN DÂN
TỈNH BẮC GIANG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 123/QĐ-UBND
Bắc Giang, ngày 05 tháng 3 năm 2020
QUYẾT ĐỊNH
Ban hành Kế hoạch thực hiện Chương trình OCOP năm 2020
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH
Căn cứ Quyết định số 490/QĐ-TTg ngày 07/5/2018 của Thủ tướng Chính phủ;
Xét đề nghị của Giám đốc Sở Nông nghiệp và Phát triển nông thôn,
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Kế hoạch thực hiện Chương trình OCOP năm 2020.
Điều 2. Chánh Văn phòng UBND tỉnh, Giám đốc các Sở chịu trách nhiệm thi hành Quyết định này./.
Nơi nhận:
- Như Điều 2;
- Lưu: VT, KTN.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn Linh
KẾ HOẠCH
Thực hiện Chương trình OCOP năm 2020
(Ban hành kèm theo Quyết định số 123/QĐ-UBND ngày 05/3/2020 của UBND tỉnh)
I. MỤC ĐÍCH
1. Sở Nông nghiệp và Phát triển nông thôn chủ trì tổ chức đánh giá sản phẩm.
"""

TITLE_IN_BODY = """Quảng Nam, ngày 15 tháng 6 năm 2018
THÔNG BÁO
Kết luận của Phó Chủ tịch UBND tỉnh tại Hội nghị
1. Giao Sở Nông nghiệp và PTNT xây dựng
KẾ HOẠCH
triển khai chương trình trong năm 2018, báo cáo UBND tỉnh trước ngày 30/6/2018 để xem xét.
Nơi nhận:
- Như trên;
"""


def _starts(text: str) -> list[str]:
    return [text[s.start:s.start + 25].strip() for s in split_documents(text)]


def test_seed_cover_letter_and_forwarded_plan(seed_texts):
    text = seed_texts["000_d12cc8faf554fa00.txt"]
    spans = split_documents(text)
    assert len(spans) == 2
    assert spans[0].start == 0 and spans[-1].end == len(text)
    assert spans[0].end == spans[1].start
    assert text[spans[1].start:].startswith("UBND TỈNH ĐỒNG NAI")
    assert "Phạm Minh Phước" in text[spans[0].start:spans[0].end]


@pytest.mark.parametrize("name", ["001_a2896014b23254db.txt", "002_884e5c9489c26ebd.txt",
                                  "003_89f910b8a6ac1ae0.txt", "004_2b7b6d3415a4826e.txt"])
def test_single_document_seeds(seed_texts, name):
    text = seed_texts[name]
    assert split_documents(text) == [DocumentSpan(0, len(text))]


def test_appendix_stays_with_its_plan(seed_texts):
    text = seed_texts["002_884e5c9489c26ebd.txt"]
    (span,) = split_documents(text)
    assert text.index("PHỤ LỤC") < span.end


def test_decision_and_attached_plan_are_two_documents():
    starts = _starts(DECISION_AND_PLAN)
    assert len(starts) == 2
    assert starts[1].startswith("KẾ HOẠCH")


def test_a_type_word_inside_the_body_is_not_a_new_document():
    assert len(split_documents(TITLE_IN_BODY)) == 1


def test_empty_text():
    assert split_documents("") == [DocumentSpan(0, 0)]


# a decision whose Điều lines follow "QUYẾT ĐỊNH:" and whose signature is a table row, then the
# plan it issues (Markdown conversion of a web page)
DECISION_TABLE_AND_PLAN = """| ỦY BAN NHÂN DÂN TỈNH KON TUM ------- | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM ------- |
|---|---|
| Số: 77/QĐ-UBND | Kon Tum, ngày 02 tháng 3 năm 2021 |

QUYẾT ĐỊNH

BAN HÀNH KẾ HOẠCH PHÒNG CHỐNG THIÊN TAI NĂM 2021

Căn cứ Luật Phòng, chống thiên tai năm 2013;

QUYẾT ĐỊNH:

Điều 1. Ban hành kèm theo Quyết định này Kế hoạch phòng chống thiên tai năm 2021.

Điều 2. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc các sở chịu trách nhiệm thi hành./.

| Nơi nhận: - Như Điều 2; - Lưu: VT. | CHỦ TỊCH Nguyễn Văn Hòa |
|---|---|

KẾ HOẠCH

PHÒNG CHỐNG THIÊN TAI NĂM 2021 (Kèm theo Quyết định số 77/QĐ-UBND ngày 02/3/2021)

I. MỤC ĐÍCH

1. Sở Nông nghiệp và Phát triển nông thôn chủ trì rà soát phương án ứng phó thiên tai.
"""


def test_signature_table_closes_the_decision_before_its_plan():
    starts = _starts(DECISION_TABLE_AND_PLAN)
    assert len(starts) == 2
    assert starts[1].startswith("KẾ HOẠCH")


def test_a_document_printed_twice_is_one_document():
    text = DECISION_TABLE_AND_PLAN.split("KẾ HOẠCH\n\nPHÒNG")[0]
    assert len(split_documents(text + "\n" + text)) == 1


@pytest.mark.parametrize("line,is_title", [
    ("QUYẾT ĐỊNH", True), ("KẾ HOẠCH", True), ("QUYẾT ĐỊNH:", False), ("Kế hoạch", False)])
def test_enacting_formula_is_not_a_title(line, is_title):
    from ocop_docs.structure.split import split_lines, title_type
    assert bool(title_type(split_lines(line)[0])) == is_title


@pytest.mark.parametrize("text,expected", [
    ("T hủ tướ ng Chính phủ", "Thủ tướng Chính phủ"),
    ("UBND các t ỉ nh, thành phố", "UBND các tỉnh, thành phố"),
    ("Trợ l ý Thủ tướng", "Trợ lý Thủ tướng"),
    ("Sở KH và ĐT; Bộ Y tế; Nguyễn Văn A", "Sở KH và ĐT; Bộ Y tế; Nguyễn Văn A"),
    ("K Ế HOẠCH", "KẾ HOẠCH"),
])
def test_stray_spaces_inside_words(text, expected):
    from ocop_docs.structure.split import rejoin_split_words
    assert rejoin_split_words(text) == expected


@pytest.mark.parametrize("line,kind", [
    ("ĐẾN Số: 12 Ngày: 5/3 CHỈ THỊ", "Chỉ thị"), ("CV ĐẾN KẾ HOẠCH", "Kế hoạch"),
    ("Đến nay chưa có KẾ HOẠCH", None), ("ĐẾN Số: 12", None)])
def test_title_after_a_receiving_stamp(line, kind):
    from ocop_docs.structure.split import split_lines, title_type
    assert title_type(split_lines(line)[0]) == kind
