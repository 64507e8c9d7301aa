"""整理规则 page of a fonds: scheme, schedule, export links and the import form."""

from plone import api
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView

from sd.archive import _
from sd.archive import rules
from sd.archive.core.errors import ArchiveError

CONTENT_TYPES = {"xml": "application/xml; charset=utf-8", "csv": "text/csv; charset=utf-8"}


class ArrangementRulesView(BrowserView):
    """Show the fonds' scheme and schedule; import a new file (strict, all-or-nothing)."""

    problems = ()

    def __call__(self):
        form = self.request.form
        if form.get("form.import"):
            CheckAuthenticator(self.request)
            if not self.can_manage():
                raise api.exc.InvalidParameterError("not allowed")  # pragma: no cover
            self.import_file(form.get("which", "scheme"), form.get("file"))
        return self.index()

    def can_manage(self):
        return api.user.has_permission("sd.archive: Manage configuration", obj=self.context)

    def import_file(self, which, upload):
        if upload is None or not getattr(upload, "filename", ""):
            self.problems = [{"message": _("Choose a file to import.")}]
            return
        fmt = "csv" if upload.filename.lower().endswith(".csv") else "xml"
        data = upload.read()
        try:
            rules.import_file(self.context, which, data, fmt)
        except ArchiveError as error:
            self.problems = [p.as_dict() for p in error.problems] or [{"message": error.message}]
            return
        api.portal.show_message(_("Imported."), self.request, type="info")

    def scheme(self):
        return rules.fonds_scheme(self.context)

    def schedule(self):
        return rules.fonds_schedule(self.context)


class ArrangementRulesExport(BrowserView):
    """Download the scheme or schedule as XML or CSV (a file to edit and re-import)."""

    def __call__(self):
        which = self.request.form.get("which", "scheme")
        fmt = self.request.form.get("format", "xml")
        if which not in ("scheme", "schedule") or fmt not in rules.FORMATS:
            self.request.response.setStatus(400)
            return (
                "导出参数有误（分类方案或保管期限表，XML 或 CSV）: "
                "which must be scheme|schedule and format xml|csv"
            )
        data = rules.export(self.context, which, fmt)
        name = f"{self.context.fonds_code}-{which}.{fmt}"
        self.request.response.setHeader("Content-Type", CONTENT_TYPES[fmt])
        self.request.response.setHeader("Content-Disposition", f'attachment; filename="{name}"')
        return data
