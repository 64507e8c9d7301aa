"""POST {record}/@workflow/destroy refused in words (不得销毁, #25).

plone.restapi's transition answers a transition its guard hides with a bare 400
``WorkflowException``. For ``destroy`` of a record that may not be destroyed (permanent,
period not run out, under a hold; and always outside an appraisal batch's execution,
``DESTROY-BATCH-ONLY``) this answers 409 ``DestructionRefused`` with one problem per
broken rule (``DESTROY-PERMANENT``, ``DESTROY-NOT-DUE``, ``DESTROY-HELD``), Chinese first, and
changes nothing — to those who may destroy records at all; every other request goes on as
plone.restapi's.
"""

from __future__ import annotations

import json

from plone import api
from plone.restapi.services.workflow.transition import WorkflowTransition

from sd.archive.retention import DestructionRefused
from sd.archive.retention import destruction_problems
from sd.archive.services.base import error_body

#: who may destroy at all (the guard's permission): only they are told why not
DISPOSE = "sd.archive: Dispose records"


def lone_destruction(record) -> list:
    """A record is destroyed only by an executed appraisal batch (#25): the lone transition
    is refused with this problem (DESTROY-BATCH-ONLY), whatever else is true of the record."""
    from sd.archive.appraisal.execution import destruction_sanctioned
    from sd.archive.core.errors import Problem

    if destruction_sanctioned(record):
        return []
    return [
        Problem(
            "DESTROY-BATCH-ONLY",
            "档案只能经鉴定批次审批后由监销人监督销毁 / destroyed only by an executed "
            "appraisal batch",
            getattr(record, "archival_code", None) or record.getId(),
            "transition",
        )
    ]


class RecordWorkflowTransition(WorkflowTransition):
    def render(self):
        if self.transition == "destroy" and api.user.has_permission(DISPOSE, obj=self.context):
            problems = destruction_problems(self.context) + lone_destruction(self.context)
            if problems:
                body = error_body(self.request, DestructionRefused(problems))
                self.request.response.setHeader("Content-Type", "application/json")
                return json.dumps(body, ensure_ascii=False)
        return super().render()
