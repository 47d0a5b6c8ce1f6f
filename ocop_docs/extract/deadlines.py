"""Deadlines and recurrence of a task (GUIDELINES.md "Deadlines" and "recurrence").

    find_deadline("... trình UBND tỉnh phê duyệt chậm nhất trong tháng 06/2018", doc_date)
        -> Deadline(due="2018-06-30", text="chậm nhất trong tháng 06/2018", recurrence=None)
    normalize_deadline("Quý IV/2018", doc_date)  -> Deadline(due="2018-12-31", text="Quý IV/2018")
    find_recurrence("Hàng năm, phối hợp ...")    -> "annual"

`find_deadline` reads a task's sentence, item or table row, where a time expression only counts
when it is stated as the task's time: quarters, months and halves of a year always; a day date
only after a deadline word ("trước ngày", "chậm nhất", "vào ngày"); a bare year only after
"trong"/"chậm nhất"/"phấn đấu"/"Thời gian:" or as the item's lead ("Năm 2019: ..."). Years that
qualify a name ("Chương trình OCOP năm 2020") and periods ("giai đoạn 2018-2020") are not
deadlines. `normalize_deadline` reads a phrase that *is* a time (a table's time column, a
"Thời gian hoàn thành:" line), where a bare year or a year range is the stated period. The cue
words live in models/time_expressions.yaml.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import lru_cache

from ocop_docs.extract.dates import _iter_dates, fold, fold_pattern, fold_regex, month_end, time_data
from ocop_docs.model import Deadline

_ROMAN = r"(?P<q>iv|iii|ii|i|[1-4])(?![\w])"
_YEAR = r"(?P<y>(?:19|20)\d\d)(?!\d)"


@dataclass
class _Hit:
    start: int
    end: int
    due: datetime.date | None
    kind: str            # "day", "month", "quarter", "half", "year", "range"
    needs_cue: bool      # counts only after a deadline word


@lru_cache(maxsize=None)
def _grammar() -> dict[str, re.Pattern]:
    data = time_data()
    w = fold_regex
    month_words = "|".join(w(x) for x in sorted(data["month_words"], key=len, reverse=True))
    quy, thang, nam, va, den = w("quý"), w("tháng"), w("năm"), w("và"), w("đến")
    y2 = _YEAR.replace("?P<y>", "?P<y2>")
    return {
        # "Quý IV/2018", "quý II năm 2019", "Quý I, II/2019", "quý 3" (year: the document's)
        "quarter": re.compile(
            rf"(?<![\w]){quy}\s*(?:{_ROMAN.replace('?P<q>', '?P<q1>')}\s*(?:[,\-–&]|{va})\s*"
            rf"(?:{quy}\s*)?)?{_ROMAN}(?:\s*(?:/|,?\s*{nam}|-)\s*{_YEAR})?"),
        # "tháng 6/2018", "tháng 06 năm 2018", "tháng 5-6/2020", "tháng 6" (year: the document's);
        # a month written as a word only with its year ("tháng Giêng năm 2020")
        "month": re.compile(
            rf"(?<![\w]){thang}\s*(?:(?P<m1>\d{{1,2}})\s*(?:[,\-–]|{den}|{va})\s*(?:{thang}\s*)?)?"
            rf"(?:(?P<m>\d{{1,2}})(?:\s*(?:/|,?\s*{nam}|-)\s*{_YEAR})?|(?P<mw>{month_words})\s*{nam}\s*{y2})"
            rf"(?![\w/])"),
        # in a time cell, a month written without its word: "12/2019", "10-11/2019" (October
        # to November), never part of a day date ("15/12/2019")
        "bare_month": re.compile(
            rf"(?<![\w/.\-])(?:(?P<m1>\d{{1,2}})\s*[-–]\s*)?(?P<m>\d{{1,2}})\s*/\s*{_YEAR}"),
        "unit_before": re.compile(rf"(?<![\w])(?:{quy}|{thang})\s*$"),
        "half": re.compile(w(data["half_year"]["pattern"]) + rf"(?:\s*{_YEAR})?"),
        "year": re.compile(rf"(?<![\w/]){nam}\s*{_YEAR}|(?<![\w/\-.])(?P<bare>(?:19|20)\d\d)(?![\w/])"),
        "range": fold_pattern(data["year_range"]),
        "prefix": re.compile(r"(?:" + w(data["deadline_prefix"]) + r")$"),
        "licence": fold_pattern(data["year_licence"]),
        "horizon": fold_pattern(data["horizon_prefix"]),
        "law_name": fold_pattern(data["law_name_year"]),
        "span": fold_pattern(data["task_span"]),
        "within": fold_pattern(data["range_within"]),
        "prohibition": fold_pattern(data["prohibition_context"]),
        "period_start": fold_pattern(data["period_start"]),
        "span_inside": fold_pattern(data["span_inside"]),
        "occasion": fold_pattern(data["occasion_prefix"]),
        "note": fold_pattern(data["note_context"]),
        "relative": fold_pattern(data["relative_time"]),
        "month_words": {fold(k): v for k, v in data["month_words"].items()},
        "half_end": {fold(k): v for k, v in data["half_year"]["end_month"].items()},
    }


def _lookup(table: dict, word: str):
    """The value for a folded word, accepting a word written without accents."""
    word = " ".join(word.split())
    if word in table:
        return table[word]
    from ocop_docs.extract.dates import _base_char
    bare = "".join(_base_char(c) for c in word)
    for key, value in table.items():
        if "".join(_base_char(c) for c in key) == bare:
            return value
    return None


def _year_of(m: re.Match, default: int | None) -> int | None:
    y = m.groupdict().get("y") or m.groupdict().get("y2")
    return int(y) if y else default


def _hits(folded: str, default_year: int | None, phrase: bool) -> list[_Hit]:
    g = _grammar()
    data = time_data()
    hits: list[_Hit] = []
    taken: list[tuple[int, int]] = []

    def add(hit: _Hit) -> None:
        if all(hit.end <= s or hit.start >= e for s, e in taken):
            taken.append((hit.start, hit.end))
            hits.append(hit)

    for m in g["range"].finditer(folded):
        last = int(re.findall(r"(?:19|20)\d\d", m.group())[-1])
        add(_Hit(m.start(), m.end(), datetime.date(last, 12, 31) if phrase else None, "range",
                 False))
    if phrase:
        for m in g["bare_month"].finditer(folded):
            month = int(m.group("m"))
            if g["unit_before"].search(folded[max(0, m.start() - 8):m.start()]):
                continue    # "Quý 3/2020" is a quarter, "tháng 3/2020" read as a month below
            if 1 <= month <= 12 and (m.group("m1") is None or 1 <= int(m.group("m1")) < month):
                add(_Hit(m.start(), m.end(), month_end(int(m.group("y")), month), "month",
                         False))
    months = [(m.start(), m.end()) for m in g["month"].finditer(folded)]
    for s, e, date in _iter_dates(folded, default_year, folded=folded):
        if any(ms < s < me for ms, me in months):
            continue    # "tháng 11 - 12/2025" is a span of months, not the day 11/12
        add(_Hit(s, e, date, "day", not phrase))
    for m in g["half"].finditer(folded):
        year = _year_of(m, default_year)
        month = _lookup(g["half_end"], m.group("half"))
        due = month_end(year, month) if year else None
        add(_Hit(m.start(), m.end(), due, "half", False))
    for m in g["quarter"].finditer(folded):
        year = _year_of(m, default_year)
        end_month = data["quarters"][m.group("q")]
        add(_Hit(m.start(), m.end(), month_end(year, end_month) if year else None, "quarter",
                 m.group("y") is None and not phrase))
    for m in g["month"].finditer(folded):
        year = _year_of(m, default_year)
        if m.group("m"):
            month = int(m.group("m"))
        else:
            month = _lookup(g["month_words"], m.group("mw"))
        if not month or not 1 <= month <= 12:
            continue
        add(_Hit(m.start(), m.end(), month_end(year, month) if year else None, "month",
                 _year_of(m, None) is None and not phrase))
    for m in g["year"].finditer(folded):
        year = int(m.group("y") or m.group("bare"))
        if m.group("bare") and not phrase:
            continue
        if m.group("bare") and g["law_name"].search(folded, max(0, m.start() - 80), m.start()):
            continue    # "Luật An ninh mạng 2025": the law's name
        add(_Hit(m.start(), m.end(), datetime.date(year, 12, 31), "year", not phrase))
    hits.sort(key=lambda h: h.start)
    return hits


# "từ" right before a time (with its unit word) opens a period; "đến" (not "đến khi") closes it


def _extend_prefix(folded: str, start: int) -> tuple[int, bool]:
    """Start of the deadline words written just before `start` ("chậm nhất trong "), and
    whether there are any."""
    g = _grammar()
    head = folded[max(0, start - 60):start]
    m = g["prefix"].search(head)
    if m and (m.start() == 0 or not head[m.start() - 1].isalnum()) and m.group().strip():
        return start - len(head) + m.start(), True
    m = g["occasion"].search(head)
    if m:
        # "nhân ngày Chuyển đổi số Quốc gia 10/10": the activity is held on that day
        return start - len(head) + m.start(), True
    return start, False


def _licensed_year(folded: str, start: int) -> bool:
    """A bare year made a deadline by "phấn đấu", "Thời gian hoàn thành:", or by leading its
    item ("Năm 2019: Thực hiện ...")."""
    g = _grammar()
    head = folded[max(0, start - 60):start]
    if g["licence"].search(head):
        return True
    line_head = folded[:start].rsplit("\n", 1)[-1]
    return not re.search(r"[a-z]", line_head)


def _iso(date: datetime.date | None) -> str | None:
    return date.isoformat() if date else None


def find_recurrence(text: str) -> str | None:
    """The rhythm a task is repeated at: annual, quarterly, monthly, weekly, semiannual or
    periodic; None when the text gives none ("thường xuyên" alone is none)."""
    hit = _find_recurrence(fold(text))
    return hit[2] if hit else None


def _find_recurrence(folded: str) -> tuple[int, int, str] | None:
    data = time_data()
    context = fold_pattern(data["descriptive_context"])
    attributes = [m.span() for m in fold_pattern(data["noun_attribute"]).finditer(folded)]
    hits = []
    for cue in data["recurrence"]:
        for m in fold_pattern(cue["pattern"]).finditer(folded):
            if m.start() > 0 and folded[m.start() - 1].isalnum():
                continue
            clause = re.split(r"[;.]\s", folded[:m.start()])[-1]
            if context.search(clause):
                continue
            if any(s <= m.start() < e for s, e in attributes):
                continue    # "ngân sách hằng năm của các bộ": an attribute of a noun
            hits.append(((m.start(), -(m.end() - m.start())), (m.start(), m.end(), cue["value"])))
    if not hits:
        return None
    hits.sort()
    best = hits[0][1]
    if best[2] == "periodic":
        # "định kỳ trước ngày 15 hàng tháng", "định kỳ hằng tuần": the rhythm named after it
        for _, (start, end, value) in hits[1:]:
            if value != "periodic" and 0 <= start - best[1] <= 40 \
                    and not re.search(r"[;.]", folded[best[1]:start]):
                return start, end, value
    return best


def _deadline(text: str, doc_date: datetime.date | None, phrase: bool) -> Deadline | None:
    folded = fold(text)
    default_year = doc_date.year if doc_date else None
    g = _grammar()
    recurrence_hit = _find_recurrence(folded)
    recurrence = recurrence_hit[2] if recurrence_hit else None
    spanned = False
    candidates: list[tuple[str, Deadline]] = []
    hits = _hits(folded, default_year, phrase)
    for index, hit in enumerate(hits):
        before = folded[max(0, hit.start - 12):hit.start]
        if hit.kind != "range" and g["period_start"].search(before) \
                and not g["span_inside"].search(folded[hit.start:hit.end]):
            # "Từ tháng 11/2025 đến khi ...", "từ tháng 11/2013 trở đi": a start, no due date;
            # "Từ ngày 01/01 đến ngày 31/3/2026": the period ends at the next time
            after = hits[index + 1] if index + 1 < len(hits) else None
            continue
        if hit.kind == "range":
            if phrase:
                return Deadline(due=_iso(hit.due), text=text.strip(), recurrence=recurrence)
            within = g["within"].search(folded, max(0, hit.start - 12), hit.start)
            if within and not g["prohibition"].search(
                    folded, max(folded.rfind(c, 0, hit.start) for c in ";.\n") + 1, hit.start):
                # "bố trí kinh phí ... trong giai đoạn 2024 - 2025": done within the period
                last = int(re.findall(r"(?:19|20)\d\d", folded[hit.start:hit.end])[-1])
                candidates.append(("year", Deadline(
                    due=datetime.date(last, 12, 31).isoformat(),
                    text=text[within.start():hit.end].strip(), recurrence=recurrence)))
                continue
            if g["span"].search(folded[hit.start:hit.end]):
                spanned = True
            if spanned and g["span_inside"].search(folded[hit.start:hit.end]) \
                    and not re.search(r"\d\s*[-–—]\s*\d", folded[hit.start:hit.end]):
                # "... nhiệm vụ từ năm 2013 đến năm 2015": the task's span ends its time (a
                # dash range, "Chương trình từ năm 2018-2020", names a programme's period)
                last = int(re.findall(r"(?:19|20)\d\d", folded[hit.start:hit.end])[-1])
                candidates.append(("year", Deadline(
                    due=datetime.date(last, 12, 31).isoformat(),
                    text=text[hit.start:hit.end].strip(), recurrence=recurrence)))
            continue
        if not phrase and g["note"].search(
                folded[max(folded.rfind(c, 0, hit.start) for c in ";.\n") + 1:hit.start]):
            continue            # "..., trong đó lưu ý các vị trí thi công trong tháng 4/2026"
        start, cued = _extend_prefix(folded, hit.start)
        if hit.kind == "year" and not phrase:
            if spanned:
                continue
            if not cued and not _licensed_year(folded, hit.start):
                continue
            if cued and g["horizon"].search(folded[start:hit.start]):
                continue
        elif hit.needs_cue and not cued:
            continue
        if hit.due is None and hit.kind != "day":
            # a quarter or month whose year is unknown
            continue
        if phrase:
            start = min(start, len(text) - len(text.lstrip()))
        due = hit.due
        if hit.kind == "day" and due is None:
            continue
        if recurrence and hit.kind in ("day", "month") \
                and not re.search(r"(?:19|20)\d\d", folded[hit.start:hit.end]):
            # "trước ngày 25/12 hằng năm": the day of a rhythm, not one due date
            due = None
        if phrase and due is not None:
            # "Quý III, IV/2026, 2027": times listed with "," / "và" / "-" make one period,
            # which ends with the last of them ("Năm 2025; Năm 2030": ";" gives alternatives)
            for later in hits[index + 1:]:
                if not re.fullmatch(r"\s*(?:,|-|–|va)\s*", folded[hit.end:later.start]) \
                        or later.due is None:
                    break
                due, hit = max(due, later.due), later
        found = Deadline(due=_iso(due), text=text[start:hit.end].strip(" ,;:."),
                         recurrence=recurrence)
        if phrase or due is None:
            return found
        candidates.append((hit.kind, found))
    if candidates:
        # an item that names several times ("hoàn thành trong tháng 4/2026; ... trước ngày
        # 20/5/2026") is due at the last of them; a bare year ("trong năm 2018 và những năm
        # tiếp theo") counts only when no day, month or quarter is named
        finer = [found for kind, found in candidates if kind != "year"]
        return max(finer or [found for _, found in candidates], key=lambda d: d.due)
    if recurrence_hit:
        s, e, _ = recurrence_hit
        return Deadline(due=None, text=text[s:e], recurrence=recurrence)
    relative = g["relative"].search(folded)
    if relative:
        # "chậm nhất 05 ngày làm việc sau khi ...": no date, the words are kept
        return Deadline(due=None, text=text[relative.start():relative.end()].strip(" ,;."),
                        relative=True)
    return None


def find_deadline(text: str, doc_date: datetime.date | None) -> Deadline | None:
    """The deadline stated in one task's sentence, item or table row; None when it states none.
    A missing year is the document's year; a recurring task has `due` None unless a date is
    also given."""
    return _deadline(text, doc_date, phrase=False)


def normalize_deadline(phrase: str, doc_date: datetime.date | None) -> Deadline:
    """Normalise a phrase that states a time ("Quý IV/2018", "Tháng 12/2020 và thường xuyên",
    "Hàng năm", "2019-2020"): `due` is the last day of the stated period."""
    found = _deadline(phrase, doc_date, phrase=True)
    if found is None:
        return Deadline(due=None, text=phrase.strip() or None, recurrence=None)
    found.text = phrase.strip()
    return found
