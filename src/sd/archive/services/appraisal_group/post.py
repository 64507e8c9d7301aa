"""{fonds}/@appraisal-group (鉴定小组).

GET: ``{"agency": [user ids], "holdings": [user ids]}``. POST ``{"kind": "agency" |
"holdings", "members": [user id, …]}``: at least two distinct users (422 else); the records
officer sets the agency's group, the archivist the holdings' (403 in the error shape for
anyone else, checked in :func:`sd.archive.appraisal.batches.set_group`).
"""

from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.appraisal import batches
from sd.archive.core.appraisal.batch import Kind
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import json_object


def groups(fonds) -> dict:
    return {
        "@id": f"{fonds.absolute_url()}/@appraisal-group",
        **{kind.value: list(batches.group(fonds, kind)) for kind in Kind},
    }


class AppraisalGroupGet(ArchiveService):
    def reply(self):
        batches.check_serves(self.context)
        return groups(self.context)


class AppraisalGroupPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        body = json_object(self.request)
        batches.set_group(self.context, body.get("kind"), body.get("members"))
        return groups(self.context)
