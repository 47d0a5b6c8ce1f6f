"""Text keys used for identity: folded names, citation-number keys, the task-graph data file.

Everything that decides whether two spellings are "the same" goes through this module, so the
rules live in one place. Abbreviations are expanded and document numbers keyed exactly as the
extractor does (ocop_docs.extract.agencies / citations), so a name or number found in a text
and one typed by a coordinator meet on the same key.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ocop_docs.extract.agencies import expand_abbreviations
from ocop_docs.extract.citations import number_key
from ocop_docs.resources import load_yaml

__all__ = ["data", "expand_abbreviations", "fold", "name_key", "number_key", "number_pattern"]

DATA_FILE = "task_graph.yaml"


@lru_cache(maxsize=1)
def data() -> dict:
    return load_yaml(DATA_FILE)


def fold(text: str) -> str:
    """Lower case, no diacritics, đ -> d, punctuation to spaces, single spaces."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower()
    text = re.sub(r"[^0-9a-z]+", " ", text)
    return text.strip()


def search_key(*parts: str | None) -> str:
    """What full-text search looks in: the parts folded (no diacritics, đ -> d, lower case),
    so "ke hoach trien khai" finds "Kế hoạch triển khai" on every back end."""
    return fold(" ".join(p for p in parts if p))


def document_search_key(doc_type, number, subject, issuer) -> str:
    return search_key(doc_type, number, subject, issuer)


def name_key(name: str) -> str:
    """Identity key of an agency name as written: expanded, folded, without và/với/của."""
    words = fold(expand_abbreviations(name)).split()
    return " ".join(w for w in words if w not in ("va", "voi", "cua"))


def number_pattern(number: str) -> re.Pattern:
    """A regex that finds a document number in text however it is spaced or decorated."""
    tokens = [t for t in re.split(r"[\s/\-–]+", number) if t]
    sep = r"[\s/\-–~*_.]*"
    return re.compile(r"(?<![0-9])" + sep.join(re.escape(t) for t in tokens), re.IGNORECASE)


_LINE_END = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_TRAILING = re.compile(r"[ \t\u00a0]+\n")


def identity_text(text: str) -> str:
    """The text a file's identity is computed on: Unicode NFC, case-folded (TCVN3 has no
    capitals with tone marks), no BOM or NUL, \\n line endings, no trailing spaces, no blank
    lines at either end. Two files whose decoded text differs only in such bytes (CRLF, a
    BOM, TCVN3 vs Unicode) are the same document."""
    text = unicodedata.normalize("NFC", text.replace("\ufeff", "").replace("\x00", ""))
    text = text.casefold()
    text = _TRAILING.sub("\n", _LINE_END.sub("\n", text) + "\n")
    return text.strip("\n")


def text_identity(text: str | None) -> str | None:
    """sha256 of `identity_text(text)`, or None for a text too short to stand for a
    document (an empty OCR result must not make two different scans one file)."""
    import hashlib

    if not text:
        return None
    norm = identity_text(text)
    if len("".join(norm.split())) < 20:
        return None
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()
