"""Admitted nodes (准入节点): the deployments whose checkpoints and cosignatures count.

The control panel keeps this list (origin, public key, URL, role, hash algorithm of its log);
adding or removing a node is itself a ledger event (``node-admit`` / ``node-remove``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sd.archive.core.ledger.errors import refuse
from sd.archive.core.ledger.hashing import DEFAULT_ALGORITHM
from sd.archive.core.ledger.hashing import check_algorithm
from sd.archive.core.ledger.vkeys import Verifier


@dataclass(frozen=True)
class AdmittedNode:
    """One admitted node: its origin (日志标识), vkey, log hash algorithm, URL and role."""

    origin: str
    vkey: str
    hash_alg: str = DEFAULT_ALGORITHM
    url: str = ""
    role: str = ""

    def __post_init__(self):
        check_algorithm(self.hash_alg)
        verifier = Verifier.from_vkey(self.vkey)
        if verifier.name != self.origin:
            raise refuse(
                "LEDGER-NODE-NAME", "the vkey name must be the node origin", object=self.origin
            )

    @property
    def verifier(self) -> Verifier:
        """Checks the node's own checkpoint signatures."""
        return Verifier.from_vkey(self.vkey).as_note_signer()

    @property
    def cosigner(self) -> Verifier:
        """Checks the node's cosignatures on other logs' checkpoints."""
        return Verifier.from_vkey(self.vkey).as_cosigner()


def by_origin(nodes: Iterable[AdmittedNode]) -> dict[str, AdmittedNode]:
    """Index nodes by origin, refusing duplicates."""
    index: dict[str, AdmittedNode] = {}
    for node in nodes:
        if node.origin in index:
            raise refuse("LEDGER-NODE-DUPLICATE", "a node is admitted twice", object=node.origin)
        index[node.origin] = node
    return index


def majority(count: int) -> int:
    """The default quorum (默认法定数): more than half of the admitted nodes."""
    return count // 2 + 1
