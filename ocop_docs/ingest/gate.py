"""The one gate every input passes, from the CLI and from the web alike: a regular file, not
empty, within the size limit, no zip bomb, no SVG drawing taken for text, a reader that
applies to its content, and that reader's own cheap checks (`Reader.check`: the page count of
a PDF, the pixels of an image, the XML parts of a .docx). `open_source()` returns the Source
and its Reader or raises IngestError with a Vietnamese message from the catalogue. Nothing here
grows with the size of the file's content: it reads the first bytes, the zip directory and
image headers, all before the memory-hungry work starts."""
from __future__ import annotations

import os
import re
import stat
import struct
import zipfile
from pathlib import Path

from ocop_docs.messages import msg

from .types import IngestError, Limits, Reader, Source

HEAD_BYTES = 8192
_KNOWN_BINARY = {b"PK\x03\x04": "kind_zip", b"Rar!": "kind_rar", b"\x1f\x8b": "kind_gzip",
                 b"7z\xbc\xaf": "kind_7z", b"\x7fELF": "kind_program", b"MZ": "kind_program"}
_SVG = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE\s+svg[^>]*>\s*)*<svg\b",
                  re.I | re.S)


def is_svg(head: bytes) -> bool:
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    return bool(_SVG.match(head))


RATIO_MIN_BYTES = 10 * 1024 * 1024    # a member smaller than this unpacked is not ratio-checked
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, ValueError,
               EOFError, struct.error)


def zip_entry_count(path: Path) -> int | None:
    """The number of members a zip file's end-of-directory record declares, read from its last
    64 KB without building the directory (a directory of a million entries is itself a bomb);
    None when there is no such record."""
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        fh.seek(max(0, fh.tell() - 65557))
        tail = fh.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    count = struct.unpack("<H", tail[at + 10:at + 12])[0]
    if count == 0xFFFF:                          # ZIP64: the count is in the ZIP64 record
        at64 = tail.rfind(b"PK\x06\x06", 0, at)
        if at64 >= 0 and at64 + 40 <= len(tail):
            count = struct.unpack("<Q", tail[at64 + 32:at64 + 40])[0]
    return count


def check_zip(path: Path, limits: Limits) -> None:
    """A zip container (.docx, .xlsx ...) whose members would unpack to more than
    limits.max_expanded_bytes, that holds too many members, or whose large member inflates more
    than limits.max_zip_ratio times, is refused before any reader opens it. The sizes are those
    the archive declares; Python's zipfile never inflates a member past its declared size (a
    lying header fails with BadZipFile instead)."""
    try:
        count = zip_entry_count(path)
    except OSError:
        count = None
    if count is not None and count > limits.max_zip_entries:
        raise IngestError(path, msg("ingest.zip_too_many", count=count, limit=limits.max_zip_entries))
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except _ZIP_ERRORS:
        return                                 # the readers report a corrupt file
    if len(infos) > limits.max_zip_entries:
        raise IngestError(path, msg("ingest.zip_too_many", count=len(infos),
                                    limit=limits.max_zip_entries))
    expanded = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if expanded > limits.max_expanded_bytes:
        raise IngestError(path, msg("ingest.zip_bomb", expanded_mb=expanded / 1e6,
                                    limit_mb=limits.max_expanded_bytes / 1e6,
                                    ratio=expanded / packed))
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_MIN_BYTES and ratio > limits.max_zip_ratio:
            raise IngestError(path, msg("ingest.zip_ratio", member=info.filename, ratio=ratio,
                                        limit=limits.max_zip_ratio))


_NOT_REGULAR = ((stat.S_ISFIFO, "kind_fifo"), (stat.S_ISCHR, "kind_char_device"),
                (stat.S_ISBLK, "kind_block_device"), (stat.S_ISSOCK, "kind_socket"))


def not_regular(path: Path, mode: int) -> IngestError:
    kind = next((k for test, k in _NOT_REGULAR if test(mode)), "kind_special")
    return IngestError(path, msg("ingest.not_regular", kind=msg(f"ingest.{kind}")))


