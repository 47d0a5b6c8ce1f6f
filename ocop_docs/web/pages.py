"""Server-rendered pages."""
from __future__ import annotations

import json
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response

from ocop_docs import vntime
from ocop_docs.web import audit, db, notify, register, services, units
from ocop_docs.web.app import render
from ocop_docs.web.auth import (TooManyAttempts, can, check_form_csrf, checked_login,
                                end_session, page_user, session_user, start_session)
from ocop_docs.web.security import UploadRejected, inside

router = APIRouter(include_in_schema=False)


def _store(request: Request):
    return request.app.state.store


def _safe_next(target: str | None) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


# ----------------------------------------------------------------------------- login

@router.get("/login")
def login_form(request: Request, next: str = "/"):
    return render(request, "login.html", session_user(request), next=_safe_next(next),
                  error=None)


@router.post("/login")
async def login(request: Request):
    await check_form_csrf(request)
    form = await request.form()
    target = _safe_next(str(form.get("next") or "/"))
    name = str(form.get("name") or "")
    try:
        user = checked_login(request, name, str(form.get("password") or ""))
    except TooManyAttempts as exc:
        return render(request, "login.html", None, status_code=exc.status_code, next=target,
                      login_name=name[:100], error=exc.detail, headers=exc.headers)
    if user is None:
        return render(request, "login.html", None, status_code=401, next=target,
                      login_name=name[:100], error="Sai tên đăng nhập hoặc mật khẩu.")
    start_session(request, user)
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
async def logout(request: Request):
    await check_form_csrf(request)
    end_session(request)
    return RedirectResponse("/login", status_code=303)


# ----------------------------------------------------------------------------- dashboard

@router.get("/")
def dashboard(request: Request, agency: str = "", status: str = "open", due_from: str = "",
              due_to: str = "", as_of: str = "", role: str = "lead",
              user=Depends(page_user("read"))):
    from task_graph.store import StoreError

    day = services.parse_date(as_of) or vntime.today()
    status = status if status in ("open", "overdue", "done", "all") else "open"
    role = role if role in ("lead", "support", "any") else "lead"
    error = None
    try:
        data = services.dashboard(_store(request), agency=agency.strip() or None, status=status,
                                  due_from=services.parse_date(due_from),
                                  due_to=services.parse_date(due_to), as_of=day, role=role,
                                  scope=units.request_scope(request, user))
    except StoreError as exc:
        data, error = {"agencies": [], "rows": 0, "truncated": False}, str(exc)
    agencies = services.agency_names(_store(request), scope=units.request_scope(request, user))
    return render(request, "dashboard.html", user, data=data, agencies=agencies, error=error,
                  timeline=services.timeline_svg(data["agencies"], day),
                  f={"agency": agency, "status": status, "due_from": due_from,
                     "due_to": due_to, "as_of": day.isoformat(), "role": role})


# ----------------------------------------------------------------------------- upload

@router.get("/upload")
def upload_page(request: Request, user=Depends(page_user("upload"))):
    return render(request, "upload.html", user,
                  uploads=_uploads(request),
                  documents_by_file=_docs_by_file(request))


def _uploads(request: Request) -> list[dict]:
    """Recent uploads; an account with a unit sees its own (units.guard set the scope)."""
    rows = db.recent_uploads(_store(request).engine)
    scope = getattr(request.state, "unit_scope", None)
    if scope is None or scope.everything:
        return rows
    return [u for u in rows if u["uploaded_by"] == scope.user]


def _docs_by_file(request: Request) -> dict[int, list[dict]]:
    out = {}
    for u in _uploads(request):
        if u["file_id"]:
            out[u["file_id"]] = services.documents_of_file(_store(request), u["file_id"])
    return out


@router.post("/upload")
async def upload(request: Request, user=Depends(page_user("upload"))):
    form = await request.form()
    wants_json = "application/json" in request.headers.get("accept", "")
    try:
        entry = register.parse(form)              # số đến, ngày đến, nơi gửi
    except ValueError as exc:
        if wants_json:
            return JSONResponse({"detail": str(exc), "results": []}, status_code=400)
        return render(request, "upload.html", user, status_code=400, uploads=_uploads(request),
                      documents_by_file=_docs_by_file(request),
                      rejected=[{"name": "", "error": str(exc)}])
    results = []
    for item in form.getlist("files"):
        if not hasattr(item, "read"):
            continue
        data = await item.read()
        try:
            upload_id = request.app.state.jobs.accept(item.filename or "", data, user["name"])
            register.record_upload(_store(request).engine, upload_id, entry, user["name"])
            results.append({"name": item.filename, "id": upload_id, "status": "queued"})
        except UploadRejected as exc:
            results.append({"name": item.filename, "id": None, "status": "rejected",
                            "error": str(exc), "code": exc.status})
    codes = [r["code"] for r in results if r["status"] == "rejected"]
    code = 200 if any(r["id"] for r in results) or not codes else (
        413 if 413 in codes else 415)
    if wants_json:
        return JSONResponse({"results": results}, status_code=code)
    rejected = [r for r in results if r["status"] == "rejected"]
    if rejected:
        return render(request, "upload.html", user, status_code=max(code, 400),
                      uploads=_uploads(request),
                      documents_by_file=_docs_by_file(request), rejected=rejected)
    return RedirectResponse("/upload", status_code=303)


