"""Peak memory of `ocop-docs extract` on the size and decompression bombs of issue 10.

    PYTHONPATH=. .venv/bin/python bench/bench_input_bombs.py [--scale 1.0] [--keep DIR]

Builds, in a temporary folder: a 1,200-page text PDF, a .docx whose document.xml unpacks to
1 GiB, a 13,300×13,300 blank image, a .docx with 1 GiB of zeros in an extra member, a
one-page PDF whose page is 400 inches square; then runs `python -m ocop_docs extract` on each
in its own process and prints the peak resident memory (the process and the children it
waited for, from wait4), the wall time, the exit code and the first line of stderr.
`--scale` shrinks the bombs (0.1: a tenth of the pages, bytes and pixel count).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import input_bombs  # noqa: E402


def run(path: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "ocop_docs", "extract", str(path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    err = proc.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"peak_mb": usage.ru_maxrss / 1024, "seconds": time.perf_counter() - start,
            "exit": proc.returncode, "stderr": (err.strip().splitlines() or [""])[0][:160],
            "stderr_lines": len(err.strip().splitlines())}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--keep", type=Path, help="build the files here and keep them")
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="ocop-bombs-"))
    folder.mkdir(parents=True, exist_ok=True)
    s = args.scale
    builders = [
        ("pdf-1200-text-pages", lambda p: input_bombs.text_pdf(p.with_suffix(".pdf"), int(1200 * s))),
        ("docx-1GiB-document-xml", lambda p: input_bombs.docx_bomb(p.with_suffix(".docx"), int(2 ** 30 * s))),
        ("png-13300-squared", lambda p: input_bombs.blank_image(p.with_suffix(".png"), int(13300 * s ** 0.5))),
        ("docx-1GiB-zeros-member", lambda p: input_bombs.zip_ratio_docx(
            p.with_suffix(".docx"), "word/media/zeros.bin", int(2 ** 30 * s))),
        ("pdf-400-inch-page", lambda p: input_bombs.huge_page_pdf(p.with_suffix(".pdf"), 400 * s ** 0.5)),
    ]
    print(f"{'bomb':26} {'file MB':>8} {'peak MB':>8} {'seconds':>8} exit  first stderr line")
    for name, build in builders:
        path = build(folder / name)
        r = run(path)
        print(f"{name:26} {path.stat().st_size / 1e6:8.2f} {r['peak_mb']:8.0f} {r['seconds']:8.1f} "
              f"{r['exit']:4}  ({r['stderr_lines']} lines) {r['stderr']}", flush=True)
        if not args.keep:
            path.unlink()
    if not args.keep:
        folder.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
