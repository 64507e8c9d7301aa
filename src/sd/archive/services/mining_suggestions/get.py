"""GET {record}/@mining-suggestions: ``{"arrangement": {...}, "keywords": {...}, "answers":
{...}}`` — the arrangement suggestion (only for a record waiting for review; ``ok: false`` with
the reason otherwise or when there is none), the keyword suggestions and the answers given."""

from __future__ import annotations

from sd.archive.mining.suggestions import suggest
from sd.archive.services.base import ArchiveService


def state(record) -> dict:
    if suggest._is_pending(record):
        arrangement = suggest.arrangement_for(record)
    else:
        arrangement = {"ok": False, "reason": "not-pending", "detail": ""}
    return {
        "@id": f"{record.absolute_url()}/@mining-suggestions",
        "arrangement": arrangement,
        "keywords": suggest.keywords_for(record),
        "answers": {k: dict(v) for k, v in suggest._decisions(record).items()},
    }


class SuggestionsGet(ArchiveService):
    def reply(self):
        return state(self.context)