@router.post("/uploads/{upload_id}/retry")
async def retry(request: Request, upload_id: int, user=Depends(page_user("upload"))):
    row = db.upload_row(_store(request).engine, upload_id)
    if row is None:
        raise HTTPException(404, "Không tìm thấy tệp tải lên.")
    if not request.app.state.jobs.retryable(row):
        raise HTTPException(409, "Chỉ thử lại được tệp bị lỗi hoặc tệp đã dừng xử lý.")
    request.app.state.jobs.submit(upload_id)
    if "application/json" in request.headers.get("accept", ""):
        return {"id": upload_id, "status": "queued"}
    return RedirectResponse("/upload", status_code=303)


@router.get("/uploads/{upload_id}/pages/{page}.png")
def page_image(request: Request, upload_id: int, page: int, user=Depends(page_user("read"))):
    jobs = request.app.state.jobs
    try:
        path = inside(jobs.preview_dir(upload_id), f"{int(page)}.png")
    except UploadRejected:
        raise HTTPException(404, "Không có trang này.") from None
    if not path.is_file():
        raise HTTPException(404, "Không có trang này.")
    return FileResponse(path, media_type="image/png")


# ----------------------------------------------------------------------------- registry

@router.get("/documents")
def registry(request: Request, q: str = "", number: str = "", doc_type: str = "",
             issuer: str = "", date_from: str = "", date_to: str = "",
             user=Depends(page_user("read"))):
    rows = services.search_documents(_store(request), q=q or None, number=number or None,
                                     doc_type=doc_type or None, issuer=issuer or None,
                                     date_from=services.parse_date(date_from),
                                     date_to=services.parse_date(date_to),
                                     scope=units.request_scope(request, user))
    return render(request, "registry.html", user, rows=rows,
                  f={"q": q, "number": number, "doc_type": doc_type, "issuer": issuer,
                     "date_from": date_from, "date_to": date_to})


# ----------------------------------------------------------------------------- review

def _document(request: Request, document_id: int) -> dict:
    doc = services.document(_store(request), document_id)
    if doc is None:
        raise HTTPException(404, "Không tìm thấy văn bản.")
    return doc


@router.get("/documents/{document_id}")
def review(request: Request, document_id: int, saved: str = "",
           user=Depends(page_user("read"))):
    doc = _document(request, document_id)
    upload = db.upload_for_file(_store(request).engine, doc["file_id"])
    siblings = services.documents_of_file(_store(request), doc["file_id"])
    return render(request, "review.html", user, doc=doc, upload=upload, siblings=siblings,
                  text_html=services.highlighted_text(doc), saved=saved, error=None,
                  editable=can(user, "review"),
                  incoming=register.entry_for_file(_store(request).engine, doc["file_id"]))


@router.post("/documents/{document_id}")
async def save_review(request: Request, document_id: int, user=Depends(page_user("review"))):
    doc = _document(request, document_id)
    form = await request.form()
    try:
        record = services.parse_review_form(form)
    except ValueError as exc:
        upload = db.upload_for_file(_store(request).engine, doc["file_id"])
        return render(request, "review.html", user, status_code=400, doc=doc, upload=upload,
                      siblings=services.documents_of_file(_store(request), doc["file_id"]),
                      text_html=services.highlighted_text(doc), saved="", error=str(exc),
                      editable=True)
    base = services.record_of(doc)
    for k in ("citations",):
        record[k] = base[k]
    version = str(form.get("version") or "")
    try:
        result = services.save_correction(_store(request), document_id, record, user["name"],
                                          int(version) if version.isdigit() else None)
    except services.SaveConflict as exc:
        fresh = exc.doc
        upload = db.upload_for_file(_store(request).engine, fresh["file_id"])
        return render(request, "review.html", user, status_code=409, doc=fresh, upload=upload,
                      siblings=services.documents_of_file(_store(request), fresh["file_id"]),
                      text_html=services.highlighted_text(fresh), saved="", error=None,
                      editable=True, conflict=exc)
    if result.get("unchanged"):
        return RedirectResponse(f"/documents/{document_id}?saved=none", status_code=303)
    note = f"{result['updated']}-{result['added']}-{result['removed']}"
    return RedirectResponse(f"/documents/{document_id}?saved={note}", status_code=303)


