"""What differs between two versions of a document record (the extraction contract): the
fields and tasks a clerk would see changed. Used to skip saves that change nothing and to show,
when a save is refused because someone else saved first, what the two versions hold."""
from __future__ import annotations

from typing import Any

FIELDS_VI = {"doc_type": "Loại văn bản", "number": "Số ký hiệu",
             "issued_date": "Ngày ban hành", "place": "Địa danh", "issuer": "Cơ quan ban hành",
             "parent_issuer": "Cơ quan chủ quản", "subject": "Trích yếu",
             "signer": "Người ký", "recipients": "Kính gửi", "distribution": "Nơi nhận"}
TASK_FIELDS_VI = {"action": "nội dung", "lead": "chủ trì", "support": "phối hợp",
                  "due": "hạn", "deadline_text": "thời hạn như văn bản ghi",
                  "recurrence": "định kỳ", "section": "mục"}
LIST_FIELDS = {"recipients", "distribution", "lead", "support"}


def _value(key: str, value: Any):
    """The comparable form of one field: spacing and empty values do not count."""
    if key in LIST_FIELDS:
        return tuple(" ".join(str(x).split()) for x in value or [] if str(x).strip())
    if value is None:
        return None
    text = " ".join(str(value).split())
    if key in ("issued_date", "due"):
        text = text[:10]
    return text or None


def _task(task: dict) -> dict:
    return {k: _value(k, task.get(k)) for k in TASK_FIELDS_VI}


def _show(value) -> str:
    if isinstance(value, tuple):
        return "; ".join(value) if value else "(trống)"
    return value if value is not None else "(trống)"


def differences(stored: dict, other: dict) -> list[dict]:
    """[{"what", "stored", "other"}] for every field and task that differs between `stored`
    and `other` (tasks matched by "id"; tasks without one are new). Empty: the same."""
    out = []
    for key, label in FIELDS_VI.items():
        a, b = _value(key, stored.get(key)), _value(key, other.get(key))
        if a != b:
            out.append({"what": label, "stored": _show(a), "other": _show(b)})
    stored_tasks = list(stored.get("tasks") or [])
    other_tasks = list(other.get("tasks") or [])
    by_id = {t.get("id"): (i, t) for i, t in enumerate(stored_tasks) if t.get("id") is not None}
    seen = set()
    for j, t in enumerate(other_tasks):
        tid = t.get("id")
        if tid is None or tid not in by_id:
            out.append({"what": f"Nhiệm vụ mới ({j + 1})", "stored": "(không có)",
                        "other": _show(_value("action", t.get("action")))})
            continue
        seen.add(tid)
        i, s = by_id[tid]
        a, b = _task(s), _task(t)
        for key, label in TASK_FIELDS_VI.items():
            if a[key] != b[key]:
                out.append({"what": f"Nhiệm vụ {i + 1} — {label}", "stored": _show(a[key]),
                            "other": _show(b[key])})
        if i != j and not any(a[k] != b[k] for k in TASK_FIELDS_VI):
            out.append({"what": f"Nhiệm vụ {i + 1} — thứ tự", "stored": str(i + 1),
                        "other": str(j + 1)})
    for i, s in enumerate(stored_tasks):
        if s.get("id") is not None and s["id"] not in seen:
            out.append({"what": f"Nhiệm vụ {i + 1}", "stored": _show(_value("action",
                                                                             s.get("action"))),
                        "other": "(đã xóa)"})
        elif s.get("id") is None:
            out.append({"what": f"Nhiệm vụ {i + 1}", "stored": _show(_value("action",
                                                                             s.get("action"))),
                        "other": "(không có)"})
    return out
