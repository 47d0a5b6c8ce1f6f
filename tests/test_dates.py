"""Dates: one line per case (expression, default year) → date, plus the fold helpers."""
from __future__ import annotations

import datetime

import pytest

from ocop_docs.extract.dates import find_dates, fold, fold_pattern, parse_date

D = datetime.date

PARSE_CASES = [
    ("ngày 07/5/2018", None, D(2018, 5, 7)),
    ("07/5/2018", None, D(2018, 5, 7)),
    ("ngày 07 tháng 5 năm 2018", None, D(2018, 5, 7)),
    ("ngày 7-5-2018", None, D(2018, 5, 7)),
    ("ngày 07.5.2018", None, D(2018, 5, 7)),
    ("20/9/2018", None, D(2018, 9, 20)),
    ("Vĩnh Cửu, ngày **16** tháng 12 năm 2019", None, D(2019, 12, 16)),   # converter bold marks
    ("Đồng Nai, ngày 11 tháng 4 năm 2025", None, D(2025, 4, 11)),
    ("ngay 16 thang 12 nam 2019", None, D(2019, 12, 16)),                  # OCR without accents
    ("NGÀY 05 THÁNG 3 NĂM 2020", None, D(2020, 3, 5)),
    ("ngày   tháng 5 năm 2020", None, None),                               # unfilled draft
    ("ngày 31/02/2020", None, None),                                       # impossible date
    ("15/12", None, None),                                                 # no year, no default
    ("15/12", 2019, D(2019, 12, 15)),
    ("ngày 15 tháng 12", 2019, D(2019, 12, 15)),
    ("số 490/QĐ-TTg", None, None),
    ("10.000 cuốn sổ tay", None, None),
    ("tháng 6/2018", 2018, None),                                          # a month, not a day
]


@pytest.mark.parametrize("text,year,expected", PARSE_CASES)
def test_parse_date(text, year, expected):
    assert parse_date(text, default_year=year) == expected


def test_find_dates_offsets_point_into_the_text():
    text = "Căn cứ Quyết định số 1048/QĐ-TTg ngày 21/8/2019 và Kế hoạch ngày 23 tháng 9 năm 2019."
    found = find_dates(text)
    assert [d for _, _, d in found] == [D(2019, 8, 21), D(2019, 9, 23)]
    assert [text[s:e] for s, e, _ in found] == ["ngày 21/8/2019", "ngày 23 tháng 9 năm 2019"]


def test_find_dates_skips_blank_draft_dates():
    assert find_dates("Tam Nông, ngày    tháng 5 năm 2020") == []


def test_fold_keeps_length_and_modernises_tone_marks():
    for text in ("Hoà Bình", "UỶ BAN NHÂN DÂN", "Thuỷ lợi", "quý IV"):
        assert len(fold(text)) == len(text)
    assert fold("Hoà Bình UỶ BAN") == "hòa bình ủy ban"
    assert fold("quý") == "quý"                     # "qu" + tone stays


@pytest.mark.parametrize("pattern,text,hit", [
    ("mỗi năm", "mỗi năm", True),
    ("mỗi năm", "moi nam", True),                   # text without accents
    ("mỗi năm", "mới năm", False),                  # another word, not an accent loss
    ("hằng năm", "HẰNG NĂM", True),
    ("(?P<x>Quý)\\s*IV", "quý iv", True),            # patterns are folded too; group names kept
])
def test_fold_pattern(pattern, text, hit):
    assert bool(fold_pattern(pattern).search(fold(text))) is hit
