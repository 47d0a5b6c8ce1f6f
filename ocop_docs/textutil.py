"""Small text helpers shared by the extractors."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    if c in "đĐðÐ":       # Ð (U+00D0) is OCR's and old fonts' Đ
        return "d"
    base = unicodedata.normalize("NFD", c)[0].lower()
    return base if len(base) == 1 else c


class _FoldTable(dict):
    """str.translate table filled on first use of each character."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lower-case and strip tone marks and diacritics, keeping the length (offsets stay valid):
    "Chủ trì" → "chu tri", "Đồng Nai" → "dong nai", OCR's "QÐ" → "qd"."""
    return text.translate(_FOLD_TABLE)


def in_capitals(text: str, min_letters: int = 4, share: float = 0.8) -> bool:
    """Whether text is written in capitals: at least `min_letters` letters, `share` of them
    upper case ("B. NỘI DUNG", "QUY ĐỊNH CỤ THỂ")."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= min_letters and sum(c.isupper() for c in letters) >= share * len(letters)


def squash(text: str) -> str:
    """Collapse runs of white space into one space and strip."""
    return re.sub(r"\s+", " ", text).strip()


class CueSet:
    """Cue phrases matched as whole words on folded text (tone-insensitive, so OCR's "chù trì"
    matches "chủ trì"). A one-word cue must keep its tone marks ("giao" must not match "giáo"),
    since single syllables that differ only in tone are different words."""

    def __init__(self, cues: list[str]):
        folded = sorted({fold(c) for c in cues}, key=len, reverse=True)
        alternatives = "|".join(r"\s+".join(map(re.escape, c.split())) for c in folded)
        self.pattern = re.compile(rf"(?<![\w])(?:{alternatives})(?![\w])")
        self.exact = {fold(c): {c.lower() for c in cues if fold(c) == fold(c2)}
                      for c2 in cues if len(c2.split()) == 1 for c in [c2]}

    def _ok(self, m: re.Match, text: str) -> bool:
        allowed = self.exact.get(m.group(0))
        return allowed is None or text[m.start():m.end()].lower() in allowed

    def match(self, text: str, folded: str | None = None) -> re.Match | None:
        folded = fold(text) if folded is None else folded
        m = self.pattern.match(folded)
        return m if m and self._ok(m, text) else None

    def fullmatch(self, text: str, folded: str | None = None) -> re.Match | None:
        folded = fold(text) if folded is None else folded
        m = self.pattern.fullmatch(folded)
        return m if m and self._ok(m, text) else None

    def search(self, text: str, folded: str | None = None) -> re.Match | None:
        return next(self.finditer(text, folded), None)

    def finditer(self, text: str, folded: str | None = None):
        folded = fold(text) if folded is None else folded
        for m in self.pattern.finditer(folded):
            if self._ok(m, text):
                yield m


def cue_pattern(cues: list[str]) -> CueSet:
    """Cue phrases as a CueSet (see there)."""
    return CueSet(cues)
