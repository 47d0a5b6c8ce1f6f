"""Scanned images (.png, .jpg, .tif including multi-page TIFF, .bmp, .gif, .webp) through OCR."""
from __future__ import annotations

import re
import struct
import warnings

from PIL import Image, UnidentifiedImageError

from .ocr import MIN_SIDE, PageJob, ocr_jobs
from ocop_docs.messages import msg

from .types import IngestError, ReadResult, Reader, Source

_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM", b"GIF87a",
          b"GIF89a")


class ImageReader(Reader):
    name = "image"

    def applies(self, source: Source) -> bool:
        head = source.head
        return head.startswith(_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")

    def check(self, source: Source) -> None:
        """Frames and the pixels of every frame, from the image's headers, before any pixel is
        decoded (OCOP_DOCS_MAX_PAGES, OCOP_DOCS_MAX_PIXELS)."""
        limits = source.limits
        try:
            with warnings.catch_warnings():         # PIL's own bomb warning: ours is the message
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                img = Image.open(source.path)
            with img:
                frames = getattr(img, "n_frames", 1)
                if frames > limits.max_pages:
                    raise IngestError(source.path, msg("ingest.too_many_pages", pages=frames,
                                                       limit=limits.max_pages))
                for i in range(frames):
                    if i:
                        img.seek(i)
                    width, height = img.size
                    if width * height > limits.max_pixels:
                        where = msg("ingest.where_frame", page=i + 1) if frames > 1 else \
                            msg("ingest.where_image")
                        raise IngestError(source.path, msg(
                            "ingest.image_too_many_pixels", where=where, width=width, height=height,
                            mpx=width * height / 1e6, limit=limits.max_pixels / 1e6))
        except IngestError:
            raise
        except Image.DecompressionBombError as exc:  # over twice PIL's limit: refused at open
            pixels = re.search(r"\((\d+) pixels\)", str(exc))
            raise IngestError(source.path, msg(
                "ingest.image_pixels", mpx=int(pixels.group(1)) / 1e6 if pixels else float("nan"),
                limit=limits.max_pixels / 1e6)) from None
        except Exception as exc:     # PIL raises many kinds on a broken header
            raise IngestError(source.path, msg("ingest.image_corrupt",
                                               cause=f"{type(exc).__name__}: {exc}")) from None

    def read(self, source: Source) -> ReadResult:
        try:
            with Image.open(source.path) as img:
                img.load()
                frames = getattr(img, "n_frames", 1)
                width, height = img.size
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, struct.error,
                Image.DecompressionBombError) as exc:
            raise IngestError(source.path, msg("ingest.image_corrupt", cause=exc)) from None
        if min(width, height) < MIN_SIDE:
            raise IngestError(source.path, msg("ingest.image_too_small", width=width, height=height))
        if frames > source.limits.max_pages:
            raise IngestError(source.path, msg("ingest.too_many_pages", pages=frames,
                                                 limit=source.limits.max_pages))
        jobs = [PageJob("image", str(source.path), i, i + 1) for i in range(frames)]
        pages = ocr_jobs(jobs, source.path)
        warnings = [msg("ingest.page_no_text", page=p.number) for p in pages if not p.text.strip()]
        if len(warnings) == len(pages):
            raise IngestError(source.path, msg("ingest.image_no_text"))
        return ReadResult(pages, warnings if len(pages) > 1 else [])
