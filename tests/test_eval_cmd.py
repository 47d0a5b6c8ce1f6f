"""`ocop-docs eval`: the sets of a sets file, the per-document table, the misses grouped by kind,
--json, --set/--all, --keep, the older `eval GOLD_DIR --sources DIR` form and exit codes.

The gold and the predictions are a tiny made-up plan (not from the corpus). Most tests replace
the extractor by the prepared predictions, so they check the report, not the extractor; the
last ones run the real extractor on a short text.
"""
import json
from pathlib import Path

import pytest

from ocop_docs.cli import main
from ocop_docs.evaluation import report

PLAN_TEXT = """ỦY BAN NHÂN DÂN
HUYỆN MINH SƠN
Số: 45/KH-UBND
Minh Sơn, ngày 10 tháng 3 năm 2022
KẾ HOẠCH
Phát triển sản phẩm chè đặc sản năm 2022
Căn cứ Nghị quyết số 12/NQ-HĐND ngày 20/12/2021 của Hội đồng nhân dân huyện;
1. Phòng Nông nghiệp và Phát triển nông thôn chủ trì hướng dẫn các hợp tác xã xây dựng tiêu chuẩn cơ sở cho sản phẩm chè, hoàn thành trong Quý II/2022.
2. Trung tâm Y tế huyện tổ chức lớp tập huấn về an toàn thực phẩm cho các hộ sản xuất chè.
3. Phòng Kinh tế và Hạ tầng phối hợp với Phòng Tài chính - Kế hoạch bố trí kinh phí hỗ trợ quảng bá sản phẩm.
4. Ủy ban nhân dân các xã báo cáo kết quả thực hiện về Ủy ban nhân dân huyện trước ngày 15/11/2022.
5. Phòng Tài nguyên và Môi trường xây dựng bản đồ vùng nguyên liệu chè tập trung của huyện.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn Hùng
"""


def task(action, lead, support=(), due=None, recurrence=None, section=None):
    return {"action": action, "lead": list(lead), "support": list(support), "due": due,
            "deadline_text": None, "recurrence": recurrence, "section": section}


T_OK = ("Chủ trì hướng dẫn các hợp tác xã xây dựng tiêu chuẩn cơ sở cho sản phẩm chè")
T_LEAD = "Tổ chức lớp tập huấn về an toàn thực phẩm cho các hộ sản xuất chè"
T_SUPPORT = "Phối hợp với Phòng Tài chính - Kế hoạch bố trí kinh phí hỗ trợ quảng bá sản phẩm"
T_DUE = "Báo cáo kết quả thực hiện về Ủy ban nhân dân huyện trước ngày 15/11/2022"
T_MISSED = "Xây dựng bản đồ vùng nguyên liệu chè tập trung của huyện"
T_SPURIOUS = "Tuyên truyền rộng rãi trên đài truyền thanh về chương trình mỗi xã một sản phẩm"

DOC = {"doc_type": "Kế hoạch", "number": "45/KH-UBND", "issued_date": "2022-03-10",
       "place": "Minh Sơn", "issuer": "Ủy ban nhân dân huyện Minh Sơn",
       "subject": "Phát triển sản phẩm chè đặc sản năm 2022", "recipients": [],
       "distribution": []}

GOLD_A = {"source": "a.txt", "documents": [{
    **DOC, "signer": "Nguyễn Văn Hùng",
    "citations": [{"doc_type": "Quyết định", "number": "919/QĐ-TTg", "date": "2022-07-01",
                   "issuer": "Thủ tướng Chính phủ"},
                  {"doc_type": "Nghị quyết", "number": "12/NQ-HĐND", "date": "2021-12-20",
                   "issuer": "Hội đồng nhân dân huyện"}],
    "tasks": [
        task(T_OK, ["Phòng Nông nghiệp và Phát triển nông thôn"], due="2022-06-30", section="1"),
        task(T_LEAD, ["Trung tâm Y tế huyện"], section="2"),
        task(T_SUPPORT, ["Phòng Kinh tế và Hạ tầng"], ["Phòng Tài chính - Kế hoạch"],
             section="3"),
        task(T_DUE, ["Ủy ban nhân dân các xã"], due="2022-11-15", section="4"),
        task(T_MISSED, ["Phòng Tài nguyên và Môi trường"], section="5"),
    ]}]}

