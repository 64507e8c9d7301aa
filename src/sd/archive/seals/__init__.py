"""电子印章与电子签名 — the Plone side of seals and signatures (issue 7).

Adapts :mod:`sd.archive.core.seals`:

- :mod:`.verification` — verify a component, keep the verdicts in ``seal_findings``
  (behavior ``sd.archive.seal``) and the seal pictures as small images;
- :mod:`.archiving` — the archiving seal (归档章) added as a new component version on ``archive``;
- :mod:`.stripping` — strip a seal's digital data, keep its image (去除签章数字信息保留印章图像);
- :mod:`.settings` — trust store, archiving-seal certificate and the private key file (0600).

For intake and transfer detection (GD-1-1 / YJ-1-9 "签名与印章"), pass
:func:`signature_verifier` as ``DetectionContext.signature_verifier``::

    from sd.archive.seals import signature_verifier
    context = DetectionContext(signature_verifier=signature_verifier, ...)

It follows the detection core's contract ``(file, format) -> (ok, message)`` — ``file`` is a
path or an object with ``.location`` (a ``PackageFile``), ``ok`` is True (valid), False
(invalid) or None (unverifiable: the item becomes ``manual``) — and the result also carries
the verdict list as ``.verdicts`` (one dict per signature, the shape stored in
``seal_findings``). :func:`verify_path` returns the verdict list alone.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sd.archive.core.seals.verdict import INVALID
from sd.archive.core.seals.verdict import VALID

# pyHanko logs every untrusted or self-signed certificate as a warning with a traceback; the
# verdict (with its reasons) is what we keep, so the log only needs pyHanko's errors.
for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).setLevel(logging.ERROR)


class VerifierResult(tuple):
    """``(ok, message)`` as the detection core unpacks it, plus ``verdicts`` and ``status``."""

    verdicts: list[dict]
    status: str

    def __new__(cls, ok, message, verdicts, status):
        self = super().__new__(cls, (ok, message))
        self.verdicts = verdicts
        self.status = status
        return self


def verify_path(path, format: str | None = None) -> list[dict]:  # noqa: A002 - the core's name
    """The verdicts (one dict per signature or seal-without-signature) of an OFD/PDF file."""
    return _verify(path, format)[1]


def signature_verifier(file, format: str | None = None) -> VerifierResult:  # noqa: A002
    """Detection hook (GD-1-1 / YJ-1-9): ``(ok, message)`` with ``.verdicts``; see the module
    doc."""
    status, verdicts = _verify(file, format)
    problems = [f"{v['id'] or v['kind']}: {r['message']}" for v in verdicts for r in v["reasons"]]
    message = "; ".join(problems[:5]) or f"{len(verdicts)} signature(s): {status}"
    ok = True if status == VALID else False if status == INVALID else None
    if status == "unsigned":
        message = "no signature found / 未发现签名"
    return VerifierResult(ok, message, verdicts, status)


def _verify(file, format: str | None) -> tuple[str, list[dict]]:
    from sd.archive.seals.verification import file_finding
    from sd.archive.seals.verification import finding
    from sd.archive.seals.verification import sniff_format
    from sd.archive.seals.verification import verify_bytes

    location = getattr(file, "location", file)
    data = Path(location).read_bytes()
    fmt = sniff_format(data) or (format or "").upper() or None
    status, verdicts, reasons = verify_bytes(data, fmt)
    return status, [finding(v) for v in verdicts] + [file_finding(r, fmt or "") for r in reasons]
