"""What one item of a directive says about who must act: its own words ("Giao X ...",
"X chủ trì, phối hợp với Y ...", "X: ...", a sentence whose subject is an agency), field lines
("Đơn vị thực hiện: ..."), and agency headings. The cue words are data (models/assignment_cues.yaml);
agency names are parsed by ocop_docs.extract.agencies.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from underthesea import sent_tokenize

from ocop_docs.extract import agencies
from ocop_docs.resources import load_yaml
from ocop_docs.structure.outline import PART_KINDS
from ocop_docs.textutil import CueSet, cue_pattern, fold, squash

_GENERIC_ACTION = re.compile(
    r"^(?:,?\s*(?:và\s+)?(?:tổ chức|triển khai|thực hiện|tổ chức thực hiện|triển khai thực hiện"
    r"|chịu trách nhiệm|chủ trì|thực hiện nhiệm vụ|tham mưu thực hiện|theo dõi)\s*)*[.;:]?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Cues:
    lead_before: CueSet
    lead_after: CueSet
    executor_predicates: CueSet
    support_before: CueSet
    support_second_verbs: CueSet
    non_assignment: CueSet
    obligation: CueSet
    fields: dict[str, CueSet]
    columns: dict[str, CueSet]
    column_phrases: dict[str, list[CueSet]]   # each column cue alone, most specific first
    detail_labels: CueSet
    non_task_sections: CueSet
    scope_articles: CueSet
    role_headings: CueSet
    requests_by_heading: CueSet
    topic_labels: CueSet
    adverbial_openers: CueSet
    heading_prefixes: CueSet
    membership_headings: CueSet
    membership_roles: CueSet
    formulas: re.Pattern
    status_statements: re.Pattern
    later_subjects: CueSet
    courtesy_words: CueSet
    member_list_openers: CueSet
    detail_lead_in_endings: CueSet
    alias_openers: CueSet
    object_lead_in_endings: CueSet
    object_followers: CueSet
    partner_roles: CueSet
    support_list_joiners: CueSet
    verbs_with_agency_objects: CueSet


@lru_cache(maxsize=1)
def cue_sets() -> _Cues:
    data = load_yaml("assignment_cues.yaml")
    return _Cues(
        lead_before=cue_pattern(data["lead_before"]),
        lead_after=cue_pattern(data["lead_after"]),
        executor_predicates=cue_pattern(data["executor_predicates"]),
        support_before=cue_pattern(data["support_before"]),
        support_second_verbs=cue_pattern(data["support_second_verbs"]),
        non_assignment=cue_pattern(data["non_assignment_predicates"]),
        obligation=cue_pattern(data["obligation_predicates"]),
        fields={k: cue_pattern(v) for k, v in data["fields"].items()},
        columns={k: cue_pattern(v) for k, v in data["columns"].items()},
        column_phrases={k: [cue_pattern([c]) for c in v] for k, v in data["columns"].items()},
        detail_labels=cue_pattern(data["detail_labels"]),
        non_task_sections=cue_pattern(data["non_task_sections"]),
        scope_articles=cue_pattern(data["scope_articles"]),
        role_headings=cue_pattern(data["role_headings"]),
        requests_by_heading=cue_pattern(data["requests_by_heading"]),
        topic_labels=cue_pattern(data["topic_labels"]),
        adverbial_openers=cue_pattern(data["adverbial_openers"]),
        heading_prefixes=cue_pattern(data["heading_prefixes"]),
        membership_headings=cue_pattern(data["membership_headings"]),
        membership_roles=cue_pattern(data["membership_roles"]),
        formulas=re.compile("|".join(f"(?:{f})" for f in data["formulas"])),
        status_statements=re.compile("|".join(f"(?:{f})" for f in data["status_statements"])),
        later_subjects=cue_pattern(data["later_subjects"]),
        courtesy_words=cue_pattern(data["courtesy_words"]),
        member_list_openers=cue_pattern(data["member_list_openers"]),
        detail_lead_in_endings=cue_pattern(data["detail_lead_in_endings"]),
        alias_openers=cue_pattern(data["alias_openers"]),
        object_lead_in_endings=cue_pattern(data["object_lead_in_endings"]),
        object_followers=cue_pattern(data["object_followers"]),
        partner_roles=cue_pattern(data["partner_roles"]),
        support_list_joiners=cue_pattern(data["support_list_joiners"]),
        verbs_with_agency_objects=cue_pattern(data["verbs_with_agency_objects"]),
    )


@dataclass
class Assignment:
    """Agencies an item's own words name."""
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    rest: str = ""              # the text after the lead phrase (the action proper)
    how: str | None = None      # "giao", "subject", "colon", "sentence"



