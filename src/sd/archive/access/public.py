"""Public reading (公开阅览): anonymous visitors read open records of fonds that allow it.

A record is read publicly when it is open (state ``open``), its 密级 is 无/公开, and its
fonds' ``public_reading`` setting is on (default off; set by the records officer or the
archivist, ``sd.archive: Manage public reading``). The copy carries ``公开阅览`` and the time;
each reading is logged in the audit trail (``access.public-read``).
"""

from __future__ import annotations

from Acquisition import aq_inner
from Acquisition import aq_parent
from plone import api

from sd.archive import audit
from sd.archive.core.access.rules import OPEN
from sd.archive.core.access.rules import UNCLASSIFIED
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.interfaces import IFonds


def fonds_of(record):
    obj = aq_inner(record)
    while obj is not None and not IFonds.providedBy(obj):
        obj = aq_parent(obj)
    return obj


def allows_public_reading(fonds) -> bool:
    return bool(fonds is not None and getattr(fonds, "public_reading", False))


def readable(record) -> bool:
    """May anybody read ``record`` publicly?"""
    return (
        record is not None
        and api.content.get_state(record, default="") == OPEN
        and (getattr(record, "security_level", "") or "") in UNCLASSIFIED
        and allows_public_reading(fonds_of(record))
    )


def public_record(uid: str):
    """The record ``uid`` when it may be read publicly; 404 otherwise (a record that is not
    open is not even said to exist)."""
    from sd.archive.access.lookup import find_record

    record = find_record(uid) if isinstance(uid, str) else None
    if not readable(record):
        raise ArchiveError(
            "no open record for public reading here (无可公开阅览的档案)",
            [Problem("access.not-public", "not open for public reading", "", "uid")],
            404,
            "NotFound",
        )
    return record


def read(uid: str) -> tuple[str, bytes]:
    """(file name, the 公开阅览 copy) of the open record ``uid``; logged."""
    from sd.archive.access import copies

    record = public_record(uid)
    data = copies.public_copy(record)
    audit.log("access.public-read", record)
    return copies.filename(record), data


def set_public_reading(fonds, allowed: bool, reason: str = "") -> None:
    """Switch public reading of ``fonds`` on or off (公开阅览设置); logged with the reason."""
    from sd.archive.access import MANAGE_PUBLIC_READING

    if not api.user.has_permission(MANAGE_PUBLIC_READING, obj=fonds):
        raise ArchiveError(
            "you may not change public reading of this fonds (无权设置公开阅览)",
            [
                Problem(
                    "access.not-allowed", "Manage public reading", fonds.getId(), "public_reading"
                )
            ],
            403,
            "Forbidden",
        )
    fonds.public_reading = bool(allowed)
    audit.log(
        "access.public-reading-set", fonds, details={"allowed": bool(allowed), "reason": reason}
    )


def public_read_url(record) -> str:
    """The URL an anonymous visitor reads ``record`` at (for the public catalogue)."""
    return f"{api.portal.get().absolute_url()}/@@public-read?uid={record.UID()}"