@router.post("/documents/{document_id}/register")
async def save_register(request: Request, document_id: int, user=Depends(page_user("upload"))):
    """Số đến, ngày đến, nơi gửi of the document's file, entered or corrected by the văn thư."""
    doc = _document(request, document_id)
    form = await request.form()
    try:
        entry = register.parse(form)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    register.record_file(_store(request).engine, doc["file_id"], entry, user["name"])
    return RedirectResponse(f"/documents/{document_id}?saved=register", status_code=303)


@router.get("/files/{file_id}/gold.json")
def gold(request: Request, file_id: int, user=Depends(page_user("read"))):
    try:
        name, data = services.gold_of_file(_store(request), file_id)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    body = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    return Response(body, media_type="application/json; charset=utf-8", headers={
        "Content-Disposition": _disposition(name)})


def _disposition(name: str) -> str:
    from urllib.parse import quote as q

    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{q(name)}"


@router.get("/documents/{document_id}/graph")
def graph(request: Request, document_id: int, user=Depends(page_user("read"))):
    doc = _document(request, document_id)
    view = services.chain_view(_store(request), doc)
    return render(request, "graph.html", user, doc=doc, view=view,
                  svg=services.chain_svg(view, doc))


# ----------------------------------------------------------------------------- tasks

def _task_page(request: Request, task_id: int, user: dict, period: str = "",
               error: str | None = None, status_code: int = 200):
    from ocop_docs.letters import ledger
    from task_graph import queries
    from task_graph.store import StoreError

    try:
        detail = queries.task_detail(_store(request), task_id)
    except StoreError as exc:
        raise HTTPException(404, str(exc)) from None
    letters = ledger.reminders_for_task(_store(request).engine, task_id)
    return render(request, "task.html", user, status_code=status_code, t=detail,
                  letters=letters, period=period, error=error)


@router.get("/tasks/{task_id}")
def task_page(request: Request, task_id: int, period: str = "",
              user=Depends(page_user("read"))):
    return _task_page(request, task_id, user, period=period)


@router.post("/tasks/{task_id}/status")
async def task_status(request: Request, task_id: int, user=Depends(page_user("status"))):
    from task_graph.store import StoreError

    form = await request.form()
    status = "done" if form.get("status") == "done" else "open"
    period = str(form.get("period") or "").strip() or None
    try:
        services.set_task_status(_store(request), task_id, status, by=user["name"],
                                 period=period,
                                 evidence=(str(form.get("evidence") or "").strip() or None),
                                 note=(str(form.get("note") or "").strip() or None))
    except StoreError as exc:
        return _task_page(request, task_id, user, period=period or "", error=str(exc),
                          status_code=400)
    back = _safe_next(str(form.get("next") or f"/tasks/{task_id}"))
    return RedirectResponse(back, status_code=303)


# ----------------------------------------------------------------------------- letters

def _letter_args(request: Request, params=None) -> dict:
    """The letter choices of the query string (or of `params`, a posted form), kept to the
    user's unit."""
    args = _letter_query(request.query_params if params is None else params)
    scope = getattr(request.state, "unit_scope", None)
    if scope is not None and not scope.everything:         # only the unit's own tasks
        store = _store(request)
        args["task_ids"] = [t for t in args["task_ids"] if units.can_see_task(store, scope, t)]
        if scope.kind == "unit":
            args["agency"] = str(scope.agency_id)
    return args


def _letter_query(p) -> dict:
    """The letter choices from a query string or a form (the same field names)."""
    def text(name):
        return (str(p.get(name) or "")).strip() or None

    upcoming = text("upcoming")
    return {"as_of": services.parse_date(p.get("as_of")) or vntime.today(),
            "agency": text("agency"),
            "task_ids": [int(t) for t in p.getlist("task") if str(t).isdigit()],
            "issuer": text("issuer"), "signer": text("signer"),
            "signer_title": text("signer_title"),
            "upcoming": int(upcoming) if upcoming and upcoming.isdigit() else None}


