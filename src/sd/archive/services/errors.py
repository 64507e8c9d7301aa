"""Domain errors over REST (错误应答): the fallback that turns an ``ArchiveError`` into HTTP.

sd.archive's own services answer their errors themselves (``services/base.py``, the normal
path, which also dooms the transaction). This exception view is for the rest: a domain error
raised anywhere below a service (a deserializer, a workflow subscriber, the
ledger) ends the request with its own status and the structured error shape
(``sd.archive.core.errors``), never a 500; the transaction is aborted by the publisher, so
nothing is half-stored.
"""

from __future__ import annotations

import json

from plone.rest.errors import ErrorHandling
from plone.rest.interfaces import IAPIRequest
from zope.component import adapter

from sd.archive.core.errors import ArchiveError


@adapter(ArchiveError, IAPIRequest)
class ArchiveErrorHandling(ErrorHandling):
    """Renders ``error.as_dict()`` with ``error.status``."""

    def __call__(self):
        error = self.context
        response = self.request.response
        response.setHeader("Content-Type", "application/json")
        response.setStatus(error.status, lock=1)
        response.setBody(json.dumps(error.as_dict(), ensure_ascii=False), lock=1)
        response._has_challenged = True
