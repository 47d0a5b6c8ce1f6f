"""Sessions, roles and CSRF: who is asking, may they, and did the form come from us.

Pages: the session cookie (signed by Starlette's SessionMiddleware with itsdangerous) holds the
user name and a CSRF token; every form post carries the token (field `csrf_token` or header
`X-CSRF-Token`). API: the same session (unsafe methods need the X-CSRF-Token header) or HTTP
Basic with the same accounts (unsafe methods need an `X-Requested-With` header, which a
cross-site form cannot send).
"""
from __future__ import annotations

import base64
import binascii

from fastapi import HTTPException, Request

from ocop_docs.web import db
from ocop_docs.web.security import new_token, same_token

# what each role may do
PERMISSIONS = {
    "viewer": {"read"},
    "clerk": {"read", "upload", "review"},
    "coordinator": {"read", "upload", "review", "status", "letters", "users"},
}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


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
    user = db.get_user(request.app.state.store.engine, name)
    if user is None:                       # account removed: forget the session
        request.session.clear()
    return user


def basic_user(request: Request) -> dict | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        name, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return db.check_user(request.app.state.store.engine, name, password)


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
        return user
    return dep
