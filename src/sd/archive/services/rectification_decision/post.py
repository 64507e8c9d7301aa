"""POST /@rectification-decision: the supervisor closes (办结) or reopens (重新整改) a notice.

Body: ``{"notice": "ZG-2026-0001" | "<UID>", "decision": "close" | "reopen",
"comment": "…"}`` (a reopening needs the comment). 409 when the notice is not in a state that
allows the decision; nothing stored when a rule fails.
"""

from __future__ import annotations

from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.core.errors import bad_request
from sd.archive.rectification import notices
from sd.archive.services.base import ArchiveService
from sd.archive.services.rectification_answer.post import notice_from
from sd.archive.services.rectification_notices.common import notice_json


class RectificationDecisionPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        body = self.json_body()
        notice = notice_from(body)
        unknown = set(body) - {"notice", "decision", "comment"}
        if unknown:
            raise bad_request(
                "unknown fields (不能填写的字段): " + ", ".join(sorted(unknown)),
                "rectification.field-not-writable",
                ",".join(sorted(unknown)),
            )
        notices.decide(notice, body.get("decision"), body.get("comment"))
        return notice_json(notice)
