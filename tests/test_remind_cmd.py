"""`ocop-docs remind`: letters from extraction files and from the store, recorded so that the
next reminder for the same tasks says it is the second one."""
from __future__ import annotations

import argparse
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document

from ocop_docs.cli import remind_cmd
from ocop_docs.letters.corpus import GOLD_DIR

REPO = Path(__file__).resolve().parent.parent


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="ocop-docs")
    remind_cmd.register(parser.add_subparsers())
    args = parser.parse_args(["remind", *argv])
    return args.func(args)


def _docx_text(path: Path) -> str:
    doc = Document(BytesIO(path.read_bytes()))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def test_remind_every_agency_from_gold(tmp_path, capsys):
    out = tmp_path / "out"
    assert run(["--as-of", "2026-01-15", "--from-extraction", str(GOLD_DIR),
                "--out", str(out), "--signer", "Nguyễn Văn A"]) == 0
    files = sorted(out.glob("*.docx"))
    listed = capsys.readouterr().out.strip().splitlines()
    assert len(files) == len(listed) == 9
    names = {f.name for f in files}
    assert "2026-01-15-hoa-binh-so-cong-thuong.docx" in names
    assert "2026-01-15-quang-nam-so-cong-thuong.docx" in names
    text = _docx_text(out / "2026-01-15-quang-nam-so-cong-thuong.docx")
    assert "ỦY BAN NHÂN DÂN" in text and "TỈNH QUẢNG NAM" in text
    assert "Thực hiện Thông báo ngày 15/6/2018 của Ủy ban nhân dân tỉnh Quảng Nam" in text


def test_remind_one_agency_txt_with_signer_title(tmp_path, capsys):
    out = tmp_path / "out"
    assert run(["Sở Y tế", "--as-of", "2019-07-01", "--from-extraction", str(GOLD_DIR),
                "--issuer", "Ủy ban nhân dân tỉnh Hòa Bình", "--signer-title",
                "TM. ỦY BAN NHÂN DÂN|CHỦ TỊCH", "--reply-by", "2019-07-20",
                "--format", "txt", "--out", str(out)]) == 0
    [path] = out.glob("*.txt")
    text = path.read_text(encoding="utf-8")
    assert "Kính gửi: Sở Y tế." in text
    assert "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH" in text
    assert "trước ngày 20/7/2019" in text


def test_remind_unknown_agency_fails(tmp_path, capsys):
    assert run(["Sở Ngoại vụ", "--as-of", "2026-01-15", "--from-extraction", str(GOLD_DIR),
                "--out", str(tmp_path)]) == 1
    assert "không có nhiệm vụ quá hạn của Sở Ngoại vụ" in capsys.readouterr().err


