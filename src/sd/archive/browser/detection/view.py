"""检测报告 page of a record: every run with its items; a PDF per run."""

from Products.Five.browser import BrowserView

from sd.archive import detection
from sd.archive.browser.times import BeijingTimeMixin


class DetectionReportView(BeijingTimeMixin, BrowserView):
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
