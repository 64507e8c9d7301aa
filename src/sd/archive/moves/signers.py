"""Who signs a repository move and whom an import trusts (整库迁移的签名): this node's ledger
key signs an export; an import accepts the ferry's trusted nodes and the keys the operator
names."""

from __future__ import annotations


def node_ledger(site):
    """This node's ledger (its key signs the export; the records' references point into it)."""
    from sd.archive.ledger.current import current_ledger

    return current_ledger(site)


def trusted_signers(site, trust=()) -> list[str]:
    """The keys an export may be signed with: the ferry's (the nodes admitted to this node's
    ledger and this node's own key) and the keys the operator names (``trust``)."""
    from sd.archive.ferry.outbox import trusted

    return [*trusted(node_ledger(site)), *trust]
