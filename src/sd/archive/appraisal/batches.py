"""Appraisal batches on the site (鉴定批次): group, proposal, opinions, submission, approval.

The rules are :mod:`sd.archive.core.appraisal.rules`; the site side lives in modules named
after what they do, and this module is the one name the rest of the site (services, pages,
the execution) uses for them:

- :mod:`.lookup`: finding records and batches, a batch's state, who the user is on it, the
  batch as REST and pages show it;
- :mod:`.steps`: each step logged on the batch and in the audit trail, transitions past
  their guard, commits between chunks;
- :mod:`.proposal`: the appraisal group (鉴定小组) and the proposal (提出鉴定批次);
- :mod:`.opinions`: the members' opinions (鉴定意见), side by side;
- :mod:`.approval`: submission and the leader's approval (提交审批、领导审批).

The records' own changes — 鉴定, 续存, 销毁 — are workflow transitions, which the ledger logs.
The execution (销毁执行) is :mod:`sd.archive.appraisal.execution`.
"""

from __future__ import annotations

from sd.archive import retention
from sd.archive.core.appraisal import rules
from sd.archive.core.appraisal.batch import Kind
from sd.archive.core.appraisal.batch import State

from .approval import apply_outcomes
from .approval import decide
from .approval import held_problems
from .approval import is_leader
from .approval import submit
from .lookup import APPRAISE
from .lookup import APPROVE
from .lookup import GROUP_KEY
from .lookup import OPEN_KEY
from .lookup import OPEN_STATES
from .lookup import PROPOSERS
from .lookup import batch_record
from .lookup import batch_state
from .lookup import batches_of
from .lookup import catalog
from .lookup import check_serves
from .lookup import fonds_of_batch
from .lookup import is_manager
from .lookup import may_see
from .lookup import open_batches
from .lookup import outcome_counts
from .lookup import record_by_uid
from .lookup import roles_on
from .lookup import state_of
from .lookup import summary
from .lookup import to_destroy
from .opinions import opinions_of
from .opinions import record_opinion
from .opinions import side_by_side
from .proposal import candidate
from .proposal import due_uids
from .proposal import group
from .proposal import item_of
from .proposal import propose
from .proposal import set_group
from .proposal import was_received
from .steps import commit_or_savepoint
from .steps import log_step
from .steps import step
from .steps import transition

__all__ = [
    "APPRAISE",
    "APPROVE",
    "GROUP_KEY",
    "OPEN_KEY",
    "OPEN_STATES",
    "PROPOSERS",
    "Kind",
    "State",
    "apply_outcomes",
    "batch_record",
    "batch_state",
    "batches_of",
    "candidate",
    "catalog",
    "check_serves",
    "commit_or_savepoint",
    "decide",
    "due_uids",
    "fonds_of_batch",
    "group",
    "held_problems",
    "is_leader",
    "is_manager",
    "item_of",
    "log_step",
    "may_see",
    "open_batches",
    "opinions_of",
    "outcome_counts",
    "propose",
    "record_by_uid",
    "record_opinion",
    "retention",
    "roles_on",
    "rules",
    "set_group",
    "side_by_side",
    "state_of",
    "step",
    "submit",
    "summary",
    "to_destroy",
    "transition",
    "was_received",
]
