"""Data for the pages and the API, on top of task_graph.queries and ocop_docs.letters."""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date, timedelta
from html import escape
from typing import Any

import sqlalchemy as sa

from ocop_docs.messages import msg
from ocop_docs.vntime import format_date as vn_date  # noqa: F401 - used by pages
from ocop_docs.vntime import parse_date
from ocop_docs.web import audit, db, register

STATUS_VI = {"open": "chưa xong", "done": "đã xong"}
ROLE_VI = {"lead": "chủ trì", "support": "phối hợp"}
RECURRENCE_VI = {None: "không", "annual": "hằng năm", "semiannual": "6 tháng",
                 "quarterly": "hằng quý", "monthly": "hằng tháng", "weekly": "hằng tuần",
                 "periodic": "định kỳ"}
UPLOAD_STATUS_VI = {"queued": "đang chờ", "running": "đang trích xuất", "done": "xong",
                    "failed": "lỗi", "duplicate": "đã có trong hệ thống"}
MAX_ROWS = 1000          # the most rows one search returns (the API's cap)


# ----------------------------------------------------------------------------- registry

def agency_names(store, limit: int = 2000, scope=None) -> list[dict]:
    """{id, name} of the live agencies in name order, for the pages' pick lists (without the
    aliases and group members of queries.list_agencies, which take seconds on a large store);
    an account with a unit gets its own agencies."""
    from task_graph.schema import agencies

    stmt = (sa.select(agencies.c.id, agencies.c.name).where(agencies.c.merged_into.is_(None))
            .order_by(agencies.c.name).limit(limit))
    if scope is not None and not scope.everything:
        stmt = stmt.where(agencies.c.id.in_(list(scope.agency_ids)))
    with store.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]


def search_documents(store, *, q: str | None = None, number: str | None = None,
                     doc_type: str | None = None, issuer: str | None = None,
                     date_from: date | None = None, date_to: date | None = None,
                     limit: int = 200, offset: int = 0, scope=None) -> list[dict]:
    from task_graph.schema import documents, files, tasks

    from ocop_docs.web.units import document_condition

    limit, offset = min(max(1, int(limit)), MAX_ROWS), max(0, int(offset))
    n_tasks = (sa.select(sa.func.count()).where(tasks.c.document_id == documents.c.id)
               .scalar_subquery())
    stmt = (sa.select(documents.c.id, documents.c.file_id, documents.c.doc_type,
                      documents.c.number, documents.c.issued_date, documents.c.issuer,
                      documents.c.subject, files.c.source_path, n_tasks.label("tasks"))
            .select_from(documents.join(files, files.c.id == documents.c.file_id)))
    conds = []
    if q:
        like = f"%{q.strip()}%"
        conds.append(sa.or_(documents.c.subject.ilike(like), documents.c.number.ilike(like),
                            documents.c.issuer.ilike(like),
                            sa.func.substr(files.c.text, documents.c.text_start + 1,
                                           documents.c.text_end - documents.c.text_start)
                            .ilike(like)))
    if number:
        conds.append(documents.c.number.ilike(f"%{number.strip()}%"))
    if doc_type:
        conds.append(documents.c.doc_type == doc_type)
    if issuer:
        conds.append(documents.c.issuer.ilike(f"%{issuer.strip()}%"))
    if date_from:
        conds.append(documents.c.issued_date >= date_from)
    if date_to:
        conds.append(documents.c.issued_date <= date_to)
    if scope is not None and not scope.everything:
        conds.append(document_condition(scope))
    stmt = stmt.where(*conds).order_by(documents.c.issued_date.desc().nullslast(),
                                       documents.c.id.desc()).limit(limit).offset(offset)
    with store.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(stmt)]
    corrected = set()
    if rows:
        with store.connect() as conn:
            db.ensure_tables(store.engine)
            corrected = set(conn.execute(sa.select(db.web_corrections.c.document_id).where(
                db.web_corrections.c.document_id.in_([r["id"] for r in rows]))).scalars())
    entries = register.entries_for_files(store.engine, [r["file_id"] for r in rows])
    for r in rows:
        r["issued_date"] = r["issued_date"].isoformat() if r["issued_date"] else None
        r["corrected"] = r["id"] in corrected
        r["register"] = register.as_json(entries.get(r["file_id"]))
    return rows


