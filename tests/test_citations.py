"""Citations of other documents by number: table-driven cases and the measured quality on the
seeds against their gold (vendored scorer)."""
import json
import re
from pathlib import Path

import pytest

from ocop_docs.evaluation.score import Scorer, number_key
from ocop_docs.extract.citations import find_citations

ROOT = Path(__file__).resolve().parent.parent


def _one(text, own=None):
    return [(c.number, c.doc_type, c.date, c.issuer) for c in find_citations(text, own)]


@pytest.mark.parametrize("text, expected", [
    ("Căn cứ Quyết định số 490/QĐ-TTg ngày 07/5/2018 của Thủ tướng Chính phủ về việc phê duyệt",
     [("490/QĐ-TTg", "Quyết định", "2018-05-07", "Thủ tướng Chính phủ")]),
    ("theo Quyết định 490/QĐ-TTg của Thủ tướng Chính phủ",
     [("490/QĐ-TTg", "Quyết định", None, "Thủ tướng Chính phủ")]),
    ("Nghị định số 52/2018/NĐ-CP ngày 12/4/2018 của Chính phủ về phát triển ngành nghề",
     [("52/2018/NĐ-CP", "Nghị định", "2018-04-12", "Chính phủ")]),
    ("Căn cứ Chỉ thị số 46-CT/TU ngày 27/6/2019 của Ban Thường vụ Tỉnh ủy về tăng cường",
     [("46-CT/TU", "Chỉ thị", "2019-06-27", "Ban Thường vụ Tỉnh ủy")]),
    ("Kế hoạch số 10877/KH-UBND, ngày 23/9/2019 của UBND tỉnh Đồng Nai về thực hiện",
     [("10877/KH-UBND", "Kế hoạch", "2019-09-23", "Ủy ban nhân dân tỉnh Đồng Nai")]),
    ("Xét đề nghị của Sở Nông nghiệp và Phát triển nông thôn tại Công văn số 1598/SNN-PTNT ngày "
     "17/9/2018,",
     [("1598/SNN-PTNT", "Công văn", "2018-09-17", "Sở Nông nghiệp và Phát triển nông thôn")]),
    ("Xét đề nghị của Chi cục Phát triển nông thôn tại Tờ trình số 392/TTr-CCPTNT-QLCL, ngày "
     "6/11/2019, Sở ban hành",
     [("392/TTr-CCPTNT-QLCL", "Tờ trình", "2019-11-06", "Chi cục Phát triển nông thôn")]),
    ("Căn cứ Quyết định số 490/QĐTTg ngày 9/5/2018 của Thủ tướng Chính phủ",
     [("490/QĐ-TTg", "Quyết định", "2018-05-09", "Thủ tướng Chính phủ")]),
    ("Căn cứ Quyết định số 1048/QÐ-TTg ngày 21/8/2019",
     [("1048/QĐ-TTg", "Quyết định", "2019-08-21", "Thủ tướng Chính phủ")]),
    ("theo Quyết định số 15 / QĐ - UBND ngày 02 tháng 01 năm 2020 của UBND tỉnh Bình Định",
     [("15/QĐ-UBND", "Quyết định", "2020-01-02", "Ủy ban nhân dân tỉnh Bình Định")]),
    ("nguồn vốn theo Nghị định 39/2018 về hỗ trợ doanh nghiệp nhỏ và vừa",
     [("39/2018/NĐ-CP", "Nghị định", None, "Chính phủ")]),
    ("Thông báo số 48/TB-UBND ngày 09/02/2018.",
     [("48/TB-UBND", "Thông báo", "2018-02-09", None)]),
    ("thực hiện Văn bản số 7590/UBND-KT ngày 16/12/2019 của UBND huyện Vĩnh Cửu",
     [("7590/UBND-KT", "Công văn", "2019-12-16", "Ủy ban nhân dân huyện Vĩnh Cửu")]),
    ("Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị",
     [("57-NQ/TW", "Nghị quyết", "2024-12-22", "Bộ Chính trị")]),
    ("Căn cứ Thông tư số 05/2019/TT-BNNPTNT ngày 10/5/2019 của Bộ Nông nghiệp và PTNT",
     [("05/2019/TT-BNNPTNT", "Thông tư", "2019-05-10", "Bộ Nông nghiệp và Phát triển nông thôn")]),
    # laws and ordinances: the legislature's code with its term ("QH15", "UBTVQH11")
    ("theo Luật Đầu tư số 61/2020/QH14 ngày 17/6/2020 và Pháp lệnh số 26/2005/PL-UBTVQH11",
     [("61/2020/QH14", "Luật", "2020-06-17", "Quốc hội"),
      ("26/2005/PL-UBTVQH11", "Khác", None, "Ủy ban Thường vụ Quốc hội")]),
    # Party documents in the Party's own form
    ("thực hiện Quy định số 85-QĐ/TW ngày 03/6/2017 và Chỉ thị số 08-CT/TU",
     [("85-QĐ/TW", "Khác", "2017-06-03", "Ban Chấp hành Trung ương"),
      ("08-CT/TU", "Chỉ thị", None, None)]),
    # an issuer code ending in digits
    ("theo Kế hoạch số 17/KH-BCĐ389 về kiểm tra",
     [("17/KH-BCĐ389", "Kế hoạch", None, None)]),
    # older numbers put the type after the issuer code ("UB-QĐ")
    ("đã được UBND tỉnh phê duyệt số 118/UB-QĐ ngày 02/3/1995.",
     [("118/UB-QĐ", "Quyết định", "1995-03-02", None)]),
])
def test_find_citations(text, expected):
    assert _one(text) == expected