_AGENCY_WINDOW = 400   # characters of text in which an agency list must lie


def agencies_at(text: str) -> tuple[list[str], int]:
    """Agencies named at the start of text, and where they end."""
    if not text.strip():
        return [], 0
    lead_space = len(text) - len(text.lstrip(" ,:"))
    window = text[lead_space:lead_space + _AGENCY_WINDOW]
    if len(text) - lead_space > _AGENCY_WINDOW and " " in window:
        window = window[:window.rindex(" ")]  # an agency list never runs this long
    names, end = _agency_sequence(window)
    return (list(names), lead_space + end) if names else ([], 0)


def clear_text_caches() -> None:
    _agency_sequence.cache_clear()
    _parse_assignment_cached.cache_clear()
    _heading_agencies.cache_clear()
    agencies.clear_text_caches()


@lru_cache(maxsize=4096)
def _agency_sequence(window: str) -> tuple[tuple[str, ...], int]:
    """parse_agency_sequence, remembered: an item is read several times (heading, assignment,
    support phrases), so the same windows recur."""
    names, end = agencies.parse_agency_sequence(window)
    # a bare type word ("Sở", "Ban" of "giao ban") names no agency
    return tuple(n for n in names if len(n.split()) > 1), end


def supports_in(text: str) -> list[str]:
    """Agencies named after every "phối hợp (với)" / "cùng với" in text."""
    cues = cue_sets()
    folded = fold(text)
    found: list[str] = []
    for m in cues.support_before.finditer(text, folded):
        after = text[m.end():]
        joined = re.match(r"\s*(?:,|và)?\s*", after)     # always matches, maybe empty
        verb = cues.support_second_verbs.match(after[joined.end():])
        if verb:
            after = after[joined.end() + verb.end():]   # "phối hợp, hỗ trợ X": X supports
        names, end = agencies_at(after)
        found.extend(_named_by_role(after, names, end))
        while names:
            # "..., Ủy ban nhân dân các phường, xã cùng các đơn vị có liên quan": more partners
            rest = after[end:]
            joiner = cues.support_list_joiners.match(rest.lstrip())
            if not joiner:
                break
            at = end + len(rest) - len(rest.lstrip()) + joiner.end()
            names, more = agencies_at(after[at:])
            found.extend(names)
            end = at + more
    return found


def _named_by_role(after: str, names: list[str], end: int) -> list[str]:
    """Partners named only by their role in the plan: "phối hợp chặt chẽ với các cơ quan chủ trì
    trong tổ chức thực hiện", "với các cơ quan phối hợp thẩm định": the bare group noun and the
    role word are the name (the role word is no verb of theirs: they are the object)."""
    cues = cue_sets()
    if names:
        tail = after[end:].lstrip()
        role = cues.partner_roles.match(tail)
        if role and _bare_group(names[-1]) and not _role_is_verb(tail[role.end():]):
            return names[:-1] + [f"{names[-1]} {tail[role.start():role.end()]}"]
        return names
    # no name read ("các cơ quan chủ trì trong ..."): the group before the first role word
    role = next((r for r in cues.partner_roles.finditer(after[:60]) if after[:r.start()].strip()),
                None)
    if role is None:
        return names
    cut = after[:role.start()]
    found, found_end = agencies_at(cut)
    if found and not cut[found_end:].strip() and _bare_group(found[-1]) \
            and not _role_is_verb(after[role.end():]):
        return found[:-1] + [f"{found[-1]} {after[role.start():role.end()]}"]
    return names


