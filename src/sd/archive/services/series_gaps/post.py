"""POST {fonds}/@series-gaps: record why numbers of a series are missing (登记断号原因).

Body ``{"series": "J001-WS·2018-D30-BGS", "numbers": [3, 4], "reason": "void" | "withdrawn" |
"kept", "note": "…"}`` (作废 / 撤回 / 本单位留存). Answers 201 with the entries recorded; a
reason for a number that is not a gap, an unknown series or reason, or no note is a 422 in
the error shape and records nothing. Each declaration is in the audit trail.
"""

from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.services.base import ArchiveService
from sd.archive.services.base import json_object
from sd.archive.transfer import continuity


class SeriesGapsPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        body = json_object(self.request)
        numbers = body.get("numbers")
        if not isinstance(numbers, list):
            numbers = [numbers] if numbers is not None else []
        entries = continuity.declare(
            self.context, body.get("series"), numbers, body.get("reason"), body.get("note")
        )
        self.request.response.setStatus(201)
        return {"@id": f"{self.context.absolute_url()}/@series-gaps", "declared": entries}
