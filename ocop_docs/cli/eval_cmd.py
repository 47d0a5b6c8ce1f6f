"""`ocop-docs eval [--set NAME]... [--all] [--details] [--json] [--keep DIR] [--jobs N]`:
extract every evaluation set of corpus/sets.yaml and score it against its gold files.

`ocop-docs eval GOLD_DIR --sources DIR` (the older form) scores one folder of gold files.
Figures are the scorer's (ocop_docs/evaluation/score.py); ocop_docs/evaluation/report.py adds
the per-document rows and groups the misses by kind.
"""
from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

from ocop_docs.messages import msg

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2

# summary columns: (scorer key, header)
SUMMARY_COLUMNS = (
    ("tasks.full.f1", "NV đủ"), ("tasks.detection.f1", "Phát hiện"),
    ("tasks.lead.f1", "Chủ trì"), ("tasks.support.f1", "Phối hợp"),
    ("tasks.deadline_accuracy", "Thời hạn"), ("citations.f1", "Trích dẫn"),
    ("field.doc_type", "Loại"), ("field.number", "Số"), ("field.issued_date", "Ngày"),
    ("field.issuer", "CQBH"), ("field.signer", "Ký"), ("field.place", "Nơi"),
)
SUMMARY_LEGEND = (
    "NV: số nhiệm vụ trong gold; NV đủ: F1 nhiệm vụ đầy đủ (chủ trì, phối hợp, thời hạn đều "
    "đúng); Phát hiện, Chủ trì, Phối hợp, Trích dẫn: F1; Thời hạn: tỉ lệ đúng hạn/định kỳ; "
    "Loại, Số, Ngày, CQBH, Ký, Nơi: tỉ lệ đúng loại văn bản, số ký hiệu, ngày ban hành, "
    "cơ quan ban hành, người ký, địa danh.")

FIELD_LABELS = {"doc_type": "loại", "number": "số", "issued_date": "ngày", "issuer": "CQBH",
                "signer": "ký", "place": "nơi"}

MISS_TITLES = {
    "missed": "Nhiệm vụ bị bỏ sót",
    "spurious": "Nhiệm vụ thừa (không có trong gold)",
    "lead": "Sai cơ quan chủ trì",
    "support": "Sai cơ quan phối hợp",
    "deadline": "Sai thời hạn (hạn / định kỳ)",
    "fields": "Sai thông tin văn bản",
    "citations_missed": "Trích dẫn bị bỏ sót",
    "citations_spurious": "Trích dẫn thừa",
}


def register(sub) -> None:
    p = sub.add_parser(
        "eval", help="chấm điểm trích xuất trên các bộ dữ liệu chuẩn (gold)",
        description="Chạy trích xuất trên các bộ đánh giá của corpus/sets.yaml (mặc định: mọi "
                    "bộ trừ bộ chậm) và in các chỉ số của score.py: bảng tổng hợp theo bộ, bảng "
                    "theo từng tệp, và với --details các lỗi xếp theo loại. Dạng cũ "
                    "`eval GOLD_DIR --sources DIR` chấm một thư mục gold.")
    p.add_argument("gold_dir", type=Path, nargs="?", metavar="GOLD_DIR",
                   help="(dạng cũ) thư mục *.gold.json; cần --sources")
    p.add_argument("--sources", type=Path, metavar="DIR",
                   help="(dạng cũ) thư mục chứa các tệp nguồn của GOLD_DIR")
    p.add_argument("--set", dest="sets", action="append", metavar="NAME",
                   help="chỉ chấm bộ NAME (lặp lại được)")
    p.add_argument("--all", action="store_true", help="chấm cả các bộ chậm (ảnh quét, OCR)")
    p.add_argument("--sets-file", type=Path, metavar="FILE",
                   help="tệp mô tả các bộ (mặc định corpus/sets.yaml)")
    p.add_argument("--details", action="store_true", help="liệt kê các lỗi theo loại")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.add_argument("--keep", type=Path, metavar="DIR",
                   help="giữ các tệp dự đoán trong DIR (mỗi bộ một thư mục con)")
    p.add_argument("--jobs", type=int, default=1, metavar="N",
                   help="trích xuất song song bằng N tiến trình (mặc định 1)")
    p.set_defaults(func=run)


