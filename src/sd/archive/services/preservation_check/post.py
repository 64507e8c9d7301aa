"""``POST {record|fonds|site}/@preservation-check``: run the preservation stage (长期保存检测)
now over the record, the fonds' records or the holdings; answers the run's summary.
``GET {site}/@preservation-check``: the runs; ``?run=<id>``: one run with its records.
``POST {record}/@detection-signoff``: ``{"run": N, "code": "BC-4-3", "object": "…",
"outcome": "passed"|"failed", "note": "…"}`` signs a manual result (人工检测签字)."""

from __future__ import annotations

from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive import detection
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.interfaces import IFonds
from sd.archive.interfaces import IRecord
from sd.archive.preservation import checks
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import json_object


def run_scope(context) -> dict:
    """Run over what ``context`` is: a record, a fonds, or (the site) the holdings."""
    actor = api.user.get_current().getId()
    if IRecord.providedBy(context):
        return checks.run([context], scope=context.archival_code or context.UID(), actor=actor)
    if IFonds.providedBy(context):
        records = checks.records_under(context)
        return checks.run(records, scope=context.fonds_code, actor=actor)
    return checks.run(checks.preserved_records(), scope="holdings", actor=actor)


class PreservationCheckPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        summary = run_scope(self.context)
        return {"@id": f"{self.context.absolute_url()}/@preservation-check", **summary}


class PreservationCheckGet(ArchiveService):
    def reply(self):
        url = f"{self.context.absolute_url()}/@preservation-check"
        run_id = self.request.form.get("run")
        if not run_id:
            return {"@id": url, "runs": checks.list_runs()}
        found = checks.run_details(run_id)
        if found is None:
            raise ArchiveError(
                "no such preservation check run (无此检测任务)",
                [Problem("preservation-check.run", "not stored", run_id, "run")],
                404,
                "NotFound",
            )
        return {"@id": f"{url}?run={run_id}", **found}


class DetectionSignOffPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        body = json_object(self.request)
        report = detection.sign_off(
            self.context,
            body.get("run", -1),
            str(body.get("code", "")),
            body.get("object"),
            str(body.get("outcome", "")),
            str(body.get("note", "")),
        )
        return {"@id": f"{self.context.absolute_url()}/@detection", "report": report}
