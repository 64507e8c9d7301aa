"""The archiving seal (归档章, DA/T 22-2015 §6.3) on PDF and OFD records.

The seal is a box of two rows by three cells — 全宗号 | 年度 | 件号 (or 档号) over
机构（问题） | 保管期限 | 页数 — drawn in the upper right of the first page and signed with the
archives' archiving-seal key:

- PDF: a visible PAdES signature whose widget appearance is the box (reportlab, the
  embedded CJK font of :mod:`sd.archive.core.pdffonts`); verify it with
  :func:`sd.archive.core.seals.pdf.verify_pdf`.
- OFD without a signature: an ``Annot Type="Stamp"`` on page 1 whose appearance is the box as
  a PNG image;
- OFD signed by the agency: the agency's signature protects every entry the document has, so
  the 归档章 is a second OFD signature (:mod:`.ofd.sign`): a new ``Signs/Sign_N/`` with its
  ``StampAnnot`` on page 1, the box as a PNG it protects, and a PKCS#7 SignedData by the
  archiving-seal key over SM3 of its ``Signature.xml`` — the agency's seal stays 有效. When
  the agency's signature protects the signature list too, no later signature is possible and
  the OFD is left as it is;
- every OFD: a *detached* signature ``{sm3, signature, cert}`` over the sealed package
  (:func:`sign_detached`, :func:`verify_detached`).

The original bytes are never changed; new bytes are returned.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import io
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID
from lxml import etree

from .. import pdffonts
from .ofd.edit import add_image_resource
from .ofd.edit import add_page_annotation
from .ofd.package import OfdPackage
from .ofd.package import write_package
from .ofd.sign import add_signature
from .ofd.sign import signature_list_open
from .sm2 import sm3
from .sm2 import sm3_hex

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


@dataclass(frozen=True)
class SealKey:
    """The archiving-seal key and certificate (归档章签名密钥), PEM or DER."""

    key: bytes
    cert: bytes
    chain: tuple[bytes, ...] = ()

    def private_key(self):
        return (
            serialization.load_pem_private_key(self.key, None)
            if b"-----BEGIN" in self.key
            else serialization.load_der_private_key(self.key, None)
        )

    def certificate(self) -> x509.Certificate:
        return (
            x509.load_pem_x509_certificate(self.cert)
            if b"-----BEGIN" in self.cert
            else x509.load_der_x509_certificate(self.cert)
        )


def make_demo_key(
    common_name: str = "示例档案馆归档章", algorithm: str = "ecdsa", days: int = 3650
) -> SealKey:
    """A self-signed archiving-seal key and certificate for demos and tests (演示用)."""
    key = (
        ec.generate_private_key(ec.SECP256R1())
        if algorithm == "ecdsa"
        else rsa.generate_private_key(65537, 2048)
    )
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "sd.archive demo"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, True, True, False, False), critical=True
        )
        .sign(key, hashes.SHA256())
    )
    return SealKey(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        cert.public_bytes(serialization.Encoding.PEM),
    )


# ---------------------------------------------------------------- rendering
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


# ---------------------------------------------------------------- PDF
def _pdf_stamp_style(seal_pdf: bytes):
    import binascii
    import uuid

    from pyhanko.pdf_utils.content import PdfContent
    from pyhanko.pdf_utils.layout import BoxConstraints
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.stamp import StaticStampStyle

    class SealPage(PdfContent):
        """The rendered seal page imported as a form XObject (from bytes, not a file)."""

        def render(self) -> bytes:
            reader = PdfFileReader(io.BytesIO(seal_pdf))
            xobj = self._ensure_writer.import_page_as_xobject(reader, page_ix=0)
            name = b"/Seal" + binascii.hexlify(uuid.uuid4().bytes)
            self.resources.xobject[name.decode("ascii")] = xobj
            x1, y1, x2, y2 = xobj.get_object()["/BBox"]
            self.box = BoxConstraints(width=abs(x2 - x1), height=abs(y2 - y1))
            return name + b" Do"

    return StaticStampStyle(background=SealPage(), border_width=0, background_opacity=1)


def _first_page_box(pdf: bytes) -> tuple[float, float, float, float]:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    page = reader.root["/Pages"]
    while page.get("/Type") == "/Pages":
        page = page["/Kids"][0].get_object()
    x1, y1, x2, y2 = (float(v) for v in page["/MediaBox"])
    return x1, y1, x2, y2


def seal_box_on_page(pdf: bytes, margin_mm: float = 10.0) -> tuple[int, int, int, int]:
    """Where the seal goes: the upper right of page 1 (首页右上角空白处)."""
    x1, y1, x2, y2 = _first_page_box(pdf)
    right = x2 - margin_mm * MM
    top = y2 - margin_mm * MM
    return (
        round(right - SEAL_WIDTH_MM * MM),
        round(top - SEAL_HEIGHT_MM * MM),
        round(right),
        round(top),
    )


def stamp_pdf(
    pdf: bytes,
    fields: ArchivingSealFields,
    key: SealKey,
    box: tuple[int, int, int, int] | None = None,
    field_name: str = "ArchivingSeal",
    reason: str = "归档",
) -> bytes:
    """Draw the 归档章 on page 1 and sign the PDF (PAdES B-B); returns the new PDF bytes."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields as sig_fields
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    private = key.private_key()
    der_key = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    cert = asn1_x509.Certificate.load(key.certificate().public_bytes(serialization.Encoding.DER))
    chain = [
        asn1_x509.Certificate.load(
            x509.load_pem_x509_certificate(c).public_bytes(serialization.Encoding.DER)
        )
        for c in key.chain
    ]
    signer = signers.SimpleSigner(
        signing_cert=cert,
        signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
        cert_registry=SimpleCertificateStore.from_certs([cert, *chain]),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason,
        subfilter=signers.SigSeedSubFilter.PADES if hasattr(signers, "SigSeedSubFilter") else None,
        md_algorithm="sha256",
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        stamp_style=_pdf_stamp_style(render_seal_pdf(fields)),
        new_field_spec=sig_fields.SigFieldSpec(
            field_name, on_page=0, box=box or seal_box_on_page(pdf)
        ),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    return _sign(pdf_signer, writer).getvalue()


def _sign(pdf_signer, writer):
    """pyHanko's ``sign_pdf`` runs its coroutine with ``asyncio.run``, which cannot start inside
    a thread whose event loop is running (a caller driving asyncio or Playwright): there it
    runs on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return pdf_signer.sign_pdf(writer)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(pdf_signer.sign_pdf, writer).result()


# ---------------------------------------------------------------- OFD
def _seal_place(doc, margin_mm: float) -> tuple[float, float, float, float]:
    """The 归档章's boundary (mm) on page 1: the upper right (首页右上角)."""
    box = doc.physical_box or (0, 0, 210, 297)
    return (
        box[0] + box[2] - margin_mm - SEAL_WIDTH_MM,
        box[1] + margin_mm,
        SEAL_WIDTH_MM,
        SEAL_HEIGHT_MM,
    )


def stamp_ofd(ofd: bytes, fields: ArchivingSealFields, margin_mm: float = 10.0) -> bytes:
    """Add the 归档章 as a stamp annotation (PNG appearance) to page 1 of an UNSIGNED OFD (it
    changes Document.xml and the resources: a signed OFD gets :func:`sign_ofd`)."""
    package = OfdPackage.open(ofd)
    doc = package.documents[0]
    entries = dict(package.entries)
    resource_id = add_image_resource(
        package, entries, doc, render_seal_png(fields), "ArchivingSeal.png"
    )
    add_page_annotation(
        package, entries, doc, doc.pages[0], _annot_xml, resource_id, _seal_place(doc, margin_mm)
    )
    return write_package(entries)


def signature_method(key: SealKey) -> str:
    """The SignatureMethod OID of the archiving-seal key (ECDSA or RSA with SHA-256)."""
    if isinstance(key.private_key(), rsa.RSAPrivateKey):
        return "1.2.840.113549.1.1.11"  # sha256WithRSAEncryption
    return "1.2.840.10045.4.3.2"  # ecdsa-with-SHA256


def sign_pkcs7(data: bytes, key: SealKey) -> bytes:
    """A PKCS#7 SignedData (DER) holding ``data`` and the archiving-seal certificate."""
    builder = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(data)
        .add_signer(key.certificate(), key.private_key(), hashes.SHA256())
    )
    for cert in key.chain:
        builder = builder.add_certificate(x509.load_pem_x509_certificate(cert))
    return builder.sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])


