"""Deadlines and rhythms as real documents write them (issue 8, classes 6 and 8): "Tháng 12/2013
và thường xuyên", spans of months, periods that only start ("Từ tháng 11/2025 ...", "từ ... trở
đi"), "Từ ngày A đến ngày B", rhythms ("định kỳ trước ngày 10 hàng tháng", "ít nhất 01
lần/tháng", "mỗi học kỳ", "trước ngày 20 tháng cuối quý", "Trước ngày 31/01 năm liền kề") and
relative times ("chậm nhất 05 ngày làm việc sau khi ...": no date).

Three levels: the phrase alone (a time cell or a "Thời gian:" value, `normalize_deadline`), the
phrase inside an invented task sentence (`find_deadline`), and the task the extractor emits.
"""
import datetime as dt

import pytest

from ocop_docs.extract.deadlines import find_deadline, find_recurrence, normalize_deadline
from ocop_docs.extract.tasks import extract_tasks
from ocop_docs.normalize import normalize_text

D = dt.date(2025, 10, 3)
ANY = "any"   # the due date is not checked (a yearly report "before 31/01 of the next year")


def check(got_due, got_recurrence, due, recurrence):
    assert got_recurrence == recurrence
    if due != ANY:
        assert got_due == due


# (phrase, due, recurrence): a time cell or a "Thời gian thực hiện:" value
PHRASES = [
    ("Tháng 12/2013 và thường xuyên", "2013-12-31", None),
    ("Tháng 11 - 12/2025", "2025-12-31", None),          # a span of months, not 11 December
    ("Tháng 11-12/2025", "2025-12-31", None),
    ("tháng 11 – 12/2025", "2025-12-31", None),
    ("Tháng 5 - 6/2026", "2026-06-30", None),
    ("Từ tháng 11/2025 đến khi kết thúc Đề án", None, None),   # a start, no end
    ("từ tháng 3/2024 trở đi", None, None),
    ("Từ quý II/2027", None, None),
    ("Từ ngày 01/02/2026 đến ngày 30/4/2026", "2026-04-30", None),
    ("từ ngày 15/8/2025 đến ngày 15/9/2025", "2025-09-15", None),
    ("định kỳ trước ngày 10 hàng tháng", None, "monthly"),
    ("định kỳ hằng tuần", None, "weekly"),
    ("Thứ Sáu hằng tuần", None, "weekly"),
    ("ít nhất 01 lần/tháng", None, "monthly"),
    ("01 lần/quý", None, "quarterly"),
    ("mỗi học kỳ", None, "semiannual"),
    ("chậm nhất 05 ngày làm việc sau khi kết thúc đợt kiểm tra", None, None),
    ("trong thời hạn 05 ngày làm việc kể từ ngày nhận được hồ sơ", None, None),
    ("ngay sau khi có kết quả thẩm định", None, None),
    pytest.param("trước ngày 20 tháng cuối quý", None, "quarterly"),
    pytest.param("Trước ngày 31/01 năm liền kề", ANY, "annual"),
    # a year that ends a law's name is no time; a year of its own still is
    ("Theo tiến độ được giao của Luật An ninh mạng 2025", None, None),
    ("Theo Bộ luật Hình sự 2015; hoàn thành năm 2026", "2026-12-31", None),
]


@pytest.mark.parametrize("phrase, due, recurrence", PHRASES)
def test_normalize_deadline(phrase, due, recurrence):
    got = normalize_deadline(phrase, D)
    check(got.due, got.recurrence, due, recurrence)


