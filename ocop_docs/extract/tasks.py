"""Task assignments: who leads, who supports, what, by when — from a document's body outline.

A task is an obligation that the document places on named agencies (GUIDELINES.md "Tasks").
The lead comes, in this order, from
  1. the item's own words: "Giao X ...", "Đề nghị X ...", "X chủ trì, phối hợp với Y ...",
     "X: <action>", a sentence whose subject is an agency;
  2. the frame set by the items above it: an agency heading ("4. Sở Công Thương"), a heading
     that assigns ("Giao Sở Nông nghiệp và PTNT:", "X chủ trì, phối hợp với Y ...:"), field
     lines ("Đơn vị thực hiện: ...", "Cơ quan chủ trì: ...", "Thời gian: ...") and bare
     assignment lines ("X chủ trì, phối hợp với Y tổ chức thực hiện.");
  3. an appendix table row's "Cơ quan chủ trì" / "Cơ quan phối hợp" / "Thời gian" columns.
Items with no named agency (the issuer's own work, implied) are not emitted.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from underthesea import pos_tag, sent_tokenize

from ocop_docs.extract import agencies
from ocop_docs.extract.deadlines import find_deadline, find_recurrence, normalize_deadline
from ocop_docs.model import Deadline, Task
from ocop_docs.resources import load_yaml
from ocop_docs.structure.outline import Block, parse_outline
from ocop_docs.textutil import CueSet, cue_pattern, fold, squash

# generic verbs that make "X chủ trì, phối hợp với Y tổ chức thực hiện." a bare assignment line
_GENERIC_ACTION = re.compile(
    r"^(?:,?\s*(?:và\s+)?(?:tổ chức|triển khai|thực hiện|tổ chức thực hiện|triển khai thực hiện"
    r"|chịu trách nhiệm|chủ trì|thực hiện nhiệm vụ|tham mưu thực hiện|theo dõi)\s*)*[.;:]?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Cues:
    lead_before: CueSet
    lead_after: CueSet
    support_before: CueSet
    non_assignment: CueSet
    obligation: CueSet
    fields: dict[str, CueSet]
    columns: dict[str, CueSet]
    detail_labels: CueSet
    non_task_sections: CueSet
    topic_labels: CueSet
    adverbial_openers: CueSet
    heading_prefixes: CueSet


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    data = load_yaml("assignment_cues.yaml")
    return _Cues(
        lead_before=cue_pattern(data["lead_before"]),
        lead_after=cue_pattern(data["lead_after"]),
        support_before=cue_pattern(data["support_before"]),
        non_assignment=cue_pattern(data["non_assignment_predicates"]),
        obligation=cue_pattern(data["obligation_predicates"]),
        fields={k: cue_pattern(v) for k, v in data["fields"].items()},
        columns={k: cue_pattern(v) for k, v in data["columns"].items()},
        detail_labels=cue_pattern(data["detail_labels"]),
        non_task_sections=cue_pattern(data["non_task_sections"]),
        topic_labels=cue_pattern(data["topic_labels"]),
        adverbial_openers=cue_pattern(data["adverbial_openers"]),
        heading_prefixes=cue_pattern(data["heading_prefixes"]),
    )


@dataclass
class Frame:
    """What the items above a block say about the tasks under it."""
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    deadline: Deadline | None = None
    section: list[str] = field(default_factory=list)
    in_non_task_section: bool = False

    def child(self, **changes) -> "Frame":
        values = dict(lead=list(self.lead), support=list(self.support), deadline=self.deadline,
                      section=list(self.section), in_non_task_section=self.in_non_task_section)
        values.update(changes)
        return Frame(**values)


@dataclass
class Assignment:
    """Agencies an item's own words name."""
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    rest: str = ""              # the text after the lead phrase (the action proper)
    how: str | None = None      # "giao", "subject", "colon", "sentence"


# ----------------------------------------------------------------- agency phrases

_AGENCY_WINDOW = 600   # characters of text in which an agency list must lie

def _agencies_at(text: str) -> tuple[list[str], int]:
    """Agencies named at the start of text, and where they end."""
    if not text.strip():
        return [], 0
    lead_space = len(text) - len(text.lstrip(" ,:"))
    window = text[lead_space:lead_space + _AGENCY_WINDOW]
    if len(text) - lead_space > _AGENCY_WINDOW and " " in window:
        window = window[:window.rindex(" ")]  # an agency list never runs this long
    names, end = agencies.parse_agency_sequence(window)
    # a bare type word ("Sở", "Ban" of "giao ban") names no agency
    names = [n for n in names if len(n.split()) > 1]
    return (names, lead_space + end) if names else ([], 0)


