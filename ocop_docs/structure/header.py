"""Header, addressees and signature of one document (Nghị định 30/2020 layout).

    parse_header(text, span, previous=None) -> Header

Reads, within the document's span of the file text: the issuing body from the header's left
column (parent body and issuing body: "UBND TỈNH ĐỒNG NAI / SỞ NÔNG NGHIỆP VÀ PTNT"), the number
("Số: 7590/UBND-KT"; never a receiving stamp "ĐẾN Số 938"; an unfilled "Số:   /KH-UBND" is
None), the place-and-date line, the type title ("KẾ HOẠCH") or the number's type abbreviation,
the trích yếu (after "V/v" for a Công văn, under the title otherwise), the "Kính gửi" list, the
"Nơi nhận" list and the signature block.

When the header is missing (a scanned page cut off, a text copied from a web page) the fields
come from what the text still gives: an appendix line "(Kèm theo Kế hoạch số: 125/KH-UBND ngày
20/9/2018 của ...)", a web report "UBND huyện X đã ban hành Kế hoạch số 57/KH-UBND", the body
naming its author ("Ủy ban nhân dân tỉnh ban hành Kế hoạch", "UBND tỉnh yêu cầu"), the
signature's authority ("TM. ỦY BAN NHÂN DÂN", "TL. CHỦ TỊCH") and the locality named in the
date line or the title. A document attached under another in the same file (a plan issued with a
Quyết định) takes the issuer of `previous`. Cue words live in models/document_parts.yaml and
models/doc_types.tsv.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ocop_docs.extract.agencies import canonical_name
from ocop_docs.extract.dates import _iter_dates, fold, fold_regex
from ocop_docs.model import DocumentMeta
from ocop_docs.resources import load_tsv
from ocop_docs.structure.split import (DocumentSpan, Line, bare, cue, date_line_place, is_body_line,
                                       is_caps, layout_lines, number_text, parts, title_head,
                                       title_type)


@dataclass
class Header(DocumentMeta):
    """The document's metadata (see DocumentMeta) and where its parts lie."""
    body_start: int = 0                  # offsets in the FILE text
    body_end: int = 0
    appendix_start: int | None = None    # "PHỤ LỤC" after the signature, part of this document
    source_kind: str = "document"        # "document", "headless" or "web_report"


_HEAD_LINES = 40            # the header lies within the first lines of a document


# ---------------------------------------------------------------- small helpers

def _type_by_abbreviation() -> dict[str, str]:
    return {fold(r["abbreviation"]): r["contract"] for r in load_tsv("doc_types.tsv")
            if r["abbreviation"]}


def _type_by_name() -> dict[str, str]:
    return {fold(r["name"]): r["contract"] for r in load_tsv("doc_types.tsv")}


def _type_name_regex() -> str:
    names = sorted((r["name"] for r in load_tsv("doc_types.tsv")), key=len, reverse=True)
    return "(?:" + "|".join(fold_regex(n) for n in names) + ")"


def _ocr_digits(token: str) -> str | None:
    """A serial, day or month as OCR may read it ("II" → "11", "Ø3" → "03"); None when it is
    not one."""
    table = parts()["ocr_digits"]
    if not token or any(not (c.isdigit() or c in table) for c in token):
        return None
    return "".join(table.get(c, c) for c in token)


def normalize_number(raw: str) -> str | None:
    """"~~5077~~ /KH-SNN" → "5077/KH-SNN"; "7590/UBND-KT." → "7590/UBND-KT"; an unfilled
    "   /KH-UBND" → None; OCR's "II /TB-UBND" → "11/TB-UBND"."""
    text = re.sub(r"[*~_`]", "", raw).strip()
    text = re.sub(r"^\d+(?: \d+)+(?=\s*/)", lambda m: m.group().replace(" ", ""), text)   # "2 54/"
    lead = re.match(r"^(\S{1,4})(?=\s*/)", text)
    if lead and not lead.group(1).isdigit() and (digits := _ocr_digits(lead.group(1))):
        text = digits + text[lead.end():]
    text = re.split(r"\s{2,}(?!/)|\s+(?=[^\W\d_][^\s/]*\s*,\s*ng)", text)[0]
    text = re.sub(r"\s*([/\-–])\s*", r"\1", text).strip().rstrip(".,;:")
    m = re.match(r"^(\d+[\w.\-–]*?)(/[\w\-–&./]+)", text)
    if not m:
        return None
    return (m.group(1) + m.group(2)).rstrip(".,;:-")


def type_from_number(number: str | None) -> str | None:
    """The type abbreviation of a number: 5077/KH-SNN → Kế hoạch, 39/2018/NĐ-CP → Nghị định,
    46-CT/TU → Chỉ thị; "Công văn" when the number has none (7590/UBND-KT)."""
    if not number:
        return None
    table = _type_by_abbreviation()
    serial, _, rest = number.partition("/")
    party = re.match(r"^\d+-([^\W\d_]+)$", serial)
    if party:
        return table.get(fold(party.group(1)))
    parts_ = [p for p in rest.split("/") if not re.fullmatch(r"(?:19|20)\d\d", p)]
    if not parts_:
        return None
    head = re.split(r"[-–]", parts_[0])[0]
    return table.get(fold(head), "Công văn")


def _canonical(name: str | None) -> str | None:
    if not name:
        return None
    name = " ".join(name.split()).strip(" ,;:.-")
    if name and is_caps(name):
        name = recase_caps(name)
    return canonical_name(name) if name else None