def sign_ofd(
    ofd: bytes, fields: ArchivingSealFields, key: SealKey, margin_mm: float = 10.0
) -> bytes:
    """Add the 归档章 to a SIGNED OFD as a later signature (see the module docstring); returns
    the OFD unchanged when its signatures allow no later one."""
    package = OfdPackage.open(ofd)
    doc = next((d for d in package.documents if d.signatures), package.documents[0])
    if not signature_list_open(package, doc):
        return ofd
    entries = dict(package.entries)
    subject = key.certificate().subject.rfc4514_string()
    add_signature(
        package,
        entries,
        doc,
        sign=lambda raw: sign_pkcs7(sm3(raw), key),
        method=signature_method(key),
        provider={"ProviderName": "sd.archive 归档章", "Version": "1", "Company": subject[:200]},
        stamp=(doc.pages[0], _seal_place(doc, margin_mm)),
        files={"ArchivingSeal.png": render_seal_png(fields)},
    )
    return write_package(entries)


def _annot_xml(ns: str, annot_id: int, resource_id: int, boundary, object_id: int):
    q = lambda n: f"{{{ns}}}{n}" if ns else n  # noqa: E731
    annot = etree.Element(
        q("Annot"),
        {
            "ID": str(annot_id),
            "Type": "Stamp",
            "Subtype": "ArchivingSeal",
            "Creator": "sd.archive",
            "ReadOnly": "true",
            "Print": "true",
        },
    )
    remark = etree.SubElement(annot, q("Remark"))
    remark.text = "归档章"
    appearance = etree.SubElement(
        annot, q("Appearance"), {"Boundary": " ".join(f"{v:g}" for v in boundary)}
    )
    w, h = boundary[2], boundary[3]
    etree.SubElement(
        appearance,
        q("ImageObject"),
        {
            "ID": str(object_id),
            "ResourceID": str(resource_id),
            "Boundary": f"0 0 {w:g} {h:g}",
            "CTM": f"{w:g} 0 0 {h:g} 0 0",
        },
    )
    return annot