def _supports_in(text: str) -> list[str]:
    """Agencies named after every "phối hợp (với)" / "cùng với" in text."""
    cues = _cues()
    folded = fold(text)
    found: list[str] = []
    for m in cues.support_before.finditer(text, folded):
        names, _ = _agencies_at(text[m.end():])
        found.extend(names)
    return found


def _same_agencies(a: list[str], b: list[str]) -> bool:
    return {fold(squash(n)) for n in a} == {fold(squash(n)) for n in b}


def _dedupe(names: list[str], exclude: list[str] = ()) -> list[str]:
    out: list[str] = []
    keys = {fold(squash(n)) for n in exclude}
    for name in names:
        key = fold(squash(name))
        if key and key not in keys:
            keys.add(key)
            out.append(name)
    return out


def parse_assignment(text: str, allow_sentence_cues: bool = True) -> Assignment:
    """The agencies an item names as responsible, from its own words."""
    cues = _cues()
    # "Về công tác thông tin, tuyên truyền: Báo ..., Đài ... tăng cường ...": read past the label
    colon = text.find(":")
    if 0 < colon < 80 and cues.topic_labels.match(text) and not agencies.parse_agency_sequence(
            text[:colon])[0]:
        found = parse_assignment(text[colon + 1:], allow_sentence_cues)
        if found.lead:
            return found
    # "Trên cơ sở ..., Hội đồng OCOP cấp huyện tổ chức ...": the subject after the clause
    if cues.adverbial_openers.match(text):
        sentence_end = re.search(r"[.:](\s|$)", text)
        limit = min(400, sentence_end.start() if sentence_end else len(text))
        for comma in (m.start() for m in re.finditer("[,;]", text[:limit])):
            if cues.support_before.search(text[:comma]):
                break   # "Hằng năm, phối hợp với A và các sở, ngành ...": no subject follows
            if not text[comma + 1:].lstrip()[:1].isupper():
                continue
            names, end = _agencies_at(text[comma + 1:])
            rest = text[comma + 1 + end:].lstrip(" ,")
            if names and rest[:1].islower() and not cues.non_assignment.match(rest):
                return Assignment(names, _supports_in(rest), rest, "subject")
    folded = fold(text)
    # "Giao X ...", "Đề nghị X ...", "Yêu cầu X ..."
    m = cues.lead_before.match(text, folded)
    if m:
        names, end = _agencies_at(text[m.end():])
        if names:
            rest = text[m.end() + end:]
            return Assignment(names, _supports_in(rest), rest, "giao")
    # "X chủ trì ...", "X phối hợp với Y ...", "X: ...", "X <verb> ..."
    names, end = _agencies_at(text)
    if names:
        rest = text[end:]
        rest_stripped = rest.lstrip(" ,")
        if rest.lstrip().startswith(":"):
            return Assignment(names, _supports_in(rest), rest.lstrip()[1:], "colon")
        if not cues.non_assignment.match(rest_stripped) and rest_stripped[:1].isalpha():
            return Assignment(names, _supports_in(rest), rest, "subject")
    if not allow_sentence_cues:
        return Assignment(support=_supports_in(text))
    # a later sentence: "... UBND tỉnh yêu cầu các Sở, ngành ... ", "Các ngành, địa phương cần ..."
    for sentence_start in _sentence_starts(text):
        sentence = text[sentence_start:]
        sub_folded = fold(sentence)
        for m in cues.lead_before.finditer(sentence, sub_folded):
            if m.start() > 80:
                break
            after = sentence[m.end():].lstrip()
            if not after[:1].isupper() and not re.match(r"(?i)(các|cho|những)\b", after):
                continue   # "hội nghị giao ban": the cue word inside a noun phrase
            names, _ = _agencies_at(sentence[m.end():])
            if names:
                return Assignment(names, _supports_in(sentence), sentence, "sentence")
        if sentence_start:
            names, end = _agencies_at(sentence)
            if names and cues.obligation.match(sentence[end:].lstrip(" ,")):
                return Assignment(names, _supports_in(sentence), sentence, "sentence")
    return Assignment(support=_supports_in(text))


