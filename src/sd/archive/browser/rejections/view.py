"""Rejected packages (退回/不合格): a page per fonds or for every fonds one may see, and one
rejection with its failed detection items.

Who sees a rejection: its submitting account, the records officers (档案员) of its fonds and
supervisors (``sd.archive: Supervise archiving``, managers). The REST ``@rejections`` shows
the submitter and supervisors theirs; this page adds the officers of the fonds, who act on them.
"""

from __future__ import annotations

from plone import api
from Products.Five.browser import BrowserView
from zope.i18n import translate

from sd.archive import _
from sd.archive.browser.times import beijing_time
from sd.archive.core.detection.catalogue import PROPERTY_ZH
from sd.archive.core.messages import code_phrase
from sd.archive.intake import rejections
from sd.archive.interfaces import IFonds

SUPERVISE = "sd.archive: Supervise archiving"
OFFICER_ROLE = "RecordsOfficer"
#: the interface a package came through (接口)
INTERFACES = {
    "archive": _("Archiving (@archive)"),
    "pre-archive": _("Pre-archiving (@pre-archive)"),
    "transfer": _("Transfer (@transfer)"),
}


class RejectionsView(BrowserView):
    """``@@rejections`` (list) and ``@@rejections?id=…`` (one rejection)."""

    def __call__(self):
        self.portal = api.portal.get()
        self.user = None if api.user.is_anonymous() else api.user.get_current()
        self.fonds = self.context if IFonds.providedBy(self.context) else None
        self.entry = None
        wanted = self.request.form.get("id")
        if wanted:
            entry = rejections.get_rejection(self.portal, str(wanted))
            if entry is None or not self.may_see(entry):
                self.request.response.setStatus(404)
            else:
                self.entry = self.row(entry)
        return self.index()

    # -- who sees what ---------------------------------------------------------------------

    def officer_codes(self) -> set[str]:
        """The fonds codes where the user is records officer (档案员)."""
        if self.user is None:
            return set()
        catalog = api.portal.get_tool("portal_catalog")
        found = set()
        for brain in catalog(portal_type="Fonds"):
            fonds = brain.getObject()
            if OFFICER_ROLE in self.user.getRolesInContext(fonds):
                found.add(fonds.fonds_code)
        return found

    def may_see(self, entry: dict) -> bool:
        if self.user is None:
            return False
        if self.fonds is not None and entry.get("fonds_code") != self.fonds.fonds_code:
            return False
        if entry.get("actor") == self.user.getId():
            return True
        if api.user.has_permission(SUPERVISE, obj=self.portal):
            return True
        if not hasattr(self, "_officer_codes"):
            self._officer_codes = self.officer_codes()
        return entry.get("fonds_code") in self._officer_codes

    # -- rows --------------------------------------------------------------------------------

    def items(self, limit: int = 200) -> list[dict]:
        """The newest rejections the user may see (of this fonds on a fonds)."""
        tree = rejections._store(self.portal)
        if tree is None or self.user is None:
            return []
        found = [e for e in tree.values() if self.may_see(e)]
        found.sort(key=lambda e: e["time"], reverse=True)
        return [self.row(rejections.readable(e)) for e in found[:limit]]

    def row(self, entry: dict) -> dict:
        interface = INTERFACES.get(entry.get("interface", ""))
        return {
            "id": entry["id"],
            "url": f"{self.context.absolute_url()}/@@rejections?id={entry['id']}",
            "time": beijing_time(entry.get("time")),
            "actor": entry.get("actor", ""),
            "fonds": entry.get("fonds_code", ""),
            "record_id": entry.get("electronic_record_id", ""),
            "interface": translate(interface, context=self.request)
            if interface is not None
            else entry.get("interface", ""),
            "message": entry.get("message", ""),
            "digest": (entry.get("package_digest") or {}).get("SM3", ""),
            "failed": [self.failed(e) for e in entry.get("errors", [])],
        }

    @staticmethod
    def failed(error: dict) -> dict:
        """One failed rule: its code, what it checks (中文), where, and the message."""
        code = error.get("code", "")
        return {
            "code": code,
            "rule": code_phrase(code).removesuffix("未通过"),
            "property": PROPERTY_ZH.get(error.get("property", ""), error.get("property", "")),
            "object": error.get("object", ""),
            "message": error.get("message", ""),
        }

    def list_url(self) -> str:
        return f"{self.context.absolute_url()}/@@rejections"
