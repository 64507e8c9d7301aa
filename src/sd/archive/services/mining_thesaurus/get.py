"""GET {fonds}/@mining-thesaurus: the fonds' thesaurus as JSON (``{"terms": [{term, synonyms,
broader, note}]}``), or the XLSX sheet with ``?format=xlsx``. POST with an XLSX body: replace it
(200 with the terms; 4xx in the error shape listing every problem with its row, nothing
changed)."""

from __future__ import annotations

from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.mining.suggestions import thesaurus
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import body_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_BYTES = 10 * 1024 * 1024


class ThesaurusGet(ArchiveService):
    def render(self):
        if self.request.form.get("format") == "xlsx":
            response = self.request.response
            response.setHeader("Content-Type", XLSX)
            name = f"{self.context.fonds_code}-thesaurus.xlsx"
            response.setHeader("Content-Disposition", f'attachment; filename="{name}"')
            return thesaurus.export_xlsx(self.context)
        return super().render()

    def reply(self):
        terms = thesaurus.get(self.context)
        return {"fonds": self.context.fonds_code, "count": len(terms), "terms": terms.as_list()}


class ThesaurusPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        data = body_bytes(self.request, MAX_BYTES, "THESAURUS-SIZE")
        terms = thesaurus.import_xlsx(self.context, data)
        return {"fonds": self.context.fonds_code, "count": len(terms), "terms": terms.as_list()}
