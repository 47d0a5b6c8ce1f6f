"""Questions coordinators ask of the store, answered as plain data (dicts, lists, ISO dates),
for the CLI now and a web UI later.

Result sizes are bounded: every list query takes `limit` (tasks per page, default
DEFAULT_LIMIT) and `offset`, and says whether more rows exist (`truncated`). `owes` for all
agencies walks the (role, agency, task) index page by page, so it stays fast on a store of
millions of tasks; ask for one agency, or page with `offset`, to see more.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from task_graph import agencies as ag
from task_graph import recurrence as rec
from task_graph.migrations import SEARCH_FTS
from task_graph.schema import (agencies, agency_aliases, citations, documents, files,
                               reminder_letter_tasks, reminder_letters, status_history,
                               task_agencies, task_status, tasks)
from task_graph.store import Store, StoreError, _date
from task_graph.text import fold, name_key

DEFAULT_LIMIT = 200
ROLES = ("lead", "support")


@lru_cache(maxsize=65536)
def _sort_name(name: str) -> str:
    return fold(name)


@lru_cache(maxsize=65536)
def _name_key(name: str) -> str:
    return name_key(name)


@lru_cache(maxsize=65536)
def _periods_through(recurrence: str | None, start: date | None, due: date | None,
                     through: date) -> tuple:
    return tuple(rec.occurrences(recurrence, start, due, through))


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _as_date(value: Any, default: date | None = None) -> date | None:
    if value is None:
        return default
    parsed = _date(value)
    if parsed is None:
        raise StoreError(f"ngày không hợp lệ: {value!r} (dạng YYYY-MM-DD)")
    return parsed


def _roles(role: str) -> tuple[str, ...]:
    if role == "any":
        return ROLES
    if role not in ROLES:
        raise StoreError(f"vai trò không hợp lệ: {role!r} (lead, support, any)")
    return (role,)


# ----------------------------------------------------------------------------- agencies

def find_agencies(conn: sa.Connection, text: str) -> list[sa.Row]:
    """Agencies matching what a user typed, by any alias: accent/case-insensitive,
    abbreviations expanded ("Sở NN-PTNT" finds every Sở Nông nghiệp và PTNT). Exact full
    names first; then the name without jurisdiction — in the jurisdiction the text names,
    if it names one ("Sở Công Thương tỉnh Lào Cai" is not the Sở of another province);
    then names containing the words. Nothing matching: []."""
    if text.strip().isdigit():
        rows = conn.execute(sa.select(agencies).where(agencies.c.id == int(text))).all()
        return rows
    full, base = ag.query_keys(text)
    scope = ag.query_scope(text)
    by_base = agencies.c.base_key == base
    if scope is not None:
        by_base = sa.and_(by_base, agencies.c.scope_key == scope)
    live = agencies.c.merged_into.is_(None)
    for cond in (agencies.c.id.in_(sa.select(agency_aliases.c.agency_id)
                                   .where(agency_aliases.c.alias_key == full)),
                 by_base,
                 agencies.c.id.in_(sa.select(agency_aliases.c.agency_id)
                                   .where(agency_aliases.c.alias_key.like(f"%{full}%")))):
        rows = conn.execute(sa.select(agencies).where(cond, live)
                            .order_by(agencies.c.name)).all()
        if rows:
            return rows
    return []


def _member_prefixes(group_row) -> list[str]:
    return list(_member_prefixes_of(group_row.base_key))


@lru_cache(maxsize=4096)
def _member_prefixes_of(base_key: str) -> tuple[str, ...]:
    rule = ag.group_rule(base_key)
    return tuple(rule.get("members") or []) if rule else ()


def _groups_containing(conn, agency_rows) -> dict[int, list[sa.Row]]:
    """Group nodes (same jurisdiction) whose members would include each agency."""
    wanted = {}
    for a in agency_rows:
        if a.kind != "agency":
            continue
        scopes = {a.scope_key}
        if a.province:
            scopes.add(f"tinh:{fold(a.province)}")
        wanted[a.id] = (scopes, _name_key(a.name))
    all_scopes = set().union(*(v[0] for v in wanted.values())) if wanted else set()
    groups = []
    for chunk in _chunks(sorted(all_scopes)):
        groups.extend(conn.execute(sa.select(agencies).where(
            agencies.c.kind == "group", agencies.c.scope_key.in_(chunk),
            agencies.c.merged_into.is_(None))).all())
    prefixes = {g.id: [p.strip() for p in _member_prefixes(g)] for g in groups}
    by_scope: dict[str, list[sa.Row]] = defaultdict(list)    # an agency looks only at the
    position = {}                                            # groups of its own scopes
    for i, g in enumerate(groups):
        by_scope[g.scope_key].append(g)
        position[g.id] = i
    out = {}
    for a_id, (scopes, key) in wanted.items():
        near = {g.id: g for s in scopes for g in by_scope.get(s, ())}
        out[a_id] = [g for g in sorted(near.values(), key=lambda g: position[g.id])
                     if any(key.startswith(p) for p in prefixes[g.id])]
    return out


def group_members(conn, group_row) -> list[dict]:
    """The agencies the store knows that a group phrase covers (same jurisdiction)."""
    prefixes = [p.strip() for p in _member_prefixes(group_row)]
    if not prefixes:
        return []
    scope = group_row.scope_key
    conds = [agencies.c.scope_key == scope]
    if scope.startswith("tinh:"):
        conds.append(agencies.c.province.isnot(None))
    rows = conn.execute(sa.select(agencies).where(
        agencies.c.kind == "agency", agencies.c.merged_into.is_(None), sa.or_(*conds))).all()
    out = []
    for r in rows:
        in_scope = r.scope_key == scope or (scope.startswith("tinh:") and r.province
                                             and f"tinh:{fold(r.province)}" == scope)
        if in_scope and any(name_key(r.name).startswith(p) for p in prefixes):
            out.append({"id": r.id, "name": r.name})
    return sorted(out, key=lambda m: m["name"])


def list_agencies(store: Store, query: str | None = None, *, limit: int | None = None,
                  include_merged: bool = False) -> list[dict]:
    """Agencies with their aliases (and, for groups, the members the store knows)."""
    with store.connect() as conn:
        if query:
            rows = find_agencies(conn, query)
        else:
            stmt = sa.select(agencies).order_by(agencies.c.name)
            if not include_merged:
                stmt = stmt.where(agencies.c.merged_into.is_(None))
            if limit:
                stmt = stmt.limit(limit)
            rows = conn.execute(stmt).all()
        ids = [r.id for r in rows]
        aliases = defaultdict(list)
        for chunk in _chunks(ids):
            for al in conn.execute(sa.select(agency_aliases.c.agency_id, agency_aliases.c.alias)
                                   .where(agency_aliases.c.agency_id.in_(chunk))
                                   .order_by(agency_aliases.c.id)):
                aliases[al.agency_id].append(al.alias)
        out = []
        for r in rows:
            item = {"id": r.id, "name": r.name, "kind": r.kind, "level": r.level,
                    "key": r.key, "aliases": [a for a in aliases[r.id] if a != r.name],
                    "merged_into": r.merged_into}
            if r.kind == "group":
                item["members"] = group_members(conn, r)
            out.append(item)
        return out


def _chunks(ids, size: int = 500):
    ids = list(ids)
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


# ----------------------------------------------------------------------------- task rows

_TASK_COLS = (tasks.c.id, tasks.c.action, tasks.c.section, tasks.c.due, tasks.c.deadline_text,
              tasks.c.recurrence, tasks.c.optional, tasks.c.status, tasks.c.next_due,
              tasks.c.doc_date, tasks.c.document_id, documents.c.number, documents.c.doc_type,
              documents.c.issued_date, documents.c.issuer, documents.c.subject)


def _task_rows(conn, task_ids) -> dict[int, sa.Row]:
    out = {}
    for chunk in _chunks(task_ids):
        for r in conn.execute(sa.select(*_TASK_COLS)
                              .select_from(tasks.join(documents,
                                                      documents.c.id == tasks.c.document_id))
                              .where(tasks.c.id.in_(chunk))):
            out[r.id] = r
    return out


def _done_periods(conn, task_ids) -> dict[int, dict[str, str]]:
    out: dict[int, dict[str, str]] = defaultdict(dict)
    for chunk in _chunks(task_ids):
        for r in conn.execute(sa.select(task_status.c.task_id, task_status.c.period,
                                        task_status.c.status)
                              .where(task_status.c.task_id.in_(chunk))):
            out[r.task_id][r.period] = r.status
    return out


def _occurrences(t, statuses: dict[str, str], as_of: date) -> list[dict]:
    start = t.doc_date or t.due
    occ = _periods_through(t.recurrence, start, t.due, as_of)
    out = []
    for period, due in occ:
        status = statuses.get(period, "done" if (period == rec.ONE_OFF and t.status == "done")
                              else "open")
        out.append({"period": period, "due": due, "status": status,
                    "overdue": status == "open" and due is not None and due < as_of})
    return out


def _row(t, occ: dict, role: str | None = None, via_group: str | None = None,
         _cache: dict | None = None) -> dict:
    base = _cache.get(t.id) if _cache is not None else None
    if base is None:
        base = {"task_id": t.id, "action": t.action, "section": t.section,
                "deadline_text": t.deadline_text, "recurrence": t.recurrence,
                "optional": bool(t.optional),
                "document": {"id": t.document_id, "number": t.number, "doc_type": t.doc_type,
                             "issued_date": _iso(t.issued_date), "issuer": t.issuer,
                             "subject": t.subject}}
        if _cache is not None:
            _cache[t.id] = base
    due = occ["due"]
    return {**base, "period": occ["period"] or None, "due": due.isoformat() if due else None,
            "status": occ["status"], "overdue": occ["overdue"], "role": role,
            "via_group": via_group}


def _keep(occ: dict, *, as_of: date, due_before: date | None, overdue: bool,
          include_done: bool, upcoming_until: date | None = None) -> bool:
    if occ["status"] == "done" and not include_done:
        return False
    if overdue and not occ["overdue"]:
        return False
    if due_before is not None and (occ["due"] is None or occ["due"] > due_before):
        return False
    if upcoming_until is not None and (occ["due"] is None or not as_of <= occ["due"]
                                       <= upcoming_until):
        return False
    return True


def _sort_key(row: dict):
    return (row["due"] is None, row["due"] or "", row["task_id"], row["period"] or "")


# ----------------------------------------------------------------------------- owes

def owes(store: Store, agency: str | None = None, *, as_of: Any = None,
         due_before: Any = None, overdue: bool = False, role: str = "lead",
         include_groups: bool = True, include_done: bool = False,
         limit: int = DEFAULT_LIMIT, offset: int = 0, after: str | None = None,
         within: Any = None) -> dict:
    """Who owes what by when, grouped by agency.

    agency: any alias (None: every agency, page by page); as_of: the reference day (default
    today), which also hides documents issued after it and expands recurring tasks into one
    occurrence per period up to it; due_before: only occurrences due on or before that day;
    overdue: only occurrences past due and not done; role: lead, support or any;
    include_groups: for one agency, also tasks given to group phrases that cover it
    ("Các sở, ban, ngành"). `limit`/`offset` page over tasks (a recurring task counts once);
    for every agency without a date filter, over (agency, task) pairs in agency order.
    `after`: for every agency, the `next` of the previous page instead of an offset (keyset
    paging: a deep page costs what the first one does).
    `within`: with no agency, only these agency ids (an account's jurisdiction), paged over
    their tasks as for one agency, so no page loses tasks to a filter applied after it.
    """
    as_of = _as_date(as_of, date.today())
    cursor = _parse_cursor(after)
    due_before = _as_date(due_before)
    roles = _roles(role)
    limit = max(1, int(limit))
    with store.connect() as conn:
        matched: list = []
        via: dict[int, tuple[int, str]] = {}     # group id -> (agency id it stands for, name)
        if agency is not None:
            matched = find_agencies(conn, agency)
            if not matched:
                return _result(as_of, [], [], limit, offset, False, query=agency)
            ids = [a.id for a in matched]
            if include_groups:
                for a_id, groups in _groups_containing(conn, matched).items():
                    for g in groups:
                        via.setdefault(g.id, (a_id, g.name))
            pairs = _owed_pairs(conn, ids + list(via), roles, as_of, due_before, overdue,
                                include_done, limit + 1, offset)
        elif within is not None:
            ids = sorted(set(within))
            pairs = _owed_pairs(conn, ids, roles, as_of, due_before, overdue, include_done,
                                limit + 1, offset) if ids else []
        elif overdue or due_before is not None:
            page_ids, pairs = _owed_pairs_by_due(conn, roles, as_of,
                                                 as_of if overdue else due_before, overdue,
                                                 limit + 1, offset, cursor)
        else:
            pairs = _owed_pairs_all(conn, roles, as_of, include_done, limit + 1, offset,
                                    cursor)
        if agency is None and within is None and not (overdue or due_before is not None):
            truncated = len(pairs) > limit          # pages of (agency, task) pairs
            pairs = pairs[:limit]
            task_ids = list(dict.fromkeys(p[0] for p in pairs))
        elif agency is None and within is None:     # pages of tasks by due date
            truncated = len(page_ids) > limit       # (a task with no agency in the role
            page_ids = page_ids[:limit]             # takes its place on the page too)
            keep_ids = set(page_ids)
            pairs = [p for p in pairs if p[0] in keep_ids]
            task_ids = list(dict.fromkeys(p[0] for p in pairs))
        else:                                       # pages of tasks
            truncated = len({p[0] for p in pairs}) > limit
            task_ids = list(dict.fromkeys(p[0] for p in pairs))[:limit]
            keep_ids = set(task_ids)
            pairs = [p for p in pairs if p[0] in keep_ids]
        trows = _task_rows(conn, task_ids)
        statuses = _done_periods(conn, [t for t in task_ids
                                        if rec.is_recurring(trows[t].recurrence)
                                        or trows[t].status == "done"])
        names = _agency_names(conn, {p[1] for p in pairs} | {v[0] for v in via.values()})
        grouped: dict[int, list[dict]] = defaultdict(list)
        cache: dict[int, dict] = {}
        for task_id, agency_id, r in pairs:
            t = trows[task_id]
            via_group = None
            if agency_id in via:
                agency_id, via_group = via[agency_id]
            for occ in _occurrences(t, statuses.get(task_id, {}), as_of):
                if _keep(occ, as_of=as_of, due_before=due_before, overdue=overdue,
                         include_done=include_done):
                    grouped[agency_id].append(_row(t, occ, r, via_group, cache))
        groups_out, cut = _group_rows(grouped, names, limit)
        out = _result(as_of, groups_out, matched, limit, offset, truncated or cut,
                      query=agency)
        if truncated and agency is None and within is None:    # keyset cursor of every agency
            if overdue or due_before is not None:
                last_due = conn.execute(sa.select(tasks.c.next_due)
                                        .where(tasks.c.id == page_ids[-1])).scalar()
                out["next"] = f"d:{last_due.isoformat()}:{page_ids[-1]}"
            else:
                task_id, agency_id, r = pairs[-1]
                out["next"] = f"a:{r}:{agency_id}:{task_id}"
        return out


def _group_rows(grouped: dict[int, list[dict]], names: dict[int, str], limit: int):
    """Agencies in name order, each with its rows by due date. (`limit` counts tasks, so a
    page holds every occurrence of the recurring tasks on it.)"""
    groups_out = [{"agency": {"id": a, "name": names.get(a)},
                   "tasks": sorted(grouped[a], key=_sort_key)}
                  for a in sorted(grouped, key=lambda a: (_sort_name(names.get(a) or ""), a))
                  if grouped[a]]
    return groups_out, False


def _result(as_of, groups, matched, limit, offset, truncated, query=None) -> dict:
    return {"as_of": _iso(as_of), "query": query,
            "matched_agencies": [{"id": a.id, "name": a.name} for a in matched],
            "agencies": groups, "rows": sum(len(g["tasks"]) for g in groups),
            "limit": limit, "offset": offset, "truncated": truncated}


def _agency_names(conn, ids) -> dict[int, str]:
    out = {}
    for chunk in _chunks(ids):
        for r in conn.execute(sa.select(agencies.c.id, agencies.c.name)
                              .where(agencies.c.id.in_(chunk))):
            out[r.id] = r.name
    return out


def _open_filters(as_of, include_done=False):
    conds = [sa.or_(tasks.c.doc_date.is_(None), tasks.c.doc_date <= as_of)]
    if not include_done:
        conds.append(tasks.c.status == "open")
    return conds


def _owed_pairs(conn, ids, roles, as_of, due_before, overdue, include_done, limit, offset):
    """(task, agency, role) for the given agencies, in (next due, task) order.

    Task ids page first (a task given to two matched agencies counts once), then its rows.
    The page is read from task_agencies alone: each link carries its task's status, next_due
    and doc_date (migration step 6), and ix_task_agencies_open_due holds them in due order per
    (agency, role), so the 63 Sở Công Thương of a country cost one short index range each
    instead of a look-up of every task they were given."""
    ta = task_agencies.c
    conds = [ta.agency_id.in_(ids), ta.role.in_(roles),
             sa.or_(ta.doc_date.is_(None), ta.doc_date <= as_of)]
    if not include_done:
        conds.append(ta.status == "open")
    if overdue:
        conds.append(ta.next_due < as_of)
    if due_before is not None:
        conds.append(ta.next_due <= due_before)
    page = (sa.select(ta.task_id).where(*conds).group_by(ta.task_id, ta.next_due)
            .order_by(ta.next_due.asc().nulls_last(), ta.task_id).limit(limit).offset(offset))
    task_ids = list(conn.execute(page).scalars())
    return _pairs_for(conn, task_ids, roles, only_agencies=ids)


def _pairs_for(conn, task_ids, roles, only_agencies=None):
    """(task, agency, role) of a page of tasks, in the page's order. Looked up by task id
    alone (the primary key's prefix; a task has a handful of links) and filtered here, so no
    planner can prefer an index on role or agency and read far more than the page."""
    pos = {t: i for i, t in enumerate(task_ids)}
    wanted = set(only_agencies) if only_agencies is not None else None
    out = []
    for chunk in _chunks(task_ids):
        out.extend((r.task_id, r.agency_id, r.role) for r in conn.execute(
            sa.select(task_agencies.c.task_id, task_agencies.c.agency_id, task_agencies.c.role)
            .where(task_agencies.c.task_id.in_(chunk)))
            if r.role in roles and (wanted is None or r.agency_id in wanted))
    out.sort(key=lambda p: (pos[p[0]], p[1]))
    return out


def _parse_cursor(after: str | None):
    """`a:ROLE:AGENCY:TASK` (the agency walk) or `d:YYYY-MM-DD:TASK` (the due-date walk)."""
    if not after:
        return None
    parts = str(after).split(":")
    try:
        if parts[0] == "a" and len(parts) == 4 and parts[1] in ROLES:
            return ("a", parts[1], int(parts[2]), int(parts[3]))
        if parts[0] == "d" and len(parts) == 3:
            return ("d", date.fromisoformat(parts[1]), int(parts[2]))
    except ValueError:
        pass
    raise StoreError(f"con trỏ trang không hợp lệ: {after!r} (dùng giá trị 'next' của trang "
                     f"trước)")


def _owed_pairs_all(conn, roles, as_of, include_done, limit, offset, cursor=None):
    """Every agency's tasks, walking the (role, agency, task, status, doc_date) index: pages
    stay cheap, the filters read the task's values copied on its links (step 6)."""
    ta = task_agencies.c
    conds = [ta.role.in_(roles), sa.or_(ta.doc_date.is_(None), ta.doc_date <= as_of)]
    if not include_done:
        conds.append(ta.status == "open")
    if cursor is not None and cursor[0] == "a":
        _role, agency_id, task_id = cursor[1:]
        ta = task_agencies.c
        # (role, agency, task) > cursor, spelled so that SQLite seeks the index too
        after_in_role = sa.and_(ta.role == _role, ta.agency_id >= agency_id,
                                sa.or_(ta.agency_id > agency_id, ta.task_id > task_id))
        conds.append(sa.or_(after_in_role, ta.role > _role) if len(roles) > 1
                     else after_in_role)
        offset = 0
    stmt = (sa.select(task_agencies.c.task_id, task_agencies.c.agency_id, task_agencies.c.role)
            .where(*conds)
            .order_by(task_agencies.c.role, task_agencies.c.agency_id, task_agencies.c.task_id)
            .limit(limit).offset(offset))
    return [(r.task_id, r.agency_id, r.role) for r in conn.execute(stmt)]


def _owed_pairs_by_due(conn, roles, as_of, bound, strict, limit, offset, cursor=None):
    """Tasks whose first open occurrence is due before `bound`, earliest first."""
    cond = tasks.c.next_due < bound if strict else tasks.c.next_due <= bound
    conds = [tasks.c.status == "open", cond,
             sa.or_(tasks.c.doc_date.is_(None), tasks.c.doc_date <= as_of)]
    if cursor is not None and cursor[0] == "d":
        conds.append(sa.tuple_(tasks.c.next_due, tasks.c.id)
                     > sa.tuple_(sa.literal(cursor[1], sa.Date), sa.literal(cursor[2])))
        offset = 0
    stmt = (sa.select(tasks.c.id).where(*conds)
            .order_by(tasks.c.status, tasks.c.next_due, tasks.c.id).limit(limit).offset(offset))
    task_ids = list(conn.execute(stmt).scalars())
    return task_ids, _pairs_for(conn, task_ids, roles)


def overdue(store: Store, as_of: Any = None, agency: str | None = None, *,
            role: str = "lead", limit: int = DEFAULT_LIMIT, offset: int = 0,
            after: str | None = None) -> dict:
    """Occurrences past due and not done as of `as_of`, grouped by agency."""
    return owes(store, agency, as_of=as_of, overdue=True, role=role, limit=limit,
                offset=offset, after=after)


def upcoming(store: Store, days: int, as_of: Any = None, agency: str | None = None, *,
             role: str = "lead", limit: int = DEFAULT_LIMIT, offset: int = 0) -> dict:
    """Open occurrences due within `days` days from `as_of` (inclusive), grouped by agency."""
    as_of = _as_date(as_of, date.today())
    until = as_of + timedelta(days=int(days))
    roles = _roles(role)
    with store.connect() as conn:
        matched = find_agencies(conn, agency) if agency else []
        if agency and not matched:
            return _result(as_of, [], [], limit, offset, False, query=agency)
        ids = [a.id for a in matched]
        base = [tasks.c.status == "open",
                sa.or_(tasks.c.doc_date.is_(None), tasks.c.doc_date <= as_of)]
        if ids:
            base.append(tasks.c.id.in_(sa.select(task_agencies.c.task_id).where(
                task_agencies.c.agency_id.in_(ids), task_agencies.c.role.in_(roles))))
        one_off = (sa.select(tasks.c.id).where(*base, tasks.c.recurrence.is_(None)
                                               | ~tasks.c.recurrence.in_(_recurring_names()),
                                               tasks.c.next_due >= as_of,
                                               tasks.c.next_due <= until)
                   .order_by(tasks.c.status, tasks.c.next_due, tasks.c.id)
                   .limit(limit + 1).offset(offset))
        ids_one = list(conn.execute(one_off).scalars())
        # Recurring tasks: an occurrence falls in the window when a period ends inside it.
        ids_rec = []
        for name in _recurring_names():
            if not _period_end_between(name, as_of, until):
                continue
            stmt = (sa.select(tasks.c.id).where(*base, tasks.c.recurrence == name)
                    .order_by(tasks.c.recurrence, tasks.c.doc_date, tasks.c.id)
                    .limit(limit + 1).offset(offset))
            ids_rec.extend(conn.execute(stmt).scalars())
        task_ids = list(dict.fromkeys(ids_one + ids_rec))
        truncated = len(task_ids) > limit
        task_ids = task_ids[:limit]
        pairs = _pairs_for(conn, task_ids, roles, only_agencies=ids or None)
        trows = _task_rows(conn, task_ids)
        statuses = _done_periods(conn, task_ids)
        names = _agency_names(conn, {p[1] for p in pairs})
        grouped: dict[int, list[dict]] = defaultdict(list)
        for task_id, agency_id, r in pairs:
            t = trows[task_id]
            for occ in _occurrences(t, statuses.get(task_id, {}), until):
                if _keep(occ, as_of=as_of, due_before=None, overdue=False,
                         include_done=False, upcoming_until=until):
                    grouped[agency_id].append(_row(t, occ, r))
        groups_out, cut = _group_rows(grouped, names, limit)
        out = _result(as_of, groups_out, matched, limit, offset, truncated or cut, query=agency)
        out["until"] = _iso(until)
        return out


def _recurring_names() -> list[str]:
    return ["weekly", *rec.data().get("recurrence_months", {}).keys()]


def _period_end_between(recurrence: str, start: date, end: date) -> bool:
    _label, _first, last = rec.period_of(start, recurrence)
    return last <= end


# ----------------------------------------------------------------------------- one task

def task_detail(store: Store, task_id: int, as_of: Any = None) -> dict:
    """Everything about one task: text, document, agencies, occurrences, status history."""
    as_of = _as_date(as_of, date.today())
    with store.connect() as conn:
        trows = _task_rows(conn, [task_id])
        if task_id not in trows:
            raise StoreError(f"không có nhiệm vụ số {task_id}")
        t = trows[task_id]
        statuses = _done_periods(conn, [task_id]).get(task_id, {})
        people = conn.execute(
            sa.select(task_agencies.c.role, task_agencies.c.written, agencies.c.id,
                      agencies.c.name, agencies.c.kind)
            .select_from(task_agencies.join(agencies,
                                            agencies.c.id == task_agencies.c.agency_id))
            .where(task_agencies.c.task_id == task_id)
            .order_by(task_agencies.c.role, task_agencies.c.position)).all()
        history = conn.execute(sa.select(status_history).where(
            status_history.c.task_id == task_id).order_by(status_history.c.id)).all()
        src = conn.execute(sa.select(files.c.source_path).select_from(
            files.join(documents, documents.c.file_id == files.c.id))
            .where(documents.c.id == t.document_id)).scalar()
        occ = _occurrences(t, statuses, max(as_of, t.doc_date or as_of))
        reminders = task_reminders(conn, task_id)
        return {
            "task_id": t.id, "action": t.action, "section": t.section, "due": _iso(t.due),
            "deadline_text": t.deadline_text, "recurrence": t.recurrence,
            "optional": bool(t.optional), "status": t.status, "next_due": _iso(t.next_due),
            "as_of": _iso(as_of),
            "document": {"id": t.document_id, "number": t.number, "doc_type": t.doc_type,
                         "issued_date": _iso(t.issued_date), "issuer": t.issuer,
                         "source_path": src},
            "lead": [{"id": p.id, "name": p.name, "kind": p.kind, "written": p.written}
                     for p in people if p.role == "lead"],
            "support": [{"id": p.id, "name": p.name, "kind": p.kind, "written": p.written}
                        for p in people if p.role == "support"],
            "occurrences": [{"period": o["period"] or None, "due": _iso(o["due"]),
                             "status": o["status"], "overdue": o["overdue"]} for o in occ],
            "history": [{"period": h.period or None, "status": h.status,
                         "at": h.changed_at.isoformat(timespec="seconds"),
                         "by": h.changed_by, "evidence": h.evidence_number,
                         "note": h.note} for h in history],
            "reminders": reminders,
        }


def task_reminders(conn: sa.Connection, task_id: int) -> list[dict]:
    """The follow-up letters (công văn đôn đốc) sent for one task, oldest first: the letter's
    id, lần thứ mấy (`ordinal`), number ("215/UBND-KT" once registered, else None), date,
    issuer, recipient."""
    query = (sa.select(reminder_letters, reminder_letter_tasks.c.days_overdue)
             .join(reminder_letter_tasks,
                   reminder_letter_tasks.c.letter_id == reminder_letters.c.id)
             .where(reminder_letter_tasks.c.task_id == task_id)
             .order_by(reminder_letters.c.letter_date, reminder_letters.c.id))
    return [{"letter_id": r.id, "ordinal": r.ordinal,
             "number": f"{r.number}/{r.symbol}" if r.number else None,
             "letter_date": _iso(r.letter_date), "issuer": r.issuer,
             "recipient": r.recipient, "kind": r.kind, "days_overdue": r.days_overdue,
             "file": r.file_path} for r in conn.execute(query)]


# ----------------------------------------------------------------------------- chain

def _doc_summary(conn, doc_ids) -> dict[int, dict]:
    out = {}
    for chunk in _chunks(doc_ids):
        counts = dict(conn.execute(
            sa.select(tasks.c.document_id, sa.func.count()).where(tasks.c.document_id.in_(chunk))
            .group_by(tasks.c.document_id)).all())
        for r in conn.execute(sa.select(documents.c.id, documents.c.number,
                                        documents.c.doc_type, documents.c.issued_date,
                                        documents.c.issuer, documents.c.subject)
                              .where(documents.c.id.in_(chunk))):
            out[r.id] = {"id": r.id, "number": r.number, "doc_type": r.doc_type,
                         "issued_date": _iso(r.issued_date), "issuer": r.issuer,
                         "subject": r.subject, "tasks": counts.get(r.id, 0), "stored": True}
    return out


def chain(store: Store, number: str, *, depth: int = 10, fanout: int = 200,
          max_nodes: int = 500) -> dict:
    """The `implements` chain of a document, up (what it carries out, up to the Prime
    Minister's decision) and down (who carries it out, down to the commune). Cited documents
    that are not in the store appear with `stored: False`. `fanout` bounds the children of a
    node and `max_nodes` the whole answer (`truncated` says when a bound was hit). The walk
    goes level by level with one query per level, so long chains stay cheap."""
    with store.connect() as conn:
        doc_ids = store.document_ids_by_number(conn, number)
        if not doc_ids:
            raise StoreError(f"không có văn bản số {number} trong cơ sở dữ liệu")
        budget = {"left": max_nodes, "truncated": False}
        ups = _walk(conn, doc_ids, "up", depth, fanout, budget)
        downs = _walk(conn, doc_ids, "down", depth, fanout, budget)
        summaries = _doc_summary(conn, doc_ids)
        docs = [dict(summaries[d], up=ups[d], down=downs[d]) for d in doc_ids]
        return {"number": number, "documents": docs, "truncated": budget["truncated"]}


def _walk(conn, roots: list[int], direction: str, depth: int, fanout: int,
          budget: dict) -> dict[int, list[dict]]:
    """{root: [child nodes, each with its own `up`/`down` list]} for one direction."""
    key = direction
    children: dict[int, list] = {}           # doc id -> [(target doc id | None, citation row)]
    frontier, seen = list(roots), set(roots)
    for _level in range(depth):
        if not frontier or budget["left"] <= 0:
            if frontier:
                budget["truncated"] = True
            break
        found: dict[int, list] = defaultdict(list)
        for chunk in _chunks(frontier):
            if direction == "up":
                stmt = (sa.select(citations.c.document_id.label("parent"),
                                  citations.c.target_document_id.label("child"),
                                  citations.c.number, citations.c.doc_type,
                                  citations.c.cited_date, citations.c.issuer)
                        .where(citations.c.document_id.in_(chunk),
                               citations.c.relation == "implements")
                        .order_by(citations.c.id))
            else:
                stmt = (sa.select(citations.c.target_document_id.label("parent"),
                                  citations.c.document_id.label("child"),
                                  citations.c.number, citations.c.doc_type,
                                  citations.c.cited_date, citations.c.issuer)
                        .where(citations.c.target_document_id.in_(chunk),
                               citations.c.relation == "implements")
                        .order_by(citations.c.target_document_id, citations.c.document_id)
                        .limit(fanout * len(chunk) + 1))
            for r in conn.execute(stmt):
                found[r.parent].append(r)
        nxt = []
        for parent in frontier:
            rows = found.get(parent, [])
            if len(rows) > fanout:
                rows, budget["truncated"] = rows[:fanout], True
            kept = []
            for r in rows:
                if r.child is not None and r.child in seen:
                    continue
                if budget["left"] <= 0:
                    budget["truncated"] = True
                    break
                budget["left"] -= 1
                kept.append(r)
                if r.child is not None:
                    seen.add(r.child)
                    nxt.append(r.child)
            children[parent] = kept
        frontier = nxt
    info = _doc_summary(conn, [c for rows in children.values() for r in rows
                               if (c := r.child) is not None])

    def build(doc_id: int) -> list[dict]:
        out = []
        for r in children.get(doc_id, []):
            if r.child is not None:
                node = dict(info[r.child])
                node[key] = build(r.child)
            else:
                node = {"id": None, "number": r.number, "doc_type": r.doc_type,
                        "issued_date": _iso(r.cited_date), "issuer": r.issuer,
                        "stored": False, key: []}
            out.append(node)
        return out
    return {root: build(root) for root in roots}


# ----------------------------------------------------------------------------- search

def _words_match(conn, column, words: list[str]):
    """Every word of `words` in `column` (a folded search_key): PostgreSQL's GIN word index
    (to_tsvector('simple')); elsewhere a scan for each word on word boundaries."""
    if conn.dialect.name == "postgresql":
        vector = sa.func.to_tsvector("simple", sa.func.coalesce(column, ""))
        query = sa.func.to_tsquery("simple", " & ".join(words))
        return vector.op("@@")(query)
    padded = " " + sa.func.coalesce(column, "") + " "
    return sa.and_(*[padded.like(f"% {w} %") for w in words])


SEARCH_PROBE = 2000        # PostgreSQL: up to this many matches are found by the word index


def _search_ids(conn, table: sa.Table, words: list[str], limit: int) -> list[int]:
    """Ids of `table` rows holding every word, newest (highest id) first, `limit` of them.
    PostgreSQL: the word index finds the matches of rare words at once; words so common that
    more than SEARCH_PROBE rows hold them are found by walking the ids backwards instead."""
    if conn.dialect.name == "sqlite" and _has_word_index(conn, table.name):
        return _fts_search_ids(conn, table.name, words, limit)
    match = _words_match(conn, table.c.search_key, words)
    if conn.dialect.name == "postgresql":
        found = sa.select(table.c.id).where(match).limit(SEARCH_PROBE + 1).cte(
            "found").prefix_with("MATERIALIZED")
        ids = list(conn.execute(sa.select(found.c.id)).scalars())
        if len(ids) <= SEARCH_PROBE:
            return sorted(ids, reverse=True)[:limit]
    return list(conn.execute(sa.select(table.c.id).where(match)
                             .order_by(table.c.id.desc()).limit(limit)).scalars())


def _has_word_index(conn, table_name: str) -> bool:
    """SQLite: whether the store has the FTS5 word index of `table_name` (migration 7; an
    SQLite built without FTS5 has none and scans)."""
    fts = SEARCH_FTS.get(table_name)
    return fts is not None and conn.execute(sa.text(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
        {"name": fts}).first() is not None


def _fts_search_ids(conn, table_name: str, words: list[str], limit: int) -> list[int]:
    """SQLite: ids holding every word, newest first, from the FTS5 word index. The words are
    search keys ([0-9a-z] only), each quoted as one term; FTS5 walks the ids backwards and
    stops at `limit`, for rare and common words alike."""
    fts = SEARCH_FTS[table_name]
    terms = " ".join(f'"{w}"' for w in words)
    return list(conn.execute(sa.text(
        f"SELECT rowid FROM {fts} WHERE {fts} MATCH :terms ORDER BY rowid DESC LIMIT :n"),
        {"terms": terms, "n": limit}).scalars())


def search(store: Store, text: str, *, limit: int = 50) -> dict:
    """Documents and tasks whose words include every word of `text`, accents and case aside
    ("ke hoach trien khai" finds "Kế hoạch triển khai"): documents by type, number, subject
    and issuer; tasks by their action. Latest stored first, `limit` of each."""
    from task_graph.text import search_key

    words = [w for w in search_key(text).split() if w]
    if not words:
        raise StoreError("cần ít nhất một từ để tìm")
    limit = max(1, int(limit))
    with store.connect() as conn:
        docs = _search_ids(conn, documents, words, limit + 1)
        task_ids = _search_ids(conn, tasks, words, limit + 1)
        summaries = _doc_summary(conn, docs[:limit])
        trows = _task_rows(conn, task_ids[:limit])
        found_tasks = [{"task_id": t, "action": trows[t].action, "section": trows[t].section,
                        "due": _iso(trows[t].due), "status": trows[t].status,
                        "document": {"id": trows[t].document_id, "number": trows[t].number,
                                     "issued_date": _iso(trows[t].issued_date)}}
                       for t in task_ids[:limit]]
    return {"query": text, "words": words,
            "documents": [summaries[d] for d in docs[:limit]],
            "tasks": found_tasks,
            "truncated": len(docs) > limit or len(task_ids) > limit}
