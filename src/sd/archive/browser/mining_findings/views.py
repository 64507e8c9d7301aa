"""Pages of the findings (挖掘发现页面): a record's findings, the pairs queue, a comparison.

Every refusal (no permission on one record of a pair, an unknown pair or name, a reason too
long) is shown on the page as a message with a 4xx status — never a traceback; answers are
POSTed with the form's authenticator (CSRF) and go through :mod:`sd.archive.mining.findings.
decisions` like the REST answers.
"""

from __future__ import annotations

from plone import api
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView
from zope.i18n import translate

from sd.archive import _
from sd.archive.browser.times import beijing_time
from sd.archive.core.errors import ArchiveError
from sd.archive.mining.findings import decisions
from sd.archive.mining.findings import pairs
from sd.archive.mining.findings.outline import ANSWER_TITLES
from sd.archive.mining.findings.outline import may_answer
from sd.archive.mining.findings.outline import open_pairs
from sd.archive.mining.findings.outline import pair_row
from sd.archive.mining.findings.outline import record_findings

KIND_TITLES = {
    "people": _("People"),  # 人名
    "organisations": _("Organisations"),  # 机构
    "places": _("Places"),  # 地名
}
#: characters of each record's text shown side by side
COMPARE_CHARS = 1500


class _Base(BrowserView):
    error = ""
    message = ""

    def t(self, msgid) -> str:
        return translate(msgid, context=self.request)

    def beijing_time(self, value) -> str:
        return beijing_time(value)

    def answer_title(self, answer: str) -> str:
        return ANSWER_TITLES.get(answer, answer)

    def _refused(self, error: ArchiveError) -> None:
        self.error = error.message
        details = [p.message for p in error.problems if p.message != error.message]
        if details:
            self.error += " — " + "；".join(details)
        self.request.response.setStatus(error.status)


class RecordFindingsView(_Base):
    """``@@mining-findings`` on a record."""

    def __call__(self):
        if self.request.method == "POST" and self.request.form.get("action"):
            CheckAuthenticator(self.request)
            form = self.request.form
            answer = {"accept": "accepted", "reject": "rejected"}.get(form.get("action"), "")
            try:
                decisions.answer_entity(
                    self.context, form.get("kind"), form.get("name"), answer, form.get("reason")
                )
                self.message = self.t(_("Your answer is recorded."))
            except ArchiveError as error:
                import transaction

                transaction.doom()
                self._refused(error)
        self.findings = record_findings(self.context)
        return self.index()

    def kinds(self) -> list[dict]:
        return [
            {"kind": kind, "title": self.t(title), "names": self.findings["entities"][kind]}
            for kind, title in KIND_TITLES.items()
        ]

    def compare_url(self, key: str) -> str:
        return f"{api.portal.get().absolute_url()}/@@mining-compare?pair={key}"


class PairsQueueView(_Base):
    """``@@mining-pairs``: the undecided duplicates and related records (待确认)."""

    def __call__(self):
        if api.user.is_anonymous():
            self.request.response.setStatus(401)
            self.total, self.rows = 0, []
            self.error = self.t(_("Sign in to see this page."))
            return self.index()
        kind = self.request.form.get("kind", "")
        kind = kind if kind in (pairs.DUPLICATE, pairs.RELATED) else ""
        self.total, self.rows = open_pairs(kind)
        return self.index()

    def compare_url(self, key: str) -> str:
        return f"{api.portal.get().absolute_url()}/@@mining-compare?pair={key}"


class ComparePairView(_Base):
    """``@@mining-compare?pair=…``: both records side by side, and the answer (对比与确认)."""

    row = None

    def __call__(self):
        key = self.request.form.get("pair", "")
        pair = pairs.get(key) if isinstance(key, str) else None
        if pair is None:
            self.request.response.setStatus(404)
            self.error = self.t(_("No such pair."))
            return self.index()
        if not may_answer(pair):
            self.request.response.setStatus(403)
            self.error = self.t(_("You may not see or answer this pair."))
            return self.index()
        if self.request.method == "POST" and self.request.form.get("answer"):
            CheckAuthenticator(self.request)
            try:
                decisions.answer_pair(
                    key, self.request.form.get("answer"), self.request.form.get("reason")
                )
                self.message = self.t(_("Your answer is recorded."))
            except ArchiveError as error:
                import transaction

                transaction.doom()
                self._refused(error)
        self.row = pair_row(pairs.get(key))
        return self.index()

    def text_of(self, side: str) -> str:
        from sd.archive.preservation.store import record_by_uid
        from sd.archive.text import record_text

        record = record_by_uid(self.row[side]["uid"]) if self.row[side] else None
        text = record_text(record) if record is not None else ""
        return text[:COMPARE_CHARS] + ("…" if len(text) > COMPARE_CHARS else "")

    def similarity_text(self) -> str:
        value = self.row.get("similarity")
        return f"{value:.0%}" if isinstance(value, float) else ""

    def same(self, name: str) -> bool:
        return bool(self.row["a"].get(name)) and self.row["a"].get(name) == self.row["b"].get(name)
