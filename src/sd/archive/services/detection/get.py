"""GET {record}/@detection: the record's detection reports (检测报告); ``?format=pdf`` gives
the PDF of one run (``run=N``, default the latest)."""

import json

from sd.archive import detection
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import problem


class DetectionGet(ArchiveService):
    def render(self):
        if self.request.form.get("format") != "pdf":
            return super().render()
        runs = detection.reports(self.context)
        index = self.request.form.get("run")
        try:
            report = runs[int(index)] if index not in (None, "") else runs[-1]
        except (ValueError, IndexError):
            self.request.response.setStatus(404)
            self.request.response.setHeader("Content-Type", "application/json")
            error = problem(
                404,
                "NotFound",
                "no such detection run",
                "detection.run",
                f"{len(runs)} runs stored",
                str(index),
            )
            return json.dumps(error.as_dict(), ensure_ascii=False)
        self.request.response.setHeader("Content-Type", "application/pdf")
        return detection.report_pdf(self.context, report)

    def reply(self):
        runs = detection.reports(self.context)
        url = f"{self.context.absolute_url()}/@detection"
        return {
            "@id": url,
            "reports": [{**run, "pdf": f"{url}?format=pdf&run={n}"} for n, run in enumerate(runs)],
        }
