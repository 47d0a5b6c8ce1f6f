"""Citations of other documents by their number (số ký hiệu): "Quyết định số 490/QĐ-TTg ngày
07/5/2018 của Thủ tướng Chính phủ", "Chỉ thị số 46-CT/TU", "Nghị định 39/2018/NĐ-CP",
"Công văn số 1598/SNN-PTNT", OCR forms ("490/QĐTTg", "QÐ", spaces around '/' and '-').

One Citation per distinct number (compared as score.number_key does), in order of first mention.
Dates come from ocop_docs.extract.dates; issuers from ocop_docs.extract.agencies. Vocabulary lives
in models/doc_types.tsv and models/citation_rules.yaml.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ocop_docs.extract import agencies
from ocop_docs.extract.dates import find_dates
from ocop_docs.model import DOC_TYPES, Citation
from ocop_docs.textutil import fold
from ocop_docs.resources import load_tsv, load_yaml

__all__ = ["find_citations", "number_key"]


def number_key(number: str | None) -> str | None:
    """Letters and digits only, Đ folded, a year after the serial dropped (as score.py)."""
    if not number:
        return None
    text = re.sub(r"^(\s*\d+)\s*/\s*(19|20)\d\d\s*/", r"\1/", fold(number))
    key = re.sub(r"[^a-z0-9]", "", text)
    return key or None


_U = "A-ZĐÐÂĂÊÔƠƯ"          # capitals that start a number segment
_L = "A-Za-zĐđÐÂĂÊÔƠƯâăêôơư"
_SEG = rf"[{_U}][{_L}]*\d*"          # QĐ, TTg, QH15, UBTVQH11, BCĐQG1237
_SEP = r"\s*[-/–&]\s*"
# serial [/ year] / segments: 490/QĐ-TTg, 39/2018/NĐ-CP, 46-CT/TU, 392/TTr-CCPTNT-QLCL, 490/QĐTTg
_NUMBER = rf"(?P<num>(?P<serial>\d{{1,6}})(?:\s*/\s*(?P<year>(?:19|20)\d\d))?{_SEP}{_SEG}(?:{_SEP}{_SEG})*)"
# year-only form: "Nghị định 39/2018"
_YEAR_ONLY = r"(?P<yonly>(?P<yserial>\d{1,6})\s*/\s*(?P<yyear>(?:19|20)\d\d))(?![\d/\-])"


@lru_cache(maxsize=1)
def _data():
    rows = load_tsv("doc_types.tsv")
    by_name = {}
    by_abbr = {}
    for r in rows:
        contract = r.get("contract") or "Khác"
        by_name[r["name"].lower()] = contract if contract in DOC_TYPES else "Khác"
        if r.get("abbreviation"):
            by_abbr[r["abbreviation"].replace("Ð", "Đ")] = contract if contract in DOC_TYPES else "Khác"
    rules = load_yaml("citation_rules.yaml")
    letter_words = [w.lower() for w in rules.get("letter_words", [])]
    names = sorted(list(by_name) + letter_words, key=len, reverse=True)
    type_alt = "|".join(re.escape(n) for n in names)
    mention = re.compile(
        rf"(?:(?P<type>{type_alt})\s*(?:số\s*[:.]?\s*)?|(?P<so>(?<!\w)số\s*[:.]?\s*))?"
        rf"(?:{_NUMBER}|{_YEAR_ONLY})", re.IGNORECASE)
    return by_name, by_abbr, letter_words, rules, mention


def _split_run_together(seg: str, by_abbr: dict, codes: set[str]) -> str:
    """"QĐTTg" -> "QĐ-TTg" when it is a type abbreviation followed by a known issuer code."""
    if seg in by_abbr:
        return seg
    for abbr in sorted(by_abbr, key=len, reverse=True):
        if seg.startswith(abbr) and seg[len(abbr):] in codes:
            return abbr + "-" + seg[len(abbr):]
    return seg


def _clean_number(raw: str, by_abbr: dict, codes: set[str]) -> str:
    text = raw.replace("Ð", "Đ").replace("–", "-")
    text = re.sub(r"\s*([/\-&])\s*", r"\1", text)
    parts = re.split(r"([/\-])", text)
    out = []
    first_letters = True
    for p in parts:
        if p and p[0].isalpha():
            if first_letters:
                p = _split_run_together(p, by_abbr, codes)
                first_letters = False
            if p.upper() in codes or p.upper() in ("CP",):
                p = next((c for c in codes if c.upper() == p.upper()), p)
            out.append(p)
        else:
            out.append(p)
    return "".join(out)


@lru_cache(maxsize=1)
def _issued_verbs(rules_id=None) -> re.Pattern:
    words = load_yaml("citation_rules.yaml").get("issued_verbs", [])
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)",
                      re.IGNORECASE)


def _type_abbr(number: str, by_abbr: dict, anywhere: bool = False) -> str | None:
    """The contract type named by the number's abbreviation ("490/QĐ-TTg" -> Quyết định). With
    `anywhere`, also an abbreviation after the issuer code, as older numbers put it
    ("204/UB-QĐ-NĐ" -> Quyết định)."""
    m = re.match(r"\d+(?:/(?:19|20)\d\d)?([/\-])(.*)$", number)
    if not m:
        return None
    segs = re.split(r"[/\-]", m.group(2))
    if m.group(1) == "-":       # Party form 46-CT/TU: the type comes first after the dash
        return by_abbr.get(segs[0]) if segs else None
    if segs and segs[0] in by_abbr:
        return by_abbr[segs[0]]
    if anywhere:
        return next((by_abbr[s] for s in segs[1:] if s in by_abbr and by_abbr[s] != "Khác"), None)
    return None


def _type_before(text: str, start: int, by_name: dict, letter_words: list[str],
                 extra: dict) -> str | None:
    """The type named earlier in the same clause of a bare "số N/..." mention: "các Công văn: Số
    1060/BTC-QLGCS ...; số 1187/BTC-ĐT", "các Nghị định ... số : 88/CP". Stops at a sentence end."""
    window = text[max(0, start - 200):start]
    window = re.split(r"[.!?]\s+(?=[A-ZĐÀ-Ỹ])|\n", window)[-1].lower()
    best = None
    for word, kind in list(by_name.items()) + [(w, "Công văn") for w in letter_words] + \
            [(w.lower(), k) for w, k in extra.items()]:
        for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", window):
            if best is None or m.start() > best[0]:
                best = (m.start(), kind)
    return best[1] if best else None


