"""The drain loop of the after-archiving queues (队列处理循环).

:func:`drain_queue` empties a queue of the sharded shape of ``queues`` (the
after-archiving queue, the text queue, the mining queue): one record or one batch per
committed transaction, a conflict retried, any other failure handed to the queue's
``give_up``, so one bad record never blocks the others; the worker gives way to intake before each
(``giveway.give_way``)."""

from __future__ import annotations

import time

import transaction
from ZODB.POSException import ConflictError

from sd.archive import logger

from . import giveway

AHEAD_EVERY = 0.5  # seconds between looks at the queue while giving way


def drain_queue(
    next_uid,
    take,
    give_up,
    what: str,
    site=None,
    limit=None,
    polite=False,
    ahead=None,
    batch=None,
    gather=None,
) -> int:
    """The drain loop of a queue of this shape (this one, the text queue): ``take(uid, site)``
    each ``next_uid(site)`` and commit; a conflict is retried, any other failure handed to
    ``give_up(uid, site, error)`` after the abort. ``ahead(site)``, when given, is called
    before each record and every ``AHEAD_EVERY`` seconds while giving way (on a fresh
    snapshot), to start work on the next records that needs no transaction.

    ``batch = (upcoming, take_many, size)``: up to ``size`` records ``upcoming(site, size)``
    are taken together, ``take_many(uids, site)``, and committed in one transaction (all or
    none of them leave the queue); when a batch fails other than by a conflict, its records
    are taken again one by one, so that only the bad one is given up. ``gather(site, wait)``,
    when given (and ``polite``), may wait for more records before a batch is taken."""
    done = conflicts = singles = 0
    since_look = [0.0]  # seconds waited since ``ahead`` last looked

    def waiting(step: float) -> None:
        time.sleep(step)
        since_look[0] += step
        if ahead is not None and since_look[0] >= AHEAD_EVERY:
            since_look[0] = 0.0
            transaction.abort()  # see what arrived meanwhile
            ahead(site)

    while limit is None or done < limit:
        if polite and giveway.give_way(site, wait=waiting):
            transaction.abort()  # see what arrived while waiting
        if polite and gather is not None and gather(site, wait=waiting):
            transaction.abort()
        if ahead is not None:
            ahead(site)
        taken = failed = 0
        if batch is not None and not singles:
            size = batch[2] if limit is None else min(batch[2], limit - done)
            taken, failed = _take_batch(batch, site, size, what)
        if taken == failed == 0:
            uid = next_uid(site)
            if uid is None:
                break
            taken, failed = _take_one(take, give_up, uid, site, what)
            singles = max(0, singles - 1) if taken else singles
        else:
            singles = failed if taken is not None else singles
        if taken is None:  # a conflict: retried
            conflicts += 1
            if conflicts > 20:
                raise failed
            time.sleep(0.05 * conflicts)
            continue
        done += taken
    return done


def _take_one(take, give_up, uid: str, site, what: str):
    """One record of :func:`drain_queue`: ``(1, 0)`` when done or given up, ``(None, conflict)``
    after a conflict."""
    try:
        take(uid, site)
        transaction.commit()
    except ConflictError as conflict:
        transaction.abort()
        logger.info("%s for %s will be retried: %s", what, uid, conflict)
        return None, conflict
    except Exception as error:  # noqa: BLE001 - one bad record must not stop the queue
        transaction.abort()
        give_up(uid, site, error)
    return 1, 0


def _take_batch(batch, site, size: int, what: str):
    """One batch of :func:`drain_queue`: ``(taken, 0)`` when committed, ``(None, conflict)``
    after a conflict, ``(0, n)`` when its ``n`` records must be taken one by one, ``(0, 0)``
    when fewer than two records wait."""
    upcoming, take_many, _size = batch
    uids = upcoming(site, size)
    if len(uids) < 2:
        return 0, 0
    try:
        take_many(uids, site)
        transaction.commit()
    except ConflictError as conflict:
        transaction.abort()
        logger.info("%s for %s records will be retried: %s", what, len(uids), conflict)
        return None, conflict
    except Exception as error:  # noqa: BLE001 - find the bad one, one by one
        transaction.abort()
        logger.warning("%s for %s records: %s; now one by one", what, len(uids), error)
        return 0, len(uids)
    return len(uids), 0
