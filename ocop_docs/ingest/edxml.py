"""edXML packages (QCVN 102:2016/BTTTT): the header's metadata and the attached documents.

The package is parsed by ocop_docs.office.edxml (hardened: no DTD, no entities, no network,
size limits, base64 checked). Each attached document is read by the reader of its own format
(through `read_document`), and its pages become the package's pages; where a .docx and its
PDF rendering are both attached, the .docx is read. The header's fields travel on
`ReadResult.package` for the extraction to take as authoritative (office.edxml.apply_header).
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

from .types import IngestError, Page, ReadResult, Reader, Source

# document attachments, by their first bytes; the order says which rendering is read
_DOCUMENT_MAGIC = ((b"PK\x03\x04", ".docx", 0), (b"\xd0\xcf\x11\xe0", ".doc", 1),
                   (b"%PDF-", ".pdf", 2))


def _kind(data: bytes, name: str) -> tuple[str, int] | None:
    for magic, suffix, rank in _DOCUMENT_MAGIC:
        if data.startswith(magic):
            return suffix, rank
    lowered = name.lower()
    if lowered.endswith(".txt"):
        return ".txt", 3
    if lowered.endswith((".png", ".jpg", ".jpeg", ".tif", ".tiff")):
        return Path(lowered).suffix, 4
    return None


class EdxmlReader(Reader):
    name = "edxml"

    def applies(self, source: Source) -> bool:
        head = source.head.lstrip(b"\xef\xbb\xbf \t\r\n")
        return head.startswith(b"<") and b"edXMLEnvelope" in source.head

    def read(self, source: Source) -> ReadResult:
        from ocop_docs.ingest import read_document
        from ocop_docs.office.edxml import EdxmlError, header_meta, parse_package

        try:
            package = parse_package(source.read_bytes(), str(source.path),
                                    max_bytes=source.limits.max_bytes)
        except EdxmlError as exc:
            raise IngestError(source.path, exc.problem) from None
        chosen: dict[str, tuple[int, object, str]] = {}
        for att in package.attachments:
            kind = _kind(att.data, att.name)
            if kind is None:
                continue
            stem = Path(att.name).stem.lower()
            if stem not in chosen or kind[1] < chosen[stem][0]:
                chosen[stem] = (kind[1], att, kind[0])
        if not chosen:
            raise IngestError(source.path, "gói edXML không có tệp đính kèm là văn bản (Word, "
                                           "PDF, ảnh quét, văn bản thuần)")
        pages: list[Page] = []
        warnings: list[str] = []
        names = []
        with tempfile.TemporaryDirectory(prefix="ocop-edxml-") as tmp:
            for i, (_rank, att, suffix) in enumerate(chosen.values()):
                safe = re.sub(r"[^\w.-]+", "_", Path(att.name).stem)[:80] or "dinh-kem"
                path = Path(tmp) / f"{i:02d}-{safe}{suffix}"
                path.write_bytes(att.data)
                if EdxmlReader().applies(Source(path, att.data[:8192], len(att.data),
                                                source.limits)):
                    raise IngestError(source.path, f"{att.name}: gói edXML lồng trong gói "
                                                   "edXML, không nhận")
                try:
                    ingested = read_document(path, source.limits)
                except IngestError as exc:
                    raise IngestError(source.path, f"tệp đính kèm {att.name}: {exc.problem}") \
                        from None
                names.append(att.name)
                warnings += [f"{att.name}: {w}" for w in ingested.warnings]
                for p in ingested.pages:
                    pages.append(Page(len(pages) + 1, p.text, p.method, p.confidence,
                                      field_readings=dict(p.field_readings),
                                      signatures=list(p.signatures), rotation=p.rotation,
                                      notes=list(p.notes) + [f"edXML: {att.name}"]))
        meta = header_meta(package.header)
        meta["package"]["attachments"] = names
        return ReadResult(pages, warnings, package=meta)
