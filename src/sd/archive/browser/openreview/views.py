"""Pages of the open-access review (开放审核).

- ``@@openreview``: the batches of the fonds the reviewer serves and the proposal form;
- ``@@openreview-batch?id=KF-…``: one batch — groups by year and category, the records with
  their closure end, the sensitive-content hints ("reasons to look closer", from the
  registered finder, ``openreview.hints``), the decision per record or in bulk, the second
  review, the forming agency's opinion, the approval, and the open catalogue (XLSX/PDF).

Every form posts to the page itself with the authenticator; a refusal is shown in words with
its status (4xx), nothing changed; times in Beijing.
"""

from __future__ import annotations

import datetime

import transaction
from plone import api
from zExceptions import Unauthorized

from sd.archive.browser.steps import StepPage
from sd.archive.core.errors import ArchiveError
from sd.archive.core.openreview import rules
from sd.archive.openreview import approval
from sd.archive.openreview import batches
from sd.archive.openreview import decisions
from sd.archive.openreview import proposal
from sd.archive.openreview import summaries
from sd.archive.openreview.hints import hints_for

#: rows shown on one page (a yearly batch may hold thousands; bulk decisions take "all")
PAGE_ROWS = 500
DECISIONS = [(k, rules.DECISION_ZH[k]) for k in rules.DECISIONS]
STEP_ZH = {
    "proposed": "提出",
    "decided": "审核",
    "checked": "复核",
    "agency-opinion": "形成单位意见",
    "approved": "批准开放",
}
HINT_KINDS = {
    "id_number": "身份证号",
    "phone": "固定电话",
    "mobile": "手机号码",
    "address": "住址",
    "secret_marking": "密级标志",
    "person": "个人信息",
}


def _pages(text: str) -> list[int] | str:
    """ "1, 3-4" → [1, 3, 4]; the text itself when it is not page numbers (the rule refuses)."""
    pages = []
    for part in (text or "").replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        low, _, high = part.partition("-")
        if not low.strip().isdigit() or (high and not high.strip().isdigit()):
            return text
        pages.extend(range(int(low), int(high or low) + 1))
    return pages


class _Page(StepPage):
    problems_shown = 8
    problem_objects = True

    def check_user(self):
        if api.user.is_anonymous():
            raise Unauthorized("log in to review open access")

    def batch_url(self, batch_id: str) -> str:
        return f"{api.portal.get().absolute_url()}/@@openreview-batch?id={batch_id}"


class OpenReviewView(_Page):
    """@@openreview: batches and the proposal form."""

    def __call__(self):
        self.check_user()
        form = self.request.form
        if self.request.method == "POST" and "form.propose" in form:
            made = []

            def propose():
                from sd.archive.services.openreview_batches.service import find_fonds

                fonds = find_fonds(form.get("fonds") or "")
                if fonds is None:
                    raise batches.refuse(404, "OPENREVIEW-FONDS", "no such fonds (无此全宗)")
                until = None
                if form.get("until"):
                    try:
                        until = datetime.date.fromisoformat(form["until"])
                    except ValueError:
                        raise batches.refuse(
                            400, "OPENREVIEW-DATE", "a date is YYYY-MM-DD (日期格式有误)"
                        ) from None
                made.append(proposal.propose(fonds, until, form.get("title") or ""))

            if self.run(propose, "proposed") and made:
                return self.request.response.redirect(self.batch_url(made[0].id))
        return self.index()

    def fonds_choices(self):
        catalog = api.portal.get_tool("portal_catalog")
        found = []
        for brain in catalog.unrestrictedSearchResults(portal_type="Fonds", sort_on="id"):
            fonds = brain._unrestrictedGetObject()
            if batches.serves(fonds):
                found.append({"code": getattr(fonds, "fonds_code", ""), "title": fonds.Title()})
        return found

    def rows(self):
        out = []
        for batch in batches.visible_batches():
            summary = summaries.summary(batch)
            summary["url"] = self.batch_url(batch.id)
            summary["created_text"] = self.time(summary["created"])
            out.append(summary)
        return out

    def today(self) -> str:
        from sd.archive.retention import today

        return today().isoformat()


