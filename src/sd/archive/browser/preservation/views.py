"""Preservation pages (长期保存页面): overview with fixity runs and progress, run details,
alarms, carriers; the record viewlet with AIP versions and conversion; the alarm viewlet."""

from __future__ import annotations

import json

from plone import api
from plone.app.layout.viewlets import ViewletBase
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView
from zExceptions import BadRequest

from sd.archive import _
from sd.archive.browser.times import BeijingTimeMixin
from sd.archive.core.errors import ArchiveError
from sd.archive.detection import RESULT_TITLES
from sd.archive.preservation import alarms
from sd.archive.preservation import checks
from sd.archive.preservation import config
from sd.archive.preservation import conversion
from sd.archive.preservation import discs
from sd.archive.preservation import fixity
from sd.archive.preservation import postprocess
from sd.archive.preservation import store
from sd.archive.preservation.package import carriers
from sd.archive.preservation.package import components

ALARM_PERMISSION = "sd.archive: View preservation alarms"
MANAGE_PERMISSION = "sd.archive: Manage preservation"
CHECK_WAIT = 5.0  # seconds the page waits for a check run before showing its progress


def _configured() -> tuple[list, list]:
    """(locations, policy problems); a missing var directory is a problem too."""
    try:
        locations = config.locations()
    except ArchiveError as error:
        return [], [p.message for p in error.problems] or [error.message]
    return locations, [p.message for p in config.policy().check(locations)]


class PreservationOverview(BeijingTimeMixin, BrowserView):
    """@@preservation: locations, policy, fixity runs (with progress), alarms, carriers."""

    def __call__(self):
        if self.request.method == "POST":
            CheckAuthenticator(self.request)
            if not api.user.has_permission(MANAGE_PERMISSION, obj=self.context):
                raise BadRequest("无权操作: not allowed")
            form = self.request.form
            if form.get("start_fixity"):
                fixity.start_in_background(
                    self.context, form["location"], api.user.get_current().getId()
                )
                api.portal.show_message(_("Fixity run started."), self.request)
            elif form.get("preservation_check"):
                self.start_check()
            elif form.get("resolve_alarm"):
                alarms.resolve_alarm(
                    form["alarm_id"], api.user.get_current().getId(), form.get("note", "")
                )
                api.portal.show_message(_("Alarm resolved."), self.request)
            self.request.response.redirect(self.context.absolute_url() + "/@@preservation")
            return ""
        return self.index()

    def can_manage(self):
        return api.user.has_permission(MANAGE_PERMISSION, obj=self.context)

    def start_check(self, wait: float = CHECK_WAIT) -> None:
        """Start the holdings' preservation check in the background; say it finished when it
        did within ``wait`` seconds, else that it runs (its row shows the progress)."""
        scope, uids = checks.scope_of(self.context)
        actor = api.user.get_current().getId()
        run_id, thread = checks.start_in_background(self.context, scope, uids, actor)
        thread.join(wait)
        found = checks.run_details(run_id) or {}
        if found.get("complete"):
            message = _(
                "Preservation check finished: ${total} records, ${failed} failed.",
                mapping={"total": found["total"], "failed": found["failed"]},
            )
        else:
            message = _(
                "Preservation check started: ${total} records; its progress shows below.",
                mapping={"total": len(uids)},
            )
        api.portal.show_message(message, self.request)

    def status(self):
        locations, problems = _configured()
        return {"locations": locations, "problems": problems}

    def queue(self):
        """The after-archiving queue: how many records wait for their seal and AIP, and for the
        text of their files (#30: queued, or waiting for a retry)."""
        from sd.archive.text import queue as text_queue
        from sd.archive.text import store as text_store

        return {
            "pending": postprocess.pending(),
            "oldest": postprocess.entries(limit=5),
            "text_pending": text_queue.pending(),
            "text_retries": text_store.retry_count(),
        }

    def runs(self):
        try:
            return fixity.list_runs()
        except ArchiveError:
            return []

    def check_runs(self):
        """The preservation-stage runs (长期保存检测), newest first."""
        try:
            return checks.list_runs()
        except ArchiveError:
            return []

    def scope_title(self, row):
        return "全部馆藏" if row.get("scope") == "holdings" else row.get("scope", "")

    def alarms(self):
        return sorted(alarms.open_alarms(), key=lambda a: a["raised"], reverse=True)

    def carriers(self):
        try:
            return sorted(discs.carrier_register().carriers.values(), key=lambda c: c.carrier_id)
        except ArchiveError:
            return []

    def ferry(self):
        """The ferry to the archives LAN: AIP versions not sent, bundles without a receipt."""
        from sd.archive.ferry import outbox

        try:
            return {"not_sent": len(outbox.not_sent()), "unconfirmed": outbox.unconfirmed()}
        except ArchiveError:
            return {"not_sent": 0, "unconfirmed": []}

    def check_percent(self, row):
        """Per cent of a check run's records checked (its progress file)."""
        done = (row.get("progress") or {}).get("done", 0)
        return int(100 * done / row["total"]) if row.get("total") else 0

    def percent(self, row):
        p = row.get("progress") or {}
        total = p.get("total") or row.get("total") or 0
        return int(100 * p.get("done", 0) / total) if total else (100 if row["complete"] else 0)

    def counts(self, row):
        """(files checked, files in the run): done / total beside the bar."""
        p = row.get("progress") or {}
        total = p.get("total") or row.get("total") or 0
        return (total if row["complete"] and not p else p.get("done", 0)), total


