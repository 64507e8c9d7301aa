"""Pages of the mining suggestions (智能挖掘建议): record block, answers, acceptance, thesaurus."""

from __future__ import annotations

from plone import api
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView

from sd.archive import _
from sd.archive.browser.times import beijing_time
from sd.archive.core.errors import ArchiveError
from sd.archive.core.mining import tally
from sd.archive.mining.suggestions import models
from sd.archive.mining.suggestions import suggest
from sd.archive.mining.suggestions import thesaurus

ARCHIVE_RECORDS = "sd.archive: Archive records"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: rows of the review queue that get a suggestion (each wakes its record for the text)
QUEUE_SUGGESTIONS = 30

#: why there is no suggestion, in words (原因)
REASONS = {
    "too-few-records": _("Too few arranged records in this fonds to learn from."),
    "one-category": _("This fonds has one category only: there is nothing to tell apart."),
    "no-model": _("No model has been trained for this fonds yet."),
    "no-known-words": _("The record has no words the model knows (no title or text)."),
    "not-chinese": _("The title and the text are not Chinese."),
    "low-confidence": _("The model is not confident enough."),
    "rejected": _("The suggestion was rejected for this record."),
    "not-pending": _("Only records waiting for review get arrangement suggestions."),
    "not-in-scheme": _("The suggested category is no longer in the scheme."),
    "failed": _("No suggestion could be made."),
    "no-terms": _("No keywords found in the title or text."),
    "no-fonds": _("The record is in no fonds."),
}
TARGETS = {
    "category": _("Category code"),
    "retention": _("Retention period"),
    "org_code": _("Organisation or problem code"),
    "rule_id": _("Archiving scope entry"),
}
KINDS = {"arrangement": _("Arrangement"), "keywords": _("Keywords")}
SOURCES = {"vocabulary": _("Thesaurus"), "free": _("Free term")}


def reason_text(reason: str):
    return REASONS.get(reason, REASONS["failed"])


def percent(value: float) -> str:
    return f"{value * 100:.0f}%"


class RecordSuggestionsView(BrowserView):
    """The suggestions block of the record page (建议): arrangement (records waiting for
    review) and keywords, with their answers; empty for people who may not archive."""

    def __call__(self):
        if not api.user.has_permission(ARCHIVE_RECORDS, obj=self.context):
            return ""
        self.data = {
            "arrangement": (
                suggest.arrangement_for(self.context) if suggest._is_pending(self.context) else None
            ),
            "keywords": suggest.keywords_for(self.context),
        }
        return self.index()

    def targets(self) -> list[dict]:
        found = self.data["arrangement"] or {}
        rows = []
        for name, label in TARGETS.items():
            value = (found.get("values") or {}).get(name)
            if value:
                rows.append(
                    {
                        "name": name,
                        "label": label,
                        "value": value["value"],
                        "confidence": percent(value["confidence"]),
                        "alternatives": "、".join(
                            f"{a['value']} {percent(a['confidence'])}"
                            for a in value["alternatives"]
                        ),
                    }
                )
        return rows

    def reason(self, found: dict):
        return reason_text(found.get("reason", ""))

    def source(self, name: str):
        return SOURCES.get(name, name)

    def answers(self) -> list[dict]:
        out = []
        for kind, entry in suggest._decisions(self.context).items():
            out.append(
                {
                    "kind": KINDS.get(kind, kind),
                    "outcome": tally_label(entry.get("outcome", "")),
                    "by": entry.get("by", ""),
                    "time": beijing_time(entry.get("time", "")),
                }
            )
        return out

    def retention_periods(self):
        from sd.archive.vocabularies import RETENTION_PERIODS

        return RETENTION_PERIODS


OUTCOMES = {
    tally.ACCEPTED: _("Accepted as suggested"),
    tally.CORRECTED: _("Corrected"),
    tally.REJECTED: _("Rejected"),
}


def tally_label(outcome: str):
    return OUTCOMES.get(outcome, outcome)


class AnswerView(BrowserView):
    """POST the answer to a suggestion, then back to where it was given (record or queue)."""

    def __call__(self):
        back = self.request.form.get("came_from") or self.context.absolute_url()
        portal_url = api.portal.get().absolute_url()
        if not back.startswith(portal_url):
            back = self.context.absolute_url()
        if self.request.method != "POST":
            return self.request.response.redirect(back)
        CheckAuthenticator(self.request)
        form = self.request.form
        show = api.portal.show_message
        try:
            if form.get("kind") == "keywords":
                terms = _list(form.get("terms"))
                result = suggest.accept_keywords(
                    self.context, terms, _list(form.get("suggested")), form.get("reason", "")
                )
            elif form.get("action") == "reject":
                result = suggest.reject_arrangement(self.context, form.get("reason", ""))
            else:
                values = {}
                if form.get("action") == "correct":  # the values count only for a correction
                    values = {
                        k: form.get(k) for k in ("category", "retention", "org_code") if form.get(k)
                    }
                result = suggest.accept_arrangement(self.context, values or None)
                back = back if "review-queue" in back else self.context.absolute_url()
        except ArchiveError as error:
            messages = [p.message for p in error.problems] or [error.message]
            for line in messages:
                show(line, self.request, type="error")
            return self.request.response.redirect(back)
        show(tally_label(result["outcome"]), self.request, type="info")
        return self.request.response.redirect(back)