class OpenReviewBatchView(_Page):
    """@@openreview-batch?id=…"""

    def __call__(self):
        self.check_user()
        self.batch = None
        try:
            self.batch = batches.get_batch(self.request.form.get("id") or "")
            batches.require(batches.fonds_of_batch(self.batch))
        except ArchiveError as error:
            self.request.response.setStatus(error.status)
            self.error = error.problems[0].message if error.problems else error.message
            self.batch = None
            return self.index()
        if self.request.method == "POST":
            self.handle(self.request.form)
        return self.index()

    def handle(self, form):
        batch = self.batch
        if "form.bulk" in form:
            uids = form.get("uids") or []
            uids = [uids] if isinstance(uids, str) else list(uids)
            if form.get("scope") == "all":
                uids = "all"
            body = {
                "uids": uids,
                "decision": form.get("decision"),
                "reason": form.get("reason") or "",
                "next_review": form.get("next_review") or None,
            }
            if form.get("decision") == rules.REDACTED:
                body["redaction"] = {"pages": _pages(form.get("pages") or "")}
            self.run(lambda: decisions.decide(batch, body), "decided")
        elif "form.one" in form:
            uid = form.get("uid")
            body = {
                "decisions": [
                    {
                        "uid": uid,
                        "decision": form.get("decision"),
                        "reason": form.get("reason") or "",
                        "next_review": form.get("next_review") or None,
                        **(
                            {"redaction": {"pages": _pages(form.get("pages") or "")}}
                            if form.get("decision") == rules.REDACTED
                            else {}
                        ),
                    }
                ]
            }
            self.run(lambda: decisions.decide(batch, body), "decided")
        elif "form.check" in form:
            self.run(lambda: decisions.check(batch, form.get("note") or ""), "checked")
        elif "form.agency" in form:
            self.run(
                lambda: decisions.agency_opinion(
                    batch, form.get("opinion"), form.get("agree") == "yes"
                ),
                "agency opinion recorded",
            )
        elif "form.approve" in form:
            self.run(lambda: approval.approve(batch, commit=transaction.commit), "approved")

    def summary(self):
        summary = summaries.summary(self.batch)
        for entry in summary["log"]:
            entry["time_text"] = self.time(entry["time"])
            entry["step"] = STEP_ZH.get(entry["action"], entry["action"])
        return summary

    def deciding(self) -> bool:
        return self.batch is not None and self.batch.state == rules.DECIDING

    def releasing(self) -> bool:
        return self.batch is not None and self.batch.state == rules.RELEASING

    def released(self) -> bool:
        return self.batch is not None and self.batch.state == rules.RELEASED

    def rows(self):
        out = []
        deciding = self.deciding()
        for n, uid in enumerate(self.batch.items.keys()):
            if n >= PAGE_ROWS:
                break
            item = summaries.item_view(self.batch, uid)
            decision = item["decision"] or {}
            item["decision_text"] = rules.DECISION_ZH.get(decision.get("decision"), "")
            item["decision_detail"] = "；".join(
                x
                for x in (
                    decision.get("reason") or "",
                    f"下次审核 {decision['next_review']}" if decision.get("next_review") else "",
                    f"删节页 {', '.join(map(str, decision['redaction'].get('pages', [])))}"
                    if decision.get("redaction", {}).get("pages")
                    else "",
                    decision.get("by") or "",
                )
                if x
            )
            record = batches.record_at(self.batch, uid) if deciding else None
            item["url"] = record.absolute_url() if record is not None else ""
            item["hints"] = [
                dict(h, kind_text=h.get("title") or HINT_KINDS.get(h["kind"], h["kind"]))
                for h in (hints_for(record) if record is not None else [])
            ]
            out.append(item)
        return out

    def more(self) -> int:
        return max(self.batch.size - PAGE_ROWS, 0)

    def decisions(self):
        return DECISIONS

    def export_url(self, kind: str) -> str:
        portal = api.portal.get().absolute_url()
        return f"{portal}/@openreview-batches/{self.batch.id}/catalogue.{kind}"
