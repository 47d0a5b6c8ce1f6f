"""JSON API under /api/ for e-office systems (OpenAPI at /openapi.json, docs at /api/docs).
The accounts and roles of the pages apply: a session cookie (unsafe methods with the
X-CSRF-Token header) or HTTP Basic (unsafe methods with an X-Requested-With header)."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from ocop_docs import vntime
from ocop_docs.web import db, register, services, units
from ocop_docs.web.auth import api_user
from ocop_docs.web.security import UploadRejected

router = APIRouter(prefix="/api", tags=["api"])


def _store(request: Request):
    return request.app.state.store


class TaskIn(BaseModel):
    id: int | None = Field(None, description="mã nhiệm vụ đã có; bỏ trống: nhiệm vụ mới")
    action: str
    lead: list[str] = []
    support: list[str] = []
    due: str | None = None
    deadline_text: str | None = None
    recurrence: str | None = None
    section: str | None = None
    start: int | None = None
    end: int | None = None


class DocumentIn(BaseModel):
    doc_type: str | None = None
    number: str | None = None
    issued_date: str | None = None
    place: str | None = None
    issuer: str | None = None
    parent_issuer: str | None = None
    subject: str | None = None
    recipients: list[str] = []
    distribution: list[str] = []
    signer: str | None = None
    tasks: list[TaskIn] = []
    version: int | None = Field(None, description="phiên bản của văn bản khi đọc (GET trả về "
                                "`version`); hoặc gửi tiêu đề If-Match. Bản cũ hơn bản đang "
                                "lưu bị từ chối (409)")


class StatusIn(BaseModel):
    status: Literal["done", "open"] = "done"
    period: str | None = Field(None, description="kỳ cần cập nhật (vd. 2025, 2025-Q2); bắt "
                                "buộc với nhiệm vụ định kỳ")
    evidence: str | None = Field(None, description="số văn bản báo cáo kết quả")
    note: str | None = None


@router.get("/documents", summary="Tìm văn bản")
def documents(request: Request, q: str | None = None, number: str | None = None,
              doc_type: str | None = None, issuer: str | None = None,
              date_from: str | None = None, date_to: str | None = None,
              limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0),
              user=Depends(api_user())):
    return services.search_documents(_store(request), q=q, number=number, doc_type=doc_type,
                                     issuer=issuer, date_from=services.parse_date(date_from),
                                     date_to=services.parse_date(date_to), limit=limit,
                                     offset=offset, scope=units.request_scope(request, user))


@router.get("/documents/{document_id}", summary="Một văn bản: thông tin và nhiệm vụ")
def document(request: Request, document_id: int, user=Depends(api_user())):
    doc = services.document(_store(request), document_id)
    if doc is None:
        raise HTTPException(404, "không có văn bản này")
    out = services.record_of(doc)
    out.update(id=doc["id"], file_id=doc["file_id"], source=doc["source_path"],
               corrected=doc["corrected"] is not None, version=doc["version"],
               register=register.as_json(register.entry_for_file(_store(request).engine,
                                                                 doc["file_id"])))
    return JSONResponse(out, headers={"ETag": f'"{doc["version"]}"'})


@router.put("/documents/{document_id}", summary="Sửa văn bản và nhiệm vụ (lưu như bản hiệu "
                                                 "đính, giữ riêng bản máy trích xuất)")
def correct_document(request: Request, document_id: int, body: DocumentIn,
                     user=Depends(api_user("review"))):
    if services.document(_store(request), document_id) is None:
        raise HTTPException(404, "không có văn bản này")
    record = body.model_dump()
    version = record.pop("version")
    match = request.headers.get("if-match", "").strip().removeprefix("W/").strip('"')
    if version is None and match.isdigit():
        version = int(match)
    if version is None:
        raise HTTPException(428, "cần gửi phiên bản của văn bản (trường `version` hoặc tiêu đề "
                                 "If-Match, lấy từ GET) để không ghi đè thay đổi của người khác")
    record["tasks"] = [{k: v for k, v in t.items() if not (k == "id" and v is None)}
                       for t in record["tasks"]]
    try:
        return services.save_correction(_store(request), document_id, record, user["name"],
                                        version)
    except services.SaveConflict as exc:
        return JSONResponse({"detail": str(exc), "version": exc.doc["version"],
                             "changed_by": exc.by, "changes": exc.changes}, status_code=409)


@router.get("/files/{file_id}/gold", summary="Bản trích xuất đã hiệu đính (định dạng gold)")
def gold(request: Request, file_id: int, user=Depends(api_user())):
    try:
        return services.gold_of_file(_store(request), file_id)[1]
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None


@router.get("/tasks", summary="Ai phải làm gì, hạn khi nào")
def tasks(request: Request, agency: str | None = None,
          status: Literal["open", "overdue", "done", "all"] = "open",
          due_from: str | None = None, due_to: str | None = None, as_of: str | None = None,
          role: Literal["lead", "support", "any"] = "lead", user=Depends(api_user())):
    data = services.dashboard(_store(request), agency=agency, status=status,
                              due_from=services.parse_date(due_from),
                              due_to=services.parse_date(due_to),
                              as_of=services.parse_date(as_of) or vntime.today(), role=role,
                              scope=units.request_scope(request, user))
    # plain JSON already (strings, numbers, lists): skip FastAPI's jsonable_encoder, which
    # took 0.6 s of a 1 s answer on a 100,000-task store (bench/load_web.py)
    return JSONResponse(data)


@router.get("/tasks/{task_id}", summary="Chi tiết một nhiệm vụ")
def task(request: Request, task_id: int, user=Depends(api_user())):
    from task_graph import queries
    from task_graph.store import StoreError

    try:
        return queries.task_detail(_store(request), task_id)
    except StoreError as exc:
        raise HTTPException(404, str(exc)) from None


@router.post("/tasks/{task_id}/status", summary="Đánh dấu hoàn thành / mở lại")
def task_status(request: Request, task_id: int, body: StatusIn,
                user=Depends(api_user("status"))):
    from task_graph.store import StoreError

    try:
        return services.set_task_status(_store(request), task_id, body.status,
                                        period=body.period, by=user["name"],
                                        evidence=body.evidence, note=body.note)
    except StoreError as exc:
        raise HTTPException(400, str(exc)) from None


@router.get("/agencies", summary="Cơ quan và tên gọi khác")
def agencies(request: Request, q: str | None = None, user=Depends(api_user())):
    from task_graph import queries

    return queries.list_agencies(_store(request), q, limit=5000)


@router.get("/letters", summary="Xem trước công văn đôn đốc (json, html hoặc docx; chưa "
                                "ghi sổ: ghi bằng POST /api/letters)")
def letters(request: Request, agency: str | None = None, task: list[int] = Query([]),
            as_of: str | None = None, issuer: str | None = None, signer: str | None = None,
            signer_title: str | None = None, upcoming: int | None = None,
            format: Literal["json", "html", "docx"] = "json", i: int = 0,
            user=Depends(api_user("read"))):
    from ocop_docs.letters import render, render_text

    if format == "docx" and user["role"] != "coordinator":
        raise HTTPException(403, "chỉ điều phối viên tải công văn")
    found = services.build_letters(_store(request), as_of=services.parse_date(as_of)
                                   or vntime.today(), agency=agency, task_ids=task,
                                   issuer=issuer, signer=signer, signer_title=signer_title,
                                   upcoming=upcoming)
    if format == "json":
        return [{"index": n, "issuer": l.issuer, "recipient": l.recipient_agency,
                 "ordinal": l.ordinal, "letter_date": l.letter_date.isoformat(),
                 "reply_by": l.reply_by.isoformat(), "text": render_text(l, "txt"),
                 "tasks": [{"task_id": t.task_id, "action": t.action,
                            "due": t.due.isoformat(), "days_overdue": t.days_overdue}
                           for t in l.tasks]} for n, l in enumerate(found)]
    if not 0 <= i < len(found):
        raise HTTPException(404, "không có công văn nào với lựa chọn này")
    if format == "html":
        return Response(render_text(found[i], "html"), media_type="text/html; charset=utf-8")
    return Response(render(found[i], "docx"), media_type="application/vnd.openxmlformats-"
                    "officedocument.wordprocessingml.document")


class LetterIssueIn(BaseModel):
    agency: str | None = None
    task: list[int] = []
    as_of: str | None = None
    issuer: str | None = None
    signer: str | None = None
    signer_title: str | None = None
    upcoming: int | None = None
    i: int = Field(0, description="công văn thứ mấy trong danh sách GET /api/letters")


class LetterNumberIn(BaseModel):
    number: str = Field(..., description='số vào sổ, vd. "215" (hoặc "215/UBND-KT")')


@router.post("/letters", summary="Soạn và ghi vào sổ một công văn đôn đốc (như `ocop-docs "
                                 "remind`); lần sau ghi là lần 2")
def issue_letter(request: Request, body: LetterIssueIn, user=Depends(api_user("letters"))):
    from ocop_docs.letters import ledger

    found = services.build_letters(_store(request), as_of=services.parse_date(body.as_of)
                                   or vntime.today(), agency=body.agency, task_ids=body.task,
                                   issuer=body.issuer, signer=body.signer,
                                   signer_title=body.signer_title, upcoming=body.upcoming)
    if not 0 <= body.i < len(found):
        raise HTTPException(404, "không có công văn nào với lựa chọn này")
    letter = found[body.i]
    letter_id = ledger.record_letter(_store(request).engine, letter, None, by=user["name"])
    services.record_draft(_store(request), user["name"], letter, letter_id)
    return {"letter_id": letter_id, "recipient": letter.recipient_agency,
            "issuer": letter.issuer, "ordinal": letter.ordinal,
            "letter_date": letter.letter_date.isoformat(),
            "tasks": [t.task_id for t in letter.tasks]}


@router.post("/letters/{letter_id}/number", summary="Ghi số vào sổ của công văn đôn đốc")
def letter_number(request: Request, letter_id: int, body: LetterNumberIn,
                  user=Depends(api_user("letters"))):
    from ocop_docs.letters import ledger

    try:
        ledger.set_number(_store(request).engine, letter_id, body.number)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    return {"letter_id": letter_id, "number": body.number.split("/")[0].strip()}


@router.post("/uploads", summary="Tải lên tệp văn bản để trích xuất")
async def upload(request: Request, file: UploadFile,
                 incoming_number: str | None = Form(None, description="số đến"),
                 received_on: str | None = Form(None, description="ngày đến (dd/mm/yyyy)"),
                 sender: str | None = Form(None, description="nơi gửi"),
                 user=Depends(api_user("upload"))):
    try:
        entry = register.parse({"incoming_number": incoming_number,
                                "received_on": received_on, "sender": sender})
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    data = await file.read()
    try:
        upload_id = request.app.state.jobs.accept(file.filename or "", data, user["name"])
    except UploadRejected as exc:
        raise HTTPException(exc.status, str(exc)) from None
    register.record_upload(_store(request).engine, upload_id, entry, user["name"])
    return {"id": upload_id, "status": "queued", "register": register.as_json(entry)}


@router.get("/uploads/{upload_id}", summary="Trạng thái trích xuất một tệp")
def upload_status(request: Request, upload_id: int, user=Depends(api_user())):
    row = db.upload_row(_store(request).engine, upload_id)
    if row is None:
        raise HTTPException(404, "không có tệp này")
    docs = services.documents_of_file(_store(request), row["file_id"]) if row["file_id"] else []
    return {"id": row["id"], "name": row["original_name"], "status": row["status"],
            "status_vi": services.UPLOAD_STATUS_VI.get(row["status"], row["status"]),
            "error": row["error"], "file_id": row["file_id"],
            "register": register.as_json(register.for_upload(_store(request).engine,
                                                             upload_id)),
            "documents": [{"id": d["id"], "number": d["number"], "doc_type": d["doc_type"]}
                          for d in docs]}
