"""Task-graph commands: ingest, agencies, graph export, owes, overdue, upcoming, task show,
chain, done, reopen. All read and write the store chosen by --db / $OCOP_DOCS_DB
(default var/ocop-docs.sqlite3 under the current directory)."""
from __future__ import annotations

import csv
import io
import json
import sys
import textwrap

from ocop_docs.messages import msg

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2

STATUS_VI = {"open": "chưa xong", "done": "đã xong"}
ROLE_VI = {"lead": "chủ trì", "support": "phối hợp"}
CLI_LIMIT = 1000      # tasks per page on the command line (the query functions default to 200)


def _db_arg(p) -> None:
    p.add_argument("--db", metavar="URL|PATH",
                   help="cơ sở dữ liệu: đường dẫn tệp SQLite hoặc URL SQLAlchemy "
                        "(mặc định $OCOP_DOCS_DB hoặc var/ocop-docs.sqlite3)")


def _page_args(p, default_limit: int) -> None:
    p.add_argument("--limit", type=int, default=default_limit, metavar="N",
                   help=f"số nhiệm vụ tối đa mỗi trang (mặc định {default_limit})")
    p.add_argument("--offset", type=int, default=0, metavar="N", help="bỏ qua N nhiệm vụ đầu")
    p.add_argument("--after", metavar="NEXT",
                   help="trang tiếp theo của danh sách mọi cơ quan: giá trị 'next' của trang "
                        "trước (nhanh như trang đầu, kể cả trang rất xa)")
    p.add_argument("--format", choices=("table", "json", "csv", "xlsx"), default="table",
                   help="dạng kết quả (mặc định table; xlsx: bảng theo dõi Excel, cần --out)")
    p.add_argument("--out", metavar="FILE", help="với --format xlsx: tệp .xlsx cần ghi")
    p.add_argument("--role", choices=("lead", "support", "any"), default="lead",
                   help="vai trò của cơ quan: lead (chủ trì, mặc định), support (phối hợp), any")


