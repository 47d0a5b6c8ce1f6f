"""HTML pages (.html, .htm): the form in which many official documents are published on
portals. Parsed with lxml's HTML parser; the text is laid out as the other readers lay it out:
one line per paragraph, heading, list item or line break, tables as `| cell | cell |` rows
(a nested table is read inside its cell). Scripts, styles, forms and the page's head are left
out. The encoding comes from a BOM or the page's <meta charset>, else UTF-8, else the legacy
Vietnamese encodings (as for plain text)."""
from __future__ import annotations

import re

from ocop_docs.messages import msg

from .text import decode_text
from .types import IngestError, Page, ReadResult, Reader, Source

_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
                    re.I | re.S)
_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-]+)", re.I)
_SKIP = {"script", "style", "noscript", "template", "head", "title", "form", "button", "select",
         "textarea", "iframe", "object", "svg", "canvas", "nav"}
_BLOCK = {"p", "div", "section", "article", "main", "header", "footer", "aside", "h1", "h2",
          "h3", "h4", "h5", "h6", "li", "dt", "dd", "blockquote", "pre", "address", "center",
          "figure", "figcaption", "caption", "ul", "ol", "dl", "hr", "body", "html", "tr"}
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def looks_like_html(head: bytes) -> bool:
    """An HTML page: it opens (after a BOM, an XML declaration or comments) with a doctype,
    <html>, <head>, <body>, <meta> or <title>."""
    for bom in _BOMS:
        if head.startswith(bom):
            if bom == b"\xef\xbb\xbf":
                head = head[3:]
            else:
                try:
                    head = head.decode("utf-16").encode("utf-8", "replace")
                except UnicodeDecodeError:
                    return False
            break
    return bool(_START.match(head))


def decode_html(raw: bytes) -> str:
    """The page's characters: BOM, then <meta charset>, then UTF-8 or a legacy encoding."""
    if raw.startswith(_BOMS):
        return decode_text(raw)[0]
    declared = _CHARSET.search(raw[:4096])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        try:
            return raw.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(raw)[0]


def _clean(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


class _Layout:
    """Walks the parsed tree, writing lines."""

    def __init__(self, in_cell: bool = False) -> None:
        self.lines: list[str] = []
        self.current: list[str] = []
        self.in_cell = in_cell          # a table inside a cell is read as its cells' text

    def flush(self) -> None:
        line = _clean("".join(self.current))
        self.current = []
        if line:
            self.lines.append(line)

    def blank(self) -> None:
        self.flush()
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def walk(self, node) -> None:
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if not tag:                                  # a comment or processing instruction
            if node.tail:
                self.current.append(node.tail)
            return
        if tag in _SKIP:
            if node.tail:
                self.current.append(node.tail)
            return
        if tag == "table" and self.in_cell:
            self.flush()
            self.lines.extend(cell_text(c) for c in node.iter("td", "th")
                              if _owner_table(c) is node)
        elif tag == "table":
            self.blank()
            self.lines.extend(table_rows(node))
            self.blank()
        elif tag == "br":
            self.flush()
        else:
            block = tag in _BLOCK
            if block:
                self.flush()
            if node.text:
                self.current.append(node.text)
            for child in node:
                self.walk(child)
            if block:
                self.flush()
                if tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"):
                    self.blank()
        if node.tail:
            self.current.append(node.tail)


def cell_text(cell) -> str:
    layout = _Layout(in_cell=True)
    if cell.text:
        layout.current.append(cell.text)
    for child in cell:
        layout.walk(child)
    layout.flush()
    return " ".join(line for line in layout.lines if line)


def table_rows(table) -> list[str]:
    """`| cell | cell |` lines, one per row of this table (not of the tables nested in it);
    a cell spanning columns is repeated as empty cells so columns stay aligned."""
    rows = []
    for tr in table.iter("tr"):
        if _owner_table(tr) is not table:
            continue
        cells = []
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                continue
            cells.append(cell_text(td).replace("|", "/"))
            try:
                span = int(td.get("colspan") or 1)
            except ValueError:
                span = 1
            cells.extend([""] * (min(span, 50) - 1))
        if any(cells):
            rows.append("| " + " | ".join(cells) + " |")
    return rows


def _owner_table(tr):
    node = tr.getparent()
    while node is not None and (not isinstance(node.tag, str) or node.tag.lower() != "table"):
        node = node.getparent()
    return node


def html_text(raw: bytes) -> str:
    import lxml.html

    text = decode_html(raw)
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text.lstrip("\ufeff"))
    root = lxml.html.document_fromstring(text)
    layout = _Layout()
    layout.walk(root)
    layout.flush()
    return "\n".join(layout.lines).strip("\n")


class HtmlReader(Reader):
    name = "html"

    def applies(self, source: Source) -> bool:
        return looks_like_html(source.head)

    def read(self, source: Source) -> ReadResult:
        from lxml.etree import ParserError

        try:
            text = html_text(source.read_bytes())
        except (ParserError, ValueError):
            text = ""
        if not text.strip():
            raise IngestError(source.path, msg("ingest.html_no_text"))
        return ReadResult([Page(number=1, text=text, method="html")])
