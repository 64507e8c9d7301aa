"""Signed manifests (签名清单): a node vouches for a manifest with its ledger node key.

The one signing of what a node hands over outside its ledger: ferry bundles
(``sd.archive.core.ferry``) and whole-repository moves (``sd.archive.core.moves``). The
signature is a C2SP signed note by the node key over::

    <format>
    <origin>         the signer's ledger origin (its key name)
    <serial>         the bundle's sequence, the export's id
    <SM3 of the manifest bytes>

:func:`verify_manifest` accepts it only when a trusted key named ``origin`` signed exactly
this text; it raises :class:`ManifestRefused` with the kind of failure, and each caller names
its own problem code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sd.archive.core.ledger.errors import LedgerError
from sd.archive.core.ledger.keys import NodeKey
from sd.archive.core.ledger.notes import parse_note
from sd.archive.core.ledger.notes import sign_note
from sd.archive.core.ledger.notes import verify_note
from sd.archive.core.ledger.vkeys import Verifier

#: kinds of failure: the note cannot be read, no trusted key has the signer's name, a
#: trusted key's signature fails, the note is not over this manifest
UNREADABLE, SENDER, SIGNATURE, MISMATCH = "unreadable", "sender", "signature", "mismatch"


class ManifestRefused(Exception):
    """The manifest's signature does not hold (清单签名无效); ``kind`` says why."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def sm3_of(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def manifest_text(fmt: str, origin: str, serial: str | int, manifest: bytes) -> str:
    """The signed text of ``manifest`` (its bytes as written)."""
    return f"{fmt}\n{origin}\n{serial}\n{sm3_of(manifest)}\n"


def sign_manifest(fmt: str, origin: str, serial: str | int, manifest: bytes, key: NodeKey) -> str:
    """The signed note of ``manifest`` by ``key`` (whose name is ``origin``)."""
    return str(sign_note(manifest_text(fmt, origin, serial, manifest), key))


def senders(trusted_vkeys: Iterable[str], origin: str) -> list[Verifier]:
    """The trusted keys named ``origin`` (unreadable vkeys are no keys)."""
    found = []
    for vkey in trusted_vkeys:
        try:
            verifier = Verifier.from_vkey(vkey)
        except LedgerError:
            continue
        if verifier.name == origin:
            found.append(verifier)
    return found


def verify_manifest(
    note: str | bytes,
    fmt: str,
    origin: str,
    serial: str | int,
    manifest: bytes,
    trusted_vkeys: Iterable[str],
) -> list[Verifier]:
    """The trusted keys of ``origin`` when one of them signed this very ``manifest``;
    raises :class:`ManifestRefused` otherwise."""
    try:
        parsed = parse_note(note)
    except LedgerError as error:
        raise ManifestRefused(UNREADABLE, f"unreadable signature: {error}") from None
    found = senders(trusted_vkeys, origin)
    if not found:
        raise ManifestRefused(SENDER, f"untrusted signer {origin!r}")
    try:
        verify_note(parsed, found)
    except LedgerError:
        raise ManifestRefused(SIGNATURE, "the manifest's signature fails") from None
    if parsed.text != manifest_text(fmt, origin, serial, manifest):
        raise ManifestRefused(MISMATCH, "the signed note is not this manifest's")
    return found
