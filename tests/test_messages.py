"""The message catalogue (models/messages.vi.yaml): every key the code and the templates use
is in it, every message is Vietnamese, and the ingestion's and the CLI's messages come from it."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ocop_docs.messages import catalogue, msg

REPO = Path(__file__).resolve().parent.parent
USE = re.compile(r"""\bmsg\(\s*f?["']([a-z_0-9.]+)["']""")


def _used_keys() -> set[tuple[str, str]]:
    found = set()
    for path in list((REPO / "ocop_docs").rglob("*.py")) + list(
            (REPO / "ocop_docs").rglob("*.html")):
        for key in USE.findall(path.read_text(encoding="utf-8")):
            if not key.endswith("."):            # f"encodings.{name}": checked below
                found.add((str(path.relative_to(REPO)), key))
    return found


def test_every_used_key_is_in_the_catalogue():
    used = _used_keys()
    assert len(used) > 40
    missing = [(f, k) for f, k in used if k not in catalogue()]
    assert not missing, missing


def test_messages_are_vietnamese():
    vietnamese = re.compile(r"[àáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữự"
                            r"ỳýỷỹỵđ]", re.I)
    for key, text in catalogue().items():
        if key.startswith(("encodings.", "time.date_placeholder")):
            continue
        texts = text if isinstance(text, list) else [text]
        for t in texts:
            words = re.sub(r"\{[^}]*\}", "", str(t))
            if re.search(r"[a-z]{3}", words, re.I):        # not a bare "{field}: {problem}"
                assert vietnamese.search(words), (key, t)


def test_formatting_and_unknown_keys():
    assert msg("ingest.page_no_text", page=2) == "trang 2: không có chữ"
    assert msg("ingest.pdf_corrupt", cause="PdfminerException") == \
        "PDF bị hỏng hoặc không trọn vẹn (PdfminerException)"
    with pytest.raises(KeyError, match="khong.co"):
        msg("khong.co")


def test_cli_errors_come_from_the_catalogue(tmp_path, capsys):
    from ocop_docs.cli import main

    broken = tmp_path / "hong.pdf"
    broken.write_bytes(b"%PDF-1.4\n" + b"\x00garbage\xff" * 100)
    assert main(["extract", str(broken), str(tmp_path / "khong-co.txt")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"ocop-docs: lỗi: {broken}: ") and "PDF" in err[0]
    assert err[1] == f"ocop-docs: lỗi: {tmp_path / 'khong-co.txt'}: không có tệp này"


def test_cli_usage_errors_are_vietnamese(capsys):
    from ocop_docs.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["extract"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "cách dùng: ocop-docs extract" in err
    assert "ocop-docs extract: lỗi: thiếu tham số bắt buộc: FILE" in err
    assert "usage" not in err and "error" not in err and "required" not in err
    with pytest.raises(SystemExit):
        main(["khong-co-lenh"])
    assert "lựa chọn không hợp lệ" in capsys.readouterr().err
