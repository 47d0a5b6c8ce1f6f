"""Text files: encodings (UTF-8/16, TCVN3, VNI, Windows-1258) and bad input."""
import codecs
import os
import unicodedata

import pytest

from ocop_docs.ingest import IngestError, Limits, read_document
from ocop_docs.ingest.legacy import LEGACY_ENCODINGS, decode_legacy, encode_legacy
from ocop_docs.ingest.text import decode_text
from ocop_docs.messages import msg
from ocop_docs.normalize import normalize_text

SEED_000 = "000_d12cc8faf554fa00.txt"


def _words(text: str, fold_case: bool) -> list[str]:
    words = [w for w in unicodedata.normalize("NFC", text).split() if any(c.isalpha() for c in w)]
    return [w.lower() for w in words] if fold_case else words


@pytest.mark.parametrize("encoding", LEGACY_ENCODINGS)
def test_legacy_round_trip_on_seeds(seed_texts, encoding):
    for name, text in seed_texts.items():
        # characters the legacy encoding cannot write (e.g. "©") are left out of the comparison
        text = "".join(c if decode_legacy(encode_legacy(c, encoding), encoding).lower() == c.lower()
                       else " " for c in text)
        raw = encode_legacy(text, encoding)
        assert raw != text.encode("utf-8")
        decoded, detected = decode_text(raw)
        assert detected == encoding, name
        want = _words(text, fold_case=encoding == "tcvn3")   # TCVN3 has no toned capitals
        got = _words(decoded, fold_case=encoding == "tcvn3")
        same = sum(a == b for a, b in zip(want, got))
        assert len(got) == len(want) and same / len(want) > 0.999, (name, same, len(want))


def test_tcvn3_known_bytes():
    # "Cộng hoà xã hội chủ nghĩa Việt Nam" as typed with a .VnTime font
    raw = "Céng hoµ x· héi chñ nghÜa ViÖt Nam".encode("cp1252")
    assert decode_legacy(raw, "tcvn3") == "Cộng hoà xã hội chủ nghĩa Việt Nam"
    assert decode_legacy("CéNG HOµ".encode("cp1252"), "tcvn3") == "CỘNG HOÀ"   # .VnTimeH


def test_vni_known_bytes():
    raw = "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam. Ñoäc laäp - Töï do".encode("cp1252")
    assert decode_legacy(raw, "vni") == "Cộng hòa xã hội chủ nghĩa Việt Nam. Độc lập - Tự do"


@pytest.mark.parametrize("bom,codec", [(b"", "utf-8"), (codecs.BOM_UTF8, "utf-8"),
                                       (b"", "utf-16"), (b"", "utf-16-be")])
def test_unicode_files(tmp_path, seed_texts, bom, codec):
    text = seed_texts[SEED_000]
    raw = bom + text.encode(codec)
    if codec == "utf-16-be":
        raw = codecs.BOM_UTF16_BE + text.encode(codec)
    path = tmp_path / "doc.txt"
    path.write_bytes(raw)
    doc = read_document(path)
    assert doc.text == normalize_text(text)
    assert doc.format == "txt" and not doc.warnings


@pytest.mark.parametrize("encoding", LEGACY_ENCODINGS)
def test_read_document_legacy(tmp_path, seed_texts, encoding):
    path = tmp_path / "old.txt"
    path.write_bytes(encode_legacy(seed_texts[SEED_000], encoding))
    doc = read_document(path)
    assert doc.encoding == encoding
    assert any(msg(f"encodings.{encoding}") in w for w in doc.warnings)
    assert "7590/UBND-KT" in doc.text and "Vĩnh Cửu" in doc.text


def test_seed_read_is_normalised(seed_paths):
    for path in seed_paths:
        doc = read_document(path)
        assert doc.text == normalize_text(path.read_text(encoding="utf-8"))
        assert [p.method for p in doc.pages] == ["text"]


# ----------------------------------------------------------------------------- bad input

def _error(path, **kw) -> str:
    with pytest.raises(IngestError) as info:
        read_document(path, **kw)
    message = str(info.value)
    assert str(path) in message and "\n" not in message
    return message


def test_missing_file(tmp_path):
    assert "không có tệp này" in _error(tmp_path / "absent.txt")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert "tệp rỗng" in _error(path)
    path.write_bytes(b"  \n\n\t ")
    assert "tệp rỗng" in _error(path)


def test_english_text_rejected(tmp_path):
    path = tmp_path / "english.txt"
    path.write_text("The committee shall review the annual report and submit its findings "
                    "to the board before the end of the fiscal year. " * 20, encoding="utf-8")
    assert "không thấy chữ tiếng Việt" in _error(path)


def test_binary_garbage_rejected(tmp_path):
    path = tmp_path / "noise.txt"
    path.write_bytes(os.urandom(4096))
    message = _error(path)
    assert "không nhận loại tệp này" in message or "không thấy chữ tiếng Việt" in message


def test_printable_garbage_rejected(tmp_path):
    import random
    rng = random.Random(1)
    path = tmp_path / "garbage.txt"
    path.write_text("".join(rng.choice("qwxzjkf#@!$%0123456789 \n") for _ in range(5000)))
    assert "không thấy chữ tiếng Việt" in _error(path)


def test_zip_rejected(tmp_path):
    import zipfile
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert "tệp nén ZIP" in _error(path)


def test_size_limit(tmp_path, seed_texts, monkeypatch):
    path = tmp_path / "big.txt"
    path.write_text(seed_texts[SEED_000], encoding="utf-8")
    assert "tệp quá lớn" in _error(path, limits=Limits(max_bytes=1000))
    monkeypatch.setenv("OCOP_DOCS_MAX_BYTES", "2000")
    assert "tệp quá lớn" in _error(path)
    monkeypatch.setenv("OCOP_DOCS_MAX_BYTES", str(10 ** 6))
    assert read_document(path).text
