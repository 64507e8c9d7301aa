"""Redacted access copies (删节件): what to take out of a file before it is opened.

The original file is never changed: the redacted bytes become a NEW component of the record
(``sd.archive.openreview.release``), the version the access copies show, while the original
stays closed. What a reviewer can ask for (``spec``):

- ``{"pages": [2, 5]}`` — PDF pages withheld: each is replaced by a page of the same size that
  says 本页不予开放（已删节）; nothing of the page's content is carried over;
- ``{"regions": [{"page": 1, "box": [x0, y0, x1, y1]}]}`` — PDF areas blacked out (points,
  origin bottom left): the page is rendered to an image (``pdftoppm``, poppler), the areas are
  painted black in the image and the page is replaced by it, so no text under a box survives
  (the page loses its text layer);
- ``{"ranges": [[start, end], …]}`` — character ranges of a text file (UTF-8) replaced by ■.

Pages count from 1. A spec naming pages a file does not have is refused by :func:`redact_pdf`.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

MAX_ITEMS = 1000
BLOCK = "■"
WITHHELD = "本页不予开放（已删节）"


class RedactionError(ValueError):
    """The redaction asked for cannot be made (删节要求有误)."""


def _int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
        raise RedactionError(f"{what} must be a whole number (须为整数)")
    return int(value)


def parse_spec(spec) -> dict:  # noqa: C901 - one check after the other
    """The cleaned spec (see the module); raises :class:`RedactionError` naming the fault."""
    if not isinstance(spec, dict) or not any(spec.get(k) for k in ("pages", "regions", "ranges")):
        raise RedactionError(
            "say what to redact: pages, regions or ranges (须说明删节的页、区域或文字范围)"
        )
    clean: dict = {}
    pages = spec.get("pages") or []
    regions = spec.get("regions") or []
    ranges = spec.get("ranges") or []
    if not all(isinstance(v, list) for v in (pages, regions, ranges)):
        raise RedactionError("pages, regions and ranges are lists (须为列表)")
    if len(pages) + len(regions) + len(ranges) > MAX_ITEMS:
        raise RedactionError(f"at most {MAX_ITEMS} items (删节项过多)")
    if pages:
        clean["pages"] = sorted({_int(p, "a page") for p in pages})
        if clean["pages"][0] < 1:
            raise RedactionError("pages count from 1 (页码从 1 开始)")
    if regions:
        clean["regions"] = []
        for region in regions:
            if not isinstance(region, dict) or not isinstance(region.get("box"), list):
                raise RedactionError("a region is {page, box: [x0, y0, x1, y1]} (区域格式有误)")
            page = _int(region.get("page"), "a region's page")
            box = region["box"]
            if len(box) != 4 or not all(
                isinstance(v, int | float) and not isinstance(v, bool) and v >= 0 for v in box
            ):
                raise RedactionError("a box is four numbers ≥ 0 (区域坐标有误)")
            x0, y0, x1, y1 = (float(v) for v in box)
            if page < 1 or x1 <= x0 or y1 <= y0:
                raise RedactionError("a box has x0 < x1 and y0 < y1 on a page ≥ 1 (区域坐标有误)")
            clean["regions"].append({"page": page, "box": [x0, y0, x1, y1]})
    if ranges:
        clean["ranges"] = []
        for item in ranges:
            if not isinstance(item, list) or len(item) != 2:
                raise RedactionError("a range is [start, end] (文字范围格式有误)")
            start, end = _int(item[0], "a range start"), _int(item[1], "a range end")
            if not 0 <= start < end:
                raise RedactionError("a range has 0 ≤ start < end (文字范围有误)")
            clean["ranges"].append([start, end])
    if clean.get("ranges") and (clean.get("pages") or clean.get("regions")):
        raise RedactionError("text ranges and PDF pages do not mix (文字范围与页面删节不能同用)")
    return clean


def redact_text(text: str, ranges: list[list[int]]) -> str:
    """``text`` with each [start, end) range replaced by as many ■."""
    chars = list(text)
    for start, end in ranges:
        if end > len(chars):
            raise RedactionError(f"the text has {len(chars)} characters (文字范围超出全文)")
        chars[start:end] = BLOCK * (end - start)
    return "".join(chars)


def _withheld_page(width: float, height: float) -> bytes:
    from reportlab.pdfgen import canvas

    from sd.archive.core import pdffonts

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=(width, height), invariant=1)
    size = min(18.0, width / 14)
    pdffonts.draw_string(pdf, width / 2, height / 2, WITHHELD, size, centred=True)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _blacked_page(source: bytes, number: int, boxes, width: float, height: float) -> bytes:
    """Page ``number`` of ``source`` as an image with ``boxes`` painted black, as a PDF page."""
    from PIL import Image
    from PIL import ImageDraw

    dpi = 150
    with tempfile.TemporaryDirectory(prefix="sd-redact-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(source)
        subprocess.run(  # noqa: S603 - fixed program, our own temporary files
            [  # noqa: S607 - poppler-utils from the Makefile (APT_TOOLS)
                "pdftoppm",
                "-r",
                str(dpi),
                "-f",
                str(number),
                "-l",
                str(number),
                "-png",
                "-singlefile",
                str(src),
                str(Path(tmp) / "page"),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        image = Image.open(Path(tmp) / "page.png").convert("RGB")
    scale_x, scale_y = image.width / width, image.height / height
    draw = ImageDraw.Draw(image)
    for x0, y0, x1, y1 in boxes:
        # PDF origin is bottom left, the image's top left
        draw.rectangle(
            [x0 * scale_x, (height - y1) * scale_y, x1 * scale_x, (height - y0) * scale_y],
            fill="black",
        )
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=dpi)
    return out.getvalue()


def redact_pdf(data: bytes, spec: dict) -> bytes:
    """A new PDF: ``data`` with the spec's pages withheld and regions blacked out."""
    from pypdf import PdfReader
    from pypdf import PdfWriter

    try:
        reader = PdfReader(io.BytesIO(data))
        count = len(reader.pages)
    except Exception as error:  # pypdf raises many kinds on a damaged file
        raise RedactionError(f"the PDF cannot be read (PDF 无法读取): {error}") from None
    pages = set(spec.get("pages") or ())
    boxes: dict[int, list] = {}
    for region in spec.get("regions") or ():
        boxes.setdefault(region["page"], []).append(region["box"])
    beyond = sorted(n for n in pages | set(boxes) if n > count)
    if beyond:
        raise RedactionError(f"the PDF has {count} pages, not {beyond} (页码超出)")
    writer = PdfWriter()
    for number, page in enumerate(reader.pages, 1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        if number in pages:
            writer.add_page(PdfReader(io.BytesIO(_withheld_page(width, height))).pages[0])
        elif number in boxes:
            made = _blacked_page(data, number, boxes[number], width, height)
            added = writer.add_page(PdfReader(io.BytesIO(made)).pages[0])
            added.scale_to(width, height)
        else:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
