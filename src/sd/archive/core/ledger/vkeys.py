"""Verifier keys (验证公钥) in the C2SP signed-note text form ``name+hash+base64(type||key)``.

Signature type identifiers (签名类型标识) — the one table of them:

======================================  ==========================================
``0x01``                                Ed25519 note signature (signed-note)
``0x04``                                timestamped Ed25519 cosignature (tlog-cosignature v1)
``0xff "sd.archive/sm2-note/v1"``       SM2/SM3 note signature (private use, see ``keys``)
``0xff "sd.archive/sm2-cosignature/v1"`` timestamped SM2/SM3 cosignature (private use)
======================================  ==========================================

The SM2 types use the ``0xff`` byte that signed-note reserves for types without an assigned
byte, followed by a longer identifier as it recommends. The key ID is always
``SHA-256(name || 0x0A || type || public key)[:4]``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from sd.archive.core.ledger.algorithms import ED25519
from sd.archive.core.ledger.algorithms import SM2
from sd.archive.core.ledger.algorithms import check_key_name
from sd.archive.core.ledger.algorithms import verify_raw
from sd.archive.core.ledger.errors import refuse

TYPE_ED25519 = b"\x01"
TYPE_ED25519_COSIGNATURE = b"\x04"
TYPE_SM2 = b"\xffsd.archive/sm2-note/v1"
TYPE_SM2_COSIGNATURE = b"\xffsd.archive/sm2-cosignature/v1"

# type identifier -> (key algorithm, is a cosignature type, public key length)
SIGNATURE_TYPES: dict[bytes, tuple[str, bool, int]] = {
    TYPE_ED25519: (ED25519, False, 32),
    TYPE_ED25519_COSIGNATURE: (ED25519, True, 32),
    TYPE_SM2: (SM2, False, 65),
    TYPE_SM2_COSIGNATURE: (SM2, True, 65),
}


def signature_type(algorithm: str, cosigner: bool) -> bytes:
    for type_id, (alg, cosig, _) in SIGNATURE_TYPES.items():
        if alg == algorithm and cosig == cosigner:
            return type_id
    raise refuse("LEDGER-KEY-ALG", f"unknown key algorithm {algorithm!r}")


def key_id(name: str, type_id: bytes, public_key: bytes) -> bytes:
    """SHA-256(name || 0x0A || type || public key)[:4] — the 4-byte key ID (密钥标识)."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + type_id + public_key).digest()[:4]


@dataclass(frozen=True)
class Verifier:
    """A public key that checks note signatures or cosignatures of one named signer."""

    name: str
    type_id: bytes
    public_key: bytes

    @classmethod
    def for_key(
        cls, name: str, algorithm: str, public_key: bytes, cosigner: bool = False
    ) -> Verifier:
        return cls(check_key_name(name), signature_type(algorithm, cosigner), public_key)

    @classmethod
    def from_vkey(cls, text: str) -> Verifier:
        """Parse ``name+hash+base64(type||key)``; the hash must match the key."""
        text = text.strip()
        parts = text.split("+", 2)
        if len(parts) != 3:
            raise refuse("LEDGER-VKEY", "a vkey has the form name+hash+base64", object=text[:80])
        name, hash_hex, encoded = parts
        check_key_name(name)
        try:
            raw = base64.b64decode(encoded, validate=True)
            expected_id = bytes.fromhex(hash_hex)
        except (binascii.Error, ValueError) as error:
            raise refuse(
                "LEDGER-VKEY", f"vkey is not well encoded: {error}", object=name
            ) from error
        for type_id, (_, _, length) in SIGNATURE_TYPES.items():
            if raw.startswith(type_id) and len(raw) == len(type_id) + length:
                verifier = cls(name, type_id, raw[len(type_id) :])
                if len(hash_hex) != 8 or verifier.key_id != expected_id:
                    raise refuse("LEDGER-VKEY", "vkey hash does not match its key", object=name)
                return verifier
        raise refuse("LEDGER-VKEY", "unknown signature type in vkey", object=name)

    @property
    def algorithm(self) -> str:
        return SIGNATURE_TYPES[self.type_id][0]

    @property
    def is_cosigner(self) -> bool:
        return SIGNATURE_TYPES[self.type_id][1]

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.type_id, self.public_key)

    @property
    def vkey(self) -> str:
        encoded = base64.b64encode(self.type_id + self.public_key).decode("ascii")
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    def as_cosigner(self) -> Verifier:
        """The same key, as it verifies cosignatures (the other key ID)."""
        return Verifier(self.name, signature_type(self.algorithm, True), self.public_key)

    def as_note_signer(self) -> Verifier:
        """The same key, as it verifies plain note signatures."""
        return Verifier(self.name, signature_type(self.algorithm, False), self.public_key)

    def verify(self, message: bytes, signature: bytes) -> bool:
        return verify_raw(self.algorithm, self.public_key, message, signature)


def load_vkeys(text: str) -> list[Verifier]:
    """Parse a file of vkeys, one per line; blank lines and '#' comments are skipped."""
    return [
        Verifier.from_vkey(line)
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    ]
