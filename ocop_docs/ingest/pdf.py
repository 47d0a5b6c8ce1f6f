"""PDF: the text layer through pdfplumber, in reading order, with tables rendered as
`| cell | cell |` rows where they stand; pages without a text layer go to OCR.

Every text object is read, including the appearance streams of annotations: a signed PDF from
an e-office system carries the document number and the day, stamped after signing, and the
digital-signature box ("Ký bởi: ...", "TRUNG TÂM CÔNG BÁO ...", timestamps) as signature
widgets, which pdfminer does not read (`pdftotext` does). Pages with annotations are flattened
with pdfium (annotation appearances drawn into the page content, in memory) and read again;
the characters the flattening added are the annotations' text. An annotation whose text is a
signature box is kept out of the page text and recorded as a `Signature`; any other (the
number, the day) stays in its line, separated from its neighbours by spaces.

Each page is decided on its own (`needs_ocr`): a page whose text layer carries the content is
read from it; a page that is mostly one big image with little text (a scan carrying only the
signature box) is OCRed.
"""
from __future__ import annotations

import io
import re
from statistics import median

from ocop_docs.messages import msg

from .fields import text_layer_readings
from .ocr import OCR_DPI, PageJob, ocr_jobs
from .signature import Signature, is_signature_box, parse_box, pdf_date
from .types import IngestError, Page, ReadResult, Reader, Source

MIN_TEXT_CHARS = 20      # fewer characters than this on a page with an image: a scanned page
GAP_CHARS = 4            # a horizontal gap this many character widths wide splits a line
SCAN_IMAGE_SHARE = 0.5   # an image covering this share of the page makes it a scan candidate...
SCAN_MAX_TEXT = 200      # ...unless its text layer has at least this many characters


def _char_key(c: dict) -> tuple:
    return (c.get("text"), round(float(c["x0"]), 1), round(float(c["top"]), 1))


def table_rows(rows: list[list[str | None]]) -> list[str]:
    out = []
    for row in rows:
        cells = [" ".join((cell or "").split()) for cell in row]
        if any(cells):
            out.append("| " + " | ".join(cells) + " |")
    return out


def _segments(line: dict, stamped: frozenset = frozenset()) -> list[tuple[float, float, str]]:
    """Split a text line into (x0, x1, text) pieces at wide horizontal gaps (two columns).
    `stamped`: keys of characters stamped by an annotation ("507", "24"), which are set apart
    from the page's own characters by a space even where they touch."""
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
            boundary = bool(stamped) and ((_char_key(prev) in stamped) != (_char_key(ch) in stamped))
            if (ch["x0"] - prev["x1"] > 0.25 * width or boundary) and not prev["text"].isspace() \
                    and not ch["text"].isspace():
                parts.append(" ")          # the PDF has no space character here
            parts.append(ch["text"])
        text = " ".join("".join(parts).split())
        if text:
            out.append((piece[0]["x0"], piece[-1]["x1"], text))
    return out


def page_text(page, stamped: frozenset = frozenset()) -> str:
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
        segs = _segments(line, stamped)
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