def _error(message: str) -> None:
    print(msg("cli.error", message=message), file=sys.stderr)


def run(args) -> int:
    from ocop_docs.evaluation import report

    if args.jobs < 1:
        _error("--jobs phải ≥ 1")
        return EXIT_USAGE
    if args.gold_dir is not None:
        return _run_legacy(args, report)
    if args.sources is not None:
        _error("--sources chỉ dùng cùng GOLD_DIR")
        return EXIT_USAGE
    try:
        sets = report.load_sets(args.sets_file)
    except (OSError, ValueError) as exc:
        _error(f"không đọc được danh sách bộ đánh giá: {exc}")
        return EXIT_USAGE
    if args.sets:
        unknown = [n for n in args.sets if n not in sets]
        if unknown:
            _error(f"không có bộ {', '.join(unknown)} (có: {', '.join(sets)})")
            return EXIT_USAGE
        chosen = [sets[n] for n in dict.fromkeys(args.sets)]
    else:
        chosen = [s for s in sets.values() if args.all or not s.slow]
    skipped = {s.name: "bộ chậm (dùng --all hoặc --set)" for s in sets.values()
               if not args.sets and s.slow and not args.all}
    results = []
    for spec in chosen:
        if not spec.gold_files():
            skipped[spec.name] = f"không có tệp *.gold.json trong {spec.gold}"
            continue
        keep = args.keep / spec.name if args.keep else None
        if sys.stderr.isatty():
            print(f"ocop-docs: đang chấm bộ {spec.name} ({len(spec.gold_files())} tệp)…",
                  file=sys.stderr)
        results.append(report.evaluate_set(spec, keep=keep, jobs=args.jobs))
    if not results:
        _error("không có bộ nào để chấm: " + "; ".join(f"{k}: {v}" for k, v in skipped.items()))
        return EXIT_USAGE
    for r in results:
        for e in r.errors:
            _error(e)
    if args.json:
        payload = {"schema": "ocop-docs.eval/1",
                   "sets": {r.name: r.to_json() for r in results}, "skipped": skipped}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(render(results, details=args.details, skipped=skipped))
    return EXIT_FAILURE if any(r.errors for r in results) else EXIT_OK


def _run_legacy(args, report) -> int:
    if args.sets or args.all:
        _error("GOLD_DIR không dùng cùng --set/--all")
        return EXIT_USAGE
    if args.sources is None:
        _error("GOLD_DIR cần --sources DIR")
        return EXIT_USAGE
    if not sorted(args.gold_dir.glob("*.gold.json")):
        _error(f"{args.gold_dir}: không có tệp *.gold.json")
        return EXIT_USAGE
    try:
        result = report.evaluate_dirs(args.gold_dir.name or str(args.gold_dir), args.gold_dir,
                                      args.sources, keep=args.keep, jobs=args.jobs)
    except (OSError, ValueError) as exc:
        _error(f"{args.gold_dir}: {exc}")
        return EXIT_USAGE
    for e in result.errors:
        _error(e)
    if args.json:
        # the scorer's totals at the top level, as before, plus the rows and the misses
        data = result.to_json()
        print(json.dumps({**result.totals, "files": data["files"], "misses": data["misses"],
                          "errors": data["errors"]}, ensure_ascii=False, indent=2))
    else:
        print(render([result], details=args.details, skipped={}))
    return EXIT_FAILURE if result.errors else EXIT_OK


# ---------------------------------------------------------------- text output

def _width(text: str) -> int:
    return len(unicodedata.normalize("NFC", text))


def table(headers: list[str], rows: list[list[str]], right: set[int] = frozenset()) -> str:
    widths = [max(_width(str(x)) for x in col) for col in zip(headers, *rows)]

    def line(cells):
        out = []
        for k, (cell, w) in enumerate(zip(cells, widths)):
            pad = " " * (w - _width(str(cell)))
            out.append(pad + str(cell) if k in right else str(cell) + pad)
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def _num(value) -> str:
    return f"{value:.3f}"


