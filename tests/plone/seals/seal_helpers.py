"""Helpers of the seal service tests (imported by the tests and conftest)."""

import io

from sd.archive.repository import ComponentData
from sd.archive.repository import create_record
from sd.archive.testing import OFD_SAMPLES as SAMPLES_DIR

SAMPLES = SAMPLES_DIR
OFD_SAMPLES = sorted(p.name for p in SAMPLES.glob("*.ofd"))


def plain_pdf(text="Record 0001", pages=1) -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pageCompression=0)
    for n in range(pages):
        pdf.drawString(100, 700, f"{text} p{n + 1}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def pyhanko_signed_pdf(key=None, field_name="Signature1") -> bytes:
    """A PDF signed by pyHanko itself (not through the archiving seal code)."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    from sd.archive.core.seals.seal_key import make_demo_key

    key = key or make_demo_key("测试签名人")
    der_key = key.private_key().private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    cert = asn1_x509.Certificate.load(key.certificate().public_bytes(serialization.Encoding.DER))
    signer = signers.SimpleSigner(
        signing_cert=cert,
        signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
        cert_registry=SimpleCertificateStore.from_certs([cert]),
    )
    out = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(plain_pdf())),
        signers.PdfSignatureMetadata(field_name=field_name),
        signer=signer,
    )
    return out.getvalue()


def tampered(data: bytes, needle: bytes = b"p1)") -> bytes:
    """Change one byte inside the signed content."""
    at = data.index(needle)
    return data[:at] + b"q" + data[at + 1 :]


def record_with(fonds, filename, data, n=1, content_type="application/octet-stream", **metadata):
    values = {
        "title": f"签章测试 {filename}",
        "record_kind": "电子公文",
        "electronic_record_id": f"SEAL-{n:06d}",
        "fonds_code": fonds.fonds_code,
        "year": 2023,
        "retention_period": "Y",
        "pages": 1,
    }
    values.update(metadata)
    fmt = filename.rsplit(".", 1)[-1].upper()
    return create_record(
        fonds,
        values,
        [
            ComponentData(
                filename=filename,
                data=data,
                role="正本",
                sequence=1,
                content_type=content_type,
                format_name=fmt,
            ),
        ],
    )
