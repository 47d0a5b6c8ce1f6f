"""Upload checks (by content, not by name), file-name sanitising, passwords and CSRF tokens."""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from pathlib import Path

# what each accepted kind is called, and the suffix a stored copy gets; the kinds are those of
# the ingestion gate (ocop_docs.ingest.check_file), images told apart by their magic bytes
KINDS = {"pdf": ".pdf", "png": ".png", "jpeg": ".jpg", "tiff": ".tif", "bmp": ".bmp",
         "gif": ".gif", "webp": ".webp", "docx": ".docx", "doc": ".doc", "text": ".txt",
         "html": ".html", "edxml": ".edxml"}
IMAGE_KINDS = {"png", "jpeg", "tiff", "bmp", "gif", "webp"}
_IMAGE_MAGIC = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"), (b"II*\x00", "tiff"),
                (b"MM\x00*", "tiff"), (b"BM", "bmp"), (b"GIF8", "gif"), (b"RIFF", "webp"))


class UploadRejected(ValueError):
    """An upload that is refused; str() is a Vietnamese message for the clerk. `status` is the
    HTTP answer: 415 for content that is no document, 413 for a file over the size limit."""
    status = 415


class UploadTooLarge(UploadRejected):
    status = 413


def max_upload_bytes() -> int:
    """The one size limit of a file, for the CLI and the web: OCOP_DOCS_MAX_BYTES."""
    from ocop_docs.ingest import Limits

    return Limits.from_env().max_bytes


def upload_kind(reader: str, head: bytes) -> str:
    """The upload's kind (a key of KINDS) from the ingestion reader that takes it."""
    if reader == "image":
        return next((kind for magic, kind in _IMAGE_MAGIC if head.startswith(magic)), "png")
    return {"txt": "text"}.get(reader, reader)


def check_upload(path: Path) -> str:
    """Pass the saved upload through the ingestion gate, the same one as the CLI's (size,
    zip bombs, SVG, reader by content); its kind, or UploadRejected with the gate's message."""
    from ocop_docs.ingest import IngestError, check_file

    try:
        reader = check_file(path)
    except IngestError as exc:
        raise UploadRejected(exc.problem) from None
    with path.open("rb") as fh:
        head = fh.read(16)
    return upload_kind(reader, head)


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
            "tiff": (".tif", ".tiff"), "bmp": (".bmp",), "gif": (".gif",), "webp": (".webp",),
            "docx": (".docx",), "doc": (".doc",), "text": (".txt", ".text", ".md"),
            "html": (".html", ".htm"), "edxml": (".edxml", ".xml")}


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
