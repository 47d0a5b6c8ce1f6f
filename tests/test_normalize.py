import re

import pytest

from ocop_docs.normalize import modern_tone_placement, normalize_text

BULLET = re.compile(r"^(?:[-+] |[a-zđ]\) |\d+\. |[IVX]+\. )")


@pytest.mark.parametrize("old,new", [
    ("hoà", "hòa"), ("Hoà Bình", "Hòa Bình"), ("HOÀ", "HÒA"), ("thuỷ", "thủy"), ("uỷ", "ủy"),
    ("Uỷ ban", "Ủy ban"), ("hoá", "hóa"), ("hoả", "hỏa"), ("hoã", "hõa"), ("hoạ", "họa"),
    ("khoẻ", "khỏe"), ("xoè", "xòe"), ("tuỳ", "tùy"), ("Thuý", "Thúy"), ("luỹ", "lũy"),
    ("truỵ", "trụy"),
    # unchanged: final consonant, qu- onset, other vowel clusters, already modern
    ("hoàn", "hoàn"), ("toán", "toán"), ("quý", "quý"), ("quỳ", "quỳ"), ("thuế", "thuế"),
    ("ngoài", "ngoài"), ("khuyến", "khuyến"), ("hòa", "hòa"), ("thủy", "thủy"), ("huệ", "huệ"),
])
def test_tone_placement(old, new):
    assert " ".join(modern_tone_placement(w) for w in old.split()) == new
    assert normalize_text(old) == new + "\n"


def test_markdown_emphasis_removed():
    assert normalize_text("Số: ~~5077~~ /KH-SNN") == "Số: 5077 /KH-SNN\n"
    assert normalize_text("Số: **7590**/UBND-KT") == "Số: 7590/UBND-KT\n"
    assert normalize_text("**ỦY BAN NHÂN DÂN\nHUYỆN VĨNH CỬU**") == "ỦY BAN NHÂN DÂN\nHUYỆN VĨNH CỬU\n"


def test_debris_lines_dropped_but_markers_kept():
    text = "d) Tổ chức đánh giá\n\n1/2\nJ\nGH\nTF\n3NF\n\na)\n-\nI.\n1.\nII\nSở\n./.\n"
    assert normalize_text(text) == "d) Tổ chức đánh giá\n\na)\n-\nI.\n1.\nII\nSở\n./.\n"


def test_dehyphenation_and_paragraph_join():
    assert normalize_text("phát triển nông nghi-\nệp bền vững.") == "phát triển nông nghiệp bền vững.\n"
    # a paragraph broken by a page: no end punctuation, then a lower-case continuation
    assert normalize_text("các cấp ủy Đảng, chính\n\nquyền từ tỉnh tới cơ sở.") == \
        "các cấp ủy Đảng, chính quyền từ tỉnh tới cơ sở.\n"
    # not joined: end punctuation, upper-case start, list markers
    text = "Kính gửi:\n\n- Sở Tài chính;\nb) tổ chức thực hiện\nc) kiểm tra"
    assert normalize_text(text) == text + "\n"


def test_whitespace():
    assert normalize_text("\u00a0\u00a0 Mục tiêu\u00a0chung  \r\n") == "Mục tiêu chung\n"


def test_seeds_idempotent(seed_texts):
    for name, text in seed_texts.items():
        once = normalize_text(text)
        assert normalize_text(once) == once, name


def test_seed_bullets_kept(seed_texts):
    for name, text in seed_texts.items():
        before = [line.strip().replace("\u00a0", " ") for line in text.split("\n")]
        after = normalize_text(text).split("\n")
        want = sorted(l.split(" ", 1)[0] for l in before if BULLET.match(l.replace("**", "")))
        got = sorted(l.split(" ", 1)[0] for l in after if BULLET.match(l))
        assert got == want, name


def test_seed_000_debris_removed(seed_texts):
    text = normalize_text(seed_texts["000_d12cc8faf554fa00.txt"])
    lines = set(text.split("\n"))
    for debris in ("1/2", "J", "GH", "TF", "TH", "3NF"):
        assert debris in seed_texts["000_d12cc8faf554fa00.txt"].split("\n")
        assert debris not in lines
    assert "Số: 7590/UBND-KT." in lines
    assert "Số: 5077 /KH-SNN" in lines


def _rows(text: str) -> list[list[str]]:
    """Rows of the seed table format: tab-indented cells, rows separated by blank lines."""
    block = text[text.index("\tTT\n"):]
    rows, row = [], []
    for line in block.split("\n"):
        if line.startswith("\t"):
            row.append(line.strip().replace("\u00a0", ""))
        elif not line.strip() and row:
            rows.append(row)
            row = []
        elif line.strip():
            break
    return rows + ([row] if row else [])


def test_seed_002_table_survives(seed_texts):
    raw = seed_texts["002_884e5c9489c26ebd.txt"]
    rows = _rows(normalize_text(raw))
    assert rows == _rows(raw)
    assert len(rows) > 20 and all(len(r) == 5 for r in rows)
    assert rows[0] == ["TT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp",
                       "Thời gian thực hiện/hoàn thành"]


def test_page_marks_between_paragraphs_are_dropped_and_the_sentence_rejoined():
    from ocop_docs.normalize import normalize_text
    text = ("- Phối hợp với UBND các huyện hướng dẫn các chủ\n- 3 -\nTrang 3/5\n"
            "thể tham gia Chương trình.\n- 4 -\n")
    assert normalize_text(text).strip() == (
        "- Phối hợp với UBND các huyện hướng dẫn các chủ thể tham gia Chương trình.")


def test_table_rows_split_by_a_page_break_are_one_table():
    text = ("| TT | Nội dung | Cơ quan chủ trì |\n| 1 | Xây dựng kế hoạch | Sở Công Thương |\n\n"
            "\f| 2 | Rà soát sản phẩm | Sở Y tế |\n\nNơi nhận:\n\n| a | b |\n")
    assert normalize_text(text).splitlines() == [
        "| TT | Nội dung | Cơ quan chủ trì |", "| 1 | Xây dựng kế hoạch | Sở Công Thương |",
        "| 2 | Rà soát sản phẩm | Sở Y tế |", "", "Nơi nhận:", "", "| a | b |"]


def test_scan_marks_before_a_bullet_are_dropped():
    """OCR reads a pen stroke in the margin as "__" or "~" before a bullet: the bullet keeps
    its marker at the line start."""
    text = "b) Sở Tài chính\n__ - Tham mưu bố trí kinh phí thực hiện trong tháng 5/2021.\n"
    assert normalize_text(text).splitlines()[1] == \
        "- Tham mưu bố trí kinh phí thực hiện trong tháng 5/2021."


def test_old_spelling_of_quy_is_modern():
    # "Quí IV-2025" (i for y) is the quarter "Quý IV-2025"; other words keep their i
    assert normalize_text("Quí IV-2025; hoàn thành trong quí II/2024; QUÍ III").strip() == \
        "Quý IV-2025; hoàn thành trong quý II/2024; QUÝ III"
    assert normalize_text("quít, quìa").strip() == "quít, quìa"
