"""POST /@rectification-answer: the agency's records officer answers a notice (答复整改情况).

Body: ``{"notice": "ZG-2026-0001" | "<UID>", "answer": "…", "records": ["<UID or 档号>"]}``.
The endpoint lives on the site and finds the notice whoever asks, so that an answer to
another agency's notice is a 403 in the error shape (``rectification.not-your-notice``), not a
traversal error; an unknown notice is a 404. Nothing is stored when a rule fails.
"""

from __future__ import annotations

from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.rectification import notices
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import problem
from sd.archive.services.rectification_notices.common import notice_json


def notice_from(body: dict):
    """The notice named by the body's ``notice`` (404 in the error shape when there is none)."""
    if api.user.is_anonymous():
        raise problem(401, "Unauthorized", "log in first (请先登录)", "auth.required")
    ref = body.get("notice")
    notice = notices.find_notice(ref)
    if notice is None:
        raise problem(
            404,
            "NotFound",
            f"no rectification notice {str(ref)[:64]!r} (没有这份整改通知)",
            "rectification.unknown-notice",
            prop="notice",
        )
    return notice


class RectificationAnswerPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        body = self.json_body()
        notice = notice_from(body)
        notices.answer(notice, {k: v for k, v in body.items() if k != "notice"})
        return notice_json(notice)
