"""Dates and times as Vietnamese offices write them: dd/mm/yyyy, times of day in
Asia/Ho_Chi_Minh with the zone named. Stored times are UTC without a zone (db.utcnow)."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from ocop_docs.messages import msg

LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
_DMY = re.compile(r"\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")


def parse_date(value: Any) -> date | None:
    """A date from dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy) or ISO yyyy-mm-dd;
    None when empty or not a real day."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    found = _DMY.match(text)
    try:
        if found:
            day, month, year = (int(g) for g in found.groups())
            return date(year, month, day)
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def format_date(value: Any) -> str:
    """dd/mm/yyyy, or "" for no date."""
    day = parse_date(value)
    return day.strftime("%d/%m/%Y") if day else ""


def to_local(value: Any) -> datetime | None:
    """A stored time (naive = UTC, or aware, or ISO text) in Asia/Ho_Chi_Minh."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(LOCAL_ZONE)


def format_datetime(value: Any, *, label: bool = True) -> str:
    """dd/mm/yyyy HH:MM in Vietnam's time, followed by the zone's name."""
    local = to_local(value)
    if local is None:
        return ""
    text = local.strftime("%d/%m/%Y %H:%M")
    return f"{text} ({msg('time.zone_label')})" if label else text


def today() -> date:
    """Today's date in Vietnam (the server may run on UTC)."""
    return datetime.now(LOCAL_ZONE).date()
