"""Agencies as real documents name them (issue 8, classes 3 and 5): duties listed by agency
("III. PHÂN CÔNG NHIỆM VỤ / 1. Bộ X: a) ...; b) Phối hợp với Bộ Y ..."), ministries, central
bodies, courts and procuracies, "Trung ương" kept in names, leaders standing for their agency;
names with digits and qualifiers, investors named by their project, "đặc khu" as a unit.

Names are compared exactly (not with the scorer's lenient matching): the guidelines ask for the
agency's own name, without the leader's title and without words of the action.
Invented sentences (other agencies, provinces and topics than the corpus).
"""
import datetime as dt

import pytest

from ocop_docs.extract.agencies import (canonical_name, find_agency_mentions, parse_agency_sequence,
                                        split_agency_list)
from ocop_docs.extract.tasks import extract_tasks
from ocop_docs.normalize import normalize_text


def tasks_in(text, doc_date=dt.date(2025, 8, 20)):
    text = normalize_text(text)
    return extract_tasks(text, 0, len(text), doc_date)


def one_task(sentence):
    """The task of one bullet under a neutral heading (no agency framing it)."""
    tasks = tasks_in("2. Nhiệm vụ trọng tâm\n- " + sentence + "\n")
    assert len(tasks) == 1, [(t.action, t.lead) for t in tasks]
    return tasks[0]


# ------------------------------------------------------------------ duties by agency

def test_duties_listed_under_a_ministry_heading():
    text = ("III. PHÂN CÔNG NHIỆM VỤ\n"
            "1. Bộ Tài chính:\n"
            "a) Chủ trì hướng dẫn cơ chế tài chính cho hoạt động đào tạo nghề nông thôn.\n"
            "b) Phối hợp với Bộ Nông nghiệp và Môi trường bố trí kinh phí thực hiện Đề án.\n"
            "2. Bộ Giáo dục và Đào tạo:\n"
            "a) Biên soạn chương trình giáo dục kỹ năng số cho học sinh phổ thông.\n")
    got = [(t.action.rstrip("."), t.lead, t.support, t.section) for t in tasks_in(text)]
    assert got == [
        ("Chủ trì hướng dẫn cơ chế tài chính cho hoạt động đào tạo nghề nông thôn",
         ["Bộ Tài chính"], [], "III.1.a"),
        ("Phối hợp với Bộ Nông nghiệp và Môi trường bố trí kinh phí thực hiện Đề án",
         ["Bộ Tài chính"], ["Bộ Nông nghiệp và Môi trường"], "III.1.b"),
        ("Biên soạn chương trình giáo dục kỹ năng số cho học sinh phổ thông",
         ["Bộ Giáo dục và Đào tạo"], [], "III.2.a"),
    ]


@pytest.mark.parametrize("sentence, lead, support", [
    ("Đề nghị Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam chỉ đạo Mặt trận các cấp tăng cường "
     "giám sát việc thực hiện chính sách an sinh xã hội.",
     ["Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam"], []),
    ("Ban Tuyên giáo Trung ương chủ trì, phối hợp với Bộ Văn hóa, Thể thao và Du lịch định hướng "
     "công tác tuyên truyền về ngày hội văn hóa các dân tộc.",
     ["Ban Tuyên giáo Trung ương"], ["Bộ Văn hóa, Thể thao và Du lịch"]),
    ("Tòa án nhân dân tỉnh, Viện Kiểm sát nhân dân tỉnh phối hợp với Công an tỉnh đẩy nhanh tiến "
     "độ giải quyết các vụ án về buôn lậu.",
     ["Tòa án nhân dân tỉnh", "Viện Kiểm sát nhân dân tỉnh"], ["Công an tỉnh"]),
    ("Tư lệnh các quân khu chỉ đạo lực lượng vũ trang địa phương tham gia phòng, chống thiên tai.",
     ["Các quân khu"], []),
    ("Bộ Tài chính chủ trì, phối hợp với Bộ Tư pháp rà soát quy định về phí, lệ phí.",
     ["Bộ Tài chính"], ["Bộ Tư pháp"]),
    ("Đề nghị Hội Nông dân Việt Nam vận động hội viên tham gia liên kết sản xuất theo chuỗi.",
     ["Hội Nông dân Việt Nam"], []),
    ("Ủy ban Dân tộc hướng dẫn các địa phương rà soát danh sách thôn đặc biệt khó khăn.",
     ["Ủy ban Dân tộc"], []),
    ("Giao Bộ Tài chính chủ trì hướng dẫn thanh quyết toán kinh phí phòng, chống dịch.",
     ["Bộ Tài chính"], []),
    ("Công ty Điện lực Bình Định chủ trì, phối hợp với Sở Công Thương di dời đường dây trung thế.",
     ["Công ty Điện lực Bình Định"], ["Sở Công Thương"]),
])
def test_central_bodies_courts_and_ministries_lead(sentence, lead, support):
    task = one_task(sentence)
    assert (task.lead, task.support) == (lead, support)


