"""归档章 sheets for records of a fonds (a selection or a list of ticked records), a volume's
records, or one record, from the catalog's metadata columns (no record is woken).

A record inside a volume (its ``volume_number``, 案卷号, is set when it is placed) gets the
volume form of the stamp (全宗号 | 年度 | 案卷号 / 卷内件号 | 保管期限 | 页数); any other the
DA/T 22-2015 form (全宗号 | 年度 | 件号 / 机构（问题） | 保管期限 | 页数). Records without a 档号
(pre-archived) get no stamp.
"""

from __future__ import annotations

from plone import api

from sd.archive.catalogues.brains import text
from sd.archive.catalogues.brains import value
from sd.archive.catalogues.brains import whole
from sd.archive.core.catalogues.item_catalogue import code_key
from sd.archive.core.catalogues.stamps import Stamp
from sd.archive.core.catalogues.stamps import retention_on_stamp
from sd.archive.interfaces import IDossier
from sd.archive.interfaces import IRecord


def _brains(context, selection) -> list:
    catalog = api.portal.get_tool("portal_catalog")
    path = "/".join(context.getPhysicalPath())
    if IRecord.providedBy(context):
        return list(catalog.searchResults(path={"query": path, "depth": 0}, portal_type="Record"))
    if IDossier.providedBy(context):
        query = {"portal_type": "Record", "path": {"query": path, "depth": 1}}
        if selection.uids:
            query["UID"] = list(selection.uids)
        return list(catalog.searchResults(**query))
    return list(catalog.searchResults(**selection.query(context)))


def stamp_of(brain) -> Stamp:
    """The stamp of one record's catalog entry."""
    volume = text(value(brain, "volume_number"))
    item = whole(value(brain, "item_number"))
    pages = whole(value(brain, "pages"))
    return Stamp(
        text(brain.archival_code),
        text(value(brain, "fonds_code")),
        text(value(brain, "archive_year")),
        "" if item is None else str(item),
        text(value(brain, "org_code")),
        retention_on_stamp(text(value(brain, "retention_period"))),
        "" if pages is None else str(pages),
        volume or None,
    )


def stamps(context, selection) -> list[Stamp]:
    """The stamps of the records with a 档号, in 档号 order."""
    found = [b for b in _brains(context, selection) if text(value(b, "archival_code"))]
    found.sort(key=lambda b: code_key(text(b.archival_code)))
    return [stamp_of(b) for b in found]
