"""The summary report (.docx, NĐ 30): opens with python-docx, its counts match the store,
it carries the chart and the overdue list, an office template replaces the layout, and it
converts with LibreOffice."""
from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from ocop_docs.cli import main
from ocop_docs.office.convert import convert_file, soffice
from ocop_docs.office.report import ReportSettings, render_report, summarize
from task_graph import queries as q
from task_graph.ingest import ingest_paths
from task_graph.store import open_store

ROOT = Path(__file__).resolve().parent.parent
START, END = date(2019, 1, 1), date(2019, 12, 31)
SETTINGS = ReportSettings(issuer="Ủy ban nhân dân tỉnh Hòa Bình", signer_name="Nguyễn Văn A",
                          signer_authority="KT. CHỦ TỊCH", signer_title="PHÓ CHỦ TỊCH",
                          copies_to=["Thường trực Tỉnh ủy"])


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "r.sqlite3"))
    assert not ingest_paths(s, [ROOT / "corpus" / "seeds"],
                            extraction_dir=ROOT / "corpus" / "gold", progress=False).failures
    return s


def _expected(store) -> dict[str, dict[str, int]]:
    """Counts computed straight from the store's query, independently of the report."""
    out: dict[str, dict[str, int]] = {}
    result = q.owes(store, None, as_of=END, include_done=True, limit=100000)
    for g in result["agencies"]:
        for t in g["tasks"]:
            if not t["due"] or not START.isoformat() <= t["due"] <= END.isoformat():
                continue
            c = out.setdefault(g["agency"]["name"], {"done": 0, "overdue": 0, "pending": 0})
            if t["status"] == "done":
                c["done"] += 1
            elif t["due"] < END.isoformat():
                c["overdue"] += 1
            else:
                c["pending"] += 1
    return out


def _count_rows(doc) -> dict[str, list[str]]:
    table = next(t for t in doc.tables if t.rows[0].cells[1].text.startswith("Cơ quan, đơn vị"))
    return {r.cells[1].text: [c.text for c in r.cells[2:]] for r in table.rows[1:]}


def test_report_opens_and_counts_match(store, tmp_path):
    late_task = next(t for g in q.overdue(store, END, limit=1000)["agencies"]
                     for t in g["tasks"] if t["due"] >= START.isoformat())
    store.set_status(late_task["task_id"], "done", by="test",
                     period=late_task["period"])                   # done today: late
    report = summarize(store, START, END, settings=SETTINGS)
    doc = Document(io.BytesIO(render_report(report)))
    text = "\n".join(p.text for p in doc.paragraphs)
    for words in ("BÁO CÁO", "Tình hình thực hiện các nhiệm vụ được giao",
                  "từ ngày 1/1/2019 đến ngày 31/12/2019", "I. TÌNH HÌNH CHUNG",
                  "II. CÁC NHIỆM VỤ QUÁ HẠN CHƯA HOÀN THÀNH", "III. ĐỀ XUẤT, KIẾN NGHỊ"):
        assert words in text, words
    cells = " ".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    for words in ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "/BC-UBND",
                  "Hòa Bình, ngày 31 tháng 12 năm 2019", "Nơi nhận:", "- Lưu: VT, KT.",
                  "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn A"):
        assert words in cells, words
    assert len(doc.inline_shapes) == 1                                 # the chart
    rows = _count_rows(doc)
    expected = _expected(store)
    assert set(rows) == set(expected) | {"Tổng cộng"}
    for agency, c in expected.items():
        total, on_time, late, overdue, pending = map(int, rows[agency])
        assert (on_time + late, overdue, pending) == (c["done"], c["overdue"], c["pending"])
        assert total == sum(c.values())
    assert sum(int(r[2]) for a, r in rows.items() if a != "Tổng cộng") == 1     # the late one
    overdue_table = next(t for t in doc.tables if len(t.columns) == 6
                         and t.rows[0].cells[2].text == "Nhiệm vụ")
    assert len(overdue_table.rows) - 1 == sum(c["overdue"] for c in expected.values())
    assert late_task["task_id"] not in {o.task_id for o in report.overdue}


def test_office_template_replaces_the_layout(store, tmp_path):
    own = tmp_path / "mau-bao-cao.xml.j2"
    own.write_text('<?xml version="1.0" encoding="UTF-8"?><letter><p>BÁO CÁO RIÊNG '
                   '{{ totals.overdue }} quá hạn</p><image ref="chart" width="10cm"/></letter>',
                   encoding="utf-8")
    report = summarize(store, START, END, settings=SETTINGS)
    doc = Document(io.BytesIO(render_report(report, own)))
    assert doc.paragraphs[0].text == f"BÁO CÁO RIÊNG {report.totals.overdue} quá hạn"
    assert len(doc.inline_shapes) == 1


def test_cli_report(store, tmp_path, capsys):
    out = tmp_path / "bc.docx"
    assert main(["report", "--from", "2019-01-01", "--to", "2019-12-31", "--issuer",
                 "Ủy ban nhân dân tỉnh Hòa Bình", "--signer", "Nguyễn Văn A", "--signer-title",
                 "KT. CHỦ TỊCH|PHÓ CHỦ TỊCH", "--db", str(tmp_path / "r.sqlite3"),
                 "--out", str(out)]) == 0
    assert "quá hạn" in capsys.readouterr().out
    assert Document(out).inline_shapes
    assert main(["report", "--from", "2019-12-31", "--to", "2019-01-01", "--issuer", "X",
                 "--db", str(tmp_path / "r.sqlite3")]) == 2
    assert "--to" in capsys.readouterr().err
    bad = tmp_path / "hong.xml.j2"
    bad.write_text("<letter>{% if %}</letter>", encoding="utf-8")
    assert main(["report", "--from", "2019-01-01", "--to", "2019-12-31", "--issuer", "X",
                 "--template", str(bad), "--db", str(tmp_path / "r.sqlite3")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "hong.xml.j2" in err


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None, reason="soffice not on PATH")
def test_report_converts_with_libreoffice(store, tmp_path):
    src = tmp_path / "in" / "bao-cao.docx"
    src.parent.mkdir()
    src.write_bytes(render_report(summarize(store, START, END, settings=SETTINGS)))
    pdf = convert_file(src, "pdf", tmp_path / "pdf")
    assert pdf.stat().st_size > 10_000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        flat = " ".join(text.split())
        assert "BÁO CÁO" in flat and "Tình hình thực hiện các nhiệm vụ được giao" in flat
        assert "Nguyễn Văn A" in flat
