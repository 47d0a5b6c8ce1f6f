"""The incoming register (sổ văn bản đến): the number the văn thư gives an incoming document
(số đến), the day it arrived (ngày đến) and who sent it (nơi gửi). Entered on upload (the web
form or POST /api/uploads), corrected on the review page, shown in the registry.

Kept per upload in `web_incoming`; a document's register entry is that of the latest upload of
its file (a document stored by the CLI has none until one is entered on its review page,
which then records it against the file)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from ocop_docs import vntime
from ocop_docs.messages import msg

FIELDS = ("incoming_number", "received_on", "sender")
MAX_NUMBER = 50
MAX_SENDER = 300
metadata = sa.MetaData()

web_incoming = sa.Table(
    "web_incoming", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("upload_id", sa.Integer),                      # web_uploads.id (None: by file)
    sa.Column("file_id", sa.Integer),                        # files.id, once known
    sa.Column("incoming_number", sa.String(MAX_NUMBER)),     # số đến
    sa.Column("received_on", sa.Date),                       # ngày đến
    sa.Column("sender", sa.String(MAX_SENDER)),              # nơi gửi
    sa.Column("entered_by", sa.String(100)),
    sa.Column("entered_at", sa.DateTime, nullable=False),
    sa.Index("ix_web_incoming_upload", "upload_id"),
    sa.Index("ix_web_incoming_file", "file_id"),
)


def ensure_tables(engine: sa.Engine) -> None:
    metadata.create_all(engine, checkfirst=True)


def parse(values) -> dict:
    """The register fields of a form or a JSON body, checked: ValueError with a Vietnamese
    message. Empty fields are None; the day is dd/mm/yyyy (or ISO)."""
    def text(name):
        return " ".join(str(values.get(name) or "").split()) or None

    number, sender, day = text("incoming_number"), text("sender"), text("received_on")
    if number and len(number) > MAX_NUMBER:
        raise ValueError(msg("register.number_too_long"))
    received: date | None = None
    if day:
        received = vntime.parse_date(day)
        if received is None:
            raise ValueError(msg("register.bad_date"))
    return {"incoming_number": number, "received_on": received,
            "sender": sender[:MAX_SENDER] if sender else None}


def is_empty(entry: dict) -> bool:
    return not any(entry.get(k) for k in FIELDS)


def record_upload(engine: sa.Engine, upload_id: int, entry: dict, by: str) -> None:
    from ocop_docs.web.db import utcnow

    if is_empty(entry):
        return
    with engine.begin() as conn:
        conn.execute(web_incoming.insert().values(upload_id=upload_id, entered_by=by,
                                                  entered_at=utcnow(), **entry))


def record_file(engine: sa.Engine, file_id: int, entry: dict, by: str) -> None:
    """A correction made on the review page: the newest entry for the file wins."""
    from ocop_docs.web.db import utcnow

    with engine.begin() as conn:
        conn.execute(web_incoming.insert().values(file_id=file_id, entered_by=by,
                                                  entered_at=utcnow(), **entry))


def _latest_by_file(conn, file_ids) -> dict[int, dict]:
    from ocop_docs.web.db import web_uploads

    file_ids = [f for f in set(file_ids) if f is not None]
    if not file_ids:
        return {}
    stmt = (sa.select(web_incoming, web_uploads.c.file_id.label("upload_file"))
            .select_from(web_incoming.outerjoin(web_uploads,
                                                web_uploads.c.id == web_incoming.c.upload_id))
            .where(sa.or_(web_incoming.c.file_id.in_(file_ids),
                          web_uploads.c.file_id.in_(file_ids)))
            .order_by(web_incoming.c.id))
    out: dict[int, dict] = {}
    for r in conn.execute(stmt):
        fid = r.file_id if r.file_id is not None else r.upload_file
        out[fid] = {k: getattr(r, k) for k in FIELDS} | {"entered_by": r.entered_by}
    return out


def entries_for_files(engine: sa.Engine, file_ids) -> dict[int, dict]:
    """file id -> its register entry (the newest)."""
    ensure_tables(engine)
    with engine.connect() as conn:
        return _latest_by_file(conn, file_ids)


def entry_for_file(engine: sa.Engine, file_id: int) -> dict | None:
    return entries_for_files(engine, [file_id]).get(file_id)


def for_upload(engine: sa.Engine, upload_id: int) -> dict | None:
    with engine.connect() as conn:
        r = conn.execute(sa.select(web_incoming).where(web_incoming.c.upload_id == upload_id)
                         .order_by(web_incoming.c.id.desc())).first()
    return {k: getattr(r, k) for k in FIELDS} if r else None


def as_json(entry: dict | None) -> dict:
    entry = entry or {}
    day = entry.get("received_on")
    return {"incoming_number": entry.get("incoming_number"),
            "received_on": day.isoformat() if day else None, "sender": entry.get("sender")}
