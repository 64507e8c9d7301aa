"""GET /{site}/@archive-search: records by fields and full text, with facets and highlights.

Parameters are those of :func:`sd.archive.search.engine.criteria_from` (documented in the
OpenAPI document, ``services/intake/openapi.yaml``); what a row shows is
:func:`sd.archive.search.results.row`. Bad input answers 400 in the one error shape.
"""

from __future__ import annotations

from plone.rest.interfaces import IAPIRequest
from Products.ZCTextIndex.ParseTree import ParseError
from zope.component import adapter

from sd.archive.core.errors import Problem
from sd.archive.core.search.query import SearchQueryError
from sd.archive.search import engine
from sd.archive.search.results import rows
from sd.archive.services.base import ArchiveService
from sd.archive.services.errors import ArchiveErrorHandling


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


@adapter(ParseError, IAPIRequest)
class QueryParseErrorHandling(ArchiveErrorHandling):
    """plone.restapi's ``@search`` hands ``SearchableText`` to the index's own query parser,
    which refuses ``财务 AND`` or a lone ``NOT``: a 400 in the one error shape, not a 500."""

    def __init__(self, context, request):
        error = SearchQueryError(
            f"the full-text query cannot be read: {context}",
            [Problem("SEARCH-QUERY-SYNTAX", str(context), "SearchableText")],
        )
        super().__init__(error, request)
