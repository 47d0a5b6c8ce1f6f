"""edXML packages (QCVN 102:2016/BTTTT), the format of the national document exchange.

An envelope (`edXML:edXMLEnvelope`) holds a message header (From/To organs with their
OrganId, Code, PromulgationInfo, DocumentType, Subject, SignerInfo, DueDate, ToPlaces,
SteeringType...) and the attachments, base64 in `AttachmentEncoded`. The element structure is
data (models/edxml/structure.yaml) and a package is checked against models/edxml/edxml.xsd.

In: `parse_package` reads a package with a hardened parser (defusedxml: no DTD, no entities,
no network; a size limit; base64 checked), `header_meta` turns the header into document
fields, `apply_header` puts them on an extraction (the header is authoritative; a field whose
text says otherwise is flagged for review in `field_sources`). Out: `build_package` writes one,
`validate_package` checks it.
"""
from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from ocop_docs.office import OfficeFileError
from ocop_docs.resources import model_path

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


class EdxmlError(OfficeFileError):
    """A package that cannot be used; str() is one line naming the file."""


@lru_cache(maxsize=1)
def structure() -> dict:
    import yaml
    with model_path("edxml/structure.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@dataclass
class Attachment:
    name: str
    data: bytes
    content_type: str = "application/octet-stream"
    content_id: str | None = None
    description: str | None = None


@dataclass
class Package:
    header: dict[str, Any]                 # package fields, keyed as structure.yaml
    attachments: list[Attachment] = field(default_factory=list)


# ----------------------------------------------------------------------------- reading

def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(el, name: str):
    return next((c for c in el if _local(c.tag) == name), None)


def _children(el, name: str) -> list:
    return [c for c in el if _local(c.tag) == name]


def _text(el) -> str | None:
    if el is None:
        return None
    text = " ".join("".join(el.itertext()).split())
    return text or None


def _read_nodes(el, nodes: list[dict], out: dict) -> None:
    for node in nodes:
        found = _children(el, node["el"])
        if "children" in node:
            if node.get("repeat"):
                out[node["repeat"]] = []
                for item_el in found:
                    item: dict = {}
                    _read_nodes(item_el, node["children"], item)
                    out[node["repeat"]].append(item)
            elif found:
                _read_nodes(found[0], node["children"], out)
        elif node.get("repeat"):
            out[node["repeat"]] = [t for t in (_text(f) for f in found) if t]
        else:
            out[node["field"]] = _text(found[0]) if found else None


def parse_package(data: bytes, name: str = "gói edXML", *,
                  max_bytes: int = DEFAULT_MAX_BYTES) -> Package:
    """Read a package's header and attachments. Raises EdxmlError (one line) for anything
    hostile or broken: a DTD or entities, oversize, not edXML, bad base64."""
    import defusedxml
    from defusedxml import ElementTree as DET

    spec = structure()
    if len(data) > max_bytes:
        raise EdxmlError(name, f"gói edXML quá lớn ({len(data) / 1e6:.1f} MB, tối đa "
                               f"{max_bytes / 1e6:.0f} MB)")
    try:
        root = DET.fromstring(data, forbid_dtd=True, forbid_entities=True,
                              forbid_external=True)
    except defusedxml.DTDForbidden:
        raise EdxmlError(name, "gói edXML có khai báo DTD (DOCTYPE): không nhận vì lý do an "
                               "toàn") from None
    except defusedxml.EntitiesForbidden:
        raise EdxmlError(name, "gói edXML khai báo thực thể (ENTITY): không nhận vì lý do an "
                               "toàn") from None
    except defusedxml.DefusedXmlException as exc:
        raise EdxmlError(name, f"gói edXML không an toàn ({exc.__class__.__name__})") from None
    except DET.ParseError as exc:
        raise EdxmlError(name, f"gói edXML không phải XML hợp lệ ({exc})") from None
    if _local(root.tag) != spec["root"]:
        raise EdxmlError(name, f"không phải gói edXML (phần tử gốc là <{_local(root.tag)}>, "
                               f"cần <{spec['root']}>)")
    header_el = root
    for step in spec["header"]:
        header_el = _child(header_el, step) if header_el is not None else None
    if header_el is None:
        raise EdxmlError(name, "gói edXML thiếu phần MessageHeader")
    header: dict = {}
    _read_nodes(header_el, spec["message_header"], header)
    attachments = []
    holders = [el for el in root.iter() if _local(el.tag) == spec["attachments"]]
    items = [a for h in holders for a in _children(h, "Attachment")]
    limit = spec["limits"]["max_attachments"]
    if len(items) > limit:
        raise EdxmlError(name, f"gói edXML có {len(items)} tệp đính kèm (tối đa {limit})")
    total = 0
    for i, item in enumerate(items, 1):
        fields: dict = {}
        _read_nodes(item, spec["attachment"], fields)
        label = fields.get("name") or f"tệp đính kèm {i}"
        encoding = (fields.get("encoding") or "base64").lower()
        if encoding != "base64":
            raise EdxmlError(name, f"{label}: mã hóa {encoding!r} không hỗ trợ (cần base64)")
        raw = re.sub(rb"\s+", b"", (fields.get("value") or "").encode("ascii", "replace"))
        try:
            blob = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise EdxmlError(name, f"{label}: dữ liệu base64 bị hỏng") from None
        if not blob:
            raise EdxmlError(name, f"{label}: tệp đính kèm rỗng")
        total += len(blob)
        if total > max_bytes:
            raise EdxmlError(name, f"tệp đính kèm quá lớn (hơn {max_bytes / 1e6:.0f} MB)")
        attachments.append(Attachment(label, blob, fields.get("content_type")
                                      or "application/octet-stream",
                                      fields.get("content_id"), fields.get("description")))
    return Package(header, attachments)


def _iso(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S", "%d-%m-%Y"):
        try:
            return datetime.strptime(value[:19] if "T" in value else value, fmt).date() \
                .isoformat()
        except ValueError:
            continue
    return None


def header_meta(header: dict) -> dict:
    """Document fields (as the extraction contract names them) and the package facts."""
    number = None
    if header.get("code_number") or header.get("code_notation"):
        number = "/".join(x for x in (header.get("code_number"), header.get("code_notation"))
                          if x)
        if not header.get("code_number"):
            number = None                      # an unnumbered draft: the notation alone
    to = [t for t in header.get("to") or [] if t.get("name") or t.get("organ_id")]
    title = " ".join(x for x in (header.get("signer_competence"), header.get("signer_position"))
                     if x) or None
    fields = {"doc_type": header.get("doc_type"), "number": number,
              "issued_date": _iso(header.get("issued_date")), "place": header.get("place"),
              "issuer": header.get("issuer"), "parent_issuer": header.get("parent_issuer"),
              "subject": header.get("subject"), "signer": header.get("signer"),
              "signer_title": title,
              "recipients": [t["name"] for t in to if t.get("name")],
              "distribution": list(header.get("to_places") or [])}
    package = {"format": "edxml", "document_id": header.get("document_id"),
               "issuer_organ_id": header.get("issuer_organ_id"),
               "recipient_organs": [{"organ_id": t.get("organ_id"), "name": t.get("name")}
                                    for t in to],
               "due_date": _iso(header.get("due_date")),
               "steering_type": header.get("steering_type"),
               "code_notation": header.get("code_notation")}
    return {"fields": fields, "package": package}


# ----------------------------------------------------------------------------- comparing

def _same(name: str, a: Any, b: Any) -> bool:
    from task_graph.text import fold, name_key, number_key

    if name == "number":
        return number_key(a) == number_key(b)
    if name == "issued_date":
        return a == b
    if name in ("issuer", "place"):
        return name_key(a) == name_key(b)
    fa, fb = fold(a), fold(b)
    if name == "subject":
        return fa == fb or (min(len(fa), len(fb)) >= 20 and (fa in fb or fb in fa))
    return fa == fb


def _get(doc, name):
    return doc.get(name) if isinstance(doc, dict) else getattr(doc, name, None)


def _set(doc, name, value) -> None:
    if isinstance(doc, dict):
        doc[name] = value
    else:
        setattr(doc, name, value)


def apply_header(doc, meta: dict, attachment: str | None = None) -> dict:
    """Put the header's fields on one extracted document (a dict of the extraction contract or
    a DocumentRecord): the header wins; `field_sources[name]` says so, and where the
    attachment's text said something else it keeps that value and asks for review. The
    package facts (organ ids, due date) go in `package`. Returns the mismatches."""
    fields = meta["fields"]
    sources = dict(_get(doc, "field_sources") or {})
    mismatches = {}
    for name in structure()["compare"] + ["parent_issuer", "signer_title"]:
        value = fields.get(name)
        if value in (None, ""):
            continue
        said = _get(doc, name)
        item = {"method": "edxml-header", "confidence": 1.0}
        if said not in (None, "") and name in structure()["compare"]:
            if _same(name, value, said):
                item["agrees_with_text"] = True
            else:
                item.update(text_value=said, mismatch=True, review=True)
                mismatches[name] = {"header": value, "text": said}
        sources[name] = item
        _set(doc, name, value)
    for name in ("recipients", "distribution"):
        if fields.get(name) and not _get(doc, name):
            _set(doc, name, list(fields[name]))
    _set(doc, "field_sources", sources)
    package = dict(meta["package"])
    if attachment:
        package["attachment"] = attachment
    if isinstance(doc, dict):
        doc["package"] = package
    else:
        doc.package = package
    return mismatches


FIELD_VI = {"doc_type": "loại văn bản", "number": "số ký hiệu", "issued_date": "ngày ban hành",
            "place": "địa danh", "issuer": "cơ quan ban hành", "signer": "người ký",
            "subject": "trích yếu"}


def mismatch_warnings(mismatches: dict) -> list[str]:
    return [f"edXML: {FIELD_VI.get(k, k)} ở phần đầu gói ({v['header']}) khác với văn bản "
            f"đính kèm ({v['text']}); lấy theo phần đầu gói, cần duyệt lại"
            for k, v in mismatches.items()]


# ----------------------------------------------------------------------------- writing

def _write_nodes(parent, nodes: list[dict], values: dict, q) -> None:
    from lxml import etree

    for node in nodes:
        if "children" in node:
            items = values.get(node["repeat"]) or [] if node.get("repeat") else [values]
            for item in items:
                el = etree.SubElement(parent, q(node["el"]))
                _write_nodes(el, node["children"], item, q)
                if len(el) == 0:
                    parent.remove(el)
        elif node.get("repeat"):
            for value in values.get(node["repeat"]) or []:
                etree.SubElement(parent, q(node["el"])).text = str(value)
        else:
            value = values.get(node["field"])
            if value not in (None, ""):
                etree.SubElement(parent, q(node["el"])).text = str(value)


def build_package(header: dict, attachments: list[Attachment]) -> bytes:
    """An edXML package: the header fields (keyed as structure.yaml) and the attachments,
    base64 in AttachmentEncoded, listed in the manifest."""
    from lxml import etree

    spec = structure()
    ns = spec["namespace"]

    def q(local: str) -> str:
        return f"{{{ns}}}{local}"
    root = etree.Element(q(spec["root"]), nsmap={spec["prefix"]: ns})
    el = root
    for step in spec["header"]:
        el = etree.SubElement(el, q(step))
    _write_nodes(el, spec["message_header"], header, q)
    body = etree.SubElement(root, q(spec["body"][0]))
    manifest = etree.SubElement(body, q(spec["body"][1]))
    holder = etree.SubElement(root, q(spec["attachments"]))
    for i, a in enumerate(attachments, 1):
        cid = a.content_id or f"att-{i}"
        ref = etree.SubElement(manifest, q("Reference"))
        etree.SubElement(ref, q("ContentId")).text = cid
        etree.SubElement(ref, q("AttachmentName")).text = a.name
        if a.description:
            etree.SubElement(ref, q("Description")).text = a.description
        values = {"content_id": cid, "name": a.name, "content_type": a.content_type,
                  "encoding": "base64", "description": a.description,
                  "value": base64.encodebytes(a.data).decode("ascii")}
        _write_nodes(etree.SubElement(holder, q("Attachment")), spec["attachment"], values, q)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@lru_cache(maxsize=1)
def _schema():
    from lxml import etree
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(model_path("edxml/edxml.xsd")), parser))


