"""PDF: the text layer through pdfplumber, in reading order, with tables rendered as
`| cell | cell |` rows where they stand; pages without a text layer go to OCR."""
from __future__ import annotations

from statistics import median

from .ocr import PageJob, ocr_jobs
from .types import IngestError, Page, ReadResult, Reader, Source

MIN_TEXT_CHARS = 20      # fewer characters than this on a page with an image: a scanned page
GAP_CHARS = 4            # a horizontal gap this many character widths wide splits a line


def table_rows(rows: list[list[str | None]]) -> list[str]:
    out = []
    for row in rows:
        cells = [" ".join((cell or "").split()) for cell in row]
        if any(cells):
            out.append("| " + " | ".join(cells) + " |")
    return out


def _segments(line: dict) -> list[tuple[float, float, str]]:
    """Split a text line into (x0, x1, text) pieces at wide horizontal gaps (two columns)."""
    chars = [c for c in line.get("chars", []) if c.get("text")]
    if not chars:
        return [(line["x0"], line["x1"], line["text"])]
    width = median(max(c["x1"] - c["x0"], 0.1) for c in chars)
    pieces: list[list[dict]] = [[chars[0]]]
    for prev, ch in zip(chars, chars[1:]):
        if ch["x0"] - prev["x1"] > GAP_CHARS * width:
            pieces.append([ch])
        else:
            pieces[-1].append(ch)
    out = []
    for piece in pieces:
        parts = [piece[0]["text"]]
        for prev, ch in zip(piece, piece[1:]):
            if ch["x0"] - prev["x1"] > 0.25 * width and not prev["text"].isspace() \
                    and not ch["text"].isspace():
                parts.append(" ")          # the PDF has no space character here
            parts.append(ch["text"])
        text = " ".join("".join(parts).split())
        if text:
            out.append((piece[0]["x0"], piece[-1]["x1"], text))
    return out


def page_text(page) -> str:
    """Text of one pdfplumber page: loose lines and tables merged by vertical position; the
    two-column header block (issuer | national motto) read left column first."""
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]

    def outside(obj) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    loose = page.filter(outside) if boxes else page
    items: list[tuple[float, int, list[str]]] = []
    for t in tables:
        items.append((t.bbox[1], 1, table_rows(t.extract())))

    mid = float(page.width) / 2
    lines = loose.extract_text_lines(return_chars=True, strip=True)
    block: list[tuple[float, list[tuple[float, float, str]]]] = []

    def flush() -> None:
        if not block:
            return
        if any(len(segs) > 1 for _, segs in block):
            left = [s[2] for _, segs in block for s in segs if s[1] <= mid]
            right = [s[2] for _, segs in block for s in segs if s[0] >= mid]
            items.append((block[0][0], 0, left + [""] + right))
        else:
            items.append((block[0][0], 0, [" ".join(s[2] for s in segs) for _, segs in block]))
        block.clear()

    last_bottom = None
    for line in lines:
        segs = _segments(line)
        crosses = any(x0 < mid < x1 for x0, x1, _ in segs)
        height = line["bottom"] - line["top"]
        if block and last_bottom is not None and line["top"] - last_bottom > 1.2 * height:
            flush()                        # a wide vertical gap ends the two-column block
        last_bottom = line["bottom"]
        if crosses:
            flush()
            items.append((line["top"], 0, [" ".join(s[2] for s in segs)]))
        elif len(segs) > 1 or block:
            block.append((line["top"], segs))
        else:
            items.append((line["top"], 0, [" ".join(s[2] for s in segs)]))
    flush()
    items.sort(key=lambda item: (item[0], item[1]))
    out: list[str] = []
    for _, kind, text_lines in items:
        if kind == 1:
            out.extend(["", *text_lines, ""])
        else:
            out.extend(text_lines)
    return "\n".join(out).strip()


class PdfReader(Reader):
    name = "pdf"

    def applies(self, source: Source) -> bool:
        return b"%PDF-" in source.head[:1024]

    def read(self, source: Source) -> ReadResult:
        import pdfplumber
        from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

        try:
            pdf = pdfplumber.open(source.path)
        except (PDFPasswordIncorrect, PDFEncryptionError):
            raise IngestError(source.path, "encrypted PDF (password protected)") from None
        except Exception as exc:
            cause = " ".join(type(a).__name__ for a in getattr(exc, "args", ()) if isinstance(a, Exception))
            if any(k in (str(exc) + cause).lower() for k in ("password", "encrypt")):
                raise IngestError(source.path, "encrypted PDF (password protected)") from None
            raise IngestError(source.path, f"corrupt or truncated PDF ({type(exc).__name__})") from None
        pages: list[Page | None] = []
        jobs: list[PageJob] = []
        warnings: list[str] = []
        try:
            with pdf:
                try:
                    plumber_pages = pdf.pages
                except Exception as exc:
                    raise IngestError(source.path, f"corrupt or truncated PDF ({type(exc).__name__})") from None
                if not plumber_pages:
                    raise IngestError(source.path, "PDF without pages")
                for i, page in enumerate(plumber_pages):
                    try:
                        text = page_text(page)
                    except Exception as exc:
                        raise IngestError(source.path, f"corrupt PDF page {i + 1} ({type(exc).__name__})") from None
                    if len("".join(text.split())) >= MIN_TEXT_CHARS:
                        pages.append(Page(number=i + 1, text=text, method="pdf-text"))
                    elif page.images or not text.strip():
                        jobs.append(PageJob("pdf", str(source.path), i, i + 1))
                        pages.append(None)
                    else:
                        pages.append(Page(number=i + 1, text=text, method="pdf-text"))
        except IngestError:
            raise
        except Exception as exc:
            raise IngestError(source.path, f"corrupt or truncated PDF ({type(exc).__name__})") from None
        if len(jobs) > source.limits.max_pages:
            raise IngestError(source.path, f"{len(jobs)} pages to OCR, over the limit of "
                              f"{source.limits.max_pages} (OCOP_DOCS_MAX_PAGES)")
        ocred = iter(ocr_jobs(jobs, source.path))
        result = [p if p is not None else next(ocred) for p in pages]
        for p in result:
            if not p.text.strip():
                warnings.append(f"page {p.number}: no text found")
        if all(not p.text.strip() for p in result):
            raise IngestError(source.path, "no text found (blank pages or scans without text)")
        return ReadResult(result, warnings)
