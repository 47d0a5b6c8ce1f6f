"""The Excel follow-up table: written from the seeds' store, read back, statuses imported."""
from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ocop_docs.cli import main
from ocop_docs.office import OfficeFileError
from ocop_docs.office.convert import convert_file, soffice
from ocop_docs.office.followup import (apply_changes, layout, plan_changes, read_followup,
                                       write_followup)
from task_graph import queries as q
from task_graph.ingest import ingest_paths
from task_graph.store import open_store

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2020-12-31"


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "f.sqlite3"))
    assert not ingest_paths(s, [ROOT / "corpus" / "seeds"],
                            extraction_dir=ROOT / "corpus" / "gold", progress=False).failures
    return s


def _result(store, **kw):
    return q.owes(store, None, as_of=AS_OF, limit=5000, **kw)


def _headers(ws):
    return [c.value for c in ws[1]]


def _col(ws, header):
    return _headers(ws).index(header) + 1


def test_sheet_layout(store, tmp_path):
    result = _result(store)
    path = tmp_path / "theo-doi.xlsx"
    write_followup(result, path)
    ws = load_workbook(path).worksheets[0]
    assert _headers(ws) == [c["header"] for c in layout()["columns"]]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref.startswith("A1:")
    assert ws.max_row == result["rows"] + 1
    due_col, status_col = _col(ws, "Hạn hoàn thành"), _col(ws, "Tình trạng")
    doc_col, sec_col = _col(ws, "Văn bản giao"), _col(ws, "Mục")
    overdue = [r for r in range(2, ws.max_row + 1)
               if ws.cell(r, status_col).value == "Quá hạn"]
    assert overdue
    for r in overdue:
        cell = ws.cell(r, due_col)
        assert isinstance(cell.value, datetime) and cell.number_format == "dd/mm/yyyy"
        assert cell.value.date() < date(2020, 12, 31)
        assert ws.cell(r, 1).fill.fgColor.rgb.endswith(layout()["fills"]["overdue"])
    ontime = [r for r in range(2, ws.max_row + 1) if ws.cell(r, status_col).value
              == "Chưa hoàn thành"]
    assert all(ws.cell(r, 1).fill.fill_type is None for r in ontime)
    # every row names its document, and the seeds' sectioned tasks their section
    assert all(ws.cell(r, doc_col).value for r in range(2, ws.max_row + 1))
    assert any(ws.cell(r, doc_col).value.startswith("Kế hoạch 125/KH-UBND ngày 20/09/2018")
               and ws.cell(r, sec_col).value == "PL.VII.1" for r in range(2, ws.max_row + 1))
    # widths fitted: the task column wide, the id column narrow
    letter = ws.cell(1, _col(ws, "Nội dung nhiệm vụ")).column_letter
    assert ws.column_dimensions[letter].width > ws.column_dimensions["B"].width
    assert ws.data_validations.dataValidation        # drop-down of statuses


def test_read_back_gives_the_same_rows(store, tmp_path):
    result = _result(store)
    data = write_followup(result)
    rows = read_followup(data, "x.xlsx")
    expected = [(t["task_id"], t["period"] or "") for g in result["agencies"] for t in g["tasks"]]
    assert [(r.task_id, r.period) for r in rows] == expected
    assert plan_changes(store, rows).changes == []


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None, reason="soffice not on PATH")
def test_opens_in_libreoffice_and_reads_back(store, tmp_path):
    result = _result(store)
    src = tmp_path / "in" / "theo-doi.xlsx"
    write_followup(result, src)
    ods = convert_file(src, "ods", tmp_path / "ods")
    back = convert_file(ods, "xlsx", tmp_path / "back")      # through LibreOffice's own format
    original = read_followup(src)
    again = read_followup(back)
    assert len(again) == result["rows"]
    assert [(r.task_id, r.period, r.status_text) for r in again] == \
           [(r.task_id, r.period, r.status_text) for r in original]
    ws = load_workbook(back).worksheets[0]
    due_col = _col(ws, "Hạn hoàn thành")
    dues = [ws.cell(r, due_col).value for r in range(2, ws.max_row + 1)]
    assert any(isinstance(d, datetime) for d in dues)        # still real dates
    dated = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, due_col).value)
    assert ws.cell(dated, due_col).number_format.lower().startswith("dd/mm/yy")
    # (headless LibreOffice keeps no view settings: the frozen row is checked above)