# ----------------------------------------------------------------------------- one document

def document(store, document_id: int) -> dict | None:
    """A document with its text region, its stored tasks (with spans) and its records."""
    from task_graph.schema import agencies, documents, files, task_agencies, tasks

    with store.connect() as conn:
        d = conn.execute(sa.select(documents).where(documents.c.id == document_id)).first()
        if d is None:
            return None
        f = conn.execute(sa.select(files.c.id, files.c.source_path, files.c.text,
                                   files.c.extraction_json).where(files.c.id == d.file_id)).first()
        trows = conn.execute(sa.select(tasks).where(tasks.c.document_id == document_id)
                             .order_by(tasks.c.ordinal, tasks.c.id)).all()
        people = defaultdict(lambda: {"lead": [], "support": []})
        for p in conn.execute(sa.select(task_agencies.c.task_id, task_agencies.c.role,
                                        task_agencies.c.written, agencies.c.name,
                                        agencies.c.id)
                              .select_from(task_agencies.join(
                                  agencies, agencies.c.id == task_agencies.c.agency_id))
                              .where(task_agencies.c.task_id.in_([t.id for t in trows]))
                              .order_by(task_agencies.c.position)):
            people[p.task_id][p.role].append({"written": p.written or p.name, "name": p.name,
                                              "id": p.id})
    file_extraction = json.loads(f.extraction_json) if f else {}
    docs = file_extraction.get("documents") or []
    machine = docs[d.ordinal] if d.ordinal < len(docs) else json.loads(d.extraction_json)
    correction = db.latest_correction(store.engine, document_id)
    corrected = json.loads(correction["corrected_json"]) if correction else None
    # spans: the corrected record keeps them per task; else the machine record by position
    span_source = (corrected or machine).get("tasks") or []
    spans_by_ordinal = {i: (t.get("start"), t.get("end")) for i, t in enumerate(span_source)}
    out_tasks = []
    for t in trows:
        start, end = spans_by_ordinal.get(t.ordinal, (None, None))
        out_tasks.append({
            "id": t.id, "ordinal": t.ordinal, "action": t.action, "section": t.section,
            "due": t.due.isoformat() if t.due else None, "deadline_text": t.deadline_text,
            "recurrence": t.recurrence, "status": t.status,
            "next_due": t.next_due.isoformat() if t.next_due else None,
            "lead": [p["written"] for p in people[t.id]["lead"]],
            "support": [p["written"] for p in people[t.id]["support"]],
            "lead_agencies": people[t.id]["lead"], "support_agencies": people[t.id]["support"],
            "start": start, "end": end})
    text = (f.text or "") if f else ""
    return {
        "id": d.id, "file_id": d.file_id, "ordinal": d.ordinal, "version": d.version,
        "doc_type": d.doc_type,
        "number": d.number, "issued_date": d.issued_date.isoformat() if d.issued_date else None,
        "place": d.place, "issuer": d.issuer, "subject": d.subject, "signer": d.signer,
        "parent_issuer": machine.get("parent_issuer"),
        "source_path": f.source_path if f else None, "text": text,
        "text_start": d.text_start or 0, "text_end": d.text_end or len(text),
        "tasks": out_tasks, "machine": machine, "corrected": corrected,
        "correction": correction, "file_documents": len(docs),
        "pages": file_extraction.get("pages") or [],
        "warnings": file_extraction.get("warnings") or [],
    }


