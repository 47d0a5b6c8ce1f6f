"""End-to-end extraction on document shapes the seed corpus lacks (GUIDELINES.md "Further
settled cases"): a Quyết định issuing a plan "kèm theo", a Công văn of requests, a .docx plan with
an appendix table. The texts under tests/fixtures/genre are written after real documents of
other provinces; the assertions are the annotation rules, not the seeds' wording."""
from pathlib import Path

import pytest

from agency_names import same
from ocop_docs.extract.pipeline import extract_file

GENRE = Path(__file__).resolve().parent / "fixtures" / "genre"



def task_with(doc, words):
    return next(t for t in doc.tasks if words in t.action)


@pytest.fixture(scope="module")
def decision():
    return extract_file(GENRE / "quyet-dinh-kem-ke-hoach.txt")


def test_decision_and_attached_plan_are_two_documents(decision):
    qd, plan = decision.documents
    assert (qd.doc_type, qd.number, qd.issued_date) == ("Quyết định", "215/QĐ-UBND", "2021-03-05")
    assert qd.issuer == "Ủy ban nhân dân tỉnh Bắc Giang" and qd.signer == "Lê Ô Pích"
    assert plan.doc_type == "Kế hoạch" and plan.number is None and plan.issued_date is None
    assert plan.issuer == qd.issuer


def test_article_3_binds_the_agencies_it_names(decision):
    qd = decision.documents[0]
    task = task_with(qd, "chịu trách nhiệm thi hành")
    assert same(task.lead, ["Văn phòng Ủy ban nhân dân tỉnh",
                            "Sở Nông nghiệp và Phát triển nông thôn", "Sở Công Thương",
                            "Sở Tài chính", "Ủy ban nhân dân các huyện, thành phố",
                            "Các cơ quan, đơn vị có liên quan"]), task.lead


@pytest.mark.parametrize("words, lead, support, due, recurrence", [
    ("tổ chức đánh giá, phân hạng sản phẩm OCOP cấp tỉnh", ["Sở Nông nghiệp và Phát triển nông thôn"],
     ["Sở Công Thương", "Sở Khoa học và Công nghệ"], "2021-09-30", None),
    ("trước ngày 15 hằng tháng", ["Sở Nông nghiệp và Phát triển nông thôn"], [], None, "monthly"),
    ("cùng thực hiện", ["Sở Tài chính", "Sở Kế hoạch và Đầu tư"], [], "2021-03-31", None),
    ("Tân Sỏi", ["Ủy ban nhân dân xã Tân Sỏi", "Ủy ban nhân dân xã Phồn Xương"], [],
     "2021-04-15", None),
    ("Giám đốc Sở Y tế", ["Sở Y tế"], [], None, "semiannual"),
    ("tuyên truyền, vận động hội viên", ["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
                                         "Các tổ chức chính trị - xã hội tỉnh"], [], None, None),
    ("Bố trí cán bộ theo dõi", ["Ủy ban nhân dân các huyện, thành phố"], [], None, None),
])
def test_plan_assignments(decision, words, lead, support, due, recurrence):
    task = task_with(decision.documents[1], words)
    assert same(task.lead, lead), task.lead
    assert same(task.support, support), task.support
    assert (task.due, task.recurrence) == (due, recurrence)


def test_implied_work_of_the_issuer_is_not_listed(decision):
    plan = decision.documents[1]
    assert not any("hoàn thành trước ngày 30/11/2021" in t.action for t in plan.tasks)


def test_official_letter_requests():
    [letter] = extract_file(GENRE / "cong-van-de-nghi.txt").documents
    assert letter.doc_type == "Công văn" and letter.number == "1234/SNN-PTNT"
    assert letter.subject.startswith("đôn đốc triển khai Chương trình OCOP")
    assert same(letter.recipients, ["Ủy ban nhân dân các huyện, thành phố, thị xã",
                                    "Trung tâm Khuyến nông tỉnh"])
    assert [c.number for c in letter.citations] == ["85/KH-UBND"]
    training = task_with(letter, "tổ chức tập huấn")
    assert same(training.lead, ["Trung tâm Khuyến nông tỉnh"])
    assert same(training.support, ["Chi cục Phát triển nông thôn"])
    assert training.due == "2022-06-30"
    review = task_with(letter, "rà soát, đăng ký sản phẩm")
    assert same(review.lead, ["Ủy ban nhân dân các huyện, thành phố, thị xã"])
    assert review.due == "2022-03-15"