def _mark_done(path: Path, task_ids: dict[int, str]) -> None:
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    id_col, st_col, ev_col = (_col(ws, "Mã nhiệm vụ"), _col(ws, "Tình trạng"),
                              _col(ws, "Văn bản minh chứng"))
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, id_col).value in task_ids:
            ws.cell(r, st_col).value = "Đã hoàn thành"
            ws.cell(r, ev_col).value = task_ids[ws.cell(r, id_col).value]
    wb.save(path)


def test_coordinator_marks_rows_done_preview_then_apply(store, tmp_path):
    result = _result(store, overdue=True)
    path = tmp_path / "qua-han.xlsx"
    write_followup(result, path)
    one_off = [t for g in result["agencies"] for t in g["tasks"] if not t["period"]][:2]
    assert len(one_off) == 2
    marks = {one_off[0]["task_id"]: "45/BC-SCT", one_off[1]["task_id"]: "46/BC-SNN"}
    _mark_done(path, marks)
    plan = plan_changes(store, read_followup(path))
    assert {c.task_id for c in plan.changes} == set(marks)
    assert all(c.action == "done" for c in plan.changes)
    assert not plan.problems
    # preview changes nothing
    assert q.task_detail(store, one_off[0]["task_id"])["status"] == "open"
    apply_changes(store, plan, by="lan", source="qua-han.xlsx")
    for task_id, evidence in marks.items():
        t = q.task_detail(store, task_id)
        assert t["status"] == "done"
        assert t["history"][-1]["evidence"] == evidence and t["history"][-1]["by"] == "lan"
    # importing the same sheet again changes nothing
    assert plan_changes(store, read_followup(path)).changes == []


def test_cli_export_and_import(store, tmp_path, capsys):
    db = str(tmp_path / "f.sqlite3")
    out = tmp_path / "o.xlsx"
    assert main(["overdue", "--as-of", AS_OF, "--format", "xlsx", "--out", str(out),
                 "--db", db]) == 0
    first = next(r for r in read_followup(out) if not r.period)
    _mark_done(out, {first.task_id: "12/BC"})
    assert main(["import-status", str(out), "--db", db]) == 0
    assert "Thêm --apply" in capsys.readouterr().out
    assert q.task_detail(store, first.task_id)["status"] == "open"
    assert main(["import-status", str(out), "--apply", "--by", "lan", "--db", db]) == 0
    assert q.task_detail(store, first.task_id)["status"] == "done"
    assert main(["owes", "--format", "xlsx", "--db", db]) == 2      # --out is needed


def test_unknown_task_and_bad_files(store, tmp_path, capsys):
    path = tmp_path / "t.xlsx"
    write_followup(_result(store, overdue=True), path)
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    ws.cell(2, _col(ws, "Mã nhiệm vụ")).value = 999999
    ws.cell(2, _col(ws, "Tình trạng")).value = "Đã hoàn thành"
    wb.save(path)
    plan = plan_changes(store, read_followup(path))
    assert plan.problems == [(2, "không có nhiệm vụ số 999999")]

    for name, data, words in (("a.xlsx", b"not a workbook", "không phải tệp Excel"),
                              ("b.xlsx", b"PK\x03\x04broken", "bị hỏng")):
        bad = tmp_path / name
        bad.write_bytes(data)
        with pytest.raises(OfficeFileError) as exc:
            read_followup(bad)
        assert str(bad) in str(exc.value) and words in str(exc.value)
        assert "\n" not in str(exc.value)
    other = tmp_path / "other.xlsx"
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.append(["Họ tên", "Điểm"])
    wb.save(other)
    assert main(["import-status", str(other), "--db", str(tmp_path / "f.sqlite3")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Mã nhiệm vụ" in err


def test_apply_is_all_or_nothing(store):
    from ocop_docs.office.followup import Change, Plan
    from task_graph.store import StoreError

    task = next(t for g in _result(store, overdue=True)["agencies"] for t in g["tasks"]
                if not t["period"])
    plan = Plan(changes=[Change(2, task["task_id"], "", "done", "1/BC", None, "x", None),
                         Change(3, 999999, "", "done", None, None, "y", None)])
    with pytest.raises(StoreError):
        apply_changes(store, plan, by="lan")
    detail = q.task_detail(store, task["task_id"])
    assert detail["status"] == "open" and not detail["history"]
