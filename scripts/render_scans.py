#!/usr/bin/env python3
"""Render seed texts as scanned-looking pages: 300 dpi A4, a serif font with Vietnamese glyphs,
slight random skew, noise, and a red round seal over the signature block. Deterministic.

Usage: render_scans.py OUT_DIR [SEED.txt ...] [--format png|tiff|pdf ...] [--max-pages N]
       [--no-stamp] [--seed N]
Without seed files, renders corpus/seeds/*.txt. Writes OUT_DIR/<seed name>.p01.png ... and/or
OUT_DIR/<seed name>.tif / .pdf (multi-page).
"""
from __future__ import annotations

import argparse
import math
import random
import re
import sys
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

REPO = Path(__file__).resolve().parent.parent
DPI = 300
PAGE_W, PAGE_H = 2480, 3508                       # A4 at 300 dpi
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 354, 200, 260, 260
FONT_PT = 12
FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation")]
# DejaVu Serif has every precomposed Vietnamese letter (Liberation Serif here lacks some)
FONTS = {"regular": ["DejaVuSerif.ttf"], "bold": ["DejaVuSerif-Bold.ttf"]}
TABLE_FONT_PT = 11
CELL_PAD = 18                                     # pixels between a cell border and its text
TABLE_BORDER = 3
INK = (20, 20, 20, 255)
SIGNATURE_RE = re.compile(r"^(KT\.|TM\.|TL\.|TUQ\.|Q\.)\s|^(CHỦ TỊCH|GIÁM ĐỐC|PHÓ CHỦ TỊCH)$")


def find_font(style: str) -> Path:
    for name in FONTS[style]:
        for folder in FONT_DIRS:
            if (folder / name).exists():
                return folder / name
    raise SystemExit(f"render_scans: no serif font with Vietnamese glyphs found ({FONTS[style]})")


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    words, lines, current = text.split(), [], ""
    for word in words:
        trial = f"{current} {word}" if current else word
        if font.getlength(trial) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines or [""]


def split_tables(text: str) -> list[str | list[list[str]]]:
    """Seed text → a list of text lines and tables. A table is a run of tab-indented cell lines,
    one line per cell, rows separated by blank lines (the seeds' layout of Word tables); a run of
    fewer than two rows of two cells stays text."""
    lines = text.replace("\u00a0", " ").split("\n")
    out: list[str | list[list[str]]] = []
    i = 0
    while i < len(lines):
        if not lines[i].startswith("\t"):
            out.append(lines[i])
            i += 1
            continue
        rows, start = [], i
        while i < len(lines):
            if lines[i].startswith("\t"):
                row = []
                while i < len(lines) and lines[i].startswith("\t"):
                    row.append(lines[i].strip())
                    i += 1
                rows.append(row)
                continue
            j = i
            while j < len(lines) and not lines[j].startswith("\t") and not lines[j].strip():
                j += 1
            if j < len(lines) and lines[j].startswith("\t"):
                i = j
                continue
            break
        ncols = max(len(r) for r in rows)
        if len(rows) >= 2 and ncols >= 2:
            out.append([r + [""] * (ncols - len(r)) for r in rows])
        else:
            out.extend(lines[start:i])
    return out


def column_widths(rows: list[list[str]], fonts: dict, width: int) -> list[int]:
    """Column widths sized to content, like a word processor's autofit: every column gets at
    least its longest word, the rest of the width is shared in proportion to the text length."""
    ncols = len(rows[0])
    natural = [max(fonts[r == 0].getlength(row[c]) for r, row in enumerate(rows)) + 2 * CELL_PAD
               for c in range(ncols)]
    minimum = [max([fonts[r == 0].getlength(w) for r, row in enumerate(rows) for w in row[c].split()]
                   or [0]) + 2 * CELL_PAD for c in range(ncols)]
    if sum(natural) <= width:
        extra = width - sum(natural)
        return [int(n + extra * n / sum(natural)) for n in natural]
    spare = max(width - sum(minimum), 0)
    slack = sum(n - m for n, m in zip(natural, minimum)) or 1
    return [int(m + spare * (n - m) / slack) for n, m in zip(natural, minimum)]


