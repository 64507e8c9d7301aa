"""件号 and 档号 allocation (编号): no repeats, no gaps, no global hot spot.

Item numbers run per series (全宗+门类+年度+保管期限[+机构], ``sd.archive.core.codes.series_key``).
Each series has its own small counter object on its fonds, so only transactions that number
records of the *same* series ever touch the same object. Within a process those transactions
take a per-series lock from the moment they allocate until their transaction ends, and read the
latest committed counter through a fresh connection; the counter's conflict resolution then
accepts the newer value. A number is written in the same transaction as the record that carries
it, so an aborted transaction leaves no gap. Across processes (ZEO/RelStorage) a real race
ends in a ConflictError and the request is retried by the publisher.

Codes are rendered and parsed only by ``sd.archive.core.codes``. A frozen code changes only
through :func:`correct_code` (档号更正), a recorded action with a reason.
"""

from __future__ import annotations

import transaction
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from plone import api
from zExceptions import Forbidden
from ZODB.POSException import ConflictError
from ZODB.POSException import POSKeyError
from zope.annotation.interfaces import IAnnotations
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent

from sd.archive.core import codes
from sd.archive.core.errors import Problem
from sd.archive.corrections import CorrectionRefused
from sd.archive.corrections import log_code
from sd.archive.corrections import require_correctable
from sd.archive.corrections import with_ledger_index
from sd.archive.interfaces import IFonds
from sd.archive.protection import sanctioned
from sd.archive.retention import update_expiry
from sd.archive.rules import code_rule
from sd.archive.txlocks import hold
from sd.archive.txlocks import transaction_of

ANNOTATION_KEY = "sd.archive.numbering"
LOCK_TIMEOUT = 30


class SeriesCounter(Persistent):
    """The last item number given out in one series (件号计数器).

    ``value`` is the last number allocated here (under the series lock); ``floor`` the highest
    number accepted as a package gave it (接收的档号, :func:`accept_code`), written without the
    lock: raising a floor is merged with any other change (the larger floor wins), so the
    intakes of several workers into one series need not wait for each other (#31)."""

    floor = 0

    def __init__(self, value: int = 0):
        self.value = value

    @property
    def last(self) -> int:
        """The last number of the series taken, allocated or accepted."""
        return max(self.value, self.floor)

    def _p_resolveConflict(self, old, committed, new):
        floor = max(committed.get("floor", 0), new.get("floor", 0))
        if new.get("value", 0) == old.get("value", 0):  # this one only raised the floor
            if new.get("floor", 0) <= committed.get("value", 0) != old.get("value", 0):
                raise ConflictError("item number accepted and allocated at once")
            return {**committed, "floor": floor}
        # A writer read the latest committed value under the series lock before writing,
        # so its value is ahead of the committed one (and of a floor accepted meanwhile);
        # anything else is a real race.
        if new.get("value", 0) > max(committed.get("value", 0), committed.get("floor", 0)):
            return {**new, "floor": floor}
        raise ConflictError("item number counter raced")


class CodeChangeRefused(ValueError):
    """A frozen archival code may only change through :func:`change_code`."""


def fonds_of(obj):
    for item in getattr(obj, "aq_chain", ()):
        if IFonds.providedBy(item):
            return item
    return None


def record_parts(record, item_number: int, volume: int | None) -> codes.CodeParts:
    """The parts of a record's 档号 from its fields, with this 件号 and 案卷号."""
    return codes.CodeParts(
        fonds_code=record.fonds_code,
        category=record.category_code,
        year=int(record.year),
        retention=record.retention_period,
        item_number=item_number,
        org_code=record.org_code or "",
        volume=volume,
    )


def check_frozen_code(record) -> None:
    """A frozen archival code must still agree with its parts (档号冻结)."""
    if not getattr(record, "code_frozen", False):
        return
    fonds = fonds_of(record)
    volume = int(record.volume_number) if record.volume_number else None
    parts = record_parts(record, int(record.item_number), volume)
    rule = codes.level_rule(code_rule(fonds, record.category_code), parts.volume)
    if codes.render(parts, rule) != record.archival_code:
        raise Forbidden(
            f"The archival code {record.archival_code} is frozen: "
            "correct it with a reason through the code correction action."
        )


def _counters(fonds) -> OOBTree:
    annotations = IAnnotations(fonds)
    tree = annotations.get(ANNOTATION_KEY)
    if tree is None:
        tree = annotations[ANNOTATION_KEY] = OOBTree()
    return tree


# --- per-series locks held until the transaction ends (sd.archive.txlocks) ----------


def _hold(fonds, lock_key: tuple):
    from sd.archive.workers import pg_dsn

    jar = fonds._p_jar
    hold(
        lock_key,
        transaction_of(fonds),
        LOCK_TIMEOUT,
        busy=lambda key: ConflictError(f"item number series {key[-1]} busy"),
        # several worker processes on RelStorage: the series is theirs one at a time too
        dsn=pg_dsn(jar.db()) if jar is not None else None,
        name=f"item number series {lock_key[1:]}",
    )


