"""Tesseract's word boxes for a page image, from inside the process when possible.

Each OCR worker thread keeps one handle on the installed libtesseract (the library behind the
`tesseract` command, Debian's libtesseract5, through its C API): the language model is loaded
once, and the page goes to tesseract as raw pixels. The tesseract command (pytesseract) costs
a process start, a model load and a PNG written and read again for every call, about a sixth
of the CPU time of a scanned page here (bench/bench_ocr.py). The same library reads the same
pixels, so the words are the same as the command's. When the library cannot be loaded or
started, pytesseract runs the command as before. Both give the dict of
`pytesseract.image_to_data(..., output_type=DICT)`.

OCOP_DOCS_TESSERACT=command forces the command (to compare the two).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import subprocess
import threading
from functools import lru_cache

import numpy as np

COLUMNS = ("level", "page_num", "block_num", "par_num", "line_num", "word_num",
           "left", "top", "width", "height", "conf", "text")

_local = threading.local()


@lru_cache(maxsize=1)
def tessdata_dir() -> str | None:
    """Where the installed tesseract keeps its language data (TESSDATA_PREFIX, else what
    `tesseract --list-langs` names)."""
    prefix = os.environ.get("TESSDATA_PREFIX")
    if prefix and os.path.isdir(prefix):
        return prefix
    try:
        out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True,
                             timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r'"([^"]+)"', out)
    return m.group(1) if m else None


@lru_cache(maxsize=1)
def _library():
    """libtesseract's C API with its signatures declared, or None."""
    name = ctypes.util.find_library("tesseract") or "libtesseract.so.5"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    handle, text = ctypes.c_void_p, ctypes.c_char_p
    lib.TessBaseAPICreate.restype = handle
    lib.TessBaseAPIInit3.argtypes = (handle, text, text)
    lib.TessBaseAPIInit3.restype = ctypes.c_int
    lib.TessBaseAPISetVariable.argtypes = (handle, text, text)
    lib.TessBaseAPISetPageSegMode.argtypes = (handle, ctypes.c_int)
    lib.TessBaseAPISetImage.argtypes = (handle, ctypes.c_void_p, ctypes.c_int, ctypes.c_int,
                                        ctypes.c_int, ctypes.c_int)
    lib.TessBaseAPIRecognize.argtypes = (handle, ctypes.c_void_p)
    lib.TessBaseAPIRecognize.restype = ctypes.c_int
    lib.TessBaseAPIGetTsvText.argtypes = (handle, ctypes.c_int)
    lib.TessBaseAPIGetTsvText.restype = ctypes.c_void_p      # freed with TessDeleteText
    lib.TessDeleteText.argtypes = (ctypes.c_void_p,)
    lib.TessBaseAPIClear.argtypes = (handle,)
    lib.TessBaseAPIDelete.argtypes = (handle,)
    return lib


class _Api:
    """One TessBaseAPI initialised for a language."""

    def __init__(self, lib, lang: str, datapath: str):
        self.lib = lib
        self.handle = lib.TessBaseAPICreate()
        if not self.handle or lib.TessBaseAPIInit3(self.handle, datapath.encode(), lang.encode()) != 0:
            if self.handle:
                lib.TessBaseAPIDelete(self.handle)
            raise RuntimeError("libtesseract could not load the language data")
        # its notes ("Estimating resolution as …") go nowhere, as the command's do under
        # pytesseract, not onto our standard error
        lib.TessBaseAPISetVariable(self.handle, b"debug_file", os.devnull.encode())

    def tsv(self, image: np.ndarray, psm: int) -> str:
        lib = self.lib
        height, width = image.shape[:2]
        lib.TessBaseAPISetPageSegMode(self.handle, psm)
        lib.TessBaseAPISetImage(self.handle, image.ctypes.data, width, height, 1, width)
        try:
            if lib.TessBaseAPIRecognize(self.handle, None) != 0:
                raise RuntimeError("libtesseract could not read the page")
            ptr = lib.TessBaseAPIGetTsvText(self.handle, 0)
            try:
                return ctypes.string_at(ptr).decode("utf-8", "replace") if ptr else ""
            finally:
                if ptr:
                    lib.TessDeleteText(ptr)
        finally:
            lib.TessBaseAPIClear(self.handle)

    def __del__(self):
        if getattr(self, "handle", None):
            self.lib.TessBaseAPIDelete(self.handle)
            self.handle = None


def _api(lang: str) -> _Api | None:
    """This thread's libtesseract handle for `lang`, or None (library or data not found, or
    OCOP_DOCS_TESSERACT=command)."""
    if os.environ.get("OCOP_DOCS_TESSERACT", "").strip().lower() == "command":
        return None
    apis = getattr(_local, "apis", None)
    if apis is None:
        apis = _local.apis = {}
    if lang not in apis:
        api = None
        lib, path = _library(), tessdata_dir()
        if lib is not None and path:
            try:
                api = _Api(lib, lang, path)
            except (RuntimeError, AttributeError, OSError):
                api = None
        apis[lang] = api
    return apis[lang]


def parse_tsv(tsv: str) -> dict:
    """tesseract's TSV rows (no header) → a dict of columns, numbers as ints."""
    out: dict[str, list] = {c: [] for c in COLUMNS}
    last = len(COLUMNS) - 1
    for row in tsv.splitlines():
        cells = row.split("\t")
        if len(cells) < last:
            continue
        cells += [""] * (len(COLUMNS) - len(cells))
        for k, name in enumerate(COLUMNS[:last]):
            out[name].append(int(float(cells[k])))
        out[COLUMNS[last]].append(cells[last])
    return out


def image_to_data(image: np.ndarray, lang: str, psm: int) -> dict:
    """Word boxes of a grey or black-on-white page image (uint8, one channel)."""
    api = _api(lang)
    if api is not None:
        try:
            return parse_tsv(api.tsv(np.ascontiguousarray(image, dtype=np.uint8), psm))
        except RuntimeError:
            pass                     # the command below says what is wrong, if anything
    import pytesseract
    from PIL import Image

    return pytesseract.image_to_data(Image.fromarray(image), lang=lang, config=f"--psm {psm}",
                                     output_type=pytesseract.Output.DICT)
