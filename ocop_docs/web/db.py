"""The web application's own tables, on the store's engine (created on first use): accounts,
uploads (the background extraction jobs) and the clerks' corrections, kept apart from the
machine output in `files.extraction_json`.

`apply_correction()` is a thin adapter over the store: `Store.update_document()` writes the
corrected record into the store's documents/tasks rows (task ids and status history kept,
removed tasks deleted with their statuses and reminder links) in the same transaction as the
`web_corrections` row.
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
    """Record the clerk's version of one document and write it into the store
    (`Store.update_document`), both in one transaction.

    `corrected` is a document record of the extraction contract whose tasks may carry
    `"id"` (an existing task, updated in place: id, statuses and history kept) or none (a new
    task, or the stored task with the same action text). Stored tasks that are absent from
    `corrected` are removed with everything that references them. Returns counts."""
    from task_graph.schema import documents, files

    ensure_tables(store.engine)
    with store.engine.begin() as conn:
        doc = conn.execute(sa.select(documents.c.file_id, documents.c.ordinal,
                                     documents.c.extraction_json)
                           .where(documents.c.id == document_id)).first()
        if doc is None:
            raise LookupError(f"không có văn bản số {document_id}")
        previous = conn.execute(sa.select(web_corrections.c.corrected_json)
                                .where(web_corrections.c.document_id == document_id)
                                .order_by(web_corrections.c.id.desc())).scalar()
        # machine_json is always the extractor's record, even after several corrections
        machine = conn.execute(sa.select(web_corrections.c.machine_json)
                               .where(web_corrections.c.document_id == document_id)
                               .order_by(web_corrections.c.id)).scalar()
        if machine is None:
            file_json = conn.execute(sa.select(files.c.extraction_json)
                                     .where(files.c.id == doc.file_id)).scalar()
            docs = (json.loads(file_json or "{}").get("documents") or [])
            machine = json.dumps(docs[doc.ordinal] if doc.ordinal < len(docs)
                                 else json.loads(doc.extraction_json), ensure_ascii=False)
        result = store.update_document(document_id, corrected, conn=conn)
        record = {k: v for k, v in corrected.items() if k != "tasks"}
        record["tasks"] = [{k: v for k, v in t.items() if k != "id"}
                           for t in corrected.get("tasks") or []]
        for t, tid in zip(corrected.get("tasks") or [], result["task_ids"]):
            t["id"] = tid
        conn.execute(web_corrections.insert().values(
            document_id=document_id, file_id=doc.file_id, machine_json=machine,
            corrected_json=json.dumps(record, ensure_ascii=False), corrected_by=by,
            corrected_at=utcnow()))
        return {"updated": result["updated"], "added": result["added"],
                "removed": result["removed"], "first_correction": previous is None}