def _issuer_from_code(number: str, rules: dict) -> str | None:
    table = rules.get("issuer_by_code", {})
    segs = re.split(r"[/\-]", number)
    for seg in reversed(segs[1:]):
        for code in (seg, re.sub(r"\d+$", "", seg)):     # QH15 -> QH (the legislature's term)
            if code in table:
                return table[code]
    return None


_AFTER_DATE_GAP = re.compile(r"^[\s,.]*(?:ban hành\s*)?$", re.IGNORECASE)
_OF_RE = re.compile(r"^[\s,]*(?:của|do)\s+", re.IGNORECASE)
_ATTACHED_RE = re.compile(r"\(\s*(?:kèm|ban hành kèm)\s+theo\s*$", re.IGNORECASE)
_HEADER_DATE_AFTER = re.compile(r"[ \t]*[A-ZĐ][^\d,;:\n]{1,40},\s*ng[àa]")
_HEADER_NO_RE = re.compile(r"(?:^|\n)[ \t*]*Số\s*[:.]?[ \t*~]*$")


def _repair_date_digits(window: str) -> str:
    """"ngày 18 tháng ÔI năm 1999" → "ngày 18 tháng 01 năm 1999": OCR letters in the day and
    month, one character for one."""
    table = load_yaml("citation_rules.yaml").get("ocr_serial_digits", {})

    def fix(m: re.Match) -> str:
        slot = m.group(2)
        if not all(c.isdigit() or c in table for c in slot) or slot.isdigit():
            return m.group(0)           # a real number, or a word
        return m.group(1) + "".join(table.get(c, c) for c in slot)
    return re.sub(r"((?:ngày|tháng)\s*)(\S{1,2})(?=\s*(?:tháng|năm))", fix, window,
                  flags=re.IGNORECASE)