def _annotations(path) -> tuple[dict[int, list[tuple[float, float, float, float]]], bytes | None, list[str]]:
    """The rectangles (x0, top, x1, bottom in pdfplumber's top-down coordinates) of the
    annotations of each page that has some, the PDF with those pages flattened (annotation
    appearances drawn into the page content) as bytes, and the signing times of the PDF's
    signature dictionaries (ISO 8601). ({}, None, []) when there is nothing to flatten."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    rects: dict[int, list[tuple[float, float, float, float]]] = {}
    times: list[str] = []
    pdf = pdfium.PdfDocument(str(path))
    try:
        try:
            for k in range(raw.FPDF_GetSignatureCount(pdf)):
                sig = raw.FPDF_GetSignatureObject(pdf, k)
                size = raw.FPDFSignatureObj_GetTime(sig, None, 0)
                if size:
                    buf = (raw.c_char * size)()
                    raw.FPDFSignatureObj_GetTime(sig, buf, size)
                    t = pdf_date(bytes(buf).rstrip(b"\0"))
                    if t:
                        times.append(t)
        except Exception:        # older pdfium without the signature API: no times
            times = []
        for i in range(len(pdf)):
            page = pdf[i]
            try:
                n = raw.FPDFPage_GetAnnotCount(page)
                if n <= 0:
                    continue
                height = page.get_height()
                found = []
                for k in range(n):
                    annot = raw.FPDFPage_GetAnnot(page, k)
                    try:
                        r = raw.FS_RECTF()
                        if raw.FPDFAnnot_GetRect(annot, r):
                            found.append((min(r.left, r.right), height - max(r.top, r.bottom),
                                          max(r.left, r.right), height - min(r.top, r.bottom)))
                    finally:
                        raw.FPDFPage_CloseAnnot(annot)
                if found and raw.FPDFPage_Flatten(page, raw.FLAT_NORMALDISPLAY) == raw.FLATTEN_SUCCESS:
                    rects[i] = found
            finally:
                page.close()
        if not rects:
            return {}, None, times
        buf = io.BytesIO()
        pdf.save(buf)
        return rects, buf.getvalue(), times
    finally:
        pdf.close()


def _inside(c: dict, box: tuple[float, float, float, float]) -> bool:
    x = (float(c["x0"]) + float(c["x1"])) / 2
    y = (float(c["top"]) + float(c["bottom"])) / 2
    return box[0] - 1 <= x <= box[2] + 1 and box[1] - 1 <= y <= box[3] + 1


def split_annotation_text(page, flat, rects, number: int):
    """Compare a page with its flattened copy: the characters only the copy has are the
    annotations' text. Returns (the page to read: the copy without the signature boxes' text,
    the keys of the other stamped characters, the signature boxes found)."""
    own: dict[tuple, int] = {}
    for c in page.chars:
        own[_char_key(c)] = own.get(_char_key(c), 0) + 1
    added: list[dict] = []
    for c in flat.chars:
        key = _char_key(c)
        if own.get(key):
            own[key] -= 1
        else:
            added.append(c)
    if not added:
        return page, frozenset(), []
    # the characters of one annotation share its appearance's embedded font subset: group by
    # font (two overlapping boxes, the issuer's "Ký bởi" and the gazette centre's, stay apart)
    by_font: dict[str, list[dict]] = {}
    for c in added:
        by_font.setdefault(c.get("fontname", ""), []).append(c)
    boxes: list[Signature] = []
    drop: set[tuple] = set()
    stamped: set[tuple] = set()

    def text_of(keys: set) -> str:
        return flat.filter(lambda o: o.get("object_type") != "char" or _char_key(o) in keys).extract_text()

    for chars in by_font.values():
        keys = {_char_key(c) for c in chars}
        if not is_signature_box(text_of(keys)):
            stamped |= keys
            continue
        # a number stamped in the same font as a box, in an annotation of its own, is no box
        by_rect: dict[int, set[tuple]] = {}
        for c in chars:
            k = next((j for j, box in enumerate(rects) if _inside(c, box)), len(rects))
            by_rect.setdefault(k, set()).add(_char_key(c))
        for sub in by_rect.values():
            sub_text = text_of(sub)
            if re.fullmatch(r"[\d\s/.-]{1,12}", sub_text) and not is_signature_box(sub_text):
                stamped |= sub
                keys -= sub
        drop |= keys
        boxes.append(parse_box(text_of(keys), number, "pdf-annotation"))
    view = flat.filter(lambda o: o.get("object_type") != "char" or _char_key(o) not in drop) \
        if drop else flat
    return view, frozenset(stamped), boxes


def needs_ocr(page, text: str) -> bool:
    """Does this page need OCR? Yes when it has no text layer to speak of, or when it is mostly
    one big image (a scan) whose text layer is small (a signature box or a stamped number is
    no reading of the scan)."""
    chars = len("".join(text.split()))
    if chars < MIN_TEXT_CHARS:
        return bool(page.images) or not text.strip()
    area = float(page.width) * float(page.height) or 1.0
    biggest = max((float(im["width"]) * float(im["height"]) for im in page.images), default=0.0)
    return biggest / area >= SCAN_IMAGE_SHARE and chars < SCAN_MAX_TEXT


def check_render_size(source: Source, page, number: int) -> None:
    """A page to OCR is rendered at OCR_DPI: refuse one whose image would exceed
    OCOP_DOCS_MAX_PIXELS before it is drawn."""
    scale = OCR_DPI / 72
    width, height = float(page.width), float(page.height)
    if width * height * scale * scale > source.limits.max_pixels:
        raise IngestError(source.path, msg("ingest.page_too_big_to_render", page=number,
                                           width=width, height=height, pw=width * scale,
                                           ph=height * scale, dpi=OCR_DPI,
                                           limit=source.limits.max_pixels / 1e6))


class PdfReader(Reader):
    name = "pdf"

    def applies(self, source: Source) -> bool:
        return b"%PDF-" in source.head[:1024]

    def check(self, source: Source) -> None:
        """The page count from the page tree (pdfium opens a PDF without reading its pages)
        against OCOP_DOCS_MAX_PDF_PAGES: every page read costs time and memory, text or not."""
        import pypdfium2 as pdfium

        try:
            pdf = pdfium.PdfDocument(str(source.path))
        except Exception:            # pdfminer may still read it, or says what is wrong
            return
        try:
            count = len(pdf)
        finally:
            pdf.close()
        if count > source.limits.max_pdf_pages:
            raise IngestError(source.path, msg("ingest.pdf_too_many_pages", pages=count,
                                               limit=source.limits.max_pdf_pages))

    def read(self, source: Source) -> ReadResult:
        import pdfplumber
        from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

        try:
            pdf = pdfplumber.open(source.path)
        except (PDFPasswordIncorrect, PDFEncryptionError):
            raise IngestError(source.path, msg("ingest.pdf_encrypted")) from None
        except Exception as exc:
            cause = " ".join(type(a).__name__ for a in getattr(exc, "args", ()) if isinstance(a, Exception))
            if any(k in (str(exc) + cause).lower() for k in ("password", "encrypt")):
                raise IngestError(source.path, msg("ingest.pdf_encrypted")) from None
            raise IngestError(source.path, msg("ingest.pdf_corrupt", cause=type(exc).__name__)) from None
        pages: list[Page | None] = []
        boxes_of: dict[int, list[Signature]] = {}
        jobs: list[PageJob] = []
        warnings: list[str] = []
        try:
            rects, flat_bytes, sign_times = _annotations(source.path)
        except Exception:                   # pdfium cannot open what pdfminer could: no annotations
            rects, flat_bytes, sign_times = {}, None, []
        flat_pdf = pdfplumber.open(io.BytesIO(flat_bytes)) if flat_bytes else None
        try:
            with pdf:
                try:
                    plumber_pages = pdf.pages
                except Exception as exc:
                    raise IngestError(source.path, msg("ingest.pdf_corrupt", cause=type(exc).__name__)) from None
                if not plumber_pages:
                    raise IngestError(source.path, msg("ingest.pdf_no_pages"))
                for i, page in enumerate(plumber_pages):
                    try:
                        view, stamped, boxes = page, frozenset(), []
                        if flat_pdf is not None and i in rects and i < len(flat_pdf.pages):
                            view, stamped, boxes = split_annotation_text(
                                page, flat_pdf.pages[i], rects[i], i + 1)
                        text = page_text(view, stamped)
                    except Exception as exc:
                        raise IngestError(source.path, msg("ingest.pdf_page_corrupt", page=i + 1,
                                                              cause=type(exc).__name__)) from None
                    text, own_boxes = split_text_box(text, i + 1)
                    boxes_of[i + 1] = boxes + own_boxes
                    if i >= source.limits.max_pdf_pages:      # a page tree pdfium did not count
                        raise IngestError(source.path, msg("ingest.pdf_too_many_pages", pages=f"{i + 1}+",
                                                           limit=source.limits.max_pdf_pages))
                    if needs_ocr(page, text):
                        check_render_size(source, page, i + 1)
                        jobs.append(PageJob("pdf", str(source.path), i, i + 1))
                        pages.append(None)
                    else:
                        readings = text_layer_readings(text, i + 1, stamped_text(view, stamped))
                        pages.append(Page(number=i + 1, text=text, method="pdf-text",
                                          field_readings=readings))
                    page.close()             # its parsed objects: memory stays flat over pages
                    if view is not page:
                        view.close()
        except IngestError:
            raise
        except Exception as exc:
            raise IngestError(source.path, msg("ingest.pdf_corrupt", cause=type(exc).__name__)) from None
        finally:
            if flat_pdf is not None:
                flat_pdf.close()
        if len(jobs) > source.limits.max_pages:
            raise IngestError(source.path, msg("ingest.too_many_pages", pages=len(jobs),
                                                 limit=source.limits.max_pages))
        ocred = iter(ocr_jobs(jobs, source.path))
        result = [p if p is not None else next(ocred) for p in pages]
        for p in result:
            boxes = boxes_of.get(p.number, [])
            if boxes:
                # the box's text came from the text layer: the OCR of the page image drew none
                p.signatures = boxes + [s for s in p.signatures if s.source != "ocr"]
            if not p.text.strip():
                warnings.append(msg("ingest.page_no_text", page=p.number))
        for box in (s for p in result for s in p.signatures):
            box.pdf_time = _closest_time(box, sign_times)
        for p in result:
            date_from_signature(p)
        if all(not p.text.strip() for p in result):
            raise IngestError(source.path, msg("ingest.pdf_no_text"))
        return ReadResult(result, warnings)


_HEADER_LINE = re.compile(r"cong\s*hoa\s*xa|doc\s*lap\s*-?\s*tu\s*do|uy\s*ban\s*nhan|dang\s*cong\s*san|"
                          r"^ubnd\s|^bo\s+[a-z]|^so\s*:")


def split_text_box(text: str, number: int) -> tuple[str, list[Signature]]:
    """A signature box drawn in the page content itself (not as an annotation): the lines
    above the document's header (issuer, national motto) when one of them carries a box cue,
    or a small text layer that is nothing but a box (over a scanned page)."""
    from ocop_docs.textutil import fold

    lines = text.split("\n")
    head = next((k for k, ln in enumerate(lines[:25]) if _HEADER_LINE.search(fold(ln.strip()))), None)
    if head and any(is_signature_box(ln) for ln in lines[:head]):
        box = parse_box("\n".join(lines[:head]), number, "pdf-text")
        return "\n".join(lines[head:]).strip(), [box]
    if not head and len("".join(text.split())) < SCAN_MAX_TEXT and is_signature_box(text):
        # the whole of a small text layer is the box: a scan signed by an e-office system. The
        # page is OCRed; the box is taken from its characters, not from a reading of 7-pt type
        return "", [parse_box(text.strip(), number, "pdf-text")]
    return text, []


def date_from_signature(page: Page) -> None:
    """E-office systems number and date a letter when it is signed: the issuer's digital
    signature ("Ký bởi: ... / Thời gian ký: 11/09/2024 19:14:21") carries the day. Where the day
    of the date line could not be read, or was read only weakly (a handwritten "11" read as
    "A", mapped to "1"), and the issuer signed in the month and year of the date line, the
    signing day is taken, marked "signature-time" with a confidence below the review mark.
    The gazette centre's publishing stamp ("TRUNG TÂM CÔNG BÁO ...") is no signing by the
    issuer and is not used."""
    from .fields import review_threshold
    from .types import FieldReading

    date = page.field_readings.get("issued_date")
    if date is None or date.method not in ("ocr", "second-pass"):
        return
    year, month, day = date.value.split("-")
    read_day = page.field_readings.get("day")
    # Nghị định 30/2020 writes days below 10 with a leading zero ("ngày 04"): a day read as one
    # digit lost one, unless the writer wrote it so
    one_digit = read_day is not None and len(re.sub(r"\D", "", read_day.raw or "")) > 0 and \
        len(read_day.value) == 1 and not re.search(r"ng\S{0,3}\s*0\d", read_day.raw or "")
    if date.confidence >= review_threshold() and not one_digit:
        return
    for box in page.signatures:
        if not box.signer or not box.signed_at:
            continue
        signed = box.signed_at[0][:10]
        if signed[:7] != f"{year}-{month}" or signed == date.value:
            continue
        if one_digit and date.confidence >= review_threshold() and str(int(day)) not in signed[8:10]:
            continue                 # a confident one-digit reading the signing day does not extend
        old = f"ngày {int(day):02d} tháng {int(month):02d} năm {year}"
        new = f"ngày {int(signed[8:10]):02d} tháng {int(month):02d} năm {year}"
        if old not in page.text:
            return
        page.text = page.text.replace(old, new, 1)
        alternatives = [{"value": date.value, "method": date.method, "confidence": date.confidence}]
        conf = round(review_threshold() - 0.1, 2)
        page.field_readings["issued_date"] = FieldReading(signed, "signature-time", conf, page.number,
                                                          raw=box.text, alternatives=alternatives)
        page.field_readings["day"] = FieldReading(str(int(signed[8:10])), "signature-time", conf,
                                                  page.number, raw=box.text)
        return


def _closest_time(box: Signature, times: list[str]) -> str | None:
    """The PDF signature time that matches the box's own timestamp (same minute, offsets
    aside), or, for a box without one, the latest."""
    if not times:
        return None
    if not box.signed_at:
        return max(times)
    for t in times:
        if any(t[:16] == s[:16] for s in box.signed_at):
            return t
    return None


def stamped_text(view, stamped: frozenset) -> set[str]:
    """The runs of characters stamped by annotations ("507", "24"), to tell how a field was
    read: stamped characters grouped by line and split at gaps."""
    if not stamped:
        return set()
    chars = sorted((c for c in view.chars if _char_key(c) in stamped and c["text"].strip()),
                   key=lambda c: (round(float(c["top"])), float(c["x0"])))
    runs: list[str] = []
    prev = None
    for c in chars:
        if prev is not None and abs(float(c["top"]) - float(prev["top"])) < 2 \
                and float(c["x0"]) - float(prev["x1"]) < 0.5 * (float(c["x1"]) - float(c["x0"])):
            runs[-1] += c["text"]
        else:
            runs.append(c["text"])
        prev = c
    return set(runs)
