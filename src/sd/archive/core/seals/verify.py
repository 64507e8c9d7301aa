"""Verify the signatures and seals of an OFD file (OFD 电子签章验证, GB/T 38540 §8).

For every ``Signature`` of every document:

1. each ``Reference``: the entry exists and SM3 of its exact zip bytes equals ``CheckValue``;
2. ``SignedValue`` is read as an SES_Signature (v4/v1), a PKCS#7 / GM/T 0010 SignedData, or a
   bare SM2 signature (``SEQUENCE{r, s}`` or raw ``r‖s``);
3. SES: ``dataHash`` = SM3(raw ``Signature.xml``); the signer's SM2 signature over the original
   DER of ``toSign``; the seal maker's signature; signer certificate and seal valid at the
   signing time; PKCS#7: the content is SM3(``Signature.xml``) and the SignerInfo signature
   verifies (SM2, or ECDSA / RSA with SHA-2: an archives' 归档章 added as a later signature,
   ``archiving_seal.sign_ofd``); bare signatures: only with a certificate from the trust store;
4. with a trust store, the signer and the seal maker must chain to a trusted certificate,
   otherwise the verdict is ``unverifiable`` (never silently valid).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import BinaryIO

from .certs import TrustStore
from .ofd.model import OfdDocument
from .ofd.model import SignatureInfo
from .ofd.package import OfdPackage
from .signed_value import check_bare
from .signed_value import check_pkcs7
from .signed_value import check_ses
from .signed_value import value_shape
from .sm2 import SM3_NAMES
from .sm2 import sm3
from .sm2 import sm3_hex
from .times import parse_time
from .verdict import UNVERIFIABLE
from .verdict import Reason
from .verdict import Verdict
from .verdict import overall


@dataclass
class OfdReport:
    """All verdicts of one OFD file (OFD 签章验证报告)."""

    doc_type: str
    verdicts: list[Verdict] = field(default_factory=list)
    #: stamp annotations (印章图像) found with no signature at all
    unsigned_stamps: int = 0
    sm3: str = ""

    @property
    def unsigned_reason(self) -> Reason | None:
        if self.verdicts or not self.unsigned_stamps:
            return None
        return Reason(
            "ofd.stamp-without-signature",
            UNVERIFIABLE,
            f"{self.unsigned_stamps} stamp annotation(s) show a seal image but the file has no "
            "signature: the seal cannot be verified",
        )

    @property
    def status(self) -> str:
        """``valid`` | ``invalid`` | ``unverifiable`` | ``unsigned`` for the whole file."""
        return overall(self.verdicts, self.unsigned_reason)

    def as_dict(self) -> dict:
        reason = self.unsigned_reason
        return {
            "format": "ofd",
            "doc_type": self.doc_type,
            "status": self.status,
            "sm3": self.sm3,
            "verdicts": [v.as_dict() for v in self.verdicts],
            "reasons": [reason.as_dict()] if reason else [],
        }


def verify_ofd(
    source: bytes | str | Path | BinaryIO | OfdPackage,
    trust: TrustStore | None = None,
    now: dt.datetime | None = None,
) -> OfdReport:
    """Verify every signature of an OFD file; see the module docstring for the checks."""
    package = source if isinstance(source, OfdPackage) else OfdPackage.open(source)
    trust = trust or TrustStore()
    now = now or dt.datetime.now(dt.UTC)
    report = OfdReport(package.doc_type, sm3=sm3_hex(package.source) if package.source else "")
    for doc, info in package.signatures:
        report.verdicts.append(verify_signature(package, doc, info, trust, now))
    if not report.verdicts:
        report.unsigned_stamps = len(package.stamp_annotations())
    return report


def verify_signature(
    package: OfdPackage, doc: OfdDocument, info: SignatureInfo, trust: TrustStore, now: dt.datetime
) -> Verdict:
    """The verdict for one ``Signature`` entry."""
    verdict = Verdict(id=info.id, kind=info.kind, algorithm=info.method)
    verdict.provider = info.provider.get("ProviderName", "")
    verdict.signing_time = parse_time(info.datetime_text)
    _place(verdict, doc, info)
    if not info.raw:
        verdict.fail("ofd.signature-missing", "Signature.xml is missing", info.path)
        return verdict
    _check_references(verdict, package, info)
    if not info.signed_value_path or not package.exists(info.signed_value_path):
        verdict.fail(
            "ofd.signed-value-missing",
            "SignedValue is missing",
            info.signed_value_path or info.path,
        )
        return verdict
    value = package.read(info.signed_value_path)
    shape = value_shape(value)
    if shape == "ses":
        check_ses(verdict, package, info, value, trust, now)
    elif shape == "pkcs7":
        check_pkcs7(verdict, info, value, trust, now)
    elif shape == "bare":
        check_bare(verdict, info, value, trust)
    else:
        verdict.cannot(
            "ofd.signed-value-format",
            "SignedValue is neither an SES_Signature, a PKCS#7 SignedData nor an SM2 signature",
            info.signed_value_path,
        )
    return verdict


# ---------------------------------------------------------------- parts
def _place(verdict: Verdict, doc: OfdDocument, info: SignatureInfo) -> None:
    if not info.stamp_annots:
        return
    annot = info.stamp_annots[0]
    verdict.page = annot.page_ref
    verdict.boundary = annot.boundary
    page = doc.page_by_ref(annot.page_ref)
    if page is None:
        verdict.notes.append(f"StampAnnot PageRef {annot.page_ref} names no page of the document")
    else:
        verdict.page_index = page.index


def _check_references(verdict: Verdict, package: OfdPackage, info: SignatureInfo) -> None:
    if info.check_method and info.check_method not in SM3_NAMES:
        verdict.cannot(
            "ofd.check-method", f"unsupported digest method {info.check_method}", info.path
        )
        return
    if not info.references:
        verdict.fail("ofd.no-references", "the signature protects no file", info.path)
        return
    bad = 0
    for ref in info.references:
        if not package.exists(ref.path):
            verdict.fail(
                "ofd.reference-missing", f"protected file {ref.file_ref} is missing", ref.path
            )
            bad += 1
        elif sm3(package.read(ref.path)) != ref.check_value:
            verdict.fail(
                "ofd.reference-digest", f"{ref.file_ref} was changed after signing", ref.path
            )
            bad += 1
    if not bad:
        verdict.ok(f"{len(info.references)} reference digests (SM3)")
    covered = {ref.path for ref in info.references}
    signs_dir = info.path.rsplit("/", 2)[0] + "/" if info.path.count("/") >= 2 else ""
    loose = [
        name
        for name in package.names
        if name not in covered and not (signs_dir and name.startswith(signs_dir))
    ]
    if loose:
        verdict.notes.append(
            f"entries not protected by this signature: {', '.join(sorted(loose)[:10])}"
        )
