"""POST /@access-requests: ask for records (提出利用申请).

Body: ``{"purpose": "research", "purpose_text": "…", "records": ["<UID or 档号>", …],
"scope_text": "…", "form": "online" | "download" | "certified", "start": "2026-12-07",
"end": "2026-12-13", "submit": true}``. Answers 201 with the request (its number, state and
approval chain) and ``Location``; a rule that fails is a 400/403 in the error shape.
"""

from __future__ import annotations

from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.access import requests
from sd.archive.services.access_requests.common import request_json
from sd.archive.services.base import ArchiveService


class AccessRequestsPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        request = requests.create_request(self.json_body())
        self.request.response.setStatus(201)
        self.request.response.setHeader("Location", request.absolute_url())
        return request_json(request)
