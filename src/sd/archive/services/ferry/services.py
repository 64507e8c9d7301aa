"""REST of the ferry (单向摆渡); see the package docstring and docs/deployment.md.

- ``GET @ferry``: ``{"not_sent": n, "bundles": [...sent, with status], "unconfirmed": [...]}``
- ``POST @ferry-export`` ``{"limit": n}`` (optional): 201 with the bundle written, 200 ``{}``
  when nothing waits;
- ``POST @ferry-import``: every bundle of the inbox imported (or refused) with its receipt;
- ``POST @ferry-receipt``: body = the receipt JSON; 422 ``ReceiptRefused`` when its signature
  or its bundle is not this node's.
"""

from __future__ import annotations

from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.ferry import inbox
from sd.archive.ferry import outbox
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import json_object


class FerryGet(ArchiveService):
    def reply(self):
        return {
            "@id": f"{self.context.absolute_url()}/@ferry",
            "not_sent": len(outbox.not_sent()),
            "bundles": outbox.bundles(),
            "unconfirmed": outbox.unconfirmed(),
        }


class FerryExportPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        body = json_object(self.request) if self.request.get("BODY") else {}
        limit = body.get("limit")
        if limit is not None and (type(limit) is not int or limit < 1):
            raise ArchiveError(
                "limit must be a positive integer (数量须为正整数)",
                [Problem("ferry.limit", "a positive integer", str(limit), "limit")],
                400,
                "BadRequest",
            )
        written = outbox.export(limit)
        if written:
            self.request.response.setStatus(201)
        return {"@id": f"{self.context.absolute_url()}/@ferry", **written}


class FerryImportPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        return {"@id": f"{self.context.absolute_url()}/@ferry", "imports": inbox.import_inbox()}


class FerryReceiptPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        return {
            "@id": f"{self.context.absolute_url()}/@ferry",
            "bundle": outbox.apply_receipt(json_object(self.request)),
        }
