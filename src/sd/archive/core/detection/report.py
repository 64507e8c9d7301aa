"""Detection results (检测结果与报告)."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import datetime

from sd.archive.core.errors import Problem

OUTCOMES = ("passed", "failed", "warning", "manual")
OUTCOME_ZH = {"passed": "通过", "failed": "不通过", "warning": "警告", "manual": "人工复核"}


@dataclass(frozen=True)
class Finding:
    """What one check found about one object (a check returns a list; empty = passed)."""

    outcome: str
    message: str
    object: str = ""


@dataclass(frozen=True)
class ItemResult:
    """One stored result line (检测结果): code, property, object, outcome, message."""

    code: str
    property: str
    object: str
    outcome: str
    message: str
    severity: str = "block"
    title_zh: str = ""

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "property": self.property,
            "object": self.object,
            "result": self.outcome,
            "message": self.message,
        }


@dataclass
class Report:
    """The report of one run (检测报告) at one stage on one subject."""

    stage: str
    catalogue_version: str
    time: datetime
    object: str = ""
    items: list[ItemResult] = field(default_factory=list)

    @property
    def result(self) -> str:
        """'failed' when any blocking item failed, else 'warning' when any warned, else 'passed'.

        Pending manual items do not make a run pass or fail; see :attr:`manual_items`.
        """
        outcomes = {i.outcome for i in self.items}
        if "failed" in outcomes:
            return "failed"
        return "warning" if "warning" in outcomes else "passed"

    @property
    def manual_items(self) -> list[ItemResult]:
        return [i for i in self.items if i.outcome == "manual"]

    def failed_codes(self) -> list[str]:
        return sorted({i.code for i in self.items if i.outcome == "failed"})

    def problems(self) -> list[Problem]:
        """Failed blocking items as structured problems (for the 422 body)."""
        return [
            Problem(code=i.code, message=i.message, object=i.object, property=i.property)
            for i in self.items
            if i.outcome == "failed"
        ]

    def as_dict(self) -> dict:
        return {
            "stage": self.stage,
            "catalogue_version": self.catalogue_version,
            "time": self.time.isoformat(),
            "object": self.object,
            "result": self.result,
            "items": [i.as_dict() for i in self.items],
        }
