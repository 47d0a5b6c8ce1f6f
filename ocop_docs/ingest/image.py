"""Scanned images (.png, .jpg, .tif including multi-page TIFF, .bmp, .gif, .webp) through OCR."""
from __future__ import annotations

from PIL import Image, UnidentifiedImageError

from .ocr import MIN_SIDE, PageJob, ocr_jobs
from .types import IngestError, ReadResult, Reader, Source

_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM", b"GIF87a",
          b"GIF89a")


class ImageReader(Reader):
    name = "image"

    def applies(self, source: Source) -> bool:
        head = source.head
        return head.startswith(_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")

    def read(self, source: Source) -> ReadResult:
        try:
            with Image.open(source.path) as img:
                img.load()
                frames = getattr(img, "n_frames", 1)
                width, height = img.size
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise IngestError(source.path, f"corrupt or truncated image ({exc})") from None
        if min(width, height) < MIN_SIDE:
            raise IngestError(source.path, f"image too small to read ({width}x{height} pixels)")
        if frames > source.limits.max_pages:
            raise IngestError(source.path, f"{frames} pages to OCR, over the limit of "
                              f"{source.limits.max_pages} (OCOP_DOCS_MAX_PAGES)")
        jobs = [PageJob("image", str(source.path), i, i + 1) for i in range(frames)]
        pages = ocr_jobs(jobs, source.path)
        warnings = [f"page {p.number}: no text found" for p in pages if not p.text.strip()]
        if len(warnings) == len(pages):
            raise IngestError(source.path, "no text found (blank page or an image without text)")
        return ReadResult(pages, warnings if len(pages) > 1 else [])
