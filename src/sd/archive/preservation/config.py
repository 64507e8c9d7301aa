"""Storage locations and policy from the registry (存储位置与存储策略配置).

Locations are registry lines ``<id>|<medium>|<path>``; a relative path is taken under the
instance var directory (``SD_ARCHIVE_VAR``, set by zope.conf). Online media (online disk,
second site) receive every AIP; offline media (offline disk, optical, tape) are filled by
disc batching (组盘) and read-back campaigns.
"""

from __future__ import annotations

import os
from pathlib import Path

from plone.registry.interfaces import IRegistry
from zope.component import queryUtility

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
    from sd.archive.controlpanels.storage import IStorageSettings

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


def site_tree(key: str, site=None):
    """An OOBTree kept in the site's annotations under ``key`` (created on first use)."""
    from BTrees.OOBTree import OOBTree
    from plone import api
    from zope.annotation.interfaces import IAnnotations

    annotations = IAnnotations(site or api.portal.get())
    tree = annotations.get(key)
    if tree is None:
        tree = annotations[key] = OOBTree()
    return tree