def record_of(doc: dict) -> dict:
    """The document as it stands now (corrected or not), in the extraction contract."""
    return {
        "doc_type": doc["doc_type"], "number": doc["number"], "issued_date": doc["issued_date"],
        "place": doc["place"], "issuer": doc["issuer"], "parent_issuer": doc["parent_issuer"],
        "subject": doc["subject"],
        "recipients": (doc["corrected"] or doc["machine"]).get("recipients") or [],
        "distribution": (doc["corrected"] or doc["machine"]).get("distribution") or [],
        "signer": doc["signer"],
        "citations": (doc["corrected"] or doc["machine"]).get("citations") or [],
        "tasks": [{"id": t["id"], "action": t["action"], "lead": t["lead"],
                   "support": t["support"], "due": t["due"],
                   "deadline_text": t["deadline_text"], "recurrence": t["recurrence"],
                   "section": t["section"], "start": t["start"], "end": t["end"]}
                  for t in doc["tasks"]],
    }


class SaveConflict(Exception):
    """A save made on an older version than the stored one: nothing was written. `doc` is the
    document as stored now, `changes` what differs between it and the refused record
    (ocop_docs.web.changes.differences: "stored" now, "other" the refused save)."""

    def __init__(self, doc: dict, changes: list[dict]):
        correction = doc.get("correction") or {}
        self.doc, self.changes = doc, changes
        self.by, self.at = correction.get("corrected_by"), correction.get("corrected_at")
        who = f" bởi {self.by}" if self.by else ""
        super().__init__(f"Văn bản này đã được sửa{who} sau khi bạn mở trang (nay là phiên "
                         f"bản {doc['version']}). Thay đổi của bạn chưa được lưu.")


def save_correction(store, document_id: int, record: dict, by: str,
                    version: int | None) -> dict:
    """Save a clerk's record of a document made on `version` (None: no check): SaveConflict
    when the document changed since; nothing recorded when the record equals the stored one
    ({"unchanged": True}); else db.apply_correction's counts."""
    from ocop_docs.web.changes import differences
    from task_graph.store import VersionConflict

    doc = document(store, document_id)
    if doc is None:
        raise LookupError(f"không có văn bản số {document_id}")
    if version is not None and version != doc["version"]:
        raise SaveConflict(doc, differences(record_of(doc), record))
    if not differences(record_of(doc), record):
        return {"updated": 0, "added": 0, "removed": 0, "unchanged": True,
                "first_correction": False, "version": doc["version"]}
    try:
        result = db.apply_correction(store, document_id, record, by, expected_version=version)
    except VersionConflict:
        doc = document(store, document_id)
        raise SaveConflict(doc, differences(record_of(doc), record)) from None
    audit.record(store.engine, by, "correct", "document", document_id,
                 msg("audit.correct_detail", updated=result["updated"], added=result["added"],
                     removed=result["removed"]))
    return result


def highlighted_text(doc: dict) -> str:
    """The document's text as HTML, each task's source span wrapped in <mark>, and header
    fields (number, place, signer) wrapped where they are found."""
    text, lo, hi = doc["text"], doc["text_start"], doc["text_end"]
    spans = []
    for t in doc["tasks"]:
        if t["start"] is not None and t["end"] is not None and lo <= t["start"] < t["end"] <= hi:
            spans.append((t["start"], t["end"], f"task-{t['id']}", "task"))
    header_end = min(hi, lo + 3000)
    for field in ("number", "place", "signer"):
        value = doc.get(field)
        if value:
            pos = text.find(value, lo, header_end if field != "signer" else hi)
            if pos >= 0:
                spans.append((pos, pos + len(value), f"field-{field}", "field"))
    subject = doc.get("subject")
    if subject:
        words = subject.split()[:4]
        pos = text.find(" ".join(words), lo, header_end) if words else -1
        if pos >= 0:
            spans.append((pos, pos + len(" ".join(words)), "field-subject", "field"))
    spans.sort()
    out, cursor = [], lo
    for start, end, ident, kind in spans:
        if start < cursor:           # overlapping span: keep the first
            continue
        out.append(escape(text[cursor:start]))
        out.append(f'<mark id="span-{ident}" class="{kind}" data-ref="{ident}">'
                   f'{escape(text[start:end])}</mark>')
        cursor = end
    out.append(escape(text[cursor:hi]))
    return "".join(out)


