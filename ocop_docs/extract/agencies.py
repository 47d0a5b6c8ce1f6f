"""Agency names in Vietnamese directives: abbreviation expansion, canonical names, lists of agencies
and where an agency sequence ends and the action begins.

All vocabulary is data (models/abbreviations.tsv, agency_types.yaml, agency_boundaries.yaml,
agencies_gazetteer.tsv, leader_titles.tsv); this module only holds the grammar:

    agency   := [title] ["các"] TYPE name-words [modifiers]      ("Giám đốc Sở Y tế tỉnh")
              | [title] "các" GROUP-NOUN {"," GROUP-NOUN} [modifiers]   ("các sở, ban, ngành liên quan")
    sequence := agency {("," | ";" | "và") agency}

A name runs over capitalised words, "và" + capitalised word, dashes, and lower-case words until an
action word, a stop word or a delimiter that is not followed by another agency. A gazetteer of the
standard national structure keeps standard names whole ("Sở Văn hóa, Thể thao và Du lịch") and
restores their official spelling.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from ocop_docs.textutil import fold
from ocop_docs.resources import load_tsv, load_yaml

__all__ = [
    "expand_abbreviations", "canonical_name", "split_agency_list", "parse_agency_sequence",
    "find_agency_mentions", "heading_agencies", "fold",
]


# ---------------------------------------------------------------- text helpers

_OLD_TONES = {"uỷ": "ủy", "Uỷ": "Ủy", "UỶ": "ỦY", "thuỷ": "thủy", "Thuỷ": "Thủy", "hoá": "hóa",
              "Hoá": "Hóa", "hoà": "hòa", "Hoà": "Hòa", "toà": "tòa", "Toà": "Tòa"}
_OLD_TONE_RE = re.compile(r"(?<!\w)(" + "|".join(_OLD_TONES) + r")(?!\w)")   # not "toàn"


def _normalize(text: str) -> str:
    """NFC, standard tone placement in a few frequent syllables (same length), Ð -> Đ, an
    administrative level capitalised out of respect in lower case (same length)."""
    text = unicodedata.normalize("NFC", text)
    text = _OLD_TONE_RE.sub(lambda m: _OLD_TONES[m.group(1)], text)
    text = text.replace("Ð", "Đ")
    return _honorific_levels()[0].sub(_lower_level, text)


@lru_cache(maxsize=1)
def _honorific_levels() -> tuple[re.Pattern, dict]:
    """"các sở, ban, ngành Tỉnh", "Ủy ban nhân dân Tỉnh": a level after a word, read in lower
    case unless a proper name follows ("Tỉnh Hòa Bình") or a word that makes it a body's own
    name ("Tỉnh ủy", "Huyện đoàn": agency_types.yaml honorific_levels)."""
    from ocop_docs.resources import load_yaml

    table = {word: {w.lower() for w in (names or [])}
             for word, names in load_yaml("agency_types.yaml").get("honorific_levels", {}).items()}
    words = "|".join(re.escape(w) for w in table)
    return re.compile(rf"(?<=\w )({words})\b(?P<after>[ \t]+\w+)?"), table


def _lower_level(m: re.Match) -> str:
    after = (m.group("after") or "").strip()
    if after and (after[:1].isupper() or after[:1].isdigit()          # "Phường 3": a name
                  or after.lower() in _honorific_levels()[1][m.group(1)]):
        return m.group()
    return m.group().replace(m.group(1), m.group(1).lower(), 1)


# A document number ("490/QĐ-TTg", "46-CT/TU", "392/TTr-CCPTNT-QLCL"): never expanded.
_NUMBER_RE = re.compile(r"\d+(?:\s*[/\-]\s*[\wĐđÐ&]+)+")


# ---------------------------------------------------------------- data

@dataclass
class _Lexicon:
    abbr_re: re.Pattern
    abbr_exp: list[str]
    titles: dict
    proper: dict
    group: dict
    group_family: dict
    admin: dict
    not_agency: dict
    action: dict
    stop: dict
    relative: dict
    collocations: dict
    modifiers: dict
    gazetteer: dict = field(default_factory=dict)   # first folded word -> [(key tuple, name)]
    gaz_by_key: dict = field(default_factory=dict)
    project_owners: dict = field(default_factory=dict)
    singular_roles: dict = field(default_factory=dict)
    bare_collectives: dict = field(default_factory=dict)
    project_words: dict = field(default_factory=dict)
    needs_qualifier: dict = field(default_factory=dict)
    comma_name_types: dict = field(default_factory=dict)
    distinct_groups: dict = field(default_factory=dict)
    never_in_names: dict = field(default_factory=dict)
    unit_qualifiers: dict = field(default_factory=dict)
    assignment_passives: dict = field(default_factory=dict)
    domain_heads: dict = field(default_factory=dict)
    parties: dict = field(default_factory=dict)
    collective_lists: dict = field(default_factory=dict)
    assigned_roles: dict = field(default_factory=dict)


def _phrase_index(phrases) -> dict:
    """first word (lower) -> list of word tuples, longest first."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for p in phrases:
        words = tuple(_TOKEN_RE.findall(_normalize(p).lower()))
        if words:
            index.setdefault(words[0], []).append(words)
    for v in index.values():
        v.sort(key=len, reverse=True)
    return index


def _gaz_key(text: str) -> tuple[str, ...]:
    return tuple(w for w in (fold(t) for t in _TOKEN_RE.findall(_normalize(text)))
                 if w.isalnum() and w != "va")


@lru_cache(maxsize=1)
def _lex() -> _Lexicon:
    alts, exps = [], []
    rows = sorted(load_tsv("abbreviations.tsv"), key=lambda r: -len(r["form"]))
    for r in rows:
        form, exp, kind = _normalize(r["form"]), _normalize(r["expansion"]), r["kind"]
        if kind == "joined":
            parts = [re.escape(p) for p in form.split("|")]
            sep = r"(?:\s*[-–&/]\s*|,|\s+và\s+|)"
            body = sep.join(parts)
        else:
            body = re.escape(form)
        alts.append(rf"(?P<a{len(exps)}>(?<![\w]){body}(?![\w]))")
        exps.append(exp)
    # every form begins with a capital: try the alternatives only at a capital that starts a
    # word (a single scan instead of one attempt per alternative at every character)
    lower = [r["form"] for r in rows if not r["form"][:1].isupper()]
    if lower:
        raise ValueError(f"abbreviations.tsv: forms must begin with a capital: {lower}")
    firsts = "".join(sorted({re.escape(_normalize(r["form"])[0]) for r in rows}))
    abbr_re = re.compile(rf"(?<![\w])(?=[{firsts}])(?:" + "|".join(alts) + ")")

    titles = {}
    for r in load_tsv("leader_titles.tsv"):
        words = tuple(_TOKEN_RE.findall(_normalize(r["title"]).lower()))
        implied = r["implied_type"] + ("\t" if r.get("office_of_body") == "yes" else "")
        titles.setdefault(words[0], []).append((words, implied))
    for v in titles.values():
        v.sort(key=lambda x: -len(x[0]))

    types = load_yaml("agency_types.yaml")
    bounds = load_yaml("agency_boundaries.yaml")
    family = {}
    for fam, nouns in types["group"].items():
        for n in nouns:
            family[tuple(_toneless(w) for w in _normalize(n).lower().split())] = fam
    not_agency = {tuple(k.lower().split()): set(v or []) for k, v in types["not_agency"].items()}
    lex = _Lexicon(
        abbr_re=abbr_re, abbr_exp=exps, titles=titles,
        proper=_phrase_index(types["proper"]),
        group=_phrase_index([n for ns in types["group"].values() for n in ns]),
        group_family=family,
        admin=_phrase_index(types["admin"]),
        not_agency=not_agency,
        action=_phrase_index(bounds["action_words"]),
        stop=_phrase_index(bounds["stop_words"]),
        relative=_phrase_index(bounds["relative_modifiers"]),
        collocations=_phrase_index(bounds["noun_collocations"]),
        modifiers=_phrase_index(bounds["group_modifiers"]),
        project_owners=_phrase_index(types.get("project_owners", [])),
        singular_roles=_phrase_index(types.get("singular_roles", [])),
        bare_collectives=_phrase_index(types.get("bare_collectives", [])),
        needs_qualifier=_phrase_index(types.get("needs_qualifier", [])),
        comma_name_types=_phrase_index(types.get("comma_name_types", [])),
        distinct_groups=_phrase_index(types.get("distinct_groups", [])),
        never_in_names=_phrase_index(bounds.get("never_in_names", [])),
        project_words=_phrase_index(types.get("project_words", [])),
        unit_qualifiers=_phrase_index(types.get("unit_qualifiers", [])),
        assignment_passives=_phrase_index(bounds.get("assignment_passives", [])),
        assigned_roles=_phrase_index(bounds.get("assigned_roles", [])),
        domain_heads=_phrase_index(bounds.get("domain_heads", [])),
        parties=_phrase_index(bounds.get("parties", [])),
        collective_lists=_phrase_index(types.get("collective_lists", [])),
    )
    for r in load_tsv("agencies_gazetteer.tsv"):
        name = _normalize(r["name"])
        key = _gaz_key(name)
        lex.gazetteer.setdefault(key[0], []).append((key, name))
        lex.gaz_by_key.setdefault(key, []).append(name)
    for v in lex.gazetteer.values():
        v.sort(key=lambda x: -len(x[0]))
    return lex


