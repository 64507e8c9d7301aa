import io
import logging

import pytest
from reportlab.pdfgen import canvas

from sd.archive.core.seals.archiving_seal import stamp_pdf
from sd.archive.core.seals.ofd.elements import child
from sd.archive.core.seals.ofd.elements import descendants
from sd.archive.core.seals.ofd.package import OfdPackage
from sd.archive.core.seals.pdf import verify_pdf
from sd.archive.core.seals.seal_key import make_demo_key
from sd.archive.core.seals.seal_rendering import ArchivingSealFields
from sd.archive.core.seals.sm2 import sm3_hex
from sd.archive.core.seals.strip import strip_ofd
from sd.archive.core.seals.strip import strip_pdf

logging.getLogger("pyhanko").setLevel(logging.ERROR)


@pytest.mark.parametrize(
    "name, page_path, boundary, picture, status",
    [
        ("allprotected.ofd", "Doc_0/Pages/Page_0/Content.xml", "50 50 40 40", "png", "valid"),
        ("keyword.ofd", "Doc_0/Pages/Page_0/Content.xml", "90 110 42 42", "png", "invalid"),
    ],
)
def test_strip_ofd(samples, name, page_path, boundary, picture, status):
    """Raster seal pictures (vector ones: test_seals_vector_strip.py)."""
    original = (samples / name).read_bytes()
    stripped, provenance = strip_ofd(original)
    package = OfdPackage.open(stripped)
    assert all(doc.signatures_path is None for doc in package.documents)
    assert not any("/Signs/" in n or n.endswith("Signatures.xml") for n in package.names)
    # the image is on the right page at the right boundary
    page = package.xml(page_path)
    images = [e for e in descendants(page, "ImageObject") if e.get("Boundary") == boundary]
    assert len(images) == 1
    res = package.xml(package.documents[0].document_res[0])
    media = [
        m for m in descendants(res, "MultiMedia") if m.get("ID") == images[0].get("ResourceID")
    ]
    assert media and media[0].get("Type") == "Image"
    media_path = package.resolve(
        res.get("BaseLoc", "") + "/" + child(media[0], "MediaFile").text,
        package.documents[0].document_res[0],
    )
    assert sm3_hex(package.read(media_path)) == provenance["stamps"][0]["image_sm3"]
    assert provenance["stamps"][0]["image_format"] == picture
    assert provenance["status"] == status
    assert provenance["verdicts"][0]["status"] == status
    assert provenance["original"]["sm3"] == sm3_hex(original)
    assert provenance["result"]["sm3"] == sm3_hex(stripped)
    # IDs stay unique
    ids = [
        e.get("ID")
        for n in (page_path, package.documents[0].document_res[0])
        for e in package.xml(n).iter()
        if e.get("ID")
    ]
    assert len(ids) == len(set(ids))


def test_strip_ofd_bare_signature_has_no_picture(samples):
    stripped, provenance = strip_ofd(samples / "DigitalSign.ofd")
    assert provenance["status"] == "unverifiable" and provenance["stamps"] == []
    assert not any("Signs" in n for n in OfdPackage.open(stripped).names)


def test_strip_pdf():
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(100, 700, "Record 0002")
    pdf.showPage()
    pdf.save()
    key = make_demo_key()
    signed = stamp_pdf(buffer.getvalue(), ArchivingSealFields("J001", "2026", "0002"), key)
    stripped, provenance = strip_pdf(signed)
    assert provenance["status"] == "valid"
    assert provenance["stamps"][0]["kept"] is True
    assert b"/Sig" not in stripped and b"/ByteRange" not in stripped
    assert verify_pdf(stripped)["verdicts"] == []
    assert b"cm /Stamp1 Do" in stripped or b"/Stamp1" in stripped
