"""GET {record}/@export: the record's files with its evidence certificate (利用输出)."""

from __future__ import annotations

import json

from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides
from zope.interface import implementer
from ZPublisher.Iterators import IUnboundStreamIterator

from sd.archive.core.errors import ArchiveError
from sd.archive.ledger import log_event
from sd.archive.ledger.export import export_record
from sd.archive.services.base import ArchiveService
from sd.archive.services.ledger.common import error_body

CHUNK = 1 << 16


class ExportGet(ArchiveService):
    """A ZIP: files, ``proof.json`` (bundle), ``nodes.vkey``, ``certificate.pdf|png``."""

    def render(self):
        try:
            stream = export_record(self.context)
        except ArchiveError as error:
            return self._json(error_body(self, error))
        # leaving the system (脱链) is itself evidence: log an 'export' entry (a write on GET)
        alsoProvides(self.request, IDisableCSRFProtection)
        log_event(
            "export",
            self.context,
            code=getattr(self.context, "archival_code", "") or "",
            title=self.context.Title(),
        )
        response = self.request.response
        response.setHeader("Content-Type", "application/zip")
        name = (self.context.getId() or "record") + "-evidence.zip"
        response.setHeader("Content-Disposition", f'attachment; filename="{name}"')
        return _iterate(stream)

    def _json(self, body):
        self.request.response.setHeader("Content-Type", "application/json")
        return json.dumps(body, ensure_ascii=False)

    def reply(self):  # pragma: no cover - render() answers
        return None


@implementer(IUnboundStreamIterator)
class _iterate:
    """A response body iterator over the temporary ZIP (closed when exhausted)."""

    def __init__(self, stream):
        self.stream = stream

    def __iter__(self):
        return self

    def __next__(self):
        data = self.stream.read(CHUNK)
        if not data:
            self.stream.close()
            raise StopIteration
        return data
