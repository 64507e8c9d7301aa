"""Verify the signatures embedded in a PDF (PDF 电子签名验证) with pyHanko, fully offline.

Each signature becomes a :class:`~.verdict.Verdict` of the same shape as for OFD: integrity
(the signed byte ranges are unchanged and the CMS signature verifies), signer, signing time,
coverage (the whole file or the whole revision, with later changes judged by pyHanko's
modification analysis) and — with a trust store — the chain to a trusted root. Nothing is
fetched from the network (no OCSP/CRL/AIA): ``allow_fetching=False``.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from .certs import TrustStore
from .certs import load_certificate
from .sm2 import sm3_hex
from .verdict import Verdict
from .verdict import overall


def _context(trust: TrustStore | None) -> ValidationContext:
    roots = [asn1_x509.Certificate.load(c.der) for c in (trust.certificates if trust else [])]
    return ValidationContext(trust_roots=roots, allow_fetching=False)


def verify_pdf(source: bytes | str | Path, trust: TrustStore | None = None) -> dict:
    """Verify every embedded signature; returns ``{status, sm3, verdicts: [Verdict]}``."""
    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else bytes(source)
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    verdicts = [verify_embedded(sig, trust) for sig in reader.embedded_signatures]
    return {
        "format": "pdf",
        "status": overall(verdicts),
        "sm3": sm3_hex(data),
        "verdicts": verdicts,
    }


def verify_embedded(sig, trust: TrustStore | None) -> Verdict:
    """The verdict for one pyHanko ``EmbeddedPdfSignature``."""
    verdict = Verdict(id=str(sig.field_name), kind="sign", format="pdf")  # a plain str: stored
    with contextlib.suppress(Exception):  # invisible or unusual widgets: no place
        verdict.page_index, verdict.boundary = _widget_place(sig)
    try:
        status = validate_pdf_signature(sig, _context(trust))
    except (SignatureValidationError, ValueError, KeyError) as exc:
        verdict.fail("pdf.unreadable", f"the signature cannot be validated: {exc}")
        return verdict
    verdict.algorithm = f"{status.md_algorithm}/{getattr(status, 'pkcs7_signature_mechanism', '')}"
    verdict.signing_time = status.signer_reported_dt
    if status.signing_cert is not None:
        cert = load_certificate(status.signing_cert.dump())
        verdict.signer_cert = cert
        verdict.signer = cert.subject
    if status.intact:
        verdict.ok("signed byte ranges unchanged (message digest)")
    else:
        verdict.fail("pdf.integrity", "the signed content was changed")
    if status.valid:
        verdict.ok("CMS signature")
    elif status.intact:
        verdict.fail("pdf.signature", "the CMS signature does not verify")
    coverage = status.coverage
    if coverage == SignatureCoverageLevel.ENTIRE_FILE:
        verdict.ok("covers the entire file")
    elif coverage == SignatureCoverageLevel.ENTIRE_REVISION:
        verdict.notes.append("covers its revision; the file was updated after signing")
        level = getattr(status, "modification_level", None)
        if getattr(status, "docmdp_ok", True) is False:
            verdict.fail("pdf.modified", f"changes after signing are not allowed ({level})")
    else:
        verdict.fail("pdf.coverage", "the signature does not cover its revision")
    if (
        verdict.signer_cert
        and verdict.signing_time
        and not verdict.signer_cert.valid_at(verdict.signing_time)
    ):
        verdict.fail(
            "cert.not-valid-at-signing", "signer certificate not valid at the claimed signing time"
        )
    if trust:
        if status.trusted:
            verdict.ok("certificate chains to the trust store")
        else:
            verdict.cannot("cert.untrusted", "signer certificate does not chain to the trust store")
    else:
        verdict.notes.append(
            "no trust store configured: the signer certificate issuer was not checked"
        )
    return verdict


def _widget_place(sig) -> tuple[int | None, tuple[float, float, float, float] | None]:
    field = sig.sig_field
    rect = field.get("/Rect")
    page_ref = field.get("/P")
    index = None
    if page_ref is not None:
        pages = sig.reader.root["/Pages"]
        index = _page_index(pages, page_ref.get_object())
    if rect is None:
        return index, None
    x1, y1, x2, y2 = (float(v) for v in rect)
    return index, (x1, y1, x2 - x1, y2 - y1)


def _page_index(pages, target) -> int | None:
    flat = []

    def walk(node):
        node = node.get_object()
        if node.get("/Type") == "/Pages":
            for kid in node["/Kids"]:
                walk(kid)
        else:
            flat.append(node)

    walk(pages)
    for i, page in enumerate(flat):
        if page == target:
            return i
    return None
