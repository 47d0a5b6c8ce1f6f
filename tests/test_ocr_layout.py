"""OCR page layout: paragraphs rebuilt from tesseract's word boxes, ruled tables read cell by
cell, OCR confusions in document codes. The layout and table geometry tests need no tesseract;
the end-to-end ones (marked ocr) read two small rendered pages."""
import cv2
import numpy as np
import pytest
from PIL import Image

from ocop_docs.ingest.layout import build_lines, page_text, paragraphs
from ocop_docs.ingest.ocr import fix_confusions
from ocop_docs.ingest.tables import Table, find_tables, table_lines

H = 40          # line height of the synthetic pages
CHAR = 20       # character width


def tess_data(lines: list[tuple[int, int, int, str]]) -> dict:
    """A fake image_to_data result: (block, par, left, text) per line, one line per entry,
    words laid out left to right CHAR pixels per character."""
    data = {k: [] for k in ("text", "conf", "block_num", "par_num", "line_num", "left", "top",
                            "width", "height")}
    for n, (block, par, left, text) in enumerate(lines):
        x = left
        for word in text.split():
            for key, value in (("text", word), ("conf", 90), ("block_num", block), ("par_num", par),
                               ("line_num", n), ("left", x), ("top", 100 + 60 * n),
                               ("width", CHAR * len(word)), ("height", H)):
                data[key].append(value)
            x += CHAR * (len(word) + 1)
    return data


def rebuild(lines):
    return page_text(paragraphs(build_lines(tess_data(lines))[0])).split("\n")


RIGHT = 100 + CHAR * 60     # a full line is 60 characters wide


def full(text: str) -> str:
    """Pad `text` with filler words to exactly 60 characters (a line that reaches the margin)."""
    while len(text) < 60:
        text += " " + "x" * min(4, max(60 - len(text) - 1, 1))
    return text[:60]


def test_wrapped_line_starting_with_a_capital_is_joined():
    first = full("- Giao Phòng Nông nghiệp chủ trì, phối hợp với Chủ tịch")
    out = rebuild([(1, 1, 100, first), (1, 1, 100, "UBND các xã triển khai thực hiện;"),
                   (1, 1, 100, full("- Giao Phòng Tài chính bố trí kinh phí thực hiện")),
                   (1, 1, 100, "Nông nghiệp-PTNT tổng hợp."),
                   (1, 1, 100, "- Trưởng đài Truyền thanh huyện;"),
                   (1, 1, 100, "Chương trình OCOP thường niên;")])
    assert out == [first + " UBND các xã triển khai thực hiện;",
                   full("- Giao Phòng Tài chính bố trí kinh phí thực hiện") + " Nông nghiệp-PTNT tổng hợp.",
                   "- Trưởng đài Truyền thanh huyện;",          # a short line ends its paragraph
                   "Chương trình OCOP thường niên;"]


def test_a_sentence_tesseract_cut_into_two_blocks_is_one_paragraph():
    first = full("- Hướng dẫn các địa phương tổ chức triển khai tại điểm 1")
    out = rebuild([(1, 1, 100, full("Các sở, ngành thực hiện nghiêm túc nội dung sau đây và")),
                   (1, 1, 100, "báo cáo kết quả."),
                   (2, 1, 100, first), (3, 1, 100, "Công văn này và tổng hợp, theo dõi."),
                   (4, 1, 100, full("- Tổ chức kiểm tra, đánh giá mức độ an toàn công trình.")),
                   (5, 1, 100, "- Công an tỉnh phối hợp.")])
    assert [ln for ln in out if ln] == [
        full("Các sở, ngành thực hiện nghiêm túc nội dung sau đây và").rstrip() + " báo cáo kết quả.",
        first + " Công văn này và tổng hợp, theo dõi.",
        # a list marker starts a new paragraph, in a new block or not
        full("- Tổ chức kiểm tra, đánh giá mức độ an toàn công trình."),
        "- Công an tỉnh phối hợp."]
    # a short line before the new block ends its paragraph
    out = rebuild([(1, 1, 100, "- Hướng dẫn các địa phương"), (2, 1, 100, "Công văn này và tổng hợp.")])
    assert [ln for ln in out if ln] == ["- Hướng dẫn các địa phương", "Công văn này và tổng hợp."]


