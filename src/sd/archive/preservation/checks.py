"""Preservation-stage detection runs (长期保存阶段四性检测, ``BC-…`` items).

Why here (in ``preservation/``, not ``detection/``): a run needs what this package owns — the
storage locations and the copy policy (``config``), the ledger-attested digests of every AIP
version (``store.expected_digests``), alarms and the schedule. ``detection/`` only renders the
stored reports (page and PDF), which these runs reuse. The file work itself is pure and lives
in :mod:`sd.archive.core.preservation.stage` (worker processes: the structure readers hold the
GIL).

A run over a record, a fonds or the holdings (一次检测任务):

1. :func:`begin` writes the run's ``state.json`` (scope, actor, the records' UIDs) under
   ``var/preservation/checks/<run id>``;
2. :func:`resume` gathers plain facts per record in the transaction (content files with their
   SM3, AIP versions with the ledger's digest), checks them in worker processes, stores each
   report on its record (``detection_reports``, shown by ``@@detection-report`` and its PDF)
   with a preservation event and an alarm on failure, and — given ``commit`` — commits every
   :data:`BATCH` records, then appends their rows to ``rows.jsonl`` and the count to
   ``progress.json``. Killed half way, the run resumes where the last commit left it (the
   scheduler resumes unfinished runs; a record checked twice keeps one report per run);
3. at the end the summary goes to ``summary.json`` and the audit trail.

A record's run is short and answers in the request; a fonds' or the holdings' runs in a thread
of its own (:func:`start_in_background`) whose progress the pages and ``@preservation-check``
show.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC
from datetime import datetime
from pathlib import Path

import transaction
from plone import api

from sd.archive import audit
from sd.archive.core.detection.context import DetectionContext
from sd.archive.core.preservation.atomic import atomic_writer
from sd.archive.core.preservation.stage import STAGE
from sd.archive.core.preservation.stage import RecordFacts
from sd.archive.core.preservation.stage import check_facts
from sd.archive.core.preservation.stage import check_many
from sd.archive.repository import is_original_package

from . import alarms
from . import background
from . import config
from . import store
from .package import add_preservation_event
from .package import blob_path
from .package import components

__all__ = ["STAGE", "RecordFacts", "check_facts"]

WATCH_LIST_RECORD = "sd.archive.preservation.format_watch_list"
DEFAULT_WATCH_LIST = ("DOC", "WPS", "TIFF")
STATE, ROWS, PROGRESS, SUMMARY = "state.json", "rows.jsonl", "progress.json", "summary.json"
BATCH = 100  # records per commit in a background run (每批提交)
_running: set[str] = set()  # run ids a thread of this process works on


def runs_dir() -> Path:
    return config.work_dir("checks")


def format_watch_list() -> tuple[str, ...]:
    """The formats the archive watches (格式观察名单): registry record
    ``sd.archive.preservation.format_watch_list``; the default before it is set."""
    value = api.portal.get_registry_record(WATCH_LIST_RECORD, default=None)
    return tuple(value) if value is not None else DEFAULT_WATCH_LIST


def record_facts(record, expected: dict[str, str] | None = None) -> RecordFacts:
    """The record's content files and AIP versions (``expected``: the holdings' attested
    digests when the caller has them, else this record's are read from the ledger)."""
    relpaths = [v["relpath"] for v in store.versions(record)]
    if expected is None:
        expected = store.expected_digests(relpaths=relpaths)
    files, missing = {}, []
    for component in components(record):
        if is_original_package(component):
            continue  # the package as received is kept, not read (它不是内容数据)
        path = component.path or component.getId()
        if getattr(component, "file", None) is None:
            missing.append(path)
            continue
        files[path] = (blob_path(component), component.sm3 or "", component.size or 0)
    return RecordFacts(
        record.UID(),
        record.archival_code or record.getId(),
        files,
        {r: expected.get(r, "") for r in relpaths},
        missing,
    )


def check_workers() -> int:
    """Worker processes of a run: as many as fixity's workers (each hashes and reads
    structures; in processes the readers no longer wait for one another's GIL)."""
    return config.fixity_workers()


def context() -> DetectionContext:
    """The run's context: the archive's watch list and the copy policy (存储策略)."""
    return DetectionContext(
        format_watch_list=format_watch_list(), min_copies=config.policy().copies_required
    )


def _failed_codes(report: dict) -> list[str]:
    return sorted({i["code"] for i in report.get("items", []) if i.get("result") == "failed"})


