"""`ocop-docs extract` and `ocop-docs eval`: JSON contract, --out files, bad input, exit codes."""
import json
from pathlib import Path

from ocop_docs.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "seeds" / "003_89f910b8a6ac1ae0.txt"


def test_json_follows_the_contract(capsys):
    assert main(["extract", "--json", str(SEED)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == "ocop-docs.extraction/1"
    assert data["source"] == SEED.name
    [doc] = data["documents"]
    for key in ("doc_type", "number", "issued_date", "place", "issuer", "subject", "recipients",
                "distribution", "signer", "citations", "tasks"):
        assert key in doc
    assert doc["doc_type"] == "Thông báo" and doc["issued_date"] == "2018-06-15"
    task = doc["tasks"][0]
    assert set(task) >= {"action", "lead", "support", "due", "deadline_text", "recurrence",
                         "section"}


def test_out_dir_and_bad_files_do_not_stop_the_others(tmp_path, capsys):
    empty = tmp_path / "trong.txt"
    empty.write_bytes(b"")
    missing = tmp_path / "khong-co.pdf"
    out = tmp_path / "out"
    code = main(["extract", "--json", "--out", str(out), str(empty), str(SEED), str(missing)])
    err = capsys.readouterr().err
    assert code == 1
    assert str(empty) in err and str(missing) in err
    assert len([line for line in err.splitlines() if "lỗi" in line]) == 2
    written = json.loads((out / f"{SEED.name}.json").read_text(encoding="utf-8"))
    assert written["documents"][0]["tasks"]
    assert sorted(p.name for p in out.iterdir()) == [f"{SEED.name}.json"]


def test_letter_with_no_tasks_is_a_warning_not_an_error(tmp_path, capsys):
    letter = tmp_path / "cong-van.txt"
    letter.write_text("ỦY BAN NHÂN DÂN\nHUYỆN CAM LÂM\nSố: 12/UBND-VP\n"
                      "Cam Lâm, ngày 05 tháng 3 năm 2021\nV/v mời họp\n"
                      "Kính gửi: Phòng Nông nghiệp và PTNT huyện.\n"
                      "Thời gian họp: 8 giờ ngày 10/3/2021. Địa điểm: hội trường huyện./.\n",
                      encoding="utf-8")
    assert main(["extract", str(letter)]) == 0
    captured = capsys.readouterr()
    assert "Công văn số 12/UBND-VP" in captured.out
    assert "không tìm thấy nhiệm vụ" in captured.err and str(letter.name) in captured.err


def test_eval_prints_the_scorer_figures(capsys):
    assert main(["eval", str(ROOT / "corpus" / "gold"), "--sources",
                 str(ROOT / "corpus" / "seeds"), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["gold_tasks"] == 145
    assert figures["citations.f1"] >= 0.95
    assert figures["tasks.full.f1"] >= 0.85
    for field in ("doc_type", "number", "issued_date", "issuer", "signer", "place"):
        assert figures[f"field.{field}"] >= 0.9
