"""The extraction pipeline: one spaCy `Doc` per document, rule components writing spans.

spaCy is the container: `build_nlp()` makes a blank Vietnamese pipeline (whitespace tokenizer,
no pyvi) with three registered components, configured in one place:
  - "ocop_header": document type, number, date, place, issuer, signer, recipients (doc._.header)
  - "ocop_citations": citations (doc.spans["citations"], doc._.citations)
  - "ocop_tasks": task assignments (doc.spans["tasks"], doc._.tasks)
The components call the plain extractor functions (structure.header, extract.citations,
extract.tasks), which are also usable and tested on their own.
"""
from __future__ import annotations

import copy
import re
import datetime as dt
from dataclasses import fields
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from ocop_docs.extract.citations import find_citations
from ocop_docs.extract.tasks import extract_tasks
from ocop_docs.ingest import IngestedText, read_document
from ocop_docs.messages import msg
from ocop_docs.model import DocumentMeta, DocumentRecord, Extraction
from ocop_docs.structure.header import Header, parse_header
from ocop_docs.structure.split import DocumentSpan, split_documents

for _name in ("header", "citations", "tasks", "file_text", "span"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def _char_span(doc: Doc, start: int, end: int):
    return doc.char_span(start, end, alignment_mode="expand")


@Language.component("ocop_header")
def header_component(doc: Doc) -> Doc:
    span: DocumentSpan = doc._.span
    doc._.header = parse_header(doc._.file_text, span, doc.user_data.get("previous_header"))
    return doc


@Language.component("ocop_citations")
def citations_component(doc: Doc) -> Doc:
    header: Header = doc._.header
    citations = find_citations(doc.text, own_number=header.number if header else None)
    doc._.citations = citations
    doc.spans["citations"] = [s for c in citations if c.start is not None
                              for s in [_char_span(doc, c.start, c.start + len(c.number or ""))]
                              if s is not None]
    return doc


@Language.component("ocop_tasks")
def tasks_component(doc: Doc) -> Doc:
    header: Header = doc._.header
    span: DocumentSpan = doc._.span
    previous: Header | None = doc.user_data.get("previous_header")
    # an attached plan without its own date takes the date of the decision that issues it
    doc_date = _iso_date(header.issued_date if header and header.issued_date else
                         previous.issued_date if previous else None)
    body_start = max(header.body_start, span.start) if header else span.start
    if doc_date is None:
        # an unnumbered working version ("ngày   tháng 01 năm 2026") still gives the year that
        # dates without one ("ngày 23 tháng 1") belong to
        doc_date = _reference_date(doc._.file_text[span.start:body_start + 1])
    body_end = min(header.body_end, span.end) if header and header.body_end else span.end
    addressees = list(header.recipients) if header else []
    tasks = extract_tasks(doc._.file_text, body_start, body_end, doc_date, addressees)
    if header and header.appendix_start is not None and header.appendix_start >= body_end:
        # an appendix (Phụ lục) after the signature belongs to the document
        tasks += extract_tasks(doc._.file_text, header.appendix_start, span.end, doc_date,
                               addressees)
    doc._.tasks = tasks
    spans = []
    for task in tasks:
        if task.start is not None and task.end is not None:
            s = _char_span(doc, task.start - span.start, task.end - span.start)
            if s is not None:
                spans.append(s)
    doc.spans["tasks"] = spans
    return doc


@lru_cache(maxsize=1)
class _SyllableTokenizer:
    """Tokens between white space (Vietnamese writes a space between syllables): the components
    work on character offsets, so spaCy's own Vietnamese syllabifier is not needed and its
    cost (a tenth of the extraction) is saved."""

    _TOKEN = re.compile(r"\S+|\s+")

    def __init__(self, vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        for m in self._TOKEN.finditer(text):
            token = m.group()
            if token.isspace():
                if words and not words[-1].isspace() and token[0] == " ":
                    spaces[-1] = True           # one space after a word belongs to it
                    token = token[1:]
                if token:
                    words.append(token)         # other white space is a token of its own
                    spaces.append(False)
            else:
                words.append(token)
                spaces.append(False)
        return Doc(self.vocab, words=words, spaces=spaces)


def build_nlp() -> Language:
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    nlp.tokenizer = _SyllableTokenizer(nlp.vocab)
    # spaCy's 1,000,000-character guard protects parsers and NER models, which this pipeline
    # has none of; a long document (a 900-page PDF) is bounded by the ingestion caps instead.
    nlp.max_length = 10 ** 9
    for name in ("ocop_header", "ocop_citations", "ocop_tasks"):
        nlp.add_pipe(name)
    return nlp


_MONTH_YEAR = re.compile(r"tháng\s*(\d{1,2})\s*năm\s*((?:19|20)\d\d)", re.IGNORECASE)


def _reference_date(header_text: str) -> dt.date | None:
    """The first day of the month of a date line whose day is blank."""
    m = _MONTH_YEAR.search(header_text[:3000])
    if not m or not 1 <= int(m.group(1)) <= 12:
        return None
    return dt.date(int(m.group(2)), int(m.group(1)), 1)


def _iso_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def extract_text(text: str, source: str) -> Extraction:
    """Extract every document in a file's text."""
    nlp = build_nlp()
    result = Extraction(source=source)
    previous: Header | None = None
    for span in split_documents(text):
        doc = nlp.make_doc(text[span.start:span.end])
        doc._.file_text = text
        doc._.span = span
        doc.user_data["previous_header"] = previous
        for _, component in nlp.pipeline:
            doc = component(doc)
        header: Header = doc._.header
        for citation in doc._.citations:
            if citation.start is not None:
                citation.start += span.start
        meta = {f.name: copy.copy(getattr(header, f.name)) for f in fields(DocumentMeta)}
        record = DocumentRecord(**meta, citations=doc._.citations, tasks=doc._.tasks,
                                start=span.start, end=span.end)
        result.documents.append(record)
        previous = header
    if not any(d.tasks for d in result.documents):
        result.warnings.append(msg("extract.no_tasks"))
    return result


def clear_caches() -> None:
    """Forget text remembered while extracting (agency phrases, part-of-speech tags), as for a
    fresh process; the data files stay loaded. Benchmarks call it between runs."""
    from ocop_docs.extract import assignments, tasks
    assignments.clear_text_caches()
    tasks.clear_text_caches()


def extract_ingested(ingested: IngestedText) -> Extraction:
    def _page_info(p) -> dict:
        """Per-page ingestion evidence for the JSON output: how the page was read, its confidence
        (0-1; OCR pages also keep tesseract's 0-100 mean as ocr_confidence), the header fields
        read on it (value, method, confidence, review flag) and the signature boxes found."""
        from ocop_docs.ingest.fields import review_threshold

        info: dict = {"page": p.number, "method": p.method}
        if p.confidence is not None:
            info["ocr_confidence"] = round(p.confidence, 1)
            info["confidence"] = round(p.confidence / 100, 2)
        elif p.method != "ocr":
            info["confidence"] = 1.0
        else:
            info["confidence"] = 0.0            # nothing read (a blank page)
        if getattr(p, "rotation", 0):
            info["rotation"] = p.rotation
        if getattr(p, "notes", None):
            info["notes"] = list(p.notes)
        readings = getattr(p, "field_readings", None) or {}
        if readings:
            fields = {}
            for name, reading in readings.items():
                item = reading.to_json()
                item.pop("page", None)
                if reading.confidence < review_threshold():
                    item["review"] = True
                fields[name] = item
            info["field_readings"] = fields
        if getattr(p, "signatures", None):
            info["signatures"] = [s.to_json() for s in p.signatures]
        return info

    result = extract_text(ingested.text, ingested.path.name)
    result.pages = [_page_info(p) for p in ingested.pages]
    result.warnings = list(ingested.warnings) + result.warnings
    for record in result.documents:
        record.field_sources = _field_sources(record, ingested)
    if ingested.package and result.documents:
        from ocop_docs.office.edxml import apply_header, mismatch_warnings
        mismatches = apply_header(result.documents[0], ingested.package)
        result.warnings += mismatch_warnings(mismatches)
    return result


_HEADER_FIELDS = ("doc_type", "number", "issued_date", "place", "issuer", "signer")
# the reading of a page, named as FieldReading names it
_PAGE_METHOD = {"ocr": "ocr"}
# which ingested reading stands for a document field
_READING_OF = {"number": ("number",), "issued_date": ("issued_date", "day")}


def _field_sources(record, ingested: IngestedText) -> dict[str, dict]:
    """How each header field of one document was read: the method of the page it lies on (a
    text layer, a Word or text file, OCR) or the second reading the ingestion recorded for it,
    with a confidence in 0-1 and `review` where it is low."""
    from ocop_docs.ingest.fields import review_threshold

    pages = ingested.pages
    if not pages:
        return {}
    # pages are joined by a blank line in the text: find the page of an offset
    bounds, offset = [], 0
    for page in pages:
        offset += len(page.text) + 2
        bounds.append(offset)

    def page_at(position: int):
        for page, end in zip(pages, bounds):
            if position < end:
                return page
        return pages[-1]

    head_page = page_at(record.start)
    sign_page = page_at(max(record.start, record.end - 1))
    out: dict[str, dict] = {}
    for name in _HEADER_FIELDS:
        if getattr(record, name, None) in (None, ""):
            continue
        page = sign_page if name == "signer" else head_page
        reading = next((ingested.field_readings[k] for k in _READING_OF.get(name, ())
                        if k in ingested.field_readings), None)
        if reading is not None and page is head_page:
            item = {"method": reading.method, "confidence": round(reading.confidence, 2),
                    "page": reading.page}
        else:
            method = _PAGE_METHOD.get(page.method, "text-layer")
            confidence = (page.confidence / 100 if page.confidence is not None
                          else 0.0 if page.method == "ocr" else 1.0)
            item = {"method": method, "confidence": round(confidence, 2), "page": page.number}
        if item["confidence"] < review_threshold():
            item["review"] = True
        out[name] = item
    return out


def extract_file(path: str | Path) -> Extraction:
    """Read any supported file and extract it (raises ocop_docs.ingest.IngestError)."""
    return extract_ingested(read_document(path))
