"""POST {fonds}/@catalogue-import (旧目录导入): an XLSX legacy catalogue as the request body.

Without ``?preview=false``: 200 with every row as it would be stored and the problems (row
and column each), nothing stored. With ``?preview=false``: 201 with the records made, or a 422
in the error shape listing every failing row, and nothing stored (the base dooms the
transaction)."""

from __future__ import annotations

import io

from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.catalogues.legacy import LegacyImport
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import body_bytes

#: the largest sheet accepted (10,000 rows of a catalogue are well below)
MAX_BYTES = 20 * 1024 * 1024


class CatalogueImportPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        data = body_bytes(self.request, MAX_BYTES)
        run = LegacyImport(self.context, io.BytesIO(data))
        if self.request.form.get("preview") != "false":
            rows = run.preview()
            return {
                "preview": True,
                "records": rows,
                "errors": [p.as_dict() for p in run.problems],
            }
        result = run.apply()
        self.request.response.setStatus(201)
        return {"preview": False, **result}
