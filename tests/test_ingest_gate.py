"""The ingestion gate (ocop_docs.ingest.gate), which the CLI and the web share: zip bombs,
SVG drawings, non-regular files and the size limit are refused with one Vietnamese line naming
the file; legacy-encoded text passes."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from ocop_docs.cli import main
from ocop_docs.ingest import IngestError, Limits, check_file, read_document
from ocop_docs.ingest.legacy import encode_legacy

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "corpus" / "seeds" / "003_89f910b8a6ac1ae0.txt"


def make_docx_bomb(path: Path, expanded_mb: int = 200) -> Path:
    """A .docx whose document.xml is valid but whose second member inflates to
    `expanded_mb` MB of zeros (a ~200 KB file)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.'
                    'openxmlformats.org/package/2006/content-types"/>')
        zf.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://'
                    'schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
                    '<w:t>Ủy ban nhân dân tỉnh</w:t></w:r></w:p></w:body></w:document>')
        chunk = b"\0" * (1 << 20)
        with zf.open("word/media/padding.bin", "w", force_zip64=True) as fh:
            for _ in range(expanded_mb):
                fh.write(chunk)
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    return make_docx_bomb(tmp_path_factory.mktemp("bomb") / "cong-van.docx")


def test_zip_bomb_is_refused_before_reading(bomb):
    assert bomb.stat().st_size < 400_000
    with pytest.raises(IngestError) as err:
        check_file(bomb)
    assert str(err.value).startswith(str(bomb))
    assert "tệp nén giãn ra quá lớn" in err.value.problem
    assert "tối đa 105 MB" in err.value.problem
    with pytest.raises(IngestError, match="giãn ra quá lớn"):
        read_document(bomb)


def test_zip_bomb_refused_by_the_cli(bomb, capsys):
    assert main(["extract", str(bomb)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("ocop-docs: lỗi: ") and str(bomb) in err[0]


def test_small_expansion_passes_and_the_limit_is_configurable(tmp_path, monkeypatch):
    small = make_docx_bomb(tmp_path / "nho.docx", expanded_mb=2)
    assert check_file(small) == "docx"
    with pytest.raises(IngestError, match="giãn ra quá lớn"):
        check_file(small, Limits(max_expanded_bytes=1_000_000))
    monkeypatch.setenv("OCOP_DOCS_MAX_EXPANDED_BYTES", "1000000")
    with pytest.raises(IngestError, match="giãn ra quá lớn"):
        check_file(small)


def test_svg_is_not_text(tmp_path):
    svg = tmp_path / "con-dau.svg"
    svg.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<!-- drawing -->\n<svg xmlns='
                   '"http://www.w3.org/2000/svg" width="10" height="10"><text>Ủy ban nhân dân '
                   'tỉnh Quảng Nam giao Sở Tài chính</text></svg>', encoding="utf-8")
    with pytest.raises(IngestError, match="SVG, không phải văn bản"):
        check_file(svg)


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "cp1258"])
def test_legacy_encoded_text_passes_the_gate(tmp_path, encoding):
    path = tmp_path / f"cu-{encoding}.txt"
    path.write_bytes(encode_legacy(SEED.read_text(encoding="utf-8"), encoding))
    assert check_file(path) == "txt"


def test_fifo_is_not_a_regular_file(tmp_path):
    fifo = tmp_path / "ong"
    os.mkfifo(fifo)
    with pytest.raises(IngestError, match="không phải tệp thường"):
        check_file(fifo)


def test_size_limit_names_both_sizes(tmp_path):
    path = tmp_path / "lon.txt"
    path.write_bytes(SEED.read_bytes())
    with pytest.raises(IngestError, match=r"tệp quá lớn \(0\.0 MB; tối đa 0\.0 MB\)|tệp quá lớn"):
        check_file(path, Limits(max_bytes=100))
