"""POST {fonds}/@number-gaps: the records officer records why 文号 are missing (登记发文断号).

Body ``{"series": "鲁某发〔2023〕", "numbers": [3], "reason": "void" | "withdrawn" | "kept",
"note": "…"}`` — the same shape as ``@series-gaps`` for 件号. 201 with the entries; a number
that is not missing, an unknown series or reason, or no note is a 422 and records nothing.
"""

from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.services.base import ArchiveService
from sd.archive.services.base import json_object
from sd.archive.supervision import numbers


class NumberGapsPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        body = json_object(self.request)
        wanted = body.get("numbers")
        if not isinstance(wanted, list):
            wanted = [wanted] if wanted is not None else []
        entries = numbers.declare(
            self.context, body.get("series"), wanted, body.get("reason"), body.get("note")
        )
        self.request.response.setStatus(201)
        return {"@id": f"{self.context.absolute_url()}/@number-gaps", "declared": entries}