def validate_package(data: bytes) -> list[str]:
    """The problems of a package against models/edxml/edxml.xsd (empty: it validates)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=True)
    try:
        doc = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return [f"XML không hợp lệ: {exc}"]
    schema = _schema()
    if schema.validate(doc):
        return []
    return [f"dòng {e.line}: {e.message}" for e in schema.error_log]


def type_code(doc_type: str | None) -> int:
    return int(structure()["type_codes"].get(doc_type or "", 0))


def content_type(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return structure()["content_types"].get(suffix, "application/octet-stream")


def meta_header(meta: dict, *, issuer_organ_id: str | None, to: list[dict],
                due_date: date | str | None = None, steering_type: int | None = None,
                document_id: str | None = None) -> dict:
    """Package header fields from document fields (the extraction contract's names):
    number "215/UBND-KT" -> CodeNumber 215, CodeNotation UBND-KT."""
    number = meta.get("number") or ""
    code_number, _, notation = number.partition("/") if "/" in number else ("", "", number)
    if not code_number.strip() and meta.get("symbol"):
        notation = meta["symbol"]
    title = (meta.get("signer_title") or "").split("|")
    competence, position = (title[0], title[1]) if len(title) > 1 else (None, title[0] or None)
    return {"issuer_organ_id": issuer_organ_id, "parent_issuer": meta.get("parent_issuer"),
            "issuer": meta.get("issuer"), "to": to, "document_id": document_id,
            "code_number": code_number.strip() or None,
            "code_notation": (notation or "").strip() or None,
            "place": meta.get("place"), "issued_date": meta.get("issued_date"),
            "type_code": type_code(meta.get("doc_type")), "doc_type": meta.get("doc_type"),
            "subject": meta.get("subject"), "content": meta.get("content"),
            "signer_competence": competence, "signer_position": position,
            "signer": meta.get("signer"),
            "due_date": due_date.isoformat() if isinstance(due_date, date) else due_date,
            "to_places": list(meta.get("distribution") or []),
            "steering_type": steering_type}
