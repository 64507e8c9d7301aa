"""POST /{site}/@pre-archive and POST /{site}/@archive (预归档接口 / 归档接口).

The body is the package itself (``application/zip``; ``application/xml`` for a DA/T 48 EEP on
@archive) or ``multipart/form-data`` with the field ``package``. It is copied in chunks to a
temporary file (never held whole in memory) and handed to ``sd.archive.intake.flow.submit``.
"""

from __future__ import annotations

import tempfile

from AccessControl import getSecurityManager
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.services import Service
from zope.interface import alsoProvides

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.intake import flow
from sd.archive.intake.spool import discard
from sd.archive.intake.spool import spool
from sd.archive.intake.spool import too_large
from sd.archive.preservation.postprocess import foreground

ZIP_TYPES = ("application/zip", "application/x-zip-compressed", "application/octet-stream")
XML_TYPES = ("application/xml", "text/xml")
MULTIPART = "multipart/form-data"


class PackagePost(Service):
    """Shared by both interfaces; ``kind`` is the package kind of ``packages.md``."""

    kind = ""
    media_types = ZIP_TYPES

    def answer(self, result: flow.Answer):
        response = self.request.response
        response.setStatus(result.status)
        if result.location:
            response.setHeader("Location", result.location)
        for name, value in result.headers.items():
            response.setHeader(name, value)
        return result.body

    def check_permission(self):
        """Authentication and authorisation are answered in :meth:`reply` (401/403)."""

    def media_type(self) -> str:
        """The request's media type. Not named ``content_type``: that attribute of
        plone.restapi's ``Service`` is the answer's ``Content-Type`` (application/json)."""
        return (self.request.getHeader("Content-Type") or "").split(";", 1)[0].strip().lower()

    def body_stream(self):
        """The package stream: the request body file or the multipart field ``package``."""
        if self.media_type() == MULTIPART:
            upload = self.request.form.get("package")
            if upload is None or not hasattr(upload, "read"):
                raise ArchiveError("the multipart field 'package' is missing", [
                    Problem("request.package-missing",
                                 "send the package as the file field 'package'", "package",
                                 "request")])
            upload.seek(0)
            return upload
        stream = self.request.get("BODYFILE") or self.request.stdin
        stream.seek(0)
        return stream

    def reply(self):
        with foreground.running():  # the after-archiving worker waits meanwhile
            return self._reply()

    def _reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        portal = api.portal.get()
        if api.user.is_anonymous():
            self.request.response.setHeader("WWW-Authenticate", 'Basic realm="sd.archive"')
            return self.answer(flow.problem_answer(
                401, "Unauthorized", "log in with the service account of your fonds",
                "auth.required", "no credentials or wrong credentials", "", "authorization"))
        if not flow.may_submit_somewhere(portal):
            return self.answer(flow.problem_answer(
                403, "Forbidden", "this account may not submit packages",
                "auth.not-a-submitter", "only service accounts of a fonds and managers submit",
                "", "authorization"))
        media = self.media_type()
        if media not in (*self.media_types, MULTIPART):
            return self.answer(flow.problem_answer(
                415, "UnsupportedMediaType", f"{media or 'no content type'} is not accepted here",
                "request.media-type", f"send one of {', '.join((*self.media_types, MULTIPART))}",
                "Content-Type", "request"))
        limit = flow.max_package_bytes()
        length = self.request.getHeader("Content-Length")
        if length and length.isdigit() and int(length) > limit + (64 * 1024 if media == MULTIPART else 0):
            return self.answer(flow.error_answer(too_large(limit, int(length))))
        work = tempfile.mkdtemp(prefix="sd-spool-")
        spooled = None
        try:
            try:  # the package is read from the body while a copy is made beside it
                spooled = spool(self.body_stream(), work, limit, beside=True)
            except ArchiveError as exc:
                return self.answer(flow.error_answer(exc))
            if spooled.size == 0:
                return self.answer(flow.problem_answer(
                    400, "PackageUnreadable", "the request has no package", "request.empty",
                    "the body is empty", "", "request"))
            declared = (self.request.getHeader("X-Package-SM3") or "").strip() or None
            return self.answer(flow.submit(
                portal, self.kind, spooled,
                actor=getSecurityManager().getUser().getId(),
                idempotency_key=(self.request.getHeader("Idempotency-Key") or "").strip() or None,
                declared_digest=declared,
                workdir=work,
            ))
        finally:
            discard(work, spooled)


class PreArchivePost(PackagePost):
    """预归档接口: a pre-archive package (``packages.md`` §3), arranged here."""

    kind = "pre-archive"


class ArchivePost(PackagePost):
    """归档接口: an arranged archive package (§4) or a DA/T 48 EEP file."""

    kind = "archive"
    media_types = ZIP_TYPES + XML_TYPES
