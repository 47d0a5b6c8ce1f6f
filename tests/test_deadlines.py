"""Deadlines and recurrence, Duckling-style: (expression, document date) → (due, recurrence),
one line per case; then real task sentences from the corpus and a calibration check over every
gold task whose deadline is written in its own action text."""
from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from ocop_docs.extract.deadlines import find_deadline, find_recurrence, normalize_deadline
from ocop_docs.resources import load_yaml

D2019 = datetime.date(2019, 12, 13)
D2018 = datetime.date(2018, 6, 15)
GOLD = Path(__file__).resolve().parent.parent / "corpus" / "gold"

# phrases that *are* a time: a table's time column, a "Thời gian hoàn thành:" line
PHRASES = [
    ("Quý I/2019", D2019, "2019-03-31", None),
    ("Quý II/2019", D2019, "2019-06-30", None),
    ("Quý III/2018", D2019, "2018-09-30", None),
    ("Quý IV/2020", D2019, "2020-12-31", None),
    ("quý II năm 2019", D2019, "2019-06-30", None),
    ("Quý 3/2020", D2019, "2020-09-30", None),
    ("Quý I, II/2019", D2019, "2019-06-30", None),
    ("quý 3", D2019, "2019-09-30", None),                   # missing year = document's year
    ("tháng 6/2018", D2019, "2018-06-30", None),
    ("Tháng 5/2020", D2019, "2020-05-31", None),
    ("trong tháng 06/2018", D2019, "2018-06-30", None),
    ("chậm nhất trong tháng 06/2018", D2019, "2018-06-30", None),
    ("tháng 02 năm 2020", D2019, "2020-02-29", None),       # leap year
    ("tháng Giêng năm 2021", D2019, "2021-01-31", None),
    ("từ tháng 5 đến tháng 9/2020", D2019, "2020-09-30", None),
    ("năm 2019", D2019, "2019-12-31", None),
    ("trong năm 2019", D2019, "2019-12-31", None),
    ("Năm 2020", D2019, "2020-12-31", None),
    ("2019 - 2020", D2019, "2020-12-31", None),            # a stated period: its last day
    ("6 tháng đầu năm 2020", D2019, "2020-06-30", None),
    # a schedule's time cell: months without their word, a span of months
    ("08/2021", D2019, "2021-08-31", None),
    ("02-03/2021", D2019, "2021-03-31", None),
    ("4-10/2020", D2019, "2020-10-31", None),
    ("20/11/2020", D2019, "2020-11-20", None),              # a day date stays a day
    # times listed with "," make one period that ends with the last; ";" gives alternatives
    ("Quý I, II/2020, 2021", D2019, "2021-12-31", None),
    ("Quý III, IV/2020", D2019, "2020-12-31", None),
    ("Năm 2021; Năm 2025", D2019, "2021-12-31", None),
    # a comma before "năm"
    ("Quý II, năm 2020", D2019, "2020-06-30", None),
    ("Tháng 9, năm 2020", D2019, "2020-09-30", None),
    ("6 tháng cuối năm", D2019, "2019-12-31", None),
    ("trước ngày 15/12/2019", D2019, "2019-12-15", None),
    ("chậm nhất ngày 15/12/2019", D2019, "2019-12-15", None),
    ("hoàn thành trước 15/12", D2019, "2019-12-15", None),
    ("Tháng 12/2020 và thường xuyên", D2019, "2020-12-31", None),
    ("Hằng năm", D2019, None, "annual"),
    ("Hàng năm", D2019, None, "annual"),
    ("thường niên", D2019, None, "annual"),
    ("hàng quý", D2019, None, "quarterly"),
    ("Quý/năm", D2019, None, "quarterly"),
    ("hàng tháng", D2019, None, "monthly"),
    ("trước ngày 15 hằng tháng", D2019, None, "monthly"),
    ("hằng tuần", D2019, None, "weekly"),
    ("định kỳ 6 tháng", D2019, None, "semiannual"),
    ("định kỳ 03 tháng", D2019, None, "quarterly"),
    ("6 tháng một lần", D2019, None, "semiannual"),
    ("định kỳ", D2019, None, "periodic"),
    ("định kỳ hằng quý", D2019, None, "quarterly"),
    ("thường xuyên", D2019, None, None),
    # the day of a yearly rhythm is no due date, like "trước ngày 15 hằng tháng" (GUIDELINES)
    ("Hàng năm, trước ngày 15/12", D2019, None, "annual"),
    ("Hàng năm, trước ngày 15/12/2019", D2019, "2019-12-15", "annual"),  # a dated first time
    ("quý 3", None, None, None),                            # no year known at all
]


