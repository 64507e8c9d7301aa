"""Detached signatures (分离式签名) of a sealed file by the archiving-seal key: JSON holding
the file's SM3 and size, the signing time, the signature and the signer's certificate."""

from __future__ import annotations

import base64
import datetime as dt
import json

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric import rsa

from .seal_key import SealKey
from .sm2 import sm3_hex


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