# (sentence, due, recurrence): the phrase inside a task sentence
SENTENCES = [
    ("Sở Y tế tổng hợp số liệu tiêm chủng, báo cáo UBND tỉnh định kỳ trước ngày 10 hàng tháng.",
     None, "monthly"),
    ("Công an tỉnh tổ chức giao ban về an ninh trật tự định kỳ hằng tuần.", None, "weekly"),
    ("Sở Giáo dục và Đào tạo kiểm tra công tác bán trú mỗi học kỳ.", None, "semiannual"),
    ("Các trường học tổ chức diễn tập phòng cháy ít nhất 01 lần/tháng.", None, "monthly"),
    ("Sở Xây dựng kiểm tra an toàn công trình từ ngày 01/02/2026 đến ngày 30/4/2026.",
     "2026-04-30", None),
    ("Sở Du lịch tổ chức chuỗi sự kiện quảng bá trong tháng 11 - 12/2025.", "2025-12-31", None),
    ("Ban Quản lý các khu công nghiệp triển khai cơ chế một cửa từ tháng 3/2024 trở đi.",
     None, None),
    ("Sở Nội vụ vận hành cổng việc làm từ tháng 11/2025 đến khi kết thúc Đề án.", None, None),
    ("Sở Tài chính gửi báo cáo chậm nhất 05 ngày làm việc sau khi kết thúc đợt kiểm tra.",
     None, None),
    pytest.param("Các huyện gửi báo cáo tiến độ giải ngân trước ngày 20 tháng cuối quý.",
                 None, "quarterly"),
    pytest.param("Các sở gửi báo cáo tổng kết công tác thi đua trước ngày 31/01 năm liền kề.",
                 ANY, "annual"),
]


def _pair(found):
    return (found.due, found.recurrence) if found else (None, None)


@pytest.mark.parametrize("sentence, due, recurrence", SENTENCES)
def test_find_deadline_in_sentences(sentence, due, recurrence):
    check(*_pair(find_deadline(sentence, D)), due, recurrence)


@pytest.mark.parametrize("sentence, due, recurrence", SENTENCES)
def test_task_deadline_from_its_sentence(sentence, due, recurrence):
    text = normalize_text("2. Nhiệm vụ thường xuyên\n- " + sentence + "\n")
    [task] = extract_tasks(text, 0, len(text), D)
    check(task.due, task.recurrence, due, recurrence)


@pytest.mark.parametrize("text, expected", [
    ("định kỳ hằng tuần", "weekly"),
    ("ít nhất 01 lần/tháng", "monthly"),
    ("mỗi học kỳ", "semiannual"),
    ("định kỳ trước ngày 10 hàng tháng", "monthly"),
    ("Từ ngày 01/02/2026 đến ngày 30/4/2026", None),
    ("Tháng 12/2013 và thường xuyên", None),
    pytest.param("trước ngày 20 tháng cuối quý", "quarterly"),
    pytest.param("Trước ngày 31/01 năm liền kề", "annual"),
    # several rhythms listed with "định kỳ": at several times
    ("Khen thưởng, biểu dương tập thể, cá nhân có thành tích: 6 tháng, hằng năm và định kỳ.",
     "periodic"),
    ("Báo cáo kết quả hằng quý, hằng năm và báo cáo định kỳ theo yêu cầu", "periodic"),
    ("báo cáo hằng quý, hằng năm và đột xuất", "quarterly"),
])
def test_find_recurrence(text, expected):
    assert find_recurrence(text) == expected


# ------------------------------------------------------------------ in a table's time column

def test_time_column_values():
    text = normalize_text(
        "STT | Nội dung | Cơ quan chủ trì | Thời gian thực hiện\n"
        "1 | Khảo sát nhu cầu đào tạo nghề | Sở Nội vụ | Tháng 11 - 12/2025\n"
        "2 | Vận hành sàn giao dịch việc làm | Trung tâm Dịch vụ việc làm tỉnh | Từ tháng 11/2025 "
        "đến khi kết thúc Đề án\n"
        "3 | Tổ chức phiên giao dịch việc làm | Trung tâm Dịch vụ việc làm tỉnh | ít nhất 01 "
        "lần/tháng\n"
        "4 | Kiểm tra cơ sở giáo dục nghề nghiệp | Sở Nội vụ | Từ ngày 01/02/2026 đến ngày "
        "30/4/2026\n")
    got = [(t.due, t.recurrence) for t in extract_tasks(text, 0, len(text), D)]
    assert got == [("2025-12-31", None), (None, None), (None, "monthly"), ("2026-04-30", None)]


# ------------------------------------------------------------------ relative times keep their words

def test_relative_deadline_keeps_its_words():
    text = normalize_text("2. Sở Tài chính\n- Gửi báo cáo kết quả kiểm tra chậm nhất 05 ngày làm "
                          "việc sau khi kết thúc đợt kiểm tra.\n")
    [task] = extract_tasks(text, 0, len(text), D)
    assert task.due is None and task.recurrence is None
    assert task.deadline_text and "05 ngày làm việc" in task.deadline_text
