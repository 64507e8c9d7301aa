"""``@openreview-batches``: open-access review batches (开放审核批次).

- ``GET /@openreview-batches``: the batches of the fonds the caller reviews;
- ``GET /@openreview-batches/{id}``: one batch with its groups, records, decisions and hints;
- ``GET /@openreview-batches/{id}/catalogue.xlsx`` (``.pdf``): the open catalogue (开放档案目录)
  of an approved batch;
- ``POST /@openreview-batches`` ``{"fonds": "J001" | uid, "until": "YYYY-MM-DD", "title",
  "limit"}``: propose (201);
- ``POST /@openreview-batches/{id}/decide`` ``{"decisions": [{"uid", "decision", "reason",
  "next_review", "redaction"}]}`` or in bulk ``{"uids": [...] | "all", "decision", …}``;
- ``POST …/{id}/check`` ``{"note"}`` (复核), ``…/{id}/agency-opinion`` ``{"opinion",
  "agree"}``, ``…/{id}/approve`` (审批: the decisions take effect).

``POST {fonds}/@openreview-agency`` ``{"required": true}``: the fonds asks for the forming
agency's opinion. Refusals are 4xx in the error shape; nothing changes.
"""

from __future__ import annotations

import datetime
import io

import transaction
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.core.openreview import catalogue
from sd.archive.openreview import approval
from sd.archive.openreview import batches
from sd.archive.openreview import decisions
from sd.archive.openreview import proposal
from sd.archive.openreview import summaries
from sd.archive.openreview.hints import hints_for
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import TraversingService
from sd.archive.services.base import json_object
from sd.archive.services.base import problem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ITEMS_SHOWN = 2000


class _Traversing(TraversingService):
    def batch(self):
        return batches.get_batch(self.params[0])

    def url(self, batch) -> str:
        return f"{api.portal.get().absolute_url()}/@openreview-batches/{batch.id}"


def find_fonds(ref):
    catalog = api.portal.get_tool("portal_catalog")
    if not isinstance(ref, str) or not ref.strip() or len(ref) > 100:
        return None
    brains = catalog.unrestrictedSearchResults(portal_type="Fonds", UID=ref.strip())
    if not brains:
        brains = [
            b
            for b in catalog.unrestrictedSearchResults(portal_type="Fonds")
            if getattr(b._unrestrictedGetObject(), "fonds_code", None) == ref.strip()
        ]
    return brains[0]._unrestrictedGetObject() if brains else None


def export(batch, kind: str) -> bytes:
    if batch.state != batches.rules.RELEASED:
        raise problem(
            409,
            "Conflict",
            "the open catalogue exists once the batch is approved (批次批准后才有开放档案目录)",
            "OPENREVIEW-STATE",
            obj=batch.id,
        )
    from sd.archive.core.catalogues.layout import fonds_line

    opened = (batch.approval or {}).get("at", "")[:10]
    out = io.BytesIO()
    writer = catalogue.write_xlsx if kind == "xlsx" else catalogue.write_pdf
    writer(
        summaries.opened_rows(batch),
        out,
        batch.id,
        fonds_line(batch.fonds_code, batch.fonds_title),
        opened,
    )
    return out.getvalue()


class BatchesGet(_Traversing):
    def render(self):
        if len(self.params) == 2 and self.params[1] in ("catalogue.xlsx", "catalogue.pdf"):
            try:
                batch = self.batch()
                batches.require(batches.fonds_of_batch(batch))
                kind = self.params[1].rsplit(".", 1)[1]
                data = export(batch, kind)
            except batches.ArchiveError:
                return super().render()  # the error shape, through reply
            response = self.request.response
            response.setHeader("Content-Type", XLSX if kind == "xlsx" else "application/pdf")
            response.setHeader(
                "Content-Disposition", f'attachment; filename="{batch.id}-open-catalogue.{kind}"'
            )
            return data
        return super().render()

    def reply(self):
        if api.user.is_anonymous():
            raise batches.refuse(401, "auth.required", "log in first (请先登录)")
        if not self.params:
            found = batches.visible_batches()
            return {
                "@id": f"{api.portal.get().absolute_url()}/@openreview-batches",
                "items": [{"@id": self.url(b), **summaries.summary(b)} for b in found],
                "items_total": len(found),
            }
        batch = self.batch()
        batches.require(batches.fonds_of_batch(batch))
        if len(self.params) == 2:
            export(batch, self.params[1].rsplit(".", 1)[-1])  # raises the reason
            raise problem(404, "NotFound", "no such part of a batch", "OPENREVIEW-PATH")
        body = {"@id": self.url(batch), **summaries.summary(batch)}
        items = []
        for n, uid in enumerate(batch.items.keys()):
            if n >= MAX_ITEMS_SHOWN:
                break
            item = summaries.item_view(batch, uid)
            record = batches.record_at(batch, uid) if batch.state == "deciding" else None
            item["hints"] = hints_for(record) if record is not None else []
            items.append(item)
        body["items"] = items
        return body


def _date(value, prop: str):
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise problem(
            400, "BadRequest", "a date is YYYY-MM-DD (日期格式有误)", "OPENREVIEW-DATE", prop=prop
        ) from None


class BatchesPost(_Traversing):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        body = json_object(self.request)
        if not self.params:
            fonds = find_fonds(body.get("fonds"))
            if fonds is None:
                raise problem(
                    404, "NotFound", "no such fonds (无此全宗)", "OPENREVIEW-FONDS", prop="fonds"
                )
            limit = body.get("limit") or 0
            if not isinstance(limit, int) or limit < 0:
                raise problem(400, "BadRequest", "limit ≥ 0", "OPENREVIEW-BODY", prop="limit")
            batch = proposal.propose(
                fonds, _date(body.get("until"), "until"), str(body.get("title") or "")[:200], limit
            )
            self.request.response.setStatus(201)
            self.request.response.setHeader("Location", self.url(batch))
            return {"@id": self.url(batch), **summaries.summary(batch)}
        batch = self.batch()
        action = self.params[1] if len(self.params) == 2 else ""
        if action == "decide":
            recorded = decisions.decide(batch, body)
            return {"@id": self.url(batch), "recorded": recorded, **summaries.summary(batch)}
        if action == "check":
            decisions.check(batch, body.get("note") or "")
        elif action == "agency-opinion":
            decisions.agency_opinion(batch, body.get("opinion"), bool(body.get("agree")))
        elif action == "approve":
            approval.approve(batch, commit=transaction.commit)  # a chunk per commit
        else:
            raise problem(
                404,
                "NotFound",
                "the step is one of decide, check, agency-opinion, approve",
                "OPENREVIEW-PATH",
            )
        return {"@id": self.url(batch), **summaries.summary(batch)}


class AgencyFlagPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        body = json_object(self.request)
        if not isinstance(body.get("required"), bool):
            raise problem(
                400, "BadRequest", "required is true or false", "OPENREVIEW-BODY", prop="required"
            )
        decisions.set_agency_flag(self.context, body["required"])
        return {"fonds": self.context.getId(), "agency_opinion_required": body["required"]}