# ---------------------------------------------------------------- abbreviations

def _expand_with_map(text: str) -> tuple[str, list[int]]:
    """Expand abbreviations; also return, for every index of the result (and its end), the index
    in `text` it comes from."""
    lex = _lex()
    protected = [m.span() for m in _NUMBER_RE.finditer(text)]
    out: list[str] = []
    mp: list[int] = []
    pos = 0
    for m in lex.abbr_re.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in protected):
            continue
        idx = int(m.lastgroup[1:])
        rep = lex.abbr_exp[idx]
        out.append(text[pos:m.start()])
        mp.extend(range(pos, m.start()))
        out.append(rep)
        mp.extend([m.start()] * len(rep))
        pos = m.end()
    out.append(text[pos:])
    mp.extend(range(pos, len(text)))
    mp.append(len(text))
    return "".join(out), mp


def expand_abbreviations(text: str) -> str:
    """UBND -> Ủy ban nhân dân, NN-PTNT -> Nông nghiệp và Phát triển nông thôn, ... (not inside
    document numbers such as 490/QĐ-TTg)."""
    return _expand_with_map(_normalize(text))[0]


# ---------------------------------------------------------------- tokens

_TOKEN_RE = re.compile(r"\w+|[^\w\s]")


@dataclass(slots=True)
class _Tok:
    t: str          # text
    l: str          # lower case
    s: int          # start in the (expanded) text
    e: int
    nl: bool        # a line break precedes it

    @property
    def cap(self) -> bool:
        return self.t[:1].isupper()

    @property
    def word(self) -> bool:
        return self.t[:1].isalpha()


def _tokenize(text: str) -> list[_Tok]:
    toks = []
    prev_end = 0
    find = text.find
    for m in _TOKEN_RE.finditer(text):
        start, end = m.span()
        word = m.group()
        toks.append(_Tok(word, word.lower(), start, end,
                         start > prev_end and find("\n", prev_end, start) >= 0))
        prev_end = end
    return toks


def _match(index: dict, toks: list[_Tok], i: int) -> int:
    """Length (in tokens) of the longest phrase of `index` at toks[i], or 0."""
    if i >= len(toks):
        return 0
    for words in index.get(toks[i].l, ()):
        n = len(words)
        # after its first word, a phrase's words may differ in tone marks only: OCR and typing
        # slips ("đoàn thê", "đơn vi") of words the first one has already placed
        if i + n <= len(toks) and all(toks[i + k].l == words[k] or _toneless(toks[i + k].l)
                                      == _toneless(words[k]) for k in range(1, n)):
            if any(toks[i + k].nl for k in range(1, n)):
                continue
            return n
    return 0


@lru_cache(maxsize=65536)
def _toneless(word: str) -> str:
    return fold(word)


def _family_of(words, default=None):
    """The family of a group noun (its words, tone marks ignored as in `_match`)."""
    return _lex().group_family.get(tuple(_toneless(w) for w in words), default)


def _match_gazetteer(toks: list[_Tok], i: int) -> tuple[int, str | None]:
    """Longest gazetteer name starting at toks[i] (ignoring case, tones, punctuation, "và")."""
    lex = _lex()
    if i >= len(toks):
        return 0, None
    first = fold(toks[i].t)
    best = (0, None)
    for key, name in lex.gazetteer.get(first, ()):
        k, j = 0, i
        while j < len(toks) and k < len(key):
            f = fold(toks[j].t)
            if f == key[k]:
                k += 1
                j += 1
            elif f == "va" or toks[j].t in ",-–&/":
                if j > i and toks[j].nl:
                    break
                j += 1
            else:
                break
        if k == len(key) and j - i > best[0]:
            best = (j - i, name)
            break
    return best


# ---------------------------------------------------------------- the grammar

_DELIMS = {",", ";", ":", ".", "!", "?", ")", "(", "\"", "“", "”"}
_JOINERS = {"-", "–", "—", "/", "&"}
_LEADING_JUNK = {"-", "+", "•", "*", "–", "và", "với", "cùng", ":", ",", ";", "."}


@dataclass
class _Agency:
    start: int              # token index where the surface starts (after a title)
    end: int                # token index after the agency
    prefix: str = ""        # a type word implied by a title ("Trưởng phòng" -> "Phòng")
    names: list[str] | None = None   # explicit names (colon lists, distributed levels)
    family: str | None = None
    plural: bool = False


def _is_action(toks: list[_Tok], j: int) -> bool:
    lex = _lex()
    if j >= len(toks) or toks[j].cap:
        return False
    if _match(lex.collocations, toks, j):
        return False
    return bool(_match(lex.action, toks, j) or _match(lex.stop, toks, j))


def _type_at(toks: list[_Tok], k: int, plural: bool, loose: bool):
    """(kind, length, family) of a type word or group noun at toks[k], or None."""
    lex = _lex()
    if k >= len(toks) or not toks[k].word:
        return None
    n = _match(lex.proper, toks, k)
    if n:
        head = tuple(t.l for t in toks[k:k + n])
        nxt = toks[k + n].l if k + n < len(toks) else ""
        blocked = lex.not_agency.get(head, set())
        nxt_tok = toks[k + n] if k + n < len(toks) else None
        if nxt in blocked and not (nxt_tok.cap and not nxt_tok.t.isupper()) \
                and _match_gazetteer(toks, k)[0] <= n:
            n = 0       # "bộ tài liệu", "ban hành" (but "Bộ Tài chính", "BỘ TÀI CHÍNH" are names)
        elif not toks[k].cap and not (plural or loose):
            n = 0
    if n and not toks[k].cap and _match(lex.group, toks, k) == n \
            and k + n < len(toks) and toks[k + n].t == ",":
        n = 0   # a lower-case "cơ quan", "đơn vị" is a group noun ("cơ quan, đơn vị, doanh nghiệp")
    if n:
        fam = _family_of(t.l for t in toks[k:k + n])
        return "proper", n, fam or "A"
    n = _match(lex.group, toks, k)
    if n and not plural and _match(lex.action, toks, k) \
            and not (k + n + 1 < len(toks) and toks[k + n].t == "," and _member_ends(toks, k + n)):
        n = 0       # "tổ chức thực hiện" (but "tổ chức, đoàn thể có liên quan": group nouns)
    if n and (plural or loose):
        head = tuple(t.l for t in toks[k:k + n])
        if toks[k + n].l in lex.not_agency.get(head, set()) if k + n < len(toks) else False:
            m = _match(lex.group, toks, k + n)
            if not (m and _member_ends(toks, k + n + m)):
                return None     # "cơ quan tổ chức hội nghị" (but "cơ quan tổ chức liên quan")
        return "group", n, _family_of(head, "A")
    return None


def _agency_starts(toks: list[_Tok], i: int, loose: bool = True) -> bool:
    return _parse_one(toks, i, loose) is not None


