"""Record page viewlet: ledger index, leaf hash, checkpoint and tamper status (存证状态)."""

from __future__ import annotations

from plone.app.layout.viewlets import ViewletBase

from sd.archive.ledger import records
from sd.archive.ledger.current import current_ledger

REHASH_LIMIT = 64 << 20  # files above this are re-hashed by @verify and fixity, not per view


class NotarizationViewlet(ViewletBase):
    def update(self):
        super().update()
        record = self.context
        self.ledger_index = getattr(record, "ledger_index", None)
        self.leaf_hash = getattr(record, "leaf_hash", None)
        self.checkpoint = getattr(record, "checkpoint", None)
        self.status = records.tamper_status(record, current_ledger(), REHASH_LIMIT)
