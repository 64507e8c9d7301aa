"""Catalog indexers: fields that live in behaviors, under the names the catalog uses."""

from plone.indexer import indexer

from sd.archive.interfaces import IComponent
from sd.archive.interfaces import IRecord


def _attr(name):
    @indexer(IRecord)
    def record_indexer(obj):
        value = getattr(obj, name, None)
        if value in (None, ""):
            raise AttributeError(name)
        return value

    return record_indexer


@indexer(IRecord)
def archival_code(obj):
    """Records without a code yet (pre-archived) index as "" so sorting by code keeps them."""
    return getattr(obj, "archival_code", None) or ""


fonds_code = _attr("fonds_code")
archive_year = _attr("year")
category_code = _attr("category_code")
retention_period = _attr("retention_period")
record_kind = _attr("record_kind")
electronic_record_id = _attr("electronic_record_id")
item_number = _attr("item_number")
document_number = _attr("document_number")
author = _attr("author")


@indexer(IRecord)
def record_component_sm3(obj):
    """All SM3 digests of a record's components, for @verify look-ups."""
    return [c.sm3 for c in obj.objectValues() if getattr(c, "sm3", None)]


@indexer(IComponent)
def component_sm3(obj):
    return [obj.sm3] if getattr(obj, "sm3", None) else []
