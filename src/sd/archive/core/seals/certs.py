"""Certificates of signers and seal makers (签章人证书、制章人证书) and the trust store.

Certificates are parsed with asn1crypto, which reads lazily and keeps the original bytes, so
non-canonical DER (for example an explicit DEFAULT ``critical FALSE``) does not stop us.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from dataclasses import field

from asn1crypto import core
from asn1crypto import pem
from asn1crypto import x509

from .sm2 import SM2_SM3_OID
from .sm2 import verify_sm2


@dataclass(frozen=True)
class CertInfo:
    """The parts of an X.509 certificate a verdict needs (证书信息)."""

    der: bytes
    subject: str = ""
    issuer: str = ""
    serial: str = ""
    not_before: dt.datetime | None = None
    not_after: dt.datetime | None = None
    key_algorithm: str = ""
    public_point: bytes = b""
    error: str = ""

    def valid_at(self, when: dt.datetime) -> bool:
        """True when ``when`` lies inside the validity period (有效期)."""
        if self.not_before is None or self.not_after is None:
            return False
        return self.not_before <= when <= self.not_after

    def as_dict(self) -> dict:
        return {
            "subject": self.subject,
            "issuer": self.issuer,
            "serial": self.serial,
            "not_before": self.not_before.isoformat() if self.not_before else None,
            "not_after": self.not_after.isoformat() if self.not_after else None,
            "key_algorithm": self.key_algorithm,
        }


_SHORT = {
    "2.5.4.3": "CN",
    "2.5.4.6": "C",
    "2.5.4.7": "L",
    "2.5.4.8": "ST",
    "2.5.4.10": "O",
    "2.5.4.11": "OU",
    "2.5.4.45": "UID",
    "2.5.4.5": "serialNumber",
    "1.2.840.113549.1.9.1": "E",
}


def _name(name) -> str:
    """A readable distinguished name; odd attribute types (e.g. 2.5.4.45 as UTF8String,
    seen on seal CAs) are read generically instead of failing."""
    try:
        return name.human_friendly
    except Exception:  # noqa: BLE001, S110 - odd attribute types: fall back to a generic reading
        pass
    try:
        parts = []
        for rdn in core.SequenceOf.load(name.dump()):
            for atv in core.SetOf.load(rdn.dump()):
                seq = core.Sequence.load(atv.dump())
                oid = seq[0].dotted if hasattr(seq[0], "dotted") else str(seq[0].native)
                value = seq[1].contents.decode("utf-8", "replace")
                parts.append(f"{_SHORT.get(oid, oid)}={value}")
        return ", ".join(reversed(parts))
    except Exception:  # noqa: BLE001
        return ""


def load_certificate(data: bytes) -> CertInfo:
    """Read a DER or PEM certificate leniently; ``error`` says what could not be read."""
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    try:
        cert = x509.Certificate.load(data)
        tbs = cert["tbs_certificate"]
    except Exception as exc:  # noqa: BLE001
        return CertInfo(der=data, error=f"certificate does not parse: {exc}")
    info: dict = {"der": data}
    for key, getter in (
        ("subject", lambda: _name(tbs["subject"])),
        ("issuer", lambda: _name(tbs["issuer"])),
        ("serial", lambda: format(tbs["serial_number"].native, "x")),
        ("not_before", lambda: tbs["validity"]["not_before"].native),
        ("not_after", lambda: tbs["validity"]["not_after"].native),
    ):
        with contextlib.suppress(Exception):  # keep what can be read
            info[key] = getter()
    try:
        spki = tbs["subject_public_key_info"]
        algorithm = spki["algorithm"]
        params = algorithm["parameters"]
        curve = params.chosen.native if hasattr(params, "chosen") else params.native
        info["key_algorithm"] = (
            "SM2" if curve == "1.2.156.10197.1.301" else f"{algorithm['algorithm'].native}:{curve}"
        )
        info["public_point"] = spki["public_key"].contents[1:]
    except Exception as exc:  # noqa: BLE001
        info["error"] = f"public key does not parse: {exc}"
    return CertInfo(**info)


def issued_by(child: CertInfo, issuer: CertInfo) -> bool:
    """True when ``issuer``'s key verifies the signature on ``child`` (签发关系)."""
    try:
        cert = x509.Certificate.load(child.der)
        tbs_bytes = cert["tbs_certificate"].dump()
        algorithm = cert["signature_algorithm"]["algorithm"].dotted
        signature = cert["signature_value"].contents[1:]
    except Exception:  # noqa: BLE001
        return False
    if algorithm == SM2_SM3_OID or issuer.key_algorithm == "SM2":
        return bool(issuer.public_point) and verify_sm2(issuer.public_point, signature, tbs_bytes)
    try:
        from cryptography import x509 as cx509

        return _verify_with_cryptography(
            cx509.load_der_x509_certificate(child.der), cx509.load_der_x509_certificate(issuer.der)
        )
    except Exception:  # noqa: BLE001
        return False


def verify_signed_by(cert: CertInfo, signature: bytes, data: bytes, digest: str = "sha256") -> bool:
    """True when ``cert``'s key verifies ``signature`` over ``data`` (签名验证): SM2 with SM3,
    else ECDSA or RSA (PKCS#1 v1.5) with ``digest`` (``sha256``, ``sha384``, ``sha512``)."""
    if cert.key_algorithm == "SM2":
        return bool(cert.public_point) and verify_sm2(cert.public_point, signature, data)
    try:
        from cryptography import x509 as cx509
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.asymmetric import padding
        from cryptography.hazmat.primitives.asymmetric import rsa

        algorithm = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}[
            digest
        ]()
        key = cx509.load_der_x509_certificate(cert.der).public_key()
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(algorithm))
        else:
            return False
        return True
    except Exception:  # noqa: BLE001 - InvalidSignature, an unknown digest or key alike
        return False


def _verify_with_cryptography(child, issuer) -> bool:
    try:
        child.verify_directly_issued_by(issuer)
        return True
    except Exception:  # noqa: BLE001
        return False


@dataclass
class TrustStore:
    """Trusted certificates (信任证书): roots or intermediates of seal makers and signers.

    ``anchor_for(cert)`` finds the trusted certificate that is the certificate itself or
    issued it (one level; seal certificates are issued directly by a seal CA).
    """

    certificates: list[CertInfo] = field(default_factory=list)

    @classmethod
    def from_bytes(cls, items: list[bytes]) -> TrustStore:
        return cls([load_certificate(item) for item in items])

    def anchor_for(self, cert: CertInfo) -> CertInfo | None:
        for trusted in self.certificates:
            if trusted.der == cert.der or issued_by(cert, trusted):
                return trusted
        return None

    def __bool__(self) -> bool:
        return bool(self.certificates)
