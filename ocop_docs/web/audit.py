"""The audit log: who uploaded, corrected, marked done (or reopened) and drafted what, when.

One row per action in `web_audit` (time in UTC, shown in Vietnam's time), written by the
services the pages and the API share (so both are logged alike); viewed on /audit and exported
as CSV (/audit.csv) by coordinators."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa

from ocop_docs import vntime
from ocop_docs.messages import msg, msg_list

ACTIONS = ("upload", "correct", "status_done", "status_open", "draft_letter")
metadata = sa.MetaData()

web_audit = sa.Table(
    "web_audit", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime, nullable=False),                 # UTC
    sa.Column("user_name", sa.String(100), nullable=False),
    sa.Column("action", sa.String(20), nullable=False),           # ACTIONS
    sa.Column("target_kind", sa.String(12)),                      # document|task|upload|letter
    sa.Column("target_id", sa.Integer),
    sa.Column("detail", sa.Text),
    sa.Index("ix_web_audit_at", "at"),
    sa.Index("ix_web_audit_user", "user_name", "at"),
)


def ensure_tables(engine: sa.Engine) -> None:
    metadata.create_all(engine, checkfirst=True)


def record(engine: sa.Engine, user: str, action: str, target_kind: str | None = None,
           target_id: int | None = None, detail: str | None = None) -> None:
    from ocop_docs.web.db import utcnow

    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    with engine.begin() as conn:
        conn.execute(web_audit.insert().values(at=utcnow(), user_name=user or "?",
                                               action=action, target_kind=target_kind,
                                               target_id=target_id,
                                               detail=(detail or None) and detail[:2000]))


def _utc_bounds(day_from: date | None, day_to: date | None):
    """Vietnam's days as UTC instants (the log keeps UTC)."""
    def utc(d: date) -> datetime:
        return datetime.combine(d, time.min, vntime.LOCAL_ZONE).astimezone(
            timezone.utc).replace(tzinfo=None)
    return (utc(day_from) if day_from else None,
            utc(day_to + timedelta(days=1)) if day_to else None)


def entries(engine: sa.Engine, *, user: str | None = None, action: str | None = None,
            day_from: date | None = None, day_to: date | None = None,
            limit: int = 500) -> list[dict]:
    ensure_tables(engine)
    conds = []
    if user:
        conds.append(web_audit.c.user_name == user)
    if action:
        conds.append(web_audit.c.action == action)
    lo, hi = _utc_bounds(day_from, day_to)
    if lo:
        conds.append(web_audit.c.at >= lo)
    if hi:
        conds.append(web_audit.c.at < hi)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(web_audit).where(*conds)
                            .order_by(web_audit.c.id.desc()).limit(max(1, limit))).all()
    return [dict(r._mapping, action_vi=msg(f"audit.{r.action}"),
                 target=_target(r.target_kind, r.target_id)) for r in rows]


def _target(kind: str | None, ident: int | None) -> str:
    if not kind:
        return ""
    label = msg(f"audit.target_{kind}")
    return f"{label} {ident}" if ident is not None else label


def to_csv(rows: list[dict]) -> bytes:
    """UTF-8 with a BOM (Excel opens it with the accents right), Vietnam's time."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(msg_list("audit.csv_header"))
    for r in rows:
        writer.writerow([vntime.format_datetime(r["at"], label=False), r["user_name"],
                         r["action_vi"], r["target"], r["detail"] or ""])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
