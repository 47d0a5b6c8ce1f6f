"""Item blocks with field lines (issue 8, class 2): central plans give each part a block
"1. Nội dung, biện pháp" / "2. Cơ quan chủ trì, phối hợp" / "3. Thời gian thực hiện: ...", and
the lettered items of the first get the block's agencies and time; capital-letter parts
("A. MỤC ĐÍCH, YÊU CẦU", "B. NỘI DUNG"); a "TIẾN ĐỘ THỰC HIỆN" part heading is not a deadline
field; time lines after each item give that item its own due date.

Invented texts (other ministries and topics than the corpus), normalised as ingested text is.
"""
import datetime as dt

import pytest

from ocop_docs.extract.tasks import extract_tasks
from ocop_docs.normalize import normalize_text
from ocop_docs.structure.outline import parse_outline


def tasks_in(text, doc_date=dt.date(2024, 5, 6)):
    text = normalize_text(text)
    return extract_tasks(text, 0, len(text), doc_date)


def summary(tasks):
    return [(t.action.rstrip("."), t.lead, t.support, t.due, t.recurrence) for t in tasks]


CONTENT = ("II. HOÀN THIỆN CHÍNH SÁCH HỖ TRỢ HỢP TÁC XÃ\n"
           "1. Nội dung, biện pháp\n"
           "a) Rà soát các văn bản quy phạm pháp luật về kinh tế tập thể.\n"
           "b) Xây dựng tài liệu hướng dẫn thành lập hợp tác xã kiểu mới.\n")
TIME = "3. Thời gian thực hiện: Tháng 12/2024 và thường xuyên.\n"
LEADS = ["Bộ Kế hoạch và Đầu tư", "Bộ Tư pháp", "Liên minh Hợp tác xã Việt Nam"]
SUPPORTS = ["Bộ Tài chính", "Ngân hàng Nhà nước Việt Nam"]
ITEMS = ["Rà soát các văn bản quy phạm pháp luật về kinh tế tập thể",
         "Xây dựng tài liệu hướng dẫn thành lập hợp tác xã kiểu mới"]

AGENCY_FORMS = {
    "bullets under lettered labels": (
        "2. Cơ quan chủ trì, phối hợp\n"
        "a) Cơ quan chủ trì\n"
        "- Bộ Kế hoạch và Đầu tư.\n"
        "- Bộ Tư pháp; Liên minh Hợp tác xã Việt Nam.\n"
        "b) Cơ quan phối hợp\n"
        "- Bộ Tài chính.\n"
        "- Ngân hàng Nhà nước Việt Nam.\n"),
    "one line per label": (
        "2. Cơ quan chủ trì, phối hợp\n"
        "a) Cơ quan chủ trì: Bộ Kế hoạch và Đầu tư; Bộ Tư pháp; Liên minh Hợp tác xã Việt Nam.\n"
        "b) Cơ quan phối hợp: Bộ Tài chính; Ngân hàng Nhà nước Việt Nam.\n"),
}


@pytest.mark.parametrize("form", list(AGENCY_FORMS))
def test_lettered_items_share_the_block_agencies_and_time(form):
    got = summary(tasks_in(CONTENT + AGENCY_FORMS[form] + TIME))
    # "Tháng 12/2024 và thường xuyên" → the last day of December 2024
    assert got == [(item, LEADS, SUPPORTS, "2024-12-31", None) for item in ITEMS]


def test_field_labels_are_not_tasks():
    tasks = tasks_in(CONTENT + AGENCY_FORMS["bullets under lettered labels"] + TIME)
    assert not any(t.action.startswith(("Cơ quan", "Bộ ", "Ngân hàng", "Thời gian", "Nội dung"))
                   for t in tasks)


