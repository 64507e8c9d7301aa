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

    def reindexObjectSecurity(self, skip_self=False):
        """Reindex the record's security indexes.

        Only the record is catalogued, its components are parts of it
        (``sd.archive.repository``), so there is nothing under its path to search the
        catalog for (CMF does that on every workflow transition)."""
        if not skip_self and self._getCatalogTool() is not None:
            self.reindexObject(idxs=self._cmf_security_indexes, update_metadata=0)
