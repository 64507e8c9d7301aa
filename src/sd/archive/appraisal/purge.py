"""Removing a destroyed record's content from every copy the system controls (副本清除).

- **working blobs** (工作副本): the blob files of the record's components — every revision
  of each blob's oid directory (FileStorage/ZEO blob directories; ZODB's pack tolerates an
  oid directory that is gone already). RelStorage keeping blobs in the database (no shared
  blob directory) is not covered: the blob rows go with the next pack.
- **AIPs** (长期保存包): every version in every online storage location, and their entries
  in the site's digest index, so fixity no longer expects them.
- **managed backups** (系统管理的备份): the ``backup-*`` folders under the preservation work
  directory ``backups``: the AIP copies (``aip-<location>/<relpath>``) and the blob oid
  directories (``blobs/…``) are removed and the SM3 manifest rewritten without them (a
  ``DESTROYED.txt`` says what went and why), so the backup still verifies.
- **offline carriers** (脱机载体, 光盘): cannot be reached; every carrier holding a copy is
  listed on the batch as pending physical destruction until a person confirms it.

The paths are collected while the record still has its files (:func:`targets`), kept in
the batch with the chunk's commit, and removed after it (:func:`finish_pending`).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from persistent.mapping import PersistentMapping

from sd.archive import logger
from sd.archive.actors import now
from sd.archive.core.preservation.atomic import fsync_dir
from sd.archive.core.preservation.backup import MANIFEST
from sd.archive.core.preservation.storage import aip_path
from sd.archive.preservation import config
from sd.archive.preservation import discs
from sd.archive.preservation import store

from . import batches

BACKUPS = "backups"
NOTE = "DESTROYED.txt"


def _blob_dir(component) -> str | None:
    """The directory holding every revision of the component's blob, if it is on disk."""
    named = getattr(component, "file", None)
    blob = getattr(named, "_blob", None)
    if blob is None or blob._p_oid is None or blob._p_jar is None:
        return None
    try:
        path = blob._p_jar._storage.loadBlob(blob._p_oid, blob._p_serial)
    except Exception:  # noqa: BLE001 - uncommitted, or blobs kept in the database
        return None
    return os.path.dirname(path) if path else None


def targets(record) -> dict:
    """What to remove for ``record``: AIP relpaths (every version), blob oid directories."""
    relpaths = [v["relpath"] for v in store.versions(record) if v.get("relpath")]
    blobs = []
    for component in record.objectValues():
        found = _blob_dir(component)
        if found:
            blobs.append(found)
    return {"relpaths": relpaths, "blobs": blobs, "code": record.archival_code or ""}


def forget_aips(found: dict) -> None:
    """Take the record's AIPs out of the digest index (in the chunk's transaction)."""
    index = store.index()
    for relpath in found.get("relpaths") or ():
        if relpath in index:
            del index[relpath]


def remove_aip(loc, relpath: str, synced: set) -> bool:
    """Remove one AIP copy and its empty folders; the folders to sync are collected in
    ``synced`` (synced once per chunk by :func:`finish_pending`, not once per file)."""
    path = aip_path(loc, relpath)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    parent = path.parent
    for _ in range(3):  # <档号>/, <年度>/, <全宗号>/ when empty
        try:
            parent.rmdir()
        except OSError:
            break
        parent = parent.parent
    synced.add(parent)
    return True


def remove_files(found: dict, synced: set | None = None) -> dict:
    """Remove the files now (idempotent): AIP copies, blob directories, backup copies."""
    synced = set() if synced is None else synced
    removed = {"aips": 0, "blobs": 0, "backups": 0}
    for loc in config.online_locations():
        for relpath in found.get("relpaths") or ():
            if remove_aip(loc, relpath, synced):
                removed["aips"] += 1
    blob_dirs = [Path(p) for p in found.get("blobs") or ()]
    for path in blob_dirs:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
            removed["blobs"] += 1
    removed["backups"] = purge_backups(found.get("relpaths") or (), blob_dirs, found.get("code"))
    return removed


def backup_roots() -> list[Path]:
    try:
        root = config.work_dir(BACKUPS)
    except Exception:  # noqa: BLE001 - no var directory: no managed backups
        return []
    return sorted(p for p in root.glob("backup-*") if p.is_dir() and (p / MANIFEST).exists())


def _blob_rel(path: Path) -> str | None:
    """A blob oid directory as it appears in a backup (``blobs/0x00/…/0x2a``)."""
    parts = path.parts
    for n in range(len(parts) - 1, -1, -1):
        if parts[n] in ("blobstorage", "blobs"):
            return "/".join(("blobs", *parts[n + 1 :]))
    return None


def purge_backups(relpaths, blob_dirs, code: str = "") -> int:
    """Remove the copies from every managed backup; rewrite its manifest. Returns files."""
    prefixes = [f"{p}/" for p in (_blob_rel(d) for d in blob_dirs) if p]
    total = 0
    for backup in backup_roots():
        manifest = backup / MANIFEST
        lines = manifest.read_text("utf-8").splitlines(keepends=True)
        keep, gone = [], []
        for line in lines:
            rel = line.rstrip("\n").partition("  ")[2]
            part, _, rest = rel.partition("/")
            hit = (part.startswith("aip-") and rest in relpaths) or any(
                rel.startswith(p) for p in prefixes
            )
            (gone if hit else keep).append(rel if hit else line)
        if not gone:
            continue
        for rel in gone:
            backup.joinpath(*rel.split("/")).unlink(missing_ok=True)
        tmp = manifest.with_suffix(".tmp")
        tmp.write_text("".join(keep), "utf-8")
        os.replace(tmp, manifest)
        with open(backup / NOTE, "a", encoding="utf-8") as note:
            for rel in gone:
                note.write(f"{now()}\t{code}\t{rel}\n")
        total += len(gone)
    return total


def finish_pending(batch, commit=None) -> int:
    """Remove the files of records whose destruction committed; then forget them."""
    pending = getattr(batch, "pending_purge", None)
    if not pending:
        return 0
    uids, synced = list(pending.keys()), set()
    for uid in list(uids):
        try:
            remove_files(pending[uid], synced)
        except OSError as error:  # kept pending: the next run tries again
            logger.error("destruction: could not remove the files of %s: %s", uid, error)
            uids.remove(uid)
    for folder in synced:
        if folder.is_dir():
            fsync_dir(folder)
    for uid in uids:
        del pending[uid]
    batches.commit_or_savepoint(commit)
    return len(uids)


def note_carriers(batch, found: dict) -> None:
    """The offline carriers holding a copy of the destroyed record: pending physical
    destruction (待实体销毁) until a person confirms each."""
    burnt = discs.on_disc()
    for relpath in found.get("relpaths") or ():
        for carrier in burnt.get(relpath, ()):
            entry = batch.carriers.get(carrier)
            if entry is None:
                entry = batch.carriers[carrier] = PersistentMapping(
                    {"relpaths": [], "codes": [], "confirmed_by": "", "confirmed_at": ""}
                )
            entry["relpaths"] = [*entry["relpaths"], relpath]
            if found.get("code") not in entry["codes"]:
                entry["codes"] = [*entry["codes"], found.get("code")]


def carrier_destroyed(carrier: str, relpaths) -> None:
    """A carrier confirmed destroyed no longer holds these AIPs (the on-disc register)."""
    burnt = discs.on_disc()
    for relpath in relpaths:
        left = tuple(c for c in burnt.get(relpath, ()) if c != carrier)
        if relpath not in burnt:
            continue
        if left:
            burnt[relpath] = left
        else:
            del burnt[relpath]
