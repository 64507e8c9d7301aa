"""POST {request}/@access-decision: approve or refuse the request's current step (审批).

Body: ``{"decision": "approve" | "refuse", "reason": "…", "records": ["<UID or 档号>"]}`` —
a refusal needs a reason; ``records`` lets the archivist name the records of a request that
described them only. Answers 200 with the request; 403 for anyone who does not take this
step (the requester, the three administrators, an archivist at a leader's step…).
"""

from __future__ import annotations

from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.access import requests
from sd.archive.services.access_requests.common import request_json
from sd.archive.services.base import ArchiveService


class AccessDecisionPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        body = self.json_body()
        requests.expire_due()
        requests.decide(self.context, body.get("decision"), body.get("reason"), body.get("records"))
        return request_json(self.context)
