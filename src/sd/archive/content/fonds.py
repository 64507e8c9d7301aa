"""全宗 (Fonds): the records of one agency, its code, domain and service accounts."""

from plone.autoform import directives
from plone.dexterity.content import Container
from plone.supermodel import model
from zope import schema
from zope.interface import implementer

from sd.archive import _
from sd.archive.content.local_roles import LocalRolesReindexing
from sd.archive.interfaces import IFonds


class IFondsSchema(model.Schema):
    """Fields of a fonds (全宗)."""

    fonds_code = schema.ASCIILine(
        title=_("Fonds code"),  # 全宗号
        description=_("For example J001."),
        constraint=lambda v: bool(v) and v.isalnum() and len(v) <= 6,
    )
    agency_name = schema.TextLine(title=_("Agency name"))  # 立档单位名称
    credit_code = schema.ASCIILine(
        title=_("Unified social credit code"),  # 统一社会信用代码
        required=False,
        max_length=18,
    )
    network_domain = schema.Choice(
        title=_("Network domain"),  # 网络域
        vocabulary="sd.archive.NetworkDomains",
        default="administrative",
    )
    record_kinds = schema.Set(
        title=_("Record kinds"),  # 文件类型
        value_type=schema.Choice(vocabulary="sd.archive.RecordKinds"),
        default={"电子公文"},
    )
    own_records_room = schema.Bool(
        title=_("Runs its own digital records room system"),  # 自建数字档案室
        # a required yes/no field cannot be saved unticked: the form demands the box
        required=False,
        default=False,
    )
    directives.write_permission(public_reading="sd.archive.ManagePublicReading")
    public_reading = schema.Bool(
        title=_("Public reading of open records"),  # 开放档案公开阅览（匿名访客，带水印）
        description=_("Anonymous visitors may read this fonds' open records online, watermarked."),
        required=False,
        default=False,
    )


@implementer(IFonds)
class Fonds(LocalRolesReindexing, Container):
    """全宗: a folder of dossiers and records of one agency.

    Unordered (无序容器): an ordered folder rewrites one list of all its ids on every add, a
    ConflictError hot spot under concurrent intake that grows with every record. Records are
    found by archival code and catalog, never by manual position.
    """

    _ordering = "unordered"
