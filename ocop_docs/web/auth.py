"""Sessions, roles and CSRF: who is asking, may they, and did the form come from us.

Pages: the session cookie (signed by Starlette's SessionMiddleware with itsdangerous,
SameSite=Lax so a link from e-office or webmail keeps the user logged in) holds the user name,
the id of a server-side session (`web_sessions`: logging out ends it, a copied cookie then
no longer works) and a CSRF token; every form post carries the token (field `csrf_token` or header
`X-CSRF-Token`). API: the same session (unsafe methods need the X-CSRF-Token header) or HTTP
Basic with the same accounts (unsafe methods need an `X-Requested-With` header, which a
cross-site form cannot send).
"""
from __future__ import annotations

import base64
import binascii
from datetime import timedelta

from fastapi import HTTPException, Request

from ocop_docs.web import db
from ocop_docs.web.security import new_token, same_token
from ocop_docs.web.units import guard

# what each role may do
PERMISSIONS = {
    "viewer": {"read"},
    "clerk": {"read", "upload", "review"},
    "coordinator": {"read", "upload", "review", "status", "letters", "users"},
}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
SESSION_LIFETIME = timedelta(hours=12)

# wrong passwords allowed within THROTTLE_WINDOW, per (client address, name) and per address;
# beyond them every attempt is refused (HTTP 429) without checking the password
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_NAME = 5
MAX_FAILURES_PER_CLIENT = 30


class TooManyAttempts(HTTPException):
    def __init__(self) -> None:
        minutes = int(THROTTLE_WINDOW.total_seconds() // 60)
        super().__init__(429, f"Đăng nhập sai quá nhiều lần. Hãy thử lại sau {minutes} phút.",
                         headers={"Retry-After": str(int(THROTTLE_WINDOW.total_seconds()))})


class LoginRequired(Exception):
    """Raised by page dependencies; the app turns it into a redirect to /login."""


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = new_token()
        request.session["csrf"] = token
    return token


def session_user(request: Request) -> dict | None:
    name = request.session.get("user")
    if not name:
        return None
    engine = request.app.state.store.engine
    user = None
    if db.session_owner(engine, request.session.get("sid")) == name:
        user = db.get_user(engine, name)
    if user is None:        # logged out, expired, account disabled or removed: forget it
        request.session.pop("user", None)
        request.session.pop("sid", None)
    return user


def start_session(request: Request, user: dict) -> None:
    from ocop_docs.web.security import new_token

    request.session.clear()
    request.session["user"] = user["name"]
    request.session["sid"] = db.open_session(request.app.state.store.engine, user["name"],
                                             SESSION_LIFETIME)
    request.session["csrf"] = new_token()         # a new token for the new session


def end_session(request: Request) -> None:
    db.close_session(request.app.state.store.engine, request.session.get("sid"))
    request.session.clear()


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


def checked_login(request: Request, name: str, password: str) -> dict | None:
    """`db.check_user` behind the throttle: TooManyAttempts when this client has failed too
    often (for this name, or at all) within THROTTLE_WINDOW."""
    engine = request.app.state.store.engine
    client = _client(request)
    name_key = f"name:{client}:{name.strip().casefold()}"[:200]
    client_key = f"client:{client}"[:200]
    if (db.recent_failures(engine, name_key, THROTTLE_WINDOW) >= MAX_FAILURES_PER_NAME
            or db.recent_failures(engine, client_key, THROTTLE_WINDOW)
            >= MAX_FAILURES_PER_CLIENT):
        raise TooManyAttempts()
    user = db.check_user(engine, name, password)
    if user is None:
        db.record_failure(engine, [name_key, client_key], THROTTLE_WINDOW)
    else:
        db.clear_failures(engine, name_key)
    return user


def basic_user(request: Request) -> dict | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        name, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return checked_login(request, name, password)


def can(user: dict | None, permission: str) -> bool:
    return bool(user) and permission in PERMISSIONS.get(user["role"], set())


async def check_form_csrf(request: Request) -> None:
    """For page posts: the form's token must be this session's."""
    sent = request.headers.get("x-csrf-token")
    if not sent:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            sent = form.get("csrf_token")
    if not same_token(sent, request.session.get("csrf")):
        raise HTTPException(403, "Phiên làm việc không hợp lệ hoặc biểu mẫu đã cũ (thiếu mã "
                                 "chống giả mạo CSRF). Hãy tải lại trang và thử lại.")


def page_user(permission: str = "read"):
    """Dependency for pages: redirect to login without a session; 403 without the right."""
    async def dep(request: Request) -> dict:
        user = session_user(request)
        if user is None:
            raise LoginRequired()
        if request.method not in SAFE_METHODS:
            await check_form_csrf(request)
        if not can(user, permission):
            raise HTTPException(403, "Tài khoản của bạn không có quyền làm việc này.")
        guard(request, user)                  # access by unit: 404 outside the account's unit
        return user
    return dep


def api_user(permission: str = "read"):
    """Dependency for /api/: 401 without credentials, 403 without the right."""
    async def dep(request: Request) -> dict:
        user = session_user(request)
        via_session = user is not None
        if user is None:
            user = basic_user(request)
        if user is None:
            raise HTTPException(401, "Cần đăng nhập", headers={
                "WWW-Authenticate": 'Basic realm="ocop-docs", charset="UTF-8"'})
        if request.method not in SAFE_METHODS:
            if via_session:
                if not same_token(request.headers.get("x-csrf-token"),
                                  request.session.get("csrf")):
                    raise HTTPException(403, "thiếu hoặc sai mã chống giả mạo (X-CSRF-Token)")
            elif not request.headers.get("x-requested-with"):
                raise HTTPException(403, "yêu cầu ghi qua API cần tiêu đề X-Requested-With")
        if not can(user, permission):
            raise HTTPException(403, "Tài khoản không có quyền làm việc này.")
        guard(request, user)
        return user
    return dep
