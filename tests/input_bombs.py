"""Builders of hostile input files: size and decompression bombs, and XML attacks in a .docx.

Used by tests/test_input_limits.py (small sizes) and bench/bench_input_bombs.py (the sizes of
issue 10: a 1,200-page text PDF, a .docx whose document.xml unpacks to 1 GiB, a 13,300² image).
Each builder writes one file and returns its path; nothing is kept in memory at full size.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
LINES = ["ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH", "Số: 125/KH-UBND",
         "Giao Sở Nông nghiệp và Phát triển nông thôn chủ trì, phối hợp với các sở, ngành",
         "triển khai thực hiện Chương trình mỗi xã một sản phẩm, hoàn thành trong Quý IV/2018."]


def text_pdf(path: Path, pages: int, lines_per_page: int = 42) -> Path:
    """A PDF with a text layer of `pages` pages of Vietnamese lines (a full A4 page: 42)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVuSerif", FONT))
    c = canvas.Canvas(str(path), pagesize=A4)
    for n in range(pages):
        c.setFont("DejaVuSerif", 11)
        y = 800
        for k in range(lines_per_page):
            c.drawString(50, y, LINES[k % len(LINES)] if k else f"Trang {n + 1}")
            y -= 18
        c.showPage()
    c.save()
    return Path(path)


def _docx_skeleton() -> dict[str, bytes]:
    import docx

    buf = io.BytesIO()
    d = docx.Document()
    d.add_paragraph(LINES[0])
    d.save(buf)
    with zipfile.ZipFile(buf) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def docx_with_body(path: Path, body_chunk: bytes, repeat: int, *, head: bytes = b"",
                   prologue: bytes = b"") -> Path:
    """A .docx whose word/document.xml is `prologue`, the document element, `head`, then
    `body_chunk` written `repeat` times (streamed, deflated at level 9)."""
    parts = _docx_skeleton()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in parts.items():
            if name != "word/document.xml":
                zf.writestr(name, data)
        with zf.open("word/document.xml", "w", force_zip64=True) as out:
            out.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + prologue)
            out.write(f'<w:document xmlns:w="{W_NS}"><w:body>'.encode() + head)
            block = body_chunk * max(1, min(repeat, 4096))
            done = 0
            while done < repeat:
                n = min(repeat - done, 4096)
                out.write(block if n == 4096 else body_chunk * n)
                done += n
            out.write(b"</w:body></w:document>")
    return Path(path)


def docx_bomb(path: Path, unpacked_bytes: int) -> Path:
    """A .docx whose document.xml unpacks to about `unpacked_bytes` of valid paragraphs."""
    para = f"<w:p><w:r><w:t>{LINES[2]}</w:t></w:r></w:p>".encode()
    return docx_with_body(path, para, unpacked_bytes // len(para))


def docx_nested(path: Path, depth: int) -> Path:
    """A .docx whose body nests `depth` structured-document tags, one paragraph inside."""
    para = f"<w:p><w:r><w:t>{LINES[2]}</w:t></w:r></w:p>".encode()
    inner = b"<w:sdt><w:sdtContent>" * depth + para + b"</w:sdtContent></w:sdt>" * depth
    return docx_with_body(path, inner, 1)


def docx_entities(path: Path, *, external: str | None = None, laughs: int = 0) -> Path:
    """A .docx whose document.xml declares entities: an external one (`external`, a file URL)
    or a 'billion laughs' expansion `laughs` levels deep, used in the text."""
    if external:
        prologue = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{external}">]>\n'.encode()
        use = b"&xxe;"
    else:
        decl = ['<!ENTITY lol0 "lollollollollollollollollollol">']
        decl += [f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, laughs + 1)]
        prologue = ("<!DOCTYPE w:document [" + "".join(decl) + "]>\n").encode()
        use = f"&lol{laughs};".encode()
    para = f"<w:p><w:r><w:t>{LINES[2]} </w:t></w:r></w:p>".encode()
    return docx_with_body(path, para + b"<w:p><w:r><w:t>" + use + b"</w:t></w:r></w:p>", 1,
                          prologue=prologue)


def zip_ratio_docx(path: Path, member: str, unpacked_bytes: int) -> Path:
    """A valid small .docx plus one extra member of zeros (`unpacked_bytes`, ~1000:1)."""
    parts = _docx_skeleton()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
        with zf.open(member, "w", force_zip64=True) as out:
            chunk = b"\0" * (1 << 20)
            for _ in range(unpacked_bytes >> 20):
                out.write(chunk)
    return Path(path)


def blank_image(path: Path, side: int) -> Path:
    """A white `side`×`side` PNG (1 bit a pixel: tiny on disk, huge when decoded)."""
    from PIL import Image

    Image.new("1", (side, side), 1).save(path, optimize=True)
    return Path(path)


def huge_page_pdf(path: Path, inches: float) -> Path:
    """A one-page PDF without text whose page is `inches` square (rendered for OCR at 300 dpi)."""
    from reportlab.pdfgen import canvas

    side = inches * 72
    c = canvas.Canvas(str(path), pagesize=(side, side))
    c.rect(10, 10, 20, 20, fill=1)
    c.showPage()
    c.save()
    return Path(path)