def _later_assignments(text: str) -> list[tuple[int, Assignment]]:
    """(offset, assignment) of each later sentence or clause of an item that opens with
    "Giao X" / "Đề nghị X" / "Yêu cầu X" (the item's first assignment excluded)."""
    cues = _cues()
    found = []
    for m in re.finditer(r"[.;]\s+", text):
        clause = text[m.end():]
        cue = cues.lead_before.match(clause)
        if not cue:
            continue
        names, end = _agencies_at(clause[cue.end():])
        if names:
            rest = clause[cue.end() + end:]
            found.append((m.end(), Assignment(names, _supports_in(rest), rest, "giao")))
    return found


def _sentence_starts(text: str) -> list[int]:
    """Where the sentences of a paragraph start (underthesea's sentence segmentation, which
    knows abbreviations such as "TS." and "TP."), and the clauses after ';' or ':' that begin
    with a capital ("...; Hội đồng OCOP cấp tỉnh tiến hành ...")."""
    starts = {0}
    position = 0
    for sentence in sent_tokenize(text):
        found = text.find(sentence[:40], position)
        if found >= 0:
            starts.add(found)
            position = found + len(sentence)
    for m in re.finditer(r"(?<=[;:])\s+(?=[A-ZĐÀ-Ỹ])", text):
        starts.add(m.end())
    return sorted(starts)


# ----------------------------------------------------------------- field lines

def _field(text: str) -> tuple[str, str] | None:
    """("lead"|"performers"|"support"|"deadline"|"content"|"products", value) for a field line."""
    cues = _cues()
    folded = fold(text)
    colon = text.find(":")
    if colon < 0 or colon > 45:
        return None
    label = text[:colon].strip()
    for kind, pattern in cues.fields.items():
        m = pattern.fullmatch(label)
        if m:
            return kind, text[colon + 1:].strip()
    return None


def _performers(value: str) -> tuple[list[str], list[str]]:
    """An "Đơn vị thực hiện" value: "A chủ trì, phối hợp với B, C" → ([A], [B, C]);
    "A chủ trì, B" → ([A], [B]); "A, B, C" → ([A, B, C], [])."""
    cues = _cues()
    folded = fold(value)
    m = cues.lead_after.search(value, folded)
    if m:
        lead = agencies.split_agency_list(value[:m.start()])
        rest = value[m.end():]
        rest_folded = fold(rest)
        s = cues.support_before.search(rest, rest_folded)
        support_text = rest[s.end():] if s else rest
        return lead, agencies.split_agency_list(support_text.strip(" ,.;"))
    return agencies.split_agency_list(value), []


def _is_bare_assignment(assignment: Assignment) -> bool:
    return bool(assignment.lead) and assignment.how in ("subject", "giao") and bool(
        _GENERIC_ACTION.match(_strip_support_phrase(assignment.rest)))


def _strip_support_phrase(rest: str) -> str:
    """The action after removing "chủ trì" and "phối hợp với <agencies>" phrases."""
    cues = _cues()
    text = rest
    for _ in range(4):
        folded = fold(text)
        m = cues.lead_after.match(text.lstrip(" ,"))
        if m:
            offset = len(folded) - len(folded.lstrip(" ,"))
            text = text[offset + m.end():]
            continue
        stripped = folded.lstrip(" ,")
        m = cues.support_before.match(text.lstrip(" ,"), stripped)
        if m:
            offset = len(folded) - len(stripped)
            names, end = _agencies_at(text[offset + m.end():])
            text = text[offset + m.end() + end:]
            continue
        break
    return text.strip()


# ----------------------------------------------------------------- outline walk

