"""POST /@rectification-notices: a supervisor issues a notice (下发整改通知).

Body: ``{"fonds": "J001", "title": "…", "text": "…", "deadline": "2026-12-31",
"figures": [{"label": "文号缺号", "value": 3, "link": "…"}], "records": ["<UID or 档号>"]}``.
Answers 201 with the notice and ``Location``; a rule that fails is a 4xx in the error shape
(an unknown agency, a deadline in the past, records of another fonds: 400), nothing stored.
"""

from __future__ import annotations

from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.rectification import notices
from sd.archive.services.base import ArchiveService
from sd.archive.services.rectification_notices.common import notice_json


class RectificationNoticesPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        notice = notices.issue(self.json_body())
        self.request.response.setStatus(201)
        self.request.response.setHeader("Location", notice.absolute_url())
        return notice_json(notice)
