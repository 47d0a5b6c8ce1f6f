"""A document longer than spaCy's default 1,000,000-character limit is extracted, not refused
with spaCy's English error E088 (a 900-page PDF passes the ingestion caps)."""
from __future__ import annotations

import pytest

from ocop_docs.extract.pipeline import extract_text

FILLER = "\nNội dung tổng hợp ý kiến của các đơn vị được trình bày tại phụ lục kèm theo.\n"


@pytest.mark.slow
def test_text_over_a_million_characters_is_extracted(seed_texts):
    name = sorted(seed_texts)[0]
    short = extract_text(seed_texts[name], name)
    text = seed_texts[name] + FILLER * (1_000_000 // len(FILLER) + 100)
    assert len(text) > 1_000_000
    long = extract_text(text, name)
    assert [d.number for d in long.documents] == [d.number for d in short.documents]
    assert sum(len(d.tasks) for d in long.documents) == sum(len(d.tasks) for d in short.documents)