def store_report(record, report: dict, run_id: str, site=None) -> None:
    """Keep the report on the record (one per run: a resumed run replaces its own), note it
    among its preservation events, alarm on failure."""
    report = {**report, "run_id": run_id}
    kept = [
        r for r in (getattr(record, "detection_reports", None) or []) if r.get("run_id") != run_id
    ]
    record.detection_reports = [*kept, report]
    failed = _failed_codes(report)
    verdict = "不通过 " + ", ".join(failed) if failed else "通过"
    add_preservation_event(record, "长期保存检测", f"{run_id}: {verdict}")
    if failed:
        lines = [
            f"{i['code']} {i.get('object', '')}: {i.get('message', '')}"
            for i in report["items"]
            if i.get("result") == "failed"
        ]
        alarms.raise_alarm(
            alarms.CHECK_FAILED,
            record.archival_code or record.UID(),
            "; ".join(lines)[:1000],
            details={"uid": record.UID(), "run_id": run_id, "codes": failed},
            site=site,
        )


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _row(record, report: dict) -> dict:
    return {
        "uid": record.UID(),
        "code": record.archival_code or "",
        "title": record.Title(),
        "result": report["result"],
        "failed": _failed_codes(report),
        "manual": sorted({i["code"] for i in report["items"] if i.get("result") == "manual"}),
    }


def _write_json(path: Path, data) -> None:
    with atomic_writer(path) as f:
        f.write(json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


def _run_folder(run_id: str) -> Path | None:
    if not run_id or "/" in run_id or run_id.startswith("."):
        return None
    folder = runs_dir() / run_id
    return folder if (folder / STATE).exists() or (folder / SUMMARY).exists() else None


def _rows(folder: Path) -> list[dict]:
    """The rows kept so far, one per record (a record checked again after a resume: the last)."""
    path = folder / ROWS
    if not path.exists():
        return []
    rows: dict[str, dict] = {}
    for line in path.read_text("utf-8").splitlines():
        try:
            row = json.loads(line)
        except ValueError:
            continue  # a line cut by a kill: its record is checked again
        rows[row["uid"]] = row
    return list(rows.values())


def begin(uids: list[str], *, scope: str = "", actor: str = "") -> str:
    """Write the run's state (its records) and return its id; :func:`resume` does the work."""
    run_id = new_run_id()
    folder = runs_dir() / run_id
    folder.mkdir(parents=True, exist_ok=True)
    state = {
        "run_id": run_id,
        "scope": scope,
        "actor": actor,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "uids": list(uids),
    }
    _write_json(folder / STATE, state)
    _write_json(folder / PROGRESS, {"done": 0, "total": len(uids)})
    return run_id


def resume(run_id: str, *, commit=None, workers: int | None = None, batch: int = BATCH) -> dict:
    """Check the records of ``run_id`` not checked yet; returns the run's summary.

    ``commit`` (e.g. ``transaction.commit``) is called after every ``batch`` records and the
    rows are kept only then, so that a kill loses no more than the last batch's work; without
    it (a record's run in a request) everything stays in the caller's transaction."""
    folder = runs_dir() / run_id
    state = json.loads((folder / STATE).read_text("utf-8"))
    started = time.perf_counter()
    done = {row["uid"] for row in _rows(folder)}
    records = [store.record_by_uid(uid) for uid in state["uids"] if uid not in done]
    records = [r for r in records if r is not None]  # a record gone since: nothing to check
    attested = store.expected_digests()
    facts = [record_facts(r, attested) for r in records]
    by_uid = {r.UID(): r for r in records}
    locations, ctx = config.online_locations(), context()
    pending: list[dict] = []
    total = len(state["uids"])

    def keep():
        if commit is not None:
            commit()
        with open(folder / ROWS, "a", encoding="utf-8") as out:
            out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in pending)
        done.update(row["uid"] for row in pending)
        pending.clear()
        _write_json(folder / PROGRESS, {"done": len(done), "total": total})

    checked = check_many(
        facts,
        locations,
        ctx,
        workers=workers or check_workers(),
        processes=commit is not None and len(facts) > 1,
    )
    for item, report in checked:
        record = by_uid[item.uid]
        store_report(record, report, run_id)
        pending.append(_row(record, report))
        if commit is not None and len(pending) >= batch:
            keep()
    keep()
    rows = _rows(folder)
    order = {uid: n for n, uid in enumerate(state["uids"])}
    rows.sort(key=lambda r: order.get(r["uid"], len(order)))
    summary = {
        "run_id": run_id,
        "scope": state["scope"],
        "actor": state["actor"],
        "started": state["started"],
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 3),
        "total": len(rows),
        "failed": sum(1 for r in rows if r["result"] == "failed"),
        "complete": True,
        "records": rows,
    }
    _write_json(folder / SUMMARY, summary)
    audit.log(
        "preservation.checked",
        details={
            "run_id": run_id,
            "scope": state["scope"],
            "total": len(rows),
            "failed": summary["failed"],
        },
    )
    return summary