def test_list_of_numbers_after_one_type_word():
    text = ("theo chỉ đạo của Thủ tướng Chính phủ tại các Quyết định số 1920/QĐ-TTg ngày 05/10/2016 "
            "quy định chức năng; số 490/QĐ-TTg ngày 07/5/2018 phê duyệt Chương trình")
    assert [(c.number, c.date) for c in find_citations(text)] == [
        ("1920/QĐ-TTg", "2016-10-05"), ("490/QĐ-TTg", "2018-05-07")]


def test_one_entry_per_number_and_conflicting_dates():
    text = ("Căn cứ Quyết định số 490/QĐTTg ngày 9/5/2018 của Thủ tướng Chính phủ; ... (phụ lục 1, "
            "Quyết định số 490/QĐ-TTg ngày 07/5/2018 của Thủ tướng Chính phủ); Quyết định "
            "490/2018/QĐ-TTg")
    cites = find_citations(text)
    assert len(cites) == 1
    c = cites[0]
    assert c.date == "2018-05-09"
    assert c.dates_seen == ["2018-05-09", "2018-05-07"]
    assert c.to_json()["conflicting_dates"] is True


def test_first_date_when_the_first_mention_has_none():
    text = ("theo Quyết định 1599/QĐ-UBND của UBND tỉnh Quảng Nam. ... đã được UBND tỉnh giao tại "
            "Quyết định 1599/QĐ-UBND ngày 22/5/2018.")
    c = find_citations(text)[0]
    assert (c.number, c.date) == ("1599/QĐ-UBND", "2018-05-22")


@pytest.mark.parametrize("text", [
    "Số: 7590/UBND-KT.\nVĩnh Cửu, ngày 16 tháng 12 năm 2019",        # own header line
    "ĐẾN Số 938\nNgày 19/6",                                          # receiving stamp
    "- Giấy phép: 09 /GP-TTĐT ngày 11/11/2020 của Sở Thông tin và Truyền thông",
    "Điện thoai: (0269) 3 850 009 - Fax: (0269)3850009",
    "(phụ lục 1, Quyết định) ngày 13/12/2019; Phụ lục 3",
    "E/ha.tuan/2019/Tháng 12/Công văn.",
    "kinh phí ngân sách tỉnh (10 tỷ đồng/năm); 15.000 HTX",
    "(Kèm theo Kế hoạch số: 125/KH-UBND ngày 20/9/2018 của Ủy ban nhân dân tỉnh)",
])
def test_not_citations(text):
    assert find_citations(text) == []


def test_own_number_is_not_a_citation():
    text = "Kế hoạch số 125/KH-UBND ngày 20/9/2018; Quyết định số 490/QĐ-TTg ngày 07/5/2018"
    assert [c.number for c in find_citations(text, own_number="125/KH-UBND")] == ["490/QĐ-TTg"]


# ---------------------------------------------------------------- measured on the seeds

def _documents(text: str, gold_docs: list[dict]) -> list[str]:
    """Split a seed into its documents at the "Số:" header line of each later document."""
    cuts = [0]
    for d in gold_docs[1:]:
        serial = re.match(r"\d+", d.get("number") or "")
        m = serial and re.search(rf"(?m)^\W*Số\W*{serial.group()}\b", text[cuts[-1] + 1:])
        cuts.append(cuts[-1] + 1 + m.start() if m else len(text))
    cuts.append(len(text))
    return [text[a:b] for a, b in zip(cuts, cuts[1:])]


