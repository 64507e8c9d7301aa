"""保管期限 (retention): period, start, expiry, disposition state and holds."""

from plone.autoform import directives
from plone.autoform.interfaces import IFormFieldProvider
from plone.supermodel import model
from zope import schema
from zope.interface import provider

from sd.archive import _


@provider(IFormFieldProvider)
class IRetention(model.Schema):
    """保管期限 behavior."""

    model.fieldset(
        "retention",
        label=_("Retention"),
        fields=[
            "retention_period",
            "retention_start",
            "retention_expiry",
            "next_review",
            "disposition_state",
            "holds",
        ],
    )
    retention_period = schema.Choice(
        title=_("Retention period"),  # 保管期限
        vocabulary="sd.archive.RetentionPeriods",
        required=False,
    )
    retention_start = schema.Date(title=_("Retention starts"), required=False)  # 起算日期
    directives.mode(retention_expiry="display")
    retention_expiry = schema.Date(
        title=_("Retention expires"),  # 到期日期
        description=_("Computed from the period and the start; empty for permanent records."),
        required=False,
        readonly=True,
    )
    directives.mode(next_review="display")
    next_review = schema.Date(
        title=_("Next appraisal"),  # 下次鉴定日期
        description=_("Set when an appraisal keeps the record for more years."),
        required=False,
        readonly=True,
    )
    directives.mode(disposition_state="display")
    disposition_state = schema.Choice(
        title=_("Disposition state"),  # 处置状态
        vocabulary="sd.archive.DispositionStates",
        default="active",
        required=False,
        readonly=True,
    )
    # placed and lifted only through the holds action (sd.archive.holds, ``@holds``: the
    # ``sd.archive: Place holds`` permission, a reason, the record's log and the audit trail)
    holds = schema.List(
        title=_("Holds"),  # 冻结
        description=_("While any hold is present the record cannot be disposed of."),
        value_type=schema.TextLine(),
        default=[],
        required=False,
        readonly=True,
    )
