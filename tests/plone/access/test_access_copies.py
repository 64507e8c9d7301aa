"""What a copy holds (利用复制件): the certificate of a certified copy, images, OFD left out
with the reason, the originals unchanged."""

import sys
from pathlib import Path

from plone import api

from sd.archive.access import copies
from sd.archive.access import requests
from sd.archive.core.access import watermark
from sd.archive.interfaces import IComponent

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from pdfcheck import needs_tools  # noqa: E402
from pdfcheck import pdf_text  # noqa: E402


def approved(holdings, as_user, form):
    as_user("reader")
    request = requests.create_request(
        {"purpose": "legal", "records": [holdings["received"].UID()], "form": form}
    )
    as_user("archivist")
    requests.decide(request, "approve")
    as_user("reader")
    return request


@needs_tools
def test_certified_copy_ends_with_the_evidence_certificate(fholdings, fportal, session):
    """On the functional site: the ledger logs the record when its transaction commits."""
    record = fholdings["received"]
    reader = session("reader")
    body = {"purpose": "legal", "records": [record.UID()], "form": "certified"}
    made = reader.post("@access-requests", json=body)
    url = made.headers["Location"].replace(fportal.absolute_url() + "/", "")
    number = made.json()["request_number"]
    session("archivist").post(f"{url}/@access-decision", json={"decision": "approve"})
    copy = reader.get(f"{url}/@access-copy?record={record.UID()}")
    assert copy.status_code == 200, copy.text
    pages = pdf_text(copy.content).split("\f")
    assert number in pages[0]
    certificate = "\n".join(pages[1:])
    assert "存证节点" in certificate and record.archival_code in certificate
    assert number not in certificate  # appended as the ledger makes it


@needs_tools
def test_images_are_stamped_and_ofd_left_out_with_the_reason(holdings, as_user):
    import io

    from access_data import real_record
    from PIL import Image

    from sd.archive.repository import ComponentData

    png = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(png, "PNG")
    extra = [
        ComponentData(
            filename="扫描件.png",
            data=png.getvalue(),
            role="附件",
            sequence=2,
            content_type="image/png",
            format_name="PNG",
        ),
        ComponentData(
            filename="正本.ofd",
            data=b"PK\x03\x04 not really",
            role="附件",
            sequence=3,
            content_type="application/ofd",
            format_name="OFD",
        ),
    ]
    with api.env.adopt_roles(["Manager"]):
        record = real_record(holdings["received"].aq_parent, 60, "received", extra=extra)
    holdings["received"] = record
    parts, left_out = copies.parts(record)
    # the newest version of each file, in the place of the original: 正本 carries its 归档章
    names = [(n, is_image) for n, _d, is_image in parts]
    assert names == [("正本-归档章.pdf", False), ("扫描件.png", True)]
    assert [n for n, _why in left_out] == ["正本.ofd"]
    before = {c.getId(): c.file.data for c in record.objectValues() if IComponent.providedBy(c)}
    data = copies.request_copy(approved(holdings, as_user, "download"), record)
    text = pdf_text(data)
    assert text.count("仅供查阅 for reading only") == 2  # two pages, both stamped
    assert "未含 正本.ofd" in text
    after = {c.getId(): c.file.data for c in record.objectValues() if IComponent.providedBy(c)}
    assert after == before  # the originals never change


def test_public_lines_say_public_reading():
    assert watermark.public_lines("2026-12-07 10:00:00")[0].startswith("公开阅览")
