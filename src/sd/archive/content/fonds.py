"""全宗 (Fonds): the records of one agency, its code, domain and service accounts."""

from plone.autoform import directives
from plone.dexterity.content import Container
from plone.supermodel import model
from zope import schema
from zope.interface import implementer

from sd.archive import _
from sd.archive.content.local_roles import LocalRolesReindexing
from sd.archive.interfaces import IFonds


def default_domain() -> str:
    """A new fonds lives in this node's domain (the administrative one on the archives LAN or
    a combined demonstration site, as before)."""
    from sd.archive.core.domains import FONDS_DOMAINS
    from sd.archive.domains import node_domain

    node = node_domain()
    return node if node in FONDS_DOMAINS[node] and node != "archives" else "administrative"


def default_kinds() -> set:
    """The record kinds of a new fonds: its node's, or electronic official documents."""
    from sd.archive.core.domains import KINDS
    from sd.archive.domains import node_domain

    kinds = KINDS[node_domain()]
    return set(kinds) if len(kinds) == 1 else {"电子公文"}


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
        title=_("Network domain"),  # 网络域: the domains this node may hold (sd.archive.domains)
        vocabulary="sd.archive.FondsDomains",
        defaultFactory=default_domain,
    )
    record_kinds = schema.Set(
        title=_("Record kinds"),  # 文件类型
        value_type=schema.Choice(vocabulary="sd.archive.NodeRecordKinds"),
        defaultFactory=default_kinds,
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


def keep_domain(fonds, event=None) -> None:
    """Store a new fonds' domain and record kinds (IObjectAddedEvent): their defaults follow
    the node's setting, and a default left unstored would follow it later too."""
    for name in ("network_domain", "record_kinds"):
        if name not in fonds.__dict__:
            setattr(fonds, name, getattr(fonds, name))
