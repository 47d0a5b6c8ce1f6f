"""Upload checks (by content, not by name), file-name sanitising, passwords and CSRF tokens."""
from __future__ import annotations

import hashlib
import hmac
import io
import os
import re
import secrets
import unicodedata
import zipfile
from pathlib import Path

DEFAULT_MAX_UPLOAD = 25 * 1024 * 1024      # bytes per file (OCOP_DOCS_WEB_MAX_UPLOAD)

# what each accepted kind is called in messages, and the suffix a stored copy gets
KINDS = {"pdf": ".pdf", "png": ".png", "jpeg": ".jpg", "tiff": ".tif", "docx": ".docx",
         "doc": ".doc", "text": ".txt"}
IMAGE_KINDS = {"png", "jpeg", "tiff"}


class UploadRejected(ValueError):
    """An upload that is refused; str() is a Vietnamese message for the clerk."""


def max_upload_bytes() -> int:
    try:
        return int(os.environ.get("OCOP_DOCS_WEB_MAX_UPLOAD", DEFAULT_MAX_UPLOAD))
    except ValueError:
        return DEFAULT_MAX_UPLOAD


def _is_text(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            data[2:].decode("utf-16-le" if data[:2] == b"\xff\xfe" else "utf-16-be")
            return True
        except UnicodeDecodeError:
            return False
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if not text.strip():
        return False
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
    return controls == 0


def sniff(data: bytes) -> str:
    """The kind of document `data` holds (a key of KINDS), judged by its bytes only; raises
    UploadRejected for anything else (programs, archives, spreadsheets, renamed files)."""
    if not data:
        raise UploadRejected("tệp rỗng")
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            raise UploadRejected("tệp nén bị hỏng, không phải văn bản Word") from None
        if "word/document.xml" in names and "[Content_Types].xml" in names:
            return "docx"
        raise UploadRejected("tệp nén (zip) không phải văn bản Word (.docx); không nhận")
    if data.startswith((b"MZ", b"\x7fELF")):
        raise UploadRejected("tệp chương trình (exe), không phải văn bản; không nhận")
    if _is_text(data):
        return "text"
    raise UploadRejected("không nhận dạng được nội dung tệp: chỉ nhận PDF, ảnh quét (PNG, "
                         "JPEG, TIFF), Word (.docx, .doc) và văn bản thuần (UTF-8, UTF-16)")


_UNSAFE = re.compile(r"[^\w.\- ()]+", re.UNICODE)


def safe_name(name: str | None, kind: str | None = None) -> str:
    """A file name that is only a name: no folders, no '..', no control characters, at most
    120 characters, with the suffix that matches the content."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").split("/")[-1]          # drop any folder part
    name = _UNSAFE.sub("_", name).strip(" ._")
    name = re.sub(r"\.{2,}", ".", name)
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = stem[:100] or "tai-lieu"
    if kind:
        suffix = KINDS[kind].lstrip(".") if ("." + suffix.lower()) not in _ALIASES.get(kind, ()) \
            else suffix
    return f"{stem}.{suffix}" if suffix else stem


_ALIASES = {"pdf": (".pdf",), "png": (".png",), "jpeg": (".jpg", ".jpeg"),
            "tiff": (".tif", ".tiff"), "docx": (".docx",), "doc": (".doc",),
            "text": (".txt", ".text", ".md")}


def inside(folder: Path, name: str) -> Path:
    """`folder/name`, refusing any result outside `folder`."""
    root = folder.resolve()
    path = (root / name).resolve()
    if path.parent != root:
        raise UploadRejected("tên tệp không hợp lệ")
    return path


# ----------------------------------------------------------------------------- passwords

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R,
                            p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        algo, n, r, p, salt, digest = stored.split("$")
        if algo != "scrypt":
            return False
        got = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n),
                             r=int(r), p=int(p), dklen=len(bytes.fromhex(digest)))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


_DUMMY_HASH: list[str] = []


def verify_against_dummy(password: str) -> None:
    """Spend the time of one real check for a name that has no account (so login timing does
    not tell which names exist): one scrypt against a hash made once per process."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password(secrets.token_urlsafe(12)))
    verify_password(password, _DUMMY_HASH[0])


def _fold(text: str) -> str:
    """Lower case, no accents, letters and digits only (for comparing with the common list)."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text.casefold() if ch.isalnum() and ch.isascii())


def password_problem(password: str, name: str = "") -> str | None:
    """Why `password` is too weak for an account called `name` (a Vietnamese sentence), or
    None. The rules and the list of common passwords are data (models/password_policy.yaml)."""
    from ocop_docs.resources import load_yaml

    policy = load_yaml("password_policy.yaml")
    if len(password) < policy["min_length"]:
        return f"mật khẩu phải có ít nhất {policy['min_length']} ký tự"
    if len(set(password)) < policy["min_distinct"]:
        return "mật khẩu lặp lại quá ít ký tự khác nhau"
    folded = _fold(password)
    core = folded.rstrip("0123456789")
    common = {_fold(c) for c in policy["common"]}
    if folded and not core:
        return "mật khẩu chỉ gồm chữ số, dễ đoán; hãy dùng cả chữ và số"
    if folded in common or core in common:
        return "mật khẩu quá phổ biến, dễ đoán; hãy chọn mật khẩu khác"
    if any(folded in seq for seq in policy["sequences"]):
        return "mật khẩu là một dãy ký tự liền nhau trên bàn phím hoặc bảng chữ, dễ đoán"
    if name and len(_fold(name)) >= 3 and _fold(name) in folded:
        return "mật khẩu không được chứa tên đăng nhập"
    return None


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))