def gold_of_file(store, file_id: int) -> tuple[str, dict]:
    """The file's extraction with every corrected document in place of the machine one, in
    the gold format of GUIDELINES.md: (download name, data)."""
    from task_graph.schema import documents

    f = _file(store, file_id)
    extraction = json.loads(f["extraction_json"])
    corrections = db.corrections_of_file(store.engine, file_id)
    with store.connect() as conn:
        ids = list(conn.execute(sa.select(documents.c.id).where(documents.c.file_id == file_id)
                                .order_by(documents.c.ordinal)).scalars())
    out_docs = []
    for i, doc in enumerate(extraction.get("documents") or []):
        rec = corrections.get(ids[i]) if i < len(ids) else None
        rec = dict(rec or doc)
        rec.pop("start", None)
        rec.pop("end", None)
        rec["tasks"] = [{k: v for k, v in t.items() if k not in ("start", "end", "id")}
                        for t in rec.get("tasks") or []]
        out_docs.append(rec)
    source = extraction.get("source") or f["source_path"]
    name = source.replace("\\", "/").split("/")[-1]
    return f"{name}.gold.json", {"schema": extraction.get("schema", "ocop-docs.extraction/1"),
                                 "source": name, "documents": out_docs}


def _file(store, file_id: int) -> dict:
    from task_graph.schema import files

    with store.connect() as conn:
        row = conn.execute(sa.select(files).where(files.c.id == file_id)).first()
    if row is None:
        raise LookupError(f"không có tệp số {file_id}")
    return dict(row._mapping)


def documents_of_file(store, file_id: int) -> list[dict]:
    from task_graph.schema import documents

    with store.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(
            sa.select(documents.c.id, documents.c.number, documents.c.doc_type)
            .where(documents.c.file_id == file_id).order_by(documents.c.ordinal))]


def parse_review_form(form) -> dict:
    """The review form -> a document record with tasks (existing ones keep "id")."""
    def clean(value):
        value = (value or "").strip()
        return value or None

    def lines(value):
        return [" ".join(x.split()) for x in (value or "").splitlines() if x.strip()]

    rec = {k: clean(form.get(k)) for k in ("doc_type", "number", "issued_date", "place",
                                            "issuer", "parent_issuer", "subject", "signer")}
    if rec["issued_date"]:
        if parse_date(rec["issued_date"]) is None:
            raise ValueError("ngày ban hành không hợp lệ")
        rec["issued_date"] = parse_date(rec["issued_date"]).isoformat()
    rec["recipients"] = lines(form.get("recipients"))
    rec["distribution"] = lines(form.get("distribution"))
    idx = sorted({int(k.split("-")[1]) for k in form.keys()
                  if k.startswith("task-") and k.split("-")[1].isdigit()})
    tasks = []
    for i in idx:
        g = lambda f: form.get(f"task-{i}-{f}")  # noqa: E731
        if g("delete"):
            continue
        action = " ".join((g("action") or "").split())
        if not action:
            continue
        due = clean(g("due"))
        if due and parse_date(due) is None:
            raise ValueError(f"hạn của nhiệm vụ {i + 1} không hợp lệ")
        due = parse_date(due).isoformat() if due else None
        task = {"action": action, "lead": lines(g("lead")), "support": lines(g("support")),
                "due": due, "deadline_text": clean(g("deadline_text")),
                "recurrence": clean(g("recurrence")), "section": clean(g("section"))}
        for f in ("start", "end"):
            v = clean(g(f))
            task[f] = int(v) if v and v.isdigit() else None
        tid = clean(g("id"))
        if tid and tid.isdigit():
            task["id"] = int(tid)
        tasks.append(task)
    rec["tasks"] = tasks
    return rec


# ----------------------------------------------------------------------------- dashboard

