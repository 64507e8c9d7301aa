"""The after-archiving worker's queues (归档后处理的队列): one sharded, conflict-free shape.

Three queues have this shape, each under its own site key: the after-archiving queue
(:data:`AFTER_ARCHIVING`, the archiving seal and the first AIP, ``postprocess``), the text
queue (``sd.archive.text.queue``) and the findings queue (``sd.archive.mining.findings.queue``).
A queue is :data:`SHARDS` shards (:class:`PendingWork`, ``uid → (since, steps)``) whose
concurrent changes merge, so adding (intake) and taking (the worker) never conflict. An entry
added wakes the worker (:data:`wake`) when its transaction commits.

The after-archiving queue's age bounds every wait of the worker (``giveway``), and the work
looked at ahead reads its steps (``ahead``): its key and its :data:`SEAL` step are here, below
the modules that use them.

``SD_ARCHIVE_POSTPROCESS``: ``queue`` (default) or ``inline`` (everything in the archiving
transaction, as before the queue; the test layers use it): :func:`queued`.
"""

from __future__ import annotations

import os
import threading
from datetime import datetime

import transaction
from persistent import Persistent

from sd.archive.sitedata import site_tree

#: the after-archiving queue's site key (its name from when ``postprocess`` held the queue)
AFTER_ARCHIVING = "sd.archive.preservation.postprocess"
#: the after-archiving step that seals the originals (the others are ``preserve:<reason>``)
SEAL = "seal"
SHARDS = 32
#: set when a transaction that added an entry commits; the worker waits on it
wake = threading.Event()


def mode() -> str:
    return os.environ.get("SD_ARCHIVE_POSTPROCESS", "queue")


def queued() -> bool:
    """True when archiving hands its seal and AIP work to the queue (not inline)."""
    return mode() == "queue"


class PendingWork(Persistent):
    """One shard of a queue (队列分片): ``uid → (since, steps)``, whose concurrent changes
    merge instead of conflicting (intake adds while the worker removes)."""

    def __init__(self):
        self.items = {}

    def put(self, uid: str, value: tuple) -> None:
        self.items = {**self.items, uid: value}

    def remove(self, uid: str) -> None:
        self.items = {k: v for k, v in self.items.items() if k != uid}

    def _p_resolveConflict(self, old, committed, new):
        before, theirs, ours = (state.get("items", {}) for state in (old, committed, new))
        merged = dict(theirs)
        for uid in before.keys() - ours.keys():  # we removed it
            merged.pop(uid, None)
        for uid, value in ours.items():
            if before.get(uid) != value:  # we added or changed it
                other = theirs.get(uid)
                merged[uid] = (
                    value
                    if other is None
                    else (min(other[0], value[0]), tuple(sorted(set(other[1]) | set(value[1]))))
                )
        return {**committed, "items": merged}


def shards(key: str, site=None, create: bool = False) -> list[PendingWork]:
    """The shards of the queue ``key``; made once on the first ``create`` (reading never
    writes)."""
    tree = site_tree(site, key)
    if (tree is None or len(tree) != SHARDS) and create:
        tree = site_tree(site, key, create=True)
        for n in range(SHARDS):
            if n not in tree:
                tree[n] = PendingWork()
    return list(tree.values()) if tree is not None and len(tree) == SHARDS else []


def shard(key: str, uid: str, site=None, create: bool = False):
    """The shard that holds (or would hold) ``uid``; None before the queue is made."""
    found = shards(key, site, create)
    return found[int(uid[:4], 16) % SHARDS] if found else None


def wake_worker(committed: bool, *_args) -> None:
    """After-commit hook of a transaction that added an entry: wake the worker."""
    if committed:
        wake.set()


def add(key: str, uid: str, step: str, site=None) -> None:
    """Queue ``uid`` for ``step`` in the current transaction, unless it is queued already
    (the text and findings queues: one step each)."""
    found = shard(key, uid, site, create=True)
    if uid not in found.items:
        now = datetime.now().astimezone().isoformat(timespec="seconds")
        found.put(uid, (now, (step,)))
        transaction.get().addAfterCommitHook(wake_worker)


def is_queued(key: str, uid: str, site=None) -> bool:
    found = shard(key, uid, site)
    return found is not None and uid in found.items


def remove(key: str, uid: str, site=None) -> None:
    """Take ``uid``'s entry out of the queue (nothing when there is none)."""
    found = shard(key, uid, site)
    if found is not None:
        found.remove(uid)


def pending(key: str, site=None) -> int:
    """How many records wait in the queue ``key`` (待处理)."""
    return sum(len(each.items) for each in shards(key, site))


def upcoming(key: str, site=None, limit: int = 16) -> list[str]:
    """The uids a drain takes next, in its order (:func:`next_uid`), at most ``limit``."""
    found: list[str] = []
    for each in shards(key, site):
        items = each.items
        found.extend(sorted(items, key=lambda uid: items[uid][0])[: limit - len(found)])
        if len(found) >= limit:
            break
    return found


def next_uid(key: str, site=None) -> str | None:
    """The oldest entry of the first shard that has any."""
    for each in shards(key, site):
        if each.items:
            return min(each.items, key=lambda uid: each.items[uid][0])
    return None


def oldest_age(key: str, site=None) -> float:
    """Seconds the oldest queued record has waited (0 when the queue is empty)."""
    oldest = min(
        (since for each in shards(key, site) for since, _steps in each.items.values()),
        default=None,
    )
    if oldest is None:
        return 0.0
    return (datetime.now().astimezone() - datetime.fromisoformat(oldest)).total_seconds()