class TaskExtractor:
    def __init__(self, text: str, doc_date: dt.date | None):
        self.text = text
        self.doc_date = doc_date
        self.tasks: list[Task] = []

    # one task
    def emit(self, block: Block, action: str, frame: Frame, own: Assignment,
             extra_text: str = "", deadline: Deadline | None = None) -> None:
        lead = own.lead or frame.lead
        if not lead:
            return
        inherit = not own.lead or _same_agencies(own.lead, frame.lead)
        support = _dedupe(own.support + (frame.support if inherit else []), exclude=lead)
        probe = action + (" " + extra_text if extra_text else "")
        found = deadline or find_deadline(probe, self.doc_date)
        if found is None or (found.due is None and found.recurrence is None):
            found = frame.deadline if frame.deadline else found
        recurrence = (found.recurrence if found else None) or find_recurrence(probe)
        due = found.due if found else None
        self.tasks.append(Task(
            action=squash(action), lead=_dedupe(lead), support=support, due=due,
            deadline_text=found.text if found and (found.due or found.recurrence) else None,
            recurrence=recurrence, section=".".join(frame.section) or None,
            start=block.start, end=block.end,
        ))

    def walk(self, blocks: list[Block], frame: Frame) -> None:
        # field lines and bare assignment lines among siblings set the frame for all of them
        local = frame.child()
        content: list[tuple[Block, str]] = []
        performers_lead: list[str] = []
        explicit_lead: list[str] = []
        rest_blocks: list[Block] = []
        for block in blocks:
            if block.kind in ("table", "row"):
                rest_blocks.append(block)
                continue
            fld = _field(block.text)
            if fld is not None:
                kind, value = fld
                if kind == "lead":
                    explicit_lead = agencies.split_agency_list(value)
                elif kind == "performers":
                    lead, support = _performers(value)
                    performers_lead = lead
                    local.support = _dedupe(local.support + support)
                elif kind == "support":
                    local.support = _dedupe(local.support + agencies.split_agency_list(value))
                elif kind == "deadline":
                    local.deadline = normalize_when(value, self.doc_date) or local.deadline
                elif kind == "content":
                    content.append((block, value))
                continue
            if not block.children:
                own = parse_assignment(block.text, allow_sentence_cues=False)
                if _is_bare_assignment(own):
                    local.lead = own.lead
                    local.support = _dedupe(local.support + own.support)
                    continue
            rest_blocks.append(block)
        if explicit_lead:
            local.lead = explicit_lead
            local.support = _dedupe(local.support + performers_lead, exclude=explicit_lead)
        elif performers_lead:
            local.lead = performers_lead
        for block, value in content:
            self.emit(block, value, local, Assignment())
        for block in rest_blocks:
            self.visit(block, local)

    def visit(self, block: Block, frame: Frame) -> None:
        cues = _cues()
        if block.kind == "table":
            self.table(block, frame)
            return
        section = frame.section + ([block.marker] if block.marker and block.is_numbered else [])
        frame = frame.child(section=section)
        text = block.text
        if block.kind == "roman" or (block.is_numbered and block.children and _is_title(text)):
            frame.in_non_task_section = bool(cues.non_task_sections.match(text)) \
                if block.kind == "roman" else frame.in_non_task_section
        heading = _heading_agencies(text) if block.children or block.is_numbered else None
        if block.children and not _details_only(block):
            # a heading or an item with sub-items: it frames its children
            if heading:
                child = frame.child(lead=heading, support=[], deadline=None)
                self.walk(block.children, child)
                return
            own = parse_assignment(
                text, allow_sentence_cues=not frame.lead and not frame.in_non_task_section)
            deadline = find_deadline(text, self.doc_date) if _is_title(text) or \
                text.rstrip().endswith(":") else None
            child = frame.child()
            if deadline is not None and (deadline.due or deadline.recurrence):
                child.deadline = deadline
            if own.lead:
                child.lead = own.lead
                child.support = _dedupe(frame.support + own.support
                                        if own.how != "sentence" else own.support)
            if not _is_title(text) and not text.rstrip().endswith(":"):
                # a full sentence that is itself an obligation, then its sub-items
                self.emit(block, text, frame, own)
            elif own.lead and own.how == "colon" and len(own.rest.split()) > 6 \
                    and not own.rest.rstrip().endswith(":"):
                self.emit(block, text, frame, own)
            self.walk(block.children, child)
            return
        if heading and block.is_numbered and not block.children:
            return  # an agency heading with nothing under it
        if _is_title(text) and block.is_numbered:
            return
        if len(text.split()) < 4:
            return  # too short to state an obligation (a name, a stray line)
        own = parse_assignment(
            text, allow_sentence_cues=not frame.lead and not frame.in_non_task_section)
        if own.how == "subject" and text.rstrip().endswith(":"):
            return  # "X có ý kiến như sau:" introduces what follows
        action = text
        if own.how == "sentence" and block.kind == "paragraph":
            action = own.rest
        details = " ".join(c.full_text() for c in block.children)
        # a second obligation for other agencies in the same item ("...; giao Sở Y tế ...") is
        # a task of its own
        cuts: list[tuple[int, Assignment]] = [(0, own)]
        lead = own.lead or frame.lead
        for start, later in _later_assignments(action):
            if lead and not _same_agencies(later.lead, lead):
                cuts.append((start, later))
                lead = later.lead
        ends = [start for start, _ in cuts[1:]] + [len(action)]
        for (start, assignment), end in zip(cuts, ends):
            self.emit(block, action[start:end].rstrip(" ;"), frame, assignment,
                      extra_text=details if start == 0 else "")

    def table(self, table: Block, frame: Frame) -> None:
        cues = _cues()
        columns: dict[str, int] = {}
        for index, title in enumerate(table.header):
            folded = fold(title)
            for kind, pattern in cues.columns.items():
                if kind not in columns and pattern.search(title, folded):
                    columns[kind] = index
                    break
        if "lead" not in columns or "action" not in columns:
            return
        last: Task | None = None
        group: list[str] = []
        for row in table.children:
            cells = row.cells + [""] * (len(table.header) - len(row.cells))
            def cell(kind: str) -> str:
                i = columns.get(kind)
                return cells[i].strip() if i is not None and i < len(cells) else ""
            number = cells[0].strip() if columns.get("action") != 0 else ""
            action, lead_text = cell("action"), cell("lead")
            support_text, when = cell("support"), cell("deadline")
            if not action and last is not None:
                # a continuation row: more agencies for the row above
                if lead_text:
                    last.lead = _dedupe(last.lead + agencies.split_agency_list(lead_text))
                if support_text:
                    last.support = _dedupe(last.support + agencies.split_agency_list(support_text),
                                           exclude=last.lead)
                continue
            if re.fullmatch(r"[IVXL]+", number):
                group = [number]
            section = ["PL"] + group + ([number] if number and number not in group else [])
            if not lead_text:
                last = None
                continue
            lead = agencies.split_agency_list(lead_text)
            support = _dedupe(agencies.split_agency_list(support_text), exclude=lead)
            deadline = normalize_when(when, self.doc_date)
            task = Task(action=squash(action), lead=lead, support=support,
                        due=deadline.due if deadline else None,
                        deadline_text=deadline.text if deadline else None,
                        recurrence=deadline.recurrence if deadline else None,
                        section=".".join(section), start=row.start, end=row.end)
            self.tasks.append(task)
            last = task


