"""Classic UI of access (档案利用): request form, my requests, approval queue, one request
(decision, reading, download, effect), the register of use, public reading.

The pages call ``sd.archive.access`` exactly as the REST services do; a rule that fails is
shown as a message on the page (the error's Chinese text and the field), never a traceback.
"""

from __future__ import annotations

from datetime import timedelta

import transaction
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from Products.Five.browser import BrowserView
from zope.interface import alsoProvides

from sd.archive.access import DECIDE
from sd.archive.access import VIEW_REGISTER
from sd.archive.access import lookup
from sd.archive.access import public
from sd.archive.access import register
from sd.archive.access import requests
from sd.archive.access import usage
from sd.archive.access.vocabularies import FORMS
from sd.archive.access.vocabularies import PURPOSES
from sd.archive.browser.times import beijing_time
from sd.archive.core.access import period
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import bad_request

STATE_WORDS = {
    "draft": "Draft",
    "pending": "Awaiting approval",
    "second_review": "Awaiting second approval",
    "approved": "Approved",
    "refused": "Refused",
    "expired": "Expired",
    "withdrawn": "Withdrawn",
}


def request_url(record) -> str:
    """The page where the current user asks for ``record`` (申请利用); for record pages and
    the search results (a link on records the user may not open)."""
    return f"{api.portal.get().absolute_url()}/@@request-access?records={record.UID()}"


def public_read_url(record) -> str:
    """Where an anonymous visitor reads an open record (公开阅览), see ``access.public``."""
    return public.public_read_url(record)


def error_text(error: ArchiveError) -> str:
    return error.message


class _Base(BrowserView):
    error = None
    message = None

    def portal_url(self):
        return api.portal.get().absolute_url()

    def beijing_time(self, value, label=True):
        return beijing_time(value, label)

    def state_msgid(self, state):
        from zope.i18nmessageid import MessageFactory

        return MessageFactory("plone")(STATE_WORDS.get(state, state))

    def form_title(self, value):
        return dict(FORMS).get(value, value)

    def purpose_title(self, value):
        return dict(PURPOSES).get(value, value)

    def row(self, brain):
        request = brain.getObject()
        return {
            "url": request.absolute_url(),
            "number": request.request_number,
            "requester": request.requester,
            "state": requests.state_of(request),
            "form": request.form,
            "period": f"{request.start or ''} — {request.end or ''}",
            "records": len(request.records or []),
            "created": beijing_time(request.created()),
        }

    def fail(self, error: ArchiveError):
        transaction.doom()
        self.request.response.setStatus(error.status)
        self.error = error_text(error)
        self.error_fields = [p.property for p in error.problems if p.property]


class RequestAccessView(_Base):
    """``@@request-access``: the request form (利用申请表). ``records`` in the query string
    (one or more UIDs or 档号) fills the scope; POST makes the request and shows it."""

    def __call__(self):
        form = self.request.form
        self.values = {
            "purpose": form.get("purpose", "work"),
            "purpose_text": form.get("purpose_text", ""),
            "scope_text": form.get("scope_text", ""),
            "form": form.get("form", "online"),
            "start": form.get("start") or period.beijing_today().isoformat(),
            "end": form.get("end")
            or (period.beijing_today() + timedelta(days=period.DEFAULT_DAYS - 1)).isoformat(),
            "records": self._refs(form.get("records")),
        }
        if self.request.method == "POST" and form.get("form.submitted"):
            try:
                created = requests.create_request(
                    {
                        k: v
                        for k, v in self.values.items()
                        if k != "records" or v  # an empty list: the scope is the text
                    }
                )
            except ArchiveError as error:
                self.fail(error)
            else:
                return self.request.response.redirect(created.absolute_url())
        return self.index()

    @staticmethod
    def _refs(value) -> list[str]:
        if not value:
            return []
        values = value if isinstance(value, list) else str(value).replace("，", ",").split(",")
        return [v.strip() for v in values if isinstance(v, str) and v.strip()][:200]

    def purposes(self):
        return PURPOSES

    def forms(self):
        return FORMS

    def chosen(self) -> list[dict]:
        """The records named so far, as the requester may know them (档号, 题名)."""
        found = []
        for ref in self.values["records"]:
            record = lookup.find_record(ref)
            if record is not None:
                found.append(
                    {
                        "ref": record.UID(),
                        "code": getattr(record, "archival_code", "") or "",
                        "title": record.Title(),
                    }
                )
        return found


class MyRequestsView(_Base):
    """``@@my-access-requests``: the current user's requests (我的利用申请)."""

    def rows(self):
        return [self.row(b) for b in lookup.mine()]


class QueueView(_Base):
    """``@@access-queue``: requests waiting for my decision (待我审批)."""

    def rows(self):
        return [self.row(b) for b in lookup.waiting_for_me()]


