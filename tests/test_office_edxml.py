"""edXML packages (QCVN 102:2016): a seed document packed with its metadata comes back with the
same metadata and tasks; mismatches are flagged; organ ids match across packages; hostile
and broken packages give one-line messages."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from docx import Document

from ocop_docs.cli import main
from ocop_docs.extract.pipeline import extract_file
from ocop_docs.ingest import IngestError, read_document
from ocop_docs.office.edxml import (Attachment, build_package, content_type, meta_header,
                                    parse_package, validate_package)
from task_graph import organs
from task_graph.ingest import ingest_paths
from task_graph.queries import list_agencies
from task_graph.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "seeds" / "001_a2896014b23254db.txt"
GOLD = ROOT / "corpus" / "gold" / "001_a2896014b23254db.txt.gold.json"
FIELDS = ("doc_type", "number", "issued_date", "place", "issuer", "subject", "signer")


def seed_docx(tmp_path: Path, copy: str = "") -> Path:
    """The seed's text as a Word file, one paragraph per line (as an office would have it).
    `copy` adds a last line, so that two copies have different texts (the store keeps one
    file per text)."""
    doc = Document()
    for line in SEED.read_text(encoding="utf-8").splitlines():
        doc.add_paragraph(line)
    if copy:
        doc.add_paragraph(copy)
    path = tmp_path / f"57-KH-UBND{'-' if copy else ''}{len(copy) or ''}.docx"
    doc.save(path)
    return path


def gold_meta() -> dict:
    meta = dict(json.loads(GOLD.read_text(encoding="utf-8"))["documents"][0])
    meta.setdefault("place", None)
    meta["place"] = meta["place"] or "Chư Pưh"
    meta["signer"] = meta["signer"] or "Nguyễn Văn Hùng"
    meta["signer_title"] = "KT. CHỦ TỊCH|PHÓ CHỦ TỊCH"
    return meta


def package_of(meta: dict, docx: Path, **kw) -> bytes:
    header = meta_header(meta, issuer_organ_id=kw.get("organ_id", "000.00.31.H22"),
                         to=kw.get("to", [{"organ_id": "000.00.00.H22", "name":
                                           "Ủy ban nhân dân tỉnh Gia Lai"}]),
                         due_date=kw.get("due_date"), steering_type=0)
    return build_package(header, [Attachment(docx.name, docx.read_bytes(),
                                             content_type(docx.name))])


def test_round_trip_same_metadata_and_tasks(tmp_path):
    docx = seed_docx(tmp_path)
    direct = extract_file(docx)
    meta = gold_meta()
    pkg = tmp_path / "goi.edxml"
    pkg.write_bytes(package_of(meta, docx, due_date="2020-06-30"))
    assert validate_package(pkg.read_bytes()) == []
    result = extract_file(pkg)
    doc = result.documents[0]
    for name in FIELDS:
        assert getattr(doc, name) == meta[name], name
        assert doc.field_sources[name]["method"] == "edxml-header"
    assert doc.package["issuer_organ_id"] == "000.00.31.H22"
    assert doc.package["due_date"] == "2020-06-30"
    assert doc.package["recipient_organs"][0]["organ_id"] == "000.00.00.H22"
    assert doc.signer_title == "KT. CHỦ TỊCH PHÓ CHỦ TỊCH"
    tasks = [t.to_json() for d in result.documents for t in d.tasks]
    assert tasks and tasks == [t.to_json() for d in direct.documents for t in d.tasks]
    # the text agrees with the header where it says something: nothing to review
    assert doc.field_sources["number"].get("agrees_with_text")
    assert not any(v.get("review") for v in doc.field_sources.values())
    assert read_document(pkg).format == "edxml"


def test_header_wins_and_a_mismatch_is_flagged(tmp_path):
    docx = seed_docx(tmp_path)
    meta = dict(gold_meta(), number="58/KH-UBND")
    pkg = tmp_path / "sai-so.edxml"
    pkg.write_bytes(package_of(meta, docx))
    result = extract_file(pkg)
    doc = result.documents[0]
    assert doc.number == "58/KH-UBND"
    src = doc.field_sources["number"]
    assert src["review"] and src["mismatch"] and src["text_value"] == "57/KH-UBND"
    assert any("số ký hiệu" in w and "58/KH-UBND" in w for w in result.warnings)
    data = result.to_json()["documents"][0]
    assert data["field_sources"]["number"]["review"] and data["package"]["format"] == "edxml"


def test_organ_ids_match_across_packages(tmp_path):
    docx = seed_docx(tmp_path)
    meta = gold_meta()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.edxml").write_bytes(package_of(meta, docx))
    other = dict(meta, number="60/KH-UBND", issuer="UBND huyện Chư Pưh (Gia Lai)")
    (tmp_path / "in" / "b.edxml").write_bytes(package_of(
        other, seed_docx(tmp_path, "Bản gửi lại qua hệ thống liên thông văn bản.")))
    store = open_store(str(tmp_path / "o.sqlite3"))
    report = ingest_paths(store, [tmp_path / "in"], progress=False)
    assert report.stored == 2 and not report.failures
    with store.connect() as conn:
        issuer = organs.agency_by_organ(conn, "000.00.31.H22")
        province = organs.agency_by_organ(conn, "000.00.00.H22")
        import sqlalchemy as sa
        from task_graph.schema import documents
        ids = set(conn.execute(sa.select(documents.c.issuer_agency_id)).scalars())
    assert issuer is not None and province is not None and issuer != province
    assert ids == {issuer}                     # one agency for both spellings
    row = next(a for a in list_agencies(store) if a["id"] == issuer)
    assert "Mã định danh: 000.00.31.H22" in row["aliases"]
    assert "UBND huyện Chư Pưh (Gia Lai)" in row["aliases"]


HOSTILE = {
    "entities.edxml": (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b '
                       b'"&a;&a;&a;&a;">]><edXML:edXMLEnvelope xmlns:edXML="urn:x">&b;'
                       b'</edXML:edXMLEnvelope>', "DTD"),
    "external.edxml": (b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://example.com/x.dtd">'
                       b'<edXMLEnvelope/>', "DTD"),
    "broken.edxml": (b'<?xml version="1.0"?><edXML:edXMLEnvelope xmlns:edXML="urn:x"><a>',
                     "không phải XML hợp lệ"),
    "noheader.edxml": (b'<edXMLEnvelope><edXMLBody/></edXMLEnvelope>', "MessageHeader"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_and_broken_packages_give_one_line(tmp_path, name):
    data, words = HOSTILE[name]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(IngestError) as exc:
        read_document(path)
    message = str(exc.value)
    assert message.startswith(str(path)) and words in message and "\n" not in message


def test_broken_base64_huge_and_empty_packages(tmp_path, monkeypatch, capsys):
    docx = seed_docx(tmp_path)
    good = package_of(gold_meta(), docx).decode("utf-8")
    start = good.index("<edXML:Value>") + len("<edXML:Value>")
    broken = tmp_path / "b64.edxml"
    broken.write_text(good[:start] + "@@@!" + good[start:], encoding="utf-8")
    assert main(["extract", str(broken)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "base64 bị hỏng" in err and str(broken) in err
    monkeypatch.setenv("OCOP_DOCS_MAX_BYTES", "10000")
    big = tmp_path / "big.edxml"
    big.write_text(good, encoding="utf-8")
    with pytest.raises(IngestError, match="quá lớn|too large"):
        read_document(big)
    monkeypatch.delenv("OCOP_DOCS_MAX_BYTES")
    header = meta_header(gold_meta(), issuer_organ_id="1", to=[{"organ_id": "2", "name": "X"}])
    empty = tmp_path / "empty.edxml"
    empty.write_bytes(build_package(header, [Attachment("a.bin", b"\x00\x01", "x/y")]))
    with pytest.raises(IngestError, match="không có tệp đính kèm là văn bản"):
        read_document(empty)


def test_parse_reads_every_header_part(tmp_path):
    docx = seed_docx(tmp_path)
    pkg = parse_package(package_of(gold_meta(), docx, due_date="2020-06-30"))
    h = pkg.header
    assert (h["code_number"], h["code_notation"]) == ("57", "KH-UBND")
    assert h["issued_date"] == "2020-05-12" and h["due_date"] == "2020-06-30"
    assert h["signer_competence"] == "KT. CHỦ TỊCH" and h["signer_position"] == "PHÓ CHỦ TỊCH"
    assert h["to"] == [{"organ_id": "000.00.00.H22", "name": "Ủy ban nhân dân tỉnh Gia Lai"}]
    assert pkg.attachments[0].data == docx.read_bytes()
    assert base64.b64encode(pkg.attachments[0].data)


# ----------------------------------------------------------------------------- out

def _letter():
    from datetime import date

    from ocop_docs.letters import LetterSettings, draft_letters
    from ocop_docs.letters.corpus import GOLD_DIR, load_tasks

    settings = LetterSettings(issuer="Ủy ban nhân dân tỉnh Hòa Bình",
                              signer_name="Nguyễn Văn Chương",
                              signer_authority="KT. CHỦ TỊCH", signer_title="PHÓ CHỦ TỊCH")
    return draft_letters(load_tasks([GOLD_DIR]), settings, date(2019, 7, 1),
                         "Sở Nông nghiệp và Phát triển nông thôn")[0]


def test_reminder_package_needs_organ_ids_and_signer():
    from ocop_docs.office.letter_package import PackageIncomplete, letter_package

    with pytest.raises(PackageIncomplete) as exc:
        letter_package(_letter(), with_pdf=False)
    assert "OrganId" in str(exc.value) and "\n" not in str(exc.value)


@pytest.mark.libreoffice
@pytest.mark.skipif(__import__("shutil").which("soffice") is None, reason="soffice not on PATH")
def test_exported_reminder_validates_and_reads_back(tmp_path):
    from ocop_docs.office.letter_package import write_letter_package

    letter = _letter()
    path = write_letter_package(letter, tmp_path, from_organ_id="000.00.00.H17",
                                to_organ_id="000.07.00.H17")
    data = path.read_bytes()
    assert path.suffix == ".edxml" and validate_package(data) == []
    pkg = parse_package(data)
    h = pkg.header
    assert h["issuer"] == "Ủy ban nhân dân tỉnh Hòa Bình" and h["issuer_organ_id"] == "000.00.00.H17"
    assert h["to"] == [{"organ_id": "000.07.00.H17", "name": letter.recipient_agency}]
    assert h["doc_type"] == "Công văn" and h["code_notation"] == letter.symbol
    assert h["issued_date"] == "2019-07-01" and h["due_date"] == letter.reply_by.isoformat()
    assert h["signer"] == "Nguyễn Văn Chương" and h["signer_competence"] == "KT. CHỦ TỊCH"
    assert h["subject"].startswith("đôn đốc thực hiện")
    kinds = sorted(a.data[:4] for a in pkg.attachments)
    assert kinds == [b"%PDF", b"PK\x03\x04"]
    # and the package reads back as a document: the header's metadata, the letter's text
    result = extract_file(path)
    doc = result.documents[0]
    assert doc.issuer == "Ủy ban nhân dân tỉnh Hòa Bình" and doc.doc_type == "Công văn"
    assert doc.package["recipient_organs"][0]["organ_id"] == "000.07.00.H17"


@pytest.mark.libreoffice
@pytest.mark.skipif(__import__("shutil").which("soffice") is None, reason="soffice not on PATH")
def test_remind_cli_writes_edxml(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["remind", "Sở Nông nghiệp và Phát triển nông thôn", "--as-of", "2019-07-01",
                 "--from-extraction", str(ROOT / "corpus" / "gold"), "--issuer",
                 "Ủy ban nhân dân tỉnh Hòa Bình", "--signer", "Nguyễn Văn A", "--format", "edxml",
                 "--organ-id", "000.00.00.H17", "--to-organ-id", "000.07.00.H17",
                 "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    files = list(out.glob("*.edxml"))
    assert len(files) == 1 and validate_package(files[0].read_bytes()) == []
    code = main(["remind", "Sở Nông nghiệp và Phát triển nông thôn", "--as-of", "2019-07-01",
                 "--from-extraction", str(ROOT / "corpus" / "gold"), "--issuer",
                 "Ủy ban nhân dân tỉnh Hòa Bình", "--format", "edxml", "--out", str(out / "x")])
    err = capsys.readouterr().err.strip()
    assert code == 1 and err.count("\n") == 0 and "OrganId" in err


def test_reminder_takes_organ_ids_learned_from_received_packages(tmp_path):
    from datetime import date

    from ocop_docs.letters import LetterSettings, draft_letters
    from ocop_docs.letters.from_store import store_tasks
    from ocop_docs.office.letter_package import letter_package

    store = open_store(str(tmp_path / "l.sqlite3"))
    assert not ingest_paths(store, [ROOT / "corpus" / "seeds"],
                            extraction_dir=ROOT / "corpus" / "gold", progress=False).failures
    meta = dict(gold_meta(), issuer="Ủy ban nhân dân tỉnh Hòa Bình", number="9/KH-UBND")
    pkg = tmp_path / "nhan.edxml"
    pkg.write_bytes(package_of(meta, seed_docx(tmp_path, "Bản liên thông."),
                               organ_id="000.00.00.H17",
                               to=[{"organ_id": "000.07.00.H17", "name": "Sở Nông nghiệp và "
                                    "Phát triển nông thôn tỉnh Hòa Bình"}]))
    assert ingest_paths(store, [pkg], progress=False).stored == 1
    settings = LetterSettings(issuer="Ủy ban nhân dân tỉnh Hòa Bình", signer_name="Nguyễn Văn A")
    letters = draft_letters(store_tasks(store, date(2019, 7, 1),
                                        "Sở Nông nghiệp và Phát triển nông thôn tỉnh Hòa Bình"),
                            settings, date(2019, 7, 1))
    assert letters
    header = parse_package(letter_package(letters[0], store=store, with_pdf=False)).header
    assert header["issuer_organ_id"] == "000.00.00.H17"
    assert header["to"][0]["organ_id"] == "000.07.00.H17"
