"""`ocop-docs eval GOLD_DIR --sources DIR [--details] [--json]`: score extraction on gold data."""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from ocop_docs.ingest import IngestError


def register(sub) -> None:
    p = sub.add_parser(
        "eval", help="chấm điểm trích xuất trên bộ dữ liệu chuẩn (gold)",
        description="Chạy trích xuất trên các tệp nguồn của bộ gold và in các chỉ số của "
                    "score.py (độ chính xác trường, F1 trích dẫn, F1 nhiệm vụ ...).")
    p.add_argument("gold_dir", type=Path, metavar="GOLD_DIR", help="thư mục *.gold.json")
    p.add_argument("--sources", type=Path, required=True, metavar="DIR",
                   help="thư mục chứa các tệp nguồn")
    p.add_argument("--details", action="store_true", help="liệt kê từng lỗi")
    p.add_argument("--json", action="store_true", help="in chỉ số dạng JSON")
    p.add_argument("--keep", type=Path, metavar="DIR", help="giữ các tệp dự đoán trong DIR")
    p.set_defaults(func=run)


def run(args) -> int:
    from ocop_docs.evaluation import score
    from ocop_docs.extract.pipeline import extract_file

    gold_files = sorted(args.gold_dir.glob("*.gold.json"))
    if not gold_files:
        print(f"ocop-docs: lỗi: {args.gold_dir}: không có tệp *.gold.json", file=sys.stderr)
        return 2
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        pred_dir = args.keep or Path(tmp)
        pred_dir.mkdir(parents=True, exist_ok=True)
        for gf in gold_files:
            gold = json.loads(gf.read_text(encoding="utf-8"))
            source = gold.get("source") or gf.name[: -len(".gold.json")]
            try:
                pred = extract_file(args.sources / source).to_json()
            except (IngestError, OSError) as exc:
                failures += 1
                print(f"ocop-docs: lỗi: {exc}", file=sys.stderr)
                continue   # the scorer counts a missing prediction as an empty one
            (pred_dir / f"{source}.json").write_text(
                json.dumps(pred, ensure_ascii=False, indent=2), encoding="utf-8")
        flags = (["--details"] if args.details else []) + (["--json"] if args.json else [])
        code = score.main([str(args.gold_dir), str(pred_dir), *flags])
    return 1 if failures else code
