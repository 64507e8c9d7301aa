"""Moves started over REST (整库迁移任务): an export runs in the background into the var
directory (``<var>/preservation/moves/exports/<id>/``) and tells how far it got in
``<id>.json`` beside it; an import reads an export from a directory on the server.

Progress file: ``{"id", "state": running|done|failed, "started", "finished", "stage",
"done", "directory", "manifest": {…} when done, "error": {error shape} when failed,
"by"}``. A run cut off by a stop stays ``running`` with no thread behind it (``running``:
false in the list): its directory is removed and the export started again.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC
from datetime import datetime
from pathlib import Path

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.preservation.atomic import atomic_writer
from sd.archive.preservation import background
from sd.archive.preservation import config

_running: set[str] = set()
_guard = threading.Lock()
#: seconds between two writes of the progress file
EVERY = 0.5


def exports_dir() -> Path:
    return config.work_dir("moves/exports")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _write(run_id: str, state: dict) -> None:
    with atomic_writer(exports_dir() / f"{run_id}.json", sync=False) as out:
        out.write(json.dumps(state, ensure_ascii=False, indent=1).encode("utf-8"))


def start_export(site, user_id: str) -> tuple[str, threading.Thread]:
    """Start an export of ``site`` in the background; its id and thread."""
    from zope.component.hooks import getSite

    from sd.archive.moves.exporter import export_repository

    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    directory = exports_dir() / run_id
    state = {
        "id": run_id,
        "state": "running",
        "started": _now(),
        "stage": "items",
        "done": 0,
        "directory": str(directory),
        "by": user_id,
    }
    _write(run_id, state)
    last = [0.0]

    def progress(stage: str, done: int) -> None:
        state.update(stage=stage, done=done)
        if time.monotonic() - last[0] >= EVERY:
            last[0] = time.monotonic()
            _write(run_id, state)

    def work() -> None:
        try:
            manifest = export_repository(getSite(), directory, progress=progress)
        except Exception as error:
            if not isinstance(error, ArchiveError):
                error = ArchiveError(f"{type(error).__name__}: {error}", [], 500, "MoveFailed")
            state.update(state="failed", finished=_now(), error=error.as_dict())
            _write(run_id, state)
            raise
        keys = (
            *("export_id", "items", "files", "aip_files", "audit_entries"),
            *("ledger_origin", "ledger_vkey"),
        )
        state.update(state="done", finished=_now(), manifest={k: manifest[k] for k in keys})
        _write(run_id, state)

    with _guard:
        _running.add(run_id)
    thread = background.start(
        site, user_id, f"sd-move-export-{run_id}", work, lambda: _running.discard(run_id)
    )
    return run_id, thread


def list_exports() -> list[dict]:
    """Every export started here (newest first) with its progress."""
    rows = []
    for path in sorted(exports_dir().glob("*.json"), reverse=True):
        row = json.loads(path.read_text("utf-8"))
        row["running"] = row["id"] in _running
        rows.append(row)
    return rows


def export_path(value) -> Path:
    """The directory of an export to import: an absolute path on the server, or the id of an
    export made here. Refused (400 ``moves.path``) when it is neither or holds no export."""
    if isinstance(value, str) and value and "/" not in value and value not in (".", ".."):
        path = exports_dir() / value
    elif isinstance(value, str) and value.startswith("/"):
        path = Path(value)
    else:
        path = None
    if path is None or not (path / "manifest.json").is_file():
        raise ArchiveError(
            "no export at this path (此路径下没有迁移包)",
            [
                Problem(
                    "moves.path",
                    "an absolute directory holding an export, or an export id",
                    str(value)[:200],
                    "path",
                )
            ],
            400,
            "BadRequest",
        )
    return path