def layout(text: str) -> list[tuple[str, bool, int, bool]]:
    """Seed text → (line, bold, indent px, is_signature) display lines, markdown markers removed."""
    out = []
    bold = False
    for raw in text.replace("\u00a0", " ").split("\n"):
        starts_bold = raw.strip().startswith("**")
        line = raw.replace("~~", "")
        line_bold = bold or starts_bold
        if line.count("**") % 2 == 1:
            bold = not bold
        line = line.replace("**", "")
        indent = 120 if raw.startswith("\t") else 0
        out.append((line.strip(), line_bold, indent, bool(SIGNATURE_RE.match(line.strip()))))
    return out


def draw_stamp(page: Image.Image, centre: tuple[int, int], rng: random.Random) -> None:
    """A red round seal: two rings, a star and ring text, semi-transparent like ink."""
    radius = 260
    layer = Image.new("RGBA", page.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    ink = (200 + rng.randint(0, 30), 20 + rng.randint(0, 20), 30 + rng.randint(0, 20), 170)
    cx, cy = centre
    d.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], outline=ink, width=16)
    d.ellipse([cx - radius + 60, cy - radius + 60, cx + radius - 60, cy + radius - 60], outline=ink, width=6)
    star = [(cx + 90 * math.cos(math.pi / 2 + k * math.pi / 5) * (1 if k % 2 == 0 else 0.4),
             cy - 90 * math.sin(math.pi / 2 + k * math.pi / 5) * (1 if k % 2 == 0 else 0.4))
            for k in range(10)]
    d.polygon(star, fill=ink)
    font = ImageFont.truetype(str(find_font("bold")), 40)
    label = "ỦY BAN NHÂN DÂN * TỈNH * "
    for k, ch in enumerate(label * 2):
        angle = math.pi + 2 * math.pi * k / (2 * len(label))
        x = cx + (radius - 34) * math.cos(angle)
        y = cy + (radius - 34) * math.sin(angle)
        d.text((x, y), ch, font=font, fill=ink, anchor="mm")
    # a blue-black signature scribble across the seal
    pts = [(cx - 200 + 40 * k, cy + 40 * math.sin(k * 1.3) + rng.randint(-10, 10)) for k in range(11)]
    d.line(pts, fill=(30, 40, 160, 200), width=7)
    page.alpha_composite(layer)


def render_text(text: str, seed: int = 0, stamp: bool = True, max_pages: int | None = None,
                skew: float = 1.5) -> list[Image.Image]:
    """Pages (RGB images) of one document."""
    rng = random.Random(seed)
    size = round(FONT_PT / 72 * DPI)
    fonts = {False: ImageFont.truetype(str(find_font("regular")), size),
             True: ImageFont.truetype(str(find_font("bold")), size)}
    line_h = round(size * 1.35)
    width = PAGE_W - MARGIN_L - MARGIN_R
    pages: list[Image.Image] = []
    page = draw = None
    y = 0
    stamp_at: dict[int, tuple[int, int]] = {}

    def new_page():
        nonlocal page, draw, y
        page = Image.new("RGBA", (PAGE_W, PAGE_H), (252, 251, 247, 255))
        draw = ImageDraw.Draw(page)
        pages.append(page)
        y = MARGIN_T

    def room(height: int) -> bool:
        """Start a new page when `height` does not fit; False when over max_pages."""
        if y + height > PAGE_H - MARGIN_B:
            if max_pages and len(pages) >= max_pages:
                return False
            new_page()
        return True

    def draw_table(rows: list[list[str]]) -> bool:
        nonlocal y
        t_size = round(TABLE_FONT_PT / 72 * DPI)
        t_fonts = {False: ImageFont.truetype(str(find_font("regular")), t_size),
                   True: ImageFont.truetype(str(find_font("bold")), t_size)}
        t_line = round(t_size * 1.3)
        widths = column_widths(rows, t_fonts, width)
        xs = [MARGIN_L]
        for w in widths:
            xs.append(xs[-1] + w)
        # an empty cell in a continuation row (first cell empty) is merged with the cell above:
        # the row-spanning cells of a real appendix
        spanned = [[r > 1 and not row[0] and not cell for cell in row] for r, row in enumerate(rows)]
        wrapped = [[wrap(cell, t_fonts[r == 0], w - 2 * CELL_PAD) if cell else []
                    for cell, w in zip(row, widths)] for r, row in enumerate(rows)]
        heights = [max(len(c) for c in row) * t_line + 2 * CELL_PAD for row in wrapped]
        # rows grouped with their continuation rows, so a spanning cell never crosses a page
        groups: list[list[int]] = []
        for r in range(len(rows)):
            if r > 1 and not rows[r][0]:
                groups[-1].append(r)
            else:
                groups.append([r])
        for group in groups:
            if not room(sum(heights[r] for r in group) + TABLE_BORDER):
                return False
            top = y
            for r in group:
                for c, lines in enumerate(wrapped[r]):
                    if not spanned[r][c]:
                        draw.line([(xs[c], y), (xs[c + 1], y)], fill=INK, width=TABLE_BORDER)
                    for k, part in enumerate(lines):
                        draw.text((xs[c] + CELL_PAD, y + CELL_PAD + k * t_line), part,
                                  font=t_fonts[r == 0], fill=INK)
                y += heights[r]
            for x in xs:
                draw.line([(x, top), (x, y)], fill=INK, width=TABLE_BORDER)
            draw.line([(xs[0], y), (xs[-1], y)], fill=INK, width=TABLE_BORDER)
        y += line_h // 2
        return True

    new_page()
    items: list = []
    run: list[str] = []                  # text lines laid out together (bold spans lines)
    for item in split_tables(text) + [[]]:
        if isinstance(item, list):
            if run:
                items.extend(layout("\n".join(run)))
                run = []
            if item:
                items.append(item)
        else:
            run.append(item)
    for item in items:
        if isinstance(item, list):
            if not draw_table(item):
                break
            continue
        line, bold, indent, signature = item
        if not line:
            y += line_h // 2
            continue
        for part in wrap(line, fonts[bold], width - indent):
            if not room(line_h):
                break
            x = MARGIN_L + indent
            if signature:
                x = PAGE_W - MARGIN_R - fonts[bold].getlength(part) - 150
                stamp_at.setdefault(len(pages) - 1, (int(x + fonts[bold].getlength(part) / 2) - 120,
                                                     y + 150))
            draw.text((x, y), part, font=fonts[bold], fill=INK)
            y += line_h
        else:
            continue
        break
    out = []
    for i, pg in enumerate(pages):
        if stamp and i in stamp_at:
            draw_stamp(pg, stamp_at[i], rng)
        out.append(scan_effects(pg.convert("RGB"), rng, skew))
    return out


