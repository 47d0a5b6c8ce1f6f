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


def name_key(name: str) -> str:
    """Identity key of an agency name as written: expanded, folded, without và/với/của."""
    words = fold(expand_abbreviations(name)).split()
    return " ".join(w for w in words if w not in ("va", "voi", "cua"))


def number_pattern(number: str) -> re.Pattern:
    """A regex that finds a document number in text however it is spaced or decorated."""
    tokens = [t for t in re.split(r"[\s/\-–]+", number) if t]
    sep = r"[\s/\-–~*_.]*"
    return re.compile(r"(?<![0-9])" + sep.join(re.escape(t) for t in tokens), re.IGNORECASE)
