"""Network domains of a node (网络域), pure Python.

A province runs the system on three nodes from one codebase; the deployment setting
``network_domain`` says which one a node is, and these rules say what that means:

- **public-service domain** (政务服务网): government-service e-files (政务服务电子文件) from the
  approval systems, through the three intake interfaces; its fonds are public-service fonds;
- **administrative domain** (电子政务外网/办公网): electronic official documents (电子公文)
  from the OA systems, through the three intake interfaces; its fonds are administrative fonds;
- **archives LAN** (档案馆局域网, the preservation node): no business system reaches it; records
  arrive by the one-way ferry from the domain nodes and by transfer on offline carriers
  (离线载体移交), so it takes ``@transfer`` only, and holds fonds of both domains;
- **combined** (全部网域): a demonstration or test site that plays every node at once; never a
  production setting.

Each check returns the problems found (``[]`` when the node accepts), in the error shape's
terms: the rule's code, what failed and where.
"""

from __future__ import annotations

from sd.archive.core.errors import Problem

PUBLIC_SERVICE = "public-service"
ADMINISTRATIVE = "administrative"
ARCHIVES = "archives"
COMBINED = "combined"

KIND_DOCUMENT = "电子公文"
KIND_SERVICE = "政务服务电子文件"

#: the node domains a deployment may be set to, with their Chinese names
NODE_DOMAINS = {
    PUBLIC_SERVICE: "政务服务网",
    ADMINISTRATIVE: "电子政务外网",
    ARCHIVES: "档案馆局域网",
    COMBINED: "全部网域（演示）",
}
#: the record kinds a node takes in (接收的文件类型)
KINDS = {
    PUBLIC_SERVICE: (KIND_SERVICE,),
    ADMINISTRATIVE: (KIND_DOCUMENT,),
    ARCHIVES: (KIND_DOCUMENT, KIND_SERVICE),  # by ferry and offline transfer only
    COMBINED: (KIND_DOCUMENT, KIND_SERVICE),
}
#: the intake interfaces a node serves (接收接口)
INTERFACES = {
    PUBLIC_SERVICE: ("pre-archive", "archive", "transfer"),
    ADMINISTRATIVE: ("pre-archive", "archive", "transfer"),
    ARCHIVES: ("transfer",),
    COMBINED: ("pre-archive", "archive", "transfer"),
}
#: the domains of the fonds a node may hold (可建全宗的网络域)
FONDS_DOMAINS = {
    PUBLIC_SERVICE: (PUBLIC_SERVICE,),
    ADMINISTRATIVE: (ADMINISTRATIVE,),
    ARCHIVES: (PUBLIC_SERVICE, ADMINISTRATIVE, ARCHIVES),
    COMBINED: (PUBLIC_SERVICE, ADMINISTRATIVE, ARCHIVES),
}
INTERFACE_NAMES = {"pre-archive": "预归档接口", "archive": "归档接口", "transfer": "移交接口"}


def _name(node: str) -> str:
    return NODE_DOMAINS.get(node, node)


def known(node: str) -> list[Problem]:
    if node in NODE_DOMAINS:
        return []
    return [
        Problem("domain.unknown", f"{node!r} is no network domain", "network_domain", "setting")
    ]


def interface_problems(node: str, interface: str) -> list[Problem]:
    """The node does not serve ``interface`` (``pre-archive``, ``archive``, ``transfer``)."""
    if interface in INTERFACES.get(node, ()):
        return []
    return [
        Problem(
            "domain.interface",
            f"{_name(node)}节点不提供{INTERFACE_NAMES.get(interface, interface)}"
            f" / the {node} node does not serve @{interface}",
            f"@{interface}",
            "network_domain",
        )
    ]


def kind_problems(node: str, kind: str | None, where: str = "电子文件/@类型") -> list[Problem]:
    """The node does not take records of ``kind`` (文件类型) in."""
    if kind in KINDS.get(node, ()):
        return []
    accepted = "、".join(KINDS.get(node, ())) or "无"
    return [
        Problem(
            "domain.record-kind",
            f"{_name(node)}节点只接收{accepted}，不接收{kind or '未标明类型的文件'}"
            f" / the {node} node does not take {kind or 'records of no kind'}",
            where,
            "network_domain",
        )
    ]


def fonds_problems(node: str, fonds_domain: str | None, fonds_code: str = "") -> list[Problem]:
    """A fonds of ``fonds_domain`` may not live on the node (全宗网络域不符)."""
    if fonds_domain in FONDS_DOMAINS.get(node, ()):
        return []
    return [
        Problem(
            "domain.fonds",
            f"{_name(node)}节点不保存{_name(fonds_domain or '')}的全宗 {fonds_code}".rstrip()
            + f" / a {fonds_domain} fonds may not live on the {node} node",
            f"全宗 {fonds_code}".rstrip(),
            "network_domain",
        )
    ]


def setting_problems(node: str, production: bool) -> list[Problem]:
    """The deployment setting itself: a known domain, and never 'combined' in production."""
    problems = known(node)
    if node == COMBINED and production:
        problems.append(
            Problem(
                "domain.combined-in-production",
                "生产环境不能设为全部网域 / a production node plays one domain",
                "network_domain",
                "setting",
            )
        )
    return problems