def dashboard(store, *, agency: str | None, status: str, due_from: date | None,
              due_to: date | None, as_of: date, role: str = "lead", scope=None,
              limit: int | None = None) -> dict:
    """queries.owes filtered for the dashboard. Each agency group keeps `tasks` (one row per
    occurrence: a recurring task has a row per period) and adds `by_task` (one per task, its
    periods under it) with counts of tasks, not periods: `task_count`, `overdue` (tasks with
    an overdue period), `done` (tasks whose shown periods are all done), and
    `overdue_periods`. `scope` (units.Scope): only the agencies of the account's unit.
    `limit`: tasks per page (queries.owes' default; the Excel download asks for more)."""
    from task_graph import queries

    within = None
    if scope is not None and not scope.everything and not agency:
        if scope.kind == "unit":
            agency = str(scope.agency_id)
        else:                       # a jurisdiction: its agencies' tasks, page by page
            within = scope.agency_ids
    result = queries.owes(store, agency or None, as_of=as_of, due_before=due_to,
                          overdue=status == "overdue", role=role,
                          include_done=status in ("all", "done"), within=within,
                          **({"limit": limit} if limit else {}))
    groups = []
    for g in result["agencies"]:
        rows = [r for r in g["tasks"]
                if (due_from is None or (r["due"] and r["due"] >= due_from.isoformat()))
                and (status != "done" or r["status"] == "done")
                and (status != "open" or r["status"] == "open")]
        if rows:
            items = task_items(rows)
            groups.append({"agency": g["agency"], "tasks": rows, "by_task": items,
                           "task_count": len(items),
                           "overdue": sum(1 for i in items if i["overdue"]),
                           "done": sum(1 for i in items if i["status"] == "done"),
                           "overdue_periods": sum(1 for r in rows if r["overdue"])})
    if scope is not None and not scope.everything:
        groups = [g for g in groups if g["agency"]["id"] in scope.agency_ids]
    result["agencies"] = groups
    result["rows"] = sum(len(g["tasks"]) for g in groups)
    result["task_count"] = len({i["task_id"] for g in groups for i in g["by_task"]})
    return result


def set_task_status(store, task_id: int, status: str, *, period: str | None, by: str,
                    evidence: str | None = None, note: str | None = None) -> dict:
    """Store.set_status for the web and the API, where the period of a recurring task is the
    user's choice: without one, StoreError (the store alone would take the oldest open
    period, so a clerk reporting 2025 would close 2018)."""
    from task_graph import recurrence
    from task_graph.schema import tasks
    from task_graph.store import StoreError

    with store.connect() as conn:
        task = conn.execute(sa.select(tasks.c.recurrence, tasks.c.doc_date, tasks.c.due)
                            .where(tasks.c.id == task_id)).first()
    if task is None:
        raise StoreError(f"không có nhiệm vụ số {task_id}")
    if (recurrence.is_recurring(task.recurrence) and (task.doc_date or task.due)
            and not period):
        raise StoreError("Nhiệm vụ định kỳ: hãy chọn kỳ cần cập nhật (vd. 2025).")
    result = store.set_status(task_id, status, by=by, period=period, evidence=evidence,
                              note=note)
    detail = [msg("audit.status_detail", period=period)] if period else []
    if evidence:
        detail.append(msg("audit.evidence_detail", evidence=evidence))
    audit.record(store.engine, by, "status_done" if status == "done" else "status_open",
                 "task", task_id, "; ".join(detail + ([note] if note else [])))
    return result


TASK_KEYS = ("task_id", "action", "section", "deadline_text", "recurrence", "optional",
             "document", "role", "via_group")


