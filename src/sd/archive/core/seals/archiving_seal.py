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
  (:func:`.detached.sign_detached`, :func:`.detached.verify_detached`).

The original bytes are never changed; new bytes are returned.
"""

from __future__ import annotations

import asyncio
import io
from concurrent.futures import ThreadPoolExecutor

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from lxml import etree

from .detached import sign_detached
from .ofd.edit import add_image_resource
from .ofd.edit import add_page_annotation
from .ofd.package import OfdPackage
from .ofd.package import write_package
from .ofd.sign import add_signature
from .ofd.sign import signature_list_open
from .seal_key import SealKey
from .seal_key import sign_pkcs7
from .seal_key import signature_method
from .seal_rendering import MM
from .seal_rendering import SEAL_HEIGHT_MM
from .seal_rendering import SEAL_WIDTH_MM
from .seal_rendering import ArchivingSealFields
from .seal_rendering import render_seal_pdf
from .seal_rendering import render_seal_png
from .sm2 import sm3


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


def archive_ofd(ofd: bytes, fields: ArchivingSealFields, key: SealKey) -> tuple[bytes, bytes]:
    """The 归档章 on an OFD, signed detached: returns (sealed OFD, signature JSON). The sealed
    OFD is ``ofd`` itself when its signatures allow no later one (the JSON then signs it)."""
    signed = bool(OfdPackage.open(ofd).signatures)
    sealed = sign_ofd(ofd, fields, key) if signed else stamp_ofd(ofd, fields)
    return sealed, sign_detached(sealed, key)
