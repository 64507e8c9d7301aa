"""证据保全 (evidence preservation): the Plone side of this node's evidence ledger.

Adapts ``sd.archive.core.ledger``. Everything else logs through :func:`log_event`.
"""

from __future__ import annotations


def log_event(event: str, record=None, *, code: str = "", title: str = "",
              content: dict[str, str] | None = None, metadata_digest: str = "",
              package_digest: str = "", actor: str | None = None) -> dict:
    """Append an entry for ``event`` to this node's ledger, in the current transaction.

    The entry commits together with the record or not at all. Returns the receipt part::

        {"ledger_index": 1042, "leaf_hash": "…", "checkpoint": "…signed note…",
         "inclusion_proof": ["…"], "package_digest": {"SM3": "…"}}

    Placeholder until the ledger issue (#4) lands: returns an empty receipt.
    """
    return {}