def _parse_one(toks: list[_Tok], i: int, loose: bool) -> _Agency | None:
    """One agency starting at toks[i]. `loose` allows a bare group noun ("địa phương")."""
    lex = _lex()
    if i >= len(toks):
        return None
    if toks[i].l == "quý" and i + 1 < len(toks):
        # "đề nghị quý Bộ ...", "quý cơ quan": the letter's addressee (Kính gửi)
        typ = _type_at(toks, i + 1, True, True)
        if typ is not None:
            agency = _Agency(start=i, end=i + 1 + typ[1])
            agency.addressee = True  # type: ignore[attr-defined]
            return agency
    k = i
    implied = None
    titled = False
    office_of_body = False
    if toks[k].l in ("các", "những") and k + 1 < len(toks) and any(
            all(k + 1 + m < len(toks) and toks[k + 1 + m].l == words[m]
                for m in range(len(words)))
            and k + 1 + len(words) < len(toks)
            and (toks[k + 1 + len(words)].t == "," or toks[k + 1 + len(words)].l == "và")
            for words, _ in lex.titles.get(toks[k + 1].l, ())):
        k += 1      # "Các Bộ trưởng, Thủ trưởng ...": a bare title in a list, plural
    for words, imp in lex.titles.get(toks[k].l, ()):
        n = len(words)
        if all(k + m < len(toks) and toks[k + m].l == words[m] for m in range(n)):
            implied, titled = imp.rstrip("\t"), True
            office_of_body = imp.endswith("\t")
            k += n
            break
    if titled and not implied and k + 1 < len(toks) and toks[k].t == "," \
            and not toks[k + 1].nl and _title_at(toks, k + 1):
        # "Chủ tịch Hội đồng thành viên, Tổng Giám đốc các tập đoàn ...": two leaders of the
        # same bodies, named once after the last title
        return _parse_one(toks, k + 1, loose)
    start = k
    plural = collective = False
    if k < len(toks) and toks[k].l in ("các", "những"):
        plural = True
        k += 1
    elif _match(lex.collective_lists, toks, k):
        plural = True   # "Sở, ban, ngành thành phố" without "các": the same group
        collective = True
    typ = _type_at(toks, k, plural, loose or titled)
    q = _match(lex.needs_qualifier, toks, k)
    if q and typ is not None:
        after = toks[k + q] if k + q < len(toks) else None
        if after is None or not (after.l in ("các", "của", "cấp") or (after.cap and after.word)):
            return None     # "Cơ quan thường trực, điều phối ...": a role, not a body
    prefix = ""
    if typ is None and titled and implied and not plural and (
            k >= len(toks) or toks[k].t in (",", ";") or toks[k].l == "và"):
        # "..., Bộ trưởng, Thủ trưởng cơ quan ngang bộ, ...": a bare title in a list stands for
        # every body of its type ("Các bộ")
        agency = _Agency(start=start, end=k)
        agency.bare_type = implied  # type: ignore[attr-defined]
        return agency
    if typ is None:
        if implied and k < len(toks) and toks[k].word and not _is_action(toks, k):
            prefix = implied
            typ = ("proper", 0, "A")
        elif plural and _match(lex.admin, toks, k):
            typ = ("group", _match(lex.admin, toks, k), "admin")
        else:
            return None
    if typ is not None and office_of_body and implied:
        prefix = implied     # "Chánh Văn phòng UBND tỉnh" -> Văn phòng UBND tỉnh
    kind, n, family = typ
    j = k + n
    # a standard name from the gazetteer, whole
    g, _ = _match_gazetteer(toks, k)
    if g > n:
        j = k + g
    owner = _project_owner(toks, k, n) if kind == "group" and not plural else None
    if owner is not None:
        # "Nhà đầu tư (của) 02 dự án cao tốc Tân Phú – Bảo Lộc": one body, named by its project
        agency = _Agency(start=start, end=owner, family=family)
        return agency
    if kind == "group" and family == "admin" and not plural and not titled and not prefix:
        named = _named_unit(toks, k + n)
        if named is not None:
            # "Huyện Lý Sơn tăng cường ...", "phối hợp với thành phố Quảng Ngãi": a unit named
            # acts through its People's Committee
            agency = _Agency(start=start, end=named, prefix="Ủy ban nhân dân", family=family)
            agency.unit_named = True  # type: ignore[attr-defined]
            return agency
    if kind == "group" and not plural and not titled and not any(
            t.l in ("các", "những") for t in toks[k:k + n + 1]) \
            and _match(_lex().singular_roles, toks, k) != n \
            and not _match(_lex().bare_collectives, toks, k):
        # "phối hợp với địa phương" -> "Các địa phương"; a noun whose own words say "các"
        # stays as written ("Chủ các hồ chứa", "Chủ đầu tư các dự án")
        prefix = "các"
    agency = _Agency(start=start, end=j, prefix=prefix or ("các" if collective else ""),
                     family=family, plural=plural)
    agency.gazetteer_end = j if g and g >= n else None  # type: ignore[attr-defined]
    agency.type_end = k + n  # type: ignore[attr-defined]
    agency.type_start = k  # type: ignore[attr-defined]
    # colon list: "Các Sở: Công Thương, Y tế", "UBND các xã: Vĩnh Tân, Thạnh Phú"
    j = _name_body(toks, j, agency, kind)
    agency.end = j
    return agency


def _named_unit(toks: list[_Tok], j: int) -> int | None:
    """The end of a unit's proper name after its unit word ("huyện [đảo] Lý Sơn", "phường 3"),
    or None when no name follows."""
    lex = _lex()
    n = _match(lex.unit_qualifiers, toks, j)
    j += n
    start = j
    if j < len(toks) and toks[j].t.isdigit() and not toks[j].nl:
        return j + 1
    while j < len(toks) and toks[j].cap and toks[j].word and not toks[j].nl \
            and not _match(lex.never_in_names, toks, j):
        j += 1          # (a type word may begin a place's name: "thành phố Hội An")
    return j if j > start else None


def _title_at(toks: list[_Tok], k: int) -> bool:
    """A leader's title of no implied type starts at toks[k] ("Tổng Giám đốc", "Chủ tịch")."""
    return any(not imp.rstrip("\t") and all(
        k + m < len(toks) and toks[k + m].l == words[m] for m in range(len(words)))
        for words, imp in _lex().titles.get(toks[k].l, ()))