def test_citation_quality_on_seeds():
    scorer = Scorer()
    for gold_file in sorted((ROOT / "corpus" / "gold").glob("*.gold.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        text = (ROOT / "corpus" / "seeds" / gold["source"]).read_text(encoding="utf-8")
        docs = gold["documents"]
        for g, part in zip(docs, _documents(text, docs)):
            pred = [c.to_json() for c in find_citations(part, own_number=g.get("number"))]
            scorer.score_citations(g.get("citations", []), pred, gold["source"])
    report = scorer.report()
    print({k: v for k, v in report.items() if k.startswith("citations")}, scorer.misses)
    assert report["citations.f1"] >= 0.95, scorer.misses
    assert report["citations.date_accuracy"] >= 0.95, scorer.misses


def test_number_key_agrees_with_scorer():
    from ocop_docs.extract.citations import number_key as ours
    for n in ("490/QĐ-TTg", "490/QĐTTg", "490/2018/QĐ-TTg", "46-CT/TU", "39/2018/NĐ-Cp"):
        assert ours(n) == number_key(n)


@pytest.mark.parametrize("text, expected", [
    # a bare "số" in a list after the type word of the clause
    ("Theo đề nghị của Bộ Y tế tại các Công văn: Số 210/BYT-KH ngày 05/01/2024; số 333/BYT-TC "
     "ngày 12/01/2024, Ủy ban nhân dân tỉnh có ý kiến",
     [("210/BYT-KH", "Công văn", "2024-01-05"), ("333/BYT-TC", "Công văn", "2024-01-12")]),
    ("các Nghị định của Chính phủ số : 71/CP ngày 02/9/1993",
     [("71/CP", "Nghị định", "1993-09-02")]),
    ("tại phiếu trình số 27/UB-XD ngày 04/5/1997", [("27/UB-XD", "Tờ trình", "1997-05-04")]),
    # OCR letters for digits in the serial ("I2" = 12)
    ("tại tờ trình số I2/UB-XD ngày 04/5/1997", [("12/UB-XD", "Tờ trình", "1997-05-04")]),
    ("tại tờ trình số 15/UB-XD, ngày 18 tháng ÔI năm 1999.", [("15/UB-XD", "Tờ trình", "1999-01-18")]),
    # a bare code-less number with no type named before it stays out ("Giấy phép số ...")
    ("Giấy phép số 09/GP-TTĐT do Sở cấp. Liên hệ số 12/ABC", []),
])
def test_bare_numbers_take_the_type_of_their_clause(text, expected):
    assert [(c.number, c.doc_type, c.date) for c in find_citations(text)] == expected


def test_own_number_with_issuer_digits_is_not_a_citation():
    text = "Kế hoạch số 40/KH-BCĐ138 ngày 02/01/2024 của Ban Chỉ đạo 138 tỉnh được ban hành"
    assert find_citations(text, own_number="40/KH-BCĐ138") == []


@pytest.mark.parametrize("text, expected", [
    # the date opens the sentence that says the cited document was issued
    ("Ngày 12 tháng 3 năm 2024, Bộ Tài chính ban hành Thông tư số 15/2024/TT-BTC quy định",
     [("15/2024/TT-BTC", "2024-03-12")]),
    ("Ngày 02/8/2023, Văn phòng Chính phủ có văn bản số 612/VPCP-NN truyền đạt ý kiến",
     [("612/VPCP-NN", "2023-08-02")]),
    # ... but not a date of another event
    ("Ngày 02/8/2023, đoàn kiểm tra làm việc tại xã theo Kế hoạch số 12/KH-UBND của huyện",
     [("12/KH-UBND", None)]),
    # the date inside the clause, before the subject that issued it
    ("Triển khai Nghị định số 06/2022/NĐ-CP của Chính phủ, ngày 17 tháng 6 năm 2025 Bộ trưởng Bộ "
     "Y tế đã ban hành Thông tư số 08/2025/TT-BYT sửa đổi",
     [("06/2022/NĐ-CP", None), ("08/2025/TT-BYT", "2025-06-17")]),
    # a date that belongs to another number is not taken
    ("theo Nghị định số 06/2022/NĐ-CP ngày 07/01/2022 và Thông tư số 01/2022/TT-BTNMT",
     [("06/2022/NĐ-CP", "2022-01-07"), ("01/2022/TT-BTNMT", None)]),
    # a date after the number's closing full stop (OCR)
    ("các Nghị định số : 43/CP. ngày 11/7/1993 về đất ở", [("43/CP", "1993-07-11")]),
])
def test_citation_dates(text, expected):
    assert [(c.number, c.date) for c in find_citations(text)] == expected


@pytest.mark.parametrize("text, issuer", [
    ("Căn cứ Nghị định số 26/2020/NĐ-CP ngày 28/02/2020 của Chính phủ Quy định chi tiết một số điều",
     "Chính phủ"),
    ("Quy định số 69-QĐ/TW ngày 06/7/2022 của Ban Chấp hành Trung ương quy định về kỷ luật",
     "Ban Chấp hành Trung ương"),
])
def test_citation_issuer_stops_at_the_subject(text, issuer):
    assert find_citations(text)[0].issuer == issuer


@pytest.mark.parametrize("text, doc_type", [
    ("Văn phòng Chính phủ có văn bản số 349/TB-VPCP thông báo ý kiến", "Thông báo"),
    ("theo Thông báo kết luận số 45-TB/TU ngày 2/3/2020", "Thông báo"),
    ("thực hiện Văn bản số 7590/UBND-KT ngày 16/12/2019", "Công văn"),
])
def test_letter_word_with_a_typed_number(text, doc_type):
    assert find_citations(text)[0].doc_type == doc_type


def test_header_number_line_without_its_label_is_not_a_citation():
    text = "CỔNG THÔNG TIN 12/CT-TTg Hà Nội, ngày 4 tháng 3 năm 2020\nCHỈ THỊ\nthực hiện Chỉ thị số 05/CT-TTg"
    assert [c.number for c in find_citations(text)] == ["05/CT-TTg"]