def _latest_committed(fonds, tree: OOBTree, key: str) -> int:
    """The counter's value as last committed, read through a fresh connection."""
    jar = fonds._p_jar
    if jar is None or tree._p_oid is None:
        counter = tree.get(key)
        return counter.last if counter is not None else 0
    tm = transaction.TransactionManager()
    conn = jar.db().open(transaction_manager=tm)
    try:
        fresh_tree = conn.get(tree._p_oid)
        counter = fresh_tree.get(key)
        return counter.last if counter is not None else 0
    except POSKeyError:  # made in this transaction (an oid from a savepoint): none committed
        return 0
    finally:
        tm.abort()
        conn.close()


def _series_counter(fonds, key: str, lock: bool = True) -> tuple[SeriesCounter, int]:
    """Hold the series lock until the transaction ends (``lock``), then the series' counter
    (made on first use) and the value last committed; the caller writes the counter's new
    value (without the lock: only its ``floor``)."""
    db_id = id(fonds._p_jar.db()) if fonds._p_jar else 0
    tree = _counters(fonds)
    if lock:
        _hold(fonds, (db_id, "/".join(fonds.getPhysicalPath()), key))
        latest = _latest_committed(fonds, tree, key)
    else:  # no fresh read: a floor behind the committed one is merged away at commit
        counter = tree.get(key)
        latest = counter.last if counter is not None else 0
    counter = tree.get(key)
    if counter is None:
        counter = tree[key] = SeriesCounter(latest)
    return counter, latest


def allocate_item_number(fonds, series: codes.SeriesKey) -> int:
    """Give out the next item number of ``series`` in the current transaction."""
    return _next_number(fonds, str(series))


def allocate_volume_number(fonds, series: codes.SeriesKey) -> int:
    """Give out the next 案卷号 of a volume series (全宗号 + 类别号,
    ``sd.archive.core.dossiers.volume_series``) in the current transaction."""
    return _next_number(fonds, f"案卷号:{series}")


def _next_number(fonds, key: str) -> int:
    counter, latest = _series_counter(fonds, key)
    number = max(latest, counter.last) + 1
    counter.value = number
    return number


def assign_code(
    record, category: str, year: int, retention: str, org_code: str = "", volume=None
) -> str:
    """Number a record in its series and freeze its archival code (编号并冻结档号)."""
    if getattr(record, "code_frozen", False):
        raise CodeChangeRefused(f"{record.archival_code} is already assigned")
    fonds = fonds_of(record)
    rule = codes.level_rule(code_rule(fonds, category), volume)
    parts = codes.CodeParts(
        fonds_code=fonds.fonds_code,
        category=category,
        year=int(year),
        retention=retention,
        item_number=1,
        org_code=org_code if rule.use_org else "",
        volume=volume,
    )
    number = allocate_item_number(fonds, codes.series_key(parts, rule))
    parts = parts.with_item(number)
    code = codes.render(parts, rule)
    _store(record, parts, code)
    record.code_frozen = True
    log_code(record, "assign", None, code, "")
    record.reindexObject()
    return code


def accept_code(record, code: str) -> str:
    """Take an archival code given in an archive package, checked against the fonds' rule.

    The item number must be the next free one of its series or an unused earlier one; the
    caller checks uniqueness through the catalog before calling.
    """
    fonds = fonds_of(record)
    rule = code_rule(fonds, _category_of(code))
    parts = codes.parse(codes.normalise(code), rule)
    rendered = codes.render(parts, rule)
    # no series lock: raising the counter's floor merges with the other workers' intakes
    counter, latest = _series_counter(fonds, str(codes.series_key(parts, rule)), lock=False)
    if parts.item_number > max(latest, counter.last):  # else covered already: writing the
        counter.floor = parts.item_number  # same value would only make a conflict (#31)
    _store(record, parts, rendered)
    record.code_frozen = True
    log_code(record, "accept", None, rendered, "")
    record.reindexObject()
    return rendered


def _category_of(code: str) -> str | None:
    """The 门类代码 of a code in either grammar: the part after the fonds code, before '·'."""
    text = codes.normalise(code)
    _, _, rest = text.partition("-")
    return rest.split("·", 1)[0] or None


def change_code(record, reason: str, **changes) -> str:
    """Correct a frozen archival code (档号更正): audited, never silent."""
    if not reason:
        raise CodeChangeRefused("a reason is required to change an archival code")
    fonds = fonds_of(record)
    rule = codes.level_rule(code_rule(fonds, record.category_code), _volume_of(record))
    old = record.archival_code
    parts = codes.parse(old, rule)
    if changes.get("category", parts.category) != parts.category:
        rule = codes.level_rule(code_rule(fonds, changes["category"]), parts.volume)
    new_parts = codes.CodeParts(
        fonds_code=parts.fonds_code,
        category=changes.get("category", parts.category),
        year=int(changes.get("year", parts.year)),
        retention=changes.get("retention", parts.retention),
        item_number=parts.item_number,
        org_code=changes.get("org_code", parts.org_code),
        volume=parts.volume,
    )
    if codes.series_key(new_parts, rule) != codes.series_key(parts, rule):
        number = allocate_item_number(fonds, codes.series_key(new_parts, rule))
        new_parts = new_parts.with_item(number)
    code = codes.render(new_parts, rule)
    _store(record, new_parts, code)
    log_code(record, "change", old, code, reason)
    record.reindexObject()
    return code


