"""Pages for the offices' own tools (ocop_docs.office): the Excel follow-up table (download,
upload with a preview, apply), calendar feeds with a secret per-feed token, the summary
report and edXML packages of reminder letters."""
from __future__ import annotations

import re
import secrets
from datetime import date
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from ocop_docs import vntime
from ocop_docs.web import services, units
from ocop_docs.web.app import render
from ocop_docs.web.auth import page_user

router = APIRouter(include_in_schema=False)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
EXPORT_LIMIT = 20_000        # tasks in one Excel download (the dashboard shows a first page)


def _store(request: Request):
    return request.app.state.store


def _disposition(name: str) -> str:
    from urllib.parse import quote
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


# ----------------------------------------------------------------------------- Excel

@router.get("/export/theo-doi.xlsx")
def followup_download(request: Request, agency: str = "", status: str = "open",
                      due_from: str = "", due_to: str = "", as_of: str = "", role: str = "lead",
                      user=Depends(page_user("read"))):
    """The dashboard's rows, with the dashboard's filters, as the Excel follow-up table."""
    from ocop_docs.office.followup import write_followup
    from task_graph.store import StoreError

    day = services.parse_date(as_of) or vntime.today()
    status = status if status in ("open", "overdue", "done", "all") else "open"
    role = role if role in ("lead", "support", "any") else "lead"
    try:
        data = services.dashboard(_store(request), agency=agency.strip() or None, status=status,
                                  due_from=services.parse_date(due_from),
                                  due_to=services.parse_date(due_to), as_of=day, role=role,
                                  scope=units.request_scope(request, user),
                                  limit=EXPORT_LIMIT)
    except StoreError as exc:
        raise HTTPException(400, str(exc)) from None
    name = f"theo-doi-nhiem-vu-{day.isoformat()}.xlsx"
    return Response(write_followup(data), media_type=XLSX,
                    headers={"Content-Disposition": _disposition(name)})


def _imports_dir(request: Request) -> Path:
    path = request.app.state.jobs.storage / "status-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


@router.get("/import-status")
def import_form(request: Request, user=Depends(page_user("status"))):
    return render(request, "office_import.html", user, plan=None, token=None, error=None,
                  applied=None, sheet_name=None)


@router.post("/import-status")
async def import_preview(request: Request, user=Depends(page_user("status"))):
    """Read an uploaded follow-up sheet and show what importing it would change."""
    from ocop_docs.office import OfficeFileError
    from ocop_docs.office.followup import MAX_BYTES, plan_changes, read_followup

    form = await request.form()
    item = form.get("file")
    if item is None or not hasattr(item, "read"):
        return render(request, "office_import.html", user, status_code=400, plan=None,
                      token=None, applied=None, sheet_name=None, error="Chưa chọn tệp .xlsx.")
    data = await item.read(MAX_BYTES + 1)
    name = Path(item.filename or "bang-theo-doi.xlsx").name
    try:
        plan = plan_changes(_store(request), read_followup(data, name))
    except OfficeFileError as exc:
        return render(request, "office_import.html", user, status_code=400, plan=None,
                      token=None, applied=None, sheet_name=name, error=str(exc))
    token = secrets.token_urlsafe(24)
    (_imports_dir(request) / f"{token}.xlsx").write_bytes(data)
    (_imports_dir(request) / f"{token}.name").write_text(name, encoding="utf-8")
    return render(request, "office_import.html", user, plan=plan, token=token, error=None,
                  applied=None, sheet_name=name)