def _name_body(toks: list[_Tok], j: int, agency: _Agency, kind: str) -> int:
    lex = _lex()
    in_group = kind == "group" or agency.plural
    family = agency.family
    closed = False      # a relative clause ("có liên quan") ended the group's member list
    while j < len(toks):
        tok = toks[j]
        if tok.nl and j > agency.start:
            break
        if tok.t == ":" and (agency.plural or _plural_inside(toks, agency.start, j)):
            end = _colon_list(toks, j, agency)
            if end is not None:
                return end
            break
        if j == getattr(agency, "type_end", -1) and not agency.plural \
                and _match(lex.admin, toks, j) and kind == "proper":
            # "UBND huyện, thành phố": the type word with bare units is a group
            n = _match(lex.admin, toks, j)
            nxt = j + n
            if nxt + 1 < len(toks) and toks[nxt].t == "," and _match(lex.admin, toks, nxt + 1):
                in_group, family = True, "admin"
                agency.plural_inside = True  # type: ignore[attr-defined]
                j = nxt
                continue
        if tok.l == "của" and in_group and j + 1 < len(toks) and toks[j + 1].cap:
            # "các thành viên của Ban Chỉ đạo": a group of the named body
            owner = _parse_one(toks, j + 1, False)
            if owner is not None and owner.end > j + 1:
                j = owner.end
                continue
        if tok.l == "và" and in_group and not closed and j + 1 < len(toks) \
                and not toks[j + 1].nl:
            # "các sở, ngành và địa phương": a bare member of the same family
            nxt = j + 1
            n = _match(lex.group, toks, nxt)
            fam = _family_of(t.l for t in toks[nxt:nxt + n]) if n else None
            if n and fam == family and not _followed_by_name(toks, nxt + n) \
                    and not _compound_group(toks, nxt + n):
                j = nxt + n
                continue
        type_end = getattr(agency, "type_end", j)
        type_start = type_end - 1
        if tok.t == "," and agency.plural and kind == "proper" and j + 1 < len(toks) \
                and toks[j + 1].cap and toks[j + 1].word and not toks[j + 1].nl \
                and not _agency_starts(toks, j + 1, loose=False) \
                and not _match(lex.group, toks, type_start) \
                and not any(t.l in lex.relative for t in toks[type_end:j]):
            # "các Bộ Tài nguyên và Môi trường, Tư pháp": the type word shared by the names
            # (not "các cơ quan trực thuộc Bộ Văn hóa, Thể thao và Du lịch")
            end = _colon_list(toks, type_end - 1, agency)
            if end is not None:
                agency._head_end = type_end  # type: ignore[attr-defined]
                return end
        if tok.t == "," and not in_group and kind == "proper" and j + 1 < len(toks) \
                and _match(lex.comma_name_types, toks, getattr(agency, "type_start", j)) \
                and toks[j + 1].cap and toks[j + 1].word and not toks[j + 1].nl \
                and not _agency_starts(toks, j + 1, loose=False) \
                and not (j + 2 < len(toks) and toks[j + 2].l in ("các", "những")):
            j += 1          # "Công ty TNHH MTV Đầu tư, Xây dựng ...", "Vụ Kế hoạch, Tài chính"
            continue
        misread_comma = tok.t == "." and j + 1 < len(toks) and toks[j + 1].word \
            and not toks[j + 1].cap and not toks[j + 1].nl
        if (tok.t == "," or misread_comma) and in_group:
            # group continuation: "các sở, ban, ngành", "các huyện, thị xã, thành phố"; a period
            # before a lower-case member is a comma misread by OCR ("các huyện. thành phố")
            nxt = j + 1
            if not agency.plural and any(t.cap and t.word for t in toks[getattr(agency, "type_end", j):j]):
                break   # "lực lượng Công an, chính quyền địa phương": a force named, then others
            if closed and _match(lex.action, toks, nxt):
                m = _match(lex.group, toks, nxt)
                after = toks[nxt + m] if m and nxt + m < len(toks) else None
                if after is None or not (after.t in (",", ";") or after.l == "và"):
                    break   # "các đơn vị có liên quan, tổ chức khảo sát ...": the list has
                    # ended, "tổ chức" is the verb (not "..., tổ chức, cá nhân")
            if _match(lex.distinct_groups, toks, nxt) and not agency.plural:
                break   # "Thủ trưởng cơ quan ngang bộ, cơ quan thuộc Chính phủ": bodies one by
                # one after a leader's title; written as a group ("các bộ, cơ quan ngang bộ,
                # cơ quan thuộc Chính phủ") they stay one group phrase
            n = _match(lex.group, toks, nxt) or _match(lex.admin, toks, nxt)
            fam = _family_of(t.l for t in toks[nxt:nxt + n]) if n else None
            if n and _match(lex.singular_roles, toks, nxt) == n:
                break   # "các sở, ngành, chủ đầu tư dự án": one party of a project follows
            if n and (fam == "admin" or not _followed_by_name(toks, nxt + n)):
                if fam == family or (family is None and fam):
                    j = nxt + n
                    continue
            break
        if tok.t in _DELIMS:
            break
        if tok.t == "/" and j + 1 < len(toks) and toks[j + 1].cap \
                and _agency_starts(toks, j + 1, loose=False):
            break       # "Sở Văn hóa, Thể thao và Du lịch/Sở Văn hóa và Thể thao": two bodies
        if tok.t in _JOINERS:
            if j + 1 < len(toks) and toks[j + 1].word and not _is_action(toks, j + 1) \
                    and not toks[j + 1].nl:
                j += 2 if tok.t != "/" or True else 1
                continue
            break
        n = _unit_number(toks, j)
        if n:
            j += n
            continue
        if re.fullmatch(r"\d{1,3}", tok.t) and j == getattr(agency, "type_end", -1) \
                and not in_group and _match(lex.admin, toks, j + 1):
            # "UBND 07 xã, phường có tên tại Điều 1": a counted group of units, like "các xã"
            n = _match(lex.admin, toks, j + 1)
            in_group, family = True, "admin"
            agency.plural_inside = True  # type: ignore[attr-defined]
            j += 1 + n
            continue
        if not tok.word:
            # "Ban Chỉ đạo ... giai đoạn 2016-2020"
            if tok.t.isdigit() and j >= 2 and toks[j - 2].l == "giai" and toks[j - 1].l == "đoạn":
                j += 1
                while j + 1 < len(toks) and toks[j].t in "-–" and toks[j + 1].t.isdigit():
                    j += 2
                continue
            break
        if tok.l == "và":
            if j + 1 >= len(toks) or toks[j + 1].nl:
                break
            n = _match(lex.collocations, toks, j)
            if n and any(t.l == "khu" for t in toks[agency.start:j]):
                j += n      # "Ban Quản lý Khu kinh tế Dung Quất và các Khu công nghiệp Quảng Ngãi"
                continue
            if getattr(agency, "gazetteer_end", None) is not None:
                break       # a complete standard name: "Thủ tướng Chính phủ và Chương trình ..."
            if _agency_starts(toks, j + 1, loose=False):
                break
            if toks[j + 1].cap or _match_gazetteer(toks, agency.start)[0] > j - agency.start:
                j += 1
                continue
            if _lower_case_field_pair(toks, agency, j, in_group):
                j += 2      # "Trung tâm Truyền thông tài nguyên và môi trường"
                continue
            break
        n = _match(lex.admin, toks, j)
        if n > 1:
            # a unit of several words ("Trung ương", "cấp tỉnh") qualifies the name whole
            j += n
            continue
        if tok.cap and j > agency.start and _match(lex.never_in_names, toks, j):
            break       # "Sở Xây dựng Chủ trì, ...": the predicate, capitalised
        if tok.cap and in_group:
            g, _ = _match_gazetteer(toks, j)
            if g > 1:
                j += g      # "các cơ quan trực thuộc Bộ Văn hóa, Thể thao và Du lịch"
                continue
        if tok.cap and not in_group and _match(lex.action, toks, j) \
                and not _match(lex.collocations, toks, j) \
                and any(_match(lex.admin, toks, k) == j - k for k in range(max(agency.start, j - 3), j)) \
                and _verb_goes_on(toks, j + _match(lex.action, toks, j)):
            break       # "Giao Công an Thành phố Chỉ đạo ...": after the level, a verb capitalised
        if tok.cap:
            # a capitalised word continues the name ("Chương trình" is a noun, not "trình")
            j += _match(lex.collocations, toks, j) or 1
            continue
        if tok.l in ("các", "những") and j + 1 < len(toks):
            n = _match(lex.group, toks, j + 1) or _match(lex.admin, toks, j + 1)
            if n:
                in_group = True
                agency.plural_inside = True  # type: ignore[attr-defined]
                family = _family_of((t.l for t in toks[j + 1:j + 1 + n]), "admin")
                j += 1 + n
                continue
        # lower-case word
        n = _match(lex.collocations, toks, j)
        if n:
            j += n
            continue
        n = _match(lex.group, toks, j) if in_group else 0
        if n and _group_noun_ends(toks, agency.start, j) and _member_ends(toks, j + n):
            j += n      # "cơ quan tổ chức có liên quan": a comma left out
            continue
        n = _match(lex.modifiers, toks, j)
        if n:
            closed = closed or in_group   # "các sở, ngành liên quan" ends the member list
            j += n
            continue
        n = _match(lex.admin, toks, j)
        if n:
            j += n
            continue
        if not in_group and j > agency.start and (
                _match(lex.admin, toks, j - 1) or getattr(agency, "gazetteer_end", None) == j):
            # after "tỉnh"/"huyện" or a complete standard name only a place name, a unit or a
            # modifier continues: "Kho bạc Nhà nước tỉnh kiểm soát ...", "Sở Ngoại vụ kết nối ..."
            break
        if in_group or (j == getattr(agency, "type_end", -1)
                        and _match(lex.group, toks, agency.type_start) == j - agency.type_start):
            # also a body named only by its role: "Cơ quan được giao thẩm định phương án giá"
            n = _match(lex.relative, toks, j)
            if n and _match(lex.action, toks, j) > n:
                break   # "tham gia vào quá trình ...": a longer predicate, not "tham gia" units
            if n:
                j = _relative_clause(toks, j + n, _match(lex.assignment_passives, toks, j) == n)
                closed = True
                continue
        if tok.l == "về" and any(_match(lex.domain_heads, toks, k) == j - k
                                for k in range(max(agency.start, j - 4), j)):
            field_end = _domain_of(toks, j + 1)     # "cơ quan quản lý nhà nước về đất đai"
            if field_end is None:
                break
            j = field_end
            continue
        if _match(lex.action, toks, j) or _match(lex.stop, toks, j):
            break
        j += 1
    return j