def recase_caps(text: str) -> str:
    """A header line in capitals, cased as a name: "UBND TỈNH ĐỒNG NAI" → "UBND tỉnh Đồng Nai",
    "SỞ NÔNG NGHIỆP VÀ PTNT" → "Sở nông nghiệp và PTNT" (the agency gazetteer then gives the
    official casing), "TỈNH ỦY ĐỒNG NAI" → "Tỉnh ủy Đồng Nai"."""
    keep = {fold(w) for w in parts()["keep_upper"]}
    units = sorted((u.split() for u in parts()["admin_units"]), key=len, reverse=True)
    bodies = sorted((b.split() for b in parts()["body_types"]), key=len, reverse=True)
    words = text.split()
    out: list[str] = []
    proper = False
    k = 0
    while k < len(words):
        folded = [fold(w) for w in words]
        body = next((b for b in bodies if [fold(x) for x in b] == folded[k:k + len(b)]), None)
        if body and not out:
            out.extend(body)
            k += len(body)
            proper = fold(body[-1]) in ("ủy", "uỷ")
            continue
        unit = next((u for u in units if [fold(x) for x in u] == folded[k:k + len(u)]), None)
        if unit:
            out.extend(x.lower() for x in words[k:k + len(unit)])
            k += len(unit)
            proper = True
            continue
        w = words[k]
        core = w.strip("(),.;:-")
        if fold(core) in keep:
            out.append(w)
        elif proper:
            out.append(w[:1] + w[1:].lower())
        else:
            out.append(w.lower())
        k += 1
    result = " ".join(out)
    return result[:1].upper() + result[1:]


def _list_items(lines: list[Line], i: int) -> tuple[list[str], int]:
    """The "- X;" items starting at lines[i] (blank lines skipped) and the index after them."""
    items: list[str] = []
    items_raw: list[str] = []
    while i < len(lines):
        line = lines[i]
        if not line.clean:
            i += 1
            continue
        m = re.match(r"^\s*[-+•–]\s*(.*)$", line.clean)
        if not m and items and re.search(r";\s*[-–]?\s*$", items_raw[-1]) and \
                re.search(r"[;.]\s*[-–]?\s*$", line.clean) and len(line.clean) <= 120:
            # an item whose dash a conversion moved to the end of the line above
            m = re.match(r"^\s*(.*)$", line.clean)
        if not m:
            break
        items_raw.append(line.clean)
        items.append(re.sub(r"[\s;.,]*[-–]?$", "", m.group(1).strip()).strip())
        i += 1
    return items, i


# ---------------------------------------------------------------- person names

def _is_name(text: str, caps_ok: bool) -> bool:
    tokens = text.split()
    if not 2 <= len(tokens) <= 5:
        return False
    if re.search(r"[\d/\\:@().,;]", text):
        return False
    if title_type(Line(0, len(text), text, text, fold(text))):
        return False        # "QUYẾT ĐỊNH"
    banned = {fold(w) for w in parts()["not_name_words"]} | {fold(w) for w in parts()["keep_upper"]}
    for t in tokens:
        if fold(t) in banned or not t[0].isupper():
            return False
        if not (t[1:].islower() or (caps_ok and t.isupper()) or len(t) == 1):
            return False
    return True


def _unsigned(text: str) -> str:
    """"Nguyễn Văn A (Đã ký)" → "Nguyễn Văn A": a web copy's mark of the signature dropped."""
    m = cue("signed_marker").search(fold(text))
    return " ".join((text[:m.start()] + " " + text[m.end():]).split()) if m else text


def _restore_surname(text: str) -> str:
    """"rần Ngọc Căng" → "Trần Ngọc Căng": the one surname that ends with the lower-case piece."""
    first, _, rest = text.partition(" ")
    if not rest or not first[:1].islower() or len(first) < 2:
        return text
    found = [s for s in parts()["surnames"] if s.endswith(first) and len(s) == len(first) + 1]
    return f"{found[0]} {rest}" if len(found) == 1 else text


def _repair_surname(name: str) -> str:
    """"Nguyên Phước Bình" → "Nguyễn Phước Bình": a surname OCR read with a wrong mark."""
    first, _, rest = name.partition(" ")
    fixed = parts()["signer_surname_ocr"].get(first)
    return f"{fixed} {rest}" if fixed and rest else name


def _title_case_name(text: str) -> str:
    return " ".join(t[0] + t[1:].lower() if t.isupper() else t for t in text.split())


# ---------------------------------------------------------------- the parser