@pytest.mark.parametrize("phrase,doc_date,due,recurrence", PHRASES)
def test_normalize_deadline(phrase, doc_date, due, recurrence):
    got = normalize_deadline(phrase, doc_date)
    assert (got.due, got.recurrence) == (due, recurrence)
    assert got.text == phrase


# sentences: only times stated as the task's time count
SENTENCES = [
    # (sentence, document date, due, recurrence, deadline text)
    ("Khẩn trương hoàn chỉnh Phương án thí điểm phát triển sản phẩm OCOP năm 2018 trình UBND tỉnh "
     "phê duyệt chậm nhất trong tháng 06/2018; Lưu ý tăng kinh phí trong năm 2018",
     D2018, "2018-06-30", None, "chậm nhất trong tháng 06/2018"),
    ("chuẩn bị các điều kiện để tổ chức hội chợ OCOP của tỉnh trong năm 2019 (tập trung sản phẩm)",
     D2018, "2019-12-31", None, "trong năm 2019"),
    ("Tổ chức đánh giá, phân hạng sản phẩm, phấn đấu năm 2025 có thêm khoảng 45 sản phẩm",
     datetime.date(2025, 4, 11), "2025-12-31", None, "năm 2025"),
    ("Năm 2019: Thực hiện Chu trình OCOP thường niên.", D2018, "2019-12-31", "annual", "Năm 2019"),
    ("Quý IV/2020: Tổng kết, đánh giá Chương trình OCOP giai đoạn 2018 - 2020",
     D2018, "2020-12-31", None, "Quý IV/2020"),
    ("Báo cáo kết quả về Sở Nông nghiệp trước ngày 15/12/2019.", D2019, "2019-12-15", None,
     "trước ngày 15/12/2019"),
    ("Gửi báo cáo trước ngày 15 hằng tháng về Văn phòng Điều phối.", D2019, None, "monthly",
     "trước ngày 15 hằng tháng"),
    ("Hàng năm, phối hợp với Sở Nông nghiệp và Phát triển nông thôn tổ chức các kỳ đánh giá.",
     D2018, None, "annual", "Hàng năm"),
    ("thực hiện nghiêm túc chế độ thông tin, báo cáo định kỳ, đột xuất về cơ quan thường trực",
     D2018, None, "periodic", "định kỳ"),
    ("báo cáo sơ kết 6 tháng, tổng kết năm gửi UBND tỉnh", D2018, None, "semiannual",
     "sơ kết 6 tháng"),
    ("ấn phẩm tuyên truyền quảng bá sản phẩm hàng tháng/quý/năm.", D2018, None, "monthly",
     "hàng tháng"),
    ("giám sát việc tuân thủ các tiêu chí của OCOP, báo cáo hàng Quý/năm;", D2018, None,
     "quarterly", "hàng Quý"),
    # work done within a period is due at its end
    ("tổng hợp, trình UBND tỉnh bố trí vốn để nâng cấp các tuyến đê trong giai đoạn 2026 - 2027.",
     D2019, "2027-12-31", None, "trong giai đoạn 2026 - 2027"),
]


