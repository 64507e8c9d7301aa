"""``POST {record|fonds|site}/@preservation-check``: run the preservation stage (长期保存检测)
over the record, the fonds' records or the holdings. A record's run answers its summary (200).
A fonds' or the holdings' run works in a thread of its own: the answer waits for it up to
``?wait=<seconds>`` (default 10, at most 60) and is then the summary (200) or, still running,
``202 Accepted`` with the run id, its progress and ``Location`` to poll; ``Prefer:
respond-async`` (RFC 7240) answers 202 at once.
``GET {site}/@preservation-check``: the runs (an unfinished one with its progress);
``?run=<id>``: one run with its records (those checked so far while it runs).
``POST {record}/@detection-signoff``: ``{"run": N, "code": "BC-4-3", "object": "…",
"outcome": "passed"|"failed", "note": "…"}`` signs a manual result (人工检测签字)."""

from __future__ import annotations

from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive import detection
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.interfaces import IRecord
from sd.archive.preservation import checks
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import json_object

DEFAULT_WAIT, MAX_WAIT = 10.0, 60.0


def wait_seconds(request) -> float:
    """How long the answer waits for a background run (0 with ``Prefer: respond-async``)."""
    if "respond-async" in (request.getHeader("Prefer") or ""):
        return 0.0
    try:
        return max(0.0, min(float(request.form.get("wait", DEFAULT_WAIT)), MAX_WAIT))
    except (TypeError, ValueError):
        raise ArchiveError(
            "wait must be a number of seconds (等待时间须为秒数)",
            [Problem("preservation-check.wait", "not a number", request.form.get("wait"), "wait")],
            400,
            "BadRequest",
        ) from None


def run_scope(context, wait: float = DEFAULT_WAIT) -> dict:
    """Run over what ``context`` is: a record now; a fonds or (the site) the holdings in the
    background, waiting up to ``wait`` seconds for it. The summary, or the unfinished run."""
    actor = api.user.get_current().getId()
    scope, uids = checks.scope_of(context)
    if IRecord.providedBy(context):
        return checks.run([context], scope=scope, actor=actor)
    run_id, thread = checks.start_in_background(api.portal.get(), scope, uids, actor)
    thread.join(wait)
    return checks.run_details(run_id)


class PreservationCheckPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        wait = wait_seconds(self.request)
        found = run_scope(self.context, wait)
        site_url = api.portal.get().absolute_url()
        if not found.get("complete"):
            self.request.response.setStatus(202)
            self.request.response.setHeader(
                "Location", f"{site_url}/@preservation-check?run={found['run_id']}"
            )
        return {"@id": f"{self.context.absolute_url()}/@preservation-check", **found}


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
