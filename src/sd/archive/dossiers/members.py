"""卷内文件 (the records of a volume): their order, the volume's 件数/页数/起止日期 and how the REST
API and catalogues list them."""

from __future__ import annotations

from plone import api

from sd.archive.core import dossiers as core
from sd.archive.interfaces import IRecord
from sd.archive.protection import record_state


def path_of(obj) -> str:
    return "/".join(obj.getPhysicalPath())


def volume_records(dossier) -> list:
    """The records in the volume in 卷内件号 order (卷内文件)."""
    found = [o for o in dossier.objectValues() if IRecord.providedBy(o)]
    return sorted(found, key=lambda r: (getattr(r, "item_number", None) or 0, r.getId()))


def member_of(record) -> core.Member:
    return core.Member(
        key=record.UID(),
        date=getattr(record, "document_date", None),
        pages=getattr(record, "pages", None),
        number=getattr(record, "item_number", None),
    )


def reorder(dossier, uids) -> None:
    """The volume's folder order follows the 卷内件号 (``items`` over REST, folder contents)."""
    by_uid = {r.UID(): r for r in dossier.objectValues() if IRecord.providedBy(r)}
    for position, uid in enumerate(uids):
        dossier.moveObjectToPosition(by_uid[uid].getId(), position, suppress_events=True)
    for record in by_uid.values():
        record.reindexObject(idxs=["getObjPositionInParent"])


def update_summary(dossier) -> core.Summary:
    """Recompute the volume's 件数, 页数 and 起止日期 from its records."""
    found = core.summary(member_of(r) for r in volume_records(dossier))
    dossier.item_count = found.item_count
    dossier.page_count = found.page_count
    dossier.date_start = found.date_start
    dossier.date_end = found.date_end
    dossier.reindexObject()
    return found


def outcome(dossier, rows=None) -> dict:
    return {
        "@id": dossier.absolute_url(),
        "archival_code": dossier.archival_code,
        "item_count": dossier.item_count,
        "page_count": dossier.page_count,
        "records": rows if rows is not None else serialize_records(dossier),
    }


def serialize_records(dossier) -> list[dict]:
    """The volume's records in 卷内件号 order, as the REST API and the catalogue read them."""
    return [
        {
            "@id": r.absolute_url(),
            "UID": r.UID(),
            "title": r.Title(),
            "item_number": r.item_number,
            "archival_code": r.archival_code,
            "document_date": r.document_date.isoformat() if r.document_date else None,
            "pages": getattr(r, "pages", None),
            "review_state": record_state(r),
        }
        for r in volume_records(dossier)
    ]


def fonds_volumes(fonds) -> list:
    """The volumes of a fonds (案卷), by 类别号 and 案卷号."""
    brains = api.content.find(portal_type="Dossier", path=path_of(fonds))
    found = [b.getObject() for b in brains]
    return sorted(
        found,
        key=lambda d: (
            d.category or "",
            d.year or 0,
            d.retention_period or "",
            d.org_code or "",
            int(d.dossier_number or 0),
        ),
    )
