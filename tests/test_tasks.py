"""Task assignment extraction on real passages of the corpus (and realistic variants)."""
import datetime as dt

import pytest

from agency_names import same
from ocop_docs.extract.assignments import parse_assignment
from ocop_docs.extract.tasks import extract_tasks



def tasks_of(text, year=2019):
    return extract_tasks(text, 0, len(text), dt.date(year, 6, 1))


@pytest.mark.parametrize("sentence, lead, support", [
    ("Giao Sở Tài chính chủ trì, phối hợp với Sở Kế hoạch và Đầu tư, Sở Nông nghiệp và PTNT, "
     "Văn phòng Điều phối nông thôn mới tỉnh tham mưu UBND tỉnh phân bổ kinh phí.",
     ["Sở Tài chính"],
     ["Sở Kế hoạch và Đầu tư", "Sở Nông nghiệp và Phát triển nông thôn",
      "Văn phòng Điều phối nông thôn mới tỉnh"]),
    ("Đề nghị Ngân hàng Nhà nước Chi nhánh Quảng Nam chỉ đạo, hướng dẫn các ngân hàng thương mại "
     "hỗ trợ doanh nghiệp tiếp cận nguồn vốn vay.",
     ["Ngân hàng Nhà nước Chi nhánh Quảng Nam"], []),
    ("Văn phòng Điều phối nông thôn mới tỉnh phối hợp với Sở Nông nghiệp và PTNT sớm tham mưu "
     "UBND tỉnh ban hành quy định nội dung, định mức hỗ trợ.",
     ["Văn phòng Điều phối nông thôn mới tỉnh"], ["Sở Nông nghiệp và Phát triển nông thôn"]),
    ("Giao trách nhiệm Trưởng phòng NN-PTNT huyện chủ trì, phối hợp với các phòng, ban phụ trách "
     "các tiêu chí xây dựng nông thôn mới huyện, Chủ tịch UBND các xã, thị trấn Vĩnh An và các "
     "ngành có liên quan tham mưu UBND huyện kế hoạch thực hiện Đề án.",
     ["Phòng Nông nghiệp và Phát triển nông thôn huyện"],
     ["Các phòng, ban phụ trách các tiêu chí xây dựng nông thôn mới huyện",
      "Ủy ban nhân dân các xã, thị trấn Vĩnh An", "Các ngành có liên quan"]),
    ("Ngân hàng Nhà nước Việt Nam Chi nhánh tỉnh Hòa Bình: Chủ trì, phối hợp với Sở Nông nghiệp "
     "và Phát triển nông thôn và các sở ngành liên quan rà soát chính sách tín dụng.",
     ["Ngân hàng Nhà nước Việt Nam Chi nhánh tỉnh Hòa Bình"],
     ["Sở Nông nghiệp và Phát triển nông thôn", "Các sở, ngành liên quan"]),
])
def test_explicit_assignment(sentence, lead, support):
    found = parse_assignment(sentence)
    assert same(found.lead, lead), found.lead
    assert same(found.support, support), found.support


@pytest.mark.parametrize("sentence", [
    "Tuyên truyền về sự cần thiết, các nguyên tắc của OCOP, bộ tiêu chí đánh giá.",
    "Tham mưu UBND tỉnh ban hành Quyết định phê duyệt kết quả đánh giá.",
    "Hỗ trợ, hướng dẫn UBND các huyện, thành phố triển khai Kế hoạch.",
])
def test_no_lead_in_an_action(sentence):
    assert parse_assignment(sentence).lead == []


def test_agency_heading_frames_bullets_and_support_is_added():
    text = ("V. PHÂN CÔNG NHIỆM VỤ\n4. Sở Công Thương\n"
            "- Chủ trì, phối hợp với Sở Giao thông vận tải phát triển hệ thống phân phối, bán lẻ "
            "sản phẩm OCOP tại các trạm dừng nghỉ.\n"
            "- Hàng năm, phối hợp với Sở Nông nghiệp và Phát triển nông thôn và các sở, ngành liên "
            "quan tổ chức các kỳ đánh giá và xếp hạng sản phẩm OCOP.\n")
    tasks = tasks_of(text)
    assert len(tasks) == 2
    assert all(same(t.lead, ["Sở Công Thương"]) for t in tasks)
    assert same(tasks[0].support, ["Sở Giao thông vận tải"])
    assert same(tasks[1].support, ["Sở Nông nghiệp và Phát triển nông thôn",
                                   "Các sở, ngành liên quan"])
    assert tasks[1].recurrence == "annual" and tasks[1].due is None
    assert tasks[0].section == "V.4"


def test_framing_heading_gives_lead_and_support_to_each_bullet():
    text = ("1. Chi cục Phát triển nông thôn chủ trì, phối hợp với các đơn vị liên quan tham mưu "
            "Giám đốc Sở triển khai thực hiện:\n"
            "- Tổ chức thực hiện các hoạt động tuyên truyền về Chương trình OCOP;\n"
            "- Phối hợp Sở Công thương tổ chức xúc tiến thương mại các sản phẩm OCOP;\n")
    tasks = tasks_of(text)
    assert len(tasks) == 2
    assert same(tasks[0].lead, ["Chi cục Phát triển nông thôn"])
    assert same(tasks[0].support, ["Các đơn vị liên quan"])
    assert same(tasks[1].support, ["Các đơn vị liên quan", "Sở Công Thương"])


def test_field_lines_set_lead_support_and_deadline():
    text = ("7. Hội nghị sơ kết, đánh giá Chương trình OCOP năm 2020\n"
            "- Nội dung: Tổ chức Hội nghị đánh giá kết quả thực hiện Chương trình OCOP năm 2020.\n"
            "- Cơ quan chủ trì: Ủy ban nhân dân huyện\n"
            "- Đơn vị thực hiện: Phòng nông nghiệp và PTNT, các phòng ban liên quan, ủy ban nhân "
            "dân các xã, thị trấn.\n"
            "- Thời gian: Quý IV/2020.\n")
    [task] = tasks_of(text, 2020)
    assert task.action.startswith("Tổ chức Hội nghị đánh giá")
    assert same(task.lead, ["Ủy ban nhân dân huyện"])
    assert same(task.support, ["Phòng Nông nghiệp và Phát triển nông thôn",
                               "Các phòng ban liên quan", "Ủy ban nhân dân các xã, thị trấn"])
    assert task.due == "2020-12-31"


