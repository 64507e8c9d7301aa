"""Catalog indexers: fields that live in behaviors, under the names the catalog uses."""

from plone.indexer import indexer
from zope.interface import providedBy

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


#: Interfaces nobody asks the catalog for: Zope/ZODB plumbing, Dublin Core, catalog and
#: workflow awareness, schema markers, the framework's capability markers (may have
#: portlets, content rules, relations, a selectable view, an order). Plone looks content up
#: by content interfaces (IContentish, IDexterityContent, IFolder, …, plus our own), never
#: by these.
PLUMBING_PREFIXES = ("zope.", "persistent.", "OFS.", "AccessControl.", "Acquisition.",
                     "App.", "webdav.", "plone.supermodel.", "plone.uuid.",
                     "plone.namedfile.", "plone.portlets.", "plone.contentrules.",
                     "z3c.relationfield.", "Products.CMFDynamicViewFTI.")
PLUMBING = frozenset(
    [f"Products.CMFCore.interfaces.{name}" for name in (
        "ICatalogAware", "IWorkflowAware", "IOpaqueItemManager", "ICatalogableDublinCore",
        "IDublinCore", "IMinimalDublinCore", "IMutableDublinCore",
        "IMutableMinimalDublinCore")]
    + ["plone.folder.interfaces.IOrderableFolder"])


def searchable_interfaces(obj) -> list[str]:
    """The interfaces of ``obj`` worth an ``object_provides`` entry (可检索的接口).

    Plone's indexer lists every interface a record provides (37); half of them are
    plumbing, and each one is an IITreeSet rewritten on every intake commit (one per
    interface and record). A record lists only the others (about half)."""
    return [name for name in (i.__identifier__ for i in providedBy(obj).flattened())
            if name not in PLUMBING and not name.startswith(PLUMBING_PREFIXES)]


@indexer(IRecord)
def record_object_provides(obj):
    return searchable_interfaces(obj)
