"""旧目录导入 page of a fonds (the Classic UI of ``@catalogue-import``): upload an XLSX, see
every row and every row's errors, then import — nothing is stored when any row fails.

The previewed sheet travels back in the form (base64, up to :data:`KEEP_BYTES`), so the
import stores exactly the sheet that was previewed."""

from __future__ import annotations

import base64
import binascii
import io

import transaction
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView

from sd.archive.catalogues.legacy import LegacyImport
from sd.archive.core.errors import ArchiveError

KEEP_BYTES = 5 * 1024 * 1024


class CatalogueImportView(BrowserView):
    rows = ()
    errors = ()
    message = ""
    imported = None
    sheet = ""

    def __call__(self):
        form = self.request.form
        if self.request.method == "POST" and ("form.preview" in form or "form.import" in form):
            CheckAuthenticator(self.request)
            data = self._data()
            if data is not None:
                self._run(data, store="form.import" in form)
        return self.index()

    def _data(self) -> bytes | None:
        upload = self.request.form.get("file")
        if upload is not None and getattr(upload, "filename", ""):
            data = upload.read()
        else:
            try:
                data = base64.b64decode(self.request.form.get("sheet", ""), validate=True)
            except (binascii.Error, ValueError):
                data = b""
        if not data:
            self.message = "请选择 XLSX 文件 (choose an XLSX file)"
            self.errors = [{"code": "IMPORT-FILE", "message": self.message}]
            return None
        if len(data) <= KEEP_BYTES:
            self.sheet = base64.b64encode(data).decode()
        return data

    def _run(self, data: bytes, store: bool):
        run = LegacyImport(self.context, io.BytesIO(data))
        try:
            if store:
                self.imported = run.apply()
                self.rows = self.imported["records"]
                self.sheet = ""
                return
            self.rows = run.preview()
            self.errors = [p.as_dict() for p in run.problems]
        except ArchiveError as error:
            transaction.doom()  # nothing of a refused sheet is stored
            self.message = error.message
            self.errors = [p.as_dict() for p in error.problems]
            self.rows = ()
