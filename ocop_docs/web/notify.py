"""Notifications: the tasks of a user's agency that are overdue or coming due.

In the app, /notifications lists them for the account's unit (ocop_docs.web.units). By email,
`send_due_mail()` (run by `ocop-docs notify`, e.g. from cron each morning) writes one message
per account that has a unit and an address, through the SMTP server configured by
OCOP_DOCS_SMTP_HOST, OCOP_DOCS_SMTP_PORT (25), OCOP_DOCS_SMTP_USER / OCOP_DOCS_SMTP_PASSWORD
(optional login), OCOP_DOCS_SMTP_STARTTLS (1 to upgrade the connection) and
OCOP_DOCS_SMTP_FROM. OCOP_DOCS_NOTIFY_DAYS (7) is how far ahead "coming due" looks."""
from __future__ import annotations

import os
import re
import smtplib
from dataclasses import dataclass
from datetime import date, timedelta
from email.message import EmailMessage
from email.utils import formataddr

import sqlalchemy as sa

from ocop_docs import vntime
from ocop_docs.messages import msg

DEFAULT_DAYS = 7
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
metadata = sa.MetaData()

web_user_emails = sa.Table(
    "web_user_emails", metadata,
    sa.Column("user_name", sa.String(100), primary_key=True),
    sa.Column("email", sa.String(254), nullable=False),
)


def ensure_tables(engine: sa.Engine) -> None:
    metadata.create_all(engine, checkfirst=True)


def notify_days() -> int:
    try:
        return max(0, int(os.environ.get("OCOP_DOCS_NOTIFY_DAYS", DEFAULT_DAYS)))
    except ValueError:
        return DEFAULT_DAYS


def set_email(engine: sa.Engine, user_name: str, email: str | None) -> None:
    email = (email or "").strip()
    if email and not _EMAIL.match(email):
        raise ValueError(msg("notify.bad_email", email=email))
    ensure_tables(engine)
    with engine.begin() as conn:
        conn.execute(web_user_emails.delete().where(web_user_emails.c.user_name == user_name))
        if email:
            conn.execute(web_user_emails.insert().values(user_name=user_name, email=email))


def email_of(engine: sa.Engine, user_name: str) -> str | None:
    ensure_tables(engine)
    with engine.connect() as conn:
        return conn.execute(sa.select(web_user_emails.c.email).where(
            web_user_emails.c.user_name == user_name)).scalar()


def due_tasks(store, scope, as_of: date, days: int | None = None) -> list[dict]:
    """Open tasks of the scope's agencies (lead or support) overdue at `as_of` or due within
    `days`, soonest first: {task_id, action, due, overdue, days_late, agency, document}."""
    from ocop_docs.web import services

    days = notify_days() if days is None else days
    data = services.dashboard(store, agency=None, status="open", due_from=None,
                              due_to=as_of + timedelta(days=days), as_of=as_of, role="any",
                              scope=scope)
    seen, out = set(), []
    for group in data["agencies"]:
        for r in group["tasks"]:
            if r["status"] != "open" or not r["due"] or (r["task_id"], r["period"]) in seen:
                continue
            seen.add((r["task_id"], r["period"]))
            due = date.fromisoformat(r["due"])
            out.append({"task_id": r["task_id"], "action": r["action"], "due": due,
                        "period": r["period"], "overdue": due < as_of,
                        "days_late": (as_of - due).days, "agency": group["agency"]["name"],
                        "document": r["document"]})
    return sorted(out, key=lambda t: (t["due"], t["task_id"]))


# ----------------------------------------------------------------------------- email

@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    sender: str = "ocop-docs@localhost"

    @classmethod
    def from_env(cls) -> "SmtpSettings | None":
        host = os.environ.get("OCOP_DOCS_SMTP_HOST", "").strip()
        if not host:
            return None
        return cls(host=host, port=int(os.environ.get("OCOP_DOCS_SMTP_PORT") or 25),
                   user=os.environ.get("OCOP_DOCS_SMTP_USER") or None,
                   password=os.environ.get("OCOP_DOCS_SMTP_PASSWORD") or None,
                   starttls=os.environ.get("OCOP_DOCS_SMTP_STARTTLS", "") in ("1", "true"),
                   sender=os.environ.get("OCOP_DOCS_SMTP_FROM") or "ocop-docs@localhost")


def _document_label(doc: dict) -> str:
    return " ".join(x for x in (doc.get("doc_type"), doc.get("number")) if x) or "?"


def compose(user_name: str, email: str, agency: str, tasks: list[dict], as_of: date,
            days: int, sender: str) -> EmailMessage:
    lines = [msg("notify.intro", name=user_name, agency=agency, days=days,
                 as_of=vntime.format_date(as_of))]
    for t in tasks:
        late = msg("notify.late", days=t["days_late"]) if t["overdue"] else ""
        lines.append(msg("notify.line", due=vntime.format_date(t["due"]), late=late,
                         action=t["action"] if len(t["action"]) <= 300 else t["action"][:297]
                         + "...", document=_document_label(t["document"])))
    lines.append(msg("notify.outro"))
    message = EmailMessage()
    message["Subject"] = msg("notify.subject", count=len(tasks), agency=agency)
    message["From"] = sender
    message["To"] = formataddr((user_name, email))
    message.set_content("\n".join(lines), charset="utf-8")
    return message


def send_due_mail(store, settings: SmtpSettings, as_of: date | None = None,
                  days: int | None = None) -> list[dict]:
    """One message per account with a unit, an address and tasks due; returns what was sent
    ({user, email, tasks})."""
    from ocop_docs.web import units

    as_of = as_of or vntime.today()
    days = notify_days() if days is None else days
    ensure_tables(store.engine)
    units.ensure_tables(store.engine)
    with store.engine.connect() as conn:
        recipients = conn.execute(sa.select(web_user_emails.c.user_name,
                                            web_user_emails.c.email)
                                  .order_by(web_user_emails.c.user_name)).all()
    outbox = []
    for r in recipients:
        scope = units.scope_of(store, r.user_name)
        if scope.everything:                  # no unit: no agency of one's own to follow
            continue
        tasks = due_tasks(store, scope, as_of, days)
        if tasks:
            outbox.append((r, scope, tasks))
    if not outbox:
        return []
    sent = []
    with smtplib.SMTP(settings.host, settings.port, timeout=30) as smtp:
        if settings.starttls:
            smtp.starttls()
        if settings.user:
            smtp.login(settings.user, settings.password or "")
        for r, scope, tasks in outbox:
            smtp.send_message(compose(r.user_name, r.email, scope.agency_name or "", tasks,
                                      as_of, days, settings.sender))
            sent.append({"user": r.user_name, "email": r.email, "tasks": len(tasks)})
    return sent