def normalize_when(cell_text: str, doc_date: dt.date | None) -> Deadline | None:
    """The deadline a table's time cell or a "Thời gian:" field states (the whole value is a
    time expression there, so no cue word is needed: "30/6/2021", "Quý II/2019", "Hằng năm")."""
    if not cell_text.strip():
        return None
    found = normalize_deadline(cell_text, doc_date)
    return found if found.due or found.recurrence else None


def _heading_agencies(text: str) -> list[str] | None:
    """The agencies of a heading that is only an agency list ("4. Sở Công Thương",
    "Ủy ban nhân dân các huyện, thành phố:", "Các Chi cục: Trồng trọt, ...; Kiểm lâm")."""
    clean = _without_parenthetical(text)
    prefix = _cues().heading_prefixes.match(clean)
    if prefix:
        clean = clean[prefix.end():].strip()
    names = agencies.heading_agencies(clean)
    if not names:
        return None
    parsed, end = agencies.parse_agency_sequence(clean)
    rest = clean[end:].strip(" :;.,") if parsed else clean
    if parsed and len(rest.split()) > 3:
        return None
    return parsed or names


def _without_parenthetical(text: str) -> str:
    return re.sub(r"\s*\([^)]*\)\s*", " ", text).strip(" :")


def _is_title(text: str) -> bool:
    """A heading-like line: short, no sentence-final punctuation."""
    stripped = text.strip()
    if not stripped:
        return True
    if stripped.endswith((".", ";", "./.")):
        return False
    return len(stripped.split()) <= 16 and ":" not in stripped[:-1]


def _details_only(block: Block) -> bool:
    """Children that enumerate details (steps, product groups) of a sentence item rather than
    obligations: each begins with a detail label ("Bước 1: ...") or is a short noun phrase (no
    verb first, by underthesea's part-of-speech tags)."""
    if _is_title(block.text):
        return False
    cues = _cues()
    children = [c for c in block.children if c.kind not in ("table", "row")]
    if not children:
        return False
    return all(cues.detail_labels.match(c.text) or _is_noun_phrase_item(c.text)
               for c in children)


@lru_cache(maxsize=2048)
def _is_noun_phrase_item(text: str) -> bool:
    words = text.split()
    if len(words) > 10:
        return False
    tags = [tag for _, tag in pos_tag(" ".join(words))]
    return bool(tags) and tags[0] in ("N", "Np", "Nc", "M") and "V" not in tags[:3]


def extract_tasks(text: str, body_start: int, body_end: int,
                  doc_date: dt.date | None = None) -> list[Task]:
    """Tasks assigned in text[body_start:body_end]."""
    extractor = TaskExtractor(text, doc_date)
    extractor.walk(parse_outline(text, body_start, body_end), Frame())
    return extractor.tasks
