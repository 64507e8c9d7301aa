"""Classic UI of rectification notices (整改通知): the list, the issue form, one notice (answer
and decision forms) and its PDF.

The pages call ``sd.archive.rectification.notices`` exactly as the REST services do; a rule
that fails is shown on the page (its Chinese text and the field), never a traceback, and
nothing is stored (the transaction is doomed).
"""

from __future__ import annotations

import transaction
from plone import api
from Products.Five.browser import BrowserView

from sd.archive import _
from sd.archive.browser.times import beijing_time
from sd.archive.core.access.period import beijing_today
from sd.archive.core.errors import ArchiveError
from sd.archive.core.rectification import rules
from sd.archive.core.rectification.pdf import notice_pdf
from sd.archive.rectification import lists
from sd.archive.rectification import notices
from sd.archive.services.rectification_notices.common import pdf_input

STATE_LABELS = {
    rules.ISSUED: _("Issued"),
    rules.ANSWERED: _("Answered"),
    rules.CLOSED: _("Closed"),
    rules.REOPENED: _("Reopened"),
}
ACTION_LABELS = {
    "issued": _("Notice issued"),
    "amended": _("Notice amended"),
    "answered": _("Answer given"),
    "closed": _("Notice closed"),
    "reopened": _("Notice reopened"),
}


def split_refs(value) -> list[str]:
    """References typed one per line or separated by commas (档号或 UID)."""
    text = str(value or "").replace("，", ",").replace("\r", "")
    return [v.strip() for line in text.split("\n") for v in line.split(",") if v.strip()][:200]


def parse_figures(value) -> list[dict]:
    """Figures typed one per line as ``label：value`` (指标：数值); a line without a colon is a
    label with an empty value, refused by the rules."""
    figures = []
    for line in str(value or "").replace("\r", "").split("\n"):
        if not line.strip():
            continue
        label, _sep, number = line.replace("：", ":").partition(":")
        number = number.strip()
        figures.append(
            {"label": label.strip(), "value": int(number) if number.isdigit() else number}
        )
    return figures


class _Base(BrowserView):
    error = None
    error_fields: list = []

    def portal_url(self):
        return api.portal.get().absolute_url()

    def state_label(self, state):
        return STATE_LABELS.get(state, state)

    def fail(self, error: ArchiveError):
        transaction.doom()
        self.request.response.setStatus(error.status)
        self.error = error.message
        self.error_fields = [p.property for p in error.problems if p.property]

    def row(self, brain) -> dict:
        notice = brain.getObject()
        state = notices.state_of(notice)
        return {
            "url": notice.absolute_url(),
            "number": notice.notice_number,
            "fonds": notice.fonds_code,
            "agency": notice.agency_name,
            "title": notice.Title(),
            "deadline": notice.deadline.isoformat() if notice.deadline else "",
            "state": state,
            "overdue": rules.days_overdue(state, notice.deadline, notices.today()),
            "issued": beijing_time(notice.created()),
        }

    def may_issue(self) -> bool:
        return api.user.has_permission(notices.SUPERVISE, obj=api.portal.get())


class NoticesView(_Base):
    """``@@rectification-notices`` (site and folder): the notices I may see, filterable by
    agency, state and overdue."""

    def rows(self):
        form = self.request.form
        state = form.get("state") if form.get("state") in STATE_LABELS else ""
        fonds = (form.get("fonds") or "").strip()[:40]
        if form.get("overdue"):
            brains = lists.overdue_notices([fonds] if fonds else None)
        else:
            query = {"review_state": state} if state else {}
            if fonds:
                query["fonds_code"] = fonds
            brains = lists.catalog_notices(**query)
        return [self.row(b) for b in brains[:500]]

    def states(self):
        return list(STATE_LABELS.items())


class IssueView(_Base):
    """``@@rectification-issue``: the supervisor's form (下发整改通知). ``fonds`` in the query
    string chooses the agency; ``cite=1`` fills the figures from the agency's supervision
    metrics (the dashboard links here); ``figures`` and ``records`` may come filled too."""

    def __call__(self):
        form = self.request.form
        self.values = {
            "fonds": form.get("fonds", ""),
            "title": form.get("title", ""),
            "text": form.get("text", ""),
            "deadline": form.get("deadline", ""),
            "figures": form.get("figures", ""),
            "records": form.get("records", ""),
        }
        if self.request.method == "GET" and form.get("cite") and self.values["fonds"]:
            # 从监督指标引用: the agency's non-zero supervision figures, one per line
            self.values["figures"] = "\n".join(
                f"{f['label']}：{f['value']}" for f in lists.metric_figures(self.values["fonds"])
            )
        if self.request.method == "POST" and form.get("form.submitted"):
            try:
                notice = notices.issue(
                    {
                        "fonds": self.values["fonds"],
                        "title": self.values["title"],
                        "text": self.values["text"],
                        "deadline": self.values["deadline"],
                        "figures": parse_figures(self.values["figures"]),
                        "records": split_refs(self.values["records"]),
                    }
                )
            except ArchiveError as error:
                self.fail(error)
            else:
                return self.request.response.redirect(notice.absolute_url())
        return self.index()

    def agencies(self):
        catalog = api.portal.get_tool("portal_catalog")
        rows = [
            {"code": getattr(b, "fonds_code", "") or b.getId, "title": b.Title}
            for b in catalog.unrestrictedSearchResults(
                portal_type="Fonds", sort_on="sortable_title"
            )
        ]
        return sorted(rows, key=lambda r: r["code"])

    def today(self):
        return beijing_today().isoformat()


class NoticeView(_Base):
    """The page of one notice (``@@rectification-notice``): the notice, the figures and
    records it cites, the answer, the history; the answer form for the agency's officer while
    it is open, the decision form for the supervisor once answered (or closed), the PDF."""

    def __call__(self):
        form = self.request.form
        if self.request.method == "POST":
            try:
                if form.get("give_answer"):
                    notices.answer(
                        self.context,
                        {
                            "answer": form.get("answer", ""),
                            "records": split_refs(form.get("records")),
                        },
                    )
                elif form.get("decision"):
                    notices.decide(self.context, form.get("decision"), form.get("comment", ""))
            except ArchiveError as error:
                self.fail(error)
            else:
                return self.request.response.redirect(self.context.absolute_url())
        return self.index()

    @property
    def state(self):
        return notices.state_of(self.context)

    def days_overdue(self):
        return rules.days_overdue(self.state, self.context.deadline, notices.today())

    def records(self):
        return notices.record_rows(self.context.records)

    def answer_records(self):
        return notices.record_rows(self.context.answer_records)

    def may_answer(self):
        return self.state in rules.OPEN_STATES and notices.may_answer(self.context)

    def may_decide(self):
        return self.state in (rules.ANSWERED, rules.CLOSED) and api.user.has_permission(
            notices.SUPERVISE, obj=self.context
        )

    def history(self):
        return [
            {
                "time": beijing_time(h.get("time")),
                "actor": h.get("actor", ""),
                "action": ACTION_LABELS.get(h.get("action"), h.get("action")),
                "comment": h.get("comment", ""),
            }
            for h in getattr(self.context, "history", None) or ()
        ]


class NoticePdf(BrowserView):
    """``@@rectification-notice.pdf``: the notice with its answer (整改通知书及答复)."""

    def __call__(self):
        data = notice_pdf(pdf_input(self.context))
        response = self.request.response
        response.setHeader("Content-Type", "application/pdf")
        response.setHeader(
            "Content-Disposition", f'attachment; filename="{self.context.notice_number}.pdf"'
        )
        response.setHeader("Content-Length", str(len(data)))
        return data
