"""Seal service configuration (签章服务配置): trust store, archiving-seal certificate and key.

The public parts (trusted seal-maker and signer certificates, the archiving-seal certificate,
the seal image) live in the registry (``sd.archive.seals.*``, edited in the control panel
``@@sd-archive-seals``). The archiving-seal PRIVATE KEY never enters the ZODB or the registry:
it is a PEM file under the instance's var directory, readable only by the instance user (0600):

- the registry setting ``sd.archive.seals.key_path`` when set, else
- ``$SD_ARCHIVE_VAR/seals/archiving-seal.key`` (``SD_ARCHIVE_VAR`` is set by zope.conf);
- neither: no key (the archiving seal is not applied and the record says why).

The registry schema is :class:`ISealSettings` (profiles/default/registry/seals.xml).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from asn1crypto import pem
from plone.registry.interfaces import IRegistry
from zope import schema
from zope.component import queryUtility
from zope.interface import Interface
from zope.interface import Invalid

from sd.archive import _
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.seals.certs import TrustStore
from sd.archive.core.seals.certs import load_certificate
from sd.archive.core.seals.seal_key import SealKey
from sd.archive.core.seals.seal_key import make_demo_key

PREFIX = "sd.archive.seals"
KEY_FILE = "archiving-seal.key"


class SealConfigurationError(ArchiveError):
    """The seal service is not configured well enough for this action (签章服务未配置)."""

    def __init__(self, message, problems=None, status=409, type="SealConfiguration"):
        super().__init__(message, list(problems or []), status, type)


def _registry_value(name: str, default=None):
    registry = queryUtility(IRegistry)
    if registry is None:
        return default
    value = registry.get(f"{PREFIX}.{name}", default)
    return default if value is None else value


def _set_registry_value(name: str, value) -> None:
    queryUtility(IRegistry)[f"{PREFIX}.{name}"] = value


def pem_blocks(text: str | bytes | None) -> list[bytes]:
    """Every certificate in a pasted PEM text (one or more ``BEGIN CERTIFICATE`` blocks)."""
    if not text:
        return []
    data = text.encode() if isinstance(text, str) else text
    out = []
    marker = b"-----BEGIN"
    for chunk in data.split(marker)[1:]:
        block = marker + chunk
        end = block.find(b"-----END")
        if end < 0:
            continue
        close = block.find(b"-----", end + 8)
        out.append(block[: close + 5] + b"\n")
    return out


def certificate_problems(text: str | None, field_name: str) -> list[Problem]:
    """Why a pasted PEM text is not a list of readable certificates (empty when it is)."""
    if not text or not text.strip():
        return []
    blocks = pem_blocks(text)
    if not blocks:
        return [Problem("seal.certificate", "no PEM certificate block found", field_name)]
    problems = []
    for n, block in enumerate(blocks, 1):
        try:
            kind, _, _ = pem.unarmor(block)
        except ValueError as exc:
            problems.append(Problem("seal.certificate", f"block {n}: {exc}", field_name))
            continue
        if kind != "CERTIFICATE":
            problems.append(
                Problem(
                    "seal.certificate",
                    f"block {n} is a {kind}, not a certificate"
                    " (private keys are never stored here)",
                    field_name,
                )
            )
        elif load_certificate(block).error:
            problems.append(
                Problem(
                    "seal.certificate", f"block {n}: {load_certificate(block).error}", field_name
                )
            )
    return problems


def _certificates(field_name):
    def check(value):
        problems = certificate_problems(value, field_name)
        if problems:
            raise Invalid("; ".join(p.message for p in problems))
        return True

    return check


class ISealSettings(Interface):
    """签章服务配置 (seal service settings)."""

    trusted_certificates = schema.Text(
        title=_("Trusted seal-maker and signer certificates"),  # 可信制章人与签章人证书
        description=_("Paste one or more PEM certificates (the province's seal system CAs)."),
        required=False,
        default="",
        constraint=_certificates("trusted_certificates"),
    )
    archiving_seal_certificate = schema.Text(
        title=_("Archiving-seal certificate"),  # 归档章证书
        description=_("PEM certificate of the archives' own archiving-seal key."),
        required=False,
        default="",
        constraint=_certificates("archiving_seal_certificate"),
    )
    key_path = schema.TextLine(
        title=_("Archiving-seal key file"),  # 归档章私钥文件
        description=_(
            "Path of the PEM private key file (mode 0600). Empty: "
            "$SD_ARCHIVE_VAR/seals/archiving-seal.key."
        ),
        required=False,
        default="",
    )
    seal_image = schema.Bytes(
        title=_("Seal image"),  # 印章图像
        description=_("PNG or JPEG image of the archives' seal."),
        required=False,
    )
    max_verify_bytes = schema.Int(
        title=_("Largest file verified (bytes)"),
        default=256 * 1024 * 1024,
        min=1024,
    )


def archiving_certificate() -> bytes | None:
    """The archives' own archiving-seal certificate (归档章证书), PEM."""
    blocks = pem_blocks(_registry_value("archiving_seal_certificate", ""))
    return blocks[0] if blocks else None


