"""Digests (摘要值): the one place that knows the algorithms and computes them.

SM3 (GM/T 0004, OpenSSL through hashlib) is the default; SHA-256 when declared.
Files are read in chunks, never whole.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import BinaryIO

DEFAULT_ALGORITHM = "SM3"
ALGORITHMS = {"SM3": "sm3", "SHA-256": "sha256"}
CHUNK = 1 << 20


def normalise_algorithm(name: str) -> str:
    """'sm3', 'SM3', 'sha256', 'SHA-256' → 'SM3' / 'SHA-256'; ValueError otherwise."""
    key = (name or DEFAULT_ALGORITHM).upper().replace("_", "-")
    if key == "SHA256":
        key = "SHA-256"
    if key not in ALGORITHMS:
        raise ValueError(f"unknown digest algorithm {name!r}")
    return key


def new(algorithm: str = DEFAULT_ALGORITHM):
    return hashlib.new(ALGORITHMS[normalise_algorithm(algorithm)])


def digest_bytes(data: bytes, algorithm: str = DEFAULT_ALGORITHM) -> str:
    h = new(algorithm)
    h.update(data)
    return h.hexdigest()


def digest_stream(
    stream: BinaryIO, algorithms: Iterable[str] = (DEFAULT_ALGORITHM,)
) -> tuple[dict[str, str], int]:
    """Read ``stream`` once; return ({algorithm: hex}, size)."""
    hashers = {normalise_algorithm(a): new(a) for a in algorithms}
    size = 0
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            break
        size += len(chunk)
        for h in hashers.values():
            h.update(chunk)
    return {a: h.hexdigest() for a, h in hashers.items()}, size


def digest_file(
    path, algorithms: Iterable[str] = (DEFAULT_ALGORITHM,)
) -> tuple[dict[str, str], int]:
    with open(path, "rb") as f:
        return digest_stream(f, algorithms)
