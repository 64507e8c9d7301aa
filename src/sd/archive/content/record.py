"""件 (Record): one archived item; its fields come from behaviors."""

from plone.dexterity.content import Container
from plone.supermodel import model
from zope.interface import implementer

from sd.archive.interfaces import IRecord


class IRecordSchema(model.Schema):
    """A record's own schema is empty: retention, archival code, DA/T 46 metadata,
    government-service metadata, notarization and seals are behaviors."""


@implementer(IRecord)
class Record(Container):
    """件: holds its components (电子文件)."""
