"""Hostile and odd input (issue 10, defects 3-6): size and decompression bombs refused before
memory grows, only regular files read, a stray byte in UTF-8, NUL characters."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import warnings
import zipfile
from pathlib import Path

import pytest
from PIL import Image

import input_bombs
from ocop_docs.ingest import IngestError, Limits, check_file, read_document
from ocop_docs.ingest.text import decode_text

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
GOLD = ROOT / "corpus" / "gold"
SEED_002 = SEEDS / "002_884e5c9489c26ebd.txt"

pytest.importorskip("reportlab")


def refusal(path: Path) -> str:
    """The one-line message read_document refuses `path` with."""
    with pytest.raises(IngestError) as info:
        read_document(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    return message


def peak_rss_mb(code: str, env: dict | None = None) -> tuple[float, str]:
    """Run Python `code` in a fresh process (this worktree first on the path); its peak
    resident memory in MB and its stdout. The code reports VmHWM of /proc/self/status, the
    peak of its own memory: ru_maxrss keeps the parent's size across fork and exec, so under a
    long test session (pytest at 1.4 GB) every child seemed to peak at 1.4 GB."""
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=dict(os.environ, **(env or {}),
                                                             PYTHONPATH=str(ROOT)))
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    return json.loads(out)["peak_mb"], out.decode()


# ------------------------------------------------------------------------------- limits


def test_limits_come_from_the_environment(monkeypatch):
    for name, var in Limits.ENV.items():
        monkeypatch.setenv(var, "1234")
    limits = Limits.from_env()
    assert all(getattr(limits, name) == 1234 for name in Limits.ENV)
    monkeypatch.setenv("OCOP_DOCS_MAX_PIXELS", "many")          # unreadable: the default
    assert Limits.from_env().max_pixels == Limits().max_pixels


def test_text_pdf_over_the_page_limit_is_refused_before_reading(tmp_path, monkeypatch):
    path = input_bombs.text_pdf(tmp_path / "long.pdf", 12, lines_per_page=3)
    monkeypatch.setenv("OCOP_DOCS_MAX_PDF_PAGES", "10")
    message = refusal(path)
    assert "12 trang" in message and "OCOP_DOCS_MAX_PDF_PAGES" in message
    monkeypatch.setenv("OCOP_DOCS_MAX_PDF_PAGES", "12")
    assert len(read_document(path).pages) == 12


READ_PDF = """
    import json, resource, sys
    from ocop_docs.ingest import read_document
    doc = read_document(sys.argv[1] if len(sys.argv) > 1 else {path!r})
    print(json.dumps({{"pages": len(doc.pages),
                       "peak_mb": int([x for x in open('/proc/self/status') if x.startswith('VmHWM')][0].split()[1]) / 1024}}))
