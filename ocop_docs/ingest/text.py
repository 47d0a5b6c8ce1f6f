"""Plain text (.txt, .md): UTF-8 (BOM or not), UTF-16 (BOM), and the legacy Vietnamese
encodings TCVN3, VNI and Windows-1258, chosen by how Vietnamese the decoded text looks."""
from __future__ import annotations

import codecs

from .language import score_text
from .legacy import LEGACY_ENCODINGS, decode_legacy
from ocop_docs.messages import msg

from .types import IngestError, Page, ReadResult, Reader, Source

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
         (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


def looks_like_text(head: bytes) -> bool:
    """No NUL bytes (unless UTF-16/32 with a BOM) and few control characters."""
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return True
    if not head or b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(head) < 0.01


UTF8_MIN_SHARE = 10   # valid multi-byte UTF-8 characters for each invalid byte sequence


def utf8_damage(raw: bytes) -> tuple[str, int, int]:
    """Decode as UTF-8 with replacement: (text, valid non-ASCII characters, invalid byte
    sequences replaced by U+FFFD)."""
    text = raw.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd") - raw.count(b"\xef\xbf\xbd")   # less U+FFFD in the file itself
    valid = sum(1 for c in text if c > "\x7f") - invalid
    return text, valid, invalid


def decode_text(raw: bytes) -> tuple[str, str]:
    """Decode bytes to text; return (text, encoding name)."""
    text, encoding, _ = decode_text_counted(raw)
    return text, encoding


def decode_text_counted(raw: bytes) -> tuple[str, str, int]:
    """Decode bytes to text; return (text, encoding name, invalid UTF-8 sequences replaced).

    Valid UTF-8 is UTF-8. Text that is overwhelmingly UTF-8 (at least UTF8_MIN_SHARE valid
    multi-byte characters for each invalid sequence: a stray byte, a character cut in two) is
    decoded as UTF-8 with the damage replaced: legacy single-byte Vietnamese text is practically
    never valid UTF-8 beyond ASCII (the seeds written in TCVN3, VNI and Windows-1258 have about
    one valid sequence for a thousand invalid ones). Otherwise the legacy encodings are scored
    on a sample and the one that reads most like Vietnamese wins."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return raw.decode(name, errors="replace").lstrip("\ufeff"), name, 0
    try:
        text = raw.decode("utf-8")
        return text, ("ascii" if text.isascii() else "utf-8"), 0
    except UnicodeDecodeError:
        pass
    text, valid, invalid = utf8_damage(raw)
    if valid >= UTF8_MIN_SHARE * invalid:
        return text, "utf-8", invalid
    # the encodings are scored on a sample: a few pages tell them apart as well as a book
    sample = raw[:_SAMPLE_BYTES]
    candidates: list[tuple[float, int, str]] = []
    for rank, name in enumerate(LEGACY_ENCODINGS):
        candidates.append((score_text(decode_legacy(sample, name)).value, -rank, name))
    _, _, name = max(candidates)
    return decode_legacy(raw, name), name, 0


_SAMPLE_BYTES = 6_000


class TextReader(Reader):
    name = "txt"

    def applies(self, source: Source) -> bool:
        return looks_like_text(source.head)

    def read(self, source: Source) -> ReadResult:
        text, encoding, invalid = decode_text_counted(source.read_bytes())
        if not text.strip():
            raise IngestError(source.path, msg("ingest.only_whitespace"))
        warnings = [] if encoding in ("utf-8", "utf-8-sig", "ascii", "utf-16", "utf-32") \
            else [msg("ingest.legacy_encoding", encoding=msg(f"encodings.{encoding}"))]
        if invalid:
            warnings.append(msg("ingest.utf8_damaged", count=invalid))
        return ReadResult([Page(number=1, text=text, method="text")], warnings, encoding)
