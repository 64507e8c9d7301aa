"""The node's network domain in force (网络域): what this deployment accepts and holds.

The rules are :mod:`sd.archive.core.domains`; this module reads the deployment setting
(``sd.archive.settings.network_domain``, control panel ``@@sd-archive-settings``) and applies
them where a record or a fonds comes in: the intake flow (interface, record kind, fonds), the
transfer receipt (interface, fonds), and the choices the fonds form offers (the vocabularies
``sd.archive.FondsDomains`` and ``sd.archive.NodeRecordKinds``, which the REST deserializer
checks as well: a fonds of another domain is a 400 there, not a form hint).
"""

from __future__ import annotations

from plone.registry.interfaces import IRegistry
from zope.component import queryUtility
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary

from sd.archive import _
from sd.archive.core import domains as rules
from sd.archive.core.errors import ArchiveError
from sd.archive.vocabularies import token_of

SETTING = "sd.archive.settings.network_domain"
PRODUCTION = "sd.archive.settings.production"
TITLES = {
    rules.PUBLIC_SERVICE: _("Public-service domain"),  # 政务服务网
    rules.ADMINISTRATIVE: _("Administrative domain"),  # 电子政务外网/办公网
    rules.ARCHIVES: _("Archives LAN"),  # 档案馆局域网
    rules.COMBINED: _("All domains (demonstration and tests only)"),  # 全部网域（演示）
}
KIND_TITLES = {
    rules.KIND_DOCUMENT: _("Electronic official document"),
    rules.KIND_SERVICE: _("Government-service e-file"),
}


def node_domain() -> str:
    """This node's domain (本节点网络域); the profile's default before it is set."""
    registry = queryUtility(IRegistry)  # none outside a site (start-up, scripts)
    value = registry.get(SETTING) if registry is not None else None
    return value if value in rules.NODE_DOMAINS else rules.ADMINISTRATIVE


def checked_node_domain() -> str:
    """This node's domain for a check: a production node set to 'combined' refuses
    everything (its setting is wrong, not the package) rather than take in every kind."""
    node = node_domain()
    registry = queryUtility(IRegistry)
    production = bool(registry.get(PRODUCTION)) if registry is not None else False
    _raise(rules.setting_problems(node, production))
    return node


class DomainRefused(ArchiveError):
    """The node's domain does not take this in (网络域不符): 422, nothing stored."""

    def __init__(self, problems):
        super().__init__(
            "this node's network domain does not accept it (本节点网络域不接受)",
            problems,
            422,
            "DomainRefused",
        )


def _raise(problems) -> None:
    if problems:
        raise DomainRefused(problems)


def check_interface(interface: str) -> None:
    """Refuse an intake interface this node does not serve (the archives LAN: no business
    system reaches it)."""
    _raise(rules.interface_problems(checked_node_domain(), interface))


def check_record(kind: str | None, fonds=None, where: str = "电子文件/@类型") -> None:
    """Refuse a record whose kind, or whose fonds' domain, this node does not take in."""
    node = checked_node_domain()
    problems = rules.kind_problems(node, kind, where)
    if fonds is not None:
        problems += fonds_problems(fonds, node)
    _raise(problems)


def fonds_problems(fonds, node: str | None = None) -> list:
    return rules.fonds_problems(
        node or node_domain(),
        getattr(fonds, "network_domain", None),
        getattr(fonds, "fonds_code", "") or "",
    )


def check_fonds(fonds) -> None:
    """Refuse a fonds this node may not hold."""
    _raise(fonds_problems(fonds, checked_node_domain()))


def _vocabulary(values, titles) -> SimpleVocabulary:
    return SimpleVocabulary([SimpleTerm(v, token=v, title=titles[v]) for v in values])


@provider(IVocabularyFactory)
def NodeDomainsFactory(context=None):
    """The domains a deployment may be set to (the setting's choices)."""
    return _vocabulary(tuple(rules.NODE_DOMAINS), TITLES)


@provider(IVocabularyFactory)
def FondsDomainsFactory(context=None):
    """The domains of the fonds this node may hold (the fonds form's choices)."""
    return _vocabulary(rules.FONDS_DOMAINS[node_domain()], TITLES)


@provider(IVocabularyFactory)
def NodeRecordKindsFactory(context=None):
    """The record kinds this node takes in (the fonds form's choices)."""
    kinds = rules.KINDS[node_domain()]
    return SimpleVocabulary([SimpleTerm(k, token=token_of(k), title=KIND_TITLES[k]) for k in kinds])
