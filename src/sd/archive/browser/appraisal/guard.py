"""``@@sd-appraisal-guard``: the guard of every transition of ``sd_appraisal_workflow``.

A batch's transitions (submit, approve, reject, execute, finish) pass only while
:mod:`sd.archive.appraisal.batches` runs that step (after its own checks: opinions complete,
the leader not the proposer, two supervisors …); through ``@workflow`` or the state menu
they never show and never run.
"""

from Acquisition import aq_base
from Products.Five.browser import BrowserView


class AppraisalGuard(BrowserView):
    def allows(self, transition: str) -> bool:
        return getattr(aq_base(self.context), "_v_appraisal_step", None) == transition
