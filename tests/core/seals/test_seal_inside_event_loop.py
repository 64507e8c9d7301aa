"""The archiving seal is applied from a thread whose asyncio loop is running (a test driving
Playwright, an async caller): pyHanko's own ``asyncio.run`` would refuse there, leave its
coroutine never awaited and the PDF unsealed."""

import asyncio
import io
import warnings

from reportlab.pdfgen import canvas

from sd.archive.core.seals.archiving_seal import stamp_pdf
from sd.archive.core.seals.pdf import verify_pdf
from sd.archive.core.seals.seal_key import make_demo_key
from sd.archive.core.seals.seal_rendering import ArchivingSealFields


def _pdf() -> bytes:
    buf = io.BytesIO()
    page = canvas.Canvas(buf)
    page.drawString(100, 700, "event loop")
    page.save()
    return buf.getvalue()


def test_pdf_seal_inside_a_running_event_loop():
    pdf, key = _pdf(), make_demo_key()
    fields = ArchivingSealFields("J001", "2026", "0001", "办公室", "永久", "3")

    async def main():
        return stamp_pdf(pdf, fields, key)

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        sealed = asyncio.run(main())
    assert sealed.startswith(pdf[:8]) and len(sealed) > len(pdf)
    assert len(verify_pdf(sealed)["verdicts"]) == 1
