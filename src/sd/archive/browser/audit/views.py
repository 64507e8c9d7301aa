"""The auditor's page (安全审计日志): the trail filtered and paged, times in 北京时间, CSV/XLSX
export, the chain check against the latest anchor and anchoring on demand."""

from __future__ import annotations

from urllib.parse import urlencode

from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView

from sd.archive import audit
from sd.archive.audit import anchor
from sd.archive.audit import reading
from sd.archive.browser import details
from sd.archive.core.audit.entry import OUTCOMES
from sd.archive.core.errors import ArchiveError

FILTERS = ("actor", "action", "object", "outcome", "from", "to")


class AuditTrailView(BrowserView):
    error = None
    check_result = None
    anchored = None
    total = 0
    items: list = []
    outcomes = OUTCOMES

    def __call__(self):
        form = self.request.form
        try:
            if self.request.method == "POST":
                CheckAuthenticator(self.request)
                if form.get("check"):
                    self.check_result = anchor.check().as_dict()
                    audit.log("audit.checked", details=self.check_result)
                elif form.get("anchor"):
                    self.anchored = anchor.anchor()
            query = reading.query_from(form)
            self.start, self.size = reading.paging(form)
            self.total, entries = audit.trail().search(query, self.start, self.size)
            self.items = [reading.item(e) for e in entries]
            audit.log("audit.searched", details={"filter": query.__dict__, "b_start": self.start})
        except ArchiveError as error:
            self.request.response.setStatus(error.status)
            self.error = error.as_dict()
            self.start, self.size = 0, reading.PAGE_SIZE
        return self.index()

    def details(self, item: dict) -> list[dict]:
        """The entry's details as labelled rows in words (never JSON)."""
        return details.readable(self.request, item["details"])

    def action(self, item: dict) -> str:
        return details.action_label(self.request, item["action"])

    def outcome(self, value: str) -> str:
        return details.outcome_label(self.request, value)

    def value(self, name: str) -> str:
        value = self.request.form.get(name, "")
        return value if isinstance(value, str) else ""

    def _url(self, view: str, **extra) -> str:
        params = {n: self.value(n) for n in FILTERS if self.value(n)}
        params.update(extra)
        base = f"{self.context.absolute_url()}/@@{view}"
        return f"{base}?{urlencode(params)}" if params else base

    def export_url(self, fmt: str) -> str:
        return self._url("audit-trail-export", format=fmt)

    def page_url(self, start: int) -> str:
        return self._url("audit-trail", b_start=max(0, start), b_size=self.size)

    @property
    def previous_start(self):
        return self.start - self.size if self.start > 0 else None

    @property
    def next_start(self):
        return self.start + self.size if self.start + self.size < self.total else None


class AuditTrailExport(BrowserView):
    """``@@audit-trail-export?format=csv|xlsx`` with the page's filter."""

    def __call__(self):
        try:
            return reading.export(
                self.request, audit.trail(), self.request.form.get("format", "csv")
            )
        except ArchiveError as error:
            self.request.response.setStatus(error.status)
            self.request.response.setHeader("Content-Type", "text/plain; charset=utf-8")
            return error.message
