"""检测报告 page of a record: every run with its items; a PDF per run; manual results signed
off here (人工检测签字) and the preservation stage run on demand (长期保存检测)."""

from plone import api
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView

from sd.archive import _
from sd.archive import detection
from sd.archive.browser.times import BeijingTimeMixin
from sd.archive.core.errors import ArchiveError

MANAGE_PRESERVATION = "sd.archive: Manage preservation"


class DetectionReportView(BeijingTimeMixin, BrowserView):
    def __call__(self):
        if self.request.method == "POST":
            CheckAuthenticator(self.request)
            self.handle(self.request.form)
            return self.request.response.redirect(
                f"{self.context.absolute_url()}/@@detection-report"
            )
        return self.index()

    def can_run_preservation(self):
        return api.user.has_permission(MANAGE_PRESERVATION, obj=self.context)

    def handle(self, data):
        try:
            if "preservation_check" in data:
                if not self.can_run_preservation():
                    raise ArchiveError(
                        "你无权运行长期保存检测 / you may not run it", [], 403, "Forbidden"
                    )
                from sd.archive.preservation import checks

                summary = checks.run(
                    [self.context],
                    scope=self.context.archival_code or self.context.UID(),
                    actor=api.user.get_current().getId(),
                )
                api.portal.show_message(
                    _(
                        "Preservation check finished: ${result}.",
                        mapping={
                            "result": detection.RESULT_TITLES.get(
                                summary["records"][0]["result"], summary["records"][0]["result"]
                            )
                        },
                    ),
                    self.request,
                )
            elif "sign_off" in data:
                detection.sign_off(
                    self.context,
                    data.get("run", ""),
                    data.get("code", ""),
                    data.get("object") or None,
                    data.get("outcome", ""),
                    data.get("note", ""),
                )
                api.portal.show_message(_("Manual item signed off."), self.request)
        except ArchiveError as exc:
            api.portal.show_message(exc.message, self.request, "error")

    def runs(self):
        titles = detection.item_titles()
        runs = []
        for n, run in enumerate(reversed(detection.reports(self.context))):
            number = len(detection.reports(self.context)) - 1 - n
            runs.append(
                {
                    **run,
                    "number": number,
                    "stage_title": detection.STAGE_TITLES.get(run.get("stage"), run.get("stage")),
                    "result_title": detection.RESULT_TITLES.get(
                        run.get("result"), run.get("result")
                    ),
                    "pdf": f"{self.context.absolute_url()}/@@detection-report.pdf?run={number}",
                    "items": [
                        {
                            **item,
                            "title": titles.get(item.get("code"), ""),
                            "property_title": detection.PROPERTY_TITLES.get(
                                item.get("property"), ""
                            ),
                            "result_title": detection.RESULT_TITLES.get(item.get("result"), ""),
                            "signed_time": self.beijing_time(item["signed_at"])
                            if item.get("signed_at")
                            else "",
                        }
                        for item in run.get("items", [])
                    ],
                }
            )
        return runs


class DetectionReportPDF(BrowserView):
    def __call__(self):
        runs = detection.reports(self.context)
        try:
            report = runs[int(self.request.form.get("run", len(runs) - 1))]
        except (ValueError, IndexError):
            self.request.response.setStatus(404)
            return "无此检测记录: no such detection run"
        self.request.response.setHeader("Content-Type", "application/pdf")
        name = f"{self.context.getId()}-detection.pdf"
        self.request.response.setHeader("Content-Disposition", f'inline; filename="{name}"')
        return detection.report_pdf(self.context, report)
