"""Storage locations and policy from the registry (存储位置与存储策略配置).

Locations are registry lines ``<id>|<medium>|<path>``; a relative path is taken under the
instance var directory (``SD_ARCHIVE_VAR``, set by zope.conf). Online media (online disk,
second site) receive every AIP; offline media (offline disk, optical, tape) are filled by
disc batching (组盘) and read-back campaigns. The registry schema is :class:`IStorageSettings`
(``sd.archive.preservation.*``, profiles/default/registry/preservation.xml), edited in the
control panel ``@@sd-archive-storage``.
"""

from __future__ import annotations

import os
from pathlib import Path

from plone.registry.interfaces import IRegistry
from zope import schema
from zope.component import queryUtility
from zope.interface import Interface
from zope.interface import Invalid
from zope.interface import invariant

from sd.archive import _
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.preservation.storage import MEDIA
from sd.archive.core.preservation.storage import StorageLocation
from sd.archive.core.preservation.storage import StoragePolicy

PREFIX = "sd.archive.preservation"
ONLINE_MEDIA = ("online_disk", "second_site")
VAR_ENV = "SD_ARCHIVE_VAR"
DEFAULT_LOCATIONS = [
    "copy1|online_disk|aip/copy1",
    "copy2|online_disk|aip/copy2",
    "discs|optical|discs",
]
CARRIER_TYPES = ("BD-R 25GB", "BD-R 50GB", "BD-R 100GB")


def _check_line(value):
    parts = [p.strip() for p in (value or "").split("|")]
    if len(parts) != 3 or not all(parts):
        raise Invalid(_("Write each location as id|medium|path."))
    if parts[1] not in MEDIA:
        raise Invalid(
            _("Unknown medium: use online_disk, offline_disk, optical, tape or second_site.")
        )
    return True


class IStorageSettings(Interface):
    """Storage locations and policy (存储位置与存储策略)."""

    locations = schema.List(
        title=_("Storage locations"),  # 存储位置
        description=_(
            "One per line: id|medium|path. Media: online_disk, offline_disk, optical, tape, "
            "second_site. A relative path lies under the instance var directory. Every AIP "
            "is written to each online location (online_disk, second_site)."
        ),
        value_type=schema.TextLine(constraint=_check_line),
        default=list(DEFAULT_LOCATIONS),
    )
    copies_required = schema.Int(
        title=_("Online copies required"),  # 在线副本数
        default=2,
        min=1,
    )
    offline_sets_required = schema.Int(
        title=_("Offline sets required"),  # 离线套数
        default=1,
        min=0,
    )
    fixity_workers = schema.Int(
        title=_("Fixity workers (0: one per core)"),  # 检测并行数
        default=0,
        min=0,
    )
    fixity_interval_days = schema.Int(
        title=_("Days between scheduled fixity runs"),  # 巡检周期
        default=30,
        min=1,
    )
    carrier_type = schema.Choice(
        title=_("Disc type for batching"),  # 载体类型
        values=CARRIER_TYPES,
        default="BD-R 25GB",
    )
    unit_name = schema.TextLine(
        title=_("Unit named on the disc label"),  # 单位
        default="",
        required=False,
    )
    renew_evidence = schema.Bool(
        title=_("Renew the evidence with SHA-256 on the schedule"),  # 证据续期
        description=_(
            "Re-hash every record with SHA-256 beside SM3 and log a renewal linking its "
            "entry, once per fixity interval (sd.archive.preservation.renewal)."
        ),
        default=False,
        required=False,
    )

    @invariant
    def unique_ids(data):
        ids = [line.split("|", 1)[0].strip() for line in (data.locations or [])]
        if len(set(ids)) != len(ids):
            raise Invalid(_("Storage location ids must be unique."))


def var_dir() -> Path:
    """The instance var directory (实例数据目录); refuses when it is not configured."""
    value = os.environ.get(VAR_ENV)
    if not value:
        raise ArchiveError(
            "the instance var directory is not configured",
            [Problem("PRESERVE-CONFIG", f"set {VAR_ENV} (zope.conf does)", VAR_ENV)],
            500,
            "ConfigurationError",
        )
    return Path(value)


def settings():
    """The preservation registry proxy, or None before the profile is installed."""
    registry = queryUtility(IRegistry)
    if registry is None:
        return None
    try:
        return registry.forInterface(IStorageSettings, prefix=PREFIX)
    except KeyError:
        return None


def _setting(name, default):
    proxy = settings()
    value = getattr(proxy, name, None) if proxy is not None else None
    return default if value is None else value


def parse_location(line: str) -> StorageLocation:
    """``id|medium|path`` → StorageLocation; relative paths live under the var directory."""
    parts = [p.strip() for p in line.split("|")]
    if len(parts) != 3 or not all(parts):
        raise ArchiveError(
            "a storage location is written id|medium|path",
            [Problem("STORE-CONFIG", "three non-empty parts separated by |", line, "locations")],
            400,
            "BadRequest",
        )
    loc_id, medium, path = parts
    if medium not in MEDIA:
        raise ArchiveError(
            "unknown storage medium",
            [Problem("STORE-MEDIUM", f"one of {', '.join(MEDIA)}", medium, "locations")],
            400,
            "BadRequest",
        )
    if not os.path.isabs(path):
        path = str(var_dir() / path)
    return StorageLocation(loc_id, path, medium, medium in ONLINE_MEDIA)


def locations() -> list[StorageLocation]:
    """Every configured storage location, in registry order."""
    result = [parse_location(line) for line in _setting("locations", DEFAULT_LOCATIONS)]
    ids = [loc.id for loc in result]
    if len(set(ids)) != len(ids):
        raise ArchiveError(
            "storage location ids must be unique",
            [Problem("STORE-CONFIG", "duplicate id", ",".join(ids), "locations")],
            400,
            "BadRequest",
        )
    return result


def online_locations() -> list[StorageLocation]:
    return [loc for loc in locations() if loc.online]


def location(location_id: str) -> StorageLocation:
    for loc in locations():
        if loc.id == location_id:
            return loc
    raise ArchiveError(
        "unknown storage location",
        [Problem("STORE-UNKNOWN", "not configured", location_id, "location")],
        404,
        "NotFound",
    )


def policy() -> StoragePolicy:
    return StoragePolicy(
        copies_required=int(_setting("copies_required", 2)),
        offline_sets_required=int(_setting("offline_sets_required", 1)),
    )


def fixity_workers() -> int:
    return int(_setting("fixity_workers", 0)) or (os.cpu_count() or 1)


def unit_name() -> str:
    return str(_setting("unit_name", "") or "")


def work_dir(name: str) -> Path:
    """A directory under the var directory for runs, discs, keys, backups (创建如缺失)."""
    path = var_dir() / "preservation" / name
    path.mkdir(parents=True, exist_ok=True)
    return path