def _verb_goes_on(toks: list[_Tok], k: int) -> bool:
    """After a capitalised action word, a lower-case word or an agency: a verb ("Chỉ đạo Công an
    các phường", "Khẩn trương chia sẻ"), not a place's name ("Cần Thơ")."""
    if k >= len(toks) or toks[k].nl:
        return False
    return (toks[k].word and not toks[k].cap) or _agency_starts(toks, k, loose=False)


def _lower_case_field_pair(toks: list[_Tok], agency, j: int, in_group: bool) -> bool:
    """A named body's field written in lower case holds "và" ("Trung tâm Truyền thông tài
    nguyên và môi trường"): a lower-case word of the name before it, after it a lower-case
    word that is no action, no group, role or level (not "và các xã", "và chính quyền ...")."""
    lex = _lex()
    if in_group or getattr(agency, "plural", False) or j + 1 >= len(toks):
        return False
    before, after = toks[j - 1], toks[j + 1]
    if not before.word or before.cap or not after.word or after.cap or after.nl \
            or not any(t.cap for t in toks[agency.start:j]):
        return False
    return not (_is_action(toks, j + 1) or after.l in ("các", "những")
                or any(_match(index, toks, j + 1) for index in (
                    lex.group, lex.bare_collectives, lex.singular_roles, lex.admin, lex.proper,
                    lex.relative, lex.stop, lex.parties)))


def _domain_of(toks: list[_Tok], j: int) -> int | None:
    """The field a managing body manages, after "quản lý nhà nước về"/"chuyên ngành về": up
    to a delimiter, a line break, "và", an action or a stop word; None when no word of a field
    follows ("... về thực hiện ...")."""
    lex = _lex()
    start = j
    while j < len(toks) and not toks[j].nl and toks[j].word and toks[j].l != "và" \
            and not _match(lex.action, toks, j) and not _match(lex.stop, toks, j) \
            and j - start < 6:
        j += 1
    return j if j > start else None


def _project_owner(toks: list[_Tok], k: int, n: int) -> int | None:
    """The end of "Nhà đầu tư [của] [02] dự án <name>" starting at toks[k] (n tokens of owner
    noun), or None when the owner is not named by a project."""
    lex = _lex()
    if not _match(lex.project_owners, toks, k):
        return None
    j = k + n
    specific = False
    if j < len(toks) and toks[j].l == "của":
        j += 1
    if j < len(toks) and toks[j].t.isdigit():
        j += 1
        specific = True     # "Nhà đầu tư 02 dự án": the owners of two named projects
    m = _match(lex.project_words, toks, j)
    if not m:
        return None
    j += m
    start_name = j
    while j < len(toks) and not toks[j].nl:
        tok = toks[j]
        if tok.t in _DELIMS:
            break
        if tok.t in _JOINERS or tok.l == "và" or tok.cap or tok.t.isdigit():
            j += 1
            continue
        if tok.word and not _is_action(toks, j) and j - start_name < 5:
            j += 1       # "dự án cao tốc", "dự án đường bộ cao tốc"
            continue
        break
    while j > start_name and (toks[j - 1].t in _JOINERS or toks[j - 1].l == "và"):
        j -= 1
    return j if j > start_name or specific else None


def _unit_number(toks: list[_Tok], j: int) -> int:
    """Tokens of a number that is part of a name at toks[j]: "Ban Quản lý dự án ... số 1",
    "xã Bảo Lâm 2", "Phường 2 Bảo Lộc" (not "05 ngày")."""
    if j >= len(toks) or j == 0:
        return 0
    tok = toks[j]
    if tok.l == "số" and j + 1 < len(toks) and re.fullmatch(r"\d{1,2}|[IVXL]{1,4}", toks[j + 1].t):
        return 2
    if not re.fullmatch(r"[1-9]\d{0,3}", tok.t) or tok.nl:
        return 0        # "xã Bảo Lâm 2", "Ban Chỉ đạo 138", "Ban Chỉ đạo quốc gia 1237"
    prev = toks[j - 1]
    if not prev.word or (len(tok.t) <= 2 and not prev.cap
                         and not _match(_lex().admin, toks, j - 1)):
        return 0
    nxt = toks[j + 1] if j + 1 < len(toks) else None
    if nxt is None or nxt.t in _DELIMS or nxt.cap or _is_action(toks, j + 1):
        return 1
    if _match(_lex().admin, toks, j + 1):
        return 1        # "Ban Chỉ đạo 138 tỉnh": the body's number, then its level
    return 0


def _plural_inside(toks: list[_Tok], start: int, j: int) -> bool:
    return any(t.l == "các" for t in toks[start:j])


def _followed_by_name(toks: list[_Tok], j: int) -> bool:
    """A capitalised non-modifier word follows: "Ban Chỉ đạo" is a new agency, "Ban" is not;
    nor is a level written with capitals alone ("các bộ, ngành Trung ương": one group)."""
    if not (j < len(toks) and toks[j].cap and toks[j].word and not toks[j].nl):
        return False
    n = _match(_lex().admin, toks, j)
    return not n or _followed_by_name(toks, j + n)


def _group_noun_ends(toks: list[_Tok], start: int, j: int) -> bool:
    """A group noun ends right before toks[j] ("các cơ quan| tổ chức")."""
    lex = _lex()
    return any(_match(lex.group, toks, k) == j - k for k in range(max(start, j - 4), j))


def _member_ends(toks: list[_Tok], j: int) -> bool:
    """After a group noun at toks[j] a member list goes on or ends: a modifier ("liên quan"), a
    comma and another group noun, a delimiter or the end. Otherwise a group noun right after
    another is a predicate ("các cơ quan tổ chức thực hiện": the bodies organise)."""
    lex = _lex()
    if j >= len(toks) or toks[j].nl:
        return True
    tok = toks[j]
    if tok.t == "," and j + 1 < len(toks) and not toks[j + 1].nl:
        return bool(_match(lex.group, toks, j + 1))
    return tok.t in _DELIMS or bool(_match(lex.modifiers, toks, j)) \
        or bool(_match(lex.relative, toks, j))


def _compound_group(toks: list[_Tok], j: int) -> bool:
    """After "và" and a group noun ending at toks[j], another group noun follows, with or
    without a comma, and the list ends: "... và cơ quan, tổ chức có liên quan" is a group phrase
    of its own, not one more member of the group before "và"."""
    lex = _lex()
    k = j + 1 if j < len(toks) and toks[j].t == "," and not (j + 1 < len(toks) and toks[j + 1].nl) else j
    n = _match(lex.group, toks, k) if k < len(toks) and not toks[k].nl else 0
    return bool(n) and _member_ends(toks, k + n)


def _relative_clause(toks: list[_Tok], j: int, assigned: bool = False) -> int:
    """The rest of a modifying clause: up to a delimiter, an action word or "và <agency>".
    After "được giao"/"được phân công" (`assigned`), the role it gives ("chủ trì thực hiện
    nhiệm vụ") belongs to the clause: "các cơ quan được phân công chủ trì thực hiện nhiệm vụ
    tại Kế hoạch này có trách nhiệm ..."."""
    lex = _lex()
    while assigned and j < len(toks):
        n = _match(lex.assigned_roles, toks, j)
        if not n:
            break
        j += n
    while j < len(toks):
        tok = toks[j]
        if tok.nl or tok.t in _DELIMS:
            break
        if tok.l == "và" and (_agency_starts(toks, j + 1, loose=False)
                              or _match(lex.group, toks, j + 1)):
            break   # "các cơ quan có liên quan và đơn vị tư vấn": a new agency follows
        n = _match(lex.relative, toks, j) or _match(lex.collocations, toks, j)
        if n:
            j += n
            continue
        if tok.cap:
            g, _ = _match_gazetteer(toks, j)
            if g:
                j += g      # "trực thuộc Bộ Văn hóa, Thể thao và Du lịch": a standard name whole
                continue
        if not tok.cap and _match(lex.action, toks, j):
            break
        j += 1
    return j


