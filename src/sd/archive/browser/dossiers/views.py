"""案卷 pages: the fonds' volumes with the 新建案卷 form, a volume's page (its description and
卷内文件 in order), and the 组卷 / 调出 page (nothing ticked beforehand, a reason, a preview,
then the confirmation). The pages call ``sd.archive.dossiers``, as the REST services do; a
refusal shows which record broke which rule and stores nothing (the transaction is doomed)."""

from __future__ import annotations

import transaction
from AccessControl import Unauthorized
from plone import api
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView

from sd.archive import _
from sd.archive import dossiers
from sd.archive.core import dossiers as core
from sd.archive.core.errors import ArchiveError
from sd.archive.vocabularies import RETENTION_PERIODS
from sd.archive.vocabularies import SECURITY_LEVELS

ARRANGE = "sd.archive: Arrange volumes"
#: candidate records listed on the 组卷 page at most
LISTED = 500


class _Page(BrowserView):
    message = ""
    errors = ()

    def refused(self, error: ArchiveError):
        transaction.doom()  # nothing of a refused action is stored
        self.message = error.message
        self.errors = [p.as_dict() for p in error.problems]

    def may_arrange(self) -> bool:
        return api.user.has_permission(ARRANGE, obj=self.context)

    def retention_title(self, token):
        return dict(RETENTION_PERIODS).get(token, token or "")

    def text_date(self, value) -> str:
        return value.isoformat() if value else ""


class VolumesView(_Page):
    """案卷 of a fonds: 案卷号, 案卷题名, 年度, 保管期限, 件数, 页数; 新建案卷."""

    def __call__(self):
        form = self.request.form
        if self.request.method == "POST" and "form.create" in form:
            CheckAuthenticator(self.request)
            if not self.may_arrange():
                raise Unauthorized("sd.archive: Arrange volumes")
            values = {k: form.get(k, "") for k in dossiers.DESCRIPTION_FIELDS}
            try:
                dossier = dossiers.create_volume(self.context, values)
            except ArchiveError as error:
                self.refused(error)
            else:
                api.portal.show_message(_("Volume created."), self.request)
                return self.request.response.redirect(dossier.absolute_url())
        return self.index()

    def volumes(self):
        return dossiers.fonds_volumes(self.context)

    def retention_periods(self):
        return RETENTION_PERIODS

    def security_levels(self):
        return SECURITY_LEVELS

    def categories(self):
        """The categories of the fonds' scheme whose code rule is 按卷 (code, name)."""
        from sd.archive import rules
        from sd.archive.core import codes

        scheme = rules.fonds_scheme(self.context)
        return [(c.code, c.title) for c in scheme.categories if c.code_rule.level == codes.VOLUME]


class VolumeView(_Page):
    """A volume (案卷): its description (案卷级著录) and 卷内文件 in 卷内件号 order."""

    def records(self):
        return dossiers.volume_records(self.context)

    def security_title(self, token):
        return dict(SECURITY_LEVELS).get(token, token or "")


class VolumeArrangeView(_Page):
    """组卷 (mode ``place``) and 调出案卷 (mode ``remove``): preview, then confirm."""

    rows = ()
    done = None
    previewed = False

    def __call__(self):
        form = self.request.form
        if self.request.method == "POST" and ("form.preview" in form or "form.confirm" in form):
            CheckAuthenticator(self.request)
            self._run(confirm="form.confirm" in form)
            if self.done is not None:
                api.portal.show_message(self.done, self.request)
                return self.request.response.redirect(self.context.absolute_url())
        return self.index()

    def mode(self) -> str:
        return "remove" if self.request.form.get("mode") == "remove" else "place"

    def order(self) -> str:
        order = self.request.form.get("order") or core.ORDER_DATE
        return order if order in core.ORDERS else core.ORDER_DATE

    def selected(self) -> list[str]:
        uids = self.request.form.get("uids") or []
        return [uids] if isinstance(uids, str) else list(uids)

    def _run(self, confirm: bool):
        reason = self.request.form.get("reason", "")
        try:
            records = dossiers.resolve(self.context, self.selected())
            if self.mode() == "remove":
                if confirm:
                    dossiers.remove_from_volume(self.context, records, reason)
                    self.done = _("Records taken out of the volume.")
                    return
                self.rows = dossiers.plan_removal(self.context, records)
            else:
                if confirm:
                    dossiers.place_in_volume(self.context, records, reason, self.order())
                    self.done = _("Records put into the volume.")
                    return
                self.rows = dossiers.plan_placement(self.context, records, self.order())
            self.previewed = True
            if not reason.strip():
                self.errors = [{"code": "VOLUME-REASON", "message": "组卷、调卷须说明理由"}]
        except ArchiveError as error:
            self.refused(error)

    def candidates(self):
        """Records that may go into this volume: archived, of its 门类, 年度 and 保管期限, in
        the fonds but in no volume (the full check runs on preview)."""
        if self.mode() == "remove":
            return [
                {"UID": r.UID(), "archival_code": r.archival_code, "title": r.Title()}
                for r in dossiers.volume_records(self.context)
            ]
        fonds = self.context.aq_parent
        fonds_path = "/".join(fonds.getPhysicalPath())
        query = {
            "portal_type": "Record",
            "path": {"query": fonds_path, "depth": 1},
            "category_code": self.context.category,
            "archive_year": self.context.year,
            "retention_period": self.context.retention_period,
            "sort_on": "archival_code",
        }
        brains = api.portal.get_tool("portal_catalog").searchResults(**query)
        return [
            {"UID": b.UID, "archival_code": b.archival_code, "title": b.Title}
            for b in brains[:LISTED]
            if b.archival_code
        ]