def trust_fingerprint() -> str:
    """A digest of the trust configuration: verdicts stay valid while it is unchanged."""
    import hashlib

    text = (
        _registry_value("trusted_certificates", "")
        + "\n"
        + _registry_value("archiving_seal_certificate", "")
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def trust_store() -> TrustStore:
    """Trusted seal makers and signers, plus the archives' own archiving-seal certificate.

    Empty when nothing is configured: the core then notes that issuers were not checked.
    """
    items = pem_blocks(_registry_value("trusted_certificates", ""))
    if items:
        own = archiving_certificate()
        if own:
            items.append(own)
    return TrustStore.from_bytes(items)


def max_verify_bytes() -> int:
    return int(_registry_value("max_verify_bytes", 256 * 1024 * 1024))


def key_path() -> Path | None:
    """Where the archiving-seal private key file lives (see the module docstring)."""
    configured = (_registry_value("key_path", "") or "").strip()
    if configured:
        return Path(configured)
    var = os.environ.get("SD_ARCHIVE_VAR")
    return Path(var) / "seals" / KEY_FILE if var else None


def key_status() -> dict:
    """What the control panel shows about the key file; never the key itself."""
    path = key_path()
    status = {
        "path": str(path) if path else "",
        "exists": False,
        "private": False,
        "matches": False,
    }
    if path is None or not path.exists():
        return status
    mode = stat.S_IMODE(path.stat().st_mode)
    status.update(exists=True, mode=oct(mode), private=not mode & 0o077)
    try:
        load_key()
        status["matches"] = True
    except SealConfigurationError as exc:
        status["error"] = exc.message
    return status


def load_key() -> SealKey:
    """The archiving-seal key and certificate; refuses a key file others can read."""
    path = key_path()
    cert = archiving_certificate()
    if path is None or not path.exists():
        raise SealConfigurationError(
            "no archiving-seal key: create one in the seal control panel or place a PEM key "
            "file at "
            f"{path or '$SD_ARCHIVE_VAR/seals/' + KEY_FILE}",
            [Problem("seal.key-missing", "archiving-seal key file not found", str(path or ""))],
        )
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        raise SealConfigurationError(
            f"the archiving-seal key file {path} is readable by other users: chmod 600 it",
            [
                Problem(
                    "seal.key-mode",
                    "key file must be readable only by the instance user",
                    str(path),
                )
            ],
        )
    if not cert:
        raise SealConfigurationError(
            "no archiving-seal certificate configured",
            [
                Problem(
                    "seal.certificate-missing",
                    "archiving-seal certificate missing",
                    f"{PREFIX}.archiving_seal_certificate",
                )
            ],
        )
    key = SealKey(path.read_bytes(), cert)
    try:
        private, certificate = key.private_key(), key.certificate()
    except ValueError as exc:
        raise SealConfigurationError(
            f"the archiving-seal key or certificate does not load: {exc}"
        ) from exc
    from cryptography.hazmat.primitives import serialization

    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    if private.public_key().public_bytes(
        serialization.Encoding.DER, spki
    ) != certificate.public_key().public_bytes(serialization.Encoding.DER, spki):
        raise SealConfigurationError(
            "the archiving-seal key does not belong to the configured certificate",
            [Problem("seal.key-mismatch", "key and certificate differ", str(path))],
        )
    return key


def write_key_file(path: Path, key_pem: bytes) -> None:
    """Write a private key readable only by this user (0600 file in a 0700 directory)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, key_pem)
    finally:
        os.close(fd)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def create_demo_key(replace: bool = False) -> bool:
    """Make a demo archiving-seal key (演示用) unless one exists; True when one was made.

    The key goes to :func:`key_path` (0600); its certificate goes to the registry.
    """
    path = key_path()
    if path is None:
        return False
    if path.exists() and not replace:
        return False  # never overwrite a key someone placed; load_key() explains what is missing
    key = make_demo_key()
    write_key_file(path, key.key)
    _set_registry_value("archiving_seal_certificate", key.cert.decode())
    return True