def _bare_group(name: str) -> bool:
    """"Các cơ quan", "Cơ quan", "Các đơn vị": a group noun alone, no name or qualifier."""
    words = name.split()
    if words and words[0].lower() in ("các", "những"):
        words = words[1:]
    return 1 <= len(words) <= 2 and all(w.islower() for w in words)


def _role_is_verb(after_role: str) -> bool:
    """"chủ trì, phối hợp ...", "phối hợp với ...": the formula of a body that acts."""
    return bool(re.match(r"\s*(?:,|với\b|cùng\b)", after_role))


def same_agencies(a: list[str], b: list[str]) -> bool:
    return {fold(squash(n)) for n in a} == {fold(squash(n)) for n in b}


def dedupe(names: list[str], exclude: list[str] = ()) -> list[str]:
    out: list[str] = []
    keys = {fold(squash(n)) for n in exclude}
    for name in names:
        key = fold(squash(name))
        if key and key not in keys:
            keys.add(key)
            out.append(name)
    return out


def parse_assignment(text: str, allow_sentence_cues: bool = True) -> Assignment:
    """The agencies an item names as responsible, from its own words (remembered per text: an
    item is read by the walk over its siblings and again when it is visited)."""
    lead, support, rest, how = _parse_assignment_cached(text, allow_sentence_cues)
    return Assignment(list(lead), list(support), rest, how)


@lru_cache(maxsize=4096)
def _parse_assignment_cached(text: str, allow_sentence_cues: bool):
    found = _parse_assignment(text, allow_sentence_cues)
    return tuple(found.lead), tuple(found.support), found.rest, found.how


