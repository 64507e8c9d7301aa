"""The watermark of dissemination copies (利用复制件水印): layout and the stamped PDF."""

import io
import sys
from pathlib import Path

import pytest

from sd.archive.core import pdffonts
from sd.archive.core.access import watermark
from sd.archive.core.errors import ArchiveError

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from pdfcheck import assert_embedded  # noqa: E402
from pdfcheck import needs_font  # noqa: E402
from pdfcheck import needs_tools  # noqa: E402
from pdfcheck import pdf_text  # noqa: E402

LINES = watermark.watermark_lines(
    "张读者 (reader)", "LY-2026-000007", "2026-12-07 14:05:09", "J001-WS·2023-Y-BGS-0001"
)


def source_pdf(pages=1, size=(595.2756, 841.8898), rotate=0) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=size, initialFontName=pdffonts.cjk_font())
    for n in range(pages):
        if rotate:
            pdf.setPageRotation(rotate)
        pdffonts.draw_string(pdf, 72, 500, f"原件正文第{n + 1}页", 14)
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def test_layout_diagonal_centred_and_footer_upwards():
    placed = watermark.layout(600, 800, ["one", "two", "three"], "仅供查阅")
    diagonal, *footer = placed
    assert (diagonal.x, diagonal.y, diagonal.centred) == (300, 400, True)
    assert 53 < diagonal.angle < 54  # atan(800/600)
    assert watermark.DIAGONAL_MIN <= diagonal.size <= watermark.DIAGONAL_MAX
    assert [p.text for p in footer] == ["three", "two", "one"]  # drawn from the bottom up
    assert footer[0].y == watermark.FOOTER_MARGIN and footer[1].y > footer[0].y
    assert all(p.angle == 0 for p in footer)


def test_layout_fits_long_lines_and_small_pages():
    placed = watermark.layout(200, 100, ["档" * 200], "仅供查阅")
    line = placed[1].text
    assert line.endswith("…") and len(line) * watermark.FOOTER_SIZE <= 200
    assert placed[0].size >= watermark.DIAGONAL_MIN
    assert watermark.layout(200, 100, [], "") == []


def test_lines_name_requester_number_time_and_reading_only():
    text = "\n".join(LINES)
    for part in ("张读者", "LY-2026-000007", "2026-12-07 14:05:09", "仅供查阅", "J001-WS·2023"):
        assert part in text


@needs_tools
@needs_font
def test_every_page_stamped_with_embedded_font():
    data = watermark.copy_pdf([("a.pdf", source_pdf(3), False)], LINES, watermark.FOR_READING)
    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(data)).pages) == 3
    text = pdf_text(data)
    assert text.count("LY-2026-000007") == 3 and text.count("原件正文") == 3
    assert "张读者" in text and "J001-WS·2023-Y-BGS-0001" in text
    assert_embedded(data)


@needs_tools
@needs_font
def test_rotated_and_odd_sized_pages_and_images():
    from PIL import Image

    image = io.BytesIO()
    Image.new("RGB", (640, 480), "white").save(image, "PNG")
    parts = [
        ("r.pdf", source_pdf(1, rotate=90), False),
        ("small.pdf", source_pdf(1, size=(300, 200)), False),
        ("scan.png", image.getvalue(), True),
    ]
    data = watermark.copy_pdf(parts, LINES, watermark.FOR_READING, extra=[source_pdf(1)])
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) == 4
    texts = pdf_text(data).split("\f")
    assert all("LY-2026-000007" in t for t in texts[:3])
    assert "LY-2026-000007" not in texts[3]  # the certificate is appended as it is


def test_original_bytes_untouched():
    original = source_pdf(1)
    before = bytes(original)
    watermark.stamp_pdf(original, LINES)
    assert original == before


@pytest.mark.parametrize(
    "data", [b"not a pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"]
)
def test_unreadable_pdf_is_a_structured_error(data):
    with pytest.raises(ArchiveError) as error:
        watermark.stamp_pdf(data, LINES, name="bad.pdf")
    assert error.value.problems[0].code == "access.copy-unreadable"
    assert error.value.status == 422


def test_encrypted_pdf_is_refused():
    from pypdf import PdfReader
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(source_pdf(1))))
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ArchiveError) as error:
        watermark.stamp_pdf(out.getvalue(), LINES, name="locked.pdf")
    assert "encrypted" in error.value.problems[0].message


def test_unreadable_image():
    with pytest.raises(ArchiveError) as error:
        watermark.image_pdf(b"\x89PNG broken", "scan.png")
    assert error.value.problems[0].code == "access.copy-unreadable"