def test_bare_assignment_line_is_not_a_task_but_assigns_its_siblings():
    text = ("4. Triển khai Chu trình OCOP thường niên\n"
            "- Triển khai Chu trình OCOP thường niên theo 06 bước đảm bảo nguyên tắc: Nhà nước "
            "đồng hành, hỗ trợ, hướng dẫn.\n"
            "- Phòng nông nghiệp và PTNT chủ trì, phối hợp với các cơ quan, đơn vị có liên quan "
            "và đơn vị tư vấn tổ chức thực hiện.\n")
    [task] = tasks_of(text, 2020)
    assert same(task.lead, ["Phòng Nông nghiệp và Phát triển nông thôn"])
    assert same(task.support, ["Các cơ quan, đơn vị có liên quan", "Đơn vị tư vấn"])
    assert task.recurrence == "annual"


def test_appendix_table_rows_with_continuations():
    text = ("PHỤ LỤC\n"
            "| TT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian |\n"
            "| I | Khởi động Chương trình OCOP |  |  |  |\n"
            "| 1 | Hoàn thiện, phê duyệt đề cương Đề án | Sở Nông nghiệp và Phát triển nông thôn "
            "| Các Sở: Công thương, Khoa học và Công nghệ, Y tế | Quý III/2018 |\n"
            "| IV | Triển khai chu trình OCOP thường niên | Sở Nông nghiệp và Phát triển nông thôn "
            "| Các đơn vị có liên quan | Hằng năm |\n"
            "|  |  | Ủy ban nhân dân các huyện, thành phố |  |  |\n")
    tasks = tasks_of(text, 2018)
    assert len(tasks) == 2
    assert tasks[0].due == "2018-09-30"
    assert same(tasks[0].support, ["Sở Công Thương", "Sở Khoa học và Công nghệ", "Sở Y tế"])
    assert same(tasks[1].lead, ["Sở Nông nghiệp và Phát triển nông thôn",
                                "Ủy ban nhân dân các huyện, thành phố"])
    assert tasks[1].recurrence == "annual" and tasks[1].due is None


def test_implied_work_is_not_a_task():
    text = ("III. NHIỆM VỤ VÀ GIẢI PHÁP\n1. Tuyên truyền\n"
            "- Xây dựng website về Chương trình OCOP và tuyên truyền trên website.\n")
    assert tasks_of(text) == []


@pytest.mark.parametrize("sentence, lead", [
    # a topic label before the sentence (seed 003)
    ("Về công tác thông tin, tuyên truyền: Báo Quảng Nam, Đài Phát thanh - Truyền hình tỉnh tăng "
     "cường công tác thông tin, tuyên truyền.",
     ["Báo Quảng Nam", "Đài Phát thanh - Truyền hình tỉnh"]),
    # the subject after a leading adverbial clause (seed 004), with ';' or ',' as its end
    ("Trên cơ sở Bộ tiêu chí, quy trình đánh giá, phân hạng sản phẩm được ban hành; Hội đồng "
     "OCOP cấp tỉnh tiến hành rà soát hồ sơ.", ["Hội đồng OCOP cấp tỉnh"]),
    ("Để triển khai có hiệu quả, Ủy ban nhân dân các huyện cần bố trí kinh phí.",
     ["Ủy ban nhân dân các huyện"]),
    # a proposal that prompted the assignment: its proposer is not the lead
    ("Theo đề nghị của Phòng Kinh tế tại Tờ trình số 7/TTr-PKT ngày 02/5/2023, Chủ tịch Ủy ban "
     "nhân dân huyện giao Phòng Tài chính - Kế hoạch chủ trì, phối hợp với Phòng Kinh tế thẩm "
     "định dự toán.", ["Phòng Tài chính - Kế hoạch"]),
    ("Xét đề nghị của Hội Nông dân huyện, Ủy ban nhân dân huyện giao Trung tâm Dịch vụ nông "
     "nghiệp hướng dẫn các hợp tác xã lập hồ sơ.", ["Trung tâm Dịch vụ nông nghiệp"]),
    # a condition ("Trường hợp ...") before the subject, ended by ':', ',' or "thì"
    ("Trường hợp phát sinh nhu cầu bổ sung danh mục công trình: Sở Xây dựng tổng hợp, trình Ủy "
     "ban nhân dân tỉnh xem xét.", ["Sở Xây dựng"]),
    ("Trường hợp cần thiết điều chỉnh mức thu phí, Sở quản lý ngành, lĩnh vực có trách nhiệm "
     "tham mưu Ủy ban nhân dân tỉnh.", ["Sở quản lý ngành, lĩnh vực"]),
    ("Trường hợp hồ sơ chưa đầy đủ thì Phòng Kinh tế hướng dẫn tổ chức bổ sung trong 03 ngày.",
     ["Phòng Kinh tế"]),
    # a short label of the step before a sentence whose subject is an agency
    ("Thẩm định hồ sơ: Phòng Tài chính - Kế hoạch chủ trì thẩm định trong 05 ngày làm việc.",
     ["Phòng Tài chính - Kế hoạch"]),
    ("Hạn gửi kế hoạch: Các đơn vị được giao nhiệm vụ gửi về Sở Nội vụ trước ngày 15/01.",
     ["Các đơn vị được giao nhiệm vụ"]),
])
def test_subject_after_label_or_clause(sentence, lead):
    assert same(parse_assignment(sentence).lead, lead)


@pytest.mark.parametrize("sentence", [
    "Trường hợp Sở Tài chính có ý kiến khác thì báo cáo Ủy ban nhân dân tỉnh quyết định.",
    "Trường hợp cần thiết, tổ chức kiểm tra đột xuất các cơ sở kinh doanh.",
])
def test_condition_without_a_subject_after_it_names_no_lead(sentence):
    assert parse_assignment(sentence).lead == []