def test_bo_tai_lieu_is_not_a_ministry():
    # "bộ tài liệu" (a set of documents) is not "Bộ" (a ministry); "Bộ Tài chính" is
    task = one_task("Sở Giáo dục và Đào tạo biên soạn bộ tài liệu hướng dẫn kỹ năng phòng chống "
                    "đuối nước cho học sinh.")
    assert (task.lead, task.support) == (["Sở Giáo dục và Đào tạo"], [])
    names = [n for _, _, n in find_agency_mentions(
        "Trung tâm Khuyến nông phát hành bộ tài liệu tập huấn và gửi Bộ Tài chính.")]
    assert "Bộ Tài chính" in names
    assert not any(n.lower().startswith("bộ tài liệu") for n in names)


def test_no_lead_when_only_bo_tai_lieu_is_named():
    assert tasks_in("2. Nhiệm vụ\n- Biên soạn bộ tài liệu hướng dẫn kỹ năng phòng chống đuối "
                    "nước cho học sinh.\n") == []


@pytest.mark.parametrize("surface, expected", [
    ("Tư lệnh các quân khu", "Các quân khu"),
    ("Ban Tuyên giáo Trung ương", "Ban Tuyên giáo Trung ương"),
    ("Ban Dân vận Trung ương", "Ban Dân vận Trung ương"),
    ("Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam", "Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam"),
    ("Lãnh đạo Sở Y tế", "Sở Y tế"),
    ("Bộ trưởng Bộ Tài chính", "Bộ Tài chính"),
    ("Giám đốc Công an tỉnh", "Công an tỉnh"),
    pytest.param("Chánh án Tòa án nhân dân tỉnh", "Tòa án nhân dân tỉnh"),
    pytest.param("Viện trưởng Viện Kiểm sát nhân dân tỉnh", "Viện Kiểm sát nhân dân tỉnh"),
])
def test_canonical_names_of_central_bodies_and_leaders(surface, expected):
    assert canonical_name(surface) == expected


def test_court_president_stands_for_the_court():
    task = one_task("Chánh án Tòa án nhân dân tỉnh chỉ đạo đẩy nhanh việc xét xử các vụ án kinh "
                    "tế, tham nhũng.")
    assert task.lead == ["Tòa án nhân dân tỉnh"]


def test_procurator_stands_for_the_procuracy():
    task = one_task("Viện trưởng Viện Kiểm sát nhân dân tỉnh chỉ đạo tăng cường kiểm sát hoạt "
                    "động điều tra các vụ án về môi trường.")
    assert task.lead == ["Viện Kiểm sát nhân dân tỉnh"]


@pytest.mark.parametrize("phrase, expected", [
    ("Ban Tuyên giáo Trung ương, Ban Dân vận Trung ương",
     ["Ban Tuyên giáo Trung ương", "Ban Dân vận Trung ương"]),
    ("Tòa án nhân dân tỉnh, Viện Kiểm sát nhân dân tỉnh",
     ["Tòa án nhân dân tỉnh", "Viện Kiểm sát nhân dân tỉnh"]),
    ("Bộ Quốc phòng; Bộ Ngoại giao", ["Bộ Quốc phòng", "Bộ Ngoại giao"]),
])
def test_split_lists_of_central_bodies(phrase, expected):
    assert split_agency_list(phrase) == expected


# ------------------------------------------------------------------ digits and qualifiers

@pytest.mark.parametrize("phrase, expected", [
    ("Ban Quản lý dự án đầu tư xây dựng số 2", ["Ban Quản lý dự án đầu tư xây dựng số 2"]),
    ("UBND xã Tân Lập 2", ["Ủy ban nhân dân xã Tân Lập 2"]),
    ("UBND Phường 3 Hà Tiên", ["Ủy ban nhân dân Phường 3 Hà Tiên"]),
    ("Báo và Phát thanh, Truyền hình tỉnh", ["Báo và Phát thanh, Truyền hình tỉnh"]),
    ("Báo và Phát thanh, Truyền hình tỉnh; Sở Văn hóa và Thể thao",
     ["Báo và Phát thanh, Truyền hình tỉnh", "Sở Văn hóa và Thể thao"]),
    ("UBND các xã, phường, đặc khu", ["Ủy ban nhân dân các xã, phường, đặc khu"]),
    ("Ban Quản lý dự án đầu tư xây dựng số 2, UBND xã Tân Lập 2",
     ["Ban Quản lý dự án đầu tư xây dựng số 2", "Ủy ban nhân dân xã Tân Lập 2"]),
    ("Chi cục Thuế khu vực II", ["Chi cục Thuế khu vực II"]),
])
def test_names_with_digits_and_qualifiers(phrase, expected):
    assert split_agency_list(phrase) == expected


