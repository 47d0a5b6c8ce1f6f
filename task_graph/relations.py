"""Which citations are `implements` and which are only `cites`.

A document implements another when it carries out the other's tasks: "Trên cơ sở Kế hoạch số
5077/KH-SNN", "Thực hiện Kế hoạch số ...", "Triển khai ...", or a cover letter that forwards
the plan in the same file. "Căn cứ ..." (legal basis) and plain references are `cites`. The
decision is read from the words of the clause that ends at the cited number in the stored text.
"""
from __future__ import annotations

import re

from task_graph.text import data, fold, number_key, number_pattern

HEADER = re.compile(r"C[ỘO]NG\s+H[ÒOÓ]A\s+X[ÃA]\s+H[ỘO]I", re.IGNORECASE)
CLAUSE_BREAK = re.compile(r"(\n|\.\s|;)")
LOOKBACK = 300
MAX_GAP_WORDS = 6
FORWARDING_TYPES = ("Công văn", "Quyết định", "Thông báo")


def document_regions(text: str, docs: list[dict]) -> list[tuple[int, int]]:
    """Character span of each document in the file's text. Uses the documents' own `start`/
    `end` when the extraction gives them; otherwise splits at the national headings
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), each document starting at the block before its
    heading; as a last resort every document spans the whole text."""
    n = len(docs)
    if n == 0:
        return []
    if all(isinstance(d.get("start"), int) and isinstance(d.get("end"), int)
           and d["end"] > d["start"] for d in docs):
        return [(d["start"], d["end"]) for d in docs]
    if n == 1:
        return [(0, len(text))]
    heads = [m.start() for m in HEADER.finditer(text)]
    if len(heads) < n:
        return [(0, len(text))] * n
    starts = [0]
    for pos in heads[1:n]:
        block = text.rfind("\n\n", 0, pos)            # the agency block above the heading
        prev = text.rfind("\n\n", 0, max(block, 0))
        start = prev + 2 if prev >= 0 else max(block, 0)
        starts.append(max(start, starts[-1]))
    ends = starts[1:] + [len(text)]
    return list(zip(starts, ends))


def _nearest_cue(clause: str) -> str | None:
    """The relation named by the cue nearest before the number, if it is close enough: at
    most MAX_GAP_WORDS words between the cue and the number ("Trên cơ sở Kế hoạch số")."""
    words = fold(clause).split()
    best: tuple[int, str | None] = (-1, None)
    for relation, cues in (("implements", data()["implements_cues"]),
                           ("cites", data()["cites_cues"])):
        for cue in cues:
            cw = cue.split()
            for i in range(len(words) - len(cw), -1, -1):
                if words[i:i + len(cw)] == cw:
                    end = i + len(cw)
                    if end > best[0] or (end == best[0] and relation == "cites"):
                        best = (end, relation)
                    break
    if best[1] is None or len(words) - best[0] > MAX_GAP_WORDS:
        return None
    return best[1]


def classify(region_text: str, number: str | None) -> tuple[str, str | None]:
    """(relation, context) for a citation of `number` in the text of the citing document."""
    if not number:
        return "cites", None
    relation, context = "cites", None
    for m in number_pattern(number).finditer(region_text):
        begin = max(0, m.start() - LOOKBACK)
        before = region_text[begin:m.start()]
        breaks = list(CLAUSE_BREAK.finditer(before))
        clause = before[breaks[-1].end():] if breaks else before
        after = region_text[m.end():m.end() + LOOKBACK]
        stop = CLAUSE_BREAK.search(after)
        tail = after[:stop.start()] if stop else after
        if context is None:
            context = clause.strip()[-200:]
        cue = _nearest_cue(clause)
        if cue == "implements" or " gui kem " in f" {fold(tail)} ":
            return "implements", clause.strip()[-200:]
    return relation, context


def forwards(citing_doc: dict, cited_key: str | None, same_file_docs: list[dict]) -> bool:
    """A cover letter forwarding a document that is in the same file implements it."""
    if citing_doc.get("doc_type") not in FORWARDING_TYPES or not cited_key:
        return False
    return any(d is not citing_doc and number_key(d.get("number")) == cited_key
               for d in same_file_docs)