def test_adverbial_clause_then_action_keeps_the_frame():
    found = parse_assignment("Hằng năm, phối hợp với Sở Nông nghiệp và Phát triển nông thôn và các "
                             "sở, ngành liên quan tổ chức các kỳ đánh giá sản phẩm OCOP.")
    assert found.lead == []
    assert same(found.support, ["Sở Nông nghiệp và Phát triển nông thôn", "Các sở, ngành liên quan"])


def test_one_word_cue_keeps_its_tones():
    # "giáo" (Ban Tuyên giáo) is not the cue "giao"
    text = ("Tham dự có đại diện Thường trực UBMTTQ Việt Nam tỉnh, Ban Tuyên giáo Tỉnh ủy, Ban Dân "
            "vận Tỉnh ủy và các đơn vị liên quan.")
    assert parse_assignment(text).lead == []


@pytest.mark.parametrize("heading, lead", [
    ("Đối với Sở Công Thương", ["Sở Công Thương"]),
    ("Trách nhiệm của Ủy ban nhân dân các huyện, thành phố:", ["Ủy ban nhân dân các huyện, thành phố"]),
    ("Giao Sở Nông nghiệp và PTNT:", ["Sở Nông nghiệp và Phát triển nông thôn"]),
])
def test_headings_that_name_the_agency_frame_their_bullets(heading, lead):
    text = f"2. {heading}\n- Tổ chức kiểm tra, giám sát các sản phẩm OCOP đã được chứng nhận.\n"
    [task] = tasks_of(text)
    assert same(task.lead, lead)


def test_unnumbered_agency_lead_in_holds_its_bullets():
    text = ("V. TỔ CHỨC THỰC HIỆN\nSở Tài chính:\n"
            "- Tham mưu bố trí kinh phí thực hiện Chương trình OCOP hằng năm.\n"
            "Sở Công Thương:\n"
            "- Chủ trì, phối hợp với Sở Nông nghiệp và PTNT tổ chức hội chợ sản phẩm OCOP.\n")
    first, second = tasks_of(text)
    assert same(first.lead, ["Sở Tài chính"]) and first.recurrence == "annual"
    assert same(second.lead, ["Sở Công Thương"])
    assert same(second.support, ["Sở Nông nghiệp và Phát triển nông thôn"])


def test_table_time_cells_need_no_cue_word():
    text = ("| STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời hạn hoàn thành |\n"
            "| 1 | Ban hành kế hoạch thực hiện | Sở Nông nghiệp và PTNT | Sở Tài chính | 30/6/2021 |\n"
            "| 2 | Kiểm tra, giám sát sản phẩm | Sở Y tế | | Thường xuyên |\n"
            "| 3 | Báo cáo kết quả | UBND các huyện | | Hàng quý |\n")
    first, second, third = tasks_of(text, 2021)
    assert first.due == "2021-06-30" and same(first.support, ["Sở Tài chính"])
    assert (second.due, second.recurrence) == (None, None)
    assert (third.due, third.recurrence) == (None, "quarterly")


def test_noun_phrase_sub_items_are_details_of_their_task():
    text = ("3. Sở Y tế\n"
            "- Rà soát, đánh giá tiêu chuẩn chất lượng các sản phẩm hiện có, trước mắt thực hiện "
            "chỉ đạo điểm đối với một số sản phẩm đặc trưng của tỉnh, bao gồm:\n"
            "+ Nhóm sản phẩm thực phẩm;\n+ Nhóm sản phẩm thảo dược.\n")
    [task] = tasks_of(text)
    assert same(task.lead, ["Sở Y tế"])


def test_sentences_split_on_abbreviations_correctly():
    from ocop_docs.extract.assignments import sentence_starts
    text = "Hội nghị do PGS. TS Trần Văn A chủ trì. Các ngành, địa phương cần đưa Chương trình vào."
    starts = sentence_starts(text)
    assert text[starts[-1]:].startswith("Các ngành") and len(starts) == 2


def test_two_obligations_for_different_agencies_in_one_bullet_are_two_tasks():
    text = ("1. Về xúc tiến thương mại\n"
            "- Giao Sở Công Thương tổ chức hội chợ sản phẩm OCOP trong Quý III/2021; giao Sở Văn "
            "hóa, Thể thao và Du lịch lồng ghép quảng bá sản phẩm OCOP tại các lễ hội.\n")
    first, second = tasks_of(text, 2021)
    assert same(first.lead, ["Sở Công Thương"]) and first.due == "2021-09-30"
    assert same(second.lead, ["Sở Văn hóa, Thể thao và Du lịch"])
    assert second.action.startswith("giao Sở Văn hóa") and second.due is None
    assert "Văn hóa" not in first.action


def test_a_later_clause_with_its_own_named_subject_is_a_task_of_its_own():
    text = ("5. Chế độ báo cáo\n"
            "- Báo cáo quý: Các phòng, ban gửi Văn phòng Sở trước ngày 10 tháng cuối quý; Văn "
            "phòng Sở tổng hợp báo cáo Giám đốc Sở trước ngày 15 tháng cuối quý.\n"
            "- Phòng Kế hoạch rà soát danh mục dự án; Phòng Tài chính bố trí vốn đối ứng trong "
            "năm 2022.\n")
    tasks = tasks_of(text, 2022)
    assert [t.lead for t in tasks] == [["Các phòng, ban"], ["Văn phòng Sở"],
                                       ["Phòng Kế hoạch"], ["Phòng Tài chính"]]
    assert tasks[1].action.startswith("Văn phòng Sở tổng hợp")
    assert tasks[1].recurrence == "quarterly"
    assert tasks[3].due == "2022-12-31" and tasks[2].due is None


