"""归档文件目录 page of a fonds: choose 年度 / 类别 / 保管期限, download XLSX or PDF."""

from __future__ import annotations

from plone import api
from Products.Five.browser import BrowserView

from sd.archive.catalogues.item import FORMATS
from sd.archive.catalogues.item import CatalogueSelection
from sd.archive.catalogues.item import render
from sd.archive.core.errors import ArchiveError
from sd.archive.services.catalogue.get import send_file


class CatalogueView(BrowserView):
    """The form; with ``format`` (a download button) the file itself."""

    error = ""

    def __call__(self):
        kind = self.request.form.get("format")
        if kind in FORMATS:
            try:
                data, media_type, name = render(
                    self.context, CatalogueSelection.from_form(self.request.form), kind
                )
            except ArchiveError as error:
                self.error = str(error)
            else:
                return send_file(self.request.response, data, media_type, name)
        return self.index()

    def selection(self):
        try:
            return CatalogueSelection.from_form(self.request.form)
        except ArchiveError:
            return CatalogueSelection()

    def _facet(self, index):
        catalog = api.portal.get_tool("portal_catalog")
        return sorted(v for v in catalog.uniqueValuesFor(index) if v not in (None, ""))

    def years(self):
        return [str(y) for y in self._facet("archive_year")]

    def categories(self):
        return self._facet("category_code")

    def retentions(self):
        return self._facet("retention_period")

    def count(self):
        """How many 件 the current selection lists (those with a 档号)."""
        catalog = api.portal.get_tool("portal_catalog")
        brains = catalog.searchResults(**self.selection().query(self.context))
        return sum(1 for b in brains if b.archival_code)
