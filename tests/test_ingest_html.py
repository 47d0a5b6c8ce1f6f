"""HTML pages (the form in which portals publish official documents) are read as documents:
the seeds, published as HTML pages with their appendix tables as real <table>s, extract as
well as their text form; tables come out as `| cell | cell |` rows; menus, scripts and styles
are left out; the page's charset is honoured."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from html_page import seed_to_html
from ocop_docs.evaluation.report import file_report
from ocop_docs.extract.pipeline import extract_file
from ocop_docs.ingest import IngestError, check_file, read_document
from ocop_docs.ingest.legacy import encode_legacy

REPO = Path(__file__).resolve().parent.parent
SEEDS = sorted((REPO / "corpus" / "seeds").glob("*.txt"))


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_seed_published_as_html_extracts_like_its_text(seed, tmp_path):
    page = tmp_path / (seed.stem + ".html")
    page.write_text(seed_to_html(seed.read_text(encoding="utf-8")), encoding="utf-8")
    assert check_file(page) == "html"
    gold = json.loads((REPO / "corpus" / "gold" / f"{seed.name}.gold.json").read_text())
    from_html = file_report(gold, extract_file(page).to_json(), seed.name)
    from_text = file_report(gold, extract_file(seed).to_json(), seed.name)
    assert from_html.detection_f1 >= from_text.detection_f1
    assert from_html.full_f1 >= from_text.full_f1
    assert from_html.wrong_fields == from_text.wrong_fields


def test_html_tables_menus_and_scripts(tmp_path):
    seed = REPO / "corpus" / "seeds" / "002_884e5c9489c26ebd.txt"
    page = tmp_path / "ke-hoach.htm"
    page.write_text(seed_to_html(seed.read_text(encoding="utf-8")), encoding="utf-8")
    doc = read_document(page)
    assert doc.format == "html"
    assert "<p>" not in doc.text and "&nbsp;" not in doc.text
    for noise in ("Home", "Login", "analytics", "Search", "margin"):
        assert noise not in doc.text
    rows = [line for line in doc.text.splitlines() if line.startswith("| ")]
    assert "| TT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | " \
           "Thời gian thực hiện/hoàn thành |" in rows
    assert any(r.startswith("| 1 | Hoàn thiện, phê duyệt đề cương") and "| Quý III/2018 |" in r
               for r in rows)


def test_nested_table_and_colspan(tmp_path):
    page = tmp_path / "a.html"
    page.write_text(
        "<html><body><table><tr><td>ỦY BAN NHÂN DÂN<br>TỈNH HÒA BÌNH</td>"
        "<td colspan='2'>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<table><tr><td>Độc lập - Tự do - "
        "Hạnh phúc</td></tr></table></td></tr><tr><td>Số: 125/KH-UBND</td><td>a</td><td>b</td>"
        "</tr></table><p>Giao Sở Nông nghiệp và Phát triển nông thôn chủ trì thực hiện.</p>"
        "</body></html>", encoding="utf-8")
    lines = read_document(page).text.splitlines()
    assert ("| ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự "
            "do - Hạnh phúc |  |") in lines
    assert "| Số: 125/KH-UBND | a | b |" in lines
    assert "Giao Sở Nông nghiệp và Phát triển nông thôn chủ trì thực hiện." in lines


def test_html_in_windows_1258_by_its_meta_charset(tmp_path):
    seed = REPO / "corpus" / "seeds" / "003_89f910b8a6ac1ae0.txt"
    html = seed_to_html(seed.read_text(encoding="utf-8"), charset="windows-1258")
    page = tmp_path / "cu.html"
    page.write_bytes(encode_legacy(html, "cp1258"))
    text = read_document(page).text
    assert "Ủy ban nhân dân" in text or "ỦY BAN NHÂN DÂN" in text or "UBND" in text
    utf8 = read_document(_write(tmp_path / "moi.html", html)).text
    assert text.split() == utf8.split()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_html_without_text_is_refused(tmp_path):
    page = _write(tmp_path / "trong.html", "<html><head><title>x</title><script>1</script>"
                                            "</head><body><nav>Home</nav></body></html>")
    with pytest.raises(IngestError, match="không có nội dung văn bản"):
        read_document(page)
