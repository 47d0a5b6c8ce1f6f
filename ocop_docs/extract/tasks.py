"""Task assignments: who leads, who supports, what, by when — from a document's body outline.

A task is an obligation that the document places on named agencies (GUIDELINES.md "Tasks").
The lead comes, in this order, from
  1. the item's own words (see assignments.py): "Giao X ...", "Đề nghị X ...", "X chủ trì, phối hợp với Y ...",
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

from underthesea import pos_tag

from ocop_docs.extract import agencies
from ocop_docs.extract.assignments import (
    Assignment, block_fields, bracketed_assignments, cue_sets, dedupe, heading_agencies,
    introduces_members, is_bare_assignment, is_formula, is_membership_item, later_assignments,
    parse_assignment, performers, same_agencies, states_duty, states_status, strip_support_phrase,
)
from ocop_docs.extract.deadlines import find_deadline, find_recurrence, normalize_deadline
from ocop_docs.model import Deadline, Task
from ocop_docs.structure.outline import PART_KINDS, Block, parse_outline
from ocop_docs.textutil import in_capitals, squash


@dataclass
class Frame:
    """What the items above a block say about the tasks under it."""
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    deadline: Deadline | None = None
    section: list[str] = field(default_factory=list)
    in_non_task_section: bool = False
    in_membership: bool = False      # under "... gồm các thành viên sau:"
    general: bool = False            # the lead is a general call's: an item's own words win

    def child(self, **changes) -> "Frame":
        values = dict(lead=list(self.lead), support=list(self.support), deadline=self.deadline,
                      section=list(self.section), in_non_task_section=self.in_non_task_section,
                      in_membership=self.in_membership, general=self.general)
        values.update(changes)
        return Frame(**values)


# ----------------------------------------------------------------- outline walk

class TaskExtractor:
    def __init__(self, text: str, doc_date: dt.date | None, addressees: list[str] = ()):
        self.text = text
        self.doc_date = doc_date
        self.addressees = list(addressees)   # the "Kính gửi" list: who "quý Bộ" is
        self.body_start = 0
        self._antecedents: dict[int, list[str]] = {}
        self.tasks: list[Task] = []

    def resolve(self, names: list[str], at: int | None = None) -> list[str]:
        """Names with "quý Bộ" / "quý cơ quan" replaced by the letter's addressees and, for an
        item at offset `at`, a back-reference ("đơn vị nêu trên", a bare "Công ty") by the
        enterprises the text named before it."""
        out: list[str] = []
        for name in names:
            if agencies.is_addressee(name) and self.addressees:
                out.extend(self.addressees)
            elif at is not None and agencies.is_back_reference(name) \
                    and self.antecedents(at):
                out.extend(self.antecedents(at))
            else:
                out.append(name)
        return dedupe(out)

    def antecedents(self, at: int) -> list[str]:
        """The enterprises named in the body before offset `at` (remembered per offset)."""
        if at not in self._antecedents:
            self._antecedents[at] = agencies.enterprises_named(self.text[self.body_start:at])
        return self._antecedents[at]

    # one task
    def emit(self, block: Block, action: str, frame: Frame, own: Assignment,
             extra_text: str = "", deadline: Deadline | None = None) -> None:
        lead = self.resolve(own.lead or frame.lead, block.start)
        if not lead:
            return
        if own.lead and frame.lead:
            # "b) Kho bạc Nhà nước tỉnh ..." under "5. Sở Tài chính và Kho bạc Nhà nước Quảng
            # Ngãi": the heading's full name
            lead = [agencies.named_in_full(name, frame.lead) or name for name in lead]
            if len(lead) == 1:
                # "Chủ tịch UBND các xã ..." under "1. Giao UBND các xã: Đức Trọng, Hiệp
                # Thạnh, Đinh Văn Lâm Hà:": the communes named there
                lead = agencies.members_named(lead[0], frame.lead) or lead
        inherit = not own.lead or same_agencies(own.lead, frame.lead)
        support = dedupe(self.resolve(own.support + (frame.support if inherit else []),
                                      block.start),
                         exclude=lead)
        probe = action + (" " + extra_text if extra_text else "")
        found = deadline or find_deadline(probe, self.doc_date)
        if found is None or (found.due is None and found.recurrence is None):
            found = frame.deadline if frame.deadline else found
        elif found.due is None and frame.deadline and frame.deadline.due:
            # "... các kế hoạch hằng năm" under "Thời gian thực hiện: Tháng 12/2013": the
            # frame's date with the item's rhythm
            found = Deadline(due=frame.deadline.due, text=frame.deadline.text,
                             recurrence=found.recurrence)
        recurrence = (found.recurrence if found else None) or find_recurrence(probe)
        due = found.due if found else None
        self.tasks.append(Task(
            action=squash(action), lead=dedupe(lead), support=support, due=due,
            deadline_text=found.text if found and (found.due or found.recurrence
                                                   or found.relative) else None,
            recurrence=recurrence, section=".".join(frame.section) or None,
            start=block.start, end=block.end,
        ))

    def walk(self, blocks: list[Block], frame: Frame, owner: Block | None = None) -> None:
        """Visit sibling blocks. Field lines and bare assignment lines among them set the frame
        for all of them; when they are all the `owner` item has under it ("3. Xây dựng ..." /
        "- Cơ quan chủ trì: ..." / "- Thời gian thực hiện: ..."), the owner is the task."""
        local = frame.child()
        content: list[tuple[Block, str]] = []
        performers_lead: list[str] = []
        explicit_lead: list[str] = []
        rest_blocks: list[Block] = []
        performer_clauses: list[tuple[Block, list[tuple[str, Assignment]]]] = []
        # "- Tuyên truyền ..." / "Thời gian thực hiện: Tháng 12/2025." / "- Tham mưu ..." /
        # "Thời gian hoàn thành: ...": several time lines, each closing the item before it
        fields_of = {id(b): block_fields(b) for b in blocks if b.kind not in ("table", "row")}
        per_item = sum(1 for f in fields_of.values() if f and f[0][0] == "deadline") >= 2
        item_deadline: dict[int, Deadline] = {}
        for block in blocks:
            if block.kind in ("table", "row"):
                rest_blocks.append(block)
                continue
            found = fields_of[id(block)]
            if per_item and found and found[0][0] == "deadline" and rest_blocks \
                    and id(rest_blocks[-1]) not in item_deadline:
                when = normalize_when(found[0][1], self.doc_date)
                if when:
                    item_deadline[id(rest_blocks[-1])] = when
                continue
            for kind, value in found or ():
                clauses = _clauses_with_subjects(value) if kind == "performers" else []
                if kind == "lead":
                    explicit_lead = agencies.split_agency_list(value)
                elif clauses:
                    # "- Cơ quan thực hiện: Sở X tiến hành rà soát ...; các sở, ngành ... rà
                    # soát ...": each clause is a task of its own body
                    performer_clauses.append((block, clauses))
                elif kind == "performers":
                    lead, support = performers(value)
                    performers_lead = lead
                    local.support = dedupe(local.support + support)
                elif kind == "support":
                    local.support = dedupe(local.support + agencies.split_agency_list(value))
                elif kind == "deadline":
                    local.deadline = normalize_when(value, self.doc_date) or local.deadline
                elif kind == "content" and value:
                    content.append((block, value))
            if found is not None:
                continue
            if not block.children:
                own = parse_assignment(block.text, allow_sentence_cues=False)
                if is_bare_assignment(own):
                    local.lead, local.general = own.lead, False
                    local.support = dedupe(local.support + own.support)
                    continue
            rest_blocks.append(block)
        if explicit_lead:
            local.lead, local.general = explicit_lead, False
            local.support = dedupe(local.support + performers_lead, exclude=explicit_lead)
        elif performers_lead:
            local.lead, local.general = performers_lead, False
        for block, clauses in performer_clauses:
            for text, assignment in clauses:
                self.emit(block, text, local, assignment)
        if performer_clauses:
            content = []        # the item's content is what the clauses say each body does
            if not rest_blocks:
                return
        for block, value in content:
            self.emit(block, value, local, Assignment())
        if owner is not None and not content and not rest_blocks \
                and any(fields_of.values()) and local.lead:
            self.emit(owner, owner.text, local, Assignment())
            return
        carried: Frame | None = None
        for index, block in enumerate(rest_blocks):
            partners = _partners_lead_in(block, rest_blocks[index + 1:])
            if partners:
                # "Chủ trì, phối hợp với các cơ quan có liên quan tham mưu ...:" over the items
                # after it: their partners, not a task of its own
                base = carried or local
                carried = base.child(support=dedupe(base.support + self.resolve(partners)))
                continue
            members = _listed_members(block)
            if members:
                # "Giao các sở ... gồm:" / "- Sở Công Thương (...);" / "- Sở Xây dựng (...)." /
                # "Có trách nhiệm:" / "a) ...": the bodies listed lead the items after the list
                carried = (carried or local).child(lead=self.resolve(members), support=[],
                                                   general=False)
                continue
            call = self.carried_frame(block, local)
            if call is not None and rest_blocks[index + 1:]:
                # "Nhằm ..., Chủ tịch UBND tỉnh yêu cầu các sở ... thực hiện các nội dung sau:"
                # asks for the items after it: they are the tasks, the call itself is none
                carried = call
                continue
            base = local if carried is None or _frames_own_items(block) else carried
            when = item_deadline.get(id(block))
            self.visit(block, base.child(deadline=when) if when else base)
            carried = call or carried

    def carried_frame(self, block: Block, frame: Frame) -> Frame | None:
        """A lead-in paragraph that asks agencies for what follows ("... kính đề nghị Ủy ban
        nhân dân các tỉnh ... cụ thể như sau:", "Chủ tịch UBND tỉnh yêu cầu các sở, ngành ...
        thực hiện tốt các nội dung sau:") frames the numbered items after it, which the outline
        does not nest under a paragraph. It is a general call: an item that names its own
        agencies, even in a later sentence ("...: Giao Sở X ..."), keeps them."""
        if block.kind not in ("lead-in", "paragraph") or not block.text.rstrip().endswith(":") \
                or any(c.kind not in ("table", "row") for c in block.children):
            return None
        own = parse_assignment(block.text)
        if not own.lead or own.how not in ("giao", "sentence"):
            return None
        return frame.child(lead=self.resolve(own.lead), support=own.support, general=True)

    def visit(self, block: Block, frame: Frame) -> None:
        cues = cue_sets()
        if block.kind == "table":
            self.table(block, frame)
            return
        if (block.kind == "article" or (block.is_numbered and block.children)) \
                and cues.scope_articles.fullmatch(block.text.strip(" .:")):
            return  # "Điều 2. Đối tượng áp dụng", a plan's "2. Đối tượng áp dụng": whom it
            # applies to, no duties
        section = frame.section + ([block.marker] if block.marker and block.is_numbered else [])
        frame = frame.child(section=section)
        text = block.text
        if block.kind in PART_KINDS or (block.is_numbered and block.children and _is_title(text)):
            frame.in_non_task_section = bool(cues.non_task_sections.match(text)) \
                if block.kind in PART_KINDS else frame.in_non_task_section
        heading = heading_agencies(text) if block.children or block.is_numbered else None
        if block.children and introduces_members(text):
            own = parse_assignment(text, allow_sentence_cues=False)
            if own.lead and own.how == "giao":
                # "Giao Sở X thành lập Tổ công tác ..., gồm các thành viên sau:" is X's task
                self.emit(block, text, frame, own)
            self.walk(block.children, frame.child(in_membership=True))
            return
        if block.children and not _details_only(block):
            # a heading or an item with sub-items: it frames its children
            if heading:
                child = frame.child(lead=heading, support=[], deadline=None, general=False)
                self.walk(block.children, child)
                return
            own = parse_assignment(
                text, allow_sentence_cues=(not frame.lead or frame.general)
            and not frame.in_non_task_section)
            deadline = find_deadline(text, self.doc_date) if _is_title(text) or \
                text.rstrip().endswith(":") else None
            child = frame.child()
            if deadline is not None and (deadline.due or deadline.recurrence):
                child.deadline = deadline
            if own.lead:
                child.lead, child.general = own.lead, False
                child.support = dedupe(frame.support + own.support
                                        if own.how != "sentence" else own.support)
            elif own.support and text.rstrip().endswith(":"):
                # "- Chủ trì, phối hợp với Y ..., trong đó:" frames its details with Y
                child.support = dedupe(frame.support + own.support)
            items = [c for c in block.children if c.kind not in ("table", "row")]
            if items and all(block_fields(c) for c in items):
                # "- Rà soát ..." / "+ Thời gian hoàn thành: Tháng 12/2025.": one task, its fields
                self.walk(block.children, child, owner=block)
                return
            if not _is_title(text) and not text.rstrip().endswith(":"):
                # a full sentence that is itself an obligation, then its sub-items; plain
                # paragraphs under it that name no agency go on explaining it
                self.emit(block, text, frame, own)
                if block.is_numbered and block.kind not in PART_KINDS:
                    # the sentence's partners are its own task's: the items under it keep its
                    # lead ("1. Bộ X chủ trì, phối hợp với các Bộ ... tổ chức thực hiện Đề án."
                    # then "- Ban hành ...", "- Theo dõi ...": Bộ X's own duties)
                    child.support = list(frame.support)
                    self.walk([c for c in block.children if not _continues(c)], child)
                    return
            elif own.lead and own.how == "colon" and len(own.rest.split()) > 6 \
                    and not own.rest.rstrip().endswith(":"):
                self.emit(block, text, frame, own)
            elif _is_obligation_lead_in(text, own, frame, block):
                # "Chủ trì, phối hợp với ... giải phóng mặt bằng ..., trong đó:" is an
                # obligation of its own before the details under it
                self.emit(block, text, frame, own)
            else:
                self.walk(block.children, child,
                          owner=block if block.kind not in PART_KINDS else None)
                return
            self.walk(block.children, child)
            return
        if heading and block.is_numbered and not block.children:
            return  # an agency heading with nothing under it
        if _is_title(text) and block.is_numbered:
            return
        if len(text.split()) < 4:
            return  # too short to state an obligation (a name, a stray line)
        if _is_caption(text):
            return  # a title in capitals, a note in parentheses ("(Kèm theo ...)")
        if is_formula(text):
            # "Trân trọng thông báo ... để các cơ quan biết, thực hiện./."; a closing paragraph
            # goes on after its formula: "Trên đây là Kế hoạch ... . Đề nghị các cơ quan, đơn
            # vị ... . Định kỳ hằng năm ... báo cáo kết quả ..."
            text = _after_formula_sentence(text)
            if not text:
                return
        if heading_agencies(text) is not None:
            return  # only agency names, no action (a list line, a table cell on its own)
        if is_membership_item(text) or (frame.in_membership and not states_duty(text)):
            return  # a member of a body and a role
        own = parse_assignment(
            text, allow_sentence_cues=(not frame.lead or frame.general)
            and not frame.in_non_task_section)
        if frame.in_non_task_section and own.how == "subject" and states_status(text):
            return  # "I. Đánh giá chung" / "Nhà đầu tư triển khai ... vẫn còn chậm": a result
        by_heading = bool(frame.lead) and not frame.general and block.marker is not None
        if by_heading and own.how == "giao" and cues.requests_by_heading.match(text):
            # "4. Sở X" / "- Yêu cầu các doanh nghiệp lắp đặt ...": X's duty to require it
            own = Assignment(support=own.support)
        if own.how == "subject" and text.rstrip().endswith(":") and not block.children:
            return  # "X có ý kiến như sau:" introduces what follows
        if text.rstrip().endswith(":") and cues.topic_labels.match(text) and not own.lead:
            return  # "Về nội dung trao đổi tín chỉ các-bon ra nước ngoài:" names a topic
        # an assignment in parentheses: the lead of an item that names none ("Xây dựng Quy chế
        # ... (Giao Công an tỉnh chủ trì, phối hợp với ...)"), or another agency's duty beside
        # the item's ("... báo cáo hằng tháng (Sở X chịu trách nhiệm tổng hợp ...)")
        bracketed = bracketed_assignments(text) if "(" in text else []
        if bracketed and not (own.lead or frame.lead):
            own, bracketed = bracketed[0][1], bracketed[1:]
        action = text
        if own.how == "sentence" and block.kind == "paragraph":
            action = own.rest
        # the items under it say more about the task (their times count), unless they are
        # only the objects of its duty
        details = "" if _is_object_lead_in(text) else \
            " ".join(c.full_text() for c in block.children)
        # a second obligation for other agencies in the same item ("...; giao Sở Y tế ...") is
        # a task of its own
        cuts: list[tuple[int, Assignment]] = [(0, own)]
        lead = own.lead or frame.lead
        # with its own subject, a later clause's own subject ("...; Sở Tài chính tổng hợp ...")
        # is read in the action only, never in the opening list of agencies
        action_start = len(action) - len(own.rest) if own.rest and action.endswith(own.rest) \
            else None
        subjects_after = action_start if own.how in ("subject", "colon") else None
        for start, later in later_assignments(action, subjects_after):
            if by_heading and not own.lead and later.how == "giao" \
                    and cues.requests_by_heading.match(action[start:]):
                continue    # "...; yêu cầu các tổ chức ...": still the heading agency's duty
            if lead and not same_agencies(later.lead, lead):
                cuts.append((start, later))
                lead = later.lead
        ends = [start for start, _ in cuts[1:]] + [len(action)]
        if len(cuts) > 1 and own.support:
            # the first clause's partners are those named in it, not a later clause's
            # ("...; Riêng huyện X tăng cường phối hợp với các cơ quan chức năng ...")
            first = parse_assignment(action[:ends[0]], allow_sentence_cues=(
                not frame.lead or frame.general) and not frame.in_non_task_section)
            cuts[0] = (0, Assignment(own.lead, [a for a in own.support if a in first.support],
                                     own.rest, own.how))
        label = _rhythm_label(action)
        for (start, assignment), end in zip(cuts, ends):
            self.emit(block, action[start:end].rstrip(" ;"), frame, assignment,
                      extra_text=details if start == 0 else label)
        host = own.lead or frame.lead
        for inner, assignment in bracketed:
            if host and not same_agencies(assignment.lead, host) \
                    and len(assignment.rest.split()) >= 4:
                # its time is the item's ("hằng tháng, quý ...")
                self.emit(block, inner, frame, assignment, extra_text=action)

    def table(self, table: Block, frame: Frame) -> None:
        columns = table_columns(table.header)
        if "lead" not in columns or "action" not in columns:
            return
        # "Thời gian (Năm 2026)": the year of the dates in that column
        doc_date = self.doc_date
        if "deadline" in columns:
            year = re.search(r"\b(19|20)\d{2}\b", table.header[columns["deadline"]])
            if year:
                doc_date = dt.date(int(year.group()), 1, 1)
        # a time column left of the tasks labels the rows below it: its cell is merged over
        # them ("10-11/2019" for three rows), so an empty cell keeps the time above it
        time_labels_rows = columns.get("deadline", len(table.header)) < columns["action"]
        held_time = ""
        last: Task | None = None
        group: list[str] = []
        for row in table.children:
            cells = row.cells + [""] * (len(table.header) - len(row.cells))
            def cell(kind: str) -> str:
                i = columns.get(kind)
                return cells[i].strip() if i is not None and i < len(cells) else ""
            number = cells[0].strip() if columns.get("action") != 0 \
                and _ROW_NUMBER.fullmatch(cells[0].strip()) else ""
            action, lead_text = cell("action"), cell("lead")
            support_text, when = cell("support"), cell("deadline")
            if time_labels_rows:
                if when or not lead_text:
                    held_time = when     # a new time, or a group row that ends the merge
                when = when or held_time
            if not action and last is not None:
                # a continuation row: more agencies for the row above
                if lead_text:
                    last.lead = dedupe(last.lead + agencies.split_agency_list(lead_text))
                if support_text:
                    last.support = dedupe(last.support + agencies.split_agency_list(support_text))
                continue
            if re.fullmatch(r"[IVXL]+", number):
                group = [number]
            section = ["PL"] + group + ([number] if number and number not in group else [])
            if not lead_text:
                last = None
                continue
            lead = agencies.split_agency_list(lead_text)
            support = dedupe(agencies.split_agency_list(support_text))
            deadline = normalize_when(when, doc_date)
            task = Task(action=squash(action), lead=lead, support=support,
                        due=deadline.due if deadline else None,
                        deadline_text=deadline.text if deadline else None,
                        recurrence=deadline.recurrence if deadline else None,
                        section=".".join(section), start=row.start, end=row.end)
            self.tasks.append(task)
            last = task


_ROW_NUMBER = re.compile(r"(\d{1,3}(?:\.\d{1,2})*|[IVXL]{1,5}|[a-zđ])[.)]?")


def table_columns(header: list[str]) -> dict[str, int]:
    """Which column holds the action, the lead, the support and the time. Each kind's cue
    phrases are listed most specific first, and the column matched by the more specific cue
    wins ("Đơn vị chủ trì" over "Cơ quan chịu trách nhiệm quản lý nhà nước"); kinds are
    assigned in the order action, lead, support, time, a column serving one kind only."""
    columns: dict[str, int] = {}
    for kind, phrases in cue_sets().column_phrases.items():
        best: tuple[int, int] | None = None
        for index, title in enumerate(header):
            if index in columns.values():
                continue
            rank = next((r for r, cue in enumerate(phrases) if cue.search(title)), None)
            if rank is not None and (best is None or rank < best[0]):
                best = (rank, index)
        if best is not None:
            columns[kind] = best[1]
    return columns


def normalize_when(cell_text: str, doc_date: dt.date | None) -> Deadline | None:
    """The deadline a table's time cell or a "Thời gian:" field states (the whole value is a
    time expression there, so no cue word is needed: "30/6/2021", "Quý II/2019", "Hằng năm")."""
    if not cell_text.strip():
        return None
    found = normalize_deadline(cell_text, doc_date)
    return found if found.due or found.recurrence else None


def _is_title(text: str) -> bool:
    """A heading-like line: short, no sentence-final punctuation."""
    stripped = text.strip()
    if not stripped:
        return True
    if stripped.endswith((".", ";", "./.")):
        return False
    return len(stripped.split()) <= 16 and ":" not in stripped[:-1]


def _is_obligation_lead_in(text: str, own: Assignment, frame: Frame, block: Block) -> bool:
    """A long sentence ending in ':' that states work for a named agency, followed by details
    or by a table whose rows have their own leads."""
    if not text.rstrip().endswith(":") or _is_title(text):
        return False
    if not (own.lead or frame.lead):
        return False
    if all(c.kind == "table" for c in block.children):
        return True
    ending = text.rstrip()[:-1].rstrip()          # without its ':'
    tail = ending[-20:]
    return len(text.split()) > 20 and any(
        m.end() == len(tail) for m in cue_sets().detail_lead_in_endings.finditer(tail))


def _after_formula_sentence(text: str) -> str:
    """What follows the sentence that holds a paragraph's formula, when a request follows it
    ("Đề nghị ...", "Giao ...", "Yêu cầu ..."); "" otherwise."""
    for m in re.finditer(r"[.!]\s+(?=[A-ZĐÀ-Ỹ])", text):
        rest = text[m.end():]
        if is_formula(text[:m.end()]) and cue_sets().lead_before.match(rest):
            return rest
    return ""


def _clauses_with_subjects(value: str) -> list[tuple[str, Assignment]]:
    """A performers field written as sentences ("Sở X tiến hành rà soát ...; các sở, ngành ...
    rà soát ... . Đồng thời, các sở ... tiếp tục ..."): each clause that opens with its own
    subject and an action of several words, with its assignment; [] for a list of bodies."""
    starts = [0] + [m.end() for m in re.finditer(r"[.;]\s+", value)]
    found: list[tuple[int, Assignment]] = []
    for start in starts:
        own = parse_assignment(value[start:], allow_sentence_cues=False)
        # its action proper, past "chủ trì, phối hợp với ...": a field "X chủ trì, phối hợp
        # với Y" names bodies only
        action = strip_support_phrase(own.rest)
        if own.lead and own.how in ("subject", "giao") and len(action.split()) >= 6 \
                and agencies.starts_with_action(action):
            found.append((start, own))
    if not found or found[0][0] != 0:
        return []
    out = []
    for (start, _), end in zip(found, [s for s, _ in found[1:]] + [len(value)]):
        text = value[start:end].strip().rstrip(";").strip()
        out.append((text, parse_assignment(text, allow_sentence_cues=False)))
    return out


def _is_object_lead_in(text: str) -> bool:
    """A duty whose items are its objects ("Sở X chịu trách nhiệm cập nhật ... đối với:")."""
    ending = text.rstrip().rstrip(":").rstrip()
    return text.rstrip().endswith(":") and any(
        m.end() == len(ending) for m in cue_sets().object_lead_in_endings.finditer(ending))


def _partners_lead_in(block: Block, after: list[Block]) -> list[str]:
    """The partners named by a lead-in that names no lead of its own ("Chủ trì, phối hợp với
    các cơ quan có liên quan tham mưu cho ...:") and is followed by numbered items, which the
    outline sets beside it rather than under it; [] otherwise."""
    if block.kind not in ("lead-in", "paragraph") or not block.text.rstrip().endswith(":") \
            or any(c.kind not in ("table", "row") for c in block.children) \
            or not after or not after[0].is_numbered:
        return []
    own = parse_assignment(block.text, allow_sentence_cues=False)
    if own.lead or not own.support or not cue_sets().lead_after.match(block.text):
        return []
    return own.support


def _frames_own_items(block: Block) -> bool:
    """An item whose items are its own, so a general call above it does not lead them: a part
    over agency headings ("1. Tháo gỡ khó khăn ..." / "a) Ngân hàng Nhà nước:"), or a heading
    that is no obligation itself ("2. Đối với việc lập hồ sơ ...:") one of whose items names its
    own agencies ("a) Yêu cầu Nhà đầu tư ...")."""
    items = [c for c in block.children if c.kind not in ("table", "row")]
    if any(c.children and heading_agencies(c.text) for c in items):
        return True
    if not items or not (_is_title(block.text) or block.text.rstrip().endswith(":")):
        return False
    return any(
        heading_agencies(c.text) or parse_assignment(c.text, allow_sentence_cues=False).lead
        for c in items)


def _listed_members(block: Block) -> list[str]:
    """The bodies a lead-in enumerates as its items ("Giao các sở quản lý chuyên ngành gồm:" +
    "- Sở Công Thương (đối với ...);" + "- Sở Xây dựng (...)."), or [] when it is not such a
    list (a membership list of people and roles is not)."""
    text = block.text.rstrip()
    if block.kind not in ("lead-in", "paragraph") or not text.endswith(":") \
            or introduces_members(text) \
            or not cue_sets().member_list_openers.search(text[-12:]):
        return []
    items = [c for c in block.children if c.kind not in ("table", "row")]
    if len(items) < 2 or any(c.children for c in items):
        return []
    members: list[str] = []
    for item in items:
        names = heading_agencies(item.text)
        if not names:
            return []
        members.extend(names)
    return dedupe(members)


def _rhythm_label(text: str) -> str:
    """A short line label that gives the rhythm of every clause of the line ("Báo cáo 6 tháng:
    các đơn vị gửi ... trước ngày 05/7; Sở Tài chính tổng hợp ... trước ngày 10/7"), or ""."""
    colon = text.find(":")
    if colon < 0 or len(text[:colon].split()) > 5:
        return ""
    label = text[:colon + 1]
    return label if find_recurrence(label) else ""


def _continues(block: Block) -> bool:
    """An unmarked paragraph that names no agency of its own: the rest of the item above it."""
    return block.kind == "paragraph" and not block.children \
        and not parse_assignment(block.text, allow_sentence_cues=True).lead


def _is_caption(text: str) -> bool:
    """A line that names or annotates rather than states: a title in capitals ("QUY ĐỊNH CỤ
    THỂ", "Mục 1. HOẠT ĐỘNG ..."), a note wholly in parentheses ("(Kèm theo Kế hoạch ...)")."""
    stripped = text.strip().rstrip(".:;")
    if stripped.startswith("(") and stripped.endswith(")"):
        return True
    return in_capitals(stripped, min_letters=6)


def _details_only(block: Block) -> bool:
    """Children that enumerate details (steps, product groups) of a sentence item rather than
    obligations: each begins with a detail label ("Bước 1: ...") or is a short noun phrase (no
    verb first, by underthesea's part-of-speech tags)."""
    if _is_title(block.text):
        return False
    cues = cue_sets()
    children = [c for c in block.children if c.kind not in ("table", "row")]
    if children and _is_object_lead_in(block.text):
        return True     # "... cập nhật các thông tin vào Cơ sở dữ liệu đối với:" + its objects
    if not children or any(c.children for c in children):
        return False    # a sub-heading with items under it is structure, not a detail
    return all(cues.detail_labels.match(c.text) or _is_noun_phrase_item(c.text)
               for c in children)


def clear_text_caches() -> None:
    _is_noun_phrase_item.cache_clear()


@lru_cache(maxsize=2048)
def _is_noun_phrase_item(text: str) -> bool:
    words = text.split()
    if len(words) > 10:
        return False
    tags = [tag for _, tag in pos_tag(" ".join(words))]
    return bool(tags) and tags[0] in ("N", "Np", "Nc", "M") and "V" not in tags[:3]


def extract_tasks(text: str, body_start: int, body_end: int,
                  doc_date: dt.date | None = None, addressees: list[str] = ()) -> list[Task]:
    """Tasks assigned in text[body_start:body_end]; `addressees` (the "Kính gửi" list) is who
    "quý Bộ", "quý cơ quan" stand for."""
    extractor = TaskExtractor(text, doc_date, addressees)
    extractor.body_start = body_start
    extractor.walk(parse_outline(text, body_start, body_end), Frame())
    return extractor.tasks
