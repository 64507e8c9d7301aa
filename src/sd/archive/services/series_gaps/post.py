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


def declare_from(service, declare, name: str) -> dict:
    """Read ``{series, numbers, reason, note}`` and record it with ``declare`` (the 件号 and the
    文号 registers, ``@series-gaps`` and ``@number-gaps``): 201 with the entries."""
    alsoProvides(service.request, IDisableCSRFProtection)
    body = json_object(service.request)
    numbers = body.get("numbers")
    if not isinstance(numbers, list):
        numbers = [numbers] if numbers is not None else []
    entries = declare(
        service.context, body.get("series"), numbers, body.get("reason"), body.get("note")
    )
    service.request.response.setStatus(201)
    return {"@id": f"{service.context.absolute_url()}/{name}", "declared": entries}


class SeriesGapsPost(ArchiveService):
    def reply(self):
        return declare_from(self, continuity.declare, "@series-gaps")
