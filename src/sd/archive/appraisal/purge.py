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
from concurrent.futures import ThreadPoolExecutor
from functools import partial
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


def remove_blob_dir(path: Path) -> bool:
    """Remove a blob oid directory (every revision of the blob); False when it is gone."""
    if not path.is_dir():
        return False
    shutil.rmtree(path, ignore_errors=True)
    return True


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


def purge_backups(relpaths: dict, blob_dirs: dict) -> int:
    """Remove the copies from every managed backup and rewrite its manifest once (a whole
    chunk's records in one pass: ``relpaths`` and ``blob_dirs`` map each AIP relpath and
    blob directory to its record's code, written to the backup's note). Returns files."""
    oid_dirs = {rel: code for rel, code in ((_blob_rel(d), c) for d, c in blob_dirs.items()) if rel}
    total = 0
    for backup in backup_roots():
        manifest = backup / MANIFEST
        lines = manifest.read_text("utf-8").splitlines(keepends=True)
        keep, gone = [], []
        for line in lines:
            rel = line.rstrip("\n").partition("  ")[2]
            part, _, rest = rel.partition("/")
            if part.startswith("aip-"):
                code = relpaths.get(rest)
            else:  # a blob file sits in its oid directory: blobs/…/0x2a/<serial>.blob
                code = oid_dirs.get(rel.rpartition("/")[0])
            if code is None:
                keep.append(line)
            else:
                gone.append((rel, code))
        if not gone:
            continue
        _parallel(partial(_unlink_in, backup), [rel for rel, _code in gone])
        tmp = manifest.with_suffix(".tmp")
        tmp.write_text("".join(keep), "utf-8")
        os.replace(tmp, manifest)
        with open(backup / NOTE, "a", encoding="utf-8") as note:
            stamp = now()
            for rel, code in gone:
                note.write(f"{stamp}\t{code}\t{rel}\n")
        total += len(gone)
    return total


def _unlink_in(root: Path, rel: str) -> None:
    root.joinpath(*rel.split("/")).unlink(missing_ok=True)


#: file removals run side by side: an unlink or rmdir waits for the file system's journal
#: (measured here: ~8 ms each one after the other, ~0.3 ms each with 8 threads)
THREADS = 8


def _parallel(call, items) -> list:
    items = list(items)
    if len(items) < 2:
        return [call(item) for item in items]
    with ThreadPoolExecutor(min(THREADS, len(items))) as pool:
        return list(pool.map(call, items))


def finish_pending(batch, commit=None) -> int:
    """Remove the files of records whose destruction committed; then forget them.

    One pass for the whole chunk: every AIP copy and blob directory removed side by side
    (:data:`THREADS`), every managed backup's manifest rewritten once, each touched folder
    synced once. A record whose removal failed stays pending (the next run tries again)."""
    pending = getattr(batch, "pending_purge", None)
    if not pending:
        return 0
    found = {uid: pending[uid] for uid in pending}
    locations = config.online_locations()
    synced: set = set()

    def remove_record(uid):
        try:
            for loc in locations:
                for relpath in found[uid].get("relpaths") or ():
                    remove_aip(loc, relpath, synced)
            for path in found[uid].get("blobs") or ():
                remove_blob_dir(Path(path))
        except OSError as error:  # kept pending: the next run tries again
            logger.error("destruction: could not remove the files of %s: %s", uid, error)
            return None
        return uid

    done = [uid for uid in _parallel(remove_record, found) if uid is not None]
    try:
        purge_backups(
            {
                r: f.get("code") or ""
                for uid in done
                for f in [found[uid]]
                for r in f.get("relpaths") or ()
            },
            {
                Path(d): f.get("code") or ""
                for uid in done
                for f in [found[uid]]
                for d in f.get("blobs") or ()
            },
        )
    except OSError as error:  # the backups are tried again with the whole chunk
        logger.error("destruction: could not purge the managed backups: %s", error)
        done = []
    done = discs.purge_images(batch, {uid: found[uid] for uid in done})  # disc images
    _parallel(fsync_dir, [folder for folder in synced if folder.is_dir()])
    for uid in done:
        del pending[uid]
    batches.commit_or_savepoint(commit)
    return len(done)


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
    """A carrier confirmed destroyed no longer holds these AIPs (the on-disc register) and
    is retired in the carrier register."""
    discs.carrier_destroyed(carrier, relpaths)