def summary_table(results) -> str:
    headers = ["Bộ", "Tệp", "NV", *(h for _, h in SUMMARY_COLUMNS)]
    rows = [[r.name, str(len(r.files)), str(r.totals["gold_tasks"]),
             *(_num(r.totals[k]) for k, _ in SUMMARY_COLUMNS)] for r in results]
    return table(headers, rows, right=set(range(1, len(headers))))


def files_table(result) -> str:
    headers = ["Tệp", "NV gold", "Dự đoán", "Ghép", "Đúng đủ", "F1", "Trường sai",
               "Tr.dẫn thiếu/thừa"]
    rows = []
    for f in result.files:
        fields = ", ".join(_field_label(w) for w in f.wrong_fields) or "-"
        if f.error:
            fields = "KHÔNG ĐỌC ĐƯỢC; " + fields
        rows.append([f.source, str(f.gold_tasks), str(f.pred_tasks), str(f.paired),
                     str(f.fully_correct), _num(f.full_f1), fields,
                     f"{f.citations_missed}/{f.citations_spurious}"])
    return table(headers, rows, right={1, 2, 3, 4, 5})


def _field_label(wrong: str) -> str:
    doc, _, name = wrong.rpartition(":")
    label = FIELD_LABELS.get(name, name)
    return f"{label} (VB {doc})" if doc else label


def _names(values) -> str:
    return "[" + "; ".join(values or []) + "]"


def _when(v: dict) -> str:
    parts = [v.get("due") or "—"]
    if v.get("recurrence"):
        parts.append(v["recurrence"])
    text = "/".join(parts)
    return f"{text} «{v['deadline_text']}»" if v.get("deadline_text") else text


def _where(m: dict, multi: set[str]) -> str:
    doc = f" VB{m['document']}" if m["source"] in multi else ""
    section = m.get("section")
    return f"{m['source']}{doc}" + (f" §{section}" if section else "")


def miss_line(kind: str, m: dict, multi: set[str]) -> str:
    where = _where(m, multi)
    if kind in ("missed", "spurious"):
        extra = f" — chủ trì {_names(m['lead'])}"
        if m.get("support"):
            extra += f", phối hợp {_names(m['support'])}"
        if m.get("due") or m.get("recurrence"):
            extra += f", hạn {_when(m)}"
        return f"{where}: «{m['action']}»{extra}"
    if kind in ("lead", "support"):
        return f"{where}: «{m['action']}»: gold {_names(m['gold'])} ≠ dự đoán {_names(m['pred'])}"
    if kind == "deadline":
        return f"{where}: «{m['action']}»: gold {_when(m['gold'])} ≠ dự đoán {_when(m['pred'])}"
    if kind == "fields":
        return f"{where}: {m['field']}: gold {m['gold']!r} ≠ dự đoán {m['pred']!r}"
    extra = "".join([f" ngày {m['date']}" if m.get("date") else "",
                     f" của {m['issuer']}" if m.get("issuer") else ""])
    return f"{where}: {m['number']}{extra}"


def misses_text(result) -> str:
    multi = {f.source for f in result.files
             if any(m["document"] > 1 for k in f.misses for m in f.misses[k])}
    misses = result.misses
    blocks = []
    for kind, title in MISS_TITLES.items():
        items = misses.get(kind, [])
        lines = [f"{title} ({len(items)}):"]
        lines += [f"  {miss_line(kind, m, multi)}" for m in items] or ["  (không có)"]
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def render(results, *, details: bool = False, skipped: dict[str, str]) -> str:
    out = ["Tổng hợp theo bộ đánh giá:", summary_table(results), SUMMARY_LEGEND]
    for name, why in skipped.items():
        out.append(f"(bỏ qua bộ {name}: {why})")
    for r in results:
        about = f" — {r.about}" if r.about else ""
        out += ["", f"== Bộ {r.name}: {len(r.files)} tệp, {r.totals['gold_tasks']} nhiệm vụ, "
                    f"F1 nhiệm vụ đầy đủ {_num(r.totals['tasks.full.f1'])}{about}",
                files_table(r)]
        for f in r.files:
            for d in f.disagreements:
                out.append(f"(cảnh báo: {f.source}: nhóm lỗi khác số của score.py: {d})")
        if details:
            out += ["", misses_text(r)]
    return "\n".join(out)
