"""SM2-with-SM3 signatures and SM3 digests (SM2/SM3 国密算法).

One place for the national algorithms: SM3 goes through OpenSSL (``hashlib``), SM2
verification through tongsuopy. Signatures are verified over the bytes given, never a
re-encoding; the user ID is the default ``1234567812345678`` (GB/T 35276).
"""

from __future__ import annotations

import hashlib

from asn1crypto.algos import DSASignature
from tongsuopy.crypto import hashes
from tongsuopy.crypto.asymciphers import ec

SM3_OID = "1.2.156.10197.1.401"
SM2_SM3_OID = "1.2.156.10197.1.501"
SM2_CURVE_OID = "1.2.156.10197.1.301"
#: names a CheckMethod may use for SM3 (摘要算法)
SM3_NAMES = frozenset({SM3_OID, "SM3", "sm3", "1.2.156.10197.1.401.1"})
SM2_SIGNATURE_NAMES = frozenset({SM2_SM3_OID, "SM2", "SM3withSM2", "SM3WithSM2", "sm2"})


def sm3(data: bytes) -> bytes:
    """SM3 digest (杂凑值) of ``data``."""
    return hashlib.new("sm3", data).digest()


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def to_der_signature(signature: bytes) -> bytes:
    """Return a DER ``SEQUENCE{r, s}``; a raw 64-byte ``r‖s`` is converted, DER kept as is."""
    if len(signature) == 64 and signature[:1] != b"\x30":
        r = int.from_bytes(signature[:32], "big")
        s = int.from_bytes(signature[32:], "big")
        return DSASignature({"r": r, "s": s}).dump()
    if len(signature) == 64:
        # 64 bytes starting with 0x30 may still be raw r‖s: try to read it as DER first
        try:
            _ = DSASignature.load(signature).native
            return signature
        except ValueError:
            r = int.from_bytes(signature[:32], "big")
            s = int.from_bytes(signature[32:], "big")
            return DSASignature({"r": r, "s": s}).dump()
    return signature


def signature_candidates(signature: bytes) -> list[bytes]:
    """DER encodings to try for a signature value that may be DER or raw ``r‖s``."""
    out = [to_der_signature(signature)]
    if len(signature) == 64:
        raw = DSASignature(
            {"r": int.from_bytes(signature[:32], "big"), "s": int.from_bytes(signature[32:], "big")}
        ).dump()
        if raw not in out:
            out.append(raw)
    return out


def sm2_public_key(point: bytes):
    """An SM2 public key from an uncompressed point (``04‖x‖y``) or a bare 64-byte ``x‖y``."""
    if len(point) == 64:
        point = b"\x04" + point
    return ec.EllipticCurvePublicKey.from_encoded_point(ec.SM2(), point)


def verify_sm2(point: bytes, signature: bytes, data: bytes) -> bool:
    """True when ``signature`` (DER or raw r‖s) is a valid SM2-with-SM3 signature of ``data``."""
    try:
        key = sm2_public_key(point)
    except Exception:  # noqa: BLE001 - tongsuopy raises several types on a bad point
        return False
    for candidate in signature_candidates(signature):
        try:
            key.verify(candidate, data, ec.ECDSA(hashes.SM3()))
            return True
        except Exception:  # noqa: BLE001, S112 - InvalidSignature, InternalError alike: try the next
            continue
    return False
