"""The one gate every input passes, from the CLI and from the web alike: a regular file, not
empty, within the size limit, no zip bomb, no SVG drawing taken for text, and a reader that
applies to its content. `open_source()` returns the Source and its Reader or raises IngestError
with a Vietnamese message from the catalogue."""
from __future__ import annotations

import re
import stat
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


def check_zip(path: Path, limits: Limits) -> None:
    """A zip container (.docx, .xlsx ...) whose members would unpack to more than
    limits.max_expanded_bytes, or that holds too many members, is refused before any reader
    opens it. The sizes are those the archive declares; Python's zipfile never inflates a
    member past its declared size (a lying header fails with BadZipFile instead)."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
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


def unsupported(source: Source) -> str:
    """Why no reader takes this file (a catalogue message)."""
    for magic, kind in _KNOWN_BINARY.items():
        if source.head.startswith(magic):
            if magic == b"PK\x03\x04":
                try:
                    with zipfile.ZipFile(source.path) as zf:
                        names = zf.namelist()
                    if any(n.startswith("xl/") for n in names):
                        kind = "kind_xlsx"
                    elif any(n.startswith("ppt/") for n in names):
                        kind = "kind_pptx"
                    elif "content.xml" in names:
                        kind = "kind_odf"
                except zipfile.BadZipFile:
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
    try:
        info = path.stat()
    except FileNotFoundError:
        raise IngestError(path, msg("ingest.no_such_file")) from None
    except OSError as exc:
        raise IngestError(path, msg("ingest.unreadable", reason=exc.strerror or exc)) from None
    if stat.S_ISDIR(info.st_mode):
        raise IngestError(path, msg("ingest.is_folder"))
    if not stat.S_ISREG(info.st_mode):
        raise IngestError(path, msg("ingest.not_regular"))
    size = info.st_size
    if size > limits.max_bytes:
        raise IngestError(path, msg("ingest.too_large", size_mb=size / 1e6,
                                    limit_mb=limits.max_bytes / 1e6))
    try:
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError as exc:
        raise IngestError(path, msg("ingest.unreadable", reason=exc.strerror or exc)) from None
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
    return source, reader
