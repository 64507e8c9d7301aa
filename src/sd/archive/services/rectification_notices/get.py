"""GET /@rectification-notices?fonds=J001&state=issued&overdue=1: the notices the caller may
see (a supervisor all, an officer those of their agency), newest first.
GET {notice}/@rectification-notice: one notice with its answer and history."""

from __future__ import annotations

from plone import api

from sd.archive.core.rectification import rules
from sd.archive.rectification import lists
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import problem
from sd.archive.services.rectification_notices.common import notice_json

STATES = (rules.ISSUED, rules.ANSWERED, rules.CLOSED, rules.REOPENED)


class RectificationNoticesGet(ArchiveService):
    def reply(self):
        if api.user.is_anonymous():
            raise problem(401, "Unauthorized", "log in first (请先登录)", "auth.required")
        form = self.request.form
        state = form.get("state") or ""
        if state and state not in STATES:
            raise problem(
                400,
                "BadRequest",
                "state must be one of " + ", ".join(STATES) + " (状态无效)",
                "rectification.state",
                prop="state",
            )
        fonds = form.get("fonds") or ""
        codes = [fonds] if fonds else None
        if form.get("overdue") in ("1", "true"):
            brains = lists.overdue_notices(codes)
            if state:
                brains = [b for b in brains if b.review_state == state]
        else:
            query = {"review_state": state} if state else {}
            if codes:
                query["fonds_code"] = codes
            brains = lists.catalog_notices(**query)
        items = [notice_json(b.getObject()) for b in brains[:200]]
        return {"items": items, "items_total": len(brains)}


class RectificationNoticeGet(ArchiveService):
    def reply(self):
        return notice_json(self.context)
