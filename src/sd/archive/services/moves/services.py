"""REST of whole-repository moves (整库迁移), see ``sd.archive.moves``.

- ``GET @repository-export``: every export started here with its progress;
- ``POST @repository-export``: start an export into the var directory in the background
  (202 with its id and ``Location``);
- ``POST @repository-import`` ``{"path": "/srv/move/2026-12" | "<export id>", "trust":
  ["<vkey>", …]}``: check and import the export in this request's transaction (200 with the
  outcome; 422 ``MoveRefused`` with every problem found, nothing imported; 400 a bad body).
"""

from __future__ import annotations

from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.moves import jobs
from sd.archive.moves.importer import import_repository
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import json_object


class ExportGet(ArchiveService):
    def reply(self):
        url = f"{self.context.absolute_url()}/@repository-export"
        return {"@id": url, "exports": jobs.list_exports()}


class ExportPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        run_id, _thread = jobs.start_export(self.context, api.user.get_current().getId())
        url = f"{self.context.absolute_url()}/@repository-export"
        self.request.response.setStatus(202)
        self.request.response.setHeader("Location", url)
        return {"@id": url, "id": run_id, "directory": str(jobs.exports_dir() / run_id)}


class ImportPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        body = json_object(self.request)
        trust = body.get("trust", [])
        if not isinstance(trust, list) or not all(isinstance(k, str) for k in trust):
            raise ArchiveError(
                "trust is a list of verification keys (信任的验证公钥列表)",
                [Problem("moves.trust", "a list of strings", "", "trust")],
                400,
                "BadRequest",
            )
        directory = jobs.export_path(body.get("path"))
        outcome = import_repository(self.context, directory, trust=trust)
        return {"@id": f"{self.context.absolute_url()}/@repository-import", **outcome}
