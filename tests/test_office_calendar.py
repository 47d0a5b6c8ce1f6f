"""The .ics feed of an agency's deadlines parses with `icalendar` and matches the store."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

from ocop_docs.cli import main
from ocop_docs.office.calendar import agency_calendar
from ocop_docs.office.feeds import create_feed, feed_by_token, revoke_feed
from task_graph import queries as q
from task_graph.ingest import ingest_paths
from task_graph.store import open_store

ROOT = Path(__file__).resolve().parent.parent
AGENCY = "Sở Công Thương tỉnh Hòa Bình"
AS_OF = date(2020, 12, 31)


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "c.sqlite3"))
    assert not ingest_paths(s, [ROOT / "corpus" / "seeds"],
                            extraction_dir=ROOT / "corpus" / "gold", progress=False).failures
    return s


def _events(ics: bytes) -> dict[int, object]:
    cal = Calendar.from_ical(ics)
    out = {}
    for ev in cal.walk("VEVENT"):
        uid = str(ev["UID"])
        assert uid.startswith("task-") and uid.endswith("@ocop-docs")
        out[int(uid[5:-10])] = ev
    return out


def _dates(ev, until: date) -> list[date]:
    start = ev.decoded("DTSTART")
    if "RRULE" not in ev:
        return [start]
    rule = rrulestr(ev["RRULE"].to_ical().decode(), dtstart=datetime.combine(start, datetime.min.time()))
    excluded = set()
    exdates = ev.get("EXDATE")
    for ex in (exdates if isinstance(exdates, list) else [exdates] if exdates else []):
        excluded.update(d.dt for d in ex.dts)
    return [d.date() for d in rule.between(datetime(1900, 1, 1), datetime.combine(
        until, datetime.min.time()), inc=True) if d.date() not in excluded]


def _expected(store) -> dict[int, list[date]]:
    """Open occurrences (due dates) of every task of the agency, from the store's query."""
    result = q.owes(store, AGENCY, as_of=AS_OF, role="any", include_done=True, limit=5000)
    out: dict[int, list[date]] = {}
    for g in result["agencies"]:
        for t in g["tasks"]:
            if t["due"] and t["status"] == "open":
                out.setdefault(t["task_id"], [])
                day = date.fromisoformat(t["due"])
                if day not in out[t["task_id"]]:
                    out[t["task_id"]].append(day)
    return {k: sorted(v) for k, v in out.items()}


def test_events_match_the_deadlines(store):
    data, ics = agency_calendar(store, AGENCY, as_of=AS_OF)
    events = _events(ics)
    expected = _expected(store)
    assert expected and set(events) == set(expected)
    recurring = [e for e in events.values() if "RRULE" in e]
    assert recurring, "the seeds assign annual tasks"
    for task_id, ev in events.items():
        assert sorted(_dates(ev, AS_OF)) == expected[task_id], task_id
        assert "VALARM" in [c.name for c in ev.subcomponents]
    cal = Calendar.from_ical(ics)
    assert AGENCY in str(cal["X-WR-CALNAME"])


def test_done_occurrences_leave_the_calendar(store):
    _data, ics = agency_calendar(store, AGENCY, as_of=AS_OF)
    events = _events(ics)
    one_off = next(t for t, e in events.items() if "RRULE" not in e)
    rec_id = next(t for t, e in events.items() if "RRULE" in e)
    first = sorted(_dates(events[rec_id], AS_OF))[0]
    store.set_status(one_off, "done", by="test")
    res = store.set_status(rec_id, "done", by="test")               # the first open period
    _data, ics = agency_calendar(store, AGENCY, as_of=AS_OF)
    events = _events(ics)
    assert one_off not in events
    assert first not in _dates(events[rec_id], AS_OF) and res["period"]
    assert sorted(_dates(events[rec_id], AS_OF)) == _expected(store)[rec_id]


def test_cli_writes_the_file_and_makes_feeds(store, tmp_path, capsys):
    db = str(tmp_path / "c.sqlite3")
    out = tmp_path / "lich.ics"
    assert main(["calendar", "sở công thương", "--as-of", AS_OF.isoformat(), "--out", str(out),
                 "--db", db]) == 0
    assert _events(out.read_bytes())
    assert main(["calendar", "Sở Không Có", "--db", db]) == 1
    assert main(["calendar", AGENCY, "--new-feed", "https://td.example", "--db", db]) == 0
    url = capsys.readouterr().out.strip().splitlines()[-1]
    assert url.startswith("https://td.example/calendar/") and url.endswith(".ics")
    token = url.rsplit("/", 1)[1][:-4]
    feed = feed_by_token(store.engine, token)
    assert feed["agency"] == AGENCY
    assert revoke_feed(store.engine, feed["id"])
    assert feed_by_token(store.engine, token) is None
    _id, other = create_feed(store.engine, AGENCY)
    assert other != token and feed_by_token(store.engine, other)