def _date_after(text: str, pos: int) -> tuple[str | None, int]:
    window = _repair_date_digits(text[pos:pos + 60])
    for s, e, d in find_dates(window):
        gap = window[:s]
        if _AFTER_DATE_GAP.match(gap) or re.match(r"^[\s,.]*ngày\s*$", gap, re.IGNORECASE):
            return d.isoformat(), pos + e
        break
    return None, pos


def _date_before(text: str, start: int, issued_verbs: re.Pattern) -> str | None:
    """"Ngày 09 tháng 6 năm 2025, Chính phủ ban hành Nghị định số 119/2025/NĐ-CP", "..., ngày
    17/6/2025 Bộ trưởng ... đã ban hành Thông tư số 08/2025/TT-BNNMT": the date earlier in the
    clause when the words between it and the number say the cited document was issued then (and
    name no other number; the date is not itself another number's)."""
    window = text[max(0, start - 200):start]
    cut = max((m.end() for m in re.finditer(r"[.;!?]\s+(?=[A-ZĐ])|\n", window)), default=0)
    window = window[cut:]
    dates = [(s_, e, d) for s_, e, d in find_dates(window)]
    for s_, e, d in reversed(dates):
        between = window[e:]
        if not re.match(r"^[\s,]", between) or re.search(r"\d+\s*/\s*\S*[A-ZĐ]", between):
            continue
        before = window[:s_]
        said = re.match(r"[Nn]gày", window[s_:e]) or re.search(r"(?:^|\s|,)\s*[Nn]gày\s*$", before)
        if not said or \
                re.search(r"\d\s*/\s*[A-ZĐ][^\s]*[\s,]*(?:[Nn]gày\s*)?$", before):
            continue
        if issued_verbs.search(between):
            return d.isoformat()
        return None
    return None


def _tidy_issuer(near: str | None, by_code: str | None, rules: dict) -> str | None:
    """The issuer named with a citation, tidied: cut before the words that start its subject
    ("Chính phủ Quy định chi tiết ..." → "Chính phủ"), a doubled type word dropped ("Bộ Bộ Công
    an"), completed by the number's code when it is a cut-off piece of that body ("Ban Chấp hành
    Trung" → "Ban Chấp hành Trung ương")."""
    if not near:
        return by_code
    stops = rules.get("issuer_stop_words", [])
    if stops:
        m = re.search(r"\s(?:" + "|".join(re.escape(w) for w in stops) + r")(?!\w)", near,
                      re.IGNORECASE)
        if m:
            near = near[:m.start()].strip(" ,;")
    words = near.split()
    if len(words) > 1 and words[0].lower() == words[1].lower():
        near = " ".join(words[1:])
    if by_code and by_code != near and by_code.lower().startswith(near.lower()):
        return by_code
    return near or by_code


def _issuer_near(text: str, start: int, pos: int) -> str | None:
    m = _OF_RE.match(text[pos:pos + 20])
    if m:
        names, off = agencies.parse_agency_sequence(text[pos + m.end():pos + m.end() + 200])
        if names:
            return names[0]
    # "(đề nghị) của X tại Tờ trình số ..."
    before = text[max(0, start - 250):start]
    m = re.search(r"(?:của|do)\s+([^.;\n]*?)\s+(?:tại|theo)\s*$", before, re.IGNORECASE)
    if m:
        names, off = agencies.parse_agency_sequence(m.group(1))
        if names and not m.group(1)[off:].strip():
            return names[0]
    return None