def _parse_assignment(text: str, allow_sentence_cues: bool = True) -> Assignment:
    cues = cue_sets()
    found = executors(text)
    if found is not None:
        return found
    alias = re.search(r"\(([^()]{0,120})\)", text[:250])
    if alias and cues.alias_openers.match(alias.group(1).strip()):
        # "X (sau đây gọi tắt là Y) là cơ quan ...": a definition, read past the parenthesis
        after = text[alias.end():].lstrip(" ,")
        if cues.non_assignment.match(after):
            return Assignment()
    # "Về công tác thông tin, tuyên truyền: Báo ..., Đài ... tăng cường ...": read past the label
    colon = text.find(":")
    if 0 < colon < 80 and cues.topic_labels.match(text) and not agencies.parse_agency_sequence(
            text[:colon])[0]:
        found = parse_assignment(text[colon + 1:], allow_sentence_cues)
        if found.lead:
            return found
    elif text[:1].isupper() and (
            # "Lập phương án giá: Cơ quan được giao thẩm định ... tham mưu ...": a short label
            # of the step, then a sentence whose subject is an agency or a request
            (0 < colon < 60 and len(text[:colon].split()) <= 6)
            # "Đẩy mạnh giải quyết khó khăn của Nhà đầu tư: Khi nhà đầu tư có kiến nghị, ...,
            # yêu cầu các sở, ngành liên quan trả lời": an item's title, a condition, a request
            or (0 < colon < 100 and len(text[:colon].split()) <= 14
                and cues.adverbial_openers.match(text[colon + 1:].lstrip()))) \
            and not agencies.parse_agency_sequence(text[:colon])[0]:
        found = parse_assignment(text[colon + 1:].lstrip(), allow_sentence_cues=False)
        if found.lead and found.how in ("subject", "giao"):
            return found
    # "Trên cơ sở ..., Hội đồng OCOP cấp huyện tổ chức ...": the subject after the clause
    if cues.adverbial_openers.match(text):
        sentence_end = re.search(r"[.:](\s|$)", text)
        limit = min(400, sentence_end.start() if sentence_end else len(text))
        # the clause ends at a comma or at "thì" ("Trường hợp ... thì các cơ quan ... rà soát")
        for comma, after_comma in ((m.start(), m.end()) for m in
                                   re.finditer(r"[,;]|\sthì(?=\s)", text[:limit])):
            if cues.support_before.search(text[:comma]):
                break   # "Hằng năm, phối hợp với A và các sở, ngành ...": no subject follows
            after = text[after_comma:].lstrip()
            asked = _asked(after)
            if asked:
                return asked    # "Trên cơ sở báo cáo của Công ty X, giao Sở Y chủ trì ..."
            if not after[:1].isupper() and not re.match(r"(?:các|những)\s", after):
                if cues.verbs_with_agency_objects.match(after):
                    break   # "Căn cứ ..., chỉ đạo các cơ sở A, các cơ sở B ...": no subject;
                    # a later comma is inside the verb's object
                continue
            names, end = agencies_at(text[after_comma:])
            rest = text[after_comma + end:].lstrip(" ,")
            if names and rest[:1].islower() and not cues.non_assignment.match(rest) \
                    and not cues.object_followers.match(rest):
                return _asked(rest) or Assignment(names, supports_in(rest), rest, "subject")
        # no comma after the clause: "Khi có kết quả đánh giá ... giao Sở Nội vụ chủ trì ..."
        for cue in cues.lead_before.finditer(text[:limit], fold(text[:limit])):
            if cue.start() == 0 or not text[cue.end():].lstrip()[:1].isupper() \
                    or fold(text[:cue.start()]).rstrip().endswith("duoc"):
                continue         # "nhiệm vụ được giao ...": a passive, not a request
            asked = _asked(text[cue.start():])
            if asked:
                return asked
    folded = fold(text)
    # "Giao X ...", "Đề nghị X ...", "Yêu cầu X ..."
    m = cues.lead_before.match(text, folded)
    if m:
        names, end = agencies_at(text[m.end():])
        if names:
            rest = text[m.end() + end:]
            return Assignment(names, supports_in(rest), rest, "giao")
    # "X chủ trì ...", "X phối hợp với Y ...", "X: ...", "X <verb> ..."
    names, end = agencies_at(text)
    if names:
        rest = text[end:]
        rest_stripped = rest.lstrip(" ,")
        asked = _asked(rest_stripped)
        if asked:
            return asked
        if rest.lstrip().startswith(":"):
            return Assignment(names, supports_in(rest), rest.lstrip()[1:], "colon")
        if text[:end].rstrip().endswith(":"):
            # "Các sở, ngành: Là các đơn vị ..., chịu trách nhiệm các nội dung sau:"
            return Assignment(names, supports_in(rest), rest, "colon")
        if not cues.non_assignment.match(rest_stripped) and rest_stripped[:1].isalpha():
            return Assignment(names, supports_in(rest), rest, "subject")
    if not allow_sentence_cues:
        return Assignment(support=supports_in(text))
    # a later sentence: "... UBND tỉnh yêu cầu các Sở, ngành ... ", "Các ngành, địa phương cần ..."
    for sentence_start in sentence_starts(text):
        sentence = text[sentence_start:]
        sub_folded = fold(sentence)
        for m in cues.lead_before.finditer(sentence, sub_folded):
            if m.start() > 80:
                break
            after = sentence[m.end():].lstrip()
            if not after[:1].isupper() and not re.match(r"(?i)(các|cho|những)\b", after):
                continue   # "hội nghị giao ban": the cue word inside a noun phrase
            names, _ = agencies_at(sentence[m.end():])
            if names:
                return Assignment(names, supports_in(sentence), sentence, "sentence")
        if sentence_start:
            subject = sentence
            opener = cues.adverbial_openers.match(sentence)
            if opener:
                # "... . Hằng năm, các cơ quan ... có trách nhiệm ...": the subject after the
                # opening clause's comma (the clause stays in the sentence: its rhythm counts)
                comma = sentence.find(",", opener.end(), opener.end() + 120)
                subject = sentence[comma + 1:].lstrip() if comma > 0 else ""
            names, end = agencies_at(subject)
            if names and cues.obligation.match(subject[end:].lstrip(" ,")):
                return Assignment(names, supports_in(sentence), sentence, "sentence")
    return _reported_request(text) or Assignment(support=supports_in(text))


