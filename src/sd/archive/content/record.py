"""件 (Record): one archived item; its fields come from behaviors."""

from Acquisition import aq_base
from plone.app.linkintegrity.interfaces import IRetriever
from plone.dexterity.content import Container
from plone.supermodel import model
from zope.component import adapter
from zope.interface import implementer

from sd.archive.interfaces import IRecord


class IRecordSchema(model.Schema):
    """A record's own schema is empty: retention, archival code, DA/T 46 metadata,
    government-service metadata, notarization and seals are behaviors."""


@implementer(IRecord)
class Record(Container):
    """件: holds its components (电子文件)."""

    def get_size(self):
        """The record's size in bytes (件的大小): its components' files, as folder contents
        and DAV show it (Dexterity's default asks every field of every behavior and finds
        no file on the record itself, so it said 0)."""
        total = 0
        for component in self.objectValues():
            size = getattr(aq_base(component), "size", None)
            if size is None:
                blob = getattr(aq_base(component), "file", None)
                size = blob.getSize() if blob is not None else 0
            total += size
        return total

    def reindexObjectSecurity(self, skip_self=False):
        """Reindex the record's security indexes.

        Only the record is catalogued, its components are parts of it
        (``sd.archive.repository``), so there is nothing under its path to search the
        catalog for (CMF does that on every workflow transition)."""
        if not skip_self and self._getCatalogTool() is not None:
            self.reindexObject(idxs=self._cmf_security_indexes, update_metadata=0)


@adapter(IRecord)
@implementer(IRetriever)
def no_links(record):
    """A record holds no rich text, so no links for link integrity (件内无超链接): None
    makes ``plone.app.linkintegrity`` skip it on every add and change, instead of reading
    every field of its behaviors for rich text and renewing its (empty) link relations."""
    return None
