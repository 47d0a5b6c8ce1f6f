"""`ocop-docs extract FILE... [--json] [--out DIR]`: extract documents, citations and tasks."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from ocop_docs.ingest import IngestError
from ocop_docs.model import Extraction
from ocop_docs.messages import msg

EXIT_OK, EXIT_FAILURE = 0, 1


def register(sub) -> None:
    p = sub.add_parser(
        "extract", help="trích xuất văn bản, trích dẫn và nhiệm vụ từ tệp",
        description="Đọc tệp (ảnh quét, PDF, .docx, .doc, văn bản) và trích xuất thông tin "
                    "văn bản, các văn bản được trích dẫn và các nhiệm vụ được giao.")
    p.add_argument("files", nargs="+", metavar="FILE", type=Path, help="tệp cần đọc")
    p.add_argument("--json", action="store_true",
                   help="in kết quả dạng JSON (ocop-docs.extraction/1)")
    p.add_argument("--out", type=Path, metavar="DIR",
                   help="ghi mỗi kết quả vào DIR/<tên tệp>.json thay vì in ra màn hình")
    p.set_defaults(func=run)


def run(args) -> int:
    from ocop_docs.extract.pipeline import extract_ingested
    from ocop_docs.ingest import read_document
    from ocop_docs.ingest.ahead import read_ahead

    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    failures = 0
    printed: list[dict] = []
    # the next files are read (OCR) while this one is extracted
    for path, ingested, error in read_ahead(args.files, read_document):
        try:
            if error is not None:
                raise error
            result = extract_ingested(ingested)
        except IngestError as exc:
            failures += 1
            print(msg("cli.error", message=exc), file=sys.stderr)
            continue
        except Exception as exc:  # an extractor bug must not stop the other files
            failures += 1
            print(msg("cli.file_error", path=path, message=msg(
                "extract.failed", cause=f"{exc.__class__.__name__}: {exc}")), file=sys.stderr)
            continue
        for warning in result.warnings:
            print(msg("cli.warning", path=path, message=warning), file=sys.stderr)
        data = result.to_json()
        if args.out:
            target = args.out / f"{path.name}.json"
            tmp = target.with_suffix(".json.tmp")
            tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            tmp.replace(target)
            if not args.json:
                print(summary(result))
        elif args.json:
            printed.append(data)
        else:
            print(summary(result))
    if printed:
        payload = printed[0] if len(printed) == 1 else printed
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    return EXIT_FAILURE if failures else EXIT_OK


def summary(result: Extraction) -> str:
    """A readable Vietnamese summary of one file's extraction."""
    lines = [f"== {result.source}"]
    for d in result.documents:
        title = " ".join(x for x in (d.doc_type, f"số {d.number}" if d.number else None) if x)
        date = f" ngày {_vn_date(d.issued_date)}" if d.issued_date else ""
        lines.append(f"{title or 'Văn bản'}{date}" + (f" của {d.issuer}" if d.issuer else ""))
        if d.subject:
            lines.append(f"  Trích yếu: {d.subject}")
        if d.signer:
            lines.append(f"  Người ký: {d.signer}")
        if d.citations:
            lines.append(f"  Văn bản được trích dẫn ({len(d.citations)}):")
            for c in d.citations:
                extra = "".join([f" ngày {_vn_date(c.date)}" if c.date else "",
                                 f" của {c.issuer}" if c.issuer else ""])
                lines.append(f"    - {c.doc_type or ''} {c.number}{extra}".replace("  ", " "))
        lines.append(f"  Nhiệm vụ ({len(d.tasks)}):")
        for i, t in enumerate(d.tasks, 1):
            when = t.deadline_text or ""
            if t.due:
                when = f"{when} (hạn {_vn_date(t.due)})".strip()
            elif t.recurrence:
                when = f"{when} ({_RECURRENCE.get(t.recurrence, t.recurrence)})".strip()
            lines.append(f"    {i}. [{t.section or '-'}] Chủ trì: {', '.join(t.lead)}")
            if t.support:
                lines.append(f"       Phối hợp: {', '.join(t.support)}")
            if when:
                lines.append(f"       Thời hạn: {when}")
            action = t.action if len(t.action) <= 160 else t.action[:157] + "..."
            lines.append(f"       {action}")
    for page in result.pages:
        if "ocr_confidence" in page:
            lines.append(f"  Trang {page['page']}: OCR, độ tin cậy {page['ocr_confidence']}%")
    return "\n".join(lines)


_RECURRENCE = {"annual": "hằng năm", "quarterly": "hằng quý", "monthly": "hằng tháng",
               "weekly": "hằng tuần", "semiannual": "6 tháng một lần", "periodic": "định kỳ"}


def _vn_date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"