def test_a_semicolon_inside_the_opening_list_of_agencies_does_not_split_the_task():
    text = ("3. Tổ chức thực hiện\n"
            "Thủ trưởng các sở, ban, ngành; Chủ tịch Ủy ban nhân dân các huyện, thị xã có trách "
            "nhiệm triển khai thực hiện Kế hoạch này; Sở Nội vụ theo dõi, đôn đốc việc thực hiện.\n")
    tasks = tasks_of(text, 2022)
    assert same(tasks[0].lead, ["Các sở, ban, ngành", "Ủy ban nhân dân các huyện, thị xã"])
    assert tasks[0].action.startswith("Thủ trưởng các sở")
    assert [t.lead for t in tasks[1:]] == [["Sở Nội vụ"]]


def test_executors_of_a_decision_are_read_part_by_part():
    # the closing article lists its executors between ";": a body with its number and level, a
    # name that runs on past a comma, a colon list with units of other levels, a counted group
    text = ("Điều 4. Chánh Văn phòng UBND tỉnh, Giám đốc Sở Tư pháp; thành viên Ban Chỉ đạo 389 "
            "tỉnh; thành viên Tổ công tác liên ngành kiểm tra, giám sát về TTATXH; Chủ tịch UBND "
            "các huyện: Mỹ Lâm, Hòa Vang, thị xã Phú Hưng và thành phố Tân An; Chủ tịch UBND 05 "
            "xã có tên tại Điều 2 và các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành "
            "Quyết định này./.\n")
    [task] = tasks_of(text, 2025)
    assert same(task.lead, [
        "Văn phòng Ủy ban nhân dân tỉnh", "Sở Tư pháp", "Thành viên Ban Chỉ đạo 389 tỉnh",
        "Thành viên Tổ công tác liên ngành kiểm tra, giám sát về trật tự, an toàn xã hội",
        "Ủy ban nhân dân huyện Mỹ Lâm", "Ủy ban nhân dân huyện Hòa Vang",
        "Ủy ban nhân dân thị xã Phú Hưng", "Ủy ban nhân dân thành phố Tân An",
        "Ủy ban nhân dân 05 xã có tên tại Điều 2", "Các cơ quan, đơn vị có liên quan"]), task.lead
    assert task.support == []


def test_executor_parts_that_name_other_bodies_are_not_joined():
    # "Vụ trưởng Vụ ..., Vụ trưởng Vụ ...": the part after the comma is a body of its own
    found = parse_assignment("Chánh Văn phòng Bộ, Vụ trưởng Vụ Pháp chế, Cục trưởng Cục Thủy "
                             "sản, Giám đốc Trung tâm Khuyến nông quốc gia và tổ chức, cá nhân có "
                             "liên quan chịu trách nhiệm thi hành Quyết định này./.")
    assert same(found.lead, ["Văn phòng Bộ", "Vụ Pháp chế", "Cục Thủy sản",
                             "Trung tâm Khuyến nông quốc gia",
                             "Các tổ chức, cá nhân có liên quan"]), found.lead


@pytest.mark.parametrize("sentence, lead", [
    # a body named by the duty it was given, with or without "các"
    ("Các đơn vị được phân công chủ trì nhiệm vụ tại Phụ lục có trách nhiệm lập dự toán kinh phí.",
     ["Các đơn vị được phân công chủ trì nhiệm vụ tại Phụ lục"]),
    ("Hằng năm, các cơ quan được giao chủ trì đề án có trách nhiệm báo cáo tiến độ.",
     ["Các cơ quan được giao chủ trì đề án"]),
    ("Cơ quan được giao thẩm định hồ sơ tham mưu Ủy ban nhân dân huyện quyết định.",
     ["Cơ quan được giao"]),
])
def test_bodies_named_by_their_assigned_duty(sentence, lead):
    assert same(parse_assignment(sentence).lead, lead)


def test_the_role_a_body_was_given_is_part_of_its_name():
    # own corpus 102 (a ministry's plan): "được phân công chủ trì thực hiện nhiệm vụ" is the role
    # that names the bodies; the name ran only to "được phân công"
    found = parse_assignment("Các cơ quan được phân công chủ trì thực hiện nhiệm vụ tại Kế hoạch "
                             "này có trách nhiệm đề xuất danh mục nhiệm vụ, lập kế hoạch, dự toán.")
    assert found.lead == ["Các cơ quan được phân công chủ trì thực hiện nhiệm vụ tại Kế hoạch này"]
    assert parse_assignment("Các đơn vị được giao chủ trì, phối hợp thực hiện nhiệm vụ báo cáo "
                            "kết quả về Sở Tài chính.").lead == [
        "Các đơn vị được giao chủ trì, phối hợp thực hiện nhiệm vụ"]


def test_a_later_sentence_opening_with_a_rhythm_names_its_subject():
    # own corpus 102: an item opens with how the plan is funded (no duty), then "Hằng năm, <the
    # bodies> có trách nhiệm ...": the task was lost because the subject follows "Hằng năm,"
    text = ("III. TỔ CHỨC THỰC HIỆN\n"
            "3. Kinh phí thực hiện Kế hoạch được bố trí từ ngân sách nhà nước trong dự toán chi "
            "thường xuyên hằng năm, nguồn thu từ dịch vụ môi trường rừng và các nguồn hợp pháp khác "
            "theo quy định của pháp luật. Hằng năm, các cơ quan được phân công chủ trì thực hiện "
            "nhiệm vụ tại Kế hoạch này có trách nhiệm đề xuất danh mục nhiệm vụ, lập kế hoạch, dự "
            "toán và trình cấp có thẩm quyền phê duyệt kinh phí.\n")
    tasks = tasks_of(text, 2026)
    assert len(tasks) == 1
    assert tasks[0].lead == ["Các cơ quan được phân công chủ trì thực hiện nhiệm vụ tại Kế hoạch này"]
    assert tasks[0].recurrence == "annual"
    # the funding statement alone is no task
    assert tasks_of(text.split(" Hằng năm, các cơ quan")[0] + ".\n", 2026) == []


