"""Registry interfaces behind the control panels (系统配置)."""

from zope import schema
from zope.interface import Interface

from sd.archive import _


class IArchiveSettings(Interface):
    """Deployment settings (部署配置)."""

    network_domain = schema.Choice(
        title=_("This deployment's network domain"),  # 本节点网络域
        vocabulary="sd.archive.NetworkDomains",
        default="administrative",
    )
    production = schema.Bool(
        title=_("Production deployment"),  # 生产环境
        description=_("A production deployment refuses default passwords."),
        default=False,
    )
    digest_algorithms = schema.List(
        title=_("Digest algorithms"),  # 摘要算法
        value_type=schema.Choice(vocabulary="sd.archive.DigestAlgorithms"),
        default=["SM3", "SHA-256"],
    )
    transfer_after_years = schema.Int(
        title=_("Years in the records room before transfer"),  # 移交年限
        default=5,
        min=0,
    )
    max_package_bytes = schema.Int(
        title=_("Largest package accepted (bytes)"),
        default=4 * 1024**3,
        min=1024,
    )
    ledger_origin = schema.TextLine(
        title=_("Ledger origin"),  # 存证节点名称
        default="ledger.sd-archive.gov/administrative",
    )


class IArrangementSettings(Interface):
    """Templates for new fonds' arrangement rules (分类方案、归档范围与保管期限表模板).

    Each fonds keeps its own scheme and schedule (import/export on the fonds: @@arrangement-rules,
    REST ``@arrangement-rules``); a fonds without its own starts from the shipped files for
    J001/J002 or from these templates (XML as exported), re-labelled with its fonds code. The
    archival code rule of each category (DA/T 22-2015 or DA/T 13-2022) is part of the scheme.
    """

    template_scheme_xml = schema.Text(
        title=_("Template classification scheme (XML)"),  # 分类方案模板
        required=False,
        default="",
    )
    template_schedule_xml = schema.Text(
        title=_("Template archiving scope and retention schedule (XML)"),  # 保管期限表模板
        required=False,
        default="",
    )
