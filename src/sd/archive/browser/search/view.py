"""``@@archive-search``: the search page of every role and the public catalogue (档案检索).

The form sends the parameters of ``GET @archive-search`` (:mod:`sd.archive.search.engine`);
rows, facets and paging come from the same run. Anonymous visitors get the public catalogue:
open records only, no record page links, a 在线阅览 link where the fonds allows public reading.
"""

from __future__ import annotations

from urllib.parse import urlencode

from plone import api
from Products.Five.browser import BrowserView
from zope.i18n import translate
from zope.i18nmessageid import Message

from sd.archive import _
from sd.archive.core.errors import ArchiveError
from sd.archive.search import engine
from sd.archive.search.results import rows
from sd.archive.search.results import state_title

FACET_TITLES = {
    "fonds": _("Fonds"),
    "category": _("Category code"),
    "year": _("Year"),
    "retention": _("Retention period"),
    "security_level": _("Security classification"),
    "open_status": _("Open status"),
    "review_state": _("State"),
    "people": _("People"),  # 人名 (挖掘发现 #28)
    "organisations": _("Organisations"),  # 机构
    "places": _("Places"),  # 地名
}
RETENTION_TITLES = {"Y": _("Permanent"), "D30": _("30 years"), "D10": _("10 years")}
SORT_TITLES = (
    ("", _("Relevance")),
    ("archival_code", _("Archival code")),
    ("year", _("Year")),
    ("date", _("Date")),
    ("title", _("Title")),
)
#: the facet filters a value link sets (facet name → request parameter)
FACET_PARAMS = {
    "fonds": "fonds",
    "category": "category",
    "year": "year",
    "retention": "retention",
    "security_level": "security_level",
    "open_status": "open_status",
    "review_state": "review_state",
    "people": "people",
    "organisations": "organisations",
    "places": "places",
}
#: the form's parameters kept in paging and facet links
KEPT = (
    "q",
    "title",
    "archival_code",
    "archival_code_prefix",
    "document_number",
    "electronic_record_id",
    "author",
    "keywords",
    "org_code",
    "year_from",
    "year_to",
    "date_from",
    "date_to",
    "sort_on",
    "sort_order",
    *FACET_PARAMS.values(),
)


class ArchiveSearchView(BrowserView):
    """档案检索 / 公开目录."""

    error = ""
    outcome = None

    def __call__(self):
        self.anonymous = api.user.is_anonymous()
        self.searched = any(self.request.form.get(k) for k in KEPT)
        try:
            self.outcome = engine.run(self.request.form)
        except ArchiveError as error:
            self.error = error.message
            self.request.response.setStatus(400)
        return self.index()

    def t(self, msgid) -> str:
        """zh_CN of a msgid (a plain string is a msgid of sd.archive too)."""
        if not isinstance(msgid, Message):
            msgid = _(msgid)
        return translate(msgid, context=self.request)

    def value(self, name) -> str:
        value = self.request.form.get(name, "")
        return value[0] if isinstance(value, list) and value else (value or "")

    @property
    def portal_url(self) -> str:
        return api.portal.get().absolute_url()

    def rows(self) -> list[dict]:
        return rows(self.outcome, self.request) if self.outcome else []

    def _params(self, **changes) -> dict:
        params = {k: self.request.form[k] for k in KEPT if self.request.form.get(k)}
        params.update(changes)
        return {k: v for k, v in params.items() if v not in ("", None)}

    def url(self, **changes) -> str:
        return (
            f"{self.portal_url}/@@archive-search?{urlencode(self._params(**changes), doseq=True)}"
        )

    def facet_label(self, name, value) -> str:
        if name == "review_state":
            return state_title(value, self.request)
        if name == "retention" and value in RETENTION_TITLES:
            return self.t(RETENTION_TITLES[value])
        return str(value)

    def facets(self) -> list[dict]:
        if not self.outcome:
            return []
        out = []
        for name, counts in self.outcome.facets.items():
            if not counts or (self.anonymous and name in ("review_state", "open_status")):
                continue
            param = FACET_PARAMS[name]
            chosen = self.value(param)
            out.append(
                {
                    "name": name,
                    "title": self.t(FACET_TITLES[name]),
                    "entries": [
                        {
                            "label": self.facet_label(name, value),
                            "count": n,
                            "chosen": str(value) == chosen,
                            "url": self.url(
                                **{param: "" if str(value) == chosen else value, "b_start": ""}
                            ),
                        }
                        for value, n in counts[:20]
                    ],
                }
            )
        return out

    def paging(self) -> dict:
        if not self.outcome:
            return {}
        c, total = self.outcome.criteria, self.outcome.total
        prev_start = max(0, c.b_start - c.b_size)
        next_start = c.b_start + c.b_size
        return {
            "first": c.b_start + 1 if total else 0,
            "last": min(total, next_start),
            "total": total,
            "prev": self.url(b_start=prev_start) if c.b_start > 0 else "",
            "next": self.url(b_start=next_start) if next_start < total else "",
        }

    def sorts(self) -> list[tuple[str, str]]:
        return [(value, self.t(title)) for value, title in SORT_TITLES]

    def choices(self, name) -> list[tuple[str, str]]:
        """(value, label) for the select fields."""
        if name == "retention":
            return [(k, self.t(v)) for k, v in RETENTION_TITLES.items()]
        if name == "security_level":
            return [("公开", "公开"), ("内部", "内部")]
        if name == "open_status":
            return [("待审", "待审"), ("开放", "开放"), ("控制", "控制")]
        if name == "review_state":
            from sd.archive.search.results import STATE_TITLES

            return [(s, state_title(s, self.request)) for s in STATE_TITLES]
        return []


class ReindexSearchView(BrowserView):
    """``@@reindex-search`` (Manager): start a rebuild of the search index in the running site
    (a thread with its own connection) and follow its progress (重建检索索引)."""

    def __call__(self):
        from sd.archive.search import rebuild

        self.started = None
        if self.request.method == "POST" and self.request.form.get("start"):
            from plone.protect import CheckAuthenticator

            CheckAuthenticator(self.request)
            self.started = rebuild.start_in_background(
                api.portal.get(), api.user.get_current().getId()
            )
        self.progress = dict(rebuild.PROGRESS)
        self.line = rebuild.describe(self.progress) if self.progress["total"] else ""
        return self.index()
