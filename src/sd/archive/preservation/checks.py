"""Preservation-stage detection runs (长期保存阶段四性检测, ``BC-…`` items).

Why here (in ``preservation/``, not ``detection/``): a run needs what this package owns — the
storage locations and the copy policy (``config``), the ledger-attested digests of every AIP
version (``store.expected_digests``), the file hashing of fixity (``core.preservation.fixity
.hash_file``, the same function a fixity run uses), alarms and the schedule. ``detection/``
only renders the stored reports (page and PDF), which these runs reuse.

A run over a record, a fonds or the holdings:

1. gathers, in the transaction, plain facts per record: its content files (blob paths with
   their SM3), its AIP versions with the ledger's digest of each;
2. measures every copy (every online location × every version) and runs the ``preservation``
   items of the catalogue on each record (:func:`sd.archive.core.detection.engine.run_detection`)
   in a thread pool — file work only, no database access;
3. stores each record's report on the record (``detection_reports``, shown by
   ``@@detection-report`` and its PDF), adds a preservation event, raises an alarm for each
   record that failed, and writes the run's summary to ``var/preservation/checks/<run id>``.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from pathlib import Path

from plone import api

from sd.archive import audit
from sd.archive.core.detection.catalogue import load_catalogue
from sd.archive.core.detection.context import DetectionContext
from sd.archive.core.detection.engine import run_detection
from sd.archive.core.detection.subjects import PreservationSubject
from sd.archive.core.detection.subjects import stored_file
from sd.archive.core.preservation.atomic import atomic_writer
from sd.archive.core.preservation.fixity import hash_file
from sd.archive.core.preservation.storage import aip_path
from sd.archive.repository import is_original_package

from . import alarms
from . import config
from . import store
from .package import add_preservation_event
from .package import blob_path
from .package import components

STAGE = "preservation"
WATCH_LIST_RECORD = "sd.archive.preservation.format_watch_list"
DEFAULT_WATCH_LIST = ("DOC", "WPS", "TIFF")
SUMMARY = "summary.json"


def runs_dir() -> Path:
    return config.work_dir("checks")


def format_watch_list() -> tuple[str, ...]:
    """The formats the archive watches (格式观察名单): registry record
    ``sd.archive.preservation.format_watch_list``; the default before it is set."""
    value = api.portal.get_registry_record(WATCH_LIST_RECORD, default=None)
    return tuple(value) if value is not None else DEFAULT_WATCH_LIST


@dataclass
class RecordFacts:
    """What a run needs of one record, read in the transaction (plain data only)."""

    uid: str
    code: str
    files: dict[str, tuple[str, str, int]]  # path → (blob file, SM3, size)
    expected: dict[str, str]  # AIP relpath → the ledger's SM3 (or store.NOT_IN_LEDGER)
    missing_files: list[str] = field(default_factory=list)


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


def _measure(facts: RecordFacts, locations) -> dict[str, dict[str, str]]:
    """{location id: {relpath: SM3}} of every copy found (a missing copy is left out)."""
    copies: dict[str, dict[str, str]] = {}
    for location in locations:
        held = copies.setdefault(location.id, {})
        for relpath in facts.expected:
            digest, _size, _error = hash_file(str(aip_path(location, relpath)))
            if digest is not None:
                held[relpath] = digest
    return copies


def check_facts(facts: RecordFacts, locations, context: DetectionContext, catalogue=None):
    """The preservation report of one record (file work only: runs in worker threads)."""
    files = {}
    for path, (location, sm3, size) in facts.files.items():
        try:
            files[path] = stored_file(path, location, sm3, size)
        except OSError:
            facts.missing_files.append(path)
    subject = PreservationSubject(facts.code, files, _measure(facts, locations), facts.expected)
    report = run_detection(STAGE, subject, catalogue or load_catalogue(), context)
    data = report.as_dict()
    for path in facts.missing_files:  # a content file gone from the store fails readability
        data["items"].append(
            {
                "code": "BC-3-1",
                "property": "usability",
                "object": path,
                "result": "failed",
                "message": "文件缺失，无法读取 / stored file is missing",
            }
        )
        data["result"] = "failed"
    return data


def check_workers() -> int:
    """Twice fixity's workers: hashing releases the GIL, the PDF/OFD readers hold it, so a
    worker reading a structure leaves its core to another one hashing a copy."""
    return 2 * config.fixity_workers()


def context() -> DetectionContext:
    """The run's context: the archive's watch list and the copy policy (存储策略)."""
    return DetectionContext(
        format_watch_list=format_watch_list(), min_copies=config.policy().copies_required
    )


def _failed_codes(report: dict) -> list[str]:
    return sorted({i["code"] for i in report.get("items", []) if i.get("result") == "failed"})


def store_report(record, report: dict, run_id: str, site=None) -> None:
    """Keep the report on the record, note it among its preservation events, alarm on failure."""
    report = {**report, "run_id": run_id}
    record.detection_reports = [*(getattr(record, "detection_reports", None) or []), report]
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


def run(records, *, scope: str = "", workers: int | None = None, actor: str = "") -> dict:
    """Run the preservation stage over ``records`` (an iterable of records) in this transaction;
    returns the run's summary (also written to ``var/preservation/checks/<run id>``)."""
    run_id = new_run_id()
    started = time.perf_counter()
    records = list(records)
    attested = store.expected_digests()
    facts = [record_facts(r, attested) for r in records]
    locations = config.online_locations()
    ctx, catalogue = context(), load_catalogue()
    workers = workers or check_workers()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        reports = list(pool.map(lambda f: check_facts(f, locations, ctx, catalogue), facts))
    rows = []
    for record, report in zip(records, reports, strict=True):
        store_report(record, report, run_id)
        rows.append(
            {
                "uid": record.UID(),
                "code": record.archival_code or "",
                "title": record.Title(),
                "result": report["result"],
                "failed": _failed_codes(report),
                "manual": sorted(
                    {i["code"] for i in report["items"] if i.get("result") == "manual"}
                ),
            }
        )
    summary = {
        "run_id": run_id,
        "scope": scope,
        "actor": actor,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 3),
        "total": len(rows),
        "failed": sum(1 for r in rows if r["result"] == "failed"),
        "records": rows,
    }
    folder = runs_dir() / run_id
    folder.mkdir(parents=True, exist_ok=True)
    with atomic_writer(folder / SUMMARY) as f:
        f.write(json.dumps(summary, ensure_ascii=False, indent=1).encode("utf-8"))
    audit.log(
        "preservation.checked",
        details={"run_id": run_id, "scope": scope, "total": len(rows), "failed": summary["failed"]},
    )
    return summary


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


def list_runs() -> list[dict]:
    """Every run's summary without its rows (newest first)."""
    rows = []
    for folder in sorted((p for p in runs_dir().iterdir() if p.is_dir()), reverse=True):
        path = folder / SUMMARY
        if path.exists():
            data = json.loads(path.read_text("utf-8"))
            data.pop("records", None)
            rows.append(data)
    return rows


def run_details(run_id: str) -> dict | None:
    if "/" in run_id or run_id.startswith(".") or not run_id:
        return None
    path = runs_dir() / run_id / SUMMARY
    return json.loads(path.read_text("utf-8")) if path.exists() else None


def interval_due(interval_days: int, now: datetime | None = None) -> bool:
    """Whether the holdings are due a scheduled run (the last one finished longer ago)."""
    runs = [r for r in list_runs() if r.get("scope") == "holdings"]
    if not runs:
        return True
    last = datetime.fromisoformat(runs[0]["finished"])
    return ((now or datetime.now(UTC)) - last).total_seconds() > interval_days * 86400
