"""The Excel follow-up table ("Bảng theo dõi tình hình thực hiện nhiệm vụ") with openpyxl.

`write_followup(result)` turns a `task_graph.queries.owes` answer into an .xlsx: one sheet with
an autofilter, Vietnamese headings, a frozen heading row, fitted widths, real Excel dates shown
dd/mm/yyyy, overdue rows highlighted, the assigning document and section on each row, and a
drop-down on the status column. The columns are data: templates/followup/columns.yaml.

Read back: `read_followup(path)` finds the columns by their headings, `plan_changes(store,
rows)` compares each row's status with the store (a coordinator wrote "Đã hoàn thành" and the
evidence), and `apply_changes(store, plan)` records them (`Store.set_status`, history kept).
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ocop_docs.office import OfficeFileError
from ocop_docs.resources import templates_dir

MAX_BYTES = 10 * 1024 * 1024          # a follow-up sheet is small; refuse anything larger
MAX_ROWS = 50_000
MAX_UNZIPPED = 200 * 1024 * 1024      # a zip bomb disguised as a workbook


@lru_cache(maxsize=1)
def layout() -> dict:
    with (templates_dir() / "followup" / "columns.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _fold(text: Any) -> str:
    from task_graph.text import fold
    return fold(str(text or ""))


def doc_label(doc: dict, untyped: str = "Văn bản") -> str:
    """"Kế hoạch 57/KH-UBND ngày 02/03/2019"; an unnumbered one "<type> không số"."""
    number = doc.get("number") or f"{doc.get('doc_type') or untyped} không số"
    kind = f"{doc['doc_type']} " if doc.get("doc_type") and doc.get("number") else ""
    if doc.get("issued_date"):
        y, m, d = doc["issued_date"].split("-")
        return f"{kind}{number} ngày {d}/{m}/{y}"
    return f"{kind}{number}"


def table_rows(result: dict) -> list[dict]:
    """One dict per (agency, task occurrence) of an `owes` answer, keyed as columns.yaml."""
    spec = layout()
    as_of = date.fromisoformat(result["as_of"])
    rows = []
    for group in result["agencies"]:
        for t in group["tasks"]:
            due = date.fromisoformat(t["due"]) if t.get("due") else None
            state = "done" if t["status"] == "done" else "overdue" if t["overdue"] else "open"
            rows.append({
                "ordinal": len(rows) + 1, "task_id": t["task_id"], "period": t.get("period") or "",
                "agency": group["agency"]["name"],
                "role": spec["role"].get(t.get("role") or "lead", t.get("role") or ""),
                "action": " ".join((t.get("action") or "").split()),
                "document": doc_label(t["document"]), "section": t.get("section") or "",
                "due": due, "deadline_text": t.get("deadline_text") or "",
                "days_overdue": (as_of - due).days if state == "overdue" and due else None,
                "status": spec["status"][state], "evidence": "", "note": "",
                "_state": state})
    return rows


def write_followup(result: dict, path: str | Path | None = None) -> bytes:
    """The .xlsx bytes of the follow-up table (also written to `path` when given)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    spec = layout()
    columns = spec["columns"]
    rows = table_rows(result)
    wb = Workbook()
    ws = wb.active
    ws.title = spec["sheet_title"]
    head_fill = PatternFill("solid", fgColor=spec["fills"]["header"])
    fills = {k: PatternFill("solid", fgColor=v) for k, v in spec["fills"].items()}
    for c, col in enumerate(columns, 1):
        cell = ws.cell(row=1, column=c, value=col["header"])
        cell.font = Font(bold=True)
        cell.fill = head_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    widths = [len(col["header"]) for col in columns]
    for r, row in enumerate(rows, 2):
        for c, col in enumerate(columns, 1):
            value = row.get(col["key"])
            cell = ws.cell(row=r, column=c, value=value if value != "" else None)
            if col["kind"] == "date" and value is not None:
                cell.number_format = "dd/mm/yyyy"
                shown = 10
            else:
                shown = max((len(x) for x in str(value if value is not None else "")
                             .split("\n")), default=0)
            cell.alignment = Alignment(vertical="top", wrap_text=col["kind"] == "wrap")
            if row["_state"] in ("overdue", "done"):
                cell.fill = fills[row["_state"]]
            widths[c - 1] = max(widths[c - 1], shown)
    for c, col in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(c)].width = min(widths[c - 1], col["max_width"]) + 2
    ws.freeze_panes = "A2"
    last = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 2)}"
    status_col = get_column_letter(1 + [c["key"] for c in columns].index("status"))
    choices = ",".join(spec["status"].values())
    dv = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
    dv.add(f"{status_col}2:{status_col}{max(len(rows) + 1, 2)}")
    ws.add_data_validation(dv)
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"

    info = wb.create_sheet(spec["info_title"])
    info.append([spec["title"]])
    info["A1"].font = Font(bold=True, size=13)
    info.append(["Tính đến ngày", date.fromisoformat(result["as_of"])])
    info["B2"].number_format = "dd/mm/yyyy"
    info.append(["Số dòng", len(rows)])
    if result.get("truncated"):
        info.append(["Lưu ý", "Danh sách chưa đầy đủ (quá nhiều nhiệm vụ): hãy lọc theo cơ quan "
                     "hoặc theo hạn rồi xuất lại."])
    info.append(["Cách dùng", "Ghi \"" + spec["status"]["done"] + "\" vào cột Tình trạng và số "
                 "văn bản báo cáo vào cột Văn bản minh chứng, rồi tải bảng lên "
                 "(ocop-docs import-status hoặc trang Nhập trạng thái)."])
    info.column_dimensions["A"].width = 16
    info.column_dimensions["B"].width = 90
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    if path is not None:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
    return data


