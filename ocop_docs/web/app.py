"""The web application: `create_app()` builds the FastAPI app on a task-graph store.

Server-rendered pages (Jinja2) for clerks and coordinators, and a JSON API under /api/ for
e-office systems; the same accounts and roles apply to both (see ocop_docs.web.auth).
"""
from __future__ import annotations

import json
import os
import secrets
from datetime import date
from pathlib import Path
from urllib.parse import quote, urlencode

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import (FileResponse, HTMLResponse, JSONResponse, RedirectResponse,
                               Response)
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from ocop_docs import vntime
from ocop_docs.messages import has as has_msg
from ocop_docs.messages import msg

from ocop_docs.model import DOC_TYPES
from ocop_docs.web import audit, db, notify, register, services, units
from ocop_docs.web.auth import (SESSION_LIFETIME, LoginRequired, can, csrf_token, page_user,
                                session_user)
from ocop_docs.web.jobs import Jobs
from ocop_docs.web.security import UploadRejected, max_upload_bytes, same_token

HERE = Path(__file__).resolve().parent
ENV_SECRET = "OCOP_DOCS_SECRET"
ENV_STORAGE = "OCOP_DOCS_STORAGE"
ENV_ALLOWED_HOSTS = "OCOP_DOCS_ALLOWED_HOSTS"
# names the app answers to when none are configured: this machine only (and the name
# Starlette's test client sends); a server open to the network lists its own names
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "testserver")


def allowed_hosts(configured=None) -> set[str]:
    """Host names (without port) the app answers: `configured`, else $OCOP_DOCS_ALLOWED_HOSTS
    (comma-separated), else LOCAL_HOSTS. "*" allows any."""
    if configured is None:
        env = os.environ.get(ENV_ALLOWED_HOSTS, "")
        configured = [h for h in env.split(",") if h.strip()] or LOCAL_HOSTS
    return {h.strip().lower().strip("[]") for h in configured if h.strip()}


def _host_name(header: str) -> str:
    header = header.strip().lower()
    if header.startswith("["):                     # [::1]:8000
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def _secret(storage: Path) -> str:
    """$OCOP_DOCS_SECRET, else a random key kept in <storage>/../web-secret (mode 600)."""
    if os.environ.get(ENV_SECRET):
        return os.environ[ENV_SECRET]
    path = storage.parent / "web-secret"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def create_app(db_url: str | None = None, *, storage: str | Path | None = None,
               secret: str | None = None, workers: int = 2, store=None,
               hosts: list[str] | None = None, queue_url: str | None = None) -> FastAPI:
    from ocop_docs.letters import ledger
    from task_graph import open_store

    store = store or open_store(db_url)
    storage = Path(storage or os.environ.get(ENV_STORAGE) or Path("var") / "uploads").resolve()
    storage.mkdir(parents=True, exist_ok=True)
    db.ensure_tables(store.engine)
    units.ensure_tables(store.engine)
    audit.ensure_tables(store.engine)
    register.ensure_tables(store.engine)
    notify.ensure_tables(store.engine)
    ledger.ensure_tables(store.engine)

    app = FastAPI(title="ocop-docs", version="1", docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json",
                  description="Văn bản, nhiệm vụ, cơ quan và công văn đôn đốc. Xác thực: "
                              "phiên đăng nhập (cookie) hoặc HTTP Basic với cùng tài khoản.")
    app.state.store = store
    app.state.jobs = Jobs(store, storage, workers=workers, queue_url=queue_url)
    app.add_middleware(SessionMiddleware, secret_key=secret or _secret(storage),
                       session_cookie="ocop_session", same_site="lax", https_only=False,
                       max_age=int(SESSION_LIFETIME.total_seconds()))
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _mount_api_docs(app)
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.filters["vn_date"] = vntime.format_date
    templates.env.filters["vn_datetime"] = vntime.format_datetime
    templates.env.globals.update(msg=msg, max_upload_bytes=max_upload_bytes, today=vntime.today)
    templates.env.globals.update(STATUS_VI=services.STATUS_VI, ROLE_VI=services.ROLE_VI,
                                 RECURRENCE_VI=services.RECURRENCE_VI,
                                 UPLOAD_STATUS_VI=services.UPLOAD_STATUS_VI,
                                 ROLE_NAMES=db.ROLE_VI, DOC_TYPES=DOC_TYPES, can=can)
    app.state.templates = templates

    app.state.allowed_hosts = allowed_hosts(hosts)

    @app.middleware("http")
    async def headers(request: Request, call_next):
        allowed = request.app.state.allowed_hosts
        if "*" not in allowed and _host_name(request.headers.get("host", "")) not in allowed:
            # DNS rebinding or a wrong address: answer nothing of the application
            return Response("Tên máy chủ không hợp lệ (tiêu đề Host không nằm trong danh sách "
                            "được phép, xem OCOP_DOCS_ALLOWED_HOSTS).", status_code=400,
                            media_type="text/plain; charset=utf-8")
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, _exc):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return error_response(request, exc.status_code, _vietnamese(exc.status_code, exc.detail),
                              headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        problems = [_field_problem(e) for e in exc.errors()]
        message = msg("http.422") + " " + "; ".join(problems)
        return error_response(request, 422, message, problems=problems)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception):
        import logging

        logging.getLogger(__name__).exception("request %s failed", request.url.path)
        return error_response(request, 500, msg("http.500"))

    from ocop_docs.web import api, office, pages
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(office.router)
    return app