def _reported_request(text: str) -> Assignment | None:
    """A request after a long opening clause, in the first sentence: "Thực hiện Chỉ thị số
    ...; để chủ động ứng phó ..., Chủ tịch UBND tỉnh yêu cầu Ban Chỉ huy ..., Thủ trưởng các sở
    ... thực hiện tốt các nội dung sau:" — the speaker after a comma, then the request cue."""
    limit = min(_REQUEST_WINDOW, _first_sentence_end(text))
    for comma in (m.start() for m in re.finditer(",", text[:limit])):
        after = text[comma + 1:].lstrip()
        if not after[:1].isupper():
            continue
        names, end = agencies_at(after)
        if names:
            asked = _asked(after[end:].lstrip(" ,"))
            if asked:
                return asked
    return None


_REQUEST_WINDOW = 800   # characters of opening clause before the speaker of a request


def _first_sentence_end(text: str) -> int:
    """Where the first sentence ends: a period or colon before a space and a word that is not in
    lower case (OCR's stray period inside a sentence, "tình hình. triển khai", ends none)."""
    for m in re.finditer(r"[.:](\s+|$)", text):
        following = text[m.end():m.end() + 1]
        if not following.islower():
            return m.start()
    return len(text)


def executors(text: str) -> Assignment | None:
    """The executors a decision's closing article lists before "chịu trách nhiệm thi hành":
    each part between ";" is an agency list of its own. The list holds only names, so words
    that end a name early ("thành viên Tổ công tác liên ngành kiểm tra, giám sát ...", "Vụ trưởng
    Vụ Vật liệu xây dựng") still belong to it, up to the next agency. None when the text is not
    such a clause or its list holds no agency."""
    cue = cue_sets().executor_predicates.search(text)
    if cue is None or re.search(r"\.\s", text[:cue.start()]):
        return None     # the cue after another sentence: not the article's own subject
    names: list[str] = []
    for part in text[:cue.start()].split(";"):
        names.extend(_executor_names(part))
    if not names:
        return None
    rest = text[cue.start():]
    return Assignment(dedupe(names), supports_in(rest), rest, "subject")


def _executor_names(part: str) -> list[str]:
    names: list[str] = []
    part = part.strip(" ,")
    while part:
        found, end = _listed_agencies(part)
        if not found:
            break
        names.extend(found)
        rest = part[end:].strip(" ,.")
        if rest.startswith("và "):
            part = rest[3:]     # "... và tổ chức, cá nhân có liên quan": the next agency
            continue
        if not rest[:1].islower():
            break
        # the words up to the next agency finish the last name
        cut = next((m for m in re.finditer(r",\s*|\s+và\s+", rest)
                    if _listed_agencies(rest[m.end():])[0]), None)
        words = rest[:cut.start()] if cut else rest
        joiner = ", " if part[:end].rstrip().endswith(",") else " "
        names[-1] = agencies.canonical_name(names[-1] + joiner + words.strip())
        part = rest[cut.end():] if cut else ""
    return names


def _listed_agencies(text: str) -> tuple[list[str], int]:
    """Agencies at the start of an item of a list of agencies, where a bare group noun
    ("tổ chức, cá nhân có liên quan") stands for the group ("các tổ chức, cá nhân ...")."""
    found, end = agencies.parse_agency_sequence(text)
    if found or not text[:1].islower():
        return found, end
    found, end = agencies.parse_agency_sequence("các " + text)
    return (found, end - 4) if found and end > 4 else ([], 0)


def _asked(rest: str) -> Assignment | None:
    """ "Bộ X (kính) đề nghị Ủy ban nhân dân các tỉnh ...", "UBND tỉnh giao Sở Y ...": after the
    speaker's name, the agencies after the cue must act."""
    cues = cue_sets()
    polite = cues.courtesy_words.match(rest)
    after = rest[polite.end():].lstrip() if polite else rest
    cue = cues.lead_before.match(after)
    if not cue:
        return None
    asked, asked_end = agencies_at(after[cue.end():])
    if not asked:
        return None
    tail = after[cue.end() + asked_end:]
    return Assignment(asked, supports_in(tail), tail, "giao")


