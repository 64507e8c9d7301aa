"""Site-wide registry settings (部署配置): the deployment's domain, digests, package limits.

Records ``sd.archive.settings.*`` (profiles/default/registry/main.xml), edited in the control
panel ``@@sd-archive-settings`` (``sd.archive.controlpanels.panels``). Each area keeps its own
registry schema in its Plone home: ``ledger.settings``, ``seals.settings``,
``preservation.config`` and, for the arrangement templates, ``rules``.
"""

from zope import schema
from zope.interface import Interface

from sd.archive import _


class IArchiveSettings(Interface):
    """Deployment settings (部署配置)."""

    network_domain = schema.Choice(
        title=_("This deployment's network domain"),  # 本节点网络域
        description=_(
            "Decides which record kinds, intake interfaces and fonds this node accepts "
            "(sd.archive.core.domains)."
        ),
        vocabulary="sd.archive.NodeDomains",
        default="administrative",
    )
    production = schema.Bool(
        title=_("Production deployment"),  # 生产环境
        description=_("A production deployment refuses default passwords."),
        default=False,
        required=False,  # a required Bool is a box the browser insists on ticking before saving
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