def _repair_serials(text: str, rules: dict) -> str:
    """OCR letters in a serial after "số" ("số I3/UB-TP" → "số 13/UB-TP"); one character for
    one, so offsets stay valid."""
    table = rules.get("ocr_serial_digits", {})
    if not table:
        return text
    letters = "".join(re.escape(c) for c in table)

    def fix(m: re.Match) -> str:
        serial = m.group(2)
        if not any(c.isdigit() for c in serial):
            return m.group(0)
        return m.group(1) + "".join(table.get(c, c) for c in serial)
    return re.sub(rf"((?<!\w)số\s*[:.]?\s*)([\d{letters}]{{1,6}})(?=\s*/)", fix, text,
                  flags=re.IGNORECASE)


def find_citations(text: str, own_number: str | None = None) -> list[Citation]:
    """Every other document the text refers to by its number, one per distinct number."""
    by_name, by_abbr, letter_words, rules, mention = _data()
    codes = set(rules.get("joinable_codes", [])) | set(rules.get("issuer_by_code", {}))
    own_key = number_key(own_number)
    found: dict[str, Citation] = {}
    text = _repair_serials(text, rules)
    for m in mention.finditer(text):
        typ = (m.group("type") or "").lower()
        if m.group("yonly"):
            # year-only form: only after a type whose suffix is fixed ("Nghị định 39/2018")
            name = next((n for n in rules.get("year_only_suffix", {}) if n.lower() == typ), None)
            if not name:
                continue
            number = f"{m.group('yserial')}/{m.group('yyear')}/{rules['year_only_suffix'][name]}"
            num_end = m.end("yonly")
            num_start = m.start("yonly")
        else:
            number = _clean_number(m.group("num"), by_abbr, codes)
            num_end = m.end("num")
            num_start = m.start("num")
        # not a citation: the document's own number, its header line, an "attached to" note
        head = text[max(0, m.start() - 40):m.start()]
        if _HEADER_NO_RE.search(text[max(0, num_start - 40):num_start]) and not typ:
            continue
        if not typ and _HEADER_DATE_AFTER.match(text[num_end:num_end + 60]):
            continue            # the header's own number before its place and date, label lost
        if _ATTACHED_RE.search(head + (m.group("type") or "")) or \
                _ATTACHED_RE.search(text[max(0, m.start() - 40):m.start()]):
            continue
        key = number_key(number)
        if not key or (own_key and key == own_key):
            continue
        from_abbr = _type_abbr(number, by_abbr)
        if typ in by_name:
            doc_type = by_name[typ]
        elif typ in letter_words:
            # "văn bản số 349/TB-VPCP" is a Thông báo; "văn bản số 7590/UBND-KT" a Công văn
            doc_type = from_abbr if from_abbr not in (None, "Khác") else "Công văn"
        elif from_abbr:
            doc_type = from_abbr
        elif m.group("so"):
            # a bare "số N/X-Y": an older number's type abbreviation, or the type named earlier
            # in the clause
            doc_type = from_abbr = _type_before(
                text, m.start(), by_name, letter_words, rules.get("type_words", {})) or \
                _type_abbr(number, by_abbr, anywhere=True)
        else:
            doc_type = None
        if doc_type is None or (not typ and from_abbr in (None, "Khác")):
            continue            # "Giấy phép: 09/GP-TTĐT", a file path, a bare code
        if doc_type == "Khác" and from_abbr == "Khác" and typ not in by_name:
            continue
        date, after = _date_after(text, num_end)
        if date is None and key not in found:
            date = _date_before(text, num_start, _issued_verbs())
        issuer = _tidy_issuer(_issuer_near(text, m.start(), after),
                              _issuer_from_code(number, rules), rules)
        if key in found:
            c = found[key]
            if date and date not in c.dates_seen:
                c.dates_seen.append(date)
            if c.date is None and date:
                c.date = date
            if c.issuer is None and issuer:
                c.issuer = issuer
            continue
        found[key] = Citation(doc_type=doc_type, number=number, date=date, issuer=issuer,
                              dates_seen=[date] if date else [], start=m.start())
    return list(found.values())
