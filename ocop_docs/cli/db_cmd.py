"""`ocop-docs db migrate-to URL`: copy the whole store to another database (SQLite to
PostgreSQL or back), verified by row counts and checksums, resumable."""
from __future__ import annotations

import json
import sys

EXIT_OK, EXIT_FAILURE = 0, 1


def register(sub) -> None:
    p = sub.add_parser("db", help="quản lý cơ sở dữ liệu: chép sang cơ sở dữ liệu khác")
    dsub = p.add_subparsers(dest="db_command", metavar="SUBCOMMAND", required=True)
    m = dsub.add_parser(
        "migrate-to", help="chép toàn bộ dữ liệu sang cơ sở dữ liệu khác (SQLite ⇄ PostgreSQL)",
        description="Chép mọi bảng (văn bản, nhiệm vụ, cơ quan, lịch sử, hiệu chỉnh, công văn "
                    "đôn đốc, tài khoản...) từ cơ sở dữ liệu hiện tại (--db) sang URL, giữ "
                    "nguyên mã số; kiểm tra số dòng và tổng kiểm tra từng bảng. Bị ngắt giữa "
                    "chừng thì chạy lại lệnh để chép tiếp.")
    m.add_argument("target", metavar="URL|PATH", help="cơ sở dữ liệu đích (trống), vd. "
                   "postgresql+psycopg://ocop@127.0.0.1:5432/ocop_docs")
    m.add_argument("--db", metavar="URL|PATH", help="cơ sở dữ liệu nguồn (mặc định "
                   "$OCOP_DOCS_DB hoặc var/ocop-docs.sqlite3)")
    m.add_argument("--batch", type=int, default=2000, metavar="N",
                   help="số dòng mỗi lần ghi (mặc định 2000)")
    m.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    m.set_defaults(func=run_migrate_to)


def run_migrate_to(args) -> int:
    from task_graph.copy import copy_store

    report = copy_store(args.db, args.target, batch=max(1, args.batch),
                        log=lambda line: print(line, file=sys.stderr))
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    rows = sum(t.source_rows for t in report.tables)
    if report.ok:
        if not args.json:
            print(f"Đã chép {len(report.tables)} bảng, {rows} dòng; số dòng và tổng kiểm tra "
                  f"của mọi bảng khớp.")
        return EXIT_OK
    for t in report.tables:
        if not t.ok:
            print(f"ocop-docs: lỗi: bảng {t.name} không khớp: nguồn {t.source_rows} dòng, "
                  f"đích {t.target_rows} dòng (tổng kiểm tra {t.source_sum} / {t.target_sum})",
                  file=sys.stderr)
    return EXIT_FAILURE