# ----------------------------------------------------------------------------- read back

@dataclass
class SheetRow:
    line: int                       # the row number in the sheet
    task_id: int | None
    period: str
    done: bool | None               # None: the status cell is empty
    status_text: str
    evidence: str | None
    note: str | None
    problem: str | None = None


def _check_container(data: bytes, name: str) -> None:
    if len(data) > MAX_BYTES:
        raise OfficeFileError(name, f"tệp quá lớn ({len(data) / 1e6:.1f} MB, tối đa "
                                    f"{MAX_BYTES / 1e6:.0f} MB)")
    if not data.startswith(b"PK\x03\x04"):
        raise OfficeFileError(name, "không phải tệp Excel .xlsx (cần bảng theo dõi đã xuất "
                                    "từ ocop-docs, lưu dạng .xlsx)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            total = sum(i.file_size for i in zf.infolist())
    except zipfile.BadZipFile:
        raise OfficeFileError(name, "tệp .xlsx bị hỏng (không giải nén được)") from None
    if not any(n.startswith("xl/") for n in names):
        raise OfficeFileError(name, "không phải tệp Excel .xlsx")
    if total > MAX_UNZIPPED:
        raise OfficeFileError(name, f"tệp .xlsx giải nén ra quá lớn ({total / 1e6:.0f} MB)")


def read_followup(source: str | Path | bytes, name: str | None = None) -> list[SheetRow]:
    """The rows of a follow-up sheet a coordinator edited. Columns are found by their heading
    (any order; 'Mã nhiệm vụ' and 'Tình trạng' are required). Raises OfficeFileError."""
    from openpyxl import load_workbook

    if isinstance(source, (str, Path)):
        name = name or str(source)
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise OfficeFileError(name, f"không đọc được tệp ({exc.strerror or exc})") from None
    else:
        data, name = source, name or "bảng theo dõi"
    _check_container(data, name)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad workbook
        raise OfficeFileError(name, f"không mở được bảng Excel ({exc.__class__.__name__})") \
            from None
    spec = layout()
    want = {_fold(c["header"]): c["key"] for c in spec["columns"]}
    done_key = _fold(spec["status"]["done"])
    try:
        for ws in wb.worksheets:
            rows = ws.iter_rows(values_only=True)
            header_at, colmap = None, {}
            for i, values in enumerate(rows, 1):
                colmap = {want[_fold(v)]: j for j, v in enumerate(values or ())
                          if v is not None and _fold(v) in want}
                if "task_id" in colmap and "status" in colmap:
                    header_at = i
                    break
                if i >= 10:
                    break
            if header_at is None:
                continue
            out = []
            for i, values in enumerate(rows, header_at + 1):
                if i - header_at > MAX_ROWS:
                    raise OfficeFileError(name, f"bảng có quá {MAX_ROWS} dòng")
                values = tuple(values or ())

                def cell(key):
                    j = colmap.get(key)
                    return values[j] if j is not None and j < len(values) else None
                if all(v is None or str(v).strip() == "" for v in values):
                    continue
                raw_id, status = cell("task_id"), cell("status")
                problem, task_id = None, None
                try:
                    task_id = int(float(str(raw_id).strip()))
                except (TypeError, ValueError):
                    problem = f"mã nhiệm vụ không hợp lệ: {raw_id!r}"
                text = str(status).strip() if status is not None else ""
                folded = _fold(text)
                done = None if not folded else folded in (done_key, "da xong", "hoan thanh")
                out.append(SheetRow(i, task_id, str(cell("period") or "").strip(), done, text,
                                    _clean(cell("evidence")), _clean(cell("note")), problem))
            return out
    finally:
        wb.close()
    raise OfficeFileError(name, "không tìm thấy dòng tiêu đề có cột 'Mã nhiệm vụ' và "
                                "'Tình trạng' (bảng phải là bảng theo dõi xuất từ ocop-docs)")


def _clean(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (date, datetime)):
        return value.strftime("%d/%m/%Y")
    text = " ".join(str(value).split())
    return text or None


@dataclass
class Change:
    line: int
    task_id: int
    period: str
    action: str                    # "done" | "reopen"
    evidence: str | None
    note: str | None
    task_action: str
    agency_due: str | None

    def to_json(self) -> dict:
        return {"line": self.line, "task_id": self.task_id, "period": self.period or None,
                "change": self.action, "evidence": self.evidence, "note": self.note,
                "action": self.task_action, "due": self.agency_due}


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)   # (line, message)

    def to_json(self) -> dict:
        return {"changes": [c.to_json() for c in self.changes], "unchanged": self.unchanged,
                "problems": [{"line": ln, "error": msg} for ln, msg in self.problems]}


