"""The audit trails a move brought along (迁入的审计日志): read-only histories of other sites.

A move carries the source site's whole audit trail (``audit.jsonl``, its chain checked on
import). The target keeps it apart from its own trail, which only records the import
(``moves.imported``): one SQLite file per source trail under the site's ledger directory,
``imported-audit/<source log id>-<head hash>.sqlite``, with the entries as the source chained
them (seq, prev, hash unchanged, so the chain check still holds), the same append-only
triggers, and a ``meta`` table naming the source (site, ledger origin, export, import time).
It is opened read-only; there is no API that writes to it after the import.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from contextlib import contextmanager
from pathlib import Path

from sd.archive.audit.store import INSERT
from sd.archive.audit.store import SCHEMA
from sd.archive.audit.store import AuditStore
from sd.archive.audit.store import _row
from sd.archive.core.audit.check import CheckResult
from sd.archive.core.moves import read_audit
from sd.archive.core.preservation.atomic import TEMP_PREFIX

FOLDER = "imported-audit"
BATCH = 1000


def folder(site) -> Path:
    from sd.archive.ledger.node import site_dir

    return site_dir(site) / FOLDER


class ImportedTrail:
    """One imported audit trail, read-only (只读): its source and its entries."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.name = self.path.stem
        with closing(self._connect()) as conn:
            self.source = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        self.log_id = self.source.get("log_id", "")

    def summary(self) -> dict:
        """Its name (to read it: ``@audit-trail?trail=<name>``) and its source."""
        return {"name": self.name, **self.source}

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        with closing(self._connect()) as conn:
            yield conn

    # the trail's own reading (newest first with a count; oldest first, streamed; the chain)
    search = AuditStore.search
    iterate = AuditStore.iterate

    def check(self) -> CheckResult:
        """The chain check of the imported trail (as the source chained it)."""
        return AuditStore.check(self, None)


def imported_trails(site) -> list[ImportedTrail]:
    """Every audit trail moved into ``site`` (oldest import first)."""
    found = sorted(folder(site).glob("*.sqlite"), key=lambda p: p.stat().st_mtime)
    return [ImportedTrail(p) for p in found if not p.name.startswith(TEMP_PREFIX)]


def imported_trail(site, name: str) -> ImportedTrail | None:
    """The imported trail called ``name`` (one of :func:`imported_trails`), else None."""
    return next((t for t in imported_trails(site) if t.name == name), None)


def store_trail(site, audit_path: Path, source: dict) -> Path | None:
    """Write the checked ``audit.jsonl`` at ``audit_path`` as an imported trail naming
    ``source``; returns the file written, None when this very trail is here already."""
    name = f"{source['log_id'] or 'trail'}-{(source['head'] or 'empty')[:16]}.sqlite"
    target = folder(site) / name
    if target.exists():
        return None
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = target.with_name(f"{TEMP_PREFIX}{name}")
    temporary.unlink(missing_ok=True)
    try:
        with closing(sqlite3.connect(temporary)) as conn:
            conn.executescript(SCHEMA)
            conn.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [(k, str(v)) for k, v in source.items()],
            )
            batch = []
            for entry in read_audit(audit_path):
                batch.append(_row(entry))
                if len(batch) >= BATCH:
                    conn.executemany(INSERT, batch)
                    batch = []
            conn.executemany(INSERT, batch)
            conn.commit()
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target
