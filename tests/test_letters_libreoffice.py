"""The .docx opens in LibreOffice and prints as the official format (needs soffice)."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest

from ocop_docs.letters import LetterSettings, PreviousReminder, draft_letters, write_letter
from ocop_docs.letters.corpus import GOLD_DIR, load_tasks

pytestmark = [pytest.mark.libreoffice,
              pytest.mark.skipif(shutil.which("soffice") is None, reason="soffice not on PATH")]


def _pdf_text(pdf) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not on PATH")
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def _pages(pdf) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(next(line.split()[-1] for line in info.stdout.splitlines()
                    if line.startswith("Pages:")))


def _convert(docx, outdir, tmp_path):
    profile = tmp_path / "lo-profile"       # own profile: no clash with a running soffice
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(outdir), str(docx)],
                   capture_output=True, check=True, timeout=180)
    pdf = outdir / (docx.stem + ".pdf")
    assert pdf.is_file()
    return pdf


@pytest.mark.slow
def test_letter_converts_to_pdf_with_the_official_parts(tmp_path):
    tasks = load_tasks([GOLD_DIR])
    settings = LetterSettings(issuer="Ủy ban nhân dân tỉnh Hòa Bình",
                              signer_name="Nguyễn Văn Chương")
    letters = draft_letters(tasks, settings, date(2019, 7, 1), "Sở Nông nghiệp và Phát triển "
                            "nông thôn", previous=lambda a, rows: [
                                PreviousReminder("215/UBND-KT", date(2019, 6, 3))])
    docx = write_letter(letters[0], tmp_path, "docx")
    pdf = _convert(docx, tmp_path, tmp_path)
    text = _pdf_text(pdf)
    flat = " ".join(text.split())
    assert _pages(pdf) >= 1
    for line in ("ỦY BAN NHÂN DÂN", "TỈNH HÒA BÌNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "Hòa Bình, ngày 01 tháng 7 năm 2019",
                 "/UBND-KT", "V/v đôn đốc thực hiện", "Kính gửi: Sở Nông nghiệp và Phát triển",
                 "Thực hiện Kế hoạch số 125/KH-UBND ngày 20/9/2018", "Số ngày quá hạn",
                 "Đây là lần đôn đốc thứ 2", "theo dõi./.", "Nơi nhận:", "- Như trên;",
                 "- Lưu: VT, KT.", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn Chương"):
        assert line in flat, line
    # The header's two columns sit side by side: the issuer and the quốc hiệu on one line.
    first = next(line for line in text.splitlines() if "ỦY BAN NHÂN DÂN" in line)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first
