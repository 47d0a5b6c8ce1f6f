"""The offices' own tools: `import-status` (read back an Excel follow-up table), `calendar`
(.ics of an agency's deadlines), `report` (the summary report .docx) and `edxml` (packages of
the national document exchange). The Excel export itself is `owes/overdue --format xlsx`."""
from __future__ import annotations

import json
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


def _db_arg(p) -> None:
    p.add_argument("--db", metavar="URL|PATH",
                   help="cơ sở dữ liệu (mặc định $OCOP_DOCS_DB hoặc var/ocop-docs.sqlite3)")


def _err(message: str) -> None:
    print(f"ocop-docs: lỗi: {message}", file=sys.stderr)


def _store(args):
    from task_graph.store import open_store
    return open_store(getattr(args, "db", None))


def register(sub) -> None:
    p = sub.add_parser(
        "import-status", help="nhập trạng thái từ bảng theo dõi Excel đã cập nhật",
        description="Đọc bảng theo dõi (.xlsx, xuất bằng `owes --format xlsx`) mà điều phối "
                    "viên đã ghi \"Đã hoàn thành\" và văn bản minh chứng, so với cơ sở dữ "
                    "liệu và in các thay đổi. Thêm --apply để ghi các thay đổi.")
    p.add_argument("file", type=Path, metavar="FILE", help="tệp .xlsx")
    p.add_argument("--apply", action="store_true", help="ghi các thay đổi (mặc định chỉ xem)")
    p.add_argument("--by", help="người cập nhật (mặc định: người dùng hệ điều hành)")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    _db_arg(p)
    p.set_defaults(func=run_import_status)

    p = sub.add_parser(
        "calendar", help="lịch hạn nhiệm vụ của một cơ quan (.ics)",
        description="Ghi lịch (iCalendar .ics) các hạn nhiệm vụ chưa xong của một cơ quan: "
                    "mỗi nhiệm vụ một sự kiện cả ngày, nhiệm vụ định kỳ là sự kiện lặp lại. "
                    "Outlook, Thunderbird, lịch điện thoại mở hoặc đăng ký được. --new-feed "
                    "tạo đường dẫn đăng ký có mã bí mật (cho `ocop-docs serve`).")
    p.add_argument("agency", metavar="AGENCY", help="cơ quan (bất kỳ tên gọi)")
    p.add_argument("--out", type=Path, metavar="FILE", help="tệp .ics (mặc định in ra)")
    p.add_argument("--role", choices=("lead", "support", "any"), default="any",
                   help="vai trò của cơ quan (mặc định any: chủ trì và phối hợp)")
    p.add_argument("--as-of", metavar="DATE", help="tính đến ngày (mặc định hôm nay)")
    p.add_argument("--new-feed", metavar="BASE_URL",
                   help="tạo một nguồn lịch có mã bí mật và in đường dẫn đăng ký, vd. "
                        "https://theodoi.example.gov.vn")
    p.add_argument("--by", help="người tạo nguồn lịch")
    _db_arg(p)
    p.set_defaults(func=run_calendar)

    p = sub.add_parser(
        "report", help="báo cáo tình hình thực hiện các nhiệm vụ được giao (.docx)",
        description="Soạn báo cáo (thể thức Nghị định 30/2020/NĐ-CP) về các nhiệm vụ đến hạn "
                    "trong một kỳ: số nhiệm vụ của từng cơ quan (hoàn thành đúng hạn, trễ hạn, "
                    "quá hạn, chưa đến hạn), biểu đồ, danh sách nhiệm vụ quá hạn; sẵn sàng để "
                    "lãnh đạo ký.")
    p.add_argument("--from", dest="period_from", required=True, metavar="DATE",
                   help="đầu kỳ báo cáo (YYYY-MM-DD)")
    p.add_argument("--to", dest="period_to", required=True, metavar="DATE",
                   help="cuối kỳ báo cáo (YYYY-MM-DD)")
    p.add_argument("--as-of", metavar="DATE",
                   help="tính quá hạn đến ngày (mặc định: cuối kỳ, hoặc hôm nay nếu sớm hơn)")
    p.add_argument("--issuer", required=True, metavar="NAME",
                   help='cơ quan báo cáo, vd. "Ủy ban nhân dân tỉnh Hòa Bình"')
    p.add_argument("--parent-issuer", metavar="NAME", help="cơ quan chủ quản (dòng trên)")
    p.add_argument("--place", help="địa danh (mặc định lấy từ tên cơ quan)")
    p.add_argument("--symbol", help='ký hiệu sau số, vd. "BC-UBND"')
    p.add_argument("--date", dest="report_date", metavar="DATE", help="ngày của báo cáo")
    p.add_argument("--signer", metavar="NAME", help="họ tên người ký")
    p.add_argument("--signer-title", metavar="TITLE",
                   help='thẩm quyền và chức vụ, vd. "KT. CHỦ TỊCH|PHÓ CHỦ TỊCH" hoặc "CHỦ TỊCH"')
    p.add_argument("--cc", action="append", default=[], metavar="NAME", help="nơi nhận")
    p.add_argument("--drafting-unit", default="KT", metavar="UNIT")
    p.add_argument("--role", choices=("lead", "support", "any"), default="lead")
    p.add_argument("--template", type=Path, metavar="PATH",
                   help="mẫu của cơ quan: thư mục như templates/ hoặc một tệp *.xml.j2")
    p.add_argument("--out", type=Path, metavar="FILE",
                   help="tệp .docx (mặc định out/bao-cao/<kỳ>.docx)")
    _db_arg(p)
    p.set_defaults(func=run_report)


