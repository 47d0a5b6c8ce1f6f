"""Header parsing: numbers, types, dates, places, issuers, signers — table-driven on constructed
headers, and the dev-set field accuracy on the seeds, scored with the scorer's own field_ok.

Run `python tests/test_header.py` to print the per-field accuracy."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ocop_docs.evaluation.score import DOC_FIELDS, field_ok, pair_documents
from ocop_docs.model import DOC_TYPES
from ocop_docs.resources import load_tsv, load_yaml
from ocop_docs.structure.header import normalize_number, parse_header, type_from_number
from ocop_docs.structure.split import split_documents

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("raw,expected", [
    ("7590/UBND-KT.", "7590/UBND-KT"),
    ("**7590**/UBND-KT.", "7590/UBND-KT"),
    ("~~5077~~ /KH-SNN", "5077/KH-SNN"),
    ("125 / KH-UBND", "125/KH-UBND"),
    ("39/2018/NĐ-CP", "39/2018/NĐ-CP"),
    ("46-CT/TU", "46-CT/TU"),
    ("392/TTr-CCPTNT-QLCL,", "392/TTr-CCPTNT-QLCL"),
    ("     /KH-UBND", None),                        # unnumbered draft
    ("2 54/QĐ-UBND", "254/QĐ-UBND"),                # digits cut by a stray space
    ("II /TB-UBND", "11/TB-UBND"),                  # OCR letters for digits
    ("/KH-UBND Tam Nông, ngày tháng 5 năm 2020", None),
    ("7590/UBND-KT Vĩnh Cửu, ngày 16 tháng 12 năm 2019", "7590/UBND-KT"),
])
def test_normalize_number(raw, expected):
    assert normalize_number(raw) == expected


@pytest.mark.parametrize("number,expected", [
    ("5077/KH-SNN", "Kế hoạch"), ("123/QĐ-UBND", "Quyết định"), ("48/TB-UBND", "Thông báo"),
    ("7590/UBND-KT", "Công văn"), ("1099/VPCP-CĐS", "Công văn"), ("39/2018/NĐ-CP", "Nghị định"),
    ("46-CT/TU", "Chỉ thị"), ("57-NQ/TW", "Nghị quyết"), ("06-CTr/TU", "Chương trình"),
    ("392/TTr-CCPTNT-QLCL", "Tờ trình"), ("12/2019/TT-BNNPTNT", "Thông tư"), (None, None),
])
def test_type_from_number(number, expected):
    assert type_from_number(number) == expected


# constructed headers: (text, expected fields of the first document)
CASES = [
    # two-column header flattened onto shared lines; unnumbered draft with a blank day
    ("ỦY BAN NHÂN DÂN          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
     "HUYỆN TAM NÔNG           Độc lập - Tự do - Hạnh phúc\n"
     "Số:      /KH-UBND        Tam Nông, ngày    tháng 5 năm 2020\n"
     "KẾ HOẠCH\nThực hiện Chương trình mỗi xã một sản phẩm năm 2020\n"
     "Căn cứ Kế hoạch số 45/KH-UBND ngày 10/3/2020 của UBND tỉnh;\nI. MỤC TIÊU\n",
     dict(doc_type="Kế hoạch", number=None, issued_date=None, place="Tam Nông",
          issuer="Ủy ban nhân dân huyện Tam Nông",
          subject="Thực hiện Chương trình mỗi xã một sản phẩm năm 2020")),
    # Công văn of a department: parent body, V/v, receiving stamp, Kính gửi on one line
    ("UBND TỈNH LÂM ĐỒNG\nSỞ KẾ HOẠCH VÀ ĐẦU TƯ\nSố: 1234/SKHĐT-KTN\n"
     "V/v góp ý dự thảo Kế hoạch OCOP\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
     "Độc lập - Tự do - Hạnh phúc\nLâm Đồng, ngày 02/4/2021\nCV ĐẾN\nSố: 456\nNgày 05/4\n"
     "Kính gửi: Sở Nông nghiệp và Phát triển nông thôn.\n"
     "Sở Kế hoạch và Đầu tư có ý kiến như sau: thống nhất với dự thảo./.\n"
     "Nơi nhận:\n- Như trên;\n- Lưu: VT, KTN.\nGIÁM ĐỐC\nTrần Thị Mai\n",
     dict(doc_type="Công văn", number="1234/SKHĐT-KTN", issued_date="2021-04-02",
          place="Lâm Đồng", issuer="Sở Kế hoạch và Đầu tư tỉnh Lâm Đồng",
          parent_issuer="Ủy ban nhân dân tỉnh Lâm Đồng", subject="góp ý dự thảo Kế hoạch OCOP",
          recipients=["Sở Nông nghiệp và Phát triển nông thôn"], distribution=["Như trên"],
          signer="Trần Thị Mai", signer_title="GIÁM ĐỐC")),
    # Party document: "Số 46-CT/TU", T/M signature, name in capitals
    ("TỈNH ỦY QUẢNG NINH\n*\nSố 46-CT/TU\nĐẢNG CỘNG SẢN VIỆT NAM\n"
     "Quảng Ninh, ngày 27 tháng 6 năm 2019\nCHỈ THỊ\nCỦA BAN THƯỜNG VỤ TỈNH ỦY\n"
     "về tăng cường công tác lãnh đạo việc triển khai Chương trình OCOP\n"
     "Thời gian qua, việc triển khai chương trình đã đạt nhiều kết quả rất đáng ghi nhận.\n"
     "Nơi nhận:\n- Các huyện ủy, thành ủy;\n- Lưu VPTU.\nT/M BAN THƯỜNG VỤ\n"
     "PHÓ BÍ THƯ THƯỜNG TRỰC\nNGUYỄN VĂN ĐỌC\n",
     dict(doc_type="Chỉ thị", number="46-CT/TU", issued_date="2019-06-27", place="Quảng Ninh",
          signer="Nguyễn Văn Đọc",
          subject="về tăng cường công tác lãnh đạo việc triển khai Chương trình OCOP")),
    # no header at all: the author named in the body, the locality in the title
    ("KẾ HOẠCH\nTRIỂN KHAI CHƯƠNG TRÌNH OCOP TỈNH PHÚ YÊN, GIAI ĐOẠN 2021 - 2025\n"
     "Căn cứ Quyết định số 919/QĐ-TTg ngày 01/8/2022 của Thủ tướng Chính phủ;\n"
     "Ủy ban nhân dân tỉnh ban hành Kế hoạch thực hiện như sau:\nI. MỤC ĐÍCH\n",
     dict(doc_type="Kế hoạch", number=None, issuer="Ủy ban nhân dân tỉnh Phú Yên",
          place="Phú Yên", signer=None)),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_constructed_headers(text, expected):
    header = parse_header(text, split_documents(text)[0])
    got = {k: getattr(header, k) for k in expected}
    assert got == expected


def test_body_offsets_exclude_header_stamp_and_signature():
    text = CASES[1][0]
    header = parse_header(text, split_documents(text)[0])
    body = text[header.body_start:header.body_end]
    assert body.startswith("Sở Kế hoạch và Đầu tư có ý kiến")
    assert "Nơi nhận" not in body and "ĐẾN" not in body


def test_attached_plan_takes_the_decision_issuer():
    from tests.test_split import DECISION_AND_PLAN as text
    spans = split_documents(text)
    decision = parse_header(text, spans[0])
    plan = parse_header(text, spans[1], decision)
    assert (decision.doc_type, decision.number, decision.signer) == (
        "Quyết định", "123/QĐ-UBND", "Nguyễn Văn Linh")
    assert (plan.doc_type, plan.number, plan.issued_date) == ("Kế hoạch", None, None)
    assert plan.issuer == decision.issuer == "Ủy ban nhân dân tỉnh Bắc Giang"
    assert text[plan.body_start:].startswith("I. MỤC ĐÍCH")


def test_receiving_stamp_is_not_the_number(seed_texts):
    text = seed_texts["003_89f910b8a6ac1ae0.txt"]
    header = parse_header(text, split_documents(text)[0])
    assert header.number is None
    assert "ĐẾN" not in text[header.body_start:header.body_start + 200]


def test_appendix_line_gives_the_plan_number(seed_texts):
    text = seed_texts["002_884e5c9489c26ebd.txt"]
    header = parse_header(text, split_documents(text)[0])
    assert (header.number, header.issued_date) == ("125/KH-UBND", "2018-09-20")
    assert header.appendix_start is not None
    assert text[header.appendix_start:].lstrip().startswith("PHỤ LỤC")
    assert header.body_end < header.appendix_start


# ---------------------------------------------------------------- dev-set accuracy

def dev_accuracy() -> tuple[dict[str, float], list[str]]:
    """Per-field accuracy of split+header on the seeds against the gold (scorer's field_ok)."""
    right = {f: 0 for f in DOC_FIELDS}
    total = 0
    misses = []
    for path in sorted((REPO / "corpus" / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        gold = json.loads((REPO / "corpus" / "gold" / f"{path.name}.gold.json").read_text(
            encoding="utf-8"))["documents"]
        preds, previous = [], None
        for span in split_documents(text):
            previous = parse_header(text, span, previous)
            preds.append(vars(previous))
        for g, p in pair_documents(gold, preds):
            total += 1
            for f in DOC_FIELDS:
                ok = field_ok(f, g.get(f), (p or {}).get(f))
                right[f] += ok
                if not ok:
                    misses.append(f"{path.name}: {f}: gold {g.get(f)!r} pred {(p or {}).get(f)!r}")
    return {f: right[f] / total for f in DOC_FIELDS}, misses


def test_dev_set_field_accuracy():
    accuracy, misses = dev_accuracy()
    assert all(v >= 0.9 for v in accuracy.values()), (accuracy, misses)


def test_seed_document_count(seed_texts):
    assert [len(split_documents(t)) for _, t in sorted(seed_texts.items())] == [2, 1, 1, 1, 1]


# ---------------------------------------------------------------- data integrity

def test_doc_types_data():
    rows = load_tsv("doc_types.tsv")
    assert {r["contract"] for r in rows} <= set(DOC_TYPES)
    names = [r["name"] for r in rows]
    assert len(names) == len(set(names))
    abbreviations = [r["abbreviation"] for r in rows if r["abbreviation"]]
    assert len(abbreviations) == len(set(abbreviations))
    for row in rows:
        assert row["title"] == row["title"].upper()
    for name, abbreviation in [("Kế hoạch", "KH"), ("Quyết định", "QĐ"), ("Thông báo", "TB"),
                               ("Tờ trình", "TTr"), ("Nghị định", "NĐ"), ("Luật", "L")]:
        assert {"name": name, "abbreviation": abbreviation} .items() <= next(
            r for r in rows if r["name"] == name).items()
    assert next(r for r in rows if r["name"] == "Công văn")["abbreviation"] == ""


def test_document_parts_data():
    data = load_yaml("document_parts.yaml")
    for key in ("motto", "body_start", "web_cues", "web_footer", "signer_titles"):
        assert isinstance(data[key], list) and data[key]
    for key, value in data.items():
        for pattern in value if isinstance(value, list) else [value]:
            if isinstance(pattern, str):
                re.compile(pattern)
    names = {w.lower() for w in data["not_name_words"]}
    assert not names & {"văn", "thị", "minh", "thành", "trung", "tâm", "huy", "dung"}


if __name__ == "__main__":
    acc, miss = dev_accuracy()
    for field, value in acc.items():
        print(f"{field:12} {value:.2f}")
    print("\n".join(miss))


@pytest.mark.parametrize("line,place", [
    ("Vĩnh Cửu, ngày **16** tháng 12 năm 2019", "Vĩnh Cửu"),
    ("TP. Hồ Chí Minh, ngày 05 tháng 3 năm 2020", "TP. Hồ Chí Minh"),
    ("Số: 12/KH-UBND   Tam Nông, ngày 1 tháng 5 năm 2020", "Tam Nông"),
    ("Hà Nội, ngày 05/3/2020", "Hà Nội"),
    ("Trên cơ sở đó, ngày 12/6/2018 UBND tỉnh tổ chức Hội nghị", None),   # a body clause
    ("Ngày 12/6/2018, tại UBND tỉnh", None),
])
def test_date_line_place(line, place):
    from ocop_docs.structure.split import date_line_place, split_lines
    assert date_line_place(split_lines(line)[0]) == place


# ---------------------------------------------------------------- layout tables
# The two-column header and the signature block as table rows: Markdown/HTML conversions, .docx
# cells read as one paragraph, fixed-width text tables. (text, expected fields)
LAYOUT_CASES = [
    # Markdown conversion: header cells with rules, Công văn with V/v in the number cell,
    # signature cell "KT. ... PHÓ ... Name" beside a one-line Nơi nhận
    ("| BỘ KHOA HỌC VÀ CÔNG NGHỆ ------- | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - "
     "Hạnh phúc --------------- |\n|---|---|\n"
     "| Số: 415/BKHCN-VP V/v đôn đốc báo cáo kết quả đổi mới sáng tạo | Hà Nội, ngày 09 tháng "
     "3 năm 2022 |\n\nKính gửi: Ủy ban nhân dân các tỉnh, thành phố.\n\n"
     "Bộ Khoa học và Công nghệ đề nghị các địa phương gửi báo cáo trước ngày 30/3/2022./.\n\n"
     "| Nơi nhận: - Như trên; - Bộ trưởng (để b/c); - Lưu: VT, VP. | KT. BỘ TRƯỞNG THỨ TRƯỞNG "
     "Lê Xuân Định |\n|---|---|\n",
     dict(doc_type="Công văn", number="415/BKHCN-VP", issued_date="2022-03-09", place="Hà Nội",
          signer="Lê Xuân Định", subject="đôn đốc báo cáo kết quả đổi mới sáng tạo",
          distribution=["Như trên", "Bộ trưởng (để b/c)"])),
    # .docx: each column one merged cell; unnumbered working version (blank number and day)
    ("| ỦY BAN NHÂN DÂN TỈNH GIA LAI Số: /TB-UBND | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - "
     "Tự do - Hạnh phúc Gia Lai, ngày tháng 7 năm 2025 |\n\nTHÔNG BÁO\n"
     "Kết luận của Chủ tịch UBND tỉnh tại buổi làm việc với Sở Y tế\n"
     "Ngày 02/7/2025, Chủ tịch UBND tỉnh đã làm việc với Sở Y tế và kết luận như sau:\n"
     "1. Giao Sở Y tế rà soát danh mục thuốc./.\n\n"
     "| Nơi nhận: - Sở Y tế; - Lưu: VT, KGVX. | TL. CHỦ TỊCH KT. CHÁNH VĂN PHÒNG "
     "PHÓ CHÁNH VĂN PHÒNG Trần Văn Bình |\n",
     dict(doc_type="Thông báo", number=None, issued_date=None, place="Gia Lai",
          issuer="Ủy ban nhân dân tỉnh Gia Lai", signer="Trần Văn Bình")),
    # fixed-width text table; signature column spread over the rows of the Nơi nhận column
    ("|ỦY BAN NHÂN DÂN          |CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM   |\n"
     "|HUYỆN ĐỨC LINH           |Độc lập - Tự do - Hạnh phúc          |\n"
     "|Số: 88/KH-UBND           |Đức Linh, ngày 14 tháng 02 năm 2023  |\n\nKẾ HOẠCH\n"
     "Phát triển sản phẩm OCOP năm 2023\n\nI. MỤC TIÊU\n"
     "1. Phòng Nông nghiệp và PTNT chủ trì hướng dẫn các xã hoàn thiện hồ sơ sản phẩm./.\n"
     "|Nơi nhận:                 |   KT. CHỦ TỊCH       |\n"
     "|- Sở NN và PTNT;          |   PHÓ CHỦ TỊCH       |\n"
     "|- Thường trực Huyện ủy;   |                      |\n"
     "|- Lưu: VT, NN.            |   Lê Thị Hoa         |\n",
     dict(doc_type="Kế hoạch", number="88/KH-UBND", issued_date="2023-02-14", place="Đức Linh",
          issuer="Ủy ban nhân dân huyện Đức Linh", signer="Lê Thị Hoa",
          signer_title="KT. CHỦ TỊCH PHÓ CHỦ TỊCH",
          distribution=["Sở NN và PTNT", "Thường trực Huyện ủy"])),
    # a central body's header on lines of its own, a web page's label line above it
    ("Nguồn văn bản: CỔNG THÔNG TIN\n\nCHÍNH PHỦ\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n___\n"
     "Độc lập - Tự do - Hạnh phúc\n\nSố: 12/2024/NĐ-CP\n\nHà Nội, ngày 05 tháng 02 năm 2024\n\n"
     "NGHỊ ĐỊNH\nQuy định chi tiết một số điều của Luật Trồng trọt\n\nCăn cứ Luật Trồng trọt;\n",
     dict(doc_type="Nghị định", number="12/2024/NĐ-CP", issuer="Chính phủ", place="Hà Nội")),
    ("THỦ TƯỚNG CHÍNH PHỦ\n-------\nSố: 99/TTg-NN\nV/v sản phẩm OCOP\n"
     "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nHà Nội, ngày 01 tháng 6 năm 2023\n"
     "Kính gửi: Bộ Nông nghiệp và Phát triển nông thôn\n",
     dict(doc_type="Công văn", issuer="Thủ tướng Chính phủ", issued_date="2023-06-01")),
    # converted web page: each header cell on its own lines, the motto and the body type broken
    # over lines, the date line broken in two; signature title and name after a bar line
    ("|\nVĂN PHÒNG\nCHÍNH PHỦ\n-----\n|\nCỘNG HÒA XÃ\nHỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - "
     "Hạnh phúc\n|\nSố: 15/2024/L-CTN\n|\n*Hà Nội, ngày\n12 tháng 7 năm 2024*\n|\n\nLỆNH\n"
     "Về việc công bố Luật\n\nCăn cứ Hiến pháp;\n\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n|\n"
     "KT. BỘ TRƯỞNG, CHỦ NHIỆM\nPHÓ CHỦ NHIỆM\nVõ Văn Minh\n|\n",
     dict(issuer="Văn phòng Chính phủ", issued_date="2024-07-12", place="Hà Nội",
          signer="Võ Văn Minh")),
    # the space between the Nơi nhận and signature columns lost: the signature column runs on
    # at the ends of the list's lines
    ("ỦY BAN NHÂN DÂN\nTỈNH YÊN BÁI\nSố: 40/KH-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
     "Yên Bái, ngày 03 tháng 3 năm 2022\nKẾ HOẠCH\nPhát triển du lịch nông thôn\n"
     "I. MỤC TIÊU\n1. Sở Văn hóa chủ trì xây dựng sản phẩm du lịch./.\n"
     "Nơi nhận: TM. ỦY BAN NHÂN DÂN\n- Như trên; KT. CHỦ TỊCH\n- Sở Tài chính; PHÓ CHỦ TỊCH\n"
     "- UBND các huyện;\n- Lưu: VT. Hoàng Thị Mai\n",
     dict(issuer="Ủy ban nhân dân tỉnh Yên Bái", signer="Hoàng Thị Mai",
          signer_title="TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH",
          distribution=["Như trên", "Sở Tài chính", "UBND các huyện"])),
    # a signature line that holds the title and the name; a Party title with a qualifier
    ("TỈNH ỦY BẮC KẠN\nSố 12-CT/TU\nĐẢNG CỘNG SẢN VIỆT NAM\nBắc Kạn, ngày 02 tháng 5 năm 2023\n"
     "CHỈ THỊ\nvề công tác dân vận\nCác cấp ủy tổ chức quán triệt và thực hiện nghiêm Chỉ thị.\n"
     "Nơi nhận:\n- Các huyện ủy;\n- Lưu VPTU.\nT/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ THƯỜNG TRỰC Lý Văn Hà\n",
     dict(number="12-CT/TU", signer="Lý Văn Hà", signer_title="T/M BAN THƯỜNG VỤ PHÓ BÍ THƯ THƯỜNG TRỰC")),
    # the number on the line after "Số:"; a collective authority broken over two lines; a
    # "CHƯƠNG TRÌNH HÀNH ĐỘNG" title
    ("|\nỦY BAN NHÂN\nDÂN\nTỈNH HÀ NAM\n|\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n|\nSố:\n"
     "21/2024/QĐ-UBND\n|\nHà Nam, ngày 04 tháng 6 năm 2024\n|\nCHƯƠNG TRÌNH HÀNH ĐỘNG\n"
     "Phòng chống dịch bệnh\n\nI. MỤC TIÊU\n1. Sở Y tế chủ trì giám sát dịch bệnh./.\n"
     "Nơi nhận:\n- Như trên;\n- Lưu: VT.\n|\nTM. ỦY BAN\nNHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n"
     "Trần Xuân Dưỡng\n|\n",
     dict(doc_type="Chương trình", number="21/2024/QĐ-UBND", issuer="Ủy ban nhân dân tỉnh Hà Nam",
          signer="Trần Xuân Dưỡng")),
    # both header rows flattened onto one line (parent, motto, issuer, motto); the Nơi nhận
    # run into the body's last line after "./."
    ("UBND TỈNH PHÚ THỌ CỘNG HÕA XÃ HỘI CHỦ NGHĨA VIỆT NAM SỞ TÀI CHÍNH Độc lập - Tự do - Hạnh "
     "phúc\n\nSố: 210 /TB-STC Phú Thọ, ngày 08 tháng 5 năm 2025\n\nTHÔNG BÁO Kết quả kiểm tra\n"
     "1. Đề nghị các đơn vị khắc phục tồn tại. Sở Tài chính thông báo để thực hiện./. Nơi nhận: "
     "KT. GIÁM ĐỐC\n- Các đơn vị;\n- Lưu: VT. PHÓ GIÁM ĐỐC\n\nĐinh Văn Quang\n",
     dict(doc_type="Thông báo", number="210/TB-STC", issuer="Sở Tài chính tỉnh Phú Thọ",
          place="Phú Thọ", signer="Đinh Văn Quang", distribution=["Các đơn vị"])),
    # two columns joined on shared lines by a bar; a signature title with no authority prefix
    ("ỦY BAN NHÂN DÂN\nTỈNH NINH THUẬN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
     "Độc lập - Tự do - Hạnh phúc\nSố: 301/UBND-VXNV | Ninh Thuận, ngày 20 tháng 01 năm 2024\n"
     "V/v tổ chức Tết Nguyên đán |\nKính gửi:\n- Sở Văn hóa, Thể thao và Du lịch;\n"
     "- Ủy ban nhân dân các huyện, thành phố.\n"
     "Ủy ban nhân dân tỉnh đề nghị các đơn vị tổ chức Tết an toàn, tiết kiệm./.\n"
     "| Nơi nhận: - Như trên; - Lưu: VT. | CHỦ TỊCH Phạm Văn Hậu |\n",
     dict(doc_type="Công văn", number="301/UBND-VXNV", issued_date="2024-01-20",
          place="Ninh Thuận", issuer="Ủy ban nhân dân tỉnh Ninh Thuận", signer="Phạm Văn Hậu",
          subject="tổ chức Tết Nguyên đán",
          recipients=["Sở Văn hóa, Thể thao và Du lịch",
                      "Ủy ban nhân dân các huyện, thành phố"])),
]


LAYOUT_CASES += [
    # one Markdown row per column with bold runs; the signature cell in bold
    ("| **ỦY BAN NHÂN DÂN** **HUYỆN PHÚ TÂN** Số: 88/KH-UBND | **CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT "
     "NAM** **Độc lập - Tự do - Hạnh phúc** *Phú Tân, ngày 02 tháng 4 năm 2021* |\n|---|---|\n\n"
     "**KẾ HOẠCH**\n\nThực hiện Chương trình OCOP năm 2021\n\nI. MỤC ĐÍCH\n"
     "1. Phòng Nông nghiệp chủ trì./.\n\n| **Nơi nhận:** - UBND tỉnh; - Lưu: VT. | "
     "**TM. ỦY BAN NHÂN DÂN** **CHỦ TỊCH** **Nguyễn Văn Tâm** |\n|---|---|\n",
     dict(number="88/KH-UBND", place="Phú Tân", issuer="Ủy ban nhân dân huyện Phú Tân",
          signer="Nguyễn Văn Tâm", signer_title="TM. ỦY BAN NHÂN DÂN CHỦ TỊCH")),
    # a web copy's "(Đã ký)" between the title and the name
    ("| SỞ Y TẾ | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n| Số: 77/SYT-NV | Cà Mau, ngày 3 tháng 1 "
     "năm 2022 |\n\nKính gửi: Các bệnh viện.\n\nSở Y tế đề nghị các đơn vị báo cáo./.\n\n"
     "| Nơi nhận: - Như trên; - Lưu: VT. | KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC (Đã ký) Lâm Thị Thu |\n",
     dict(number="77/SYT-NV", place="Cà Mau", signer="Lâm Thị Thu")),
]


@pytest.mark.parametrize("text,expected", LAYOUT_CASES)
def test_layout_table_headers(text, expected):
    header = parse_header(text, split_documents(text)[0])
    got = {k: getattr(header, k) for k in expected}
    assert got == expected
    body = text[header.body_start:header.body_end]
    assert "Nơi nhận" not in body and "Hạnh phúc" not in body


@pytest.mark.parametrize("cell,lines", [
    ("ỦY BAN NHÂN DÂN TỈNH GIA LAI Số: /TB-UBND", ["ỦY BAN NHÂN DÂN TỈNH GIA LAI", "Số: /TB-UBND"]),
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc ------ Gia Lai, ngày 5 "
     "tháng 7 năm 2025", ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                          "Gia Lai, ngày 5 tháng 7 năm 2025"]),
    ("TM. ỦY BAN NHÂN DÂN CHỦ TỊCH NGUYỄN VĂN AN", ["TM. ỦY BAN NHÂN DÂN CHỦ TỊCH",
                                                  "NGUYỄN VĂN AN"]),
    ("TL. CHỦ TỊCH KT. CHÁNH VĂN PHÒNG PHÓ CHÁNH VĂN PHÒNG Đỗ Thị Lan",
     ["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG PHÓ CHÁNH VĂN PHÒNG", "Đỗ Thị Lan"]),
    ("Nơi nhận: - Như trên; - Sở Tài chính (để b/c); - Lưu: VT.",
     ["Nơi nhận:", "- Như trên;", "- Sở Tài chính (để b/c);", "- Lưu: VT."]),
    ("V/v triển khai Công văn số 12/BTC-NSNN của Bộ Tài chính",
     ["V/v triển khai Công văn số 12/BTC-NSNN của Bộ Tài chính"]),
    ("Số: 12/UBND-KT V/v báo cáo tiến độ", ["Số: 12/UBND-KT", "V/v báo cáo tiến độ"]),
])
def test_cut_cell(cell, lines):
    from ocop_docs.structure.split import cut_cell
    assert [cell[a:b] for a, b in cut_cell(cell, 0, len(cell))] == lines


# ---------------------------------------------------------------- headers read by OCR
# The two columns split or interleaved, marks misread, letters for digits, a receiving stamp.
OCR_CASES = [
    ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH KON TUM\nĐộc lập - Tự do - Hạnh phúc\n"
     "Số: II /TB-UBND\nKon Tum, ngày Ø3 tháng 01 năm 2025\nCHÍ THỊ\nVề công tác phòng cháy\n"
     "1. Các sở, ngành tổ chức kiểm tra an toàn phòng cháy trong mùa khô năm 2025 theo quy định.\n"
     "ơi nhận\nCHỦ TỊCH\n- Bộ Công an;\n- Thường trực Tỉnh ủy;\nNguyên Văn Hòa\n- Các sở, ngành;\n"
     "- Lưu: VT, NC.\n",
     dict(doc_type="Chỉ thị", number="11/TB-UBND", issued_date="2025-01-03", place="Kon Tum",
          signer="Nguyễn Văn Hòa")),
    ("UBND TỈNH KON TUM. CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nBAN CHỈ ĐẠO 09\n"
     "Độc lập - Tự do - Hạnh phúc\nSố: 07/QĐ-BCĐ\nKon Tưm, ngàW† tháng 02 năm 2025\n"
     "QUYÉT ĐỊNH về việc kiện toàn tổ chức bộ máy\nCăn cứ Quyết định số 12/QĐ-UBND;\n"
     "Điều 1. Kiện toàn Ban Chỉ đạo 09 tỉnh Kon Tum gồm các thành viên có tên dưới đây.\n"
     "Nơi nhận:\nTRƯỞNG BAN\n- Như Điều 3;\n- Lưu: VT.\nCHU TỊCH UBND TINH\nLê Ngọc Tuấn\n",
     dict(doc_type="Quyết định", number="07/QĐ-BCĐ", place="Kon Tum", signer="Lê Ngọc Tuấn",
          issuer="Ban Chỉ đạo 09 tỉnh Kon Tum")),
]


