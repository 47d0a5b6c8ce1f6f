"""An iCalendar (.ics, RFC 5545) feed of an agency's deadlines, with the `icalendar` library.

One all-day event per open one-off task on its due date; one recurring event per recurring
task (RRULE from its rhythm, first occurrence on the last day of the first period, as
task_graph.recurrence counts them; periods already done are EXDATEs). Every event has a stable
UID (`task-<id>@ocop-docs`), so a subscribed calendar updates rather than duplicates, and a
reminder some days before. The wording is data: templates/calendar/events.yaml.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

import yaml

from ocop_docs.office.followup import doc_label
from ocop_docs.resources import templates_dir

PRODID = "-//ocop-docs//Han nhiem vu//VI"
MAX_TASKS = 20_000


@lru_cache(maxsize=1)
def wording() -> dict:
    with (templates_dir() / "calendar" / "events.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _short(text: str, width: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[:width - 1] + "…"


def rrule_of(recurrence: str) -> dict | None:
    """The RRULE of a recurrence whose occurrences fall on the last day of each period."""
    from task_graph import recurrence as rec

    if recurrence == "weekly":
        return {"FREQ": "WEEKLY"}
    months = rec.months_per_period(recurrence)
    if months is None:
        return None
    if months == 12:
        return {"FREQ": "YEARLY"}
    return {"FREQ": "MONTHLY", "INTERVAL": months, "BYMONTHDAY": -1}


def _period_ends(recurrence: str, start: date, labels: set[str]) -> list[date]:
    from task_graph import recurrence as rec

    out, wanted = [], set(labels)
    for i, (label, _first, last) in enumerate(rec.periods(recurrence, start)):
        if label in wanted:
            out.append(last)
            wanted.discard(label)
        if not wanted or i > 2000:
            break
    return out


def task_events(store, agency: str, *, as_of: date | None = None, role: str = "any") -> dict:
    """The tasks of an agency as events: {"agency": name, "events": [dict]}; each event has
    task_id, summary, description, start (date), rrule (dict or None), exdates, overdue."""
    from task_graph import queries as q
    from task_graph import recurrence as rec

    as_of = as_of or date.today()
    result = q.owes(store, agency, as_of=as_of, role=role, include_done=True,
                    limit=MAX_TASKS)
    words = wording()
    names = [g["agency"]["name"] for g in result["agencies"]]
    matched = [a["name"] for a in result["matched_agencies"]]
    label = (matched[0] if len(matched) == 1 else agency)
    events, seen = [], set()
    for group in result["agencies"]:
        rows = sorted(group["tasks"], key=lambda t: (t["task_id"], t.get("period") or ""))
        by_task: dict[int, list[dict]] = {}
        for t in rows:
            by_task.setdefault(t["task_id"], []).append(t)
        for task_id, occ in by_task.items():
            if task_id in seen:
                continue
            seen.add(task_id)
            t = occ[0]
            recurring = rec.is_recurring(t.get("recurrence"))
            fields = {"task_id": task_id, "agency": group["agency"]["name"],
                      "role": words["role"].get(t.get("role") or "lead", t.get("role") or ""),
                      "action": _short(t["action"], words["summary_length"]),
                      "action_full": " ".join(t["action"].split()),
                      "document": doc_label(t["document"], "văn bản"),
                      "section": words["section"].format(section=t["section"])
                      if t.get("section") else "",
                      "deadline": ""}
            if recurring and t.get("period"):
                start_day = date.fromisoformat(t["document"]["issued_date"]) \
                    if t["document"].get("issued_date") else date.fromisoformat(occ[0]["due"])
                first_due = rec.period_of(start_day, t["recurrence"])[2]
                done = {o["period"] for o in occ if o["status"] == "done"}
                fields["deadline"] = (t.get("deadline_text") or
                                      words["recurrence_word"].get(t["recurrence"], ""))
                overdue = any(o["overdue"] for o in occ)
                events.append({"task_id": task_id, "start": first_due,
                               "rrule": rrule_of(t["recurrence"]),
                               "exdates": _period_ends(t["recurrence"], start_day, done),
                               "overdue": overdue, "fields": fields})
            else:
                if t["status"] == "done" or not t.get("due"):
                    continue
                y, m, d = t["due"].split("-")
                fields["deadline"] = f"{d}/{m}/{y}" + (f" ({t['deadline_text']})"
                                                       if t.get("deadline_text") else "")
                events.append({"task_id": task_id, "start": date.fromisoformat(t["due"]),
                               "rrule": None, "exdates": [], "overdue": t["overdue"],
                               "fields": fields})
    return {"agency": label, "agencies": names, "as_of": as_of, "events": events}


def build_calendar(data: dict) -> bytes:
    """The .ics bytes of `task_events`' answer."""
    from icalendar import Alarm, Calendar, Event

    words = wording()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    name = words["calendar_name"].format(agency=data["agency"])
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    stamp = datetime.now(timezone.utc).replace(microsecond=0)
    for e in data["events"]:
        f = e["fields"]
        ev = Event()
        ev.add("uid", f"task-{e['task_id']}@ocop-docs")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", e["start"])
        ev.add("dtend", e["start"] + timedelta(days=1))
        ev.add("summary", (words["summary_overdue"] if e["overdue"] and not e["rrule"]
                           else words["summary"]).format(**f))
        ev.add("description", words["description"].format(**f))
        ev.add("transp", "TRANSPARENT")
        if e["rrule"]:
            ev.add("rrule", e["rrule"])
            for day in e["exdates"]:
                ev.add("exdate", day)
        if words.get("alarm_days"):
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", words["alarm_text"].format(**f))
            alarm.add("trigger", timedelta(days=-int(words["alarm_days"])))
            ev.add_component(alarm)
        cal.add_component(ev)
    return cal.to_ical()


def agency_calendar(store, agency: str, *, as_of: date | None = None,
                    role: str = "any") -> tuple[dict, bytes]:
    data = task_events(store, agency, as_of=as_of, role=role)
    return data, build_calendar(data)
