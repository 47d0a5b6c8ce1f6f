"""Calendar dates written in Vietnamese documents.

    parse_date("ngày 07 tháng 5 năm 2018")  -> date(2018, 5, 7)
    parse_date("20/9/2018")                  -> date(2018, 9, 20)
    parse_date("ngày   tháng 5 năm 2020")    -> None   (an unfilled draft date)
    find_dates(text)                         -> [(start, end, date), ...]

Matching runs on a *folded* copy of the text (lower case, diacritics stripped, "đ" → "d") that
has exactly the length of the original, so offsets found on it are offsets in the original and
OCR output without accents matches as well. The helpers `fold` and `fold_pattern` are shared by
the deadline and header parsers.
"""
from __future__ import annotations

import datetime
import re
import unicodedata
from functools import lru_cache

from ocop_docs.resources import load_yaml

# ---------------------------------------------------------------- folding
#
# Text is matched in lower case with its tone marks moved to the modern place ("hoà" → "hòa",
# "uỷ" → "ủy"), one output character per input character. Patterns are written with diacritics;
# `fold_regex` turns each accented letter into a class that also accepts the bare letter, so
# "mỗi" matches "mỗi" and an OCR "moi" but never "mới".

_TONED_VOWEL = {}
for _base, _row in {"a": "àáảãạ", "e": "èéẻẽẹ", "y": "ỳýỷỹỵ"}.items():
    for _i, _c in enumerate(_row):
        _TONED_VOWEL[_c] = _i
_TONE_ON = {"o": "òóỏõọ", "u": "ùúủũụ"}
_OLD_TONE = re.compile(r"(?<![q])([ou])([àáảãạèéẻẽẹỳýỷỹỵ])(?![a-zà-ỹđ])")


def _modern_tone(m: re.Match) -> str:
    vowel, toned = m.group(1), m.group(2)
    if (vowel, unicodedata.normalize("NFD", toned)[0]) not in {("o", "a"), ("o", "e"), ("u", "y")}:
        return m.group(0)
    return _TONE_ON[vowel][_TONED_VOWEL[toned]] + unicodedata.normalize("NFD", toned)[0]


def fold(text: str) -> str:
    """Lower-case with modern tone placement, one output character per input character.

    The input should be NFC (what the ingest step produces); offsets in the result are offsets in
    the input."""
    return _OLD_TONE.sub(_modern_tone, text.translate(_LOWER_TABLE))


class _LowerTable(dict):
    """str.translate table: lower case where it keeps one character ("İ" stays)."""

    def __missing__(self, code: int) -> str:
        c = chr(code)
        low = c.lower()
        self[code] = low if len(low) == 1 else c
        return self[code]


_LOWER_TABLE = _LowerTable()


@lru_cache(maxsize=4096)
def _base_char(ch: str) -> str:
    if ch == "đ":
        return "d"
    return unicodedata.normalize("NFD", ch)[0]


def fold_regex(pattern: str) -> str:
    """A regular expression written with diacritics, for folded text: lower case, and every
    accented letter also accepts its bare letter (OCR without accents). Regex syntax such as
    "(?P<name>" and escapes such as "\\S" are kept as written."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if pattern.startswith("(?P", i):
            out.append("(?P")
            i += 3
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        low = fold(ch)
        base = _base_char(low) if low.isalpha() else low
        if base != low:
            out.append(low + base if in_class else f"[{low}{base}]")
        else:
            out.append(low)
        i += 1
    return "".join(out)


@lru_cache(maxsize=None)
def fold_pattern(pattern: str) -> re.Pattern:
    """Compile a regular expression written with diacritics for matching on folded text."""
    return re.compile(fold_regex(pattern))


# ---------------------------------------------------------------- date grammar

# Optional emphasis marks that converted documents leave around numbers (**16**, ~~5077~~).
_MARK = r"[*_~]*"
_SEP = r"\s*[/.\-–]\s*"
_DAY = rf"{_MARK}(?P<d>\d{{1,2}}){_MARK}"
_MONTH = rf"{_MARK}(?P<m>\d{{1,2}}){_MARK}"
_YEAR = rf"{_MARK}(?P<y>(?:19|20)\d\d){_MARK}"

# "07/5/2018", "7-5-2018", "07.5.2018" (a year is required here; see _NUMERIC_SHORT).
_NUMERIC = re.compile(rf"(?<![\d/.\-])(?:{fold_regex('ngày')}\s*)?{_DAY}{_SEP}{_MONTH}{_SEP}{_YEAR}(?![\d/])")
# "ngày 07 tháng 5 năm 2018"; the day and month may be blank in a draft ("ngày   tháng 5 ...").
_WORDS = re.compile(
    rf"{fold_regex('ngày')}\s*{_MARK}(?P<d>\d{{1,2}})?{_MARK}\s*{fold_regex('tháng')}\s*{_MARK}"
    rf"(?P<m>\d{{1,2}})?{_MARK}\s*(?:{fold_regex('năm')}\s*{_YEAR})?")
# "15/12" with no year: only with a default year.
_NUMERIC_SHORT = re.compile(rf"(?<![\d/.\-])(?:{fold_regex('ngày')}\s*)?{_DAY}\s*/\s*{_MONTH}(?![\d/])(?!\s*[/.\-]\s*\d)")


def _make(day, month, year) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month), int(day))
    except (TypeError, ValueError):
        return None


def _iter_dates(text: str, default_year: int | None, folded: str | None = None):
    """(start, end, date or None, complete) for each date expression, in text order. A blank
    draft date yields date None."""
    folded = fold(text) if folded is None else folded
    taken: list[tuple[int, int]] = []
    found = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for m in _WORDS.finditer(folded):
        if not (m.group("d") or m.group("m") or m.group("y")):
            continue
        year = m.group("y") or default_year
        day, month = m.group("d"), m.group("m")
        date = _make(day, month, year) if day and month and year else None
        end = m.end()
        while end > m.start() and folded[end - 1].isspace():
            end -= 1
        taken.append((m.start(), end))
        found.append((m.start(), end, date))
    for m in _NUMERIC.finditer(folded):
        if free(m.start(), m.end()):
            date = _make(m.group("d"), m.group("m"), m.group("y"))
            if date:
                taken.append((m.start(), m.end()))
                found.append((m.start(), m.end(), date))
    if default_year is not None:
        for m in _NUMERIC_SHORT.finditer(folded):
            if free(m.start(), m.end()):
                date = _make(m.group("d"), m.group("m"), default_year)
                if date:
                    taken.append((m.start(), m.end()))
                    found.append((m.start(), m.end(), date))
    found.sort(key=lambda t: t[0])
    return found


def parse_date(text: str, default_year: int | None = None) -> datetime.date | None:
    """The first date written in `text`, or None (also for a blank draft date such as
    "ngày   tháng 5 năm 2020"). `default_year` completes "15/12" or "ngày 15 tháng 12"."""
    for _, _, date in _iter_dates(text, default_year):
        return date
    return None


def find_dates(text: str, default_year: int | None = None) -> list[tuple[int, int, datetime.date]]:
    """(start, end, date) of each complete date expression in `text`, in order."""
    return [(s, e, d) for s, e, d in _iter_dates(text, default_year) if d is not None]


# ---------------------------------------------------------------- calendar helpers

def month_end(year: int, month: int) -> datetime.date:
    if month == 12:
        return datetime.date(year, 12, 31)
    return datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)


def time_data() -> dict:
    return load_yaml("time_expressions.yaml")
