"""A page that runs one step of a batch (批次操作页): appraisal and open-access review pages
run an action from a form; a refused step keeps its words on the page with its 4xx status
and dooms the transaction (nothing half-done), a step done says so."""

from __future__ import annotations

import transaction
from Products.Five.browser import BrowserView

from sd.archive.browser.times import beijing_time
from sd.archive.core.errors import ArchiveError


class StepPage(BrowserView):
    """``run(action, message)`` for the page's form; ``time(value)`` in 北京时间."""

    error = ""
    done = ""
    #: how many problems of a refusal the page lists, and whether each names its object
    problems_shown = 5
    problem_objects = False

    def run(self, action, message: str) -> bool:
        """Run a step; on refusal keep its words and 4xx, doom the transaction."""
        try:
            action()
        except ArchiveError as error:
            transaction.doom()
            self.request.response.setStatus(error.status)
            details = "；".join(
                (f"{p.object} {p.message}".strip() if self.problem_objects else p.message)
                for p in error.problems[: self.problems_shown]
            )
            self.error = f"{error.message}{'：' + details if details else ''}"
            return False
        self.done = message
        return True

    def time(self, value) -> str:
        return beijing_time(value) if value else ""
