"""REST of evidence renewal (证据续期), see ``sd.archive.preservation.renewal``."""

from __future__ import annotations

from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.preservation import renewal
from sd.archive.services.base import ArchiveService


class RenewalGet(ArchiveService):
    def reply(self):
        return {"@id": f"{self.context.absolute_url()}/@renewal", "runs": renewal.list_runs()}


class RenewalPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        run_id, _thread = renewal.start_in_background(self.context, api.user.get_current().getId())
        url = f"{self.context.absolute_url()}/@renewal"
        self.request.response.setStatus(202)
        self.request.response.setHeader("Location", url)
        return {"@id": url, "run_id": run_id}