def bracketed_assignments(text: str) -> list[tuple[str, Assignment]]:
    """Assignments written in parentheses inside an item, with each parenthesis's text: "...
    ban hành Quy chế (Giao Công an tỉnh chủ trì, phối hợp với Sở Tư pháp ...)", "... báo cáo
    hằng tháng (Sở Kế hoạch và Đầu tư chịu trách nhiệm tổng hợp báo cáo chung toàn tỉnh)". Only
    an agency given the work ("Giao X ...") or one as the subject of a duty's cue words counts;
    "(do X chủ trì)", "(Sở Tài chính)", a list of names and "(theo Quyết định ...)" assign
    nothing."""
    found = []
    for m in re.finditer(r"\(([^()]{10,400})\)", text):
        inner = m.group(1).strip(" .;")
        if not inner[:1].isupper() or not states_duty(inner):
            continue
        assignment = parse_assignment(inner, allow_sentence_cues=True)
        if assignment.lead and assignment.how in ("giao", "subject"):
            found.append((inner, assignment))
    return found


def later_assignments(text: str, subjects_after: int | None = None
                      ) -> list[tuple[int, Assignment]]:
    """(offset, assignment) of each later sentence or clause of an item that opens with
    "Giao X" / "Đề nghị X" / "Yêu cầu X" (the item's first assignment excluded). When the
    item opens with its own subject, whose action starts at `subjects_after`, a clause of that
    action after ';' whose subject is a named agency counts too: "Các đơn vị gửi báo cáo ...;
    Sở Tài chính tổng hợp ..."."""
    cues = cue_sets()
    found = []
    for m in re.finditer(r"[.;]\s+", text):
        clause = text[m.end():]
        cue = cues.lead_before.match(clause)
        if not cue and subjects_after is not None and m.start() >= subjects_after \
                and m.group().startswith(";") and clause[:1].isupper():
            names, end = agencies_at(clause)
            rest = clause[end:]
            if names and not fold(names[0]).startswith("cac ") \
                    and (rest[:1].isspace() or rest[:1].islower()) \
                    and rest.lstrip()[:1].islower() \
                    and not cues.non_assignment.match(rest.lstrip()):
                found.append((m.end(), Assignment(names, supports_in(rest), rest, "subject")))
                continue
        if not cue:
            # "... . Riêng đối với các đơn vị sự nghiệp công lập thuộc UBND tỉnh, hằng quý ..."
            cue = cues.later_subjects.match(clause)
            if cue:
                names, end = agencies_at(clause[cue.end():])
                rest = clause[cue.end() + end:]
                said = rest.lstrip()
                if names and (clause[cue.end():cue.end() + end].rstrip().endswith(",")
                              or said.startswith(",")
                              # "Riêng huyện đảo Lý Sơn tăng cường ...": the subject, then its duty
                              or (said[:1].islower() and not cues.non_assignment.match(said))):
                    found.append((m.end(), Assignment(names, supports_in(rest), rest, "subject")))
            continue
        names, end = agencies_at(clause[cue.end():])
        if names:
            rest = clause[cue.end() + end:]
            found.append((m.end(), Assignment(names, supports_in(rest), rest, "giao")))
    return found


def sentence_starts(text: str) -> list[int]:
    """Where the sentences of a paragraph start (underthesea's sentence segmentation, which
    knows abbreviations such as "TS." and "TP."), and the clauses after ';' or ':' that begin
    with a capital ("...; Hội đồng OCOP cấp tỉnh tiến hành ...")."""
    starts = {0}
    position = 0
    for sentence in sent_tokenize(text):
        found = text.find(sentence[:40], position)
        if found >= 0 and not text[found:found + 1].islower():
            starts.add(found)   # (a period before a lower-case word ends no sentence: OCR)
            position = found + len(sentence)
    for m in re.finditer(r"(?<=[;:])\s+(?=[A-ZĐÀ-Ỹ])", text):
        starts.add(m.end())
    return sorted(starts)