OCR_CASES.append(
    # marks misread on the body and unit words; a place OCR damaged, spelled as the issuer's
    ("UY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTĨNH LẠNG SƠN\nĐộc lập - Tự do - Hạnh phúc\n"
     "Số: 45/QĐ-UB\nLạng Sớn, ngày 12 tháng 3 năm 1998\nQUYẾT ĐỊNH\nVề việc giao đất\n"
     "Căn cứ Luật Đất đai năm 1993;\n",
     dict(issuer="Ủy ban nhân dân tỉnh Lạng Sơn", place="Lạng Sơn", issued_date="1998-03-12")))


OCR_CASES.append(
    # the body type glued by OCR; a receiving stamp read on the title's line
    ("Ký bởi: Cổng Thông tin điện tử Chính phủ\nTHỦ TƯỚNG CHÍNHPHỦ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
     "Độc lập - Tự do - Hạnh phúc\nDEN i: : CHỈ THỊ\nVề các nhiệm vụ cấp bách\n"
     "Thời gian qua, các cấp, các ngành đã triển khai quyết liệt các nhiệm vụ được giao.\n",
     dict(doc_type="Chỉ thị", issuer="Thủ tướng Chính phủ")))


OCR_CASES.append(
    # OCR read the right column (motto, date) before the left one (issuer, number)
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
     "Bình Định, ngày 14 tháng 7 năm 2023\nỦY BAN NHÂN DÂN\nTỈNH BÌNH ĐỊNH\nSố: 55/KH-UBND\n"
     "KẾ HOẠCH\nPhát triển sản phẩm OCOP\nI. MỤC TIÊU\n",
     dict(issuer="Ủy ban nhân dân tỉnh Bình Định", number="55/KH-UBND", place="Bình Định",
          issued_date="2023-07-14")))


