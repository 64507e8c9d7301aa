"""Node signing keys (节点签名密钥): Ed25519 by default, SM2 (GB/T 32918) where required.

Each node makes one key at install time. The same key signs the node's own checkpoints
(note signature type 0x01, or the SM2 private type) and cosigns the checkpoints of the other
nodes (type 0x04, or the SM2 private cosignature type); the signed messages are domain
separated (a cosigned message starts with ``cosignature/v1``, which no origin may be).

The algorithms, key names and raw signature checks are in ``algorithms``; the public side of
a key (its ``Verifier`` and vkey text) in ``vkeys``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from sd.archive.core.ledger.algorithms import ED25519
from sd.archive.core.ledger.algorithms import SM2
from sd.archive.core.ledger.algorithms import check_key_name
from sd.archive.core.ledger.algorithms import tongsuo
from sd.archive.core.ledger.errors import refuse
from sd.archive.core.ledger.vkeys import Verifier


@dataclass
class NodeKey:
    """The private signing key of a node (节点私钥), with the node's key name (its origin)."""

    name: str
    algorithm: str
    private_key: object

    @classmethod
    def generate(cls, name: str, algorithm: str = ED25519) -> NodeKey:
        check_key_name(name)
        if algorithm == ED25519:
            return cls(name, algorithm, ed25519.Ed25519PrivateKey.generate())
        if algorithm == SM2:
            ec = tongsuo()[0]
            return cls(name, algorithm, ec.generate_private_key(ec.SM2()))
        raise refuse("LEDGER-KEY-ALG", f"unknown key algorithm {algorithm!r}", property="algorithm")

    @classmethod
    def from_pem(cls, pem: bytes, name: str, password: bytes | None = None) -> NodeKey:
        check_key_name(name)
        try:
            key = serialization.load_pem_private_key(pem, password)
        except Exception as error:  # an SM2 key is not readable by cryptography: try Tongsuo
            try:
                sm_serialization = tongsuo()[2]
                key = sm_serialization.load_pem_private_key(pem, password)
            except Exception:
                raise refuse("LEDGER-KEY-PEM", f"cannot read the private key: {error}") from error
            return cls(name, SM2, key)
        if isinstance(key, ed25519.Ed25519PrivateKey):
            return cls(name, ED25519, key)
        raise refuse("LEDGER-KEY-ALG", f"unsupported private key type {type(key).__name__}")

    @classmethod
    def load(cls, path: str | Path, name: str, password: bytes | None = None) -> NodeKey:
        return cls.from_pem(Path(path).read_bytes(), name, password)

    def private_pem(self, password: bytes | None = None) -> bytes:
        if self.algorithm == SM2:
            sm_serialization = tongsuo()[2]
            encryption = (
                sm_serialization.BestAvailableEncryption(password)
                if password
                else sm_serialization.NoEncryption()
            )
            return self.private_key.private_bytes(
                sm_serialization.Encoding.PEM, sm_serialization.PrivateFormat.PKCS8, encryption
            )
        encryption = (
            serialization.BestAvailableEncryption(password)
            if password
            else serialization.NoEncryption()
        )
        return self.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )

    def save(self, path: str | Path, password: bytes | None = None) -> None:
        """Write the PKCS#8 PEM private key, readable by its owner only (mode 0600)."""
        fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, self.private_pem(password))
        finally:
            os.close(fd)

    @cached_property
    def public_key(self) -> bytes:
        """Raw public key: 32 bytes (Ed25519) or the 65-byte uncompressed point (SM2); derived
        once per key object (every ledger entry signs a checkpoint with it)."""
        if self.algorithm == SM2:
            sm_serialization = tongsuo()[2]
            return self.private_key.public_key().public_bytes(
                sm_serialization.Encoding.X962, sm_serialization.PublicFormat.UncompressedPoint
            )
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    def sign(self, message: bytes) -> bytes:
        """Raw signature over ``message``."""
        if self.algorithm == SM2:
            ec, hashes, _ = tongsuo()
            return self.private_key.sign(message, ec.ECDSA(hashes.SM3()))
        return self.private_key.sign(message)

    def verifier(self, cosigner: bool = False):
        """The public ``Verifier`` for notes (default) or for cosignatures."""
        return Verifier.for_key(self.name, self.algorithm, self.public_key, cosigner=cosigner)

    @property
    def vkey(self) -> str:
        """The verifier key text ``name+hash+base64(type||key)`` for this node's notes."""
        return self.verifier().vkey

    @property
    def cosigner_vkey(self) -> str:
        """The verifier key text of this node as a cosigner (type 0x04 or SM2 cosignature)."""
        return self.verifier(cosigner=True).vkey
