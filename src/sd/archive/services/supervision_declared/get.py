"""GET @declared-counts?fonds=J001&from=2023-01-01&to=2023-12-31: the declarations with the
records archived from each period (申报数与归档数). A supervisor may list every fonds (no
``fonds``); anyone else names a fonds they serve. A backwards range is a 400."""

from sd.archive.core.supervision.declared import period
from sd.archive.services.base import ArchiveService
from sd.archive.supervision import access
from sd.archive.supervision import declared


class DeclaredCountsGet(ArchiveService):
    def reply(self):
        form = self.request.form
        start, end = period(form.get("from"), form.get("to"))
        code = form.get("fonds")
        if code:
            codes = [access.fonds_for(code).fonds_code]
        else:
            access.require_login()
            if not access.supervises():
                access.fonds_for(None)  # 400: name the fonds
            from plone import api

            codes = api.portal.get_tool("portal_catalog").uniqueValuesFor("fonds_code")
        return {
            "@id": f"{self.context.absolute_url()}/@declared-counts",
            "items": declared.listing(codes, start, end),
        }
