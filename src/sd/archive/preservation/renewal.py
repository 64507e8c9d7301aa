"""Evidence renewal over the holdings (证据续期): every record's files re-hashed with SHA-256
beside SM3, one ``renew`` ledger entry per record linking the entry it renews
(:mod:`sd.archive.core.ledger.renewal`).

A record is renewed only when its stored files still match its latest SM3 entry (a changed
file is never renewed: the run raises an alarm for it instead). A record whose latest entry is
already a renewal under the algorithm is skipped, which makes a run idempotent and resumable:
run again after a stop, it renews what is left. Runs commit every :data:`BATCH` records and
write ``progress.json`` under ``var/preservation/renewal/<run id>``; ``POST @renewal`` starts
one in the background, ``GET @renewal`` lists them with their progress.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC
from datetime import datetime

import transaction

from sd.archive import audit
from sd.archive.core.digests import digest_stream
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.ledger.entry import parse_entry
from sd.archive.core.ledger.hashing import SHA256
from sd.archive.core.ledger.renewal import renew_entry
from sd.archive.core.preservation.atomic import atomic_writer
from sd.archive.core.preservation.storage import aip_path
from sd.archive.ledger import records as ledger_records
from sd.archive.ledger.current import current_ledger
from sd.archive.txlocks import transaction_of

from . import alarms
from . import background
from . import config
from . import store

BATCH = 100
PROGRESS = "progress.json"
_running: set[str] = set()


def _refused(message: str, path: str) -> ArchiveError:
    return ArchiveError(
        "the record cannot be renewed (不能续期)",
        [Problem("LEDGER-RENEW-CHANGED", message, path, "content")],
        409,
        "RenewalRefused",
    )


def _package(uid: str, sm3: str) -> str:
    """SHA-256 of the AIP whose SM3 the entry states (the first online copy, checked)."""
    found = [r for r, e in store.index().items() if e["uid"] == uid and e["sm3"] == sm3]
    if not found:
        return ""  # the entry's package is the one received, not an AIP this node keeps
    with open(aip_path(config.online_locations()[0], found[0]), "rb") as f:
        found_digests = digest_stream(f, ("SM3", "SHA-256"))[0]
    if found_digests["SM3"] != sm3:
        raise _refused("长期保存包与存证不符 / the AIP differs from its entry", found[0])
    return found_digests["SHA-256"]


def renew_record(record, alg: str = SHA256) -> dict | None:
    """Log the renewal of ``record``'s latest content entry; None when nothing to renew."""
    ledger, uid = current_ledger(), record.UID()
    with ledger.log.reading() as conn:
        indexes = ledger.log.record_indexes(conn, uid)
        full = ledger.log.record_indexes(conn, uid, full_only=True)
        if not indexes or not full:
            return None
        last = parse_entry(ledger.log.entry(conn, indexes[-1])[0])
        if last["event"] == "renew" and last.get("alg") == alg:
            return None
        data, leaf, _state = ledger.log.entry(conn, full[-1])
    old = parse_entry(data)
    if not old["content"]:
        return None
    stored = {
        ledger_records.component_path(c): c
        for c in ledger_records.components(record)
        if getattr(c, "file", None) is not None
    }
    content = {}
    for path, logged in old["content"].items():
        if path not in stored:
            raise _refused("存证文件已不在 / a logged file is gone", path)
        found, _size = ledger_records.blob_digests(stored[path])
        if found["SM3"] != logged:
            raise _refused("文件与存证不符 / the file differs from its entry", path)
        content[path] = found["SHA-256"]
    entry = renew_entry(
        old,
        full[-1],
        leaf.hex(),
        node=ledger.origin,
        actor="system",
        content=content,
        package=_package(uid, old["package"]) if old["package"] else "",
        alg=alg,
        title=record.Title(),
    )
    receipt = ledger.log.append(
        entry, transaction_of(record), state=ledger_records.state_digest(record), full=False
    )
    record.ledger_index = receipt["ledger_index"]
    record.leaf_hash = receipt["leaf_hash"]
    record.checkpoint = receipt["checkpoint"]
    return receipt


def run(run_id: str | None = None, *, commit=None, batch: int = BATCH) -> dict:
    """Renew every record in the ledger not renewed yet; returns the run's counts."""
    run_id = run_id or datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = config.work_dir("renewal") / run_id
    folder.mkdir(parents=True, exist_ok=True)
    ledger = current_ledger()
    with ledger.log.reading() as conn:
        uids = sorted(ledger.log.logged_records(conn))
    counts = {"run_id": run_id, "total": len(uids), "done": 0, "renewed": 0, "skipped": 0}
    counts.update(failed=0, complete=False, started=datetime.now(UTC).isoformat())
    started = time.perf_counter()

    def progress():
        counts["seconds"] = round(time.perf_counter() - started, 2)
        with atomic_writer(folder / PROGRESS) as out:
            out.write(json.dumps(counts, ensure_ascii=False).encode("utf-8"))

    progress()
    for n, uid in enumerate(uids, 1):
        record = store.record_by_uid(uid)
        try:
            done = renew_record(record) if record is not None else None
        except ArchiveError as error:
            counts["failed"] += 1
            problem = error.problems[0]
            alarms.raise_alarm(
                alarms.RENEWAL_FAILED,
                record.archival_code or uid,
                f"{problem.object}: {problem.message}"[:1000],
                details={"uid": uid, "run_id": run_id},
            )
        else:
            counts["renewed" if done else "skipped"] += 1
        counts["done"] = n
        if commit is not None and n % batch == 0:
            commit()
            progress()
    counts["complete"] = True
    audit.log("preservation.renewed", details={k: v for k, v in counts.items() if k != "started"})
    if commit is not None:
        commit()
    progress()
    return counts


def start_in_background(site, actor: str) -> tuple[str, threading.Thread]:
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    _running.add(run_id)
    thread = background.start(
        site,
        actor,
        f"sd-renewal-{run_id}",
        lambda: run(run_id, commit=transaction.commit),
        lambda: _running.discard(run_id),
    )
    return run_id, thread


def list_runs() -> list[dict]:
    """Every run's progress (newest first); an unfinished one not running here was cut off
    (run again: it renews what is left)."""
    rows = []
    for folder in sorted(config.work_dir("renewal").iterdir(), reverse=True):
        path = folder / PROGRESS
        if path.exists():
            row = json.loads(path.read_text("utf-8"))
            row["running"] = folder.name in _running
            rows.append(row)
    return rows


def interval_due(interval_days: int, now: datetime | None = None) -> bool:
    """Whether the schedule should renew: no complete run within ``interval_days``."""
    finished = [r for r in list_runs() if r.get("complete")]
    if not finished:
        return True
    last = datetime.fromisoformat(finished[0]["started"])
    return ((now or datetime.now(UTC)) - last).total_seconds() > interval_days * 86400
