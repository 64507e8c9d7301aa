"""POST {batch}/@appraisal-decision ``{"action": "submit" | "approve" | "reject",
"comment": "…"}``: submit the batch for approval once every member's opinion is in (提交审批),
or the leader approves or rejects it (领导审批; a reason is required to reject). Approving
one's own proposal, a non-leader, a step out of order: 403/409 in the error shape, nothing
changed."""

from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.appraisal import batches
from sd.archive.core.appraisal.batch import refuse
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import json_object


class AppraisalDecisionPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        body = json_object(self.request)
        action = body.get("action")
        if action == "submit":
            outcome = batches.submit(self.context)
        elif action in ("approve", "reject"):
            outcome = batches.decide(self.context, action == "approve", body.get("comment") or "")
        else:
            raise refuse(
                400,
                "APPRAISAL-ACTION",
                "action: submit, approve or reject (提交/批准/不予批准)",
                "",
                "action",
            )
        return {**batches.summary(self.context), "outcome": outcome}