def parse_header(text: str, span: DocumentSpan, previous: Header | None = None) -> Header:
    lines = layout_lines(text, span.start, span.end)
    h = Header(body_start=span.start, body_end=span.end)
    nonempty = [i for i, l in enumerate(lines) if l.clean]
    head_idx = nonempty[:_HEAD_LINES]

    # ---- locate the header elements
    number_i = date_i = title_i = prev_body = None
    number_raw = None
    body_lines: list[int] = []
    prev_i = None
    for i in head_idx:
        line = lines[i]
        above = lines[prev_i] if prev_i is not None else None
        if not body_lines and above is not None and is_caps(above.clean) and is_caps(line.clean) \
                and len(above.clean.split()) <= 2 and not is_body_line(above, cut_type=True) \
                and _cut_body_type(above.clean, line.clean):
            # "ỦY" / "BAN NHÂN DÂN": the body type's first word wrapped onto a line of its own
            joined = f"{above.clean} {line.clean}"
            line = lines[i] = Line(above.start, line.end, f"{above.raw} {line.raw}", joined,
                                   fold(joined), line.block_start, line.block_end)
        after_title = title_i is not None and prev_i == title_i
        if (cue("body_start").search(line.folded) and not after_title) or \
                cue("recipients_label").search(line.folded):
            break
        prev_i = i
        if number_i is None and (raw := number_text(line)) is not None:
            number_i, number_raw = i, raw
        elif number_i is None and _bare_number_label(line):
            # "Số:" with the number on the next line
            nxt = next((k for k in range(i + 1, min(i + 3, len(lines))) if lines[k].clean), None)
            if nxt is not None and (raw := number_text(Line(
                    lines[nxt].start, lines[nxt].end, "Số: " + lines[nxt].raw,
                    "Số: " + lines[nxt].clean, fold("Số: " + lines[nxt].clean)))) is not None:
                number_i, number_raw = i, raw
        if date_i is None and date_line_place(line):
            date_i = i
        if title_i is None and title_type(line):
            title_i = i
        if is_caps(line.clean) and len(line.clean) <= 80:
            repaired = _repair_marks(line.clean)
            if repaired != line.clean:      # "THỦ TƯỚNG CHÍNHPHỦ", "UY BAN NHÂN DÂN"
                line = lines[i] = Line(line.start, line.end, line.raw, repaired, fold(repaired),
                                       line.block_start, line.block_end)
        continues_body = bool(body_lines) and is_caps(line.clean) and _cut_body_type(
            _column_text(lines[body_lines[-1]]), line.clean)     # "ỦY BAN NHÂN" / "DÂN"
        # the left column is read before the number and date; OCR may read the right column
        # (motto, date) first, so while no body is found it is looked for up to the title
        before_number = number_i is None and date_i is None
        if title_i is None and i not in (number_i, date_i) and not _bare_number_label(line) \
                and (before_number or not body_lines or body_lines[-1] == prev_body) \
                and (is_body_line(line, cut_type=True) or _motto_rest_is_body(line)
                     or continues_body):
            body_lines.append(i)
            prev_body = i
        elif line.clean:
            prev_body = None

    # ---- number
    if number_raw is not None:
        h.number = normalize_number(number_raw)
    # ---- place and date
    place_head = None       # the place's first words, on the line above the date line
    if date_i is not None:
        line = lines[date_i]
        place = date_line_place(line)
        h.place = place.strip(" ,") if place else None
        before = next((l for l in reversed(lines[max(0, date_i - 2):date_i]) if l.clean.strip("| ")),
                      None)
        if h.place and before is not None and before.clean.rstrip()[-1:].isalpha() \
                and len(before.clean.split()) <= 5 and before.clean.strip(" |*")[:1].isupper() \
                and not date_line_place(before) and not number_text(before):
            # "Thành phố Hồ Chí" / "Minh, ngày 21 tháng 11 năm 2025": the place broken over two
            # lines (kept whole only when the issuer's name has it, see below)
            place_head = before.clean.strip(" |*")
        date_text = line.clean[line.clean.find(place or ""):]
        if not re.search(r"(?:19|20)\d\d", date_text):
            # "Hà Nội, ngày" / "29 tháng 11 năm 2025": the date line broken in two
            after = next((l for l in lines[date_i + 1:date_i + 3] if l.clean), None)
            if after is not None and re.match(r"^\W*\d", after.clean):
                date_text += " " + after.clean
        dates = list(_iter_dates(_repair_date_digits(date_text), None))
        h.issued_date = dates[0][2].isoformat() if dates and dates[0][2] else None
        if h.issued_date:
            h.issued_date = _year_after_citations(h.issued_date, text[span.start:span.end])
    # ---- type
    subject_label = cue("subject_label")
    vv_i = next((i for i in head_idx if subject_label.search(lines[i].folded)
                 and (title_i is None or i < title_i + 3)), None)
    if title_i is not None:
        h.doc_type = title_type(lines[title_i])
    elif h.number:
        h.doc_type = type_from_number(h.number)
    elif number_raw is not None and re.match(r"^[\s.…]*/", number_raw):
        # an unnumbered working version still names its type: "Số:    /KH-UBND"
        h.doc_type = type_from_number("0" + re.sub(r"^[\s.…]*", "", number_raw).split()[0])
    if h.doc_type is None and vv_i is not None:
        h.doc_type = "Công văn"
    if h.doc_type == "Công văn" and h.number and type_from_number(h.number) not in (None, "Công văn"):
        h.doc_type = type_from_number(h.number)

    # ---- issuer from the left column
    if body_lines:
        h.issuer, h.parent_issuer = _issuer_from_column([lines[i] for i in body_lines])

    # ---- subject and end of the header
    header_end_i = max([i for i in (number_i, date_i, title_i, *body_lines) if i is not None],
                       default=None)
    if vv_i is not None and (title_i is None or h.doc_type == "Công văn"):
        subject_lines, after = _subject_lines(lines, vv_i, first_strip=subject_label)
    elif title_i is not None and (head := title_head(lines[title_i].clean)):
        # "KẾ HOẠCH Tuyên truyền ...": the trích yếu is the rest of the title's line
        rest = lines[title_i].clean[len(head):].strip()
        subject_lines, after = [rest], title_i + 1
    elif title_i is not None:
        subject_lines, after = _subject_lines(lines, title_i + 1)
    else:
        subject_lines, after = [], None
    if subject_lines:
        h.subject = _subject_text(subject_lines)
        header_end_i = max(header_end_i or 0, after - 1)

    # ---- recipients ("Kính gửi")
    for i in nonempty[:_HEAD_LINES + 20]:
        m = cue("recipients_label").search(lines[i].folded)
        if m:
            rest = lines[i].clean[m.end():].strip()
            items, after = _list_items(lines, i + 1)
            if rest:
                items = [rest.rstrip(";.")] + items
            h.recipients = [_canonical(x) for x in items if x]
            header_end_i = max(header_end_i or 0, after - 1)
            break

    # ---- body start: after the header, skipping a receiving stamp
    if header_end_i is not None:
        # past every line read so far (a layout table is read column by column)
        limit = max(_outer_end(l) for l in lines[:header_end_i + 1])
        k = header_end_i + 1
        while k < len(lines) and lines[k].start < limit:
            k += 1
        k = _skip_stamp(lines, k)
        h.body_start = lines[k].start if k < len(lines) else span.end

    # ---- closure: distribution list, signature, appendix
    _closure(lines, h, span)

    # ---- a web page's metadata lines ("Số ký hiệu: ...", "Người ký: ...") for what is missing;
    # they describe the page's main document, the first one
    if previous is None:
        _from_metadata(lines, h)

    # ---- headless documents: web report, appendix line, body phrases
    web = bool(cue("web_cues").search(fold(text[span.start:span.end][:3000])))
    if not body_lines and number_i is None and date_i is None and title_i is None and web:
        h.source_kind = "web_report"
        _from_web_report(lines, h)
    elif not body_lines:
        h.source_kind = "headless"
    if h.number is None and number_i is None:
        _from_attachment_line(lines, h)
    attached = previous is not None and _is_attached(lines, head_idx)
    if h.issuer is None:
        if attached:
            h.issuer, h.parent_issuer = previous.issuer, previous.parent_issuer
        else:
            h.issuer = _infer_issuer(lines, h)
        if h.issuer is None and previous is not None:
            h.issuer, h.parent_issuer = previous.issuer, previous.parent_issuer
    if h.place is None and h.source_kind == "headless" and not attached:
        h.place = _locality_name(h.issuer)
    elif h.place and place_head and h.place[:1].islower():
        h.place = f"{place_head} {h.place}"     # "Thành" / "phố Hồ Chí Minh, ngày ..."
    elif h.place and h.issuer:
        whole = f"{place_head} {h.place}" if place_head else None
        if whole and fold(h.issuer).endswith(" " + fold(whole)):
            h.place = whole     # "Thành phố Hồ Chí Minh" (ND 30: a unit named after a person)
        else:
            h.place = _place_spelled_as_issuer(h.place, h.issuer)
    return h