def register(sub) -> None:
    p = sub.add_parser("ingest", help="đọc, trích xuất và lưu văn bản vào cơ sở dữ liệu",
                       description="Đọc các tệp và thư mục, trích xuất văn bản và nhiệm vụ, "
                                   "lưu vào cơ sở dữ liệu. Tệp đã lưu (cùng nội dung) được "
                                   "bỏ qua; tệp lỗi được báo và bỏ qua.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="tệp hoặc thư mục")
    p.add_argument("--extractions", metavar="DIR",
                   help="thư mục chứa bản trích xuất đã duyệt (<tên tệp>.gold.json hoặc "
                        "<tên tệp>.json), dùng thay cho bộ trích xuất khi có")
    p.add_argument("--json", action="store_true", help="in tóm tắt dạng JSON")
    p.add_argument("--queue", metavar="URL",
                   help="gửi tệp vào hàng đợi (vd. redis://127.0.0.1:6379/0; mặc định "
                        "$OCOP_DOCS_QUEUE) cho các tiến trình `ocop-docs worker` xử lý, thay vì "
                        "xử lý ngay tại đây")
    p.add_argument("--wait", action="store_true",
                   help="với --queue: chờ mọi tệp xử lý xong rồi in tóm tắt")
    _db_arg(p)
    p.set_defaults(func=run_ingest)

    p = sub.add_parser("agencies", help="liệt kê cơ quan và tên gọi khác; gộp cơ quan",
                       description="`agencies [AGENCY]` liệt kê cơ quan, nhóm cơ quan và các "
                                   "tên gọi khác. `agencies merge A B` gộp cơ quan A vào B "
                                   "(A, B: mã số hoặc tên đủ rõ); việc gộp được ghi lại và giữ "
                                   "qua các lần nhập sau.")
    p.add_argument("words", nargs="*", metavar="AGENCY | merge A B",
                   help="tên cần tìm (bất kỳ tên gọi), hoặc: merge A B")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--by", help="người gộp (mặc định: người dùng hệ điều hành)")
    _db_arg(p)
    p.set_defaults(func=run_agencies)

    p = sub.add_parser("graph", help="xuất đồ thị văn bản - nhiệm vụ - cơ quan")
    gsub = p.add_subparsers(dest="graph_cmd", metavar="export")
    e = gsub.add_parser("export", help="xuất đồ thị ra graphml, gexf hoặc json")
    e.add_argument("--format", choices=("graphml", "gexf", "json"), default="graphml")
    e.add_argument("--out", metavar="FILE", help="ghi ra tệp (mặc định in ra màn hình)")
    e.add_argument("--no-tasks", action="store_true", help="chỉ văn bản và cơ quan")
    _db_arg(e)
    e.set_defaults(func=run_graph_export)
    p.set_defaults(func=lambda args: (p.print_help(), EXIT_USAGE)[1])

    p = sub.add_parser("owes", help="cơ quan nào phải làm gì, hạn khi nào",
                       description="Nhiệm vụ chưa xong theo từng cơ quan, kèm văn bản giao "
                                   "(số, ngày) và mục. Không nêu AGENCY: mọi cơ quan, theo "
                                   "trang (--limit/--offset).")
    p.add_argument("agency", nargs="?", metavar="AGENCY",
                   help="tên cơ quan (bất kỳ tên gọi, không phân biệt dấu/hoa thường)")
    p.add_argument("--due-before", metavar="DATE", help="chỉ nhiệm vụ có hạn đến hết ngày DATE")
    p.add_argument("--overdue", action="store_true", help="chỉ nhiệm vụ quá hạn")
    p.add_argument("--as-of", metavar="DATE", help="tính đến ngày (mặc định hôm nay)")
    p.add_argument("--no-groups", action="store_true",
                   help="không tính nhiệm vụ giao cho nhóm (\"các sở, ban, ngành\")")
    p.add_argument("--include-done", action="store_true", help="kể cả nhiệm vụ đã xong")
    _page_args(p, CLI_LIMIT)
    _db_arg(p)
    p.set_defaults(func=run_owes)

    p = sub.add_parser("overdue", help="nhiệm vụ quá hạn tính đến một ngày")
    p.add_argument("agency", nargs="?", metavar="AGENCY")
    p.add_argument("--as-of", metavar="DATE", help="tính đến ngày (mặc định hôm nay)")
    _page_args(p, CLI_LIMIT)
    _db_arg(p)
    p.set_defaults(func=run_overdue)

    p = sub.add_parser("upcoming", help="nhiệm vụ đến hạn trong N ngày tới")
    p.add_argument("agency", nargs="?", metavar="AGENCY")
    p.add_argument("--days", type=int, default=30, metavar="N", help="số ngày (mặc định 30)")
    p.add_argument("--as-of", metavar="DATE", help="tính từ ngày (mặc định hôm nay)")
    _page_args(p, CLI_LIMIT)
    _db_arg(p)
    p.set_defaults(func=run_upcoming)

    p = sub.add_parser("task", help="xem một nhiệm vụ")
    tsub = p.add_subparsers(dest="task_cmd", metavar="show")
    s = tsub.add_parser("show", help="chi tiết nhiệm vụ: văn bản, cơ quan, các kỳ, lịch sử")
    s.add_argument("task_id", type=int, metavar="ID")
    s.add_argument("--as-of", metavar="DATE")
    s.add_argument("--format", choices=("table", "json"), default="table")
    _db_arg(s)
    s.set_defaults(func=run_task_show)
    p.set_defaults(func=lambda args: (p.print_help(), EXIT_USAGE)[1])

    p = sub.add_parser("chain", help="chuỗi văn bản thực hiện (lên và xuống) của một văn bản")
    p.add_argument("number", metavar="DOC_NUMBER", help="số ký hiệu, ví dụ 5077/KH-SNN")
    p.add_argument("--depth", type=int, default=10, metavar="N")
    p.add_argument("--format", choices=("table", "json"), default="table")
    _db_arg(p)
    p.set_defaults(func=run_chain)

    p = sub.add_parser("search", help="tìm văn bản và nhiệm vụ theo từ (không phân biệt dấu)",
                       description="Tìm văn bản (loại, số, trích yếu, cơ quan ban hành) và nhiệm "
                                   "vụ (nội dung) chứa mọi từ đã gõ, có dấu hay không dấu: "
                                   "'ke hoach trien khai' tìm được 'Kế hoạch triển khai'.")
    p.add_argument("words", nargs="+", metavar="WORD")
    p.add_argument("--limit", type=int, default=50, metavar="N",
                   help="số văn bản và số nhiệm vụ tối đa (mặc định 50)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    _db_arg(p)
    p.set_defaults(func=run_search)

    for name, status, helptext in (("done", "done", "đánh dấu nhiệm vụ đã hoàn thành"),
                                   ("reopen", "open", "mở lại nhiệm vụ")):
        p = sub.add_parser(name, help=helptext,
                           description=helptext + ". Nhiệm vụ định kỳ: mỗi kỳ một trạng thái "
                                                  "(--period 2019, 2019-Q2, 2019-06...).")
        p.add_argument("task_id", type=int, metavar="TASK_ID")
        p.add_argument("--period", help="kỳ của nhiệm vụ định kỳ (mặc định: kỳ sớm nhất "
                                        "chưa xong / kỳ xong gần nhất)")
        p.add_argument("--by", help="người thực hiện (mặc định: người dùng hệ điều hành)")
        p.add_argument("--note", metavar="TEXT", help="ghi chú")
        if status == "done":
            p.add_argument("--evidence", metavar="DOC_NUMBER",
                           help="số văn bản chứng minh (báo cáo kết quả)")
        _db_arg(p)
        p.set_defaults(func=run_status, new_status=status)


# ----------------------------------------------------------------------------- helpers

def _store(args):
    from task_graph.store import open_store
    return open_store(getattr(args, "db", None))


def _err(message: str) -> None:
    print(msg("cli.error", message=message), file=sys.stderr)


def _guard(fn):
    """Turn the store's user errors into a message and exit code 1."""
    def wrapped(args):
        from task_graph.store import StoreError
        try:
            return fn(args)
        except StoreError as exc:
            _err(str(exc))
            return EXIT_FAILURE
    wrapped.__name__ = fn.__name__
    return wrapped


def _short(text: str, width: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[:width - 1] + "…"


def _vn_date(iso: str | None) -> str | None:
    """2019-06-30 -> 30/06/2019, as dates are written in Vietnamese documents."""
    if not iso or len(iso) != 10:
        return iso
    return f"{iso[8:10]}/{iso[5:7]}/{iso[0:4]}"


def _doc_label(doc: dict) -> str:
    number = doc.get("number") or f"({doc.get('doc_type') or 'văn bản'} không số)"
    return f"{number} ngày {_vn_date(doc['issued_date'])}" if doc.get("issued_date") else number


def print_task_table(result: dict, out=None) -> None:
    out = out or sys.stdout
    if result.get("query") and not result.get("matched_agencies"):
        print(f"Không tìm thấy cơ quan: {result['query']}", file=out)
        return
    for group in result["agencies"]:
        print(f"\n■ {group['agency']['name']}  ({len(group['tasks'])} nhiệm vụ)", file=out)
        for t in group["tasks"]:
            tid = f"#{t['task_id']}" + (f"@{t['period']}" if t["period"] else "")
            due = _vn_date(t["due"]) or (t["deadline_text"] or "không hạn")
            flag = " QUÁ HẠN" if t["overdue"] else ""
            if t["status"] == "done":
                flag = " đã xong"
            role = "" if t["role"] == "lead" else f" [{ROLE_VI.get(t['role'], t['role'])}]"
            via = f" [qua nhóm: {t['via_group']}]" if t.get("via_group") else ""
            src = _doc_label(t["document"]) + (f", mục {t['section']}" if t["section"] else "")
            print(f"  {tid:<12} hạn {due:<12}{flag}{role}{via}", file=out)
            print(textwrap.indent(textwrap.fill(_short(t["action"], 300), 92), "      "),
                  file=out)
            print(f"      ← {src}", file=out)
    more = " — còn nữa, dùng --offset để xem tiếp" if result["truncated"] else ""
    if result.get("next"):
        more = f" — còn nữa, xem tiếp: --after {result['next']}"
    print(f"\nTính đến {_vn_date(result['as_of'])}: {result['rows']} dòng, "
          f"{len(result['agencies'])} cơ quan{more}.", file=out)


CSV_FIELDS = ("agency", "task_id", "period", "due", "deadline_text", "recurrence", "status",
              "overdue", "role", "via_group", "document_number", "document_date", "section",
              "action")


def print_task_csv(result: dict, out=None) -> None:
    out = out or sys.stdout
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_FIELDS)
    w.writeheader()
    for group in result["agencies"]:
        for t in group["tasks"]:
            w.writerow({"agency": group["agency"]["name"], "task_id": t["task_id"],
                        "period": t["period"] or "", "due": t["due"] or "",
                        "deadline_text": t["deadline_text"] or "",
                        "recurrence": t["recurrence"] or "", "status": t["status"],
                        "overdue": int(t["overdue"]), "role": t["role"],
                        "via_group": t["via_group"] or "",
                        "document_number": t["document"]["number"] or "",
                        "document_date": t["document"]["issued_date"] or "",
                        "section": t["section"] or "", "action": t["action"]})
    out.write(buf.getvalue())


def _emit(result: dict, fmt: str, out: str | None = None) -> int:
    if result.get("query") and not result.get("matched_agencies"):
        _err(f"không tìm thấy cơ quan nào khớp «{result['query']}»")
        return EXIT_FAILURE
    if fmt == "xlsx":
        from ocop_docs.office.followup import write_followup
        if not out:
            _err("--format xlsx cần --out FILE (tệp .xlsx)")
            return EXIT_USAGE
        write_followup(result, out)
        print(f"Đã ghi bảng theo dõi ({result['rows']} dòng) vào {out}", file=sys.stderr)
        return EXIT_OK
    if fmt == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        print_task_csv(result)
    else:
        print_task_table(result)
    return EXIT_OK


# ----------------------------------------------------------------------------- commands

def run_ingest(args) -> int:
    from ocop_docs.jobs.queue import queue_url
    from task_graph.ingest import ingest_paths

    url = queue_url(getattr(args, "queue", None))
    if url and not getattr(args, "extractions", None):
        from ocop_docs.cli.jobs_cmd import ingest_via_queue

        return ingest_via_queue(args, url)

    store = _store(args)
    report = ingest_paths(store, args.paths, extraction_dir=args.extractions,
                          on_failure=lambda path, msg: _err(msg))
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print(f"Đã xử lý {report.files} tệp: lưu mới {report.stored} tệp "
              f"({report.documents} văn bản, {report.tasks} nhiệm vụ), "
              f"đã có sẵn {report.already_present}, lỗi {len(report.failures)}.")
        for path, _msg in report.failures:
            print(f"  lỗi: {path}")
    return EXIT_FAILURE if report.failures else EXIT_OK


@_guard
def run_agencies(args) -> int:
    from task_graph.queries import list_agencies

    if args.words and args.words[0] == "merge":
        if len(args.words) != 3:
            _err("cú pháp: ocop-docs agencies merge A B")
            return EXIT_USAGE
        args.source, args.target = args.words[1:]
        return run_merge(args)
    rows = list_agencies(_store(args), " ".join(args.words) or None)
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        print("Không tìm thấy cơ quan nào.")
    for r in rows:
        kind = " [nhóm]" if r["kind"] == "group" else ""
        print(f"{r['id']:>6}  {r['name']}{kind}")
        if r["aliases"]:
            print("        tên gọi khác: " + "; ".join(r["aliases"]))
        if r.get("members"):
            print("        gồm: " + "; ".join(m["name"] for m in r["members"]))
    return EXIT_OK


@_guard
def run_merge(args) -> int:
    from task_graph.queries import find_agencies
    from task_graph.store import StoreError

    store = _store(args)
    ids = []
    with store.connect() as conn:
        for text in (args.source, args.target):
            rows = find_agencies(conn, text)
            if len(rows) != 1:
                names = "; ".join(f"{r.id} {r.name}" for r in rows[:10]) or "không có"
                raise StoreError(f"'{text}' phải chỉ đúng một cơ quan (tìm thấy: {names}); "
                                 f"dùng mã số")
            ids.append(rows[0].id)
    res = store.merge_agencies(ids[0], ids[1], by=args.by)
    print(f"Đã gộp «{res['from']['name']}» vào «{res['into']['name']}».")
    return EXIT_OK


def run_graph_export(args) -> int:
    from task_graph.graph import build_graph, export_graph

    text = export_graph(build_graph(_store(args), include_tasks=not args.no_tasks),
                        args.format, args.out)
    if text is not None:
        print(text)
    else:
        print(f"Đã ghi đồ thị vào {args.out}", file=sys.stderr)
    return EXIT_OK


@_guard
def run_owes(args) -> int:
    from task_graph.queries import owes

    result = owes(_store(args), args.agency, as_of=args.as_of, due_before=args.due_before,
                  overdue=args.overdue, role=args.role, include_groups=not args.no_groups,
                  include_done=args.include_done, limit=args.limit, offset=args.offset,
                  after=getattr(args, "after", None))
    return _emit(result, args.format, args.out)


@_guard
def run_overdue(args) -> int:
    from task_graph.queries import overdue

    result = overdue(_store(args), args.as_of, args.agency, role=args.role, limit=args.limit,
                     offset=args.offset, after=getattr(args, "after", None))
    return _emit(result, args.format, args.out)


@_guard
def run_upcoming(args) -> int:
    from task_graph.queries import upcoming

    if getattr(args, "after", None):
        _err("--after dùng cho owes và overdue; upcoming dùng --offset")
        return EXIT_USAGE
    result = upcoming(_store(args), args.days, args.as_of, args.agency, role=args.role,
                      limit=args.limit, offset=args.offset)
    return _emit(result, args.format, args.out)


@_guard
def run_task_show(args) -> int:
    from task_graph.queries import task_detail

    t = task_detail(_store(args), args.task_id, args.as_of)
    if args.format == "json":
        print(json.dumps(t, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"Nhiệm vụ #{t['task_id']} — {_doc_label(t['document'])}"
          + (f", mục {t['section']}" if t["section"] else ""))
    print(f"  Văn bản: {t['document']['doc_type'] or ''} của {t['document']['issuer'] or '?'}"
          f" ({t['document']['source_path']})")
    print(textwrap.indent(textwrap.fill(t["action"], 92), "  "))
    print("  Chủ trì: " + ("; ".join(a["name"] for a in t["lead"]) or "—"))
    print("  Phối hợp: " + ("; ".join(a["name"] for a in t["support"]) or "—"))
    print(f"  Hạn: {_vn_date(t['due']) or '—'}" + (f" ({t['deadline_text']})" if t["deadline_text"] else "")
          + (f"; định kỳ: {t['recurrence']}" if t["recurrence"] else ""))
    for o in t["occurrences"]:
        label = f"kỳ {o['period']}" if o["period"] else "trạng thái"
        flag = " — QUÁ HẠN" if o["overdue"] else ""
        print(f"  {label}: {STATUS_VI.get(o['status'], o['status'])}"
              + (f", hạn {_vn_date(o['due'])}" if o["due"] else "") + flag)
    for h in t["history"]:
        print(f"  · {h['at']} {h['by']}: {STATUS_VI.get(h['status'], h['status'])}"
              + (f" kỳ {h['period']}" if h["period"] else "")
              + (f", căn cứ {h['evidence']}" if h["evidence"] else "")
              + (f" — {h['note']}" if h["note"] else ""))
    if t.get("reminders"):
        print("  Đã đôn đốc:")
    for r in t.get("reminders") or []:
        number = f"công văn số {r['number']}" if r["number"] else "công văn chưa vào sổ"
        print(f"  · lần {r['ordinal']}: {number} ngày {_vn_date(r['letter_date'])}"
              f" gửi {r['recipient']} (mã {r['letter_id']})")
    return EXIT_OK


def _print_chain(nodes, key: str, depth: int, arrow: str) -> None:
    for n in nodes:
        stored = "" if n.get("stored", True) else " (chưa có trong CSDL)"
        tasks = f", {n['tasks']} nhiệm vụ" if n.get("stored", True) else ""
        print("  " * depth + f"{arrow} {n.get('doc_type') or ''} {_doc_label(n)} — "
              f"{n.get('issuer') or '?'}{tasks}{stored}")
        _print_chain(n.get(key) or [], key, depth + 1, arrow)


@_guard
@_guard
def run_search(args) -> int:
    from task_graph.queries import search

    res = search(_store(args), " ".join(args.words), limit=args.limit)
    if args.format == "json":
        print(json.dumps(res, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"Văn bản ({len(res['documents'])}):")
    for d in res["documents"]:
        print(f"  {d['doc_type'] or ''} {_doc_label(d)} — {_short(d['subject'] or '', 80)}")
    print(f"Nhiệm vụ ({len(res['tasks'])}):")
    for t in res["tasks"]:
        print(f"  #{t['task_id']:<8} {_short(t['action'], 90)}  ← {_doc_label(t['document'])}")
    if res["truncated"]:
        print("(còn nữa: tăng --limit hoặc thêm từ)")
    return EXIT_OK


def run_chain(args) -> int:
    from task_graph.queries import chain

    res = chain(_store(args), args.number, depth=args.depth)
    if args.format == "json":
        print(json.dumps(res, ensure_ascii=False, indent=2))
        return EXIT_OK
    for d in res["documents"]:
        print(f"{d['doc_type'] or ''} {_doc_label(d)} — {d['issuer'] or '?'}, "
              f"{d['tasks']} nhiệm vụ")
        print(" Thực hiện (lên):" if d["up"] else " Thực hiện (lên): —")
        _print_chain(d["up"], "up", 1, "↑")
        print(" Được thực hiện bởi (xuống):" if d["down"] else " Được thực hiện bởi (xuống): —")
        _print_chain(d["down"], "down", 1, "↓")
    return EXIT_OK


@_guard
def run_status(args) -> int:
    store = _store(args)
    res = store.set_status(args.task_id, args.new_status, period=args.period, by=args.by,
                           evidence=getattr(args, "evidence", None), note=args.note)
    period = f" kỳ {res['period']}" if res["period"] else ""
    print(f"Nhiệm vụ #{res['task_id']}{period}: {STATUS_VI[res['status']]} "
          f"({res['by']}, {res['at']}).")
    return EXIT_OK
