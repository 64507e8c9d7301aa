"""A package that comes again (重复提交): the first answer, never a second record.

Two ways to come again: the same ``Idempotency-Key`` (per account) with the same bytes, or
the same 电子文件号 with the same package digest. Other bytes under the key, or other content
under the 电子文件号, are a 409 conflict.
"""

from __future__ import annotations

from persistent.mapping import PersistentMapping
from plone import api

from sd.archive.intake.outcomes import Rejected
from sd.archive.intake.outcomes import Repeated
from sd.archive.intake.outcomes import refused
from sd.archive.intake.outcomes import rejection_body
from sd.archive.intake.rejections import get_rejection
from sd.archive.sitedata import site_tree

IDEMPOTENCY_KEY = "sd.archive.intake.idempotency"

#: the detection part of a 201 answer, taken from the stored report (not stored twice)
ANSWER_DETECTION = ("stage", "result", "catalogue_version", "items")


def _idempotency(portal, create=False):
    return site_tree(portal, IDEMPOTENCY_KEY, create)


def remember_key(portal, actor: str, key: str | None, digest: str, **answer):
    """Keep what the request with ``key`` made (a record's ``uid`` or a ``rejection``)."""
    if key:
        _idempotency(portal, create=True)[(actor, key)] = PersistentMapping(digest=digest, **answer)


def replay_key(portal, actor: str, key: str | None, spooled):
    """The first outcome for the same Idempotency-Key and bytes; a 409 for other bytes.

    The package digest (``spooled.sm3``, made beside the request) is waited for only when
    the key was seen before."""
    tree = _idempotency(portal)
    entry = tree.get((actor, key)) if (key and tree is not None) else None
    if entry is None:
        return None
    if entry["digest"] != spooled.sm3:
        raise refused(
            409,
            "Conflict",
            "the Idempotency-Key was used for another package",
            "idempotency.key-reused",
            f"key {key!r} was first used for a package with SM3 {entry['digest']}",
            key,
            "request",
        )
    if entry.get("rejection"):
        rejection = get_rejection(portal, entry["rejection"])
        return Rejected(rejection_body(portal, rejection))
    record = _unrestricted_record(entry.get("uid"))
    if record is None:
        return None
    return first_answer(record)


def answer_detection(record) -> dict | None:
    """The detection part of an intake answer: from the record's archiving report."""
    reports = getattr(record, "detection_reports", None) or []
    return {key: reports[0][key] for key in ANSWER_DETECTION} if reports else None


def first_answer(record) -> Repeated:
    """The body of the record's first (201) answer: what the record keeps of it, plus the
    detection part from its archiving report."""
    body = dict(record.intake_answer)
    if "detection" not in body:  # older records kept it in the answer itself
        body["detection"] = answer_detection(record)
    return Repeated(body, body.get("@id"))


def _unrestricted_record(uid):
    if not uid:
        return None
    catalog = api.portal.get_tool("portal_catalog")
    found = catalog.unrestrictedSearchResults(UID=uid)
    return found[0]._unrestrictedGetObject() if found else None


def repeated(holdings, metadata, spooled, portal, actor, idempotency_key):
    """The first outcome for the same 电子文件号 with the same package digest; a 409 for
    other content."""
    known = holdings.record(metadata.record_id)
    if known is None:
        return None
    if getattr(known, "package_sm3", None) == spooled.sm3:
        remember_key(portal, actor, idempotency_key, spooled.sm3, uid=known.UID())
        return first_answer(known)
    raise refused(
        409,
        "Conflict",
        "this 电子文件号 was already accepted with other content",
        "record.duplicate-id",
        f"电子文件号 {metadata.record_id} is {known.absolute_url()}",
        metadata.record_id or "",
        "integrity",
    )
