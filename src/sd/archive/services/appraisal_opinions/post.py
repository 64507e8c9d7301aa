"""POST {batch}/@appraisal-opinions ``{"record": uid | "*", "decision": "destroy" | "keep" |
"permanent", "years": N, "reason": "…"}``: a member of the appraisal group records an opinion
on one record or the whole batch (鉴定意见). 200 with the opinion. Not a member (403), a record
not in the batch (422), a held record (409), a batch past opinions (409), bad input (400): the
error shape, nothing stored."""

from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.appraisal import batches
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import json_object


class AppraisalOpinionsPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        return batches.record_opinion(self.context, json_object(self.request))
