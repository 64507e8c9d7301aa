"""Backup and restore of the whole preservation node (备份与恢复).

One backup holds together: the database file (Data.fs), the blobs, every online AIP
location, the configuration (instance ``etc``), the public keys (never the private key),
the carrier register and the audit trail (corrections, code changes, AIP versions and
alarms exported as JSON lines). A restore counts only after a sampled fixity check of the
restored files against the backup's SM3 manifest.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from plone import api

from sd.archive.core.preservation import backup as core

from . import alarms
from . import config
from . import discs
from . import keys
from . import store


def export_audit(path: Path, site=None) -> int:
    """The audit trail as JSON lines: one line per record, then the open and closed alarms."""
    catalog = api.portal.get_tool("portal_catalog")
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        for brain in catalog.unrestrictedSearchResults(portal_type="Record"):
            record = brain._unrestrictedGetObject()
            row = {
                "uid": record.UID(),
                "archival_code": record.archival_code,
                "correction_log": list(getattr(record, "correction_log", None) or []),
                "code_log": list(getattr(record, "code_log", None) or []),
                "aip_versions": store.versions(record),
            }
            f.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
            n += 1
        for alarm in alarms.all_alarms(site):
            f.write(json.dumps({"alarm": alarm}, ensure_ascii=False, default=str) + "\n")
    return n


def snapshot_filestorage(source: Path, target: Path) -> Path:
    """A consistent copy of a live Data.fs (数据库一致性快照).

    FileStorage only appends, so the file up to the end of its last committed transaction is
    a consistent database: read that position with a read-only FileStorage and copy the prefix;
    a transaction being written meanwhile is left out.
    """
    from ZODB.FileStorage import FileStorage

    storage = FileStorage(str(source), read_only=True)
    try:
        end = storage._pos
    finally:
        storage.close()
    with open(source, "rb") as src, open(target, "wb") as dst:
        remaining = end
        while remaining:
            chunk = src.read(min(remaining, 1 << 20))
            if not chunk:
                break
            dst.write(chunk)
            remaining -= len(chunk)
    return target


def snapshot_ledger(source: Path, target: Path) -> Path:
    """A consistent copy of the ledger folder: SQLite files through SQLite's backup API
    (safe while the instance writes), the rest (keys' public parts, settings) copied."""
    import sqlite3

    target.mkdir()
    for path in source.rglob("*"):
        relative = path.relative_to(source)
        if path.is_dir():
            (target / relative).mkdir(parents=True, exist_ok=True)
        elif path.suffix == ".sqlite":
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            with sqlite3.connect(str(path)) as src, sqlite3.connect(str(target / relative)) as dst:
                src.backup(dst)
        elif not path.name.endswith(("-wal", "-shm", ".pem", ".key")):
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / relative)
    return target


def sources(staging: Path, *, filestorage=None, blobstorage=None, etc=None) -> dict[str, Path]:
    var = config.var_dir()
    data_fs = Path(filestorage) if filestorage else var / "filestorage" / "Data.fs"
    if data_fs.exists():
        (staging / "filestorage").mkdir()
        data_fs = snapshot_filestorage(data_fs, staging / "filestorage" / "Data.fs")
    found = {
        "filestorage": data_fs,
        "blobs": Path(blobstorage) if blobstorage else var / "blobstorage",
        "config": Path(etc) if etc else var / "etc",
    }
    parts = {name: path for name, path in found.items() if path.exists()}
    for loc in config.online_locations():
        if loc.root.exists():
            parts[f"aip-{loc.id}"] = loc.root
    keys_dir = staging / "keys"
    keys_dir.mkdir()
    key = keys.node_key()
    (keys_dir / "node.pub").write_text(
        json.dumps(
            {"name": key.name, "algorithm": key.algorithm, "public_key": key.public_key.hex()}
        )
        + "\n",
        "utf-8",
    )
    parts["keys"] = keys_dir
    audit_dir = staging / "audit"
    audit_dir.mkdir()
    export_audit(audit_dir / "audit.jsonl")
    if discs.register_path().exists():
        shutil.copy2(discs.register_path(), audit_dir / "carriers.json")
    parts["audit"] = audit_dir
    ledger = var / "ledger"
    if ledger.exists():
        parts["ledger"] = snapshot_ledger(ledger, staging / "ledger")
    return parts


def backup(backup_root: str | Path, **paths) -> core.BackupResult:
    """Back everything up under ``<backup_root>/backup-<UTC time>/``."""
    with tempfile.TemporaryDirectory(prefix="sd-backup-") as tmp:
        return core.make_backup(sources(Path(tmp), **paths), backup_root)


def restore(
    backup_dir: str | Path, target: str | Path, *, sample: float = 0.1, seed=None
) -> core.RestoreCheck:
    """Restore into an empty ``target`` and check a sample; it counts only when that passes."""
    core.restore_backup(backup_dir, target)
    return core.verify_restore(target, sample, seed=seed)


restore_counts = core.restore_counts
verify_backup = core.verify_backup
