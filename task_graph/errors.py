"""Database failures as one Vietnamese line for the person at the keyboard.

A driver's exception text carries the SQL statement and its parameters (a document's whole
text, for an ingest); none of that is shown. `database_message(exc)` names what went wrong
(unreadable URL, missing driver, refused connection, read-only database, not a database,
disk full, ...) or returns None for an exception that is not a database failure.
"""
from __future__ import annotations

import sqlalchemy as sa

# (words in the driver's message, what to say); the first match wins
_KNOWN = (
    (("readonly database", "read-only", "read only"),
     "cơ sở dữ liệu chỉ đọc, không ghi được"),
    (("database or disk is full", "no space left on device", "disk full",
      "could not extend file"),
     "cơ sở dữ liệu hoặc ổ đĩa đã đầy"),
    (("file is not a database", "file is encrypted"),
     "tệp không phải là cơ sở dữ liệu SQLite"),
    (("unable to open database file",),
     "không mở được tệp cơ sở dữ liệu (thư mục không tồn tại hoặc không có quyền)"),
    (("database is locked",),
     "cơ sở dữ liệu đang bị tiến trình khác khóa quá lâu; hãy thử lại"),
    (("disk i/o error",),
     "lỗi đọc/ghi đĩa khi truy cập cơ sở dữ liệu"),
    (("password authentication failed", "authentication failed", "no password supplied"),
     "máy chủ cơ sở dữ liệu từ chối đăng nhập (sai tên hoặc mật khẩu)"),
    (("does not exist",),
     "cơ sở dữ liệu hoặc vai trò không tồn tại trên máy chủ"),
    (("connection refused", "could not connect", "connection failed", "timeout expired",
      "name or service not known", "could not translate host name", "no route to host",
      "server closed the connection", "terminating connection"),
     "không kết nối được máy chủ cơ sở dữ liệu"),
)


def safe_url(url: str | None) -> str:
    """The URL without its password (or the path as given)."""
    if not url:
        return ""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is shown without what follows '@'
        return url.split("@")[-1] if "@" in url else url


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return (str(orig).strip().splitlines() or [orig.__class__.__name__])[0][:200]


def database_message(exc: BaseException, url: str | None = None) -> str | None:
    """One line for a database failure, or None when `exc` is not one."""
    where = f" ({safe_url(url)})" if url else ""
    if isinstance(exc, sa.exc.NoSuchModuleError):
        scheme = str(exc).rsplit(":", 1)[-1].strip()
        return (f"không hỗ trợ loại cơ sở dữ liệu «{scheme}»{where}: dùng đường dẫn tệp "
                f"SQLite hoặc URL postgresql+psycopg://...")
    if isinstance(exc, sa.exc.ArgumentError):
        return (f"địa chỉ cơ sở dữ liệu không hợp lệ{where}: cần đường dẫn tệp hoặc URL "
                f"dạng postgresql+psycopg://người_dùng@máy:cổng/tên")
    if isinstance(exc, ImportError) and url is not None:       # raised by create_engine
        name = getattr(exc, "name", None) or str(exc)
        return (f"thiếu trình điều khiển cơ sở dữ liệu «{name}»{where}: cài gói Python "
                f"tương ứng (PostgreSQL: pip install 'psycopg[binary]')")
    if not isinstance(exc, sa.exc.SQLAlchemyError):
        if isinstance(exc, OSError) and url is not None:
            return (f"không tạo được thư mục của cơ sở dữ liệu{where}: "
                    f"{exc.strerror or exc.__class__.__name__}")
        return None
    text = str(getattr(exc, "orig", None) or exc).lower()
    for words, said in _KNOWN:
        if any(w in text for w in words):
            return f"{said}{where}"
    if isinstance(exc, sa.exc.DBAPIError):
        return f"lỗi cơ sở dữ liệu{where}: {_first_line(exc)}"
    return f"lỗi cơ sở dữ liệu{where}: {exc.__class__.__name__}"
