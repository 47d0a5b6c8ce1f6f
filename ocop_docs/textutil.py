"""Small text helpers shared by the extractors."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    if c in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", c)[0].lower()
    return base if len(base) == 1 else c


def fold(text: str) -> str:
    """Lower-case and strip tone marks and diacritics, keeping the length (offsets stay valid):
    "Chủ trì" → "chu tri", "Đồng Nai" → "dong nai"."""
    return "".join(_fold_char(c) for c in text)


def squash(text: str) -> str:
    """Collapse runs of white space into one space and strip."""
    return re.sub(r"\s+", " ", text).strip()


def cue_pattern(cues: list[str]) -> re.Pattern:
    """A regex over folded text matching any of the cue phrases as whole words, longest first."""
    folded = sorted({fold(c) for c in cues}, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(map(re.escape, c.split())) for c in folded)
    return re.compile(rf"(?<![\w])(?:{alternatives})(?![\w])")
