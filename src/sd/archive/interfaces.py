"""Interfaces of sd.archive: the browser layer and one marker per content type."""

from zope.interface import Interface
from zope.publisher.interfaces.browser import IDefaultBrowserLayer


class ISdArchiveLayer(IDefaultBrowserLayer):
    """Browser layer, active once sd.archive is installed."""


class IFonds(Interface):
    """全宗 (fonds / archive unit): the records of one agency."""


class IDossier(Interface):
    """案卷 (dossier / archive file): a volume-level grouping of records."""


class IRecord(Interface):
    """件 (record / archive item): one archived item with its components."""


class IComponent(Interface):
    """电子文件 (component): one file of a record."""
