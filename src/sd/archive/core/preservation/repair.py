"""Repair of failed copies from good copies (损坏副本的自动修复).

A copy that failed fixity (or is missing) is replaced atomically from a copy at another
location whose SM3 equals the expected digest. Each replacement yields a repair event for the
ledger; when no good copy exists an ``Alarm`` is raised and nothing is touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime

from .atomic import atomic_copy
from .fixity import ExpectedDigest
from .fixity import FixityRun
from .fixity import hash_file
from .storage import StorageLocation
from .storage import aip_path


@dataclass
class Alarm:
    """No good copy anywhere (告警): the record needs a person."""

    relpath: str
    location_id: str
    expected: str | None
    seen: dict[str, str | None] = field(default_factory=dict)  # location id → SM3 found
    message: str = "no good copy found at any location"


@dataclass
class RepairReport:
    events: list[dict] = field(default_factory=list)  # one ``repair`` ledger event each
    alarms: list[Alarm] = field(default_factory=list)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def repair_copy(
    relpath: str,
    target: StorageLocation,
    sources: Iterable[StorageLocation],
    expected: ExpectedDigest,
    *,
    actor: str = "system",
) -> dict | Alarm:
    """Replace the copy of ``relpath`` at ``target`` from a good copy; event dict or Alarm."""
    want = expected(relpath)
    target_path = aip_path(target, relpath)
    before, _, err = hash_file(str(target_path))
    seen: dict[str, str | None] = {target.id: before}
    if want is None:
        return Alarm(relpath, target.id, None, seen, "no expected digest: nothing can be trusted")
    want = want.lower()
    if before == want:
        return {
            "event": "repair",
            "relpath": relpath,
            "location": target.id,
            "status": "already-good",
            "time": _now(),
        }
    for source in sources:
        if source.id == target.id:
            continue
        src_path = aip_path(source, relpath)
        digest, _, _ = hash_file(str(src_path))
        seen[source.id] = digest
        if digest != want:
            continue
        copied, size = atomic_copy(src_path, target_path)
        if copied != want:  # the source changed under us: keep looking
            seen[source.id] = copied
            continue
        after, _, _ = hash_file(str(target_path))
        if after != want:
            seen[target.id] = after
            continue
        return {
            "event": "repair",
            "relpath": relpath,
            "location": target.id,
            "source_location": source.id,
            "expected": want,
            "found": before if not err else None,
            "status": "replaced" if err != "missing" else "restored",
            "size": size,
            "time": _now(),
            "actor": actor,
        }
    return Alarm(relpath, target.id, want, seen)


def repair_run(
    run: FixityRun,
    locations: Iterable[StorageLocation],
    expected: ExpectedDigest,
    *,
    actor: str = "system",
) -> RepairReport:
    """Repair every failed or missing copy of a finished fixity run."""
    locations = list(locations)
    target = next(loc for loc in locations if loc.id == run.location_id)
    others = [loc for loc in locations if loc.id != target.id]
    report = RepairReport()
    for relpath in [f["relpath"] for f in run.failed] + list(run.missing):
        outcome = repair_copy(relpath, target, others, expected, actor=actor)
        (report.alarms if isinstance(outcome, Alarm) else report.events).append(outcome)
    return report
