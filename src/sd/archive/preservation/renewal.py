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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
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
from sd.archive.core.preservation.splice import open_source
from sd.archive.core.preservation.storage import aip_path
from sd.archive.intake.received import source_of
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


@dataclass
class Plan:
    """What renewing one record needs, read in the transaction (plain data for the hashing
    threads): the entry it renews and the files to re-hash."""

    record: object
    index: int
    leaf: str
    old: dict
    files: dict  # path in the entry → blob file on disk (or a spliced package, ``source_of``)
    aip: str = ""  # the AIP file whose SM3 the entry states as its package ("" if none)


def plan(record, alg: str = SHA256) -> Plan | None:
    """The renewal of ``record``'s latest content entry; None when nothing is to renew."""
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
    files = {}
    for path in old["content"]:
        if path not in stored:
            raise _refused("存证文件已不在 / a logged file is gone", path)
        files[path] = source_of(stored[path])  # a path, or the package as received spliced
    aips = [r for r, e in store.index().items() if e["uid"] == uid and e["sm3"] == old["package"]]
    aip = str(aip_path(config.online_locations()[0], aips[0])) if aips and old["package"] else ""
    return Plan(record, full[-1], leaf.hex(), old, files, aip)


def _both(path) -> dict[str, str]:
    with open_source(path) as f:
        return digest_stream(f, ("SM3", "SHA-256"))[0]


def hash_plan(p: Plan) -> tuple[dict, dict | None]:
    """SM3 and SHA-256 of the plan's files (file work only: runs in threads)."""
    return {path: _both(name) for path, name in p.files.items()}, (_both(p.aip) if p.aip else None)


def log_renewal(p: Plan, hashed: tuple[dict, dict | None], alg: str = SHA256) -> dict:
    """Check the files against the old entry's SM3 and log the ``renew`` entry."""
    found, aip = hashed
    for path, logged in p.old["content"].items():
        if found[path]["SM3"] != logged:
            raise _refused("文件与存证不符 / the file differs from its entry", path)
    if aip is not None and aip["SM3"] != p.old["package"]:
        raise _refused("长期保存包与存证不符 / the AIP differs from its entry", p.aip)
    ledger, record = current_ledger(), p.record
    entry = renew_entry(
        p.old,
        p.index,
        p.leaf,
        node=ledger.origin,
        actor="system",
        content={path: found[path]["SHA-256"] for path in p.old["content"]},
        package=aip["SHA-256"] if aip else "",
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


def renew_record(record, alg: str = SHA256) -> dict | None:
    """Log the renewal of ``record``'s latest content entry; None when nothing to renew."""
    p = plan(record, alg)
    return log_renewal(p, hash_plan(p), alg) if p is not None else None


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

    def failed(record, uid, error: ArchiveError) -> None:
        counts["failed"] += 1
        problem = error.problems[0]
        alarms.raise_alarm(
            alarms.RENEWAL_FAILED,
            getattr(record, "archival_code", "") or uid,
            f"{problem.object}: {problem.message}"[:1000],
            details={"uid": uid, "run_id": run_id},
        )

    with ThreadPoolExecutor(max_workers=config.fixity_workers()) as pool:
        batches = [uids[i : i + batch] for i in range(0, len(uids), batch)]
        ahead = None  # the next batch's files hash while this batch is logged
        for k, part in enumerate(batches):
            rows, hashed = ahead or _submit(pool, _planned(part))
            if k + 1 < len(batches):
                ahead = _submit(pool, _planned(batches[k + 1]))
            for row, future in zip(rows, hashed, strict=True):
                outcome = _settle(row, future)
                if isinstance(outcome, ArchiveError):
                    failed(row[1], row[0], outcome)
                else:
                    counts[outcome] += 1
                counts["done"] += 1
            if commit is not None:
                commit()
                progress()
    counts["complete"] = True
    audit.log("preservation.renewed", details={k: v for k, v in counts.items() if k != "started"})
    if commit is not None:
        commit()
    progress()
    return counts


def _planned(part: list[str]) -> list:
    """(uid, record, plan or None or the error) of each record of a batch."""
    rows = []
    for uid in part:
        record = store.record_by_uid(uid)
        try:
            rows.append((uid, record, plan(record) if record is not None else None))
        except ArchiveError as error:
            rows.append((uid, record, error))
    return rows


def _settle(row, future) -> str | ArchiveError:
    """Log one planned record: "renewed", "skipped" or the error that refused it."""
    _uid, _record, p = row
    if isinstance(p, ArchiveError):
        return p
    if p is None:
        return "skipped"
    try:
        log_renewal(p, future.result())
    except (ArchiveError, OSError) as error:
        return _as_error(error)
    return "renewed"


def _submit(pool, rows: list) -> tuple[list, list]:
    """Start hashing the planned records' files; (rows, futures or None per row)."""
    return rows, [pool.submit(hash_plan, p) if isinstance(p, Plan) else None for _u, _r, p in rows]


def _as_error(error: Exception) -> ArchiveError:
    if isinstance(error, ArchiveError):
        return error
    return _refused(f"文件无法读取 / unreadable: {error}", getattr(error, "filename", "") or "")


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