def _repair_date_digits(text: str) -> str:
    """"ngày Ø3 tháng 4 năm 2018" → "ngày 03 tháng 4 năm 2018" (OCR letters for digits);
    "ngày 26 tháng 0 6 năm 20 18" → "ngày 26 tháng 06 năm 2018" (digits cut by stray spaces)."""
    text = re.sub(r"(?<=\d) (?=\d)", "", text)
    def fix(m: re.Match) -> str:
        digits = _ocr_digits(m.group(2))
        return m.group(1) + digits + m.group(3) if digits else m.group(0)
    for label, after in (("ngày", "tháng"), ("tháng", "năm")):
        text = re.sub(rf"({fold_regex(label)}\s*)(\S{{1,2}})(\s*{fold_regex(after)})",
                      fix, text, flags=re.IGNORECASE)
    return text


_CITED_DATE = re.compile(r"\d{1,5}\s*/\s*(?:(?:19|20)\d\d\s*/\s*)?[A-ZĐ][^\s,;]*[.,]?\s*"
                         r"(?:ngày\s*)?(\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*(?:19|20)\d\d|"
                         r"\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+(?:19|20)\d\d)", re.IGNORECASE)


def _year_after_citations(issued: str, text: str) -> str:
    """A document is issued after every document it cites: when the year OCR read puts it before
    several of them ("năm 1990" citing papers of 1994 and 1998), the nearest year one digit away
    that does not (1999) is taken; otherwise the date stays."""
    import datetime as dt
    day = dt.date.fromisoformat(issued)
    cited = []
    for m in _CITED_DATE.finditer(text):
        found = [d for _, _, d in _iter_dates(m.group(1), None) if d]
        if found:
            cited.append(found[0])
    later = [d for d in cited if d > day]
    if len(later) < 2:          # one later date may be the source's own slip
        return issued
    latest = max(later)
    if latest.year - day.year > 10:
        return issued
    year = str(day.year)
    for candidate in range(latest.year, latest.year + 3):
        c = str(candidate)
        if sum(a != b for a, b in zip(c, year)) != 1:
            continue
        try:
            fixed = day.replace(year=candidate)
        except ValueError:
            continue
        if fixed >= latest:
            return fixed.isoformat()
    return issued


def _bare_number_label(line: Line) -> bool:
    """A line holding only "Số:" (the number follows on the next line)."""
    return bool(re.fullmatch(r"\W*" + fold_regex(parts()["number_label"]) + r"\W*", line.folded)) \
        and not is_stamp(line)


def _outer_start(line: Line) -> int:
    return line.block_start if line.block_start is not None else line.start


def _outer_end(line: Line) -> int:
    return line.block_end if line.block_end is not None else line.end


def _motto_rest_is_body(line: Line) -> bool:
    """A two-column line "ỦY BAN NHÂN DÂN  CỘNG HÒA XÃ HỘI ..." whose left part is a body."""
    m = cue("motto").search(line.folded)
    if not m:
        return False
    rest = line.clean[:m.start()].strip()
    return bool(rest) and is_caps(rest) and is_body_line(
        Line(line.start, line.start + len(rest), rest, rest, fold(rest)))


def _column_text(line: Line) -> str:
    m = cue("motto").search(line.folded)
    return line.clean[:m.start()].strip() if m else line.clean


