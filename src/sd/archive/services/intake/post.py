"""POST /{site}/@pre-archive and POST /{site}/@archive (预归档接口 / 归档接口).

The body is the package itself (``application/zip``; ``application/xml`` for a DA/T 48 EEP on
@archive) or ``multipart/form-data`` with the field ``package``. It is copied in chunks to a
temporary file (never held whole in memory) and handed to ``sd.archive.intake.flow.submit``,
whose outcome or error the service base answers (``services/base.py``).
"""

from __future__ import annotations

import tempfile

from AccessControl import getSecurityManager
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.intake import flow
from sd.archive.intake.limits import max_package_bytes
from sd.archive.intake.spool import discard
from sd.archive.intake.spool import spool
from sd.archive.preservation.giveway import foreground
from sd.archive.services.base import MULTIPART
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import check_package_request
from sd.archive.services.base import media_type
from sd.archive.services.base import problem
from sd.archive.services.base import require_submitter

ZIP_TYPES = ("application/zip", "application/x-zip-compressed", "application/octet-stream")
XML_TYPES = ("application/xml", "text/xml")


class PackagePost(ArchiveService):
    """Shared by both interfaces; ``kind`` is the package kind of ``packages.md``.

    ZCML lets everyone who may view the site reach it: the submitter check
    (:func:`~sd.archive.services.base.require_submitter`) answers 401/403 in the error shape,
    since the Submitter role is granted on a fonds, not on the site."""

    kind = ""
    media_types = ZIP_TYPES
    #: whose service account to log in with, and what a non-submitter may not do
    whom, verb = "fonds", "submit"

    def check_permission(self):
        require_submitter(self.request, self.whom, self.verb)

    def media_type(self) -> str:
        return media_type(self.request)

    def body_stream(self):
        """The package stream: the request body file or the multipart field ``package``."""
        if self.media_type() == MULTIPART:
            upload = self.request.form.get("package")
            if upload is None or not hasattr(upload, "read"):
                raise ArchiveError(
                    "the multipart field 'package' is missing",
                    [
                        Problem(
                            "request.package-missing",
                            "send the package as the file field 'package'",
                            "package",
                            "request",
                        )
                    ],
                )
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
        check_package_request(self.request, self.media_types)
        work = tempfile.mkdtemp(prefix="sd-spool-")
        spooled = None
        try:
            # the package is read from the body while a copy is made beside it
            spooled = spool(self.body_stream(), work, max_package_bytes(), beside=True)
            if spooled.size == 0:
                raise problem(
                    400,
                    "PackageUnreadable",
                    "the request has no package",
                    "request.empty",
                    "the body is empty",
                    "",
                    "request",
                )
            declared = (self.request.getHeader("X-Package-SM3") or "").strip() or None
            return self.answer(
                flow.submit(
                    api.portal.get(),
                    self.kind,
                    spooled,
                    actor=getSecurityManager().getUser().getId(),
                    idempotency_key=(self.request.getHeader("Idempotency-Key") or "").strip()
                    or None,
                    declared_digest=declared,
                    workdir=work,
                )
            )
        finally:
            discard(work, spooled)


class PreArchivePost(PackagePost):
    """预归档接口: a pre-archive package (``packages.md`` §3), arranged here."""

    kind = "pre-archive"


class ArchivePost(PackagePost):
    """归档接口: an arranged archive package (§4) or a DA/T 48 EEP file."""

    kind = "archive"
    media_types = ZIP_TYPES + XML_TYPES
