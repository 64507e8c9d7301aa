"""DA/T 46-2009 records metadata (文书类电子文件元数据) of one record (件)."""

from plone.autoform import directives
from plone.autoform.interfaces import IFormFieldProvider
from plone.schema import JSONField
from plone.supermodel import model
from z3c.form.interfaces import IAddForm
from z3c.form.interfaces import IEditForm
from zope import schema
from zope.interface import provider

from sd.archive import _

PROCESS_HISTORY_SCHEMA = """{
  "type": "array",
  "items": {"type": "object", "properties": {
     "sequence": {"type": "integer"}, "activity": {"type": "string"},
     "time": {"type": "string"}, "agent": {"type": "string"},
     "department": {"type": "string"}, "description": {"type": "string"}}}
}"""

AUDIT_SCHEMA = """{"type": "array", "items": {"type": "object"}}"""


@provider(IFormFieldProvider)
class IRecordsMetadata(model.Schema):
    """DA/T 46 records metadata behavior (文书类电子文件元数据)."""

    record_kind = schema.Choice(
        title=_("Record kind"), vocabulary="sd.archive.RecordKinds", default="电子公文"
    )  # 类型
    electronic_record_id = schema.TextLine(title=_("Electronic record number"))  # 电子文件号
    aggregation_level = schema.TextLine(title=_("Aggregation level"), default="文件")  # 聚合层次
    agency_name = schema.TextLine(title=_("Agency name"), required=False)  # 立档单位名称
    document_number = schema.TextLine(title=_("Document number"), required=False)  # 文件编号
    author = schema.TextLine(title=_("Author"), required=False)  # 责任者
    document_date = schema.Date(title=_("Date"), required=False)  # 日期
    document_type = schema.TextLine(title=_("Document type"), required=False)  # 文种
    security_level = schema.Choice(
        title=_("Security classification"),
        vocabulary="sd.archive.SecurityLevels",
        default="公开",
    )  # 密级
    # maintained by the system (#25): the open-access review's approval or the open/control
    # transition set it (sd.archive.openreview.status); never a plain edit
    directives.mode(open_status="display")
    open_status = schema.Choice(
        title=_("Open status"),
        vocabulary="sd.archive.OpenStatuses",
        default="待审",
        readonly=True,
    )  # 开放状态
    pages = schema.Int(title=_("Pages"), required=False, min=0)  # 页数
    keywords = schema.List(
        title=_("Keywords"), value_type=schema.TextLine(), required=False, default=[]
    )  # 关键词
    abstract = schema.Text(title=_("Abstract"), required=False)  # 摘要
    # JSON is not for people (页面不显示 JSON): the record page shows both logs as tables; the
    # add and edit forms leave them out (REST keeps them)
    directives.omitted(IAddForm, "process_history", "correction_log")
    directives.omitted(IEditForm, "process_history", "correction_log")
    process_history = JSONField(
        title=_("Processing history"),  # 办理过程 (业务实体)
        schema=PROCESS_HISTORY_SCHEMA,
        default=[],
        required=False,
    )
    directives.mode(correction_log="display")
    directives.read_permission(correction_log="sd.archive.ViewAuditLog")
    correction_log = JSONField(
        title=_("Metadata corrections"),  # 著录更正记录
        schema=AUDIT_SCHEMA,
        default=[],
        required=False,
        readonly=True,
    )
