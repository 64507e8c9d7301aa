"""案卷目录, 卷内目录 and 卷内备考表 from the catalog (按卷整理).

Two catalog queries, whatever the number of volumes: the volumes of the selection
(``portal_type="Dossier"`` under the fonds, filtered by ``archive_year``, ``category_code``,
``retention_period``; a volume's 案卷档号 and 题名 from the metadata columns), then the records
directly inside them (``path`` with the volumes' paths at depth 1; 卷内件号, 文号, 责任者,
题名, 日期, 页数 from the metadata columns). 件数, 页数 and 起止日期 are computed from the records
listed, as the volume's own computed fields are (``sd.archive.dossiers``). A volume is woken
only for the 备考表 (its 立卷人, 检查人, 立卷时间 and note, one page each) and when it lists no
records (its stored counts).
"""

from __future__ import annotations

from collections import defaultdict

from plone import api

from sd.archive.catalogues.brains import text
from sd.archive.catalogues.brains import value
from sd.archive.catalogues.brains import whole
from sd.archive.core.catalogues.item_catalogue import code_key
from sd.archive.core.catalogues.item_catalogue import date_text
from sd.archive.core.catalogues.volume_catalogue import Volume
from sd.archive.core.catalogues.volume_catalogue import VolumeItem
from sd.archive.interfaces import IDossier


def volume_brains(context, selection) -> list:
    """The volumes the catalogue lists, in 案卷档号 order: ``context`` itself when it is a
    volume, else the volumes of the selection under the fonds (those the user may view)."""
    catalog = api.portal.get_tool("portal_catalog")
    path = "/".join(context.getPhysicalPath())
    if IDossier.providedBy(context):
        brains = catalog.searchResults(path={"query": path, "depth": 0}, portal_type="Dossier")
    else:
        brains = catalog.searchResults(**selection.query(context, "Dossier"))
    return sorted(brains, key=lambda b: (code_key(text(value(b, "archival_code"))), b.getPath()))


def _items(brains) -> dict[str, list[VolumeItem]]:
    """The records inside each volume (by the volume's path), in 卷内件号 order."""
    if not brains:
        return {}
    catalog = api.portal.get_tool("portal_catalog")
    paths = [b.getPath() for b in brains]
    found: dict[str, list] = defaultdict(list)
    for brain in catalog.searchResults(portal_type="Record", path={"query": paths, "depth": 1}):
        found[brain.getPath().rsplit("/", 1)[0]].append(brain)
    items = {}
    for path, records in found.items():
        records.sort(
            key=lambda b: (
                whole(value(b, "item_number")) or 10**9,
                code_key(text(b.archival_code)),
            )
        )
        items[path] = [
            VolumeItem(
                whole(value(b, "item_number")),
                text(value(b, "document_number")),
                text(value(b, "author")),
                text(b.Title),
                date_text(value(b, "document_date")),
                whole(value(b, "pages")),
            )
            for b in records
        ]
    return items


def volumes(context, selection, described: bool = False) -> list[Volume]:
    """The :class:`Volume` values of the selection. ``described``: with the 备考表's fields
    (立卷人, 检查人, 立卷时间, note), which wakes each volume."""
    brains = volume_brains(context, selection)
    items = _items(brains)
    out = []
    for brain in brains:
        listed = tuple(items.get(brain.getPath(), ()))
        values = {}
        if described or not listed:
            dossier = brain.getObject()
            values = {
                "note": text(getattr(dossier, "note", None)),
                "compiler": text(getattr(dossier, "compiler", None)),
                "checker": text(getattr(dossier, "checker", None)),
                "compiled_on": date_text(getattr(dossier, "compiled_on", None)),
                "date_start": date_text(getattr(dossier, "date_start", None)),
                "date_end": date_text(getattr(dossier, "date_end", None)),
                "item_count": whole(getattr(dossier, "item_count", None)) or 0,
                "page_count": whole(getattr(dossier, "page_count", None)) or 0,
            }
        out.append(
            Volume(
                text(value(brain, "archival_code")),
                text(brain.Title),
                listed,
                text(value(brain, "retention_period")),
                **values,
            )
        )
    return out
