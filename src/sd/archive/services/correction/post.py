"""POST {record}/@correct (著录更正) and {record}/@correct-code (档号更正).

``@correct``: ``{"changes": {"title": "…", "document_date": "2023-05-01"}, "reason": "…"}``;
``@correct-code``: ``{"category": "WS", "year": 2023, "retention": "D30", "org_code": "BGS",
"reason": "…"}`` (any of the parts). Both answer 200 with the log entry, which names the ledger
entry that states the change; a refusal answers with the error shape and stores nothing.
"""

from __future__ import annotations

from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.core.errors import ArchiveError
from sd.archive.corrections import correct_description
from sd.archive.numbering import correct_code
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import json_object


class _CorrectionService(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        if not api.user.has_permission("View", obj=self.context):
            # a global role never reaches into another agency's records room
            raise ArchiveError("you may not see this record (无权查看该档案)", [], 403, "Forbidden")
        entry = self.correct(json_object(self.request))
        return {
            "@id": self.context.absolute_url(),
            "entry": entry,
            "archival_code": getattr(self.context, "archival_code", None),
        }


class CorrectionPost(_CorrectionService):
    def correct(self, body):
        return correct_description(self.context, body.get("changes"), body.get("reason"))


class CodeCorrectionPost(_CorrectionService):
    def correct(self, body):
        parts = {k: v for k, v in body.items() if k != "reason"}
        return correct_code(self.context, body.get("reason"), **parts)
