"""LibreOffice headless conversions (a .docx to PDF for an edXML package; tests also convert
spreadsheets). Each call uses its own throw-away LibreOffice profile, so it never clashes with
a running soffice, and a time limit."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT = 180


class ConversionError(RuntimeError):
    """LibreOffice is missing or failed; str() is one line."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_file(path: str | Path, fmt: str, outdir: str | Path) -> Path:
    """Convert `path` with LibreOffice to `fmt` ("pdf", "xlsx", "ods"...) into `outdir`."""
    exe = soffice()
    if exe is None:
        raise ConversionError("không có LibreOffice (soffice) để chuyển sang " + fmt.upper())
    path, outdir = Path(path), Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ocop-lo-") as profile:
        try:
            done = subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless",
                                   "--norestore", "--convert-to", fmt, "--outdir", str(outdir),
                                   str(path)], capture_output=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            raise ConversionError(f"{path.name}: LibreOffice quá {TIMEOUT} giây") from None
    target = outdir / f"{path.stem}.{fmt.split(':')[0]}"
    if done.returncode != 0 or not target.is_file():
        detail = (done.stderr or done.stdout or b"").decode("utf-8", "replace").strip()
        raise ConversionError(f"{path.name}: LibreOffice không chuyển được sang {fmt} "
                              f"({detail.splitlines()[-1] if detail else done.returncode})")
    return target


def docx_to_pdf(docx: bytes, name: str = "van-ban.docx") -> bytes:
    """The PDF rendering of a .docx given as bytes."""
    with tempfile.TemporaryDirectory(prefix="ocop-pdf-") as tmp:
        src = Path(tmp) / "in" / Path(name).name
        src.parent.mkdir()
        src.write_bytes(docx)
        return convert_file(src, "pdf", Path(tmp) / "out").read_bytes()