def plan_changes(store, rows: list[SheetRow]) -> Plan:
    """What importing the rows would change: a row marked done whose occurrence is open in the
    store becomes "done"; a row marked otherwise whose occurrence is done becomes "reopen".
    Rows with an empty status, or that agree with the store, change nothing."""
    import sqlalchemy as sa

    from task_graph import recurrence as rec
    from task_graph.schema import task_status, tasks

    plan = Plan()
    ids = {r.task_id for r in rows if r.task_id is not None}
    with store.connect() as conn:
        trows = {t.id: t for t in conn.execute(sa.select(tasks).where(tasks.c.id.in_(ids)))}
        states = {(s.task_id, s.period): s.status for s in conn.execute(
            sa.select(task_status).where(task_status.c.task_id.in_(ids)))}
    seen: dict = {}
    for r in rows:
        if r.problem:
            plan.problems.append((r.line, r.problem))
            continue
        if r.done is None:
            plan.unchanged += 1
            continue
        t = trows.get(r.task_id)
        if t is None:
            plan.problems.append((r.line, f"không có nhiệm vụ số {r.task_id}"))
            continue
        recurring = rec.is_recurring(t.recurrence) and (t.doc_date or t.due)
        period = r.period if recurring else rec.ONE_OFF
        if recurring and not rec.valid_period(t.recurrence, period):
            plan.problems.append((r.line, f"nhiệm vụ {r.task_id}: kỳ '{r.period}' không hợp lệ"))
            continue
        # a task given to two agencies has a row for each; its status is one
        if (r.task_id, period) in seen:
            if seen[(r.task_id, period)] != r.done:
                plan.problems.append((r.line, f"nhiệm vụ {r.task_id}"
                                              + (f" kỳ {period}" if period else "")
                                              + " ghi trạng thái khác với dòng trên; dòng "
                                                "này bỏ qua"))
            else:
                plan.unchanged += 1
            continue
        seen[(r.task_id, period)] = r.done
        current = states.get((r.task_id, period)) or (
            "done" if not recurring and t.status == "done" else "open")
        if r.done and current != "done":
            action = "done"
        elif not r.done and current == "done":
            action = "reopen"
        else:
            plan.unchanged += 1
            continue
        plan.changes.append(Change(r.line, r.task_id, period, action, r.evidence, r.note,
                                   " ".join(t.action.split()),
                                   t.due.isoformat() if t.due else None))
    return plan


def apply_changes(store, plan: Plan, *, by: str | None = None, source: str = "") -> list[dict]:
    """Record every change of the plan in one transaction: all of them or, when one fails,
    none (history keeps who, when and the evidence)."""
    from task_graph.store import write_transaction

    note_from = f"nhập từ bảng theo dõi {source}".strip()
    done = []
    with write_transaction(store.engine) as conn:
        for c in plan.changes:
            note = "; ".join(x for x in (c.note, note_from) if x) or None
            done.append(store.set_status(c.task_id, "done" if c.action == "done" else "open",
                                         period=c.period or None, by=by,
                                         evidence=c.evidence if c.action == "done" else None,
                                         note=note, conn=conn))
    return done