def test_docx_plan_with_appendix_table(tmp_path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    for p in ["ỦY BAN NHÂN DÂN", "HUYỆN CAM LÂM", "Số: 57/KH-UBND",
              "Cam Lâm, ngày 12 tháng 5 năm 2020", "KẾ HOẠCH", "Triển khai Chương trình OCOP",
              "II. PHÂN CÔNG THỰC HIỆN"]:
        d.add_paragraph(p)
    table = d.add_table(rows=1, cols=5)
    header = ["TT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp",
              "Thời gian hoàn thành"]
    for cell, title in zip(table.rows[0].cells, header):
        cell.text = title
    for row in (["1", "Rà soát, đăng ký sản phẩm OCOP năm 2020", "UBND các xã, thị trấn",
                 "Phòng Nông nghiệp và PTNT", "Tháng 5/2020"],
                ["2", "Tổ chức đánh giá, phân hạng sản phẩm cấp huyện",
                 "Phòng Nông nghiệp và PTNT", "Các phòng, ban liên quan", "Quý III/2020"]):
        for cell, value in zip(table.add_row().cells, row):
            cell.text = value
    for p in ["Nơi nhận:", "- Lưu: VT.", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Trần Văn A"]:
        d.add_paragraph(p)
    path = tmp_path / "ke-hoach.docx"
    d.save(path)
    [plan] = extract_file(path).documents
    assert (plan.number, plan.issuer, plan.signer) == ("57/KH-UBND",
                                                       "Ủy ban nhân dân huyện Cam Lâm", "Trần Văn A")
    first, second = plan.tasks
    assert same(first.lead, ["Ủy ban nhân dân các xã, thị trấn"]) and first.due == "2020-05-31"
    assert same(second.support, ["Các phòng, ban liên quan"]) and second.due == "2020-09-30"


def test_support_column_is_kept_as_written(tmp_path):
    """A group in both columns of an assignment table ("Các sở, ban, ngành" lead, "Các sở, ban,
    ngành và các cơ quan ... liên quan" support) stays in the support column too."""
    text = "\n".join([
        "ỦY BAN NHÂN DÂN", "TỈNH LÀO CAI", "Số: 12/KH-UBND", "Lào Cai, ngày 10 tháng 3 năm 2026",
        "KẾ HOẠCH", "Thực hiện Chỉ thị về quản lý khoáng sản", "", "PHỤ LỤC",
        "TT | Tên nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian thực hiện",
        "1 | Tổ chức quán triệt Chỉ thị đến cán bộ, công chức, doanh nghiệp | Các Sở, ban, ngành; "
        "UBND các xã, phường | Các Sở, ban, ngành và các cơ quan, đơn vị liên quan | Tháng 4/2026",
        "2 | Rà soát phương án quản lý khoáng sản | Sở Nông nghiệp và Môi trường | Các Sở, ban, "
        "ngành và các địa phương liên quan | Hằng năm",
        "", "Nơi nhận:", "- Lưu: VT.", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn B"])
    path = tmp_path / "ke-hoach.txt"
    path.write_text(text, encoding="utf-8")
    [plan] = extract_file(path).documents
    first = task_with(plan, "quán triệt Chỉ thị")
    assert same(first.lead, ["Các Sở, ban, ngành", "Ủy ban nhân dân các xã, phường"])
    assert same(first.support, ["Các Sở, ban, ngành", "Các cơ quan, đơn vị liên quan"])
    second = task_with(plan, "Rà soát phương án")
    assert same(second.support, ["Các Sở, ban, ngành", "Các địa phương liên quan"])
