"""Hash algorithms of the ledger (哈希算法) and the RFC 9162 §2.1 domain-separated hashes.

SM3 (GB/T 32905) is the default, SHA-256 may be chosen per node when the log is created.
Both give 32-byte digests; a log never mixes algorithms.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from sd.archive.core.ledger.errors import refuse

SM3 = "sm3"
SHA256 = "sha256"
DEFAULT_ALGORITHM = SM3
ALGORITHMS = (SM3, SHA256)
DIGEST_SIZE = 32

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"


def hash_constructor(algorithm: str) -> Callable[..., Any]:
    """The hashlib constructor of ``algorithm`` ("sm3" or "sha256")."""
    if algorithm == SHA256:
        return hashlib.sha256
    if algorithm == SM3:
        return lambda data=b"": hashlib.new("sm3", data)
    raise refuse("LEDGER-HASH-ALG", f"unknown hash algorithm {algorithm!r}", property="hash_alg")


def check_algorithm(algorithm: str) -> str:
    """Return ``algorithm`` if supported, raise a structured error otherwise."""
    hash_constructor(algorithm)
    return algorithm


def digest(data: bytes, algorithm: str = DEFAULT_ALGORITHM) -> bytes:
    """Plain digest of ``data`` (no domain separation)."""
    return hash_constructor(algorithm)(data).digest()


def hex_digest(data: bytes, algorithm: str = DEFAULT_ALGORITHM) -> str:
    """Lower-case hex digest of ``data`` — the form used for file digests in entries."""
    return hash_constructor(algorithm)(data).hexdigest()


def empty_root(algorithm: str = DEFAULT_ALGORITHM) -> bytes:
    """MTH({}) = HASH() — the root of the empty tree."""
    return digest(b"", algorithm)


def leaf_hash(entry: bytes, algorithm: str = DEFAULT_ALGORITHM) -> bytes:
    """MTH({d0}) = HASH(0x00 || d0) — the leaf hash of one entry (叶哈希)."""
    return hash_constructor(algorithm)(LEAF_PREFIX + entry).digest()


def node_hash(left: bytes, right: bytes, algorithm: str = DEFAULT_ALGORITHM) -> bytes:
    """HASH(0x01 || left || right) — an interior node hash (节点哈希)."""
    return hash_constructor(algorithm)(NODE_PREFIX + left + right).digest()