def test_remind_broken_template_reports_file_and_line(tmp_path, capsys):
    bad = tmp_path / "mau.html.j2"
    bad.write_text("<p>\n{% if letter.kind %}\n</p>\n", encoding="utf-8")
    assert run(["--as-of", "2026-01-15", "--from-extraction", str(GOLD_DIR),
                "--format", "html", "--template", str(bad), "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "mau.html.j2" in err and "dòng" in err


@pytest.fixture()
def store_db(db_url):
    store_mod = pytest.importorskip("task_graph.store")
    pytest.importorskip("task_graph.queries")
    from task_graph.ingest import ingest_paths
    db = db_url
    store = store_mod.open_store(db)
    report = ingest_paths(store, [REPO / "corpus" / "seeds"], extraction_dir=GOLD_DIR,
                          progress=False)
    assert not report.failures
    store.close()
    return db


def test_remind_from_store_records_letters_and_second_one_says_so(store_db, tmp_path, capsys):
    from task_graph import open_store
    from ocop_docs.letters import ledger

    out = tmp_path / "out"
    common = ["Sở Công Thương tỉnh Hòa Bình", "--db", str(store_db), "--as-of", "2019-07-01",
              "--issuer", "Ủy ban nhân dân tỉnh Hòa Bình", "--out", str(out)]
    assert run(common + ["--date", "2019-07-01"]) == 0
    first_line = capsys.readouterr().out.strip().splitlines()
    assert len(first_line) == 1 and "(lần" not in first_line[0]
    # Drafting again the same day replaces the draft; it is not a second reminder.
    assert run(common + ["--date", "2019-07-01"]) == 0
    assert "(lần" not in capsys.readouterr().out

    store = open_store(str(store_db))
    with store.engine.connect() as conn:
        letter_id, = conn.execute(ledger.reminder_letters.select()).first()[:1]
    ledger.set_number(store.engine, letter_id, "215")
    task_ids = [r.task_id for r in store.engine.connect().execute(
        ledger.reminder_letter_tasks.select())]
    assert task_ids
    sent = ledger.reminders_for_task(store.engine, task_ids[0])
    assert [(s["ordinal"], s["number"], s["letter_date"]) for s in sent] == \
        [(1, "215/UBND-KT", "2019-07-01")]
    store.close()

    assert run(common + ["--date", "2019-07-20"]) == 0
    line = capsys.readouterr().out.strip()
    assert "(lần 2)" in line
    second = Path(line.split("\t")[0])
    text = _docx_text(second)
    assert "Công văn số 215/UBND-KT ngày 1/7/2019" in text
    assert "Đây là lần đôn đốc thứ 2" in text
    store = open_store(str(store_db))
    assert [s["ordinal"] for s in ledger.reminders_for_task(store.engine, task_ids[0])] == [1, 2]
    store.close()


def test_set_number_command_and_task_show_list_the_reminders(store_db, tmp_path, capsys):
    """The letter's id is printed when it is drafted; `remind --set-number ID NUMBER` files
    its register number; `task show` lists the reminders; the second one cites the first by
    its number."""
    from ocop_docs.cli import main

    out = tmp_path / "out"
    common = ["Sở Công Thương tỉnh Hòa Bình", "--db", str(store_db), "--as-of", "2019-07-01",
              "--issuer", "Ủy ban nhân dân tỉnh Hòa Bình", "--out", str(out)]
    assert run(common + ["--date", "2019-07-01"]) == 0
    line = capsys.readouterr().out.strip()
    letter_id = line.rsplit("\tmã ", 1)[1]
    assert letter_id.isdigit()

    assert main(["remind", "--set-number", letter_id, "215/UBND-KT", "--db",
                 str(store_db)]) == 0
    assert "số 215" in capsys.readouterr().out
    assert main(["remind", "--set-number", "999", "216", "--db", str(store_db)]) == 1
    assert "không có công văn đôn đốc mã 999" in capsys.readouterr().err

    from task_graph import open_store
    from task_graph.schema import reminder_letter_tasks
    store = open_store(str(store_db))
    with store.connect() as conn:
        task_id = conn.execute(reminder_letter_tasks.select()).first().task_id
    store.close()
    assert main(["task", "show", str(task_id), "--db", str(store_db)]) == 0
    shown = capsys.readouterr().out
    assert "Đã đôn đốc:" in shown
    assert (f"lần 1: công văn số 215/UBND-KT ngày 01/07/2019 gửi Sở Công Thương"
            in shown) and f"(mã {letter_id})" in shown

    assert run(common + ["--date", "2019-07-20"]) == 0
    second = capsys.readouterr().out.strip()
    assert "(lần 2)" in second
    assert "Công văn số 215/UBND-KT ngày 1/7/2019" in _docx_text(Path(second.split("\t")[0]))
    assert main(["task", "show", str(task_id), "--db", str(store_db), "--format",
                 "json"]) == 0
    import json
    reminders = json.loads(capsys.readouterr().out)["reminders"]
    assert [(r["ordinal"], r["number"], r["letter_date"]) for r in reminders] == [
        (1, "215/UBND-KT", "2019-07-01"), (2, None, "2019-07-20")]