@pytest.mark.parametrize("sentence,doc_date,due,recurrence,text", SENTENCES)
def test_find_deadline_in_sentences(sentence, doc_date, due, recurrence, text):
    got = find_deadline(sentence, doc_date)
    assert got is not None
    assert (got.due, got.recurrence, got.text) == (due, recurrence, text)


NOT_DEADLINES = [
    "Tổ chức Hội nghị đánh giá kết quả thực hiện Chương trình OCOP năm 2020, bài học kinh nghiệm",
    "Thực hiện và hoàn thành các mục tiêu của Chương trình tỉnh Đồng Nai đến năm 2025 của tỉnh.",
    "Tổng kết Chương trình OCOP giai đoạn 2018 - 2020; đề xuất Chương trình giai đoạn 2021-2030.",
    "Tham mưu Hội đồng theo Bộ tiêu chí ban hành tại Quyết định số 1048/QĐ-TTg ngày 21/8/2019.",
    "Tuyên truyền, truyền thông quảng bá thường xuyên, đa dạng về hình thức.",
    "phân bổ kinh phí ngân sách tỉnh theo Đề án được phê duyệt (10 tỷ đồng/năm);",
    "thực hiện nghiêm túc chế độ thông tin, báo cáo năm, báo cáo đột xuất về Sở.",
    "Củng cố các sản phẩm tham gia OCOP năm 2019 và phát triển các sản phẩm đăng ký mới năm 2020",
    "Chức năng, nhiệm vụ, quy chế hoạt động do Văn phòng Điều phối nông thôn mới quy định.",
    "đẩy mạnh quán triệt nguyên tắc và chu trình OCOP thường niên; đưa Chương trình vào Nghị quyết",
    # a task spanning a multi-year period has no single-year deadline (gold 003 item 11)
    "Xây dựng kế hoạch triển khai Chương trình OCOP từ năm 2018- 2020 tại địa phương; trong đó chú "
    "ý xây dựng kế hoạch phát triển các sản phẩm theo Phương án thí điểm trong năm 2018",
    # a prohibition holds throughout its period: it is not done by the period's end
    "đẩy nhanh tiến độ các dự án; không để thiếu nước sinh hoạt cho Nhân dân trong giai đoạn 2026 - 2030.",
]


@pytest.mark.parametrize("sentence", NOT_DEADLINES)
def test_not_a_deadline(sentence):
    assert find_deadline(sentence, D2018) is None


@pytest.mark.parametrize("text,expected", [
    ("Hằng năm", "annual"), ("định kỳ hằng năm", "annual"), ("hàng quý", "quarterly"),
    ("thường xuyên", None), ("6 tháng đầu năm 2020", None), ("báo cáo 6 tháng", "semiannual"),
    # OCR's tone misread of "hằng" before a period word; "hãng" alone is a firm
    ("báo cáo UBND tỉnh hãng tháng", "monthly"), ("xe của hãng Toyota", None),
])
def test_find_recurrence(text, expected):
    assert find_recurrence(text) == expected


@pytest.mark.parametrize("text, expected", [
    # "hằng năm" qualifying a noun (the plan, budget, resolution of each year) is no rhythm ...
    ("Bố trí vốn đối ứng trong dự toán chi ngân sách hằng năm của các huyện để thực hiện đề án.",
     None),
    ("Rà soát chỉ tiêu theo kế hoạch phát triển kinh tế - xã hội hàng năm và 5 năm của tỉnh.",
     None),
    ("Thực hiện chỉ tiêu trồng rừng theo Nghị quyết hằng năm của Hội đồng nhân dân huyện.", None),
    # ... while the task's own rhythm still counts, even after such a phrase
    ("Hằng năm, tổng hợp dự toán ngân sách của các xã gửi Phòng Tài chính.", "annual"),
    ("Lồng ghép vào kế hoạch hằng năm của đơn vị; báo cáo kết quả hằng năm.", "annual"),
    ("Báo cáo hằng năm và đột xuất về Ủy ban nhân dân tỉnh.", "annual"),
])
def test_annual_attribute_of_a_noun_is_not_a_rhythm(text, expected):
    assert find_recurrence(text) == expected
    found = find_deadline(text, D2018)
    assert (found.recurrence if found else None) == expected