def _colon_list(toks: list[_Tok], j: int, agency: _Agency) -> int | None:
    """Members after "Các Sở:" up to the action; sets agency.names. None if not a list."""
    k = j + 1
    if k >= len(toks) or toks[k].nl and False:
        return None
    if not toks[k].word or _is_action(toks, k) or _match(_lex().stop, toks, k) \
            or (toks[k].cap and _match(_lex().action, [
            _Tok(t.t, t.l, t.s, t.e, t.nl) for t in toks[k:k + 3]], 0)):
        return None
    end = k
    while end < len(toks):
        tok = toks[end]
        if tok.nl and end > k:
            break
        if tok.t in (".", "(", ")", ":"):
            break
        if tok.t == ";" and end + 1 < len(toks) and (
                _agency_starts(toks, end + 1, loose=False)
                or toks[end + 1].l in _lex().titles):
            break   # "Giám đốc các Sở: A, B; Chủ tịch UBND ...": the list ends here
        if tok.l == "và" and end + 1 < len(toks) and not toks[end + 1].cap \
                and _match(_lex().group, toks, end + 1):
            break   # "UBND các xã: A, B và đơn vị tư vấn": a body of another kind follows
        if tok.word and not tok.cap:
            n = _match(_lex().modifiers, toks, end) or _match(_lex().collocations, toks, end)
            if n:
                end += n
                continue
            if _match(_lex().action, toks, end):
                break
        end += 1
    agency.names = None
    agency.end = end
    agency._members = (k, end)  # type: ignore[attr-defined]
    return end


# ---------------------------------------------------------------- surfaces -> names

def _surface(text: str, toks: list[_Tok], a: int, b: int) -> str:
    if a >= b:
        return ""
    return text[toks[a].s:toks[b - 1].e]


ADDRESSEE_PREFIX = "Quý "


def _agency_names(text: str, toks: list[_Tok], ag: _Agency) -> list[str]:
    if getattr(ag, "bare_type", None):
        return ["Các " + ag.bare_type.lower()]
    if getattr(ag, "addressee", False):
        # resolved to the "Kính gửi" list by the caller (see is_addressee)
        return [ADDRESSEE_PREFIX + _surface(text, toks, ag.start + 1, ag.end)]
    members = getattr(ag, "_members", None)
    if members is None:
        surface = _surface(text, toks, ag.start, ag.end)
        if getattr(ag, "unit_named", False):
            surface = surface[:1].lower() + surface[1:]     # "Huyện Lý Sơn" in a sentence's start
        if ag.prefix:
            if ag.prefix == "các" and not surface[:2].isupper():
                surface = surface[:1].lower() + surface[1:]     # "Tổ chức, cá nhân" at a start
            surface = ag.prefix + " " + surface
        return [canonical_name(surface)] if surface.strip() else []
    # colon list
    colon = getattr(ag, "_head_end", members[0] - 1)
    head = _surface(text, toks, ag.start, colon)
    body = text[toks[members[0]].s:toks[members[1] - 1].e] if members[1] > members[0] else ""
    if ag.prefix:
        head = ag.prefix + " " + head
    return _expand_member_list(head, body)


def _expand_member_list(head: str, body: str) -> list[str]:
    """"Các Sở" + "Công Thương, Y tế" -> Sở Công Thương, Sở Y tế; "UBND các xã" + "A, B" -> ..."""
    head = head.strip()
    m = re.match(r"(?i)^(.*?)\b(các|những)\s+(.+)$", head)
    if m:
        base, noun = m.group(1).strip(), m.group(3).strip()
        stem = (base + " " + noun).strip() if base else noun
    else:
        stem = head
    stem = stem[:1].upper() + stem[1:]
    sep = ";" if ";" in body else ","
    parts = [p.strip() for p in body.split(sep)]
    # a trailing "và các ..." / "và <agency>" / "và thành phố X" is a separate agency
    pieces: list[str] = []
    for p in parts:
        sub = re.split(r"\s+và\s+(?=(?:các|Các|những)\s)", p)
        for s in sub:
            if _unit_at(s) and " và " in s:
                s, _, last = s.rpartition(" và ")
                pieces.extend(x.strip() for x in (s, last) if x.strip() and _unit_at(last))
                continue
            if s.strip():
                pieces.append(s.strip())
    out: list[str] = []
    i = 0
    while i < len(pieces):
        p = pieces[i]
        unit = _unit_at(p)
        if unit and m and len(p.split()) > len(unit.split()):
            # "UBND các huyện: A, B, thị xã C": a member of another level keeps its own unit
            out.append(canonical_name(m.group(1).strip() + " " + p))
            i += 1
            continue
        if re.match(r"(?i)^(các|những)\s", p):
            # "..., các cơ quan, đơn vị liên quan": the lower-case members after it are its own
            j = i + 1
            while j < len(pieces) and pieces[j][:1].islower():
                j += 1
            out.append(canonical_name(", ".join(pieces[i:j])))
            i = j
            continue
        toks = _tokenize(expand_abbreviations(p))
        agency = _parse_one(toks, 0, loose=False)
        if agency is not None and not _in_gazetteer(stem + " " + p):
            j = i + 1
            if _match(_lex().comma_name_types, toks, getattr(agency, "type_start", 0)):
                # "Công ty TNHH MTV Đầu tư, Xây dựng và Kinh doanh dịch vụ X": a company's name
                # runs over commas up to the next member
                while j < len(pieces) and pieces[j][:1].isupper() \
                        and _parse_one(_tokenize(expand_abbreviations(pieces[j])), 0,
                                       loose=False) is None \
                        and not _in_gazetteer(stem + " " + pieces[j]):
                    j += 1
            out.append(canonical_name(", ".join(pieces[i:j])))
            i = j
            continue
        # merge pieces while the result is a standard name ("Văn hóa, Thể thao và Du lịch")
        best = i
        for j in range(i + 1, len(pieces)):
            if _in_gazetteer(stem + " " + ", ".join(pieces[i:j + 1])):
                best = j
        name = ", ".join(pieces[i:best + 1]) if sep == "," else pieces[i]
        out.append(canonical_name(stem + " " + name))
        i = best + 1
    return out


def _unit_at(text: str) -> str:
    """The administrative unit word that opens text ("thị xã", "thành phố"), or ""."""
    toks = _tokenize(text.strip())
    n = _match(_lex().admin, toks, 0) if toks and not toks[0].cap else 0
    return " ".join(t.t for t in toks[:n])


def _in_gazetteer(name: str) -> bool:
    return _gaz_key(expand_abbreviations(name)) in _lex().gaz_by_key


def _recase_all_caps(text: str) -> str:
    """"ỦY BAN NHÂN DÂN HUYỆN VĨNH CỬU" -> "Ủy ban nhân dân huyện Vĩnh Cửu"."""
    lex = _lex()
    abbrs = {m for m in re.findall(r"[\wĐ]+", "|".join(lex.abbr_re.pattern.split("|")))}
    words = text.split()
    out = []
    after_admin = False
    for w in words:
        core = re.sub(r"\W", "", w)
        if core in abbrs and len(core) > 1 and core.isupper():
            out.append(w)
            continue
        lw = w.lower()
        if after_admin:
            out.append(lw[:1].upper() + lw[1:])
        else:
            out.append(lw)
        if lw in ("tỉnh", "huyện", "xã", "phường", "quận") or lw in ("phố", "trấn") and \
                len(out) > 1 and out[-2].lower() in ("thành", "thị"):
            after_admin = True
    res = " ".join(out)
    return res


def _apply_gazetteer(text: str) -> str:
    """Official spelling of standard names found in `text`."""
    toks = _tokenize(text)
    out = []
    pos = 0
    i = 0
    while i < len(toks):
        n, name = _match_gazetteer(toks, i) if toks[i].word else (0, None)
        if n and (i == 0 or toks[i].cap or toks[i].l in ("sở", "phòng", "bộ", "chi", "trung",
                                                           "văn", "ban")):
            span = text[toks[i].s:toks[i + n - 1].e]
            # several spellings of one name ("Đài Phát thanh - Truyền hình" / "... và ..."):
            # keep the one written
            variants = _lex().gaz_by_key.get(_gaz_key(name), [name])
            name = next((v for v in variants if ("-" in v) == ("-" in span)), name)
            out.append(text[pos:toks[i].s])
            out.append(name)
            pos = toks[i + n - 1].e
            i += n
            continue
        i += 1
    out.append(text[pos:])
    return "".join(out)


