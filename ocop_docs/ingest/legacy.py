"""Legacy Vietnamese encodings still found in old office files: TCVN3 (ABC, .VnTime fonts), VNI
(VNI-Times fonts) and Windows-1258 (base letters with combining tone marks).

The byte tables are data in `models/legacy_encodings/`; the encoders, built from the same
tables, exist for tests and for producing fixtures.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ocop_docs.resources import load_tsv

LEGACY_ENCODINGS = ("tcvn3", "vni", "cp1258")
_TONES = "\u0300\u0301\u0303\u0309\u0323"


@lru_cache(maxsize=None)
def _table(name: str) -> dict[bytes, str]:
    rows = load_tsv(f"legacy_encodings/{name}.tsv")
    return {bytes(int(h, 16) for h in row["bytes"].split()): row["unicode"] for row in rows}


@lru_cache(maxsize=None)
def _decoder(name: str) -> tuple[re.Pattern[bytes], dict[bytes, str]]:
    table = _table(name)
    keys = sorted(table, key=len, reverse=True)
    return re.compile(b"|".join(re.escape(k) for k in keys)), table


def decode_legacy(raw: bytes, encoding: str) -> str:
    """Decode bytes written in `encoding` (one of LEGACY_ENCODINGS) to NFC Unicode."""
    if encoding == "cp1258":
        return unicodedata.normalize("NFC", raw.decode("cp1258", errors="replace"))
    pattern, table = _decoder(encoding)
    out: list[str] = []
    pos = 0
    for m in pattern.finditer(raw):
        out.append(raw[pos:m.start()].decode("cp1252", errors="replace"))
        out.append(table[m.group()])
        pos = m.end()
    out.append(raw[pos:].decode("cp1252", errors="replace"))
    text = "".join(out)
    if encoding == "tcvn3":
        text = restore_capitals(text)
    return text


def repair_mojibake(text: str, encoding: str) -> str:
    """Convert text that was read as Windows-1252 although it is TCVN3/VNI (e.g. runs in a
    .VnTime font inside a .docx) back to proper Unicode."""
    try:
        raw = text.encode("cp1252")
    except UnicodeEncodeError:
        raw = text.encode("latin-1", errors="replace")
    return decode_legacy(raw, encoding)


_WORD = re.compile(r"[^\W\d_]+")
_BOTH_CASES = set("ăâêôơưđĂÂÊÔƠƯĐ")


def restore_capitals(text: str) -> str:
    """TCVN3 has no codes for capitals with tone marks (the .VnTimeH font draws the lower-case
    codes as capitals). A word whose ASCII letters are capitals is written in capitals when it has
    two or more of them, or when it has one and a neighbouring word on the line is in capitals."""
    out_lines = []
    for line in text.split("\n"):
        words = list(_WORD.finditer(line))

        def status(word: str) -> str:
            # letters TCVN3 can write in both cases tell the case of the word
            ascii_letters = [c for c in word if c.isascii() or c in _BOTH_CASES]
            if any(c.islower() for c in ascii_letters):
                return "lower"
            if len(ascii_letters) >= 2:
                return "caps"
            return "unsure"

        states = [status(m.group()) for m in words]
        pieces, pos = [], 0
        for i, m in enumerate(words):
            word = m.group()
            caps = states[i] == "caps" or (states[i] == "unsure" and (
                (i > 0 and states[i - 1] == "caps") or (i + 1 < len(words) and states[i + 1] == "caps")))
            pieces.append(line[pos:m.start()])
            pieces.append(word.upper() if caps and any(c.islower() for c in word) else word)
            pos = m.end()
        pieces.append(line[pos:])
        out_lines.append("".join(pieces))
    return "\n".join(out_lines)


@lru_cache(maxsize=None)
def _encoder(name: str) -> dict[str, bytes]:
    return {u: b for b, u in _table(name).items()}


def encode_legacy(text: str, encoding: str) -> bytes:
    """Encode Unicode text into `encoding` (the inverse of decode_legacy, for fixtures and tests).
    TCVN3 writes capitals with tone marks as their lower-case codes, as the .VnTimeH font does."""
    text = unicodedata.normalize("NFC", text)
    if encoding == "cp1258":
        out = bytearray()
        for ch in text:
            try:
                out += ch.encode("cp1258")
                continue
            except UnicodeEncodeError:
                pass
            decomposed = unicodedata.normalize("NFD", ch)
            tones = "".join(c for c in decomposed if c in _TONES)
            base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
            out += base.encode("cp1258", errors="replace") + tones.encode("cp1258", errors="replace")
        return bytes(out)
    table = _encoder(encoding)
    out = bytearray()
    for ch in text:
        if ch in table:
            out += table[ch]
        elif encoding == "tcvn3" and ch.lower() in table:
            out += table[ch.lower()]
        else:
            out += ch.encode("cp1252", errors="replace")
    return bytes(out)