def test_list_markers_and_new_paragraphs_start_lines():
    out = rebuild([(1, 1, 100, full("Căn cứ Quyết định số 490/QĐ-TTg ngày 9/5/2018 của Thủ")),
                   (1, 1, 100, "1. Xây dựng kế hoạch;"),
                   (1, 1, 100, full("a) Rà soát các sản phẩm")),
                   (1, 1, 100, "(1) Đánh giá;"),
                   (1, 1, 100, full("Điều 3. Chánh Văn phòng")),
                   (1, 1, 100, "Điều 4. Hiệu lực."),
                   (1, 2, 100, "Tổ chức thực hiện")])
    assert [line.split()[0] for line in out if line] == ["Căn", "1.", "a)", "(1)", "Điều", "Điều",
                                                         "Tổ"]
    assert out[-2] == ""                                  # a new tesseract paragraph


def test_dash_between_numbers_wrapped_is_a_continuation():
    out = rebuild([(1, 1, 100, full("thực hiện đề án giai đoạn 2019")), (1, 1, 100, "- 2020.")])
    assert out == [full("thực hiện đề án giai đoạn 2019") + " - 2020."]


def test_sentence_end_then_indented_line_is_a_new_paragraph():
    ended = full("Sở Công Thương báo cáo kết quả thực hiện trước ngày 15/12.")
    ended = ended[:-1] + "."
    out = rebuild([(1, 1, 100, ended), (1, 1, 100 + 3 * CHAR, "Ủy ban nhân dân các huyện thực hiện."),
                   (1, 1, 100, full("Căn cứ Quyết định số 1698/QĐ-UBND của UBND tỉnh;")[:-1] + ";"),
                   (1, 1, 100, "Căn cứ Kế hoạch số 10877/KH-UBND;")])
    assert [line[:9] for line in out] == ["Sở Công T", "Ủy ban nh", "Căn cứ Qu", "Căn cứ Kế"]


def test_header_lines_stay_apart_and_side_by_side_columns_split():
    out = rebuild([(1, 1, 100, full("Số: 5077/KH-SNN") .split(" x")[0] + " " + "Đồng Nai, ngày 13 tháng 12 năm 2019"),
                   (2, 1, 100, "ỦY BAN NHÂN DÂN"), (2, 1, 100, "HUYỆN VĨNH CỬU")])
    # same text line, words far apart: two lines
    data = tess_data([(1, 1, 100, "Số: 5077/KH-SNN")])
    right = tess_data([(1, 1, 1300, "Đồng Nai, ngày 13 tháng 12 năm 2019")])
    for key in data:
        data[key] += right[key]
    lines, _ = build_lines(data)
    assert [l.text for l in lines] == ["Số: 5077/KH-SNN", "Đồng Nai, ngày 13 tháng 12 năm 2019"]
    assert page_text(paragraphs(lines)).split("\n") == [l.text for l in lines]
    assert out[-2:] == ["ỦY BAN NHÂN DÂN", "HUYỆN VĨNH CỬU"]


def test_document_code_confusions():
    assert fix_confusions("Quyết định số 490/QĐÐTTg ngày 9/5/2018") == "Quyết định số 490/QĐ-TTg ngày 9/5/2018"
    assert fix_confusions("số 01/QĐÐ-BCĐTW và 1598/SNN-PTNT") == "số 01/QĐ-BCĐTW và 1598/SNN-PTNT"
    assert fix_confusions("ÐỒNG NAI") == "ĐỒNG NAI"
    # a section sign among a code number's digits is an 8; elsewhere it stays
    assert fix_confusions("Nghị định số 8§/CP ngày 17/8/1994, số §5 / QĐ-UB") \
        == "Nghị định số 88/CP ngày 17/8/1994, số 85/QĐ-UB"
    assert fix_confusions("mục § 5/2020 và 3§ khoản") == "mục § 5/2020 và 3§ khoản"


