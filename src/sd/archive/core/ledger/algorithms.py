"""Signature algorithms (签名算法): their names, key names, and checking one raw signature.

The part of signing that both sides need: the private node keys (``keys``) and the public
verifier keys (``vkeys``) build on it, so neither has to import the other to learn which
algorithms there are or how a signature is checked.

SM2 uses Tongsuo through ``tongsuopy``: signatures are DER ``SEQUENCE {r, s}`` over SM3 with
the default SM2 user ID ``1234567812345678`` (GB/T 35276), public keys are the 65-byte
uncompressed point.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from sd.archive.core.ledger.errors import refuse

ED25519 = "ed25519"
SM2 = "sm2"
KEY_ALGORITHMS = (ED25519, SM2)


def tongsuo():
    """Tongsuo's ``ec``, ``hashes`` and ``serialization`` modules (SM2/SM3), imported when
    first needed."""
    try:
        from tongsuopy.crypto import hashes
        from tongsuopy.crypto import serialization as sm_serialization
        from tongsuopy.crypto.asymciphers import ec
    except ImportError as error:  # pragma: no cover - tongsuopy is a declared dependency
        raise refuse("LEDGER-KEY-SM2", f"SM2 needs tongsuopy: {error}") from error
    return ec, hashes, sm_serialization


def check_key_name(name: str) -> str:
    """A key name is non-empty and has neither Unicode spaces nor '+' (signed-note)."""
    if (
        not name
        or "+" in name
        or any(c.isspace() for c in name)
        or any(ord(c) < 0x20 for c in name)
    ):
        raise refuse("LEDGER-KEY-NAME", f"invalid key name {name!r}", property="name")
    return name


def verify_raw(algorithm: str, public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Check one raw signature (验签) of ``algorithm`` by ``public_key`` over ``message``."""
    try:
        if algorithm == ED25519:
            ed25519.Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
            return True
        if algorithm == SM2:
            ec, hashes, _ = tongsuo()
            key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SM2(), public_key)
            try:
                key.verify(signature, message, ec.ECDSA(hashes.SM3()))
            except Exception:  # noqa: BLE001 - Tongsuo raises InternalError on malformed DER
                return False
            return True
    except (InvalidSignature, ValueError, TypeError):
        return False
    return False