def _list(value) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


class AcceptanceView(BrowserView):
    """建议采纳情况: per kind and month, accepted as they were / corrected / rejected; the
    fonds' model (version, records learned, last run) and a button to retrain now."""

    def __call__(self):
        if self.request.method == "POST" and self.request.form.get("form.retrain"):
            CheckAuthenticator(self.request)
            run = models.retrain(self.context, actor=api.user.get_current().getId())
            if run["status"] == "trained":
                api.portal.show_message(_("Model retrained."), self.request, type="info")
            else:
                api.portal.show_message(reason_text(run["reason"]), self.request, type="warning")
            return self.request.response.redirect(
                f"{self.context.absolute_url()}/@@mining-acceptance"
            )
        self.data = suggest.acceptance(self.context)
        self.model = models.status(self.context)
        return self.index()

    def rows(self) -> list[dict]:
        return [
            {
                **row,
                "kind_title": KINDS.get(row["kind"], row["kind"]),
                "rate_text": percent(row["rate"]),
            }
            for row in self.data["rows"]
        ]

    def totals(self) -> list[dict]:
        return [
            {
                **row,
                "kind": kind,
                "kind_title": KINDS.get(kind, kind),
                "rate_text": percent(row["rate"]),
            }
            for kind, row in self.data["totals"].items()
        ]

    def model_rows(self) -> list[tuple]:
        m = self.model
        last = m.get("last_run") or {}
        rows = [
            (_("Model version"), m["version"] or "—"),
            (_("Trained at"), beijing_time(m["trained_at"]) if m["trained_at"] else "—"),
            (_("Arranged records learned from"), str(m["samples"] or "—")),
            (
                _("Categories learned"),
                "、".join(f"{k} {v}" for k, v in m["counts"].get("category", {}).items()) or "—",
            ),
        ]
        if last.get("status") == "not-trained":
            rows.append((_("Last training run"), reason_text(last.get("reason", ""))))
        if m["fell_back"]:
            rows.append(
                (_("Unreadable model versions (previous one in use)"), "、".join(m["fell_back"]))
            )
        return rows


class ThesaurusView(BrowserView):
    """主题词表: the terms of the fonds, import (XLSX, all or nothing) and export."""

    def __call__(self):
        self.problems = []
        if self.request.form.get("export") == "xlsx":
            response = self.request.response
            response.setHeader("Content-Type", XLSX)
            name = f"{self.context.fonds_code}-thesaurus.xlsx"
            response.setHeader("Content-Disposition", f'attachment; filename="{name}"')
            return thesaurus.export_xlsx(self.context)
        if self.request.method == "POST" and self.request.form.get("form.import"):
            CheckAuthenticator(self.request)
            upload = self.request.form.get("file")
            data = upload.read() if upload and hasattr(upload, "read") else b""
            try:
                terms = thesaurus.import_xlsx(self.context, data)
            except ArchiveError as error:
                self.problems = [
                    f"{p.object}: {p.message}" if p.object else p.message for p in error.problems
                ]
                api.portal.show_message(error.message, self.request, type="error")
            else:
                api.portal.show_message(
                    _("${count} terms imported.", mapping={"count": len(terms)}),
                    self.request,
                    type="info",
                )
                return self.request.response.redirect(
                    f"{self.context.absolute_url()}/@@mining-thesaurus"
                )
        self.terms = thesaurus.get(self.context).as_list()
        return self.index()


def queue_suggestion(uid: str, index: int) -> dict:
    """The suggestion shown in a row of the review queue (整理建议列): ``ok``, the values as
    ``门类 / 保管期限 / 机构或问题`` and the category's confidence, or the reason for none."""
    if index >= QUEUE_SUGGESTIONS:
        return {"ok": False, "reason": ""}
    brains = api.portal.get_tool("portal_catalog")(UID=uid)
    if not brains:
        return {"ok": False, "reason": ""}
    found = suggest.arrangement_for(brains[0].getObject())
    if not found.get("ok"):
        return {"ok": False, "reason": reason_text(found.get("reason", ""))}
    values = found["values"]
    text = " / ".join(
        values.get(k, {}).get("value", "") or "-" for k in ("category", "retention", "org_code")
    )
    return {"ok": True, "text": text, "confidence": percent(values["category"]["confidence"])}


def workbench_mining(fonds_code: str, fonds_url: str) -> dict:
    """The workbench line of a fonds: the model in use (version, records) or why none."""
    loaded = models.load(fonds_code)
    manifest = models.store().manifest(fonds_code, loaded.version) if loaded.version else {}
    reason = ""
    if not loaded.version:
        fonds = api.portal.get_tool("portal_catalog").unrestrictedSearchResults(
            portal_type="Fonds", fonds_code=fonds_code
        )
        last = models.status(fonds[0]._unrestrictedGetObject())["last_run"] if fonds else {}
        reason = reason_text(last.get("reason") or "no-model")
    return {
        "version": loaded.version,
        "samples": manifest.get("samples", 0),
        "reason": reason,
        "url": f"{fonds_url}/@@mining-acceptance",
    }