@pytest.mark.parametrize("text,expected", OCR_CASES)
def test_ocr_headers(text, expected):
    header = parse_header(text, split_documents(text)[0])
    got = {k: getattr(header, k) for k in expected}
    assert got == expected


@pytest.mark.parametrize("issued,body,expected", [
    # OCR read 1990 for 1999: the decision cites papers of 1994 and 1998
    ("1990-02-22", "theo Nghị định số 88/CP ngày 17/8/1994 và Quyết định số 26/QĐ-UB ngày "
     "03/11/1998", "1999-02-22"),
    # one later citation alone may be the source's slip: the date stays
    ("2026-03-26", "theo Quyết định số 1955/QĐ-UBND ngày 19/6/2026", "2026-03-26"),
    ("2024-05-02", "theo Kế hoạch số 12/KH-UBND ngày 05/01/2024", "2024-05-02"),
])
def test_issued_year_after_cited_documents(issued, body, expected):
    from ocop_docs.structure.header import _year_after_citations
    assert _year_after_citations(issued, body) == expected


def test_signer_line_that_lost_its_first_letter():
    text = ("ỦY BAN NHÂN DÂN\nTỈNH AN GIANG\nSố: 5/CT-UBND\nAn Giang, ngày 3 tháng 4 năm 2018\n"
            "CHỈ THỊ\nVề đầu tư\n1. Các sở thực hiện nghiêm các quy định về đầu tư trên địa bàn./.\n"
            "Nơi nhận:\n- Thường trực Tỉnh ủy;\n- Lưu: VT.\nrần Văn Lâm\n")
    assert parse_header(text, split_documents(text)[0]).signer == "Trần Văn Lâm"


