"""{fonds}/@appraisal-batches (鉴定批次).

GET: the fonds' batches ``{"items": [summary, …]}`` (those the user may see).
POST ``{"records": [uid, …] | "from_due_list": true, "kind": "agency" | "holdings",
"title", "reason"}``: propose a batch (提出鉴定). 201 with the batch and ``Location``. A
permanent, held, not yet due record or one in another batch refuses the whole proposal (409,
one problem per record); a fonds the user does not serve is 403 — all in the error shape,
nothing made. The endpoint is public in ZCML so that this refusal is in the error shape:
:func:`sd.archive.appraisal.batches.check_serves` checks ``sd.archive: Appraise records`` on
the fonds (and the proposing role) first.
"""

from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.appraisal import batches
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import json_object


class AppraisalBatchesGet(ArchiveService):
    def reply(self):
        batches.check_serves(self.context)
        found = [batches.summary(b) for b in batches.batches_of(self.context) if batches.may_see(b)]
        return {
            "@id": f"{self.context.absolute_url()}/@appraisal-batches",
            "items": found,
            "items_total": len(found),
        }


class AppraisalBatchesPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        body = json_object(self.request)
        batch = batches.propose(
            self.context,
            body.get("records"),
            title=body.get("title") or "",
            reason=body.get("reason"),
            kind=body.get("kind"),
            from_due_list=body.get("from_due_list") is True,
        )
        self.request.response.setStatus(201)
        self.request.response.setHeader("Location", batch.absolute_url())
        return batches.summary(batch)
