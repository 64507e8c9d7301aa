"""Install step of the ledger (账本安装): make the node key and admit this node."""

from __future__ import annotations

from zope.component.hooks import setSite

from sd.archive.ledger import node as nodes
from sd.archive.ledger.current import current_ledger


def import_ledger(context):
    """GenericSetup import step: the node's key pair, its log, and its own admission."""
    if context.readDataFile("sd.archive.ledger.txt") is None:
        return
    site = context.getSite()
    setSite(site)
    ledger = current_ledger(site)
    if ledger.origin not in {n.origin for n in nodes.admitted_nodes()}:
        nodes.admit(nodes.self_node(ledger.node, site.absolute_url()))