def run_import_status(args) -> int:
    from ocop_docs.office import OfficeFileError
    from ocop_docs.office.followup import apply_changes, plan_changes, read_followup
    from task_graph.store import StoreError

    try:
        rows = read_followup(args.file)
    except OfficeFileError as exc:
        _err(str(exc))
        return EXIT_FAILURE
    store = _store(args)
    plan = plan_changes(store, rows)
    applied = []
    if args.apply and plan.changes:
        try:
            applied = apply_changes(store, plan, by=args.by, source=args.file.name)
        except StoreError as exc:
            _err(f"{args.file}: {exc}")
            return EXIT_FAILURE
    if args.json:
        print(json.dumps({**plan.to_json(), "applied": len(applied)}, ensure_ascii=False,
                         indent=2))
    else:
        verb = "Đã ghi" if args.apply else "Sẽ ghi"
        for c in plan.changes:
            what = "đã hoàn thành" if c.action == "done" else "mở lại (chưa hoàn thành)"
            period = f" kỳ {c.period}" if c.period else ""
            ev = f", minh chứng: {c.evidence}" if c.evidence else ""
            print(f"  dòng {c.line}: #{c.task_id}{period} → {what}{ev} — {c.task_action[:80]}")
        for line, msg in plan.problems:
            print(f"  dòng {line}: bỏ qua: {msg}")
        print(f"{verb} {len(plan.changes)} thay đổi; {plan.unchanged} dòng không đổi; "
              f"{len(plan.problems)} dòng lỗi." + ("" if args.apply or not plan.changes
                                                   else " Thêm --apply để ghi."))
    return EXIT_FAILURE if plan.problems else EXIT_OK


def run_calendar(args) -> int:
    from ocop_docs.office.calendar import agency_calendar
    from task_graph.store import StoreError

    store = _store(args)
    try:
        data, ics = agency_calendar(store, args.agency, as_of=_as_date(args.as_of),
                                    role=args.role)
    except (StoreError, ValueError) as exc:
        _err(str(exc))
        return EXIT_FAILURE
    if not data["agencies"]:
        _err(f"không tìm thấy cơ quan hoặc nhiệm vụ nào: {args.agency}")
        return EXIT_FAILURE
    if args.new_feed:
        from ocop_docs.office.feeds import create_feed
        _id, token = create_feed(store.engine, args.agency, role=args.role, by=args.by)
        print(f"{args.new_feed.rstrip('/')}/calendar/{token}.ics")
        return EXIT_OK
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(ics)
        print(f"Đã ghi {len(data['events'])} sự kiện ({data['agency']}) vào {args.out}",
              file=sys.stderr)
    else:
        sys.stdout.write(ics.decode("utf-8"))
    return EXIT_OK


def _as_date(text: str | None):
    from datetime import date
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"ngày không hợp lệ: {text!r} (dạng YYYY-MM-DD)") from None


def _signer_title(text: str | None) -> tuple[str | None, str | None]:
    if not text:
        return None, None
    if "|" in text:
        authority, title = text.split("|", 1)
        return authority.strip() or None, title.strip() or None
    return None, text.strip()


def run_report(args) -> int:
    from ocop_docs.letters.render import LetterTemplateError
    from ocop_docs.office.report import ReportSettings, file_name, render_report, summarize
    from task_graph.store import StoreError

    try:
        start, end = _as_date(args.period_from), _as_date(args.period_to)
        as_of, report_date = _as_date(args.as_of), _as_date(args.report_date)
    except ValueError as exc:
        _err(str(exc))
        return EXIT_USAGE
    if end < start:
        _err("--to phải sau --from")
        return EXIT_USAGE
    authority, title = _signer_title(args.signer_title)
    settings = ReportSettings(issuer=args.issuer, parent_issuer=args.parent_issuer,
                              place=args.place, symbol=args.symbol, report_date=report_date,
                              signer_name=args.signer, signer_authority=authority,
                              signer_title=title, copies_to=list(args.cc),
                              drafting_unit=args.drafting_unit)
    try:
        report = summarize(_store(args), start, end, as_of=as_of, role=args.role,
                           settings=settings)
        data = render_report(report, args.template)
    except (StoreError, LetterTemplateError) as exc:
        _err(str(exc))
        return EXIT_FAILURE
    out = args.out or Path("out") / "bao-cao" / file_name(report)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(out)
    t = report.totals
    print(f"{out}\t{len(report.agencies)} cơ quan, {t.total} nhiệm vụ: {t.on_time} đúng hạn, "
          f"{t.late} trễ hạn, {t.overdue} quá hạn, {t.pending} chưa đến hạn")
    return EXIT_OK
