"""Assignment tables that reach us as text (issue 8, class 1): cells separated by " | " without
outer bars, by tabs, or in `| a | b |` Markdown form; title rows broken over several lines; data
cells broken over two lines; group rows; the year of the time column taken from its title.

Every text here is invented (other agencies, provinces and topics than the corpus). The text goes
through `normalize_text` first, as every ingested document does, then `extract_tasks`.
GUIDELINES.md: "Tables (Phụ lục): each row with a lead agency is a task; a group row without a
lead is not"; the time column gives the row's deadline; a leader's title stands for the agency.
"""
import datetime as dt

import pytest

from ocop_docs.extract.tasks import extract_tasks
from ocop_docs.normalize import normalize_text


def tasks_in(text, doc_date=dt.date(2026, 2, 10)):
    text = normalize_text(text)
    return extract_tasks(text, 0, len(text), doc_date)


def summary(tasks):
    return [(t.action.rstrip("."), t.lead, t.support, t.due, t.recurrence) for t in tasks]


HEADER = ["STT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]
ROWS = [
    ["I", "Cải cách thể chế", "", "", ""],
    ["1", "Rà soát quy định về thủ tục đăng ký hộ kinh doanh", "Sở Tư pháp", "Sở Tài chính",
     "Tháng 6/2026"],
    ["2", "Xây dựng cơ sở dữ liệu hộ kinh doanh", "Sở Khoa học và Công nghệ",
     "Sở Tài chính; Công an tỉnh", "Quý III/2026"],
    ["II", "Hiện đại hóa hành chính", "", "", ""],
    ["3", "Triển khai hệ thống họp trực tuyến đến cấp xã", "Văn phòng Ủy ban nhân dân tỉnh",
     "Sở Nội vụ", "Năm 2026"],
]
EXPECTED = [
    ("Rà soát quy định về thủ tục đăng ký hộ kinh doanh", ["Sở Tư pháp"], ["Sở Tài chính"],
     "2026-06-30", None),
    ("Xây dựng cơ sở dữ liệu hộ kinh doanh", ["Sở Khoa học và Công nghệ"],
     ["Sở Tài chính", "Công an tỉnh"], "2026-09-30", None),
    ("Triển khai hệ thống họp trực tuyến đến cấp xã", ["Văn phòng Ủy ban nhân dân tỉnh"],
     ["Sở Nội vụ"], "2026-12-31", None),
]


def render(rows, form):
    if form == "bar lines":
        # a web page copied as text: every cell between lines holding only "|", one bar more
        # between rows and for an empty cell; a group row is one merged cell ("I. Cải cách ...")
        lines = []
        for r in rows:
            if len(r) > 1 and r[0] and not any(r[2:]) and not r[0].isdigit() and r is not rows[0]:
                r = [f"{r[0]}. {r[1]}"]
            lines.append("|")
            for cell in r:
                # a long cell wraps over two lines
                words = cell.split()
                half = len(words) // 2 if len(words) > 6 else len(words)
                lines += [x for x in (" ".join(words[:half]), " ".join(words[half:])) if x]
                lines.append("|")
        return "PHỤ LỤC\nNHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2026\n\n" + "\n".join(lines) + "\n\n"
    if form == "bare pipes":
        lines = [" | ".join(r) for r in rows]
    elif form == "tabs":
        lines = ["\t".join(r) for r in rows]
    else:  # markdown
        lines = ["| " + " | ".join(r) + " |" for r in rows]
    return "PHỤ LỤC\nNHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2026\n" + "\n".join(lines) + "\n"


@pytest.mark.parametrize("form", ["bare pipes", "tabs", "markdown", "bar lines"])
def test_same_table_in_every_text_form_gives_the_same_tasks(form):
    """Group rows ("I | Cải cách thể chế") have no lead: no task; each data row is one task."""
    got = summary(tasks_in(render([HEADER] + ROWS, form)))
    assert got == EXPECTED


@pytest.mark.parametrize("form", ["bare pipes", "tabs", "markdown", "bar lines"])
def test_group_rows_are_never_tasks(form):
    tasks = tasks_in(render([HEADER] + ROWS, form))
    assert not any(t.action.startswith(("Cải cách thể chế", "Hiện đại hóa hành chính"))
                   for t in tasks)


@pytest.mark.parametrize("form", ["bare pipes", "markdown"])
def test_group_row_without_trailing_cells(form):
    rows = [HEADER, ["I", "Cải cách thể chế"], ROWS[1]]
    got = summary(tasks_in(render(rows, form)))
    assert got == [EXPECTED[0]]


@pytest.mark.parametrize("header, row, expected", [
    # other column wordings: "Nhiệm vụ" / "Chủ trì thực hiện" / "Phối hợp thực hiện" / "Thời hạn",
    # with a "Sản phẩm" and a "Theo dõi, đôn đốc" column (the latter is not support)
    (["STT", "Nhiệm vụ", "Sản phẩm", "Chủ trì thực hiện", "Phối hợp thực hiện", "Thời hạn",
      "Theo dõi, đôn đốc"],
     ["1", "Xây dựng đề án chuyển đổi số ngành du lịch", "Quyết định của UBND tỉnh",
      "Sở Văn hóa, Thể thao và Du lịch", "Sở Khoa học và Công nghệ", "Tháng 9/2026",
      "Văn phòng UBND tỉnh"],
     ("Xây dựng đề án chuyển đổi số ngành du lịch", ["Sở Văn hóa, Thể thao và Du lịch"],
      ["Sở Khoa học và Công nghệ"], "2026-09-30", None)),
    (["TT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Tiến độ"],
     ["1", "Điều tra hiện trạng rừng ngập mặn", "Chi cục Kiểm lâm", "UBND các xã ven biển",
      "Quý II/2026"],
     ("Điều tra hiện trạng rừng ngập mặn", ["Chi cục Kiểm lâm"],
      ["Ủy ban nhân dân các xã ven biển"], "2026-06-30", None)),
    (["TT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Tiến độ"],
     ["2", "Trồng bổ sung rừng phòng hộ ven biển", "Ban Quản lý rừng phòng hộ Cần Giờ",
      "Sở Tài chính", "Hằng năm"],
     ("Trồng bổ sung rừng phòng hộ ven biển", ["Ban Quản lý rừng phòng hộ Cần Giờ"],
      ["Sở Tài chính"], None, "annual")),
])
@pytest.mark.parametrize("form", ["bare pipes", "tabs", "markdown", "bar lines"])
def test_column_wordings(form, header, row, expected):
    assert summary(tasks_in(render([header, row], form))) == [expected]


# ------------------------------------------------------------------ empty cells keep their column

EMPTY_SUPPORT = [["TT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Tiến độ"],
                 ["1", "Trồng bổ sung rừng phòng hộ ven biển", "Ban Quản lý rừng phòng hộ Cần Giờ",
                  "", "Hằng năm"]]


@pytest.mark.parametrize("form", [
    "bare pipes",
    pytest.param("tabs"),
    "markdown",
    "bar lines",
])
def test_empty_support_cell_keeps_the_time_column(form):
    [task] = tasks_in(render(EMPTY_SUPPORT, form))
    assert task.lead == ["Ban Quản lý rừng phòng hộ Cần Giờ"]
    assert task.support == []
    assert (task.due, task.recurrence) == (None, "annual")


@pytest.mark.parametrize("form", ["bare pipes", "markdown"])
def test_support_column_names_a_state_company(form):
    rows = [["STT", "Nhiệm vụ", "Chủ trì thực hiện", "Phối hợp thực hiện", "Thời hạn"],
            ["1", "Hoàn thiện bản đồ số điểm du lịch", "Trung tâm Xúc tiến du lịch",
             "Viễn thông Lạng Sơn", "Quý IV/2026"]]
    [task] = tasks_in(render(rows, form))
    assert task.lead == ["Trung tâm Xúc tiến du lịch"]
    assert task.support == ["Viễn thông Lạng Sơn"]


# ------------------------------------------------------------------ broken title and data rows

BROKEN = ("KẾ HOẠCH KIỂM TRA AN TOÀN THỰC PHẨM\n"
          "STT | Nhiệm vụ | Trách nhiệm\n"
          "thực hiện | Thời gian\n"
          "(Năm 2026)\n"
          "1 | Kiểm tra an toàn thực phẩm tại bếp ăn tập thể | Sở Y tế | Ngày 12 tháng 3\n"
          "2 | Tập huấn cho cán bộ y tế cấp xã | Lãnh đạo\n"
          "Sở Y tế | Ngày 20 tháng 4\n"
          "3 | Tổng kết đợt kiểm tra | Trung tâm Kiểm soát bệnh tật tỉnh | Tháng 11\n")


def test_title_row_broken_over_three_lines_and_a_data_cell_over_two():
    # the document is dated 2025: the year 2026 comes from the time column's title
    got = summary(tasks_in(BROKEN, dt.date(2025, 12, 20)))
    assert got == [
        ("Kiểm tra an toàn thực phẩm tại bếp ăn tập thể", ["Sở Y tế"], [], "2026-03-12", None),
        ("Tập huấn cho cán bộ y tế cấp xã", ["Sở Y tế"], [], "2026-04-20", None),
        ("Tổng kết đợt kiểm tra", ["Trung tâm Kiểm soát bệnh tật tỉnh"], [], "2026-11-30", None),
    ]


@pytest.mark.parametrize("sep", [" | ", "\t"])
def test_year_of_the_time_column_from_its_title(sep):
    rows = [["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian (Năm 2026)"],
            ["1", "Kiểm tra an toàn thực phẩm tại bếp ăn tập thể", "Lãnh đạo Sở Y tế",
             "Ngày 12 tháng 3"],
            ["2", "Tổng kết đợt kiểm tra", "Trung tâm Kiểm soát bệnh tật tỉnh", "Tháng 11"]]
    text = "\n".join(sep.join(r) for r in rows) + "\n"
    got = summary(tasks_in(text, dt.date(2025, 12, 20)))
    assert got == [
        # "Lãnh đạo Sở Y tế": the leader stands for the agency
        ("Kiểm tra an toàn thực phẩm tại bếp ăn tập thể", ["Sở Y tế"], [], "2026-03-12", None),
        ("Tổng kết đợt kiểm tra", ["Trung tâm Kiểm soát bệnh tật tỉnh"], [], "2026-11-30", None),
    ]


def test_title_row_broken_with_support_column_and_year():
    text = ("TT | Nội dung | Đơn vị\nchủ trì | Đơn vị\nphối hợp | Thời gian\n(Năm 2027)\n"
            "1 | Tổ chức hội thi tin học trẻ toàn tỉnh | Tỉnh đoàn | Sở Giáo dục và Đào tạo "
            "| Tháng 7\n")
    got = summary(tasks_in(text, dt.date(2026, 11, 5)))
    assert got == [("Tổ chức hội thi tin học trẻ toàn tỉnh", ["Tỉnh đoàn"],
                    ["Sở Giáo dục và Đào tạo"], "2027-07-31", None)]


# ------------------------------------------------------------------ a lead-in above the table

@pytest.mark.parametrize("form", ["bare pipes", "markdown"])
def test_lead_in_sentence_with_its_own_lead_is_a_task_of_its_own(form):
    rows = [["STT", "Nội dung", "Cơ quan chủ trì", "Thời gian hoàn thành"],
            ["1", "Kiểm tra sức khỏe học sinh đầu năm học", "Sở Giáo dục và Đào tạo",
             "Tháng 10/2026"],
            ["2", "Tập huấn sơ cấp cứu cho giáo viên", "Sở Y tế", "Quý IV/2026"]]
    body = render(rows, form).split("\n", 2)[2]
    text = ("1. Sở Giáo dục và Đào tạo chủ trì, phối hợp với Sở Y tế triển khai các nhiệm vụ "
            "chăm sóc sức khỏe học đường sau:\n" + body)
    tasks = tasks_in(text)
    assert len(tasks) == 3
    first = tasks[0]
    assert first.action.startswith("Sở Giáo dục và Đào tạo chủ trì, phối hợp với Sở Y tế")
    assert (first.lead, first.support) == (["Sở Giáo dục và Đào tạo"], ["Sở Y tế"])
    # the rows keep their own columns (their support is left open: the lead-in frames them)
    assert [(t.action.rstrip("."), t.lead, t.due) for t in tasks[1:]] == [
        ("Kiểm tra sức khỏe học sinh đầu năm học", ["Sở Giáo dục và Đào tạo"], "2026-10-31"),
        ("Tập huấn sơ cấp cứu cho giáo viên", ["Sở Y tế"], "2026-12-31"),
    ]


# ------------------------------------------------------------------ a schedule table: time first

SCHEDULE = (
    "TIẾN ĐỘ CHI TIẾT\n"
    "Thời gian | Nội dung công việc | Cơ quan chịu trách nhiệm theo quy định | Thực hiện\n"
    " |  |  | Đơn vị chủ trì | Đơn vị phối hợp\n"
    "I | GIAI ĐOẠN 1: CHUẨN BỊ\n"
    "1 | Khảo sát hiện trạng |  |  | \n"
    "03-04/2027 | Khảo sát các bến thủy nội địa | Cơ quan lập đề án | Phòng Kinh tế hạ tầng "
    "| - Phòng Tài chính; - Văn phòng Sở.\n"
    " | Tổng hợp kết quả khảo sát | Cơ quan lập đề án | Phòng Kinh tế hạ tầng/ Trung tâm "
    "Tư vấn giao thông | - Phòng Tài chính.\n"
    "2 | Trình duyệt\n"
    " | Lấy ý kiến các xã | Cơ quan lập đề án |  | \n"
    "5/2027 | Phê duyệt đề án | Ủy ban nhân dân tỉnh |  | \n"
    " | Công bố đề án | Cơ quan lập đề án | Văn phòng Sở | - Phòng Kinh tế hạ tầng.\n"
)


def test_schedule_table_with_time_column_first_and_merged_time_cells():
    """A two-row title (the "Thực hiện" title over "Đơn vị chủ trì | Đơn vị phối hợp"), a
    leading empty cell for a time merged over several rows, month ranges "03-04/2027" as the
    time, a body named in a "Cơ quan chịu trách nhiệm" column that is not the lead, two leads
    joined by "/". A row with no lead ("Phê duyệt đề án") is no task, but its time goes on over
    the rows under it; a group row ("2 | Trình duyệt") ends a merged time."""
    got = summary(tasks_in(SCHEDULE, dt.date(2026, 12, 1)))
    assert got == [
        ("Khảo sát các bến thủy nội địa", ["Phòng Kinh tế và Hạ tầng"],
         ["Phòng Tài chính", "Văn phòng Sở"], "2027-04-30", None),
        ("Tổng hợp kết quả khảo sát", ["Phòng Kinh tế và Hạ tầng", "Trung tâm Tư vấn giao thông"],
         ["Phòng Tài chính"], "2027-04-30", None),
        ("Công bố đề án", ["Văn phòng Sở"], ["Phòng Kinh tế và Hạ tầng"], "2027-05-31", None),
    ]


def test_row_with_empty_first_cell_stays_in_the_table():
    text = ("TT | Nội dung công việc | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian trình\n"
            "1 | Lập đề án bảo tồn làng nghề gốm | Sở Văn hóa và Thể thao | Sở Tài chính "
            "| Quý III, năm 2027\n"
            " | Kiểm kê các lò gốm truyền thống | Sở Văn hóa và Thể thao | Ủy ban nhân dân các xã "
            "| Năm 2027; Năm 2028\n"
            "2 | Xây dựng nhãn hiệu tập thể gốm | Sở Khoa học và Công nghệ | Hội Gốm sứ tỉnh "
            "| Quý III, IV/2027, 2028\n")
    got = summary(tasks_in(text, dt.date(2026, 12, 1)))
    assert [(a, lead, due) for a, lead, _, due, _ in got] == [
        ("Lập đề án bảo tồn làng nghề gốm", ["Sở Văn hóa và Thể thao"], "2027-09-30"),
        ("Kiểm kê các lò gốm truyền thống", ["Sở Văn hóa và Thể thao"], "2027-12-31"),
        ("Xây dựng nhãn hiệu tập thể gốm", ["Sở Khoa học và Công nghệ"], "2028-12-31"),
    ]


# ------------------------------------------------------------------ one cell per line

CELL_LINES_BODY = (
    "1\n"
    "Phổ biến quy chế quản lý chợ đêm\n"
    "a)\n"
    "Tổ chức hội nghị phổ biến quy chế cho các hộ kinh doanh.\n"
    "Phòng Kinh tế\n"
    "Công an phường; Ban quản lý chợ\n"
    "Quý II, III/2027\n"
    "b)\n"
    "In tờ rơi hướng dẫn nội quy chợ; phát tận tay cho\n"
    "Trung tâm Văn hóa, Phòng\n"
    "Ban quản lý chợ\n"
    "Thường xuyên\n"
    "các hộ kinh doanh và khách tham quan.\n"
    "Văn hóa - Thông tin\n"
    "2\n"
    "Kiểm tra vệ sinh an toàn thực phẩm tại chợ đêm.\n"
    "Trạm Y tế phường\n"
    "Phòng Kinh tế\n"
    "Quý IV/2027, 2028\n"
)


@pytest.mark.parametrize("titles", [
    "| STT | Nội dung hoạt động | Cơ quan chủ trì | Cơ quan phối hợp |\n| --- | --- | --- | --- |\n"
    "Thời gian thực hiện\n",
    "STT\nNội dung hoạt động\nCơ quan chủ trì\nCơ quan phối hợp\nThời gian thực hiện\n",
])
def test_table_exported_one_cell_per_line(titles):
    """Titles as one `| a | b |` row (one title printed out of its row) or one per line, then
    each cell on its own line: a row starts at a line holding only its number; a group row
    ("1" / its title) has no lead; cells past the last column (a row broken by a page) go
    back to the task and lead cells in order."""
    text = "PHỤ LỤC\nKẾ HOẠCH QUẢN LÝ CHỢ ĐÊM\n" + titles + CELL_LINES_BODY
    got = summary(tasks_in(text, dt.date(2027, 3, 1)))
    assert got == [
        ("Tổ chức hội nghị phổ biến quy chế cho các hộ kinh doanh", ["Phòng Kinh tế"],
         ["Công an phường", "Ban quản lý chợ"], "2027-09-30", None),
        ("In tờ rơi hướng dẫn nội quy chợ; phát tận tay cho các hộ kinh doanh và khách tham quan",
         ["Trung tâm Văn hóa", "Phòng Văn hóa và Thông tin"], ["Ban quản lý chợ"], None, None),
        ("Kiểm tra vệ sinh an toàn thực phẩm tại chợ đêm", ["Trạm Y tế phường"],
         ["Phòng Kinh tế"], "2028-12-31", None),
    ]


def test_numbered_lines_after_a_table_title_are_not_cells_without_a_task_column():
    """Lines that only resemble titles ("Ghi chú" is no column) leave the text as it is."""
    text = "Ghi chú\nNội dung\n1\nCác số liệu tính đến ngày 31/12/2026.\n"
    from ocop_docs.normalize import normalize_text
    assert "|" not in normalize_text(text)