@router.post("/import-status/apply")
async def import_apply(request: Request, user=Depends(page_user("status"))):
    """Apply the sheet previewed under `token`, compared again with the store as it is now."""
    from ocop_docs.office import OfficeFileError
    from ocop_docs.office.followup import apply_changes, plan_changes, read_followup
    from task_graph.store import StoreError

    form = await request.form()
    token = str(form.get("token") or "")
    if not _TOKEN.fullmatch(token):
        raise HTTPException(400, "Mã bảng đã tải lên không hợp lệ.")
    path = _imports_dir(request) / f"{token}.xlsx"
    label = _imports_dir(request) / f"{token}.name"
    if not path.is_file():
        raise HTTPException(404, "Bảng đã tải lên không còn (đã áp dụng hoặc đã hết hạn); "
                                 "hãy tải lên lại.")
    name = label.read_text(encoding="utf-8") if label.is_file() else path.name
    try:
        plan = plan_changes(_store(request), read_followup(path.read_bytes(), name))
        applied = apply_changes(_store(request), plan, by=user["name"], source=name)
    except (OfficeFileError, StoreError) as exc:
        return render(request, "office_import.html", user, status_code=400, plan=None,
                      token=None, applied=None, sheet_name=name, error=str(exc))
    path.unlink(missing_ok=True)
    label.unlink(missing_ok=True)
    return render(request, "office_import.html", user, plan=plan, token=None, error=None,
                  applied=len(applied), sheet_name=name)


# ----------------------------------------------------------------------------- calendars

ICS = "text/calendar; charset=utf-8"


def _feed_page(request: Request, user: dict, **extra):
    from ocop_docs.office.feeds import list_feeds, unit_of

    mine = None if user["role"] == "coordinator" else user["name"]
    context = {"feeds": list_feeds(_store(request).engine, by=mine), "new_url": None,
               "error": None, "agencies": services.agency_names(_store(request)),
               "unit": unit_of(_store(request).engine, user["name"]), "assigned": False}
    scope = units.request_scope(request, user)
    if not scope.everything and scope.agency_name:    # the account's unit, set by a coordinator
        context.update(unit=scope.agency_name, assigned=True)
    context.update(extra)
    return render(request, "office_calendars.html", user,
                  status_code=400 if context["error"] else 200, **context)


@router.get("/calendars")
def calendars_page(request: Request, user=Depends(page_user("read"))):
    return _feed_page(request, user)


@router.post("/calendars")
async def calendars_create(request: Request, user=Depends(page_user("read"))):
    """A new feed for one agency; its secret URL is shown once."""
    from ocop_docs.office.calendar import task_events
    from ocop_docs.office.feeds import create_feed

    form = await request.form()
    agency = " ".join(str(form.get("agency") or "").split())[:300]
    units.check_agency(request, user, agency)            # a unit's own agencies only
    role = str(form.get("role") or "any")
    role = role if role in ("lead", "support", "any") else "any"
    if not agency or not task_events(_store(request), agency, role=role)["agencies"]:
        return _feed_page(request, user, error=f"Không tìm thấy cơ quan hoặc nhiệm vụ nào: "
                                               f"{agency or '(trống)'}")
    _id, token = create_feed(_store(request).engine, agency, role=role, by=user["name"])
    url = str(request.base_url).rstrip("/") + f"/calendar/{token}.ics"
    return _feed_page(request, user, new_url=url)


@router.post("/calendars/unit")
async def calendars_unit(request: Request, user=Depends(page_user("read"))):
    """Set the unit (agency) the user works for; its calendar is then one click away."""
    from ocop_docs.office.calendar import task_events
    from ocop_docs.office.feeds import set_unit

    form = await request.form()
    agency = " ".join(str(form.get("agency") or "").split())[:300]
    units.check_agency(request, user, agency)
    if not agency or not task_events(_store(request), agency)["agencies"]:
        return _feed_page(request, user, error=f"Không tìm thấy cơ quan hoặc nhiệm vụ nào: "
                                               f"{agency or '(trống)'}")
    set_unit(_store(request).engine, user["name"], agency)
    return RedirectResponse("/calendars", status_code=303)


@router.post("/calendars/{feed_id}/revoke")
async def calendars_revoke(request: Request, feed_id: int, user=Depends(page_user("read"))):
    from ocop_docs.office.feeds import revoke_feed

    by = None if user["role"] == "coordinator" else user["name"]
    if not revoke_feed(_store(request).engine, feed_id, by=by):
        raise HTTPException(404, "Không có nguồn lịch này.")
    return RedirectResponse("/calendars", status_code=303)