def correct_code(record, reason: str, **parts) -> dict:
    """Correct the archival code's parts (档号更正): category, year, retention, org_code.

    The record is renumbered in its new series; the new code must parse under the fonds'
    rule and be held by no other record. Returns the code log entry."""
    from sd.archive.ledger import ensure_agrees

    require_correctable(record, reason)
    if _volume_of(record) is not None:
        raise CorrectionRefused(
            "the record is in a volume: take it out of the volume first, then correct its code "
            "(卷内文件须先调出案卷再更正档号)",
            [Problem("CODE-IN-VOLUME", "案卷号 " + str(record.volume_number), "", "volume_number")],
            409,
            "RecordInVolume",
        )
    allowed = {"category", "year", "retention", "org_code"}
    unknown = set(parts) - allowed
    if unknown or not parts:
        raise CorrectionRefused(
            "name the code parts to correct: category, year, retention, org_code "
            "(可更正：门类、年度、保管期限、机构或问题)",
            [
                Problem("CODE-PART", f"{name} is not a code part (非档号构成项)", "", name)
                for name in sorted(unknown)
            ]
            or [Problem("CODE-PART", "no part given", "", "")],
            400,
        )
    with sanctioned(record, "correct-code"):
        ensure_agrees(record)
        try:
            code = change_code(record, reason.strip(), **parts)
            codes.parse(
                code, codes.level_rule(code_rule(fonds_of(record), record.category_code), None)
            )
        except (CodeChangeRefused, ValueError, TypeError) as error:
            raise CorrectionRefused(
                f"the new code is not valid (档号不合规): {error}",
                [Problem("CODE-SYNTAX", str(error), "", "archival_code")],
                400,
            ) from error
        catalog = api.portal.get_tool("portal_catalog")
        others = [
            b
            for b in catalog.unrestrictedSearchResults(archival_code=code)
            if record.UID() != b.UID
        ]
        if others:
            raise CorrectionRefused(
                f"{code} is held by another record (档号重复)",
                [Problem("CODE-UNIQUE", "archival code already in use", code, "archival_code")],
                409,
                "CodeNotUnique",
            )
        notify(ObjectModifiedEvent(record))  # catalog, retention dates, ledger entry
    return with_ledger_index(record, "code_log", record.code_log[-1])


def _volume_of(record) -> int | None:
    return int(record.volume_number) if getattr(record, "volume_number", None) else None


def place_code(record, reason: str, volume: int | None, item_number: int, action: str, members=()):
    """Give a record its code in a volume, or its 按件 code again (组卷、调出案卷).

    In a volume (``volume`` given): the 按卷 form ``全宗号-类别号-案卷号-件号`` with the 卷内件号
    ``item_number``. Out of a volume (``volume`` None): the 按件 form of the rule with the next
    free 件号 of its series. A recorded action like the code correction: a reason, the record
    checked against its ledger entry first, the code log, a ledger entry (the modified event)
    and the audit trail. ``members``: UIDs of the records renumbered together in the volume
    (their present codes are not counted as taken). Returns the code log entry, or None when
    the code stays the same."""
    from sd.archive.ledger import ensure_agrees

    require_correctable(record, reason)
    fonds = fonds_of(record)
    rule = codes.level_rule(code_rule(fonds, record.category_code), volume)
    parts = record_parts(record, item_number or 1, volume)
    old = record.archival_code
    with sanctioned(record, action):
        ensure_agrees(record)
        if volume is None:
            parts = parts.with_item(allocate_item_number(fonds, codes.series_key(parts, rule)))
        code = codes.render(parts, rule)
        if code == old:
            return None
        taken = [
            b.getPath()
            for b in api.portal.get_tool("portal_catalog").unrestrictedSearchResults(
                archival_code=code
            )
            if record.UID() != b.UID and b.UID not in members
        ]
        if taken:
            raise CorrectionRefused(
                f"{code} is held by another record (档号重复)",
                [Problem("CODE-UNIQUE", "archival code already in use", taken[0], "archival_code")],
                409,
                "CodeNotUnique",
            )
        _store(record, parts, code)
        log_code(record, action, old, code, reason.strip())
        record.reindexObject()
        notify(ObjectModifiedEvent(record))  # retention dates, ledger entry, audit trail
    return with_ledger_index(record, "code_log", record.code_log[-1])


def _store(record, parts: codes.CodeParts, code: str):
    record.fonds_code = parts.fonds_code
    record.category_code = parts.category
    record.year = parts.year
    record.retention_period = parts.retention
    record.org_code = parts.org_code
    record.volume_number = str(parts.volume) if parts.volume is not None else None
    record.item_number = parts.item_number
    record.archival_code = code
    update_expiry(record)  # the record has its retention period now (保管期限到期日)
