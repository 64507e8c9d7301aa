"""What may be proposed for an appraisal batch (可列入鉴定的档案): a record of the batch's
holdings whose retention period has run out, never a permanent one (永久), never one under a
hold (冻结), never one already in an open batch; one refused record refuses the whole
proposal."""

from __future__ import annotations

from dataclasses import dataclass

from sd.archive.core import retention
from sd.archive.core.errors import Problem

from .batch import KIND_STATES
from .batch import AppraisalRefused
from .batch import Kind
from .batch import refuse


@dataclass(frozen=True)
class Candidate:
    """What the rules need to know of a record proposed for a batch (候选档案)."""

    uid: str
    code: str
    state: str
    period: str | None
    due: object  # datetime.date | None
    holds: tuple = ()
    batch: str = ""  # the open batch already holding it, if any


def candidate_problems(candidate: Candidate, kind: Kind, today) -> list[Problem]:
    """Why ``candidate`` may not go into a batch of ``kind`` (empty when it may)."""
    obj = candidate.code or candidate.uid
    problems = []
    if candidate.state not in KIND_STATES[kind]:
        problems.append(
            Problem(
                "APPRAISAL-STATE",
                f"档案状态（{candidate.state}）不属于本类鉴定 / not a record of this kind of batch",
                obj,
                "review_state",
            )
        )
    if candidate.period and retention.is_valid_code(candidate.period):
        if retention.parse_period(candidate.period).permanent:
            problems.append(
                Problem(
                    "APPRAISAL-PERMANENT",
                    "永久保管的档案不得列入销毁鉴定 / a permanent record is never proposed",
                    obj,
                    "retention_period",
                )
            )
        elif candidate.due is None or today <= candidate.due:
            problems.append(
                Problem(
                    "APPRAISAL-NOT-DUE",
                    "保管期限未满，不得列入鉴定 / the retention period has not run out",
                    obj,
                    "retention_expiry",
                )
            )
    else:
        problems.append(
            Problem(
                "APPRAISAL-NO-PERIOD",
                "无有效保管期限 / no retention period",
                obj,
                "retention_period",
            )
        )
    if candidate.holds:
        problems.append(
            Problem(
                "APPRAISAL-HELD",
                "档案已冻结，不得列入鉴定 / the record is under a hold",
                obj,
                "holds",
            )
        )
    if candidate.batch:
        problems.append(
            Problem(
                "APPRAISAL-IN-BATCH",
                f"档案已在鉴定批次 {candidate.batch} 中 / already in an open batch",
                obj,
                "batch",
            )
        )
    return problems


def check_proposal(candidates: list[Candidate], kind: Kind, today) -> None:
    """Every candidate may go in, and there is at least one; else 409 (422 when empty) with
    one problem per refused record (nothing is half-proposed)."""
    if not candidates:
        raise refuse(422, "APPRAISAL-EMPTY", "未选择任何档案 / no records chosen", "", "records")
    problems = [p for c in candidates for p in candidate_problems(c, kind, today)]
    if problems:
        raise AppraisalRefused(
            "these records may not be proposed for appraisal (所选档案不得列入鉴定)", problems, 409
        )
