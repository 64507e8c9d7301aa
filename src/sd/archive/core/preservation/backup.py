"""Backup and restore (备份与恢复): database files, blobs, AIPs, configuration, public keys and
the audit trail together, in one timestamped folder with an SM3 manifest.

A restore counts only after ``verify_restore`` has re-hashed a sample of the restored files
against the backup manifest (a fixity sample) and written ``RESTORE-VERIFIED.json``.
"""

from __future__ import annotations

import json
import os
import random
import shutil
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from pathlib import Path

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem

from .atomic import atomic_writer
from .atomic import fsync_dir
from .hashing import copy_hashed
from .hashing import sm3_file

MANIFEST = "manifest-sm3.txt"
INFO = "backup.json"
VERIFIED = "RESTORE-VERIFIED.json"
PARTIAL = ".partial"


@dataclass
class BackupResult:
    path: str
    created: str
    files: int
    bytes: int
    parts: dict[str, str] = field(default_factory=dict)  # part name → source path


@dataclass
class RestoreCheck:
    """The sampled fixity check of a restore (恢复校验)."""

    target: str
    sampled: int
    total: int
    passed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.sampled > 0 and not (self.failed or self.missing)


def _safe_part(name: str) -> str:
    if not name or "/" in name or "\\" in name or name.startswith(".") or name in (MANIFEST, INFO):
        raise ArchiveError(
            "bad backup part name", [Problem("BACKUP-NAME", "plain folder name required", name)]
        )
    return name


def _copy_file(src: Path, dst: Path) -> tuple[str, int]:
    dst.parent.mkdir(parents=True, exist_ok=True)
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        digest, size = copy_hashed(fin, fout)
        fout.flush()
        os.fsync(fout.fileno())
    shutil.copystat(src, dst)
    return digest, size


def make_backup(
    sources: dict[str, str | os.PathLike],
    backup_root: str | os.PathLike,
    *,
    now: datetime | None = None,
) -> BackupResult:
    """Copy each source (a directory or a file) under ``<backup_root>/backup-<UTC time>/<part>``.

    ``sources`` names the parts, e.g. ``{"filestorage": ..., "blobs": ..., "aips": ...,
    "config": ..., "keys": ..., "audit": ...}``. Written into a ``.partial`` folder that is
    renamed when the manifest is complete.
    """
    now = now or datetime.now(UTC)
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    final = Path(backup_root) / f"backup-{stamp}"
    if final.exists():
        raise ArchiveError(
            "backup exists",
            [Problem("BACKUP-EXISTS", "same timestamp", str(final))],
            409,
            "Conflict",
        )
    work = final.with_name(final.name + PARTIAL)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    lines, total, count = [], 0, 0
    for name, src in sorted(sources.items()):
        src = Path(src)
        part = _safe_part(name)
        if not src.exists():
            raise ArchiveError(
                "backup source missing",
                [Problem("BACKUP-SOURCE", "does not exist", str(src), name)],
                409,
                "Conflict",
            )
        files = (
            [src]
            if src.is_file()
            else sorted(p for p in src.rglob("*") if p.is_file() and not p.is_symlink())
        )
        for f in files:
            rel = f"{part}/{f.name}" if src.is_file() else f"{part}/{f.relative_to(src).as_posix()}"
            digest, size = _copy_file(f, work.joinpath(*rel.split("/")))
            lines.append(f"{digest}  {rel}\n")
            total += size
            count += 1
    result = BackupResult(
        str(final),
        now.isoformat(timespec="seconds"),
        count,
        total,
        {k: str(v) for k, v in sources.items()},
    )
    with atomic_writer(work / MANIFEST) as f:
        f.write("".join(lines).encode("utf-8"))
    with atomic_writer(work / INFO) as f:
        f.write(json.dumps(asdict(result), ensure_ascii=False, indent=1).encode("utf-8"))
    os.replace(work, final)
    fsync_dir(final.parent)
    return result


def read_backup_manifest(backup_dir: str | os.PathLike) -> dict[str, str]:
    result = {}
    for line in (Path(backup_dir) / MANIFEST).read_text("utf-8").splitlines():
        if line:
            digest, _, rel = line.partition("  ")
            result[rel] = digest
    return result


def verify_backup(backup_dir: str | os.PathLike) -> RestoreCheck:
    """Re-hash every file of a backup folder against its manifest."""
    return _check(Path(backup_dir), read_backup_manifest(backup_dir), 1.0, 0)


def restore_backup(
    backup_dir: str | os.PathLike,
    target_dir: str | os.PathLike,
    *,
    parts: list[str] | None = None,
) -> Path:
    """Copy the parts of a backup into ``target_dir`` (which must be empty or new)."""
    backup_dir, target = Path(backup_dir), Path(target_dir)
    if target.exists() and any(target.iterdir()):
        raise ArchiveError(
            "restore target is not empty",
            [Problem("RESTORE-TARGET", "not empty", str(target))],
            409,
            "Conflict",
        )
    manifest = read_backup_manifest(backup_dir)
    for rel in manifest:
        if parts is not None and rel.split("/", 1)[0] not in parts:
            continue
        _copy_file(backup_dir.joinpath(*rel.split("/")), target.joinpath(*rel.split("/")))
    shutil.copy2(backup_dir / MANIFEST, target / MANIFEST)
    return target


def verify_restore(
    target_dir: str | os.PathLike,
    sample_fraction: float = 0.1,
    *,
    seed: int | str | None = None,
) -> RestoreCheck:
    """Re-hash a random sample of the restored files against the backup manifest; when it
    passes, write ``RESTORE-VERIFIED.json`` — only then does the restore count."""
    target = Path(target_dir)
    manifest = read_backup_manifest(target)
    check = _check(target, manifest, sample_fraction, seed)
    marker = target / VERIFIED
    if check.ok:
        with atomic_writer(marker) as f:
            f.write(
                json.dumps(
                    {**asdict(check), "verified": datetime.now(UTC).isoformat(timespec="seconds")},
                    ensure_ascii=False,
                ).encode("utf-8")
            )
    elif marker.exists():
        marker.unlink()
    return check


def restore_counts(target_dir: str | os.PathLike) -> bool:
    """True once a restore has passed its fixity sample."""
    return (Path(target_dir) / VERIFIED).exists()


def _check(root: Path, manifest: dict[str, str], fraction: float, seed) -> RestoreCheck:
    rels = sorted(manifest)
    if fraction < 1:
        k = max(1, round(len(rels) * fraction)) if rels else 0
        rels = sorted(random.Random(seed).sample(rels, k))
    check = RestoreCheck(str(root), len(rels), len(manifest))
    for rel in rels:
        path = root.joinpath(*rel.split("/"))
        if not path.is_file():
            check.missing.append(rel)
        elif sm3_file(path) == manifest[rel]:
            check.passed.append(rel)
        else:
            check.failed.append(rel)
    return check
