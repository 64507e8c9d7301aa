"""The result of checking one signature or seal (签章验证结论).

A verdict is ``valid`` only when every check ran and passed; ``invalid`` when a check
failed (the document or the signature was changed, a certificate or seal was not valid at
signing time); ``unverifiable`` when something could not be checked (no certificate, an
unknown format, an issuer outside the trust store). Each failing or unchecked part is one
:class:`Reason`; passing checks are listed in ``checked`` and remarks in ``notes``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from dataclasses import field

from ..errors import Problem
from .certs import CertInfo
from .times import utc_iso

VALID = "valid"
INVALID = "invalid"
UNVERIFIABLE = "unverifiable"
UNSIGNED = "unsigned"


@dataclass(frozen=True)
class Reason:
    """Why a verdict is not valid: a code, the outcome it forces, the part and a message."""

    code: str
    outcome: str  # INVALID or UNVERIFIABLE
    message: str
    object: str = ""

    def as_problem(self) -> Problem:
        prop = (
            "integrity"
            if self.code.startswith(("ofd.reference", "pdf.integrity"))
            else "authenticity"
        )
        return Problem(self.code, self.message, self.object, prop)

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "outcome": self.outcome,
            "message": self.message,
            "object": self.object,
        }


@dataclass
class Verdict:
    """One signature's verdict (签章验证结论) — the same shape for OFD and PDF."""

    id: str
    kind: str  # "seal" (电子签章) or "sign" (电子签名)
    format: str = "ofd"
    reasons: list[Reason] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    signer: str = ""
    seal_name: str = ""
    signing_time: dt.datetime | None = None
    algorithm: str = ""
    picture_type: str = ""
    picture: bytes | None = field(default=None, repr=False)
    page: str = ""
    page_index: int | None = None
    boundary: tuple[float, float, float, float] | None = None
    signer_cert: CertInfo | None = field(default=None, repr=False)
    maker_cert: CertInfo | None = field(default=None, repr=False)
    provider: str = ""

    # one rule: the status follows from the reasons
    @property
    def status(self) -> str:
        outcomes = {r.outcome for r in self.reasons}
        if INVALID in outcomes:
            return INVALID
        if UNVERIFIABLE in outcomes:
            return UNVERIFIABLE
        return VALID

    def fail(self, code: str, message: str, obj: str = "") -> None:
        self.reasons.append(Reason(code, INVALID, message, obj))

    def cannot(self, code: str, message: str, obj: str = "") -> None:
        self.reasons.append(Reason(code, UNVERIFIABLE, message, obj))

    def ok(self, what: str) -> None:
        self.checked.append(what)

    @property
    def reason_codes(self) -> list[str]:
        return [r.code for r in self.reasons]

    def as_dict(self) -> dict:
        """JSON-ready form; the picture is summarised (type, size, SM3), not embedded."""
        return {
            "id": self.id,
            "kind": self.kind,
            "format": self.format,
            "status": self.status,
            "reasons": [r.as_dict() for r in self.reasons],
            "checked": list(self.checked),
            "notes": list(self.notes),
            "signer": self.signer,
            "seal_name": self.seal_name,
            "signing_time": utc_iso(self.signing_time),
            "algorithm": self.algorithm,
            "picture": None
            if self.picture is None
            else {
                "type": self.picture_type,
                "size": len(self.picture),
                "sm3": hashlib.new("sm3", self.picture).hexdigest(),
            },
            "page": self.page,
            "page_index": self.page_index,
            "boundary": list(self.boundary) if self.boundary else None,
            "signer_cert": self.signer_cert.as_dict() if self.signer_cert else None,
            "maker_cert": self.maker_cert.as_dict() if self.maker_cert else None,
            "provider": self.provider,
        }


def overall(verdicts: list[Verdict], unsigned_reason: Reason | None = None) -> str:
    """The status of a whole file: the worst verdict, or ``unsigned`` when there is none."""
    if not verdicts:
        return unsigned_reason.outcome if unsigned_reason else UNSIGNED
    statuses = {v.status for v in verdicts}
    for status in (INVALID, UNVERIFIABLE):
        if status in statuses:
            return status
    return VALID
