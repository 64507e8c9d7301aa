"""Records for the open-access review tests (开放审核): in the archives' holdings, with a
real two-page PDF where a redaction is to be made; shared by the Plone and browser tests."""

import io
from contextlib import contextmanager

from plone import api
from pypdf import PdfReader
from pypdf import PdfWriter

from sd.archive.demo_parts import pdf_bytes
from sd.archive.numbering import assign_code
from sd.archive.repository import ComponentData
from sd.archive.repository import create_record
from sd.archive.testing import make_record

TO_HOLDINGS = ("archive", "request_transfer", "transfer", "receive")


def real_pdf_record(fonds, n, **kw):
    """A record whose 正本 is a real two-page PDF with text (for redaction)."""
    values = {
        "title": f"关于人员调动的通知（{n}）",
        "record_kind": "电子公文",
        "electronic_record_id": f"OA-{fonds.fonds_code}-{n:06d}",
        "fonds_code": fonds.fonds_code,
        "year": 2023,
        "retention_period": "Y",
        **kw,
    }
    pages = [
        pdf_bytes("关于人员调动的通知", ["张三 身份证号 110101199001011234"]),
        pdf_bytes("附件", ["公开内容"]),
    ]
    writer = PdfWriter()
    for page in pages:
        writer.add_page(PdfReader(io.BytesIO(page)).pages[0])
    out = io.BytesIO()
    writer.write(out)
    component = ComponentData(
        filename="正本.pdf",
        data=out.getvalue(),
        role="正本",
        sequence=1,
        content_type="application/pdf",
        format_name="PDF",
    )
    return create_record(fonds, values, [component])


def received(fonds, n, year, category="WS", period="Y", real=False, **kw):
    if real:
        record = real_pdf_record(fonds, n, retention_period=period, **kw)
    else:
        record = make_record(fonds, n, retention_period=period, **kw)
    assign_code(record, category, year, period, "BGS")
    for transition in TO_HOLDINGS:
        api.content.transition(record, transition=transition)
    return record


@contextmanager
def finder_registered(finder=None):
    """``finder`` as the site's sensitive finder (None: no finder) for the block; the finder
    registered before (the mining area's) is put back afterwards."""
    from zope.component import getGlobalSiteManager

    from sd.archive.openreview.hints import ISensitiveFinder

    gsm = getGlobalSiteManager()
    before = gsm.queryUtility(ISensitiveFinder)
    if before is not None:
        gsm.unregisterUtility(before, ISensitiveFinder)
    if finder is not None:
        gsm.registerUtility(finder, ISensitiveFinder)
    try:
        yield
    finally:
        if finder is not None:
            gsm.unregisterUtility(finder, ISensitiveFinder)
        if before is not None:
            gsm.registerUtility(before, ISensitiveFinder)