def test_bodies_the_lead_leads_together_with_support_it():
    # own corpus 209 (a Prime Minister's directive): "chủ trì cùng các Bộ ngành, địa phương" in
    # the heading of the bullets; those partners were lost
    text = ("7. Đẩy mạnh thông tin truyền thông\n"
            "Bộ Thông tin và Truyền thông phối hợp với Ban Tuyên giáo Trung ương và chủ trì cùng "
            "các Bộ ngành, địa phương:\n"
            "- Chỉ đạo các cơ quan truyền thông kịp thời cung cấp thông tin chính thống, công "
            "khai, minh bạch về kết quả công tác phòng, chống dịch.\n"
            "- Tăng cường truyền thông các chủ đề an toàn trong phòng, chống dịch.\n")
    tasks = tasks_of(text, 2020)
    assert len(tasks) == 2
    for task in tasks:
        assert task.lead == ["Bộ Thông tin và Truyền thông"]
        assert same(task.support, ["Ban Tuyên giáo Trung ương", "Các bộ, ngành, địa phương"]), \
            task.support
    assert parse_assignment("Sở Y tế chủ trì cùng các sở, ngành, địa phương triển khai kế "
                            "hoạch.").support == ["Các sở, ngành, địa phương"]


def test_a_sentence_items_partners_stay_with_its_own_task():
    # own corpus 107 (a Prime Minister's decision): item 1 is a full sentence with its partners,
    # the bullets under it are the ministry's own duties; they were given its partners
    text = ("V. TỔ CHỨC THỰC HIỆN ĐỀ ÁN\n"
            "1. Bộ Tài nguyên và Môi trường chủ trì, phối hợp với các Bộ, ngành có liên quan tổ "
            "chức thực hiện Đề án; xây dựng kế hoạch triển khai thực hiện Đề án đúng tiến độ.\n"
            "- Ban hành theo thẩm quyền các quy định về phương pháp luận, quy trình thu thập số "
            "liệu phục vụ kiểm kê quốc gia khí nhà kính.\n"
            "- Theo dõi, giám sát việc thực hiện mục tiêu giảm phát thải khí nhà kính.\n")
    tasks = tasks_of(text, 2012)
    assert len(tasks) == 3
    assert same(tasks[0].support, ["Các Bộ, ngành có liên quan"])
    for task in tasks[1:]:
        assert task.lead == ["Bộ Tài nguyên và Môi trường"] and task.support == []
    # a lead-in ending with ':' still frames its bullets with its partners (GUIDELINES)
    framed = tasks_of(text.replace("đúng tiến độ.", "đúng tiến độ, cụ thể:"), 2012)
    assert all(same(t.support, ["Các Bộ, ngành có liên quan"]) for t in framed)


@pytest.mark.parametrize("sentence, support", [
    # own corpus 104 (a province's plan): the partners are named by their role in the plan
    ("Sở Tài chính phối hợp chặt chẽ với các cơ quan chủ trì trong tổ chức thực hiện Kế hoạch "
     "này.", ["Các cơ quan chủ trì"]),
    ("Sở Tài chính phối hợp với các đơn vị chủ trì để tổng hợp nhu cầu kinh phí.",
     ["Các đơn vị chủ trì"]),
    # a body that acts ("chủ trì, phối hợp ...") is no role name
    ("Sở Tài chính phối hợp với các sở, ngành chủ trì, phối hợp tổ chức hội nghị.",
     ["Các sở, ngành"]),
])
def test_partners_named_by_their_role_in_the_plan(sentence, support):
    assert parse_assignment(sentence).support == support


@pytest.mark.parametrize("sentence, lead", [
    # own corpus 208: a time limit opens the sentence, the subject follows its comma; only the
    # body after the ';' was read (as a later clause)
    ("Sau tối đa 05 ngày kể từ khi văn bản, quyết định về thông tin, dữ liệu về giá được ban "
     "hành, có hiệu lực, các cơ quan chuyên môn quản lý ngành, lĩnh vực cấp tỉnh; Ủy ban nhân dân "
     "xã, phường có trách nhiệm cập nhật thông tin, dữ liệu vào Cơ sở dữ liệu về giá.",
     ["Các cơ quan chuyên môn quản lý ngành, lĩnh vực cấp tỉnh", "Ủy ban nhân dân xã, phường"]),
    ("Trong thời hạn 05 ngày làm việc kể từ ngày nhận được hồ sơ, Sở Tài chính có trách nhiệm "
     "thẩm định và trình Ủy ban nhân dân tỉnh.", ["Sở Tài chính"]),
    ("Chậm nhất ngày 15/12/2025, các sở, ngành gửi báo cáo kết quả về Sở Nội vụ.",
     ["Các sở, ngành"]),
])
def test_the_subject_after_an_opening_time_limit(sentence, lead):
    assert parse_assignment(sentence).lead == lead


def test_agencies_after_a_directing_verb_are_its_objects_not_the_subject():
    # own corpus 410 (Cần Thơ's plan): under "3. Sở Giáo dục và Đào tạo", "Căn cứ ..., chỉ đạo
    # các cơ sở A, các cơ sở B ... triển khai ...": B (after a comma) was taken as the subject
    text = ("3. Sở Giáo dục và Đào tạo\n"
            "Căn cứ chức năng nhiệm vụ, chỉ đạo các cơ sở giáo dục phổ thông, các cơ sở giáo dục "
            "nghề nghiệp trực thuộc quản lý triển khai các chương trình giáo dục dân số.\n")
    tasks = tasks_of(text, 2025)
    assert [t.lead for t in tasks] == [["Sở Giáo dục và Đào tạo"]]
    # a subject after the opening clause still leads
    assert parse_assignment("Căn cứ chức năng, nhiệm vụ được giao, các sở, ngành xây dựng kế "
                            "hoạch thực hiện.").lead == ["Các sở, ngành"]