@router.get("/calendar.ics")
def calendar_download(request: Request, agency: str, role: str = "any",
                      user=Depends(page_user("read"))):
    from ocop_docs.office.calendar import agency_calendar

    role = role if role in ("lead", "support", "any") else "any"
    units.check_agency(request, user, agency)
    data, ics = agency_calendar(_store(request), agency, role=role)
    if not data["agencies"]:
        raise HTTPException(404, f"Không tìm thấy cơ quan hoặc nhiệm vụ nào: {agency}")
    return Response(ics, media_type=ICS,
                    headers={"Content-Disposition": _disposition("han-nhiem-vu.ics")})


@router.get("/calendar/{token}.ics")
def calendar_feed(request: Request, token: str):
    """The subscribed feed: the secret token is the only credential."""
    from ocop_docs.office.calendar import agency_calendar
    from ocop_docs.office.feeds import feed_by_token

    feed = feed_by_token(_store(request).engine, token) if _TOKEN.fullmatch(token) else None
    if feed is None:
        raise HTTPException(404, "Không có nguồn lịch này (mã sai hoặc đã thu hồi).")
    _data, ics = agency_calendar(_store(request), feed["agency"], role=feed["role"])
    return Response(ics, media_type=ICS, headers={"Cache-Control": "private, max-age=900"})


# ----------------------------------------------------------------------------- edXML out

@router.post("/letters/edxml")
async def letter_edxml(request: Request, user=Depends(page_user("letters"))):
    """One drafted letter as an edXML package (.docx and PDF attached) for the exchange
    client; organ ids from the form or learned from received packages. Like the .docx
    download, the letter is recorded in the ledger (the next one is "lần 2")."""
    from ocop_docs.letters.render import file_name
    from ocop_docs.office.convert import ConversionError
    from ocop_docs.office.letter_package import PackageIncomplete, letter_package
    from ocop_docs.web.pages import chosen_letter, record_drafted

    form = await request.form()
    letter = chosen_letter(request, form)
    try:
        data = letter_package(letter, from_organ_id=str(form.get("organ_id") or "").strip() or None,
                              to_organ_id=str(form.get("to_organ_id") or "").strip() or None,
                              store=_store(request))
    except (PackageIncomplete, ConversionError) as exc:
        raise HTTPException(400, str(exc)) from None
    letter_id = record_drafted(request, user, letter)
    return Response(data, media_type="application/xml",
                    headers={"Content-Disposition": _disposition(file_name(letter, "edxml")),
                             "X-Letter-Id": str(letter_id)})


# ----------------------------------------------------------------------------- report

@router.get("/report")
def report_page(request: Request, as_of: str = "", user=Depends(page_user("read"))):
    day = services.parse_date(as_of) or date.today()
    return render(request, "office_report.html", user,
                  f={"from": date(day.year, 1, 1).isoformat(), "to": day.isoformat()})


@router.get("/report.docx")
def report_download(request: Request, period_from: str = "", period_to: str = "",
                    as_of: str = "", issuer: str = "", signer: str = "",
                    signer_title: str = "", user=Depends(page_user("letters"))):
    """The summary report for a period, as the NĐ 30 .docx ready to sign."""
    from ocop_docs.letters.render import LetterTemplateError
    from ocop_docs.office.report import ReportSettings, file_name, render_report, summarize

    start, end = services.parse_date(period_from), services.parse_date(period_to)
    if start is None or end is None or end < start:
        raise HTTPException(400, "Kỳ báo cáo không hợp lệ: cần ngày đầu và ngày cuối kỳ "
                                 "(ngày cuối không trước ngày đầu).")
    if not issuer.strip():
        raise HTTPException(400, "Cần tên cơ quan báo cáo.")
    authority, _, title = signer_title.partition("|") if "|" in signer_title \
        else ("", "", signer_title)
    settings = ReportSettings(issuer=" ".join(issuer.split()),
                              signer_name=signer.strip() or None,
                              signer_authority=authority.strip() or None,
                              signer_title=title.strip() or None)
    try:
        report = summarize(_store(request), start, end, as_of=services.parse_date(as_of),
                           settings=settings)
        data = render_report(report)
    except LetterTemplateError as exc:
        raise HTTPException(500, str(exc)) from None
    return Response(data, media_type=DOCX,
                    headers={"Content-Disposition": _disposition(file_name(report))})
