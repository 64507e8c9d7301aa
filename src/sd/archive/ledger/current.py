"""This node's ledger (本节点账本): identity + log + admitted nodes, and what it answers."""

from __future__ import annotations

import threading

from sd.archive.core.ledger.bundle import make_bundle
from sd.archive.core.ledger.checkpoint import open_checkpoint
from sd.archive.core.ledger.cosign import confirmations
from sd.archive.core.ledger.entry import parse_entry
from sd.archive.core.ledger.errors import LedgerError
from sd.archive.core.ledger.errors import refuse
from sd.archive.core.ledger.nodes import AdmittedNode
from sd.archive.ledger import node as nodes
from sd.archive.ledger.store import LedgerLog

_ledgers: dict[str, Ledger] = {}
_guard = threading.Lock()


class Ledger:
    """The log of this node with its identity; reads see committed state only."""

    def __init__(self, identity: nodes.NodeIdentity):
        self.node = identity
        self.log = LedgerLog(identity.database, identity.origin, identity.hash_alg, identity.key)

    @property
    def origin(self) -> str:
        return self.node.origin

    @property
    def vkey(self) -> str:
        return self.node.vkey

    def admitted(self) -> list[AdmittedNode]:
        """Admitted nodes; this node always counts as one of them."""
        admitted = nodes.admitted_nodes()
        if self.origin not in {n.origin for n in admitted}:
            admitted.append(nodes.self_node(self.node))
        return admitted

    def confirmed_by(self, note: str, admitted=None) -> list[str]:
        try:
            return confirmations(note, admitted or self.admitted())
        except LedgerError:
            return []

    def quorum_state(self, note: str) -> dict:
        admitted = self.admitted()
        confirmed = self.confirmed_by(note, admitted)
        needed = nodes.quorum(admitted)
        return {
            "quorum": needed,
            "confirmed_by": confirmed,
            "admitted": len(admitted),
            "confirmed": len(confirmed) >= needed,
        }

    def state(self) -> dict:
        """What ``GET @ledger`` publishes (最新检查点)."""
        with self.log.reading() as conn:
            note = self.log.latest_checkpoint(conn)
            size = self.log.size(conn)
        checkpoint, parsed = open_checkpoint(note, [self.node.key.verifier()])
        cosigners = [s.name for s in parsed.signatures if s.name != self.origin]
        return {
            "origin": self.origin,
            "hash_alg": self.node.hash_alg,
            "vkey": self.vkey,
            "tree_size": size,
            "root": checkpoint.root.hex(),
            "checkpoint": note,
            "cosignatures": cosigners,
            **self.quorum_state(note),
        }

    def is_confirmed(self, note: str) -> bool:
        return self.quorum_state(note)["confirmed"]

    def bundle(self, index: int, paths=None) -> dict:
        """The offline proof bundle of entry ``index`` against the newest confirmed checkpoint
        that holds it (else the latest)."""
        with self.log.reading() as conn:
            found = self.log.entry(conn, index)
            if found is None:
                raise refuse("LEDGER-INDEX", f"no entry {index}", object=str(index))
            entry = parse_entry(found[0])
            note = self.log.best_checkpoint_for(conn, index, self.is_confirmed)
            return make_bundle(entry, self.log.merkle(conn), index, note, paths)

    def trusted_vkeys(self) -> list[str]:
        return [n.vkey for n in self.admitted()]


def current_ledger(site=None) -> Ledger:
    """The ledger of the current site (made, with its key, on first use)."""
    identity = nodes.identity(site)
    key = str(identity.database)
    ledger = _ledgers.get(key)
    if ledger is None or ledger.node is not identity:
        with _guard:
            ledger = _ledgers[key] = Ledger(identity)
    return ledger
