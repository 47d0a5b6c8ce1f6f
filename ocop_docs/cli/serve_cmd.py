"""`ocop-docs serve`: the web application; `ocop-docs users add|set|disable|enable|delete|list`:
its accounts."""
from __future__ import annotations

import getpass
import os
import sys

from ocop_docs.messages import msg

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
ENV_PASSWORD = "OCOP_DOCS_PASSWORD"
ROLES = ("viewer", "clerk", "coordinator")


def _db_arg(p) -> None:
    p.add_argument("--db", metavar="URL|PATH",
                   help="cơ sở dữ liệu (mặc định $OCOP_DOCS_DB hoặc var/ocop-docs.sqlite3)")


def register(sub) -> None:
    p = sub.add_parser("serve", help="chạy ứng dụng web cho văn thư và điều phối viên",
                       description="Chạy ứng dụng web: tải văn bản lên, hiệu đính, sổ văn bản, "
                                   "theo dõi nhiệm vụ, sơ đồ, công văn đôn đốc và API JSON "
                                   "(/api/, mô tả ở /openapi.json). Mặc định chỉ nghe trên "
                                   "127.0.0.1.")
    p.add_argument("--host", default="127.0.0.1",
                   help="địa chỉ nghe (mặc định 127.0.0.1; 0.0.0.0 mở cho cả mạng)")
    p.add_argument("--port", type=int, default=8000, help="cổng (mặc định 8000)")
    p.add_argument("--storage", metavar="DIR",
                   help="thư mục lưu tệp tải lên (mặc định $OCOP_DOCS_STORAGE hoặc var/uploads)")
    p.add_argument("--workers", type=int, default=2, help="số luồng trích xuất nền (mặc định 2)")
    p.add_argument("--queue", metavar="URL",
                   help="hàng đợi việc (vd. redis://127.0.0.1:6379/0; mặc định $OCOP_DOCS_QUEUE): "
                        "tệp tải lên do các tiến trình `ocop-docs worker` xử lý; không có thì "
                        "xử lý ngay trong tiến trình này")
    p.add_argument("--allowed-host", action="append", default=[], metavar="NAME",
                   help="tên máy chủ được phép trong tiêu đề Host (lặp lại được; mặc định "
                        "$OCOP_DOCS_ALLOWED_HOSTS, hoặc 127.0.0.1, localhost và địa chỉ --host)")
    p.add_argument("--create-user", metavar="NAME",
                   help="tạo tài khoản NAME (chưa có) rồi thoát; mật khẩu lấy từ "
                        f"${ENV_PASSWORD} hoặc hỏi khi chạy")
    p.add_argument("--role", choices=ROLES, default="viewer",
                   help="vai trò cho --create-user: viewer (xem), clerk (văn thư: tải lên, "
                        "hiệu đính), coordinator (điều phối: toàn quyền)")
    _db_arg(p)
    p.set_defaults(func=run_serve)

    u = sub.add_parser("users", help="quản lý tài khoản ứng dụng web")
    usub = u.add_subparsers(dest="users_cmd", metavar="add|set|disable|enable|delete|list")
    a = usub.add_parser("add", help="tạo tài khoản mới (tên đã có thì báo lỗi, dùng `set`)")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--role", choices=ROLES, required=True)
    _db_arg(a)
    a.set_defaults(func=run_users_add)
    st = usub.add_parser("set", help="đổi vai trò và/hoặc mật khẩu của tài khoản đã có")
    st.add_argument("name", metavar="NAME")
    st.add_argument("--role", choices=ROLES)
    st.add_argument("--password", action="store_true",
                    help=f"đặt mật khẩu mới (lấy từ ${ENV_PASSWORD} hoặc hỏi khi chạy)")
    _db_arg(st)
    st.set_defaults(func=run_users_set)
    for cmd, text in (("disable", "khóa tài khoản (không đăng nhập được, kết thúc các phiên)"),
                      ("enable", "mở khóa tài khoản"), ("delete", "xóa tài khoản")):
        c = usub.add_parser(cmd, help=text)
        c.add_argument("name", metavar="NAME")
        _db_arg(c)
        c.set_defaults(func=run_users_state, action=cmd)
    ls = usub.add_parser("list", help="liệt kê tài khoản")
    _db_arg(ls)
    ls.set_defaults(func=run_users_list)
    u.set_defaults(func=lambda args: (u.print_help(), EXIT_USAGE)[1])


