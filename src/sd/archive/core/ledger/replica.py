"""Replicas of the logs a node cosigns (见证副本).

Each node keeps a copy of every block it confirmed. A witness that holds a replica of a
peer's log appends the peer's new entries only when they reproduce the root of the peer's
checkpoint; otherwise nothing is written. The new nodes are first computed in an overlay
over the replica's store and copied in only on success.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import MutableMapping
from collections.abc import Sequence

from sd.archive.core.ledger.checkpoint import Checkpoint
from sd.archive.core.ledger.errors import refuse
from sd.archive.core.ledger.merkle import MerkleLog


class _Overlay(MutableMapping):
    """Writes go to a dict; reads fall through to the base store."""

    def __init__(self, base: MutableMapping):
        self.base, self.written = base, {}

    def __getitem__(self, key):
        return self.written[key] if key in self.written else self.base[key]

    def __setitem__(self, key, value):
        self.written[key] = value

    def __delitem__(self, key):
        raise TypeError("nodes are never deleted")

    def __contains__(self, key):
        return key in self.written or key in self.base

    def __iter__(self) -> Iterator:
        yield from self.written
        yield from (k for k in self.base if k not in self.written)

    def __len__(self) -> int:
        return len(self.written) + len(self.base)


def replicate(replica: MerkleLog, entries: Sequence[bytes], checkpoint: Checkpoint) -> MerkleLog:
    """Append ``entries`` (the peer's entries after ``replica.size``) when they give ``checkpoint``.

    Returns a ``MerkleLog`` over the same store, now at ``checkpoint.size``; raises
    ``LedgerError`` and writes nothing when the entries do not match the checkpoint.
    """
    if replica.size + len(entries) != checkpoint.size:
        raise refuse(
            "LEDGER-REPLICA-SIZE",
            f"replica at {replica.size} plus {len(entries)} entries is not size {checkpoint.size}",
            object=checkpoint.origin,
        )
    scratch = MerkleLog(_Overlay(replica.store), replica.algorithm, size=replica.size)
    scratch.extend(entries)
    if scratch.root() != checkpoint.root:
        raise refuse(
            "LEDGER-REPLICA-ROOT",
            "the entries do not reproduce the checkpoint root",
            object=checkpoint.origin,
        )
    replica.store.update(scratch.store.written)
    return MerkleLog(replica.store, replica.algorithm, size=checkpoint.size)