def test_the_group_under_a_heading_that_names_its_members_is_those_members():
    # real text 013 (Lâm Đồng's notice): "Chủ tịch UBND các xã" under "1. Giao UBND các xã: A, B,
    # C:" is those three communes; and "phối hợp làm việc với" names a partner
    text = ("1. Giao UBND các xã: Đức Trọng, Hiệp Thạnh, Đinh Văn Lâm Hà:\n"
            "- Tập trung, đẩy nhanh tiến độ thực hiện các thủ tục để hoàn thành hồ sơ Nhiệm vụ quy "
            "hoạch chung xã gửi Sở Xây dựng trước ngày 24/4/2026.\n"
            "- Trong quá trình thực hiện quy hoạch, Chủ tịch UBND các xã chỉ đạo các phòng, ban "
            "chuyên môn phối hợp làm việc với đơn vị tư vấn, xác định các ưu thế phát triển.\n")
    communes = ["Ủy ban nhân dân xã Đức Trọng", "Ủy ban nhân dân xã Hiệp Thạnh",
                "Ủy ban nhân dân xã Đinh Văn Lâm Hà"]
    tasks = tasks_of(text, 2026)
    assert [t.lead for t in tasks] == [communes, communes]
    assert same(tasks[1].support, ["Đơn vị tư vấn"])


def test_a_closing_paragraph_goes_on_after_its_formula():
    # own corpus 413 (Đồng Tháp's plan): "Trên đây là Kế hoạch ... . Đề nghị các cơ quan, đơn vị
    # ... . Định kỳ hằng năm ... báo cáo ...": the paragraph was dropped whole as a formula
    text = ("V. TỔ CHỨC THỰC HIỆN\n"
            "1. Sở Xây dựng chủ trì theo dõi, đôn đốc việc triển khai thực hiện Kế hoạch này.\n"
            "Trên đây là Kế hoạch Chuyển đổi số trong hoạt động xây dựng. Đề nghị các cơ quan, "
            "đơn vị nghiêm túc triển khai thực hiện. Định kỳ hằng năm (trước ngày 30 tháng 11) "
            "báo cáo kết quả thực hiện về Sở Xây dựng để tổng hợp báo cáo Ủy ban nhân dân tỉnh.\n")
    tasks = tasks_of(text, 2025)
    assert [t.lead for t in tasks] == [["Sở Xây dựng"], ["Các cơ quan, đơn vị"]]
    assert tasks[1].recurrence == "annual"
    # a formula alone is still no task
    assert tasks_of("Trên đây là Kế hoạch Chuyển đổi số trong hoạt động xây dựng của tỉnh.\n",
                    2025) == []


def test_a_second_verb_after_phoi_hop_without_a_comma():
    # own corpus 413: "Phối hợp hỗ trợ các đơn vị ...": they are the partners
    assert parse_assignment("Sở Khoa học và Công nghệ phối hợp hỗ trợ các đơn vị triển khai "
                            "kết nối, tích hợp dữ liệu.").support == ["Các đơn vị"]


def test_a_regulations_scope_article_holds_no_tasks():
    text = ("Điều 2. Đối tượng áp dụng\n"
            "1. Các cơ quan nhà nước được phân công thực hiện nhiệm vụ quản lý chợ trên địa bàn.\n"
            "2. Các tổ chức, cá nhân kinh doanh tại chợ.\n"
            "Điều 3. Trách nhiệm quản lý chợ\n"
            "1. Phòng Kinh tế có trách nhiệm hướng dẫn các xã lập phương án phát triển chợ.\n")
    tasks = tasks_of(text, 2024)
    assert [t.lead for t in tasks] == [["Phòng Kinh tế"]]


def test_a_request_in_a_bullet_under_an_agency_heading_is_the_headings_duty():
    text = ("III. TỔ CHỨC THỰC HIỆN\n"
            "2. Sở Công Thương\n"
            "- Kiểm tra định kỳ các cửa hàng xăng dầu; yêu cầu các doanh nghiệp niêm yết giá bán "
            "công khai tại cửa hàng.\n"
            "- Yêu cầu các thương nhân phân phối bảo đảm nguồn cung xăng dầu trong dịp Tết.\n"
            "Yêu cầu Thủ trưởng các sở, ngành và Chủ tịch Ủy ban nhân dân các huyện nghiêm túc "
            "triển khai thực hiện Kế hoạch này.\n")
    tasks = tasks_of(text, 2024)
    assert [t.lead for t in tasks[:2]] == [["Sở Công Thương"], ["Sở Công Thương"]]
    assert "niêm yết" in tasks[0].action
    # a closing paragraph is the issuer's request to the bodies it names
    assert same(tasks[2].lead, ["Các sở, ngành", "Ủy ban nhân dân các huyện"])
    assert len(tasks) == 3


def test_a_general_call_leads_the_items_that_name_no_agency_of_their_own():
    # the lead-in asks several agencies after a long opening clause; item 2 names its own
    # agency, items 1 and 3 inherit the call's, and the heading item 4 whose sub-item names its
    # own agency keeps its items to itself
    text = ("Thực hiện Công văn số 45/BNN-TL ngày 02/3/2024 của Bộ Nông nghiệp; để chủ động phòng "
            "ngừa hạn hán, xâm nhập mặn trong mùa khô, Chủ tịch UBND tỉnh yêu cầu Thủ trưởng các "
            "sở, ban, ngành, Chủ tịch UBND các huyện, thị xã thực hiện tốt các nội dung sau:\n"
            "1. Rà soát các công trình thủy lợi, bố trí máy bơm dã chiến ở vùng thường xuyên "
            "thiếu nước.\n"
            "2. Sở Công Thương chỉ đạo các đơn vị điện lực ưu tiên cấp điện cho các trạm bơm.\n"
            "3. Tuyên truyền người dân sử dụng nước tiết kiệm, hiệu quả.\n"
            "4. Đối với các hồ chứa đang thiếu nước so với dung tích thiết kế:\n"
            "a) Giao Công ty Khai thác thủy lợi tỉnh lập phương án điều tiết nước.\n"
            "b) Báo cáo kết quả điều tiết trước ngày 30/4/2024.\n")
    tasks = tasks_of(text, 2024)
    by_start = {t.action.split()[0]: t for t in tasks}
    general = ["Các sở, ban, ngành", "Ủy ban nhân dân các huyện, thị xã"]
    assert same(by_start["Rà"].lead, general), by_start["Rà"].lead
    assert same(by_start["Tuyên"].lead, general)
    assert same(by_start["Sở"].lead, ["Sở Công Thương"])
    assert same(by_start["Giao"].lead, ["Công ty Khai thác thủy lợi tỉnh"])
    assert "Báo" not in by_start          # item 4's own items: the call does not lead them