def error_response(request: Request, status: int, message: str, *, headers=None,
                   problems: list[str] | None = None) -> Response:
    """An error as an HTML page for browsers, as JSON ({"detail": ...}) for /api/ and for
    clients that do not accept HTML; the message is Vietnamese either way."""
    wants_html = "text/html" in request.headers.get("accept", "text/html")
    if request.url.path.startswith(("/api/", "/openapi.json")) or not wants_html:
        body = {"detail": message}
        if problems:
            body["problems"] = problems
        return JSONResponse(body, status_code=status, headers=headers)
    templates = request.app.state.templates
    try:
        user = session_user(request)
    except Exception:  # noqa: BLE001 - no session middleware run or no store: no user
        user = None
    return templates.TemplateResponse(request, "error.html", {
        "user": user, "csrf": csrf_token(request) if "session" in request.scope else "",
        "status": status, "message": message}, status_code=status, headers=headers)


def _vietnamese(status: int, detail) -> str:
    """The exception's own message when it is ours (Vietnamese), else the catalogue's text for
    the status: Starlette's and FastAPI's defaults ("Not Found", "Method Not Allowed") are
    English."""
    from http import HTTPStatus

    text = str(detail or "")
    english_default = False
    try:
        english_default = text == HTTPStatus(status).phrase
    except ValueError:
        pass
    if text and not english_default:
        return text
    key = f"http.{status}"
    return msg(key) if has_msg(key) else msg("http.other", status=status)


def _field_problem(error: dict) -> str:
    """One validation error of FastAPI (pydantic) in Vietnamese: the field, then the problem."""
    where = [str(x) for x in error.get("loc", ()) if x not in ("body", "query", "path",
                                                               "header", "cookie")]
    kind = str(error.get("type", ""))
    if kind == "missing":
        problem = msg("http.missing_value")
    elif kind.startswith(("int_", "float_", "decimal_")):
        problem = msg("http.not_a_number")
    elif kind in ("literal_error", "enum"):
        expected = (error.get("ctx") or {}).get("expected", "")
        problem = msg("http.bad_choice", choices=str(expected).replace("'", ""))
    else:
        problem = msg("http.invalid_value")
    return msg("http.invalid_field", field=".".join(where) or "?", problem=problem)


def _mount_api_docs(app: FastAPI) -> None:
    """/api/docs: Swagger UI with its scripts and styles served by the app itself (from the
    swagger-ui-bundle package), so it works on a network without Internet access."""
    from fastapi.openapi.docs import get_swagger_ui_html

    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:                  # pragma: no cover - a dependency; no docs without it
        return
    app.mount("/api/docs-assets", StaticFiles(directory=swagger_ui_path), name="api-docs-assets")

    @app.get("/api/docs", include_in_schema=False)
    def api_docs():
        return get_swagger_ui_html(openapi_url="/openapi.json", title="ocop-docs – API",
                                   swagger_js_url="/api/docs-assets/swagger-ui-bundle.js",
                                   swagger_css_url="/api/docs-assets/swagger-ui.css",
                                   swagger_favicon_url="/api/docs-assets/favicon-32x32.png")


def render(request: Request, name: str, user: dict | None, status_code: int = 200,
           headers: dict | None = None, **context) -> HTMLResponse:
    templates = request.app.state.templates
    return templates.TemplateResponse(request, name, {"user": user,
                                                      "csrf": csrf_token(request),
                                                      **context}, status_code=status_code,
                                      headers=headers)
