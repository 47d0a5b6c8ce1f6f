"""Word 2007+ (.docx) through python-docx: paragraphs, tables (`| cell | cell |` rows) and text
boxes in document order, walking the body XML. Runs in the legacy .VnTime (TCVN3) or VNI-Times
fonts are converted to Unicode. Before python-docx parses anything, `DocxReader.check` bounds
the XML parts' size and refuses any DTD or entity declaration in them (after the gate's checks
of the whole zip container)."""
from __future__ import annotations

import zipfile

from .legacy import repair_mojibake
from ocop_docs.messages import msg

from .types import IngestError, Page, ReadResult, Reader, Source

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"


def legacy_font_encoding(font: str | None) -> str | None:
    if not font:
        return None
    name = font.lower().replace(" ", "")
    if name.startswith(".vn"):
        return "tcvn3"
    if name.startswith("vni"):
        return "vni"
    return None


def _run_font(run) -> str | None:
    rpr = run.find(f"{W}rPr")
    if rpr is None:
        return None
    fonts = rpr.find(f"{W}rFonts")
    if fonts is None:
        return None
    return fonts.get(f"{W}ascii") or fonts.get(f"{W}hAnsi")


class _Walker:
    def __init__(self, styles_font: dict[str, str]):
        self.styles_font = styles_font

    def paragraph(self, p) -> list[str]:
        """The paragraph's text, then the text of any text boxes anchored in it."""
        style = p.find(f"{W}pPr/{W}pStyle")
        para_font = self.styles_font.get(style.get(f"{W}val")) if style is not None else None
        text: list[str] = []
        boxes: list[str] = []
        self._inline(p, text, boxes, para_font)
        return ["".join(text)] + boxes

    def _inline(self, node, text: list[str], boxes: list[str], font: str | None) -> None:
        for child in node:
            tag = child.tag
            if tag == f"{W}r":
                run_font = _run_font(child) or font
                encoding = legacy_font_encoding(run_font)
                for el in child:
                    if el.tag == f"{W}t":
                        value = el.text or ""
                        text.append(repair_mojibake(value, encoding) if encoding else value)
                    elif el.tag == f"{W}tab":
                        text.append("\t")
                    elif el.tag in (f"{W}br", f"{W}cr"):
                        text.append("\n")
                    elif el.tag == f"{MC}AlternateContent" or el.tag.endswith("}drawing") \
                            or el.tag.endswith("}pict"):
                        self._boxes(el, boxes)
            elif tag == f"{MC}AlternateContent":
                self._boxes(child, boxes)
            elif tag in (f"{W}hyperlink", f"{W}ins", f"{W}smartTag", f"{W}fldSimple",
                         f"{W}sdt", f"{W}sdtContent", f"{W}customXml"):
                self._inline(child, text, boxes, font)

    def _boxes(self, node, boxes: list[str]) -> None:
        """Text boxes: take mc:Choice and skip mc:Fallback (the same box again, in VML)."""
        if node.tag == f"{MC}Fallback":
            return
        if node.tag == f"{W}txbxContent":
            boxes.extend(self.block(node))
            return
        for child in node:
            self._boxes(child, boxes)

    def table(self, tbl) -> list[str]:
        rows = []
        for tr in tbl.findall(f"{W}tr"):   # nested tables are read inside their cell
            cells = []
            for tc in tr.findall(f"{W}tc"):
                cells.append(" ".join(" ".join(self.block(tc)).split()))
            if any(cells):
                rows.append("| " + " | ".join(cells) + " |")
        return rows

    def block(self, node) -> list[str]:
        lines: list[str] = []
        for child in node:
            if child.tag == f"{W}p":
                lines.extend(self.paragraph(child))
            elif child.tag == f"{W}tbl":
                lines.extend(["", *self.table(child), ""])
            elif child.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml"):
                lines.extend(self.block(child))
        return lines


def _style_fonts(document) -> dict[str, str]:
    fonts = {}
    try:
        for style in document.styles:
            font = getattr(getattr(style, "font", None), "name", None)
            if font:
                fonts[style.style_id] = font
    except Exception:
        pass
    return fonts


def docx_text(document) -> str:
    walker = _Walker(_style_fonts(document))
    return "\n".join(walker.block(document.element.body))


_DTD_MARKS = tuple(m for word in ("<!DOCTYPE", "<!ENTITY")
                   for m in (word.encode(), word.encode("utf-16-le"), word.encode("utf-16-be")))


def declares_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Does the XML part hold a document type or entity declaration (UTF-8 or UTF-16)? Read
    streamed, 64 KB at a time; a declaration cut between two chunks is found in the overlap."""
    keep = max(len(m) for m in _DTD_MARKS) - 1
    tail = b""
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 16):
            window = tail + chunk
            if any(m in window for m in _DTD_MARKS):
                return True
            tail = window[-keep:]
    return False


class DocxReader(Reader):
    name = "docx"

    def applies(self, source: Source) -> bool:
        if not source.head.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(source.path) as zf:
                return "word/document.xml" in zf.namelist()
        except zipfile.BadZipFile:
            return source.suffix == ".docx"

    def check(self, source: Source) -> None:
        """The XML parts, before python-docx parses them: none larger than
        OCOP_DOCS_MAX_XML_BYTES unpacked (a tree in memory is ~7 times its XML), none with a
        document type declaration (Office XML never has one; it is how entity expansion and
        external entities get in; python-docx's parser resolves no entities either). The whole
        container was checked by the gate (gate.check_zip)."""
        limits = source.limits
        try:
            with zipfile.ZipFile(source.path) as zf:
                parts = [i for i in zf.infolist() if i.filename.endswith((".xml", ".rels"))]
                for info in parts:
                    if info.file_size > limits.max_xml_bytes:
                        raise IngestError(source.path, msg(
                            "ingest.xml_too_large", member=info.filename,
                            size_mb=info.file_size / 1e6, limit_mb=limits.max_xml_bytes / 1e6))
                for info in parts:
                    if declares_dtd(zf, info):
                        raise IngestError(source.path, msg("ingest.xml_dtd", member=info.filename))
        except IngestError:
            raise
        except Exception as exc:     # zipfile raises many kinds on a broken archive
            raise IngestError(source.path, msg("ingest.docx_corrupt", cause=type(exc).__name__)) from None

    def read(self, source: Source) -> ReadResult:
        import docx

        try:
            document = docx.Document(str(source.path))
        except Exception as exc:
            raise IngestError(source.path, msg("ingest.docx_corrupt", cause=type(exc).__name__)) from None
        try:
            text = docx_text(document)
        except RecursionError:
            raise IngestError(source.path, msg("ingest.docx_too_deep")) from None
        if not text.strip():
            raise IngestError(source.path, msg("ingest.word_no_text"))
        return ReadResult([Page(number=1, text=text, method="docx")])
