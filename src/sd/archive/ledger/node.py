"""This node's identity (本节点身份): ledger directory, signing key, origin, admitted nodes.

The key pair is made at install and kept under the instance var directory, never in the
ZODB: ``<var>/ledger/<site id>/node.key`` (PKCS#8 PEM, mode 0600) next to ``node.json``
(origin, key and hash algorithms) and the SQLite files of the log (``ledger.sqlite``) and of
the replicas this node keeps as a witness (``witness.sqlite``).

The var directory is ``$SD_ARCHIVE_LEDGER_DIR`` if set, else ``$SD_ARCHIVE_VAR/ledger`` (set
by the instance's zope.conf), else a temporary directory of the process (tests).
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from plone.registry.interfaces import IRegistry
from zope.component import getUtility
from zope.component.hooks import getSite

from sd.archive.core.ledger.errors import refuse
from sd.archive.core.ledger.keys import NodeKey
from sd.archive.core.ledger.nodes import AdmittedNode
from sd.archive.core.ledger.nodes import by_origin
from sd.archive.core.ledger.nodes import majority
from sd.archive.ledger.settings import PREFIX

ORIGIN_RECORD = "sd.archive.settings.ledger_origin"
NODES_RECORD = f"{PREFIX}.nodes"
_tmp_root: list[str] = []
_guard = threading.Lock()
_identities: dict[str, NodeIdentity] = {}


def ledger_root() -> Path:
    """The directory holding the ledgers of the sites of this instance."""
    explicit = os.environ.get("SD_ARCHIVE_LEDGER_DIR")
    if explicit:
        return Path(explicit)
    var = os.environ.get("SD_ARCHIVE_VAR")
    if var:
        return Path(var) / "ledger"
    with _guard:
        if not _tmp_root:
            _tmp_root.append(tempfile.mkdtemp(prefix="sd-archive-ledger-"))
    return Path(_tmp_root[0])


def site_dir(site=None) -> Path:
    site = site or getSite()
    path = ledger_root() / site.getId()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


@dataclass
class NodeIdentity:
    """Origin (日志标识), key (节点密钥) and log hash algorithm of this node."""

    directory: Path
    origin: str
    hash_alg: str
    key: NodeKey

    @property
    def database(self) -> Path:
        return self.directory / "ledger.sqlite"

    @property
    def witness_database(self) -> Path:
        return self.directory / "witness.sqlite"

    @property
    def vkey(self) -> str:
        return self.key.vkey


def _registry():
    return getUtility(IRegistry)


def identity(site=None, create: bool = True) -> NodeIdentity | None:
    """This node's identity; made on first use (normally at install) if ``create``."""
    directory = site_dir(site)
    cached = _identities.get(str(directory))
    if cached is not None and (directory / "node.json").exists():
        return cached
    with _guard:
        meta_file, key_file = directory / "node.json", directory / "node.key"
        if not meta_file.exists():
            if not create:
                return None
            registry = _registry()
            origin = os.environ.get("SD_ARCHIVE_LEDGER_ORIGIN") or registry.get(ORIGIN_RECORD)
            origin = origin or "ledger.sd-archive.gov/administrative"
            hash_alg = registry.get(f"{PREFIX}.hash_alg", "sm3") or "sm3"
            key_alg = registry.get(f"{PREFIX}.key_algorithm", "ed25519") or "ed25519"
            key = NodeKey.generate(origin, key_alg)
            key.save(key_file)
            meta_file.write_text(
                json.dumps(
                    {"origin": origin, "hash_alg": hash_alg, "key_algorithm": key_alg}, indent=1
                )
            )
            if registry.get(ORIGIN_RECORD) != origin:
                registry[ORIGIN_RECORD] = origin
        meta = json.loads(meta_file.read_text())
        node = NodeIdentity(
            directory, meta["origin"], meta["hash_alg"], NodeKey.load(key_file, meta["origin"])
        )
        _identities[str(directory)] = node
        return node


def forget_identities() -> None:
    """Drop cached identities (after a key file was replaced)."""
    _identities.clear()


# -- admitted nodes (准入节点) -------------------------------------------------------------


def node_line(node: AdmittedNode) -> str:
    return " ".join([node.origin, node.vkey, node.url or "-", node.role or "-", node.hash_alg])


def parse_node_line(line: str) -> AdmittedNode:
    parts = line.split()
    if len(parts) != 5:
        raise refuse(
            "LEDGER-NODE-LINE", "a node line is: origin vkey url role hash_alg", object=line[:80]
        )
    origin, vkey, url, role, hash_alg = parts
    return AdmittedNode(
        origin=origin,
        vkey=vkey,
        hash_alg=hash_alg,
        url="" if url == "-" else url,
        role="" if role == "-" else role,
    )


def admitted_nodes() -> list[AdmittedNode]:
    """The admitted nodes of the registry (lines that do not parse are skipped)."""
    nodes = []
    for line in _registry().get(NODES_RECORD) or ():
        try:
            nodes.append(parse_node_line(line))
        except Exception:  # noqa: BLE001, S112 - a bad line must not stop the ledger
            continue
    return list(by_origin(nodes).values())


def set_admitted_nodes(nodes: list[AdmittedNode]) -> None:
    """Replace the list; the registry subscriber logs node-admit / node-remove."""
    by_origin(nodes)
    _registry()[NODES_RECORD] = [node_line(n) for n in nodes]


def admit(node: AdmittedNode) -> None:
    nodes = [n for n in admitted_nodes() if n.origin != node.origin]
    set_admitted_nodes([*nodes, node])


def remove(origin: str) -> None:
    nodes = admitted_nodes()
    if origin not in {n.origin for n in nodes}:
        raise refuse("LEDGER-NODE-UNKNOWN", "no such admitted node", object=origin)
    set_admitted_nodes([n for n in nodes if n.origin != origin])


def quorum(nodes: list[AdmittedNode] | None = None) -> int:
    """Nodes needed to confirm a checkpoint: the setting, or a majority of admitted nodes."""
    nodes = admitted_nodes() if nodes is None else nodes
    configured = _registry().get(f"{PREFIX}.quorum", 0) or 0
    return configured or majority(len(nodes))


def self_node(node: NodeIdentity, url: str = "") -> AdmittedNode:
    return AdmittedNode(
        origin=node.origin, vkey=node.vkey, hash_alg=node.hash_alg, url=url, role="log"
    )
