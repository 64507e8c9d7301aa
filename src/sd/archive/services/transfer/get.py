"""GET {batch}/@detection (移交接收检测报告): progress, package report and per-record results."""

from __future__ import annotations

from sd.archive.services.base import ArchiveService
from sd.archive.transfer import batch as state
from sd.archive.transfer.serialize import batch_body


class TransferDetectionGet(ArchiveService):
    """?outcome=failed|received filters the records."""

    def reply(self):
        body = batch_body(self.context)
        outcome = self.request.form.get("outcome")
        if outcome:
            body["records"] = [r for r in body["records"] if r["outcome"] == outcome]
        body["@id"] = f"{self.context.absolute_url()}/@detection"
        body["batch"] = self.context.absolute_url()
        body["stage"] = "transfer"
        body["result"] = (
            ("failed" if self.context.progress["failed"] else "passed")
            if state.is_done(self.context)
            else "running"
        )
        return body
