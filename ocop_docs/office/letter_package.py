"""A drafted reminder letter (công văn đôn đốc) as an edXML package for the office's exchange
client: the header from the letter (issuer and recipient organs with their OrganId, Code,
PromulgationInfo, DocumentType "Công văn", Subject, SignerInfo, DueDate = the reply date,
ToPlaces), the .docx and its PDF rendering (LibreOffice) attached; checked against
models/edxml/edxml.xsd before it is written."""
from __future__ import annotations

from pathlib import Path

from ocop_docs.office.edxml import (Attachment, build_package, content_type, meta_header,
                                    validate_package)


class PackageIncomplete(ValueError):
    """The letter lacks what the exchange needs (an organ id, the signer); one line."""


def letter_subject(letter, template=None) -> str:
    """The letter's "V/v ..." line as its template words it, without "V/v"."""
    from ocop_docs.letters.render import environment

    env, _names = environment(template, "txt")
    text = str(env.get_template("reminder/content.j2").module.subject(letter))
    text = " ".join(text.split())
    return text[4:].strip() if text.lower().startswith("v/v") else text


def organ_id_of(store, name: str | None) -> str | None:
    """An organ id the store learned for an agency (from packages it received)."""
    if store is None or not name:
        return None
    from task_graph import organs
    from task_graph.queries import find_agencies

    with store.connect() as conn:
        for row in find_agencies(conn, name):
            found = organs.organ_ids(conn, row.id)
            if found:
                return found[0]
    return None


def letter_package(letter, *, template=None, from_organ_id: str | None = None,
                   to_organ_id: str | None = None, store=None, with_pdf: bool = True,
                   docx: bytes | None = None) -> bytes:
    """The edXML package of one letter. Raises PackageIncomplete naming what is missing,
    ocop_docs.office.convert.ConversionError when LibreOffice cannot render the PDF."""
    from ocop_docs.letters.render import file_name, render

    from_id = from_organ_id or organ_id_of(store, letter.issuer)
    to_id = to_organ_id or organ_id_of(store, letter.recipient_agency)
    missing = []
    if not from_id:
        missing.append(f"mã định danh (OrganId) của {letter.issuer} (--organ-id)")
    if not to_id:
        missing.append(f"mã định danh của {letter.recipient_agency} (--to-organ-id)")
    if not letter.signer_name:
        missing.append("họ tên người ký (--signer)")
    if missing:
        raise PackageIncomplete("gói edXML cần " + "; ".join(missing))
    number = letter.number_placeholder.strip()
    authority = letter.signer_authority
    meta = {"doc_type": "Công văn", "number": f"{number}/{letter.symbol}" if number else None,
            "symbol": letter.symbol, "issued_date": letter.letter_date.isoformat(),
            "place": letter.place, "issuer": letter.issuer,
            "parent_issuer": letter.parent_issuer, "subject": letter_subject(letter, template),
            "signer": letter.signer_name,
            "signer_title": f"{authority}|{letter.signer_title or ''}" if authority
            else letter.signer_title,
            "distribution": [letter.recipient_agency, *letter.copies_to]}
    header = meta_header(meta, issuer_organ_id=from_id,
                         to=[{"organ_id": to_id, "name": letter.recipient_agency}],
                         due_date=letter.reply_by, steering_type=1)
    docx = docx if docx is not None else render(letter, "docx", template)
    name = file_name(letter, "docx")
    attachments = [Attachment(name, docx, content_type(name), description="Công văn (Word)")]
    if with_pdf:
        from ocop_docs.office.convert import docx_to_pdf
        pdf_name = Path(name).with_suffix(".pdf").name
        attachments.append(Attachment(pdf_name, docx_to_pdf(docx, name), content_type(pdf_name),
                                      description="Công văn (PDF)"))
    data = build_package(header, attachments)
    problems = validate_package(data)
    if problems:
        raise PackageIncomplete("gói edXML không đúng cấu trúc: " + "; ".join(problems[:3]))
    return data


def write_letter_package(letter, out_dir: str | Path, **kw) -> Path:
    from ocop_docs.letters.render import file_name

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / file_name(letter, "edxml")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(letter_package(letter, **kw))
    tmp.replace(path)
    return path
