"""POST {batch}/@appraisal-carriers ``{"carrier": "A-0001", "note": "…"}``: a person confirms
that an offline carrier holding copies of destroyed records was physically destroyed
(载体实体销毁确认). 200 with the carrier; unknown (422) or confirmed already (409) in the error
shape."""

from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.appraisal import execution
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import json_object


class AppraisalCarriersPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        body = json_object(self.request)
        return execution.confirm_carrier(self.context, body.get("carrier"), body.get("note"))