def test_an_ocr_period_inside_a_list_of_agencies_is_a_comma():
    found = parse_assignment("Để thu hút đầu tư, rà soát nắm chắc tình hình. triển khai các dự án, "
                             "UBND tỉnh chỉ thị các sở, ban ngành, UBND các huyện. thị xã tập "
                             "trung thực hiện các nội dung sau:")
    assert same(found.lead, ["Các sở, ban ngành", "Ủy ban nhân dân các huyện, thị xã"]), found.lead


def test_bodies_listed_under_a_lead_in_lead_the_items_after_the_list():
    text = ("3. Các cơ quan quản lý chuyên ngành về chợ\n"
            "Giao các cơ quan quản lý chuyên ngành về chợ theo lĩnh vực, gồm:\n"
            "- Phòng Kinh tế (đối với chợ hạng 2, hạng 3);\n"
            "- Phòng Quản lý đô thị (đối với chợ thuộc khu đô thị mới).\n"
            "Có trách nhiệm:\n"
            "a) Rà soát, phân loại toàn bộ chợ thuộc phạm vi quản lý.\n"
            "b) Hướng dẫn các ban quản lý chợ lập hồ sơ tài sản.\n"
            "4. Phòng Tài chính - Kế hoạch\n"
            "Bố trí kinh phí sửa chữa chợ trong dự toán năm 2025.\n")
    tasks = tasks_of(text, 2025)
    assert [t.lead for t in tasks] == [["Phòng Kinh tế", "Phòng Quản lý đô thị"]] * 2 + [
        ["Phòng Tài chính - Kế hoạch"]]


def test_a_back_reference_to_the_enterprises_named_before_is_resolved():
    text = ("1. Kết quả kiểm tra\n"
            "Qua kiểm tra an toàn thực phẩm tại Công ty TNHH Thực phẩm Hòa Phong (bếp ăn tập thể) "
            "và Công ty cổ phần Chế biến Nông sản Tân Lộc cho thấy các đơn vị cơ bản chấp hành "
            "tốt các quy định.\n"
            "2. Kiến nghị\n"
            "Chi cục An toàn vệ sinh thực phẩm yêu cầu các đơn vị nêu trên thực hiện các nội dung "
            "sau:\n"
            "- Đề nghị Công ty bổ sung hồ sơ nguồn gốc nguyên liệu trước ngày 30/6/2024.\n"
            "- Định kỳ kiểm tra sức khỏe người trực tiếp chế biến thực phẩm.\n")
    tasks = tasks_of(text, 2024)
    enterprises = ["Công ty TNHH Thực phẩm Hòa Phong", "Công ty cổ phần Chế biến Nông sản Tân Lộc"]
    assert len(tasks) == 2
    assert all(same(t.lead, enterprises) for t in tasks), [t.lead for t in tasks]
    assert tasks[0].due == "2024-06-30"


def test_a_back_reference_with_no_enterprise_named_before_keeps_its_words():
    text = ("Để bảo đảm an toàn, Ủy ban nhân dân huyện yêu cầu các đơn vị nêu trên thực hiện các "
            "nội dung sau:\n"
            "- Rà soát, bổ sung phương án phòng cháy, chữa cháy tại trụ sở.\n")
    [task] = tasks_of(text, 2024)
    assert same(task.lead, ["Các đơn vị nêu trên"])


def test_an_assignment_after_an_opening_clause_without_a_subject():
    # "Trên cơ sở báo cáo của X, giao Y chủ trì ...": Y leads, X only reported
    found = parse_assignment("Trên cơ sở báo cáo của Công ty Cổ phần Cấp nước Hòa Phú, giao Sở Xây "
                             "dựng chủ trì, phối hợp với Sở Tài chính thẩm định phương án giá nước "
                             "sạch, báo cáo UBND tỉnh trước ngày 15/5/2025.")
    assert same(found.lead, ["Sở Xây dựng"]), found.lead
    assert same(found.support, ["Sở Tài chính"]), found.support


def test_a_heading_that_names_a_body_by_its_role_leads_its_items():
    text = ("II. TRÁCH NHIỆM CỤ THỂ\n"
            "2. Cơ quan chủ trì thẩm định hồ sơ đề nghị cấp phép\n"
            "a) Kiểm tra tính hợp lệ của hồ sơ trong 03 ngày làm việc.\n"
            "b) Phối hợp với Phòng Tài nguyên và Môi trường kiểm tra thực địa.\n"
            "3. Cơ quan chủ trì:\n"
            "- Phòng Kinh tế.\n")
    tasks = tasks_of(text, 2024)
    assert [t.lead for t in tasks] == [["Cơ quan chủ trì thẩm định hồ sơ đề nghị cấp phép"]] * 2
    assert same(tasks[1].support, ["Phòng Tài nguyên và Môi trường"])


def test_partners_after_a_second_verb_of_cooperation():
    found = parse_assignment("Bộ Chỉ huy Bộ đội Biên phòng tỉnh phối hợp, hỗ trợ chính quyền địa "
                             "phương, Sở Y tế trong công tác kiểm dịch tại cửa khẩu.")
    assert same(found.lead, ["Bộ Chỉ huy Bộ đội Biên phòng tỉnh"])
    assert same(found.support, ["Các chính quyền địa phương", "Sở Y tế"]), found.support


def test_an_item_naming_its_headings_body_by_level_gets_the_full_name():
    text = ("5. Sở Tài chính và Kho bạc Nhà nước Bắc Hà\n"
            "a) Sở Tài chính bố trí kinh phí cho Hội đồng thi.\n"
            "b) Kho bạc Nhà nước tỉnh giải quyết kinh phí kịp thời.\n"
            "c) Kho bạc Nhà nước cấp huyện thanh toán cho các điểm thi.\n")
    leads = [t.lead for t in tasks_of(text)]
    assert ["Kho bạc Nhà nước Bắc Hà"] in leads
    # another level is another body: "cấp huyện" stays as written
    assert ["Kho bạc Nhà nước cấp huyện"] in leads


