"""GET {fonds}/@mining-acceptance: ``{"fonds", "rows": [{kind, month, accepted, corrected,
rejected, total, rate}], "totals": {kind: {...}}}``, newest month first."""

from __future__ import annotations

from sd.archive.mining.suggestions import suggest
from sd.archive.services.base import ArchiveService


class AcceptanceGet(ArchiveService):
    def reply(self):
        return suggest.acceptance(self.context)