def _password(name: str) -> str:
    if os.environ.get(ENV_PASSWORD):
        return os.environ[ENV_PASSWORD]
    first = getpass.getpass(f"Mật khẩu cho {name}: ")
    second = getpass.getpass("Nhập lại mật khẩu: ")
    if first != second:
        raise ValueError("hai lần nhập mật khẩu không khớp")
    return first


def _account_command(db_url, action, done: str) -> int:
    from ocop_docs.web import db
    from task_graph import open_store

    store = open_store(db_url)
    try:
        db.ensure_tables(store.engine)
        action(store.engine)
    except ValueError as exc:                     # db.AccountError, password mismatch
        print(msg("cli.error", message=exc), file=sys.stderr)
        return EXIT_FAILURE
    finally:
        store.close()
    print(done)
    return EXIT_OK


def _add_user(db_url, name: str, role: str) -> int:
    from ocop_docs.web import db

    return _account_command(db_url, lambda e: db.add_user(e, name, role, _password(name)),
                            f"đã tạo tài khoản {name} ({role})")


def run_users_add(args) -> int:
    return _add_user(args.db, args.name, args.role)


def run_users_set(args) -> int:
    from ocop_docs.web import db

    if not args.role and not args.password:
        print("ocop-docs: lỗi: cần --role hoặc --password", file=sys.stderr)
        return EXIT_USAGE
    return _account_command(
        args.db, lambda e: db.update_user(e, args.name, role=args.role,
                                          password=_password(args.name) if args.password
                                          else None),
        f"đã cập nhật tài khoản {args.name}")


def run_users_state(args) -> int:
    from ocop_docs.web import db

    actions = {"disable": (lambda e: db.set_disabled(e, args.name, True), "đã khóa"),
               "enable": (lambda e: db.set_disabled(e, args.name, False), "đã mở khóa"),
               "delete": (lambda e: db.delete_user(e, args.name), "đã xóa")}
    action, verb = actions[args.action]
    return _account_command(args.db, action, f"{verb} tài khoản {args.name}")


def run_users_list(args) -> int:
    from ocop_docs.web import db
    from task_graph import open_store

    store = open_store(args.db)
    try:
        db.ensure_tables(store.engine)
        for u in db.list_users(store.engine):
            state = "\tđã khóa" if u["disabled_at"] else ""
            print(f"{u['name']}\t{u['role']}{state}")
    finally:
        store.close()
    return EXIT_OK


def run_serve(args) -> int:
    if args.create_user:
        return _add_user(args.db, args.create_user, args.role)
    import uvicorn

    from ocop_docs.web.app import allowed_hosts, create_app

    hosts = None
    if args.allowed_host:
        hosts = args.allowed_host
    elif not os.environ.get("OCOP_DOCS_ALLOWED_HOSTS") and args.host not in ("0.0.0.0", "::"):
        hosts = sorted(allowed_hosts() | {args.host})
    app = create_app(args.db, storage=args.storage, workers=args.workers, hosts=hosts,
                     queue_url=args.queue)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"ocop-docs: cảnh báo: ứng dụng mở trên {args.host}, mọi máy trong mạng đều "
              "truy cập được; hãy đặt sau HTTPS và ghi tên máy chủ bằng --allowed-host.",
              file=sys.stderr)
    print(f"ocop-docs: mở http://{args.host}:{args.port}/ trong trình duyệt", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return EXIT_OK