def field_line(text: str) -> tuple[str, str] | None:
    """("lead"|"performers"|"support"|"deadline"|"content"|"products", value) for a field line
    ("Cơ quan chủ trì: Sở Y tế") or a bare field label ("a) Cơ quan chủ trì", value "")."""
    cues = cue_sets()
    colon = text.find(":")
    if colon < 0:
        label, value = text.strip().rstrip(".;").strip(), ""
        if len(label) > 45:
            return None
    elif colon > 45:
        return None
    else:
        label, value = text[:colon].strip(), text[colon + 1:].strip()
    for kind, pattern in cues.fields.items():
        if pattern.fullmatch(label) and (colon >= 0 or kind in _LABEL_ONLY_FIELDS):
            return kind, value
    return None


def _starts_with_agency_field(text: str) -> bool:
    fields = cue_sets().fields
    return any(fields[kind].match(text) for kind in ("lead", "performers", "support"))


# fields that may stand as a bare label over a list ("a) Cơ quan chủ trì" + "- Bộ Quốc phòng.");
# a bare "Nội dung" or "Nhiệm vụ" heading is a section title, not a field
_LABEL_ONLY_FIELDS = ("lead", "performers", "support", "deadline")


def block_fields(block) -> list[tuple[str, str]] | None:
    """The field lines an outline block holds: a field line ("Thời gian thực hiện: Quý II/2026"),
    a field label with its values listed under it ("a) Cơ quan chủ trì" + "- Bộ Quốc phòng."), or
    a short heading whose children are all field blocks ("2. Cơ quan chủ trì, phối hợp")."""
    if block.kind in PART_KINDS:
        return None      # "IV. TIẾN ĐỘ THỰC HIỆN" is a part of the body, not a field
    found = field_line(block.text)
    items = [c for c in block.children if c.kind not in ("table", "row")]
    if found is not None:
        kind, value = found
        if not value:
            if not items or (kind == "deadline" and len(items) > 1):
                return None
            value = "; ".join(squash(c.full_text()).rstrip(".;") for c in items)
        return [(kind, value)]
    if items and len(block.text.split()) <= 8 and _starts_with_agency_field(block.text):
        parts = [block_fields(c) for c in items]
        if all(parts):
            return [f for part in parts for f in part]
    return None


def performers(value: str) -> tuple[list[str], list[str]]:
    """An "Đơn vị thực hiện" value: "A chủ trì, phối hợp với B, C" → ([A], [B, C]);
    "A chủ trì, B" → ([A], [B]); "A, B, C" → ([A, B, C], [])."""
    cues = cue_sets()
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


def is_bare_assignment(assignment: Assignment) -> bool:
    return bool(assignment.lead) and assignment.how in ("subject", "giao") and bool(
        _GENERIC_ACTION.match(strip_support_phrase(assignment.rest)))


def strip_support_phrase(rest: str) -> str:
    """The action after removing "chủ trì" and "phối hợp với <agencies>" phrases."""
    cues = cue_sets()
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
            names, end = agencies_at(text[offset + m.end():])
            text = text[offset + m.end() + end:]
            continue
        break
    return text.strip()


def heading_agencies(text: str) -> list[str] | None:
    """The agencies of a heading that is only an agency list ("4. Sở Công Thương",
    "Ủy ban nhân dân các huyện, thành phố:", "Các Chi cục: Trồng trọt, ...; Kiểm lâm")."""
    found = _heading_agencies(text)
    return list(found) if found is not None else None


