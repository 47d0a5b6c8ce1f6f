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
from datetime import datetime, timedelta, timezone
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
    sa.Column("disabled_at", sa.DateTime),                        # set: cannot log in
)

# server-side sessions: the cookie carries a random id whose hash is kept here; logging out,
# disabling or deleting the account or changing its password removes the rows, so a copied
# cookie stops working at once
web_sessions = sa.Table(
    "web_sessions", metadata,
    sa.Column("id_hash", sa.String(64), primary_key=True),        # sha256 of the cookie's id
    sa.Column("user_name", sa.String(100), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
    sa.Index("ix_web_sessions_user", "user_name"),
)

# wrong passwords, by (client address, name) and by client address, for throttling
web_login_failures = sa.Table(
    "web_login_failures", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(200), nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Index("ix_web_login_failures_key", "key", "at"),
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


# columns added after a table was first released: (table, column, SQL type)
_ADDED_COLUMNS = (("web_users", "disabled_at", "TIMESTAMP"),)


def ensure_tables(engine: sa.Engine) -> None:
    """Create the web's tables once, under the store's schema lock (several processes may
    start on a fresh database at once)."""
    from task_graph.migrations import schema_lock

    with engine.connect() as conn:
        present = set(sa.inspect(conn).get_table_names())
    if set(metadata.tables) <= present:
        return
    with schema_lock(engine) as conn:
        metadata.create_all(conn, checkfirst=True)
    inspector = sa.inspect(engine)
    for table, column, sql_type in _ADDED_COLUMNS:
        if column not in {c["name"] for c in inspector.get_columns(table)}:
            with engine.begin() as conn:
                conn.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}"))


# ----------------------------------------------------------------------------- users

class AccountError(ValueError):
    """A refused account change; str() is a Vietnamese message."""


def _check_new(name: str, role: str, password: str) -> str:
    from ocop_docs.web.security import password_problem

    name = name.strip()
    if not name:
        raise AccountError("tên đăng nhập trống")
    if len(name) > 100:
        raise AccountError("tên đăng nhập dài quá 100 ký tự")
    if role not in ROLES:
        raise AccountError(f"vai trò không hợp lệ: {role} (chọn {', '.join(ROLES)})")
    problem = password_problem(password, name)
    if problem:
        raise AccountError(problem)
    return name


def add_user(engine: sa.Engine, name: str, role: str, password: str) -> None:
    """A new account; an existing name is refused (change it with `update_user`)."""
    from ocop_docs.web.security import hash_password

    name = _check_new(name, role, password)
    ensure_tables(engine)
    with engine.begin() as conn:
        if conn.execute(sa.select(web_users.c.id).where(web_users.c.name == name)).first():
            raise AccountError(f"tài khoản {name} đã có; muốn đổi vai trò hoặc mật khẩu thì "
                               "dùng lệnh cập nhật tài khoản")
        conn.execute(web_users.insert().values(name=name, role=role, created_at=utcnow(),
                                               password_hash=hash_password(password)))


def update_user(engine: sa.Engine, name: str, *, role: str | None = None,
                password: str | None = None) -> None:
    """Change an existing account's role and/or password (a new password ends its sessions)."""
    from ocop_docs.web.security import hash_password, password_problem

    ensure_tables(engine)
    values: dict[str, Any] = {}
    if role is not None:
        if role not in ROLES:
            raise AccountError(f"vai trò không hợp lệ: {role} (chọn {', '.join(ROLES)})")
        values["role"] = role
    if password is not None:
        problem = password_problem(password, name)
        if problem:
            raise AccountError(problem)
        values["password_hash"] = hash_password(password)
    if not values:
        raise AccountError("không có gì để cập nhật")
    with engine.begin() as conn:
        done = conn.execute(web_users.update().where(web_users.c.name == name).values(**values))
        if done.rowcount == 0:
            raise AccountError(f"không có tài khoản {name}")
        if password is not None:
            conn.execute(web_sessions.delete().where(web_sessions.c.user_name == name))


def change_password(engine: sa.Engine, name: str, old: str, new: str) -> None:
    """The user's own change: the current password must be right."""
    if check_user(engine, name, old) is None:
        raise AccountError("mật khẩu hiện tại không đúng")
    if old == new:
        raise AccountError("mật khẩu mới phải khác mật khẩu cũ")
    update_user(engine, name, password=new)


def set_disabled(engine: sa.Engine, name: str, disabled: bool = True) -> None:
    """Disable (no login, sessions ended) or enable an account."""
    ensure_tables(engine)
    with engine.begin() as conn:
        done = conn.execute(web_users.update().where(web_users.c.name == name)
                            .values(disabled_at=utcnow() if disabled else None))
        if done.rowcount == 0:
            raise AccountError(f"không có tài khoản {name}")
        if disabled:
            conn.execute(web_sessions.delete().where(web_sessions.c.user_name == name))


def delete_user(engine: sa.Engine, name: str) -> None:
    ensure_tables(engine)
    with engine.begin() as conn:
        done = conn.execute(web_users.delete().where(web_users.c.name == name))
        if done.rowcount == 0:
            raise AccountError(f"không có tài khoản {name}")
        conn.execute(web_sessions.delete().where(web_sessions.c.user_name == name))
        # its unit and address go with it: a new account of the same name starts without them
        from ocop_docs.web import notify, units

        units.ensure_tables(conn)
        notify.ensure_tables(conn)
        conn.execute(units.web_user_units.delete().where(
            units.web_user_units.c.user_name == name))
        conn.execute(notify.web_user_emails.delete().where(
            notify.web_user_emails.c.user_name == name))


def check_user(engine: sa.Engine, name: str, password: str) -> dict | None:
    """The account if `password` is its password and it is not disabled. Exactly one scrypt
    whatever the name (unknown names are checked against a dummy hash), so the time taken
    does not tell which names exist."""
    from ocop_docs.web.security import verify_against_dummy, verify_password

    with engine.connect() as conn:
        row = conn.execute(sa.select(web_users).where(web_users.c.name == name.strip())).first()
    if row is None:
        verify_against_dummy(password)
        return None
    if not verify_password(password, row.password_hash) or row.disabled_at is not None:
        return None
    return {"name": row.name, "role": row.role}


def get_user(engine: sa.Engine, name: str) -> dict | None:
    """An active (not disabled) account."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(web_users.c.name, web_users.c.role)
                           .where(web_users.c.name == name,
                                  web_users.c.disabled_at.is_(None))).first()
    return dict(row._mapping) if row else None


def list_users(engine: sa.Engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(
            sa.select(web_users.c.name, web_users.c.role, web_users.c.created_at,
                      web_users.c.disabled_at)
            .order_by(web_users.c.name))]


# ----------------------------------------------------------------------------- sessions

def _hash_id(session_id: str) -> str:
    import hashlib

    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def open_session(engine: sa.Engine, name: str, lifetime: timedelta) -> str:
    """A new server-side session for `name`; returns the id to put in the cookie."""
    from ocop_docs.web.security import new_token

    session_id = new_token()
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(web_sessions.delete().where(web_sessions.c.expires_at < now))
        conn.execute(web_sessions.insert().values(id_hash=_hash_id(session_id), user_name=name,
                                                  created_at=now, expires_at=now + lifetime))
    return session_id


def session_owner(engine: sa.Engine, session_id: str | None) -> str | None:
    """The user name of a live session, or None (ended, expired or unknown)."""
    if not session_id:
        return None
    with engine.connect() as conn:
        return conn.execute(sa.select(web_sessions.c.user_name).where(
            web_sessions.c.id_hash == _hash_id(session_id),
            web_sessions.c.expires_at > utcnow())).scalar()


def close_session(engine: sa.Engine, session_id: str | None) -> None:
    if session_id:
        with engine.begin() as conn:
            conn.execute(web_sessions.delete().where(
                web_sessions.c.id_hash == _hash_id(session_id)))


# ----------------------------------------------------------------------------- throttling

def recent_failures(engine: sa.Engine, key: str, window: timedelta) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).where(
            web_login_failures.c.key == key,
            web_login_failures.c.at > utcnow() - window)).scalar() or 0


def record_failure(engine: sa.Engine, keys: list[str], window: timedelta) -> None:
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(web_login_failures.delete().where(web_login_failures.c.at < now - window))
        conn.execute(web_login_failures.insert(), [{"key": k, "at": now} for k in keys])


def clear_failures(engine: sa.Engine, key: str) -> None:
    with engine.begin() as conn:
        conn.execute(web_login_failures.delete().where(web_login_failures.c.key == key))


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


def apply_correction(store, document_id: int, corrected: dict[str, Any], by: str,
                     expected_version: int | None = None) -> dict:
    """Record the clerk's version of one document and write it into the store
    (`Store.update_document`), both in one transaction.

    `corrected` is a document record of the extraction contract whose tasks may carry
    `"id"` (an existing task, updated in place: id, statuses and history kept) or none (a new
    task, or the stored task with the same action text). Stored tasks that are absent from
    `corrected` are removed with everything that references them. With `expected_version`,
    raises task_graph.store.VersionConflict (nothing written) when the document has changed
    since that version. Returns counts and the new version."""
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
        result = store.update_document(document_id, corrected, conn=conn,
                                       expected_version=expected_version)
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
                "removed": result["removed"], "first_correction": previous is None,
                "version": result["version"]}
