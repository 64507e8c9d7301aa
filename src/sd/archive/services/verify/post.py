"""POST @verify: a file, a package or a digest against the holdings and the ledger (核验)."""

from __future__ import annotations

from zope.interface import alsoProvides

from sd.archive.ledger import verification
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import json_object


class VerifyPost(ArchiveService):
    """``multipart/form-data`` with ``file`` or ``package``; a raw body (``application/zip``
    is read as a package, anything else as a file); or JSON ``{"digest": "…"}``."""

    def reply(self):
        from plone.protect.interfaces import IDisableCSRFProtection

        alsoProvides(self.request, IDisableCSRFProtection)  # read-only: nothing is written
        return self._answer()

    def _answer(self) -> dict:
        request = self.request
        form = request.form
        content_type = (request.getHeader("Content-Type") or "").split(";")[0].strip()
        if content_type == "application/json":
            body = json_object(request)
            if "digest" not in body:
                raise verification.bad('JSON body must be {"digest": "…"}', obj="digest")
            return verification.verify_digest(str(body["digest"]))
        upload = form.get("package") or form.get("file")
        if upload is not None and hasattr(upload, "read"):
            name = getattr(upload, "filename", "") or "upload"
            upload.seek(0)
            if form.get("package") is not None:
                return verification.verify_package(upload, name)
            return verification.verify_stream(upload, name)
        if form.get("digest"):
            return verification.verify_digest(str(form["digest"]))
        stream = request.stdin
        stream.seek(0)
        if content_type in ("application/zip", "application/x-zip-compressed"):
            return verification.verify_package(stream, "package")
        if content_type in ("", "application/x-www-form-urlencoded", "multipart/form-data"):
            raise verification.bad("send a file, a package or a digest")
        return verification.verify_stream(stream, "body")
