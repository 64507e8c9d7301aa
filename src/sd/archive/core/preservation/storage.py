"""Storage locations and the AIP layout on them (存储位置与存储策略).

Layout: ``<root>/<全宗号>/<年度>/<档号>/<档号>.v<N>.eep``. Every version of a record is written
to each online location atomically (temp file + fsync + rename); versions are immutable.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from pathlib import Path

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem

from .aip import read_aip_file
from .aip import write_aip_file
from .aip_model import AIPRecord
from .aip_model import PackageSigner
from .aip_model import aip_file_name
from .atomic import atomic_copy
from .atomic import fsync_dir
from .atomic import is_temp_name

MEDIA = ("online_disk", "offline_disk", "optical", "tape", "second_site")
_NAME = re.compile(r"^(?P<code>.+)\.v(?P<version>[1-9][0-9]*)\.eep$")


@dataclass(frozen=True)
class StorageLocation:
    """A storage location (存储位置): id, root path, medium (载体类型) and whether it is online."""

    id: str
    path: str
    medium: str = "online_disk"
    online: bool = True

    @property
    def root(self) -> Path:
        return Path(self.path)


@dataclass(frozen=True)
class StoragePolicy:
    """How many copies where (存储策略): online copies and offline sets required."""

    copies_required: int = 2
    offline_sets_required: int = 1

    def check(self, locations: Iterable[StorageLocation]) -> list[Problem]:
        """Problems with a set of locations; an empty list means the policy is met."""
        locations = list(locations)
        problems = []
        for loc in locations:
            if loc.medium not in MEDIA:
                problems.append(Problem("STORE-MEDIUM", f"unknown medium {loc.medium!r}", loc.id))
        online = [loc for loc in locations if loc.online]
        roots = {os.path.realpath(loc.path) for loc in online}
        if len(roots) < self.copies_required:
            problems.append(
                Problem(
                    "STORE-POLICY",
                    f"{self.copies_required} online copies in different directories required, "
                    f"{len(roots)} configured",
                    "online",
                )
            )
        offline = [loc for loc in locations if not loc.online]
        if len(offline) < self.offline_sets_required:
            problems.append(
                Problem(
                    "STORE-POLICY",
                    f"{self.offline_sets_required} offline set(s) required, "
                    f"{len(offline)} configured",
                    "offline",
                )
            )
        return problems


@dataclass(frozen=True)
class AIPRef:
    """Where one AIP version lives inside a location (相对路径)."""

    relpath: str
    fonds: str
    year: str
    archival_code: str
    version: int


@dataclass
class StoredAIP:
    """The result of writing one AIP version everywhere."""

    relpath: str
    sm3: str
    size: int
    signed_digest: str
    copies: dict[str, str] = field(default_factory=dict)  # location id → absolute path


def _safe_segment(value: str, what: str) -> str:
    value = str(value)
    if (
        not value
        or value in (".", "..")
        or value.startswith(".")
        or "/" in value
        or "\\" in value
        or "\x00" in value
        or len(value.encode("utf-8")) > 200
    ):
        raise ArchiveError(
            f"{what} cannot be used in a storage path",
            [
                Problem(
                    "STORE-PATH",
                    "empty, dot-leading, too long or contains a separator",
                    value,
                    what,
                )
            ],
            400,
            "BadRequest",
        )
    return value


def aip_relpath(fonds: str, year: str, archival_code: str, version: int) -> str:
    """``<全宗号>/<年度>/<档号>/<档号>.v<N>.eep``."""
    return "/".join(
        (
            _safe_segment(fonds, "全宗号"),
            _safe_segment(year, "年度"),
            _safe_segment(archival_code, "档号"),
            aip_file_name(archival_code, version),
        )
    )


def parse_relpath(relpath: str) -> AIPRef | None:
    """The reverse of ``aip_relpath``; None when the path does not follow the layout."""
    parts = relpath.split("/")
    if len(parts) != 4:
        return None
    m = _NAME.match(parts[3])
    if not m or m.group("code") != parts[2]:
        return None
    return AIPRef(relpath, parts[0], parts[1], parts[2], int(m.group("version")))


def aip_path(location: StorageLocation, relpath: str) -> Path:
    if parse_relpath(relpath) is None:
        raise ArchiveError(
            "not an AIP path", [Problem("STORE-PATH", "does not follow the AIP layout", relpath)]
        )
    return location.root.joinpath(*relpath.split("/"))


def set_aside_strays(locations: Iterable[StorageLocation], relpath: str, stamp: str) -> list[Path]:
    """Rename copies of ``relpath`` that no committed version owns to ``<name>.stray-<stamp>``.

    Such files are left by a process killed between writing an AIP and committing its
    version (搁置残留文件); the caller knows from its index that nothing claims them. They are
    kept beside, never deleted, and the version is written again."""
    moved = []
    for loc in locations:
        if not loc.online:
            continue
        path = aip_path(loc, relpath)
        if path.exists():
            target = path.with_name(f"{path.name}.stray-{stamp}")
            os.replace(path, target)
            moved.append(target)
    return moved


def write_aip(
    locations: Iterable[StorageLocation],
    record: AIPRecord,
    signer: PackageSigner | None,
    *,
    policy: StoragePolicy | None = None,
    now: datetime | None = None,
) -> StoredAIP:
    """Write ``record`` to every online location; refuse to overwrite an existing version.

    The first copy is written from the record, the others are copied from it and checked
    against its SM3. A version from 2 on embeds version N-1 as its 原封装包
    (:func:`previous_version`, unless ``record.original`` is given). Returns the package SM3
    for the ledger's ``preserve`` entry.
    """
    online = [loc for loc in locations if loc.online]
    if (
        policy is not None
        and len({os.path.realpath(loc.path) for loc in online}) < policy.copies_required
    ):
        raise ArchiveError(
            "not enough online storage locations",
            [Problem("STORE-POLICY", f"{policy.copies_required} online copies required", "online")],
            409,
            "Conflict",
        )
    if not online:
        raise ArchiveError(
            "no online storage location",
            [Problem("STORE-POLICY", "none online", "online")],
            409,
            "Conflict",
        )
    relpath = aip_relpath(record.fonds, record.year, record.archival_code, record.version)
    existing = [loc.id for loc in online if aip_path(loc, relpath).exists()]
    if existing:
        raise ArchiveError(
            "this AIP version exists already",
            [Problem("STORE-EXISTS", f"present at {', '.join(existing)}", relpath)],
            409,
            "Conflict",
        )
    if int(record.version) >= 2 and record.original is None:
        record.original = previous_version(online, record)
    first = aip_path(online[0], relpath)
    result = write_aip_file(record, first, signer, now=now)
    stored = StoredAIP(
        relpath, result.sm3, result.size, result.signed_digest, {online[0].id: str(first)}
    )
    for loc in online[1:]:
        target = aip_path(loc, relpath)
        digest, _ = atomic_copy(first, target)
        if digest != result.sm3:
            raise ArchiveError(
                "copy differs from the written AIP",
                [Problem("STORE-COPY", f"SM3 {digest} != {result.sm3}", str(target))],
                500,
                "StorageError",
            )
        stored.copies[loc.id] = str(target)
    return stored


def previous_version(locations: Iterable[StorageLocation], record: AIPRecord) -> str:
    """The file of version N-1 of ``record`` (its 原封装包, DA/T 48 修改型) in the first online
    location that has it; refused (409) when none has: a modified package without its
    original would not be what the standard asks for."""
    relpath = aip_relpath(record.fonds, record.year, record.archival_code, int(record.version) - 1)
    for loc in locations:
        if loc.online and aip_path(loc, relpath).is_file():
            return str(aip_path(loc, relpath))
    raise ArchiveError(
        "the previous AIP version is missing",
        [Problem("STORE-ORIGINAL", "version N-1 (原封装包) is on no online location", relpath)],
        409,
        "Conflict",
    )


def list_aips(location: StorageLocation) -> Iterator[AIPRef]:
    """Every AIP version under a location, in fonds/year/archival code/version order."""
    root = location.root
    if not root.is_dir():
        return
    for fonds in sorted(_dirs(root)):
        for year in sorted(_dirs(root / fonds)):
            for code in sorted(_dirs(root / fonds / year)):
                refs = []
                with os.scandir(root / fonds / year / code) as it:
                    for entry in it:
                        if entry.is_file() and not is_temp_name(entry.name):
                            ref = parse_relpath(f"{fonds}/{year}/{code}/{entry.name}")
                            if ref is not None:
                                refs.append(ref)
                yield from sorted(refs, key=lambda r: r.version)


def _dirs(path: Path) -> list[str]:
    with os.scandir(path) as it:
        return [e.name for e in it if e.is_dir() and not e.name.startswith(".")]


def read_aip(location: StorageLocation, relpath: str, **kwargs) -> AIPRecord:
    """Read and check one stored AIP (keyword arguments as ``read_aip_file``)."""
    return read_aip_file(aip_path(location, relpath), **kwargs)


def delete_aip(location: StorageLocation, relpath: str) -> bool:
    """Remove one AIP copy (销毁 or a retired location); True when something was removed."""
    path = aip_path(location, relpath)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    fsync_dir(path.parent)
    for parent in (path.parent, path.parent.parent, path.parent.parent.parent):
        try:
            parent.rmdir()
        except OSError:
            break
    return True
