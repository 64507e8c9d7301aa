"""Classic UI of statistics (档案统计) and of the annual report (统计年报).

``@@statistics``: every holdings table of the user's scope and the activity of a period, each
with its XLSX link (the REST endpoints with ``format=xlsx``). ``@@statistics-report``: the
annual report with its computed cells, the form for the filled-in ones, sign-off and reopening,
XLSX and PDF. A rule that fails shows as a message (its Chinese text), nothing stored.
"""

from __future__ import annotations

from urllib.parse import urlencode

import transaction
from plone import api
from Products.Five.browser import BrowserView

from sd.archive.browser.times import beijing_time
from sd.archive.core.access.period import beijing_today
from sd.archive.core.errors import ArchiveError
from sd.archive.core.statistics import annual
from sd.archive.core.statistics import tables
from sd.archive.services.statistics_tables.get import SCOPES
from sd.archive.statistics import access
from sd.archive.statistics import figures
from sd.archive.statistics import reports


class _Base(BrowserView):
    error = None

    def portal_url(self):
        return api.portal.get().absolute_url()

    def fail(self, error: ArchiveError):
        transaction.doom()
        self.request.response.setStatus(error.status)
        self.error = error.message


class StatisticsView(_Base):
    """``@@statistics``: holdings tables and the activity of a period."""

    def __call__(self):
        form = self.request.form
        today = beijing_today()
        self.values = {
            "fonds": (form.get("fonds") or "")[:40],
            "scope": form.get("scope") if form.get("scope") in SCOPES else "all",
            "start": form.get("start") or f"{today.year}-01-01",
            "end": form.get("end") or today.isoformat(),
            "period": form.get("period") if form.get("period") in tables.PERIODS else "month",
        }
        self.tables, self.activity = [], None
        try:
            codes = access.scope(self.values["fonds"] or None)
            self.tables = figures.holdings_tables(codes, SCOPES[self.values["scope"]])
            self.activity = figures.activity(
                codes, self.values["start"], self.values["end"], self.values["period"]
            )
        except ArchiveError as error:
            self.fail(error)
        return self.index()

    def fonds_choices(self):
        codes = None if access.sees_all() else set(access.my_fonds_codes())
        return [
            {"code": f.fonds_code, "title": f.Title()}
            for f in sorted(access.all_fonds(), key=lambda f: f.fonds_code)
            if codes is None or f.fonds_code in codes
        ]

    def dimension_title(self, dim):
        return tables.DIMENSIONS[dim]

    def xlsx_url(self, endpoint: str, **extra) -> str:
        params = {k: v for k, v in {**self.values, **extra}.items() if v}
        return f"{self.portal_url()}/{endpoint}?{urlencode({**params, 'format': 'xlsx'})}"


class ReportView(_Base):
    """``@@statistics-report``: the annual report (统计年报) of an agency or of the archives."""

    def __call__(self):
        form = self.request.form
        self.values = {
            "form": form.get("form") if form.get("form") in annual.FORMS else annual.ROOM,
            "year": form.get("year") or str(beijing_today().year - 1),
            "fonds": (form.get("fonds") or "")[:40],
        }
        if self.values["form"] == annual.ROOM and not self.values["fonds"]:
            mine = access.my_fonds_codes() if not api.user.is_anonymous() else []
            choices = mine or [f.fonds_code for f in access.all_fonds()]
            self.values["fonds"] = sorted(choices)[0] if choices else ""
        self.body = None
        if self.request.method == "POST" and form.get("action"):
            manual = {
                c.code: form.get(f"cell-{c.code}", "")
                for c in annual.FORMS[self.values["form"]]
                if c.source == annual.MANUAL and f"cell-{c.code}" in form
            }
            try:
                self.body = reports.act(
                    self.values["form"],
                    self.values["year"],
                    self.values["fonds"] or None,
                    form.get("action"),
                    manual if form.get("action") != "reopen" else None,
                    form.get("comment"),
                )
            except ArchiveError as error:
                self.fail(error)
        if self.body is None and self.error is None:
            try:
                self.body = reports.report(
                    self.values["form"], self.values["year"], self.values["fonds"] or None
                )
            except ArchiveError as error:
                self.fail(error)
        return self.index()

    def forms(self):
        return list(annual.FORM_TITLES.items())

    def fonds_choices(self):
        return StatisticsView.fonds_choices(self)

    def signed_at(self):
        return beijing_time(self.body["signed_at"]) if self.body and self.body["signed_at"] else ""

    def history(self):
        words = {"saved": "保存填报", "signed": "审核签发", "reopened": "退回修改"}
        return [
            {**h, "time": beijing_time(h["time"]), "action": words.get(h["action"], h["action"])}
            for h in (self.body or {}).get("history", [])
        ]

    def file_url(self, fmt: str) -> str:
        params = {k: v for k, v in self.values.items() if v}
        if self.values["form"] == annual.ARCHIVES:
            params.pop("fonds", None)
        return f"{self.portal_url()}/@statistics-report?{urlencode({**params, 'format': fmt})}"