def _sign_bytes(private, data: bytes) -> tuple[bytes, str]:
    if isinstance(private, rsa.RSAPrivateKey):
        return private.sign(data, padding.PKCS1v15(), hashes.SHA256()), "rsa-pkcs1v15-sha256"
    return private.sign(data, ec.ECDSA(hashes.SHA256())), "ecdsa-sha256"


def sign_detached(data: bytes, key: SealKey, signed_at: dt.datetime | None = None) -> bytes:
    """A detached signature (分离式签名) as JSON: SM3 of ``data``, signer cert, signature.

    The signature covers the canonical JSON of ``{sm3, size, signed_at}`` so the time is signed.
    """
    statement = {
        "sm3": sm3_hex(data),
        "size": len(data),
        "signed_at": (signed_at or dt.datetime.now(dt.UTC)).isoformat(),
    }
    body = json.dumps(statement, sort_keys=True, separators=(",", ":")).encode()
    signature, algorithm = _sign_bytes(key.private_key(), body)
    return json.dumps(
        {
            **statement,
            "algorithm": algorithm,
            "signature": base64.b64encode(signature).decode(),
            "cert": key.certificate().public_bytes(serialization.Encoding.PEM).decode(),
        },
        ensure_ascii=False,
        sort_keys=True,
        indent=1,
    ).encode()


def verify_detached(
    data: bytes, detached: bytes, trusted: list[bytes] | None = None
) -> tuple[bool, list[str]]:
    """Check a detached signature; returns (ok, reasons). ``trusted``: allowed PEM certs."""
    reasons: list[str] = []
    try:
        record = json.loads(detached)
        cert = x509.load_pem_x509_certificate(record["cert"].encode())
        signature = base64.b64decode(record["signature"])
    except (ValueError, KeyError) as exc:
        return False, [f"detached signature unreadable: {exc}"]
    if record.get("sm3") != sm3_hex(data) or record.get("size") != len(data):
        reasons.append("digest mismatch: the file was changed")
    statement = {k: record[k] for k in ("sm3", "size", "signed_at")}
    body = json.dumps(statement, sort_keys=True, separators=(",", ":")).encode()
    public = cert.public_key()
    try:
        if isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
        else:
            public.verify(signature, body, ec.ECDSA(hashes.SHA256()))
    except Exception:  # noqa: BLE001 - InvalidSignature
        reasons.append("signature does not verify")
    if trusted is not None:
        pems = {x509.load_pem_x509_certificate(t).fingerprint(hashes.SHA256()) for t in trusted}
        if cert.fingerprint(hashes.SHA256()) not in pems:
            reasons.append("signer certificate is not trusted")
    return not reasons, reasons


def archive_ofd(ofd: bytes, fields: ArchivingSealFields, key: SealKey) -> tuple[bytes, bytes]:
    """The 归档章 on an OFD, signed detached: returns (sealed OFD, signature JSON). The sealed
    OFD is ``ofd`` itself when its signatures allow no later one (the JSON then signs it)."""
    signed = bool(OfdPackage.open(ofd).signatures)
    sealed = sign_ofd(ofd, fields, key) if signed else stamp_ofd(ofd, fields)
    return sealed, sign_detached(sealed, key)