@router.get("/letters")
def letters_page(request: Request, user=Depends(page_user("read"))):
    from ocop_docs.letters import ledger, render_text

    args = _letter_args(request)
    asked = bool(request.query_params)
    previews, error = [], None
    if asked:
        try:
            letters = services.build_letters(_store(request), **args)
            previews = [{"index": i, "to": l.recipient_agency, "issuer": l.issuer,
                         "tasks": len(l.tasks), "ordinal": l.ordinal,
                         "html": render_text(l, "html")} for i, l in enumerate(letters)]
        except Exception as exc:  # noqa: BLE001 - StoreError, template errors: show them
            error = str(exc)
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "i"]
    return render(request, "letters.html", user, previews=previews, error=error,
                  asked=asked, args=args, query=urlencode(query), fields=query,
                  agencies=services.agency_names(_store(request),
                                                 scope=units.request_scope(request, user)),
                  ledger=_visible_letters(request,
                                          ledger.recent_letters(_store(request).engine)),
                  numbered=request.query_params.get("numbered"))


def _visible_letters(request: Request, letters: list[dict]) -> list[dict]:
    """The ledger rows an account kept to a unit may see: letters chasing its tasks."""
    scope = getattr(request.state, "unit_scope", None)
    if scope is None or scope.everything:
        return letters
    store = _store(request)
    return [x for x in letters if any(units.can_see_task(store, scope, t)
                                      for t in x["task_ids"])]


def chosen_letter(request: Request, form):
    """The letter the posted form chose (its `i` among the letters its choices draft)."""
    i = str(form.get("i") or "0")
    letters = services.build_letters(_store(request), **_letter_args(request, form))
    if not i.isdigit() or not int(i) < len(letters):
        raise HTTPException(404, "Không có công văn nào với lựa chọn này.")
    return letters[int(i)]


def record_drafted(request: Request, user: dict, letter) -> int:
    """Record a downloaded letter in the ledger (as `ocop-docs remind` does: the next letter
    to that agency for those tasks is "lần 2") and in the audit log; its ledger id."""
    from ocop_docs.letters import ledger

    letter_id = ledger.record_letter(_store(request).engine, letter, None, by=user["name"])
    services.record_draft(_store(request), user["name"], letter, letter_id)
    return letter_id