@pytest.mark.parametrize("text, expected, action", [
    ("Ban Quản lý dự án đầu tư xây dựng số 2 khẩn trương hoàn thiện hồ sơ thiết kế cầu",
     ["Ban Quản lý dự án đầu tư xây dựng số 2"], "khẩn trương"),
    ("UBND xã Tân Lập 2 tổ chức kiểm đếm tài sản trên đất", ["Ủy ban nhân dân xã Tân Lập 2"],
     "tổ chức"),
    ("UBND Phường 3 Hà Tiên hoàn thành kiểm đếm các hộ dân", ["Ủy ban nhân dân Phường 3 Hà Tiên"],
     "hoàn thành"),
    ("Báo và Phát thanh, Truyền hình tỉnh mở chuyên mục về chuyển đổi số",
     ["Báo và Phát thanh, Truyền hình tỉnh"], "mở"),
])
def test_sequence_of_names_with_digits_ends_before_the_action(text, expected, action):
    names, offset = parse_agency_sequence(text)
    assert names == expected
    assert text[offset:].startswith(action)


@pytest.mark.parametrize("sentence, lead, support", [
    ("Ban Quản lý dự án đầu tư xây dựng số 2 khẩn trương hoàn thiện hồ sơ thiết kế cầu Rạch Miễu "
     "mới.", ["Ban Quản lý dự án đầu tư xây dựng số 2"], []),
    ("UBND xã Tân Lập 2 phối hợp với Ban Quản lý dự án đầu tư xây dựng số 2 tổ chức bàn giao mặt "
     "bằng.", ["Ủy ban nhân dân xã Tân Lập 2"], ["Ban Quản lý dự án đầu tư xây dựng số 2"]),
    pytest.param(
        "UBND xã Tân Lập 2 phối hợp với Ban Quản lý dự án đầu tư xây dựng số 2 bàn giao mặt bằng.",
        ["Ủy ban nhân dân xã Tân Lập 2"], ["Ban Quản lý dự án đầu tư xây dựng số 2"]),
    ("UBND Phường 3 Hà Tiên hoàn thành kiểm đếm các hộ dân bị ảnh hưởng.",
     ["Ủy ban nhân dân Phường 3 Hà Tiên"], []),
    ("Nhà đầu tư dự án đường vành đai Bắc – Nam: Khẩn trương hoàn thành thủ tục thuê đất.",
     ["Nhà đầu tư dự án đường vành đai Bắc - Nam"], []),
    ("Báo và Phát thanh, Truyền hình tỉnh mở chuyên mục tuyên truyền về chuyển đổi số.",
     ["Báo và Phát thanh, Truyền hình tỉnh"], []),
    ("Giao UBND các xã, phường, đặc khu rà soát danh sách hộ nghèo, hộ cận nghèo.",
     ["Ủy ban nhân dân các xã, phường, đặc khu"], []),
    pytest.param(
        "Giao Công ty Điện lực Bình Định di dời đường dây trung thế ra khỏi phạm vi dự án.",
        ["Công ty Điện lực Bình Định"], []),
])
def test_tasks_of_agencies_with_digits_investors_and_units(sentence, lead, support):
    task = one_task(sentence)
    assert (task.lead, task.support) == (lead, support)


def test_investor_heading_frames_its_bullets():
    text = ("3. Nhà đầu tư dự án khu đô thị sinh thái Hồ Xanh:\n"
            "- Khẩn trương hoàn thành thủ tục giao đất, thuê đất.\n"
            "- Phối hợp với UBND xã Tân Lập 2 hoàn thành bồi thường, giải phóng mặt bằng trong "
            "Quý IV/2025.\n")
    got = [(t.lead, t.support, t.due) for t in tasks_in(text)]
    assert got == [
        (["Nhà đầu tư dự án khu đô thị sinh thái Hồ Xanh"], [], None),
        (["Nhà đầu tư dự án khu đô thị sinh thái Hồ Xanh"], ["Ủy ban nhân dân xã Tân Lập 2"],
         "2025-12-31"),
    ]