PRED_A = {"schema": "ocop-docs.extraction/1", "source": "a.txt", "documents": [{
    **DOC, "signer": None,
    "citations": [{"doc_type": "Quyết định", "number": "919/QĐ-TTg", "date": "2022-07-01",
                   "issuer": "Thủ tướng Chính phủ"},
                  {"doc_type": "Kế hoạch", "number": "77/KH-UBND", "date": None,
                   "issuer": None}],
    "tasks": [
        task(T_OK, ["Phòng Nông nghiệp và PTNT"], due="2022-06-30", section="1"),
        task(T_LEAD, ["Phòng Văn hóa và Thông tin"], section="2"),
        task(T_SUPPORT, ["Phòng Kinh tế và Hạ tầng"], section="3"),
        task(T_DUE, ["Ủy ban nhân dân các xã"], due="2022-12-31", section="4"),
        task(T_SPURIOUS, ["Đài Truyền thanh huyện"], section="6"),
    ]}]}

GOLD_B = {"source": "b.txt", "documents": [{
    **DOC, "number": "46/KH-UBND", "signer": "Nguyễn Văn Hùng", "citations": [],
    "tasks": [task("Trạm Khuyến nông huyện chuyển giao kỹ thuật trồng chè hữu cơ cho nông dân",
                   ["Trạm Khuyến nông huyện"], due="2022-12-31", section="1")]}]}
PRED_B = {"schema": "ocop-docs.extraction/1", "source": "b.txt",
          "documents": GOLD_B["documents"]}

PREDICTIONS = {"a.txt": PRED_A, "b.txt": PRED_B}


def write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def sets_file(tmp_path) -> Path:
    """Three sets: mini (a.txt, b.txt), other (b.txt), slowset (b.txt, slow), empty (no gold)."""
    for folder, golds in (("mini", [GOLD_A, GOLD_B]), ("other", [GOLD_B]),
                          ("slowset", [GOLD_B])):
        for gold in golds:
            write_json(tmp_path / folder / "gold" / f"{gold['source']}.gold.json", gold)
            src = tmp_path / folder / "src" / gold["source"]
            src.parent.mkdir(parents=True, exist_ok=True)
            src.write_text(PLAN_TEXT, encoding="utf-8")
    (tmp_path / "empty" / "gold").mkdir(parents=True)
    path = tmp_path / "sets.yaml"
    path.write_text(
        "mini:\n  sources: mini/src\n  gold: mini/gold\n  about: bộ thử nhỏ\n"
        "other:\n  sources: other/src\n  gold: other/gold\n"
        "slowset:\n  sources: slowset/src\n  gold: slowset/gold\n  slow: true\n"
        "empty:\n  sources: empty/src\n  gold: empty/gold\n", encoding="utf-8")
    return path


@pytest.fixture
def fake_extractor(monkeypatch):
    """The prepared predictions instead of the extractor; a missing prediction is a read error."""
    def extract_one(path):
        if path.name in PREDICTIONS and path.exists():
            return json.loads(json.dumps(PREDICTIONS[path.name])), None
        return None, f"{path}: không tìm thấy tệp"
    monkeypatch.setattr(report, "_extract_one", extract_one)