class RequestView(_Base):
    """The page of one request (``@@access-request``): details, decisions, the decision form
    for the approver of the step, reading and download for the requester, effect, withdraw."""

    def __call__(self):
        form = self.request.form
        if self.request.method == "POST":
            try:
                self._act(form)
            except ArchiveError as error:
                self.fail(error)
            else:
                return self.request.response.redirect(self.context.absolute_url())
        return self.index()

    def _act(self, form):
        context = self.context
        if form.get("decide"):
            requests.expire_due()
            records = RequestAccessView._refs(form.get("records")) or None
            requests.decide(context, form.get("decide"), form.get("reason", ""), records)
        elif form.get("withdraw"):
            requests.withdraw(context)
        elif form.get("submit_request"):
            requests.submit(context)
        elif form.get("save_effect"):
            requests.record_effect(context, form.get("effect", ""))

    @property
    def state(self):
        return requests.state_of(self.context)

    def is_requester(self):
        return requests.is_requester(self.context)

    def may_decide(self):
        return (
            self.state in (requests.PENDING, requests.SECOND)
            and not self.is_requester()
            and api.user.has_permission(DECIDE, obj=self.context)
        )

    def may_use(self):
        return (
            self.is_requester()
            and self.state == requests.APPROVED
            and period.active(self.context.start, self.context.end, lookup.today())
        )

    def may_download(self):
        return self.may_use() and self.context.form != "online"

    def records(self):
        base = f"{self.context.absolute_url()}/@@access-copy?record="
        return [
            {
                "uid": r.UID(),
                "code": getattr(r, "archival_code", "") or "",
                "title": r.Title(),
                "read": f"{base}{r.UID()}&disposition=inline",
                "download": f"{base}{r.UID()}",
            }
            for r in lookup.records_of(self.context)
        ]

    def decisions(self):
        return [{**d, "time": beijing_time(d.get("time"))} for d in self.context.decisions or ()]

    def register_rows(self):
        return [register.row(e) for e in getattr(self.context, "register", None) or ()]

    def show_register(self):
        return self.is_requester() or api.user.has_permission(VIEW_REGISTER, obj=self.context)


class CopyView(BrowserView):
    """``@@access-copy?record=<UID>&disposition=inline|attachment``: reading online or
    downloading the watermarked copy; a refusal is a short page with the reason."""

    def __call__(self):
        disposition = self.request.form.get("disposition", "attachment")
        if disposition not in ("inline", "attachment"):
            disposition = "attachment"
        record = self.request.form.get("record", "")
        alsoProvides(self.request, IDisableCSRFProtection)  # the register entry is the write
        try:
            if not isinstance(record, str):
                raise bad_request("one record at a time", "access.record", "record")
            name, data = usage.use(
                self.context, record, "view" if disposition == "inline" else "download"
            )
        except ArchiveError as error:
            transaction.doom()
            self.request.response.setStatus(error.status)
            self.error = error_text(error)
            return self.index()
        response = self.request.response
        response.setHeader("Content-Type", "application/pdf")
        response.setHeader("Content-Disposition", f'{disposition}; filename="{name}"')
        response.setHeader("Cache-Control", "no-store")
        return data


class RegisterView(_Base):
    """``@@use-register``: the register of use (利用登记) with filters and XLSX export."""

    FILTERS = ("number", "requester", "action", "record", "since", "until")

    def __call__(self):
        form = self.request.form
        self.filters = {k: str(form.get(k, "") or "").strip()[:200] for k in self.FILTERS}
        if self.filters["action"] not in register.ACTIONS:
            self.filters["action"] = ""
        for name in ("since", "until"):
            try:
                if self.filters[name]:
                    self.filters[name] = period.parse_day(self.filters[name], name).isoformat()
            except ArchiveError as error:
                self.error = error_text(error)
                self.filters[name] = ""
        self.found = register.entries(**self.filters)
        if form.get("format") == "xlsx":
            response = self.request.response
            response.setHeader(
                "Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
            response.setHeader("Content-Disposition", 'attachment; filename="use-register.xlsx"')
            return register.xlsx_bytes(self.found)
        return self.index()

    def actions(self):
        return sorted(register.ACTIONS.items())

    def columns(self):
        return register.COLUMNS

    def rows(self):
        return [register.row(e) for e in self.found[:500]]

    def export_url(self):
        from urllib.parse import urlencode

        query = {k: v for k, v in self.filters.items() if v}
        query["format"] = "xlsx"
        return f"{self.context.absolute_url()}/@@use-register?{urlencode(query)}"


class PublicReadView(BrowserView):
    """``@@public-read?uid=<UID>``: anonymous reading of an open record (公开阅览)."""

    def __call__(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        try:
            name, data = public.read(self.request.form.get("uid", ""))
        except ArchiveError as error:
            self.request.response.setStatus(error.status)
            self.error = error_text(error)
            return self.index()
        response = self.request.response
        response.setHeader("Content-Type", "application/pdf")
        response.setHeader("Content-Disposition", f'inline; filename="{name}"')
        response.setHeader("Cache-Control", "no-store")
        return data


class PublicReadingSettingView(_Base):
    """``@@public-reading`` on a fonds: switch public reading of its open records."""

    def __call__(self):
        if self.request.method == "POST" and self.request.form.get("form.submitted"):
            from plone.protect import CheckAuthenticator

            CheckAuthenticator(self.request)
            try:
                public.set_public_reading(
                    self.context,
                    self.request.form.get("public_reading") == "on",
                    str(self.request.form.get("reason", ""))[:500],
                )
            except ArchiveError as error:
                self.fail(error)
            else:
                self.message = True
        return self.index()

    def allowed(self):
        return public.allows_public_reading(self.context)