BLOCKS = ("B. NỘI DUNG, NHIỆM VỤ\n"
          "I. TĂNG CƯỜNG PHÒNG, CHỐNG MUA BÁN NGƯỜI\n"
          "1. Nội dung, biện pháp\n"
          "a) Tổ chức tuyên truyền về thủ đoạn mua bán người qua mạng xã hội.\n"
          "b) Xây dựng mô hình hỗ trợ nạn nhân tại cộng đồng.\n"
          "2. Cơ quan chủ trì\n"
          "- Bộ Công an.\n"
          "3. Cơ quan phối hợp\n"
          "- Bộ Quốc phòng; Bộ Ngoại giao.\n"
          "4. Thời gian thực hiện: Năm 2025.\n"
          "II. HỢP TÁC QUỐC TẾ\n"
          "1. Nội dung, biện pháp\n"
          "a) Ký kết thỏa thuận hợp tác song phương với các nước láng giềng.\n"
          "2. Cơ quan chủ trì, phối hợp\n"
          "a) Cơ quan chủ trì: Bộ Ngoại giao.\n"
          "b) Cơ quan phối hợp: Bộ Tư pháp.\n"
          "3. Thời gian thực hiện: Hằng năm.\n")


def test_each_block_keeps_its_own_agencies_and_time():
    got = summary(tasks_in(BLOCKS, dt.date(2025, 3, 1)))
    assert got == [
        ("Tổ chức tuyên truyền về thủ đoạn mua bán người qua mạng xã hội", ["Bộ Công an"],
         ["Bộ Quốc phòng", "Bộ Ngoại giao"], "2025-12-31", None),
        ("Xây dựng mô hình hỗ trợ nạn nhân tại cộng đồng", ["Bộ Công an"],
         ["Bộ Quốc phòng", "Bộ Ngoại giao"], "2025-12-31", None),
        ("Ký kết thỏa thuận hợp tác song phương với các nước láng giềng", ["Bộ Ngoại giao"],
         ["Bộ Tư pháp"], None, "annual"),
    ]


# ------------------------------------------------------------------ the item itself with field lines

def test_item_title_with_its_own_field_lines_is_a_task():
    text = ("II. NHIỆM VỤ CỤ THỂ\n"
            "3. Xây dựng cơ sở dữ liệu về đất đai cấp xã\n"
            "- Cơ quan chủ trì: Sở Nông nghiệp và Môi trường.\n"
            "- Cơ quan phối hợp: Sở Tài chính.\n"
            "- Thời gian thực hiện: Quý II/2026 và thường xuyên.\n"
            "4. Số hóa hồ sơ địa chính\n"
            "- Đơn vị thực hiện: Văn phòng Đăng ký đất đai tỉnh.\n"
            "- Tiến độ: Tháng 9/2026.\n")
    got = summary(tasks_in(text, dt.date(2026, 1, 15)))
    assert got == [
        ("Xây dựng cơ sở dữ liệu về đất đai cấp xã", ["Sở Nông nghiệp và Môi trường"],
         ["Sở Tài chính"], "2026-06-30", None),
        ("Số hóa hồ sơ địa chính", ["Văn phòng Đăng ký đất đai tỉnh"], [], "2026-09-30", None),
    ]


# ------------------------------------------------------------------ parts A., B., C.

PARTS = ("A. MỤC ĐÍCH, YÊU CẦU\n"
         "1. Nâng cao nhận thức của xã hội về bình đẳng giới.\n"
         "B. NỘI DUNG\n"
         "I. TUYÊN TRUYỀN\n"
         "1. Nội dung, biện pháp\n"
         "a) Biên soạn tài liệu tuyên truyền về bình đẳng giới.\n"
         "2. Cơ quan chủ trì: Bộ Văn hóa, Thể thao và Du lịch.\n"
         "3. Thời gian thực hiện: Quý III/2025.\n"
         "C. TỔ CHỨC THỰC HIỆN\n"
         "1. Bộ Y tế chủ trì, phối hợp với Bộ Công an tổ chức khám sàng lọc cho nạn nhân.\n")


def test_capital_letter_parts_are_parts():
    roots = parse_outline(normalize_text(PARTS))
    assert [(r.kind, r.marker) for r in roots] == [("part", "A"), ("part", "B"), ("part", "C")]
    roman = roots[1].children[0]
    assert (roman.kind, roman.marker) == ("roman", "I")