def run_cli(capsys, *argv):
    code = main(["eval", *map(str, argv)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def group(out: str, title: str) -> list[str]:
    """The indented lines under a group title of the --details output."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    body = []
    for line in lines[start + 1:]:
        if not line.startswith("  "):
            break
        body.append(line.strip())
    return body


def row(out: str, source: str) -> list[str]:
    return next(line.split() for line in out.splitlines() if line.startswith(source + " "))


# ---------------------------------------------------------------- report (fake extractor)

def test_per_document_table_and_misses_by_kind(sets_file, fake_extractor, capsys):
    code, out, err = run_cli(capsys, "--sets-file", sets_file, "--set", "mini", "--details")
    assert code == 0, err
    # summary: one row for the set; gold tasks 5 + 1
    summary = row(out, "mini")
    assert summary[1:3] == ["2", "6"]
    # per document: gold, predicted, paired, fully correct, full-task F1, wrong fields, citations
    assert row(out, "a.txt") == ["a.txt", "5", "5", "4", "1", "0.200", "ký", "1/1"]
    assert row(out, "b.txt") == ["b.txt", "1", "1", "1", "1", "1.000", "-", "0/0"]

    [missed] = group(out, "Nhiệm vụ bị bỏ sót")
    assert "a.txt §5" in missed and "bản đồ vùng nguyên liệu" in missed
    [spurious] = group(out, "Nhiệm vụ thừa")
    assert "a.txt §6" in spurious and "Tuyên truyền rộng rãi" in spurious
    [lead] = group(out, "Sai cơ quan chủ trì")
    assert "a.txt §2" in lead and "lớp tập huấn" in lead
    assert "gold [Trung tâm Y tế huyện] ≠ dự đoán [Phòng Văn hóa và Thông tin]" in lead
    [support] = group(out, "Sai cơ quan phối hợp")
    assert "a.txt §3" in support and "gold [Phòng Tài chính - Kế hoạch] ≠ dự đoán []" in support
    [deadline] = group(out, "Sai thời hạn")
    assert "a.txt §4" in deadline and "gold 2022-11-15 ≠ dự đoán 2022-12-31" in deadline
    [field] = group(out, "Sai thông tin văn bản")
    assert "signer" in field and "Nguyễn Văn Hùng" in field
    assert group(out, "Trích dẫn bị bỏ sót") == ["a.txt: 12/NQ-HĐND ngày 2021-12-20 của "
                                                  "Hội đồng nhân dân huyện"]
    assert group(out, "Trích dẫn thừa") == ["a.txt: 77/KH-UBND"]
    # the correctly predicted task appears in no group
    assert "tiêu chuẩn cơ sở" not in out.split("Nhiệm vụ bị bỏ sót")[1]


def test_without_details_no_groups(sets_file, fake_extractor, capsys):
    code, out, _ = run_cli(capsys, "--sets-file", sets_file, "--set", "mini")
    assert code == 0
    assert "a.txt" in out and "Nhiệm vụ bị bỏ sót" not in out


def test_json_structure(sets_file, fake_extractor, capsys):
    code, out, _ = run_cli(capsys, "--sets-file", sets_file, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["schema"] == "ocop-docs.eval/1"
    assert list(data["sets"]) == ["mini", "other"]
    assert set(data["skipped"]) == {"slowset", "empty"}
    mini = data["sets"]["mini"]
    assert mini["about"] == "bộ thử nhỏ" and mini["errors"] == []
    totals = mini["totals"]
    assert totals["gold_tasks"] == 6
    for key in report.HEADLINE:
        assert 0.0 <= totals[key] <= 1.0
    # the scorer's own totals: 2 fully correct of 6 gold and 6 predicted tasks
    assert totals["tasks.full.f1"] == pytest.approx(2 / 6, abs=1e-4)
    assert totals["tasks.detection.f1"] == pytest.approx(5 / 6, abs=1e-4)
    assert totals["field.signer"] == 0.5 and totals["citations.f1"] == pytest.approx(0.5)
    a, b = mini["files"]
    assert a == {"source": "a.txt", "gold_tasks": 5, "pred_tasks": 5, "paired": 4,
                 "fully_correct": 1, "full_f1": 0.2, "detection_f1": 0.8,
                 "wrong_fields": ["signer"], "citations_missed": 1, "citations_spurious": 1,
                 "error": None}
    assert b["full_f1"] == 1.0
    misses = mini["misses"]
    assert list(misses) == list(report.MISS_KINDS)
    assert {k: len(v) for k, v in misses.items()} == {
        "missed": 1, "spurious": 1, "lead": 1, "support": 1, "deadline": 1, "fields": 1,
        "citations_missed": 1, "citations_spurious": 1}
    assert misses["lead"][0]["gold"] == ["Trung tâm Y tế huyện"]
    assert misses["lead"][0]["pred"] == ["Phòng Văn hóa và Thông tin"]
    assert misses["deadline"][0]["gold"]["due"] == "2022-11-15"
    assert misses["deadline"][0]["pred"]["due"] == "2022-12-31"
    assert misses["missed"][0]["section"] == "5" and misses["spurious"][0]["section"] == "6"
    assert misses["fields"][0] == {"source": "a.txt", "document": 1, "field": "signer",
                                   "gold": "Nguyễn Văn Hùng", "pred": None}


def test_set_selection(sets_file, fake_extractor, capsys):
    code, out, _ = run_cli(capsys, "--sets-file", sets_file)
    assert code == 0
    assert row(out, "mini") and row(out, "other")
    assert not any(line.startswith("slowset ") for line in out.splitlines())
    assert "bỏ qua bộ slowset" in out and "bỏ qua bộ empty" in out

    code, out, _ = run_cli(capsys, "--sets-file", sets_file, "--set", "other", "--json")
    assert code == 0 and list(json.loads(out)["sets"]) == ["other"]

    code, out, _ = run_cli(capsys, "--sets-file", sets_file, "--all", "--json")
    assert list(json.loads(out)["sets"]) == ["mini", "other", "slowset"]

    code, out, _ = run_cli(capsys, "--sets-file", sets_file, "--set", "slowset",
                           "--set", "mini", "--json")
    assert list(json.loads(out)["sets"]) == ["slowset", "mini"]

    code, _, err = run_cli(capsys, "--sets-file", sets_file, "--set", "khong-co")
    assert code == 2 and "khong-co" in err
    code, _, err = run_cli(capsys, "--sets-file", sets_file, "--set", "empty")
    assert code == 2 and "empty" in err


def test_unreadable_source_exits_1(sets_file, fake_extractor, capsys):
    (sets_file.parent / "mini" / "src" / "a.txt").unlink()
    code, out, err = run_cli(capsys, "--sets-file", sets_file, "--set", "mini", "--details")
    assert code == 1
    assert "lỗi" in err and "a.txt" in err
    # scored as an empty prediction: every gold task missed
    assert row(out, "a.txt")[:5] == ["a.txt", "5", "0", "0", "0"]
    assert "KHÔNG ĐỌC ĐƯỢC" in out
    assert len(group(out, "Nhiệm vụ bị bỏ sót")) == 5


def test_unreadable_gold_file_exits_1_and_the_rest_is_scored(sets_file, fake_extractor, capsys):
    (sets_file.parent / "mini" / "gold" / "c.txt.gold.json").write_text("{hỏng", encoding="utf-8")
    code, out, err = run_cli(capsys, "--sets-file", sets_file, "--set", "mini", "--json")
    assert code == 1 and "c.txt.gold.json" in err
    mini = json.loads(out)["sets"]["mini"]
    assert [f["source"] for f in mini["files"]] == ["a.txt", "b.txt"]
    assert any("c.txt.gold.json" in e for e in mini["errors"])


def test_keep_writes_predictions_per_set(sets_file, fake_extractor, capsys, tmp_path):
    keep = tmp_path / "giu"
    code, _, _ = run_cli(capsys, "--sets-file", sets_file, "--keep", keep)
    assert code == 0
    assert sorted(p.relative_to(keep).as_posix() for p in keep.rglob("*.json")) == [
        "mini/a.txt.json", "mini/b.txt.json", "other/b.txt.json"]
    assert json.loads((keep / "mini" / "a.txt.json").read_text(encoding="utf-8")) == PRED_A


def test_legacy_form(sets_file, fake_extractor, capsys, tmp_path):
    gold, src = sets_file.parent / "mini" / "gold", sets_file.parent / "mini" / "src"
    code, out, _ = run_cli(capsys, gold, "--sources", src, "--json")
    assert code == 0
    data = json.loads(out)
    # the scorer's totals stay at the top level, as before
    assert data["gold_tasks"] == 6 and data["tasks.full.f1"] == pytest.approx(2 / 6, abs=1e-4)
    assert [f["source"] for f in data["files"]] == ["a.txt", "b.txt"]
    assert len(data["misses"]["lead"]) == 1

    keep = tmp_path / "giu"
    code, out, _ = run_cli(capsys, gold, "--sources", src, "--details", "--keep", keep)
    assert code == 0
    assert row(out, "a.txt")[:5] == ["a.txt", "5", "5", "4", "1"]
    assert group(out, "Sai cơ quan chủ trì")
    assert sorted(p.name for p in keep.iterdir()) == ["a.txt.json", "b.txt.json"]


def test_usage_errors(sets_file, fake_extractor, capsys, tmp_path):
    gold, src = sets_file.parent / "mini" / "gold", sets_file.parent / "mini" / "src"
    assert run_cli(capsys, gold, "--sources", src, "--set", "mini")[0] == 2
    assert run_cli(capsys, gold)[0] == 2
    assert run_cli(capsys, "--sources", src, "--sets-file", sets_file)[0] == 2
    assert run_cli(capsys, tmp_path / "empty" / "gold", "--sources", src)[0] == 2
    assert run_cli(capsys, "--sets-file", tmp_path / "khong-co.yaml")[0] == 2
    assert run_cli(capsys, "--sets-file", sets_file, "--jobs", "0")[0] == 2


def test_grouped_misses_agree_with_the_scorer():
    a = report.file_report(GOLD_A, PRED_A, "a.txt")
    assert a.disagreements == []
    assert (a.paired, a.fully_correct) == (4, 1)


# ---------------------------------------------------------------- the real extractor

def test_real_extractor_legacy_and_jobs(tmp_path, capsys):
    """End to end on the made-up plan: the form of the report, not the extractor's score."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("a.txt", "b.txt"):
        (src / name).write_text(PLAN_TEXT, encoding="utf-8")
        write_json(tmp_path / "gold" / f"{name}.gold.json", {**GOLD_A, "source": name})
    code, out, err = run_cli(capsys, tmp_path / "gold", "--sources", src, "--json")
    assert code == 0, err
    one = json.loads(out)
    assert one["gold_tasks"] == 10
    assert [f["source"] for f in one["files"]] == ["a.txt", "b.txt"]
    assert one["files"][0]["pred_tasks"] >= 1
    assert all(not f.get("disagreements") for f in one["files"])
    code, out, _ = run_cli(capsys, tmp_path / "gold", "--sources", src, "--json", "--jobs", "2")
    assert code == 0 and json.loads(out) == one


@pytest.mark.ocr
@pytest.mark.usefixtures("require_ocr")
def test_parallel_eval_of_scans_ends(tmp_path):
    """`eval --jobs 2` on scans: each worker reads its pages itself and the run ends (an OCR
    pool inside a worker kept it from exiting: the run hung after the last file)."""
    import subprocess
    import sys


    scans = Path(__file__).resolve().parent.parent / "corpus" / "real" / "scans"
    code = ("import sys; from pathlib import Path; from ocop_docs.evaluation.report import extract_all;"
            f"r = extract_all([Path({str(scans / '005.pdf')!r}), Path({str(scans / '019.jpg')!r})], jobs=2);"
            "print(sum(1 for p, e in r if p and p['documents']))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600,
                         cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "2"