def _issuer_from_column(column: list[Line]) -> tuple[str | None, str | None]:
    """Issuer and parent body from the header's left column lines."""
    units = [fold(u) for u in parts()["admin_units"]]
    merged: list[str] = []
    for line in column:
        text = _repair_marks(_column_text(line).strip(" *-_\"'“”`.,"))
        if not text:
            continue
        starts_with_unit = any(re.match(re.escape(u) + r"(?!\w)", fold(text)) for u in units)
        if merged and starts_with_unit and not _has_unit(merged[-1]):
            merged[-1] = merged[-1] + " " + text
        elif merged and (_cut_body_type(merged[-1], text) or _bare_body_type(merged[-1])
                         or re.match(r"(?:và|&)\s", fold(text))):
            merged[-1] = merged[-1] + " " + text     # "THỦ TƯỚNG" / "CHÍNH PHỦ"
        else:
            merged.append(text)
    if not merged:
        return None, None
    issuer = _canonical(merged[-1])
    parent = _canonical(merged[0]) if len(merged) > 1 else None
    if parent and issuer and not _has_unit(issuer):
        locality = _unit_phrase(parent)
        if locality and re.search(rf"{fold_regex('ủy')}$", fold(issuer)):
            locality = _locality_name(parent)   # "Ban Thường vụ Tỉnh ủy" + "Nghệ An"
        if locality:
            issuer = f"{issuer} {locality}"
    return issuer, parent


def _cut_body_type(first: str, second: str) -> bool:
    """`first` is only the beginning of a body type that `second` completes."""
    joined = fold(" ".join((first + " " + second).split()))
    head = fold(" ".join(first.split()))
    for body in parts()["body_types"]:
        b = fold(body)
        if joined.startswith(b) and len(b) > len(head) and b.startswith(head):
            return True
    return False


def _repair_marks(text: str) -> str:
    """A header line whose leading body type or administrative unit OCR read with wrong marks or
    glued ("UY BAN NHÂN DÂN", "TĨNH CAO BẰNG", "THỦ TƯỚNG CHÍNHPHỦ") written as it should be."""
    low = bare(text).lower()
    squeezed = low.replace(" ", "")
    for word in sorted(parts()["body_types"] + parts()["admin_units"], key=len, reverse=True):
        b = bare(word).lower()
        if (low == b or low.startswith(b + " ")) and fold(text[:len(word)]) != fold(word):
            return word.upper() + text[len(word):] if is_caps(text) else word + text[len(word):]
        b_squeezed = b.replace(" ", "")
        if " " in b and squeezed.startswith(b_squeezed) and not low.startswith(b):
            # the body type with a space lost: cut where its letters end
            seen = end = 0
            while seen < len(b_squeezed):
                seen += text[end] != " "
                end += 1
            rest = text[end:]
            if rest[:1].isalpha():
                continue        # the type word runs on into another word
            return (word.upper() if is_caps(text) else word) + rest
    return text


def _bare_body_type(text: str) -> bool:
    """"VĂN PHÒNG" alone: a body type whose name follows on the next line."""
    folded = fold(" ".join(text.split()))
    return any(folded == fold(b) for b in parts()["body_types"])


def _has_unit(name: str) -> bool:
    return _unit_phrase(name) is not None


def _unit_phrase(name: str | None) -> str | None:
    """"Ủy ban nhân dân tỉnh Đồng Nai" → "tỉnh Đồng Nai"."""
    if not name:
        return None
    units = "|".join(fold_regex(u) for u in parts()["admin_units"])
    m = re.search(rf"(?<!\w)(?:{units})\s+(?!{fold_regex('ủy')}(?!\w))\S.*$", fold(name))  # not "Tỉnh ủy"
    if not m:
        return None
    return name[m.start():]


