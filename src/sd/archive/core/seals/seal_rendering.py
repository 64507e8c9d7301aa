"""The 归档章 box (归档章图样, DA/T 22-2015 §6.3): what it shows and how it is drawn.

Two rows by three cells — 全宗号 | 年度 | 件号 (or 档号) over 机构（问题） | 保管期限 | 页数 —
45 × 16 mm, drawn as a one-page PDF (reportlab, the embedded CJK font of
:mod:`sd.archive.core.pdffonts`) for the PDF signature's appearance, or as a transparent PNG
(Pillow) for an OFD stamp.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from .. import pdffonts

MM = 72 / 25.4
SEAL_WIDTH_MM = 45.0  # three cells of 15 mm
SEAL_HEIGHT_MM = 16.0  # two rows of 8 mm
PNG_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
SEAL_RED = (0.8, 0.0, 0.0)


@dataclass(frozen=True)
class ArchivingSealFields:
    """What the 归档章 shows (归档章项目)."""

    fonds_code: str  # 全宗号
    year: str  # 年度
    item_number: str  # 件号 (or the 档号)
    organization: str = ""  # 机构（问题）
    retention: str = ""  # 保管期限
    pages: str = ""  # 页数

    def cells(self) -> list[list[tuple[str, str]]]:
        """Rows of (label, value) in the DA/T 22 layout."""
        return [
            [("全宗号", self.fonds_code), ("年度", self.year), ("件号", self.item_number)],
            [("机构(问题)", self.organization), ("保管期限", self.retention), ("页数", self.pages)],
        ]


def render_seal_pdf(fields: ArchivingSealFields) -> bytes:
    """The 归档章 box as a one-page PDF (45 × 16 mm), text in the embedded CJK font."""
    from reportlab.pdfgen import canvas

    width, height = SEAL_WIDTH_MM * MM, SEAL_HEIGHT_MM * MM
    buffer = io.BytesIO()
    pdf = canvas.Canvas(
        buffer, pagesize=(width, height), invariant=1, initialFontName=pdffonts.cjk_font()
    )
    pdf.setStrokeColorRGB(*SEAL_RED)
    pdf.setFillColorRGB(*SEAL_RED)
    pdf.setLineWidth(0.8)
    cell_w, cell_h = width / 3, height / 2
    for row, cells in enumerate(fields.cells()):
        for col, (label, value) in enumerate(cells):
            x, y = col * cell_w, height - (row + 1) * cell_h
            pdf.rect(x, y, cell_w, cell_h)
            pdffonts.draw_string(pdf, x + 1.2, y + cell_h - 5, label, 4)
            text = value or ""
            size = 8 if pdffonts.string_width(text, 8) < cell_w - 2 else 5.5
            pdffonts.draw_string(pdf, x + cell_w / 2, y + 2.5, text, size, centred=True)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def render_seal_png(fields: ArchivingSealFields, dpi: int = 300) -> bytes:
    """The 归档章 box as a transparent PNG (Pillow; a CJK font from ``PNG_FONTS``)."""
    from PIL import Image
    from PIL import ImageDraw
    from PIL import ImageFont

    scale = dpi / 25.4
    width, height = round(SEAL_WIDTH_MM * scale), round(SEAL_HEIGHT_MM * scale)
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    red = tuple(int(c * 255) for c in SEAL_RED) + (255,)

    def font(size_px: int):
        for path in PNG_FONTS:
            if Path(path).exists():
                return ImageFont.truetype(
                    path, size_px, index=2 if path.endswith(".ttc") and "Noto" in path else 0
                )
        return ImageFont.load_default()

    small, big = font(round(1.5 * scale)), font(round(3.0 * scale))
    line = max(2, round(0.3 * scale))
    cell_w, cell_h = width / 3, height / 2
    for row, cells in enumerate(fields.cells()):
        for col, (label, value) in enumerate(cells):
            x, y = col * cell_w, row * cell_h
            draw.rectangle([x, y, x + cell_w - 1, y + cell_h - 1], outline=red, width=line)
            draw.text((x + line * 2, y + line * 2), label, fill=red, font=small)
            draw.text(
                (x + cell_w / 2, y + cell_h * 0.62), value or "", fill=red, font=big, anchor="mm"
            )
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
