"""OCR (光学字符识别) with Tesseract and the simplified-Chinese model (``chi_sim+eng``).

PDF pages are rendered at 300 dpi with ``pdftoppm`` and read by the ``tesseract`` command, one
page per call, with ``OMP_THREAD_LIMIT=1`` (:mod:`.tools`). Measured here against ocrmypdf
(which also builds a PDF/A we do not need: ~4 s a page against ~1.5 s), this is the plain
``tesseract`` path itself, so the queue reads as many pages a minute as the command does
(``bench/bench_ocr.py``).
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .tools import have
from .tools import run

LANGUAGES = os.environ.get("SD_ARCHIVE_OCR_LANG", "chi_sim+eng")
DPI = 300
#: Pages read side by side (tesseract processes of one thread each); 1 leaves a core to the rest
JOBS = max(1, int(os.environ.get("SD_ARCHIVE_OCR_JOBS", 1)))
_CJK_SPACE = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef]) +(?=[\u3000-\u9fff\uff00-\uffef])")


def ocr_available() -> bool:
    """True when ``tesseract`` (and ``pdftoppm`` for PDFs) are installed."""
    return have("tesseract") and have("pdftoppm")


def tidy(text: str) -> str:
    """Tesseract puts a space between Chinese characters: remove it (中 文 → 中文)."""
    lines = [_CJK_SPACE.sub("", line).rstrip() for line in text.replace("\f", "\n").splitlines()]
    return "\n".join(line for line in lines if line.strip())


def ocr_image(path: str | os.PathLike, timeout: float | None = None) -> str:
    """The text Tesseract reads in one image (PNG, JPEG, TIFF, PPM)."""
    out = run(["tesseract", os.fspath(path), "stdout", "-l", LANGUAGES, "--psm", "3"], timeout)
    return tidy(out.stdout.decode("utf-8", "replace"))


def render_page(pdf: str | os.PathLike, page: int, folder: str, timeout=None) -> Path:
    """Page ``page`` (1-based) of ``pdf`` as a 300-dpi greyscale PGM in ``folder`` (raw
    pixels: no PNG compression to spend time on, the file lives for one tesseract call)."""
    prefix = Path(folder) / f"p{page}"
    run(
        ["pdftoppm", "-r", str(DPI), "-gray", "-f", str(page), "-l", str(page),
         "-singlefile", os.fspath(pdf), str(prefix)],
        timeout,
    )  # fmt: skip
    return prefix.with_suffix(".pgm")


def ocr_pdf_pages(pdf: str | os.PathLike, pages: list[int], timeout: float | None = None) -> dict:
    """OCR the given 1-based pages of a PDF: ``{page: text}``.

    A pipeline: one thread renders the next pages (``pdftoppm``) while ``JOBS`` threads run
    ``tesseract`` on the ones rendered, so rendering costs no time beside the OCR; at most
    ``JOBS + 1`` page images (≈ 9 MB each) wait on disk."""
    slots = threading.BoundedSemaphore(JOBS + 1)

    def render(page: int, folder: str) -> Path:
        slots.acquire()
        try:
            return render_page(pdf, page, folder, timeout)
        except BaseException:
            slots.release()
            raise

    def read(rendering) -> str:
        image = rendering.result()
        try:
            return ocr_image(image, timeout)
        finally:
            image.unlink(missing_ok=True)
            slots.release()

    with (
        tempfile.TemporaryDirectory(prefix="sd-ocr-") as folder,
        ThreadPoolExecutor(1, "sd-ocr-render") as renderer,
        ThreadPoolExecutor(JOBS, "sd-ocr-read") as readers,
    ):
        rendered = [renderer.submit(render, page, folder) for page in pages]
        reads = [readers.submit(read, rendering) for rendering in rendered]
        return {page: done.result() for page, done in zip(pages, reads, strict=True)}
