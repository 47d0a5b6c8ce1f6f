"""The body outline parser on real documents and on the layouts our readers produce."""
from pathlib import Path

import pytest

from ocop_docs.structure.outline import classify_marker, parse_outline

SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "seeds"


def _find(blocks, prefix):
    for root in blocks:
        for block in root.walk():
            if block.text.startswith(prefix):
                return block
    raise AssertionError(f"no block starts with {prefix!r}")


@pytest.mark.parametrize("line, kind, marker", [
    ("I. MỤC ĐÍCH, YÊU CẦU", "roman", "I"),
    ("IV. TỔ CHỨC THỰC HIỆN", "roman", "IV"),
    ("1. Sở Nông nghiệp và Phát triển nông thôn", "number", "1"),
    ("12. Đề nghị các tổ chức chính trị - xã hội", "number", "12"),
    ("1.1. Chu trình OCOP được triển khai", "dotted", "1.1"),
    ("5.2 Hỗ trợ trực tiếp", "dotted", "5.2"),
    ("a) Tổ chức tập huấn", "letter", "a"),
    ("đ) Chủ trì, phối hợp", "letter", "đ"),
    ("(1) Dự án phát triển thương hiệu", "paren", "1"),
    ("- Là cơ quan thường trực", "dash", "-"),
    ("+ Bước 1: Tuyên truyền", "plus", "+"),
    ("Điều 3. Chánh Văn phòng", "article", "Điều 3"),
])
def test_markers(line, kind, marker):
    assert classify_marker(line)[:2] == (kind, marker)


@pytest.mark.parametrize("line", [
    "2020 là năm bản lề", "10.000 cuốn sổ tay", "Căn cứ Quyết định số 490/QĐ-TTg",
    "Ủy ban nhân dân tỉnh ban hành", "1/2", "3 sao trở lên",
])
def test_not_markers(line):
    assert classify_marker(line) is None


def test_agency_heading_holds_its_bullets():
    text = (SEEDS / "002_884e5c9489c26ebd.txt").read_text(encoding="utf-8")
    heading = _find(parse_outline(text), "Sở Công Thương")
    assert heading.kind == "number" and heading.marker == "4"
    assert [c.kind for c in heading.children] == ["dash"] * 6
    assert heading.children[2].text.startswith("Chủ trì, phối hợp với Sở Giao thông vận tải")
    assert heading.parent.kind == "roman" and heading.parent.marker == "V"


def test_tab_cell_table_rows():
    text = (SEEDS / "002_884e5c9489c26ebd.txt").read_text(encoding="utf-8")
    tables = [b for root in parse_outline(text) for b in root.walk() if b.kind == "table"]
    assert len(tables) == 1
    table = tables[0]
    assert table.header == ["TT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp",
                            "Thời gian thực hiện/hoàn thành"]
    first = table.children[1]
    assert first.cells[0] == "1" and first.cells[4] == "Quý III/2018"
    # continuation rows keep their column positions
    continuation = [r for r in table.children if not r.cells[0] and not r.cells[1]]
    assert continuation and continuation[0].cells[2] == "Ủy ban nhân dân các huyện, thành phố"


def test_pipe_table():
    text = ("| TT | Nội dung | Cơ quan chủ trì | Thời gian |\n"
            "|---|---|---|---|\n"
            "| 1 | Xây dựng kế hoạch | Sở Công Thương | Quý II/2019 |\n")
    [table] = parse_outline(text)
    assert table.kind == "table" and table.header[2] == "Cơ quan chủ trì"
    assert table.children[0].cells == ["1", "Xây dựng kế hoạch", "Sở Công Thương", "Quý II/2019"]


def test_paragraph_attaches_to_numbered_item_not_bullet():
    text = ("5. Triển khai công tác tư vấn\n- Triển khai các hoạt động chung:\n"
            "+ Xây dựng kế hoạch;\nĐơn vị thực hiện: Phòng Kinh tế chủ trì.\n6. Khác\n")
    roots = parse_outline(text)
    item5 = roots[0]
    assert [c.kind for c in item5.children] == ["dash", "paragraph"]
    assert item5.children[0].children[0].kind == "plus"
    assert roots[1].marker == "6"


def test_offsets_point_into_the_text():
    text = (SEEDS / "004_2b7b6d3415a4826e.txt").read_text(encoding="utf-8")
    for root in parse_outline(text):
        for block in root.walk():
            if block.kind not in ("table", "row"):
                assert text[block.start:block.end] == block.text