def run(records, *, scope: str = "", workers: int | None = None, actor: str = "") -> dict:
    """Run the preservation stage over ``records`` now, in this transaction (a record's run,
    tests); returns the run's summary."""
    run_id = begin([r.UID() for r in records], scope=scope, actor=actor)
    return resume(run_id, workers=workers)


def scope_of(context) -> tuple[str, list[str]]:
    """(scope, record UIDs) of what ``context`` is: a record, a fonds (any folder), the site."""
    from sd.archive.interfaces import IRecord

    if IRecord.providedBy(context):
        return context.archival_code or context.UID(), [context.UID()]
    if context is api.portal.get():
        return "holdings", sorted({entry["uid"] for entry in store.index().values()})
    catalog = api.portal.get_tool("portal_catalog")
    path = "/".join(context.getPhysicalPath())
    brains = catalog.unrestrictedSearchResults(portal_type="Record", path=path)
    return getattr(context, "fonds_code", "") or context.getId(), [b.UID for b in brains]


def start_in_background(
    site, scope: str, uids: list[str], actor: str
) -> tuple[str, threading.Thread]:
    """Begin a run and work it off the request thread; returns its id and thread."""
    run_id = begin(uids, scope=scope, actor=actor)
    _running.add(run_id)
    thread = background.start(
        site,
        actor,
        f"sd-check-{run_id}",
        lambda: resume(run_id, commit=transaction.commit),
        lambda: _running.discard(run_id),
    )
    return run_id, thread


def unfinished_runs() -> list[str]:
    """Runs begun and not finished, and not worked on by this process (to resume)."""
    folder = runs_dir()
    return sorted(
        p.name
        for p in folder.iterdir()
        if (p / STATE).exists() and not (p / SUMMARY).exists() and p.name not in _running
    )


def records_under(container) -> list:
    """The records of a fonds (or any folder), or of the whole holdings for the site."""
    catalog = api.portal.get_tool("portal_catalog")
    path = "/".join(container.getPhysicalPath())
    brains = catalog.unrestrictedSearchResults(portal_type="Record", path=path)
    return [b._unrestrictedGetObject() for b in brains]


def preserved_records() -> list:
    """Every record with an AIP (the holdings under preservation), from the digest index."""
    uids = sorted({entry["uid"] for entry in store.index().values()})
    return [r for r in (store.record_by_uid(uid) for uid in uids) if r is not None]


def _progress(folder: Path) -> dict:
    path = folder / PROGRESS
    return json.loads(path.read_text("utf-8")) if path.exists() else {}


def list_runs() -> list[dict]:
    """Every run without its rows (newest first); an unfinished one with its progress."""
    rows = []
    for folder in sorted((p for p in runs_dir().iterdir() if p.is_dir()), reverse=True):
        if (folder / SUMMARY).exists():
            data = json.loads((folder / SUMMARY).read_text("utf-8"))
            data.pop("records", None)
            data.setdefault("complete", True)
        elif (folder / STATE).exists():
            state = json.loads((folder / STATE).read_text("utf-8"))
            data = {k: state[k] for k in ("run_id", "scope", "actor", "started")}
            data.update(total=len(state["uids"]), complete=False, progress=_progress(folder))
        else:
            continue
        rows.append(data)
    return rows


def run_details(run_id: str) -> dict | None:
    """One run with its records (those checked so far while it runs), or None."""
    folder = _run_folder(run_id)
    if folder is None:
        return None
    if (folder / SUMMARY).exists():
        data = json.loads((folder / SUMMARY).read_text("utf-8"))
        data.setdefault("complete", True)
        return data
    state = json.loads((folder / STATE).read_text("utf-8"))
    rows = _rows(folder)
    return {
        **{k: state[k] for k in ("run_id", "scope", "actor", "started")},
        "total": len(state["uids"]),
        "complete": False,
        "progress": _progress(folder),
        "failed": sum(1 for r in rows if r["result"] == "failed"),
        "records": rows,
    }


def interval_due(interval_days: int, now: datetime | None = None) -> bool:
    """Whether the holdings are due a scheduled run (the last one finished longer ago)."""
    runs = [r for r in list_runs() if r.get("scope") == "holdings" and r.get("complete")]
    if not runs:
        return True
    last = datetime.fromisoformat(runs[0]["finished"])
    return ((now or datetime.now(UTC)) - last).total_seconds() > interval_days * 86400