def scan_effects(page: Image.Image, rng: random.Random, skew: float) -> Image.Image:
    angle = rng.uniform(-skew, skew)
    page = page.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=(250, 250, 246))
    page = page.filter(ImageFilter.GaussianBlur(0.6))
    arr = np.asarray(page).astype(np.int16)
    noise = np.random.default_rng(rng.randint(0, 2**31)).normal(0, 10, arr.shape[:2])
    arr = np.clip(arr + noise[..., None], 0, 255).astype(np.uint8)
    return Image.fromarray(arr, "RGB")


def save(pages: list[Image.Image], out_dir: Path, name: str, formats: list[str]) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    if "png" in formats:
        for i, pg in enumerate(pages, 1):
            path = out_dir / f"{name}.p{i:02d}.png"
            pg.save(path, dpi=(DPI, DPI), compress_level=1)
            written.append(path)
    if "tiff" in formats:
        path = out_dir / f"{name}.tif"
        pages[0].save(path, save_all=True, append_images=pages[1:], compression="tiff_deflate",
                      dpi=(DPI, DPI))
        written.append(path)
    if "pdf" in formats:
        path = out_dir / f"{name}.pdf"
        pages[0].save(path, save_all=True, append_images=pages[1:], resolution=DPI)
        written.append(path)
    return written


def render_file(seed_path: Path, out_dir: Path, formats: list[str], seed: int = 0,
                stamp: bool = True, max_pages: int | None = None) -> list[Path]:
    text = seed_path.read_text(encoding="utf-8")
    # the seed number is derived from the file name, so each document looks different
    pages = render_text(text, seed=seed + zlib.crc32(seed_path.name.encode()), stamp=stamp,
                        max_pages=max_pages)
    return save(pages, out_dir, seed_path.name, formats)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("seeds", nargs="*", type=Path)
    ap.add_argument("--format", action="append", choices=["png", "tiff", "pdf"])
    ap.add_argument("--max-pages", type=int)
    ap.add_argument("--no-stamp", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    seeds = args.seeds or sorted((REPO / "corpus" / "seeds").glob("*.txt"))
    for path in seeds:
        written = render_file(path, args.out_dir, args.format or ["png"], args.seed,
                              not args.no_stamp, args.max_pages)
        print(f"{path.name}: {len(written)} file(s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
