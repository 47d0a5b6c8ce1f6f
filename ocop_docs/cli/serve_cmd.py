"""`ocop-docs serve`: the web application; `ocop-docs users add|list`: its accounts."""
from __future__ import annotations

import getpass
import os
import sys

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
    p.add_argument("--create-user", metavar="NAME",
                   help="tạo (hoặc đổi mật khẩu) tài khoản NAME rồi thoát; mật khẩu lấy từ "
                        f"${ENV_PASSWORD} hoặc hỏi khi chạy")
    p.add_argument("--role", choices=ROLES, default="viewer",
                   help="vai trò cho --create-user: viewer (xem), clerk (văn thư: tải lên, "
                        "hiệu đính), coordinator (điều phối: toàn quyền)")
    _db_arg(p)
    p.set_defaults(func=run_serve)

    u = sub.add_parser("users", help="quản lý tài khoản ứng dụng web")
    usub = u.add_subparsers(dest="users_cmd", metavar="add|list")
    a = usub.add_parser("add", help="tạo tài khoản hoặc đổi mật khẩu")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--role", choices=ROLES, required=True)
    _db_arg(a)
    a.set_defaults(func=run_users_add)
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


def _add_user(db_url, name: str, role: str) -> int:
    from ocop_docs.web import db
    from task_graph import open_store

    store = open_store(db_url)
    try:
        db.add_user(store.engine, name, role, _password(name))
    except ValueError as exc:
        print(f"ocop-docs: lỗi: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    finally:
        store.close()
    print(f"đã lưu tài khoản {name} ({role})")
    return EXIT_OK


def run_users_add(args) -> int:
    return _add_user(args.db, args.name, args.role)


def run_users_list(args) -> int:
    from ocop_docs.web import db
    from task_graph import open_store

    store = open_store(args.db)
    try:
        db.ensure_tables(store.engine)
        for u in db.list_users(store.engine):
            print(f"{u['name']}\t{u['role']}")
    finally:
        store.close()
    return EXIT_OK


def run_serve(args) -> int:
    if args.create_user:
        return _add_user(args.db, args.create_user, args.role)
    import uvicorn

    from ocop_docs.web.app import create_app

    app = create_app(args.db, storage=args.storage, workers=args.workers)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"ocop-docs: cảnh báo: ứng dụng mở trên {args.host}, mọi máy trong mạng đều "
              "truy cập được; hãy đặt sau HTTPS.", file=sys.stderr)
    print(f"ocop-docs: mở http://{args.host}:{args.port}/ trong trình duyệt", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return EXIT_OK
