"""Running tesseract on a page image: its word boxes as pytesseract's `image_to_data` dict.

Two engines give the same dict:
- in process, through tesserocr's wheel (it carries libtesseract; the language data is the
  system's, Debian tesseract-ocr-vie): the model is loaded once per thread, not once per page,
  the pixels are handed over without a file, and its newer tesseract reads a page in about a
  fifth less CPU than Debian 12's program;
- the tesseract program through pytesseract, where tesserocr is not installed or cannot find
  the Vietnamese data (OCOP_DOCS_TESSERACT=program forces it).

Both read black-on-white pages single-threaded (one process per core is the fast path) and
estimate the resolution from the page, as the program does for an image without one.
"""
from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
import threading

import cv2
import numpy as np

os.environ.setdefault("OMP_THREAD_LIMIT", "1")     # before libtesseract's OpenMP starts

LANG = "vie"
# tessedit_do_invert=0: tesseract reads a line again inverted (white on black) when its first
# reading is poor; our pages are black on white by construction, so that second reading only
# ever re-reads noise (seal rims, stamps): ~8% of tesseract's time. (ND 30/2020 letters print
# no white-on-black text.)
# textord_disable_pitch_test=1: no search for fixed-pitch (typewriter) text, which letters set
# in proportional type never are: the same words and boxes, ~6% fewer instructions a page.
SETTINGS = {"tessedit_do_invert": "0", "textord_disable_pitch_test": "1"}
TSV_HEADER = "\t".join(("level", "page_num", "block_num", "par_num", "line_num", "word_num",
                        "left", "top", "width", "height", "conf", "text"))
ENGINE_VARIABLE = "OCOP_DOCS_TESSERACT"

_local = threading.local()


def image_to_data(image: np.ndarray, psm: int = 3) -> dict:
    """tesseract's word boxes for a black-on-white image (grey, uint8), as pytesseract's
    image_to_data(output_type=DICT) gives them: one list per TSV column."""
    image = np.ascontiguousarray(image)
    api = _api() if engine() == "library" else None
    if api is None:
        return _program_data(image, psm)
    from pytesseract.pytesseract import file_to_dict

    api.SetPageSegMode(psm)
    height, width = image.shape[:2]
    # `pixels` keeps the bytes alive while the page is read
    if image.ndim == 2 and image.dtype == np.uint8 and not cv2.countNonZero(cv2.inRange(image, 1, 254)):
        # a black-and-white page goes in at 1 bit a pixel (1 is white, tesseract's convention):
        # tesseract then skips its own thresholding; the same words and boxes
        packed = np.packbits(image > 127, axis=1)
        pixels = packed.tobytes()
        api.SetImageBytes(pixels, width, height, 0, packed.shape[1])
    else:
        channels = 1 if image.ndim == 2 else image.shape[2]
        pixels = image.tobytes()
        api.SetImageBytes(pixels, width, height, channels, width * channels)
    try:
        tsv = api.GetTSVText(0)
    finally:
        api.Clear()
    return file_to_dict(f"{TSV_HEADER}\n{tsv}", "\t", -1)


@functools.cache
def engine() -> str:
    """"library" (tesserocr, in process) or "program" (the tesseract executable)."""
    if os.environ.get(ENGINE_VARIABLE, "").strip().lower() == "program":
        return "program"
    try:
        import tesserocr  # noqa: F401
    except ImportError:
        return "program"
    return "library" if LANG in _library_languages() else "program"


def languages() -> set[str]:
    """The languages the engine in use can read."""
    if engine() == "library":
        return _library_languages()
    import pytesseract

    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        return set()
    return set(pytesseract.get_languages(config=""))


def missing() -> str | None:
    """What OCR lacks on this machine (a message naming the Debian package), or None."""
    if engine() == "program":
        import pytesseract

        if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
            return "OCR needs the tesseract program (Debian: tesseract-ocr)"
    if LANG not in languages():
        return "OCR needs tesseract's Vietnamese data (Debian: tesseract-ocr-vie)"
    return None


# ----------------------------------------------------------------------------- tesserocr

@functools.cache
def tessdata_dir() -> str | None:
    """The folder of the system's language data: TESSDATA_PREFIX, else the one the tesseract
    program reports, else tesserocr's own default."""
    prefix = os.environ.get("TESSDATA_PREFIX")
    if prefix and os.path.isdir(prefix):
        return os.path.join(prefix, "")
    program = shutil.which("tesseract")
    if program:
        try:
            out = subprocess.run([program, "--list-langs"], capture_output=True, text=True,
                                 timeout=30).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        m = re.search(r'"([^"]+)"', out)
        if m and os.path.isdir(m.group(1)):
            return os.path.join(m.group(1), "")
    try:
        import tesserocr

        path, _ = tesserocr.get_languages()
    except Exception:            # noqa: BLE001 - no library, no default folder
        return None
    return path if path and os.path.isdir(path) else None


@functools.cache
def _library_languages() -> set[str]:
    path = tessdata_dir()
    if path is None:
        return set()
    return {name[:-len(".traineddata")] for name in os.listdir(path)
            if name.endswith(".traineddata")}


def _api():
    """This thread's tesserocr engine, the Vietnamese model loaded (once per thread)."""
    api = getattr(_local, "api", None)
    if api is None:
        import tesserocr

        api = tesserocr.PyTessBaseAPI(path=tessdata_dir(), lang=LANG, init=True)
        for name, value in SETTINGS.items():
            api.SetVariable(name, value)
        _local.api = api
    return api


# ----------------------------------------------------------------------------- the program

def _program_data(image: np.ndarray, psm: int) -> dict:
    import pytesseract

    config = " ".join([f"--psm {psm}", *(f"-c {k}={v}" for k, v in SETTINGS.items())])
    # handed over as an uncompressed BMP written by OpenCV: pytesseract would compress a PNG
    # (~0.2 s a page, as much as a tenth of tesseract's own time); tesseract reads the same pixels
    with tempfile.NamedTemporaryFile(suffix=".bmp", dir=_scratch_dir()) as f:
        if not cv2.imwrite(f.name, image):
            raise OSError(f"cannot write the page image for tesseract to {f.name}")
        return pytesseract.image_to_data(f.name, lang=LANG, config=config,
                                         output_type=pytesseract.Output.DICT)


def _scratch_dir() -> str | None:
    """Memory-backed /dev/shm for the page images handed to tesseract where it is writable and
    has room (a container's is often 64 MB), else the system's temporary directory."""
    shm = "/dev/shm"
    try:
        st = os.statvfs(shm)
    except OSError:
        return None
    roomy = st.f_bavail * st.f_frsize >= 256 * 2**20
    return shm if roomy and os.access(shm, os.W_OK) else None
