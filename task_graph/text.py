"""Text keys used for identity: folded names, citation-number keys, the task-graph data file.

Everything that decides whether two spellings are "the same" goes through this module, so the
rules live in one place (and the abbreviation expander can be swapped in here).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ocop_docs.resources import load_yaml

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


@lru_cache(maxsize=1)
def _external_expander():
    try:  # written by the extraction team; preferred when present
        from ocop_docs.extract.agencies import expand_abbreviations
    except Exception:  # noqa: BLE001 - any import problem means: not available yet
        return None
    return expand_abbreviations


@lru_cache(maxsize=1)
def _fallback_pattern():
    table = data().get("abbreviations") or {}
    keys = sorted(table, key=len, reverse=True)
    pattern = re.compile(r"(?<![\wÀ-ỹ])(" + "|".join(re.escape(k) for k in keys) + r")(?![\wÀ-ỹ])")
    return pattern, table


def expand_abbreviations(text: str) -> str:
    """Expand agency abbreviations (UBND -> Ủy ban nhân dân, NN-PTNT -> ...)."""
    external = _external_expander()
    if external is not None:
        try:
            return external(text)
        except Exception:  # noqa: BLE001 - fall back rather than lose the ingest
            pass
    pattern, table = _fallback_pattern()
    return pattern.sub(lambda m: table[m.group(1)], text)


def name_key(name: str) -> str:
    """Identity key of an agency name as written: expanded, folded, without và/với/của."""
    words = fold(expand_abbreviations(name)).split()
    return " ".join(w for w in words if w not in ("va", "voi", "cua"))


def number_key(number: str | None) -> str | None:
    """Key of a document number: letters and digits only, Đ -> D, case folded, and a year
    written after the serial dropped ("490/2018/QĐ-TTg" == "490/QĐ-TTg")."""
    if not number:
        return None
    parts = [p for p in re.split(r"\s*/\s*", number.strip()) if p]
    if len(parts) >= 3 and re.fullmatch(r"(19|20)\d\d", parts[1].strip()):
        parts = [parts[0]] + parts[2:]
    key = fold("".join(parts)).replace(" ", "")
    return key or None


def number_pattern(number: str) -> re.Pattern:
    """A regex that finds a document number in text however it is spaced or decorated."""
    tokens = [t for t in re.split(r"[\s/\-–]+", number) if t]
    sep = r"[\s/\-–~*_.]*"
    return re.compile(r"(?<![0-9])" + sep.join(re.escape(t) for t in tokens), re.IGNORECASE)
