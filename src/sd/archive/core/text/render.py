"""Chinese sample documents (中文样例文件) for tests, the demo site and the OCR bench.

``text_pdf`` draws lines of Chinese with the embedded CJK font (``core.pdffonts``), so the PDF
has a real text layer; ``scanned_pdf`` rasterises such a PDF at 300 dpi with ``pdftoppm`` and
wraps the page images in a new PDF without any text: what a scanner produces.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path

from ..pdffonts import cjk_font
from ..pdffonts import draw_string
from .tools import run

A4 = (595.27, 841.89)


def text_pdf(pages: list[list[str]], size: float = 16, encrypt: str | None = None) -> bytes:
    """A PDF with one page per list of lines, drawn in the embedded CJK font.

    ``encrypt`` sets a user password (an encrypted PDF nobody can read without it)."""
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    kwargs = {"encrypt": StandardEncryption(encrypt, canModify=0)} if encrypt else {}
    pdf = canvas.Canvas(out, pagesize=A4, initialFontName=cjk_font(), **kwargs)
    for lines in pages:
        y = A4[1] - 90
        for line in lines:
            draw_string(pdf, 72, y, line, size)
            y -= size * 1.8
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def page_images(pdf: bytes, folder: str | os.PathLike, dpi: int = 300) -> list[Path]:
    """Each page of ``pdf`` as a greyscale PNG at ``dpi`` in ``folder``."""
    folder = Path(folder)
    source = folder / "source.pdf"
    source.write_bytes(pdf)
    run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(source), str(folder / "page")])
    return sorted(folder.glob("page*.png"))


def scanned_pdf(pages: list[list[str]], size: float = 16) -> bytes:
    """An image-only PDF of the given lines (one 300-dpi 8-bit greyscale image per page, as a
    scanner's grey mode makes)."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, initialFontName="Helvetica")
    with tempfile.TemporaryDirectory(prefix="sd-scan-") as folder:
        for image in page_images(text_pdf(pages, size), folder):
            with Image.open(image) as picture:
                grey = ImageReader(picture.convert("L"))
            pdf.drawImage(grey, 0, 0, width=A4[0], height=A4[1])
            pdf.showPage()
        pdf.save()
    return out.getvalue()


_OFD_NS = "http://www.ofdspec.org/2016"


def text_ofd(pages: list[list[str]], size_mm: float = 5.0) -> bytes:
    """A minimal OFD (GB/T 33190) with one page per list of lines, each line a TextObject."""
    from xml.sax.saxutils import escape

    def xml(body: str) -> bytes:
        return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}'.encode()

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "OFD.xml",
            xml(
                f'<ofd:OFD xmlns:ofd="{_OFD_NS}" Version="1.1" DocType="OFD"><ofd:DocBody>'
                "<ofd:DocInfo><ofd:DocID>sd-archive-sample</ofd:DocID></ofd:DocInfo>"
                "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
            ),
        )
        listed = "".join(
            f'<ofd:Page ID="{n + 10}" BaseLoc="Pages/Page_{n}/Content.xml"/>'
            for n in range(len(pages))
        )
        z.writestr(
            "Doc_0/Document.xml",
            xml(
                f'<ofd:Document xmlns:ofd="{_OFD_NS}"><ofd:CommonData><ofd:MaxUnitID>999'
                "</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox>"
                f"</ofd:PageArea></ofd:CommonData><ofd:Pages>{listed}</ofd:Pages></ofd:Document>"
            ),
        )
        for n, lines in enumerate(pages):
            objects = "".join(
                f'<ofd:TextObject ID="{100 + i}" Boundary="25 {30 + i * 10} 160 {size_mm * 2}" '
                f'Font="1" Size="{size_mm}"><ofd:TextCode X="0" Y="{size_mm}">'
                f"{escape(line)}</ofd:TextCode></ofd:TextObject>"
                for i, line in enumerate(lines)
            )
            z.writestr(
                f"Doc_0/Pages/Page_{n}/Content.xml",
                xml(
                    f'<ofd:Page xmlns:ofd="{_OFD_NS}"><ofd:Content><ofd:Layer ID="{n + 50}">'
                    f"{objects}</ofd:Layer></ofd:Content></ofd:Page>"
                ),
            )
    return out.getvalue()
