"""Witness cosigning (见证联署) of other nodes' checkpoints and the quorum rule (法定数).

A node cosigns a peer's checkpoint only when
1. the origin is an admitted node other than itself,
2. the peer's own signature on the checkpoint verifies,
3. the tree did not shrink since the last checkpoint this node cosigned for that origin, and
4. a consistency proof shows the new tree extends that last one (same size: same root).
A peer that truncates its log and re-appends different history fails 3 or 4 and is refused.

Cosignatures follow C2SP tlog-cosignature v1: the signed message is
``cosignature/v1\\ntime <t>\\n`` followed by the whole checkpoint body, and the signature is
``8-byte big-endian t || signature`` (Ed25519: 64 bytes; SM2: DER, private type).
"""

from __future__ import annotations

import time as _time
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass

from sd.archive.core.ledger.checkpoint import COSIGNATURE_HEADER
from sd.archive.core.ledger.checkpoint import Checkpoint
from sd.archive.core.ledger.checkpoint import open_checkpoint
from sd.archive.core.ledger.checkpoint import parse_checkpoint
from sd.archive.core.ledger.errors import LedgerError
from sd.archive.core.ledger.errors import refuse
from sd.archive.core.ledger.keys import NodeKey
from sd.archive.core.ledger.merkle import verify_consistency
from sd.archive.core.ledger.nodes import AdmittedNode
from sd.archive.core.ledger.nodes import majority
from sd.archive.core.ledger.notes import Note
from sd.archive.core.ledger.notes import NoteSignature
from sd.archive.core.ledger.notes import parse_note
from sd.archive.core.ledger.vkeys import Verifier

MAX_TIMESTAMP = (1 << 63) - 1


def cosignature_message(body: str, timestamp: int) -> bytes:
    """The tlog-cosignature v1 signed message over a checkpoint body."""
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise refuse("LEDGER-COSIGN-TIME", "cosignature timestamp out of range")
    return f"{COSIGNATURE_HEADER}\ntime {timestamp}\n{body}".encode()


def cosign_body(body: str, key: NodeKey, timestamp: int | None = None) -> NoteSignature:
    """A cosignature line of ``key`` over a checkpoint body, at ``timestamp`` (default now)."""
    timestamp = int(_time.time()) if timestamp is None else timestamp
    verifier = key.verifier(cosigner=True)
    signature = key.sign(cosignature_message(body, timestamp))
    return NoteSignature(key.name, verifier.key_id, timestamp.to_bytes(8, "big") + signature)


def cosignature_time(note: Note, cosigner: Verifier) -> int | None:
    """The timestamp of ``cosigner``'s valid cosignature on ``note``; None if it has none.

    Raises ``LedgerError`` when the cosigner's line is present but does not verify.
    """
    for signature in note.signatures:
        if signature.made_by(cosigner):
            raw = signature.signature
            timestamp = int.from_bytes(raw[:8], "big") if len(raw) > 8 else -1
            if (
                timestamp < 0
                or timestamp > MAX_TIMESTAMP
                or not cosigner.verify(cosignature_message(note.text, timestamp), raw[8:])
            ):
                raise refuse(
                    "LEDGER-COSIGN-BADSIG",
                    "a cosignature of a known node does not verify",
                    object=cosigner.name,
                )
            return timestamp
    return None


@dataclass(frozen=True)
class Cosigned:
    """The result of witnessing: the checkpoint to remember for its origin, the new line."""

    checkpoint: Checkpoint
    signature: NoteSignature
    note: Note

    @property
    def line(self) -> str:
        return self.signature.line()


def witness(
    note: str | bytes | Note,
    *,
    key: NodeKey,
    peers: Iterable[AdmittedNode],
    last: Checkpoint | None,
    proof: Sequence[bytes] = (),
    timestamp: int | None = None,
) -> Cosigned:
    """Check a peer's signed checkpoint and cosign it (见证并联署), or refuse.

    ``last`` is the checkpoint this node last cosigned for that origin (None the first time);
    ``proof`` the consistency proof from ``last.size`` to the new size. The caller stores
    ``result.checkpoint`` as the new ``last`` in the same transaction that returns the line.
    """
    if not isinstance(note, Note):
        note = parse_note(note)
    peers_by_origin = {peer.origin: peer for peer in peers}
    origin = parse_checkpoint(note.text).origin
    peer = peers_by_origin.get(origin)
    if peer is None:
        raise refuse(
            "LEDGER-ORIGIN-UNKNOWN", "the checkpoint origin is not an admitted node", object=origin
        )
    if origin == key.name:
        raise refuse("LEDGER-COSIGN-SELF", "a node does not witness its own log", object=origin)
    checkpoint, note = open_checkpoint(note, [peer.verifier])
    if last is not None:
        if last.origin != origin:
            raise refuse(
                "LEDGER-COSIGN-STATE", "the last checkpoint is of another origin", object=origin
            )
        if checkpoint.size < last.size:
            raise refuse(
                "LEDGER-COSIGN-ROLLBACK",
                f"tree size went back from {last.size} to {checkpoint.size}",
                object=origin,
            )
        if not verify_consistency(
            last.size, checkpoint.size, last.root, checkpoint.root, list(proof), peer.hash_alg
        ):
            raise refuse(
                "LEDGER-COSIGN-INCONSISTENT",
                f"no valid consistency proof from size {last.size} to {checkpoint.size}",
                object=origin,
            )
    signature = cosign_body(note.text, key, timestamp)
    return Cosigned(checkpoint, signature, note.with_signature(signature))


# -- quorum -----------------------------------------------------------------------------------


def confirmations(note: str | bytes | Note, admitted: Iterable[AdmittedNode]) -> list[str]:
    """The admitted nodes vouching for a checkpoint: its log (by its own signature) and
    every admitted node with a valid cosignature. Raises when the log's signature is missing
    or bad, or when a known node's cosignature does not verify (the whole note is rejected).
    """
    if not isinstance(note, Note):
        note = parse_note(note)
    nodes = list(admitted)
    checkpoint, note = open_checkpoint(note, [node.verifier for node in nodes])
    names = [checkpoint.origin]
    for node in nodes:
        if node.origin != checkpoint.origin and cosignature_time(note, node.cosigner) is not None:
            names.append(node.origin)
    return names


def is_confirmed(
    note: str | bytes | Note, admitted: Iterable[AdmittedNode], quorum: int | None = None
) -> bool:
    """True when a quorum (default: a majority of ``admitted``) vouches for the checkpoint."""
    nodes = list(admitted)
    needed = majority(len(nodes)) if quorum is None else quorum
    try:
        return len(confirmations(note, nodes)) >= needed
    except LedgerError:
        return False