def task_items(rows: list[dict]) -> list[dict]:
    """Occurrence rows -> one item per (task, role), in the order of its first row, with
    `periods` (period, due, status, overdue), the first open `due`, `overdue` when any period
    is, and `status` done when every period is."""
    items: dict[tuple, dict] = {}
    for r in rows:
        key = (r["task_id"], r.get("role"))
        item = items.get(key)
        if item is None:
            item = items[key] = {k: r.get(k) for k in TASK_KEYS}
            item["periods"] = []
        item["periods"].append({"period": r["period"], "due": r["due"], "status": r["status"],
                                "overdue": r["overdue"]})
    for item in items.values():
        periods = item["periods"]
        open_dues = [p["due"] for p in periods if p["status"] != "done" and p["due"]]
        item["due"] = min(open_dues) if open_dues else periods[-1]["due"]
        item["overdue"] = any(p["overdue"] for p in periods)
        item["status"] = "done" if all(p["status"] == "done" for p in periods) else "open"
        item["recurring"] = any(p["period"] for p in periods)
    return list(items.values())


def timeline_svg(groups: list[dict], as_of: date, width: int = 900, height: int = 180) -> str:
    """Deadlines per month as stacked bars (overdue red, open blue, done green), with a line
    for today."""
    seen, months = set(), Counter()
    for g in groups:
        for r in g["tasks"]:
            key = (r["task_id"], r["period"])
            if key in seen or not r["due"]:
                continue
            seen.add(key)
            state = "overdue" if r["overdue"] else ("done" if r["status"] == "done" else "open")
            months[(r["due"][:7], state)] += 1
    if not months:
        return ('<svg class="timeline" viewBox="0 0 900 40" role="img" aria-label="Không có '
                'hạn nào"><text x="10" y="25">Không có nhiệm vụ nào có hạn trong bộ lọc này.'
                '</text></svg>')
    keys = sorted({m for m, _ in months} | {as_of.isoformat()[:7]})
    first, last = keys[0], keys[-1]
    all_months, y, mth = [], int(first[:4]), int(first[5:7])
    while f"{y:04d}-{mth:02d}" <= last and len(all_months) < 240:
        all_months.append(f"{y:04d}-{mth:02d}")
        y, mth = (y + 1, 1) if mth == 12 else (y, mth + 1)
    top = max(sum(months[(m, s)] for s in ("overdue", "open", "done")) for m in all_months)
    left, bottom, plot_h = 40, height - 30, height - 50
    bw = max(4, (width - left - 10) / max(1, len(all_months)))
    parts = [f'<svg class="timeline" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="Biểu đồ hạn nhiệm vụ theo tháng">',
             f'<line x1="{left}" y1="{bottom}" x2="{width - 5}" y2="{bottom}" stroke="#555"/>',
             f'<text x="4" y="{bottom - plot_h + 10}" font-size="11">{top}</text>',
             f'<text x="4" y="{bottom}" font-size="11">0</text>']
    colours = (("done", "#2e7d32"), ("open", "#1565c0"), ("overdue", "#c62828"))
    step = max(1, len(all_months) // 12)
    for i, m in enumerate(all_months):
        x = left + i * bw
        y0 = bottom
        tip = []
        for state, colour in colours:
            n = months[(m, state)]
            if not n:
                continue
            h = plot_h * n / top
            y0 -= h
            parts.append(f'<rect x="{x + 1:.1f}" y="{y0:.1f}" width="{bw - 2:.1f}" '
                         f'height="{h:.1f}" fill="{colour}"><title>Tháng {m[5:]}/{m[:4]}: '
                         f'{n} {_STATE_VI[state]}</title></rect>')
            tip.append(n)
        if i % step == 0:
            parts.append(f'<text x="{x:.1f}" y="{bottom + 14}" font-size="10">'
                         f'{m[5:]}/{m[2:4]}</text>')
        if m == as_of.isoformat()[:7]:
            tx = x + bw * (as_of.day / 31)
            parts.append(f'<line x1="{tx:.1f}" y1="{bottom - plot_h - 5}" x2="{tx:.1f}" '
                         f'y2="{bottom}" stroke="#000" stroke-dasharray="4 3"/>'
                         f'<text x="{tx + 3:.1f}" y="{bottom - plot_h + 2}" font-size="11">'
                         f'hôm nay</text>')
    parts.append("</svg>")
    return "".join(parts)


_STATE_VI = {"overdue": "quá hạn", "open": "chưa đến hạn", "done": "đã xong"}


# ----------------------------------------------------------------------------- graph

def chain_view(store, doc: dict) -> dict:
    """Layers of the implements chain (up: what it carries out; down: who carries it out)
    and the agencies the document binds."""
    from task_graph import queries

    up_layers: list[list[dict]] = []
    down_layers: list[list[dict]] = []
    cites: list[dict] = []
    if doc["number"]:
        try:
            ch = queries.chain(store, doc["number"], depth=6)
        except Exception:  # noqa: BLE001 - StoreError: not found by number
            ch = {"documents": []}
        node = next((n for n in ch["documents"] if n["id"] == doc["id"]), None)
        if node:
            frontier = node["up"]
            while frontier:
                up_layers.append(frontier)
                frontier = [c for n in frontier for c in n.get("up", [])]
            frontier = node["down"]
            while frontier:
                down_layers.append(frontier)
                frontier = [c for n in frontier for c in n.get("down", [])]
    from task_graph.schema import citations

    with store.connect() as conn:
        for c in conn.execute(sa.select(citations).where(citations.c.document_id == doc["id"])
                              .order_by(citations.c.id)):
            cites.append({"number": c.number, "doc_type": c.doc_type, "relation": c.relation,
                          "date": c.cited_date.isoformat() if c.cited_date else None,
                          "issuer": c.issuer, "target": c.target_document_id})
    binds: dict[int, dict] = {}
    for t in doc["tasks"]:
        for role in ("lead", "support"):
            for a in t[f"{role}_agencies"]:
                b = binds.setdefault(a["id"], {"id": a["id"], "name": a["name"], "lead": 0,
                                               "support": 0})
                b[role] += 1
    # documents only cited (not carried out) stand beside the nearest higher layer
    shown = {n.get("number") for layer in up_layers for n in layer}
    cited = [{"id": c["target"], "number": c["number"], "doc_type": c["doc_type"],
              "issued_date": c["date"], "stored": bool(c["target"]), "relation": "cites"}
             for c in cites if c["relation"] != "implements" and c["number"] not in shown]
    if cited:
        if up_layers:
            up_layers[0] = up_layers[0] + cited
        else:
            up_layers.append(cited)
    return {"up": list(reversed(up_layers)), "down": down_layers, "cites": cites,
            "agencies": sorted(binds.values(), key=lambda b: (-b["lead"], b["name"]))}


def chain_svg(view: dict, doc: dict) -> str:
    """An inline SVG: one column per layer, left (higher documents) to right (lower ones),
    the document itself highlighted, then the agencies it binds."""
    center = {"id": doc["id"], "number": doc["number"], "doc_type": doc["doc_type"],
              "issued_date": doc["issued_date"], "stored": True, "self": True}
    columns = [*view["up"], [center], *view["down"]]
    agencies = view["agencies"][:25]
    col_w, box_w, box_h, gap = 300, 270, 46, 14
    n_cols = len(columns) + (1 if agencies else 0)
    rows = max([len(c) for c in columns] + [len(agencies)])
    width, height = max(400, n_cols * col_w + 20), rows * (box_h + gap) + 40
    parts = [f'<svg class="chain" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="Chuỗi văn bản thực hiện">',
             '<defs><marker id="arr" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" '
             'markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#666"/>'
             '</marker></defs>']
    pos = {}
    for ci, col in enumerate(columns):
        for ri, n in enumerate(col):
            x, y = 10 + ci * col_w, 30 + ri * (box_h + gap)
            pos[(ci, ri)] = (x, y)
    # edges between consecutive columns (each node of a column to each of the next: small)
    for ci in range(len(columns) - 1):
        for ri in range(len(columns[ci])):
            for rj in range(len(columns[ci + 1])):
                x1, y1 = pos[(ci, ri)]
                x2, y2 = pos[(ci + 1, rj)]
                parts.append(f'<line x1="{x1 + box_w}" y1="{y1 + box_h / 2}" x2="{x2}" '
                             f'y2="{y2 + box_h / 2}" stroke="#999" marker-end="url(#arr)"/>')
    for ci, col in enumerate(columns):
        for ri, n in enumerate(col):
            x, y = pos[(ci, ri)]
            fill = "#fff3c4" if n.get("self") else ("#e3f2fd" if n.get("stored") else "#eee")
            label = escape(f"{n.get('doc_type') or 'Văn bản'} {n.get('number') or ''}".strip())
            sub = " · ".join(x for x in (
                vn_date(n.get("issued_date")),
                "dẫn chiếu" if n.get("relation") == "cites" else "",
                "chưa có trong hệ thống" if not n.get("stored") else "") if x)
            sub = escape(sub)
            box = (f'<rect x="{x}" y="{y}" width="{box_w}" height="{box_h}" rx="6" '
                   f'fill="{fill}" stroke="#555"/><text x="{x + 8}" y="{y + 19}" '
                   f'font-size="12" font-weight="bold">{label[:40]}</text>'
                   f'<text x="{x + 8}" y="{y + 36}" font-size="11">{sub}</text>')
            if n.get("stored") and n.get("id") and not n.get("self"):
                box = f'<a href="/documents/{n["id"]}/graph">{box}</a>'
            parts.append(box)
    if agencies:
        ax = 10 + len(columns) * col_w
        cx, cy = pos[(len(view["up"]), 0)]
        for ri, a in enumerate(agencies):
            y = 30 + ri * (box_h + gap)
            parts.append(f'<line x1="{cx + box_w}" y1="{cy + box_h / 2}" x2="{ax}" '
                         f'y2="{y + box_h / 2}" stroke="#c8a400" stroke-dasharray="3 3"/>')
            parts.append(f'<a href="/?agency={a["id"]}"><rect x="{ax}" y="{y}" width="{box_w}" '
                         f'height="{box_h}" rx="18" fill="#f1f8e9" stroke="#558b2f"/>'
                         f'<text x="{ax + 8}" y="{y + 19}" font-size="11">'
                         f'{escape(a["name"][:44])}</text><text x="{ax + 8}" y="{y + 36}" '
                         f'font-size="10">chủ trì {a["lead"]}, phối hợp {a["support"]}</text>'
                         f'</a>')
    parts.append("</svg>")
    return "".join(parts)


# ----------------------------------------------------------------------------- letters

def record_draft(store, user: str, letter, letter_id: int | None = None) -> None:
    """The audit line of a reminder letter drafted (downloaded) on the web or the API."""
    ids = [t.task_id for t in letter.tasks if t.task_id is not None]
    audit.record(store.engine, user, "draft_letter", "letter", letter_id, msg(
        "audit.letter_detail", recipient=letter.recipient_agency, ordinal=letter.ordinal,
        tasks=len(letter.tasks), task_ids=", ".join(f"#{i}" for i in ids)))


def build_letters(store, *, as_of: date, agency: str | None = None,
                  task_ids: list[int] | None = None, issuer: str | None = None,
                  signer: str | None = None, signer_title: str | None = None,
                  upcoming: int | None = None, letter_date: date | None = None) -> list:
    """Reminder letters for chosen tasks, or for one agency's (or every agency's) overdue
    tasks (upcoming: due within N days instead), as ocop_docs.letters.ReminderLetter, by the
    same path as `ocop-docs remind` (ocop_docs.letters.from_store.draft_from_store)."""
    from ocop_docs.letters import LetterSettings
    from ocop_docs.letters.from_store import draft_from_store

    authority, title = None, None
    if signer_title:
        if "|" in signer_title:
            authority, title = (p.strip() for p in signer_title.split("|", 1))
        else:
            authority, title = "", signer_title.strip()
    settings = LetterSettings(issuer=issuer or None, signer_name=signer or None,
                              signer_authority=authority, signer_title=title,
                              letter_date=letter_date)
    return draft_from_store(store, settings, as_of, agency=agency, upcoming_days=upcoming,
                            task_ids=task_ids, all_sources=bool(issuer))
