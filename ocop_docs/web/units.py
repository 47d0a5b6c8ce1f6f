"""Access by unit: an account may belong to one agency (a Sở, a district's UBND ...).

- scope "unit" (clerks and viewers of an agency): they see the obligations of that agency
  (and of group phrases that cover it, "các sở, ban, ngành"), and the documents that give it
  a task, that it issued, or that they uploaded themselves;
- scope "jurisdiction" (coordinators): every agency of the same district (a district-level
  agency) or province (a province-level one).
An account without a unit sees everything (the office's administrators).

`guard()` runs in the page and API dependencies of ocop_docs.web.auth: a URL that names a
document, task, file or upload outside the account's scope answers 404, as an id that does
not exist does, so ids cannot be probed. Lists (dashboard, registry, uploads) are filtered with
`Scope`."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from fastapi import HTTPException, Request

from ocop_docs.messages import msg

SCOPES = ("unit", "jurisdiction")
metadata = sa.MetaData()

web_user_units = sa.Table(
    "web_user_units", metadata,
    sa.Column("user_name", sa.String(100), primary_key=True),
    sa.Column("agency_id", sa.Integer, nullable=False),       # agencies.id
    sa.Column("scope", sa.String(12), nullable=False),        # unit | jurisdiction
)


def ensure_tables(engine: sa.Engine) -> None:
    metadata.create_all(engine, checkfirst=True)


@dataclass(frozen=True)
class Scope:
    user: str
    agency_id: int | None = None           # None: the account sees everything
    agency_name: str | None = None
    kind: str | None = None                # unit | jurisdiction
    agency_ids: frozenset[int] = frozenset()

    @property
    def everything(self) -> bool:
        return self.agency_id is None


# ----------------------------------------------------------------------------- accounts

def set_unit(store, user_name: str, agency: str | None, scope: str = "unit") -> dict | None:
    """Give `user_name` a unit (an agency found by any of its names, or its id) or, with
    agency None/"", none. Returns {"id", "name"} of the agency."""
    from task_graph import queries

    ensure_tables(store.engine)
    with store.engine.begin() as conn:
        conn.execute(web_user_units.delete().where(web_user_units.c.user_name == user_name))
        if not agency or not str(agency).strip():
            return None
        if scope not in SCOPES:
            raise ValueError(f"phạm vi không hợp lệ: {scope} (chọn {', '.join(SCOPES)})")
        found = queries.find_agencies(conn, str(agency).strip())
        if not found:
            raise ValueError(f"không tìm thấy cơ quan: {agency}")
        row = found[0]
        conn.execute(web_user_units.insert().values(user_name=user_name, agency_id=row.id,
                                                    scope=scope))
    return {"id": row.id, "name": row.name}


def units_of_users(engine) -> dict[str, dict]:
    from task_graph.schema import agencies

    ensure_tables(engine)
    with engine.connect() as conn:
        return {r.user_name: {"agency_id": r.agency_id, "name": r.name, "scope": r.scope}
                for r in conn.execute(
                    sa.select(web_user_units.c.user_name, web_user_units.c.agency_id,
                              web_user_units.c.scope, agencies.c.name)
                    .select_from(web_user_units.join(
                        agencies, agencies.c.id == web_user_units.c.agency_id)))}


def scope_of(store, user_name: str) -> Scope:
    from task_graph import queries
    from task_graph.schema import agencies

    with store.engine.connect() as conn:
        unit = conn.execute(sa.select(web_user_units).where(
            web_user_units.c.user_name == user_name)).first()
        if unit is None:
            return Scope(user=user_name)
        a = conn.execute(sa.select(agencies).where(agencies.c.id == unit.agency_id)).first()
        if a is None:                                    # the agency was removed: nothing
            return Scope(user=user_name, agency_id=unit.agency_id, kind=unit.scope)
        ids = {a.id}
        if unit.scope == "jurisdiction" and (a.province or a.district):
            cond = [agencies.c.province == a.province] if a.province else []
            if a.district:
                cond.append(agencies.c.district == a.district)
            ids |= set(conn.execute(sa.select(agencies.c.id).where(*cond)).scalars())
        ids |= set(conn.execute(sa.select(agencies.c.id).where(
            agencies.c.merged_into.in_(list(ids)))).scalars())
        members = conn.execute(sa.select(agencies).where(agencies.c.id.in_(list(ids)))).all()
        for groups in queries._groups_containing(conn, members).values():
            ids |= {g.id for g in groups}
    return Scope(user=user_name, agency_id=a.id, agency_name=a.name, kind=unit.scope,
                 agency_ids=frozenset(ids))


def request_scope(request: Request, user: dict) -> Scope:
    cached = getattr(request.state, "unit_scope", None)
    if cached is not None and cached.user == user["name"]:
        return cached
    scope = scope_of(request.app.state.store, user["name"])     # tables: create_app
    request.state.unit_scope = scope
    return scope


# ----------------------------------------------------------------------------- what is visible

def document_condition(scope: Scope):
    """A SQL condition on documents.c.id for the documents `scope` may see (None: all)."""
    from task_graph.schema import documents, task_agencies, tasks

    from ocop_docs.web.db import web_uploads

    if scope.everything:
        return None
    ids = list(scope.agency_ids)
    with_task = (sa.select(tasks.c.document_id)
                 .select_from(tasks.join(task_agencies, task_agencies.c.task_id == tasks.c.id))
                 .where(task_agencies.c.agency_id.in_(ids)))
    uploaded = sa.select(web_uploads.c.file_id).where(web_uploads.c.uploaded_by == scope.user,
                                                      web_uploads.c.file_id.is_not(None))
    return sa.or_(documents.c.id.in_(with_task), documents.c.issuer_agency_id.in_(ids),
                  documents.c.file_id.in_(uploaded))


def visible_documents(store, scope: Scope, document_ids) -> set[int]:
    from task_graph.schema import documents

    document_ids = [int(d) for d in document_ids]
    if scope.everything:
        return set(document_ids)
    with store.connect() as conn:
        return set(conn.execute(sa.select(documents.c.id).where(
            documents.c.id.in_(document_ids), document_condition(scope))).scalars())


def can_see_document(store, scope: Scope, document_id: int) -> bool:
    return scope.everything or bool(visible_documents(store, scope, [document_id]))


def can_see_task(store, scope: Scope, task_id: int) -> bool:
    from task_graph.schema import tasks

    if scope.everything:
        return True
    with store.connect() as conn:
        doc = conn.execute(sa.select(tasks.c.document_id).where(tasks.c.id == task_id)).scalar()
    return doc is not None and can_see_document(store, scope, doc)


def can_see_file(store, scope: Scope, file_id: int) -> bool:
    from task_graph.schema import documents

    if scope.everything:
        return True
    with store.connect() as conn:
        ids = list(conn.execute(sa.select(documents.c.id).where(
            documents.c.file_id == file_id)).scalars())
    return bool(visible_documents(store, scope, ids)) or _uploaded_file(store, scope, file_id)


def _uploaded_file(store, scope: Scope, file_id: int) -> bool:
    from ocop_docs.web.db import web_uploads

    with store.connect() as conn:
        return conn.execute(sa.select(web_uploads.c.id).where(
            web_uploads.c.file_id == file_id, web_uploads.c.uploaded_by == scope.user)
        ).first() is not None


def can_see_upload(store, scope: Scope, upload_id: int) -> bool:
    from ocop_docs.web import db

    if scope.everything:
        return True
    row = db.upload_row(store.engine, upload_id)
    if row is None:
        return True                         # the route answers its own 404
    return row["uploaded_by"] == scope.user or (
        row["file_id"] is not None and can_see_file(store, scope, row["file_id"]))


def agency_allowed(store, scope: Scope, agency: str | None) -> bool:
    """Whether an agency named by a user (any of its names, or its id) is in the scope."""
    from task_graph import queries

    if scope.everything:
        return True
    if not agency or not agency.strip():
        return False
    with store.connect() as conn:
        found = queries.find_agencies(conn, agency.strip())
    return any(a.id in scope.agency_ids for a in found)


def check_agency(request: Request, user: dict, agency: str | None) -> None:
    """404 (as for an unknown agency) when the account's unit does not cover `agency`."""
    if not agency_allowed(request.app.state.store, request_scope(request, user), agency):
        raise HTTPException(404, msg("access.no_agency"))


def filter_dashboard(data: dict, scope: Scope) -> dict:
    """The dashboard's agency groups that the scope covers."""
    if scope.everything:
        return data
    groups = [g for g in data["agencies"] if g["agency"]["id"] in scope.agency_ids]
    return dict(data, agencies=groups, rows=sum(len(g["tasks"]) for g in groups),
                task_count=len({i["task_id"] for g in groups for i in g.get("by_task", [])}))


_CHECKS = {"document_id": can_see_document, "task_id": can_see_task, "file_id": can_see_file,
           "upload_id": can_see_upload}


def guard(request: Request, user: dict) -> Scope:
    """404 for a document, task, file or upload in the URL that the account may not see."""
    scope = request_scope(request, user)
    if scope.everything:
        return scope
    store = request.app.state.store
    for name, check in _CHECKS.items():
        value = request.path_params.get(name)
        if value is None:
            continue
        try:
            ident = int(value)
        except (TypeError, ValueError):
            continue                         # FastAPI answers 422 for a non-number
        if not check(store, scope, ident):
            raise HTTPException(404, msg("access.no_document"))
    return scope
