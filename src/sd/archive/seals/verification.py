"""Verify a component's signatures and seals and keep the verdicts (签章验证结果).

The checks are the core's (:func:`sd.archive.core.seals.verify.verify_ofd`,
:func:`sd.archive.core.seals.pdf.verify_pdf`); this module only stores what they found:

- ``seal_findings`` (behavior ``sd.archive.seal``) of the component: one finding per signature,
  the core verdict (:meth:`Verdict.as_dict`, the picture summarised by type/size/SM3) plus the
  DA/T 46 electronic-signature elements under ``elements`` (M58 签名规则, M59 签名时间,
  M60 签名人, M61 签名结果, M62 证书, M63 证书引证, M64 签名算法标识);
- the record's ``seal_findings``: the findings of all its components, each naming its component;
- seal pictures (印章图像) as separate small PNG/JPEG images in the component's annotations,
  served by ``@@seal-picture/<sm3>``; raw picture bytes never go into ``seal_findings``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import threading
import zipfile
from collections import OrderedDict

from BTrees.OOBTree import OOBTree
from plone.namedfile.file import NamedBlobImage
from ZODB.POSException import ConflictError
from zope.annotation.interfaces import IAnnotations

from sd.archive import logger
from sd.archive.core.errors import ArchiveError
from sd.archive.core.packages.probe import PDF_SIGNATURE
from sd.archive.core.seals.pdf import verify_pdf
from sd.archive.core.seals.verdict import UNSIGNED
from sd.archive.core.seals.verdict import UNVERIFIABLE
from sd.archive.core.seals.verdict import Reason
from sd.archive.core.seals.verdict import Verdict
from sd.archive.core.seals.verdict import overall
from sd.archive.core.seals.verify import verify_ofd
from sd.archive.interfaces import IComponent
from sd.archive.interfaces import IRecord
from sd.archive.repository import is_original_package
from sd.archive.seals import settings

PICTURES_KEY = "sd.archive.seals.pictures"
MAX_PICTURE_PX = 600
VERIFIER = "sd.archive.core.seals"
RULES = {
    ("ofd", "seal"): "GB/T 38540-2020 电子签章 (OFD)",
    ("ofd", "sign"): "OFD 电子签名 (GB/T 33190-2016 §18)",
    ("ofd", "stamp"): "OFD 印章注释 (无签名)",
    ("pdf", "sign"): "PDF 电子签名 (ISO 32000 / PAdES)",
}


# ---------------------------------------------------------------- formats and bytes
def sniff_format(data: bytes, filename: str = "", declared: str = "") -> str | None:
    """``OFD`` or ``PDF`` from the bytes (declared format and extension only as hints)."""
    if b"%PDF-" in data[:1024]:
        return "PDF"
    if data[:2] == b"PK":
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return None
        if any(n.lstrip("/").lower() == "ofd.xml" for n in names):
            return "OFD"
    return None


def component_bytes(component) -> bytes:
    blob = getattr(component, "file", None)
    return blob.data if blob is not None else b""


def component_format(component, data: bytes | None = None) -> str | None:
    data = component_bytes(component) if data is None else data
    name = getattr(component.file, "filename", "") or ""
    return sniff_format(data, name, getattr(component, "format_name", "") or "")


# ---------------------------------------------------------------- verifying
MEMO_SIZE = 32
_memo: OrderedDict = OrderedDict()
_memo_lock = threading.Lock()


def verify_bytes(
    data: bytes, fmt: str | None, trust=None
) -> tuple[str, list[Verdict], list[Reason]]:
    """(file status, verdicts, file-level reasons) for OFD/PDF bytes; other formats: unsigned.

    With the configured trust store (``trust`` None) answers are remembered by content digest,
    format and trust configuration: intake's detection (GD-1-9) and the component subscriber
    then verify a file once, not twice.
    """
    if (
        trust is not None
        or fmt not in ("OFD", "PDF")
        or (fmt == "PDF" and PDF_SIGNATURE not in data)
    ):
        return _verify_bytes(data, fmt, trust)  # nothing to remember for files without signatures
    key = (hashlib.sha256(data).digest(), fmt, settings.trust_fingerprint())
    with _memo_lock:
        if key in _memo:
            _memo.move_to_end(key)
            return _memo[key]
    result = _verify_bytes(data, fmt, settings.trust_store())
    with _memo_lock:
        _memo[key] = result
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    return result


def _verify_bytes(data: bytes, fmt: str | None, trust) -> tuple[str, list[Verdict], list[Reason]]:
    if fmt == "OFD":
        try:
            report = verify_ofd(data, trust)
        except ArchiveError as exc:
            reason = Reason("ofd.unreadable", UNVERIFIABLE, exc.message)
            return UNVERIFIABLE, [], [reason]
        extra = [report.unsigned_reason] if report.unsigned_reason else []
        return report.status, report.verdicts, extra
    if fmt == "PDF":
        if PDF_SIGNATURE not in data:
            return UNSIGNED, [], []
        try:
            report = verify_pdf(data, trust)
        except Exception as exc:  # noqa: BLE001 - pyHanko raises many kinds on broken PDFs
            reason = Reason("pdf.unreadable", UNVERIFIABLE, f"the PDF cannot be read: {exc}")
            return UNVERIFIABLE, [], [reason]
        return report["status"], report["verdicts"], []
    return UNSIGNED, [], []


def _cert_pem(cert) -> str | None:
    if cert is None or not cert.der:
        return None
    body = base64.encodebytes(cert.der).decode().replace("\n", "")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"


def finding(verdict: Verdict, component=None, file_sm3: str = "", when: str = "") -> dict:
    """One stored finding: the core verdict plus the DA/T 46 M57–M64 elements."""
    data = verdict.as_dict()
    cert = verdict.signer_cert
    data.update(
        component=component.UID() if component is not None else "",
        component_id=component.getId() if component is not None else "",
        file_sm3=file_sm3,
        verified_at=when,
        verifier=VERIFIER,
        elements={
            "M58": RULES.get((verdict.format, verdict.kind), verdict.format),  # 签名规则
            "M59": data["signing_time"],  # 签名时间
            "M60": verdict.signer,  # 签名人
            "M61": data["status"],  # 签名结果
            "M62": _cert_pem(cert),  # 证书
            "M63": f"{cert.issuer}; serial {cert.serial}" if cert else None,  # 证书引证
            "M64": verdict.algorithm,  # 签名算法标识
        },
    )
    return data


def file_finding(
    reason: Reason, fmt: str, component=None, file_sm3: str = "", when: str = ""
) -> dict:
    """A finding about the whole file (a seal image without any signature, an unreadable file)."""
    verdict = Verdict(
        id="",
        kind="stamp" if reason.code.startswith("ofd.stamp") else "file",
        format=(fmt or "").lower(),
        reasons=[reason],
    )
    return finding(verdict, component, file_sm3, when)


def verify_component(component, store: bool = True) -> list[dict]:
    """Verify one component; with ``store`` keep findings and pictures on it. Returns findings.

    A file the package reader has just found without a PDF signature and not an OFD
    (``ComponentData.unsigned``, a one-time hint) carries nothing to verify and is not read
    again."""
    if component.__dict__.pop("_v_unsigned", False):
        data, fmt = b"", None
    else:
        data = component_bytes(component)
        fmt = component_format(component, data)
    if fmt is None:
        findings = []
    elif len(data) > settings.max_verify_bytes():
        reason = Reason(
            "seal.too-large",
            UNVERIFIABLE,
            f"{len(data)} bytes exceed the verification limit {settings.max_verify_bytes()}",
        )
        findings = [
            file_finding(reason, fmt, component, getattr(component, "sm3", "") or "", _now())
        ]
    else:
        _, verdicts, reasons = verify_bytes(data, fmt)
        when, sm3 = _now(), getattr(component, "sm3", "") or ""
        findings = [finding(v, component, sm3, when) for v in verdicts]
        findings += [file_finding(r, fmt, component, sm3, when) for r in reasons]
        if store:
            for verdict in verdicts:
                store_picture(component, verdict)
    if store:
        component.seal_findings = findings
    return findings


def verify_stored(component) -> None:
    """Verify a new component's signatures and seals (入库验签) and update its record; a
    verifier crash is a finding, never a lost file (called by ``sd.archive.lifecycle``)."""
    if getattr(component, "file", None) is None or is_original_package(component):
        return  # the package as received is not a record file: its files are verified
    try:
        verify_component(component)
    except ConflictError:
        raise
    except Exception as exc:  # noqa: BLE001 - a verifier crash must not lose the file
        logger.exception("seal verification failed for %s", component.getId())
        reason = Reason("seal.verifier-error", UNVERIFIABLE, f"the verifier failed: {exc}")
        component.seal_findings = [
            file_finding(
                reason,
                component_format(component) or "",
                component,
                getattr(component, "sm3", "") or "",
            )
        ]
    record = getattr(component, "__parent__", None)
    if record is not None and IRecord.providedBy(record):
        refresh_record(record)


def file_status(findings: list[dict]) -> str:
    """The worst status of a component's findings, ``unsigned`` when there are none."""
    if not findings:
        return UNSIGNED
    return overall([_StatusOnly(f["status"]) for f in findings])


