"""GET /{site}/@archive-search: records by fields and full text, with facets and highlights.

Parameters are those of :func:`sd.archive.search.engine.criteria_from` (documented in the
OpenAPI document, ``services/intake/openapi.yaml``); what a row shows is
:func:`sd.archive.search.results.row`. Bad input answers 400 in the one error shape.
"""

from __future__ import annotations

from sd.archive.search import engine
from sd.archive.search.results import rows
from sd.archive.services.base import ArchiveService


class ArchiveSearchGet(ArchiveService):
    """档案检索 (REST)."""

    def reply(self):
        outcome = engine.run(self.request.form)
        c = outcome.criteria
        base = f"{self.context.absolute_url()}/@archive-search"
        return {
            "@id": base,
            "items_total": outcome.total,
            "b_start": c.b_start,
            "b_size": c.b_size,
            "sort_on": c.sort_on,
            "items": rows(outcome, self.request),
            "facets": {
                name: [{"value": value, "count": n} for value, n in counts]
                for name, counts in outcome.facets.items()
            },
            "query": {"text": c.text.index_query, "title": c.title.index_query},
        }