@pytest.mark.parametrize("line", [
    "Hà Nội, ngày 26 tháng 0 6 năm 2018", "Hà Nội, ngày 2 6 tháng 06 năm 2018",
    "Hà Nội, ngày 26 tháng 6 năm 20 18", "Hà Nội, ngày **26** tháng **6** năm 2018"])
def test_split_digits_in_the_date_line(line):
    text = (f"BỘ TÀI CHÍNH\nSố: 12/BTC-NSNN\nV/v báo cáo\n{line}\nKính gửi: Các tỉnh.\n"
            "Bộ Tài chính đề nghị các tỉnh báo cáo tình hình thực hiện./.\n")
    header = parse_header(text, split_documents(text)[0])
    assert (header.issued_date, header.place) == ("2018-06-26", "Hà Nội")


def test_signature_block_placed_before_the_header():
    # a .docx signature text box read where it is anchored, above the header
    text = ("KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\nTrần Thị Hạnh\nSỞ TÀI CHÍNH TỈNH BẾN TRE\nSố: 51/STC-NS\n"
            "V/v dự toán năm 2025\nBến Tre, ngày 5 tháng 1 năm 2025\nKính gửi: Các sở, ngành.\n"
            "Sở Tài chính đề nghị các đơn vị lập dự toán đúng hạn./.\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n")
    header = parse_header(text, split_documents(text)[0])
    assert (header.signer, header.number) == ("Trần Thị Hạnh", "51/STC-NS")