class PreservationCheckRunView(BeijingTimeMixin, BrowserView):
    """@@preservation-check-run?run_id=…: one preservation-stage run, record by record."""

    def details(self):
        found = checks.run_details(self.request.form.get("run_id", ""))
        if found is None:
            return None
        for row in found["records"]:
            record = store.record_by_uid(row["uid"])
            row["url"] = f"{record.absolute_url()}/@@detection-report" if record else ""
            row["result_title"] = RESULT_TITLES.get(row["result"], row["result"])
        return found

    def scope_title(self, row):
        return "全部馆藏" if row.get("scope") == "holdings" else row.get("scope", "")

    check_percent = PreservationOverview.check_percent


class FixityProgressJSON(BrowserView):
    """@@preservation-progress: the runs as JSON, polled by the overview's progress bars."""

    def __call__(self):
        self.request.response.setHeader("Content-Type", "application/json")
        return json.dumps(fixity.list_runs(), ensure_ascii=False)


class FixityRunView(BeijingTimeMixin, BrowserView):
    """@@preservation-run?run_id=…: the kept result of one run, its progress while it runs."""

    def details(self):
        run_id = self.request.form.get("run_id", "")
        return fixity.run_details(run_id) if run_id else None

    def unfinished(self):
        """The run's row (progress, total) while it is still running, else None."""
        run_id = self.request.form.get("run_id", "")
        try:
            rows = fixity.list_runs() if run_id else []
        except ArchiveError:
            return None
        return next((r for r in rows if r["run_id"] == run_id and not r["complete"]), None)

    percent = PreservationOverview.percent
    counts = PreservationOverview.counts


class AlarmViewlet(BeijingTimeMixin, ViewletBase):
    """A banner for archivists and the security auditor while preservation alarms are open."""

    def update(self):
        super().update()
        self.count = 0
        if api.user.is_anonymous():
            return
        portal = api.portal.get()
        if api.user.has_permission(ALARM_PERMISSION, obj=portal):
            self.count = len(alarms.open_alarms(portal))
        self.url = portal.absolute_url() + "/@@preservation"

    def render(self):
        return self.index() if self.count else ""


class RecordPreservationViewlet(BeijingTimeMixin, ViewletBase):
    """AIP versions, carriers and conversion actions on the record page."""

    def update(self):
        super().update()
        self.versions = store.versions(self.context)
        self.pending = postprocess.is_pending(self.context)
        self.carriers = carriers(self.context)
        self.can_convert = api.user.has_permission(MANAGE_PERMISSION, obj=self.context)
        self.components = [
            {
                "id": c.getId(),
                "title": c.file.filename if c.file else c.getId(),
                "url": c.absolute_url(),
                "version_of": getattr(c, "version_of", None),
                "attestation": conversion.attestation(c),
            }
            for c in components(self.context)
        ]

    def render(self):
        return self.index() if self.versions or self.carriers or self.pending else ""


class ConvertComponent(BrowserView):
    """POST @@preservation-convert on a component: add its preservation-format version."""

    def __call__(self):
        if self.request.method != "POST":
            raise BadRequest("只接受提交表单（POST）: POST only")
        CheckAuthenticator(self.request)
        record = self.context.__parent__
        try:
            new, _att = conversion.convert_component(self.context)
        except ArchiveError as error:
            self.request.response.setStatus(error.status)
            self.request.response.setHeader("Content-Type", "application/json")
            return json.dumps(error.as_dict(), ensure_ascii=False)
        if new is None:
            api.portal.show_message(
                _("Already in a preservation format: kept as is."), self.request
            )
        else:
            api.portal.show_message(_("Converted; the original is kept."), self.request)
        self.request.response.redirect(record.absolute_url())
        return ""
