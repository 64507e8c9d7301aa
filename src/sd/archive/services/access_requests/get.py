"""GET /@access-requests?list=mine|waiting: my requests (我的利用申请) or those waiting for
my decision (待我审批). ``GET {request}/@access-request``: one request with its register."""

from __future__ import annotations

from sd.archive.access import lookup
from sd.archive.services.access_requests.common import request_json
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import problem


class AccessRequestsGet(ArchiveService):
    def reply(self):
        which = self.request.form.get("list", "mine")
        if which not in ("mine", "waiting"):
            raise problem(
                400, "BadRequest", "list must be mine or waiting", "access.list", prop="list"
            )
        if lookup.current_user_id() == "":
            raise problem(401, "Unauthorized", "log in first (请先登录)", "auth.required")
        brains = lookup.mine() if which == "mine" else lookup.waiting_for_me()
        items = [request_json(b.getObject()) for b in brains[:200]]
        return {"items": items, "items_total": len(brains)}


class AccessRequestGet(ArchiveService):
    def reply(self):
        return request_json(self.context, with_register=True)