def test_party_committee_takes_the_name_of_its_locality():
    text = ("ĐẢNG BỘ TỈNH NGHỆ AN\tĐẢNG CỘNG SẢN VIỆT NAM\nBAN THƯỜNG VỤ TỈNH ỦY\n*\n"
            "Số 15-CT/TU\tNghệ An, ngày 10 tháng 8 năm 2022\nCHỈ THỊ\nvề công tác cán bộ\n"
            "Thời gian qua, công tác cán bộ đã đạt nhiều kết quả tích cực trên địa bàn toàn tỉnh.\n")
    header = parse_header(text, split_documents(text)[0])
    assert (header.issuer, header.number, header.place) == (
        "Ban Thường vụ Tỉnh ủy Nghệ An", "15-CT/TU", "Nghệ An")


def test_distribution_item_whose_dash_moved_to_the_line_above():
    text = ("ỦY BAN NHÂN DÂN\nTỈNH TRÀ VINH\nSố: 9/KH-UBND\nTrà Vinh, ngày 2 tháng 3 năm 2024\n"
            "KẾ HOẠCH\nPhòng chống ma túy\nI. MỤC TIÊU\n1. Công an tỉnh chủ trì thực hiện./.\n"
            "|Nơi nhận:                    | KT. CHỦ TỊCH  |\n"
            "|- Bộ Công an;               -| PHÓ CHỦ TỊCH  |\n"
            "|Thường trực Tỉnh ủy;         |               |\n"
            "|- Lưu: VT, NC.               | Lê Văn Hẳn    |\n")
    header = parse_header(text, split_documents(text)[0])
    assert header.distribution == ["Bộ Công an", "Thường trực Tỉnh ủy"]
    assert header.signer == "Lê Văn Hẳn"