def ruled_grid() -> np.ndarray:
    """A white page (A4 at 300 dpi) with a 3-row, 3-column ruled grid; the middle column's cell
    spans rows 2-3."""
    page = np.full((3508, 2480), 255, np.uint8)
    xs, ys = [200, 400, 900, 1400], [200, 350, 500, 650]
    for y in ys:
        cv2.line(page, (xs[0], y), (xs[-1], y), 0, 3)
    cv2.line(page, (xs[1], ys[2]), (xs[0], ys[2]), 0, 3)
    cv2.line(page, (xs[2], ys[2]), (xs[3], ys[2]), 0, 3)
    page[ys[2] - 3:ys[2] + 4, xs[1] + 2:xs[2] - 1] = 255           # no border under the middle cell
    for x in xs:
        cv2.line(page, (x, ys[0]), (x, ys[-1]), 0, 3)
    cv2.line(page, (100, 100), (700, 100), 0, 3)                     # a lone rule is no table
    cv2.putText(page, "text", (250, 290), cv2.FONT_HERSHEY_SIMPLEX, 2, 0, 3)
    return page


def test_ruled_grid_cells_and_row_span():
    [table] = find_tables(ruled_grid())
    assert (table.rows, table.cols) == (3, 3)
    spans = {(c.row, c.col): (c.rowspan, c.colspan) for c in table.cells}
    assert spans[(1, 1)] == (2, 1) and (2, 1) not in spans
    assert len(table.cells) == 8
    x0, y0, x1, y1 = table.box
    assert abs(x0 - 200) < 6 and abs(y1 - 650) < 6


def test_table_lines_keep_columns():
    [table] = find_tables(ruled_grid())
    texts = {(0, 0): "TT", (0, 1): "Nội dung", (0, 2): "Cơ quan chủ trì", (1, 0): "1",
             (1, 1): "Xây dựng kế hoạch", (1, 2): "Sở Công Thương", (2, 2): "UBND các huyện"}
    for cell in table.cells:
        cell.text = texts.get((cell.row, cell.col), "")
    assert table_lines(table) == ["| TT | Nội dung | Cơ quan chủ trì |",
                                  "| 1 | Xây dựng kế hoạch | Sở Công Thương |",
                                  "|  |  | UBND các huyện |"]


def test_no_table_on_a_text_page():
    page = np.full((1200, 1600), 255, np.uint8)
    for k in range(10):
        cv2.putText(page, "Lorem ipsum dolor sit amet", (100, 100 + 80 * k),
                    cv2.FONT_HERSHEY_SIMPLEX, 2, 0, 3)
    assert find_tables(page) == [] and isinstance(Table((0, 0, 1, 1), 1, 1), Table)


TABLE_TEXT = ("PHỤ LỤC\n\tTT\n\tNội dung\n\tCơ quan chủ trì\n\tThời gian\n\n"
              "\t1\n\tXây dựng kế hoạch triển khai Chương trình OCOP năm 2019\n\tSở Công Thương\n"
              "\tQuý II/2019\n\n"
              "\t2\n\tRà soát sản phẩm\n\tSở Y tế\n\tHằng năm\n\nNơi nhận:\n")
PARAGRAPH_TEXT = (
    "Trên cơ sở Kế hoạch số 5077/KH-SNN ngày 13/12/2019 của Sở Nông nghiệp và Phát triển nông "
    "thôn tỉnh Đồng Nai về thực hiện Đề án năm 2020 của Sở Nông nghiệp-PTNT, Chủ tịch UBND huyện "
    "có ý kiến như sau:\n"
    "- Giao trách nhiệm Trưởng phòng Nông nghiệp và Phát triển nông thôn huyện chủ trì, phối hợp "
    "với các phòng, ban, Chủ tịch UBND các xã, thị trấn tham mưu UBND huyện kế hoạch thực hiện;\n"
    "- Giao Phòng Tài chính - Kế hoạch huyện bố trí kinh phí thực hiện Chương trình OCOP;\n")


