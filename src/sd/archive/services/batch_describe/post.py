"""POST {fonds}/@batch-describe (批量著录).

``{"uids": [...], "field": "author", "value": "办公室", "reason": "…", "preview": true}``:
with ``preview`` (the default) 200 and the rows (old → new, ``edit`` / ``correct`` /
``unchanged`` / ``refused``) and the problems, nothing written; with ``"preview": false`` 200
and what was applied, or a 422 in the error shape naming each refused record and rule, and
nothing stored (the base dooms the transaction)."""

from __future__ import annotations

from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.catalogues.batch import BatchDescription
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import json_object


class BatchDescribePost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        body = json_object(self.request)
        batch = BatchDescription.from_body(self.context, body)
        if body.get("preview", True) is not False:
            rows = batch.preview()
            return {
                "preview": True,
                "records": rows,
                "errors": [p.as_dict() for p in batch.problems],
            }
        return {"preview": False, **batch.apply()}
