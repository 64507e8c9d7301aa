"""GET {request}/@access-copy?record=<UID>&disposition=inline|attachment: the watermarked
copy (带水印的复制件) of a record under an approved request, for its requester, within the
period. ``inline`` is online reading (在线阅览, any approved form), ``attachment`` a download
(下载复制件 or 档案证明 only). Each is entered in the register of use."""

from __future__ import annotations

import json

from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.access import usage
from sd.archive.core.errors import ArchiveError
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import error_body
from sd.archive.services.base import problem


class AccessCopyGet(ArchiveService):
    def render(self):
        """The PDF itself, or the error shape (the base's JSON rendering is for dicts)."""
        try:
            return self.reply()
        except ArchiveError as error:
            body = error_body(self.request, error)
        self.request.response.setHeader("Content-Type", "application/json")
        return json.dumps(body, ensure_ascii=False, indent=2)

    def reply(self):
        disposition = self.request.form.get("disposition", "attachment")
        if disposition not in ("inline", "attachment"):
            raise problem(
                400,
                "BadRequest",
                "disposition must be inline or attachment",
                "access.disposition",
                prop="disposition",
            )
        record = self.request.form.get("record", "")
        if not isinstance(record, str):
            raise problem(
                400, "BadRequest", "record must be one UID", "access.record", prop="record"
            )
        alsoProvides(self.request, IDisableCSRFProtection)
        action = "view" if disposition == "inline" else "download"
        name, data = usage.use(self.context, record, action)
        response = self.request.response
        response.setHeader("Content-Type", "application/pdf")
        response.setHeader("Content-Disposition", f'{disposition}; filename="{name}"')
        response.setHeader("Cache-Control", "no-store")
        response.setHeader("Content-Length", str(len(data)))
        return data
