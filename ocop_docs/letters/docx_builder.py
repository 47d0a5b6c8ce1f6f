"""Build a .docx from the letter's intermediate XML (rendered from a jinja2 template).

Why not docxtpl: the office's wording and layout stay in one plain-text jinja2 template set,
shared with the HTML and text renderings, diffable, and a template error points at a line the
office can open in an editor — a .docx template's errors point into Word's XML.

Vocabulary (see templates/reminder/letter.docx.xml.j2):
  <letter>                       root
  <page size= top= bottom= left= right= font= font-size= page-numbers= page-number-size=>
  <p align= size= bold= italic= indent= space-before= space-after=>text <b>..</b> <i>..</i> <br/></p>
  <table borders="none|grid" widths="a b ..." header-rows= size= keep-together=> <row> <cell> ...
  <rule width=>                  a centred horizontal line under the previous paragraph
  <space height=>                empty vertical space
  <image ref= width= align=>     a picture passed to build_docx(images={ref: PNG bytes})
Lengths take units: mm, cm, pt. Newlines and the indentation around them collapse to one space;
runs of spaces inside a line are kept ("Số:      /UBND-KT").
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Length, Mm, Pt

ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
         "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}
PAPER = {"A4": (Mm(210), Mm(297))}


class LayoutError(ValueError):
    """The intermediate XML does not follow the vocabulary."""


def length(text: str) -> Length:
    m = re.fullmatch(r"\s*([0-9.]+)\s*(mm|cm|pt)\s*", text or "")
    if not m:
        raise LayoutError(f"bad length {text!r} (use mm, cm or pt)")
    value, unit = float(m.group(1)), m.group(2)
    return Emu(int(value * {"mm": 36000, "cm": 360000, "pt": 12700}[unit]))


def _flag(el: ET.Element, name: str) -> bool | None:
    value = el.get(name)
    return None if value is None else value.lower() in ("true", "1", "yes")


def _set_run_font(run, font: str, size: float | None = None) -> None:
    """Font on every script slot, so Word shows Vietnamese in Times New Roman."""
    run.font.name = font
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), font)
    if size:
        run.font.size = Pt(size)
        szcs = rpr.find(qn("w:szCs"))
        if szcs is None:
            szcs = OxmlElement("w:szCs")
            rpr.append(szcs)
        szcs.set(qn("w:val"), str(int(round(size * 2))))


def _no_borders(table) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tblpr.append(borders)


def _grid_borders(table) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "4")
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    tblpr.append(borders)


def _bottom_border(paragraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    pbdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "6")
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "000000")
    pbdr.append(bottom)
    ppr.append(pbdr)


def _collapse(text: str | None) -> str:
    return re.sub(r"\s*\n\s*", " ", text or "")


class _Builder:
    def __init__(self) -> None:
        self.doc = Document()
        self.font = "Times New Roman"
        self.font_size = 14.0
        self.text_width: Length = Mm(165)
        self.images: dict[str, bytes] = {}

    # -- page -------------------------------------------------------------------------------
    def page(self, el: ET.Element) -> None:
        section = self.doc.sections[0]
        width, height = PAPER.get(el.get("size", "A4"), PAPER["A4"])
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = width, height
        for side in ("top", "bottom", "left", "right"):
            if el.get(side):
                setattr(section, f"{side}_margin", length(el.get(side)))
        section.header_distance = Mm(10)
        self.text_width = Emu(section.page_width - section.left_margin - section.right_margin)
        self.font = el.get("font", self.font)
        self.font_size = float(el.get("font-size", self.font_size))
        normal = self.doc.styles["Normal"]
        normal.font.name = self.font
        normal.font.size = Pt(self.font_size)
        rpr = normal.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = OxmlElement("w:rFonts")
            rpr.insert(0, rfonts)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            rfonts.set(qn(attr), self.font)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "vi-VN")
        rpr.append(lang)
        normal.paragraph_format.space_before = Pt(0)
        normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.line_spacing = 1.0
        if el.get("page-numbers") == "top-center":
            self._page_numbers(section, float(el.get("page-number-size", 13)))

    def _page_numbers(self, section, size: float) -> None:
        """Page number centred in the top margin, not on the first page."""
        section.different_first_page_header_footer = True
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run()
        _set_run_font(run, self.font, size)
        for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
            if kind:
                fld = OxmlElement("w:fldChar")
                fld.set(qn("w:fldCharType"), kind)
                run._element.append(fld)
            else:
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = text
                run._element.append(instr)

    # -- blocks -----------------------------------------------------------------------------
    def blocks(self, parent: ET.Element, container, width: Length, size: float | None) -> None:
        first = True
        for el in parent:
            if el.tag == "page":
                continue
            if el.tag == "p":
                self.paragraph(el, container, width, size, reuse=first)
            elif el.tag == "rule":
                self.rule(el, container, width, reuse=first)
            elif el.tag == "space":
                p = self._new_paragraph(container, reuse=first)
                p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
                p.paragraph_format.line_spacing = length(el.get("height", "1cm"))
            elif el.tag == "table":
                self.table(el, container, width)
            elif el.tag == "image":
                self.image(el, container, width, reuse=first)
            else:
                raise LayoutError(f"unknown element <{el.tag}>")
            first = False

    def _new_paragraph(self, container, reuse: bool):
        # A fresh table cell already holds one empty paragraph: use it for the first block.
        if reuse and hasattr(container, "_tc") and container.paragraphs \
                and not container.paragraphs[0].text:
            return container.paragraphs[0]
        return container.add_paragraph()

    def paragraph(self, el: ET.Element, container, width: Length, size: float | None,
                  reuse: bool) -> None:
        p = self._new_paragraph(container, reuse)
        fmt = p.paragraph_format
        if el.get("align"):
            p.alignment = ALIGN[el.get("align")]
        if el.get("indent"):
            fmt.first_line_indent = length(el.get("indent"))
        if el.get("space-before"):
            fmt.space_before = length(el.get("space-before"))
        if el.get("space-after"):
            fmt.space_after = length(el.get("space-after"))
        size = float(el.get("size")) if el.get("size") else (size or self.font_size)
        bold, italic = _flag(el, "bold"), _flag(el, "italic")
        pieces = [(_collapse(el.text), bold, italic, False)]
        for child in el:
            if child.tag == "br":
                pieces.append(("", bold, italic, True))
            elif child.tag in ("b", "i"):
                pieces.append((_collapse(child.text), bold or child.tag == "b",
                               italic or child.tag == "i", False))
            else:
                raise LayoutError(f"unknown inline element <{child.tag}> in <p>")
            pieces.append((_collapse(child.tail), bold, italic, False))
        # Trim the paragraph's outer whitespace, not the spaces inside it.
        texts = [t for t, *_ in pieces]
        joined = "".join(texts)
        lead = len(joined) - len(joined.lstrip())
        trail = len(joined) - len(joined.rstrip())
        pos, total = 0, len(joined)
        for text, b, i, brk in pieces:
            start, end = pos, pos + len(text)
            pos = end
            text = text[max(0, lead - start):len(text) - max(0, end - (total - trail))]
            if brk:
                run = p.add_run()
                run.add_break()
                _set_run_font(run, self.font, size)
                continue
            if not text:
                continue
            run = p.add_run(text)
            run.bold, run.italic = b, i
            _set_run_font(run, self.font, size)

    def image(self, el: ET.Element, container, width: Length, reuse: bool) -> None:
        ref = el.get("ref")
        if ref not in self.images:
            raise LayoutError(f"<image ref={ref!r}>: no such picture")
        p = self._new_paragraph(container, reuse)
        p.alignment = ALIGN[el.get("align", "center")]
        shown = min(length(el.get("width")), width) if el.get("width") else width
        p.add_run().add_picture(BytesIO(self.images[ref]), width=shown)

    def rule(self, el: ET.Element, container, width: Length, reuse: bool) -> None:
        p = self._new_paragraph(container, reuse)
        rule_width = length(el.get("width", "3cm"))
        side = max(0, int((width - rule_width) / 2))
        fmt = p.paragraph_format
        fmt.left_indent = fmt.right_indent = Emu(side)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(2)
        fmt.space_after = Pt(2)
        _bottom_border(p)
        run = p.add_run()
        _set_run_font(run, self.font, 2)

    def table(self, el: ET.Element, container, width: Length) -> None:
        rows = el.findall("row")
        widths = [length(w) for w in el.get("widths", "").split()] or None
        ncols = len(widths) if widths else max(len(r.findall("cell")) for r in rows)
        table = container.add_table(rows=0, cols=ncols)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        if el.get("borders") == "grid":
            _grid_borders(table)
        else:
            _no_borders(table)
        size = float(el.get("size")) if el.get("size") else None
        header_rows = int(el.get("header-rows", 0))
        for r, row_el in enumerate(rows):
            row = table.add_row()
            trpr = row._tr.get_or_add_trPr()
            if r < header_rows:
                trpr.append(OxmlElement("w:tblHeader"))
            if _flag(el, "keep-together"):
                trpr.append(OxmlElement("w:cantSplit"))
            for c, cell_el in enumerate(row_el.findall("cell")):
                cell = row.cells[c]
                cell_width = widths[c] if widths else Emu(int(width / ncols))
                cell.width = cell_width
                self.blocks(cell_el, cell, cell_width, size)
        if widths:
            for c, w in enumerate(widths):
                table.columns[c].width = w
            tblw = table._tbl.tblPr.find(qn("w:tblW"))
            tblw.set(qn("w:type"), "dxa")
            tblw.set(qn("w:w"), str(int(sum(widths) / 635)))   # EMU -> twentieths of a point


def build_docx(xml_text: str, images: dict[str, bytes] | None = None) -> bytes:
    """The .docx bytes for an intermediate XML document (`images`: pictures by ref)."""
    root = ET.fromstring(xml_text.strip().encode("utf-8"))
    if root.tag != "letter":
        raise LayoutError(f"the root element is <{root.tag}>, expected <letter>")
    builder = _Builder()
    builder.images = dict(images or {})
    page = root.find("page")
    if page is not None:
        builder.page(page)
    body = builder.doc
    builder.blocks(root, body, builder.text_width, None)
    if body.element.body[-2].tag == qn("w:tbl"):   # Word wants a paragraph after a last table
        tail = body.add_paragraph()
        tail.paragraph_format.line_spacing = Pt(1)
    out = BytesIO()
    builder.doc.save(out)
    return out.getvalue()