def _place_spelled_as_issuer(place: str, issuer: str) -> str:
    """A place that OCR damaged ("Củo Bảng") taken as the issuer's own locality spells it ("Cao
    Bằng") when the two differ by a letter or two once marks are stripped."""
    locality = _locality_name(issuer)
    if not locality or locality == place:
        return place
    if fold(locality).endswith(" " + fold(place)):
        return locality         # "Quảng" / "Ngãi, ngày ...": the place broken over two lines
    a, b = bare(place).lower(), bare(locality).lower()
    if len(a.split()) != len(b.split()) or abs(len(a) - len(b)) > 1:
        return place
    if len(a) == len(b):
        differ = sum(x != y for x, y in zip(a, b))
    else:
        differ = 2
    return locality if differ <= max(1, len(b) // 6) else place


def _locality_name(name: str | None) -> str | None:
    """"Ủy ban nhân dân tỉnh Hòa Bình" → "Hòa Bình"."""
    phrase = _unit_phrase(name)
    if not phrase:
        return None
    units = "|".join(fold_regex(u) for u in parts()["admin_units"])
    m = re.match(rf"(?:{units})\s+", fold(phrase))
    rest = phrase[m.end():].strip() if m else None
    return rest or None


def _subject_lines(lines: list[Line], i: int, first_strip: re.Pattern | None = None):
    """Consecutive lines of the trích yếu starting at lines[i]; (texts, index after)."""
    out: list[str] = []
    while i < len(lines) and not lines[i].clean:
        i += 1
    stops = [cue("recipients_label"), cue("attached_to")]
    while i < len(lines):
        line = lines[i]
        if not line.clean:
            break
        if out or first_strip is None:
            if any(p.search(line.folded) for p in stops) or line.clean.startswith("("):
                break
            if is_stamp(line) or number_text(line) or date_line_place(line) or title_type(line):
                break
            if out and cue("body_start").search(line.folded):
                break
            if cue("motto").search(line.folded):
                break
            if out and is_caps(line.clean) != is_caps(out[0]):
                break
            if out and _new_sentence(out[-1], line.clean):
                break
            if not out and first_strip is None and is_caps(line.clean) and \
                    cue("subject_author_line").search(line.folded):
                i += 1          # "CỦA BAN THƯỜNG VỤ TỈNH ỦY" under a Party title
                continue
        text = line.clean
        if first_strip is not None and not out:
            m = first_strip.search(line.folded)
            text = line.clean[m.end():] if m else text
        out.append(text)
        i += 1
        if len(out) >= 6:
            break
    return out, i


def _new_sentence(previous: str, line: str) -> bool:
    """A body sentence rather than a wrapped trích yếu line: it starts with a capital after a
    line that does not continue, and is a full sentence of its own."""
    if not line[:1].isupper() or is_caps(line):
        return False
    if re.search(r"[,\-–(“\"]$|\b(?:và|của|về|tại|trên|với)$", previous.strip()):
        return False
    return bool(re.search(r"[.:;]$", line.strip())) and len(line.split()) >= 8


def _subject_text(texts: list[str]) -> str | None:
    text = " ".join(" ".join(texts).split()).strip(" .;:")
    if not text:
        return None
    if is_caps(text):
        text = _sentence_case(text)
    return text


def _sentence_case(text: str) -> str:
    """"TRIỂN KHAI ... (OCOP) TỈNH HÒA BÌNH, GIAI ĐOẠN" → "Triển khai ... (OCOP) tỉnh Hòa Bình,
    giai đoạn": lower case, proper names after an administrative unit title-cased, short
    acronyms kept."""
    keep = {fold(w) for w in parts()["keep_upper"]}
    units = [fold(u) for u in parts()["admin_units"]]
    words = text.split()
    out = []
    proper = False
    for k, w in enumerate(words):
        core = w.strip("()“”\"',.;:")
        low = w.lower()
        if fold(core) in keep or (core.isupper() and len(core) <= 5 and w.startswith("(")) \
                or re.search(r"\d.*/|/.*\d", core):        # a number: 1237/QĐ-TTg
            out.append(w)
        elif proper and core:
            out.append(w[0] + w[1:].lower() if w[0].isalpha() else w[:2] + w[2:].lower())
        else:
            out.append(low)
        if re.search(r"[,.;:()]$", w):
            proper = False
        elif fold(low) in units or (k and fold(words[k - 1].lower() + " " + low) in units):
            generic = {fold(g) for g in parts()["generic_unit_before"]}
            before = fold(words[k - 1].lower()) if k else ""
            before2 = fold(words[k - 2].lower()) if k > 1 else ""
            proper = before not in generic and before2 not in generic
    result = " ".join(out)
    return result[:1].upper() + result[1:]


def is_stamp(line: Line) -> bool:
    """A receiving office's stamp line ("ĐẾN Số 938", "CV ĐẾN")."""
    return bool(cue("receiving_stamp").search(line.folded)) and len(line.clean.split()) <= 6


def _skip_stamp(lines: list[Line], k: int) -> int:
    """Skip blank lines, a receiving stamp ("ĐẾN Số 938 / Ngày 19/6") and short stray words."""
    seen_stamp = False
    while k < len(lines):
        line = lines[k]
        if not line.clean:
            k += 1
            continue
        if is_stamp(line):
            seen_stamp = True
            k += 1
            continue
        if line.clean.startswith("(") and cue("attached_to").search(line.folded):
            k += 1          # "(Ban hành kèm theo Quyết định số ...)"
            continue
        if seen_stamp and len(line.clean.split()) <= 3 and not re.match(r"^[\dIVX]+[.)]", line.clean):
            k += 1
            continue
        break
    return k


def _closure(lines: list[Line], h: Header, span: DocumentSpan) -> None:
    """Distribution list, signature block, appendix and the end of the body."""
    start_i = next((i for i, l in enumerate(lines) if l.start >= h.body_start), len(lines))
    dist_i = auth_i = footer_i = appendix_i = None
    for i in range(start_i, len(lines)):
        f = lines[i].folded
        if not lines[i].clean:
            continue
        if dist_i is None and cue("distribution_label").search(f):
            dist_i = i
        elif auth_i is None and cue("authority_prefix").search(f):
            auth_i = i
        elif footer_i is None and cue("web_footer").search(f):
            footer_i = i
        elif (dist_i is not None or auth_i is not None) and appendix_i is None and \
                cue("appendix_title").search(f):
            appendix_i = i
    ends = [i for i in (dist_i, auth_i, footer_i) if i is not None]
    end_i = min(ends) if ends else None
    if appendix_i is not None:
        h.appendix_start = lines[appendix_i].start
    if end_i is not None:
        h.body_end = _outer_start(lines[end_i])
    elif appendix_i is not None:
        h.body_end = lines[appendix_i].start
    # distribution
    if dist_i is not None:
        m = cue("distribution_label").search(lines[dist_i].folded)
        rest = lines[dist_i].clean[m.end():].strip()
        items, _ = _list_items(lines, dist_i + 1)
        if rest:
            items = [rest] + items
        archive = cue("archive_line")
        h.distribution = [x for x in items if x and not archive.search(fold(x))]
    # signer: after the authority line, else the closing name after the distribution list
    stop = appendix_i if appendix_i is not None else len(lines)
    if auth_i is not None:
        title_lines = []
        for i in range(auth_i, stop):
            line = lines[i]
            if not line.clean:
                continue
            last = title_lines[-1] if title_lines else ""
            prefix = cue("authority_prefix").match(fold(last))
            continues = bool(last) and _cut_body_type(last[prefix.end() if prefix else 0:],
                                                      line.clean)
            name = _unsigned(line.clean)
            if i > auth_i and _is_name(name, caps_ok=True) and not _is_title(line) \
                    and not continues:      # "TM. ỦY BAN" / "NHÂN DÂN" is no name
                h.signer = _title_case_name(name)
                break
            if _is_title(line) or i == auth_i or continues:
                title_lines.append(line.clean)
            elif title_lines and len(title_lines) >= 1 and i - auth_i > 8:
                break
        if title_lines:
            h.signer_title = " ".join(title_lines)
    if h.signer is None and dist_i is not None:
        # the closing name after (or, when OCR interleaved the two columns, among) the
        # distribution list: list items, their wrapped lines, titles and stray marks skipped
        titles = []
        for i in range(dist_i + 1, min(stop, dist_i + 60)):
            line = lines[i]
            text = _unsigned(line.clean)
            if not text:
                continue
            if _is_title(line):
                titles.append(text)
            elif _is_name(text, caps_ok=bool(titles)) or (
                    _restore_surname(text) != text and _is_name(_restore_surname(text), True)):
                h.signer = _title_case_name(_restore_surname(text))
                h.signer_title = h.signer_title or (" ".join(titles) or None)
                break
            elif len(text) > 90 and not re.match(r"^\s*[-+•–]", text):
                break       # body text again: no signature here
    if h.signer is None:
        _signature_elsewhere(lines, h)
    if h.signer:
        h.signer = _repair_surname(h.signer)


def _signature_elsewhere(lines: list[Line], h: Header) -> None:
    """A signature block that a converter placed away from the end (a .docx text box read where it
    is anchored): an authority line ("KT. CHỦ TỊCH") anywhere, its titles, then the name."""
    for k, line in enumerate(lines):
        if not line.clean or not cue("authority_prefix").match(line.folded):
            continue
        titles = [line.clean]
        for nxt in lines[k + 1:k + 8]:
            if not nxt.clean:
                continue
            if _is_title(nxt):
                titles.append(nxt.clean)
            elif _is_name(nxt.clean, caps_ok=True):
                h.signer = _title_case_name(nxt.clean)
                h.signer_title = h.signer_title or " ".join(titles)
                return
            else:
                break


def _is_title(line: Line) -> bool:
    titles = "|".join(f"(?:{fold_regex(t)})" for t in parts()["signer_titles"])
    return bool(cue("authority_prefix").search(line.folded) or (
        is_caps(line.clean) and re.search(titles, line.folded)))


def _from_metadata(lines: list[Line], h: Header) -> None:
    """A legal-document site's metadata ("Số ký hiệu: 125/KH-UBND", "Ngày ban hành: 20/09/2018",
    "Cơ quan ban hành: ...", "Người ký: ...", "Loại văn bản: Kế hoạch"), as "label: value" lines or
    "| label | value |" rows: fills only the fields the document itself did not give."""
    labels = parts()["metadata_labels"]
    wanted = [f for f in labels if getattr(h, f) is None]
    if not wanted:
        return
    patterns = {f: re.compile(r"^\W*(?:" + "|".join(fold_regex(p) for p in labels[f]) + r")\s*:?\s*$")
                for f in wanted}
    for line in lines:
        if not line.clean or len(line.clean) > 160:
            continue
        if "|" in line.raw:
            cells = [c.strip(" *_") for c in line.raw.split("|") if c.strip(" *_")]
        else:
            label, colon, value = line.clean.partition(":")
            cells = [label + ":", value.strip()] if colon else []
        for k in range(len(cells) - 1):
            field = next((f for f in wanted if patterns[f].match(fold(cells[k]))), None)
            if field is None or getattr(h, field) is not None:
                continue
            value = cells[k + 1]
            if field == "number":
                h.number = normalize_number(value)
            elif field == "issued_date":
                found = [d for _, _, d in _iter_dates(value, None) if d]
                h.issued_date = found[0].isoformat() if found else None
            elif field == "issuer":
                h.issuer = _canonical(value)
            elif field == "signer" and _is_name(value, caps_ok=True):
                h.signer = _title_case_name(value)
            elif field == "doc_type":
                h.doc_type = _type_by_name().get(fold(" ".join(value.split())))


def _from_web_report(lines: list[Line], h: Header) -> None:
    """"Ngày 12/5/2020, UBND huyện Chư Pưh đã ban hành Kế hoạch số 57/KH-UBND về việc ..."."""
    pattern = re.compile(
        r"(?P<who>[^.;:]{3,120}?)\s+" + fold_regex(parts()["web_report"])
        + r"(?P<type>" + _type_name_regex() + r")\s+" + fold_regex("số") + r"\s*[:.]?\s*"
        + r"(?P<num>\d+[\w\-–]*/[\w\-–&./]+)")
    for i, line in enumerate(lines[:60]):
        m = pattern.search(line.folded)
        if not m:
            continue
        h.number = normalize_number(line.clean[m.start("num"):m.end("num")])
        h.doc_type = h.doc_type or _type_by_name().get(m.group("type").strip())
        who = line.clean[m.start("who"):m.end("who")]
        dates = [d for _, _, d in _iter_dates(line.clean[:m.start("who")] + " " + who, None) if d]
        if dates:
            h.issued_date = dates[0].isoformat()
        who = re.sub(r"^.*\d{4}\s*,\s*", "", who).strip()
        h.issuer = _canonical(who)
        after = line.clean[m.end("num"):]
        mm = re.search(fold_regex(r"về\s*việc|về|v/v") + r"\s+", fold(after))
        if mm and h.subject is None:
            subj = after[mm.end():].strip(" .")
            h.subject = subj[:1].upper() + subj[1:] if subj else None
        h.body_start = line.end + 1
        return


def _from_attachment_line(lines: list[Line], h: Header) -> None:
    """An appendix line "(Kèm theo Kế hoạch số: 125/KH-UBND ngày 20/9/2018 của ...)" gives the
    number and date of its own document (only when it names this document's type)."""
    pattern = re.compile(
        fold_regex(parts()["attached_to"]) + r"(?P<type>" + _type_name_regex() + r")\s+"
        + fold_regex("số") + r"\s*[:.]?\s*(?P<num>\d+[\w\-–]*\s*/\s*[\w\-–&./]+)")
    for line in lines:
        m = pattern.search(line.folded)
        if not m:
            continue
        kind = _type_by_name().get(" ".join(m.group("type").split()))
        if h.doc_type and kind != h.doc_type:
            continue
        h.number = normalize_number(line.clean[m.start("num"):m.end("num")])
        h.doc_type = h.doc_type or kind
        if h.issued_date is None:
            dates = [d for _, _, d in _iter_dates(line.clean[m.end("num"):], None) if d]
            h.issued_date = dates[0].isoformat() if dates else None
        return


def _is_attached(lines: list[Line], head_idx: list[int]) -> bool:
    """The document says it is issued with another ("Ban hành kèm theo Quyết định số ...")."""
    return any(cue("attached_to").search(lines[i].folded) for i in head_idx[:12])


def _infer_issuer(lines: list[Line], h: Header) -> str | None:
    """The issuer of a document without a left column: the body that the text makes its author
    ("Ủy ban nhân dân tỉnh ban hành", "UBND tỉnh yêu cầu", "TM. ỦY BAN NHÂN DÂN", "TL. CHỦ
    TỊCH"), completed with the locality of the date line or the title."""
    units = "|".join(fold_regex(u) for u in sorted(parts()["admin_units"], key=len, reverse=True))
    body = fold_regex(parts()["issuer_body_pattern"])
    verbs = fold_regex(parts()["issuing_verbs"])
    author = re.compile(rf"(?<!\w)(?P<body>{body})\s+(?P<unit>{units})(?P<name>(?:\s+\S+){{0,4}}?)"
                        rf"\s+(?:đã\s+|sẽ\s+)?{verbs}(?!\w)")
    found = None
    for line in lines:
        if not line.clean:
            continue
        m = author.search(line.folded)
        if m:
            name = line.clean[m.start("name"):m.end("name")].strip()
            if name and not all(w[:1].isupper() for w in name.split()):
                name = ""
            leader = fold_regex(parts()["leader_before_body"])
            if name and re.search(leader, line.folded[:m.start("body")]):
                name = ""       # "Phó Chủ tịch UBND tỉnh Lê Trí Thanh": a person
            if name and h.place and fold(name) != fold(h.place):
                name = ""
            found = (line.clean[m.start("body"):m.start("name")].strip(), name)
            break
    if found is None:
        # the signature's authority: "TM. ỦY BAN NHÂN DÂN", "KT./TL. CHỦ TỊCH"
        for line in lines:
            if cue("authority_prefix").search(line.folded):
                rest = cue("authority_prefix").sub("", line.folded, count=1)
                if cue("collective_prefix").search(line.folded) and rest.strip():
                    found = (_canonical(line.clean[len(line.clean) - len(rest):]), "")
                    break
                for pat, body_name in parts()["title_body"].items():
                    if re.match(fold_regex(pat), rest.strip()):
                        found = (body_name, "")
                        break
                if found:
                    break
    if found is None:
        return None
    body_text, name = found
    body_text = _canonical(body_text) or body_text
    if _has_unit(body_text):
        return body_text
    unit = _trailing_unit(body_text)
    if not name:
        name = _locality_for(lines, unit, h)
    if unit:
        return f"{body_text} {name}" if name else body_text
    unit = _unit_from_text(lines) if name else None
    return " ".join(x for x in (body_text, unit, name) if x)


def _trailing_unit(name: str) -> str | None:
    """"Ủy ban nhân dân tỉnh" → "tỉnh" (a unit word with no locality after it)."""
    units = "|".join(fold_regex(u) for u in sorted(parts()["admin_units"], key=len, reverse=True))
    m = re.search(rf"(?<!\w)(?:{units})\s*$", fold(name))
    return name[m.start():].strip() if m else None


def _unit_from_text(lines: list[Line]) -> str | None:
    """The administrative unit the text pairs with the body ("UBND tỉnh" → "tỉnh")."""
    units = "|".join(fold_regex(u) for u in sorted(parts()["admin_units"], key=len, reverse=True))
    body = fold_regex(parts()["issuer_body_pattern"])
    for line in lines:
        m = re.search(rf"(?<!\w)(?:{body})\s+(?P<unit>{units})(?!\w)", line.folded)
        if m:
            return line.clean[m.start("unit"):m.end("unit")].lower()
    return None


def _locality_for(lines: list[Line], unit: str | None, h: Header) -> str | None:
    """The locality name for a body: the date line's place, else "<unit> <Name>" in the title,
    subject or body with the body's unit."""
    if h.place:
        return h.place
    unit = fold(unit) if unit else None
    units = "|".join(fold_regex(u) for u in sorted(parts()["admin_units"], key=len, reverse=True))
    texts = ([h.subject] if h.subject else []) + [l.clean for l in lines[:80] if l.clean]
    for text in texts:
        for m in re.finditer(rf"(?<!\w)(?P<unit>{units})\s+(?P<name>[^\W\d_][^,;:.()\n]*)",
                             fold(text)):
            if unit and fold(m.group("unit")) != unit:
                continue
            raw = text[m.start("name"):m.end("name")].split()
            name = []
            for w in raw:
                if not w[:1].isupper():
                    break
                name.append(w[0] + w[1:].lower() if w.isupper() else w)
                if len(name) == 3:
                    break
            if name and (text.isupper() or raw[0][:1].isupper()):
                if is_caps(text) and len(raw) > 3:
                    name = name[:2]
                return " ".join(name)
    return None
