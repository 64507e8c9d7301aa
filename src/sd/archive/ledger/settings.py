"""Registry settings of the evidence ledger (证据账本配置): admitted nodes and quorum.

Each admitted node (准入节点) is one line ``origin vkey url role hash_alg`` (no field holds a
space: origins and vkeys are signed-note key names). The list is edited through the ledger's
node control panel or ``@ledger/nodes``; every change is logged as ``node-admit`` /
``node-remove`` by a registry subscriber, whatever path made it.
"""

from __future__ import annotations

from zope import schema
from zope.interface import Interface

from sd.archive import _

PREFIX = "sd.archive.ledger"


class ILedgerSettings(Interface):
    """Evidence ledger settings (证据账本)."""

    nodes = schema.List(
        title=_("Admitted nodes"),  # 准入节点
        description=_("One per line: origin, verifier key, URL, role, hash algorithm."),
        value_type=schema.TextLine(),
        required=False,
        default=[],
    )
    quorum = schema.Int(
        title=_("Quorum"),  # 法定数
        description=_("Nodes that must vouch for a checkpoint; 0 means a majority."),
        default=0,
        min=0,
    )
    hash_alg = schema.Choice(
        title=_("Hash algorithm of this node's log"),  # 日志哈希算法
        description=_("Chosen when the log is created, never changed later."),
        values=("sm3", "sha256"),
        default="sm3",
    )
    key_algorithm = schema.Choice(
        title=_("Signing key algorithm"),  # 签名算法
        values=("ed25519", "sm2"),
        default="ed25519",
    )
    peer_timeout = schema.Int(
        title=_("Timeout of requests to peer nodes (seconds)"),
        default=10,
        min=1,
    )