_PAREN_RE = re.compile(r"\s*\([^()]*\)")


def agency_of_title(text: str) -> str:
    """The agency a leader's title stands for (models/leader_titles.tsv); other text unchanged:
    "Giám đốc Sở Y tế" -> Sở Y tế; "Trưởng phòng Kinh tế" -> Phòng Kinh tế;
    "Chánh Văn phòng UBND tỉnh" -> Văn phòng UBND tỉnh."""
    toks = _tokenize(text)
    if not toks:
        return text
    for words, imp in _lex().titles.get(toks[0].l, ()):
        imp = imp.rstrip("\t")
        n = len(words)
        if n < len(toks) and all(toks[m].l == words[m] for m in range(n)):
            rest = text[toks[n].s:]
            if imp and not rest.lower().startswith(imp.lower() + " "):
                rest = imp + " " + rest
            return rest
    return text


def starts_with_action(text: str) -> bool:
    """The text opens with an action word in lower case ("tiến hành rà soát ...", "rà soát
    ..."), not a qualifier ("theo chức năng ...")."""
    toks = _tokenize(text.lstrip(" ,;:"))
    return bool(toks) and not toks[0].cap and bool(_match(_lex().action, toks, 0))


def canonical_name(surface: str) -> str:
    """A full, readable agency name (see module doc)."""
    text = _normalize(surface)
    text = _PAREN_RE.sub("", text)
    text = re.sub(r"\s+", " ", text).strip()
    # leading bullets and conjunctions, trailing punctuation
    while True:
        new = re.sub(r"^(?:[-+•*–:,;.]\s*|(?:và|với|cùng với|cùng|Và|Với)\s+)", "", text)
        if new == text:
            break
        text = new
    text = re.sub(r"[\s.,;:(\-–]+$", "", text)
    if not text:
        return ""
    # "các huyện. thành phố": a comma misread as a period by OCR
    text = re.sub(r"\.(?=\s+[^\W\d_])", lambda m: "," if text[m.end() + 1:m.end() + 2].islower()
                  else ".", text)
    text = expand_abbreviations(text)
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) / len(letters) > 0.6 and len(text.split()) > 2:
        text = _recase_all_caps(text)
    text = agency_of_title(text)
    text = text.replace("–", "-").replace("—", "-")
    text = re.sub(r"(?<=[^\W\d])\s*-\s*(?=[^\W\d])", " - ", text)
    text = re.sub(r"\s+([,;])", r"\1", text)
    text = _apply_gazetteer(text)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------- public parsing API

def _distributed(text: str, toks: list[_Tok], ag: _Agency) -> tuple[list[str], int] | None:
    """"Đài Phát thanh - Truyền hình tỉnh, huyện, thị xã, thành phố" -> the provincial body and
    the same body of "các huyện, thị xã, thành phố"."""
    lex = _lex()
    if ag.plural or getattr(ag, "plural_inside", False) or ag.end - ag.start < 3 \
            or getattr(ag, "_members", None):
        return None
    last = ag.end - 1
    n_admin = 0
    for back in (1, 2):
        if last - back + 1 >= ag.start and _match(lex.admin, toks, last - back + 1) == back:
            n_admin = back
    if not n_admin:
        return None
    j = ag.end
    levels = []
    while j + 1 < len(toks) and toks[j].t == "," and not toks[j + 1].nl:
        n = _match(lex.admin, toks, j + 1)
        if not n or _followed_by_name(toks, j + 1 + n) or _match(lex.proper, toks, j + 1) > n:
            break       # ", Tỉnh đoàn Thanh niên" is a body of its own, not a level
        levels.append(_surface(text, toks, j + 1, j + 1 + n))
        j += 1 + n
    if not levels:
        return None
    if [t.l for t in toks[j:j + 4]] == ["trực", "thuộc", "trung", "ương"]:
        # "Sở Văn hóa và Thể thao tỉnh, thành phố trực thuộc Trung ương": the provincial level
        # named in full, one body
        return [canonical_name(_surface(text, toks, ag.start, j + 4))], j + 4
    base = _surface(text, toks, ag.start, ag.end - n_admin)
    first = canonical_name(_surface(text, toks, ag.start, ag.end))
    second = canonical_name(base + " các " + ", ".join(levels))
    return [first, second], j


def _sequence(text: str, start_tok: int, toks: list[_Tok], loose_first: bool = True):
    i = start_tok
    while i < len(toks) and (toks[i].t in _LEADING_JUNK or toks[i].l in _LEADING_JUNK):
        i += 1
    if i + 2 < len(toks) and (toks[i].l, toks[i + 1].l) == ("tất", "cả") \
            and toks[i + 2].l in ("các", "những"):
        i += 2      # "Tất cả các cơ quan, đơn vị trên địa bàn tỉnh ...": the group itself
    names: list[str] = []
    end = None
    loose = loose_first
    while i < len(toks):
        ag = _parse_one(toks, i, loose)
        if ag is None or ag.end <= i:
            break
        dist = _distributed(text, toks, ag)
        if dist:
            names.extend(dist[0])
            j = dist[1]
        else:
            names.extend(_agency_names(text, toks, ag))
            j = ag.end
        end = j
        glossed = _past_gloss(toks, j)
        if glossed > j and glossed < len(toks) and toks[glossed].t == ":":
            end = glossed   # "Sở X (Cơ quan thường trực ...): Phối hợp ..."
        k = _next_agency(toks, glossed) if glossed > j else None
        if k is not None:
            end = glossed   # "... phối hợp Sở X (Cơ quan thường trực ...), Sở Y, ..."
        else:
            k = _next_agency(toks, j)
        if k is None:
            break
        i = k
        loose = True
    return names, end


def _next_agency(toks: list[_Tok], j: int) -> int | None:
    """Where the next agency of a list starts after a separator at toks[j], or None."""
    k = j
    if k < len(toks) and toks[k].t in (",", ";", "/") \
            and not (k + 1 < len(toks) and toks[k + 1].nl):
        k += 1
    if k < len(toks) and toks[k].l == "và" and not toks[k].nl:
        k += 1
    if k == j or k >= len(toks) or _parse_one(toks, k, True) is None:
        return None
    return k


def _past_gloss(toks: list[_Tok], j: int) -> int:
    """After an agency, the end of a parenthesis that glosses it on the same line ("Sở Nông
    nghiệp và PTNT (Cơ quan Thường trực về Phòng, chống thiên tai), Sở Giao thông vận tải"); j
    when none follows."""
    if j >= len(toks) or toks[j].t != "(" or toks[j].nl:
        return j
    for k in range(j + 1, min(len(toks), j + 40)):
        if toks[k].nl or toks[k].t == "(":
            return j
        if toks[k].t == ")":
            return k + 1
    return j


def parse_agency_sequence(text: str) -> tuple[list[str], int]:
    """Agencies named at the start of `text` and the offset where the action begins."""
    names, offset = _parse_agency_sequence(text)
    return list(names), offset


def clear_text_caches() -> None:
    _parse_agency_sequence.cache_clear()


@lru_cache(maxsize=8192)
def _parse_agency_sequence(text: str) -> tuple[tuple[str, ...], int]:
    norm = _normalize(text)
    if len(norm) != len(text):
        norm = text
    expanded, mp = _expand_with_map(norm)
    toks = _tokenize(expanded)
    names, end = _sequence(expanded, 0, toks)
    if not names or end is None:
        return (), 0
    # the action starts after separators following the last agency
    k = end
    while k < len(toks) and toks[k].t in (",", ":", "-", "–", ";"):
        k += 1
    offset = mp[toks[k].s] if k < len(toks) else len(text)
    seen, out = set(), []
    for n in names:
        if n and n not in seen:
            seen.add(n)
            out.append(n)
    return tuple(out), offset