@router.post("/letters/download")
async def letter_download(request: Request, user=Depends(page_user("letters"))):
    """Draft the chosen letter, record it in the ledger and download it as .docx."""
    from ocop_docs.letters import render
    from ocop_docs.letters.render import file_name

    letter = chosen_letter(request, await request.form())
    body = render(letter, "docx")
    letter_id = record_drafted(request, user, letter)
    return Response(body, headers={
        "Content-Disposition": _disposition(file_name(letter, "docx")),
        "X-Letter-Id": str(letter_id)},
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


@router.post("/letters/{letter_id}/number")
async def letter_number(request: Request, letter_id: int, user=Depends(page_user("letters"))):
    """The register number the văn thư gave a recorded letter (`ocop-docs remind
    --set-number`): the next reminder cites the letter by it."""
    from ocop_docs.letters import ledger

    form = await request.form()
    number = str(form.get("number") or "").strip()
    try:
        ledger.set_number(_store(request).engine, letter_id, number)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    except ValueError as exc:
        raise HTTPException(400, f"Không ghi được số: {exc}.") from None
    back = _safe_next(str(form.get("next") or "/letters"))
    sep = "&" if "?" in back else "?"
    return RedirectResponse(f"{back}{sep}numbered={letter_id}", status_code=303)


# ----------------------------------------------------------------------------- notifications

@router.get("/notifications")
def notifications_page(request: Request, as_of: str = "", user=Depends(page_user("read"))):
    """The tasks of the account's unit overdue or due within OCOP_DOCS_NOTIFY_DAYS, and the
    address that gets them by email."""
    day = services.parse_date(as_of) or vntime.today()
    scope = units.request_scope(request, user)
    tasks = notify.due_tasks(_store(request), scope, day) if not scope.everything else []
    return render(request, "notifications.html", user, tasks=tasks, scope=scope, as_of=day,
                  days=notify.notify_days(), error=None,
                  email=notify.email_of(_store(request).engine, user["name"]),
                  saved=request.query_params.get("saved"))


@router.post("/notifications/email")
async def notifications_email(request: Request, user=Depends(page_user("read"))):
    form = await request.form()
    try:
        notify.set_email(_store(request).engine, user["name"], str(form.get("email") or ""))
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    return RedirectResponse("/notifications?saved=1", status_code=303)


# ----------------------------------------------------------------------------- audit log

def _audit_rows(request: Request) -> tuple[list[dict], dict]:
    p = request.query_params
    f = {k: (p.get(k) or "").strip() for k in ("user", "action", "date_from", "date_to")}
    rows = audit.entries(_store(request).engine, user=f["user"] or None,
                         action=f["action"] if f["action"] in audit.ACTIONS else None,
                         day_from=services.parse_date(f["date_from"]),
                         day_to=services.parse_date(f["date_to"]),
                         limit=5000 if request.url.path.endswith(".csv") else 500)
    return rows, f


@router.get("/audit")
def audit_page(request: Request, user=Depends(page_user("users"))):
    rows, f = _audit_rows(request)
    return render(request, "audit.html", user, rows=rows, f=f, actions=audit.ACTIONS,
                  users=db.list_users(_store(request).engine),
                  query=urlencode([(k, v) for k, v in f.items() if v]))


@router.get("/audit.csv")
def audit_csv(request: Request, user=Depends(page_user("users"))):
    rows, _ = _audit_rows(request)
    return Response(audit.to_csv(rows), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": _disposition(f"nhat-ky-{vntime.today().isoformat()}.csv")})


# ----------------------------------------------------------------------------- users

@router.get("/users")
def users_page(request: Request, user=Depends(page_user("users"))):
    return render(request, "users.html", user, users=db.list_users(_store(request).engine),
                  error=None, done=request.query_params.get("done"),
                  user_units=units.units_of_users(_store(request).engine),
                  unit_agencies=services.agency_names(_store(request)))


def _users_error(request: Request, user: dict, message: str):
    return render(request, "users.html", user, status_code=400, error=message,
                  users=db.list_users(_store(request).engine), done=None,
                  user_units=units.units_of_users(_store(request).engine),
                  unit_agencies=services.agency_names(_store(request)))


@router.post("/users/unit")
async def users_unit(request: Request, user=Depends(page_user("users"))):
    """Give an account a unit (an agency: it then sees that agency's obligations and
    documents) or a jurisdiction (the agencies of its district or province), or none."""
    form = await request.form()
    name = str(form.get("name") or "").strip()
    if db.get_user(_store(request).engine, name) is None:
        return _users_error(request, user, f"không có tài khoản {name}")
    scope = "jurisdiction" if form.get("scope") == "jurisdiction" else "unit"
    try:
        units.set_unit(_store(request), name, str(form.get("agency") or ""), scope)
    except ValueError as exc:
        return _users_error(request, user, str(exc))
    return RedirectResponse("/users?done=unit", status_code=303)


@router.post("/users")
async def users_add(request: Request, user=Depends(page_user("users"))):
    form = await request.form()
    try:
        db.add_user(_store(request).engine, str(form.get("name") or ""),
                    str(form.get("role") or ""), str(form.get("password") or ""))
    except db.AccountError as exc:
        return _users_error(request, user, str(exc))
    return RedirectResponse("/users?done=add", status_code=303)


@router.post("/users/change")
async def users_change(request: Request, user=Depends(page_user("users"))):
    """One change to an existing account: its role, a new password, disable, enable, delete."""
    form = await request.form()
    name, action = str(form.get("name") or ""), str(form.get("action") or "")
    engine = _store(request).engine
    if name == user["name"] and action in ("role", "disable", "delete"):
        return _users_error(request, user, "Không tự đổi vai trò, khóa hay xóa tài khoản của "
                                           "chính mình; hãy nhờ một điều phối viên khác.")
    try:
        if action == "role":
            db.update_user(engine, name, role=str(form.get("role") or ""))
        elif action == "password":
            db.update_user(engine, name, password=str(form.get("password") or ""))
        elif action in ("disable", "enable"):
            db.set_disabled(engine, name, action == "disable")
        elif action == "delete":
            db.delete_user(engine, name)
        else:
            raise HTTPException(400, "Thao tác không hợp lệ.")
    except db.AccountError as exc:
        return _users_error(request, user, str(exc))
    return RedirectResponse(f"/users?done={action}", status_code=303)


@router.get("/account")
def account_page(request: Request, user=Depends(page_user("read"))):
    return render(request, "account.html", user, error=None,
                  done=bool(request.query_params.get("done")))


@router.post("/account")
async def account_change(request: Request, user=Depends(page_user("read"))):
    """The user's own password: the current one, then the new one twice. Other sessions of the
    account end; this one goes on with a new session id."""
    form = await request.form()
    new, again = str(form.get("new_password") or ""), str(form.get("new_password2") or "")
    try:
        if new != again:
            raise db.AccountError("hai lần nhập mật khẩu mới không khớp")
        db.change_password(_store(request).engine, user["name"],
                           str(form.get("password") or ""), new)
    except db.AccountError as exc:
        return render(request, "account.html", user, status_code=400, error=str(exc),
                      done=False)
    start_session(request, user)
    return RedirectResponse("/account?done=1", status_code=303)