@pytest.mark.parametrize("closing", [
    "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n(Đã ký)\nLò Văn Mừng\n",
    "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nLò Văn Mừng (đã ký)\n",
    "Nơi nhận:\n- Như trên;\n- Lưu: VT.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n[daky]\nLò Văn Mừng\n",
])
def test_signed_mark_of_web_copies(closing):
    text = ("ỦY BAN NHÂN DÂN\nTỈNH SƠN LA\nSố: 7/KH-UBND\nSơn La, ngày 2 tháng 3 năm 2024\n"
            "KẾ HOẠCH\nPhòng chống thiên tai\nI. MỤC TIÊU\n1. Các sở thực hiện./.\n" + closing)
    assert parse_header(text, split_documents(text)[0]).signer == "Lò Văn Mừng"


def test_place_broken_over_two_lines_taken_whole_from_the_issuer():
    text = ("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG TRỊ\nSố: 3/CT-UBND\nQuảng\nTrị, ngày 4 tháng 5 năm 2021\n"
            "CHỈ THỊ\nVề phòng chống dịch\nCác sở, ngành thực hiện nghiêm các biện pháp phòng dịch.\n")
    header = parse_header(text, split_documents(text)[0])
    assert (header.place, header.issued_date) == ("Quảng Trị", "2021-05-04")


