"""政务服务 metadata (DA/T 85 / GB/T 42727): item, case, applicant, acceptance, result."""

from plone.autoform.interfaces import IFormFieldProvider
from plone.supermodel import model
from zope import schema
from zope.interface import provider

from sd.archive import _

#: the government-service fields of a record (政务服务): DA/T 85 事项 and 办件
SERVICE_FIELDS = (
    "service_item_name",
    "service_item_code",
    "case_number",
    "applicant_name",
    "accepting_department",
    "accepted_at",
    "completed_at",
    "handling_result",
)


@provider(IFormFieldProvider)
class IGovernmentService(model.Schema):
    """政务服务电子文件 metadata behavior."""

    model.fieldset(
        "government_service",
        label=_("Government service"),
        fields=list(SERVICE_FIELDS),
    )
    service_item_name = schema.TextLine(title=_("Service item name"), required=False)  # 事项名称
    service_item_code = schema.TextLine(title=_("Service item code"), required=False)  # 事项编码
    case_number = schema.TextLine(title=_("Case number"), required=False)  # 办件编号
    applicant_name = schema.TextLine(title=_("Applicant"), required=False)  # 申请人名称
    accepting_department = schema.TextLine(
        title=_("Accepting department"), required=False
    )  # 受理部门
    accepted_at = schema.Datetime(title=_("Accepted at"), required=False)  # 受理时间
    completed_at = schema.Datetime(title=_("Completed at"), required=False)  # 办结时间
    handling_result = schema.TextLine(title=_("Handling result"), required=False)  # 办理结果