def test_tasks_under_capital_letter_parts():
    tasks = tasks_in(PARTS, dt.date(2025, 2, 1))
    assert summary(tasks) == [
        ("Biên soạn tài liệu tuyên truyền về bình đẳng giới", ["Bộ Văn hóa, Thể thao và Du lịch"],
         [], "2025-09-30", None),
        ("Bộ Y tế chủ trì, phối hợp với Bộ Công an tổ chức khám sàng lọc cho nạn nhân",
         ["Bộ Y tế"], ["Bộ Công an"], None, None),
    ]
    assert tasks[0].section.startswith("B.I") and tasks[1].section == "C.1"


# ------------------------------------------------------------------ "TIẾN ĐỘ THỰC HIỆN" part heading

@pytest.mark.parametrize("progress", [
    "IV. TIẾN ĐỘ THỰC HIỆN\n",
    "IV. TIẾN ĐỘ THỰC HIỆN\n- Năm 2025: hoàn thành khảo sát, đánh giá thực trạng.\n"
    "- Năm 2026: triển khai nhân rộng mô hình.\n",
    "IV. Tiến độ thực hiện\n1. Quý III/2025: xây dựng mô hình thí điểm.\n",
])
def test_progress_part_heading_is_not_a_deadline_for_the_rest(progress):
    text = (progress + "V. TỔ CHỨC THỰC HIỆN\n"
            "1. Sở Nông nghiệp và Môi trường chủ trì, phối hợp với Sở Tài chính hướng dẫn các "
            "địa phương lập dự toán kinh phí.\n"
            "2. Ủy ban nhân dân các xã, phường tổ chức triển khai kế hoạch trên địa bàn.\n")
    got = summary(tasks_in(text, dt.date(2025, 4, 2)))
    assert [(lead, due, rec) for _, lead, _, due, rec in got] == [
        (["Sở Nông nghiệp và Môi trường"], None, None),
        (["Ủy ban nhân dân các xã, phường"], None, None),
    ]


# ------------------------------------------------------------------ a time line after each item

@pytest.mark.parametrize("time_prefix", [
    "", "- ",
    "+ ",
])
def test_time_line_after_each_item_belongs_to_that_item(time_prefix):
    text = ("2. Sở Tư pháp\n"
            "- Rà soát các thủ tục hành chính liên thông về hộ tịch.\n"
            f"{time_prefix}Thời gian hoàn thành: Tháng 12/2025.\n"
            "- Tập huấn nghiệp vụ cho công chức tư pháp - hộ tịch cấp xã.\n"
            f"{time_prefix}Thời gian thực hiện: Quý I/2026.\n")
    got = summary(tasks_in(text, dt.date(2025, 6, 1)))
    assert got == [
        ("Rà soát các thủ tục hành chính liên thông về hộ tịch", ["Sở Tư pháp"], [],
         "2025-12-31", None),
        ("Tập huấn nghiệp vụ cho công chức tư pháp - hộ tịch cấp xã", ["Sở Tư pháp"], [],
         "2026-03-31", None),
    ]


def test_block_time_span_and_open_period():
    base = ("1. Nội dung, biện pháp\n"
            "a) Vận hành cổng thông tin điện tử về việc làm ngoài nước.\n"
            "2. Cơ quan chủ trì: Sở Nội vụ.\n")
    [span] = tasks_in(base + "3. Thời gian thực hiện: Tháng 11 - 12/2025.\n", dt.date(2025, 9, 1))
    assert span.due == "2025-12-31"
    [open_] = tasks_in(base + "3. Thời gian thực hiện: Từ tháng 11/2025 đến khi kết thúc Đề án.\n",
                       dt.date(2025, 9, 1))
    assert (open_.lead, open_.due) == (["Sở Nội vụ"], None)


