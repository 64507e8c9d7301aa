"""Anchoring the chain head in the evidence ledger (审计链锚定).

An anchor is a ledger entry of event ``audit`` whose ``code`` is
``audit-anchor/<log id>/<seq>`` and whose ``metadata`` is the SM3 hash of entry ``seq``: once
in the ledger (signed checkpoints, cosigned by the other nodes) it cannot be taken back, so a
trail that lost entries after it, or was rewritten up to it, no longer matches.

The head is anchored every ``ANCHOR_EVERY`` entries (by the request that finds it due), by the
hourly scheduler of a serving process, from the auditor's page and by
``scripts/audit_anchor.py``.
"""

from __future__ import annotations

import json
import logging
import os
import threading

from sd.archive import audit
from sd.archive.core.audit.check import Anchor
from sd.archive.core.audit.check import CheckResult

logger = logging.getLogger("sd.archive.audit")

ANCHOR_EVERY = int(os.environ.get("SD_ARCHIVE_AUDIT_ANCHOR_EVERY", "500"))
ANCHOR_SECONDS = int(os.environ.get("SD_ARCHIVE_AUDIT_ANCHOR_SECONDS", "3600"))
PREFIX = "audit-anchor"
_started = threading.Event()


def anchor_code(log_id: str, seq: int) -> str:
    return f"{PREFIX}/{log_id}/{seq}"


def latest_anchor(store=None) -> Anchor | None:
    """The newest anchor of this site's trail in the ledger (including the current
    transaction's), None if there is none."""
    from sd.archive.ledger.current import current_ledger

    store = store or audit.trail()
    prefix = anchor_code(store.log_id, 0)[:-1]
    with current_ledger().log.view() as conn:
        for idx, data in conn.execute(
            "SELECT idx, entry FROM entries WHERE event = 'audit' ORDER BY idx DESC"
        ):
            entry = json.loads(bytes(data))
            if entry["code"].startswith(prefix):
                seq = int(entry["code"][len(prefix) :])
                return Anchor(seq, entry["metadata"], idx, entry["time"])
    return None


def anchor(actor: str | None = None) -> Anchor | None:
    """Write the committed head into the ledger, in the current transaction (unless it is
    anchored already); None while the trail is empty."""
    from sd.archive.ledger import log_event

    store = audit.trail()
    head = store.head()
    if head is None:
        return None
    latest = latest_anchor(store)
    if latest is not None and latest.seq == head[0]:
        store.anchored_seq = head[0]
        return latest
    receipt = log_event(
        "audit",
        code=anchor_code(store.log_id, head[0]),
        metadata_digest=head[1],
        actor=actor or audit.actor(),
    )
    store.anchored_seq = head[0]
    audit.log(
        "audit.anchored",
        details={"seq": head[0], "hash": head[1], "ledger_index": receipt["ledger_index"]},
    )
    return Anchor(head[0], head[1], receipt["ledger_index"])


def maybe_anchor() -> None:
    """Anchor when ``ANCHOR_EVERY`` entries were committed since the last anchor this process
    knows of (cheap: no look-up until then)."""
    store = audit.trail()
    if store.committed is None:
        return
    if store.anchored_seq is None:
        latest = latest_anchor(store)
        store.anchored_seq = latest.seq if latest else -1
    if store.committed[0] - store.anchored_seq >= ANCHOR_EVERY:
        anchor(actor="system")


def check() -> CheckResult:
    """The chain check of this site's trail against its latest anchor."""
    store = audit.trail()
    return store.check(latest_anchor(store))


# -- the scheduler -------------------------------------------------------------------------------


def _anchor_site(site) -> None:
    import transaction

    if anchor(actor="system") is not None:
        transaction.commit()


def _loop(db):
    from sd.archive.preservation.schedule import in_every_site

    while True:
        threading.Event().wait(ANCHOR_SECONDS)
        in_every_site(db, _anchor_site, "audit anchoring")


def start_scheduler(event):
    """IDatabaseOpenedWithRoot: anchor every site's trail hourly in a serving process."""
    from sd.archive.preservation.schedule import serving

    if os.environ.get("SD_ARCHIVE_AUDIT_ANCHOR_SCHEDULER", "on") == "off" or _started.is_set():
        return
    if not serving():
        return
    _started.set()
    threading.Thread(
        target=_loop, args=(event.database,), name="sd-audit-anchor", daemon=True
    ).start()