@lru_cache(maxsize=4096)
def _heading_agencies(text: str) -> tuple[str, ...] | None:
    clean = without_parenthetical(text)
    members = _enumerated_members(text)
    prefix = cue_sets().heading_prefixes.match(clean)
    if prefix:
        clean = clean[prefix.end():].strip()
    names = agencies.heading_agencies(clean)
    if members and len(members) >= 2 and re.match(r"(?i)các\s", clean) \
            and not text[text.rfind(")") + 1:].strip(" :;.,"):
        return tuple(members)   # "Các cơ quan đăng ký đầu tư (Sở Tài chính, Ban Quản lý ...):"
    if not names:
        if prefix and prefix.group().rstrip().endswith(" cua") and clean \
                and len(clean.rstrip(" :").split()) <= 10 and not re.search(r"[.;,]", clean):
            # "1.5. Trách nhiệm của đối tượng thực hiện kiểm kê:": whoever the duties belong
            # to leads them, even a body of no known type
            name = clean.rstrip(" :")
            return (name[:1].upper() + name[1:],)
        role = cue_sets().role_headings.match(clean)
        if role and not prefix and field_line(clean) is None and clean[role.end():].strip() \
                and len(clean.split()) <= 12 and not re.search(r"[.;,:]|\svà\s", clean):
            # "3. Cơ quan chủ trì giải quyết thủ tục đầu tư dự án": a body named by its role
            return (clean[:1].upper() + clean[1:],)
        return None
    parsed, end = agencies.parse_agency_sequence(clean)
    rest = clean[end:].strip(" :;.,") if parsed else clean
    if parsed and len(rest.split()) > 3:
        return None
    found = parsed or names
    if members and len(found) == 1 and fold(found[0]).startswith("cac "):
        return tuple(members)   # "Các cơ quan đăng ký đầu tư (Sở Tài chính, Ban Quản lý ...)"
    return tuple(found)


def _enumerated_members(text: str) -> list[str]:
    """The agencies a parenthesis enumerates: "(Sở Tài chính, Ban Quản lý Khu kinh tế)",
    "(gồm các Sở: Xây dựng, Công Thương)"."""
    m = re.search(r"\(([^()]{6,500})\)", text)
    if not m:
        return []
    inner = m.group(1).strip()
    opener = cue_sets().member_list_openers.match(inner)
    if opener:
        inner = inner[opener.end():].lstrip(" :")
    names, end = agencies.parse_agency_sequence(inner)
    if not names or inner[end:].strip(" .,;"):
        return []
    return names


def introduces_members(text: str) -> bool:
    """A heading or lead-in that lists the members of a body ("... gồm các thành viên sau:")."""
    stripped = text.rstrip()
    return stripped.endswith(":") and cue_sets().membership_headings.search(stripped) is not None


def is_membership_item(text: str) -> bool:
    """A list item that gives a member and a role, not an obligation: "Phó Trưởng ban: Giám đốc
    Sở ...", "Bộ trưởng Bộ Công an ..., Phó Trưởng Ban Chỉ đạo.", or a bare title + agency + name."""
    cues = cue_sets()
    stripped = text.strip().rstrip(".;")
    colon = stripped.find(":")
    if 0 < colon < 40 and cues.membership_roles.fullmatch(stripped[:colon].strip()):
        return True
    comma = stripped.rfind(",")
    if comma > 0 and cues.membership_roles.search(stripped[comma + 1:]) and \
            cues.membership_roles.search(stripped[comma + 1:]).start() <= 12 and \
            len(stripped[comma + 1:].split()) <= 8:
        return not cues.lead_after.search(stripped) and not cues.support_before.search(stripped)
    return False


def is_formula(text: str) -> bool:
    """An opening or closing formula of a notice or letter ("Trân trọng thông báo ... biết,
    thực hiện./.")."""
    return cue_sets().formulas.search(fold(text)) is not None


def states_status(text: str) -> bool:
    """The text reports how things stand ("... vẫn còn chậm, chưa đúng cam kết", "đã hoàn
    thành"), as an assessment does."""
    return cue_sets().status_statements.search(fold(text)) is not None


def states_duty(text: str) -> bool:
    """The text says who must act: a cue word of leading, supporting or obligation."""
    cues = cue_sets()
    folded = fold(text)
    return any(c.search(text, folded) for c in (cues.lead_before, cues.lead_after,
                                                 cues.support_before, cues.obligation))


def without_parenthetical(text: str) -> str:
    return re.sub(r"\s*\([^)]*\)\s*", " ", text).strip(" :")