@pytest.fixture(scope="module")
def rendered_pages(render_scans, require_ocr):
    """The table and the paragraphs rendered as scanned pages (skew, noise), cut to the text."""
    pages = []
    for text, seed in ((TABLE_TEXT, 3), (PARAGRAPH_TEXT, 5)):
        page = render_scans.render_text(text, seed=seed, stamp=False, max_pages=1)[0]
        pages.append(page.crop((0, 0, page.width, 1300)))
    return pages


@pytest.mark.ocr
def test_ocr_ruled_table_rows_in_place(rendered_pages):
    from ocop_docs.ingest.ocr import ocr_binary, preprocess

    text, _ = ocr_binary(preprocess(rendered_pages[0]))
    lines = [line for line in text.split("\n") if line]
    assert lines[0] == "PHỤ LỤC" and lines[-1].startswith("Nơi nhận")
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in lines[1:-1]]
    assert len(rows) == 3 and all(len(r) == 4 for r in rows)
    assert rows[0][1:3] == ["Nội dung", "Cơ quan chủ trì"]
    assert rows[1][1] == "Xây dựng kế hoạch triển khai Chương trình OCOP năm 2019"
    assert rows[1][2] == "Sở Công Thương" and rows[2][2] == "Sở Y tế"


@pytest.mark.ocr
def test_ocr_wrapped_paragraph_and_bullets_are_three_lines(rendered_pages):
    from ocop_docs.ingest.ocr import ocr_binary, preprocess

    text, _ = ocr_binary(preprocess(rendered_pages[1]))
    lines = [line for line in text.split("\n") if line]
    assert len(lines) == 3, lines
    assert lines[0].startswith("Trên cơ sở") and lines[0].endswith("như sau:")
    assert lines[1].startswith("- Giao trách nhiệm") and lines[1].endswith("thực hiện;")
    assert lines[2].startswith("- Giao Phòng Tài chính")


def test_quarter_numerals_read_as_digits():
    assert fix_confusions("Quý 11/2019; Quý 111/2018, quý 1V/2019") == "Quý II/2019; Quý III/2018, quý IV/2019"
    assert fix_confusions("Quý 1/2019 và Quý 3/2020") == "Quý 1/2019 và Quý 3/2020"


def test_row_markers_of_the_first_column():
    from ocop_docs.ingest.tables import _row_marker

    assert [_row_marker(c) for c in ("]", "H", "IH", "VỊ", "|")] == ["I", "II", "III", "VI", "I"]
    assert [_row_marker(c) for c in ("1", "12", "IV", "VIII", "R)", "", "Sở")] == \
        ["1", "12", "IV", "VIII", "R)", "", "Sở"]


def test_a_sentence_running_over_a_page_break_is_one_paragraph():
    from ocop_docs.ingest.layout import join_pages
    from ocop_docs.normalize import normalize_text

    page1 = ("4. Sở Tài chính bố trí kinh phí.\n\n"
             "5. Sở Thông tin và Truyền thông chủ động phối hợp Sở Nông nghiệp và")
    page2 = ("3\nPhát triển nông thôn, Sở Giao thông vận tải và các địa phương cung cấp thông tin.\n\n"
             "6. Công an tỉnh phối hợp.")
    text = normalize_text(join_pages([page1, page2]))
    assert "phối hợp Sở Nông nghiệp và Phát triển nông thôn, Sở Giao thông vận tải" in text
    assert "\n\n6. Công an tỉnh" in text
    # an item letter misread at the top of the next page follows the page before's items
    assert "\ng) Chủ trì" in join_pages(["d) Chuẩn bị;\n\ne) Tổ chức thanh tra;", "ø) Chủ trì, phối hợp"])
    # so does a numbered item's "5," for "5." (a page's OCR cannot see the "4." before it)
    joined = join_pages(["4. Đẩy mạnh giải quyết khó khăn của nhà đầu tư.",
                         "5, Đối với các dự án chậm tiến độ:\na) Giao Sở Xây dựng rà soát."])
    assert "\n5. Đối với các dự án" in joined
    assert join_pages(["3. Sở Y tế kiểm tra.", "5, Đối với các dự án"]).endswith("\n5, Đối với các dự án")
    # a closed sentence, a signer's name, a list item or a heading on the next page stay apart
    for end, start in (("cung cấp thông tin.", "Phát triển"), ("Nguyễn Văn An", "Phụ lục kèm theo"),
                       ("phối hợp với", "- Sở Y tế"), ("phối hợp với", "PHỤ LỤC"),
                       ("phối hợp với", "Điều 3. Thi hành")):
        assert join_pages([f"1. Sở X {end}", start]) == f"1. Sở X {end}\n\n{start}", (end, start)


