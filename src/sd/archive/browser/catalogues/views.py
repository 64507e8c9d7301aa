"""目录 page of a fonds: choose the kind (归档文件目录, 案卷目录, 卷内目录, 卷内备考表) and
年度 / 类别 / 保管期限, download XLSX or PDF, or print the 归档章 of the selection; the same
page of a volume lists its own outputs (``sd.archive.catalogues.outputs``)."""

from __future__ import annotations

import math

from plone import api
from Products.Five.browser import BrowserView

from sd.archive import _
from sd.archive.catalogues.item import FORMATS
from sd.archive.catalogues.item import CatalogueSelection
from sd.archive.catalogues.outputs import kinds_of
from sd.archive.catalogues.outputs import render
from sd.archive.core.errors import ArchiveError
from sd.archive.services.catalogue.get import send_file

# PDF takes about 1.0–2.0 s per 1,000 records (docs/catalogues.md, bench/RESULTS.md); the
# page warns above LONG_WORK records with the slower figure.
LONG_WORK = 1000
PDF_SECONDS_PER_1000 = 2


def expected_seconds(count: int, per_1000: float = PDF_SECONDS_PER_1000) -> int:
    """Roughly how long a PDF of ``count`` records takes (rounded up, at least 1 s)."""
    return max(1, math.ceil(count * per_1000 / 1000))


# Buttons marked data-sd-working (long work) show a spinner and 正在生成… once clicked and stay
# disabled for about the expected time (the file arrives as a download; the page stays).
WORKING_SCRIPT = """<script>
document.querySelectorAll("button[data-sd-working]").forEach(function (button) {
  button.form.addEventListener("submit", function (event) {
    if (event.submitter !== button) { return; }
    var label = button.innerHTML, text = document.getElementById("sd-working-label");
    setTimeout(function () {
      button.disabled = true;
      button.innerHTML = '<span class="spinner-border spinner-border-sm"'
        + ' aria-hidden="true"></span> ' + (text ? text.textContent : "");
      setTimeout(function () { button.disabled = false; button.innerHTML = label; },
                 (Number(button.dataset.sdSeconds) || 10) * 1000 + 5000);
    }, 0);
  });
});
</script>"""


#: the kinds' labels on the page (msgids; zh_CN in the .po)
KIND_LABELS = {
    "items": _("Item catalogue"),
    "volumes": _("Volume catalogue"),
    "contents": _("Volume contents list"),
    "notes": _("Volume notes sheet"),
    "stamps": _("Archiving stamps"),
}


class CatalogueView(BrowserView):
    """The form; with ``format`` (a download button) the file itself; with ``stamps`` (the
    归档章 button) the stamp sheets of the selection as PDF."""

    error = ""

    def __call__(self):
        form = dict(self.request.form)
        if form.get("stamps"):
            form.update(kind="stamps", format="pdf")
        if form.get("format") in FORMATS:
            try:
                data, media_type, name = render(self.context, form)
            except ArchiveError as error:
                self.error = str(error)
            else:
                return send_file(self.request.response, data, media_type, name)
        return self.index()

    def kinds(self):
        """(kind, label) of the catalogues this context has (归档章 has its own button)."""
        return [(k, KIND_LABELS[k]) for k in kinds_of(self.context) if k != "stamps"]

    def kind(self):
        return self.request.form.get("kind") or kinds_of(self.context)[0]

    def volume_count(self):
        """How many 卷 of the selection the volume catalogues list."""
        catalog = api.portal.get_tool("portal_catalog")
        return len(catalog.searchResults(**self.selection().query(self.context, "Dossier")))

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

    working_script = WORKING_SCRIPT

    def count(self):
        """How many 件 the current selection lists (those with a 档号)."""
        catalog = api.portal.get_tool("portal_catalog")
        brains = catalog.searchResults(**self.selection().query(self.context))
        return sum(1 for b in brains if b.archival_code)

    def long_work(self, count: int) -> dict | None:
        """Over LONG_WORK records: the PDF note's figures, else None."""
        if count <= LONG_WORK:
            return None
        return {"count": count, "seconds": expected_seconds(count)}
