"""Watermarked dissemination copies (带水印的利用复制件).

Every page of the copy gets an overlay: a large light diagonal text (``仅供查阅``, or
``公开阅览`` for the public reading room) across the page centre, and, along the bottom edge,
the lines that say who got the copy, under which request, when (Beijing time). The overlay is
drawn by reportlab with the embedded CJK font (``core.pdffonts``) and merged onto each page by
pypdf; the original bytes are only read. Images (JPEG, PNG, TIFF) are first put on an A4 page.

:func:`layout` is the geometry alone (tested without a PDF); :func:`stamp_pdf` and
:func:`image_pdf` make bytes.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from sd.archive.core import pdffonts
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem

FOR_READING = "仅供查阅"
PUBLIC_READING = "公开阅览"
FOOTER_SIZE = 8.0
FOOTER_MARGIN = 18.0
LINE_GAP = 10.0
DIAGONAL_SHARE = 0.55  # the diagonal text spans this share of the page's diagonal
DIAGONAL_MAX = 96.0
DIAGONAL_MIN = 18.0
A4 = (595.2756, 841.8898)


@dataclass(frozen=True)
class Placement:
    """One text on the overlay: its text, the point it starts from (or its centre when
    ``centred``), size in points, rotation in degrees."""

    text: str
    x: float
    y: float
    size: float
    angle: float = 0.0
    centred: bool = False


def layout(width: float, height: float, lines: list[str], diagonal: str) -> list[Placement]:
    """Where the watermark goes on a ``width`` × ``height`` page (points): the diagonal text
    centred along the page's diagonal, sized to about half of it; the ``lines`` bottom-left,
    the first on top, the last ``FOOTER_MARGIN`` above the edge, each shortened to fit the
    page width."""
    placements = []
    if diagonal:
        angle = math.degrees(math.atan2(height, width))
        length = math.hypot(width, height) * DIAGONAL_SHARE
        size = max(DIAGONAL_MIN, min(DIAGONAL_MAX, length / max(len(diagonal), 1)))
        placements.append(Placement(diagonal, width / 2, height / 2, size, angle, True))
    room = max(width - 2 * FOOTER_MARGIN, 10)
    max_chars = max(int(room / FOOTER_SIZE), 8)  # a CJK glyph is about one em wide
    for i, line in enumerate(reversed(lines)):
        text = line if len(line) <= max_chars else line[: max_chars - 1] + "…"
        placements.append(Placement(text, FOOTER_MARGIN, FOOTER_MARGIN + i * LINE_GAP, FOOTER_SIZE))
    return placements


def overlay_pdf(width: float, height: float, lines: list[str], diagonal: str) -> bytes:
    """A one-page PDF of the watermark alone (透明叠加层)."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=(width, height), initialFontName=pdffonts.cjk_font())
    for p in layout(width, height, lines, diagonal):
        pdf.saveState()
        if p.angle:
            pdf.setFillColorRGB(0.6, 0.1, 0.1)
            pdf.setFillAlpha(0.18)
            pdf.translate(p.x, p.y)
            pdf.rotate(p.angle)
            pdffonts.draw_string(pdf, 0, -p.size / 3, p.text, p.size, centred=True)
        else:
            pdf.setFillColorRGB(0.55, 0.0, 0.0)
            pdf.setFillAlpha(0.85)
            pdffonts.draw_string(pdf, p.x, p.y, p.text, p.size, centred=p.centred)
        pdf.restoreState()
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def unreadable(name: str, why: str) -> ArchiveError:
    return ArchiveError(
        f"{name} cannot be stamped: {why} (无法生成带水印的复制件)",
        [Problem("access.copy-unreadable", why, name, "file")],
        422,
        "CopyUnavailable",
    )


def stamp_pdf(data: bytes, lines: list[str], diagonal: str = FOR_READING, name: str = "") -> bytes:
    """``data`` (a PDF) with the watermark on every page; raises when it cannot be read."""
    return copy_pdf([(name, data, False)], lines, diagonal)


def _append_stamped(writer, data: bytes, lines: list[str], diagonal: str, name: str, cache):
    """Append the pages of ``data`` to ``writer``, each with the watermark merged on."""
    from pypdf import PdfReader
    from pypdf import Transformation
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise unreadable(name, "encrypted (已加密)")
        first = len(writer.pages)
        writer.append(reader)
        if len(writer.pages) == first:
            raise unreadable(name, "no pages")
        for page in writer.pages[first:]:
            if page.rotation:
                page.transfer_rotation_to_content()
            box = page.mediabox
            size = (round(float(box.width), 2), round(float(box.height), 2))
            if size not in cache:
                cache[size] = PdfReader(io.BytesIO(overlay_pdf(*size, lines, diagonal))).pages[0]
            move = Transformation().translate(float(box.left), float(box.bottom))
            page.merge_transformed_page(cache[size], move)
    except ArchiveError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as error:
        raise unreadable(name, f"not a readable PDF ({type(error).__name__})") from None


def image_pdf(data: bytes, name: str = "") -> bytes:
    """An image (JPEG, PNG, TIFF…) on A4 pages, one per frame, fitted inside the margins."""
    from PIL import Image
    from PIL import UnidentifiedImageError
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    try:
        image = Image.open(io.BytesIO(data))
        frames = []
        for index in range(getattr(image, "n_frames", 1)):
            image.seek(index)
            frames.append(image.convert("RGB"))
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise unreadable(name, f"not a readable image ({type(error).__name__})") from None
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, initialFontName=pdffonts.cjk_font())
    margin = 36.0
    for frame in frames:
        w, h = frame.size
        scale = min((A4[0] - 2 * margin) / w, (A4[1] - 2 * margin - 30) / h)
        dw, dh = w * scale, h * scale
        pdf.drawImage(ImageReader(frame), (A4[0] - dw) / 2, (A4[1] - dh) / 2 + 15, dw, dh)
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def copy_pdf(parts: list[tuple[str, bytes, bool]], lines: list[str], diagonal: str, extra=()):
    """One PDF of ``parts`` — (name, bytes, is_image) in order — each page stamped, then the
    ``extra`` PDFs (the evidence certificate) as they are."""
    from pypdf import PdfReader
    from pypdf import PdfWriter

    writer = PdfWriter()
    cache: dict = {}
    for name, data, is_image in parts:
        source = image_pdf(data, name) if is_image else data
        _append_stamped(writer, source, lines, diagonal, name, cache)
    for data in extra:
        writer.append(PdfReader(io.BytesIO(data)))
    writer.add_metadata({"/Producer": "sd.archive", "/Title": "利用复制件"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def watermark_lines(requester: str, number: str, when: str, record: str = "") -> list[str]:
    """The footer lines of a copy (水印文字): requester, request number, Beijing time, record."""
    lines = [f"利用者 Requester: {requester}", f"申请编号 Request: {number}"]
    if record:
        lines.append(f"档号 Record: {record}")
    lines.append(f"生成时间（北京时间）: {when}  仅供查阅 for reading only")
    return lines


def public_lines(when: str, record: str = "") -> list[str]:
    """The footer lines of a public reading copy (公开阅览)."""
    lines = [f"{PUBLIC_READING} Public reading"]
    if record:
        lines.append(f"档号 Record: {record}")
    lines.append(f"生成时间（北京时间）: {when}")
    return lines
