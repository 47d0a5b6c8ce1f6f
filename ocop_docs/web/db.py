"""The web application's own tables, on the store's engine (created on first use): accounts,
uploads (the background extraction jobs) and the clerks' corrections, kept apart from the
machine output in `files.extraction_json` / `documents.extraction_json`.

`apply_correction()` is a thin adapter over the store: it writes a corrected document record
into the store's documents/tasks rows (task ids and status history are kept). It uses the
store's private insert helpers until task_graph offers `Store.update_document()`.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

ROLES = ("viewer", "clerk", "coordinator")
ROLE_VI = {"viewer": "xem", "clerk": "văn thư", "coordinator": "điều phối"}

metadata = sa.MetaData()

web_users = sa.Table(
    "web_users", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("password_hash", sa.String(300), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

web_uploads = sa.Table(
    "web_uploads", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("original_name", sa.String(300), nullable=False),   # as the browser sent it
    sa.Column("stored_name", sa.String(200), nullable=False),     # inside the storage folder
    sa.Column("kind", sa.String(10), nullable=False),             # security.KINDS
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("status", sa.String(12), nullable=False),  # queued|running|done|failed|duplicate
    sa.Column("error", sa.Text),
    sa.Column("file_id", sa.Integer),                             # files.id once stored
    sa.Column("pages", sa.Integer),                               # page images kept
    sa.Column("uploaded_by", sa.String(100)),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("finished_at", sa.DateTime),
    sa.Index("ix_web_uploads_file", "file_id"),
)

web_corrections = sa.Table(
    "web_corrections", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("document_id", sa.Integer, nullable=False),         # documents.id
    sa.Column("file_id", sa.Integer, nullable=False),
    sa.Column("machine_json", sa.Text, nullable=False),           # the extractor's record
    sa.Column("corrected_json", sa.Text, nullable=False),         # the clerk's record
    sa.Column("corrected_by", sa.String(100)),
    sa.Column("corrected_at", sa.DateTime, nullable=False),
    sa.Index("ix_web_corrections_doc", "document_id", "id"),
)


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def ensure_tables(engine: sa.Engine) -> None:
    metadata.create_all(engine, checkfirst=True)


# ----------------------------------------------------------------------------- users

def add_user(engine: sa.Engine, name: str, role: str, password: str) -> None:
    from ocop_docs.web.security import hash_password

    name = name.strip()
    if not name:
        raise ValueError("tên đăng nhập trống")
    if role not in ROLES:
        raise ValueError(f"vai trò không hợp lệ: {role} (chọn {', '.join(ROLES)})")
    if len(password) < 8:
        raise ValueError("mật khẩu phải có ít nhất 8 ký tự")
    ensure_tables(engine)
    with engine.begin() as conn:
        row = conn.execute(sa.select(web_users.c.id).where(web_users.c.name == name)).first()
        values = dict(role=role, password_hash=hash_password(password))
        if row:
            conn.execute(web_users.update().where(web_users.c.id == row.id).values(**values))
        else:
            conn.execute(web_users.insert().values(name=name, created_at=utcnow(), **values))


def check_user(engine: sa.Engine, name: str, password: str) -> dict | None:
    from ocop_docs.web.security import hash_password, verify_password

    with engine.connect() as conn:
        row = conn.execute(sa.select(web_users).where(web_users.c.name == name.strip())).first()
    if row is None:
        verify_password(password, hash_password("x" * 8))     # same time for unknown names
        return None
    if not verify_password(password, row.password_hash):
        return None
    return {"name": row.name, "role": row.role}


def get_user(engine: sa.Engine, name: str) -> dict | None:
    with engine.connect() as conn:
        row = conn.execute(sa.select(web_users.c.name, web_users.c.role)
                           .where(web_users.c.name == name)).first()
    return dict(row._mapping) if row else None


def list_users(engine: sa.Engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(
            sa.select(web_users.c.name, web_users.c.role, web_users.c.created_at)
            .order_by(web_users.c.name))]


# ----------------------------------------------------------------------------- uploads

def upload_row(engine: sa.Engine, upload_id: int) -> dict | None:
    with engine.connect() as conn:
        row = conn.execute(sa.select(web_uploads).where(web_uploads.c.id == upload_id)).first()
    return dict(row._mapping) if row else None


def set_upload(engine: sa.Engine, upload_id: int, **values) -> None:
    with engine.begin() as conn:
        conn.execute(web_uploads.update().where(web_uploads.c.id == upload_id).values(**values))


def recent_uploads(engine: sa.Engine, limit: int = 50) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(
            sa.select(web_uploads).order_by(web_uploads.c.id.desc()).limit(limit))]


def upload_for_file(engine: sa.Engine, file_id: int) -> dict | None:
    with engine.connect() as conn:
        row = conn.execute(sa.select(web_uploads).where(web_uploads.c.file_id == file_id)
                           .order_by(web_uploads.c.id.desc())).first()
    return dict(row._mapping) if row else None


# ----------------------------------------------------------------------------- corrections

def latest_correction(engine: sa.Engine, document_id: int) -> dict | None:
    with engine.connect() as conn:
        row = conn.execute(sa.select(web_corrections)
                           .where(web_corrections.c.document_id == document_id)
                           .order_by(web_corrections.c.id.desc())).first()
    return dict(row._mapping) if row else None


def corrections_of_file(engine: sa.Engine, file_id: int) -> dict[int, dict]:
    """document id -> its latest corrected record."""
    out: dict[int, dict] = {}
    with engine.connect() as conn:
        for r in conn.execute(sa.select(web_corrections)
                              .where(web_corrections.c.file_id == file_id)
                              .order_by(web_corrections.c.id)):
            out[r.document_id] = json.loads(r.corrected_json)
    return out


def apply_correction(store, document_id: int, corrected: dict[str, Any], by: str) -> dict:
    """Record the clerk's version of one document and write it into the store's rows.

    `corrected` is a document record of the extraction contract whose tasks may carry
    `"id"` (an existing task, updated in place) or none (a new task). Stored tasks that are
    absent from `corrected` are removed with their statuses. Returns counts."""
    from task_graph import agencies as ag
    from task_graph import recurrence as rec
    from task_graph.schema import (documents, status_history, task_agencies, task_status,
                                   tasks)
    from task_graph.store import _date
    from task_graph.text import number_key

    ensure_tables(store.engine)
    with store.engine.begin() as conn:
        doc = conn.execute(sa.select(documents).where(documents.c.id == document_id)).first()
        if doc is None:
            raise LookupError(f"không có văn bản số {document_id}")
        previous = conn.execute(sa.select(web_corrections.c.corrected_json)
                                .where(web_corrections.c.document_id == document_id)
                                .order_by(web_corrections.c.id.desc())).scalar()
        machine = json.loads(doc.extraction_json)
        # machine_json is always the extractor's record, even after several corrections
        first = conn.execute(sa.select(web_corrections.c.machine_json)
                             .where(web_corrections.c.document_id == document_id)
                             .order_by(web_corrections.c.id)).scalar()
        if first is not None:
            machine = json.loads(first)
        ctx = ag.parse_jurisdiction(corrected.get("issuer"), corrected.get("parent_issuer"),
                                    corrected.get("place"))
        if not ctx.province and doc.province:
            ctx = ag.Jurisdiction(doc.province, doc.district or ctx.district,
                                  ctx.district_unit, ctx.commune, ctx.commune_unit)
        issuer_id = None
        if corrected.get("issuer"):
            issuer_id = store._agency_id(conn, ag.resolve(corrected["issuer"], ctx),
                                         corrected["issuer"])
        record = {k: v for k, v in corrected.items() if k != "tasks"}
        record["tasks"] = [{k: v for k, v in t.items() if k != "id"}
                           for t in corrected.get("tasks") or []]
        conn.execute(documents.update().where(documents.c.id == document_id).values(
            doc_type=corrected.get("doc_type"), number=corrected.get("number"),
            number_key=number_key(corrected.get("number")),
            issued_date=_date(corrected.get("issued_date")), place=corrected.get("place"),
            issuer=corrected.get("issuer"), issuer_agency_id=issuer_id,
            subject=corrected.get("subject"), signer=corrected.get("signer")))
        existing = {r.id: r for r in conn.execute(sa.select(tasks).where(
            tasks.c.document_id == document_id))}
        kept, added = set(), 0
        doc_date = _date(corrected.get("issued_date"))
        for ordinal, t in enumerate(corrected.get("tasks") or []):
            tid = t.get("id")
            if tid in existing:
                kept.add(tid)
                due = _date(t.get("due"))
                done = set(conn.execute(sa.select(task_status.c.period).where(
                    task_status.c.task_id == tid, task_status.c.status == "done")).scalars())
                recurrence = t.get("recurrence") or None
                if rec.is_recurring(recurrence):
                    status = "open"
                    next_due = rec.first_open_due(recurrence, doc_date or due, due, done)
                else:
                    status = "done" if rec.ONE_OFF in done else "open"
                    next_due = due if status == "open" else None
                conn.execute(tasks.update().where(tasks.c.id == tid).values(
                    ordinal=ordinal, action=t.get("action") or "", due=due,
                    deadline_text=t.get("deadline_text"), recurrence=recurrence,
                    doc_date=doc_date, status=status, next_due=next_due,
                    section=t.get("section")))
                conn.execute(task_agencies.delete().where(task_agencies.c.task_id == tid))
                rows, seen = [], set()
                for role in ("lead", "support"):
                    for pos, name in enumerate(t.get(role) or []):
                        if not name or not name.strip():
                            continue
                        agency_id = store._agency_id(conn, ag.resolve(name, ctx), name)
                        if (agency_id, role) in seen:
                            continue
                        seen.add((agency_id, role))
                        rows.append(dict(task_id=tid, agency_id=agency_id, role=role,
                                         position=pos, written=name))
                if rows:
                    conn.execute(task_agencies.insert(), rows)
            else:
                new_id = store._insert_task(conn, document_id, ordinal,
                                            {k: v for k, v in t.items() if k != "id"},
                                            corrected, ctx)
                t["id"] = new_id
                added += 1
        removed = [tid for tid in existing if tid not in kept]
        for tid in removed:
            for table in (task_agencies, task_status, status_history):
                conn.execute(table.delete().where(table.c.task_id == tid))
            conn.execute(tasks.delete().where(tasks.c.id == tid))
        conn.execute(web_corrections.insert().values(
            document_id=document_id, file_id=doc.file_id,
            machine_json=json.dumps(machine, ensure_ascii=False),
            corrected_json=json.dumps(record, ensure_ascii=False), corrected_by=by,
            corrected_at=utcnow()))
        return {"updated": len(kept), "added": added, "removed": len(removed),
                "first_correction": previous is None}