def test_agency_heading_with_two_bodies_and_a_partners_lead_in_over_its_items():
    """ "3. Sở A/Sở B tỉnh, thành phố trực thuộc Trung ương" names two bodies (the provincial
    level written in full is one name); the line "Chủ trì, phối hợp với Y tham mưu ...:" under
    it names no lead of its own: its partners go to the lettered items after it, and it is no
    task itself."""
    text = ("IV. TỔ CHỨC THỰC HIỆN\n"
            "2. Sở Nông nghiệp và Phát triển nông thôn/Sở Nông nghiệp và Môi trường tỉnh, thành "
            "phố trực thuộc Trung ương\n"
            "Chủ trì, phối hợp với các cơ quan có liên quan tham mưu cho Ủy ban nhân dân cấp tỉnh:\n"
            "a) Rà soát mạng lưới trạm khuyến nông cấp xã trên địa bàn.\n"
            "b) Bố trí cán bộ khuyến nông cho các xã vùng cao.\n")
    got = summary(tasks_in(text))
    bodies = ["Sở Nông nghiệp và Phát triển nông thôn",
              "Sở Nông nghiệp và Môi trường tỉnh, thành phố trực thuộc Trung ương"]
    assert got == [
        ("Rà soát mạng lưới trạm khuyến nông cấp xã trên địa bàn", bodies,
         ["Các cơ quan có liên quan"], None, None),
        ("Bố trí cán bộ khuyến nông cho các xã vùng cao", bodies,
         ["Các cơ quan có liên quan"], None, None),
    ]


def test_duty_heading_names_a_body_of_no_known_type():
    """ "Trách nhiệm của <whoever>:" gives its bullets that lead even when it is no agency type
    ("đơn vị được kiểm toán"); each bullet's time line gives its own deadline."""
    text = ("2.3. Trách nhiệm của đơn vị được kiểm toán:\n"
            "- Chuẩn bị hồ sơ, chứng từ kế toán phục vụ đoàn kiểm toán.\n"
            "Thời hạn hoàn thành: Trước ngày 15/8/2024.\n"
            "- Báo cáo kết quả khắc phục sau kiểm toán cho cơ quan chủ quản.\n"
            "Thời hạn hoàn thành: Trước ngày 30/11/2024.\n")
    got = summary(tasks_in(text))
    assert [(a, lead, due) for a, lead, _, due, _ in got] == [
        ("Chuẩn bị hồ sơ, chứng từ kế toán phục vụ đoàn kiểm toán", ["Đơn vị được kiểm toán"],
         "2024-08-15"),
        ("Báo cáo kết quả khắc phục sau kiểm toán cho cơ quan chủ quản",
         ["Đơn vị được kiểm toán"], "2024-11-30"),
    ]


def test_a_performers_field_written_as_clauses_gives_a_task_per_body():
    # own corpus 405 (Lai Châu's plan): "- Cơ quan thực hiện:" holds sentences, each with its own
    # subject; the item was one task of no clear body
    text = ("II. NỘI DUNG KẾ HOẠCH\n"
            "2. Rà soát văn bản quy phạm pháp luật\n"
            "- Nội dung: Rà soát các văn bản quy phạm pháp luật có liên quan đến Luật thuộc thẩm "
            "quyền quản lý nhà nước được phân công.\n"
            "- Cơ quan thực hiện: Sở Khoa học và Công nghệ tiến hành rà soát các văn bản quy phạm "
            "pháp luật có liên quan đến Luật thuộc thẩm quyền quản lý nhà nước của mình; các sở, "
            "ngành liên quan và Ủy ban nhân dân các xã, phường rà soát văn bản quy phạm pháp luật "
            "do cơ quan mình tham mưu ban hành. Đồng thời, các sở, ngành liên quan và Ủy ban nhân "
            "dân các xã, phường tiếp tục rà soát cập nhật định kỳ trong quá trình triển khai thi "
            "hành Luật.\n"
            "- Thời gian thực hiện: Quý IV năm 2025.\n")
    tasks = tasks_in(text)
    assert [t.lead for t in tasks] == [
        ["Sở Khoa học và Công nghệ"],
        ["Các sở, ngành liên quan", "Ủy ban nhân dân các xã, phường"],
        ["Các sở, ngành liên quan", "Ủy ban nhân dân các xã, phường"]]
    assert all(t.due == "2025-12-31" for t in tasks)
    # a field that names bodies with the lead formula stays a list of bodies
    listed = text.split("- Cơ quan thực hiện:")[0] + (
        "- Cơ quan thực hiện: Sở Khoa học và Công nghệ chủ trì, phối hợp với Sở Tư pháp.\n"
        "- Thời gian thực hiện: Quý IV năm 2025.\n")
    assert [(t.lead, t.support) for t in tasks_in(listed)] == [
        (["Sở Khoa học và Công nghệ"], ["Sở Tư pháp"])]