def named_in_full(name: str, fuller: list[str]) -> str | None:
    """The full name among `fuller` (a heading's agencies) that `name` shortens by its level
    word: "Kho bạc Nhà nước tỉnh" under "Sở Tài chính và Kho bạc Nhà nước Quảng Ngãi" is "Kho
    bạc Nhà nước Quảng Ngãi". The full name is the same words followed by a place name (each
    word capitalised); None when no such name is there."""
    words = name.split()
    for level in _own_levels():
        n = len(level)
        if len(words) <= n + 1 or tuple(fold(w) for w in words[-n:]) != level:
            continue
        stem = fold(" ".join(words[:-n]))
        for full in fuller:
            head, rest = full.split()[:len(words) - n], full.split()[len(words) - n:]
            if fold(" ".join(head)) == stem and 0 < len(rest) <= 4 \
                    and all(w[:1].isupper() for w in rest):
                return full
    return None


def members_named(group: str, fuller: list[str]) -> list[str] | None:
    """The bodies of `fuller` (a heading's agencies) that a plural group stands for: "Ủy ban
    nhân dân các xã" under "Giao UBND các xã: Đức Trọng, Hiệp Thạnh, Đinh Văn Lâm Hà" is those
    three. Each must be the group's type and unit word followed by a name; None otherwise."""
    m = re.match(r"^(.*?)\s*\b(?:các|những)\s+(\S+)$", group, flags=re.IGNORECASE)
    if not m or len(fuller) < 2:
        return None
    head = fold(f"{m.group(1)} {m.group(2)}".strip())
    for full in fuller:
        words = full.split()
        n = len(head.split())
        if fold(" ".join(words[:n])) != head or not 0 < len(words) - n <= 4 \
                or not all(w[:1].isupper() or w[:1].isdigit() for w in words[n:]):
            return None
    return list(fuller)


@lru_cache(maxsize=1)
def _own_levels() -> tuple[tuple[str, ...], ...]:
    """models/agency_types.yaml own_levels, folded, longest first."""
    levels = {tuple(fold(w) for w in lv.split()) for lv in load_yaml("agency_types.yaml").get("own_levels", [])}
    return tuple(sorted(levels, key=len, reverse=True))


def is_back_reference(name: str) -> bool:
    """A name that points back to bodies named earlier ("Các đơn vị nêu trên", a bare "Công
    ty" after several companies were named): models/agency_types.yaml back_references."""
    return fold(name).strip() in _back_references()


@lru_cache(maxsize=1)
def _back_references() -> frozenset[str]:
    return frozenset(fold(_normalize(p)) for p in load_yaml("agency_types.yaml").get(
        "back_references", []))


def enterprises_named(text: str) -> list[str]:
    """The enterprises (companies, corporations, groups: agency_types.yaml
    enterprise_types) named in `text`, in order, each once."""
    types = tuple(fold(_normalize(t)) + " " for t in load_yaml("agency_types.yaml").get(
        "enterprise_types", []))
    out: list[str] = []
    for _, _, name in find_agency_mentions(text):
        if fold(name).startswith(types) and name not in out:
            out.append(name)
    return out


def is_addressee(name: str) -> bool:
    """A name that stands for the letter's addressee ("Quý Bộ", "Quý cơ quan")."""
    return name.startswith(ADDRESSEE_PREFIX)


def split_agency_list(phrase: str) -> list[str]:
    """A phrase naming one or more agencies (a field value, a table cell) -> one canonical name
    each. Parts separated by ";" or line breaks are read one by one, so one part that is not an
    agency does not hide the others ("Bộ Quốc phòng; Bộ Tài chính")."""
    names: list[str] = []
    parts = [phrase] if ":" in phrase else re.split(r"\s*(?:;|\n)\s*", phrase)
    parts = [(piece, len(pieces) > 1) for part in parts
             for pieces in [_slash_alternatives(part)] for piece in pieces]
    for part, alternative in parts:
        part = part.strip(" .-–+•")
        found, _ = parse_agency_sequence(part)
        if not found and (_looks_like_a_name(part) or alternative and _names_an_actor(part)):
            found = [canonical_name(part)]   # a body of no known type: "Viễn thông Lạng Sơn"
        names.extend(n for n in found if n not in names)
    return names


def _slash_alternatives(part: str) -> list[str]:
    """"Vụ Kế hoạch - Tài chính/ Ban Quản lý quy hoạch", "Sở Văn hóa, Thể thao và Du lịch/Sở
    Văn hóa và Thể thao": two names joined by a slash, each of two words or more and the second
    capitalised ("Sở NN/PTNT" stays one name)."""
    pieces = re.split(r"\s*/\s*(?=[^\W\d_])", part)
    if len(pieces) > 1 and all(len(p.split()) >= 2 and p[:1].isupper() for p in pieces):
        return pieces
    return [part]


def _names_an_actor(part: str) -> bool:
    """A short capitalised phrase set as an alternative to an agency ("Ban Quản lý dự án/Tư vấn
    được lựa chọn"): whoever it names shares the work."""
    words = part.split()
    return 3 <= len(words) <= 6 and words[0][:1].isupper() and not re.search(r"\d|[.:;]", part)


def _looks_like_a_name(part: str) -> bool:
    """A short phrase of capitalised words (a company, a newspaper) standing alone where only
    agencies are written (a table's agency column, a "Cơ quan phối hợp:" value)."""
    words = part.split()
    return 2 <= len(words) <= 8 and words[0][:1].isupper() and \
        sum(1 for w in words if w[:1].isupper()) >= len(words) / 2 and \
        not re.search(r"\d{4}|[.:;]", part)


def find_agency_mentions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, canonical name) of every agency named in `text`."""
    lex = _lex()
    norm = _normalize(text)
    if len(norm) != len(text):
        norm = text
    expanded, mp = _expand_with_map(norm)
    toks = _tokenize(expanded)
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        shouting = tok.t.isupper() and len(tok.t) > 1 and i > 0 and toks[i - 1].t.isupper() \
            and toks[i - 1].word and len(toks[i - 1].t) > 1
        starts = not shouting and tok.word and (tok.cap or tok.l in ("các", "những")) and (
            _match(lex.proper, toks, i) or tok.l in ("các", "những") or tok.l in lex.titles)
        ag = _parse_one(toks, i, False) if starts else None
        if ag is None or ag.end <= i:
            i += 1
            continue
        s, e = mp[toks[i].s], mp[toks[ag.end - 1].e]
        dist = _distributed(expanded, toks, ag)
        names = dist[0] if dist else _agency_names(expanded, toks, ag)
        j = dist[1] if dist else ag.end
        for n in names:
            if n:
                out.append((s, e, n))
        i = max(j, i + 1)
    return out


_HEADING_NUM_RE = re.compile(
    r"^\s*(?:[-+•*]\s*)?(?:(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])\s*[.)/]\s*)*")


def heading_agencies(line: str) -> list[str] | None:
    """The agencies a heading line names, or None when the line is not (only) agencies."""
    text = _HEADING_NUM_RE.sub("", _normalize(line), count=1)
    text = _PAREN_RE.sub("", text).strip()
    text = re.sub(r"\s*\([^()]*$", "", text)      # a parenthesis the heading's line break left open
    text = re.sub(r"[\s:;.,]+$", "", text)
    if not text:
        return None
    for candidate in (text, text.split(":", 1)[0].strip() if ":" in text else None):
        if not candidate:
            continue
        names, off = parse_agency_sequence(candidate)
        rest = candidate[off:].strip(" :;.,-–")
        if names and rest and _defining_clause(rest) \
                and names[-1].lower().startswith(("các ", "những ")):
            # "Các chủ rừng là tổ chức": the group narrowed by what its members are
            return names[:-1] + [f"{names[-1]} {rest}"]
        if names and not rest:
            return names
        if names and off == 0:
            continue
    return None


def _defining_clause(text: str) -> bool:
    """ "là tổ chức", "là hộ gia đình, cá nhân": a copula and nothing but kinds of body (the
    group nouns of agency_types.yaml), which narrows the group before it."""
    toks = _tokenize(text)
    if len(toks) < 2 or toks[0].l != "là":
        return False
    lex = _lex()
    k = 1
    while k < len(toks):
        n = _match(lex.group, toks, k)
        if not n:
            return False
        k += n
        if k < len(toks):
            if toks[k].t != "," and toks[k].l != "và":
                return False
            k += 1
            if k == len(toks):
                return False
    return True
