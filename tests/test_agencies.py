"""Agency names: expansion, canonical names, lists, sequences, headings (real corpus sentences and
realistic variants from other provinces)."""
import time
from pathlib import Path

import pytest

from ocop_docs.evaluation.score import agency_match
from ocop_docs.extract.assignments import parse_assignment
from ocop_docs.extract.agencies import (canonical_name, expand_abbreviations, find_agency_mentions,
                                        heading_agencies, parse_agency_sequence, split_agency_list)

SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "seeds"


@pytest.mark.parametrize("text, expected", [
    ("UBND tỉnh", "Ủy ban nhân dân tỉnh"),
    ("HĐND huyện", "Hội đồng nhân dân huyện"),
    ("Sở NN-PTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("Sở NN&PTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("Sở NN và PTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
    # National Assembly and Party bodies, and parts joined by commas ("KH,CN&MT")
    ("Ủy ban KH,CN&MT", "Ủy ban Khoa học, Công nghệ và Môi trường"),
    ("các cơ quan thuộc UBTVQH", "các cơ quan thuộc Ủy ban Thường vụ Quốc hội"),
    ("Văn phòng ĐĐQH", "Văn phòng Đảng đoàn Quốc hội"),
    ("Sở KH&CN", "Sở Khoa học và Công nghệ"),
    ("Sở KH&ĐT", "Sở Kế hoạch và Đầu tư"),
    ("Sở TN&MT", "Sở Tài nguyên và Môi trường"),
    ("Sở TT&TT", "Sở Thông tin và Truyền thông"),
    ("Sở VH-TT-DL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("Sở LĐ-TB&XH", "Sở Lao động - Thương binh và Xã hội"),
    ("Liên minh HTX tỉnh", "Liên minh Hợp tác xã tỉnh"),
    ("UBMTTQVN tỉnh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"),
    ("BCĐ huyện", "Ban Chỉ đạo huyện"),
    # never inside document numbers
    ("Quyết định số 490/QĐ-TTg của TTg", "Quyết định số 490/QĐ-TTg của Thủ tướng Chính phủ"),
    ("Công văn số 1598/SNN-PTNT của UBND", "Công văn số 1598/SNN-PTNT của Ủy ban nhân dân"),
])
def test_expand_abbreviations(text, expected):
    assert expand_abbreviations(text) == expected


@pytest.mark.parametrize("surface, expected", [
    ("Giám đốc Sở Y tế", "Sở Y tế"),
    ("Trưởng phòng NN-PTNT huyện", "Phòng Nông nghiệp và Phát triển nông thôn huyện"),
    ("Chủ tịch UBND các xã, thị trấn Vĩnh An", "Ủy ban nhân dân các xã, thị trấn Vĩnh An"),
    ("Thủ trưởng các cơ quan chuyên môn thuộc huyện", "Các cơ quan chuyên môn thuộc huyện"),
    ("Chánh Văn phòng UBND tỉnh", "Văn phòng Ủy ban nhân dân tỉnh"),
    ("Sở Công thương", "Sở Công Thương"),
    ("Sở Văn hóa Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch"),
    ("Sở Văn hoá - Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch"),
    ("ỦY BAN NHÂN DÂN HUYỆN VĨNH CỬU", "Ủy ban nhân dân huyện Vĩnh Cửu"),
    ("ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "Ủy ban nhân dân tỉnh Quảng Ngãi"),
    ("SỞ NÔNG NGHIỆP VÀ PTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("- và Sở Nông nghiệp-PTNT tỉnh Đồng Nai;", "Sở Nông nghiệp và Phát triển nông thôn tỉnh Đồng Nai"),
    ("+ Uỷ ban nhân dân tỉnh Bến Tre.", "Ủy ban nhân dân tỉnh Bến Tre"),
    ("Phòng nông nghiệp & PTNT", "Phòng Nông nghiệp và Phát triển nông thôn"),
    ("Sở Nông nghiệp và Phát triển nông thôn (Cơ quan thường trực Chương trình)",
     "Sở Nông nghiệp và Phát triển nông thôn"),
])
def test_canonical_name(surface, expected):
    assert canonical_name(surface) == expected


@pytest.mark.parametrize("phrase, expected", [
    ("Các Sở: Công Thương, Khoa học và Công nghệ, Y tế",
     ["Sở Công Thương", "Sở Khoa học và Công nghệ", "Sở Y tế"]),
    ("Các Chi cục: Trồng trọt, Bảo vệ thực vật và Thủy lợi; Chăn nuôi và Thú y; Thủy sản; Kiểm lâm",
     ["Chi cục Trồng trọt, Bảo vệ thực vật và Thủy lợi", "Chi cục Chăn nuôi và Thú y",
      "Chi cục Thủy sản", "Chi cục Kiểm lâm"]),
    ("Sở Kế hoạch và Đầu tư, Sở Tài chính", ["Sở Kế hoạch và Đầu tư", "Sở Tài chính"]),
    ("Sở Văn hóa, Thể thao và Du lịch", ["Sở Văn hóa, Thể thao và Du lịch"]),
    ("UBND các xã: Vĩnh Tân, Thạnh Phú",
     ["Ủy ban nhân dân xã Vĩnh Tân", "Ủy ban nhân dân xã Thạnh Phú"]),
    ("UBND các phường: Phú Hòa, Hiệp Thành",
     ["Ủy ban nhân dân phường Phú Hòa", "Ủy ban nhân dân phường Hiệp Thành"]),
    ("Các sở, ban, ngành", ["Các sở, ban, ngành"]),
    ("UBND các huyện, thành phố", ["Ủy ban nhân dân các huyện, thành phố"]),
    ("UBND các huyện, thị xã, thành phố", ["Ủy ban nhân dân các huyện, thị xã, thành phố"]),
    ("các cơ quan, đơn vị liên quan", ["Các cơ quan, đơn vị liên quan"]),
    ("các Sở, ngành liên quan", ["Các Sở, ngành liên quan"]),
    ("các sở, ngành, đơn vị có liên quan", ["Các sở, ngành, đơn vị có liên quan"]),
    ("Các Sở, ban, ngành tỉnh; UBND các huyện, thành phố và các đơn vị, cá nhân tham gia "
     "Chương trình OCOP",
     ["Các Sở, ban, ngành tỉnh", "Ủy ban nhân dân các huyện, thành phố",
      "Các đơn vị, cá nhân tham gia Chương trình OCOP"]),
    ("Các Sở: Công thương, Khoa học và Công nghệ, Y tế, Văn hóa, Thể thao và Du lịch, các hiệp hội",
     ["Sở Công Thương", "Sở Khoa học và Công nghệ", "Sở Y tế", "Sở Văn hóa, Thể thao và Du lịch",
      "Các hiệp hội"]),
    ("Các Sở: Công thương, Khoa học và Công nghệ, Y tế, Văn hóa, Thể thao và Du lịch và các đơn "
     "vị có liên quan",
     ["Sở Công Thương", "Sở Khoa học và Công nghệ", "Sở Y tế", "Sở Văn hóa, Thể thao và Du lịch",
      "Các đơn vị có liên quan"]),
    ("Sở Nông nghiệp và Phát triển nông thôn; Trung tâm xúc tiến đầu tư và Thương mại",
     ["Sở Nông nghiệp và Phát triển nông thôn", "Trung tâm Xúc tiến đầu tư và Thương mại"]),
    ("Sở Tài chính, Sở Giao thông vận tải, Sở Xây dựng",
     ["Sở Tài chính", "Sở Giao thông vận tải", "Sở Xây dựng"]),
    # two names joined by a slash (a table cell "chủ trì: A/ B"); an abbreviation keeps its slash
    ("Phòng Tài chính - Kế hoạch/ Ban Quản lý dự án huyện",
     ["Phòng Tài chính - Kế hoạch", "Ban Quản lý dự án huyện"]),
    ("Sở NN/PTNT", ["Sở Nông nghiệp và Phát triển nông thôn"]),
    # an actor of no known type set as an alternative to an agency shares the work
    ("Phòng Quản lý đô thị/ Nhà thầu tư vấn được chọn",
     ["Phòng Quản lý đô thị", "Nhà thầu tư vấn được chọn"]),
    ("Ban Quản lý dự án huyện /Nhà thầu thi công đã chọn",
     ["Ban Quản lý dự án huyện", "Nhà thầu thi công đã chọn"]),
])
def test_split_agency_list(phrase, expected):
    assert split_agency_list(phrase) == expected


def test_split_distributed_levels():
    """003 task 1: the same kind of body at province and district level."""
    got = split_agency_list("Báo Quảng Nam, Đài Phát thanh - Truyền hình tỉnh, huyện, thị xã, "
                            "thành phố và các cơ quan, đơn vị từ tỉnh đến cơ sở")
    gold = ["Báo Quảng Nam", "Đài Phát thanh - Truyền hình tỉnh",
            "Đài Phát thanh - Truyền hình các huyện, thị xã, thành phố",
            "các cơ quan, đơn vị từ tỉnh đến cơ sở"]
    assert len(got) == len(gold)
    assert all(agency_match(g, p) for g, p in zip(gold, got))


@pytest.mark.parametrize("text, expected, action", [
    ("Sở Kế hoạch và Đầu tư, Sở Tài chính bố trí, phân bổ nguồn kinh phí từ ngân sách",
     ["Sở Kế hoạch và Đầu tư", "Sở Tài chính"], "bố trí"),
    ("các phòng, ban phụ trách các tiêu chí xây dựng nông thôn mới huyện, Chủ tịch UBND các xã, "
     "thị trấn Vĩnh An và các ngành có liên quan tham mưu UBND huyện, Ban Chỉ đạo NN, ND, NT",
     ["Các phòng, ban phụ trách các tiêu chí xây dựng nông thôn mới huyện",
      "Ủy ban nhân dân các xã, thị trấn Vĩnh An", "Các ngành có liên quan"], "tham mưu"),
    ("Sở Công thương tổ chức xúc tiến thương mại", ["Sở Công Thương"], "tổ chức"),
    ("địa phương tập huấn về chu trình hình thành doanh nghiệp", ["Các địa phương"], "tập huấn"),
    ("Trưởng phòng NN-PTNT huyện chủ trì, phối hợp với",
     ["Phòng Nông nghiệp và Phát triển nông thôn huyện"], "chủ trì"),
    ("Các Sở: Công Thương, Khoa học và Công nghệ, Y tế, Văn hóa Thể thao và Du lịch phối hợp với "
     "Sở Nông nghiệp và Môi trường",
     ["Sở Công Thương", "Sở Khoa học và Công nghệ", "Sở Y tế", "Sở Văn hóa, Thể thao và Du lịch"],
     "phối hợp"),
    ("các sở, ngành, UBND các huyện, thành phố, đơn vị liên quan tổ chức triển khai Kế hoạch",
     ["Các sở, ngành", "Ủy ban nhân dân các huyện, thành phố", "Các đơn vị liên quan"], "tổ chức"),
    ("Sở Nông nghiệp và PTNT tham mưu UBND tỉnh bổ sung nhiệm vụ",
     ["Sở Nông nghiệp và Phát triển nông thôn"], "tham mưu"),
    ("Văn phòng Điều phối nông thôn mới tỉnh phối hợp với Sở Nông nghiệp và PTNT sớm tham mưu",
     ["Văn phòng Điều phối nông thôn mới tỉnh"], "phối hợp"),
    ("Ngân hàng Nhà nước Chi nhánh Quảng Nam chỉ đạo, hướng dẫn các ngân hàng thương mại",
     ["Ngân hàng Nhà nước Chi nhánh Quảng Nam"], "chỉ đạo"),
    ("Các Sở, Ban, ngành, Hội, đoàn thể có liên quan khác xây dựng kế hoạch triển khai",
     ["Các Sở, Ban, ngành, Hội, đoàn thể có liên quan khác"], "xây dựng"),
    ("Sở Kế hoạch và Đầu tư, Sở Nông nghiệp và PTNT, Văn phòng Điều phối nông thôn mới tỉnh tham "
     "mưu UBND tỉnh phân bổ kinh phí",
     ["Sở Kế hoạch và Đầu tư", "Sở Nông nghiệp và Phát triển nông thôn",
      "Văn phòng Điều phối nông thôn mới tỉnh"], "tham mưu"),
    ("Ban Thi đua - Khen thưởng tỉnh tham mưu, đề xuất các tổ chức",
     ["Ban Thi đua - Khen thưởng tỉnh"], "tham mưu"),
    ("Các Sở, ban, ngành là thành viên Ban Chỉ đạo các Chương trình mục tiêu quốc gia tỉnh và Ủy "
     "ban nhân dân các huyện, thành phố, căn cứ các nội dung của Kế hoạch này",
     ["Các Sở, ban, ngành là thành viên Ban Chỉ đạo các Chương trình mục tiêu quốc gia tỉnh",
      "Ủy ban nhân dân các huyện, thành phố"], "căn cứ"),
    ("Sở Văn hóa Thể thao và Du lịch và các địa phương, đơn vị liên quan xây dựng và trình",
     ["Sở Văn hóa, Thể thao và Du lịch", "Các địa phương, đơn vị liên quan"], "xây dựng"),
    ("Thủ trưởng các Sở, Ban, ngành liên quan và các địa phương khẩn trương triển khai",
     ["Các Sở, Ban, ngành liên quan", "Các địa phương"], "khẩn trương"),
    ("Sở Y tế và Sở Tài chính cùng thực hiện", ["Sở Y tế", "Sở Tài chính"], "cùng"),
    ("Giám đốc Sở Tài nguyên và Môi trường có trách nhiệm hướng dẫn",
     ["Sở Tài nguyên và Môi trường"], "có trách nhiệm"),
    ("Sở Giao thông vận tải, Sở Xây dựng kiểm tra các tuyến đường",
     ["Sở Giao thông vận tải", "Sở Xây dựng"], "kiểm tra"),
    ("Phòng Văn hóa và Thông tin huyện tuyên truyền về Chương trình",
     ["Phòng Văn hóa và Thông tin huyện"], "tuyên truyền"),
    ("UBND huyện Krông Pắc chỉ đạo các xã", ["Ủy ban nhân dân huyện Krông Pắc"], "chỉ đạo"),
    # an unknown verb after a unit or a complete standard name ends the name
    ("Kho bạc Nhà nước tỉnh kiểm soát chi theo quy định", ["Kho bạc Nhà nước tỉnh"], "kiểm soát"),
    ("Ban Dân tộc tỉnh rà soát danh sách", ["Ban Dân tộc tỉnh"], "rà soát"),
    ("Sở Ngoại vụ giới thiệu sản phẩm với đối tác", ["Sở Ngoại vụ"], "giới thiệu"),
    ("Phòng Kinh tế thành phố Bảo Lộc tiếp nhận hồ sơ", ["Phòng Kinh tế thành phố Bảo Lộc"],
     "tiếp nhận"),
    ("Các sở, ngành, UBND huyện, thành phố cẩn cứ chức năng, nhiệm vụ",
     ["Các sở, ngành", "Ủy ban nhân dân huyện, thành phố"], "cẩn cứ"),
    ("các sở, ngành và địa phương nâng cấp, phát triển sản phẩm",
     ["Các sở, ngành và địa phương"], "nâng cấp"),
    ("Thủ tướng Chính phủ và Chương trình “Mỗi xã một sản phẩm”", ["Thủ tướng Chính phủ"], "và"),
    ("Phòng nông nghiệp và PTNT, các phòng ban liên quan thuộc huyện, đại diện UBND các xã có tổ "
     "chức kinh tế tham gia OCOP, đại diện các tổ chức kinh tế tham gia Chương trình OCOP.",
     ["Phòng Nông nghiệp và Phát triển nông thôn", "Các phòng ban liên quan thuộc huyện",
      "Ủy ban nhân dân các xã có tổ chức kinh tế tham gia OCOP",
      "Các tổ chức kinh tế tham gia Chương trình OCOP"], "."),
])
def test_parse_agency_sequence(text, expected, action):
    names, offset = parse_agency_sequence(text)
    assert names == expected
    assert text[offset:].startswith(action)


@pytest.mark.parametrize("text", [
    "Tổ chức thực hiện các hoạt động tuyên truyền",
    "Xây dựng kế hoạch triển khai Chương trình",
    "báo cáo kết quả về Sở Tài chính",
    "Hội nghị sơ kết Chương trình OCOP",
    "Bộ tiêu chí đánh giá, phân hạng sản phẩm",
    "Ban hành kế hoạch thực hiện",
])
def test_no_agency_at_start(text):
    assert parse_agency_sequence(text) == ([], 0)


@pytest.mark.parametrize("line, expected", [
    ("1. Sở Nông nghiệp và Phát triển nông thôn (Cơ quan thường trực Chương trình)",
     ["Sở Nông nghiệp và Phát triển nông thôn"]),
    ("2. Văn phòng điều phối Nông thôn mới", ["Văn phòng Điều phối nông thôn mới"]),
    ("4. Các Chi cục: Trồng trọt, Bảo vệ thực vật và Thủy lợi; Chăn nuôi và Thú y; Thủy sản; Kiểm lâm",
     ["Chi cục Trồng trọt, Bảo vệ thực vật và Thủy lợi", "Chi cục Chăn nuôi và Thú y",
      "Chi cục Thủy sản", "Chi cục Kiểm lâm"]),
    ("13. Ủy ban nhân dân các huyện, thành phố:", ["Ủy ban nhân dân các huyện, thành phố"]),
    ("11. UBND các huyện, thị xã, thành phố:", ["Ủy ban nhân dân các huyện, thị xã, thành phố"]),
    ("4. Các tổ chức chính trị - xã hội, các tổ chức xã hội nghề nghiệp, các hội, hiệp hội hoạt động "
     "trên địa bàn tỉnh",
     ["Các tổ chức chính trị - xã hội", "Các tổ chức xã hội nghề nghiệp",
      "Các hội, hiệp hội hoạt động trên địa bàn tỉnh"]),
    ("5. Trung tâm dịch vụ Nông nghiệp", ["Trung tâm Dịch vụ nông nghiệp"]),
    ("3. Các sở, ban, ngành", ["Các sở, ban, ngành"]),
    ("b) Sở Lao động - Thương binh và Xã hội", ["Sở Lao động - Thương binh và Xã hội"]),
    ("5. Xúc tiến thương mại và quảng bá sản phẩm", None),
    ("V. Tổ chức thực hiện", None),
    ("IV. TỔ CHỨC THỰC HIỆN", None),
    ("6. Phát triển sản phẩm", None),
    ("3. Giao Sở Nông nghiệp và PTNT:", None),
    # a group narrowed by what its members are; a parenthesis left open by the line break
    ("4. Các chủ tàu là doanh nghiệp, hợp tác xã (các", ["Các chủ tàu là doanh nghiệp, hợp tác xã"]),
    ("2. Các hội là tổ chức:", ["Các hội là tổ chức"]),
    # a copula before a role is no narrowing
    ("3. Các sở, ngành là cơ quan thường trực", None),
    ("1. Sở Tài chính là cơ quan", None),
])
def test_heading_agencies(line, expected):
    assert heading_agencies(line) == expected


def test_find_agency_mentions_offsets():
    text = "Xét đề nghị của Sở NN&PTNT tại Công văn số 12/SNN-KH, UBND tỉnh Lâm Đồng ban hành"
    mentions = find_agency_mentions(text)
    names = [n for _, _, n in mentions]
    assert "Sở Nông nghiệp và Phát triển nông thôn" in names
    assert "Ủy ban nhân dân tỉnh Lâm Đồng" in names
    for s, e, n in mentions:
        assert text[s:e].split()[0] in ("Sở", "UBND")


def test_find_agency_mentions_ignores_capitalised_headings():
    names = [n for _, _, n in find_agency_mentions("III. NỘI DUNG, NHIỆM VỤ TRỌNG TÂM\n")]
    assert names == []


def test_speed_on_largest_seed():
    text = (SEEDS / "002_884e5c9489c26ebd.txt").read_text(encoding="utf-8")
    find_agency_mentions(text)        # warm the data cache
    t = time.perf_counter()
    find_agency_mentions(text)
    assert time.perf_counter() - t < 1.0


# ---------------------------------------------------------------- data integrity

def test_agency_data_files_are_consistent():
    from ocop_docs.resources import load_tsv, load_yaml
    proper = [p.lower() for p in load_yaml("agency_types.yaml")["proper"]]
    abbr = load_tsv("abbreviations.tsv")
    assert abbr and all(r["kind"] in ("word", "joined") and r["form"] and r["expansion"]
                        for r in abbr)
    assert len({r["form"] for r in abbr}) == len(abbr)
    names = [r["name"] for r in load_tsv("agencies_gazetteer.tsv")]
    assert len(set(names)) == len(names)
    for name in names:       # every standard name starts with a known type word
        assert any(name.lower().startswith(p + " ") or name.lower() == p for p in proper), name
    for r in load_tsv("leader_titles.tsv"):
        assert not r["implied_type"] or r["implied_type"].lower() in proper, r
    bounds = load_yaml("agency_boundaries.yaml")
    # a type word is never an action word (else every name would end at once)
    assert not {p for p in proper} & {w.lower() for w in bounds["action_words"]}


@pytest.mark.parametrize("text, expected", [
    # a group written as such stays one name (GUIDELINES: group phrases stay as written) ...
    ("các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ liên quan xây dựng kế hoạch",
     ["Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ liên quan"]),
    ("Các bộ, cơ quan ngang bộ và Ủy ban nhân dân các tỉnh gửi báo cáo",
     ["Các bộ, cơ quan ngang bộ", "Ủy ban nhân dân các tỉnh"]),
    # ... while leaders' titles stand each for its own kind of body, with or without "Các"
    ("Bộ trưởng, Thủ trưởng cơ quan ngang bộ, cơ quan thuộc Chính phủ, Chủ tịch Ủy ban nhân dân "
     "các tỉnh chịu trách nhiệm thi hành",
     ["Các bộ", "Cơ quan ngang bộ", "Cơ quan thuộc Chính phủ", "Ủy ban nhân dân các tỉnh"]),
    ("Các Bộ trưởng, Thủ trưởng cơ quan ngang bộ, Thủ trưởng cơ quan thuộc Chính phủ chỉ đạo",
     ["Các bộ", "Cơ quan ngang bộ", "Cơ quan thuộc Chính phủ"]),
])
def test_central_bodies_written_as_a_group_or_by_their_leaders(text, expected):
    assert parse_agency_sequence(text)[0] == expected


@pytest.mark.parametrize("line, expected", [
    # tax and statistics offices named by their level ("Thuế tỉnh", "Thống kê tỉnh X")
    ("Thuế tỉnh", ["Thuế tỉnh"]),
    ("Thuế tỉnh Quảng Trị:", ["Thuế tỉnh Quảng Trị"]),
    ("Thống kê thành phố Cần Thơ", ["Thống kê thành phố Cần Thơ"]),
])
def test_tax_and_statistics_offices_are_agencies(line, expected):
    assert heading_agencies(line) == expected


def test_tax_and_statistics_words_alone_are_not_agencies():
    assert parse_agency_sequence("Thống kê, đánh giá tình hình thu ngân sách")[0] == []
    assert parse_agency_sequence("Thuế suất thuế tài nguyên được điều chỉnh")[0] == []
    assert split_agency_list("Thuế tỉnh, Sở Tài chính") == ["Thuế tỉnh", "Sở Tài chính"]


@pytest.mark.parametrize("text, expected", [
    # Party bodies as agencies; the name ends before the verb
    ("Đảng đoàn Hội đồng nhân dân tỉnh xác định các nhiệm vụ trọng tâm sau:",
     ["Đảng đoàn Hội đồng nhân dân tỉnh"]),
    ("Ban cán sự đảng Ủy ban nhân dân tỉnh góp ý dự thảo quy chế",
     ["Ban cán sự đảng Ủy ban nhân dân tỉnh"]),
])
def test_party_bodies(text, expected):
    assert parse_agency_sequence(text)[0] == expected


@pytest.mark.parametrize("text, expected", [
    # a ministry's department or institute whose name runs over a comma
    ("Vụ trưởng Vụ Khoa học, Công nghệ và Môi trường, Viện trưởng Viện Kinh tế, Quy hoạch và Phát "
     "triển và Thủ trưởng các đơn vị liên quan chịu trách nhiệm thi hành Quyết định này.",
     ["Vụ Khoa học, Công nghệ và Môi trường", "Viện Kinh tế, Quy hoạch và Phát triển",
      "Các đơn vị liên quan"]),
    # a name's field of work is not a predicate ("xây dựng" of construction materials)
    ("Vụ trưởng Vụ Vật liệu xây dựng, Chánh Thanh tra Bộ chịu trách nhiệm thi hành",
     ["Vụ Vật liệu xây dựng", "Thanh tra Bộ"]),
    # a body described by the sectors it manages: "ngành, lĩnh vực" is one noun pair
    ("Sở quản lý ngành, lĩnh vực lập danh sách các tổ chức kê khai giá",
     ["Sở quản lý ngành, lĩnh vực"]),
    ("Các cơ quan chuyên môn quản lý ngành, lĩnh vực cấp tỉnh và Ủy ban nhân dân các xã, thị trấn "
     "cập nhật dữ liệu giá",
     ["Các cơ quan chuyên môn quản lý ngành, lĩnh vực cấp tỉnh", "Ủy ban nhân dân các xã, thị trấn"]),
    # an open economic zone's management board is named by its place after "mở"
    ("Trưởng ban Ban Quản lý Khu kinh tế mở Nam Phú Yên và các tổ chức, cá nhân có liên quan "
     "chịu trách nhiệm thi hành",
     ["Ban Quản lý Khu kinh tế mở Nam Phú Yên", "Các tổ chức, cá nhân có liên quan"]),
])
def test_names_with_commas_and_verb_like_words(text, expected):
    assert parse_agency_sequence(text)[0] == expected


@pytest.mark.parametrize("text, expected", [
    # state groups and corporations as members of one group phrase
    ("Đề nghị các bộ, ngành, các tập đoàn, tổng công ty nhà nước rà soát kế hoạch đầu tư",
     ["Các bộ, ngành", "Các tập đoàn, tổng công ty nhà nước"]),
    # two leaders' titles of the same bodies, named once after the last title
    ("Chủ tịch Hội đồng quản trị, Tổng Giám đốc các tập đoàn kinh tế, tổng công ty nhà nước "
     "chịu trách nhiệm thi hành Quyết định này.",
     ["Các tập đoàn kinh tế, tổng công ty nhà nước"]),
    # a named group is an agency of its own
    ("Tập đoàn Bưu chính Viễn thông Việt Nam phối hợp với Sở Khoa học và Công nghệ",
     ["Tập đoàn Bưu chính Viễn thông Việt Nam"]),
])
def test_state_groups_and_corporations(text, expected):
    found = parse_assignment(text).lead
    assert found == expected, found


@pytest.mark.parametrize("text, expected", [
    # a body's number before its level, a counted group of units, units of another level in a
    # colon list
    ("Ban Chỉ đạo 389 tỉnh chủ trì", ["Ban Chỉ đạo 389 tỉnh"]),
    ("UBND 05 xã, phường có tên tại Điều 1 thực hiện", ["Ủy ban nhân dân 05 xã, phường có tên tại Điều 1"]),
    ("UBND các huyện: Mỹ Lâm, thị xã Phú Hưng và thành phố Tân An thực hiện",
     ["Ủy ban nhân dân huyện Mỹ Lâm", "Ủy ban nhân dân thị xã Phú Hưng",
      "Ủy ban nhân dân thành phố Tân An"]),
])
def test_numbered_bodies_and_units_of_other_levels(text, expected):
    names, _ = parse_agency_sequence(text)
    assert names == expected


def test_old_tone_marks_only_in_whole_syllables():
    # "hoà" -> "hòa", but "Hoàng" and "toàn" keep their spelling
    assert canonical_name("Vườn quốc gia Hoàng Liên") == "Vườn quốc gia Hoàng Liên"
    assert canonical_name("UBND xã Hoà Bình") == "Ủy ban nhân dân xã Hòa Bình"


@pytest.mark.parametrize("text, expected, rest", [
    # a parenthesis that glosses an agency does not end the list ...
    ("Sở Y tế (cơ quan thường trực Ban Chỉ đạo), Sở Tài chính và các địa phương liên quan "
     "cung cấp số liệu", ["Sở Y tế", "Sở Tài chính", "Các địa phương liên quan"], "cung cấp"),
    # ... nor hides the colon after it
    ("Sở Công Thương (cơ quan đầu mối): Chủ trì kiểm tra thị trường", ["Sở Công Thương"],
     "Chủ trì"),
    # an alias followed by other words stays outside the name
    ("Ban Chỉ đạo tỉnh (Ban Chỉ đạo), cấp huyện là cơ quan điều hành", ["Ban Chỉ đạo tỉnh"],
     "(Ban"),
])
def test_a_gloss_in_parentheses_after_an_agency(text, expected, rest):
    names, end = parse_agency_sequence(text)
    assert names == expected
    assert text[end:].startswith(rest), text[end:]


def test_all_of_a_group_is_the_group():
    names, end = parse_agency_sequence("Tất cả các cơ quan, đơn vị trên địa bàn tỉnh Hà Nam phải "
                                       "thực hiện chế độ trực ban")
    assert names == ["Các cơ quan, đơn vị trên địa bàn tỉnh Hà Nam"]


def test_colon_list_members_that_are_a_group_or_a_company():
    # a trailing group keeps its lower-case members; a company's name runs over its commas
    names, _ = parse_agency_sequence(
        "các Sở: Tư pháp, Nội vụ, Công ty TNHH MTV Xổ số, Dịch vụ và Du lịch Bình Minh và các cơ "
        "quan, đơn vị liên quan rà soát hồ sơ")
    assert names == ["Sở Tư pháp", "Sở Nội vụ",
                     "Công ty TNHH MTV Xổ số, Dịch vụ và Du lịch Bình Minh",
                     "Các cơ quan, đơn vị liên quan"]


def test_a_board_of_an_economic_zone_and_the_industrial_parks():
    names, _ = parse_agency_sequence("Ban quản lý KKT Nam Định Vũ và các KCN Hải Hà, Sở Xây dựng và "
                                     "các cơ quan liên quan rà soát")
    assert names == ["Ban Quản lý Khu kinh tế Nam Định Vũ và các Khu công nghiệp Hải Hà",
                     "Sở Xây dựng", "Các cơ quan liên quan"]
    # a body that is not a zone's board does not take the parks into its name
    assert parse_agency_sequence("Sở Công Thương và các khu công nghiệp rà soát")[0] \
        != ["Sở Công Thương và các khu công nghiệp"]


@pytest.mark.parametrize("text, expected", [
    # owners named by what they own are actors, also after a company in a list
    ("Công ty TNHH MTV Thủy lợi Bắc Hà, Chủ các hồ chứa thủy điện thường xuyên theo dõi mực nước",
     ["Công ty TNHH MTV Thủy lợi Bắc Hà", "Chủ các hồ chứa thủy điện"]),
    ("Các chủ rừng phối hợp với Hạt Kiểm lâm tuần tra, bảo vệ rừng", ["Các chủ rừng"]),
    ("Chủ đầu tư các dự án khẩn trương hoàn thiện hồ sơ", ["Chủ đầu tư các dự án"]),
])
def test_owners_named_by_what_they_own(text, expected):
    found = parse_assignment(text).lead
    assert found == expected, found


@pytest.mark.parametrize("text, expected", [
    ("Vườn quốc gia Cúc Phương, các Công ty Lâm nghiệp chủ động triển khai phương án bảo vệ rừng",
     ["Vườn quốc gia Cúc Phương", "Các Công ty Lâm nghiệp"]),
    ("Hạt Kiểm lâm huyện Mường Tè phối hợp với Ủy ban nhân dân các xã tuần tra rừng",
     ["Hạt Kiểm lâm huyện Mường Tè"]),
    ("Bệnh viện Đa khoa tỉnh chuẩn bị giường bệnh, thuốc và trang thiết bị", ["Bệnh viện Đa khoa tỉnh"]),
])
def test_parks_forest_rangers_and_hospitals_lead(text, expected):
    found = parse_assignment(text).lead
    assert found == expected, found


def test_a_named_force_ends_the_group_list():
    from ocop_docs.extract.agencies import split_agency_list

    assert split_agency_list("lực lượng Công an, chính quyền địa phương, các tổ chức chính trị - xã hội") \
        == ["Lực lượng Công an", "Chính quyền địa phương", "Các tổ chức chính trị - xã hội"]
    # a group of nouns of one kind alone stays one group phrase
    assert split_agency_list("các sở, ban, ngành, địa phương") == ["Các sở, ban, ngành, địa phương"]


@pytest.mark.parametrize("text, expected", [
    # a unit named by its proper name acts through its People's Committee
    ("Huyện Ba Tơ chủ động sơ tán dân", ["Ủy ban nhân dân huyện Ba Tơ"]),
    ("thành phố Hội An tăng cường kiểm tra", ["Ủy ban nhân dân thành phố Hội An"]),
    ("huyện đảo Cô Tô chuẩn bị lương thực", ["Ủy ban nhân dân huyện đảo Cô Tô"]),
    ("Phường 4, xã Tân Hòa thực hiện", ["Ủy ban nhân dân phường 4", "Ủy ban nhân dân xã Tân Hòa"]),
    # unnamed, they stay a group
    ("các huyện, thành phố chủ động rà soát", ["Các huyện, thành phố"]),
    ("huyện phối hợp Sở Y tế", ["Các huyện"]),
])
def test_a_named_unit_is_its_peoples_committee(text, expected):
    assert parse_agency_sequence(text)[0] == expected


@pytest.mark.parametrize("phrase, expected", [
    # the local government is a kind of body of its own, not one more department
    ("các sở, ngành và chính quyền địa phương", ["Các sở, ngành", "Chính quyền địa phương"]),
    ("các cơ quan chức năng, chính quyền địa phương", ["Các cơ quan chức năng", "Chính quyền địa phương"]),
    # Party committees and administrations together stay one
    ("cấp ủy, chính quyền địa phương", ["Cấp ủy, chính quyền địa phương"]),
    ("các bộ, ngành; các cấp chính quyền địa phương", ["Các bộ, ngành", "Các cấp chính quyền địa phương"]),
])
def test_local_government_is_its_own_kind(phrase, expected):
    got = split_agency_list(phrase)
    assert [g.lower().removeprefix("các ") for g in got] == \
        [e.lower().removeprefix("các ") for e in expected]


@pytest.mark.parametrize("text, expected", [
    # after "và", a group of two nouns with its own modifier is a group phrase of its own
    ("Các tổ chức chính trị - xã hội và cơ quan, tổ chức có liên quan thực hiện tuyên truyền",
     ["Các tổ chức chính trị - xã hội", "Các cơ quan, tổ chức có liên quan"]),
    ("Các sở, ngành và cơ quan, đơn vị liên quan triển khai",
     ["Các sở, ngành", "Các cơ quan, đơn vị liên quan"]),
    # the same with the comma left out between the two nouns
    ("Các đơn vị, địa phương; các tổ chức chính trị - xã hội và cơ quan tổ chức có liên quan.",
     ["Các đơn vị, địa phương", "Các tổ chức chính trị - xã hội", "Các cơ quan tổ chức có liên quan"]),
    # a heading: "tổ chức, đoàn thể" are nouns (a comma and another group noun follow)
    ("Các tổ chức chính trị - xã hội và tổ chức, đoàn thể có liên quan",
     ["Các tổ chức chính trị - xã hội", "Các tổ chức, đoàn thể có liên quan"]),
    ("Tổ chức, cá nhân có liên quan thực hiện", ["Các tổ chức, cá nhân có liên quan"]),
    # a bare member of the same kind still joins the group
    ("Các sở, ngành và địa phương triển khai", ["Các sở, ngành và địa phương"]),
])
def test_a_second_group_phrase_after_va(text, expected):
    assert parse_agency_sequence(text)[0] == expected


@pytest.mark.parametrize("text", [
    # "tổ chức" after a group noun and before its object is the predicate
    "Các cơ quan tổ chức hội nghị tổng kết",
    "tổ chức, hướng dẫn các xã thực hiện",
])
def test_organise_is_still_a_verb(text):
    assert parse_agency_sequence(text)[0] == []


@pytest.mark.parametrize("text, expected", [
    # a colon list of units ends before "và" and a body of another kind
    ("UBND các xã: Đức Trọng, Hiệp Thạnh, Đinh Văn Lâm Hà và đơn vị tư vấn lập quy hoạch, hỗ "
     "trợ cung cấp thông tin",
     ["Ủy ban nhân dân xã Đức Trọng", "Ủy ban nhân dân xã Hiệp Thạnh",
      "Ủy ban nhân dân xã Đinh Văn Lâm Hà", "Đơn vị tư vấn"]),
    # the parties of one project, named without "các", are one body each
    ("Nhà đầu tư triển khai công tác lập hồ sơ thiết kế", ["Nhà đầu tư"]),
    # ... also after a group's comma
    ("các Sở, ban ngành, chủ đầu tư kinh doanh hạ tầng kỹ thuật các khu, cụm công nghiệp trên "
     "địa bàn triển khai", ["Các Sở, ban ngành", "Chủ đầu tư kinh doanh hạ tầng kỹ thuật các khu"]),
    ("đơn vị tư vấn hoàn thiện hồ sơ", ["Đơn vị tư vấn"]),
    # written with "các", they stay a group; a bare group noun of many bodies gets "các"
    ("các đơn vị tư vấn hoàn thiện hồ sơ", ["Các đơn vị tư vấn"]),
    ("địa phương triển khai", ["Các địa phương"]),
])
def test_parties_of_a_project_and_colon_lists(text, expected):
    assert parse_agency_sequence(text)[0] == expected


@pytest.mark.parametrize("text, expected", [
    # forces and Party committees are named without "các" and kept as written
    ("lực lượng chuyên trách phòng, chống tội phạm về ma túy triển khai",
     "lực lượng chuyên trách phòng, chống tội phạm về ma túy"),
    ("cấp ủy, chính quyền địa phương khu vực biên giới, cửa khẩu và trên biển tăng cường",
     "cấp ủy, chính quyền địa phương khu vực biên giới, cửa khẩu và trên biển"),
])
def test_forces_and_committees_have_no_cac(text, expected):
    names = parse_agency_sequence(text)[0]
    assert names and not names[0].lower().startswith("các ")
    assert agency_match(expected, names[0])


@pytest.mark.parametrize("text, expected", [
    # a tone mark lost by OCR or a typist in a group noun's later word ("đoàn thê", "đơn vi")
    ("Thủ trưởng các sở, ban, ngành, đoàn thê tỉnh, các đơn vị có liên quan thực hiện",
     ["Các sở, ban, ngành, đoàn thể tỉnh", "Các đơn vị có liên quan"]),
    ("Bộ Tài chính và các đơn vi liên quan tiếp tục bảo đảm thông quan",
     ["Bộ Tài chính", "Các đơn vị liên quan"]),
])
def test_group_nouns_with_a_lost_tone_mark(text, expected):
    names = parse_agency_sequence(text)[0]
    assert len(names) == len(expected) and all(agency_match(e, n) for e, n in zip(expected, names))


@pytest.mark.parametrize("text, expected", [
    # "tham gia vào ..." is the predicate; "tham gia" alone still qualifies the units
    ("các Bộ, ngành liên quan tham gia vào quá trình kiểm kê quốc gia khí nhà kính",
     ["Các Bộ, ngành liên quan"]),
    ("các đơn vị tham gia Chương trình OCOP hoàn thiện hồ sơ",
     ["Các đơn vị tham gia Chương trình OCOP"]),
])
def test_taking_part_in_is_a_predicate(text, expected):
    assert parse_agency_sequence(text)[0] == expected


@pytest.mark.parametrize("text, expected", [
    # a unit named by how it was appointed ("được lựa chọn", "được chỉ định") keeps the clause
    ("Sở Nông nghiệp và Môi trường, đơn vị được lựa chọn quan trắc môi trường thực hiện lấy mẫu",
     ["Sở Nông nghiệp và Môi trường", "Các đơn vị được lựa chọn quan trắc môi trường"]),
    ("các tổ chức được chỉ định báo cáo kết quả thử nghiệm", ["Các tổ chức được chỉ định"]),
])
def test_units_named_by_their_appointment(text, expected):
    assert parse_agency_sequence(text)[0] == expected


@pytest.mark.parametrize("text, expected", [
    # all levels and sectors as one group; "các cấp" after a name still qualifies it
    ("Các cấp, ngành chủ động xây dựng kế hoạch thanh tra", ["Các cấp, ngành"]),
    ("Hội Cựu chiến binh các cấp tuyên truyền", ["Hội Cựu chiến binh các cấp"]),
])
def test_levels_and_sectors(text, expected):
    assert parse_agency_sequence(text)[0] == expected


def test_provide_is_no_body():
    assert parse_assignment("Phối hợp cung cấp số liệu phục vụ xây dựng kế hoạch").support == []


@pytest.mark.parametrize("text, expected", [
    # own corpus 403 (a province that writes "Tỉnh" with a capital): the group was cut in two
    # at the capital ("Các sở, ban" + "Các ngành Tỉnh")
    ("Trên cơ sở Kế hoạch này, các sở, ban, ngành Tỉnh tổ chức thực hiện nhiệm vụ được giao.",
     ["Các sở, ban, ngành tỉnh"]),
    ("Ủy ban nhân dân Tỉnh chỉ đạo các địa phương triển khai.", ["Ủy ban nhân dân tỉnh"]),
    ("Công an Tỉnh, Sở Y tế kiểm tra các cơ sở.", ["Công an tỉnh", "Sở Y tế"]),
    # a place's name, or a body named with the level, keeps its capital
    ("Ủy ban nhân dân Tỉnh Hòa Bình chỉ đạo các địa phương.", ["Ủy ban nhân dân tỉnh Hòa Bình"]),
    ("Ban Thường vụ Tỉnh ủy chỉ đạo các cấp ủy.", ["Ban Thường vụ Tỉnh ủy"]),
])
def test_a_level_capitalised_out_of_respect_is_no_name(text, expected):
    found = parse_assignment(text).lead
    assert [n.lower() for n in found] == [n.lower() for n in expected], found
    assert not any("Tỉnh" in n and "Hòa Bình" not in n and "ủy" not in n for n in found)


@pytest.mark.parametrize("text, expected", [
    # own corpus 107: the level "Trung ương", capitalised as it is always written, is no new
    # name; the group was cut into "Các Bộ" + "Cơ quan Trung ương"
    ("Giao các Bộ, cơ quan Trung ương và địa phương xây dựng và tổ chức triển khai các nhiệm vụ.",
     ["Các Bộ, cơ quan Trung ương và địa phương"]),
    ("Các bộ, ngành Trung ương phối hợp với Ủy ban nhân dân các tỉnh hướng dẫn thực hiện.",
     ["Các bộ, ngành Trung ương"]),
    # a body's own name after the comma is still a new agency
    ("Các sở, Ban Chỉ đạo phòng chống thiên tai tỉnh xây dựng kế hoạch.",
     ["Các sở", "Ban Chỉ đạo phòng chống thiên tai tỉnh"]),
])
def test_a_capitalised_level_inside_a_group_keeps_the_group(text, expected):
    found = parse_assignment(text).lead
    assert [n.lower() for n in found] == [n.lower() for n in expected], found


@pytest.mark.parametrize("text, lead, support", [
    # own corpus 308 (a province's decision): the field a managing body manages is part of its
    # name; it was cut at "về"
    ("Chủ trì, phối hợp với các sở quản lý nhà nước chuyên ngành về hạ tầng và các cơ quan, đơn "
     "vị có liên quan rà soát, cập nhật hồ sơ tài sản.",
     [], ["Các sở quản lý nhà nước chuyên ngành về hạ tầng", "Các cơ quan, đơn vị có liên quan"]),
    ("Các cơ quan quản lý nhà nước về đất đai tổ chức kiểm tra việc sử dụng đất.",
     ["Các cơ quan quản lý nhà nước về đất đai"], []),
    # the field ends at the action; "về" after a named body is no field of its name
    ("Phối hợp với cơ quan quản lý nhà nước về đầu tư thẩm định hồ sơ dự án.",
     [], ["Cơ quan quản lý nhà nước về đầu tư"]),
    ("Sở Tài chính phối hợp với Sở Xây dựng về quy hoạch chung.", ["Sở Tài chính"], ["Sở Xây dựng"]),
])
def test_the_field_of_a_managing_body_is_part_of_its_name(text, lead, support):
    found = parse_assignment(text)
    assert (found.lead, found.support) == (lead, support)


@pytest.mark.parametrize("text, expected", [
    # own corpus 101 (a ministry's plan): a named body's field in lower case holds "và"; the
    # name was cut at it and the two bodies after it lost
    ("Trung tâm Truyền thông tài nguyên và môi trường, Báo Tài nguyên và Môi trường, Tạp chí Tài "
     "nguyên và Môi trường tổ chức tuyên truyền, phổ biến Kế hoạch.",
     ["Trung tâm Truyền thông tài nguyên và môi trường", "Báo Tài nguyên và Môi trường",
      "Tạp chí Tài nguyên và Môi trường"]),
    # "và" then a group, a force or a party: another agency, or none
    ("Trung tâm Y tế huyện và các xã tổ chức tiêm chủng.", ["Trung tâm Y tế huyện", "Các xã"]),
    ("Công an tỉnh và chính quyền địa phương tăng cường kiểm tra.",
     ["Công an tỉnh", "Chính quyền địa phương"]),
    ("Ban Quản lý dự án và nhà thầu khẩn trương thi công.", ["Ban Quản lý dự án"]),
])
def test_a_lower_case_field_with_and_inside_a_name(text, expected):
    assert parse_agency_sequence(text)[0] == expected


@pytest.mark.parametrize("text, lead, support", [
    # own corpus 411 (Ho Chi Minh City's letter): a verb written with a capital after the level
    # ended no name ("Công an Thành phố Chỉ đạo Công an các phường")
    ("Giao Công an Thành phố Chỉ đạo Công an các phường, xã, đặc khu hướng dẫn việc rà soát.",
     ["Công an Thành phố"], []),
    # 411: partners joined by "cùng" at the end of the list, and a list that has ended before
    # its verb "tổ chức" (also a group noun)
    ("Giao Sở Xây dựng chủ trì, phối hợp với Trung tâm Chuyển đổi số Thành phố, Công an Thành "
     "phố, Ủy ban nhân dân các phường, xã, đặc khu cùng các đơn vị có liên quan, tổ chức khảo "
     "sát, đánh giá hiện trạng sử dụng phần mềm.",
     ["Sở Xây dựng"], ["Trung tâm Chuyển đổi số Thành phố", "Công an Thành phố",
                       "Ủy ban nhân dân các phường, xã, đặc khu", "Các đơn vị có liên quan"]),
    # a body named with the level keeps its capitalised name words
    ("Ban Chỉ đạo tỉnh chỉ đạo các huyện triển khai.", ["Ban Chỉ đạo tỉnh"], []),
    ("Các cơ quan liên quan, tổ chức, cá nhân thực hiện nghiêm quy định.",
     ["Các cơ quan liên quan, tổ chức, cá nhân"], []),
])
def test_where_a_list_of_agencies_ends(text, lead, support):
    found = parse_assignment(text)
    assert (found.lead, found.support) == (lead, support)


@pytest.mark.parametrize("text, expected", [
    # own corpus 410 (Cần Thơ's plan): a collective written without "các" was cut into the bare
    # type word "Sở" and "Các ban, ngành ..."
    ("Sở, ban, ngành thành phố căn cứ chức năng, nhiệm vụ tổ chức triển khai Kế hoạch.",
     ["Các sở, ban, ngành thành phố"]),
    ("Bộ, ngành liên quan chủ động phối hợp thực hiện.", ["Các bộ, ngành liên quan"]),
    # own corpus 412 (Hà Nội's education department): schools are members of the group
    ("Các đơn vị, trường học chủ động tạm dừng hoặc điều chỉnh thời gian học tập.",
     ["Các đơn vị, trường học"]),
    # named bodies stay apart
    ("Sở Y tế, Sở Tài chính thực hiện.", ["Sở Y tế", "Sở Tài chính"]),
])
def test_collectives_without_cac_and_schools_in_a_group(text, expected):
    assert parse_assignment(text).lead == expected


def test_aquaculture_abbreviation_is_expanded():
    # own corpus 409 (Đắk Lắk's plan): "NTTS" = nuôi trồng thủy sản
    assert parse_assignment("Chủ cơ sở phối hợp chặt chẽ với các cơ quan quản lý NTTS trong quan "
                            "trắc, giám sát môi trường.").support == [
        "Các cơ quan quản lý nuôi trồng thủy sản"]


def test_a_managing_body_with_no_field_after_ve_ends_its_name():
    # "về" after "quản lý nhà nước" with no field word after it: the name ends there (the field
    # reader returned to the same word over and over before)
    import subprocess
    import sys

    code = ("from ocop_docs.extract.agencies import parse_agency_sequence as p\n"
            "print(p('Các cơ quan quản lý nhà nước về thực hiện kiểm tra.')[0])\n"
            "print(p('Các cơ quan quản lý nhà nước về.')[0])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.stdout.splitlines() == ["['Các cơ quan quản lý nhà nước']"] * 2, out.stderr
