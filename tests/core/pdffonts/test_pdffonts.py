"""The embedded CJK font of every PDF (core.pdffonts): `·` and CJK come back from the PDF's text."""

import io

from pdfcheck import assert_embedded
from pdfcheck import needs_font
from pdfcheck import needs_tools
from pdfcheck import pdf_text

from sd.archive.core import pdffonts
from sd.archive.core.seals.seal_rendering import ArchivingSealFields
from sd.archive.core.seals.seal_rendering import render_seal_pdf

pytestmark = [needs_font, needs_tools]
CODE = "J001-WS·2024-Y-BGS-0001"


def test_runs_fall_back_per_character():
    assert pdffonts.runs(CODE) == [(pdffonts.CJK, CODE)]
    assert pdffonts.runs("合格✓") == [(pdffonts.CJK, "合格"), (pdffonts.FALLBACK, "✓")]
    assert pdffonts.markup("a<b & ✓") == f'a&lt;b &amp; <font name="{pdffonts.FALLBACK}">✓</font>'


def test_canvas_text_embedded_and_extracted():
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, initialFontName=pdffonts.cjk_font())
    pdffonts.draw_string(pdf, 50, 700, f"档号 {CODE} 已核验 ✓", 12)
    pdf.save()
    assert f"档号 {CODE} 已核验 ✓" in pdf_text(out.getvalue())
    assert_embedded(out.getvalue())


def test_archiving_seal_pdf():
    fields = ArchivingSealFields("J001", "2024", "0001", organization="办公室", retention="永久")
    data = render_seal_pdf(fields)
    text = pdf_text(data)
    assert "全宗号" in text and "J001" in text and "永久" in text and "办公室" in text
    assert_embedded(data)