class _StatusOnly:
    def __init__(self, status):
        self.status = status


def refresh_record(record) -> list[dict]:
    """Rebuild the record's ``seal_findings`` from its components' (记录级签章验证结果)."""
    findings = []
    for component in record.objectValues():
        if IComponent.providedBy(component):
            findings.extend(getattr(component, "seal_findings", None) or [])
    record.seal_findings = findings
    return findings


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


# ---------------------------------------------------------------- pictures
def _pictures(component, create: bool = False):
    annotations = IAnnotations(component)
    pictures = annotations.get(PICTURES_KEY)
    if pictures is None and create:
        pictures = annotations[PICTURES_KEY] = OOBTree()
    return pictures


def store_picture(component, verdict: Verdict) -> str | None:
    """Keep a seal picture as a small PNG/JPEG image; returns its key (SM3 of the picture).

    Vector pictures (``ofd``) and unreadable ones are not kept; the finding still names them.
    """
    if not verdict.picture:
        return None
    key = verdict.as_dict()["picture"]["sm3"]
    pictures = _pictures(component, create=True)
    if key in pictures:
        return key
    image = web_image(verdict.picture, verdict.picture_type)
    if image is None:
        return None
    data, content_type, ext = image
    pictures[key] = NamedBlobImage(
        data=data, contentType=content_type, filename=f"seal-{key[:12]}.{ext}"
    )
    return key


def web_image(picture: bytes, picture_type: str) -> tuple[bytes, str, str] | None:
    """PNG/JPEG bytes small enough for a page; other raster formats become PNG."""
    from PIL import Image
    from PIL import UnidentifiedImageError

    if (picture_type or "").lower() == "ofd":
        return None
    try:
        image = Image.open(io.BytesIO(picture))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        logger.info("seal picture not readable as an image: %s", exc)
        return None
    fmt = (image.format or "").upper()
    if fmt in ("PNG", "JPEG") and max(image.size) <= MAX_PICTURE_PX:
        return picture, f"image/{fmt.lower()}", "png" if fmt == "PNG" else "jpg"
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA")
    image.thumbnail((MAX_PICTURE_PX, MAX_PICTURE_PX))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue(), "image/png", "png"


def picture(component, key: str):
    """The stored seal picture (NamedBlobImage) or None."""
    pictures = _pictures(component)
    return pictures.get(key) if pictures is not None else None
