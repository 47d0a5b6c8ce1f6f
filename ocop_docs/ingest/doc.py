"""Word 97-2003 (.doc, OLE2 container): antiword first, LibreOffice headless as a fallback
(converted to .docx, then read like one). RTF saved as .doc goes to LibreOffice."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ocop_docs.messages import msg

from .types import IngestError, Page, ReadResult, Reader, Source

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TIMEOUT = 120


def antiword_text(path: Path) -> str | None:
    if shutil.which("antiword") is None:
        return None
    env = dict(os.environ, ANTIWORDHOME="/usr/share/antiword")
    try:
        proc = subprocess.run(["antiword", "-m", "UTF-8.txt", "-w", "0", str(path)],
                              capture_output=True, timeout=TIMEOUT, env=env)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0:
        return None
    text = proc.stdout.decode("utf-8", errors="replace")
    return text if text.strip() else None


def soffice_text(path: Path) -> str | None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    from .docx import docx_text
    import docx

    with tempfile.TemporaryDirectory(prefix="ocop-soffice-") as tmp:
        profile = Path(tmp, "profile").as_uri()
        try:
            subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless",
                            "--convert-to", "docx", "--outdir", tmp, str(path)],
                           capture_output=True, timeout=TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return None
        out = Path(tmp, path.stem + ".docx")
        if not out.exists():
            return None
        # the converted file passes the .docx limits too (a 50 MB .doc can unpack far larger)
        from .docx import DocxReader
        from .gate import check_zip
        from .types import Limits, Source

        limits = Limits.from_env()
        try:
            check_zip(out, limits)
            with out.open("rb") as fh:
                DocxReader().check(Source(path=out, head=fh.read(8), size=out.stat().st_size,
                                          limits=limits))
        except IngestError as exc:
            raise IngestError(path, exc.problem) from None
        try:
            return docx_text(docx.Document(str(out)))
        except Exception:            # LibreOffice wrote something python-docx cannot read
            return None


def antiword_tables(text: str) -> str:
    """antiword draws table rows as `|cell|cell|`, a cell with several lines as extra rows with
    an empty first cell; use our `| cell | cell |` form, one line per row."""
    out: list[str | list[str]] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 2:
            cells = [" ".join(c.split()) for c in stripped[1:-1].split("|")]
            prev = out[-1] if out else None
            if isinstance(prev, list) and not cells[0] and len(prev) == len(cells):
                out[-1] = [" ".join(filter(None, (a, b))) for a, b in zip(prev, cells)]
            else:
                out.append(cells)
        else:
            out.append(line)
    return "\n".join("| " + " | ".join(x) + " |" if isinstance(x, list) else x for x in out)


class DocReader(Reader):
    name = "doc"

    def applies(self, source: Source) -> bool:
        return source.head.startswith(OLE2) or (
            source.head.startswith(b"{\\rtf") and source.suffix in (".doc", ".rtf"))

    def read(self, source: Source) -> ReadResult:
        warnings: list[str] = []
        text = None
        if source.head.startswith(OLE2):
            text = antiword_text(source.path)
            if text is not None:
                text = antiword_tables(text)
        if text is None:
            text = soffice_text(source.path)
            if text is not None and source.head.startswith(OLE2):
                warnings.append(msg("ingest.doc_via_libreoffice"))
        if text is None:
            if shutil.which("soffice") is None and shutil.which("antiword") is None:
                raise IngestError(source.path, msg("ingest.doc_needs_tools"))
            raise IngestError(source.path, msg("ingest.doc_corrupt"))
        if not text.strip():
            raise IngestError(source.path, msg("ingest.word_no_text"))
        return ReadResult([Page(number=1, text=text, method="doc")], warnings)