def _gold_tasks():
    for path in sorted(GOLD.glob("*.gold.json")):
        for doc in json.loads(path.read_text(encoding="utf-8"))["documents"]:
            date = doc.get("issued_date")
            for task in doc["tasks"]:
                yield path.name[:3], date and datetime.date.fromisoformat(date), task


def test_calibration_on_gold_task_texts():
    """Every gold task whose deadline phrase (or recurrence cue) is in its own action text gets
    the gold due and recurrence from find_deadline; the others take theirs from an item line, a
    table cell or a heading, which the task extractor passes separately."""
    checked = wrong = 0
    misses = []
    for name, date, task in _gold_tasks():
        in_text = task.get("deadline_text") and task["deadline_text"] in task["action"]
        if not in_text and task.get("due"):
            continue
        got = find_deadline(task["action"], date)
        pair = (got.due, got.recurrence) if got else (None, None)
        checked += 1
        if pair != (task.get("due"), task.get("recurrence")):
            if task.get("recurrence") and not (got and got.recurrence):
                continue   # recurrence inherited from a heading ("4. Chu trình OCOP thường niên")
            wrong += 1
            misses.append((name, task.get("section"), task["action"][:60], pair))
    assert checked > 200
    assert wrong <= 1, misses     # 000 III.3 (optional): "hàng năm" inside a training topic


def test_time_expressions_data_integrity():
    data = load_yaml("time_expressions.yaml")
    assert set(data["quarters"].values()) == {3, 6, 9, 12}
    assert sorted(set(data["month_words"].values())) == list(range(1, 13))
    values = {c["value"] for c in data["recurrence"]}
    assert values == {"annual", "quarterly", "monthly", "weekly", "semiannual", "periodic"}
    for cue in data["recurrence"]:
        assert cue["pattern"] == cue["pattern"].lower(), cue


@pytest.mark.parametrize("text, due", [
    # a time in a clause that notes something about the objects is no deadline
    ("Lập kế hoạch thi công gửi các địa phương, trong đó lưu ý các vị trí thi công trong "
     "tháng 4/2026.", None),
    ("Phối hợp giải phóng mặt bằng các đoạn tuyến mà dự kiến khởi công trước ngày 30/4/2026.", None),
    # a deadline before the note, or in the next clause, still counts
    ("Hoàn thành trước ngày 15/5/2026, lưu ý các hộ chưa nhận tiền.", "2026-05-15"),
    ("Lưu ý các điểm thi công; hoàn thành bàn giao mặt bằng trong tháng 5/2026.", "2026-05-31"),
    # a planned completion is a deadline
    ("Dự kiến hoàn thành trong tháng 6/2026.", "2026-06-30"),
])
def test_a_time_noted_about_the_objects_is_no_deadline(text, due):
    found = find_deadline(text, datetime.date(2026, 4, 1))
    assert (found.due if found else None) == due, found


@pytest.mark.parametrize("text, rhythm", [
    # a rhythm that qualifies a payment describes the payment
    ("Bộ Quốc phòng hướng dẫn điều chỉnh mức trợ cấp đối với đối tượng hưởng chế độ trợ cấp "
     "hàng tháng.", None),
    ("Chi trả phụ cấp hằng tháng cho cán bộ; báo cáo kết quả hằng quý.", "quarterly"),
    ("Hàng tháng, báo cáo tình hình chi trả trợ cấp.", "monthly"),
])
def test_a_rhythm_of_a_payment_is_no_rhythm_of_the_task(text, rhythm):
    assert find_recurrence(text) == rhythm
