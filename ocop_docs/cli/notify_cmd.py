"""`ocop-docs notify`: email each account with a unit the tasks of its agency coming due."""
from __future__ import annotations

import sys

from ocop_docs.messages import msg

EXIT_OK, EXIT_FAILURE = 0, 1


def register(sub) -> None:
    p = sub.add_parser("notify", help="gửi thư báo nhiệm vụ sắp đến hạn cho từng đơn vị",
                       description="Gửi cho mỗi tài khoản có đơn vị và địa chỉ thư một thư liệt "
                                   "kê nhiệm vụ của đơn vị đã quá hạn hoặc sắp đến hạn, qua máy "
                                   "chủ thư OCOP_DOCS_SMTP_HOST (cổng OCOP_DOCS_SMTP_PORT).")
    p.add_argument("--db", metavar="URL|PATH",
                   help="cơ sở dữ liệu (mặc định $OCOP_DOCS_DB hoặc var/ocop-docs.sqlite3)")
    p.add_argument("--as-of", metavar="NGÀY", help="tính đến ngày (dd/mm/yyyy; mặc định hôm nay)")
    p.add_argument("--days", type=int, help="số ngày tới coi là sắp đến hạn (mặc định 7)")
    p.set_defaults(func=run)


def run(args) -> int:
    from ocop_docs import vntime
    from ocop_docs.web import notify
    from task_graph import open_store

    settings = notify.SmtpSettings.from_env()
    if settings is None:
        print(msg("cli.error", message=msg("notify.smtp_missing")), file=sys.stderr)
        return EXIT_FAILURE
    as_of = vntime.parse_date(args.as_of) if args.as_of else vntime.today()
    if as_of is None:
        print(msg("cli.error", message=msg("cli.bad_date", value=args.as_of)), file=sys.stderr)
        return EXIT_FAILURE
    store = open_store(args.db)
    try:
        sent = notify.send_due_mail(store, settings, as_of, args.days)
    except OSError as exc:
        print(msg("cli.error", message=msg("notify.smtp_failed", host=settings.host,
                                           port=settings.port, reason=exc)), file=sys.stderr)
        return EXIT_FAILURE
    finally:
        store.close()
    if not sent:
        print(msg("notify.nothing"))
    for s in sent:
        print(f"{s['user']} <{s['email']}>: {s['tasks']}")
    print(msg("notify.sent", count=len(sent)))
    return EXIT_OK
