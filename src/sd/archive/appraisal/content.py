"""鉴定批次 (AppraisalBatch): one appraisal of expired records of a fonds, and its destruction.

A thin item inside its fonds (added without the fonds' type filter: only
:mod:`sd.archive.appraisal.batches` makes one). What the batch holds — its records, the
group's opinions side by side, the outcomes, the approval, the execution's progress and the
offline carriers pending physical destruction — lives in attributes the module keeps; the
workflow ``sd_appraisal_workflow`` gives the state and the permissions, and its transitions
run only through the module (the guard view ``@@sd-appraisal-guard``).
"""

from plone.dexterity.content import Item
from plone.supermodel import model
from zope.interface import implementer

from sd.archive.interfaces import IAppraisalBatch


class IAppraisalBatchSchema(model.Schema):
    """No field is edited by hand: every change is a recorded step of the batch."""


@implementer(IAppraisalBatch)
class AppraisalBatch(Item):
    """鉴定批次."""

    kind = "agency"
    fonds_code = ""
    proposer = ""
    proposed = ""
    reason = ""
    members = ()
    approver = ""
    approved = ""
    approval_comment = ""
    supervisors = ()
    executor = ""
    executed = ""
    certificate_uid = ""