def regular_file(path: str | Path, limits: Limits | None = None) -> os.stat_result:
    """The status of `path` when it is a regular file (links followed) within the size limit;
    IngestError otherwise. Opens nothing: a FIFO never blocks, a device is never read."""
    path = Path(path)
    limits = limits or Limits.from_env()
    try:
        info = path.stat()
    except FileNotFoundError:
        raise IngestError(path, msg("ingest.no_such_file")) from None
    except OSError as exc:
        raise IngestError(path, msg("ingest.unreadable", reason=exc.strerror or exc)) from None
    if stat.S_ISDIR(info.st_mode):
        raise IngestError(path, msg("ingest.is_folder"))
    if not stat.S_ISREG(info.st_mode):
        raise not_regular(path, info.st_mode)
    if info.st_size > limits.max_bytes:
        raise IngestError(path, msg("ingest.too_large", size_mb=info.st_size / 1e6,
                                    limit_mb=limits.max_bytes / 1e6))
    return info


def read_head(path: Path) -> tuple[bytes, os.stat_result]:
    """The first bytes of a file opened without blocking, and its status as opened (the path
    may have been replaced by a FIFO since it was checked)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise IngestError(path, msg("ingest.unreadable", reason=exc.strerror or exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise not_regular(path, info.st_mode)
        return os.read(fd, HEAD_BYTES), info
    except OSError as exc:
        raise IngestError(path, msg("ingest.unreadable", reason=exc.strerror or exc)) from None
    finally:
        os.close(fd)


def unsupported(source: Source) -> str:
    """Why no reader takes this file (a catalogue message)."""
    for magic, kind in _KNOWN_BINARY.items():
        if source.head.startswith(magic):
            if magic == b"PK\x03\x04":
                try:
                    if (zip_entry_count(source.path) or 0) > source.limits.max_zip_entries:
                        return msg("ingest.unsupported", what=msg(f"ingest.{kind}"))
                    with zipfile.ZipFile(source.path) as zf:
                        names = zf.namelist()
                    if any(n.startswith("xl/") for n in names):
                        kind = "kind_xlsx"
                    elif any(n.startswith("ppt/") for n in names):
                        kind = "kind_pptx"
                    elif "content.xml" in names:
                        kind = "kind_odf"
                except _ZIP_ERRORS:
                    kind = "kind_bad_zip"
            return msg("ingest.unsupported", what=msg(f"ingest.{kind}"))
    if source.head.startswith(b"{\\rtf"):
        return msg("ingest.unsupported", what=msg("ingest.kind_rtf"))
    hint = f" ({source.suffix})" if source.suffix else ""
    return msg("ingest.unsupported", what=msg("ingest.unsupported_binary", hint=hint))


def open_source(path: str | Path, readers: list[Reader], limits: Limits | None = None
                ) -> tuple[Source, Reader]:
    """Check `path` and pick its reader; raise IngestError when it must not be read."""
    path = Path(path)
    limits = limits or Limits.from_env()
    regular_file(path, limits)
    head, info = read_head(path)
    size = info.st_size
    if size > limits.max_bytes:
        raise IngestError(path, msg("ingest.too_large", size_mb=size / 1e6,
                                    limit_mb=limits.max_bytes / 1e6))
    if size == 0 or not head.strip(b" \t\r\n\x00"):
        raise IngestError(path, msg("ingest.empty"))
    source = Source(path=path, head=head, size=size, limits=limits)
    if is_svg(head):
        raise IngestError(path, msg("ingest.unsupported", what=msg("ingest.kind_svg")))
    if head.startswith(b"PK\x03\x04"):
        check_zip(path, limits)
    reader = next((r for r in readers if r.applies(source)), None)
    if reader is None:
        raise IngestError(path, unsupported(source))
    reader.check(source)
    return source, reader
