"""A fonds with records in the archives' holdings whose closure has ended (开放审核)."""

import io

import pytest
import transaction
from plone import api
from pypdf import PdfReader
from pypdf import PdfWriter

from sd.archive.demo import pdf_bytes
from sd.archive.holds import place_hold
from sd.archive.numbering import assign_code
from sd.archive.repository import ComponentData
from sd.archive.repository import create_record
from sd.archive.testing import make_fonds
from sd.archive.testing import make_record

TO_HOLDINGS = ("archive", "request_transfer", "transfer", "receive")
USERS = {
    # user id: (global roles, local roles on J001, local roles on J002)
    "archivist": (["Archivist"], [], []),
    "archivist2": (["Archivist"], [], []),
    "reviewer-j002": ([], [], ["Archivist"]),
    "officer": ([], ["RecordsOfficer", "Reader"], []),
    "member": ([], [], []),
}


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


@pytest.fixture
def review_site(fportal):
    fonds = make_fonds(fportal)
    other = make_fonds(fportal, "j002", "J002", "DA/T 13-2022")
    for user_id, (roles, local, other_local) in USERS.items():
        api.user.create(
            email=f"{user_id}@example.org",
            username=user_id,
            password="secret-12345",
            roles=roles or ("Member",),
        )
        if local:
            api.user.grant_roles(username=user_id, obj=fonds, roles=local)
        if other_local:
            api.user.grant_roles(username=user_id, obj=other, roles=other_local)
    made = {
        1: received(fonds, 1, 1995),
        2: received(fonds, 2, 1996),
        3: received(fonds, 3, 1998, real=True),
        4: received(fonds, 4, 1997),  # placed under hold below
        5: received(fonds, 5, 2015),  # closed to 2040
    }
    place_hold(made[4], "诉讼冻结", "案件审理需要")
    fonds.public_reading = True
    api.portal.set_registry_record("plone.default_language", "zh-cn")
    api.portal.set_registry_record("plone.available_languages", ["zh-cn", "en"])
    transaction.commit()
    yield fportal, fonds, other, made
    api.portal.set_registry_record("plone.default_language", "en")
    api.portal.set_registry_record("plone.available_languages", ["en"])
    transaction.commit()
