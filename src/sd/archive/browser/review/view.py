"""Review queue page (待人工整理): accept, adjust or reject, one record or many at once."""

from __future__ import annotations

from plone import api
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView

from sd.archive import _
from sd.archive.intake import review
from sd.archive.vocabularies import RETENTION_PERIODS


class ReviewQueueView(BrowserView):
    """Lists the records waiting for a records officer and applies the chosen action."""

    def __call__(self):
        self.errors = []
        if self.request.method == "POST":
            CheckAuthenticator(self.request)
            self.handle()
            return self.request.response.redirect(f"{self.context.absolute_url()}/@@review-queue")
        return self.index()

    # -- actions -------------------------------------------------------------------------

    def selected(self) -> list:
        form = self.request.form
        one = form.get("accept_one")
        uids = [one] if one else form.get("uids", [])
        if isinstance(uids, str):
            uids = [uids]
        allowed = {r.UID(): r for r in review.pending_records(self.context, uids)}
        return [allowed[uid] for uid in uids if uid in allowed]

    def handle(self):
        form = self.request.form
        records = self.selected()
        messages = api.portal.show_message
        if not records:
            messages(_("Select at least one record."), self.request, type="warning")
            return
        if form.get("accept_one") or form.get("form.accept"):
            action, values = "accept", {}
        elif form.get("form.adjust"):
            action = "accept"
            values = {
                "category": form.get("category", ""),
                "retention": form.get("retention", ""),
                "org_code": form.get("org_code", ""),
            }
        elif form.get("form.reject"):
            action, values = "reject", {"reason": form.get("reason", "")}
        else:
            return
        done, failed = 0, []
        for record in records:
            try:
                if action == "accept":
                    review.accept(record, **values)
                else:
                    review.reject(record, **values)
                done += 1
            except review.ReviewError as error:
                failed.extend(f"{p.object}: {p.message}" for p in error.problems)
        if done:
            msgid = (
                _("${count} records archived.", mapping={"count": done})
                if action == "accept"
                else _("${count} records rejected.", mapping={"count": done})
            )
            messages(msgid, self.request, type="info")
        for line in failed:
            messages(line, self.request, type="error")

    # -- for the template ----------------------------------------------------------------

    def records(self) -> list[dict]:
        """The rows, from catalog metadata (no record is woken for the page)."""
        rows = []
        for brain in review.pending_brains(self.context):
            proposed = _metadata(brain, "review_proposal") or {}
            rows.append(
                {
                    "uid": brain.UID,
                    "url": brain.getURL(),
                    "title": brain.Title,
                    "record_id": _metadata(brain, "electronic_record_id"),
                    "fonds": _metadata(brain, "fonds_code"),
                    "year": _metadata(brain, "archive_year"),
                    "kind": _metadata(brain, "record_kind"),
                    "doc_type": _metadata(brain, "document_type")
                    or _metadata(brain, "service_item_name"),
                    "category": proposed.get("category") or "",
                    "retention": proposed.get("retention") or "",
                    "org_code": proposed.get("org_code") or "",
                    "problems": list(proposed.get("problems", ())),
                }
            )
        return rows

    def retention_periods(self):
        return RETENTION_PERIODS

    def suggestion(self, row: dict, index: int) -> dict:
        """The arrangement suggestion of a row (整理建议, #28; the first rows only)."""
        from sd.archive.browser.mining.views import queue_suggestion

        return queue_suggestion(row["uid"], index)


def _metadata(brain, name: str):
    """A metadata value of ``brain``; "" for none (Missing.Value)."""
    value = getattr(brain, name, None)
    return value if isinstance(value, (str, int, dict)) and not isinstance(value, bool) else ""
