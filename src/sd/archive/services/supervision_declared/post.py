"""POST @declared-counts: a business system reports what it produced in a period (业务系统申报数).

Body ``{"fonds": "J001", "kind": "documents_issued" | "cases_closed", "period_start":
"2023-01-01", "period_end": "2023-12-31", "count": 120}``. Answers 201 with the stored
declaration and the records archived from that period so far. A fonds the caller does not
serve is a 403, a negative or non-numeric count or a backwards period a 422, in the error
shape; nothing is stored then.
"""

from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.services.base import ArchiveService
from sd.archive.services.base import json_object
from sd.archive.supervision import declared


class DeclaredCountsPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        entry = declared.report(json_object(self.request))
        self.request.response.setStatus(201)
        return {"@id": f"{self.context.absolute_url()}/@declared-counts", **entry}
