"""What an operator sees when the database is not usable (one Vietnamese line, exit 1, never
SQL or a document's text), and agency names that state a jurisdiction nothing matches."""
from __future__ import annotations

import importlib.util
import socket
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from ocop_docs.cli import main
from task_graph.ingest import ingest_paths
from task_graph.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
GOLD = ROOT / "corpus" / "gold"
SEED = SEEDS / "000_d12cc8faf554fa00.txt"


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err, err
    assert err.startswith("ocop-docs: lỗi: ")
    assert "SELECT" not in err and "INSERT" not in err and "[SQL" not in err
    return err


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_file_that_is_not_a_database(tmp_path, capsys):
    path = tmp_path / "notes.sqlite3"
    path.write_text("ghi chú, không phải cơ sở dữ liệu\n", encoding="utf-8")
    assert main(["owes", "--db", str(path)]) == 1
    assert "không phải là cơ sở dữ liệu" in one_line_error(capsys)


@pytest.mark.parametrize("url, words", [
    ("postgresql+psycopg://u:bí-mật@127.0.0.1:{port}/x", "không kết nối được"),
    ("postgresql+psycopg://u@h:cổng/x", "không hợp lệ"),
    ("foo://x", "không hỗ trợ loại cơ sở dữ liệu «foo»"),
])
def test_unusable_urls(url, words, capsys):
    assert main(["owes", "--db", url.format(port=closed_port())]) == 1
    err = one_line_error(capsys)
    assert words in err and "bí-mật" not in err


def test_a_missing_driver(capsys):
    if importlib.util.find_spec("pymysql") is not None:
        pytest.skip("pymysql is installed here")
    assert main(["ingest", str(SEED), "--db", "mysql+pymysql://u@h/x"]) == 1
    assert "thiếu trình điều khiển cơ sở dữ liệu «pymysql»" in one_line_error(capsys)


def _read_only(db_url: str) -> str:
    if "://" not in db_url:
        return f"sqlite:///file:{db_url}?mode=ro&uri=true"
    return db_url + quote(" -c default_transaction_read_only=on")


def test_read_only_database_answers_and_refuses_writes_in_one_line(db_url, capsys):
    store = open_store(db_url)
    assert not ingest_paths(store, [SEED], extraction_dir=GOLD, progress=False).failures
    store.close()
    ro = _read_only(db_url)
    assert main(["owes", "--db", ro, "--as-of", "2020-01-01", "--format", "json"]) == 0
    capsys.readouterr()
    other = SEEDS / "001_a2896014b23254db.txt"
    assert main(["ingest", str(other), "--extractions", str(GOLD), "--db", ro]) == 1
    captured = capsys.readouterr()
    assert captured.err.strip() == f"ocop-docs: lỗi: {other}: cơ sở dữ liệu chỉ đọc, không ghi được"
    assert main(["done", "1", "--db", ro]) == 1
    assert "chỉ đọc" in one_line_error(capsys)


def test_disk_full_is_one_line_naming_the_file(tmp_path):
    store = open_store(str(tmp_path / "full.sqlite3"))
    store.engine.dispose()
    sa.event.listen(store.engine, "connect",
                    lambda conn, _rec: conn.execute("PRAGMA max_page_count=40"))
    report = ingest_paths(store, [SEEDS], extraction_dir=GOLD, progress=False)
    assert report.failures
    path, message = report.failures[-1]
    assert message == f"{path}: cơ sở dữ liệu hoặc ổ đĩa đã đầy"


# ----------------------------------------------------------------------------- agencies

@pytest.fixture
def seeds_db(db_url):
    store = open_store(db_url)
    assert not ingest_paths(store, [SEEDS], extraction_dir=GOLD, progress=False).failures
    store.close()
    return db_url


def test_an_explicit_jurisdiction_is_respected(seeds_db, capsys):
    from task_graph import queries as q

    store = open_store(seeds_db)
    lao_cai = q.owes(store, "Sở Công Thương tỉnh Lào Cai", as_of="2020-12-31")
    assert lao_cai["matched_agencies"] == [] and lao_cai["agencies"] == []
    hoa_binh = q.owes(store, "Sở Công Thương tỉnh Hòa Bình", as_of="2020-12-31",
                      include_groups=False)
    assert [a["name"] for a in hoa_binh["matched_agencies"]] == [
        "Sở Công Thương tỉnh Hòa Bình"]
    everywhere = q.owes(store, "Sở Công Thương", as_of="2020-12-31", include_groups=False)
    assert len(everywhere["matched_agencies"]) >= 3          # no jurisdiction: every one
    store.close()

    assert main(["owes", "Sở Công Thương tỉnh Lào Cai", "--db", seeds_db]) == 1
    assert "không tìm thấy cơ quan nào khớp «Sở Công Thương tỉnh Lào Cai»" in \
        one_line_error(capsys)


def test_remind_does_not_write_to_another_province(seeds_db, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["remind", "Sở Công Thương tỉnh Lào Cai", "--db", seeds_db, "--as-of",
                 "2020-12-31", "--out", str(out)]) == 1
    assert "không tìm thấy cơ quan nào khớp «Sở Công Thương tỉnh Lào Cai»" in \
        one_line_error(capsys)
    assert not out.exists() or not any(out.iterdir())