def test_place_with_its_unit_word_broken_over_two_lines():
    """ND 30: a unit named after a person keeps its unit word ("Thành phố Hồ Chí Minh")."""
    text = ("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HỒ CHÍ MINH\nSố: 2853/QĐ-UBND\nThành phố Hồ Chí\n"
            "Minh, ngày 21 tháng 11 năm 2025\nQUYẾT ĐỊNH\nVề ban hành Kế hoạch phòng, chống "
            "thiên tai\nĐiều 1. Ban hành kèm theo Quyết định này Kế hoạch phòng, chống thiên tai.\n")
    header = parse_header(text, split_documents(text)[0])
    assert (header.place, header.issued_date) == ("Thành phố Hồ Chí Minh", "2025-11-21")


@pytest.mark.parametrize("date_lines", [
    # own corpus 411 (Ho Chi Minh City's letter, wrapped at a fixed width): the place written
    # out with its unit word in lower case was no place, so the date was lost with it
    "Thành phố Hồ Chí Minh, ngày 25 tháng 11 năm 2025\n",
    "Thành\nphố Hồ Chí Minh, ngày 25 tháng 11 năm 2025\n",
])
def test_a_place_with_its_unit_word_in_lower_case(date_lines):
    text = ("ỦY\nBAN NHÂN DÂN\nTHÀNH PHỐ HỒ CHÍ MINH\nSố: 4085/UBND-ĐT\nV/v rà soát dữ liệu số nhà\n"
            + date_lines + "Kính gửi: Sở Xây dựng\nGiao Sở Xây dựng chủ trì rà soát dữ liệu số "
            "nhà, hoàn thành trong tháng 12 năm 2025.\n")
    header = parse_header(text, split_documents(text)[0])
    assert (header.place, header.issued_date) == ("Thành phố Hồ Chí Minh", "2025-11-25")
    # "ỦY" / "BAN NHÂN DÂN": the body type's first word wrapped alone is still the issuer's
    assert header.issuer == "Ủy ban nhân dân thành phố Hồ Chí Minh"


