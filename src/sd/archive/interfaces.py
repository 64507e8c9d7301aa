"""Interfaces of sd.archive: the browser layer and one marker per content type."""

from zope.interface import Interface
from zope.interface.interfaces import IObjectEvent
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


class ITransferBatch(Interface):
    """移交批次 (transfer batch): one transfer from a records room to the archives."""


class IAccessRequest(Interface):
    """利用申请 (access request): a person asks to read or copy records they may not open."""


class IAccessRequestFolder(Interface):
    """利用申请 (the site's folder of access requests)."""


class IAppraisalBatch(Interface):
    """Marker for an appraisal batch (鉴定批次, #25)."""


class IRejectionAddedEvent(IObjectEvent):
    """A package was refused at intake and its rejection kept (拒收记录已保存): ``object`` is
    the site, ``entry`` the rejection as stored (time, fonds, failed items). The supervision
    counters hear it."""


class IComponentStoredEvent(IObjectEvent):
    """A component was stored in its record (电子文件入库): digests, seal verification, the
    record's digest index and a new AIP version follow from this event.

    The repository adds the components of a record without Plone's generic added-event
    subscribers (a component is part of its record: no catalog entry, int id, link
    integrity or content rule of its own) and fires only this; a component added through
    the UI or the REST API gets it from its ``IObjectAddedEvent``."""
