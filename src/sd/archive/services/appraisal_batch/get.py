"""GET {batch}/@appraisal-batch: the batch (summary), its records with each member's opinion
side by side and the group's outcome (意见并列), the execution's progress (destroyed, blocked,
carriers pending physical destruction) and the steps' log."""

from sd.archive.appraisal import batches
from sd.archive.appraisal import execution
from sd.archive.services.base import ArchiveService


class AppraisalBatchGet(ArchiveService):
    def reply(self):
        batch = self.context
        return {
            **batches.summary(batch),
            "items": batches.side_by_side(batch),
            "execution": execution.status(batch),
            "log": [dict(e) for e in getattr(batch, "step_log", None) or ()],
        }