@pytest.mark.parametrize("meta", [
    "Số ký hiệu: 45/KH-UBND\nNgày ban hành: 12/03/2021\nLoại văn bản: Kế hoạch\n"
    "Cơ quan ban hành: Ủy ban nhân dân tỉnh Hà Giang\nNgười ký: Trần Đức Quý\n",
    "| Số ký hiệu | 45/KH-UBND |\n| Ngày ban hành | 12/03/2021 |\n| Loại văn bản | Kế hoạch |\n"
    "| Cơ quan ban hành | Ủy ban nhân dân tỉnh Hà Giang |\n| Người ký | Trần Đức Quý |\n",
])
def test_metadata_of_a_legal_document_site(meta):
    text = ("Thực hiện Nghị quyết của Tỉnh ủy, Ủy ban nhân dân tỉnh ban hành kế hoạch như sau:\n"
            "1. Sở Y tế chủ trì triển khai.\n\n" + meta)
    header = parse_header(text, split_documents(text)[0])
    assert (header.number, header.issued_date, header.doc_type, header.issuer, header.signer) == (
        "45/KH-UBND", "2021-03-12", "Kế hoạch", "Ủy ban nhân dân tỉnh Hà Giang", "Trần Đức Quý")


@pytest.mark.parametrize("text,doc_type,subject", [
    # a .docx paragraph holding the title and the trích yếu; an unnumbered working version
    ("| ỦY BAN NHÂN DÂN TỈNH ĐẮK NÔNG Số: /KH-UBND | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Đắk Nông, "
     "ngày tháng 4 năm 2026 |\n\nKẾ HOẠCH Tuyên truyền cải cách hành chính năm 2026\nI. MỤC ĐÍCH\n",
     "Kế hoạch", "Tuyên truyền cải cách hành chính năm 2026"),
    # no title at all: the unfilled number still names the type (a Công văn has none)
    ("ỦY BAN NHÂN DÂN TỈNH ĐẮK NÔNG\nSố: ....../UBND-VP\nĐắk Nông, ngày tháng 4 năm 2026\n"
     "Kính gửi: Các sở\nĐề nghị các sở thực hiện.\n", "Công văn", None),
    ("UBND TỈNH ĐẮK NÔNG\nSố:    /TB-UBND\nĐắk Nông, ngày   tháng 4 năm 2026\nnội dung\n",
     "Thông báo", None),
])
def test_type_of_unnumbered_and_run_on_titles(text, doc_type, subject):
    header = parse_header(text, split_documents(text)[0])
    assert (header.doc_type, header.number, header.issued_date, header.subject) == (
        doc_type, None, None, subject)
