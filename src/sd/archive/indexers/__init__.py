"""Catalog indexers: fields that live in behaviors, under the names the catalog uses."""

from plone.base.interfaces import IImageScalesAdapter
from plone.dexterity.interfaces import IDexterityContent
from plone.indexer import indexer
from Products.CMFPlone.CatalogTool import object_provides as plone_object_provides
from zope.component import adapter
from zope.interface import Interface
from zope.interface import implementer

from sd.archive.interfaces import IDossier
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


#: Catalog names a record never has a value for (件无此属性): events' dates and location,
#: calendar sync, discussion, CMFUid, links, related items, lead images, navigation
#: exclusion — none of its behaviors provides them (a test keeps it so). Asked for them,
#: Plone's catalog wrapper would look for an indexer, then the record's schemata, then its
#: parents and the site's skin layers, ~40 µs a name, some twice (index and metadata)
#: for one catalog entry; this indexer says at once that there is none, the same answer.
ABSENT = (
    "start",
    "end",
    "location",
    "sync_uid",
    "in_reply_to",
    "cmf_uid",
    "getRemoteUrl",
    "getRawRelatedItems",
    "getIcon",
    "exclude_from_nav",
)


@indexer(IRecord)
def retention_due(obj):
    """到期日期 (#25): the day after which the record is due for appraisal; permanent and
    destroyed records have none, so a date range never finds them."""
    from sd.archive.retention import due_date

    value = due_date(obj)
    if value is None:
        raise AttributeError("retention_due")
    return value


@indexer(IRecord)
def absent(obj):
    raise AttributeError("a record has no such attribute")


@indexer(IRecord)
def record_mime_type(obj):
    """A record has no primary field, so Plone calls it ``text/plain`` — after walking every
    field of every schema of the record for one (~85 µs a catalog entry); said at once."""
    return "text/plain"


fonds_code = _attr("fonds_code")
archive_year = _attr("year")
category_code = _attr("category_code")
retention_period = _attr("retention_period")
record_kind = _attr("record_kind")
electronic_record_id = _attr("electronic_record_id")
arrangement_status = _attr("arrangement_status")  # 整理状态: pending_review …
item_number = _attr("item_number")
document_number = _attr("document_number")
author = _attr("author")
# field search 字段检索 (#30): 机构或问题, 日期, 密级, 开放状态
org_code = _attr("org_code")
document_date = _attr("document_date")
security_level = _attr("security_level")
open_status = _attr("open_status")
# the review queue 待人工整理 (browser/review) lists its rows from metadata, no record woken
document_type = _attr("document_type")
service_item_name = _attr("service_item_name")


@indexer(IRecord)
def review_proposal(obj):
    """What arrangement proposed for a record waiting for review (整理建议): category,
    retention, organisation code and the reasons it waits, as the queue shows them."""
    proposed = getattr(obj, "arrangement", None) or {}
    if getattr(obj, "arrangement_status", None) != "pending_review" or not proposed:
        raise AttributeError("review_proposal")
    return {
        "category": proposed.get("category") or "",
        "retention": proposed.get("retention") or "",
        "org_code": proposed.get("org_code") or "",
        "problems": tuple(p.get("message", "") for p in proposed.get("problems", ())),
    }


#: names of the record's field indexes other content never has: answered at once for every
#: other content type (a Page would otherwise look for ``author`` by acquisition)
RECORD_ONLY = (
    "document_number",
    "author",
    "org_code",
    "document_date",
    "security_level",
    "open_status",
    "keywords",
)


@indexer(IDexterityContent)
def not_a_record(obj):
    raise AttributeError("only records have this attribute")


@indexer(IDossier)
def dossier_year(obj):
    """A volume (案卷) is selected by its 年度 like a record (案卷目录 by year)."""
    if getattr(obj, "year", None) is None:
        raise AttributeError("year")
    return obj.year


@indexer(IDossier)
def dossier_category(obj):
    """… and by its 门类 (the volume's ``category``)."""
    if not getattr(obj, "category", None):
        raise AttributeError("category")
    return obj.category


#: Interfaces nobody asks the catalog for, beyond Plone's own ``DENIED_INTERFACES``: Zope
#: plumbing, Dublin Core, catalog and workflow awareness, schema markers, the framework's
#: capability markers (may have portlets, content rules, relations, a selectable view, an
#: order). Plone looks content up by content interfaces (IContentish, IDexterityContent,
#: IFolder, …, plus our own), never by these.
PLUMBING_PREFIXES = (
    "zope.",
    "persistent.",
    "OFS.",
    "AccessControl.",
    "Acquisition.",
    "App.",
    "webdav.",
    "plone.supermodel.",
    "plone.uuid.",
    "plone.namedfile.",
    "plone.portlets.",
    "plone.contentrules.",
    "z3c.relationfield.",
    "Products.CMFDynamicViewFTI.",
)
#: (Plone's list names these under ``Products.CMFCore.interfaces._content``, which is not
#: their ``__identifier__``, so they pass it.)
PLUMBING = frozenset(
    f"Products.CMFCore.interfaces.{name}"
    for name in (
        "ICatalogAware",
        "IWorkflowAware",
        "IOpaqueItemManager",
        "ICatalogableDublinCore",
        "IDublinCore",
        "IMinimalDublinCore",
        "IMutableDublinCore",
        "IMutableMinimalDublinCore",
    )
)


@indexer(IRecord)
def record_object_provides(obj):
    """Plone's ``object_provides`` of a record without the plumbing (可检索的接口).

    A record provides 37 interfaces; each one listed is an IITreeSet rewritten on every
    intake commit, and about half of them are plumbing."""
    return tuple(
        name
        for name in plone_object_provides.callable(obj)
        if name not in PLUMBING and not name.startswith(PLUMBING_PREFIXES)
    )


@implementer(IImageScalesAdapter)
@adapter(IRecord, Interface)
class RecordImageScales:
    """A record has no images (件无图片字段): its ``image_scales`` metadata stays empty
    without asking every field of its behaviors, as Plone's adapter does on each reindex;
    its components' files are reached through the record, never scaled."""

    def __init__(self, context, request):
        self.context = context

    def __call__(self):
        return {}
