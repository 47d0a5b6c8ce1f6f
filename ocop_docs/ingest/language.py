"""How Vietnamese a text looks: valid-syllable share and diacritic share.

Used to pick the legacy encoding that decodes a file best, to reject text with no Vietnamese in
it, and (in `ocop_docs.normalize`) to tell OCR debris from words. Syllable structure comes from
`models/vietnamese_syllables.yaml`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ocop_docs.resources import load_yaml

WORD_RE = re.compile(r"[^\W\d_]+")
# letters that only Vietnamese (among Latin-script languages we meet) writes
VIETNAMESE_LETTERS = set("ăâêôơưđ")


@lru_cache(maxsize=1)
def _syllable_re() -> re.Pattern[str]:
    data = load_yaml("vietnamese_syllables.yaml")

    def alt(items):
        return "|".join(sorted((re.escape(i) for i in items), key=len, reverse=True))

    return re.compile(f"(?:{alt(data['onsets'])})?(?:{alt(data['nuclei'])})(?:{alt(data['finals'])})?")


@lru_cache(maxsize=1)
def _tone_marks() -> frozenset[str]:
    return frozenset(load_yaml("vietnamese_syllables.yaml")["tone_marks"])


def strip_tone(word: str) -> tuple[str, int]:
    """The word without tone marks (vowel qualities kept, NFC) and the number of tone marks."""
    tones = _tone_marks()
    decomposed = unicodedata.normalize("NFD", word)
    n = sum(1 for c in decomposed if c in tones)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones)), n


@lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """True when `word` is spelled like one Vietnamese syllable (any case, at most one tone)."""
    base, tones = strip_tone(word.lower())
    if tones > 1 or not base:
        return False
    return _syllable_re().fullmatch(base) is not None


def has_vietnamese_marks(word: str) -> bool:
    """True when the word carries a tone mark or one of the letters ă â ê ô ơ ư đ."""
    lower = word.lower()
    if any(c in VIETNAMESE_LETTERS for c in lower):
        return True
    return strip_tone(lower)[1] > 0


@dataclass(frozen=True)
class VietnameseScore:
    words: int              # alphabetic tokens looked at
    syllable_share: float   # share of tokens spelled as Vietnamese syllables
    marked_share: float     # share of tokens with Vietnamese diacritics
    odd_share: float        # share of characters that are neither ASCII nor Vietnamese letters

    @property
    def value(self) -> float:
        """One number to compare decodings of the same bytes: higher is more Vietnamese."""
        return self.syllable_share + 0.5 * self.marked_share - 2.0 * self.odd_share


_VIETNAMESE_CHARS = None


def _is_expected_char(c: str) -> bool:
    if c.isascii():
        return True
    if c in "\u00a0–—“”‘’…•·°§©®±×÷€«»":
        return True
    base = unicodedata.normalize("NFD", c)[0]
    if base.isascii() and base.isalpha():
        return all(m in _tone_marks() or m in "\u0302\u0306\u031b" for m in unicodedata.normalize("NFD", c)[1:])
    return c.lower() in VIETNAMESE_LETTERS or c in _tone_marks()


def score_text(text: str, limit: int = 20000) -> VietnameseScore:
    """Score (a prefix of) `text`."""
    sample = unicodedata.normalize("NFC", text[:limit])
    words = WORD_RE.findall(sample)
    n = len(words)
    chars = [c for c in sample if not c.isspace()]
    odd = sum(1 for c in chars if not _is_expected_char(c))
    if not n:
        return VietnameseScore(0, 0.0, 0.0, odd / len(chars) if chars else 0.0)
    syll = sum(1 for w in words if is_syllable(w))
    marked = sum(1 for w in words if has_vietnamese_marks(w))
    return VietnameseScore(n, syll / n, marked / n, odd / len(chars) if chars else 0.0)


def looks_vietnamese(score: VietnameseScore) -> bool:
    """Any Vietnamese at all: some words with Vietnamese diacritics, or mostly syllable-shaped
    words (Vietnamese typed without diacritics)."""
    if score.words == 0:
        return False
    return score.marked_share >= 0.03 or (score.syllable_share >= 0.85 and score.odd_share < 0.05)
