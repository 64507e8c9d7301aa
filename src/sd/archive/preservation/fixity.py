"""Fixity runs and automatic repair on the site's storage locations (固定性检测与自动修复).

Each online location is checked against the expected package digests (the site's digest
index, written with every ``preserve`` event: the ledger's digests). Runs are resumable by
run id and hash on all cores; progress goes to ``progress.json`` in the run folder (the
progress view reads it) and, on the command line, to a text bar. A failed or missing copy is
replaced from a good copy at another location and a signed ``repair`` event is logged; when
no good copy exists an alarm is raised and nothing is touched.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import asdict
from pathlib import Path

import transaction

from sd.archive import logger
from sd.archive.core.preservation import fixity as core
from sd.archive.core.preservation.atomic import atomic_writer
from sd.archive.core.preservation.repair import RepairReport
from sd.archive.core.preservation.repair import repair_run
from sd.archive.ledger import log_event

from . import alarms
from . import config
from . import store
from .package import add_preservation_event

PROGRESS = "progress.json"
REPAIR = "repair.json"


def runs_dir() -> Path:
    return config.work_dir("fixity")


class ProgressFile:
    """Writes ``progress.json`` at most every ``interval`` seconds and at the end."""

    def __init__(self, run_dir: Path, also=None, interval: float = 0.5):
        self.path = run_dir / PROGRESS
        self.also = also
        self.interval = interval
        self.last = 0.0

    def __call__(self, p: core.FixityProgress) -> None:
        now = time.monotonic()
        if p.done >= p.total or now - self.last >= self.interval:
            self.last = now
            data = {"done": p.done, "total": p.total, "bytes": p.bytes, "elapsed": p.elapsed}
            with atomic_writer(self.path) as f:
                f.write(json.dumps(data).encode("utf-8"))
        if self.also is not None:
            self.also(p)


def apply_repairs(report: RepairReport, site=None) -> None:
    """Log each repair as a signed ledger event; raise an alarm for each copy with no good
    source."""
    idx = store.index(site)
    for event in report.events:
        if event.get("status") not in ("replaced", "restored"):
            continue
        entry = idx.get(event["relpath"])
        record = store.record_by_uid(entry["uid"]) if entry else None
        if record is None:
            logger.warning("repaired %s: its record is not in this site", event["relpath"])
            continue
        log_event(
            "repair",
            record,
            package_digest=event["expected"],
            content={event["relpath"]: event["expected"]},
        )
        add_preservation_event(
            record,
            "修复",
            f"{event['relpath']} at {event['location']} {event['status']} "
            f"from {event['source_location']}",
        )
        logger.warning("repaired %s at %s", event["relpath"], event["location"])
    for alarm in report.alarms:
        entry = idx.get(alarm.relpath)
        alarms.raise_alarm(
            alarms.NO_GOOD_COPY,
            alarm.relpath,
            alarm.message,
            location=alarm.location_id,
            details={
                "expected": alarm.expected,
                "seen": dict(alarm.seen),
                "uid": entry["uid"] if entry else "",
                "code": entry["code"] if entry else "",
            },
            site=site,
        )
        logger.error("no good copy of %s (%s)", alarm.relpath, alarm.location_id)


def check_location(
    location_id: str,
    *,
    run_id: str | None = None,
    workers: int | None = None,
    progress=None,
    expected: dict[str, str] | None = None,
    repair: bool = True,
) -> tuple[core.FixityRun, RepairReport]:
    """One fixity run of one location, then repair; file work only (no database access).

    ``expected`` defaults to the site's digest index; call ``apply_repairs`` with the
    report in a transaction afterwards (``run`` does both).
    """
    location = config.location(location_id)
    expected = store.expected_digests() if expected is None else expected
    run_id = run_id or core.new_run_id(location)
    folder = runs_dir()
    result = core.run_fixity(
        location,
        expected.get,
        folder,
        run_id=run_id,
        inventory=list(expected),
        workers=workers or config.fixity_workers(),
        progress=ProgressFile(folder / run_id, progress),
    )
    report = RepairReport()
    if repair and (result.failed or result.missing):
        report = repair_run(result, config.online_locations(), expected.get)
    with atomic_writer(folder / run_id / REPAIR) as f:
        data = {
            "events": report.events,
            "alarms": [asdict(a) for a in report.alarms],
        }
        f.write(json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
    return result, report


def run(location_id: str, **kwargs) -> tuple[core.FixityRun, RepairReport]:
    """Check and repair one location, logging repairs and raising alarms in this transaction."""
    result, report = check_location(location_id, **kwargs)
    apply_repairs(report)
    return result, report


def run_all(**kwargs) -> list[tuple[core.FixityRun, RepairReport]]:
    return [run(loc.id, **kwargs) for loc in config.online_locations()]


# --- results per run --------------------------------------------------------------------------


def list_runs() -> list[dict]:
    """Every run (newest first) with its counts, or its progress while unfinished."""
    folder = runs_dir()
    rows = []
    for run_dir in sorted((p for p in folder.iterdir() if p.is_dir()), reverse=True):
        state_file = run_dir / "state.json"
        if not state_file.exists():
            continue
        state = json.loads(state_file.read_text("utf-8"))
        row = {
            "run_id": run_dir.name,
            "location_id": state.get("location_id"),
            "started": state.get("started"),
            "total": len(state.get("items", ())),
            "complete": False,
        }
        result = core.load_run(folder, run_dir.name)
        if result is not None:
            row.update(
                complete=True,
                finished=result.finished,
                passed=len(result.passed),
                failed=len(result.failed),
                missing=len(result.missing),
                unknown=len(result.unknown),
                errors=len(result.errors),
                bytes=result.bytes,
                seconds=round(result.seconds, 2),
                ok=result.ok,
            )
            repair_file = run_dir / REPAIR
            if repair_file.exists():
                repaired = json.loads(repair_file.read_text("utf-8"))
                row["repaired"] = len(
                    [e for e in repaired["events"] if e.get("status") in ("replaced", "restored")]
                )
                row["alarms"] = len(repaired["alarms"])
        progress_file = run_dir / PROGRESS
        if progress_file.exists():
            row["progress"] = json.loads(progress_file.read_text("utf-8"))
        rows.append(row)
    return rows


def run_details(run_id: str) -> dict | None:
    folder = runs_dir()
    if "/" in run_id or run_id.startswith("."):
        return None
    result = core.load_run(folder, run_id)
    if result is None:
        return None
    data = result.as_dict()
    repair_file = folder / run_id / REPAIR
    if repair_file.exists():
        data["repair"] = json.loads(repair_file.read_text("utf-8"))
    return data


# --- runs started from the UI: off the request thread -------------------------------------


def start_in_background(site, location_id: str, user_id: str) -> str:
    """Start a run in a thread with its own database connection; return the run id."""
    location = config.location(location_id)
    run_id = core.new_run_id(location)
    expected = store.expected_digests(site)
    db = site._p_jar.db()
    site_path = site.getPhysicalPath()

    def work():
        from sd.archive.preservation.background import opened_site

        with opened_site(db, site_path, user_id) as portal:
            try:
                result, report = check_location(location_id, run_id=run_id, expected=expected)
                apply_repairs(report, portal)
                transaction.commit()
            except Exception:
                transaction.abort()
                logger.exception("fixity run %s failed", run_id)

    threading.Thread(target=work, name=f"sd-fixity-{run_id}", daemon=True).start()
    return run_id


def resume_unfinished() -> list[str]:
    """Run ids started but not finished (to resume with ``run(location, run_id=...)``)."""
    return core.unfinished_runs(runs_dir())


def location_of_run(run_id: str) -> str:
    state = json.loads((runs_dir() / run_id / "state.json").read_text("utf-8"))
    return state["location_id"]