def test_letter_case_and_list_marker_confusions():
    # same-shape letters read in capitals inside a sentence; acronyms stay
    assert fix_confusions("tăng cường phối hợp, VỚI Các CƠ quan chức năng kiểm tra") \
        == "tăng cường phối hợp, với Các cơ quan chức năng kiểm tra"
    assert fix_confusions("báo cáo Sở Xây dựng, UBND tỉnh và Phòng CSGT về COVID") \
        == "báo cáo Sở Xây dựng, UBND tỉnh và Phòng CSGT về COVID"
    # "1." read as "I." before "2.", "5," for "5." after "4."; a real Roman part stays
    text = "I. Công ty rà soát.\n\n2. Giao Sở Tài chính.\n\n4. Sở Y tế.\n\n5, Đối với các dự án:"
    assert fix_confusions(text) == text.replace("I. Công", "1. Công").replace("5, Đối", "5. Đối")
    items = "d) Chuẩn bị;\n\ne) Tổ chức thanh tra;\n\nø) Chủ trì, phối hợp với UBND các huyện"
    assert fix_confusions(items) == items.replace("ø)", "g)")
    parts = "I. MỤC ĐÍCH\n\n1. Mục đích\n\n2. Yêu cầu\n\nII. NỘI DUNG"
    assert fix_confusions(parts) == parts
    assert fix_confusions("triển khai Chương trình OCOP năm 2019") == "triển khai Chương trình OCOP năm 2019"


# ----------------------------------------------------------------------------- unruled tables

def _words(row_texts: list[tuple[int, list[tuple[int, str]]]]):
    """Words of visual rows: (top, [(left, text), ...]) each, CHAR pixels per character."""
    from ocop_docs.ingest.layout import OcrLine, Word

    lines = []
    for top, cells in row_texts:
        for left, text in cells:
            words, x = [], left
            for w in text.split():
                words.append(Word(x, top, x + CHAR * len(w), top + H, w, 90))
                x += CHAR * (len(w) + 1)
            lines.append(OcrLine(len(lines), 1, words))
    return lines


def test_unruled_band_is_found_below_the_header_only():
    from ocop_docs.ingest.unruled import find_band

    cols = (100, 400, 1200, 1800)
    rows = [(900 + 60 * k, [(x, t) for x, t in zip(cols, cells)]) for k, cells in enumerate(
        [["TT", "Nội dung", "Chủ trì", "Thời hạn"], ["1", "Rà soát hồ sơ", "Sở Tư pháp", "Quý I"],
         ["2", "Kiểm tra", "Sở Nội vụ", "Quý II"]])]
    band = find_band(_words(rows), 3500)
    assert band is not None and band.top == 900 and band.bottom == 900 + 120 + H
    # the same rows in the header's height, and two-column rows (a signature block), are no table
    assert find_band(_words([(t - 700, c) for t, c in rows]), 3500) is None
    two = [(2800 + 60 * k, [(100, "Nơi nhận:"), (1500, "KT. CHỦ TỊCH")]) for k in range(5)]
    assert find_band(_words(two), 3500) is None


def test_unruled_columns_are_the_union_of_pieces():
    from ocop_docs.ingest.unruled import columns, pieces, visual_rows

    lines = _words([(100, [(100, "1"), (400, "Rà soát hồ sơ"), (1200, "Sở Tư pháp")]),
                    (160, [(400, "đất đai còn lại"), (1250, "tỉnh")])])
    rows = [pieces(r, 3 * H) for r in visual_rows([w for ln in lines for w in ln.words])]
    assert [len(r) for r in rows] == [3, 2]
    assert [a for a, _ in columns(rows)] == [100, 400, 1200]