@pytest.mark.parametrize("text, lead", [
    # an item's title, a colon, a condition and then the request
    ("Tháo gỡ vướng mắc cho doanh nghiệp: Khi doanh nghiệp có kiến nghị về thủ tục đất đai, "
     "yêu cầu các sở, ngành, địa phương liên quan trả lời bằng văn bản.",
     ["Các sở, ngành, địa phương liên quan"]),
    ("Giải quyết hồ sơ tồn đọng: Trường hợp hồ sơ chưa đầy đủ, Phòng Kinh tế hướng dẫn bổ sung ngay.",
     ["Phòng Kinh tế"]),
    # a short step label, then "Giao X"
    ("Lập phương án giá: Giao Sở Tài chính thẩm định phương án giá.", ["Sở Tài chính"]),
])
def test_a_title_then_a_condition_then_the_request(text, lead):
    assert same(parse_assignment(text).lead, lead), parse_assignment(text).lead


def test_a_call_for_the_items_after_it_is_no_task_itself():
    text = ("Nhằm nâng cao hiệu quả quản lý tài nguyên nước trên địa bàn, Chủ tịch Ủy ban nhân dân "
            "tỉnh yêu cầu Thủ trưởng các sở, ban, ngành, Chủ tịch Ủy ban nhân dân các huyện tập "
            "trung thực hiện các nhiệm vụ sau:\n"
            "1. Sở Nông nghiệp và Môi trường kiểm tra các công trình khai thác nước dưới đất.\n"
            "2. Tăng cường tuyên truyền, phổ biến pháp luật về tài nguyên nước.\n")
    found = tasks_of(text)
    assert [t.action[:10] for t in found] == ["Sở Nông ng", "Tăng cường"]
    assert found[0].lead == ["Sở Nông nghiệp và Môi trường"]
    assert same(found[1].lead, ["Các sở, ban, ngành", "Ủy ban nhân dân các huyện"])


def test_an_agency_reported_to_is_no_subject():
    text = ("6. Sở Tài chính\n"
            "a) Hướng dẫn các đơn vị quản lý, sử dụng tài sản kết cấu hạ tầng.\n"
            "b) Định kỳ hoặc đột xuất tổng hợp, báo cáo Ủy ban nhân dân tỉnh, Bộ Tài chính về "
            "tình hình quản lý, sử dụng tài sản kết cấu hạ tầng.\n")
    assert [t.lead for t in tasks_of(text)] == [["Sở Tài chính"], ["Sở Tài chính"]]
    # the subject after an opening clause still leads
    assert parse_assignment("Định kỳ hằng quý, Sở Tài chính tổng hợp, báo cáo Ủy ban nhân dân "
                            "tỉnh về tình hình thực hiện.").lead == ["Sở Tài chính"]


def test_a_condition_without_a_comma_then_giao():
    text = ("7. Trách nhiệm của các sở, ban, ngành, Ủy ban nhân dân các xã, phường\n"
            "a) Khi có kết quả xếp hạng chỉ số chuyển đổi số của tỉnh giao Sở Khoa học và Công nghệ "
            "chủ trì cùng các đơn vị phân tích từng chỉ tiêu.\n"
            "b) Căn cứ chức năng, nhiệm vụ được giao Thủ trưởng các sở rà soát thủ tục hành chính.\n")
    leads = [t.lead for t in tasks_of(text)]
    assert leads[0] == ["Sở Khoa học và Công nghệ"]
    # "nhiệm vụ được giao" is a passive: the heading's agencies lead
    assert "Sở Khoa học và Công nghệ" not in leads[1]


def test_an_assignment_in_parentheses():
    text = ("II. NHIỆM VỤ\n"
            "1. Rà soát, đề xuất sửa đổi danh mục hồ sơ lưu trữ của các cơ quan trên địa bàn tỉnh "
            "(Giao Sở Nội vụ chủ trì, phối hợp với Sở Tư pháp và các cơ quan có liên quan tham mưu).\n"
            "III. TỔ CHỨC THỰC HIỆN\n"
            "1. Ủy ban nhân dân các huyện\n"
            "- Cập nhật dữ liệu về hợp tác xã, báo cáo Ủy ban nhân dân tỉnh hằng quý (Sở Tài chính "
            "chịu trách nhiệm tổng hợp báo cáo chung của tỉnh).\n"
            "- Tham gia hội nghị tập huấn (do Sở Tài chính chủ trì) và cử cán bộ dự đầy đủ.\n"
            "- Cử cán bộ tham gia Tổ công tác (Công an, Tài chính, Nội vụ) theo đề nghị của Sở.\n")
    found = tasks_of(text)
    # an item naming no lead takes it from its parenthesis
    assert found[0].action.startswith("Rà soát") and found[0].lead == ["Sở Nội vụ"]
    assert same(found[0].support, ["Sở Tư pháp", "Các cơ quan có liên quan"])
    # beside the item's own lead, another agency's duty in parentheses is a task of its own,
    # at the item's rhythm
    extra = [t for t in found if t.action.startswith("Sở Tài chính chịu trách nhiệm")]
    assert len(extra) == 1 and extra[0].lead == ["Sở Tài chính"]
    assert extra[0].recurrence == "quarterly"
    # "(do X chủ trì)" and a list of names assign nothing
    assert [t.lead for t in found if not t.action.startswith("Sở Tài chính chịu")][1:] == \
        [["Ủy ban nhân dân các huyện"]] * 3


def test_a_later_subject_after_rieng_without_a_comma():
    text = ("c) Các huyện miền núi: Ủy ban nhân dân các cấp rà soát các điểm có nguy cơ sạt lở. "
            "Riêng huyện Ba Tơ tăng cường phối hợp với các cơ quan chức năng di dời các hộ dân "
            "ra khỏi vùng nguy hiểm.\n")
    found = tasks_of(text)
    assert [t.lead for t in found][-1] == ["Ủy ban nhân dân huyện Ba Tơ"]
    assert same(found[-1].support, ["Các cơ quan chức năng"])
    # the partners named in the later clause are not the first clause's
    assert found[0].support == []
