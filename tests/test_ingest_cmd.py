"""The task-graph commands end to end through `ocop_docs.cli.main`."""
from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from ocop_docs.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
GOLD = ROOT / "corpus" / "gold"


@pytest.fixture
def db(db_url, monkeypatch):
    monkeypatch.setenv("OCOP_DOCS_DB", db_url)
    return db_url


def ingest(*paths, capsys=None):
    rc = main(["ingest", *map(str, paths), "--extractions", str(GOLD)])
    return rc


def test_ingest_summary_and_idempotence(db, capsys):
    assert ingest(SEEDS) == 0
    out = capsys.readouterr().out
    assert "lưu mới 5 tệp" in out and "283 nhiệm vụ" in out and "lỗi 0" in out
    assert ingest(SEEDS) == 0
    assert "lưu mới 0 tệp" in capsys.readouterr().out


def test_failing_file_is_reported_and_skipped(db, tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEEDS / "002_884e5c9489c26ebd.txt", folder)
    (folder / "broken.txt").write_bytes(b"   \n")                 # IngestError: empty
    rc = main(["ingest", str(folder), "--extractions", str(GOLD), "--json"])
    captured = capsys.readouterr()
    assert rc == 1
    assert "broken.txt" in captured.err
    summary = json.loads(captured.out)
    assert summary["stored"] == 1 and summary["tasks"] > 100
    failed = {Path(f["path"]).name for f in summary["failures"]}
    assert "broken.txt" in failed
    assert main(["owes", "Sở Công Thương", "--as-of", "2020-12-31", "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert any(g["agency"]["name"] == "Sở Công Thương tỉnh Hòa Bình" for g in result["agencies"])


def test_owes_table_and_csv(db, capsys):
    ingest(SEEDS)
    capsys.readouterr()
    assert main(["owes", "--as-of", "2020-12-31"]) == 0
    table = capsys.readouterr().out
    assert "■ Sở Công Thương tỉnh Hòa Bình" in table and "125/KH-UBND" in table
    assert "QUÁ HẠN" in table
    assert main(["owes", "so cong thuong tinh hoa binh", "--as-of", "2020-12-31",
                 "--format", "csv", "--no-groups"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows and {r["agency"] for r in rows} == {"Sở Công Thương tỉnh Hòa Bình"}
    assert {r["document_number"] for r in rows} == {"125/KH-UBND"}


def test_done_reopen_overdue_chain_and_task_show(db, capsys):
    ingest(SEEDS)
    capsys.readouterr()
    main(["overdue", "Sở Công Thương tỉnh Hòa Bình", "--as-of", "2019-12-31", "--format", "json"])
    first = json.loads(capsys.readouterr().out)["agencies"][0]["tasks"][0]
    args = ["--period", first["period"]] if first["period"] else []
    assert main(["done", str(first["task_id"]), *args, "--by", "thu.ky",
                 "--evidence", "125/KH-UBND", "--note", "xong"]) == 0
    assert "đã xong" in capsys.readouterr().out
    main(["task", "show", str(first["task_id"]), "--format", "json"])
    detail = json.loads(capsys.readouterr().out)
    assert detail["history"][0]["by"] == "thu.ky"
    assert main(["reopen", str(first["task_id"]), *args]) == 0
    assert main(["chain", "7590/UBND-KT"]) == 0
    out = capsys.readouterr().out
    assert "5077/KH-SNN" in out
    assert main(["done", "999999"]) == 1
    assert "không có nhiệm vụ" in capsys.readouterr().err


def test_agencies_list_and_merge(db, capsys):
    ingest(SEEDS)
    capsys.readouterr()
    assert main(["agencies", "Sở NN-PTNT", "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert "Sở Nông nghiệp và Phát triển nông thôn tỉnh Hòa Bình" in {a["name"] for a in found}
    main(["agencies", "--format", "json"])
    listed = json.loads(capsys.readouterr().out)
    a = next(x for x in listed if x["name"] == "Trung tâm Xúc tiến đầu tư thương mại và Du lịch "
                                                 "tỉnh Hòa Bình")
    b = next(x for x in listed if x["name"] == "Trung tâm Xúc tiến đầu tư và Thương mại "
                                                 "tỉnh Hòa Bình")
    assert main(["agencies", "merge", str(a["id"]), str(b["id"])]) == 0
    assert "Đã gộp" in capsys.readouterr().out
    main(["agencies", str(b["id"]), "--format", "json"])
    merged = json.loads(capsys.readouterr().out)[0]
    assert any("Du lịch" in alias for alias in merged["aliases"])


def test_graph_export(db, tmp_path, capsys):
    ingest(SEEDS)
    out = tmp_path / "g.json"
    assert main(["graph", "export", "--format", "json", "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert any(link["kind"] == "implements" for link in data["links"])


def test_extractor_errors_are_reported_per_file(db_url):
    from task_graph.ingest import ingest_paths
    from task_graph.store import open_store

    def broken_extractor(text, source):
        if source.startswith("001"):
            raise ValueError("bộ trích xuất hỏng")
        return {"schema": "ocop-docs.extraction/1", "source": source, "documents": []}

    store = open_store(db_url)
    report = ingest_paths(store, [SEEDS], extractor=broken_extractor, progress=False)
    assert [Path(p).name for p, _ in report.failures] == ["001_a2896014b23254db.txt"]
    assert "bộ trích xuất hỏng" in report.failures[0][1]
    assert report.stored == 4


def test_ingest_with_the_real_extractor(db_url):
    """The default path: no reviewed extractions, the pipeline extracts."""
    from task_graph import queries as q
    from task_graph.ingest import default_extractor, ingest_paths
    from task_graph.store import open_store

    if default_extractor() is None:
        pytest.skip("ocop_docs.extract.pipeline is not available")
    store = open_store(db_url)
    report = ingest_paths(store, [SEEDS], progress=False)
    assert not report.failures and report.stored == 5
    chain = q.chain(store, "7590/UBND-KT")["documents"][0]
    assert [d["number"] for d in chain["up"]] == ["5077/KH-SNN"]
    owed = q.owes(store, "Sở Công Thương tỉnh Hòa Bình", as_of="2020-12-31",
                  include_groups=False)
    assert {t["document"]["number"] for g in owed["agencies"] for t in g["tasks"]} == {
        "125/KH-UBND"}
