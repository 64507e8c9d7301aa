"""Registry interfaces behind the control panels (系统配置)."""

from sd.archive import _
from zope import schema
from zope.interface import Interface


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
    """Classification scheme, archiving scope and retention schedule (分类方案、归档范围与保管期限表).

    Stored as the data files a manager exports and re-imports (XML); the rules themselves are
    read by ``sd.archive.core.scheme``. A fonds may carry its own copy.
    """

    code_grammar = schema.Choice(
        title=_("Default archival code grammar"),  # 档号规则
        vocabulary="sd.archive.CodeGrammars",
        default="DA/T 22-2015",
    )
    scheme_xml = schema.Text(
        title=_("Classification scheme (XML)"),  # 分类方案
        required=False,
        default="",
    )
    schedule_xml = schema.Text(
        title=_("Archiving scope and retention schedule (XML)"),  # 归档范围与保管期限表
        required=False,
        default="",
    )
