import datetime as dt
import io
import logging

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from reportlab.pdfgen import canvas

from sd.archive.core.seals.archiving_seal import archive_ofd
from sd.archive.core.seals.archiving_seal import stamp_pdf
from sd.archive.core.seals.certs import TrustStore
from sd.archive.core.seals.detached import verify_detached
from sd.archive.core.seals.ofd.package import OfdPackage
from sd.archive.core.seals.pdf import verify_pdf
from sd.archive.core.seals.seal_key import SealKey
from sd.archive.core.seals.seal_key import make_demo_key
from sd.archive.core.seals.seal_rendering import ArchivingSealFields
from sd.archive.core.seals.seal_rendering import render_seal_png

logging.getLogger("pyhanko").setLevel(logging.ERROR)
logging.getLogger("pyhanko_certvalidator").setLevel(logging.ERROR)

FIELDS = ArchivingSealFields("J001", "2026", "0001", "办公室", "永久", "3")


def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


@pytest.fixture(scope="module")
def ca_and_signer():
    """A self-made CA and a signing certificate it issued (cryptography)."""
    now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("测试根CA"))
        .issuer_name(_name("测试根CA"))
        .public_key(ca_key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("归档章签名"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(2)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    seal_key = SealKey(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
        cert.public_bytes(pem),
        (ca.public_bytes(pem),),
    )
    return ca.public_bytes(pem), seal_key


@pytest.fixture(scope="module")
def plain_pdf() -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(100, 700, "Record 0001")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def signed_pdf(plain_pdf, ca_and_signer) -> bytes:
    return stamp_pdf(plain_pdf, FIELDS, ca_and_signer[1])


def test_stamp_pdf_leaves_original_and_verifies(plain_pdf, signed_pdf, ca_and_signer):
    assert signed_pdf.startswith(plain_pdf[:8]) and signed_pdf != plain_pdf
    report = verify_pdf(signed_pdf, TrustStore.from_bytes([ca_and_signer[0]]))
    (verdict,) = report["verdicts"]
    assert (report["status"], verdict.status) == ("valid", "valid")
    assert verdict.signer.endswith("归档章签名")
    assert verdict.page_index == 0 and verdict.boundary[2] > 100  # the visible 45 mm box
    assert "covers the entire file" in verdict.checked
    assert abs((verdict.signing_time - dt.datetime.now(dt.UTC)).total_seconds()) < 600


def test_pdf_without_trust_store_is_valid_with_a_note(signed_pdf):
    (verdict,) = verify_pdf(signed_pdf)["verdicts"]
    assert verdict.status == "valid"
    assert any("no trust store" in n for n in verdict.notes)


def test_pdf_untrusted_issuer(signed_pdf):
    other = make_demo_key("另一个CA")
    (verdict,) = verify_pdf(signed_pdf, TrustStore.from_bytes([other.cert]))["verdicts"]
    assert verdict.status == "unverifiable" and verdict.reason_codes == ["cert.untrusted"]


def test_pdf_tampered(signed_pdf):
    data = bytearray(signed_pdf)
    index = (
        signed_pdf.index(b"Record 0001")
        if b"Record 0001" in signed_pdf
        else signed_pdf.index(b"/Reason")
    )
    data[index + 3] ^= 0x01
    (verdict,) = verify_pdf(bytes(data))["verdicts"]
    assert verdict.status == "invalid" and "pdf.integrity" in verdict.reason_codes


@pytest.mark.parametrize("algorithm", ["rsa", "ecdsa"])
def test_demo_keys_sign(plain_pdf, algorithm):
    key = make_demo_key(algorithm=algorithm)
    signed = stamp_pdf(plain_pdf, FIELDS, key)
    report = verify_pdf(signed, TrustStore.from_bytes([key.cert]))
    assert report["status"] == "valid"


def test_unsigned_pdf(plain_pdf):
    assert verify_pdf(plain_pdf)["status"] == "unsigned"


def test_seal_png_is_a_png():
    png = render_seal_png(FIELDS, dpi=100)
    assert png.startswith(b"\x89PNG")


def test_archive_ofd(samples, ca_and_signer):
    original = (samples / "helloworld.ofd").read_bytes()
    key = ca_and_signer[1]
    stamped, detached = archive_ofd(original, FIELDS, key)
    assert (samples / "helloworld.ofd").read_bytes() == original
    package = OfdPackage.open(stamped)
    ((doc, page_id, annot),) = package.stamp_annotations()
    assert page_id == doc.pages[0].id and annot.get("Subtype") == "ArchivingSeal"
    res = package.xml(doc.document_res[0])
    media = [e for e in res.iter() if e.tag.endswith("MediaFile")]
    assert package.read("Doc_0/Res/" + media[0].text).startswith(b"\x89PNG")
    assert verify_detached(stamped, detached, trusted=[key.cert]) == (True, [])
    changed = bytearray(stamped)
    changed[len(changed) // 2] ^= 1
    ok, reasons = verify_detached(bytes(changed), detached)
    assert not ok and "digest mismatch" in reasons[0]
    ok, reasons = verify_detached(stamped, detached, trusted=[make_demo_key().cert])
    assert not ok and reasons == ["signer certificate is not trusted"]