"""


@pytest.mark.slow
def test_memory_stays_flat_over_the_pages_of_a_text_pdf(tmp_path):
    """Each page's parsed objects are let go once read: 60 full pages peak no higher than 6
    (before: ~4.6 MB more a page, 1,200 pages peaked at 5.4 GB)."""
    short = input_bombs.text_pdf(tmp_path / "short.pdf", 6)
    long = input_bombs.text_pdf(tmp_path / "long.pdf", 60)
    peak_short, _ = peak_rss_mb(READ_PDF.format(path=str(short)))
    peak_long, out = peak_rss_mb(READ_PDF.format(path=str(long)))
    assert json.loads(out)["pages"] == 60
    assert peak_long - peak_short < 40, (peak_short, peak_long)


def test_docx_bomb_is_refused_before_unpacking(tmp_path):
    path = input_bombs.docx_bomb(tmp_path / "bomb.docx", 300 * 2 ** 20)
    assert path.stat().st_size < 3e6
    peak, out = peak_rss_mb(f"""
        import json, resource
        from ocop_docs.ingest import IngestError, read_document
        try:
            read_document({str(path)!r})
        except IngestError as exc:
            message = str(exc)
        print(json.dumps({{"message": message,
                           "peak_mb": int([x for x in open('/proc/self/status') if x.startswith('VmHWM')][0].split()[1]) / 1024}}))
    """)
    message = json.loads(out)["message"]
    assert "OCOP_DOCS_MAX_EXPANDED_BYTES" in message and "độc hại" in message
    assert peak < 400, peak             # before: the 300 MB of XML parsed (>1 GB)


def test_docx_xml_part_over_its_limit_is_refused(tmp_path, monkeypatch):
    path = input_bombs.docx_bomb(tmp_path / "long.docx", 3 * 2 ** 20)
    monkeypatch.setenv("OCOP_DOCS_MAX_XML_BYTES", str(2 ** 20))
    message = refusal(path)
    assert "word/document.xml" in message and "OCOP_DOCS_MAX_XML_BYTES" in message
    monkeypatch.delenv("OCOP_DOCS_MAX_XML_BYTES")
    assert check_file(path) == "docx"


def test_docx_part_with_a_bomb_ratio_is_refused(tmp_path, monkeypatch):
    path = input_bombs.zip_ratio_docx(tmp_path / "zeros.docx", "word/media/image1.png", 20 * 2 ** 20)
    message = refusal(path)
    assert "word/media/image1.png" in message and "OCOP_DOCS_MAX_ZIP_RATIO" in message
    monkeypatch.setenv("OCOP_DOCS_MAX_ZIP_RATIO", "100000")
    assert read_document(path).format == "docx"     # the limit is the only reason


def test_docx_with_too_many_parts_is_refused(tmp_path, monkeypatch):
    path = input_bombs.docx_bomb(tmp_path / "parts.docx", 2000)
    with zipfile.ZipFile(path, "a") as zf:
        for i in range(60):
            zf.writestr(f"customXml/item{i}.bin", b"x")
    monkeypatch.setenv("OCOP_DOCS_MAX_ZIP_ENTRIES", "50")
    message = refusal(path)
    assert "OCOP_DOCS_MAX_ZIP_ENTRIES" in message


def test_xml_external_entity_is_refused_and_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("MẬT KHẨU BÍ MẬT", encoding="utf-8")
    path = input_bombs.docx_entities(tmp_path / "xxe.docx", external=secret.as_uri())
    message = refusal(path)
    assert "DTD" in message and "MẬT KHẨU" not in message


def test_entity_expansion_is_refused(tmp_path):
    message = refusal(input_bombs.docx_entities(tmp_path / "laughs.docx", laughs=9))
    assert "DTD" in message


def test_deeply_nested_xml_is_one_line(tmp_path):
    assert "Phát triển nông thôn" in read_document(input_bombs.docx_nested(tmp_path / "a.docx", 60)).text
    message = refusal(input_bombs.docx_nested(tmp_path / "b.docx", 20000))
    assert ".docx" in message


def test_huge_image_is_refused_before_decoding(tmp_path, monkeypatch):
    path = input_bombs.blank_image(tmp_path / "huge.png", 9500)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)   # nor PIL's warning
        message = refusal(path)
        assert "9500x9500" in message and "OCOP_DOCS_MAX_PIXELS" in message
        bigger = input_bombs.blank_image(tmp_path / "bigger.png", 14000)   # PIL refuses to open
        assert "196 triệu" in refusal(bigger)
    monkeypatch.setenv("OCOP_DOCS_MAX_PIXELS", str(9500 * 9500))
    assert check_file(path) == "image"


def test_pdf_page_too_big_to_render_for_ocr_is_refused(tmp_path):
    message = refusal(input_bombs.huge_page_pdf(tmp_path / "poster.pdf", 150))
    assert "OCOP_DOCS_MAX_PIXELS" in message and "trang 1" in message


def test_check_file_is_the_gate_read_document_uses(tmp_path):
    """The web upload gate calls check_file: the same refusals, without reading the content."""
    bomb = input_bombs.docx_bomb(tmp_path / "bomb.docx", 120 * 2 ** 20)
    with pytest.raises(IngestError, match="OCOP_DOCS_MAX_EXPANDED_BYTES"):
        check_file(bomb)
    assert check_file(SEED_002) == "txt"


# ------------------------------------------------------------------------ regular files only


def run_cli(*args, timeout=120, env=None):
    return subprocess.run([sys.executable, "-m", "ocop_docs", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, env=dict(os.environ, PYTHONPATH=str(ROOT),
                                                               **(env or {})))


@pytest.mark.parametrize("command", ["extract", "ingest"])
def test_fifo_and_device_are_refused_and_the_other_files_go_on(tmp_path, command):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    extra = ["--extractions", GOLD, "--db", tmp_path / "store.sqlite3"] if command == "ingest" else []
    proc = run_cli(command, fifo, "/dev/urandom", SEED_002, *extra, timeout=240)
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if "lỗi" in line]
    assert len(errors) == 2, proc.stderr
    assert any(str(fifo) in e and "FIFO" in e for e in errors)
    assert any("/dev/urandom" in e and "thiết bị" in e for e in errors)
    assert "tệp rỗng" not in proc.stderr
    if command == "extract":
        assert "Nhiệm vụ (" in proc.stdout and SEED_002.name in proc.stdout
    else:
        assert "lưu mới 1 tệp" in proc.stdout


def test_a_folder_of_special_files_is_skipped(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(IngestError, match="FIFO"):
        read_document(tmp_path / "pipe.txt")
    from task_graph.ingest import collect_files
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    assert collect_files([tmp_path]) == [tmp_path / "a.txt"]


# -------------------------------------------------------------------- a stray byte in UTF-8


def test_stray_byte_in_utf8_is_replaced_not_read_as_legacy(tmp_path):
    raw = SEED_002.read_bytes()
    cut = raw.index("Sở".encode()) + 200
    path = tmp_path / "stray.txt"
    path.write_bytes(raw[:cut] + b"\xff" + raw[cut:])
    doc = read_document(path)
    assert doc.encoding == "utf-8"
    assert any("UTF-8" in w and "1 chỗ" in w for w in doc.warnings)
    clean = read_document(SEED_002).text
    assert doc.text.replace("\ufffd", "") == clean
    proc = run_cli("extract", "--json", SEED_002, path)
    assert proc.returncode == 0, proc.stderr
    clean_tasks, stray_tasks = (sum(len(d["tasks"]) for d in r["documents"])
                                for r in json.loads(proc.stdout))
    assert clean_tasks > 50 and stray_tasks >= clean_tasks - 1      # before: VNI mojibake, 0
    assert "cảnh báo" in proc.stderr and "UTF-8" in proc.stderr


def test_legacy_text_is_still_legacy():
    from ocop_docs.ingest.legacy import encode_legacy
    text = SEED_002.read_text(encoding="utf-8")
    for encoding in ("tcvn3", "vni", "cp1258"):
        assert decode_text(encode_legacy(text, encoding))[1] == encoding


# --------------------------------------------------------------------------------- NUL


def test_nul_and_control_characters_are_stripped(tmp_path):
    text = SEED_002.read_text(encoding="utf-8")
    cut = len(text) // 2                       # past the first 8 KB the text sniff looks at
    path = tmp_path / "nul.txt"
    path.write_text(text[:cut] + "\x00\x00Sở\x01 Tài\x00 chính\x1b" + text[cut:], encoding="utf-8")
    doc = read_document(path)
    assert not any(c in doc.text for c in "\x00\x01\x1b")
    assert "Sở Tài chính" in doc.text
    db = tmp_path / "store.sqlite3"
    proc = run_cli("ingest", path, "--db", db)
    assert proc.returncode == 0, proc.stderr
    import sqlite3
    with sqlite3.connect(db) as con:
        texts = [row[0] for row in con.execute("select text from files")]
    assert texts and not any("\x00" in t for t in texts)


def test_fifo_given_to_the_queue_is_refused_not_read(tmp_path):
    """`ingest --queue` hashes each file before sending it: a FIFO must not be opened there."""
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    proc = run_cli("ingest", "--queue", "redis://127.0.0.1:1/0", "--db", tmp_path / "s.sqlite3",
                   fifo, "/dev/zero", timeout=120)
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if "lỗi" in line]
    assert len(errors) == 2 and "FIFO" in errors[0] and "thiết bị" in errors[1], proc.stderr
